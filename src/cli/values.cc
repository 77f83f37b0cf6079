#include "cli/values.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "cli/args.h"
#include "oups/common/civil_time.h"
#include "oups/common/time_zone.h"

namespace oups::cli {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::optional<TimeUnit> ParseUnit(std::string_view s) {
  if (s == "s") return TimeUnit::kSecond;
  if (s == "ms") return TimeUnit::kMilli;
  if (s == "us") return TimeUnit::kMicro;
  if (s == "ns") return TimeUnit::kNano;
  return std::nullopt;
}

int64_t NanosPerUnit(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond:
      return 1'000'000'000;
    case TimeUnit::kMilli:
      return 1'000'000;
    case TimeUnit::kMicro:
      return 1'000;
    case TimeUnit::kNano:
      return 1;
  }
  return 1;
}

// Reads exactly `n` digits at s[*pos].
bool Digits(std::string_view s, size_t* pos, size_t n, int64_t* out) {
  if (*pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool ParseDatePart(std::string_view s, size_t* pos, int64_t* days) {
  int64_t y = 0, m = 0, d = 0;
  if (!Digits(s, pos, 4, &y) || *pos >= s.size() || s[(*pos)++] != '-' ||
      !Digits(s, pos, 2, &m) || *pos >= s.size() || s[(*pos)++] != '-' ||
      !Digits(s, pos, 2, &d) || !civil::IsValidDate(y, m, d)) {
    return false;
  }
  *days = civil::DaysFromCivil(y, m, d);
  return true;
}

// "expected int64 (an integer), found 'abc'": `form` describes the text
// expected for the type.
Status Expected(const DataType& type, std::string_view text, std::string_view form = {}) {
  std::string msg = "expected " + type.ToString();
  if (!form.empty()) msg += " (" + std::string(form) + ")";
  msg += ", found '" + std::string(text) + "'";
  return Status::InvalidArgument(std::move(msg));
}

// "expected int64, found '99999999999999999999': out of range": the text has
// the expected form, but `reason` says why it is not a value of the type.
Status Refused(const DataType& type, std::string_view text, std::string_view reason) {
  return Status::InvalidArgument("expected " + type.ToString() + ", found '" +
                                 std::string(text) + "': " + std::string(reason));
}

// The value of `text` as a count of `type.unit` since the epoch (timestamps).
Result<int64_t> TimestampValue(std::string_view text, const DataType& type) {
  auto dt = ParseIsoDateTime(text);
  if (!dt) return Expected(type, text, "ISO-8601 date or date-time");
  int64_t utc_seconds = dt->local_seconds;
  if (dt->offset_seconds) {
    if (type.timezone.empty()) {
      return Refused(type, text, "a UTC offset needs a column with a time zone");
    }
    utc_seconds -= *dt->offset_seconds;
  } else if (!type.timezone.empty()) {
    auto zone = TimeZone::Load(type.timezone);
    if (!zone.ok()) return zone.status();
    const TimeZone::LocalInstants inst = (*zone)->LocalToUtc(dt->local_seconds);
    if (inst.kind == TimeZone::LocalInstants::Kind::kGap) {
      return Refused(type, text,
                     "this wall-clock time does not exist in " + type.timezone);
    }
    if (inst.kind == TimeZone::LocalInstants::Kind::kAmbiguous) {
      return Refused(type, text,
                     "this wall-clock time is ambiguous in " + type.timezone +
                         "; give a UTC offset");
    }
    utc_seconds = inst.earliest;
  }
  const int64_t per_unit = NanosPerUnit(type.unit);
  if (dt->nanos % per_unit != 0) {
    return Refused(type, text, "more precision than the unit");
  }
  const __int128 value = static_cast<__int128>(utc_seconds) * (1'000'000'000 / per_unit) +
                         dt->nanos / per_unit;
  if (value > INT64_MAX || value < INT64_MIN) return Refused(type, text, "out of range");
  return static_cast<int64_t>(value);
}

Result<double> DoubleValue(std::string_view text, const DataType& type) {
  const std::string s(text);
  if (s.empty() || s[0] == ' ' || s[0] == '\t') return Expected(type, text);
  const std::string low = Lower(s);
  if (low == "nan") return std::nan("");
  if (low == "inf" || low == "infinity" || low == "+inf" || low == "+infinity")
    return HUGE_VAL;
  if (low == "-inf" || low == "-infinity") return -HUGE_VAL;
  // Only decimal notation (no hex floats, no "nan(...)").
  for (char c : low) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == '+' || c == '-')) {
      return Expected(type, text);
    }
  }
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return Expected(type, text);
  if (errno == ERANGE && std::isinf(v)) return Refused(type, text, "out of range");
  return v;
}

Result<bool> BoolValue(std::string_view text, const DataType& type) {
  const std::string low = Lower(text);
  if (low == "true" || low == "1" || low == "t" || low == "yes") return true;
  if (low == "false" || low == "0" || low == "f" || low == "no") return false;
  return Expected(type, text, "true/false/1/0");
}

}  // namespace

bool IsIntegerText(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<uint64_t> ParseUInt64(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

bool IsFloat64Text(std::string_view text) {
  return DoubleValue(text, DataType::Float64()).ok();
}

Result<DataType> ParseTypeSpec(std::string_view text) {
  const std::string spec = Lower(Trim(text));
  const auto bad = [&]() {
    return Status::InvalidArgument(
        "unknown type '" + std::string(text) +
        "' (expected int64, int32, uint64, float64, bool, string, date, timestamp[unit], "
        "timestamp[unit,TZ] or duration[unit], unit s|ms|us|ns)");
  };
  if (spec == "int64") return DataType::Int64();
  if (spec == "int32") return DataType::Int32();
  if (spec == "uint64") return DataType::UInt64();
  if (spec == "float64" || spec == "double") return DataType::Float64();
  if (spec == "bool") return DataType::Bool();
  if (spec == "string") return DataType::String();
  if (spec == "date" || spec == "date32") return DataType::Date32();
  for (std::string_view kind : {"timestamp", "duration"}) {
    if (!spec.starts_with(kind)) continue;
    std::string_view rest = std::string_view(spec).substr(kind.size());
    if (rest.size() < 3 || rest.front() != '[' || rest.back() != ']') return bad();
    rest = rest.substr(1, rest.size() - 2);
    std::string_view unit_text = rest;
    std::string tz;
    if (const size_t comma = rest.find(','); comma != std::string_view::npos) {
      if (kind == "duration") return bad();
      unit_text = rest.substr(0, comma);
      // The zone keeps its original spelling ("Europe/Paris").
      std::string_view original = Trim(text);
      const size_t open = original.find('[');
      std::string_view zone = Trim(original.substr(open + 1 + comma + 1));
      zone.remove_suffix(1);  // ']'
      zone = Trim(zone);
      if (zone.starts_with("tz=")) zone.remove_prefix(3);
      tz = std::string(zone);
      if (tz.empty()) return bad();
      auto loaded = TimeZone::Load(tz);
      if (!loaded.ok()) {
        return Status::InvalidArgument("type '" + std::string(text) +
                                       "': " + loaded.status().message());
      }
    }
    auto unit = ParseUnit(Trim(unit_text));
    if (!unit) return bad();
    if (kind == "duration") return DataType::Duration(*unit);
    return DataType::Timestamp(*unit, tz);
  }
  return bad();
}

std::optional<IsoDateTime> ParseIsoDateTime(std::string_view s) {
  size_t pos = 0;
  int64_t days = 0;
  if (!ParseDatePart(s, &pos, &days)) return std::nullopt;
  IsoDateTime out;
  out.local_seconds = days * 86400;
  if (pos == s.size()) return out;
  if (s[pos] != 'T' && s[pos] != ' ' && s[pos] != 't') return std::nullopt;
  ++pos;
  int64_t hh = 0, mm = 0, ss = 0;
  if (!Digits(s, &pos, 2, &hh) || pos >= s.size() || s[pos++] != ':' ||
      !Digits(s, &pos, 2, &mm)) {
    return std::nullopt;
  }
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!Digits(s, &pos, 2, &ss)) return std::nullopt;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int64_t frac = 0;
      size_t n = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (n == 9) return std::nullopt;  // beyond nanoseconds
        frac = frac * 10 + (s[pos] - '0');
        ++n;
        ++pos;
      }
      if (n == 0) return std::nullopt;
      for (size_t i = n; i < 9; ++i) frac *= 10;
      out.nanos = static_cast<int32_t>(frac);
    }
  }
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  out.has_time = true;
  out.local_seconds += hh * 3600 + mm * 60 + ss;
  if (pos == s.size()) return out;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    if (pos + 1 != s.size()) return std::nullopt;
    out.offset_seconds = 0;
    return out;
  }
  if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
  const int sign = s[pos] == '-' ? -1 : 1;
  ++pos;
  int64_t oh = 0, om = 0;
  if (!Digits(s, &pos, 2, &oh)) return std::nullopt;
  if (pos < s.size() && s[pos] == ':') ++pos;
  if (pos < s.size() && !Digits(s, &pos, 2, &om)) return std::nullopt;
  if (pos != s.size() || oh > 23 || om > 59) return std::nullopt;
  out.offset_seconds = static_cast<int32_t>(sign * (oh * 3600 + om * 60));
  return out;
}

std::optional<int32_t> ParseIsoDate(std::string_view text) {
  size_t pos = 0;
  int64_t days = 0;
  if (!ParseDatePart(text, &pos, &days) || pos != text.size()) return std::nullopt;
  return static_cast<int32_t>(days);
}

Result<Scalar> ParseScalar(std::string_view text, const DataType& type) {
  ColumnBuilder builder(type);
  OUPS_RETURN_NOT_OK(AppendText(builder, text));
  OUPS_ASSIGN_OR_RETURN(Column col, builder.Finish());
  // Through the factories only: the value goes to the slot of its type.
  switch (type.id) {
    case TypeId::kBool:
      return Scalar::Bool(col.GetBool(0));
    case TypeId::kInt8:
      return Scalar::Int(col.data<int8_t>()[0], type);
    case TypeId::kInt16:
      return Scalar::Int(col.data<int16_t>()[0], type);
    case TypeId::kInt32:
    case TypeId::kDate32:
      return Scalar::Int(col.data<int32_t>()[0], type);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kDuration:
      return Scalar::Int(col.data<int64_t>()[0], type);
    case TypeId::kUInt8:
      return Scalar::UInt(col.data<uint8_t>()[0], type);
    case TypeId::kUInt16:
      return Scalar::UInt(col.data<uint16_t>()[0], type);
    case TypeId::kUInt32:
      return Scalar::UInt(col.data<uint32_t>()[0], type);
    case TypeId::kUInt64:
      return Scalar::UInt(col.data<uint64_t>()[0], type);
    case TypeId::kFloat32:
      return Scalar::Float(col.data<float>()[0], type);
    case TypeId::kFloat64:
      return Scalar::Float(col.data<double>()[0], type);
    case TypeId::kString:
      return Scalar::String(std::string(col.GetView(0)));
    case TypeId::kBinary:
      return Scalar::Binary(std::string(col.GetView(0)));
    case TypeId::kDecimal:
      return Status::NotSupported("bounds on a decimal column are not supported");
  }
  return Status::Internal("no scalar of type " + type.ToString());
}

Status AppendText(ColumnBuilder& builder, std::string_view text) {
  const DataType& type = builder.type();
  switch (type.id) {
    case TypeId::kBool: {
      OUPS_ASSIGN_OR_RETURN(bool v, BoolValue(text, type));
      return builder.Append(v);
    }
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: {
      auto v = ParseInt64(text);
      if (!v) {
        if (IsIntegerText(text)) return Refused(type, text, "out of range");
        return Expected(type, text, "an integer");
      }
      Status st = builder.Append(*v);
      if (!st.ok()) return Refused(type, text, "out of range");
      return st;
    }
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64: {
      auto v = ParseUInt64(text);
      if (!v) {
        if (IsIntegerText(text)) return Refused(type, text, "out of range");
        return Expected(type, text, "an unsigned integer");
      }
      Status st = builder.Append(*v);
      if (!st.ok()) return Refused(type, text, "out of range");
      return st;
    }
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      OUPS_ASSIGN_OR_RETURN(double v, DoubleValue(text, type));
      Status st = builder.Append(v);
      if (!st.ok()) return Refused(type, text, "out of range");
      return st;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      Status st = builder.Append(text);
      if (!st.ok()) return Expected(type, text, "valid UTF-8");
      return st;
    }
    case TypeId::kDate32: {
      auto days = ParseIsoDate(text);
      if (!days) return Expected(type, text, "YYYY-MM-DD");
      return builder.Append(static_cast<int64_t>(*days));
    }
    case TypeId::kTimestamp: {
      OUPS_ASSIGN_OR_RETURN(int64_t v, TimestampValue(text, type));
      return builder.Append(v);
    }
    case TypeId::kDuration: {
      auto v = ParseInt64(text);
      if (!v)
        return Expected(type, text,
                        "an integer count of " + std::string(TimeUnitName(type.unit)));
      return builder.Append(*v);
    }
    case TypeId::kDecimal:
      return Status::NotSupported("decimal columns cannot be read from text");
  }
  return Status::Internal("unhandled type " + type.ToString());
}

Result<double> ParseSeconds(const std::optional<std::string>& text) {
  if (!text) return -1.0;
  try {
    size_t used = 0;
    const double v = std::stod(*text, &used);
    if (used != text->size() || !(v >= 0)) throw std::invalid_argument("");
    return v;
  } catch (const std::exception&) {
    return Status::InvalidArgument("--lock-timeout needs seconds >= 0, not '" + *text +
                                   "'");
  }
}

}  // namespace oups::cli
