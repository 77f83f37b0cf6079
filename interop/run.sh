#!/usr/bin/env bash
# Interop tests in both directions between oups and two independent engines, DuckDB (the
# duckdb Python package) and pyarrow.
#
#   bash interop/run.sh BUILD_DIR
#
# 1. DuckDB writes a corpus (interop/duckdb_corpus.py); `oups-parquet cat --format jsonl`
#    must print every file exactly as DuckDB renders it, and must refuse nested files with
#    an error naming the column.
# 2. pyarrow writes a corpus (interop/pyarrow_corpus.py: every codec, data page v1 and v2,
#    dictionary, plain, BYTE_STREAM_SPLIT and DELTA_* encodings, INT96, every timestamp
#    unit, decimals, large strings, nulls, many row groups); `oups-parquet cat --format
#    jsonl` must print the values pyarrow reads, in the same rendering.
# 3. oups writes a corpus (oups-interop-gen); DuckDB (interop/check_ours.py) and pyarrow
#    (interop/pyarrow_check.py files) must each read every file with the same values,
#    statistics and key-value metadata.
# 4. oups writes OrderedDatasets through several writes (oups-dataset-gen); DuckDB
#    (interop/check_dataset.py) and pyarrow (interop/pyarrow_check.py datasets) must read
#    each metadata file and, in its row order, the same rows as OrderedDataset::Read().
# 6. The DuckDB recipes of README.md and docs/format.md (interop/recipes.py): the metadata
#    file with read_parquet, and `oups sql DATASET` reading exactly the committed rows in
#    order after a merge that kept files for a registered reader.
# 5. The Python package writes datasets of every pandas dtype that DuckDB and pyarrow must
#    read with the same values (pandas.read_parquet of each row-group file included), and
#    reads back flat files DuckDB wrote (interop/python/py_interop.py, run with
#    PYTHONPATH=BUILD_DIR/python; skipped when the package is not built there).
# The Python scripts run with $OUPS_PYTHON (default: the project's venv, .venv/bin/python).
# Prints "N passed, M failed" last and exits non-zero on any failure.
# Set OUPS_INTEROP_KEEP=1 to keep the temporary corpora.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: bash interop/run.sh BUILD_DIR" >&2
  exit 2
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$(cd "$1" && pwd)"
PY="${OUPS_PYTHON:-$ROOT/.venv/bin/python}"
CAT="$BUILD/tools/oups-parquet"
GEN="$BUILD/tools/oups-interop-gen"
for exe in "$CAT" "$GEN" "$PY"; do
  if [[ ! -x "$exe" ]]; then
    echo "interop: $exe not found (build the tools; create the venv with scripts/install-deps.sh or set OUPS_PYTHON)" >&2
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

# Has oups-parquet print every FILE.parquet of DIR (written by ENGINE) and compares with
# FILE.parquet.expected.jsonl, or checks the refusal FILE.parquet.expected_error names.
cat_corpus() {
  local engine="$1" dir="$2" p0=$passed f0=$failed f name out err want rc row
  for f in "$dir"/*.parquet; do
    name="$engine/$(basename "$f")"
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
        "$engine: $(sed -n "${row}p" "$f.expected.jsonl" | head -c 600)" \
        "oups:   $(sed -n "${row}p" "$out" | head -c 600)"
    fi
  done
  echo "interop: oups read $((passed - p0 + failed - f0)) $engine files:" \
    "$((passed - p0)) passed, $((failed - f0)) failed"
}

# Runs a Python checker (SCRIPT and its ARGS) with its output in LOG, shows its findings
# and adds its closing "N passed, M failed" line to the totals.
run_checker() {
  local log="$1" summary
  shift
  set +e
  "$@" >"$log" 2>&1
  set -e
  grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$log" || true
  summary="$(tail -n1 "$log")"
  if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
  else
    fail "$*" "no summary line: $summary"
  fi
}

# Runs a corpus generator; a crash is one failure (its corpus is then not read).
generate() {
  local what="$1" log="$2"
  shift 2
  if "$@" >"$log" 2>&1; then
    cat "$log"
    return 0
  fi
  fail "$what" "$(tail -n 20 "$log")"
  return 1
}

cd "$ROOT"
# ------------------------------------------------------------ DuckDB -> oups
if generate duckdb_corpus.py "$WORK/gen_duckdb.log" "$PY" interop/duckdb_corpus.py "$WORK/duckdb"; then
  cat_corpus DuckDB "$WORK/duckdb"
fi

# ------------------------------------------------------------ pyarrow -> oups
if generate pyarrow_corpus.py "$WORK/gen_pyarrow.log" "$PY" interop/pyarrow_corpus.py "$WORK/pyarrow"; then
  cat_corpus pyarrow "$WORK/pyarrow"
fi

# ------------------------------------------------------- oups -> DuckDB, pyarrow
if generate oups-interop-gen "$WORK/gen.log" "$GEN" "$WORK/oups"; then
  run_checker "$WORK/check.log" "$PY" interop/check_ours.py "$WORK/oups"
  run_checker "$WORK/check_pa.log" "$PY" interop/pyarrow_check.py files "$WORK/oups"
fi

# ---------------------------------------------- oups datasets -> DuckDB, pyarrow
DSGEN="$BUILD/tools/oups-dataset-gen"
if [[ ! -x "$DSGEN" ]]; then
  fail "oups-dataset-gen" "$DSGEN not built"
elif generate oups-dataset-gen "$WORK/dsgen.log" "$DSGEN" "$WORK/datasets"; then
  run_checker "$WORK/check_dataset.log" "$PY" interop/check_dataset.py "$WORK/datasets"
  run_checker "$WORK/check_dataset_pa.log" "$PY" interop/pyarrow_check.py datasets "$WORK/datasets"
fi

# ------------------------------------------------ DuckDB recipes of the docs
if [[ -x "$BUILD/tools/oups" ]]; then
  run_checker "$WORK/recipes.log" "$PY" interop/recipes.py "$BUILD/tools/oups" "$WORK/recipes"
else
  fail "recipes" "$BUILD/tools/oups not built"
fi

# ----------------------------------------- Python package <-> DuckDB, pyarrow
# Skipped (with a message) when BUILD_DIR/python (or $OUPS_PYTHONPATH) holds no importable oups.
PYDIR="${OUPS_PYTHONPATH:-$BUILD/python}"
if PYTHONPATH="$PYDIR" "$PY" -c 'import oups.store' >/dev/null 2>&1; then
  run_checker "$WORK/py.log" env PYTHONPATH="$PYDIR" "$PY" interop/python/py_interop.py "$WORK/python"
else
  echo "interop: skipping the Python checks: no importable oups package in $PYDIR" \
    "(build the Python module there or set OUPS_PYTHONPATH)"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
