// Scalar: one typed value (or a typed null), used to search sorted columns
// (LowerBound / UpperBound in kernels.h), to compare against statistics and
// predicates, and to read a single slot of a column.
//
// Invariant, enforced by construction: a Scalar is made only by its factories
// (the default constructor gives a valid int64 0), and the value lives in the
// slot matching its type:
//   i64()         signed integers, timestamp, date32, duration; decimal: high 64 bits
//   u64()         unsigned integers; decimal: low 64 bits
//   f64()         float32, float64
//   bool_value()  bool
//   bytes()       string, binary
// Every other slot holds its default (0, false, empty). A factory given a type
// of the wrong kind (e.g. Int(1, DataType::Float64())) is a programming error:
// it stops the process with a message naming the factory and the type rather
// than building a Scalar whose value sits in the wrong slot. The accessors of a
// slot that does not belong to the type return that slot's default.
//
// Thread-safety: immutable value type (the factories build a fresh value).
// Ownership: owns its string bytes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "oups/table/types.h"

namespace oups {

class Scalar {
 public:
  Scalar() = default;  // int64 0

  static Scalar Null(DataType type) {
    Scalar s;
    s.type_ = std::move(type);
    s.valid_ = false;
    return s;
  }
  // A signed integer, timestamp, date32 or duration value of `type`.
  static Scalar Int(int64_t v, DataType type = DataType::Int64()) {
    RequireKind(IsSignedSlot(type), "Int", type);
    Scalar s;
    s.type_ = std::move(type);
    s.i64_ = v;
    return s;
  }
  // An unsigned integer value of `type` (uint8 .. uint64).
  static Scalar UInt(uint64_t v, DataType type = DataType::UInt64()) {
    RequireKind(IsUnsignedSlot(type), "UInt", type);
    Scalar s;
    s.type_ = std::move(type);
    s.u64_ = v;
    return s;
  }
  // A float32 or float64 value.
  static Scalar Float(double v, DataType type = DataType::Float64()) {
    RequireKind(type.is_floating(), "Float", type);
    Scalar s;
    s.type_ = std::move(type);
    s.f64_ = v;
    return s;
  }
  static Scalar Bool(bool v) {
    Scalar s;
    s.type_ = DataType::Bool();
    s.b_ = v;
    return s;
  }
  static Scalar String(std::string v) {
    Scalar s;
    s.type_ = DataType::String();
    s.bytes_ = std::move(v);
    return s;
  }
  static Scalar Binary(std::string v) {
    Scalar s;
    s.type_ = DataType::Binary();
    s.bytes_ = std::move(v);
    return s;
  }
  static Scalar Timestamp(int64_t v, TimeUnit unit, std::string tz = {}) {
    return Int(v, DataType::Timestamp(unit, std::move(tz)));
  }
  static Scalar Date32(int32_t days) { return Int(days, DataType::Date32()); }
  static Scalar Duration(int64_t v, TimeUnit unit) { return Int(v, DataType::Duration(unit)); }
  // A decimal from its 128-bit two's complement unscaled value hi:lo.
  static Scalar Decimal(int32_t precision, int32_t scale, uint64_t lo, int64_t hi) {
    Scalar s;
    s.type_ = DataType::Decimal(precision, scale);
    s.i64_ = hi;
    s.u64_ = lo;
    return s;
  }

  const DataType& type() const { return type_; }
  bool is_valid() const { return valid_; }
  int64_t i64() const { return i64_; }
  uint64_t u64() const { return u64_; }
  double f64() const { return f64_; }
  bool bool_value() const { return b_; }
  const std::string& bytes() const { return bytes_; }

 private:
  static bool IsSignedSlot(const DataType& t) {
    return t.is_signed_integer() || t.id == TypeId::kTimestamp || t.id == TypeId::kDate32 ||
           t.id == TypeId::kDuration;
  }
  static bool IsUnsignedSlot(const DataType& t) { return t.is_integer() && !t.is_signed_integer(); }
  static void RequireKind(bool ok, const char* factory, const DataType& type) {
    if (!ok) KindMismatch(factory, type);
  }
  [[noreturn]] static void KindMismatch(const char* factory, const DataType& type);

  DataType type_ = DataType::Int64();
  bool valid_ = true;
  int64_t i64_ = 0;
  uint64_t u64_ = 0;
  double f64_ = 0.0;
  bool b_ = false;
  std::string bytes_;
};

}  // namespace oups
