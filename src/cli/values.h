// Text -> typed values for the `oups` tool: column type specifications
// (`--types ts=timestamp[ns,UTC]`), ISO-8601 dates and timestamps, and the
// conversion of one text field to a column value or a Scalar bound.
//
// Timestamps: "YYYY-MM-DD[ T]HH:MM[:SS[.f{1,9}]][Z|±HH:MM|±HHMM|±HH]"; a bare
// date "YYYY-MM-DD" is midnight. Text with an offset (or Z) is an instant and
// is stored UTC-adjusted; text without one is a wall-clock reading: stored as
// is in a naive column, and read in the column's zone in a tz-aware column
// (readings skipped or repeated by a DST shift are refused, naming the zone).
//
// Thread-safety: pure functions (zones load through the process-wide cache).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "oups/result.h"
#include "oups/table/builder.h"
#include "oups/table/scalar.h"
#include "oups/table/types.h"

namespace oups::cli {

// "int64", "int32", "uint64", "float64", "bool", "string", "date",
// "timestamp[unit]", "timestamp[unit,TZ]" (also "timestamp[ns, tz=UTC]" as
// DataType::ToString prints it), "duration[unit]"; unit s|ms|us|ns.
// InvalidArgument naming the text and the accepted forms.
[[nodiscard]] Result<DataType> ParseTypeSpec(std::string_view text);

struct IsoDateTime {
  int64_t local_seconds = 0;  // seconds since 1970-01-01T00:00 on the text's clock
  int32_t nanos = 0;          // fraction of the second
  bool has_time = false;      // false for a bare date
  std::optional<int32_t> offset_seconds;  // east of UTC, when the text has Z or an offset
};

// Parses the forms above (exactly, the whole text); nullopt otherwise.
std::optional<IsoDateTime> ParseIsoDateTime(std::string_view text);
// "YYYY-MM-DD" only -> days since 1970-01-01.
std::optional<int32_t> ParseIsoDate(std::string_view text);

// Whether `text` is a decimal integer: optional sign, then ASCII digits only
// (whatever its size).
bool IsIntegerText(std::string_view text);
// A decimal integer in [0, 2^64) filling the whole text (optional '+'), or nullopt.
std::optional<uint64_t> ParseUInt64(std::string_view text);

// Whether `text` is a float64 as AppendText reads it (decimal notation, nan, inf).
bool IsFloat64Text(std::string_view text);

// Converts one non-null text field to a value of `type` and appends it.
// InvalidArgument saying what was expected ("expected int64 (an integer),
// found 'x'"; "expected int64, found '99999999999999999999': out of range")
// when the text does not parse or does not fit; the builder is unchanged then.
[[nodiscard]] Status AppendText(ColumnBuilder& builder, std::string_view text);

// The same conversion to a Scalar of `type` (for --start / --end-excl).
[[nodiscard]] Result<Scalar> ParseScalar(std::string_view text, const DataType& type);

// The value of --lock-timeout: seconds >= 0, -1 when not given;
// InvalidArgument "--lock-timeout needs seconds >= 0, not '<text>'" otherwise.
[[nodiscard]] Result<double> ParseSeconds(const std::optional<std::string>& text);

}  // namespace oups::cli
