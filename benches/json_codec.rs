//! The JSON codec's hot paths, each side by side with its baseline in the same run:
//!
//! - GSTR2A decode of the seeded generator's realistic download: the one-thread
//!   `json::from_slice` (the baseline) and `json::gstr2a_from_slice_parallel` on every core;
//! - amounts written as JSON numbers: `gstr2_model::amount::serialize` and rust_decimal's
//!   `serde::arbitrary_precision::serialize` (the baseline), on the same amounts;
//! - dates written as `DD-MM-YYYY`: `gstr2_model::date::serialize` and chrono's `%d-%m-%Y`
//!   (the baseline).
//!
//! The figures of merit, printed at the end: each baseline's time over ours (higher is better).
//!
//! `cargo bench --bench json_codec`; `JSON_BENCH_DOCS=1000000` sets the generated download's size
//! (documents; 200000 by default, about 50 MB), `JSON_BENCH_ONE_SUPPLIER=1` puts them all under
//! one supplier (whose documents the parallel read splits), `GSTR2A_JSON=path` decodes that file instead
//! (e.g. `target/baselines/data-1000000-42/gstr2a.json`), `JSON_BENCH_QUICK=1` skips the
//! criterion groups and prints only the figures (best of five, wall and CPU time).

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{Criterion, Throughput};
use gstr2_model::{json, Gstr2a};
use rust_decimal::Decimal;
use serde::Serialize;

use gstr2_demo::recon_data;

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn env_flag(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0")
}

/// The GSTR2A bytes to decode: the named file, or a generated download.
fn gstr2a_bytes() -> (String, Vec<u8>) {
    if let Some(path) = std::env::var_os("GSTR2A_JSON") {
        let bytes = std::fs::read(&path).expect("GSTR2A_JSON names a readable file");
        return (format!("{}", std::path::Path::new(&path).display()), bytes);
    }
    let docs: usize = std::env::var("JSON_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let one_supplier = env_flag("JSON_BENCH_ONE_SUPPLIER");
    let (_, gstr2a) = recon_data::generate(42, docs, one_supplier);
    let bytes = json::to_vec(&gstr2a).expect("the generated download encodes");
    let suppliers = if one_supplier {
        "one supplier"
    } else {
        "many suppliers"
    };
    (
        format!("generated, {docs} documents per side, {suppliers}"),
        bytes,
    )
}

/// Every amount and date of a download, to write them on their own.
fn amounts_and_dates(gstr2a: &Gstr2a) -> (Vec<Decimal>, Vec<NaiveDate>) {
    let mut amounts = Vec::new();
    let mut dates = Vec::new();
    for invoice in gstr2a.b2b.iter().flat_map(|s| &s.invoices) {
        amounts.push(invoice.value);
        dates.push(invoice.date);
        for item in &invoice.items {
            let d = &item.detail;
            amounts.push(d.taxable_value);
            amounts.extend([d.igst, d.cgst, d.sgst, d.cess].into_iter().flatten());
        }
    }
    (amounts, dates)
}

#[derive(Serialize)]
struct Ours<'a>(#[serde(serialize_with = "ours_amounts")] &'a [Decimal]);

#[derive(Serialize)]
struct Theirs<'a>(#[serde(serialize_with = "their_amounts")] &'a [Decimal]);

fn ours_amounts<S: serde::Serializer>(v: &&[Decimal], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct One<'a>(#[serde(with = "gstr2_model::amount")] &'a Decimal);
    s.collect_seq(v.iter().map(One))
}

fn their_amounts<S: serde::Serializer>(v: &&[Decimal], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct One<'a>(#[serde(with = "rust_decimal::serde::arbitrary_precision")] &'a Decimal);
    s.collect_seq(v.iter().map(One))
}

#[derive(Serialize)]
struct OurDates<'a>(#[serde(serialize_with = "our_dates")] &'a [NaiveDate]);

#[derive(Serialize)]
struct ChronoDates<'a>(#[serde(serialize_with = "chrono_dates")] &'a [NaiveDate]);

fn our_dates<S: serde::Serializer>(v: &&[NaiveDate], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct One<'a>(#[serde(with = "gstr2_model::date")] &'a NaiveDate);
    s.collect_seq(v.iter().map(One))
}

fn chrono_dates<S: serde::Serializer>(v: &&[NaiveDate], s: S) -> Result<S::Ok, S::Error> {
    struct One<'a>(&'a NaiveDate);
    impl Serialize for One<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(&self.0.format("%d-%m-%Y"))
        }
    }
    s.collect_seq(v.iter().map(One))
}

/// Writes `value` as JSON into `out`, reused between runs.
fn write_json<T: Serialize>(out: &mut Vec<u8>, value: &T) -> usize {
    out.clear();
    serde_json::to_writer(&mut *out, value).expect("writes");
    out.len()
}

fn cpu_time() -> Duration {
    // Process CPU time from /proc/self/stat (user + system, in clock ticks of 10 ms): Linux only,
    // zero elsewhere.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// Best wall time of five runs, and the CPU time of that run.
fn best_of_five<R>(mut f: impl FnMut() -> R) -> (Duration, Duration) {
    let mut best = (Duration::MAX, Duration::ZERO);
    for _ in 0..5 {
        let (cpu, wall) = (cpu_time(), Instant::now());
        let result = f();
        let wall = wall.elapsed();
        let cpu = cpu_time().saturating_sub(cpu);
        drop(black_box(result));
        if wall < best.0 {
            best = (wall, cpu);
        }
    }
    best
}

fn figures(bytes: &[u8], amounts: &[Decimal], dates: &[NaiveDate]) {
    let n = threads();
    let serial = best_of_five(|| json::from_slice::<Gstr2a>(black_box(bytes)).map(|g| g.b2b.len()));
    let parallel =
        best_of_five(|| json::gstr2a_from_slice_parallel(black_box(bytes), n).map(|g| g.b2b.len()));
    let mut out = Vec::new();
    let ours = best_of_five(|| write_json(&mut out, &Ours(black_box(amounts))));
    let theirs = best_of_five(|| write_json(&mut out, &Theirs(black_box(amounts))));
    let our_dates = best_of_five(|| write_json(&mut out, &OurDates(black_box(dates))));
    let chrono = best_of_five(|| write_json(&mut out, &ChronoDates(black_box(dates))));
    let mb = bytes.len() as f64 / 1e6;
    let row = |name: &str, (wall, cpu): (Duration, Duration)| {
        println!("  {name:<40} wall {wall:>10.2?}   cpu {cpu:>10.2?}");
    };
    let ratio = |base: (Duration, Duration), ours: (Duration, Duration)| {
        base.0.as_secs_f64() / ours.0.as_secs_f64().max(1e-9)
    };
    println!("GSTR2A decode, {mb:.1} MB:");
    row("one thread (json::from_slice)", serial);
    row(
        &format!("gstr2a_from_slice_parallel, {n} threads"),
        parallel,
    );
    println!("  speed-up: {:.2}x", ratio(serial, parallel));
    println!("{} amounts as JSON numbers:", amounts.len());
    row("rust_decimal arbitrary_precision", theirs);
    row("gstr2_model::amount", ours);
    println!("  speed-up: {:.2}x", ratio(theirs, ours));
    println!("{} dates as DD-MM-YYYY:", dates.len());
    row("chrono %d-%m-%Y", chrono);
    row("gstr2_model::date", our_dates);
    println!("  speed-up: {:.2}x", ratio(chrono, our_dates));
}

fn main() {
    let (source, bytes) = gstr2a_bytes();
    println!("GSTR2A input: {source}, {} bytes", bytes.len());
    let gstr2a: Gstr2a = json::from_slice(&bytes).expect("the input decodes");
    assert_eq!(
        json::gstr2a_from_slice_parallel(&bytes, threads()).expect("decodes on every core"),
        gstr2a,
        "the parallel read must give the one-thread reading's download"
    );
    let (amounts, dates) = amounts_and_dates(&gstr2a);
    drop(gstr2a);

    if !env_flag("JSON_BENCH_QUICK") {
        let mut c = Criterion::default().configure_from_args();
        let mut group = c.benchmark_group("gstr2a_decode");
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(10));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("one_thread", |b| {
            b.iter_with_large_drop(|| json::from_slice::<Gstr2a>(black_box(&bytes)))
        });
        group.bench_function("parallel", |b| {
            b.iter_with_large_drop(|| {
                json::gstr2a_from_slice_parallel(black_box(&bytes), threads())
            })
        });
        group.finish();

        let mut out = Vec::with_capacity(amounts.len() * 16);
        let mut group = c.benchmark_group("amount_serialize");
        group.throughput(Throughput::Elements(amounts.len() as u64));
        group.bench_function("rust_decimal_arbitrary_precision", |b| {
            b.iter(|| write_json(&mut out, &Theirs(black_box(&amounts))))
        });
        group.bench_function("gstr2_model_amount", |b| {
            b.iter(|| write_json(&mut out, &Ours(black_box(&amounts))))
        });
        group.finish();

        let mut group = c.benchmark_group("date_serialize");
        group.throughput(Throughput::Elements(dates.len() as u64));
        group.bench_function("chrono_format", |b| {
            b.iter(|| write_json(&mut out, &ChronoDates(black_box(&dates))))
        });
        group.bench_function("gstr2_model_date", |b| {
            b.iter(|| write_json(&mut out, &OurDates(black_box(&dates))))
        });
        group.finish();
        c.final_summary();
    }

    figures(&bytes, &amounts, &dates);
}
