#include "oups/parquet/printer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>
#include <vector>

#include "common/civil_time.h"
#include "common/json.h"

namespace oups::parquet {
namespace {

using int128 = __int128;
using uint128 = unsigned __int128;

constexpr char kHex[] = "0123456789ABCDEF";

// ------------------------------------------------------------------ scalars

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

void AppendUInt(uint64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

// Two-digit (or `width`-digit) zero-padded non-negative number.
void AppendPadded(int64_t v, int width, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  for (int n = static_cast<int>(r.ptr - buf); n < width; ++n) out->push_back('0');
  out->append(buf, r.ptr);
}

// A JSON string literal, escaped as DuckDB's JSON writer does.
void AppendJsonString(std::string_view s, std::string* out) {
  json::AppendQuoted(s, out, json::HexCase::kUpper);
}

// DuckDB's BLOB -> VARCHAR text.
void AppendBlobText(std::string_view bytes, std::string* out) {
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c <= 0x7E && c != '"' && c != '\'' && c != '\\') {
      out->push_back(ch);
    } else {
      out->append("\\x");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

// Proleptic Gregorian date of `days` since 1970-01-01, DuckDB style.
void AppendCivilDate(int64_t days, std::string* out) {
  const civil::CivilDate date = civil::CivilFromDays(days);
  const int64_t y = date.year, m = date.month, d = date.day;
  const bool bc = y <= 0;
  AppendPadded(bc ? 1 - y : y, 4, out);
  out->push_back('-');
  AppendPadded(m, 2, out);
  out->push_back('-');
  AppendPadded(d, 2, out);
  if (bc) out->append(" (BC)");
}

void AppendDecimalExact(int128 unscaled, int32_t scale, std::string* out) {
  const bool negative = unscaled < 0;
  uint128 mag = negative ? uint128(0) - static_cast<uint128>(unscaled)
                         : static_cast<uint128>(unscaled);
  char buf[64];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(mag % 10));
    mag /= 10;
  } while (mag != 0);
  while (n < scale + 1) buf[n++] = '0';
  if (negative) out->push_back('-');
  for (int k = n - 1; k >= 0; --k) {
    out->push_back(buf[k]);
    if (k == scale && scale > 0) out->push_back('.');
  }
}

void AppendDecimal(int128 unscaled, int32_t precision, int32_t scale, std::string* out) {
  if (precision > 15) {
    AppendDecimalExact(unscaled, scale, out);
    return;
  }
  // DuckDB converts narrow decimals to DOUBLE for JSON: value / 10^scale, with
  // both operands exact in a double (|value| < 10^15), hence correctly rounded.
  double divisor = 1.0;
  for (int32_t k = 0; k < scale; ++k) divisor *= 10.0;
  AppendDouble(static_cast<double>(unscaled) / divisor, out);
}

int128 LoadDecimal128(const uint8_t* p) {
  uint128 v = 0;
  for (int k = 15; k >= 0; --k) v = (v << 8) | p[k];
  return static_cast<int128>(v);
}

// ------------------------------------------------------------------ cells

enum class Mode { kJson, kCsv };

// Appends the rendering of slot `i` of `col` (not null).
void AppendValue(const Column& col, int64_t i, Mode mode, std::string* out) {
  const DataType& t = col.type();
  switch (t.id) {
    case TypeId::kBool: out->append(col.GetBool(i) ? "true" : "false"); return;
    case TypeId::kInt8: AppendInt(col.data<int8_t>()[i], out); return;
    case TypeId::kInt16: AppendInt(col.data<int16_t>()[i], out); return;
    case TypeId::kInt32: AppendInt(col.data<int32_t>()[i], out); return;
    case TypeId::kInt64: AppendInt(col.data<int64_t>()[i], out); return;
    case TypeId::kUInt8: AppendUInt(col.data<uint8_t>()[i], out); return;
    case TypeId::kUInt16: AppendUInt(col.data<uint16_t>()[i], out); return;
    case TypeId::kUInt32: AppendUInt(col.data<uint32_t>()[i], out); return;
    case TypeId::kUInt64: AppendUInt(col.data<uint64_t>()[i], out); return;
    case TypeId::kFloat32: AppendDouble(static_cast<double>(col.data<float>()[i]), out); return;
    case TypeId::kFloat64: AppendDouble(col.data<double>()[i], out); return;
    // Durations carry no Parquet annotation DuckDB knows: it reads them as BIGINT.
    case TypeId::kDuration: AppendInt(col.data<int64_t>()[i], out); return;
    case TypeId::kDecimal: {
      const uint8_t* p = col.values()->data() + (col.offset() + i) * 16;
      AppendDecimal(LoadDecimal128(p), t.precision, t.scale, out);
      return;
    }
    default: break;
  }
  // Text values: quoted and escaped in JSON, raw in CSV.
  std::string text;
  std::string* dst = mode == Mode::kCsv ? out : &text;
  switch (t.id) {
    case TypeId::kString:
      if (mode == Mode::kJson) {
        AppendJsonString(col.GetView(i), out);
        return;
      }
      out->append(col.GetView(i));
      return;
    case TypeId::kBinary: AppendBlobText(col.GetView(i), dst); break;
    case TypeId::kDate32: AppendDate(col.data<int32_t>()[i], dst); break;
    case TypeId::kTimestamp:
      AppendTimestamp(col.data<int64_t>()[i], t.unit, !t.timezone.empty(), dst);
      break;
    default: dst->append("?"); break;
  }
  if (mode == Mode::kJson) AppendJsonString(text, out);
}

Status CheckStream(const std::ostream& out) {
  if (!out) return Status::IOError("printer: write to output stream failed");
  return Status::OK();
}

bool NeedsCsvQuotes(std::string_view s) {
  return s.find_first_of(",\"\r\n") != std::string_view::npos;
}

void AppendCsvField(std::string_view s, std::string* out) {
  if (!NeedsCsvQuotes(s)) {
    out->append(s);
    return;
  }
  out->push_back('"');
  for (char c : s) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
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

// ------------------------------------------------------------------ statistics decoding

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

template <typename T>
T LoadLE(std::string_view b) {
  T v;
  std::memcpy(&v, b.data(), sizeof(T));
  return v;
}

std::shared_ptr<Buffer> FixedBuffer(const void* p, size_t n) {
  return Buffer::CopyOf(std::string_view(static_cast<const char*>(p), n));
}

// Decodes a statistics value (PLAIN bytes of the physical type) into a one-slot
// Column of the column's in-memory type, so that it renders like a row value.
Result<Column> DecodeStatValue(const ColumnDescriptor& d, std::string_view b) {
  DataType t = d.logical;
  auto need = [&](size_t n) -> Status {
    if (b.size() != n) {
      return Status::Corruption("statistics value of " + std::to_string(b.size()) +
                                " bytes for physical type " +
                                std::string(PhysicalTypeName(d.physical_type)));
    }
    return Status::OK();
  };
  auto fixed = [&](const void* p, size_t n) {
    return Column(t, 1, nullptr, FixedBuffer(p, n));
  };
  switch (t.id) {
    case TypeId::kBool: {
      OUPS_RETURN_NOT_OK(need(1));
      const uint8_t bit = static_cast<uint8_t>(b[0] & 1);
      return fixed(&bit, 1);
    }
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kDate32: {
      OUPS_RETURN_NOT_OK(need(4));
      // Little-endian: the narrow value is the low bytes of the INT32.
      return fixed(b.data(), static_cast<size_t>(t.byte_width()));
    }
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kDuration:
      OUPS_RETURN_NOT_OK(need(8));
      return fixed(b.data(), 8);
    case TypeId::kTimestamp: {
      if (d.physical_type == PhysicalType::kInt96) {
        OUPS_RETURN_NOT_OK(need(12));
        const auto nanos_of_day = LoadLE<int64_t>(b.substr(0, 8));
        const auto julian_day = LoadLE<int32_t>(b.substr(8, 4));
        const int64_t ns = (int64_t{julian_day} - 2440588) * 86400LL * 1000000000LL + nanos_of_day;
        t.unit = TimeUnit::kNano;
        return fixed(&ns, 8);
      }
      OUPS_RETURN_NOT_OK(need(8));
      // The stored unit is the one the file declares (seconds are stored as ms).
      const std::string& ln = d.logical_name;
      if (ln.find("MILLIS") != std::string::npos) t.unit = TimeUnit::kMilli;
      if (ln.find("MICROS") != std::string::npos) t.unit = TimeUnit::kMicro;
      if (ln.find("NANOS") != std::string::npos) t.unit = TimeUnit::kNano;
      return fixed(b.data(), 8);
    }
    case TypeId::kFloat32:
      OUPS_RETURN_NOT_OK(need(4));
      return fixed(b.data(), 4);
    case TypeId::kFloat64:
      OUPS_RETURN_NOT_OK(need(8));
      return fixed(b.data(), 8);
    case TypeId::kString:
    case TypeId::kBinary: {
      const int64_t offsets[2] = {0, static_cast<int64_t>(b.size())};
      return Column(t, 1, nullptr, Buffer::CopyOf(b), FixedBuffer(offsets, sizeof(offsets)));
    }
    case TypeId::kDecimal: {
      int128 v = 0;
      if (d.physical_type == PhysicalType::kInt32) {
        OUPS_RETURN_NOT_OK(need(4));
        v = LoadLE<int32_t>(b);
      } else if (d.physical_type == PhysicalType::kInt64) {
        OUPS_RETURN_NOT_OK(need(8));
        v = LoadLE<int64_t>(b);
      } else {
        if (b.empty() || b.size() > 16) {
          return Status::Corruption("decimal statistics value of " + std::to_string(b.size()) +
                                    " bytes");
        }
        // Big-endian two's complement, sign-extended.
        uint128 u = (static_cast<unsigned char>(b[0]) & 0x80) ? ~uint128(0) : 0;
        for (char c : b) u = (u << 8) | static_cast<unsigned char>(c);
        v = static_cast<int128>(u);
      }
      uint8_t bytes[16];
      auto u = static_cast<uint128>(v);
      for (int k = 0; k < 16; ++k) bytes[k] = static_cast<uint8_t>(u >> (8 * k));
      return fixed(bytes, 16);
    }
  }
  return Status::NotSupported("statistics of type " + t.ToString());
}

void WriteStatValue(JsonDoc& doc, const ColumnDescriptor* d, const std::string& bytes) {
  if (d != nullptr) {
    Result<Column> col = DecodeStatValue(*d, bytes);
    if (col.ok()) {
      std::string s;
      AppendValue(*col, 0, Mode::kJson, &s);
      doc.Raw(s);
      return;
    }
  }
  // Not decodable through the declared type: show the raw bytes.
  std::string s = "raw:";
  AppendBlobText(bytes, &s);
  doc.String(s);
}

}  // namespace

// ------------------------------------------------------------------ public renderers

void AppendDouble(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "Infinity" : "-Infinity");
    return;
  }
  if (value == 0) {
    out->append(std::signbit(value) ? "-0.0" : "0.0");
    return;
  }
  // Shortest round-trip digits in scientific form: "-d.ddde±XX".
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
  if (sci.front() == '-') {
    out->push_back('-');
    sci.remove_prefix(1);
  }
  const size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exp10 = 0;
  std::string_view exp_text = sci.substr(e_pos + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp10);
  const int n = static_cast<int>(digits.size());
  const int k = exp10 + 1;  // value = 0.d1d2...dn * 10^k
  if (k > -6 && k <= 21) {
    if (k <= 0) {
      out->append("0.");
      out->append(static_cast<size_t>(-k), '0');
      out->append(digits);
    } else if (k < n) {
      out->append(digits, 0, static_cast<size_t>(k));
      out->push_back('.');
      out->append(digits, static_cast<size_t>(k), std::string::npos);
    } else {
      out->append(digits);
      out->append(static_cast<size_t>(k - n), '0');
      out->append(".0");
    }
    return;
  }
  out->push_back(digits[0]);
  if (n > 1) {
    out->push_back('.');
    out->append(digits, 1, std::string::npos);
  }
  out->push_back('e');
  AppendInt(k - 1, out);
}

void AppendDate(int32_t days, std::string* out) { AppendCivilDate(days, out); }

void AppendTimestamp(int64_t value, TimeUnit unit, bool adjusted_to_utc, std::string* out) {
  if (adjusted_to_utc && unit == TimeUnit::kNano) {
    // DuckDB reads adjusted-to-UTC nanoseconds as TIMESTAMP WITH TIME ZONE, which
    // holds microseconds: the conversion truncates toward zero.
    value /= 1000;
    unit = TimeUnit::kMicro;
  }
  int64_t per_second = 1;
  int frac_digits = 0;
  switch (unit) {
    case TimeUnit::kSecond: break;
    case TimeUnit::kMilli: per_second = 1000; frac_digits = 3; break;
    case TimeUnit::kMicro: per_second = 1000000; frac_digits = 6; break;
    case TimeUnit::kNano: per_second = 1000000000; frac_digits = 9; break;
  }
  const int64_t seconds = civil::FloorDiv(value, per_second);
  int64_t frac = civil::FloorMod(value, per_second);
  const int64_t days = civil::FloorDiv(seconds, civil::kSecondsPerDay);
  const int64_t sod = civil::FloorMod(seconds, civil::kSecondsPerDay);
  AppendCivilDate(days, out);
  out->push_back(' ');
  AppendPadded(sod / 3600, 2, out);
  out->push_back(':');
  AppendPadded(sod / 60 % 60, 2, out);
  out->push_back(':');
  AppendPadded(sod % 60, 2, out);
  if (frac != 0) {
    while (frac % 10 == 0) {
      frac /= 10;
      --frac_digits;
    }
    out->push_back('.');
    AppendPadded(frac, frac_digits, out);
  }
  if (adjusted_to_utc) out->append("+00");
}

Status PrintRowsJsonl(const Table& table, std::ostream& out) {
  const int ncols = table.num_columns();
  std::vector<std::string> keys;
  keys.reserve(static_cast<size_t>(ncols));
  for (int c = 0; c < ncols; ++c) {
    std::string k;
    AppendJsonString(table.schema().field(c).name, &k);
    k.push_back(':');
    keys.push_back(std::move(k));
  }
  std::string line;
  for (int64_t r = 0; r < table.num_rows(); ++r) {
    line.clear();
    line.push_back('{');
    for (int c = 0; c < ncols; ++c) {
      if (c > 0) line.push_back(',');
      line.append(keys[static_cast<size_t>(c)]);
      const Column& col = table.column(c);
      if (col.IsNull(r)) {
        line.append("null");
      } else {
        AppendValue(col, r, Mode::kJson, &line);
      }
    }
    line.append("}\n");
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
    if (!out) break;
  }
  out.flush();
  return CheckStream(out);
}

Status PrintRowsCsv(const Table& table, std::ostream& out) {
  const int ncols = table.num_columns();
  std::string line;
  for (int c = 0; c < ncols; ++c) {
    if (c > 0) line.push_back(',');
    AppendCsvField(table.schema().field(c).name, &line);
  }
  line.push_back('\n');
  out.write(line.data(), static_cast<std::streamsize>(line.size()));
  std::string cell;
  for (int64_t r = 0; r < table.num_rows() && out; ++r) {
    line.clear();
    for (int c = 0; c < ncols; ++c) {
      if (c > 0) line.push_back(',');
      const Column& col = table.column(c);
      if (col.IsNull(r)) continue;
      cell.clear();
      AppendValue(col, r, Mode::kCsv, &cell);
      if (cell.empty()) {
        line.append("\"\"");  // empty string, distinct from null
      } else {
        AppendCsvField(cell, &line);
      }
    }
    line.push_back('\n');
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
  out.flush();
  return CheckStream(out);
}

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
