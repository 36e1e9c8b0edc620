//! Amounts near a decimal's limit (about 7.9 × 10²⁸): every sum the engine, the payloads and the
//! summaries take is checked, so that such amounts give an error naming the document, never a
//! panic (issue 15, finding 6).

use gstr2_model::amount::AmountOverflow;
use gstr2_model::codes::{Flag, NoteType, YesNo};
use gstr2_model::summary::SectionSummary;
use gstr2_model::tables::b2b::B2bSupplier;
use gstr2_model::{json, ErrorChain, Gstr2Payload, Gstr2Summary, Gstr2a, Item};
use gstr2_recon::{
    compare_summaries, into_save_payloads, local_summary, Decisions, Field, MatchCode, MatchConfig,
    PayloadPlan, ReconcileError, Reconciler, SavePayloads, StreamedError,
};
use proptest::collection::vec;
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::support::*;

/// 5 × 10²⁸: one fits in a decimal, two added do not.
fn five_e28() -> Decimal {
    dec("50000000000000000000000000000")
}

fn four_e28() -> Decimal {
    dec("40000000000000000000000000000")
}

fn one_e28() -> Decimal {
    dec("10000000000000000000000000000")
}

/// One item at 18% of this taxable value and IGST.
fn item_of(number: u32, txval: Decimal, igst: Decimal, itc: bool) -> Item {
    let mut i = item("0", "0", itc);
    i.number = number;
    i.detail.taxable_value = txval;
    i.detail.igst = Some(igst);
    if let Some(c) = i.itc.as_mut() {
        c.igst = Some(igst);
    }
    i
}

/// The register and GSTR2A of the issue: two invoices of 5 × 10²⁸ from one supplier, on both
/// sides.
fn the_issues_case() -> (Gstr2Payload, Gstr2a) {
    let ctin = gstin(1);
    let own = |n: &str| {
        let mut i = inv(n, "15-09-2023", "0", "0", "0");
        i.value = five_e28();
        i.items = vec![item_of(1, four_e28(), one_e28(), true)];
        i
    };
    let cp = |n: &str| {
        let mut i = cp_inv(n, "15-09-2023", "0", "0", "0");
        i.value = five_e28();
        i.items = vec![item_of(1, four_e28(), one_e28(), false)];
        i
    };
    let mut reg = register(me(), vec![]);
    reg.b2b.push(B2bSupplier {
        supplier_gstin: ctin,
        filing_status: None,
        invoices: vec![own("S1"), own("S2")],
    });
    let a = gstr2a(ctin, Some(YesNo::Yes), vec![cp("S1"), cp("S2")]);
    (reg, a)
}

fn inputs_of<'a>(reg: &'a Gstr2Payload, a: &'a Gstr2a, d: &'a Decisions) -> Reconciler<'a> {
    Reconciler::new(reg, a).decisions(d)
}

#[test]
fn two_gstr2a_invoices_of_5e28_are_an_error_naming_the_document() {
    let (reg, a) = the_issues_case();
    let decisions = Decisions::default();
    let inputs = inputs_of(&reg, &a, &decisions);
    let config = MatchConfig::default();

    let e = inputs
        .clone()
        .config(config.clone())
        .run()
        .expect_err("the totals overflow");
    let ReconcileError::Summary(overflow) = &e else {
        panic!("expected the summary's totals to overflow, got {e:?}");
    };
    // Each invoice fits; the second one counted makes the totals overflow.
    assert_eq!(overflow.section, "b2b");
    assert_eq!(overflow.supplier, Some(gstin(1)));
    assert_eq!(overflow.document.as_deref(), Some("S2"));
    assert_eq!(overflow.sum, "the summary's totals");
    assert_eq!(
        ErrorChain(&e).to_string(),
        format!(
            "summary: b2b document S2 of supplier {}: adding up the summary's totals overflows \
             a decimal (about 7.9e28 at most)",
            gstin(1)
        )
    );
    assert_eq!(
        std::error::Error::source(&e).map(|s| s.to_string()),
        Some(overflow.to_string())
    );

    // The same error from every entry point.
    assert_eq!(
        inputs
            .clone()
            .config(config.clone())
            .progress(&|_| {})
            .run()
            .err(),
        Some(e.clone())
    );
    let mut batches = 0;
    let streamed = inputs.clone().config(config.clone()).stream(&mut |_| {
        batches += 1;
        Ok::<(), std::io::Error>(())
    });
    match streamed {
        Err(StreamedError::Reconcile(s)) => assert_eq!(s, e),
        other => panic!("expected the reconciliation's error, got {other:?}"),
    }
    assert_eq!(batches, 0, "the batch that overflows is not handed over");

    // One invoice alone fits.
    let mut one = reg.clone();
    one.b2b[0].invoices.truncate(1);
    let mut a_one = a.clone();
    a_one.b2b[0].invoices.truncate(1);
    let report = inputs_of(&one, &a_one, &decisions)
        .config(config.clone())
        .run()
        .expect("one fits");
    assert_eq!(report.results.len(), 1);
    assert_eq!(report.results[0].code, MatchCode::Ok);
    assert_eq!(report.summary.overall.all.value, five_e28());
}

#[test]
fn a_document_whose_items_overflow_is_named_with_its_side() {
    let ctin = gstin(2);
    let mut big = cp_inv("B-7", "15-09-2023", "1", "0", "0");
    big.items = vec![
        item_of(1, Decimal::MAX, Decimal::ZERO, false),
        item_of(2, Decimal::MAX, Decimal::ZERO, false),
    ];
    let small = cp_inv("A-1", "15-09-2023", "118", "100", "18");
    let a = gstr2a(ctin, Some(YesNo::Yes), vec![small, big]);
    let reg = register(me(), vec![]);
    let decisions = Decisions::default();
    let e = inputs_of(&reg, &a, &decisions)
        .run()
        .expect_err("the items overflow");
    assert_eq!(
        e,
        ReconcileError::Counterparty(
            AmountOverflow::new("its taxable value", "b2b", Some("B-7")).with_supplier(ctin)
        )
    );

    // The register's side, through its tax this time: the magnitudes count, so an item of
    // -MAX and one of MAX overflow though they cancel.
    let mut own = inv("R-1", "15-09-2023", "1", "0", "0");
    own.items = vec![
        item_of(1, Decimal::ONE, Decimal::MAX, true),
        item_of(2, Decimal::ONE, Decimal::MIN, true),
    ];
    let reg = register(ctin, vec![own]);
    let a = Gstr2a::default();
    let e = inputs_of(&reg, &a, &decisions)
        .run()
        .expect_err("the items overflow");
    assert_eq!(
        e,
        ReconcileError::Register(
            AmountOverflow::new("its tax", "b2b", Some("R-1")).with_supplier(ctin)
        )
    );
    assert!(
        ErrorChain(&e)
            .to_string()
            .starts_with("register: b2b document R-1"),
        "{e}"
    );
}

#[test]
fn a_difference_beyond_a_decimal_is_beyond_tolerance() {
    let ctin = gstin(3);
    let seven = dec("70000000000000000000000000000");
    let mut own = inv("D-1", "15-09-2023", "0", "0", "0");
    own.value = -seven;
    own.items = vec![item_of(1, -seven, Decimal::ZERO, true)];
    let mut cp = cp_inv("D-1", "15-09-2023", "0", "0", "0");
    cp.value = seven;
    cp.items = vec![item_of(1, seven, Decimal::ZERO, false)];
    let reg = register(ctin, vec![own]);
    let a = gstr2a(ctin, Some(YesNo::Yes), vec![cp]);
    let decisions = Decisions::default();
    let report = inputs_of(&reg, &a, &decisions)
        .run()
        .expect("each side fits");
    assert_eq!(report.results.len(), 1);
    let r = &report.results[0];
    assert_eq!(r.code, MatchCode::Mismatch);
    for field in [Field::Value, Field::TaxableValue] {
        let d = r
            .differences
            .iter()
            .find(|d| d.field == field)
            .unwrap_or_else(|| panic!("{field:?} differs: {:?}", r.differences));
        assert_eq!(d.difference, None, "{field:?}: beyond a decimal");
        assert!(!d.within_tolerance, "{field:?}");
        assert_eq!(d.own.as_deref(), Some("-70000000000000000000000000000"));
    }
}

fn upsert_of(reg: &Gstr2Payload) -> SavePayloads {
    SavePayloads {
        upsert: reg.clone(),
        delete: Gstr2Payload::new(reg.gstin, reg.fp),
    }
}

#[test]
fn local_summary_names_the_document_at_which_the_totals_overflow() {
    let (reg, _) = the_issues_case();
    let e = local_summary(&upsert_of(&reg), None).expect_err("the totals overflow");
    assert_eq!(
        e,
        AmountOverflow::new("the summary's totals", "b2b", Some("S2")).with_supplier(gstin(1))
    );
    // Saved before and saved again: the same, counted in key order.
    let e2 = local_summary(&upsert_of(&reg), Some(&reg)).expect_err("the totals overflow");
    assert_eq!(e2, e);

    // A rejected document does not count, so it cannot overflow anything.
    let mut rejected = reg.clone();
    rejected.b2b[0].invoices[1].flag = Some(Flag::Reject);
    let summary = local_summary(&upsert_of(&rejected), None).expect("one counted");
    assert_eq!(summary.sections[0].value, Some(five_e28()));

    // A document whose own items overflow, and a credit note, which counts negative.
    let ctin = gstin(4);
    let mut own = inv("T-1", "15-09-2023", "1", "0", "0");
    own.items = vec![
        item_of(1, Decimal::ONE, Decimal::MAX, true),
        item_of(2, Decimal::ONE, Decimal::ONE, true),
    ];
    let e = local_summary(&upsert_of(&register(ctin, vec![own])), None).expect_err("overflow");
    assert_eq!(
        e,
        AmountOverflow::new("its tax", "b2b", Some("T-1")).with_supplier(ctin)
    );
    let mut notes = register(ctin, vec![]);
    own_cdn(
        &mut notes,
        ctin,
        vec![
            note("C-1", "15-09-2023", "0", "0", "0"),
            note("C-2", "15-09-2023", "0", "0", "0"),
        ],
    );
    for n in &mut notes.cdn[0].notes {
        n.note_type = NoteType::Credit;
        n.value = Decimal::MAX;
    }
    let e = local_summary(&upsert_of(&notes), None).expect_err("-MAX twice overflows");
    assert_eq!(
        e,
        AmountOverflow::new("the summary's totals", "cdn", Some("C-2")).with_supplier(ctin)
    );
}

fn summary_with(value: Decimal) -> Gstr2Summary {
    let mut s: Gstr2Summary = serde_json::from_str(
        r#"{"gstin":"27AAPFU0939F1ZV","ret_period":"072017","section_summary":[{"sec_nm":"B2B","rc":1}]}"#,
    )
    .expect("a summary");
    let section: &mut SectionSummary = &mut s.sections[0];
    section.value = Some(value);
    section.tax_igst = Some(-value);
    s
}

#[test]
fn compare_summaries_adds_nothing_so_any_amounts_compare() {
    let (max, min) = (summary_with(Decimal::MAX), summary_with(Decimal::MIN));
    assert!(compare_summaries(&max, &max).is_empty());
    let diffs = compare_summaries(&max, &min);
    assert_eq!(diffs.len(), 2, "{diffs:?}");
    let value = diffs
        .iter()
        .find(|d| d.field == "ttl_val")
        .expect("ttl_val differs");
    assert_eq!(value.local, Some(Decimal::MAX));
    assert_eq!(value.downloaded, Some(Decimal::MIN));
}

// ---- properties ----------------------------------------------------------------------------

/// Amounts from the whole range of a decimal: rupees and paise, any mantissa at any scale
/// (tiny to huge), near the limit, negative, and the limits themselves.
fn any_amount() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        3 => (0i64..100_000_000).prop_map(|paise| Decimal::new(paise, 2)),
        2 => (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28)
            .prop_map(|(lo, mid, hi, negative, scale)| Decimal::from_parts(lo, mid, hi, negative, scale)),
        1 => (0u32..1000, any::<bool>()).prop_map(|(below, negative)| {
            let v = Decimal::MAX - Decimal::from(below);
            if negative { -v } else { v }
        }),
        1 => prop::sample::select(vec![
            Decimal::MAX,
            Decimal::MIN,
            Decimal::ZERO,
            Decimal::new(1, 28),
            Decimal::new(-1, 28),
            dec("50000000000000000000000000000"),
        ]),
    ]
}

/// (supplier, number, note, on the register, in GSTR2A, value, taxable value, IGST)
type Doc = (u32, u32, bool, bool, bool, Decimal, Decimal, Decimal);

fn doc() -> impl Strategy<Value = Doc> {
    (
        0u32..3,
        0u32..4,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any_amount(),
        any_amount(),
        any_amount(),
    )
}

/// The register and GSTR2A of `docs`, written as JSON and read back: the readers take the
/// amounts as they come.
fn build(docs: &[Doc]) -> (Gstr2Payload, Gstr2a) {
    let mut reg = register(me(), vec![]);
    let mut a = Gstr2a::default();
    for (i, &(s, n, is_note, own, cp, value, txval, igst)) in docs.iter().enumerate() {
        let ctin = gstin(s + 1);
        let number = format!("N{n}");
        let day = format!("{:02}-09-2023", 1 + i % 28);
        if is_note {
            if own {
                let mut nt = note(&number, &day, "0", "0", "0");
                nt.value = value;
                nt.items = vec![item_of(1, txval, igst, true)];
                match reg.cdn.iter_mut().find(|x| x.supplier_gstin == ctin) {
                    Some(x) => x.notes.push(nt),
                    None => own_cdn(&mut reg, ctin, vec![nt]),
                }
            }
            if cp {
                let mut nt = cp_note(&number, &day, "0", "0", "0");
                nt.value = value;
                nt.items = vec![item_of(1, txval, igst, false)];
                match a.cdn.iter_mut().find(|x| x.supplier_gstin == ctin) {
                    Some(x) => x.notes.push(nt),
                    None => cp_cdn(&mut a, ctin, vec![nt]),
                }
            }
        } else {
            if own {
                let mut i = inv(&number, &day, "0", "0", "0");
                i.value = value;
                i.items = vec![item_of(1, txval, igst, true)];
                match reg.b2b.iter_mut().find(|x| x.supplier_gstin == ctin) {
                    Some(x) => x.invoices.push(i),
                    None => reg.b2b.push(B2bSupplier {
                        supplier_gstin: ctin,
                        filing_status: None,
                        invoices: vec![i],
                    }),
                }
            }
            if cp {
                let mut i = cp_inv(&number, &day, "0", "0", "0");
                i.value = value;
                i.items = vec![item_of(1, txval, igst, false)];
                match a.b2b.iter_mut().find(|x| x.supplier_gstin == ctin) {
                    Some(x) => x.invoices.push(i),
                    None => a.b2b.extend(gstr2a(ctin, Some(YesNo::Yes), vec![i]).b2b),
                }
            }
        }
    }
    let reg: Gstr2Payload =
        json::from_slice(&json::to_vec(&reg).expect("encode")).expect("the register reads back");
    let a: Gstr2a =
        json::from_slice(&json::to_vec(&a).expect("encode")).expect("GSTR2A reads back");
    (reg, a)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Amounts anywhere in a decimal's range, and enough documents for their sums to
    /// overflow: the engine, its streamed form, the payloads, the local summary and the
    /// comparison of summaries give a value or an error, never a panic; the error is the same
    /// from every entry point and names a document.
    #[test]
    fn amounts_anywhere_in_range_give_a_value_or_an_error_never_a_panic(docs in vec(doc(), 1..8)) {
        let (reg, a) = build(&docs);
        let decisions = Decisions::default();
        let inputs = inputs_of(&reg, &a, &decisions);
        let config = MatchConfig::default();
        let report = inputs.clone().config(config.clone()).run();
        let streamed = inputs.clone().config(config.clone()).stream(&mut |_| Ok::<(), String>(()));
        let report = match (report, streamed) {
            (Ok(report), Ok(done)) => {
                prop_assert_eq!(&done.summary, &report.summary);
                report
            }
            (Err(e), Err(StreamedError::Reconcile(s))) => {
                prop_assert_eq!(&s, &e);
                let named = match &e {
                    ReconcileError::Register(o) | ReconcileError::Counterparty(o) | ReconcileError::Summary(o) => o,
                    other => return Err(TestCaseError::fail(format!("unknown error {other:?}"))),
                };
                prop_assert!(named.document.is_some(), "{}", e);
                prop_assert!(named.section == "b2b" || named.section == "cdn", "{}", e);
                return Ok(());
            }
            (r, s) => return Err(TestCaseError::fail(format!("reconcile {r:?} but streamed {s:?}"))),
        };
        let copied = inputs.save_payloads(&report).expect("payloads of its own report");
        let moved = into_save_payloads(reg.clone(), a.clone(), None, &report).expect("payloads");
        prop_assert_eq!(&moved, &copied);
        prop_assert_eq!(&PayloadPlan::of(&report).payloads(&inputs).expect("payloads"), &copied);
        for previously_saved in [None, Some(&reg)] {
            match local_summary(&copied, previously_saved) {
                Ok(local) => {
                    prop_assert!(compare_summaries(&local, &local).is_empty());
                    let far = summary_with(Decimal::MIN);
                    let _ = compare_summaries(&local, &far);
                }
                Err(e) => prop_assert!(e.document.is_some(), "{}", e),
            }
        }
    }
}
