//! Pass 7, **same PAN**: a taxpayer document left alone (TO) and a GSTR2A document left alone
//! (CO) of two suppliers with the same PAN (GSTIN places 3 to 12) but different GSTINs, of the
//! same type and the same normalised number, whose values differ by at most the value tolerance
//! and whose dates are at most [`MatchConfig::date_window_days`] apart, suggest each other with
//! score 1. Suggestions only, never matches. They follow pass 6's suggestions of the result
//! while it has fewer than [`MatchConfig::max_suggestions`], in the report's order.
//!
//! Runs on the outcomes of all suppliers, after passes 3 to 6.

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
    // (pan, kind, normalised number, outcome index) of counterparty-only outcomes.
    let mut idx: Vec<(&str, DocKind, &str, usize)> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(k, o)| match *o {
            Outcome::Counterparty { c, .. } => {
                let d = &cp.docs[c];
                if !d.pairable {
                    return None;
                }
                let pan = d.supplier.pan()?;
                (!d.norm.is_empty()).then_some((pan, d.kind, d.norm.as_str(), k))
            }
            _ => None,
        })
        .collect();
    if idx.is_empty() {
        return;
    }
    idx.sort_unstable();
    let window = i64::from(config.date_window_days);
    let mut found: Vec<(usize, usize, Suggestion, Suggestion)> = Vec::new();
    for (i, outcome) in outcomes.iter().enumerate() {
        let Outcome::Own { o, .. } = *outcome else {
            continue;
        };
        let o = &own.docs[o];
        let Some(pan) = o.supplier.pan() else {
            continue;
        };
        let start = idx.partition_point(|e| (e.0, e.1, e.2) < (pan, o.kind, o.norm.as_str()));
        for e in idx[start..]
            .iter()
            .take_while(|e| (e.0, e.1, e.2) == (pan, o.kind, o.norm.as_str()))
        {
            let Some(Outcome::Counterparty { c, .. }) = outcomes.get(e.3) else {
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
            found.push((i, e.3, suggestion(c.key()), suggestion(o.key())));
        }
    }
    for (i, j, to_own, to_cp) in found {
        for (k, s) in [(i, to_own), (j, to_cp)] {
            if let Some(
                Outcome::Own { suggestions, .. } | Outcome::Counterparty { suggestions, .. },
            ) = outcomes.get_mut(k)
            {
                if suggestions.len() < config.max_suggestions {
                    suggestions.push(s);
                }
            }
        }
    }
}
