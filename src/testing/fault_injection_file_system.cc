#include "testing/fault_injection_file_system.h"

#include <cerrno>
#include <cstring>

namespace oups {

namespace {
// One counter per bit of FaultInjectionFileSystem::kAllOps.
constexpr int kNumOps = __builtin_popcount(FaultInjectionFileSystem::kAllOps);

int OpIndex(FaultInjectionFileSystem::Op op) { return __builtin_ctz(static_cast<uint32_t>(op)); }
}  // namespace

struct FaultInjectionFileSystem::State {
  explicit State(uint64_t s) : seed(s), rng(s) {}

  // What to do with one counted operation.
  struct Decision {
    bool fail = false;
    FaultKind kind = FaultKind::kError;
    bool after_crash = false;
  };

  mutable std::mutex mu;
  uint64_t seed;
  std::mt19937_64 rng;
  uint64_t count = 0;
  uint64_t per_op[kNumOps] = {};
  uint64_t faults = 0;
  bool crashed = false;
  std::vector<OpRecord> log;

  bool fail_at_armed = false;
  uint64_t fail_at = 0;
  FaultKind fail_at_kind = FaultKind::kError;
  uint32_t fail_at_ops = kAllOps;

  uint32_t one_in_n = 0;
  FaultKind random_kind = FaultKind::kError;
  uint32_t random_ops = kAllOps;

  // Counts one operation and decides whether it fails.
  Decision Count(Op op, std::string path) {
    std::lock_guard<std::mutex> g(mu);
    ++count;
    ++per_op[OpIndex(op)];
    Decision d;
    if (crashed) {
      d.fail = true;
      d.kind = FaultKind::kCrash;
      d.after_crash = true;
    } else {
      if (fail_at_armed && (op & fail_at_ops)) {
        uint64_t matching = 0;
        for (int i = 0; i < kNumOps; ++i) {
          if (fail_at_ops & (1u << i)) matching += per_op[i];
        }
        if (fail_at_ops == kAllOps) matching = count;
        if (matching == fail_at) {
          d.fail = true;
          d.kind = fail_at_kind;
          fail_at_armed = false;
        }
      }
      if (!d.fail && one_in_n > 0 && (op & random_ops) && rng() % one_in_n == 0) {
        d.fail = true;
        d.kind = random_kind;
      }
      if (d.fail) {
        ++faults;
        if (d.kind == FaultKind::kCrash) crashed = true;
      }
    }
    log.push_back(OpRecord{count, op, std::move(path), d.fail});
    return d;
  }

  // Fails non-counted (read-only) calls after a crash.
  Status CheckReadable(std::string_view what, const std::string& path) const {
    std::lock_guard<std::mutex> g(mu);
    if (crashed) return Status::IOError(std::string(what) + " " + path + ": simulated crash");
    return Status::OK();
  }

  // Length of the torn prefix an ENOSPC append writes, in [0, n).
  int64_t TornLength(int64_t n) {
    std::lock_guard<std::mutex> g(mu);
    return n <= 0 ? 0 : static_cast<int64_t>(rng() % static_cast<uint64_t>(n));
  }

  static Status FaultStatus(FaultKind kind, std::string_view what, const std::string& path) {
    std::string prefix = std::string(what) + " " + path + ": ";
    switch (kind) {
      case FaultKind::kError:
        return Status::IOError(prefix + "injected I/O error");
      case FaultKind::kNoSpace:
        return Status::IOError(prefix + std::strerror(ENOSPC) + " (injected)");
      case FaultKind::kCrash:
        break;
    }
    return Status::IOError(prefix + "simulated crash");
  }
};

namespace {

using State = FaultInjectionFileSystem::State;
using Op = FaultInjectionFileSystem::Op;
using FaultKind = FaultInjectionFileSystem::FaultKind;

class FaultRandomAccessFile final : public RandomAccessFileWrapper {
 public:
  FaultRandomAccessFile(std::unique_ptr<RandomAccessFile> base, std::shared_ptr<State> state)
      : RandomAccessFileWrapper(std::move(base)), state_(std::move(state)) {}

  Result<int64_t> Size() override {
    OUPS_RETURN_NOT_OK(state_->CheckReadable("size of", path_));
    return base_->Size();
  }
  Status ReadAt(int64_t offset, int64_t n, uint8_t* out) override {
    OUPS_RETURN_NOT_OK(state_->CheckReadable("read", path_));
    return base_->ReadAt(offset, n, out);
  }
  Result<std::shared_ptr<Buffer>> ReadAt(int64_t offset, int64_t n) override {
    OUPS_RETURN_NOT_OK(state_->CheckReadable("read", path_));
    return base_->ReadAt(offset, n);
  }

 private:
  std::shared_ptr<State> state_;
};

class FaultWritableFile final : public WritableFileWrapper {
 public:
  FaultWritableFile(std::unique_ptr<WritableFile> base, std::shared_ptr<State> state)
      : WritableFileWrapper(std::move(base)), state_(std::move(state)) {}

  using WritableFile::Append;
  Status Append(const void* data, int64_t n) override {
    auto d = state_->Count(FaultInjectionFileSystem::kAppend, path_);
    if (d.fail) {
      if (d.kind == FaultKind::kNoSpace && n > 0) {
        int64_t torn = state_->TornLength(n);
        if (torn > 0) base_->Append(data, torn).IgnoreError();
      }
      return State::FaultStatus(d.kind, "append to", path_);
    }
    return base_->Append(data, n);
  }
  Status Sync() override {
    auto d = state_->Count(FaultInjectionFileSystem::kSync, path_);
    if (d.fail) return State::FaultStatus(d.kind, "sync", path_);
    return base_->Sync();
  }
  Status Close() override {
    auto d = state_->Count(FaultInjectionFileSystem::kClose, path_);
    if (d.fail) return State::FaultStatus(d.kind, "close", path_);
    return base_->Close();
  }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace

FaultInjectionFileSystem::FaultInjectionFileSystem(std::shared_ptr<FileSystem> base,
                                                   uint64_t seed)
    : FileSystemWrapper(std::move(base)), state_(std::make_shared<State>(seed)) {}

FaultInjectionFileSystem::~FaultInjectionFileSystem() = default;

void FaultInjectionFileSystem::FailAt(uint64_t n, FaultKind kind, uint32_t ops) {
  std::lock_guard<std::mutex> g(state_->mu);
  state_->fail_at_armed = true;
  state_->fail_at = n;
  state_->fail_at_kind = kind;
  state_->fail_at_ops = ops;
}

void FaultInjectionFileSystem::FailRandomly(uint32_t one_in_n, FaultKind kind, uint32_t ops) {
  std::lock_guard<std::mutex> g(state_->mu);
  state_->one_in_n = one_in_n;
  state_->random_kind = kind;
  state_->random_ops = ops;
}

uint64_t FaultInjectionFileSystem::operation_count() const {
  std::lock_guard<std::mutex> g(state_->mu);
  return state_->count;
}

bool FaultInjectionFileSystem::crashed() const {
  std::lock_guard<std::mutex> g(state_->mu);
  return state_->crashed;
}

uint64_t FaultInjectionFileSystem::faults_injected() const {
  std::lock_guard<std::mutex> g(state_->mu);
  return state_->faults;
}

std::vector<FaultInjectionFileSystem::OpRecord> FaultInjectionFileSystem::operations() const {
  std::lock_guard<std::mutex> g(state_->mu);
  return state_->log;
}

void FaultInjectionFileSystem::Reset() {
  std::lock_guard<std::mutex> g(state_->mu);
  state_->rng.seed(state_->seed);
  state_->count = 0;
  for (auto& c : state_->per_op) c = 0;
  state_->faults = 0;
  state_->crashed = false;
  state_->log.clear();
  state_->fail_at_armed = false;
  state_->one_in_n = 0;
}

std::string_view FaultInjectionFileSystem::OpName(Op op) {
  switch (op) {
    case kOpenForWrite: return "OpenForWrite";
    case kAppend: return "Append";
    case kSync: return "Sync";
    case kClose: return "Close";
    case kCreateDirs: return "CreateDirs";
    case kDeleteFile: return "DeleteFile";
    case kDeleteDir: return "DeleteDir";
    case kRename: return "Rename";
    case kSyncDir: return "SyncDir";
    case kLock: return "Lock";
    case kSyncFileSystem: return "SyncFileSystem";
    case kAllOps: break;
  }
  return "?";
}

Result<std::unique_ptr<RandomAccessFile>> FaultInjectionFileSystem::OpenForRead(
    const std::string& path) {
  OUPS_RETURN_NOT_OK(state_->CheckReadable("open for reading", path));
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, base_->OpenForRead(path));
  return std::unique_ptr<RandomAccessFile>(new FaultRandomAccessFile(std::move(file), state_));
}

Result<std::unique_ptr<WritableFile>> FaultInjectionFileSystem::OpenForWrite(
    const std::string& path) {
  auto d = state_->Count(kOpenForWrite, path);
  if (d.fail) return State::FaultStatus(d.kind, "open for writing", path);
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, base_->OpenForWrite(path));
  return std::unique_ptr<WritableFile>(new FaultWritableFile(std::move(file), state_));
}

Result<std::unique_ptr<WritableFile>> FaultInjectionFileSystem::CreateNewFile(
    const std::string& path) {
  auto d = state_->Count(kOpenForWrite, path);
  if (d.fail) return State::FaultStatus(d.kind, "create", path);
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, base_->CreateNewFile(path));
  return std::unique_ptr<WritableFile>(new FaultWritableFile(std::move(file), state_));
}

Result<bool> FaultInjectionFileSystem::Exists(const std::string& path) {
  OUPS_RETURN_NOT_OK(state_->CheckReadable("stat", path));
  return base_->Exists(path);
}

Result<FileInfo> FaultInjectionFileSystem::Stat(const std::string& path) {
  OUPS_RETURN_NOT_OK(state_->CheckReadable("stat", path));
  return base_->Stat(path);
}

Result<std::vector<FileInfo>> FaultInjectionFileSystem::ListDir(const std::string& path) {
  OUPS_RETURN_NOT_OK(state_->CheckReadable("list directory", path));
  return base_->ListDir(path);
}

Status FaultInjectionFileSystem::CreateDirs(const std::string& path) {
  auto d = state_->Count(kCreateDirs, path);
  if (d.fail) return State::FaultStatus(d.kind, "create directory", path);
  return base_->CreateDirs(path);
}

Status FaultInjectionFileSystem::DeleteFile(const std::string& path) {
  auto d = state_->Count(kDeleteFile, path);
  if (d.fail) return State::FaultStatus(d.kind, "delete file", path);
  return base_->DeleteFile(path);
}

Status FaultInjectionFileSystem::DeleteDir(const std::string& path) {
  auto d = state_->Count(kDeleteDir, path);
  if (d.fail) return State::FaultStatus(d.kind, "delete directory", path);
  return base_->DeleteDir(path);
}

Status FaultInjectionFileSystem::Rename(const std::string& from, const std::string& to) {
  std::string what = from + " to " + to;
  auto d = state_->Count(kRename, from + " -> " + to);
  if (d.fail) return State::FaultStatus(d.kind, "rename", what);
  return base_->Rename(from, to);
}

Status FaultInjectionFileSystem::SyncDir(const std::string& path) {
  auto d = state_->Count(kSyncDir, path);
  if (d.fail) return State::FaultStatus(d.kind, "sync directory", path);
  return base_->SyncDir(path);
}

Status FaultInjectionFileSystem::SyncFileSystem(const std::string& path) {
  auto d = state_->Count(kSyncFileSystem, path);
  if (d.fail) return State::FaultStatus(d.kind, "sync the file system of", path);
  return base_->SyncFileSystem(path);
}

Result<std::unique_ptr<FileLock>> FaultInjectionFileSystem::Lock(
    const std::string& path, std::chrono::milliseconds timeout) {
  auto d = state_->Count(kLock, path);
  if (d.fail) return State::FaultStatus(d.kind, "lock", path);
  return base_->Lock(path, timeout);
}

}  // namespace oups
