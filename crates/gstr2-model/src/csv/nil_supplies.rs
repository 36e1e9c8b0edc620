//! Table 14, `nil_supplies`: supplies received from composition taxable persons and
//! unregistered persons, and other exempt, nil-rated and non-GST supplies.
//!
//! # CSV ↔ wire
//!
//! One row per supply type, at most two rows.
//!
//! | CSV | wire |
//! |---|---|
//! | `nil_supplies` = `INTER` / `INTRA` | `nil_supplies.inter` / `nil_supplies.intra` |
//! | `cpddr`, `exptdsply`, `nilsply`, `ngsply` | the same keys inside it |
//!
//! The same supply type twice is an error. A file with no rows (or no file) is an absent
//! section.

use std::io::{Read, Write};

use super::error::CsvError;
use super::reader::{columns, Errors, Rows};
use super::writer::write_table;
use crate::codes::SupplyType;
use crate::tables::nil_supplies::{NilSupplies, NilSupplyAmounts};
use crate::Table;

columns! {
    NilSupplies = "nil_supplies" [Required],
    Cpddr = "cpddr" [Seed],
    Exptdsply = "exptdsply" [Seed],
    Nilsply = "nilsply" [Seed],
    Ngsply = "ngsply" [Seed],
}

pub(crate) fn decode<R: Read>(input: R, errors: &mut Errors) -> NilSupplies {
    let mut out = NilSupplies::default();
    let mut lines = [0u64; 2];
    let mut rows = match Rows::open(Table::NilSupplies, COLUMNS, input) {
        Ok(Some(rows)) => rows,
        Ok(None) => return out,
        Err(e) => {
            errors.push(e);
            return out;
        }
    };
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
            let kind: SupplyType = row.code(Col::NilSupplies)?;
            let amounts = NilSupplyAmounts {
                composition: row.opt_decimal(Col::Cpddr)?,
                exempt: row.opt_decimal(Col::Exptdsply)?,
                nil_rated: row.opt_decimal(Col::Nilsply)?,
                non_gst: row.opt_decimal(Col::Ngsply)?,
            };
            let (slot, first_line) = match kind {
                SupplyType::Intra => (&mut out.intra, &mut lines[1]),
                _ => (&mut out.inter, &mut lines[0]),
            };
            if slot.is_some() {
                return Err(CsvError::Duplicate {
                    table: Table::NilSupplies,
                    line: row.line(),
                    first_line: *first_line,
                    column: "nil_supplies",
                    key: kind.to_string(),
                });
            }
            *slot = Some(amounts);
            *first_line = row.line();
            Ok(())
        });
        if let Err(e) = result {
            if errors.push(e) {
                break;
            }
        }
    }
    out
}

pub(crate) fn encode<W: Write>(nil: Option<&NilSupplies>, output: W) -> Result<(), CsvError> {
    write_table(Table::NilSupplies, COLUMNS, output, |cells, emit| {
        let Some(nil) = nil else { return Ok(()) };
        for (kind, amounts) in [
            (SupplyType::Inter, &nil.inter),
            (SupplyType::Intra, &nil.intra),
        ] {
            let Some(a) = amounts else { continue };
            cells.clear();
            cells.show(Col::NilSupplies, &kind);
            cells.opt(Col::Cpddr, a.composition);
            cells.opt(Col::Exptdsply, a.exempt);
            cells.opt(Col::Nilsply, a.nil_rated);
            cells.opt(Col::Ngsply, a.non_gst);
            emit(cells)?;
        }
        Ok(())
    })
}
