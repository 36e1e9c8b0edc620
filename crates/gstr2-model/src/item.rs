//! Line items: `itms` with `itm_det` and `itc`, the flat items of imports, and advances.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::codes::{Eligibility, GoodsOrServices};

/// IGST, CGST, SGST and cess of one thing, as exact decimals (absent heads count as zero).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TaxAmounts {
    /// Integrated tax (`iamt`).
    #[serde(rename = "iamt", with = "crate::amount")]
    pub igst: Decimal,
    /// Central tax (`camt`).
    #[serde(rename = "camt", with = "crate::amount")]
    pub cgst: Decimal,
    /// State or union-territory tax (`samt`).
    #[serde(rename = "samt", with = "crate::amount")]
    pub sgst: Decimal,
    /// Cess (`csamt`).
    #[serde(rename = "csamt", with = "crate::amount")]
    pub cess: Decimal,
}

impl TaxAmounts {
    /// All four heads added up.
    pub fn total(&self) -> Decimal {
        self.igst + self.cgst + self.sgst + self.cess
    }

    /// Each head multiplied by `factor` (e.g. a credit note's sign).
    pub fn scaled(&self, factor: Decimal) -> TaxAmounts {
        TaxAmounts {
            igst: self.igst * factor,
            cgst: self.cgst * factor,
            sgst: self.sgst * factor,
            cess: self.cess * factor,
        }
    }
}

impl std::ops::Add for TaxAmounts {
    type Output = TaxAmounts;
    fn add(self, o: TaxAmounts) -> TaxAmounts {
        TaxAmounts {
            igst: self.igst + o.igst,
            cgst: self.cgst + o.cgst,
            sgst: self.sgst + o.sgst,
            cess: self.cess + o.cess,
        }
    }
}

impl std::ops::AddAssign for TaxAmounts {
    fn add_assign(&mut self, o: TaxAmounts) {
        *self = *self + o;
    }
}

impl std::iter::Sum for TaxAmounts {
    fn sum<I: Iterator<Item = TaxAmounts>>(iter: I) -> TaxAmounts {
        iter.fold(TaxAmounts::default(), |a, b| a + b)
    }
}

/// One line item of an invoice or note: `{num, itm_det, itc}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Item number within the document (`num`).
    #[serde(rename = "num")]
    pub number: u32,
    /// Rate, taxable value and tax (`itm_det`).
    #[serde(rename = "itm_det")]
    pub detail: ItemDetail,
    /// Input tax credit claimed (`itc`); absent in GSTR2A. Boxed: GSTR2A's items never carry
    /// it, and an item without it is half the size.
    #[serde(rename = "itc", default, skip_serializing_if = "Option::is_none")]
    pub itc: Option<Box<Itc>>,
}

/// Rate, taxable value and tax of one item (`itm_det`).
///
/// Intra-state items carry `camt` and `samt`, inter-state items `iamt`; a head the document does
/// not carry is `None` and is left out of the JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDetail {
    /// Total tax rate in percent (`rt`).
    #[serde(rename = "rt", with = "crate::amount")]
    pub rate: Decimal,
    /// Taxable value (`txval`).
    #[serde(rename = "txval", with = "crate::amount")]
    pub taxable_value: Decimal,
    /// Integrated tax (`iamt`).
    #[serde(
        rename = "iamt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub igst: Option<Decimal>,
    /// Central tax (`camt`).
    #[serde(
        rename = "camt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cgst: Option<Decimal>,
    /// State or union-territory tax (`samt`).
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
    /// Cess rate (`csrt`): only the seed's amendment tables carry it; left out of the JSON when
    /// absent.
    #[serde(
        rename = "csrt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cess_rate: Option<Decimal>,
    /// Goods or services (`ty`): only the seed's amendment tables carry it.
    #[serde(rename = "ty", default, skip_serializing_if = "Option::is_none")]
    pub goods_or_services: Option<GoodsOrServices>,
    /// HSN or SAC code (`hsn_sc`): only the seed's amendment tables carry it.
    #[serde(rename = "hsn_sc", default, skip_serializing_if = "Option::is_none")]
    pub hsn_sac: Option<String>,
}

impl ItemDetail {
    /// The four tax heads, absent heads as zero.
    pub fn tax(&self) -> TaxAmounts {
        TaxAmounts {
            igst: self.igst.unwrap_or_default(),
            cgst: self.cgst.unwrap_or_default(),
            sgst: self.sgst.unwrap_or_default(),
            cess: self.cess.unwrap_or_default(),
        }
    }
}

/// Input tax credit claimed on one item (`itc`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Itc {
    /// Eligibility (`elg`); with [`Eligibility::Ineligible`] every amount must be zero.
    #[serde(rename = "elg")]
    pub eligibility: Eligibility,
    /// IGST available as ITC (`tx_i`).
    #[serde(
        rename = "tx_i",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub igst: Option<Decimal>,
    /// CGST available as ITC (`tx_c`).
    #[serde(
        rename = "tx_c",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cgst: Option<Decimal>,
    /// SGST available as ITC (`tx_s`).
    #[serde(
        rename = "tx_s",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sgst: Option<Decimal>,
    /// Cess available as ITC (`tx_cs`).
    #[serde(
        rename = "tx_cs",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cess: Option<Decimal>,
    /// IGST credit claimed this month (`tc_i`): the seed's amendment tables only.
    #[serde(
        rename = "tc_i",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub igst_this_month: Option<Decimal>,
    /// CGST credit claimed this month (`tc_c`): the seed's amendment tables only.
    #[serde(
        rename = "tc_c",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cgst_this_month: Option<Decimal>,
    /// SGST credit claimed this month (`tc_s`): the seed's amendment tables only.
    #[serde(
        rename = "tc_s",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sgst_this_month: Option<Decimal>,
    /// Cess credit claimed this month (`tc_cs`): the seed's amendment tables only.
    #[serde(
        rename = "tc_cs",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cess_this_month: Option<Decimal>,
}

impl Itc {
    /// The four ITC heads (`tx_*`), absent heads as zero.
    pub fn amounts(&self) -> TaxAmounts {
        TaxAmounts {
            igst: self.igst.unwrap_or_default(),
            cgst: self.cgst.unwrap_or_default(),
            sgst: self.sgst.unwrap_or_default(),
            cess: self.cess.unwrap_or_default(),
        }
    }
}

/// One item of an import of goods or services (`imp_g`, `imp_ga`, `imp_s`, `imp_sa`): flat, with
/// no `itm_det`/`itc` nesting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItem {
    /// Item number (`num`).
    #[serde(rename = "num")]
    pub number: u32,
    /// Taxable value (`txval`).
    #[serde(rename = "txval", with = "crate::amount")]
    pub taxable_value: Decimal,
    /// IGST rate in percent (`rt`; `irt` in the seed's amendment tables).
    #[serde(rename = "rt", with = "crate::amount")]
    pub rate: Decimal,
    /// Integrated tax (`iamt`).
    #[serde(
        rename = "iamt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub igst: Option<Decimal>,
    /// Cess (`csamt`).
    #[serde(
        rename = "csamt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cess: Option<Decimal>,
    /// Cess rate (`csrt`): the seed's amendment tables only.
    #[serde(
        rename = "csrt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cess_rate: Option<Decimal>,
    /// Eligibility for ITC (`elg`).
    #[serde(rename = "elg", default, skip_serializing_if = "Option::is_none")]
    pub eligibility: Option<Eligibility>,
    /// IGST available as ITC (`tx_i`).
    #[serde(
        rename = "tx_i",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub itc_igst: Option<Decimal>,
    /// Cess available as ITC (`tx_cs`).
    #[serde(
        rename = "tx_cs",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub itc_cess: Option<Decimal>,
    /// IGST credit claimed this month (`tc_i`): the seed's amendment tables only.
    #[serde(
        rename = "tc_i",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub itc_igst_this_month: Option<Decimal>,
    /// Cess credit claimed this month (`tc_cs`): the seed's amendment tables only.
    #[serde(
        rename = "tc_cs",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub itc_cess_this_month: Option<Decimal>,
    /// HSN code of goods or SAC code of services (`hsn_sc`; the seed's `hsn` in `imp_ga`, `sac`
    /// in `imp_sa`).
    #[serde(rename = "hsn_sc", default, skip_serializing_if = "Option::is_none")]
    pub hsn_sac: Option<String>,
}

impl ImportItem {
    /// The tax of the item: IGST and cess only.
    pub fn tax(&self) -> TaxAmounts {
        TaxAmounts {
            igst: self.igst.unwrap_or_default(),
            cess: self.cess.unwrap_or_default(),
            ..TaxAmounts::default()
        }
    }

    /// The ITC claimed on the item: IGST and cess only.
    pub fn itc(&self) -> TaxAmounts {
        TaxAmounts {
            igst: self.itc_igst.unwrap_or_default(),
            cess: self.itc_cess.unwrap_or_default(),
            ..TaxAmounts::default()
        }
    }
}

/// One rate line of an advance under reverse charge (`txi`, `txpd`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvanceItem {
    /// Item number (`num`).
    #[serde(rename = "num")]
    pub number: u32,
    /// Tax rate in percent (`rt`).
    #[serde(rename = "rt", with = "crate::amount")]
    pub rate: Decimal,
    /// Gross advance paid, or to be adjusted (`adamt`).
    #[serde(rename = "adamt", with = "crate::amount")]
    pub advance: Decimal,
    /// Integrated tax (`iamt`).
    #[serde(
        rename = "iamt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub igst: Option<Decimal>,
    /// Central tax (`camt`).
    #[serde(
        rename = "camt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cgst: Option<Decimal>,
    /// State tax (`samt`).
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

impl AdvanceItem {
    /// The four tax heads, absent heads as zero.
    pub fn tax(&self) -> TaxAmounts {
        TaxAmounts {
            igst: self.igst.unwrap_or_default(),
            cgst: self.cgst.unwrap_or_default(),
            sgst: self.sgst.unwrap_or_default(),
            cess: self.cess.unwrap_or_default(),
        }
    }
}
