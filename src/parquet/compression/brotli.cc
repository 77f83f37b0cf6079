// Brotli codec (libbrotlienc / libbrotlidec one-shot API).
//
// Level (quality): nullopt selects kBrotliDefaultQuality (2), NOT the
// library's default of 11. On 1 MiB of PLAIN tick data (compression_benchmark)
// quality 2 reaches the ratio of qualities 5-9 (0.39 on timestamps, 0.014 on
// prices) at ~180 MB/s and ~1 GB/s, whereas 5+ run below 20 MB/s on timestamps
// and quality 4 is oddly worse on them (0.72). 0..11 accepted.
#include <brotli/decode.h>
#include <brotli/encode.h>

#include <string>

#include "parquet/compression/codec.h"

namespace oups::parquet::codec_internal {
namespace {

constexpr int kBrotliDefaultQuality = 2;

class BrotliCodec final : public Codec {
 public:
  explicit BrotliCodec(int quality) : quality_(quality) {}

  Compression kind() const override { return Compression::kBrotli; }
  int64_t MaxCompressedLen(int64_t n) const override {
    return static_cast<int64_t>(BrotliEncoderMaxCompressedSize(static_cast<size_t>(n)));
  }

  Result<int64_t> Compress(const uint8_t* in, int64_t in_size, uint8_t* out,
                           int64_t out_capacity) override {
    OUPS_RETURN_NOT_OK(
        CheckCompressArgs(*this, "brotli", in_size, out_capacity, kMaxPageBytes));
    size_t size = static_cast<size_t>(out_capacity);
    if (!BrotliEncoderCompress(quality_, BROTLI_DEFAULT_WINDOW, BROTLI_DEFAULT_MODE,
                               static_cast<size_t>(in_size), in, &size, out)) {
      return Status::Internal("brotli: compression failed");
    }
    return static_cast<int64_t>(size);
  }

  Status Decompress(const uint8_t* in, int64_t in_size, uint8_t* out,
                    int64_t out_size) override {
    OUPS_RETURN_NOT_OK(CheckDecompressArgs("brotli", in_size, out_size, kMaxPageBytes));
    uint8_t scratch = 0;
    size_t size = static_cast<size_t>(out_size);
    // Never writes more than `size` bytes: a longer stream is an error.
    const BrotliDecoderResult r = BrotliDecoderDecompress(
        static_cast<size_t>(in_size), in, &size, out_size > 0 ? out : &scratch);
    switch (r) {
      case BROTLI_DECODER_RESULT_SUCCESS:
        break;
      default:
        // The one-shot API folds every failure into RESULT_ERROR.
        return Status::Corruption(
            "brotli: invalid or truncated stream, or more than the " +
            std::to_string(out_size) + " bytes the page header says");
    }
    if (size != static_cast<size_t>(out_size)) {
      return Status::Corruption("brotli: stream holds " + std::to_string(size) +
                                " bytes, page header says " + std::to_string(out_size));
    }
    return Status::OK();
  }

 private:
  int quality_;
};

}  // namespace

Result<std::unique_ptr<Codec>> MakeBrotliCodec(std::optional<int> given) {
  const int level = given.value_or(kBrotliDefaultQuality);
  if (level < BROTLI_MIN_QUALITY || level > BROTLI_MAX_QUALITY) {
    return Status::InvalidArgument("brotli: quality " + std::to_string(level) +
                                   " outside [0, 11]");
  }
  return std::unique_ptr<Codec>(std::make_unique<BrotliCodec>(level));
}

}  // namespace oups::parquet::codec_internal
