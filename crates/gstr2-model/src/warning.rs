//! Warnings: what is odd in data GSTN sent, read and kept all the same.
//!
//! GSTN's files are GSTN's: a GSTIN there that fails its check character still names the
//! supplier GSTN knows by it, and a document listed twice is still GSTN's document. The readers
//! of what GSTN sends keep such data (they refuse only what cannot be read at all) and the
//! types say what was odd with [`Warning`]s, each with the JSON path of the value, so that the
//! caller can show them and act on them. What a user types, and what gstr2 sends to GSTN, is
//! checked strictly instead ([`crate::Gstin::parse`], [`crate::validate`]).
//!
//! ```
//! use gstr2_model::{json, Gstr2a};
//! use gstr2_model::warning::Problem;
//!
//! let gstr2a: Gstr2a = json::from_str(r#"{"b2b":[{"ctin":"01AABCE2207R1Z5","inv":[
//!   {"inum":"S1","idt":"24-07-2017","val":10,"itms":[]},
//!   {"inum":"S1","idt":"24-07-2017","val":10,"itms":[]}]}]}"#)?;
//! assert_eq!(gstr2a.b2b[0].invoices.len(), 2); // both kept, as sent
//! let warnings = gstr2a.warnings();
//! assert_eq!(warnings.len(), 2);
//! assert_eq!(warnings[0].path, "b2b[0].ctin");
//! assert!(matches!(warnings[0].problem, Problem::Gstin(_)));
//! assert_eq!(
//!     warnings[1].to_string(),
//!     "b2b[0].inv[1]: the same document as b2b[0].inv[0] (identical)"
//! );
//! # Ok::<(), json::JsonError>(())
//! ```

use std::collections::hash_map::Entry;
use std::fmt;

use rustc_hash::FxHashMap;

use chrono::NaiveDate;

use crate::{Gstin, GstinError, OtherFields};

/// What tells one document of a supplier from another in a section: number, date and, for
/// notes, type (for ISD documents their type, for bills of entry their port).
pub(crate) type Identity<'a> = (&'a str, NaiveDate, Option<&'a str>);

/// One odd value in data GSTN sent: where it is, and what is odd about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The JSON path of the value, e.g. `b2b[3].ctin` (the paths of [`crate::json`]'s errors).
    pub path: String,
    /// What is odd about it.
    pub problem: Problem,
}

/// What is odd about a value GSTN sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A GSTIN of GSTN's form whose state code or check character is wrong.
    Gstin(GstinError),
    /// The same document (section, supplier, number, date and, for notes, type) as an earlier
    /// one in the same file.
    Duplicate {
        /// The JSON path of the first copy.
        first: String,
        /// Whether this copy equals the first in every field.
        identical: bool,
    },
    /// A section the model does not know: kept verbatim and written back as read, but not
    /// read into documents (nothing reconciles it).
    Unmodelled,
    /// A field of a record the model does not know: kept with the record as read and written
    /// back, not reconciled ([`crate::OtherFields`]). Named once in a list of records, at the
    /// first that has it.
    UnmodelledField {
        /// How many records of the list have it.
        records: usize,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Gstin(e) => e.fmt(f),
            Problem::Unmodelled => {
                f.write_str("a section gstr2 does not model, kept as read but not reconciled")
            }
            Problem::UnmodelledField { records } => {
                f.write_str("a field gstr2 does not model, kept as read")?;
                if *records > 1 {
                    write!(f, " ({records} records of the section have it)")?;
                }
                Ok(())
            }
            Problem::Duplicate { first, identical } => write!(
                f,
                "the same document as {first} ({})",
                if *identical {
                    "identical"
                } else {
                    "with other values"
                }
            ),
        }
    }
}

/// Collects warnings as a type's parts are visited, the path built as it goes.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    warnings: Vec<Warning>,
}

impl Collector {
    /// A GSTIN read with [`crate::Gstin::parse_as_sent`], at `path`.
    pub(crate) fn gstin(&mut self, gstin: &crate::Gstin, path: impl FnOnce() -> String) {
        if let Err(e) = gstin.verify() {
            self.warnings.push(Warning {
                path: path(),
                problem: Problem::Gstin(e),
            });
        }
    }

    /// A document at `path` that repeats the one at `first`.
    pub(crate) fn duplicate(&mut self, path: String, first: String, identical: bool) {
        self.warnings.push(Warning {
            path,
            problem: Problem::Duplicate { first, identical },
        });
    }

    /// The GSTINs and the repeated documents of one section at `prefix` (`b2b`,
    /// `docdata.b2b`), whose suppliers (`gstin` of each) list their documents (`docs`) under
    /// `documents_key`: a document is repeated when an earlier one of the same supplier GSTIN
    /// has its `identity`, under the same supplier entry or another.
    pub(crate) fn suppliers<'a, S, D: PartialEq + 'a>(
        &mut self,
        prefix: &str,
        documents_key: &str,
        suppliers: &'a [S],
        gstin: impl Fn(&'a S) -> &'a Gstin,
        docs: impl Fn(&'a S) -> &'a [D],
        identity: impl Fn(&'a D) -> Identity<'a>,
    ) {
        // Looked up only, never iterated: the warnings come out in the order of the input.
        let mut first: FxHashMap<(Gstin, Identity<'a>), (usize, usize)> = FxHashMap::default();
        for (i, supplier) in suppliers.iter().enumerate() {
            let ctin = gstin(supplier);
            self.gstin(ctin, || format!("{prefix}[{i}].ctin"));
            for (j, doc) in docs(supplier).iter().enumerate() {
                match first.entry((*ctin, identity(doc))) {
                    Entry::Vacant(slot) => {
                        slot.insert((i, j));
                    }
                    Entry::Occupied(slot) => {
                        let (fi, fj) = *slot.get();
                        let identical = suppliers
                            .get(fi)
                            .and_then(|s| docs(s).get(fj))
                            .is_some_and(|f| f == doc);
                        self.duplicate(
                            format!("{prefix}[{i}].{documents_key}[{j}]"),
                            format!("{prefix}[{fi}].{documents_key}[{fj}]"),
                            identical,
                        );
                    }
                }
            }
        }
    }

    /// The GSTINs (`gstin` of each, with its key), the repeated entries and the fields the
    /// model does not know (`other` of each) of a flat list at `prefix` (bills of entry, IMS
    /// records), in the order of the list: an entry is repeated when an earlier one has its
    /// `key`; a field the model does not know is named once, at the first entry that has it,
    /// with the number of entries that do.
    pub(crate) fn repeats<'a, R: PartialEq, K: std::hash::Hash + Eq>(
        &mut self,
        prefix: &str,
        entries: &'a [R],
        gstin: impl Fn(&'a R) -> Option<(&'a Gstin, &'static str)>,
        other: impl Fn(&'a R) -> Option<&'a OtherFields>,
        key: impl Fn(&'a R) -> K,
    ) {
        let mut first: FxHashMap<K, usize> = FxHashMap::default();
        // Each field the model does not know, with the index of the warning that names it.
        let mut named: FxHashMap<&'a str, usize> = FxHashMap::default();
        for (i, entry) in entries.iter().enumerate() {
            if let Some((g, field)) = gstin(entry) {
                self.gstin(g, || format!("{prefix}[{i}].{field}"));
            }
            for name in other(entry).into_iter().flat_map(OtherFields::names) {
                match named.entry(name) {
                    Entry::Vacant(slot) => {
                        slot.insert(self.warnings.len());
                        self.warnings.push(Warning {
                            path: format!("{prefix}[{i}].{name}"),
                            problem: Problem::UnmodelledField { records: 1 },
                        });
                    }
                    Entry::Occupied(slot) => {
                        if let Some(Warning {
                            problem: Problem::UnmodelledField { records },
                            ..
                        }) = self.warnings.get_mut(*slot.get())
                        {
                            *records += 1;
                        }
                    }
                }
            }
            match first.entry(key(entry)) {
                Entry::Vacant(slot) => {
                    slot.insert(i);
                }
                Entry::Occupied(slot) => {
                    let fi = *slot.get();
                    let identical = entries.get(fi) == Some(entry);
                    self.duplicate(
                        format!("{prefix}[{i}]"),
                        format!("{prefix}[{fi}]"),
                        identical,
                    );
                }
            }
        }
    }

    /// A section at `path` that the model does not know.
    pub(crate) fn unmodelled(&mut self, path: String) {
        self.warnings.push(Warning {
            path,
            problem: Problem::Unmodelled,
        });
    }

    /// The warnings, in the order of the input.
    pub(crate) fn finish(self) -> Vec<Warning> {
        self.warnings
    }
}
