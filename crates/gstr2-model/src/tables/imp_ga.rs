//! Table 8, `imp_ga`: amendments of bills of entry of earlier periods.
//!
//! Wire key `imp_ga`: bills of entry naming the original (`oboe_num`, `oboe_dt`), with flat items.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::AmountOverflow;
use crate::codes::{Flag, YesNo};
use crate::item::{ImportItem, TaxAmounts};
use crate::Gstin;

/// One amended bill of entry in `imp_ga`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOfGoodsAmendment {
    /// The receiver's action (`flag`).
    #[serde(rename = "flag", default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
    /// GSTN's checksum, echoed unchanged (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Whether the goods come from an SEZ (`is_sez`); not a column of the CSV format.
    #[serde(rename = "is_sez", default, skip_serializing_if = "Option::is_none")]
    pub is_sez: Option<YesNo>,
    /// GSTIN of the SEZ supplier (`stin`); not a column of the CSV format.
    #[serde(rename = "stin", default, skip_serializing_if = "Option::is_none")]
    pub sez_supplier_gstin: Option<Gstin>,
    /// Original bill of entry number (`oboe_num`).
    #[serde(rename = "oboe_num")]
    pub original_bill_number: String,
    /// Original bill of entry date (`oboe_dt`).
    #[serde(rename = "oboe_dt", with = "crate::date")]
    pub original_bill_date: NaiveDate,
    /// Bill of entry number (`boe_num`).
    #[serde(rename = "boe_num")]
    pub bill_number: String,
    /// Bill of entry date (`boe_dt`).
    #[serde(rename = "boe_dt", with = "crate::date")]
    pub bill_date: NaiveDate,
    /// Bill of entry value (`boe_val`).
    #[serde(rename = "boe_val", with = "crate::amount")]
    pub bill_value: Decimal,
    /// Port code (`port_code`).
    #[serde(rename = "port_code", default, skip_serializing_if = "Option::is_none")]
    pub port_code: Option<String>,
    /// Items (`itms`).
    #[serde(rename = "itms", deserialize_with = "crate::seq::exact")]
    pub items: Vec<ImportItem>,
}

impl ImportOfGoodsAmendment {
    /// Tax of all items; an error where a head overflows a `Decimal`.
    pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(self.items.iter().map(ImportItem::tax))
            .ok_or_else(|| AmountOverflow::new("its tax", "imp_ga", Some(&self.bill_number)))
    }
}
