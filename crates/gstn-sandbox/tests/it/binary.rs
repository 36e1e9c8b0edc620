//! The `gstn-sandbox` binary: first stdout line, certificate written and served.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn the_binary_prints_its_url_and_serves_its_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let cert_out = dir.path().join("gstn.pem");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gstn-sandbox"))
        .args(["--port", "0", "--key-bits", "1024", "--seed-dir"])
        .arg(dir.path())
        .arg("--cert-out")
        .arg(&cert_out)
        .args(["--client-id", "bin-client"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
    let served = reqwest::get(format!("{url}/static/gstn-public.pem"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let written = std::fs::read_to_string(&cert_out).unwrap();
    assert_eq!(served, written);
    assert!(gstn_proto::GstnPublicKey::from_pem(&served).is_ok());
    // The configured client id is the one accepted.
    let r = reqwest::Client::new()
        .post(format!("{url}/taxpayerapi/v1.0/authenticate"))
        .header("clientid", "sandbox-client")
        .header("client-secret", "sandbox-secret")
        .body("{}")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["error_cd"], "AUT4033");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn bad_options_exit_with_usage_errors() {
    let out = Command::new(env!("CARGO_BIN_EXE_gstn-sandbox"))
        .args(["--fault-5xx", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("faults.error_5xx"));
    let help = Command::new(env!("CARGO_BIN_EXE_gstn-sandbox"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--seed-dir"));
}

#[tokio::test]
async fn the_binary_keeps_its_key_pair_in_the_state_dir() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let serve = || async {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gstn-sandbox"))
            .args(["--port", "0", "--key-bits", "1024", "--state-dir"])
            .arg(&state)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let served = reqwest::get(format!("{}/static/gstn-public.pem", line.trim()))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        served
    };
    let first = serve().await;
    assert_eq!(
        first,
        std::fs::read_to_string(state.join(gstn_sandbox::persist::CERT_FILE)).unwrap()
    );
    assert!(state.join(gstn_sandbox::persist::KEY_FILE).exists());
    // A second process (another generated key otherwise) serves the same certificate.
    assert_eq!(serve().await, first);
}
