#include "oups/table/predicate.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_set>

namespace oups {

namespace {

using Int128 = __int128;

// Three-way results of a row against the scalar; kUnordered for NaN.
constexpr int kUnordered = 2;

template <typename T>
int Three(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Plain integer types (not temporal, not decimal).
bool IsPlainInteger(const DataType& t) { return t.is_integer(); }

int64_t NanosPerUnit(TimeUnit u) {
  switch (u) {
    case TimeUnit::kSecond: return 1'000'000'000;
    case TimeUnit::kMilli: return 1'000'000;
    case TimeUnit::kMicro: return 1'000;
    case TimeUnit::kNano: return 1;
  }
  return 1;
}

Status Incomparable(const DataType& column_type, const Scalar& value) {
  return Status::TypeError("cannot compare values of type " + column_type.ToString() +
                           " with a " + value.type().ToString() + " value");
}

// Runs `pred(i)` for every row into `out`, then clears null rows.
template <typename Pred>
void FillMask(const Column& c, Pred pred, uint8_t* out) {
  const int64_t n = c.length();
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(pred(i));
  if (c.has_nulls()) {
    for (int64_t i = 0; i < n; ++i) {
      if (c.IsNull(i)) out[i] = 0;
    }
  }
}

// Dispatches on op once, with `cmp(i)` the three-way result of row i.
template <typename Cmp>
void FillCompare(const Column& c, CompareOp op, Cmp cmp, uint8_t* out) {
  switch (op) {
    case CompareOp::kEq: FillMask(c, [&](int64_t i) { return cmp(i) == 0; }, out); break;
    case CompareOp::kNe: FillMask(c, [&](int64_t i) { return cmp(i) != 0; }, out); break;
    case CompareOp::kLt: FillMask(c, [&](int64_t i) { return cmp(i) == -1; }, out); break;
    case CompareOp::kLe: {
      FillMask(c, [&](int64_t i) { const int r = cmp(i); return r == -1 || r == 0; }, out);
      break;
    }
    case CompareOp::kGt: FillMask(c, [&](int64_t i) { return cmp(i) == 1; }, out); break;
    case CompareOp::kGe: {
      FillMask(c, [&](int64_t i) { const int r = cmp(i); return r == 1 || r == 0; }, out);
      break;
    }
  }
}

// An integer scalar's exact value.
Int128 IntValue(const Scalar& s) {
  return s.type().is_integer() && !s.type().is_signed_integer() ? Int128(s.u64()) : Int128(s.i64());
}

// Three-way comparison of an integer with a finite or infinite double, exact.
int CompareIntDouble(Int128 x, double v) {
  if (std::isnan(v)) return kUnordered;
  if (v >= 1.9e19) return -1;   // above every 64-bit integer
  if (v <= -9.3e18) return 1;   // below every 64-bit integer
  const double fl = std::floor(v);
  const Int128 fi = static_cast<Int128>(fl);
  if (x < fi) return -1;
  if (x > fi) return 1;
  return fl == v ? 0 : -1;
}

// Loads row values of a fixed-width integer-backed column as Int128.
template <typename T>
void CompareIntegerColumn(const Column& c, CompareOp op, const Scalar& s, Int128 scale_col,
                          Int128 scale_val, uint8_t* out) {
  const T* d = c.data<T>();
  if (s.type().is_floating()) {
    const double v = s.f64();
    FillCompare(c, op, [&](int64_t i) { return CompareIntDouble(Int128(d[i]), v); }, out);
    return;
  }
  const Int128 sv = IntValue(s) * scale_val;
  if (scale_col == 1) {
    FillCompare(c, op, [&](int64_t i) { return Three(Int128(d[i]), sv); }, out);
  } else {
    FillCompare(c, op, [&](int64_t i) { return Three(Int128(d[i]) * scale_col, sv); }, out);
  }
}

template <typename T>
void CompareFloatColumn(const Column& c, CompareOp op, double v, uint8_t* out) {
  const T* d = c.data<T>();
  FillCompare(c, op,
              [&](int64_t i) {
                const double x = static_cast<double>(d[i]);
                if (x < v) return -1;
                if (x > v) return 1;
                if (x == v) return 0;
                return kUnordered;
              },
              out);
}

}  // namespace

std::string_view CompareOpName(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "==";
    case CompareOp::kNe: return "!=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
  }
  return "?";
}

Status CheckComparable(const DataType& t, const Scalar& s) {
  const DataType& v = s.type();
  if (IsPlainInteger(t) || t.is_floating()) {
    if (IsPlainInteger(v) || v.is_floating()) return Status::OK();
    return Incomparable(t, s);
  }
  switch (t.id) {
    case TypeId::kBool:
      if (v.id == TypeId::kBool) return Status::OK();
      break;
    case TypeId::kString:
    case TypeId::kBinary:
      if (v.is_var_length()) return Status::OK();
      break;
    case TypeId::kTimestamp:
      if (v.id == TypeId::kTimestamp) {
        if (t.timezone.empty() != v.timezone.empty()) {
          return Status::TypeError("cannot compare values of type " + t.ToString() + " with a " +
                                   v.ToString() +
                                   " value (tz-naive and tz-aware timestamps are not comparable)");
        }
        return Status::OK();
      }
      break;
    case TypeId::kDate32:
      if (v.id == TypeId::kDate32) return Status::OK();
      break;
    case TypeId::kDuration:
      if (v.id == TypeId::kDuration) return Status::OK();
      break;
    case TypeId::kDecimal:
      if (v.id == TypeId::kDecimal && v.scale == t.scale) return Status::OK();
      break;
    default: break;
  }
  return Incomparable(t, s);
}

Result<std::vector<uint8_t>> CompareWithScalar(const Column& c, CompareOp op, const Scalar& s) {
  std::vector<uint8_t> out(static_cast<size_t>(c.length()), 0);
  if (!s.is_valid()) return out;  // a comparison with null selects nothing
  OUPS_RETURN_NOT_OK(CheckComparable(c.type(), s));
  uint8_t* o = out.data();
  const DataType& t = c.type();
  Int128 scale_col = 1, scale_val = 1;
  if (t.id == TypeId::kTimestamp || t.id == TypeId::kDuration) {
    // Both sides in nanoseconds (exact in 128 bits).
    scale_col = NanosPerUnit(t.unit);
    scale_val = NanosPerUnit(s.type().unit);
  }
  switch (t.id) {
    case TypeId::kInt8: CompareIntegerColumn<int8_t>(c, op, s, 1, 1, o); break;
    case TypeId::kInt16: CompareIntegerColumn<int16_t>(c, op, s, 1, 1, o); break;
    case TypeId::kInt32: CompareIntegerColumn<int32_t>(c, op, s, 1, 1, o); break;
    case TypeId::kInt64: CompareIntegerColumn<int64_t>(c, op, s, 1, 1, o); break;
    case TypeId::kUInt8: CompareIntegerColumn<uint8_t>(c, op, s, 1, 1, o); break;
    case TypeId::kUInt16: CompareIntegerColumn<uint16_t>(c, op, s, 1, 1, o); break;
    case TypeId::kUInt32: CompareIntegerColumn<uint32_t>(c, op, s, 1, 1, o); break;
    case TypeId::kUInt64: CompareIntegerColumn<uint64_t>(c, op, s, 1, 1, o); break;
    case TypeId::kDate32: CompareIntegerColumn<int32_t>(c, op, s, 1, 1, o); break;
    case TypeId::kTimestamp:
    case TypeId::kDuration:
      CompareIntegerColumn<int64_t>(c, op, s, scale_col, scale_val, o);
      break;
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      const double v = s.type().is_floating() ? s.f64() : static_cast<double>(IntValue(s));
      if (t.id == TypeId::kFloat32) {
        CompareFloatColumn<float>(c, op, v, o);
      } else {
        CompareFloatColumn<double>(c, op, v, o);
      }
      break;
    }
    case TypeId::kBool: {
      const int v = s.bool_value() ? 1 : 0;
      FillCompare(c, op, [&](int64_t i) { return Three(c.GetBool(i) ? 1 : 0, v); }, o);
      break;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      const std::string_view v(s.bytes());
      FillCompare(c, op,
                  [&](int64_t i) {
                    const int r = c.GetView(i).compare(v);
                    return r < 0 ? -1 : (r > 0 ? 1 : 0);
                  },
                  o);
      break;
    }
    case TypeId::kDecimal: {
      const uint8_t* d = c.values()->data() + c.offset() * 16;
      const Int128 v = (Int128(s.i64()) << 64) | Int128(s.u64());
      FillCompare(c, op,
                  [&](int64_t i) {
                    uint64_t lo;
                    int64_t hi;
                    std::memcpy(&lo, d + i * 16, 8);
                    std::memcpy(&hi, d + i * 16 + 8, 8);
                    return Three((Int128(hi) << 64) | Int128(lo), v);
                  },
                  o);
      break;
    }
  }
  return out;
}

Result<std::vector<uint8_t>> IsIn(const Column& c, const std::vector<Scalar>& values) {
  const int64_t n = c.length();
  std::vector<uint8_t> out(static_cast<size_t>(n), 0);
  bool has_null = false, has_nan = false;
  std::vector<const Scalar*> plain;
  for (const Scalar& v : values) {
    if (!v.is_valid()) {
      has_null = true;
      continue;
    }
    OUPS_RETURN_NOT_OK(CheckComparable(c.type(), v));
    if (v.type().is_floating() && std::isnan(v.f64())) {
      has_nan = true;
      continue;
    }
    plain.push_back(&v);
  }
  const bool is_bytes = c.type().is_var_length();
  if (is_bytes && plain.size() > 8) {
    // Many strings: one hash lookup per row.
    std::unordered_set<std::string_view> set;
    for (const Scalar* v : plain) set.insert(v->bytes());
    for (int64_t i = 0; i < n; ++i) {
      if (c.IsValid(i) && set.count(c.GetView(i)) != 0) out[static_cast<size_t>(i)] = 1;
    }
  } else if (c.type().is_integer() && plain.size() > 8) {
    // Many integers: a hash set of the exact values (non-integral floats
    // never match).
    // Keys: non-negative values as uint64, negative ones as int64.
    std::unordered_set<uint64_t> nonneg;
    std::unordered_set<int64_t> neg;
    for (const Scalar* v : plain) {
      Int128 x;
      if (v->type().is_floating()) {
        if (std::floor(v->f64()) != v->f64() || std::abs(v->f64()) >= 1.9e19) continue;
        x = static_cast<Int128>(v->f64());
      } else {
        x = IntValue(*v);
      }
      if (x >= 0) {
        nonneg.insert(static_cast<uint64_t>(x));
      } else if (x >= Int128(INT64_MIN)) {
        neg.insert(static_cast<int64_t>(x));
      }
    }
    auto probe = [&](Int128 x) {
      return x >= 0 ? nonneg.count(static_cast<uint64_t>(x)) != 0
                    : neg.count(static_cast<int64_t>(x)) != 0;
    };
    const bool is_signed = c.type().is_signed_integer();
    const int w = c.type().byte_width();
    const uint8_t* d = c.values()->data() + c.offset() * w;
    for (int64_t i = 0; i < n; ++i) {
      if (c.IsNull(i)) continue;
      Int128 x = 0;
      if (is_signed) {
        int64_t v = 0;
        switch (w) {
          case 1: v = reinterpret_cast<const int8_t*>(d)[i]; break;
          case 2: v = reinterpret_cast<const int16_t*>(d)[i]; break;
          case 4: v = reinterpret_cast<const int32_t*>(d)[i]; break;
          default: v = reinterpret_cast<const int64_t*>(d)[i]; break;
        }
        x = v;
      } else {
        uint64_t v = 0;
        switch (w) {
          case 1: v = d[i]; break;
          case 2: v = reinterpret_cast<const uint16_t*>(d)[i]; break;
          case 4: v = reinterpret_cast<const uint32_t*>(d)[i]; break;
          default: v = reinterpret_cast<const uint64_t*>(d)[i]; break;
        }
        x = v;
      }
      if (probe(x)) out[static_cast<size_t>(i)] = 1;
    }
  } else {
    for (const Scalar* v : plain) {
      OUPS_ASSIGN_OR_RETURN(std::vector<uint8_t> eq, CompareWithScalar(c, CompareOp::kEq, *v));
      for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] |= eq[static_cast<size_t>(i)];
    }
  }
  if (has_nan && c.type().is_floating()) {
    for (int64_t i = 0; i < n; ++i) {
      if (c.IsNull(i)) continue;
      const double x = c.type().id == TypeId::kFloat32 ? double(c.data<float>()[i])
                                                       : c.data<double>()[i];
      if (std::isnan(x)) out[static_cast<size_t>(i)] = 1;
    }
  }
  if (has_null && c.has_nulls()) {
    for (int64_t i = 0; i < n; ++i) {
      if (c.IsNull(i)) out[static_cast<size_t>(i)] = 1;
    }
  }
  return out;
}

}  // namespace oups
