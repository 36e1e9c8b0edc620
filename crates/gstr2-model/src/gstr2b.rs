//! GSTR-2B: the statement of input tax credit GSTN generates for a recipient each period
//! (GET2B of `returns/gstr2b`), read as GSTN writes it.
//!
//! A [`Gstr2b`] holds the header (`gstin`, `rtnprd`, `version`, `gendt`), the ITC summary
//! ([`ItcNode`], `itcsumm`), the supplier-wise summaries (`cpsumm`, `cpSummRej`), and the
//! documents: those with ITC (`docdata`) and those the recipient rejected in IMS
//! (`docRejdata`), each in the sections `b2b`, `b2ba`, `cdnr`, `cdnra`, `isd`, `isda`, `impg`,
//! `impgsez`, `ecom`, `ecoma` ([`Gstr2bDocuments`]). A quarterly 2B has the same shape.
//!
//! - **Both layouts.** Older 2Bs put the amounts of an invoice or note in `items[]`, with rates;
//!   newer ones put `txval` and the tax heads on the document. Both read into the same types,
//!   and `taxable_value()` and `tax()` give the document's amounts either way.
//! - **Wrappers** ([`Gstr2b::from_json`]): the bare object, `{"data", "chksum"}` in either key
//!   order, a provider's wrapper around that, or GSTN's error answer, which is an
//!   [`AnswerError::Gstn`] with GSTN's code and message.
//! - **Paged form.** Above GSTN's document limit, the answer without `file_num` carries the
//!   summaries and the file count (`fc`), and the answers for `file_num` 1 to `fc` carry the
//!   documents; [`Gstr2b::merge_parts`] puts them together into the one 2B.
//! - **Leniency.** What GSTN sends is read as sent: GSTINs failing their check character, tax
//!   heads left out, integers beside decimals, float noise, codes in any spelling, documents
//!   listed twice. Nothing is refused for one odd value; [`Gstr2b::warnings`] reports what is
//!   odd, with JSON paths.
//! - **One vocabulary** with GSTR2A and IMS (see [`crate::counterparty`]): `supplier_gstin`
//!   (`ctin`), `number` (`inum`, `ntnum`, `docnum`), `date` (`dt`, `docdt`), `value` (`val`),
//!   `taxable_value` (`txval`), `igst`, `cgst`, `sgst`, `cess`.
//!
//! ```
//! use gstr2_model::gstr2b::Gstr2b;
//!
//! let answer = br#"{"chksum":"ab12","data":{"gstin":"27AAPFU0939F1ZV","rtnprd":"042024",
//!   "version":"1.0","gendt":"14-05-2024",
//!   "itcsumm":{"itcavl":{"nonrevsup":{"b2b":{"txval":1000,"igst":180}}}},
//!   "docdata":{"b2b":[{"ctin":"33GSPTN4811G1ZC","trdnm":"Supplier","supfildt":"11-05-2024",
//!     "supprd":"042024","inv":[{"inum":"S1","typ":"R","dt":"02-04-2024","val":1180,
//!     "pos":"27","rev":"N","itcavl":"Y","rsn":"","items":[{"num":1,"rt":18,"txval":1000,
//!     "igst":180}]}]}]}}}"#;
//! let gstr2b = Gstr2b::from_json(answer)?;
//! assert_eq!(gstr2b.checksum.as_deref(), Some("ab12"));
//! let invoice = &gstr2b.documents.b2b[0].invoices[0];
//! assert_eq!(invoice.number, "S1");
//! assert_eq!(invoice.tax()?.igst.to_string(), "180");
//! assert_eq!(invoice.taxable_value()?.to_string(), "1000");
//! let available = gstr2b.itc_available().and_then(|n| n.get(&["nonrevsup", "b2b"]));
//! assert_eq!(available.map(|n| n.tax().igst.to_string()).as_deref(), Some("180"));
//! assert!(gstr2b.warnings().is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_with::{serde_as, DisplayFromStr, PickFirst};

use crate::amount::{checked_sum, AmountOverflow};
use crate::codes::{
    CounterpartyInvoiceType, Indicator, IsdDocumentType, ItcAvailability, ItcUnavailableReason,
    NoteType, SourceType,
};
use crate::counterparty::{CounterpartyDocument, SupplierDocument};
use crate::envelope::{self, AnswerError};
use crate::payload::OtherSections;
use crate::warning::{Collector, Identity, Warning};
use crate::{Gstin, ReturnPeriod, StateCode, TaxAmounts};

mod itc;

pub use itc::ItcNode;

/// A GSTR-2B as GET2B answers it (the `data` object), or one part of a paged one.
///
/// Read it with [`Gstr2b::from_json`], which also takes the wrappers around it; a bare object
/// also reads with [`crate::json::from_slice`]. Written with serde, it is the bare object; see
/// [`Gstr2b::answer`] for the `{"chksum", "data"}` form.
#[serde_as]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gstr2b {
    /// The checksum GSTN gave beside the data (`chksum` of `{"chksum", "data"}`), kept by
    /// [`Gstr2b::from_json`]; not part of the object itself.
    #[serde(skip)]
    pub checksum: Option<String>,
    /// The recipient's GSTIN (`gstin`), as GSTN sent it.
    #[serde(
        rename = "gstin",
        default,
        deserialize_with = "crate::gstin::option_as_sent",
        skip_serializing_if = "Option::is_none"
    )]
    pub gstin: Option<Gstin>,
    /// The return period (`rtnprd`), `MMYYYY`; the quarter's last month for a quarterly 2B.
    #[serde(
        rename = "rtnprd",
        default,
        deserialize_with = "crate::sent::option_parsed",
        skip_serializing_if = "Option::is_none"
    )]
    pub return_period: Option<ReturnPeriod>,
    /// The version of the statement, as GSTN writes it (`version`), e.g. `1.0`.
    #[serde(
        rename = "version",
        default,
        deserialize_with = "crate::text::option_number_or_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub version: Option<String>,
    /// When GSTN generated it, as GSTN writes it (`gendt`), `DD-MM-YYYY` so far; see
    /// [`filing_date`].
    #[serde(rename = "gendt", default, skip_serializing_if = "Option::is_none")]
    pub generated_on: Option<String>,
    /// The number of parts of a paged 2B (`fc`): this answer then has the summaries, and the
    /// documents come in the answers for `file_num` 1 to `fc`. A number or a string.
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    #[serde(rename = "fc", default, skip_serializing_if = "Option::is_none")]
    pub file_count: Option<u32>,
    /// Which part of a paged 2B this is (`file_num`), where the answer says. A number or a
    /// string.
    #[serde_as(as = "Option<PickFirst<(_, DisplayFromStr)>>")]
    #[serde(rename = "file_num", default, skip_serializing_if = "Option::is_none")]
    pub file_number: Option<u32>,
    /// The ITC summary (`itcsumm`).
    #[serde(rename = "itcsumm", default, skip_serializing_if = "Option::is_none")]
    pub itc_summary: Option<ItcNode>,
    /// The supplier-wise summary of the documents with ITC (`cpsumm`).
    #[serde(rename = "cpsumm", default, skip_serializing_if = "Option::is_none")]
    pub supplier_summary: Option<Gstr2bSupplierSummaries>,
    /// The supplier-wise summary of the rejected documents (`cpSummRej`), in newer 2Bs.
    #[serde(rename = "cpSummRej", default, skip_serializing_if = "Option::is_none")]
    pub rejected_supplier_summary: Option<Gstr2bSupplierSummaries>,
    /// The documents (`docdata`): ITC available or not, not rejected in IMS.
    #[serde(
        rename = "docdata",
        default,
        skip_serializing_if = "Gstr2bDocuments::is_empty"
    )]
    pub documents: Gstr2bDocuments,
    /// The documents the recipient rejected in IMS (`docRejdata`), in newer 2Bs.
    #[serde(
        rename = "docRejdata",
        default,
        skip_serializing_if = "Gstr2bDocuments::is_empty"
    )]
    pub rejected: Gstr2bDocuments,
}

/// The keys only a GSTR-2B's own object has, which tell it from the wrappers around it.
const BODY_KEYS: &[&str] = &[
    "gstin",
    "rtnprd",
    "version",
    "gendt",
    "itcsumm",
    "cpsumm",
    "cpSummRej",
    "docdata",
    "docRejdata",
    "fc",
    "file_num",
];

/// The keys under which GSTN and providers wrap the object, looked into in this order.
const WRAPPERS: &[&str] = &["data", "response", "result", "results", "message"];

impl Gstr2b {
    /// Reads a GSTR-2B from JSON as users hand it over: the bare object, `{"chksum", "data"}`
    /// in either key order (the portal's download, a decrypted GET2B answer), a provider's
    /// wrapper around either (`{"status", "data" | "response" | "message"}`), with or without
    /// a byte-order mark, minified or indented.
    ///
    /// GSTN's error answer in place of the 2B (`{"status_cd": "0", "error": {"error_cd",
    /// "message"}}`, e.g. `GTR2B-002`, not generated) is [`AnswerError::Gstn`]. A value that
    /// does not fit is [`AnswerError::Json`] with its JSON path, the wrappers' keys included
    /// (`data.docdata.b2b[0].inv[3].dt`). The checksum beside the data is kept in
    /// [`Gstr2b::checksum`].
    ///
    /// ```
    /// use gstr2_model::gstr2b::Gstr2b;
    ///
    /// let wrapped = br#"{"status":1,
    ///   "data":{"data":{"rtnprd":"042024","docdata":{}},"chksum":"x"}}"#;
    /// let gstr2b = Gstr2b::from_json(wrapped)?;
    /// assert_eq!(gstr2b.return_period.map(|p| p.to_string()).as_deref(), Some("042024"));
    /// assert_eq!(gstr2b.checksum.as_deref(), Some("x"));
    ///
    /// let broken = br#"{"data":{"docdata":{"b2b":[{"ctin":"33GSPTN4811G1ZC",
    ///   "inv":[{"inum":"S1","dt":"31-02-2024","val":1}]}]}}}"#;
    /// let err = Gstr2b::from_json(broken).unwrap_err();
    /// assert_eq!(err.path(), Some("data.docdata.b2b[0].inv[0].dt"));
    /// # Ok::<(), gstr2_model::envelope::AnswerError>(())
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Gstr2b, AnswerError> {
        let found = envelope::read::<Gstr2b>(bytes, "a GSTR-2B", BODY_KEYS, WRAPPERS)?;
        let mut gstr2b = found.value;
        gstr2b.checksum = found.checksum.or(gstr2b.checksum);
        Ok(gstr2b)
    }

    /// The `{"chksum", "data"}` form GSTN answers GET2B with, to write with serde.
    pub fn answer(&self) -> Gstr2bAnswer<'_> {
        Gstr2bAnswer {
            checksum: self.checksum.as_deref(),
            data: self,
        }
    }

    /// Whether this is the head of a paged 2B: a file count and no documents.
    pub fn is_paged(&self) -> bool {
        self.file_count.is_some() && self.documents.is_empty() && self.rejected.is_empty()
    }

    /// Appends the documents of `part` (`docdata`, `docRejdata`) to this 2B's. The header,
    /// summaries and checksum stay this one's, where set, and are taken from `part` where not.
    pub fn merge(&mut self, part: Gstr2b) {
        self.checksum = self.checksum.take().or(part.checksum);
        self.gstin = self.gstin.or(part.gstin);
        self.return_period = self.return_period.or(part.return_period);
        self.version = self.version.take().or(part.version);
        self.generated_on = self.generated_on.take().or(part.generated_on);
        self.itc_summary = self.itc_summary.take().or(part.itc_summary);
        self.supplier_summary = self.supplier_summary.take().or(part.supplier_summary);
        self.rejected_supplier_summary = self
            .rejected_supplier_summary
            .take()
            .or(part.rejected_supplier_summary);
        self.documents.append(part.documents);
        self.rejected.append(part.rejected);
    }

    /// The one 2B of a paged answer: this head (the answer without `file_num`) with the
    /// documents of `parts` appended in the order of their `file_num` (parts without one last,
    /// in the order given), and `fc` and `file_num` cleared.
    ///
    /// ```
    /// use gstr2_model::gstr2b::Gstr2b;
    ///
    /// let head = Gstr2b::from_json(br#"{"rtnprd":"042024","fc":2,"itcsumm":{}}"#)?;
    /// assert!(head.is_paged());
    /// let part = |n: u32, number: &str| Gstr2b::from_json(format!(
    ///     r#"{{"rtnprd":"042024","file_num":{n},"docdata":{{"b2b":[{{"ctin":"33GSPTN4811G1ZC",
    ///     "inv":[{{"inum":"{number}","dt":"02-04-2024","val":1}}]}}]}}}}"#).as_bytes());
    /// let whole = head.merge_parts([part(2, "S2")?, part(1, "S1")?]);
    /// let numbers: Vec<_> = whole.documents.iter().map(|d| d.document.number()).collect();
    /// assert_eq!(numbers, ["S1", "S2"]);
    /// assert_eq!((whole.file_count, whole.file_number), (None, None));
    /// # Ok::<(), gstr2_model::envelope::AnswerError>(())
    /// ```
    pub fn merge_parts(mut self, parts: impl IntoIterator<Item = Gstr2b>) -> Gstr2b {
        let mut parts: Vec<Gstr2b> = parts.into_iter().collect();
        parts.sort_by_key(|p| p.file_number.unwrap_or(u32::MAX));
        for part in parts {
            self.merge(part);
        }
        self.file_count = None;
        self.file_number = None;
        self
    }

    /// ITC available (`itcsumm.itcavl`).
    pub fn itc_available(&self) -> Option<&ItcNode> {
        self.itc_summary.as_ref()?.child("itcavl")
    }

    /// ITC not available (`itcsumm.itcunavl`).
    pub fn itc_unavailable(&self) -> Option<&ItcNode> {
        self.itc_summary.as_ref()?.child("itcunavl")
    }

    /// ITC of the documents rejected in IMS (`itcsumm.itcRejected`), in newer 2Bs.
    pub fn itc_rejected(&self) -> Option<&ItcNode> {
        self.itc_summary.as_ref()?.child("itcRejected")
    }

    /// ITC to be reversed (`itcsumm.itcrev`), in newer 2Bs.
    pub fn itc_reversal(&self) -> Option<&ItcNode> {
        self.itc_summary.as_ref()?.child("itcrev")
    }

    /// What is odd in this 2B, each with its JSON path, in the order of the input: GSTINs whose
    /// state code or check character is wrong (the recipient's, the suppliers' in `docdata`,
    /// `docRejdata`, `cpsumm` and `cpSummRej`), and documents listed more than once in one
    /// section (the same supplier, number, date and, for notes, type; the supplier may be
    /// listed twice too). Every one of them was read and is kept; see [`crate::warning`].
    ///
    /// ```
    /// use gstr2_model::gstr2b::Gstr2b;
    ///
    /// let gstr2b = Gstr2b::from_json(br#"{"docdata":{"b2b":[
    ///   {"ctin":"01AABCE2207R1Z5","inv":[{"inum":"S1","dt":"02-04-2024","val":1}]},
    ///   {"ctin":"01AABCE2207R1Z5","inv":[{"inum":"S1","dt":"02-04-2024","val":1}]}]}}"#)?;
    /// let warnings: Vec<String> = gstr2b.warnings().iter().map(|w| w.to_string()).collect();
    /// assert_eq!(warnings, [
    ///     "docdata.b2b[0].ctin: GSTIN 01AABCE2207R1Z5: check character is 5, expected V",
    ///     "docdata.b2b[1].ctin: GSTIN 01AABCE2207R1Z5: check character is 5, expected V",
    ///     "docdata.b2b[1].inv[0]: the same document as docdata.b2b[0].inv[0] (identical)",
    /// ]);
    /// # Ok::<(), gstr2_model::envelope::AnswerError>(())
    /// ```
    pub fn warnings(&self) -> Vec<Warning> {
        let mut found = Collector::default();
        if let Some(gstin) = &self.gstin {
            found.gstin(gstin, || "gstin".to_owned());
        }
        for (key, summary) in [
            ("cpsumm", &self.supplier_summary),
            ("cpSummRej", &self.rejected_supplier_summary),
        ] {
            if let Some(summary) = summary {
                summary.warnings(&mut found, key);
            }
        }
        self.documents.warnings(&mut found, "docdata");
        self.rejected.warnings(&mut found, "docRejdata");
        found.finish()
    }
}

/// A GSTR-2B as GSTN answers GET2B: `{"chksum": …, "data": {…}}` ([`Gstr2b::answer`]).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Gstr2bAnswer<'a> {
    /// The checksum (`chksum`).
    #[serde(rename = "chksum", skip_serializing_if = "Option::is_none")]
    pub checksum: Option<&'a str>,
    /// The 2B (`data`).
    #[serde(rename = "data")]
    pub data: &'a Gstr2b,
}

/// A filing date as GSTN writes it: `DD-MM-YYYY` (`24-07-2017`), `dd-Mon-yy` (`24-Jul-17`) or
/// `dd-Mon-yyyy`; `None` for anything else.
///
/// ```
/// use gstr2_model::gstr2b::filing_date;
///
/// let day = chrono::NaiveDate::from_ymd_opt(2024, 5, 11);
/// assert_eq!(filing_date("11-05-2024"), day);
/// assert_eq!(filing_date("11-May-24"), day);
/// assert_eq!(filing_date("11-may-2024"), day);
/// assert_eq!(filing_date("May-24"), None);
/// ```
pub fn filing_date(text: &str) -> Option<NaiveDate> {
    crate::date::parse(text).ok().or_else(|| {
        let (_, year) = text.rsplit_once('-')?;
        let format = if year.len() == 2 {
            "%d-%b-%y"
        } else {
            "%d-%b-%Y"
        };
        NaiveDate::parse_from_str(text, format).ok()
    })
}

/// The sections of documents of a GSTR-2B (`docdata`, and `docRejdata` of the rejected ones).
///
/// Empty sections are left out of the JSON, as GSTN leaves them out. A section the model does
/// not know (GSTN adds some, e.g. `impga`) is kept verbatim in
/// [`Gstr2bDocuments::other_sections`], written back as read, and named by
/// [`Gstr2b::warnings`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Gstr2bDocuments {
    /// Invoices (`b2b`).
    #[serde(rename = "b2b", default, skip_serializing_if = "Vec::is_empty")]
    pub b2b: Vec<Gstr2bB2bSupplier>,
    /// Amended invoices (`b2ba`).
    #[serde(rename = "b2ba", default, skip_serializing_if = "Vec::is_empty")]
    pub b2ba: Vec<Gstr2bB2baSupplier>,
    /// Credit and debit notes (`cdnr`).
    #[serde(rename = "cdnr", default, skip_serializing_if = "Vec::is_empty")]
    pub cdnr: Vec<Gstr2bCdnrSupplier>,
    /// Amended credit and debit notes (`cdnra`).
    #[serde(rename = "cdnra", default, skip_serializing_if = "Vec::is_empty")]
    pub cdnra: Vec<Gstr2bCdnraSupplier>,
    /// Input service distributors' documents (`isd`).
    #[serde(rename = "isd", default, skip_serializing_if = "Vec::is_empty")]
    pub isd: Vec<Gstr2bIsdSupplier>,
    /// Amended ISD documents (`isda`).
    #[serde(rename = "isda", default, skip_serializing_if = "Vec::is_empty")]
    pub isda: Vec<Gstr2bIsdaSupplier>,
    /// Imports of goods from abroad (`impg`): bills of entry, with no supplier.
    #[serde(rename = "impg", default, skip_serializing_if = "Vec::is_empty")]
    pub impg: Vec<Gstr2bBillOfEntry>,
    /// Imports of goods from SEZ units (`impgsez`).
    #[serde(rename = "impgsez", default, skip_serializing_if = "Vec::is_empty")]
    pub impgsez: Vec<Gstr2bSezSupplier>,
    /// Supplies through e-commerce operators, section 9(5) (`ecom`).
    #[serde(rename = "ecom", default, skip_serializing_if = "Vec::is_empty")]
    pub ecom: Vec<Gstr2bB2bSupplier>,
    /// Amended e-commerce supplies (`ecoma`).
    #[serde(rename = "ecoma", default, skip_serializing_if = "Vec::is_empty")]
    pub ecoma: Vec<Gstr2bB2baSupplier>,
    /// Sections the model does not know, each with its JSON text as read.
    #[serde(flatten)]
    pub other_sections: OtherSections,
}

crate::payload::sections_reader! {
    Gstr2bDocuments, "a GSTR-2B object of document sections",
    required {}
    optional {
        "b2b" => b2b,
        "b2ba" => b2ba,
        "cdnr" => cdnr,
        "cdnra" => cdnra,
        "isd" => isd,
        "isda" => isda,
        "impg" => impg,
        "impgsez" => impgsez,
        "ecom" => ecom,
        "ecoma" => ecoma,
    }
}

impl Gstr2bDocuments {
    /// Whether no section has a supplier or a bill.
    pub fn is_empty(&self) -> bool {
        self.b2b.is_empty()
            && self.b2ba.is_empty()
            && self.cdnr.is_empty()
            && self.cdnra.is_empty()
            && self.isd.is_empty()
            && self.isda.is_empty()
            && self.impg.is_empty()
            && self.impgsez.is_empty()
            && self.ecom.is_empty()
            && self.ecoma.is_empty()
            && self.other_sections.is_empty()
    }

    /// Appends the sections of `other` to these, those the model does not know too
    /// ([`OtherSections::append`]).
    pub fn append(&mut self, other: Gstr2bDocuments) {
        self.b2b.extend(other.b2b);
        self.b2ba.extend(other.b2ba);
        self.cdnr.extend(other.cdnr);
        self.cdnra.extend(other.cdnra);
        self.isd.extend(other.isd);
        self.isda.extend(other.isda);
        self.impg.extend(other.impg);
        self.impgsez.extend(other.impgsez);
        self.ecom.extend(other.ecom);
        self.ecoma.extend(other.ecoma);
        self.other_sections.append(other.other_sections);
    }

    /// The number of documents in all sections.
    pub fn document_count(&self) -> usize {
        self.iter().count()
    }

    /// Every document with its section and supplier, section by section in the order above,
    /// each in the order of the input.
    pub fn iter(&self) -> impl Iterator<Item = SupplierDocument<'_>> {
        fn listed<'a, S: Supplier, D: CounterpartyDocument + 'a>(
            section: &'static str,
            suppliers: &'a [S],
            docs: impl Fn(&'a S) -> &'a [D] + 'a,
        ) -> impl Iterator<Item = SupplierDocument<'a>> + 'a {
            suppliers.iter().flat_map(move |s| {
                docs(s).iter().map(move |d| SupplierDocument {
                    section,
                    supplier_gstin: Some(s.gstin()),
                    trade_name: s.trade_name(),
                    note_type: d.note_type(),
                    document: d,
                })
            })
        }
        let impg = self.impg.iter().map(|d| SupplierDocument {
            section: "impg",
            supplier_gstin: None,
            trade_name: None,
            note_type: None,
            document: d,
        });
        listed("b2b", &self.b2b, |s| &s.invoices)
            .chain(listed("b2ba", &self.b2ba, |s| &s.invoices))
            .chain(listed("cdnr", &self.cdnr, |s| &s.notes))
            .chain(listed("cdnra", &self.cdnra, |s| &s.notes))
            .chain(listed("isd", &self.isd, |s| &s.documents))
            .chain(listed("isda", &self.isda, |s| &s.documents))
            .chain(impg)
            .chain(listed("impgsez", &self.impgsez, |s| &s.bills))
            .chain(listed("ecom", &self.ecom, |s| &s.invoices))
            .chain(listed("ecoma", &self.ecoma, |s| &s.invoices))
    }

    fn warnings(&self, found: &mut Collector, key: &str) {
        for name in self.other_sections.names() {
            found.unmodelled(format!("{key}.{name}"));
        }
        fn invoice(d: &Gstr2bInvoice) -> Identity<'_> {
            (&d.number, d.date, None)
        }
        fn amended(d: &Gstr2bAmendedInvoice) -> Identity<'_> {
            (&d.number, d.date, None)
        }
        fn note(d: &Gstr2bNote) -> Identity<'_> {
            (&d.number, d.date, Some(d.note_type.as_str()))
        }
        fn amended_note(d: &Gstr2bAmendedNote) -> Identity<'_> {
            (&d.number, d.date, Some(d.note_type.as_str()))
        }
        fn isd(d: &Gstr2bIsdDocument) -> Identity<'_> {
            (
                &d.number,
                d.date,
                d.document_type.as_ref().map(|t| t.as_str()),
            )
        }
        fn isda(d: &Gstr2bAmendedIsdDocument) -> Identity<'_> {
            (
                &d.number,
                d.date,
                d.document_type.as_ref().map(|t| t.as_str()),
            )
        }
        fn bill(d: &Gstr2bBillOfEntry) -> Identity<'_> {
            (&d.bill_number, d.bill_date, d.port_code.as_deref())
        }
        let k = |section: &str| format!("{key}.{section}");
        section(found, &k("b2b"), "inv", &self.b2b, |s| &s.invoices, invoice);
        section(
            found,
            &k("b2ba"),
            "inv",
            &self.b2ba,
            |s| &s.invoices,
            amended,
        );
        section(found, &k("cdnr"), "nt", &self.cdnr, |s| &s.notes, note);
        section(
            found,
            &k("cdnra"),
            "nt",
            &self.cdnra,
            |s| &s.notes,
            amended_note,
        );
        section(
            found,
            &k("isd"),
            "doclist",
            &self.isd,
            |s| &s.documents,
            isd,
        );
        section(
            found,
            &k("isda"),
            "doclist",
            &self.isda,
            |s| &s.documents,
            isda,
        );
        found.repeats(&k("impg"), &self.impg, |_| None, bill);
        section(
            found,
            &k("impgsez"),
            "boe",
            &self.impgsez,
            |s| &s.bills,
            bill,
        );
        section(
            found,
            &k("ecom"),
            "inv",
            &self.ecom,
            |s| &s.invoices,
            invoice,
        );
        section(
            found,
            &k("ecoma"),
            "inv",
            &self.ecoma,
            |s| &s.invoices,
            amended,
        );
    }
}

/// The GSTINs and the repeated documents of one section at `prefix` (`docdata.b2b`), whose
/// suppliers list their documents under `documents_key` ([`Collector::suppliers`]).
fn section<'a, S: Supplier, D: PartialEq + 'a>(
    found: &mut Collector,
    prefix: &str,
    documents_key: &str,
    suppliers: &'a [S],
    docs: impl Fn(&'a S) -> &'a [D],
    identity: impl Fn(&'a D) -> Identity<'a>,
) {
    found.suppliers(prefix, documents_key, suppliers, S::gstin, docs, identity);
}

/// What the supplier entries of every section have.
trait Supplier {
    fn gstin(&self) -> &Gstin;
    fn trade_name(&self) -> Option<&str>;
}

macro_rules! supplier {
    ($(#[$m:meta])* $name:ident, $key:literal, $field:ident: $doc:ty) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            /// Supplier's GSTIN (`ctin`), as GSTN sent it (see [`Gstin::parse_as_sent`]).
            #[serde(rename = "ctin", deserialize_with = "crate::gstin::as_sent")]
            pub supplier_gstin: Gstin,
            /// Supplier's trade name (`trdnm`).
            #[serde(rename = "trdnm", default, skip_serializing_if = "Option::is_none")]
            pub trade_name: Option<String>,
            /// When the supplier filed the return that reported these, as GSTN writes it
            /// (`supfildt`); see [`filing_date`].
            #[serde(rename = "supfildt", default, skip_serializing_if = "Option::is_none")]
            pub supplier_filed_on: Option<String>,
            /// The supplier's return period that reported these, as GSTN writes it (`supprd`),
            /// `MMYYYY`.
            #[serde(rename = "supprd", default, skip_serializing_if = "Option::is_none")]
            pub supplier_period: Option<String>,
            #[doc = concat!("The documents (`", $key, "`).")]
            #[serde(rename = $key, default, deserialize_with = "crate::seq::exact")]
            pub $field: Vec<$doc>,
        }

        impl Supplier for $name {
            fn gstin(&self) -> &Gstin {
                &self.supplier_gstin
            }
            fn trade_name(&self) -> Option<&str> {
                self.trade_name.as_deref()
            }
        }
    };
}

supplier!(
    /// One supplier's invoices in GSTR-2B `b2b` (and `ecom`).
    Gstr2bB2bSupplier, "inv", invoices: Gstr2bInvoice
);
supplier!(
    /// One supplier's amended invoices in GSTR-2B `b2ba` (and `ecoma`).
    Gstr2bB2baSupplier, "inv", invoices: Gstr2bAmendedInvoice
);
supplier!(
    /// One supplier's credit and debit notes in GSTR-2B `cdnr`.
    Gstr2bCdnrSupplier, "nt", notes: Gstr2bNote
);
supplier!(
    /// One supplier's amended notes in GSTR-2B `cdnra`.
    Gstr2bCdnraSupplier, "nt", notes: Gstr2bAmendedNote
);
supplier!(
    /// One input service distributor's documents in GSTR-2B `isd`.
    Gstr2bIsdSupplier, "doclist", documents: Gstr2bIsdDocument
);
supplier!(
    /// One input service distributor's amended documents in GSTR-2B `isda`.
    Gstr2bIsdaSupplier, "doclist", documents: Gstr2bAmendedIsdDocument
);
supplier!(
    /// One SEZ supplier's bills of entry in GSTR-2B `impgsez`.
    Gstr2bSezSupplier, "boe", bills: Gstr2bBillOfEntry
);

/// One line of an invoice or note of an older 2B (`items[]`), with its rate.
#[serde_as]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gstr2bItem {
    /// Item number within the document (`num`), not always 1 to n (`501`, `1418`); a number
    /// or a string.
    #[serde_as(as = "PickFirst<(_, DisplayFromStr)>")]
    #[serde(rename = "num")]
    pub number: u32,
    /// Total tax rate in percent (`rt`).
    #[serde(
        rename = "rt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub rate: Option<Decimal>,
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

impl Gstr2bItem {
    /// The four tax heads, absent ones as zero.
    pub fn tax(&self) -> TaxAmounts {
        heads(self.igst, self.cgst, self.sgst, self.cess)
    }
}

fn heads(
    igst: Option<Decimal>,
    cgst: Option<Decimal>,
    sgst: Option<Decimal>,
    cess: Option<Decimal>,
) -> TaxAmounts {
    TaxAmounts {
        igst: igst.unwrap_or_default(),
        cgst: cgst.unwrap_or_default(),
        sgst: sgst.unwrap_or_default(),
        cess: cess.unwrap_or_default(),
    }
}

/// An invoice or note of GSTR-2B: the fields of its kind, then those every one has.
macro_rules! document {
    (
        $(#[$m:meta])* $name:ident in $section:literal
        { $($(#[$fm:meta])* $f:ident: $t:ty,)* }
        note: $note:expr, original: $original:expr
    ) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            $($(#[$fm])* pub $f: $t,)*
            /// Document value (`val`).
            #[serde(rename = "val", with = "crate::amount")]
            pub value: Decimal,
            /// Place of supply (`pos`).
            #[serde(
                rename = "pos",
                default,
                deserialize_with = "crate::sent::option_parsed",
                skip_serializing_if = "Option::is_none",
            )]
            pub place_of_supply: Option<StateCode>,
            /// Reverse charge (`rev`).
            #[serde(
                rename = "rev",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub reverse_charge: Option<Indicator>,
            /// Whether ITC is available (`itcavl`).
            #[serde(
                rename = "itcavl",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub itc_availability: Option<ItcAvailability>,
            /// Why ITC is not available (`rsn`); an empty `rsn` is `None`.
            #[serde(
                rename = "rsn",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub itc_unavailable_reason: Option<ItcUnavailableReason>,
            /// Applicable percentage of the tax rate (`diffprcnt`), `1` or `0.65`.
            #[serde(
                rename = "diffprcnt",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub diff_percent: Option<Decimal>,
            /// Where the document came from (`srctyp`), e.g. an e-invoice; blank is `None`.
            #[serde(
                rename = "srctyp",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub source: Option<SourceType>,
            /// E-invoice reference number (`irn`).
            #[serde(rename = "irn", default, skip_serializing_if = "Option::is_none")]
            pub irn: Option<String>,
            /// E-invoice generation date, as GSTN writes it (`irngendate`).
            #[serde(rename = "irngendate", default, skip_serializing_if = "Option::is_none")]
            pub irn_date: Option<String>,
            /// The recipient's action in IMS, as GSTN writes it (`imsStatus`), in newer 2Bs.
            #[serde(rename = "imsStatus", default, skip_serializing_if = "Option::is_none")]
            pub ims_status: Option<String>,
            /// Whether the recipient must reduce ITC for it (`itcRedReq`), in newer 2Bs.
            #[serde(
                rename = "itcRedReq",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub itc_reduction_required: Option<Indicator>,
            /// The recipient's remarks from IMS (`remarks`), where GSTN gives them.
            #[serde(rename = "remarks", default, skip_serializing_if = "Option::is_none")]
            pub remarks: Option<String>,
            /// Taxable value of the document (`txval`), in newer 2Bs.
            #[serde(
                rename = "txval",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub taxable_value: Option<Decimal>,
            /// Integrated tax of the document (`igst`), in newer 2Bs.
            #[serde(
                rename = "igst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub igst: Option<Decimal>,
            /// Central tax of the document (`cgst`), in newer 2Bs.
            #[serde(
                rename = "cgst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub cgst: Option<Decimal>,
            /// State or union-territory tax of the document (`sgst`), in newer 2Bs.
            #[serde(
                rename = "sgst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub sgst: Option<Decimal>,
            /// Cess of the document (`cess`), in newer 2Bs.
            #[serde(
                rename = "cess",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub cess: Option<Decimal>,
            /// Lines with rates (`items`), in older 2Bs.
            #[serde(
                rename = "items",
                default,
                deserialize_with = "crate::seq::exact",
                skip_serializing_if = "Vec::is_empty",
            )]
            pub items: Vec<Gstr2bItem>,
        }

        impl $name {
            /// Whether the document carries its amounts itself (newer 2Bs) rather than in
            /// items: any of `txval`, `igst`, `cgst`, `sgst`, `cess` on it.
            pub fn has_document_amounts(&self) -> bool {
                self.taxable_value.is_some() || self.has_document_tax()
            }

            fn has_document_tax(&self) -> bool {
                [self.igst, self.cgst, self.sgst, self.cess].iter().any(Option::is_some)
            }

            /// The taxable value: the document's `txval` where it has one (newer 2Bs), else
            /// the sum of its items' (older 2Bs); an error where that overflows a `Decimal`.
            pub fn taxable_value(&self) -> Result<Decimal, AmountOverflow> {
                match self.taxable_value {
                    Some(value) => Ok(value),
                    None => {
                        let values = self.items.iter().map(|i| i.taxable_value.unwrap_or_default());
                        checked_sum(values).ok_or_else(|| {
                            AmountOverflow::new("its taxable value", $section, Some(&self.number))
                        })
                    }
                }
            }

            /// The tax, head by head: the document's heads where it has any (newer 2Bs), else
            /// the sum of its items' (older 2Bs); absent heads count as zero. An error where a
            /// head overflows a `Decimal`.
            pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
                if self.has_document_tax() {
                    return Ok(heads(self.igst, self.cgst, self.sgst, self.cess));
                }
                TaxAmounts::checked_sum(self.items.iter().map(Gstr2bItem::tax))
                    .ok_or_else(|| AmountOverflow::new("its tax", $section, Some(&self.number)))
            }
        }

        impl CounterpartyDocument for $name {
            fn number(&self) -> &str {
                &self.number
            }
            fn date(&self) -> NaiveDate {
                self.date
            }
            fn value(&self) -> Option<Decimal> {
                Some(self.value)
            }
            fn taxable_value(&self) -> Result<Decimal, AmountOverflow> {
                <$name>::taxable_value(self)
            }
            fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
                <$name>::tax(self)
            }
            fn note_type(&self) -> Option<NoteType> {
                let note: fn(&$name) -> Option<NoteType> = $note;
                note(self)
            }
            fn original(&self) -> Option<(&str, NaiveDate)> {
                let original: fn(&$name) -> Option<(&str, NaiveDate)> = $original;
                original(self)
            }
        }
    };
}

document!(
    /// An invoice in GSTR-2B `b2b` (and `ecom`).
    Gstr2bInvoice in "b2b" {
        /// Invoice number (`inum`).
        #[serde(rename = "inum", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Invoice type (`typ`).
        #[serde(
            rename = "typ",
            default,
            deserialize_with = "crate::sent::option_code",
            skip_serializing_if = "Option::is_none",
        )]
        invoice_type: Option<CounterpartyInvoiceType>,
        /// Invoice date (`dt`).
        #[serde(rename = "dt", with = "crate::date")]
        date: NaiveDate,
    }
    note: |_| None, original: |_| None
);

document!(
    /// An amended invoice in GSTR-2B `b2ba` (and `ecoma`).
    Gstr2bAmendedInvoice in "b2ba" {
        /// Invoice number (`inum`).
        #[serde(rename = "inum", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Invoice type (`typ`).
        #[serde(
            rename = "typ",
            default,
            deserialize_with = "crate::sent::option_code",
            skip_serializing_if = "Option::is_none",
        )]
        invoice_type: Option<CounterpartyInvoiceType>,
        /// Invoice date (`dt`).
        #[serde(rename = "dt", with = "crate::date")]
        date: NaiveDate,
        /// Original invoice number (`oinum`).
        #[serde(rename = "oinum", deserialize_with = "crate::text::number_or_string")]
        original_number: String,
        /// Original invoice date (`oidt`).
        #[serde(rename = "oidt", with = "crate::date")]
        original_date: NaiveDate,
    }
    note: |_| None, original: |d| Some((&d.original_number, d.original_date))
);

document!(
    /// A credit or debit note in GSTR-2B `cdnr`. Amounts are written positive; the note type
    /// says how they count ([`NoteType::sign`]).
    Gstr2bNote in "cdnr" {
        /// Note number (`ntnum`).
        #[serde(rename = "ntnum", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Credit or debit (`typ`).
        #[serde(rename = "typ")]
        note_type: NoteType,
        /// Supply type (`suptyp`), the invoice type of the supply the note adjusts.
        #[serde(
            rename = "suptyp",
            default,
            deserialize_with = "crate::sent::option_code",
            skip_serializing_if = "Option::is_none",
        )]
        invoice_type: Option<CounterpartyInvoiceType>,
        /// Note date (`dt`).
        #[serde(rename = "dt", with = "crate::date")]
        date: NaiveDate,
    }
    note: |d| Some(d.note_type.clone()), original: |_| None
);

document!(
    /// An amended credit or debit note in GSTR-2B `cdnra`.
    Gstr2bAmendedNote in "cdnra" {
        /// Note number (`ntnum`).
        #[serde(rename = "ntnum", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Credit or debit (`typ`).
        #[serde(rename = "typ")]
        note_type: NoteType,
        /// Supply type (`suptyp`).
        #[serde(
            rename = "suptyp",
            default,
            deserialize_with = "crate::sent::option_code",
            skip_serializing_if = "Option::is_none",
        )]
        invoice_type: Option<CounterpartyInvoiceType>,
        /// Note date (`dt`).
        #[serde(rename = "dt", with = "crate::date")]
        date: NaiveDate,
        /// Original note's type (`onttyp`).
        #[serde(rename = "onttyp", default, skip_serializing_if = "Option::is_none")]
        original_note_type: Option<NoteType>,
        /// Original note number (`ontnum`).
        #[serde(rename = "ontnum", deserialize_with = "crate::text::number_or_string")]
        original_number: String,
        /// Original note date (`ontdt`).
        #[serde(rename = "ontdt", with = "crate::date")]
        original_date: NaiveDate,
    }
    note: |d| Some(d.note_type.clone()),
    original: |d| Some((&d.original_number, d.original_date))
);

/// An input service distributor's document: the fields of its kind, then those every one has.
macro_rules! isd_document {
    (
        $(#[$m:meta])* $name:ident in $section:literal
        { $($(#[$fm:meta])* $f:ident: $t:ty,)* }
        original: $original:expr
    ) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            /// Invoice or credit note (`doctyp`).
            #[serde(
                rename = "doctyp",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub document_type: Option<IsdDocumentType>,
            /// Document number (`docnum`).
            #[serde(rename = "docnum", deserialize_with = "crate::text::number_or_string")]
            pub number: String,
            /// Document date (`docdt`).
            #[serde(rename = "docdt", with = "crate::date")]
            pub date: NaiveDate,
            /// Number of the invoice a credit note adjusts (`oinvnum`).
            #[serde(
                rename = "oinvnum",
                default,
                deserialize_with = "crate::text::option_number_or_string",
                skip_serializing_if = "Option::is_none",
            )]
            pub invoice_number: Option<String>,
            /// Date of that invoice (`oinvdt`).
            #[serde(
                rename = "oinvdt",
                with = "crate::date::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub invoice_date: Option<NaiveDate>,
            $($(#[$fm])* pub $f: $t,)*
            /// Integrated tax (`igst`).
            #[serde(
                rename = "igst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub igst: Option<Decimal>,
            /// Central tax (`cgst`).
            #[serde(
                rename = "cgst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub cgst: Option<Decimal>,
            /// State or union-territory tax (`sgst`).
            #[serde(
                rename = "sgst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub sgst: Option<Decimal>,
            /// Cess (`cess`).
            #[serde(
                rename = "cess",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub cess: Option<Decimal>,
            /// Whether ITC is eligible (`itcelg`).
            #[serde(
                rename = "itcelg",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub itc_eligible: Option<ItcAvailability>,
        }

        impl $name {
            /// The tax, head by head; absent heads count as zero.
            pub fn tax(&self) -> TaxAmounts {
                heads(self.igst, self.cgst, self.sgst, self.cess)
            }
        }

        impl CounterpartyDocument for $name {
            fn number(&self) -> &str {
                &self.number
            }
            fn date(&self) -> NaiveDate {
                self.date
            }
            fn value(&self) -> Option<Decimal> {
                None
            }
            /// Zero: an ISD document has no taxable value.
            fn taxable_value(&self) -> Result<Decimal, AmountOverflow> {
                Ok(Decimal::ZERO)
            }
            fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
                Ok(<$name>::tax(self))
            }
            fn original(&self) -> Option<(&str, NaiveDate)> {
                let original: fn(&$name) -> Option<(&str, NaiveDate)> = $original;
                original(self)
            }
        }
    };
}

isd_document!(
    /// An input service distributor's document in GSTR-2B `isd`.
    Gstr2bIsdDocument in "isd" {}
    original: |_| None
);

isd_document!(
    /// An amended ISD document in GSTR-2B `isda`.
    Gstr2bAmendedIsdDocument in "isda" {
        /// Original document's type (`odoctyp`).
        #[serde(
            rename = "odoctyp",
            default,
            deserialize_with = "crate::sent::option_code",
            skip_serializing_if = "Option::is_none",
        )]
        original_document_type: Option<IsdDocumentType>,
        /// Original document number (`odocnum`).
        #[serde(rename = "odocnum", deserialize_with = "crate::text::number_or_string")]
        original_number: String,
        /// Original document date (`odocdt`).
        #[serde(rename = "odocdt", with = "crate::date")]
        original_date: NaiveDate,
    }
    original: |d| Some((&d.original_number, d.original_date))
);

/// A bill of entry in GSTR-2B `impg` or `impgsez`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gstr2bBillOfEntry {
    /// ICEGATE reference date, as GSTN writes it (`refdt`).
    #[serde(rename = "refdt", default, skip_serializing_if = "Option::is_none")]
    pub reference_date: Option<String>,
    /// When GSTN received the bill, as GSTN writes it (`recdt`).
    #[serde(rename = "recdt", default, skip_serializing_if = "Option::is_none")]
    pub received_on: Option<String>,
    /// Port code (`portcode`), a string or a number.
    #[serde(
        rename = "portcode",
        default,
        deserialize_with = "crate::text::option_number_or_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub port_code: Option<String>,
    /// Bill of entry number (`boenum`): a string in GSTR-2B, a number read as its digits.
    #[serde(rename = "boenum", deserialize_with = "crate::text::number_or_string")]
    pub bill_number: String,
    /// Bill of entry date (`boedt`).
    #[serde(rename = "boedt", with = "crate::date")]
    pub bill_date: NaiveDate,
    /// Whether the bill was amended (`isamd`).
    #[serde(
        rename = "isamd",
        default,
        deserialize_with = "crate::sent::option_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub amended: Option<Indicator>,
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
    /// Cess (`cess`).
    #[serde(
        rename = "cess",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cess: Option<Decimal>,
}

impl Gstr2bBillOfEntry {
    /// The tax: integrated tax and cess (absent as zero), no central or state tax.
    pub fn tax(&self) -> TaxAmounts {
        heads(self.igst, None, None, self.cess)
    }
}

impl CounterpartyDocument for Gstr2bBillOfEntry {
    fn number(&self) -> &str {
        &self.bill_number
    }
    fn date(&self) -> NaiveDate {
        self.bill_date
    }
    fn value(&self) -> Option<Decimal> {
        None
    }
    fn taxable_value(&self) -> Result<Decimal, AmountOverflow> {
        Ok(self.taxable_value.unwrap_or_default())
    }
    fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
        Ok(Gstr2bBillOfEntry::tax(self))
    }
}

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
    fn warnings(&self, found: &mut Collector, key: &str) {
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
