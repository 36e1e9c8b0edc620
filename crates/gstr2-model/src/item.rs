//! Line items: `itms` with `itm_det` and `itc`, the flat items of imports, and advances.

use rust_decimal::Decimal;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::codes::{Eligibility, GoodsOrServices};

/// IGST, CGST, SGST and cess of one thing, as exact decimals (absent heads count as zero).
///
/// Added up only with checked arithmetic ([`TaxAmounts::checked_add`],
/// [`TaxAmounts::checked_sum`]): there is no `+`, which would panic on amounts that overflow a
/// `Decimal`.
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
    /// All four heads added up; `None` where that overflows a [`Decimal`].
    pub fn checked_total(&self) -> Option<Decimal> {
        crate::amount::checked_sum([self.igst, self.cgst, self.sgst, self.cess])
    }

    /// Each head added to `other`'s; `None` where a head overflows a [`Decimal`].
    pub fn checked_add(&self, other: &TaxAmounts) -> Option<TaxAmounts> {
        Some(TaxAmounts {
            igst: self.igst.checked_add(other.igst)?,
            cgst: self.cgst.checked_add(other.cgst)?,
            sgst: self.sgst.checked_add(other.sgst)?,
            cess: self.cess.checked_add(other.cess)?,
        })
    }

    /// Head by head, the sum of `amounts` (zero for none); `None` where a head overflows a
    /// [`Decimal`] (checked at every step, in order).
    ///
    /// ```
    /// use gstr2_model::TaxAmounts;
    /// use rust_decimal::Decimal;
    ///
    /// let igst = |v: Decimal| TaxAmounts { igst: v, ..TaxAmounts::default() };
    /// let sum = TaxAmounts::checked_sum([igst(Decimal::ONE), igst(Decimal::TWO)]);
    /// assert_eq!(sum, Some(igst(Decimal::from(3))));
    /// assert_eq!(TaxAmounts::checked_sum([igst(Decimal::MAX), igst(Decimal::ONE)]), None);
    /// ```
    pub fn checked_sum(amounts: impl IntoIterator<Item = TaxAmounts>) -> Option<TaxAmounts> {
        amounts
            .into_iter()
            .try_fold(TaxAmounts::default(), |sum, a| sum.checked_add(&a))
    }

    /// Each head counted with `sign`, +1 or -1 (e.g. a credit note's), as
    /// [`amount::signed`](crate::amount::signed): never overflows.
    pub fn signed(&self, sign: Decimal) -> TaxAmounts {
        use crate::amount::signed;
        TaxAmounts {
            igst: signed(self.igst, sign),
            cgst: signed(self.cgst, sign),
            sgst: signed(self.sgst, sign),
            cess: signed(self.cess, sign),
        }
    }

    /// Each head's absolute value.
    pub fn abs(&self) -> TaxAmounts {
        TaxAmounts {
            igst: self.igst.abs(),
            cgst: self.cgst.abs(),
            sgst: self.sgst.abs(),
            cess: self.cess.abs(),
        }
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
    /// it, and an item is 136 bytes with the box against 224 with the `Itc` inline (on 64-bit
    /// targets, as a test pins).
    #[serde(rename = "itc", default, skip_serializing_if = "Option::is_none")]
    pub itc: Option<Box<Itc>>,
}

/// Rate, taxable value and tax of one item (`itm_det`).
///
/// Intra-state items carry `camt` and `samt`, inter-state items `iamt`; a head the document does
/// not carry is `None` and is left out of the JSON. The fields only the CSV format's amendment
/// tables carry (`csrt`, `ty`, `hsn_sc`) are boxed in [`ItemDetail::extra`], so that the common
/// `ItemDetail` is 120 bytes instead of 160 (on 64-bit targets, as a test pins); on the wire they
/// stay flat keys of `itm_det`. Equality is the wire's: an empty box equals no box (both write
/// nothing).
#[derive(Clone, Debug, Deserialize)]
#[serde(from = "ItemDetailWire")]
pub struct ItemDetail {
    /// Total tax rate in percent (`rt`).
    pub rate: Decimal,
    /// Taxable value (`txval`).
    pub taxable_value: Decimal,
    /// Integrated tax (`iamt`).
    pub igst: Option<Decimal>,
    /// Central tax (`camt`).
    pub cgst: Option<Decimal>,
    /// State or union-territory tax (`samt`).
    pub sgst: Option<Decimal>,
    /// Cess (`csamt`).
    pub cess: Option<Decimal>,
    /// Cess rate, goods or services, HSN or SAC code: `None` when all three are absent (the
    /// readers never give an empty one; build one with [`ItemExtra::non_empty`]).
    pub extra: Option<Box<ItemExtra>>,
}

/// The fields of an item that only the CSV format's amendment tables carry (`csrt`, `ty`, `hsn_sc`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemExtra {
    /// Cess rate (`csrt`).
    pub cess_rate: Option<Decimal>,
    /// Goods or services (`ty`).
    pub goods_or_services: Option<GoodsOrServices>,
    /// HSN or SAC code (`hsn_sc`).
    pub hsn_sac: Option<String>,
}

impl PartialEq for ItemDetail {
    fn eq(&self, other: &Self) -> bool {
        (
            self.rate,
            self.taxable_value,
            self.igst,
            self.cgst,
            self.sgst,
            self.cess,
        ) == (
            other.rate,
            other.taxable_value,
            other.igst,
            other.cgst,
            other.sgst,
            other.cess,
        ) && self.extra_or_default() == other.extra_or_default()
    }
}

impl Eq for ItemDetail {}

impl ItemExtra {
    /// Boxed, or `None` when every field is absent: what [`ItemDetail::extra`] holds.
    pub fn non_empty(self) -> Option<Box<ItemExtra>> {
        let empty =
            self.cess_rate.is_none() && self.goods_or_services.is_none() && self.hsn_sac.is_none();
        (!empty).then(|| Box::new(self))
    }
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

    /// The rare fields, all absent where there is no box (or an empty one).
    pub fn extra_or_default(&self) -> ItemExtra {
        self.extra.as_deref().cloned().unwrap_or_default()
    }

    /// Sets the rare fields, boxed only when one is present (the invariant the readers keep).
    pub fn set_extra(&mut self, extra: ItemExtra) {
        self.extra = extra.non_empty();
    }

    /// Cess rate (`csrt`).
    pub fn cess_rate(&self) -> Option<Decimal> {
        self.extra.as_ref().and_then(|e| e.cess_rate)
    }

    /// Goods or services (`ty`).
    pub fn goods_or_services(&self) -> Option<&GoodsOrServices> {
        self.extra
            .as_ref()
            .and_then(|e| e.goods_or_services.as_ref())
    }

    /// HSN or SAC code (`hsn_sc`).
    pub fn hsn_sac(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|e| e.hsn_sac.as_deref())
    }
}

/// `itm_det` as it travels: every key flat.
#[derive(Deserialize)]
struct ItemDetailWire {
    #[serde(rename = "rt", with = "crate::amount")]
    rate: Decimal,
    #[serde(rename = "txval", with = "crate::amount")]
    taxable_value: Decimal,
    #[serde(rename = "iamt", with = "crate::amount::option", default)]
    igst: Option<Decimal>,
    #[serde(rename = "camt", with = "crate::amount::option", default)]
    cgst: Option<Decimal>,
    #[serde(rename = "samt", with = "crate::amount::option", default)]
    sgst: Option<Decimal>,
    #[serde(rename = "csamt", with = "crate::amount::option", default)]
    cess: Option<Decimal>,
    #[serde(rename = "csrt", with = "crate::amount::option", default)]
    cess_rate: Option<Decimal>,
    #[serde(rename = "ty", default)]
    goods_or_services: Option<GoodsOrServices>,
    #[serde(rename = "hsn_sc", default)]
    hsn_sac: Option<String>,
}

impl From<ItemDetailWire> for ItemDetail {
    fn from(w: ItemDetailWire) -> ItemDetail {
        ItemDetail {
            rate: w.rate,
            taxable_value: w.taxable_value,
            igst: w.igst,
            cgst: w.cgst,
            sgst: w.sgst,
            cess: w.cess,
            extra: ItemExtra {
                cess_rate: w.cess_rate,
                goods_or_services: w.goods_or_services,
                hsn_sac: w.hsn_sac,
            }
            .non_empty(),
        }
    }
}

impl Serialize for ItemDetail {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let extra = self.extra.as_deref();
        write_flat(
            s,
            "ItemDetail",
            &[
                ("rt", Flat::Amount(Some(self.rate))),
                ("txval", Flat::Amount(Some(self.taxable_value))),
                ("iamt", Flat::Amount(self.igst)),
                ("camt", Flat::Amount(self.cgst)),
                ("samt", Flat::Amount(self.sgst)),
                ("csamt", Flat::Amount(self.cess)),
                ("csrt", Flat::Amount(extra.and_then(|e| e.cess_rate))),
                (
                    "ty",
                    Flat::Text(
                        extra.and_then(|e| e.goods_or_services.as_ref().map(|g| g.as_str())),
                    ),
                ),
                (
                    "hsn_sc",
                    Flat::Text(extra.and_then(|e| e.hsn_sac.as_deref())),
                ),
            ],
        )
    }
}

/// Input tax credit claimed on one item (`itc`).
///
/// The credit claimed this month (`tc_*`), which only the CSV format's amendment tables carry, is
/// boxed in [`Itc::this_month`], so that the common `Itc` is 96 bytes instead of 164 (on 64-bit
/// targets, as a test pins); on the wire its keys stay flat keys of `itc`. Equality is the wire's: an empty box equals no box.
#[derive(Clone, Debug, Deserialize)]
#[serde(from = "ItcWire")]
pub struct Itc {
    /// Eligibility (`elg`); with [`Eligibility::Ineligible`] every amount must be zero.
    pub eligibility: Eligibility,
    /// IGST available as ITC (`tx_i`).
    pub igst: Option<Decimal>,
    /// CGST available as ITC (`tx_c`).
    pub cgst: Option<Decimal>,
    /// SGST available as ITC (`tx_s`).
    pub sgst: Option<Decimal>,
    /// Cess available as ITC (`tx_cs`).
    pub cess: Option<Decimal>,
    /// The credit claimed this month (`tc_*`): `None` when all four are absent (the readers
    /// never give an empty one; build one with [`ItcThisMonth::non_empty`]).
    pub this_month: Option<Box<ItcThisMonth>>,
}

impl PartialEq for Itc {
    fn eq(&self, other: &Self) -> bool {
        (
            &self.eligibility,
            self.igst,
            self.cgst,
            self.sgst,
            self.cess,
        ) == (
            &other.eligibility,
            other.igst,
            other.cgst,
            other.sgst,
            other.cess,
        ) && self.this_month() == other.this_month()
    }
}

impl Eq for Itc {}

/// Credit claimed this month (`tc_i`, `tc_c`, `tc_s`, `tc_cs`): the CSV format's amendment tables
/// only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ItcThisMonth {
    /// IGST (`tc_i`).
    pub igst: Option<Decimal>,
    /// CGST (`tc_c`).
    pub cgst: Option<Decimal>,
    /// SGST (`tc_s`).
    pub sgst: Option<Decimal>,
    /// Cess (`tc_cs`).
    pub cess: Option<Decimal>,
}

impl ItcThisMonth {
    /// Boxed, or `None` when every head is absent: what [`Itc::this_month`] holds.
    pub fn non_empty(self) -> Option<Box<ItcThisMonth>> {
        (self != ItcThisMonth::default()).then(|| Box::new(self))
    }
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

    /// The credit claimed this month, every head absent when there is none.
    pub fn this_month(&self) -> ItcThisMonth {
        self.this_month.as_deref().copied().unwrap_or_default()
    }
}

/// `itc` as it travels: every key flat.
#[derive(Deserialize)]
struct ItcWire {
    #[serde(rename = "elg")]
    eligibility: Eligibility,
    #[serde(rename = "tx_i", with = "crate::amount::option", default)]
    igst: Option<Decimal>,
    #[serde(rename = "tx_c", with = "crate::amount::option", default)]
    cgst: Option<Decimal>,
    #[serde(rename = "tx_s", with = "crate::amount::option", default)]
    sgst: Option<Decimal>,
    #[serde(rename = "tx_cs", with = "crate::amount::option", default)]
    cess: Option<Decimal>,
    #[serde(rename = "tc_i", with = "crate::amount::option", default)]
    igst_this_month: Option<Decimal>,
    #[serde(rename = "tc_c", with = "crate::amount::option", default)]
    cgst_this_month: Option<Decimal>,
    #[serde(rename = "tc_s", with = "crate::amount::option", default)]
    sgst_this_month: Option<Decimal>,
    #[serde(rename = "tc_cs", with = "crate::amount::option", default)]
    cess_this_month: Option<Decimal>,
}

impl From<ItcWire> for Itc {
    fn from(w: ItcWire) -> Itc {
        Itc {
            eligibility: w.eligibility,
            igst: w.igst,
            cgst: w.cgst,
            sgst: w.sgst,
            cess: w.cess,
            this_month: ItcThisMonth {
                igst: w.igst_this_month,
                cgst: w.cgst_this_month,
                sgst: w.sgst_this_month,
                cess: w.cess_this_month,
            }
            .non_empty(),
        }
    }
}

impl Serialize for Itc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let this_month = self.this_month();
        write_flat(
            s,
            "Itc",
            &[
                ("elg", Flat::Text(Some(self.eligibility.as_str()))),
                ("tx_i", Flat::Amount(self.igst)),
                ("tx_c", Flat::Amount(self.cgst)),
                ("tx_s", Flat::Amount(self.sgst)),
                ("tx_cs", Flat::Amount(self.cess)),
                ("tc_i", Flat::Amount(this_month.igst)),
                ("tc_c", Flat::Amount(this_month.cgst)),
                ("tc_s", Flat::Amount(this_month.sgst)),
                ("tc_cs", Flat::Amount(this_month.cess)),
            ],
        )
    }
}

/// A field of a struct written flat by [`write_flat`]: left out when `None`.
enum Flat<'a> {
    Amount(Option<Decimal>),
    Text(Option<&'a str>),
}

/// An amount as it travels (see [`crate::amount`]).
struct WireAmount(Decimal);

impl Serialize for WireAmount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::amount::serialize(&self.0, s)
    }
}

/// Writes a struct of flat fields, leaving out the absent ones as the derived `Serialize` does
/// with `skip_serializing_if = "Option::is_none"`.
fn write_flat<S: Serializer>(
    s: S,
    name: &'static str,
    fields: &[(&'static str, Flat<'_>)],
) -> Result<S::Ok, S::Error> {
    let present = fields
        .iter()
        .filter(|(_, f)| !matches!(f, Flat::Amount(None) | Flat::Text(None)))
        .count();
    let mut out = s.serialize_struct(name, present)?;
    for &(key, ref field) in fields {
        match field {
            Flat::Amount(Some(amount)) => out.serialize_field(key, &WireAmount(*amount))?,
            Flat::Text(Some(text)) => out.serialize_field(key, text)?,
            Flat::Amount(None) | Flat::Text(None) => out.skip_field(key)?,
        }
    }
    out.end()
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
    /// IGST rate in percent (`rt`; `irt` in the CSV format's amendment tables).
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
    /// Cess rate (`csrt`): the CSV format's amendment tables only.
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
    /// IGST credit claimed this month (`tc_i`): the CSV format's amendment tables only.
    #[serde(
        rename = "tc_i",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub itc_igst_this_month: Option<Decimal>,
    /// Cess credit claimed this month (`tc_cs`): the CSV format's amendment tables only.
    #[serde(
        rename = "tc_cs",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub itc_cess_this_month: Option<Decimal>,
    /// HSN code of goods or SAC code of services (`hsn_sc`; the CSV format's `hsn` in `imp_ga`, `sac`
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The sizes the docs of [`Item`], [`ItemDetail`] and [`Itc`] give, on 64-bit targets: each
    /// type as it is, and as it would be with its rare fields inline instead of boxed (the same
    /// fields, unboxed, in a struct of their own). A million documents' items are held at once.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn sizes_are_the_documented_ones() {
        use std::mem::size_of;

        #[allow(dead_code)]
        struct ItcInline {
            eligibility: Eligibility,
            heads: [Option<Decimal>; 4],
            this_month: Option<ItcThisMonth>,
        }
        #[allow(dead_code)]
        struct ItemDetailInline {
            rate: Decimal,
            taxable_value: Decimal,
            heads: [Option<Decimal>; 4],
            extra: Option<ItemExtra>,
        }
        #[allow(dead_code)]
        struct ItemWithItcInline {
            number: u32,
            detail: ItemDetail,
            itc: Option<Itc>,
        }

        assert_eq!(size_of::<Item>(), 136);
        assert_eq!(size_of::<ItemWithItcInline>(), 224);
        assert_eq!(size_of::<ItemDetail>(), 120);
        assert_eq!(size_of::<ItemDetailInline>(), 160);
        assert_eq!(size_of::<Itc>(), 96);
        assert_eq!(size_of::<ItcInline>(), 164);
    }

    #[test]
    fn rare_fields_are_boxed_only_when_present_and_stay_flat_on_the_wire() {
        let plain: Item = serde_json::from_str(
            r#"{"num":1,"itm_det":{"rt":18,"txval":100.00,"iamt":18.00},
                "itc":{"elg":"ip","tx_i":18.00}}"#,
        )
        .expect("an item");
        assert_eq!(plain.detail.extra, None);
        assert_eq!(plain.itc.as_ref().and_then(|i| i.this_month.as_ref()), None);

        let text = r#"{"num":2,"itm_det":{"rt":5,"txval":10,"csrt":1,"hsn_sc":"8471"},"itc":{"elg":"no","tc_cs":0}}"#;
        let rare: Item = serde_json::from_str(text).expect("an item");
        assert_eq!(rare.detail.cess_rate(), Some(Decimal::ONE));
        assert_eq!(rare.detail.hsn_sac(), Some("8471"));
        assert_eq!(rare.detail.goods_or_services(), None);
        let itc = rare.itc.as_deref().expect("itc");
        assert_eq!(itc.this_month().cess, Some(Decimal::ZERO));
        assert_eq!(itc.this_month().igst, None);
        assert_eq!(serde_json::to_string(&rare).expect("encodes"), text);

        // An empty box is written as no box at all, and never made by `non_empty`.
        assert_eq!(ItemExtra::default().non_empty(), None);
        assert_eq!(ItcThisMonth::default().non_empty(), None);
        let mut boxed_empty = plain.clone();
        boxed_empty.detail.extra = Some(Box::default());
        assert_eq!(
            serde_json::to_string(&boxed_empty).expect("encodes"),
            serde_json::to_string(&plain).expect("encodes")
        );
        // Equal on the wire, equal in Rust; and the setter keeps the invariant.
        assert_eq!(boxed_empty, plain);
        boxed_empty.detail.set_extra(ItemExtra::default());
        assert_eq!(boxed_empty.detail.extra, None);
        let mut itc_boxed_empty = plain.itc.as_deref().cloned().expect("itc");
        itc_boxed_empty.this_month = Some(Box::default());
        assert_eq!(Some(&itc_boxed_empty), plain.itc.as_deref());
    }
}
