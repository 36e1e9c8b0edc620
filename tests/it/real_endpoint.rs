//! The example's real-endpoint mode: settings from `GSTN_*` variables, OTPs from standard
//! input, against a separately started sandbox standing in for GSTN.

use std::collections::BTreeMap;
use std::io::Cursor;

use gstr2::model::{json, Gstr2a};
use gstr2::sandbox::SandboxConfig;

use crate::common::run;
use crate::flow::{self, config_from_env, FlowError, Otps};

struct Gstn {
    sandbox: gstr2::sandbox::SandboxHandle,
    dir: tempfile::TempDir,
    env: BTreeMap<&'static str, String>,
}

/// A sandbox with the demo's GSTR2A and nothing saved, and the variables a user would set.
async fn gstn() -> Gstn {
    let sandbox = gstr2::sandbox::spawn(SandboxConfig::default().with_key_bits(1024))
        .await
        .unwrap();
    let gstin = flow::DEMO_GSTIN.parse().unwrap();
    let period = flow::DEMO_PERIOD.parse().unwrap();
    let text = std::fs::read_to_string(flow::sample_data_dir().join("gstr2a.json")).unwrap();
    sandbox.seed_gstr2a(gstin, period, json::from_str::<Gstr2a>(&text).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("gstn.pem");
    std::fs::write(&cert, sandbox.certificate_pem()).unwrap();
    let env = BTreeMap::from([
        ("GSTN_BASE_URL", sandbox.base_url()),
        ("GSTN_CLIENT_ID", "sandbox-client".to_owned()),
        ("GSTN_CLIENT_SECRET", "sandbox-secret".to_owned()),
        ("GSTN_USERNAME", "taxpayer_one".to_owned()),
        ("GSTN_GSTIN", flow::DEMO_GSTIN.to_owned()),
        ("GSTN_PAN", flow::DEMO_PAN.to_owned()),
        ("GSTN_PERIOD", flow::DEMO_PERIOD.to_owned()),
        ("GSTN_CERT", cert.display().to_string()),
        (
            "GSTR2_OUT_DIR",
            dir.path().join("out").display().to_string(),
        ),
    ]);
    Gstn { sandbox, dir, env }
}

fn lookup<'a>(env: &'a BTreeMap<&'static str, String>) -> impl Fn(&str) -> Option<String> + 'a {
    |name| env.get(name).cloned()
}

#[tokio::test]
async fn files_with_the_otps_piped_on_standard_input() {
    let gstn = gstn().await;
    let mut config = config_from_env(lookup(&gstn.env))
        .unwrap()
        .expect("GSTN_BASE_URL is set");
    assert_eq!(
        config.data_dir,
        flow::sample_data_dir(),
        "GSTR2_DATA defaults to examples/data/"
    );
    assert_eq!(
        config.token_file,
        gstn.dir.path().join("out").join("token.json")
    );
    config.poll = gstr2::client::PollPolicy::fast();
    let mut otps = Otps::Lines(Box::new(Cursor::new(b"575757\n575757\n".to_vec())));
    let (result, printed) = run(&config, &mut otps).await;
    let filed = result.unwrap_or_else(|e| panic!("{e}\n{printed}"));
    assert!(printed.contains("Enter the login OTP:"), "{printed}");
    assert!(printed.contains("Enter the EVC OTP:"), "{printed}");
    assert!(printed.contains("Success: Token Obtained"), "{printed}");
    assert!(!printed.contains("575757"), "an OTP was echoed:\n{printed}");
    assert_eq!(
        gstn.sandbox
            .state()
            .return_status(config.gstin, config.period),
        (true, Some(filed.ack_num))
    );
    // The default chunk limit: the sample register fits one RETSAVE.
    assert_eq!(filed.save.chunks.len(), 1);
    gstn.sandbox.shutdown().await;
}

#[tokio::test]
async fn a_wrong_login_otp_stops_at_step_1_with_gstns_code() {
    let gstn = gstn().await;
    let config = config_from_env(lookup(&gstn.env)).unwrap().unwrap();
    let mut otps = Otps::Lines(Box::new(Cursor::new(b"111111\n".to_vec())));
    let (result, printed) = run(&config, &mut otps).await;
    let message = result.expect_err("a wrong OTP is refused").to_string();
    assert!(message.starts_with("Step-1 connect"), "{message}");
    assert!(message.contains("AUTH4034"), "{message}");
    assert!(!printed.contains("Step-2"), "{printed}");
    assert_eq!(gstn.sandbox.request_count("RETSAVE"), 0);
    gstn.sandbox.shutdown().await;
}

#[tokio::test]
async fn standard_input_ending_before_the_evc_otp_stops_at_step_8() {
    let gstn = gstn().await;
    let mut config = config_from_env(lookup(&gstn.env)).unwrap().unwrap();
    config.poll = gstr2::client::PollPolicy::fast();
    let mut otps = Otps::Lines(Box::new(Cursor::new(b"575757\n".to_vec())));
    let (result, printed) = run(&config, &mut otps).await;
    match result {
        Err(FlowError::Input(m)) => assert!(m.contains("EVC OTP"), "{m}"),
        other => panic!("{other:?}\n{printed}"),
    }
    let (submitted, filed) = gstn
        .sandbox
        .state()
        .return_status(config.gstin, config.period);
    assert!(submitted && filed.is_none());
    gstn.sandbox.shutdown().await;
}

#[test]
fn without_gstn_base_url_the_demo_runs_and_a_missing_setting_is_named() {
    assert!(config_from_env(|_| None).unwrap().is_none());
    let mut env = BTreeMap::from([("GSTN_BASE_URL", "https://gstn.example".to_owned())]);
    let e = config_from_env(lookup(&env))
        .err()
        .expect("settings missing")
        .to_string();
    assert!(e.contains("GSTN_GSTIN is not set"), "{e}");
    env.insert("GSTN_GSTIN", "27AAPFU0939F1ZX".into());
    let e = config_from_env(lookup(&env))
        .err()
        .expect("bad check character")
        .to_string();
    assert!(e.contains("GSTN_GSTIN"), "{e}");
    env.insert("GSTN_GSTIN", flow::DEMO_GSTIN.into());
    env.insert("GSTN_PERIOD", "132017".into());
    let e = config_from_env(lookup(&env))
        .err()
        .expect("bad period")
        .to_string();
    assert!(e.contains("GSTN_PERIOD"), "{e}");
    env.insert("GSTN_PERIOD", flow::DEMO_PERIOD.into());
    env.insert("GSTN_CERT", "/nonexistent/gstn.cer".into());
    let e = config_from_env(lookup(&env))
        .err()
        .expect("no certificate")
        .to_string();
    assert!(e.contains("/nonexistent/gstn.cer"), "{e}");
}

#[test]
fn a_der_certificate_is_read_as_der() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("gstn.cer");
    std::fs::write(&cert, [0x30u8, 0x82, 0x01, 0x0a, 0xff]).unwrap();
    let env = BTreeMap::from([
        ("GSTN_BASE_URL", "https://gstn.example".to_owned()),
        ("GSTN_CLIENT_ID", "id".to_owned()),
        ("GSTN_CLIENT_SECRET", "secret".to_owned()),
        ("GSTN_USERNAME", "user".to_owned()),
        ("GSTN_GSTIN", flow::DEMO_GSTIN.to_owned()),
        ("GSTN_PAN", flow::DEMO_PAN.to_owned()),
        ("GSTN_PERIOD", flow::DEMO_PERIOD.to_owned()),
        ("GSTN_CERT", cert.display().to_string()),
        ("GSTR2_DATA", "/data/register".to_owned()),
    ]);
    let config = config_from_env(lookup(&env)).unwrap().unwrap();
    assert!(matches!(config.certificate, flow::Certificate::Der(ref d) if d.len() == 5));
    assert_eq!(config.data_dir, std::path::PathBuf::from("/data/register"));
    assert_eq!(config.chunk_limit, None);
}
