#!/usr/bin/env bash
# Macro benchmark of the Parquet engine: the standard tick table written and read
# by oups and by DuckDB (SET threads=1) in the same run; prints rows/s, file
# sizes and the ratios. Usage: benchmarks/parquet_macro.sh [BUILD_DIR] [ROWS] [REPEAT]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-$root/build}
rows=${2:-10000000}
repeat=${3:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
oups_json=$("$build/benchmarks/ticks_bench" "$tmp/oups.parquet" "$rows" --repeat "$repeat")
duck_json=$(cd "$root" && node benchmarks/duckdb_ticks.mjs "$tmp/duckdb.parquet" "$rows" --repeat "$repeat")
/usr/bin/python3 - "$oups_json" "$duck_json" <<'PY'
import json, sys, platform, os
o = json.loads(sys.argv[1]); d = json.loads(sys.argv[2])
n = o["rows"]
cpu = "?"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip(); break
except OSError:
    pass
print(f"machine: {cpu}, {os.cpu_count()} cores; {d['version']}; rows={n:,}; snappy; 1 thread")
print(f"{'work':<22}{'oups':>14}{'DuckDB':>14}{'ratio':>10}{'target':>10}")
def row(name, a, b, ratio, target):
    print(f"{name:<22}{a:>14}{b:>14}{ratio:>10.2f}{target:>10}")
row("write rows/s", f"{n/o['write_s']:,.0f}", f"{n/d['write_s']:,.0f}", d['write_s']/o['write_s'], ">= 2")
row("read rows/s", f"{n/o['read_s']:,.0f}", f"{n/d['read_s']:,.0f}", d['read_s']/o['read_s'], ">= 2")
row("file bytes", f"{o['bytes']:,}", f"{d['bytes']:,}", o['bytes']/d['bytes'], "<= 1.05")
PY
