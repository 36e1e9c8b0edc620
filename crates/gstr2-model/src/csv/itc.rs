//! Table 15, `itc`: ITC reversal for a return period.
//!
//! # CSV ↔ wire
//!
//! The CSV format's table has the four amounts and no rule, while the wire keeps one block of amounts
//! per rule (`itc_rvsl.rule2_2`, `rule7_1_m`, …). The CSV adds a `rule` column after the CSV format's:
//! one row per rule.
//!
//! | CSV | wire |
//! |---|---|
//! | `rule` (`rule2_2`, `rule7_1_m`, `rule8_1_h`, `rule7_2_a`, `rule7_2_b`, `revitc`, `other`) | the key in `itc_rvsl` |
//! | `iamt`, `samt`, `camt`, `csamt` | the same keys inside it |
//!
//! A row with `rule` empty, or a file without the column (the CSV format's own layout), is `other`
//! ("any other liability"): the amounts are kept, and a single row of that layout reads as one block. The
//! same rule twice is an error. `rule` is always written.

use std::io::{Read, Write};

use super::error::CsvError;
use super::reader::{columns, Errors, Rows};
use super::writer::write_table;
use crate::tables::itc::{ItcReversal, ReversalAmounts, ReversalRule};
use crate::Table;

columns! {
    Iamt = "iamt" [Seed],
    Samt = "samt" [Seed],
    Camt = "camt" [Seed],
    Csamt = "csamt" [Seed],
    Rule = "rule" [Seed],
}

pub(crate) fn decode<R: Read>(input: R, errors: &mut Errors) -> ItcReversal {
    let mut out = ItcReversal::default();
    let mut lines = [0u64; ReversalRule::ALL.len()];
    let mut rows = match Rows::open(Table::Itc, COLUMNS, input) {
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
            let rule: ReversalRule = row
                .parse_with(Col::Rule, str::parse::<ReversalRule>)?
                .unwrap_or(ReversalRule::Other);
            let amounts = ReversalAmounts {
                igst: row.opt_decimal(Col::Iamt)?,
                cgst: row.opt_decimal(Col::Camt)?,
                sgst: row.opt_decimal(Col::Samt)?,
                cess: row.opt_decimal(Col::Csamt)?,
            };
            let at = ReversalRule::ALL
                .iter()
                .position(|r| *r == rule)
                .unwrap_or(0);
            if out.get(rule).is_some() {
                return Err(CsvError::Duplicate {
                    table: Table::Itc,
                    line: row.line(),
                    first_line: lines.get(at).copied().unwrap_or(0),
                    column: "rule",
                    key: rule.to_string(),
                });
            }
            out.set(rule, amounts);
            if let Some(l) = lines.get_mut(at) {
                *l = row.line();
            }
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

pub(crate) fn encode<W: Write>(itc: Option<&ItcReversal>, output: W) -> Result<(), CsvError> {
    write_table(Table::Itc, COLUMNS, output, |cells, emit| {
        for (rule, a) in itc.into_iter().flat_map(ItcReversal::iter) {
            cells.clear();
            cells.opt(Col::Iamt, a.igst);
            cells.opt(Col::Samt, a.sgst);
            cells.opt(Col::Camt, a.cgst);
            cells.opt(Col::Csamt, a.cess);
            cells.show(Col::Rule, rule);
            emit(cells)?;
        }
        Ok(())
    })
}
