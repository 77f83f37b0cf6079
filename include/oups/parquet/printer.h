// Printer: renders tables and Parquet file metadata as text (JSON lines, CSV, JSON).
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
//     and for `"`, `'`, `\`), then JSON-escaped.
//
// Thread-safety: the functions are stateless and may be called concurrently on
// distinct streams. Ownership: nothing is retained; the caller owns the stream.
// On a stream failure they return IOError; what was written so far stays written.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "oups/parquet/metadata.h"
#include "oups/status.h"
#include "oups/table/column.h"

namespace oups::parquet {

// One JSON object per row, keys in column order, "\n" after each row (nothing
// at all for a 0-row table).
Status PrintRowsJsonl(const Table& table, std::ostream& out);

// A header line of column names, then one line per row, "," separated, "\n"
// terminated. Fields holding `,`, `"`, CR or LF are quoted RFC 4180 style (`"`
// doubled). Nulls are empty fields; an empty string is `""`. Values use the
// JSON renderings above without JSON string quoting or escaping.
Status PrintRowsCsv(const Table& table, std::ostream& out);

// The file's schema (physical, logical and oups types), row groups (rows, bytes,
// sorting columns) with their column chunks (codec, encodings, sizes, offsets,
// statistics with min/max decoded through the column's type and null_count),
// and the key-value metadata, as an indented JSON document.
Status PrintMetadataJson(const FileMetadata& metadata, std::ostream& out);

// Renderings of single values, as in the JSON output (strings without quotes).
// Appends to `out`.
void AppendDouble(double value, std::string* out);
// `days` since 1970-01-01.
void AppendDate(int32_t days, std::string* out);
// `value` counts `unit` since the epoch; `adjusted_to_utc` adds "+00" (and
// truncates nanoseconds to microseconds as DuckDB does).
void AppendTimestamp(int64_t value, TimeUnit unit, bool adjusted_to_utc, std::string* out);

}  // namespace oups::parquet
