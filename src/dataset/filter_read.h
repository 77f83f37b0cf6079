// The filtered read of one row group (DatasetSnapshot::Read with a filter,
// see oups/dataset/filter.h): statistics pruning, a first pass decoding the
// filtered columns, a second decoding the projected ones of the selected rows.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dataset/metadata_file.h"
#include "oups/dataset/filter.h"
#include "oups/io/file_system.h"
#include "oups/result.h"
#include "oups/table/column.h"
#include "oups/table/scalar.h"

namespace oups::dataset {

struct FilteredRead {
  Filter filter;                     // validated against the stored schema
  std::vector<std::string> columns;  // projected columns, in output order
  std::optional<Scalar> start;       // range on the ordered column
  std::optional<Scalar> end_excl;
  int num_threads = 1;
};

// [first, last) of the rows of `t` (sorted on its column `ordered_on`) with
// start <= value < end_excl (either bound optional).
[[nodiscard]] Result<std::pair<int64_t, int64_t>> RowsInRange(
    const Table& t, const std::string& ordered_on, const std::optional<Scalar>& start,
    const std::optional<Scalar>& end_excl);

// The selected rows of rg `i` of `md` (file `file`) with `read.columns`; an
// empty Table (no column) when statistics prune the rg or no row is selected.
// The file is checked as ReadCheckedRowGroup checks it.
[[nodiscard]] Result<Table> ReadRowGroupFiltered(FileSystem& fs, const DatasetMetadata& md,
                                                 int64_t i, const std::string& file,
                                                 const FilteredRead& read);

}  // namespace oups::dataset
