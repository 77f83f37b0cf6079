#!/usr/bin/env bash
# Installs everything oups needs to build and test, from Debian packages and the
# npm registry only. Idempotent: apt is skipped when every package is present,
# and `npm ci` reinstalls exactly what package-lock.json pins.
set -euo pipefail

cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake pkg-config
  thrift-compiler libthrift-dev
  libsnappy-dev libzstd-dev liblz4-dev zlib1g-dev libbrotli-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  pybind11-dev python3-dev python3-numpy python3-pandas python3-pytest
  python3-venv python3-pip python3-setuptools python3-wheel
  python3-cloudpickle
  clang libclang-rt-14-dev
  tzdata
  libcsv-dev
)
# Node.js: a machine may already carry a Node.js build that bundles npm (and
# conflicts with Debian's separate npm package); only ask apt when either is missing.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: all Debian packages present"
fi

# DuckDB for the interop checks and the benchmark baseline; the native library
# arrives inside the platform package (@duckdb/node-bindings-<os>-<arch>).
stamp=node_modules/.oups-installed-lock.json
if [[ -d node_modules/@duckdb/node-api ]] && cmp -s package-lock.json "$stamp" 2>/dev/null; then
  echo "install-deps: node_modules up to date"
else
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
node -e "import('@duckdb/node-api').then(() => console.log('install-deps: @duckdb/node-api loads'))"
