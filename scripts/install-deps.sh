#!/usr/bin/env bash
# Installs everything oups needs to build and test, from Debian's packages (apt)
# and PyPI (pip) only:
#   - the C++ toolchain and libraries, from apt (the list below; scripts/check-deps.py,
#     run by the test command, proves it complete);
#   - a project virtual environment .venv (or $OUPS_VENV) with exactly the Python
#     packages pinned in requirements/lock.txt (numpy 2, pandas 3, pyarrow, duckdb...).
# Idempotent and quick when everything is present: apt is skipped when every package
# is installed, pip when the venv already holds the lock file's versions.
#
#   bash scripts/install-deps.sh
#
# PYTHON chooses the interpreter the venv is made from (default: python3 on PATH).
set -euo pipefail

cd "$(dirname "$0")/.."

# The apt list: what the build, the tests and the scripts use. Keep it in step with
# scripts/check-deps.py's findings (it names what is missing).
APT_PACKAGES=(
  build-essential cmake pkg-config
  thrift-compiler libthrift-dev libboost-dev
  libsnappy-dev libzstd-dev liblz4-dev zlib1g-dev libbrotli-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  tzdata
)
PYTHON="${PYTHON:-python3}"
# An interpreter without venv/ensurepip (Debian's python3 before python3-venv is
# installed) or without headers gets them from apt too.
if ! command -v "$PYTHON" >/dev/null 2>&1 ||
  ! "$PYTHON" -c 'import venv, ensurepip, sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null; then
  APT_PACKAGES+=(python3 python3-venv python3-dev)
  PYTHON=/usr/bin/python3
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: apt: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: apt: all ${#APT_PACKAGES[@]} packages present"
fi

# ----------------------------------------------------------------- Python venv
VENV="${OUPS_VENV:-.venv}"
LOCK=requirements/lock.txt
stamp="$VENV/.oups-lock.txt"
if [[ -x "$VENV/bin/python" ]] && cmp -s "$LOCK" "$stamp"; then
  echo "install-deps: $VENV up to date with $LOCK"
else
  if [[ ! -x "$VENV/bin/python" ]]; then
    echo "install-deps: creating $VENV from $("$PYTHON" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
    "$PYTHON" -m venv "$VENV"
  fi
  echo "install-deps: pip: installing $LOCK into $VENV"
  if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$LOCK" \
    >"$VENV/pip-install.log" 2>&1; then
    grep -v "^WARNING: Location" "$VENV/pip-install.log" | tail -n 40
    echo "install-deps: pip install failed (full log: $VENV/pip-install.log)" >&2
    exit 1
  fi
  cp "$LOCK" "$stamp"
fi
"$VENV/bin/python" -c 'import sys, numpy, pandas, pyarrow, duckdb
print("install-deps:", sys.executable, "numpy", numpy.__version__, "pandas", pandas.__version__,
      "pyarrow", pyarrow.__version__, "duckdb", duckdb.__version__)'
