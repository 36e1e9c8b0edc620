//! The GSTR-2 workflow (Steps 1-8 of `docs/workflow.md`) on the public API of gstr2, shared by
//! the `filing_flow` example and the end-to-end tests of `tests/it/`.
//!
//! Each step is a function of a few calls; what the user would see is written to `out`, and
//! progress from the libraries (chunked save, GSTR2A download, reconciliation) is drawn as
//! indicatif bars on standard error when [`FlowConfig::show_progress`] is set.
//!
//! Two settings keep a real filing to what the user decided: [`FlowConfig::decisions`] says
//! where Step-4's pending marks, links and unlinks come from (the demo's own demonstration marks
//! only with the embedded sandbox; against a real endpoint the user's file or none), and
//! [`FlowConfig::confirm`] whether Step-5 (save), Step-7 (submit) and Step-8 (file) show what
//! they will do and ask first. Questions are answered on the same lines as the OTPs
//! ([`Otps::Lines`]), in the order the steps ask: the login OTP (only when no stored token is
//! accepted), `Save these to GSTN? [y/N]`, `Submit the return to GSTN? [y/N]`, `File the return
//! with GSTN? [y/N]`, then the EVC OTP.
//!
//! The steps, each in a module of its own: Step-1 is [`crate::connect`]; `payload` Step-2 (the
//! register, what GSTN holds, the payloads); `download` Step-3 (GSTR2A); `reconcile` Step-4 (match
//! codes, flags, decisions); `save` Step-5; `summary` Step-6; `file` Step-7 (submit) and Step-8
//! (file with EVC); `demo` the embedded sandbox the demo runs against.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use gstn_client::{PollPolicy, SaveReport};
use gstr2_model::{json, Gstin, ReturnPeriod};
use gstr2_recon::{Decisions, DocKey};

pub use crate::connect::Certificate;
use crate::connect::{connect, Connection, Env, Probe};
use crate::error::Cause;
pub use crate::error::{describe_difference, FlowError};
use crate::present::{create_dir, say, Bars};
pub use crate::present::{Confirm, Otps};
use crate::sample::workspace_root;
pub use crate::sample::{sample_data_dir, DEMO_GSTIN, DEMO_PAN, DEMO_PERIOD};

mod demo;
mod download;
mod file;
mod payload;
mod reconcile;
mod save;
mod summary;

pub use self::demo::{
    demo_config, demo_otps, demo_sandbox_config, demo_state_dir, start_demo_sandbox,
};
use self::download::step3_download_counterparty;
use self::file::{step7_submit, step8_file};
use self::payload::step2_generate_payload;
pub(crate) use self::reconcile::describe_stale;
use self::reconcile::step4_accept_reject;
use self::save::step5_save;
use self::summary::step6_download_summary;

/// Chunk size of the demo's saves: small, so that the sample register goes in several chunks.
pub const DEMO_CHUNK_LIMIT: usize = 2048;

/// Everything the flow needs to know.
pub struct FlowConfig {
    /// GSTN's (or a GSP's, or the sandbox's) base URL.
    pub base_url: String,
    /// API client id.
    pub client_id: String,
    /// API client secret.
    pub client_secret: String,
    /// GST portal user name.
    pub username: String,
    /// The taxpayer (receiver) filing GSTR2.
    pub gstin: Gstin,
    /// PAN of the authorised signatory (EVC).
    pub pan: String,
    /// The return period.
    pub period: ReturnPeriod,
    /// GSTN's public certificate.
    pub certificate: Certificate,
    /// The end user's IP address (`ip-usr` header).
    pub user_ip: IpAddr,
    /// The purchase register, a folder of CSV files (`docs/csv-format.md`).
    pub data_dir: PathBuf,
    /// Where the payloads, the GSTR2A download, the decisions and the summaries are written.
    pub out_dir: PathBuf,
    /// The token file ("Existing token" on the next connect).
    pub token_file: PathBuf,
    /// Largest plaintext of one `RETSAVE` chunk.
    pub chunk_limit: Option<usize>,
    /// How `RETSTATUS` is polled.
    pub poll: PollPolicy,
    /// Whether to draw progress bars on standard error.
    pub show_progress: bool,
    /// Where Step-4's decisions come from: [`DecisionSource::Demonstration`] for the demo,
    /// `GSTR2_DECISIONS` ([`DecisionSource::File`]) or none ([`DecisionSource::Computed`])
    /// against a real endpoint.
    pub decisions: DecisionSource,
    /// Whether Step-5, Step-7 and Step-8 ask before they send: [`Confirm::Assume`] for the demo
    /// and with `GSTR2_CONFIRM=yes`, [`Confirm::Ask`] against a real endpoint otherwise.
    pub confirm: Confirm,
}

impl std::fmt::Debug for FlowConfig {
    /// Every setting but the client secret, shown as `***`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlowConfig")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("username", &self.username)
            .field("gstin", &self.gstin)
            .field("pan", &self.pan)
            .field("period", &self.period)
            .field("certificate", &self.certificate)
            .field("user_ip", &self.user_ip)
            .field("data_dir", &self.data_dir)
            .field("out_dir", &self.out_dir)
            .field("token_file", &self.token_file)
            .field("chunk_limit", &self.chunk_limit)
            .field("poll", &self.poll)
            .field("show_progress", &self.show_progress)
            .field("decisions", &self.decisions)
            .field("confirm", &self.confirm)
            .finish()
    }
}

impl FlowConfig {
    /// The session's settings of this configuration.
    pub fn connection(&self) -> Connection {
        Connection {
            base_url: self.base_url.clone(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            username: self.username.clone(),
            gstin: self.gstin,
            certificate: self.certificate.clone(),
            user_ip: self.user_ip,
            token_file: self.token_file.clone(),
            poll: self.poll.clone(),
            chunk_limit: self.chunk_limit,
        }
    }
}

/// Where Step-4's decisions (pending marks, links, unlinks) come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecisionSource {
    /// The demo's own, to show the flags changing: the first accepted result marked pending,
    /// the first rejected one marked and unmarked again. Only for the embedded sandbox: against
    /// a real GSTN it would file a return the user never decided.
    Demonstration,
    /// The user's, from a JSON file (`GSTR2_DECISIONS`) in the shape the demo writes to
    /// `decisions.json`: serde of [`Decisions`], `{"pending": [...], "links": [...],
    /// "unlinks": [...]}`, each key optional. Read before Step-1, so a bad file stops the flow
    /// before anything is sent; decisions that no longer apply are listed at Step-4 and not
    /// applied.
    File(PathBuf),
    /// No decision: every result keeps the action the engine computed (a real endpoint without
    /// `GSTR2_DECISIONS`).
    Computed,
}

/// What a completed flow did.
#[derive(Clone, Debug)]
pub struct Filed {
    /// GSTN's acknowledgement number (Step-8).
    pub ack_num: String,
    /// The save of new and modified documents (Step-5).
    pub save: SaveReport,
    /// Progress events the client reported, by kind (`chunk_saved`, `gstr2a_section_done`, ...).
    pub progress_events: BTreeMap<&'static str, usize>,
    /// Reconciliation progress callbacks received.
    pub recon_progress_calls: usize,
    /// The pending marks in force when the payloads were saved.
    pub pending: Vec<DocKey>,
}

/// Runs Steps 1 to 8 and answers what was filed.
pub async fn run(
    config: &FlowConfig,
    otps: &mut Otps,
    out: &mut dyn Write,
) -> Result<Filed, FlowError> {
    // The user's decisions are read first: a bad file stops the flow before anything is sent.
    let given = match &config.decisions {
        DecisionSource::File(path) => Some(read_decisions(path)?),
        DecisionSource::Demonstration | DecisionSource::Computed => None,
    };
    create_dir(&config.out_dir)?;
    let bars = Bars::new(config.show_progress);
    say!(
        out,
        "GSTR2 of {} for {} at {}",
        config.gstin,
        config.period,
        config.base_url
    )?;

    let client = connect(
        &config.connection(),
        Probe::Summary(config.period),
        &bars,
        otps,
        out,
    )
    .await?;
    let step2 = step2_generate_payload(config, &client, out).await?;
    let gstr2a = step3_download_counterparty(config, &client, &bars, out).await?;
    let (report, decisions, recon_progress_calls) =
        step4_accept_reject(config, &step2.register, &gstr2a, given, &bars, out)?;
    let (payloads, save) = step5_save(
        config, &client, &step2, &gstr2a, &report, &decisions, &bars, otps, out,
    )
    .await?;
    let summary =
        step6_download_summary(config, &client, &payloads, step2.saved.as_ref(), out).await?;
    step7_submit(config, &client, otps, out).await?;
    let ack_num = step8_file(config, &client, &summary, otps, out).await?;

    let progress_events = bars.events.lock().map(|e| e.clone()).unwrap_or_default();
    Ok(Filed {
        ack_num,
        save,
        progress_events,
        recon_progress_calls,
        pending: decisions.pending.into_iter().collect(),
    })
}

/// The user's decisions from `path` (`GSTR2_DECISIONS`): the JSON of [`Decisions`] that the demo
/// writes to `decisions.json`. A key other than `pending`, `links` and `unlinks` is refused
/// rather than ignored, so that a misspelt key cannot drop the user's marks; the error names the
/// file and the JSON path.
pub fn read_decisions(path: &Path) -> Result<Decisions, FlowError> {
    read_decisions_of(path, &["pending", "links", "unlinks"])
}

/// The decisions of the file at `path`, whose top-level keys must be among `keys`.
pub(crate) fn read_decisions_of(path: &Path, keys: &[&str]) -> Result<Decisions, FlowError> {
    let bytes = std::fs::read(path).map_err(|source| FlowError::Io {
        what: format!("reading the decisions file {}", path.display()),
        source,
    })?;
    let refused = |source: Cause| FlowError::Decisions {
        path: path.to_owned(),
        source,
    };
    let value: serde_json::Value = json::from_slice(&bytes).map_err(|e| refused(Box::new(e)))?;
    if let Some(object) = value.as_object() {
        if let Some(key) = object.keys().find(|k| !keys.contains(&k.as_str())) {
            return Err(refused(Box::new(UnknownKey {
                key: key.clone(),
                expected: keys.join(", "),
            })));
        }
    }
    json::from_slice(&bytes).map_err(|e| refused(Box::new(e)))
}

/// A top-level key of the decisions file that the flow does not read.
#[derive(Debug, thiserror::Error)]
#[error("json at {key}: unknown key (expected {expected})")]
struct UnknownKey {
    key: String,
    expected: String,
}

/// The settings for a real endpoint, from `GSTN_*` variables (looked up with `var`), or `None`
/// when `GSTN_BASE_URL` is not set.
///
/// A real endpoint never gets the demo's demonstration marks: the decisions are the file
/// `GSTR2_DECISIONS` names ([`DecisionSource::File`]), or none ([`DecisionSource::Computed`]).
/// Save, submit and file ask first ([`Confirm::Ask`]) unless `GSTR2_CONFIRM` is `yes`
/// ([`Confirm::Assume`]); `GSTR2_CONFIRM` set to anything but `yes` or `no` is refused, so that
/// a misspelt value does not decide.
pub fn config_from_env(
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<FlowConfig>, FlowError> {
    let env = Env { var: &var };
    let Some(base_url) = env.get("GSTN_BASE_URL") else {
        return Ok(None);
    };
    // The order of the checks: a user missing several settings hears of these first.
    env.gstin()?;
    let period = env.period()?;
    env.certificate()?;
    let out_dir = var("GSTR2_OUT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(default_out_dir);
    let decisions = match env.get("GSTR2_DECISIONS") {
        Some(path) => DecisionSource::File(path.into()),
        None => DecisionSource::Computed,
    };
    let confirm = env.confirm("save, submit and file")?;
    let connection = env.connection(base_url, &out_dir)?;
    Ok(Some(FlowConfig {
        base_url: connection.base_url,
        client_id: connection.client_id,
        client_secret: connection.client_secret,
        username: connection.username,
        gstin: connection.gstin,
        pan: env.need("GSTN_PAN")?,
        period,
        certificate: connection.certificate,
        user_ip: connection.user_ip,
        data_dir: var("GSTR2_DATA")
            .map(PathBuf::from)
            .unwrap_or_else(sample_data_dir),
        token_file: connection.token_file,
        out_dir,
        chunk_limit: None,
        poll: PollPolicy::default(),
        show_progress: false,
        decisions,
        confirm,
    }))
}

/// `target/gstr2-demo/` of the repository.
pub fn default_out_dir() -> PathBuf {
    workspace_root().join("target").join("gstr2-demo")
}
