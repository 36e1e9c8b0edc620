//! Unit tests of `save`: one bad document among good ones, tax heads, GSTINs, deletes,
//! decode codes, and random save sequences against a plain map.

use super::*;
use chrono::NaiveDate;
use serde_json::json;

use super::report::decode_problem;

fn receiver() -> Gstin {
    "27AAPFU0939F1ZV".parse().unwrap()
}

fn fp() -> ReturnPeriod {
    "072017".parse().unwrap()
}

fn inv(inum: &str, idt: &str, igst: bool) -> Value {
    let det = if igst {
        json!({"rt": 18, "txval": 100, "iamt": 18})
    } else {
        json!({"rt": 18, "txval": 100, "camt": 9, "samt": 9})
    };
    json!({"inum": inum, "idt": idt, "val": 118, "pos": "27", "rchrg": "N", "itms": [{"num": 1, "itm_det": det}]})
}

fn run(sections: &mut Sections, payload: Value, g: &Gstr2a) -> (SaveOutcome, SaveStats) {
    apply(
        sections,
        payload.to_string().as_bytes(),
        receiver(),
        fp(),
        g,
    )
}

#[test]
fn one_bad_document_does_not_sink_the_rest() {
    let mut s = Sections::default();
    let p = json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017", "b2b": [
        {"ctin": "33GSPTN4811G1ZC", "inv": [inv("1", "01-07-2017", true), inv("2", "30-02-2017", true), 7]}
    ]});
    let (outcome, stats) = run(&mut s, p, &Gstr2a::default());
    assert_eq!(
        stats,
        SaveStats {
            stored: 1,
            deleted: 0,
            rejected: 2
        }
    );
    let SaveOutcome::ProcessedWithErrors(report) = outcome else {
        panic!("expected PE")
    };
    let entries = &report["b2b"];
    assert_eq!(
        entries[0]["error_cd"],
        chosen::RECORD_DATE_OR_POS_INVALID.code()
    );
    assert!(entries[0]["error_msg"]
        .as_str()
        .unwrap()
        .starts_with("b2b[0].inv[1].idt"));
    assert_eq!(entries[1]["error_cd"], chosen::RECORD_STRUCTURE.code());
    assert_eq!(entries[1]["inv"][0], json!({"doc": 7}));
    assert_eq!(s.b2b.values().next().unwrap().docs.len(), 1);
}

#[test]
fn tax_heads_follow_the_supply() {
    let mut s = Sections::default();
    // Tamil Nadu supplier, place of supply Maharashtra: inter-state, IGST only.
    let p = json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017",
        "b2b": [{"ctin": "33GSPTN4811G1ZC", "inv": [inv("1", "01-07-2017", false), inv("2", "01-07-2017", true)]}],
        "txi": [{"pos": "27", "sply_ty": "INTRA", "itms": [{"num": 1, "rt": 18, "adamt": 10, "iamt": 1.8}]}]});
    let (outcome, stats) = run(&mut s, p, &Gstr2a::default());
    assert_eq!(stats.stored, 1);
    let SaveOutcome::ProcessedWithErrors(report) = outcome else {
        panic!("expected PE")
    };
    assert!(report["b2b"][0]["error_msg"]
        .as_str()
        .unwrap()
        .contains("inter-state"));
    assert!(report["txi"][0]["error_msg"]
        .as_str()
        .unwrap()
        .contains("intra-state"));
}

#[test]
fn a_supplier_gstin_failing_its_check_is_taken_back_only_where_gstn_sent_it() {
    // 33GSPTN4811G1ZX: the check character should be C.
    let p = json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017",
        "b2b": [{"ctin": "33GSPTN4811G1ZX", "inv": [inv("1", "01-07-2017", true)]}]});
    let mut s = Sections::default();
    let (outcome, stats) = run(&mut s, p.clone(), &Gstr2a::default());
    assert_eq!(stats.rejected, 1);
    let SaveOutcome::ProcessedWithErrors(report) = outcome else {
        panic!("expected PE")
    };
    assert_eq!(
        report["b2b"][0]["error_cd"],
        chosen::RECORD_GSTIN_INVALID.code()
    );
    assert!(report["b2b"][0]["error_msg"]
        .as_str()
        .unwrap()
        .contains("check character is X, expected C"));

    let sent: Gstr2a =
        gstr2_model::json::from_str(r#"{"b2b":[{"ctin":"33GSPTN4811G1ZX","cfs":"Y","inv":[]}]}"#)
            .unwrap();
    let mut s = Sections::default();
    let (outcome, stats) = run(&mut s, p, &sent);
    assert_eq!((stats.stored, stats.rejected), (1, 0), "{outcome:?}");
}

#[test]
fn the_receiver_is_not_its_own_supplier() {
    let mut s = Sections::default();
    let p = json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017",
        "cdn": [{"ctin": "27AAPFU0939F1ZV", "nt": [{"ntty": "C", "nt_num": "N1", "nt_dt": "01-07-2017", "val": 1, "itms": []}]}]});
    let (outcome, stats) = run(&mut s, p, &Gstr2a::default());
    assert_eq!(stats.rejected, 1);
    let SaveOutcome::ProcessedWithErrors(report) = outcome else {
        panic!("expected PE")
    };
    assert_eq!(
        report["cdn"][0]["error_cd"],
        chosen::RECORD_GSTIN_INVALID.code()
    );
    assert!(s.cdn.is_empty());
}

#[test]
fn undecodable_payloads_are_errors() {
    for bad in [
        "",
        "[]",
        r#"{"fp":"072017"}"#,
        r#"{"gstin":"27AAPFU0939F1ZV","fp":"082017"}"#,
    ] {
        let mut s = Sections::default();
        let (outcome, _) = apply(&mut s, bad.as_bytes(), receiver(), fp(), &Gstr2a::default());
        assert!(matches!(outcome, SaveOutcome::Error(_)), "{bad}");
    }
}

#[test]
fn delete_of_an_absent_document_is_a_no_op_and_period_end_is_the_last_day() {
    let mut s = Sections::default();
    let mut d = inv("9", "01-07-2017", true);
    d["flag"] = json!("D");
    let p = json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017", "b2b": [{"ctin": "33GSPTN4811G1ZC", "inv": [d]}]});
    let (outcome, stats) = run(&mut s, p, &Gstr2a::default());
    assert_eq!(outcome, SaveOutcome::Processed);
    assert_eq!(stats, SaveStats::default());
    assert!(s.b2b.is_empty());
    let feb: ReturnPeriod = "022020".parse().unwrap();
    assert_eq!(
        period_end(feb),
        NaiveDate::from_ymd_opt(2020, 2, 29).unwrap()
    );
    let dec: ReturnPeriod = "122017".parse().unwrap();
    assert_eq!(
        period_end(dec),
        NaiveDate::from_ymd_opt(2017, 12, 31).unwrap()
    );
}

#[test]
fn decode_errors_are_sorted_by_field() {
    assert_eq!(
        decode_problem("b2b[0].inv[1].idt", "x").code,
        chosen::RECORD_DATE_OR_POS_INVALID
    );
    assert_eq!(
        decode_problem("b2b[0].inv[1].pos", "x").code,
        chosen::RECORD_DATE_OR_POS_INVALID
    );
    assert_eq!(
        decode_problem("imp_g[0].stin", "x").code,
        chosen::RECORD_GSTIN_INVALID
    );
    assert_eq!(
        decode_problem("imp_g[0].itms[0].txval", "x").code,
        chosen::RECORD_STRUCTURE
    );
}

/// Random sequences of uploads, replacements and deletions over a few keys, in several
/// saves, leave exactly what a plain map of "last write wins, D removes" holds.
#[test]
fn random_save_sequences_match_a_simple_model() {
    use rand::{Rng, SeedableRng};
    use std::collections::BTreeMap;
    let suppliers = ["33GSPTN4811G1ZC", "01AAAAP1208Q1ZS"];
    for seed in 0..64u64 {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut s = Sections::default();
        let mut model: BTreeMap<(String, String), i64> = BTreeMap::new();
        for _ in 0..rng.gen_range(1..6) {
            let mut groups: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
            let mut expected = model.clone();
            for _ in 0..rng.gen_range(1..8) {
                let ctin = suppliers[rng.gen_range(0..2)];
                let inum = format!("I{}", rng.gen_range(0..5));
                let value = rng.gen_range(1..1000i64);
                let mut doc = inv(&inum, "01-07-2017", true);
                doc["val"] = json!(value);
                if rng.gen_bool(0.3) {
                    doc["flag"] = json!("D");
                    expected.remove(&(ctin.to_owned(), inum));
                } else {
                    expected.insert((ctin.to_owned(), inum), value);
                }
                groups.entry(ctin).or_default().push(doc);
            }
            let b2b: Vec<Value> = groups
                .into_iter()
                .map(|(ctin, inv)| json!({"ctin": ctin, "inv": inv}))
                .collect();
            let p = json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017", "b2b": b2b});
            let (outcome, _) = run(&mut s, p, &Gstr2a::default());
            assert_eq!(outcome, SaveOutcome::Processed);
            model = expected;
            let stored: BTreeMap<(String, String), i64> = s
                .b2b
                .iter()
                .flat_map(|(ctin, docs)| {
                    docs.docs.iter().map(move |(inum, d)| {
                        let v = d.value.to_string().parse::<i64>().unwrap();
                        ((ctin.to_string(), inum.clone()), v)
                    })
                })
                .collect();
            assert_eq!(stored, model, "seed {seed}");
            assert!(
                s.b2b.values().all(|d| !d.docs.is_empty()),
                "no empty suppliers"
            );
        }
    }
}
