#include "oups/table/builder.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "oups/table/kernels.h"

namespace oups {

namespace {

bool AcceptsInteger(TypeId id) {
  switch (id) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64:
    case TypeId::kTimestamp:
    case TypeId::kDate32:
    case TypeId::kDuration:
    case TypeId::kDecimal: return true;
    default: return false;
  }
}

Status WrongKind(const DataType& type, const char* what) {
  return Status::TypeError(std::string("cannot append ") + what + " to a " +
                           type.ToString() + " column");
}

template <typename T>
Status CheckRange(int64_t v, const DataType& type) {
  if (v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
      (static_cast<uint64_t>(std::numeric_limits<T>::max()) <
           static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) &&
       v > static_cast<int64_t>(std::numeric_limits<T>::max()))) {
    return Status::OutOfRange("value " + std::to_string(v) + " out of range for " +
                              type.ToString());
  }
  return Status::OK();
}

int64_t BitmapBytes(int64_t bits) { return (bits + 7) / 8; }

template <typename T>
bool PhysicalMatches(TypeId id) {
  if constexpr (std::is_same_v<T, bool>) return id == TypeId::kBool;
  else if constexpr (std::is_same_v<T, std::string_view>)
    return id == TypeId::kString || id == TypeId::kBinary;
  else if constexpr (std::is_same_v<T, int8_t>) return id == TypeId::kInt8;
  else if constexpr (std::is_same_v<T, int16_t>) return id == TypeId::kInt16;
  else if constexpr (std::is_same_v<T, int32_t>)
    return id == TypeId::kInt32 || id == TypeId::kDate32;
  else if constexpr (std::is_same_v<T, int64_t>)
    return id == TypeId::kInt64 || id == TypeId::kTimestamp || id == TypeId::kDuration;
  else if constexpr (std::is_same_v<T, uint8_t>) return id == TypeId::kUInt8;
  else if constexpr (std::is_same_v<T, uint16_t>) return id == TypeId::kUInt16;
  else if constexpr (std::is_same_v<T, uint32_t>) return id == TypeId::kUInt32;
  else if constexpr (std::is_same_v<T, uint64_t>) return id == TypeId::kUInt64;
  else if constexpr (std::is_same_v<T, float>) return id == TypeId::kFloat32;
  else if constexpr (std::is_same_v<T, double>) return id == TypeId::kFloat64;
  else return false;
}

template <typename T>
const char* PhysicalName() {
  if constexpr (std::is_same_v<T, bool>) return "bool";
  else if constexpr (std::is_same_v<T, std::string_view>) return "string_view";
  else if constexpr (std::is_same_v<T, float>) return "float";
  else if constexpr (std::is_same_v<T, double>) return "double";
  else if constexpr (std::is_signed_v<T>) {
    static const std::string name = "int" + std::to_string(8 * sizeof(T)) + "_t";
    return name.c_str();
  } else {
    static const std::string name = "uint" + std::to_string(8 * sizeof(T)) + "_t";
    return name.c_str();
  }
}

}  // namespace

ColumnBuilder::ColumnBuilder(DataType type)
    : type_(std::move(type)), values_(std::make_shared<MutableBuffer>()) {
  if (type_.is_var_length()) offsets_ = std::make_shared<MutableBuffer>();
}

Status ColumnBuilder::EnsureOffsets() {
  if (offsets_->size() == 0) {
    const int64_t zero = 0;
    return offsets_->Append(&zero, sizeof(zero));
  }
  return Status::OK();
}

Status ColumnBuilder::Reserve(int64_t additional) {
  if (additional < 0) return Status::InvalidArgument("negative Reserve");
  const int64_t n = length_ + additional;
  if (validity_) OUPS_RETURN_NOT_OK(validity_->Reserve(BitmapBytes(n)));
  if (type_.is_var_length()) {
    return offsets_->Reserve((n + 1) * 8);
  }
  if (type_.id == TypeId::kBool) return values_->Reserve(BitmapBytes(n));
  return values_->Reserve(n * type_.byte_width());
}

Status ColumnBuilder::ReserveBytes(int64_t additional) {
  if (!type_.is_var_length()) return Status::OK();
  if (additional < 0) return Status::InvalidArgument("negative ReserveBytes");
  return values_->Reserve(values_->size() + additional);
}

Status ColumnBuilder::MaterializeValidity() {
  if (validity_) return Status::OK();
  auto v = std::make_shared<MutableBuffer>();
  OUPS_RETURN_NOT_OK(v->Resize(BitmapBytes(length_), /*zero_new=*/false));
  if (length_ > 0) {
    std::memset(v->mutable_data(), 0xFF, static_cast<size_t>(v->size()));
    // Keep the padding bits of the last byte zero, as a fresh bitmap would.
    if (length_ % 8 != 0) v->mutable_data()[v->size() - 1] = uint8_t((1u << (length_ % 8)) - 1);
  }
  validity_ = std::move(v);
  return Status::OK();
}

// Records the validity of slot length_ (the slot being appended).
Status ColumnBuilder::AppendValidity(bool valid) {
  if (valid && !validity_) return Status::OK();
  OUPS_RETURN_NOT_OK(MaterializeValidity());
  OUPS_RETURN_NOT_OK(validity_->Resize(BitmapBytes(length_ + 1), /*zero_new=*/true));
  SetBitTo(validity_->mutable_data(), length_, valid);
  if (!valid) ++null_count_;
  return Status::OK();
}

// Records the validity of slots [length_, length_ + n).
Status ColumnBuilder::AppendValidityRun(int64_t n, const uint8_t* valid_bytes) {
  if (valid_bytes == nullptr) {
    if (!validity_) return Status::OK();
    OUPS_RETURN_NOT_OK(validity_->Resize(BitmapBytes(length_ + n), true));
    uint8_t* bits = validity_->mutable_data();
    for (int64_t i = 0; i < n; ++i) SetBit(bits, length_ + i);
    return Status::OK();
  }
  int64_t nulls = 0;
  for (int64_t i = 0; i < n; ++i) nulls += valid_bytes[i] == 0;
  if (nulls == 0 && !validity_) return Status::OK();
  OUPS_RETURN_NOT_OK(MaterializeValidity());
  OUPS_RETURN_NOT_OK(validity_->Resize(BitmapBytes(length_ + n), true));
  uint8_t* bits = validity_->mutable_data();
  for (int64_t i = 0; i < n; ++i) SetBitTo(bits, length_ + i, valid_bytes[i] != 0);
  null_count_ += nulls;
  return Status::OK();
}

template <typename T>
Status ColumnBuilder::AppendFixed(T v) {
  OUPS_RETURN_NOT_OK(values_->Append(&v, sizeof(T)));
  Status st = AppendValidity(true);
  if (!st.ok()) {
    OUPS_RETURN_NOT_OK(values_->Resize(values_->size() - static_cast<int64_t>(sizeof(T))));
    return st;
  }
  ++length_;
  return Status::OK();
}

Status ColumnBuilder::AppendBit(bool v) {
  OUPS_RETURN_NOT_OK(values_->Resize(BitmapBytes(length_ + 1), /*zero_new=*/true));
  SetBitTo(values_->mutable_data(), length_, v);
  OUPS_RETURN_NOT_OK(AppendValidity(true));
  ++length_;
  return Status::OK();
}

Status ColumnBuilder::AppendBytes(std::string_view v) {
  OUPS_RETURN_NOT_OK(EnsureOffsets());
  OUPS_RETURN_NOT_OK(offsets_->Reserve(offsets_->size() + 8));
  OUPS_RETURN_NOT_OK(values_->Append(v.data(), static_cast<int64_t>(v.size())));
  const int64_t end = values_->size();
  offsets_->UnsafeAppend(&end, sizeof(end));
  OUPS_RETURN_NOT_OK(AppendValidity(true));
  ++length_;
  return Status::OK();
}

// A placeholder slot (zero value / empty string) for a null.
Status ColumnBuilder::AppendEmptySlot() {
  if (type_.is_var_length()) {
    OUPS_RETURN_NOT_OK(EnsureOffsets());
    const int64_t end = values_->size();
    return offsets_->Append(&end, sizeof(end));
  }
  if (type_.id == TypeId::kBool) {
    return values_->Resize(BitmapBytes(length_ + 1), /*zero_new=*/true);
  }
  const int64_t w = type_.byte_width();
  return values_->Resize(values_->size() + w, /*zero_new=*/true);
}

Status ColumnBuilder::AppendNull() {
  OUPS_RETURN_NOT_OK(AppendEmptySlot());
  OUPS_RETURN_NOT_OK(AppendValidity(false));
  ++length_;
  return Status::OK();
}

Status ColumnBuilder::AppendNulls(int64_t n) {
  OUPS_RETURN_NOT_OK(Reserve(n));
  for (int64_t i = 0; i < n; ++i) OUPS_RETURN_NOT_OK(AppendNull());
  return Status::OK();
}

Status ColumnBuilder::Append(int64_t v) {
  switch (type_.id) {
    case TypeId::kInt8:
      OUPS_RETURN_NOT_OK(CheckRange<int8_t>(v, type_));
      return AppendFixed(static_cast<int8_t>(v));
    case TypeId::kInt16:
      OUPS_RETURN_NOT_OK(CheckRange<int16_t>(v, type_));
      return AppendFixed(static_cast<int16_t>(v));
    case TypeId::kInt32:
    case TypeId::kDate32:
      OUPS_RETURN_NOT_OK(CheckRange<int32_t>(v, type_));
      return AppendFixed(static_cast<int32_t>(v));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kDuration: return AppendFixed(v);
    case TypeId::kUInt8:
      OUPS_RETURN_NOT_OK(CheckRange<uint8_t>(v, type_));
      return AppendFixed(static_cast<uint8_t>(v));
    case TypeId::kUInt16:
      OUPS_RETURN_NOT_OK(CheckRange<uint16_t>(v, type_));
      return AppendFixed(static_cast<uint16_t>(v));
    case TypeId::kUInt32:
      OUPS_RETURN_NOT_OK(CheckRange<uint32_t>(v, type_));
      return AppendFixed(static_cast<uint32_t>(v));
    case TypeId::kUInt64:
      if (v < 0) {
        return Status::OutOfRange("value " + std::to_string(v) + " out of range for uint64");
      }
      return AppendFixed(static_cast<uint64_t>(v));
    case TypeId::kDecimal: {
      if (type_.precision > 0 && type_.precision < 19) {
        int64_t limit = 1;
        for (int k = 0; k < type_.precision; ++k) limit *= 10;
        if (v <= -limit || v >= limit) {
          return Status::OutOfRange("unscaled value " + std::to_string(v) +
                                    " has more digits than " + type_.ToString());
        }
      }
      return AppendDecimal(static_cast<uint64_t>(v), v < 0 ? -1 : 0);
    }
    default: return WrongKind(type_, "an integer");
  }
}

Status ColumnBuilder::Append(uint64_t v) {
  if (type_.id == TypeId::kUInt64) return AppendFixed(v);
  if (!AcceptsInteger(type_.id)) return WrongKind(type_, "an integer");
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Status::OutOfRange("value " + std::to_string(v) + " out of range for " +
                              type_.ToString());
  }
  return Append(static_cast<int64_t>(v));
}

Status ColumnBuilder::Append(double v) {
  if (type_.id == TypeId::kFloat64) return AppendFixed(v);
  if (type_.id == TypeId::kFloat32) {
    if (std::isfinite(v) && std::fabs(v) > static_cast<double>(FLT_MAX)) {
      return Status::OutOfRange("value " + std::to_string(v) + " out of range for float32");
    }
    return AppendFixed(static_cast<float>(v));
  }
  return WrongKind(type_, "a floating-point value");
}

Status ColumnBuilder::Append(bool v) {
  if (type_.id != TypeId::kBool) return WrongKind(type_, "a bool");
  return AppendBit(v);
}

Status ColumnBuilder::Append(std::string_view v) {
  if (!type_.is_var_length()) return WrongKind(type_, "a string");
  if (type_.id == TypeId::kString && !IsValidUtf8(v)) {
    return Status::InvalidArgument("invalid UTF-8 in value appended to string column");
  }
  return AppendBytes(v);
}

Status ColumnBuilder::AppendDecimal(uint64_t lo, int64_t hi) {
  if (type_.id != TypeId::kDecimal) return WrongKind(type_, "a decimal");
  uint8_t bytes[16];
  std::memcpy(bytes, &lo, 8);
  std::memcpy(bytes + 8, &hi, 8);
  OUPS_RETURN_NOT_OK(values_->Append(bytes, 16));
  OUPS_RETURN_NOT_OK(AppendValidity(true));
  ++length_;
  return Status::OK();
}

template <typename T>
Status ColumnBuilder::AppendValues(const T* values, int64_t n, const uint8_t* valid_bytes) {
  if (!PhysicalMatches<T>(type_.id)) {
    return Status::TypeError(std::string("AppendValues<") + PhysicalName<T>() +
                             "> does not match a " + type_.ToString() + " column");
  }
  if (n < 0) return Status::InvalidArgument("AppendValues: negative count");
  if (n == 0) return Status::OK();
  if constexpr (std::is_same_v<T, std::string_view>) {
    int64_t bytes = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (valid_bytes && !valid_bytes[i]) continue;
      if (type_.id == TypeId::kString && !IsValidUtf8(values[i])) {
        return Status::InvalidArgument("invalid UTF-8 in value " + std::to_string(i) +
                                       " appended to string column");
      }
      bytes += static_cast<int64_t>(values[i].size());
    }
    OUPS_RETURN_NOT_OK(EnsureOffsets());
    OUPS_RETURN_NOT_OK(offsets_->Reserve(offsets_->size() + 8 * n));
    OUPS_RETURN_NOT_OK(values_->Reserve(values_->size() + bytes));
    OUPS_RETURN_NOT_OK(AppendValidityRun(n, valid_bytes));
    for (int64_t i = 0; i < n; ++i) {
      if (!valid_bytes || valid_bytes[i]) {
        values_->UnsafeAppend(values[i].data(), static_cast<int64_t>(values[i].size()));
      }
      const int64_t end = values_->size();
      offsets_->UnsafeAppend(&end, sizeof(end));
    }
  } else if constexpr (std::is_same_v<T, bool>) {
    OUPS_RETURN_NOT_OK(values_->Resize(BitmapBytes(length_ + n), /*zero_new=*/true));
    OUPS_RETURN_NOT_OK(AppendValidityRun(n, valid_bytes));
    uint8_t* bits = values_->mutable_data();
    for (int64_t i = 0; i < n; ++i) SetBitTo(bits, length_ + i, values[i]);
  } else {
    OUPS_RETURN_NOT_OK(values_->Reserve(values_->size() + n * static_cast<int64_t>(sizeof(T))));
    OUPS_RETURN_NOT_OK(AppendValidityRun(n, valid_bytes));
    values_->UnsafeAppend(values, n * static_cast<int64_t>(sizeof(T)));
  }
  length_ += n;
  return Status::OK();
}

#define OUPS_INSTANTIATE_APPEND_VALUES(T) \
  template Status ColumnBuilder::AppendValues<T>(const T*, int64_t, const uint8_t*);
OUPS_INSTANTIATE_APPEND_VALUES(bool)
OUPS_INSTANTIATE_APPEND_VALUES(int8_t)
OUPS_INSTANTIATE_APPEND_VALUES(int16_t)
OUPS_INSTANTIATE_APPEND_VALUES(int32_t)
OUPS_INSTANTIATE_APPEND_VALUES(int64_t)
OUPS_INSTANTIATE_APPEND_VALUES(uint8_t)
OUPS_INSTANTIATE_APPEND_VALUES(uint16_t)
OUPS_INSTANTIATE_APPEND_VALUES(uint32_t)
OUPS_INSTANTIATE_APPEND_VALUES(uint64_t)
OUPS_INSTANTIATE_APPEND_VALUES(float)
OUPS_INSTANTIATE_APPEND_VALUES(double)
OUPS_INSTANTIATE_APPEND_VALUES(std::string_view)
#undef OUPS_INSTANTIATE_APPEND_VALUES

Result<Column> ColumnBuilder::Finish() {
  if (type_.is_var_length()) OUPS_RETURN_NOT_OK(EnsureOffsets());
  std::shared_ptr<Buffer> validity;
  if (null_count_ > 0) validity = std::move(validity_);
  Column col(type_, length_, std::move(validity), std::move(values_), std::move(offsets_),
             null_count_, 0);
  validity_.reset();
  values_ = std::make_shared<MutableBuffer>();
  offsets_ = type_.is_var_length() ? std::make_shared<MutableBuffer>() : nullptr;
  length_ = 0;
  null_count_ = 0;
  return col;
}

Result<Table> MakeTable(std::vector<std::pair<Field, Column>> columns) {
  std::vector<Field> fields;
  std::vector<Column> cols;
  fields.reserve(columns.size());
  cols.reserve(columns.size());
  for (auto& [field, col] : columns) {
    fields.push_back(std::move(field));
    cols.push_back(std::move(col));
  }
  return Table::Make(Schema(std::move(fields)), std::move(cols));
}

Result<Table> MakeTable(std::vector<std::pair<std::string, Column>> columns) {
  std::vector<std::pair<Field, Column>> with_fields;
  with_fields.reserve(columns.size());
  for (auto& [name, col] : columns) {
    Field f;
    f.name = std::move(name);
    f.type = col.type();
    f.nullable = true;
    with_fields.emplace_back(std::move(f), std::move(col));
  }
  return MakeTable(std::move(with_fields));
}

}  // namespace oups
