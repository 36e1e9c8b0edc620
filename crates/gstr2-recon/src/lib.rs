//! # gstr2-recon
//!
//! Pure reconciliation of a taxpayer's purchase register against its suppliers' documents, as
//! GSTR2A (the 2017 GSTR-2 workflow), GSTR-2B or IMS reports them: it decides, document by
//! document, what to tell GSTN (GSTR-2's accept, reject, upload, keep pending, no action; IMS's
//! Accept, Reject, Pending or No action), explains why, and builds the GSTR2 save payloads and
//! local `RETSUM` summary, or the IMS SAVE body and the ITC the regenerated GSTR-2B will show.
//! No I/O, no async, no clock, no randomness: inputs in, report out, the same report for any
//! input order.
//!
//! One way in, [`Reconciler`]: the register and a [`Source`], with options.
//!
//! ```
//! use gstr2_model::codes::ImsAction;
//! use gstr2_model::ims::ImsRecords;
//! use gstr2_model::{json, Gstr2Payload};
//! use gstr2_recon::{MatchCode, Reconciler};
//!
//! let register: Gstr2Payload = json::from_str(r#"{"gstin":"27AAPFU0939F1ZV","fp":"092024",
//!   "b2b":[{"ctin":"33GSPTN4811G1ZC","inv":[{"inum":"inv-42","idt":"15-09-2024","val":118,
//!   "pos":"27","rchrg":"N","itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]}]}]}"#)?;
//! let ims = ImsRecords::from_json(br#"{"b2b":[{"stin":"33GSPTN4811G1ZC",
//!   "inum":"INV/2024-25/0042","idt":"15-09-2024","val":118.40,"txval":100,"iamt":18,
//!   "action":"N","srcfilstatus":"Filed"}]}"#)?;
//!
//! let reconciler = Reconciler::new(&register, &ims);
//! let report = reconciler.run()?;
//! let r = &report.results[0];
//! assert_eq!(r.code, MatchCode::Ok); // 0.40 is within the ₹1 tolerance
//! assert_eq!(r.ims_action, Some(ImsAction::Accept));
//!
//! // The SAVE body: the one record whose action changes, with the action GSTN reported.
//! let actions = reconciler.ims_actions(&report.results);
//! let bodies = reconciler.ims_bodies(&actions).expect("an IMS source");
//! let save = bodies.save.expect("one change");
//! assert_eq!(save.records.b2b[0].action, Some(ImsAction::Accept));
//! assert_eq!(save.records.b2b[0].previous_action, Some(ImsAction::NoAction));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## What the engine decides
//! Sections `b2b`, `b2ba` (invoices) and `cdn`, `cdna` (notes) of the register are reconciled
//! (the others pass through to the GSTR2 save payload as uploads) against the same documents
//! of the source: GSTR2A's `b2b`, `b2ba`, `cdn`, `cdna`; GSTR-2B's `b2b`, `b2ba`, `cdnr`,
//! `cdnra`, `ecom`, `ecoma`, in `docdata` and `docRejdata`; IMS's `b2b`, `b2ba`, `b2bcn`,
//! `b2bcna`, `b2bdn`, `b2bdna`, `ecom`, `ecoma`. GSTR-2B's ISD documents and bills of entry
//! (`isd`, `isda`, `impg`, `impgsez`), which the register's tables cannot hold, are paired by
//! no pass: each is a result only in GSTR-2B ([`Reason::NotHeldByBooks`]), so that every
//! document of a GSTR-2B has a result. One list of passes serves every source: each source is
//! read into the same document ([`Section`] keeps its wire section), GSTR-2B's items with
//! their rates where it has them, else its totals; a document without rates on either side is
//! compared by its totals. A GSTR2A document listed more than once under its
//! supplier (the same section, type, number and date; a provider's answer may repeat one) is
//! taken once, the first copy in canonical order standing for all: it gets one result, with
//! [`Reason::RepeatedInGstr2a`] saying how many copies there were and whether they differ, and is
//! counted and sent once. The passes, per supplier GSTIN (in parallel across suppliers,
//! deterministic):
//! 1. **Amendments** (`b2ba`, `cdna`) replace, on their own side, the original they name
//!    (`oinum`/`oidt`, `ont_num`/`ont_dt`); the replaced original is listed in the amendment's
//!    [`DocSide::replaces`].
//! 2. **Manual links** from [`Decisions`] pair first ([`Rule::Manual`]); unlinked pairs are never
//!    paired by a rule.
//! 3. **Exact**: same supplier, type, number and date as written ([`Rule::Exact`]).
//! 4. **Normalised**: same supplier, type and number once normalised ([`number`]), dates in the
//!    same fiscal year ([`Rule::Normalised`]). Where several documents share a normalised
//!    number, the nearest two pair first, then the nearest two of those left, and so on; nearest
//!    means fewest days apart, then the nearest value, then first in canonical order (the
//!    taxpayer's document, then GSTR2A's). The same rule at any size of group, found without
//!    visiting every pair (O(n log n) for n documents of one number).
//! 5. **Amendment across sides**: one side's amendment names the other's document
//!    ([`Rule::Amendment`]).
//! 6. **Probable pairs**: among what is left, same supplier and type, value and taxable value
//!    within tolerance, dates within the window, number similarity (Damerau-Levenshtein) at or
//!    above the threshold: [`Suggestion`]s with a score on TO and CO results, never matches.
//!    Indexed by value bucket and date, so near-linear (no all-pairs loop).
//! 7. **Same PAN**: a TO and a CO of two GSTINs with the same PAN (places 3 to 12), same type,
//!    same normalised number, value within tolerance, dates within the window suggest each other
//!    (score 1): again a suggestion, never a match.
//!
//! A pair is [`MatchCode::Ok`] when every compared field (date, value, `pos`, `rchrg`,
//! `inv_typ`, and per rate the taxable value, IGST, CGST, SGST, cess) agrees within tolerance,
//! else [`MatchCode::Mismatch`]. The action comes from [`Policy`]; a counterparty document whose
//! supplier has not filed (`cfs` ≠ `Y`) gets No action (`N`) with that reason. Pending marks
//! apply to results whose computed action is Accept or Reject.
//!
//! Credit notes: GSTN writes amounts positive with the sign in `ntty`; a register that writes a
//! credit note negative is normalised to that form (flagged [`DocSide::sign_normalised`]).
//! Totals count credit notes and refund vouchers negative.
//!
//! Amounts are added and subtracted with checked arithmetic only (rust_decimal's operators
//! panic beyond about 7.9 × 10²⁸): amounts that overflow are a [`ReconcileError`] naming the
//! document, or, for the difference of a compared field, a difference beyond tolerance
//! ([`FieldDifference::difference`]). [`local_summary`] likewise fails with an
//! [`AmountOverflow`] naming the document.
//!
//! ## IMS
//! Against GSTR-2B or IMS each result also carries a recommended IMS action
//! ([`MatchResult::ims_action`], with [`MatchResult::ims_reasons`]) under the
//! [`ImsPolicy`](ims::ImsPolicy) of [`MatchConfig::ims_policy`]: see [`ims`] for the policy's
//! table. [`Decisions::ims_actions`] override it, and are reported stale when their document
//! is gone, replaced, or never passes IMS.
//!
//! ## After the report
//! [`Reconciler::save_payloads`] builds the GSTR2 save payloads from the report and copies the
//! documents it sends; [`into_save_payloads`] builds the same payloads from inputs the caller
//! gives up, moving the documents instead (no memory beyond the inputs'). [`local_summary`]
//! counts the payloads as GSTN's `RETSUM` would and [`compare_summaries`] lists how a
//! downloaded one differs. [`Reconciler::ims_bodies`] builds the IMS SAVE and RESET bodies,
//! [`Reconciler::expected_itc`] the ITC of the regenerated GSTR-2B. [`write_results_json`] and
//! [`write_results_csv`] write the report on every core.
//!
//! ## Without the report
//! A large reconciliation's results take much memory: each carries both sides' values and its
//! reasons. [`Reconciler::stream`] hands them to a sink a batch at a time instead (write them
//! with [`ResultsJsonWriter`] and [`ResultsCsvWriter`]: the same bytes as the report's) and keeps
//! none; it returns the summary, the stale decisions and a [`PayloadPlan`] (64 bytes per result
//! that sends a document) from which [`PayloadPlan::into_payloads`] builds the same payloads. The `reconcile` example works this way.

pub mod config;
mod csv_out;
pub mod decisions;
mod engine;
pub mod ims;
pub mod number;
pub mod payload;
pub mod report;
pub mod retsum;

pub use config::{MatchConfig, Policy, Tolerance};
pub use csv_out::{
    write_results_csv, write_results_json, ResultsCsvError, ResultsCsvWriter, ResultsJsonError,
    ResultsJsonWriter, RESULT_COLUMNS,
};
pub use decisions::{Decision, Decisions, Link, StaleDecision, StaleReason};
pub use payload::{into_save_payloads, PayloadError, PayloadPlan, SavePayloads};
pub use report::{
    ActionFlag, DocKey, DocKind, DocSide, Field, FieldDifference, MatchCode, MatchResult,
    OriginalRef, Reason, Report, Rule, Section, Suggestion, Summary, Tally, Totals,
};
pub use retsum::{compare_summaries, local_summary, SummaryDifference};

use gstr2_model::amount::AmountOverflow;
use gstr2_model::codes::ImsAction;
use gstr2_model::gstr2b::Gstr2b;
use gstr2_model::ims::ImsRecords;
use gstr2_model::{Gstin, Gstr2Payload, Gstr2a, ReturnPeriod};

use crate::ims::{ExpectedItc, ImsActions, ImsBodies, RecordRef};

/// The suppliers' side of a reconciliation: the statement their documents come from.
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    /// GSTR2A, the GSTR-2 workflow (the July 2017 periods): results carry GSTR-2 action flags and
    /// make the GSTR2 save payloads ([`Reconciler::save_payloads`]).
    Gstr2a(&'a Gstr2a),
    /// A GSTR-2B: every document gets a result, the sections the register cannot hold (ISD,
    /// imports) as only in GSTR-2B; each result carries a recommended IMS action.
    Gstr2b(&'a Gstr2b),
    /// IMS records (GETINV): each result carries a recommended IMS action, from which
    /// [`Reconciler::ims_bodies`] builds the SAVE and [`Reconciler::expected_itc`] the ITC of
    /// the regenerated GSTR-2B.
    Ims(&'a ImsRecords),
}

impl<'a> From<&'a Gstr2a> for Source<'a> {
    fn from(s: &'a Gstr2a) -> Self {
        Source::Gstr2a(s)
    }
}

impl<'a> From<&'a Gstr2b> for Source<'a> {
    fn from(s: &'a Gstr2b) -> Self {
        Source::Gstr2b(s)
    }
}

impl<'a> From<&'a ImsRecords> for Source<'a> {
    fn from(s: &'a ImsRecords) -> Self {
        Source::Ims(s)
    }
}

/// No decisions: what a [`Reconciler`] applies until given some.
static NO_DECISIONS: Decisions = Decisions {
    pending: std::collections::BTreeSet::new(),
    links: std::collections::BTreeSet::new(),
    unlinks: std::collections::BTreeSet::new(),
    ims_actions: std::collections::BTreeMap::new(),
};

/// A reconciliation to run: the one way into the engine.
///
/// The register and the [`Source`] are required; decisions, earlier saves, the
/// [`MatchConfig`] and a progress callback are options with defaults (none, none, the
/// documented defaults, none). [`Reconciler::run`] gives the whole [`Report`];
/// [`Reconciler::stream`] hands the results over a batch at a time for runs too large to hold.
/// From the results: [`Reconciler::save_payloads`] (GSTR2, against GSTR2A),
/// [`Reconciler::ims_bodies`] and [`Reconciler::expected_itc`] (IMS).
///
/// ```
/// use gstr2_model::{json, Gstr2Payload, Gstr2a};
/// use gstr2_recon::{ActionFlag, MatchCode, Reconciler, Rule};
///
/// let register: Gstr2Payload = json::from_str(r#"{"gstin":"27AAPFU0939F1ZV","fp":"092023",
///   "b2b":[{"ctin":"33GSPTN4811G1ZC","inv":[{"inum":"inv-42","idt":"15-09-2023","val":118,
///   "pos":"27","rchrg":"N","itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]}]}]}"#)?;
/// let gstr2a: Gstr2a = json::from_str(r#"{"b2b":[{"ctin":"33GSPTN4811G1ZC","cfs":"Y","inv":[
///   {"chksum":"c1","inum":"INV/2023-24/0042","idt":"15-09-2023","val":118.40,"pos":"27",
///   "rchrg":"N","itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]}]}]}"#)?;
/// let report = Reconciler::new(&register, &gstr2a).run()?;
/// let r = &report.results[0];
/// assert_eq!(r.code, MatchCode::Ok); // 0.40 is within the ₹1 tolerance
/// assert_eq!(r.rule, Some(Rule::Normalised));
/// assert_eq!(r.action, ActionFlag::Accept);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Reconciler<'a> {
    register: &'a Gstr2Payload,
    source: Source<'a>,
    decisions: &'a Decisions,
    previously_saved: Option<&'a Gstr2Payload>,
    config: MatchConfig,
    progress: &'a (dyn Fn(Progress) + Sync),
}

impl std::fmt::Debug for Reconciler<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reconciler")
            .field("gstin", &self.register.gstin)
            .field("fp", &self.register.fp)
            .field("source", &SourceKindName(self.source))
            .field("decisions", &!self.decisions.is_empty())
            .field("previously_saved", &self.previously_saved.is_some())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// A source's name, for `Debug` (the statement itself can be a million documents).
struct SourceKindName<'a>(Source<'a>);

impl std::fmt::Debug for SourceKindName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Source::Gstr2a(_) => "GSTR2A",
            Source::Gstr2b(_) => "GSTR-2B",
            Source::Ims(_) => "IMS",
        })
    }
}

impl<'a> Reconciler<'a> {
    /// A reconciliation of `register` (its GSTIN and period are the report's) against
    /// `source` (a `&Gstr2a`, `&Gstr2b` or `&ImsRecords`, or a [`Source`]), with no
    /// decisions, no earlier saves, the default [`MatchConfig`] and no progress callback.
    pub fn new(register: &'a Gstr2Payload, source: impl Into<Source<'a>>) -> Self {
        Reconciler {
            register,
            source: source.into(),
            decisions: &NO_DECISIONS,
            previously_saved: None,
            config: MatchConfig::default(),
            progress: &|_| {},
        }
    }

    /// The user's decisions, applied on the run (see [`Decisions`]).
    pub fn decisions(mut self, decisions: &'a Decisions) -> Self {
        self.decisions = decisions;
        self
    }

    /// What GSTN already holds from earlier saves: own documents there that are gone from the
    /// register are deleted by [`Reconciler::save_payloads`].
    pub fn previously_saved(mut self, saved: impl Into<Option<&'a Gstr2Payload>>) -> Self {
        self.previously_saved = saved.into();
        self
    }

    /// Tolerances, windows and policies (see [`MatchConfig`]).
    pub fn config(mut self, config: MatchConfig) -> Self {
        self.config = config;
        self
    }

    /// Called with 0 first, after each supplier, and with the total last (from several
    /// threads: it must be `Sync`).
    pub fn progress(mut self, progress: &'a (dyn Fn(Progress) + Sync)) -> Self {
        self.progress = progress;
        self
    }

    /// The register.
    pub fn register(&self) -> &'a Gstr2Payload {
        self.register
    }

    /// The suppliers' side.
    pub fn source(&self) -> Source<'a> {
        self.source
    }

    /// The decisions applied.
    pub fn decisions_applied(&self) -> &'a Decisions {
        self.decisions
    }

    /// The earlier saves, if given.
    pub fn saved(&self) -> Option<&'a Gstr2Payload> {
        self.previously_saved
    }

    /// The configuration.
    pub fn match_config(&self) -> &MatchConfig {
        &self.config
    }

    /// Reconciles.
    ///
    /// Invariants of the result: every input document of the reconciled sections on either
    /// side appears in exactly one result (as a side, or in [`DocSide::replaces`]); results
    /// are ordered by supplier, type, number and date and do not depend on the order of the
    /// input; the summary's totals are the sums of the results'. Decisions that no longer
    /// apply are listed in [`Report::stale_decisions`].
    ///
    /// Errors: amounts that add up beyond what a decimal holds ([`ReconcileError`]), named by
    /// document; never a panic.
    pub fn run(&self) -> Result<Report, ReconcileError> {
        let run = engine::run(self, engine::Keep::All, engine::BATCH, &mut |_, _| {
            Ok::<(), std::convert::Infallible>(())
        });
        let run = match run {
            Ok(run) => run,
            Err(StreamedError::Reconcile(e)) => return Err(e),
            Err(StreamedError::Sink(never)) => match never {},
        };
        Ok(Report {
            gstin: self.register.gstin,
            fp: self.register.fp,
            results: run.results,
            summary: run.summary,
            stale_decisions: run.stale_decisions,
        })
    }

    /// [`Reconciler::run`] for results too many to hold: they are handed to `sink` a batch at
    /// a time, in the report's order, and dropped after, so that the memory is that of one
    /// batch (32,768 results) instead of all. The results, the summary and the stale
    /// decisions are those of [`Reconciler::run`]; the GSTR2 payloads come from
    /// [`Reconciled::plan`], the IMS bodies from the actions the sink collects
    /// ([`Reconciler::ims_actions`]).
    ///
    /// `sink` is called with each batch; an error from it stops the reconciliation and is
    /// returned ([`StreamedError::Sink`]), as are amounts that overflow
    /// ([`StreamedError::Reconcile`]; the batch at which the summary's totals overflow is not
    /// handed over). Write the batches with [`ResultsJsonWriter`] and [`ResultsCsvWriter`].
    /// The progress callback's last call (the total) comes after the last batch.
    ///
    /// ```
    /// use gstr2_model::{json, Gstr2Payload, Gstr2a};
    /// use gstr2_recon::{Reconciler, ResultsJsonWriter};
    ///
    /// let register: Gstr2Payload = json::from_str(r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017",
    ///   "b2b":[{"ctin":"33GSPTN4811G1ZC","inv":[{"inum":"S1","idt":"24-07-2017","val":118,
    ///   "pos":"27","rchrg":"N","itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]}]}]}"#)?;
    /// let gstr2a = Gstr2a::default();
    /// let reconciler = Reconciler::new(&register, &gstr2a);
    ///
    /// let mut out = ResultsJsonWriter::new(Vec::new(), &register.gstin, &register.fp)?;
    /// let done = reconciler.stream(&mut |batch| out.write(batch))?;
    /// let json = out.finish(&done.summary, &done.stale_decisions)?;
    ///
    /// // The same bytes as the whole report, and the same payloads.
    /// let report = reconciler.run()?;
    /// assert_eq!(json, serde_json::to_vec(&report)?);
    /// assert_eq!(done.plan.payloads(&reconciler)?, reconciler.save_payloads(&report)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stream<E>(
        &self,
        sink: &mut dyn FnMut(&[MatchResult]) -> Result<(), E>,
    ) -> Result<Reconciled, StreamedError<E>> {
        let mut plan = PayloadPlan::default();
        let run = engine::run(
            self,
            engine::Keep::Batches,
            engine::BATCH,
            &mut |first, batch| {
                plan.add(first, batch);
                sink(batch)
            },
        )?;
        Ok(Reconciled {
            gstin: self.register.gstin,
            fp: self.register.fp,
            summary: run.summary,
            stale_decisions: run.stale_decisions,
            plan,
        })
    }

    /// The GSTR2 save payloads of a report made by this reconciler (see
    /// [`payload`]); copies the documents it sends.
    ///
    /// Errors: the source is not GSTR2A ([`PayloadError::NotGstr2a`]: GSTR-2B and IMS take no
    /// GSTR2 payload), or the report was not made from these inputs.
    pub fn save_payloads(&self, report: &Report) -> Result<SavePayloads, PayloadError> {
        payload::save_payloads(self, report)
    }

    /// The IMS actions of `results` (of a run, or a batch of [`Reconciler::stream`]: collect
    /// them with [`ImsActions::extend`]), by the record they are for: every result on an IMS
    /// record with a recommended action, and the records its amendment supersedes. Empty
    /// unless the source is IMS.
    pub fn ims_actions(&self, results: &[MatchResult]) -> ImsActions {
        let mut out = ImsActions::default();
        if !matches!(self.source, Source::Ims(_)) {
            return out;
        }
        let at = |s: &report::SourceRef| RecordRef {
            section: s.section.as_str(),
            index: s.doc,
        };
        for r in results {
            let Some(side) = r.counterparty.as_ref() else {
                continue;
            };
            if let (Some(source), Some(action)) = (&side.source, &r.ims_action) {
                out.actions.push((at(source), action.clone()));
            }
            out.superseded.extend(side.replaces_at.iter().map(at));
        }
        out
    }

    /// The SAVE and RESET bodies that put `actions` ([`Reconciler::ims_actions`]) to IMS: only
    /// the records whose action changes, each with its `prev_status` (see
    /// [`ImsBodies::of`]). `None` unless the source is IMS.
    pub fn ims_bodies(&self, actions: &ImsActions) -> Option<ImsBodies> {
        let Source::Ims(records) = self.source else {
            return None;
        };
        let decided: std::collections::BTreeMap<RecordRef, &ImsAction> =
            actions.actions.iter().map(|(at, a)| (*at, a)).collect();
        Some(ImsBodies::of(self.register.gstin, records, |at| {
            decided.get(&at).map(|a| (*a).clone())
        }))
    }

    /// The ITC the regenerated GSTR-2B will show once `actions` are saved: each other record
    /// keeps the action GSTN reported, and a superseded one counts in neither part (its
    /// amendment stands for it). See [`ExpectedItc::of`]. `None` unless the source is IMS;
    /// errors: a sum beyond a decimal, naming the record.
    pub fn expected_itc(
        &self,
        actions: &ImsActions,
    ) -> Option<Result<ExpectedItc, AmountOverflow>> {
        let Source::Ims(records) = self.source else {
            return None;
        };
        let decided: std::collections::BTreeMap<RecordRef, &ImsAction> =
            actions.actions.iter().map(|(at, a)| (*at, a)).collect();
        let superseded: std::collections::BTreeSet<RecordRef> =
            actions.superseded.iter().copied().collect();
        Some(ExpectedItc::of(records, |at| match decided.get(&at) {
            Some(a) => (*a).clone(),
            // Pending counts in neither part.
            None if superseded.contains(&at) => ImsAction::Pending,
            None => record_action(records, at),
        }))
    }
}

/// The action GSTN reported for the record at `at` (No action where it says none).
fn record_action(records: &ImsRecords, at: RecordRef) -> ImsAction {
    let action = match at.section {
        "b2b" => records.b2b.get(at.index).map(|r| r.action()),
        "b2ba" => records.b2ba.get(at.index).map(|r| r.action()),
        "b2bcn" => records.b2bcn.get(at.index).map(|r| r.action()),
        "b2bcna" => records.b2bcna.get(at.index).map(|r| r.action()),
        "b2bdn" => records.b2bdn.get(at.index).map(|r| r.action()),
        "b2bdna" => records.b2bdna.get(at.index).map(|r| r.action()),
        "ecom" => records.ecom.get(at.index).map(|r| r.action()),
        "ecoma" => records.ecoma.get(at.index).map(|r| r.action()),
        _ => None,
    };
    action.unwrap_or(ImsAction::NoAction)
}

/// Why [`Reconciler::run`] fails: amounts that add up beyond what a decimal holds (about
/// 7.9 × 10²⁸), which no return holds but input can carry. The error names the document.
///
/// A document's taxable value and each of its tax heads are added over its items as
/// magnitudes: when those fit, every sum of the document's amounts the engine takes (its totals,
/// per rate) fits. The summary's totals are bounded the same way, over every result in the
/// report's order (see [`ReconcileError::Summary`]). Differences between the two sides of a pair
/// are not errors: one that overflows is beyond tolerance ([`FieldDifference::difference`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReconcileError {
    /// A register document's amounts overflow; of several, the first in the canonical order
    /// (supplier, type, number, date).
    #[error("register")]
    Register(#[source] AmountOverflow),
    /// A counterparty document's amounts overflow (of GSTR2A, GSTR-2B or IMS); of several,
    /// the first in the canonical order.
    #[error("counterparty")]
    Counterparty(#[source] AmountOverflow),
    /// The summary's totals overflow: the magnitudes of the amounts of the results counted, in
    /// the report's order, add up beyond a decimal at this result, named by its counted
    /// document (the counterparty's when there is one). Stricter than the signed sums, which it
    /// bounds: an invoice and a credit note of 5 × 10²⁸ each overflow it.
    #[error("summary")]
    Summary(#[source] AmountOverflow),
}

/// Why [`Reconciler::stream`] stops: the reconciliation failed, or the sink did.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamedError<E> {
    /// Amounts overflow (see [`ReconcileError`]).
    #[error(transparent)]
    Reconcile(#[from] ReconcileError),
    /// The sink's error, as it returned it.
    #[error(transparent)]
    Sink(E),
}

/// How far the engine has come: documents decided so far out of all documents of both sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Documents decided so far.
    pub matched: usize,
    /// Documents of both sides.
    pub total: usize,
}

/// What [`Reconciler::stream`] gives back: everything of a [`Report`] but its results, and the
/// [`PayloadPlan`] to build the payloads from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconciled {
    /// The receiver's GSTIN (`gstin`).
    pub gstin: Gstin,
    /// The return period (`fp`).
    pub fp: ReturnPeriod,
    /// Counts and amounts of every result handed over.
    pub summary: Summary,
    /// Decisions that no longer apply, and why.
    pub stale_decisions: Vec<StaleDecision>,
    /// What the payloads need of the results.
    pub plan: PayloadPlan,
}
