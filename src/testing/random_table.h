// Random tables for tests and benchmarks (oups_testing; not installed).
//
// Deterministic for a given seed. Values cover the awkward cases: full integer
// ranges, strings of 0..40 bytes with multi-byte UTF-8, binary with zero bytes,
// floats with NaN, +-inf and -0.0 now and then, nulls with probability
// `null_prob` in nullable fields (never in non-nullable ones).
//
// Thread-safety: pure functions. Failure to build a table aborts (test code).
#pragma once

#include <cstdint>
#include <string>

#include "oups/table/column.h"

namespace oups::testing {

// A schema with one nullable field of every type (names "bool", "int8", ...,
// "ts_ns", "ts_ms_tz", "date32", "duration", "decimal").
Schema AllTypesSchema();

// A random column of `type`.
Column RandomColumn(const DataType& type, int64_t rows, uint64_t seed, double null_prob);

Table RandomTable(const Schema& schema, int64_t rows, uint64_t seed, double null_prob);

// As RandomTable, but column `ordered_on` (an integer, timestamp, date32 or
// duration field) is non-decreasing and null-free, starting at `start`, with a
// tie to the previous row with probability `tie_prob` and otherwise a step of
// 1..`max_step`.
Table RandomSortedTable(const Schema& schema, const std::string& ordered_on, int64_t rows,
                        uint64_t seed, double null_prob, double tie_prob = 0.5,
                        int64_t start = 0, int64_t max_step = 3);

}  // namespace oups::testing
