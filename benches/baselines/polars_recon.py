#!/usr/bin/env python3
"""Baseline: reconcile a purchase register against GSTR2A with polars.

The same job as `pandas_recon.py`: read the CSV folder (`b2b.csv`, `cdn.csv`) and the GSTR2A
JSON, normalise document numbers by the rule of `gstr2-recon`, join on supplier, document type
and normalised number, compare value, taxable value and the four tax heads with a Rs 1
tolerance, write one results CSV and print the counts by match code.

    python polars_recon.py --purchases DIR --gstr2a FILE --out OUTDIR

Idiomatic polars: lazy CSV scans, the JSON read natively with an explicit schema and flattened
with explode/unnest, expressions throughout (polars uses every core by itself).
"""

import argparse
import pathlib
import sys
import time

import polars as pl

AMOUNTS = ["txval", "iamt", "camt", "samt", "csamt"]
COMPARED = ["val"] + AMOUNTS
TOLERANCE = 1.0
KEY = ["ctin", "doc_type", "norm"]
DOC = ["ctin", "cfs", "doc_type", "number", "date", "val"]


def fiscal_year_pattern(start: int) -> str:
    """Regex for the fiscal-year fragment starting in `start`, as whole '-'-separated tokens."""
    end = start + 1
    a, b = f"{start % 100:02d}", f"{end % 100:02d}"
    pairs = f"(?:{start}|{a})-(?:{end}|{b})"
    singles = f"{a}{b}|{start}{b}|{start}{end}"
    return f"-(?:{pairs}|{singles})-"


def normalise(docs: pl.LazyFrame, years: list[int]) -> pl.LazyFrame:
    """Adds `norm`, the normalised number, to documents with `number` and `date` (DD-MM-YYYY)."""
    tokens = (
        pl.col("number")
        .str.to_lowercase()
        .str.replace_all(r"[\W_]+", "-")
        .str.replace_all(r"([^\W\d_])(\d)", "${1}-${2}")
        .str.replace_all(r"(\d)([^\W\d_])", "${1}-${2}")
        .str.strip_chars("-")
    )
    fiscal = pl.col("date").str.slice(6, 4).cast(pl.Int32) - (
        pl.col("date").str.slice(3, 2).cast(pl.Int32) < 4
    ).cast(pl.Int32)
    padded = pl.lit("-") + pl.col("_tokens") + pl.lit("-")
    stripped = padded
    for start in years:
        stripped = (
            pl.when(pl.col("_fy") == start)
            .then(padded.str.replace(fiscal_year_pattern(start), "-", n=1))
            .otherwise(stripped)
        )
    # Only when a number remains: `23-24` alone stays itself.
    kept = pl.when(stripped.str.contains(r"\d")).then(stripped).otherwise(padded)
    norm = kept.str.replace_all(r"-0+(\d)", "-${1}").str.strip_chars("-")
    return (
        docs.with_columns(_tokens=tokens, _fy=fiscal)
        .with_columns(norm=norm)
        .drop("_tokens", "_fy")
    )


def documents(items: pl.LazyFrame) -> pl.LazyFrame:
    """One row per document from one row per item: item amounts summed."""
    return items.group_by(DOC, maintain_order=True).agg(pl.col(AMOUNTS).fill_null(0.0).sum())


def read_register(folder: pathlib.Path) -> pl.LazyFrame:
    frames = []
    for table, number, date in (("b2b", "inum", "idt"), ("cdn", "nt_num", "nt_dt")):
        path = folder / f"{table}.csv"
        if not path.exists():
            continue
        strings = {c: pl.Utf8 for c in ("ctin", number, date, "ntty")}
        floats = {c: pl.Float64 for c in COMPARED}
        lf = pl.scan_csv(path, schema_overrides={**strings, **floats}, infer_schema_length=0)
        doc_type = pl.lit("INV") if table == "b2b" else pl.col("ntty").str.to_uppercase()
        frames.append(
            lf.select(
                pl.col("ctin").str.strip_chars(),
                pl.lit("").alias("cfs"),
                doc_type.alias("doc_type"),
                pl.col(number).str.strip_chars().alias("number"),
                pl.col(date).str.strip_chars().alias("date"),
                *[pl.col(c).cast(pl.Float64) for c in COMPARED],
            )
        )
    return documents(pl.concat(frames))


def gstr2a_schema() -> dict:
    det = pl.Struct({c: pl.Float64 for c in AMOUNTS})
    items = pl.List(pl.Struct({"num": pl.Int64, "itm_det": det}))
    inv = pl.Struct({"inum": pl.Utf8, "idt": pl.Utf8, "val": pl.Float64, "itms": items})
    nt = pl.Struct(
        {"ntty": pl.Utf8, "nt_num": pl.Utf8, "nt_dt": pl.Utf8, "val": pl.Float64, "itms": items}
    )
    return {
        "b2b": pl.List(pl.Struct({"ctin": pl.Utf8, "cfs": pl.Utf8, "inv": pl.List(inv)})),
        "cdn": pl.List(pl.Struct({"ctin": pl.Utf8, "cfs": pl.Utf8, "nt": pl.List(nt)})),
    }


def read_gstr2a(path: pathlib.Path) -> pl.LazyFrame:
    raw = pl.read_json(path, schema=gstr2a_schema())
    frames = []
    for section, docs_key, number, date in (("b2b", "inv", "inum", "idt"), ("cdn", "nt", "nt_num", "nt_dt")):
        doc_type = pl.lit("INV") if section == "b2b" else pl.col("ntty").str.to_uppercase()
        flat = (
            raw.lazy()
            .select(section)
            .explode(section)
            .unnest(section)
            .explode(docs_key)
            .unnest(docs_key)
            .explode("itms")
            .unnest("itms")
            .unnest("itm_det")
            .filter(pl.col(number).is_not_null())
            .select(
                "ctin",
                pl.col("cfs").fill_null(""),
                doc_type.alias("doc_type"),
                pl.col(number).alias("number"),
                pl.col(date).alias("date"),
                *COMPARED,
            )
        )
        frames.append(flat)
    return documents(pl.concat(frames))


def reconcile(register: pl.LazyFrame, gstr2a: pl.LazyFrame) -> pl.LazyFrame:
    pairs = register.drop("cfs").join(
        gstr2a, on=KEY, how="full", coalesce=True, suffix="_2a"
    )
    pairs = pairs.rename({c: f"{c}_pr" for c in ["number", "date"] + COMPARED})
    on_left = pl.col("number_pr").is_not_null()
    on_right = pl.col("number_2a").is_not_null()
    within = pl.all_horizontal(
        [((pl.col(f"{c}_2a") - pl.col(f"{c}_pr")).abs() <= TOLERANCE + 1e-9) for c in COMPARED]
    )
    code = (
        pl.when(on_left & on_right & within)
        .then(pl.lit("OK"))
        .when(on_left & on_right)
        .then(pl.lit("Mismatch"))
        .when(on_left)
        .then(pl.lit("TO"))
        .otherwise(pl.lit("CO"))
    )
    filed = pl.col("cfs").fill_null("Y") == "Y"
    action = (
        pl.when(pl.col("match_code") == "TO")
        .then(pl.lit("U"))
        .when(~filed)
        .then(pl.lit("N"))
        .when(pl.col("match_code") == "OK")
        .then(pl.lit("A"))
        .otherwise(pl.lit("R"))
    )
    rule = (
        pl.when(~(on_left & on_right))
        .then(pl.lit(""))
        .when(pl.col("number_pr") == pl.col("number_2a"))
        .then(pl.lit("exact"))
        .otherwise(pl.lit("normalised"))
    )
    diffs = [(pl.col(f"{c}_2a") - pl.col(f"{c}_pr")).alias(f"{c}_diff") for c in COMPARED]
    return (
        pairs.with_columns(*diffs, match_code=code, rule=rule)
        .with_columns(action=action)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--purchases", required=True, type=pathlib.Path)
    parser.add_argument("--gstr2a", required=True, type=pathlib.Path)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()

    t0 = time.perf_counter()
    # Fiscal years present decide the patterns; GSTR2 covers one or two of them.
    register = read_register(args.purchases)
    gstr2a = read_gstr2a(args.gstr2a).collect().lazy()
    t1 = time.perf_counter()
    years = (
        pl.concat([register.select("date"), gstr2a.select("date")])
        .select(
            (
                pl.col("date").str.slice(6, 4).cast(pl.Int32)
                - (pl.col("date").str.slice(3, 2).cast(pl.Int32) < 4).cast(pl.Int32)
            ).unique()
        )
        .collect()
        .to_series()
        .to_list()
    )
    results = reconcile(normalise(register, years), normalise(gstr2a, years)).collect()
    t2 = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    results.write_csv(args.out / "results_polars.csv")
    t3 = time.perf_counter()

    counts = dict(results.group_by("match_code").len().iter_rows())
    summary = " ".join(f"{c}={counts.get(c, 0)}" for c in ("OK", "Mismatch", "TO", "CO"))
    n_reg = results.filter(pl.col("number_pr").is_not_null()).height
    n_2a = results.filter(pl.col("number_2a").is_not_null()).height
    print(f"polars {pl.__version__}: register {n_reg} gstr2a {n_2a} {summary}")
    print(
        f"  read json {t1 - t0:.2f}s, read csv + reconcile {t2 - t1:.2f}s, write {t3 - t2:.2f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
