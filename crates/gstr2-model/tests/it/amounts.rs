//! Amounts from the whole range of a decimal (tiny, huge, near its limit of about 7.9 × 10²⁸,
//! negative) through the readers, validation and the documents' sums: a value or an error
//! naming the document, never a panic (issue 15, finding 6).

use proptest::collection::vec;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

use gstr2_model::amount::AmountOverflow;
use gstr2_model::csv::{self, TableData};
use gstr2_model::validate::{self, ProblemKind, ValidationConfig};
use gstr2_model::{json, Gstr2Payload, Gstr2a, Table, TaxAmounts};

use super::json_parallel::gstr2a;
use super::properties::payload;

/// Amounts from the whole range of a decimal: rupees and paise, any mantissa at any scale
/// (tiny to huge), near the limit, negative, and the limits themselves.
fn any_amount() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        3 => (0i64..100_000_000).prop_map(|paise| Decimal::new(paise, 2)),
        2 => (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28)
            .prop_map(|(lo, mid, hi, negative, scale)| Decimal::from_parts(lo, mid, hi, negative, scale)),
        1 => (0u32..1000, any::<bool>()).prop_map(|(below, negative)| {
            let v = Decimal::MAX - Decimal::from(below);
            if negative { -v } else { v }
        }),
        1 => prop::sample::select(vec![
            Decimal::MAX,
            Decimal::MIN,
            Decimal::ZERO,
            Decimal::new(1, 28),
            Decimal::new(-1, 28),
            "50000000000000000000000000000".parse().expect("5e28"),
        ]),
    ]
}

/// The keys of rates (percentages), as opposed to amounts.
const RATES: [&str; 5] = ["rt", "irt", "crt", "srt", "csrt"];

/// `value` with every number but the item numbers (`num`), and but the rates unless `rates`,
/// replaced by `amounts`, in turn.
fn with_amounts(value: &mut Value, amounts: &[Decimal], rates: bool, next: &mut usize) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "num" || (!rates && RATES.contains(&key.as_str())) {
                    continue;
                }
                if v.is_number() {
                    let amount = amounts[*next % amounts.len()];
                    *next += 1;
                    *v = serde_json::from_str(&amount.to_string()).expect("a decimal is a number");
                } else {
                    with_amounts(v, amounts, rates, next);
                }
            }
        }
        Value::Array(list) => list
            .iter_mut()
            .for_each(|v| with_amounts(v, amounts, rates, next)),
        _ => {}
    }
}

/// The JSON of `value` with `amounts` written in ([`with_amounts`]), and that JSON as a value.
fn written<T: serde::Serialize>(value: &T, amounts: &[Decimal], rates: bool) -> (Vec<u8>, Value) {
    let mut v = serde_json::to_value(value).expect("encode");
    with_amounts(&mut v, amounts, rates, &mut 0);
    (serde_json::to_vec(&v).expect("encode"), v)
}

/// `payload` with `amounts` written in and read back from JSON, as written.
fn read_back(
    payload: &Gstr2Payload,
    amounts: &[Decimal],
    rates: bool,
) -> Result<Gstr2Payload, TestCaseError> {
    let (bytes, as_written) = written(payload, amounts, rates);
    let read: Result<Gstr2Payload, _> = json::from_slice(&bytes);
    prop_assert!(
        read.is_ok(),
        "{:?}",
        read.as_ref().err().map(ToString::to_string)
    );
    let read = read.unwrap_or_else(|_| unreachable!());
    prop_assert_eq!(serde_json::to_value(&read).expect("encode"), as_written);
    Ok(read)
}

/// A document's sum: a value, or an error naming the document's section and number.
fn named<T>(
    sum: Result<T, AmountOverflow>,
    section: &str,
    number: &str,
) -> Result<(), TestCaseError> {
    if let Err(e) = sum {
        prop_assert_eq!(e.section, section);
        prop_assert_eq!(e.document.as_deref(), Some(number));
        prop_assert!(e.to_string().contains(number), "{}", e);
    }
    Ok(())
}

/// Every document sum of the payload: a value or an error naming the document.
fn payload_sums(p: &Gstr2Payload) -> Result<(), TestCaseError> {
    for s in &p.b2b {
        for d in &s.invoices {
            named(d.tax(), "b2b", &d.number)?;
            named(d.taxable_value(), "b2b", &d.number)?;
            named(d.itc(), "b2b", &d.number)?;
        }
    }
    for s in &p.b2ba {
        for d in &s.invoices {
            named(d.tax(), "b2ba", &d.number)?;
            named(d.taxable_value(), "b2ba", &d.number)?;
            named(d.itc(), "b2ba", &d.number)?;
        }
    }
    for g in &p.b2bur {
        for d in &g.invoices {
            named(d.tax(), "b2bur", &d.number)?;
        }
    }
    for s in &p.cdn {
        for d in &s.notes {
            named(d.tax(), "cdn", &d.number)?;
            named(d.itc(), "cdn", &d.number)?;
        }
    }
    for s in &p.cdna {
        for d in &s.notes {
            named(d.tax(), "cdna", &d.number)?;
            named(d.itc(), "cdna", &d.number)?;
        }
    }
    for d in &p.cdnur {
        named(d.tax(), "cdnur", &d.number)?;
    }
    for d in &p.imp_g {
        named(d.tax(), "imp_g", &d.bill_number)?;
    }
    for d in &p.imp_ga {
        named(d.tax(), "imp_ga", &d.bill_number)?;
    }
    for d in &p.imp_s {
        named(d.tax(), "imp_s", &d.number)?;
    }
    for d in &p.imp_sa {
        named(d.tax(), "imp_sa", &d.number)?;
    }
    for d in p.txi.iter().chain(&p.txpd) {
        let key = format!("{} {}", d.place_of_supply, d.supply_type);
        named(d.tax(), "txi", &key)?;
    }
    Ok(())
}

fn write(data: &TableData) -> Vec<u8> {
    let mut out = Vec::new();
    csv::write_table(data, &mut out).expect("writing to memory");
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A payload written with amounts from a decimal's whole range reads back as written from
    /// JSON, and from every CSV table; with rates of that range too, the CSV reader gives a
    /// value or an error (a per-head rate `crt + srt` beyond a decimal), never a panic.
    /// Validation reports what overflows as a problem; every document sum is a value or an
    /// error naming the document.
    #[test]
    fn payload_amounts_anywhere_in_range_read_validate_and_sum(
        payload in payload(),
        amounts in vec(any_amount(), 1..24),
        tolerance in any_amount(),
    ) {
        let amounts_only = read_back(&payload, &amounts, false)?;
        for table in Table::ALL {
            let data = TableData::from_payload(&amounts_only, table);
            let text = write(&data);
            let back = csv::read_table(table, text.as_slice());
            prop_assert!(back.is_ok(), "{}: {:?}", table, back.as_ref().err().map(ToString::to_string));
            prop_assert_eq!(&back.unwrap_or_else(|_| unreachable!()), &data, "{}", table);
        }

        let read = read_back(&payload, &amounts, true)?;
        for table in Table::ALL {
            let text = write(&TableData::from_payload(&read, table));
            let _value_or_error = csv::read_table(table, text.as_slice());
        }

        for value_tolerance in [Decimal::ONE, tolerance] {
            let config = ValidationConfig { value_tolerance, ..ValidationConfig::default() };
            let report = validate::validate_report(&read, &config);
            for p in &report.problems {
                if p.kind == ProblemKind::AmountOverflow {
                    prop_assert!(p.document.is_some() || p.location.contains('.'), "{}", p);
                }
            }
        }
        payload_sums(&read)?;
    }

    /// A GSTR2A download written with amounts from a decimal's whole range reads back as
    /// written, on one thread and on several; every document sum is a value or an error
    /// naming the document.
    #[test]
    fn gstr2a_amounts_anywhere_in_range_read_and_sum(
        g in gstr2a(),
        amounts in vec(any_amount(), 1..24),
    ) {
        let (bytes, as_written) = written(&g, &amounts, true);
        let read: Result<Gstr2a, _> = json::from_slice(&bytes);
        prop_assert!(read.is_ok(), "{:?}", read.as_ref().err().map(ToString::to_string));
        let read = read.unwrap_or_else(|_| unreachable!());
        prop_assert_eq!(serde_json::to_value(&read).expect("encode"), as_written);
        let parallel = json::gstr2a_from_slice_parallel(&bytes, 3);
        prop_assert_eq!(parallel.ok(), Some(read.clone()));
        for s in &read.b2b {
            for d in &s.invoices {
                named(d.tax(), "b2b", &d.number)?;
                named(d.taxable_value(), "b2b", &d.number)?;
            }
        }
        for s in &read.b2ba {
            for d in &s.invoices {
                named(d.tax(), "b2ba", &d.number)?;
                named(d.taxable_value(), "b2ba", &d.number)?;
            }
        }
        for s in &read.cdn {
            for d in &s.notes {
                named(d.tax(), "cdn", &d.number)?;
                named(d.taxable_value(), "cdn", &d.number)?;
            }
        }
        for s in &read.cdna {
            for d in &s.notes {
                named(d.tax(), "cdna", &d.number)?;
                named(d.taxable_value(), "cdna", &d.number)?;
            }
        }
    }

    /// The checked sums of tax heads agree with adding head by head, and are `None` exactly
    /// where a head overflows.
    #[test]
    fn tax_amounts_add_up_head_by_head_or_not_at_all(
        heads in vec((any_amount(), any_amount(), any_amount(), any_amount()), 0..6),
    ) {
        let amounts: Vec<TaxAmounts> = heads
            .iter()
            .map(|&(igst, cgst, sgst, cess)| TaxAmounts { igst, cgst, sgst, cess })
            .collect();
        let head = |f: fn(&TaxAmounts) -> Decimal| {
            gstr2_model::amount::checked_sum(amounts.iter().map(f))
        };
        let expected = match (head(|t| t.igst), head(|t| t.cgst), head(|t| t.sgst), head(|t| t.cess)) {
            (Some(igst), Some(cgst), Some(sgst), Some(cess)) => Some(TaxAmounts { igst, cgst, sgst, cess }),
            _ => None,
        };
        prop_assert_eq!(TaxAmounts::checked_sum(amounts.iter().copied()), expected);
        for t in &amounts {
            let total = gstr2_model::amount::checked_sum([t.igst, t.cgst, t.sgst, t.cess]);
            prop_assert_eq!(t.checked_total(), total);
            prop_assert_eq!(t.signed(Decimal::NEGATIVE_ONE).signed(Decimal::NEGATIVE_ONE).checked_total(), total);
        }
    }
}

#[test]
fn a_documents_sums_name_it_when_they_overflow() {
    let five_e28: Decimal = "50000000000000000000000000000".parse().expect("5e28");
    let payload: Gstr2Payload = json::from_str(&format!(
        r#"{{"gstin": "27AAPFU0939F1ZV", "fp": "072017",
          "b2b": [{{"ctin": "33GSPTN4811G1ZC", "inv": [{{"inum": "S008400", "idt": "24-07-2017",
            "val": 1, "pos": "27", "rchrg": "N",
            "itms": [{{"num": 1, "itm_det": {{"rt": 18, "txval": {five_e28}, "iamt": {five_e28}}}}},
                     {{"num": 2, "itm_det": {{"rt": 18, "txval": 1, "iamt": {five_e28}}}}}]}}]}}]}}"#
    ))
    .expect("each amount fits");
    let invoice = &payload.b2b[0].invoices[0];
    let e = invoice.tax().expect_err("the IGST overflows");
    assert_eq!(e, AmountOverflow::new("its tax", "b2b", Some("S008400")));
    assert_eq!(
        e.clone()
            .with_supplier(payload.b2b[0].supplier_gstin)
            .to_string(),
        "b2b document S008400 of supplier 33GSPTN4811G1ZC: adding up its tax overflows a decimal \
         (about 7.9e28 at most)"
    );
    assert_eq!(
        invoice.taxable_value().expect("fits"),
        five_e28 + Decimal::ONE
    );
    // Validation reports it as a problem of the document.
    let problems = validate::validate(&payload, &ValidationConfig::default());
    assert!(
        problems
            .iter()
            .any(|p| p.kind == ProblemKind::AmountOverflow
                && p.document.as_deref() == Some("S008400")),
        "{problems:?}"
    );
}
