//! A seeded generator of a large `b2b` CSV in the columns of `docs/csv-format.md`, for the
//! `model_codec` bench.
//!
//! Included by path (`#[path = "support/b2b_csv.rs"] mod b2b_csv;`); it uses only
//! `gstr2_model` and `rand`. The register belongs to a Maharashtra receiver: suppliers in state
//! 27 charge CGST and SGST, the others IGST. Suppliers number one per 200 invoices; invoices
//! have 1 to 5 items at the usual rates, about a fifth carry a `chksum` and a flag, as accepted
//! counterparty documents do. The same seed gives the same bytes.

use std::io::Write;

use gstr2_model::gstin::check_character;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const RATES: [u32; 5] = [5, 12, 18, 28, 3];
const STATES: [u8; 8] = [27, 27, 27, 29, 33, 7, 24, 9];
const HEADER: &str = "ctin,cfs,inum,idt,val,pos,rchrg,updby,flag,cflag,opd,inv_typ,num,rt,txval,iamt,camt,samt,csamt,elg,tx_i,tx_c,tx_s,tx_cs,chksum\n";

fn gstin(rng: &mut StdRng) -> String {
    let state = STATES[rng.gen_range(0..STATES.len())];
    let mut first14 = format!("{state:02}");
    for _ in 0..5 {
        first14.push(char::from(rng.gen_range(b'A'..=b'Z')));
    }
    for _ in 0..4 {
        first14.push(char::from(rng.gen_range(b'0'..=b'9')));
    }
    first14.push(char::from(rng.gen_range(b'A'..=b'Z')));
    first14.push(char::from(rng.gen_range(b'1'..=b'9')));
    first14.push('Z');
    let check = char::from(check_character(first14.as_bytes()));
    first14.push(check);
    first14
}

/// Formats paise as rupees with two decimals.
fn money(out: &mut Vec<u8>, paise: u64) {
    let _ = write!(out, "{}.{:02}", paise / 100, paise % 100);
}

/// A `b2b` CSV of about `target` bytes, and the number of invoices in it.
pub(crate) fn generate(target: usize, seed: u64) -> (Vec<u8>, usize) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(target + 4096);
    out.extend_from_slice(HEADER.as_bytes());
    let mut suppliers: Vec<String> = Vec::new();
    let mut invoices = 0usize;
    while out.len() < target {
        if invoices % 200 == 0 {
            suppliers.push(gstin(&mut rng));
        }
        let supplier = &suppliers[rng.gen_range(0..suppliers.len())];
        let intra = supplier.starts_with("27");
        let n_items = rng.gen_range(1..=5);
        let items: Vec<(u32, u64)> = (0..n_items)
            .map(|_| {
                (
                    RATES[rng.gen_range(0..RATES.len())],
                    rng.gen_range(10_000..50_000_000),
                )
            })
            .collect();
        let total: u64 = items
            .iter()
            .map(|(rt, tx)| tx + tx * u64::from(*rt) / 100)
            .sum();
        let day = rng.gen_range(1..=28);
        let accepted = rng.gen_bool(0.2);
        let checksum = if accepted {
            format!("{:016x}{:016x}", rng.gen::<u64>(), rng.gen::<u64>())
        } else {
            String::new()
        };
        let mut doc = Vec::with_capacity(160);
        let _ = write!(
            doc,
            "{supplier},Y,INV/{seed}/{invoices:07},{day:02}-07-2017,"
        );
        money(&mut doc, total);
        let _ = write!(doc, ",27,N,");
        doc.extend_from_slice(if accepted { b"S,A,,,R," } else { b",,,,R," });
        for (num, (rt, txval)) in items.iter().enumerate() {
            out.extend_from_slice(&doc);
            let tax = txval * u64::from(*rt) / 100;
            let _ = write!(out, "{},{rt},", num + 1);
            money(&mut out, *txval);
            if intra {
                out.extend_from_slice(b",,");
                money(&mut out, tax / 2);
                out.push(b',');
                money(&mut out, tax / 2);
                out.extend_from_slice(b",0.00,ip,,");
                money(&mut out, tax / 2);
                out.push(b',');
                money(&mut out, tax / 2);
                out.extend_from_slice(b",0.00,");
            } else {
                out.push(b',');
                money(&mut out, tax);
                out.extend_from_slice(b",,,0.00,ip,");
                money(&mut out, tax);
                out.extend_from_slice(b",,,0.00,");
            }
            out.extend_from_slice(checksum.as_bytes());
            out.push(b'\n');
        }
        invoices += 1;
    }
    (out, invoices)
}
