// Column and Table: the in-memory columnar data oups reads and writes.
//
// Layout is Arrow's: an optional validity bitmap (bit set = value present, LSB
// first; absent = no nulls), then
//   * fixed-width types: a values buffer of byte_width() bytes per slot;
//   * bool: a values bitmap;
//   * string/binary: an int64 offsets buffer of length+1 entries and a bytes buffer.
// A Column may be a zero-copy slice: `offset()` is the index of its first slot in
// the buffers (offsets/bitmaps are addressed from that slot).
//
// Thread-safety: Columns and Tables are immutable once built and safe to share
// between threads. Ownership: buffers are shared (std::shared_ptr); copying a
// Column or Table copies handles, never data.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "oups/common/buffer.h"
#include "oups/table/types.h"

namespace oups {

inline bool GetBit(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
inline void SetBit(uint8_t* bits, int64_t i) { bits[i >> 3] |= uint8_t(1u << (i & 7)); }
inline void ClearBit(uint8_t* bits, int64_t i) { bits[i >> 3] &= uint8_t(~(1u << (i & 7))); }
inline void SetBitTo(uint8_t* bits, int64_t i, bool v) {
  bits[i >> 3] = uint8_t((bits[i >> 3] & ~(1u << (i & 7))) | (unsigned(v) << (i & 7)));
}
// Number of set bits in [offset, offset + length).
int64_t CountSetBits(const uint8_t* bits, int64_t offset, int64_t length);

class Column {
 public:
  Column() = default;
  // Buffers are taken as given; `null_count` < 0 means "count it now".
  Column(DataType type, int64_t length, std::shared_ptr<Buffer> validity,
         std::shared_ptr<Buffer> values, std::shared_ptr<Buffer> offsets = nullptr,
         int64_t null_count = -1, int64_t offset = 0);

  const DataType& type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t offset() const { return offset_; }
  int64_t null_count() const { return null_count_; }
  bool has_nulls() const { return null_count_ > 0; }

  // Validity bitmap (nullptr when no nulls), addressed from bit offset().
  const std::shared_ptr<Buffer>& validity() const { return validity_; }
  const std::shared_ptr<Buffer>& values() const { return values_; }
  const std::shared_ptr<Buffer>& offsets() const { return offsets_; }

  bool IsNull(int64_t i) const {
    return validity_ != nullptr && !GetBit(validity_->data(), offset_ + i);
  }
  bool IsValid(int64_t i) const { return !IsNull(i); }

  // Typed pointer to the first slot's value (fixed-width types).
  template <typename T>
  const T* data() const {
    return values_->data_as<T>() + offset_;
  }
  bool GetBool(int64_t i) const { return GetBit(values_->data(), offset_ + i); }
  // String/binary value of slot i (empty for nulls).
  std::string_view GetView(int64_t i) const {
    const int64_t* o = offsets_->data_as<int64_t>() + offset_;
    return {reinterpret_cast<const char*>(values_->data()) + o[i],
            static_cast<size_t>(o[i + 1] - o[i])};
  }
  // Int64 offsets from the first slot (string/binary).
  const int64_t* offsets_data() const { return offsets_->data_as<int64_t>() + offset_; }

  // Zero-copy slice of [start, start + length).
  Column Slice(int64_t start, int64_t length) const;

  // Checks buffer sizes against length and type; Internal status if inconsistent.
  Status Validate() const;
  // Value equality (types, nulls and values; NaN equals NaN).
  bool Equals(const Column& other) const;

 private:
  DataType type_;
  int64_t length_ = 0;
  int64_t offset_ = 0;
  int64_t null_count_ = 0;
  std::shared_ptr<Buffer> validity_;
  std::shared_ptr<Buffer> values_;
  std::shared_ptr<Buffer> offsets_;
};

struct Field {
  std::string name;
  DataType type;
  bool nullable = true;
  friend bool operator==(const Field& a, const Field& b) {
    return a.name == b.name && a.type == b.type && a.nullable == b.nullable;
  }
};

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}
  const std::vector<Field>& fields() const { return fields_; }
  int num_fields() const { return static_cast<int>(fields_.size()); }
  const Field& field(int i) const { return fields_[static_cast<size_t>(i)]; }
  // Index of the field named `name`, or -1.
  int IndexOf(std::string_view name) const;
  std::string ToString() const;
  friend bool operator==(const Schema& a, const Schema& b) { return a.fields_ == b.fields_; }

 private:
  std::vector<Field> fields_;
};

class Table {
 public:
  Table() = default;
  // Validates that every column has `num_rows` slots and the schema's type.
  static Result<Table> Make(Schema schema, std::vector<Column> columns);

  const Schema& schema() const { return schema_; }
  int64_t num_rows() const { return num_rows_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const Column& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  const std::vector<Column>& columns() const { return columns_; }
  // The column named `name`, or NotFound naming it.
  Result<Column> GetColumn(std::string_view name) const;

  // Zero-copy row slice.
  Table Slice(int64_t start, int64_t length) const;
  // Subset of columns by name, in the given order (NotFound naming a missing one).
  Result<Table> SelectColumns(const std::vector<std::string>& names) const;
  bool Equals(const Table& other) const;

 private:
  Table(Schema schema, std::vector<Column> columns, int64_t num_rows)
      : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(num_rows) {}
  Schema schema_;
  std::vector<Column> columns_;
  int64_t num_rows_ = 0;
};

}  // namespace oups
