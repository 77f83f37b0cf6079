#include "testing/tracking_file_system.h"

namespace oups {

struct TrackingFileSystem::Recorder {
  mutable std::mutex mu;
  std::vector<ReadRecord> reads;
  std::vector<std::string> opened;

  void Read(const std::string& path, int64_t offset, int64_t length) {
    std::lock_guard<std::mutex> g(mu);
    reads.push_back(ReadRecord{path, offset, length});
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
    Status st = base_->ReadAt(offset, n, out);
    if (st.ok()) recorder_->Read(path_, offset, n);
    return st;
  }
  Result<std::shared_ptr<Buffer>> ReadAt(int64_t offset, int64_t n) override {
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
}

}  // namespace oups
