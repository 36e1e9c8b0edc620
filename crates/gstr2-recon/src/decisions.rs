//! The user's decisions: pending marks, manual links and unlinks, keyed by [`DocKey`] so they
//! survive a re-run on new data. Serialize them with serde (JSON) between runs.

use std::collections::{BTreeMap, BTreeSet};

use gstr2_model::codes::ImsAction;

use serde::{Deserialize, Serialize};

use crate::report::DocKey;

/// Decisions the user has taken, applied on every run.
///
/// ```
/// use gstr2_recon::{DocKey, DocKind, Decisions};
///
/// let key = DocKey {
///     supplier: "27AAPFU0939F1ZV".parse().unwrap(),
///     kind: DocKind::Invoice,
///     number: "S008400".into(),
///     date: chrono::NaiveDate::from_ymd_opt(2017, 7, 24).unwrap(),
/// };
/// let mut decisions = Decisions::default();
/// decisions.mark_pending(key.clone());
/// let text = serde_json::to_string(&decisions).unwrap();
/// let back: Decisions = serde_json::from_str(&text).unwrap();
/// assert!(back.pending.contains(&key));
/// assert!(decisions.unmark_pending(&key));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Decisions {
    /// Results marked pending, by either of their documents' keys. A mark applies to a result
    /// whose computed action is Accept or Reject.
    pub pending: BTreeSet<DocKey>,
    /// Pairs the user linked: they are paired before any automatic rule.
    pub links: BTreeSet<Link>,
    /// Pairs the user unlinked: no automatic rule pairs them.
    pub unlinks: BTreeSet<Link>,
    /// IMS actions the user chose, by the supplier document's key: they override the
    /// [`ImsPolicy`](crate::ims::ImsPolicy) when reconciling against GSTR-2B or IMS (and are
    /// ignored against GSTR2A). Written in JSON as a list of keys with their `action`.
    #[serde(with = "ims_list", skip_serializing_if = "BTreeMap::is_empty")]
    pub ims_actions: BTreeMap<DocKey, ImsAction>,
}

/// [`Decisions::ims_actions`] as a JSON list (a map keyed by a [`DocKey`] is not JSON).
mod ims_list {
    use std::collections::BTreeMap;

    use gstr2_model::codes::ImsAction;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::report::DocKey;

    #[derive(Serialize)]
    struct Written<'a> {
        #[serde(flatten)]
        key: &'a DocKey,
        action: &'a ImsAction,
    }

    #[derive(Deserialize)]
    struct Read {
        #[serde(flatten)]
        key: DocKey,
        action: ImsAction,
    }

    pub(super) fn serialize<S: Serializer>(
        map: &BTreeMap<DocKey, ImsAction>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter().map(|(key, action)| Written { key, action }))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<DocKey, ImsAction>, D::Error> {
        let list = Vec::<Read>::deserialize(d)?;
        Ok(list.into_iter().map(|r| (r.key, r.action)).collect())
    }
}

/// A taxpayer document and a counterparty document.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Link {
    /// The taxpayer's document.
    pub own: DocKey,
    /// The counterparty's document.
    pub counterparty: DocKey,
}

impl Decisions {
    /// Marks the result holding this document pending.
    pub fn mark_pending(&mut self, key: DocKey) {
        self.pending.insert(key);
    }

    /// Removes a pending mark, which restores the computed action; `false` if there was none.
    pub fn unmark_pending(&mut self, key: &DocKey) -> bool {
        self.pending.remove(key)
    }

    /// Links two documents (and forgets an unlink of the same pair).
    pub fn link(&mut self, own: DocKey, counterparty: DocKey) {
        let l = Link { own, counterparty };
        self.unlinks.remove(&l);
        self.links.insert(l);
    }

    /// Unlinks two documents: forgets a link of the pair and keeps automatic rules from pairing
    /// them.
    pub fn unlink(&mut self, own: DocKey, counterparty: DocKey) {
        let l = Link { own, counterparty };
        self.links.remove(&l);
        self.unlinks.insert(l);
    }

    /// Sets the IMS action of the supplier document `key`, over the policy (and replaces an
    /// earlier choice for it).
    pub fn decide_ims(&mut self, key: DocKey, action: ImsAction) {
        self.ims_actions.insert(key, action);
    }

    /// Forgets the IMS action chosen for `key`, which restores the policy's; `false` if there
    /// was none.
    pub fn undecide_ims(&mut self, key: &DocKey) -> bool {
        self.ims_actions.remove(key).is_some()
    }

    /// Whether there is no decision at all.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
            && self.links.is_empty()
            && self.unlinks.is_empty()
            && self.ims_actions.is_empty()
    }
}

/// One decision, as reported when it no longer applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Decision {
    /// A pending mark.
    Pending {
        /// The key it names.
        key: DocKey,
    },
    /// A manual link.
    Link {
        /// The pair.
        #[serde(flatten)]
        link: Link,
    },
    /// A manual unlink.
    Unlink {
        /// The pair.
        #[serde(flatten)]
        link: Link,
    },
    /// An IMS action chosen for a supplier document.
    ImsAction {
        /// The supplier document's key.
        key: DocKey,
        /// The action chosen.
        action: ImsAction,
    },
}

/// Why a decision no longer applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StaleReason {
    /// No document of the register has the taxpayer key.
    OwnDocumentGone,
    /// No document of GSTR2A has the counterparty key.
    CounterpartyDocumentGone,
    /// No document on either side has the key.
    DocumentGone,
    /// One of the documents is already linked by another decision.
    AlreadyLinked,
    /// The document was replaced by an amendment.
    ReplacedByAmendment,
    /// The result's computed action is neither Accept nor Reject (e.g. the supplier has not
    /// filed, or the document is the taxpayer's own upload), so it cannot be pending.
    NotAcceptOrReject,
    /// The document never passes through IMS (reverse charge, ISD, imports, ITC not available
    /// by rule): it takes no IMS action.
    NeverInIms,
}

/// A decision that no longer applies, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaleDecision {
    /// The decision.
    #[serde(flatten)]
    pub decision: Decision,
    /// Why.
    pub reason: StaleReason,
}
