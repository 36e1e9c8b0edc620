//! Grouping rows into documents: the index of document keys, the check that every row of a
//! document repeats its fields ([`CsvError::Conflict`]), and the keys of lines that tell where a
//! block may be cut.

use std::collections::hash_map::Entry;
use std::io::Read;

use super::cell::cell;
use super::{Errors, FastHasher, FastMap, Grouped, Row, RowDocument, Rows};
use crate::csv::error::CsvError;

/// The raw document cells of every document, to tell a repeated row from a conflicting one.
struct RawDocs {
    bytes: Vec<u8>,
    /// End offset in `bytes` of each cell, `DOC.len()` per document.
    ends: Vec<usize>,
    width: usize,
}

impl RawDocs {
    fn cell(&self, doc: usize, j: usize) -> &[u8] {
        let at = doc * self.width + j;
        let start = if at == 0 {
            0
        } else {
            self.ends.get(at - 1).copied().unwrap_or(0)
        };
        let end = self.ends.get(at).copied().unwrap_or(start);
        self.bytes.get(start..end).unwrap_or(&[])
    }

    fn push(&mut self, row: &Row<'_>, cols: &[usize]) {
        for &c in cols {
            self.bytes.extend_from_slice(row.raw(c));
            self.ends.push(self.bytes.len());
        }
    }

    /// Whether the document's first `cols.len()` cells equal the row's cells of `cols`.
    fn same(&self, doc: usize, row: &Row<'_>, cols: &[usize]) -> bool {
        cols.iter()
            .enumerate()
            .all(|(j, &c)| self.cell(doc, j) == row.raw(c))
    }

    /// The first document column whose cell differs from the document's first row.
    fn difference(&self, doc: usize, row: &Row<'_>, cols: &[usize]) -> Option<usize> {
        cols.iter()
            .enumerate()
            .find(|(j, &c)| self.cell(doc, *j) != row.raw(c))
            .map(|(j, _)| j)
    }
}

/// Documents decoded from some rows, with what it takes to join them to others.
pub(super) struct Decoded<D> {
    pub(super) grouped: Grouped<D>,
    /// Key hash → a document with that key.
    pub(super) index: FastMap<u64, usize>,
    /// `\n` bytes read, the header's included.
    pub(super) newlines: u64,
}

impl<D> Default for Decoded<D> {
    fn default() -> Self {
        Decoded {
            grouped: Grouped {
                docs: Vec::new(),
                lines: Vec::new(),
            },
            index: FastMap::default(),
            newlines: 0,
        }
    }
}

/// The field index of each key column in the header, `None` for a key column it lacks.
pub(super) fn key_fields<D: RowDocument>(header: &[u8]) -> Option<Vec<Option<usize>>> {
    let rows = Rows::open(D::TABLE, D::COLUMNS, header).ok()??;
    let key = D::DOC.get(..D::KEY.min(D::DOC.len()))?;
    Some(
        key.iter()
            .map(|&slot| rows.header.slots.iter().position(|&s| s == slot))
            .collect(),
    )
}

/// The key cells of one line with no quote char; `None` for a line with a carriage return inside
/// (a line end to the csv crate) or with every key cell empty (a blank line, or an error).
pub(super) fn line_key<'a>(line: &'a [u8], keys: &[Option<usize>]) -> Option<Vec<&'a [u8]>> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.contains(&b'\r') {
        return None;
    }
    let fields: Vec<&[u8]> = line.split(|&b| b == b',').collect();
    let key: Vec<&[u8]> = keys
        .iter()
        .map(|k| k.and_then(|i| fields.get(i)).map_or(&[][..], |f| cell(f)))
        .collect();
    key.iter().any(|c| !c.is_empty()).then_some(key)
}

/// Decodes the rows after the header.
///
/// `len` is the input's length when known (else 0): the lists of documents are allocated for
/// about as many as it can hold, so that they seldom grow. Reserved pages that are never
/// written cost no memory.
pub(super) fn decode_rows<D: RowDocument, R: Read>(
    mut rows: Rows<R>,
    errors: &mut Errors,
    len: usize,
) -> Decoded<D> {
    // A document takes a row of about this many bytes or more (GSTIN, number, date, amounts).
    const DOC_LEN: usize = 128;
    let docs = len / DOC_LEN;
    // Reserved where the memory can be had: growing as needed is the fallback.
    fn reserved<T>(n: usize) -> Vec<T> {
        let mut v = Vec::new();
        let _ = v.try_reserve_exact(n);
        v
    }
    let mut out = Grouped {
        docs: reserved(docs),
        lines: reserved(docs),
    };
    let mut raws = RawDocs {
        bytes: reserved(len / 4),
        ends: reserved(docs.saturating_mul(D::DOC.len())),
        width: D::DOC.len(),
    };
    // Key hash → the latest document with that hash; `chain` links documents whose keys hash
    // alike, so that no key is ever allocated.
    let mut index: FastMap<u64, usize> = FastMap::default();
    let _ = index.try_reserve(docs / 2);
    let mut chain: Vec<usize> = reserved(docs);
    // The items of the current document, moved into it (with the exact capacity) when the next
    // row belongs to another document.
    let mut pending: Vec<D::Item> = Vec::new();
    let mut last: Option<usize> = None;
    loop {
        match rows.advance() {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                errors.push(e);
                break;
            }
        }
        let result = rows.row().and_then(|row| {
            let item = if row.any_filled(D::ITEM_MASK) {
                Some(D::parse_item(&row)?)
            } else {
                None
            };
            let doc = match last.filter(|&i| raws.difference(i, &row, D::DOC).is_none()) {
                Some(i) => i,
                None => {
                    let key = &D::DOC[..D::KEY.min(D::DOC.len())];
                    let hash = key_hash(&row, key);
                    // One probe of the index: the entry is filled only once the document parses.
                    let entry = index.entry(hash);
                    let mut cur = match &entry {
                        Entry::Occupied(e) => Some(*e.get()),
                        Entry::Vacant(_) => None,
                    };
                    while let Some(i) = cur {
                        if raws.same(i, &row, key) {
                            if let Some(j) = raws.difference(i, &row, D::DOC) {
                                return Err(conflict::<D>(&raws, i, j, &row, &out.lines));
                            }
                            break;
                        }
                        cur = chain.get(i).copied().filter(|&n| n != usize::MAX);
                    }
                    match cur {
                        Some(i) => i,
                        None => {
                            let doc = D::parse(&row)?;
                            let i = out.docs.len();
                            out.docs.push(doc);
                            out.lines.push(row.line());
                            raws.push(&row, D::DOC);
                            chain.push(match entry {
                                Entry::Occupied(mut e) => e.insert(i),
                                Entry::Vacant(e) => {
                                    e.insert(i);
                                    usize::MAX
                                }
                            });
                            i
                        }
                    }
                }
            };
            if last != Some(doc) {
                flush(&mut out.docs, last, &mut pending);
            }
            if let Some(item) = item {
                pending.push(item);
            }
            last = Some(doc);
            Ok(())
        });
        if let Err(e) = result {
            if errors.push(e) {
                break;
            }
        }
    }
    flush(&mut out.docs, last, &mut pending);
    Decoded {
        grouped: out,
        index,
        newlines: rows.newlines(),
    }
}

/// Moves the pending items into their document.
fn flush<D: RowDocument>(docs: &mut [D], doc: Option<usize>, pending: &mut Vec<D::Item>) {
    if let Some(d) = doc.and_then(|i| docs.get_mut(i)) {
        d.reserve(pending.len());
        for item in pending.drain(..) {
            d.push(item);
        }
    }
    pending.clear();
}

fn key_hash(row: &Row<'_>, key: &[usize]) -> u64 {
    use std::hash::Hasher;
    let mut h = FastHasher::default();
    for &c in key {
        let cell = row.raw(c);
        h.write(&(cell.len() as u64).to_le_bytes());
        h.write(cell);
    }
    h.finish()
}

fn conflict<D: RowDocument>(
    raws: &RawDocs,
    doc: usize,
    j: usize,
    row: &Row<'_>,
    lines: &[u64],
) -> CsvError {
    let col = D::DOC.get(j).copied().unwrap_or(0);
    let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let document = D::DOC
        .iter()
        .take(D::KEY)
        .map(|&c| format!("{} {}", row.label(c), lossy(row.raw(c))))
        .collect::<Vec<_>>()
        .join(", ");
    CsvError::Conflict {
        table: D::TABLE,
        line: row.line(),
        first_line: lines.get(doc).copied().unwrap_or(0),
        column: row.label(col),
        first: lossy(raws.cell(doc, j)),
        found: lossy(row.raw(col)),
        document,
    }
}
