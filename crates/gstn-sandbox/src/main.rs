//! `gstn-sandbox`: run the local GSTN on 127.0.0.1.
//!
//! Prints its base URL as the first line of stdout, logs to stderr, stops on Ctrl-C.
//! `gstn-sandbox --help` lists the options; the crate's README explains them. Built with the
//! crate's `bin` feature (on by default), which brings clap and tracing-subscriber.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use gstn_sandbox::{spawn, SandboxConfig};
use gstr2_model::Gstin;

/// The library's defaults ([`SandboxConfig::default`]): what an option left out means, and what
/// `--help` shows as its default.
fn defaults() -> SandboxConfig {
    SandboxConfig::default()
}

/// The command line: every option sets one [`SandboxConfig`] field, and one left out keeps the
/// field's default. Given twice, the later one wins (as `--seed` and `--no-generate` do).
#[derive(Debug, Parser)]
#[command(
    name = "gstn-sandbox",
    version,
    about = "gstn-sandbox: a local GSTN taxpayer API on 127.0.0.1",
    long_about = None,
    after_help = "Prints its base URL as the first line of stdout, logs to stderr (RUST_LOG \
                  filters them, default info), stops on Ctrl-C.",
    args_override_self = true
)]
struct Args {
    /// TCP port (0: any free port)
    #[arg(long, value_name = "N", default_value_t = defaults().port)]
    port: u16,
    /// Seeded GSTR2A files: DIR/<GSTIN>/<MMYYYY>/gstr2a.json
    #[arg(long, value_name = "DIR")]
    seed_dir: Option<PathBuf>,
    /// Seed number of generated GSTR2A
    #[arg(
        long,
        value_name = "N",
        default_value_t = defaults().gstr2a_seed.unwrap_or_default(),
        overrides_with = "no_generate"
    )]
    seed: u64,
    /// No generated GSTR2A, only seeded files (the later of --seed and --no-generate wins)
    #[arg(long, overrides_with = "seed")]
    no_generate: bool,
    /// B2B invoices per generated GSTR2A
    #[arg(long, value_name = "N", default_value_t = defaults().gstr2a_documents)]
    gstr2a_docs: usize,
    /// PEM RSA private key [default: generated]
    #[arg(long, value_name = "PATH")]
    key: Option<PathBuf>,
    /// PEM certificate of --key [default: self-signed]
    #[arg(long, value_name = "PATH")]
    cert: Option<PathBuf>,
    /// Write the certificate PEM here
    #[arg(long, value_name = "PATH")]
    cert_out: Option<PathBuf>,
    /// Size of a generated key
    #[arg(long, value_name = "N", default_value_t = defaults().key_bits)]
    key_bits: usize,
    /// Keep the key pair and live sessions in DIR across restarts (owner-only files holding
    /// session secrets; returns are not kept)
    #[arg(long, value_name = "DIR")]
    state_dir: Option<PathBuf>,
    /// Accepted clientid
    #[arg(long, value_name = "ID", default_value_t = defaults().client_id)]
    client_id: String,
    /// Accepted client-secret
    #[arg(long, value_name = "SECRET", default_value_t = defaults().client_secret)]
    client_secret: String,
    /// Login OTP
    #[arg(long, value_name = "OTP", default_value_t = defaults().otp)]
    otp: String,
    /// EVC OTP for filing
    #[arg(long, value_name = "OTP", default_value_t = defaults().evc_otp)]
    evc_otp: String,
    /// Allow only these users and GSTINs (repeatable) [default: any user, any GSTIN]
    #[arg(long = "user", value_name = "NAME=GSTIN[,GSTIN...]", value_parser = parse_user)]
    users: Vec<User>,
    /// Auth token lifetime, in minutes
    #[arg(long, value_name = "N", default_value_t = defaults().token_lifetime.as_secs() / 60)]
    token_minutes: u64,
    /// Session maximum, in days
    #[arg(long, value_name = "N", default_value_t = defaults().session_max.as_secs() / 86_400)]
    session_days: u64,
    /// How long RETSTATUS answers IP, in milliseconds
    #[arg(long, value_name = "N", default_value_t = millis(defaults().processing_delay))]
    processing_ms: u64,
    /// How many RETSTATUS polls answer IP at least
    #[arg(long, value_name = "N", default_value_t = defaults().processing_polls)]
    processing_polls: u32,
    /// GSTR2A sections above N documents use the file flow
    #[arg(long, value_name = "N", default_value_t = defaults().large_file_threshold)]
    large_file_threshold: usize,
    /// Documents per large file
    #[arg(long, value_name = "N", default_value_t = defaults().documents_per_file)]
    per_file: usize,
    /// How long FILEDET answers RTN_24, in milliseconds
    #[arg(long, value_name = "N", default_value_t = millis(defaults().file_queue_time))]
    queue_ms: u64,
    /// Share of requests answered 503
    #[arg(
        long = "fault-5xx",
        value_name = "SHARE",
        default_value_t = defaults().faults.error_5xx,
        allow_negative_numbers = true
    )]
    fault_5xx: f64,
    /// Share of connections dropped without a response
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = defaults().faults.drop,
        allow_negative_numbers = true
    )]
    fault_drop: f64,
    /// Latency added to every request, in milliseconds
    #[arg(long, value_name = "N", default_value_t = millis(defaults().faults.latency))]
    fault_latency_ms: u64,
    /// Share of requests finding their session expired
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = defaults().faults.expire_session,
        allow_negative_numbers = true
    )]
    fault_expire: f64,
    /// Seed of the fault dice
    #[arg(long, value_name = "N", default_value_t = defaults().faults.seed)]
    fault_seed: u64,
    /// Tokens die after N ms whatever expiry says [default: never early]
    #[arg(long, value_name = "N")]
    fault_expire_after_ms: Option<u64>,
    /// Largest request body accepted, in bytes
    #[arg(long, value_name = "N", default_value_t = defaults().max_body_bytes)]
    max_body_bytes: usize,
    /// IMS records to start with: a JSON object with gstin and the GETINV sections (b2b, b2ba,
    /// b2bcn, b2bcna, b2bdn, b2bdna) as keys
    #[arg(long, value_name = "FILE")]
    ims: Option<PathBuf>,
    /// GSTR-2B above N documents is answered in parts
    #[arg(long, value_name = "N", default_value_t = defaults().gstr2b_documents_per_file)]
    gstr2b_per_file: usize,
    /// How long GET2B answers RTN_24 after a GEN2B, in milliseconds
    #[arg(long, value_name = "N", default_value_t = millis(defaults().gstr2b_queue_time))]
    gstr2b_queue_ms: u64,
}

/// A `--user NAME=GSTIN[,GSTIN...]`.
#[derive(Clone, Debug)]
struct User {
    name: String,
    gstins: Vec<Gstin>,
}

fn parse_user(value: &str) -> Result<User, String> {
    let (name, gstins) = value
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=GSTIN[,GSTIN...], got {value:?}"))?;
    let gstins = gstins
        .split(',')
        .map(|g| g.trim().parse().map_err(|e| format!("{e}")))
        .collect::<Result<Vec<_>, String>>()?;
    Ok(User {
        name: name.to_owned(),
        gstins,
    })
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Args {
    /// The configuration these options give (not yet validated).
    fn into_config(self) -> SandboxConfig {
        let mut c = SandboxConfig::default();
        c.port = self.port;
        c.seed_dir = self.seed_dir;
        c.gstr2a_seed = (!self.no_generate).then_some(self.seed);
        c.gstr2a_documents = self.gstr2a_docs;
        c.key_path = self.key;
        c.cert_path = self.cert;
        c.cert_out = self.cert_out;
        c.key_bits = self.key_bits;
        c.state_dir = self.state_dir;
        c.client_id = self.client_id;
        c.client_secret = self.client_secret;
        c.otp = self.otp;
        c.evc_otp = self.evc_otp;
        for user in self.users {
            c = c.with_user(user.name, user.gstins);
        }
        c.token_lifetime = Duration::from_secs(self.token_minutes.saturating_mul(60));
        c.session_max = Duration::from_secs(self.session_days.saturating_mul(86_400));
        c.processing_delay = Duration::from_millis(self.processing_ms);
        c.processing_polls = self.processing_polls;
        c.large_file_threshold = self.large_file_threshold;
        c.documents_per_file = self.per_file;
        c.file_queue_time = Duration::from_millis(self.queue_ms);
        c.faults.error_5xx = self.fault_5xx;
        c.faults.drop = self.fault_drop;
        c.faults.latency = Duration::from_millis(self.fault_latency_ms);
        c.faults.expire_session = self.fault_expire;
        c.faults.seed = self.fault_seed;
        c.faults.expire_after = self.fault_expire_after_ms.map(Duration::from_millis);
        c.max_body_bytes = self.max_body_bytes;
        c.ims_file = self.ims;
        c.gstr2b_documents_per_file = self.gstr2b_per_file;
        c.gstr2b_queue_time = Duration::from_millis(self.gstr2b_queue_ms);
        c
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // Usage errors (and --help, --version) end here, exit code 2 (0).
    let config = Args::parse().into_config();
    if let Err(e) = config.validate() {
        use clap::CommandFactory as _;
        Args::command()
            .error(clap::error::ErrorKind::ValueValidation, e)
            .exit();
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let sandbox = match spawn(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gstn-sandbox: {}", gstr2_model::ErrorChain(&e));
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    fn parse(args: &[&str]) -> Result<SandboxConfig, clap::Error> {
        Args::try_parse_from(std::iter::once("gstn-sandbox").chain(args.iter().copied()))
            .map(Args::into_config)
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Args::command().debug_assert();
    }

    #[test]
    fn no_options_give_the_library_defaults() {
        let parsed = parse(&[]).unwrap();
        assert_eq!(
            format!("{parsed:?}"),
            format!("{:?}", SandboxConfig::default())
        );
    }

    #[test]
    fn every_option_sets_its_field() {
        let c = parse(&[
            "--port",
            "8080",
            "--seed-dir",
            "seeds",
            "--seed",
            "7",
            "--gstr2a-docs",
            "30",
            "--key",
            "k.pem",
            "--cert",
            "c.pem",
            "--cert-out",
            "out.pem",
            "--key-bits",
            "1024",
            "--state-dir",
            "state",
            "--client-id",
            "id",
            "--client-secret",
            "secret",
            "--otp",
            "111111",
            "--evc-otp",
            "222222",
            "--user",
            "asp=27AAPFU0939F1ZV",
            "--user",
            "b=33GSPTN4811G1ZC, 27AAPFU0939F1ZV",
            "--token-minutes",
            "2",
            "--session-days",
            "3",
            "--processing-ms",
            "4",
            "--processing-polls",
            "5",
            "--large-file-threshold",
            "6",
            "--per-file",
            "7",
            "--queue-ms",
            "8",
            "--fault-5xx",
            "0.25",
            "--fault-drop",
            "0.5",
            "--fault-latency-ms",
            "9",
            "--fault-expire",
            "0.125",
            "--fault-seed",
            "10",
            "--fault-expire-after-ms",
            "11",
            "--max-body-bytes",
            "12",
            "--ims",
            "ims.json",
            "--gstr2b-per-file",
            "13",
            "--gstr2b-queue-ms",
            "14",
        ])
        .unwrap();
        assert_eq!(c.port, 8080);
        assert_eq!(c.seed_dir, Some(PathBuf::from("seeds")));
        assert_eq!(c.gstr2a_seed, Some(7));
        assert_eq!(c.gstr2a_documents, 30);
        assert_eq!(c.key_path, Some(PathBuf::from("k.pem")));
        assert_eq!(c.cert_path, Some(PathBuf::from("c.pem")));
        assert_eq!(c.cert_out, Some(PathBuf::from("out.pem")));
        assert_eq!(c.key_bits, 1024);
        assert_eq!(c.state_dir, Some(PathBuf::from("state")));
        assert_eq!(
            (c.client_id.as_str(), c.client_secret.as_str()),
            ("id", "secret")
        );
        assert_eq!((c.otp.as_str(), c.evc_otp.as_str()), ("111111", "222222"));
        let users = c.users.as_ref().unwrap();
        assert_eq!(users["asp"].len(), 1);
        assert_eq!(users["b"].len(), 2);
        assert_eq!(c.token_lifetime, Duration::from_secs(120));
        assert_eq!(c.session_max, Duration::from_secs(3 * 86_400));
        assert_eq!(c.processing_delay, Duration::from_millis(4));
        assert_eq!(c.processing_polls, 5);
        assert_eq!(c.large_file_threshold, 6);
        assert_eq!(c.documents_per_file, 7);
        assert_eq!(c.file_queue_time, Duration::from_millis(8));
        assert_eq!(c.faults.error_5xx, 0.25);
        assert_eq!(c.faults.drop, 0.5);
        assert_eq!(c.faults.latency, Duration::from_millis(9));
        assert_eq!(c.faults.expire_session, 0.125);
        assert_eq!(c.faults.seed, 10);
        assert_eq!(c.faults.expire_after, Some(Duration::from_millis(11)));
        assert_eq!(c.max_body_bytes, 12);
        assert_eq!(c.ims_file, Some(PathBuf::from("ims.json")));
        assert_eq!(c.gstr2b_documents_per_file, 13);
        assert_eq!(c.gstr2b_queue_time, Duration::from_millis(14));
    }

    #[test]
    fn the_later_option_wins() {
        assert_eq!(parse(&["--no-generate"]).unwrap().gstr2a_seed, None);
        assert_eq!(
            parse(&["--seed", "3", "--no-generate"])
                .unwrap()
                .gstr2a_seed,
            None
        );
        assert_eq!(
            parse(&["--no-generate", "--seed", "3"])
                .unwrap()
                .gstr2a_seed,
            Some(3)
        );
        assert_eq!(parse(&["--port", "1", "--port", "2"]).unwrap().port, 2);
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for bad in [
            &["--port", "x"][..],
            &["--user", "nobody"],
            &["--user", "asp=27AAPFU0939F1ZX"],
            &["--unknown"],
            &["--port"],
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad:?}: {e}");
        }
        // Out-of-range shares parse, and validation refuses them.
        let c = parse(&["--fault-drop", "-1"]).unwrap();
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("faults.drop"));
    }
}
