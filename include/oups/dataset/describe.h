// What a dataset's metadata file says, as stored: the committed state that
// tools show (`oups ls`, `oups info`) and check (`oups verify`), read once
// from the metadata file without opening the dataset or registering a reader.
// Programs that read data use OrderedDataset / DatasetSnapshot instead.
//
//   OUPS_ASSIGN_OR_RETURN(oups::DatasetDescription d,
//                         oups::DescribeDataset(fs, "data/berlin/1D"));
//   std::cout << d.total_rows() << " rows in " << d.num_row_groups() << " row groups\n";
//
// Thread-safety: DescribeDataset may be called concurrently; a description is
// a plain value (a write that commits meanwhile is not seen). Ownership: the
// description owns its values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oups/io/file_system.h"
#include "oups/result.h"
#include "oups/table/column.h"

namespace oups {

struct DatasetDescription {
  std::string path;           // the dataset directory, as given (no trailing '/')
  std::string metadata_file;  // <parent>/<name>_opdmd
  int format_version = 0;     // of the metadata file (docs/format.md)
  uint64_t version = 0;       // commits so far (0: written before they were counted)
  std::optional<std::string> committed_at;  // UTC ISO-8601 time of the last commit
  std::optional<std::string> ordered_on;
  std::optional<Schema> schema;  // nullopt until the first write of rows
  std::map<std::string, std::string> key_value_metadata;
  // One entry per row group, in row order: the id of its file (its name is
  // RowGroupFile(i)), its rows, the ordered values of its first and last rows
  // (columns of the ordered column's type).
  std::vector<uint64_t> file_ids;
  std::vector<uint64_t> n_rows;
  Column mins;
  Column maxs;

  int64_t num_row_groups() const { return static_cast<int64_t>(file_ids.size()); }
  int64_t total_rows() const;
  // Name ("file_00000042.parquet") and path of row group `i`'s file.
  std::string RowGroupFileName(int64_t i) const;
  std::string RowGroupFile(int64_t i) const;
};

// The description of the dataset whose directory is `path`. NotFound "no
// dataset at '<path>' (no metadata file '<path>_opdmd')" when it has no
// metadata file; InvalidArgument for a path that cannot name a dataset ("",
// "/", ending in "." or ".."); the reader's error (Corruption, NotSupported
// for a newer format) otherwise, naming the file.
[[nodiscard]] Result<DatasetDescription> DescribeDataset(FileSystem& fs, const std::string& path);

// What is left on disk of the removed dataset whose directory is `path`: the
// entries of its directory, else its leftovers record (docs/format.md,
// "Leftovers and the high-water mark"); an entry that cannot be examined is
// listed with the error. Empty when the removal deleted everything. For tools
// that report a removal whose best-effort deletions failed
// (OrderedDataset::Remove returns OK once its commit point is passed).
std::vector<std::string> FilesLeftAfterRemoval(FileSystem& fs, const std::string& path);

}  // namespace oups
