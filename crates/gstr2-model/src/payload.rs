//! The GSTR2 save payload (`RETSAVE`, before encryption): the GSTIN, the period and the sections.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use crate::tables::{
    b2b::B2bSupplier, b2b_unregistered::B2bUnregistered, b2ba::B2baSupplier, cdn::CdnSupplier,
    cdn_unregistered::UnregisteredNote, cdna::CdnaSupplier, hsnsum::HsnSummary,
    imp_g::ImportOfGoods, imp_ga::ImportOfGoodsAmendment, imp_s::ImportOfServices,
    imp_sa::ImportOfServicesAmendment, itc::ItcReversal, nil_supplies::NilSupplies, txi::Advance,
    txia::AdvanceAmendment,
};
use crate::{Gstin, ReturnPeriod, Table};

/// A GSTR2 save payload: what `RETSAVE` sends, and what a section GET returns.
///
/// Empty sections are left out of the JSON. A top-level key the model does not know (a section
/// such as `isd`, which gstr2 does not model) is kept verbatim in [`Gstr2Payload::other_sections`]
/// and written back as it came, so that nothing read is lost; what cannot carry such a section
/// says so (the CSV writer refuses it, [`crate::validate`] reports it, and the client does not
/// save a payload that has one).
///
/// ```
/// use gstr2_model::{Gstr2Payload, json};
///
/// let text = r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017","b2b":[]}"#;
/// let payload: Gstr2Payload = json::from_str(text)?;
/// assert_eq!(payload.fp.to_string(), "072017");
/// assert!(payload.is_empty());
/// assert_eq!(json::to_string(&payload)?, r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017"}"#);
/// # Ok::<(), gstr2_model::json::JsonError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gstr2Payload {
    /// The receiver's GSTIN (`gstin`).
    #[serde(rename = "gstin")]
    pub gstin: Gstin,
    /// The return period (`fp`).
    #[serde(rename = "fp")]
    pub fp: ReturnPeriod,
    /// Table 4 (`b2b`).
    #[serde(rename = "b2b", default, skip_serializing_if = "Vec::is_empty")]
    pub b2b: Vec<B2bSupplier>,
    /// Table 5 (`b2ba`).
    #[serde(rename = "b2ba", default, skip_serializing_if = "Vec::is_empty")]
    pub b2ba: Vec<B2baSupplier>,
    /// Table 6 (`b2bur`).
    #[serde(rename = "b2bur", default, skip_serializing_if = "Vec::is_empty")]
    pub b2bur: Vec<B2bUnregistered>,
    /// Table 7 (`imp_g`).
    #[serde(rename = "imp_g", default, skip_serializing_if = "Vec::is_empty")]
    pub imp_g: Vec<ImportOfGoods>,
    /// Table 8 (`imp_ga`).
    #[serde(rename = "imp_ga", default, skip_serializing_if = "Vec::is_empty")]
    pub imp_ga: Vec<ImportOfGoodsAmendment>,
    /// Table 9 (`imp_s`).
    #[serde(rename = "imp_s", default, skip_serializing_if = "Vec::is_empty")]
    pub imp_s: Vec<ImportOfServices>,
    /// Table 10 (`imp_sa`).
    #[serde(rename = "imp_sa", default, skip_serializing_if = "Vec::is_empty")]
    pub imp_sa: Vec<ImportOfServicesAmendment>,
    /// Table 11 (`cdn`).
    #[serde(rename = "cdn", default, skip_serializing_if = "Vec::is_empty")]
    pub cdn: Vec<CdnSupplier>,
    /// Table 12 (`cdna`).
    #[serde(rename = "cdna", default, skip_serializing_if = "Vec::is_empty")]
    pub cdna: Vec<CdnaSupplier>,
    /// Table 13 (`cdnur`).
    #[serde(rename = "cdnur", default, skip_serializing_if = "Vec::is_empty")]
    pub cdnur: Vec<UnregisteredNote>,
    /// Table 14 (`nil_supplies`).
    #[serde(
        rename = "nil_supplies",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub nil_supplies: Option<NilSupplies>,
    /// Table 15 (`itc_rvsl`).
    #[serde(rename = "itc_rvsl", default, skip_serializing_if = "Option::is_none")]
    pub itc_rvsl: Option<ItcReversal>,
    /// Table 16 (`txi`).
    #[serde(rename = "txi", default, skip_serializing_if = "Vec::is_empty")]
    pub txi: Vec<Advance>,
    /// Table 17 (`atxi`).
    #[serde(rename = "atxi", default, skip_serializing_if = "Vec::is_empty")]
    pub atxi: Vec<AdvanceAmendment>,
    /// Table 18 (`txpd`).
    #[serde(rename = "txpd", default, skip_serializing_if = "Vec::is_empty")]
    pub txpd: Vec<Advance>,
    /// HSN summary (`hsnsum`); not one of the CSV format's tables.
    #[serde(rename = "hsnsum", default, skip_serializing_if = "Option::is_none")]
    pub hsnsum: Option<HsnSummary>,
    /// Top-level keys the model does not know, each with its JSON value as read.
    #[serde(flatten)]
    pub other_sections: OtherSections,
}

/// The top-level keys of a payload that gstr2 does not model, each kept with its JSON text as
/// read (in key order), to be written back verbatim.
///
/// ```
/// use gstr2_model::{json, Gstr2Payload};
///
/// let text = r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017","isd":[{"ctin":"27AAPFU0939F1ZV"}]}"#;
/// let payload: Gstr2Payload = json::from_str(text)?;
/// assert_eq!(payload.other_sections.names().collect::<Vec<_>>(), ["isd"]);
/// assert_eq!(payload.other_sections.get("isd"), Some(r#"[{"ctin":"27AAPFU0939F1ZV"}]"#));
/// assert_eq!(json::to_string(&payload)?, text);
/// # Ok::<(), json::JsonError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct OtherSections(BTreeMap<String, RawSection>);

/// One section's JSON text, compared as text.
#[derive(Clone)]
struct RawSection(Box<RawValue>);

impl PartialEq for RawSection {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl Eq for RawSection {}

impl OtherSections {
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Their keys, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The JSON text of one, as read.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|raw| raw.0.get())
    }

    /// Removes them all, returning their keys.
    pub fn clear(&mut self) -> Vec<String> {
        std::mem::take(&mut self.0).into_keys().collect()
    }

    /// Appends `other`'s sections: one this side lacks is taken as it is; one both have is
    /// joined when both are JSON arrays (their elements in order, the texts as read), else
    /// this side's is kept (a paged answer repeats no section but arrays).
    pub fn append(&mut self, other: OtherSections) {
        for (name, theirs) in other.0 {
            match self.0.get_mut(&name) {
                None => {
                    self.0.insert(name, theirs);
                }
                Some(ours) => {
                    if let Some(joined) = join_arrays(ours.0.get(), theirs.0.get()) {
                        ours.0 = joined;
                    }
                }
            }
        }
    }

    /// Keeps one as read (for [`sections_reader`]).
    pub(crate) fn insert(&mut self, name: String, raw: Box<RawValue>) {
        self.0.insert(name, RawSection(raw));
    }
}

/// The JSON array of `a`'s elements then `b`'s, if both are arrays.
fn join_arrays(a: &str, b: &str) -> Option<Box<RawValue>> {
    fn inner(text: &str) -> Option<&str> {
        let t = text.trim();
        t.strip_prefix('[')?.strip_suffix(']').map(str::trim)
    }
    let (a, b) = (inner(a)?, inner(b)?);
    let joined = match (a.is_empty(), b.is_empty()) {
        (true, _) => format!("[{b}]"),
        (_, true) => format!("[{a}]"),
        _ => format!("[{a},{b}]"),
    };
    RawValue::from_string(joined).ok()
}

impl fmt::Debug for OtherSections {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, v.0.get())))
            .finish()
    }
}

impl Serialize for OtherSections {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, &v.0)))
    }
}

/// Implements `Deserialize` for a struct of JSON sections read key by key: the known keys
/// into their fields (`required` ones must be there, `optional` ones default), any other key
/// with its JSON text into the struct's `other_sections` ([`OtherSections`]), so that nothing
/// read is dropped (serde's derive would drop an unknown key, and `flatten` would buffer every
/// section and lose serde_json's exact numbers). A key given twice is an error.
macro_rules! sections_reader {
    (
        $ty:ident, $expecting:literal,
        required { $($rkey:literal => $rfield:ident,)* }
        optional { $($key:literal => $field:ident,)+ }
    ) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Fields;

                impl<'de> serde::de::Visitor<'de> for Fields {
                    type Value = $ty;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$ty, A::Error> {
                        use serde::de::Error;
                        $(let mut $rfield = None;)*
                        $(let mut $field = None;)+
                        let mut other = $crate::payload::OtherSections::default();
                        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                            match &*key {
                                $($rkey if $rfield.is_none() => $rfield = Some(map.next_value()?),)*
                                $($key if $field.is_none() => $field = Some(map.next_value()?),)+
                                $(| $rkey)* $(| $key)+ => return Err(A::Error::custom(
                                    format_args!("duplicate field `{key}`"),
                                )),
                                _ if other.get(&key).is_some() => return Err(A::Error::custom(
                                    format_args!("duplicate field `{key}`"),
                                )),
                                _ => other.insert(key.into_owned(), map.next_value()?),
                            }
                        }
                        Ok($ty {
                            $($rfield: $rfield.ok_or_else(|| A::Error::missing_field($rkey))?,)*
                            $($field: $field.unwrap_or_default(),)+
                            other_sections: other,
                        })
                    }
                }

                d.deserialize_map(Fields)
            }
        }
    };
}

pub(crate) use sections_reader;

sections_reader! {
    Gstr2Payload, "a GSTR2 payload object",
    required {
        "gstin" => gstin,
        "fp" => fp,
    }
    optional {
    "b2b" => b2b,
    "b2ba" => b2ba,
    "b2bur" => b2bur,
    "imp_g" => imp_g,
    "imp_ga" => imp_ga,
    "imp_s" => imp_s,
    "imp_sa" => imp_sa,
    "cdn" => cdn,
    "cdna" => cdna,
    "cdnur" => cdnur,
    "nil_supplies" => nil_supplies,
    "itc_rvsl" => itc_rvsl,
    "txi" => txi,
    "atxi" => atxi,
    "txpd" => txpd,
    "hsnsum" => hsnsum,
    }
}

impl Gstr2Payload {
    /// An empty payload for a GSTIN and period.
    pub fn new(gstin: Gstin, fp: ReturnPeriod) -> Self {
        Gstr2Payload {
            gstin,
            fp,
            b2b: Vec::new(),
            b2ba: Vec::new(),
            b2bur: Vec::new(),
            imp_g: Vec::new(),
            imp_ga: Vec::new(),
            imp_s: Vec::new(),
            imp_sa: Vec::new(),
            cdn: Vec::new(),
            cdna: Vec::new(),
            cdnur: Vec::new(),
            nil_supplies: None,
            itc_rvsl: None,
            txi: Vec::new(),
            atxi: Vec::new(),
            txpd: Vec::new(),
            hsnsum: None,
            other_sections: OtherSections::default(),
        }
    }

    /// Whether no section holds anything.
    pub fn is_empty(&self) -> bool {
        Table::ALL.iter().all(|&t| self.document_count(t) == 0)
            && self.hsnsum.is_none()
            && self.other_sections.is_empty()
    }

    /// The number of documents (invoices, notes, bills, advances; one for each of
    /// `nil_supplies` and `itc_rvsl` when present) in one table.
    pub fn document_count(&self, table: Table) -> usize {
        match table {
            Table::B2b => self.b2b.iter().map(|s| s.invoices.len()).sum(),
            Table::B2ba => self.b2ba.iter().map(|s| s.invoices.len()).sum(),
            Table::B2bUnregistered => self.b2bur.iter().map(|s| s.invoices.len()).sum(),
            Table::ImpG => self.imp_g.len(),
            Table::ImpGa => self.imp_ga.len(),
            Table::ImpS => self.imp_s.len(),
            Table::ImpSa => self.imp_sa.len(),
            Table::Cdn => self.cdn.iter().map(|s| s.notes.len()).sum(),
            Table::Cdna => self.cdna.iter().map(|s| s.notes.len()).sum(),
            Table::CdnUnregistered => self.cdnur.len(),
            Table::NilSupplies => usize::from(self.nil_supplies.is_some()),
            Table::Itc => usize::from(self.itc_rvsl.is_some()),
            Table::Txi => self.txi.len(),
            Table::Txia => self.atxi.len(),
            Table::Txpd => self.txpd.len(),
        }
    }

    /// The number of documents in all tables.
    pub fn total_documents(&self) -> usize {
        Table::ALL.iter().map(|&t| self.document_count(t)).sum()
    }
}
