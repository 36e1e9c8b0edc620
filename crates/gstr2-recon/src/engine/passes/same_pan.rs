//! Pass 7, **same PAN**: a taxpayer document left alone (TO) and a GSTR2A document left alone
//! (CO) of two suppliers with the same PAN (GSTIN places 3 to 12) but different GSTINs, of the
//! same type and the same normalised number, whose values differ by at most the value tolerance
//! and whose dates are at most [`MatchConfig::date_window_days`] apart, suggest each other with
//! score 1. Suggestions only, never matches. They follow pass 6's suggestions of the result
//! while it has fewer than [`MatchConfig::max_suggestions`], in the report's order.
//!
//! Runs on the outcomes of all suppliers, after passes 3 to 6. Indexed by PAN, type, normalised
//! number and date: for each taxpayer document, the GSTR2A documents of its key from the start
//! of its date window, in date order, at most [`MatchConfig::max_candidates`] of them (as pass
//! 6). Near-linear however many documents share a key.

use rust_decimal::Decimal;

use crate::config::MatchConfig;
use crate::engine::outcome::Outcome;
use crate::engine::side::SideState;
use crate::report::{DocKey, DocKind, Suggestion};

/// Adds the same-PAN suggestions to the outcomes of documents left alone.
pub(in crate::engine) fn same_pan_suggestions(
    outcomes: &mut [Outcome],
    own: &SideState<'_>,
    cp: &SideState<'_>,
    config: &MatchConfig,
) {
    if config.max_suggestions == 0 {
        return;
    }
    // (pan, kind, normalised number, date, outcome index) of counterparty-only outcomes.
    let mut idx: Vec<(&str, DocKind, &str, chrono::NaiveDate, usize)> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(k, o)| match *o {
            Outcome::Counterparty { c, .. } => {
                let d = &cp.docs[c];
                if !d.pairable {
                    return None;
                }
                let pan = d.supplier.pan()?;
                (!d.norm.is_empty()).then_some((pan, d.kind, d.norm.as_str(), d.date, k))
            }
            _ => None,
        })
        .collect();
    if idx.is_empty() {
        return;
    }
    idx.sort_unstable();
    let window = i64::from(config.date_window_days);
    // Each suggestion found goes to each side that has room then, in this order; a pair is
    // kept (and its keys written) only where one side has.
    let mut found: Vec<(usize, Suggestion)> = Vec::new();
    let mut held: Vec<usize> = outcomes
        .iter()
        .map(|o| match o {
            Outcome::Own { suggestions, .. } | Outcome::Counterparty { suggestions, .. } => {
                suggestions.len()
            }
            Outcome::Pair { .. } => config.max_suggestions,
        })
        .collect();
    for (i, outcome) in outcomes.iter().enumerate() {
        let Outcome::Own { o, .. } = *outcome else {
            continue;
        };
        let o = &own.docs[o];
        let Some(pan) = o.supplier.pan() else {
            continue;
        };
        let from = o
            .date
            .checked_sub_signed(chrono::Duration::days(window))
            .unwrap_or(chrono::NaiveDate::MIN);
        let start =
            idx.partition_point(|e| (e.0, e.1, e.2, e.3) < (pan, o.kind, o.norm.as_str(), from));
        for e in idx[start..]
            .iter()
            .take_while(|e| (e.0, e.1, e.2) == (pan, o.kind, o.norm.as_str()))
            .take_while(|e| (e.3 - o.date).num_days() <= window)
            .take(config.max_candidates)
        {
            let Some(Outcome::Counterparty { c, .. }) = outcomes.get(e.4) else {
                continue;
            };
            let c = &cp.docs[*c];
            let days = (c.date - o.date).num_days();
            // A difference that overflows a decimal is beyond tolerance.
            let Some(dv) = c
                .value
                .checked_sub(o.value)
                .filter(|dv| dv.abs() <= config.tolerance.value)
            else {
                continue;
            };
            if c.supplier == o.supplier || days.abs() > window {
                continue;
            }
            let score = Decimal::new(1000, 3);
            let suggestion = |key: DocKey| Suggestion {
                key,
                score,
                value_difference: dv,
                days_apart: days,
            };
            for (k, key) in [(i, c), (e.4, o)] {
                if held[k] < config.max_suggestions {
                    held[k] += 1;
                    found.push((k, suggestion(key.key())));
                }
            }
        }
    }
    for (k, s) in found {
        if let Some(Outcome::Own { suggestions, .. } | Outcome::Counterparty { suggestions, .. }) =
            outcomes.get_mut(k)
        {
            suggestions.push(s);
        }
    }
}
