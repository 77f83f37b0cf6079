#!/usr/bin/env bash
# Python binding benchmark: write(df) and to_pandas() of the standard tick table
# (benchmarks/ticks.h) against the C++ OrderedDataset Write/Read of the same table,
# in the same run; prints best-of-REPEAT times and the ratios python / C++ against
# the 1.3x target. Builds nothing: BUILD_DIR must hold benchmarks/dataset_ticks_bench
# and the Python package is taken from $OUPS_PYTHONPATH, else BUILD_DIR/python.
#
#   [INNER=3] benchmarks/python_bench.sh BUILD_DIR [ROWS] [REPEAT] [TARGET]
#
# TARGET = row-group target size (rows) of both writes, default 6,345,000 (the
# Python default). The two sides alternate, REPEAT rounds of one process each, and
# the best time of each side is kept, so that load changes on a shared machine hit
# both sides alike. Within a process each side does INNER (default 3) write + read
# pairs: the first read of a process pays for faulting in fresh memory (mostly
# system time; far more in the Python process, whose heap the write did not warm),
# the later ones measure the steady state. On a loaded machine the CPU ratios are
# the meaningful ones.
#
# Then (issue 18) benchmarks/python_bench.py: write(df) and to_pandas() against DuckDB and
# pyarrow on the same values in the same run, with one thread and with the machine's
# threads, Arrow-backed against object text; RUNS (default 5) consecutive runs of
# BASELINE_ROWS (default 3,000,000) rows, each ratio printed for every run and the worst
# checked against the targets. SKIP_CPP=1 runs only this second part (no C++ build needed);
# SKIP_BASELINES=1 only the first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# The project venv's interpreter (scripts/install-deps.sh), or $OUPS_PYTHON.
py="${OUPS_PYTHON:-$here/../.venv/bin/python}"
build=$(cd "${1:?usage: benchmarks/python_bench.sh BUILD_DIR [ROWS] [REPEAT] [TARGET]}" && pwd)
rows=${2:-10000000}
repeat=${3:-3}
target=${4:-6345000}
inner=${INNER:-3}
pydir=${OUPS_PYTHONPATH:-$build/python}
bench="$build/benchmarks/dataset_ticks_bench"
if [[ "${SKIP_CPP:-0}" != 1 && ! -x "$bench" ]]; then
  echo "python_bench: $bench not built (make dataset_ticks_bench in $build)" >&2
  exit 2
fi
if ! PYTHONPATH="$pydir" "$py" -c 'import oups.store' 2>/dev/null; then
  echo "python_bench: no importable oups package in $pydir (set OUPS_PYTHONPATH)" >&2
  exit 2
fi
baselines() {
  [[ "${SKIP_BASELINES:-0}" == 1 ]] && return 0
  echo
  PYTHONPATH="$pydir" "$py" "$here/python_bench.py" --rows "${BASELINE_ROWS:-3000000}" \
    --runs "${RUNS:-5}" --inner "$inner"
}
if [[ "${SKIP_CPP:-0}" == 1 ]]; then
  baselines
  exit $?
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
load=$(cut -d' ' -f1 /proc/loadavg)
cpp_runs=()
py_runs=()
check=()
for ((r = 0; r < repeat; r++)); do
  cpp_runs+=("$("$bench" "$tmp/cpp" "$rows" --repeat "$inner" --target "$target")")
  py_runs+=("$(PYTHONPATH="$pydir" "$py" "$here/python_ticks_bench.py" "$tmp/py" \
                "$rows" --repeat "$inner" --target "$target" "${check[@]}")")
  check=(--no-check)  # the first Python round compared the frame read back with the one written
done
"$py" - "$load" "$repeat" "$inner" "${cpp_runs[@]}" "${py_runs[@]}" <<'PY'
import json, os, sys
repeat = int(sys.argv[2])
inner = int(sys.argv[3])
runs = [json.loads(x) for x in sys.argv[4:]]
keys = ("write_s", "read_s", "write_cpu_s", "read_cpu_s")
c = {k: min(r[k] for r in runs[:repeat]) for k in keys}
p = dict(runs[repeat], **{k: min(r[k] for r in runs[repeat:]) for k in keys})
n = p["rows"]
cpu = "?"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
print(f"machine: {cpu}, {os.cpu_count()} cores; pandas {p['pandas']}; rows={n:,}; "
      f"row-group target {p['target']:,} ({p['row_groups']} rgs); snappy; best of {repeat} "
      f"alternating rounds x {inner} write+read pairs; load average at start {sys.argv[1]}, at end "
      f"{open('/proc/loadavg').read().split()[0]}")
print(f"{'work':<30}{'Python':>12}{'C++':>12}{'ratio':>8}{'target':>9}{'status':>8}")
def row(name, key):
    r = p[key] / c[key]
    status = "ok" if r <= 1.3 else "MISS"
    print(f"{name:<30}{p[key]:>11.3f}s{c[key]:>11.3f}s{r:>8.2f}{'<= 1.3':>9}{status:>8}")
row("write(df) wall", "write_s")
row("to_pandas() wall", "read_s")
row("write(df) CPU", "write_cpu_s")
row("to_pandas() CPU", "read_cpu_s")
print(f"Python rows/s: write {n / p['write_s']:,.0f}, to_pandas {n / p['read_s']:,.0f};"
      f" C++ rows/s: write {n / c['write_s']:,.0f}, read {n / c['read_s']:,.0f}")
PY
baselines
