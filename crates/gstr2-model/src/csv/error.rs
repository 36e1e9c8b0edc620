//! Errors of the CSV codec: each says the file (table), the line, the column and why.

use std::fmt;
use std::path::PathBuf;

use crate::amount::AmountError;
use crate::codes::CodeError;
use crate::date::DateError;
use crate::{GstinError, ReturnPeriodError, StateCodeError, Table};

/// Why one cell does not fit its column. Every message quotes the cell.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CellError {
    /// Not a `DD-MM-YYYY` date, or no such day.
    #[error(transparent)]
    Date(#[from] DateError),
    /// Not a plain decimal number.
    #[error(transparent)]
    Amount(#[from] AmountError),
    /// Not a GSTIN (the reason says which part is wrong).
    #[error(transparent)]
    Gstin(#[from] GstinError),
    /// Not a code of the column's list.
    #[error(transparent)]
    Code(#[from] CodeError),
    /// Not a state code.
    #[error(transparent)]
    State(#[from] StateCodeError),
    /// Not a return period `MMYYYY`.
    #[error(transparent)]
    Period(#[from] ReturnPeriodError),
    /// The cell is empty but the column needs a value.
    #[error("\"\" is empty, a value is required")]
    Empty,
    /// Not an item number (a whole number from 1).
    #[error("{input:?} is not an item number (a whole number from 1)")]
    ItemNumber {
        /// The cell as given.
        input: String,
    },
    /// The bytes of the cell are not UTF-8.
    #[error("{input:?} is not valid UTF-8")]
    Utf8 {
        /// The cell, with invalid bytes replaced.
        input: String,
    },
    /// The cell is well formed but does not agree with the rest of its row.
    #[error("{input:?}: {reason}")]
    Inconsistent {
        /// The cell as given.
        input: String,
        /// What rule it breaks.
        reason: &'static str,
    },
}

/// A CSV file (or reader) that does not decode, or a folder that cannot be read or written.
///
/// The message names the table's file, the 1-based line of the file and, for a cell, the column
/// code; the cause, where there is one, is the [`source`](std::error::Error::source), so that
/// [`ErrorChain`](crate::ErrorChain) prints e.g. `b2b.csv line 14, column idt: "31-02-2017" is
/// not a date DD-MM-YYYY: no such day in that month`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CsvError {
    /// A cell does not fit its column.
    #[error("{}.csv line {line}, column {column}", table.code())]
    Cell {
        /// The table being read.
        table: Table,
        /// 1-based line of the file where the row starts.
        line: u64,
        /// 1-based number of the row among the data rows (the header is row 0).
        record: u64,
        /// The column's code (with `(item)` for the second of `txia`'s repeated columns).
        column: &'static str,
        /// What is wrong with the cell.
        source: CellError,
    },
    /// The header lacks a column the table needs.
    #[error("{}.csv line {line}: missing required column {column}", table.code())]
    MissingColumn {
        /// The table being read.
        table: Table,
        /// The header's line.
        line: u64,
        /// The missing column's code.
        column: &'static str,
    },
    /// The header names a column the table does not have.
    #[error("{}.csv line {line}: unknown column {column:?}{}", table.code(),
        suggestion.map(|s| format!(" (did you mean {s}?)")).unwrap_or_default())]
    UnknownColumn {
        /// The table being read.
        table: Table,
        /// The header's line.
        line: u64,
        /// The header cell as given.
        column: String,
        /// The closest known column, if one is close.
        suggestion: Option<&'static str>,
    },
    /// The header names a column twice (only `txia` repeats its document totals' names).
    #[error("{}.csv line {line}: column {column} appears more often than the table allows", table.code())]
    DuplicateColumn {
        /// The table being read.
        table: Table,
        /// The header's line.
        line: u64,
        /// The repeated column's code.
        column: &'static str,
    },
    /// A row has fewer fields than the header, or more that are not empty.
    #[error("{}.csv line {line}: row has {found} fields, the header has {expected}", table.code())]
    RowLength {
        /// The table being read.
        table: Table,
        /// 1-based line of the row.
        line: u64,
        /// 1-based number of the row among the data rows.
        record: u64,
        /// Fields in the row.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// Two rows of the same document disagree on one of the document's fields.
    #[error("{}.csv line {line}, column {column}: {found:?} differs from {first:?} on line {first_line} for the same document ({document})", table.code())]
    Conflict {
        /// The table being read.
        table: Table,
        /// The line of the later row.
        line: u64,
        /// The line of the document's first row.
        first_line: u64,
        /// The column that differs.
        column: &'static str,
        /// The value on the first row.
        first: String,
        /// The value on the later row.
        found: String,
        /// The document's key, e.g. `ctin 33GSPTN4811G1ZC, inum S008400`.
        document: String,
    },
    /// A table with one row per key (`nil_supplies`, `itc`) has the same key twice.
    #[error("{}.csv line {line}, column {column}: {key:?} appears again (first on line {first_line})", table.code())]
    Duplicate {
        /// The table being read.
        table: Table,
        /// The line of the later row.
        line: u64,
        /// The line of the first row with the key.
        first_line: u64,
        /// The key's column.
        column: &'static str,
        /// The key, e.g. `INTER`.
        key: String,
    },
    /// The CSV reader or writer failed (I/O, or a malformed quote the reader cannot recover from).
    #[error("{}.csv{}", table.code(), line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Csv {
        /// The table being read or written.
        table: Table,
        /// The line where reading stopped, when known.
        line: Option<u64>,
        /// The csv crate's error.
        source: ::csv::Error,
    },
    /// The payload has sections the CSV tables cannot hold (`hsnsum`, or a section the model
    /// does not know); nothing was written. [`crate::csv::take_uncarried`] takes them out, naming
    /// them, for a conversion that is told to drop them.
    #[error("the CSV tables cannot hold section{} {}: nothing written", if sections.len() == 1 { "" } else { "s" }, sections.join(", "))]
    Uncarried {
        /// The sections' JSON keys.
        sections: Vec<String>,
    },
    /// A file or folder could not be opened, read, created or written.
    #[error("{}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A folder holds a `.csv` file whose name is not a table code.
    #[error("{}: not a table's file (expected <table code>.csv, e.g. b2b.csv){}", path.display(),
        suggestion.map(|s| format!("; did you mean {s}.csv?")).unwrap_or_default())]
    UnknownFile {
        /// The file.
        path: PathBuf,
        /// The closest table code, if one is close.
        suggestion: Option<&'static str>,
    },
}

impl CsvError {
    /// The table the error belongs to, when it belongs to one.
    pub fn table(&self) -> Option<Table> {
        match self {
            CsvError::Cell { table, .. }
            | CsvError::MissingColumn { table, .. }
            | CsvError::UnknownColumn { table, .. }
            | CsvError::DuplicateColumn { table, .. }
            | CsvError::RowLength { table, .. }
            | CsvError::Conflict { table, .. }
            | CsvError::Duplicate { table, .. }
            | CsvError::Csv { table, .. } => Some(*table),
            CsvError::Io { .. } | CsvError::UnknownFile { .. } | CsvError::Uncarried { .. } => None,
        }
    }

    /// The 1-based line of the file the error points at, when it points at one.
    pub fn line(&self) -> Option<u64> {
        match self {
            CsvError::Cell { line, .. }
            | CsvError::MissingColumn { line, .. }
            | CsvError::UnknownColumn { line, .. }
            | CsvError::DuplicateColumn { line, .. }
            | CsvError::RowLength { line, .. }
            | CsvError::Conflict { line, .. }
            | CsvError::Duplicate { line, .. } => Some(*line),
            CsvError::Csv { line, .. } => *line,
            CsvError::Io { .. } | CsvError::UnknownFile { .. } | CsvError::Uncarried { .. } => None,
        }
    }

    /// The column code the error points at, when it points at one.
    pub fn column(&self) -> Option<&str> {
        match self {
            CsvError::Cell { column, .. }
            | CsvError::MissingColumn { column, .. }
            | CsvError::DuplicateColumn { column, .. }
            | CsvError::Conflict { column, .. }
            | CsvError::Duplicate { column, .. } => Some(column),
            CsvError::UnknownColumn { column, .. } => Some(column),
            _ => None,
        }
    }
}

/// The errors of a whole folder ([`read_dir`](super::read_dir)): every file's, in table order,
/// capped at [`CsvErrors::CAP`].
#[derive(Debug, Default)]
pub struct CsvErrors {
    errors: Vec<CsvError>,
    dropped: usize,
}

impl CsvErrors {
    /// At most this many errors are kept; reading stops once it is reached.
    pub const CAP: usize = 100;

    pub(crate) fn new(errors: Vec<CsvError>, dropped: usize) -> Self {
        CsvErrors { errors, dropped }
    }

    /// The errors kept, in the order found.
    pub fn errors(&self) -> &[CsvError] {
        &self.errors
    }

    /// The errors kept, by value.
    pub fn into_errors(self) -> Vec<CsvError> {
        self.errors
    }

    /// Iterates over the errors kept.
    pub fn iter(&self) -> std::slice::Iter<'_, CsvError> {
        self.errors.iter()
    }

    /// How many errors are kept.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Whether there are none (never the case for an `Err` of `read_dir`).
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Whether reading stopped at the cap, so that more errors may exist.
    pub fn is_truncated(&self) -> bool {
        self.dropped > 0 || self.errors.len() >= Self::CAP
    }
}

impl fmt::Display for CsvErrors {
    /// One error per line, each with its causes ([`ErrorChain`](crate::ErrorChain)); a last
    /// line says when the list was cut at the cap.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}", crate::ErrorChain(e))?;
        }
        if self.is_truncated() {
            write!(
                f,
                "\nstopped after {} errors; there may be more",
                self.errors.len()
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for CsvErrors {}

impl From<CsvError> for CsvErrors {
    fn from(e: CsvError) -> Self {
        CsvErrors {
            errors: vec![e],
            dropped: 0,
        }
    }
}

impl<'a> IntoIterator for &'a CsvErrors {
    type Item = &'a CsvError;
    type IntoIter = std::slice::Iter<'a, CsvError>;
    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}
