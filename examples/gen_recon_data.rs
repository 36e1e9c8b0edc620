//! Generates a reconciliation input on disk: the purchase register as a CSV folder and the
//! suppliers' GSTR2A as JSON, from the seeded generator the benches use.
//!
//! ```text
//! cargo run --release --example gen_recon_data -- --docs 1000000 --seed 42 --out target/recon-data
//! ```
//!
//! writes `OUT/purchases/` (`b2b.csv`, `cdn.csv`: the columns of `docs/csv-format.md`, one row
//! per item) and
//! `OUT/gstr2a.json`. `--one-supplier` puts every document under a single supplier. The files are
//! what `examples/reconcile.rs` and the baselines in `benches/baselines/` read.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use gstr2_demo::recon_data;

struct Args {
    docs: usize,
    seed: u64,
    out: PathBuf,
    one_supplier: bool,
}

const USAGE: &str = "usage: gen_recon_data [--docs N] [--seed S] [--one-supplier] --out DIR";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        docs: 1_000_000,
        seed: 42,
        out: PathBuf::new(),
        one_supplier: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--docs" => {
                let v = value("--docs")?;
                args.docs = v
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("--docs {v:?} is not a count"))?;
            }
            "--seed" => {
                let v = value("--seed")?;
                args.seed = v
                    .parse()
                    .map_err(|_| format!("--seed {v:?} is not a number"))?;
            }
            "--out" => args.out = PathBuf::from(value("--out")?),
            "--one-supplier" => args.one_supplier = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if args.out.as_os_str().is_empty() {
        return Err(format!("--out is required\n{USAGE}"));
    }
    Ok(args)
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let (register, gstr2a) = recon_data::generate(args.seed, args.docs, args.one_supplier);
    eprintln!(
        "generated {} register documents ({} suppliers) and {} GSTR2A documents ({} suppliers) in {:.2?}",
        register.document_count(gstr2_model::Table::B2b)
            + register.document_count(gstr2_model::Table::Cdn),
        register.b2b.len(),
        gstr2a.document_count(),
        gstr2a.b2b.len(),
        start.elapsed()
    );

    let purchases = args.out.join("purchases");
    std::fs::create_dir_all(&purchases)?;
    let start = Instant::now();
    gstr2_model::csv::write_dir(&register, &purchases)?;
    eprintln!("wrote {} in {:.2?}", purchases.display(), start.elapsed());

    let path = args.out.join("gstr2a.json");
    let start = Instant::now();
    let mut file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
    gstr2_model::json::to_writer(&mut file, &gstr2a)?;
    file.flush()?;
    eprintln!("wrote {} in {:.2?}", path.display(), start.elapsed());
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_recon_data: {e}");
            ExitCode::FAILURE
        }
    }
}
