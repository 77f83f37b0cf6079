// Zstandard codec. Compression and decompression contexts are created on first
// use and reused by later calls on the same Codec (which is why a Codec must
// not be shared between threads).
//
// Level: nullopt selects ZSTD_CLEVEL_DEFAULT (3), zstd's own default and
// what Arrow, DuckDB and Spark write; any level in
// [ZSTD_minCLevel(), ZSTD_maxCLevel()] is accepted (0 also means 3, negative
// levels trade ratio for speed).
#include <zstd.h>

#include <string>

#include "parquet/compression/codec.h"

namespace oups::parquet::codec_internal {
namespace {

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

class ZstdCodec final : public Codec {
 public:
  explicit ZstdCodec(int level) : level_(level) {}

  Compression kind() const override { return Compression::kZstd; }
  int64_t MaxCompressedLen(int64_t n) const override {
    return static_cast<int64_t>(ZSTD_compressBound(static_cast<size_t>(n)));
  }

  Result<int64_t> Compress(const uint8_t* in, int64_t in_size, uint8_t* out,
                           int64_t out_capacity) override {
    OUPS_RETURN_NOT_OK(
        CheckCompressArgs(*this, "zstd", in_size, out_capacity, kMaxPageBytes));
    if (!cctx_) {
      cctx_.reset(ZSTD_createCCtx());
      if (!cctx_) return Status::Internal("zstd: cannot allocate compression context");
    }
    const size_t r = ZSTD_compressCCtx(cctx_.get(), out, static_cast<size_t>(out_capacity),
                                       in, static_cast<size_t>(in_size), level_);
    if (ZSTD_isError(r)) {
      return Status::Internal(std::string("zstd: compression failed: ") +
                              ZSTD_getErrorName(r));
    }
    return static_cast<int64_t>(r);
  }

  Status Decompress(const uint8_t* in, int64_t in_size, uint8_t* out,
                    int64_t out_size) override {
    OUPS_RETURN_NOT_OK(CheckDecompressArgs("zstd", in_size, out_size, kMaxPageBytes));
    if (!dctx_) {
      dctx_.reset(ZSTD_createDCtx());
      if (!dctx_) return Status::Internal("zstd: cannot allocate decompression context");
    }
    // Bounded by out_size: zstd fails with "Destination buffer is too small"
    // rather than write past it. Concatenated frames are accepted.
    const size_t r = ZSTD_decompressDCtx(dctx_.get(), out, static_cast<size_t>(out_size),
                                         in, static_cast<size_t>(in_size));
    if (ZSTD_isError(r)) {
      return Status::Corruption(std::string("zstd: ") + ZSTD_getErrorName(r));
    }
    if (r != static_cast<size_t>(out_size)) {
      return Status::Corruption("zstd: stream holds " + std::to_string(r) +
                                " bytes, page header says " + std::to_string(out_size));
    }
    return Status::OK();
  }

 private:
  int level_;
  std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx_;
  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx_;
};

}  // namespace

Result<std::unique_ptr<Codec>> MakeZstdCodec(std::optional<int> given) {
  const int level = given.value_or(ZSTD_CLEVEL_DEFAULT);
  if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) {
    return Status::InvalidArgument("zstd: compression level " + std::to_string(level) +
                                   " outside [" + std::to_string(ZSTD_minCLevel()) + ", " +
                                   std::to_string(ZSTD_maxCLevel()) + "]");
  }
  return std::unique_ptr<Codec>(std::make_unique<ZstdCodec>(level));
}

}  // namespace oups::parquet::codec_internal
