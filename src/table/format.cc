#include "oups/table/format.h"

#include <charconv>
#include <cmath>
#include <string_view>
#include <vector>

#include "oups/common/civil_time.h"
#include "oups/common/json.h"

namespace oups {
namespace {

using int128 = __int128;
using uint128 = unsigned __int128;

constexpr char kHex[] = "0123456789ABCDEF";

// ------------------------------------------------------------------ numbers and text

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

// The kText rendering of a valid value whose JSON form is a string: `bytes`
// for strings and binary, `i64` for dates and timestamps.
void AppendStringLikeText(const DataType& t, std::string_view bytes, int64_t i64,
                          std::string* out) {
  switch (t.id) {
    case TypeId::kString: out->append(bytes); return;
    case TypeId::kBinary: AppendBlobText(bytes, out); return;
    case TypeId::kDate32: AppendDate(static_cast<int32_t>(i64), out); return;
    case TypeId::kTimestamp: AppendTimestamp(i64, t.unit, !t.timezone.empty(), out); return;
    default: out->append("?"); return;
  }
}

// Appends a string-like text in `format`.
void AppendTextAs(std::string_view text, CellFormat format, std::string* out) {
  switch (format) {
    case CellFormat::kJson: AppendJsonString(text, out); return;
    case CellFormat::kText: out->append(text); return;
    case CellFormat::kCsv:
      if (text.empty()) {
        out->append("\"\"");  // empty text, distinct from null
      } else {
        AppendCsvField(text, out);
      }
      return;
  }
}

// A valid string-like value (see AppendStringLikeText) in `format`. Strings
// go straight to the output.
void AppendStringLike(const DataType& t, std::string_view bytes, int64_t i64, CellFormat format,
                      std::string* out) {
  if (t.id == TypeId::kString) {
    AppendTextAs(bytes, format, out);
    return;
  }
  std::string text;
  AppendStringLikeText(t, bytes, i64, &text);
  AppendTextAs(text, format, out);
}

// A number or bool rendering in `format` (CSV: the digits never need quotes).
void AppendNumberLike(const Column& col, int64_t i, std::string* out) {
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
    default: out->append("?"); return;
  }
}

// Appends slot `i` of `col`, known valid.
void AppendValidCell(const Column& col, int64_t i, CellFormat format, std::string* out) {
  const DataType& t = col.type();
  if (!RendersAsJsonString(t)) {
    AppendNumberLike(col, i, out);
    return;
  }
  const bool bytes = t.id == TypeId::kString || t.id == TypeId::kBinary;
  AppendStringLike(t, bytes ? col.GetView(i) : std::string_view(),
                   t.id == TypeId::kDate32     ? int64_t{col.data<int32_t>()[i]}
                   : t.id == TypeId::kTimestamp ? col.data<int64_t>()[i]
                                                : 0,
                   format, out);
}

Status CheckStream(const std::ostream& out) {
  if (!out) return Status::IOError("printer: write to output stream failed");
  return Status::OK();
}

}  // namespace

// ------------------------------------------------------------------ public renderers

bool RendersAsJsonString(const DataType& type) {
  switch (type.id) {
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kDate32:
    case TypeId::kTimestamp: return true;
    default: return false;
  }
}

void AppendCell(const Column& column, int64_t i, CellFormat format, std::string* out) {
  if (column.IsNull(i)) {
    if (format != CellFormat::kCsv) out->append("null");
    return;
  }
  AppendValidCell(column, i, format, out);
}

std::string FormatCell(const Column& column, int64_t i, CellFormat format) {
  std::string s;
  AppendCell(column, i, format, &s);
  return s;
}

void AppendScalar(const Scalar& value, CellFormat format, std::string* out) {
  if (!value.is_valid()) {
    if (format != CellFormat::kCsv) out->append("null");
    return;
  }
  const DataType& t = value.type();
  if (RendersAsJsonString(t)) {
    AppendStringLike(t, value.bytes(), value.i64(), format, out);
    return;
  }
  switch (t.id) {
    case TypeId::kBool: out->append(value.bool_value() ? "true" : "false"); return;
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDuration: AppendInt(value.i64(), out); return;
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64: AppendUInt(value.u64(), out); return;
    case TypeId::kFloat32:
    case TypeId::kFloat64: AppendDouble(value.f64(), out); return;
    case TypeId::kDecimal: {
      const auto unscaled = static_cast<int128>((static_cast<uint128>(static_cast<uint64_t>(value.i64())) << 64) |
                                                value.u64());
      AppendDecimal(unscaled, t.precision, t.scale, out);
      return;
    }
    default: out->append("?"); return;
  }
}

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
      AppendCell(table.column(c), r, CellFormat::kJson, &line);
    }
    line.append("}\n");
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
    if (!out) break;
  }
  out.flush();
  return CheckStream(out);
}

Status PrintRowsCsv(const Table& table, std::ostream& out, bool header) {
  const int ncols = table.num_columns();
  std::string line;
  if (header) {
    for (int c = 0; c < ncols; ++c) {
      if (c > 0) line.push_back(',');
      AppendCsvField(table.schema().field(c).name, &line);
    }
    line.push_back('\n');
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
  for (int64_t r = 0; r < table.num_rows() && out; ++r) {
    line.clear();
    for (int c = 0; c < ncols; ++c) {
      if (c > 0) line.push_back(',');
      AppendCell(table.column(c), r, CellFormat::kCsv, &line);
    }
    line.push_back('\n');
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
  out.flush();
  return CheckStream(out);
}

}  // namespace oups
