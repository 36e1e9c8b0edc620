//! The recommended IMS action of each result, reconciling against GSTR-2B or IMS
//! ([`recommend`]), and the user's IMS decisions that no longer apply
//! ([`stale_ims_decisions`]). The policy itself is [`ImsPolicy`](crate::ims::ImsPolicy).

use super::doc::{Doc, ImsRole};
use super::side::SideState;
use super::SourceKind;
use crate::config::MatchConfig;
use crate::decisions::{Decision, Decisions, StaleDecision, StaleReason};
use crate::ims::{ImsPolicy, Recommendation};
use crate::report::MatchCode;

/// The IMS recommendation of a result with code `code` whose counterparty document is `doc`
/// (`None`: a document only in the books). The user's decision for the document, if any,
/// overrides the policy.
pub(super) fn recommend(
    doc: Option<&Doc<'_>>,
    code: MatchCode,
    config: &MatchConfig,
    decisions: &Decisions,
) -> Recommendation {
    let Some(doc) = doc else {
        return config.ims_policy.recommend(code, None, None);
    };
    match (doc.ims.state(), doc.ims) {
        (Some(state), _) => {
            let decided = if decisions.ims_actions.is_empty() {
                None
            } else {
                decisions.ims_actions.get(&doc.key())
            };
            config.ims_policy.recommend(code, Some(&state), decided)
        }
        (None, ImsRole::Never(why)) => ImsPolicy::never_in_ims(why),
        (None, _) => Recommendation {
            action: None,
            reasons: Vec::new(),
        },
    }
}

/// Adds to `stale` each IMS decision that no longer applies: no document of the source has
/// its key, the document was replaced by an amendment, or it never passes IMS. Against GSTR2A
/// IMS decisions are not for this run, and none is reported.
pub(super) fn stale_ims_decisions(
    cp: &SideState<'_>,
    decisions: &Decisions,
    source: SourceKind,
    stale: &mut Vec<StaleDecision>,
) {
    if source == SourceKind::Gstr2a {
        return;
    }
    for (key, action) in &decisions.ims_actions {
        let found = cp.all_with(key);
        let reason = match found.clone().find(|&k| cp.replaced_by[k].is_none()) {
            None if found.is_empty() => Some(StaleReason::CounterpartyDocumentGone),
            None => Some(StaleReason::ReplacedByAmendment),
            Some(k) => match cp.docs[k].ims {
                ImsRole::Record { .. } => None,
                _ => Some(StaleReason::NeverInIms),
            },
        };
        if let Some(reason) = reason {
            stale.push(StaleDecision {
                decision: Decision::ImsAction {
                    key: key.clone(),
                    action: action.clone(),
                },
                reason,
            });
        }
    }
}
