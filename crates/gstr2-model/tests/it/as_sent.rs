//! Tests: what GSTN and users really send. A byte-order mark, numbers where strings are
//! expected, GSTINs that fail their check character, documents listed twice, sections the model
//! does not know: read, kept, and reported, never a whole file refused for one odd value.

use proptest::prelude::*;
use serde_json::Value;

use gstr2_model::item::Item;
use gstr2_model::warning::Problem;
use gstr2_model::{json, GstinError, Gstr2Payload, Gstr2Summary, Gstr2a};

use super::json_parallel::gstr2a;

/// GSTN's GSTR2A sample with every section as GSTN writes it: `01AABCE2207R1Z5` (a supplier
/// GSTIN of GSTN's published sample, which fails its check character), `benum` a number, tax heads
/// left out, `200.0` beside `200`, float noise in an amount.
const AS_SENT: &str = include_str!("../fixtures/gstr2a_as_sent.json");
const GSTR2A: &str = include_str!("../fixtures/gstr2a.json");
const SAVE: &str = include_str!("../fixtures/gstr2_save.json");
const SUMMARY: &str = r#"{"gstin":"27AAPFU0939F1ZV","ret_period":"072017","summ_typ":"L",
  "section_summary":[{"sec_nm":"B2B","rc":2,"ttl_val":236.00,"ttl_txpd_igst":36}]}"#;

fn with_bom(text: &str) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

#[test]
fn a_byte_order_mark_is_skipped_by_every_json_reader() {
    let gstr2a: Gstr2a = json::from_str(GSTR2A).expect("reads");
    let bom = with_bom(GSTR2A);
    assert_eq!(
        json::from_slice::<Gstr2a>(&bom).expect("from_slice"),
        gstr2a
    );
    assert_eq!(
        json::from_reader::<_, Gstr2a>(&bom[..]).expect("from_reader"),
        gstr2a
    );
    let text = String::from_utf8(bom.clone()).expect("UTF-8");
    assert_eq!(json::from_str::<Gstr2a>(&text).expect("from_str"), gstr2a);
    for threads in 1..=3 {
        assert_eq!(
            json::gstr2a_from_slice_parallel(&bom, threads).expect("parallel"),
            gstr2a
        );
    }

    let payload: Gstr2Payload = json::from_str(SAVE).expect("reads");
    assert_eq!(
        json::from_slice::<Gstr2Payload>(&with_bom(SAVE)).expect("payload"),
        payload
    );
    let summary: Gstr2Summary = json::from_str(SUMMARY).expect("reads");
    assert_eq!(
        json::from_slice::<Gstr2Summary>(&with_bom(SUMMARY)).expect("summary"),
        summary
    );

    // Only a leading mark: one inside the text is still an error.
    assert!(json::from_str::<Gstr2a>("{\"gstin\":\u{feff}\"x\"}").is_err());
}

#[test]
fn a_numeric_bill_of_entry_number_is_read_as_its_digits() {
    let gstr2a: Gstr2a = json::from_str(AS_SENT).expect("GSTN's sample reads");
    assert_eq!(gstr2a.impg[0].bill_number, "2566282");
    assert_eq!(gstr2a.impgsez[0].bill_number, "2566210");
    // Written back as a string, the model's one form.
    let written: Value =
        serde_json::from_str(&json::to_string(&gstr2a).expect("writes")).expect("JSON");
    assert_eq!(written["impg"][0]["benum"], Value::from("2566282"));
    // Numbers in other text fields too, and the parallel reader agrees.
    let numeric = AS_SENT.replace("\"S008400\"", "8400");
    let read: Gstr2a = json::from_str(&numeric).expect("a numeric invoice number reads");
    assert_eq!(read.b2b[0].invoices[0].number, "8400");
    assert_eq!(
        json::gstr2a_from_slice_parallel(numeric.as_bytes(), 2).expect("parallel"),
        read
    );
}

#[test]
fn a_supplier_gstin_failing_its_check_character_is_kept_with_one_warning() {
    let gstr2a: Gstr2a = json::from_str(AS_SENT).expect("the whole file reads");
    assert_eq!(gstr2a.document_count(), 4, "every document kept");
    let supplier = &gstr2a.b2b[0];
    assert_eq!(supplier.supplier_gstin.as_str(), "01AABCE2207R1Z5");
    assert_eq!(supplier.invoices[0].number, "S008400");
    let warnings = gstr2a.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "b2b[0].ctin");
    assert_eq!(
        warnings[0].problem,
        Problem::Gstin(GstinError::CheckDigit {
            input: "01AABCE2207R1Z5".into(),
            found: '5',
            expected: 'V',
        })
    );
    assert_eq!(
        warnings[0].to_string(),
        "b2b[0].ctin: GSTIN 01AABCE2207R1Z5: check character is 5, expected V"
    );
    assert_eq!(
        json::gstr2a_from_slice_parallel(AS_SENT.as_bytes(), 2).expect("parallel"),
        gstr2a
    );

    // State code 00 (seen in published samples) is read and reported too; a GSTIN of no form
    // GSTN issues is still an error, with its path.
    let zero = AS_SENT.replace("01AAAAP1208Q1ZS", "00AAAAP1208Q1ZS");
    let read: Gstr2a = json::from_str(&zero).expect("reads");
    let paths: Vec<String> = read.warnings().into_iter().map(|w| w.path).collect();
    assert_eq!(
        paths,
        ["b2b[0].ctin", "cdn[0].ctin", "cdna[0].ctin", "isd[0].ctin"]
    );
    let err = json::from_str::<Gstr2a>(&AS_SENT.replace("01AAAAP1208Q1ZS", "01AAAAP1208Q1Z"))
        .unwrap_err();
    assert_eq!(err.path(), Some("cdn[0].ctin"));

    // What a user types stays strict: the same GSTIN in a save payload is refused.
    let save = SAVE.replace("01AABCE2207R1ZV", "01AABCE2207R1Z5");
    let err = json::from_str::<Gstr2Payload>(&save).unwrap_err();
    assert_eq!(err.path(), Some("b2b[0].ctin"));
}

#[test]
fn a_document_listed_twice_is_kept_and_reported() {
    let mut v: Value = serde_json::from_str(GSTR2A).expect("JSON");
    let invoice = v["b2b"][0]["inv"][0].clone();
    let mut changed = invoice.clone();
    changed["val"] = serde_json::from_str("729249.16").expect("number");
    v["b2b"][0]["inv"] = Value::Array(vec![invoice.clone(), invoice.clone()]);
    // The same supplier listed again, with a third copy that differs.
    let mut again = v["b2b"][0].clone();
    again["inv"] = Value::Array(vec![changed]);
    v["b2b"].as_array_mut().expect("array").push(again);
    let gstr2a: Gstr2a = json::from_str(&v.to_string()).expect("reads");
    assert_eq!(
        gstr2a.b2b[0].invoices.len() + gstr2a.b2b[1].invoices.len(),
        3,
        "all kept"
    );
    let warnings: Vec<String> = gstr2a.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "b2b[0].inv[1]: the same document as b2b[0].inv[0] (identical)",
            "b2b[1].inv[0]: the same document as b2b[0].inv[0] (with other values)",
        ]
    );
}

#[test]
fn sections_the_model_does_not_know_are_kept_verbatim() {
    let mut v: Value = serde_json::from_str(SAVE).expect("JSON");
    v["isd"] = serde_json::from_str(
        r#"[{"ctin":"01AAAAP1208Q1ZS","doclist":[{"docnum":"I1","iamt":10.50}]}]"#,
    )
    .expect("JSON");
    v["zzz"] = Value::from(1);
    let text = v.to_string();
    let payload: Gstr2Payload = json::from_str(&text).expect("reads");
    assert_eq!(
        payload.other_sections.names().collect::<Vec<_>>(),
        ["isd", "zzz"]
    );
    assert_eq!(
        payload.other_sections.get("isd"),
        Some(r#"[{"ctin":"01AAAAP1208Q1ZS","doclist":[{"docnum":"I1","iamt":10.50}]}]"#)
    );
    assert!(!payload.is_empty());
    // Written back, nothing is lost.
    let written: Value =
        serde_json::from_str(&json::to_string(&payload).expect("writes")).expect("JSON");
    assert_eq!(written, v);
    // A key given twice is an error, a known one or not.
    let twice = text.replacen("\"zzz\":1", "\"zzz\":1,\"zzz\":2", 1);
    assert!(json::from_str::<Gstr2Payload>(&twice)
        .unwrap_err()
        .to_string()
        .contains("duplicate field `zzz`"));
    let twice = text.replacen("\"zzz\":1", "\"zzz\":1,\"fp\":\"082017\"", 1);
    assert!(json::from_str::<Gstr2Payload>(&twice)
        .unwrap_err()
        .to_string()
        .contains("duplicate field `fp`"));
    let err = json::from_str::<Gstr2Payload>(r#"{"fp":"072017"}"#).unwrap_err();
    assert!(err.to_string().contains("missing field `gstin`"), "{err}");
}

/// Rewrites what the model wrote as GSTN's files often have it: whole amounts as integers
/// (`100.00` as `100`), zero tax heads of items left out.
fn as_gstn_writes(v: &mut Value) {
    match v {
        Value::Number(n) => {
            let text = n.to_string();
            if let Some((whole, fraction)) = text.split_once('.') {
                if fraction.bytes().all(|b| b == b'0') {
                    *n = whole.parse().expect("digits");
                }
            }
        }
        Value::Array(list) => list.iter_mut().for_each(as_gstn_writes),
        Value::Object(map) => {
            if let Some(Value::Object(detail)) = map.get_mut("itm_det") {
                for head in ["iamt", "camt", "samt", "csamt"] {
                    let zero = detail
                        .get(head)
                        .and_then(|n| n.to_string().parse::<rust_decimal::Decimal>().ok())
                        .is_some_and(|d| d.is_zero());
                    if zero {
                        detail.remove(head);
                    }
                }
            }
            map.values_mut().for_each(as_gstn_writes);
        }
        _ => {}
    }
}

/// The model's reading of a zero head left out: absent, which [`Item`]'s tax counts as zero.
fn zero_heads_absent(gstr2a: &mut Gstr2a) {
    fn items(items: &mut [Item]) {
        for item in items {
            let d = &mut item.detail;
            for head in [&mut d.igst, &mut d.cgst, &mut d.sgst, &mut d.cess] {
                if head.is_some_and(|h| h.is_zero()) {
                    *head = None;
                }
            }
        }
    }
    gstr2a
        .b2b
        .iter_mut()
        .flat_map(|s| &mut s.invoices)
        .for_each(|d| items(&mut d.items));
    gstr2a
        .b2ba
        .iter_mut()
        .flat_map(|s| &mut s.invoices)
        .for_each(|d| items(&mut d.items));
    gstr2a
        .cdn
        .iter_mut()
        .flat_map(|s| &mut s.notes)
        .for_each(|d| items(&mut d.items));
    gstr2a
        .cdna
        .iter_mut()
        .flat_map(|s| &mut s.notes)
        .for_each(|d| items(&mut d.items));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Any GSTR2A the model writes reads back the same with a byte-order mark added, whole
    /// amounts written as integers and zero tax heads left out.
    #[test]
    fn gstr2a_reads_back_as_gstn_writes_it(original in gstr2a(), pretty in any::<bool>()) {
        let mut v: Value = serde_json::from_str(&json::to_string(&original).expect("writes")).expect("JSON");
        as_gstn_writes(&mut v);
        let text = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) }
            .expect("writes");
        let bytes = with_bom(&text);
        let mut expected = original;
        zero_heads_absent(&mut expected);
        let read: Gstr2a = json::from_slice(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&read, &expected);
        let parallel = json::gstr2a_from_slice_parallel(&bytes, 2).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&parallel, &expected);
    }
}
