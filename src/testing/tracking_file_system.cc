#include "testing/tracking_file_system.h"

namespace oups {

struct TrackingFileSystem::Recorder {
  mutable std::mutex mu;
  std::vector<ReadRecord> reads;
  std::vector<std::string> opened;
  std::map<std::string, int64_t> calls;

  void Read(const std::string& path, int64_t offset, int64_t length) {
    std::lock_guard<std::mutex> g(mu);
    reads.push_back(ReadRecord{path, offset, length});
  }
  void Call(const char* name) {
    std::lock_guard<std::mutex> g(mu);
    ++calls[name];
  }
};

namespace {

using Recorder = TrackingFileSystem::Recorder;

class TrackingRandomAccessFile final : public RandomAccessFileWrapper {
 public:
  TrackingRandomAccessFile(std::unique_ptr<RandomAccessFile> base,
                           std::shared_ptr<Recorder> recorder)
      : RandomAccessFileWrapper(std::move(base)), recorder_(std::move(recorder)) {}

  Status ReadAt(int64_t offset, int64_t n, uint8_t* out) override {
    recorder_->Call("ReadAt");
    Status st = base_->ReadAt(offset, n, out);
    if (st.ok()) recorder_->Read(path_, offset, n);
    return st;
  }
  Result<std::shared_ptr<Buffer>> ReadAt(int64_t offset, int64_t n) override {
    recorder_->Call("ReadAt");
    auto r = base_->ReadAt(offset, n);
    if (r.ok()) recorder_->Read(path_, offset, n);
    return r;
  }

 private:
  std::shared_ptr<Recorder> recorder_;
};

}  // namespace

TrackingFileSystem::TrackingFileSystem(std::shared_ptr<FileSystem> base)
    : FileSystemWrapper(std::move(base)), recorder_(std::make_shared<Recorder>()) {}

TrackingFileSystem::~TrackingFileSystem() = default;

Result<std::unique_ptr<RandomAccessFile>> TrackingFileSystem::OpenForRead(
    const std::string& path) {
  recorder_->Call("OpenForRead");
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, base_->OpenForRead(path));
  {
    std::lock_guard<std::mutex> g(recorder_->mu);
    recorder_->opened.push_back(path);
  }
  return std::unique_ptr<RandomAccessFile>(
      new TrackingRandomAccessFile(std::move(file), recorder_));
}

std::vector<TrackingFileSystem::ReadRecord> TrackingFileSystem::reads() const {
  std::lock_guard<std::mutex> g(recorder_->mu);
  return recorder_->reads;
}

std::vector<TrackingFileSystem::ReadRecord> TrackingFileSystem::reads(
    const std::string& path) const {
  std::lock_guard<std::mutex> g(recorder_->mu);
  std::vector<ReadRecord> out;
  for (const auto& r : recorder_->reads) {
    if (r.path == path) out.push_back(r);
  }
  return out;
}

int64_t TrackingFileSystem::bytes_read() const {
  std::lock_guard<std::mutex> g(recorder_->mu);
  int64_t total = 0;
  for (const auto& r : recorder_->reads) total += r.length;
  return total;
}

int64_t TrackingFileSystem::bytes_read(const std::string& path) const {
  std::lock_guard<std::mutex> g(recorder_->mu);
  int64_t total = 0;
  for (const auto& r : recorder_->reads) {
    if (r.path == path) total += r.length;
  }
  return total;
}

int64_t TrackingFileSystem::read_count() const {
  std::lock_guard<std::mutex> g(recorder_->mu);
  return static_cast<int64_t>(recorder_->reads.size());
}

std::vector<std::string> TrackingFileSystem::opened_files() const {
  std::lock_guard<std::mutex> g(recorder_->mu);
  return recorder_->opened;
}

int64_t TrackingFileSystem::open_count(const std::string& path) const {
  std::lock_guard<std::mutex> g(recorder_->mu);
  int64_t n = 0;
  for (const auto& p : recorder_->opened) n += (p == path);
  return n;
}

void TrackingFileSystem::Clear() {
  std::lock_guard<std::mutex> g(recorder_->mu);
  recorder_->reads.clear();
  recorder_->opened.clear();
  recorder_->calls.clear();
}

std::map<std::string, int64_t> TrackingFileSystem::calls() const {
  std::lock_guard<std::mutex> g(recorder_->mu);
  return recorder_->calls;
}

int64_t TrackingFileSystem::call_count() const {
  std::lock_guard<std::mutex> g(recorder_->mu);
  int64_t n = 0;
  for (const auto& [name, count] : recorder_->calls) n += count;
  return n;
}

Result<std::unique_ptr<WritableFile>> TrackingFileSystem::OpenForWrite(const std::string& path) {
  recorder_->Call("OpenForWrite");
  return base_->OpenForWrite(path);
}
Result<std::unique_ptr<WritableFile>> TrackingFileSystem::CreateNewFile(const std::string& path) {
  recorder_->Call("CreateNewFile");
  return base_->CreateNewFile(path);
}
Result<bool> TrackingFileSystem::Exists(const std::string& path) {
  recorder_->Call("Exists");
  return base_->Exists(path);
}
Result<FileInfo> TrackingFileSystem::Stat(const std::string& path) {
  recorder_->Call("Stat");
  return base_->Stat(path);
}
Result<std::vector<FileInfo>> TrackingFileSystem::ListDir(const std::string& path) {
  recorder_->Call("ListDir");
  return base_->ListDir(path);
}
Result<std::vector<FileInfo>> TrackingFileSystem::ListDirNames(const std::string& path) {
  recorder_->Call("ListDirNames");
  return base_->ListDirNames(path);
}
Status TrackingFileSystem::CreateDirs(const std::string& path) {
  recorder_->Call("CreateDirs");
  return base_->CreateDirs(path);
}
Status TrackingFileSystem::DeleteFile(const std::string& path) {
  recorder_->Call("DeleteFile");
  return base_->DeleteFile(path);
}
Status TrackingFileSystem::DeleteDir(const std::string& path) {
  recorder_->Call("DeleteDir");
  return base_->DeleteDir(path);
}
Status TrackingFileSystem::Rename(const std::string& from, const std::string& to) {
  recorder_->Call("Rename");
  return base_->Rename(from, to);
}
Status TrackingFileSystem::SyncFileSystem(const std::string& path) {
  recorder_->Call("SyncFileSystem");
  return base_->SyncFileSystem(path);
}

Status TrackingFileSystem::SyncDir(const std::string& path) {
  recorder_->Call("SyncDir");
  return base_->SyncDir(path);
}
Result<std::unique_ptr<FileLock>> TrackingFileSystem::Lock(const std::string& path,
                                                           std::chrono::milliseconds timeout) {
  recorder_->Call("Lock");
  return base_->Lock(path, timeout);
}
Result<std::unique_ptr<FileLock>> TrackingFileSystem::LockShared(
    const std::string& path, std::chrono::milliseconds timeout) {
  recorder_->Call("LockShared");
  return base_->LockShared(path, timeout);
}

}  // namespace oups
