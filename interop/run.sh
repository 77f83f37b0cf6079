#!/usr/bin/env bash
# Interop tests in both directions between oups and DuckDB.
#
#   bash interop/run.sh BUILD_DIR
#
# 1. DuckDB writes a corpus (interop/gen_duckdb_corpus.mjs); `oups-parquet cat
#    --format jsonl` must print every file exactly as DuckDB renders it, and must
#    refuse nested files with an error naming the column.
# 2. oups writes a corpus (oups-interop-gen); DuckDB must read every file with the
#    same values, statistics and key-value metadata (interop/duckdb_check_ours.mjs).
# 3. oups writes OrderedDatasets through several writes (oups-dataset-gen); DuckDB
#    must read each metadata file and, in its row order, the same rows as
#    OrderedDataset::Read() (interop/duckdb_check_dataset.mjs).
# 4. The Python package writes datasets of every pandas dtype that DuckDB must read
#    with the same values, and reads back flat files DuckDB wrote
#    (interop/python/py_interop.py; skipped when the package is not built).
# Prints "N passed, M failed" last and exits non-zero on any failure.
# Set OUPS_INTEROP_KEEP=1 to keep the temporary corpora.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: bash interop/run.sh BUILD_DIR" >&2
  exit 2
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$(cd "$1" && pwd)"
CAT="$BUILD/tools/oups-parquet"
GEN="$BUILD/tools/oups-interop-gen"
for exe in "$CAT" "$GEN"; do
  if [[ ! -x "$exe" ]]; then
    echo "interop: $exe not built" >&2
    exit 2
  fi
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/oups-interop.XXXXXX")"
if [[ "${OUPS_INTEROP_KEEP:-0}" != 1 ]]; then
  trap 'rm -rf "$WORK"' EXIT
else
  echo "interop: keeping $WORK"
fi

passed=0
failed=0
fail() {
  failed=$((failed + 1))
  echo "FAIL $1"
  shift
  for line in "$@"; do echo "    $line"; done
}

# ------------------------------------------------------------ DuckDB -> oups
cd "$ROOT"
node interop/gen_duckdb_corpus.mjs "$WORK/duckdb"
for f in "$WORK"/duckdb/*.parquet; do
  name="$(basename "$f")"
  out="$WORK/out.jsonl"
  err="$WORK/err.txt"
  if [[ -f "$f.expected_error" ]]; then
    want="$(head -n1 "$f.expected_error")"
    set +e
    "$CAT" cat "$f" >"$out" 2>"$err"
    rc=$?
    set -e
    if [[ $rc -eq 1 ]] && grep -qF -- "$want" "$err"; then
      passed=$((passed + 1))
    else
      fail "$name" "expected exit 1 and an error naming '$want'; got exit $rc:" \
        "$(head -c 400 "$err")"
    fi
    continue
  fi
  set +e
  "$CAT" cat --format jsonl "$f" >"$out" 2>"$err"
  rc=$?
  set -e
  if [[ $rc -ne 0 ]]; then
    fail "$name" "oups-parquet exit $rc: $(head -c 400 "$err")"
  elif cmp -s "$out" "$f.expected.jsonl"; then
    passed=$((passed + 1))
  else
    # First differing row, shortened.
    row="$(cmp "$out" "$f.expected.jsonl" 2>&1 | sed -n 's/.* line \([0-9]*\).*/\1/p')"
    row="${row:-1}"
    fail "$name" "rows differ at line $row (of $(wc -l <"$f.expected.jsonl") expected):" \
      "DuckDB: $(sed -n "${row}p" "$f.expected.jsonl" | head -c 600)" \
      "oups:   $(sed -n "${row}p" "$out" | head -c 600)"
  fi
done
echo "interop: oups read $((passed + failed)) DuckDB files: $passed passed, $failed failed"

# Runs a Node checker SCRIPT on DIR with its output in LOG, shows its findings and
# adds its closing "N passed, M failed" line to the totals.
run_checker() {
  local script="$1" dir="$2" log="$3" summary
  set +e
  node "$script" "$dir" >"$log" 2>&1
  set -e
  grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$log" || true
  summary="$(tail -n1 "$log")"
  if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
  else
    fail "$(basename "$script")" "no summary line: $summary"
  fi
}

# ------------------------------------------------------------ oups -> DuckDB
gen_log="$WORK/gen.log"
if "$GEN" "$WORK/oups" >"$gen_log" 2>&1; then
  cat "$gen_log"
  run_checker interop/duckdb_check_ours.mjs "$WORK/oups" "$WORK/check.log"
else
  fail "oups-interop-gen" "$(tail -n 20 "$gen_log")"
fi

# ------------------------------------------------------ oups datasets -> DuckDB
DSGEN="$BUILD/tools/oups-dataset-gen"
if [[ ! -x "$DSGEN" ]]; then
  fail "oups-dataset-gen" "$DSGEN not built"
elif "$DSGEN" "$WORK/datasets" >"$WORK/dsgen.log" 2>&1; then
  cat "$WORK/dsgen.log"
  run_checker interop/duckdb_check_dataset.mjs "$WORK/datasets" "$WORK/check_dataset.log"
else
  fail "oups-dataset-gen" "$(tail -n 20 "$WORK/dsgen.log")"
fi

# ------------------------------------------------ Python package <-> DuckDB
# Skipped (with a message) when BUILD_DIR/python (or $OUPS_PYTHONPATH) holds no importable oups.
PYDIR="${OUPS_PYTHONPATH:-$BUILD/python}"
if PYTHONPATH="$PYDIR" /usr/bin/python3 -c 'import oups.store' >/dev/null 2>&1; then
  set +e
  PYTHONPATH="$PYDIR" /usr/bin/python3 interop/python/py_interop.py "$WORK/python" >"$WORK/py.log" 2>&1
  set -e
  grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$WORK/py.log" || true
  summary="$(tail -n1 "$WORK/py.log")"
  if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
  else
    fail "py_interop.py" "no summary line: $summary"
  fi
else
  echo "interop: skipping the Python checks: no importable oups package in $PYDIR" \
    "(build the Python module there or set OUPS_PYTHONPATH)"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
