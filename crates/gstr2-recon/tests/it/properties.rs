//! Engine invariants on generated registers and GSTR2A downloads.

use gstr2_model::codes::YesNo;
use gstr2_model::tables::b2b::B2bSupplier;
use gstr2_model::{Gstr2Payload, Gstr2a};
use gstr2_recon::{
    into_save_payloads, Decisions, DocKey, MatchCode, MatchConfig, Reconciler, ResultsCsvWriter,
    ResultsJsonWriter, Rule, Totals,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::support::*;

/// (supplier, number, day, amount in paise, variant, credit note)
type Spec = (u32, u32, u32, i64, u8, bool);

fn build(specs: &[Spec]) -> (Gstr2Payload, Gstr2a) {
    let mut reg = register(gstin(0), vec![]);
    let mut a = gstr2a(gstin(0), None, vec![]);
    for &(s, n, day, paise, variant, is_note) in specs {
        let ctin = gstin(s + 1);
        let d = format!("{:02}-09-2023", day);
        let val = Decimal::new(paise, 2);
        let tx = (val / Decimal::new(118, 2)).round_dp(2);
        let tax = val - tx;
        let (own_num, cp_num) = match variant {
            3 => (format!("inv-{n}"), format!("INV/2023-24/{n:04}")),
            _ => (format!("S{n}"), format!("S{n}")),
        };
        let cp_val = match variant {
            4 => val + Decimal::new(50, 2),
            5 => val + Decimal::new(5000, 2),
            _ => val,
        };
        let cp_tax = cp_val - tx;
        let (own, cp) = (variant != 2, variant != 1);
        if is_note {
            if own {
                // The register writes credit notes negative half of the time.
                let sign = if n % 2 == 0 { "-" } else { "" };
                let nt = note(
                    &own_num,
                    &d,
                    &format!("{sign}{val}"),
                    &format!("{sign}{tx}"),
                    &format!("{sign}{tax}"),
                );
                match reg.cdn.iter_mut().find(|x| x.supplier_gstin == ctin) {
                    Some(x) => x.notes.push(nt),
                    None => own_cdn(&mut reg, ctin, vec![nt]),
                }
            }
            if cp {
                let nt = cp_note(
                    &cp_num,
                    &d,
                    &cp_val.to_string(),
                    &tx.to_string(),
                    &cp_tax.to_string(),
                );
                match a.cdn.iter_mut().find(|x| x.supplier_gstin == ctin) {
                    Some(x) => x.notes.push(nt),
                    None => cp_cdn(&mut a, ctin, vec![nt]),
                }
            }
        } else {
            if own {
                let i = inv(
                    &own_num,
                    &d,
                    &val.to_string(),
                    &tx.to_string(),
                    &tax.to_string(),
                );
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
                let i = cp_inv(
                    &cp_num,
                    &d,
                    &cp_val.to_string(),
                    &tx.to_string(),
                    &cp_tax.to_string(),
                );
                match a.b2b.iter_mut().find(|x| x.supplier_gstin == ctin) {
                    Some(x) => x.invoices.push(i),
                    None => a.b2b.extend(
                        gstr2a(
                            ctin,
                            Some(if s == 2 { YesNo::No } else { YesNo::Yes }),
                            vec![i],
                        )
                        .b2b,
                    ),
                }
            }
        }
    }
    (reg, a)
}

fn specs() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(
        (
            0u32..3,
            0u32..25,
            1u32..28,
            100i64..200_000,
            0u8..6,
            prop::bool::weighted(0.2),
        ),
        0..40,
    )
}

fn own_keys(reg: &Gstr2Payload) -> Vec<DocKey> {
    let mut v: Vec<DocKey> = reg
        .b2b
        .iter()
        .flat_map(|s| {
            s.invoices.iter().map(move |i| DocKey {
                supplier: s.supplier_gstin,
                kind: gstr2_recon::DocKind::Invoice,
                number: i.number.clone(),
                date: i.date,
            })
        })
        .chain(reg.cdn.iter().flat_map(|s| {
            s.notes.iter().map(move |i| DocKey {
                supplier: s.supplier_gstin,
                kind: gstr2_recon::DocKind::of_note(&i.note_type),
                number: i.number.clone(),
                date: i.date,
            })
        }))
        .collect();
    v.sort();
    v
}

fn cp_keys(a: &Gstr2a) -> Vec<DocKey> {
    let mut v: Vec<DocKey> = a
        .b2b
        .iter()
        .flat_map(|s| {
            s.invoices.iter().map(move |i| DocKey {
                supplier: s.supplier_gstin,
                kind: gstr2_recon::DocKind::Invoice,
                number: i.number.clone(),
                date: i.date,
            })
        })
        .chain(a.cdn.iter().flat_map(|s| {
            s.notes.iter().map(move |i| DocKey {
                supplier: s.supplier_gstin,
                kind: gstr2_recon::DocKind::of_note(&i.note_type),
                number: i.number.clone(),
                date: i.date,
            })
        }))
        .collect();
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_document_in_exactly_one_result(specs in specs()) {
        let (reg, a) = build(&specs);
        let report = run(&reg, &a, &Decisions::default());
        let mut own: Vec<DocKey> = report.results.iter().filter_map(|r| r.own.as_ref()).flat_map(|s| std::iter::once(s.key.clone()).chain(s.replaces.iter().cloned())).collect();
        // A counterparty document listed more than once is in one result, which counts its
        // copies.
        let copies = |r: &gstr2_recon::MatchResult| {
            r.reasons.iter().find_map(|reason| match reason {
                gstr2_recon::Reason::RepeatedInGstr2a { copies, .. } => Some(*copies as usize),
                _ => None,
            }).unwrap_or(1)
        };
        let mut cp: Vec<DocKey> = report.results.iter().filter_map(|r| r.counterparty.as_ref().map(|s| (r, s))).flat_map(|(r, s)| std::iter::repeat_n(s.key.clone(), copies(r)).chain(s.replaces.iter().cloned())).collect();
        own.sort();
        cp.sort();
        prop_assert_eq!(own, own_keys(&reg));
        prop_assert_eq!(cp, cp_keys(&a));
    }

    #[test]
    fn results_do_not_depend_on_input_order(specs in specs(), rot in 0usize..7) {
        let (reg, a) = build(&specs);
        let (mut reg2, mut a2) = (reg.clone(), a.clone());
        reg2.b2b.reverse();
        for s in &mut reg2.b2b { s.invoices.reverse(); let n = s.invoices.len(); if n > 0 { s.invoices.rotate_left(rot % n); } }
        for s in &mut reg2.cdn { s.notes.reverse(); }
        a2.b2b.reverse();
        for s in &mut a2.b2b { let n = s.invoices.len(); if n > 0 { s.invoices.rotate_right(rot % n); } }
        a2.cdn.reverse();
        let one = serde_json::to_string(&run(&reg, &a, &Decisions::default())).expect("json");
        let two = serde_json::to_string(&run(&reg2, &a2, &Decisions::default())).expect("json");
        prop_assert_eq!(one, two);
    }

    #[test]
    fn a_register_against_itself_is_all_ok(specs in specs()) {
        // One document per key: a register listing one twice is not GSTN's, which lists it once
        // (and a GSTR2A listing one twice is reconciled once).
        let mut seen = std::collections::BTreeSet::new();
        let specs: Vec<Spec> = specs.into_iter().filter(|&(s, n, d, _, _, note)| seen.insert((s, n, d, note))).map(|(s, n, d, p, _, note)| (s, n, d, p, 0, note)).collect();
        let (reg, a) = build(&specs);
        let report = run(&reg, &a, &Decisions::default());
        prop_assert_eq!(report.results.len(), own_keys(&reg).len());
        for r in &report.results {
            prop_assert_eq!(r.code, MatchCode::Ok, "{}", line(r));
            prop_assert_eq!(r.rule, Some(Rule::Exact));
        }
    }

    #[test]
    fn summary_totals_are_the_sum_of_results(specs in specs()) {
        let (reg, a) = build(&specs);
        let report = run(&reg, &a, &Decisions::default());
        let mut all = Totals::default();
        for r in &report.results { all = all.checked_add(&r.totals()).expect("fits"); }
        prop_assert_eq!(report.summary.overall.all, all);
        let mut by_code = Totals::default();
        for t in report.summary.overall.by_code.values() {
            by_code = by_code.checked_add(t).expect("fits");
        }
        prop_assert_eq!(by_code, all);
        let mut by_action = Totals::default();
        for t in report.summary.overall.by_action.values() {
            by_action = by_action.checked_add(t).expect("fits");
        }
        prop_assert_eq!(by_action, all);
        let mut suppliers = Totals::default();
        for t in report.summary.suppliers.values() {
            suppliers = suppliers.checked_add(&t.all).expect("fits");
        }
        prop_assert_eq!(suppliers, all);
    }

    #[test]
    fn moving_payloads_equal_copied_ones(specs in specs(), saved in 0usize..3) {
        let (reg, a) = build(&specs);
        // Some of the register as saved before, so that deletions are built too.
        let mut prev = reg.clone();
        for s in &mut prev.b2b { s.invoices.truncate(saved); }
        let decisions = Decisions::default();
        let inputs = Reconciler::new(&reg, &a).decisions(&decisions).previously_saved(&prev);
        let report = run(&reg, &a, &decisions);
        let copied = inputs.save_payloads(&report).expect("payloads");
        let moved = into_save_payloads(reg.clone(), a.clone(), Some(&prev), &report).expect("payloads");
        prop_assert_eq!(moved, copied);
    }

    #[test]
    fn streamed_results_and_payloads_are_the_reports(specs in specs(), pick in 0usize..5) {
        let (reg, a) = build(&specs);
        // Decisions from the documents: pending marks, a link and an unlink.
        let (own, cp) = (own_keys(&reg), cp_keys(&a));
        let mut decisions = Decisions::default();
        for k in own.iter().chain(&cp).skip(pick).step_by(3) { decisions.mark_pending(k.clone()); }
        if let (Some(o), Some(c)) = (own.get(pick), cp.last()) { decisions.link(o.clone(), c.clone()); }
        if let (Some(o), Some(c)) = (own.last(), cp.get(pick)) { decisions.unlink(o.clone(), c.clone()); }
        let inputs = Reconciler::new(&reg, &a).decisions(&decisions);
        let config = MatchConfig::default();
        let report = inputs.clone().config(config.clone()).run().expect("reconciled");

        let mut json = ResultsJsonWriter::new(Vec::new(), &reg.gstin, &reg.fp).expect("started");
        let mut csv = ResultsCsvWriter::new(Vec::new()).expect("started");
        let mut count = 0;
        let done = inputs.clone().config(config.clone()).stream(&mut |batch| {
            count += batch.len();
            json.write(batch).map_err(|e| e.to_string())?;
            csv.write(batch).map_err(|e| e.to_string())
        }).expect("streamed");
        prop_assert_eq!(count, report.results.len());
        prop_assert_eq!(&done.summary, &report.summary);
        prop_assert_eq!(&done.stale_decisions, &report.stale_decisions);
        let json = json.finish(&done.summary, &done.stale_decisions).expect("finished");
        prop_assert_eq!(json, serde_json::to_vec(&report).expect("json"));
        let mut whole_csv = Vec::new();
        gstr2_recon::write_results_csv(&report, &mut whole_csv).expect("csv");
        prop_assert_eq!(csv.finish().expect("finished"), whole_csv);

        let copied = inputs.save_payloads(&report).expect("payloads");
        prop_assert_eq!(&done.plan.payloads(&inputs).expect("payloads"), &copied);
        prop_assert_eq!(done.plan.into_payloads(reg.clone(), a.clone(), None).expect("payloads"), copied);
    }
}
