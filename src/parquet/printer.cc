#include "oups/parquet/printer.h"

#include <charconv>
#include <string_view>
#include <vector>

#include "oups/common/json.h"
#include "oups/parquet/statistics.h"
#include "oups/table/format.h"

namespace oups::parquet {
namespace {

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

// A JSON string literal, escaped as the row printer escapes (table/format.h).
void AppendJsonString(std::string_view s, std::string* out) {
  json::AppendQuoted(s, out, json::HexCase::kUpper);
}

Status CheckStream(const std::ostream& out) {
  if (!out) return Status::IOError("printer: write to output stream failed");
  return Status::OK();
}

// ------------------------------------------------------------------ JSON document writer

// Minimal indented JSON writer for the metadata document.
class JsonDoc {
 public:
  explicit JsonDoc(std::string* out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key) {
    Separate();
    AppendJsonString(key, out_);
    out_->append(": ");
    after_key_ = true;
  }
  // A scalar already rendered as JSON.
  void Raw(std::string_view json) {
    Separate();
    out_->append(json);
  }
  void String(std::string_view s) {
    Separate();
    AppendJsonString(s, out_);
  }
  void Int(int64_t v) {
    Separate();
    AppendInt(v, out_);
  }
  void Bool(bool v) { Raw(v ? "true" : "false"); }
  void Null() { Raw("null"); }

 private:
  void Separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out_->push_back(',');
      first_.back() = false;
      out_->push_back('\n');
      out_->append(2 * first_.size(), ' ');
    }
  }
  void Open(char c) {
    Separate();
    out_->push_back(c);
    first_.push_back(true);
  }
  void Close(char c) {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty) {
      out_->push_back('\n');
      out_->append(2 * first_.size(), ' ');
    }
    out_->push_back(c);
  }

  std::string* out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

// ------------------------------------------------------------------ statistics

std::string_view ConvertedTypeName(int32_t v) {
  static constexpr std::string_view kNames[] = {
      "UTF8",          "MAP",           "MAP_KEY_VALUE",    "LIST",
      "ENUM",          "DECIMAL",       "DATE",             "TIME_MILLIS",
      "TIME_MICROS",   "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8",
      "UINT_16",       "UINT_32",       "UINT_64",          "INT_8",
      "INT_16",        "INT_32",        "INT_64",           "JSON",
      "BSON",          "INTERVAL"};
  if (v >= 0 && v < static_cast<int32_t>(std::size(kNames))) return kNames[v];
  return "UNKNOWN";
}

// A min/max statistic decoded through the column's type (statistics.h) and
// rendered as a row value would be; the raw bytes when it cannot be decoded.
void WriteStatValue(JsonDoc& doc, const ColumnDescriptor* d, const std::string& bytes) {
  if (d != nullptr) {
    Result<Scalar> value = DecodeStatistic(*d, bytes);
    if (value.ok()) {
      std::string s;
      AppendScalar(*value, CellFormat::kJson, &s);
      doc.Raw(s);
      return;
    }
  }
  // Not decodable through the declared type: show the raw bytes (blob text).
  std::string s = "raw:";
  AppendScalar(Scalar::Binary(bytes), CellFormat::kText, &s);
  doc.String(s);
}

}  // namespace

Status PrintMetadataJson(const FileMetadata& md, std::ostream& out) {
  std::string s;
  JsonDoc doc(&s);
  doc.BeginObject();
  doc.Key("version");
  doc.Int(md.version);
  doc.Key("num_rows");
  doc.Int(md.num_rows);
  doc.Key("created_by");
  doc.String(md.created_by);
  doc.Key("footer_size");
  doc.Int(md.footer_size);
  doc.Key("num_row_groups");
  doc.Int(static_cast<int64_t>(md.row_groups.size()));

  doc.Key("schema");
  doc.BeginArray();
  for (const ColumnDescriptor& c : md.columns) {
    doc.BeginObject();
    doc.Key("name");
    doc.String(c.name);
    doc.Key("physical_type");
    doc.String(PhysicalTypeName(c.physical_type));
    if (c.physical_type == PhysicalType::kFixedLenByteArray) {
      doc.Key("type_length");
      doc.Int(c.type_length);
    }
    doc.Key("repetition");
    doc.String(c.optional ? "OPTIONAL" : "REQUIRED");
    doc.Key("logical_type");
    if (c.logical_name.empty()) {
      doc.Null();
    } else {
      doc.String(c.logical_name);
    }
    doc.Key("converted_type");
    if (c.converted_type) {
      doc.String(ConvertedTypeName(*c.converted_type));
    } else {
      doc.Null();
    }
    doc.Key("oups_type");
    doc.String(c.logical.ToString());
    doc.EndObject();
  }
  doc.EndArray();

  doc.Key("row_groups");
  doc.BeginArray();
  for (size_t g = 0; g < md.row_groups.size(); ++g) {
    const RowGroupMetadata& rg = md.row_groups[g];
    doc.BeginObject();
    doc.Key("index");
    doc.Int(static_cast<int64_t>(g));
    doc.Key("num_rows");
    doc.Int(rg.num_rows);
    doc.Key("total_byte_size");
    doc.Int(rg.total_byte_size);
    if (!rg.sorting_columns.empty()) {
      doc.Key("sorting_columns");
      doc.BeginArray();
      for (const SortingColumn& sc : rg.sorting_columns) {
        doc.BeginObject();
        doc.Key("column_index");
        doc.Int(sc.column_index);
        if (sc.column_index >= 0 && sc.column_index < static_cast<int>(md.columns.size())) {
          doc.Key("column");
          doc.String(md.columns[static_cast<size_t>(sc.column_index)].name);
        }
        doc.Key("descending");
        doc.Bool(sc.descending);
        doc.Key("nulls_first");
        doc.Bool(sc.nulls_first);
        doc.EndObject();
      }
      doc.EndArray();
    }
    doc.Key("columns");
    doc.BeginArray();
    for (const ColumnChunkMetadata& cc : rg.columns) {
      const ColumnDescriptor* d =
          cc.column_index >= 0 && cc.column_index < static_cast<int>(md.columns.size())
              ? &md.columns[static_cast<size_t>(cc.column_index)]
              : nullptr;
      doc.BeginObject();
      doc.Key("column");
      if (d != nullptr) {
        doc.String(d->name);
      } else {
        doc.Int(cc.column_index);
      }
      doc.Key("physical_type");
      doc.String(PhysicalTypeName(cc.physical_type));
      doc.Key("codec");
      doc.String(CompressionName(cc.compression));
      doc.Key("encodings");
      doc.BeginArray();
      for (Encoding e : cc.encodings) doc.String(EncodingName(e));
      doc.EndArray();
      doc.Key("num_values");
      doc.Int(cc.num_values);
      doc.Key("total_compressed_size");
      doc.Int(cc.total_compressed_size);
      doc.Key("total_uncompressed_size");
      doc.Int(cc.total_uncompressed_size);
      doc.Key("data_page_offset");
      doc.Int(cc.data_page_offset);
      doc.Key("dictionary_page_offset");
      if (cc.dictionary_page_offset) {
        doc.Int(*cc.dictionary_page_offset);
      } else {
        doc.Null();
      }
      doc.Key("statistics");
      if (!cc.statistics) {
        doc.Null();
      } else {
        const ColumnStatistics& st = *cc.statistics;
        doc.BeginObject();
        doc.Key("null_count");
        if (st.null_count) {
          doc.Int(*st.null_count);
        } else {
          doc.Null();
        }
        if (st.distinct_count) {
          doc.Key("distinct_count");
          doc.Int(*st.distinct_count);
        }
        doc.Key("min");
        if (st.min_value) {
          WriteStatValue(doc, d, *st.min_value);
        } else {
          doc.Null();
        }
        doc.Key("max");
        if (st.max_value) {
          WriteStatValue(doc, d, *st.max_value);
        } else {
          doc.Null();
        }
        doc.Key("is_min_value_exact");
        doc.Bool(st.is_min_value_exact);
        doc.Key("is_max_value_exact");
        doc.Bool(st.is_max_value_exact);
        doc.EndObject();
      }
      doc.EndObject();
    }
    doc.EndArray();
    doc.EndObject();
  }
  doc.EndArray();

  doc.Key("key_value_metadata");
  doc.BeginArray();
  for (const KeyValue& kv : md.key_value_metadata) {
    doc.BeginObject();
    doc.Key("key");
    doc.String(kv.key);
    doc.Key("value");
    if (kv.value) {
      doc.String(*kv.value);
    } else {
      doc.Null();
    }
    doc.EndObject();
  }
  doc.EndArray();
  doc.EndObject();
  s.push_back('\n');
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
  out.flush();
  return CheckStream(out);
}

}  // namespace oups::parquet
