//! The `reconcile` example's job end to end on the sample folder (`examples/data/`): every file
//! it writes is what the library gives for the same inputs, and bad input stops it with the
//! file and the place named.

use std::path::{Path, PathBuf};

use gstr2::model::{csv, json, Gstr2a};
use gstr2::recon::{local_summary, write_results_csv, Decisions, Reconciler};

use crate::reconcile_job::{run, Args};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data")
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_reconcile_example_writes_what_the_library_gives() {
    let out = tempfile::tempdir().expect("a temporary folder");
    run(Args {
        purchases: data(),
        gstr2a: data().join("gstr2a.json"),
        out: out.path().to_owned(),
        ..Args::default()
    })
    .expect("the job runs");

    // The same inputs through the library: GSTIN and period are the GSTR2A file's.
    let gstr2a: Gstr2a = json::from_slice(&read(&data(), "gstr2a.json")).expect("GSTR2A");
    let (gstin, fp) = (gstr2a.gstin.expect("gstin"), gstr2a.fp.expect("fp"));
    let register = csv::read_dir(&data(), gstin, fp).expect("the sample folder");
    let decisions = Decisions::default();
    let inputs = Reconciler::new(&register, &gstr2a).decisions(&decisions);
    let report = inputs.run().expect("reconciled");
    assert!(report.results.len() > 5, "{} results", report.results.len());
    assert_eq!(
        read(out.path(), "results.json"),
        serde_json::to_vec(&report).expect("json")
    );
    let mut results_csv = Vec::new();
    write_results_csv(&report, &mut results_csv).expect("csv");
    assert_eq!(read(out.path(), "results.csv"), results_csv);
    let payloads = inputs.save_payloads(&report).expect("payloads");
    assert_eq!(
        read(out.path(), "payload-upsert.json"),
        json::to_vec(&payloads.upsert).expect("json")
    );
    assert_eq!(
        read(out.path(), "payload-delete.json"),
        json::to_vec(&payloads.delete).expect("json")
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&read(out.path(), "summary.json")).expect("summary.json");
    assert_eq!(
        summary["reconciliation"],
        serde_json::to_value(&report.summary).expect("json")
    );
    assert_eq!(
        summary["retsum"],
        serde_json::to_value(local_summary(&payloads, None).expect("a summary")).expect("json")
    );
}

#[test]
fn bad_input_and_an_unwritable_folder_are_named() {
    let out = tempfile::tempdir().expect("a temporary folder");
    // A register row with an amount that is not a number.
    let bad = tempfile::tempdir().expect("a temporary folder");
    let mut b2b = String::from_utf8(read(&data(), "b2b.csv")).expect("utf-8");
    let header = b2b.lines().next().expect("a header").to_owned();
    let txval = header
        .split(',')
        .position(|c| c.trim() == "txval")
        .expect("a txval column");
    let row = b2b.lines().nth(1).expect("a row").to_owned();
    let broken: Vec<&str> = row
        .split(',')
        .enumerate()
        .map(|(i, v)| if i == txval { "12x" } else { v })
        .collect();
    b2b = format!("{header}\n{}\n", broken.join(","));
    std::fs::write(bad.path().join("b2b.csv"), b2b).expect("written");
    let e = run(Args {
        purchases: bad.path().to_owned(),
        gstr2a: data().join("gstr2a.json"),
        out: out.path().to_owned(),
        ..Args::default()
    })
    .expect_err("a bad amount");
    assert!(e.contains("b2b.csv line 2") && e.contains("txval"), "{e}");
    assert!(e.starts_with(&bad.path().display().to_string()), "{e}");

    // The output folder is a file.
    let file = out.path().join("a-file");
    std::fs::write(&file, b"").expect("written");
    let e = run(Args {
        purchases: data(),
        gstr2a: data().join("gstr2a.json"),
        out: file.clone(),
        ..Args::default()
    })
    .expect_err("cannot write there");
    assert!(e.contains(&file.display().to_string()), "{e}");

    // A missing GSTR2A file.
    let e = run(Args {
        purchases: data(),
        gstr2a: data().join("missing.json"),
        out: out.path().to_owned(),
        ..Args::default()
    })
    .expect_err("no such file");
    assert!(e.contains("missing.json"), "{e}");
}

#[test]
fn warnings_are_shown_a_screenful_at_most_and_kept_in_a_file() {
    // GSTN's file as it comes: a byte-order mark, a supplier GSTIN failing its check character.
    let text = String::from_utf8(read(&data(), "gstr2a.json")).expect("utf-8");
    let ctin = "33GSPTN4811G1ZC";
    assert!(text.contains(ctin), "the sample has {ctin}");
    let odd = tempfile::tempdir().expect("a temporary folder");
    let gstr2a = odd.path().join("gstr2a.json");
    std::fs::write(
        &gstr2a,
        format!("\u{feff}{}", text.replace(ctin, "33GSPTN4811G1ZX")),
    )
    .expect("written");
    let out = tempfile::tempdir().expect("a temporary folder");
    run(Args {
        purchases: data(),
        gstr2a: gstr2a.clone(),
        out: out.path().to_owned(),
        ..Args::default()
    })
    .expect("the job runs on GSTN's file as it comes");
    let warnings = String::from_utf8(read(out.path(), "warnings.txt")).expect("utf-8");
    assert!(!warnings.is_empty());
    for line in warnings.lines() {
        assert!(
            line.contains("33GSPTN4811G1ZX: check character is X, expected C"),
            "{line}"
        );
    }
    for name in [
        "results.json",
        "results.csv",
        "summary.json",
        "payload-upsert.json",
    ] {
        assert!(!read(out.path(), name).is_empty(), "{name} written");
    }

    // A screenful, then a count.
    let many: Vec<gstr2::model::Warning> = (0..25)
        .map(|i| gstr2::model::Warning {
            path: format!("b2b[{i}].ctin"),
            problem: gstr2::model::warning::Problem::Duplicate {
                first: "b2b[0].inv[0]".into(),
                identical: true,
            },
        })
        .collect();
    let lines = crate::reconcile_job::warning_lines(&gstr2a, out.path(), &many);
    assert_eq!(lines.len(), 21);
    assert!(
        lines[0]
            .ends_with("gstr2a.json: b2b[0].ctin: the same document as b2b[0].inv[0] (identical)"),
        "{}",
        lines[0]
    );
    assert!(
        lines[20].starts_with("warning: 5 more in "),
        "{}",
        lines[20]
    );
    assert_eq!(
        crate::reconcile_job::warning_lines(&gstr2a, out.path(), &many[..3]).len(),
        3
    );
}
