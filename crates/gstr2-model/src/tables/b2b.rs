//! Table 4, `b2b`: inward supplies from registered taxable persons, including supplies from
//! unregistered persons under reverse charge.
//!
//! Wire key `b2b`: supplier (`ctin`) → invoices (`inv`) → items (`itms` with `itm_det`, `itc`).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::{checked_sum, AmountOverflow};
use crate::codes::{CounterpartyFlag, Flag, InvoiceType, OriginalPeriod, UploadedBy, YesNo};
use crate::item::{Item, TaxAmounts};
use crate::{Gstin, StateCode};

/// One supplier's invoices in `b2b`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct B2bSupplier {
    /// Supplier's GSTIN or UIN (`ctin`).
    #[serde(rename = "ctin")]
    pub supplier_gstin: Gstin,
    /// Whether the supplier has filed (`cfs`).
    #[serde(rename = "cfs", default, skip_serializing_if = "Option::is_none")]
    pub filing_status: Option<YesNo>,
    /// The invoices (`inv`).
    #[serde(rename = "inv", deserialize_with = "crate::seq::exact")]
    pub invoices: Vec<B2bInvoice>,
}

/// One invoice of `b2b`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct B2bInvoice {
    /// The receiver's action (`flag`); absent on documents new to GSTR2.
    #[serde(rename = "flag", default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
    /// GSTN's checksum of a counterparty document, echoed unchanged (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
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
    /// The supplier's action (`cflag`).
    #[serde(rename = "cflag", default, skip_serializing_if = "Option::is_none")]
    pub counterparty_flag: Option<CounterpartyFlag>,
    /// Original period of a carried-forward invoice (`opd`).
    #[serde(rename = "opd", default, skip_serializing_if = "Option::is_none")]
    pub original_period: Option<OriginalPeriod>,
    /// Invoice type (`inv_typ`).
    #[serde(rename = "inv_typ", default, skip_serializing_if = "Option::is_none")]
    pub invoice_type: Option<InvoiceType>,
    /// Line items (`itms`).
    #[serde(rename = "itms", deserialize_with = "crate::seq::exact")]
    pub items: Vec<Item>,
}

impl B2bInvoice {
    /// Tax of all items; an error where a head overflows a `Decimal`.
    pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(self.items.iter().map(|i| i.detail.tax()))
            .ok_or_else(|| AmountOverflow::new("its tax", "b2b", Some(&self.number)))
    }

    /// Taxable value of all items; an error where it overflows a `Decimal`.
    pub fn taxable_value(&self) -> Result<Decimal, AmountOverflow> {
        checked_sum(self.items.iter().map(|i| i.detail.taxable_value))
            .ok_or_else(|| AmountOverflow::new("its taxable value", "b2b", Some(&self.number)))
    }

    /// ITC claimed on all items; an error where a head overflows a `Decimal`.
    pub fn itc(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(
            self.items
                .iter()
                .filter_map(|i| i.itc.as_ref())
                .map(|c| c.amounts()),
        )
        .ok_or_else(|| AmountOverflow::new("its ITC", "b2b", Some(&self.number)))
    }
}
