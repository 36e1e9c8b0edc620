//! The `filing_flow` example as a user runs it against a real endpoint, with the `gstn-sandbox`
//! binary standing in for GSTN: both built by cargo and started as processes, the settings in
//! `GSTN_*` and `GSTR2_*` variables, the OTPs and answers on standard input, and what GSTN holds
//! read back over the API.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

use gstr2::client::{GstnClient, PollPolicy};
use gstr2::model::codes::Flag;
use gstr2::model::{csv, json, Gstin, Gstr2Payload, Gstr2a, ReturnPeriod, Table};
use gstr2::proto::Otp;
use gstr2::recon::{ActionFlag, Decisions, DocKey, MatchResult, Reconciler};

use crate::flow;

/// The sandbox's default login and EVC OTP.
const OTP: &str = "575757";

/// The examples and the sandbox binary, built once for the whole test binary.
pub(crate) struct Binaries {
    example: PathBuf,
    /// The `gstn-sandbox` binary.
    pub(crate) sandbox: PathBuf,
    /// The `ims_flow` example.
    pub(crate) ims_flow: PathBuf,
    /// The `convert` example.
    pub(crate) convert: PathBuf,
}

/// Builds `examples/filing_flow.rs`, `examples/ims_flow.rs`, `examples/convert.rs` and the
/// `gstn-sandbox` binary with the cargo that runs the tests and the profile of this test binary (`cargo test --test it` does not build examples;
/// a build that is up to date costs a second), and answers where they are.
pub(crate) fn binaries() -> &'static Binaries {
    static BUILT: OnceLock<Binaries> = OnceLock::new();
    BUILT.get_or_init(|| {
        // This binary is target/<profile dir>/deps/it-<hash>.
        let exe = std::env::current_exe().expect("the test binary's path");
        let profile = exe
            .parent()
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .unwrap_or("debug")
            .to_owned();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_owned());
        let mut build = Command::new(cargo);
        build.current_dir(env!("CARGO_MANIFEST_DIR")).args([
            "build",
            "--locked",
            "--message-format=json-render-diagnostics",
            "-p",
            "gstr2",
            "--example",
            "filing_flow",
            "--example",
            "ims_flow",
            "--example",
            "convert",
            "-p",
            "gstn-sandbox",
            "--bin",
            "gstn-sandbox",
        ]);
        match profile.as_str() {
            "debug" => {}
            "release" => {
                build.arg("--release");
            }
            other => {
                build.args(["--profile", other]);
            }
        }
        let built = build.output().expect("cargo runs");
        assert!(
            built.status.success(),
            "cargo build failed:\n{}",
            String::from_utf8_lossy(&built.stderr)
        );
        let (mut example, mut sandbox, mut convert, mut ims_flow) = (None, None, None, None);
        for line in built.stdout.split(|b| *b == b'\n') {
            let Ok(message) = serde_json::from_slice::<serde_json::Value>(line) else {
                continue;
            };
            let Some(path) = message["executable"].as_str() else {
                continue;
            };
            match message["target"]["name"].as_str() {
                Some("filing_flow") => example = Some(PathBuf::from(path)),
                Some("gstn-sandbox") => sandbox = Some(PathBuf::from(path)),
                Some("convert") => convert = Some(PathBuf::from(path)),
                Some("ims_flow") => ims_flow = Some(PathBuf::from(path)),
                _ => {}
            }
        }
        Binaries {
            example: example.expect("cargo built the filing_flow example"),
            sandbox: sandbox.expect("cargo built the gstn-sandbox binary"),
            convert: convert.expect("cargo built the convert example"),
            ims_flow: ims_flow.expect("cargo built the ims_flow example"),
        }
    })
}

/// A `gstn-sandbox` process. Killed when dropped.
pub(crate) struct SandboxProcess {
    child: Child,
    /// Where it listens.
    pub(crate) base_url: String,
    /// Its certificate (PEM), as `--cert-out` wrote it.
    pub(crate) certificate: PathBuf,
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `gstn-sandbox` process seeded with the demo's GSTR2A for the demo GSTIN and period, and
/// nothing saved.
fn start_sandbox(dir: &Path) -> SandboxProcess {
    let seed = dir.join("seed");
    let folder = seed.join(flow::DEMO_GSTIN).join(flow::DEMO_PERIOD);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(
        flow::sample_data_dir().join("gstr2a.json"),
        folder.join("gstr2a.json"),
    )
    .unwrap();
    start_sandbox_with(dir, &["--seed-dir".as_ref(), seed.as_os_str()])
}

/// A `gstn-sandbox` process with its certificate in `dir`, a quick key and processing, and
/// the arguments `extra`.
pub(crate) fn start_sandbox_with(dir: &Path, extra: &[&std::ffi::OsStr]) -> SandboxProcess {
    let certificate = dir.join("gstn.pem");
    let mut child = Command::new(&binaries().sandbox)
        .args(["--port", "0", "--key-bits", "1024", "--no-generate"])
        .args(["--processing-ms", "0", "--processing-polls", "0"])
        .args(extra)
        .arg("--cert-out")
        .arg(&certificate)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the sandbox binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("its standard output"))
        .read_line(&mut line)
        .unwrap();
    let base_url = line.trim().to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url:?}");
    SandboxProcess {
        child,
        base_url,
        certificate,
    }
}

/// Runs the example against `gstn` with the variables a user would set (and `extra`), and
/// `stdin` on standard input. No `GSTN_*` or `GSTR2_*` variable of the test's own environment
/// reaches it.
fn run_example(
    gstn: &SandboxProcess,
    dir: &Path,
    extra: &[(&str, &Path)],
    confirm: Option<&str>,
    stdin: &str,
) -> Output {
    let mut command = Command::new(&binaries().example);
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
        .env("GSTN_PAN", flow::DEMO_PAN)
        .env("GSTN_PERIOD", flow::DEMO_PERIOD)
        .env("GSTN_CERT", &gstn.certificate)
        .env("GSTR2_OUT_DIR", dir.join("out"));
    for (name, value) in extra {
        command.env(name, value);
    }
    if let Some(confirm) = confirm {
        command.env("GSTR2_CONFIRM", confirm);
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

fn demo_gstin() -> Gstin {
    flow::DEMO_GSTIN.parse().unwrap()
}

fn demo_period() -> ReturnPeriod {
    flow::DEMO_PERIOD.parse().unwrap()
}

/// Every section the sandbox holds as saved for the demo GSTIN and period, read with a client
/// of the test's own (another user, its token in memory).
async fn saved_at(gstn: &SandboxProcess) -> Gstr2Payload {
    let pem = std::fs::read_to_string(&gstn.certificate).unwrap();
    let client = GstnClient::builder()
        .base_url(gstn.base_url.clone())
        .client_id("sandbox-client")
        .client_secret("sandbox-secret")
        .gstin(demo_gstin())
        .username("reader")
        .user_ip(std::net::Ipv4Addr::LOCALHOST.into())
        .certificate_pem(pem)
        .poll_policy(PollPolicy::fast())
        .build()
        .unwrap();
    client.request_otp().await.unwrap();
    client.authenticate(&Otp::new(OTP).unwrap()).await.unwrap();
    let mut held = Gstr2Payload::new(demo_gstin(), demo_period());
    for table in Table::ALL {
        let section = client.get_section(demo_period(), table).await.unwrap();
        csv::TableData::from_payload(&section, table).put_into(&mut held);
    }
    held
}

/// Section, supplier and number of every document of the sections with action flags (`b2b`,
/// `b2ba`, `cdn`, `cdna`), with its flag.
type Flags = BTreeMap<(&'static str, Gstin, String), Option<Flag>>;

fn flags(p: &Gstr2Payload) -> Flags {
    let mut flags = Flags::new();
    for s in &p.b2b {
        for d in &s.invoices {
            flags.insert(("b2b", s.supplier_gstin, d.number.clone()), d.flag.clone());
        }
    }
    for s in &p.b2ba {
        for d in &s.invoices {
            flags.insert(("b2ba", s.supplier_gstin, d.number.clone()), d.flag.clone());
        }
    }
    for s in &p.cdn {
        for d in &s.notes {
            flags.insert(("cdn", s.supplier_gstin, d.number.clone()), d.flag.clone());
        }
    }
    for s in &p.cdna {
        for d in &s.notes {
            flags.insert(("cdna", s.supplier_gstin, d.number.clone()), d.flag.clone());
        }
    }
    flags
}

/// The sample register and GSTR2A, as the flow reads and downloads them.
fn sample() -> (Gstr2Payload, Gstr2a) {
    let register = csv::read_dir(&flow::sample_data_dir(), demo_gstin(), demo_period()).unwrap();
    let text = std::fs::read_to_string(flow::sample_data_dir().join("gstr2a.json")).unwrap();
    (register, json::from_str(&text).unwrap())
}

/// The key a pending mark names: the counterparty document's (as the demo marks).
fn key(r: &MatchResult) -> DocKey {
    r.counterparty
        .as_ref()
        .or(r.own.as_ref())
        .unwrap()
        .key
        .clone()
}

/// The upsert payload's flags for these decisions, computed by the engine.
fn computed_flags(register: &Gstr2Payload, gstr2a: &Gstr2a, decisions: &Decisions) -> Flags {
    let inputs = Reconciler::new(register, gstr2a).decisions(decisions);
    let report = inputs.run().unwrap();
    flags(&inputs.save_payloads(&report).unwrap().upsert)
}

fn find<'a>(flags: &'a Flags, number: &str) -> &'a Option<Flag> {
    flags
        .iter()
        .find(|((_, _, n), _)| n == number)
        .map(|(_, f)| f)
        .unwrap_or_else(|| panic!("{number} not in {flags:?}"))
}

#[tokio::test]
async fn the_example_against_the_sandbox_binary_saves_the_computed_flags_with_the_files_marks() {
    let dir = tempfile::tempdir().unwrap();
    let gstn = start_sandbox(dir.path());

    // The user's decisions: the last accepted and the last rejected result pending (the demo
    // marks the first accepted one), and a no-action result, which cannot be pending (stale).
    let (register, gstr2a) = sample();
    let none = Decisions::default();
    let report = Reconciler::new(&register, &gstr2a)
        .decisions(&none)
        .run()
        .unwrap();
    let with = |a: ActionFlag| report.results.iter().filter(move |r| r.action == a);
    let first_accepted = key(with(ActionFlag::Accept).next().unwrap());
    let last_accepted = key(with(ActionFlag::Accept).next_back().unwrap());
    let last_rejected = key(with(ActionFlag::Reject).next_back().unwrap());
    let no_action = key(with(ActionFlag::NoAction).next().unwrap());
    assert_ne!(first_accepted, last_accepted);
    let mut decisions = Decisions::default();
    for k in [&last_accepted, &last_rejected, &no_action] {
        decisions.mark_pending(k.clone());
    }
    let file = dir.path().join("my-decisions.json");
    std::fs::write(&file, serde_json::to_string_pretty(&decisions).unwrap()).unwrap();

    let output = run_example(
        &gstn,
        dir.path(),
        &[("GSTR2_DECISIONS", &file)],
        Some("yes"),
        &format!("{OTP}\n{OTP}\n"),
    );
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("Filed. Acknowledgement number:"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("[y/N]"),
        "GSTR2_CONFIRM=yes asks nothing:\n{stdout}"
    );
    assert!(!stdout.contains(OTP), "an OTP was echoed:\n{stdout}");
    assert!(
        stdout.contains(&format!("Decisions from {}: 3 pending", file.display())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "Not applied: pending {} {} (not_accept_or_reject)",
            no_action.supplier, no_action.number
        )),
        "the stale mark is reported:\n{stdout}"
    );
    assert!(
        !stdout.contains("Unmark Pending"),
        "no demonstration marks:\n{stdout}"
    );

    // What the sandbox holds as saved: exactly the computed flags with the file's marks applied.
    let saved = flags(&saved_at(&gstn).await);
    assert_eq!(saved, computed_flags(&register, &gstr2a, &decisions));
    let mut expected = computed_flags(&register, &gstr2a, &none);
    for k in [&last_accepted, &last_rejected] {
        let (_, flag) = expected
            .iter_mut()
            .find(|((_, s, n), _)| *s == k.supplier && *n == k.number)
            .unwrap();
        *flag = Some(Flag::Pending);
    }
    assert_eq!(saved, expected);
    assert_eq!(find(&saved, &last_accepted.number), &Some(Flag::Pending));
    assert_eq!(find(&saved, &last_rejected.number), &Some(Flag::Pending));
    // The demo's mark is not applied: the first accepted invoice stays accepted.
    assert_eq!(find(&saved, &first_accepted.number), &Some(Flag::Accept));
}

#[tokio::test]
async fn without_gstr2_confirm_a_no_stops_the_example_before_save_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let gstn = start_sandbox(dir.path());
    let output = run_example(&gstn, dir.path(), &[], None, &format!("{OTP}\nno\n"));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(!output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("error: Step-5 save to GSTN: not confirmed; nothing was saved to GSTN"),
        "{stderr}"
    );
    assert!(stdout.contains("To be saved at GSTN for"), "{stdout}");
    assert!(stdout.contains("Save these to GSTN? [y/N]"), "{stdout}");
    assert!(!stdout.contains("chunk 1/"), "{stdout}");
    assert!(!stdout.contains("Step-6"), "{stdout}");
    assert!(
        !stdout.contains(OTP) && !stderr.contains(OTP),
        "an OTP was echoed"
    );
    let saved = saved_at(&gstn).await;
    assert_eq!(saved.total_documents(), 0, "{saved:?}");
    assert!(saved.is_empty(), "{saved:?}");
}
