// Snappy codec (libsnappy raw format, as Parquet stores it: a varint
// uncompressed length followed by the compressed stream).
#include <snappy.h>

#include <string>

#include "parquet/compression/codec.h"

namespace oups::parquet::codec_internal {
namespace {

class SnappyCodec final : public Codec {
 public:
  Compression kind() const override { return Compression::kSnappy; }
  int64_t MaxCompressedLen(int64_t n) const override {
    return static_cast<int64_t>(snappy::MaxCompressedLength(static_cast<size_t>(n)));
  }

  Result<int64_t> Compress(const uint8_t* in, int64_t in_size, uint8_t* out,
                           int64_t out_capacity) override {
    // Snappy's length header is a 32-bit varint.
    OUPS_RETURN_NOT_OK(
        CheckCompressArgs(*this, "snappy", in_size, out_capacity, kMaxPageBytes));
    size_t written = 0;
    static const char kEmpty = 0;
    snappy::RawCompress(in_size > 0 ? reinterpret_cast<const char*>(in) : &kEmpty,
                        static_cast<size_t>(in_size), reinterpret_cast<char*>(out),
                        &written);
    return static_cast<int64_t>(written);
  }

  Status Decompress(const uint8_t* in, int64_t in_size, uint8_t* out,
                    int64_t out_size) override {
    OUPS_RETURN_NOT_OK(CheckDecompressArgs("snappy", in_size, out_size, kMaxPageBytes));
    const char* src = reinterpret_cast<const char*>(in);
    size_t declared = 0;
    if (in_size == 0 ||
        !snappy::GetUncompressedLength(src, static_cast<size_t>(in_size), &declared)) {
      return Status::Corruption("snappy: invalid length header");
    }
    // RawUncompress writes exactly `declared` bytes: check it fits first.
    if (declared != static_cast<size_t>(out_size)) {
      return Status::Corruption("snappy: stream holds " + std::to_string(declared) +
                                " bytes, page header says " + std::to_string(out_size));
    }
    char scratch = 0;
    char* dst = out_size > 0 ? reinterpret_cast<char*>(out) : &scratch;
    if (!snappy::RawUncompress(src, static_cast<size_t>(in_size), dst)) {
      return Status::Corruption("snappy: invalid compressed data");
    }
    return Status::OK();
  }
};

}  // namespace

std::unique_ptr<Codec> MakeSnappyCodec() { return std::make_unique<SnappyCodec>(); }

}  // namespace oups::parquet::codec_internal
