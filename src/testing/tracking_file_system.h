// TrackingFileSystem: an I/O-recording FileSystem decorator for tests that
// assert what a read touched (test-support library oups_testing, not
// installed).
//
// Records every OpenForRead (path, in call order, repeats included) and every
// ReadAt on the files it returns (path, offset, length; both ReadAt overloads,
// each read recorded once). Only successful opens and reads are recorded. Used
// to check, e.g., that a filtered read touched only the footer and the needed
// column chunks, or that iteration opens each file once. Also counts every
// call of the FileSystem interface by name ("ListDir", "Exists", "ReadAt"...,
// failed calls included), to check what an operation costs in calls.
//
// Thread-safety: safe for concurrent use; records are appended in the order
// calls complete. Ownership: shares its base; returned files share the
// recorder and may outlive the decorator.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "oups/io/file_system_wrapper.h"

namespace oups {

class TrackingFileSystem : public FileSystemWrapper {
 public:
  struct ReadRecord {
    std::string path;
    int64_t offset;
    int64_t length;
    bool operator==(const ReadRecord&) const = default;
  };

  explicit TrackingFileSystem(std::shared_ptr<FileSystem> base);
  ~TrackingFileSystem() override;

  // Every successful ReadAt, in order.
  std::vector<ReadRecord> reads() const;
  // Reads of one path, in order.
  std::vector<ReadRecord> reads(const std::string& path) const;
  // Total bytes read, overall and for one path.
  int64_t bytes_read() const;
  int64_t bytes_read(const std::string& path) const;
  // Number of ReadAt calls, overall.
  int64_t read_count() const;
  // Paths opened for reading, in order, with repeats.
  std::vector<std::string> opened_files() const;
  // How many times `path` was opened for reading.
  int64_t open_count(const std::string& path) const;
  // Calls made through this decorator (and ReadAt on the files it opened),
  // by method name; and their total.
  std::map<std::string, int64_t> calls() const;
  int64_t call_count() const;
  // Forgets everything recorded so far.
  void Clear();

  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> CreateNewFile(const std::string& path) override;
  Result<bool> Exists(const std::string& path) override;
  Result<FileInfo> Stat(const std::string& path) override;
  Result<std::vector<FileInfo>> ListDir(const std::string& path) override;
  Result<std::vector<FileInfo>> ListDirNames(const std::string& path) override;
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

  // Shared with the returned files; public only for them.
  struct Recorder;

 private:
  std::shared_ptr<Recorder> recorder_;
};

}  // namespace oups
