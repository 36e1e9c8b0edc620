//! The matching passes. Internal: see [`crate::reconcile`] for the contract.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

use chrono::NaiveDate;
use gstr2_model::amount::AmountOverflow;
use gstr2_model::codes::{InvoiceType, YesNo};
use gstr2_model::{Gstin, Gstr2Payload, Gstr2a, Item, StateCode, TaxAmounts};
use rayon::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::config::MatchConfig;
use crate::decisions::{Decision, Decisions, StaleDecision, StaleReason};
use crate::number::{fiscal_year, normalise};
use crate::report::{
    Action, DocKey, DocKind, DocSide, Field, FieldDifference, MatchCode, MatchResult, OriginalRef,
    Reason, Rule, Section, SourceRef, Suggestion, Summary, Tallies,
};
use crate::{Progress, ReconcileError, StreamedError};

/// One document of either side, borrowed from the input, amounts made positive.
pub(crate) struct Doc<'a> {
    section: Section,
    kind: DocKind,
    supplier: Gstin,
    number: &'a str,
    norm: String,
    date: NaiveDate,
    original: Option<(&'a str, NaiveDate)>,
    value: Decimal,
    /// The items, whose taxable value and tax [`Doc::amounts`] sums when asked (kept out of
    /// the document: a million of each side are held at once).
    items: &'a [Item],
    negated: bool,
    pos: Option<StateCode>,
    rchrg: Option<YesNo>,
    inv_typ: Option<&'a InvoiceType>,
    checksum: Option<&'a str>,
    cfs: Option<YesNo>,
    source: SourceRef,
    /// Further copies of this counterparty document that GSTN listed ([`SideState::new`]).
    repeats: Repeats,
}

/// The copies of a counterparty document listed more than once, folded into the first.
#[derive(Clone, Copy, Debug, Default)]
struct Repeats {
    /// Copies beyond the first.
    more: u32,
    /// Whether a copy differs from the first ([`same_content`]).
    differ: bool,
}

/// Whether two documents of one key are equal in every compared field: then they are one
/// document listed twice, not two versions of it.
fn same_content(a: &Doc<'_>, b: &Doc<'_>) -> bool {
    a.value == b.value
        && a.items == b.items
        && a.original == b.original
        && a.pos == b.pos
        && a.rchrg == b.rchrg
        && a.inv_typ == b.inv_typ
        && a.checksum == b.checksum
}

/// What a side does with documents of the same key (section, supplier, type, number, date).
#[derive(Clone, Copy, PartialEq, Eq)]
enum OnRepeat {
    /// Keep them all: the register's own (validation reports them).
    Keep,
    /// Fold them into the first: GSTN's (a provider's answer may list one twice).
    Fold,
}

struct Fields<'a> {
    section: Section,
    kind: DocKind,
    supplier: Gstin,
    number: &'a str,
    date: NaiveDate,
    original: Option<(&'a str, NaiveDate)>,
    value: Decimal,
    items: &'a [Item],
    pos: Option<StateCode>,
    rchrg: Option<YesNo>,
    inv_typ: Option<&'a InvoiceType>,
    checksum: Option<&'a str>,
    cfs: Option<YesNo>,
    source: (usize, usize),
}

impl<'a> Doc<'a> {
    fn new(f: Fields<'a>) -> Doc<'a> {
        let negative = |v: Decimal| v.is_sign_negative() && !v.is_zero();
        // Notes: GSTN writes amounts positive and the sign in `ntty`; a register may write a
        // credit note negative. Normalise to GSTN's form.
        let negated = f.kind.is_note()
            && (negative(f.value) || f.items.iter().any(|i| negative(i.detail.taxable_value)));
        Doc {
            section: f.section,
            kind: f.kind,
            supplier: f.supplier,
            number: f.number,
            norm: normalise(f.number, f.date),
            date: f.date,
            original: f.original,
            value: if negated { f.value.abs() } else { f.value },
            items: f.items,
            negated,
            pos: f.pos,
            rchrg: f.rchrg,
            inv_typ: f.inv_typ,
            checksum: f.checksum,
            cfs: f.cfs,
            source: SourceRef {
                section: f.section,
                supplier: f.source.0,
                doc: f.source.1,
            },
            repeats: Repeats::default(),
        }
    }

    /// The reason for a counterparty document listed more than once, if it was.
    fn repeated(&self) -> Option<Reason> {
        (self.repeats.more > 0).then(|| Reason::RepeatedInGstr2a {
            copies: self.repeats.more.saturating_add(1),
            identical: !self.repeats.differ,
        })
    }

    /// Which of the document's amounts overflows a decimal when its items' magnitudes are
    /// added up (`its taxable value`, `its tax`), if one does. When none does, no sum of the
    /// document's amounts over some of its items, in any order, overflows (|a + b| ≤
    /// |a| + |b|): [`SideState::new`] turns such a document away, and the sums below rely on it.
    fn overflow(&self) -> Option<&'static str> {
        // The usual case without adding anything: fewer than 2^15 items whose magnitudes are
        // below 2^80 (about 1.2 × 10²⁴; a magnitude is at most its mantissa) add up to less
        // than 2^95, within a decimal.
        let small = |d: Decimal| d.mantissa().unsigned_abs() < 1 << 80;
        if self.items.len() < 1 << 15
            && self.items.iter().all(|i| {
                let d = &i.detail;
                small(d.taxable_value)
                    && [d.igst, d.cgst, d.sgst, d.cess]
                        .into_iter()
                        .flatten()
                        .all(small)
            })
        {
            return None;
        }
        let mut taxable = Decimal::ZERO;
        let mut tax = TaxAmounts::default();
        for i in self.items {
            taxable = match taxable.checked_add(i.detail.taxable_value.abs()) {
                Some(sum) => sum,
                None => return Some("its taxable value"),
            };
            tax = match tax.checked_add(&i.detail.tax().abs()) {
                Some(sum) => sum,
                None => return Some("its tax"),
            };
        }
        None
    }

    /// Taxable value and tax of all items, positive for a note the register wrote negative.
    fn amounts(&self) -> (Decimal, TaxAmounts) {
        self.items.iter().map(|i| self.item_amounts(i)).fold(
            (Decimal::ZERO, TaxAmounts::default()),
            |(v, t), (_, iv, it)| (add_fitting(v, iv), add_tax_fitting(&t, &it)),
        )
    }

    /// An item's rate, taxable value and tax, positive for a note the register wrote negative.
    fn item_amounts(&self, i: &Item) -> (Decimal, Decimal, TaxAmounts) {
        let t = i.detail.tax();
        if self.negated {
            (
                i.detail.rate.abs(),
                i.detail.taxable_value.abs(),
                TaxAmounts {
                    igst: t.igst.abs(),
                    cgst: t.cgst.abs(),
                    sgst: t.sgst.abs(),
                    cess: t.cess.abs(),
                },
            )
        } else {
            (i.detail.rate, i.detail.taxable_value, t)
        }
    }

    fn key(&self) -> DocKey {
        DocKey {
            supplier: self.supplier,
            kind: self.kind,
            number: self.number.to_owned(),
            date: self.date,
        }
    }

    fn matches_key(&self, k: &DocKey) -> bool {
        self.supplier == k.supplier
            && self.kind == k.kind
            && self.number == k.number
            && self.date == k.date
    }

    fn key_cmp(&self, k: &DocKey) -> Ordering {
        (self.supplier, self.kind, self.number, self.date).cmp(&(
            k.supplier,
            k.kind,
            k.number.as_str(),
            k.date,
        ))
    }

    /// Taxable value and tax per rate, rates ascending, amounts positive for notes.
    fn by_rate(&self) -> Vec<(Decimal, Decimal, TaxAmounts)> {
        let mut v: Vec<(Decimal, Decimal, TaxAmounts)> =
            self.items.iter().map(|i| self.item_amounts(i)).collect();
        if v.len() > 1 {
            v.sort_by_key(|a| a.0);
            v.dedup_by(|later, kept| {
                if later.0 == kept.0 {
                    kept.1 = add_fitting(kept.1, later.1);
                    kept.2 = add_tax_fitting(&kept.2, &later.2);
                    true
                } else {
                    false
                }
            });
        }
        v
    }

    fn side(&self, replaces: Vec<DocKey>) -> DocSide {
        let (taxable_value, tax) = self.amounts();
        DocSide {
            key: self.key(),
            section: self.section,
            normalised_number: self.norm.clone(),
            amends: self.original.map(|(n, d)| OriginalRef {
                number: n.to_owned(),
                date: d,
            }),
            replaces,
            value: self.value,
            taxable_value,
            tax,
            place_of_supply: self.pos,
            reverse_charge: self.rchrg.clone(),
            invoice_type: self.inv_typ.cloned(),
            sign_normalised: self.negated,
            checksum: self.checksum.map(str::to_owned),
            filing_status: self.cfs.clone(),
            source: Some(self.source),
        }
    }
}

/// The canonical order: by key, then by content, so that results never depend on input order.
fn canonical(a: &Doc<'_>, b: &Doc<'_>) -> Ordering {
    (a.supplier, a.kind, a.number, a.date, a.section)
        .cmp(&(b.supplier, b.kind, b.number, b.date, b.section))
        .then_with(|| a.value.cmp(&b.value))
        .then_with(|| {
            let ((ta, xa), (tb, xb)) = (a.amounts(), b.amounts());
            (ta, xa.igst, xa.cgst, xa.sgst, xa.cess).cmp(&(tb, xb.igst, xb.cgst, xb.sgst, xb.cess))
        })
        .then_with(|| a.original.cmp(&b.original))
        .then_with(|| a.pos.cmp(&b.pos))
        .then_with(|| a.checksum.cmp(&b.checksum))
}

/// `a + b` for two sums of one document's amounts, which [`Doc::overflow`] found to fit: it
/// cannot overflow. Checked all the same; should that ever not hold (a bug), the sum saturates
/// at a decimal's limits instead of panicking.
fn add_fitting(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or_else(|| {
        debug_assert!(
            false,
            "a document's amounts beyond what Doc::overflow checked"
        );
        a.saturating_add(b)
    })
}

/// [`add_fitting`] head by head.
fn add_tax_fitting(a: &TaxAmounts, b: &TaxAmounts) -> TaxAmounts {
    TaxAmounts {
        igst: add_fitting(a.igst, b.igst),
        cgst: add_fitting(a.cgst, b.cgst),
        sgst: add_fitting(a.sgst, b.sgst),
        cess: add_fitting(a.cess, b.cess),
    }
}

/// Whether `a` and `b` differ by at most `tolerance`; a difference that overflows a decimal is
/// beyond any tolerance.
fn within(a: Decimal, b: Decimal, tolerance: Decimal) -> bool {
    a.checked_sub(b).is_some_and(|d| d.abs() <= tolerance)
}

pub(crate) fn own_docs(p: &Gstr2Payload) -> Vec<Doc<'_>> {
    let mut v = Vec::with_capacity(
        p.document_count(gstr2_model::Table::B2b) + p.document_count(gstr2_model::Table::Cdn),
    );
    for (si, s) in p.b2b.iter().enumerate() {
        for (di, d) in s.invoices.iter().enumerate() {
            v.push(Doc::new(Fields {
                section: Section::B2b,
                kind: DocKind::Invoice,
                supplier: s.supplier_gstin,
                number: &d.number,
                date: d.date,
                original: None,
                value: d.value,
                items: &d.items,
                pos: Some(d.place_of_supply),
                rchrg: Some(d.reverse_charge.clone()),
                inv_typ: d.invoice_type.as_ref(),
                checksum: None,
                cfs: None,
                source: (si, di),
            }));
        }
    }
    for (si, s) in p.b2ba.iter().enumerate() {
        for (di, d) in s.invoices.iter().enumerate() {
            v.push(Doc::new(Fields {
                section: Section::B2ba,
                kind: DocKind::Invoice,
                supplier: s.supplier_gstin,
                number: &d.number,
                date: d.date,
                original: Some((&d.original_number, d.original_date)),
                value: d.value,
                items: &d.items,
                pos: Some(d.place_of_supply),
                rchrg: Some(d.reverse_charge.clone()),
                inv_typ: d.invoice_type.as_ref(),
                checksum: None,
                cfs: None,
                source: (si, di),
            }));
        }
    }
    for (si, s) in p.cdn.iter().enumerate() {
        for (di, d) in s.notes.iter().enumerate() {
            v.push(Doc::new(Fields {
                section: Section::Cdn,
                kind: DocKind::of_note(&d.note_type),
                supplier: s.supplier_gstin,
                number: &d.number,
                date: d.date,
                original: None,
                value: d.value,
                items: &d.items,
                pos: None,
                rchrg: None,
                inv_typ: None,
                checksum: None,
                cfs: None,
                source: (si, di),
            }));
        }
    }
    for (si, s) in p.cdna.iter().enumerate() {
        for (di, d) in s.notes.iter().enumerate() {
            v.push(Doc::new(Fields {
                section: Section::Cdna,
                kind: DocKind::of_note(&d.note_type),
                supplier: s.supplier_gstin,
                number: &d.number,
                date: d.date,
                original: Some((&d.original_number, d.original_date)),
                value: d.value,
                items: &d.items,
                pos: None,
                rchrg: d.reverse_charge.clone(),
                inv_typ: None,
                checksum: None,
                cfs: None,
                source: (si, di),
            }));
        }
    }
    v
}

pub(crate) fn counterparty_docs(a: &Gstr2a) -> Vec<Doc<'_>> {
    let mut v = Vec::with_capacity(a.document_count());
    for (si, s) in a.b2b.iter().enumerate() {
        for (di, d) in s.invoices.iter().enumerate() {
            v.push(Doc::new(Fields {
                section: Section::B2b,
                kind: DocKind::Invoice,
                supplier: s.supplier_gstin,
                number: &d.number,
                date: d.date,
                original: None,
                value: d.value,
                items: &d.items,
                pos: d.place_of_supply,
                rchrg: d.reverse_charge.clone(),
                inv_typ: d.invoice_type.as_ref(),
                checksum: d.checksum.as_deref(),
                cfs: s.filing_status.clone(),
                source: (si, di),
            }));
        }
    }
    for (si, s) in a.b2ba.iter().enumerate() {
        for (di, d) in s.invoices.iter().enumerate() {
            v.push(Doc::new(Fields {
                section: Section::B2ba,
                kind: DocKind::Invoice,
                supplier: s.supplier_gstin,
                number: &d.number,
                date: d.date,
                original: Some((&d.original_number, d.original_date)),
                value: d.value,
                items: &d.items,
                pos: d.place_of_supply,
                rchrg: d.reverse_charge.clone(),
                inv_typ: d.invoice_type.as_ref(),
                checksum: d.checksum.as_deref(),
                cfs: s.filing_status.clone(),
                source: (si, di),
            }));
        }
    }
    for (si, s) in a.cdn.iter().enumerate() {
        for (di, d) in s.notes.iter().enumerate() {
            v.push(Doc::new(Fields {
                section: Section::Cdn,
                kind: DocKind::of_note(&d.note_type),
                supplier: s.supplier_gstin,
                number: &d.number,
                date: d.date,
                original: None,
                value: d.value,
                items: &d.items,
                pos: d.place_of_supply,
                rchrg: d.reverse_charge.clone(),
                inv_typ: None,
                checksum: d.checksum.as_deref(),
                cfs: s.filing_status.clone(),
                source: (si, di),
            }));
        }
    }
    for (si, s) in a.cdna.iter().enumerate() {
        for (di, d) in s.notes.iter().enumerate() {
            v.push(Doc::new(Fields {
                section: Section::Cdna,
                kind: DocKind::of_note(&d.note_type),
                supplier: s.supplier_gstin,
                number: &d.number,
                date: d.date,
                original: Some((&d.original_number, d.original_date)),
                value: d.value,
                items: &d.items,
                pos: d.place_of_supply,
                rchrg: d.reverse_charge.clone(),
                inv_typ: None,
                checksum: d.checksum.as_deref(),
                cfs: s.filing_status.clone(),
                source: (si, di),
            }));
        }
    }
    v
}

/// The first 16 bytes of `text`, zero-padded, as a number that orders as the bytes do: texts
/// whose numbers differ order as their numbers; texts whose numbers are equal must be compared
/// whole (a GSTIN, 15 bytes, never needs to be).
fn byte_order(text: &str) -> u128 {
    let mut bytes = [0u8; 16];
    for (to, from) in bytes.iter_mut().zip(text.bytes()) {
        *to = from;
    }
    u128::from_be_bytes(bytes)
}

/// `items` reordered so that position `k` holds what was at `order[k]` (`order` is a
/// permutation of the positions). Each item is read from its old place once and written to its
/// new place in order: the reads are independent of each other, so the memory system can serve
/// several at once, which walking the permutation's cycles in place does not allow.
fn permuted<T>(items: Vec<T>, order: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&from| slots.get_mut(from).and_then(Option::take))
        .collect()
}

/// One side, sorted canonically, with amendment replacement resolved.
struct SideState<'a> {
    docs: Vec<Doc<'a>>,
    /// `replaced_by[i]`: the amendment that replaces document `i`.
    replaced_by: Vec<Option<usize>>,
    /// The documents each amendment replaces (amendments are few: no entry per document).
    replaces: BTreeMap<usize, Vec<usize>>,
    /// Paired by a manual link.
    linked: Vec<bool>,
}

impl<'a> SideState<'a> {
    /// The side of `docs`. Documents of the same key (section, supplier, type, number, date)
    /// are folded into the first in the canonical order when `on_repeat` says so, which
    /// records the others in its [`Repeats`]. Errors: a document whose amounts overflow a
    /// decimal ([`Doc::overflow`]); of several, the first in the canonical order, so that the
    /// error does not depend on the input's order.
    fn new(docs: Vec<Doc<'a>>, on_repeat: OnRepeat) -> Result<Self, AmountOverflow> {
        let overflowing = docs
            .par_iter()
            .filter_map(|d| d.overflow().map(|sum| (d, sum)))
            .min_by(|(a, _), (b, _)| canonical(a, b));
        if let Some((d, sum)) = overflowing {
            return Err(AmountOverflow::new(sum, d.section.as_str(), Some(d.number))
                .with_supplier(d.supplier));
        }
        // Sort compact keys rather than the documents themselves (176 bytes each), then move
        // every document into its place ([`permuted`]). The supplier and
        // the number's first 16 bytes are compared as integers: most comparisons then neither
        // call memcmp nor read the number from the input.
        let mut keys: Vec<(u128, DocKind, u128, &'a str, NaiveDate, Section, usize)> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let (supplier, number) = (d.supplier.as_str(), d.number);
                (
                    byte_order(supplier),
                    d.kind,
                    byte_order(number),
                    number,
                    d.date,
                    d.section,
                    i,
                )
            })
            .collect();
        keys.par_sort_by(|a, b| {
            (a.0, a.1, a.2)
                .cmp(&(b.0, b.1, b.2))
                .then_with(|| (a.3, a.4, a.5).cmp(&(b.3, b.4, b.5)))
                .then_with(|| match (docs.get(a.6), docs.get(b.6)) {
                    (Some(x), Some(y)) => canonical(x, y),
                    _ => Ordering::Equal,
                })
        });
        let order: Vec<usize> = keys.iter().map(|k| k.6).collect();
        drop(keys);
        let mut docs = permuted(docs, &order);
        if on_repeat == OnRepeat::Fold {
            // The canonical order puts documents of one key side by side; `dedup_by` hands
            // each later one with the first kept.
            docs.dedup_by(|later, first| {
                let same_key = (
                    later.supplier,
                    later.kind,
                    later.number,
                    later.date,
                    later.section,
                ) == (
                    first.supplier,
                    first.kind,
                    first.number,
                    first.date,
                    first.section,
                );
                if same_key {
                    first.repeats.more = first.repeats.more.saturating_add(1);
                    first.repeats.differ |= !same_content(later, first);
                }
                same_key
            });
        }
        let n = docs.len();
        let mut s = SideState {
            docs,
            replaced_by: vec![None; n],
            replaces: BTreeMap::new(),
            linked: vec![false; n],
        };
        s.resolve_amendments();
        Ok(s)
    }

    /// Amendments replace the originals they name (same supplier and kind; the number as
    /// written, else normalised; the date), each original at most once, in canonical order.
    fn resolve_amendments(&mut self) {
        let amendments: Vec<usize> = (0..self.docs.len())
            .filter(|&i| self.docs[i].original.is_some())
            .collect();
        if amendments.is_empty() {
            return;
        }
        let mut by_norm: Vec<usize> = (0..self.docs.len())
            .filter(|&i| self.docs[i].original.is_none())
            .collect();
        by_norm.sort_by(|&a, &b| {
            let (x, y) = (&self.docs[a], &self.docs[b]);
            (x.supplier, x.kind, x.norm.as_str(), x.date, a).cmp(&(
                y.supplier,
                y.kind,
                y.norm.as_str(),
                y.date,
                b,
            ))
        });
        for a in amendments {
            let (supplier, kind, (onum, odt)) = {
                let d = &self.docs[a];
                let Some(o) = d.original else { continue };
                (d.supplier, d.kind, o)
            };
            // As written: the canonical order starts with (supplier, kind, number, date).
            let start = self.docs.partition_point(|d| {
                (d.supplier, d.kind, d.number, d.date) < (supplier, kind, onum, odt)
            });
            let mut found = None;
            for i in start..self.docs.len() {
                let d = &self.docs[i];
                if (d.supplier, d.kind, d.number, d.date) != (supplier, kind, onum, odt) {
                    break;
                }
                if i != a && d.original.is_none() && self.replaced_by[i].is_none() {
                    found = Some(i);
                    break;
                }
            }
            if found.is_none() {
                let onorm = normalise(onum, odt);
                if !onorm.is_empty() {
                    let start = by_norm.partition_point(|&i| {
                        let d = &self.docs[i];
                        (d.supplier, d.kind, d.norm.as_str(), d.date)
                            < (supplier, kind, onorm.as_str(), odt)
                    });
                    for &i in by_norm.get(start..).unwrap_or_default() {
                        let d = &self.docs[i];
                        if (d.supplier, d.kind, d.norm.as_str(), d.date)
                            != (supplier, kind, onorm.as_str(), odt)
                        {
                            break;
                        }
                        if self.replaced_by[i].is_none() {
                            found = Some(i);
                            break;
                        }
                    }
                }
            }
            if let Some(i) = found {
                self.replaced_by[i] = Some(a);
                self.replaces.entry(a).or_default().push(i);
            }
        }
    }

    fn active(&self, i: usize) -> bool {
        self.replaced_by[i].is_none() && !self.linked[i]
    }

    /// Every document with this key (a range: the documents are sorted by key first).
    fn all_with(&self, key: &DocKey) -> std::ops::Range<usize> {
        let start = self
            .docs
            .partition_point(|d| d.key_cmp(key) == Ordering::Less);
        let end = start
            + self.docs[start..]
                .iter()
                .take_while(|d| d.matches_key(key))
                .count();
        start..end
    }

    /// The first document with this key, as (index, replaced?).
    fn find(&self, key: &DocKey) -> Option<usize> {
        let start = self
            .docs
            .partition_point(|d| d.key_cmp(key) == Ordering::Less);
        (start..self.docs.len())
            .take_while(|&i| self.docs[i].matches_key(key))
            .find(|&i| self.replaced_by[i].is_none() && !self.linked[i])
            .or_else(|| {
                self.docs
                    .get(start)
                    .filter(|d| d.matches_key(key))
                    .map(|_| start)
            })
    }

    fn side(&self, i: usize) -> DocSide {
        let replaces = self
            .replaces
            .get(&i)
            .into_iter()
            .flatten()
            .map(|&j| self.docs[j].key())
            .collect();
        self.docs[i].side(replaces)
    }
}

fn is_filed(d: &Doc<'_>, config: &MatchConfig) -> Result<(), Reason> {
    match d.cfs {
        Some(YesNo::Yes) => Ok(()),
        None if config.missing_filing_status_is_filed => Ok(()),
        None => Err(Reason::FilingStatusUnknown),
        Some(_) => Err(Reason::CounterpartyNotFiled),
    }
}

/// One tax head compared per rate: its field, how to read it, its tolerance.
type TaxHead = (Field, fn(&TaxAmounts) -> Decimal, Decimal);

fn diff_amount(
    out: &mut Vec<FieldDifference>,
    field: Field,
    rate: Option<Decimal>,
    own: Option<Decimal>,
    cp: Option<Decimal>,
    tolerance: Decimal,
) {
    // A difference that overflows a decimal is beyond any tolerance: it is reported without
    // its amount (see `FieldDifference::difference`).
    let d = cp.unwrap_or_default().checked_sub(own.unwrap_or_default());
    if d.is_some_and(|d| d.is_zero()) {
        // Equal, or a rate present on one side with zero amounts: nothing to report.
        return;
    }
    out.push(FieldDifference {
        field,
        rate,
        own: own.map(|v| v.to_string()),
        counterparty: cp.map(|v| v.to_string()),
        difference: d,
        within_tolerance: d.is_some_and(|d| d.abs() <= tolerance),
    });
}

/// A coded field (place of supply, reverse charge, invoice type) that differs, as written.
fn diff_text<T: PartialEq + std::fmt::Display>(
    out: &mut Vec<FieldDifference>,
    field: Field,
    own: Option<T>,
    cp: Option<T>,
) {
    // Equal values write alike: only differing ones are written out and compared as text.
    if let (Some(o), Some(c)) = (own, cp) {
        if o != c {
            let (o, c) = (o.to_string(), c.to_string());
            if o != c {
                out.push(FieldDifference {
                    field,
                    rate: None,
                    own: Some(o),
                    counterparty: Some(c),
                    difference: None,
                    within_tolerance: false,
                });
            }
        }
    }
}

/// Every field that differs between a taxpayer document and a counterparty document.
fn compare(o: &Doc<'_>, c: &Doc<'_>, config: &MatchConfig) -> Vec<FieldDifference> {
    let tol = &config.tolerance;
    let mut out = Vec::new();
    if o.number != c.number {
        out.push(FieldDifference {
            field: Field::Number,
            rate: None,
            own: Some(o.number.to_owned()),
            counterparty: Some(c.number.to_owned()),
            difference: None,
            within_tolerance: true,
        });
    }
    if o.date != c.date {
        out.push(FieldDifference {
            field: Field::Date,
            rate: None,
            own: Some(gstr2_model::date::format(o.date)),
            counterparty: Some(gstr2_model::date::format(c.date)),
            difference: Some(Decimal::from((c.date - o.date).num_days())),
            within_tolerance: false,
        });
    }
    diff_amount(
        &mut out,
        Field::Value,
        None,
        Some(o.value),
        Some(c.value),
        tol.value,
    );
    diff_text(&mut out, Field::PlaceOfSupply, o.pos, c.pos);
    diff_text(
        &mut out,
        Field::ReverseCharge,
        o.rchrg.as_ref(),
        c.rchrg.as_ref(),
    );
    diff_text(&mut out, Field::InvoiceType, o.inv_typ, c.inv_typ);
    let (or, cr) = (o.by_rate(), c.by_rate());
    let (mut i, mut j) = (0, 0);
    while i < or.len() || j < cr.len() {
        let (a, b) = (or.get(i), cr.get(j));
        let (rate, a, b) = match (a, b) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                i += 1;
                j += 1;
                (x.0, Some(x), Some(y))
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                i += 1;
                (x.0, Some(x), None)
            }
            (Some(_), Some(y)) => {
                j += 1;
                (y.0, None, Some(y))
            }
            (Some(x), None) => {
                i += 1;
                (x.0, Some(x), None)
            }
            (None, Some(y)) => {
                j += 1;
                (y.0, None, Some(y))
            }
            (None, None) => break,
        };
        let r = Some(rate);
        diff_amount(
            &mut out,
            Field::TaxableValue,
            r,
            a.map(|x| x.1),
            b.map(|x| x.1),
            tol.taxable_value,
        );
        let heads: [TaxHead; 4] = [
            (Field::Igst, |t| t.igst, tol.igst),
            (Field::Cgst, |t| t.cgst, tol.cgst),
            (Field::Sgst, |t| t.sgst, tol.sgst),
            (Field::Cess, |t| t.cess, tol.cess),
        ];
        for (field, head, tolerance) in heads {
            diff_amount(
                &mut out,
                field,
                r,
                a.map(|x| head(&x.2)),
                b.map(|x| head(&x.2)),
                tolerance,
            );
        }
    }
    out
}

fn fields_of(diffs: &[FieldDifference], within: bool) -> Vec<Field> {
    let mut v: Vec<Field> = diffs
        .iter()
        .filter(|d| d.within_tolerance == within && d.field != Field::Number)
        .map(|d| d.field)
        .collect();
    v.dedup();
    v
}

/// A pair's code: Mismatch when a field differs beyond tolerance.
fn pair_code(differences: &[FieldDifference]) -> MatchCode {
    if differences.iter().all(|d| d.within_tolerance) {
        MatchCode::Ok
    } else {
        MatchCode::Mismatch
    }
}

fn pair_result(
    own: &SideState<'_>,
    o: usize,
    cp: &SideState<'_>,
    c: usize,
    rule: Rule,
    config: &MatchConfig,
) -> MatchResult {
    let (od, cd) = (&own.docs[o], &cp.docs[c]);
    let differences = compare(od, cd, config);
    let beyond = fields_of(&differences, false);
    let within = fields_of(&differences, true);
    let code = pair_code(&differences);
    let mut reasons = Vec::new();
    match rule {
        Rule::Manual => reasons.push(Reason::LinkedByUser),
        _ if od.number != cd.number => reasons.push(Reason::NumberWrittenDifferently),
        _ => {}
    }
    if !within.is_empty() {
        reasons.push(Reason::WithinTolerance { fields: within });
    }
    if !beyond.is_empty() {
        reasons.push(Reason::BeyondTolerance { fields: beyond });
    }
    let mut action = config.policy.action(code);
    if let Err(r) = is_filed(cd, config) {
        action = Action::NoAction;
        reasons.push(r);
    }
    reasons.extend(cd.repeated());
    MatchResult {
        supplier: cd.supplier,
        kind: cd.kind,
        code,
        action,
        computed_action: action,
        rule: Some(rule),
        own: Some(own.side(o)),
        counterparty: Some(cp.side(c)),
        differences,
        reasons,
        suggestions: Vec::new(),
    }
}

fn own_only(
    own: &SideState<'_>,
    o: usize,
    suggestions: Vec<Suggestion>,
    config: &MatchConfig,
) -> MatchResult {
    let d = &own.docs[o];
    let mut reasons = vec![Reason::NotInGstr2a];
    if !suggestions.is_empty() {
        reasons.push(Reason::ProbablePairs);
    }
    let action = config.policy.action(MatchCode::TaxpayerOnly);
    MatchResult {
        supplier: d.supplier,
        kind: d.kind,
        code: MatchCode::TaxpayerOnly,
        action,
        computed_action: action,
        rule: None,
        own: Some(own.side(o)),
        counterparty: None,
        differences: Vec::new(),
        reasons,
        suggestions,
    }
}

fn counterparty_only(
    cp: &SideState<'_>,
    c: usize,
    suggestions: Vec<Suggestion>,
    config: &MatchConfig,
) -> MatchResult {
    let d = &cp.docs[c];
    let mut reasons = vec![Reason::NotInRegister];
    if !suggestions.is_empty() {
        reasons.push(Reason::ProbablePairs);
    }
    let mut action = config.policy.action(MatchCode::CounterpartyOnly);
    if let Err(r) = is_filed(d, config) {
        action = Action::NoAction;
        reasons.push(r);
    }
    reasons.extend(d.repeated());
    MatchResult {
        supplier: d.supplier,
        kind: d.kind,
        code: MatchCode::CounterpartyOnly,
        action,
        computed_action: action,
        rule: None,
        own: None,
        counterparty: Some(cp.side(c)),
        differences: Vec::new(),
        reasons,
        suggestions,
    }
}

/// The pairing state of one supplier's documents (indices into the sides).
struct Group<'s, 'a> {
    own: &'s SideState<'a>,
    cp: &'s SideState<'a>,
    os: Vec<usize>,
    cs: Vec<usize>,
    o_pair: Vec<Option<(usize, Rule)>>,
    c_taken: Vec<bool>,
    forbidden: &'s BTreeSet<(usize, usize)>,
}

impl Group<'_, '_> {
    fn allowed(&self, oi: usize, ci: usize) -> bool {
        self.o_pair[oi].is_none()
            && !self.c_taken[ci]
            && (self.forbidden.is_empty() || !self.forbidden.contains(&(self.os[oi], self.cs[ci])))
    }

    fn pair(&mut self, oi: usize, ci: usize, rule: Rule) {
        self.o_pair[oi] = Some((ci, rule));
        self.c_taken[ci] = true;
    }

    fn o(&self, oi: usize) -> &Doc<'_> {
        &self.own.docs[self.os[oi]]
    }

    fn c(&self, ci: usize) -> &Doc<'_> {
        &self.cp.docs[self.cs[ci]]
    }

    /// Pass 1: the key as written. Both lists are in canonical order, which starts with the key.
    fn exact(&mut self) {
        let (mut i, mut j) = (0, 0);
        while i < self.os.len() && j < self.cs.len() {
            let (a, b) = (self.o(i), self.c(j));
            match (a.kind, a.number, a.date).cmp(&(b.kind, b.number, b.date)) {
                Ordering::Less => i += 1,
                Ordering::Greater => j += 1,
                Ordering::Equal => {
                    let key = (a.kind, a.number, a.date);
                    let i2 = (i..self.os.len())
                        .find(|&k| (self.o(k).kind, self.o(k).number, self.o(k).date) != key)
                        .unwrap_or(self.os.len());
                    let j2 = (j..self.cs.len())
                        .find(|&k| (self.c(k).kind, self.c(k).number, self.c(k).date) != key)
                        .unwrap_or(self.cs.len());
                    for oi in i..i2 {
                        if let Some(ci) = (j..j2).find(|&ci| self.allowed(oi, ci)) {
                            self.pair(oi, ci, Rule::Exact);
                        }
                    }
                    i = i2;
                    j = j2;
                }
            }
        }
    }

    /// Pass 2: the normalised number, dates in the same fiscal year; nearest date, then nearest
    /// value, then canonical order.
    fn normalised(&mut self) {
        let mut ol: Vec<usize> = (0..self.os.len())
            .filter(|&k| self.o_pair[k].is_none() && !self.o(k).norm.is_empty())
            .collect();
        let mut cl: Vec<usize> = (0..self.cs.len())
            .filter(|&k| !self.c_taken[k] && !self.c(k).norm.is_empty())
            .collect();
        if ol.is_empty() || cl.is_empty() {
            return;
        }
        ol.sort_by(|&x, &y| {
            (self.o(x).kind, self.o(x).norm.as_str(), x).cmp(&(
                self.o(y).kind,
                self.o(y).norm.as_str(),
                y,
            ))
        });
        cl.sort_by(|&x, &y| {
            (self.c(x).kind, self.c(x).norm.as_str(), x).cmp(&(
                self.c(y).kind,
                self.c(y).norm.as_str(),
                y,
            ))
        });
        let (mut i, mut j) = (0, 0);
        while i < ol.len() && j < cl.len() {
            let (a, b) = (self.o(ol[i]), self.c(cl[j]));
            match (a.kind, a.norm.as_str()).cmp(&(b.kind, b.norm.as_str())) {
                Ordering::Less => i += 1,
                Ordering::Greater => j += 1,
                Ordering::Equal => {
                    let key = (a.kind, a.norm.clone());
                    let i2 = (i..ol.len())
                        .find(|&k| {
                            (self.o(ol[k]).kind, self.o(ol[k]).norm.as_str())
                                != (key.0, key.1.as_str())
                        })
                        .unwrap_or(ol.len());
                    let j2 = (j..cl.len())
                        .find(|&k| {
                            (self.c(cl[k]).kind, self.c(cl[k]).norm.as_str())
                                != (key.0, key.1.as_str())
                        })
                        .unwrap_or(cl.len());
                    let big = (i2 - i) * (j2 - j) > 4096;
                    let mut cands = Vec::new();
                    for &oi in &ol[i..i2] {
                        for &ci in &cl[j..j2] {
                            let (x, y) = (self.o(oi), self.c(ci));
                            if fiscal_year(x.date) != fiscal_year(y.date)
                                || (big && x.date != y.date)
                            {
                                continue;
                            }
                            let days = (y.date - x.date).num_days().abs();
                            // A difference beyond a decimal is farther than any other.
                            let apart = y
                                .value
                                .checked_sub(x.value)
                                .map_or(Decimal::MAX, |d| d.abs());
                            cands.push((days, apart, oi, ci));
                        }
                    }
                    cands.sort();
                    for (_, _, oi, ci) in cands {
                        if self.allowed(oi, ci) {
                            self.pair(oi, ci, Rule::Normalised);
                        }
                    }
                    i = i2;
                    j = j2;
                }
            }
        }
    }

    /// Pass 3: one side's amendment names the other side's document as its original.
    fn amendments(&mut self) {
        // Counterparty amendments naming a taxpayer document.
        let mut idx: Vec<(DocKind, String, NaiveDate, usize)> = (0..self.cs.len())
            .filter(|&k| !self.c_taken[k])
            .filter_map(|k| {
                let d = self.c(k);
                d.original.map(|(n, dt)| (d.kind, normalise(n, dt), dt, k))
            })
            .collect();
        if !idx.is_empty() {
            idx.sort();
            for oi in 0..self.os.len() {
                if self.o_pair[oi].is_some() {
                    continue;
                }
                let (kind, norm, date) =
                    (self.o(oi).kind, self.o(oi).norm.clone(), self.o(oi).date);
                let start =
                    idx.partition_point(|e| (e.0, e.1.as_str(), e.2) < (kind, norm.as_str(), date));
                let hit = idx[start..]
                    .iter()
                    .take_while(|e| (e.0, e.1.as_str(), e.2) == (kind, norm.as_str(), date))
                    .map(|e| e.3)
                    .find(|&ci| self.allowed(oi, ci));
                if let Some(ci) = hit {
                    self.pair(oi, ci, Rule::Amendment);
                }
            }
        }
        // Taxpayer amendments naming a counterparty document.
        let mut idx: Vec<(DocKind, &str, NaiveDate, usize)> = (0..self.cs.len())
            .filter(|&k| !self.c_taken[k])
            .map(|k| (self.c(k).kind, self.c(k).norm.as_str(), self.c(k).date, k))
            .collect();
        if idx.is_empty() {
            return;
        }
        idx.sort();
        let mut hits = Vec::new();
        for oi in 0..self.os.len() {
            if self.o_pair[oi].is_some() {
                continue;
            }
            let d = self.o(oi);
            let Some((n, dt)) = d.original else { continue };
            let norm = normalise(n, dt);
            let start = idx.partition_point(|e| (e.0, e.1, e.2) < (d.kind, norm.as_str(), dt));
            for e in idx[start..]
                .iter()
                .take_while(|e| (e.0, e.1, e.2) == (d.kind, norm.as_str(), dt))
            {
                hits.push((oi, e.3));
            }
        }
        for (oi, ci) in hits {
            if self.allowed(oi, ci) {
                self.pair(oi, ci, Rule::Amendment);
            }
        }
    }

    /// Pass 4: probable pairs among what is left, as suggestions only. Blocked by kind and value
    /// bucket, then by date window: near-linear.
    fn suggestions(&self, config: &MatchConfig) -> (Vec<Vec<Suggestion>>, Vec<Vec<Suggestion>>) {
        let mut os_s: Vec<Vec<Suggestion>> = vec![Vec::new(); self.os.len()];
        let mut cs_s: Vec<Vec<(Decimal, i64, Decimal, usize)>> = vec![Vec::new(); self.cs.len()];
        if config.max_suggestions == 0 {
            return (os_s, vec![Vec::new(); self.cs.len()]);
        }
        let width = config.tolerance.value.max(Decimal::ONE);
        let bucket = |v: Decimal| {
            v.checked_div(width)
                .and_then(|q| q.floor().to_i64())
                .unwrap_or(i64::MAX)
        };
        let mut idx: Vec<(DocKind, i64, NaiveDate, usize)> = (0..self.cs.len())
            .filter(|&k| !self.c_taken[k] && !self.c(k).norm.is_empty())
            .map(|k| (self.c(k).kind, bucket(self.c(k).value), self.c(k).date, k))
            .collect();
        if idx.is_empty() {
            return (os_s, vec![Vec::new(); self.cs.len()]);
        }
        idx.sort();
        let window = chrono::Duration::days(i64::from(config.date_window_days));
        let tol = &config.tolerance;
        for (oi, out) in os_s.iter_mut().enumerate() {
            if self.o_pair[oi].is_some() || self.o(oi).norm.is_empty() {
                continue;
            }
            let d = self.o(oi);
            let d_taxable = d.amounts().0;
            let b = bucket(d.value);
            let lo = d.date.checked_sub_signed(window).unwrap_or(NaiveDate::MIN);
            let hi = d.date.checked_add_signed(window).unwrap_or(NaiveDate::MAX);
            let mut found = Vec::new();
            for bb in [b.saturating_sub(1), b, b.saturating_add(1)] {
                let start = idx.partition_point(|e| (e.0, e.1, e.2) < (d.kind, bb, lo));
                for e in idx[start..]
                    .iter()
                    .take_while(|e| e.0 == d.kind && e.1 == bb && e.2 <= hi)
                    .take(config.max_candidates)
                {
                    let c = self.c(e.3);
                    // Differences that overflow a decimal are beyond tolerance.
                    let Some(dv) = c
                        .value
                        .checked_sub(d.value)
                        .filter(|dv| dv.abs() <= tol.value)
                    else {
                        continue;
                    };
                    if !within(c.amounts().0, d_taxable, tol.taxable_value) {
                        continue;
                    }
                    if self.forbidden.contains(&(self.os[oi], self.cs[e.3])) {
                        continue;
                    }
                    let s = strsim::normalized_damerau_levenshtein(&d.norm, &c.norm);
                    let score = Decimal::new((s * 1000.0).round() as i64, 3);
                    if score >= config.similarity_threshold {
                        found.push((score, (c.date - d.date).num_days(), dv, e.3));
                    }
                }
            }
            found.sort_by(|x, y| {
                y.0.cmp(&x.0)
                    .then(x.1.abs().cmp(&y.1.abs()))
                    .then(x.3.cmp(&y.3))
            });
            found.dedup_by_key(|x| x.3);
            found.truncate(config.max_suggestions);
            for (score, days, dv, ci) in found {
                out.push(Suggestion {
                    key: self.c(ci).key(),
                    score,
                    value_difference: dv,
                    days_apart: days,
                });
                cs_s[ci].push((score, days, dv, oi));
            }
        }
        let cs_out = cs_s
            .into_iter()
            .map(|mut v: Vec<(Decimal, i64, Decimal, usize)>| {
                v.sort_by(|x, y| {
                    y.0.cmp(&x.0)
                        .then(x.1.abs().cmp(&y.1.abs()))
                        .then(x.3.cmp(&y.3))
                });
                v.truncate(config.max_suggestions);
                v.into_iter()
                    .map(|(score, days, dv, oi)| Suggestion {
                        key: self.o(oi).key(),
                        score,
                        value_difference: dv,
                        days_apart: days,
                    })
                    .collect()
            })
            .collect();
        (os_s, cs_out)
    }

    /// What the group gives, one outcome per result, in the report's order.
    fn outcomes(mut self, config: &MatchConfig) -> Vec<Outcome> {
        self.exact();
        self.normalised();
        self.amendments();
        let (os_s, cs_s) = self.suggestions(config);
        let mut out = Vec::with_capacity(self.os.len() + self.cs.len());
        for (oi, suggestions) in os_s.into_iter().enumerate() {
            out.push(match self.o_pair[oi] {
                Some((ci, rule)) => Outcome::Pair {
                    o: self.os[oi],
                    c: self.cs[ci],
                    rule,
                },
                None => Outcome::Own {
                    o: self.os[oi],
                    suggestions,
                },
            });
        }
        for (ci, suggestions) in cs_s.into_iter().enumerate() {
            if !self.c_taken[ci] {
                out.push(Outcome::Counterparty {
                    c: self.cs[ci],
                    suggestions,
                });
            }
        }
        // Sorted here, where the group is small and in cache; groups come in supplier order.
        // The outcomes are sorted, not the results they become (several hundred bytes each).
        let (own, cp) = (self.own, self.cp);
        out.sort_by(|a, b| a.order_key(own, cp).cmp(&b.order_key(own, cp)));
        out
    }
}

/// One result of a group, as indices into the sides: built into its [`MatchResult`] only once
/// its place in the report is known, so that each result is written once, in place.
enum Outcome {
    /// The two documents, paired by `rule`.
    Pair { o: usize, c: usize, rule: Rule },
    /// A taxpayer document without a counterparty.
    Own {
        o: usize,
        suggestions: Vec<Suggestion>,
    },
    /// A counterparty document without a taxpayer document.
    Counterparty {
        c: usize,
        suggestions: Vec<Suggestion>,
    },
}

/// A document's key, borrowed: it orders as [`DocKey`] does.
type KeyRef<'d> = (Gstin, DocKind, &'d str, NaiveDate);

impl Outcome {
    /// What [`result_order`] compares of the result this outcome becomes, read from the
    /// documents.
    fn order_key<'d>(&self, own: &'d SideState<'_>, cp: &'d SideState<'_>) -> OrderKey<'d> {
        let key = |d: &'d Doc<'_>| (d.supplier, d.kind, d.number, d.date);
        // The counted side first: the counterparty's when there is one.
        let (counted, o, c) = match *self {
            Outcome::Pair { o, c, .. } => {
                let (o, c) = (key(&own.docs[o]), key(&cp.docs[c]));
                (c, Some(o), Some(c))
            }
            Outcome::Own { o, .. } => (key(&own.docs[o]), Some(key(&own.docs[o])), None),
            Outcome::Counterparty { c, .. } => (key(&cp.docs[c]), None, Some(key(&cp.docs[c]))),
        };
        ((counted.0, counted.1), Some((counted.2, counted.3)), o, c)
    }

    /// The action the policy gives the result this outcome becomes, before any pending mark.
    fn computed_action(
        &self,
        own: &SideState<'_>,
        cp: &SideState<'_>,
        config: &MatchConfig,
    ) -> Action {
        let (code, counterparty) = match *self {
            Outcome::Pair { o, c, .. } => {
                let cd = &cp.docs[c];
                (pair_code(&compare(&own.docs[o], cd, config)), Some(cd))
            }
            Outcome::Own { .. } => (MatchCode::TaxpayerOnly, None),
            Outcome::Counterparty { c, .. } => (MatchCode::CounterpartyOnly, Some(&cp.docs[c])),
        };
        match counterparty.map(|d| is_filed(d, config)) {
            Some(Err(_)) => Action::NoAction,
            _ => config.policy.action(code),
        }
    }

    fn result(self, own: &SideState<'_>, cp: &SideState<'_>, config: &MatchConfig) -> MatchResult {
        match self {
            Outcome::Pair { o, c, rule } => pair_result(own, o, cp, c, rule, config),
            Outcome::Own { o, suggestions } => own_only(own, o, suggestions, config),
            Outcome::Counterparty { c, suggestions } => {
                counterparty_only(cp, c, suggestions, config)
            }
        }
    }
}

/// What the report is ordered by, borrowed: supplier and kind, the counted side's number and
/// date, then both sides' keys. [`Outcome::order_key`] gives the same from the documents.
type OrderKey<'d> = (
    (Gstin, DocKind),
    Option<(&'d str, NaiveDate)>,
    Option<KeyRef<'d>>,
    Option<KeyRef<'d>>,
);

/// The report's order (see [`OrderKey`]).
fn result_order(a: &MatchResult, b: &MatchResult) -> Ordering {
    result_key(a).cmp(&result_key(b))
}

fn result_key(r: &MatchResult) -> OrderKey<'_> {
    let counted = r.counterparty.as_ref().or(r.own.as_ref());
    (
        (r.supplier, r.kind),
        counted.map(|s| (s.key.number.as_str(), s.key.date)),
        r.own.as_ref().map(|s| key_ref(&s.key)),
        r.counterparty.as_ref().map(|s| key_ref(&s.key)),
    )
}

/// `k` as a [`KeyRef`].
fn key_ref(k: &DocKey) -> KeyRef<'_> {
    (k.supplier, k.kind, k.number.as_str(), k.date)
}

/// Where [`run`] hands its results: each batch with the index of its first result.
pub(crate) type Sink<'s, E> = dyn FnMut(usize, &[MatchResult]) -> Result<(), E> + 's;

/// Results built and handed over at a time by [`run`].
pub(crate) const BATCH: usize = 1 << 15;

/// Reconciles, handing the results to `sink` `batch_len` at a time in the report's order (with
/// the index of the batch's first result), and keeps them or not (`keep`). Errors: amounts that
/// overflow (a document's, or the summary's totals at a result), or the sink's error.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run<E>(
    register: &Gstr2Payload,
    gstr2a: &Gstr2a,
    decisions: &Decisions,
    config: &MatchConfig,
    progress: &(dyn Fn(Progress) + Sync),
    keep: Keep,
    batch_len: usize,
    sink: &mut Sink<'_, E>,
) -> Result<Run, StreamedError<E>> {
    let (own, cp) = rayon::join(
        || SideState::new(own_docs(register), OnRepeat::Keep),
        || SideState::new(counterparty_docs(gstr2a), OnRepeat::Fold),
    );
    let mut own = own.map_err(ReconcileError::Register)?;
    let mut cp = cp.map_err(ReconcileError::Gstr2a)?;
    let total = own.docs.len() + cp.docs.len();
    progress(Progress { matched: 0, total });
    let mut stale = Vec::new();
    let mut manual = Vec::new();

    // Manual links first, in the decisions' order.
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
                manual.push((o, c));
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
    let mut forbidden = BTreeSet::new();
    for link in &decisions.unlinks {
        match (own.find(&link.own), cp.find(&link.counterparty)) {
            (Some(o), Some(c)) => {
                forbidden.insert((o, c));
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

    // Groups: one per supplier; both sides are sorted by supplier first.
    let mut groups: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < own.docs.len() || j < cp.docs.len() {
        let s = match (own.docs.get(i), cp.docs.get(j)) {
            (Some(a), Some(b)) => a.supplier.min(b.supplier),
            (Some(a), None) => a.supplier,
            (None, Some(b)) => b.supplier,
            (None, None) => break,
        };
        let i2 = i + own.docs[i..].partition_point(|d| d.supplier == s);
        let j2 = j + cp.docs[j..].partition_point(|d| d.supplier == s);
        let os: Vec<usize> = (i..i2).filter(|&k| own.active(k)).collect();
        let cs: Vec<usize> = (j..j2).filter(|&k| cp.active(k)).collect();
        groups.push((os, cs));
        i = i2;
        j = j2;
    }
    let done = AtomicUsize::new(0);
    let (own, cp) = (&own, &cp);
    let forbidden = &forbidden;
    // Every supplier's group on every core, each giving its outcomes in the report's order
    // (a few dozen bytes each: indices, the rule, suggestions); groups come in supplier order.
    let mut outcomes: Vec<Outcome> = groups
        .into_par_iter()
        .flat_map_iter(|(os, cs)| {
            let n = os.len() + cs.len();
            let g = Group {
                own,
                cp,
                o_pair: vec![None; os.len()],
                c_taken: vec![false; cs.len()],
                os,
                cs,
                forbidden,
            };
            let r = g.outcomes(config);
            let m = done.fetch_add(n, AtomicOrdering::Relaxed) + n;
            progress(Progress { matched: m, total });
            r
        })
        .collect();
    outcomes.extend(manual.into_iter().map(|(o, c)| Outcome::Pair {
        o,
        c,
        rule: Rule::Manual,
    }));
    // Groups are sorted and in supplier order: only manual pairs can be out of place.
    let in_order = |a: &Outcome, b: &Outcome| a.order_key(own, cp).cmp(&b.order_key(own, cp));
    if !outcomes.is_sorted_by(|a, b| in_order(a, b) != Ordering::Greater) {
        outcomes.par_sort_by(in_order);
    }

    same_pan_suggestions(&mut outcomes, own, cp, config);
    let pending = pending_marks(&outcomes, own, cp, decisions, config, &mut stale);

    // Each batch of results is built straight into its place on every core, counted, and
    // handed over.
    let batch_len = batch_len.max(1);
    let mut results: Vec<MatchResult> = Vec::with_capacity(match keep {
        Keep::All => outcomes.len(),
        Keep::Batches => outcomes.len().min(batch_len),
    });
    let mut tallies = Tallies::default();
    let (mut outcomes, mut first) = (outcomes.into_iter().enumerate(), 0);
    loop {
        let batch: Vec<(usize, Outcome)> = outcomes.by_ref().take(batch_len).collect();
        if batch.is_empty() {
            break;
        }
        let start = results.len();
        results.par_extend(batch.into_par_iter().map(|(k, outcome)| {
            let mut r = outcome.result(own, cp, config);
            if pending.contains(&k) {
                r.action = Action::Pending;
                r.reasons.push(Reason::MarkedPending);
            }
            r
        }));
        let batch = results.get(start..).unwrap_or_default();
        // The outcomes' order is the results' (both read `OrderKey`).
        debug_assert!(batch.is_sorted_by(|a, b| result_order(a, b) != Ordering::Greater));
        tallies.add(batch).map_err(ReconcileError::Summary)?;
        sink(first, batch).map_err(StreamedError::Sink)?;
        first += batch.len();
        if keep == Keep::Batches {
            results.clear();
        }
    }
    // The last call comes once every result is handed over.
    progress(Progress {
        matched: total,
        total,
    });
    Ok(Run {
        results,
        summary: tallies.finish(),
        stale_decisions: stale,
    })
}

/// What [`run`] keeps of the results it hands over.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    /// All of them: the report.
    All,
    /// None: each batch is dropped once handed over.
    Batches,
}

/// What [`run`] gives back besides the batches.
pub(crate) struct Run {
    /// The results kept (see [`Keep`]).
    pub(crate) results: Vec<MatchResult>,
    pub(crate) summary: Summary,
    pub(crate) stale_decisions: Vec<StaleDecision>,
}

/// The supplier of the result an outcome becomes.
fn outcome_supplier(o: &Outcome, own: &SideState<'_>, cp: &SideState<'_>) -> Gstin {
    match *o {
        Outcome::Pair { c, .. } | Outcome::Counterparty { c, .. } => cp.docs[c].supplier,
        Outcome::Own { o, .. } => own.docs[o].supplier,
    }
}

/// The pending marks that apply: the outcomes they mark (whose computed action is Accept or
/// Reject). Those that do not apply go to `stale`, in the decisions' order.
///
/// A key marks the results of its supplier that have a side with that key; failing those, the
/// results of another supplier with a taxpayer side with that key (a manual link across
/// suppliers).
fn pending_marks(
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
            if matches!(computed, Some(Action::Accept | Action::Reject)) {
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

/// The last pass: a TO and a CO of suppliers with the same PAN (GSTIN places 3 to 12) but
/// different GSTINs, same kind, the same normalised number, values within tolerance and dates
/// within the window, suggest each other (score 1). Suggestions only, never matches.
fn same_pan_suggestions(
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn byte_order_orders_as_the_text_does(a in "[A0/\\x00é]{0,20}", b in "[A0/\\x00é]{0,20}") {
            // Unequal numbers order as their texts; equal numbers leave it to the texts.
            let (x, y) = (byte_order(&a), byte_order(&b));
            if x != y {
                prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            } else if a.len() <= 16 && b.len() <= 16 && !a.contains('\0') && !b.contains('\0') {
                prop_assert_eq!(&a, &b);
            }
        }

        #[test]
        fn permuted_moves_every_item_to_its_place(keys in proptest::collection::vec(any::<u32>(), 0..200)) {
            // The order that sorts `keys`, as SideState::new makes one.
            let mut order: Vec<usize> = (0..keys.len()).collect();
            order.sort_by_key(|&i| (keys[i], i));
            let expected: Vec<(u32, usize)> = order.iter().map(|&i| (keys[i], i)).collect();
            // Owned items (not Copy), as the documents are.
            let items: Vec<(u32, String)> = keys.iter().copied().zip((0..).map(|i: usize| i.to_string())).collect();
            let got: Vec<(u32, usize)> = permuted(items, &order)
                .into_iter()
                .map(|(k, i)| (k, i.parse().unwrap_or(usize::MAX)))
                .collect();
            prop_assert_eq!(got, expected);
        }
    }

    /// A register and a GSTR2A of three suppliers (one of another state with the same PAN) with
    /// exact, renumbered, differing and one-sided documents, and decisions of every kind.
    fn sample() -> (Gstr2Payload, Gstr2a, Decisions) {
        let suppliers = ["33GSPTN4811G1ZC", "27AAPFU0939F1ZV", "29AAPFU0939F1ZR"];
        let inv = |n: &str, val: u32, cs: bool| {
            let tax = val * 18 / 118;
            format!(
                r#"{{{}"inum":"{n}","idt":"15-09-2023","val":{val},"pos":"27","rchrg":"N",
                "itms":[{{"num":1,"itm_det":{{"rt":18,"txval":{},"iamt":{tax}}}}}]}}"#,
                if cs { r#""chksum":"c","# } else { "" },
                val - tax
            )
        };
        let (mut own, mut cp) = (Vec::new(), Vec::new());
        for (k, g) in suppliers.iter().enumerate() {
            let mut o = Vec::new();
            let mut c = Vec::new();
            for n in 0..9u32 {
                let val = 1000 + 10 * n;
                match (n + k as u32) % 5 {
                    0 => {
                        o.push(inv(&format!("A{n}"), val, false));
                        c.push(inv(&format!("A{n}"), val, true));
                    }
                    1 => {
                        o.push(inv(&format!("inv-{n}"), val, false));
                        c.push(inv(&format!("INV/2023-24/{n:04}"), val + 40, true));
                    }
                    2 => o.push(inv(&format!("T{n}"), val, false)),
                    3 => c.push(inv(&format!("T{n}"), val, true)),
                    _ => {
                        o.push(inv(&format!("M{n}"), val, false));
                        c.push(inv(&format!("M{n}"), val + 300, true));
                    }
                }
            }
            own.push(format!(r#"{{"ctin":"{g}","inv":[{}]}}"#, o.join(",")));
            let cfs = if k == 1 { "N" } else { "Y" };
            cp.push(format!(
                r#"{{"ctin":"{g}","cfs":"{cfs}","inv":[{}]}}"#,
                c.join(",")
            ));
        }
        let register: Gstr2Payload = gstr2_model::json::from_str(&format!(
            r#"{{"gstin":"27AAPFU0939F1ZV","fp":"092023","b2b":[{}]}}"#,
            own.join(",")
        ))
        .expect("valid register");
        let gstr2a: Gstr2a =
            gstr2_model::json::from_str(&format!(r#"{{"b2b":[{}]}}"#, cp.join(",")))
                .expect("valid GSTR2A");
        let key = |g: usize, n: &str| DocKey {
            supplier: suppliers[g].parse().expect("valid GSTIN"),
            kind: DocKind::Invoice,
            number: n.into(),
            date: NaiveDate::from_ymd_opt(2023, 9, 15).expect("valid date"),
        };
        let mut d = Decisions::default();
        d.mark_pending(key(0, "A0")); // accepted: marked
        d.mark_pending(key(0, "T2")); // an upload: stale
        d.mark_pending(key(2, "gone")); // stale
        d.link(key(0, "T7"), key(0, "T8"));
        d.unlink(key(2, "A3"), key(2, "A3"));
        (register, gstr2a, d)
    }

    #[test]
    fn batches_handed_over_make_the_report() {
        let (register, gstr2a, decisions) = sample();
        let config = MatchConfig::default();
        let never = |_: usize, _: &[MatchResult]| Ok::<(), ()>(());
        let whole = run(
            &register,
            &gstr2a,
            &decisions,
            &config,
            &|_| {},
            Keep::All,
            BATCH,
            &mut { never },
        )
        .expect("run");
        assert!(whole.results.len() > 20, "{}", whole.results.len());
        assert!(whole.results.iter().any(|r| r.action == Action::Pending));
        assert!(whole.results.iter().any(|r| r.rule == Some(Rule::Manual)));
        assert!(whole.results.iter().any(|r| !r.suggestions.is_empty()));
        assert_eq!(
            whole.stale_decisions.len(),
            2,
            "{:?}",
            whole.stale_decisions
        );
        assert_eq!(Ok(whole.summary.clone()), Summary::of(&whole.results));
        for batch_len in [1, 2, 7, whole.results.len()] {
            for keep in [Keep::All, Keep::Batches] {
                let mut seen: Vec<MatchResult> = Vec::new();
                let mut firsts = Vec::new();
                let run = run(
                    &register,
                    &gstr2a,
                    &decisions,
                    &config,
                    &|_| {},
                    keep,
                    batch_len,
                    &mut |first, batch| {
                        assert!(batch.len() <= batch_len);
                        firsts.push(first);
                        seen.extend_from_slice(batch);
                        Ok::<(), ()>(())
                    },
                )
                .expect("run");
                assert_eq!(seen, whole.results, "batches of {batch_len}");
                assert_eq!(
                    firsts,
                    (0..whole.results.len())
                        .step_by(batch_len)
                        .collect::<Vec<_>>()
                );
                assert_eq!(run.summary, whole.summary, "batches of {batch_len}");
                assert_eq!(run.stale_decisions, whole.stale_decisions);
                match keep {
                    Keep::All => assert_eq!(run.results, whole.results),
                    Keep::Batches => assert!(run.results.is_empty()),
                }
            }
        }
        // Progress ends at the total, once the last batch is handed over.
        let events = std::sync::Mutex::new(Vec::new());
        let log = |e: (bool, usize)| events.lock().map(|mut v| v.push(e)).unwrap_or(());
        run(
            &register,
            &gstr2a,
            &decisions,
            &config,
            &|p| log((false, p.matched)),
            Keep::Batches,
            5,
            &mut |first, batch| {
                log((true, first + batch.len()));
                Ok::<(), ()>(())
            },
        )
        .expect("run");
        let events = events.into_inner().unwrap_or_default();
        let total = register.document_count(gstr2_model::Table::B2b) + gstr2a.document_count();
        assert_eq!(events.first(), Some(&(false, 0)));
        assert_eq!(events.last(), Some(&(false, total)));
        assert_eq!(
            events.iter().rev().nth(1),
            Some(&(true, whole.results.len())),
            "the last batch just before"
        );

        // A sink's error stops the run and comes back.
        let mut calls = 0;
        let stopped = run(
            &register,
            &gstr2a,
            &decisions,
            &config,
            &|_| {},
            Keep::Batches,
            2,
            &mut |_, _| {
                calls += 1;
                if calls == 2 {
                    Err("disk full")
                } else {
                    Ok(())
                }
            },
        );
        assert!(matches!(stopped, Err(StreamedError::Sink("disk full"))));
        assert_eq!(calls, 2);
    }
}
