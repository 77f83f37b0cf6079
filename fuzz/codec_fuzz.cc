// libFuzzer target: every codec's Decompress on hostile bytes.
//
// Byte 0 selects the codec, bytes 1..3 the claimed uncompressed size (bounded by
// 1 MiB), the rest is the compressed input. Decompress must either produce
// exactly that many bytes or fail with a Status; never read past the input or
// write past the output (both exactly-sized heap buffers, checked by ASan).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "parquet/compression/codec.h"

namespace {
using oups::parquet::Compression;
constexpr Compression kCodecs[] = {
    Compression::kUncompressed, Compression::kSnappy,    Compression::kGzip,
    Compression::kBrotli,       Compression::kLz4Legacy, Compression::kZstd,
    Compression::kLz4Raw,
};
constexpr int64_t kMaxOut = int64_t{1} << 20;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const Compression kind = kCodecs[data[0] % (sizeof(kCodecs) / sizeof(kCodecs[0]))];
  const int64_t out_size = (data[1] | (data[2] << 8) | (int64_t(data[3]) << 16)) % (kMaxOut + 1);
  std::vector<uint8_t> in(data + 4, data + size);
  std::vector<uint8_t> out(static_cast<size_t>(out_size));
  auto codec = oups::parquet::MakeCodec(kind);
  if (!codec.ok()) return 0;
  auto st = (*codec)->Decompress(in.data(), static_cast<int64_t>(in.size()), out.data(), out_size);
  (void)st;
  return 0;
}
