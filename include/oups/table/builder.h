// ColumnBuilder and table-building helpers: how columns are made from values.
//
// ColumnBuilder appends values of one DataType, row by row (Append*) or in bulk
// (AppendValues), and Finish()es into an immutable Column (column.h). Every
// Append checks the value against the builder's type: a value of the wrong kind
// gives TypeError, an integer that does not fit a narrower column gives
// OutOfRange, invalid UTF-8 for a string column gives InvalidArgument. These
// checks run before anything is appended, so such a failure leaves the builder
// unchanged (an allocation failure may not).
//
// Which Append fits which type:
//   Append(int64_t) / Append(uint64_t): integers (range-checked), timestamp,
//       duration, date32 (range-checked), decimal (the unscaled value);
//   Append(double): float32, float64 (finite values beyond float's range:
//       OutOfRange);
//   Append(bool): bool;   Append(std::string_view): string, binary.
// Other integral argument types (int, long long, ...) forward to the int64_t /
// uint64_t overloads, so `b.Append(5)` is not ambiguous.
//
// Thread-safety: a builder is a mutable object for one thread; the Columns it
// produces are immutable and shareable. Ownership: the builder owns its growing
// buffers until Finish(), which moves them into the returned Column (no copy)
// and resets the builder to empty, ready for reuse with the same type.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "oups/common/buffer.h"
#include "oups/result.h"
#include "oups/table/column.h"
#include "oups/table/types.h"

namespace oups {

class ColumnBuilder {
 public:
  explicit ColumnBuilder(DataType type);
  ColumnBuilder(const ColumnBuilder&) = delete;
  ColumnBuilder& operator=(const ColumnBuilder&) = delete;
  ColumnBuilder(ColumnBuilder&&) noexcept = default;
  ColumnBuilder& operator=(ColumnBuilder&&) noexcept = default;

  const DataType& type() const { return type_; }
  // Number of slots appended so far.
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }

  // Makes room for `additional` more slots (and, for string/binary, does not
  // reserve bytes: see ReserveBytes).
  Status Reserve(int64_t additional);
  // Makes room for `additional` more value bytes (string/binary).
  Status ReserveBytes(int64_t additional);

  Status AppendNull();
  Status AppendNulls(int64_t n);
  Status Append(int64_t v);
  Status Append(uint64_t v);
  Status Append(double v);
  Status Append(bool v);
  Status Append(std::string_view v);
  Status Append(const char* v) { return Append(std::string_view(v)); }
  Status Append(const std::string& v) { return Append(std::string_view(v)); }
  template <typename T>
    requires(std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, int64_t> &&
             !std::same_as<T, uint64_t>)
  Status Append(T v) {
    if constexpr (std::is_signed_v<T>) {
      return Append(static_cast<int64_t>(v));
    } else {
      return Append(static_cast<uint64_t>(v));
    }
  }
  // A decimal value as the 128-bit two's complement unscaled integer hi:lo.
  Status AppendDecimal(uint64_t lo, int64_t hi);

  // Appends `n` values; `valid_bytes` (one byte per value, 0 = null) may be
  // null for "all valid". T must be the column's physical value type:
  //   int8_t..int64_t / uint8_t..uint64_t for the integer types of that width,
  //   int32_t for date32, int64_t for timestamp and duration, float / double,
  //   bool for bool, std::string_view for string and binary.
  // Otherwise TypeError. Values are copied as given (no range check needed);
  // strings are checked for UTF-8.
  template <typename T>
  Status AppendValues(const T* values, int64_t n, const uint8_t* valid_bytes = nullptr);

  // Moves the data into a Column and resets the builder. The validity bitmap is
  // omitted when there are no nulls.
  Result<Column> Finish();

 private:
  Status AppendValidity(bool valid);
  Status AppendValidityRun(int64_t n, const uint8_t* valid_bytes);
  Status MaterializeValidity();
  template <typename T>
  Status AppendFixed(T v);
  Status AppendBit(bool v);
  Status AppendBytes(std::string_view v);
  Status AppendEmptySlot();
  Status EnsureOffsets();

  DataType type_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  std::shared_ptr<MutableBuffer> validity_;  // allocated at the first null
  std::shared_ptr<MutableBuffer> values_;
  std::shared_ptr<MutableBuffer> offsets_;   // string/binary
};

// Builds a column of `type` from `values` with optional validity (`valid`
// empty = all valid, else one entry per value). T may be any integral type,
// float, double, bool, std::string or std::string_view; each value goes
// through ColumnBuilder::Append, so the same checks apply.
template <typename T>
Result<Column> ColumnFromVector(const DataType& type, const std::vector<T>& values,
                                const std::vector<bool>& valid = {});

// Table from (field, column) pairs; validated like Table::Make.
Result<Table> MakeTable(std::vector<std::pair<Field, Column>> columns);
// Table from (name, column) pairs; fields are nullable and take the column's type.
Result<Table> MakeTable(std::vector<std::pair<std::string, Column>> columns);

// ------------------------------------------------------------ implementation

template <typename T>
Result<Column> ColumnFromVector(const DataType& type, const std::vector<T>& values,
                                const std::vector<bool>& valid) {
  if (!valid.empty() && valid.size() != values.size()) {
    return Status::InvalidArgument("ColumnFromVector: " + std::to_string(values.size()) +
                                   " values but " + std::to_string(valid.size()) +
                                   " validity flags");
  }
  ColumnBuilder b(type);
  OUPS_RETURN_NOT_OK(b.Reserve(static_cast<int64_t>(values.size())));
  for (size_t i = 0; i < values.size(); ++i) {
    if (!valid.empty() && !valid[i]) {
      OUPS_RETURN_NOT_OK(b.AppendNull());
    } else if constexpr (std::is_same_v<T, bool>) {
      OUPS_RETURN_NOT_OK(b.Append(static_cast<bool>(values[i])));
    } else if constexpr (std::is_floating_point_v<T>) {
      OUPS_RETURN_NOT_OK(b.Append(static_cast<double>(values[i])));
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      OUPS_RETURN_NOT_OK(b.Append(std::string_view(values[i])));
    } else {
      OUPS_RETURN_NOT_OK(b.Append(values[i]));
    }
  }
  return b.Finish();
}

}  // namespace oups
