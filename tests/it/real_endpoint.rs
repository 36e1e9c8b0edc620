//! The example's real-endpoint mode: settings from `GSTN_*` variables, OTPs from standard
//! input, against a separately started sandbox standing in for GSTN.

use std::collections::BTreeMap;
use std::io::Cursor;

use gstn_sandbox::SandboxConfig;
use gstr2::model::{json, ErrorChain, Gstr2a};

use crate::common::run;
use crate::flow::{self, config_from_env, Confirm, DecisionSource, FlowError, Otps};

struct Gstn {
    sandbox: gstn_sandbox::SandboxHandle,
    dir: tempfile::TempDir,
    env: BTreeMap<&'static str, String>,
}

/// A sandbox with the demo's GSTR2A and nothing saved, and the variables a user would set.
async fn gstn() -> Gstn {
    let sandbox = gstn_sandbox::spawn(SandboxConfig::default().with_key_bits(1024))
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
    let mut gstn = gstn().await;
    gstn.env.insert("GSTR2_CONFIRM", "yes".into());
    let mut config = config_from_env(lookup(&gstn.env))
        .unwrap()
        .expect("GSTN_BASE_URL is set");
    assert_eq!(config.confirm, Confirm::Assume);
    assert_eq!(
        config.decisions,
        DecisionSource::Computed,
        "no demonstration marks against a real endpoint"
    );
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
    assert!(!printed.contains("[y/N]"), "{printed}");
    assert!(
        printed.contains("No decisions given (GSTR2_DECISIONS not set)"),
        "{printed}"
    );
    assert!(filed.pending.is_empty(), "{:?}", filed.pending);
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
    let message = ErrorChain(&result.expect_err("a wrong OTP is refused")).to_string();
    assert!(message.starts_with("Step-1 connect"), "{message}");
    assert!(message.contains("AUTH4034"), "{message}");
    assert!(!printed.contains("Step-2"), "{printed}");
    assert_eq!(gstn.sandbox.request_count("RETSAVE"), 0);
    gstn.sandbox.shutdown().await;
}

#[tokio::test]
async fn standard_input_ending_before_the_evc_otp_stops_at_step_8() {
    let mut gstn = gstn().await;
    gstn.env.insert("GSTR2_CONFIRM", "yes".into());
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

/// The lines a user types: the login OTP, the answers, the EVC OTP.
fn lines(lines: &[&str]) -> Otps {
    Otps::Lines(Box::new(Cursor::new(
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )))
}

#[tokio::test]
async fn confirming_save_submit_and_file_files_the_return() {
    let gstn = gstn().await;
    let mut config = config_from_env(lookup(&gstn.env)).unwrap().unwrap();
    assert_eq!(config.confirm, Confirm::Ask, "GSTR2_CONFIRM is not set");
    config.poll = gstr2::client::PollPolicy::fast();
    let mut otps = lines(&["575757", "y", "Yes", " YES ", "575757"]);
    let (result, printed) = run(&config, &mut otps).await;
    let filed = result.unwrap_or_else(|e| panic!("{e}\n{printed}"));
    // The questions come in the order of the lines.
    let at = |what: &str| {
        printed
            .find(what)
            .unwrap_or_else(|| panic!("{what:?} not asked:\n{printed}"))
    };
    let order = [
        at("Enter the login OTP:"),
        at("Save these to GSTN? [y/N]"),
        at("Submit the return to GSTN? [y/N]"),
        at("File the return with GSTN? [y/N]"),
        at("Enter the EVC OTP:"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{printed}");
    // Before the save: the documents by section and flag, and those to delete.
    let plan = &printed[at("To be saved at GSTN for")..at("Save these to GSTN?")];
    assert!(plan.contains("New/Modify: 27 documents"), "{plan}");
    assert!(
        plan.contains("B2B       accept 3, reject 2, upload 2"),
        "{plan}"
    );
    assert!(plan.contains("Delete: 0 documents"), "{plan}");
    assert!(!printed.contains("575757"), "an OTP was echoed:\n{printed}");
    assert_eq!(
        gstn.sandbox
            .state()
            .return_status(config.gstin, config.period),
        (true, Some(filed.ack_num))
    );
    gstn.sandbox.shutdown().await;
}

#[tokio::test]
async fn a_no_at_submit_or_at_file_stops_there_and_says_where_the_return_stands() {
    for (answers, step, submitted) in [
        (&["575757", "y", "n"][..], "Step-7 submit", false),
        (
            &["575757", "yes", "y", "nope", "575757"][..],
            "Step-8 file",
            true,
        ),
    ] {
        let gstn = gstn().await;
        let mut config = config_from_env(lookup(&gstn.env)).unwrap().unwrap();
        config.poll = gstr2::client::PollPolicy::fast();
        let (result, printed) = run(&config, &mut lines(answers)).await;
        let message = match result {
            Err(e @ FlowError::NotConfirmed { .. }) => e.to_string(),
            other => panic!("{other:?}\n{printed}"),
        };
        assert!(message.starts_with(step), "{message}");
        assert!(message.contains("not confirmed"), "{message}");
        assert_eq!(
            gstn.sandbox
                .state()
                .return_status(config.gstin, config.period),
            (submitted, None),
            "{printed}"
        );
        let saved = gstn
            .sandbox
            .stored_payload(config.gstin, config.period)
            .expect("the save was confirmed");
        assert!(saved.total_documents() > 0);
        assert_eq!(gstn.sandbox.request_count("RETFILE"), 0);
        // A no at Step-8 comes before GSTN is asked to send the EVC OTP.
        assert_eq!(gstn.sandbox.request_count("EVCOTP"), 0);
        gstn.sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn a_bad_decisions_file_is_named_with_its_json_path_before_anything_is_sent() {
    let mut gstn = gstn().await;
    let file = gstn.dir.path().join("decisions.json");
    gstn.env
        .insert("GSTR2_DECISIONS", file.display().to_string());
    let config = config_from_env(lookup(&gstn.env)).unwrap().unwrap();
    assert_eq!(config.decisions, DecisionSource::File(file.clone()));
    for (text, at) in [
        (
            r#"{"pending":[{"ctin":"33GSPTN4811G1ZC","kind":"invoice","number":"S008400","date":"2017-07-24"}]}"#,
            "json at pending[0].date",
        ),
        (r#"{"pendng":[]}"#, "json at pendng: unknown key"),
        ("[1,", "json at"),
    ] {
        std::fs::write(&file, text).unwrap();
        let (result, printed) = run(&config, &mut lines(&["575757"])).await;
        let message = match result {
            Err(e @ FlowError::Decisions { .. }) => ErrorChain(&e).to_string(),
            other => panic!("{other:?}\n{printed}"),
        };
        assert!(
            message.starts_with(&format!("decisions file {}: ", file.display())),
            "{message}"
        );
        assert!(message.contains(at), "{message}");
    }
    std::fs::remove_file(&file).unwrap();
    let (result, _) = run(&config, &mut lines(&["575757"])).await;
    let message = result.expect_err("no file").to_string();
    assert!(message.contains(&file.display().to_string()), "{message}");
    assert_eq!(gstn.sandbox.request_count("OTPREQUEST"), 0);
    gstn.sandbox.shutdown().await;
}

#[test]
fn gstr2_confirm_is_yes_no_or_unset() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("gstn.pem");
    std::fs::write(&cert, "-----BEGIN CERTIFICATE-----\n").unwrap();
    let mut env = BTreeMap::from([
        ("GSTN_BASE_URL", "https://gstn.example".to_owned()),
        ("GSTN_CLIENT_ID", "id".to_owned()),
        ("GSTN_CLIENT_SECRET", "secret".to_owned()),
        ("GSTN_USERNAME", "user".to_owned()),
        ("GSTN_GSTIN", flow::DEMO_GSTIN.to_owned()),
        ("GSTN_PAN", flow::DEMO_PAN.to_owned()),
        ("GSTN_PERIOD", flow::DEMO_PERIOD.to_owned()),
        ("GSTN_CERT", cert.display().to_string()),
    ]);
    for (value, confirm) in [
        (None, Confirm::Ask),
        (Some(""), Confirm::Ask),
        (Some("no"), Confirm::Ask),
        (Some("yes"), Confirm::Assume),
    ] {
        match value {
            Some(v) => env.insert("GSTR2_CONFIRM", v.to_owned()),
            None => env.remove("GSTR2_CONFIRM"),
        };
        let config = config_from_env(lookup(&env)).unwrap().unwrap();
        assert_eq!(config.confirm, confirm, "{value:?}");
    }
    env.insert("GSTR2_CONFIRM", "y".into());
    let e = config_from_env(lookup(&env))
        .expect_err("neither yes nor no")
        .to_string();
    assert!(e.contains("GSTR2_CONFIRM"), "{e}");
}

#[test]
fn without_gstn_base_url_the_demo_runs_and_a_missing_setting_is_named() {
    assert!(config_from_env(|_| None).unwrap().is_none());
    let mut env = BTreeMap::from([("GSTN_BASE_URL", "https://gstn.example".to_owned())]);
    let e = config_from_env(lookup(&env))
        .expect_err("settings missing")
        .to_string();
    assert!(e.contains("GSTN_GSTIN is not set"), "{e}");
    env.insert("GSTN_GSTIN", "27AAPFU0939F1ZX".into());
    let e = config_from_env(lookup(&env))
        .expect_err("bad check character")
        .to_string();
    assert!(e.contains("GSTN_GSTIN"), "{e}");
    env.insert("GSTN_GSTIN", flow::DEMO_GSTIN.into());
    env.insert("GSTN_PERIOD", "132017".into());
    let e = config_from_env(lookup(&env))
        .expect_err("bad period")
        .to_string();
    assert!(e.contains("GSTN_PERIOD"), "{e}");
    env.insert("GSTN_PERIOD", flow::DEMO_PERIOD.into());
    env.insert("GSTN_CERT", "/nonexistent/gstn.cer".into());
    let e = config_from_env(lookup(&env))
        .expect_err("no certificate")
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

#[tokio::test]
async fn a_supplier_gstin_failing_its_check_character_is_filed_with_a_warning() {
    // GSTN's GSTR2A names a supplier by a GSTIN whose check character is wrong: the flow reads
    // it, shows where, reconciles and files the return, echoing that GSTIN back to GSTN.
    let mut gstn = gstn().await;
    let text = std::fs::read_to_string(flow::sample_data_dir().join("gstr2a.json")).unwrap();
    let odd = text.replace("33GSPTN4811G1ZC", "33GSPTN4811G1ZX");
    assert_ne!(odd, text, "the sample names 33GSPTN4811G1ZC");
    gstn.sandbox.seed_gstr2a(
        flow::DEMO_GSTIN.parse().unwrap(),
        flow::DEMO_PERIOD.parse().unwrap(),
        json::from_str::<Gstr2a>(&odd).unwrap(),
    );
    gstn.env.insert("GSTR2_CONFIRM", "yes".into());
    let mut config = config_from_env(lookup(&gstn.env)).unwrap().unwrap();
    config.poll = gstr2::client::PollPolicy::fast();
    let (result, printed) = run(&config, &mut lines(&["575757", "575757"])).await;
    result.unwrap_or_else(|e| panic!("{e}\n{printed}"));
    assert!(
        printed.contains("ctin: GSTIN 33GSPTN4811G1ZX: check character is X, expected C"),
        "{printed}"
    );
    assert!(printed.contains("  Warning: b2b["), "{printed}");
    gstn.sandbox.shutdown().await;
}
