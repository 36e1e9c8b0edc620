//! The `convert` example as a user runs it: a payload with sections the CSV tables cannot hold
//! is refused, naming them, unless the user asks to drop them, and then what was dropped is
//! named.

use std::process::Command;

use gstr2::model::{csv, json, Gstr2Payload};

use crate::flow;
use crate::real_binaries::binaries;

#[test]
fn sections_csv_cannot_hold_are_refused_or_dropped_by_name() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let gstin = flow::DEMO_GSTIN.parse().expect("GSTIN");
    let period = flow::DEMO_PERIOD.parse().expect("period");
    let register = csv::read_dir(&flow::sample_data_dir(), gstin, period).expect("the sample");
    let mut v: serde_json::Value =
        serde_json::from_str(&json::to_string(&register).expect("JSON")).expect("JSON");
    v["hsnsum"] = serde_json::json!({"det": [{"num": 1, "hsn_sc": "1001", "qty": 10,
        "val": 100, "txval": 100, "iamt": 18}]});
    v["isd"] = serde_json::json!([{"ctin": "01AAAAP1208Q1ZS", "doclist": []}]);
    let payload = dir.path().join("payload.json");
    std::fs::write(&payload, v.to_string()).expect("written");

    let out = dir.path().join("out");
    let refused = Command::new(&binaries().convert)
        .arg("json-to-csv")
        .arg(&payload)
        .arg(&out)
        .output()
        .expect("convert runs");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{stderr}");
    assert!(
        stderr.contains("the CSV tables cannot hold sections hsnsum, isd: nothing written"),
        "{stderr}"
    );
    assert!(stderr.contains("--drop-uncarried"), "{stderr}");
    assert!(!stderr.contains("wrote"), "{stderr}");
    assert!(!out.exists(), "nothing written");

    let dropped = Command::new(&binaries().convert)
        .args(["json-to-csv", "--drop-uncarried"])
        .arg(&payload)
        .arg(&out)
        .output()
        .expect("convert runs");
    let stderr = String::from_utf8_lossy(&dropped.stderr);
    assert!(dropped.status.success(), "{stderr}");
    assert!(
        stderr.contains("dropped what the CSV tables cannot hold: hsnsum, isd"),
        "{stderr}"
    );
    let total = register.total_documents();
    assert!(
        stderr.contains(&format!("wrote {total} documents")),
        "{stderr}"
    );
    let back: Gstr2Payload = csv::read_dir(&out, gstin, period).expect("the folder reads");
    assert_eq!(back, register, "everything else converted whole");
}
