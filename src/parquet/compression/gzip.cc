// GZIP codec (zlib). Writes gzip framing (RFC 1952), as Parquet specifies;
// reads gzip or zlib framing (auto-detected), including several concatenated
// gzip members. The z_streams are initialised once and reset per call.
//
// Level: nullopt selects Z_DEFAULT_COMPRESSION (zlib's 6); 0..9 accepted.
#include <zlib.h>

#include <string>

#include "parquet/compression/codec.h"

namespace oups::parquet::codec_internal {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip wrapper
constexpr int kAutoWindowBits = 15 + 32;  // 32 KiB window, detect gzip or zlib
constexpr int kMemLevel = 8;              // zlib's default
// compressBound() covers a zlib wrapper (6 bytes); gzip's is 18.
constexpr int64_t kGzipExtraBound = 18 - 6;

std::string ZMessage(const z_stream& s, int code) {
  return s.msg != nullptr ? std::string(s.msg) : "zlib error " + std::to_string(code);
}

class GzipCodec final : public Codec {
 public:
  explicit GzipCodec(int level) : level_(level) {}
  ~GzipCodec() override {
    if (deflate_ready_) deflateEnd(&deflate_);
    if (inflate_ready_) inflateEnd(&inflate_);
  }

  Compression kind() const override { return Compression::kGzip; }
  int64_t MaxCompressedLen(int64_t n) const override {
    return static_cast<int64_t>(compressBound(static_cast<uLong>(n))) + kGzipExtraBound;
  }

  Result<int64_t> Compress(const uint8_t* in, int64_t in_size, uint8_t* out,
                           int64_t out_capacity) override {
    OUPS_RETURN_NOT_OK(
        CheckCompressArgs(*this, "gzip", in_size, out_capacity, kMaxPageBytes));
    int rc;
    if (!deflate_ready_) {
      deflate_ = z_stream{};
      rc = deflateInit2(&deflate_, level_, Z_DEFLATED, kGzipWindowBits, kMemLevel,
                        Z_DEFAULT_STRATEGY);
      if (rc != Z_OK) return Status::Internal("gzip: deflateInit2: " + ZMessage(deflate_, rc));
      deflate_ready_ = true;
    } else if ((rc = deflateReset(&deflate_)) != Z_OK) {
      return Status::Internal("gzip: deflateReset: " + ZMessage(deflate_, rc));
    }
    deflate_.next_in = const_cast<Bytef*>(in);
    deflate_.avail_in = static_cast<uInt>(in_size);
    deflate_.next_out = out;
    // Capacity beyond 4 GiB is never needed: the bound of a 2 GiB page fits.
    deflate_.avail_out =
        static_cast<uInt>(out_capacity > UINT32_MAX ? UINT32_MAX : out_capacity);
    rc = deflate(&deflate_, Z_FINISH);
    if (rc != Z_STREAM_END) {
      return Status::Internal("gzip: deflate: " + ZMessage(deflate_, rc));
    }
    return static_cast<int64_t>(deflate_.total_out);
  }

  Status Decompress(const uint8_t* in, int64_t in_size, uint8_t* out,
                    int64_t out_size) override {
    OUPS_RETURN_NOT_OK(CheckDecompressArgs("gzip", in_size, out_size, kMaxPageBytes));
    int rc;
    if (!inflate_ready_) {
      inflate_ = z_stream{};
      rc = inflateInit2(&inflate_, kAutoWindowBits);
      if (rc != Z_OK) return Status::Internal("gzip: inflateInit2: " + ZMessage(inflate_, rc));
      inflate_ready_ = true;
    } else if ((rc = inflateReset(&inflate_)) != Z_OK) {
      return Status::Internal("gzip: inflateReset: " + ZMessage(inflate_, rc));
    }
    // zlib rejects a null next_out even when avail_out is 0.
    Bytef scratch = 0;
    inflate_.next_in = const_cast<Bytef*>(in);
    inflate_.avail_in = static_cast<uInt>(in_size);
    inflate_.next_out = out_size > 0 ? out : &scratch;
    inflate_.avail_out = static_cast<uInt>(out_size);
    for (;;) {
      rc = inflate(&inflate_, Z_FINISH);
      if (rc == Z_STREAM_END) {
        // Another gzip member may follow (concatenated streams).
        if (inflate_.avail_in == 0 || inflate_.avail_out == 0) break;
        if ((rc = inflateReset(&inflate_)) != Z_OK) {
          return Status::Internal("gzip: inflateReset: " + ZMessage(inflate_, rc));
        }
        continue;
      }
      if (rc == Z_BUF_ERROR || rc == Z_OK) {
        // No progress possible: output full or input exhausted.
        if (inflate_.avail_in == 0) return Status::Corruption("gzip: truncated stream");
        return Status::Corruption("gzip: stream holds more than the " +
                                  std::to_string(out_size) + " bytes the page header says");
      }
      return Status::Corruption("gzip: " + ZMessage(inflate_, rc));
    }
    const int64_t produced = out_size - static_cast<int64_t>(inflate_.avail_out);
    if (produced != out_size) {
      return Status::Corruption("gzip: stream holds " + std::to_string(produced) +
                                " bytes, page header says " + std::to_string(out_size));
    }
    if (inflate_.avail_in != 0) {
      return Status::Corruption("gzip: " + std::to_string(inflate_.avail_in) +
                                " trailing bytes after the stream");
    }
    return Status::OK();
  }

 private:
  int level_;
  bool deflate_ready_ = false;
  bool inflate_ready_ = false;
  z_stream deflate_{};
  z_stream inflate_{};
};

}  // namespace

Result<std::unique_ptr<Codec>> MakeGzipCodec(std::optional<int> given) {
  const int level = given.value_or(Z_DEFAULT_COMPRESSION);
  if (level != Z_DEFAULT_COMPRESSION && (level < 0 || level > 9)) {
    return Status::InvalidArgument("gzip: compression level " + std::to_string(level) +
                                   " outside [0, 9]");
  }
  return std::unique_ptr<Codec>(std::make_unique<GzipCodec>(level));
}

}  // namespace oups::parquet::codec_internal
