#include "oups/table/column.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_set>

namespace oups {

// ------------------------------------------------------------------ bitmaps

int64_t CountSetBits(const uint8_t* bits, int64_t offset, int64_t length) {
  if (length <= 0) return 0;
  int64_t count = 0;
  int64_t i = offset;
  const int64_t end = offset + length;
  // Leading bits up to a byte boundary.
  while (i < end && (i & 7) != 0) {
    count += GetBit(bits, i);
    ++i;
  }
  // Whole 64-bit words.
  const uint8_t* p = bits + (i >> 3);
  while (end - i >= 64) {
    uint64_t w;
    std::memcpy(&w, p, sizeof(w));
    count += std::popcount(w);
    p += 8;
    i += 64;
  }
  // Whole bytes.
  while (end - i >= 8) {
    count += std::popcount(static_cast<unsigned>(*p));
    ++p;
    i += 8;
  }
  // Trailing bits.
  while (i < end) {
    count += GetBit(bits, i);
    ++i;
  }
  return count;
}

// ------------------------------------------------------------------- Column

Column::Column(DataType type, int64_t length, std::shared_ptr<Buffer> validity,
               std::shared_ptr<Buffer> values, std::shared_ptr<Buffer> offsets,
               int64_t null_count, int64_t offset)
    : type_(std::move(type)),
      length_(length),
      offset_(offset),
      null_count_(null_count),
      validity_(std::move(validity)),
      values_(std::move(values)),
      offsets_(std::move(offsets)) {
  if (validity_ == nullptr) {
    if (null_count_ < 0) null_count_ = 0;
    return;
  }
  if (null_count_ < 0) {
    // Only count over a bitmap large enough; Validate() reports the others
    // (null_count stays -1 as the mark of an inconsistent column).
    if (length_ >= 0 && offset_ >= 0 && validity_->size() * 8 >= offset_ + length_) {
      null_count_ = length_ - CountSetBits(validity_->data(), offset_, length_);
    }
  }
  if (null_count_ == 0) validity_.reset();
}

Column Column::Slice(int64_t start, int64_t length) const {
  start = std::clamp<int64_t>(start, 0, length_);
  length = std::clamp<int64_t>(length, 0, length_ - start);
  int64_t nulls = 0;
  if (validity_ != nullptr) {
    if (start == 0 && length == length_) {
      nulls = null_count_;
    } else {
      nulls = length - CountSetBits(validity_->data(), offset_ + start, length);
    }
  }
  return Column(type_, length, nulls > 0 ? validity_ : nullptr, values_, offsets_, nulls,
                offset_ + start);
}

namespace {

std::string Num(int64_t v) { return std::to_string(v); }

}  // namespace

Status Column::Validate() const {
  const std::string t = type_.ToString();
  if (length_ < 0 || offset_ < 0) {
    return Status::Internal(t + " column has negative length " + Num(length_) +
                            " or offset " + Num(offset_));
  }
  if (type_.id == TypeId::kDecimal && (type_.precision < 1 || type_.precision > 38)) {
    return Status::Internal("decimal precision " + Num(type_.precision) +
                            " outside [1, 38]");
  }
  const int64_t end = offset_ + length_;
  if (null_count_ < 0) {
    return Status::Internal(t + " column: validity bitmap of " +
                            Num(validity_ ? validity_->size() : 0) +
                            " bytes too small for " + Num(end) + " slots");
  }
  if (null_count_ > length_) {
    return Status::Internal(t + " column: null_count " + Num(null_count_) +
                            " exceeds length " + Num(length_));
  }
  if (validity_ == nullptr) {
    if (null_count_ != 0) {
      return Status::Internal(t + " column: null_count " + Num(null_count_) +
                              " without a validity bitmap");
    }
  } else {
    if (validity_->size() * 8 < end) {
      return Status::Internal(t + " column: validity bitmap of " + Num(validity_->size()) +
                              " bytes too small for " + Num(end) + " slots");
    }
    const int64_t actual = length_ - CountSetBits(validity_->data(), offset_, length_);
    if (actual != null_count_) {
      return Status::Internal(t + " column: null_count " + Num(null_count_) +
                              " but the validity bitmap has " + Num(actual) + " nulls");
    }
  }
  if (type_.is_var_length()) {
    if (offsets_ == nullptr) {
      return Status::Internal(t + " column without an offsets buffer");
    }
    if (offsets_->size() < (end + 1) * 8) {
      return Status::Internal(t + " column: offsets buffer of " + Num(offsets_->size()) +
                              " bytes too small for " + Num(end + 1) + " offsets");
    }
    const int64_t* o = offsets_data();
    if (o[0] < 0) {
      return Status::Internal(t + " column: negative first offset " + Num(o[0]));
    }
    for (int64_t i = 0; i < length_; ++i) {
      if (o[i + 1] < o[i]) {
        return Status::Internal(t + " column: offsets decrease at slot " + Num(i));
      }
    }
    const int64_t bytes = values_ ? values_->size() : 0;
    if (o[length_] > bytes) {
      return Status::Internal(t + " column: offsets reach byte " + Num(o[length_]) +
                              " past the " + Num(bytes) + "-byte values buffer");
    }
    return Status::OK();
  }
  if (type_.id == TypeId::kBool) {
    if (length_ > 0 && (values_ == nullptr || values_->size() * 8 < end)) {
      return Status::Internal(t + " column: values bitmap of " +
                              Num(values_ ? values_->size() : 0) + " bytes too small for " +
                              Num(end) + " slots");
    }
    return Status::OK();
  }
  const int64_t need = end * type_.byte_width();
  if (length_ > 0 && (values_ == nullptr || values_->size() < need)) {
    return Status::Internal(t + " column: values buffer of " +
                            Num(values_ ? values_->size() : 0) + " bytes, need " +
                            Num(need));
  }
  return Status::OK();
}

namespace {

template <typename T>
bool FixedEquals(const Column& a, const Column& b) {
  const T* x = a.data<T>();
  const T* y = b.data<T>();
  const int64_t n = a.length();
  if (!a.has_nulls()) {
    if constexpr (std::is_floating_point_v<T>) {
      for (int64_t i = 0; i < n; ++i) {
        if (!(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i])))) return false;
      }
      return true;
    } else {
      return n == 0 || std::memcmp(x, y, static_cast<size_t>(n) * sizeof(T)) == 0;
    }
  }
  for (int64_t i = 0; i < n; ++i) {
    if (a.IsNull(i)) continue;  // b is null at i too (checked by the caller)
    if constexpr (std::is_floating_point_v<T>) {
      if (!(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i])))) return false;
    } else {
      if (x[i] != y[i]) return false;
    }
  }
  return true;
}

struct Bytes16 {
  uint64_t lo, hi;
  bool operator!=(const Bytes16& o) const { return lo != o.lo || hi != o.hi; }
};

bool ValidityEquals(const Column& a, const Column& b) {
  if (a.null_count() != b.null_count()) return false;
  if (a.null_count() == 0) return true;
  for (int64_t i = 0; i < a.length(); ++i) {
    if (a.IsNull(i) != b.IsNull(i)) return false;
  }
  return true;
}

}  // namespace

bool Column::Equals(const Column& other) const {
  if (type_ != other.type_ || length_ != other.length_) return false;
  if (!ValidityEquals(*this, other)) return false;
  if (length_ == 0) return true;
  switch (type_.id) {
    case TypeId::kBool:
      for (int64_t i = 0; i < length_; ++i) {
        if (IsValid(i) && GetBool(i) != other.GetBool(i)) return false;
      }
      return true;
    case TypeId::kInt8:
    case TypeId::kUInt8: return FixedEquals<uint8_t>(*this, other);
    case TypeId::kInt16:
    case TypeId::kUInt16: return FixedEquals<uint16_t>(*this, other);
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kDate32: return FixedEquals<uint32_t>(*this, other);
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kTimestamp:
    case TypeId::kDuration: return FixedEquals<uint64_t>(*this, other);
    case TypeId::kFloat32: return FixedEquals<float>(*this, other);
    case TypeId::kFloat64: return FixedEquals<double>(*this, other);
    case TypeId::kDecimal: return FixedEquals<Bytes16>(*this, other);
    case TypeId::kString:
    case TypeId::kBinary:
      for (int64_t i = 0; i < length_; ++i) {
        if (IsValid(i) && GetView(i) != other.GetView(i)) return false;
      }
      return true;
  }
  return false;
}

// ------------------------------------------------------------------- Schema

int Schema::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Schema::ToString() const {
  std::string out;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) out += ", ";
    out += fields_[i].name;
    out += ": ";
    out += fields_[i].type.ToString();
    if (!fields_[i].nullable) out += " not null";
  }
  return out;
}

// -------------------------------------------------------------------- Table

namespace {

std::string AvailableColumns(const Schema& schema) {
  std::string out;
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (i > 0) out += ", ";
    out += schema.field(i).name;
  }
  return out;
}

Status ColumnNotFound(const Schema& schema, std::string_view name) {
  return Status::NotFound("column '" + std::string(name) +
                          "' not found; available: " + AvailableColumns(schema));
}

}  // namespace

Result<Table> Table::Make(Schema schema, std::vector<Column> columns) {
  if (static_cast<size_t>(schema.num_fields()) != columns.size()) {
    return Status::InvalidArgument("schema has " + Num(schema.num_fields()) +
                                   " fields but " + Num(static_cast<int64_t>(columns.size())) +
                                   " columns were given");
  }
  std::unordered_set<std::string_view> names;
  const int64_t num_rows = columns.empty() ? 0 : columns[0].length();
  for (int i = 0; i < schema.num_fields(); ++i) {
    const Field& f = schema.field(i);
    const Column& c = columns[static_cast<size_t>(i)];
    if (!names.insert(f.name).second) {
      return Status::InvalidArgument("duplicate column name '" + f.name + "' in schema");
    }
    if (c.type() != f.type) {
      return Status::TypeError("column '" + f.name + "': schema says " + f.type.ToString() +
                               " but the column holds " + c.type().ToString());
    }
    if (c.length() != num_rows) {
      return Status::InvalidArgument("column '" + f.name + "' has " + Num(c.length()) +
                                     " rows but column '" + schema.field(0).name +
                                     "' has " + Num(num_rows));
    }
    Status st = c.Validate();
    if (!st.ok()) return st.WithContext("column '" + f.name + "'");
    if (!f.nullable && c.null_count() > 0) {
      return Status::InvalidArgument("column '" + f.name + "' is declared not null but has " +
                                     Num(c.null_count()) + " nulls");
    }
  }
  return Table(std::move(schema), std::move(columns), num_rows);
}

Result<Column> Table::GetColumn(std::string_view name) const {
  const int i = schema_.IndexOf(name);
  if (i < 0) return ColumnNotFound(schema_, name);
  return columns_[static_cast<size_t>(i)];
}

Table Table::Slice(int64_t start, int64_t length) const {
  start = std::clamp<int64_t>(start, 0, num_rows_);
  length = std::clamp<int64_t>(length, 0, num_rows_ - start);
  std::vector<Column> cols;
  cols.reserve(columns_.size());
  for (const Column& c : columns_) cols.push_back(c.Slice(start, length));
  return Table(schema_, std::move(cols), length);
}

Result<Table> Table::SelectColumns(const std::vector<std::string>& names) const {
  std::vector<Field> fields;
  std::vector<Column> cols;
  fields.reserve(names.size());
  cols.reserve(names.size());
  std::unordered_set<std::string_view> seen;
  for (const std::string& name : names) {
    const int i = schema_.IndexOf(name);
    if (i < 0) return ColumnNotFound(schema_, name);
    if (!seen.insert(name).second) {
      return Status::InvalidArgument("column '" + name + "' selected twice");
    }
    fields.push_back(schema_.field(i));
    cols.push_back(columns_[static_cast<size_t>(i)]);
  }
  return Table(Schema(std::move(fields)), std::move(cols), num_rows_);
}

bool Table::Equals(const Table& other) const {
  if (num_rows_ != other.num_rows_ || !(schema_ == other.schema_)) return false;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!columns_[i].Equals(other.columns_[i])) return false;
  }
  return true;
}

}  // namespace oups
