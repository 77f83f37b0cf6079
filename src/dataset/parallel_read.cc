#include "dataset/parallel_read.h"

#include <algorithm>
#include <utility>

#include "common/parallel.h"

namespace oups::dataset {

int ThreadsFor(int64_t rows, int num_threads) {
  const int64_t useful = std::max<int64_t>(1, rows / kRowsPerThread);
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(num_threads, useful)));
}

Result<std::vector<Table>> ReadRowGroupsInParallel(
    int64_t n, int num_threads,
    const std::function<Result<Table>(int64_t k, int column_threads)>& read) {
  if (n <= 0) return std::vector<Table>{};
  std::vector<Table> out(static_cast<size_t>(n));
  const bool by_row_group = num_threads > 1 && n >= num_threads;
  const int rg_threads = by_row_group ? num_threads : 1;
  const int column_threads = by_row_group ? 1 : std::max(1, num_threads);
  OUPS_RETURN_NOT_OK(ParallelFor(n, rg_threads, [&](int64_t k) -> Status {
    OUPS_ASSIGN_OR_RETURN(out[static_cast<size_t>(k)], read(k, column_threads));
    return Status::OK();
  }));
  return out;
}

}  // namespace oups::dataset
