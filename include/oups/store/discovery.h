// Discovery of the datasets under a directory, and of the leftovers that
// belong to no dataset: what `oups ls` and `oups verify` list, for tools that
// walk a store without knowing its keys (Store::Keys knows its indexer; this
// finds every `<dir>/<name>_opdmd` at any depth).
//
//   OUPS_ASSIGN_OR_RETURN(oups::DatasetListing found, oups::ListDatasets(fs, "data"));
//   for (const std::string& path : found.datasets) { ... }
//   for (const oups::SkippedEntry& e : found.skipped) { ... e.path, e.reason ... }
//
// The walk goes on past bad entries and reports each (docs/behaviour.md,
// "Errors"): one unreadable directory does not hide the rest of a store.
//
// Thread-safety: free functions over a FileSystem, safe to call concurrently.
// Ownership: results are plain values owned by the caller; nothing is retained.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "oups/dataset/verify.h"
#include "oups/io/file_system.h"
#include "oups/result.h"

namespace oups {

// One directory a walk listed: its path and its entries (FileSystem::ListDir).
struct ListedDirectory {
  std::string path;
  std::vector<FileInfo> entries;
};

// An entry a listing did not descend into.
struct SkippedEntry {
  std::string path;
  std::string reason;  // the error, or why it was not followed
  bool error = false;  // true: something may be missed (unreadable directory)
};

struct DatasetListing {
  std::vector<std::string> datasets;  // dataset directory paths, sorted
  std::vector<SkippedEntry> skipped;  // in walk order (the datasets' order)
};

// Dataset directories (`<dir>/<name>` of every `<dir>/<name>_opdmd`) found
// under `root` at any depth, sorted; `root` itself when `root_opdmd` exists.
// The walk goes on past bad entries and records each in `skipped`: a
// directory that cannot be listed (an error; a dataset's own directory is
// left to the checks of its dataset), a symbolic link loop back to a directory
// of the walk (not followed, not an error: nothing is missed), a directory
// more than 64 levels down (an error), an entry that cannot be examined (its
// stat fails: a symbolic link to itself, no permission; an error, unless it is
// a dataset's metadata file or directory, left to the checks of its dataset).
// Entries named ".*" are neither entered nor reported.
// NotFound when `root` exists neither as a directory nor as a dataset; the
// error when `root` is a directory that cannot be listed and not a dataset.
// When `walked` is given, every directory the walk listed is appended to it
// with its entries, root first, so that other checks (FindOrphans) see
// exactly the tree the listing saw, without walking it again.
[[nodiscard]] Result<DatasetListing> ListDatasets(FileSystem& fs, const std::string& root,
                                                  std::vector<ListedDirectory>* walked = nullptr);
// ListDatasets as a stream, for listings that show datasets as they are
// found (`oups ls` of a store of 100,000 datasets prints its first line at
// once): `on_dataset` is called with each dataset directory in ListDatasets'
// order as soon as the walk reaches it (each directory is listed when the
// walk enters it), `on_skipped` (when set) with each entry ListDatasets
// records in `skipped`. The walk stops at the first error `on_dataset`
// returns, and returns it; otherwise the errors of ListDatasets.
[[nodiscard]] Status ForEachDataset(FileSystem& fs, const std::string& root,
                                    const std::function<Status(const std::string&)>& on_dataset,
                                    const std::function<void(const SkippedEntry&)>& on_skipped);
// ListDatasets' datasets only (skipped entries are left out).
[[nodiscard]] Result<std::vector<std::string>> FindDatasets(FileSystem& fs,
                                                            const std::string& root);

// Leftovers that belong to no dataset, in the directories a listing walked
// (ListDatasets' `walked`): a directory of row-group files whose metadata
// file does not exist, temporary metadata files and leftovers records of such
// a dataset. Each problem says whether the next write removes it: only the
// files a leftovers record accounts for (a removal, or a first write, that did
// not finish) are; without a record, a write refuses to start a dataset over
// the files (docs/format.md, "Leftovers and the high-water mark"). Nothing the
// listing skipped is looked at: the listing reports it.
std::vector<FileProblem> FindOrphans(FileSystem& fs, const std::vector<ListedDirectory>& walked);

}  // namespace oups
