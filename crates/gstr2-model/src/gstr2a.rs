//! GSTR2A: the documents suppliers reported, as GSTN sends them (`b2b`, `b2ba`, `cdn`, `cdna`,
//! and the ISD and import sections).
//!
//! Every field GSTN is known to send is typed; fields it adds later are ignored on read.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::{checked_sum, AmountOverflow};
use crate::codes::{CounterpartyFlag, InvoiceType, NoteType, UploadedBy, YesNo};
use crate::counterparty::{one_entry_per_supplier, SupplierEntry};
use crate::item::{Item, TaxAmounts};
use crate::warning::{Collector, Identity, Warning};
use crate::{Gstin, ReturnPeriod, StateCode};

/// A GSTR2A download: one or more sections for a GSTIN and period.
///
/// Each section GET returns one key; [`Gstr2a::merge`] puts several downloads together, a
/// supplier split over files joined again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gstr2a {
    /// The receiver's GSTIN (`gstin`), as GSTN sent it.
    #[serde(
        rename = "gstin",
        default,
        deserialize_with = "crate::gstin::option_as_sent",
        skip_serializing_if = "Option::is_none"
    )]
    pub gstin: Option<Gstin>,
    /// The return period (`fp`).
    #[serde(rename = "fp", default, skip_serializing_if = "Option::is_none")]
    pub fp: Option<ReturnPeriod>,
    /// Invoices (`b2b`).
    #[serde(rename = "b2b", default, skip_serializing_if = "Vec::is_empty")]
    pub b2b: Vec<Gstr2aB2bSupplier>,
    /// Amended invoices (`b2ba`).
    #[serde(rename = "b2ba", default, skip_serializing_if = "Vec::is_empty")]
    pub b2ba: Vec<Gstr2aB2baSupplier>,
    /// Credit and debit notes (`cdn`).
    #[serde(rename = "cdn", default, skip_serializing_if = "Vec::is_empty")]
    pub cdn: Vec<Gstr2aCdnSupplier>,
    /// Amended credit and debit notes (`cdna`).
    #[serde(rename = "cdna", default, skip_serializing_if = "Vec::is_empty")]
    pub cdna: Vec<Gstr2aCdnaSupplier>,
    /// Input service distributor documents (`isd`).
    #[serde(rename = "isd", default, skip_serializing_if = "Vec::is_empty")]
    pub isd: Vec<Gstr2aIsdSupplier>,
    /// Imports of goods (`impg`).
    #[serde(rename = "impg", default, skip_serializing_if = "Vec::is_empty")]
    pub impg: Vec<Gstr2aImport>,
    /// Imports of goods from SEZ units (`impgsez`).
    #[serde(rename = "impgsez", default, skip_serializing_if = "Vec::is_empty")]
    pub impgsez: Vec<Gstr2aImport>,
}

impl Gstr2a {
    /// Adds the sections of `other` to this download, keeping this one's GSTIN and period
    /// where set, and joins the entries of a supplier listed more than once (`b2b`, `b2ba`,
    /// `cdn`, `cdna`), here or in `other`, that differ in nothing but their documents: into the
    /// first, in the order entries first appear, documents in the order of the entries they
    /// came from. So the files of a large-file answer, which split a supplier's documents
    /// where a file is full, merge into the download GSTN would have answered inline. Entries
    /// that differ otherwise (another filing status or date) stay apart, so that no field is
    /// lost. `isd`, `impg` and `impgsez` are appended as they are.
    ///
    /// ```
    /// use gstr2_model::{json, Gstr2a};
    ///
    /// let file = |number: &str| json::from_str::<Gstr2a>(&format!(
    ///     r#"{{"b2b":[{{"ctin":"33GSPTN4811G1ZC","cfs":"Y","inv":[{{"inum":"{number}",
    ///     "idt":"02-04-2024","val":1,"itms":[]}}]}}]}}"#));
    /// let mut download = file("S1")?;
    /// download.merge(file("S2")?);
    /// assert_eq!(download.b2b.len(), 1, "the supplier of both files, once");
    /// let numbers: Vec<&str> = download.b2b[0].invoices.iter().map(|i| i.number.as_str()).collect();
    /// assert_eq!(numbers, ["S1", "S2"]);
    /// # Ok::<(), gstr2_model::json::JsonError>(())
    /// ```
    pub fn merge(&mut self, other: Gstr2a) {
        self.append(other);
        one_entry_per_supplier(&mut self.b2b);
        one_entry_per_supplier(&mut self.b2ba);
        one_entry_per_supplier(&mut self.cdn);
        one_entry_per_supplier(&mut self.cdna);
    }

    /// The sections of `other` after these, as they are, a supplier listed in both twice:
    /// for the parallel reader, whose runs put together must be the one-thread reading.
    pub(crate) fn append(&mut self, other: Gstr2a) {
        self.gstin = self.gstin.or(other.gstin);
        self.fp = self.fp.or(other.fp);
        self.b2b.extend(other.b2b);
        self.b2ba.extend(other.b2ba);
        self.cdn.extend(other.cdn);
        self.cdna.extend(other.cdna);
        self.isd.extend(other.isd);
        self.impg.extend(other.impg);
        self.impgsez.extend(other.impgsez);
    }

    /// What is odd in this download, each with its JSON path, in the order of the input: GSTINs
    /// whose state code or check character is wrong (the receiver's, the suppliers', the SEZ
    /// suppliers'), and documents listed more than once under one supplier (the same section,
    /// number, date and, for notes, type; the supplier may be listed twice too). Every one of
    /// them was read and is kept; see [`crate::warning`].
    pub fn warnings(&self) -> Vec<Warning> {
        let mut found = Collector::default();
        if let Some(gstin) = &self.gstin {
            found.gstin(gstin, || "gstin".to_owned());
        }
        fn invoice(d: &Gstr2aInvoice) -> Identity<'_> {
            (&d.number, d.date, None)
        }
        fn amended(d: &Gstr2aAmendedInvoice) -> Identity<'_> {
            (&d.number, d.date, None)
        }
        fn note(d: &Gstr2aNote) -> Identity<'_> {
            (&d.number, d.date, Some(d.note_type.as_str()))
        }
        fn amended_note(d: &Gstr2aAmendedNote) -> Identity<'_> {
            (&d.number, d.date, Some(d.note_type.as_str()))
        }
        documents(
            &mut found,
            "b2b",
            "inv",
            &self.b2b,
            |s| (&s.supplier_gstin, &s.invoices),
            invoice,
        );
        documents(
            &mut found,
            "b2ba",
            "inv",
            &self.b2ba,
            |s| (&s.supplier_gstin, &s.invoices),
            amended,
        );
        documents(
            &mut found,
            "cdn",
            "nt",
            &self.cdn,
            |s| (&s.supplier_gstin, &s.notes),
            note,
        );
        documents(
            &mut found,
            "cdna",
            "nt",
            &self.cdna,
            |s| (&s.supplier_gstin, &s.notes),
            amended_note,
        );
        for (i, s) in self.isd.iter().enumerate() {
            found.gstin(&s.supplier_gstin, || format!("isd[{i}].ctin"));
        }
        for (i, bill) in self.impgsez.iter().enumerate() {
            if let Some(gstin) = &bill.sez_supplier_gstin {
                found.gstin(gstin, || format!("impgsez[{i}].sgstin"));
            }
        }
        found.finish()
    }

    /// The number of documents in the counterparty sections `b2b`, `b2ba`, `cdn`, `cdna`.
    pub fn document_count(&self) -> usize {
        self.b2b.iter().map(|s| s.invoices.len()).sum::<usize>()
            + self.b2ba.iter().map(|s| s.invoices.len()).sum::<usize>()
            + self.cdn.iter().map(|s| s.notes.len()).sum::<usize>()
            + self.cdna.iter().map(|s| s.notes.len()).sum::<usize>()
    }
}

/// The GSTINs and the repeated documents of one section (`key`), whose suppliers list their
/// documents under `documents_key` ([`Collector::suppliers`]).
fn documents<'a, S, D: PartialEq + 'a>(
    found: &mut Collector,
    key: &str,
    documents_key: &str,
    suppliers: &'a [S],
    parts: impl Fn(&'a S) -> (&'a Gstin, &'a Vec<D>),
    identity: impl Fn(&'a D) -> Identity<'a>,
) {
    let gstin = |s: &'a S| parts(s).0;
    let docs = |s: &'a S| parts(s).1.as_slice();
    found.suppliers(key, documents_key, suppliers, gstin, docs, identity);
}

macro_rules! supplier {
    ($(#[$m:meta])* $name:ident, $key:literal, $field:ident: $doc:ty) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            /// Supplier's GSTIN (`ctin`), as GSTN sent it (see [`Gstin::parse_as_sent`]).
            #[serde(rename = "ctin", deserialize_with = "crate::gstin::as_sent")]
            pub supplier_gstin: Gstin,
            /// Whether the supplier filed GSTR1 (`cfs`): until it has, its documents can be neither
            /// accepted nor rejected.
            #[serde(rename = "cfs", default, skip_serializing_if = "Option::is_none")]
            pub filing_status: Option<YesNo>,
            /// Whether the supplier filed GSTR3B (`cfs3b`).
            #[serde(rename = "cfs3b", default, skip_serializing_if = "Option::is_none")]
            pub filing_status_3b: Option<YesNo>,
            /// Cancellation date of the supplier's registration, as GSTN writes it (`dtcancel`).
            #[serde(rename = "dtcancel", default, skip_serializing_if = "Option::is_none")]
            pub cancelled_on: Option<String>,
            /// GSTR1 filing date, as GSTN writes it (`fldtr1`).
            #[serde(rename = "fldtr1", default, skip_serializing_if = "Option::is_none")]
            pub gstr1_filed_on: Option<String>,
            /// GSTR1 filing period, as GSTN writes it (`flprdr1`).
            #[serde(rename = "flprdr1", default, skip_serializing_if = "Option::is_none")]
            pub gstr1_period: Option<String>,
            #[doc = concat!("The documents (`", $key, "`).")]
            #[serde(rename = $key, deserialize_with = "crate::seq::exact")]
            pub $field: Vec<$doc>,
        }

        impl SupplierEntry for $name {
            type Document = $doc;
            fn supplier(&self) -> Gstin {
                self.supplier_gstin
            }
            fn documents_mut(&mut self) -> &mut Vec<$doc> {
                &mut self.$field
            }
        }
    };
}

supplier!(
    /// One supplier's invoices in GSTR2A `b2b`.
    Gstr2aB2bSupplier, "inv", invoices: Gstr2aInvoice
);
supplier!(
    /// One supplier's amended invoices in GSTR2A `b2ba`.
    Gstr2aB2baSupplier, "inv", invoices: Gstr2aAmendedInvoice
);
supplier!(
    /// One supplier's notes in GSTR2A `cdn`.
    Gstr2aCdnSupplier, "nt", notes: Gstr2aNote
);
supplier!(
    /// One supplier's amended notes in GSTR2A `cdna`.
    Gstr2aCdnaSupplier, "nt", notes: Gstr2aAmendedNote
);

/// Fields GSTN adds to every GSTR2A document, after its own.
macro_rules! document {
    ($(#[$m:meta])* $name:ident in $section:literal { $($(#[$fm:meta])* $f:ident: $t:ty,)* }) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            /// GSTN's checksum, to be echoed with the receiver's action (`chksum`).
            #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
            pub checksum: Option<String>,
            $($(#[$fm])* pub $f: $t,)*
            /// Place of supply (`pos`).
            #[serde(rename = "pos", default, skip_serializing_if = "Option::is_none")]
            pub place_of_supply: Option<StateCode>,
            /// Reverse charge (`rchrg`).
            #[serde(rename = "rchrg", default, skip_serializing_if = "Option::is_none")]
            pub reverse_charge: Option<YesNo>,
            /// Invoice type (`inv_typ`).
            #[serde(rename = "inv_typ", default, skip_serializing_if = "Option::is_none")]
            pub invoice_type: Option<InvoiceType>,
            /// Applicable percentage of the tax rate (`diff_percent`), e.g. `0.65`.
            #[serde(rename = "diff_percent", with = "crate::amount::option", default, skip_serializing_if = "Option::is_none")]
            pub diff_percent: Option<Decimal>,
            /// Amendment period, as GSTN writes it (`aspd`).
            #[serde(rename = "aspd", default, skip_serializing_if = "Option::is_none")]
            pub amended_in: Option<String>,
            /// Amendment type (`atyp`).
            #[serde(rename = "atyp", default, skip_serializing_if = "Option::is_none")]
            pub amendment_type: Option<String>,
            /// Source of the document, e.g. `e-Invoice` (`srctyp`).
            #[serde(rename = "srctyp", default, skip_serializing_if = "Option::is_none")]
            pub source: Option<String>,
            /// E-invoice reference number (`irn`).
            #[serde(rename = "irn", default, skip_serializing_if = "Option::is_none")]
            pub irn: Option<String>,
            /// E-invoice generation date, as GSTN writes it (`irngendate`).
            #[serde(rename = "irngendate", default, skip_serializing_if = "Option::is_none")]
            pub irn_date: Option<String>,
            /// Line items (`itms`), without `itc`.
            #[serde(rename = "itms", deserialize_with = "crate::seq::exact")]
            pub items: Vec<Item>,
        }

        impl $name {
            /// Tax of all items, as written; an error where a head overflows a `Decimal`.
            pub fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
                TaxAmounts::checked_sum(self.items.iter().map(|i| i.detail.tax()))
                    .ok_or_else(|| AmountOverflow::new("its tax", $section, Some(&self.number)))
            }

            /// Taxable value of all items; an error where it overflows a `Decimal`.
            pub fn taxable_value(&self) -> Result<Decimal, AmountOverflow> {
                checked_sum(self.items.iter().map(|i| i.detail.taxable_value)).ok_or_else(|| {
                    AmountOverflow::new("its taxable value", $section, Some(&self.number))
                })
            }
        }
    };
}

document!(
    /// An invoice in GSTR2A `b2b`.
    Gstr2aInvoice in "b2b" {
        /// Invoice number (`inum`).
        #[serde(rename = "inum", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Invoice date (`idt`).
        #[serde(rename = "idt", with = "crate::date")]
        date: NaiveDate,
        /// Invoice value (`val`).
        #[serde(rename = "val", with = "crate::amount")]
        value: Decimal,
    }
);

document!(
    /// An amended invoice in GSTR2A `b2ba`.
    Gstr2aAmendedInvoice in "b2ba" {
        /// Original invoice number (`oinum`).
        #[serde(rename = "oinum", deserialize_with = "crate::text::number_or_string")]
        original_number: String,
        /// Original invoice date (`oidt`).
        #[serde(rename = "oidt", with = "crate::date")]
        original_date: NaiveDate,
        /// Invoice number (`inum`).
        #[serde(rename = "inum", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Invoice date (`idt`).
        #[serde(rename = "idt", with = "crate::date")]
        date: NaiveDate,
        /// Invoice value (`val`).
        #[serde(rename = "val", with = "crate::amount")]
        value: Decimal,
    }
);

document!(
    /// A credit or debit note in GSTR2A `cdn`. Amounts are written positive.
    Gstr2aNote in "cdn" {
        /// Credit or debit (`ntty`).
        #[serde(rename = "ntty")]
        note_type: NoteType,
        /// Note number (`nt_num`).
        #[serde(rename = "nt_num", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Note date (`nt_dt`).
        #[serde(rename = "nt_dt", with = "crate::date")]
        date: NaiveDate,
        /// Pre-GST regime (`p_gst`).
        #[serde(rename = "p_gst", default, skip_serializing_if = "Option::is_none")]
        pre_gst: Option<YesNo>,
        /// Number of the invoice the note adjusts (`inum`).
        #[serde(rename = "inum", default, deserialize_with = "crate::text::option_number_or_string", skip_serializing_if = "Option::is_none")]
        invoice_number: Option<String>,
        /// Date of that invoice (`idt`).
        #[serde(rename = "idt", with = "crate::date::option", default, skip_serializing_if = "Option::is_none")]
        invoice_date: Option<NaiveDate>,
        /// Note value (`val`).
        #[serde(rename = "val", with = "crate::amount")]
        value: Decimal,
        /// The supplier's action (`cflag`).
        #[serde(rename = "cflag", default, skip_serializing_if = "Option::is_none")]
        counterparty_flag: Option<CounterpartyFlag>,
        /// Who uploaded it (`updby`).
        #[serde(rename = "updby", default, skip_serializing_if = "Option::is_none")]
        uploaded_by: Option<UploadedBy>,
        /// Delete flag (`d_flag`).
        #[serde(rename = "d_flag", default, skip_serializing_if = "Option::is_none")]
        delete_flag: Option<String>,
    }
);

document!(
    /// An amended credit or debit note in GSTR2A `cdna`.
    Gstr2aAmendedNote in "cdna" {
        /// Credit or debit (`ntty`).
        #[serde(rename = "ntty")]
        note_type: NoteType,
        /// Original note number (`ont_num`).
        #[serde(rename = "ont_num", deserialize_with = "crate::text::number_or_string")]
        original_number: String,
        /// Original note date (`ont_dt`).
        #[serde(rename = "ont_dt", with = "crate::date")]
        original_date: NaiveDate,
        /// Note number (`nt_num`).
        #[serde(rename = "nt_num", deserialize_with = "crate::text::number_or_string")]
        number: String,
        /// Note date (`nt_dt`).
        #[serde(rename = "nt_dt", with = "crate::date")]
        date: NaiveDate,
        /// Pre-GST regime (`p_gst`).
        #[serde(rename = "p_gst", default, skip_serializing_if = "Option::is_none")]
        pre_gst: Option<YesNo>,
        /// Number of the invoice the note adjusts (`inum`).
        #[serde(rename = "inum", default, deserialize_with = "crate::text::option_number_or_string", skip_serializing_if = "Option::is_none")]
        invoice_number: Option<String>,
        /// Date of that invoice (`idt`).
        #[serde(rename = "idt", with = "crate::date::option", default, skip_serializing_if = "Option::is_none")]
        invoice_date: Option<NaiveDate>,
        /// Note value (`val`).
        #[serde(rename = "val", with = "crate::amount")]
        value: Decimal,
        /// The supplier's action (`cflag`).
        #[serde(rename = "cflag", default, skip_serializing_if = "Option::is_none")]
        counterparty_flag: Option<CounterpartyFlag>,
        /// Who uploaded it (`updby`).
        #[serde(rename = "updby", default, skip_serializing_if = "Option::is_none")]
        uploaded_by: Option<UploadedBy>,
        /// Delete flag (`d_flag`).
        #[serde(rename = "d_flag", default, skip_serializing_if = "Option::is_none")]
        delete_flag: Option<String>,
    }
);

/// One input service distributor's documents in GSTR2A `isd`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gstr2aIsdSupplier {
    /// The distributor's GSTIN (`ctin`), as GSTN sent it.
    #[serde(rename = "ctin", deserialize_with = "crate::gstin::as_sent")]
    pub supplier_gstin: Gstin,
    /// Filing status (`cfs`).
    #[serde(rename = "cfs", default, skip_serializing_if = "Option::is_none")]
    pub filing_status: Option<YesNo>,
    /// The documents (`doclist`).
    #[serde(rename = "doclist", default)]
    pub documents: Vec<Gstr2aIsdDocument>,
}

/// One ISD document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gstr2aIsdDocument {
    /// Checksum (`chksum`).
    #[serde(rename = "chksum", default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Document type (`isd_docty`).
    #[serde(rename = "isd_docty", default, skip_serializing_if = "Option::is_none")]
    pub document_type: Option<String>,
    /// Document number (`docnum`).
    #[serde(rename = "docnum", deserialize_with = "crate::text::number_or_string")]
    pub number: String,
    /// Document date (`docdt`).
    #[serde(rename = "docdt", with = "crate::date")]
    pub date: NaiveDate,
    /// ITC eligibility (`itc_elg`).
    #[serde(rename = "itc_elg", default, skip_serializing_if = "Option::is_none")]
    pub itc_eligible: Option<String>,
    /// Amendment period (`aspd`).
    #[serde(rename = "aspd", default, skip_serializing_if = "Option::is_none")]
    pub amended_in: Option<String>,
    /// Amendment type (`atyp`).
    #[serde(rename = "atyp", default, skip_serializing_if = "Option::is_none")]
    pub amendment_type: Option<String>,
    /// IGST (`iamt`).
    #[serde(
        rename = "iamt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub igst: Option<Decimal>,
    /// CGST (`camt`).
    #[serde(
        rename = "camt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cgst: Option<Decimal>,
    /// SGST (`samt`).
    #[serde(
        rename = "samt",
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

/// One bill of entry in GSTR2A `impg` or `impgsez`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gstr2aImport {
    /// Reference date, as GSTN writes it (`refdt`).
    #[serde(rename = "refdt", default, skip_serializing_if = "Option::is_none")]
    pub reference_date: Option<String>,
    /// Port code (`portcd`), a string or a number.
    #[serde(
        rename = "portcd",
        default,
        deserialize_with = "crate::text::option_number_or_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub port_code: Option<String>,
    /// Bill of entry number (`benum`): a JSON number in GSTR2A, read as its digits, or a string.
    #[serde(rename = "benum", deserialize_with = "crate::text::number_or_string")]
    pub bill_number: String,
    /// Bill of entry date (`bedt`).
    #[serde(rename = "bedt", with = "crate::date")]
    pub bill_date: NaiveDate,
    /// SEZ supplier's GSTIN (`sgstin`), `impgsez` only, as GSTN sent it.
    #[serde(
        rename = "sgstin",
        default,
        deserialize_with = "crate::gstin::option_as_sent",
        skip_serializing_if = "Option::is_none"
    )]
    pub sez_supplier_gstin: Option<Gstin>,
    /// SEZ supplier's trade name (`tdname`), `impgsez` only.
    #[serde(rename = "tdname", default, skip_serializing_if = "Option::is_none")]
    pub trade_name: Option<String>,
    /// Taxable value (`txval`).
    #[serde(
        rename = "txval",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub taxable_value: Option<Decimal>,
    /// IGST (`iamt`).
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
    /// Amended (`amd`).
    #[serde(rename = "amd", default, skip_serializing_if = "Option::is_none")]
    pub amended: Option<YesNo>,
}
