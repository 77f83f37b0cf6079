// ScanFooter: a first pass over a Parquet footer (a compact-protocol
// FileMetaData) that allocates nothing.
//
// Thrift's generated readers size every list from the count it declares
// before reading a single element, and a footer's objects take tens of times
// more memory than their encoding: a few megabytes of hostile footer could cost
// gigabytes before the first check. ScanFooter walks the bytes first, checking
// that every field, string and container fits in them (nesting at most 64
// deep) and that every row group has its required fields, and returns the
// counts FileReader::Open validates against the file size before decoding.
//
// Thread-safety: a pure function. Ownership: reads the caller's bytes only.
#pragma once

#include <cstdint>

#include "oups/result.h"

namespace oups::parquet {

struct FooterCounts {
  int64_t row_groups = 0;
  // Column chunks of the row groups that hold rows: each needs at least one
  // data page of its own in the file.
  int64_t chunks_with_rows = 0;
};

Result<FooterCounts> ScanFooter(const uint8_t* data, int64_t size);

}  // namespace oups::parquet
