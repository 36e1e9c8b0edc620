//! `examples/data/gstr2a.json` is made for the sample register: valid checksums, and every
//! match code of Step 4 of the GSTR-2 workflow (`docs/workflow.md`) when reconciled against
//! `examples/data/`.

use gstn_sandbox::gstr2a::document_checksum;
use gstr2::model::{csv, json, Gstr2a};
use gstr2::recon::{ActionFlag, Decisions, MatchCode, Reason, Reconciler, Rule};

use crate::flow;

fn fixture() -> Gstr2a {
    let text = std::fs::read_to_string(flow::sample_data_dir().join("gstr2a.json")).unwrap();
    json::from_str(&text).unwrap()
}

#[test]
fn every_checksum_is_the_sha256_of_the_document_without_it() {
    let g = fixture();
    let mut checked = 0;
    macro_rules! check {
        ($docs:expr) => {
            for d in $docs {
                let mut bare = d.clone();
                bare.checksum = None;
                assert_eq!(
                    d.checksum.as_deref(),
                    Some(document_checksum(&bare).as_str()),
                    "{}",
                    d.number
                );
                checked += 1;
            }
        };
    }
    for s in &g.b2b {
        check!(&s.invoices);
    }
    for s in &g.b2ba {
        check!(&s.invoices);
    }
    for s in &g.cdn {
        check!(&s.notes);
    }
    for s in &g.cdna {
        check!(&s.notes);
    }
    assert_eq!(checked, g.document_count());
    assert_eq!(
        g.gstin.map(|g| g.to_string()).as_deref(),
        Some(flow::DEMO_GSTIN)
    );
    assert_eq!(
        g.fp.map(|p| p.to_string()).as_deref(),
        Some(flow::DEMO_PERIOD)
    );
}

#[test]
fn against_the_sample_register_it_gives_every_match_code() {
    let g = fixture();
    let register = csv::read_dir(
        &flow::sample_data_dir(),
        flow::DEMO_GSTIN.parse().unwrap(),
        flow::DEMO_PERIOD.parse().unwrap(),
    )
    .unwrap();
    let decisions = Decisions::default();
    let inputs = Reconciler::new(&register, &g).decisions(&decisions);
    let report = inputs.run().expect("reconciled");
    let by = |code: MatchCode| report.results.iter().filter(move |r| r.code == code);
    assert!(
        by(MatchCode::Ok).any(|r| r.rule == Some(Rule::Exact) && r.action == ActionFlag::Accept)
    );
    assert!(
        by(MatchCode::Ok).any(|r| r.rule == Some(Rule::Normalised)
            && r.own.as_ref().map(|s| s.key.number.as_str())
                != r.counterparty.as_ref().map(|s| s.key.number.as_str())),
        "a renumbered OK"
    );
    assert!(by(MatchCode::Mismatch).any(|r| r.action == ActionFlag::Reject));
    assert!(by(MatchCode::TaxpayerOnly).any(|r| r.action == ActionFlag::Upload));
    assert!(by(MatchCode::CounterpartyOnly).any(|r| r.action == ActionFlag::Reject));
    assert!(report
        .results
        .iter()
        .any(|r| r.action == ActionFlag::NoAction
            && r.reasons.contains(&Reason::CounterpartyNotFiled)));
    // Amendments and notes are paired too.
    assert!(by(MatchCode::Ok).any(|r| r.kind.is_note()));
    assert!(report.stale_decisions.is_empty());
}
