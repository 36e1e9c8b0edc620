//! Table 10, `imp_sa`: amendments of imports of services (`imp_s`) of earlier periods.
//!
//! # CSV ↔ wire
//!
//! One row per item: `oinum` … `ival` (amended invoice) repeated on each of the invoice's rows,
//! then the item.
//!
//! | CSV | wire |
//! |---|---|
//! | `oinum`, `oidt`, `inum`, `idt`, `ival` | `imp_sa[].*`, same keys |
//! | `irt` | `itms[].rt` (imports carry IGST only, so the IGST rate is the total rate) |
//! | `sac` | `itms[].hsn_sc` |
//! | `num`, `txval`, `iamt`, `csrt`, `csamt`, `elg`, `tx_i`, `tc_i`, `tx_cs`, `tc_cs` | `itms[].*`, same keys |
//! | extensions `flag`, `chksum`, `pos` | `imp_sa[].*`, same keys |
//!
//! Rows are grouped into invoices by (`inum`, `idt`), in first-seen order.

use std::io::{Read, Write};

use super::error::CsvError;
use super::items::{self, ImportCols, NumberedImportItem};
use super::reader::{columns, read_docs, Errors, Input, Row, RowDocument};
use super::writer::write_table;
use crate::tables::imp_sa::ImportOfServicesAmendment;
use crate::Table;

columns! {
    Oinum = "oinum" [Required],
    Oidt = "oidt" [Required],
    Inum = "inum" [Required],
    Idt = "idt" [Required],
    Ival = "ival" [Required],
    Txval = "txval" [Required],
    Irt = "irt" [Required],
    Iamt = "iamt" [Seed],
    Csrt = "csrt" [Seed],
    Csamt = "csamt" [Seed],
    Elg = "elg" [Seed],
    TxI = "tx_i" [Seed],
    TcI = "tc_i" [Seed],
    TxCs = "tx_cs" [Seed],
    TcCs = "tc_cs" [Seed],
    Num = "num" [Seed],
    Sac = "sac" [Seed],
    Flag = "flag" [Extension],
    Chksum = "chksum" [Extension],
    Pos = "pos" [Extension],
}

const ITEM: ImportCols = ImportCols {
    num: Col::Num as usize,
    rate: Col::Irt as usize,
    txval: Col::Txval as usize,
    iamt: Col::Iamt as usize,
    csamt: Col::Csamt as usize,
    csrt: Col::Csrt as usize,
    elg: Col::Elg as usize,
    tx_i: Col::TxI as usize,
    tx_cs: Col::TxCs as usize,
    tc_i: Col::TcI as usize,
    tc_cs: Col::TcCs as usize,
    hsn: Col::Sac as usize,
};

impl RowDocument for ImportOfServicesAmendment {
    type Item = NumberedImportItem;
    const TABLE: Table = Table::ImpSa;
    const COLUMNS: &'static [super::reader::Column] = COLUMNS;
    const DOC: &'static [usize] = &[
        Col::Inum as usize,
        Col::Idt as usize,
        Col::Oinum as usize,
        Col::Oidt as usize,
        Col::Ival as usize,
        Col::Flag as usize,
        Col::Chksum as usize,
        Col::Pos as usize,
    ];
    const KEY: usize = 2;
    const ITEM: &'static [usize] = &ITEM.slots();

    fn parse(row: &Row<'_>) -> Result<Self, CsvError> {
        Ok(ImportOfServicesAmendment {
            flag: row.opt_code(Col::Flag)?,
            checksum: row.opt_string(Col::Chksum)?,
            original_number: row.string(Col::Oinum)?,
            original_date: row.date(Col::Oidt)?,
            number: row.string(Col::Inum)?,
            date: row.date(Col::Idt)?,
            value: row.decimal(Col::Ival)?,
            place_of_supply: row.opt_state(Col::Pos)?,
            items: Vec::new(),
        })
    }

    fn parse_item(row: &Row<'_>) -> Result<NumberedImportItem, CsvError> {
        items::read_import_item(row, &ITEM)
    }

    fn reserve(&mut self, n: usize) {
        self.items.reserve_exact(n);
    }

    fn push(&mut self, item: NumberedImportItem) {
        items::push_import_item(&mut self.items, item);
    }
}

pub(crate) fn decode<R: Read>(
    input: Input<'_, R>,
    errors: &mut Errors,
) -> Vec<ImportOfServicesAmendment> {
    read_docs::<ImportOfServicesAmendment, R>(input, errors).docs
}

pub(crate) fn encode<W: Write>(
    invoices: &[ImportOfServicesAmendment],
    output: W,
) -> Result<(), CsvError> {
    write_table(Table::ImpSa, COLUMNS, output, |cells, emit| {
        for inv in invoices {
            cells.clear();
            cells.text(Col::Oinum, &inv.original_number);
            cells.date(Col::Oidt, inv.original_date);
            cells.text(Col::Inum, &inv.number);
            cells.date(Col::Idt, inv.date);
            cells.show(Col::Ival, inv.value);
            cells.opt(Col::Flag, inv.flag.as_ref());
            cells.opt_text(Col::Chksum, inv.checksum.as_deref());
            cells.opt(Col::Pos, inv.place_of_supply);
            if inv.items.is_empty() {
                emit(cells)?;
            }
            for item in &inv.items {
                items::write_import_item(cells, &ITEM, item);
                emit(cells)?;
            }
        }
        Ok(())
    })
}
