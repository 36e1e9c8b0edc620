//! Table 5, `b2ba`: amendments of invoices from registered taxable persons (`b2b`) of earlier
//! periods.
//!
//! # CSV ↔ wire
//!
//! One row per item: `ctin`, `cfs` (supplier) and `oinum` … `flag` (amended invoice) repeated on
//! each of the invoice's rows, then the item.
//!
//! | CSV | wire |
//! |---|---|
//! | `ctin`, `cfs` | `b2ba[].ctin`, `b2ba[].cfs` |
//! | `oinum`, `oidt`, `inum`, `idt`, `val`, `pos`, `rchrg`, `updby`, `flag` | `inv[].*`, same keys |
//! | `num` | `itms[].num` |
//! | `ty`, `hsn_sc`, `txval`, `iamt`, `camt`, `samt`, `csrt`, `csamt` | `itms[].itm_det.*` |
//! | `irt`, `crt`, `srt` | `itms[].itm_det.rt`: `irt`, or `crt + srt` (see below) |
//! | `elg`, `tx_*`, `tc_*` | `itms[].itc.*` |
//! | extensions `chksum`, `inv_typ` | `inv[].chksum`, `inv[].inv_typ` |
//!
//! The CSV format's per-head rates become the wire's total rate `rt`: `irt` for an inter-state item,
//! `crt + srt` (which must be equal) for an intra-state one; written back as `irt = rt`, or
//! `crt = srt = rt / 2` with one more decimal place when the item carries CGST/SGST and no IGST
//! (the exact rules are in `csv::items`). Rows are grouped into invoices by (`ctin`, `inum`),
//! into suppliers by `ctin`, both in first-seen order.

use std::io::{Read, Write};

use super::b2b::{by_supplier, decode_suppliers};
use super::error::CsvError;
use super::items::{self, ItemCols, NumberedItem, Rate};
use super::reader::{columns, Errors, Input, Row, RowDocument};
use super::writer::write_table;
use crate::codes::YesNo;
use crate::tables::b2ba::{B2baInvoice, B2baSupplier};
use crate::{Gstin, Table};

columns! {
    Ctin = "ctin" [Required],
    Cfs = "cfs" [Seed],
    Oinum = "oinum" [Required],
    Oidt = "oidt" [Required],
    Inum = "inum" [Required],
    Idt = "idt" [Required],
    Val = "val" [Required],
    Pos = "pos" [Required],
    Rchrg = "rchrg" [Required],
    Updby = "updby" [Seed],
    Flag = "flag" [Seed],
    Num = "num" [Seed],
    Ty = "ty" [Seed],
    HsnSc = "hsn_sc" [Seed],
    Txval = "txval" [Required],
    Irt = "irt" [Seed],
    Iamt = "iamt" [Seed],
    Crt = "crt" [Seed],
    Camt = "camt" [Seed],
    Srt = "srt" [Seed],
    Samt = "samt" [Seed],
    Csrt = "csrt" [Seed],
    Csamt = "csamt" [Seed],
    Elg = "elg" [Seed],
    TxI = "tx_i" [Seed],
    TxC = "tx_c" [Seed],
    TxS = "tx_s" [Seed],
    TxCs = "tx_cs" [Seed],
    TcI = "tc_i" [Seed],
    TcC = "tc_c" [Seed],
    TcS = "tc_s" [Seed],
    TcCs = "tc_cs" [Seed],
    Chksum = "chksum" [Extension],
    InvTyp = "inv_typ" [Extension],
}

const ITEM: ItemCols = ItemCols {
    num: Col::Num as usize,
    rate: Rate::PerHead {
        irt: Col::Irt as usize,
        crt: Col::Crt as usize,
        srt: Col::Srt as usize,
    },
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

/// An amended invoice with its supplier's fields, as read from rows.
pub(crate) struct Doc {
    ctin: Gstin,
    cfs: Option<YesNo>,
    invoice: B2baInvoice,
}

impl RowDocument for Doc {
    type Item = NumberedItem;
    const TABLE: Table = Table::B2ba;
    const COLUMNS: &'static [super::reader::Column] = COLUMNS;
    const DOC: &'static [usize] = &[
        Col::Ctin as usize,
        Col::Inum as usize,
        Col::Cfs as usize,
        Col::Oinum as usize,
        Col::Oidt as usize,
        Col::Idt as usize,
        Col::Val as usize,
        Col::Pos as usize,
        Col::Rchrg as usize,
        Col::Updby as usize,
        Col::Flag as usize,
        Col::Chksum as usize,
        Col::InvTyp as usize,
    ];
    const KEY: usize = 2;
    const ITEM: &'static [usize] = &ITEM.slots();

    fn parse(row: &Row<'_>) -> Result<Self, CsvError> {
        Ok(Doc {
            ctin: row.gstin(Col::Ctin)?,
            cfs: row.opt_code(Col::Cfs)?,
            invoice: B2baInvoice {
                flag: row.opt_code(Col::Flag)?,
                checksum: row.opt_string(Col::Chksum)?,
                original_number: row.string(Col::Oinum)?,
                original_date: row.date(Col::Oidt)?,
                number: row.string(Col::Inum)?,
                date: row.date(Col::Idt)?,
                value: row.decimal(Col::Val)?,
                place_of_supply: row.state(Col::Pos)?,
                reverse_charge: row.code(Col::Rchrg)?,
                uploaded_by: row.opt_code(Col::Updby)?,
                invoice_type: row.opt_code(Col::InvTyp)?,
                items: Vec::new(),
            },
        })
    }

    fn parse_item(row: &Row<'_>) -> Result<NumberedItem, CsvError> {
        items::read_item(row, &ITEM)
    }

    fn reserve(&mut self, n: usize) {
        self.invoice.items.reserve_exact(n);
    }

    fn push(&mut self, item: NumberedItem) {
        items::push_item(&mut self.invoice.items, item);
    }
}

by_supplier!(B2baSupplier.invoices: B2baInvoice, Doc, invoice);

pub(crate) fn decode<R: Read>(input: Input<'_, R>, errors: &mut Errors) -> Vec<B2baSupplier> {
    decode_suppliers::<Doc, R>(input, errors)
}

pub(crate) fn encode<W: Write>(suppliers: &[B2baSupplier], output: W) -> Result<(), CsvError> {
    write_table(Table::B2ba, COLUMNS, output, |cells, emit| {
        for s in suppliers {
            for inv in &s.invoices {
                cells.clear();
                cells.show(Col::Ctin, s.supplier_gstin);
                cells.opt(Col::Cfs, s.filing_status.as_ref());
                cells.text(Col::Oinum, &inv.original_number);
                cells.date(Col::Oidt, inv.original_date);
                cells.text(Col::Inum, &inv.number);
                cells.date(Col::Idt, inv.date);
                cells.show(Col::Val, inv.value);
                cells.show(Col::Pos, inv.place_of_supply);
                cells.show(Col::Rchrg, &inv.reverse_charge);
                cells.opt(Col::Updby, inv.uploaded_by.as_ref());
                cells.opt(Col::Flag, inv.flag.as_ref());
                cells.opt_text(Col::Chksum, inv.checksum.as_deref());
                cells.opt(Col::InvTyp, inv.invoice_type.as_ref());
                if inv.items.is_empty() {
                    emit(cells)?;
                }
                for item in &inv.items {
                    items::write_item(cells, &ITEM, item, true);
                    emit(cells)?;
                }
            }
        }
        Ok(())
    })
}
