//! The engine against GSTR-2B and IMS: the IMS policy scenario by scenario (one snapshot line
//! each), every document of a GSTR-2B reported, the SAVE body and the expected ITC of a
//! reconciliation, and properties of all three.

use gstr2_model::codes::{ImsAction, NoteType};
use gstr2_model::gstr2b::Gstr2b;
use gstr2_model::ims::ImsRecords;
use gstr2_model::tables::b2b::B2bSupplier;
use gstr2_model::Gstr2Payload;
use gstr2_recon::ims::{ImsReason, NeverInIms};
use gstr2_recon::{
    Decisions, DocKey, DocKind, MatchCode, MatchResult, PayloadError, Reason, Reconciler, Report,
    Section, StaleReason,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::support::*;

/// A scenario's line: its label (the register's or the record's number), where the document
/// is, the match code, the recommended IMS action and the reasons of both.
fn ims_line(r: &MatchResult) -> String {
    let number = r
        .counterparty
        .as_ref()
        .or(r.own.as_ref())
        .map_or("-", |s| s.key.number.as_str());
    let section = r
        .counterparty
        .as_ref()
        .map_or("books", |s| s.section.as_str());
    let reasons: Vec<String> = r.reasons.iter().map(tag).collect();
    let ims: Vec<String> = r.ims_reasons.iter().map(tag).collect();
    let mut line = format!(
        "{number:<12} {section:<7} {:<8} ims={:<2} reasons={} ims_reasons={}",
        r.code.as_str(),
        r.ims_action.as_ref().map_or("-", |a| a.as_str()),
        reasons.join(","),
        ims.join(","),
    );
    if let Some(rule) = r.rule {
        line.push_str(&format!(" rule={rule:?}"));
    }
    for k in r.counterparty.iter().flat_map(|s| &s.replaces) {
        line.push_str(&format!(" replaces={}", k.number));
    }
    for d in &r.differences {
        let rate = d.rate.map(|x| format!("@{x}")).unwrap_or_default();
        line.push_str(&format!(" {}{rate}", d.field.as_str()));
    }
    line
}

/// A reason's tag as serialized (`not_in_register`), with its details where it has some.
fn tag<T: serde::Serialize>(x: &T) -> String {
    let v = serde_json::to_value(x).unwrap_or_default();
    let name = v["reason"].as_str().unwrap_or_default().to_owned();
    match v["why"].as_str() {
        Some(why) => format!("{name}({why})"),
        None => name,
    }
}

fn lines_of(report: &Report) -> String {
    let mut v: Vec<String> = report.results.iter().map(ims_line).collect();
    for s in &report.stale_decisions {
        v.push(format!(
            "stale {}",
            serde_json::to_string(s).unwrap_or_default()
        ));
    }
    v.join("\n")
}

/// The register of the IMS scenarios: one supplier per scenario, so that each is one result.
fn ims_register() -> Gstr2Payload {
    let d = "15-09-2024";
    let mut p = register(gstin(1), vec![inv("MATCHED", d, "118", "100", "18")]);
    let mut add = |n: u32, invoices| {
        p.b2b.push(B2bSupplier {
            supplier_gstin: gstin(n),
            filing_status: None,
            invoices,
        })
    };
    add(2, vec![inv("MISMATCH", d, "118", "100", "18")]);
    add(4, vec![inv("BOOKS-ONLY", d, "59", "50", "9")]);
    add(5, vec![inv("NOT-FILED", d, "118", "100", "18")]);
    add(8, vec![inv("AMENDED", "10-09-2024", "118", "100", "18")]);
    add(9, vec![inv("REDOWNLOAD", d, "118", "100", "18")]);
    add(10, vec![inv("DECIDED", d, "118", "100", "18")]);
    add(11, vec![inv("ACCEPTED", d, "118", "100", "18")]);
    let mut cn = note("CN-1", d, "59", "50", "9");
    cn.note_type = NoteType::Credit;
    own_cdn(&mut p, gstin(7), vec![cn]);
    p.fp = "092024".parse().expect("a period");
    p
}

/// IMS records of the scenarios, in the GETINV shape.
fn ims_records() -> ImsRecords {
    // An invoice of supplier `n`, ₹118 (₹100 and ₹18 IGST) or ₹236, filed, open, no action
    // yet; `changes` replace fields.
    let rec = |n: u32, number: &str, val: u32, changes: serde_json::Value| {
        let mut r = serde_json::json!({
            "stin": gstin(n).as_str(), "inum": number, "idt": "15-09-2024", "val": val,
            "txval": val * 100 / 118, "iamt": val * 18 / 118, "srcfilstatus": "Filed",
            "ispendactblocked": "N", "action": "N",
        });
        for (k, v) in changes.as_object().into_iter().flatten() {
            r[k] = v.clone();
        }
        r
    };
    let none = serde_json::json!({});
    let records = serde_json::json!({
        "b2b": [
            rec(1, "MATCHED", 118, none.clone()),
            rec(2, "MISMATCH", 236, none.clone()),
            rec(3, "IMS-ONLY", 118, none.clone()),
            rec(5, "NOT-FILED", 118, serde_json::json!({"srcfilstatus": "Not Filed"})),
            rec(6, "BLOCKED", 118, serde_json::json!({"ispendactblocked": "Y", "action": "A"})),
            rec(8, "AMENDED", 118, serde_json::json!({"idt": "10-09-2024"})),
            // Rejected on the portal since the last download: the SAVE says so.
            rec(9, "REDOWNLOAD", 118, serde_json::json!({"action": "R"})),
            rec(10, "DECIDED", 118, none.clone()),
            rec(11, "ACCEPTED", 118, serde_json::json!({"action": "A"})),
        ],
        "b2ba": [rec(8, "AMENDED-R", 236, serde_json::json!({
            "idt": "12-09-2024", "oinum": "AMENDED", "oidt": "10-09-2024"}))],
        "b2bcn": [{"stin": gstin(7).as_str(), "nt_num": "CN-1", "nt_dt": "15-09-2024",
            "val": 59, "txval": 50, "iamt": 9, "srcfilstatus": "Filed", "action": "N"}],
    });
    ImsRecords::from_json(records.to_string().as_bytes()).expect("the scenarios' records read")
}

fn decisions() -> Decisions {
    let mut d = Decisions::default();
    let key = |n: u32, number: &str| DocKey {
        supplier: gstin(n),
        kind: DocKind::Invoice,
        number: number.into(),
        date: date("15-09-2024"),
    };
    d.decide_ims(key(10, "DECIDED"), ImsAction::Reject);
    d.decide_ims(key(12, "GONE"), ImsAction::Accept);
    d
}

#[test]
fn the_ims_policy_scenario_by_scenario() {
    let (register, records, decisions) = (ims_register(), ims_records(), decisions());
    let reconciler = Reconciler::new(&register, &records).decisions(&decisions);
    let report = reconciler.run().expect("reconciled");
    insta::assert_snapshot!("ims_scenarios", lines_of(&report));

    // The SAVE: only the records whose action changes, each with the action GSTN reported;
    // the credit note says its ITC is reduced.
    let actions = reconciler.ims_actions(&report.results);
    let bodies = reconciler.ims_bodies(&actions).expect("an IMS source");
    let save = serde_json::to_value(bodies.save.expect("changes")).expect("json");
    let mut sent: Vec<String> = Vec::new();
    for section in ["b2b", "b2ba", "b2bcn"] {
        for r in save["invdata"][section].as_array().into_iter().flatten() {
            sent.push(format!(
                "{section} {} {} prev={} itcRedReq={}",
                r["inum"].as_str().or(r["nt_num"].as_str()).unwrap_or("-"),
                r["action"].as_str().unwrap_or("-"),
                r["prev_status"].as_str().unwrap_or("-"),
                r["itcRedReq"].as_str().unwrap_or("-"),
            ));
        }
    }
    insta::assert_snapshot!("ims_save", sent.join("\n"));
    assert!(bodies.reset.is_none(), "nothing goes back to No action");

    // The expected ITC of the regenerated 2B: accepted and no-action records of filed
    // suppliers available, rejected ones rejected, credit notes negative, pending in neither.
    let itc = reconciler
        .expected_itc(&actions)
        .expect("an IMS source")
        .expect("fits");
    let igst = |m: &std::collections::BTreeMap<String, gstr2_model::TaxAmounts>, s: &str| {
        m.get(s).map(|t| t.igst)
    };
    // Accepted: MATCHED, ACCEPTED; REDOWNLOAD, accepted over its rejection; BLOCKED, whose
    // Accept stays (18 each). AMENDED's original is superseded by its amendment.
    assert_eq!(igst(&itc.available, "b2b"), Some(dec("72")));
    assert_eq!(igst(&itc.available, "cdnr"), Some(dec("-9")));
    // Rejected: MISMATCH (36), DECIDED (18); the amendment of AMENDED (36).
    assert_eq!(igst(&itc.rejected, "b2b"), Some(dec("54")));
    assert_eq!(igst(&itc.rejected, "b2ba"), Some(dec("36")));

    // GSTR2 payloads come from GSTR2A only.
    assert!(matches!(
        reconciler.save_payloads(&report),
        Err(PayloadError::NotGstr2a { source_name: "IMS" })
    ));
}

#[test]
fn a_decision_for_a_document_that_never_passes_ims_is_stale() {
    let register = register(gstin(1), vec![]);
    let gstr2b = Gstr2b::from_json(
        format!(
            r#"{{"rtnprd":"092024","docdata":{{"b2b":[{{"ctin":"{}","inv":[{{"inum":"RC-1",
            "dt":"15-09-2024","val":118,"rev":"Y","txval":100,"igst":18}}]}}]}}}}"#,
            gstin(1)
        )
        .as_bytes(),
    )
    .expect("reads");
    let key = DocKey {
        supplier: gstin(1),
        kind: DocKind::Invoice,
        number: "RC-1".into(),
        date: date("15-09-2024"),
    };
    let mut decisions = Decisions::default();
    decisions.decide_ims(key, ImsAction::Accept);
    let report = Reconciler::new(&register, &gstr2b)
        .decisions(&decisions)
        .run()
        .expect("reconciled");
    assert_eq!(report.results.len(), 1);
    assert_eq!(report.results[0].ims_action, None);
    assert_eq!(
        report.results[0].ims_reasons,
        [ImsReason::NeverInIms {
            why: NeverInIms::ReverseCharge
        }]
    );
    assert_eq!(report.stale_decisions.len(), 1);
    assert_eq!(report.stale_decisions[0].reason, StaleReason::NeverInIms);
}

/// A GSTR-2B of every section, in the newer layout (amounts on documents) but for one invoice
/// in the older (items with rates).
fn gstr2b_every_section() -> Gstr2b {
    let g = |n: u32| gstin(n).to_string();
    let text = format!(
        r#"{{"gstin":"{me}","rtnprd":"092024","version":"1.0","docdata":{{
        "b2b":[{{"ctin":"{g1}","inv":[
            {{"inum":"MATCHED","dt":"15-09-2024","val":118,"txval":100,"igst":18}},
            {{"inum":"RATED","dt":"15-09-2024","val":118,"items":[{{"num":1,"rt":18,"txval":100,"igst":18}}]}},
            {{"inum":"RC-1","dt":"15-09-2024","val":118,"rev":"Y","txval":100,"igst":18}},
            {{"inum":"NO-ITC","dt":"15-09-2024","val":118,"itcavl":"N","rsn":"P","txval":100,"igst":18}}]}}],
        "b2ba":[{{"ctin":"{g1}","inv":[{{"inum":"AMEND","dt":"16-09-2024","oinum":"ORIG","oidt":"01-09-2024",
            "val":118,"txval":100,"igst":18}}]}}],
        "cdnr":[{{"ctin":"{g1}","nt":[{{"ntnum":"CN-1","typ":"C","dt":"15-09-2024","val":59,"txval":50,"igst":9}}]}}],
        "cdnra":[{{"ctin":"{g1}","nt":[{{"ntnum":"CN-2","typ":"C","dt":"16-09-2024","ontnum":"CN-0",
            "ontdt":"01-09-2024","val":59,"txval":50,"igst":9}}]}}],
        "isd":[{{"ctin":"{g2}","doclist":[{{"doctyp":"ISDI","docnum":"ISD-1","docdt":"15-09-2024","igst":10}}]}}],
        "isda":[{{"ctin":"{g2}","doclist":[{{"doctyp":"ISDI","docnum":"ISD-2","docdt":"16-09-2024",
            "odoctyp":"ISDI","odocnum":"ISD-0","odocdt":"01-09-2024","igst":10}}]}}],
        "impg":[{{"refdt":"15-09-2024","portcode":"INMAA1","boenum":"BOE-1","boedt":"15-09-2024",
            "isamd":"N","txval":1000,"igst":180}}],
        "impgsez":[{{"ctin":"{g3}","trdnm":"SEZ unit","boe":[{{"portcode":"INMAA1","boenum":"BOE-2",
            "boedt":"15-09-2024","isamd":"N","txval":1000,"igst":180}}]}}],
        "ecom":[{{"ctin":"{g1}","inv":[{{"inum":"ECO-1","dt":"15-09-2024","val":118,"txval":100,"igst":18}}]}}],
        "ecoma":[{{"ctin":"{g1}","inv":[{{"inum":"ECO-2","dt":"16-09-2024","oinum":"ECO-0","oidt":"01-09-2024",
            "val":118,"txval":100,"igst":18}}]}}]}},
        "docRejdata":{{"b2b":[{{"ctin":"{g1}","inv":[{{"inum":"REJ-1","dt":"15-09-2024","val":118,
            "txval":100,"igst":18}}]}}]}}}}"#,
        me = me(),
        g1 = g(1),
        g2 = g(2),
        g3 = g(3),
    );
    Gstr2b::from_json(text.as_bytes()).expect("the 2B reads")
}

#[test]
fn every_document_of_a_gstr2b_gets_a_result() {
    let d = "15-09-2024";
    let mut register = register(
        gstin(1),
        vec![
            inv("MATCHED", d, "118", "100", "18"),
            // Per rate against the older layout: the igst differs at 18%.
            inv("RATED", d, "118", "100", "17"),
            inv("BOOKS-ONLY", d, "59", "50", "9"),
        ],
    );
    register.fp = "092024".parse().expect("a period");
    let gstr2b = gstr2b_every_section();
    let report = Reconciler::new(&register, &gstr2b)
        .run()
        .expect("reconciled");
    insta::assert_snapshot!("gstr2b_every_section", lines_of(&report));

    // Every document of the 2B is in exactly one result, and the register's too.
    let counterparty = report
        .results
        .iter()
        .filter_map(|r| r.counterparty.as_ref())
        .count();
    assert_eq!(
        counterparty,
        gstr2b.documents.document_count() + gstr2b.rejected.document_count()
    );
    let imports: Vec<&MatchResult> = report
        .results
        .iter()
        .filter(|r| r.kind == DocKind::BillOfEntry)
        .collect();
    assert_eq!(imports.len(), 2);
    // Imports from abroad name no supplier: the receiver stands in.
    assert!(imports.iter().any(|r| r.supplier == register.gstin
        && r.counterparty.as_ref().map(|s| s.section) == Some(Section::Impg)));
    for r in &imports {
        assert!(r.reasons.contains(&Reason::NotHeldByBooks));
        assert_eq!(r.code, MatchCode::CounterpartyOnly);
    }
}

#[test]
fn results_do_not_depend_on_the_order_of_the_records() {
    let (register, records, decisions) = (ims_register(), ims_records(), decisions());
    let report = Reconciler::new(&register, &records)
        .decisions(&decisions)
        .run()
        .expect("reconciled");
    let mut reversed = records.clone();
    reversed.b2b.reverse();
    let again = Reconciler::new(&register, &reversed)
        .decisions(&decisions)
        .run()
        .expect("reconciled");
    assert_eq!(
        serde_json::to_value(&again).expect("json"),
        serde_json::to_value(&report).expect("json")
    );
}

/// One generated IMS record: supplier, whether the books have it (and with which igst), its
/// action, filed, blocked, note or invoice, igst.
type Spec = (u32, Option<i64>, usize, bool, bool, bool, i64);

const ACTIONS: [&str; 4] = ["A", "R", "P", "N"];

fn specs() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(
        (
            0u32..4,
            prop::option::weighted(0.7, 0i64..3000),
            0usize..4,
            prop::bool::weighted(0.8),
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.3),
            0i64..3000,
        ),
        0..30,
    )
}

/// The register and the records of `specs`: record `k` is numbered `D{k}`, a credit note or
/// an invoice; the books have it where `books` says, with that igst.
fn inputs_of(specs: &[Spec]) -> (Gstr2Payload, ImsRecords) {
    let mut register = register(gstin(0), vec![]);
    register.b2b.clear();
    register.fp = "092024".parse().expect("a period");
    let (mut b2b, mut b2bcn) = (Vec::new(), Vec::new());
    for (k, &(s, books, action, filed, blocked, is_note, igst)) in specs.iter().enumerate() {
        let number = format!("D{k}");
        let igst = Decimal::new(igst, 2);
        let (num, dt) = if is_note {
            ("nt_num", "nt_dt")
        } else {
            ("inum", "idt")
        };
        let record = serde_json::json!({
            "stin": gstin(s).as_str(), num: number, dt: "15-09-2024",
            "val": Decimal::from(100) + igst, "txval": 100, "iamt": igst,
            "action": ACTIONS[action], "srcfilstatus": if filed { "Filed" } else { "Not Filed" },
            "ispendactblocked": if blocked { "Y" } else { "N" },
        });
        if is_note {
            b2bcn.push(record);
        } else {
            b2b.push(record);
        }
        if let Some(own_igst) = books {
            let own_igst = Decimal::new(own_igst, 2);
            let val = (Decimal::from(100) + own_igst).to_string();
            let (txval, igst) = ("100".to_owned(), own_igst.to_string());
            if is_note {
                let mut n = note(&number, "15-09-2024", &val, &txval, &igst);
                n.note_type = NoteType::Credit;
                own_cdn(&mut register, gstin(s), vec![n]);
            } else {
                let i = inv(&number, "15-09-2024", &val, &txval, &igst);
                register.b2b.push(B2bSupplier {
                    supplier_gstin: gstin(s),
                    filing_status: None,
                    invoices: vec![i],
                });
            }
        }
    }
    let text = serde_json::json!({"b2b": b2b, "b2bcn": b2bcn}).to_string();
    let records = ImsRecords::from_json(text.as_bytes()).expect("the generated records read");
    (register, records)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every IMS record is in exactly one result, with exactly one recommended action; the
    /// SAVE holds exactly the records whose recommended action differs from GSTN's, each once;
    /// the expected ITC is the sum over the accepted and no-action records of filed suppliers,
    /// credit notes negative; and the report does not depend on the records' order.
    #[test]
    fn every_record_one_action_and_the_save_holds_the_changes(specs in specs()) {
        let (register, records) = inputs_of(&specs);
        let reconciler = Reconciler::new(&register, &records);
        let report = reconciler.run().expect("reconciled");
        let actions = reconciler.ims_actions(&report.results);
        prop_assert!(actions.superseded.is_empty(), "no amendments generated");
        prop_assert_eq!(actions.len(), records.document_count());
        let mut refs: Vec<_> = actions.actions.iter().map(|(at, _)| *at).collect();
        refs.sort();
        refs.dedup();
        prop_assert_eq!(refs.len(), records.document_count(), "one action per record");

        let bodies = reconciler.ims_bodies(&actions).expect("an IMS source");
        let current = |at: gstr2_recon::ims::RecordRef| match at.section {
            "b2b" => records.b2b[at.index].action(),
            _ => records.b2bcn[at.index].action(),
        };
        let changed: Vec<_> = actions.actions.iter().filter(|(at, a)| *a != current(*at)).collect();
        let sent = bodies.save.as_ref().map_or(0, |b| b.records.document_count())
            + bodies.reset.as_ref().map_or(0, |b| b.records.document_count());
        prop_assert_eq!(sent, changed.len());

        let itc = reconciler.expected_itc(&actions).expect("an IMS source").expect("fits");
        let mut available = Decimal::ZERO;
        for (at, action) in &actions.actions {
            let (igst, filed, sign) = match at.section {
                "b2b" => (records.b2b[at.index].igst, records.b2b[at.index].supplier_filing_status.clone(), Decimal::ONE),
                _ => (records.b2bcn[at.index].igst, records.b2bcn[at.index].supplier_filing_status.clone(), -Decimal::ONE),
            };
            let filed = !matches!(filed, Some(gstr2_model::codes::FilingStatus::NotFiled));
            if filed && matches!(action, ImsAction::Accept | ImsAction::NoAction) {
                available += igst.unwrap_or_default() * sign;
            }
        }
        let total: Decimal = itc.available.values().map(|t| t.igst).sum();
        prop_assert_eq!(total, available);

        let mut reversed = records.clone();
        reversed.b2b.reverse();
        reversed.b2bcn.reverse();
        let again = Reconciler::new(&register, &reversed).run().expect("reconciled");
        prop_assert_eq!(
            serde_json::to_value(&again).expect("json"),
            serde_json::to_value(&report).expect("json")
        );
    }
}
