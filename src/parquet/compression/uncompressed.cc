// Pass-through codec for Compression::kUncompressed.
#include <cstring>

#include "parquet/compression/codec.h"

namespace oups::parquet::codec_internal {
namespace {

class UncompressedCodec final : public Codec {
 public:
  Compression kind() const override { return Compression::kUncompressed; }
  int64_t MaxCompressedLen(int64_t n) const override { return n; }

  Result<int64_t> Compress(const uint8_t* in, int64_t in_size, uint8_t* out,
                           int64_t out_capacity) override {
    OUPS_RETURN_NOT_OK(
        CheckCompressArgs(*this, "uncompressed", in_size, out_capacity, INT64_MAX));
    if (in_size > 0) std::memcpy(out, in, static_cast<size_t>(in_size));
    return in_size;
  }

  Status Decompress(const uint8_t* in, int64_t in_size, uint8_t* out,
                    int64_t out_size) override {
    OUPS_RETURN_NOT_OK(CheckDecompressArgs("uncompressed", in_size, out_size, INT64_MAX));
    if (in_size != out_size) {
      return Status::Corruption("uncompressed: page holds " + std::to_string(in_size) +
                                " bytes, header says " + std::to_string(out_size));
    }
    if (out_size > 0) std::memcpy(out, in, static_cast<size_t>(out_size));
    return Status::OK();
  }
};

}  // namespace

std::unique_ptr<Codec> MakeUncompressedCodec() {
  return std::make_unique<UncompressedCodec>();
}

}  // namespace oups::parquet::codec_internal
