//! The sections of documents (`docdata`, `docRejdata`): [`Gstr2bDocuments`], and the supplier
//! entries of each section, which hold the documents.

use serde::{Deserialize, Serialize};

use crate::counterparty::{
    one_entry_per_supplier, CounterpartyDocument, SupplierDocument, SupplierEntry,
};
use crate::payload::OtherSections;
use crate::warning::{Collector, Identity};
use crate::Gstin;

use super::{
    Gstr2bAmendedInvoice, Gstr2bAmendedIsdDocument, Gstr2bAmendedNote, Gstr2bBillOfEntry,
    Gstr2bInvoice, Gstr2bIsdDocument, Gstr2bNote,
};

/// The sections of documents of a GSTR-2B (`docdata`, and `docRejdata` of the rejected ones).
///
/// Empty sections are left out of the JSON, as GSTN leaves them out. A section the model does
/// not know (GSTN adds some, e.g. `impga`) is kept verbatim in
/// [`Gstr2bDocuments::other_sections`], written back as read, and named by
/// [`Gstr2b::warnings`](super::Gstr2b::warnings).
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
    /// ([`OtherSections::append`]), and joins the entries of a supplier listed more than once,
    /// here or in `other`, that differ in nothing but their documents: into the first, in the
    /// order entries first appear, documents in the order of the entries they came from.
    /// Entries that differ otherwise (another trade name, period or filing date) stay apart,
    /// so that no field is lost. The bills of `impg`, which have no supplier, are appended as they are. See
    /// [`Gstr2b::merge_parts`](super::Gstr2b::merge_parts) for an example.
    pub fn append(&mut self, other: Gstr2bDocuments) {
        self.put_after(other);
        self.one_entry_per_supplier();
    }

    /// The sections of `other` after these, as they are.
    pub(super) fn put_after(&mut self, other: Gstr2bDocuments) {
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

    /// A supplier's entries that differ only in documents joined ([`one_entry_per_supplier`]);
    /// `impg` as it is.
    pub(super) fn one_entry_per_supplier(&mut self) {
        one_entry_per_supplier(&mut self.b2b);
        one_entry_per_supplier(&mut self.b2ba);
        one_entry_per_supplier(&mut self.cdnr);
        one_entry_per_supplier(&mut self.cdnra);
        one_entry_per_supplier(&mut self.isd);
        one_entry_per_supplier(&mut self.isda);
        one_entry_per_supplier(&mut self.impgsez);
        one_entry_per_supplier(&mut self.ecom);
        one_entry_per_supplier(&mut self.ecoma);
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

    pub(super) fn warnings(&self, found: &mut Collector, key: &str) {
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
        found.repeats(&k("impg"), &self.impg, |_| None, |_| None, bill);
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
pub(super) trait Supplier {
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
            /// (`supfildt`); see [`filing_date`](super::filing_date).
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
