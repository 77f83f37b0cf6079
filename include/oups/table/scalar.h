// Scalar: one typed value (or a typed null), used to search sorted columns
// (LowerBound / UpperBound in kernels.h) and to read a single slot of a column.
//
// The value lives in the member matching the type's kind:
//   i64   signed integers, timestamp, date32, duration; decimal: high 64 bits
//   u64   unsigned integers; decimal: low 64 bits
//   f64   float32, float64
//   b     bool
//   bytes string, binary
// Other members are left at their defaults. Use the factories rather than
// filling members by hand.
//
// Thread-safety: plain value type. Ownership: owns its string bytes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "oups/table/types.h"

namespace oups {

struct Scalar {
  DataType type = DataType::Int64();
  bool is_valid = true;
  int64_t i64 = 0;
  uint64_t u64 = 0;
  double f64 = 0.0;
  bool b = false;
  std::string bytes;

  static Scalar Null(DataType type) {
    Scalar s;
    s.type = std::move(type);
    s.is_valid = false;
    return s;
  }
  // A signed integer, timestamp, date32 or duration value of `type`.
  static Scalar Int(int64_t v, DataType type = DataType::Int64()) {
    Scalar s;
    s.type = std::move(type);
    s.i64 = v;
    return s;
  }
  static Scalar UInt(uint64_t v, DataType type = DataType::UInt64()) {
    Scalar s;
    s.type = std::move(type);
    s.u64 = v;
    return s;
  }
  static Scalar Float(double v, DataType type = DataType::Float64()) {
    Scalar s;
    s.type = std::move(type);
    s.f64 = v;
    return s;
  }
  static Scalar Bool(bool v) {
    Scalar s;
    s.type = DataType::Bool();
    s.b = v;
    return s;
  }
  static Scalar String(std::string v) {
    Scalar s;
    s.type = DataType::String();
    s.bytes = std::move(v);
    return s;
  }
  static Scalar Binary(std::string v) {
    Scalar s;
    s.type = DataType::Binary();
    s.bytes = std::move(v);
    return s;
  }
  static Scalar Timestamp(int64_t v, TimeUnit unit, std::string tz = {}) {
    return Int(v, DataType::Timestamp(unit, std::move(tz)));
  }
  static Scalar Date32(int32_t days) { return Int(days, DataType::Date32()); }
  static Scalar Duration(int64_t v, TimeUnit unit) { return Int(v, DataType::Duration(unit)); }
  // A decimal from its 128-bit two's complement unscaled value hi:lo.
  static Scalar Decimal(int32_t precision, int32_t scale, uint64_t lo, int64_t hi) {
    Scalar s = Int(hi, DataType::Decimal(precision, scale));
    s.u64 = lo;
    return s;
  }
};

}  // namespace oups
