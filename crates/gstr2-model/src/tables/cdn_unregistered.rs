//! Table 13, `cdn_unregistered`: credit and debit notes on purchases from unregistered suppliers
//! and imports of services.
//!
//! Wire key `cdnur`: notes, each with items (`itms` with `itm_det`, `itc`).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::AmountOverflow;
use crate::codes::{Flag, NoteType, UnregisteredNoteType, YesNo};
use crate::item::{Item, TaxAmounts};
use crate::Gstin;

/// One note of `cdnur`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnregisteredNote {
    /// The receiver's action (`flag`); `D` deletes an earlier upload.
    #[serde(rename = "flag", default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
    /// GSTN's checksum, echoed unchanged (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// The receiver's GSTIN (`rtin`).
    #[serde(rename = "rtin", default, skip_serializing_if = "Option::is_none")]
    pub receiver_gstin: Option<Gstin>,
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
    /// Pre-GST regime (`p_gst`).
    #[serde(rename = "p_gst", default, skip_serializing_if = "Option::is_none")]
    pub pre_gst: Option<YesNo>,
    /// Type of the original document (`inv_typ`).
    #[serde(rename = "inv_typ", default, skip_serializing_if = "Option::is_none")]
    pub invoice_type: Option<UnregisteredNoteType>,
    /// Note value (`val`), positive.
    #[serde(rename = "val", with = "crate::amount")]
    pub value: Decimal,
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
    /// Line items (`itms`).
    #[serde(rename = "itms", deserialize_with = "crate::seq::exact")]
    pub items: Vec<Item>,
}

impl UnregisteredNote {
    /// Tax of all items, as written (positive); an error where a head overflows a `Decimal`.
    pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(self.items.iter().map(|i| i.detail.tax()))
            .ok_or_else(|| AmountOverflow::new("its tax", "cdnur", Some(&self.number)))
    }
}
