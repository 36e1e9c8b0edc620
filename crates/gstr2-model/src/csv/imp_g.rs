//! Table 7, `imp_g`: goods and capital goods received from overseas (import of goods), by bill
//! of entry.
//!
//! # CSV ↔ wire
//!
//! One row per item: `boe_num` … `port_code` (bill of entry) repeated on each of the bill's
//! rows, then the item. Import items are flat on the wire (no `itm_det`/`itc`).
//!
//! | CSV | wire |
//! |---|---|
//! | `boe_num`, `boe_dt`, `boe_val`, `is_sez`, `stin`, `port_code` | `imp_g[].*`, same keys |
//! | `num`, `txval`, `rt`, `iamt`, `csamt`, `elg`, `tx_i`, `tx_cs` | `itms[].*`, same keys |
//! | extensions `flag`, `chksum` | `imp_g[].flag`, `imp_g[].chksum` |
//! | extensions `csrt`, `tc_i`, `tc_cs`, `hsn_sc` | `itms[].csrt`, `.tc_i`, `.tc_cs`, `.hsn_sc` |
//!
//! Rows are grouped into bills by (`boe_num`, `boe_dt`), in first-seen order.

use std::io::{Read, Write};

use super::error::CsvError;
use super::items::{self, ImportCols, NumberedImportItem};
use super::reader::{columns, read_docs, Errors, Input, Row, RowDocument};
use super::writer::write_table;
use crate::tables::imp_g::ImportOfGoods;
use crate::Table;

columns! {
    BoeNum = "boe_num" [Required],
    BoeDt = "boe_dt" [Required],
    BoeVal = "boe_val" [Required],
    IsSez = "is_sez" [Seed],
    Stin = "stin" [Seed],
    PortCode = "port_code" [Seed],
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

impl RowDocument for ImportOfGoods {
    type Item = NumberedImportItem;
    const TABLE: Table = Table::ImpG;
    const COLUMNS: &'static [super::reader::Column] = COLUMNS;
    const DOC: &'static [usize] = &[
        Col::BoeNum as usize,
        Col::BoeDt as usize,
        Col::BoeVal as usize,
        Col::IsSez as usize,
        Col::Stin as usize,
        Col::PortCode as usize,
        Col::Flag as usize,
        Col::Chksum as usize,
    ];
    const KEY: usize = 2;
    const ITEM: &'static [usize] = &ITEM.slots();

    fn parse(row: &Row<'_>) -> Result<Self, CsvError> {
        Ok(ImportOfGoods {
            flag: row.opt_code(Col::Flag)?,
            checksum: row.opt_string(Col::Chksum)?,
            is_sez: row.opt_code(Col::IsSez)?,
            sez_supplier_gstin: row.opt_gstin(Col::Stin)?,
            bill_number: row.string(Col::BoeNum)?,
            bill_date: row.date(Col::BoeDt)?,
            bill_value: row.decimal(Col::BoeVal)?,
            port_code: row.opt_string(Col::PortCode)?,
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

pub(crate) fn decode<R: Read>(input: Input<'_, R>, errors: &mut Errors) -> Vec<ImportOfGoods> {
    read_docs::<ImportOfGoods, R>(input, errors).docs
}

pub(crate) fn encode<W: Write>(bills: &[ImportOfGoods], output: W) -> Result<(), CsvError> {
    write_table(Table::ImpG, COLUMNS, output, |cells, emit| {
        for b in bills {
            cells.clear();
            cells.text(Col::BoeNum, &b.bill_number);
            cells.date(Col::BoeDt, b.bill_date);
            cells.show(Col::BoeVal, b.bill_value);
            cells.opt(Col::IsSez, b.is_sez.as_ref());
            cells.opt(Col::Stin, b.sez_supplier_gstin);
            cells.opt_text(Col::PortCode, b.port_code.as_deref());
            cells.opt(Col::Flag, b.flag.as_ref());
            cells.opt_text(Col::Chksum, b.checksum.as_deref());
            if b.items.is_empty() {
                emit(cells)?;
            }
            for item in &b.items {
                items::write_import_item(cells, &ITEM, item);
                emit(cells)?;
            }
        }
        Ok(())
    })
}
