//! Keys and certificates given to the sandbox, and configuration that hides its secrets.

use gstn_proto::GstnPrivateKey;
use gstn_sandbox::{spawn, SandboxError};

use crate::support::*;

fn write_pair(
    dir: &std::path::Path,
    name: &str,
) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let key = GstnPrivateKey::generate(1024).unwrap();
    let now = chrono::Utc::now();
    let cert = key
        .self_signed_certificate(
            "test",
            now - chrono::Duration::days(1),
            now + chrono::Duration::days(30),
        )
        .unwrap();
    let key_path = dir.join(format!("{name}.key"));
    let cert_path = dir.join(format!("{name}.pem"));
    std::fs::write(&key_path, key.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
    std::fs::write(&cert_path, cert.certificate_pem()).unwrap();
    (key_path, cert_path, cert.certificate_pem())
}

#[tokio::test]
async fn a_given_key_and_certificate_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let (key, cert, pem) = write_pair(dir.path(), "a");
    let out = dir.path().join("out.pem");
    let sb = sandbox(config().with_key_files(&key, &cert).with_cert_out(&out)).await;
    assert_eq!(sb.certificate_pem(), pem);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), pem);
    // A client wrapping its app key with that certificate logs in.
    let mut c = Client::new(&sb, receiver()).await;
    c.login().await;
    assert!(c.token.is_some());
    sb.shutdown().await;
}

#[tokio::test]
async fn a_certificate_of_another_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (key, _, _) = write_pair(dir.path(), "a");
    let (_, other_cert, _) = write_pair(dir.path(), "b");
    let err = spawn(config().with_key_files(&key, &other_cert))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            SandboxError::Config {
                field: "cert_path",
                ..
            }
        ),
        "{err}"
    );
    let missing = spawn(config().with_key_files(dir.path().join("nope.key"), &other_cert))
        .await
        .unwrap_err();
    assert!(missing.to_string().contains("nope.key"), "{missing}");
}

#[test]
fn configuration_debug_hides_secrets() {
    let c = config()
        .with_client("id-1", "very-secret")
        .with_otp("998877")
        .with_evc_otp("665544");
    let debug = format!("{c:?}");
    assert!(debug.contains("id-1"));
    for secret in ["very-secret", "998877", "665544"] {
        assert!(!debug.contains(secret), "{debug}");
    }
}
