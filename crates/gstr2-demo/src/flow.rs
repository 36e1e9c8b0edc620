//! The seed's GSTR2 workflow (Steps 1-8) on the public API of gstr2, shared by the
//! `filing_flow` example and the end-to-end tests of `tests/it/`.
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

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use gstn_client::{GstnClient, PollPolicy, SaveReport};
use gstn_proto::Otp;
use gstn_sandbox::{SandboxConfig, SandboxHandle};
use gstr2_model::summary::SectionSummary;
use gstr2_model::{csv, json, Gstin, Gstr2Payload, Gstr2Summary, Gstr2a, ReturnPeriod, Table};
use gstr2_recon::{
    compare_summaries, local_summary, ActionFlag, Decision, Decisions, DocKey, MatchResult,
    Reconciler, Report, SavePayloads, StaleDecision,
};

pub use crate::connect::Certificate;
use crate::connect::{connect, Connection, Env, Probe};
use crate::error::gstn;
pub use crate::error::{describe_difference, FlowError};
use crate::present::{
    confirm_step, create_dir, docs, reason_name, say, write_json, Bars, Column, Columns,
};
pub use crate::present::{Confirm, Otps};
use crate::sample::workspace_root;
pub use crate::sample::{sample_data_dir, DEMO_GSTIN, DEMO_PAN, DEMO_PERIOD};

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
    pub ip_usr: String,
    /// The purchase register, a folder of the seed's CSV files.
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
            ip_usr: self.ip_usr.clone(),
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
    let refused = |message: String| FlowError::Decisions {
        path: path.to_owned(),
        message,
    };
    let value: serde_json::Value = json::from_slice(&bytes).map_err(|e| refused(e.to_string()))?;
    if let Some(object) = value.as_object() {
        if let Some(key) = object.keys().find(|k| !keys.contains(&k.as_str())) {
            return Err(refused(format!(
                "json at {key}: unknown key (expected {})",
                keys.join(", ")
            )));
        }
    }
    json::from_slice(&bytes).map_err(|e| refused(e.to_string()))
}

/// One document of a save payload, as named before the save is confirmed.
struct Outgoing {
    /// The section (`B2B`, `CDN`, ...).
    section: &'static str,
    /// The supplier (`ctin`), in the sections grouped by supplier.
    supplier: Option<String>,
    /// The document's number (`inum`, `nt_num`, `boe_num`, `dnum`; `pos`/`sply_ty` for advances).
    number: String,
    /// The action flag (`flag`); none for the taxpayer's own uploads.
    flag: Option<String>,
}

/// The documents of a payload, section by section in table order. Read from the wire form, where
/// every section names its documents and flags with the same few keys (the sections grouped by
/// supplier under `inv` or `nt`).
fn outgoing(payload: &Gstr2Payload) -> Result<Vec<Outgoing>, FlowError> {
    let value = serde_json::to_value(payload).map_err(|e| FlowError::Payload(e.to_string()))?;
    fn text<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a str> {
        v.get(key).and_then(|v| v.as_str())
    }
    let number = |doc: &serde_json::Value| {
        ["nt_num", "inum", "boe_num", "dnum"]
            .into_iter()
            .find_map(|k| text(doc, k))
            .map(str::to_owned)
            .or_else(|| {
                let (pos, supply) = (text(doc, "pos")?, text(doc, "sply_ty")?);
                Some(format!("{pos} {supply}"))
            })
            .unwrap_or_else(|| "-".into())
    };
    let mut docs = Vec::new();
    for table in Table::ALL {
        let mut push = |supplier: Option<&str>, doc: &serde_json::Value| {
            docs.push(Outgoing {
                section: table.section_name(),
                supplier: supplier.map(str::to_owned),
                number: number(doc),
                flag: text(doc, "flag").map(str::to_owned),
            })
        };
        match value.get(table.wire_key()) {
            Some(serde_json::Value::Array(entries)) => {
                for entry in entries {
                    let supplier = text(entry, "ctin");
                    match ["inv", "nt"]
                        .into_iter()
                        .find_map(|k| entry.get(k).and_then(|v| v.as_array()))
                    {
                        Some(grouped) => grouped.iter().for_each(|doc| push(supplier, doc)),
                        None => push(supplier, entry),
                    }
                }
            }
            Some(whole @ serde_json::Value::Object(_)) => push(None, whole),
            _ => {}
        }
    }
    Ok(docs)
}

/// A flag in words, for the lines before the save.
fn flag_word(flag: Option<&str>) -> &str {
    match flag {
        None | Some("U") => "upload",
        Some("A") => "accept",
        Some("R") => "reject",
        Some("P") => "pending",
        Some("M") => "modify",
        Some("N") => "no action",
        Some("D") => "delete",
        Some("E") => "edit",
        Some(other) => other,
    }
}

/// What Step-5 will send, for the question before it: per section the documents by flag, and
/// the documents to delete by name (the first 20; the rest are in `payload-delete.json`).
fn save_plan(config: &FlowConfig, payloads: &SavePayloads) -> Result<Vec<String>, FlowError> {
    let mut lines = vec![format!(
        "  To be saved at GSTN for {} / {} (RETSAVE):",
        config.gstin, config.period
    )];
    let upsert = outgoing(&payloads.upsert)?;
    lines.push(format!("    New/Modify: {}", docs(upsert.len())));
    let mut by_section: Vec<(&str, BTreeMap<&str, usize>)> = Vec::new();
    for d in &upsert {
        if by_section.last().is_none_or(|(s, _)| *s != d.section) {
            by_section.push((d.section, BTreeMap::new()));
        }
        if let Some((_, flags)) = by_section.last_mut() {
            *flags.entry(flag_word(d.flag.as_deref())).or_default() += 1;
        }
    }
    for (section, flags) in by_section {
        let counts: Vec<String> = flags.iter().map(|(f, n)| format!("{f} {n}")).collect();
        lines.push(format!("      {section:<9} {}", counts.join(", ")));
    }
    if payloads.upsert.hsnsum.is_some() {
        lines.push("      HSN summary (hsnsum)".into());
    }
    let delete = outgoing(&payloads.delete)?;
    lines.push(format!("    Delete: {}", docs(delete.len())));
    const SHOWN: usize = 20;
    for d in delete.iter().take(SHOWN) {
        lines.push(format!(
            "      {:<9} {} {}",
            d.section,
            d.supplier.as_deref().unwrap_or("-"),
            d.number
        ));
    }
    if delete.len() > SHOWN {
        lines.push(format!(
            "      and {} more (payload-delete.json)",
            delete.len() - SHOWN
        ));
    }
    Ok(lines)
}

/// What Step-2 read and decided.
struct Step2 {
    register: Gstr2Payload,
    /// What GSTN held before this session's save.
    saved: Option<Gstr2Payload>,
}

/// Step-2: payloads of new/modified and deleted documents, with the local summary.
async fn step2_generate_payload(
    config: &FlowConfig,
    client: &GstnClient,
    out: &mut dyn Write,
) -> Result<Step2, FlowError> {
    say!(out, "\nStep-2: Generate Payload")?;
    let register = csv::read_dir(&config.data_dir, config.gstin, config.period)
        .map_err(|e| FlowError::Register(format!("{}: {e}", config.data_dir.display())))?;
    say!(
        out,
        "  Purchase register {}: {} documents in {} tables",
        config.data_dir.display(),
        register.total_documents(),
        Table::ALL
            .iter()
            .filter(|t| register.document_count(**t) > 0)
            .count()
    )?;
    let saved = held_by_gstn(client, config.period).await?;
    say!(
        out,
        "  Already saved at GSTN: {}",
        docs(saved.total_documents())
    )?;
    let saved = (!saved.is_empty()).then_some(saved);
    // Before the counterparty download every register document is the taxpayer's own.
    let payloads = payloads_for(
        &register,
        &Gstr2a::default(),
        &Decisions::default(),
        saved.as_ref(),
    )?;
    say!(
        out,
        "  (before Step-4 every register document counts as the taxpayer's own upload)"
    )?;
    write_payloads(config, &payloads, out)?;
    print_summary(
        out,
        "Summary (local)",
        &local_summary(&payloads, saved.as_ref()).map_err(|e| FlowError::Amounts(e.to_string()))?,
    )?;
    Ok(Step2 { register, saved })
}

/// Every section GSTN holds for the period, as one payload.
async fn held_by_gstn(
    client: &GstnClient,
    period: ReturnPeriod,
) -> Result<Gstr2Payload, FlowError> {
    let mut held: Option<Gstr2Payload> = None;
    for table in Table::ALL {
        let section = client
            .get_section(period, table)
            .await
            .map_err(gstn("Step-2 generate payload"))?;
        let held = held.get_or_insert_with(|| Gstr2Payload::new(section.gstin, section.fp));
        csv::TableData::from_payload(&section, table).put_into(held);
    }
    held.ok_or_else(|| FlowError::Config("no table to fetch".into()))
}

fn payloads_for(
    register: &Gstr2Payload,
    gstr2a: &Gstr2a,
    decisions: &Decisions,
    saved: Option<&Gstr2Payload>,
) -> Result<SavePayloads, FlowError> {
    let inputs = Reconciler::new(register, gstr2a)
        .decisions(decisions)
        .previously_saved(saved);
    let report = inputs
        .run()
        .map_err(|e| FlowError::Amounts(e.to_string()))?;
    inputs
        .save_payloads(&report)
        .map_err(|e| FlowError::Payload(e.to_string()))
}

fn write_payloads(
    config: &FlowConfig,
    payloads: &SavePayloads,
    out: &mut dyn Write,
) -> Result<(), FlowError> {
    let upsert = config.out_dir.join("payload-new-modified.json");
    let delete = config.out_dir.join("payload-delete.json");
    write_json(&upsert, &payloads.upsert)?;
    write_json(&delete, &payloads.delete)?;
    say!(
        out,
        "  New/Modify: {} -> {}",
        docs(payloads.upsert.total_documents()),
        upsert.display()
    )?;
    say!(
        out,
        "  Delete:     {} -> {}",
        docs(payloads.delete.total_documents()),
        delete.display()
    )?;
    Ok(())
}

fn section_line(s: &SectionSummary) -> String {
    let amount = |v: Option<rust_decimal::Decimal>| {
        v.map(|v| v.round_dp(2).to_string())
            .unwrap_or_else(|| "-".into())
    };
    // The heads come from GSTN's summary: added with checked arithmetic, shown as such if
    // their sum is beyond what a decimal holds.
    let heads = |v: [Option<rust_decimal::Decimal>; 4]| {
        gstr2_model::amount::checked_sum(v.into_iter().flatten())
            .map_or_else(|| "beyond 7.9e28".to_owned(), |t| t.round_dp(2).to_string())
    };
    let tax = heads([s.tax_igst, s.tax_cgst, s.tax_sgst, s.tax_cess]);
    let itc = heads([s.itc_igst, s.itc_cgst, s.itc_sgst, s.itc_cess]);
    format!(
        "{:<9} {:>4} {:>14} {:>12} {:>12}",
        s.section,
        s.record_count
            .map(|c| c.to_string())
            .unwrap_or_else(|| "-".into()),
        amount(s.value),
        tax,
        itc
    )
}

fn print_summary(
    out: &mut dyn Write,
    title: &str,
    summary: &Gstr2Summary,
) -> Result<(), FlowError> {
    say!(
        out,
        "  {title} for {} / {}:",
        summary.gstin,
        summary.ret_period
    )?;
    say!(
        out,
        "    {:<9} {:>4} {:>14} {:>12} {:>12}",
        "section",
        "rc",
        "ttl_val",
        "tax",
        "itc"
    )?;
    for s in &summary.sections {
        say!(out, "    {}", section_line(s))?;
    }
    Ok(())
}

/// One line per GSTR2A document: supplier, `cfs`, section, number, date, value.
fn counterparty_rows(g: &Gstr2a) -> Vec<[String; 6]> {
    let cfs =
        |c: &Option<gstr2_model::codes::YesNo>| c.as_ref().map_or("-", |c| c.as_str()).to_owned();
    let row = |ctin: &Gstin,
               filed: &Option<gstr2_model::codes::YesNo>,
               kind: String,
               number: &str,
               date,
               value: &rust_decimal::Decimal| {
        [
            ctin.to_string(),
            cfs(filed),
            kind,
            number.to_owned(),
            gstr2_model::date::format(date),
            value.to_string(),
        ]
    };
    let mut rows = Vec::new();
    for s in &g.b2b {
        rows.extend(s.invoices.iter().map(|d| {
            row(
                &s.supplier_gstin,
                &s.filing_status,
                "B2B".into(),
                &d.number,
                d.date,
                &d.value,
            )
        }));
    }
    for s in &g.b2ba {
        rows.extend(s.invoices.iter().map(|d| {
            row(
                &s.supplier_gstin,
                &s.filing_status,
                "B2BA".into(),
                &d.number,
                d.date,
                &d.value,
            )
        }));
    }
    for s in &g.cdn {
        rows.extend(s.notes.iter().map(|d| {
            row(
                &s.supplier_gstin,
                &s.filing_status,
                format!("CDN-{}", d.note_type.as_str()),
                &d.number,
                d.date,
                &d.value,
            )
        }));
    }
    for s in &g.cdna {
        rows.extend(s.notes.iter().map(|d| {
            row(
                &s.supplier_gstin,
                &s.filing_status,
                format!("CDNA-{}", d.note_type.as_str()),
                &d.number,
                d.date,
                &d.value,
            )
        }));
    }
    rows
}

/// Step-3: the counterparty invoices (GSTR2A), listed.
async fn step3_download_counterparty(
    config: &FlowConfig,
    client: &GstnClient,
    bars: &Bars,
    out: &mut dyn Write,
) -> Result<Gstr2a, FlowError> {
    say!(out, "\nStep-3: Download Counter Party")?;
    bars.start(gstn_client::GSTR2A_SECTIONS.len() as u64, "GSTR2A download");
    let downloaded = client.download_gstr2a(config.period).await;
    bars.finish();
    let gstr2a = downloaded.map_err(gstn("Step-3 download counter party"))?;
    let path = config.out_dir.join("gstr2a.json");
    write_json(&path, &gstr2a)?;
    say!(
        out,
        "  Success: {} counter party documents downloaded -> {}",
        gstr2a.document_count(),
        path.display()
    )?;
    let table = Columns::new(
        4,
        &[
            Column::left(15),
            Column::left(3),
            Column::left(6),
            Column::left(16),
            Column::left(10),
            Column::right(12),
        ],
    );
    let header = ["supplier", "cfs", "type", "number", "date", "value"].map(String::from);
    for row in std::iter::once(header).chain(counterparty_rows(&gstr2a)) {
        table.say(out, &row)?;
    }
    // What is odd in GSTN's data was read and kept; the user sees where.
    let warnings = gstr2a.warnings();
    for w in warnings.iter().take(WARNINGS_SHOWN) {
        say!(out, "  Warning: {w}")?;
    }
    if warnings.len() > WARNINGS_SHOWN {
        say!(
            out,
            "  Warning: {} more (Gstr2a::warnings)",
            warnings.len() - WARNINGS_SHOWN
        )?;
    }
    Ok(gstr2a)
}

/// Warnings about GSTN's data shown at Step-3 before the rest is cut to a count.
const WARNINGS_SHOWN: usize = 20;

/// Step-4's table of results: match code, flag, supplier, both numbers, value, reasons.
const RESULT_COLUMNS: [Column; 7] = [
    Column::left(8),
    Column::left(4),
    Column::left(15),
    Column::left(16),
    Column::left(16),
    Column::right(12),
    Column::left(0).after(2),
];

/// One result as the cells of [`RESULT_COLUMNS`].
fn result_cells(r: &MatchResult) -> [String; 7] {
    let number = |s: Option<&gstr2_recon::DocSide>| {
        s.map(|s| s.key.number.clone())
            .unwrap_or_else(|| "-".into())
    };
    let value = r
        .counted_side()
        .map(|s| s.value.round_dp(2).to_string())
        .unwrap_or_default();
    let why: Vec<String> = r.reasons.iter().map(reason_name).collect();
    [
        r.code.as_str().to_owned(),
        r.action.as_str().to_owned(),
        r.supplier.to_string(),
        number(r.own.as_ref()),
        number(r.counterparty.as_ref()),
        value,
        why.join(", "),
    ]
}

/// A result's key for a pending mark: the counterparty document's.
fn key_of(r: &MatchResult) -> Option<DocKey> {
    r.counterparty
        .as_ref()
        .or(r.own.as_ref())
        .map(|s| s.key.clone())
}

fn reconcile_now(
    register: &Gstr2Payload,
    gstr2a: &Gstr2a,
    decisions: &Decisions,
    bars: &Bars,
    calls: &std::sync::atomic::AtomicUsize,
) -> Result<Report, FlowError> {
    let inputs = Reconciler::new(register, gstr2a).decisions(decisions);
    let bar = bars.start(0, "Reconciliation");
    let progress = |p: gstr2_recon::Progress| {
        calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        bar.set_length(p.total as u64);
        bar.set_position(p.matched as u64);
    };
    let report = inputs.progress(&progress).run();
    bars.finish();
    report.map_err(|e| FlowError::Amounts(e.to_string()))
}

fn action_of(report: &Report, key: &DocKey) -> Option<ActionFlag> {
    report
        .results
        .iter()
        .find(|r| r.document_keys().any(|k| k == key))
        .map(|r| r.action)
}

/// Step-4: match codes and action flags, then the decisions of [`FlowConfig::decisions`]: the
/// demonstration's (one result marked pending, another marked and unmarked to show the flag
/// coming back), the user's file (`given`, read by [`run`]), or none.
fn step4_accept_reject(
    config: &FlowConfig,
    register: &Gstr2Payload,
    gstr2a: &Gstr2a,
    given: Option<Decisions>,
    bars: &Bars,
    out: &mut dyn Write,
) -> Result<(Report, Decisions, usize), FlowError> {
    say!(out, "\nStep-4: Accept/Reject")?;
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let decisions = Decisions::default();
    let report = reconcile_now(register, gstr2a, &decisions, bars, &calls)?;
    let table = Columns::new(4, &RESULT_COLUMNS);
    table.say(
        out,
        &[
            "match",
            "flag",
            "supplier",
            "purchase",
            "counter party",
            "value",
            "why",
        ],
    )?;
    for r in &report.results {
        table.say(out, &result_cells(r))?;
    }
    let tally = &report.summary.overall;
    let codes: Vec<String> = tally
        .by_code
        .iter()
        .map(|(c, t)| format!("{} {}", c.as_str(), t.count))
        .collect();
    let flags: Vec<String> = tally
        .by_action
        .iter()
        .map(|(a, t)| format!("{} {}", a.as_str(), t.count))
        .collect();
    say!(
        out,
        "  Match codes: {}; action flags: {}",
        codes.join(", "),
        flags.join(", ")
    )?;

    let (report, decisions) = match (&config.decisions, given) {
        (DecisionSource::Demonstration, _) => {
            demonstration_marks(register, gstr2a, report, bars, &calls, out)?
        }
        (DecisionSource::File(path), Some(given)) => {
            users_decisions(register, gstr2a, report, given, path, bars, &calls, out)?
        }
        (DecisionSource::File(path), None) => {
            // `run` reads the file before Step-1; this is the same reading, for a direct call.
            let given = read_decisions(path)?;
            users_decisions(register, gstr2a, report, given, path, bars, &calls, out)?
        }
        (DecisionSource::Computed, _) => {
            say!(
                out,
                "  No decisions given (GSTR2_DECISIONS not set): every result keeps its computed flag."
            )?;
            (report, decisions)
        }
    };
    let path = config.out_dir.join("decisions.json");
    let text = serde_json::to_string_pretty(&decisions).map_err(|e| FlowError::Io {
        what: format!("encoding {}", path.display()),
        source: std::io::Error::other(e.to_string()),
    })?;
    std::fs::write(&path, text + "\n").map_err(|source| FlowError::Io {
        what: format!("writing {}", path.display()),
        source,
    })?;
    let pending: Vec<String> = decisions
        .pending
        .iter()
        .map(|k| format!("{} {}", k.supplier, k.number))
        .collect();
    say!(
        out,
        "  Decisions -> {} (pending: {})",
        path.display(),
        if pending.is_empty() {
            "none".into()
        } else {
            pending.join(", ")
        }
    )?;
    Ok((report, decisions, calls.into_inner()))
}

/// The demo's marks: Pending on the first accepted document, and on the first rejected one,
/// which is then unmarked again.
fn demonstration_marks(
    register: &Gstr2Payload,
    gstr2a: &Gstr2a,
    report: Report,
    bars: &Bars,
    calls: &std::sync::atomic::AtomicUsize,
    out: &mut dyn Write,
) -> Result<(Report, Decisions), FlowError> {
    let mut decisions = Decisions::default();
    let accepted = report
        .results
        .iter()
        .find(|r| r.action == ActionFlag::Accept)
        .and_then(key_of);
    let rejected = report
        .results
        .iter()
        .find(|r| r.action == ActionFlag::Reject)
        .and_then(key_of);
    let mut report = report;
    for key in [&accepted, &rejected].into_iter().flatten() {
        decisions.mark_pending(key.clone());
    }
    if !decisions.is_empty() {
        let before = report;
        report = reconcile_now(register, gstr2a, &decisions, bars, calls)?;
        for key in decisions.pending.iter() {
            let (a, b) = (action_of(&before, key), action_of(&report, key));
            say!(
                out,
                "  Mark Pending {} {}: {} -> {}",
                key.supplier,
                key.number,
                flag(a),
                flag(b)
            )?;
        }
    }
    if let Some(key) = &rejected {
        decisions.unmark_pending(key);
        let before = report;
        report = reconcile_now(register, gstr2a, &decisions, bars, calls)?;
        say!(
            out,
            "  Unmark Pending {} {}: {} -> {}",
            key.supplier,
            key.number,
            flag(action_of(&before, key)),
            flag(action_of(&report, key))
        )?;
    }
    Ok((report, decisions))
}

/// The user's decisions from their file: each pending mark with the flag it changes, each link
/// and unlink, and those that no longer apply (the engine's stale decisions), which are not
/// applied.
#[allow(clippy::too_many_arguments)]
fn users_decisions(
    register: &Gstr2Payload,
    gstr2a: &Gstr2a,
    computed: Report,
    decisions: Decisions,
    path: &Path,
    bars: &Bars,
    calls: &std::sync::atomic::AtomicUsize,
    out: &mut dyn Write,
) -> Result<(Report, Decisions), FlowError> {
    say!(
        out,
        "  Decisions from {}: {} pending, {} linked, {} unlinked",
        path.display(),
        decisions.pending.len(),
        decisions.links.len(),
        decisions.unlinks.len()
    )?;
    if decisions.is_empty() {
        return Ok((computed, decisions));
    }
    let report = reconcile_now(register, gstr2a, &decisions, bars, calls)?;
    let stale = |d: &Decision| report.stale_decisions.iter().any(|s| s.decision == *d);
    for link in &decisions.links {
        if !stale(&Decision::Link { link: link.clone() }) {
            say!(
                out,
                "  Link {} {} with {}: {}",
                link.own.supplier,
                link.own.number,
                link.counterparty.number,
                flag(action_of(&report, &link.own))
            )?;
        }
    }
    for link in &decisions.unlinks {
        if !stale(&Decision::Unlink { link: link.clone() }) {
            say!(
                out,
                "  Unlink {} {} from {}",
                link.own.supplier,
                link.own.number,
                link.counterparty.number
            )?;
        }
    }
    for key in &decisions.pending {
        if !stale(&Decision::Pending { key: key.clone() }) {
            say!(
                out,
                "  Mark Pending {} {}: {} -> {}",
                key.supplier,
                key.number,
                flag(action_of(&computed, key)),
                flag(action_of(&report, key))
            )?;
        }
    }
    for s in &report.stale_decisions {
        say!(out, "  Not applied: {}", describe_stale(s))?;
    }
    Ok((report, decisions))
}

/// A decision that no longer applies, in words: what it was and the engine's reason.
pub(crate) fn describe_stale(s: &StaleDecision) -> String {
    let what = match &s.decision {
        Decision::Pending { key } => format!("pending {} {}", key.supplier, key.number),
        Decision::Link { link } => format!(
            "link {} {} with {}",
            link.own.supplier, link.own.number, link.counterparty.number
        ),
        Decision::Unlink { link } => format!(
            "unlink {} {} from {}",
            link.own.supplier, link.own.number, link.counterparty.number
        ),
        Decision::ImsAction { key, action } => format!(
            "IMS action {} for {} {}",
            action.as_str(),
            key.supplier,
            key.number
        ),
        other => format!("{other:?}"),
    };
    let why = serde_json::to_value(&s.reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{:?}", s.reason));
    format!("{what} ({why})")
}

fn flag(a: Option<ActionFlag>) -> &'static str {
    a.map_or("?", ActionFlag::as_str)
}

/// Step-5: save new/modified and deleted documents, each chunk polled to its final status.
#[allow(clippy::too_many_arguments)]
async fn step5_save(
    config: &FlowConfig,
    client: &GstnClient,
    step2: &Step2,
    gstr2a: &Gstr2a,
    report: &Report,
    decisions: &Decisions,
    bars: &Bars,
    otps: &mut Otps,
    out: &mut dyn Write,
) -> Result<(SavePayloads, SaveReport), FlowError> {
    say!(out, "\nStep-5: Save To GSTN")?;
    let inputs = Reconciler::new(&step2.register, gstr2a)
        .decisions(decisions)
        .previously_saved(step2.saved.as_ref());
    let payloads = inputs
        .save_payloads(report)
        .map_err(|e| FlowError::Payload(e.to_string()))?;
    say!(out, "  Payloads generated again with the flags of Step-4:")?;
    write_payloads(config, &payloads, out)?;
    if config.confirm == Confirm::Ask {
        confirm_step(
            config.confirm,
            otps,
            out,
            &save_plan(config, &payloads)?,
            "Save these to GSTN?",
            "Step-5 save to GSTN",
            "nothing was saved to GSTN",
        )?;
    }
    let mut saves = Vec::new();
    for (name, payload) in [
        ("New/Modify", &payloads.upsert),
        ("Delete", &payloads.delete),
    ] {
        if payload.is_empty() {
            say!(out, "  {name}: nothing to save")?;
            continue;
        }
        bars.start(0, name);
        let saved = client.save(payload).await;
        bars.finish();
        let saved = saved.map_err(gstn("Step-5 save to GSTN"))?;
        for (i, chunk) in saved.chunks.iter().enumerate() {
            say!(
                out,
                "  {name} chunk {}/{}: {}, reference {}, status {}",
                i + 1,
                saved.chunks.len(),
                docs(chunk.documents),
                chunk.reference_id,
                chunk.status
            )?;
        }
        if !saved.is_clean() {
            return Err(FlowError::SaveFailures(saved.failures()));
        }
        say!(out, "  Success: {name} saved ({})", docs(saved.documents()))?;
        saves.push(saved);
    }
    let save = saves
        .into_iter()
        .next()
        .unwrap_or(SaveReport { chunks: Vec::new() });
    Ok((payloads, save))
}

/// Step-6: GSTN's summary, compared with the local one; the flow stops if they differ.
async fn step6_download_summary(
    config: &FlowConfig,
    client: &GstnClient,
    payloads: &SavePayloads,
    saved: Option<&Gstr2Payload>,
    out: &mut dyn Write,
) -> Result<Gstr2Summary, FlowError> {
    say!(out, "\nStep-6: Download Summary")?;
    let downloaded = client
        .summary(config.period)
        .await
        .map_err(gstn("Step-6 download summary"))?;
    let local = local_summary(payloads, saved).map_err(|e| FlowError::Amounts(e.to_string()))?;
    write_json(&config.out_dir.join("summary-gstn.json"), &downloaded)?;
    write_json(&config.out_dir.join("summary-local.json"), &local)?;
    print_summary(out, "Summary (downloaded)", &downloaded)?;
    let differences = compare_summaries(&local, &downloaded);
    if !differences.is_empty() {
        print_summary(out, "Summary (local)", &local)?;
        return Err(FlowError::SummaryDiffers(differences));
    }
    say!(
        out,
        "  The downloaded summary is the same as the local one ({} sections).",
        local.sections.len()
    )?;
    Ok(downloaded)
}

/// Step-7: submit.
async fn step7_submit(
    config: &FlowConfig,
    client: &GstnClient,
    otps: &mut Otps,
    out: &mut dyn Write,
) -> Result<(), FlowError> {
    say!(out, "\nStep-7: Submit")?;
    confirm_step(
        config.confirm,
        otps,
        out,
        &[format!(
            "  Submitting freezes the return of {} for {}: GSTN takes no more saves for it.",
            config.gstin, config.period
        )],
        "Submit the return to GSTN?",
        "Step-7 submit",
        "the return is saved at GSTN but not submitted",
    )?;
    match client
        .submit(config.period)
        .await
        .map_err(gstn("Step-7 submit"))?
    {
        Some(reference) => say!(out, "  Submitted (reference {reference})"),
        None => say!(
            out,
            "  Submitted (GSTN reports the return already submitted)"
        ),
    }
}

/// Step-8: file with EVC and answer the acknowledgement number.
async fn step8_file(
    config: &FlowConfig,
    client: &GstnClient,
    summary: &Gstr2Summary,
    otps: &mut Otps,
    out: &mut dyn Write,
) -> Result<String, FlowError> {
    say!(out, "\nStep-8: File")?;
    confirm_step(
        config.confirm,
        otps,
        out,
        &[format!(
            "  Filing the return of {} for {} with EVC (PAN {}), on the summary of Step-6 \
             ({} sections), is final.",
            config.gstin,
            config.period,
            config.pan,
            summary.sections.len()
        )],
        "File the return with GSTN?",
        "Step-8 file",
        "the return is submitted at GSTN but not filed",
    )?;
    client
        .request_evc_otp(&config.pan)
        .await
        .map_err(gstn("Step-8 file"))?;
    say!(
        out,
        "  EVC OTP sent to the authorised signatory (PAN {}).",
        config.pan
    )?;
    let otp = otps.next("EVC", out)?;
    let ack = client
        .file_with_evc(config.period, &config.pan, &otp, summary)
        .await
        .map_err(gstn("Step-8 file"))?;
    say!(out, "  Filed. Acknowledgement number: {ack}")?;
    Ok(ack)
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
        ip_usr: connection.ip_usr,
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

/// The embedded sandbox's settings for the demo: GSTR2A sections of more than 4 documents go
/// through GSTN's large-file flow (a token, `FILEDET`, `.tar.gz` files of 2 documents), so that
/// the download shows its progress as a large one would.
pub fn demo_sandbox_config() -> SandboxConfig {
    SandboxConfig::default().with_large_files(4, 2, std::time::Duration::from_millis(300))
}

/// Where the demo's sandbox keeps its key pair and sessions across runs: `sandbox/` in the
/// output folder (`target/gstr2-demo/sandbox/`). A token the first run obtained is then still
/// known to the sandbox of the next run, which prints "Existing token" without an OTP. It holds
/// the sandbox's session secrets; deleting it makes the next run log in with an OTP again.
pub fn demo_state_dir(out_dir: &Path) -> PathBuf {
    out_dir.join("sandbox")
}

/// The embedded sandbox, seeded with `examples/data/gstr2a.json` for the demo GSTIN and period,
/// and holding what an earlier session saved: the register as it was then, with an invoice the
/// taxpayer has since deleted.
pub async fn start_demo_sandbox(sandbox: SandboxConfig) -> Result<SandboxHandle, FlowError> {
    let handle = gstn_sandbox::spawn(sandbox)
        .await
        .map_err(|e| FlowError::Config(format!("starting the sandbox: {e}")))?;
    let gstin: Gstin = DEMO_GSTIN
        .parse()
        .map_err(|e| FlowError::Config(format!("{e}")))?;
    let period: ReturnPeriod = DEMO_PERIOD
        .parse()
        .map_err(|e| FlowError::Config(format!("{e}")))?;
    let path = sample_data_dir().join("gstr2a.json");
    let text = std::fs::read_to_string(&path).map_err(|source| FlowError::Io {
        what: format!("reading {}", path.display()),
        source,
    })?;
    let gstr2a: Gstr2a =
        json::from_str(&text).map_err(|e| FlowError::Config(format!("{}: {e}", path.display())))?;
    handle.seed_gstr2a(gstin, period, gstr2a);

    // The earlier session, on a client of its own that keeps its token in memory.
    let earlier = GstnClient::builder()
        .base_url(handle.base_url())
        .client_id(gstn_sandbox::config::DEFAULT_CLIENT_ID)
        .client_secret(gstn_sandbox::config::DEFAULT_CLIENT_SECRET)
        .gstin(gstin)
        .username("earlier_session")
        .ip_usr("127.0.0.1")
        .certificate_pem(handle.certificate_pem())
        .poll_policy(PollPolicy::fast())
        .build()
        .map_err(gstn("sandbox setup"))?;
    earlier.request_otp().await.map_err(gstn("sandbox setup"))?;
    let otp = Otp::new(handle.state().config().otp.clone())
        .map_err(|e| FlowError::Config(format!("{e}")))?;
    earlier
        .authenticate(&otp)
        .await
        .map_err(gstn("sandbox setup"))?;
    let saved_earlier: Gstr2Payload =
        json::from_str(EARLIER_SAVE).map_err(|e| FlowError::Config(format!("{e}")))?;
    let report = earlier
        .save(&saved_earlier)
        .await
        .map_err(gstn("sandbox setup"))?;
    if !report.is_clean() {
        return Err(FlowError::SaveFailures(report.failures()));
    }
    earlier.logout().await.map_err(gstn("sandbox setup"))?;
    Ok(handle)
}

/// What the earlier session saved: two invoices of Tirupati Plastics, one of which was since
/// cancelled and deleted from the register (so Step-2 has a document to delete).
const EARLIER_SAVE: &str = r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017",
  "b2b":[{"ctin":"27AABCT3518Q1ZW","inv":[
    {"inum":"TPL/2017/298","idt":"03-07-2017","val":11800.00,"pos":"27","rchrg":"N","inv_typ":"R",
     "itms":[{"num":1,"itm_det":{"rt":18,"txval":10000.00,"camt":900.00,"samt":900.00,"csamt":0.00},
              "itc":{"elg":"ip","tx_c":900.00,"tx_s":900.00}}]},
    {"inum":"TPL/2017/311","idt":"31-07-2017","val":59000.00,"pos":"27","rchrg":"N","inv_typ":"R",
     "itms":[{"num":1,"itm_det":{"rt":18,"txval":50000.00,"camt":4500.00,"samt":4500.00,"csamt":0.00},
              "itc":{"elg":"cp","tx_c":4500.00,"tx_s":4500.00}}]}]}]}"#;

/// The settings for the embedded sandbox.
pub fn demo_config(
    sandbox: &SandboxHandle,
    out_dir: PathBuf,
    token_file: PathBuf,
) -> Result<FlowConfig, FlowError> {
    let config = sandbox.state().config();
    Ok(FlowConfig {
        base_url: sandbox.base_url(),
        client_id: config.client_id.clone(),
        client_secret: config.client_secret.clone(),
        username: "asp_user".into(),
        gstin: DEMO_GSTIN
            .parse()
            .map_err(|e| FlowError::Config(format!("{e}")))?,
        pan: DEMO_PAN.into(),
        period: DEMO_PERIOD
            .parse()
            .map_err(|e| FlowError::Config(format!("{e}")))?,
        certificate: Certificate::Pem(sandbox.certificate_pem()),
        ip_usr: "127.0.0.1".into(),
        data_dir: sample_data_dir(),
        out_dir,
        token_file,
        chunk_limit: Some(DEMO_CHUNK_LIMIT),
        poll: PollPolicy::fast(),
        show_progress: false,
        decisions: DecisionSource::Demonstration,
        confirm: Confirm::Assume,
    })
}

/// The OTPs the embedded sandbox "sends".
pub fn demo_otps(sandbox: &SandboxHandle) -> Otps {
    let config = sandbox.state().config();
    Otps::Known {
        login: config.otp.clone(),
        evc: config.evc_otp.clone(),
    }
}
