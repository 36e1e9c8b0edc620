//! The reconciliation engine at scale, on the seeded generator's realistic mix (exact,
//! renumbered, within and beyond tolerance, missing on either side, credit notes, suppliers with
//! `cfs` = `N`): 10k, 100k and 1M documents per side, and the worst case of every document under
//! one supplier.
//!
//! Side by side in the same run, a baseline: an exact-key join of the two sides (sort both by
//! supplier, type, number and date and walk them), the least any reconciliation must do. The
//! figures of merit, printed at the end: the engine's time over the baseline's, the growth from
//! 100k to 1M (must stay within 12x for 10x the documents), and one supplier over many.
//!
//! `cargo bench --bench recon`; `RECON_BENCH_MAX=100000` skips the 1M size.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use gstr2_model::{Gstr2Payload, Gstr2a};
use gstr2_recon::{reconcile, Decisions, Inputs, MatchConfig};

#[path = "support/recon_data.rs"]
mod recon_data;

fn engine(register: &Gstr2Payload, gstr2a: &Gstr2a) -> usize {
    let decisions = Decisions::default();
    let inputs = Inputs {
        register,
        gstr2a,
        decisions: &decisions,
        previously_saved: None,
    };
    let report = reconcile(&inputs, &MatchConfig::default());
    report.results.len()
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

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time(runs: usize, f: impl Fn() -> usize) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let max: usize = std::env::var("RECON_BENCH_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut c = Criterion::default().configure_from_args();
    let mut figures = Vec::new();
    let mut engine_times = std::collections::BTreeMap::new();
    let mut cases: Vec<(String, usize, bool)> = [10_000usize, 100_000, 1_000_000]
        .into_iter()
        .filter(|&n| n <= max)
        .map(|n| (format!("{}k", n / 1000), n, false))
        .collect();
    cases.push(("100k_one_supplier".into(), 100_000, true));
    for (name, n, one) in cases {
        let (register, gstr2a) = recon_data::generate(42, n, one);
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
        group.bench_with_input(BenchmarkId::new("engine", &name), &(), |b, _| {
            b.iter(|| engine(&register, &gstr2a))
        });
        group.bench_with_input(
            BenchmarkId::new("baseline_exact_join", &name),
            &(),
            |b, _| b.iter(|| exact_join(&register, &gstr2a)),
        );
        group.finish();
        let runs = if n >= 1_000_000 { 3 } else { 5 };
        let e = time(runs, || engine(&register, &gstr2a));
        let b = time(runs, || exact_join(&register, &gstr2a));
        engine_times.insert(name.clone(), e);
        figures.push(format!(
            "{name:>18}: engine {:>9.3}s  baseline {:>8.3}s  engine/baseline {:>5.1}x",
            e.as_secs_f64(),
            b.as_secs_f64(),
            e.as_secs_f64() / b.as_secs_f64()
        ));
    }
    println!(
        "\nreconcile, median wall time per run ({} cores):",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for f in &figures {
        println!("{f}");
    }
    let get = |k: &str| engine_times.get(k).map(Duration::as_secs_f64);
    if let (Some(a), Some(b)) = (get("100k"), get("1000k")) {
        println!(
            "growth 100k -> 1M: {:.1}x for 10x the documents (limit 12x)",
            b / a
        );
    }
    if let (Some(a), Some(b)) = (get("100k"), get("100k_one_supplier")) {
        println!("one supplier / many suppliers at 100k: {:.2}x", b / a);
    }
    c.final_summary();
}
