// LZ4 codecs.
//   kLz4Raw    (LZ4_RAW): one bare LZ4 block, the only LZ4 variant oups writes.
//   kLz4Legacy (LZ4, deprecated): read-only. Hadoop's Lz4Codec framing, a
//              sequence of [u32 BE uncompressed length][u32 BE compressed
//              length][LZ4 block]; when the bytes do not parse as that framing
//              they are decoded as one raw block (what early parquet-cpp
//              wrote), as Arrow's reader does.
#include <lz4.h>

#include <string>

#include "parquet/compression/codec.h"

namespace oups::parquet::codec_internal {
namespace {

// Decodes one raw block of exactly `out_size` bytes; false on any error.
bool DecodeRawBlock(const uint8_t* in, int64_t in_size, uint8_t* out, int64_t out_size) {
  char scratch = 0;
  char* dst = out_size > 0 ? reinterpret_cast<char*>(out) : &scratch;
  // Never writes beyond out_size, never reads beyond in_size.
  const int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in), dst,
                                    static_cast<int>(in_size), static_cast<int>(out_size));
  return n >= 0 && n == out_size;
}

class Lz4RawCodec : public Codec {
 public:
  Compression kind() const override { return Compression::kLz4Raw; }
  int64_t MaxCompressedLen(int64_t n) const override {
    // LZ4_compressBound is 0 beyond LZ4_MAX_INPUT_SIZE; Compress rejects those.
    return n > LZ4_MAX_INPUT_SIZE ? 0 : LZ4_compressBound(static_cast<int>(n));
  }

  Result<int64_t> Compress(const uint8_t* in, int64_t in_size, uint8_t* out,
                           int64_t out_capacity) override {
    OUPS_RETURN_NOT_OK(
        CheckCompressArgs(*this, "lz4", in_size, out_capacity, LZ4_MAX_INPUT_SIZE));
    const int capacity = out_capacity > INT32_MAX ? INT32_MAX : static_cast<int>(out_capacity);
    const int n = LZ4_compress_default(reinterpret_cast<const char*>(in),
                                       reinterpret_cast<char*>(out),
                                       static_cast<int>(in_size), capacity);
    if (n <= 0) return Status::Internal("lz4: compression failed");
    return static_cast<int64_t>(n);
  }

  Status Decompress(const uint8_t* in, int64_t in_size, uint8_t* out,
                    int64_t out_size) override {
    OUPS_RETURN_NOT_OK(CheckDecompressArgs("lz4", in_size, out_size, kMaxPageBytes));
    if (!DecodeRawBlock(in, in_size, out, out_size)) {
      return Status::Corruption("lz4: invalid block or size differs from page header (" +
                                std::to_string(out_size) + " bytes)");
    }
    return Status::OK();
  }
};

uint32_t LoadBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) |
         uint32_t{p[3]};
}

// Hadoop framing; false when the bytes are not exactly a sequence of frames
// whose blocks decode to out_size bytes in total.
bool DecodeHadoopFrames(const uint8_t* in, int64_t in_size, uint8_t* out,
                        int64_t out_size) {
  constexpr int64_t kPrefix = 8;
  int64_t in_pos = 0;
  int64_t out_pos = 0;
  while (in_size - in_pos >= kPrefix) {
    const int64_t raw_len = LoadBigEndian32(in + in_pos);
    const int64_t block_len = LoadBigEndian32(in + in_pos + 4);
    in_pos += kPrefix;
    if (block_len > in_size - in_pos || raw_len > out_size - out_pos) return false;
    if (!DecodeRawBlock(in + in_pos, block_len, out + out_pos, raw_len)) return false;
    in_pos += block_len;
    out_pos += raw_len;
    if (in_pos == in_size) return out_pos == out_size;
  }
  return false;
}

class Lz4LegacyCodec final : public Lz4RawCodec {
 public:
  Compression kind() const override { return Compression::kLz4Legacy; }

  Result<int64_t> Compress(const uint8_t*, int64_t, uint8_t*, int64_t) override {
    return Status::NotSupported(
        "lz4: the deprecated Hadoop-framed LZ4 codec is read-only; write LZ4_RAW");
  }

  Status Decompress(const uint8_t* in, int64_t in_size, uint8_t* out,
                    int64_t out_size) override {
    OUPS_RETURN_NOT_OK(CheckDecompressArgs("lz4", in_size, out_size, kMaxPageBytes));
    if (DecodeHadoopFrames(in, in_size, out, out_size)) return Status::OK();
    // A failed framed attempt may have written part of `out`; the raw decode
    // overwrites it in full or fails.
    if (DecodeRawBlock(in, in_size, out, out_size)) return Status::OK();
    return Status::Corruption(
        "lz4: data is neither Hadoop-framed LZ4 nor a raw LZ4 block of " +
        std::to_string(out_size) + " bytes");
  }
};

}  // namespace

std::unique_ptr<Codec> MakeLz4RawCodec() { return std::make_unique<Lz4RawCodec>(); }
std::unique_ptr<Codec> MakeLz4LegacyCodec() { return std::make_unique<Lz4LegacyCodec>(); }

}  // namespace oups::parquet::codec_internal
