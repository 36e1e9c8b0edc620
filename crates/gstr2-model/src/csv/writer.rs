//! Writing: a row of cells per item, the header chosen from the columns the data uses.

use std::fmt::{Display, Write as _};
use std::io::Write;

use chrono::{Datelike, NaiveDate};

use super::error::CsvError;
use super::reader::{Column, Kind};
use crate::Table;

/// The cells of the row being written, one per column of the layout.
pub(crate) struct Cells {
    cells: Vec<String>,
}

impl Cells {
    fn new(width: usize) -> Self {
        Cells {
            cells: vec![String::new(); width],
        }
    }

    /// Empties every cell.
    pub(crate) fn clear(&mut self) {
        for c in &mut self.cells {
            c.clear();
        }
    }

    /// Empties the listed cells.
    pub(crate) fn clear_slots(&mut self, slots: &[usize]) {
        for &s in slots {
            if let Some(c) = self.cells.get_mut(s) {
                c.clear();
            }
        }
    }

    fn cell(&mut self, c: impl Into<usize>) -> Option<&mut String> {
        let cell = self.cells.get_mut(c.into())?;
        cell.clear();
        Some(cell)
    }

    /// Sets a cell to a text.
    pub(crate) fn text(&mut self, c: impl Into<usize>, value: &str) {
        if let Some(cell) = self.cell(c) {
            cell.push_str(value);
        }
    }

    /// Sets a cell to a text, or empties it.
    pub(crate) fn opt_text(&mut self, c: impl Into<usize>, value: Option<&str>) {
        self.text(c, value.unwrap_or_default());
    }

    /// Sets a cell to a value's `Display` form (decimals keep their scale, codes their spelling).
    pub(crate) fn show(&mut self, c: impl Into<usize>, value: impl Display) {
        if let Some(cell) = self.cell(c) {
            // Writing to a String cannot fail.
            let _ = write!(cell, "{value}");
        }
    }

    /// Sets a cell to a value's `Display` form, or empties it.
    pub(crate) fn opt(&mut self, c: impl Into<usize>, value: Option<impl Display>) {
        match value {
            Some(v) => self.show(c, v),
            None => self.text(c, ""),
        }
    }

    /// Sets a cell to a `DD-MM-YYYY` date.
    pub(crate) fn date(&mut self, c: impl Into<usize>, d: NaiveDate) {
        if let Some(cell) = self.cell(c) {
            let _ = write!(cell, "{:02}-{:02}-{:04}", d.day(), d.month(), d.year());
        }
    }

    /// Sets a cell to a date, or empties it.
    pub(crate) fn opt_date(&mut self, c: impl Into<usize> + Copy, d: Option<NaiveDate>) {
        match d {
            Some(d) => self.date(c, d),
            None => self.text(c, ""),
        }
    }
}

/// What a table's writer calls once per row.
pub(crate) type Emit<'a> = dyn FnMut(&Cells) -> Result<(), CsvError> + 'a;

/// Writes a table: `rows` fills [`Cells`] and calls the sink once per row, twice over: first to
/// learn which extension columns hold a value, then to write. Required and format columns are
/// always written, in the layout's order; extension columns only when used.
pub(crate) fn write_table<W: Write>(
    table: Table,
    columns: &'static [Column],
    output: W,
    rows: impl Fn(&mut Cells, &mut Emit<'_>) -> Result<(), CsvError>,
) -> Result<(), CsvError> {
    let csv_error = |source| CsvError::Csv {
        table,
        line: None,
        source,
    };
    let mut used = vec![false; columns.len()];
    let mut cells = Cells::new(columns.len());
    rows(&mut cells, &mut |cells: &Cells| {
        for (u, c) in used.iter_mut().zip(&cells.cells) {
            *u |= !c.is_empty();
        }
        Ok(())
    })?;
    let selected: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(i, col)| col.kind != Kind::Extension || used.get(*i).copied().unwrap_or(false))
        .map(|(i, _)| i)
        .collect();
    let mut writer = ::csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(output);
    writer
        .write_record(
            selected
                .iter()
                .filter_map(|&i| columns.get(i).map(|c| c.code)),
        )
        .map_err(csv_error)?;
    cells.clear();
    rows(&mut cells, &mut |cells: &Cells| {
        writer
            .write_record(
                selected
                    .iter()
                    .map(|&i| cells.cells.get(i).map_or(&b""[..], |s| s.as_bytes())),
            )
            .map_err(csv_error)
    })?;
    writer.flush().map_err(|e| csv_error(e.into()))
}
