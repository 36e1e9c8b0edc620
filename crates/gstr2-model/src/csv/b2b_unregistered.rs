//! Table 6, `b2b_unregistered`: B2B unregistered invoices (purchases from unregistered
//! suppliers).
//!
//! # CSV ↔ wire
//!
//! One row per item: `inum` … `pos` (invoice) repeated on each of the invoice's rows, then the
//! item.
//!
//! | CSV | wire |
//! |---|---|
//! | `inum`, `idt`, `val`, `sply_ty`, `pos` | `b2bur[].inv[].*`, same keys |
//! | `num`, `txval`, `camt`, `samt`, `iamt`, `csamt`, `rt` | `itms[].num`, `itms[].itm_det.*` |
//! | `elg`, `tx_c`, `tx_s`, `tx_cs`, `tx_i` | `itms[].itc.*` |
//! | extensions `flag`, `chksum` | `inv[].flag`, `inv[].chksum` |
//! | extensions `csrt`, `ty`, `hsn_sc`, `tc_*` | `itm_det.csrt`, `.ty`, `.hsn_sc`, `itc.tc_*` |
//!
//! The wire wraps the invoices in a list of groups (`b2bur: [{inv: [...]}]`) that the CSV does
//! not have: reading gives one group holding every invoice (none for an empty file); writing
//! writes the invoices of every group in order, so several groups become one. Unregistered
//! suppliers have no GSTIN, so rows are grouped into invoices by (`inum`, `idt`), in first-seen
//! order.

use std::io::{Read, Write};

use super::error::CsvError;
use super::items::{self, ItemCols, NumberedItem, Rate};
use super::reader::{columns, read_docs, Errors, Input, Row, RowDocument};
use super::writer::write_table;
use crate::tables::b2b_unregistered::{B2bUnregistered, B2bUnregisteredInvoice};
use crate::Table;

columns! {
    Inum = "inum" [Required],
    Idt = "idt" [Required],
    Val = "val" [Required],
    Num = "num" [Seed],
    SplyTy = "sply_ty" [Required],
    Pos = "pos" [Required],
    Txval = "txval" [Required],
    Camt = "camt" [Seed],
    Samt = "samt" [Seed],
    Iamt = "iamt" [Seed],
    Csamt = "csamt" [Seed],
    Rt = "rt" [Required],
    TxC = "tx_c" [Seed],
    TxS = "tx_s" [Seed],
    TxCs = "tx_cs" [Seed],
    TxI = "tx_i" [Seed],
    Elg = "elg" [Seed],
    Flag = "flag" [Extension],
    Chksum = "chksum" [Extension],
    Csrt = "csrt" [Extension],
    Ty = "ty" [Extension],
    HsnSc = "hsn_sc" [Extension],
    TcI = "tc_i" [Extension],
    TcC = "tc_c" [Extension],
    TcS = "tc_s" [Extension],
    TcCs = "tc_cs" [Extension],
}

const ITEM: ItemCols = ItemCols {
    num: Col::Num as usize,
    rate: Rate::Total(Col::Rt as usize),
    txval: Col::Txval as usize,
    iamt: Col::Iamt as usize,
    camt: Col::Camt as usize,
    samt: Col::Samt as usize,
    csamt: Col::Csamt as usize,
    csrt: Col::Csrt as usize,
    ty: Col::Ty as usize,
    hsn_sc: Col::HsnSc as usize,
    elg: Col::Elg as usize,
    tx_i: Col::TxI as usize,
    tx_c: Col::TxC as usize,
    tx_s: Col::TxS as usize,
    tx_cs: Col::TxCs as usize,
    tc_i: Col::TcI as usize,
    tc_c: Col::TcC as usize,
    tc_s: Col::TcS as usize,
    tc_cs: Col::TcCs as usize,
};

impl RowDocument for B2bUnregisteredInvoice {
    type Item = NumberedItem;
    const TABLE: Table = Table::B2bUnregistered;
    const COLUMNS: &'static [super::reader::Column] = COLUMNS;
    const DOC: &'static [usize] = &[
        Col::Inum as usize,
        Col::Idt as usize,
        Col::Val as usize,
        Col::SplyTy as usize,
        Col::Pos as usize,
        Col::Flag as usize,
        Col::Chksum as usize,
    ];
    const KEY: usize = 2;
    const ITEM: &'static [usize] = &ITEM.slots();

    fn parse(row: &Row<'_>) -> Result<Self, CsvError> {
        Ok(B2bUnregisteredInvoice {
            flag: row.opt_code(Col::Flag)?,
            checksum: row.opt_string(Col::Chksum)?,
            number: row.string(Col::Inum)?,
            date: row.date(Col::Idt)?,
            value: row.decimal(Col::Val)?,
            place_of_supply: row.state(Col::Pos)?,
            supply_type: row.code(Col::SplyTy)?,
            items: Vec::new(),
        })
    }

    fn parse_item(row: &Row<'_>) -> Result<NumberedItem, CsvError> {
        items::read_item(row, &ITEM)
    }

    fn reserve(&mut self, n: usize) {
        self.items.reserve_exact(n);
    }

    fn push(&mut self, item: NumberedItem) {
        items::push_item(&mut self.items, item);
    }
}

pub(crate) fn decode<R: Read>(input: Input<'_, R>, errors: &mut Errors) -> Vec<B2bUnregistered> {
    let invoices = read_docs::<B2bUnregisteredInvoice, R>(input, errors).docs;
    if invoices.is_empty() {
        Vec::new()
    } else {
        vec![B2bUnregistered { invoices }]
    }
}

pub(crate) fn encode<W: Write>(groups: &[B2bUnregistered], output: W) -> Result<(), CsvError> {
    write_table(Table::B2bUnregistered, COLUMNS, output, |cells, emit| {
        for inv in groups.iter().flat_map(|g| &g.invoices) {
            cells.clear();
            cells.text(Col::Inum, &inv.number);
            cells.date(Col::Idt, inv.date);
            cells.show(Col::Val, inv.value);
            cells.show(Col::SplyTy, &inv.supply_type);
            cells.show(Col::Pos, inv.place_of_supply);
            cells.opt(Col::Flag, inv.flag.as_ref());
            cells.opt_text(Col::Chksum, inv.checksum.as_deref());
            if inv.items.is_empty() {
                emit(cells)?;
            }
            for item in &inv.items {
                items::write_item(cells, &ITEM, item, true);
                emit(cells)?;
            }
        }
        Ok(())
    })
}
