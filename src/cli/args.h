// Command-line argument parsing for the `oups` tool: flags described by a
// table (name, optional one-letter alias, whether a value follows, whether it
// may repeat), values given as `--flag value` or `--flag=value`, `--` ending
// the flags, everything else positional.
//
// Thread-safety: pure functions. Ownership: plain values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oups/result.h"

namespace oups::cli {

struct FlagSpec {
  std::string name;     // "--columns"
  std::string alias{};  // "-n", or empty
  bool takes_value = false;
  bool repeated = false;  // may be given several times (values kept in order)
  // The values it accepts, when they are a fixed list (shell completion).
  std::vector<std::string> choices{};
};

struct ParsedArgs {
  std::vector<std::string> positional;
  // Flag name (the long form) -> values in order ("" for flags without value).
  std::map<std::string, std::vector<std::string>> flags;
  bool help = false;  // --help or -h was given

  bool Has(std::string_view name) const { return flags.count(std::string(name)) > 0; }
  // The last value of `name`, or nullopt.
  std::optional<std::string> Get(std::string_view name) const;
  // Every value of a repeated flag.
  std::vector<std::string> GetAll(std::string_view name) const;
};

// InvalidArgument (a usage error) for an unknown flag, a missing value, a
// value given to a flag that takes none, or a non-repeatable flag given twice.
[[nodiscard]] Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                           const std::vector<FlagSpec>& specs);

// The name of `known` closest to the mistyped `typed` ("--colums" ->
// "--columns"), compared without leading dashes: the nearest within an edit
// distance of a third of the typed length (at least 1), else the only name
// that starts with what was typed; nullopt when nothing is close or only one
// letter was typed.
std::optional<std::string> ClosestName(std::string_view typed,
                                       const std::vector<std::string>& known);

// "a,b,,c" -> {"a", "b", "c"} (empty items dropped).
std::vector<std::string> SplitList(std::string_view list, char sep = ',');

// A decimal integer filling the whole text, or nullopt.
std::optional<int64_t> ParseInt64(std::string_view text);

}  // namespace oups::cli
