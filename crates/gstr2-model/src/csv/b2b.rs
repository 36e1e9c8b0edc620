//! Table 4, `b2b`: from registered taxable persons, including supplies received from
//! unregistered persons under reverse charge.
//!
//! # CSV ↔ wire
//!
//! One row per item: `ctin`, `cfs` (supplier) and `inum` … `inv_typ` (invoice) repeated on each
//! of the invoice's rows, then the item.
//!
//! | CSV | wire |
//! |---|---|
//! | `ctin`, `cfs` | `b2b[].ctin`, `b2b[].cfs` |
//! | `inum`, `idt`, `val`, `pos`, `rchrg`, `updby`, `flag`, `cflag`, `opd`, `inv_typ` | `inv[].*`, same keys |
//! | `num`, `rt`, `txval`, `iamt`, `camt`, `samt`, `csamt` | `itms[].num`, `itms[].itm_det.*` |
//! | `elg`, `tx_i`, `tx_c`, `tx_s`, `tx_cs` | `itms[].itc.*` |
//! | extension `chksum` | `inv[].chksum` |
//! | extensions `csrt`, `ty`, `hsn_sc` | `itm_det.csrt`, `.ty`, `.hsn_sc` |
//! | extensions `tc_i`, `tc_c`, `tc_s`, `tc_cs` | `itc.tc_*` |
//!
//! Extension columns come after the seed's, are optional on read and are written only when a
//! document uses them. Rows are grouped into invoices by (`ctin`, `inum`), into suppliers by
//! `ctin`, both in first-seen order; see [`crate::csv`] for the rules shared by all tables.

use std::io::{Read, Write};

use super::error::CsvError;
use super::items::{self, ItemCols, NumberedItem, Rate};
use super::reader::{columns, read_docs, Document, Errors, Grouped, Input, Row};
use super::writer::write_table;
use crate::codes::YesNo;
use crate::tables::b2b::{B2bInvoice, B2bSupplier};
use crate::{Gstin, Table};

columns! {
    Ctin = "ctin" [Required],
    Cfs = "cfs" [Seed],
    Inum = "inum" [Required],
    Idt = "idt" [Required],
    Val = "val" [Required],
    Pos = "pos" [Required],
    Rchrg = "rchrg" [Required],
    Updby = "updby" [Seed],
    Flag = "flag" [Seed],
    Cflag = "cflag" [Seed],
    Opd = "opd" [Seed],
    InvTyp = "inv_typ" [Seed],
    Num = "num" [Seed],
    Rt = "rt" [Required],
    Txval = "txval" [Required],
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

/// Where the item's cells are (shared with the reader's lane tests).
pub(crate) const ITEM: ItemCols = ItemCols {
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

/// An invoice with its supplier's fields, as read from rows.
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(crate) struct Doc {
    ctin: Gstin,
    cfs: Option<YesNo>,
    invoice: B2bInvoice,
}

impl Document for Doc {
    type Item = NumberedItem;
    const TABLE: Table = Table::B2b;
    const COLUMNS: &'static [super::reader::Column] = COLUMNS;
    const DOC: &'static [usize] = &[
        Col::Ctin as usize,
        Col::Inum as usize,
        Col::Cfs as usize,
        Col::Idt as usize,
        Col::Val as usize,
        Col::Pos as usize,
        Col::Rchrg as usize,
        Col::Updby as usize,
        Col::Flag as usize,
        Col::Cflag as usize,
        Col::Opd as usize,
        Col::InvTyp as usize,
        Col::Chksum as usize,
    ];
    const KEY: usize = 2;
    const ITEM: &'static [usize] = &ITEM.slots();

    fn parse(row: &Row<'_>) -> Result<Self, CsvError> {
        Ok(Doc {
            ctin: row.gstin(Col::Ctin)?,
            cfs: row.opt_code(Col::Cfs)?,
            invoice: B2bInvoice {
                flag: row.opt_code(Col::Flag)?,
                checksum: row.opt_string(Col::Chksum)?,
                number: row.string(Col::Inum)?,
                date: row.date(Col::Idt)?,
                value: row.decimal(Col::Val)?,
                place_of_supply: row.state(Col::Pos)?,
                reverse_charge: row.code(Col::Rchrg)?,
                uploaded_by: row.opt_code(Col::Updby)?,
                counterparty_flag: row.opt_code(Col::Cflag)?,
                original_period: row.opt_code(Col::Opd)?,
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

/// Gathers documents into suppliers by GSTIN in first-seen order; a supplier's `cfs` must agree
/// on all its documents. Each supplier's list is allocated once, at its final size.
pub(crate) fn by_supplier<D, S>(
    table: Table,
    grouped: Grouped<D>,
    errors: &mut Errors,
    head: impl Fn(&D) -> (Gstin, Option<YesNo>),
    body: impl Fn(D) -> S::Doc,
    new: impl Fn(Gstin, Option<YesNo>, usize) -> S,
) -> Vec<S>
where
    S: Supplier,
{
    // First pass: which supplier each document goes to, and how many each gets.
    let mut heads: Vec<(Gstin, Option<YesNo>, u64, usize)> = Vec::new();
    let mut owner: Vec<usize> = Vec::with_capacity(grouped.docs.len());
    let mut index: super::reader::FastMap<Gstin, usize> = Default::default();
    for (doc, &line) in grouped.docs.iter().zip(&grouped.lines) {
        let (ctin, cfs) = head(doc);
        let i = *index.entry(ctin).or_insert_with(|| {
            heads.push((ctin, cfs.clone(), line, 0));
            heads.len() - 1
        });
        let Some((_, first_cfs, first_line, count)) = heads.get_mut(i) else {
            owner.push(usize::MAX);
            continue;
        };
        if *first_cfs != cfs {
            owner.push(usize::MAX);
            let show = |v: Option<&YesNo>| v.map(|v| v.to_string()).unwrap_or_default();
            let e = CsvError::Conflict {
                table,
                line,
                first_line: *first_line,
                column: "cfs",
                first: show(first_cfs.as_ref()),
                found: show(cfs.as_ref()),
                document: format!("ctin {ctin}"),
            };
            if errors.push(e) {
                break;
            }
            continue;
        }
        *count += 1;
        owner.push(i);
    }
    let mut suppliers: Vec<S> = heads
        .into_iter()
        .map(|(ctin, cfs, _, count)| new(ctin, cfs, count))
        .collect();
    for (doc, i) in grouped.docs.into_iter().zip(owner) {
        if let Some(s) = suppliers.get_mut(i) {
            s.push(body(doc));
        }
    }
    suppliers
}

/// A supplier of a `ctin`-nested table (`b2b`, `b2ba`, `cdn`, `cdna`).
pub(crate) trait Supplier {
    /// The supplier's documents' type.
    type Doc;
    /// Adds a document.
    fn push(&mut self, doc: Self::Doc);
}

impl Supplier for B2bSupplier {
    type Doc = B2bInvoice;
    fn push(&mut self, doc: B2bInvoice) {
        self.invoices.push(doc);
    }
}

pub(crate) fn decode<R: Read>(input: Input<'_, R>, errors: &mut Errors) -> Vec<B2bSupplier> {
    suppliers(read_docs::<Doc, R>(input, errors), errors)
}

fn suppliers(grouped: Grouped<Doc>, errors: &mut Errors) -> Vec<B2bSupplier> {
    by_supplier(
        Table::B2b,
        grouped,
        errors,
        |d| (d.ctin, d.cfs.clone()),
        |d| d.invoice,
        |ctin, cfs, n| B2bSupplier {
            supplier_gstin: ctin,
            filing_status: cfs,
            invoices: Vec::with_capacity(n),
        },
    )
}

pub(crate) fn encode<W: Write>(suppliers: &[B2bSupplier], output: W) -> Result<(), CsvError> {
    write_table(Table::B2b, COLUMNS, output, |cells, emit| {
        for s in suppliers {
            for inv in &s.invoices {
                cells.clear();
                cells.show(Col::Ctin, s.supplier_gstin);
                cells.opt(Col::Cfs, s.filing_status.as_ref());
                cells.text(Col::Inum, &inv.number);
                cells.date(Col::Idt, inv.date);
                cells.show(Col::Val, inv.value);
                cells.show(Col::Pos, inv.place_of_supply);
                cells.show(Col::Rchrg, &inv.reverse_charge);
                cells.opt(Col::Updby, inv.uploaded_by.as_ref());
                cells.opt(Col::Flag, inv.flag.as_ref());
                cells.opt(Col::Cflag, inv.counterparty_flag.as_ref());
                cells.opt(Col::Opd, inv.original_period.as_ref());
                cells.opt(Col::InvTyp, inv.invoice_type.as_ref());
                cells.opt_text(Col::Chksum, inv.checksum.as_deref());
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

#[cfg(test)]
mod tests {
    use super::super::reader::{read_docs_with, read_pieces};
    use super::*;

    /// Decodes in `pieces` pieces (1: on one thread), with every error, from a reader and from
    /// bytes in memory, which must agree.
    fn decode_in(text: &str, pieces: usize) -> (Vec<B2bSupplier>, Vec<String>) {
        let decode = |input: Input<'_, &[u8]>| {
            let mut errors = Errors::new(50);
            let grouped = read_docs_with::<Doc, _>(input, &mut errors, pieces, 0);
            let suppliers = suppliers(grouped, &mut errors);
            let errors: Vec<String> = errors.list.iter().map(ToString::to_string).collect();
            (suppliers, errors)
        };
        let read = decode(Input::Reader(text.as_bytes()));
        assert_eq!(read, decode(Input::Bytes(text.as_bytes())));
        read
    }

    const HEADER: &str = "ctin,cfs,inum,idt,val,pos,rchrg,num,rt,txval,iamt,elg,tx_i";
    const SUPPLIERS: [&str; 3] = ["27AAPFU0939F1ZV", "33GSPTN4811G1ZC", "01AABCE2207R1ZV"];

    /// A register of `n` invoices of two rows each, one blank line every seventh invoice.
    fn register(n: usize, eol: &str) -> Vec<String> {
        let mut lines = vec![HEADER.to_owned()];
        for i in 0..n {
            let ctin = SUPPLIERS.get(i % 3).copied().unwrap_or_default();
            for num in 1..=2 {
                lines.push(format!(
                    "{ctin},Y,INV-{i},0{}-07-2017,{}.00,27,N,{num},18,100.00,18.00,ip,18.00",
                    1 + i % 9,
                    236 + i
                ));
            }
            if i % 7 == 3 {
                lines.push(",,,,,,,,,,,,".to_owned());
            }
        }
        lines.push(String::new());
        lines.iter().map(|l| format!("{l}{eol}")).collect()
    }

    #[test]
    fn pieces_decode_as_one_thread_does() {
        for eol in ["\n", "\r\n"] {
            let text = register(300, eol).concat();
            let (one, none) = decode_in(&text, 1);
            assert!(none.is_empty(), "{none:?}");
            assert_eq!(one.iter().map(|s| s.invoices.len()).sum::<usize>(), 300);
            assert!(one
                .iter()
                .flat_map(|s| &s.invoices)
                .all(|i| i.items.len() == 2));
            for pieces in [2, 3, 7] {
                assert_eq!(
                    decode_in(&text, pieces),
                    (one.clone(), Vec::new()),
                    "{pieces}"
                );
            }
        }
    }

    #[test]
    fn pieces_fall_back_on_errors_and_split_documents() {
        let lines = register(300, "\n");
        // An invoice's rows in both halves: it is still one invoice, in first-seen order.
        let mut apart = lines.clone();
        let first = apart.remove(1);
        apart.insert(apart.len() - 1, first);
        // Errors in the second half: the same errors, with the same lines.
        let mut bad = lines.clone();
        if let Some(l) = bad.get_mut(500) {
            *l = l.replacen(",18,100.00,", ",18,1O0.00,", 1);
        }
        if let Some(l) = bad.get_mut(540) {
            *l = l.replacen(",27,N,", ",27,Y,", 1);
        }
        // A supplier's `cfs` differing on a whole invoice in the second half: the pieces read
        // without error, the conflict is found after them, on the invoice's first line.
        let mut cfs = lines.clone();
        for l in cfs.iter_mut().skip(520).take(2) {
            *l = l.replacen(",Y,", ",N,", 1);
        }
        for text in [apart.concat(), bad.concat(), cfs.concat()] {
            let one = decode_in(&text, 1);
            for pieces in [2, 3] {
                assert_eq!(decode_in(&text, pieces), one, "{pieces}");
            }
        }
        let (suppliers, _) = decode_in(&apart.concat(), 2);
        let first = suppliers.first().and_then(|s| s.invoices.first());
        assert_eq!(
            first.map(|i| (i.number.as_str(), i.items.len())),
            Some(("INV-0", 2))
        );
        let (_, errors) = decode_in(&bad.concat(), 2);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors.first().is_some_and(|e| e.contains("line 501")),
            "{errors:?}"
        );
        assert!(
            errors.get(1).is_some_and(|e| e.contains("line 541")),
            "{errors:?}"
        );
        // Only the cfs conflict is read in pieces; the others fall back to one thread.
        let taken = |text: String| read_pieces::<Doc>(text.as_bytes(), 2).is_some();
        assert!(taken(cfs.concat()) && taken(lines.concat()));
        assert!(!taken(apart.concat()) && !taken(bad.concat()));
        let (_, errors) = decode_in(&cfs.concat(), 2);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors.iter().all(|e| e.contains("line 521")), "{errors:?}");
    }
}
