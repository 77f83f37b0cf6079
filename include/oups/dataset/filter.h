// Row filters of dataset reads (ReadOptions::filter, docs/python.md#filters):
// a disjunction (OR) of conjunctions (AND) of terms `column op value(s)`, the
// shape of pyarrow's `filters=` (a list of tuples is one conjunction; a list
// of lists of tuples is a disjunction of them).
//
//   oups::Filter f = {{{"price", oups::FilterOp::kGt, {oups::Scalar::Float(100)}},
//                      {"symbol", oups::FilterOp::kIn,
//                       {oups::Scalar::String("AAA"), oups::Scalar::String("BBB")}}}};
//   OUPS_ASSIGN_OR_RETURN(oups::Table t, ds.Read({.columns = oups::Columns{"ts", "price"},
//                                                 .filter = f}));
//
// A read with a filter skips the row groups whose statistics prove that no
// row can match (the metadata's min/max of the ordered column, then the
// min/max/null count of every filtered column in the row-group file's
// footer), decodes the filtered columns of the others, evaluates the filter
// (the semantics of oups/table/predicate.h, which are pyarrow's: a comparison
// never selects a null, NaN is unordered, `in` matches null and NaN when the
// list holds them, `not in` is its negation), then decodes the projected
// columns of the row groups with a selected row and keeps the selected rows.
//
// Thread-safety: plain values and pure functions. Ownership: values own
// their data.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oups/result.h"
#include "oups/table/column.h"
#include "oups/table/scalar.h"

namespace oups {

enum class FilterOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn };

// One term. Comparisons take exactly one value; kIn / kNotIn any number
// (none: `in` selects nothing, `not in` everything). A null value is allowed
// (a comparison with null selects nothing; `in` with null selects nulls).
struct FilterTerm {
  std::string column;
  FilterOp op = FilterOp::kEq;
  std::vector<Scalar> values;
};

// OR of ANDs. Empty: no filter (every row). An empty conjunction is refused.
using FilterConjunction = std::vector<FilterTerm>;
using Filter = std::vector<FilterConjunction>;

// "==", "!=", "<", "<=", ">", ">=", "in", "not in".
std::string_view FilterOpName(FilterOp op);
// The inverse of FilterOpName; also accepts "=" and the upper case "IN",
// "NOT IN". InvalidArgument naming the text otherwise.
Result<FilterOp> ParseFilterOp(std::string_view text);

// Checks `filter` against the columns of `schema`: NotFound naming an unknown
// column, InvalidArgument for an empty conjunction or a comparison without
// exactly one value, TypeError naming the column, its type and the value's
// type for a value that cannot be compared with the column.
Status ValidateFilter(const Filter& filter, const Schema& schema);

// The distinct columns `filter` names, in order of first use.
std::vector<std::string> FilterColumns(const Filter& filter);

// The selection mask (one byte per row, 1 = selected) of `filter` over
// `table`, which holds every column of FilterColumns(filter). An empty filter
// selects every row.
Result<std::vector<uint8_t>> EvaluateFilter(const Filter& filter, const Table& table);

// What statistics say about one column in a group of rows: `min`/`max` bounds
// of its non-null, non-NaN values (nullopt: unknown), its number of nulls
// (nullopt: unknown) and the number of rows.
struct ColumnBounds {
  std::optional<Scalar> min;
  std::optional<Scalar> max;
  std::optional<int64_t> null_count;
  int64_t num_rows = 0;
};

// False only when the bounds prove that no row of the group can match
// `filter`; `bounds(column)` gives a column's bounds (nullopt: nothing known).
// Floating-point columns may hold NaN, which statistics leave out, so `!=`
// and `not in` on them never prune.
bool FilterMayMatch(const Filter& filter,
                    const std::function<std::optional<ColumnBounds>(const std::string&)>& bounds);

}  // namespace oups
