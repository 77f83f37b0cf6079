// Parallel decoding of the row groups of one read (ReadOptions::num_threads):
// the one place that splits a read's threads between row groups and the
// columns of each row-group file. Private helper of the dataset layer.
//
// Thread-safety: a free function; `read` is called concurrently from up to
// `num_threads` threads and must be safe to call so. Ownership: the tables
// returned own their buffers.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "oups/result.h"
#include "oups/table/column.h"

namespace oups::dataset {

// Rows below which one more thread does not repay its start (tens of
// microseconds): a read or write of `rows` rows uses at most one thread per
// kRowsPerThread rows.
inline constexpr int64_t kRowsPerThread = 64 * 1024;

// The threads a read or write of `rows` rows uses when `num_threads` are
// allowed: at least 1, at most one per kRowsPerThread rows.
int ThreadsFor(int64_t rows, int num_threads);

// read(k, column_threads) for k in [0, n), the tables in index order. With at
// least as many row groups as threads, up to `num_threads` row groups are
// decoded at once, each by one thread (column_threads = 1); otherwise they are
// decoded one after the other, each with `num_threads` threads over its
// columns. The result does not depend on num_threads; the error returned is
// the first in index order (as a read one row group at a time would give).
[[nodiscard]] Result<std::vector<Table>> ReadRowGroupsInParallel(
    int64_t n, int num_threads, const std::function<Result<Table>(int64_t k, int column_threads)>& read);

}  // namespace oups::dataset
