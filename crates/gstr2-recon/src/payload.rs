//! The GSTR2 save payloads built from a report (seed Step-2 and Step-5): new and modified
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

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use gstr2_model::codes::{Flag, YesNo};
use gstr2_model::gstr2a::{
    Gstr2aAmendedInvoice, Gstr2aAmendedNote, Gstr2aB2bSupplier, Gstr2aB2baSupplier,
    Gstr2aCdnSupplier, Gstr2aCdnaSupplier, Gstr2aInvoice, Gstr2aNote,
};
use gstr2_model::tables::b2b::{B2bInvoice, B2bSupplier};
use gstr2_model::tables::b2b_unregistered::B2bUnregistered;
use gstr2_model::tables::b2ba::{B2baInvoice, B2baSupplier};
use gstr2_model::tables::cdn::{CdnSupplier, CreditDebitNote};
use gstr2_model::tables::cdna::{CdnaSupplier, CreditDebitNoteAmendment};
use gstr2_model::{Gstin, Gstr2Payload, Gstr2a, Itc, Item, StateCode};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::report::{ActionFlag, DocKey, DocKind, DocSide, MatchResult, Report, Section};
use crate::{Reconciler, Source};

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
/// document, the action and where its documents sit in the inputs. A few dozen bytes per
/// result: [`Reconciler::stream`] returns one so that payloads can be built after its
/// results are gone.
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

/// A supplier block of `b2b`, `b2ba`, `cdn` or `cdna`, of the register or of GSTR2A: what the
/// payload builder needs to find a result's document again.
trait Block {
    /// The block's document type.
    type Doc;
    /// The supplier (`ctin`).
    fn gstin(&self) -> Gstin;
    /// The documents (`inv` or `nt`).
    fn docs(&self) -> &[Self::Doc];
    /// A document's number and date.
    fn key_of(doc: &Self::Doc) -> (&str, NaiveDate);
    /// The documents, given up.
    fn into_docs(self) -> Vec<Self::Doc>;
}

macro_rules! block {
    ($($block:ty => $field:ident: $doc:ty),* $(,)?) => {$(
        impl Block for $block {
            type Doc = $doc;
            fn gstin(&self) -> Gstin {
                self.supplier_gstin
            }
            fn docs(&self) -> &[$doc] {
                &self.$field
            }
            fn key_of(doc: &$doc) -> (&str, NaiveDate) {
                (&doc.number, doc.date)
            }
            fn into_docs(self) -> Vec<$doc> {
                self.$field
            }
        }
    )*};
}

block! {
    B2bSupplier => invoices: B2bInvoice,
    B2baSupplier => invoices: B2baInvoice,
    CdnSupplier => notes: CreditDebitNote,
    CdnaSupplier => notes: CreditDebitNoteAmendment,
    Gstr2aB2bSupplier => invoices: Gstr2aInvoice,
    Gstr2aB2baSupplier => invoices: Gstr2aAmendedInvoice,
    Gstr2aCdnSupplier => notes: Gstr2aNote,
    Gstr2aCdnaSupplier => notes: Gstr2aAmendedNote,
}

/// The documents of one section's supplier blocks, each handed out at most once: lent
/// documents are copied, owned ones moved.
enum Pool<'a, D> {
    /// Borrowed blocks, with a mark per document handed out.
    Lent(Vec<(Gstin, &'a [D], Vec<bool>)>),
    /// Blocks given up. `Option<D>` is as large as `D` (the documents' strings leave it room),
    /// so turning each block's `Vec<D>` into `Vec<Option<D>>` reuses its memory.
    Owned(Vec<(Gstin, Vec<Option<D>>)>),
}

impl<'a, D: Clone> Pool<'a, D> {
    fn lent<B: Block<Doc = D>>(blocks: &'a [B]) -> Self {
        Pool::Lent(
            blocks
                .iter()
                .map(|b| (b.gstin(), b.docs(), vec![false; b.docs().len()]))
                .collect(),
        )
    }

    fn owned<B: Block<Doc = D>>(blocks: Vec<B>) -> Self {
        Pool::Owned(
            blocks
                .into_iter()
                .map(|b| (b.gstin(), b.into_docs().into_iter().map(Some).collect()))
                .collect(),
        )
    }

    /// Takes the document a result's side was made from, checked to be that document (same
    /// number and date), with its supplier.
    fn take<B: Block<Doc = D>>(&mut self, doc: &PlannedDoc) -> Option<(Gstin, D)> {
        let (supplier, at) = doc.at?;
        let (supplier, at) = (supplier as usize, at as usize);
        let is_it = |d: &D| {
            let (number, date) = B::key_of(d);
            fingerprint(number, date) == doc.fingerprint
        };
        match self {
            Pool::Lent(blocks) => blocks.get_mut(supplier).and_then(|(gstin, docs, taken)| {
                let d = docs.get(at).filter(|d| is_it(d))?;
                let taken = taken.get_mut(at).filter(|t| !**t)?;
                *taken = true;
                Some((*gstin, d.clone()))
            }),
            Pool::Owned(blocks) => blocks.get_mut(supplier).and_then(|(gstin, docs)| {
                let slot = docs.get_mut(at).filter(|d| d.as_ref().is_some_and(is_it))?;
                Some((*gstin, slot.take()?))
            }),
        }
    }

    /// The items of a document not yet handed out: lent to be copied, or owned to be moved.
    fn items(
        &mut self,
        supplier: usize,
        doc: usize,
        lent: impl FnOnce(&'a D) -> &'a Vec<Item>,
        owned: impl FnOnce(&mut D) -> &mut Vec<Item>,
    ) -> Option<OwnItems<'_>> {
        match self {
            Pool::Lent(blocks) => {
                let (_, docs, taken) = blocks.get(supplier)?;
                let d = docs.get(doc).filter(|_| taken.get(doc) == Some(&false))?;
                Some(OwnItems::Lent(lent(d)))
            }
            Pool::Owned(blocks) => {
                let d = blocks.get_mut(supplier)?.1.get_mut(doc)?.as_mut()?;
                Some(OwnItems::Owned(owned(d)))
            }
        }
    }
}

/// The register's supplier sections, as pools.
struct OwnPools<'a> {
    b2b: Pool<'a, B2bInvoice>,
    b2ba: Pool<'a, B2baInvoice>,
    cdn: Pool<'a, CreditDebitNote>,
    cdna: Pool<'a, CreditDebitNoteAmendment>,
}

/// GSTR2A's supplier sections, as pools.
struct CounterpartyPools<'a> {
    b2b: Pool<'a, Gstr2aInvoice>,
    b2ba: Pool<'a, Gstr2aAmendedInvoice>,
    cdn: Pool<'a, Gstr2aNote>,
    cdna: Pool<'a, Gstr2aAmendedNote>,
}

impl CounterpartyPools<'_> {
    fn lent(a: &Gstr2a) -> CounterpartyPools<'_> {
        CounterpartyPools {
            b2b: Pool::lent(&a.b2b),
            b2ba: Pool::lent(&a.b2ba),
            cdn: Pool::lent(&a.cdn),
            cdna: Pool::lent(&a.cdna),
        }
    }

    fn owned(a: Gstr2a) -> CounterpartyPools<'static> {
        CounterpartyPools {
            b2b: Pool::owned(a.b2b),
            b2ba: Pool::owned(a.b2ba),
            cdn: Pool::owned(a.cdn),
            cdna: Pool::owned(a.cdna),
        }
    }
}

impl OwnPools<'_> {
    fn lent(reg: &Gstr2Payload) -> OwnPools<'_> {
        OwnPools {
            b2b: Pool::lent(&reg.b2b),
            b2ba: Pool::lent(&reg.b2ba),
            cdn: Pool::lent(&reg.cdn),
            cdna: Pool::lent(&reg.cdna),
        }
    }

    /// Takes the four supplier sections out of the register.
    fn owned(reg: &mut Gstr2Payload) -> OwnPools<'static> {
        OwnPools {
            b2b: Pool::owned(std::mem::take(&mut reg.b2b)),
            b2ba: Pool::owned(std::mem::take(&mut reg.b2ba)),
            cdn: Pool::owned(std::mem::take(&mut reg.cdn)),
            cdna: Pool::owned(std::mem::take(&mut reg.cdna)),
        }
    }

    /// The items of a register document, for the ITC of its paired counterparty document.
    fn items(&mut self, doc: &PlannedDoc) -> Option<OwnItems<'_>> {
        let (s, d) = doc.at?;
        let (s, d) = (s as usize, d as usize);
        match doc.section {
            Section::B2b => self.b2b.items(s, d, |x| &x.items, |x| &mut x.items),
            Section::B2ba => self.b2ba.items(s, d, |x| &x.items, |x| &mut x.items),
            Section::Cdn => self.cdn.items(s, d, |x| &x.items, |x| &mut x.items),
            Section::Cdna => self.cdna.items(s, d, |x| &x.items, |x| &mut x.items),
            // Other sections are never the register's.
            _ => None,
        }
    }
}

/// Adds a document to its supplier's list in a section being built.
fn push<D>(section: &mut BTreeMap<Gstin, (Option<YesNo>, Vec<D>)>, ctin: Gstin, doc: D) {
    // Results come ordered by supplier: the supplier is nearly always the last one added.
    if let Some(mut last) = section.last_entry() {
        if *last.key() == ctin {
            last.get_mut().1.push(doc);
            return;
        }
    }
    section
        .entry(ctin)
        .or_insert_with(|| (None, Vec::new()))
        .1
        .push(doc);
}

/// A register document turned into an upload: no flag, no checksum, amounts in GSTN's form.
trait AsUpload: Clone {
    /// Clears the wire marks; `sign_normalised` says the register wrote a note negative.
    fn as_upload(&mut self, sign_normalised: bool);
}

macro_rules! as_upload {
    (invoice: $($t:ty),*) => {$(
        impl AsUpload for $t {
            fn as_upload(&mut self, _sign_normalised: bool) {
                self.flag = None;
                self.checksum = None;
            }
        }
    )*};
    (note: $($t:ty),*) => {$(
        impl AsUpload for $t {
            fn as_upload(&mut self, sign_normalised: bool) {
                self.flag = None;
                self.checksum = None;
                if sign_normalised {
                    positive_note(&mut self.value, &mut self.items);
                }
            }
        }
    )*};
}

as_upload!(invoice: B2bInvoice, B2baInvoice);
as_upload!(note: CreditDebitNote, CreditDebitNoteAmendment);

/// Adds a taxpayer-only document to the upsert payload as an upload.
fn push_upload<B: Block>(
    pool: &mut Pool<'_, B::Doc>,
    own: &PlannedDoc,
    section: &mut BTreeMap<Gstin, (Option<YesNo>, Vec<B::Doc>)>,
) -> Option<()>
where
    B::Doc: AsUpload,
{
    let (ctin, mut doc) = pool.take::<B>(own)?;
    doc.as_upload(own.sign_normalised);
    push(section, ctin, doc);
    Some(())
}

/// The taxpayer's items whose ITC an accepted counterparty document takes: copied from a lent
/// register, moved out of a given-up one (the taxpayer's document is not sent with Accept).
enum OwnItems<'p> {
    Lent(&'p [Item]),
    Owned(&'p mut [Item]),
}

impl OwnItems<'_> {
    fn items(&self) -> &[Item] {
        match self {
            OwnItems::Lent(items) => items,
            OwnItems::Owned(items) => items,
        }
    }

    /// The ITC of item `k`: a copy, or the item's own, taken.
    fn itc(&mut self, k: usize) -> Option<Box<Itc>> {
        match self {
            OwnItems::Lent(items) => items.get(k)?.itc.clone(),
            OwnItems::Owned(items) => items.get_mut(k)?.itc.take(),
        }
    }
}

/// Gives each counterparty item the ITC of the taxpayer's first unused item at the same rate.
fn with_itc(mut items: Vec<Item>, own: Option<OwnItems<'_>>) -> Vec<Item> {
    let Some(mut own) = own else { return items };
    // Which of the taxpayer's items are used: a bit each for the usual few, a list beyond.
    let mut few: u64 = 0;
    let mut many = vec![
        false;
        if own.items().len() > 64 {
            own.items().len()
        } else {
            0
        }
    ];
    for i in &mut items {
        let free = |k: usize| match many.get(k) {
            Some(used) => !used,
            None => k < 64 && few & (1 << k) == 0,
        };
        let found = own
            .items()
            .iter()
            .enumerate()
            .position(|(k, o)| free(k) && o.detail.rate == i.detail.rate && o.itc.is_some());
        if let Some(k) = found {
            match many.get_mut(k) {
                Some(used) => *used = true,
                None => few |= 1 << k,
            }
            i.itc = own.itc(k);
        }
    }
    items
}

#[derive(Default)]
struct Sections {
    b2b: BTreeMap<Gstin, (Option<YesNo>, Vec<B2bInvoice>)>,
    b2ba: BTreeMap<Gstin, (Option<YesNo>, Vec<B2baInvoice>)>,
    cdn: BTreeMap<Gstin, (Option<YesNo>, Vec<CreditDebitNote>)>,
    cdna: BTreeMap<Gstin, (Option<YesNo>, Vec<CreditDebitNoteAmendment>)>,
}

impl Sections {
    fn into_payload(self, p: &mut Gstr2Payload) {
        p.b2b = self
            .b2b
            .into_iter()
            .map(|(ctin, (cfs, mut v))| {
                v.sort_by(|a, b| (&a.number, a.date).cmp(&(&b.number, b.date)));
                B2bSupplier {
                    supplier_gstin: ctin,
                    filing_status: cfs,
                    invoices: v,
                }
            })
            .collect();
        p.b2ba = self
            .b2ba
            .into_iter()
            .map(|(ctin, (cfs, mut v))| {
                v.sort_by(|a, b| (&a.number, a.date).cmp(&(&b.number, b.date)));
                B2baSupplier {
                    supplier_gstin: ctin,
                    filing_status: cfs,
                    invoices: v,
                }
            })
            .collect();
        p.cdn = self
            .cdn
            .into_iter()
            .map(|(ctin, (cfs, mut v))| {
                v.sort_by(|a, b| {
                    (&a.number, a.date, a.note_type.as_str()).cmp(&(
                        &b.number,
                        b.date,
                        b.note_type.as_str(),
                    ))
                });
                CdnSupplier {
                    supplier_gstin: ctin,
                    filing_status: cfs,
                    notes: v,
                }
            })
            .collect();
        p.cdna = self
            .cdna
            .into_iter()
            .map(|(ctin, (cfs, mut v))| {
                v.sort_by(|a, b| {
                    (&a.number, a.date, a.note_type.as_str()).cmp(&(
                        &b.number,
                        b.date,
                        b.note_type.as_str(),
                    ))
                });
                CdnaSupplier {
                    supplier_gstin: ctin,
                    filing_status: cfs,
                    notes: v,
                }
            })
            .collect();
    }
}

/// A counterparty document's place of supply: its own, else the taxpayer's side's, else the
/// supplier's state.
fn place_of_supply(
    pos: Option<StateCode>,
    own: Option<&PlannedDoc>,
    ctin: Gstin,
    key: impl FnOnce() -> DocKey,
) -> Result<StateCode, Failure> {
    pos.or_else(|| own.and_then(|o| o.place_of_supply))
        .or_else(|| ctin.state_code())
        .ok_or_else(|| Failure::Payload(PayloadError::NoPlaceOfSupply { key: key() }))
}

/// The upsert payload's sections that pass through from a lent register, and the delete
/// payload.
fn lent_parts(inputs: &Reconciler<'_>) -> (Gstr2Payload, Gstr2Payload) {
    let reg = inputs.register();
    // The sections with no counterparty side pass through from the register unchanged, as
    // `owned_parts` passes them; named one by one, so that a section added to the payload
    // must be placed here too.
    let Gstr2Payload {
        gstin,
        fp,
        b2b: _,
        b2ba: _,
        cdn: _,
        cdna: _,
        b2bur,
        imp_g,
        imp_ga,
        imp_s,
        imp_sa,
        cdnur,
        nil_supplies,
        itc_rvsl,
        txi,
        atxi,
        txpd,
        hsnsum,
        other_sections,
    } = reg;
    let upsert = Gstr2Payload {
        gstin: *gstin,
        fp: *fp,
        b2b: Vec::new(),
        b2ba: Vec::new(),
        cdn: Vec::new(),
        cdna: Vec::new(),
        b2bur: b2bur.clone(),
        imp_g: imp_g.clone(),
        imp_ga: imp_ga.clone(),
        imp_s: imp_s.clone(),
        imp_sa: imp_sa.clone(),
        cdnur: cdnur.clone(),
        nil_supplies: nil_supplies.clone(),
        itc_rvsl: itc_rvsl.clone(),
        txi: txi.clone(),
        atxi: atxi.clone(),
        txpd: txpd.clone(),
        hsnsum: hsnsum.clone(),
        other_sections: other_sections.clone(),
    };
    let delete = match inputs.saved() {
        Some(prev) => deletions(reg, prev),
        None => Gstr2Payload::new(reg.gstin, reg.fp),
    };
    (upsert, delete)
}

/// A given-up register as pools of its supplier sections, the rest of it (which passes
/// through to the upsert payload), and the delete payload.
fn owned_parts(
    mut register: Gstr2Payload,
    previously_saved: Option<&Gstr2Payload>,
) -> (OwnPools<'static>, Gstr2Payload, Gstr2Payload) {
    let delete = match previously_saved {
        Some(prev) => deletions(&register, prev),
        None => Gstr2Payload::new(register.gstin, register.fp),
    };
    // What stays in the register once its supplier sections are out passes through unchanged.
    let own = OwnPools::owned(&mut register);
    (own, register, delete)
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

/// Puts into `upsert` (which holds the sections that pass through) the documents the plan
/// sends, taken from the pools.
fn build(
    mut own_pool: OwnPools<'_>,
    mut cp_pool: CounterpartyPools<'_>,
    plan: &[Planned],
    mut upsert: Gstr2Payload,
    delete: Gstr2Payload,
) -> Result<SavePayloads, Failure> {
    let mut up = Sections::default();
    for r in plan {
        let missing = |side, doc: &PlannedDoc| Failure::Missing {
            result: r.result,
            side,
            section: doc.section,
        };
        match (&r.counterparty, &r.own) {
            (Some(c), own)
                if matches!(
                    r.action,
                    ActionFlag::Accept | ActionFlag::Reject | ActionFlag::Pending
                ) =>
            {
                let flag = Some(r.action.flag());
                let own_items = match (r.action, own) {
                    (ActionFlag::Accept, Some(o)) => own_pool.items(o),
                    _ => None,
                };
                let own = own.as_ref();
                let lost = || missing("counterparty", c);
                match c.section {
                    Section::B2b => {
                        let (ctin, d) =
                            cp_pool.b2b.take::<Gstr2aB2bSupplier>(c).ok_or_else(lost)?;
                        let key = || invoice_key(ctin, &d.number, d.date);
                        let inv = B2bInvoice {
                            flag,
                            place_of_supply: place_of_supply(d.place_of_supply, own, ctin, key)?,
                            checksum: d.checksum,
                            number: d.number,
                            date: d.date,
                            value: d.value,
                            reverse_charge: d.reverse_charge.unwrap_or(YesNo::No),
                            uploaded_by: None,
                            counterparty_flag: None,
                            original_period: None,
                            invoice_type: d.invoice_type,
                            items: with_itc(d.items, own_items),
                        };
                        push(&mut up.b2b, ctin, inv);
                    }
                    Section::B2ba => {
                        let (ctin, d) = cp_pool
                            .b2ba
                            .take::<Gstr2aB2baSupplier>(c)
                            .ok_or_else(lost)?;
                        let key = || invoice_key(ctin, &d.number, d.date);
                        let inv = B2baInvoice {
                            flag,
                            place_of_supply: place_of_supply(d.place_of_supply, own, ctin, key)?,
                            checksum: d.checksum,
                            original_number: d.original_number,
                            original_date: d.original_date,
                            number: d.number,
                            date: d.date,
                            value: d.value,
                            reverse_charge: d.reverse_charge.unwrap_or(YesNo::No),
                            uploaded_by: None,
                            invoice_type: d.invoice_type,
                            items: with_itc(d.items, own_items),
                        };
                        push(&mut up.b2ba, ctin, inv);
                    }
                    Section::Cdn => {
                        let (ctin, d) =
                            cp_pool.cdn.take::<Gstr2aCdnSupplier>(c).ok_or_else(lost)?;
                        let nt = CreditDebitNote {
                            flag,
                            checksum: d.checksum,
                            note_type: d.note_type,
                            number: d.number,
                            date: d.date,
                            reason: None,
                            pre_gst: d.pre_gst,
                            invoice_number: d.invoice_number,
                            invoice_date: d.invoice_date,
                            value: d.value,
                            uploaded_by: None,
                            counterparty_flag: None,
                            original_period: None,
                            items: with_itc(d.items, own_items),
                        };
                        push(&mut up.cdn, ctin, nt);
                    }
                    Section::Cdna => {
                        let (ctin, d) = cp_pool
                            .cdna
                            .take::<Gstr2aCdnaSupplier>(c)
                            .ok_or_else(lost)?;
                        let nt = CreditDebitNoteAmendment {
                            flag,
                            checksum: d.checksum,
                            note_type: d.note_type,
                            original_number: d.original_number,
                            original_date: d.original_date,
                            number: d.number,
                            date: d.date,
                            reason: None,
                            pre_gst: d.pre_gst,
                            invoice_number: d.invoice_number,
                            invoice_date: d.invoice_date,
                            value: d.value,
                            uploaded_by: None,
                            reverse_charge: d.reverse_charge,
                            items: with_itc(d.items, own_items),
                        };
                        push(&mut up.cdna, ctin, nt);
                    }
                    // GSTR2A has no other section: the plan is not of these inputs.
                    _ => return Err(lost()),
                }
            }
            (None, Some(o)) if r.action == ActionFlag::Upload => {
                let pushed = match o.section {
                    Section::B2b => push_upload::<B2bSupplier>(&mut own_pool.b2b, o, &mut up.b2b),
                    Section::B2ba => {
                        push_upload::<B2baSupplier>(&mut own_pool.b2ba, o, &mut up.b2ba)
                    }
                    Section::Cdn => push_upload::<CdnSupplier>(&mut own_pool.cdn, o, &mut up.cdn),
                    Section::Cdna => {
                        push_upload::<CdnaSupplier>(&mut own_pool.cdna, o, &mut up.cdna)
                    }
                    // Other sections are never the register's.
                    _ => None,
                };
                pushed.ok_or_else(|| missing("own", o))?;
            }
            _ => {}
        }
    }
    up.into_payload(&mut upsert);
    Ok(SavePayloads { upsert, delete })
}

/// The key of a counterparty invoice, for errors.
fn invoice_key(supplier: Gstin, number: &str, date: NaiveDate) -> DocKey {
    DocKey {
        supplier,
        kind: DocKind::Invoice,
        number: number.to_owned(),
        date,
    }
}

/// GSTN's form of a note the register wrote negative: every amount positive.
fn positive_note(value: &mut rust_decimal::Decimal, items: &mut [Item]) {
    *value = value.abs();
    for i in items {
        let d = &mut i.detail;
        d.taxable_value = d.taxable_value.abs();
        for v in [&mut d.igst, &mut d.cgst, &mut d.sgst, &mut d.cess]
            .into_iter()
            .flatten()
        {
            *v = v.abs();
        }
        if let Some(c) = i.itc.as_mut() {
            for v in [&mut c.igst, &mut c.cgst, &mut c.sgst, &mut c.cess]
                .into_iter()
                .flatten()
            {
                *v = v.abs();
            }
        }
    }
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
mod tests {
    use super::*;
    use std::mem::size_of;

    fn item(rate: i64, itc: Option<i64>) -> Item {
        let mut i: Item = gstr2_model::json::from_str(&format!(
            r#"{{"num":1,"itm_det":{{"rt":{rate},"txval":100,"iamt":1}}}}"#
        ))
        .expect("valid item");
        i.itc = itc.map(|v| {
            let text = format!(r#"{{"elg":"ip","tx_i":{v}}}"#);
            Box::new(gstr2_model::json::from_str(&text).expect("valid itc"))
        });
        i
    }

    #[test]
    fn each_taxpayer_item_lends_its_itc_once_at_the_same_rate() {
        for n in [1, 3, 64, 65, 130] {
            let own: Vec<Item> = (0..n).map(|k| item(18, Some(k))).collect();
            let mut cp: Vec<Item> = (0..n).map(|_| item(18, None)).collect();
            cp.push(item(18, None));
            cp.push(item(5, None));
            let out = with_itc(cp, Some(OwnItems::Lent(&own)));
            for (k, i) in out.iter().take(n as usize).enumerate() {
                assert_eq!(i.itc, own[k].itc, "{n} items, item {k}");
            }
            assert_eq!(out[n as usize].itc, None, "no taxpayer item left at 18");
            assert_eq!(out[n as usize + 1].itc, None, "no taxpayer item at 5");
            // Given-up items lend the same ITC by moving it out.
            let mut given_up = own.clone();
            let cp: Vec<Item> = (0..=n).map(|_| item(18, None)).collect();
            let moved = with_itc(cp, Some(OwnItems::Owned(&mut given_up)));
            assert_eq!(&moved[..n as usize], &out[..n as usize], "{n} items moved");
            assert!(
                given_up.iter().all(|i| i.itc.is_none()),
                "{n} items moved out"
            );
        }
        let out = with_itc(
            vec![item(5, None), item(18, None)],
            Some(OwnItems::Lent(&[item(18, Some(7)), item(5, None)])),
        );
        assert_eq!(out[0].itc, None, "the item at 5 claims no ITC");
        assert_eq!(
            out[1].itc,
            Some(Box::new(
                gstr2_model::json::from_str(r#"{"elg":"ip","tx_i":7}"#).expect("valid")
            ))
        );
    }

    #[test]
    fn given_up_blocks_are_pooled_in_their_own_memory() {
        assert_eq!(size_of::<Option<B2bInvoice>>(), size_of::<B2bInvoice>());
        assert_eq!(size_of::<Option<B2baInvoice>>(), size_of::<B2baInvoice>());
        assert_eq!(
            size_of::<Option<CreditDebitNote>>(),
            size_of::<CreditDebitNote>()
        );
        assert_eq!(
            size_of::<Option<CreditDebitNoteAmendment>>(),
            size_of::<CreditDebitNoteAmendment>()
        );
        assert_eq!(
            size_of::<Option<Gstr2aInvoice>>(),
            size_of::<Gstr2aInvoice>()
        );
        assert_eq!(
            size_of::<Option<Gstr2aAmendedInvoice>>(),
            size_of::<Gstr2aAmendedInvoice>()
        );
        assert_eq!(size_of::<Option<Gstr2aNote>>(), size_of::<Gstr2aNote>());
        assert_eq!(
            size_of::<Option<Gstr2aAmendedNote>>(),
            size_of::<Gstr2aAmendedNote>()
        );
    }

    fn inputs_of(register: &str, gstr2a: &str) -> (Gstr2Payload, Gstr2a) {
        (
            gstr2_model::json::from_str(register).expect("valid register"),
            gstr2_model::json::from_str(gstr2a).expect("valid GSTR2A"),
        )
    }

    fn inputs<'a>(register: &'a Gstr2Payload, gstr2a: &'a Gstr2a) -> Reconciler<'a> {
        Reconciler::new(register, gstr2a)
    }

    const REGISTER: &str = r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017","b2b":[{"ctin":"33GSPTN4811G1ZC",
        "inv":[{"inum":"S1","idt":"24-07-2017","val":118,"pos":"27","rchrg":"N",
        "itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]}]}]}"#;
    const GSTR2A: &str = r#"{"b2b":[{"ctin":"33GSPTN4811G1ZC","cfs":"Y","inv":[{"chksum":"c",
        "inum":"S2","idt":"24-07-2017","val":118,"rchrg":"N",
        "itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]}]}]}"#;

    #[test]
    fn a_report_or_plan_from_other_inputs_is_refused_naming_the_document() {
        let (reg, a) = inputs_of(REGISTER, GSTR2A);
        let inputs = inputs(&reg, &a);
        let report = inputs.run().expect("reconciled");
        // Read back from JSON, the report no longer knows where its documents sit.
        let text = serde_json::to_string(&report).expect("serialized");
        let read_back: Report = serde_json::from_str(&text).expect("read back");
        let e = save_payloads(&inputs, &read_back).expect_err("not from these inputs");
        assert!(
            matches!(&e, PayloadError::NotFromTheseInputs { side: "own", key, .. } if key.number == "S1"),
            "{e}"
        );
        assert!(e.to_string().contains("S1"), "{e}");
        // Another register with another document at the same place.
        let other = REGISTER.replace("\"S1\"", "\"S9\"");
        let (reg2, a2) = inputs_of(&other, GSTR2A);
        let e = into_save_payloads(reg2.clone(), a2.clone(), None, &report)
            .expect_err("not from these inputs");
        assert!(
            matches!(&e, PayloadError::NotFromTheseInputs { side: "own", key, .. } if key.number == "S1"),
            "{e}"
        );
        let plan = PayloadPlan::of(&report);
        assert_eq!(plan.len(), 2);
        let e = plan
            .into_payloads(reg2, a2, None)
            .expect_err("not from these inputs");
        assert!(
            matches!(
                &e,
                PayloadError::PlanNotFromTheseInputs {
                    side: "own",
                    result: 0,
                    section: "b2b"
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn a_counterparty_invoice_without_any_place_of_supply_is_refused() {
        // A GSTR2A invoice with no pos, no register side, and a supplier GSTIN whose state
        // code is not a state (a UN body's "99").
        let gstr2a = GSTR2A.replace("33GSPTN4811G1ZC", "9917UNO00001OSQ");
        let (reg, a) = inputs_of(REGISTER, &gstr2a);
        let inputs = inputs(&reg, &a);
        let report = inputs.run().expect("reconciled");
        match save_payloads(&inputs, &report) {
            Err(PayloadError::NoPlaceOfSupply { key }) => assert_eq!(key.number, "S2"),
            other => panic!("expected NoPlaceOfSupply, got {other:?}"),
        }
    }
}
