//! Table 17, `txia`: amendments of tax liability under reverse charge on account of time of
//! supply without receipt of invoice (`txi`) of earlier periods.
//!
//! # CSV ↔ wire
//!
//! One row per item: `cpty` … `csamt` (the amended document and its totals) repeated on each of
//! its rows, then the item. The wire keeps the CSV format's codes (see
//! [`tables::txia`](crate::tables::txia)).
//!
//! The CSV format repeats five column names: `txval`, `iamt`, `camt`, `samt`, `csamt` appear first as
//! the document's totals and again as the item's amounts. The header is written that way, and on
//! read the **first** occurrence of a repeated name is the document's column, the second the
//! item's (error messages call the latter e.g. `txval (item)`). The CSV format's `Irt` is read in any
//! case and written `irt`.
//!
//! | CSV | wire |
//! |---|---|
//! | `cpty`, `reg_type`, `odnum`, `otdt`, `dnum`, `state_cd`, `dt`, `oreg_type`, `ocpty` | `atxi[].*`, same keys |
//! | first `txval`, `iamt`, `camt`, `samt`, `csamt` | `atxi[].txval`, `.iamt`, `.camt`, `.samt`, `.csamt` |
//! | `ty`, `hsn_sc`, second `txval`, `irt`, second `iamt`, `crt`, second `camt`, `srt`, second `samt`, `csrt`, second `csamt` | `atxi[].itms[].*`, same keys |
//! | extensions `flag`, `chksum` | `atxi[].flag`, `atxi[].chksum` |
//!
//! The CSV format's items have no number; they keep the order of their rows. Rows are grouped into
//! documents by (`cpty`, `dnum`), in first-seen order.

use std::io::{Read, Write};

use super::error::CsvError;
use super::reader::{columns, read_docs, Errors, Input, Row, RowDocument};
use super::writer::write_table;
use crate::tables::txia::{AdvanceAmendment, AdvanceAmendmentItem};
use crate::Table;

columns! {
    Cpty = "cpty" [Required],
    RegType = "reg_type" [Seed],
    Odnum = "odnum" [Required],
    Otdt = "otdt" [Required],
    Dnum = "dnum" [Required],
    StateCd = "state_cd" [Required],
    Dt = "dt" [Required],
    OregType = "oreg_type" [Seed],
    Ocpty = "ocpty" [Seed],
    Txval = "txval" [Required],
    Iamt = "iamt" [Seed],
    Camt = "camt" [Seed],
    Samt = "samt" [Seed],
    Csamt = "csamt" [Seed],
    Ty = "ty" [Seed],
    HsnSc = "hsn_sc" [Seed],
    ItemTxval = "txval" as "txval (item)" [Required],
    Irt = "irt" [Seed],
    ItemIamt = "iamt" as "iamt (item)" [Seed],
    Crt = "crt" [Seed],
    ItemCamt = "camt" as "camt (item)" [Seed],
    Srt = "srt" [Seed],
    ItemSamt = "samt" as "samt (item)" [Seed],
    Csrt = "csrt" [Seed],
    ItemCsamt = "csamt" as "csamt (item)" [Seed],
    Flag = "flag" [Extension],
    Chksum = "chksum" [Extension],
}

impl RowDocument for AdvanceAmendment {
    type Item = AdvanceAmendmentItem;
    const TABLE: Table = Table::Txia;
    const COLUMNS: &'static [super::reader::Column] = COLUMNS;
    const DOC: &'static [usize] = &[
        Col::Cpty as usize,
        Col::Dnum as usize,
        Col::RegType as usize,
        Col::Odnum as usize,
        Col::Otdt as usize,
        Col::StateCd as usize,
        Col::Dt as usize,
        Col::OregType as usize,
        Col::Ocpty as usize,
        Col::Txval as usize,
        Col::Iamt as usize,
        Col::Camt as usize,
        Col::Samt as usize,
        Col::Csamt as usize,
        Col::Flag as usize,
        Col::Chksum as usize,
    ];
    const KEY: usize = 2;
    const ITEM: &'static [usize] = &[
        Col::Ty as usize,
        Col::HsnSc as usize,
        Col::ItemTxval as usize,
        Col::Irt as usize,
        Col::ItemIamt as usize,
        Col::Crt as usize,
        Col::ItemCamt as usize,
        Col::Srt as usize,
        Col::ItemSamt as usize,
        Col::Csrt as usize,
        Col::ItemCsamt as usize,
    ];

    fn parse(row: &Row<'_>) -> Result<Self, CsvError> {
        Ok(AdvanceAmendment {
            flag: row.opt_code(Col::Flag)?,
            checksum: row.opt_string(Col::Chksum)?,
            counterparty: row.string(Col::Cpty)?,
            registration_type: row.opt_string(Col::RegType)?,
            original_number: row.string(Col::Odnum)?,
            original_date: row.date(Col::Otdt)?,
            number: row.string(Col::Dnum)?,
            date: row.date(Col::Dt)?,
            place_of_supply: row.state(Col::StateCd)?,
            original_registration_type: row.opt_string(Col::OregType)?,
            original_counterparty: row.opt_string(Col::Ocpty)?,
            taxable_value: row.decimal(Col::Txval)?,
            igst: row.opt_decimal(Col::Iamt)?,
            cgst: row.opt_decimal(Col::Camt)?,
            sgst: row.opt_decimal(Col::Samt)?,
            cess: row.opt_decimal(Col::Csamt)?,
            items: Vec::new(),
        })
    }

    fn parse_item(row: &Row<'_>) -> Result<AdvanceAmendmentItem, CsvError> {
        Ok(AdvanceAmendmentItem {
            goods_or_services: row.opt_code(Col::Ty)?,
            hsn_sac: row.opt_string(Col::HsnSc)?,
            taxable_value: row.decimal(Col::ItemTxval)?,
            igst_rate: row.opt_decimal(Col::Irt)?,
            igst: row.opt_decimal(Col::ItemIamt)?,
            cgst_rate: row.opt_decimal(Col::Crt)?,
            cgst: row.opt_decimal(Col::ItemCamt)?,
            sgst_rate: row.opt_decimal(Col::Srt)?,
            sgst: row.opt_decimal(Col::ItemSamt)?,
            cess_rate: row.opt_decimal(Col::Csrt)?,
            cess: row.opt_decimal(Col::ItemCsamt)?,
        })
    }

    fn reserve(&mut self, n: usize) {
        self.items.reserve_exact(n);
    }

    fn push(&mut self, item: AdvanceAmendmentItem) {
        self.items.push(item);
    }
}

pub(crate) fn decode<R: Read>(input: Input<'_, R>, errors: &mut Errors) -> Vec<AdvanceAmendment> {
    read_docs::<AdvanceAmendment, R>(input, errors).docs
}

pub(crate) fn encode<W: Write>(docs: &[AdvanceAmendment], output: W) -> Result<(), CsvError> {
    write_table(Table::Txia, COLUMNS, output, |cells, emit| {
        for d in docs {
            cells.clear();
            cells.text(Col::Cpty, &d.counterparty);
            cells.opt_text(Col::RegType, d.registration_type.as_deref());
            cells.text(Col::Odnum, &d.original_number);
            cells.date(Col::Otdt, d.original_date);
            cells.text(Col::Dnum, &d.number);
            cells.show(Col::StateCd, d.place_of_supply);
            cells.date(Col::Dt, d.date);
            cells.opt_text(Col::OregType, d.original_registration_type.as_deref());
            cells.opt_text(Col::Ocpty, d.original_counterparty.as_deref());
            cells.show(Col::Txval, d.taxable_value);
            cells.opt(Col::Iamt, d.igst);
            cells.opt(Col::Camt, d.cgst);
            cells.opt(Col::Samt, d.sgst);
            cells.opt(Col::Csamt, d.cess);
            cells.opt(Col::Flag, d.flag.as_ref());
            cells.opt_text(Col::Chksum, d.checksum.as_deref());
            if d.items.is_empty() {
                emit(cells)?;
            }
            for item in &d.items {
                cells.opt(Col::Ty, item.goods_or_services.as_ref());
                cells.opt_text(Col::HsnSc, item.hsn_sac.as_deref());
                cells.show(Col::ItemTxval, item.taxable_value);
                cells.opt(Col::Irt, item.igst_rate);
                cells.opt(Col::ItemIamt, item.igst);
                cells.opt(Col::Crt, item.cgst_rate);
                cells.opt(Col::ItemCamt, item.cgst);
                cells.opt(Col::Srt, item.sgst_rate);
                cells.opt(Col::ItemSamt, item.sgst);
                cells.opt(Col::Csrt, item.cess_rate);
                cells.opt(Col::ItemCsamt, item.cess);
                emit(cells)?;
            }
        }
        Ok(())
    })
}
