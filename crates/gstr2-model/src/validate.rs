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
//! - `hsnsum` is not one of the CSV format's tables and is not checked.
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

use std::fmt;

use rust_decimal::Decimal;

use crate::codes::SupplyType;
use crate::item::TaxAmounts;
use crate::{Gstin, Gstr2Payload, Table};

use checker::Checker;

mod checker;
mod tables;

/// How strict [`validate`] is, and how much it reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationConfig {
    /// The most problems reported; the rest are counted in [`ValidationReport::omitted`]. Default 1000.
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
pub struct ValidationReport {
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
pub fn validate_report(payload: &Gstr2Payload, config: &ValidationConfig) -> ValidationReport {
    let mut c = Checker {
        config,
        report: ValidationReport::default(),
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
