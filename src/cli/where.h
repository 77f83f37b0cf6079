// `--where 'col op value'` expressions of `oups cat|head|tail` (src/cli/read.cc):
// one filter term each (oups/dataset/filter.h); several --where are ANDed.
//
//   col op value        op: == (or =), !=, <, <=, >, >=; e.g. price >= 100.5,
//                       ts < '2024-03-01 12:00', symbol == AAA
//   col in [v1, v2]     also `not in`; brackets or parentheses; items separated
//                       by commas, e.g. symbol in [AAA, 'B,B', null]
//
// The column is a name without spaces or operator characters, or quoted with
// "..." or `...`. A value is quoted with '...' or "..." to keep spaces or
// commas; an unquoted `null` is a null (a comparison with null selects
// nothing; `in [null]` selects nulls). Values parse in the column's type as
// --start does (integers, numbers, 'YYYY-MM-DD[ HH:MM:SS[.f]][Z|+HH:MM]',
// text); a number with a fraction is accepted for an integer column.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "oups/dataset/filter.h"
#include "oups/result.h"
#include "oups/table/column.h"

namespace oups::cli {

// InvalidArgument naming the expression and what is wrong with it; NotFound
// for a column `schema` does not have.
[[nodiscard]] Result<FilterTerm> ParseWhere(std::string_view text, const Schema& schema);

}  // namespace oups::cli
