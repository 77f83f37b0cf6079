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
#include "oups/common/json.h"
#include "oups/dataset/describe.h"
#include "oups/io/file_system.h"
#include "oups/result.h"
#include "oups/table/column.h"
#include "oups/store/discovery.h"

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

// The dataset's committed state (DescribeDataset): NotFound "no dataset at
// '<path>' (no metadata file '<path>_opdmd')"; Corruption from the reader.
[[nodiscard]] Result<DatasetDescription> LoadMetadata(FileSystem& fs, const std::string& path);

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
// The same in parts, for a table printed as its rows come: when `*widths` is
// empty, the column widths are measured on `table` (header and rows) and
// stored there; otherwise `*widths` is used as is (a wider cell shifts the
// rest of its line). The header and its rule are printed when `header`.
void PrintTextTableRows(const TextTable& table, std::vector<size_t>* widths, bool header,
                        std::ostream& out);

// Size in bytes of a file, or nullopt if it cannot be stat'ed.
std::optional<int64_t> FileSize(FileSystem& fs, const std::string& path);

// A size for people: "812 B", "1.8 KiB", "24 MiB" (powers of 1024; one
// decimal below 10, rounded to the nearest).
std::string HumanSize(int64_t bytes);

// Path of `path` relative to `root` for display ("." when equal).
std::string RelativeTo(const std::string& path, const std::string& root);

}  // namespace oups::cli
