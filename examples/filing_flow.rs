//! The GSTR-2 filing workflow, Steps 1 to 8 of `docs/workflow.md`, as a user runs it.
//!
//! ```text
//! cargo run --example filing_flow
//! ```
//!
//! With no settings it starts the embedded GSTN sandbox on 127.0.0.1 (its GSTR2A seeded from
//! `examples/data/gstr2a.json`), loads the sample purchase register of `examples/data/` and runs
//! every step: connect (OTP, token file), generate the payloads, download GSTR2A, reconcile and
//! mark pending, save in chunks, compare the summaries, submit, file with EVC. Files go to
//! `target/gstr2-demo/` (or `GSTR2_OUT_DIR`), the token to `target/gstr2-demo/token.json` (or
//! `GSTR2_TOKEN_FILE`). The sandbox keeps its key pair and sessions in
//! `target/gstr2-demo/sandbox/` (not its returns), so a second run prints "Existing token"
//! from the token file, without an OTP; delete that folder or the token file to log in again.
//!
//! The demo marks the first accepted invoice Pending (and marks and unmarks a rejected one) to
//! show the flags changing; that happens only with the embedded sandbox.
//!
//! Against a real endpoint, set `GSTN_BASE_URL`, `GSTN_CLIENT_ID`, `GSTN_CLIENT_SECRET`,
//! `GSTN_USERNAME`, `GSTN_GSTIN`, `GSTN_PAN`, `GSTN_PERIOD` (MMYYYY), `GSTN_CERT` (GSTN's public
//! certificate, PEM or DER), optionally `GSTR2_DATA` (the CSV folder, default `examples/data/`),
//! `GSTN_IP_USR` (the user's IP address, default 127.0.0.1), `GSTR2_DECISIONS` and
//! `GSTR2_CONFIRM`. Nothing is marked for the user:
//!
//! - `GSTR2_DECISIONS` names a JSON file of the user's decisions, in the shape the demo writes to
//!   `decisions.json` (`{"pending": [...], "links": [...], "unlinks": [...]}`, the serde form of
//!   `gstr2::recon::Decisions`). Without it every result keeps its computed flag. A file that
//!   does not read stops the flow before Step-1, naming the file and the JSON path; decisions
//!   that no longer apply are listed at Step-4 ("Not applied: ...") and not applied.
//! - Before Step-5 (save), Step-7 (submit) and Step-8 (file) the flow shows what it will send
//!   (before the save: documents by section and flag, and those to delete) and asks
//!   `Save these to GSTN? [y/N]`, `Submit the return to GSTN? [y/N]`,
//!   `File the return with GSTN? [y/N]`. `y` or `yes` goes on; anything else, or the end of the
//!   input, stops with an error saying how far the return got, and nothing more is sent.
//!   `GSTR2_CONFIRM=yes` asks nothing (`no`, or unset, asks).
//!
//! Standard input carries, one line each, in this order: the login OTP (not asked when the token
//! file holds a token GSTN accepts), the answer to the save question, the answer to the submit
//! question, the answer to the file question, the EVC OTP (GSTN sends it after the file
//! question). With `GSTR2_CONFIRM=yes` only the two OTPs:
//!
//! ```text
//! printf '%s\ny\ny\ny\n%s\n' "$LOGIN_OTP" "$EVC_OTP" | GSTN_BASE_URL=https://... cargo run --example filing_flow
//! printf '%s\n%s\n' "$LOGIN_OTP" "$EVC_OTP" | GSTR2_CONFIRM=yes GSTN_BASE_URL=https://... cargo run --example filing_flow
//! ```
//!
//! Interactively, type each line when it is asked for. The exit status is non-zero when a step
//! fails or is not confirmed, with the error on standard error.

use std::process::ExitCode;

// The flow's steps, shared with the end-to-end tests, which read what it answers.
use gstr2_demo::flow::{self, FlowConfig, FlowError, Otps};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", gstr2::model::ErrorChain(&e));
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), FlowError> {
    let mut out = std::io::stdout();
    match flow::config_from_env(|name| std::env::var(name).ok())? {
        Some(mut config) => {
            config.show_progress = true;
            let mut otps = Otps::Lines(Box::new(std::io::BufReader::new(std::io::stdin())));
            flow::run(&config, &mut otps, &mut out).await?;
        }
        None => {
            let out_dir: std::path::PathBuf = std::env::var("GSTR2_OUT_DIR")
                .map(Into::into)
                .unwrap_or_else(|_| flow::default_out_dir());
            // The sandbox keeps its key and sessions there: the next run's stored token works.
            let state_dir = flow::demo_state_dir(&out_dir);
            let sandbox = flow::start_demo_sandbox(
                flow::demo_sandbox_config().with_state_dir(state_dir.clone()),
            )
            .await?;
            let token_file = std::env::var("GSTR2_TOKEN_FILE")
                .map(Into::into)
                .unwrap_or_else(|_| out_dir.join("token.json"));
            let config = FlowConfig {
                show_progress: true,
                ..flow::demo_config(&sandbox, out_dir, token_file)?
            };
            println!(
                "Embedded GSTN sandbox at {} (GSTR2A seeded from examples/data/gstr2a.json; \
                 its key and sessions kept in {})",
                sandbox.base_url(),
                state_dir.display()
            );
            let mut otps = flow::demo_otps(&sandbox);
            let filed = flow::run(&config, &mut otps, &mut out).await;
            sandbox.shutdown().await;
            filed?;
        }
    }
    Ok(())
}
