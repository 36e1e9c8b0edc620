//! Results written out on every core of the current rayon pool: as JSON (the report, byte for byte what serde_json
//! writes) and as CSV with both sides side by side, one row per result.

use std::io::Write;

use gstr2_model::date::Ddmmyyyy as Dmy;

use gstr2_model::{Gstin, ReturnPeriod};

use crate::decisions::StaleDecision;
use crate::ims::ImsReason;
use crate::report::{DocSide, MatchResult, Reason, Report, Summary};

/// Why results could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResultsCsvError {
    /// Writing failed at this result (0-based index).
    #[error("writing results csv at result {index}")]
    Write {
        /// The result's index.
        index: usize,
        /// The csv writer's error.
        #[source]
        source: csv::Error,
    },
}

/// Why the report could not be written as JSON.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResultsJsonError {
    /// Serializing or writing failed at this result (0-based index; the number of results for
    /// what follows them).
    #[error("writing results json at result {index}")]
    Write {
        /// The result's index.
        index: usize,
        /// serde_json's error (it carries I/O errors too).
        #[source]
        source: serde_json::Error,
    },
}

/// The columns of [`write_results_csv`].
pub const RESULT_COLUMNS: [&str; 39] = [
    "ctin",
    "kind",
    "code",
    "action",
    "computed_action",
    "rule",
    "own_section",
    "own_number",
    "own_date",
    "own_val",
    "own_txval",
    "own_iamt",
    "own_camt",
    "own_samt",
    "own_csamt",
    "own_pos",
    "own_rchrg",
    "own_inv_typ",
    "cp_section",
    "cp_number",
    "cp_date",
    "cp_val",
    "cp_txval",
    "cp_iamt",
    "cp_camt",
    "cp_samt",
    "cp_csamt",
    "cp_pos",
    "cp_rchrg",
    "cp_inv_typ",
    "cp_cfs",
    "cp_chksum",
    "amends",
    "replaces",
    "differences",
    "reasons",
    "suggestions",
    "ims_action",
    "ims_reasons",
];

/// One CSV row being put together: its fields in one record, each formatted in place.
struct RowBuf {
    record: csv::ByteRecord,
    field: Vec<u8>,
}

impl RowBuf {
    fn new() -> Self {
        RowBuf {
            record: csv::ByteRecord::new(),
            field: Vec::with_capacity(256),
        }
    }

    /// A field as given.
    fn text(&mut self, s: &str) {
        self.record.push_field(s.as_bytes());
    }

    /// A field written by `f`.
    fn with(&mut self, f: impl FnOnce(&mut Vec<u8>)) {
        self.field.clear();
        f(&mut self.field);
        self.record.push_field(&self.field);
    }

    /// A field from a value's `Display`, empty for `None`.
    fn show<T: std::fmt::Display>(&mut self, v: Option<T>) {
        self.with(|out| {
            if let Some(v) = v {
                // Writing to a Vec<u8> cannot fail.
                let _ = write!(out, "{v}");
            }
        });
    }

    /// A field of items joined by `"; "`.
    fn joined<I: IntoIterator>(&mut self, items: I, mut each: impl FnMut(&mut Vec<u8>, I::Item)) {
        self.with(|out| {
            for (i, item) in items.into_iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b"; ");
                }
                each(out, item);
            }
        });
    }
}

fn side_cols(s: Option<&DocSide>, row: &mut RowBuf) {
    match s {
        None => {
            for _ in 0..12 {
                row.text("");
            }
        }
        Some(s) => {
            row.text(s.section.as_str());
            row.text(&s.key.number);
            row.show(Some(Dmy(s.key.date)));
            for amount in [
                s.value,
                s.taxable_value,
                s.tax.igst,
                s.tax.cgst,
                s.tax.sgst,
                s.tax.cess,
            ] {
                // Writing to a Vec<u8> cannot fail.
                row.with(|out| {
                    let _ = gstr2_model::amount::write(&amount, out);
                });
            }
            row.show(s.place_of_supply);
            row.show(s.reverse_charge.as_ref());
            row.show(s.invoice_type.as_ref());
        }
    }
}

fn reason_text(out: &mut Vec<u8>, r: &Reason) {
    let fields = |out: &mut Vec<u8>, f: &[crate::Field]| {
        for (i, f) in f.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(f.as_str().as_bytes());
        }
    };
    let text = match r {
        Reason::NotInGstr2a => "not in GSTR2A",
        Reason::NotInGstr2b => "not in GSTR-2B",
        Reason::NotInIms => "not in IMS",
        Reason::NotHeldByBooks => "a section the register cannot hold: only in GSTR-2B",
        Reason::RejectedInGstr2b => "rejected in GSTR-2B (docRejdata)",
        Reason::NotInRegister => "not in the register",
        Reason::NumberWrittenDifferently => "number written differently",
        Reason::WithinTolerance { fields: f } => {
            out.extend_from_slice(b"within tolerance: ");
            return fields(out, f);
        }
        Reason::BeyondTolerance { fields: f } => {
            out.extend_from_slice(b"beyond tolerance: ");
            return fields(out, f);
        }
        Reason::LinkedByUser => "linked by the user",
        Reason::CounterpartyNotFiled => "supplier has not filed (cfs=N)",
        Reason::FilingStatusUnknown => "supplier filing status unknown (no cfs)",
        Reason::MarkedPending => "marked pending by the user",
        Reason::ProbablePairs => "probable pairs suggested",
        Reason::RepeatedInGstr2a { copies, identical } => {
            let how = if *identical {
                "identical"
            } else {
                "copies differ, the first kept"
            };
            out.extend_from_slice(format!("listed {copies} times in GSTR2A ({how})").as_bytes());
            return;
        }
    };
    out.extend_from_slice(text.as_bytes());
}

/// Puts the CSV row of a result into `row`.
fn row(r: &MatchResult, row: &mut RowBuf) {
    row.record.clear();
    row.show(Some(r.supplier));
    row.show(Some(format_args!("{:?}", r.kind)));
    row.text(r.code.as_str());
    row.text(r.action.as_str());
    row.text(r.computed_action.as_str());
    row.show(r.rule.map(|x| format!("{x:?}")));
    side_cols(r.own.as_ref(), row);
    side_cols(r.counterparty.as_ref(), row);
    let cp = r.counterparty.as_ref();
    row.show(cp.and_then(|c| c.filing_status.as_ref()));
    row.text(cp.and_then(|c| c.checksum.as_deref()).unwrap_or_default());
    let sides = || {
        [r.own.as_ref(), r.counterparty.as_ref()]
            .into_iter()
            .flatten()
    };
    row.joined(sides().filter_map(|s| s.amends.as_ref()), |out, o| {
        let _ = write!(out, "{} {}", o.number, Dmy(o.date));
    });
    row.joined(sides().flat_map(|s| s.replaces.iter()), |out, k| {
        let _ = write!(out, "{} {}", k.number, Dmy(k.date));
    });
    row.joined(&r.differences, |out, d| {
        let _ = write!(out, "{}", d.field.as_str());
        if let Some(rate) = d.rate {
            let _ = write!(out, "@{rate}");
        }
        let _ = write!(
            out,
            ": {} -> {}",
            d.own.as_deref().unwrap_or("-"),
            d.counterparty.as_deref().unwrap_or("-")
        );
        if let Some(diff) = d.difference {
            let _ = write!(out, " ({diff})");
        }
        if d.within_tolerance {
            out.extend_from_slice(b" within tolerance");
        }
    });
    row.joined(&r.reasons, reason_text);
    row.joined(&r.suggestions, |out, s| {
        let _ = write!(
            out,
            "{} {} score {}",
            s.key.number,
            Dmy(s.key.date),
            s.score
        );
    });
    row.show(r.ims_action.as_ref().map(|a| a.as_str()));
    row.joined(&r.ims_reasons, ims_reason_text);
}

fn ims_reason_text(out: &mut Vec<u8>, r: &ImsReason) {
    let text = match r {
        ImsReason::Matched => "matches the books",
        ImsReason::Mismatch => "differs from the books",
        ImsReason::OnlyInIms => "not in the books",
        ImsReason::SupplierNotFiled => "supplier's return not filed",
        ImsReason::PendingBlocked => "pending not allowed (ispendactblocked): current action kept",
        ImsReason::MissingInIms => "missing in IMS and GSTR-2B: follow up with the supplier",
        ImsReason::NeverInIms { why } => {
            out.extend_from_slice(b"never in IMS: ");
            why.as_str()
        }
        ImsReason::Decided => "decided by the user",
    };
    out.extend_from_slice(text.as_bytes());
}

/// Results formatted at a time by one thread; as many batches are formatted at once as rayon has
/// threads, then written in order.
const BATCH: usize = 16_384;

/// Formats `items` in batches of [`BATCH`] with `format` (given each batch and the index of its
/// first item, counting from `first`), as many at once as the current rayon pool has threads,
/// into `bufs`, and writes the batches to `out` in order. The buffers are reused from round to
/// round, and from call to call: their pages are faulted in once, not for every batch.
fn write_batched<T: Sync, E: Send>(
    items: &[T],
    first: usize,
    out: &mut impl Write,
    bufs: &mut Vec<Vec<u8>>,
    format: impl Fn(&[T], usize, &mut Vec<u8>) -> Result<(), E> + Sync,
    io: impl Fn(std::io::Error, usize) -> E,
) -> Result<(), E> {
    use rayon::prelude::*;
    let threads = rayon::current_num_threads().max(1);
    if bufs.len() < threads {
        bufs.resize_with(threads, Vec::new);
    }
    for (k, round) in items.chunks(threads * BATCH).enumerate() {
        let start = first + k * threads * BATCH;
        let batches: Vec<&[T]> = round.chunks(BATCH).collect();
        let formatted: Vec<Result<(), E>> = bufs
            .par_iter_mut()
            .zip(batches.par_iter())
            .enumerate()
            .map(|(j, (buf, part))| {
                buf.clear();
                format(part, start + j * BATCH, buf)
            })
            .collect();
        // The first error in the results' order, whichever thread met it first.
        formatted.into_iter().collect::<Result<(), E>>()?;
        for (j, buf) in bufs.iter().take(batches.len()).enumerate() {
            out.write_all(buf).map_err(|e| io(e, start + j * BATCH))?;
        }
    }
    Ok(())
}

/// Writes one CSV row per result, the taxpayer's and the counterparty's columns side by side
/// ([`RESULT_COLUMNS`]), with a header.
///
/// ```
/// use gstr2_recon::{write_results_csv, Report, Summary};
///
/// let report = Report {
///     gstin: "27AAPFU0939F1ZV".parse().unwrap(),
///     fp: "072017".parse().unwrap(),
///     results: Vec::new(),
///     summary: Summary::default(),
///     stale_decisions: Vec::new(),
/// };
/// let mut out = Vec::new();
/// write_results_csv(&report, &mut out).unwrap();
/// assert!(String::from_utf8(out).unwrap().starts_with("ctin,kind,code,action"));
/// ```
pub fn write_results_csv(report: &Report, out: impl Write) -> Result<(), ResultsCsvError> {
    let mut w = ResultsCsvWriter::new(out)?;
    w.write(&report.results)?;
    w.finish().map(drop)
}

/// [`write_results_csv`] a batch of results at a time, for results that are never all held at
/// once (see [`crate::Reconciler::stream`]).
///
/// ```
/// use gstr2_recon::ResultsCsvWriter;
///
/// let mut w = ResultsCsvWriter::new(Vec::new())?;
/// w.write(&[])?; // each batch in the report's order
/// let out = w.finish()?;
/// assert!(String::from_utf8(out).unwrap().starts_with("ctin,kind,code,action"));
/// # Ok::<(), gstr2_recon::ResultsCsvError>(())
/// ```
#[derive(Debug)]
pub struct ResultsCsvWriter<W: Write> {
    out: W,
    /// Results written so far: the index of the next, for errors.
    written: usize,
    /// Where batches are formatted, one per core.
    bufs: Vec<Vec<u8>>,
}

impl<W: Write> ResultsCsvWriter<W> {
    /// Writes the header to `out`.
    pub fn new(mut out: W) -> Result<Self, ResultsCsvError> {
        let mut header = csv::Writer::from_writer(Vec::new());
        header.write_record(RESULT_COLUMNS).map_err(csv_error(0))?;
        let header = header
            .into_inner()
            .map_err(|e| csv_error(0)(e.into_error().into()))?;
        out.write_all(&header).map_err(|e| csv_error(0)(e.into()))?;
        Ok(ResultsCsvWriter {
            out,
            written: 0,
            bufs: Default::default(),
        })
    }

    /// Writes one row per result, formatted on every core.
    pub fn write(&mut self, results: &[MatchResult]) -> Result<(), ResultsCsvError> {
        write_batched(
            results,
            self.written,
            &mut self.out,
            &mut self.bufs,
            |part, start, buf| {
                let mut w = csv::Writer::from_writer(buf);
                let mut buf_row = RowBuf::new();
                for (i, r) in part.iter().enumerate() {
                    row(r, &mut buf_row);
                    w.write_byte_record(&buf_row.record)
                        .map_err(csv_error(start + i))?;
                }
                w.flush()
                    .map_err(|e| csv_error(start + part.len())(e.into()))
            },
            |e, index| csv_error(index)(e.into()),
        )?;
        self.written += results.len();
        Ok(())
    }

    /// Flushes and gives back the writer.
    pub fn finish(mut self) -> Result<W, ResultsCsvError> {
        self.out
            .flush()
            .map_err(|e| csv_error(self.written)(e.into()))?;
        Ok(self.out)
    }
}

fn csv_error(index: usize) -> impl Fn(csv::Error) -> ResultsCsvError {
    move |source| ResultsCsvError::Write { index, source }
}

fn json_error(index: usize) -> impl Fn(serde_json::Error) -> ResultsJsonError {
    move |source| ResultsJsonError::Write { index, source }
}

fn json_io(index: usize) -> impl Fn(std::io::Error) -> ResultsJsonError {
    move |e| json_error(index)(serde_json::Error::io(e))
}

/// Writes the report as JSON: the same bytes as `serde_json::to_writer(out, report)`, with the
/// results serialized in batches on every core.
///
/// ```
/// use gstr2_recon::{write_results_json, Report, Summary};
///
/// let report = Report {
///     gstin: "27AAPFU0939F1ZV".parse().unwrap(),
///     fp: "072017".parse().unwrap(),
///     results: Vec::new(),
///     summary: Summary::default(),
///     stale_decisions: Vec::new(),
/// };
/// let mut out = Vec::new();
/// write_results_json(&report, &mut out).unwrap();
/// assert_eq!(out, serde_json::to_vec(&report).unwrap());
/// ```
pub fn write_results_json(report: &Report, out: impl Write) -> Result<(), ResultsJsonError> {
    let mut w = ResultsJsonWriter::new(out, &report.gstin, &report.fp)?;
    w.write(&report.results)?;
    w.finish(&report.summary, &report.stale_decisions).map(drop)
}

/// [`write_results_json`] a batch of results at a time, for results that are never all held
/// at once (see [`crate::Reconciler::stream`]): the same bytes as serializing the [`Report`]
/// they would make.
///
/// ```
/// use gstr2_recon::{ResultsJsonWriter, Summary};
///
/// let (gstin, fp) = ("27AAPFU0939F1ZV".parse()?, "072017".parse()?);
/// let mut w = ResultsJsonWriter::new(Vec::new(), &gstin, &fp)?;
/// w.write(&[])?; // each batch in the report's order
/// let out = w.finish(&Summary::default(), &[])?;
/// assert!(out.starts_with(br#"{"gstin":"27AAPFU0939F1ZV","fp":"072017","results":[]"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ResultsJsonWriter<W: Write> {
    out: W,
    /// Results written so far: the index of the next, for errors.
    written: usize,
    /// Where batches are formatted, one per core.
    bufs: Vec<Vec<u8>>,
}

impl<W: Write> ResultsJsonWriter<W> {
    /// Writes what comes before the results: the report's GSTIN and period.
    pub fn new(mut out: W, gstin: &Gstin, fp: &ReturnPeriod) -> Result<Self, ResultsJsonError> {
        // The fields in the order and with the skips of `Report`'s derived Serialize.
        out.write_all(b"{\"gstin\":").map_err(json_io(0))?;
        serde_json::to_writer(&mut out, gstin).map_err(json_error(0))?;
        out.write_all(b",\"fp\":").map_err(json_io(0))?;
        serde_json::to_writer(&mut out, fp).map_err(json_error(0))?;
        out.write_all(b",\"results\":[").map_err(json_io(0))?;
        Ok(ResultsJsonWriter {
            out,
            written: 0,
            bufs: Default::default(),
        })
    }

    /// Writes the next results, serialized on every core.
    pub fn write(&mut self, results: &[MatchResult]) -> Result<(), ResultsJsonError> {
        write_batched(
            results,
            self.written,
            &mut self.out,
            &mut self.bufs,
            |part, start, buf| {
                for (i, r) in part.iter().enumerate() {
                    if start + i > 0 {
                        buf.push(b',');
                    }
                    serde_json::to_writer(&mut *buf, r).map_err(json_error(start + i))?;
                }
                Ok(())
            },
            |e, index| json_io(index)(e),
        )?;
        self.written += results.len();
        Ok(())
    }

    /// Writes what follows the results, flushes, and gives back the writer.
    pub fn finish(
        mut self,
        summary: &Summary,
        stale_decisions: &[StaleDecision],
    ) -> Result<W, ResultsJsonError> {
        let (n, out) = (self.written, &mut self.out);
        out.write_all(b"],\"summary\":").map_err(json_io(n))?;
        serde_json::to_writer(&mut *out, summary).map_err(json_error(n))?;
        if !stale_decisions.is_empty() {
            out.write_all(b",\"stale_decisions\":")
                .map_err(json_io(n))?;
            serde_json::to_writer(&mut *out, stale_decisions).map_err(json_error(n))?;
        }
        out.write_all(b"}").map_err(json_io(n))?;
        out.flush().map_err(json_io(n))?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decisions::{Decision, StaleDecision, StaleReason};
    use crate::report::{ActionFlag, DocKey, DocKind, MatchCode, Reason, Summary};

    /// A report of `n` TO results numbered 0..n, across more than two batches when large.
    fn report(n: usize) -> Report {
        let supplier: gstr2_model::Gstin = "33GSPTN4811G1ZC".parse().expect("valid GSTIN");
        let date = chrono::NaiveDate::from_ymd_opt(2017, 7, 24).expect("valid date");
        let results: Vec<MatchResult> = (0..n)
            .map(|i| MatchResult {
                supplier,
                kind: DocKind::Invoice,
                code: MatchCode::TaxpayerOnly,
                action: ActionFlag::Upload,
                computed_action: ActionFlag::Upload,
                rule: None,
                own: None,
                counterparty: None,
                differences: Vec::new(),
                reasons: vec![Reason::NotInGstr2a],
                suggestions: vec![crate::report::Suggestion {
                    key: DocKey {
                        supplier,
                        kind: DocKind::Invoice,
                        number: format!("INV-{i}"),
                        date,
                    },
                    score: rust_decimal::Decimal::new(9, 1),
                    value_difference: rust_decimal::Decimal::ZERO,
                    days_apart: 0,
                }],
                ims_action: None,
                ims_reasons: Vec::new(),
            })
            .collect();
        Report {
            gstin: "27AAPFU0939F1ZV".parse().expect("valid GSTIN"),
            fp: "072017".parse().expect("valid period"),
            summary: Summary::of(&results).expect("a summary"),
            results,
            stale_decisions: Vec::new(),
        }
    }

    #[test]
    fn batched_json_is_serde_json_byte_for_byte() {
        for n in [0, 1, BATCH, 2 * BATCH + 3] {
            let mut r = report(n);
            let mut out = Vec::new();
            write_results_json(&r, &mut out).expect("written");
            assert_eq!(
                out,
                serde_json::to_vec(&r).expect("serialized"),
                "{n} results"
            );
            r.stale_decisions.push(StaleDecision {
                decision: Decision::Pending {
                    key: DocKey {
                        supplier: r.gstin,
                        kind: DocKind::Invoice,
                        number: "X".into(),
                        date: chrono::NaiveDate::from_ymd_opt(2017, 7, 1).expect("valid date"),
                    },
                },
                reason: StaleReason::DocumentGone,
            });
            let mut out = Vec::new();
            write_results_json(&r, &mut out).expect("written");
            assert_eq!(
                out,
                serde_json::to_vec(&r).expect("serialized"),
                "{n} results, stale"
            );
        }
    }

    #[test]
    fn batched_csv_keeps_every_row_in_order() {
        let n = 2 * BATCH + 3;
        let mut out = Vec::new();
        write_results_csv(&report(n), &mut out).expect("written");
        let text = String::from_utf8(out).expect("utf8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), n + 1);
        assert!(lines[0].starts_with("ctin,kind,code"));
        for (i, line) in lines[1..].iter().enumerate() {
            assert!(
                // The suggestion, then no IMS action and no IMS reason.
                line.ends_with(&format!("INV-{i} 24-07-2017 score 0.9,,")),
                "{line}"
            );
        }
    }

    #[test]
    fn writers_fed_in_pieces_write_what_the_whole_report_writes() {
        let r = report(2 * BATCH + 3);
        let (mut json, mut csv) = (Vec::new(), Vec::new());
        write_results_json(&r, &mut json).expect("written");
        write_results_csv(&r, &mut csv).expect("written");
        for cut in [
            [0, 0],
            [1, 7],
            [BATCH - 1, BATCH + 1],
            [BATCH + 2, 2 * BATCH + 3],
        ] {
            let pieces = [
                &r.results[..cut[0]],
                &r.results[cut[0]..cut[1]],
                &r.results[cut[1]..],
            ];
            let mut j = ResultsJsonWriter::new(Vec::new(), &r.gstin, &r.fp).expect("started");
            let mut c = ResultsCsvWriter::new(Vec::new()).expect("started");
            for p in pieces {
                j.write(p).expect("written");
                c.write(p).expect("written");
            }
            let j = j.finish(&r.summary, &r.stale_decisions).expect("finished");
            let c = c.finish().expect("finished");
            assert!(j == json, "json cut at {cut:?}");
            assert!(c == csv, "csv cut at {cut:?}");
        }
    }

    /// A writer that fails after `left` bytes.
    struct FailAfter {
        left: usize,
    }

    impl Write for FailAfter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if buf.len() > self.left {
                return Err(std::io::Error::other("disk full"));
            }
            self.left -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_write_error_names_the_result_counted_across_pieces() {
        let r = report(2 * BATCH + 3);
        let mut c = ResultsCsvWriter::new(FailAfter { left: 1 << 40 }).expect("started");
        c.write(&r.results[..2 * BATCH]).expect("written");
        c.out.left = 0;
        match c.write(&r.results[2 * BATCH..]) {
            Err(ResultsCsvError::Write { index, .. }) => assert_eq!(index, 2 * BATCH),
            other => panic!("expected a write error, got {other:?}"),
        }
        let mut j =
            ResultsJsonWriter::new(FailAfter { left: 1 << 40 }, &r.gstin, &r.fp).expect("started");
        j.write(&r.results[..BATCH + 1]).expect("written");
        j.out.left = 0;
        match j.write(&r.results[BATCH + 1..]) {
            Err(ResultsJsonError::Write { index, .. }) => assert_eq!(index, BATCH + 1),
            other => panic!("expected a write error, got {other:?}"),
        }
    }
}
