//! Table 7, `imp_g`: goods and capital goods received from overseas (import of goods), by bill of
//! entry.
//!
//! Wire key `imp_g`: bills of entry, each with flat items (`itms`).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::AmountOverflow;
use crate::codes::{Flag, YesNo};
use crate::item::{ImportItem, TaxAmounts};
use crate::Gstin;

/// One bill of entry in `imp_g`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOfGoods {
    /// The receiver's action (`flag`); `D` deletes an earlier upload.
    #[serde(rename = "flag", default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
    /// GSTN's checksum, echoed unchanged (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Whether the goods come from an SEZ (`is_sez`).
    #[serde(rename = "is_sez", default, skip_serializing_if = "Option::is_none")]
    pub is_sez: Option<YesNo>,
    /// GSTIN of the SEZ supplier (`stin`), present only when `is_sez` is `Y`.
    #[serde(rename = "stin", default, skip_serializing_if = "Option::is_none")]
    pub sez_supplier_gstin: Option<Gstin>,
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

impl ImportOfGoods {
    /// Tax of all items; an error where a head overflows a `Decimal`.
    pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(self.items.iter().map(ImportItem::tax))
            .ok_or_else(|| AmountOverflow::new("its tax", "imp_g", Some(&self.bill_number)))
    }
}
