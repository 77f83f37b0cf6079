// Parquet file metadata as oups's own plain structs (no thrift types).
//
// FileMetadata describes a file's schema, its row groups and their column
// chunks with statistics, and its key-value metadata, as read from the footer or
// as written. Statistics min/max are kept as the raw PLAIN-encoded bytes of the
// physical type plus a decoded, printable form.
//
// Thread-safety: immutable value types once built.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "oups/parquet/properties.h"
#include "oups/table/column.h"

namespace oups::parquet {

// Parquet physical types (values are the format's Type enum).
enum class PhysicalType : int {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};
std::string_view PhysicalTypeName(PhysicalType t);



// One leaf column of a flat schema.
struct ColumnDescriptor {
  std::string name{};
  PhysicalType physical_type = PhysicalType::kInt64;
  int32_t type_length = 0;       // FIXED_LEN_BYTE_ARRAY width
  bool optional = true;          // repetition OPTIONAL (else REQUIRED)
  DataType logical{};              // the in-memory type this column reads as
  std::string logical_name{};      // e.g. "TIMESTAMP(NANOS,true)", "STRING", "" (none)
  std::optional<int32_t> converted_type;  // legacy ConvertedType enum value
};

struct ColumnStatistics {
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  // PLAIN bytes of the physical type (no length prefix for BYTE_ARRAY).
  std::optional<std::string> min_value{};
  std::optional<std::string> max_value{};
  bool is_max_value_exact = true;
  bool is_min_value_exact = true;
  bool has_min_max() const { return min_value.has_value() && max_value.has_value(); }
};

struct ColumnChunkMetadata {
  int column_index = 0;
  PhysicalType physical_type = PhysicalType::kInt64;
  Compression compression = Compression::kUncompressed;
  std::vector<Encoding> encodings{};
  int64_t num_values = 0;
  int64_t total_compressed_size = 0;
  int64_t total_uncompressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<ColumnStatistics> statistics{};
  // Byte range [start, start + length) covering the chunk's pages.
  int64_t start_offset() const;
};

struct SortingColumn {
  int column_index = 0;
  bool descending = false;
  bool nulls_first = true;
};

struct RowGroupMetadata {
  int64_t num_rows = 0;
  int64_t total_byte_size = 0;
  std::vector<ColumnChunkMetadata> columns{};
  std::vector<SortingColumn> sorting_columns{};
};

struct FileMetadata {
  int32_t version = 1;
  int64_t num_rows = 0;
  std::string created_by{};
  std::vector<ColumnDescriptor> columns{};
  std::vector<RowGroupMetadata> row_groups{};
  std::vector<KeyValue> key_value_metadata{};
  int64_t footer_size = 0;  // bytes of the serialized FileMetaData

  // The in-memory schema a full read produces.
  Schema schema() const;
  // Index of the column named `name`, or -1.
  int ColumnIndex(std::string_view name) const;
  // Value of a key-value entry, if present.
  std::optional<std::string> GetKeyValue(std::string_view key) const;
};

}  // namespace oups::parquet
