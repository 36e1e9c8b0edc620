//! Step-4, reconcile and recommend: every result with the action at GSTN now and the one
//! recommended, with its reasons; then the user's decisions, each with what it changes.

use std::collections::BTreeMap;
use std::io::Write;

use gstr2_model::codes::ImsAction;
use gstr2_model::ims::ImsRecords;
use gstr2_recon::ims::{ImsActions, RecordRef};
use gstr2_recon::{Decision, Decisions, DocKey, MatchResult, Reconciler, Report, Source};

use super::records::current_action;
use super::ImsFlowConfig;
use crate::error::FlowError;
use crate::flow::describe_stale;
use crate::present::{reason_name, say, write_json, Column, Columns};

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
pub(super) fn step4_recommend(
    config: &ImsFlowConfig,
    reconciler: &Reconciler<'_>,
    out: &mut dyn Write,
) -> Result<ImsActions, FlowError> {
    say!(out, "\nStep-4: Reconcile and recommend IMS actions")?;
    let Source::Ims(ims) = reconciler.source() else {
        return Err(FlowError::Config("the IMS flow reconciles with IMS".into()));
    };
    let report = reconciler.run().map_err(FlowError::amounts)?;
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
        .map_err(FlowError::amounts)?;
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
