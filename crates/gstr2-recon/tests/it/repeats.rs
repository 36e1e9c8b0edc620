//! A counterparty document that GSTN (or a provider's answer) lists more than once under its
//! supplier: one result, with a reason that says so, one entry in the save payload, counted
//! once (issue 15, finding 4).

use gstr2_model::codes::YesNo;
use gstr2_recon::{Decisions, MatchCode, Reason, Reconciler, RESULT_COLUMNS};

use crate::support::*;

#[test]
fn a_document_listed_twice_is_reconciled_counted_and_sent_once() {
    let supplier = gstin(1);
    let register = register(supplier, vec![inv("S1", "01-09-2023", "118", "100", "18")]);
    let mut differing = cp_inv("S2", "02-09-2023", "236", "200", "36");
    differing.value = dec("240");
    let mut a = gstr2a(
        supplier,
        Some(YesNo::Yes),
        vec![
            cp_inv("S1", "01-09-2023", "118", "100", "18"),
            cp_inv("S2", "02-09-2023", "236", "200", "36"),
            cp_inv("S1", "01-09-2023", "118", "100", "18"),
        ],
    );
    // The same supplier listed again, with a third copy of S1 and a copy of S2 that differs.
    a.b2b.push(a.b2b[0].clone());
    a.b2b[1].invoices = vec![cp_inv("S1", "01-09-2023", "118", "100", "18"), differing];

    let decisions = Decisions::default();
    let inputs = Reconciler::new(&register, &a).decisions(&decisions);
    let report = inputs.run().expect("reconciled");
    assert_eq!(report.results.len(), 2, "{}", lines(&report));
    let s1 = &report.results[0];
    assert_eq!(s1.code, MatchCode::Ok);
    assert!(
        s1.reasons.contains(&Reason::RepeatedInGstr2a {
            copies: 3,
            identical: true
        }),
        "{:?}",
        s1.reasons
    );
    let s2 = &report.results[1];
    assert_eq!(s2.code, MatchCode::CounterpartyOnly);
    assert!(
        s2.reasons.contains(&Reason::RepeatedInGstr2a {
            copies: 2,
            identical: false
        }),
        "{:?}",
        s2.reasons
    );
    // Counted once: one of each in the summary.
    assert_eq!(report.summary.overall.all.count, 2);

    // Sent once.
    let payloads = inputs.save_payloads(&report).expect("payloads");
    let sent: Vec<&str> = payloads
        .upsert
        .b2b
        .iter()
        .flat_map(|s| &s.invoices)
        .map(|i| i.number.as_str())
        .collect();
    assert_eq!(sent, ["S1", "S2"]);

    // The reason reads in the results' CSV too.
    let mut csv = Vec::new();
    gstr2_recon::write_results_csv(&report, &mut csv).expect("csv");
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(
        csv.contains("listed 3 times in GSTR2A (identical)"),
        "{csv}"
    );
    assert!(
        csv.contains("listed 2 times in GSTR2A (copies differ, the first kept)"),
        "{csv}"
    );
    assert!(RESULT_COLUMNS.contains(&"reasons"), "{RESULT_COLUMNS:?}");

    // The same whatever the order of the copies and suppliers.
    let mut reversed = a.clone();
    reversed.b2b.reverse();
    for s in &mut reversed.b2b {
        s.invoices.reverse();
    }
    let again = Reconciler::new(&register, &reversed)
        .decisions(&decisions)
        .run()
        .expect("reconciled");
    // Compared as written: where each copy sits in the input is not part of a result.
    assert_eq!(
        serde_json::to_value(&again.results).expect("json"),
        serde_json::to_value(&report.results).expect("json")
    );
}
