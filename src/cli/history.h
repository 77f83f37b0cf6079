// `oups log`, `oups vacuum` and the `--as-of` option of the read commands
// (docs/behaviour.md#versions-and-time-travel).
//
// Thread-safety: pure functions. Ownership: plain values.
#pragma once

#include <optional>
#include <string>

#include "oups/dataset/history.h"
#include "oups/result.h"

namespace oups::cli {

// The version an `--as-of` value names: a version number (digits), or an
// instant 'YYYY-MM-DD[ HH:MM:SS[.f]][Z]' / 'YYYY-MM-DDTHH:MM:SS[.f][Z]' in
// UTC. InvalidArgument naming the value otherwise.
[[nodiscard]] Result<AsOf> ParseAsOf(const std::string& text);

// The help line of --as-of, shared by the read commands.
inline constexpr const char* kAsOfHelp =
    "  --as-of V|TIME   read a kept version (see 'oups log'): its number, or the\n"
    "                   one in force at TIME, 'YYYY-MM-DD[ HH:MM:SS[.f]]' in UTC\n";

}  // namespace oups::cli
