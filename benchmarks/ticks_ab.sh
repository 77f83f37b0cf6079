#!/usr/bin/env bash
# Before/after comparison of the oups Parquet engine on the standard tick table:
# two ticks_bench binaries (e.g. one built from an earlier commit in a git worktree,
# one from the working tree) run alternately in the same session, the order
# swapping every round, so that the load of a shared machine falls on both.
# Prints each pair's ratios (after / before; < 1 is faster) and their medians.
# Usage: benchmarks/ticks_ab.sh BEFORE_TICKS_BENCH AFTER_TICKS_BENCH [ROWS] [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
if (( $# < 2 )); then
  echo "usage: $0 BEFORE_TICKS_BENCH AFTER_TICKS_BENCH [ROWS] [ROUNDS]" >&2
  exit 2
fi
before=$1 after=$2 rows=${3:-3000000} rounds=${4:-8}
py=${OUPS_PYTHON:-$root/.venv/bin/python}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for r in $(seq 1 "$rounds"); do
  if (( r % 2 )); then
    b=$("$before" "$tmp/b.parquet" "$rows" --repeat 3)
    a=$("$after" "$tmp/a.parquet" "$rows" --repeat 3)
  else
    a=$("$after" "$tmp/a.parquet" "$rows" --repeat 3)
    b=$("$before" "$tmp/b.parquet" "$rows" --repeat 3)
  fi
  echo "$b" >> "$tmp/before.jsonl"
  echo "$a" >> "$tmp/after.jsonl"
done
"$py" - "$tmp/before.jsonl" "$tmp/after.jsonl" <<'PY'
import json, os, statistics, sys
before = [json.loads(l) for l in open(sys.argv[1])]
after = [json.loads(l) for l in open(sys.argv[2])]
print(f"rows={before[0]['rows']:,}; {len(before)} alternating pairs; best of 3 repeats each;"
      f" load average {os.getloadavg()[0]:.2f}")
print(f"bytes: before {before[0]['bytes']:,}, after {after[0]['bytes']:,}")
for key in ("write_s", "read_s", "write_cpu_s", "read_cpu_s"):
    r = [a[key] / b[key] for b, a in zip(before, after)]
    print(f"{key:<12} after/before median {statistics.median(r):.3f}  pairs "
          + " ".join(f"{x:.2f}" for x in r))
PY
