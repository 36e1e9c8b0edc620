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
//! What GSTN sends is read leniently, as GSTR-2B is: GSTINs failing their check character,
//! heads left out, counts as numbers or strings, codes in any spelling (`srcfilstatus`
//! `Filed`/`FILED`, the pending flag as `ispendactblocked` or `ispendactnallwd`, `cn` for
//! `b2bcn`); [`ImsRecords::warnings`] reports what is odd.
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

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::de::{DeserializeSeed, Deserializer, MapAccess};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_with::{serde_as, NoneAsEmptyString, PickFirst};

use crate::amount::AmountOverflow;
use crate::codes::{
    CounterpartyInvoiceType, FilingStatus, ImsAction, ImsRequestState, ImsRequestType, ImsSection,
    Indicator, NoteType,
};
use crate::counterparty::{CounterpartyDocument, SupplierDocument};
use crate::envelope::{self, AnswerError};
use crate::payload::OtherSections;
use crate::sent::{probe, ObjectReader, Probed};
use crate::warning::{Collector, Warning};
use crate::{Gstin, StateCode, TaxAmounts};

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
    /// whose state code or check character is wrong (`gstin`, each record's `stin`), and
    /// records listed more than once in one section (the same supplier, number and date).
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

/// The GSTINs and the repeated records of one section.
fn section<R: Record + PartialEq>(found: &mut Collector, key: &str, records: &[R]) {
    found.repeats(
        key,
        records,
        |r| Some((r.supplier(), "stin")),
        |r| (*r.supplier(), r.number(), r.date()),
    );
}

/// What every IMS record has besides [`CounterpartyDocument`].
trait Record: CounterpartyDocument {
    fn supplier(&self) -> &Gstin;
    fn trade_name(&self) -> Option<&str>;
}

/// An IMS record: the fields of its kind, then those every one has.
macro_rules! record {
    (
        $(#[$m:meta])* $name:ident in $section:literal
        { $($(#[$fm:meta])* $f:ident: $t:ty,)* }
        original: $original:expr
    ) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            /// Supplier's GSTIN (`stin`), as GSTN sent it (see [`Gstin::parse_as_sent`]).
            #[serde(rename = "stin", deserialize_with = "crate::gstin::as_sent")]
            pub supplier_gstin: Gstin,
            $($(#[$fm])* pub $f: $t,)*
            /// Supplier's trade name, where given (`tradenm`, the portal's download).
            #[serde(rename = "tradenm", default, skip_serializing_if = "Option::is_none")]
            pub trade_name: Option<String>,
            /// Invoice type (`inv_typ`).
            #[serde(
                rename = "inv_typ",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub invoice_type: Option<CounterpartyInvoiceType>,
            /// The form the supplier reported it in (`srcform`), e.g. `R1`.
            #[serde(rename = "srcform", default, skip_serializing_if = "Option::is_none")]
            pub source_form: Option<String>,
            /// The supplier's return period, `MMYYYY`, as GSTN writes it (`rtnprd`); not the
            /// recipient's ITC period.
            #[serde(
                rename = "rtnprd",
                default,
                deserialize_with = "crate::text::option_number_or_string",
                skip_serializing_if = "Option::is_none",
            )]
            pub supplier_period: Option<String>,
            /// Whether the supplier has filed that return (`srcfilstatus`).
            #[serde(
                rename = "srcfilstatus",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub supplier_filing_status: Option<FilingStatus>,
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
            /// Taxable value (`txval`).
            #[serde(
                rename = "txval",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub taxable_value: Option<Decimal>,
            /// Integrated tax (`iamt`).
            #[serde(
                rename = "iamt",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub igst: Option<Decimal>,
            /// Central tax (`camt`).
            #[serde(
                rename = "camt",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub cgst: Option<Decimal>,
            /// State or union-territory tax (`samt`).
            #[serde(
                rename = "samt",
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
            /// Whether the recipient may not keep it pending (`ispendactblocked`, also read as
            /// `ispendactnallwd`).
            #[serde(
                rename = "ispendactblocked",
                alias = "ispendactnallwd",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub pending_blocked: Option<Indicator>,
            /// GSTN's hash of the record (`hash`).
            #[serde(rename = "hash", default, skip_serializing_if = "Option::is_none")]
            pub hash: Option<String>,
            /// The action GSTN last reported, which a SAVE or RESET repeats (`prev_status`).
            #[serde(
                rename = "prev_status",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub previous_action: Option<ImsAction>,
            /// The recipient's action (`action`): the current one in GETINV, the new one in a
            /// SAVE; absent in a RESET.
            #[serde(
                rename = "action",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub action: Option<ImsAction>,
            /// The recipient's remarks on a rejection or a pending (`remarks`).
            #[serde(rename = "remarks", default, skip_serializing_if = "Option::is_none")]
            pub remarks: Option<String>,
            /// Whether ITC is to be reduced for it (`itcRedReq`), credit notes and ITC-reducing
            /// amendments, from October 2025.
            #[serde(
                rename = "itcRedReq",
                default,
                deserialize_with = "crate::sent::option_code",
                skip_serializing_if = "Option::is_none",
            )]
            pub itc_reduction_required: Option<Indicator>,
            /// Integrated tax of a partial ITC reduction (`declIgst`).
            #[serde(
                rename = "declIgst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub declared_igst: Option<Decimal>,
            /// Central tax of a partial ITC reduction (`declCgst`).
            #[serde(
                rename = "declCgst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub declared_cgst: Option<Decimal>,
            /// State tax of a partial ITC reduction (`declSgst`).
            #[serde(
                rename = "declSgst",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub declared_sgst: Option<Decimal>,
            /// Cess of a partial ITC reduction (`declCess`).
            #[serde(
                rename = "declCess",
                with = "crate::amount::option",
                default,
                skip_serializing_if = "Option::is_none",
            )]
            pub declared_cess: Option<Decimal>,
        }

        impl $name {
            /// The recipient's current action: `action`, no action where absent.
            pub fn action(&self) -> ImsAction {
                self.action.clone().unwrap_or(ImsAction::NoAction)
            }

            /// The taxable value (`txval`); zero where absent. Never an error: an IMS record
            /// carries its totals, nothing is added up (the `Result` is that of
            /// [`CounterpartyDocument::taxable_value`]).
            pub fn taxable_value(&self) -> Result<Decimal, AmountOverflow> {
                Ok(self.taxable_value.unwrap_or_default())
            }

            /// The tax, head by head; absent heads count as zero. Never an error, as
            /// [`Self::taxable_value`].
            pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
                Ok(TaxAmounts {
                    igst: self.igst.unwrap_or_default(),
                    cgst: self.cgst.unwrap_or_default(),
                    sgst: self.sgst.unwrap_or_default(),
                    cess: self.cess.unwrap_or_default(),
                })
            }

            /// This record as a SAVE sends it with `action`: its identity and amounts, the
            /// action GSTN reported as `prev_status`, and the new action. What only GETINV
            /// gives (`hash`, `ispendactblocked`, `srcfilstatus`, `tradenm`) is left out;
            /// remarks and ITC reduction are kept as set.
            pub fn to_save(&self, action: ImsAction) -> $name {
                let mut record = self.to_reset();
                record.action = Some(action);
                record
            }

            /// This record as a RESET sends it: as [`Self::to_save`], without an action.
            pub fn to_reset(&self) -> $name {
                $name {
                    previous_action: Some(
                        self.previous_action.clone().unwrap_or_else(|| self.action()),
                    ),
                    action: None,
                    hash: None,
                    pending_blocked: None,
                    supplier_filing_status: None,
                    trade_name: None,
                    ..self.clone()
                }
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
            fn original(&self) -> Option<(&str, NaiveDate)> {
                let original: fn(&$name) -> Option<(&str, NaiveDate)> = $original;
                original(self)
            }
        }

        impl Record for $name {
            fn supplier(&self) -> &Gstin {
                &self.supplier_gstin
            }
            fn trade_name(&self) -> Option<&str> {
                self.trade_name.as_deref()
            }
        }
    };
}

record!(
    /// An invoice in IMS `b2b` (and `ecom`).
    ImsInvoice in "b2b" {
        /// Invoice number (`inum`).
        #[serde(rename = "inum", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Invoice date (`idt`).
        #[serde(rename = "idt", with = "crate::date")]
        date: NaiveDate,
    }
    original: |_| None
);

record!(
    /// An amended invoice in IMS `b2ba` (and `ecoma`).
    ImsAmendedInvoice in "b2ba" {
        /// Invoice number (`inum`).
        #[serde(rename = "inum", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Invoice date (`idt`).
        #[serde(rename = "idt", with = "crate::date")]
        date: NaiveDate,
        /// Original invoice number (`oinum`).
        #[serde(rename = "oinum", deserialize_with = "crate::text::number_or_string")]
        original_number: String,
        /// Original invoice date (`oidt`).
        #[serde(rename = "oidt", with = "crate::date")]
        original_date: NaiveDate,
    }
    original: |d| Some((&d.original_number, d.original_date))
);

record!(
    /// A credit or debit note in IMS `b2bcn` or `b2bdn`: its section says which. Amounts are
    /// written positive.
    ImsNote in "b2bcn" {
        /// Note number (`nt_num`).
        #[serde(rename = "nt_num", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Note date (`nt_dt`).
        #[serde(rename = "nt_dt", with = "crate::date")]
        date: NaiveDate,
    }
    original: |_| None
);

record!(
    /// An amended credit or debit note in IMS `b2bcna` or `b2bdna`.
    ImsAmendedNote in "b2bcna" {
        /// Note number (`nt_num`).
        #[serde(rename = "nt_num", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Note date (`nt_dt`).
        #[serde(rename = "nt_dt", with = "crate::date")]
        date: NaiveDate,
        /// Original note number (`ont_num`).
        #[serde(rename = "ont_num", deserialize_with = "crate::text::number_or_string")]
        original_number: String,
        /// Original note date (`ont_dt`).
        #[serde(rename = "ont_dt", with = "crate::date")]
        original_date: NaiveDate,
    }
    original: |d| Some((&d.original_number, d.original_date))
);

/// The body of an IMS `SAVE` or `RESETIMS` (`{"rtin", "reqtyp", "invdata"}`): the records to
/// act on, by section, each as [`ImsInvoice::to_save`] or [`ImsInvoice::to_reset`] (and the
/// same methods of the other records) make it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImsSaveRequest {
    /// The recipient's GSTIN (`rtin`).
    #[serde(rename = "rtin")]
    pub recipient_gstin: Gstin,
    /// Save or reset (`reqtyp`).
    #[serde(rename = "reqtyp")]
    pub request_type: ImsRequestType,
    /// The records (`invdata`).
    #[serde(rename = "invdata")]
    pub records: ImsRecords,
}

impl ImsSaveRequest {
    /// A SAVE of `records`' actions.
    pub fn save(recipient_gstin: Gstin, records: ImsRecords) -> ImsSaveRequest {
        ImsSaveRequest {
            recipient_gstin,
            request_type: ImsRequestType::Save,
            records,
        }
    }

    /// A RESET of `records` to no action.
    pub fn reset(recipient_gstin: Gstin, records: ImsRecords) -> ImsSaveRequest {
        ImsSaveRequest {
            recipient_gstin,
            request_type: ImsRequestType::Reset,
            records,
        }
    }
}

/// The answer of `REQSTS`: how far GSTN is with a SAVE or RESET, and the records it refused.
///
/// ```
/// use gstr2_model::codes::{ImsRequestState, ImsSection};
/// use gstr2_model::ims::ImsRequestStatus;
///
/// let status: ImsRequestStatus = gstr2_model::json::from_str(r#"{"status_cd":"PE",
///   "transTypCd":"SAV","proc_cnt":"10","err_cnt":"1","err_cd":"","err_msg":"",
///   "error_report":{"cn":[{"stin":"32TAAOA2947A1Z7","error_cd":"IMSSAV0054",
///   "error_msg":"Error! Please enter value for the column itcRedReq.",
///   "inv":[{"rtnprd":"042023","nt_num":"C-7"}]}]}}"#)?;
/// assert_eq!(status.status, ImsRequestState::ProcessedWithErrors);
/// assert_eq!((status.processed_count, status.error_count), (Some(10), Some(1)));
/// let refused = &status.error_report[&ImsSection::CreditNotes][0];
/// assert_eq!(refused.error_code, "IMSSAV0054");
/// assert_eq!(refused.documents[0].number, "C-7");
/// assert!(refused.documents[0].note);
/// # Ok::<(), gstr2_model::json::JsonError>(())
/// ```
#[serde_as]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImsRequestStatus {
    /// In progress, processed, processed with errors, or failed (`status_cd`).
    #[serde(rename = "status_cd")]
    pub status: ImsRequestState,
    /// What the request was, e.g. `SAV` (`transTypCd`).
    #[serde(
        rename = "transTypCd",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_type: Option<String>,
    /// Records processed (`proc_cnt`), a number or a string.
    #[serde_as(as = "PickFirst<(_, NoneAsEmptyString)>")]
    #[serde(rename = "proc_cnt", default, skip_serializing_if = "Option::is_none")]
    pub processed_count: Option<u64>,
    /// Records refused (`err_cnt`), a number or a string.
    #[serde_as(as = "PickFirst<(_, NoneAsEmptyString)>")]
    #[serde(rename = "err_cnt", default, skip_serializing_if = "Option::is_none")]
    pub error_count: Option<u64>,
    /// The request's error code (`err_cd`), for `ER`.
    #[serde(rename = "err_cd", default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The request's error message (`err_msg`), for `ER`.
    #[serde(rename = "err_msg", default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// The refused records, by section (`error_report`; keys such as `b2b`, `cn`, `dn`).
    #[serde(
        rename = "error_report",
        default,
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub error_report: BTreeMap<ImsSection, Vec<ImsRecordError>>,
}

/// Records of one supplier that a SAVE or RESET refused, with GSTN's reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImsRecordError {
    /// Supplier's GSTIN (`stin`), as GSTN sent it.
    #[serde(rename = "stin", deserialize_with = "crate::gstin::as_sent")]
    pub supplier_gstin: Gstin,
    /// GSTN's error code (`error_cd`), e.g. `IMSSAV0010` (previous action stale, or the
    /// supplier edited the record).
    #[serde(rename = "error_cd", default)]
    pub error_code: String,
    /// GSTN's message (`error_msg`).
    #[serde(rename = "error_msg", default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// The records (`inv`).
    #[serde(rename = "inv", default)]
    pub documents: Vec<ImsErrorDocument>,
}

/// One refused record: its number and the supplier's period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ErrorDocumentWire", into = "ErrorDocumentWire")]
pub struct ImsErrorDocument {
    /// The supplier's return period, as GSTN writes it (`rtnprd`).
    pub supplier_period: Option<String>,
    /// The invoice or note number (`inum` or `nt_num`).
    pub number: String,
    /// Whether GSTN named the number `nt_num` (a note) rather than `inum`; written back so.
    pub note: bool,
}

#[derive(Clone, Serialize, Deserialize)]
struct ErrorDocumentWire {
    #[serde(
        rename = "rtnprd",
        default,
        deserialize_with = "crate::text::option_number_or_string",
        skip_serializing_if = "Option::is_none"
    )]
    rtnprd: Option<String>,
    #[serde(
        rename = "inum",
        default,
        deserialize_with = "crate::text::option_number_or_string",
        skip_serializing_if = "Option::is_none"
    )]
    inum: Option<String>,
    #[serde(
        rename = "nt_num",
        default,
        deserialize_with = "crate::text::option_number_or_string",
        skip_serializing_if = "Option::is_none"
    )]
    nt_num: Option<String>,
}

impl TryFrom<ErrorDocumentWire> for ImsErrorDocument {
    type Error = &'static str;
    fn try_from(w: ErrorDocumentWire) -> Result<Self, Self::Error> {
        let (number, note) = match (w.inum, w.nt_num) {
            (Some(number), _) => (number, false),
            (None, Some(number)) => (number, true),
            (None, None) => return Err("missing field `inum` or `nt_num`"),
        };
        Ok(ImsErrorDocument {
            supplier_period: w.rtnprd,
            number,
            note,
        })
    }
}

impl From<ImsErrorDocument> for ErrorDocumentWire {
    fn from(d: ImsErrorDocument) -> Self {
        let (inum, nt_num) = if d.note {
            (None, Some(d.number))
        } else {
            (Some(d.number), None)
        };
        ErrorDocumentWire {
            rtnprd: d.supplier_period,
            inum,
            nt_num,
        }
    }
}

/// The answer of `GETCNT`: record counts per goods type (`all_oth`, `inv_supp_isd`, …), section
/// and action.
///
/// Counts may be numbers or strings; keys GSTN adds are read as they come, and anything that
/// is not a count or a section of counts is skipped.
///
/// ```
/// use gstr2_model::ims::ImsCounts;
///
/// let counts: ImsCounts = gstr2_model::json::from_str(r#"{"all_oth":{
///   "b2b":{"noaction":3,"accept":"2","reject":0,"pending":1},"ttl_cnt":"6"}}"#)?;
/// let others = counts.others().expect("all_oth");
/// assert_eq!(others.total, Some(6));
/// assert_eq!(others.sections["b2b"].accepted, 2);
/// assert_eq!(others.sections["b2b"].total(), 6);
/// let written = gstr2_model::json::to_string(&counts)?;
/// assert_eq!(gstr2_model::json::from_str::<ImsCounts>(&written)?, counts);
/// # Ok::<(), gstr2_model::json::JsonError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImsCounts {
    /// The counts by goods type (`all_oth`, `inv_supp_isd`, …).
    pub groups: BTreeMap<String, ImsCountGroup>,
}

impl ImsCounts {
    /// The counts of the sections IMS acts on (`all_oth`).
    pub fn others(&self) -> Option<&ImsCountGroup> {
        self.groups.get("all_oth")
    }
}

/// The counts of one goods type: per section, and in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImsCountGroup {
    /// The counts by section key (`b2b`, `b2bcn`, `isd`, …).
    pub sections: BTreeMap<String, ImsActionCounts>,
    /// All records of the goods type (`ttl_cnt`).
    pub total: Option<u64>,
}

/// The records of one section by the recipient's action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImsActionCounts {
    /// No action (`noaction`).
    #[serde(rename = "noaction")]
    pub no_action: u64,
    /// Accepted (`accept`).
    #[serde(rename = "accept")]
    pub accepted: u64,
    /// Rejected (`reject`).
    #[serde(rename = "reject")]
    pub rejected: u64,
    /// Pending (`pending`).
    #[serde(rename = "pending")]
    pub pending: u64,
}

impl ImsActionCounts {
    /// All four added up, saturating (counts never come near `u64::MAX`).
    pub fn total(&self) -> u64 {
        self.no_action
            .saturating_add(self.accepted)
            .saturating_add(self.rejected)
            .saturating_add(self.pending)
    }
}

/// A count from an amount read by [`probe`]: a whole number from 0 up.
fn count<E: serde::de::Error>(amount: Decimal) -> Result<u64, E> {
    if amount.fract().is_zero() {
        if let Some(n) = amount.to_u64() {
            return Ok(n);
        }
    }
    Err(E::custom(format_args!("{amount} is not a count")))
}

/// A count, or nothing for any other value.
struct CountSeed;

impl<'de> DeserializeSeed<'de> for CountSeed {
    type Value = Option<u64>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<u64>, D::Error> {
        match probe(d, SkipObject)? {
            Probed::Amount(amount) => count::<D::Error>(amount).map(Some),
            _ => Ok(None),
        }
    }
}

struct SkipObject;

impl<'de> ObjectReader<'de> for SkipObject {
    type Value = ();
    fn read<A: MapAccess<'de>>(self, first: Option<String>, mut map: A) -> Result<(), A::Error> {
        if first.is_some() {
            map.next_value::<serde::de::IgnoredAny>()?;
            while map
                .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                .is_some()
            {}
        }
        Ok(())
    }
}

struct ActionCountsReader;

impl<'de> ObjectReader<'de> for ActionCountsReader {
    type Value = ImsActionCounts;
    fn read<A: MapAccess<'de>>(
        self,
        first: Option<String>,
        mut map: A,
    ) -> Result<ImsActionCounts, A::Error> {
        let mut counts = ImsActionCounts::default();
        let mut key = first;
        while let Some(k) = key {
            let n = map.next_value_seed(CountSeed)?;
            let slot = match k.as_str() {
                "noaction" => Some(&mut counts.no_action),
                "accept" => Some(&mut counts.accepted),
                "reject" => Some(&mut counts.rejected),
                "pending" => Some(&mut counts.pending),
                _ => None,
            };
            if let (Some(slot), Some(n)) = (slot, n) {
                *slot = n;
            }
            key = map.next_key()?;
        }
        Ok(counts)
    }
}

struct GroupReader;

impl<'de> ObjectReader<'de> for GroupReader {
    type Value = ImsCountGroup;
    fn read<A: MapAccess<'de>>(
        self,
        first: Option<String>,
        mut map: A,
    ) -> Result<ImsCountGroup, A::Error> {
        struct SectionSeed;
        impl<'de> DeserializeSeed<'de> for SectionSeed {
            type Value = Probed<ImsActionCounts>;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                probe(d, ActionCountsReader)
            }
        }
        let mut group = ImsCountGroup::default();
        let mut key = first;
        while let Some(k) = key {
            match map.next_value_seed(SectionSeed)? {
                Probed::Amount(amount) if k == "ttl_cnt" => group.total = Some(count(amount)?),
                Probed::Object(counts) => {
                    group.sections.insert(k, counts);
                }
                _ => {}
            }
            key = map.next_key()?;
        }
        Ok(group)
    }
}

struct CountsReader;

impl<'de> ObjectReader<'de> for CountsReader {
    type Value = ImsCounts;
    fn read<A: MapAccess<'de>>(
        self,
        first: Option<String>,
        mut map: A,
    ) -> Result<ImsCounts, A::Error> {
        struct GroupSeed;
        impl<'de> DeserializeSeed<'de> for GroupSeed {
            type Value = Probed<ImsCountGroup>;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                probe(d, GroupReader)
            }
        }
        let mut counts = ImsCounts::default();
        let mut key = first;
        while let Some(k) = key {
            if let Probed::Object(group) = map.next_value_seed(GroupSeed)? {
                counts.groups.insert(k, group);
            }
            key = map.next_key()?;
        }
        Ok(counts)
    }
}

fn expect_object<T, E: serde::de::Error>(probed: Probed<T>, what: &str) -> Result<T, E> {
    match probed {
        Probed::Object(value) => Ok(value),
        _ => Err(E::custom(format_args!("expected {what}"))),
    }
}

impl<'de> Deserialize<'de> for ImsCounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        expect_object(probe(d, CountsReader)?, "an object of IMS counts")
    }
}

impl<'de> Deserialize<'de> for ImsCountGroup {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        expect_object(probe(d, GroupReader)?, "an object of IMS counts by section")
    }
}

impl<'de> Deserialize<'de> for ImsActionCounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        expect_object(
            probe(d, ActionCountsReader)?,
            "an object of counts by action",
        )
    }
}

impl Serialize for ImsCounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(&self.groups)
    }
}

impl Serialize for ImsCountGroup {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let len = self.sections.len() + usize::from(self.total.is_some());
        let mut map = s.serialize_map(Some(len))?;
        for (key, counts) in &self.sections {
            map.serialize_entry(key, counts)?;
        }
        if let Some(total) = self.total {
            map.serialize_entry("ttl_cnt", &total)?;
        }
        map.end()
    }
}

impl fmt::Display for ImsActionCounts {
    /// `no action 3, accepted 2, rejected 0, pending 1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no action {}, accepted {}, rejected {}, pending {}",
            self.no_action, self.accepted, self.rejected, self.pending
        )
    }
}
