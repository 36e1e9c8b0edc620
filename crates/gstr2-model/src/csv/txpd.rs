//! Table 18, `txpd`: tax already paid under reverse charge in earlier tax periods on account of
//! time of supply, for which invoices were issued in the current period (advances adjusted).
//!
//! # CSV ↔ wire
//!
//! The same columns and mapping as [`txi`](super::txi): `pos`, `sply_ty` per advance; `rt`,
//! `adamt` (the advance to be adjusted), `num`, `iamt`, `camt`, `samt`, `csamt` per rate line
//! (`txpd[].itms[]`); extensions `flag`, `chksum`. Rows are grouped by (`pos`, `sply_ty`).

use std::io::{Read, Write};

use super::error::CsvError;
use super::reader::Errors;
use super::reader::Input;
use super::txi::{decode_advances, encode_advances};
use crate::tables::txi::Advance;
use crate::Table;

pub(crate) fn decode<R: Read>(input: Input<'_, R>, errors: &mut Errors) -> Vec<Advance> {
    decode_advances::<true, R>(input, errors)
}

pub(crate) fn encode<W: Write>(advances: &[Advance], output: W) -> Result<(), CsvError> {
    encode_advances(Table::Txpd, advances, output)
}
