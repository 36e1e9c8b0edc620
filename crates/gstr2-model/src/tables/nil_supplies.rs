//! Table 14, `nil_supplies`: supplies received from composition taxable persons and unregistered
//! persons, and exempt, nil-rated and non-GST supplies.
//!
//! Wire key `nil_supplies`: `{inter: {...}, intra: {...}}`. The CSV has one row per supply type,
//! its first column `nil_supplies` saying `INTER` or `INTRA`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The nil, exempt and non-GST supplies of a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NilSupplies {
    /// Inter-state supplies (`inter`).
    #[serde(rename = "inter", default, skip_serializing_if = "Option::is_none")]
    pub inter: Option<NilSupplyAmounts>,
    /// Intra-state supplies (`intra`).
    #[serde(rename = "intra", default, skip_serializing_if = "Option::is_none")]
    pub intra: Option<NilSupplyAmounts>,
}

/// The four values of one supply type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NilSupplyAmounts {
    /// Supplies received from a composition dealer (`cpddr`).
    #[serde(
        rename = "cpddr",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub composition: Option<Decimal>,
    /// Exempt supplies received (`exptdsply`).
    #[serde(
        rename = "exptdsply",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub exempt: Option<Decimal>,
    /// Nil-rated supplies (`nilsply`).
    #[serde(
        rename = "nilsply",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub nil_rated: Option<Decimal>,
    /// Non-GST supplies (`ngsply`).
    #[serde(
        rename = "ngsply",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub non_gst: Option<Decimal>,
}
