// Printer: renders Parquet file metadata as an indented JSON document (the
// `oups parquet meta` output and tools/oups_parquet).
//
// Statistics are decoded through the column's type by DecodeStatistic
// (statistics.h) and rendered as row values are (oups/table/format.h, which also
// holds the row printers PrintRowsJsonl and PrintRowsCsv); a statistic that does
// not decode shows as "raw:<blob text>".
//
// Thread-safety: the function is stateless and may be called concurrently on
// distinct streams. Ownership: nothing is retained; the caller owns the stream.
// On a stream failure it returns IOError; what was written so far stays written.
#pragma once

#include <ostream>

#include "oups/parquet/metadata.h"
#include "oups/status.h"

namespace oups::parquet {

// The file's schema (physical, logical and oups types), row groups (rows, bytes,
// sorting columns) with their column chunks (codec, encodings, sizes, offsets,
// statistics with min/max decoded through the column's type and null_count),
// and the key-value metadata, as an indented JSON document.
Status PrintMetadataJson(const FileMetadata& metadata, std::ostream& out);

}  // namespace oups::parquet
