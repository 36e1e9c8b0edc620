//! Table 6, `b2b_unregistered`: invoices from unregistered suppliers.
//!
//! Wire key `b2bur`: a list of groups, each with its invoices (`inv`) → items.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::AmountOverflow;
use crate::codes::{Flag, SupplyType};
use crate::item::{Item, TaxAmounts};
use crate::StateCode;

/// A group of invoices from unregistered suppliers (one element of `b2bur`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct B2bUnregistered {
    /// The invoices (`inv`).
    #[serde(rename = "inv", deserialize_with = "crate::seq::exact")]
    pub invoices: Vec<B2bUnregisteredInvoice>,
}

/// One invoice from an unregistered supplier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct B2bUnregisteredInvoice {
    /// The receiver's action (`flag`); `D` deletes an earlier upload.
    #[serde(rename = "flag", default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
    /// GSTN's checksum, echoed unchanged (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Supplier's invoice number (`inum`).
    #[serde(rename = "inum")]
    pub number: String,
    /// Supplier's invoice date (`idt`).
    #[serde(rename = "idt", with = "crate::date")]
    pub date: NaiveDate,
    /// Invoice value (`val`).
    #[serde(rename = "val", with = "crate::amount")]
    pub value: Decimal,
    /// Place of supply (`pos`).
    #[serde(rename = "pos")]
    pub place_of_supply: StateCode,
    /// Inter- or intra-state supply (`sply_ty`).
    #[serde(rename = "sply_ty")]
    pub supply_type: SupplyType,
    /// Line items (`itms`).
    #[serde(rename = "itms", deserialize_with = "crate::seq::exact")]
    pub items: Vec<Item>,
}

impl B2bUnregisteredInvoice {
    /// Tax of all items; an error where a head overflows a `Decimal`.
    pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(self.items.iter().map(|i| i.detail.tax()))
            .ok_or_else(|| AmountOverflow::new("its tax", "b2bur", Some(&self.number)))
    }
}
