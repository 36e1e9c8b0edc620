//! Table 5, `b2ba`: amendments of `b2b` invoices of earlier periods.
//!
//! Wire key `b2ba`: supplier (`ctin`) → invoices (`inv`, each naming the original by `oinum` and
//! `oidt`) → items.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::{checked_sum, AmountOverflow};
use crate::codes::{Flag, InvoiceType, UploadedBy, YesNo};
use crate::item::{Item, TaxAmounts};
use crate::{Gstin, StateCode};

/// One supplier's amended invoices in `b2ba`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct B2baSupplier {
    /// Supplier's GSTIN or UIN (`ctin`).
    #[serde(rename = "ctin")]
    pub supplier_gstin: Gstin,
    /// Whether the supplier has filed (`cfs`).
    #[serde(rename = "cfs", default, skip_serializing_if = "Option::is_none")]
    pub filing_status: Option<YesNo>,
    /// The amended invoices (`inv`).
    #[serde(rename = "inv", deserialize_with = "crate::seq::exact")]
    pub invoices: Vec<B2baInvoice>,
}

/// One amended invoice of `b2ba`: it replaces the original it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct B2baInvoice {
    /// The receiver's action (`flag`).
    #[serde(rename = "flag", default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
    /// GSTN's checksum, echoed unchanged (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Number of the original invoice (`oinum`).
    #[serde(rename = "oinum")]
    pub original_number: String,
    /// Date of the original invoice (`oidt`).
    #[serde(rename = "oidt", with = "crate::date")]
    pub original_date: NaiveDate,
    /// Invoice number (`inum`).
    #[serde(rename = "inum")]
    pub number: String,
    /// Invoice date (`idt`).
    #[serde(rename = "idt", with = "crate::date")]
    pub date: NaiveDate,
    /// Invoice value (`val`).
    #[serde(rename = "val", with = "crate::amount")]
    pub value: Decimal,
    /// Place of supply (`pos`).
    #[serde(rename = "pos")]
    pub place_of_supply: StateCode,
    /// Reverse charge (`rchrg`).
    #[serde(rename = "rchrg")]
    pub reverse_charge: YesNo,
    /// Who uploaded it (`updby`).
    #[serde(rename = "updby", default, skip_serializing_if = "Option::is_none")]
    pub uploaded_by: Option<UploadedBy>,
    /// Invoice type (`inv_typ`); not a column of the CSV format.
    #[serde(rename = "inv_typ", default, skip_serializing_if = "Option::is_none")]
    pub invoice_type: Option<InvoiceType>,
    /// Line items (`itms`).
    #[serde(rename = "itms", deserialize_with = "crate::seq::exact")]
    pub items: Vec<Item>,
}

impl B2baInvoice {
    /// Tax of all items; an error where a head overflows a `Decimal`.
    pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(self.items.iter().map(|i| i.detail.tax()))
            .ok_or_else(|| AmountOverflow::new("its tax", "b2ba", Some(&self.number)))
    }

    /// Taxable value of all items; an error where it overflows a `Decimal`.
    pub fn taxable_value(&self) -> Result<Decimal, AmountOverflow> {
        checked_sum(self.items.iter().map(|i| i.detail.taxable_value))
            .ok_or_else(|| AmountOverflow::new("its taxable value", "b2ba", Some(&self.number)))
    }

    /// ITC claimed on all items; an error where a head overflows a `Decimal`.
    pub fn itc(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(
            self.items
                .iter()
                .filter_map(|i| i.itc.as_ref())
                .map(|c| c.amounts()),
        )
        .ok_or_else(|| AmountOverflow::new("its ITC", "b2ba", Some(&self.number)))
    }
}
