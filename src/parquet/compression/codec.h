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

#include <climits>
#include <cstdint>
#include <memory>
#include <optional>

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

// `level` is used by ZSTD, GZIP and BROTLI (nullopt: the codec's default).
// For Compression::kUncompressed returns a pass-through codec.
// Compression::kLz4Legacy (Parquet's deprecated LZ4 = 5) is decode-only: it
// accepts the Hadoop framing (big-endian 4-byte uncompressed and compressed
// lengths per block) and falls back to a raw LZ4 block, as other readers do.
Result<std::unique_ptr<Codec>> MakeCodec(Compression kind, std::optional<int> level = std::nullopt);
// The same for a CompressionOptions.
Result<std::unique_ptr<Codec>> MakeCodec(const CompressionOptions& options);

// Implementation details shared by the codec .cc files; not for callers.
namespace codec_internal {
// Factories, one per .cc file. `level` is already validated by the factory
// itself (InvalidArgument when out of range).
std::unique_ptr<Codec> MakeUncompressedCodec();
std::unique_ptr<Codec> MakeSnappyCodec();
Result<std::unique_ptr<Codec>> MakeGzipCodec(std::optional<int> level);
Result<std::unique_ptr<Codec>> MakeZstdCodec(std::optional<int> level);
Result<std::unique_ptr<Codec>> MakeBrotliCodec(std::optional<int> level);
std::unique_ptr<Codec> MakeLz4RawCodec();
std::unique_ptr<Codec> MakeLz4LegacyCodec();

// Argument checks shared by all codecs. `name` prefixes the message ("zstd").
// Compress: sizes non-negative, in_size <= max_input, out_capacity >=
// MaxCompressedLen(in_size) -> else InvalidArgument.
Status CheckCompressArgs(const Codec& codec, const char* name, int64_t in_size,
                         int64_t out_capacity, int64_t max_input);
// Decompress: sizes non-negative and <= max_size -> else Corruption (the sizes
// come from page headers).
Status CheckDecompressArgs(const char* name, int64_t in_size, int64_t out_size,
                           int64_t max_size);
// Largest page a codec is asked to handle: Parquet page sizes are i32.
inline constexpr int64_t kMaxPageBytes = INT32_MAX;
}  // namespace codec_internal

}  // namespace oups::parquet
