// Logical data types of in-memory table columns.
//
// A DataType is a small value: the type id plus, where relevant, a time unit and
// time zone (timestamps), a unit (durations) or precision/scale (decimals). The
// in-memory layout of each type is Arrow's (see column.h), so tables can be
// exported through the Arrow C Data Interface without copies.
//
// Thread-safety: immutable value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace oups {

enum class TypeId : uint8_t {
  kBool,       // bit-packed values, LSB first (Arrow boolean)
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kString,     // UTF-8; int64 offsets + bytes (Arrow large_utf8)
  kBinary,     // int64 offsets + bytes (Arrow large_binary)
  kTimestamp,  // int64 count of `unit` since the epoch; `timezone` empty = naive
  kDate32,     // int32 days since the epoch
  kDuration,   // int64 count of `unit`
  kDecimal,    // 16-byte little-endian two's complement (Arrow decimal128)
};

enum class TimeUnit : uint8_t { kSecond, kMilli, kMicro, kNano };

std::string_view TimeUnitName(TimeUnit unit);  // "s", "ms", "us", "ns"

struct DataType {
  TypeId id = TypeId::kInt64;
  TimeUnit unit = TimeUnit::kNano;  // kTimestamp, kDuration
  std::string timezone;             // kTimestamp: empty = naive; else adjusted to UTC
  int32_t precision = 0;            // kDecimal
  int32_t scale = 0;                // kDecimal

  // A type with default parameters (unit ns, no time zone, precision/scale 0).
  static DataType Of(TypeId id) {
    DataType t;
    t.id = id;
    return t;
  }
  static DataType Bool() { return Of(TypeId::kBool); }
  static DataType Int8() { return Of(TypeId::kInt8); }
  static DataType Int16() { return Of(TypeId::kInt16); }
  static DataType Int32() { return Of(TypeId::kInt32); }
  static DataType Int64() { return Of(TypeId::kInt64); }
  static DataType UInt8() { return Of(TypeId::kUInt8); }
  static DataType UInt16() { return Of(TypeId::kUInt16); }
  static DataType UInt32() { return Of(TypeId::kUInt32); }
  static DataType UInt64() { return Of(TypeId::kUInt64); }
  static DataType Float32() { return Of(TypeId::kFloat32); }
  static DataType Float64() { return Of(TypeId::kFloat64); }
  static DataType String() { return Of(TypeId::kString); }
  static DataType Binary() { return Of(TypeId::kBinary); }
  static DataType Date32() { return Of(TypeId::kDate32); }
  static DataType Timestamp(TimeUnit unit, std::string tz = {}) {
    DataType t = Of(TypeId::kTimestamp);
    t.unit = unit;
    t.timezone = std::move(tz);
    return t;
  }
  static DataType Duration(TimeUnit unit) {
    DataType t = Of(TypeId::kDuration);
    t.unit = unit;
    return t;
  }
  static DataType Decimal(int32_t precision, int32_t scale) {
    DataType t = Of(TypeId::kDecimal);
    t.precision = precision;
    t.scale = scale;
    return t;
  }

  // Bytes per value of the values buffer; 0 for bool (bits) and var-length types.
  int byte_width() const;
  bool is_var_length() const { return id == TypeId::kString || id == TypeId::kBinary; }
  bool is_integer() const;
  bool is_signed_integer() const;
  bool is_floating() const { return id == TypeId::kFloat32 || id == TypeId::kFloat64; }
  // e.g. "int64", "timestamp[ns, tz=UTC]", "decimal(18, 3)".
  std::string ToString() const;
  friend bool operator==(const DataType& a, const DataType& b);
  friend bool operator!=(const DataType& a, const DataType& b) { return !(a == b); }
};

}  // namespace oups
