//! Today's purchase-side workflow, GSTR-2B and IMS (Steps 1 to 7), as a user runs it.
//!
//! ```text
//! cargo run --example ims_flow
//! ```
//!
//! With no settings it starts the embedded GSTN sandbox on 127.0.0.1, its IMS seeded with
//! `examples/data/ims.json` (records made for the sample register, so that every case of the
//! policy comes up), loads the sample purchase register of `examples/data/` and runs every step:
//!
//! 1. connect (OTP, token file; "Existing token" on a second run);
//! 2. download the IMS records: counts by section and action (`GETCNT`), every record (`GETINV`);
//! 3. load the purchase register;
//! 4. reconcile and recommend an IMS action for each record, with the reasons; apply the user's
//!    decisions (`GSTR2_DECISIONS`);
//! 5. save the actions that change (`SAVE`, `RESETIMS`) and poll their status (`REQSTS`), every
//!    record GSTN refuses shown with what to do;
//! 6. regenerate GSTR-2B (`GEN2B`, polled through `GENSTS2B`), download it (`GET2B`) and compare
//!    its ITC with the ITC the actions give, naming every difference;
//! 7. print what GSTR-3B Table 4 takes from it: ITC available by row and head, and the ITC
//!    rejected in IMS.
//!
//! Files go to `target/gstr2-demo-ims/` (or `GSTR2_OUT_DIR`): `ims-counts.json`, `ims.json`,
//! `results.json`, `decisions.json`, `ims-save.json` (the SAVE body: only the records whose
//! action changes, each with its `prev_status`), `ims-reset.json` when some go back to No
//! action, `gstr2b.json`, `itc-expected.json`, `itc-gstr2b.json`, `itc-differences.json`; the
//! token to `token.json` there (or `GSTR2_TOKEN_FILE`). The sandbox keeps its key pair and
//! sessions in `target/gstr2-demo-ims/sandbox/`, not its IMS records: every run starts from the
//! demo records.
//!
//! Against a real endpoint, set `GSTN_BASE_URL`, `GSTN_CLIENT_ID`, `GSTN_CLIENT_SECRET`,
//! `GSTN_USERNAME`, `GSTN_GSTIN`, `GSTN_PERIOD` (the GSTR-2B period, MMYYYY), `GSTN_CERT`
//! (GSTN's public certificate, PEM or DER), optionally `GSTR2_DATA` (the CSV folder of the
//! books, default `examples/data/`), `GSTN_IP_USR`, `GSTR2_OUT_DIR`, `GSTR2_DECISIONS` and
//! `GSTR2_CONFIRM`:
//!
//! - `GSTR2_DECISIONS` names a JSON file of the user's IMS actions, which override the
//!   recommended ones: `{"ims_actions": [{"ctin": "33GSPTN4811G1ZC", "kind": "invoice",
//!   "number": "S008499", "date": "30-07-2017", "action": "R"}]}` (the serde form of
//!   `gstr2::recon::Decisions`; `links` and `unlinks` too). A file that does not read stops the
//!   flow before Step-1; decisions that no longer apply are listed at Step-4 ("Not applied").
//! - Before the save the flow shows every record it will send, with the action GSTN reported and
//!   the new one, and asks `Save these IMS actions to GSTN? [y/N]`; anything but `y` or `yes`
//!   stops it, nothing sent. `GSTR2_CONFIRM=yes` asks nothing.
//!
//! Standard input carries the login OTP (not asked when the token file holds a token GSTN
//! accepts), then the answer to the save question:
//!
//! ```text
//! printf '%s\ny\n' "$LOGIN_OTP" | GSTN_BASE_URL=https://... GSTN_PERIOD=102024 cargo run --example ims_flow
//! ```
//!
//! The exit status is non-zero when a step fails, is not confirmed, or the regenerated GSTR-2B's
//! ITC is not the expected one, with the error on standard error.

use std::process::ExitCode;

// The flow's steps, shared with the end-to-end tests, which read what it answers; the
// presentation (tables, progress bars, prompts) is the `filing_flow` example's.
use gstr2_demo::flow::{demo_otps, Otps};
use gstr2_demo::ims_flow::{self, ImsFlowConfig};
use gstr2_demo::FlowError;

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
    match ims_flow::config_from_env(|name| std::env::var(name).ok())? {
        Some(mut config) => {
            config.show_progress = true;
            let mut otps = Otps::Lines(Box::new(std::io::BufReader::new(std::io::stdin())));
            ims_flow::run(&config, &mut otps, &mut out).await?;
        }
        None => {
            let out_dir: std::path::PathBuf = std::env::var("GSTR2_OUT_DIR")
                .map(Into::into)
                .unwrap_or_else(|_| ims_flow::default_out_dir());
            // The sandbox keeps its key and sessions there: the next run's stored token works.
            let state_dir = ims_flow::demo_state_dir(&out_dir);
            let sandbox = ims_flow::start_demo_sandbox(
                ims_flow::demo_sandbox_config().with_state_dir(state_dir.clone()),
            )
            .await?;
            let token_file = std::env::var("GSTR2_TOKEN_FILE")
                .map(Into::into)
                .unwrap_or_else(|_| out_dir.join("token.json"));
            let config = ImsFlowConfig {
                show_progress: true,
                decisions: std::env::var_os("GSTR2_DECISIONS").map(Into::into),
                ..ims_flow::demo_config(&sandbox, out_dir, token_file)?
            };
            println!(
                "Embedded GSTN sandbox at {} (IMS seeded from examples/data/ims.json; its key \
                 and sessions kept in {})",
                sandbox.base_url(),
                state_dir.display()
            );
            let mut otps = demo_otps(&sandbox);
            let done = ims_flow::run(&config, &mut otps, &mut out).await;
            sandbox.shutdown().await;
            done?;
        }
    }
    Ok(())
}
