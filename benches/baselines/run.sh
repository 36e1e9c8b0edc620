#!/usr/bin/env bash
# Times the whole reconciliation job three ways on the same generated files: the `reconcile`
# example (release build), `pandas_recon.py` and `polars_recon.py`; prints wall time, peak RSS
# and the ratios.
#
#   benches/baselines/run.sh [N]        # N documents per side, default 1000000
#
# Environment: SEED (default 42), CARGO_TARGET_DIR (default ./target), PYTHON (default python3,
# used to create the venv), RUNS (default 1: timed runs per tool; the best wall time is kept).
# pandas and polars go into a venv under target/baselines/venv, installed with pip if missing.
# Data goes to target/baselines/data-N-SEED and is generated once.
set -euo pipefail

N="${1:-1000000}"
SEED="${SEED:-42}"
RUNS="${RUNS:-1}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
WORK="$ROOT/target/baselines"
VENV="$WORK/venv"
DATA="$WORK/data-$N-$SEED"
OUT="$WORK/out-$N-$SEED"
mkdir -p "$WORK" "$OUT"

say() { printf '== %s\n' "$*" >&2; }

# --- Python with pandas and polars -------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
    say "creating venv $VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import pandas, polars' 2>/dev/null; then
    say "installing pandas and polars"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet pandas polars
fi
PY="$VENV/bin/python"

# --- Timing: /usr/bin/time if present, else a Python wrapper reading rusage ----------------
if [ ! -x /usr/bin/time ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    say "installing Debian time"
    apt-get install -y -qq time >/dev/null 2>&1 || true
fi
# measure NAME LOG CMD...: runs CMD, appends "NAME wall_s peak_kb" to $OUT/times
measure() {
    local name="$1" log="$2"
    shift 2
    local best_wall="" best_rss="" wall rss
    for _ in $(seq "$RUNS"); do
        # The previous run's output (1.4 GB for reconcile) is still being written back from
        # the page cache: let that finish first, so that no run pays for another's.
        sync
        if [ -x /usr/bin/time ]; then
            /usr/bin/time -f '%e %M' -o "$OUT/.time" "$@" >"$log" 2>&1 || {
                say "$name failed, see $log"; tail -n 20 "$log" >&2; return 1; }
        else
            "$PY" - "$OUT/.time" "$@" >"$log" 2>&1 <<'EOF' || { say "$name failed, see $log"; tail -n 20 "$log" >&2; return 1; }
import resource, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
t = time.perf_counter()
code = subprocess.call(cmd)
wall = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(out, "w").write(f"{wall:.2f} {rss}\n")
sys.exit(code)
EOF
        fi
        read -r wall rss <"$OUT/.time"
        if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then
            best_wall="$wall"; best_rss="$rss"
        fi
    done
    echo "$name $best_wall $best_rss" >>"$OUT/times"
}

# --- Build ----------------------------------------------------------------------------------
cd "$ROOT"
say "building gen_recon_data (release)"
cargo build --release --quiet --example gen_recon_data
HAVE_RECONCILE=0
if [ -f "$ROOT/examples/reconcile.rs" ]; then
    say "building reconcile (release)"
    if cargo build --release --quiet --example reconcile; then
        HAVE_RECONCILE=1
    else
        say "SKIP reconcile: the example does not build"
    fi
else
    say "SKIP reconcile: examples/reconcile.rs is not there yet (the recon helper's example)"
fi

# --- Data -----------------------------------------------------------------------------------
if [ ! -f "$DATA/.done" ]; then
    say "generating $N documents per side (seed $SEED) into $DATA"
    rm -rf "$DATA"
    "$TARGET/release/examples/gen_recon_data" --docs "$N" --seed "$SEED" --out "$DATA"
    touch "$DATA/.done"
fi
say "inputs: $(du -sh "$DATA/purchases" | cut -f1) CSV, $(du -sh "$DATA/gstr2a.json" | cut -f1) JSON"

# --- Runs -----------------------------------------------------------------------------------
rm -f "$OUT/times"
LOAD="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
if [ "$HAVE_RECONCILE" = 1 ]; then
    say "timing reconcile"
    measure reconcile "$OUT/reconcile.log" \
        "$TARGET/release/examples/reconcile" --purchases "$DATA/purchases" \
        --gstr2a "$DATA/gstr2a.json" --out "$OUT/reconcile" || HAVE_RECONCILE=0
fi
say "timing pandas"
measure pandas "$OUT/pandas.log" "$PY" "$ROOT/benches/baselines/pandas_recon.py" \
    --purchases "$DATA/purchases" --gstr2a "$DATA/gstr2a.json" --out "$OUT/pandas" || true
say "timing polars"
measure polars "$OUT/polars.log" "$PY" "$ROOT/benches/baselines/polars_recon.py" \
    --purchases "$DATA/purchases" --gstr2a "$DATA/gstr2a.json" --out "$OUT/polars" || true

# --- Report ---------------------------------------------------------------------------------
echo
echo "whole job, $N documents per side, seed $SEED, $(nproc) cores, best of $RUNS"
if [ "$HAVE_RECONCILE" = 1 ]; then
    # The example prints a summary table; put its counts in the baselines' form to compare.
    awk '/^overall/ { on = 1; next }
         on && $1 ~ /^(OK|Mismatch|TO|CO)$/ { c[$1] = $2 }
         END { printf "reconcile: OK=%s Mismatch=%s TO=%s CO=%s\n", c["OK"], c["Mismatch"], c["TO"], c["CO"] }' \
        "$OUT/reconcile.log"
fi
grep -h -E '^(pandas|polars) [0-9]' "$OUT/pandas.log" "$OUT/polars.log" || true
echo "load average before the runs: $LOAD"
awk '
    { name[NR] = $1; wall[NR] = $2; rss[NR] = $3 / 1024; if ($1 == "reconcile") { rw = $2; rr = $3 / 1024 } }
    END {
        printf "%-10s %10s %14s %18s %16s\n", "tool", "wall (s)", "peak RSS (MB)", "time / reconcile", "RSS / reconcile"
        for (i = 1; i <= NR; i++) {
            if (rw > 0) { t = sprintf("%.1fx", wall[i] / rw); m = sprintf("%.1fx", rss[i] / rr) }
            else { t = "n/a"; m = "n/a" }
            printf "%-10s %10.2f %14.0f %18s %16s\n", name[i], wall[i], rss[i], t, m
        }
    }' "$OUT/times"
echo "logs and outputs: $OUT"
