//! Today's purchase-side workflow (GSTR-2B and IMS, Steps 1 to 7) on the public API of gstr2,
//! shared by the `ims_flow` example and the end-to-end tests of `tests/it/`.
//!
//! 1. connect (the login OTP, or "Existing token" from the token file);
//! 2. download the IMS records: the counts by section and action (`GETCNT`), then every record
//!    (`GETINV` per section);
//! 3. load the purchase register (a CSV folder, `docs/csv-format.md`);
//! 4. reconcile the register with the records and recommend an IMS action for each record, by
//!    [`ImsPolicy`](gstr2_recon::ims::ImsPolicy), with its reasons; then apply the user's
//!    decisions ([`ImsFlowConfig::decisions`], the `ims_actions` of `GSTR2_DECISIONS`);
//! 5. save the actions that change (`SAVE`, and `RESETIMS` for those going back to No action),
//!    each request polled through `REQSTS`, and show every record GSTN refused with what to do;
//!    with [`Confirm::Ask`] it first shows what it will send and asks
//!    `Save these IMS actions to GSTN? [y/N]`;
//! 6. regenerate GSTR-2B (`GEN2B`, polled through `GENSTS2B`), download it (`GET2B`, the parts
//!    of a paged one merged) and compare its ITC with the ITC the actions give, head by head:
//!    the flow stops naming every difference;
//! 7. show what GSTR-3B Table 4 takes from it: ITC available by 3B row and head, and the ITC
//!    rejected in IMS, which Table 4 does not take.
//!
//! What the user would see is written to `out`; progress from the client (IMS sections, the
//! SAVE's requests, a queued or paged GSTR-2B) is drawn as bars on standard error when
//! [`ImsFlowConfig::show_progress`] is set. Standard input carries, one line each: the login
//! OTP (not asked when the token file holds a token GSTN accepts), then, with [`Confirm::Ask`],
//! the answer to the save question.
//!
//! The files, in [`ImsFlowConfig::out_dir`]: `ims-counts.json` (GETCNT), `ims.json` (the records
//! downloaded), `results.json` (the reconciliation, each result with its recommended action and
//! reasons), `decisions.json` (the decisions applied), `ims-save.json` and `ims-reset.json` (the
//! bodies sent, only the records whose action changes; a file is removed when there is no such
//! body), `gstr2b.json` (the regenerated GSTR-2B as GSTN answers it), `itc-expected.json` and
//! `itc-gstr2b.json` (the ITC of `itcsumm`'s `nonrevsup` per section and head: expected from the
//! actions, and downloaded), `itc-differences.json`.
//!
//! The steps, each in a module of its own: Step-1 is [`crate::connect`]; `records` Step-2 (the
//! IMS records) and Step-3 (the register); `recommend` Step-4; `save` Step-5; `gstr2b` Step-6
//! (GSTR-2B and its ITC) and Step-7 (GSTR-3B Table 4); `demo` the embedded sandbox.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use gstn_client::{Gstr2bGeneration, ImsSaveReport};
use gstr2_model::gstr2b::Gstr2b;
use gstr2_model::ims::ImsRecords;
use gstr2_model::ReturnPeriod;
use gstr2_recon::ims::ExpectedItc;
use gstr2_recon::{Decisions, Reconciler, Source};
use rust_decimal::Decimal;

use crate::connect::{connect, Connection, Env, Probe};
use crate::error::FlowError;
use crate::flow::read_decisions_of;
use crate::present::{create_dir, say, Bars, Confirm, Otps};
use crate::sample::{sample_data_dir, workspace_root};

mod demo;
mod gstr2b;
mod recommend;
mod records;
mod save;

pub use self::demo::{
    demo_config, demo_ims_file, demo_sandbox_config, demo_state_dir, start_demo_sandbox,
};
use self::gstr2b::{step6_regenerate_gstr2b, step7_gstr3b_table4};
use self::recommend::step4_recommend;
use self::records::{step2_download_ims, step3_load_register};
use self::save::step5_save_actions;

/// Everything the IMS flow needs to know. Its `Debug` shows the client secret as `***`.
#[derive(Clone, Debug)]
pub struct ImsFlowConfig {
    /// The session: base URL, credentials, the taxpayer's GSTIN, certificate, token file.
    pub connection: Connection,
    /// The GSTR-2B period (`MMYYYY`), which is also the period of the register's documents.
    pub period: ReturnPeriod,
    /// The purchase register, a folder of CSV files (`docs/csv-format.md`).
    pub data_dir: PathBuf,
    /// Where the downloads, the results, the bodies sent and the ITC are written.
    pub out_dir: PathBuf,
    /// Whether to draw progress bars on standard error.
    pub show_progress: bool,
    /// The user's decisions (`GSTR2_DECISIONS`): a JSON file of [`Decisions`] with
    /// `ims_actions` (`[{"ctin", "kind", "number", "date", "action"}]`), and `links` or
    /// `unlinks` if the user paired documents by hand. Read before Step-1, so that a bad file
    /// stops the flow before anything is sent; decisions that no longer apply are listed at
    /// Step-4 and not applied. `None`: every record takes the recommended action.
    pub decisions: Option<PathBuf>,
    /// Whether Step-5 shows what it will send and asks first: [`Confirm::Assume`] for the demo
    /// and with `GSTR2_CONFIRM=yes`, [`Confirm::Ask`] against a real endpoint otherwise.
    pub confirm: Confirm,
}

/// What a completed IMS flow did.
#[derive(Clone, Debug)]
pub struct ImsDone {
    /// The IMS records as downloaded at Step-2.
    pub ims: ImsRecords,
    /// The SAVE of the changed actions (Step-5), if any record changes to A, R or P.
    pub saved: Option<ImsSaveReport>,
    /// The RESET of the records going back to No action (Step-5), if any.
    pub reset: Option<ImsSaveReport>,
    /// How the GEN2B of Step-6 ended.
    pub generation: Gstr2bGeneration,
    /// The GSTR-2B downloaded at Step-6.
    pub gstr2b: Gstr2b,
    /// The ITC the actions give, which the GSTR-2B shows (Step-6).
    pub expected_itc: ExpectedItc,
    /// Progress events the client reported, by kind (`ims_section_fetched`, ...).
    pub progress_events: BTreeMap<&'static str, usize>,
}

/// Difference in rupees per head and section up to which the downloaded ITC counts as the
/// expected one: GSTN rounds its sums, the engine does not. The engine's tolerance per amount.
pub const ITC_TOLERANCE: Decimal = Decimal::ONE;

/// Runs Steps 1 to 7 and answers what was done.
pub async fn run(
    config: &ImsFlowConfig,
    otps: &mut Otps,
    out: &mut dyn Write,
) -> Result<ImsDone, FlowError> {
    // The user's decisions are read first: a bad file stops the flow before anything is sent.
    let decisions = match &config.decisions {
        Some(path) => read_decisions_of(path, &["ims_actions", "links", "unlinks", "pending"])?,
        None => Decisions::default(),
    };
    create_dir(&config.out_dir)?;
    let bars = Bars::new(config.show_progress);
    say!(
        out,
        "GSTR-2B and IMS of {} for {} at {}",
        config.connection.gstin,
        config.period,
        config.connection.base_url
    )?;

    let client = connect(&config.connection, Probe::ImsCounts, &bars, otps, out).await?;
    let ims = step2_download_ims(config, &client, &bars, out).await?;
    let register = step3_load_register(config, out)?;
    let reconciler = Reconciler::new(&register, Source::Ims(&ims)).decisions(&decisions);
    let actions = step4_recommend(config, &reconciler, out)?;
    let (saved, reset) =
        step5_save_actions(config, &client, &reconciler, &actions, &bars, otps, out).await?;
    let (generation, gstr2b, expected_itc) =
        step6_regenerate_gstr2b(config, &client, &reconciler, &actions, &bars, out).await?;
    step7_gstr3b_table4(&gstr2b, out)?;

    let progress_events = bars.events.lock().map(|e| e.clone()).unwrap_or_default();
    Ok(ImsDone {
        ims,
        saved,
        reset,
        generation,
        gstr2b,
        expected_itc,
        progress_events,
    })
}

/// The settings for a real endpoint, from the variables of the `filing_flow` example (looked up
/// with `var`), or `None` when `GSTN_BASE_URL` is not set: `GSTN_CLIENT_ID`,
/// `GSTN_CLIENT_SECRET`, `GSTN_USERNAME`, `GSTN_GSTIN`, `GSTN_PERIOD` (the GSTR-2B period),
/// `GSTN_CERT`, optionally `GSTN_IP_USR`, `GSTR2_DATA` (default `examples/data/`),
/// `GSTR2_OUT_DIR` (default [`default_out_dir`]), `GSTR2_TOKEN_FILE` (default `token.json` in
/// the output folder), `GSTR2_DECISIONS` and `GSTR2_CONFIRM` (`yes`: do not ask before the
/// save; `no` or unset: ask; anything else is refused).
pub fn config_from_env(
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<ImsFlowConfig>, FlowError> {
    let env = Env { var: &var };
    let Some(base_url) = env.get("GSTN_BASE_URL") else {
        return Ok(None);
    };
    let period = env.period()?;
    let out_dir = var("GSTR2_OUT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(default_out_dir);
    let confirm = env.confirm("the save of the IMS actions")?;
    Ok(Some(ImsFlowConfig {
        connection: env.connection(base_url, &out_dir)?,
        period,
        data_dir: var("GSTR2_DATA")
            .map(PathBuf::from)
            .unwrap_or_else(sample_data_dir),
        out_dir,
        show_progress: false,
        decisions: env.get("GSTR2_DECISIONS").map(PathBuf::from),
        confirm,
    }))
}

/// `target/gstr2-demo-ims/` of the repository.
pub fn default_out_dir() -> PathBuf {
    workspace_root().join("target").join("gstr2-demo-ims")
}
