//! # gstr2-recon
//!
//! Pure reconciliation of a taxpayer's purchase register against its suppliers' GSTR2A: it
//! decides, document by document, what to tell GSTN (accept, reject, upload, keep pending, no
//! action), explains why, and builds the GSTR2 save payloads and the local `RETSUM` summary.
//! No I/O, no async, no clock, no randomness: inputs in, report out, the same report for any
//! input order.
//!
//! ```
//! use gstr2_model::{json, Gstr2Payload, Gstr2a};
//! use gstr2_recon::{reconcile, Action, Decisions, Inputs, MatchCode, MatchConfig, Rule};
//!
//! let register: Gstr2Payload = json::from_str(r#"{"gstin":"27AAPFU0939F1ZV","fp":"092023",
//!   "b2b":[{"ctin":"33GSPTN4811G1ZC","inv":[{"inum":"inv-42","idt":"15-09-2023","val":118,
//!   "pos":"27","rchrg":"N","itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]}]}]}"#)?;
//! let gstr2a: Gstr2a = json::from_str(r#"{"b2b":[{"ctin":"33GSPTN4811G1ZC","cfs":"Y","inv":[
//!   {"chksum":"c1","inum":"INV/2023-24/0042","idt":"15-09-2023","val":118.40,"pos":"27",
//!   "rchrg":"N","itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]}]}]}"#)?;
//! let decisions = Decisions::default();
//! let inputs = Inputs { register: &register, gstr2a: &gstr2a, decisions: &decisions, previously_saved: None };
//! let report = reconcile(&inputs, &MatchConfig::default())?;
//! let r = &report.results[0];
//! assert_eq!(r.code, MatchCode::Ok); // 0.40 is within the ₹1 tolerance
//! assert_eq!(r.rule, Some(Rule::Normalised));
//! assert_eq!(r.action, Action::Accept);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## What the engine decides
//! Sections `b2b`, `b2ba` (invoices) and `cdn`, `cdna` (notes) are reconciled; the others pass
//! through to the save payload as uploads. A GSTR2A document listed more than once under its
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
//! ## After the report
//! [`save_payloads`] builds the GSTR2 save payloads from the report and copies the documents it
//! sends; [`into_save_payloads`] builds the same payloads from inputs the caller gives up, moving
//! the documents instead (no memory beyond the inputs'). [`local_summary`] counts the payloads as
//! GSTN's `RETSUM` would and [`compare_summaries`] lists how a downloaded one differs.
//! [`write_results_json`] and [`write_results_csv`] write the report on every core.
//!
//! ## Without the report
//! A million results take about a gigabyte. [`reconcile_streamed`] hands them to a sink a batch
//! at a time instead (write them with [`ResultsJsonWriter`] and [`ResultsCsvWriter`]: the same
//! bytes as the report's) and keeps none; it returns the summary, the stale decisions and a
//! [`PayloadPlan`] (a few dozen bytes per result) from which [`PayloadPlan::into_payloads`]
//! builds the same payloads. The `reconcile` example works this way.

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
pub use payload::{into_save_payloads, save_payloads, PayloadError, PayloadPlan, SavePayloads};
pub use report::{
    Action, DocKey, DocKind, DocSide, Field, FieldDifference, MatchCode, MatchResult, OriginalRef,
    Reason, Report, Rule, Section, Suggestion, Summary, Tally, Totals,
};
pub use retsum::{compare_summaries, local_summary, SummaryDifference};

use gstr2_model::amount::AmountOverflow;
use gstr2_model::{Gstin, Gstr2Payload, Gstr2a, ReturnPeriod};

/// What the engine reads.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    /// The taxpayer's purchase register as a GSTR2 payload (its GSTIN and period are the
    /// report's).
    pub register: &'a Gstr2Payload,
    /// The suppliers' documents.
    pub gstr2a: &'a Gstr2a,
    /// The user's decisions.
    pub decisions: &'a Decisions,
    /// What GSTN already holds from earlier saves: own documents there that are gone from the
    /// register are deleted (see [`save_payloads`]).
    pub previously_saved: Option<&'a Gstr2Payload>,
}

/// Why [`reconcile`] fails: amounts that add up beyond what a decimal holds (about
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
    #[error("register: {0}")]
    Register(#[source] AmountOverflow),
    /// A GSTR2A document's amounts overflow; of several, the first in the canonical order.
    #[error("gstr2a: {0}")]
    Gstr2a(#[source] AmountOverflow),
    /// The summary's totals overflow: the magnitudes of the amounts of the results counted, in
    /// the report's order, add up beyond a decimal at this result, named by its counted
    /// document (the counterparty's when there is one). Stricter than the signed sums, which it
    /// bounds: an invoice and a credit note of 5 × 10²⁸ each overflow it.
    #[error("summary: {0}")]
    Summary(#[source] AmountOverflow),
}

/// Why [`reconcile_streamed`] stops: the reconciliation failed, or the sink did.
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

/// Reconciles the register against GSTR2A.
///
/// Arguments: the [`Inputs`] and a [`MatchConfig`]. Invariants of the result: every input
/// document of `b2b`, `b2ba`, `cdn`, `cdna` on either side appears in exactly one result (as a
/// side, or in [`DocSide::replaces`]); results are ordered by supplier, type, number and date and
/// do not depend on the order of the input; the summary's totals are the sums of the results'.
/// Decisions that no longer apply are listed in [`Report::stale_decisions`].
///
/// Errors: amounts that add up beyond what a decimal holds ([`ReconcileError`]), named by
/// document; never a panic.
pub fn reconcile(inputs: &Inputs<'_>, config: &MatchConfig) -> Result<Report, ReconcileError> {
    reconcile_with_progress(inputs, config, &|_| {})
}

/// [`reconcile`], reporting progress: called with 0 first, after each supplier, and with the
/// total last (from several threads: the callback must be `Sync`).
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use gstr2_model::{Gstr2Payload, Gstr2a};
/// use gstr2_recon::{reconcile_with_progress, Decisions, Inputs, MatchConfig};
///
/// let register = Gstr2Payload::new("27AAPFU0939F1ZV".parse().unwrap(), "072017".parse().unwrap());
/// let (gstr2a, decisions) = (Gstr2a::default(), Decisions::default());
/// let inputs = Inputs { register: &register, gstr2a: &gstr2a, decisions: &decisions, previously_saved: None };
/// let calls = AtomicUsize::new(0);
/// let report = reconcile_with_progress(&inputs, &MatchConfig::default(), &|p| {
///     assert!(p.matched <= p.total);
///     calls.fetch_add(1, Ordering::Relaxed);
/// })?;
/// assert!(report.results.is_empty());
/// assert!(calls.load(Ordering::Relaxed) >= 2);
/// # Ok::<(), gstr2_recon::ReconcileError>(())
/// ```
pub fn reconcile_with_progress(
    inputs: &Inputs<'_>,
    config: &MatchConfig,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Report, ReconcileError> {
    let run = engine::run(
        inputs.register,
        inputs.gstr2a,
        inputs.decisions,
        config,
        progress,
        engine::Keep::All,
        engine::BATCH,
        &mut |_, _| Ok::<(), std::convert::Infallible>(()),
    );
    let run = match run {
        Ok(run) => run,
        Err(StreamedError::Reconcile(e)) => return Err(e),
        Err(StreamedError::Sink(never)) => match never {},
    };
    Ok(Report {
        gstin: inputs.register.gstin,
        fp: inputs.register.fp,
        results: run.results,
        summary: run.summary,
        stale_decisions: run.stale_decisions,
    })
}

/// What [`reconcile_streamed`] gives back: everything of a [`Report`] but its results, and the
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

/// [`reconcile_with_progress`] for results too many to hold: they are handed to `sink` a
/// batch at a time, in the report's order, and dropped after, so that the memory is that of
/// one batch (some 32,000 results) instead of all. The results, the summary and the stale
/// decisions are those of [`reconcile`]; the payloads come from [`Reconciled::plan`].
///
/// `sink` is called with each batch; an error from it stops the reconciliation and is
/// returned ([`StreamedError::Sink`]), as are amounts that overflow
/// ([`StreamedError::Reconcile`], see [`reconcile`]; the batch at which the summary's totals
/// overflow is not handed over). Write the batches with [`ResultsJsonWriter`] and
/// [`ResultsCsvWriter`]. `progress` is called as by [`reconcile_with_progress`], its last call
/// (the total) after the last batch.
///
/// ```
/// use gstr2_model::{json, Gstr2Payload, Gstr2a};
/// use gstr2_recon::{reconcile, reconcile_streamed, Decisions, Inputs, MatchConfig, ResultsJsonWriter};
///
/// let register: Gstr2Payload = json::from_str(r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017",
///   "b2b":[{"ctin":"33GSPTN4811G1ZC","inv":[{"inum":"S1","idt":"24-07-2017","val":118,
///   "pos":"27","rchrg":"N","itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]}]}]}"#)?;
/// let (gstr2a, decisions) = (Gstr2a::default(), Decisions::default());
/// let inputs = Inputs { register: &register, gstr2a: &gstr2a, decisions: &decisions, previously_saved: None };
/// let config = MatchConfig::default();
///
/// let mut out = ResultsJsonWriter::new(Vec::new(), &register.gstin, &register.fp)?;
/// let done = reconcile_streamed(&inputs, &config, &|_| {}, &mut |batch| out.write(batch))?;
/// let json = out.finish(&done.summary, &done.stale_decisions)?;
///
/// // The same bytes as the whole report, and the same payloads.
/// let report = reconcile(&inputs, &config)?;
/// assert_eq!(json, serde_json::to_vec(&report)?);
/// assert_eq!(done.plan.payloads(&inputs)?, gstr2_recon::save_payloads(&inputs, &report)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reconcile_streamed<E>(
    inputs: &Inputs<'_>,
    config: &MatchConfig,
    progress: &(dyn Fn(Progress) + Sync),
    sink: &mut dyn FnMut(&[MatchResult]) -> Result<(), E>,
) -> Result<Reconciled, StreamedError<E>> {
    let mut plan = PayloadPlan::default();
    let run = engine::run(
        inputs.register,
        inputs.gstr2a,
        inputs.decisions,
        config,
        progress,
        engine::Keep::Batches,
        engine::BATCH,
        &mut |first, batch| {
            plan.add(first, batch);
            sink(batch)
        },
    )?;
    Ok(Reconciled {
        gstin: inputs.register.gstin,
        fp: inputs.register.fp,
        summary: run.summary,
        stale_decisions: run.stale_decisions,
        plan,
    })
}
