//! The IMS policy, the SAVE and RESET bodies of the changed records, and the expected ITC of
//! the regenerated GSTR-2B.

use gstr2_model::codes::ImsAction;
use gstr2_model::gstr2b::Gstr2b;
use gstr2_model::ims::ImsRecords;
use gstr2_model::Gstin;
use gstr2_recon::ims::{
    ExpectedItc, ImsBodies, ImsPolicy, ImsReason, NeverInIms, RecordRef, RecordState,
};
use gstr2_recon::MatchCode;
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::support::*;

const SECTIONS: [&str; 8] = [
    "b2b", "b2ba", "b2bcn", "b2bcna", "b2bdn", "b2bdna", "ecom", "ecoma",
];
const ACTIONS: [ImsAction; 4] = [
    ImsAction::Accept,
    ImsAction::Reject,
    ImsAction::Pending,
    ImsAction::NoAction,
];

fn state(current: ImsAction, pending_blocked: bool, supplier_filed: bool) -> RecordState {
    RecordState {
        current,
        pending_blocked,
        supplier_filed,
    }
}

#[test]
fn the_default_policy_case_by_case() {
    let p = ImsPolicy::default();
    let open = state(ImsAction::NoAction, false, true);
    let line = |code: MatchCode, record: Option<&RecordState>, decided: Option<&ImsAction>| {
        let r = p.recommend(code, record, decided);
        format!(
            "{:?} {:?}",
            r.action.map(|a| a.as_str().to_owned()),
            r.reasons
        )
    };
    let lines = [
        ("matched", line(MatchCode::Ok, Some(&open), None)),
        ("mismatch", line(MatchCode::Mismatch, Some(&open), None)),
        (
            "only in IMS",
            line(MatchCode::CounterpartyOnly, Some(&open), None),
        ),
        (
            "only in the books",
            line(MatchCode::TaxpayerOnly, None, None),
        ),
        (
            "not filed, matched",
            line(
                MatchCode::Ok,
                Some(&state(ImsAction::NoAction, false, false)),
                None,
            ),
        ),
        (
            "pending blocked, accepted before",
            line(
                MatchCode::CounterpartyOnly,
                Some(&state(ImsAction::Accept, true, true)),
                None,
            ),
        ),
        (
            "decided reject over a match",
            line(MatchCode::Ok, Some(&open), Some(&ImsAction::Reject)),
        ),
        (
            "decided pending where blocked",
            line(
                MatchCode::Ok,
                Some(&state(ImsAction::NoAction, true, true)),
                Some(&ImsAction::Pending),
            ),
        ),
    ];
    let text: Vec<String> = lines.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    insta::assert_snapshot!(text.join("\n"), @r#"
    matched: Some("A") [Matched]
    mismatch: Some("R") [Mismatch]
    only in IMS: Some("P") [OnlyInIms]
    only in the books: None [MissingInIms]
    not filed, matched: Some("P") [SupplierNotFiled]
    pending blocked, accepted before: Some("A") [OnlyInIms, PendingBlocked]
    decided reject over a match: Some("R") [Decided]
    decided pending where blocked: Some("N") [Decided, PendingBlocked]
    "#);
    assert_eq!(
        ImsPolicy::never_in_ims(NeverInIms::ReverseCharge).reasons,
        [ImsReason::NeverInIms {
            why: NeverInIms::ReverseCharge
        }]
    );
}

/// One generated record: section, supplier, action, filed, credit-note-ish amounts.
type Spec = (usize, u32, usize, bool, i64, i64);

fn build(specs: &[Spec]) -> ImsRecords {
    let mut sections: Vec<Vec<serde_json::Value>> = vec![Vec::new(); SECTIONS.len()];
    for (n, &(section, supplier, action, filed, txval, igst)) in specs.iter().enumerate() {
        let key = SECTIONS[section % SECTIONS.len()];
        let note = key.starts_with("b2bcn") || key.starts_with("b2bdn");
        let amended = key.ends_with('a');
        let mut r = serde_json::json!({
            "stin": gstin(supplier % 3).as_str(),
            "val": Decimal::new(txval + igst, 2),
            "txval": Decimal::new(txval, 2),
            "iamt": Decimal::new(igst, 2),
            "camt": Decimal::new(igst / 2, 2),
            "action": ACTIONS[action % ACTIONS.len()].as_str(),
            "srcfilstatus": if filed { "Filed" } else { "Not Filed" },
            "ispendactblocked": "N",
            "rtnprd": "042024",
        });
        let (num, dt) = if note {
            ("nt_num", "nt_dt")
        } else {
            ("inum", "idt")
        };
        r[num] = serde_json::json!(format!("D{n}"));
        r[dt] = serde_json::json!("02-04-2024");
        if amended {
            let (onum, odt) = if note {
                ("ont_num", "ont_dt")
            } else {
                ("oinum", "oidt")
            };
            r[onum] = serde_json::json!(format!("O{n}"));
            r[odt] = serde_json::json!("01-04-2024");
        }
        sections[section % SECTIONS.len()].push(r);
    }
    let mut object = serde_json::Map::new();
    for (key, list) in SECTIONS.iter().zip(sections) {
        if !list.is_empty() {
            object.insert((*key).to_owned(), serde_json::Value::Array(list));
        }
    }
    let text = serde_json::Value::Object(object).to_string();
    ImsRecords::from_json(text.as_bytes()).expect("the generated records read")
}

fn specs() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(
        (
            0usize..8,
            0u32..3,
            0usize..4,
            prop::bool::weighted(0.8),
            0i64..1_000_000,
            0i64..180_000,
        ),
        0..40,
    )
}

/// Every record of `records` with its reference, section by section.
fn refs(records: &ImsRecords) -> Vec<(RecordRef, ImsAction, String)> {
    let mut out = Vec::new();
    for d in records.iter() {
        let index = out
            .iter()
            .filter(|(r, _, _): &&(RecordRef, ImsAction, String)| r.section == d.section)
            .count();
        out.push((
            RecordRef {
                section: d.section,
                index,
            },
            ImsAction::NoAction,
            d.document.number().to_owned(),
        ));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Every record gets exactly one action, and never a Pending GSTN blocks.
    #[test]
    fn every_record_gets_one_action(
        code in 0usize..4,
        current in 0usize..4,
        blocked in any::<bool>(),
        filed in any::<bool>(),
        decided in proptest::option::of(0usize..4),
    ) {
        let code = [MatchCode::Ok, MatchCode::Mismatch, MatchCode::CounterpartyOnly, MatchCode::TaxpayerOnly][code];
        let record = state(ACTIONS[current].clone(), blocked, filed);
        let decided = decided.map(|d| ACTIONS[d].clone());
        let r = ImsPolicy::default().recommend(code, Some(&record), decided.as_ref());
        let action = r.action.expect("an action for every record");
        if blocked && action == ImsAction::Pending {
            prop_assert_eq!(&record.current, &ImsAction::Pending);
        }
        if let Some(d) = decided {
            prop_assert!(action == d || (blocked && d == ImsAction::Pending));
        }
    }

    /// The SAVE holds exactly the records whose action changes to A, R or P, the RESET those
    /// that go back to N, each once, with the action GSTN reported as `prev_status`.
    #[test]
    fn the_bodies_hold_exactly_the_changed_records(specs in specs(), seed in any::<u64>()) {
        let records = build(&specs);
        let decide = |r: RecordRef| {
            let h = (r.index as u64).wrapping_mul(2654435761) ^ seed ^ r.section.len() as u64;
            (h % 5 != 4).then(|| ACTIONS[(h % 4) as usize].clone())
        };
        let bodies = ImsBodies::of(me(), &records, decide);
        let mut changed_to_n = Vec::new();
        let mut changed_to_arp = Vec::new();
        for (at, _, number) in refs(&records) {
            let current = records.iter().filter(|d| d.section == at.section).nth(at.index)
                .map(|d| d.document.number().to_owned());
            prop_assert_eq!(current.as_deref(), Some(number.as_str()));
            let Some(new) = decide(at) else { continue };
            let before = action_of(&records, at);
            if new == before { continue; }
            if new == ImsAction::NoAction { changed_to_n.push((at.section, number)); }
            else { changed_to_arp.push((at.section, number, new, before)); }
        }
        let sent: Vec<(&str, String, ImsAction, ImsAction)> = bodies.save.iter()
            .flat_map(|b| sent_records(&b.records))
            .collect();
        prop_assert_eq!(sent.len(), changed_to_arp.len());
        for (section, number, new, before) in &changed_to_arp {
            prop_assert!(sent.iter().any(|(s, n, a, p)| s == section && n == number && a == new && p == before));
        }
        let reset: Vec<(&str, String)> = bodies.reset.iter()
            .flat_map(|b| sent_records(&b.records))
            .map(|(s, n, _, _)| (s, n))
            .collect();
        prop_assert_eq!(reset.len(), changed_to_n.len());
        prop_assert_eq!(bodies.save.is_some(), !changed_to_arp.is_empty());
        prop_assert_eq!(bodies.reset.is_some(), !changed_to_n.is_empty());
    }

    /// The expected ITC is the sum over accepted and no-action records of filed suppliers
    /// (available) and rejected ones (rejected), credit notes negative, whatever the order.
    #[test]
    fn the_expected_itc_adds_up_the_right_records(specs in specs()) {
        let records = build(&specs);
        let expected = ExpectedItc::of(&records, |at| action_of(&records, at)).expect("fits");
        let mut available = Decimal::ZERO;
        let mut rejected = Decimal::ZERO;
        for &(section, _, action, filed, _, igst) in &specs {
            let key = SECTIONS[section % SECTIONS.len()];
            if !filed { continue; }
            let igst = Decimal::new(igst, 2) * if key.starts_with("b2bcn") { -Decimal::ONE } else { Decimal::ONE };
            match ACTIONS[action % ACTIONS.len()] {
                ImsAction::Accept | ImsAction::NoAction => available += igst,
                ImsAction::Reject => rejected += igst,
                _ => {}
            }
        }
        let sum = |m: &std::collections::BTreeMap<String, gstr2_model::TaxAmounts>| {
            m.values().map(|t| t.igst).sum::<Decimal>()
        };
        prop_assert_eq!(sum(&expected.available), available);
        prop_assert_eq!(sum(&expected.rejected), rejected);

        let mut reversed = specs.clone();
        reversed.reverse();
        let again = build(&reversed);
        prop_assert_eq!(ExpectedItc::of(&again, |at| action_of(&again, at)).expect("fits"), expected);
    }
}

fn action_of(records: &ImsRecords, at: RecordRef) -> ImsAction {
    let json = serde_json::to_value(records).expect("json");
    json[at.section][at.index]["action"]
        .as_str()
        .map(ImsAction::from_sent)
        .unwrap_or(ImsAction::NoAction)
}

/// Every record of a body: section, number, action sent, `prev_status`.
fn sent_records(records: &ImsRecords) -> Vec<(&'static str, String, ImsAction, ImsAction)> {
    let json = serde_json::to_value(records).expect("json");
    let mut out = Vec::new();
    for section in SECTIONS {
        for r in json[section].as_array().into_iter().flatten() {
            let number = r["inum"]
                .as_str()
                .or(r["nt_num"].as_str())
                .unwrap_or("")
                .to_owned();
            let action = r["action"]
                .as_str()
                .map_or(ImsAction::NoAction, ImsAction::from_sent);
            let prev = r["prev_status"]
                .as_str()
                .map_or(ImsAction::NoAction, ImsAction::from_sent);
            out.push((section, number, action, prev));
        }
    }
    out
}

#[test]
fn a_credit_note_accepted_says_the_itc_is_reduced_and_the_2b_is_compared() {
    let records = ImsRecords::from_json(
        br#"{"b2b":[{"stin":"33GSPTN4811G1ZC","inum":"S1","idt":"02-04-2024","val":1180,
          "txval":1000,"iamt":180,"action":"N","srcfilstatus":"Filed"}],
        "b2bcn":[{"stin":"33GSPTN4811G1ZC","nt_num":"C1","nt_dt":"03-04-2024","val":118,
          "txval":100,"iamt":18,"action":"N","srcfilstatus":"Filed"}]}"#,
    )
    .expect("reads");
    let recipient: Gstin = me();
    let bodies = ImsBodies::of(recipient, &records, |_| Some(ImsAction::Accept));
    let save = serde_json::to_value(bodies.save.expect("a SAVE")).expect("json");
    assert_eq!(save["reqtyp"], "SAVE");
    assert_eq!(save["invdata"]["b2bcn"][0]["itcRedReq"], "Y");
    assert_eq!(save["invdata"]["b2bcn"][0]["prev_status"], "N");
    assert!(save["invdata"]["b2b"][0].get("itcRedReq").is_none());
    assert!(bodies.reset.is_none());

    let expected = ExpectedItc::of(&records, |_| ImsAction::Accept).expect("fits");
    assert_eq!(expected.available["b2b"].igst, Decimal::new(180, 0));
    assert_eq!(expected.available["cdnr"].igst, Decimal::new(-18, 0));
    let gstr2b = Gstr2b::from_json(
        br#"{"rtnprd":"042024","itcsumm":{"itcavl":{"nonrevsup":{
          "b2b":{"igst":180,"cgst":0,"sgst":0,"cess":0},
          "cdnr":{"igst":-17,"cgst":0,"sgst":0,"cess":0}}}}}"#,
    )
    .expect("reads");
    let differences = expected.compare(&gstr2b, Decimal::ZERO);
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert_eq!(
        (
            differences[0].part.as_str(),
            differences[0].section.as_str(),
            differences[0].head.as_str()
        ),
        ("itcavl", "cdnr", "igst")
    );
    assert!(expected.compare(&gstr2b, Decimal::ONE).is_empty());
}
