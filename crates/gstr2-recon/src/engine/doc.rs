//! One document of either side, read from the input ([`Doc`]), and the canonical order the
//! sides are sorted in.

use std::cmp::Ordering;

use chrono::NaiveDate;
use gstr2_model::codes::ImsAction;
use gstr2_model::codes::{InvoiceType, YesNo};
use gstr2_model::counterparty::CounterpartyDocument;
use gstr2_model::gstr2b::Gstr2bItem;
use gstr2_model::{Gstin, Gstr2Payload, Gstr2a, Item, StateCode, TaxAmounts};
use rust_decimal::Decimal;

use crate::ims::{NeverInIms, RecordState};
use crate::number::normalise;
use crate::report::{DocKey, DocKind, DocSide, OriginalRef, Reason, Section, SourceRef};

/// One document of either side, borrowed from the input, amounts made positive.
pub(super) struct Doc<'a> {
    pub(super) section: Section,
    pub(super) kind: DocKind,
    pub(super) supplier: Gstin,
    pub(super) number: &'a str,
    pub(super) norm: String,
    pub(super) date: NaiveDate,
    pub(super) original: Option<(&'a str, NaiveDate)>,
    pub(super) value: Decimal,
    /// The amounts as the source gives them, which [`Doc::amounts`] sums when asked (items
    /// are borrowed, not summed into the document: a million of each side are held at once).
    pub(super) amounts: Amounts<'a>,
    pub(super) negated: bool,
    pub(super) pos: Option<StateCode>,
    pub(super) rchrg: Option<YesNo>,
    pub(super) inv_typ: Option<&'a InvoiceType>,
    pub(super) checksum: Option<&'a str>,
    pub(super) cfs: Option<YesNo>,
    pub(super) source: SourceRef,
    /// Further copies of this counterparty document that GSTN listed ([`SideState::new`](super::side::SideState::new)).
    pub(super) repeats: Repeats,
    /// What IMS makes of it (counterparty documents of GSTR-2B and IMS).
    pub(super) ims: ImsRole<'a>,
    /// Whether the register's reconciled tables can hold it ([`Section::in_books`]): a document
    /// they cannot hold is paired by no pass.
    pub(super) pairable: bool,
    /// Listed among GSTR-2B's rejected documents (`docRejdata`).
    pub(super) rejected: bool,
}

/// A document's amounts, as its source gives them: borrowed from the input, never copied
/// into the document (a million of each side are held at once).
#[derive(Clone, Copy)]
pub(super) enum Amounts<'a> {
    /// Items with their rates: the register, GSTR2A.
    Items(&'a [Item]),
    /// GSTR-2B's items (its older layout), each with a rate or not.
    Gstr2bItems(&'a [Gstr2bItem]),
    /// Totals only, as the document gives them: GSTR-2B's newer layout, IMS, ISD documents,
    /// bills of entry. Compared as totals, not per rate. Their sums were found to fit where
    /// the document was read.
    Totals(&'a (dyn CounterpartyDocument + Sync)),
}

impl Amounts<'_> {
    /// The totals of an [`Amounts::Totals`] document, which were found to fit when it was
    /// read (so the sums cannot fail here; should they, a bug, they count as zero).
    fn totals(d: &(dyn CounterpartyDocument + Sync)) -> (Decimal, TaxAmounts) {
        let (taxable, tax) = (d.taxable_value(), d.tax());
        debug_assert!(taxable.is_ok() && tax.is_ok(), "checked when read");
        (taxable.unwrap_or_default(), tax.unwrap_or_default())
    }
}

impl PartialEq for Amounts<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Amounts::Items(a), Amounts::Items(b)) => a == b,
            (Amounts::Gstr2bItems(a), Amounts::Gstr2bItems(b)) => a == b,
            (Amounts::Totals(a), Amounts::Totals(b)) => Amounts::totals(*a) == Amounts::totals(*b),
            _ => false,
        }
    }
}

/// What IMS makes of a counterparty document (a few bytes: the action is borrowed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum ImsRole<'a> {
    /// Nothing: a register document, or reconciling against GSTR2A.
    #[default]
    None,
    /// A record IMS acts on, in this state (see [`RecordState`]).
    Record {
        /// The action GSTN last reported; `None`: No action.
        current: Option<&'a ImsAction>,
        /// Whether GSTN refuses Pending for it.
        pending_blocked: bool,
        /// Whether the supplier's return is filed.
        supplier_filed: bool,
    },
    /// A document that never passes IMS, and why.
    Never(NeverInIms),
}

impl ImsRole<'_> {
    /// The record's state, for the policy; `None` unless it is a record.
    pub(super) fn state(&self) -> Option<RecordState> {
        match *self {
            ImsRole::Record {
                current,
                pending_blocked,
                supplier_filed,
            } => Some(RecordState {
                current: current.cloned().unwrap_or(ImsAction::NoAction),
                pending_blocked,
                supplier_filed,
            }),
            _ => None,
        }
    }
}

/// The copies of a counterparty document listed more than once, folded into the first.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Repeats {
    /// Copies beyond the first.
    pub(super) more: u32,
    /// Whether a copy differs from the first ([`same_content`]).
    pub(super) differ: bool,
}

/// Whether two documents of one key are equal in every compared field: then they are one
/// document listed twice, not two versions of it.
pub(super) fn same_content(a: &Doc<'_>, b: &Doc<'_>) -> bool {
    a.value == b.value
        && a.amounts == b.amounts
        && a.original == b.original
        && a.pos == b.pos
        && a.rchrg == b.rchrg
        && a.inv_typ == b.inv_typ
        && a.checksum == b.checksum
}

/// What a side does with documents of the same key (section, supplier, type, number, date).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum OnRepeat {
    /// Keep them all: the register's own (validation reports them).
    Keep,
    /// Fold them into the first: GSTN's (a provider's answer may list one twice).
    Fold,
}

pub(super) struct Fields<'a> {
    pub(super) section: Section,
    pub(super) kind: DocKind,
    pub(super) supplier: Gstin,
    pub(super) number: &'a str,
    pub(super) date: NaiveDate,
    pub(super) original: Option<(&'a str, NaiveDate)>,
    pub(super) value: Decimal,
    pub(super) amounts: Amounts<'a>,
    pub(super) pos: Option<StateCode>,
    pub(super) rchrg: Option<YesNo>,
    pub(super) inv_typ: Option<&'a InvoiceType>,
    pub(super) checksum: Option<&'a str>,
    pub(super) cfs: Option<YesNo>,
    pub(super) source: (usize, usize),
}

impl<'a> Doc<'a> {
    pub(super) fn new(f: Fields<'a>) -> Doc<'a> {
        let negative = |v: Decimal| v.is_sign_negative() && !v.is_zero();
        // Notes: GSTN writes amounts positive and the sign in `ntty`; a register may write a
        // credit note negative. Normalise to GSTN's form.
        let negated = f.kind.is_note()
            && (negative(f.value)
                || matches!(f.amounts, Amounts::Items(items)
                    if items.iter().any(|i| negative(i.detail.taxable_value))));
        Doc {
            section: f.section,
            kind: f.kind,
            supplier: f.supplier,
            number: f.number,
            norm: normalise(f.number, f.date),
            date: f.date,
            original: f.original,
            value: if negated { f.value.abs() } else { f.value },
            amounts: f.amounts,
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
            ims: ImsRole::None,
            pairable: f.section.in_books(),
            rejected: false,
        }
    }

    /// The reason for a counterparty document listed more than once, if it was.
    pub(super) fn repeated(&self) -> Option<Reason> {
        (self.repeats.more > 0).then(|| Reason::RepeatedInGstr2a {
            copies: self.repeats.more.saturating_add(1),
            identical: !self.repeats.differ,
        })
    }

    /// Which of the document's amounts overflows a decimal when its items' magnitudes are
    /// added up (`its taxable value`, `its tax`), if one does. When none does, no sum of the
    /// document's amounts over some of its items, in any order, overflows (|a + b| ≤
    /// |a| + |b|): [`SideState::new`](super::side::SideState::new) turns such a document away, and the sums below rely on it.
    pub(super) fn overflow(&self) -> Option<&'static str> {
        let items = match self.amounts {
            Amounts::Items(items) => items,
            Amounts::Gstr2bItems(items) => return gstr2b_items_overflow(items),
            // Summed with checks where the document was read.
            Amounts::Totals(..) => return None,
        };
        // The usual case without adding anything: fewer than 2^15 items whose magnitudes are
        // below 2^80 (about 1.2 × 10²⁴; a magnitude is at most its mantissa) add up to less
        // than 2^95, within a decimal.
        let small = |d: Decimal| d.mantissa().unsigned_abs() < 1 << 80;
        if items.len() < 1 << 15
            && items.iter().all(|i| {
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
        for i in items {
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

    /// Taxable value and tax of the document, positive for a note the register wrote negative.
    pub(super) fn amounts(&self) -> (Decimal, TaxAmounts) {
        let zero = (Decimal::ZERO, TaxAmounts::default());
        let add = |(v, t): (Decimal, TaxAmounts), (iv, it): (Decimal, TaxAmounts)| {
            (add_fitting(v, iv), add_tax_fitting(&t, &it))
        };
        match self.amounts {
            Amounts::Items(items) => items
                .iter()
                .map(|i| {
                    let (_, v, t) = self.item_amounts(i);
                    (v, t)
                })
                .fold(zero, add),
            Amounts::Gstr2bItems(items) => items
                .iter()
                .map(|i| (i.taxable_value.unwrap_or_default(), i.tax()))
                .fold(zero, add),
            Amounts::Totals(d) => Amounts::totals(d),
        }
    }

    /// An item's rate, taxable value and tax, positive for a note the register wrote negative.
    pub(super) fn item_amounts(&self, i: &Item) -> (Decimal, Decimal, TaxAmounts) {
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

    pub(super) fn key(&self) -> DocKey {
        DocKey {
            supplier: self.supplier,
            kind: self.kind,
            number: self.number.to_owned(),
            date: self.date,
        }
    }

    pub(super) fn matches_key(&self, k: &DocKey) -> bool {
        self.supplier == k.supplier
            && self.kind == k.kind
            && self.number == k.number
            && self.date == k.date
    }

    pub(super) fn key_cmp(&self, k: &DocKey) -> Ordering {
        (self.supplier, self.kind, self.number, self.date).cmp(&(
            k.supplier,
            k.kind,
            k.number.as_str(),
            k.date,
        ))
    }

    /// Taxable value and tax per rate, rates ascending, amounts positive for notes; `None`
    /// where the source gives no rates (totals only, or a GSTR-2B item without one): such a
    /// document is compared by its totals.
    pub(super) fn by_rate(&self) -> Option<Vec<(Decimal, Decimal, TaxAmounts)>> {
        let mut v: Vec<(Decimal, Decimal, TaxAmounts)> = match self.amounts {
            Amounts::Items(items) => items.iter().map(|i| self.item_amounts(i)).collect(),
            Amounts::Gstr2bItems(items) => items
                .iter()
                .map(|i| Some((i.rate?, i.taxable_value.unwrap_or_default(), i.tax())))
                .collect::<Option<_>>()?,
            Amounts::Totals(..) => return None,
        };
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
        Some(v)
    }

    pub(super) fn side(&self, replaces: Vec<DocKey>) -> DocSide {
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
            replaces_at: Vec::new(),
        }
    }
}

/// Which sum of GSTR-2B items' magnitudes overflows a decimal, if one does (see
/// [`Doc::overflow`]).
fn gstr2b_items_overflow(items: &[Gstr2bItem]) -> Option<&'static str> {
    let mut taxable = Decimal::ZERO;
    let mut tax = TaxAmounts::default();
    for i in items {
        taxable = match taxable.checked_add(i.taxable_value.unwrap_or_default().abs()) {
            Some(sum) => sum,
            None => return Some("its taxable value"),
        };
        tax = match tax.checked_add(&i.tax().abs()) {
            Some(sum) => sum,
            None => return Some("its tax"),
        };
    }
    None
}

/// The canonical order: by key, then by content, so that results never depend on input order.
pub(super) fn canonical(a: &Doc<'_>, b: &Doc<'_>) -> Ordering {
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
pub(super) fn add_fitting(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or_else(|| {
        debug_assert!(
            false,
            "a document's amounts beyond what Doc::overflow checked"
        );
        a.saturating_add(b)
    })
}

/// [`add_fitting`] head by head.
pub(super) fn add_tax_fitting(a: &TaxAmounts, b: &TaxAmounts) -> TaxAmounts {
    TaxAmounts {
        igst: add_fitting(a.igst, b.igst),
        cgst: add_fitting(a.cgst, b.cgst),
        sgst: add_fitting(a.sgst, b.sgst),
        cess: add_fitting(a.cess, b.cess),
    }
}

/// Every document of each supplier of `$suppliers` (its `$docs`: `invoices`, `notes`), supplier
/// by supplier and each in order, pushed onto `$out` as a [`Doc`] of `$section`: its supplier's
/// GSTIN, its number, date, value and items, where it was listed, and the other fields as
/// given, from the supplier `$s` and the document `$d`.
macro_rules! documents {
    ($out:ident, $suppliers:expr, $docs:ident, $section:expr,
     |$s:ident, $d:ident| { $($field:ident: $value:expr,)* }) => {
        for (si, $s) in $suppliers.iter().enumerate() {
            for (di, $d) in $s.$docs.iter().enumerate() {
                $out.push(Doc::new(Fields {
                    section: $section,
                    supplier: $s.supplier_gstin,
                    number: &$d.number,
                    date: $d.date,
                    value: $d.value,
                    amounts: Amounts::Items(&$d.items),
                    source: (si, di),
                    $($field: $value,)*
                }));
            }
        }
    };
}

/// The register's invoices and notes (`b2b`, `b2ba`, `cdn`, `cdna`), in that order.
pub(super) fn own_docs(p: &Gstr2Payload) -> Vec<Doc<'_>> {
    let mut v = Vec::with_capacity(
        p.document_count(gstr2_model::Table::B2b) + p.document_count(gstr2_model::Table::Cdn),
    );
    documents!(v, p.b2b, invoices, Section::B2b, |s, d| {
        kind: DocKind::Invoice,
        original: None,
        pos: Some(d.place_of_supply),
        rchrg: Some(d.reverse_charge.clone()),
        inv_typ: d.invoice_type.as_ref(),
        checksum: None,
        cfs: None,
    });
    documents!(v, p.b2ba, invoices, Section::B2ba, |s, d| {
        kind: DocKind::Invoice,
        original: Some((&d.original_number, d.original_date)),
        pos: Some(d.place_of_supply),
        rchrg: Some(d.reverse_charge.clone()),
        inv_typ: d.invoice_type.as_ref(),
        checksum: None,
        cfs: None,
    });
    documents!(v, p.cdn, notes, Section::Cdn, |s, d| {
        kind: DocKind::of_note(&d.note_type),
        original: None,
        pos: None,
        rchrg: None,
        inv_typ: None,
        checksum: None,
        cfs: None,
    });
    documents!(v, p.cdna, notes, Section::Cdna, |s, d| {
        kind: DocKind::of_note(&d.note_type),
        original: Some((&d.original_number, d.original_date)),
        pos: None,
        rchrg: d.reverse_charge.clone(),
        inv_typ: None,
        checksum: None,
        cfs: None,
    });
    v
}

/// GSTR2A's invoices and notes (`b2b`, `b2ba`, `cdn`, `cdna`), in that order, with GSTN's
/// checksum and the supplier's filing status.
pub(super) fn counterparty_docs(a: &Gstr2a) -> Vec<Doc<'_>> {
    let mut v = Vec::with_capacity(a.document_count());
    documents!(v, a.b2b, invoices, Section::B2b, |s, d| {
        kind: DocKind::Invoice,
        original: None,
        pos: d.place_of_supply,
        rchrg: d.reverse_charge.clone(),
        inv_typ: d.invoice_type.as_ref(),
        checksum: d.checksum.as_deref(),
        cfs: s.filing_status.clone(),
    });
    documents!(v, a.b2ba, invoices, Section::B2ba, |s, d| {
        kind: DocKind::Invoice,
        original: Some((&d.original_number, d.original_date)),
        pos: d.place_of_supply,
        rchrg: d.reverse_charge.clone(),
        inv_typ: d.invoice_type.as_ref(),
        checksum: d.checksum.as_deref(),
        cfs: s.filing_status.clone(),
    });
    documents!(v, a.cdn, notes, Section::Cdn, |s, d| {
        kind: DocKind::of_note(&d.note_type),
        original: None,
        pos: d.place_of_supply,
        rchrg: d.reverse_charge.clone(),
        inv_typ: None,
        checksum: d.checksum.as_deref(),
        cfs: s.filing_status.clone(),
    });
    documents!(v, a.cdna, notes, Section::Cdna, |s, d| {
        kind: DocKind::of_note(&d.note_type),
        original: Some((&d.original_number, d.original_date)),
        pos: d.place_of_supply,
        rchrg: d.reverse_charge.clone(),
        inv_typ: None,
        checksum: d.checksum.as_deref(),
        cfs: s.filing_status.clone(),
    });
    v
}

#[cfg(test)]
mod tests {
    /// The size the sort in `SideState::new` avoids moving, as its comment says; a million of
    /// each side are held at once.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_document_is_208_bytes() {
        assert_eq!(std::mem::size_of::<super::Doc<'static>>(), 208);
    }
}
