//! Records: the lines of the input, the two lanes that split records (by hand in [`super::fast`]
//! while there is no `"` byte, then the csv crate), and [`Rows`], the data rows after the header.

use std::io::Read;

use ::csv::{ByteRecord, ReaderBuilder};

use super::cell::Gstins;
use super::fast::{self, Fast, Step};
use super::header::{resolve, Column, Header};
use super::row::{Locator, Row, Shape};
use super::span;
use crate::csv::error::CsvError;
use crate::Table;

/// Counts lines as the input is read: the csv crate's record positions are off after CRLF line
/// ends and blank lines, so the line of a record is found from the byte offsets of `\n`.
///
/// The csv crate's issues, open as of csv 1.4: `Position::line` of the first record after a
/// blank line is the blank line's (<https://github.com/BurntSushi/rust-csv/issues/208>), and with
/// CRLF line ends the line after a record is the record's own
/// (<https://github.com/BurntSushi/rust-csv/issues/395>). Once both are fixed, a record's line
/// could be taken from the crate again.
pub(crate) struct Lines<R> {
    inner: R,
    offset: u64,
    newlines: Vec<u64>,
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = span(buf, ..n);
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
    pub(super) header: Header,
    /// Per slot, where its cell lies in the current record's bytes; `(0, 0)` when absent or
    /// empty.
    spans: Vec<(usize, usize)>,
    /// Whether the current row is shorter than the header, or has a value under no column.
    misshapen: bool,
    /// The current row's slots with a value, a bit each (see [`slot_mask`](super::slot_mask)).
    filled: u64,
    /// Fields in the current record.
    fields: usize,
    count: u64,
    gstins: Gstins,
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
    pub(super) fn newlines(&self) -> u64 {
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
