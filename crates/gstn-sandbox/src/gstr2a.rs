//! The receiver's GSTR2A: counterparty documents, seeded from a folder or generated.
//!
//! **Seed folder layout.** `DIR/<GSTIN>/<MMYYYY>/gstr2a.json`, one GSTR2A JSON per receiver
//! GSTIN and period in GSTN's wire shape (`{"b2b":[...],"b2ba":[...],"cdn":[...],"cdna":[...]}`).
//! A document without `chksum` gets one ([`document_checksum`]).
//!
//! **Generated.** Without a seeded file, a return's GSTR2A is generated from the configured seed
//! number, the GSTIN and the period (the same three always give the same documents): a handful
//! of suppliers with valid GSTINs, every third with `cfs` = `N`, invoices dated in the period
//! with one to three items at 5, 12, 18 or 28 %, IGST when the supplier's state differs from the
//! receiver's and CGST + SGST otherwise; a credit or debit note for about every sixth invoice, an
//! amended invoice for about every eighth and an amended note for about every twelfth.
//!
//! **chksum.** Hex SHA-256 of the document's compact JSON written without its `chksum`.

use std::path::Path;

use chrono::NaiveDate;
use gstr2_model::codes::{NoteType, YesNo};
use gstr2_model::gstr2a::{
    Gstr2a, Gstr2aAmendedInvoice, Gstr2aAmendedNote, Gstr2aB2bSupplier, Gstr2aB2baSupplier,
    Gstr2aCdnSupplier, Gstr2aCdnaSupplier, Gstr2aInvoice, Gstr2aNote,
};
use gstr2_model::item::{Item, ItemDetail};
use gstr2_model::{Gstin, ReturnPeriod, StateCode};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use crate::error::SandboxError;

/// Hex SHA-256 of a document's compact JSON without its `chksum` (the caller clears it).
pub fn document_checksum<T: serde::Serialize>(doc_without_checksum: &T) -> String {
    let bytes = serde_json::to_vec(doc_without_checksum).unwrap_or_default();
    hex::encode(Sha256::digest(bytes))
}

/// Fills in every missing `chksum` of the four sections.
pub fn fill_checksums(g: &mut Gstr2a) {
    for s in &mut g.b2b {
        for d in &mut s.invoices {
            if d.checksum.is_none() {
                d.checksum = Some(document_checksum(d));
            }
        }
    }
    for s in &mut g.b2ba {
        for d in &mut s.invoices {
            if d.checksum.is_none() {
                d.checksum = Some(document_checksum(d));
            }
        }
    }
    for s in &mut g.cdn {
        for d in &mut s.notes {
            if d.checksum.is_none() {
                d.checksum = Some(document_checksum(d));
            }
        }
    }
    for s in &mut g.cdna {
        for d in &mut s.notes {
            if d.checksum.is_none() {
                d.checksum = Some(document_checksum(d));
            }
        }
    }
}

/// Reads `DIR/<GSTIN>/<MMYYYY>/gstr2a.json` if it exists.
pub fn load_seeded(
    dir: &Path,
    gstin: Gstin,
    period: ReturnPeriod,
) -> Result<Option<Gstr2a>, SandboxError> {
    let path = dir
        .join(gstin.as_str())
        .join(period.to_string())
        .join("gstr2a.json");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(SandboxError::Io { path, source }),
    };
    let mut g: Gstr2a = gstr2_model::json::from_slice(&bytes)
        .map_err(|source| SandboxError::Seed { path, source })?;
    g.gstin = Some(gstin);
    g.fp = Some(period);
    fill_checksums(&mut g);
    Ok(Some(g))
}

const RATES: [u32; 4] = [5, 12, 18, 28];
const LETTERS: &[u8; 26] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn seed_for(seed: u64, gstin: Gstin, period: ReturnPeriod) -> u64 {
    let mut h = Sha256::new();
    h.update(seed.to_be_bytes());
    h.update(gstin.as_str().as_bytes());
    h.update(period.to_string().as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_be_bytes(b)
}

/// A random regular GSTIN with a valid check character, in `state` (or a random state).
pub fn random_gstin(rng: &mut impl Rng, state: Option<u8>) -> Gstin {
    loop {
        let st = state.unwrap_or_else(|| rng.gen_range(1..=37));
        let mut s = format!("{st:02}");
        for _ in 0..5 {
            s.push(LETTERS[rng.gen_range(0..26)] as char);
        }
        for _ in 0..4 {
            s.push(char::from(b'0' + rng.gen_range(0..10u8)));
        }
        s.push(LETTERS[rng.gen_range(0..26)] as char);
        s.push(char::from(b'0' + rng.gen_range(1..10u8)));
        s.push('Z');
        let check = gstr2_model::gstin::check_character(s.as_bytes());
        s.push(check as char);
        if let Ok(g) = Gstin::parse(&s) {
            return g;
        }
    }
}

fn money(rng: &mut impl Rng, lo: i64, hi: i64) -> Decimal {
    Decimal::new(rng.gen_range(lo * 100..hi * 100), 2)
}

fn items(rng: &mut impl Rng, inter: bool) -> Vec<Item> {
    let n = rng.gen_range(1..=3u32);
    (1..=n)
        .map(|num| {
            let rate = Decimal::from(RATES[rng.gen_range(0..RATES.len())]);
            let txval = money(rng, 1_000, 200_000);
            let tax = (txval * rate / Decimal::from(100)).round_dp(2);
            let half = (tax / Decimal::from(2)).round_dp(2);
            let (igst, cgst, sgst) = if inter {
                (Some(tax), None, None)
            } else {
                (None, Some(half), Some(half))
            };
            Item {
                number: num,
                detail: ItemDetail {
                    rate,
                    taxable_value: txval,
                    igst,
                    cgst,
                    sgst,
                    cess: Some(Decimal::ZERO),
                    extra: None,
                },
                itc: None,
            }
        })
        .collect()
}

/// The value of generated items: taxable value plus tax. These are the generator's own amounts
/// (at most three items of a few lakh rupees, see [`items`]), far from a decimal's limit, so
/// they are added with plain `+`; nothing read from input passes here.
fn total(items: &[Item]) -> Decimal {
    items
        .iter()
        .map(|i| {
            let t = i.detail.tax();
            i.detail.taxable_value + t.igst + t.cgst + t.sgst + t.cess
        })
        .sum()
}

fn day_in(rng: &mut impl Rng, period: ReturnPeriod) -> NaiveDate {
    let first = period.first_day();
    first + chrono::Days::new(rng.gen_range(0..28))
}

/// Generates a GSTR2A with about `documents` B2B invoices (see the module docs).
pub fn generate(seed: u64, gstin: Gstin, period: ReturnPeriod, documents: usize) -> Gstr2a {
    let mut rng = StdRng::seed_from_u64(seed_for(seed, gstin, period));
    let receiver_state = gstin.state_code().map(StateCode::code);
    let pos = gstin.state_code();
    let supplier_count = (documents / 4).clamp(1, 50).min(documents.max(1));
    let suppliers: Vec<(Gstin, YesNo, bool)> = (0..supplier_count)
        .map(|i| {
            // Half the suppliers in the receiver's state: intra-state supplies.
            let same = i % 2 == 0;
            let mut g = random_gstin(&mut rng, if same { receiver_state } else { None });
            while g == gstin {
                g = random_gstin(&mut rng, receiver_state);
            }
            let inter = g.state_code() != pos;
            let cfs = if i % 3 == 2 { YesNo::No } else { YesNo::Yes };
            (g, cfs, inter)
        })
        .collect();
    let mut out = Gstr2a {
        gstin: Some(gstin),
        fp: Some(period),
        ..Gstr2a::default()
    };
    let mut serial = 0usize;
    for (k, (ctin, cfs, inter)) in suppliers.iter().enumerate() {
        let share = documents / supplier_count + usize::from(k < documents % supplier_count);
        let prefix = ctin.as_str().get(2..6).unwrap_or("SUPP");
        let mut invoices = Vec::new();
        let mut notes = Vec::new();
        let mut amended = Vec::new();
        let mut amended_notes = Vec::new();
        for n in 0..share {
            serial += 1;
            let its = items(&mut rng, *inter);
            let inv = Gstr2aInvoice {
                checksum: None,
                number: format!("{prefix}/{}/{:04}", period, n + 1),
                date: day_in(&mut rng, period),
                value: total(&its),
                place_of_supply: pos,
                reverse_charge: Some(YesNo::No),
                invoice_type: Some(gstr2_model::codes::InvoiceType::Regular),
                diff_percent: None,
                amended_in: None,
                amendment_type: None,
                source: None,
                irn: None,
                irn_date: None,
                items: its,
            };
            if serial % 6 == 0 {
                let its = items(&mut rng, *inter);
                notes.push(Gstr2aNote {
                    checksum: None,
                    note_type: if serial % 12 == 6 {
                        NoteType::Credit
                    } else {
                        NoteType::Debit
                    },
                    number: format!("{prefix}/CN/{:04}", n + 1),
                    date: day_in(&mut rng, period),
                    pre_gst: Some(YesNo::No),
                    invoice_number: Some(inv.number.clone()),
                    invoice_date: Some(inv.date),
                    value: total(&its),
                    counterparty_flag: None,
                    uploaded_by: None,
                    delete_flag: None,
                    place_of_supply: pos,
                    reverse_charge: Some(YesNo::No),
                    invoice_type: None,
                    diff_percent: None,
                    amended_in: None,
                    amendment_type: None,
                    source: None,
                    irn: None,
                    irn_date: None,
                    items: its,
                });
            }
            if serial % 8 == 0 {
                let its = items(&mut rng, *inter);
                amended.push(Gstr2aAmendedInvoice {
                    checksum: None,
                    original_number: format!("{prefix}/OLD/{:04}", n + 1),
                    original_date: period.first_day(),
                    number: format!("{prefix}/{}/A{:04}", period, n + 1),
                    date: day_in(&mut rng, period),
                    value: total(&its),
                    place_of_supply: pos,
                    reverse_charge: Some(YesNo::No),
                    invoice_type: Some(gstr2_model::codes::InvoiceType::Regular),
                    diff_percent: None,
                    amended_in: Some(period.to_string()),
                    amendment_type: Some("R".into()),
                    source: None,
                    irn: None,
                    irn_date: None,
                    items: its,
                });
            }
            if serial % 12 == 0 {
                let its = items(&mut rng, *inter);
                amended_notes.push(Gstr2aAmendedNote {
                    checksum: None,
                    note_type: NoteType::Credit,
                    original_number: format!("{prefix}/OCN/{:04}", n + 1),
                    original_date: period.first_day(),
                    number: format!("{prefix}/ACN/{:04}", n + 1),
                    date: day_in(&mut rng, period),
                    pre_gst: Some(YesNo::No),
                    invoice_number: Some(inv.number.clone()),
                    invoice_date: Some(inv.date),
                    value: total(&its),
                    counterparty_flag: None,
                    uploaded_by: None,
                    delete_flag: None,
                    place_of_supply: pos,
                    reverse_charge: Some(YesNo::No),
                    invoice_type: None,
                    diff_percent: None,
                    amended_in: Some(period.to_string()),
                    amendment_type: Some("R".into()),
                    source: None,
                    irn: None,
                    irn_date: None,
                    items: its,
                });
            }
            invoices.push(inv);
        }
        let base = |cfs: &YesNo| (Some(cfs.clone()), Some(cfs.clone()));
        let (f, f3) = base(cfs);
        if !invoices.is_empty() {
            out.b2b.push(Gstr2aB2bSupplier {
                supplier_gstin: *ctin,
                filing_status: f.clone(),
                filing_status_3b: f3.clone(),
                cancelled_on: None,
                gstr1_filed_on: None,
                gstr1_period: None,
                invoices,
            });
        }
        if !notes.is_empty() {
            out.cdn.push(Gstr2aCdnSupplier {
                supplier_gstin: *ctin,
                filing_status: f.clone(),
                filing_status_3b: f3.clone(),
                cancelled_on: None,
                gstr1_filed_on: None,
                gstr1_period: None,
                notes,
            });
        }
        if !amended.is_empty() {
            out.b2ba.push(Gstr2aB2baSupplier {
                supplier_gstin: *ctin,
                filing_status: f.clone(),
                filing_status_3b: f3.clone(),
                cancelled_on: None,
                gstr1_filed_on: None,
                gstr1_period: None,
                invoices: amended,
            });
        }
        if !amended_notes.is_empty() {
            out.cdna.push(Gstr2aCdnaSupplier {
                supplier_gstin: *ctin,
                filing_status: f,
                filing_status_3b: f3,
                cancelled_on: None,
                gstr1_filed_on: None,
                gstr1_period: None,
                notes: amended_notes,
            });
        }
    }
    fill_checksums(&mut out);
    out
}

/// The GSTR2A section of a GET action (`B2B`, `B2BA`, `CDN`, `CDNA`), optionally one supplier,
/// as `(json value of the section, document count)`.
pub(crate) fn section(
    g: &Gstr2a,
    action: &str,
    ctin: Option<Gstin>,
) -> Option<(serde_json::Value, usize)> {
    fn pick<S: Clone + serde::Serialize>(
        list: &[S],
        ctin: Option<Gstin>,
        id: impl Fn(&S) -> (Gstin, usize),
    ) -> (serde_json::Value, usize) {
        let chosen: Vec<S> = list
            .iter()
            .filter(|s| ctin.is_none_or(|c| id(s).0 == c))
            .cloned()
            .collect();
        let n = chosen.iter().map(|s| id(s).1).sum();
        (serde_json::to_value(chosen).unwrap_or_default(), n)
    }
    match action {
        "B2B" => Some(pick(&g.b2b, ctin, |s| (s.supplier_gstin, s.invoices.len()))),
        "B2BA" => Some(pick(&g.b2ba, ctin, |s| {
            (s.supplier_gstin, s.invoices.len())
        })),
        "CDN" => Some(pick(&g.cdn, ctin, |s| (s.supplier_gstin, s.notes.len()))),
        "CDNA" => Some(pick(&g.cdna, ctin, |s| (s.supplier_gstin, s.notes.len()))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> Gstin {
        "27AAPFU0939F1ZV".parse().unwrap()
    }

    #[test]
    fn generation_is_deterministic_and_valid() {
        let p: ReturnPeriod = "072017".parse().unwrap();
        let a = generate(7, g(), p, 40);
        let b = generate(7, g(), p, 40);
        assert_eq!(a, b);
        assert_eq!(a.b2b.iter().map(|s| s.invoices.len()).sum::<usize>(), 40);
        assert!(!a.cdn.is_empty() && !a.b2ba.is_empty() && !a.cdna.is_empty());
        assert!(a.b2b.iter().any(|s| s.filing_status == Some(YesNo::No)));
        let c = generate(8, g(), p, 40);
        assert_ne!(a, c);
        // Round trip through JSON keeps every document, checksums included.
        let text = gstr2_model::json::to_string(&a).unwrap();
        let back: Gstr2a = gstr2_model::json::from_str(&text).unwrap();
        assert_eq!(back, a);
        for s in &a.b2b {
            for d in &s.invoices {
                let mut bare = d.clone();
                bare.checksum = None;
                assert_eq!(
                    d.checksum.as_deref(),
                    Some(document_checksum(&bare).as_str())
                );
                assert!(d.date >= p.first_day());
                let inter = s.supplier_gstin.state_code() != g().state_code();
                for i in &d.items {
                    assert_eq!(i.detail.igst.is_some(), inter);
                }
            }
        }
    }
}
