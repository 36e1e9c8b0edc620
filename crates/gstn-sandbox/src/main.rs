//! `gstn-sandbox`: run the local GSTN on 127.0.0.1.
//!
//! Prints its base URL as the first line of stdout, logs to stderr, stops on Ctrl-C.
//! `gstn-sandbox --help` lists the options; the crate's README explains them.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use gstn_sandbox::{spawn, SandboxConfig};

const HELP: &str = "\
gstn-sandbox: a local GSTN taxpayer API on 127.0.0.1

USAGE: gstn-sandbox [OPTIONS]

  --port N                 TCP port (default 0: any free port)
  --seed-dir DIR           seeded GSTR2A files: DIR/<GSTIN>/<MMYYYY>/gstr2a.json
  --seed N                 seed number of generated GSTR2A (default 1)
  --no-generate            no generated GSTR2A, only seeded files
  --gstr2a-docs N          B2B invoices per generated GSTR2A (default 12)
  --key PATH               PEM RSA private key (default: generated)
  --cert PATH              PEM certificate of --key (default: self-signed)
  --cert-out PATH          write the certificate PEM here
  --key-bits N             size of a generated key (default 2048)
  --state-dir DIR          keep the key pair and live sessions in DIR across restarts
                           (owner-only files holding session secrets; returns are not kept)
  --client-id ID           accepted clientid (default sandbox-client)
  --client-secret SECRET   accepted client-secret (default sandbox-secret)
  --otp OTP                login OTP (default 575757)
  --evc-otp OTP            EVC OTP for filing (default 575757)
  --user NAME=GSTIN[,GSTIN...]   allow only these users and GSTINs (repeatable)
  --token-minutes N        auth token lifetime (default 360)
  --session-days N         session maximum (default 30)
  --processing-ms N        how long RETSTATUS answers IP (default 50)
  --processing-polls N     how many RETSTATUS polls answer IP at least (default 1)
  --large-file-threshold N GSTR2A sections above N documents use the file flow (default 500)
  --per-file N             documents per large file (default 250)
  --queue-ms N             how long FILEDET answers RTN_24 (default 200)
  --fault-5xx SHARE        share of requests answered 503 (default 0)
  --fault-drop SHARE       share of connections dropped without a response (default 0)
  --fault-latency-ms N     latency added to every request (default 0)
  --fault-expire SHARE     share of requests finding their session expired (default 0)
  --fault-seed N           seed of the fault dice (default 0)
  --fault-expire-after-ms N  tokens die after N ms whatever expiry says (default: never early)
  --max-body-bytes N       largest request body accepted (default 5242880)
  --ims FILE               IMS records to start with: a JSON object with gstin and the
                           GETINV sections (b2b, b2ba, b2bcn, b2bcna, b2bdn, b2bdna) as keys
  --gstr2b-per-file N      GSTR-2B above N documents is answered in parts (default 1000)
  --gstr2b-queue-ms N      how long GET2B answers RTN_24 after a GEN2B (default 200)
  -h, --help               this text
";

fn parse_args(args: &[String]) -> Result<Option<SandboxConfig>, String> {
    let mut c = SandboxConfig::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        if flag == "--no-generate" {
            c.gstr2a_seed = None;
            continue;
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?
            .as_str();
        fn num<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
            v.parse()
                .map_err(|_| format!("{flag}: {v:?} is not a valid number"))
        }
        match flag.as_str() {
            "--port" => c.port = num(flag, value)?,
            "--seed-dir" => c.seed_dir = Some(PathBuf::from(value)),
            "--seed" => c.gstr2a_seed = Some(num(flag, value)?),
            "--gstr2a-docs" => c.gstr2a_documents = num(flag, value)?,
            "--key" => c.key_path = Some(PathBuf::from(value)),
            "--cert" => c.cert_path = Some(PathBuf::from(value)),
            "--cert-out" => c.cert_out = Some(PathBuf::from(value)),
            "--key-bits" => c.key_bits = num(flag, value)?,
            "--state-dir" => c.state_dir = Some(PathBuf::from(value)),
            "--client-id" => c.client_id = value.to_owned(),
            "--client-secret" => c.client_secret = value.to_owned(),
            "--otp" => c.otp = value.to_owned(),
            "--evc-otp" => c.evc_otp = value.to_owned(),
            "--user" => {
                let (name, gstins) = value.split_once('=').ok_or_else(|| {
                    format!("--user: expected NAME=GSTIN[,GSTIN...], got {value:?}")
                })?;
                let gstins = gstins
                    .split(',')
                    .map(|g| g.trim().parse().map_err(|e| format!("--user: {e}")))
                    .collect::<Result<Vec<_>, String>>()?;
                c = c.with_user(name, gstins);
            }
            "--token-minutes" => {
                c.token_lifetime = Duration::from_secs(60 * num::<u64>(flag, value)?)
            }
            "--session-days" => {
                c.session_max = Duration::from_secs(86_400 * num::<u64>(flag, value)?)
            }
            "--processing-ms" => c.processing_delay = Duration::from_millis(num(flag, value)?),
            "--processing-polls" => c.processing_polls = num(flag, value)?,
            "--large-file-threshold" => c.large_file_threshold = num(flag, value)?,
            "--per-file" => c.documents_per_file = num(flag, value)?,
            "--queue-ms" => c.file_queue_time = Duration::from_millis(num(flag, value)?),
            "--fault-5xx" => c.faults.error_5xx = num(flag, value)?,
            "--fault-drop" => c.faults.drop = num(flag, value)?,
            "--fault-latency-ms" => c.faults.latency = Duration::from_millis(num(flag, value)?),
            "--fault-expire" => c.faults.expire_session = num(flag, value)?,
            "--fault-seed" => c.faults.seed = num(flag, value)?,
            "--fault-expire-after-ms" => {
                c.faults.expire_after = Some(Duration::from_millis(num(flag, value)?))
            }
            "--max-body-bytes" => c.max_body_bytes = num(flag, value)?,
            "--ims" => c.ims_file = Some(PathBuf::from(value)),
            "--gstr2b-per-file" => c.gstr2b_documents_per_file = num(flag, value)?,
            "--gstr2b-queue-ms" => c.gstr2b_queue_time = Duration::from_millis(num(flag, value)?),
            other => return Err(format!("unknown option {other} (see --help)")),
        }
    }
    c.validate().map_err(|e| e.to_string())?;
    Ok(Some(c))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match parse_args(&args) {
        Ok(Some(c)) => c,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("gstn-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match spawn(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gstn-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", sandbox.base_url());
    let _ = out.flush();
    drop(out);
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("stopping");
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}
