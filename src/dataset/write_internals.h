// Pieces of OrderedDataset's write path (src/dataset/ordered_dataset.cc) that
// the staged write (src/dataset/staged_write.cc, docs/format.md "Staged
// writes") shares with it: validation of new rows, the writer lock, the
// committed state read under it with the sweep of proven leftovers, the
// leftovers record of a first write, and the handle's state after a commit.
// Defined at the end of ordered_dataset.cc, where the write path lives.
//
// Thread-safety: as OrderedDataset (the functions take the handle's state).
// Ownership: plain values; the lock is owned by the caller.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dataset/file_naming.h"
#include "dataset/leftovers.h"
#include "dataset/metadata_file.h"
#include "dataset/write_planner.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/parquet/properties.h"

namespace oups::dataset::internal {

const DatasetPaths& Paths(const OrderedDataset::State& st);

// New rows validated as Write validates them (docs/behaviour.md#writing steps
// 1-2), the settings resolved against `committed` (read without the lock: the
// remembered row-group target, the stored schema the rows are safely
// converted to) when it is given.
struct ValidatedRows {
  std::string ordered_on;
  Table rows;
  RowGroupTarget target = RowGroupTarget::NRows(kDefaultRowGroupTargetSize);
  parquet::CompressionOptions compression{};
  std::vector<parquet::KeyValue> file_key_values;  // of schema_extra_json
};
[[nodiscard]] Result<ValidatedRows> ValidateRows(const OrderedDataset::State& st,
                                                 const Table& table, const WriteOptions& options,
                                                 const DatasetMetadata* committed);

// The committed state without the lock (a metadata file that does not exist
// gives nullopt).
[[nodiscard]] Result<std::optional<DatasetMetadata>> ReadCommitted(
    const OrderedDataset::State& st);

// The writer lock (timeout nullopt: the handle's default).
[[nodiscard]] Result<std::unique_ptr<FileLock>> LockWriter(const OrderedDataset::State& st,
                                                           std::optional<double> timeout);

// Under the writer lock: the committed state as a write reads it (the metadata
// file, else the leftovers record, else nothing; a directory holding row-group
// files nothing accounts for is refused), checked (ordered_on, no overlap),
// and the proven leftovers swept (docs/format.md, "Leftovers").
struct LockedState {
  DatasetMetadata md;
  bool exists = false;       // a metadata file
  bool from_record = false;  // the leftovers record
  RowGroupFileOwnership own;      // proven leftovers found
  std::set<uint64_t> gone;        // of which deleted
  std::vector<uint64_t> kept_run;  // interrupted files that could not be deleted
};
[[nodiscard]] Result<LockedState> LoadLockedState(OrderedDataset::State& st,
                                                  const std::string& ordered_on);

// The obsolete ids the new state `out` records (docs/format.md, "Leftovers"):
// those of `locked` not known to be durably gone, raising out's mark above
// them. `deletions_durable`: the dataset directory was synced after the sweep.
void CarryObsolete(const LockedState& locked, bool deletions_durable, DatasetMetadata* out);

// Writes the (empty) leftovers record of a first write durably.
[[nodiscard]] Status WriteEmptyLeftoversRecord(const OrderedDataset::State& st);

// The temporary metadata file of a commit.
std::string CommitTempFile(const OrderedDataset::State& st);

// After a commit point: the handle adopts `ordered_on` and forgets metadata
// kept by a Remove(preserve_metadata).
void AfterCommit(OrderedDataset::State& st, const std::string& ordered_on);

}  // namespace oups::dataset::internal
