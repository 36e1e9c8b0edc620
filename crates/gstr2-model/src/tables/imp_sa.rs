//! Table 10, `imp_sa`: amendments of imports of services of earlier periods.
//!
//! Wire key `imp_sa`: invoices naming the original (`oinum`, `oidt`), with flat items.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::AmountOverflow;
use crate::codes::Flag;
use crate::item::{ImportItem, TaxAmounts};
use crate::StateCode;

/// One amended invoice for imported services in `imp_sa`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOfServicesAmendment {
    /// The receiver's action (`flag`).
    #[serde(rename = "flag", default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
    /// GSTN's checksum, echoed unchanged (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Original invoice number (`oinum`).
    #[serde(rename = "oinum")]
    pub original_number: String,
    /// Original invoice date (`oidt`).
    #[serde(rename = "oidt", with = "crate::date")]
    pub original_date: NaiveDate,
    /// Invoice number (`inum`).
    #[serde(rename = "inum")]
    pub number: String,
    /// Invoice date (`idt`).
    #[serde(rename = "idt", with = "crate::date")]
    pub date: NaiveDate,
    /// Invoice value (`ival`).
    #[serde(rename = "ival", with = "crate::amount")]
    pub value: Decimal,
    /// Place of supply (`pos`); not a column of the CSV format.
    #[serde(rename = "pos", default, skip_serializing_if = "Option::is_none")]
    pub place_of_supply: Option<StateCode>,
    /// Items (`itms`).
    #[serde(rename = "itms", deserialize_with = "crate::seq::exact")]
    pub items: Vec<ImportItem>,
}

impl ImportOfServicesAmendment {
    /// Tax of all items; an error where a head overflows a `Decimal`.
    pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(self.items.iter().map(ImportItem::tax))
            .ok_or_else(|| AmountOverflow::new("its tax", "imp_sa", Some(&self.number)))
    }
}
