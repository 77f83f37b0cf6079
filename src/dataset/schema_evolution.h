// Schema evolution of an ordered dataset (docs/behaviour.md#schema-evolution):
// a write given WriteOptions::schema_evolution may add columns, widen the type
// of a column, and leave out a stored column; the stored schema becomes the
// evolved one and the dataset's row-group files keep the schema they were
// written with. Every read conforms a row group to the schema it reads with
// (the latest, or an older version's): a column missing from the file reads
// as nulls of the target type, a narrower type is widened.
//
// The widenings (IsWidening), the only type changes evolution makes:
//   * an integer to a wider integer of the same signedness
//     (int8 -> int16 -> int32 -> int64, uint8 -> ... -> uint64);
//   * any integer to float64 (rows of int64 / uint64 whose magnitude exceeds
//     2^53 are refused: float64 would not hold them exactly);
//   * float32 to float64;
//   * a timestamp to a finer unit (s -> ms -> us -> ns) of the same time-zone
//     kind (naive to naive, aware to aware; rows beyond the finer unit's range,
//     e.g. years after 2262 in ns, are refused).
// Everything else (narrowing, float to int, text to numbers, coarser units,
// naive <-> aware) is not an evolution: new rows of a narrower type are
// converted to the stored one where that is safe (ordered_dataset.cc,
// ConformToSchema), anything else stays a TypeError.
//
// A dataset whose schema evolved lists kSchemaEvolutionFeature in its
// metadata's required_features, so that readers not knowing it refuse it
// rather than misread it (metadata_file.h).
//
// Thread-safety: pure functions. Ownership: plain values.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dataset/file_naming.h"
#include "dataset/metadata_file.h"
#include "oups/io/file_system.h"
#include "oups/result.h"
#include "oups/table/builder.h"
#include "oups/table/column.h"
#include "oups/table/types.h"

namespace oups::dataset {

// Whether a column of type `from` may be widened to `to` (list above). Equal
// types are not a widening.
bool IsWidening(const DataType& from, const DataType& to);

// Whether widening `from` to `to` may fail for some values (int64/uint64 to
// float64, a timestamp to a finer unit), so that the stored rows must be
// checked before a write evolves the schema.
bool WideningMayFail(const DataType& from, const DataType& to);

// `column` (of a type IsWidening to `to`) as `to`. TypeError naming
// `column_name`, `where` (a file, or "the new rows"), the row and the value
// when a value does not convert exactly.
[[nodiscard]] Result<Column> WidenColumn(const Column& column, const DataType& to,
                                         const std::string& column_name,
                                         const std::string& where);

// A column of `length` nulls of `type`.
[[nodiscard]] Result<Column> NullColumn(const DataType& type, int64_t length);

// The evolved schema of a write: the stored columns in stored order, each
// widened to the given type when that is a widening, then the given columns
// the stored schema lacks, in the given order. Added columns and stored ones
// the write leaves out are nullable (the rows without them read as nulls).
struct EvolvedSchema {
  Schema schema;
  std::vector<std::string> added;    // given, not stored
  std::vector<std::string> widened;  // stored, given wider
  std::vector<std::string> left_out; // stored, not given (null in the new rows)
  bool changed() const { return !added.empty() || !widened.empty() || !left_out.empty(); }
};

// TypeError when the ordered column `ordered_on` would change type (its
// statistics in the metadata are of the stored type: it cannot evolve).
[[nodiscard]] Result<EvolvedSchema> EvolveSchema(const Schema& stored, const Schema& given,
                                                 const std::string& ordered_on);

// `rows` with an all-null column of the schema's type appended for every
// column of `schema` that `rows` lacks (ConformToSchema then orders and
// converts them).
[[nodiscard]] Result<Table> AddMissingColumns(const Table& rows, const Schema& schema);

// Before a write widens a column that WideningMayFail for, the stored rows of
// that column (every rg of `md`, files named by `paths`) must convert exactly:
// TypeError naming the column, both types, the file, the row and the value
// otherwise. Reads only the widened columns; nothing is written.
[[nodiscard]] Status CheckStoredRowsWiden(FileSystem& fs, const DatasetMetadata& md,
                                          const DatasetPaths& paths,
                                          const EvolvedSchema& evolved);

// Appends the integers of `c` to `b`, a builder of type `to`: widened to a
// wider integer type, or converted to a float type when `to` is floating,
// where a value of magnitude above 2^53 (float64) or 2^24 (float32) is not
// exact and gives `inexact(row, value as text)` instead. Nulls stay null. The
// one conversion of integers used by the safe conversions of a write and by
// schema evolution.
[[nodiscard]] Status AppendIntegersExactly(
    const Column& c, const DataType& to, ColumnBuilder& b,
    const std::function<Status(int64_t row, const std::string& value)>& inexact);

// Calls f with a value of the C++ type of integer type `id` (int8_t ...
// uint64_t) and returns its Status; Internal for a non-integer type. The one
// dispatch over the integer types of the safe conversions and of schema
// evolution.
template <typename F>
Status VisitInteger(TypeId id, F&& f) {
  switch (id) {
    case TypeId::kInt8: return f(int8_t{});
    case TypeId::kInt16: return f(int16_t{});
    case TypeId::kInt32: return f(int32_t{});
    case TypeId::kInt64: return f(int64_t{});
    case TypeId::kUInt8: return f(uint8_t{});
    case TypeId::kUInt16: return f(uint16_t{});
    case TypeId::kUInt32: return f(uint32_t{});
    case TypeId::kUInt64: return f(uint64_t{});
    default: return Status::Internal("not an integer type");
  }
}

}  // namespace oups::dataset
