//! Building the payloads: the register's and GSTR2A's supplier sections as pools the plan
//! takes its documents from (lent, and copied; or given up, and moved), the sections being
//! built, and [`build`], which puts every planned document in its place.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use gstr2_model::codes::YesNo;
use gstr2_model::gstr2a::{
    Gstr2aAmendedInvoice, Gstr2aAmendedNote, Gstr2aB2bSupplier, Gstr2aB2baSupplier,
    Gstr2aCdnSupplier, Gstr2aCdnaSupplier, Gstr2aInvoice, Gstr2aNote,
};
use gstr2_model::tables::b2b::{B2bInvoice, B2bSupplier};
use gstr2_model::tables::b2ba::{B2baInvoice, B2baSupplier};
use gstr2_model::tables::cdn::{CdnSupplier, CreditDebitNote};
use gstr2_model::tables::cdna::{CdnaSupplier, CreditDebitNoteAmendment};
use gstr2_model::{Gstin, Gstr2Payload, Gstr2a, Itc, Item, StateCode};

use super::{deletions, fingerprint, Failure, PayloadError, Planned, PlannedDoc, SavePayloads};
use crate::report::{ActionFlag, DocKey, DocKind, Section};
use crate::Reconciler;

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
pub(super) struct OwnPools<'a> {
    b2b: Pool<'a, B2bInvoice>,
    b2ba: Pool<'a, B2baInvoice>,
    cdn: Pool<'a, CreditDebitNote>,
    cdna: Pool<'a, CreditDebitNoteAmendment>,
}

/// GSTR2A's supplier sections, as pools.
pub(super) struct CounterpartyPools<'a> {
    b2b: Pool<'a, Gstr2aInvoice>,
    b2ba: Pool<'a, Gstr2aAmendedInvoice>,
    cdn: Pool<'a, Gstr2aNote>,
    cdna: Pool<'a, Gstr2aAmendedNote>,
}

impl CounterpartyPools<'_> {
    pub(super) fn lent(a: &Gstr2a) -> CounterpartyPools<'_> {
        CounterpartyPools {
            b2b: Pool::lent(&a.b2b),
            b2ba: Pool::lent(&a.b2ba),
            cdn: Pool::lent(&a.cdn),
            cdna: Pool::lent(&a.cdna),
        }
    }

    pub(super) fn owned(a: Gstr2a) -> CounterpartyPools<'static> {
        CounterpartyPools {
            b2b: Pool::owned(a.b2b),
            b2ba: Pool::owned(a.b2ba),
            cdn: Pool::owned(a.cdn),
            cdna: Pool::owned(a.cdna),
        }
    }
}

impl OwnPools<'_> {
    pub(super) fn lent(reg: &Gstr2Payload) -> OwnPools<'_> {
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
pub(super) enum OwnItems<'p> {
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
pub(super) fn with_itc(mut items: Vec<Item>, own: Option<OwnItems<'_>>) -> Vec<Item> {
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
pub(super) fn lent_parts(inputs: &Reconciler<'_>) -> (Gstr2Payload, Gstr2Payload) {
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
pub(super) fn owned_parts(
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

/// Puts into `upsert` (which holds the sections that pass through) the documents the plan
/// sends, taken from the pools.
pub(super) fn build(
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
