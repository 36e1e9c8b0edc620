//! The reconciliation engine. Internal: see [`crate::Reconciler::run`] for the contract and the crate
//! docs for the passes, which [`passes`] lists with the module of each.
//!
//! Where things are:
//! - this file: [`run`], the driver. It reads both sides, applies the user's links (pass 2),
//!   splits the documents by supplier, runs passes 3 to 6 on every supplier's group in parallel
//!   and pass 7 on their outcomes, marks what the user marked pending, and builds the results a
//!   batch at a time.
//! - [`doc`]: one document of either side ([`Doc`](doc::Doc)), read from the input, and the
//!   canonical order.
//! - [`side`]: one side ([`SideState`]), sorted canonically, repeats folded, amendments resolved
//!   (pass 1).
//! - [`passes`]: the passes, one module each, and one supplier's pairing state
//!   ([`Group`]).
//! - [`compare`]: a pair compared field by field, with the tolerances, and the pair's code.
//! - [`outcome`]: what a group gives ([`Outcome`]), the report's order, and the result each
//!   outcome becomes.
//! - [`pending`]: which results the user's pending marks apply to.

mod compare;
mod doc;
mod outcome;
mod passes;
mod pending;
mod recommend;
mod side;
mod source;

use std::cmp::Ordering;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

use rayon::prelude::*;

use self::doc::{counterparty_docs, own_docs, OnRepeat};
use self::outcome::{result_order, Outcome};
use self::passes::manual::{manual, Manual};
use self::passes::same_pan::same_pan_suggestions;
use self::passes::Group;
use self::pending::pending_marks;
use self::recommend::{recommend, stale_ims_decisions};
use self::side::SideState;
use self::source::{gstr2b_docs, ims_docs};
use crate::decisions::StaleDecision;
use crate::report::{ActionFlag, MatchResult, Reason, Rule, Summary, Tallies};
use crate::{Progress, ReconcileError, Reconciler, Source, StreamedError};

/// Where [`run`] hands its results: each batch with the index of its first result.
pub(crate) type Sink<'s, E> = dyn FnMut(usize, &[MatchResult]) -> Result<(), E> + 's;

/// Results built and handed over at a time by [`run`].
pub(crate) const BATCH: usize = 1 << 15;

/// Reconciles, handing the results to `sink` `batch_len` at a time in the report's order (with
/// the index of the batch's first result), and keeps them or not (`keep`). Errors: amounts that
/// overflow (a document's, or the summary's totals at a result), or the sink's error.
pub(crate) fn run<E>(
    inputs: &Reconciler<'_>,
    keep: Keep,
    batch_len: usize,
    sink: &mut Sink<'_, E>,
) -> Result<Run, StreamedError<E>> {
    let Reconciler {
        register,
        source,
        decisions,
        ref config,
        progress,
        previously_saved: _,
    } = *inputs;
    let (own, cp) = rayon::join(
        || SideState::new(own_docs(register), OnRepeat::Keep),
        || {
            let docs = match source {
                Source::Gstr2a(a) => counterparty_docs(a),
                Source::Gstr2b(b) => gstr2b_docs(b, register.gstin)?,
                Source::Ims(r) => ims_docs(r)?,
            };
            SideState::new(docs, OnRepeat::Fold)
        },
    );
    let mut own = own.map_err(ReconcileError::Register)?;
    let mut cp = cp.map_err(ReconcileError::Counterparty)?;
    let total = own.docs.len() + cp.docs.len();
    progress(Progress { matched: 0, total });
    let mut stale = Vec::new();
    let Manual {
        pairs: manual,
        unlinked,
    } = manual(&mut own, &mut cp, decisions, &mut stale);

    // Groups: one per supplier; both sides are sorted by supplier first.
    let mut groups: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < own.docs.len() || j < cp.docs.len() {
        let s = match (own.docs.get(i), cp.docs.get(j)) {
            (Some(a), Some(b)) => a.supplier.min(b.supplier),
            (Some(a), None) => a.supplier,
            (None, Some(b)) => b.supplier,
            (None, None) => break,
        };
        let i2 = i + own.docs[i..].partition_point(|d| d.supplier == s);
        let j2 = j + cp.docs[j..].partition_point(|d| d.supplier == s);
        let os: Vec<usize> = (i..i2).filter(|&k| own.active(k)).collect();
        let cs: Vec<usize> = (j..j2)
            .filter(|&k| cp.active(k) && cp.docs[k].pairable)
            .collect();
        groups.push((os, cs));
        i = i2;
        j = j2;
    }
    let done = AtomicUsize::new(0);
    let (own, cp) = (&own, &cp);
    let unlinked = &unlinked;
    // Every supplier's group on every core, each giving its outcomes in the report's order
    // (a few dozen bytes each: indices, the rule, suggestions); groups come in supplier order.
    let mut outcomes: Vec<Outcome> = groups
        .into_par_iter()
        .flat_map_iter(|(os, cs)| {
            let n = os.len() + cs.len();
            let g = Group::new(own, cp, os, cs, unlinked);
            let r = g.outcomes(config);
            let m = done.fetch_add(n, AtomicOrdering::Relaxed) + n;
            progress(Progress { matched: m, total });
            r
        })
        .collect();
    outcomes.extend(manual.into_iter().map(|(o, c)| Outcome::Pair {
        o,
        c,
        rule: Rule::Manual,
    }));
    // Documents the register cannot hold (ISD, imports) are paired by no pass: each is a
    // result of its own.
    outcomes.extend(
        (0..cp.docs.len())
            .filter(|&k| cp.active(k) && !cp.docs[k].pairable && !cp.linked[k])
            .map(|c| Outcome::Counterparty {
                c,
                suggestions: Vec::new(),
            }),
    );
    // Groups are sorted and in supplier order: only manual pairs and documents the register
    // cannot hold can be out of place.
    let in_order = |a: &Outcome, b: &Outcome| a.order_key(own, cp).cmp(&b.order_key(own, cp));
    if !outcomes.is_sorted_by(|a, b| in_order(a, b) != Ordering::Greater) {
        outcomes.par_sort_by(in_order);
    }

    same_pan_suggestions(&mut outcomes, own, cp, config);
    let pending = pending_marks(&outcomes, own, cp, decisions, config, &mut stale);
    let kind = SourceKind::of(source);
    stale_ims_decisions(cp, decisions, kind, &mut stale);

    // Each batch of results is built straight into its place on every core, counted, and
    // handed over.
    let batch_len = batch_len.max(1);
    let mut results: Vec<MatchResult> = Vec::with_capacity(match keep {
        Keep::All => outcomes.len(),
        Keep::Batches => outcomes.len().min(batch_len),
    });
    let mut tallies = Tallies::default();
    let (mut outcomes, mut first) = (outcomes.into_iter().enumerate(), 0);
    loop {
        let batch: Vec<(usize, Outcome)> = outcomes.by_ref().take(batch_len).collect();
        if batch.is_empty() {
            break;
        }
        let start = results.len();
        results.par_extend(batch.into_par_iter().map(|(k, outcome)| {
            let c = outcome.counterparty();
            let mut r = outcome.result(own, cp, config, kind);
            if pending.contains(&k) {
                r.action = ActionFlag::Pending;
                r.reasons.push(Reason::MarkedPending);
            }
            if kind != SourceKind::Gstr2a {
                let ims = recommend(c.map(|c| &cp.docs[c]), r.code, config, decisions);
                r.ims_action = ims.action;
                r.ims_reasons = ims.reasons;
            }
            r
        }));
        debug_assert!(
            start <= results.len(),
            "the batch starts within the results"
        );
        let batch = results.get(start..).unwrap_or_default();
        // The outcomes' order is the results' (both read `OrderKey`).
        debug_assert!(batch.is_sorted_by(|a, b| result_order(a, b) != Ordering::Greater));
        tallies.add(batch).map_err(ReconcileError::Summary)?;
        sink(first, batch).map_err(StreamedError::Sink)?;
        first += batch.len();
        if keep == Keep::Batches {
            results.clear();
        }
    }
    // The last call comes once every result is handed over.
    progress(Progress {
        matched: total,
        total,
    });
    Ok(Run {
        results,
        summary: tallies.finish(),
        stale_decisions: stale,
    })
}

/// Which statement the counterparty side comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SourceKind {
    Gstr2a,
    Gstr2b,
    Ims,
}

impl SourceKind {
    pub(crate) fn of(source: Source<'_>) -> SourceKind {
        match source {
            Source::Gstr2a(_) => SourceKind::Gstr2a,
            Source::Gstr2b(_) => SourceKind::Gstr2b,
            Source::Ims(_) => SourceKind::Ims,
        }
    }

    /// The reason of a register document that nothing of this source pairs with.
    pub(crate) fn not_in(self) -> Reason {
        match self {
            SourceKind::Gstr2a => Reason::NotInGstr2a,
            SourceKind::Gstr2b => Reason::NotInGstr2b,
            SourceKind::Ims => Reason::NotInIms,
        }
    }
}

/// What [`run`] keeps of the results it hands over.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    /// All of them: the report.
    All,
    /// None: each batch is dropped once handed over.
    Batches,
}

/// What [`run`] gives back besides the batches.
pub(crate) struct Run {
    /// The results kept (see [`Keep`]).
    pub(crate) results: Vec<MatchResult>,
    pub(crate) summary: Summary,
    pub(crate) stale_decisions: Vec<StaleDecision>,
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::report::{DocKey, DocKind};
    use crate::Decisions;
    use gstr2_model::{Gstr2Payload, Gstr2a};

    /// A register and a GSTR2A of three suppliers (one of another state with the same PAN) with
    /// exact, renumbered, differing and one-sided documents, and decisions of every kind.
    fn sample() -> (Gstr2Payload, Gstr2a, Decisions) {
        let suppliers = ["33GSPTN4811G1ZC", "27AAPFU0939F1ZV", "29AAPFU0939F1ZR"];
        let inv = |n: &str, val: u32, cs: bool| {
            let tax = val * 18 / 118;
            format!(
                r#"{{{}"inum":"{n}","idt":"15-09-2023","val":{val},"pos":"27","rchrg":"N",
                "itms":[{{"num":1,"itm_det":{{"rt":18,"txval":{},"iamt":{tax}}}}}]}}"#,
                if cs { r#""chksum":"c","# } else { "" },
                val - tax
            )
        };
        let (mut own, mut cp) = (Vec::new(), Vec::new());
        for (k, g) in suppliers.iter().enumerate() {
            let mut o = Vec::new();
            let mut c = Vec::new();
            for n in 0..9u32 {
                let val = 1000 + 10 * n;
                match (n + k as u32) % 5 {
                    0 => {
                        o.push(inv(&format!("A{n}"), val, false));
                        c.push(inv(&format!("A{n}"), val, true));
                    }
                    1 => {
                        o.push(inv(&format!("inv-{n}"), val, false));
                        c.push(inv(&format!("INV/2023-24/{n:04}"), val + 40, true));
                    }
                    2 => o.push(inv(&format!("T{n}"), val, false)),
                    3 => c.push(inv(&format!("T{n}"), val, true)),
                    _ => {
                        o.push(inv(&format!("M{n}"), val, false));
                        c.push(inv(&format!("M{n}"), val + 300, true));
                    }
                }
            }
            own.push(format!(r#"{{"ctin":"{g}","inv":[{}]}}"#, o.join(",")));
            let cfs = if k == 1 { "N" } else { "Y" };
            cp.push(format!(
                r#"{{"ctin":"{g}","cfs":"{cfs}","inv":[{}]}}"#,
                c.join(",")
            ));
        }
        let register: Gstr2Payload = gstr2_model::json::from_str(&format!(
            r#"{{"gstin":"27AAPFU0939F1ZV","fp":"092023","b2b":[{}]}}"#,
            own.join(",")
        ))
        .expect("valid register");
        let gstr2a: Gstr2a =
            gstr2_model::json::from_str(&format!(r#"{{"b2b":[{}]}}"#, cp.join(",")))
                .expect("valid GSTR2A");
        let key = |g: usize, n: &str| DocKey {
            supplier: suppliers[g].parse().expect("valid GSTIN"),
            kind: DocKind::Invoice,
            number: n.into(),
            date: NaiveDate::from_ymd_opt(2023, 9, 15).expect("valid date"),
        };
        let mut d = Decisions::default();
        d.mark_pending(key(0, "A0")); // accepted: marked
        d.mark_pending(key(0, "T2")); // an upload: stale
        d.mark_pending(key(2, "gone")); // stale
        d.link(key(0, "T7"), key(0, "T8"));
        d.unlink(key(2, "A3"), key(2, "A3"));
        (register, gstr2a, d)
    }

    #[test]
    fn batches_handed_over_make_the_report() {
        let (register, gstr2a, decisions) = sample();
        let inputs = Reconciler::new(&register, &gstr2a).decisions(&decisions);
        let never = |_: usize, _: &[MatchResult]| Ok::<(), ()>(());
        let whole = run(&inputs, Keep::All, BATCH, &mut { never }).expect("run");
        assert!(whole.results.len() > 20, "{}", whole.results.len());
        assert!(whole
            .results
            .iter()
            .any(|r| r.action == ActionFlag::Pending));
        assert!(whole.results.iter().any(|r| r.rule == Some(Rule::Manual)));
        assert!(whole.results.iter().any(|r| !r.suggestions.is_empty()));
        assert_eq!(
            whole.stale_decisions.len(),
            2,
            "{:?}",
            whole.stale_decisions
        );
        assert_eq!(Ok(whole.summary.clone()), Summary::of(&whole.results));
        for batch_len in [1, 2, 7, whole.results.len()] {
            for keep in [Keep::All, Keep::Batches] {
                let mut seen: Vec<MatchResult> = Vec::new();
                let mut firsts = Vec::new();
                let run = run(&inputs, keep, batch_len, &mut |first, batch| {
                    assert!(batch.len() <= batch_len);
                    firsts.push(first);
                    seen.extend_from_slice(batch);
                    Ok::<(), ()>(())
                })
                .expect("run");
                assert_eq!(seen, whole.results, "batches of {batch_len}");
                assert_eq!(
                    firsts,
                    (0..whole.results.len())
                        .step_by(batch_len)
                        .collect::<Vec<_>>()
                );
                assert_eq!(run.summary, whole.summary, "batches of {batch_len}");
                assert_eq!(run.stale_decisions, whole.stale_decisions);
                match keep {
                    Keep::All => assert_eq!(run.results, whole.results),
                    Keep::Batches => assert!(run.results.is_empty()),
                }
            }
        }
        // Progress ends at the total, once the last batch is handed over.
        let events = std::sync::Mutex::new(Vec::new());
        let log = |e: (bool, usize)| events.lock().map(|mut v| v.push(e)).unwrap_or(());
        let progress = |p: Progress| log((false, p.matched));
        run(
            &inputs.clone().progress(&progress),
            Keep::Batches,
            5,
            &mut |first, batch| {
                log((true, first + batch.len()));
                Ok::<(), ()>(())
            },
        )
        .expect("run");
        let events = events.into_inner().unwrap_or_default();
        let total = register.document_count(gstr2_model::Table::B2b) + gstr2a.document_count();
        assert_eq!(events.first(), Some(&(false, 0)));
        assert_eq!(events.last(), Some(&(false, total)));
        assert_eq!(
            events.iter().rev().nth(1),
            Some(&(true, whole.results.len())),
            "the last batch just before"
        );

        // A sink's error stops the run and comes back.
        let mut calls = 0;
        let stopped = run(&inputs, Keep::Batches, 2, &mut |_, _| {
            calls += 1;
            if calls == 2 {
                Err("disk full")
            } else {
                Ok(())
            }
        });
        assert!(matches!(stopped, Err(StreamedError::Sink("disk full"))));
        assert_eq!(calls, 2);
    }

    /// The batch [`crate::Reconciler::stream`]'s docs give.
    #[test]
    fn a_streamed_batch_is_32768_results() {
        assert_eq!(BATCH, 32_768);
    }
}
