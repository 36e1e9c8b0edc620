//! Table 12, `cdna`: amendments of credit and debit notes of earlier periods.
//!
//! Wire key `cdna`: supplier (`ctin`) → notes (`nt`, each naming the original by `ont_num` and
//! `ont_dt`) → items.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::AmountOverflow;
use crate::codes::{Flag, NoteType, UploadedBy, YesNo};
use crate::item::{Item, TaxAmounts};
use crate::Gstin;

/// One supplier's amended notes in `cdna`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CdnaSupplier {
    /// Supplier's GSTIN (`ctin`).
    #[serde(rename = "ctin")]
    pub supplier_gstin: Gstin,
    /// Whether the supplier has filed (`cfs`).
    #[serde(rename = "cfs", default, skip_serializing_if = "Option::is_none")]
    pub filing_status: Option<YesNo>,
    /// The amended notes (`nt`).
    #[serde(rename = "nt", deserialize_with = "crate::seq::exact")]
    pub notes: Vec<CreditDebitNoteAmendment>,
}

/// One amended note of `cdna`: it replaces the original it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditDebitNoteAmendment {
    /// The receiver's action (`flag`).
    #[serde(rename = "flag", default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
    /// GSTN's checksum, echoed unchanged (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Credit or debit (`ntty`).
    #[serde(rename = "ntty")]
    pub note_type: NoteType,
    /// Original note number (`ont_num`).
    #[serde(rename = "ont_num")]
    pub original_number: String,
    /// Original note date (`ont_dt`).
    #[serde(rename = "ont_dt", with = "crate::date")]
    pub original_date: NaiveDate,
    /// Note number (`nt_num`).
    #[serde(rename = "nt_num")]
    pub number: String,
    /// Note date (`nt_dt`).
    #[serde(rename = "nt_dt", with = "crate::date")]
    pub date: NaiveDate,
    /// Reason for issuing the note (`rsn`).
    #[serde(rename = "rsn", default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Pre-GST regime (`p_gst`); not a column of the CSV format.
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
    /// Reverse charge (`rchrg`).
    #[serde(rename = "rchrg", default, skip_serializing_if = "Option::is_none")]
    pub reverse_charge: Option<YesNo>,
    /// Line items (`itms`).
    #[serde(rename = "itms", deserialize_with = "crate::seq::exact")]
    pub items: Vec<Item>,
}

impl CreditDebitNoteAmendment {
    /// Tax of all items, as written (positive); an error where a head overflows a `Decimal`.
    pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(self.items.iter().map(|i| i.detail.tax()))
            .ok_or_else(|| AmountOverflow::new("its tax", "cdna", Some(&self.number)))
    }

    /// ITC on all items, as written (positive); an error where a head overflows a `Decimal`.
    pub fn itc(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(
            self.items
                .iter()
                .filter_map(|i| i.itc.as_ref())
                .map(|c| c.amounts()),
        )
        .ok_or_else(|| AmountOverflow::new("its ITC", "cdna", Some(&self.number)))
    }
}
