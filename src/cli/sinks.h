// Where the rows printed by `oups cat|head|tail` and `oups parquet cat` go:
// JSON lines, one JSON array, or CSV rendered by the Parquet printer, an
// aligned text table (widths measured on the first kTextWindowRows rows, then
// kept), or one Parquet file (to a path, or to the output stream). Every
// format streams: rows are printed chunk by chunk as they come.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "oups/io/file_system.h"
#include "oups/result.h"
#include "oups/table/column.h"

namespace oups::cli {

// Rows held by the text table to measure its column widths.
inline constexpr size_t kTextWindowRows = 1000;

class RowSink {
 public:
  virtual ~RowSink() = default;
  // Rows of one chunk; every chunk has the same columns.
  [[nodiscard]] virtual Status Write(const Table& chunk) = 0;
  // After the last chunk; `schema` describes the columns when no chunk came.
  [[nodiscard]] virtual Status Finish(const Schema& schema) = 0;
};

// `format`: "jsonl", "json" (one array of the row objects), "csv", "table"
// or "parquet" (InvalidArgument otherwise).
// `output`: for parquet, a file path on `fs` (nullopt: the stream `out`).
[[nodiscard]] Result<std::unique_ptr<RowSink>> MakeRowSink(
    const std::string& format, std::ostream& out, FileSystem& fs,
    std::optional<std::string> output);

}  // namespace oups::cli
