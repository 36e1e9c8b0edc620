//! Tests: validation. One test per check, asserting where the problem is and what it is; a clean
//! payload has none.

use gstr2_model::codes::SupplyType;
use gstr2_model::validate::{
    validate, validate_report, Problem, ProblemKind, TaxHead, ValidationConfig,
};
use gstr2_model::{json, Gstr2Payload, Table};
use rust_decimal_macros::dec;

/// Receiver in Maharashtra (27). Suppliers: `27AAPFU0939F1ZV`-like GSTINs with valid check
/// characters: Tamil Nadu (33) and Maharashtra (27).
const TN: &str = "33GSPTN4811G1ZC";
const TN2: &str = "33GSPTN3741G1Z9";
const MH: &str = "27AAPFU0939F1ZV";

fn payload(sections: &str) -> Gstr2Payload {
    let text = format!(r#"{{"gstin":"27AAPFU0939F1ZV","fp":"072017",{sections}}}"#);
    match json::from_str(&text) {
        Ok(p) => p,
        Err(e) => panic!("test payload does not parse: {e}\n{text}"),
    }
}

/// One `b2b` supplier with one invoice.
fn b2b(ctin: &str, inum: &str, val: &str, pos: &str, items: &str) -> String {
    format!(
        r#""b2b":[{{"ctin":"{ctin}","inv":[{}]}}]"#,
        invoice(inum, val, pos, "N", items)
    )
}

fn invoice(inum: &str, val: &str, pos: &str, rchrg: &str, items: &str) -> String {
    format!(
        r#"{{"inum":"{inum}","idt":"24-07-2017","val":{val},"pos":"{pos}","rchrg":"{rchrg}","inv_typ":"R","itms":[{items}]}}"#
    )
}

/// An intra-state item: 18% on 1000, CGST and SGST 90 each, full credit.
const INTRA_ITEM: &str = r#"{"num":1,"itm_det":{"rt":18,"txval":1000,"camt":90,"samt":90,"csamt":0},"itc":{"elg":"ip","tx_c":90,"tx_s":90,"tx_cs":0}}"#;
/// An inter-state item: 18% on 1000, IGST 180, full credit.
const INTER_ITEM: &str = r#"{"num":1,"itm_det":{"rt":18,"txval":1000,"iamt":180,"csamt":0},"itc":{"elg":"ip","tx_i":180,"tx_cs":0}}"#;

fn check(p: &Gstr2Payload) -> Vec<Problem> {
    validate(p, &ValidationConfig::default())
}

fn summary(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

#[test]
fn a_clean_payload_has_no_problems() {
    let sections = [
        format!(
            r#""b2b":[{{"ctin":"{MH}","inv":[{}]}},{{"ctin":"{TN}","inv":[{},{}]}}]"#,
            invoice("A/1", "1180", "27", "N", INTRA_ITEM),
            invoice("B/1", "1180.40", "27", "N", INTER_ITEM),
            // Reverse charge: the value need not include the tax.
            invoice("B/2", "1000", "27", "Y", INTER_ITEM),
        ),
        format!(
            r#""b2ba":[{{"ctin":"{TN}","inv":[{{"oinum":"B/0","oidt":"01-07-2017","inum":"B/0A","idt":"02-07-2017","val":1180,"pos":"27","rchrg":"N","itms":[{INTER_ITEM}]}}]}}]"#
        ),
        format!(
            r#""b2bur":[{{"inv":[{{"inum":"U1","idt":"24-07-2017","val":1000,"pos":"27","sply_ty":"INTRA","itms":[{INTRA_ITEM}]}}]}}]"#
        ),
        r#""imp_g":[{"is_sez":"N","boe_num":"2566209","boe_dt":"18-07-2017","boe_val":1000,"port_code":"INBOM1","itms":[{"num":1,"txval":1000,"rt":18,"iamt":180,"csamt":0,"elg":"ip","tx_i":180,"tx_cs":0}]}]"#.to_owned(),
        r#""imp_s":[{"inum":"85619","idt":"22-07-2017","ival":500,"pos":"27","itms":[{"num":1,"txval":500,"rt":18,"iamt":90,"elg":"is","tx_i":90}]}]"#.to_owned(),
        format!(
            r#""cdn":[{{"ctin":"{TN}","nt":[{{"ntty":"C","nt_num":"CN1","nt_dt":"25-07-2017","p_gst":"N","inum":"B/1","idt":"24-07-2017","val":118,"itms":[{{"num":1,"itm_det":{{"rt":18,"txval":100,"iamt":18}},"itc":{{"elg":"ip","tx_i":18}}}}]}}]}}]"#
        ),
        r#""cdnur":[{"ntty":"D","nt_num":"DN1","nt_dt":"25-07-2017","p_gst":"N","inv_typ":"IMPS","val":100,"itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18},"itc":{"elg":"is","tx_i":18}}]}]"#.to_owned(),
        r#""nil_supplies":{"inter":{"cpddr":0,"exptdsply":100,"ngsply":0,"nilsply":0},"intra":{"cpddr":10}}"#.to_owned(),
        r#""itc_rvsl":{"rule2_2":{"iamt":0,"camt":13,"samt":13,"csamt":0}}"#.to_owned(),
        r#""txi":[{"pos":"33","sply_ty":"INTER","itms":[{"num":1,"rt":18,"adamt":100,"iamt":18,"csamt":0}]}]"#.to_owned(),
        r#""txpd":[{"pos":"27","sply_ty":"INTRA","itms":[{"num":1,"rt":18,"adamt":100,"camt":9,"samt":9}]}]"#.to_owned(),
    ];
    let p = payload(&sections.join(","));
    assert_eq!(p.document_count(Table::B2b), 3);
    assert_eq!(summary(&check(&p)), Vec::<String>::new());
    let report = validate_report(&p, &ValidationConfig::default());
    assert_eq!(report.omitted, 0);
}

#[test]
fn igst_on_an_intra_state_supply() {
    // Supplier in 27, place of supply 27: intra-state, IGST does not fit.
    let p = payload(&b2b(MH, "S008400", "1180", "27", INTER_ITEM));
    let problems = check(&p);
    assert_eq!(problems.len(), 1, "{:?}", summary(&problems));
    let problem = &problems[0];
    assert_eq!(
        problem.location,
        "b2b[ctin=27AAPFU0939F1ZV].inv[inum=S008400].itms[num=1].itm_det.iamt"
    );
    assert_eq!(
        problem.kind,
        ProblemKind::TaxHeadMismatch {
            head: TaxHead::Igst,
            amount: dec!(180),
            supply: SupplyType::Intra
        }
    );
    assert_eq!(problem.table, Table::B2b);
    assert_eq!(problem.supplier.map(|g| g.to_string()), Some(MH.to_owned()));
    assert_eq!(problem.document.as_deref(), Some("S008400"));
    assert_eq!(problem.item, Some(1));
    assert_eq!(
        problem.to_string(),
        "b2b[ctin=27AAPFU0939F1ZV].inv[inum=S008400].itms[num=1].itm_det.iamt: \
         IGST 180 on an intra-state supply (only CGST and SGST are due)"
    );
}

#[test]
fn cgst_and_sgst_on_an_inter_state_supply() {
    // Supplier in 33, place of supply 27: inter-state.
    let p = payload(&b2b(TN, "S1", "1180", "27", INTRA_ITEM));
    let problems = check(&p);
    let locations: Vec<_> = problems.iter().map(|p| p.location.as_str()).collect();
    assert_eq!(
        locations,
        [
            "b2b[ctin=33GSPTN4811G1ZC].inv[inum=S1].itms[num=1].itm_det.camt",
            "b2b[ctin=33GSPTN4811G1ZC].inv[inum=S1].itms[num=1].itm_det.samt",
        ]
    );
    assert!(problems.iter().all(|p| matches!(
        p.kind,
        ProblemKind::TaxHeadMismatch {
            supply: SupplyType::Inter,
            ..
        }
    )));
}

#[test]
fn supply_type_decides_where_the_table_has_it() {
    // b2bur says INTER although no GSTIN tells the state: CGST/SGST do not fit.
    let p = payload(&format!(
        r#""b2bur":[{{"inv":[{{"inum":"U1","idt":"24-07-2017","val":1180,"pos":"27","sply_ty":"INTER","itms":[{INTRA_ITEM}]}}]}}]"#
    ));
    let problems = check(&p);
    assert_eq!(problems.len(), 2, "{:?}", summary(&problems));
    assert_eq!(
        problems[0].location,
        "b2bur[0].inv[inum=U1].itms[num=1].itm_det.camt"
    );
    assert_eq!(problems[0].table, Table::B2bUnregistered);

    // txi INTRA with IGST.
    let p = payload(
        r#""txi":[{"pos":"27","sply_ty":"INTRA","itms":[{"num":1,"rt":18,"adamt":100,"iamt":18}]}]"#,
    );
    let problems = check(&p);
    assert_eq!(summary(&problems), ["txi[pos=27].itms[num=1].iamt: IGST 18 on an intra-state supply (only CGST and SGST are due)"]);
    assert_eq!(problems[0].document, None);

    // Supplies to an SEZ unit carry IGST even within one state.
    let sez = invoice("Z1", "1180", "27", "N", INTER_ITEM).replace(r#""R""#, r#""SEWP""#);
    let p = payload(&format!(r#""b2b":[{{"ctin":"{MH}","inv":[{sez}]}}]"#));
    assert_eq!(summary(&check(&p)), Vec::<String>::new());
}

#[test]
fn itc_above_the_tax_of_its_head() {
    let item =
        r#"{"num":1,"itm_det":{"rt":18,"txval":1000,"iamt":180},"itc":{"elg":"ip","tx_i":180.01}}"#;
    let p = payload(&b2b(TN, "S1", "1180", "27", item));
    let problems = check(&p);
    assert_eq!(problems.len(), 1, "{:?}", summary(&problems));
    assert_eq!(
        problems[0].location,
        "b2b[ctin=33GSPTN4811G1ZC].inv[inum=S1].itms[num=1].itc.tx_i"
    );
    assert_eq!(
        problems[0].kind,
        ProblemKind::ItcAboveTax {
            head: TaxHead::Igst,
            itc: dec!(180.01),
            tax: dec!(180)
        }
    );
    // Credit on a head that carries no tax at all.
    let item = r#"{"num":1,"itm_det":{"rt":18,"txval":1000,"iamt":180},"itc":{"elg":"ip","tx_i":180,"tx_cs":5}}"#;
    let problems = check(&payload(&b2b(TN, "S1", "1180", "27", item)));
    assert_eq!(problems.len(), 1);
    assert!(problems[0].location.ends_with(".itc.tx_cs"));
    // Imports too.
    let p = payload(
        r#""imp_g":[{"boe_num":"B1","boe_dt":"18-07-2017","boe_val":1000,"itms":[{"num":1,"txval":1000,"rt":18,"iamt":180,"elg":"cp","tx_i":200}]}]"#,
    );
    let problems = check(&p);
    assert_eq!(
        summary(&problems),
        ["imp_g[boe_num=B1].itms[num=1].tx_i: IGST credit 200 claimed above the IGST of 180"]
    );
}

#[test]
fn itc_on_an_ineligible_item() {
    let item = r#"{"num":1,"itm_det":{"rt":18,"txval":1000,"camt":90,"samt":90},"itc":{"elg":"no","tx_c":0,"tx_s":45}}"#;
    let p = payload(&b2b(MH, "S1", "1180", "27", item));
    let problems = check(&p);
    assert_eq!(problems.len(), 1, "{:?}", summary(&problems));
    assert_eq!(
        problems[0].location,
        "b2b[ctin=27AAPFU0939F1ZV].inv[inum=S1].itms[num=1].itc.tx_s"
    );
    assert_eq!(
        problems[0].kind,
        ProblemKind::IneligibleItc {
            head: TaxHead::Sgst,
            itc: dec!(45)
        }
    );
}

#[test]
fn repeated_item_numbers() {
    let second = INTER_ITEM.replace(r#""num":1"#, r#""num":2"#);
    let items = [INTER_ITEM, &second, &second, &second].join(",");
    let p = payload(&b2b(TN, "S008400", "4720", "27", &items));
    let problems = check(&p);
    assert_eq!(problems.len(), 1, "{:?}", summary(&problems));
    assert_eq!(
        problems[0].location,
        "b2b[ctin=33GSPTN4811G1ZC].inv[inum=S008400].itms[num=2]"
    );
    assert_eq!(
        problems[0].kind,
        ProblemKind::RepeatedItemNumber { number: 2 }
    );
    assert_eq!(problems[0].item, Some(2));
}

#[test]
fn the_same_document_twice() {
    // Same supplier, same number (case aside), in two supplier blocks: a duplicate.
    // The same number from another supplier is a different document.
    let p = payload(&format!(
        r#""b2b":[{{"ctin":"{TN}","inv":[{}]}},{{"ctin":"{TN2}","inv":[{}]}},{{"ctin":"{TN}","inv":[{}]}}]"#,
        invoice("inv/7", "1180", "27", "N", INTER_ITEM),
        invoice("INV/7", "1180", "27", "N", INTER_ITEM),
        invoice("INV/7", "1180", "27", "N", INTER_ITEM),
    ));
    let problems = check(&p);
    assert_eq!(problems.len(), 1, "{:?}", summary(&problems));
    assert_eq!(
        problems[0].location,
        "b2b[ctin=33GSPTN4811G1ZC].inv[inum=INV/7]"
    );
    assert_eq!(
        problems[0].kind,
        ProblemKind::DuplicateDocument { occurrence: 2 }
    );
    assert_eq!(problems[0].document.as_deref(), Some("INV/7"));

    // Unregistered suppliers and imports: the number alone, across groups.
    let bur = format!(
        r#"{{"inum":"U1","idt":"24-07-2017","val":1000,"pos":"27","sply_ty":"INTRA","itms":[{INTRA_ITEM}]}}"#
    );
    let boe = r#"{"boe_num":"B1","boe_dt":"18-07-2017","boe_val":1000,"itms":[{"num":1,"txval":1000,"rt":18,"iamt":180}]}"#;
    let p = payload(&format!(
        r#""b2bur":[{{"inv":[{bur}]}},{{"inv":[{bur}]}}],"imp_g":[{boe},{boe},{boe}]"#
    ));
    let problems = check(&p);
    assert_eq!(
        summary(&problems),
        [
            "b2bur[1].inv[inum=U1]: the same document appears again (occurrence 2)",
            "imp_g[boe_num=B1]: the same document appears again (occurrence 2)",
            "imp_g[boe_num=B1]: the same document appears again (occurrence 3)",
        ]
    );
}

#[test]
fn value_below_taxable_value_plus_tax() {
    // 1000 + 180 = 1180; ₹1 tolerance by default.
    assert!(check(&payload(&b2b(TN, "S1", "1179", "27", INTER_ITEM))).is_empty());
    let problems = check(&payload(&b2b(TN, "S1", "1178.99", "27", INTER_ITEM)));
    assert_eq!(problems.len(), 1, "{:?}", summary(&problems));
    assert_eq!(
        problems[0].location,
        "b2b[ctin=33GSPTN4811G1ZC].inv[inum=S1].val"
    );
    assert_eq!(
        problems[0].kind,
        ProblemKind::ValueBelowTotal {
            value: dec!(1178.99),
            expected: dec!(1180),
            with_tax: true
        }
    );
    assert_eq!(problems[0].item, None);
    // A stricter tolerance catches the rupee.
    let strict = ValidationConfig {
        value_tolerance: dec!(0.5),
        ..ValidationConfig::default()
    };
    let problems = validate(&payload(&b2b(TN, "S1", "1179", "27", INTER_ITEM)), &strict);
    assert_eq!(problems.len(), 1);
    // Reverse charge: the value need reach only the taxable value.
    let rcm = format!(
        r#""b2b":[{{"ctin":"{TN}","inv":[{}]}}]"#,
        invoice("R1", "998.5", "27", "Y", INTER_ITEM)
    );
    let problems = check(&payload(&rcm));
    assert_eq!(
        summary(&problems),
        ["b2b[ctin=33GSPTN4811G1ZC].inv[inum=R1].val: value 998.5 is below its taxable value of 1000"]
    );
}

#[test]
fn credit_notes_are_checked_with_positive_values() {
    let note = |val: &str| {
        format!(
            r#""cdn":[{{"ctin":"{TN}","nt":[{{"ntty":"C","nt_num":"CN1","nt_dt":"25-07-2017","val":{val},"itms":[{{"num":1,"itm_det":{{"rt":18,"txval":100,"iamt":18}}}}]}}]}}]"#
        )
    };
    assert!(check(&payload(&note("118"))).is_empty());
    let problems = check(&payload(&note("110")));
    assert_eq!(
        summary(&problems),
        ["cdn[ctin=33GSPTN4811G1ZC].nt[nt_num=CN1].val: value 110 is below its taxable value plus tax of 118"]
    );
    assert_eq!(problems[0].table, Table::Cdn);
    // A note written negative is a problem of its own (and falls below the total too).
    let problems = check(&payload(&note("-118")));
    assert_eq!(problems.len(), 2, "{:?}", summary(&problems));
    assert_eq!(
        problems[0].location,
        "cdn[ctin=33GSPTN4811G1ZC].nt[nt_num=CN1].val"
    );
    assert_eq!(
        problems[0].kind,
        ProblemKind::NegativeAmount {
            field: "val",
            amount: dec!(-118)
        }
    );
    assert!(matches!(
        problems[1].kind,
        ProblemKind::ValueBelowTotal { .. }
    ));
}

#[test]
fn cgst_and_sgst_differ() {
    let item = r#"{"num":3,"itm_det":{"rt":18,"txval":1000,"camt":90,"samt":90.5},"itc":{"elg":"ip","tx_c":90,"tx_s":90}}"#;
    let problems = check(&payload(&b2b(MH, "S1", "1180.5", "27", item)));
    assert_eq!(problems.len(), 1, "{:?}", summary(&problems));
    assert_eq!(
        problems[0].location,
        "b2b[ctin=27AAPFU0939F1ZV].inv[inum=S1].itms[num=3].itm_det"
    );
    assert_eq!(
        problems[0].kind,
        ProblemKind::CgstSgstDiffer {
            cgst: dec!(90),
            sgst: dec!(90.5)
        }
    );
    // Advances too.
    let p = payload(
        r#""txpd":[{"pos":"27","sply_ty":"INTRA","itms":[{"num":1,"rt":18,"adamt":100,"camt":9,"samt":8}]}]"#,
    );
    assert_eq!(
        summary(&check(&p)),
        ["txpd[pos=27].itms[num=1]: CGST 9 and SGST 8 differ"]
    );
}

#[test]
fn negative_amounts() {
    let item =
        r#"{"num":1,"itm_det":{"rt":18,"txval":-1000,"iamt":180},"itc":{"elg":"ip","tx_i":180}}"#;
    let problems = check(&payload(&b2b(TN, "S1", "1180", "27", item)));
    assert_eq!(problems.len(), 1, "{:?}", summary(&problems));
    assert_eq!(
        problems[0].location,
        "b2b[ctin=33GSPTN4811G1ZC].inv[inum=S1].itms[num=1].itm_det.txval"
    );
    assert_eq!(
        problems[0].kind,
        ProblemKind::NegativeAmount {
            field: "txval",
            amount: dec!(-1000)
        }
    );
    // Blocks without documents: nil supplies and ITC reversal.
    let p = payload(
        r#""nil_supplies":{"intra":{"exptdsply":-5}},"itc_rvsl":{"rule7_2_b":{"camt":-1}}"#,
    );
    assert_eq!(
        summary(&check(&p)),
        [
            "nil_supplies.intra.exptdsply: exptdsply is negative (-5)",
            "itc_rvsl.rule7_2_b.camt: camt is negative (-1)",
        ]
    );
    // Zero written as -0 is not negative.
    let item = r#"{"num":1,"itm_det":{"rt":18,"txval":1000,"iamt":180,"csamt":-0},"itc":{"elg":"ip","tx_i":180}}"#;
    assert!(check(&payload(&b2b(TN, "S1", "1180", "27", item))).is_empty());
}

#[test]
fn every_problem_at_once_capped_in_a_fixed_order() {
    // 50 invoices, each with IGST on an intra-state supply; plus a cdn problem listed after b2b.
    let invoices: Vec<String> = (0..50)
        .map(|i| invoice(&format!("S{i}"), "1180", "27", "N", INTER_ITEM))
        .collect();
    let cdn = format!(
        r#""cdn":[{{"ctin":"{TN}","nt":[{{"ntty":"C","nt_num":"CN1","nt_dt":"25-07-2017","val":-1,"itms":[]}}]}}]"#
    );
    let p = payload(&format!(
        r#"{cdn},"b2b":[{{"ctin":"{MH}","inv":[{}]}}]"#,
        invoices.join(",")
    ));
    let all = check(&p);
    assert_eq!(all.len(), 51);
    assert_eq!(all[49].document.as_deref(), Some("S49"));
    assert_eq!(all[50].table, Table::Cdn);
    assert_eq!(
        all,
        check(&p),
        "same input, same problems in the same order"
    );

    let capped = ValidationConfig {
        max_problems: 3,
        ..ValidationConfig::default()
    };
    let report = validate_report(&p, &capped);
    assert_eq!(report.problems.len(), 3);
    assert_eq!(report.omitted, 48);
    assert_eq!(report.problems[..], all[..3]);
    assert_eq!(ValidationConfig::default().max_problems, 1000);
    assert_eq!(ValidationConfig::default().value_tolerance, dec!(1));
}

#[test]
fn amounts_too_large_to_add_are_a_problem_not_a_panic() {
    let max = rust_decimal::Decimal::MAX.to_string();
    let item = |n: u32| {
        format!(
            r#"{{"num":{n},"itm_det":{{"rt":18,"txval":{max},"iamt":{max}}},"itc":{{"elg":"ip","tx_i":1}}}}"#
        )
    };
    let items = [item(1), item(2)].join(",");
    let p = payload(&b2b(TN, "BIG", &max, "27", &items));
    let problems = check(&p);
    assert_eq!(
        summary(&problems),
        ["b2b[ctin=33GSPTN4811G1ZC].inv[inum=BIG]: the amounts add up beyond what a decimal holds"]
    );
    assert_eq!(problems[0].kind, ProblemKind::AmountOverflow);
    // A value at the very top with a tolerance that would overflow it is not "below".
    let p = payload(&b2b(TN, "TOP", &max, "27", INTER_ITEM));
    assert!(check(&p).is_empty());
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    /// Items of a consistent invoice: (taxable value in paise, rate).
    fn lines() -> impl Strategy<Value = Vec<(i64, u32)>> {
        prop::collection::vec(
            (
                1i64..10_000_000_000,
                prop::sample::select(vec![0u32, 5, 12, 18, 28]),
            ),
            1..5,
        )
    }

    fn consistent(
        lines: &[(i64, u32)],
        intra: bool,
        extra: i64,
        negate: Option<usize>,
    ) -> (String, String) {
        let mut total = Decimal::ZERO;
        let mut items = Vec::new();
        for (i, &(paise, rate)) in lines.iter().enumerate() {
            let txval = Decimal::new(paise, 2);
            let rate_d = Decimal::from(rate);
            let (heads, itc) = if intra {
                let half = (txval * rate_d / Decimal::from(200)).round_dp(2);
                total += txval + half + half;
                (
                    format!(r#""camt":{half},"samt":{half}"#),
                    format!(r#""tx_c":{half},"tx_s":{half}"#),
                )
            } else {
                let igst = (txval * rate_d / Decimal::from(100)).round_dp(2);
                total += txval + igst;
                (format!(r#""iamt":{igst}"#), format!(r#""tx_i":{igst}"#))
            };
            let shown = if negate == Some(i) { -txval } else { txval };
            items.push(format!(
                r#"{{"num":{},"itm_det":{{"rt":{rate},"txval":{shown},{heads}}},"itc":{{"elg":"ip",{itc}}}}}"#,
                i + 1
            ));
        }
        let value = (total + Decimal::new(extra, 2)).to_string();
        (value, items.join(","))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn consistent_invoices_are_clean_and_a_negative_amount_is_found(
            lines in lines(),
            intra in any::<bool>(),
            extra in 0i64..100_000,
            victim in any::<prop::sample::Index>(),
        ) {
            let ctin = if intra { MH } else { TN };
            let (value, items) = consistent(&lines, intra, extra, None);
            let p = payload(&b2b(ctin, "P/1", &value, "27", &items));
            prop_assert_eq!(summary(&check(&p)), Vec::<String>::new());

            let k = victim.index(lines.len());
            let (value, items) = consistent(&lines, intra, extra, Some(k));
            let p = payload(&b2b(ctin, "P/1", &value, "27", &items));
            let problems = check(&p);
            prop_assert_eq!(problems.len(), 1, "{:?}", summary(&problems));
            prop_assert_eq!(
                &problems[0].location,
                &format!("b2b[ctin={ctin}].inv[inum=P/1].itms[num={}].itm_det.txval", k + 1)
            );
            let is_negative = matches!(problems[0].kind, ProblemKind::NegativeAmount { field: "txval", .. });
            prop_assert!(is_negative);
        }

        #[test]
        fn any_amounts_give_problems_never_a_panic(
            amounts in prop::collection::vec((any::<i128>(), 0u32..=28), 8),
            cap in 0usize..5,
        ) {
            let amounts: Vec<String> = amounts
                .iter()
                .map(|&(m, scale)| {
                    Decimal::try_from_i128_with_scale(m % (1i128 << 96), scale)
                        .unwrap_or(Decimal::MAX)
                        .to_string()
                })
                .collect();
            let [val, txval, iamt, camt, samt, csamt, tx_i, tx_c] = &amounts[..] else {
                unreachable!("eight amounts");
            };
            let item = format!(
                r#"{{"num":1,"itm_det":{{"rt":18,"txval":{txval},"iamt":{iamt},"camt":{camt},"samt":{samt},"csamt":{csamt}}},"itc":{{"elg":"ip","tx_i":{tx_i},"tx_c":{tx_c}}}}}"#
            );
            let items = [item.clone(), item.replace(r#""num":1"#, r#""num":2"#)].join(",");
            let sections = format!(
                r#"{},"cdn":[{{"ctin":"{TN}","nt":[{{"ntty":"C","nt_num":"N1","nt_dt":"25-07-2017","val":{val},"itms":[{items}]}}]}}],"imp_g":[{{"boe_num":"B","boe_dt":"18-07-2017","boe_val":{val},"itms":[{{"num":1,"txval":{txval},"rt":18,"iamt":{iamt},"csamt":{csamt},"elg":"no","tx_i":{tx_i}}}]}}]"#,
                b2b(TN, "X", val, "27", &items)
            );
            let p = payload(&sections);
            let config = ValidationConfig { max_problems: cap, ..ValidationConfig::default() };
            let capped = validate_report(&p, &config);
            let all = check(&p);
            prop_assert!(capped.problems.len() <= cap);
            prop_assert_eq!(capped.problems.len() + capped.omitted, all.len());
            prop_assert_eq!(&capped.problems[..], &all[..capped.problems.len()]);
        }
    }
}
