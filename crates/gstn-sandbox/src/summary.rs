//! `RETSUM`: the summary of what a return holds, computed from the stored sections.
//!
//! This is the sandbox's own implementation of the project's summary convention (GSTN publishes
//! none, `docs/protocol.md` §7; the convention is documented in `gstr2_recon::retsum`); it
//! deliberately shares no code with the local summary of `gstr2-recon`, so that comparing the
//! two checks the save.
//!
//! **Which documents count.** The receiver's own uploads (no `flag`, or `U`) and counterparty
//! documents accepted (`A`) or modified (`M`). Rejected (`R`), pending (`P`), no-action (`N`),
//! deleted (`D`) and edited (`E`) documents do not count.
//!
//! **Sections.** One `section_summary` entry per section that holds at least one counted
//! document (for `NIL`: a supply-type block; for `ITC_RVSL`: a rule), in the order of the
//! tables (`docs/csv-format.md`): `B2B`, `B2BA`, `B2BUR`, `IMP_G`, `IMP_GA`, `IMP_S`, `IMP_SA`,
//! `CDN`, `CDNA`, `CDNUR`, `NIL`, `ITC_RVSL`, `TXI`, `ATXI`, `TXPD` (`sec_nm` as
//! [`gstr2_model::Table::section_name`]).
//!
//! | section | `rc` | `ttl_val` | `ttl_txpd_igst/cgst/sgst/cess` | `ttl_itcavld_*` |
//! |---|---|---|---|---|
//! | `B2B`, `B2BA`, `B2BUR` | counted invoices | Σ `val` | Σ items' `iamt`/`camt`/`samt`/`csamt` | Σ items' `itc.tx_i`/`tx_c`/`tx_s`/`tx_cs` |
//! | `CDN`, `CDNA`, `CDNUR` | counted notes | Σ ± `val` | Σ ± item tax | Σ ± item ITC |
//! | `IMP_G`, `IMP_GA` | counted bills | Σ `boe_val` | Σ items' `iamt`, `csamt` (CGST, SGST 0) | Σ items' `tx_i`, `tx_cs` |
//! | `IMP_S`, `IMP_SA` | counted invoices | Σ `ival` | as `IMP_G` | as `IMP_G` |
//! | `TXI`, `TXPD` | counted advances | Σ items' `adamt` | Σ items' tax | — |
//! | `ATXI` | counted amendments | Σ `txval` | the document's `iamt`/`camt`/`samt`/`csamt` | — |
//! | `ITC_RVSL` | rules saved | — | Σ of the rules' `iamt`/`camt`/`samt`/`csamt` | — |
//! | `NIL` | blocks saved (`inter`, `intra`) | — | — | — ; instead `ttl_cppdr`, `ttl_expdsply`, `ttl_ngsply`, `ttl_nilsply` = `inter` + `intra` of `cpddr`, `exptdsply`, `ngsply`, `nilsply` |
//!
//! ± : a debit note (`ntty` `D`) adds, a credit note (`C`) or refund voucher (`R`) subtracts,
//! for value, tax and ITC alike. Absent amounts count as zero; sums are exact decimals, not
//! rescaled, and checked: where one overflows a decimal (about 7.9 × 10²⁸; each document fits,
//! their sum does not), there is no summary, and `RETSUM` and `RETFILE` answer `RET11403` with a
//! message naming the document instead. A field marked — is absent; every other field of a
//! section is present, zero when nothing adds to it. `B2B`, `B2BA`, `CDN` and `CDNA` also
//! carry `cpty_sum`: the same fields per supplier GSTIN (`ctin`) with at least one counted
//! document, in GSTIN order.
//!
//! **Checksums.** Each `cpty_sum` and `section_summary` entry, and the whole summary, carry
//! `chksum` = hex SHA-256 of the compact JSON of that object written without its `chksum`
//! (the whole summary's after its sections got theirs). `summ_typ` is `L`.

use gstr2_model::amount::{checked_sum, signed, AmountOverflow};
use gstr2_model::codes::{Flag, NoteType};
use gstr2_model::item::{AdvanceItem, ImportItem, Item, TaxAmounts};
use gstr2_model::summary::{CounterpartySummary, Gstr2Summary, SectionSummary};
use gstr2_model::tables::nil_supplies::NilSupplyAmounts;
use gstr2_model::{Gstin, ReturnPeriod, Table};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use crate::sections::{Grouped, Sections};

/// Whether a document with this flag counts in the summary.
pub(crate) fn counts(flag: Option<&Flag>) -> bool {
    matches!(
        flag,
        None | Some(Flag::Upload) | Some(Flag::Accept) | Some(Flag::Modify)
    )
}

/// Running totals of one section or counterparty.
#[derive(Clone, Copy, Debug, Default)]
struct Totals {
    count: u64,
    value: Decimal,
    tax: TaxAmounts,
    itc: TaxAmounts,
}

impl Totals {
    /// Adds one document; `None` (and the totals unchanged) where a sum overflows a decimal.
    fn add(&mut self, value: Decimal, tax: &TaxAmounts, itc: &TaxAmounts) -> Option<()> {
        *self = Totals {
            count: self.count.checked_add(1)?,
            value: self.value.checked_add(value)?,
            tax: self.tax.checked_add(tax)?,
            itc: self.itc.checked_add(itc)?,
        };
        Some(())
    }

    fn section(&self, name: &str) -> SectionSummary {
        SectionSummary {
            section: name.to_owned(),
            checksum: None,
            record_count: Some(self.count),
            value: Some(self.value),
            tax_igst: Some(self.tax.igst),
            tax_sgst: Some(self.tax.sgst),
            tax_cgst: Some(self.tax.cgst),
            tax_cess: Some(self.tax.cess),
            isd_igst: None,
            isd_sgst: None,
            isd_cgst: None,
            isd_cess: None,
            itc_igst: Some(self.itc.igst),
            itc_sgst: Some(self.itc.sgst),
            itc_cgst: Some(self.itc.cgst),
            itc_cess: Some(self.itc.cess),
            invoice_value: None,
            composition: None,
            exempt: None,
            non_gst: None,
            nil_rated: None,
            counterparties: Vec::new(),
        }
    }

    fn counterparty(&self, ctin: Gstin) -> CounterpartySummary {
        let mut c = CounterpartySummary {
            counterparty_gstin: ctin,
            checksum: None,
            record_count: Some(self.count),
            value: Some(self.value),
            tax_igst: Some(self.tax.igst),
            tax_sgst: Some(self.tax.sgst),
            tax_cgst: Some(self.tax.cgst),
            tax_cess: Some(self.tax.cess),
            isd_igst: None,
            isd_sgst: None,
            isd_cgst: None,
            isd_cess: None,
            itc_igst: Some(self.itc.igst),
            itc_sgst: Some(self.itc.sgst),
            itc_cgst: Some(self.itc.cgst),
            itc_cess: Some(self.itc.cess),
        };
        c.checksum = Some(checksum(&c));
        c
    }
}

fn checksum<T: serde::Serialize>(value: &T) -> String {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    hex::encode(Sha256::digest(bytes))
}

/// What the totals overflow with.
const TOTALS: &str = "the summary's totals";

/// A counted document's signed value, tax and ITC; `Err` names its own sum that overflows a
/// decimal (`its tax`).
type Measured = Result<(Decimal, TaxAmounts, TaxAmounts), &'static str>;

fn items_tax(items: &[Item]) -> Result<TaxAmounts, &'static str> {
    TaxAmounts::checked_sum(items.iter().map(|i| i.detail.tax())).ok_or("its tax")
}

fn items_itc(items: &[Item]) -> Result<TaxAmounts, &'static str> {
    TaxAmounts::checked_sum(
        items
            .iter()
            .filter_map(|i| i.itc.as_ref())
            .map(|c| TaxAmounts {
                igst: c.igst.unwrap_or_default(),
                cgst: c.cgst.unwrap_or_default(),
                sgst: c.sgst.unwrap_or_default(),
                cess: c.cess.unwrap_or_default(),
            }),
    )
    .ok_or("its ITC")
}

fn import_tax_itc(items: &[ImportItem]) -> Result<(TaxAmounts, TaxAmounts), &'static str> {
    Ok((
        TaxAmounts::checked_sum(items.iter().map(ImportItem::tax)).ok_or("its tax")?,
        TaxAmounts::checked_sum(items.iter().map(ImportItem::itc)).ok_or("its ITC")?,
    ))
}

fn advance_sums(items: &[AdvanceItem]) -> Measured {
    Ok((
        checked_sum(items.iter().map(|i| i.advance)).ok_or("its advance")?,
        TaxAmounts::checked_sum(items.iter().map(AdvanceItem::tax)).ok_or("its tax")?,
        TaxAmounts::default(),
    ))
}

fn note_sign(t: &NoteType) -> Decimal {
    match t {
        NoteType::Debit => Decimal::ONE,
        _ => Decimal::NEGATIVE_ONE,
    }
}

/// A note's amounts with its sign: a debit note adds, a credit note or refund voucher
/// subtracts ([`signed`], which never overflows).
fn note(t: &NoteType, value: Decimal, items: &[Item]) -> Measured {
    let s = note_sign(t);
    Ok((
        signed(value, s),
        items_tax(items)?.signed(s),
        items_itc(items)?.signed(s),
    ))
}

/// A grouped section: per-counterparty totals, then the section's, each document added to
/// both (so that an overflow is named by the document at which it happened).
fn grouped<D>(
    table: Table,
    section: &Grouped<D>,
    measure: impl Fn(&D) -> Option<Measured>,
) -> Result<Option<SectionSummary>, AmountOverflow> {
    let mut all = Totals::default();
    let mut cpty = Vec::new();
    for (ctin, supplier) in section {
        let mut t = Totals::default();
        for (number, doc) in &supplier.docs {
            let Some(measured) = measure(doc) else {
                continue;
            };
            let overflow =
                |sum| AmountOverflow::new(sum, table.wire_key(), Some(number)).with_supplier(*ctin);
            let (v, tax, itc) = measured.map_err(overflow)?;
            t.add(v, &tax, &itc).ok_or_else(|| overflow(TOTALS))?;
            all.add(v, &tax, &itc).ok_or_else(|| overflow(TOTALS))?;
        }
        if t.count > 0 {
            cpty.push(t.counterparty(*ctin));
        }
    }
    Ok((all.count > 0).then(|| {
        let mut s = all.section(table.section_name());
        s.counterparties = cpty;
        s
    }))
}

/// A section of documents keyed by number (or by place of supply and supply type).
fn flat<'a, D: 'a>(
    table: Table,
    docs: impl IntoIterator<Item = (&'a String, &'a D)>,
    measure: impl Fn(&D) -> Option<Measured>,
) -> Result<Option<SectionSummary>, AmountOverflow> {
    let mut t = Totals::default();
    for (number, doc) in docs {
        let Some(measured) = measure(doc) else {
            continue;
        };
        let overflow = |sum| AmountOverflow::new(sum, table.wire_key(), Some(number));
        let (v, tax, itc) = measured.map_err(overflow)?;
        t.add(v, &tax, &itc).ok_or_else(|| overflow(TOTALS))?;
    }
    Ok((t.count > 0).then(|| t.section(table.section_name())))
}

/// A section whose documents carry no ITC: the `ttl_itcavld_*` fields are absent.
fn without_itc(s: Option<SectionSummary>) -> Option<SectionSummary> {
    s.map(|mut s| {
        s.itc_igst = None;
        s.itc_cgst = None;
        s.itc_sgst = None;
        s.itc_cess = None;
        s
    })
}

/// Computes the `RETSUM` of a stored return. Errors: a counted document's amounts, or the
/// totals of its section or supplier, add up beyond what a decimal holds (about 7.9 × 10²⁸),
/// named by the document at which they did, in the order of the sections and of their keys.
pub(crate) fn compute(
    sections: &Sections,
    gstin: Gstin,
    period: ReturnPeriod,
) -> Result<Gstr2Summary, AmountOverflow> {
    let zero = TaxAmounts::default();
    let mut out = Vec::new();
    for table in Table::ALL {
        let name = table.section_name();
        let s = match table {
            Table::B2b => grouped(table, &sections.b2b, |d| {
                counts(d.flag.as_ref())
                    .then(|| Ok((d.value, items_tax(&d.items)?, items_itc(&d.items)?)))
            })?,
            Table::B2ba => grouped(table, &sections.b2ba, |d| {
                counts(d.flag.as_ref())
                    .then(|| Ok((d.value, items_tax(&d.items)?, items_itc(&d.items)?)))
            })?,
            Table::Cdn => grouped(table, &sections.cdn, |d| {
                counts(d.flag.as_ref()).then(|| note(&d.note_type, d.value, &d.items))
            })?,
            Table::Cdna => grouped(table, &sections.cdna, |d| {
                counts(d.flag.as_ref()).then(|| note(&d.note_type, d.value, &d.items))
            })?,
            Table::B2bUnregistered => flat(table, &sections.b2bur, |d| {
                counts(d.flag.as_ref())
                    .then(|| Ok((d.value, items_tax(&d.items)?, items_itc(&d.items)?)))
            })?,
            Table::CdnUnregistered => flat(table, &sections.cdnur, |d| {
                counts(d.flag.as_ref()).then(|| note(&d.note_type, d.value, &d.items))
            })?,
            Table::ImpG => flat(table, &sections.imp_g, |d| {
                counts(d.flag.as_ref()).then(|| {
                    let (tax, itc) = import_tax_itc(&d.items)?;
                    Ok((d.bill_value, tax, itc))
                })
            })?,
            Table::ImpGa => flat(table, &sections.imp_ga, |d| {
                counts(d.flag.as_ref()).then(|| {
                    let (tax, itc) = import_tax_itc(&d.items)?;
                    Ok((d.bill_value, tax, itc))
                })
            })?,
            Table::ImpS => flat(table, &sections.imp_s, |d| {
                counts(d.flag.as_ref()).then(|| {
                    let (tax, itc) = import_tax_itc(&d.items)?;
                    Ok((d.value, tax, itc))
                })
            })?,
            Table::ImpSa => flat(table, &sections.imp_sa, |d| {
                counts(d.flag.as_ref()).then(|| {
                    let (tax, itc) = import_tax_itc(&d.items)?;
                    Ok((d.value, tax, itc))
                })
            })?,
            Table::Txi => without_itc(flat(table, &sections.txi, |d| {
                counts(d.flag.as_ref()).then(|| advance_sums(&d.items))
            })?),
            Table::Txpd => without_itc(flat(table, &sections.txpd, |d| {
                counts(d.flag.as_ref()).then(|| advance_sums(&d.items))
            })?),
            Table::Txia => without_itc(flat(table, &sections.atxi, |d| {
                counts(d.flag.as_ref()).then(|| Ok((d.taxable_value, d.tax(), zero)))
            })?),
            Table::NilSupplies => match sections.nil_supplies.as_ref() {
                None => None,
                Some(n) => {
                    let parts = [n.inter.as_ref(), n.intra.as_ref()];
                    let blocks = parts.iter().flatten().count() as u64;
                    if blocks == 0 {
                        None
                    } else {
                        let mut s = Totals::default().section(name);
                        s.record_count = Some(blocks);
                        s.value = None;
                        s.tax_igst = None;
                        s.tax_cgst = None;
                        s.tax_sgst = None;
                        s.tax_cess = None;
                        s.itc_igst = None;
                        s.itc_cgst = None;
                        s.itc_sgst = None;
                        s.itc_cess = None;
                        let sum = |f: fn(&NilSupplyAmounts) -> Option<Decimal>| {
                            checked_sum(parts.iter().flatten().map(|p| f(p).unwrap_or_default()))
                                .ok_or_else(|| {
                                    AmountOverflow::new("its amounts", table.wire_key(), None)
                                })
                        };
                        s.composition = Some(sum(|p| p.composition)?);
                        s.exempt = Some(sum(|p| p.exempt)?);
                        s.non_gst = Some(sum(|p| p.non_gst)?);
                        s.nil_rated = Some(sum(|p| p.nil_rated)?);
                        Some(s)
                    }
                }
            },
            Table::Itc => match sections.itc_rvsl.as_ref() {
                None => None,
                Some(r) => {
                    let mut t = Totals::default();
                    for (rule, amounts) in r.iter() {
                        t.add(Decimal::ZERO, &amounts.tax(), &zero).ok_or_else(|| {
                            AmountOverflow::new(TOTALS, table.wire_key(), Some(rule.as_str()))
                        })?;
                    }
                    if t.count == 0 {
                        None
                    } else {
                        let mut s = t.section(name);
                        s.value = None;
                        s.itc_igst = None;
                        s.itc_cgst = None;
                        s.itc_sgst = None;
                        s.itc_cess = None;
                        Some(s)
                    }
                }
            },
        };
        if let Some(mut s) = s {
            s.checksum = Some(checksum(&s));
            out.push(s);
        }
    }
    let mut summary = Gstr2Summary {
        gstin,
        ret_period: period,
        checksum: None,
        summary_type: Some("L".into()),
        sections: out,
    };
    summary.checksum = Some(checksum(&summary));
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gstr2_model::gstr2a::Gstr2a;
    use serde_json::json;

    fn compute_for(payload: serde_json::Value) -> Gstr2Summary {
        let gstin: Gstin = "27AAPFU0939F1ZV".parse().unwrap();
        let fp: ReturnPeriod = "072017".parse().unwrap();
        let mut sections = Sections::default();
        // Let the counterparty flags through: the same documents in GSTR2A with these sums.
        let g = Gstr2a {
            b2b: serde_json::from_value(json!([{"ctin": "33GSPTN4811G1ZC", "inv": [
                {"chksum": "a", "inum": "A", "idt": "01-07-2017", "val": 1, "itms": []},
                {"chksum": "r", "inum": "R", "idt": "01-07-2017", "val": 1, "itms": []}]}]))
            .unwrap(),
            ..Gstr2a::default()
        };
        let (_, stats) =
            crate::save::apply(&mut sections, payload.to_string().as_bytes(), gstin, fp, &g);
        assert_eq!(stats.rejected, 0);
        compute(&sections, gstin, fp).expect("a summary")
    }

    #[test]
    fn the_convention_counts_signs_and_sums() {
        let item = |iamt: i64, tx_i: i64| json!({"num": 1, "itm_det": {"rt": 18, "txval": 100, "iamt": iamt}, "itc": {"elg": "ip", "tx_i": tx_i}});
        let doc = |inum: &str, flag: Option<&str>, val: i64| {
            let mut d = json!({"inum": inum, "idt": "01-07-2017", "val": val, "pos": "27", "rchrg": "N",
                               "itms": [item(18, 10)]});
            if let Some(f) = flag {
                d["flag"] = json!(f);
                d["chksum"] = json!(f.to_lowercase());
            }
            d
        };
        let s = compute_for(json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017",
            "b2b": [{"ctin": "33GSPTN4811G1ZC", "inv": [doc("OWN", None, 118), doc("A", Some("A"), 100), doc("R", Some("R"), 5)]}],
            "cdn": [{"ctin": "33GSPTN4811G1ZC", "nt": [
                {"ntty": "C", "nt_num": "C1", "nt_dt": "02-07-2017", "val": 59, "itms": [item(9, 9)]},
                {"ntty": "D", "nt_num": "D1", "nt_dt": "02-07-2017", "val": 20, "itms": [item(3, 3)]}]}]}));
        let names: Vec<&str> = s.sections.iter().map(|x| x.section.as_str()).collect();
        assert_eq!(names, ["B2B", "CDN"]);
        let b2b = &s.sections[0];
        assert_eq!(b2b.record_count, Some(2), "R does not count");
        assert_eq!(b2b.value, Some(Decimal::from(218)));
        assert_eq!(b2b.tax_igst, Some(Decimal::from(36)));
        assert_eq!(b2b.itc_igst, Some(Decimal::from(20)));
        assert_eq!(b2b.counterparties.len(), 1);
        let cdn = &s.sections[1];
        assert_eq!(cdn.value, Some(Decimal::from(-39)));
        assert_eq!(cdn.tax_igst, Some(Decimal::from(-6)));
        assert_eq!(cdn.itc_igst, Some(Decimal::from(-6)));
        for c in [&s.checksum, &b2b.checksum, &b2b.counterparties[0].checksum] {
            assert_eq!(c.as_ref().map(String::len), Some(64));
        }
        // Deterministic, and the checksum follows the content.
        let again = compute_for(json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017",
            "b2b": [{"ctin": "33GSPTN4811G1ZC", "inv": [doc("OWN", None, 118), doc("A", Some("A"), 100), doc("R", Some("R"), 5)]}],
            "cdn": [{"ctin": "33GSPTN4811G1ZC", "nt": [
                {"ntty": "C", "nt_num": "C1", "nt_dt": "02-07-2017", "val": 59, "itms": [item(9, 9)]},
                {"ntty": "D", "nt_num": "D1", "nt_dt": "02-07-2017", "val": 20, "itms": [item(3, 3)]}]}]}));
        assert_eq!(again, s);
        let other = compute_for(json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017",
            "b2b": [{"ctin": "33GSPTN4811G1ZC", "inv": [doc("OWN", None, 119)]}]}));
        assert_ne!(other.sections[0].checksum, b2b.checksum);
    }

    #[test]
    fn flags_that_count() {
        for (flag, counted) in [
            (None, true),
            (Some(Flag::Upload), true),
            (Some(Flag::Edit), false),
            (Some(Flag::Accept), true),
            (Some(Flag::Modify), true),
            (Some(Flag::Reject), false),
            (Some(Flag::Pending), false),
            (Some(Flag::NoAction), false),
            (Some(Flag::Delete), false),
        ] {
            assert_eq!(counts(flag.as_ref()), counted, "{flag:?}");
        }
    }

    /// The point of two implementations: on random returns (generated GSTR2A documents with
    /// random flags, own uploads, notes and the other sections) the sandbox's RETSUM and
    /// gstr2-recon's local summary agree field by field.
    #[test]
    fn agrees_with_recon() {
        use rand::{Rng, SeedableRng};
        let gstin: Gstin = "27AAPFU0939F1ZV".parse().unwrap();
        let fp: ReturnPeriod = "072017".parse().unwrap();
        for seed in 0..100u64 {
            let g = crate::gstr2a::generate(seed, gstin, fp, 30);
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let flags = ["A", "R", "M", "P", "N", "U", "E"];
            let mut b2b = Vec::new();
            for s in &g.b2b {
                let mut inv = Vec::new();
                for d in &s.invoices {
                    let mut v = serde_json::to_value(d).unwrap();
                    if rng.gen_bool(0.7) {
                        v["flag"] = json!(flags[rng.gen_range(0..flags.len())]);
                    }
                    for it in v["itms"].as_array_mut().unwrap() {
                        let det = &it["itm_det"];
                        let igst = det.get("iamt").cloned().unwrap_or(json!(0));
                        let cgst = det.get("camt").cloned().unwrap_or(json!(0));
                        it["itc"] = json!({"elg": "ip", "tx_i": igst, "tx_c": cgst});
                    }
                    inv.push(v);
                }
                b2b.push(json!({"ctin": s.supplier_gstin, "inv": inv}));
            }
            let mut cdn = Vec::new();
            for s in &g.cdn {
                let mut nt = Vec::new();
                for d in &s.notes {
                    let mut v = serde_json::to_value(d).unwrap();
                    if rng.gen_bool(0.5) {
                        v["flag"] = json!(flags[rng.gen_range(0..flags.len())]);
                    }
                    nt.push(v);
                }
                cdn.push(json!({"ctin": s.supplier_gstin, "nt": nt}));
            }
            let mut p = json!({"gstin": gstin, "fp": "072017", "b2b": b2b, "cdn": cdn});
            if seed % 2 == 0 {
                p["nil_supplies"] = json!({"inter": {"cpddr": 1.5, "exptdsply": 2}});
                p["itc_rvsl"] = json!({"rule2_2": {"iamt": 1, "camt": 2}});
                p["txi"] = json!([{"pos": "29", "sply_ty": "INTER",
                    "itms": [{"num": 1, "rt": 18, "adamt": 100, "iamt": 18}]}]);
                p["imp_g"] = json!([{"boe_num": "B", "boe_dt": "06-07-2017", "boe_val": 118,
                    "itms": [{"num": 1, "txval": 100, "rt": 18, "iamt": 18, "tx_i": 18}]}]);
                p["cdnur"] = json!([{"ntty": "C", "nt_num": "U1", "nt_dt": "10-07-2017", "val": 118,
                    "itms": [{"num": 1, "itm_det": {"rt": 18, "txval": 100, "iamt": 18}}]}]);
            }
            let mut sections = Sections::default();
            let (outcome, stats) =
                crate::save::apply(&mut sections, p.to_string().as_bytes(), gstin, fp, &g);
            assert_eq!(stats.rejected, 0, "{outcome:?}");
            let ours = compute(&sections, gstin, fp).expect("a summary");
            let upsert: gstr2_model::Gstr2Payload =
                gstr2_model::json::from_str(&p.to_string()).unwrap();
            let delete = gstr2_model::Gstr2Payload::new(gstin, fp);
            let theirs = gstr2_recon::retsum::local_summary(
                &gstr2_recon::SavePayloads { upsert, delete },
                None,
            )
            .expect("a summary");
            let diffs = gstr2_recon::retsum::compare_summaries(&theirs, &ours);
            assert!(diffs.is_empty(), "seed {seed}: {diffs:?}");
            // Field presence agrees too: the same sections with the same wire fields.
            let fields = |s: &Gstr2Summary| -> Vec<(String, Vec<String>)> {
                let v = serde_json::to_value(s).unwrap();
                v["section_summary"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|sec| {
                        let keys = sec.as_object().unwrap().keys();
                        let keys = keys.filter(|k| *k != "chksum" && *k != "cpty_sum");
                        (sec["sec_nm"].to_string(), keys.cloned().collect())
                    })
                    .collect()
            };
            assert_eq!(fields(&ours), fields(&theirs), "seed {seed}");
        }
    }
}
