// Helpers shared by the `oups` commands: error reporting, dataset discovery,
// value rendering (through oups/table/format.h) and aligned text tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.h"
#include "cli/cli.h"
#include "common/json.h"
#include "dataset/metadata_file.h"
#include "oups/io/file_system.h"
#include "oups/result.h"
#include "oups/table/column.h"
#include "store/dir_walk.h"

namespace oups::cli {

// Prints "oups <command>: <problem>" and the usage to err; returns kExitUsage.
int UsageError(Env& env, std::string_view command, std::string_view problem,
               std::string_view usage);
// Prints "oups <command>: <Code>: <message>" to err; returns kExitFailure.
int Failure(Env& env, std::string_view command, const Status& status);

// Parses `args`; on --help prints `usage` to out and sets *exit_code to 0; on
// an unknown or misused option prints one line (the problem, a "did you
// mean" when a known option is close, a pointer to --help) and sets
// *exit_code to 2. Returns nullopt in both
// cases (the caller returns *exit_code).
std::optional<ParsedArgs> ParseOrExit(Env& env, std::string_view command,
                                      const std::vector<std::string>& args,
                                      const std::vector<FlagSpec>& specs,
                                      std::string_view usage, int* exit_code);

// An entry a listing did not descend into.
struct SkippedEntry {
  std::string path;
  std::string reason;  // the error, or why it was not followed
  bool error = false;  // true: something may be missed (unreadable directory)
};

struct DatasetListing {
  std::vector<std::string> datasets;  // sorted
  std::vector<SkippedEntry> skipped;  // in walk order
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
// with its entries, root first, so that other checks (verify's orphans) see
// exactly the tree the listing saw, without walking it again.
[[nodiscard]] Result<DatasetListing> ListDatasets(
    FileSystem& fs, const std::string& root,
    std::vector<store_internal::WalkedDir>* walked = nullptr);
// ListDatasets' datasets only (skipped entries are left out).
[[nodiscard]] Result<std::vector<std::string>> FindDatasets(FileSystem& fs,
                                                            const std::string& root);

// The dataset's metadata, or NotFound "no dataset at '<path>' (no metadata
// file '<path>_opdmd')"; Corruption from the reader otherwise.
[[nodiscard]] Result<dataset::DatasetMetadata> LoadMetadata(FileSystem& fs,
                                                            const std::string& path);

// Value of slot `i` as the row printer renders it in JSON lines
// (oups/table/format.h): a JSON number, string, bool or null. InvalidArgument
// for NaN and infinities, which have no JSON form.
[[nodiscard]] Result<json::Value> CellJson(const Column& column, int64_t i);
// Text of slot `i` for a text table ("null" for null).
std::string CellText(const Column& column, int64_t i);
// Text of a value made by CellJson, as CellText of its slot.
std::string CellText(const json::Value& value);

// An aligned text table: header, a rule, rows; numeric columns right-aligned.
struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> right_align;  // per column; missing = left
};
void PrintTextTable(const TextTable& table, std::ostream& out);

// Size in bytes of a file, or nullopt if it cannot be stat'ed.
std::optional<int64_t> FileSize(FileSystem& fs, const std::string& path);

// A size for people: "812 B", "1.8 KiB", "24 MiB" (powers of 1024; one
// decimal below 10, rounded to the nearest).
std::string HumanSize(int64_t bytes);

// Path of `path` relative to `root` for display ("." when equal).
std::string RelativeTo(const std::string& path, const std::string& root);

}  // namespace oups::cli
