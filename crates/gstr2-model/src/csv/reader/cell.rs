//! Cells: trimming a field to its cell, the cache of GSTINs recently read, and amounts parsed
//! from a cell's bytes.

use std::cell::Cell;

use rust_decimal::Decimal;

use super::FastHasher;
use crate::csv::error::CellError;
use crate::Gstin;

pub(super) fn trim(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

/// Where [`cell`] lies within a field: `(start, end)` offsets.
#[inline]
pub(super) fn cell_span(raw: &[u8]) -> (usize, usize) {
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
pub(super) fn cell(raw: &[u8]) -> &[u8] {
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

/// GSTINs recently read, so that a supplier's GSTIN, repeated on all its documents, is checked
/// (form, state, check character) once rather than on each document: a direct-mapped cache
/// by a hash of the text, of valid GSTINs only. `Gstin::parse` depends on the text alone, so a
/// hit gives what parsing would.
pub(super) struct Gstins(pub(super) Vec<Cell<Option<Gstin>>>);

impl Default for Gstins {
    fn default() -> Self {
        Gstins(vec![Cell::new(None); 1024])
    }
}

impl Gstins {
    pub(super) fn parse(&self, text: &str) -> Result<Gstin, crate::gstin::GstinError> {
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
