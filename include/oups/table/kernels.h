// Table kernels the dataset layer needs: concatenate, take, compare, sort
// check, stable merge of two sorted tables, keep-last de-duplication and
// binary search in a sorted column.
//
// All kernels dispatch on the column type once and then run tight typed loops;
// copies of contiguous row runs use memcpy (fixed width, bytes) or word-wise
// bit copies (bitmaps). Results are new Columns/Tables with their own buffers,
// except where noted (a kernel with nothing to do may return its input, which
// shares buffers: Columns are immutable so this is never observable).
//
// Ordering used by every kernel (CompareValues): nulls first; integers,
// timestamps, dates, durations and decimals by numeric value; floats by value
// with -0.0 == 0.0 and NaN after +inf (NaN equals NaN); bool false < true;
// string and binary byte-wise (for UTF-8: code point order).
//
// Thread-safety: all functions are pure; inputs may be shared between threads.
// Ownership: results own (shared) their buffers; inputs are not retained
// beyond the return except by results that alias them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "oups/result.h"
#include "oups/table/column.h"
#include "oups/table/scalar.h"

namespace oups {

// Appends `columns` end to end. All must have the same type (TypeError naming
// both types otherwise); an empty list is InvalidArgument.
Result<Column> Concatenate(const std::vector<Column>& columns);

// Appends `tables` end to end. Columns must match by position, name and type
// (TypeError naming the column otherwise). A field of the result is nullable
// if it is nullable in any input. An empty list is InvalidArgument.
Result<Table> ConcatenateTables(const std::vector<Table>& tables);

// Rows `indices[0..n)` of `column` / `table`, in that order (repeats allowed).
// An index outside [0, length) gives OutOfRange.
Result<Column> Take(const Column& column, const int64_t* indices, int64_t n);
Result<Table> Take(const Table& table, const int64_t* indices, int64_t n);

// Three-way comparison (-1, 0, 1) of a[i] and b[j] in the order described
// above. Meant for columns of the same type; columns of different type ids
// compare by type id. Per-value convenience: kernels below do not call it.
int CompareValues(const Column& a, int64_t i, const Column& b, int64_t j);

// -1 if `column` is non-decreasing, null-free and NaN-free; otherwise the
// first row i that is null, NaN, or smaller than row i - 1.
Result<int64_t> FindFirstUnsorted(const Column& column);

// Stable merge of two tables each sorted on `ordered_on` (non-decreasing):
// rows of `old_rows` come before rows of `new_rows` with an equal key, and
// each input keeps its row order. Schemas must match as for ConcatenateTables
// (TypeError naming the column); NotFound if `ordered_on` is missing.
// Unsorted inputs are not detected (use FindFirstUnsorted): the result then
// still holds every input row once, in an unspecified order.
Result<Table> MergeSorted(const Table& old_rows, const Table& new_rows,
                          const std::string& ordered_on);

// Drops every row that is equal, on all columns of `subset`, to a later row;
// the last occurrence of each duplicate set is kept and row order is otherwise
// unchanged. `table` must be sorted on `ordered_on`, which is always part of
// the comparison (added to `subset` if missing); `subset` empty means all
// columns. Nulls equal nulls, NaN equals NaN, -0.0 equals 0.0. Only rows with
// equal `ordered_on` values are compared, so an unsorted table is de-duplicated
// within runs of equal keys only. NotFound naming an unknown column.
Result<Table> DropDuplicatesKeepLast(const Table& table, const std::string& ordered_on,
                                     const std::vector<std::string>& subset = {});

// Binary search in a column sorted in the order above: LowerBound is the first
// row whose value is >= `value`, UpperBound the first row whose value is >
// `value` (length() if none). Integer scalars (signed or unsigned) search any
// integer column by numeric value, and float columns; float scalars search
// float columns; string and binary scalars search string and binary columns;
// timestamp, date32, duration and decimal scalars need the column's exact type.
// A null scalar sorts first. TypeError when the scalar cannot be compared.
Result<int64_t> LowerBound(const Column& sorted, const Scalar& value);
Result<int64_t> UpperBound(const Column& sorted, const Scalar& value);

// UTF-8 validation (RFC 3629: no overlong forms, no surrogates U+D800..DFFF,
// nothing above U+10FFFF). IsValidUtf8 checks one byte string. FindInvalidUtf8
// checks every non-null value of a string column and returns the first row
// whose value is not valid UTF-8, or -1; a column of another type (binary
// included) is TypeError. Both take a word-at-a-time path over ASCII bytes:
// an all-ASCII column is checked in one pass over its bytes buffer.
bool IsValidUtf8(std::string_view bytes);
Result<int64_t> FindInvalidUtf8(const Column& column);

// The value of slot i as a Scalar of the column's type (null if the slot is).
Scalar GetScalar(const Column& column, int64_t i);

// A one-row column of `s`'s type holding `s` (a null row if `s` is null); the inverse
// of GetScalar.
Result<Column> ScalarColumn(const Scalar& s);

}  // namespace oups
