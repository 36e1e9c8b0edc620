//! What the engine hands back: one [`MatchResult`] per document or pair, the [`Summary`], and the
//! decisions that no longer apply.

use chrono::NaiveDate;
use gstr2_model::amount::signed;
use gstr2_model::codes::{Flag, ImsAction, InvoiceType, NoteType, YesNo};
use gstr2_model::{Gstin, ReturnPeriod, StateCode, TaxAmounts};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::decisions::StaleDecision;
use crate::ims::ImsReason;

mod summary;

pub(crate) use self::summary::Tallies;
pub use self::summary::{Summary, Tally, Totals};

/// The type of a document, part of its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// An invoice (`b2b`, `b2ba`).
    Invoice,
    /// A credit note (`ntty` `C`).
    CreditNote,
    /// A debit note (`ntty` `D`).
    DebitNote,
    /// A refund voucher (`ntty` `R`).
    RefundVoucher,
    /// A bill of entry of imported goods (GSTR-2B `impg`, `impgsez`): never in the register's
    /// reconciled tables.
    BillOfEntry,
}

impl DocKind {
    /// The kind of a note of type `ntty`.
    pub fn of_note(note_type: &NoteType) -> DocKind {
        match note_type {
            NoteType::Debit => DocKind::DebitNote,
            NoteType::RefundVoucher => DocKind::RefundVoucher,
            _ => DocKind::CreditNote,
        }
    }

    /// `-1` for credit notes and refund vouchers, `+1` otherwise: the sign with which the
    /// document's (positive) amounts count in totals.
    pub fn sign(self) -> Decimal {
        match self {
            DocKind::CreditNote | DocKind::RefundVoucher => Decimal::NEGATIVE_ONE,
            DocKind::Invoice | DocKind::DebitNote | DocKind::BillOfEntry => Decimal::ONE,
        }
    }

    /// Whether this is a note (section `cdn` or `cdna`).
    pub fn is_note(self) -> bool {
        matches!(
            self,
            DocKind::CreditNote | DocKind::DebitNote | DocKind::RefundVoucher
        )
    }
}

/// The section a document is listed in, by its wire key in its source: the register and
/// GSTR2A (`b2b`, `b2ba`, `cdn`, `cdna`), GSTR-2B (`b2b`, `b2ba`, `cdnr`, `cdnra`, `ecom`,
/// `ecoma`, and `isd`, `isda`, `impg`, `impgsez`, which the register's reconciled tables cannot
/// hold) and IMS (`b2b`, `b2ba`, `b2bcn`, `b2bcna`, `b2bdn`, `b2bdna`, `ecom`, `ecoma`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Section {
    /// Invoices (`b2b`).
    B2b,
    /// Amended invoices (`b2ba`).
    B2ba,
    /// Credit and debit notes (`cdn`).
    Cdn,
    /// Amended notes (`cdna`).
    Cdna,
    /// GSTR-2B: credit and debit notes (`cdnr`).
    Cdnr,
    /// GSTR-2B: amended notes (`cdnra`).
    Cdnra,
    /// GSTR-2B and IMS: supplies through e-commerce operators (`ecom`).
    Ecom,
    /// GSTR-2B and IMS: amended e-commerce supplies (`ecoma`).
    Ecoma,
    /// GSTR-2B: an input service distributor's documents (`isd`).
    Isd,
    /// GSTR-2B: amended ISD documents (`isda`).
    Isda,
    /// GSTR-2B: bills of entry of goods imported from abroad (`impg`).
    Impg,
    /// GSTR-2B: bills of entry of goods from an SEZ (`impgsez`).
    Impgsez,
    /// IMS: credit notes (`b2bcn`).
    B2bcn,
    /// IMS: amended credit notes (`b2bcna`).
    B2bcna,
    /// IMS: debit notes (`b2bdn`).
    B2bdn,
    /// IMS: amended debit notes (`b2bdna`).
    B2bdna,
}

impl Section {
    /// The wire key, e.g. `b2ba`.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::B2b => "b2b",
            Section::B2ba => "b2ba",
            Section::Cdn => "cdn",
            Section::Cdna => "cdna",
            Section::Cdnr => "cdnr",
            Section::Cdnra => "cdnra",
            Section::Ecom => "ecom",
            Section::Ecoma => "ecoma",
            Section::Isd => "isd",
            Section::Isda => "isda",
            Section::Impg => "impg",
            Section::Impgsez => "impgsez",
            Section::B2bcn => "b2bcn",
            Section::B2bcna => "b2bcna",
            Section::B2bdn => "b2bdn",
            Section::B2bdna => "b2bdna",
        }
    }

    /// Whether the section holds amendments.
    pub fn is_amendment(self) -> bool {
        matches!(
            self,
            Section::B2ba
                | Section::Cdna
                | Section::Cdnra
                | Section::Ecoma
                | Section::Isda
                | Section::B2bcna
                | Section::B2bdna
        )
    }

    /// Whether the register's reconciled tables (`b2b`, `b2ba`, `cdn`, `cdna`) can hold a
    /// document of this section: not an ISD document or a bill of entry.
    pub fn in_books(self) -> bool {
        !matches!(
            self,
            Section::Isd | Section::Isda | Section::Impg | Section::Impgsez
        )
    }
}

/// The stable identity of a document: supplier GSTIN, type, number and date as written.
///
/// Decisions are keyed by it, so they survive a re-run on new data.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DocKey {
    /// The supplier's GSTIN (`ctin`).
    #[serde(rename = "ctin")]
    pub supplier: Gstin,
    /// Invoice or type of note.
    pub kind: DocKind,
    /// The number as written (`inum`, `nt_num`).
    pub number: String,
    /// The date (`idt`, `nt_dt`).
    #[serde(with = "gstr2_model::date")]
    pub date: NaiveDate,
}

impl std::fmt::Display for DocKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {:?} {} {}",
            self.supplier,
            self.kind,
            self.number,
            gstr2_model::date::format(self.date)
        )
    }
}

/// The four match codes of Step 4 of the GSTR-2 workflow (`docs/workflow.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MatchCode {
    /// Both sides agree within tolerance (`OK`).
    #[serde(rename = "OK")]
    Ok,
    /// Taxpayer only: in the register, not in GSTR2A (`TO`).
    #[serde(rename = "TO")]
    TaxpayerOnly,
    /// Counterparty only: in GSTR2A, not in the register (`CO`).
    #[serde(rename = "CO")]
    CounterpartyOnly,
    /// The same document on both sides with fields that differ beyond tolerance (`Mismatch`).
    #[serde(rename = "Mismatch")]
    Mismatch,
}

impl MatchCode {
    /// The code as GSTR-2 reports write it (`OK`, `TO`, `CO`, `Mismatch`).
    pub fn as_str(self) -> &'static str {
        match self {
            MatchCode::Ok => "OK",
            MatchCode::TaxpayerOnly => "TO",
            MatchCode::CounterpartyOnly => "CO",
            MatchCode::Mismatch => "Mismatch",
        }
    }
}

/// The action flag decided for a result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ActionFlag {
    /// Accept the counterparty's document (`A`).
    #[serde(rename = "A")]
    Accept,
    /// Upload the taxpayer's own document (`U`; sent with no flag).
    #[serde(rename = "U")]
    Upload,
    /// Reject the counterparty's document (`R`).
    #[serde(rename = "R")]
    Reject,
    /// Keep pending (`P`).
    #[serde(rename = "P")]
    Pending,
    /// No action (`N`): nothing is sent.
    #[serde(rename = "N")]
    NoAction,
}

impl ActionFlag {
    /// The letter, e.g. `A`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionFlag::Accept => "A",
            ActionFlag::Upload => "U",
            ActionFlag::Reject => "R",
            ActionFlag::Pending => "P",
            ActionFlag::NoAction => "N",
        }
    }

    /// The wire flag.
    pub fn flag(self) -> Flag {
        match self {
            ActionFlag::Accept => Flag::Accept,
            ActionFlag::Upload => Flag::Upload,
            ActionFlag::Reject => Flag::Reject,
            ActionFlag::Pending => Flag::Pending,
            ActionFlag::NoAction => Flag::NoAction,
        }
    }
}

/// The rule that paired two documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Same supplier, type, number and date, as written.
    Exact,
    /// Same supplier and type, the same number once normalised (see [`crate::number`]), dates in
    /// the same fiscal year.
    Normalised,
    /// One side's amendment names the other side's document as its original.
    Amendment,
    /// Linked by the user.
    Manual,
}

/// One side of a result: the document as the engine read it (notes with positive amounts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocSide {
    /// The document's key.
    pub key: DocKey,
    /// The section it comes from.
    pub section: Section,
    /// The number once normalised.
    pub normalised_number: String,
    /// The original document an amendment names (`oinum`/`oidt`, `ont_num`/`ont_dt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amends: Option<OriginalRef>,
    /// Documents of the same side that this amendment replaces.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<DocKey>,
    /// Document value (`val`), positive for notes.
    #[serde(with = "gstr2_model::amount")]
    pub value: Decimal,
    /// Taxable value of all items, positive for notes.
    #[serde(with = "gstr2_model::amount")]
    pub taxable_value: Decimal,
    /// Tax of all items, positive for notes.
    pub tax: TaxAmounts,
    /// Place of supply (`pos`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_of_supply: Option<StateCode>,
    /// Reverse charge (`rchrg`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverse_charge: Option<YesNo>,
    /// Invoice type (`inv_typ`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_type: Option<InvoiceType>,
    /// Whether the register wrote the note's amounts negative (they are shown positive here).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sign_normalised: bool,
    /// GSTN's checksum (`chksum`), counterparty documents only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// The supplier's filing status (`cfs`), counterparty documents only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filing_status: Option<YesNo>,
    /// Where the document sits in the input, for building payloads; not serialized.
    #[serde(skip)]
    pub(crate) source: Option<SourceRef>,
    /// Where the documents of [`DocSide::replaces`] sit in the input, in the same order; not
    /// serialized.
    #[serde(skip)]
    pub(crate) replaces_at: Vec<SourceRef>,
}

/// Where a document sits in its input: section, supplier index, document index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SourceRef {
    pub(crate) section: Section,
    pub(crate) supplier: usize,
    pub(crate) doc: usize,
}

/// The original an amendment names.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OriginalRef {
    /// Original number (`oinum`, `ont_num`).
    pub number: String,
    /// Original date (`oidt`, `ont_dt`).
    #[serde(with = "gstr2_model::date")]
    pub date: NaiveDate,
}

/// A compared field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Field {
    /// The number as written (informational: pairs are found by rule).
    #[serde(rename = "number")]
    Number,
    /// Date (`idt`, `nt_dt`).
    #[serde(rename = "date")]
    Date,
    /// Document value (`val`).
    #[serde(rename = "val")]
    Value,
    /// Place of supply (`pos`).
    #[serde(rename = "pos")]
    PlaceOfSupply,
    /// Reverse charge (`rchrg`).
    #[serde(rename = "rchrg")]
    ReverseCharge,
    /// Invoice type (`inv_typ`).
    #[serde(rename = "inv_typ")]
    InvoiceType,
    /// Taxable value at a rate (`txval`).
    #[serde(rename = "txval")]
    TaxableValue,
    /// IGST at a rate (`iamt`).
    #[serde(rename = "iamt")]
    Igst,
    /// CGST at a rate (`camt`).
    #[serde(rename = "camt")]
    Cgst,
    /// SGST at a rate (`samt`).
    #[serde(rename = "samt")]
    Sgst,
    /// Cess at a rate (`csamt`).
    #[serde(rename = "csamt")]
    Cess,
}

impl Field {
    /// The name used in results (mostly the wire key).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Number => "number",
            Field::Date => "date",
            Field::Value => "val",
            Field::PlaceOfSupply => "pos",
            Field::ReverseCharge => "rchrg",
            Field::InvoiceType => "inv_typ",
            Field::TaxableValue => "txval",
            Field::Igst => "iamt",
            Field::Cgst => "camt",
            Field::Sgst => "samt",
            Field::Cess => "csamt",
        }
    }
}

/// One field that differs between the two sides of a pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDifference {
    /// The field.
    pub field: Field,
    /// The tax rate, for per-rate amounts.
    #[serde(
        default,
        with = "gstr2_model::amount::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub rate: Option<Decimal>,
    /// The taxpayer's value as text (absent: the field or rate is missing on that side).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own: Option<String>,
    /// The counterparty's value as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty: Option<String>,
    /// Counterparty minus taxpayer, for amounts (rupees) and dates (days). Absent for the other
    /// fields, and where the difference of two amounts overflows a decimal (amounts near
    /// 7.9 × 10²⁸ of opposite signs): such a difference is beyond any tolerance, so
    /// [`FieldDifference::within_tolerance`] is then `false`.
    #[serde(
        default,
        with = "gstr2_model::amount::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub difference: Option<Decimal>,
    /// Whether the difference is within the field's tolerance (it then makes no mismatch).
    pub within_tolerance: bool,
}

/// Why a result has its code and action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// No counterparty document pairs with the taxpayer's (reconciled against GSTR2A).
    NotInGstr2a,
    /// No GSTR-2B document pairs with the taxpayer's.
    NotInGstr2b,
    /// No IMS record pairs with the taxpayer's.
    NotInIms,
    /// The register's reconciled tables cannot hold a document of this section (an ISD
    /// document, a bill of entry): it is reported as only in GSTR-2B.
    NotHeldByBooks,
    /// The document is listed in GSTR-2B among the rejected ones (`docRejdata`).
    RejectedInGstr2b,
    /// No taxpayer document pairs with the counterparty's.
    NotInRegister,
    /// Paired with the same number written differently.
    NumberWrittenDifferently,
    /// Differences within tolerance only.
    WithinTolerance {
        /// The fields.
        fields: Vec<Field>,
    },
    /// Differences beyond tolerance.
    BeyondTolerance {
        /// The fields.
        fields: Vec<Field>,
    },
    /// The user linked the two documents.
    LinkedByUser,
    /// The supplier has not filed (`cfs` = `N`): the document can be neither accepted nor
    /// rejected.
    CounterpartyNotFiled,
    /// The supplier's filing status (`cfs`) is absent: treated as not filed.
    FilingStatusUnknown,
    /// The user marked the result pending.
    MarkedPending,
    /// Probable pairs exist (see the suggestions); never matched silently.
    ProbablePairs,
    /// The counterparty document is listed more than once in GSTR2A under its supplier (the
    /// same section, type, number and date): it is reconciled, counted and sent once, the first
    /// copy in the canonical order standing for all.
    RepeatedInGstr2a {
        /// How many times it is listed (2 or more).
        copies: u32,
        /// Whether the copies are equal in every compared field (value, items, place of
        /// supply, reverse charge, invoice type, original, checksum).
        identical: bool,
    },
}

/// A probable pair on the other side: a suggestion, never a match.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The other document's key.
    pub key: DocKey,
    /// Similarity of the normalised numbers, 0 to 1, three decimals.
    #[serde(with = "gstr2_model::amount")]
    pub score: Decimal,
    /// Counterparty value minus taxpayer value.
    #[serde(with = "gstr2_model::amount")]
    pub value_difference: Decimal,
    /// Days between the two dates (counterparty minus taxpayer).
    pub days_apart: i64,
}

/// The decision for one document or pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchResult {
    /// The supplier (the counterparty document's `ctin` when there is one).
    #[serde(rename = "ctin")]
    pub supplier: Gstin,
    /// Invoice or type of note.
    pub kind: DocKind,
    /// The match code.
    pub code: MatchCode,
    /// The action flag, after the user's pending mark.
    pub action: ActionFlag,
    /// The action the policy gives, before any pending mark.
    pub computed_action: ActionFlag,
    /// The rule that paired the two sides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
    /// The taxpayer's document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own: Option<DocSide>,
    /// The counterparty's document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty: Option<DocSide>,
    /// Every differing field with both values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<FieldDifference>,
    /// Why the result has its code and action.
    pub reasons: Vec<Reason>,
    /// Probable pairs, best first (TO and CO results only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
    /// The recommended IMS action (reconciling against GSTR-2B or IMS; see
    /// [`ImsPolicy`](crate::ims::ImsPolicy)): `None` where there is none (against GSTR2A, a
    /// document only in the books, one that never passes IMS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ims_action: Option<ImsAction>,
    /// Why the result has its IMS action, or none (against GSTR-2B or IMS only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ims_reasons: Vec<ImsReason>,
}

impl MatchResult {
    /// The side whose amounts the result counts with: the counterparty's when present, else the
    /// taxpayer's.
    pub fn counted_side(&self) -> Option<&DocSide> {
        self.counterparty.as_ref().or(self.own.as_ref())
    }

    /// The result's amounts, signed: credit notes and refund vouchers negative
    /// ([`gstr2_model::amount::signed`], which never overflows).
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        if let Some(side) = self.counted_side() {
            let sign = self.kind.sign();
            t.count = 1;
            t.value = signed(side.value, sign);
            t.taxable_value = signed(side.taxable_value, sign);
            t.tax = side.tax.signed(sign);
        }
        t
    }

    /// The keys of every input document in this result: both sides and what their amendments
    /// replace.
    pub fn document_keys(&self) -> impl Iterator<Item = &DocKey> {
        [self.own.as_ref(), self.counterparty.as_ref()]
            .into_iter()
            .flatten()
            .flat_map(|s| std::iter::once(&s.key).chain(s.replaces.iter()))
    }
}

/// Everything a reconciliation decides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The receiver's GSTIN (`gstin`).
    pub gstin: Gstin,
    /// The return period (`fp`).
    pub fp: ReturnPeriod,
    /// One result per document or pair, ordered by supplier, type, number, date.
    pub results: Vec<MatchResult>,
    /// Counts and amounts.
    pub summary: Summary,
    /// Decisions that no longer apply, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stale_decisions: Vec<StaleDecision>,
}
