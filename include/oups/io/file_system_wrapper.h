// FileSystemWrapper, RandomAccessFileWrapper, WritableFileWrapper: forwarding
// bases for decorators.
//
// A decorator (fault injection, I/O recording, latency, statistics...) derives
// from these and overrides only the calls it changes; everything else forwards
// to the wrapped object unchanged (LevelDB's EnvWrapper).
//
// Thread-safety: as the wrapped object. Ownership: a FileSystemWrapper shares
// its base; a file wrapper owns the file it wraps.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "oups/io/file_system.h"

namespace oups {

class FileSystemWrapper : public FileSystem {
 public:
  explicit FileSystemWrapper(std::shared_ptr<FileSystem> base) : base_(std::move(base)) {}

  const std::shared_ptr<FileSystem>& base() const { return base_; }

  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) override {
    return base_->OpenForRead(path);
  }
  Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path) override {
    return base_->OpenForWrite(path);
  }
  Result<std::unique_ptr<WritableFile>> CreateNewFile(const std::string& path) override {
    return base_->CreateNewFile(path);
  }
  Result<bool> Exists(const std::string& path) override { return base_->Exists(path); }
  Result<FileInfo> Stat(const std::string& path) override { return base_->Stat(path); }
  Result<std::vector<FileInfo>> ListDir(const std::string& path) override {
    return base_->ListDir(path);
  }
  Result<std::vector<FileInfo>> ListDirNames(const std::string& path) override {
    return base_->ListDirNames(path);
  }
  Status CreateDirs(const std::string& path) override { return base_->CreateDirs(path); }
  Status DeleteFile(const std::string& path) override { return base_->DeleteFile(path); }
  Status DeleteDir(const std::string& path) override { return base_->DeleteDir(path); }
  Status Rename(const std::string& from, const std::string& to) override {
    return base_->Rename(from, to);
  }
  Status SyncDir(const std::string& path) override { return base_->SyncDir(path); }
  Status SyncFileSystem(const std::string& path) override { return base_->SyncFileSystem(path); }
  Result<std::unique_ptr<FileLock>> Lock(const std::string& path,
                                         std::chrono::milliseconds timeout) override {
    return base_->Lock(path, timeout);
  }
  Result<std::unique_ptr<FileLock>> LockShared(const std::string& path,
                                               std::chrono::milliseconds timeout) override {
    return base_->LockShared(path, timeout);
  }

 protected:
  std::shared_ptr<FileSystem> base_;
};

class RandomAccessFileWrapper : public RandomAccessFile {
 public:
  explicit RandomAccessFileWrapper(std::unique_ptr<RandomAccessFile> base)
      : RandomAccessFile(base->path()), base_(std::move(base)) {}

  RandomAccessFile* base() const { return base_.get(); }

  Result<int64_t> Size() override { return base_->Size(); }
  Status ReadAt(int64_t offset, int64_t n, uint8_t* out) override {
    return base_->ReadAt(offset, n, out);
  }
  // Forwards too, so that a zero-copy base keeps returning views.
  Result<std::shared_ptr<Buffer>> ReadAt(int64_t offset, int64_t n) override {
    return base_->ReadAt(offset, n);
  }

 protected:
  std::unique_ptr<RandomAccessFile> base_;
};

class WritableFileWrapper : public WritableFile {
 public:
  explicit WritableFileWrapper(std::unique_ptr<WritableFile> base)
      : WritableFile(base->path()), base_(std::move(base)) {}

  WritableFile* base() const { return base_.get(); }

  using WritableFile::Append;
  Status Append(const void* data, int64_t n) override { return base_->Append(data, n); }
  Status Sync() override { return base_->Sync(); }
  Status Close() override { return base_->Close(); }
  int64_t Tell() const override { return base_->Tell(); }

 protected:
  std::unique_ptr<WritableFile> base_;
};

}  // namespace oups
