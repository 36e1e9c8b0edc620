//! Table 16, `txi`: tax liability under reverse charge arising on account of time of supply
//! without receipt of invoice (advances paid).
//!
//! Wire key `txi`: per place of supply and supply type, rate lines (`itms`).

use serde::{Deserialize, Serialize};

use crate::amount::AmountOverflow;
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
    /// Tax of all rate lines; an error where a head overflows a `Decimal`. The error names the
    /// advance as a `txi` one by its place of supply and supply type (`27 INTER`); an advance
    /// adjusted (`txpd`) has the same type.
    pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
        TaxAmounts::checked_sum(self.items.iter().map(AdvanceItem::tax)).ok_or_else(|| {
            let key = format!("{} {}", self.place_of_supply, self.supply_type);
            AmountOverflow::new("its tax", "txi", Some(&key))
        })
    }
}
