//! What to tell IMS about each supplier record, and what GSTR-2B then holds.
//!
//! Since October 2024 a recipient acts on every supplier document in GSTN's Invoice Management
//! System: Accept (`A`), Reject (`R`), Pending (`P`) or leave it (`N`, No action, deemed accepted
//! when GSTR-2B is generated). This module turns a reconciliation's verdict on a record into a
//! recommended action under a documented [`ImsPolicy`], builds the SAVE and RESET bodies of the
//! records whose action changes ([`ImsBodies::of`]), and computes the ITC that the regenerated
//! GSTR-2B will show ([`ExpectedItc::of`]), to be compared with a downloaded one
//! ([`ExpectedItc::compare`]). Pure functions: no I/O, no clock.
//!
//! The default policy, and where it steps aside:
//!
//! | the record | recommended action | reason |
//! |---|---|---|
//! | in the books, agreeing within tolerance ([`MatchCode::Ok`]) | Accept | [`ImsReason::Matched`] |
//! | in the books, fields differing ([`MatchCode::Mismatch`]) | Reject | [`ImsReason::Mismatch`] |
//! | only in IMS ([`MatchCode::CounterpartyOnly`]) | Pending | [`ImsReason::OnlyInIms`] |
//! | the supplier's return not filed (`srcfilstatus` `Not Filed`), whatever the match | Pending | [`ImsReason::SupplierNotFiled`] |
//! | Pending wanted where GSTN blocks it (`ispendactblocked` `Y`) | the current action stays | [`ImsReason::PendingBlocked`] |
//! | only in the books ([`MatchCode::TaxpayerOnly`]) | none: missing in IMS, follow up with the supplier | [`ImsReason::MissingInIms`] |
//! | a document that never passes IMS (reverse charge, ISD, imports, ITC not available by rule) | none | [`ImsReason::NeverInIms`] |
//! | the user's decision | the decided action (but Pending where blocked) | [`ImsReason::Decided`] |
//!
//! ```
//! use gstr2_model::codes::ImsAction;
//! use gstr2_recon::ims::{ImsPolicy, ImsReason, RecordState};
//! use gstr2_recon::MatchCode;
//!
//! let policy = ImsPolicy::default();
//! let record = RecordState { current: ImsAction::NoAction, pending_blocked: false, supplier_filed: true };
//! let r = policy.recommend(MatchCode::Mismatch, Some(&record), None);
//! assert_eq!(r.action, Some(ImsAction::Reject));
//! assert_eq!(r.reasons, [ImsReason::Mismatch]);
//!
//! let blocked = RecordState { pending_blocked: true, ..record };
//! let r = policy.recommend(MatchCode::CounterpartyOnly, Some(&blocked), None);
//! assert_eq!(r.action, Some(ImsAction::NoAction), "the current action stays");
//! assert_eq!(r.reasons, [ImsReason::OnlyInIms, ImsReason::PendingBlocked]);
//! ```

use std::collections::BTreeMap;

use gstr2_model::amount::AmountOverflow;
use gstr2_model::codes::{FilingStatus, ImsAction, Indicator};
use gstr2_model::gstr2b::{Gstr2b, ItcNode};
use gstr2_model::ims::{ImsRecords, ImsSaveRequest};
use gstr2_model::{Gstin, TaxAmounts};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::MatchCode;

/// Which IMS action each verdict recommends. The default is documented field by field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImsPolicy {
    /// A record that agrees with the books within tolerance. Default: Accept.
    pub matched: ImsAction,
    /// A record whose fields differ from the books' document. Default: Reject.
    pub mismatch: ImsAction,
    /// A record the books do not have. Default: Pending (to look into before the ITC is taken
    /// or refused).
    pub only_in_ims: ImsAction,
    /// A record of a supplier whose return is not filed, whatever the match. Default: Pending
    /// (the supplier may still change it).
    pub supplier_not_filed: ImsAction,
}

impl Default for ImsPolicy {
    fn default() -> Self {
        ImsPolicy {
            matched: ImsAction::Accept,
            mismatch: ImsAction::Reject,
            only_in_ims: ImsAction::Pending,
            supplier_not_filed: ImsAction::Pending,
        }
    }
}

/// What IMS reports of a record, as the policy needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordState {
    /// The action GSTN last reported (`action`; No action where absent).
    pub current: ImsAction,
    /// Whether GSTN refuses Pending for it (`ispendactblocked` `Y`).
    pub pending_blocked: bool,
    /// Whether the supplier's return is filed (`srcfilstatus` other than `Not Filed` or
    /// `Saved`; a record without it counts as filed, as GSTN lists filed records by default).
    pub supplier_filed: bool,
}

impl RecordState {
    /// The state of a record from its GETINV fields.
    pub fn of(
        action: Option<&ImsAction>,
        pending_blocked: Option<&Indicator>,
        supplier_filing_status: Option<&FilingStatus>,
    ) -> RecordState {
        RecordState {
            current: action.cloned().unwrap_or(ImsAction::NoAction),
            pending_blocked: pending_blocked.is_some_and(Indicator::is_yes),
            supplier_filed: !matches!(
                supplier_filing_status,
                Some(FilingStatus::NotFiled | FilingStatus::Saved)
            ),
        }
    }
}

/// Why a document never passes through IMS: it goes straight to GSTR-2B (or nowhere in it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NeverInIms {
    /// Tax paid by the recipient on reverse charge.
    ReverseCharge,
    /// An input service distributor's document.
    Isd,
    /// An import of goods (before October 2025).
    Import,
    /// ITC not available by rule (place of supply, section 16(4)).
    ItcNotAvailable,
}

impl NeverInIms {
    /// Why, in words.
    pub fn as_str(self) -> &'static str {
        match self {
            NeverInIms::ReverseCharge => "reverse charge",
            NeverInIms::Isd => "an input service distributor's document",
            NeverInIms::Import => "an import of goods",
            NeverInIms::ItcNotAvailable => "ITC not available by rule",
        }
    }
}

/// Why a record gets its recommended action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ImsReason {
    /// It agrees with the books within tolerance.
    Matched,
    /// Its fields differ from the books' document beyond tolerance.
    Mismatch,
    /// The books do not have it.
    OnlyInIms,
    /// The supplier's return is not filed.
    SupplierNotFiled,
    /// Pending was wanted, but GSTN blocks Pending for it: its current action stays.
    PendingBlocked,
    /// In the books but not in IMS: missing in GSTR-2B, to follow up with the supplier.
    MissingInIms,
    /// It never passes through IMS.
    NeverInIms {
        /// Why.
        why: NeverInIms,
    },
    /// The user decided its action, over the policy.
    Decided,
}

/// A recommended action and its reasons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    /// The action to set in IMS; `None` where there is none (no record, or a document that never
    /// passes IMS).
    pub action: Option<ImsAction>,
    /// Why, in the order the policy considered them.
    pub reasons: Vec<ImsReason>,
}

impl ImsPolicy {
    /// The recommended action for a record (`record`, `None` for a document only in the books)
    /// with the reconciliation's verdict `code`, and the user's decision `decided`, which
    /// overrides the policy. Every record gets exactly one action; Pending where GSTN blocks it
    /// leaves the current action.
    pub fn recommend(
        &self,
        code: MatchCode,
        record: Option<&RecordState>,
        decided: Option<&ImsAction>,
    ) -> Recommendation {
        let Some(record) = record else {
            return Recommendation {
                action: None,
                reasons: vec![ImsReason::MissingInIms],
            };
        };
        let mut reasons = Vec::with_capacity(2);
        let wanted = match (decided, code) {
            (Some(action), _) => {
                reasons.push(ImsReason::Decided);
                action.clone()
            }
            (None, _) if !record.supplier_filed => {
                reasons.push(ImsReason::SupplierNotFiled);
                self.supplier_not_filed.clone()
            }
            (None, MatchCode::Ok) => {
                reasons.push(ImsReason::Matched);
                self.matched.clone()
            }
            (None, MatchCode::Mismatch) => {
                reasons.push(ImsReason::Mismatch);
                self.mismatch.clone()
            }
            (None, MatchCode::CounterpartyOnly | MatchCode::TaxpayerOnly) => {
                reasons.push(ImsReason::OnlyInIms);
                self.only_in_ims.clone()
            }
        };
        let action = if wanted == ImsAction::Pending && record.pending_blocked {
            reasons.push(ImsReason::PendingBlocked);
            record.current.clone()
        } else {
            wanted
        };
        Recommendation {
            action: Some(action),
            reasons,
        }
    }

    /// The recommendation for a document that never passes IMS: no action, and why.
    pub fn never_in_ims(why: NeverInIms) -> Recommendation {
        Recommendation {
            action: None,
            reasons: vec![ImsReason::NeverInIms { why }],
        }
    }
}

/// Where a record sits in an [`ImsRecords`]: its section's key and its index there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordRef {
    /// The section's key (`b2b`, `b2bcn`, …).
    pub section: &'static str,
    /// The record's index in its section.
    pub index: usize,
}

/// The IMS actions a reconciliation recommends, by record: what
/// [`Reconciler::ims_bodies`](crate::Reconciler::ims_bodies) and
/// [`Reconciler::expected_itc`](crate::Reconciler::expected_itc) are built from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImsActions {
    /// Each record with its recommended (or decided) action, once.
    pub actions: Vec<(RecordRef, ImsAction)>,
    /// Records replaced by an amendment listed in the same records (an original and its
    /// `b2ba`, say): they take no action of their own, and their amendment's ITC stands for
    /// theirs.
    pub superseded: Vec<RecordRef>,
}

impl ImsActions {
    /// Adds the actions of another batch of results.
    pub fn extend(&mut self, other: ImsActions) {
        self.actions.extend(other.actions);
        self.superseded.extend(other.superseded);
    }

    /// The number of records with an action.
    pub fn len(&self) -> usize {
        self.actions.len()
    }

    /// Whether no record has an action.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }
}

/// The bodies that put decided actions to IMS: a SAVE of the records whose action changes to
/// Accept, Reject or Pending, and a RESET of those set back to No action. Records whose action
/// does not change are in neither.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImsBodies {
    /// `reqtyp` SAVE, if any record changes to A, R or P.
    pub save: Option<ImsSaveRequest>,
    /// `reqtyp` RESET, if any record goes back to N.
    pub reset: Option<ImsSaveRequest>,
}

/// Runs `$body` with `$list` bound to each section of records, by its key.
macro_rules! each_section {
    ($records:expr, |$key:ident, $list:ident| $body:expr) => {{
        {
            let $key = "b2b";
            let $list = &$records.b2b;
            $body
        }
        {
            let $key = "b2ba";
            let $list = &$records.b2ba;
            $body
        }
        {
            let $key = "b2bcn";
            let $list = &$records.b2bcn;
            $body
        }
        {
            let $key = "b2bcna";
            let $list = &$records.b2bcna;
            $body
        }
        {
            let $key = "b2bdn";
            let $list = &$records.b2bdn;
            $body
        }
        {
            let $key = "b2bdna";
            let $list = &$records.b2bdna;
            $body
        }
        {
            let $key = "ecom";
            let $list = &$records.ecom;
            $body
        }
        {
            let $key = "ecoma";
            let $list = &$records.ecoma;
            $body
        }
    }};
}

/// Whether records of a section are credit notes: their ITC comes off, and a SAVE must say
/// whether the recipient reduces it (`itcRedReq`).
fn is_credit_note(section: &str) -> bool {
    matches!(section, "b2bcn" | "b2bcna")
}

impl ImsBodies {
    /// The bodies for `recipient`'s records, each record's new action given by `decided`
    /// (`None`: leave it). Each record changed is sent as GSTN listed it, with `prev_status` the
    /// action GSTN last reported (so that GSTN can tell a stale SAVE, `IMSSAV0010`); a credit
    /// note sent with Accept or Pending and no `itcRedReq` of its own says `Y` (the whole ITC is
    /// reduced: what a partial reduction declares is the user's to set on the record).
    pub fn of(
        recipient: Gstin,
        records: &ImsRecords,
        decided: impl Fn(RecordRef) -> Option<ImsAction>,
    ) -> ImsBodies {
        let mut save = ImsRecords::default();
        let mut reset = ImsRecords::default();
        macro_rules! put {
            ($field:ident) => {
                for (index, record) in records.$field.iter().enumerate() {
                    let at = RecordRef {
                        section: stringify!($field),
                        index,
                    };
                    let Some(action) = decided(at) else { continue };
                    if action == record.action() {
                        continue;
                    }
                    if action == ImsAction::NoAction {
                        reset.$field.push(record.to_reset());
                    } else {
                        let mut sent = record.to_save(action.clone());
                        if is_credit_note(at.section)
                            && action != ImsAction::Reject
                            && sent.itc_reduction_required.is_none()
                        {
                            sent.itc_reduction_required = Some(Indicator::Yes);
                        }
                        save.$field.push(sent);
                    }
                }
            };
        }
        put!(b2b);
        put!(b2ba);
        put!(b2bcn);
        put!(b2bcna);
        put!(b2bdn);
        put!(b2bdna);
        put!(ecom);
        put!(ecoma);
        ImsBodies {
            save: (!save.is_empty()).then(|| ImsSaveRequest::save(recipient, save)),
            reset: (!reset.is_empty()).then(|| ImsSaveRequest::reset(recipient, reset)),
        }
    }
}

/// The GSTR-2B section (of `itcsumm`'s `nonrevsup`) that an IMS section's records go to.
pub fn gstr2b_section(ims_section: &str) -> Option<&'static str> {
    match ims_section {
        "b2b" => Some("b2b"),
        "b2ba" => Some("b2ba"),
        "b2bcn" | "b2bdn" => Some("cdnr"),
        "b2bcna" | "b2bdna" => Some("cdnra"),
        "ecom" => Some("ecom"),
        "ecoma" => Some("ecoma"),
        _ => None,
    }
}

/// The ITC that GSTR-2B shows once it is regenerated from the records' actions, per
/// `itcsumm` part (`itcavl`, `itcRejected`) and `nonrevsup` section, head by head.
///
/// Accepted and No action records of filed suppliers count as available, Rejected ones as
/// rejected; Pending ones and those of suppliers who have not filed are in neither. Credit notes
/// count negative.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedItc {
    /// ITC available (`itcavl.nonrevsup`), per section.
    pub available: BTreeMap<String, TaxAmounts>,
    /// ITC rejected (`itcRejected.nonrevsup`), per section.
    pub rejected: BTreeMap<String, TaxAmounts>,
}

/// One head of one section whose ITC in a downloaded GSTR-2B is not the expected one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItcDifference {
    /// `itcavl` or `itcRejected`.
    pub part: String,
    /// The `nonrevsup` section (`b2b`, `cdnr`, …).
    pub section: String,
    /// The head: `igst`, `cgst`, `sgst` or `cess`.
    pub head: String,
    /// What the records' actions give.
    pub expected: Decimal,
    /// What the GSTR-2B shows (zero where it has no such node).
    pub in_gstr2b: Decimal,
}

impl ExpectedItc {
    /// The expected ITC of `records` with each record's action given by `action` (its decided
    /// action, or the one GSTN reported). Errors: a sum beyond a decimal, naming the record.
    pub fn of(
        records: &ImsRecords,
        action: impl Fn(RecordRef) -> ImsAction,
    ) -> Result<ExpectedItc, AmountOverflow> {
        let mut expected = ExpectedItc::default();
        each_section!(records, |key, list| {
            for (index, record) in list.iter().enumerate() {
                let state = RecordState::of(
                    record.action.as_ref(),
                    record.pending_blocked.as_ref(),
                    record.supplier_filing_status.as_ref(),
                );
                if !state.supplier_filed {
                    continue;
                }
                let part = match action(RecordRef {
                    section: key,
                    index,
                }) {
                    ImsAction::Accept | ImsAction::NoAction => &mut expected.available,
                    ImsAction::Reject => &mut expected.rejected,
                    _ => continue,
                };
                let Some(section) = gstr2b_section(key) else {
                    continue;
                };
                let overflow = || {
                    AmountOverflow::new("the expected ITC", key, Some(&record.number))
                        .with_supplier(record.supplier_gstin)
                };
                let tax = record.tax()?;
                let tax = if is_credit_note(key) {
                    tax.signed(-Decimal::ONE)
                } else {
                    tax
                };
                let sum = part.entry(section.to_owned()).or_default();
                *sum = sum.checked_add(&tax).ok_or_else(overflow)?;
            }
        });
        Ok(expected)
    }

    /// How a downloaded GSTR-2B's ITC differs from this: every head of every section, of ITC
    /// available and rejected, whose amounts differ by more than `tolerance`, in a fixed order.
    pub fn compare(&self, gstr2b: &Gstr2b, tolerance: Decimal) -> Vec<ItcDifference> {
        let mut out = Vec::new();
        for (part, expected, node) in [
            ("itcavl", &self.available, gstr2b.itc_available()),
            ("itcRejected", &self.rejected, gstr2b.itc_rejected()),
        ] {
            let downloaded: BTreeMap<&str, TaxAmounts> = node
                .and_then(|n| n.child("nonrevsup"))
                .map(|n| {
                    n.children
                        .iter()
                        .map(|(k, v): (&String, &ItcNode)| (k.as_str(), v.tax()))
                        .collect()
                })
                .unwrap_or_default();
            let sections: std::collections::BTreeSet<&str> = expected
                .keys()
                .map(String::as_str)
                .chain(downloaded.keys().copied())
                .collect();
            for section in sections {
                let e = expected.get(section).copied().unwrap_or_default();
                let d = downloaded.get(section).copied().unwrap_or_default();
                for (head, a, b) in [
                    ("igst", e.igst, d.igst),
                    ("cgst", e.cgst, d.cgst),
                    ("sgst", e.sgst, d.sgst),
                    ("cess", e.cess, d.cess),
                ] {
                    let within = a.checked_sub(b).is_some_and(|x| x.abs() <= tolerance);
                    if !within {
                        out.push(ItcDifference {
                            part: part.to_owned(),
                            section: section.to_owned(),
                            head: head.to_owned(),
                            expected: a,
                            in_gstr2b: b,
                        });
                    }
                }
            }
        }
        out
    }
}
