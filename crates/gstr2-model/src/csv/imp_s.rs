//! Table 9, `imp_s`: services received from a supplier located outside India (import of
//! services).
//!
//! # CSV ↔ wire
//!
//! One row per item: `inum` … `pos` (invoice) repeated on each of the invoice's rows, then the
//! item. Import items are flat on the wire (no `itm_det`/`itc`).
//!
//! | CSV | wire |
//! |---|---|
//! | `inum`, `idt`, `ival`, `pos` | `imp_s[].*`, same keys |
//! | `num`, `txval`, `rt`, `iamt`, `csamt`, `elg`, `tx_i`, `tx_cs` | `itms[].*`, same keys |
//! | extensions `flag`, `chksum` | `imp_s[].flag`, `imp_s[].chksum` |
//! | extensions `csrt`, `tc_i`, `tc_cs`, `hsn_sc` | `itms[].csrt`, `.tc_i`, `.tc_cs`, `.hsn_sc` |
//!
//! Rows are grouped into invoices by (`inum`, `idt`), in first-seen order.

use std::io::{Read, Write};

use super::error::CsvError;
use super::items::{self, ImportCols, NumberedImportItem};
use super::reader::{columns, read_docs, Errors, Input, Row, RowDocument};
use super::writer::write_table;
use crate::tables::imp_s::ImportOfServices;
use crate::Table;

columns! {
    Inum = "inum" [Required],
    Idt = "idt" [Required],
    Ival = "ival" [Required],
    Pos = "pos" [Seed],
    Txval = "txval" [Required],
    Rt = "rt" [Required],
    Iamt = "iamt" [Seed],
    Csamt = "csamt" [Seed],
    Elg = "elg" [Seed],
    TxI = "tx_i" [Seed],
    TxCs = "tx_cs" [Seed],
    Num = "num" [Seed],
    Flag = "flag" [Extension],
    Chksum = "chksum" [Extension],
    Csrt = "csrt" [Extension],
    TcI = "tc_i" [Extension],
    TcCs = "tc_cs" [Extension],
    HsnSc = "hsn_sc" [Extension],
}

const ITEM: ImportCols = ImportCols {
    num: Col::Num as usize,
    rate: Col::Rt as usize,
    txval: Col::Txval as usize,
    iamt: Col::Iamt as usize,
    csamt: Col::Csamt as usize,
    csrt: Col::Csrt as usize,
    elg: Col::Elg as usize,
    tx_i: Col::TxI as usize,
    tx_cs: Col::TxCs as usize,
    tc_i: Col::TcI as usize,
    tc_cs: Col::TcCs as usize,
    hsn: Col::HsnSc as usize,
};

impl RowDocument for ImportOfServices {
    type Item = NumberedImportItem;
    const TABLE: Table = Table::ImpS;
    const COLUMNS: &'static [super::reader::Column] = COLUMNS;
    const DOC: &'static [usize] = &[
        Col::Inum as usize,
        Col::Idt as usize,
        Col::Ival as usize,
        Col::Pos as usize,
        Col::Flag as usize,
        Col::Chksum as usize,
    ];
    const KEY: usize = 2;
    const ITEM: &'static [usize] = &ITEM.slots();

    fn parse(row: &Row<'_>) -> Result<Self, CsvError> {
        Ok(ImportOfServices {
            flag: row.opt_code(Col::Flag)?,
            checksum: row.opt_string(Col::Chksum)?,
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

pub(crate) fn decode<R: Read>(input: Input<'_, R>, errors: &mut Errors) -> Vec<ImportOfServices> {
    read_docs::<ImportOfServices, R>(input, errors).docs
}

pub(crate) fn encode<W: Write>(invoices: &[ImportOfServices], output: W) -> Result<(), CsvError> {
    write_table(Table::ImpS, COLUMNS, output, |cells, emit| {
        for inv in invoices {
            cells.clear();
            cells.text(Col::Inum, &inv.number);
            cells.date(Col::Idt, inv.date);
            cells.show(Col::Ival, inv.value);
            cells.opt(Col::Pos, inv.place_of_supply);
            cells.opt(Col::Flag, inv.flag.as_ref());
            cells.opt_text(Col::Chksum, inv.checksum.as_deref());
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
