//! The demo flow against the embedded sandbox, as `cargo run --example filing_flow` runs it.

use gstr2::model::codes::Flag;
use gstr2::model::{json, Gstr2Payload};
use gstr2::recon::ActionFlag;

use crate::common::{demo_config, demo_sandbox, demo_sandbox_in, run};
use crate::flow::{self, demo_otps};

#[tokio::test]
async fn the_demo_files_the_return_through_all_eight_steps() {
    let sandbox = demo_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let config = demo_config(&sandbox, &dir);
    let (result, printed) = run(&config, &mut demo_otps(&sandbox)).await;
    let filed = result.unwrap_or_else(|e| panic!("{e}\n{printed}"));

    // The workflow's steps (`docs/workflow.md`), in order, as the user sees them.
    let steps = [
        "Step-1: Connect with GSTN",
        "Step-2: Generate Payload",
        "Step-3: Download Counter Party",
        "Step-4: Accept/Reject",
        "Step-5: Save To GSTN",
        "Step-6: Download Summary",
        "Step-7: Submit",
        "Step-8: File",
    ];
    let at: Vec<usize> = steps
        .iter()
        .map(|s| {
            printed
                .find(s)
                .unwrap_or_else(|| panic!("{s} missing:\n{printed}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{printed}");
    assert!(printed.contains("Success: Token Obtained"), "{printed}");
    // A first run has no stored token to reuse, and does not pretend to.
    assert!(!printed.contains("Existing token"), "{printed}");
    assert!(
        printed.contains("The downloaded summary is the same as the local one"),
        "{printed}"
    );
    assert!(
        printed.contains(&format!("Acknowledgement number: {}", filed.ack_num)),
        "{printed}"
    );
    insta::assert_snapshot!(
        "demo_output",
        redact(&printed, &config.base_url, dir.path())
    );

    // GSTN holds the return filed under that acknowledgement number.
    let (gstin, period) = (config.gstin, config.period);
    assert_eq!(
        sandbox.state().return_status(gstin, period),
        (true, Some(filed.ack_num.clone()))
    );

    // The save went in several chunks, each acknowledged and processed, with progress events.
    let chunks = filed.save.chunks.len();
    assert!(chunks >= 3, "{chunks} chunks");
    assert!(filed.save.is_clean());
    // ... and one more for the delete payload.
    assert_eq!(
        filed.progress_events.get("chunk_saved"),
        Some(&(chunks + 1))
    );
    assert_eq!(
        filed.progress_events.get("chunk_processed"),
        Some(&(chunks + 1))
    );
    assert_eq!(filed.progress_events.get("gstr2a_section_done"), Some(&4));
    // B2B (6 documents) came as a large download: a token, then 3 files of 2.
    assert_eq!(filed.progress_events.get("gstr2a_waiting"), Some(&1));
    assert_eq!(
        filed.progress_events.get("gstr2a_file_downloaded"),
        Some(&3)
    );
    assert!(filed.recon_progress_calls >= 2);
    assert!(!printed.contains("575757"), "an OTP was echoed:\n{printed}");

    // One pending mark in the final decisions; another was marked and unmarked.
    assert_eq!(filed.pending.len(), 1);
    assert!(printed.contains("A -> P"), "{printed}");
    assert!(
        printed.contains("R -> P") && printed.contains("P -> R"),
        "{printed}"
    );
    let pending = &filed.pending[0];
    let stored = sandbox.stored_payload(gstin, period).unwrap();
    let sent = stored
        .b2b
        .iter()
        .flat_map(|s| s.invoices.iter().map(move |i| (s.supplier_gstin, i)))
        .find(|(ctin, i)| *ctin == pending.supplier && i.number == pending.number)
        .map(|(_, i)| i.flag.clone());
    assert_eq!(sent, Some(Some(ActionFlag::Pending.flag())));

    // The invoice deleted from the register since the earlier session is gone from GSTN.
    let numbers: Vec<&str> = stored
        .b2b
        .iter()
        .flat_map(|s| s.invoices.iter().map(|i| i.number.as_str()))
        .collect();
    assert!(!numbers.contains(&"TPL/2017/298"), "{numbers:?}");
    assert!(numbers.contains(&"TPL/2017/311"));

    // The payloads were written as JSON files: new/modified with the flags, deleted with D.
    let read = |name: &str| -> Gstr2Payload {
        json::from_str(&std::fs::read_to_string(config.out_dir.join(name)).unwrap()).unwrap()
    };
    let upsert = read("payload-new-modified.json");
    let delete = read("payload-delete.json");
    assert_eq!(upsert.total_documents(), filed.save.documents());
    let flags: Vec<Option<Flag>> = upsert
        .b2b
        .iter()
        .flat_map(|s| s.invoices.iter().map(|i| i.flag.clone()))
        .collect();
    for f in [Flag::Accept, Flag::Reject, Flag::Pending] {
        assert!(flags.contains(&Some(f.clone())), "{f:?} in {flags:?}");
    }
    assert_eq!(delete.b2b.len(), 1);
    assert_eq!(delete.b2b[0].invoices[0].number, "TPL/2017/298");
    assert_eq!(delete.b2b[0].invoices[0].flag, Some(Flag::Delete));
    for name in [
        "gstr2a.json",
        "decisions.json",
        "summary-gstn.json",
        "summary-local.json",
    ] {
        assert!(config.out_dir.join(name).is_file(), "{name}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_second_run_reuses_the_stored_token_while_gstn_knows_it() {
    let sandbox = demo_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let july = demo_config(&sandbox, &dir);
    let (first, printed) = run(&july, &mut demo_otps(&sandbox)).await;
    first.unwrap_or_else(|e| panic!("{e}\n{printed}"));
    assert!(printed.contains("Success: Token Obtained"));

    // The next period, with the same token file: no OTP, and the whole flow again.
    let august = flow::FlowConfig {
        period: "082017".parse().unwrap(),
        ..demo_config(&sandbox, &dir)
    };
    let (second, printed) = run(&august, &mut demo_otps(&sandbox)).await;
    let filed = second.unwrap_or_else(|e| panic!("{e}\n{printed}"));
    assert!(printed.contains("Existing token"), "{printed}");
    assert!(!printed.contains("Token Obtained"), "{printed}");
    assert!(!printed.contains("login OTP"), "{printed}");
    assert_eq!(
        sandbox.state().return_status(august.gstin, august.period),
        (true, Some(filed.ack_num))
    );
    assert_eq!(
        sandbox.request_count("AUTHTOKEN"),
        2,
        "the earlier session's and the first run's"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_second_demo_run_after_a_sandbox_restart_says_existing_token_without_an_otp() {
    // As `cargo run --example filing_flow` twice: one token file, one state dir, a new sandbox
    // process (here: a new sandbox on another port) each time.
    let dir = tempfile::tempdir().unwrap();
    let state = flow::demo_state_dir(&dir.path().join("out"));
    let first = demo_sandbox_in(&state).await;
    let (result, printed) = run(&demo_config(&first, &dir), &mut demo_otps(&first)).await;
    result.unwrap_or_else(|e| panic!("{e}\n{printed}"));
    assert!(printed.contains("Success: Token Obtained"), "{printed}");
    assert!(!printed.contains("Existing token"), "{printed}");
    assert_eq!(
        first.request_count("OTPREQUEST"),
        2,
        "the earlier session's and ours"
    );
    first.shutdown().await;

    let second = demo_sandbox_in(&state).await;
    // Only the EVC OTP is at hand: a login OTP prompt would take it and the filing would fail.
    let mut otps = flow::Otps::Lines(Box::new(std::io::Cursor::new(format!(
        "{}\n",
        second.state().config().evc_otp
    ))));
    let config = demo_config(&second, &dir);
    let (result, printed) = run(&config, &mut otps).await;
    let filed = result.unwrap_or_else(|e| panic!("{e}\n{printed}"));
    let step1 = &printed[..printed.find("Step-2").unwrap()];
    assert!(
        step1.contains("  Existing token (valid until "),
        "{printed}"
    );
    insta::assert_snapshot!(
        "second_run_step1",
        redact(step1, &second.base_url(), dir.path())
    );
    assert!(!printed.contains("login OTP"), "{printed}");
    assert!(
        !printed.contains("OTP sent to the registered mobile"),
        "{printed}"
    );
    assert!(!printed.contains("Token Obtained"), "{printed}");
    assert!(!printed.contains("refused"), "{printed}");
    // The restarted sandbox saw only the earlier session's login (its demo seeding).
    assert_eq!(second.request_count("OTPREQUEST"), 1);
    assert_eq!(second.request_count("AUTHTOKEN"), 1);
    // Returns are not kept: the second run filed again, on the restarted sandbox.
    assert_eq!(
        second.state().return_status(config.gstin, config.period),
        (true, Some(filed.ack_num))
    );
    second.shutdown().await;

    // A damaged sessions file: the sandbox starts without sessions, the flow logs in again.
    std::fs::write(state.join(gstn_sandbox::persist::SESSIONS_FILE), "{").unwrap();
    let third = demo_sandbox_in(&state).await;
    let (result, printed) = run(&demo_config(&third, &dir), &mut demo_otps(&third)).await;
    result.unwrap_or_else(|e| panic!("{e}\n{printed}"));
    assert!(
        printed.contains("The stored token was refused by GSTN"),
        "{printed}"
    );
    assert!(printed.contains("Success: Token Obtained"), "{printed}");
    third.shutdown().await;
}

#[tokio::test]
async fn a_token_the_gstn_does_not_know_is_replaced_with_an_otp_login() {
    // The first sandbox issues the token; a second one (a restarted GSTN without a state dir,
    // or a real GSTN that ended the session) has never seen it.
    let dir = tempfile::tempdir().unwrap();
    let first = demo_sandbox().await;
    let (result, printed) = run(&demo_config(&first, &dir), &mut demo_otps(&first)).await;
    result.unwrap_or_else(|e| panic!("{e}\n{printed}"));
    first.shutdown().await;

    let second = demo_sandbox().await;
    let (result, printed) = run(&demo_config(&second, &dir), &mut demo_otps(&second)).await;
    result.unwrap_or_else(|e| panic!("{e}\n{printed}"));
    assert!(
        printed.contains("The stored token was refused by GSTN"),
        "{printed}"
    );
    assert!(printed.contains("RET11407"), "{printed}");
    assert!(printed.contains("Success: Token Obtained"), "{printed}");
    second.shutdown().await;
}

#[tokio::test]
async fn documents_gstn_refuses_stop_the_flow_at_step_5_with_each_named() {
    // The July register filed for June: every dated document is after the period.
    let sandbox = demo_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let june = flow::FlowConfig {
        period: "062017".parse().unwrap(),
        ..demo_config(&sandbox, &dir)
    };
    let (result, printed) = run(&june, &mut demo_otps(&sandbox)).await;
    let failures = match result {
        Err(flow::FlowError::SaveFailures(f)) => f,
        other => panic!("expected save failures: {other:?}\n{printed}"),
    };
    assert!(printed.contains("status PE"), "{printed}");
    assert!(!printed.contains("Step-6"), "{printed}");
    assert!(
        failures
            .iter()
            .all(|f| f.code.as_deref() == Some("RET191114")),
        "{failures:?}"
    );
    let message = flow::FlowError::SaveFailures(failures.clone()).to_string();
    // Notes by their own number (`nt_num`), with the invoice they adjust.
    for number in [
        "CN-0091 (adjusts S008400)",
        "DN-0007 (adjusts RIL/17-18/0001)",
        "TPL/2017/311",
        "UR-102",
        "cdn[0].nt[0]: nt_dt 28-07-2017",
    ] {
        assert!(message.contains(number), "{number} not named in {message}");
    }
    assert!(
        message.contains("b2b 27AABCT3518Q1ZW TPL/2017/311: RET191114"),
        "{message}"
    );
    sandbox.shutdown().await;
}

/// The output without what changes from run to run: the port, the token's expiry, the
/// temporary folder, the repository's place.
fn redact(printed: &str, base_url: &str, dir: &std::path::Path) -> String {
    let printed = printed
        .replace(base_url, "http://127.0.0.1:PORT")
        .replace(&dir.display().to_string(), "TMP")
        .replace(env!("CARGO_MANIFEST_DIR"), "REPO");
    printed
        .lines()
        .map(
            |line| match (line.find("valid until "), line.find(" UTC")) {
                (Some(a), Some(b)) if a < b => {
                    format!("{}valid until EXPIRY{}", &line[..a], &line[b + 4..])
                }
                _ => line.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("\n")
}
