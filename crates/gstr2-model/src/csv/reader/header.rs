//! The header: each table's columns (the [`columns!`] macro), and the map from a file's header
//! row to them, with "did you mean" for an unknown name.

use super::cell::{cell, trim};
use crate::csv::error::CsvError;
use crate::Table;

/// Whether a column must be in the header, and when it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A column of the format the model needs: must be in the header; always written.
    Required,
    /// A column of the format: optional in the header; always written.
    Seed,
    /// An extension column after the CSV format's: optional in the header; written only when some row
    /// has a value in it.
    Extension,
    /// A column of the format that carries no value (`itms` of `cdn`/`cdna`): optional, ignored on read,
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
pub(super) struct Header {
    /// Field index in the record → slot of the layout, [`UNNAMED`] for a header cell with no
    /// name (its cells must be empty).
    pub(super) slots: Vec<usize>,
    /// Fields in the header row.
    pub(super) width: usize,
}

/// The slot of a header cell with no name.
pub(super) const UNNAMED: usize = usize::MAX;

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

pub(super) fn resolve(
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
