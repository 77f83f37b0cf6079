// Predicate kernels: compare every row of a column with a Scalar, or test its
// membership in a list of Scalars, giving a selection mask (one byte per row,
// 1 = selected). The dataset layer's row filters (oups/dataset/filter.h) are
// built from these.
//
// Semantics are those of Arrow's compute functions, which pyarrow's
// `filters=` use, so that oups and pyarrow select the same rows:
//   * a comparison (==, !=, <, <=, >, >=) never selects a null row, and
//     selects nothing when the scalar is null;
//   * NaN is unordered: it is != every value (NaN included) and no other
//     comparison selects it;
//   * membership (IsIn) matches a null row when the list holds a null, a NaN
//     row when the list holds a NaN; its negation selects the other rows
//     (nulls included).
// Values compare by their meaning, exactly: integers of any width and
// signedness with each other and with floats (2 < 2.5 on an int64 column);
// timestamps and durations across units (1 s == 1000 ms); strings and binary
// byte-wise (UTF-8 code point order); bool false < true; decimals of the same
// scale. Timestamps compare only with timestamps of the same time-zone
// awareness (naive with naive, aware with aware: the instants), dates with
// dates, durations with durations. Anything else is a TypeError naming both
// types.
//
// Thread-safety: pure functions. Ownership: results own their storage.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "oups/result.h"
#include "oups/table/column.h"
#include "oups/table/scalar.h"

namespace oups {

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

// "==", "!=", "<", "<=", ">", ">=".
std::string_view CompareOpName(CompareOp op);

// OK when a (non-null) `value` can be compared with values of `column_type`,
// else TypeError naming both types.
Status CheckComparable(const DataType& column_type, const Scalar& value);

// mask[i] = column[i] `op` value.
Result<std::vector<uint8_t>> CompareWithScalar(const Column& column, CompareOp op,
                                               const Scalar& value);

// mask[i] = column[i] is one of `values` (see above for nulls and NaN).
Result<std::vector<uint8_t>> IsIn(const Column& column, const std::vector<Scalar>& values);

}  // namespace oups
