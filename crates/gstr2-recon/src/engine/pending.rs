//! The user's pending marks: which results they apply to, and which are stale.

use std::collections::BTreeSet;

use super::outcome::{outcome_supplier, Outcome};
use super::side::SideState;
use crate::config::MatchConfig;
use crate::decisions::{Decision, Decisions, StaleDecision, StaleReason};
use crate::report::ActionFlag;

/// The pending marks that apply: the outcomes they mark (whose computed action is Accept or
/// Reject). Those that do not apply go to `stale`, in the decisions' order.
///
/// A key marks the results of its supplier that have a side with that key; failing those, the
/// results of another supplier with a taxpayer side with that key (a manual link across
/// suppliers).
pub(super) fn pending_marks(
    outcomes: &[Outcome],
    own: &SideState<'_>,
    cp: &SideState<'_>,
    decisions: &Decisions,
    config: &MatchConfig,
    stale: &mut Vec<StaleDecision>,
) -> BTreeSet<usize> {
    let mut marked = BTreeSet::new();
    if decisions.pending.is_empty() {
        return marked;
    }
    // Which outcome each document is a side of.
    let (mut own_at, mut cp_at) = (vec![None; own.docs.len()], vec![None; cp.docs.len()]);
    for (k, o) in outcomes.iter().enumerate() {
        match *o {
            Outcome::Pair { o, c, .. } => {
                own_at[o] = Some(k);
                cp_at[c] = Some(k);
            }
            Outcome::Own { o, .. } => own_at[o] = Some(k),
            Outcome::Counterparty { c, .. } => cp_at[c] = Some(k),
        }
    }
    let supplier = |k: usize| outcomes.get(k).map(|o| outcome_supplier(o, own, cp));
    for key in &decisions.pending {
        let mine = own.all_with(key);
        let sides = [(own, &own_at, mine.clone()), (cp, &cp_at, cp.all_with(key))];
        let mut hits: Vec<usize> = sides
            .iter()
            .flat_map(|(_, at, range)| range.clone().filter_map(|i| at[i]))
            .filter(|&k| supplier(k) == Some(key.supplier))
            .collect();
        if hits.is_empty() {
            hits = mine.filter_map(|i| own_at[i]).collect();
        }
        hits.sort_unstable();
        hits.dedup();
        let replaced = sides.iter().any(|(side, at, range)| {
            range.clone().any(|i| {
                side.replaced_by[i]
                    .and_then(|a| at[a])
                    .is_some_and(|k| supplier(k) == Some(key.supplier))
            })
        });
        let mut reason = if hits.is_empty() && replaced {
            StaleReason::ReplacedByAmendment
        } else {
            StaleReason::DocumentGone
        };
        let mut applied = false;
        for k in hits {
            let computed = outcomes.get(k).map(|o| o.computed_action(own, cp, config));
            if matches!(computed, Some(ActionFlag::Accept | ActionFlag::Reject)) {
                marked.insert(k);
                applied = true;
            } else {
                reason = StaleReason::NotAcceptOrReject;
            }
        }
        if !applied {
            stale.push(StaleDecision {
                decision: Decision::Pending { key: key.clone() },
                reason,
            });
        }
    }
    marked
}
