#include "dataset/leftovers.h"

#include <algorithm>
#include <limits>
#include <set>

namespace oups::dataset {

std::optional<uint64_t> FirstIdAboveMark(const DatasetMetadata& md) {
  const std::optional<uint64_t> mark = md.max_known_file_id();
  if (!mark) return uint64_t{0};
  if (*mark == std::numeric_limits<uint64_t>::max()) return std::nullopt;
  return *mark + 1;
}

Status NoIdLeft(const DatasetPaths& paths) {
  return Status::OutOfRange(
      "dataset '" + paths.dir + "' has used every row-group file id: its high-water mark is " +
      std::to_string(std::numeric_limits<uint64_t>::max()) + " (" +
      paths.RowGroupFile(std::numeric_limits<uint64_t>::max()) +
      "), so a new file would need an id that does not exist; rewrite the dataset into a new one");
}

RowGroupFileOwnership ClassifyRowGroupFiles(const DatasetMetadata& md,
                                            std::vector<uint64_t> present) {
  std::sort(present.begin(), present.end());
  const std::set<uint64_t> listed(md.file_ids.begin(), md.file_ids.end());
  const std::set<uint64_t> obsolete(md.obsolete_file_ids.begin(), md.obsolete_file_ids.end());
  const std::set<uint64_t> all(present.begin(), present.end());
  // The run right above the mark, stopping at the first missing id.
  std::set<uint64_t> run;
  if (std::optional<uint64_t> id = FirstIdAboveMark(md)) {
    for (uint64_t i = *id; all.count(i); ++i) {
      run.insert(i);
      if (i == std::numeric_limits<uint64_t>::max()) break;
    }
  }
  RowGroupFileOwnership out;
  for (uint64_t id : present) {
    if (listed.count(id)) {
      out.listed.push_back(id);
    } else if (obsolete.count(id)) {
      out.obsolete.push_back(id);
    } else if (run.count(id)) {
      out.interrupted.push_back(id);
    } else {
      out.foreign.push_back(id);
    }
  }
  return out;
}

DatasetMetadata AsLeftoversOnly(const DatasetMetadata& record) {
  DatasetMetadata out;
  out.max_used_file_id = record.max_known_file_id();
  std::set<uint64_t> ids(record.obsolete_file_ids.begin(), record.obsolete_file_ids.end());
  ids.insert(record.file_ids.begin(), record.file_ids.end());
  out.obsolete_file_ids.assign(ids.begin(), ids.end());
  // Commits keep counting across a removal: a dataset written again at the
  // same path never repeats a version number of the removed one.
  out.version = record.version;
  return out;
}

}  // namespace oups::dataset
