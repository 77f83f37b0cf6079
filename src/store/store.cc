// Store: discovery, mapping interface and removal (behaviour.md §5).
#include "oups/store/store.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "dataset/file_naming.h"

namespace oups {

namespace {

// Directories exactly `depth` levels below `dir` (following symlinks), with
// their path relative to `dir` ('/'-joined; "" for `dir` itself). A directory
// that vanishes while listed is skipped.
Status ListDirsAtDepth(FileSystem& fs, const std::string& dir, const std::string& rel,
                       int depth, std::vector<std::pair<std::string, std::string>>* out) {
  if (depth == 0) {
    out->emplace_back(dir, rel);
    return Status::OK();
  }
  Result<std::vector<FileInfo>> entries = fs.ListDir(dir);
  if (!entries.ok()) {
    if (entries.status().IsNotFound()) return Status::OK();
    return entries.status();
  }
  for (const FileInfo& e : *entries) {
    if (!e.is_dir) continue;
    OUPS_RETURN_NOT_OK(ListDirsAtDepth(fs, JoinPath(dir, e.name),
                                       rel.empty() ? e.name : rel + "/" + e.name,
                                       depth - 1, out));
  }
  return Status::OK();
}

}  // namespace

Result<Store> Store::Open(std::shared_ptr<FileSystem> fs, std::string basepath,
                          IndexerSchema schema) {
  if (fs == nullptr) return Status::InvalidArgument("Store: null file system");
  if (!schema.valid()) {
    return Status::TypeError("Store: the indexer schema is not a valid indexer.");
  }
  while (basepath.size() > 1 && basepath.back() == '/') basepath.pop_back();
  if (basepath.empty()) return Status::InvalidArgument("Store: empty basepath");
  return Store(std::move(fs), std::move(basepath), std::move(schema));
}

std::string Store::DatasetPath(const IndexKey& key) const {
  return JoinPath(basepath_, key.ToPath());
}

Result<OrderedDataset> Store::Get(const IndexKey& key, OpenOptions options) const {
  OUPS_RETURN_NOT_OK(schema_.CheckKey(key));
  return OrderedDataset::Open(fs_, DatasetPath(key), std::move(options));
}

Result<bool> Store::Contains(const IndexKey& key) const {
  if (!schema_.CheckKey(key).ok()) return false;
  auto paths = dataset::DatasetPaths::Make(DatasetPath(key));
  if (!paths) return false;
  Result<FileInfo> info = fs_->Stat(paths->metadata);
  if (!info.ok()) {
    if (info.status().IsNotFound() || info.status().IsIOError()) return false;
    return info.status();
  }
  return !info->is_dir;
}

Result<std::vector<IndexKey>> Store::Keys() const {
  std::vector<std::pair<std::string, std::string>> dirs;
  OUPS_RETURN_NOT_OK(ListDirsAtDepth(*fs_, basepath_, "", schema_.depth() - 1, &dirs));
  std::vector<IndexKey> keys;
  for (const auto& [dir, rel] : dirs) {
    Result<std::vector<FileInfo>> entries = fs_->ListDir(dir);
    if (!entries.ok()) {
      if (entries.status().IsNotFound()) continue;  // removed meanwhile
      return entries.status();
    }
    for (const FileInfo& e : *entries) {
      if (e.is_dir) continue;
      std::optional<std::string> name = dataset::DatasetNameFromMetadataFileName(e.name);
      if (!name) continue;
      Result<IndexKey> key = schema_.FromPath(rel.empty() ? *name : rel + "/" + *name);
      if (key.ok()) keys.push_back(*std::move(key));
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

Result<int64_t> Store::Size() const {
  OUPS_ASSIGN_OR_RETURN(std::vector<IndexKey> keys, Keys());
  return static_cast<int64_t>(keys.size());
}

Result<std::string> Store::ToString() const {
  OUPS_ASSIGN_OR_RETURN(std::vector<IndexKey> keys, Keys());
  std::string out;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += '\n';
    out += keys[i].ToString();
  }
  return out;
}

Status Store::Remove(const IndexKey& key) const {
  OUPS_RETURN_NOT_OK(schema_.CheckKey(key));
  OUPS_ASSIGN_OR_RETURN(bool present, Contains(key));
  if (!present) {
    return Status::NotFound("key '" + key.ToString() + "' not found in store.");
  }
  OUPS_ASSIGN_OR_RETURN(OrderedDataset ds, Get(key));
  OUPS_RETURN_NOT_OK(ds.Remove(RemoveOptions{}));  // lock_timeout nullopt: no limit
  // Prune now-empty parents, deepest first, up to basepath (exclusive).
  std::vector<std::string> comps = key.PathComponents();
  comps.pop_back();
  while (!comps.empty()) {
    std::string dir = basepath_;
    for (const std::string& c : comps) dir = JoinPath(dir, c);
    Result<std::vector<FileInfo>> entries = fs_->ListDir(dir);
    if (!entries.ok() || !entries->empty()) break;
    // A racing writer may re-create content: a failed deletion just stops.
    if (!fs_->DeleteDir(dir).ok()) break;
    comps.pop_back();
  }
  return Status::OK();
}

IntersectionIterator Store::IterIntersections(std::vector<IndexKey> keys,
                                              IterIntersectionsOptions options) const {
  return IntersectionIterator(fs_, basepath_, schema_, std::move(keys), std::move(options));
}

}  // namespace oups
