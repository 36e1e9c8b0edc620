//! The documents of a GSTR-2B: invoices and notes (with the items of older 2Bs), input service
//! distributors' documents and bills of entry, each with its amounts either way they are laid
//! out.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_with::{serde_as, DisplayFromStr, PickFirst};

use crate::amount::{checked_sum, AmountOverflow};
use crate::codes::{
    CounterpartyInvoiceType, Indicator, IsdDocumentType, ItcAvailability, ItcUnavailableReason,
    NoteType, SourceType,
};
use crate::counterparty::CounterpartyDocument;
use crate::{StateCode, TaxAmounts};

/// One line of an invoice or note of an older 2B (`items[]`), with its rate.
#[serde_as]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gstr2bItem {
    /// Item number within the document (`num`), not always 1 to n (`501`, `1418`); a number
    /// or a string.
    #[serde_as(as = "PickFirst<(_, DisplayFromStr)>")]
    #[serde(rename = "num")]
    pub number: u32,
    /// Total tax rate in percent (`rt`).
    #[serde(
        rename = "rt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub rate: Option<Decimal>,
    /// Taxable value (`txval`).
    #[serde(
        rename = "txval",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub taxable_value: Option<Decimal>,
    /// Integrated tax (`igst`).
    #[serde(
        rename = "igst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub igst: Option<Decimal>,
    /// Central tax (`cgst`).
    #[serde(
        rename = "cgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cgst: Option<Decimal>,
    /// State or union-territory tax (`sgst`).
    #[serde(
        rename = "sgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sgst: Option<Decimal>,
    /// Cess (`cess`).
    #[serde(
        rename = "cess",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cess: Option<Decimal>,
}

impl Gstr2bItem {
    /// The four tax heads, absent ones as zero.
    pub fn tax(&self) -> TaxAmounts {
        heads(self.igst, self.cgst, self.sgst, self.cess)
    }
}

pub(super) fn heads(
    igst: Option<Decimal>,
    cgst: Option<Decimal>,
    sgst: Option<Decimal>,
    cess: Option<Decimal>,
) -> TaxAmounts {
    TaxAmounts {
        igst: igst.unwrap_or_default(),
        cgst: cgst.unwrap_or_default(),
        sgst: sgst.unwrap_or_default(),
        cess: cess.unwrap_or_default(),
    }
}

/// An invoice or note of GSTR-2B: the fields of its kind, then those every one has.
macro_rules! document {
    (
        $(#[$m:meta])* $name:ident in $section:literal
        { $($(#[$fm:meta])* $f:ident: $t:ty,)* }
        note: $note:expr, original: $original:expr
    ) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            $($(#[$fm])* pub $f: $t,)*
            /// Document value (`val`).
            #[serde(rename = "val", with = "crate::amount")]
            pub value: Decimal,
            /// Place of supply (`pos`).
            #[serde(
                rename = "pos",
                default,
                deserialize_with = "crate::sent::option_parsed",
                skip_serializing_if = "Option::is_none",
            )]
            pub place_of_supply: Option<StateCode>,
            /// Reverse charge (`rev`).
            #[serde(
                rename = "rev",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub reverse_charge: Option<Indicator>,
            /// Whether ITC is available (`itcavl`).
            #[serde(
                rename = "itcavl",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub itc_availability: Option<ItcAvailability>,
            /// Why ITC is not available (`rsn`); an empty `rsn` is `None`.
            #[serde(
                rename = "rsn",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub itc_unavailable_reason: Option<ItcUnavailableReason>,
            /// Applicable percentage of the tax rate (`diffprcnt`), `1` or `0.65`.
            #[serde(
                rename = "diffprcnt",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub diff_percent: Option<Decimal>,
            /// Where the document came from (`srctyp`), e.g. an e-invoice; blank is `None`.
            #[serde(
                rename = "srctyp",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub source: Option<SourceType>,
            /// E-invoice reference number (`irn`).
            #[serde(rename = "irn", default, skip_serializing_if = "Option::is_none")]
            pub irn: Option<String>,
            /// E-invoice generation date, as GSTN writes it (`irngendate`).
            #[serde(rename = "irngendate", default, skip_serializing_if = "Option::is_none")]
            pub irn_date: Option<String>,
            /// The recipient's action in IMS, as GSTN writes it (`imsStatus`), in newer 2Bs.
            #[serde(rename = "imsStatus", default, skip_serializing_if = "Option::is_none")]
            pub ims_status: Option<String>,
            /// Whether the recipient must reduce ITC for it (`itcRedReq`), in newer 2Bs.
            #[serde(
                rename = "itcRedReq",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub itc_reduction_required: Option<Indicator>,
            /// The recipient's remarks from IMS (`remarks`), where GSTN gives them.
            #[serde(rename = "remarks", default, skip_serializing_if = "Option::is_none")]
            pub remarks: Option<String>,
            /// Taxable value of the document (`txval`), in newer 2Bs.
            #[serde(
                rename = "txval",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub taxable_value: Option<Decimal>,
            /// Integrated tax of the document (`igst`), in newer 2Bs.
            #[serde(
                rename = "igst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub igst: Option<Decimal>,
            /// Central tax of the document (`cgst`), in newer 2Bs.
            #[serde(
                rename = "cgst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub cgst: Option<Decimal>,
            /// State or union-territory tax of the document (`sgst`), in newer 2Bs.
            #[serde(
                rename = "sgst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub sgst: Option<Decimal>,
            /// Cess of the document (`cess`), in newer 2Bs.
            #[serde(
                rename = "cess",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub cess: Option<Decimal>,
            /// Lines with rates (`items`), in older 2Bs.
            #[serde(
                rename = "items",
                default,
                deserialize_with = "crate::seq::exact",
                skip_serializing_if = "Vec::is_empty",
            )]
            pub items: Vec<Gstr2bItem>,
        }

        impl $name {
            /// Whether the document carries its amounts itself (newer 2Bs) rather than in
            /// items: any of `txval`, `igst`, `cgst`, `sgst`, `cess` on it.
            pub fn has_document_amounts(&self) -> bool {
                self.taxable_value.is_some() || self.has_document_tax()
            }

            fn has_document_tax(&self) -> bool {
                [self.igst, self.cgst, self.sgst, self.cess].iter().any(Option::is_some)
            }

            /// The taxable value: the document's `txval` where it has one (newer 2Bs), else
            /// the sum of its items' (older 2Bs); an error where that overflows a `Decimal`.
            pub fn taxable_value(&self) -> Result<Decimal, AmountOverflow> {
                match self.taxable_value {
                    Some(value) => Ok(value),
                    None => {
                        let values = self.items.iter().map(|i| i.taxable_value.unwrap_or_default());
                        checked_sum(values).ok_or_else(|| {
                            AmountOverflow::new("its taxable value", $section, Some(&self.number))
                        })
                    }
                }
            }

            /// The tax, head by head: the document's heads where it has any (newer 2Bs), else
            /// the sum of its items' (older 2Bs); absent heads count as zero. An error where a
            /// head overflows a `Decimal`.
            pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
                if self.has_document_tax() {
                    return Ok(heads(self.igst, self.cgst, self.sgst, self.cess));
                }
                TaxAmounts::checked_sum(self.items.iter().map(Gstr2bItem::tax))
                    .ok_or_else(|| AmountOverflow::new("its tax", $section, Some(&self.number)))
            }
        }

        impl CounterpartyDocument for $name {
            fn number(&self) -> &str {
                &self.number
            }
            fn date(&self) -> NaiveDate {
                self.date
            }
            fn value(&self) -> Option<Decimal> {
                Some(self.value)
            }
            fn taxable_value(&self) -> Result<Decimal, AmountOverflow> {
                <$name>::taxable_value(self)
            }
            fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
                <$name>::tax(self)
            }
            fn note_type(&self) -> Option<NoteType> {
                let note: fn(&$name) -> Option<NoteType> = $note;
                note(self)
            }
            fn original(&self) -> Option<(&str, NaiveDate)> {
                let original: fn(&$name) -> Option<(&str, NaiveDate)> = $original;
                original(self)
            }
        }
    };
}

document!(
    /// An invoice in GSTR-2B `b2b` (and `ecom`).
    Gstr2bInvoice in "b2b" {
        /// Invoice number (`inum`).
        #[serde(rename = "inum", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Invoice type (`typ`).
        #[serde(
            rename = "typ",
            default,
            deserialize_with = "crate::sent::option_code",
            skip_serializing_if = "Option::is_none",
        )]
        invoice_type: Option<CounterpartyInvoiceType>,
        /// Invoice date (`dt`).
        #[serde(rename = "dt", with = "crate::date")]
        date: NaiveDate,
    }
    note: |_| None, original: |_| None
);

document!(
    /// An amended invoice in GSTR-2B `b2ba` (and `ecoma`).
    Gstr2bAmendedInvoice in "b2ba" {
        /// Invoice number (`inum`).
        #[serde(rename = "inum", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Invoice type (`typ`).
        #[serde(
            rename = "typ",
            default,
            deserialize_with = "crate::sent::option_code",
            skip_serializing_if = "Option::is_none",
        )]
        invoice_type: Option<CounterpartyInvoiceType>,
        /// Invoice date (`dt`).
        #[serde(rename = "dt", with = "crate::date")]
        date: NaiveDate,
        /// Original invoice number (`oinum`).
        #[serde(rename = "oinum", deserialize_with = "crate::text::number_or_string")]
        original_number: String,
        /// Original invoice date (`oidt`).
        #[serde(rename = "oidt", with = "crate::date")]
        original_date: NaiveDate,
    }
    note: |_| None, original: |d| Some((&d.original_number, d.original_date))
);

document!(
    /// A credit or debit note in GSTR-2B `cdnr`. Amounts are written positive; the note type
    /// says how they count ([`NoteType::sign`]).
    Gstr2bNote in "cdnr" {
        /// Note number (`ntnum`).
        #[serde(rename = "ntnum", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Credit or debit (`typ`).
        #[serde(rename = "typ")]
        note_type: NoteType,
        /// Supply type (`suptyp`), the invoice type of the supply the note adjusts.
        #[serde(
            rename = "suptyp",
            default,
            deserialize_with = "crate::sent::option_code",
            skip_serializing_if = "Option::is_none",
        )]
        invoice_type: Option<CounterpartyInvoiceType>,
        /// Note date (`dt`).
        #[serde(rename = "dt", with = "crate::date")]
        date: NaiveDate,
    }
    note: |d| Some(d.note_type.clone()), original: |_| None
);

document!(
    /// An amended credit or debit note in GSTR-2B `cdnra`.
    Gstr2bAmendedNote in "cdnra" {
        /// Note number (`ntnum`).
        #[serde(rename = "ntnum", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Credit or debit (`typ`).
        #[serde(rename = "typ")]
        note_type: NoteType,
        /// Supply type (`suptyp`).
        #[serde(
            rename = "suptyp",
            default,
            deserialize_with = "crate::sent::option_code",
            skip_serializing_if = "Option::is_none",
        )]
        invoice_type: Option<CounterpartyInvoiceType>,
        /// Note date (`dt`).
        #[serde(rename = "dt", with = "crate::date")]
        date: NaiveDate,
        /// Original note's type (`onttyp`).
        #[serde(rename = "onttyp", default, skip_serializing_if = "Option::is_none")]
        original_note_type: Option<NoteType>,
        /// Original note number (`ontnum`).
        #[serde(rename = "ontnum", deserialize_with = "crate::text::number_or_string")]
        original_number: String,
        /// Original note date (`ontdt`).
        #[serde(rename = "ontdt", with = "crate::date")]
        original_date: NaiveDate,
    }
    note: |d| Some(d.note_type.clone()),
    original: |d| Some((&d.original_number, d.original_date))
);

/// An input service distributor's document: the fields of its kind, then those every one has.
macro_rules! isd_document {
    (
        $(#[$m:meta])* $name:ident in $section:literal
        { $($(#[$fm:meta])* $f:ident: $t:ty,)* }
        original: $original:expr
    ) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            /// Invoice or credit note (`doctyp`).
            #[serde(
                rename = "doctyp",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub document_type: Option<IsdDocumentType>,
            /// Document number (`docnum`).
            #[serde(rename = "docnum", deserialize_with = "crate::text::number_or_string")]
            pub number: String,
            /// Document date (`docdt`).
            #[serde(rename = "docdt", with = "crate::date")]
            pub date: NaiveDate,
            /// Number of the invoice a credit note adjusts (`oinvnum`).
            #[serde(
                rename = "oinvnum",
                default,
                deserialize_with = "crate::text::option_number_or_string",
                skip_serializing_if = "Option::is_none",
            )]
            pub invoice_number: Option<String>,
            /// Date of that invoice (`oinvdt`).
            #[serde(
                rename = "oinvdt",
                with = "crate::date::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub invoice_date: Option<NaiveDate>,
            $($(#[$fm])* pub $f: $t,)*
            /// Integrated tax (`igst`).
            #[serde(
                rename = "igst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub igst: Option<Decimal>,
            /// Central tax (`cgst`).
            #[serde(
                rename = "cgst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub cgst: Option<Decimal>,
            /// State or union-territory tax (`sgst`).
            #[serde(
                rename = "sgst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub sgst: Option<Decimal>,
            /// Cess (`cess`).
            #[serde(
                rename = "cess",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub cess: Option<Decimal>,
            /// Whether ITC is eligible (`itcelg`).
            #[serde(
                rename = "itcelg",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub itc_eligible: Option<ItcAvailability>,
        }

        impl $name {
            /// The tax, head by head; absent heads count as zero.
            pub fn tax(&self) -> TaxAmounts {
                heads(self.igst, self.cgst, self.sgst, self.cess)
            }
        }

        impl CounterpartyDocument for $name {
            fn number(&self) -> &str {
                &self.number
            }
            fn date(&self) -> NaiveDate {
                self.date
            }
            fn value(&self) -> Option<Decimal> {
                None
            }
            /// Zero: an ISD document has no taxable value.
            fn taxable_value(&self) -> Result<Decimal, AmountOverflow> {
                Ok(Decimal::ZERO)
            }
            fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
                Ok(<$name>::tax(self))
            }
            fn original(&self) -> Option<(&str, NaiveDate)> {
                let original: fn(&$name) -> Option<(&str, NaiveDate)> = $original;
                original(self)
            }
        }
    };
}

isd_document!(
    /// An input service distributor's document in GSTR-2B `isd`.
    Gstr2bIsdDocument in "isd" {}
    original: |_| None
);

isd_document!(
    /// An amended ISD document in GSTR-2B `isda`.
    Gstr2bAmendedIsdDocument in "isda" {
        /// Original document's type (`odoctyp`).
        #[serde(
            rename = "odoctyp",
            default,
            deserialize_with = "crate::sent::option_code",
            skip_serializing_if = "Option::is_none",
        )]
        original_document_type: Option<IsdDocumentType>,
        /// Original document number (`odocnum`).
        #[serde(rename = "odocnum", deserialize_with = "crate::text::number_or_string")]
        original_number: String,
        /// Original document date (`odocdt`).
        #[serde(rename = "odocdt", with = "crate::date")]
        original_date: NaiveDate,
    }
    original: |d| Some((&d.original_number, d.original_date))
);

/// A bill of entry in GSTR-2B `impg` or `impgsez`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gstr2bBillOfEntry {
    /// ICEGATE reference date, as GSTN writes it (`refdt`).
    #[serde(rename = "refdt", default, skip_serializing_if = "Option::is_none")]
    pub reference_date: Option<String>,
    /// When GSTN received the bill, as GSTN writes it (`recdt`).
    #[serde(rename = "recdt", default, skip_serializing_if = "Option::is_none")]
    pub received_on: Option<String>,
    /// Port code (`portcode`), a string or a number.
    #[serde(
        rename = "portcode",
        default,
        deserialize_with = "crate::text::option_number_or_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub port_code: Option<String>,
    /// Bill of entry number (`boenum`): a string in GSTR-2B, a number read as its digits.
    #[serde(rename = "boenum", deserialize_with = "crate::text::number_or_string")]
    pub bill_number: String,
    /// Bill of entry date (`boedt`).
    #[serde(rename = "boedt", with = "crate::date")]
    pub bill_date: NaiveDate,
    /// Whether the bill was amended (`isamd`).
    #[serde(
        rename = "isamd",
        default,
        deserialize_with = "crate::sent::option_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub amended: Option<Indicator>,
    /// Taxable value (`txval`).
    #[serde(
        rename = "txval",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub taxable_value: Option<Decimal>,
    /// Integrated tax (`igst`).
    #[serde(
        rename = "igst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub igst: Option<Decimal>,
    /// Cess (`cess`).
    #[serde(
        rename = "cess",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cess: Option<Decimal>,
}

impl Gstr2bBillOfEntry {
    /// The tax: integrated tax and cess (absent as zero), no central or state tax.
    pub fn tax(&self) -> TaxAmounts {
        heads(self.igst, None, None, self.cess)
    }
}

impl CounterpartyDocument for Gstr2bBillOfEntry {
    fn number(&self) -> &str {
        &self.bill_number
    }
    fn date(&self) -> NaiveDate {
        self.bill_date
    }
    fn value(&self) -> Option<Decimal> {
        None
    }
    fn taxable_value(&self) -> Result<Decimal, AmountOverflow> {
        Ok(self.taxable_value.unwrap_or_default())
    }
    fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
        Ok(Gstr2bBillOfEntry::tax(self))
    }
}
