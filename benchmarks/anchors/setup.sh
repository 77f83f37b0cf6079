#!/usr/bin/env bash
# Creates one virtual environment per anchor of the anchors benchmark (benchmarks/anchors/run.py):
#   <dir>/oups       the original oups from PyPI (needs Python >= 3.13)
#   <dir>/arcticdb   ArcticDB
#   <dir>/deltalake  delta-rs (deltalake) with pandas
#   <dir>/pystore    PyStore (Dask, fastparquet)
# each installed from the pinned requirements-<anchor>.txt next to this script.
#
# Usage: benchmarks/anchors/setup.sh [dir] [--resolve]
#   dir        default ~/.cache/oups-anchors (or give .anchors/, ignored by git)
#   --resolve  ignore the pins: install the newest releases and rewrite the requirements files
#              from what pip resolved (pip freeze)
# Environment: PYTHON (default python3) makes the venvs; PYTHON313 (default: python3.13 on PATH,
# else pyenv's newest 3.13) makes the original oups' one.
# An anchor that cannot be installed gets <dir>/<anchor>/NOT_INSTALLABLE with pip's error; run.py
# then reports it as "not installable: <reason>".
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=$HOME/.cache/oups-anchors
resolve=0
for arg in "$@"; do
  case $arg in
    --resolve) resolve=1 ;;
    *) dir=$arg ;;
  esac
done
mkdir -p "$dir"
py=${PYTHON:-python3}
py313=${PYTHON313:-}
if [ -z "$py313" ]; then
  py313=$(command -v python3.13 2>/dev/null || true)
  if [ -z "$py313" ] || ! "$py313" -V >/dev/null 2>&1; then
    py313=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3.13 2>/dev/null | tail -1)
  fi
fi

# anchor -> top-level requirements used by --resolve (pyarrow: work.py loads its input with it)
top() {
  case $1 in
    oups) echo "oups pyarrow" ;;
    arcticdb) echo "arcticdb pyarrow" ;;
    deltalake) echo "deltalake pandas pyarrow" ;;
    pystore) echo "pystore pyarrow" ;;
  esac
}

for anchor in oups arcticdb deltalake pystore; do
  venv=$dir/$anchor
  req=$here/requirements-$anchor.txt
  python=$py
  [ "$anchor" = oups ] && python=$py313
  rm -rf "$venv"
  mkdir -p "$venv"
  log=$venv.log
  echo "== $anchor -> $venv (log: $log)"
  if [ -z "$python" ] || ! "$python" -m venv "$venv" >"$log" 2>&1; then
    echo "cannot create a venv with '${python:-python3.13}' (the original oups needs Python >= 3.13)" \
      > "$venv/NOT_INSTALLABLE"
    cat "$venv/NOT_INSTALLABLE"; continue
  fi
  if [ $resolve = 1 ] || [ ! -f "$req" ]; then
    # shellcheck disable=SC2046
    "$venv/bin/pip" install $(top $anchor) >>"$log" 2>&1
  else
    "$venv/bin/pip" install -r "$req" >>"$log" 2>&1
  fi
  rc=$?
  if [ $rc != 0 ]; then
    reason=$(grep -E '^ERROR|error:' "$log" | tail -2 | tr '\n' ' ')
    rm -rf "$venv"; mkdir -p "$venv"
    echo "pip failed on $("$python" -V 2>&1): ${reason:-exit $rc}" > "$venv/NOT_INSTALLABLE"
    cat "$venv/NOT_INSTALLABLE"; continue
  fi
  if [ $resolve = 1 ] || [ ! -f "$req" ]; then
    { echo "# pip freeze of the $anchor venv ($("$venv/bin/python" -V 2>&1)), written by setup.sh --resolve"
      "$venv/bin/pip" freeze; } > "$req"
  fi
  echo "ok: $(grep -iE "^($anchor|pystore|arcticdb|deltalake|oups)==" "$req" | tr '\n' ' ')"
done
