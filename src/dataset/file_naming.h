// File naming of an ordered dataset (docs/behaviour.md#on-disk-layout,
// docs/format.md): the ONLY place that knows the names of a dataset's files.
//
// For a dataset whose directory is `<parent>/<name>`:
//   <parent>/<name>/file_<id>.parquet   one row group per file; <id> decimal,
//                                       zero-padded to 8 digits (longer ids
//                                       get longer names, never padded);
//   <parent>/<name>_opdmd               metadata file (its replacement commits);
//   <parent>/<name>.lock                writer lock (exclusive advisory lock);
//   <parent>/<name>.readers             reader registration (shared advisory
//                                       lock held by reads,
//                                       docs/behaviour.md#snapshots);
//   <parent>/<name>.alt.readers         second reader registration file, used
//                                       while a writer locks the first one;
//   <parent>/.<name>_opdmd.<hex>.tmp    temporary metadata file of a write in
//                                       progress: starts with '.', never ends
//                                       with "_opdmd".
//   <parent>/.<name>_opdmd.leftovers    leftovers record of a dataset without
//                                       metadata file (removed, or whose first
//                                       write has not committed): a metadata
//                                       file whose ids are all leftovers.
//
// Thread-safety: pure functions. Ownership: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace oups::dataset {

inline constexpr std::string_view kMetadataSuffix = "_opdmd";

// "file_00000042.parquet".
std::string RowGroupFileName(uint64_t id);
// The id of a row-group file name in canonical form (exactly what
// RowGroupFileName produces), else nullopt: "file_7.parquet",
// "file_000000001.parquet", "file_00000001.parquet.tmp" are not row-group files.
std::optional<uint64_t> ParseRowGroupFileName(std::string_view name);

// "<name>_opdmd".
std::string MetadataFileName(std::string_view dataset_name);
// The dataset name of a metadata file name: the name minus "_opdmd", defined
// only when the name ends with "_opdmd" and is longer than it.
std::optional<std::string> DatasetNameFromMetadataFileName(std::string_view file_name);

// "<name>.lock".
std::string LockFileName(std::string_view dataset_name);

// "<name>.readers".
std::string ReaderLockFileName(std::string_view dataset_name);
// "<name>.alt.readers".
std::string AltReaderLockFileName(std::string_view dataset_name);

// ".<name>_opdmd.<token as lower-case hex>.tmp".
std::string TempMetadataFileName(std::string_view dataset_name, uint64_t token);
// Whether `file_name` is a temporary metadata file of dataset `dataset_name`
// (and of no other dataset).
bool IsTempMetadataFileName(std::string_view file_name, std::string_view dataset_name);

// ".<name>_opdmd.leftovers".
std::string LeftoversRecordFileName(std::string_view dataset_name);

// Paths of one dataset, from its directory path (trailing '/' ignored).
struct DatasetPaths {
  std::string dir;       // <parent>/<name>
  std::string parent;    // <parent> ("" for a relative single component)
  std::string name;      // <name>
  std::string metadata;  // <parent>/<name>_opdmd
  std::string lock;      // <parent>/<name>.lock
  std::string readers;   // <parent>/<name>.readers
  std::string readers_alt;  // <parent>/<name>.alt.readers
  std::string leftovers;  // <parent>/.<name>_opdmd.leftovers

  // InvalidArgument-worthy paths (empty, "/", ending in "." or "..") give
  // nullopt.
  static std::optional<DatasetPaths> Make(std::string_view dataset_dir);
  std::string RowGroupFile(uint64_t id) const;
  std::string TempMetadata(uint64_t token) const;
  // <parent> as a directory that can be synced/listed ("." when empty).
  std::string ParentDir() const;
};

}  // namespace oups::dataset
