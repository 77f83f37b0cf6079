// Compression codecs behind one small interface, created from the Parquet
// codec enum. One .cc per compression library.
//
// Decompress must produce exactly `out_size` bytes (the page header's
// uncompressed size) or return Corruption; it never writes past `out_size` and
// never reads past `in_size`, whatever the input bytes.
//
// Thread-safety: a Codec object holds per-call scratch state; use one per thread.
// Ownership: MakeCodec returns a unique_ptr the caller owns.
#pragma once

#include <cstdint>
#include <memory>

#include "oups/common/buffer.h"
#include "oups/parquet/properties.h"
#include "oups/result.h"

namespace oups::parquet {

class Codec {
 public:
  virtual ~Codec();
  virtual Compression kind() const = 0;
  // Upper bound of the compressed size of `n` input bytes.
  virtual int64_t MaxCompressedLen(int64_t n) const = 0;
  // Compresses into out[0, out_capacity) (out_capacity >= MaxCompressedLen);
  // returns the compressed size.
  virtual Result<int64_t> Compress(const uint8_t* in, int64_t in_size, uint8_t* out,
                                   int64_t out_capacity) = 0;
  // Decompresses exactly `out_size` bytes.
  virtual Status Decompress(const uint8_t* in, int64_t in_size, uint8_t* out,
                            int64_t out_size) = 0;
};

// `level` is used by ZSTD, GZIP and BROTLI (kDefaultLevel = library default).
// For Compression::kUncompressed returns a pass-through codec.
// Compression::kLz4Legacy (Parquet's deprecated LZ4 = 5) is decode-only: it
// accepts the Hadoop framing (big-endian 4-byte uncompressed and compressed
// lengths per block) and falls back to a raw LZ4 block, as other readers do.
Result<std::unique_ptr<Codec>> MakeCodec(Compression kind, int level = kDefaultLevel);

}  // namespace oups::parquet
