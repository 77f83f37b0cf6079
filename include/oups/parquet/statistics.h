// Column-chunk statistics as typed values, and row-group selection from them.
//
// DecodeStatistic turns the PLAIN bytes of a min/max statistic into a Scalar of
// the column's logical type (the type FileReader reads the column as).
// SelectRowGroups returns the row groups whose statistics say they may hold a
// value in [start, end_excl) of one column, so that a range read opens only
// those (row groups without usable statistics are always selected; those of
// floats, decimals and INT96 timestamps are not used).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oups/parquet/metadata.h"
#include "oups/table/scalar.h"

namespace oups::parquet {

// The value of a statistic's PLAIN bytes, typed as desc.logical (Corruption if
// the byte count does not fit the physical type): integers, dates, durations
// and timestamps (INT96 ones included, as nanoseconds), floats, bools, strings,
// binary and decimals of any physical type. NotSupported for the rest (e.g.
// FLOAT16). The one decoder of statistics: range reads and the metadata
// printer (printer.h) both use it.
Result<Scalar> DecodeStatistic(const ColumnDescriptor& desc, const std::string& plain);

// Three-way comparison of two valid scalars of the same kind (integers by
// value, whatever their width or signedness; floats; strings/binary byte-wise;
// timestamps only with the same unit). TypeError when they are not comparable.
Result<int> CompareScalars(const Scalar& a, const Scalar& b);

// Row groups of `md` that may hold a value v of `column` with start <= v <
// end_excl (either bound optional). NotFound for an unknown column, TypeError
// for a bound of another type than the column's.
Result<std::vector<int>> SelectRowGroups(const FileMetadata& md, const std::string& column,
                                         const std::optional<Scalar>& start,
                                         const std::optional<Scalar>& end_excl);

}  // namespace oups::parquet
