//! Table 17, `txia`: amendments of advances under reverse charge (`txi`) of earlier periods.
//!
//! Wire key `atxi`. GSTN publishes no current wire shape for this table, so the wire keeps the
//! CSV format's column codes: the document's fields and totals at the top, one element of `itms` per
//! item with per-head rates (`irt`, `crt`, `srt`, `csrt`). The CSV format's item has no number; items
//! keep their order.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::codes::{Flag, GoodsOrServices};
use crate::item::TaxAmounts;
use crate::StateCode;

/// One amended advance document of `txia`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvanceAmendment {
    /// The receiver's action (`flag`).
    #[serde(rename = "flag", default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
    /// GSTN's checksum, echoed unchanged (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Counterparty (`cpty`): its GSTIN or name.
    #[serde(rename = "cpty")]
    pub counterparty: String,
    /// Registration type (`reg_type`).
    #[serde(rename = "reg_type", default, skip_serializing_if = "Option::is_none")]
    pub registration_type: Option<String>,
    /// Original supplier document number (`odnum`).
    #[serde(rename = "odnum")]
    pub original_number: String,
    /// Original supplier document date (`otdt`).
    #[serde(rename = "otdt", with = "crate::date")]
    pub original_date: NaiveDate,
    /// Supplier document number (`dnum`).
    #[serde(rename = "dnum")]
    pub number: String,
    /// Supplier document date (`dt`).
    #[serde(rename = "dt", with = "crate::date")]
    pub date: NaiveDate,
    /// Place of supply (`state_cd`).
    #[serde(rename = "state_cd")]
    pub place_of_supply: StateCode,
    /// Original registration type (`oreg_type`).
    #[serde(rename = "oreg_type", default, skip_serializing_if = "Option::is_none")]
    pub original_registration_type: Option<String>,
    /// Original counterparty (`ocpty`).
    #[serde(rename = "ocpty", default, skip_serializing_if = "Option::is_none")]
    pub original_counterparty: Option<String>,
    /// Document taxable value (`txval`).
    #[serde(rename = "txval", with = "crate::amount")]
    pub taxable_value: Decimal,
    /// Document IGST total (`iamt`).
    #[serde(
        rename = "iamt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub igst: Option<Decimal>,
    /// Document CGST total (`camt`).
    #[serde(
        rename = "camt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cgst: Option<Decimal>,
    /// Document SGST total (`samt`).
    #[serde(
        rename = "samt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sgst: Option<Decimal>,
    /// Document cess total (`csamt`).
    #[serde(
        rename = "csamt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cess: Option<Decimal>,
    /// Items (`itms`).
    #[serde(rename = "itms", deserialize_with = "crate::seq::exact")]
    pub items: Vec<AdvanceAmendmentItem>,
}

impl AdvanceAmendment {
    /// The document's tax totals (`iamt`, `camt`, `samt`, `csamt` at the top).
    pub fn tax(&self) -> TaxAmounts {
        TaxAmounts {
            igst: self.igst.unwrap_or_default(),
            cgst: self.cgst.unwrap_or_default(),
            sgst: self.sgst.unwrap_or_default(),
            cess: self.cess.unwrap_or_default(),
        }
    }
}

/// One item of an amended advance, with per-head rates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvanceAmendmentItem {
    /// Goods or services (`ty`).
    #[serde(rename = "ty", default, skip_serializing_if = "Option::is_none")]
    pub goods_or_services: Option<GoodsOrServices>,
    /// HSN or SAC code (`hsn_sc`).
    #[serde(rename = "hsn_sc", default, skip_serializing_if = "Option::is_none")]
    pub hsn_sac: Option<String>,
    /// Taxable value (`txval`).
    #[serde(rename = "txval", with = "crate::amount")]
    pub taxable_value: Decimal,
    /// IGST rate (`irt`; spelled `Irt` in the CSV format).
    #[serde(
        rename = "irt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub igst_rate: Option<Decimal>,
    /// IGST (`iamt`).
    #[serde(
        rename = "iamt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub igst: Option<Decimal>,
    /// CGST rate (`crt`).
    #[serde(
        rename = "crt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cgst_rate: Option<Decimal>,
    /// CGST (`camt`).
    #[serde(
        rename = "camt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cgst: Option<Decimal>,
    /// SGST rate (`srt`).
    #[serde(
        rename = "srt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sgst_rate: Option<Decimal>,
    /// SGST (`samt`).
    #[serde(
        rename = "samt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sgst: Option<Decimal>,
    /// Cess rate (`csrt`).
    #[serde(
        rename = "csrt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cess_rate: Option<Decimal>,
    /// Cess (`csamt`).
    #[serde(
        rename = "csamt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cess: Option<Decimal>,
}
