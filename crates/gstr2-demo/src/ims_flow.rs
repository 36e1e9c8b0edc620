//! Today's purchase-side workflow (GSTR-2B and IMS, Steps 1 to 7) on the public API of gstr2,
//! shared by the `ims_flow` example and the end-to-end tests of `tests/it/`.
//!
//! 1. connect (the login OTP, or "Existing token" from the token file);
//! 2. download the IMS records: the counts by section and action (`GETCNT`), then every record
//!    (`GETINV` per section);
//! 3. load the purchase register (the seed's CSV folder);
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

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use gstn_client::{GstnClient, Gstr2bGeneration, ImsSaveReport, PollPolicy, IMS_SECTIONS};
use gstn_sandbox::{SandboxConfig, SandboxHandle};
use gstr2_model::codes::ImsAction;
use gstr2_model::gstr2b::{Gstr2b, ItcNode};
use gstr2_model::ims::{ImsRecords, ImsSaveRequest};
use gstr2_model::{csv, Gstin, Gstr2Payload, ReturnPeriod, Table, TaxAmounts};
use gstr2_recon::ims::{ExpectedItc, ImsActions, RecordRef};
use gstr2_recon::{Decision, Decisions, DocKey, MatchResult, Reconciler, Report, Source};
use rust_decimal::Decimal;

use crate::connect::{connect, Connection, Env, Probe};
use crate::error::{describe_itc_difference, gstn, FlowError};
use crate::flow::{describe_stale, read_decisions_of};
use crate::present::{
    amount, confirm_step, count, create_dir, docs, reason_name, say, write_json, Bars, Column,
    Columns, Confirm, Otps,
};
use crate::sample::{sample_data_dir, workspace_root, DEMO_GSTIN, DEMO_PERIOD};

/// Everything the IMS flow needs to know.
#[derive(Clone)]
pub struct ImsFlowConfig {
    /// The session: base URL, credentials, the taxpayer's GSTIN, certificate, token file.
    pub connection: Connection,
    /// The GSTR-2B period (`MMYYYY`), which is also the period of the register's documents.
    pub period: ReturnPeriod,
    /// The purchase register, a folder of the seed's CSV files.
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

/// The action words of GETCNT, in its order: No action, Accepted, Rejected, Pending.
const ACTIONS: [ImsAction; 4] = [
    ImsAction::NoAction,
    ImsAction::Accept,
    ImsAction::Reject,
    ImsAction::Pending,
];

/// Step-2's tables: section, the four actions, all.
const COUNT_COLUMNS: [Column; 6] = [
    Column::left(8),
    Column::right(9),
    Column::right(8),
    Column::right(8),
    Column::right(7),
    Column::right(5),
];

/// Step-2: the counts at GSTN, then every record, counted again by section and action.
async fn step2_download_ims(
    config: &ImsFlowConfig,
    client: &GstnClient,
    bars: &Bars,
    out: &mut dyn Write,
) -> Result<ImsRecords, FlowError> {
    say!(out, "\nStep-2: Download IMS records")?;
    let counts = client
        .ims_counts()
        .await
        .map_err(gstn("Step-2 download IMS records"))?;
    write_json(&config.out_dir.join("ims-counts.json"), &counts)?;
    let table = Columns::new(4, &COUNT_COLUMNS);
    let header = [
        "section",
        "no action",
        "accepted",
        "rejected",
        "pending",
        "all",
    ];
    say!(out, "  Records at GSTN by action (GETCNT):")?;
    table.say(out, &header)?;
    if let Some(others) = counts.others() {
        for (section, c) in &others.sections {
            let cells = [c.no_action, c.accepted, c.rejected, c.pending, c.total()];
            table.say(out, &row(section, cells))?;
        }
    }

    bars.start(IMS_SECTIONS.len() as u64, "IMS download");
    let downloaded = client.download_ims().await;
    bars.finish();
    let ims = downloaded.map_err(gstn("Step-2 download IMS records"))?;
    let path = config.out_dir.join("ims.json");
    write_json(&path, &ims)?;
    say!(
        out,
        "  Success: {} downloaded (GETINV, {} sections) -> {}",
        count(ims.document_count(), "record", "records"),
        IMS_SECTIONS.len(),
        path.display()
    )?;
    table.say(out, &header)?;
    let mut by_section: BTreeMap<&str, [u64; 5]> = BTreeMap::new();
    for (section, action) in current_actions(&ims) {
        let cells = by_section.entry(section).or_default();
        if let Some(at) = ACTIONS.iter().position(|a| *a == action) {
            cells[at] += 1;
        }
        cells[4] += 1;
    }
    for (section, cells) in by_section {
        table.say(out, &row(section, cells))?;
    }
    // What is odd in GSTN's records was read and kept; the user sees where.
    for w in ims.warnings() {
        say!(out, "  Warning: {w}")?;
    }
    Ok(ims)
}

/// A row of Step-2's tables.
fn row(section: &str, cells: [u64; 5]) -> [String; 6] {
    let [a, b, c, d, e] = cells.map(|n| n.to_string());
    [section.to_owned(), a, b, c, d, e]
}

/// Every record's section and the action GSTN reported.
fn current_actions(ims: &ImsRecords) -> Vec<(&'static str, ImsAction)> {
    let mut all = Vec::with_capacity(ims.document_count());
    macro_rules! each {
        ($($field:ident),*) => {$(
            all.extend(ims.$field.iter().map(|r| (stringify!($field), r.action())));
        )*};
    }
    each!(b2b, b2ba, b2bcn, b2bcna, b2bdn, b2bdna, ecom, ecoma);
    all
}

/// The action GSTN reported for the record at `at`.
fn current_action(ims: &ImsRecords, at: RecordRef) -> Option<ImsAction> {
    match at.section {
        "b2b" => ims.b2b.get(at.index).map(|r| r.action()),
        "b2ba" => ims.b2ba.get(at.index).map(|r| r.action()),
        "b2bcn" => ims.b2bcn.get(at.index).map(|r| r.action()),
        "b2bcna" => ims.b2bcna.get(at.index).map(|r| r.action()),
        "b2bdn" => ims.b2bdn.get(at.index).map(|r| r.action()),
        "b2bdna" => ims.b2bdna.get(at.index).map(|r| r.action()),
        "ecom" => ims.ecom.get(at.index).map(|r| r.action()),
        "ecoma" => ims.ecoma.get(at.index).map(|r| r.action()),
        _ => None,
    }
}

/// Step-3: the purchase register of the period.
fn step3_load_register(
    config: &ImsFlowConfig,
    out: &mut dyn Write,
) -> Result<Gstr2Payload, FlowError> {
    say!(out, "\nStep-3: Load the purchase register")?;
    let register = csv::read_dir(&config.data_dir, config.connection.gstin, config.period)
        .map_err(|e| FlowError::Register(format!("{}: {e}", config.data_dir.display())))?;
    let reconciled: usize = [Table::B2b, Table::B2ba, Table::Cdn, Table::Cdna]
        .iter()
        .map(|t| register.document_count(*t))
        .sum();
    say!(
        out,
        "  Purchase register {}: {} in {} tables; {} of registered suppliers (B2B, B2BA, CDN, \
         CDNA) to reconcile with IMS",
        config.data_dir.display(),
        docs(register.total_documents()),
        Table::ALL
            .iter()
            .filter(|t| register.document_count(**t) > 0)
            .count(),
        docs(reconciled)
    )?;
    Ok(register)
}

/// Step-4's table: IMS section, supplier, both numbers, match code, the action now and the one
/// recommended, the reasons.
const RESULT_COLUMNS: [Column; 8] = [
    Column::left(6),
    Column::left(15),
    Column::left(16),
    Column::left(16),
    Column::left(8),
    Column::left(3),
    Column::left(2),
    Column::left(0).after(2),
];

/// A result's IMS record and its action at GSTN, if it has a record.
fn record_of(
    reconciler: &Reconciler<'_>,
    ims: &ImsRecords,
    r: &MatchResult,
) -> Option<(RecordRef, ImsAction)> {
    let actions = reconciler.ims_actions(std::slice::from_ref(r));
    let (at, _) = actions.actions.first()?;
    Some((*at, current_action(ims, *at)?))
}

/// Step-4: the reconciliation, every result with the action now and the one recommended, and
/// the user's decisions with what each changes. Answers the actions to put to IMS.
fn step4_recommend(
    config: &ImsFlowConfig,
    reconciler: &Reconciler<'_>,
    out: &mut dyn Write,
) -> Result<ImsActions, FlowError> {
    say!(out, "\nStep-4: Reconcile and recommend IMS actions")?;
    let Source::Ims(ims) = reconciler.source() else {
        return Err(FlowError::Config("the IMS flow reconciles with IMS".into()));
    };
    let report = reconciler
        .run()
        .map_err(|e| FlowError::Amounts(e.to_string()))?;
    let table = Columns::new(4, &RESULT_COLUMNS);
    table.say(
        out,
        &[
            "in", "supplier", "books", "IMS", "match", "now", "to", "why",
        ],
    )?;
    let number = |s: Option<&gstr2_recon::DocSide>| {
        s.map_or_else(|| "-".to_owned(), |s| s.key.number.clone())
    };
    let mut changes: BTreeMap<(String, String), usize> = BTreeMap::new();
    let (mut unchanged, mut missing, mut none) = (0, 0, 0);
    for r in &report.results {
        let record = record_of(reconciler, ims, r);
        let now = record.as_ref().map(|(_, a)| a.clone());
        match (&now, &r.ims_action) {
            (Some(now), Some(to)) if now == to => unchanged += 1,
            (Some(now), Some(to)) => {
                *changes
                    .entry((now.as_str().to_owned(), to.as_str().to_owned()))
                    .or_default() += 1
            }
            (None, _) if r.counterparty.is_none() => missing += 1,
            _ => none += 1,
        }
        let section = record.map_or_else(
            || r.own.as_ref().map_or("-", |s| s.section.as_str()),
            |(at, _)| at.section,
        );
        let why: Vec<String> = r.ims_reasons.iter().map(reason_name).collect();
        table.say(
            out,
            &[
                section.to_owned(),
                r.supplier.to_string(),
                number(r.own.as_ref()),
                number(r.counterparty.as_ref()),
                r.code.as_str().to_owned(),
                now.as_ref().map_or("-", |a| a.as_str()).to_owned(),
                r.ims_action.as_ref().map_or("-", |a| a.as_str()).to_owned(),
                why.join(", "),
            ],
        )?;
    }
    let changes: Vec<String> = changes
        .iter()
        .map(|((from, to), n)| format!("{from} -> {to} {n}"))
        .collect();
    say!(
        out,
        "  To change: {}; unchanged: {unchanged}; missing in IMS (in the books only: follow up \
         with the supplier): {missing}; no IMS action (never in IMS): {none}",
        if changes.is_empty() {
            "none".to_owned()
        } else {
            changes.join(", ")
        }
    )?;
    users_decisions(config, reconciler, &report, out)?;
    write_json(&config.out_dir.join("results.json"), &report)?;
    write_json(
        &config.out_dir.join("decisions.json"),
        reconciler.decisions_applied(),
    )?;
    Ok(reconciler.ims_actions(&report.results))
}

/// The user's decisions, each with the action the policy recommended and the one decided, and
/// those that no longer apply (the engine's stale decisions), which are not applied.
fn users_decisions(
    config: &ImsFlowConfig,
    reconciler: &Reconciler<'_>,
    report: &Report,
    out: &mut dyn Write,
) -> Result<(), FlowError> {
    let decisions = reconciler.decisions_applied();
    let Some(path) = &config.decisions else {
        return say!(
            out,
            "  No decisions given (GSTR2_DECISIONS not set): every record takes the recommended \
             action."
        );
    };
    say!(
        out,
        "  Decisions from {}: {} IMS actions, {} linked, {} unlinked",
        path.display(),
        decisions.ims_actions.len(),
        decisions.links.len(),
        decisions.unlinks.len()
    )?;
    let none = Decisions::default();
    let policy = Reconciler::new(reconciler.register(), reconciler.source())
        .decisions(&none)
        .run()
        .map_err(|e| FlowError::Amounts(e.to_string()))?;
    let action_of = |report: &Report, key: &DocKey| {
        report
            .results
            .iter()
            .find(|r| r.document_keys().any(|k| k == key))
            .and_then(|r| r.ims_action.as_ref())
            .map_or("-", |a| a.as_str())
            .to_owned()
    };
    for (key, action) in &decisions.ims_actions {
        let decision = Decision::ImsAction {
            key: key.clone(),
            action: action.clone(),
        };
        if report
            .stale_decisions
            .iter()
            .any(|s| s.decision == decision)
        {
            continue;
        }
        say!(
            out,
            "  Decided {} for {} {}: {} -> {}",
            action.as_str(),
            key.supplier,
            key.number,
            action_of(&policy, key),
            action_of(report, key)
        )?;
    }
    for s in &report.stale_decisions {
        say!(out, "  Not applied: {}", describe_stale(s))?;
    }
    Ok(())
}

/// One record of a SAVE or RESET body, as named before it is sent.
struct Outgoing {
    section: String,
    supplier: String,
    number: String,
    prev_status: String,
    action: String,
    itc_reduction: Option<String>,
}

/// The records of a body, section by section, read from its wire form (`invdata`), where every
/// section names its records with the same keys.
fn outgoing(body: &ImsSaveRequest) -> Result<Vec<Outgoing>, FlowError> {
    let value = serde_json::to_value(&body.records).map_err(|e| FlowError::Io {
        what: "encoding the IMS body".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let text = |v: &serde_json::Value, keys: &[&str]| {
        keys.iter()
            .find_map(|k| v.get(*k).and_then(|v| v.as_str()))
            .map(str::to_owned)
    };
    let mut records = Vec::new();
    if let Some(sections) = value.as_object() {
        for (section, list) in sections {
            for r in list.as_array().into_iter().flatten() {
                records.push(Outgoing {
                    section: section.clone(),
                    supplier: text(r, &["stin"]).unwrap_or_default(),
                    number: text(r, &["inum", "nt_num"]).unwrap_or_default(),
                    prev_status: text(r, &["prev_status"]).unwrap_or_else(|| "-".into()),
                    action: text(r, &["action"]).unwrap_or_else(|| "N".into()),
                    itc_reduction: text(r, &["itcRedReq"]),
                });
            }
        }
    }
    Ok(records)
}

/// What a body will send, for the lines before it is sent: every record with its change.
fn body_lines(name: &str, body: &ImsSaveRequest, path: &Path) -> Result<Vec<String>, FlowError> {
    let records = outgoing(body)?;
    let mut lines = vec![format!(
        "  {name} for {}: {} -> {}",
        body.recipient_gstin,
        count(records.len(), "record", "records"),
        path.display()
    )];
    let table = Columns::new(
        4,
        &[
            Column::left(6),
            Column::left(15),
            Column::left(16),
            Column::left(0),
        ],
    );
    for r in records {
        let itc = r
            .itc_reduction
            .map(|f| format!(" (itcRedReq {f})"))
            .unwrap_or_default();
        lines.push(table.line(&[
            r.section,
            r.supplier,
            r.number,
            format!("{} -> {}{itc}", r.prev_status, r.action),
        ]));
    }
    Ok(lines)
}

/// Step-5: the SAVE of the actions that change and the RESET of those going back to No action,
/// each polled to its end; refused records stop the flow, each with what to do.
async fn step5_save_actions(
    config: &ImsFlowConfig,
    client: &GstnClient,
    reconciler: &Reconciler<'_>,
    actions: &ImsActions,
    bars: &Bars,
    otps: &mut Otps,
    out: &mut dyn Write,
) -> Result<(Option<ImsSaveReport>, Option<ImsSaveReport>), FlowError> {
    say!(out, "\nStep-5: Save the IMS actions")?;
    let bodies = reconciler.ims_bodies(actions);
    let (save, reset) = bodies.map_or((None, None), |b| (b.save, b.reset));
    let mut plan = Vec::new();
    for (name, body, file) in [
        ("SAVE", &save, "ims-save.json"),
        ("RESETIMS", &reset, "ims-reset.json"),
    ] {
        let path = config.out_dir.join(file);
        match body {
            Some(body) => {
                write_json(&path, body)?;
                plan.extend(body_lines(name, body, &path)?);
            }
            // No earlier run's body is left behind.
            None => remove_file(&path)?,
        }
    }
    if save.is_none() && reset.is_none() {
        say!(
            out,
            "  Nothing to save: every record already has its action at GSTN."
        )?;
        return Ok((None, None));
    }
    if config.confirm == Confirm::Ask {
        plan.insert(
            0,
            format!(
                "  To be sent to GSTN for {} (only the records whose action changes, each with \
                 the action GSTN reported as prev_status):",
                config.connection.gstin
            ),
        );
    } else {
        for line in &plan {
            say!(out, "{line}")?;
        }
    }
    confirm_step(
        config.confirm,
        otps,
        out,
        &plan,
        "Save these IMS actions to GSTN?",
        "Step-5 save the IMS actions",
        "no IMS action was saved to GSTN",
    )?;
    let mut reports = [None, None];
    for (slot, (name, body)) in reports
        .iter_mut()
        .zip([("SAVE", &save), ("RESETIMS", &reset)])
    {
        let Some(body) = body else { continue };
        bars.start(0, name);
        let sent = client.save_ims(body).await;
        bars.finish();
        let report = sent.map_err(gstn("Step-5 save the IMS actions"))?;
        for (i, request) in report.requests.iter().enumerate() {
            let status = &request.status;
            say!(
                out,
                "  {name} request {}/{}: {}, reference {}, REQSTS {} (processed {}, errors {})",
                i + 1,
                report.requests.len(),
                count(request.records, "record", "records"),
                request.reference_id,
                status.status.as_str(),
                status.processed_count.unwrap_or_default(),
                status.error_count.unwrap_or_default()
            )?;
        }
        for r in &report.already_applied {
            say!(
                out,
                "  Already applied at GSTN (by an earlier copy of the request): {}[{}] {} {}",
                r.section,
                r.index,
                r.supplier_gstin,
                r.number
            )?;
        }
        for f in &report.failures {
            say!(out, "  Refused: {f}")?;
        }
        if !report.is_clean() {
            return Err(FlowError::ImsRefused(report.failures));
        }
        say!(
            out,
            "  Success: {name} applied ({})",
            count(report.applied(), "record", "records")
        )?;
        *slot = Some(report);
    }
    let [saved, reset] = reports;
    Ok((saved, reset))
}

fn remove_file(path: &Path) -> Result<(), FlowError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(FlowError::Io {
            what: format!("removing {}", path.display()),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Step-6's table: part, section, whose, the four heads.
const ITC_COLUMNS: [Column; 7] = [
    Column::left(11),
    Column::left(7),
    Column::left(10),
    Column::right(12),
    Column::right(12),
    Column::right(12),
    Column::right(10),
];

/// The four heads of `tax`, to two places.
fn heads(tax: &TaxAmounts) -> [String; 4] {
    [tax.igst, tax.cgst, tax.sgst, tax.cess].map(amount)
}

/// The ITC of a GSTR-2B in the shape of [`ExpectedItc`]: `nonrevsup` per section, of ITC
/// available and ITC rejected.
fn itc_of(gstr2b: &Gstr2b) -> ExpectedItc {
    let part = |node: Option<&ItcNode>| {
        node.and_then(|n| n.child("nonrevsup"))
            .map(|n| {
                n.children
                    .iter()
                    .map(|(k, v)| (k.clone(), v.tax()))
                    .collect()
            })
            .unwrap_or_default()
    };
    ExpectedItc {
        available: part(gstr2b.itc_available()),
        rejected: part(gstr2b.itc_rejected()),
    }
}

/// Step-6: GEN2B polled to its end, the GSTR-2B downloaded, and its ITC compared with the ITC
/// the actions give; a difference stops the flow, naming every head that differs.
async fn step6_regenerate_gstr2b(
    config: &ImsFlowConfig,
    client: &GstnClient,
    reconciler: &Reconciler<'_>,
    actions: &ImsActions,
    bars: &Bars,
    out: &mut dyn Write,
) -> Result<(Gstr2bGeneration, Gstr2b, ExpectedItc), FlowError> {
    const STEP: &str = "Step-6 regenerate GSTR-2B";
    say!(out, "\nStep-6: Regenerate GSTR-2B and compare its ITC")?;
    let generation = client
        .generate_gstr2b(config.period)
        .await
        .map_err(gstn(STEP))?;
    match &generation {
        Gstr2bGeneration::Generated { reference_id } => say!(
            out,
            "  GEN2B {}: generated (reference {reference_id}, GENSTS2B P)",
            config.period
        )?,
        Gstr2bGeneration::Unchanged { message } => say!(
            out,
            "  GEN2B {}: nothing changed since the last generation (IMS2005: {message})",
            config.period
        )?,
        other => say!(out, "  GEN2B {}: {other:?}", config.period)?,
    }
    bars.start(0, "GSTR-2B download");
    let downloaded = client.gstr2b(config.period).await;
    bars.finish();
    let gstr2b = downloaded.map_err(gstn(STEP))?;
    let path = config.out_dir.join("gstr2b.json");
    write_json(&path, &gstr2b.answer())?;
    say!(
        out,
        "  GSTR-2B of {} downloaded (generated {}): {} with ITC available, {} rejected -> {}",
        config.period,
        gstr2b.generated_on.as_deref().unwrap_or("-"),
        docs(gstr2b.documents.document_count()),
        docs(gstr2b.rejected.document_count()),
        path.display()
    )?;
    for w in gstr2b.warnings() {
        say!(out, "  Warning: {w}")?;
    }

    let expected = reconciler
        .expected_itc(actions)
        .ok_or_else(|| FlowError::Config("the IMS flow reconciles with IMS".into()))?
        .map_err(|e| FlowError::Amounts(e.to_string()))?;
    let downloaded = itc_of(&gstr2b);
    write_json(&config.out_dir.join("itc-expected.json"), &expected)?;
    write_json(&config.out_dir.join("itc-gstr2b.json"), &downloaded)?;
    let differences = expected.compare(&gstr2b, ITC_TOLERANCE);
    write_json(&config.out_dir.join("itc-differences.json"), &differences)?;

    say!(
        out,
        "  ITC of itcsumm.nonrevsup, expected from the actions and in GSTR-2B:"
    )?;
    let table = Columns::new(4, &ITC_COLUMNS);
    table.say(
        out,
        &["part", "section", "", "igst", "cgst", "sgst", "cess"],
    )?;
    for (part, mine, theirs) in [
        ("itcavl", &expected.available, &downloaded.available),
        ("itcRejected", &expected.rejected, &downloaded.rejected),
    ] {
        let sections: std::collections::BTreeSet<&String> =
            mine.keys().chain(theirs.keys()).collect();
        for section in sections {
            for (whose, tax) in [
                ("expected", mine.get(section)),
                ("GSTR-2B", theirs.get(section)),
            ] {
                let [igst, cgst, sgst, cess] = heads(&tax.copied().unwrap_or_default());
                table.say(out, &[part, section, whose, &igst, &cgst, &sgst, &cess])?;
            }
        }
    }
    if !differences.is_empty() {
        for d in &differences {
            say!(out, "  Differs: {}", describe_itc_difference(d))?;
        }
        return Err(FlowError::ItcDiffers(differences));
    }
    say!(
        out,
        "  The ITC of GSTR-2B is the expected one, head by head (within Rs {ITC_TOLERANCE})."
    )?;
    Ok((generation, gstr2b, expected))
}

/// The GSTR-3B row a node of `itcsumm.itcavl` goes to.
fn table4_row(key: &str) -> &'static str {
    match key {
        "imports" => "4(A)(1) import of goods",
        "revsup" => "4(A)(3) inward supplies liable to reverse charge",
        "isdsup" => "4(A)(4) inward supplies from ISD",
        "nonrevsup" => "4(A)(5) all other ITC",
        _ => "",
    }
}

/// Step-7's table: node, what, the four heads.
const TABLE4_COLUMNS: [Column; 6] = [
    Column::left(14),
    Column::left(48),
    Column::right(12),
    Column::right(12),
    Column::right(12),
    Column::right(10),
];

/// Step-7: what GSTR-3B Table 4 takes from the GSTR-2B: ITC available by 3B row and section,
/// head by head; the ITC rejected in IMS, which it does not take.
fn step7_gstr3b_table4(gstr2b: &Gstr2b, out: &mut dyn Write) -> Result<(), FlowError> {
    say!(out, "\nStep-7: What GSTR-3B Table 4 takes from GSTR-2B")?;
    let table = Columns::new(4, &TABLE4_COLUMNS);
    let lines = |node: Option<&ItcNode>,
                 row_of: &dyn Fn(&str) -> &'static str,
                 out: &mut dyn Write|
     -> Result<usize, FlowError> {
        let Some(node) = node else { return Ok(0) };
        table.say(out, &["itcsumm", "GSTR-3B", "igst", "cgst", "sgst", "cess"])?;
        for (key, child) in &node.children {
            let [igst, cgst, sgst, cess] = heads(&child.tax());
            table.say(out, &[key, row_of(key), &igst, &cgst, &sgst, &cess])?;
            for (section, grandchild) in &child.children {
                let [igst, cgst, sgst, cess] = heads(&grandchild.tax());
                table.say(
                    out,
                    &[&format!("  {section}"), "", &igst, &cgst, &sgst, &cess],
                )?;
            }
        }
        Ok(node.children.len())
    };
    say!(out, "  ITC available (itcsumm.itcavl), into Table 4(A):")?;
    if lines(gstr2b.itc_available(), &table4_row, out)? == 0 {
        say!(out, "    none")?;
    }
    say!(
        out,
        "  ITC rejected in IMS (itcsumm.itcRejected): not taken in Table 4"
    )?;
    if lines(gstr2b.itc_rejected(), &|_| "", out)? == 0 {
        say!(out, "    none")?;
    }
    if let Some(node) = gstr2b.itc_unavailable() {
        say!(
            out,
            "  ITC not available (itcsumm.itcunavl), into Table 4(D)(2):"
        )?;
        lines(Some(node), &|_| "", out)?;
    }
    if let Some(node) = gstr2b.itc_reversal() {
        say!(
            out,
            "  ITC to be reversed (itcsumm.itcrev), into Table 4(B):"
        )?;
        lines(Some(node), &|_| "", out)?;
    }
    Ok(())
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

/// The demo's IMS records: `examples/data/ims.json`, made for the sample register so that every
/// case of the policy comes up.
pub fn demo_ims_file() -> PathBuf {
    sample_data_dir().join("ims.json")
}

/// The embedded sandbox's settings for the demo: its IMS seeded from [`demo_ims_file`], and
/// GSTR-2B in parts of 4 documents, queued a moment after GEN2B, so that the download shows
/// GSTN's paged and queued answers.
pub fn demo_sandbox_config() -> SandboxConfig {
    SandboxConfig::default()
        .with_ims_file(demo_ims_file())
        .with_gstr2b(4, std::time::Duration::from_millis(200))
}

/// Where the demo's sandbox keeps its key pair and sessions across runs: `sandbox/` in the
/// output folder. A token the first run obtained is then still known to the sandbox of the next
/// run, which prints "Existing token" without an OTP. The IMS records are not kept: every run
/// starts from [`demo_ims_file`].
pub fn demo_state_dir(out_dir: &Path) -> PathBuf {
    out_dir.join("sandbox")
}

/// The embedded sandbox for the demo.
pub async fn start_demo_sandbox(sandbox: SandboxConfig) -> Result<SandboxHandle, FlowError> {
    gstn_sandbox::spawn(sandbox)
        .await
        .map_err(|e| FlowError::Config(format!("starting the sandbox: {e}")))
}

/// The settings for the embedded sandbox: the demo GSTIN and period, the sample register.
pub fn demo_config(
    sandbox: &SandboxHandle,
    out_dir: PathBuf,
    token_file: PathBuf,
) -> Result<ImsFlowConfig, FlowError> {
    let config = sandbox.state().config();
    let gstin: Gstin = DEMO_GSTIN
        .parse()
        .map_err(|e| FlowError::Config(format!("{e}")))?;
    Ok(ImsFlowConfig {
        connection: Connection {
            base_url: sandbox.base_url(),
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            username: "asp_user".into(),
            gstin,
            certificate: crate::connect::Certificate::Pem(sandbox.certificate_pem()),
            ip_usr: "127.0.0.1".into(),
            token_file,
            poll: PollPolicy::fast(),
            chunk_limit: None,
        },
        period: DEMO_PERIOD
            .parse()
            .map_err(|e| FlowError::Config(format!("{e}")))?,
        data_dir: sample_data_dir(),
        out_dir,
        show_progress: false,
        decisions: None,
        confirm: Confirm::Assume,
    })
}
