#include "oups/parquet/metadata.h"

#include <algorithm>

#include "parquet/metadata_internal.h"
#include "parquet/schema_convert.h"
#include "parquet/thrift/thrift_codec.h"

namespace oups::parquet {

std::string_view PhysicalTypeName(PhysicalType t) {
  switch (t) {
    case PhysicalType::kBoolean: return "BOOLEAN";
    case PhysicalType::kInt32: return "INT32";
    case PhysicalType::kInt64: return "INT64";
    case PhysicalType::kInt96: return "INT96";
    case PhysicalType::kFloat: return "FLOAT";
    case PhysicalType::kDouble: return "DOUBLE";
    case PhysicalType::kByteArray: return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY";
  }
  return "UNKNOWN";
}

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kPlain: return "PLAIN";
    case Encoding::kPlainDictionary: return "PLAIN_DICTIONARY";
    case Encoding::kRle: return "RLE";
    case Encoding::kBitPacked: return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray: return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary: return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit: return "BYTE_STREAM_SPLIT";
  }
  return "UNKNOWN";
}

int64_t ColumnChunkMetadata::start_offset() const {
  if (dictionary_page_offset.has_value() && *dictionary_page_offset > 0 &&
      *dictionary_page_offset < data_page_offset) {
    return *dictionary_page_offset;
  }
  return data_page_offset;
}

Schema FileMetadata::schema() const {
  std::vector<Field> fields;
  fields.reserve(columns.size());
  for (const auto& c : columns) fields.push_back(Field{c.name, c.logical, c.optional});
  return Schema(std::move(fields));
}

int FileMetadata::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::optional<std::string> FileMetadata::GetKeyValue(std::string_view key) const {
  for (const auto& kv : key_value_metadata) {
    if (kv.key == key) return kv.value.value_or("");
  }
  return std::nullopt;
}

ColumnStatistics ConvertStatistics(const format::Statistics& s, bool legacy_min_max_usable) {
  ColumnStatistics out;
  if (s.__isset.null_count) out.null_count = s.null_count;
  if (s.__isset.distinct_count) out.distinct_count = s.distinct_count;
  if (s.__isset.min_value && s.__isset.max_value) {
    out.min_value = s.min_value;
    out.max_value = s.max_value;
    if (s.__isset.is_min_value_exact) out.is_min_value_exact = s.is_min_value_exact;
    if (s.__isset.is_max_value_exact) out.is_max_value_exact = s.is_max_value_exact;
  } else if (legacy_min_max_usable && s.__isset.min && s.__isset.max) {
    out.min_value = s.min;
    out.max_value = s.max;
  }
  return out;
}

namespace {

// The deprecated min/max fields were written with signed comparison; they are
// only trustworthy where that is the type's order.
bool LegacyMinMaxUsable(const ColumnDescriptor& d) {
  switch (d.physical_type) {
    case PhysicalType::kBoolean:
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return true;
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      return d.logical.is_signed_integer() || d.logical.id == TypeId::kDate32 ||
             d.logical.id == TypeId::kTimestamp;
    default:
      return false;
  }
}

}  // namespace

Result<FileMetadata> ConvertFileMetadata(const format::FileMetaData& fmd, int64_t footer_start) {
  FileMetadata md;
  md.version = fmd.version;
  md.num_rows = fmd.num_rows;
  if (fmd.num_rows < 0) {
    return Status::Corruption("negative row count " + std::to_string(fmd.num_rows));
  }
  if (fmd.__isset.encryption_algorithm) {
    return Status::NotSupported("encrypted Parquet files are not supported");
  }
  md.created_by = fmd.__isset.created_by ? fmd.created_by : "";
  OUPS_ASSIGN_OR_RETURN(md.columns, DescriptorsFromSchema(fmd.schema));
  if (fmd.__isset.key_value_metadata) {
    for (const auto& kv : fmd.key_value_metadata) {
      KeyValue k{kv.key, std::nullopt};
      if (kv.__isset.value) k.value = kv.value;
      md.key_value_metadata.push_back(std::move(k));
    }
  }
  const size_t ncols = md.columns.size();
  int64_t total_rows = 0;
  md.row_groups.reserve(fmd.row_groups.size());
  for (size_t r = 0; r < fmd.row_groups.size(); ++r) {
    const format::RowGroup& rg = fmd.row_groups[r];
    const std::string where = "row group " + std::to_string(r);
    if (rg.columns.size() != ncols) {
      return Status::Corruption(where + " has " + std::to_string(rg.columns.size()) +
                                " column chunks, the schema " + std::to_string(ncols) +
                                " columns");
    }
    if (rg.num_rows < 0) {
      return Status::Corruption(where + ": negative row count " + std::to_string(rg.num_rows));
    }
    if (rg.num_rows > INT64_MAX - total_rows) return Status::Corruption("row count overflow");
    total_rows += rg.num_rows;
    RowGroupMetadata out;
    out.num_rows = rg.num_rows;
    out.total_byte_size = rg.total_byte_size;
    if (rg.__isset.sorting_columns) {
      for (const auto& sc : rg.sorting_columns) {
        if (sc.column_idx < 0 || static_cast<size_t>(sc.column_idx) >= ncols) {
          return Status::Corruption(where + ": sorting column index " +
                                    std::to_string(sc.column_idx) + " out of range");
        }
        out.sorting_columns.push_back({sc.column_idx, sc.descending, sc.nulls_first});
      }
    }
    out.columns.reserve(ncols);
    for (size_t c = 0; c < ncols; ++c) {
      const format::ColumnChunk& cc = rg.columns[c];
      const ColumnDescriptor& desc = md.columns[c];
      const std::string cwhere = where + ", column '" + desc.name + "'";
      if (cc.__isset.file_path && !cc.file_path.empty()) {
        return Status::NotSupported(cwhere + ": column chunk stored in another file ('" +
                                    cc.file_path + "')");
      }
      if (!cc.__isset.meta_data) {
        return Status::Corruption(cwhere + ": column chunk without metadata");
      }
      const format::ColumnMetaData& m = cc.meta_data;
      if (!IsValidEnum(m.type) || static_cast<PhysicalType>(m.type) != desc.physical_type) {
        return Status::Corruption(cwhere + ": chunk type " +
                                  std::to_string(static_cast<int>(m.type)) +
                                  " differs from the schema's " +
                                  std::string(PhysicalTypeName(desc.physical_type)));
      }
      if (!IsValidEnum(m.codec)) {
        return Status::Corruption(cwhere + ": unknown compression codec " +
                                  std::to_string(static_cast<int>(m.codec)));
      }
      ColumnChunkMetadata ch;
      ch.column_index = static_cast<int>(c);
      ch.physical_type = desc.physical_type;
      ch.compression = static_cast<Compression>(m.codec);
      for (auto e : m.encodings) {
        if (IsValidEnum(e)) ch.encodings.push_back(static_cast<Encoding>(e));
      }
      ch.num_values = m.num_values;
      ch.total_compressed_size = m.total_compressed_size;
      ch.total_uncompressed_size = m.total_uncompressed_size;
      ch.data_page_offset = m.data_page_offset;
      if (m.__isset.dictionary_page_offset) ch.dictionary_page_offset = m.dictionary_page_offset;
      if (m.num_values < 0 || m.total_compressed_size < 0 || m.total_uncompressed_size < 0) {
        return Status::Corruption(cwhere + ": negative value count or size");
      }
      // A flat column holds one value (null or not) per row.
      if (rg.num_rows > 0 && m.num_values != rg.num_rows) {
        return Status::Corruption(cwhere + ": the chunk holds " + std::to_string(m.num_values) +
                                  " values, the row group " + std::to_string(rg.num_rows) +
                                  " rows");
      }
      const int64_t start = ch.start_offset();
      // The chunks of a 0-row row group are never read, and their offsets need not point at
      // data: Arrow's writer (pyarrow 26) sets data_page_offset = 0 in the chunks of an
      // empty table, that hold a dictionary page only.
      const bool never_read = rg.num_rows == 0 && m.num_values == 0;
      if (!never_read &&
          (start < 4 || start > footer_start || m.total_compressed_size > footer_start - start)) {
        return Status::Corruption(cwhere + ": byte range [" + std::to_string(start) + ", +" +
                                  std::to_string(m.total_compressed_size) +
                                  ") outside the file's data (4.." +
                                  std::to_string(footer_start) + ")");
      }
      if (m.__isset.statistics) {
        ch.statistics = ConvertStatistics(m.statistics, LegacyMinMaxUsable(desc));
      }
      out.columns.push_back(std::move(ch));
    }
    md.row_groups.push_back(std::move(out));
  }
  if (total_rows != fmd.num_rows) {
    return Status::Corruption("file claims " + std::to_string(fmd.num_rows) +
                              " rows but its row groups hold " + std::to_string(total_rows));
  }
  return md;
}

}  // namespace oups::parquet
