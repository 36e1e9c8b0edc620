//! The reconciliation engine at scale, on the seeded generator's realistic mix (exact,
//! renumbered, within and beyond tolerance, missing on either side, credit notes, suppliers with
//! `cfs` = `N`): 10k, 100k and 1M documents per side, and the worst case of every document under
//! one supplier.
//!
//! And a hostile case: one supplier with 19,200 documents a side whose numbers are all
//! spellings of one number (`inv-1`, `INV/001`, `inv 0001`, ...), so that every document is in
//! one group of the normalised pass, timed beside the same documents with distinct numbers
//! (`inv-7`, `INV/007`, ...). The figure of merit: the one group's time over the distinct
//! numbers' (must stay within 3x).
//!
//! Side by side in the same run, a baseline: an exact-key join of the two sides (sort both by
//! supplier, type, number and date and walk them), the least any reconciliation must do. The
//! figures of merit, printed at the end: the engine's time over the baseline's, the growth from
//! 100k to 1M (must stay within 12x for 10x the documents) beside the join's own growth in the
//! same run (how the machine takes 10x the data), and one supplier over many. The engine is
//! timed two ways: `Reconciler::run`, which keeps the report (dropped after the clock stops: the
//! figure is reconciling, not freeing a million results), and `Reconciler::stream`, which hands
//! the results over a batch at a time as the `reconcile` example does (here they are counted).
//!
//! And the same documents from a GSTR-2B (its newer layout: amounts on the documents) beside
//! GSTR2A at 100k and 1M: the time per document of the two sources, side by side (a 2B source
//! must not be slower per document).
//!
//! `cargo bench --bench recon`; `RECON_BENCH_MAX=n` skips the cases of more than `n` documents a
//! side (`100000`: the 1M size; `20000`: all but 10k and the hostile case); `RECON_BENCH_QUICK=1`
//! skips the criterion groups and prints only the figures (wall and CPU time: CPU time is the
//! steadier one on a loaded machine).

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, Throughput};
use gstr2_model::codes::{InvoiceType, YesNo};
use gstr2_model::gstr2a::{Gstr2aB2bSupplier, Gstr2aInvoice};
use gstr2_model::gstr2b::Gstr2b;
use gstr2_model::tables::b2b::{B2bInvoice, B2bSupplier};
use gstr2_model::{Gstin, Gstr2Payload, Gstr2a, Item, ItemDetail, ReturnPeriod, StateCode};
use gstr2_recon::{Decisions, Reconciled, Reconciler, Report, Rule};
use rust_decimal::Decimal;

use gstr2_demo::recon_data;

/// `f` on the inputs of a reconciliation without decisions.
fn with_inputs<T>(
    register: &Gstr2Payload,
    gstr2a: &Gstr2a,
    f: impl FnOnce(&Reconciler<'_>) -> T,
) -> T {
    let decisions = Decisions::default();
    f(&Reconciler::new(register, gstr2a).decisions(&decisions))
}

/// The engine's report; it is dropped outside the timing (the figure is reconciling, not
/// freeing a million results).
fn engine(register: &Gstr2Payload, gstr2a: &Gstr2a) -> Report {
    with_inputs(register, gstr2a, |inputs| {
        inputs.run().expect("the generated amounts fit")
    })
}

/// The engine as the `reconcile` example runs it: results handed over a batch at a time
/// (here, counted) and never all held.
fn engine_streamed(register: &Gstr2Payload, gstr2a: &Gstr2a) -> (Reconciled, usize) {
    with_inputs(register, gstr2a, |inputs| {
        let mut n = 0;
        let done = inputs.stream(&mut |batch| {
            n += black_box(batch).len();
            Ok::<(), std::convert::Infallible>(())
        });
        (done.expect("the generated amounts fit"), n)
    })
}

/// The engine against a GSTR-2B of the same documents (`as_gstr2b`): the report, dropped
/// outside the timing.
fn engine_gstr2b(register: &Gstr2Payload, gstr2b: &Gstr2b) -> Report {
    Reconciler::new(register, gstr2b)
        .run()
        .expect("the generated amounts fit")
}

/// GSTR2A's `b2b` and `cdn` documents as a GSTR-2B would list them, in its newer layout
/// (amounts on the document, no rates): the same suppliers, numbers, dates and amounts. Read
/// through `Gstr2b::from_json`, as a download would be.
fn as_gstr2b(gstr2a: &Gstr2a) -> Gstr2b {
    use std::fmt::Write as _;
    let sums = |items: &[Item]| {
        items.iter().fold(
            (Decimal::ZERO, [Decimal::ZERO; 4]),
            |(t, [i, c, s, x]), it| {
                let d = &it.detail;
                (
                    t + d.taxable_value,
                    [
                        i + d.igst.unwrap_or_default(),
                        c + d.cgst.unwrap_or_default(),
                        s + d.sgst.unwrap_or_default(),
                        x + d.cess.unwrap_or_default(),
                    ],
                )
            },
        )
    };
    let amounts = |out: &mut String, value: Decimal, items: &[Item]| {
        let (t, [i, c, s, x]) = sums(items);
        let _ = write!(
            out,
            r#""val":{value},"txval":{t},"igst":{i},"cgst":{c},"sgst":{s},"cess":{x}"#
        );
    };
    let mut text = String::from(r#"{"rtnprd":"032024","docdata":{"b2b":["#);
    for (k, sup) in gstr2a.b2b.iter().enumerate() {
        let _ = write!(
            text,
            r#"{}{{"ctin":"{}","inv":["#,
            if k > 0 { "," } else { "" },
            sup.supplier_gstin
        );
        for (j, d) in sup.invoices.iter().enumerate() {
            let _ = write!(
                text,
                r#"{}{{"inum":{},"dt":"{}","rev":"N","#,
                if j > 0 { "," } else { "" },
                serde_json::to_string(&d.number).expect("a string"),
                d.date.format("%d-%m-%Y")
            );
            amounts(&mut text, d.value, &d.items);
            text.push('}');
        }
        text.push_str("]}");
    }
    text.push_str(r#"],"cdnr":["#);
    for (k, sup) in gstr2a.cdn.iter().enumerate() {
        let _ = write!(
            text,
            r#"{}{{"ctin":"{}","nt":["#,
            if k > 0 { "," } else { "" },
            sup.supplier_gstin
        );
        for (j, d) in sup.notes.iter().enumerate() {
            let _ = write!(
                text,
                r#"{}{{"ntnum":{},"typ":"{}","dt":"{}","rev":"N","#,
                if j > 0 { "," } else { "" },
                serde_json::to_string(&d.number).expect("a string"),
                d.note_type.as_str(),
                d.date.format("%d-%m-%Y")
            );
            amounts(&mut text, d.value, &d.items);
            text.push('}');
        }
        text.push_str("]}");
    }
    text.push_str("]}}");
    Gstr2b::from_json(text.as_bytes()).expect("the generated GSTR-2B reads")
}

/// The baseline: the exact-key join only.
fn exact_join(register: &Gstr2Payload, gstr2a: &Gstr2a) -> usize {
    let mut own: Vec<(&str, &str, chrono::NaiveDate)> = register
        .b2b
        .iter()
        .flat_map(|s| {
            s.invoices
                .iter()
                .map(move |i| (s.supplier_gstin.as_str(), i.number.as_str(), i.date))
        })
        .chain(register.cdn.iter().flat_map(|s| {
            s.notes
                .iter()
                .map(move |i| (s.supplier_gstin.as_str(), i.number.as_str(), i.date))
        }))
        .collect();
    let mut cp: Vec<(&str, &str, chrono::NaiveDate)> = gstr2a
        .b2b
        .iter()
        .flat_map(|s| {
            s.invoices
                .iter()
                .map(move |i| (s.supplier_gstin.as_str(), i.number.as_str(), i.date))
        })
        .chain(gstr2a.cdn.iter().flat_map(|s| {
            s.notes
                .iter()
                .map(move |i| (s.supplier_gstin.as_str(), i.number.as_str(), i.date))
        }))
        .collect();
    own.sort_unstable();
    cp.sort_unstable();
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < own.len() && j < cp.len() {
        match own[i].cmp(&cp[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Documents of the hostile case: one supplier, `docs_per_side` invoices a side. Document `k`
/// is on both sides with the same date (one of the fiscal year's 366, in turn) and the same
/// amounts (its own: ₹1000 + k taxable at 18%). Its number is spelt in lower case in the
/// register and in upper case in GSTR2A, so that no two documents pair by the number as
/// written, and no two documents of one date and side are spelt alike (GSTN's repeats would
/// be folded): eight styles, each with more leading zeros in turn. With `one_number`, every
/// number is a spelling of 1 (`inv-1`, `INV/001`, `inv 0001`, `INV#00001`, `inv_001`, ...);
/// otherwise of `k + 1` (`inv-7`, `INV/007`, ...). Either way the normalised pass pairs every
/// document with its counterpart.
fn spellings(docs_per_side: usize, one_number: bool) -> (Gstr2Payload, Gstr2a) {
    // The `q`-th spelling of `n`: its style's prefix and padding, and `q / 8` more zeros.
    let spell = |q: usize, n: usize, upper: bool| {
        let digits = |width: usize| format!("{}{n:0>width$}", "0".repeat(q / 8));
        let number = match q % 8 {
            0 => format!("inv-{}", digits(1)),
            1 => format!("inv/{}", digits(3)),
            2 => format!("Inv {}", digits(4)),
            3 => format!("inv{}", digits(1)),
            4 => format!("inv/2023-24/{}", digits(1)),
            5 => format!("inv#{}", digits(5)),
            6 => format!("inv_{}", digits(2)),
            _ => format!("inv.{}", digits(1)),
        };
        if upper {
            number.to_uppercase()
        } else {
            number.to_lowercase()
        }
    };
    let gstin = |s: &str| s.parse::<Gstin>().expect("a valid GSTIN");
    let (receiver, supplier) = (gstin("27AAPFU0939F1ZV"), gstin("33GSPTN4811G1ZC"));
    let fp = ReturnPeriod::new(3, 2024).expect("March 2024 is a return period");
    let pos: StateCode = "27".parse().expect("a state code");
    let first = NaiveDate::from_ymd_opt(2023, 4, 1).expect("a date");
    let (mut own, mut theirs) = (Vec::new(), Vec::new());
    for k in 0..docs_per_side {
        let n = if one_number { 1 } else { k + 1 };
        let date = first + chrono::Duration::days((k % 366) as i64);
        let taxable = Decimal::from(1000 + k);
        let igst = (taxable * Decimal::new(18, 2)).round_dp(2);
        let items = vec![Item {
            number: 1,
            detail: ItemDetail {
                rate: Decimal::from(18),
                taxable_value: taxable,
                igst: Some(igst),
                cgst: None,
                sgst: None,
                cess: None,
                extra: None,
            },
            itc: None,
        }];
        own.push(B2bInvoice {
            flag: None,
            checksum: None,
            number: spell(k / 366, n, false),
            date,
            value: taxable + igst,
            place_of_supply: pos,
            reverse_charge: YesNo::No,
            uploaded_by: None,
            counterparty_flag: None,
            original_period: None,
            invoice_type: Some(InvoiceType::Regular),
            items: items.clone(),
        });
        theirs.push(Gstr2aInvoice {
            checksum: Some(format!("c{k}")),
            number: spell(k / 366 + 3, n, true),
            date,
            value: taxable + igst,
            place_of_supply: Some(pos),
            reverse_charge: Some(YesNo::No),
            invoice_type: Some(InvoiceType::Regular),
            diff_percent: None,
            amended_in: None,
            amendment_type: None,
            source: None,
            irn: None,
            irn_date: None,
            items,
        });
    }
    let mut register = Gstr2Payload::new(receiver, fp);
    register.b2b.push(B2bSupplier {
        supplier_gstin: supplier,
        filing_status: None,
        invoices: own,
    });
    let mut gstr2a = Gstr2a::default();
    gstr2a.b2b.push(Gstr2aB2bSupplier {
        supplier_gstin: supplier,
        filing_status: Some(YesNo::Yes),
        filing_status_3b: Some(YesNo::Yes),
        cancelled_on: None,
        gstr1_filed_on: None,
        gstr1_period: None,
        invoices: theirs,
    });
    (register, gstr2a)
}

/// The other passes' hostile cases, `n` documents a side of one supplier (and one more of the
/// same PAN), with `one_key` every document naming or bearing one key, else each its own:
/// - `amendments`: the register's `n` amendments each name an original, and `n` originals are
///   there to be replaced (pass 1);
/// - `across`: GSTR2A's `n` amendments each name a register invoice (pass 5);
/// - `same_pan`: `n` register invoices of one GSTIN and `n` GSTR2A invoices of another with the
///   same PAN, numbered alike (pass 7).
fn hostile(case: &str, n: usize, one_key: bool) -> (Gstr2Payload, Gstr2a) {
    let (a, b) = ("33GSPTN4811G1ZC", "29GSPTN4811G1Z1");
    let number = |k: usize| {
        if one_key {
            "inv-1".to_owned()
        } else {
            format!("inv-{k}")
        }
    };
    let day = |k: usize| {
        let d = NaiveDate::from_ymd_opt(2023, 4, 1).expect("a date")
            + chrono::Duration::days((k % 300) as i64);
        d.format("%d-%m-%Y").to_string()
    };
    let items = r#""itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]"#;
    let inv = |num: &str, dt: &str, extra: &str| {
        format!(
            r#"{{"inum":"{num}","idt":"{dt}","val":118,"pos":"27","rchrg":"N"{extra},{items}}}"#
        )
    };
    let join = |v: Vec<String>| v.join(",");
    let fixed = day(0);
    let (register, gstr2a) = match case {
        "amendments" => {
            let originals = join((0..n).map(|k| inv(&number(k), &fixed, "")).collect());
            let amendments = join(
                (0..n)
                    .map(|k| {
                        let o = format!(r#","oinum":"{}","oidt":"{fixed}""#, number(k));
                        inv(&format!("A-{k}"), &day(k), &o)
                    })
                    .collect(),
            );
            (
                format!(
                    r#""b2b":[{{"ctin":"{a}","inv":[{originals}]}}],"b2ba":[{{"ctin":"{a}","inv":[{amendments}]}}]"#
                ),
                String::new(),
            )
        }
        "across" => {
            let own = join((0..n).map(|k| inv(&number(k), &fixed, "")).collect());
            let theirs = join(
                (0..n)
                    .map(|k| {
                        let o = format!(r#","oinum":"{}","oidt":"{fixed}""#, number(k));
                        inv(&format!("A-{k}"), &day(k + 1), &o)
                    })
                    .collect(),
            );
            (
                format!(r#""b2b":[{{"ctin":"{a}","inv":[{own}]}}]"#),
                format!(r#""b2ba":[{{"ctin":"{a}","cfs":"Y","inv":[{theirs}]}}]"#),
            )
        }
        _ => {
            let own = join((0..n).map(|k| inv(&number(k), &day(k), "")).collect());
            let theirs = join((0..n).map(|k| inv(&number(k), &day(k), "")).collect());
            (
                format!(r#""b2b":[{{"ctin":"{a}","inv":[{own}]}}]"#),
                format!(r#""b2b":[{{"ctin":"{b}","cfs":"Y","inv":[{theirs}]}}]"#),
            )
        }
    };
    let register = format!(r#"{{"gstin":"27AAPFU0939F1ZV","fp":"032024",{register}}}"#);
    let gstr2a = format!("{{{gstr2a}}}");
    (
        gstr2_model::json::from_str(&register).expect("the hostile register reads"),
        gstr2_model::json::from_str(&gstr2a).expect("the hostile GSTR2A reads"),
    )
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// CPU time (user + system) of this process so far, from `/proc/self/stat` (Linux; zero
/// elsewhere). Under a loaded machine it is steadier than wall time.
fn cpu_time() -> Duration {
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            // After the command: state is field 3, utime 14, stime 15 (1-based over the line).
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// Median wall time and median CPU time of `runs` runs; what a run gives is dropped after its
/// clock stops.
fn time<T>(runs: usize, f: impl Fn() -> T) -> (Duration, Duration) {
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..runs {
        let (t, c) = (Instant::now(), cpu_time());
        let out = black_box(f());
        wall.push(t.elapsed());
        cpu.push(cpu_time().saturating_sub(c));
        drop(out);
    }
    (median(wall), median(cpu))
}

fn main() {
    let max: usize = std::env::var("RECON_BENCH_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut c = Criterion::default().configure_from_args();
    let mut figures = Vec::new();
    let mut engine_times = std::collections::BTreeMap::new();
    let mut streamed_times = std::collections::BTreeMap::new();
    let mut join_times = std::collections::BTreeMap::new();
    let mut sources = Vec::new();
    let mut cases: Vec<(String, usize, bool)> = [10_000usize, 100_000, 1_000_000]
        .into_iter()
        .filter(|&n| n <= max)
        .map(|n| (format!("{}k", n / 1000), n, false))
        .collect();
    if 100_000 <= max {
        cases.push(("100k_one_supplier".into(), 100_000, true));
    }
    for (name, n, one) in cases {
        let (register, gstr2a) = recon_data::generate(42, n, one);
        let quick = std::env::var_os("RECON_BENCH_QUICK").is_some();
        let mut group = c.benchmark_group("reconcile");
        group.throughput(Throughput::Elements(2 * n as u64));
        if n >= 1_000_000 {
            group
                .sample_size(10)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(60));
        } else if n >= 100_000 {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(15));
        } else {
            group
                .sample_size(20)
                .measurement_time(Duration::from_secs(5));
        }
        if !quick {
            group.bench_with_input(BenchmarkId::new("engine", &name), &(), |b, _| {
                b.iter_with_large_drop(|| engine(&register, &gstr2a))
            });
            group.bench_with_input(BenchmarkId::new("engine_streamed", &name), &(), |b, _| {
                b.iter_with_large_drop(|| engine_streamed(&register, &gstr2a))
            });
            group.bench_with_input(
                BenchmarkId::new("baseline_exact_join", &name),
                &(),
                |b, _| b.iter(|| exact_join(&register, &gstr2a)),
            );
        }
        group.finish();
        let runs = if n >= 1_000_000 { 3 } else { 5 };
        let e = time(runs, || engine(&register, &gstr2a));
        let st = time(runs, || engine_streamed(&register, &gstr2a));
        let b = time(runs, || exact_join(&register, &gstr2a));
        engine_times.insert(name.clone(), e);
        streamed_times.insert(name.clone(), st);
        join_times.insert(name.clone(), b);
        // The same documents from a GSTR-2B (amounts on the documents): per document, not
        // slower than GSTR2A.
        if !one && n >= 100_000 {
            let gstr2b = as_gstr2b(&gstr2a);
            let docs_2a = gstr2a.document_count();
            let docs_2b = gstr2b.documents.document_count();
            if !quick {
                let mut group = c.benchmark_group("reconcile_sources");
                group.throughput(Throughput::Elements((n + docs_2b) as u64));
                group
                    .sample_size(10)
                    .measurement_time(Duration::from_secs(if n >= 1_000_000 { 60 } else { 15 }));
                group.bench_with_input(BenchmarkId::new("gstr2a", &name), &(), |bn, _| {
                    bn.iter_with_large_drop(|| engine(&register, &gstr2a))
                });
                group.bench_with_input(BenchmarkId::new("gstr2b", &name), &(), |bn, _| {
                    bn.iter_with_large_drop(|| engine_gstr2b(&register, &gstr2b))
                });
                group.finish();
            }
            let g = time(runs, || engine_gstr2b(&register, &gstr2b));
            let per = |t: Duration, docs: usize| t.as_secs_f64() * 1e9 / (n + docs) as f64;
            sources.push(format!(
                "{name:>18}: GSTR2A {:>7.3}s wall ({:.0} ns a document), GSTR-2B {:>7.3}s wall ({:.0} ns a document): 2B/2A per document {:.2}x wall, {:.2}x cpu",
                e.0.as_secs_f64(),
                per(e.0, docs_2a),
                g.0.as_secs_f64(),
                per(g.0, docs_2b),
                per(g.0, docs_2b) / per(e.0, docs_2a),
                (g.1.as_secs_f64() / (n + docs_2b) as f64)
                    / (e.1.as_secs_f64() / (n + docs_2a) as f64).max(1e-12)
            ));
        }
        for (what, t) in [("engine", e), ("streamed", st)] {
            figures.push(format!(
                "{name:>18}: {what:>8} {:>8.3}s wall {:>8.3}s cpu   baseline {:>7.3}s wall {:>7.3}s cpu   {what}/baseline {:>5.1}x wall {:>5.1}x cpu",
                t.0.as_secs_f64(),
                t.1.as_secs_f64(),
                b.0.as_secs_f64(),
                b.1.as_secs_f64(),
                t.0.as_secs_f64() / b.0.as_secs_f64(),
                t.1.as_secs_f64() / b.1.as_secs_f64().max(0.001)
            ));
        }
    }
    // The hostile case: every number a spelling of one, beside the same documents with
    // distinct numbers.
    let n = 19_200;
    let mut spelt = Vec::new();
    let spelt_cases = [("one_number", true), ("distinct_numbers", false)];
    for (name, one_number) in spelt_cases.into_iter().filter(|_| n <= max) {
        let (register, gstr2a) = spellings(n, one_number);
        // The pairs the engine is to find: every document with its counterpart.
        let report = engine(&register, &gstr2a);
        assert!(
            report
                .results
                .iter()
                .all(|r| r.rule == Some(Rule::Normalised)
                    && r.own.as_ref().map(|s| (s.key.date, s.value))
                        == r.counterparty.as_ref().map(|s| (s.key.date, s.value))),
            "{name}: every document paired with its counterpart by the normalised pass"
        );
        assert_eq!(report.results.len(), n, "{name}: every document paired");
        let mut group = c.benchmark_group("reconcile_spellings");
        group.throughput(Throughput::Elements(2 * n as u64));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(10));
        if std::env::var_os("RECON_BENCH_QUICK").is_none() {
            group.bench_with_input(
                BenchmarkId::new("engine", format!("{name}_{}k", n / 1000)),
                &(),
                |b, _| b.iter_with_large_drop(|| engine(&register, &gstr2a)),
            );
        }
        group.finish();
        spelt.push((name, time(5, || engine(&register, &gstr2a))));
    }
    // The other passes' hostile cases, each beside the same count with a key of its own.
    let mut others = Vec::new();
    for case in ["amendments", "across", "same_pan"]
        .into_iter()
        .filter(|_| n <= max)
    {
        let (r1, a1) = hostile(case, n, true);
        let (r2, a2) = hostile(case, n, false);
        others.push((
            case,
            time(3, || engine(&r1, &a1)),
            time(3, || engine(&r2, &a2)),
        ));
    }
    println!(
        "\nreconcile, median wall time per run ({} cores):",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for f in &figures {
        println!("{f}");
    }
    let of = |times: &std::collections::BTreeMap<String, (Duration, Duration)>, k: &str| {
        times
            .get(k)
            .map(|(w, c)| (w.as_secs_f64(), c.as_secs_f64()))
    };
    let get = |k: &str| of(&engine_times, k);
    for (what, times) in [
        ("engine (report kept)", &engine_times),
        ("engine streamed (results handed over)", &streamed_times),
    ] {
        if let (Some(a), Some(b)) = (of(times, "100k"), of(times, "1000k")) {
            println!(
                "growth 100k -> 1M, {what}: {:.1}x wall, {:.1}x cpu, for 10x the documents (limit 12x)",
                b.0 / a.0,
                b.1 / a.1.max(0.001)
            );
        }
    }
    if let (Some(a), Some(b)) = (of(&join_times, "100k"), of(&join_times, "1000k")) {
        // What the machine makes of 10x the data: a sort-and-walk join grows by this much too.
        println!(
            "  the exact-key join's growth in the same run: {:.1}x wall, {:.1}x cpu",
            b.0 / a.0,
            b.1 / a.1.max(0.001)
        );
    }
    if let (Some(a), Some(b)) = (get("100k"), get("100k_one_supplier")) {
        println!(
            "one supplier / many suppliers at 100k: {:.2}x wall, {:.2}x cpu",
            b.0 / a.0,
            b.1 / a.1.max(0.001)
        );
    }
    for (name, t) in &spelt {
        println!(
            "{:>18}: engine {:>8.3}s wall {:>8.3}s cpu   ({} documents a side, one supplier)",
            format!("{name}_{}k", n / 1000),
            t.0.as_secs_f64(),
            t.1.as_secs_f64(),
            n
        );
    }
    for f in &sources {
        println!("{f}");
    }
    for (case, one, distinct) in &others {
        println!(
            "{case:>18}: one key {:>7.3}s wall, each its own {:>7.3}s wall: {:.2}x wall, {:.2}x cpu ({n} documents a side)",
            one.0.as_secs_f64(),
            distinct.0.as_secs_f64(),
            one.0.as_secs_f64() / distinct.0.as_secs_f64(),
            one.1.as_secs_f64() / distinct.1.as_secs_f64().max(0.001)
        );
    }
    if let [(_, one), (_, distinct)] = spelt[..] {
        println!(
            "one number / distinct numbers at {}k: {:.2}x wall, {:.2}x cpu (limit 3x)",
            n / 1000,
            one.0.as_secs_f64() / distinct.0.as_secs_f64(),
            one.1.as_secs_f64() / distinct.1.as_secs_f64().max(0.001)
        );
    }
    c.final_summary();
}
