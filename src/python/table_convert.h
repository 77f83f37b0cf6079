// numpy <-> oups::Table conversion of the binding.
//
// The pure-Python layer (python/oups/_pandas.py) turns every pandas column into
// one "column spec" tuple (kind, values, valid, unit, tz) of plain numpy arrays:
//   kind    "bool", "int8".."int64", "uint8".."uint64", "float32", "float64",
//           "timestamp" (int64 counts of `unit`, `tz` "" = naive), "duration"
//           (int64 counts of `unit`), "date32" (int32 days), "string" / "binary"
//           (object array of str / bytes; None, NaN and the `na` object are null;
//           or a tuple (offsets int64[n + 1], data uint8) of Arrow large_string /
//           large_binary buffers, wrapped without copying),
//           "decimal" (16-byte little-endian two's complement unscaled values, numpy
//           dtype V16; `unit` is "PRECISION,SCALE", also on the way back);
//   valid   None (no null) or a bool array, True = value present.
// Fixed-width values are wrapped without copying (the core's Buffer keeps the
// numpy array alive, releasing it under the GIL); bools are bit-packed and
// strings copied into offsets + bytes.
// Back from the core, TableToPy gives one (name, (kind, unit, tz), values, valid)
// tuple per column: fixed-width values are numpy arrays over the core's buffer
// (no copy; a capsule owns the buffer), bools are unpacked, strings become an
// object array in which repeated values share one str object (or the Arrow
// buffers, or codes into the distinct values: TableToPy).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "oups/table/column.h"
#include "oups/table/scalar.h"
#include "oups/table/types.h"

namespace oups::python {

// (kind, unit, tz) of a DataType.
pybind11::tuple TypeToPy(const DataType& type);
// A Scalar from (kind, value, unit, tz); kinds: "int", "uint", "float", "bool",
// "string", "binary", "timestamp", "date32", "duration".
Scalar ScalarFromPy(const pybind11::handle& spec);

Table TableFromPy(const pybind11::list& names, const pybind11::list& specs,
                  const pybind11::handle& na);
// String/binary columns named in arrow_strings give (offsets, data) numpy arrays over
// the core's buffers in Arrow's large_string/large_binary layout (no Python object made);
// those named in codes give (codes int32, values object): a code per row (-1 for null)
// into the distinct values in order of first appearance (for categoricals).
pybind11::list TableToPy(const Table& table, const std::vector<std::string>& arrow_strings = {},
                         const std::vector<std::string>& codes = {});

void RegisterTable(pybind11::module_& m);

}  // namespace oups::python
