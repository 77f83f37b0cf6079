// Dataset discovery and orphan leftovers (oups/store/discovery.h).
#include "oups/store/discovery.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "dataset/file_naming.h"
#include "dataset/leftovers.h"
#include "dataset/metadata_file.h"
#include "store/dir_walk.h"

namespace oups {
namespace {

constexpr size_t kMaxWalkDepth = 64;

// Walks below stack->back() (listed). Dataset directories that cannot be
// listed, and the bad entries of a dataset directory (`dataset_dir`: stack->
// back() is one), are left to the per-dataset checks; other bad entries are
// recorded and skipped. Appends each directory it enters to `walked` (if set).
void Walk(FileSystem& fs, std::vector<ListedDirectory>* stack, bool dataset_dir,
          DatasetListing* out, std::vector<ListedDirectory>* walked) {
  const std::string dir = stack->back().path;
  const std::vector<FileInfo> entries = stack->back().entries;
  std::set<std::string> dataset_names;
  for (const FileInfo& e : entries) {
    if (e.is_dir) continue;
    if (auto name = dataset::DatasetNameFromMetadataFileName(e.name)) {
      out->datasets.push_back(JoinPath(dir, *name));
      dataset_names.insert(*name);
    }
  }
  for (const FileInfo& e : entries) {
    if (e.name.starts_with(".")) continue;
    const std::string path = JoinPath(dir, e.name);
    if (!e.error.ok()) {
      // Cannot be examined: a dataset's metadata file, directory or entries
      // are reported with its dataset, anything else here.
      if (dataset_dir || dataset::DatasetNameFromMetadataFileName(e.name) ||
          dataset_names.count(e.name)) {
        continue;
      }
      out->skipped.push_back({path, e.error.ToString(), true});
      continue;
    }
    if (!e.is_dir) continue;
    auto listed = fs.ListDir(path);
    if (!listed.ok()) {
      if (listed.status().IsNotFound()) continue;  // removed meanwhile
      if (dataset_names.count(e.name)) continue;   // reported with its dataset
      out->skipped.push_back({path, listed.status().ToString(), true});
      continue;
    }
    ListedDirectory child{path, std::move(listed).ValueOrDie()};
    if (auto target = store_internal::LoopTarget(fs, *stack, child)) {
      out->skipped.push_back(
          {path, "symbolic link loop back to '" + *target + "': not followed", false});
      continue;
    }
    if (stack->size() > kMaxWalkDepth) {
      out->skipped.push_back({path,
                              "more than " + std::to_string(kMaxWalkDepth) +
                                  " directory levels below the root: not listed",
                              true});
      continue;
    }
    if (walked) walked->push_back(child);
    stack->push_back(std::move(child));
    Walk(fs, stack, dataset_names.count(e.name) > 0, out, walked);
    stack->pop_back();
  }
}

std::string StripSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

Result<DatasetListing> ListDatasets(FileSystem& fs, const std::string& root_in,
                                    std::vector<ListedDirectory>* walked) {
  const std::string root = StripSlash(root_in);
  DatasetListing listing;
  bool root_is_dataset = false;
  if (auto paths = dataset::DatasetPaths::Make(root)) {
    auto exists = fs.Exists(paths->metadata);
    root_is_dataset = exists.ok() && *exists;
    if (root_is_dataset) listing.datasets.push_back(root);
  }
  auto info = fs.Stat(root);
  if (info.ok() && info->is_dir) {
    auto entries = fs.ListDir(root);
    if (entries.ok()) {
      std::vector<ListedDirectory> stack;
      stack.push_back({root, std::move(entries).ValueOrDie()});
      if (walked) walked->push_back(stack.back());
      Walk(fs, &stack, root_is_dataset, &listing, walked);
    } else if (!root_is_dataset) {
      // Nothing can be listed: the store itself is unreadable.
      return entries.status();
    }
  } else if (!root_is_dataset) {
    if (!info.ok() && !info.status().IsNotFound()) return info.status();
    return Status::NotFound("no store or dataset at '" + root + "'");
  }
  std::sort(listing.datasets.begin(), listing.datasets.end());
  listing.datasets.erase(std::unique(listing.datasets.begin(), listing.datasets.end()),
                         listing.datasets.end());
  return listing;
}

Result<std::vector<std::string>> FindDatasets(FileSystem& fs, const std::string& root) {
  OUPS_ASSIGN_OR_RETURN(DatasetListing listing, ListDatasets(fs, root));
  return std::move(listing.datasets);
}

namespace {

// Leftovers that belong to no dataset: a directory of row-group files whose
// metadata file does not exist, temporary metadata files and leftovers
// records of such a dataset. Only the files a leftovers record accounts for
// (a removal, or a first write, that did not finish) are removed by the next
// write; without a record, a write refuses to start a dataset over the files.
// Looks at one directory the listing walked (ListDatasets' `walked`, whose
// listings are `listed` by path), and at nothing the listing skipped (a
// symbolic link loop, a directory that cannot be listed, an entry that cannot
// be examined): that the listing reports.
void FindOrphansIn(FileSystem& fs, const std::string& dir,
                   const std::vector<FileInfo>* entries,
                   const std::map<std::string, const std::vector<FileInfo>*>& listed,
                   std::vector<FileProblem>* problems) {
  std::set<std::string> datasets;
  std::set<std::string> names;  // every entry name of `dir`
  for (const FileInfo& e : *entries) {
    names.insert(e.name);
    if (e.is_dir) continue;
    if (auto name = dataset::DatasetNameFromMetadataFileName(e.name))
      datasets.insert(*name);
  }
  constexpr std::string_view kRecordSuffix = "_opdmd.leftovers";
  for (const FileInfo& e : *entries) {
    if (!e.error.ok()) continue;  // reported by the listing
    const std::string path = JoinPath(dir, e.name);
    if (!e.is_dir) {
      // ".<name>_opdmd.<hex>.tmp" of a dataset without metadata file.
      if (e.name.starts_with(".") && e.name.ends_with(".tmp")) {
        const size_t at = e.name.find("_opdmd.");
        if (at != std::string::npos && at > 1) {
          const std::string name = e.name.substr(1, at - 1);
          if (!datasets.count(name) && dataset::IsTempMetadataFileName(e.name, name)) {
            problems->push_back(
                {path, "leftover: temporary metadata file of an interrupted write"});
          }
        }
      }
      // ".<name>_opdmd.leftovers" of a dataset without metadata file and
      // without directory (its files are gone).
      if (e.name.starts_with(".") && e.name.ends_with(kRecordSuffix) &&
          e.name.size() > 1 + kRecordSuffix.size()) {
        const std::string name = e.name.substr(1, e.name.size() - 1 - kRecordSuffix.size());
        if (!datasets.count(name) && !names.count(name)) {
          problems->push_back({path, "leftover: leftovers record of a removed dataset whose "
                                     "files are gone (the next write to it removes it)"});
        }
      }
      continue;
    }
    if (e.name.starts_with(".")) continue;
    if (!datasets.count(e.name)) {
      const auto inner = listed.find(path);
      if (inner != listed.end()) {
        std::vector<uint64_t> present;
        for (const FileInfo& f : *inner->second) {
          if (f.is_dir) continue;
          if (auto id = dataset::ParseRowGroupFileName(f.name)) present.push_back(*id);
        }
        const std::string md_path = JoinPath(dir, dataset::MetadataFileName(e.name));
        const std::string record_path = JoinPath(dir, dataset::LeftoversRecordFileName(e.name));
        std::optional<dataset::DatasetMetadata> record;
        if (names.count(dataset::LeftoversRecordFileName(e.name))) {
          auto r = dataset::ReadMetadataFile(fs, record_path);
          if (r.ok()) {
            record = dataset::AsLeftoversOnly(*r);
          } else {
            problems->push_back({record_path, "unreadable leftovers record: " +
                                                  r.status().ToString()});
          }
        }
        size_t proven = 0;
        if (record && !present.empty()) {
          const auto own = dataset::ClassifyRowGroupFiles(*record, present);
          proven = own.obsolete.size() + own.interrupted.size();
          if (proven > 0) {
            problems->push_back(
                {path, "leftover: " + std::to_string(proven) +
                           " row-group file(s) of a removed dataset or of a first write that "
                           "did not commit, recorded in '" + record_path +
                           "' (the next write to the dataset removes them)"});
          }
        } else if (record) {
          problems->push_back({record_path, "leftover: leftovers record of a removed dataset "
                                            "whose files are gone (the next write to it "
                                            "removes it)"});
        }
        if (present.size() > proven) {
          problems->push_back(
              {path, std::to_string(present.size() - proven) +
                         " row-group file(s) without metadata file '" + md_path + "'" +
                         (record ? " and not recorded as leftovers" : "") +
                         ": not known to be a dataset's leftovers (a directory moved or copied "
                         "without its metadata file, or a lost metadata file); no write removes "
                         "them" +
                         (record ? "" : " nor starts a dataset over them") +
                         ": put the metadata file back, or move the files away"});
        }
      }
    }
  }
}

}  // namespace

std::vector<FileProblem> FindOrphans(FileSystem& fs, const std::vector<ListedDirectory>& walked) {
  std::vector<FileProblem> problems;
  std::map<std::string, const std::vector<FileInfo>*> listed;
  for (const ListedDirectory& d : walked) listed.emplace(d.path, &d.entries);
  for (const ListedDirectory& d : walked) {
    FindOrphansIn(fs, d.path, &d.entries, listed, &problems);
  }
  return problems;
}

}  // namespace oups
