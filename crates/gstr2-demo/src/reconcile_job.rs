//! The `reconcile` example's job, shared with the root package's tests: read the CSV folder
//! and the GSTR2A JSON, reconcile with the results streamed to their files, build the payloads
//! from the plan, write every output, print the summary table.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;
use std::time::Instant;

use gstr2_model::gstr2b::Gstr2b;
use gstr2_model::ims::ImsRecords;
use gstr2_model::{json, ErrorChain, Gstin, Gstr2Payload, Gstr2a, ReturnPeriod, TaxAmounts};
use gstr2_recon::ims::ImsActions;
use gstr2_recon::{
    local_summary, ActionFlag, Decisions, MatchCode, Reconciled, Reconciler, ResultsCsvWriter,
    ResultsJsonWriter, Source, StreamedError, Summary, Tally,
};

/// What the job reads and where it writes.
#[derive(Debug, Default)]
pub struct Args {
    /// The CSV folder of the register.
    pub purchases: PathBuf,
    /// The GSTR2A download (empty with `gstr2b` or `ims`).
    pub gstr2a: PathBuf,
    /// A GSTR-2B (a portal download or an API answer), in place of GSTR2A.
    pub gstr2b: Option<PathBuf>,
    /// IMS records (the GETINV sections as keys), in place of GSTR2A.
    pub ims: Option<PathBuf>,
    /// Where the outputs go.
    pub out: PathBuf,
    /// The receiver's GSTIN (default: the GSTR2A file's).
    pub gstin: Option<Gstin>,
    /// The return period (default: the GSTR2A file's).
    pub period: Option<ReturnPeriod>,
    /// Earlier decisions (JSON).
    pub decisions: Option<PathBuf>,
    /// What GSTN holds from earlier saves (a GSTR2 payload, JSON).
    pub previously_saved: Option<PathBuf>,
}

/// A CSV folder's errors, one a line, each under the folder's name but those that name their
/// file already.
fn csv_errors(dir: &Path, errors: &gstr2_model::csv::CsvErrors) -> String {
    let mut lines: Vec<String> = errors
        .iter()
        .map(|e| match e {
            gstr2_model::csv::CsvError::Io { .. } => ErrorChain(e).to_string(),
            _ => format!("{}: {}", dir.display(), ErrorChain(e)),
        })
        .collect();
    if errors.is_truncated() {
        lines.push(format!(
            "stopped after {} errors; there may be more",
            errors.len()
        ));
    }
    lines.join("\n")
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("{}: {}", path.display(), ErrorChain(&e)))?;
    json::from_slice(&bytes).map_err(|e| format!("{}: {}", path.display(), ErrorChain(&e)))
}

/// A file written on a thread of its own: what is written is copied into chunks of 8 MiB, and
/// each full chunk goes to the thread, which hands it to the kernel. The kernel's copy into the
/// page cache, long for a large job's output, then runs beside the engine instead of between its
/// batches. At most four chunks exist; they are reused.
struct WriteBehind {
    path: PathBuf,
    chunk: Vec<u8>,
    full: Option<SyncSender<Vec<u8>>>,
    empty: Receiver<Vec<u8>>,
    thread: Option<JoinHandle<std::io::Result<()>>>,
}

const CHUNK: usize = 8 << 20;

impl WriteBehind {
    fn create(path: &Path) -> Result<WriteBehind, String> {
        let mut file =
            File::create(path).map_err(|e| format!("{}: {}", path.display(), ErrorChain(&e)))?;
        let (full, todo) = sync_channel::<Vec<u8>>(2);
        let (done, empty) = channel();
        let thread = std::thread::spawn(move || {
            for mut chunk in todo {
                file.write_all(&chunk)?;
                chunk.clear();
                // The writer may be gone already (an error on its side): nothing to hand back.
                let _ = done.send(chunk);
            }
            file.flush()
        });
        Ok(WriteBehind {
            path: path.to_owned(),
            chunk: Vec::with_capacity(CHUNK),
            full: Some(full),
            empty,
            thread: Some(thread),
        })
    }

    /// Hands the current chunk to the thread and takes an empty one.
    fn send(&mut self) -> std::io::Result<()> {
        let next = self
            .empty
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
        let chunk = std::mem::replace(&mut self.chunk, next);
        match &self.full {
            Some(full) if full.send(chunk).is_ok() => Ok(()),
            // The thread has stopped on an error, which `finish` reports.
            _ => Err(std::io::Error::other("the file's writer thread stopped")),
        }
    }

    /// Writes what is left, waits for the thread, and reports its error naming the file.
    fn finish(mut self) -> Result<(), String> {
        let sent = if self.chunk.is_empty() {
            Ok(())
        } else {
            self.send()
        };
        self.full = None;
        let written = match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result.map_err(|e| e.to_string()),
            _ => Err("the file's writer thread panicked".to_owned()),
        };
        written
            .and(sent.map_err(|e| e.to_string()))
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }
}

impl Write for WriteBehind {
    fn write(&mut self, mut buf: &[u8]) -> std::io::Result<usize> {
        let n = buf.len();
        while !buf.is_empty() {
            let room = CHUNK.saturating_sub(self.chunk.len()).max(1);
            let (now, later) = buf.split_at(room.min(buf.len()));
            self.chunk.extend_from_slice(now);
            buf = later;
            if self.chunk.len() >= CHUNK {
                self.send()?;
            }
        }
        Ok(n)
    }

    /// Everything goes to the thread on [`WriteBehind::finish`]; nothing to do before.
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Creates `path` and writes it with `write` through a buffer and a [`WriteBehind`] (the
/// buffer gathers serde_json's many small writes); errors name the file.
fn write_file(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<WriteBehind>) -> Result<(), String>,
) -> Result<(), String> {
    let mut w = BufWriter::with_capacity(1 << 16, WriteBehind::create(path)?);
    let written = write(&mut w).and_then(|()| w.flush().map_err(|e| e.to_string()));
    let behind = w
        .into_inner()
        .map_err(|e| format!("{}: {}", path.display(), e.error()))?;
    // The thread's own error, if any, says more than the "stopped" the writer saw.
    behind.finish()?;
    written.map_err(|e| format!("{}: {e}", path.display()))
}

fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), String> {
    write_file(path, |w| {
        json::to_writer(w, value).map_err(|e| ErrorChain(&e).to_string())
    })
}

/// The four tax heads added up, to two places; a total beyond what a decimal holds (each head
/// fits, their sum need not) is shown as such rather than a panic.
fn tax_total(tax: &TaxAmounts) -> String {
    match tax.checked_total() {
        Some(total) => total.round_dp(2).to_string(),
        None => "beyond 7.9e28".to_owned(),
    }
}

/// The tally's lines by match code, and by GSTR-2 action flag where `flags` (the flags are
/// GSTR-2's: against GSTR-2B and IMS the IMS actions are what counts).
fn print_tally(name: &str, t: &Tally, flags: bool) {
    println!("{name}");
    println!(
        "  {:<10} {:>10} {:>20} {:>18}",
        "", "documents", "value", "tax"
    );
    for (code, v) in &t.by_code {
        println!(
            "  {:<10} {:>10} {:>20} {:>18}",
            code.as_str(),
            v.count,
            v.value.round_dp(2),
            tax_total(&v.tax)
        );
    }
    for (action, v) in t.by_action.iter().filter(|_| flags) {
        println!(
            "  {:<10} {:>10} {:>20} {:>18}",
            format!("flag {}", action.as_str()),
            v.count,
            v.value.round_dp(2),
            tax_total(&v.tax)
        );
    }
    println!(
        "  {:<10} {:>10} {:>20} {:>18}",
        "all",
        t.all.count,
        t.all.value.round_dp(2),
        tax_total(&t.all.tax)
    );
}

fn rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("").to_owned())
        })
        .unwrap_or_default()
}

/// Warnings shown on standard error before the rest is cut to a count.
pub const WARNINGS_SHOWN: usize = 20;

/// The lines that show the GSTR2A file's warnings on standard error: at most
/// [`WARNINGS_SHOWN`], then a count of the rest.
pub fn warning_lines(file: &Path, out: &Path, warnings: &[gstr2_model::Warning]) -> Vec<String> {
    let mut lines: Vec<String> = warnings
        .iter()
        .take(WARNINGS_SHOWN)
        .map(|w| format!("warning: {}: {w}", file.display()))
        .collect();
    if warnings.len() > WARNINGS_SHOWN {
        lines.push(format!(
            "warning: {} more in {}",
            warnings.len() - WARNINGS_SHOWN,
            out.join("warnings.txt").display()
        ));
    }
    lines
}

/// Shows the GSTR2A file's warnings on standard error ([`warning_lines`]) and writes them all
/// to `warnings.txt` in the output folder (an empty file when there are none, so that no
/// earlier run's list is left behind).
fn report_warnings(
    file: &Path,
    out: &Path,
    warnings: &[gstr2_model::Warning],
) -> Result<(), String> {
    for line in warning_lines(file, out, warnings) {
        eprintln!("{line}");
    }
    let text: String = warnings.iter().map(|w| format!("{w}\n")).collect();
    let path = out.join("warnings.txt");
    std::fs::write(&path, text).map_err(|e| format!("{}: {}", path.display(), ErrorChain(&e)))
}

/// Reconciles with the results streamed to `results.json` and `results.csv` in `out`, each
/// batch shown to `each` first; none is kept. Both files are finished even when something
/// failed: a writer thread's own error (a full disk, say) is what to report, not the
/// "stopped" the engine's sink saw.
fn stream_results(
    reconciler: &Reconciler<'_>,
    out: &Path,
    each: &mut dyn FnMut(&[gstr2_recon::MatchResult]),
) -> Result<Reconciled, String> {
    let register = reconciler.register();
    let (json_path, csv_path) = (out.join("results.json"), out.join("results.csv"));
    let mut json = ResultsJsonWriter::new(
        WriteBehind::create(&json_path)?,
        &register.gstin,
        &register.fp,
    )
    .map_err(|e| format!("{}: {}", json_path.display(), ErrorChain(&e)))?;
    let mut csv = ResultsCsvWriter::new(WriteBehind::create(&csv_path)?)
        .map_err(|e| format!("{}: {}", csv_path.display(), ErrorChain(&e)))?;
    let streamed = reconciler.stream(&mut |batch| {
        each(batch);
        let (j, c) = rayon::join(|| json.write(batch), || csv.write(batch));
        j.map_err(|e| format!("{}: {}", json_path.display(), ErrorChain(&e)))?;
        c.map_err(|e| format!("{}: {}", csv_path.display(), ErrorChain(&e)))
    });
    let nothing = (Summary::default(), Vec::new());
    let (summary, stale) = match &streamed {
        Ok(done) => (&done.summary, &done.stale_decisions),
        Err(_) => (&nothing.0, &nothing.1),
    };
    let json = json
        .finish(summary, stale)
        .map_err(|e| format!("{}: {}", json_path.display(), ErrorChain(&e)))
        .and_then(WriteBehind::finish);
    let csv = csv
        .finish()
        .map_err(|e| format!("{}: {}", csv_path.display(), ErrorChain(&e)))
        .and_then(WriteBehind::finish);
    json.and(csv).and(streamed.map_err(|e| match e {
        StreamedError::Reconcile(e) => ErrorChain(&e).to_string(),
        StreamedError::Sink(e) => e,
        other => other.to_string(),
    }))
}

/// Runs the whole job; errors name the file they come from.
pub fn run(args: Args) -> Result<(), String> {
    if args.gstr2b.is_some() || args.ims.is_some() {
        return run_today(args);
    }
    let t0 = Instant::now();
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("{}: {}", args.out.display(), ErrorChain(&e)))?;
    // Placeholders until the GSTR2A file says; replaced below.
    let placeholder_gstin: Gstin = "27AAPFU0939F1ZV".parse().map_err(|e| format!("{e}"))?;
    let placeholder_fp: ReturnPeriod = "072017".parse().map_err(|e| format!("{e}"))?;
    // Both files at once, each on every core of the rayon pool (the JSON's suppliers decoded in
    // runs, a large CSV table in blocks): where one waits on its serial parts, the other runs.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (gstr2a, register) = std::thread::scope(|s| {
        let csv = s.spawn(|| {
            gstr2_model::csv::read_dir(
                &args.purchases,
                args.gstin.unwrap_or(placeholder_gstin),
                args.period.unwrap_or(placeholder_fp),
            )
            .map_err(|errors| csv_errors(&args.purchases, &errors))
        });
        let gstr2a = std::fs::read(&args.gstr2a)
            .map_err(|e| ErrorChain(&e).to_string())
            .and_then(|bytes| {
                json::gstr2a_from_slice_parallel(&bytes, threads)
                    .map_err(|e| ErrorChain(&e).to_string())
            })
            .map_err(|e| format!("{}: {e}", args.gstr2a.display()));
        let register = csv
            .join()
            .unwrap_or_else(|_| Err("the CSV reader panicked".to_owned()));
        (gstr2a, register)
    });
    let (gstr2a, mut register): (Gstr2a, Gstr2Payload) = (gstr2a?, register?);
    register.gstin = args
        .gstin
        .or(gstr2a.gstin)
        .ok_or("no --gstin and none in the GSTR2A file")?;
    register.fp = args
        .period
        .or(gstr2a.fp)
        .ok_or("no --period and none in the GSTR2A file")?;
    let decisions: Decisions = match &args.decisions {
        Some(p) => read_json(p)?,
        None => Decisions::default(),
    };
    let previously_saved: Option<Gstr2Payload> = match &args.previously_saved {
        Some(p) => Some(read_json(p)?),
        None => None,
    };
    // What is odd in GSTN's file was read and kept; the user sees where, and all of it is in
    // warnings.txt.
    let warnings = gstr2a.warnings();
    report_warnings(&args.gstr2a, &args.out, &warnings)?;
    let t_read = t0.elapsed();
    if std::env::var_os("RECON_RSS").is_some() {
        eprintln!("rss after read {} kB", rss());
    }

    let inputs = Reconciler::new(&register, &gstr2a)
        .decisions(&decisions)
        .previously_saved(previously_saved.as_ref());
    let headline = format!(
        "reconciled {} register documents against {} GSTR2A documents for {} {}",
        register.document_count(gstr2_model::Table::B2b)
            + register.document_count(gstr2_model::Table::B2ba)
            + register.document_count(gstr2_model::Table::Cdn)
            + register.document_count(gstr2_model::Table::Cdna),
        gstr2a.document_count(),
        register.gstin,
        register.fp
    );
    // The results go to their two files a batch at a time as the engine builds them; none is
    // kept. What the payloads need of them is kept in the plan.
    let done = stream_results(&inputs, &args.out, &mut |_| {})?;
    let t_engine = t0.elapsed();
    if std::env::var_os("RECON_RSS").is_some() {
        eprintln!("rss after engine and results {} kB", rss());
    }

    // The inputs are not needed after this: their documents move into the payloads.
    let previously_saved = previously_saved.as_ref();
    let payloads = done
        .plan
        .into_payloads(register, gstr2a, previously_saved)
        .map_err(|e| ErrorChain(&e).to_string())?;
    // The upsert payload is written while the summary is counted from it.
    let out = &args.out;
    let (retsum, written) = std::thread::scope(|s| {
        let upsert = s.spawn(|| write_json(&out.join("payload-upsert.json"), &payloads.upsert));
        let retsum = local_summary(&payloads, previously_saved);
        let written = upsert
            .join()
            .unwrap_or_else(|_| Err("the payload writer panicked".into()));
        (retsum, written)
    });
    written?;
    let retsum = retsum.map_err(|e| format!("the local summary: {}", ErrorChain(&e)))?;
    write_json(&out.join("payload-delete.json"), &payloads.delete)?;
    write_json(
        &out.join("summary.json"),
        &serde_json::json!({ "reconciliation": &done.summary, "retsum": &retsum }),
    )?;
    if std::env::var_os("RECON_RSS").is_some() {
        eprintln!("rss after payloads {} kB", rss());
    }
    let t_write = t0.elapsed();

    println!("{headline}");
    print_tally("overall", &done.summary.overall, true);
    let ok = done
        .summary
        .overall
        .by_code
        .get(&MatchCode::Ok)
        .map_or(0, |t| t.count);
    let pending = done
        .summary
        .overall
        .by_action
        .get(&ActionFlag::Pending)
        .map_or(0, |t| t.count);
    println!(
        "{} suppliers, {ok} OK, {pending} pending, {} stale decisions, {} warnings; upsert {} documents, delete {}",
        done.summary.suppliers.len(),
        done.stale_decisions.len(),
        warnings.len(),
        payloads.upsert.total_documents(),
        payloads.delete.total_documents()
    );
    println!(
        "read {:.2}s, reconcile and write results {:.2}s, payloads and summary {:.2}s, total {:.2}s",
        t_read.as_secs_f64(),
        (t_engine - t_read).as_secs_f64(),
        (t_write - t_engine).as_secs_f64(),
        t_write.as_secs_f64()
    );
    // The operating system frees a million documents faster than their destructors would.
    std::mem::forget(payloads);
    Ok(())
}

/// Which statement [`run_today`] reads, read.
enum Today {
    // Boxed, both: the two differ in size by hundreds of bytes (clippy's large_enum_variant).
    Gstr2b(Box<Gstr2b>),
    Ims(Box<ImsRecords>),
}

/// Reconciles against a GSTR-2B or IMS records, today's workflow: writes `results.json`,
/// `results.csv` (each result with its recommended IMS action), `summary.json`,
/// `warnings.txt`, and against IMS `ims-save.json` (the SAVE body's `invdata`, only the records
/// whose action changes), `ims-reset.json` when some go back to No action, and
/// `itc-expected.json` (the ITC of the regenerated GSTR-2B).
fn run_today(args: Args) -> Result<(), String> {
    let t0 = Instant::now();
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("{}: {}", args.out.display(), ErrorChain(&e)))?;
    let (path, read) = match (&args.gstr2b, &args.ims) {
        (Some(p), None) => (
            p,
            Gstr2b::from_json(&read_bytes(p)?).map(|b| Today::Gstr2b(Box::new(b))),
        ),
        (None, Some(p)) => (
            p,
            ImsRecords::from_json(&read_bytes(p)?).map(|r| Today::Ims(Box::new(r))),
        ),
        _ => return Err("give one of --gstr2a, --gstr2b and --ims".into()),
    };
    let today = read.map_err(|e| format!("{}: {}", path.display(), ErrorChain(&e)))?;
    let (file_gstin, file_period) = match &today {
        Today::Gstr2b(b) => (b.gstin, b.return_period),
        Today::Ims(r) => (r.gstin, None),
    };
    let name = match &today {
        Today::Gstr2b(_) => "GSTR-2B",
        Today::Ims(_) => "IMS",
    };
    let gstin = args
        .gstin
        .or(file_gstin)
        .ok_or_else(|| format!("no --gstin and none in the {name} file"))?;
    let period = args
        .period
        .or(file_period)
        .ok_or_else(|| format!("no --period and none in the {name} file"))?;
    let register = gstr2_model::csv::read_dir(&args.purchases, gstin, period)
        .map_err(|errors| csv_errors(&args.purchases, &errors))?;
    let decisions: Decisions = match &args.decisions {
        Some(p) => read_json(p)?,
        None => Decisions::default(),
    };
    let warnings = match &today {
        Today::Gstr2b(b) => b.warnings(),
        Today::Ims(r) => r.warnings(),
    };
    report_warnings(path, &args.out, &warnings)?;
    let source = match &today {
        Today::Gstr2b(b) => Source::Gstr2b(b.as_ref()),
        Today::Ims(r) => Source::Ims(r.as_ref()),
    };
    let reconciler = Reconciler::new(&register, source).decisions(&decisions);

    // What IMS is to be told, collected batch by batch (a few dozen bytes a record).
    let mut actions = ImsActions::default();
    // The recommended actions counted, of every source.
    let mut by_action = std::collections::BTreeMap::new();
    let done = stream_results(&reconciler, &args.out, &mut |batch| {
        actions.extend(reconciler.ims_actions(batch));
        for a in batch.iter().filter_map(|r| r.ims_action.as_ref()) {
            *by_action.entry(a.as_str().to_owned()).or_insert(0usize) += 1;
        }
    })?;

    let out = &args.out;
    write_json(
        &out.join("summary.json"),
        &serde_json::json!({ "reconciliation": &done.summary }),
    )?;
    let mut changes = (0, 0);
    if let Some(bodies) = reconciler.ims_bodies(&actions) {
        let empty = ImsRecords::default();
        let save = bodies.save.as_ref().map_or(&empty, |b| &b.records);
        changes.0 = save.document_count();
        write_json(&out.join("ims-save.json"), save)?;
        let reset_path = out.join("ims-reset.json");
        match &bodies.reset {
            Some(reset) => {
                changes.1 = reset.records.document_count();
                write_json(&reset_path, &reset.records)?;
            }
            // No earlier run's body is left behind.
            None => match std::fs::remove_file(&reset_path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(format!("{}: {}", reset_path.display(), ErrorChain(&e)))
                }
                _ => {}
            },
        }
    }
    if let Some(itc) = reconciler.expected_itc(&actions) {
        let itc = itc.map_err(|e| format!("the expected ITC: {}", ErrorChain(&e)))?;
        write_json(&out.join("itc-expected.json"), &itc)?;
    }

    let counterparty = match &today {
        Today::Gstr2b(b) => b.documents.document_count() + b.rejected.document_count(),
        Today::Ims(r) => r.document_count(),
    };
    println!(
        "reconciled {} register documents against {counterparty} {name} documents for {} {}",
        register.document_count(gstr2_model::Table::B2b)
            + register.document_count(gstr2_model::Table::B2ba)
            + register.document_count(gstr2_model::Table::Cdn)
            + register.document_count(gstr2_model::Table::Cdna),
        register.gstin,
        register.fp
    );
    print_tally("overall", &done.summary.overall, false);
    let by_action: Vec<String> = by_action.iter().map(|(a, n)| format!("{a} {n}")).collect();
    println!(
        "{} suppliers, {} stale decisions, {} warnings; recommended IMS actions: {}; to save {}, to reset {}; {:.2}s",
        done.summary.suppliers.len(),
        done.stale_decisions.len(),
        warnings.len(),
        if by_action.is_empty() { "none".to_owned() } else { by_action.join(", ") },
        changes.0,
        changes.1,
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {}", path.display(), ErrorChain(&e)))
}
