// The leftover rule (docs/format.md, "Leftovers and the high-water mark"):
// which row-group files in a dataset directory are provably this dataset's
// leftovers, which a write may therefore delete, and which ids a write may use.
//
// A write only deletes a file that the committed state proves to be its own:
//   * an id the committed metadata records as obsolete (a file a commit
//     stopped listing; kept while a reader of an older snapshot may need it);
//   * an id of the run of consecutive ids right above the high-water mark
//     (first hwm + 1, or 0 without a mark): a write that never committed
//     created its files exactly there, one after the other.
// Any other unlisted file (a stray id far above the mark, a gap, an id at or
// below the mark that no commit recorded) may be somebody else's: kept.
//
// Thread-safety: pure functions. Ownership: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dataset/file_naming.h"
#include "dataset/metadata_file.h"
#include "oups/result.h"

namespace oups::dataset {

// The row-group files present in a dataset directory, by what a committed
// state proves about them. Each vector is sorted.
struct RowGroupFileOwnership {
  std::vector<uint64_t> listed;       // row groups of the committed state
  std::vector<uint64_t> obsolete;     // recorded as obsolete by a commit
  std::vector<uint64_t> interrupted;  // the run of ids right above the mark
  std::vector<uint64_t> foreign;      // not proven to be this dataset's
};

// Classifies `present` (ids of the row-group files in the directory, any
// order, no duplicates) against the committed state `md`.
RowGroupFileOwnership ClassifyRowGroupFiles(const DatasetMetadata& md,
                                            std::vector<uint64_t> present);

// The first id of the run above the mark of `md`: 0 when it knows no id,
// else its largest known id + 1; nullopt when that id is the largest uint64
// (no id is left).
std::optional<uint64_t> FirstIdAboveMark(const DatasetMetadata& md);

// OutOfRange naming the dataset and its last possible row-group file: the
// dataset has used every id.
Status NoIdLeft(const DatasetPaths& paths);

// The state a leftovers record stands for (the last metadata of a removed
// dataset, or the empty metadata a first write records before creating
// files): no row group, every id it knew recorded as obsolete, the same
// high-water mark, nothing else.
DatasetMetadata AsLeftoversOnly(const DatasetMetadata& record);

}  // namespace oups::dataset
