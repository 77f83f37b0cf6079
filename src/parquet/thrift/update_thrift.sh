#!/usr/bin/env bash
# Regenerates src/parquet/thrift/generated/ from parquet.thrift.
#
# Pinned to Debian 12's thrift-compiler 0.17.0, which matches libthrift-dev
# 0.17.0 that oups links against. The output is checked in; run this after
# editing parquet.thrift and commit both.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
expected="0.17.0"
version="$(thrift --version | awk '{print $3}')"
if [[ "${version}" != "${expected}" ]]; then
  echo "update_thrift.sh: thrift ${expected} required, found ${version}" >&2
  exit 1
fi

out="${here}/generated"
rm -rf "${out}"
mkdir -p "${out}"
thrift --gen cpp:moveable_types,no_skeleton -out "${out}" "${here}/parquet.thrift"
# no_skeleton should already suppress it; be safe.
rm -f "${out}"/*_server.skeleton.cpp
# Give every enum a fixed underlying type. Thrift's reader static_casts any
# decoded i32 into the enum; for an enum without a fixed underlying type a value
# outside its range (e.g. PageType 99 from a hostile file) is undefined
# behaviour (UBSan: "not a valid value for type"). With `: int32_t` every i32 is
# a valid value, and consumers range-check with IsValidEnum (thrift_codec.h).
sed -i 's/^  enum type {$/  enum type : int32_t {/' "${out}/parquet_types.h"
if grep -q '^  enum type {$' "${out}/parquet_types.h"; then
  echo "update_thrift.sh: enum patch did not apply" >&2
  exit 1
fi
ls "${out}"
