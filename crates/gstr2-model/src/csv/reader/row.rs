//! Rows: where each column's cell lies in a record ([`Locator`]), and [`Row`], one data row with
//! typed accessors for its cells.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::cell::{cell_span, parse_decimal, Gstins};
use super::header::{Column, Header, UNNAMED};
use super::span;
use crate::codes::KnownCode;
use crate::csv::error::{CellError, CsvError};
use crate::{Gstin, StateCode, Table};

/// What [`Rows::locate`](super::Rows::locate) saw of a record.
#[derive(Default)]
pub(super) struct Shape {
    /// Some field has a value.
    pub(super) any: bool,
    /// Shorter than the header, or a value under no column.
    pub(super) misshapen: bool,
    /// Fields in the record.
    pub(super) fields: usize,
    /// The slots with a value, a bit each.
    pub(super) filled: u64,
}

/// Puts each field's cell in its slot's span, one field after the other.
pub(super) struct Locator<'a> {
    header: &'a Header,
    spans: &'a mut [(usize, usize)],
    bytes: &'a [u8],
    shape: Shape,
}

impl<'a> Locator<'a> {
    pub(super) fn new(
        header: &'a Header,
        spans: &'a mut [(usize, usize)],
        bytes: &'a [u8],
    ) -> Self {
        Locator {
            header,
            spans,
            bytes,
            shape: Shape::default(),
        }
    }

    /// The next field: `bytes[start..end]`.
    #[inline]
    pub(super) fn field(&mut self, start: usize, end: usize) {
        let (a, b) = cell_span(span(self.bytes, start..end));
        self.cell(start + a, start + b);
    }

    /// The next field, `bytes[start..end]`, of a record with nothing to trim: its cell.
    #[inline]
    pub(super) fn bare_field(&mut self, start: usize, end: usize) {
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

    pub(super) fn finish(mut self) -> Shape {
        self.shape.misshapen |= self.shape.fields < self.header.width;
        self.shape
    }
}

/// One data row, with typed accessors for its cells. A column absent from the header reads as
/// an empty cell.
pub(crate) struct Row<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) spans: &'a [(usize, usize)],
    /// The slots with a value, a bit each.
    pub(super) filled: u64,
    pub(super) gstins: &'a Gstins,
    pub(super) columns: &'static [Column],
    pub(super) table: Table,
    /// 1-based line of the file where the row starts.
    pub(super) line: u64,
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
