#!/usr/bin/env bash
# Macro benchmark of the Parquet engine: the standard tick table written and read by oups,
# by DuckDB (SET threads=1) and by pyarrow (one thread, then every core) in the same run;
# prints rows/s, file sizes and the ratios to oups.
# Usage: benchmarks/parquet_macro.sh [BUILD_DIR] [ROWS] [REPEAT]
# The baselines (benchmarks/duckdb_ticks.py) run with $OUPS_PYTHON (default: the project's
# venv, .venv/bin/python).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-$root/build}
rows=${2:-10000000}
repeat=${3:-3}
py=${OUPS_PYTHON:-$root/.venv/bin/python}
if [[ ! -x "$py" ]]; then
  echo "parquet_macro: $py not found (create the venv with scripts/install-deps.sh or set OUPS_PYTHON)" >&2
  exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
oups_json=$("$build/benchmarks/ticks_bench" "$tmp/oups.parquet" "$rows" --repeat "$repeat")
duck_json=$("$py" "$here/duckdb_ticks.py" "$tmp/duckdb.parquet" "$rows" --repeat "$repeat")
pa1_json=$("$py" "$here/duckdb_ticks.py" "$tmp/pyarrow1.parquet" "$rows" --repeat "$repeat" \
  --engine pyarrow --threads 1)
paall_json=$("$py" "$here/duckdb_ticks.py" "$tmp/pyarrow.parquet" "$rows" --repeat "$repeat" \
  --engine pyarrow --threads 0)
oups2_json=$("$build/benchmarks/ticks_bench" "$tmp/oups2.parquet" "$rows" --repeat "$repeat" --threads 2)
"$py" - "$oups_json" "$duck_json" "$pa1_json" "$paall_json" "$oups2_json" <<'PY'
import json, sys, os
o, d, p1, pn, t = (json.loads(a) for a in sys.argv[1:6])
n = o["rows"]
cpu = "?"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip(); break
except OSError:
    pass
print(f"machine: {cpu}, {os.cpu_count()} cores; {d['version']}; {p1['version']}; rows={n:,};"
      f" snappy; best of the repeats; load average at start {os.getloadavg()[0]:.2f}")
print("ratio = baseline time / oups time (bytes: oups / baseline); target: of the DuckDB ratio;"
      f" oups, DuckDB and pyarrow 1t run one thread, pyarrow {pn['threads']}t every core")
base = [("DuckDB", d), ("pyarrow 1t", p1), (f"pyarrow {pn['threads']}t", pn)]
head = f"{'work':<20}{'oups':>13}"
for name, _ in base:
    head += f"{name:>13}{'ratio':>7}"
print(head + f"{'target':>9}")
def line(label, key, target, rate=True):
    s = f"{label:<20}"
    s += f"{n / o[key]:>13,.0f}" if rate else f"{o[key]:>13,}"
    for _, b in base:
        if rate:
            s += f"{n / b[key]:>13,.0f}{b[key] / o[key]:>7.2f}"
        else:
            s += f"{b[key]:>13,}{o[key] / b[key]:>7.2f}"
    print(s + f"{target:>9}")
line("write rows/s (wall)", "write_s", ">= 2")
line("read rows/s (wall)", "read_s", ">= 2")
line("write rows/CPU-s", "write_cpu_s", ">= 2")
line("read rows/CPU-s", "read_cpu_s", ">= 2")
line("file bytes", "bytes", "<= 1.05", rate=False)
print(f"{'oups, 2 threads':<20}write {n/t['write_s']:,.0f} rows/s ({o['write_s']/t['write_s']:.2f}x 1 thread),"
      f" read {n/t['read_s']:,.0f} rows/s ({o['read_s']/t['read_s']:.2f}x 1 thread)")
PY
