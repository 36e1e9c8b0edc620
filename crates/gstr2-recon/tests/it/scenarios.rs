//! The scenarios, each a test of its own (`scenario!`), asserted and summarised in one snapshot
//! line; then payloads, summaries and pending marks.

use gstr2_model::codes::{Flag, YesNo};
use gstr2_recon::{
    compare_summaries, into_save_payloads, local_summary, write_results_csv, ActionFlag, Decisions,
    DocKey, DocKind, Field, MatchCode, Reason, Reconciler, Rule, StaleReason,
};

use crate::support::*;

const D: &str = "15-09-2023";

fn one_pair(
    own: &str,
    own_val: (&str, &str, &str),
    cp: &str,
    cp_val: (&str, &str, &str),
) -> gstr2_recon::Report {
    let s = gstin(1);
    let reg = register(s, vec![inv(own, D, own_val.0, own_val.1, own_val.2)]);
    let a = gstr2a(
        s,
        Some(YesNo::Yes),
        vec![cp_inv(cp, D, cp_val.0, cp_val.1, cp_val.2)],
    );
    run(&reg, &a, &Decisions::default())
}

const AMOUNTS: (&str, &str, &str) = ("118", "100", "18");

/// One scenario: a test of its own with its assertions, and one snapshot of its results (one
/// line: the label, then each result), so that the first failure hides none.
macro_rules! scenario {
    ($(#[doc = $doc:literal])* $name:ident, $label:expr, $body:block) => {
        $(#[doc = $doc])*
        #[test]
        fn $name() {
            let r: gstr2_recon::Report = $body;
            insta::assert_snapshot!(stringify!($name), format!("{}: {}", $label, lines(&r)));
        }
    };
}

fn s() -> gstr2_model::Gstin {
    gstin(1)
}

scenario!(
    /// Exact match.
    exact_match, "exact match", {
    let r = one_pair("S1", AMOUNTS, "S1", AMOUNTS);
    assert_eq!(r.results.len(), 1);
    assert_eq!(
        (r.results[0].code, r.results[0].action, r.results[0].rule),
        (MatchCode::Ok, ActionFlag::Accept, Some(Rule::Exact))
    );
    r
});

scenario!(
    /// The same number written differently.
    normalised_number, "normalised number", {
    let r = one_pair("inv-42", AMOUNTS, "INV/2023-24/0042", AMOUNTS);
    assert_eq!(r.results.len(), 1);
    assert_eq!(
        (r.results[0].code, r.results[0].rule),
        (MatchCode::Ok, Some(Rule::Normalised))
    );
    assert!(r.results[0]
        .reasons
        .contains(&Reason::NumberWrittenDifferently));
    r
});

scenario!(
    /// Amounts within tolerance.
    within_tolerance, "within tolerance", {
    let r = one_pair("S2", AMOUNTS, "S2", ("118.90", "100.50", "18.40"));
    assert_eq!(r.results[0].code, MatchCode::Ok);
    assert!(r.results[0].differences.iter().all(|d| d.within_tolerance));
    assert_eq!(r.results[0].differences.len(), 3);
    r
});

scenario!(
    /// Amounts beyond tolerance.
    beyond_tolerance, "beyond tolerance", {
    let r = one_pair("S3", AMOUNTS, "S3", ("130", "110", "19.80"));
    assert_eq!(
        (r.results[0].code, r.results[0].action),
        (MatchCode::Mismatch, ActionFlag::Reject)
    );
    let d = r.results[0]
        .differences
        .iter()
        .find(|d| d.field == Field::Value)
        .expect("val differs");
    assert_eq!(d.difference, Some(dec("12")));
    r
});

scenario!(
    /// Place of supply mismatch.
    pos_mismatch, "pos mismatch", {
    let reg = register(s(), vec![inv("S4", D, "118", "100", "18")]);
    let mut c = cp_inv("S4", D, "118", "100", "18");
    c.place_of_supply = Some("29".parse().expect("pos"));
    let r = run(
        &reg,
        &gstr2a(s(), Some(YesNo::Yes), vec![c]),
        &Decisions::default(),
    );
    assert_eq!(r.results[0].code, MatchCode::Mismatch);
    assert_eq!(r.results[0].differences[0].field, Field::PlaceOfSupply);
    r
});

/// Two numbers one of which extends the other: not paired.
fn not_paired(a: &str, b: &str) -> gstr2_recon::Report {
    let r = one_pair(a, AMOUNTS, b, AMOUNTS);
    assert_eq!(r.results.len(), 2, "{a} vs {b}");
    assert!(r
        .results
        .iter()
        .all(|x| x.rule.is_none() && x.own.is_some() != x.counterparty.is_some()));
    r
}

scenario!(
    /// 1 vs 11 is not paired.
    one_vs_eleven, "1 vs 11", { not_paired("1", "11") });

scenario!(
    /// A/101 vs A/1010 is not paired.
    a101_vs_a1010, "A/101 vs A/1010", { not_paired("A/101", "A/1010") });

scenario!(
    /// Two different numbers with equal amounts: never silently matched.
    equal_amounts_different_numbers, "equal amounts, different numbers", {
    let r = one_pair("QKI/055190", AMOUNTS, "QKI/053612", AMOUNTS);
    assert_eq!(r.results.len(), 2);
    assert_eq!(
        r.results.iter().map(|x| x.code).collect::<Vec<_>>(),
        [MatchCode::CounterpartyOnly, MatchCode::TaxpayerOnly]
    );
    r
});

scenario!(
    /// A typo: a suggestion with a score, still TO and CO.
    probable_pair, "probable pair", {
    let r = one_pair("INV1234", AMOUNTS, "INV1243", AMOUNTS);
    assert_eq!(r.results.len(), 2);
    assert!(r
        .results
        .iter()
        .all(|x| x.suggestions.len() == 1 && x.reasons.contains(&Reason::ProbablePairs)));
    r
});

scenario!(
    /// Only in the register.
    taxpayer_only, "taxpayer only", {
    let r = run(
        &register(s(), vec![inv("T1", D, "118", "100", "18")]),
        &gstr2a(s(), Some(YesNo::Yes), vec![]),
        &Decisions::default(),
    );
    assert_eq!(
        (r.results[0].code, r.results[0].action),
        (MatchCode::TaxpayerOnly, ActionFlag::Upload)
    );
    r
});

/// Only in GSTR2A, the supplier's filing status `cfs`.
fn counterparty_only(cfs: Option<YesNo>) -> gstr2_recon::Report {
    let r = run(
        &register(s(), vec![]),
        &gstr2a(s(), cfs.clone(), vec![cp_inv("C1", D, "118", "100", "18")]),
        &Decisions::default(),
    );
    let x = &r.results[0];
    assert_eq!(x.code, MatchCode::CounterpartyOnly);
    match cfs {
        Some(YesNo::Yes) => assert_eq!(x.action, ActionFlag::Reject),
        Some(_) => assert!(
            x.action == ActionFlag::NoAction && x.reasons.contains(&Reason::CounterpartyNotFiled)
        ),
        None => assert!(
            x.action == ActionFlag::NoAction && x.reasons.contains(&Reason::FilingStatusUnknown)
        ),
    }
    r
}

scenario!(
    /// Only in GSTR2A, the supplier filed.
    counterparty_only_filed, "counterparty only cfs=Y", {
    counterparty_only(Some(YesNo::Yes))
});

scenario!(
    /// Only in GSTR2A, the supplier did not file.
    counterparty_only_not_filed, "counterparty only cfs=N", {
    counterparty_only(Some(YesNo::No))
});

scenario!(
    /// Only in GSTR2A, no filing status.
    counterparty_only_no_status, "counterparty only cfs=-", { counterparty_only(None) });

scenario!(
    /// Credit notes with signs: the register writes the note negative.
    credit_note_signs, "credit note signs", {
    let mut reg = register(s(), vec![]);
    own_cdn(
        &mut reg,
        s(),
        vec![note("CN1", D, "-957.63", "-811.55", "-146.08")],
    );
    let mut a = gstr2a(s(), Some(YesNo::Yes), vec![]);
    cp_cdn(
        &mut a,
        s(),
        vec![cp_note("CN1", D, "957.63", "811.55", "146.08")],
    );
    let r = run(&reg, &a, &Decisions::default());
    assert_eq!(
        (r.results[0].code, r.results[0].kind),
        (MatchCode::Ok, DocKind::CreditNote)
    );
    assert!(r.results[0]
        .own
        .as_ref()
        .is_some_and(|o| o.sign_normalised && o.value == dec("957.63")));
    assert_eq!(r.summary.overall.all.value, dec("-957.63"));
    r
});

scenario!(
    /// An amendment replacing its original, on both sides.
    amendment_replaces_original, "amendment replaces original", {
    let mut reg = register(s(), vec![inv("A1", "01-08-2023", "118", "100", "18")]);
    own_b2ba(
        &mut reg,
        s(),
        vec![own_amend(
            "A1",
            "01-08-2023",
            inv("A1R", D, "236", "200", "36"),
        )],
    );
    let mut a = gstr2a(
        s(),
        Some(YesNo::Yes),
        vec![cp_inv("A1", "01-08-2023", "118", "100", "18")],
    );
    cp_b2ba(
        &mut a,
        s(),
        vec![cp_amend(
            "A1",
            "01-08-2023",
            cp_inv("A1R", D, "236", "200", "36"),
        )],
    );
    let r = run(&reg, &a, &Decisions::default());
    assert_eq!(r.results.len(), 1);
    let x = &r.results[0];
    assert_eq!((x.code, x.rule), (MatchCode::Ok, Some(Rule::Exact)));
    assert_eq!(x.own.as_ref().map(|o| o.replaces.len()), Some(1));
    assert_eq!(x.counterparty.as_ref().map(|o| o.replaces.len()), Some(1));
    r
});

scenario!(
    /// The supplier amended an invoice the register still has in its original form.
    amendment_of_the_registers_original, "amendment of the register's original", {
    let reg = register(s(), vec![inv("A2", "01-08-2023", "118", "100", "18")]);
    let mut a = gstr2a(s(), Some(YesNo::Yes), vec![]);
    cp_b2ba(
        &mut a,
        s(),
        vec![cp_amend(
            "A2",
            "01-08-2023",
            cp_inv("A2-R", D, "236", "200", "36"),
        )],
    );
    let r = run(&reg, &a, &Decisions::default());
    assert_eq!(
        (r.results.len(), r.results[0].rule, r.results[0].code),
        (1, Some(Rule::Amendment), MatchCode::Mismatch)
    );
    r
});

/// A matched pair P1 and the decisions with it marked pending.
fn pending_inputs() -> (
    gstr2_model::Gstr2Payload,
    gstr2_model::Gstr2a,
    DocKey,
    Decisions,
) {
    let reg = register(s(), vec![inv("P1", D, "118", "100", "18")]);
    let a = gstr2a(
        s(),
        Some(YesNo::Yes),
        vec![cp_inv("P1", D, "118", "100", "18")],
    );
    let key = DocKey {
        supplier: s(),
        kind: DocKind::Invoice,
        number: "P1".into(),
        date: date(D),
    };
    let mut decisions = Decisions::default();
    decisions.mark_pending(key.clone());
    (reg, a, key, decisions)
}

scenario!(
    /// Pending marked.
    pending_marked, "pending marked", {
    let (reg, a, _, decisions) = pending_inputs();
    let r = run(&reg, &a, &decisions);
    assert_eq!(
        (r.results[0].action, r.results[0].computed_action),
        (ActionFlag::Pending, ActionFlag::Accept)
    );
    r
});

scenario!(
    /// Pending marked, then unmarked.
    pending_unmarked, "pending unmarked", {
    let (reg, a, key, mut decisions) = pending_inputs();
    assert!(decisions.unmark_pending(&key));
    let r = run(&reg, &a, &decisions);
    assert_eq!(r.results[0].action, ActionFlag::Accept);
    r
});

/// A register invoice linked by the user to a GSTR2A invoice of another number, and the
/// decisions as read back from their JSON.
fn linked_inputs() -> (gstr2_model::Gstr2Payload, gstr2_model::Gstr2a, Decisions) {
    let reg = register(s(), vec![inv("ML-OWN", D, "118", "100", "18")]);
    let a = gstr2a(
        s(),
        Some(YesNo::Yes),
        vec![cp_inv("XYZ-9", D, "118", "100", "18")],
    );
    let mut decisions = Decisions::default();
    let own_key = DocKey {
        supplier: s(),
        kind: DocKind::Invoice,
        number: "ML-OWN".into(),
        date: date(D),
    };
    let cp_key = DocKey {
        supplier: s(),
        kind: DocKind::Invoice,
        number: "XYZ-9".into(),
        date: date(D),
    };
    decisions.link(own_key, cp_key);
    let saved = serde_json::to_string(&decisions).expect("decisions serialize");
    let r = run(&reg, &a, &decisions);
    assert_eq!(
        (r.results.len(), r.results[0].rule),
        (1, Some(Rule::Manual))
    );
    let decisions: Decisions = serde_json::from_str(&saved).expect("decisions read back");
    (reg, a, decisions)
}

scenario!(
    /// A manual link kept across a re-run on new data.
    manual_link_after_rerun, "manual link after re-run", {
    let (reg, a, decisions) = linked_inputs();
    let mut reg2 = reg.clone();
    reg2.b2b[0]
        .invoices
        .push(inv("NEW-1", D, "50", "42.37", "7.63"));
    let mut a2 = a.clone();
    a2.b2b[0]
        .invoices
        .insert(0, cp_inv("NEW-1", D, "50", "42.37", "7.63"));
    let r = run(&reg2, &a2, &decisions);
    assert_eq!(r.results.len(), 2);
    assert!(r.results.iter().any(|x| x.rule == Some(Rule::Manual)));
    assert!(r.stale_decisions.is_empty());
    r
});

scenario!(
    /// Decisions that no longer apply are reported.
    stale_link, "stale link", {
    let (_, a, decisions) = linked_inputs();
    let r = run(&register(s(), vec![]), &a, &decisions);
    assert_eq!(r.stale_decisions.len(), 1);
    assert_eq!(r.stale_decisions[0].reason, StaleReason::OwnDocumentGone);
    // The report reads back from its JSON (the link to the inputs is not serialized).
    let text = serde_json::to_string(&r).expect("report json");
    let back: gstr2_recon::Report = serde_json::from_str(&text).expect("report reads back");
    assert_eq!(serde_json::to_string(&back).expect("json"), text);
    r
});

scenario!(
    /// An unlink keeps the exact rule from pairing.
    unlinked, "unlinked", {
    let reg = register(s(), vec![inv("U1", D, "118", "100", "18")]);
    let a = gstr2a(
        s(),
        Some(YesNo::Yes),
        vec![cp_inv("U1", D, "118", "100", "18")],
    );
    let k = DocKey {
        supplier: s(),
        kind: DocKind::Invoice,
        number: "U1".into(),
        date: date(D),
    };
    let mut decisions = Decisions::default();
    decisions.unlink(k.clone(), k);
    let r = run(&reg, &a, &decisions);
    assert_eq!(r.results.len(), 2);
    r
});

scenario!(
    /// Same PAN, another state's GSTIN: a suggestion across GSTINs, never a match.
    same_pan_other_gstin, "same PAN, other GSTIN", {
    let reg = register(gstin(1), vec![inv("PAN-7", D, "118", "100", "18")]);
    let a = gstr2a(
        gstin_29(1),
        Some(YesNo::Yes),
        vec![cp_inv("PAN/0007", D, "118", "100", "18")],
    );
    let r = run(&reg, &a, &Decisions::default());
    assert_eq!(r.results.len(), 2);
    assert!(r.results.iter().all(|x| x.rule.is_none()
        && x.suggestions.len() == 1
        && x.suggestions[0].key.supplier != x.supplier));
    r
});

#[test]
fn payloads_and_summary() {
    let s = gstin(1);
    let s2 = gstin(2);
    let mut reg = register(
        s,
        vec![
            inv("OK1", D, "118", "100", "18"),
            inv("TO1", D, "59", "50", "9"),
            inv("MM1", D, "118", "100", "18"),
        ],
    );
    reg.b2b.push(gstr2_model::tables::b2b::B2bSupplier {
        supplier_gstin: s2,
        filing_status: None,
        invoices: vec![inv("N1", D, "118", "100", "18")],
    });
    let mut a = gstr2a(
        s,
        Some(YesNo::Yes),
        vec![
            cp_inv("OK1", D, "118", "100", "18"),
            cp_inv("CO1", D, "11.8", "10", "1.8"),
            cp_inv("MM1", D, "218", "200", "18"),
        ],
    );
    let mut not_filed = gstr2a(
        s2,
        Some(YesNo::No),
        vec![cp_inv("N1", D, "118", "100", "18")],
    );
    a.b2b.append(&mut not_filed.b2b);
    // Saved before: TO1 and GONE1 as uploads.
    let prev = register(
        s,
        vec![
            inv("TO1", D, "59", "50", "9"),
            inv("GONE1", D, "10", "10", "0"),
        ],
    );
    let decisions = Decisions::default();
    let inputs = Reconciler::new(&reg, &a)
        .decisions(&decisions)
        .previously_saved(&prev);
    let report = inputs.run().expect("reconciled");
    let p = inputs.save_payloads(&report).expect("payloads");
    let moved = into_save_payloads(reg.clone(), a.clone(), Some(&prev), &report);
    assert_eq!(moved.expect("payloads"), p);
    let sent: Vec<(String, Option<Flag>, Option<String>, bool)> = p
        .upsert
        .b2b
        .iter()
        .flat_map(|s| {
            s.invoices.iter().map(|i| {
                (
                    i.number.clone(),
                    i.flag.clone(),
                    i.checksum.clone(),
                    i.items.iter().any(|x| x.itc.is_some()),
                )
            })
        })
        .collect();
    assert_eq!(
        sent,
        vec![
            (
                "CO1".into(),
                Some(Flag::Reject),
                Some("ck-CO1".into()),
                false
            ),
            (
                "MM1".into(),
                Some(Flag::Reject),
                Some("ck-MM1".into()),
                false
            ),
            (
                "OK1".into(),
                Some(Flag::Accept),
                Some("ck-OK1".into()),
                true
            ),
            ("TO1".into(), None, None, true),
        ]
    );
    let deleted: Vec<_> = p
        .delete
        .b2b
        .iter()
        .flat_map(|s| {
            s.invoices
                .iter()
                .map(|i| (i.number.clone(), i.flag.clone()))
        })
        .collect();
    assert_eq!(deleted, vec![("GONE1".to_owned(), Some(Flag::Delete))]);
    insta::assert_snapshot!(
        "payloads",
        gstr2_model::json::to_string_pretty(&p).expect("json")
    );

    let local = local_summary(&p, Some(&prev)).expect("a summary");
    // Counted: OK1 (A) and TO1 (upload); not CO1/MM1 (R), N1 (not sent), GONE1 (deleted).
    assert_eq!(local.sections.len(), 1);
    assert_eq!(local.sections[0].record_count, Some(2));
    assert_eq!(local.sections[0].value, Some(dec("177")));
    assert_eq!(local.sections[0].itc_igst, Some(dec("27")));
    insta::assert_snapshot!(
        "local_summary",
        gstr2_model::json::to_string_pretty(&local).expect("json")
    );
    assert!(compare_summaries(&local, &local).is_empty());
    let mut downloaded = local.clone();
    downloaded.sections[0].value = Some(dec("176"));
    downloaded.sections[0].counterparties.clear();
    let diffs = compare_summaries(&local, &downloaded);
    assert!(diffs
        .iter()
        .any(|d| d.ctin.is_none() && d.field == "ttl_val" && d.downloaded == Some(dec("176"))));
    assert!(diffs
        .iter()
        .any(|d| d.ctin == Some(s) && d.field == "rc" && d.downloaded.is_none()));

    // Results as JSON and CSV.
    let mut csv = Vec::new();
    write_results_csv(&report, &mut csv).expect("csv");
    let csv = String::from_utf8(csv).expect("utf8");
    assert_eq!(csv.lines().count(), report.results.len() + 1);
    insta::assert_snapshot!("results_csv", csv);
    let json = serde_json::to_value(&report).expect("json");
    assert_eq!(
        json["results"].as_array().map(Vec::len),
        Some(report.results.len())
    );
    assert!(report
        .results
        .iter()
        .any(|r| r.reasons.contains(&Reason::CounterpartyNotFiled)
            && r.action == ActionFlag::NoAction));
}

#[test]
fn sample_register_all_sections() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/data");
    let gstr2a: gstr2_model::Gstr2a = gstr2_model::json::from_slice(
        &std::fs::read(dir.join("gstr2a.json")).expect("read gstr2a.json"),
    )
    .expect("gstr2a");
    let (Some(gstin), Some(fp)) = (gstr2a.gstin, gstr2a.fp) else {
        panic!("gstr2a.json names its gstin and fp")
    };
    let register = gstr2_model::csv::read_dir(&dir, gstin, fp).expect("sample register");
    let decisions = Decisions::default();
    let inputs = Reconciler::new(&register, &gstr2a).decisions(&decisions);
    let report = inputs.run().expect("reconciled");
    let payloads = inputs.save_payloads(&report).expect("payloads");
    let moved = into_save_payloads(register.clone(), gstr2a.clone(), None, &report);
    assert_eq!(moved.expect("payloads"), payloads);
    let summary = local_summary(&payloads, None).expect("a summary");
    // Every section the register holds appears in the local summary.
    for t in gstr2_model::Table::ALL {
        if register.document_count(t) > 0 {
            assert!(
                summary
                    .sections
                    .iter()
                    .any(|s| s.section == t.section_name()),
                "{t:?} missing"
            );
        }
    }
    let mut out: Vec<String> = report.results.iter().map(line).collect();
    for s in &summary.sections {
        out.push(format!(
            "{} rc={} val={} tax={}/{}/{}/{} itc={}/{}/{}/{} nil={}/{}/{}/{} cpty={}",
            s.section,
            s.record_count.unwrap_or_default(),
            s.value.map(|v| v.to_string()).unwrap_or("-".into()),
            s.tax_igst.unwrap_or_default(),
            s.tax_cgst.unwrap_or_default(),
            s.tax_sgst.unwrap_or_default(),
            s.tax_cess.unwrap_or_default(),
            s.itc_igst.unwrap_or_default(),
            s.itc_cgst.unwrap_or_default(),
            s.itc_sgst.unwrap_or_default(),
            s.itc_cess.unwrap_or_default(),
            s.composition.unwrap_or_default(),
            s.exempt.unwrap_or_default(),
            s.nil_rated.unwrap_or_default(),
            s.non_gst.unwrap_or_default(),
            s.counterparties.len()
        ));
    }
    insta::assert_snapshot!(out.join("\n"));
}

#[test]
fn pending_marks_that_do_not_apply_are_reported_and_follow_manual_links() {
    let (s, t) = (gstin(1), gstin(2));
    let key = |supplier, number: &str| DocKey {
        supplier,
        kind: DocKind::Invoice,
        number: number.into(),
        date: date(D),
    };
    // R1 is replaced by its amendment; T1 is the taxpayer's only (an upload); X1, of supplier
    // s, is linked by the user to Y1 of supplier t; G1 is in neither input.
    let mut reg = register(
        s,
        vec![
            inv("R1", D, "118", "100", "18"),
            inv("T1", D, "118", "100", "18"),
            inv("X1", D, "118", "100", "18"),
        ],
    );
    own_b2ba(
        &mut reg,
        s,
        vec![own_amend("R1", D, inv("R1-A", D, "118", "100", "18"))],
    );
    let a = gstr2a(
        t,
        Some(YesNo::Yes),
        vec![cp_inv("Y1", D, "118", "100", "18")],
    );
    let mut decisions = Decisions::default();
    decisions.link(key(s, "X1"), key(t, "Y1"));
    for n in ["R1", "T1", "X1", "G1"] {
        decisions.mark_pending(key(s, n));
    }
    let r = run(&reg, &a, &decisions);
    let stale: Vec<(&str, StaleReason)> = r
        .stale_decisions
        .iter()
        .map(|d| match &d.decision {
            gstr2_recon::Decision::Pending { key } => (key.number.as_str(), d.reason.clone()),
            other => panic!("only pending marks are stale here, not {other:?}"),
        })
        .collect();
    assert_eq!(
        stale,
        [
            ("G1", StaleReason::DocumentGone),
            ("R1", StaleReason::ReplacedByAmendment),
            ("T1", StaleReason::NotAcceptOrReject),
        ]
    );
    // X1's result is the manual pair, filed under the counterparty's supplier: marked there.
    let linked = r
        .results
        .iter()
        .find(|x| x.rule == Some(Rule::Manual))
        .expect("the manual pair");
    assert_eq!(linked.supplier, t);
    assert_eq!(
        (linked.action, linked.computed_action),
        (ActionFlag::Pending, ActionFlag::Accept)
    );
    assert_eq!(
        linked
            .reasons
            .iter()
            .filter(|x| **x == Reason::MarkedPending)
            .count(),
        1
    );
    let upload = r
        .results
        .iter()
        .find(|x| x.own.as_ref().is_some_and(|o| o.key.number == "T1"))
        .expect("T1's result");
    assert_eq!(upload.action, ActionFlag::Upload);
}

#[test]
fn a_result_marked_through_both_its_sides_is_marked_once() {
    let s = gstin(1);
    let reg = register(s, vec![inv("inv-7", D, "118", "100", "18")]);
    let a = gstr2a(
        s,
        Some(YesNo::Yes),
        vec![cp_inv("INV/2023-24/0007", D, "118", "100", "18")],
    );
    let mut decisions = Decisions::default();
    for n in ["inv-7", "INV/2023-24/0007"] {
        decisions.mark_pending(DocKey {
            supplier: s,
            kind: DocKind::Invoice,
            number: n.into(),
            date: date(D),
        });
    }
    let r = run(&reg, &a, &decisions);
    assert_eq!(r.results.len(), 1);
    assert_eq!(r.results[0].action, ActionFlag::Pending);
    assert_eq!(
        r.results[0]
            .reasons
            .iter()
            .filter(|x| **x == Reason::MarkedPending)
            .count(),
        1
    );
    assert!(r.stale_decisions.is_empty());
}
