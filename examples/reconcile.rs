//! Reconciles a purchase register (a CSV folder, as the `convert` example writes it) against the
//! suppliers' GSTR2A, GSTR-2B or IMS records (JSON) and writes every output of `gstr2-recon`.
//!
//! ```text
//! cargo run --release --example reconcile -- --purchases DIR --gstr2a GSTR2A.json --out OUTDIR \
//!     [--gstin GSTIN] [--period MMYYYY] [--decisions decisions.json] [--previously-saved saved.json]
//! cargo run --release --example reconcile -- --purchases DIR --gstr2b GSTR2B.json --out OUTDIR
//! cargo run --release --example reconcile -- --purchases DIR --ims IMS.json --out OUTDIR \
//!     [--gstin GSTIN] --period MMYYYY [--decisions decisions.json]
//! ```
//!
//! With `--gstr2b` (a portal download or an API answer) or `--ims` (IMS records, the GETINV
//! sections as keys) in place of `--gstr2a`: `results.json` and `results.csv`, each result with
//! its recommended IMS action (`ims_action`: A, R, P or N, empty where there is none, with
//! `ims_reasons`), `summary.json`, `warnings.txt`; every document of a GSTR-2B gets a result,
//! ISD documents and imports as only in GSTR-2B. With `--ims` also `ims-save.json` (the SAVE
//! body's `invdata`: only the records whose action changes, each with its `prev_status`),
//! `ims-reset.json` (records going back to No action, when there are any) and
//! `itc-expected.json` (the ITC the regenerated GSTR-2B will show).
//!
//! Writes to OUTDIR: `results.json` (the report: one result per document or pair, the summary,
//! stale decisions), `results.csv` (both sides side by side), `summary.json` (the reconciliation
//! summary and the local `RETSUM`), `payload-upsert.json` and `payload-delete.json` (the GSTR2
//! save payloads), `warnings.txt` (what is odd in the GSTR2A file, read and kept all the same: a
//! GSTIN failing its check character, a document listed twice, each with its JSON path); prints
//! the first 20 warnings on stderr and the summary table, with the count of warnings, on stdout.
//! GSTIN and period default to the GSTR2A file's.
//!
//! Every core of the current rayon pool is used: the GSTR2A JSON is decoded typed, its
//! suppliers in runs on the pool, while the CSV folder is decoded beside it, a large table in
//! blocks on the same pool; the engine runs across suppliers in parallel and hands its results
//! over a batch at a time (`Reconciler::new(..).stream(sink)`), each batch formatted for both
//! results files at once on the pool, handed to each file's writer thread and dropped, so that
//! the results are never all in memory; the payloads are then built from the engine's plan by
//! moving the inputs' documents. `RECON_RSS=1` prints the resident memory after each phase on stderr.

use std::process::ExitCode;

use gstr2_demo::reconcile_job::{run, Args};

const USAGE: &str =
    "usage: reconcile --purchases DIR (--gstr2a GSTR2A.json | --gstr2b GSTR2B.json \
| --ims IMS.json) --out OUTDIR [--gstin GSTIN] [--period MMYYYY] [--decisions FILE] \
[--previously-saved FILE]";

fn parse_args() -> Result<Args, String> {
    let mut a = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--purchases" => a.purchases = value("--purchases")?.into(),
            "--gstr2a" => a.gstr2a = value("--gstr2a")?.into(),
            "--gstr2b" => a.gstr2b = Some(value("--gstr2b")?.into()),
            "--ims" => a.ims = Some(value("--ims")?.into()),
            "--out" => a.out = value("--out")?.into(),
            "--gstin" => {
                a.gstin = Some(
                    value("--gstin")?
                        .parse()
                        .map_err(|e| format!("--gstin: {e}"))?,
                )
            }
            "--period" => {
                a.period = Some(
                    value("--period")?
                        .parse()
                        .map_err(|e| format!("--period: {e}"))?,
                )
            }
            "--decisions" => a.decisions = Some(value("--decisions")?.into()),
            "--previously-saved" => a.previously_saved = Some(value("--previously-saved")?.into()),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let sources = [
        !a.gstr2a.as_os_str().is_empty(),
        a.gstr2b.is_some(),
        a.ims.is_some(),
    ];
    if a.purchases.as_os_str().is_empty()
        || a.out.as_os_str().is_empty()
        || sources.iter().filter(|&&given| given).count() != 1
    {
        return Err(USAGE.into());
    }
    Ok(a)
}

fn main() -> ExitCode {
    match parse_args().and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reconcile: {e}");
            ExitCode::FAILURE
        }
    }
}
