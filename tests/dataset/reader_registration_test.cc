// Readers never wait for a writer (GitHub issue 11, point 2): a real second
// process holding the exclusive lock on <name>.readers (as a writer does for
// an instant during its check for readers) and stopped with SIGSTOP does not
// block reads, and a reader that registered meanwhile still keeps the files
// of its snapshot from the next writers.
//
// fork() is called only while the test process has no other thread; the child
// never returns into gtest.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "dataset/file_naming.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"

namespace oups {
namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "oups_readers_XXXXXX").string();
    char* p = mkdtemp(tmpl.data());
    if (p != nullptr) path = p;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

Table Rows(int64_t begin, int64_t end) {
  std::vector<int64_t> a;
  std::vector<std::string> b;
  for (int64_t i = begin; i < end; ++i) {
    a.push_back(i);
    b.push_back("v" + std::to_string(i));
  }
  return MakeTable({{"a", ColumnFromVector(DataType::Int64(), a).ValueOrDie()},
                    {"b", ColumnFromVector(DataType::String(), b).ValueOrDie()}})
      .ValueOrDie();
}

std::vector<int64_t> Values(const Table& t) {
  Column c = t.GetColumn("a").ValueOrDie();
  return std::vector<int64_t>(c.data<int64_t>(), c.data<int64_t>() + c.length());
}

std::vector<int64_t> Iota(int64_t begin, int64_t end) {
  std::vector<int64_t> v;
  for (int64_t i = begin; i < end; ++i) v.push_back(i);
  return v;
}

// A child process that takes the writer lock and the exclusive lock on the
// first registration file, as a writer in its check for readers, then stops
// itself with SIGSTOP. Killed (SIGKILL) by the destructor.
struct StoppedLockHolder {
  pid_t pid = -1;
  explicit StoppedLockHolder(const dataset::DatasetPaths& paths) {
    pid = fork();
    if (pid == 0) {
      auto fs = LocalFileSystem();
      auto writer = fs->Lock(paths.lock, std::chrono::milliseconds(0));
      auto readers = fs->Lock(paths.readers, std::chrono::milliseconds(0));
      if (!writer.ok() || !readers.ok()) _exit(3);
      raise(SIGSTOP);
      _exit(0);
    }
  }
  // Waits until the child has stopped while holding the locks.
  bool WaitStopped() {
    int status = 0;
    if (waitpid(pid, &status, WUNTRACED) != pid) return false;
    return WIFSTOPPED(status);
  }
  ~StoppedLockHolder() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      int status = 0;
      waitpid(pid, &status, 0);
    }
  }
};

TEST(ReaderRegistration, StoppedWriterHoldingTheReadersLockDoesNotBlockReaders) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  const std::string path = dir.path + "/ds";
  auto paths = dataset::DatasetPaths::Make(path);
  ASSERT_TRUE(paths.has_value());
  auto fs = LocalFileSystem();
  {
    auto ds = OrderedDataset::Open(fs, path).ValueOrDie();
    ASSERT_TRUE(ds.Write(Rows(0, 40), {.ordered_on = "a", .row_group_target_size = int64_t{4}})
                    .ok());
  }
  StoppedLockHolder holder(*paths);  // no thread yet in this process
  ASSERT_TRUE(holder.WaitStopped());
  // Proof that the child holds the lock: a non-blocking exclusive attempt fails.
  ASSERT_FALSE(fs->Lock(paths->readers, std::chrono::milliseconds(0)).ok());

  // Reads in another thread, so that a blocked read is seen as a timeout.
  auto read = std::async(std::launch::async, [&]() -> Result<Table> {
    auto ds = OrderedDataset::Open(fs, path);
    if (!ds.ok()) return ds.status();
    return ds->Read();
  });
  const bool done = read.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  if (!done) {
    // Unblock the read before failing (the stopped child is killed).
    kill(holder.pid, SIGKILL);
    read.wait();
  }
  ASSERT_TRUE(done) << "the read did not complete within 10 s while a stopped process held "
                       "the exclusive lock on " << paths->readers;
  auto t = read.get();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Values(*t), Iota(0, 40));
}

TEST(ReaderRegistration, SnapshotTakenWhileAWriterIsStoppedKeepsItsFiles) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  const std::string path = dir.path + "/ds";
  auto paths = dataset::DatasetPaths::Make(path);
  ASSERT_TRUE(paths.has_value());
  auto fs = LocalFileSystem();
  {
    auto ds = OrderedDataset::Open(fs, path).ValueOrDie();
    ASSERT_TRUE(ds.Write(Rows(0, 40), {.ordered_on = "a", .row_group_target_size = int64_t{4}})
                    .ok());
  }
  auto holder = std::make_unique<StoppedLockHolder>(*paths);
  ASSERT_TRUE(holder->WaitStopped());
  auto snap = std::async(std::launch::async, [&]() -> Result<DatasetSnapshot> {
    auto ds = OrderedDataset::Open(fs, path);
    if (!ds.ok()) return ds.status();
    return ds->Snapshot();
  });
  const bool done = snap.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  if (!done) {
    kill(holder->pid, SIGKILL);
    snap.wait();
  }
  ASSERT_TRUE(done) << "taking a snapshot blocked behind a stopped process";
  auto s = snap.get();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  std::optional<DatasetSnapshot> held(std::move(*s));
  // The stopped "writer" dies; a real writer then coalesces the row groups
  // into new files. The snapshot is registered, so the old files stay.
  holder.reset();
  auto ds = OrderedDataset::Open(fs, path).ValueOrDie();
  const WriteOptions compact{.ordered_on = "a", .row_group_target_size = int64_t{100},
                             .max_n_off_target_rgs = 1};
  ASSERT_TRUE(ds.Write(Rows(40, 41), compact).ok());
  ASSERT_LT(ds.num_row_groups().ValueOrDie(), 10);
  ASSERT_GT(ds.max_file_id().ValueOrDie(), 9);
  EXPECT_TRUE(fs->Exists(paths->RowGroupFile(0)).ValueOrDie());
  auto old_rows = held->Read();
  ASSERT_TRUE(old_rows.ok()) << old_rows.status().ToString();
  EXPECT_EQ(Values(*old_rows), Iota(0, 40));
  EXPECT_EQ(Values(ds.Read().ValueOrDie()), Iota(0, 41));
  // Once the snapshot is gone, the next write deletes the obsolete files.
  held.reset();
  ASSERT_TRUE(ds.Write(Rows(41, 42), compact).ok());
  EXPECT_FALSE(fs->Exists(paths->RowGroupFile(0)).ValueOrDie());
  EXPECT_EQ(Values(ds.Read().ValueOrDie()), Iota(0, 42));
}

}  // namespace
}  // namespace oups
