// Store: discovery, mapping interface and removal (docs/behaviour.md#store).
#include "oups/store/store.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "dataset/file_naming.h"
#include "store/dir_walk.h"

namespace oups {

namespace {

using store_internal::WalkedDir;

// Walks `depth` more levels below stack->back() (listed); at depth 0 takes the
// keys of its metadata files. Directories that vanish meanwhile are skipped;
// other bad entries are recorded and skipped.
void Discover(FileSystem& fs, const IndexerSchema& schema, const std::string& rel,
              int depth, std::vector<WalkedDir>* stack, StoreListing* out) {
  const WalkedDir& here = stack->back();
  if (depth == 0) {
    for (const FileInfo& e : here.entries) {
      if (e.is_dir) continue;
      std::optional<std::string> name = dataset::DatasetNameFromMetadataFileName(e.name);
      if (!name) continue;
      Result<IndexKey> key = schema.FromPath(rel.empty() ? *name : rel + "/" + *name);
      if (key.ok()) out->keys.push_back(*std::move(key));
    }
    return;
  }
  const std::string dir = here.path;
  const std::vector<FileInfo> entries = here.entries;
  for (const FileInfo& e : entries) {
    if (!e.error.ok()) {  // could not be examined (a self-referencing link, EACCES...)
      out->problems.push_back({JoinPath(dir, e.name), e.error.ToString(), true});
      continue;
    }
    if (!e.is_dir) continue;
    const std::string path = JoinPath(dir, e.name);
    Result<std::vector<FileInfo>> listed = fs.ListDirNames(path);
    if (!listed.ok()) {
      if (!listed.status().IsNotFound()) {
        out->problems.push_back({path, listed.status().ToString(), true});
      }
      continue;
    }
    WalkedDir child{path, std::move(listed).ValueOrDie()};
    if (auto target = store_internal::LoopTarget(fs, *stack, child)) {
      out->problems.push_back(
          {path, "symbolic link loop back to '" + *target + "': not followed", false});
      continue;
    }
    stack->push_back(std::move(child));
    Discover(fs, schema, rel.empty() ? e.name : rel + "/" + e.name, depth - 1, stack, out);
    stack->pop_back();
  }
}

// Every key below `basepath` (one walk), in walk order: not sorted. Each
// dataset is reached once, by its own relative path, and FromPath parses
// strictly (one path per key), so the keys are distinct.
Result<StoreListing> DiscoverAll(FileSystem& fs, const std::string& basepath,
                                 const IndexerSchema& schema) {
  StoreListing out;
  Result<std::vector<FileInfo>> entries = fs.ListDirNames(basepath);
  if (!entries.ok()) {
    if (entries.status().IsNotFound()) return out;  // a missing basepath: no keys
    return entries.status();
  }
  std::vector<WalkedDir> stack;
  stack.push_back({basepath, std::move(entries).ValueOrDie()});
  Discover(fs, schema, "", schema.depth() - 1, &stack, &out);
  return out;
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

Result<StoreListing> Store::List() const {
  OUPS_ASSIGN_OR_RETURN(StoreListing out, DiscoverAll(*fs_, basepath_, schema_));
  std::sort(out.keys.begin(), out.keys.end());
  out.keys.erase(std::unique(out.keys.begin(), out.keys.end()), out.keys.end());
  return out;
}

Result<StoreListing> Store::List(std::string_view prefix) const {
  std::vector<std::string> comps;
  for (size_t at = 0; at <= prefix.size();) {
    const size_t slash = std::min(prefix.find('/', at), prefix.size());
    comps.emplace_back(prefix.substr(at, slash - at));
    at = slash + 1;
  }
  if (!comps.empty() && comps.back().empty()) comps.pop_back();  // "a/b/"
  if (prefix.empty()) comps.clear();
  if (comps.empty()) return List();
  for (const std::string& c : comps) {
    if (c.empty() || c == "." || c == "..") {
      return Status::InvalidArgument("key prefix '" + std::string(prefix) +
                                     "': a component is empty, '.' or '..'");
    }
  }
  const int n = static_cast<int>(comps.size());
  if (n >= schema_.depth()) {
    return Status::InvalidArgument("key prefix '" + std::string(prefix) + "' has " +
                                   std::to_string(n) + " components; a prefix has fewer than " +
                                   "the " + std::to_string(schema_.depth()) + " of a key");
  }
  std::string dir = basepath_;
  std::string rel;
  for (const std::string& c : comps) {
    dir = JoinPath(dir, c);
    rel = rel.empty() ? c : rel + "/" + c;
  }
  StoreListing out;
  Result<std::vector<FileInfo>> entries = fs_->ListDirNames(dir);
  if (!entries.ok()) {
    if (entries.status().IsNotFound()) return out;  // no key under it
    return entries.status();
  }
  std::vector<WalkedDir> stack;
  stack.push_back({dir, std::move(entries).ValueOrDie()});
  Discover(*fs_, schema_, rel, schema_.depth() - 1 - n, &stack, &out);
  std::sort(out.keys.begin(), out.keys.end());
  out.keys.erase(std::unique(out.keys.begin(), out.keys.end()), out.keys.end());
  return out;
}

Result<std::vector<IndexKey>> Store::Keys(std::string_view prefix) const {
  OUPS_ASSIGN_OR_RETURN(StoreListing listing, List(prefix));
  return std::move(listing.keys);
}

Result<std::vector<IndexKey>> Store::Keys() const {
  OUPS_ASSIGN_OR_RETURN(StoreListing listing, List());
  return std::move(listing.keys);
}

Result<int64_t> Store::Size() const {
  // The keys unsorted (sorting 100,000 keys was a third of Keys()).
  OUPS_ASSIGN_OR_RETURN(StoreListing out, DiscoverAll(*fs_, basepath_, schema_));
  return static_cast<int64_t>(out.keys.size());
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
    // Deleting a directory fails unless it is empty (rmdir): no listing, so
    // a removal costs the same whatever the number of sibling keys. A racing
    // writer may re-create content: a failed deletion just stops.
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
