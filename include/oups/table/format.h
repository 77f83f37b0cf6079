// Value formatting: one cell (or one Scalar) as JSON, as plain text or as a CSV
// field, and whole tables as JSON lines or CSV. The one home of these
// renderings: the CLI's tables, JSON and CSV output, the Parquet metadata
// printer (statistics) and the interop tools all go through it.
//
// Values print exactly as DuckDB prints them in JSON (`COPY ... TO 'f' (FORMAT json)`
// with `SET TimeZone='UTC'`), so that oups's output can be compared byte for byte
// with DuckDB's in the interop tests. interop/DUCKDB_JSON.md lists the rules;
// the notable ones:
//   * floats and doubles: shortest round-trip digits of the double (a float is
//     widened first), `1.0` for integral values, `1e-7` / `1e21` beyond the
//     positional range, bare `NaN`, `Infinity`, `-Infinity`;
//   * timestamps: "YYYY-MM-DD HH:MM:SS[.fraction]" with trailing zeros removed;
//     adjusted-to-UTC timestamps end in "+00" and, as in DuckDB, are rendered at
//     micro-second precision (nanoseconds truncated toward zero);
//   * decimals: JSON numbers; precision <= 15 is converted to double first,
//     larger precisions print exactly with `scale` fraction digits;
//   * binary: DuckDB's blob text ("\x00" escapes for bytes outside printable ASCII
//     and for `"`, `'`, `\`), then JSON-escaped;
//   * durations: their integer count (DuckDB reads them as BIGINT).
//
// The three cell formats:
//   kJson  the JSON value: `null`, `true`, a number, or a quoted, escaped string
//          (strings, binary, dates and timestamps);
//   kText  the same rendering without JSON quoting or escaping, `null` for a null
//          (text tables);
//   kCsv   the text as one RFC 4180 field: quoted (`"` doubled) when it holds
//          `,`, `"`, CR or LF; nothing for a null and `""` for an empty text, so
//          that the two stay distinct.
//
// Thread-safety: the functions are stateless and may be called concurrently on
// distinct outputs. Ownership: nothing is retained; the caller owns the output.
// The table printers return IOError on a stream failure; what was written so far
// stays written.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "oups/status.h"
#include "oups/table/column.h"
#include "oups/table/scalar.h"

namespace oups {

enum class CellFormat : uint8_t { kJson, kText, kCsv };

// Appends slot `i` of `column` (a null included) in `format`.
void AppendCell(const Column& column, int64_t i, CellFormat format, std::string* out);
// The same as a new string.
std::string FormatCell(const Column& column, int64_t i, CellFormat format);
// Appends `value` (a null included) as a cell of its type would render.
void AppendScalar(const Scalar& value, CellFormat format, std::string* out);
// True when a valid value of `type` renders in JSON as a string (string,
// binary, date, timestamp); otherwise as a number or a bool.
bool RendersAsJsonString(const DataType& type);

// One JSON object per row, keys in column order, "\n" after each row (nothing
// at all for a 0-row table).
Status PrintRowsJsonl(const Table& table, std::ostream& out);

// A header line of column names (unless `header` is false: a later chunk of the
// same output), then one line per row, "," separated, "\n" terminated; each
// value a kCsv cell (the names quoted the same way).
Status PrintRowsCsv(const Table& table, std::ostream& out, bool header = true);

// Renderings of single values, as in kText (appended to `out`).
void AppendDouble(double value, std::string* out);
// `days` since 1970-01-01.
void AppendDate(int32_t days, std::string* out);
// `value` counts `unit` since the epoch; `adjusted_to_utc` adds "+00" (and
// truncates nanoseconds to microseconds as DuckDB does).
void AppendTimestamp(int64_t value, TimeUnit unit, bool adjusted_to_utc, std::string* out);

}  // namespace oups
