//! The model's codecs at scale: a generated ~100 MB `b2b` CSV decoded into typed documents,
//! side by side with the csv crate merely reading the same bytes as raw `ByteRecord`s (the
//! ratio of the two throughputs is the figure of merit: the aim is at least one half), then JSON
//! encode and decode of the resulting payload.
//!
//! The generated CSV has no quote char, so the typed read takes the reader's quote-free fast
//! lane (records and fields split by hand, no csv_core); the raw read is the csv crate's. The
//! bytes are in memory, as they are for the raw read: the typed read decodes them in place
//! (`csv::read_b2b_from_slice`), and once more through `Read` (`csv::read_b2b`, each block
//! copied out of the input, as from a file) for comparison.
//!
//! `cargo bench --bench model_codec`; `B2B_CSV_MB=20` makes the input smaller. The typed read
//! decodes a large input on every core it may use (the raw read stays on one):
//! `taskset -c 0 cargo bench --bench model_codec` gives the one-thread figure. With a filter
//! that only the CSV benches match (`-- b2b_csv_decode`), the JSON payload is not even built,
//! so that a profile of the run shows the CSV reading alone.
//!
//! The typed read builds about 240 MB of documents per 100 MB of CSV, by the types' sizes (257k
//! invoices of 128 bytes and their numbers; 770k items of 136 bytes, each with a 96-byte ITC box);
//! each iteration's are freed after it, and glibc gives that memory back, so the next iteration
//! pays the kernel again for fresh pages: on the 2-core virtual machine of 2026-12-05, about 28k
//! page faults a read in place and 50k through `Read`, which also keeps the 100 MB it read until
//! the end, in case it must read them again on one thread. Run with
//! `GLIBC_TUNABLES=glibc.malloc.top_pad=268435456` to keep the memory between iterations and see
//! the decoding without that cost; a program that reads once pays it either way.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use gstr2_model::{csv, json, Gstr2Payload};

#[path = "support/b2b_csv.rs"]
mod b2b_csv;

fn input() -> Vec<u8> {
    let mb: usize = std::env::var("B2B_CSV_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    b2b_csv::generate(mb * 1_000_000, 2017).0
}

fn raw_records(bytes: &[u8]) -> usize {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    let mut record = ::csv::ByteRecord::new();
    let mut n = 0;
    while reader.read_byte_record(&mut record).unwrap_or(false) {
        n += record.len();
    }
    n
}

fn decode(c: &mut Criterion) {
    let bytes = input();
    let mut group = c.benchmark_group("b2b_csv_decode");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("csv_raw_byte_records", |b| {
        b.iter(|| raw_records(black_box(&bytes)))
    });
    // The decoded register is dropped outside the timing: the figure is decoding, not freeing.
    // The bytes are in memory, as the raw read's are: decoded in place on every core.
    group.bench_function("gstr2_typed_read_b2b", |b| {
        b.iter_with_large_drop(|| csv::read_b2b_from_slice(black_box(&bytes[..])))
    });
    // The same bytes through `Read`, as from a file: every block is copied out of the input.
    group.bench_function("gstr2_typed_read_b2b_reader", |b| {
        b.iter_with_large_drop(|| csv::read_b2b(black_box(&bytes[..])))
    });
    group.finish();

    // The payload and its JSON are made only when the JSON benches may run, so that a profile
    // of `-- b2b_csv_decode` shows the CSV reading alone (no JSON encoding).
    if !may_run("payload_json/encode") && !may_run("payload_json/decode") {
        return;
    }
    let mut payload = Gstr2Payload::new(
        "27AAPFU0939F1ZV".parse().expect("valid GSTIN"),
        "072017".parse().expect("valid period"),
    );
    payload.b2b = csv::read_b2b(&bytes[..]).expect("the generated CSV reads");
    drop(bytes);
    let text = json::to_vec(&payload).expect("encode");
    let mut group = c.benchmark_group("payload_json");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("encode", |b| {
        b.iter(|| json::to_vec(black_box(&payload)).map(|v| v.len()))
    });
    group.bench_function("decode", |b| {
        b.iter_with_large_drop(|| json::from_slice::<Gstr2Payload>(black_box(&text)))
    });
    group.finish();
}

/// Whether criterion's command line may select the bench `id`: `false` only for a plain
/// filter (no regex syntax) that `id` does not contain; anything unusual counts as `true`.
fn may_run(id: &str) -> bool {
    // Options of criterion 0.5 that take a value as the next argument.
    const VALUED: &[&str] = &[
        "-c",
        "--color",
        "-s",
        "--save-baseline",
        "-b",
        "--baseline",
        "--baseline-lenient",
        "--load-baseline",
        "--sample-size",
        "--warm-up-time",
        "--measurement-time",
        "--nresamples",
        "--noise-threshold",
        "--confidence-level",
        "--significance-level",
        "--profile-time",
        "--plotting-backend",
        "--output-format",
        "--format",
    ];
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if VALUED.contains(&arg.as_str()) {
            args.next();
        } else if !arg.starts_with('-') {
            let plain = arg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_/".contains(&b));
            return !plain || id.contains(&arg);
        }
    }
    true
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    decode(&mut c);
    c.final_summary();
}
