//! The supplier-wise summaries of a GSTR-2B (`cpsumm`, `cpSummRej`).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_with::{serde_as, DisplayFromStr, PickFirst};

use super::documents::heads;
use crate::codes::{IsdDocumentType, NoteType};
use crate::warning::Collector;
use crate::{Gstin, TaxAmounts};

/// The supplier-wise summaries of a GSTR-2B (`cpsumm`, `cpSummRej`), per section.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gstr2bSupplierSummaries {
    /// Invoices (`b2b`).
    #[serde(rename = "b2b", default, skip_serializing_if = "Vec::is_empty")]
    pub b2b: Vec<Gstr2bSupplierSummary>,
    /// Amended invoices (`b2ba`).
    #[serde(rename = "b2ba", default, skip_serializing_if = "Vec::is_empty")]
    pub b2ba: Vec<Gstr2bSupplierSummary>,
    /// Credit and debit notes (`cdnr`), one row per supplier and note type.
    #[serde(rename = "cdnr", default, skip_serializing_if = "Vec::is_empty")]
    pub cdnr: Vec<Gstr2bSupplierSummary>,
    /// Amended notes (`cdnra`).
    #[serde(rename = "cdnra", default, skip_serializing_if = "Vec::is_empty")]
    pub cdnra: Vec<Gstr2bSupplierSummary>,
    /// ISD documents (`isd`), one row per distributor and document type.
    #[serde(rename = "isd", default, skip_serializing_if = "Vec::is_empty")]
    pub isd: Vec<Gstr2bSupplierSummary>,
    /// Amended ISD documents (`isda`).
    #[serde(rename = "isda", default, skip_serializing_if = "Vec::is_empty")]
    pub isda: Vec<Gstr2bSupplierSummary>,
    /// Imports from SEZ units (`impgsez`).
    #[serde(rename = "impgsez", default, skip_serializing_if = "Vec::is_empty")]
    pub impgsez: Vec<Gstr2bSupplierSummary>,
    /// E-commerce supplies (`ecom`).
    #[serde(rename = "ecom", default, skip_serializing_if = "Vec::is_empty")]
    pub ecom: Vec<Gstr2bSupplierSummary>,
    /// Amended e-commerce supplies (`ecoma`).
    #[serde(rename = "ecoma", default, skip_serializing_if = "Vec::is_empty")]
    pub ecoma: Vec<Gstr2bSupplierSummary>,
}

impl Gstr2bSupplierSummaries {
    pub(super) fn warnings(&self, found: &mut Collector, key: &str) {
        for (section, rows) in [
            ("b2b", &self.b2b),
            ("b2ba", &self.b2ba),
            ("cdnr", &self.cdnr),
            ("cdnra", &self.cdnra),
            ("isd", &self.isd),
            ("isda", &self.isda),
            ("impgsez", &self.impgsez),
            ("ecom", &self.ecom),
            ("ecoma", &self.ecoma),
        ] {
            for (i, row) in rows.iter().enumerate() {
                if let Some(gstin) = &row.supplier_gstin {
                    found.gstin(gstin, || format!("{key}.{section}[{i}].ctin"));
                }
            }
        }
    }
}

/// One supplier's totals in one section of `cpsumm` or `cpSummRej`.
#[serde_as]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gstr2bSupplierSummary {
    /// Supplier's GSTIN (`ctin`), as GSTN sent it.
    #[serde(
        rename = "ctin",
        default,
        deserialize_with = "crate::gstin::option_as_sent",
        skip_serializing_if = "Option::is_none"
    )]
    pub supplier_gstin: Option<Gstin>,
    /// Supplier's trade name (`trdnm`).
    #[serde(rename = "trdnm", default, skip_serializing_if = "Option::is_none")]
    pub trade_name: Option<String>,
    /// The supplier's return period, as GSTN writes it (`supprd`).
    #[serde(rename = "supprd", default, skip_serializing_if = "Option::is_none")]
    pub supplier_period: Option<String>,
    /// When the supplier filed, as GSTN writes it (`supfildt`).
    #[serde(rename = "supfildt", default, skip_serializing_if = "Option::is_none")]
    pub supplier_filed_on: Option<String>,
    /// Credit or debit (`nttyp`), in `cdnr` and `cdnra`.
    #[serde(rename = "nttyp", default, skip_serializing_if = "Option::is_none")]
    pub note_type: Option<NoteType>,
    /// Invoice or credit note (`doctyp`), in `isd` and `isda`.
    #[serde(
        rename = "doctyp",
        default,
        deserialize_with = "crate::sent::option_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub document_type: Option<IsdDocumentType>,
    /// Port code (`portcode`), in `impgsez`.
    #[serde(
        rename = "portcode",
        default,
        deserialize_with = "crate::text::option_number_or_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub port_code: Option<String>,
    /// Number of documents (`ttldocs`), a number or a string.
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    #[serde(rename = "ttldocs", default, skip_serializing_if = "Option::is_none")]
    pub document_count: Option<u64>,
    /// Taxable value (`txval`).
    #[serde(
        rename = "txval",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub taxable_value: Option<Decimal>,
    /// Integrated tax (`igst`).
    #[serde(
        rename = "igst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub igst: Option<Decimal>,
    /// Central tax (`cgst`).
    #[serde(
        rename = "cgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cgst: Option<Decimal>,
    /// State or union-territory tax (`sgst`).
    #[serde(
        rename = "sgst",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sgst: Option<Decimal>,
    /// Cess (`cess`).
    #[serde(
        rename = "cess",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cess: Option<Decimal>,
}

impl Gstr2bSupplierSummary {
    /// The four tax heads, absent ones as zero.
    pub fn tax(&self) -> TaxAmounts {
        heads(self.igst, self.cgst, self.sgst, self.cess)
    }
}
