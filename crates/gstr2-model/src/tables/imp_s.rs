//! Table 9, `imp_s`: services received from a supplier outside India (import of services).
//!
//! Wire key `imp_s`: invoices, each with flat items (`itms`).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::AmountOverflow;
use crate::codes::Flag;
use crate::item::{ImportItem, TaxAmounts};
use crate::StateCode;

/// One invoice for imported services in `imp_s`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOfServices {
    /// The receiver's action (`flag`); `D` deletes an earlier upload.
    #[serde(rename = "flag", default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
    /// GSTN's checksum, echoed unchanged (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Invoice number (`inum`).
    #[serde(rename = "inum")]
    pub number: String,
    /// Invoice date (`idt`).
    #[serde(rename = "idt", with = "crate::date")]
    pub date: NaiveDate,
    /// Invoice value (`ival`).
    #[serde(rename = "ival", with = "crate::amount")]
    pub value: Decimal,
    /// Place of supply (`pos`).
    #[serde(rename = "pos", default, skip_serializing_if = "Option::is_none")]
    pub place_of_supply: Option<StateCode>,
    /// Items (`itms`).
    #[serde(rename = "itms", deserialize_with = "crate::seq::exact")]
    pub items: Vec<ImportItem>,
}

impl ImportOfServices {
    /// Tax of all items; an error where a head overflows a `Decimal`.
    pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(self.items.iter().map(ImportItem::tax))
            .ok_or_else(|| AmountOverflow::new("its tax", "imp_s", Some(&self.number)))
    }
}
