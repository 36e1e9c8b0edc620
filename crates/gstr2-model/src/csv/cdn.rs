//! Table 11, `cdn`: details of credit and debit notes from registered suppliers.
//!
//! # CSV ↔ wire
//!
//! One row per item: `ctin`, `cfs` (supplier) and `flag` … `opd` (note) repeated on each of the
//! note's rows, then the item.
//!
//! | CSV | wire |
//! |---|---|
//! | `ctin`, `cfs` | `cdn[].ctin`, `cdn[].cfs` |
//! | `flag`, `ntty`, `nt_num`, `nt_dt`, `inum`, `idt`, `rsn`, `p_gst`, `val`, `updby`, `cflag`, `opd` | `nt[].*`, same keys |
//! | `itms` | nothing: the CSV format's marker of where the item columns begin; written empty, ignored on read |
//! | `num`, `txval`, `rt`, `iamt`, `camt`, `samt`, `csamt` | `itms[].num`, `itms[].itm_det.*` |
//! | `elg`, `tx_i`, `tx_c`, `tx_s`, `tx_cs` | `itms[].itc.*` |
//! | extension `chksum` | `nt[].chksum` |
//! | extensions `csrt`, `ty`, `hsn_sc`, `tc_*` | `itm_det.csrt`, `.ty`, `.hsn_sc`, `itc.tc_*` |
//!
//! The CSV format's descriptions of `rsn` and `p_gst` are swapped; the codes follow the wire: `rsn` is
//! the reason text, `p_gst` the pre-GST flag `Y`/`N`. Amounts are written positive, as on the
//! wire; `ntty` says how they count. Rows are grouped into notes by (`ctin`, `nt_num`), into
//! suppliers by `ctin`, both in first-seen order.

use std::io::{Read, Write};

use super::b2b::{by_supplier, decode_suppliers};
use super::error::CsvError;
use super::items::{self, ItemCols, NumberedItem, Rate};
use super::reader::{columns, Errors, Input, Row, RowDocument};
use super::writer::write_table;
use crate::codes::YesNo;
use crate::tables::cdn::{CdnSupplier, CreditDebitNote};
use crate::{Gstin, Table};

columns! {
    Ctin = "ctin" [Required],
    Cfs = "cfs" [Seed],
    Flag = "flag" [Seed],
    Ntty = "ntty" [Required],
    NtNum = "nt_num" [Required],
    NtDt = "nt_dt" [Required],
    Inum = "inum" [Seed],
    Idt = "idt" [Seed],
    Rsn = "rsn" [Seed],
    PGst = "p_gst" [Seed],
    Val = "val" [Required],
    Updby = "updby" [Seed],
    Itms = "itms" [Ignored],
    Cflag = "cflag" [Seed],
    Opd = "opd" [Seed],
    Num = "num" [Seed],
    Txval = "txval" [Required],
    Rt = "rt" [Required],
    Iamt = "iamt" [Seed],
    Camt = "camt" [Seed],
    Samt = "samt" [Seed],
    Csamt = "csamt" [Seed],
    Elg = "elg" [Seed],
    TxI = "tx_i" [Seed],
    TxC = "tx_c" [Seed],
    TxS = "tx_s" [Seed],
    TxCs = "tx_cs" [Seed],
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

/// A note with its supplier's fields, as read from rows.
pub(crate) struct Doc {
    ctin: Gstin,
    cfs: Option<YesNo>,
    note: CreditDebitNote,
}

impl RowDocument for Doc {
    type Item = NumberedItem;
    const TABLE: Table = Table::Cdn;
    const COLUMNS: &'static [super::reader::Column] = COLUMNS;
    const DOC: &'static [usize] = &[
        Col::Ctin as usize,
        Col::NtNum as usize,
        Col::Cfs as usize,
        Col::Flag as usize,
        Col::Ntty as usize,
        Col::NtDt as usize,
        Col::Inum as usize,
        Col::Idt as usize,
        Col::Rsn as usize,
        Col::PGst as usize,
        Col::Val as usize,
        Col::Updby as usize,
        Col::Cflag as usize,
        Col::Opd as usize,
        Col::Chksum as usize,
    ];
    const KEY: usize = 2;
    const ITEM: &'static [usize] = &ITEM.slots();

    fn parse(row: &Row<'_>) -> Result<Self, CsvError> {
        Ok(Doc {
            ctin: row.gstin(Col::Ctin)?,
            cfs: row.opt_code(Col::Cfs)?,
            note: CreditDebitNote {
                flag: row.opt_code(Col::Flag)?,
                checksum: row.opt_string(Col::Chksum)?,
                note_type: row.code(Col::Ntty)?,
                number: row.string(Col::NtNum)?,
                date: row.date(Col::NtDt)?,
                reason: row.opt_string(Col::Rsn)?,
                pre_gst: row.opt_code(Col::PGst)?,
                invoice_number: row.opt_string(Col::Inum)?,
                invoice_date: row.opt_date(Col::Idt)?,
                value: row.decimal(Col::Val)?,
                uploaded_by: row.opt_code(Col::Updby)?,
                counterparty_flag: row.opt_code(Col::Cflag)?,
                original_period: row.opt_code(Col::Opd)?,
                items: Vec::new(),
            },
        })
    }

    fn parse_item(row: &Row<'_>) -> Result<NumberedItem, CsvError> {
        items::read_item(row, &ITEM)
    }

    fn reserve(&mut self, n: usize) {
        self.note.items.reserve_exact(n);
    }

    fn push(&mut self, item: NumberedItem) {
        items::push_item(&mut self.note.items, item);
    }
}

by_supplier!(CdnSupplier.notes: CreditDebitNote, Doc, note);

pub(crate) fn decode<R: Read>(input: Input<'_, R>, errors: &mut Errors) -> Vec<CdnSupplier> {
    decode_suppliers::<Doc, R>(input, errors)
}

pub(crate) fn encode<W: Write>(suppliers: &[CdnSupplier], output: W) -> Result<(), CsvError> {
    write_table(Table::Cdn, COLUMNS, output, |cells, emit| {
        for s in suppliers {
            for nt in &s.notes {
                cells.clear();
                cells.show(Col::Ctin, s.supplier_gstin);
                cells.opt(Col::Cfs, s.filing_status.as_ref());
                cells.opt(Col::Flag, nt.flag.as_ref());
                cells.show(Col::Ntty, &nt.note_type);
                cells.text(Col::NtNum, &nt.number);
                cells.date(Col::NtDt, nt.date);
                cells.opt_text(Col::Inum, nt.invoice_number.as_deref());
                cells.opt_date(Col::Idt, nt.invoice_date);
                cells.opt_text(Col::Rsn, nt.reason.as_deref());
                cells.opt(Col::PGst, nt.pre_gst.as_ref());
                cells.show(Col::Val, nt.value);
                cells.opt(Col::Updby, nt.uploaded_by.as_ref());
                cells.opt(Col::Cflag, nt.counterparty_flag.as_ref());
                cells.opt(Col::Opd, nt.original_period.as_ref());
                cells.opt_text(Col::Chksum, nt.checksum.as_deref());
                if nt.items.is_empty() {
                    emit(cells)?;
                }
                for item in &nt.items {
                    items::write_item(cells, &ITEM, item, true);
                    emit(cells)?;
                }
            }
        }
        Ok(())
    })
}
