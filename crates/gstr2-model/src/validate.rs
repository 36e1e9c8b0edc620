//! Validation beyond parsing: what a well-formed payload can still get wrong.
//!
//! [`validate`] walks a [`Gstr2Payload`] and reports every problem it finds at once (up to
//! [`ValidationConfig::max_problems`]), each with a JSON-path-like location inside the payload,
//! the table, the supplier, the document number and the item number, so that a CSV reader can
//! map it back to a file line.
//!
//! The checks:
//!
//! | check | [`ProblemKind`] |
//! |---|---|
//! | a tax head that does not fit the supply: IGST on an intra-state supply, CGST or SGST on an inter-state one | [`TaxHeadMismatch`](ProblemKind::TaxHeadMismatch) |
//! | ITC claimed above the tax of its head | [`ItcAboveTax`](ProblemKind::ItcAboveTax) |
//! | ITC claimed on an item whose `elg` is `no` | [`IneligibleItc`](ProblemKind::IneligibleItc) |
//! | the same item number twice within a document | [`RepeatedItemNumber`](ProblemKind::RepeatedItemNumber) |
//! | the same document twice in a table | [`DuplicateDocument`](ProblemKind::DuplicateDocument) |
//! | a document value below its taxable value plus tax, beyond the tolerance | [`ValueBelowTotal`](ProblemKind::ValueBelowTotal) |
//! | CGST and SGST of an item differ | [`CgstSgstDiffer`](ProblemKind::CgstSgstDiffer) |
//! | a negative amount anywhere | [`NegativeAmount`](ProblemKind::NegativeAmount) |
//! | amounts that add up beyond what a decimal holds (checked, never a panic) | [`AmountOverflow`](ProblemKind::AmountOverflow) |
//!
//! Decisions where the return itself is silent:
//!
//! - Inter- or intra-state: `sply_ty` where the table has it (`b2bur`, `txi`, `txpd`); otherwise
//!   the supplier GSTIN's state against the place of supply (`b2b`, `b2ba`). Supplies to SEZ units
//!   (`SEWP`, `SEWOP`) and from customs bonded warehouses (`CBW`) are inter-state whatever the
//!   states; unregistered notes on imports of services (`IMPS`) are inter-state. Where neither
//!   tells (`cdn`, `cdna`, other `cdnur`, a GSTIN without a state), the check is skipped.
//! - The value check compares against taxable value plus tax where the supplier charges the tax.
//!   On reverse-charge documents (`rchrg` = `Y`, `b2bur`, `cdnur`) and imports (`imp_g`, `imp_ga`,
//!   `imp_s`, `imp_sa`) the receiver pays the tax, which the document's value need not include:
//!   there the value must reach the taxable value alone. Notes are written positive and compared
//!   the same way.
//! - Document numbers are compared without regard to ASCII case, as GSTN does: `inv1` and `INV1`
//!   are the same invoice. Duplicates are keyed by supplier and number in `b2b`, `b2ba`, `cdn`,
//!   `cdna`; by number alone in `b2bur`, `cdnur`, the import tables and `txia`.
//! - `hsnsum` is not one of the seed's tables and is not checked.
//!
//! Problems come in a fixed order: the tables in [`Table::ALL`] order, documents in payload order,
//! and within a document, header checks before item checks.
//!
//! ```
//! use gstr2_model::{json, validate, Gstr2Payload};
//! use gstr2_model::validate::{ProblemKind, ValidationConfig};
//!
//! let text = r#"{
//!   "gstin": "27AAPFU0939F1ZV", "fp": "072017",
//!   "b2b": [{ "ctin": "33GSPTN4811G1ZC",
//!     "inv": [{ "inum": "S008400", "idt": "24-07-2017", "val": 1180, "pos": "27",
//!               "rchrg": "N", "inv_typ": "R",
//!               "itms": [{ "num": 1,
//!                          "itm_det": { "rt": 18, "txval": 1000, "camt": 90, "samt": 90 },
//!                          "itc": { "elg": "ip", "tx_c": 90, "tx_s": 90 } }] }] }]
//! }"#;
//! let payload: Gstr2Payload = json::from_str(text)?;
//! let problems = validate::validate(&payload, &ValidationConfig::default());
//! assert_eq!(problems.len(), 2);
//! assert_eq!(problems[0].location, "b2b[ctin=33GSPTN4811G1ZC].inv[inum=S008400].itms[num=1].itm_det.camt");
//! assert!(matches!(problems[0].kind, ProblemKind::TaxHeadMismatch { .. }));
//! assert_eq!(
//!     problems[0].to_string(),
//!     "b2b[ctin=33GSPTN4811G1ZC].inv[inum=S008400].itms[num=1].itm_det.camt: \
//!      CGST 90 on an inter-state supply (only IGST is due)"
//! );
//! # Ok::<(), gstr2_model::json::JsonError>(())
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use rust_decimal::Decimal;

use crate::codes::{Eligibility, InvoiceType, SupplyType, UnregisteredNoteType, YesNo};
use crate::item::{AdvanceItem, ImportItem, Item, TaxAmounts};
use crate::tables::itc::ReversalRule;
use crate::tables::nil_supplies::NilSupplyAmounts;
use crate::{Gstin, Gstr2Payload, StateCode, Table};

/// How strict [`validate`] is, and how much it reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationConfig {
    /// The most problems reported; the rest are counted in [`Report::omitted`]. Default 1000.
    pub max_problems: usize,
    /// How far a document's value may fall below its taxable value plus tax before it is a
    /// problem, in rupees. Default ₹1.
    pub value_tolerance: Decimal,
}

impl Default for ValidationConfig {
    fn default() -> Self {
        ValidationConfig {
            max_problems: 1000,
            value_tolerance: Decimal::ONE,
        }
    }
}

/// One of the four tax heads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum TaxHead {
    /// Integrated tax (`iamt`, ITC `tx_i`).
    Igst,
    /// Central tax (`camt`, ITC `tx_c`).
    Cgst,
    /// State or union-territory tax (`samt`, ITC `tx_s`).
    Sgst,
    /// Cess (`csamt`, ITC `tx_cs`).
    Cess,
}

impl TaxHead {
    /// The four heads in wire order.
    pub const ALL: [TaxHead; 4] = [TaxHead::Igst, TaxHead::Cgst, TaxHead::Sgst, TaxHead::Cess];

    /// The key of the tax amount on the wire (`iamt`).
    pub fn wire_key(self) -> &'static str {
        match self {
            TaxHead::Igst => "iamt",
            TaxHead::Cgst => "camt",
            TaxHead::Sgst => "samt",
            TaxHead::Cess => "csamt",
        }
    }

    /// The key of the ITC amount on the wire (`tx_i`).
    pub fn itc_key(self) -> &'static str {
        match self {
            TaxHead::Igst => "tx_i",
            TaxHead::Cgst => "tx_c",
            TaxHead::Sgst => "tx_s",
            TaxHead::Cess => "tx_cs",
        }
    }

    /// This head's amount out of four.
    pub fn of(self, amounts: &TaxAmounts) -> Decimal {
        match self {
            TaxHead::Igst => amounts.igst,
            TaxHead::Cgst => amounts.cgst,
            TaxHead::Sgst => amounts.sgst,
            TaxHead::Cess => amounts.cess,
        }
    }
}

impl fmt::Display for TaxHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TaxHead::Igst => "IGST",
            TaxHead::Cgst => "CGST",
            TaxHead::Sgst => "SGST",
            TaxHead::Cess => "cess",
        })
    }
}

/// What is wrong. The amounts are as written in the payload.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A tax head the supply does not allow: IGST on an intra-state supply, CGST or SGST on an
    /// inter-state one.
    TaxHeadMismatch {
        /// The head charged.
        head: TaxHead,
        /// Its amount.
        amount: Decimal,
        /// What the supply is.
        supply: SupplyType,
    },
    /// More ITC claimed on a head than the item's tax of that head.
    ItcAboveTax {
        /// The head.
        head: TaxHead,
        /// ITC claimed (`tx_*`).
        itc: Decimal,
        /// The tax of the head.
        tax: Decimal,
    },
    /// ITC claimed on an item marked ineligible (`elg` = `no`).
    IneligibleItc {
        /// The head.
        head: TaxHead,
        /// ITC claimed.
        itc: Decimal,
    },
    /// An item number used twice within one document.
    RepeatedItemNumber {
        /// The item number.
        number: u32,
    },
    /// The same document (same supplier and number, or the same number where there is no
    /// supplier) appears again in the table.
    DuplicateDocument {
        /// Which appearance this is: 2 for the first repeat.
        occurrence: u32,
    },
    /// The document's value is below what its items add up to, beyond the tolerance.
    ValueBelowTotal {
        /// The document's value (`val`, `ival`, `boe_val`).
        value: Decimal,
        /// What it should at least be: taxable value plus tax, or the taxable value alone where
        /// the receiver pays the tax.
        expected: Decimal,
        /// Whether `expected` includes the tax.
        with_tax: bool,
    },
    /// CGST and SGST of one item differ: they are always charged at the same rate.
    CgstSgstDiffer {
        /// CGST (`camt`).
        cgst: Decimal,
        /// SGST (`samt`).
        sgst: Decimal,
    },
    /// The document's amounts add up beyond what a decimal holds (about 7.9 × 10²⁸).
    AmountOverflow,
    /// An amount below zero (notes are written positive).
    NegativeAmount {
        /// The wire key of the amount.
        field: &'static str,
        /// The amount.
        amount: Decimal,
    },
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemKind::TaxHeadMismatch {
                head,
                amount,
                supply,
            } => match supply {
                SupplyType::Intra => write!(
                    f,
                    "{head} {amount} on an intra-state supply (only CGST and SGST are due)"
                ),
                _ => write!(
                    f,
                    "{head} {amount} on an inter-state supply (only IGST is due)"
                ),
            },
            ProblemKind::ItcAboveTax { head, itc, tax } => {
                write!(f, "{head} credit {itc} claimed above the {head} of {tax}")
            }
            ProblemKind::IneligibleItc { head, itc } => {
                write!(
                    f,
                    "{head} credit {itc} claimed on an item marked ineligible (elg no)"
                )
            }
            ProblemKind::RepeatedItemNumber { number } => {
                write!(
                    f,
                    "item number {number} is used more than once in the document"
                )
            }
            ProblemKind::DuplicateDocument { occurrence } => {
                write!(
                    f,
                    "the same document appears again (occurrence {occurrence})"
                )
            }
            ProblemKind::ValueBelowTotal {
                value,
                expected,
                with_tax,
            } => {
                let what = if *with_tax {
                    "taxable value plus tax"
                } else {
                    "taxable value"
                };
                write!(f, "value {value} is below its {what} of {expected}")
            }
            ProblemKind::CgstSgstDiffer { cgst, sgst } => {
                write!(f, "CGST {cgst} and SGST {sgst} differ")
            }
            ProblemKind::AmountOverflow => {
                f.write_str("the amounts add up beyond what a decimal holds")
            }
            ProblemKind::NegativeAmount { field, amount } => {
                write!(f, "{field} is negative ({amount})")
            }
        }
    }
}

/// One problem, and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where in the payload, JSON-path-like, with documents and items named by their keys:
    /// `b2b[ctin=33GSPTN4811G1ZC].inv[inum=S008400].itms[num=2].itc.tx_i`. Lists without a key
    /// are indexed (`b2bur[0]`).
    pub location: String,
    /// The table.
    pub table: Table,
    /// The supplier's GSTIN, in the tables that have one.
    pub supplier: Option<Gstin>,
    /// The document's number (`inum`, `nt_num`, `boe_num`, `dnum`), if the problem is in a
    /// document.
    pub document: Option<String>,
    /// The item's number (`num`), if the problem is in an item.
    pub item: Option<u32>,
    /// What is wrong.
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.kind)
    }
}

/// What [`validate_report`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The problems, at most [`ValidationConfig::max_problems`], in the order described in the
    /// [module docs](self).
    pub problems: Vec<Problem>,
    /// How many more problems were found beyond the cap.
    pub omitted: usize,
}

/// Validates a payload and returns its problems (at most [`ValidationConfig::max_problems`]), in
/// a fixed order. An empty result means none of the checks found anything.
///
/// See the [module docs](self) for the checks and an example.
pub fn validate(payload: &Gstr2Payload, config: &ValidationConfig) -> Vec<Problem> {
    validate_report(payload, config).problems
}

/// Like [`validate`], and also says how many problems did not fit under the cap.
pub fn validate_report(payload: &Gstr2Payload, config: &ValidationConfig) -> Report {
    let mut c = Checker {
        config,
        report: Report::default(),
    };
    c.b2b(payload);
    c.b2ba(payload);
    c.b2bur(payload);
    c.imports(payload);
    c.cdn(payload);
    c.cdna(payload);
    c.cdnur(payload);
    c.nil_supplies(payload);
    c.itc_reversal(payload);
    c.advances(Table::Txi, "txi", &payload.txi);
    c.txia(payload);
    c.advances(Table::Txpd, "txpd", &payload.txpd);
    c.report
}

/// Where a document sits, rendered into a location only when a problem is found.
#[derive(Clone)]
struct Doc<'p> {
    table: Table,
    supplier: Option<&'p Gstin>,
    path: Path<'p>,
}

#[derive(Clone)]
enum Path<'p> {
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
    fn location(&self) -> String {
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

    fn number(&self) -> Option<&str> {
        match &self.path {
            Path::Supplier { number, .. } | Path::Group { number, .. } => Some(number),
            Path::Flat {
                number, has_number, ..
            } => has_number.then_some(&**number),
            Path::Block { .. } => None,
        }
    }
}

struct Checker<'c> {
    config: &'c ValidationConfig,
    report: Report,
}

/// Keys of documents seen so far in one table: supplier (if any) and upper-cased number.
type Seen<'p> = HashMap<(Option<&'p Gstin>, Cow<'p, str>), u32, BuildHasherDefault<Fnv>>;

/// A table's duplicate check, sized for its documents.
fn seen<'p>(documents: usize) -> Seen<'p> {
    HashMap::with_capacity_and_hasher(documents, BuildHasherDefault::default())
}

/// FNV-1a: the keys are short strings built from the payload, hashed once each; SipHash's
/// protection against chosen collisions buys nothing in a one-shot check and costs a fifth of
/// the run.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Where inside a document a problem is, rendered only when one is found.
#[derive(Clone, Copy)]
enum At {
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
    fn item(self) -> Option<u32> {
        match self {
            At::Item(n) | At::Detail(n) | At::Itc(n) => Some(n),
            At::Doc | At::Index(_) => None,
        }
    }

    fn write(self, out: &mut String, field: Option<&str>) {
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
    fn push(&mut self, doc: &Doc<'p>, at: At, field: Option<&str>, kind: ProblemKind) {
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

    fn negative(&mut self, doc: &Doc<'p>, at: At, field: &'static str, amount: Option<Decimal>) {
        if let Some(amount) = amount.filter(|a| a.is_sign_negative() && !a.is_zero()) {
            self.push(
                doc,
                at,
                Some(field),
                ProblemKind::NegativeAmount { field, amount },
            );
        }
    }

    fn duplicate(&mut self, seen: &mut Seen<'p>, doc: &Doc<'p>) {
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
    fn value(
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

    fn repeated_numbers(&mut self, doc: &Doc<'p>, numbers: impl Iterator<Item = u32> + Clone) {
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
    fn heads(
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
    fn itc(
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
    fn item(&mut self, doc: &Doc<'p>, item: &Item, supply: Option<&SupplyType>) {
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
    fn items(&mut self, doc: &Doc<'p>, items: &[Item], supply: Option<&SupplyType>) {
        self.repeated_numbers(doc, items.iter().map(|i| i.number));
        for item in items {
            self.item(doc, item, supply);
        }
    }

    fn import_items(&mut self, doc: &Doc<'p>, items: &[ImportItem]) {
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

    fn b2b(&mut self, payload: &'p Gstr2Payload) {
        let mut seen = seen(payload.document_count(Table::B2b));
        for supplier in &payload.b2b {
            for inv in &supplier.invoices {
                let doc = Doc {
                    table: Table::B2b,
                    supplier: Some(&supplier.supplier_gstin),
                    path: Path::Supplier {
                        section: "b2b",
                        ctin: &supplier.supplier_gstin,
                        list: "inv",
                        key: "inum",
                        number: &inv.number,
                    },
                };
                self.duplicate(&mut seen, &doc);
                let with_tax = inv.reverse_charge != YesNo::Yes;
                self.value(&doc, "val", inv.value, item_totals(&inv.items), with_tax);
                let supply = supply_of(
                    &supplier.supplier_gstin,
                    inv.place_of_supply,
                    inv.invoice_type.as_ref(),
                );
                self.items(&doc, &inv.items, supply.as_ref());
            }
        }
    }

    fn b2ba(&mut self, payload: &'p Gstr2Payload) {
        let mut seen = seen(payload.document_count(Table::B2ba));
        for supplier in &payload.b2ba {
            for inv in &supplier.invoices {
                let doc = Doc {
                    table: Table::B2ba,
                    supplier: Some(&supplier.supplier_gstin),
                    path: Path::Supplier {
                        section: "b2ba",
                        ctin: &supplier.supplier_gstin,
                        list: "inv",
                        key: "inum",
                        number: &inv.number,
                    },
                };
                self.duplicate(&mut seen, &doc);
                let with_tax = inv.reverse_charge != YesNo::Yes;
                self.value(&doc, "val", inv.value, item_totals(&inv.items), with_tax);
                let supply = supply_of(
                    &supplier.supplier_gstin,
                    inv.place_of_supply,
                    inv.invoice_type.as_ref(),
                );
                self.items(&doc, &inv.items, supply.as_ref());
            }
        }
    }

    fn b2bur(&mut self, payload: &'p Gstr2Payload) {
        let mut seen = seen(payload.document_count(Table::B2bUnregistered));
        for (index, group) in payload.b2bur.iter().enumerate() {
            for inv in &group.invoices {
                let doc = Doc {
                    table: Table::B2bUnregistered,
                    supplier: None,
                    path: Path::Group {
                        section: "b2bur",
                        index,
                        list: "inv",
                        key: "inum",
                        number: &inv.number,
                    },
                };
                self.duplicate(&mut seen, &doc);
                self.value(&doc, "val", inv.value, item_totals(&inv.items), false);
                self.items(&doc, &inv.items, Some(&inv.supply_type));
            }
        }
    }

    fn imports(&mut self, payload: &'p Gstr2Payload) {
        type Bill<'a> = (&'a str, Decimal, &'a [ImportItem]);
        let tables: [(
            Table,
            &'static str,
            &'static str,
            &'static str,
            Vec<Bill<'p>>,
        ); 4] = [
            (
                Table::ImpG,
                "imp_g",
                "boe_num",
                "boe_val",
                payload
                    .imp_g
                    .iter()
                    .map(|d| (d.bill_number.as_str(), d.bill_value, d.items.as_slice()))
                    .collect(),
            ),
            (
                Table::ImpGa,
                "imp_ga",
                "boe_num",
                "boe_val",
                payload
                    .imp_ga
                    .iter()
                    .map(|d| (d.bill_number.as_str(), d.bill_value, d.items.as_slice()))
                    .collect(),
            ),
            (
                Table::ImpS,
                "imp_s",
                "inum",
                "ival",
                payload
                    .imp_s
                    .iter()
                    .map(|d| (d.number.as_str(), d.value, d.items.as_slice()))
                    .collect(),
            ),
            (
                Table::ImpSa,
                "imp_sa",
                "inum",
                "ival",
                payload
                    .imp_sa
                    .iter()
                    .map(|d| (d.number.as_str(), d.value, d.items.as_slice()))
                    .collect(),
            ),
        ];
        for (table, section, key, value_key, documents) in tables {
            let mut seen = seen(documents.len());
            for (number, value, items) in documents {
                let doc = Doc {
                    table,
                    supplier: None,
                    path: Path::Flat {
                        section,
                        key,
                        number: Cow::Borrowed(number),
                        has_number: true,
                    },
                };
                self.duplicate(&mut seen, &doc);
                let totals = totals(items.iter().map(|i| (i.taxable_value, i.tax())));
                self.value(&doc, value_key, value, totals, false);
                self.import_items(&doc, items);
            }
        }
    }

    fn cdn(&mut self, payload: &'p Gstr2Payload) {
        let mut seen = seen(payload.document_count(Table::Cdn));
        for supplier in &payload.cdn {
            for note in &supplier.notes {
                let doc = Doc {
                    table: Table::Cdn,
                    supplier: Some(&supplier.supplier_gstin),
                    path: Path::Supplier {
                        section: "cdn",
                        ctin: &supplier.supplier_gstin,
                        list: "nt",
                        key: "nt_num",
                        number: &note.number,
                    },
                };
                self.duplicate(&mut seen, &doc);
                self.value(&doc, "val", note.value, item_totals(&note.items), true);
                self.items(&doc, &note.items, None);
            }
        }
    }

    fn cdna(&mut self, payload: &'p Gstr2Payload) {
        let mut seen = seen(payload.document_count(Table::Cdna));
        for supplier in &payload.cdna {
            for note in &supplier.notes {
                let doc = Doc {
                    table: Table::Cdna,
                    supplier: Some(&supplier.supplier_gstin),
                    path: Path::Supplier {
                        section: "cdna",
                        ctin: &supplier.supplier_gstin,
                        list: "nt",
                        key: "nt_num",
                        number: &note.number,
                    },
                };
                self.duplicate(&mut seen, &doc);
                let with_tax = note.reverse_charge != Some(YesNo::Yes);
                self.value(&doc, "val", note.value, item_totals(&note.items), with_tax);
                self.items(&doc, &note.items, None);
            }
        }
    }

    fn cdnur(&mut self, payload: &'p Gstr2Payload) {
        let mut seen = seen(payload.cdnur.len());
        for note in &payload.cdnur {
            let doc = Doc {
                table: Table::CdnUnregistered,
                supplier: None,
                path: Path::Flat {
                    section: "cdnur",
                    key: "nt_num",
                    number: Cow::Borrowed(&note.number),
                    has_number: true,
                },
            };
            self.duplicate(&mut seen, &doc);
            self.value(&doc, "val", note.value, item_totals(&note.items), false);
            let supply = match note.invoice_type {
                Some(UnregisteredNoteType::ImportOfServices) => Some(SupplyType::Inter),
                _ => None,
            };
            self.items(&doc, &note.items, supply.as_ref());
        }
    }

    fn nil_supplies(&mut self, payload: &'p Gstr2Payload) {
        let Some(nil) = &payload.nil_supplies else {
            return;
        };
        for (name, amounts) in [("inter", &nil.inter), ("intra", &nil.intra)] {
            let Some(NilSupplyAmounts {
                composition,
                exempt,
                nil_rated,
                non_gst,
            }) = amounts
            else {
                continue;
            };
            let doc = Doc {
                table: Table::NilSupplies,
                supplier: None,
                path: Path::Block {
                    section: "nil_supplies",
                    name,
                },
            };
            for (key, amount) in [
                ("cpddr", composition),
                ("exptdsply", exempt),
                ("nilsply", nil_rated),
                ("ngsply", non_gst),
            ] {
                self.negative(&doc, At::Doc, key, *amount);
            }
        }
    }

    fn itc_reversal(&mut self, payload: &'p Gstr2Payload) {
        let Some(rvsl) = &payload.itc_rvsl else {
            return;
        };
        for rule in ReversalRule::ALL {
            let Some(amounts) = rvsl.get(rule) else {
                continue;
            };
            let doc = Doc {
                table: Table::Itc,
                supplier: None,
                path: Path::Block {
                    section: "itc_rvsl",
                    name: rule.as_str(),
                },
            };
            for (key, amount) in [
                ("iamt", amounts.igst),
                ("camt", amounts.cgst),
                ("samt", amounts.sgst),
                ("csamt", amounts.cess),
            ] {
                self.negative(&doc, At::Doc, key, amount);
            }
        }
    }

    fn advances(
        &mut self,
        table: Table,
        section: &'static str,
        advances: &'p [crate::tables::txi::Advance],
    ) {
        for advance in advances {
            let doc = Doc {
                table,
                supplier: None,
                path: Path::Flat {
                    section,
                    key: "pos",
                    number: Cow::Owned(advance.place_of_supply.to_string()),
                    has_number: false,
                },
            };
            self.repeated_numbers(&doc, advance.items.iter().map(|i| i.number));
            for AdvanceItem {
                number,
                rate,
                advance: amount,
                igst,
                cgst,
                sgst,
                cess,
            } in &advance.items
            {
                let at = At::Item(*number);
                self.negative(&doc, at, "rt", Some(*rate));
                self.negative(&doc, at, "adamt", Some(*amount));
                self.heads(
                    &doc,
                    at,
                    [*igst, *cgst, *sgst, *cess],
                    Some(&advance.supply_type),
                );
            }
        }
    }

    fn txia(&mut self, payload: &'p Gstr2Payload) {
        let mut seen = seen(payload.atxi.len());
        for amendment in &payload.atxi {
            let doc = Doc {
                table: Table::Txia,
                supplier: None,
                path: Path::Flat {
                    section: "atxi",
                    key: "dnum",
                    number: Cow::Borrowed(&amendment.number),
                    has_number: true,
                },
            };
            self.duplicate(&mut seen, &doc);
            for (key, amount) in [
                ("txval", Some(amendment.taxable_value)),
                ("iamt", amendment.igst),
                ("camt", amendment.cgst),
                ("samt", amendment.sgst),
                ("csamt", amendment.cess),
            ] {
                self.negative(&doc, At::Doc, key, amount);
            }
            for (index, item) in amendment.items.iter().enumerate() {
                let at = At::Index(index);
                for (key, amount) in [
                    ("txval", Some(item.taxable_value)),
                    ("irt", item.igst_rate),
                    ("crt", item.cgst_rate),
                    ("srt", item.sgst_rate),
                    ("csrt", item.cess_rate),
                ] {
                    self.negative(&doc, at, key, amount);
                }
                let tax = [item.igst, item.cgst, item.sgst, item.cess];
                for (head, amount) in TaxHead::ALL.into_iter().zip(tax) {
                    self.negative(&doc, at, head.wire_key(), amount);
                }
                let (cgst, sgst) = (item.cgst.unwrap_or_default(), item.sgst.unwrap_or_default());
                if cgst != sgst {
                    self.push(&doc, at, None, ProblemKind::CgstSgstDiffer { cgst, sgst });
                }
            }
        }
    }
}

/// Taxable value and tax of items with `itm_det`; `None` if they overflow a decimal.
fn item_totals(items: &[Item]) -> Option<(Decimal, Decimal)> {
    totals(
        items
            .iter()
            .map(|i| (i.detail.taxable_value, i.detail.tax())),
    )
}

/// Taxable value and tax added up with checked arithmetic: no input makes validation panic.
fn totals(items: impl Iterator<Item = (Decimal, TaxAmounts)>) -> Option<(Decimal, Decimal)> {
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
fn supply_of(
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
