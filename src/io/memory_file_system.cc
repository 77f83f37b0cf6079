// MemoryFileSystem: an in-memory FileSystem that models durability.
//
// Model (an inode tree, like a POSIX file system):
// * A node is a file or a directory. Directory entries map names to nodes.
// * Paths are split on '/'; empty and "." components are ignored, so "a/b",
//   "/a/b" and "a//b/" name the same node (all paths start at one root). ".." is
//   rejected.
// * A file has `data` (what readers see now) and `durable_data` (its content as
//   of its last WritableFile::Sync). OpenForWrite on an existing file truncates
//   the same node; the truncation, like the appends, becomes durable at Sync.
// * A directory has `entries` (now) and `durable_entries` (as of the last
//   SyncDir on it). Creating, renaming or deleting an entry becomes durable only
//   when its parent directory is synced; Rename across directories needs both
//   directories synced (syncing only the target leaves the node reachable under
//   both names after a crash, as a hard link would).
// * SimulateCrash() sets, from the root down, every directory's entries to its
//   durable entries and every file's data to its durable data; locks are
//   released and every open handle becomes invalid (its calls return
//   IOError). Consequences, as on ext4 without a directory fsync: a file that
//   was created and synced but whose parent was never synced disappears; an
//   unsynced rename is undone; a synced-into-existence file whose content was
//   never synced is empty.
// * Content is stored in a MutableBuffer (zero padding past the end) shared
//   copy-on-write: ReadAt(offset, n) returns a zero-copy view of an immutable
//   snapshot, and a later append to the file copies rather than changing it.
// * Locks are in-process and keyed by normalised path; the lock file is created
//   (as a non-durable entry) if missing, as the local file system does.
//
// One mutex guards everything; each handle keeps the shared Impl alive.
#include "oups/io/memory_file_system.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <set>
#include <unordered_set>

namespace oups {

namespace {

struct Node {
  explicit Node(bool dir) : is_dir(dir) {}
  bool is_dir;
  // Files. Null means empty.
  std::shared_ptr<MutableBuffer> data;
  std::shared_ptr<MutableBuffer> durable_data;
  // Directories.
  std::map<std::string, std::shared_ptr<Node>> entries;
  std::map<std::string, std::shared_ptr<Node>> durable_entries;

  int64_t size() const { return data ? data->size() : 0; }
};

using NodePtr = std::shared_ptr<Node>;

}  // namespace

struct MemoryFileSystem::Impl {
  std::mutex mu;
  std::condition_variable lock_released;
  NodePtr root = std::make_shared<Node>(true);
  uint64_t epoch = 0;  // incremented by SimulateCrash; handles of older epochs are dead
  std::set<std::string> locked;
  // Number of shared holders per lock key.
  std::map<std::string, int> shared;

  // Splits `path` into components. InvalidArgument for "..".
  static Result<std::vector<std::string>> Split(const std::string& path) {
    std::vector<std::string> parts;
    size_t i = 0;
    while (i <= path.size()) {
      size_t j = path.find('/', i);
      if (j == std::string::npos) j = path.size();
      std::string part = path.substr(i, j - i);
      if (part == "..") {
        return Status::InvalidArgument("path " + path +
                                       ": '..' is not supported by the memory file system");
      }
      if (!part.empty() && part != ".") parts.push_back(std::move(part));
      i = j + 1;
    }
    return parts;
  }

  static std::string Normalize(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += "/" + p;
    return out.empty() ? "/" : out;
  }

  // The node at `parts[0, n)`; NotFound / IOError (not a directory) naming `path`.
  Result<NodePtr> Walk(const std::vector<std::string>& parts, size_t n,
                       const std::string& path) {
    NodePtr cur = root;
    for (size_t i = 0; i < n; ++i) {
      if (!cur->is_dir) return Status::IOError(path + ": Not a directory");
      auto it = cur->entries.find(parts[i]);
      if (it == cur->entries.end()) {
        return Status::NotFound(path + ": No such file or directory");
      }
      cur = it->second;
    }
    return cur;
  }

  Result<NodePtr> Find(const std::string& path) {
    OUPS_ASSIGN_OR_RETURN(auto parts, Split(path));
    return Walk(parts, parts.size(), path);
  }

  // The parent directory of `path` and the entry name; the path must not be the root.
  Result<std::pair<NodePtr, std::string>> FindParent(const std::string& path,
                                                     std::string_view what) {
    OUPS_ASSIGN_OR_RETURN(auto parts, Split(path));
    if (parts.empty()) {
      return Status::InvalidArgument(std::string(what) + " " + path +
                                     ": not allowed on the root directory");
    }
    OUPS_ASSIGN_OR_RETURN(NodePtr parent, Walk(parts, parts.size() - 1, path));
    if (!parent->is_dir) return Status::IOError(path + ": Not a directory");
    return std::make_pair(parent, parts.back());
  }

  Status CheckEpoch(uint64_t handle_epoch, const std::string& path) const {
    if (handle_epoch != epoch) {
      return Status::IOError(path + ": file handle invalidated by a simulated crash");
    }
    return Status::OK();
  }

  // Calls `dir(node)` on every directory (before walking its entries, which
  // it may change) and `file(node)` on every file reachable from the root.
  template <typename Dir, typename File>
  void ForEachNode(Dir dir, File file) {
    std::unordered_set<Node*> seen;
    std::vector<Node*> stack{root.get()};
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      if (!seen.insert(n).second) continue;
      if (n->is_dir) {
        dir(n);
        for (auto& [name, child] : n->entries) stack.push_back(child.get());
      } else {
        file(n);
      }
    }
  }

  // Makes the current state of every file and directory durable.
  void MakeAllDurable() {
    ForEachNode([](Node* d) { d->durable_entries = d->entries; },
                [](Node* f) { f->durable_data = f->data; });
  }

  void Crash() {
    ForEachNode([](Node* d) { d->entries = d->durable_entries; },
                [](Node* f) { f->data = f->durable_data; });
    ++epoch;
    locked.clear();
    shared.clear();
    lock_released.notify_all();
  }
};

namespace {

using Impl = MemoryFileSystem::Impl;

class MemoryRandomAccessFile final : public RandomAccessFile {
 public:
  MemoryRandomAccessFile(std::string path, std::shared_ptr<Impl> impl, NodePtr node)
      : RandomAccessFile(std::move(path)),
        impl_(std::move(impl)),
        node_(std::move(node)),
        epoch_(impl_->epoch) {}

  Result<int64_t> Size() override {
    std::lock_guard<std::mutex> g(impl_->mu);
    OUPS_RETURN_NOT_OK(impl_->CheckEpoch(epoch_, path_));
    return node_->size();
  }

  Status ReadAt(int64_t offset, int64_t n, uint8_t* out) override {
    OUPS_ASSIGN_OR_RETURN(std::shared_ptr<Buffer> buf, ReadAt(offset, n));
    if (n > 0) std::memcpy(out, buf->data(), static_cast<size_t>(n));
    return Status::OK();
  }

  Result<std::shared_ptr<Buffer>> ReadAt(int64_t offset, int64_t n) override {
    if (offset < 0 || n < 0) {
      return Status::InvalidArgument("read of " + std::to_string(n) + " bytes at offset " +
                                     std::to_string(offset) + " in " + path_ +
                                     ": negative offset or length");
    }
    std::shared_ptr<MutableBuffer> snapshot;
    {
      std::lock_guard<std::mutex> g(impl_->mu);
      OUPS_RETURN_NOT_OK(impl_->CheckEpoch(epoch_, path_));
      snapshot = node_->data;
    }
    int64_t size = snapshot ? snapshot->size() : 0;
    if (offset > size || n > size - offset) {
      return Status::IOError("unexpected end of file " + path_ + ": wanted " +
                             std::to_string(n) + " bytes at offset " + std::to_string(offset) +
                             ", file has " + std::to_string(size));
    }
    if (n == 0) return Buffer::CopyOf({});
    return Buffer::Slice(std::move(snapshot), offset, n);
  }

 private:
  std::shared_ptr<Impl> impl_;
  NodePtr node_;
  uint64_t epoch_;
};

class MemoryWritableFile final : public WritableFile {
 public:
  MemoryWritableFile(std::string path, std::shared_ptr<Impl> impl, NodePtr node)
      : WritableFile(std::move(path)),
        impl_(std::move(impl)),
        node_(std::move(node)),
        epoch_(impl_->epoch) {}

  Status Append(const void* data, int64_t n) override {
    if (n < 0) return Status::InvalidArgument("negative append length on " + path_);
    std::lock_guard<std::mutex> g(impl_->mu);
    OUPS_RETURN_NOT_OK(CheckUsable("append to"));
    if (n == 0) return Status::OK();
    auto& cur = node_->data;
    // Copy on write: readers' snapshots and the durable content stay unchanged.
    // use_count() is exact here: new references are only taken under the mutex.
    if (!cur || cur.use_count() > 1) {
      auto fresh = std::make_shared<MutableBuffer>();
      int64_t old = cur ? cur->size() : 0;
      OUPS_RETURN_NOT_OK(fresh->Reserve(old + n));
      if (old > 0) fresh->UnsafeAppend(cur->data(), old);
      cur = std::move(fresh);
    }
    OUPS_RETURN_NOT_OK(cur->Append(data, n));
    tell_ += n;
    return Status::OK();
  }

  Status Sync() override {
    std::lock_guard<std::mutex> g(impl_->mu);
    OUPS_RETURN_NOT_OK(CheckUsable("sync"));
    node_->durable_data = node_->data;
    return Status::OK();
  }

  Status Close() override {
    std::lock_guard<std::mutex> g(impl_->mu);
    OUPS_RETURN_NOT_OK(CheckUsable("close"));
    closed_ = true;
    return Status::OK();
  }

  int64_t Tell() const override { return tell_; }

 private:
  Status CheckUsable(std::string_view what) const {
    if (closed_) return Status::IOError(std::string(what) + " " + path_ + ": file already closed");
    return impl_->CheckEpoch(epoch_, path_);
  }

  std::shared_ptr<Impl> impl_;
  NodePtr node_;
  uint64_t epoch_;
  int64_t tell_ = 0;
  bool closed_ = false;
};

class MemoryFileLock final : public FileLock {
 public:
  MemoryFileLock(std::string path, std::shared_ptr<Impl> impl, std::string key,
                 bool shared = false)
      : FileLock(std::move(path)),
        impl_(std::move(impl)),
        key_(std::move(key)),
        epoch_(impl_->epoch),
        shared_(shared) {}
  ~MemoryFileLock() override {
    std::lock_guard<std::mutex> g(impl_->mu);
    if (epoch_ != impl_->epoch) return;  // released by a crash, maybe re-taken since
    if (shared_) {
      if (--impl_->shared[key_] == 0) impl_->shared.erase(key_);
    } else {
      impl_->locked.erase(key_);
    }
    impl_->lock_released.notify_all();
  }

 private:
  std::shared_ptr<Impl> impl_;
  std::string key_;
  uint64_t epoch_;
  bool shared_;
};

}  // namespace

MemoryFileSystem::MemoryFileSystem() : impl_(std::make_shared<Impl>()) {}
MemoryFileSystem::~MemoryFileSystem() = default;

std::shared_ptr<MemoryFileSystem> NewMemoryFileSystem() {
  return std::make_shared<MemoryFileSystem>();
}

Result<std::unique_ptr<RandomAccessFile>> MemoryFileSystem::OpenForRead(
    const std::string& path) {
  std::lock_guard<std::mutex> g(impl_->mu);
  OUPS_ASSIGN_OR_RETURN(NodePtr node, impl_->Find(path));
  if (node->is_dir) return Status::IOError("open for reading " + path + ": Is a directory");
  return std::unique_ptr<RandomAccessFile>(new MemoryRandomAccessFile(path, impl_, node));
}

Result<std::unique_ptr<WritableFile>> MemoryFileSystem::OpenForWrite(
    const std::string& path) {
  std::lock_guard<std::mutex> g(impl_->mu);
  OUPS_ASSIGN_OR_RETURN(auto parent_name, impl_->FindParent(path, "open for writing"));
  auto& [parent, name] = parent_name;
  NodePtr& slot = parent->entries[name];
  if (!slot) {
    slot = std::make_shared<Node>(false);
  } else if (slot->is_dir) {
    return Status::IOError("open for writing " + path + ": Is a directory");
  } else {
    slot->data.reset();  // truncate; durable until the next Sync
  }
  return std::unique_ptr<WritableFile>(new MemoryWritableFile(path, impl_, slot));
}

Result<std::unique_ptr<WritableFile>> MemoryFileSystem::CreateNewFile(
    const std::string& path) {
  std::lock_guard<std::mutex> g(impl_->mu);
  OUPS_ASSIGN_OR_RETURN(auto parent_name, impl_->FindParent(path, "create"));
  auto& [parent, name] = parent_name;
  NodePtr& slot = parent->entries[name];
  if (slot) return Status::AlreadyExists("create " + path + ": File exists");
  slot = std::make_shared<Node>(false);
  return std::unique_ptr<WritableFile>(new MemoryWritableFile(path, impl_, slot));
}

Result<bool> MemoryFileSystem::Exists(const std::string& path) {
  std::lock_guard<std::mutex> g(impl_->mu);
  auto r = impl_->Find(path);
  if (r.ok()) return true;
  if (r.status().IsNotFound() || r.status().IsIOError()) return false;
  return r.status();
}

Result<FileInfo> MemoryFileSystem::Stat(const std::string& path) {
  std::lock_guard<std::mutex> g(impl_->mu);
  OUPS_ASSIGN_OR_RETURN(NodePtr node, impl_->Find(path));
  FileInfo info;
  info.name = std::string(BaseName(path));
  info.is_dir = node->is_dir;
  info.size = node->is_dir ? 0 : node->size();
  return info;
}

Result<std::vector<FileInfo>> MemoryFileSystem::ListDir(const std::string& path) {
  std::lock_guard<std::mutex> g(impl_->mu);
  OUPS_ASSIGN_OR_RETURN(NodePtr node, impl_->Find(path));
  if (!node->is_dir) return Status::IOError("list directory " + path + ": Not a directory");
  std::vector<FileInfo> out;
  out.reserve(node->entries.size());
  for (const auto& [name, child] : node->entries) {  // std::map: sorted by name
    FileInfo info;
    info.name = name;
    info.is_dir = child->is_dir;
    info.size = child->is_dir ? 0 : child->size();
    out.push_back(std::move(info));
  }
  return out;
}

Status MemoryFileSystem::CreateDirs(const std::string& path) {
  std::lock_guard<std::mutex> g(impl_->mu);
  OUPS_ASSIGN_OR_RETURN(auto parts, Impl::Split(path));
  if (path.empty()) return Status::InvalidArgument("create directories: empty path");
  NodePtr cur = impl_->root;
  for (const auto& part : parts) {
    NodePtr& slot = cur->entries[part];
    if (!slot) slot = std::make_shared<Node>(true);
    if (!slot->is_dir) {
      return Status::IOError("create directory " + path + ": " + part +
                             " exists and is not a directory");
    }
    cur = slot;
  }
  return Status::OK();
}

Status MemoryFileSystem::DeleteFile(const std::string& path) {
  std::lock_guard<std::mutex> g(impl_->mu);
  OUPS_ASSIGN_OR_RETURN(auto parent_name, impl_->FindParent(path, "delete file"));
  auto& [parent, name] = parent_name;
  auto it = parent->entries.find(name);
  if (it == parent->entries.end()) {
    return Status::NotFound("delete file " + path + ": No such file or directory");
  }
  if (it->second->is_dir) return Status::IOError("delete file " + path + ": Is a directory");
  parent->entries.erase(it);
  return Status::OK();
}

Status MemoryFileSystem::DeleteDir(const std::string& path) {
  std::lock_guard<std::mutex> g(impl_->mu);
  OUPS_ASSIGN_OR_RETURN(auto parent_name, impl_->FindParent(path, "delete directory"));
  auto& [parent, name] = parent_name;
  auto it = parent->entries.find(name);
  if (it == parent->entries.end()) {
    return Status::NotFound("delete directory " + path + ": No such file or directory");
  }
  if (!it->second->is_dir) {
    return Status::IOError("delete directory " + path + ": Not a directory");
  }
  if (!it->second->entries.empty()) {
    return Status::IOError("delete directory " + path + ": Directory not empty");
  }
  parent->entries.erase(it);
  return Status::OK();
}

Status MemoryFileSystem::Rename(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> g(impl_->mu);
  const std::string what = "rename " + from + " to " + to;
  OUPS_ASSIGN_OR_RETURN(auto src, impl_->FindParent(from, "rename"));
  OUPS_ASSIGN_OR_RETURN(auto dst, impl_->FindParent(to, "rename"));
  auto it = src.first->entries.find(src.second);
  if (it == src.first->entries.end()) {
    return Status::NotFound(what + ": No such file or directory");
  }
  NodePtr node = it->second;
  if (node->is_dir) {
    // Refuse to move a directory into its own subtree.
    OUPS_ASSIGN_OR_RETURN(auto fp, Impl::Split(from));
    OUPS_ASSIGN_OR_RETURN(auto tp, Impl::Split(to));
    if (tp.size() > fp.size() && std::equal(fp.begin(), fp.end(), tp.begin())) {
      return Status::IOError(what + ": Invalid argument");
    }
  }
  auto existing = dst.first->entries.find(dst.second);
  if (existing != dst.first->entries.end()) {
    if (existing->second == node) return Status::OK();  // same entry: no-op, as POSIX
    if (existing->second->is_dir && !node->is_dir) {
      return Status::IOError(what + ": Is a directory");
    }
    if (!existing->second->is_dir && node->is_dir) {
      return Status::IOError(what + ": Not a directory");
    }
    if (existing->second->is_dir && !existing->second->entries.empty()) {
      return Status::IOError(what + ": Directory not empty");
    }
  }
  src.first->entries.erase(it);
  dst.first->entries[dst.second] = std::move(node);
  return Status::OK();
}

Status MemoryFileSystem::SyncDir(const std::string& path) {
  std::lock_guard<std::mutex> g(impl_->mu);
  OUPS_ASSIGN_OR_RETURN(NodePtr node, impl_->Find(path));
  if (!node->is_dir) return Status::IOError("sync directory " + path + ": Not a directory");
  node->durable_entries = node->entries;
  return Status::OK();
}

Status MemoryFileSystem::SyncFileSystem(const std::string& path) {
  std::lock_guard<std::mutex> g(impl_->mu);
  OUPS_RETURN_NOT_OK(impl_->Find(path).status());
  impl_->MakeAllDurable();
  return Status::OK();
}

namespace {

Result<std::unique_ptr<FileLock>> TakeMemoryLock(const std::shared_ptr<MemoryFileSystem::Impl>& impl,
                                                 const std::string& path,
                                                 std::chrono::milliseconds timeout, bool shared) {
  std::unique_lock<std::mutex> g(impl->mu);
  OUPS_ASSIGN_OR_RETURN(auto parts, MemoryFileSystem::Impl::Split(path));
  std::string key = MemoryFileSystem::Impl::Normalize(parts);
  // Create the lock file if missing (parent must exist), as a local lock would.
  OUPS_ASSIGN_OR_RETURN(auto parent_name, impl->FindParent(path, "open lock file"));
  auto& [parent, name] = parent_name;
  NodePtr& slot = parent->entries[name];
  if (!slot) slot = std::make_shared<Node>(false);
  if (slot->is_dir) return Status::IOError("open lock file " + path + ": Is a directory");

  auto free = [&] {
    return impl->locked.count(key) == 0 && (shared || impl->shared.count(key) == 0);
  };
  if (timeout.count() < 0) {
    impl->lock_released.wait(g, free);
  } else if (!impl->lock_released.wait_for(g, timeout, free)) {
    return Status::Timeout("failed to acquire lock " + path + " within " +
                           std::to_string(timeout.count()) +
                           " ms: held by another handle");
  }
  if (shared) {
    ++impl->shared[key];
  } else {
    impl->locked.insert(key);
  }
  return std::unique_ptr<FileLock>(new MemoryFileLock(path, impl, key, shared));
}

}  // namespace

Result<std::unique_ptr<FileLock>> MemoryFileSystem::Lock(const std::string& path,
                                                         std::chrono::milliseconds timeout) {
  return TakeMemoryLock(impl_, path, timeout, /*shared=*/false);
}

Result<std::unique_ptr<FileLock>> MemoryFileSystem::LockShared(
    const std::string& path, std::chrono::milliseconds timeout) {
  return TakeMemoryLock(impl_, path, timeout, /*shared=*/true);
}

void MemoryFileSystem::SimulateCrash() {
  std::lock_guard<std::mutex> g(impl_->mu);
  impl_->Crash();
}

}  // namespace oups
