#include "store/dir_walk.h"

namespace oups::store_internal {
namespace {

// Linux follows at most 40 symbolic links while resolving a path (MAXSYMLINKS).
constexpr int kLoopProbeTurns = 41;

bool SameEntries(const std::vector<FileInfo>& a, const std::vector<FileInfo>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].is_dir != b[i].is_dir) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> LoopTarget(FileSystem& fs, const std::vector<WalkedDir>& ancestors,
                                      const WalkedDir& child) {
  for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) {
    const std::string& base = it->path;
    if (!SameEntries(it->entries, child.entries)) continue;
    // child.path = base + "/" + cycle: go round the cycle again and again.
    const size_t skip = base.empty() || base.back() == '/' ? base.size() : base.size() + 1;
    if (child.path.size() <= skip) continue;
    const std::string cycle = child.path.substr(skip);
    std::string probe = child.path;
    for (int i = 0; i < kLoopProbeTurns; ++i) probe += "/" + cycle;
    Result<FileInfo> info = fs.Stat(probe);
    // A real, finite tree: the probe does not exist (ENOENT, or ENOTDIR where a
    // level has a file of that name).
    if (!info.ok() && (info.status().IsNotFound() ||
                       info.status().message().find("Not a directory") != std::string::npos)) {
      continue;
    }
    return base;
  }
  return std::nullopt;
}

}  // namespace oups::store_internal
