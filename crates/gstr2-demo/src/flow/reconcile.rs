//! Step-4, Accept/Reject: the reconciliation's match codes and action flags, then the decisions
//! of [`FlowConfig::decisions`] (the demonstration's, the user's file, or none), each with the
//! flag it changes, and those that no longer apply.

use std::io::Write;
use std::path::Path;

use gstr2_model::{Gstr2Payload, Gstr2a};
use gstr2_recon::{
    ActionFlag, Decision, Decisions, DocKey, MatchResult, Reconciler, Report, StaleDecision,
};

use super::{read_decisions, DecisionSource, FlowConfig};
use crate::error::FlowError;
use crate::present::{reason_name, say, Bars, Column, Columns};

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
    report.map_err(FlowError::amounts)
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
/// coming back), the user's file (`given`, read by [`run`](super::run)), or none.
pub(super) fn step4_accept_reject(
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
    let text = serde_json::to_string_pretty(&decisions)
        .map_err(FlowError::encode(format!("encoding {}", path.display())))?;
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
