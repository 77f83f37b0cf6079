// FileSystem: the only way oups touches storage.
//
// Every byte the library reads or writes goes through this interface, so that
// tests can substitute an in-memory file system or a fault-injecting decorator
// (crash points, torn writes, ENOSPC) and so that I/O can be counted. Paths are
// plain strings with '/' separators; the local implementation passes them to the
// OS unchanged.
//
// Thread-safety: FileSystem implementations are safe for concurrent use by any
// number of threads. A RandomAccessFile is safe for concurrent ReadAt calls; a
// WritableFile must be used by one thread at a time.
// Ownership: factories return std::unique_ptr; the caller owns the file object.
// File systems are shared through std::shared_ptr.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "oups/common/buffer.h"
#include "oups/result.h"

namespace oups {

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile();
  // Total size in bytes.
  virtual Result<int64_t> Size() = 0;
  // Reads exactly `n` bytes at `offset` into `out`; a short read is an error
  // (IOError naming the file). Safe to call concurrently.
  virtual Status ReadAt(int64_t offset, int64_t n, uint8_t* out) = 0;
  // Reads exactly `n` bytes at `offset` into a buffer. Implementations may return
  // a zero-copy view. The default allocates and calls ReadAt(out).
  virtual Result<std::shared_ptr<Buffer>> ReadAt(int64_t offset, int64_t n);
  const std::string& path() const { return path_; }

 protected:
  explicit RandomAccessFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

class WritableFile {
 public:
  virtual ~WritableFile();
  virtual Status Append(const void* data, int64_t n) = 0;
  Status Append(std::string_view bytes) {
    return Append(bytes.data(), static_cast<int64_t>(bytes.size()));
  }
  // Makes everything appended so far durable.
  virtual Status Sync() = 0;
  // Closes the file; further calls are errors. Destruction without Close()
  // closes silently.
  virtual Status Close() = 0;
  // Bytes appended so far.
  virtual int64_t Tell() const = 0;
  const std::string& path() const { return path_; }

 protected:
  explicit WritableFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// An advisory lock (exclusive from Lock, shared from LockShared) held until
// destruction. Released by the kernel if the process dies.
class FileLock {
 public:
  virtual ~FileLock();
  const std::string& path() const { return path_; }

 protected:
  explicit FileLock(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

struct FileInfo {
  std::string name;  // entry name, without directory
  bool is_dir = false;
  int64_t size = 0;  // bytes, for regular files
  // Listings only: OK, or why the entry could not be examined (its stat failed:
  // a symbolic link loop, no permission...), an error naming the entry's path.
  // Such an entry is listed with is_dir false and size 0, so that one bad entry
  // does not fail a whole listing; callers report it with its error.
  Status error;
};

class FileSystem {
 public:
  virtual ~FileSystem();

  // Opens a regular file for reading. Anything else (directory, FIFO, device,
  // socket) is an IOError naming the path and what it is, returned at once:
  // opening never waits for a FIFO's writer.
  virtual Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) = 0;
  // Creates or truncates `path` for writing. The parent directory must exist.
  virtual Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path) = 0;
  // Creates `path` for writing only if nothing exists under that name (POSIX
  // O_CREAT | O_EXCL): AlreadyExists naming the path otherwise, and the
  // existing entry is left untouched. The parent directory must exist. Used for
  // files that must never replace another one (row-group files).
  virtual Result<std::unique_ptr<WritableFile>> CreateNewFile(const std::string& path) = 0;

  virtual Result<bool> Exists(const std::string& path) = 0;
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  // Entries of a directory, sorted by name. NotFound if it does not exist. An
  // entry that cannot be examined is listed with its `error` (see FileInfo);
  // only a failure to read the directory itself fails the call.
  virtual Result<std::vector<FileInfo>> ListDir(const std::string& path) = 0;
  // Entries of a directory in no particular order, with `is_dir` but without
  // sizes (size -1): on a local file system no stat per entry where the
  // directory itself gives the type, so listing a store of 100,000 datasets
  // costs one pass over the directory. An entry that cannot be examined is
  // returned as a non-directory (with its `error` when the local file system
  // had to stat it and failed otherwise than ENOENT). Default: ListDir.
  virtual Result<std::vector<FileInfo>> ListDirNames(const std::string& path);
  // Creates `path` and missing parents; OK if it exists.
  virtual Status CreateDirs(const std::string& path) = 0;
  virtual Status DeleteFile(const std::string& path) = 0;
  // Deletes an empty directory.
  virtual Status DeleteDir(const std::string& path) = 0;
  // Atomically replaces `to` with `from`.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // Makes the directory's entries (creations, renames, deletions) durable.
  virtual Status SyncDir(const std::string& path) = 0;
  // Makes durable everything written so far to the file system holding `path`
  // (file contents and directory entries), as syncfs(2) does. A write producing
  // many files calls it once instead of syncing each file (one sync per file
  // costs a disk flush each). The default returns NotSupported, and callers
  // then sync file by file.
  virtual Status SyncFileSystem(const std::string& path);
  // Takes the exclusive advisory lock on `path` (created if missing), waiting up
  // to `timeout` (negative: forever). Timeout status when not acquired in time.
  virtual Result<std::unique_ptr<FileLock>> Lock(const std::string& path,
                                                 std::chrono::milliseconds timeout) = 0;
  // Takes a shared advisory lock on `path` (created if missing): any number of
  // shared holders at once, never together with a Lock() holder. Same timeout
  // semantics as Lock. The default implementation returns NotSupported.
  virtual Result<std::unique_ptr<FileLock>> LockShared(const std::string& path,
                                                       std::chrono::milliseconds timeout);

  // Convenience: reads a whole file.
  Result<std::shared_ptr<Buffer>> ReadFile(const std::string& path);
  // Convenience: writes a whole file (no sync).
  Status WriteFile(const std::string& path, std::string_view bytes);
};

// The process's local file system (POSIX). Shared singleton.
std::shared_ptr<FileSystem> LocalFileSystem();

// A fresh, empty in-memory file system. Locks are process-local. Models
// durability: SimulateCrash() drops data not made durable by Sync / SyncDir,
// which the fault-injection tests use.
class MemoryFileSystem;
std::shared_ptr<MemoryFileSystem> NewMemoryFileSystem();

// Path helpers ('/' separated).
std::string JoinPath(std::string_view a, std::string_view b);
std::string_view BaseName(std::string_view path);
std::string_view DirName(std::string_view path);

}  // namespace oups
