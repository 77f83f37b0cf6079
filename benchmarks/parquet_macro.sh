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
oups2_json=$("$build/benchmarks/ticks_bench" "$tmp/oups2.parquet" "$rows" --repeat "$repeat" --threads 2)
/usr/bin/python3 - "$oups_json" "$duck_json" "$oups2_json" <<'PY'
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
print(f"machine: {cpu}, {os.cpu_count()} cores; {d['version']}; rows={n:,}; snappy; 1 thread;"
      f" best of the repeats; load average at start {os.getloadavg()[0]:.2f}")
print(f"{'work':<26}{'oups':>14}{'DuckDB':>14}{'ratio':>9}{'target':>10}")
def row(name, a, b, ratio, target):
    print(f"{name:<26}{a:>14}{b:>14}{ratio:>9.2f}{target:>10}")
row("write rows/s (wall)", f"{n/o['write_s']:,.0f}", f"{n/d['write_s']:,.0f}", d['write_s']/o['write_s'], ">= 2")
row("read rows/s (wall)", f"{n/o['read_s']:,.0f}", f"{n/d['read_s']:,.0f}", d['read_s']/o['read_s'], ">= 2")
row("write rows/CPU-s", f"{n/o['write_cpu_s']:,.0f}", f"{n/d['write_cpu_s']:,.0f}", d['write_cpu_s']/o['write_cpu_s'], ">= 2")
row("read rows/CPU-s", f"{n/o['read_cpu_s']:,.0f}", f"{n/d['read_cpu_s']:,.0f}", d['read_cpu_s']/o['read_cpu_s'], ">= 2")
row("file bytes", f"{o['bytes']:,}", f"{d['bytes']:,}", o['bytes']/d['bytes'], "<= 1.05")
if len(sys.argv) > 3:
    t = json.loads(sys.argv[3])
    print(f"{'oups, 2 threads':<26}write {n/t['write_s']:,.0f} rows/s ({o['write_s']/t['write_s']:.2f}x 1 thread),"
          f" read {n/t['read_s']:,.0f} rows/s ({o['read_s']/t['read_s']:.2f}x 1 thread)")
PY
