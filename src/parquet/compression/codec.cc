// Codec factory, codec names and the argument checks shared by the codecs.
#include "parquet/compression/codec.h"

#include <cctype>
#include <string>

namespace oups::parquet {

Codec::~Codec() = default;

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kUncompressed:
      return "UNCOMPRESSED";
    case Compression::kSnappy:
      return "SNAPPY";
    case Compression::kGzip:
      return "GZIP";
    case Compression::kLzo:
      return "LZO";
    case Compression::kBrotli:
      return "BROTLI";
    case Compression::kLz4Legacy:
      return "LZ4";
    case Compression::kZstd:
      return "ZSTD";
    case Compression::kLz4Raw:
      return "LZ4_RAW";
  }
  return "UNKNOWN";
}

Result<Compression> ParseCompression(std::string_view name) {
  std::string lower(name);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower == "uncompressed" || lower == "none") return Compression::kUncompressed;
  if (lower == "snappy") return Compression::kSnappy;
  if (lower == "gzip") return Compression::kGzip;
  if (lower == "brotli") return Compression::kBrotli;
  if (lower == "zstd") return Compression::kZstd;
  // Writers only produce LZ4_RAW; the Hadoop-framed LZ4 is read-only.
  if (lower == "lz4_raw" || lower == "lz4") return Compression::kLz4Raw;
  if (lower == "lzo") return Status::NotSupported("compression LZO is not supported");
  return Status::InvalidArgument("unknown compression '" + std::string(name) +
                                 "' (expected uncompressed, snappy, gzip, brotli, "
                                 "zstd or lz4_raw)");
}

Result<CompressionOptions> CompressionOptions::Parse(std::string_view name,
                                                     std::optional<int> level) {
  OUPS_ASSIGN_OR_RETURN(Compression codec, ParseCompression(name));
  CompressionOptions options(codec, level);
  OUPS_RETURN_NOT_OK(options.Validate());
  return options;
}

Status CompressionOptions::Validate() const {
  if (codec == Compression::kLz4Legacy) {
    return Status::InvalidArgument("the Hadoop-framed LZ4 codec is read-only (write lz4_raw)");
  }
  if (codec == Compression::kLzo) return Status::NotSupported("compression LZO is not supported");
  // Only a level can be out of range: a codec (and its compression context) is
  // made for that check alone, not on every write.
  if (!level) return Status::OK();
  return MakeCodec(*this).status();
}

Result<std::unique_ptr<Codec>> MakeCodec(const CompressionOptions& options) {
  return MakeCodec(options.codec, options.level);
}

Result<std::unique_ptr<Codec>> MakeCodec(Compression kind, std::optional<int> level) {
  using namespace codec_internal;  // NOLINT
  switch (kind) {
    case Compression::kUncompressed:
      return MakeUncompressedCodec();
    case Compression::kSnappy:
      return MakeSnappyCodec();
    case Compression::kGzip:
      return MakeGzipCodec(level);
    case Compression::kBrotli:
      return MakeBrotliCodec(level);
    case Compression::kZstd:
      return MakeZstdCodec(level);
    case Compression::kLz4Raw:
      return MakeLz4RawCodec();
    case Compression::kLz4Legacy:
      return MakeLz4LegacyCodec();
    case Compression::kLzo:
      return Status::NotSupported("compression LZO is not supported");
  }
  return Status::NotSupported("unknown compression codec " +
                              std::to_string(static_cast<int>(kind)));
}

namespace codec_internal {

Status CheckCompressArgs(const Codec& codec, const char* name, int64_t in_size,
                         int64_t out_capacity, int64_t max_input) {
  if (in_size < 0 || out_capacity < 0) {
    return Status::InvalidArgument(std::string(name) + ": negative size");
  }
  if (in_size > max_input) {
    return Status::InvalidArgument(std::string(name) + ": input of " +
                                   std::to_string(in_size) + " bytes exceeds " +
                                   std::to_string(max_input));
  }
  const int64_t need = codec.MaxCompressedLen(in_size);
  if (out_capacity < need) {
    return Status::InvalidArgument(std::string(name) + ": output capacity " +
                                   std::to_string(out_capacity) + " < MaxCompressedLen " +
                                   std::to_string(need));
  }
  return Status::OK();
}

Status CheckDecompressArgs(const char* name, int64_t in_size, int64_t out_size,
                           int64_t max_size) {
  if (in_size < 0 || out_size < 0) {
    return Status::Corruption(std::string(name) + ": negative page size");
  }
  if (in_size > max_size || out_size > max_size) {
    return Status::Corruption(std::string(name) + ": page size exceeds " +
                              std::to_string(max_size) + " bytes");
  }
  return Status::OK();
}

}  // namespace codec_internal
}  // namespace oups::parquet
