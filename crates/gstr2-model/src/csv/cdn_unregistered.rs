//! Table 13, `cdn_unregistered`: credit and debit notes on purchases from unregistered
//! suppliers and on imports of services (CDN unregistered).
//!
//! # CSV ↔ wire
//!
//! One row per item: `rtin` … `idt` (note) repeated on each of the note's rows, then the item.
//!
//! | CSV | wire |
//! |---|---|
//! | `rtin`, `ntty`, `nt_num`, `nt_dt`, `rsn`, `p_gst`, `inv_typ`, `val`, `inum`, `idt` | `cdnur[].*`, same keys |
//! | `num`, `txval`, `camt`, `iamt`, `samt`, `rt`, `csamt` | `itms[].num`, `itms[].itm_det.*` |
//! | `elg`, `tx_c`, `tx_i`, `tx_s`, `tx_cs` | `itms[].itc.*` |
//! | extensions `flag`, `chksum` | `cdnur[].flag`, `cdnur[].chksum` |
//! | extensions `csrt`, `ty`, `hsn_sc`, `tc_*` | `itm_det.csrt`, `.ty`, `.hsn_sc`, `itc.tc_*` |
//!
//! As in `cdn`, `rsn` is the reason text and `p_gst` the pre-GST flag (the CSV format's descriptions
//! are swapped). Rows are grouped into notes by (`nt_num`, `nt_dt`), in first-seen order.

use std::io::{Read, Write};

use super::error::CsvError;
use super::items::{self, ItemCols, NumberedItem, Rate};
use super::reader::{columns, read_docs, Errors, Input, Row, RowDocument};
use super::writer::write_table;
use crate::tables::cdn_unregistered::UnregisteredNote;
use crate::Table;

columns! {
    Rtin = "rtin" [Seed],
    Ntty = "ntty" [Required],
    NtNum = "nt_num" [Required],
    NtDt = "nt_dt" [Required],
    Rsn = "rsn" [Seed],
    PGst = "p_gst" [Seed],
    InvTyp = "inv_typ" [Seed],
    Val = "val" [Required],
    Inum = "inum" [Seed],
    Idt = "idt" [Seed],
    Num = "num" [Seed],
    Txval = "txval" [Required],
    Camt = "camt" [Seed],
    Iamt = "iamt" [Seed],
    Samt = "samt" [Seed],
    Rt = "rt" [Required],
    Csamt = "csamt" [Seed],
    Elg = "elg" [Seed],
    TxC = "tx_c" [Seed],
    TxI = "tx_i" [Seed],
    TxS = "tx_s" [Seed],
    TxCs = "tx_cs" [Seed],
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

impl RowDocument for UnregisteredNote {
    type Item = NumberedItem;
    const TABLE: Table = Table::CdnUnregistered;
    const COLUMNS: &'static [super::reader::Column] = COLUMNS;
    const DOC: &'static [usize] = &[
        Col::NtNum as usize,
        Col::NtDt as usize,
        Col::Rtin as usize,
        Col::Ntty as usize,
        Col::Rsn as usize,
        Col::PGst as usize,
        Col::InvTyp as usize,
        Col::Val as usize,
        Col::Inum as usize,
        Col::Idt as usize,
        Col::Flag as usize,
        Col::Chksum as usize,
    ];
    const KEY: usize = 2;
    const ITEM: &'static [usize] = &ITEM.slots();

    fn parse(row: &Row<'_>) -> Result<Self, CsvError> {
        Ok(UnregisteredNote {
            flag: row.opt_code(Col::Flag)?,
            checksum: row.opt_string(Col::Chksum)?,
            receiver_gstin: row.opt_gstin(Col::Rtin)?,
            note_type: row.code(Col::Ntty)?,
            number: row.string(Col::NtNum)?,
            date: row.date(Col::NtDt)?,
            reason: row.opt_string(Col::Rsn)?,
            pre_gst: row.opt_code(Col::PGst)?,
            invoice_type: row.opt_code(Col::InvTyp)?,
            value: row.decimal(Col::Val)?,
            invoice_number: row.opt_string(Col::Inum)?,
            invoice_date: row.opt_date(Col::Idt)?,
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

pub(crate) fn decode<R: Read>(input: Input<'_, R>, errors: &mut Errors) -> Vec<UnregisteredNote> {
    read_docs::<UnregisteredNote, R>(input, errors).docs
}

pub(crate) fn encode<W: Write>(notes: &[UnregisteredNote], output: W) -> Result<(), CsvError> {
    write_table(Table::CdnUnregistered, COLUMNS, output, |cells, emit| {
        for nt in notes {
            cells.clear();
            cells.opt(Col::Rtin, nt.receiver_gstin);
            cells.show(Col::Ntty, &nt.note_type);
            cells.text(Col::NtNum, &nt.number);
            cells.date(Col::NtDt, nt.date);
            cells.opt_text(Col::Rsn, nt.reason.as_deref());
            cells.opt(Col::PGst, nt.pre_gst.as_ref());
            cells.opt(Col::InvTyp, nt.invoice_type.as_ref());
            cells.show(Col::Val, nt.value);
            cells.opt_text(Col::Inum, nt.invoice_number.as_deref());
            cells.opt_date(Col::Idt, nt.invoice_date);
            cells.opt(Col::Flag, nt.flag.as_ref());
            cells.opt_text(Col::Chksum, nt.checksum.as_deref());
            if nt.items.is_empty() {
                emit(cells)?;
            }
            for item in &nt.items {
                items::write_item(cells, &ITEM, item, true);
                emit(cells)?;
            }
        }
        Ok(())
    })
}
