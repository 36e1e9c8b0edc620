//! The records of each section: invoices, amended invoices, notes and amended notes, each with
//! its totals and the bodies a SAVE or RESET sends for it.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use crate::amount::AmountOverflow;
use crate::codes::{CounterpartyInvoiceType, FilingStatus, ImsAction, Indicator};
use crate::counterparty::CounterpartyDocument;
use crate::other_fields::{read_keeping, OtherFields};
use crate::{Gstin, StateCode, TaxAmounts};

use super::Record;

/// An IMS record: the fields of its kind, then those every one has, then those the model does
/// not know ([`OtherFields`]).
macro_rules! record {
    (
        $(#[$m:meta])* $name:ident in $section:literal
        { $($kind:tt)* }
        original: $original:expr
    ) => {
        record! {
            @struct $(#[$m])* $name in $section
            {
                /// Supplier's GSTIN (`stin`), as GSTN sent it (see [`Gstin::parse_as_sent`]).
                #[serde(rename = "stin", deserialize_with = "crate::gstin::as_sent")]
                supplier_gstin: Gstin,
                $($kind)*
                /// Supplier's trade name, where given (`tradenm`, the portal's download).
                #[serde(rename = "tradenm", default, skip_serializing_if = "Option::is_none")]
                trade_name: Option<String>,
                /// Invoice type (`inv_typ`).
                #[serde(
                    rename = "inv_typ",
                    default,
                    deserialize_with = "crate::sent::option_code",
                    skip_serializing_if = "Option::is_none",
                )]
                invoice_type: Option<CounterpartyInvoiceType>,
                /// The form the supplier reported it in (`srcform`), e.g. `R1`.
                #[serde(rename = "srcform", default, skip_serializing_if = "Option::is_none")]
                source_form: Option<String>,
                /// The supplier's return period, `MMYYYY`, as GSTN writes it (`rtnprd`); not the
                /// recipient's ITC period.
                #[serde(
                    rename = "rtnprd",
                    default,
                    deserialize_with = "crate::text::option_number_or_string",
                    skip_serializing_if = "Option::is_none",
                )]
                supplier_period: Option<String>,
                /// Whether the supplier has filed that return (`srcfilstatus`).
                #[serde(
                    rename = "srcfilstatus",
                    default,
                    deserialize_with = "crate::sent::option_code",
                    skip_serializing_if = "Option::is_none",
                )]
                supplier_filing_status: Option<FilingStatus>,
                /// Document value (`val`).
                #[serde(rename = "val", with = "crate::amount")]
                value: Decimal,
                /// Place of supply (`pos`).
                #[serde(
                    rename = "pos",
                    default,
                    deserialize_with = "crate::sent::option_parsed",
                    skip_serializing_if = "Option::is_none",
                )]
                place_of_supply: Option<StateCode>,
                /// Taxable value (`txval`).
                #[serde(
                    rename = "txval",
                    with = "crate::amount::option",
                    default,
                    skip_serializing_if = "Option::is_none",
                )]
                taxable_value: Option<Decimal>,
                /// Integrated tax (`iamt`).
                #[serde(
                    rename = "iamt",
                    with = "crate::amount::option",
                    default,
                    skip_serializing_if = "Option::is_none",
                )]
                igst: Option<Decimal>,
                /// Central tax (`camt`).
                #[serde(
                    rename = "camt",
                    with = "crate::amount::option",
                    default,
                    skip_serializing_if = "Option::is_none",
                )]
                cgst: Option<Decimal>,
                /// State or union-territory tax (`samt`).
                #[serde(
                    rename = "samt",
                    with = "crate::amount::option",
                    default,
                    skip_serializing_if = "Option::is_none",
                )]
                sgst: Option<Decimal>,
                /// Cess (`cess`).
                #[serde(
                    rename = "cess",
                    with = "crate::amount::option",
                    default,
                    skip_serializing_if = "Option::is_none",
                )]
                cess: Option<Decimal>,
                /// Whether the recipient may not keep it pending (`ispendactblocked`, also read as
                /// `ispendactnallwd`).
                #[serde(
                    rename = "ispendactblocked",
                    alias = "ispendactnallwd",
                    default,
                    deserialize_with = "crate::sent::option_code",
                    skip_serializing_if = "Option::is_none",
                )]
                pending_blocked: Option<Indicator>,
                /// GSTN's hash of the record (`hash`).
                #[serde(rename = "hash", default, skip_serializing_if = "Option::is_none")]
                hash: Option<String>,
                /// The action GSTN last reported, which a SAVE or RESET repeats (`prev_status`).
                #[serde(
                    rename = "prev_status",
                    default,
                    deserialize_with = "crate::sent::option_code",
                    skip_serializing_if = "Option::is_none",
                )]
                previous_action: Option<ImsAction>,
                /// The recipient's action (`action`): the current one in GETINV, the new one in a
                /// SAVE; absent in a RESET.
                #[serde(
                    rename = "action",
                    default,
                    deserialize_with = "crate::sent::option_code",
                    skip_serializing_if = "Option::is_none",
                )]
                action: Option<ImsAction>,
                /// The recipient's remarks on a rejection or a pending (`remarks`).
                #[serde(rename = "remarks", default, skip_serializing_if = "Option::is_none")]
                remarks: Option<String>,
                /// Whether ITC is to be reduced for it (`itcRedReq`), credit notes and ITC-reducing
                /// amendments, from October 2025.
                #[serde(
                    rename = "itcRedReq",
                    default,
                    deserialize_with = "crate::sent::option_code",
                    skip_serializing_if = "Option::is_none",
                )]
                itc_reduction_required: Option<Indicator>,
                /// Integrated tax of a partial ITC reduction (`declIgst`).
                #[serde(
                    rename = "declIgst",
                    with = "crate::amount::option",
                    default,
                    skip_serializing_if = "Option::is_none",
                )]
                declared_igst: Option<Decimal>,
                /// Central tax of a partial ITC reduction (`declCgst`).
                #[serde(
                    rename = "declCgst",
                    with = "crate::amount::option",
                    default,
                    skip_serializing_if = "Option::is_none",
                )]
                declared_cgst: Option<Decimal>,
                /// State tax of a partial ITC reduction (`declSgst`).
                #[serde(
                    rename = "declSgst",
                    with = "crate::amount::option",
                    default,
                    skip_serializing_if = "Option::is_none",
                )]
                declared_sgst: Option<Decimal>,
                /// Cess of a partial ITC reduction (`declCess`).
                #[serde(
                    rename = "declCess",
                    with = "crate::amount::option",
                    default,
                    skip_serializing_if = "Option::is_none",
                )]
                declared_cess: Option<Decimal>,
            }
            original: $original
        }
    };
    (
        @struct $(#[$m:meta])* $name:ident in $section:literal
        { $($(#[$fm:meta])* $f:ident: $t:ty,)* }
        original: $original:expr
    ) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
        pub struct $name {
            $($(#[$fm])* pub $f: $t,)*
            /// The fields of the record the model does not know, as read (GSTN adds some, e.g.
            /// `isRemarksBlocked`): written back as read, named by
            /// [`ImsRecords::warnings`](super::ImsRecords::warnings); left out by
            /// [`Self::to_save`] and [`Self::to_reset`].
            #[serde(flatten)]
            pub other_fields: OtherFields,
        }

        // Read as serde's derive reads the fields above (as `wire::$name`, so that its
        // messages name the record), keeping the fields it would skip.
        const _: () = {
            mod wire {
                use super::*;

                #[derive(Deserialize)]
                pub(super) struct $name {
                    $($(#[$fm])* pub(super) $f: $t,)*
                }
            }

            impl<'de> Deserialize<'de> for $name {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                    let (wire, other_fields) = read_keeping::<wire::$name, D>(d)?;
                    Ok($name {
                        $($f: wire.$f,)*
                        other_fields,
                    })
                }
            }
        };

        impl $name {
            /// The recipient's current action: `action`, no action where absent.
            pub fn action(&self) -> ImsAction {
                self.action.clone().unwrap_or(ImsAction::NoAction)
            }

            /// The taxable value (`txval`); zero where absent. Never an error: an IMS record
            /// carries its totals, nothing is added up (the `Result` is that of
            /// [`CounterpartyDocument::taxable_value`]).
            pub fn taxable_value(&self) -> Result<Decimal, AmountOverflow> {
                Ok(self.taxable_value.unwrap_or_default())
            }

            /// The tax, head by head; absent heads count as zero. Never an error, as
            /// [`Self::taxable_value`].
            pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
                Ok(TaxAmounts {
                    igst: self.igst.unwrap_or_default(),
                    cgst: self.cgst.unwrap_or_default(),
                    sgst: self.sgst.unwrap_or_default(),
                    cess: self.cess.unwrap_or_default(),
                })
            }

            /// This record as a SAVE sends it with `action`: its identity and amounts, the
            /// action GSTN reported as `prev_status`, and the new action. What only GETINV
            /// gives (`hash`, `ispendactblocked`, `srcfilstatus`, `tradenm`) is left out, and
            /// so are the fields the model does not know (`other_fields`): a SAVE sends the
            /// fields GSTN documents for it. Remarks and ITC reduction are kept as set.
            pub fn to_save(&self, action: ImsAction) -> $name {
                let mut record = self.to_reset();
                record.action = Some(action);
                record
            }

            /// This record as a RESET sends it: as [`Self::to_save`], without an action.
            pub fn to_reset(&self) -> $name {
                $name {
                    previous_action: Some(
                        self.previous_action.clone().unwrap_or_else(|| self.action()),
                    ),
                    action: None,
                    hash: None,
                    pending_blocked: None,
                    supplier_filing_status: None,
                    trade_name: None,
                    other_fields: OtherFields::default(),
                    ..self.clone()
                }
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
            fn original(&self) -> Option<(&str, NaiveDate)> {
                let original: fn(&$name) -> Option<(&str, NaiveDate)> = $original;
                original(self)
            }
        }

        impl Record for $name {
            fn supplier(&self) -> &Gstin {
                &self.supplier_gstin
            }
            fn trade_name(&self) -> Option<&str> {
                self.trade_name.as_deref()
            }
            fn other_fields(&self) -> &OtherFields {
                &self.other_fields
            }
        }
    };
}

record!(
    /// An invoice in IMS `b2b` (and `ecom`).
    ImsInvoice in "b2b" {
        /// Invoice number (`inum`).
        #[serde(rename = "inum", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Invoice date (`idt`).
        #[serde(rename = "idt", with = "crate::date")]
        date: NaiveDate,
    }
    original: |_| None
);

record!(
    /// An amended invoice in IMS `b2ba` (and `ecoma`).
    ImsAmendedInvoice in "b2ba" {
        /// Invoice number (`inum`).
        #[serde(rename = "inum", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Invoice date (`idt`).
        #[serde(rename = "idt", with = "crate::date")]
        date: NaiveDate,
        /// Original invoice number (`oinum`).
        #[serde(rename = "oinum", deserialize_with = "crate::text::number_or_string")]
        original_number: String,
        /// Original invoice date (`oidt`).
        #[serde(rename = "oidt", with = "crate::date")]
        original_date: NaiveDate,
    }
    original: |d| Some((&d.original_number, d.original_date))
);

record!(
    /// A credit or debit note in IMS `b2bcn` or `b2bdn`: its section says which. Amounts are
    /// written positive.
    ImsNote in "b2bcn" {
        /// Note number (`nt_num`).
        #[serde(rename = "nt_num", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Note date (`nt_dt`).
        #[serde(rename = "nt_dt", with = "crate::date")]
        date: NaiveDate,
    }
    original: |_| None
);

record!(
    /// An amended credit or debit note in IMS `b2bcna` or `b2bdna`.
    ImsAmendedNote in "b2bcna" {
        /// Note number (`nt_num`).
        #[serde(rename = "nt_num", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Note date (`nt_dt`).
        #[serde(rename = "nt_dt", with = "crate::date")]
        date: NaiveDate,
        /// Original note number (`ont_num`).
        #[serde(rename = "ont_num", deserialize_with = "crate::text::number_or_string")]
        original_number: String,
        /// Original note date (`ont_dt`).
        #[serde(rename = "ont_dt", with = "crate::date")]
        original_date: NaiveDate,
    }
    original: |d| Some((&d.original_number, d.original_date))
);
