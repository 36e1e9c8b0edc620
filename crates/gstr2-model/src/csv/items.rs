//! The item columns shared by several tables: `itm_det` and `itc` of [`Item`], the flat
//! [`ImportItem`], and the two ways the CSV format writes a rate.
//!
//! # Rates: `rt`, or `irt`/`crt`/`srt`
//!
//! The wire has one total rate `rt` per item. Most tables have an `rt` column; `b2ba` and
//! `cdna` have per-head rates instead. The mapping:
//!
//! - reading: `irt` alone (or with `crt`/`srt` empty or zero) gives `rt = irt`; `crt` and `srt`
//!   (equal, with `irt` empty or zero) give `rt = crt + srt`, less one trailing zero when the
//!   sum has one (so that `9.0 + 9.0` reads back as the `18` it was written from). Anything else
//!   is an error on the rate column.
//! - writing: an item that carries IGST (or no CGST/SGST at all) is inter-state: `irt = rt`;
//!   otherwise `crt = srt = rt / 2`, written with one more decimal place than `rt` (`18` →
//!   `9.0`, `0.25` → `0.125`), which reading undoes exactly.
//!
//! # Item numbers
//!
//! `num` is the item's number; when the cell is empty (or the table has no `num` column, as
//! `cdna` in the CSV format) items are numbered 1, 2, … in the order of their rows.
//!
//! # ITC
//!
//! `elg` and the `tx_*`/`tc_*` amounts form the item's `itc`. A row with all of them empty has no
//! `itc`; amounts without `elg` are an error on `elg`.

use rust_decimal::Decimal;

use super::error::{CellError, CsvError};
use super::reader::{slot_mask, Row};
use super::writer::Cells;
use crate::codes::{Eligibility, GoodsOrServices};
use crate::item::{ImportItem, Itc, ItcThisMonth, Item, ItemDetail, ItemExtra};

/// A slot no table has: reads as empty, writes nowhere.
pub(crate) const ABSENT: usize = usize::MAX;

/// How a table writes the rate of an item.
#[derive(Clone, Copy)]
pub(crate) enum Rate {
    /// One total rate column (`rt`).
    Total(usize),
    /// Per-head rate columns (`irt`, `crt`, `srt`).
    PerHead {
        /// IGST rate.
        irt: usize,
        /// CGST rate.
        crt: usize,
        /// SGST rate.
        srt: usize,
    },
}

/// The slots of an [`Item`]'s columns in a table's layout.
#[derive(Clone, Copy)]
pub(crate) struct ItemCols {
    pub num: usize,
    pub rate: Rate,
    pub txval: usize,
    pub iamt: usize,
    pub camt: usize,
    pub samt: usize,
    pub csamt: usize,
    pub csrt: usize,
    pub ty: usize,
    pub hsn_sc: usize,
    pub elg: usize,
    pub tx_i: usize,
    pub tx_c: usize,
    pub tx_s: usize,
    pub tx_cs: usize,
    pub tc_i: usize,
    pub tc_c: usize,
    pub tc_s: usize,
    pub tc_cs: usize,
}

impl ItemCols {
    /// Every slot of the item (absent rate heads as [`ABSENT`]).
    pub(crate) const fn slots(&self) -> [usize; 22] {
        let (rt, irt, crt, srt) = match self.rate {
            Rate::Total(rt) => (rt, ABSENT, ABSENT, ABSENT),
            Rate::PerHead { irt, crt, srt } => (ABSENT, irt, crt, srt),
        };
        [
            self.num,
            rt,
            irt,
            crt,
            srt,
            self.txval,
            self.iamt,
            self.camt,
            self.samt,
            self.csamt,
            self.csrt,
            self.ty,
            self.hsn_sc,
            self.elg,
            self.tx_i,
            self.tx_c,
            self.tx_s,
            self.tx_cs,
            self.tc_i,
            self.tc_c,
            self.tc_s,
            self.tc_cs,
        ]
    }
}

/// An item read from a row: its number when the row gives one.
pub(crate) type NumberedItem = (Option<u32>, Item);

/// Adds an item to a list, numbering it by position when the row gave no number.
pub(crate) fn push_item(items: &mut Vec<Item>, (number, mut item): NumberedItem) {
    item.number = number.unwrap_or_else(|| u32::try_from(items.len() + 1).unwrap_or(u32::MAX));
    items.push(item);
}

/// Reads the item of a row.
pub(crate) fn read_item(row: &Row<'_>, cols: &ItemCols) -> Result<NumberedItem, CsvError> {
    let number = row.opt_item_number(cols.num)?;
    let detail = ItemDetail {
        rate: read_rate(row, cols.rate)?,
        taxable_value: row.decimal(cols.txval)?,
        igst: row.opt_decimal(cols.iamt)?,
        cgst: row.opt_decimal(cols.camt)?,
        sgst: row.opt_decimal(cols.samt)?,
        cess: row.opt_decimal(cols.csamt)?,
        // Most rows have none of these: they are then not looked at one by one.
        extra: if row.any_filled(slot_mask(&[cols.csrt, cols.ty, cols.hsn_sc])) {
            ItemExtra {
                cess_rate: row.opt_decimal(cols.csrt)?,
                goods_or_services: row.opt_code::<GoodsOrServices>(cols.ty)?,
                hsn_sac: row.opt_string(cols.hsn_sc)?,
            }
            .non_empty()
        } else {
            None
        },
    };
    let itc = read_itc(row, cols)?;
    Ok((
        number,
        Item {
            number: 0,
            detail,
            itc,
        },
    ))
}

fn read_itc(row: &Row<'_>, cols: &ItemCols) -> Result<Option<Box<Itc>>, CsvError> {
    let amounts = [
        cols.tx_i, cols.tx_c, cols.tx_s, cols.tx_cs, cols.tc_i, cols.tc_c, cols.tc_s, cols.tc_cs,
    ];
    let Some(eligibility) = row.opt_code::<Eligibility>(cols.elg)? else {
        if row.all_empty(&amounts) {
            return Ok(None);
        }
        return Err(row.error(cols.elg, CellError::Empty));
    };
    Ok(Some(Box::new(Itc {
        eligibility,
        igst: row.opt_decimal(cols.tx_i)?,
        cgst: row.opt_decimal(cols.tx_c)?,
        sgst: row.opt_decimal(cols.tx_s)?,
        cess: row.opt_decimal(cols.tx_cs)?,
        this_month: if row.any_filled(slot_mask(&[cols.tc_i, cols.tc_c, cols.tc_s, cols.tc_cs])) {
            ItcThisMonth {
                igst: row.opt_decimal(cols.tc_i)?,
                cgst: row.opt_decimal(cols.tc_c)?,
                sgst: row.opt_decimal(cols.tc_s)?,
                cess: row.opt_decimal(cols.tc_cs)?,
            }
            .non_empty()
        } else {
            None
        },
    })))
}

/// Reads the total rate of an item from `rt`, or from the per-head rates (see the module docs).
pub(crate) fn read_rate(row: &Row<'_>, rate: Rate) -> Result<Decimal, CsvError> {
    let (irt_slot, crt_slot, srt_slot) = match rate {
        Rate::Total(rt) => return row.decimal(rt),
        Rate::PerHead { irt, crt, srt } => (irt, crt, srt),
    };
    let irt = row.opt_decimal(irt_slot)?;
    let crt = row.opt_decimal(crt_slot)?;
    let srt = row.opt_decimal(srt_slot)?;
    let zero_or_none = |d: Option<Decimal>| d.is_none_or(|d| d.is_zero());
    let text = |slot| String::from_utf8_lossy(row.raw(slot)).into_owned();
    match (irt, crt, srt) {
        (Some(i), c, s) if zero_or_none(c) && zero_or_none(s) && c.is_some() == s.is_some() => {
            Ok(i)
        }
        (i, Some(c), Some(s)) if zero_or_none(i) => {
            if c != s {
                return Err(row.error(
                    srt_slot,
                    CellError::Inconsistent {
                        input: text(srt_slot),
                        reason: "differs from crt: CGST and SGST rates must be equal",
                    },
                ));
            }
            // Rates from input: their sum is checked, never a panic.
            match c.checked_add(s) {
                Some(sum) => Ok(undouble(sum)),
                None => Err(row.error(
                    srt_slot,
                    CellError::Inconsistent {
                        input: text(srt_slot),
                        reason: "crt plus srt is beyond what a decimal holds",
                    },
                )),
            }
        }
        (None, None, None) => Err(row.error(
            irt_slot,
            CellError::Inconsistent {
                input: String::new(),
                reason: "no rate: give irt (inter-state) or crt and srt (intra-state)",
            },
        )),
        _ => Err(row.error(
            irt_slot,
            CellError::Inconsistent {
                input: text(irt_slot),
                reason: "give irt (inter-state) or crt and srt (intra-state), not both or one of crt/srt",
            },
        )),
    }
}

/// `crt + srt` less one trailing zero, undoing [`halve`].
fn undouble(sum: Decimal) -> Decimal {
    let scale = sum.scale();
    if scale > 0 && (sum.mantissa() % 10) == 0 {
        let mut d = sum;
        d.rescale(scale - 1);
        d
    } else {
        sum
    }
}

/// Half a rate with one more decimal place: `18` → `9.0`, `0.25` → `0.125`.
fn halve(rate: Decimal) -> Decimal {
    let mut half = rate / Decimal::TWO;
    half.rescale(rate.scale() + 1);
    half
}

/// Writes a rate as `rt`, or per head by the item's tax heads (see the module docs).
pub(crate) fn write_rate(cells: &mut Cells, rate: Rate, detail: &ItemDetail) {
    match rate {
        Rate::Total(rt) => cells.show(rt, detail.rate),
        Rate::PerHead { irt, crt, srt } => {
            let inter = detail.igst.is_some() || (detail.cgst.is_none() && detail.sgst.is_none());
            if inter {
                cells.show(irt, detail.rate);
            } else {
                let half = halve(detail.rate);
                cells.show(crt, half);
                cells.show(srt, half);
            }
        }
    }
}

/// Writes an item's cells (all of `cols`' slots are set or emptied). `number: false` leaves
/// `num` empty, for tables that number items by position.
pub(crate) fn write_item(cells: &mut Cells, cols: &ItemCols, item: &Item, number: bool) {
    cells.clear_slots(&cols.slots());
    if number {
        cells.show(cols.num, item.number);
    }
    let d = &item.detail;
    write_rate(cells, cols.rate, d);
    cells.show(cols.txval, d.taxable_value);
    cells.opt(cols.iamt, d.igst);
    cells.opt(cols.camt, d.cgst);
    cells.opt(cols.samt, d.sgst);
    cells.opt(cols.csamt, d.cess);
    cells.opt(cols.csrt, d.cess_rate());
    cells.opt(cols.ty, d.goods_or_services());
    cells.opt_text(cols.hsn_sc, d.hsn_sac());
    if let Some(itc) = &item.itc {
        cells.show(cols.elg, &itc.eligibility);
        cells.opt(cols.tx_i, itc.igst);
        cells.opt(cols.tx_c, itc.cgst);
        cells.opt(cols.tx_s, itc.sgst);
        cells.opt(cols.tx_cs, itc.cess);
        let this_month = itc.this_month();
        cells.opt(cols.tc_i, this_month.igst);
        cells.opt(cols.tc_c, this_month.cgst);
        cells.opt(cols.tc_s, this_month.sgst);
        cells.opt(cols.tc_cs, this_month.cess);
    }
}

/// Whether items are numbered 1, 2, … in order, so that `num` can be left out.
pub(crate) fn numbered_by_position(items: &[Item]) -> bool {
    items
        .iter()
        .enumerate()
        .all(|(i, item)| usize::try_from(item.number).is_ok_and(|n| n == i + 1))
}

/// The slots of an [`ImportItem`]'s columns.
#[derive(Clone, Copy)]
pub(crate) struct ImportCols {
    pub num: usize,
    /// `rt`, or `irt` in the amendment tables.
    pub rate: usize,
    pub txval: usize,
    pub iamt: usize,
    pub csamt: usize,
    pub csrt: usize,
    pub elg: usize,
    pub tx_i: usize,
    pub tx_cs: usize,
    pub tc_i: usize,
    pub tc_cs: usize,
    /// `hsn_sc`, or the CSV format's `hsn` (`imp_ga`) and `sac` (`imp_sa`).
    pub hsn: usize,
}

impl ImportCols {
    /// Every slot of the item.
    pub(crate) const fn slots(&self) -> [usize; 12] {
        [
            self.num, self.rate, self.txval, self.iamt, self.csamt, self.csrt, self.elg, self.tx_i,
            self.tx_cs, self.tc_i, self.tc_cs, self.hsn,
        ]
    }
}

/// An import item read from a row: its number when the row gives one.
pub(crate) type NumberedImportItem = (Option<u32>, ImportItem);

/// Adds an import item, numbering it by position when the row gave no number.
pub(crate) fn push_import_item(
    items: &mut Vec<ImportItem>,
    (number, mut item): NumberedImportItem,
) {
    item.number = number.unwrap_or_else(|| u32::try_from(items.len() + 1).unwrap_or(u32::MAX));
    items.push(item);
}

/// Reads the import item of a row.
pub(crate) fn read_import_item(
    row: &Row<'_>,
    cols: &ImportCols,
) -> Result<NumberedImportItem, CsvError> {
    Ok((
        row.opt_item_number(cols.num)?,
        ImportItem {
            number: 0,
            taxable_value: row.decimal(cols.txval)?,
            rate: row.decimal(cols.rate)?,
            igst: row.opt_decimal(cols.iamt)?,
            cess: row.opt_decimal(cols.csamt)?,
            cess_rate: row.opt_decimal(cols.csrt)?,
            eligibility: row.opt_code::<Eligibility>(cols.elg)?,
            itc_igst: row.opt_decimal(cols.tx_i)?,
            itc_cess: row.opt_decimal(cols.tx_cs)?,
            itc_igst_this_month: row.opt_decimal(cols.tc_i)?,
            itc_cess_this_month: row.opt_decimal(cols.tc_cs)?,
            hsn_sac: row.opt_string(cols.hsn)?,
        },
    ))
}

/// Writes an import item's cells.
pub(crate) fn write_import_item(cells: &mut Cells, cols: &ImportCols, item: &ImportItem) {
    cells.clear_slots(&cols.slots());
    cells.show(cols.num, item.number);
    cells.show(cols.rate, item.rate);
    cells.show(cols.txval, item.taxable_value);
    cells.opt(cols.iamt, item.igst);
    cells.opt(cols.csamt, item.cess);
    cells.opt(cols.csrt, item.cess_rate);
    cells.opt(cols.elg, item.eligibility.as_ref());
    cells.opt(cols.tx_i, item.itc_igst);
    cells.opt(cols.tx_cs, item.itc_cess);
    cells.opt(cols.tc_i, item.itc_igst_this_month);
    cells.opt(cols.tc_cs, item.itc_cess_this_month);
    cells.opt_text(cols.hsn, item.hsn_sac.as_deref());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halving_and_doubling_round_trip() {
        for s in [
            "18", "18.00", "0.25", "5", "5.0", "28", "0.1", "3", "12.5", "0",
        ] {
            let rate: Decimal = s.parse().unwrap();
            let half = halve(rate);
            assert_eq!(undouble(half + half).to_string(), s, "{s} via {half}");
        }
        assert_eq!(halve("18".parse().unwrap()).to_string(), "9.0");
    }
}
