//! The checks: where a document sits ([`Doc`], [`At`]), and the checks of its amounts, items and
//! number that every table shares, each problem pushed under the cap.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;

use crate::codes::{Eligibility, InvoiceType, SupplyType};
use crate::item::{ImportItem, Item, TaxAmounts};
use crate::{Gstin, StateCode, Table};

use super::{Problem, ProblemKind, TaxHead, ValidationConfig, ValidationReport};

/// Where a document sits, rendered into a location only when a problem is found.
#[derive(Clone)]
pub(super) struct Doc<'p> {
    pub(super) table: Table,
    pub(super) supplier: Option<&'p Gstin>,
    pub(super) path: Path<'p>,
}

#[derive(Clone)]
pub(super) enum Path<'p> {
    /// `b2b[ctin=X].inv[inum=N]`
    Supplier {
        section: &'static str,
        ctin: &'p Gstin,
        list: &'static str,
        key: &'static str,
        number: &'p str,
    },
    /// `b2bur[0].inv[inum=N]`
    Group {
        section: &'static str,
        index: usize,
        list: &'static str,
        key: &'static str,
        number: &'p str,
    },
    /// `imp_g[boe_num=N]`
    Flat {
        section: &'static str,
        key: &'static str,
        number: Cow<'p, str>,
        has_number: bool,
    },
    /// `nil_supplies.inter`
    Block {
        section: &'static str,
        name: &'static str,
    },
}

impl Doc<'_> {
    pub(super) fn location(&self) -> String {
        match &self.path {
            Path::Supplier {
                section,
                ctin,
                list,
                key,
                number,
            } => format!("{section}[ctin={ctin}].{list}[{key}={number}]"),
            Path::Group {
                section,
                index,
                list,
                key,
                number,
            } => format!("{section}[{index}].{list}[{key}={number}]"),
            Path::Flat {
                section,
                key,
                number,
                ..
            } => format!("{section}[{key}={number}]"),
            Path::Block { section, name } => format!("{section}.{name}"),
        }
    }

    pub(super) fn number(&self) -> Option<&str> {
        match &self.path {
            Path::Supplier { number, .. } | Path::Group { number, .. } => Some(number),
            Path::Flat {
                number, has_number, ..
            } => has_number.then_some(&**number),
            Path::Block { .. } => None,
        }
    }
}

pub(super) struct Checker<'c> {
    pub(super) config: &'c ValidationConfig,
    pub(super) report: ValidationReport,
}

/// Keys of documents seen so far in one table: supplier (if any) and upper-cased number. Hashed
/// with rustc-hash's FxHasher: the keys are short strings built from the payload, hashed once
/// each; SipHash's protection against chosen collisions buys nothing in a one-shot check and
/// costs time in every lookup. Looked up only, never iterated.
pub(super) type Seen<'p> = rustc_hash::FxHashMap<(Option<&'p Gstin>, Cow<'p, str>), u32>;

/// A table's duplicate check, sized for its documents.
pub(super) fn seen<'p>(documents: usize) -> Seen<'p> {
    Seen::with_capacity_and_hasher(documents, Default::default())
}

/// Where inside a document a problem is, rendered only when one is found.
#[derive(Clone, Copy)]
pub(super) enum At {
    /// The document itself.
    Doc,
    /// `.itms[num=N]`
    Item(u32),
    /// `.itms[num=N].itm_det`
    Detail(u32),
    /// `.itms[num=N].itc`
    Itc(u32),
    /// `.itms[I]`, for items without a number.
    Index(usize),
}

impl At {
    pub(super) fn item(self) -> Option<u32> {
        match self {
            At::Item(n) | At::Detail(n) | At::Itc(n) => Some(n),
            At::Doc | At::Index(_) => None,
        }
    }

    pub(super) fn write(self, out: &mut String, field: Option<&str>) {
        use fmt::Write;
        // Writing to a String cannot fail.
        let _ = match self {
            At::Doc => Ok(()),
            At::Item(n) => write!(out, ".itms[num={n}]"),
            At::Detail(n) => write!(out, ".itms[num={n}].itm_det"),
            At::Itc(n) => write!(out, ".itms[num={n}].itc"),
            At::Index(i) => write!(out, ".itms[{i}]"),
        };
        if let Some(field) = field {
            out.push('.');
            out.push_str(field);
        }
    }
}

impl<'p> Checker<'_> {
    pub(super) fn push(&mut self, doc: &Doc<'p>, at: At, field: Option<&str>, kind: ProblemKind) {
        if self.report.problems.len() >= self.config.max_problems {
            self.report.omitted += 1;
            return;
        }
        let mut location = doc.location();
        at.write(&mut location, field);
        self.report.problems.push(Problem {
            location,
            table: doc.table,
            supplier: doc.supplier.copied(),
            document: doc.number().map(str::to_owned),
            item: at.item(),
            kind,
        });
    }

    pub(super) fn negative(
        &mut self,
        doc: &Doc<'p>,
        at: At,
        field: &'static str,
        amount: Option<Decimal>,
    ) {
        if let Some(amount) = amount.filter(|a| a.is_sign_negative() && !a.is_zero()) {
            self.push(
                doc,
                at,
                Some(field),
                ProblemKind::NegativeAmount { field, amount },
            );
        }
    }

    pub(super) fn duplicate(&mut self, seen: &mut Seen<'p>, doc: &Doc<'p>) {
        let number = match &doc.path {
            Path::Supplier { number, .. } | Path::Group { number, .. } => *number,
            Path::Flat {
                number: Cow::Borrowed(number),
                has_number: true,
                ..
            } => number,
            _ => return,
        };
        let key = if number.bytes().any(|b| b.is_ascii_lowercase()) {
            Cow::Owned(number.to_ascii_uppercase())
        } else {
            Cow::Borrowed(number)
        };
        let count = seen.entry((doc.supplier, key)).or_insert(0);
        *count += 1;
        if *count > 1 {
            let occurrence = *count;
            self.push(
                doc,
                At::Doc,
                None,
                ProblemKind::DuplicateDocument { occurrence },
            );
        }
    }

    /// The value check: `value` must reach the items' taxable value (plus tax, if `with_tax`).
    /// `totals` is `None` when the items' amounts add up beyond what a decimal holds.
    pub(super) fn value(
        &mut self,
        doc: &Doc<'p>,
        key: &'static str,
        value: Decimal,
        totals: Option<(Decimal, Decimal)>,
        with_tax: bool,
    ) {
        self.negative(doc, At::Doc, key, Some(value));
        let expected = totals.and_then(|(taxable, tax)| {
            if with_tax {
                taxable.checked_add(tax)
            } else {
                Some(taxable)
            }
        });
        let Some(expected) = expected else {
            self.push(doc, At::Doc, None, ProblemKind::AmountOverflow);
            return;
        };
        // A value so large that the tolerance overflows it is not below anything.
        let reach = value.checked_add(self.config.value_tolerance);
        if reach.is_some_and(|reach| reach < expected) {
            self.push(
                doc,
                At::Doc,
                Some(key),
                ProblemKind::ValueBelowTotal {
                    value,
                    expected,
                    with_tax,
                },
            );
        }
    }

    pub(super) fn repeated_numbers(
        &mut self,
        doc: &Doc<'p>,
        numbers: impl Iterator<Item = u32> + Clone,
    ) {
        // Items are usually numbered 1, 2, 3: no need to sort then.
        let mut last = None;
        if numbers.clone().all(|n| {
            let ascending = last.is_none_or(|l| l < n);
            last = Some(n);
            ascending
        }) {
            return;
        }
        let mut sorted: Vec<u32> = numbers.collect();
        sorted.sort_unstable();
        let mut reported = None;
        for pair in sorted.windows(2) {
            if let [a, b] = pair {
                if a == b && reported != Some(*a) {
                    reported = Some(*a);
                    self.push(
                        doc,
                        At::Item(*a),
                        None,
                        ProblemKind::RepeatedItemNumber { number: *a },
                    );
                }
            }
        }
    }

    /// Checks of the four tax heads of an item: negatives, CGST = SGST, heads against the supply.
    pub(super) fn heads(
        &mut self,
        doc: &Doc<'p>,
        at: At,
        tax: [Option<Decimal>; 4],
        supply: Option<&SupplyType>,
    ) {
        for (head, amount) in TaxHead::ALL.into_iter().zip(tax) {
            self.negative(doc, at, head.wire_key(), amount);
        }
        let [igst, cgst, sgst, _] = tax.map(Option::unwrap_or_default);
        if cgst != sgst {
            self.push(doc, at, None, ProblemKind::CgstSgstDiffer { cgst, sgst });
        }
        let wrong: &[(TaxHead, Decimal)] = match supply {
            Some(SupplyType::Intra) => &[(TaxHead::Igst, igst)],
            Some(SupplyType::Inter) => &[(TaxHead::Cgst, cgst), (TaxHead::Sgst, sgst)],
            _ => &[],
        };
        for &(head, amount) in wrong {
            if !amount.is_zero() {
                self.push(
                    doc,
                    at,
                    Some(head.wire_key()),
                    ProblemKind::TaxHeadMismatch {
                        head,
                        amount,
                        supply: supply.cloned().unwrap_or(SupplyType::Inter),
                    },
                );
            }
        }
    }

    /// ITC against the tax of its head, and ITC on ineligible items.
    pub(super) fn itc(
        &mut self,
        doc: &Doc<'p>,
        at: At,
        eligibility: Option<&Eligibility>,
        itc: [Option<Decimal>; 4],
        tax: &TaxAmounts,
    ) {
        for (head, amount) in TaxHead::ALL.into_iter().zip(itc) {
            self.negative(doc, at, head.itc_key(), amount);
            let Some(amount) = amount.filter(|a| !a.is_zero()) else {
                continue;
            };
            if eligibility == Some(&Eligibility::Ineligible) {
                self.push(
                    doc,
                    at,
                    Some(head.itc_key()),
                    ProblemKind::IneligibleItc { head, itc: amount },
                );
            } else if amount > head.of(tax) {
                self.push(
                    doc,
                    at,
                    Some(head.itc_key()),
                    ProblemKind::ItcAboveTax {
                        head,
                        itc: amount,
                        tax: head.of(tax),
                    },
                );
            }
        }
    }

    /// An item with `itm_det` and `itc`.
    pub(super) fn item(&mut self, doc: &Doc<'p>, item: &Item, supply: Option<&SupplyType>) {
        let n = item.number;
        let at = At::Detail(n);
        let d = &item.detail;
        self.negative(doc, at, "rt", Some(d.rate));
        self.negative(doc, at, "txval", Some(d.taxable_value));
        self.negative(doc, at, "csrt", d.cess_rate());
        self.heads(doc, at, [d.igst, d.cgst, d.sgst, d.cess], supply);
        if let Some(itc) = &item.itc {
            let at = At::Itc(n);
            let this_month = itc.this_month();
            for (key, amount) in [
                ("tc_i", this_month.igst),
                ("tc_c", this_month.cgst),
                ("tc_s", this_month.sgst),
                ("tc_cs", this_month.cess),
            ] {
                self.negative(doc, at, key, amount);
            }
            self.itc(
                doc,
                at,
                Some(&itc.eligibility),
                [itc.igst, itc.cgst, itc.sgst, itc.cess],
                &d.tax(),
            );
        }
    }

    /// The items of a document with `itm_det`: numbers, then each item.
    pub(super) fn items(&mut self, doc: &Doc<'p>, items: &[Item], supply: Option<&SupplyType>) {
        self.repeated_numbers(doc, items.iter().map(|i| i.number));
        for item in items {
            self.item(doc, item, supply);
        }
    }

    pub(super) fn import_items(&mut self, doc: &Doc<'p>, items: &[ImportItem]) {
        self.repeated_numbers(doc, items.iter().map(|i| i.number));
        for item in items {
            let at = At::Item(item.number);
            for (key, amount) in [
                ("txval", Some(item.taxable_value)),
                ("rt", Some(item.rate)),
                ("iamt", item.igst),
                ("csamt", item.cess),
                ("csrt", item.cess_rate),
                ("tc_i", item.itc_igst_this_month),
                ("tc_cs", item.itc_cess_this_month),
            ] {
                self.negative(doc, at, key, amount);
            }
            self.itc(
                doc,
                at,
                item.eligibility.as_ref(),
                [item.itc_igst, None, None, item.itc_cess],
                &item.tax(),
            );
        }
    }
}

/// Taxable value and tax of items with `itm_det`; `None` if they overflow a decimal.
pub(super) fn item_totals(items: &[Item]) -> Option<(Decimal, Decimal)> {
    totals(
        items
            .iter()
            .map(|i| (i.detail.taxable_value, i.detail.tax())),
    )
}

/// Taxable value and tax added up with checked arithmetic: no input makes validation panic.
pub(super) fn totals(
    items: impl Iterator<Item = (Decimal, TaxAmounts)>,
) -> Option<(Decimal, Decimal)> {
    let (mut taxable, mut tax) = (Decimal::ZERO, Decimal::ZERO);
    for (value, t) in items {
        taxable = taxable.checked_add(value)?;
        for head in [t.igst, t.cgst, t.sgst, t.cess] {
            tax = tax.checked_add(head)?;
        }
    }
    Some((taxable, tax))
}

/// Inter- or intra-state, from the supplier's state and the place of supply; `None` where the
/// GSTIN carries no state.
pub(super) fn supply_of(
    supplier: &Gstin,
    pos: StateCode,
    invoice_type: Option<&InvoiceType>,
) -> Option<SupplyType> {
    if matches!(
        invoice_type,
        Some(
            InvoiceType::SezWithPayment
                | InvoiceType::SezWithoutPayment
                | InvoiceType::CustomsBondedWarehouse
        )
    ) {
        return Some(SupplyType::Inter);
    }
    let state = supplier.state_code()?;
    Some(if state == pos {
        SupplyType::Intra
    } else {
        SupplyType::Inter
    })
}
