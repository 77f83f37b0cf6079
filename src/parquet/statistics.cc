#include "oups/parquet/statistics.h"

#include <cstring>

namespace oups::parquet {

namespace {

template <typename T>
Result<T> Load(const std::string& b, const std::string& col) {
  if (b.size() != sizeof(T)) {
    return Status::Corruption("column '" + col + "': statistic of " + std::to_string(b.size()) +
                              " bytes, expected " + std::to_string(sizeof(T)));
  }
  T v;
  std::memcpy(&v, b.data(), sizeof(T));
  return v;
}

enum class Kind { kSigned, kUnsigned, kFloat, kBytes, kBool, kDecimal, kOther };

Kind KindOf(const DataType& t) {
  switch (t.id) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kDate32:
    case TypeId::kDuration: return Kind::kSigned;
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64: return Kind::kUnsigned;
    case TypeId::kFloat32:
    case TypeId::kFloat64: return Kind::kFloat;
    case TypeId::kString:
    case TypeId::kBinary: return Kind::kBytes;
    case TypeId::kBool: return Kind::kBool;
    case TypeId::kDecimal: return Kind::kDecimal;
  }
  return Kind::kOther;
}

bool SameDomain(const DataType& a, const DataType& b) {
  const bool at = a.id == TypeId::kTimestamp || a.id == TypeId::kDate32 || a.id == TypeId::kDuration;
  const bool bt = b.id == TypeId::kTimestamp || b.id == TypeId::kDate32 || b.id == TypeId::kDuration;
  if (at || bt) {
    if (a.id != b.id) return false;
    if (a.id != TypeId::kDate32 && a.unit != b.unit) return false;
    return true;
  }
  return true;
}

}  // namespace

Result<Scalar> DecodeStatistic(const ColumnDescriptor& desc, const std::string& plain) {
  const DataType& t = desc.logical;
  const std::string& col = desc.name;
  switch (desc.physical_type) {
    case PhysicalType::kBoolean: {
      if (plain.size() != 1) return Status::Corruption("column '" + col + "': bad boolean statistic");
      return Scalar::Bool(plain[0] != 0);
    }
    case PhysicalType::kInt32: {
      OUPS_ASSIGN_OR_RETURN(int32_t v, Load<int32_t>(plain, col));
      if (KindOf(t) == Kind::kUnsigned) return Scalar::UInt(static_cast<uint32_t>(v), t);
      if (t.id == TypeId::kDecimal) {
        return Scalar::Decimal(t.precision, t.scale, static_cast<uint64_t>(int64_t{v}),
                               v < 0 ? -1 : 0);
      }
      if (KindOf(t) != Kind::kSigned) break;
      return Scalar::Int(v, t);
    }
    case PhysicalType::kInt64: {
      OUPS_ASSIGN_OR_RETURN(int64_t v, Load<int64_t>(plain, col));
      if (KindOf(t) == Kind::kUnsigned) return Scalar::UInt(static_cast<uint64_t>(v), t);
      if (t.id == TypeId::kDecimal) {
        return Scalar::Decimal(t.precision, t.scale, static_cast<uint64_t>(v), v < 0 ? -1 : 0);
      }
      if (KindOf(t) != Kind::kSigned) break;
      return Scalar::Int(v, t);
    }
    case PhysicalType::kFloat: {
      if (KindOf(t) != Kind::kFloat) break;
      OUPS_ASSIGN_OR_RETURN(float v, Load<float>(plain, col));
      return Scalar::Float(v, t);
    }
    case PhysicalType::kDouble: {
      if (KindOf(t) != Kind::kFloat) break;
      OUPS_ASSIGN_OR_RETURN(double v, Load<double>(plain, col));
      return Scalar::Float(v, t);
    }
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: {
      if (t.id == TypeId::kString) return Scalar::String(plain);
      if (t.id == TypeId::kBinary) return Scalar::Binary(plain);
      if (t.id == TypeId::kDecimal) {
        if (plain.empty() || plain.size() > 16) {
          return Status::Corruption("column '" + col + "': decimal statistic of " +
                                    std::to_string(plain.size()) + " bytes");
        }
        // Big-endian two's complement, sign-extended to 128 bits.
        using uint128 = unsigned __int128;
        uint128 u = (static_cast<unsigned char>(plain[0]) & 0x80) ? ~uint128(0) : 0;
        for (char c : plain) u = (u << 8) | static_cast<unsigned char>(c);
        return Scalar::Decimal(t.precision, t.scale, static_cast<uint64_t>(u),
                               static_cast<int64_t>(static_cast<uint64_t>(u >> 64)));
      }
      break;
    }
    case PhysicalType::kInt96: {
      if (t.id != TypeId::kTimestamp || plain.size() != 12) break;
      // Nanoseconds of the day, then the Julian day (2440588 is 1970-01-01).
      int64_t nanos_of_day = 0;
      int32_t julian_day = 0;
      std::memcpy(&nanos_of_day, plain.data(), 8);
      std::memcpy(&julian_day, plain.data() + 8, 4);
      return Scalar::Int((int64_t{julian_day} - 2440588) * 86'400'000'000'000LL + nanos_of_day, t);
    }
  }
  return Status::NotSupported("column '" + col + "': statistics of type " + t.ToString() +
                              " are not decoded");
}

Result<int> CompareScalars(const Scalar& a, const Scalar& b) {
  if (!a.is_valid() || !b.is_valid()) return Status::InvalidArgument("cannot compare a null scalar");
  const Kind ka = KindOf(a.type()), kb = KindOf(b.type());
  auto mismatch = [&]() {
    return Status::TypeError("cannot compare a " + a.type().ToString() + " value with a " +
                             b.type().ToString() + " value");
  };
  if (!SameDomain(a.type(), b.type())) return mismatch();
  auto cmp = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if ((ka == Kind::kSigned || ka == Kind::kUnsigned) && (kb == Kind::kSigned || kb == Kind::kUnsigned)) {
    if (ka == Kind::kSigned && kb == Kind::kSigned) return cmp(a.i64(), b.i64());
    if (ka == Kind::kUnsigned && kb == Kind::kUnsigned) return cmp(a.u64(), b.u64());
    if (ka == Kind::kSigned) return a.i64() < 0 ? -1 : cmp(static_cast<uint64_t>(a.i64()), b.u64());
    return b.i64() < 0 ? 1 : cmp(a.u64(), static_cast<uint64_t>(b.i64()));
  }
  if (ka == Kind::kFloat && kb == Kind::kFloat) return cmp(a.f64(), b.f64());
  if (ka == Kind::kBytes && kb == Kind::kBytes) {
    const int c = std::string_view(a.bytes()).compare(b.bytes());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (ka == Kind::kBool && kb == Kind::kBool) return cmp(int(a.bool_value()), int(b.bool_value()));
  return mismatch();
}

Result<std::vector<int>> SelectRowGroups(const FileMetadata& md, const std::string& column,
                                         const std::optional<Scalar>& start,
                                         const std::optional<Scalar>& end_excl) {
  const int c = md.ColumnIndex(column);
  if (c < 0) return Status::NotFound("column '" + column + "' not found");
  const ColumnDescriptor& desc = md.columns[size_t(c)];
  std::vector<int> out;
  for (size_t r = 0; r < md.row_groups.size(); ++r) {
    const RowGroupMetadata& rg = md.row_groups[r];
    if (rg.num_rows == 0) continue;
    const auto& stats = rg.columns[size_t(c)].statistics;
    bool keep = true;
    // INT96 has no defined sort order: its statistics are not used.
    if (stats && stats->has_min_max() && desc.logical.id != TypeId::kDecimal &&
        !desc.logical.is_floating() && desc.physical_type != PhysicalType::kInt96) {
      OUPS_ASSIGN_OR_RETURN(Scalar lo, DecodeStatistic(desc, *stats->min_value));
      OUPS_ASSIGN_OR_RETURN(Scalar hi, DecodeStatistic(desc, *stats->max_value));
      if (start) {
        OUPS_ASSIGN_OR_RETURN(int c_hi, CompareScalars(hi, *start));
        if (c_hi < 0) keep = false;  // max < start
      }
      if (keep && end_excl) {
        OUPS_ASSIGN_OR_RETURN(int c_lo, CompareScalars(lo, *end_excl));
        if (c_lo >= 0) keep = false;  // min >= end
      }
    }
    if (keep) out.push_back(static_cast<int>(r));
  }
  return out;
}

}  // namespace oups::parquet
