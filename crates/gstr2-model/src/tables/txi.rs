//! Table 16, `txi`: tax liability under reverse charge arising on account of time of supply
//! without receipt of invoice (advances paid).
//!
//! Wire key `txi`: per place of supply and supply type, rate lines (`itms`).

use serde::{Deserialize, Serialize};

use crate::codes::{Flag, SupplyType};
use crate::item::{AdvanceItem, TaxAmounts};
use crate::StateCode;

/// Advances paid under reverse charge for one place of supply (`txi`), or advances adjusted
/// (`txpd`, the same shape).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advance {
    /// The receiver's action (`flag`); `D` deletes an earlier upload.
    #[serde(rename = "flag", default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
    /// GSTN's checksum, echoed unchanged (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Place of supply (`pos`).
    #[serde(rename = "pos")]
    pub place_of_supply: StateCode,
    /// Inter- or intra-state (`sply_ty`).
    #[serde(rename = "sply_ty")]
    pub supply_type: SupplyType,
    /// Rate lines (`itms`).
    #[serde(rename = "itms", deserialize_with = "crate::seq::exact")]
    pub items: Vec<AdvanceItem>,
}

impl Advance {
    /// Tax of all rate lines.
    pub fn tax(&self) -> TaxAmounts {
        self.items.iter().map(AdvanceItem::tax).sum()
    }
}
