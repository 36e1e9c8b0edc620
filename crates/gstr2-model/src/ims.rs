//! IMS, the Invoice Management System (`returns/ims`): the supplier documents a recipient
//! accepts, rejects or keeps pending before GSTR-2B is generated, and the bodies and answers
//! of acting on them.
//!
//! | GSTN action | What | Type |
//! |---|---|---|
//! | `GETINV` | the records of a section (`b2b`, `b2ba`, `b2bcn`, …) | [`ImsRecords`] |
//! | `GETCNT` | counts per section and action | [`ImsCounts`] |
//! | `SAVE`, `RESETIMS` | the request body: records with their new action | [`ImsSaveRequest`] |
//! | `REQSTS` | how the save went, with the records it refused | [`ImsRequestStatus`] |
//!
//! A record names its supplier itself (`stin`) and carries its totals only: `val`, `txval` and
//! the heads `iamt`, `camt`, `samt`, `cess`, read into the vocabulary of GSTR2A and GSTR-2B
//! (`supplier_gstin`, `number`, `date`, `value`, `taxable_value`, `igst`, `cgst`, `sgst`,
//! `cess`; see [`crate::counterparty`]). Its `action` is the recipient's current one
//! ([`ImsAction`]); a saved record adds the one GSTN last reported (`prev_status`), which GSTN
//! checks, and the new one.
//!
//! [`ImsAction`]: crate::codes::ImsAction
//!
//! What GSTN sends is read leniently, as GSTR-2B is: GSTINs failing their check character,
//! heads left out, counts as numbers or strings, codes in any spelling (`srcfilstatus`
//! `Filed`/`FILED`, the pending flag as `ispendactblocked` or `ispendactnallwd`, `cn` for
//! `b2bcn`); a key the model does not know is kept as read, a section's in
//! [`ImsRecords::other_sections`], a record's in its `other_fields` ([`crate::OtherFields`]);
//! [`ImsRecords::warnings`] reports what is odd.
//!
//! ```
//! use gstr2_model::codes::{ImsAction, ImsRequestType};
//! use gstr2_model::ims::{ImsRecords, ImsSaveRequest};
//!
//! let records = ImsRecords::from_json(br#"{"b2b":[{"stin":"33GSPTN4811G1ZC","inum":"S1",
//!   "idt":"02-04-2024","inv_typ":"R","action":"N","ispendactblocked":"N","srcform":"R1",
//!   "rtnprd":"042024","srcfilstatus":"Filed","val":1180,"pos":"27","txval":1000,"iamt":180,
//!   "hash":"1f5f"}]}"#)?;
//! let invoice = &records.b2b[0];
//! assert_eq!(invoice.action(), ImsAction::NoAction);
//! assert_eq!(invoice.tax()?.igst.to_string(), "180");
//!
//! // Accept it: the SAVE body repeats the record with its previous and new action.
//! let mut accepted = ImsRecords::default();
//! accepted.b2b.push(invoice.to_save(ImsAction::Accept));
//! let body = ImsSaveRequest::save("27AAPFU0939F1ZV".parse()?, accepted);
//! assert_eq!(body.request_type, ImsRequestType::Save);
//! let json = gstr2_model::json::to_string(&body)?;
//! assert!(json.contains(r#""prev_status":"N","action":"A""#), "{json}");
//! assert!(!json.contains("hash"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::codes::NoteType;
use crate::counterparty::{CounterpartyDocument, SupplierDocument};
use crate::envelope::{self, AnswerError};
use crate::payload::OtherSections;
use crate::warning::{Collector, Warning};
use crate::{Gstin, OtherFields};

mod counts;
mod records;
mod request;

pub use counts::{ImsActionCounts, ImsCountGroup, ImsCounts};
pub use records::{ImsAmendedInvoice, ImsAmendedNote, ImsInvoice, ImsNote};
pub use request::{ImsErrorDocument, ImsRecordError, ImsRequestStatus, ImsSaveRequest};

/// IMS records by section: a GETINV answer (one section, or several put together with
/// [`ImsRecords::merge`]), a file of them (a JSON object with `gstin` and the sections as
/// keys, what the sandbox's `--ims FILE` reads), or the `invdata` of a SAVE or RESET body.
///
/// Empty sections are left out of the JSON. `ecom` and `ecoma` are read as GETCNT lists them
/// (their GETINV section codes are unconfirmed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImsRecords {
    /// The recipient's GSTIN (`gstin`), where a file names it, as GSTN sent it.
    #[serde(
        rename = "gstin",
        default,
        deserialize_with = "crate::gstin::option_as_sent",
        skip_serializing_if = "Option::is_none"
    )]
    pub gstin: Option<Gstin>,
    /// Invoices (`b2b`).
    #[serde(rename = "b2b", default, skip_serializing_if = "Vec::is_empty")]
    pub b2b: Vec<ImsInvoice>,
    /// Amended invoices (`b2ba`).
    #[serde(rename = "b2ba", default, skip_serializing_if = "Vec::is_empty")]
    pub b2ba: Vec<ImsAmendedInvoice>,
    /// Credit notes (`b2bcn`, also read as `cn`).
    #[serde(
        rename = "b2bcn",
        alias = "cn",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub b2bcn: Vec<ImsNote>,
    /// Amended credit notes (`b2bcna`, also read as `cna`).
    #[serde(
        rename = "b2bcna",
        alias = "cna",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub b2bcna: Vec<ImsAmendedNote>,
    /// Debit notes (`b2bdn`, also read as `dn`).
    #[serde(
        rename = "b2bdn",
        alias = "dn",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub b2bdn: Vec<ImsNote>,
    /// Amended debit notes (`b2bdna`, also read as `dna`).
    #[serde(
        rename = "b2bdna",
        alias = "dna",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub b2bdna: Vec<ImsAmendedNote>,
    /// Supplies through e-commerce operators (`ecom`).
    #[serde(rename = "ecom", default, skip_serializing_if = "Vec::is_empty")]
    pub ecom: Vec<ImsInvoice>,
    /// Amended e-commerce supplies (`ecoma`).
    #[serde(rename = "ecoma", default, skip_serializing_if = "Vec::is_empty")]
    pub ecoma: Vec<ImsAmendedInvoice>,
    /// Keys the model does not know (a section GSTN adds, say), each with its JSON text as
    /// read by [`ImsRecords::from_json`] and written back as read; [`ImsRecords::warnings`]
    /// names each. (Reading with serde alone leaves them out.)
    #[serde(flatten, skip_deserializing)]
    pub other_sections: OtherSections,
}

/// The keys of IMS records, which tell them from the wrappers around them.
const BODY_KEYS: &[&str] = &[
    "gstin", "b2b", "b2ba", "b2bcn", "b2bcna", "b2bdn", "b2bdna", "ecom", "ecoma", "cn", "cna",
    "dn", "dna",
];

/// The keys under which GSTN, the portal and providers wrap records, looked into in this order.
const WRAPPERS: &[&str] = &[
    "data",
    "imsDetails",
    "response",
    "result",
    "results",
    "message",
];

impl ImsRecords {
    /// Reads IMS records from JSON as users hand them over: the bare object (a GETINV answer,
    /// a file of records), the portal's `{"imsDetails": {…}}`, `{"data": {…}}`, a provider's
    /// wrapper around either; with or without a byte-order mark. GSTN's error answer is
    /// [`AnswerError::Gstn`]; a value that does not fit is [`AnswerError::Json`] with its path.
    pub fn from_json(bytes: &[u8]) -> Result<ImsRecords, AnswerError> {
        let found = envelope::read::<ImsRecords>(bytes, "IMS records", BODY_KEYS, WRAPPERS)?;
        let others = found.others(bytes, BODY_KEYS)?;
        let mut records = found.value;
        for (key, raw) in others {
            records.other_sections.insert(key, raw);
        }
        Ok(records)
    }

    /// Appends the sections of `other` (another section's GETINV answer), keeping this one's
    /// GSTIN where set.
    pub fn merge(&mut self, other: ImsRecords) {
        self.gstin = self.gstin.or(other.gstin);
        self.b2b.extend(other.b2b);
        self.b2ba.extend(other.b2ba);
        self.b2bcn.extend(other.b2bcn);
        self.b2bcna.extend(other.b2bcna);
        self.b2bdn.extend(other.b2bdn);
        self.b2bdna.extend(other.b2bdna);
        self.ecom.extend(other.ecom);
        self.ecoma.extend(other.ecoma);
        self.other_sections.append(other.other_sections);
    }

    /// Whether no section has a record.
    pub fn is_empty(&self) -> bool {
        self.document_count() == 0
    }

    /// The number of records in all sections.
    pub fn document_count(&self) -> usize {
        self.b2b.len()
            + self.b2ba.len()
            + self.b2bcn.len()
            + self.b2bcna.len()
            + self.b2bdn.len()
            + self.b2bdna.len()
            + self.ecom.len()
            + self.ecoma.len()
    }

    /// Every record with its section and supplier, section by section in the order above,
    /// each in the order of the input. A note's type is its section's.
    pub fn iter(&self) -> impl Iterator<Item = SupplierDocument<'_>> {
        fn listed<'a, R: Record>(
            section: &'static str,
            note_type: Option<NoteType>,
            records: &'a [R],
        ) -> impl Iterator<Item = SupplierDocument<'a>> + 'a {
            records.iter().map(move |r| SupplierDocument {
                section,
                supplier_gstin: Some(r.supplier()),
                trade_name: r.trade_name(),
                note_type: note_type.clone(),
                document: r,
            })
        }
        listed("b2b", None, &self.b2b)
            .chain(listed("b2ba", None, &self.b2ba))
            .chain(listed("b2bcn", Some(NoteType::Credit), &self.b2bcn))
            .chain(listed("b2bcna", Some(NoteType::Credit), &self.b2bcna))
            .chain(listed("b2bdn", Some(NoteType::Debit), &self.b2bdn))
            .chain(listed("b2bdna", Some(NoteType::Debit), &self.b2bdna))
            .chain(listed("ecom", None, &self.ecom))
            .chain(listed("ecoma", None, &self.ecoma))
    }

    /// What is odd in these records, each with its JSON path, in the order of the input: GSTINs
    /// whose state code or check character is wrong (`gstin`, each record's `stin`), records
    /// listed more than once in one section (the same supplier, number and date), keys the
    /// model does not know (sections, [`ImsRecords::other_sections`]; and the fields of
    /// records, [`OtherFields`], each named once a section, at the first record that has it).
    /// Every one of them was read and is kept; see [`crate::warning`].
    ///
    /// ```
    /// use gstr2_model::ims::ImsRecords;
    ///
    /// let records = ImsRecords::from_json(br#"{"b2bcn":[
    ///   {"stin":"33GSPTN4811G1ZC","nt_num":"C1","nt_dt":"02-04-2024","val":10},
    ///   {"stin":"33GSPTN4811G1ZC","nt_num":"C1","nt_dt":"02-04-2024","val":12}]}"#)?;
    /// let warnings: Vec<String> = records.warnings().iter().map(|w| w.to_string()).collect();
    /// assert_eq!(warnings, ["b2bcn[1]: the same document as b2bcn[0] (with other values)"]);
    ///
    /// let records = ImsRecords::from_json(br#"{"b2b":[
    ///   {"stin":"33GSPTN4811G1ZC","inum":"S1","idt":"02-04-2024","val":10},
    ///   {"stin":"33GSPTN4811G1ZC","inum":"S2","idt":"02-04-2024","val":10,
    ///    "isRemarksBlocked":"N"},
    ///   {"stin":"33GSPTN4811G1ZC","inum":"S3","idt":"02-04-2024","val":10,
    ///    "isRemarksBlocked":"Y"}]}"#)?;
    /// let warnings: Vec<String> = records.warnings().iter().map(|w| w.to_string()).collect();
    /// assert_eq!(warnings, [
    ///     "b2b[1].isRemarksBlocked: a field gstr2 does not model, kept as read \
    ///      (2 records of the section have it)",
    /// ]);
    /// # Ok::<(), gstr2_model::envelope::AnswerError>(())
    /// ```
    pub fn warnings(&self) -> Vec<Warning> {
        let mut found = Collector::default();
        if let Some(gstin) = &self.gstin {
            found.gstin(gstin, || "gstin".to_owned());
        }
        for name in self.other_sections.names() {
            found.unmodelled(name.to_owned());
        }
        section(&mut found, "b2b", &self.b2b);
        section(&mut found, "b2ba", &self.b2ba);
        section(&mut found, "b2bcn", &self.b2bcn);
        section(&mut found, "b2bcna", &self.b2bcna);
        section(&mut found, "b2bdn", &self.b2bdn);
        section(&mut found, "b2bdna", &self.b2bdna);
        section(&mut found, "ecom", &self.ecom);
        section(&mut found, "ecoma", &self.ecoma);
        found.finish()
    }
}

/// The GSTINs, the repeated records and the fields the model does not know of one section.
fn section<R: Record + PartialEq>(found: &mut Collector, key: &str, records: &[R]) {
    found.repeats(
        key,
        records,
        |r| Some((r.supplier(), "stin")),
        |r| Some(r.other_fields()),
        |r| (*r.supplier(), r.number(), r.date()),
    );
}

/// What every IMS record has besides [`CounterpartyDocument`].
pub(super) trait Record: CounterpartyDocument {
    fn supplier(&self) -> &Gstin;
    fn trade_name(&self) -> Option<&str>;
    fn other_fields(&self) -> &OtherFields;
}
