// Encoding of one column chunk (all pages of one column of one row group).
// Private to src/parquet. The chunk's Thrift metadata is only declared here:
// the files that fill or read it reach the generated types through the Thrift
// bridge (thrift/thrift_codec.h) or the metadata internals (metadata_internal.h).
#pragma once

#include "oups/parquet/metadata.h"
#include "oups/parquet/properties.h"
#include <memory>

#include "parquet/compression/codec.h"

namespace oups::parquet {

namespace format {
class ColumnChunk;
}  // namespace format

struct EncodedChunk {
  // The pages (headers + bodies) in file order.
  std::shared_ptr<MutableBuffer> bytes;
  // Offsets inside the chunk's metadata are relative to the chunk's first byte;
  // the file writer adds the chunk's position in the file.
  std::unique_ptr<format::ColumnChunk> chunk;
  int64_t uncompressed_size = 0;
};

// OK if `enc` can encode the values of `desc`'s physical type (InvalidArgument
// naming the column otherwise).
Status CheckValueEncoding(const ColumnDescriptor& desc, Encoding enc);

// Encodes `column` (one row group's rows) as a column chunk described by `desc`
// into `out` (its `bytes` buffer is reused when set). Thread-safe across
// distinct codecs and outputs: columns can be encoded in parallel.
Status EncodeColumnChunk(const Column& column, const ColumnDescriptor& desc,
                         const WriterOptions& options, Codec* codec, EncodedChunk* out);

}  // namespace oups::parquet
