//! Table 8, `imp_ga`: amendments of imports of goods (`imp_g`) of earlier periods.
//!
//! # CSV ↔ wire
//!
//! One row per item: `oboe_num` … `port_code` (amended bill of entry) repeated on each of the
//! bill's rows, then the item.
//!
//! | CSV | wire |
//! |---|---|
//! | `oboe_num`, `oboe_dt`, `boe_num`, `boe_dt`, `boe_val`, `port_code` | `imp_ga[].*`, same keys |
//! | `irt` | `itms[].rt` (imports carry IGST only, so the IGST rate is the total rate) |
//! | `hsn` | `itms[].hsn_sc` |
//! | `num`, `txval`, `iamt`, `csrt`, `csamt`, `elg`, `tx_i`, `tc_i`, `tx_cs`, `tc_cs` | `itms[].*`, same keys |
//! | extensions `flag`, `chksum`, `is_sez`, `stin` | `imp_ga[].*`, same keys |
//!
//! Rows are grouped into bills by (`boe_num`, `boe_dt`), in first-seen order.

use std::io::{Read, Write};

use super::error::CsvError;
use super::items::{self, ImportCols, NumberedImportItem};
use super::reader::{columns, read_docs, Errors, Input, Row, RowDocument};
use super::writer::write_table;
use crate::tables::imp_ga::ImportOfGoodsAmendment;
use crate::Table;

columns! {
    OboeNum = "oboe_num" [Required],
    OboeDt = "oboe_dt" [Required],
    BoeNum = "boe_num" [Required],
    BoeDt = "boe_dt" [Required],
    BoeVal = "boe_val" [Required],
    PortCode = "port_code" [Seed],
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
    Hsn = "hsn" [Seed],
    Flag = "flag" [Extension],
    Chksum = "chksum" [Extension],
    IsSez = "is_sez" [Extension],
    Stin = "stin" [Extension],
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
    hsn: Col::Hsn as usize,
};

impl RowDocument for ImportOfGoodsAmendment {
    type Item = NumberedImportItem;
    const TABLE: Table = Table::ImpGa;
    const COLUMNS: &'static [super::reader::Column] = COLUMNS;
    const DOC: &'static [usize] = &[
        Col::BoeNum as usize,
        Col::BoeDt as usize,
        Col::OboeNum as usize,
        Col::OboeDt as usize,
        Col::BoeVal as usize,
        Col::PortCode as usize,
        Col::Flag as usize,
        Col::Chksum as usize,
        Col::IsSez as usize,
        Col::Stin as usize,
    ];
    const KEY: usize = 2;
    const ITEM: &'static [usize] = &ITEM.slots();

    fn parse(row: &Row<'_>) -> Result<Self, CsvError> {
        Ok(ImportOfGoodsAmendment {
            flag: row.opt_code(Col::Flag)?,
            checksum: row.opt_string(Col::Chksum)?,
            is_sez: row.opt_code(Col::IsSez)?,
            sez_supplier_gstin: row.opt_gstin(Col::Stin)?,
            original_bill_number: row.string(Col::OboeNum)?,
            original_bill_date: row.date(Col::OboeDt)?,
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

pub(crate) fn decode<R: Read>(
    input: Input<'_, R>,
    errors: &mut Errors,
) -> Vec<ImportOfGoodsAmendment> {
    read_docs::<ImportOfGoodsAmendment, R>(input, errors).docs
}

pub(crate) fn encode<W: Write>(
    bills: &[ImportOfGoodsAmendment],
    output: W,
) -> Result<(), CsvError> {
    write_table(Table::ImpGa, COLUMNS, output, |cells, emit| {
        for b in bills {
            cells.clear();
            cells.text(Col::OboeNum, &b.original_bill_number);
            cells.date(Col::OboeDt, b.original_bill_date);
            cells.text(Col::BoeNum, &b.bill_number);
            cells.date(Col::BoeDt, b.bill_date);
            cells.show(Col::BoeVal, b.bill_value);
            cells.opt_text(Col::PortCode, b.port_code.as_deref());
            cells.opt(Col::Flag, b.flag.as_ref());
            cells.opt_text(Col::Chksum, b.checksum.as_deref());
            cells.opt(Col::IsSez, b.is_sez.as_ref());
            cells.opt(Col::Stin, b.sez_supplier_gstin);
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
