//! Pass 2, **manual links** ([`Rule::Manual`](crate::Rule::Manual)): the user's links pair
//! first, in the decisions' order, across suppliers if the user says so; the passes that follow
//! leave linked documents alone. A link whose documents are gone, replaced by an amendment or
//! linked already is stale. Unlinked pairs are never paired by a rule: passes 3 to 6 skip them.
//!
//! One search by key per decision.

use std::collections::BTreeSet;

use crate::decisions::{Decision, Decisions, StaleDecision, StaleReason};
use crate::engine::side::SideState;

/// What the user's links and unlinks come to.
pub(in crate::engine) struct Manual {
    /// The linked pairs, as (index into the taxpayer's side, index into GSTR2A's side), in the
    /// decisions' order.
    pub(in crate::engine) pairs: Vec<(usize, usize)>,
    /// The unlinked pairs, likewise.
    pub(in crate::engine) unlinked: BTreeSet<(usize, usize)>,
}

/// Applies the user's links (marking their documents linked on both sides) and finds the
/// unlinked pairs; decisions that no longer apply go to `stale`, in the decisions' order.
pub(in crate::engine) fn manual(
    own: &mut SideState<'_>,
    cp: &mut SideState<'_>,
    decisions: &Decisions,
    stale: &mut Vec<StaleDecision>,
) -> Manual {
    let mut pairs = Vec::new();
    for link in &decisions.links {
        let o = own.find(&link.own);
        let c = cp.find(&link.counterparty);
        let reason = match (o, c) {
            (None, None) => Some(StaleReason::DocumentGone),
            (None, _) => Some(StaleReason::OwnDocumentGone),
            (_, None) => Some(StaleReason::CounterpartyDocumentGone),
            (Some(o), Some(c)) if own.replaced_by[o].is_some() || cp.replaced_by[c].is_some() => {
                Some(StaleReason::ReplacedByAmendment)
            }
            (Some(o), Some(c)) if own.linked[o] || cp.linked[c] => Some(StaleReason::AlreadyLinked),
            (Some(o), Some(c)) => {
                own.linked[o] = true;
                cp.linked[c] = true;
                pairs.push((o, c));
                None
            }
        };
        if let Some(reason) = reason {
            stale.push(StaleDecision {
                decision: Decision::Link { link: link.clone() },
                reason,
            });
        }
    }
    let mut unlinked = BTreeSet::new();
    for link in &decisions.unlinks {
        match (own.find(&link.own), cp.find(&link.counterparty)) {
            (Some(o), Some(c)) => {
                unlinked.insert((o, c));
            }
            (o, c) => stale.push(StaleDecision {
                decision: Decision::Unlink { link: link.clone() },
                reason: match (o, c) {
                    (None, None) => StaleReason::DocumentGone,
                    (None, _) => StaleReason::OwnDocumentGone,
                    _ => StaleReason::CounterpartyDocumentGone,
                },
            }),
        }
    }
    Manual { pairs, unlinked }
}
