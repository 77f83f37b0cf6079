// Writer and reader options of the Parquet engine.
//
// Plain option structs, meant for designated initialisers:
//   oups::parquet::WriterOptions{.compression = {Compression::kZstd, 3}}
// Thread-safety: value types.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oups/result.h"
#include "oups/version.h"

namespace oups::parquet {

// Values are Parquet's CompressionCodec enum.
enum class Compression : int {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,        // not supported
  kBrotli = 4,
  kLz4Legacy = 5,  // deprecated Hadoop-framed LZ4: read only
  kZstd = 6,
  kLz4Raw = 7,
};

// Values are the format's Encoding enum.
enum class Encoding : int {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};
std::string_view EncodingName(Encoding e);

std::string_view CompressionName(Compression c);  // "SNAPPY", "ZSTD", ...
// Parses "snappy", "zstd", "gzip", "lz4_raw"/"lz4", "brotli", "uncompressed"/"none".
Result<Compression> ParseCompression(std::string_view name);

// A codec and its level: the one type naming a compression, from a Parquet
// writer's options up to a dataset write, the Python keywords and the CLI flag.
// Implicit from a Compression (default level).
struct CompressionOptions {
  Compression codec = Compression::kSnappy;
  // ZSTD, GZIP and BROTLI: their level (nullopt: the codec's default, see
  // docs/parquet.md); the other codecs have no level and ignore it.
  std::optional<int> level{};

  CompressionOptions() = default;
  CompressionOptions(Compression c, std::optional<int> l = std::nullopt)  // NOLINT: implicit
      : codec(c), level(l) {}
  // A codec by name (as ParseCompression) with a level, checked as Validate.
  [[nodiscard]] static Result<CompressionOptions> Parse(std::string_view name,
                                                        std::optional<int> level = std::nullopt);
  // OK when files can be written with it: InvalidArgument naming a level
  // outside the codec's range or the read-only legacy LZ4; NotSupported for LZO.
  [[nodiscard]] Status Validate() const;
  friend bool operator==(const CompressionOptions&, const CompressionOptions&) = default;
};

struct KeyValue {
  std::string key{};
  std::optional<std::string> value{};  // Parquet allows a key without value
  friend bool operator==(const KeyValue& a, const KeyValue& b) {
    return a.key == b.key && a.value == b.value;
  }
};

struct WriterOptions {
  CompressionOptions compression{};
  // Rows per row group; a table larger than this is split.
  int64_t row_group_size = 1 << 20;
  // Target uncompressed bytes of values per data page.
  int64_t data_page_size = 1 << 20;
  bool dictionary = true;
  // A column falls back to PLAIN once its dictionary grows beyond this many
  // bytes (PLAIN-encoded size) or when it does not make the data smaller.
  int64_t dictionary_page_size_limit = 1 << 20;
  bool write_statistics = true;
  // File-level key-value metadata.
  std::vector<KeyValue> key_value_metadata{};
  // Column the rows are sorted on (ascending, nulls first): recorded as the row
  // groups' sorting_columns.
  std::optional<std::string> sorting_column{};
  // Threads encoding the columns of a row group in parallel (1 = the calling
  // thread only).
  int num_threads = 1;
  // Encoding of the values of columns that are not dictionary-encoded (dictionary
  // disabled, or not worth it), by column name; unlisted columns use PLAIN.
  // Accepted: kPlain; kDeltaBinaryPacked (INT32/INT64 columns);
  // kDeltaLengthByteArray and kDeltaByteArray (string/binary); kByteStreamSplit
  // (fixed-width numeric columns). Anything else is InvalidArgument at Open.
  std::map<std::string, Encoding> column_encodings{};
  // Data page format: 1 (DATA_PAGE, the most widely read) or 2 (DATA_PAGE_V2:
  // levels stored uncompressed before the compressed values).
  int data_page_version = 1;
  // Write each page's CRC-32 into its header's `crc` field (Parquet's page
  // checksum, over the page bytes as stored). Readers verify it when present.
  bool page_checksums = true;
  // Written into FileMetaData.created_by.
  std::string created_by = "oups version " OUPS_VERSION_STRING;
};

}  // namespace oups::parquet
