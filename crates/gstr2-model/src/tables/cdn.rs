//! Table 11, `cdn`: credit and debit notes from registered suppliers.
//!
//! Wire key `cdn`: supplier (`ctin`) → notes (`nt`) → items (`itms` with `itm_det`, `itc`).
//! Amounts are written positive; a credit note's [`NoteType::sign`] says how it counts.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::AmountOverflow;
use crate::codes::{CounterpartyFlag, Flag, NoteType, OriginalPeriod, UploadedBy, YesNo};
use crate::item::{Item, TaxAmounts};
use crate::Gstin;

/// One supplier's notes in `cdn`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CdnSupplier {
    /// Supplier's GSTIN (`ctin`).
    #[serde(rename = "ctin")]
    pub supplier_gstin: Gstin,
    /// Whether the supplier has filed (`cfs`).
    #[serde(rename = "cfs", default, skip_serializing_if = "Option::is_none")]
    pub filing_status: Option<YesNo>,
    /// The notes (`nt`).
    #[serde(rename = "nt", deserialize_with = "crate::seq::exact")]
    pub notes: Vec<CreditDebitNote>,
}

/// One credit or debit note of `cdn`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditDebitNote {
    /// The receiver's action (`flag`).
    #[serde(rename = "flag", default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
    /// GSTN's checksum, echoed unchanged (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Credit or debit (`ntty`).
    #[serde(rename = "ntty")]
    pub note_type: NoteType,
    /// Note number (`nt_num`).
    #[serde(rename = "nt_num")]
    pub number: String,
    /// Note date (`nt_dt`).
    #[serde(rename = "nt_dt", with = "crate::date")]
    pub date: NaiveDate,
    /// Reason for issuing the note (`rsn`).
    #[serde(rename = "rsn", default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Whether the note belongs to the pre-GST regime (`p_gst`).
    #[serde(rename = "p_gst", default, skip_serializing_if = "Option::is_none")]
    pub pre_gst: Option<YesNo>,
    /// Number of the invoice the note adjusts (`inum`).
    #[serde(rename = "inum", default, skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<String>,
    /// Date of that invoice (`idt`).
    #[serde(
        rename = "idt",
        with = "crate::date::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub invoice_date: Option<NaiveDate>,
    /// Note value (`val`), positive.
    #[serde(rename = "val", with = "crate::amount")]
    pub value: Decimal,
    /// Who uploaded it (`updby`).
    #[serde(rename = "updby", default, skip_serializing_if = "Option::is_none")]
    pub uploaded_by: Option<UploadedBy>,
    /// The supplier's action (`cflag`).
    #[serde(rename = "cflag", default, skip_serializing_if = "Option::is_none")]
    pub counterparty_flag: Option<CounterpartyFlag>,
    /// Original period (`opd`).
    #[serde(rename = "opd", default, skip_serializing_if = "Option::is_none")]
    pub original_period: Option<OriginalPeriod>,
    /// Line items (`itms`).
    #[serde(rename = "itms", deserialize_with = "crate::seq::exact")]
    pub items: Vec<Item>,
}

impl CreditDebitNote {
    /// Tax of all items, as written (positive); an error where a head overflows a `Decimal`.
    pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(self.items.iter().map(|i| i.detail.tax()))
            .ok_or_else(|| AmountOverflow::new("its tax", "cdn", Some(&self.number)))
    }

    /// ITC on all items, as written (positive); an error where a head overflows a `Decimal`.
    pub fn itc(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(
            self.items
                .iter()
                .filter_map(|i| i.itc.as_ref())
                .map(|c| c.amounts()),
        )
        .ok_or_else(|| AmountOverflow::new("its ITC", "cdn", Some(&self.number)))
    }
}
