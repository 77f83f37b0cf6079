// Dataset discovery and orphan leftovers (oups/store/discovery.h).
#include "oups/store/discovery.h"

#include <algorithm>
#include <functional>
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

// What a walk reports: each dataset as it is reached, each skipped entry,
// and (when set) each directory it enters with its entries.
struct WalkSink {
  const std::function<Status(const std::string&)>* on_dataset;
  const std::function<void(const SkippedEntry&)>* on_skipped;
  std::vector<ListedDirectory>* walked;
  Status Dataset(const std::string& path) const { return (*on_dataset)(path); }
  void Skipped(SkippedEntry e) const {
    if (*on_skipped) (*on_skipped)(e);
  }
};

// Walks below stack->back() (listed), in the sorted order of the paths it
// reports: the entries of a directory in name order, a dataset `<name>` as
// the text "<name>" and a subdirectory `<name>` as "<name>/" (so that every
// path below a directory comes where the sorted list of all paths has it:
// "a-b" before "a/x", "a" before "a/x"). Dataset directories that cannot be
// listed, and the bad entries of a dataset directory (`dataset_dir`: stack->
// back() is one), are left to the per-dataset checks; other bad entries are
// reported and skipped. Stops at the first error of the sink's on_dataset.
Status Walk(FileSystem& fs, std::vector<ListedDirectory>* stack, bool dataset_dir,
            const WalkSink& sink) {
  const std::string dir = stack->back().path;
  const std::vector<FileInfo> entries = stack->back().entries;
  std::set<std::string> dataset_names;
  struct Item {
    std::string sort_key;
    const FileInfo* entry;  // null: the dataset `sort_key`
  };
  std::vector<Item> items;
  for (const FileInfo& e : entries) {
    if (e.is_dir) continue;
    if (auto name = dataset::DatasetNameFromMetadataFileName(e.name)) {
      dataset_names.insert(*name);
      items.push_back({*name, nullptr});
    }
  }
  for (const FileInfo& e : entries) {
    if (e.name.starts_with(".")) continue;
    if (!e.error.ok()) {
      // Cannot be examined: a dataset's metadata file, directory or entries
      // are reported with its dataset, anything else here.
      if (dataset_dir || dataset::DatasetNameFromMetadataFileName(e.name) ||
          dataset_names.count(e.name)) {
        continue;
      }
      items.push_back({e.name, &e});
      continue;
    }
    if (e.is_dir) items.push_back({e.name + "/", &e});
  }
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.sort_key < b.sort_key; });
  for (const Item& item : items) {
    if (item.entry == nullptr) {
      OUPS_RETURN_NOT_OK(sink.Dataset(JoinPath(dir, item.sort_key)));
      continue;
    }
    const FileInfo& e = *item.entry;
    const std::string path = JoinPath(dir, e.name);
    if (!e.error.ok()) {
      sink.Skipped({path, e.error.ToString(), true});
      continue;
    }
    auto listed = fs.ListDirNames(path);
    if (!listed.ok()) {
      if (listed.status().IsNotFound()) continue;  // removed meanwhile
      if (dataset_names.count(e.name)) continue;   // reported with its dataset
      sink.Skipped({path, listed.status().ToString(), true});
      continue;
    }
    ListedDirectory child{path, std::move(listed).ValueOrDie()};
    if (auto target = store_internal::LoopTarget(fs, *stack, child)) {
      sink.Skipped({path, "symbolic link loop back to '" + *target + "': not followed", false});
      continue;
    }
    if (stack->size() > kMaxWalkDepth) {
      sink.Skipped({path,
                    "more than " + std::to_string(kMaxWalkDepth) +
                        " directory levels below the root: not listed",
                    true});
      continue;
    }
    if (sink.walked) sink.walked->push_back(child);
    stack->push_back(std::move(child));
    Status st = Walk(fs, stack, dataset_names.count(e.name) > 0, sink);
    stack->pop_back();
    OUPS_RETURN_NOT_OK(st);
  }
  return Status::OK();
}

std::string StripSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

Status WalkFromRoot(FileSystem& fs, const std::string& root_in, const WalkSink& sink) {
  const std::string root = StripSlash(root_in);
  bool root_is_dataset = false;
  if (auto paths = dataset::DatasetPaths::Make(root)) {
    auto exists = fs.Exists(paths->metadata);
    root_is_dataset = exists.ok() && *exists;
  }
  auto info = fs.Stat(root);
  if (info.ok() && info->is_dir) {
    auto entries = fs.ListDirNames(root);
    if (entries.ok()) {
      if (root_is_dataset) OUPS_RETURN_NOT_OK(sink.Dataset(root));
      std::vector<ListedDirectory> stack;
      stack.push_back({root, std::move(entries).ValueOrDie()});
      if (sink.walked) sink.walked->push_back(stack.back());
      return Walk(fs, &stack, root_is_dataset, sink);
    }
    // Nothing can be listed: the store itself is unreadable.
    if (!root_is_dataset) return entries.status();
  } else if (!root_is_dataset) {
    if (!info.ok() && !info.status().IsNotFound()) return info.status();
    return Status::NotFound("no store or dataset at '" + root + "'");
  }
  return sink.Dataset(root);
}

}  // namespace

Status ForEachDataset(FileSystem& fs, const std::string& root,
                      const std::function<Status(const std::string&)>& on_dataset,
                      const std::function<void(const SkippedEntry&)>& on_skipped) {
  return WalkFromRoot(fs, root, WalkSink{&on_dataset, &on_skipped, nullptr});
}

Result<DatasetListing> ListDatasets(FileSystem& fs, const std::string& root,
                                    std::vector<ListedDirectory>* walked) {
  DatasetListing listing;
  const std::function<Status(const std::string&)> on_dataset = [&](const std::string& path) {
    listing.datasets.push_back(path);
    return Status::OK();
  };
  const std::function<void(const SkippedEntry&)> on_skipped = [&](const SkippedEntry& e) {
    listing.skipped.push_back(e);
  };
  OUPS_RETURN_NOT_OK(WalkFromRoot(fs, root, WalkSink{&on_dataset, &on_skipped, walked}));
  // Sorted by the walk; the same path is never reached twice.
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
