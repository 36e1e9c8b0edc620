//! The local summary in the shape of GSTN's `RETSUM`, and its comparison with a downloaded one
//! (Step 6 of the GSTR-2 workflow, `docs/workflow.md`).
//!
//! # The convention
//!
//! GSTN does not publish its counting rule; this crate fixes one (shared with the sandbox, which
//! computes its side on a separate code path):
//!
//! - **What is counted**: the documents the return holds after the save, that is the previously
//!   saved documents, replaced by those of the upsert payload with the same key, minus those of
//!   the delete payload; of these only the receiver's own uploads (no `flag`, or `U`) and
//!   counterparty documents accepted (`A`) or modified (`M`). Rejected (`R`), pending (`P`),
//!   no-action (`N`), deleted (`D`) and edited (`E`) documents are not counted.
//! - **Sections** (`sec_nm`, in this order, only when at least one document is counted):
//!   `B2B`, `B2BA`, `B2BUR`, `IMP_G`, `IMP_GA`, `IMP_S`, `IMP_SA`, `CDN`, `CDNA`, `CDNUR`, `NIL`,
//!   `ITC_RVSL`, `TXI`, `ATXI`, `TXPD`.
//! - **Document sections** (`B2B`, `B2BA`, `B2BUR`, `CDN`, `CDNA`, `CDNUR`, the four imports):
//!   `rc` = number of documents; `ttl_val` = sum of `val` (imports of goods `boe_val`, of services
//!   `ival`); `ttl_txpd_igst|cgst|sgst|cess` = sum of the items' `iamt|camt|samt|csamt`;
//!   `ttl_itcavld_igst|cgst|sgst|cess` = sum of the items' `itc.tx_i|tx_c|tx_s|tx_cs` (imports:
//!   `tx_i`, `tx_cs`, the others zero). Notes (`CDN`, `CDNA`, `CDNUR`) count with their sign:
//!   credit notes and refund vouchers negative, debit notes positive (amounts are positive on the
//!   wire).
//! - **Per supplier** (`cpty_sum`, in `B2B`, `B2BA`, `CDN`, `CDNA` only, ordered by `ctin`): the
//!   same fields for that supplier's documents.
//! - **`NIL`**: `rc` = number of supply-type blocks present (`inter`, `intra`: 0 to 2);
//!   `ttl_cppdr`, `ttl_expdsply`, `ttl_nilsply`, `ttl_ngsply` = the sums over both blocks of
//!   `cpddr`, `exptdsply`, `nilsply`, `ngsply`.
//! - **`ITC_RVSL`**: `rc` = number of rule blocks present; `ttl_txpd_*` = the sums over the rules
//!   of `iamt|camt|samt|csamt` (the ITC reversed).
//! - **`TXI`, `TXPD`**: `rc` = number of advances (one per `pos` and `sply_ty`); `ttl_val` = sum
//!   of the items' `adamt`; `ttl_txpd_*` = sum of the items' tax.
//! - **`ATXI`**: `rc` = number of documents; `ttl_val` = sum of the documents' `txval`;
//!   `ttl_txpd_*` = sum of the documents' `iamt|camt|samt|csamt`.
//! - Every field a section defines is present (zero when nothing adds to it); the others are
//!   absent. Sums are exact decimals, not rounded.
//!
//! - Sums are checked: amounts that add up beyond what a decimal holds (about 7.9 × 10²⁸) make
//!   [`local_summary`] an [`AmountOverflow`] error naming the document, never a panic.
//!
//! [`compare_summaries`] treats an absent section, supplier or field as zero, and compares
//! numbers by value (`10.50` equals `10.5`); it adds nothing, so any summary compares.

use std::collections::BTreeMap;
use std::fmt::Write;

use gstr2_model::amount::{checked_sum, signed, AmountOverflow};
use gstr2_model::codes::{Flag, SupplyType};
use gstr2_model::date::Ddmmyyyy as Dmy;
use gstr2_model::item::AdvanceItem;
use gstr2_model::summary::{CounterpartySummary, SectionSummary};
use gstr2_model::tables::nil_supplies::NilSupplyAmounts;
use gstr2_model::{Gstin, Gstr2Payload, Gstr2Summary, StateCode, Table, TaxAmounts};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::payload::SavePayloads;

#[derive(Clone, Copy, Default)]
struct Sums {
    rc: u64,
    value: Decimal,
    tax: TaxAmounts,
    itc: TaxAmounts,
    nil: [Decimal; 4],
}

impl Sums {
    /// Field by field, `self` and `o` added; `None` where one overflows.
    fn checked_add(&self, o: &Sums) -> Option<Sums> {
        let mut nil = self.nil;
        for (a, b) in nil.iter_mut().zip(o.nil) {
            *a = a.checked_add(b)?;
        }
        Some(Sums {
            rc: self.rc.checked_add(o.rc)?,
            value: self.value.checked_add(o.value)?,
            tax: self.tax.checked_add(&o.tax)?,
            itc: self.itc.checked_add(&o.itc)?,
            nil,
        })
    }
}

/// One document of a payload, for counting.
struct Entry<'p> {
    table: Table,
    ctin: Option<Gstin>,
    /// The document's number (for errors), where it has one.
    number: Number<'p>,
    key: String,
    flag: Option<Flag>,
    /// Its sums, or which of its own sums overflows a decimal (`its tax`).
    sums: Result<Sums, &'static str>,
}

impl Entry<'_> {
    /// The overflow of `sum` at this document.
    fn overflow(&self, sum: &'static str) -> AmountOverflow {
        let number = match &self.number {
            Number::Written(n) => Some((*n).to_owned()),
            Number::Advance(pos, supply) => Some(format!("{pos} {supply}")),
            Number::None => None,
        };
        let e = AmountOverflow::new(sum, self.table.wire_key(), number.as_deref());
        match self.ctin {
            Some(ctin) => e.with_supplier(ctin),
            None => e,
        }
    }
}

/// How an entry's document is named in an error.
enum Number<'p> {
    /// Its number as written (`inum`, `nt_num`, `boe_num`, `dnum`).
    Written(&'p str),
    /// An advance: its place of supply and supply type.
    Advance(&'p StateCode, &'p SupplyType),
    /// A block without a number (`nil_supplies`, `itc_rvsl`).
    None,
}

fn counted(flag: &Option<Flag>) -> bool {
    matches!(
        flag,
        None | Some(Flag::Upload) | Some(Flag::Accept) | Some(Flag::Modify)
    )
}

/// A document's sums, counted with `sign` (+1 or -1, which never overflows); `Err` names the
/// one that overflows (`its tax`, `its ITC`).
fn items_sums(
    value: Decimal,
    items: &[gstr2_model::Item],
    sign: Decimal,
) -> Result<Sums, &'static str> {
    let tax = TaxAmounts::checked_sum(items.iter().map(|i| i.detail.tax())).ok_or("its tax")?;
    let itc = TaxAmounts::checked_sum(
        items
            .iter()
            .filter_map(|i| i.itc.as_ref())
            .map(|c| c.amounts()),
    )
    .ok_or("its ITC")?;
    Ok(Sums {
        rc: 1,
        value: signed(value, sign),
        tax: tax.signed(sign),
        itc: itc.signed(sign),
        nil: [Decimal::ZERO; 4],
    })
}

fn import_sums(
    value: Decimal,
    items: &[gstr2_model::item::ImportItem],
) -> Result<Sums, &'static str> {
    Ok(Sums {
        rc: 1,
        value,
        tax: TaxAmounts::checked_sum(items.iter().map(|i| i.tax())).ok_or("its tax")?,
        itc: TaxAmounts::checked_sum(items.iter().map(|i| i.itc())).ok_or("its ITC")?,
        nil: [Decimal::ZERO; 4],
    })
}

/// A document's key, its parts joined by `|`, made only when `keys` asks for it.
fn key(keys: bool, parts: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::new();
    if keys {
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                out.push('|');
            }
            // Writing to a String cannot fail.
            let _ = write!(out, "{part}");
        }
    }
    out
}

/// Gives `v` an entry per document (or block) of the payload.
fn entries<'p>(p: &'p Gstr2Payload, keys: bool, v: &mut impl FnMut(Entry<'p>)) {
    for s in &p.b2b {
        for x in &s.invoices {
            v(Entry {
                table: Table::B2b,
                ctin: Some(s.supplier_gstin),
                number: Number::Written(&x.number),
                key: key(keys, &[&s.supplier_gstin, &x.number, &Dmy(x.date)]),
                flag: x.flag.clone(),
                sums: items_sums(x.value, &x.items, Decimal::ONE),
            });
        }
    }
    for s in &p.b2ba {
        for x in &s.invoices {
            v(Entry {
                table: Table::B2ba,
                ctin: Some(s.supplier_gstin),
                number: Number::Written(&x.number),
                key: key(keys, &[&s.supplier_gstin, &x.number, &Dmy(x.date)]),
                flag: x.flag.clone(),
                sums: items_sums(x.value, &x.items, Decimal::ONE),
            });
        }
    }
    for g in &p.b2bur {
        for x in &g.invoices {
            v(Entry {
                table: Table::B2bUnregistered,
                ctin: None,
                number: Number::Written(&x.number),
                key: key(keys, &[&x.number, &Dmy(x.date)]),
                flag: x.flag.clone(),
                sums: items_sums(x.value, &x.items, Decimal::ONE),
            });
        }
    }
    for x in &p.imp_g {
        v(Entry {
            table: Table::ImpG,
            ctin: None,
            number: Number::Written(&x.bill_number),
            key: key(keys, &[&x.bill_number, &Dmy(x.bill_date)]),
            flag: x.flag.clone(),
            sums: import_sums(x.bill_value, &x.items),
        });
    }
    for x in &p.imp_ga {
        v(Entry {
            table: Table::ImpGa,
            ctin: None,
            number: Number::Written(&x.bill_number),
            key: key(keys, &[&x.bill_number, &Dmy(x.bill_date)]),
            flag: x.flag.clone(),
            sums: import_sums(x.bill_value, &x.items),
        });
    }
    for x in &p.imp_s {
        v(Entry {
            table: Table::ImpS,
            ctin: None,
            number: Number::Written(&x.number),
            key: key(keys, &[&x.number, &Dmy(x.date)]),
            flag: x.flag.clone(),
            sums: import_sums(x.value, &x.items),
        });
    }
    for x in &p.imp_sa {
        v(Entry {
            table: Table::ImpSa,
            ctin: None,
            number: Number::Written(&x.number),
            key: key(keys, &[&x.number, &Dmy(x.date)]),
            flag: x.flag.clone(),
            sums: import_sums(x.value, &x.items),
        });
    }
    for s in &p.cdn {
        for x in &s.notes {
            v(Entry {
                table: Table::Cdn,
                ctin: Some(s.supplier_gstin),
                number: Number::Written(&x.number),
                key: key(
                    keys,
                    &[&s.supplier_gstin, &x.note_type, &x.number, &Dmy(x.date)],
                ),
                flag: x.flag.clone(),
                sums: items_sums(x.value, &x.items, x.note_type.sign()),
            });
        }
    }
    for s in &p.cdna {
        for x in &s.notes {
            v(Entry {
                table: Table::Cdna,
                ctin: Some(s.supplier_gstin),
                number: Number::Written(&x.number),
                key: key(
                    keys,
                    &[&s.supplier_gstin, &x.note_type, &x.number, &Dmy(x.date)],
                ),
                flag: x.flag.clone(),
                sums: items_sums(x.value, &x.items, x.note_type.sign()),
            });
        }
    }
    for x in &p.cdnur {
        v(Entry {
            table: Table::CdnUnregistered,
            ctin: None,
            number: Number::Written(&x.number),
            key: key(keys, &[&x.note_type, &x.number, &Dmy(x.date)]),
            flag: x.flag.clone(),
            sums: items_sums(x.value, &x.items, x.note_type.sign()),
        });
    }
    if let Some(n) = &p.nil_supplies {
        let blocks: Vec<&NilSupplyAmounts> = [&n.inter, &n.intra].into_iter().flatten().collect();
        let sum = |f: fn(&NilSupplyAmounts) -> Option<Decimal>| {
            checked_sum(blocks.iter().map(|b| f(b).unwrap_or_default())).ok_or("its amounts")
        };
        let sums = (|| {
            Ok(Sums {
                rc: blocks.len() as u64,
                nil: [
                    sum(|b| b.composition)?,
                    sum(|b| b.exempt)?,
                    sum(|b| b.nil_rated)?,
                    sum(|b| b.non_gst)?,
                ],
                ..Sums::default()
            })
        })();
        v(Entry {
            table: Table::NilSupplies,
            ctin: None,
            number: Number::None,
            key: key(keys, &[&"nil"]),
            flag: None,
            sums,
        });
    }
    if let Some(r) = &p.itc_rvsl {
        let tax = TaxAmounts::checked_sum(r.iter().map(|(_, a)| a.tax())).ok_or("its tax");
        v(Entry {
            table: Table::Itc,
            ctin: None,
            number: Number::None,
            key: key(keys, &[&"itc_rvsl"]),
            flag: None,
            sums: tax.map(|tax| Sums {
                rc: r.iter().count() as u64,
                tax,
                ..Sums::default()
            }),
        });
    }
    for (table, list) in [(Table::Txi, &p.txi), (Table::Txpd, &p.txpd)] {
        for x in list {
            let advance = checked_sum(x.items.iter().map(|i| i.advance)).ok_or("its advance");
            let tax =
                TaxAmounts::checked_sum(x.items.iter().map(AdvanceItem::tax)).ok_or("its tax");
            v(Entry {
                table,
                ctin: None,
                number: Number::Advance(&x.place_of_supply, &x.supply_type),
                key: key(keys, &[&x.place_of_supply, &x.supply_type]),
                flag: x.flag.clone(),
                sums: advance.and_then(|value| {
                    Ok(Sums {
                        rc: 1,
                        value,
                        tax: tax?,
                        ..Sums::default()
                    })
                }),
            });
        }
    }
    for x in &p.atxi {
        v(Entry {
            table: Table::Txia,
            ctin: None,
            number: Number::Written(&x.number),
            key: key(keys, &[&x.counterparty, &x.number, &Dmy(x.date)]),
            flag: x.flag.clone(),
            sums: Ok(Sums {
                rc: 1,
                value: x.taxable_value,
                tax: x.tax(),
                ..Sums::default()
            }),
        });
    }
}

/// The order of sections in the summary.
const ORDER: [Table; 15] = [
    Table::B2b,
    Table::B2ba,
    Table::B2bUnregistered,
    Table::ImpG,
    Table::ImpGa,
    Table::ImpS,
    Table::ImpSa,
    Table::Cdn,
    Table::Cdna,
    Table::CdnUnregistered,
    Table::NilSupplies,
    Table::Itc,
    Table::Txi,
    Table::Txia,
    Table::Txpd,
];

fn section(table: Table, s: &Sums) -> SectionSummary {
    let doc = !matches!(table, Table::NilSupplies | Table::Itc);
    let itc = !matches!(
        table,
        Table::NilSupplies | Table::Itc | Table::Txi | Table::Txpd | Table::Txia
    );
    let nil = table == Table::NilSupplies;
    SectionSummary {
        section: table.section_name().to_owned(),
        checksum: None,
        record_count: Some(s.rc),
        value: doc.then_some(s.value),
        tax_igst: (!nil).then_some(s.tax.igst),
        tax_sgst: (!nil).then_some(s.tax.sgst),
        tax_cgst: (!nil).then_some(s.tax.cgst),
        tax_cess: (!nil).then_some(s.tax.cess),
        isd_igst: None,
        isd_sgst: None,
        isd_cgst: None,
        isd_cess: None,
        itc_igst: itc.then_some(s.itc.igst),
        itc_sgst: itc.then_some(s.itc.sgst),
        itc_cgst: itc.then_some(s.itc.cgst),
        itc_cess: itc.then_some(s.itc.cess),
        invoice_value: None,
        composition: nil.then(|| s.nil[0]),
        exempt: nil.then(|| s.nil[1]),
        nil_rated: nil.then(|| s.nil[2]),
        non_gst: nil.then(|| s.nil[3]),
        counterparties: Vec::new(),
    }
}

fn counterparty(ctin: Gstin, s: &Sums) -> CounterpartySummary {
    CounterpartySummary {
        counterparty_gstin: ctin,
        checksum: None,
        record_count: Some(s.rc),
        value: Some(s.value),
        tax_igst: Some(s.tax.igst),
        tax_sgst: Some(s.tax.sgst),
        tax_cgst: Some(s.tax.cgst),
        tax_cess: Some(s.tax.cess),
        isd_igst: None,
        isd_sgst: None,
        isd_cgst: None,
        isd_cess: None,
        itc_igst: Some(s.itc.igst),
        itc_sgst: Some(s.itc.sgst),
        itc_cgst: Some(s.itc.cgst),
        itc_cess: Some(s.itc.cess),
    }
}

/// The summary of what the return will hold after saving `payloads` over `previously_saved`,
/// following the convention of this module.
///
/// ```
/// use gstr2_model::{json, Gstr2Payload};
/// use gstr2_recon::{local_summary, SavePayloads};
///
/// let upsert: Gstr2Payload = json::from_str(r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017",
///   "b2b":[{"ctin":"33GSPTN4811G1ZC","inv":[{"inum":"S1","idt":"24-07-2017","val":118,
///   "pos":"27","rchrg":"N","itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18},
///   "itc":{"elg":"ip","tx_i":18}}]}]}]}"#)?;
/// let delete = Gstr2Payload::new(upsert.gstin, upsert.fp);
/// let summary = local_summary(&SavePayloads { upsert, delete }, None)?;
/// let b2b = &summary.sections[0];
/// assert_eq!(b2b.section, "B2B");
/// assert_eq!(b2b.record_count, Some(1));
/// assert_eq!(b2b.itc_igst.map(|v| v.to_string()).as_deref(), Some("18"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Errors: a counted document's amounts, or a section's or supplier's totals, add up beyond
/// what a decimal holds (about 7.9 × 10²⁸). The error names the document (section, supplier,
/// number) at which the sum overflowed, in the order the documents are counted: the payload's
/// order, or with `previously_saved` the order of their keys. A document that is not counted
/// (rejected, deleted) is never an error.
pub fn local_summary(
    payloads: &SavePayloads,
    previously_saved: Option<&Gstr2Payload>,
) -> Result<Gstr2Summary, AmountOverflow> {
    let mut sections: BTreeMap<Table, (Sums, BTreeMap<Gstin, Sums>)> = BTreeMap::new();
    let mut failed = None;
    let mut add = |e: Entry<'_>| {
        if failed.is_some() || !counted(&e.flag) {
            return;
        }
        let sums = match &e.sums {
            Ok(sums) => sums,
            Err(sum) => {
                failed = Some(e.overflow(sum));
                return;
            }
        };
        let s = sections.entry(e.table).or_default();
        let Some(section) = s.0.checked_add(sums) else {
            failed = Some(e.overflow("the summary's totals"));
            return;
        };
        if let Some(c) = e.ctin {
            let supplier = s.1.entry(c).or_default();
            let Some(sum) = supplier.checked_add(sums) else {
                failed = Some(e.overflow("the summary's totals"));
                return;
            };
            *supplier = sum;
        }
        s.0 = section;
    };
    match previously_saved {
        None => entries(&payloads.upsert, false, &mut add),
        Some(prev) => {
            let mut map: BTreeMap<(Table, String), Entry<'_>> = BTreeMap::new();
            entries(prev, true, &mut |e| {
                map.insert((e.table, e.key.clone()), e);
            });
            entries(&payloads.delete, true, &mut |e| {
                map.remove(&(e.table, e.key));
            });
            entries(&payloads.upsert, true, &mut |e| {
                map.insert((e.table, e.key.clone()), e);
            });
            map.into_values().for_each(add);
        }
    }
    if let Some(overflow) = failed {
        return Err(overflow);
    }
    let mut out = Vec::new();
    for t in ORDER {
        if let Some((sums, cps)) = sections.get(&t) {
            if sums.rc == 0 {
                continue;
            }
            let mut sec = section(t, sums);
            sec.counterparties = cps.iter().map(|(c, s)| counterparty(*c, s)).collect();
            out.push(sec);
        }
    }
    Ok(Gstr2Summary {
        gstin: payloads.upsert.gstin,
        ret_period: payloads.upsert.fp,
        checksum: None,
        summary_type: None,
        sections: out,
    })
}

/// One field that differs between two summaries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryDifference {
    /// The section (`sec_nm`, in capitals).
    pub section: String,
    /// The supplier, for a `cpty_sum` field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ctin: Option<Gstin>,
    /// The field's wire name, e.g. `ttl_val`.
    pub field: String,
    /// The local value (absent: the local summary does not have it).
    #[serde(
        with = "gstr2_model::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub local: Option<Decimal>,
    /// The downloaded value.
    #[serde(
        with = "gstr2_model::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub downloaded: Option<Decimal>,
}

type FieldMap = BTreeMap<(String, Option<Gstin>, &'static str), Decimal>;

fn put(
    m: &mut FieldMap,
    sec: &str,
    ctin: Option<Gstin>,
    fields: &[(&'static str, Option<Decimal>)],
) {
    for (name, v) in fields {
        if let Some(v) = v {
            m.insert((sec.to_owned(), ctin, name), *v);
        }
    }
}

fn flatten(s: &Gstr2Summary) -> FieldMap {
    let mut m = FieldMap::new();
    for sec in &s.sections {
        let name = sec.section.to_ascii_uppercase();
        put(
            &mut m,
            &name,
            None,
            &[
                ("rc", sec.record_count.map(Decimal::from)),
                ("ttl_val", sec.value),
                ("ttl_txpd_igst", sec.tax_igst),
                ("ttl_txpd_cgst", sec.tax_cgst),
                ("ttl_txpd_sgst", sec.tax_sgst),
                ("ttl_txpd_cess", sec.tax_cess),
                ("ttl_isd_igst", sec.isd_igst),
                ("ttl_isd_cgst", sec.isd_cgst),
                ("ttl_isd_sgst", sec.isd_sgst),
                ("ttl_isd_cess", sec.isd_cess),
                ("ttl_itcavld_igst", sec.itc_igst),
                ("ttl_itcavld_cgst", sec.itc_cgst),
                ("ttl_itcavld_sgst", sec.itc_sgst),
                ("ttl_itcavld_cess", sec.itc_cess),
                ("ti_val", sec.invoice_value),
                ("ttl_cppdr", sec.composition),
                ("ttl_expdsply", sec.exempt),
                ("ttl_ngsply", sec.non_gst),
                ("ttl_nilsply", sec.nil_rated),
            ],
        );
        for c in &sec.counterparties {
            put(
                &mut m,
                &name,
                Some(c.counterparty_gstin),
                &[
                    ("rc", c.record_count.map(Decimal::from)),
                    ("ttl_val", c.value),
                    ("ttl_txpd_igst", c.tax_igst),
                    ("ttl_txpd_cgst", c.tax_cgst),
                    ("ttl_txpd_sgst", c.tax_sgst),
                    ("ttl_txpd_cess", c.tax_cess),
                    ("ttl_isd_igst", c.isd_igst),
                    ("ttl_isd_cgst", c.isd_cgst),
                    ("ttl_isd_sgst", c.isd_sgst),
                    ("ttl_isd_cess", c.isd_cess),
                    ("ttl_itcavld_igst", c.itc_igst),
                    ("ttl_itcavld_cgst", c.itc_cgst),
                    ("ttl_itcavld_sgst", c.itc_sgst),
                    ("ttl_itcavld_cess", c.itc_cess),
                ],
            );
        }
    }
    m
}

/// Every field on which a downloaded summary differs from the local one: section, supplier,
/// field, both values. Absent sections, suppliers and fields count as zero; checksums, GSTIN
/// and period are not compared. Ordered by section, supplier, field.
///
/// ```
/// use gstr2_recon::compare_summaries;
/// use gstr2_model::Gstr2Summary;
///
/// let local: Gstr2Summary = serde_json::from_str(r#"{"gstin":"27AAPFU0939F1ZV","ret_period":"072017",
///   "section_summary":[{"sec_nm":"B2B","rc":2,"ttl_val":236.00}]}"#).unwrap();
/// let downloaded: Gstr2Summary = serde_json::from_str(r#"{"gstin":"27AAPFU0939F1ZV","ret_period":"072017",
///   "section_summary":[{"sec_nm":"B2B","rc":1,"ttl_val":236}]}"#).unwrap();
/// let diffs = compare_summaries(&local, &downloaded);
/// assert_eq!(diffs.len(), 1);
/// assert_eq!(diffs[0].field, "rc");
/// ```
pub fn compare_summaries(
    local: &Gstr2Summary,
    downloaded: &Gstr2Summary,
) -> Vec<SummaryDifference> {
    let (a, b) = (flatten(local), flatten(downloaded));
    let mut keys: Vec<&(String, Option<Gstin>, &'static str)> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let (x, y) = (a.get(k).copied(), b.get(k).copied());
            (x.unwrap_or_default() != y.unwrap_or_default()).then(|| SummaryDifference {
                section: k.0.clone(),
                ctin: k.1,
                field: k.2.to_owned(),
                local: x,
                downloaded: y,
            })
        })
        .collect()
}
