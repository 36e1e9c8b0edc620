#!/usr/bin/env python3
"""Baseline: reconcile a purchase register against GSTR2A with pandas.

Reads what `examples/reconcile.rs` reads: the CSV folder (`b2b.csv`, `cdn.csv`: the columns of
docs/csv-format.md, one row per item) and the GSTR2A JSON; normalises document numbers by the rule of
`gstr2-recon` (tokens of letters and digits, lowercase, the document's own fiscal-year fragment
dropped, leading zeros dropped per numeric token); joins on supplier, document type and
normalised number; compares value, taxable value and the four tax heads with a Rs 1 tolerance;
writes one results CSV and prints the counts by match code.

    python pandas_recon.py --purchases DIR --gstr2a FILE --out OUTDIR

Written to be idiomatic and reasonably fast pandas (vectorised string methods, one groupby per
side, one merge), not a strawman.
"""

import argparse
import json
import pathlib
import sys
import time

import numpy as np
import pandas as pd

AMOUNTS = ["txval", "iamt", "camt", "samt", "csamt"]
COMPARED = ["val"] + AMOUNTS
TOLERANCE = 1.0
KEY = ["ctin", "doc_type", "norm"]


def fiscal_year_pattern(start: int) -> str:
    """Regex for the fiscal-year fragment starting in `start`, as whole '-'-separated tokens."""
    end = start + 1
    a, b = f"{start % 100:02d}", f"{end % 100:02d}"
    pairs = f"(?:{start}|{a})-(?:{end}|{b})"
    singles = f"{a}{b}|{start}{b}|{start}{end}"
    return f"-(?:{pairs}|{singles})-"


def normalise(numbers: pd.Series, dates: pd.Series) -> pd.Series:
    """Normalised document numbers; `dates` are DD-MM-YYYY strings."""
    s = numbers.str.lower()
    # Letters and digits are tokens; everything else separates them.
    s = s.str.replace(r"[\W_]+", "-", regex=True)
    s = s.str.replace(r"([^\W\d_])(\d)", r"\1-\2", regex=True)
    s = s.str.replace(r"(\d)([^\W\d_])", r"\1-\2", regex=True)
    s = "-" + s.str.strip("-") + "-"
    # The document's own fiscal year: April to March.
    year = dates.str[6:10].astype(np.int32)
    month = dates.str[3:5].astype(np.int32)
    fiscal = year - (month < 4)
    for start in fiscal.unique():
        rows = fiscal == start
        stripped = s[rows].str.replace(fiscal_year_pattern(int(start)), "-", n=1, regex=True)
        # Only when a number remains: `23-24` alone stays itself.
        keep = stripped.str.contains(r"\d", regex=True)
        s.loc[rows] = stripped.where(keep, s[rows])
    # Leading zeros of each numeric token.
    s = s.str.replace(r"-0+(\d)", r"-\1", regex=True)
    return s.str.strip("-")


def documents(items: pd.DataFrame) -> pd.DataFrame:
    """One row per document from one row per item: item amounts summed, number normalised."""
    items[AMOUNTS] = items[AMOUNTS].fillna(0.0)
    docs = items.groupby(
        ["ctin", "cfs", "doc_type", "number", "date", "val"], sort=False, dropna=False
    )[AMOUNTS].sum()
    docs = docs.reset_index()
    docs["norm"] = normalise(docs["number"], docs["date"])
    return docs


def read_register(folder: pathlib.Path) -> pd.DataFrame:
    frames = []
    for table, number, date in (("b2b", "inum", "idt"), ("cdn", "nt_num", "nt_dt")):
        path = folder / f"{table}.csv"
        if not path.exists():
            continue
        header = pd.read_csv(path, nrows=0).columns
        columns = ["ctin", number, date, "val"] + AMOUNTS + (["ntty"] if table == "cdn" else [])
        strings = {c: str for c in ("ctin", number, date, "ntty") if c in header}
        df = pd.read_csv(path, usecols=columns, dtype=strings, skipinitialspace=True)
        df = df.rename(columns={number: "number", date: "date"})
        df["doc_type"] = "INV" if table == "b2b" else df.pop("ntty").str.upper()
        df["cfs"] = ""
        frames.append(df)
    return documents(pd.concat(frames, ignore_index=True))


def read_gstr2a(path: pathlib.Path) -> pd.DataFrame:
    with open(path, "rb") as f:
        data = json.load(f)
    cols = {c: [] for c in ["ctin", "cfs", "doc_type", "number", "date", "val"] + AMOUNTS}
    for section, docs_key, number, date in (("b2b", "inv", "inum", "idt"), ("cdn", "nt", "nt_num", "nt_dt")):
        for supplier in data.get(section, []):
            ctin, cfs = supplier["ctin"], supplier.get("cfs", "")
            for doc in supplier[docs_key]:
                doc_type = "INV" if section == "b2b" else doc["ntty"].upper()
                for item in doc["itms"]:
                    d = item["itm_det"]
                    cols["ctin"].append(ctin)
                    cols["cfs"].append(cfs)
                    cols["doc_type"].append(doc_type)
                    cols["number"].append(doc[number])
                    cols["date"].append(doc[date])
                    cols["val"].append(doc["val"])
                    for a in AMOUNTS:
                        cols[a].append(d.get(a, 0.0))
    del data
    items = pd.DataFrame(cols)
    items[COMPARED] = items[COMPARED].astype(np.float64)
    return documents(items)


def reconcile(register: pd.DataFrame, gstr2a: pd.DataFrame) -> pd.DataFrame:
    pairs = register.drop(columns="cfs").merge(
        gstr2a, on=KEY, how="outer", suffixes=("_pr", "_2a"), indicator=True
    )
    both = pairs["_merge"] == "both"
    within = np.ones(len(pairs), dtype=bool)
    for c in COMPARED:
        diff = pairs[f"{c}_2a"] - pairs[f"{c}_pr"]
        pairs[f"{c}_diff"] = diff
        within &= ~(diff.abs() > TOLERANCE + 1e-9)
    pairs["match_code"] = np.select(
        [both & within, both, pairs["_merge"] == "left_only"], ["OK", "Mismatch", "TO"], "CO"
    )
    filed = pairs["cfs"].fillna("Y") == "Y"
    pairs["action"] = np.select(
        [pairs["match_code"] == "TO", ~filed, pairs["match_code"] == "OK"], ["U", "N", "A"], "R"
    )
    pairs["rule"] = np.select(
        [~both, pairs["number_pr"] == pairs["number_2a"]], ["", "exact"], "normalised"
    )
    return pairs.drop(columns="_merge")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--purchases", required=True, type=pathlib.Path)
    parser.add_argument("--gstr2a", required=True, type=pathlib.Path)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()

    t0 = time.perf_counter()
    register = read_register(args.purchases)
    t1 = time.perf_counter()
    gstr2a = read_gstr2a(args.gstr2a)
    t2 = time.perf_counter()
    results = reconcile(register, gstr2a)
    t3 = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    results.to_csv(args.out / "results_pandas.csv", index=False)
    t4 = time.perf_counter()

    counts = results["match_code"].value_counts()
    summary = " ".join(f"{c}={int(counts.get(c, 0))}" for c in ("OK", "Mismatch", "TO", "CO"))
    print(f"pandas {pd.__version__}: register {len(register)} gstr2a {len(gstr2a)} {summary}")
    print(
        f"  read csv {t1 - t0:.2f}s, read json {t2 - t1:.2f}s, "
        f"reconcile {t3 - t2:.2f}s, write {t4 - t3:.2f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
