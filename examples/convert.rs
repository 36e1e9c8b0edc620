//! Converts between a folder of GSTR2 CSV files (one `<table>.csv` per table, with the columns of
//! `docs/csv-format.md`) and one GSTR2 save payload in GSTN's JSON.
//!
//! ```text
//! cargo run --example convert -- csv-to-json --gstin 27AAPFU0939F1ZV --period 072017 examples/data
//! cargo run --example convert -- json-to-csv payload.json out/
//! cargo run --example convert -- json-to-csv --drop-uncarried payload.json out/
//! ```
//!
//! `csv-to-json` prints the payload (pretty JSON) on stdout; `json-to-csv` writes the 15 files.
//! A payload with sections the 15 tables cannot hold (`hsnsum`, or one gstr2 does not model,
//! such as `isd`) is refused, naming them, and nothing is written; with `--drop-uncarried` they
//! are left out and named on stderr.
//! On bad input the exit status is non-zero and every error, with its file, line and column
//! (or JSON path), is printed on stderr.

use std::path::PathBuf;
use std::process::ExitCode;

use gstr2::model::{csv, json, ErrorChain, Gstin, Gstr2Payload, ReturnPeriod};

const USAGE: &str = "usage:
  convert csv-to-json --gstin GSTIN --period MMYYYY DIR
  convert json-to-csv [--drop-uncarried] PAYLOAD.json OUTDIR";

/// What the command line asks for.
enum Command {
    CsvToJson {
        gstin: Gstin,
        period: ReturnPeriod,
        dir: PathBuf,
    },
    JsonToCsv {
        payload: PathBuf,
        out: PathBuf,
        /// Leave out, and name, the sections the tables cannot hold, instead of refusing.
        drop_uncarried: bool,
    },
}

fn parse_args(args: &[String]) -> Result<Command, String> {
    match args.first().map(String::as_str) {
        Some("csv-to-json") => {
            let mut gstin = None;
            let mut period = None;
            let mut dir = None;
            let mut rest = args.iter().skip(1);
            while let Some(arg) = rest.next() {
                match arg.as_str() {
                    "--gstin" => {
                        let v = rest.next().ok_or("--gstin needs a value")?;
                        gstin = Some(v.parse::<Gstin>().map_err(|e| e.to_string())?);
                    }
                    "--period" => {
                        let v = rest.next().ok_or("--period needs a value")?;
                        period = Some(v.parse::<ReturnPeriod>().map_err(|e| e.to_string())?);
                    }
                    other if other.starts_with("--") => {
                        return Err(format!("unknown option {other}"))
                    }
                    other if dir.is_none() => dir = Some(PathBuf::from(other)),
                    other => return Err(format!("unexpected argument {other}")),
                }
            }
            Ok(Command::CsvToJson {
                gstin: gstin.ok_or("--gstin is required")?,
                period: period.ok_or("--period is required")?,
                dir: dir.ok_or("the CSV folder is required")?,
            })
        }
        Some("json-to-csv") => {
            let mut drop_uncarried = false;
            let mut paths = Vec::new();
            for arg in args.iter().skip(1) {
                match arg.as_str() {
                    "--drop-uncarried" => drop_uncarried = true,
                    other if other.starts_with("--") => {
                        return Err(format!("unknown option {other}"))
                    }
                    other => paths.push(PathBuf::from(other)),
                }
            }
            match <[PathBuf; 2]>::try_from(paths) {
                Ok([payload, out]) => Ok(Command::JsonToCsv {
                    payload,
                    out,
                    drop_uncarried,
                }),
                Err(_) => Err("json-to-csv takes PAYLOAD.json and OUTDIR".into()),
            }
        }
        Some(other) => Err(format!("unknown command {other}")),
        None => Err("no command given".into()),
    }
}

fn run(command: Command) -> Result<(), String> {
    match command {
        Command::CsvToJson { gstin, period, dir } => {
            let payload = csv::read_dir(&dir, gstin, period).map_err(|e| e.to_string())?;
            let text = json::to_string_pretty(&payload).map_err(|e| ErrorChain(&e).to_string())?;
            println!("{text}");
            Ok(())
        }
        Command::JsonToCsv {
            payload,
            out,
            drop_uncarried,
        } => {
            let bytes = std::fs::read(&payload)
                .map_err(|e| format!("{}: {}", payload.display(), ErrorChain(&e)))?;
            let mut payload: Gstr2Payload = json::from_slice(&bytes)
                .map_err(|e| format!("{}: {}", payload.display(), ErrorChain(&e)))?;
            if drop_uncarried {
                let dropped = csv::take_uncarried(&mut payload);
                if !dropped.is_empty() {
                    eprintln!(
                        "dropped what the CSV tables cannot hold: {}",
                        dropped.join(", ")
                    );
                }
            }
            csv::write_dir(&payload, &out).map_err(|e| match e {
                csv::CsvError::Uncarried { .. } => {
                    format!("{e} (--drop-uncarried leaves them out)")
                }
                e => ErrorChain(&e).to_string(),
            })?;
            eprintln!(
                "wrote {} documents to {}",
                payload.total_documents(),
                out.display()
            );
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match parse_args(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("convert: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
