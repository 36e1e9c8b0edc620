//! The state dir: the key pair and live sessions survive a restart; returns do not.

use std::path::Path;
use std::time::Duration;

use gstn_proto::headers::paths;
use gstn_sandbox::persist::{CERT_FILE, CORRUPT_SESSIONS_FILE, KEY_FILE, SESSIONS_FILE};
use gstn_sandbox::SandboxConfig;
use serde_json::json;

use crate::support::*;

fn in_dir(dir: &Path) -> SandboxConfig {
    config().with_state_dir(dir)
}

async fn retsum(c: &Client) -> Reply {
    c.get(paths::GSTR2, &[("action", "RETSUM")]).await
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn a_token_works_after_a_restart_with_the_same_state_dir() {
    let top = tempfile::tempdir().unwrap();
    // Not there yet: the sandbox makes it, owner-only.
    let dir = top.path().join("state");
    let dir = dir.as_path();
    let first = sandbox(in_dir(dir)).await;
    let cert = first.certificate_pem();
    let mut c = Client::new(&first, receiver()).await;
    c.login().await;
    retsum(&c).await.ok();
    let item = json!({"num": 1, "itm_det": {"rt": 18, "txval": 100, "camt": 9, "samt": 9},
                      "itc": {"elg": "ip", "tx_c": 9, "tx_s": 9}});
    let (_, _, status) = c
        .save_and_wait(&json!({"gstin": receiver().as_str(), "fp": "072017",
            "b2bur": [{"inv": [{"inum": "UR-1", "idt": "05-07-2017", "val": 118, "pos": "27",
                       "sply_ty": "INTRA", "itms": [item]}]}]}))
        .await;
    assert_eq!(status["status_cd"], "P", "{status}");
    assert_ne!(retsum(&c).await.ok()["section_summary"], json!([]));
    first.shutdown().await;

    let second = sandbox(in_dir(dir)).await;
    assert_eq!(second.certificate_pem(), cert, "the same key pair");
    assert_eq!(second.state().session_count(), 1);
    c.base = second.base_url();
    // The old token and session key work: no OTP, no AUTHTOKEN on this sandbox.
    let sum = retsum(&c).await.ok();
    assert_eq!(second.request_count("OTPREQUEST"), 0);
    assert_eq!(second.request_count("AUTHTOKEN"), 0);
    // Returns are not kept: the save before the restart is gone.
    assert_eq!(sum["section_summary"], json!([]), "{sum}");
    // The refresh rules still hold: the session's app key, under the old session key.
    c.refresh().await.ok();
    retsum(&c).await.ok();
    #[cfg(unix)]
    {
        assert_eq!(mode(&dir.join(SESSIONS_FILE)), 0o600);
        assert_eq!(mode(&dir.join(KEY_FILE)), 0o600);
        assert_eq!(mode(dir), 0o700);
    }
    // The file holds no token, only its hash.
    let text = std::fs::read_to_string(dir.join(SESSIONS_FILE)).unwrap();
    assert!(!text.contains(c.token.as_ref().unwrap().expose_secret()));
    // A logout is kept too: after one more restart the token is unknown.
    c.logout().await.ok();
    second.shutdown().await;
    let third = sandbox(in_dir(dir)).await;
    c.base = third.base_url();
    assert_eq!(third.state().session_count(), 0);
    assert_eq!(retsum(&c).await.code(), "RET11407");
    third.shutdown().await;
}

#[tokio::test]
async fn another_state_dir_or_none_refuses_the_token() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = sandbox(in_dir(a.path())).await;
    let mut c = Client::new(&first, receiver()).await;
    c.login().await;
    first.shutdown().await;
    for config in [in_dir(b.path()), config()] {
        let other = sandbox(config).await;
        c.base = other.base_url();
        assert_eq!(retsum(&c).await.code(), "RET11407");
        other.shutdown().await;
    }
}

#[tokio::test]
async fn a_restored_token_expires_at_its_own_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let lifetime = Duration::from_millis(1500);
    let first = sandbox(in_dir(dir.path()).with_token_lifetime(lifetime)).await;
    let mut c = Client::new(&first, receiver()).await;
    c.login().await;
    first.shutdown().await;
    let second = sandbox(in_dir(dir.path()).with_token_lifetime(lifetime)).await;
    c.base = second.base_url();
    retsum(&c).await.ok();
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(retsum(&c).await.code(), "AUTH4038");
    assert_eq!(c.refresh().await.code(), "AUTH4038");
    second.shutdown().await;
}

#[tokio::test]
async fn a_corrupt_sessions_file_is_set_aside_and_clients_log_in_again() {
    let dir = tempfile::tempdir().unwrap();
    let first = sandbox(in_dir(dir.path())).await;
    let mut c = Client::new(&first, receiver()).await;
    c.login().await;
    first.shutdown().await;
    let sessions = dir.path().join(SESSIONS_FILE);
    std::fs::write(&sessions, b"{\"version\":1,\"next_id\":").unwrap();

    let second = sandbox(in_dir(dir.path())).await;
    assert_eq!(second.state().session_count(), 0);
    assert!(!sessions.exists());
    let aside = std::fs::read(dir.path().join(CORRUPT_SESSIONS_FILE)).unwrap();
    assert_eq!(aside, b"{\"version\":1,\"next_id\":", "kept for a look");
    c.base = second.base_url();
    assert_eq!(retsum(&c).await.code(), "RET11407");
    c.login().await;
    retsum(&c).await.ok();
    assert!(sessions.exists(), "written again on login");
    second.shutdown().await;
}

#[tokio::test]
async fn an_unreadable_key_file_stops_the_start_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    sandbox(in_dir(dir.path())).await.shutdown().await;
    let key = dir.path().join(KEY_FILE);
    std::fs::write(&key, "-----BEGIN PRIVATE KEY-----\nnot a key\n").unwrap();
    let e = gstn_sandbox::spawn(in_dir(dir.path())).await.unwrap_err();
    let text = e.to_string();
    assert!(text.starts_with("state file "), "{text}");
    assert!(text.contains(&key.display().to_string()), "{text}");
    // A certificate without its key is refused as well, naming the missing file.
    std::fs::remove_file(&key).unwrap();
    let e = gstn_sandbox::spawn(in_dir(dir.path())).await.unwrap_err();
    assert!(e.to_string().contains(KEY_FILE), "{e}");
    assert!(e.to_string().contains("missing"), "{e}");
    // Both gone: a new key pair.
    std::fs::remove_file(dir.path().join(CERT_FILE)).unwrap();
    sandbox(in_dir(dir.path())).await.shutdown().await;
    assert!(key.exists());
}
