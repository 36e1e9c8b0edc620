//! The GSTR2 summary (`RETSUM`): totals per section and per counterparty.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Gstin, ReturnPeriod};

/// The decrypted `RETSUM` response, also what `RETFILE` signs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gstr2Summary {
    /// The receiver's GSTIN (`gstin`).
    #[serde(rename = "gstin")]
    pub gstin: Gstin,
    /// The return period (`ret_period`).
    #[serde(rename = "ret_period")]
    pub ret_period: ReturnPeriod,
    /// GSTN's checksum of the summary (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Summary type (`summ_typ`), e.g. `L` for long.
    #[serde(rename = "summ_typ", default, skip_serializing_if = "Option::is_none")]
    pub summary_type: Option<String>,
    /// One element per section (`section_summary`).
    #[serde(rename = "section_summary", default)]
    pub sections: Vec<SectionSummary>,
}

/// One section of the summary (`section_summary[]`).
///
/// The wire shape is flat, so the totals are fields of their own rather than a flattened struct:
/// `#[serde(flatten)]` would send every number through serde's buffered content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionSummary {
    /// Section name (`sec_nm`), e.g. `B2B`.
    #[serde(rename = "sec_nm")]
    pub section: String,
    /// GSTN's checksum (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Document count (`rc`).
    #[serde(rename = "rc", default, skip_serializing_if = "Option::is_none")]
    pub record_count: Option<u64>,
    /// Total document value (`ttl_val`).
    #[serde(
        rename = "ttl_val",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<Decimal>,
    /// Total IGST on the documents (`ttl_txpd_igst`).
    #[serde(
        rename = "ttl_txpd_igst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tax_igst: Option<Decimal>,
    /// Total SGST on the documents (`ttl_txpd_sgst`).
    #[serde(
        rename = "ttl_txpd_sgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tax_sgst: Option<Decimal>,
    /// Total CGST on the documents (`ttl_txpd_cgst`).
    #[serde(
        rename = "ttl_txpd_cgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tax_cgst: Option<Decimal>,
    /// Total cess on the documents (`ttl_txpd_cess`).
    #[serde(
        rename = "ttl_txpd_cess",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tax_cess: Option<Decimal>,
    /// ISD IGST (`ttl_isd_igst`).
    #[serde(
        rename = "ttl_isd_igst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub isd_igst: Option<Decimal>,
    /// ISD SGST (`ttl_isd_sgst`).
    #[serde(
        rename = "ttl_isd_sgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub isd_sgst: Option<Decimal>,
    /// ISD CGST (`ttl_isd_cgst`).
    #[serde(
        rename = "ttl_isd_cgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub isd_cgst: Option<Decimal>,
    /// ISD cess (`ttl_isd_cess`).
    #[serde(
        rename = "ttl_isd_cess",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub isd_cess: Option<Decimal>,
    /// ITC availed, IGST (`ttl_itcavld_igst`).
    #[serde(
        rename = "ttl_itcavld_igst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub itc_igst: Option<Decimal>,
    /// ITC availed, SGST (`ttl_itcavld_sgst`).
    #[serde(
        rename = "ttl_itcavld_sgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub itc_sgst: Option<Decimal>,
    /// ITC availed, CGST (`ttl_itcavld_cgst`).
    #[serde(
        rename = "ttl_itcavld_cgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub itc_cgst: Option<Decimal>,
    /// ITC availed, cess (`ttl_itcavld_cess`).
    #[serde(
        rename = "ttl_itcavld_cess",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub itc_cess: Option<Decimal>,
    /// Total invoice value (`ti_val`).
    #[serde(
        rename = "ti_val",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub invoice_value: Option<Decimal>,
    /// Supplies from composition dealers (`ttl_cppdr`).
    #[serde(
        rename = "ttl_cppdr",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub composition: Option<Decimal>,
    /// Exempt supplies (`ttl_expdsply`).
    #[serde(
        rename = "ttl_expdsply",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub exempt: Option<Decimal>,
    /// Non-GST supplies (`ttl_ngsply`).
    #[serde(
        rename = "ttl_ngsply",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub non_gst: Option<Decimal>,
    /// Nil-rated supplies (`ttl_nilsply`).
    #[serde(
        rename = "ttl_nilsply",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub nil_rated: Option<Decimal>,
    /// Per counterparty (`cpty_sum`).
    #[serde(rename = "cpty_sum", default, skip_serializing_if = "Vec::is_empty")]
    pub counterparties: Vec<CounterpartySummary>,
}

/// One counterparty within a section (`cpty_sum[]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterpartySummary {
    /// The counterparty's GSTIN (`ctin`).
    #[serde(rename = "ctin")]
    pub counterparty_gstin: Gstin,
    /// GSTN's checksum (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Document count (`rc`).
    #[serde(rename = "rc", default, skip_serializing_if = "Option::is_none")]
    pub record_count: Option<u64>,
    /// Total document value (`ttl_val`).
    #[serde(
        rename = "ttl_val",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<Decimal>,
    /// Total IGST (`ttl_txpd_igst`).
    #[serde(
        rename = "ttl_txpd_igst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tax_igst: Option<Decimal>,
    /// Total SGST (`ttl_txpd_sgst`).
    #[serde(
        rename = "ttl_txpd_sgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tax_sgst: Option<Decimal>,
    /// Total CGST (`ttl_txpd_cgst`).
    #[serde(
        rename = "ttl_txpd_cgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tax_cgst: Option<Decimal>,
    /// Total cess (`ttl_txpd_cess`).
    #[serde(
        rename = "ttl_txpd_cess",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tax_cess: Option<Decimal>,
    /// ISD IGST (`ttl_isd_igst`).
    #[serde(
        rename = "ttl_isd_igst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub isd_igst: Option<Decimal>,
    /// ISD SGST (`ttl_isd_sgst`).
    #[serde(
        rename = "ttl_isd_sgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub isd_sgst: Option<Decimal>,
    /// ISD CGST (`ttl_isd_cgst`).
    #[serde(
        rename = "ttl_isd_cgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub isd_cgst: Option<Decimal>,
    /// ISD cess (`ttl_isd_cess`).
    #[serde(
        rename = "ttl_isd_cess",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub isd_cess: Option<Decimal>,
    /// ITC availed, IGST (`ttl_itcavld_igst`).
    #[serde(
        rename = "ttl_itcavld_igst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub itc_igst: Option<Decimal>,
    /// ITC availed, SGST (`ttl_itcavld_sgst`).
    #[serde(
        rename = "ttl_itcavld_sgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub itc_sgst: Option<Decimal>,
    /// ITC availed, CGST (`ttl_itcavld_cgst`).
    #[serde(
        rename = "ttl_itcavld_cgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub itc_cgst: Option<Decimal>,
    /// ITC availed, cess (`ttl_itcavld_cess`).
    #[serde(
        rename = "ttl_itcavld_cess",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub itc_cess: Option<Decimal>,
}
