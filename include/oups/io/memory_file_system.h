// MemoryFileSystem: an in-memory FileSystem for tests and for users who want a
// store that never touches disk.
//
// It models durability so that crash tests are meaningful: file contents become
// durable at WritableFile::Sync, and directory entries (creation, rename,
// deletion) become durable at SyncDir of their parent, and SyncFileSystem makes
// everything durable at once. SimulateCrash() reverts
// everything to the durable state, as a power loss would.
//
// Thread-safety: all operations are safe from any thread (one internal mutex).
// Ownership: created by NewMemoryFileSystem() and shared via std::shared_ptr;
// files opened from it keep the data they need alive.
#pragma once

#include <map>
#include <mutex>

#include "oups/io/file_system.h"

namespace oups {

class MemoryFileSystem : public FileSystem {
 public:
  MemoryFileSystem();
  ~MemoryFileSystem() override;

  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> CreateNewFile(const std::string& path) override;
  Result<bool> Exists(const std::string& path) override;
  Result<FileInfo> Stat(const std::string& path) override;
  Result<std::vector<FileInfo>> ListDir(const std::string& path) override;
  Status CreateDirs(const std::string& path) override;
  Status DeleteFile(const std::string& path) override;
  Status DeleteDir(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& path) override;
  Status SyncFileSystem(const std::string& path) override;
  Result<std::unique_ptr<FileLock>> Lock(const std::string& path,
                                         std::chrono::milliseconds timeout) override;
  Result<std::unique_ptr<FileLock>> LockShared(const std::string& path,
                                               std::chrono::milliseconds timeout) override;

  // Reverts every file and directory to its last durable state and releases
  // all locks, as a machine crash would.
  void SimulateCrash();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace oups
