//! `hsnsum`: the HSN-wise summary of inward supplies. Not one of the CSV format's 15 tables; kept so
//! that a save payload carrying it round-trips.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The HSN summary (`hsnsum`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HsnSummary {
    /// The lines (`det`).
    #[serde(rename = "det")]
    pub lines: Vec<HsnLine>,
}

/// One HSN line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HsnLine {
    /// Line number (`num`).
    #[serde(rename = "num")]
    pub number: u32,
    /// HSN or SAC code (`hsn_sc`).
    #[serde(rename = "hsn_sc", default, skip_serializing_if = "Option::is_none")]
    pub hsn_sac: Option<String>,
    /// Description (`desc`).
    #[serde(rename = "desc", default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Unit quantity code (`uqc`).
    #[serde(rename = "uqc", default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Quantity (`qty`).
    #[serde(
        rename = "qty",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub quantity: Option<Decimal>,
    /// Total value (`val`).
    #[serde(
        rename = "val",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<Decimal>,
    /// Taxable value (`txval`).
    #[serde(
        rename = "txval",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub taxable_value: Option<Decimal>,
    /// IGST (`iamt`).
    #[serde(
        rename = "iamt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub igst: Option<Decimal>,
    /// CGST (`camt`).
    #[serde(
        rename = "camt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cgst: Option<Decimal>,
    /// SGST (`samt`).
    #[serde(
        rename = "samt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sgst: Option<Decimal>,
    /// Cess (`csamt`).
    #[serde(
        rename = "csamt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cess: Option<Decimal>,
}
