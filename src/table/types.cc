#include "oups/table/types.h"

namespace oups {

std::string_view TimeUnitName(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond: return "s";
    case TimeUnit::kMilli: return "ms";
    case TimeUnit::kMicro: return "us";
    case TimeUnit::kNano: return "ns";
  }
  return "?";
}

int DataType::byte_width() const {
  switch (id) {
    case TypeId::kBool: return 0;
    case TypeId::kInt8:
    case TypeId::kUInt8: return 1;
    case TypeId::kInt16:
    case TypeId::kUInt16: return 2;
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kFloat32:
    case TypeId::kDate32: return 4;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kTimestamp:
    case TypeId::kDuration: return 8;
    case TypeId::kString:
    case TypeId::kBinary: return 0;
    case TypeId::kDecimal: return 16;
  }
  return 0;
}

bool DataType::is_integer() const {
  switch (id) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64: return true;
    default: return false;
  }
}

bool DataType::is_signed_integer() const {
  switch (id) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: return true;
    default: return false;
  }
}

std::string DataType::ToString() const {
  switch (id) {
    case TypeId::kBool: return "bool";
    case TypeId::kInt8: return "int8";
    case TypeId::kInt16: return "int16";
    case TypeId::kInt32: return "int32";
    case TypeId::kInt64: return "int64";
    case TypeId::kUInt8: return "uint8";
    case TypeId::kUInt16: return "uint16";
    case TypeId::kUInt32: return "uint32";
    case TypeId::kUInt64: return "uint64";
    case TypeId::kFloat32: return "float32";
    case TypeId::kFloat64: return "float64";
    case TypeId::kString: return "string";
    case TypeId::kBinary: return "binary";
    case TypeId::kDate32: return "date32";
    case TypeId::kTimestamp: {
      std::string s = "timestamp[";
      s += TimeUnitName(unit);
      if (!timezone.empty()) {
        s += ", tz=";
        s += timezone;
      }
      s += "]";
      return s;
    }
    case TypeId::kDuration: {
      std::string s = "duration[";
      s += TimeUnitName(unit);
      s += "]";
      return s;
    }
    case TypeId::kDecimal:
      return "decimal(" + std::to_string(precision) + ", " + std::to_string(scale) + ")";
  }
  return "unknown";
}

bool operator==(const DataType& a, const DataType& b) {
  if (a.id != b.id) return false;
  switch (a.id) {
    case TypeId::kTimestamp: return a.unit == b.unit && a.timezone == b.timezone;
    case TypeId::kDuration: return a.unit == b.unit;
    case TypeId::kDecimal: return a.precision == b.precision && a.scale == b.scale;
    default: return true;
  }
}

}  // namespace oups
