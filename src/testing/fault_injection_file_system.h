// FaultInjectionFileSystem: a seeded, fault-injecting FileSystem decorator for
// crash and error tests (test-support library oups_testing, not installed).
//
// Every mutating call counts as one operation: OpenForWrite, Append, Sync,
// Close (on the files it returns), CreateDirs, DeleteFile, DeleteDir, Rename,
// SyncDir and Lock. Operations are numbered from 1 since construction or the
// last Reset(). A fault fires on an operation chosen by number (FailAt) or at
// random with seeded odds (FailRandomly), optionally restricted to some
// operation types. Kinds:
//   kError    the call returns IOError and does nothing;
//   kNoSpace  the call returns IOError "... No space left on device" (ENOSPC);
//             an Append first writes a seeded random prefix of its data (a
//             short, torn write), other calls do nothing;
//   kCrash    the call does nothing and fails with IOError "simulated crash",
//             and so does every later call of any kind (reads included), until
//             Reset(): the writer cannot continue. The test then calls
//             SimulateCrash() on the base MemoryFileSystem to drop what was not
//             durable, Reset()s the decorator, and reopens.
// Read-only calls (OpenForRead, ReadAt, Size, Exists, Stat, ListDir) are not
// counted; they fail only after a crash.
//
// Typical crash sweep:
//   run the workload once to learn n = operation_count();
//   for k in 1..n: fresh MemoryFileSystem base, FailAt(k, kCrash), run,
//   base->SimulateCrash(), Reset(), check invariants.
//
// Thread-safety: safe for concurrent use; the operation numbering is then the
// order in which calls reach the decorator. Ownership: shares its base; the
// files it returns share the decorator's state and may outlive it.
// Namespace: oups (not oups::testing, which would shadow gtest's ::testing).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "oups/io/file_system_wrapper.h"

namespace oups {

class FaultInjectionFileSystem : public FileSystemWrapper {
 public:
  enum class FaultKind { kError, kNoSpace, kCrash };

  // Mutating operation types, usable as a bit mask.
  enum Op : uint32_t {
    kOpenForWrite = 1u << 0,
    kAppend = 1u << 1,
    kSync = 1u << 2,
    kClose = 1u << 3,
    kCreateDirs = 1u << 4,
    kDeleteFile = 1u << 5,
    kDeleteDir = 1u << 6,
    kRename = 1u << 7,
    kSyncDir = 1u << 8,
    kLock = 1u << 9,
    kSyncFileSystem = 1u << 10,
    kAllOps = (1u << 11) - 1,
  };

  // One counted operation, for diagnostics ("crash at op 17: Rename a -> b").
  struct OpRecord {
    uint64_t number;    // 1-based
    Op op;
    std::string path;   // "from -> to" for Rename
    bool failed;        // a fault fired on it (or it came after a crash)
  };

  FaultInjectionFileSystem(std::shared_ptr<FileSystem> base, uint64_t seed);
  ~FaultInjectionFileSystem() override;

  // The `n`-th counted operation (1-based, among those matching `ops`, or any
  // when ops == kAllOps) fails with `kind`. One-shot; replaces an earlier FailAt.
  void FailAt(uint64_t n, FaultKind kind, uint32_t ops = kAllOps);
  // Each counted operation matching `ops` fails with probability 1/one_in_n
  // (seeded; 0 disables).
  void FailRandomly(uint32_t one_in_n, FaultKind kind, uint32_t ops = kAllOps);
  // Counted operations so far (including failed ones).
  uint64_t operation_count() const;
  // Whether a kCrash fault has fired.
  bool crashed() const;
  // Faults fired so far (crash aftermath not included).
  uint64_t faults_injected() const;
  // Every counted operation since the last Reset(), in order.
  std::vector<OpRecord> operations() const;
  // Clears the counter, the log, pending faults and the crashed state; the
  // random generator restarts from the seed.
  void Reset();

  static std::string_view OpName(Op op);

  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path) override;
  // Counted as an OpenForWrite operation (same Op type).
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

  // Shared with the returned files; public only for them.
  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace oups
