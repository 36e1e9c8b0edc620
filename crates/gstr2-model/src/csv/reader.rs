//! Reading: the header → column map, rows with typed cell accessors, and grouping rows into
//! documents.
//!
//! Records come from one of two lanes. While the input has no `"` byte, records and fields are
//! split by hand ([`fast`]: `memchr` for line ends, then commas), with lines counted on the
//! way; from the first chunk with a quote on, the csv crate reads [`::csv::ByteRecord`]s. Both
//! give the same records, lines and errors. A cell is a trimmed byte slice of the record,
//! parsed in place; nothing is allocated per cell except the strings the model keeps.

use std::cell::Cell;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::io::Read;
use std::str::FromStr;

use ::csv::{ByteRecord, ReaderBuilder};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{CellError, CsvError};
use crate::codes::KnownCode;
use crate::{Gstin, StateCode, Table};
use fast::{Fast, Step};
use stream::Streamed;

mod fast;
#[cfg(test)]
mod lanes;
mod stream;

/// Whether a column must be in the header, and when it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A seed column the model needs: must be in the header; always written.
    Required,
    /// A seed column: optional in the header; always written.
    Seed,
    /// An extension column after the seed's: optional in the header; written only when some row
    /// has a value in it.
    Extension,
    /// A seed column that carries no value (`itms` of `cdn`/`cdna`): optional, ignored on read,
    /// written empty.
    Ignored,
}

/// One column of a table's layout.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Column {
    /// The code in the header, e.g. `ctin`.
    pub code: &'static str,
    /// The name in error messages: the code, or e.g. `txval (item)` for a repeated column.
    pub label: &'static str,
    /// Whether it is required, and when it is written.
    pub kind: Kind,
}

impl Column {
    pub(crate) const fn new(code: &'static str, labels: &[&'static str], kind: Kind) -> Column {
        let label = if let [label] = labels { label } else { code };
        Column { code, label, kind }
    }
}

/// Declares a table's columns: an enum `Col` of slots, and `COLUMNS` in the same order.
///
/// `Variant = "code" [Kind]`, or `Variant = "code" as "label" [Kind]` for a repeated code.
macro_rules! columns {
    ($( $variant:ident = $code:literal $(as $label:literal)? [$kind:ident] ),+ $(,)?) => {
        /// The table's columns, in the order they are written.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(dead_code)]
        pub(crate) enum Col { $( $variant ),+ }

        impl From<Col> for usize {
            fn from(c: Col) -> usize {
                c as usize
            }
        }

        pub(crate) const COLUMNS: &[$crate::csv::reader::Column] = &[
            $( $crate::csv::reader::Column::new(
                $code, &[$($label)?], $crate::csv::reader::Kind::$kind) ),+
        ];

        // A row's filled cells are a bit per column (see `slot_mask`).
        const _: () = assert!(COLUMNS.len() <= 64);
    };
}
pub(crate) use columns;

/// Where each column of the layout sits in the file's rows.
struct Header {
    /// Field index in the record → slot of the layout, [`UNNAMED`] for a header cell with no
    /// name (its cells must be empty).
    slots: Vec<usize>,
    /// Fields in the header row.
    width: usize,
}

/// The slot of a header cell with no name.
const UNNAMED: usize = usize::MAX;

/// The closest of `names` to `input`, if it is within two edits.
pub(crate) fn suggest<'a>(
    input: &str,
    names: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let input = input.to_ascii_lowercase();
    names
        .into_iter()
        .map(|n| (strsim::levenshtein(&input, n), n))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

fn trim(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

/// Where [`cell`] lies within a field: `(start, end)` offsets.
#[inline]
fn cell_span(raw: &[u8]) -> (usize, usize) {
    // Most cells have nothing to trim.
    match (raw.first(), raw.last()) {
        (None, _) | (_, None) => (0, 0),
        (Some(f), Some(l)) if !f.is_ascii_whitespace() && !l.is_ascii_whitespace() => {
            (0, raw.len())
        }
        _ => trimmed_span(raw),
    }
}

/// [`cell_span`] of a field with spaces around it.
#[cold]
#[inline(never)]
fn trimmed_span(raw: &[u8]) -> (usize, usize) {
    let t = cell(raw);
    if t.is_empty() {
        return (0, 0);
    }
    let start = (t.as_ptr() as usize).saturating_sub(raw.as_ptr() as usize);
    (start, start + t.len())
}

/// A cell as the model sees it: trimmed, and a quoted field that had spaces before its opening
/// quote (which the CSV parser keeps as literal text) unquoted.
fn cell(raw: &[u8]) -> &[u8] {
    let t = trim(raw);
    if raw.first().is_some_and(u8::is_ascii_whitespace) && t.len() >= 2 {
        if let Some(inner) = t.strip_prefix(b"\"").and_then(|t| t.strip_suffix(b"\"")) {
            if !inner.contains(&b'"') {
                return trim(inner);
            }
        }
    }
    t
}

/// Counts lines as the input is read: the csv crate's record positions are off after CRLF line
/// ends and blank lines, so the line of a record is found from the byte offsets of `\n`.
pub(crate) struct Lines<R> {
    inner: R,
    offset: u64,
    newlines: Vec<u64>,
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or_default();
        index_newlines(read, self.offset, &mut self.newlines);
        self.offset += n as u64;
        Ok(n)
    }
}

/// Appends the offsets of the `\n` bytes of `buf` (which starts at `base`), eight bytes at a
/// time.
fn index_newlines(buf: &[u8], base: u64, out: &mut Vec<u64>) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let mut chunks = buf.chunks_exact(8);
    let mut at = base;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ NEWLINES;
        if x.wrapping_sub(ONES) & !x & HIGH != 0 {
            for (j, &b) in chunk.iter().enumerate() {
                if b == b'\n' {
                    out.push(at + j as u64);
                }
            }
        }
        at += 8;
    }
    for (j, &b) in chunks.remainder().iter().enumerate() {
        if b == b'\n' {
            out.push(at + j as u64);
        }
    }
}

/// The 1-based line of the first line of a record with `before` line ends before its last line.
fn line_of(before: u64, record: &ByteRecord) -> u64 {
    let line = 1 + before;
    let inside = if record.as_slice().contains(&b'\n') {
        record.as_slice().iter().filter(|&&b| b == b'\n').count() as u64
    } else {
        0
    };
    line.saturating_sub(inside).max(1)
}

fn resolve(
    table: Table,
    columns: &'static [Column],
    record: &[&[u8]],
    line: u64,
) -> Result<Header, CsvError> {
    let mut fields = vec![None; columns.len()];
    let mut slots = vec![UNNAMED; record.len()];
    for (i, &raw) in record.iter().enumerate() {
        let mut cell = cell(raw);
        if i == 0 {
            cell = trim(cell.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(cell));
        }
        if cell.is_empty() {
            continue;
        }
        let name = String::from_utf8_lossy(cell);
        let mut known = None;
        let mut free = None;
        for (slot, col) in columns.iter().enumerate() {
            if col.code.eq_ignore_ascii_case(&name) {
                known = Some(col.code);
                if fields.get(slot).is_some_and(Option::is_none) {
                    free = Some(slot);
                    break;
                }
            }
        }
        match (free, known) {
            (Some(slot), _) => {
                if let Some(f) = fields.get_mut(slot) {
                    *f = Some(i);
                }
                if let Some(s) = slots.get_mut(i) {
                    *s = slot;
                }
            }
            (None, Some(code)) => {
                return Err(CsvError::DuplicateColumn {
                    table,
                    line,
                    column: code,
                })
            }
            (None, None) => {
                return Err(CsvError::UnknownColumn {
                    table,
                    line,
                    suggestion: suggest(&name, columns.iter().map(|c| c.code)),
                    column: name.into_owned(),
                })
            }
        }
    }
    for (slot, col) in columns.iter().enumerate() {
        if col.kind == Kind::Required && fields.get(slot).is_some_and(Option::is_none) {
            return Err(CsvError::MissingColumn {
                table,
                line,
                column: col.label,
            });
        }
    }
    Ok(Header {
        slots,
        width: record.len(),
    })
}

/// How records are split into fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Split {
    /// By hand, reading this many bytes at a time, while the input has no `"` byte; from the
    /// first chunk that has one, by the csv crate from the next record on.
    Fast(usize),
    /// By the csv crate, from the first byte: what tests compare the fast lane with.
    #[cfg_attr(not(test), allow(dead_code))]
    Csv,
}

impl Split {
    /// The fast lane, in chunks of 64 KiB.
    pub(crate) const DEFAULT: Split = Split::Fast(64 << 10);
}

/// What the csv crate reads after the fast lane: the bytes already read, then the rest.
type Replay<R> = std::io::Chain<std::io::Cursor<Vec<u8>>, R>;

/// The csv crate's lane, from a record's start on.
struct CsvLane<R> {
    reader: ::csv::Reader<Lines<Replay<R>>>,
    record: ByteRecord,
    /// `\n` bytes before the lane's first byte.
    base: u64,
    /// `\n` bytes of the lane before the current record's last line.
    before: usize,
    /// 1-based line of the current record.
    line: u64,
}

impl<R: Read> CsvLane<R> {
    fn new(read: Vec<u8>, input: R, base: u64) -> Self {
        let reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Lines {
                inner: std::io::Cursor::new(read).chain(input),
                offset: 0,
                newlines: Vec::new(),
            });
        CsvLane {
            reader,
            record: ByteRecord::new(),
            base,
            before: 0,
            line: 1,
        }
    }

    /// Advances to the next record; `false` at the end. An error comes with its line: the line
    /// after every `\n` before the reader's position.
    fn next(&mut self) -> Result<bool, (u64, ::csv::Error)> {
        let found = match self.reader.read_byte_record(&mut self.record) {
            Ok(found) => found,
            Err(e) => {
                let at = self.reader.position().byte();
                let before = self.reader.get_ref().newlines.partition_point(|&n| n < at);
                return Err((1 + self.base + before as u64, e));
            }
        };
        if !found {
            return Ok(false);
        }
        // Records come in order: the count of line ends before this one only grows.
        let last = self.reader.position().byte().saturating_sub(1);
        let newlines = &self.reader.get_ref().newlines;
        while newlines.get(self.before).is_some_and(|&n| n < last) {
            self.before += 1;
        }
        self.line = line_of(self.base + self.before as u64, &self.record);
        Ok(true)
    }
}

/// Where records come from.
enum Lane<R> {
    /// Split by hand: no `"` byte read so far.
    Fast(Fast<R>),
    /// Split by the csv crate.
    Csv(CsvLane<R>),
    /// Neither: only while the fast lane hands over to the csv crate.
    Switching,
}

/// The data rows of one table's CSV, after its header.
pub(crate) struct Rows<R> {
    lane: Lane<R>,
    table: Table,
    columns: &'static [Column],
    header: Header,
    /// Per slot, where its cell lies in the current record's bytes; `(0, 0)` when absent or
    /// empty.
    spans: Vec<(usize, usize)>,
    /// Whether the current row is shorter than the header, or has a value under no column.
    misshapen: bool,
    /// The current row's slots with a value, a bit each (see [`slot_mask`]).
    filled: u64,
    /// Fields in the current record.
    fields: usize,
    count: u64,
    gstins: Gstins,
}

/// GSTINs recently read, so that a supplier's GSTIN, repeated on all its documents, is checked
/// (form, state, check character) once rather than on each document: a direct-mapped cache
/// by a hash of the text, of valid GSTINs only. `Gstin::parse` depends on the text alone, so a
/// hit gives what parsing would.
struct Gstins(Vec<Cell<Option<Gstin>>>);

impl Default for Gstins {
    fn default() -> Self {
        Gstins(vec![Cell::new(None); 1024])
    }
}

impl Gstins {
    fn parse(&self, text: &str) -> Result<Gstin, crate::gstin::GstinError> {
        use std::hash::Hasher;
        let mut h = FastHasher::default();
        h.write(text.as_bytes());
        let slot = self.0.get((h.finish() >> 54) as usize);
        if let Some(hit) = slot.and_then(Cell::get).filter(|g| g.as_str() == text) {
            return Ok(hit);
        }
        let gstin = Gstin::parse(text)?;
        if let Some(slot) = slot {
            slot.set(Some(gstin));
        }
        Ok(gstin)
    }
}

impl<R: Read> Rows<R> {
    /// Reads the header; `None` for an input with no header at all (an empty table).
    pub(crate) fn open(
        table: Table,
        columns: &'static [Column],
        input: R,
    ) -> Result<Option<Rows<R>>, CsvError> {
        Self::open_split(table, columns, input, Split::DEFAULT)
    }

    /// [`Rows::open`], splitting records as `split` says.
    pub(crate) fn open_split(
        table: Table,
        columns: &'static [Column],
        input: R,
        split: Split,
    ) -> Result<Option<Rows<R>>, CsvError> {
        let lane = match split {
            Split::Fast(chunk) => Lane::Fast(Fast::new(input, chunk)),
            Split::Csv => Lane::Csv(CsvLane::new(Vec::new(), input, 0)),
        };
        let mut rows = Rows {
            lane,
            table,
            columns,
            header: Header {
                slots: Vec::new(),
                width: 0,
            },
            spans: vec![(0, 0); columns.len()],
            gstins: Gstins::default(),
            misshapen: false,
            filled: 0,
            fields: 0,
            count: 0,
        };
        let found = rows.next_record().map_err(|(_, source)| CsvError::Csv {
            table,
            line: Some(1),
            source,
        })?;
        if !found {
            return Ok(None);
        }
        let (bytes, line) = rows.record();
        let fields: Vec<&[u8]> = match &rows.lane {
            Lane::Csv(csv) => csv.record.iter().collect(),
            _ => bytes.split(|&b| b == b',').collect(),
        };
        rows.header = resolve(table, columns, &fields, line)?;
        Ok(Some(rows))
    }

    /// Whether no `"` byte has been read yet, so that records are split by hand.
    #[cfg(test)]
    pub(crate) fn in_fast_lane(&self) -> bool {
        matches!(self.lane, Lane::Fast(_))
    }

    /// Advances to the next record, whatever its contents; `false` at the end.
    fn next_record(&mut self) -> Result<bool, (u64, ::csv::Error)> {
        loop {
            match &mut self.lane {
                Lane::Fast(fast) => match fast.next() {
                    Ok(Step::Record) => return Ok(true),
                    Ok(Step::End) => return Ok(false),
                    Ok(Step::Quote) => {}
                    Err(e) => return Err((fast.error_line(), e.into())),
                },
                Lane::Csv(csv) => return csv.next(),
                Lane::Switching => return Ok(false),
            }
            if let Lane::Fast(fast) = std::mem::replace(&mut self.lane, Lane::Switching) {
                let (read, input, base) = fast.into_rest();
                self.lane = Lane::Csv(CsvLane::new(read, input, base));
            }
        }
    }

    /// The current record's bytes (fields one after the other, in the csv crate's lane) and
    /// its line.
    fn record(&self) -> (&[u8], u64) {
        match &self.lane {
            Lane::Fast(fast) => (fast.record(), fast.line()),
            Lane::Csv(csv) => (csv.record.as_slice(), csv.line),
            Lane::Switching => (&[], 1),
        }
    }

    /// `\n` bytes read, the header's included; all of them once the rows are read.
    fn newlines(&self) -> u64 {
        match &self.lane {
            Lane::Fast(fast) => fast.newlines(),
            Lane::Csv(csv) => csv.base + csv.reader.get_ref().newlines.len() as u64,
            Lane::Switching => 0,
        }
    }

    /// Advances to the next row that is not blank; `false` at the end. An error here is fatal
    /// for the file.
    pub(crate) fn advance(&mut self) -> Result<bool, CsvError> {
        loop {
            let found = self.next_record().map_err(|(line, source)| CsvError::Csv {
                table: self.table,
                line: Some(line),
                source,
            })?;
            if !found {
                return Ok(false);
            }
            self.count += 1;
            if self.locate() {
                return Ok(true);
            }
        }
    }

    /// Finds each slot's cell in the current record, in one pass over its fields; `false` for
    /// a blank row.
    ///
    /// The spans are not cleared first: every slot the header names is written by every record
    /// at least as wide as the header, a narrower record is misshapen (which [`Rows::row`]
    /// refuses), and the slots of columns the header lacks are never written.
    fn locate(&mut self) -> bool {
        let shape = match &self.lane {
            Lane::Fast(fast) => {
                let bytes = fast.record();
                let mut locator = Locator::new(&self.header, &mut self.spans, bytes);
                if fast.spaced() {
                    fast::split_commas(bytes, |start, end| locator.field(start, end));
                } else {
                    fast::split_commas(bytes, |start, end| locator.bare_field(start, end));
                }
                locator.finish()
            }
            Lane::Csv(csv) => {
                let bytes = csv.record.as_slice();
                let mut locator = Locator::new(&self.header, &mut self.spans, bytes);
                let mut start = 0;
                for field in &csv.record {
                    locator.field(start, start + field.len());
                    start += field.len();
                }
                locator.finish()
            }
            Lane::Switching => Shape::default(),
        };
        self.misshapen = shape.misshapen;
        self.filled = shape.filled;
        self.fields = shape.fields;
        shape.any
    }

    /// The current row, checked against the header's width.
    pub(crate) fn row(&self) -> Result<Row<'_>, CsvError> {
        let (bytes, line) = self.record();
        if self.misshapen {
            return Err(CsvError::RowLength {
                table: self.table,
                line,
                record: self.count,
                found: self.fields,
                expected: self.header.width,
            });
        }
        Ok(Row {
            bytes,
            spans: &self.spans,
            filled: self.filled,
            gstins: &self.gstins,
            columns: self.columns,
            table: self.table,
            line,
            number: self.count,
        })
    }
}

/// What [`Rows::locate`] saw of a record.
#[derive(Default)]
struct Shape {
    /// Some field has a value.
    any: bool,
    /// Shorter than the header, or a value under no column.
    misshapen: bool,
    /// Fields in the record.
    fields: usize,
    /// The slots with a value, a bit each.
    filled: u64,
}

/// Puts each field's cell in its slot's span, one field after the other.
struct Locator<'a> {
    header: &'a Header,
    spans: &'a mut [(usize, usize)],
    bytes: &'a [u8],
    shape: Shape,
}

impl<'a> Locator<'a> {
    fn new(header: &'a Header, spans: &'a mut [(usize, usize)], bytes: &'a [u8]) -> Self {
        Locator {
            header,
            spans,
            bytes,
            shape: Shape::default(),
        }
    }

    /// The next field: `bytes[start..end]`.
    #[inline]
    fn field(&mut self, start: usize, end: usize) {
        let (a, b) = cell_span(self.bytes.get(start..end).unwrap_or_default());
        self.cell(start + a, start + b);
    }

    /// The next field, `bytes[start..end]`, of a record with nothing to trim: its cell.
    #[inline]
    fn bare_field(&mut self, start: usize, end: usize) {
        self.cell(start, end);
    }

    /// The next field's cell: `bytes[start..end]`.
    #[inline]
    fn cell(&mut self, start: usize, end: usize) {
        let i = self.shape.fields;
        self.shape.fields += 1;
        let filled = start < end;
        self.shape.any |= filled;
        match self.header.slots.get(i) {
            Some(&UNNAMED) | None => self.shape.misshapen |= filled,
            Some(&slot) => {
                if let Some(span) = self.spans.get_mut(slot) {
                    *span = (start, end);
                }
                self.shape.filled |= u64::from(filled) << (slot & 63);
            }
        }
    }

    fn finish(mut self) -> Shape {
        self.shape.misshapen |= self.shape.fields < self.header.width;
        self.shape
    }
}

/// One data row, with typed accessors for its cells. A column absent from the header reads as
/// an empty cell.
pub(crate) struct Row<'a> {
    bytes: &'a [u8],
    spans: &'a [(usize, usize)],
    /// The slots with a value, a bit each.
    filled: u64,
    gstins: &'a Gstins,
    columns: &'static [Column],
    table: Table,
    /// 1-based line of the file where the row starts.
    line: u64,
    /// 1-based number of the row among the data rows.
    pub number: u64,
}

impl<'a> Row<'a> {
    /// 1-based line of the file where the row starts.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// The cell of a column, trimmed; empty if the column is absent.
    pub(crate) fn raw(&self, c: impl Into<usize>) -> &'a [u8] {
        self.spans
            .get(c.into())
            .and_then(|&(a, b)| self.bytes.get(a..b))
            .unwrap_or_default()
    }

    /// The label of a column, for messages.
    pub(crate) fn label(&self, c: impl Into<usize>) -> &'static str {
        self.columns.get(c.into()).map_or("?", |col| col.label)
    }

    /// An error about the cell of a column.
    pub(crate) fn error(&self, c: impl Into<usize> + Copy, source: CellError) -> CsvError {
        CsvError::Cell {
            table: self.table,
            line: self.line(),
            record: self.number,
            column: self.label(c),
            source,
        }
    }

    /// The cell as text; `None` when empty.
    pub(crate) fn text(&self, c: impl Into<usize> + Copy) -> Result<Option<&'a str>, CsvError> {
        let span = self.spans.get(c.into()).copied().unwrap_or_default();
        if span.0 >= span.1 {
            return Ok(None);
        }
        // Only the cells read as text are checked: most of a row is amounts, parsed from bytes.
        let raw = self.raw(c);
        std::str::from_utf8(raw).map(Some).map_err(|_| {
            self.error(
                c,
                CellError::Utf8 {
                    input: String::from_utf8_lossy(raw).into_owned(),
                },
            )
        })
    }

    /// The cell as text; an error when empty.
    pub(crate) fn required(&self, c: impl Into<usize> + Copy) -> Result<&'a str, CsvError> {
        self.text(c)?.ok_or_else(|| self.error(c, CellError::Empty))
    }

    /// Parses the cell when it is not empty.
    pub(crate) fn parse_with<T, E: Into<CellError>>(
        &self,
        c: impl Into<usize> + Copy,
        f: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, CsvError> {
        match self.text(c)? {
            None => Ok(None),
            Some(s) => f(s).map(Some).map_err(|e| self.error(c, e.into())),
        }
    }

    /// Parses the cell; an error when empty.
    pub(crate) fn require_with<T, E: Into<CellError>>(
        &self,
        c: impl Into<usize> + Copy,
        f: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, CsvError> {
        self.parse_with(c, f)?
            .ok_or_else(|| self.error(c, CellError::Empty))
    }

    /// A string the model keeps.
    pub(crate) fn string(&self, c: impl Into<usize> + Copy) -> Result<String, CsvError> {
        self.required(c).map(str::to_owned)
    }

    /// An optional string the model keeps.
    pub(crate) fn opt_string(
        &self,
        c: impl Into<usize> + Copy,
    ) -> Result<Option<String>, CsvError> {
        Ok(self.text(c)?.map(str::to_owned))
    }

    /// A decimal amount or rate.
    pub(crate) fn decimal(&self, c: impl Into<usize> + Copy) -> Result<Decimal, CsvError> {
        let raw = self.raw(c);
        if raw.is_empty() {
            return Err(self.error(c, CellError::Empty));
        }
        parse_decimal(raw).map_err(|e| self.error(c, e))
    }

    /// An optional decimal amount or rate, parsed from the cell's bytes.
    pub(crate) fn opt_decimal(
        &self,
        c: impl Into<usize> + Copy,
    ) -> Result<Option<Decimal>, CsvError> {
        let raw = self.raw(c);
        if raw.is_empty() {
            return Ok(None);
        }
        parse_decimal(raw).map(Some).map_err(|e| self.error(c, e))
    }

    /// A `DD-MM-YYYY` date.
    pub(crate) fn date(&self, c: impl Into<usize> + Copy) -> Result<NaiveDate, CsvError> {
        self.require_with(c, crate::date::parse)
    }

    /// An optional `DD-MM-YYYY` date.
    pub(crate) fn opt_date(
        &self,
        c: impl Into<usize> + Copy,
    ) -> Result<Option<NaiveDate>, CsvError> {
        self.parse_with(c, crate::date::parse)
    }

    /// A GSTIN.
    pub(crate) fn gstin(&self, c: impl Into<usize> + Copy) -> Result<Gstin, CsvError> {
        self.require_with(c, |s| self.gstins.parse(s))
    }

    /// An optional GSTIN.
    pub(crate) fn opt_gstin(&self, c: impl Into<usize> + Copy) -> Result<Option<Gstin>, CsvError> {
        self.parse_with(c, |s| self.gstins.parse(s))
    }

    /// A state code.
    pub(crate) fn state(&self, c: impl Into<usize> + Copy) -> Result<StateCode, CsvError> {
        self.require_with(c, StateCode::from_str)
    }

    /// An optional state code.
    pub(crate) fn opt_state(
        &self,
        c: impl Into<usize> + Copy,
    ) -> Result<Option<StateCode>, CsvError> {
        self.parse_with(c, StateCode::from_str)
    }

    /// A code of a list.
    pub(crate) fn code<T: KnownCode>(&self, c: impl Into<usize> + Copy) -> Result<T, CsvError> {
        match T::known(self.raw(c)) {
            Some(code) => Ok(code),
            None => self.require_with(c, T::from_str),
        }
    }

    /// An optional code of a list.
    pub(crate) fn opt_code<T: KnownCode>(
        &self,
        c: impl Into<usize> + Copy,
    ) -> Result<Option<T>, CsvError> {
        let raw = self.raw(c);
        if raw.is_empty() {
            return Ok(None);
        }
        match T::known(raw) {
            Some(code) => Ok(Some(code)),
            None => self.parse_with(c, T::from_str),
        }
    }

    /// An item number: a whole number from 1.
    pub(crate) fn opt_item_number(
        &self,
        c: impl Into<usize> + Copy,
    ) -> Result<Option<u32>, CsvError> {
        let raw = self.raw(c);
        if raw.is_empty() {
            return Ok(None);
        }
        let mut n: u64 = 0;
        for &d in raw {
            if !d.is_ascii_digit() || n > u64::from(u32::MAX) {
                n = 0;
                break;
            }
            n = n * 10 + u64::from(d - b'0');
        }
        match u32::try_from(n) {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(self.error(
                c,
                CellError::ItemNumber {
                    input: String::from_utf8_lossy(raw).into_owned(),
                },
            )),
        }
    }

    /// Whether every listed column is empty in this row.
    pub(crate) fn all_empty(&self, slots: &[usize]) -> bool {
        !self.any_filled(slot_mask(slots))
    }

    /// Whether any column of a [`slot_mask`] has a value in this row.
    #[inline]
    pub(crate) fn any_filled(&self, mask: u64) -> bool {
        self.filled & mask != 0
    }
}

/// The slots as a bit each, for [`Row::any_filled`]: a table has at most 64 columns (checked
/// where its columns are declared); slots no table has ([`crate::csv::items::ABSENT`]) are left
/// out, as they are always empty.
pub(crate) const fn slot_mask(slots: &[usize]) -> u64 {
    let mut mask = 0;
    let mut i = 0;
    while i < slots.len() {
        if slots[i] < 64 {
            mask |= 1 << slots[i];
        }
        i += 1;
    }
    mask
}

/// Parses a plain decimal as [`crate::amount::parse`] does, from bytes, with a fast path for
/// the common short forms (`1000.50`): the digits are gathered into an integer, no string is
/// built.
pub(crate) fn parse_decimal(b: &[u8]) -> Result<Decimal, CellError> {
    let general = || match std::str::from_utf8(b) {
        Ok(s) => crate::amount::parse(s).map_err(CellError::from),
        Err(_) => Err(CellError::Utf8 {
            input: String::from_utf8_lossy(b).into_owned(),
        }),
    };
    let (negative, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, b),
    };
    // 18 digits always fit an i64; longer or unusual inputs take the general path.
    if digits.is_empty() || digits.len() > 18 {
        return general();
    }
    let mut mantissa: i64 = 0;
    // Where the point is, if there is one.
    let mut point = usize::MAX;
    for (i, &d) in digits.iter().enumerate() {
        let digit = d.wrapping_sub(b'0');
        if digit < 10 {
            mantissa = mantissa * 10 + i64::from(digit);
        } else if d == b'.' && point == usize::MAX {
            point = i;
        } else {
            return general();
        }
    }
    let scale = if point == usize::MAX {
        0
    } else {
        digits.len() - point - 1
    };
    // No digit at all (`.`), or minus zero (which the general parser keeps as `-0`).
    if digits.len() == usize::from(point != usize::MAX) || (negative && mantissa == 0) {
        return general();
    }
    // At most 18 digits after the point: always a valid scale.
    Decimal::try_new(if negative { -mantissa } else { mantissa }, scale as u32)
        .or_else(|_| general())
}

/// A fast, non-cryptographic hasher (the rotate-multiply scheme of rustc's `FxHasher`) for the
/// reader's internal indexes of document keys. Its maps are never iterated, so their order
/// never shows.
#[derive(Clone, Copy, Default)]
pub(crate) struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed with [`FastHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;

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
pub(crate) trait Document: Sized + Send {
    /// What one row adds to the document.
    type Item: Send;
    /// The table.
    const TABLE: Table;
    /// The table's columns.
    const COLUMNS: &'static [Column];
    /// The document's columns, repeated on each of its rows; the key's columns first.
    const DOC: &'static [usize];
    /// How many of [`Document::DOC`]'s first columns form the key that tells documents apart.
    const KEY: usize;
    /// The item's columns: a row with all of them empty adds no item.
    const ITEM: &'static [usize];
    /// [`Document::ITEM`] as a [`slot_mask`].
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
pub(crate) fn read_docs<D: Document, R: Read>(
    input: Input<'_, R>,
    errors: &mut Errors,
) -> Grouped<D> {
    read_docs_into(input, errors)
}

/// [`read_docs`], the documents going to `A` as they are read.
pub(crate) fn read_docs_into<D: Document, R: Read, A: Assemble<D>>(
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
pub(crate) fn assemble_docs<D: Document, R: Read, A: Assemble<D>>(
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
fn read_docs_in_blocks<D: Document, R: Read, A: Assemble<D>>(
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
fn read_one<D: Document, R: Read>(input: R, errors: &mut Errors) -> Grouped<D> {
    read_split::<D, R>(input, errors, Split::DEFAULT).grouped
}

/// Reads a table on one thread, splitting records as `split` says.
fn read_split<D: Document, R: Read>(input: R, errors: &mut Errors, split: Split) -> Decoded<D> {
    match Rows::open_split(D::TABLE, D::COLUMNS, input, split) {
        Ok(Some(rows)) => decode_rows(rows, errors, 0),
        Ok(None) => Decoded::default(),
        Err(e) => {
            errors.push(e);
            Decoded::default()
        }
    }
}

/// Documents decoded from some rows, with what it takes to join them to others.
struct Decoded<D> {
    grouped: Grouped<D>,
    /// Key hash → a document with that key.
    index: FastMap<u64, usize>,
    /// `\n` bytes read, the header's included.
    newlines: u64,
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

/// Decodes the input in pieces on as many threads; `None` when it cannot be, or when the pieces
/// are not simply one after the other (an error, a document in two pieces). Checks that the
/// same bytes decoded in place, as bytes in memory are, give the same.
#[cfg(test)]
pub(crate) fn read_pieces<D>(bytes: &[u8], pieces: usize) -> Option<Grouped<D>>
where
    D: Document + PartialEq + std::fmt::Debug,
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

/// The field index of each key column in the header, `None` for a key column it lacks.
fn key_fields<D: Document>(header: &[u8]) -> Option<Vec<Option<usize>>> {
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
fn line_key<'a>(line: &'a [u8], keys: &[Option<usize>]) -> Option<Vec<&'a [u8]>> {
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
fn decode_rows<D: Document, R: Read>(
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
fn flush<D: Document>(docs: &mut [D], doc: Option<usize>, pending: &mut Vec<D::Item>) {
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

fn conflict<D: Document>(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_decimals_match_the_general_parser() {
        for s in [
            "0",
            "1000.50",
            "-12",
            "+7.25",
            ".5",
            "5.",
            "0.00",
            "123456789012345678",
            "1234567890123456789.5",
            "-0",
            "-0.00",
            "1.2.3",
            "",
            "-",
            ".",
            "1e5",
            "1,0",
        ] {
            let fast = parse_decimal(s.as_bytes()).map(|d| d.to_string()).ok();
            let general = crate::amount::parse(s).map(|d| d.to_string()).ok();
            assert_eq!(fast, general, "{s}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 256, ..proptest::prelude::ProptestConfig::default()
        })]

        /// Short strings of digits, points and signs: the fast path agrees with the general
        /// parser, value and scale.
        #[test]
        fn fast_decimals_match_on_any_digits(s in "[-+]?[0-9.]{0,21}") {
            let fast = parse_decimal(s.as_bytes()).map(|d| d.to_string()).ok();
            let general = crate::amount::parse(&s).map(|d| d.to_string()).ok();
            proptest::prop_assert_eq!(fast, general);
        }
    }

    fn lines_of(text: &str) -> Vec<(u64, String)> {
        let mut rows = Rows::open(Table::Txi, crate::csv::txi::COLUMNS, text.as_bytes())
            .unwrap()
            .unwrap();
        let mut out = Vec::new();
        while rows.advance().unwrap() {
            let row = rows.row().unwrap();
            out.push((
                row.line(),
                String::from_utf8_lossy(row.raw(0usize)).into_owned(),
            ));
        }
        out
    }

    #[test]
    fn rows_know_their_lines() {
        let expected = |v: &[(u64, &str)]| {
            v.iter()
                .map(|(l, s)| (*l, s.to_string()))
                .collect::<Vec<_>>()
        };
        let header = "pos,sply_ty,rt,adamt";
        for eol in ["\n", "\r\n"] {
            let text = [
                header,
                "27,INTRA,1,1",
                "",
                "29,INTER,1,1",
                ",,,",
                "07,INTER,1,1",
            ]
            .join(eol);
            assert_eq!(
                lines_of(&text),
                expected(&[(2, "27"), (4, "29"), (6, "07")]),
                "{eol:?}"
            );
            let text = format!("\u{feff}{header}{eol}\"2\n7\",INTRA,1,1{eol}\"29\",INTER,1,1{eol}");
            assert_eq!(
                lines_of(&text),
                expected(&[(2, "2\n7"), (4, "29")]),
                "{eol:?}"
            );
        }
        let spaced = format!("{header}\n  \"27\" ,INTRA,1,1\n");
        assert_eq!(lines_of(&spaced), expected(&[(2, "27")]));
    }

    /// The spans are not cleared between rows: a cell emptied in the next row reads empty,
    /// and a shorter row is refused rather than read with the last row's cells.
    #[test]
    fn cells_are_those_of_the_current_row() {
        let text = "pos,sply_ty,rt,adamt\n27,INTRA,5,100\n29,,,7\n07,INTER\n,,,\n33,INTER,1,\n";
        let mut rows = Rows::open(Table::Txi, crate::csv::txi::COLUMNS, text.as_bytes())
            .unwrap()
            .unwrap();
        let mut seen = Vec::new();
        while rows.advance().unwrap() {
            let cells = rows.row().map(|row| {
                let cells: Vec<String> = (0..4usize)
                    .map(|c| String::from_utf8_lossy(row.raw(c)).into_owned())
                    .collect();
                (cells.join("|"), row.any_filled(slot_mask(&[1, 2])))
            });
            seen.push(cells.map_err(|e| e.to_string()));
        }
        assert_eq!(seen.len(), 4);
        assert_eq!(seen[0], Ok(("27|INTRA|5|100".to_owned(), true)));
        assert_eq!(seen[1], Ok(("29|||7".to_owned(), false)));
        let short = seen[2].as_ref().unwrap_err();
        assert!(short.contains("line 4"), "{short}");
        assert_eq!(seen[3], Ok(("33|INTER|1|".to_owned(), true)));
    }

    #[test]
    fn cached_gstins_parse_as_gstin_parse_does() {
        let cache = Gstins::default();
        let mut texts: Vec<String> = (0..3000u32)
            .map(|i| {
                let first14 = format!("27AAPFU{:04}F1Z", i % 10_000);
                let check = char::from(crate::gstin::check_character(first14.as_bytes()));
                format!("{first14}{check}")
            })
            .collect();
        let valid = texts.len();
        for i in 0..valid / 3 {
            let spoilt = texts.get(i).map(|t| t.replacen("27", "99", 1));
            texts.extend(spoilt);
            let lower = texts.get(i).map(|t| t.to_ascii_lowercase());
            texts.extend(lower);
        }
        texts.push("27AAPFU0939F1ZX".into());
        // Twice over, in two orders: the second pass hits the cache wherever it can.
        for round in 0..2 {
            for (k, text) in texts.iter().enumerate() {
                let text = if round == 0 {
                    text
                } else {
                    texts.get((k * 7919) % texts.len()).unwrap_or(text)
                };
                let cached = cache.parse(text).map_err(|e| e.to_string());
                let parsed = Gstin::parse(text).map_err(|e| e.to_string());
                assert_eq!(cached, parsed, "{text}");
            }
        }
        let hits = texts
            .iter()
            .take(valid)
            .filter(|t| {
                cache
                    .0
                    .iter()
                    .any(|slot| slot.get().is_some_and(|g| g.as_str() == t.as_str()))
            })
            .count();
        assert!(hits > 500 && hits < valid, "{hits}");
    }

    #[test]
    fn suggestions_are_close_names() {
        assert_eq!(suggest("ctim", ["ctin", "cfs", "inum"]), Some("ctin"));
        assert_eq!(suggest("IDT", ["ctin", "idt"]), Some("idt"));
        assert_eq!(suggest("something", ["ctin", "idt"]), None);
    }
}
