//! The `reconcile` example's job end to end on the sample folder (`examples/data/`): every file
//! it writes is what the library gives for the same inputs, and bad input stops it with the
//! file and the place named.

use std::path::{Path, PathBuf};

use gstr2::model::gstr2b::Gstr2b;
use gstr2::model::ims::ImsRecords;
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
fn against_ims_the_example_writes_the_actions_the_save_and_the_expected_itc() {
    let out = tempfile::tempdir().expect("a temporary folder");
    run(Args {
        purchases: data(),
        ims: Some(data().join("ims.json")),
        out: out.path().to_owned(),
        period: Some("072017".parse().expect("a period")),
        ..Args::default()
    })
    .expect("the job runs");

    let records = ImsRecords::from_json(&read(&data(), "ims.json")).expect("IMS records");
    let gstin = records.gstin.expect("the file names its GSTIN");
    let register = csv::read_dir(&data(), gstin, "072017".parse().expect("a period"))
        .expect("the sample folder");
    let reconciler = Reconciler::new(&register, &records);
    let report = reconciler.run().expect("reconciled");
    assert_eq!(
        read(out.path(), "results.json"),
        serde_json::to_vec(&report).expect("json")
    );
    let actions = reconciler.ims_actions(&report.results);
    assert_eq!(
        actions.len(),
        records.document_count(),
        "one action a record"
    );
    let bodies = reconciler.ims_bodies(&actions).expect("an IMS source");
    let save = bodies.save.expect("the demo changes some records");
    assert_eq!(
        read(out.path(), "ims-save.json"),
        json::to_vec(&save.records).expect("json")
    );
    let itc = reconciler
        .expected_itc(&actions)
        .expect("an IMS source")
        .expect("fits");
    assert_eq!(
        read(out.path(), "itc-expected.json"),
        json::to_vec(&itc).expect("json")
    );

    // The CSV's last columns: the recommended action and its reasons, one a result; every
    // policy case of the demo is there.
    let text = String::from_utf8(read(out.path(), "results.csv")).expect("utf8");
    let mut rows = ::csv::Reader::from_reader(text.as_bytes());
    let header = rows.headers().expect("a header").clone();
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (action, reasons, number) = (at("ims_action"), at("ims_reasons"), at("cp_number"));
    let rows: Vec<(String, String, String)> = rows
        .records()
        .map(|r| {
            let r = r.expect("a row");
            (
                r[number].to_owned(),
                r[action].to_owned(),
                r[reasons].to_owned(),
            )
        })
        .collect();
    let of = |n: &str| rows.iter().find(|r| r.0 == n).expect(n).clone();
    assert_eq!(of("RIL/17-18/0001").1, "A");
    assert_eq!(of("RIL/17-18/0042").1, "R");
    assert_eq!(of("S008499").1, "P");
    assert_eq!(of("S008455").1, "P", "the supplier has not filed");
    assert!(of("S008455").2.contains("not filed"));
    assert_eq!(of("TPL/2017/315").1, "N", "Pending is blocked: it stays");
    assert!(of("TPL/2017/315").2.contains("pending not allowed"));
    assert_eq!(of("BLR-7790").1, "A", "rejected before, matched now");
    // Only in the books: no action, and why.
    assert!(rows
        .iter()
        .any(|r| r.0.is_empty() && r.1.is_empty() && r.2.contains("missing in IMS")));
    // The SAVE holds the changed records only: S008400 was accepted already.
    let sent = serde_json::to_string(&save.records).expect("json");
    assert!(!sent.contains("S008400"), "{sent}");
    assert!(sent.contains("RIL/17-18/0001") && sent.contains("\"prev_status\":\"N\""));
}

#[test]
fn against_gstr2b_every_document_gets_a_result() {
    let out = tempfile::tempdir().expect("a temporary folder");
    run(Args {
        purchases: data(),
        gstr2b: Some(data().join("gstr2b.json")),
        out: out.path().to_owned(),
        ..Args::default()
    })
    .expect("the job runs");
    let gstr2b = Gstr2b::from_json(&read(&data(), "gstr2b.json")).expect("GSTR-2B");
    let report: serde_json::Value =
        serde_json::from_slice(&read(out.path(), "results.json")).expect("results.json");
    let results = report["results"].as_array().expect("results");
    let in_2b = results
        .iter()
        .filter(|r| r.get("counterparty").is_some())
        .count();
    assert_eq!(in_2b, gstr2b.documents.document_count());
    // The ISD document and the bill of entry the register cannot hold, as only in 2B.
    for section in ["isd", "impg"] {
        let r = results
            .iter()
            .find(|r| r["counterparty"]["section"] == section)
            .unwrap_or_else(|| panic!("{section}"));
        assert_eq!(r["code"], "CO");
        assert!(r.get("ims_action").is_none(), "{r}");
    }
    assert!(
        !out.path().join("ims-save.json").exists(),
        "a 2B takes no SAVE"
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
