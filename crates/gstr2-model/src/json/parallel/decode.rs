//! Decoding: the jobs the scanner's finds make, each decoded with serde_json through the same
//! `Deserialize` as the one-thread reading, and the documents of a supplier split across runs.

use std::ops::Range;

use serde::de::DeserializeOwned;

use super::scan::{Section, Supplier};
use crate::gstr2a::{
    Gstr2a, Gstr2aAmendedInvoice, Gstr2aAmendedNote, Gstr2aB2bSupplier, Gstr2aB2baSupplier,
    Gstr2aCdnSupplier, Gstr2aCdnaSupplier, Gstr2aInvoice, Gstr2aNote,
};

/// One piece of work: a whole element, or some documents of a supplier split across runs.
#[derive(Debug)]
pub(super) enum Job {
    Whole(Section, Range<usize>),
    Documents {
        section: Section,
        /// Which split supplier (numbered in the order of the input).
        split: usize,
        ranges: Vec<Range<usize>>,
        /// The supplier's last documents.
        last: bool,
    },
}

/// Decoded documents of one supplier.
#[derive(Debug)]
pub(super) enum Documents {
    Invoices(Vec<Gstr2aInvoice>),
    AmendedInvoices(Vec<Gstr2aAmendedInvoice>),
    Notes(Vec<Gstr2aNote>),
    AmendedNotes(Vec<Gstr2aAmendedNote>),
}

impl Documents {
    pub(super) fn decode(
        section: Section,
        bytes: &[u8],
        ranges: &[Range<usize>],
    ) -> Option<Documents> {
        fn all<T: DeserializeOwned>(bytes: &[u8], ranges: &[Range<usize>]) -> Option<Vec<T>> {
            ranges.iter().map(|r| one(bytes, r)).collect()
        }
        Some(match section {
            Section::B2b => Documents::Invoices(all(bytes, ranges)?),
            Section::B2ba => Documents::AmendedInvoices(all(bytes, ranges)?),
            Section::Cdn => Documents::Notes(all(bytes, ranges)?),
            Section::Cdna => Documents::AmendedNotes(all(bytes, ranges)?),
            Section::Isd | Section::Impg | Section::Impgsez => return None,
        })
    }

    /// Makes room for `count` documents in all (a large first run's documents grow in place
    /// instead of being copied into a new vector).
    pub(super) fn reserve(&mut self, count: usize) {
        fn room<T>(to: &mut Vec<T>, count: usize) {
            to.reserve_exact(count.saturating_sub(to.len()));
        }
        match self {
            Documents::Invoices(v) => room(v, count),
            Documents::AmendedInvoices(v) => room(v, count),
            Documents::Notes(v) => room(v, count),
            Documents::AmendedNotes(v) => room(v, count),
        }
    }

    /// Appends `more` (of the same kind) after these, with room for `count` in all.
    pub(super) fn append(&mut self, more: Documents, count: usize) -> Option<()> {
        fn join<T>(to: &mut Vec<T>, mut more: Vec<T>, count: usize) {
            to.reserve_exact(count.saturating_sub(to.len()));
            to.append(&mut more);
        }
        match (self, more) {
            (Documents::Invoices(to), Documents::Invoices(more)) => join(to, more, count),
            (Documents::AmendedInvoices(to), Documents::AmendedInvoices(more)) => {
                join(to, more, count)
            }
            (Documents::Notes(to), Documents::Notes(more)) => join(to, more, count),
            (Documents::AmendedNotes(to), Documents::AmendedNotes(more)) => join(to, more, count),
            _ => return None,
        }
        Some(())
    }

    /// Puts the split supplier back together: its fields but the documents decoded from its
    /// bytes with an empty document array in their place, then these documents.
    pub(super) fn finish(self, bytes: &[u8], supplier: &Supplier, out: &mut Gstr2a) -> Option<()> {
        let mut head = Vec::new();
        head.extend_from_slice(bytes.get(supplier.whole.start..supplier.documents.start)?);
        head.extend_from_slice(b"[]");
        head.extend_from_slice(bytes.get(supplier.documents.end..supplier.whole.end)?);
        let head = &head[..];
        match (supplier.section, self) {
            (Section::B2b, Documents::Invoices(invoices)) => out.b2b.push(Gstr2aB2bSupplier {
                invoices,
                ..serde_json::from_slice(head).ok()?
            }),
            (Section::B2ba, Documents::AmendedInvoices(invoices)) => {
                out.b2ba.push(Gstr2aB2baSupplier {
                    invoices,
                    ..serde_json::from_slice(head).ok()?
                })
            }
            (Section::Cdn, Documents::Notes(notes)) => out.cdn.push(Gstr2aCdnSupplier {
                notes,
                ..serde_json::from_slice(head).ok()?
            }),
            (Section::Cdna, Documents::AmendedNotes(notes)) => out.cdna.push(Gstr2aCdnaSupplier {
                notes,
                ..serde_json::from_slice(head).ok()?
            }),
            _ => return None,
        }
        Some(())
    }
}

/// Decodes one element or document.
pub(super) fn one<T: DeserializeOwned>(bytes: &[u8], range: &Range<usize>) -> Option<T> {
    serde_json::from_slice(bytes.get(range.clone())?).ok()
}

/// A run decoded: whole elements gathered into partial downloads, and the documents of split
/// suppliers, in the order of the input.
#[derive(Debug)]
pub(super) enum Decoded {
    Part(Gstr2a),
    Documents {
        split: usize,
        last: bool,
        documents: Documents,
    },
}

/// Decodes a run; `None` if anything in it does not decode.
pub(super) fn decode_run(bytes: &[u8], run: &[Job]) -> Option<Vec<Decoded>> {
    let mut out = Vec::new();
    let mut part = Gstr2a::default();
    for job in run {
        match job {
            Job::Whole(section, range) => match section {
                Section::B2b => part.b2b.push(one(bytes, range)?),
                Section::B2ba => part.b2ba.push(one(bytes, range)?),
                Section::Cdn => part.cdn.push(one(bytes, range)?),
                Section::Cdna => part.cdna.push(one(bytes, range)?),
                Section::Isd => part.isd.push(one(bytes, range)?),
                Section::Impg => part.impg.push(one(bytes, range)?),
                Section::Impgsez => part.impgsez.push(one(bytes, range)?),
            },
            Job::Documents {
                section,
                split,
                ranges,
                last,
            } => {
                if part != Gstr2a::default() {
                    out.push(Decoded::Part(std::mem::take(&mut part)));
                }
                out.push(Decoded::Documents {
                    split: *split,
                    last: *last,
                    documents: Documents::decode(*section, bytes, ranges)?,
                });
            }
        }
    }
    if part != Gstr2a::default() {
        out.push(Decoded::Part(part));
    }
    Some(out)
}
