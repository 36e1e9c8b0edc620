//! The `ims_flow` example end to end: the demo on the embedded sandbox (the example's own entry
//! point), and the example's binary against the `gstn-sandbox` binary seeded with `--ims`, the
//! settings in `GSTN_*` and `GSTR2_*` variables, the OTP and the answer on standard input.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write as _};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use gstn_sandbox::{SandboxHandle, SandboxState};
use gstr2::client::{GstnClient, ImsFailureKind, PollPolicy};
use gstr2::model::codes::ImsAction;
use gstr2::model::ims::ImsRecords;
use gstr2::model::Gstin;
use gstr2::proto::Otp;
use gstr2::recon::ims::ExpectedItc;
use gstr2::recon::{Decisions, DocKey, DocKind};
use rust_decimal::Decimal;
use tempfile::TempDir;

use crate::flow::{self, Confirm, FlowError, Otps};
use crate::ims_flow::{self, ImsDone, ImsFlowConfig};
use crate::real_binaries::{binaries, start_sandbox_with, SandboxProcess};

/// The sandbox's default login OTP.
const OTP: &str = "575757";

/// What the demo's policy does with each record of `examples/data/ims.json` that changes:
/// section, number, the action GSTN reports, the recommended one. The two records left out keep
/// theirs: `S008400` (accepted and matched) and `TPL/2017/315` (only in IMS, but Pending is
/// blocked, so its No action stays).
const CHANGED: [(&str, &str, &str, &str); 9] = [
    ("b2b", "RIL/17-18/0001", "N", "A"), // matched
    ("b2b", "RIL/17-18/0042", "N", "R"), // mismatch
    ("b2b", "S008455", "N", "P"),        // supplier not filed
    ("b2b", "S008499", "N", "P"),        // only in IMS
    ("b2b", "BLR-7790", "R", "A"),       // rejected before, matched now
    ("b2b", "TPL/2017/311", "N", "A"),   // matched
    ("b2ba", "S008120A", "N", "A"),      // an amendment, matched
    ("b2bcn", "CN-0091", "N", "A"),      // a credit note, with itcRedReq
    ("b2bdn", "DN-0007", "N", "A"),      // a debit note
];

fn demo_gstin() -> Gstin {
    flow::DEMO_GSTIN.parse().unwrap()
}

/// The demo's sandbox with a quick key, keeping its key and sessions in `state` if given.
async fn demo_sandbox(state: Option<&Path>) -> SandboxHandle {
    let mut config = ims_flow::demo_sandbox_config().with_key_bits(1024);
    if let Some(state) = state {
        config = config.with_state_dir(state);
    }
    ims_flow::start_demo_sandbox(config)
        .await
        .expect("demo sandbox starts")
}

fn demo_config(sandbox: &SandboxHandle, dir: &TempDir) -> ImsFlowConfig {
    ims_flow::demo_config(
        sandbox,
        dir.path().join("out"),
        dir.path().join("token.json"),
    )
    .expect("demo configuration")
}

/// Runs the flow and answers its result with what it printed.
async fn run(config: &ImsFlowConfig, otps: &mut Otps) -> (Result<ImsDone, FlowError>, String) {
    let mut out = Vec::new();
    let result = ims_flow::run(config, otps, &mut out).await;
    (result, String::from_utf8_lossy(&out).into_owned())
}

/// Each record of a SAVE body's `invdata`: (section, number) → (`prev_status`, `action`).
fn sent(body: &serde_json::Value) -> BTreeMap<(String, String), (String, String)> {
    let mut records = BTreeMap::new();
    for (section, list) in body["invdata"].as_object().expect("invdata") {
        for r in list.as_array().expect("a list") {
            let number = r.get("inum").or_else(|| r.get("nt_num")).unwrap();
            records.insert(
                (section.clone(), number.as_str().unwrap().to_owned()),
                (
                    r["prev_status"].as_str().unwrap().to_owned(),
                    r["action"].as_str().unwrap().to_owned(),
                ),
            );
        }
    }
    records
}

fn changed() -> BTreeMap<(String, String), (String, String)> {
    CHANGED
        .iter()
        .map(|(s, n, from, to)| {
            (
                (s.to_string(), n.to_string()),
                (from.to_string(), to.to_string()),
            )
        })
        .collect()
}

/// Every record's action: (section, number) → action.
fn actions(records: &ImsRecords) -> BTreeMap<(String, String), String> {
    let mut all = BTreeMap::new();
    macro_rules! each {
        ($($field:ident),*) => {$(
            for r in &records.$field {
                let key = (stringify!($field).to_owned(), r.number.clone());
                all.insert(key, r.action().as_str().to_owned());
            }
        )*};
    }
    each!(b2b, b2ba, b2bcn, b2bcna, b2bdn, b2bdna, ecom, ecoma);
    all
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[tokio::test]
async fn the_demo_saves_only_the_changed_actions_and_the_regenerated_2b_has_the_expected_itc() {
    let sandbox = demo_sandbox(None).await;
    let dir = tempfile::tempdir().unwrap();
    let config = demo_config(&sandbox, &dir);
    let (result, printed) = run(&config, &mut flow::demo_otps(&sandbox)).await;
    let done = result.unwrap_or_else(|e| panic!("{e}\n{printed}"));

    // Every step, in order, as the user sees it.
    let mut at = 0;
    for step in [
        "Step-1: Connect with GSTN",
        "Success: Token Obtained",
        "Step-2: Download IMS records",
        "Records at GSTN by action (GETCNT):",
        "Success: 11 records downloaded (GETINV, 6 sections)",
        "Step-3: Load the purchase register",
        "Step-4: Reconcile and recommend IMS actions",
        "To change: N -> A 5, N -> P 2, N -> R 1, R -> A 1; unchanged: 2; missing in IMS",
        "Step-5: Save the IMS actions",
        "SAVE for 27AAPFU0939F1ZV: 9 records",
        "SAVE request 1/1: 9 records",
        "Success: SAVE applied (9 records)",
        "Step-6: Regenerate GSTR-2B and compare its ITC",
        "GEN2B 072017: generated",
        "8 documents with ITC available, 1 document rejected",
        "The ITC of GSTR-2B is the expected one",
        "Step-7: What GSTR-3B Table 4 takes from GSTR-2B",
        "4(A)(5) all other ITC",
        "ITC rejected in IMS (itcsumm.itcRejected): not taken in Table 4",
    ] {
        let found = printed[at..]
            .find(step)
            .unwrap_or_else(|| panic!("{step:?} not after byte {at}:\n{printed}"));
        at += found + step.len();
    }
    // The table names each record's reasons; the books-only documents are missing in IMS.
    for line in [
        "b2b    27AABCT3518Q1ZW -                TPL/2017/315     CO       N   N   only_in_ims, pending_blocked",
        "b2b    33GSPTN4811G1ZC S008455          S008455          OK       N   P   supplier_not_filed",
        "b2b    29AAGCB7383J1Z4 BLR-7781         -                TO       -   -   missing_in_ims",
        "b2bcn  33GSPTN4811G1ZC CN-0091          CN-0091          OK       N   A   matched",
    ] {
        assert!(printed.contains(line), "{line:?} not in:\n{printed}");
    }

    // The SAVE body holds exactly the records whose action changes, each with the action GSTN
    // reported as prev_status; nothing goes back to No action, so there is no RESET.
    let out = dir.path().join("out");
    let body = read_json(&out.join("ims-save.json"));
    assert_eq!(body["reqtyp"], "SAVE");
    assert_eq!(body["rtin"], flow::DEMO_GSTIN);
    assert_eq!(sent(&body), changed());
    assert_eq!(body["invdata"]["b2bcn"][0]["itcRedReq"], "Y");
    assert!(!out.join("ims-reset.json").exists());
    let seeded = ImsRecords::from_json(&std::fs::read(ims_flow::demo_ims_file()).unwrap()).unwrap();
    let before = actions(&seeded);
    for ((section, number), (prev, _)) in sent(&body) {
        assert_eq!(before[&(section, number)], prev, "prev_status is GSTN's");
    }
    assert_eq!(actions(&done.ims), before, "ims.json is what GSTN held");

    // GSTN now holds the recommended actions, and the rest as they were.
    let mut after = before.clone();
    for ((section, number), (_, to)) in changed() {
        after.insert((section, number), to);
    }
    let held = sandbox.state().ims_records(demo_gstin()).unwrap();
    assert_eq!(actions(&held), after);
    let saved = done.saved.as_ref().expect("a SAVE");
    assert_eq!((saved.records, saved.applied()), (9, 9));
    assert!(saved.is_clean() && done.reset.is_none());

    // The regenerated 2B's ITC is the expected one, exactly: the sandbox's GEN2B and the
    // engine's expectation agree section by section and head by head.
    let expected: ExpectedItc =
        serde_json::from_value(read_json(&out.join("itc-expected.json"))).unwrap();
    let downloaded: ExpectedItc =
        serde_json::from_value(read_json(&out.join("itc-gstr2b.json"))).unwrap();
    assert_eq!(expected, done.expected_itc);
    assert_eq!(expected, downloaded);
    assert_eq!(done.expected_itc.compare(&done.gstr2b, Decimal::ZERO), []);
    assert_eq!(
        read_json(&out.join("itc-differences.json")),
        serde_json::json!([])
    );
    let b2b = &expected.available["b2b"];
    assert_eq!(
        (b2b.igst, b2b.cgst, b2b.sgst),
        (
            "9690.06".parse().unwrap(),
            "6600".parse().unwrap(),
            "6600".parse().unwrap()
        )
    );
    assert_eq!(
        expected.available["cdnr"].igst,
        "-900".parse::<Decimal>().unwrap(),
        "a credit note counts negative"
    );
    assert_eq!(
        expected.rejected["b2b"].cgst,
        "350".parse::<Decimal>().unwrap()
    );
    assert_eq!(done.gstr2b.documents.document_count(), 8);
    assert_eq!(done.gstr2b.rejected.document_count(), 1);

    // The files a user reads.
    for file in [
        "ims-counts.json",
        "ims.json",
        "results.json",
        "decisions.json",
        "gstr2b.json",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
    assert!(done.progress_events.get("ims_section_fetched") >= Some(&6));
    assert!(
        done.progress_events.get("gstr2b_part_downloaded") >= Some(&2),
        "{:?}",
        done.progress_events
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_second_run_of_the_demo_uses_the_existing_token() {
    let dir = tempfile::tempdir().unwrap();
    let state = ims_flow::demo_state_dir(&dir.path().join("out"));
    for run_number in 1..=2 {
        let sandbox = demo_sandbox(Some(&state)).await;
        let config = demo_config(&sandbox, &dir);
        let (result, printed) = run(&config, &mut flow::demo_otps(&sandbox)).await;
        result.unwrap_or_else(|e| panic!("run {run_number}: {e}\n{printed}"));
        if run_number == 1 {
            assert!(printed.contains("Success: Token Obtained"), "{printed}");
        } else {
            assert!(
                printed.contains("  Existing token (valid until"),
                "{printed}"
            );
            assert!(!printed.contains("OTP sent"), "{printed}");
            // Each run starts from the demo records: the same SAVE again.
            assert!(
                printed.contains("Success: SAVE applied (9 records)"),
                "{printed}"
            );
        }
        sandbox.shutdown().await;
    }
}

/// Lines of input served one at a time; `hook` runs once, just before the line `at` is read.
struct Script {
    lines: Vec<Vec<u8>>,
    next: usize,
    offset: usize,
    at: usize,
    hook: Option<Box<dyn FnOnce() + Send>>,
}

impl Read for Script {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(buf.len());
            buf[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Script {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.next == self.at {
            if let Some(hook) = self.hook.take() {
                hook();
            }
        }
        Ok(self
            .lines
            .get(self.next)
            .map_or(&[][..], |line| &line[self.offset..]))
    }

    fn consume(&mut self, n: usize) {
        self.offset += n;
        if self
            .lines
            .get(self.next)
            .is_some_and(|l| self.offset >= l.len())
        {
            self.next += 1;
            self.offset = 0;
        }
    }
}

#[tokio::test]
async fn a_record_gstn_refuses_is_shown_with_what_to_do_and_stops_the_flow() {
    let sandbox = demo_sandbox(None).await;
    let dir = tempfile::tempdir().unwrap();
    let config = ImsFlowConfig {
        confirm: Confirm::Ask,
        ..demo_config(&sandbox, &dir)
    };
    // While the user reads what will be sent, someone rejects RIL/17-18/0001 at GSTN: the
    // SAVE's prev_status (N) is then stale.
    let state: SandboxState = sandbox.state().clone();
    let hook = move || {
        let mut records = state.ims_records(demo_gstin()).unwrap();
        records.b2b[0].action = Some(ImsAction::Reject);
        state.seed_ims(demo_gstin(), records);
    };
    let mut otps = Otps::Lines(Box::new(Script {
        lines: vec![format!("{OTP}\n").into_bytes(), b"y\n".to_vec()],
        next: 0,
        offset: 0,
        at: 1,
        hook: Some(Box::new(hook)),
    }));
    let (result, printed) = run(&config, &mut otps).await;
    let failures = match result {
        Err(FlowError::ImsRefused(failures)) => failures,
        other => panic!("{other:?}\n{printed}"),
    };
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].number, "RIL/17-18/0001");
    assert_eq!(failures[0].kind, ImsFailureKind::Stale);
    assert!(
        printed.contains("To be sent to GSTN for 27AAPFU0939F1ZV"),
        "{printed}"
    );
    assert!(
        printed.contains("Save these IMS actions to GSTN? [y/N]"),
        "{printed}"
    );
    assert!(
        printed.contains("  Refused: b2b[0] 27AAACR5055K1Z7 RIL/17-18/0001: IMSSAV0010"),
        "{printed}"
    );
    assert!(printed.contains("download IMS again (GETINV)"), "{printed}");
    assert!(!printed.contains("Step-6"), "{printed}");
    let message = FlowError::ImsRefused(failures).to_string();
    assert!(
        message.starts_with("gstn refused 1 ims action(s):"),
        "{message}"
    );
    // The others were applied.
    let held = actions(&sandbox.state().ims_records(demo_gstin()).unwrap());
    assert_eq!(held[&("b2b".to_owned(), "S008499".to_owned())], "P");
    sandbox.shutdown().await;
}

#[test]
fn the_real_endpoint_settings_are_read_from_the_filing_flows_variables() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("gstn.pem");
    std::fs::write(&cert, "-----BEGIN CERTIFICATE-----\n").unwrap();
    let mut env: BTreeMap<&str, String> = [
        ("GSTN_BASE_URL", "https://gstn.example".to_owned()),
        ("GSTN_CLIENT_ID", "id".into()),
        ("GSTN_CLIENT_SECRET", "secret".into()),
        ("GSTN_USERNAME", "user".into()),
        ("GSTN_GSTIN", flow::DEMO_GSTIN.into()),
        ("GSTN_PERIOD", "102024".into()),
        ("GSTN_CERT", cert.display().to_string()),
    ]
    .into();
    let read =
        |env: &BTreeMap<&str, String>| ims_flow::config_from_env(|name| env.get(name).cloned());
    let config = read(&env).unwrap().expect("a real endpoint");
    assert_eq!(config.period.to_string(), "102024");
    assert_eq!(config.confirm, Confirm::Ask);
    assert_eq!(config.decisions, None);
    assert_eq!(config.out_dir, ims_flow::default_out_dir());
    assert_eq!(
        config.connection.token_file,
        ims_flow::default_out_dir().join("token.json")
    );
    assert_eq!(config.data_dir, flow::sample_data_dir());
    assert!(
        !env.contains_key("GSTN_PAN"),
        "the IMS flow files nothing: no PAN needed"
    );

    env.insert("GSTR2_CONFIRM", "yes".into());
    env.insert("GSTR2_DECISIONS", "mine.json".into());
    let config = read(&env).unwrap().unwrap();
    assert_eq!(config.confirm, Confirm::Assume);
    assert_eq!(config.decisions.as_deref(), Some(Path::new("mine.json")));

    env.insert("GSTR2_CONFIRM", "sure".into());
    let err = read(&env).err().unwrap().to_string();
    assert!(
        err.contains("GSTR2_CONFIRM: \"sure\" is neither yes"),
        "{err}"
    );
    env.remove("GSTR2_CONFIRM");
    env.remove("GSTN_PERIOD");
    assert_eq!(
        read(&env).err().unwrap().to_string(),
        "configuration: GSTN_PERIOD is not set"
    );
    env.remove("GSTN_BASE_URL");
    assert!(read(&env).unwrap().is_none(), "no GSTN_BASE_URL: the demo");
}

/// The `gstn-sandbox` binary with the demo's IMS records (`--ims`), its GSTR-2B in parts of 4
/// documents and not queued (a queued one makes the client wait the minute GSTN asks for).
fn start_ims_sandbox(dir: &Path) -> SandboxProcess {
    let ims = ims_flow::demo_ims_file();
    let args: [&std::ffi::OsStr; 6] = [
        "--ims".as_ref(),
        ims.as_os_str(),
        "--gstr2b-per-file".as_ref(),
        "4".as_ref(),
        "--gstr2b-queue-ms".as_ref(),
        "0".as_ref(),
    ];
    start_sandbox_with(dir, &args)
}

/// Runs the `ims_flow` binary against `gstn` with the variables a user would set (and
/// `extra`), and `stdin` on standard input. No `GSTN_*` or `GSTR2_*` variable of the test's own
/// environment reaches it.
fn run_example(gstn: &SandboxProcess, dir: &Path, extra: &[(&str, &str)], stdin: &str) -> Output {
    let mut command = Command::new(&binaries().ims_flow);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("GSTN_") || name.starts_with("GSTR2_") {
            command.env_remove(name.as_ref());
        }
    }
    command
        .env("GSTN_BASE_URL", &gstn.base_url)
        .env("GSTN_CLIENT_ID", "sandbox-client")
        .env("GSTN_CLIENT_SECRET", "sandbox-secret")
        .env("GSTN_USERNAME", "taxpayer_one")
        .env("GSTN_GSTIN", flow::DEMO_GSTIN)
        .env("GSTN_PERIOD", flow::DEMO_PERIOD)
        .env("GSTN_CERT", &gstn.certificate)
        .env("GSTR2_OUT_DIR", dir.join("out"));
    for (name, value) in extra {
        command.env(name, value);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    child
        .stdin
        .take()
        .expect("its standard input")
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// The IMS records the sandbox holds, read with a client of the test's own.
async fn held_at(gstn: &SandboxProcess) -> ImsRecords {
    let client = GstnClient::builder()
        .base_url(gstn.base_url.clone())
        .client_id("sandbox-client")
        .client_secret("sandbox-secret")
        .gstin(demo_gstin())
        .username("reader")
        .user_ip(std::net::Ipv4Addr::LOCALHOST.into())
        .certificate_pem(std::fs::read_to_string(&gstn.certificate).unwrap())
        .poll_policy(PollPolicy::fast())
        .build()
        .unwrap();
    client.request_otp().await.unwrap();
    client.authenticate(&Otp::new(OTP).unwrap()).await.unwrap();
    client.download_ims().await.unwrap()
}

#[tokio::test]
async fn the_example_against_the_sandbox_binary_asks_then_saves_the_users_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let gstn = start_ims_sandbox(dir.path());
    let before = actions(&held_at(&gstn).await);

    // The user rejects S008499 (only in IMS: the policy says Pending), and decides on an
    // invoice IMS does not have (not applied).
    let key = |number: &str, date: (i32, u32, u32)| DocKey {
        supplier: "33GSPTN4811G1ZC".parse().unwrap(),
        kind: DocKind::Invoice,
        number: number.into(),
        date: chrono::NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
    };
    let mut decisions = Decisions::default();
    decisions.decide_ims(key("S008499", (2017, 7, 30)), ImsAction::Reject);
    decisions.decide_ims(key("S009999", (2017, 7, 31)), ImsAction::Accept);
    let file = dir.path().join("my-decisions.json");
    std::fs::write(&file, serde_json::to_string_pretty(&decisions).unwrap()).unwrap();

    let output = run_example(
        &gstn,
        dir.path(),
        &[("GSTR2_DECISIONS", file.to_str().unwrap())],
        &format!("{OTP}\ny\n"),
    );
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{stdout}\n{stderr}");
    for line in [
        "GSTR-2B and IMS of 27AAPFU0939F1ZV for 072017 at http://127.0.0.1:",
        "  OTP sent to the registered mobile number of taxpayer_one.",
        "  Enter the login OTP:",
        "  Decided R for 33GSPTN4811G1ZC S008499: P -> R",
        "  Not applied: IMS action A for 33GSPTN4811G1ZC S009999",
        "  To be sent to GSTN for 27AAPFU0939F1ZV (only the records whose action changes",
        "    b2b    33GSPTN4811G1ZC S008499          N -> R",
        "  Save these IMS actions to GSTN? [y/N]",
        "  Success: SAVE applied (9 records)",
        "  The ITC of GSTR-2B is the expected one",
        "Step-7: What GSTR-3B Table 4 takes from GSTR-2B",
    ] {
        assert!(
            stdout.contains(line),
            "{line:?} not in:\n{stdout}\n{stderr}"
        );
    }
    assert!(
        !stdout.contains(OTP) && !stderr.contains(OTP),
        "an OTP was echoed"
    );

    // What GSTN holds: the recommended actions, with the user's over the policy's.
    let mut expected = before.clone();
    for ((section, number), (_, to)) in changed() {
        expected.insert((section, number), to);
    }
    expected.insert(("b2b".into(), "S008499".into()), "R".into());
    assert_eq!(actions(&held_at(&gstn).await), expected);

    // The files: the SAVE body as sent, and the regenerated 2B's ITC with S008499 rejected.
    let out = dir.path().join("out");
    let body = read_json(&out.join("ims-save.json"));
    assert_eq!(
        sent(&body)[&("b2b".into(), "S008499".into())],
        ("N".into(), "R".into())
    );
    let downloaded: ExpectedItc =
        serde_json::from_value(read_json(&out.join("itc-gstr2b.json"))).unwrap();
    let expected_itc: ExpectedItc =
        serde_json::from_value(read_json(&out.join("itc-expected.json"))).unwrap();
    assert_eq!(downloaded, expected_itc);
    assert_eq!(
        downloaded.rejected["b2b"].igst,
        "900".parse::<Decimal>().unwrap()
    );
    let gstr2b = read_json(&out.join("gstr2b.json"));
    assert_eq!(gstr2b["data"]["rtnprd"], flow::DEMO_PERIOD);
}

#[tokio::test]
async fn without_gstr2_confirm_a_no_stops_the_example_before_the_save_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let gstn = start_ims_sandbox(dir.path());
    let before = actions(&held_at(&gstn).await);
    let output = run_example(&gstn, dir.path(), &[], &format!("{OTP}\nno\n"));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(!output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "error: Step-5 save the IMS actions: not confirmed; no IMS action was saved to GSTN"
        ),
        "{stderr}"
    );
    assert!(
        stdout.contains("Save these IMS actions to GSTN? [y/N]"),
        "{stdout}"
    );
    assert!(!stdout.contains("SAVE request"), "{stdout}");
    assert!(!stdout.contains("Step-6"), "{stdout}");
    assert_eq!(actions(&held_at(&gstn).await), before);
    // What it would have sent is there to read.
    let body = read_json(&dir.path().join("out").join("ims-save.json"));
    assert_eq!(sent(&body), changed());
}
