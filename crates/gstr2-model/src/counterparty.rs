//! A supplier's document in one vocabulary, whichever statement reports it: GSTR2A, GSTR-2B or
//! IMS.
//!
//! GSTN names the same thing differently in each (the supplier is `ctin` in 2A and 2B and
//! `stin` in IMS; an invoice's date `idt` in 2A and IMS and `dt` in 2B; tax in items in 2A and
//! older 2Bs, on the document in newer 2Bs and IMS). The wire keeps GSTN's names; the Rust side
//! speaks one vocabulary (`supplier_gstin`, `number`, `date`, `value`, `taxable_value`, `igst`,
//! `cgst`, `sgst`, `cess`), and [`CounterpartyDocument`] gives a matching engine what it needs
//! from any of them. [`SupplierDocument`] pairs a document with its section and supplier, as
//! [`Gstr2bDocuments::iter`](crate::gstr2b::Gstr2bDocuments::iter) and
//! [`ImsRecords::iter`](crate::ims::ImsRecords::iter) list them.
//!
//! ```
//! use gstr2_model::counterparty::CounterpartyDocument;
//! use gstr2_model::gstr2b::Gstr2b;
//! use gstr2_model::ims::ImsRecords;
//!
//! let gstr2b = Gstr2b::from_json(br#"{"gstin":"27AAPFU0939F1ZV","rtnprd":"042024",
//!   "docdata":{"b2b":[{"ctin":"33GSPTN4811G1ZC","inv":[{"inum":"S1","dt":"02-04-2024",
//!   "val":1180,"txval":1000,"igst":180}]}]}}"#)?;
//! let ims = ImsRecords::from_json(br#"{"b2b":[{"stin":"33GSPTN4811G1ZC","inum":"S1",
//!   "idt":"02-04-2024","val":1180,"txval":1000,"iamt":180,"action":"N"}]}"#)?;
//!
//! let in_2b: Vec<_> = gstr2b.documents.iter().collect();
//! let in_ims: Vec<_> = ims.iter().collect();
//! for d in [&in_2b[0], &in_ims[0]] {
//!     assert_eq!(d.supplier_gstin.map(|g| g.as_str()), Some("33GSPTN4811G1ZC"));
//!     assert_eq!(d.document.number(), "S1");
//!     assert_eq!(d.document.taxable_value()?.to_string(), "1000");
//!     assert_eq!(d.document.tax()?.igst.to_string(), "180");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use crate::amount::AmountOverflow;
use crate::codes::NoteType;
use crate::gstr2a::{Gstr2aAmendedInvoice, Gstr2aAmendedNote, Gstr2aInvoice, Gstr2aNote};
use crate::{Gstin, TaxAmounts};

/// What a matching engine needs of a supplier's document, whichever statement reports it.
///
/// Amounts are as written: a credit note's are positive, and [`NoteType::sign`] (of
/// [`CounterpartyDocument::note_type`] or [`SupplierDocument::note_type`]) says how they count.
/// Sums are checked: one that overflows a `Decimal` is an [`AmountOverflow`], never a panic.
pub trait CounterpartyDocument {
    /// The document's number: invoice, note, ISD document or bill of entry number.
    fn number(&self) -> &str;
    /// The document's date.
    fn date(&self) -> NaiveDate;
    /// The document's value (`val`), where it has one (ISD documents and bills of entry have
    /// none).
    fn value(&self) -> Option<Decimal>;
    /// The taxable value; zero where the document gives none.
    fn taxable_value(&self) -> Result<Decimal, AmountOverflow>;
    /// The tax, head by head; absent heads count as zero.
    fn tax(&self) -> Result<TaxAmounts, AmountOverflow>;
    /// Credit or debit, for a note that says so itself (2A `ntty`, 2B `typ`); `None` for
    /// other documents and for IMS notes, whose section says it
    /// ([`SupplierDocument::note_type`]).
    fn note_type(&self) -> Option<NoteType> {
        None
    }
    /// The number and date of the document an amendment replaces.
    fn original(&self) -> Option<(&str, NaiveDate)> {
        None
    }
}

/// One document with where it was listed: its section, its supplier, and whether it is a note.
#[derive(Clone)]
pub struct SupplierDocument<'a> {
    /// The section's wire key: `b2b`, `cdnr`, `isd`, `impg` in GSTR-2B; `b2b`, `b2bcn`, … in
    /// IMS.
    pub section: &'static str,
    /// The supplier's GSTIN; `None` for imports of goods from abroad (2B `impg`).
    pub supplier_gstin: Option<&'a Gstin>,
    /// The supplier's trade name, where given (2B `trdnm`, IMS `tradenm`).
    pub trade_name: Option<&'a str>,
    /// Credit or debit note, from the document or its section; `None` for other documents.
    pub note_type: Option<NoteType>,
    /// The document.
    pub document: &'a dyn CounterpartyDocument,
}

impl fmt::Debug for SupplierDocument<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SupplierDocument")
            .field("section", &self.section)
            .field("supplier_gstin", &self.supplier_gstin)
            .field("note_type", &self.note_type)
            .field("number", &self.document.number())
            .field("date", &self.document.date())
            .finish()
    }
}

/// A supplier's entry in a section of GSTR2A or GSTR-2B: a GSTIN (`ctin`) and its documents.
pub(crate) trait SupplierEntry {
    /// The documents the entry lists (`inv`, `nt`, `doclist`, `boe`).
    type Document;
    /// The supplier's GSTIN (`ctin`).
    fn supplier(&self) -> Gstin;
    /// The documents, to take from or add to.
    fn documents_mut(&mut self) -> &mut Vec<Self::Document>;
}

/// Joins the entries of a supplier listed more than once in `entries` into its first one,
/// where they differ in nothing but their documents: one entry per supplier (`ctin`) and
/// header, in the order entries first appear, each with its documents in the order of the
/// entries they came from. This is how the parts of a supplier that GSTN spread over the files
/// of a paged or large answer are put back together ([`Gstr2b::merge`](crate::Gstr2b::merge),
/// [`Gstr2a::merge`](crate::Gstr2a::merge)). Entries of one supplier that differ otherwise (a
/// quarterly GSTR-2B lists a supplier once per month, each with its `supprd` and `supfildt`)
/// stay apart, so that no field is lost.
///
/// In place: the entries are moved up over the joined ones and the list cut, without a second
/// list. One hash lookup per entry.
pub(crate) fn one_entry_per_supplier<S: SupplierEntry + PartialEq>(entries: &mut Vec<S>) {
    if entries.len() < 2 {
        return;
    }
    // The kept entries of each supplier: almost always one.
    let mut kept_of: FxHashMap<Gstin, Vec<usize>> = FxHashMap::default();
    kept_of.reserve(entries.len());
    let mut kept = 0;
    for at in 0..entries.len() {
        let (before, rest) = entries.split_at_mut(at);
        let Some(entry) = rest.first_mut() else {
            break;
        };
        let earlier = kept_of.entry(entry.supplier()).or_default();
        let joined = earlier.iter().copied().find(|&k| {
            before
                .get_mut(k)
                .is_some_and(|first| same_but_documents(first, entry))
        });
        match joined.and_then(|k| before.get_mut(k)) {
            Some(first) => {
                let mut documents = std::mem::take(entry.documents_mut());
                first.documents_mut().append(&mut documents);
            }
            None => {
                earlier.push(kept);
                if kept != at {
                    entries.swap(kept, at);
                }
                kept += 1;
            }
        }
    }
    entries.truncate(kept);
}

/// Whether two entries differ in nothing but their documents.
fn same_but_documents<S: SupplierEntry + PartialEq>(a: &mut S, b: &mut S) -> bool {
    let mut documents_a = std::mem::take(a.documents_mut());
    let mut documents_b = std::mem::take(b.documents_mut());
    let same = a == b;
    std::mem::swap(a.documents_mut(), &mut documents_a);
    std::mem::swap(b.documents_mut(), &mut documents_b);
    same
}

macro_rules! gstr2a_document {
    ($t:ty, note: $note:expr, original: $original:expr) => {
        impl CounterpartyDocument for $t {
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
                <$t>::taxable_value(self)
            }
            fn tax(&self) -> Result<TaxAmounts, AmountOverflow> {
                <$t>::tax(self)
            }
            fn note_type(&self) -> Option<NoteType> {
                let note: fn(&$t) -> Option<NoteType> = $note;
                note(self)
            }
            fn original(&self) -> Option<(&str, NaiveDate)> {
                let original: fn(&$t) -> Option<(&str, NaiveDate)> = $original;
                original(self)
            }
        }
    };
}

gstr2a_document!(Gstr2aInvoice, note: |_| None, original: |_| None);
gstr2a_document!(
    Gstr2aAmendedInvoice,
    note: |_| None,
    original: |d| Some((&d.original_number, d.original_date))
);
gstr2a_document!(Gstr2aNote, note: |d| Some(d.note_type.clone()), original: |_| None);
gstr2a_document!(
    Gstr2aAmendedNote,
    note: |d| Some(d.note_type.clone()),
    original: |d| Some((&d.original_number, d.original_date))
);
