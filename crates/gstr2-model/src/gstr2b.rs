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
//!   documents; [`Gstr2b::merge_parts`] puts them together into the one 2B, a supplier split
//!   over parts joined again.
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
use serde::{Deserialize, Serialize};
use serde_with::{serde_as, DisplayFromStr, PickFirst};

use crate::envelope::{self, AnswerError};
use crate::warning::{Collector, Warning};
use crate::{Gstin, ReturnPeriod};

mod documents;
mod itc;
mod sections;
mod summary;

pub use documents::{
    Gstr2bAmendedInvoice, Gstr2bAmendedIsdDocument, Gstr2bAmendedNote, Gstr2bBillOfEntry,
    Gstr2bInvoice, Gstr2bIsdDocument, Gstr2bItem, Gstr2bNote,
};
pub use itc::ItcNode;
pub use sections::{
    Gstr2bB2bSupplier, Gstr2bB2baSupplier, Gstr2bCdnrSupplier, Gstr2bCdnraSupplier,
    Gstr2bDocuments, Gstr2bIsdSupplier, Gstr2bIsdaSupplier, Gstr2bSezSupplier,
};
pub use summary::{Gstr2bSupplierSummaries, Gstr2bSupplierSummary};

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

    /// Adds the documents of `part` (`docdata`, `docRejdata`) to this 2B's, each supplier once
    /// per section ([`Gstr2bDocuments::append`]): a supplier GSTN spread over several parts
    /// comes back as one entry, with its documents in the order of the parts. The header,
    /// summaries and checksum stay this one's, where set, and are taken from `part` where not.
    pub fn merge(&mut self, part: Gstr2b) {
        self.put_after(part);
        self.documents.one_entry_per_supplier();
        self.rejected.one_entry_per_supplier();
    }

    /// [`Gstr2b::merge`] without joining the suppliers.
    fn put_after(&mut self, part: Gstr2b) {
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
        self.documents.put_after(part.documents);
        self.rejected.put_after(part.rejected);
    }

    /// The one 2B of a paged answer: this head (the answer without `file_num`) with the
    /// documents of `parts` added in the order of their `file_num` (parts without one last,
    /// in the order given), and `fc` and `file_num` cleared. As in [`Gstr2b::merge`], each
    /// supplier's entries that differ in nothing but their documents are joined, where it first
    /// appears, with its documents in file order: GSTN splits a supplier's documents over two
    /// parts where a part is full. Entries that differ otherwise (a quarterly 2B's months, each
    /// with its `supprd`) stay apart: no field is lost.
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
    /// // The supplier of both parts is listed once.
    /// assert_eq!(whole.documents.b2b.len(), 1);
    /// assert_eq!(whole.documents.b2b[0].invoices.len(), 2);
    /// assert_eq!((whole.file_count, whole.file_number), (None, None));
    /// # Ok::<(), gstr2_model::envelope::AnswerError>(())
    /// ```
    pub fn merge_parts(mut self, parts: impl IntoIterator<Item = Gstr2b>) -> Gstr2b {
        let mut parts: Vec<Gstr2b> = parts.into_iter().collect();
        parts.sort_by_key(|p| p.file_number.unwrap_or(u32::MAX));
        for part in parts {
            self.put_after(part);
        }
        // Joined once, after all the parts: the same as after each, without going over the
        // suppliers once per part.
        self.documents.one_entry_per_supplier();
        self.rejected.one_entry_per_supplier();
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
