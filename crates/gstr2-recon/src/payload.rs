//! The GSTR2 save payloads built from a report (Steps 2 and 5 of the GSTR-2 workflow, `docs/workflow.md`): new and modified
//! documents in [`SavePayloads::upsert`], deleted ones in [`SavePayloads::delete`].
//!
//! - Counterparty documents whose action is Accept, Reject or Pending are sent as GSTR2A has
//!   them, with the flag (`A`, `R`, `P`) and their `chksum` unchanged; an accepted document
//!   carries the ITC (`itc`) of the taxpayer's item at the same rate, when paired.
//! - Taxpayer-only documents whose action is Upload are sent as uploads, with no flag.
//! - No-action (`N`) documents and the taxpayer's side of a pair are not sent.
//! - The sections without a counterparty side (`b2bur`, imports, `cdnur`, `nil_supplies`,
//!   `itc_rvsl`, `txi`, `atxi`, `txpd`, `hsnsum`) pass through from the register unchanged.
//! - With `previously_saved`, the taxpayer's own uploads there (flag absent, `U` or `E`) whose key
//!   is no longer in the register go to the delete payload with flag `D` (all sections with
//!   documents; `nil_supplies` and `itc_rvsl` have no flag and are replaced by a save instead).
//!
//! Within a section suppliers are ordered by GSTIN and documents by number and date.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use gstr2_model::codes::Flag;
use gstr2_model::tables::b2b::B2bSupplier;
use gstr2_model::tables::b2b_unregistered::B2bUnregistered;
use gstr2_model::tables::b2ba::B2baSupplier;
use gstr2_model::tables::cdn::CdnSupplier;
use gstr2_model::tables::cdna::CdnaSupplier;
use gstr2_model::{Gstin, Gstr2Payload, Gstr2a, StateCode};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::report::{ActionFlag, DocKey, DocSide, MatchResult, Report, Section};
use crate::{Reconciler, Source};

mod build;

use self::build::{build, lent_parts, owned_parts, CounterpartyPools, OwnPools};

/// What to send to GSTN: `RETSAVE` of new and modified documents, and of deleted ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavePayloads {
    /// New and modified documents, and the counterparty documents acted on.
    pub upsert: Gstr2Payload,
    /// Documents to delete (flag `D`).
    pub delete: Gstr2Payload,
}

/// Why payloads cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// The report was not made from these inputs (or was read back from JSON, which drops the
    /// link to the inputs).
    #[error("{side} document {key} in section {section}: not found in the inputs the report was made from")]
    NotFromTheseInputs {
        /// `own` or `counterparty`.
        side: &'static str,
        /// The document.
        key: DocKey,
        /// Its section.
        section: &'static str,
    },
    /// A [`PayloadPlan`] was not made from these inputs.
    #[error("result {result} of the plan: its {side} document in section {section} is not in the inputs given")]
    PlanNotFromTheseInputs {
        /// `own` or `counterparty`.
        side: &'static str,
        /// The result's index in the reconciliation's order.
        result: usize,
        /// The document's section.
        section: &'static str,
    },
    /// The reconciliation was against GSTR-2B or IMS, whose actions go to IMS
    /// ([`Reconciler::ims_bodies`]): GSTR2 payloads come from a reconciliation against GSTR2A.
    #[error("GSTR2 save payloads come from a reconciliation against GSTR2A, not {source_name} (see Reconciler::ims_bodies)")]
    NotGstr2a {
        /// `GSTR-2B` or `IMS`.
        source_name: &'static str,
    },
    /// A counterparty document has no place of supply anywhere.
    #[error("counterparty document {key}: no place of supply (pos) in GSTR2A, in the register or in the supplier's GSTIN")]
    NoPlaceOfSupply {
        /// The document.
        key: DocKey,
    },
}

/// Why [`build`] stopped: a result's document is not where the plan says, or a payload error.
enum Failure {
    /// Result `result`'s document of `side` is missing.
    Missing {
        result: usize,
        side: &'static str,
        section: Section,
    },
    Payload(PayloadError),
}

impl Failure {
    /// The error of a report's payloads: the report names the document.
    fn for_report(self, report: &Report) -> PayloadError {
        match self {
            Failure::Missing {
                result,
                side,
                section,
            } => {
                let r = report.results.get(result);
                let doc = match side {
                    "own" => r.and_then(|r| r.own.as_ref()),
                    _ => r.and_then(|r| r.counterparty.as_ref()),
                };
                match doc {
                    Some(d) => PayloadError::NotFromTheseInputs {
                        side,
                        key: d.key.clone(),
                        section: section.as_str(),
                    },
                    None => Failure::Missing {
                        result,
                        side,
                        section,
                    }
                    .for_plan(),
                }
            }
            Failure::Payload(e) => e,
        }
    }

    /// The error of a plan's payloads.
    fn for_plan(self) -> PayloadError {
        match self {
            Failure::Missing {
                result,
                side,
                section,
            } => PayloadError::PlanNotFromTheseInputs {
                side,
                result,
                section: section.as_str(),
            },
            Failure::Payload(e) => e,
        }
    }
}

/// What the payloads need of a reconciliation, without its results: per result that sends a
/// document, the action and where its documents sit in the inputs. 64 bytes per such result (on
/// 64-bit targets, as a test pins): [`Reconciler::stream`] returns one so that payloads can be
/// built after its results are gone.
///
/// ```
/// use gstr2_model::{json, Gstr2Payload, Gstr2a};
/// use gstr2_recon::{PayloadPlan, Reconciler};
///
/// let register: Gstr2Payload = json::from_str(r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017",
///   "b2b":[{"ctin":"33GSPTN4811G1ZC","inv":[{"inum":"S1","idt":"24-07-2017","val":118,
///   "pos":"27","rchrg":"N","itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]}]}]}"#)?;
/// let gstr2a = Gstr2a::default();
/// let reconciler = Reconciler::new(&register, &gstr2a);
/// let report = reconciler.run()?;
/// let plan = PayloadPlan::of(&report);
/// assert_eq!(plan.len(), 1); // the upload
/// assert_eq!(plan.payloads(&reconciler)?, reconciler.save_payloads(&report)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PayloadPlan {
    entries: Vec<Planned>,
}

/// One result that sends a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Planned {
    /// The result's index in the reconciliation's order.
    result: usize,
    action: ActionFlag,
    own: Option<PlannedDoc>,
    counterparty: Option<PlannedDoc>,
}

/// A side of a planned result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PlannedDoc {
    section: Section,
    /// Where it sits in the inputs (absent: the result was not made from inputs, e.g. read
    /// back from JSON).
    at: Option<(u32, u32)>,
    /// [`fingerprint`] of its number and date, to check that the inputs are the same.
    fingerprint: u64,
    place_of_supply: Option<StateCode>,
    sign_normalised: bool,
}

impl PlannedDoc {
    fn of(s: &DocSide) -> PlannedDoc {
        PlannedDoc {
            section: s.section,
            at: s.source.and_then(|src| {
                Some((
                    u32::try_from(src.supplier).ok()?,
                    u32::try_from(src.doc).ok()?,
                ))
            }),
            fingerprint: fingerprint(&s.key.number, s.key.date),
            place_of_supply: s.place_of_supply,
            sign_normalised: s.sign_normalised,
        }
    }
}

/// A document's number and date as 64 bits (FNV-1a): enough to tell that a plan's document
/// is the one at its place in the inputs.
fn fingerprint(number: &str, date: NaiveDate) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let days = date.num_days_from_ce().to_le_bytes();
    for b in number.bytes().chain([0xff]).chain(days) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl PayloadPlan {
    /// The plan of a report.
    pub fn of(report: &Report) -> PayloadPlan {
        let mut plan = PayloadPlan::default();
        plan.add(0, &report.results);
        plan
    }

    /// Adds the results numbered from `first`, on every core.
    pub(crate) fn add(&mut self, first: usize, results: &[MatchResult]) {
        self.entries.par_extend(
            results
                .par_iter()
                .enumerate()
                .filter(|(_, r)| match (&r.counterparty, &r.own) {
                    (Some(_), _) => {
                        matches!(
                            r.action,
                            ActionFlag::Accept | ActionFlag::Reject | ActionFlag::Pending
                        )
                    }
                    (None, Some(_)) => r.action == ActionFlag::Upload,
                    (None, None) => false,
                })
                .map(|(i, r)| Planned {
                    result: first + i,
                    action: r.action,
                    own: r.own.as_ref().map(PlannedDoc::of),
                    counterparty: r.counterparty.as_ref().map(PlannedDoc::of),
                }),
        );
    }

    /// The number of results that send a document.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no result sends a document.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// [`Reconciler::save_payloads`] from the plan: the same payloads as from the report it
    /// stands for.
    pub fn payloads(&self, inputs: &Reconciler<'_>) -> Result<SavePayloads, PayloadError> {
        self.build_lent(inputs).map_err(Failure::for_plan)
    }

    /// [`into_save_payloads`] from the plan, which is used up with the inputs: their documents
    /// are moved into the payloads, not copied.
    pub fn into_payloads(
        self,
        register: Gstr2Payload,
        gstr2a: Gstr2a,
        previously_saved: Option<&Gstr2Payload>,
    ) -> Result<SavePayloads, PayloadError> {
        self.build_owned(register, gstr2a, previously_saved)
            .map_err(Failure::for_plan)
    }

    fn build_lent(&self, inputs: &Reconciler<'_>) -> Result<SavePayloads, Failure> {
        let gstr2a = match inputs.source() {
            Source::Gstr2a(a) => a,
            Source::Gstr2b(_) => {
                return Err(Failure::Payload(PayloadError::NotGstr2a {
                    source_name: "GSTR-2B",
                }))
            }
            Source::Ims(_) => {
                return Err(Failure::Payload(PayloadError::NotGstr2a {
                    source_name: "IMS",
                }))
            }
        };
        let (upsert, delete) = lent_parts(inputs);
        build(
            OwnPools::lent(inputs.register()),
            CounterpartyPools::lent(gstr2a),
            &self.entries,
            upsert,
            delete,
        )
    }

    fn build_owned(
        &self,
        register: Gstr2Payload,
        gstr2a: Gstr2a,
        previously_saved: Option<&Gstr2Payload>,
    ) -> Result<SavePayloads, Failure> {
        let (own, upsert, delete) = owned_parts(register, previously_saved);
        build(
            own,
            CounterpartyPools::owned(gstr2a),
            &self.entries,
            upsert,
            delete,
        )
    }
}

/// Builds the save payloads from a report and the reconciler it was made by
/// ([`Reconciler::save_payloads`]).
///
/// Result: the upsert and delete payloads for the register's GSTIN and period (actions as
/// decided, pending marks applied), in a deterministic order. Errors: the source is not
/// GSTR2A, or the report does not come from these inputs.
///
/// ```
/// use gstr2_model::{json, Gstr2Payload, Gstr2a};
/// use gstr2_recon::Reconciler;
///
/// let register: Gstr2Payload = json::from_str(r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017",
///   "b2b":[{"ctin":"33GSPTN4811G1ZC","inv":[{"inum":"S1","idt":"24-07-2017","val":118,
///   "pos":"27","rchrg":"N","itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]}]}]}"#)?;
/// let gstr2a: Gstr2a = json::from_str(r#"{"b2b":[{"ctin":"33GSPTN4811G1ZC","cfs":"Y","inv":[
///   {"chksum":"abc","inum":"S1","idt":"24-07-2017","val":118,"pos":"27","rchrg":"N",
///   "itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]}]}]}"#)?;
/// let reconciler = Reconciler::new(&register, &gstr2a);
/// let report = reconciler.run()?;
/// let payloads = reconciler.save_payloads(&report)?;
/// let sent = &payloads.upsert.b2b[0].invoices[0];
/// assert_eq!(sent.flag.as_ref().map(|f| f.as_str()), Some("A"));
/// assert_eq!(sent.checksum.as_deref(), Some("abc"));
/// assert!(payloads.delete.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub(crate) fn save_payloads(
    inputs: &Reconciler<'_>,
    report: &Report,
) -> Result<SavePayloads, PayloadError> {
    PayloadPlan::of(report)
        .build_lent(inputs)
        .map_err(|f| f.for_report(report))
}

/// [`Reconciler::save_payloads`] for a caller done with its inputs: the documents are moved into the
/// payloads instead of copied, so that the payloads take no memory beyond the inputs'.
///
/// Arguments: the register and GSTR2A the report was made from, given up; the previously saved
/// payload, if any. The payloads are those [`Reconciler::save_payloads`] builds from the same
/// inputs.
pub fn into_save_payloads(
    register: Gstr2Payload,
    gstr2a: Gstr2a,
    previously_saved: Option<&Gstr2Payload>,
    report: &Report,
) -> Result<SavePayloads, PayloadError> {
    PayloadPlan::of(report)
        .build_owned(register, gstr2a, previously_saved)
        .map_err(|f| f.for_report(report))
}

/// Whether a saved document is the taxpayer's own upload: no flag, `U` or `E`.
fn own_upload(flag: &Option<Flag>) -> bool {
    matches!(flag, None | Some(Flag::Upload) | Some(Flag::Edit))
}

/// Flat-section deletions: saved own uploads whose key the register no longer has.
fn gone<'p, T: Clone, K: Ord + 'p>(
    prev: &'p [T],
    cur: &'p [T],
    key: impl Fn(&'p T) -> K,
    flag: impl Fn(&mut T) -> &mut Option<Flag>,
) -> Vec<T> {
    let present: BTreeSet<K> = cur.iter().map(&key).collect();
    prev.iter()
        .filter(|d| !present.contains(&key(d)))
        .filter_map(|d| {
            let mut d = d.clone();
            if !own_upload(flag(&mut d)) {
                return None;
            }
            *flag(&mut d) = Some(Flag::Delete);
            Some(d)
        })
        .collect()
}

macro_rules! nested_gone {
    ($prev:expr, $cur:expr, $docs:ident, $supplier:ident, |$d:ident| $key:expr) => {{
        let present: BTreeSet<(Gstin, _)> = $cur
            .iter()
            .flat_map(|s| s.$docs.iter().map(move |$d| (s.supplier_gstin, $key)))
            .collect();
        let mut out = Vec::new();
        for s in $prev {
            let docs: Vec<_> = s
                .$docs
                .iter()
                .filter(|$d| own_upload(&$d.flag) && !present.contains(&(s.supplier_gstin, $key)))
                .map(|$d| {
                    let mut d = $d.clone();
                    d.flag = Some(Flag::Delete);
                    d
                })
                .collect();
            if !docs.is_empty() {
                out.push($supplier {
                    supplier_gstin: s.supplier_gstin,
                    filing_status: None,
                    $docs: docs,
                });
            }
        }
        out.sort_by_key(|s| s.supplier_gstin);
        out
    }};
}

fn deletions(reg: &Gstr2Payload, prev: &Gstr2Payload) -> Gstr2Payload {
    let mut del = Gstr2Payload::new(reg.gstin, reg.fp);
    del.b2b = nested_gone!(&prev.b2b, &reg.b2b, invoices, B2bSupplier, |d| (
        d.number.as_str(),
        d.date
    ));
    del.b2ba = nested_gone!(&prev.b2ba, &reg.b2ba, invoices, B2baSupplier, |d| (
        d.number.as_str(),
        d.date
    ));
    del.cdn = nested_gone!(&prev.cdn, &reg.cdn, notes, CdnSupplier, |d| (
        d.note_type.as_str(),
        d.number.as_str(),
        d.date
    ));
    del.cdna = nested_gone!(&prev.cdna, &reg.cdna, notes, CdnaSupplier, |d| (
        d.note_type.as_str(),
        d.number.as_str(),
        d.date
    ));
    let prev_ur: Vec<_> = prev
        .b2bur
        .iter()
        .flat_map(|g| g.invoices.iter().cloned())
        .collect();
    let cur_ur: Vec<_> = reg
        .b2bur
        .iter()
        .flat_map(|g| g.invoices.iter().cloned())
        .collect();
    let ur = gone(
        &prev_ur,
        &cur_ur,
        |d| (d.number.as_str(), d.date),
        |d| &mut d.flag,
    );
    if !ur.is_empty() {
        del.b2bur = vec![B2bUnregistered { invoices: ur }];
    }
    del.imp_g = gone(
        &prev.imp_g,
        &reg.imp_g,
        |d| (d.bill_number.as_str(), d.bill_date),
        |d| &mut d.flag,
    );
    del.imp_ga = gone(
        &prev.imp_ga,
        &reg.imp_ga,
        |d| (d.bill_number.as_str(), d.bill_date),
        |d| &mut d.flag,
    );
    del.imp_s = gone(
        &prev.imp_s,
        &reg.imp_s,
        |d| (d.number.as_str(), d.date),
        |d| &mut d.flag,
    );
    del.imp_sa = gone(
        &prev.imp_sa,
        &reg.imp_sa,
        |d| (d.number.as_str(), d.date),
        |d| &mut d.flag,
    );
    del.cdnur = gone(
        &prev.cdnur,
        &reg.cdnur,
        |d| (d.note_type.as_str(), d.number.as_str(), d.date),
        |d| &mut d.flag,
    );
    del.txi = gone(
        &prev.txi,
        &reg.txi,
        |d| (d.place_of_supply, d.supply_type.as_str()),
        |d| &mut d.flag,
    );
    del.txpd = gone(
        &prev.txpd,
        &reg.txpd,
        |d| (d.place_of_supply, d.supply_type.as_str()),
        |d| &mut d.flag,
    );
    del.atxi = gone(
        &prev.atxi,
        &reg.atxi,
        |d| (d.counterparty.as_str(), d.number.as_str(), d.date),
        |d| &mut d.flag,
    );
    del
}

#[cfg(test)]
mod tests;
