//! The normalised pass on many documents of one normalised number (issue 16): the same rule at
//! every size of group, and no walk over every pair.

use chrono::NaiveDate;
use gstr2_model::codes::YesNo;
use gstr2_model::gstr2a::Gstr2aInvoice;
use gstr2_model::tables::b2b::B2bInvoice;
use gstr2_recon::{Decisions, MatchCode, MatchResult, Rule};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::support::*;

/// The `q`-th spelling of the number `n`, all alike once normalised in fiscal year 2023-24:
/// eight styles (`inv-1`, `inv/001`, `inv 0001`, ...), each with `q / 8` more leading zeros; in
/// upper case for GSTR2A, so that no spelling of the register's is GSTR2A's as written.
fn spelling(q: usize, n: u32, upper: bool) -> String {
    let digits = |width: usize| format!("{}{n:0>width$}", "0".repeat(q / 8));
    let number = match q % 8 {
        0 => format!("inv-{}", digits(1)),
        1 => format!("inv/{}", digits(3)),
        2 => format!("inv {}", digits(4)),
        3 => format!("inv{}", digits(1)),
        4 => format!("inv/2023-24/{}", digits(1)),
        5 => format!("inv#{}", digits(5)),
        6 => format!("inv_{}", digits(2)),
        _ => format!("inv.{}", digits(1)),
    };
    if upper {
        number.to_uppercase()
    } else {
        number
    }
}

/// A register invoice of one item at 18% IGST on `taxable` (whole rupees) plus `extra` on the
/// value.
fn own_invoice(number: &str, date: NaiveDate, taxable: u32, extra: Decimal) -> B2bInvoice {
    let (value, taxable, igst) = amounts(taxable, extra);
    inv(
        number,
        &gstr2_model::date::format(date),
        &value,
        &taxable,
        &igst,
    )
}

/// The GSTR2A invoice likewise.
fn cp_invoice(number: &str, date: NaiveDate, taxable: u32, extra: Decimal) -> Gstr2aInvoice {
    let (value, taxable, igst) = amounts(taxable, extra);
    cp_inv(
        number,
        &gstr2_model::date::format(date),
        &value,
        &taxable,
        &igst,
    )
}

fn amounts(taxable: u32, extra: Decimal) -> (String, String, String) {
    let taxable = Decimal::from(taxable);
    let igst = taxable * Decimal::new(18, 2);
    (
        (taxable + igst + extra).to_string(),
        taxable.to_string(),
        igst.to_string(),
    )
}

fn day(first: (i32, u32, u32), plus: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(first.0, first.1, first.2).expect("a date")
        + chrono::Duration::days(plus as i64)
}

#[test]
fn thousands_of_documents_spelling_one_number_pair_by_date_and_amount() {
    // 3,000 a side over 60 days: 50 a day, every amount different, every spelling different
    // within a day and side (GSTN's repeats would be folded); the two sides spell each number
    // differently and list the documents in different orders.
    let n = 3_000;
    let date = |k: usize| day((2023, 9, 1), k % 60);
    let own: Vec<B2bInvoice> = (0..n)
        .map(|k| {
            own_invoice(
                &spelling(k / 60, 1, false),
                date(k),
                1000 + k as u32,
                Decimal::ZERO,
            )
        })
        .collect();
    let cp: Vec<Gstr2aInvoice> = (0..n)
        .map(|k| (k * 7 + 11) % n)
        .map(|k| {
            cp_invoice(
                &spelling(k / 60 + 3, 1, true),
                date(k),
                1000 + k as u32,
                Decimal::ZERO,
            )
        })
        .collect();
    let report = run(
        &register(gstin(1), own),
        &gstr2a(gstin(1), Some(YesNo::Yes), cp),
        &Decisions::default(),
    );
    assert_eq!(report.results.len(), n);
    for r in &report.results {
        let (Some(o), Some(c)) = (&r.own, &r.counterparty) else {
            panic!("not paired: {}", line(r));
        };
        assert_eq!(r.rule, Some(Rule::Normalised), "{}", line(r));
        assert_eq!((o.key.date, o.value), (c.key.date, c.value), "{}", line(r));
        assert_eq!(r.code, MatchCode::Ok, "{}", line(r));
    }
}

/// The results of documents spelling 1 dated in fiscal year 2023-24.
fn of_the_group(results: &[MatchResult]) -> Vec<&MatchResult> {
    let fy_start = day((2023, 4, 1), 0);
    results
        .iter()
        .filter(|r| {
            [&r.own, &r.counterparty]
                .into_iter()
                .flatten()
                .any(|s| s.normalised_number == "inv-1" && s.key.date >= fy_start)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The same documents pair alike in a group of their own and in one made big (more than
    /// 4,096 candidate pairs of one type and normalised number) by documents of the same number
    /// in another fiscal year, beside documents of other numbers.
    #[test]
    fn pairs_do_not_depend_on_the_size_of_the_group(
        docs in prop::collection::vec((0usize..20, 0u32..6, 0usize..4, 0u8..4), 1..30),
    ) {
        let (mut own, mut cp) = (Vec::new(), Vec::new());
        for (k, &(plus, amount, shift, present)) in docs.iter().enumerate() {
            let (date, taxable) = (day((2023, 9, 1), plus), 1000 + 100 * amount);
            // GSTR2A's copy may be some days later and some rupees off.
            let (cp_date, extra) = (day((2023, 9, 1), plus + shift), Decimal::new(shift as i64 * 150, 2));
            if present != 1 {
                own.push(own_invoice(&spelling(k, 1, false), date, taxable, Decimal::ZERO));
            }
            if present != 2 {
                cp.push(cp_invoice(&spelling(k + 3, 1, true), cp_date, taxable, extra));
            }
        }
        let alone = run(
            &register(gstin(1), own.clone()),
            &gstr2a(gstin(1), Some(YesNo::Yes), cp.clone()),
            &Decisions::default(),
        );
        // Padding after them, so that their places in the input stay: 70 a side of the same
        // number in 2022-23, spelt differently on each side (not `inv/2023-24/1`, another
        // number in that year), so that pass 3 leaves them to pass 4, and 50 of other numbers,
        // each with its counterpart.
        for k in 0..70 {
            let q = |k: usize| [0, 1, 2, 3, 5, 6, 7][k % 7] + 8 * (k / 7);
            let date = day((2022, 4, 1), k);
            own.push(own_invoice(&spelling(q(k), 1, false), date, 5000 + k as u32, Decimal::ZERO));
            cp.push(cp_invoice(&spelling(q(k + 1), 1, true), date, 5000 + k as u32, Decimal::ZERO));
        }
        for k in 0..50 {
            let number = format!("ZX-{}", 100 + k);
            own.push(own_invoice(&number, day((2023, 6, 1), k), 7000, Decimal::ZERO));
            cp.push(cp_invoice(&number, day((2023, 6, 1), k), 7000, Decimal::ZERO));
        }
        let padded = run(
            &register(gstin(1), own),
            &gstr2a(gstin(1), Some(YesNo::Yes), cp),
            &Decisions::default(),
        );
        prop_assert_eq!(padded.results.len(), alone.results.len() + 120);
        prop_assert_eq!(of_the_group(&padded.results), of_the_group(&alone.results));
    }
}
