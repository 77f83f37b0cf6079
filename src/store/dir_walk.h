// Helpers of the directory walks that discover datasets (Store::Keys and the
// `oups` tool's ls/verify): symbolic link loops are recognised and not
// followed, so that one bad entry does not end a listing.
//
// The FileSystem interface has no file identities (device, inode) and no
// symbolic-link flag, so a loop is recognised by what it does: a directory
// whose entries are those of one of its ancestors (same names, same kinds) is
// a candidate; it is a loop unless the path that goes round the candidate
// cycle 41 more times does not exist (the kernel gives up after 40 symbolic
// links with ELOOP; a real tree ends with ENOENT or ENOTDIR). A real directory tree with identical listings would
// need 41 more identical levels to be mistaken for a loop.
//
// Thread-safety: pure functions over the file system. Internal header.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oups/io/file_system.h"
#include "oups/store/discovery.h"

namespace oups::store_internal {

// One directory of a walk: its path and its entries (ListDir).
using WalkedDir = ::oups::ListedDirectory;

// When `child` (listed below the last of `ancestors`, which are listed from the
// walk's root down) is one of `ancestors` reached again through a symbolic
// link, that ancestor's path; nullopt otherwise (also when unsure).
std::optional<std::string> LoopTarget(FileSystem& fs, const std::vector<WalkedDir>& ancestors,
                                      const WalkedDir& child);

}  // namespace oups::store_internal
