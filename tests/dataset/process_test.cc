// Real processes on the local file system (docs/behaviour.md#writer-lock,
// docs/behaviour.md#snapshots, docs/behaviour.md#crash-safety): a writer
// killed with SIGKILL at random moments, several processes writing the same
// dataset through the writer lock, and readers reading while a writer commits.
//
// fork() is called only while the test process has no other thread; children
// never return into gtest (they _exit with a status code the parent checks).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "dataset/file_naming.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/table/builder.h"

namespace oups {
namespace {

constexpr int64_t kBatch = 5;  // rows per batch

// Batch i: a = i*kBatch .. i*kBatch+kBatch-1, b = "v<a>".
Table Batch(int64_t i) {
  std::vector<int64_t> a;
  std::vector<std::string> b;
  for (int64_t j = 0; j < kBatch; ++j) {
    a.push_back(i * kBatch + j);
    b.push_back("v" + std::to_string(i * kBatch + j));
  }
  return MakeTable({{"a", ColumnFromVector(DataType::Int64(), a).ValueOrDie()},
                    {"b", ColumnFromVector(DataType::String(), b).ValueOrDie()}})
      .ValueOrDie();
}

const WriteOptions kWrite{.ordered_on = "a", .row_group_target_size = 12, .max_n_off_target_rgs = 2,
                          .lock_timeout = 120.0};

// Empty string when `t` is exactly the rows of batches 0..n-1 (n = rows / kBatch).
std::string CheckPrefix(const Table& t) {
  if (t.num_rows() == 0) return {};
  if (t.num_rows() % kBatch != 0) return "rows not a multiple of the batch: " + std::to_string(t.num_rows());
  auto a = t.GetColumn("a");
  auto b = t.GetColumn("b");
  if (!a.ok() || !b.ok()) return "missing column";
  for (int64_t i = 0; i < t.num_rows(); ++i) {
    if (a->data<int64_t>()[i] != i) return "row " + std::to_string(i) + ": a = " + std::to_string(a->data<int64_t>()[i]);
    if (b->GetView(i) != "v" + std::to_string(i)) return "row " + std::to_string(i) + ": b differs";
  }
  return {};
}

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "oups_process_XXXXXX").string();
    char* p = mkdtemp(tmpl.data());
    if (p == nullptr) std::abort();
    path = p;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// Waits for `pid` to exit (bounded); returns its wait status, -1 on timeout
// (the child is then killed).
int WaitBounded(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (true) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // polling, not synchronisation
  }
}

bool ExitedOk(int status) { return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0; }

// Unreferenced rg files in the dataset directory.
std::vector<std::string> Leftovers(const OrderedDataset& ds) {
  Table stats = ds.RowGroupStats().ValueOrDie();
  std::set<std::string> referenced;
  if (stats.num_rows() > 0) {
    Column ids = stats.GetColumn("file_ids").ValueOrDie();
    for (int64_t i = 0; i < ids.length(); ++i) referenced.insert(dataset::RowGroupFileName(ids.data<uint64_t>()[i]));
  }
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(ds.path(), ec)) {
    std::string name = e.path().filename().string();
    if (!referenced.count(name)) out.push_back(name);
  }
  return out;
}

// (a) A writer killed with SIGKILL at random moments: the dataset is always
// an exact prefix of the batch sequence, committed batches are never lost,
// and the next write works and sweeps the leftovers.
TEST(DatasetProcessTest, SigkillDuringWrites) {
  TempDir dir;
  const std::string path = dir.path + "/ds";
  std::mt19937 rng(20240611);
  int64_t committed = 0;  // batches known committed
  int kills_mid_run = 0;
  for (int round = 0; round < 30; ++round) {
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(ready[0]);
      auto ds = OrderedDataset::Open(LocalFileSystem(), path);
      if (!ds.ok()) _exit(2);
      auto t = ds->Read();
      if (!t.ok() || !CheckPrefix(*t).empty()) _exit(3);
      int64_t next = t->num_rows() / kBatch;
      for (int64_t n = 0; n < 200; ++n, ++next) {
        if (!ds->Write(Batch(next), kWrite).ok()) _exit(4);
        if (n == 0) {
          char c = 1;
          if (write(ready[1], &c, 1) != 1) _exit(5);
        }
      }
      _exit(0);
    }
    close(ready[1]);
    char c = 0;
    ASSERT_EQ(read(ready[0], &c, 1), 1) << "round " << round << ": the child failed before its first commit";
    close(ready[0]);
    // A random moment during the following writes (the timing only varies
    // where the kill lands; the checks hold wherever it lands).
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 30000)(rng)));
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) {
      ++kills_mid_run;
    } else {
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "round " << round << " child status " << status;
    }
    auto ds = OrderedDataset::Open(LocalFileSystem(), path).ValueOrDie();
    Table t = ds.Read().ValueOrDie();
    ASSERT_EQ(CheckPrefix(t), "") << "round " << round;
    const int64_t n = t.num_rows() / kBatch;
    ASSERT_GE(n, committed + 1) << "round " << round << ": a committed batch was lost";
    // The next write works, and the leftovers of the killed write are gone.
    ASSERT_TRUE(ds.Write(Batch(n), kWrite).ok()) << "round " << round;
    committed = n + 1;
    Table after = ds.Read().ValueOrDie();
    ASSERT_EQ(after.num_rows(), committed * kBatch);
    ASSERT_EQ(CheckPrefix(after), "");
    ASSERT_TRUE(Leftovers(ds).empty()) << "round " << round << ": " << Leftovers(ds).front();
    for (const auto& e : std::filesystem::directory_iterator(dir.path)) {
      ASSERT_FALSE(dataset::IsTempMetadataFileName(e.path().filename().string(), "ds"))
          << "temp metadata left: " << e.path();
    }
  }
  EXPECT_GT(kills_mid_run, 0);
  std::printf("[          ] %d of 30 kills landed mid-run; %lld batches committed\n", kills_mid_run,
              static_cast<long long>(committed));
}

// (b) Several processes writing the same dataset concurrently through the
// writer lock: every row is present exactly once, in order. Process p writes
// batches p, p + P, p + 2P, ...: their interleaving makes some writes appends
// and others inserts in the middle.
TEST(DatasetProcessTest, ConcurrentWritersInSeveralProcesses) {
  TempDir dir;
  const std::string path = dir.path + "/ds";
  constexpr int kProcs = 4;
  constexpr int64_t kPerProc = 25;
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(go[1]);
      char c;
      if (read(go[0], &c, 1) != 0) _exit(2);  // start together: EOF when the parent closes
      auto ds = OrderedDataset::Open(LocalFileSystem(), path);
      if (!ds.ok()) _exit(3);
      // Reverse order for odd processes: more inserts in the middle.
      for (int64_t j = 0; j < kPerProc; ++j) {
        int64_t k = (p % 2 == 0) ? j : kPerProc - 1 - j;
        if (!ds->Write(Batch(k * kProcs + p), kWrite).ok()) _exit(4);
      }
      _exit(0);
    }
    pids.push_back(pid);
  }
  close(go[0]);
  close(go[1]);
  for (pid_t pid : pids) EXPECT_TRUE(ExitedOk(WaitBounded(pid, std::chrono::seconds(120))));
  auto ds = OrderedDataset::Open(LocalFileSystem(), path).ValueOrDie();
  Table t = ds.Read().ValueOrDie();
  EXPECT_EQ(t.num_rows(), kProcs * kPerProc * kBatch);
  EXPECT_EQ(CheckPrefix(t), "");  // every row once, sorted, rows intact
  EXPECT_TRUE(Leftovers(ds).empty());
}

// (c) Readers (threads of this process and a child process) reading in a loop
// while a writer process commits many times: every read succeeds and returns
// one committed state (an exact prefix of the batches), never going back.
TEST(DatasetProcessTest, ReadersSeeCommittedStatesOnly) {
  TempDir dir;
  const std::string path = dir.path + "/ds";
  constexpr int64_t kBatches = 150;
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  // The writer.
  pid_t writer = fork();
  ASSERT_GE(writer, 0);
  if (writer == 0) {
    close(go[1]);
    char c;
    if (read(go[0], &c, 1) != 0) _exit(2);
    auto ds = OrderedDataset::Open(LocalFileSystem(), path);
    if (!ds.ok()) _exit(3);
    for (int64_t i = 0; i < kBatches; ++i) {
      if (!ds->Write(Batch(i), kWrite).ok()) _exit(4);
    }
    _exit(0);
  }
  // A reader process: reads until it sees the last state.
  pid_t reader = fork();
  ASSERT_GE(reader, 0);
  if (reader == 0) {
    close(go[1]);
    char c;
    if (read(go[0], &c, 1) != 0) _exit(2);
    auto ds = OrderedDataset::Open(LocalFileSystem(), path);
    if (!ds.ok()) _exit(3);
    int64_t last = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(100);
    while (last < kBatches * kBatch) {
      if (std::chrono::steady_clock::now() > deadline) _exit(5);
      auto t = ds->Read();
      if (!t.ok()) _exit(6);
      if (!CheckPrefix(*t).empty()) _exit(7);
      if (t->num_rows() < last) _exit(8);
      last = t->num_rows();
    }
    _exit(0);
  }
  // Reader threads (created after the forks).
  std::atomic<bool> done{false};
  std::atomic<int64_t> reads{0};
  std::vector<std::string> errors(3);
  std::vector<std::thread> threads;
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&, r] {
      auto ds = OrderedDataset::Open(LocalFileSystem(), path);
      if (!ds.ok()) {
        errors[r] = ds.status().ToString();
        return;
      }
      int64_t last = 0;
      while (errors[r].empty()) {
        const bool final_round = done.load();
        auto t = ds->Read(r == 2 ? ReadOptions{.num_threads = 2} : ReadOptions{});
        reads.fetch_add(1);
        if (!t.ok()) {
          errors[r] = t.status().ToString();
        } else if (std::string e = CheckPrefix(*t); !e.empty()) {
          errors[r] = e;
        } else if (t->num_rows() < last) {
          errors[r] = "went back from " + std::to_string(last) + " to " + std::to_string(t->num_rows());
        } else {
          last = t->num_rows();
        }
        if (final_round) break;
      }
    });
  }
  close(go[0]);
  close(go[1]);
  const int ws = WaitBounded(writer, std::chrono::seconds(120));
  done.store(true);
  for (auto& th : threads) th.join();
  const int rs = WaitBounded(reader, std::chrono::seconds(120));
  EXPECT_TRUE(ExitedOk(ws)) << "writer status " << ws;
  EXPECT_TRUE(ExitedOk(rs)) << "reader process status " << rs;
  for (int r = 0; r < 3; ++r) EXPECT_EQ(errors[r], "") << "reader thread " << r;
  auto ds = OrderedDataset::Open(LocalFileSystem(), path).ValueOrDie();
  Table t = ds.Read().ValueOrDie();
  EXPECT_EQ(t.num_rows(), kBatches * kBatch);
  EXPECT_EQ(CheckPrefix(t), "");
  std::printf("[          ] %lld reads by threads during %lld commits\n", static_cast<long long>(reads.load()),
              static_cast<long long>(kBatches));
}

}  // namespace
}  // namespace oups
