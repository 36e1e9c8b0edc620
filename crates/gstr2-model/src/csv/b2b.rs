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
//! Extension columns come after the CSV format's, are optional on read and are written only when a
//! document uses them. Rows are grouped into invoices by (`ctin`, `inum`), into suppliers by
//! `ctin`, both in first-seen order; see [`crate::csv`] for the rules shared by all tables.

use std::io::{Read, Write};

use super::error::{CsvError, CsvErrors};
use super::items::{self, ItemCols, NumberedItem, Rate};
use super::reader::{columns, read_docs_into, Assemble, Errors, Grouped, Input, Row, RowDocument};
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

impl RowDocument for Doc {
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

/// A document of a `ctin`-nested table as read from rows: its supplier's fields and itself.
pub(crate) trait SupplierDoc: RowDocument {
    /// The table's supplier.
    type Supplier: Supplier;
    /// The supplier's GSTIN and `cfs`.
    fn head(&self) -> (Gstin, Option<YesNo>);
    /// The document without its supplier's fields.
    fn into_doc(self) -> <Self::Supplier as Supplier>::Doc;
    /// A supplier with no documents yet.
    fn supplier(ctin: Gstin, cfs: Option<YesNo>) -> Self::Supplier;
}

/// Documents gathered into suppliers by GSTIN as they are read, in first-seen order; a
/// supplier's `cfs` must agree on all its documents. A large input's blocks are gathered while
/// later blocks are still being decoded, so nothing is left to do once the last one is.
pub(crate) struct Suppliers<D: SupplierDoc> {
    suppliers: Vec<D::Supplier>,
    /// Each supplier's first `cfs` and the line of its first document.
    firsts: Vec<(Option<YesNo>, u64)>,
    index: super::reader::FastMap<Gstin, usize>,
    /// `cfs` conflicts in the file's order, as many as can be reported.
    conflicts: Vec<CsvError>,
}

impl<D: SupplierDoc> Default for Suppliers<D> {
    fn default() -> Self {
        Suppliers {
            suppliers: Vec::new(),
            firsts: Vec::new(),
            index: Default::default(),
            conflicts: Vec::new(),
        }
    }
}

impl<D: SupplierDoc> Assemble<D> for Suppliers<D> {
    fn append(&mut self, part: Grouped<D>, shift: u64) {
        for (doc, line) in part.docs.into_iter().zip(part.lines) {
            let line = line + shift;
            let (ctin, cfs) = doc.head();
            let i = *self.index.entry(ctin).or_insert_with(|| {
                self.suppliers.push(D::supplier(ctin, cfs.clone()));
                self.firsts.push((cfs.clone(), line));
                self.suppliers.len() - 1
            });
            match self.firsts.get(i) {
                Some((first, first_line)) if *first != cfs => {
                    if self.conflicts.len() < CsvErrors::CAP {
                        let show = |v: Option<&YesNo>| v.map(|v| v.to_string()).unwrap_or_default();
                        self.conflicts.push(CsvError::Conflict {
                            table: D::TABLE,
                            line,
                            first_line: *first_line,
                            column: "cfs",
                            first: show(first.as_ref()),
                            found: show(cfs.as_ref()),
                            document: format!("ctin {ctin}"),
                        });
                    }
                }
                _ => {
                    if let Some(s) = self.suppliers.get_mut(i) {
                        s.push(doc.into_doc());
                    }
                }
            }
        }
    }
}

impl<D: SupplierDoc> Suppliers<D> {
    /// The suppliers, each list trimmed to its length; the `cfs` conflicts go to `errors`.
    pub(crate) fn finish(self, errors: &mut Errors) -> Vec<D::Supplier> {
        for e in self.conflicts {
            if errors.push(e) {
                break;
            }
        }
        let mut suppliers = self.suppliers;
        for s in &mut suppliers {
            s.trim();
        }
        suppliers
    }
}

/// Reads a `ctin`-nested table into its suppliers.
pub(crate) fn decode_suppliers<D: SupplierDoc, R: Read>(
    input: Input<'_, R>,
    errors: &mut Errors,
) -> Vec<D::Supplier> {
    read_docs_into::<D, R, Suppliers<D>>(input, errors).finish(errors)
}

/// A supplier of a `ctin`-nested table (`b2b`, `b2ba`, `cdn`, `cdna`).
pub(crate) trait Supplier {
    /// The supplier's documents' type.
    type Doc;
    /// Adds a document.
    fn push(&mut self, doc: Self::Doc);
    /// Gives back the room its list has beyond its documents.
    fn trim(&mut self);
}

/// Implements [`Supplier`] and [`SupplierDoc`] for a `ctin`-nested table: its supplier, the
/// supplier's list and its documents' type, and the row document with its document's field.
macro_rules! by_supplier {
    ($supplier:ident . $list:ident : $doc:ty, $row:ty, $field:ident) => {
        impl $crate::csv::b2b::Supplier for $supplier {
            type Doc = $doc;
            fn push(&mut self, doc: $doc) {
                self.$list.push(doc);
            }
            fn trim(&mut self) {
                self.$list.shrink_to_fit();
            }
        }

        impl $crate::csv::b2b::SupplierDoc for $row {
            type Supplier = $supplier;
            fn head(&self) -> ($crate::Gstin, Option<$crate::codes::YesNo>) {
                (self.ctin, self.cfs.clone())
            }
            fn into_doc(self) -> $doc {
                self.$field
            }
            fn supplier(ctin: $crate::Gstin, cfs: Option<$crate::codes::YesNo>) -> $supplier {
                $supplier {
                    supplier_gstin: ctin,
                    filing_status: cfs,
                    $list: Vec::new(),
                }
            }
        }
    };
}
pub(crate) use by_supplier;

by_supplier!(B2bSupplier.invoices: B2bInvoice, Doc, invoice);

pub(crate) fn decode<R: Read>(input: Input<'_, R>, errors: &mut Errors) -> Vec<B2bSupplier> {
    decode_suppliers::<Doc, R>(input, errors)
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
    use super::super::reader::{assemble_docs, read_pieces};
    use super::*;

    /// Decodes in `pieces` pieces (1: on one thread), with every error, from a reader and from
    /// bytes in memory, gathering suppliers as the pieces come and after all of them: all four
    /// must agree.
    fn decode_in(text: &str, pieces: usize) -> (Vec<B2bSupplier>, Vec<String>) {
        let decode = |input: Input<'_, &[u8]>, after: bool| {
            let mut errors = Errors::new(50);
            let suppliers = if after {
                let grouped: Grouped<Doc> = assemble_docs(input, &mut errors, pieces, 0);
                Suppliers::<Doc>::of(grouped)
            } else {
                assemble_docs::<Doc, _, Suppliers<Doc>>(input, &mut errors, pieces, 0)
            }
            .finish(&mut errors);
            let errors: Vec<String> = errors.list.iter().map(ToString::to_string).collect();
            (suppliers, errors)
        };
        let read = decode(Input::Reader(text.as_bytes()), false);
        assert_eq!(read, decode(Input::Reader(text.as_bytes()), true));
        assert_eq!(read, decode(Input::Bytes(text.as_bytes()), false));
        assert_eq!(read, decode(Input::Bytes(text.as_bytes()), true));
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
