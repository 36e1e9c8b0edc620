//! Table 12, `cdna`: amendments of credit and debit notes (`cdn`) of earlier periods.
//!
//! # CSV ↔ wire
//!
//! One row per item: `ctin`, `cfs` (supplier) and `flag` … `rchrg` (amended note) repeated on
//! each of the note's rows, then the item.
//!
//! | CSV | wire |
//! |---|---|
//! | `ctin`, `cfs` | `cdna[].ctin`, `cdna[].cfs` |
//! | `flag`, `ntty`, `ont_num`, `ont_dt`, `nt_num`, `nt_dt`, `inum`, `idt`, `rsn`, `val`, `updby`, `rchrg` | `nt[].*`, same keys |
//! | `itms` | nothing: the CSV format's marker of where the item columns begin; written empty, ignored on read |
//! | `irt`, `crt`, `srt` | `itms[].itm_det.rt`: `irt`, or `crt + srt` (as in `b2ba`) |
//! | `iamt`, `camt`, `samt`, `csrt`, `csamt` | `itms[].itm_det.*` |
//! | `elg`, `tx_*`, `tc_*` | `itms[].itc.*` |
//! | extension `num` | `itms[].num`; the CSV format has no item number: when the column is absent or empty, items are numbered 1, 2, … in row order, and it is written only when some note's items are not numbered so |
//! | extensions `txval`, `p_gst`, `chksum`, `ty`, `hsn_sc` | `itm_det.txval`, `nt[].p_gst`, `nt[].chksum`, `itm_det.ty`, `itm_det.hsn_sc` |
//!
//! The CSV format's `cdna` has no `txval` column, but the wire's item needs one: `txval` is a required
//! extension column, written after the CSV format's. Rows are grouped into notes by (`ctin`,
//! `nt_num`), into suppliers by `ctin`, both in first-seen order.

use std::io::{Read, Write};

use super::b2b::{by_supplier, decode_suppliers};
use super::error::CsvError;
use super::items::{self, ItemCols, NumberedItem, Rate};
use super::reader::{columns, Errors, Input, Row, RowDocument};
use super::writer::write_table;
use crate::codes::YesNo;
use crate::tables::cdna::{CdnaSupplier, CreditDebitNoteAmendment};
use crate::{Gstin, Table};

columns! {
    Ctin = "ctin" [Required],
    Cfs = "cfs" [Seed],
    Flag = "flag" [Seed],
    Ntty = "ntty" [Required],
    OntNum = "ont_num" [Required],
    OntDt = "ont_dt" [Required],
    NtNum = "nt_num" [Required],
    NtDt = "nt_dt" [Required],
    Inum = "inum" [Seed],
    Idt = "idt" [Seed],
    Rsn = "rsn" [Seed],
    Val = "val" [Required],
    Updby = "updby" [Seed],
    Rchrg = "rchrg" [Seed],
    Itms = "itms" [Ignored],
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
    Txval = "txval" [Required],
    Num = "num" [Extension],
    PGst = "p_gst" [Extension],
    Chksum = "chksum" [Extension],
    Ty = "ty" [Extension],
    HsnSc = "hsn_sc" [Extension],
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

/// An amended note with its supplier's fields, as read from rows.
pub(crate) struct Doc {
    ctin: Gstin,
    cfs: Option<YesNo>,
    note: CreditDebitNoteAmendment,
}

impl RowDocument for Doc {
    type Item = NumberedItem;
    const TABLE: Table = Table::Cdna;
    const COLUMNS: &'static [super::reader::Column] = COLUMNS;
    const DOC: &'static [usize] = &[
        Col::Ctin as usize,
        Col::NtNum as usize,
        Col::Cfs as usize,
        Col::Flag as usize,
        Col::Ntty as usize,
        Col::OntNum as usize,
        Col::OntDt as usize,
        Col::NtDt as usize,
        Col::Inum as usize,
        Col::Idt as usize,
        Col::Rsn as usize,
        Col::Val as usize,
        Col::Updby as usize,
        Col::Rchrg as usize,
        Col::PGst as usize,
        Col::Chksum as usize,
    ];
    const KEY: usize = 2;
    const ITEM: &'static [usize] = &ITEM.slots();

    fn parse(row: &Row<'_>) -> Result<Self, CsvError> {
        Ok(Doc {
            ctin: row.gstin(Col::Ctin)?,
            cfs: row.opt_code(Col::Cfs)?,
            note: CreditDebitNoteAmendment {
                flag: row.opt_code(Col::Flag)?,
                checksum: row.opt_string(Col::Chksum)?,
                note_type: row.code(Col::Ntty)?,
                original_number: row.string(Col::OntNum)?,
                original_date: row.date(Col::OntDt)?,
                number: row.string(Col::NtNum)?,
                date: row.date(Col::NtDt)?,
                reason: row.opt_string(Col::Rsn)?,
                pre_gst: row.opt_code(Col::PGst)?,
                invoice_number: row.opt_string(Col::Inum)?,
                invoice_date: row.opt_date(Col::Idt)?,
                value: row.decimal(Col::Val)?,
                uploaded_by: row.opt_code(Col::Updby)?,
                reverse_charge: row.opt_code(Col::Rchrg)?,
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

by_supplier!(CdnaSupplier.notes: CreditDebitNoteAmendment, Doc, note);

pub(crate) fn decode<R: Read>(input: Input<'_, R>, errors: &mut Errors) -> Vec<CdnaSupplier> {
    decode_suppliers::<Doc, R>(input, errors)
}

pub(crate) fn encode<W: Write>(suppliers: &[CdnaSupplier], output: W) -> Result<(), CsvError> {
    let number = suppliers
        .iter()
        .flat_map(|s| &s.notes)
        .any(|n| !items::numbered_by_position(&n.items));
    write_table(Table::Cdna, COLUMNS, output, |cells, emit| {
        for s in suppliers {
            for nt in &s.notes {
                cells.clear();
                cells.show(Col::Ctin, s.supplier_gstin);
                cells.opt(Col::Cfs, s.filing_status.as_ref());
                cells.opt(Col::Flag, nt.flag.as_ref());
                cells.show(Col::Ntty, &nt.note_type);
                cells.text(Col::OntNum, &nt.original_number);
                cells.date(Col::OntDt, nt.original_date);
                cells.text(Col::NtNum, &nt.number);
                cells.date(Col::NtDt, nt.date);
                cells.opt_text(Col::Inum, nt.invoice_number.as_deref());
                cells.opt_date(Col::Idt, nt.invoice_date);
                cells.opt_text(Col::Rsn, nt.reason.as_deref());
                cells.show(Col::Val, nt.value);
                cells.opt(Col::Updby, nt.uploaded_by.as_ref());
                cells.opt(Col::Rchrg, nt.reverse_charge.as_ref());
                cells.opt(Col::PGst, nt.pre_gst.as_ref());
                cells.opt_text(Col::Chksum, nt.checksum.as_deref());
                if nt.items.is_empty() {
                    emit(cells)?;
                }
                for item in &nt.items {
                    items::write_item(cells, &ITEM, item, number);
                    emit(cells)?;
                }
            }
        }
        Ok(())
    })
}
