//! Table 16, `txi`: tax liability under reverse charge arising on account of time of supply
//! without receipt of invoice (advances paid).
//!
//! # CSV ↔ wire
//!
//! One row per rate line: `pos`, `sply_ty` (the advance) repeated on each of its rows, then the
//! rate line.
//!
//! | CSV | wire |
//! |---|---|
//! | `pos`, `sply_ty` | `txi[].pos`, `txi[].sply_ty` |
//! | `rt`, `adamt`, `num`, `iamt`, `camt`, `samt`, `csamt` | `txi[].itms[].*`, same keys |
//! | extensions `flag`, `chksum` | `txi[].flag`, `txi[].chksum` |
//!
//! Rows are grouped into advances by (`pos`, `sply_ty`), in first-seen order; an empty `num` is
//! numbered by position. `txpd` (table 18) has the same columns and mapping.

use std::io::{Read, Write};

use super::error::CsvError;
use super::reader::{columns, read_docs, Errors, Input, Row, RowDocument};
use super::writer::write_table;
use crate::item::AdvanceItem;
use crate::tables::txi::Advance;
use crate::Table;

columns! {
    Pos = "pos" [Required],
    SplyTy = "sply_ty" [Required],
    Rt = "rt" [Required],
    Adamt = "adamt" [Required],
    Num = "num" [Seed],
    Iamt = "iamt" [Seed],
    Camt = "camt" [Seed],
    Samt = "samt" [Seed],
    Csamt = "csamt" [Seed],
    Flag = "flag" [Extension],
    Chksum = "chksum" [Extension],
}

/// An advance of `txi` (`TXPD = false`) or `txpd` (`TXPD = true`), as read from rows.
pub(crate) struct Doc<const TXPD: bool>(Advance);

impl<const TXPD: bool> RowDocument for Doc<TXPD> {
    type Item = (Option<u32>, AdvanceItem);
    const TABLE: Table = if TXPD { Table::Txpd } else { Table::Txi };
    const COLUMNS: &'static [super::reader::Column] = COLUMNS;
    const DOC: &'static [usize] = &[
        Col::Pos as usize,
        Col::SplyTy as usize,
        Col::Flag as usize,
        Col::Chksum as usize,
    ];
    const KEY: usize = 2;
    const ITEM: &'static [usize] = &[
        Col::Rt as usize,
        Col::Adamt as usize,
        Col::Num as usize,
        Col::Iamt as usize,
        Col::Camt as usize,
        Col::Samt as usize,
        Col::Csamt as usize,
    ];

    fn parse(row: &Row<'_>) -> Result<Self, CsvError> {
        Ok(Doc(Advance {
            flag: row.opt_code(Col::Flag)?,
            checksum: row.opt_string(Col::Chksum)?,
            place_of_supply: row.state(Col::Pos)?,
            supply_type: row.code(Col::SplyTy)?,
            items: Vec::new(),
        }))
    }

    fn parse_item(row: &Row<'_>) -> Result<Self::Item, CsvError> {
        Ok((
            row.opt_item_number(Col::Num)?,
            AdvanceItem {
                number: 0,
                rate: row.decimal(Col::Rt)?,
                advance: row.decimal(Col::Adamt)?,
                igst: row.opt_decimal(Col::Iamt)?,
                cgst: row.opt_decimal(Col::Camt)?,
                sgst: row.opt_decimal(Col::Samt)?,
                cess: row.opt_decimal(Col::Csamt)?,
            },
        ))
    }

    fn reserve(&mut self, n: usize) {
        self.0.items.reserve_exact(n);
    }

    fn push(&mut self, (number, mut item): Self::Item) {
        let items = &mut self.0.items;
        item.number = number.unwrap_or_else(|| u32::try_from(items.len() + 1).unwrap_or(u32::MAX));
        items.push(item);
    }
}

/// Reads `txi` or `txpd` rows.
pub(crate) fn decode_advances<const TXPD: bool, R: Read>(
    input: Input<'_, R>,
    errors: &mut Errors,
) -> Vec<Advance> {
    read_docs::<Doc<TXPD>, R>(input, errors)
        .docs
        .into_iter()
        .map(|d| d.0)
        .collect()
}

/// Writes `txi` or `txpd` rows.
pub(crate) fn encode_advances<W: Write>(
    table: Table,
    advances: &[Advance],
    output: W,
) -> Result<(), CsvError> {
    write_table(table, COLUMNS, output, |cells, emit| {
        for a in advances {
            cells.clear();
            cells.show(Col::Pos, a.place_of_supply);
            cells.show(Col::SplyTy, &a.supply_type);
            cells.opt(Col::Flag, a.flag.as_ref());
            cells.opt_text(Col::Chksum, a.checksum.as_deref());
            if a.items.is_empty() {
                emit(cells)?;
            }
            for item in &a.items {
                cells.show(Col::Num, item.number);
                cells.show(Col::Rt, item.rate);
                cells.show(Col::Adamt, item.advance);
                cells.opt(Col::Iamt, item.igst);
                cells.opt(Col::Camt, item.cgst);
                cells.opt(Col::Samt, item.sgst);
                cells.opt(Col::Csamt, item.cess);
                emit(cells)?;
            }
        }
        Ok(())
    })
}

pub(crate) fn decode<R: Read>(input: Input<'_, R>, errors: &mut Errors) -> Vec<Advance> {
    decode_advances::<false, R>(input, errors)
}

pub(crate) fn encode<W: Write>(advances: &[Advance], output: W) -> Result<(), CsvError> {
    encode_advances(Table::Txi, advances, output)
}
