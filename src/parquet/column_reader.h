// Decoding of column chunks into an in-memory Column (private to src/parquet).
//
// A ColumnAccumulator receives the chunks of one column, row group after row
// group, and decodes their pages straight into the final buffers, so that a
// multi-row-group read needs no concatenation. All input bytes are treated as
// hostile: every size, count and offset is checked, and errors are Corruption
// (or NotSupported) describing the page; callers add file/row-group/column.
//
// Thread-safety: one accumulator per thread; distinct accumulators are
// independent.
#pragma once

#include <map>
#include <memory>

#include "oups/parquet/metadata.h"
#include "oups/table/column.h"
#include "parquet/compression/codec.h"

namespace oups::parquet {

class ColumnAccumulator {
 public:
  // `total_rows`: the number of rows of all chunks that will be decoded.
  ColumnAccumulator(const ColumnDescriptor& desc, int64_t total_rows);
  ~ColumnAccumulator();

  // Decodes one column chunk of `num_rows` rows compressed with `compression`.
  Status DecodeChunk(const uint8_t* data, int64_t size, int64_t num_rows,
                     Compression compression);
  // The column of all decoded rows, in the descriptor's logical type.
  Result<Column> Finish();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace oups::parquet
