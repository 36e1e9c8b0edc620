//! Reading: the header → column map, rows with typed cell accessors, and grouping rows into
//! documents.
//!
//! Records come from one of two lanes. While the input has no `"` byte, records and fields are
//! split by hand ([`fast`]: `memchr` for line ends, then commas), with lines counted on the
//! way; from the first chunk with a quote on, the csv crate reads [`::csv::ByteRecord`]s. Both
//! give the same records, lines and errors. A cell is a trimmed byte slice of the record,
//! parsed in place; nothing is allocated per cell except the strings the model keeps.
//!
//! The reading, pass by pass: [`header`] maps the header row to a table's columns; [`records`]
//! splits the input into records and rows (with [`fast`] beneath it); [`row`] finds each
//! column's cell in a row and parses it, with [`cell`]'s trimming and amounts; [`group`] groups
//! the rows into documents. This module holds what ties them: the [`RowDocument`] a table's rows
//! make, and [`read_docs`], which reads a table on one thread or in blocks ([`stream`]).

use std::io::Read;

use super::error::CsvError;
use crate::Table;
use group::{decode_rows, Decoded};
pub(crate) use header::{columns, suggest, Column, Kind};
pub(crate) use records::{Rows, Split};
pub(crate) use row::{slot_mask, Row};
use stream::Streamed;

mod cell;
mod fast;
mod group;
mod header;
#[cfg(test)]
mod lanes;
mod records;
mod row;
mod stream;
#[cfg(test)]
mod tests;

/// `bytes[range]` for a range that the reader's own bookkeeping keeps inside `bytes`. A range
/// outside is a bug of the reader, not of the input: it fails debug builds (and so the tests)
/// and reads as empty in release, never a panic on a user's file.
#[inline]
fn span<R>(bytes: &[u8], range: R) -> &[u8]
where
    R: std::slice::SliceIndex<[u8], Output = [u8]> + Clone + std::fmt::Debug,
{
    let part = bytes.get(range.clone());
    debug_assert!(part.is_some(), "{range:?} outside {} bytes", bytes.len());
    part.unwrap_or_default()
}

/// [`span`] for writing.
#[inline]
fn span_mut<R>(bytes: &mut [u8], range: R) -> &mut [u8]
where
    R: std::slice::SliceIndex<[u8], Output = [u8]> + Clone + std::fmt::Debug,
{
    let len = bytes.len();
    let part = bytes.get_mut(range.clone());
    debug_assert!(part.is_some(), "{range:?} outside {len} bytes");
    part.unwrap_or_default()
}

/// The hasher of the reader's lookups (keys of documents, GSTINs): rustc-hash's FxHasher,
/// fast on the short keys a row has.
pub(crate) type FastHasher = rustc_hash::FxHasher;

/// A map keyed with [`FastHasher`], for lookups only (its order is never output).
pub(crate) type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// The errors found while reading, capped; reading stops once the cap is reached.
pub(crate) struct Errors {
    pub list: Vec<CsvError>,
    pub cap: usize,
}

impl Errors {
    pub(crate) fn new(cap: usize) -> Self {
        Errors {
            list: Vec::new(),
            cap: cap.max(1),
        }
    }

    /// Records an error; `true` when the cap is reached and reading must stop.
    pub(crate) fn push(&mut self, e: CsvError) -> bool {
        if self.list.len() < self.cap {
            self.list.push(e);
        }
        self.is_full()
    }

    pub(crate) fn is_full(&self) -> bool {
        self.list.len() >= self.cap
    }
}

/// A document of a table whose rows are one per item, the document's fields repeated.
pub(crate) trait RowDocument: Sized + Send {
    /// What one row adds to the document.
    type Item: Send;
    /// The table.
    const TABLE: Table;
    /// The table's columns.
    const COLUMNS: &'static [Column];
    /// The document's columns, repeated on each of its rows; the key's columns first.
    const DOC: &'static [usize];
    /// How many of [`RowDocument::DOC`]'s first columns form the key that tells documents apart.
    const KEY: usize;
    /// The item's columns: a row with all of them empty adds no item.
    const ITEM: &'static [usize];
    /// [`RowDocument::ITEM`] as a [`slot_mask`].
    const ITEM_MASK: u64 = slot_mask(Self::ITEM);
    /// Reads the document's fields from its first row, with no items.
    fn parse(row: &Row<'_>) -> Result<Self, CsvError>;
    /// Reads the item of a row.
    fn parse_item(row: &Row<'_>) -> Result<Self::Item, CsvError>;
    /// Makes room for `n` more items.
    fn reserve(&mut self, n: usize);
    /// Adds an item.
    fn push(&mut self, item: Self::Item);
}

/// Documents read from a file, in first-seen order, with the line of each one's first row.
pub(crate) struct Grouped<D> {
    pub docs: Vec<D>,
    pub lines: Vec<u64>,
}

impl<D> Default for Grouped<D> {
    fn default() -> Self {
        Grouped {
            docs: Vec::new(),
            lines: Vec::new(),
        }
    }
}

/// Where documents go as they are read, part after part in the file's order: a flat list
/// ([`Grouped`]), or their suppliers. A large input's parts are added while later parts are
/// still being decoded.
pub(crate) trait Assemble<D>: Default {
    /// Adds the documents of the next part of the file, their lines moved down by `shift`.
    fn append(&mut self, part: Grouped<D>, shift: u64);

    /// The documents of a file read in one part.
    fn of(whole: Grouped<D>) -> Self {
        let mut all = Self::default();
        all.append(whole, 0);
        all
    }
}

impl<D> Assemble<D> for Grouped<D> {
    fn append(&mut self, part: Grouped<D>, shift: u64) {
        if self.docs.is_empty() && self.lines.is_empty() && shift == 0 {
            // The first part is taken whole.
            *self = part;
            return;
        }
        self.docs.extend(part.docs);
        self.lines.extend(part.lines.into_iter().map(|l| l + shift));
    }
}

/// Inputs shorter than this are decoded on one thread.
const PARALLEL_MIN: usize = 4 << 20;

/// Longer inputs are read in blocks of about this many bytes, each decoded on a thread: small
/// enough that the threads share even a short input evenly.
const BLOCK: usize = 1 << 20;

/// Reads the rows of a table and groups them into documents by key, keeping the order in which
/// documents first appear. The rows of a document need not be adjacent; every row of a document
/// must repeat its fields identically (after trimming), or the row is a [`CsvError::Conflict`].
///
/// With one core, the input is streamed through the one-thread reading. With more, an input
/// longer than [`PARALLEL_MIN`] is read in blocks of about [`BLOCK`] bytes, each cut at a line
/// end between two documents and decoded on a worker thread while the next is read
/// ([`stream`]); when a block has a quote char or an error, or a document's key turns up in two
/// blocks, what was read is decoded again on one thread (then the rest of the input), so that
/// the documents and the errors are always those of the one-thread reading.
pub(crate) fn read_docs<D: RowDocument, R: Read>(
    input: Input<'_, R>,
    errors: &mut Errors,
) -> Grouped<D> {
    read_docs_into(input, errors)
}

/// [`read_docs`], the documents going to `A` as they are read.
pub(crate) fn read_docs_into<D: RowDocument, R: Read, A: Assemble<D>>(
    input: Input<'_, R>,
    errors: &mut Errors,
) -> A {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    assemble_docs(input, errors, threads.min(8), PARALLEL_MIN)
}

/// What a table is read from: a reader, or bytes already in memory, which are read in place
/// (the blocks are parts of them, not copies).
pub(crate) enum Input<'s, R> {
    /// A reader, read in blocks.
    Reader(R),
    /// Bytes in memory.
    Bytes(&'s [u8]),
}

impl<R: Read> Read for Input<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Input::Reader(reader) => reader.read(buf),
            Input::Bytes(bytes) => bytes.read(buf),
        }
    }
}

/// [`read_docs_into`] with the number of threads and the shortest input read in blocks.
pub(crate) fn assemble_docs<D: RowDocument, R: Read, A: Assemble<D>>(
    input: Input<'_, R>,
    errors: &mut Errors,
    pieces: usize,
    min_len: usize,
) -> A {
    match input {
        Input::Reader(reader) => read_docs_in_blocks(reader, errors, pieces, min_len, BLOCK),
        Input::Bytes(bytes) if pieces < 2 || bytes.len() < min_len => {
            A::of(read_one::<D, _>(bytes, errors))
        }
        Input::Bytes(bytes) => stream::read_slice::<D, A>(bytes, pieces, BLOCK)
            .unwrap_or_else(|| A::of(read_one::<D, _>(bytes, errors))),
    }
}

/// [`assemble_docs`] from a reader, in blocks of about `block` bytes.
fn read_docs_in_blocks<D: RowDocument, R: Read, A: Assemble<D>>(
    mut input: R,
    errors: &mut Errors,
    pieces: usize,
    min_len: usize,
    block: usize,
) -> A {
    if pieces < 2 {
        return A::of(read_one::<D, _>(input, errors));
    }
    let mut first = Vec::new();
    if let Err(e) = input.by_ref().take(min_len as u64).read_to_end(&mut first) {
        // Replays what was read, then the error, so that it surfaces where it did.
        return A::of(read_one::<D, _>(
            first.as_slice().chain(Failing(Some(e))),
            errors,
        ));
    }
    if first.len() < min_len {
        return A::of(read_one::<D, _>(first.as_slice(), errors));
    }
    match stream::read_blocks::<D, R, A>(first, &mut input, pieces, block) {
        Streamed::Read(all) => all,
        Streamed::Again(read, Some(e)) => {
            A::of(read_one::<D, _>(read.chain(Failing(Some(e))), errors))
        }
        Streamed::Again(read, None) => A::of(read_one::<D, _>(read.chain(input), errors)),
    }
}

/// A reader that fails once with the error it holds, then reads nothing.
struct Failing(Option<std::io::Error>);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

/// Reads a table on one thread.
fn read_one<D: RowDocument, R: Read>(input: R, errors: &mut Errors) -> Grouped<D> {
    read_split::<D, R>(input, errors, Split::DEFAULT).grouped
}

/// Reads a table on one thread, splitting records as `split` says.
fn read_split<D: RowDocument, R: Read>(input: R, errors: &mut Errors, split: Split) -> Decoded<D> {
    match Rows::open_split(D::TABLE, D::COLUMNS, input, split) {
        Ok(Some(rows)) => decode_rows(rows, errors, 0),
        Ok(None) => Decoded::default(),
        Err(e) => {
            errors.push(e);
            Decoded::default()
        }
    }
}

/// Decodes the input in pieces on as many threads; `None` when it cannot be, or when the pieces
/// are not simply one after the other (an error, a document in two pieces). Checks that the
/// same bytes decoded in place, as bytes in memory are, give the same.
#[cfg(test)]
pub(crate) fn read_pieces<D>(bytes: &[u8], pieces: usize) -> Option<Grouped<D>>
where
    D: RowDocument + PartialEq + std::fmt::Debug,
{
    let block = bytes.len().div_ceil(pieces.max(1));
    let read =
        match stream::read_blocks::<D, _, Grouped<D>>(Vec::new(), &mut &bytes[..], pieces, block) {
            Streamed::Read(grouped) => Some(grouped),
            Streamed::Again(..) => None,
        };
    // Bytes in memory are cut and decoded as a reader's are.
    let in_place = stream::read_slice::<D, Grouped<D>>(bytes, pieces, block);
    assert_eq!(
        read.as_ref().map(|g| (&g.docs, &g.lines)),
        in_place.as_ref().map(|g| (&g.docs, &g.lines))
    );
    read
}
