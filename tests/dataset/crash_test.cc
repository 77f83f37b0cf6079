// Crash safety of every kind of dataset operation
// (docs/behaviour.md#crash-safety, docs/behaviour.md#removal, docs/format.md
// commit protocol): for each operation, a fault (crash, I/O error, ENOSPC with
// a torn write) is injected at every single mutating file-system call.
// Afterwards the dataset is exactly in its state before or after the operation
// (full table contents, key-value metadata, row-group stats), never a mix; an
// operation that returned OK is durable; the next write succeeds and sweeps
// leftovers.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dataset/file_naming.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"
#include "testing/fault_injection_file_system.h"

namespace oups {
namespace {

constexpr const char* kDir = "/data/ds";
constexpr const char* kParent = "/data";
constexpr const char* kName = "ds";
using Kind = FaultInjectionFileSystem::FaultKind;

Table AB(const std::vector<int64_t>& a) {
  std::vector<std::string> b;
  for (int64_t v : a) b.push_back("s" + std::to_string(v));
  return MakeTable({{"a", ColumnFromVector(DataType::Int64(), a).ValueOrDie()},
                    {"b", ColumnFromVector(DataType::String(), b).ValueOrDie()}})
      .ValueOrDie();
}

constexpr int64_t kHour = 3600LL * 1'000'000'000LL;
constexpr int64_t kT0 = 1'700'000'000LL * 1'000'000'000LL;
Table TsTable(const std::vector<int>& hours, double offset) {
  std::vector<int64_t> ts;
  std::vector<double> v;
  for (int h : hours) {
    ts.push_back(kT0 + h * kHour);
    v.push_back(offset + h);
  }
  return MakeTable({{"ts", ColumnFromVector(DataType::Timestamp(TimeUnit::kNano), ts).ValueOrDie()},
                    {"v", ColumnFromVector(DataType::Float64(), v).ValueOrDie()}})
      .ValueOrDie();
}

// Everything a reader can observe of a dataset.
struct Observed {
  bool exists = false;
  Table data;
  Table stats;
  std::map<std::string, std::string> kv;
  bool operator==(const Observed& o) const {
    return exists == o.exists && data.Equals(o.data) && stats.Equals(o.stats) && kv == o.kv;
  }
};

::testing::AssertionResult Observe(const std::shared_ptr<FileSystem>& fs, Observed* out) {
  auto ds = OrderedDataset::Open(fs, kDir);
  if (!ds.ok()) return ::testing::AssertionFailure() << "Open: " << ds.status().ToString();
  auto fresh = ds->is_newly_initialized();
  auto data = ds->Read();
  auto stats = ds->RowGroupStats();
  auto kv = ds->key_value_metadata();
  if (!fresh.ok() || !data.ok() || !stats.ok() || !kv.ok()) {
    return ::testing::AssertionFailure()
           << "reading failed: " << (!data.ok() ? data.status().ToString() : std::string())
           << (!stats.ok() ? stats.status().ToString() : std::string());
  }
  out->exists = !*fresh;
  out->data = std::move(*data);
  out->stats = std::move(*stats);
  out->kv = std::move(*kv);
  return ::testing::AssertionSuccess();
}

// Rg files in the dataset directory are exactly those referenced; no temp
// metadata file is left in the parent.
::testing::AssertionResult NoLeftovers(const std::shared_ptr<MemoryFileSystem>& mem) {
  FileSystem& fs = *mem;
  auto ds = OrderedDataset::Open(mem, kDir);
  if (!ds.ok()) return ::testing::AssertionFailure() << ds.status().ToString();
  Table stats = ds->RowGroupStats().ValueOrDie();
  std::set<std::string> referenced;
  if (stats.num_rows() > 0) {
    Column ids = stats.GetColumn("file_ids").ValueOrDie();
    for (int64_t i = 0; i < ids.length(); ++i) {
      referenced.insert(dataset::RowGroupFileName(ids.data<uint64_t>()[i]));
    }
  }
  std::set<std::string> present;
  if (auto entries = fs.ListDir(kDir); entries.ok()) {
    for (const auto& e : *entries) {
      if (e.name != "_history") present.insert(e.name);  // kept versions
    }
  }
  if (present != referenced) {
    std::ostringstream os;
    for (const auto& p : present) os << p << " ";
    os << "| referenced: ";
    for (const auto& p : referenced) os << p << " ";
    return ::testing::AssertionFailure() << "files in dataset dir: " << os.str();
  }
  if (auto entries = fs.ListDir(kParent); entries.ok()) {
    for (const auto& e : *entries) {
      if (dataset::IsTempMetadataFileName(e.name, kName)) {
        return ::testing::AssertionFailure() << "temp metadata left: " << e.name;
      }
    }
  }
  return ::testing::AssertionSuccess();
}

struct Scenario {
  std::string name;
  std::function<void(const std::shared_ptr<FileSystem>&)> setup;      // before state
  std::function<Status(OrderedDataset&)> op;                          // the operation
  std::function<Status(OrderedDataset&)> next;                        // a later write
};

std::string DescribeOps(const FaultInjectionFileSystem& fault, uint64_t k) {
  std::ostringstream os;
  for (const auto& r : fault.operations()) {
    if (r.number + 3 >= k && r.number <= k + 1) {
      os << "\n  op " << r.number << ": " << FaultInjectionFileSystem::OpName(r.op) << " " << r.path
         << (r.failed ? " [failed]" : "");
    }
  }
  return os.str();
}

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kCrash: return "crash";
    case Kind::kError: return "error";
    case Kind::kNoSpace: return "nospace";
  }
  return "?";
}

void Sweep(const Scenario& sc) {
  SCOPED_TRACE(sc.name);
  // The states before and after, and the number of operations of `op`.
  Observed before, after;
  uint64_t n_ops = 0;
  bool ops_after_commit = false;
  {
    auto mem = NewMemoryFileSystem();
    sc.setup(mem);
    ASSERT_TRUE(Observe(mem, &before));
    auto fault = std::make_shared<FaultInjectionFileSystem>(mem, 1);
    auto ds = OrderedDataset::Open(fault, kDir).ValueOrDie();
    ASSERT_TRUE(sc.op(ds).ok());
    n_ops = fault->operation_count();
    // Operations after the commit's final fsync (deleting obsolete files).
    ops_after_commit = fault->operations().back().op != FaultInjectionFileSystem::kSyncDir;
    mem->SimulateCrash();  // OK means durable
    ASSERT_TRUE(Observe(mem, &after));
  }
  ASSERT_GT(n_ops, 0u);
  ASSERT_FALSE(before == after) << "the operation changes nothing observable";
  for (Kind kind : {Kind::kCrash, Kind::kError, Kind::kNoSpace}) {
    int saw_before = 0, saw_after = 0;
    for (uint64_t k = 1; k <= n_ops; ++k) {
      auto mem = NewMemoryFileSystem();
      sc.setup(mem);
      auto fault = std::make_shared<FaultInjectionFileSystem>(mem, 1000 + k);
      fault->FailAt(k, kind);
      Status st;
      {
        auto ds = OrderedDataset::Open(fault, kDir).ValueOrDie();
        st = sc.op(ds);
      }
      const std::string where = std::string(KindName(kind)) + " at op " + std::to_string(k) + " of " +
                                std::to_string(n_ops) + " (" + st.ToString() + ")" +
                                DescribeOps(*fault, k);
      if (kind != Kind::kCrash) {
        // The process lives on: the state it sees right away.
        Observed now;
        ASSERT_TRUE(Observe(mem, &now)) << where;
        if (st.ok()) {
          ASSERT_TRUE(now == after) << "returned OK but not the state after; " << where;
        } else if (now == after) {
          // Only a failure to make the commit durable (fsync of the parent
          // directory after the rename or unlink) can report an error once
          // the new state is visible.
          const auto ops = fault->operations();
          ASSERT_EQ(ops[k - 1].op, FaultInjectionFileSystem::kSyncDir)
              << "error reported after a visible commit; " << where;
        } else {
          ASSERT_TRUE(now == before) << "neither before nor after; " << where;
        }
      }
      mem->SimulateCrash();
      fault->Reset();
      Observed got;
      ASSERT_TRUE(Observe(mem, &got)) << where;
      if (got == before) {
        ASSERT_FALSE(st.ok()) << "returned OK but not durable; " << where;
        ++saw_before;
      } else {
        ASSERT_TRUE(got == after) << "neither before nor after; " << where;
        ++saw_after;
      }
      // The next write succeeds, keeps the state, and sweeps every leftover.
      auto ds = OrderedDataset::Open(mem, kDir).ValueOrDie();
      ASSERT_TRUE(sc.next(ds).ok()) << where;
      Observed next;
      ASSERT_TRUE(Observe(mem, &next)) << where;
      ASSERT_GE(next.data.num_rows(), got.data.num_rows()) << where;
      ASSERT_TRUE(next.data.Slice(0, got.data.num_rows()).Equals(got.data) || got.data.num_rows() == 0)
          << "the next write lost rows; " << where;
      for (const auto& [key, value] : got.kv) {
        ASSERT_EQ(next.kv.count(key), 1u) << where;
      }
      ASSERT_TRUE(NoLeftovers(mem)) << where;
    }
    std::printf("[          ] %s, %s at each of %llu ops: %d before, %d after\n", sc.name.c_str(),
                KindName(kind), static_cast<unsigned long long>(n_ops), saw_before, saw_after);
    // Every sweep crosses the commit point (a crash at the commit's final
    // fsync leaves the state before).
    EXPECT_GT(saw_before, 0) << KindName(kind);
    if (kind == Kind::kCrash && ops_after_commit) {
      EXPECT_GT(saw_after, 0) << KindName(kind);
    }
  }
}

void Write(const std::shared_ptr<FileSystem>& fs, const Table& t, const WriteOptions& o) {
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  ASSERT_TRUE(ds.Write(t, o).ok());
}

const WriteOptions kTarget2{.ordered_on = "a", .row_group_target_size = 2};

Status NextAB(OrderedDataset& ds) { return ds.Write(AB({1000}), kTarget2); }

TEST(DatasetCrashTest, FirstWriteCreatingTheDataset) {
  Sweep({"create",
         [](const std::shared_ptr<FileSystem>&) {},
         [](OrderedDataset& ds) {
           WriteOptions o = kTarget2;
           o.key_value_metadata = {{"k", "v"}};
           return ds.Write(AB({1, 2, 3}), o);
         },
         NextAB});
}

TEST(DatasetCrashTest, PlainAppend) {
  Sweep({"append",
         [](const std::shared_ptr<FileSystem>& fs) { Write(fs, AB({1, 2, 3, 4, 5}), kTarget2); },
         [](OrderedDataset& ds) { return ds.Write(AB({6, 7, 8}), kTarget2); },
         NextAB});
}

TEST(DatasetCrashTest, InsertInTheMiddle) {
  Sweep({"insert",
         [](const std::shared_ptr<FileSystem>& fs) { Write(fs, AB({10, 20, 30, 40, 50, 60}), kTarget2); },
         [](OrderedDataset& ds) { return ds.Write(AB({25, 35}), kTarget2); },
         NextAB});
}

TEST(DatasetCrashTest, MergeWithDuplicates) {
  Sweep({"duplicates",
         [](const std::shared_ptr<FileSystem>& fs) {
           Write(fs, AB({1, 2, 3, 4, 5, 6}), {.ordered_on = "a", .row_group_target_size = 2,
                                              .key_value_metadata = {{"old", "1"}}});
         },
         [](OrderedDataset& ds) {
           Table t = MakeTable({{"a", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{3, 4, 7})
                                          .ValueOrDie()},
                                {"b", ColumnFromVector(DataType::String(),
                                                       std::vector<std::string>{"N", "O", "P"})
                                          .ValueOrDie()}})
                         .ValueOrDie();
           return ds.Write(t, {.row_group_target_size = 2, .duplicates_on = Columns{"a"},
                               .key_value_metadata = {{"old", std::nullopt}, {"new", "2"}}});
         },
         NextAB});
}

TEST(DatasetCrashTest, Coalescing) {
  Sweep({"coalesce",
         [](const std::shared_ptr<FileSystem>& fs) {
           // Three off-target rgs of one row each.
           for (int64_t v : {1, 2, 3}) Write(fs, AB({v}), {.ordered_on = "a", .row_group_target_size = 4});
         },
         [](OrderedDataset& ds) {
           return ds.Write(AB({4}), {.row_group_target_size = 4, .max_n_off_target_rgs = 2});
         },
         [](OrderedDataset& ds) { return ds.Write(AB({1000}), {.row_group_target_size = 4}); }});
}

TEST(DatasetCrashTest, CoalescingWithoutNewRows) {
  Sweep({"coalesce-no-rows",
         [](const std::shared_ptr<FileSystem>& fs) {
           for (int64_t v : {1, 2, 3}) Write(fs, AB({v}), {.ordered_on = "a", .row_group_target_size = 4});
         },
         [](OrderedDataset& ds) {
           return ds.Write(WriteOptions{.row_group_target_size = 4, .max_n_off_target_rgs = 1});
         },
         [](OrderedDataset& ds) { return ds.Write(AB({1000}), {.row_group_target_size = 4}); }});
}

TEST(DatasetCrashTest, TimePeriodTarget) {
  const WriteOptions two_hours{.ordered_on = "ts", .row_group_target_size = Period("2h")};
  Sweep({"period",
         [two_hours](const std::shared_ptr<FileSystem>& fs) {
           Write(fs, TsTable({0, 1, 2, 3, 4, 5}, 0.0), two_hours);
         },
         [two_hours](OrderedDataset& ds) {
           WriteOptions o = two_hours;
           o.duplicates_on = Columns{"ts"};
           return ds.Write(TsTable({3, 5, 6, 7, 8}, 100.0), o);
         },
         [two_hours](OrderedDataset& ds) { return ds.Write(TsTable({1000}, 0.0), two_hours); }});
}

TEST(DatasetCrashTest, MetadataOnlyWrite) {
  Sweep({"kv",
         [](const std::shared_ptr<FileSystem>& fs) {
           Write(fs, AB({1, 2, 3}), {.ordered_on = "a", .row_group_target_size = 2,
                                     .key_value_metadata = {{"keep", "1"}, {"drop", "2"}}});
         },
         [](OrderedDataset& ds) {
           return ds.Write(WriteOptions{.key_value_metadata = {{"drop", std::nullopt}, {"add", "3"},
                                                               {"keep", "1b"}}});
         },
         NextAB});
}

TEST(DatasetCrashTest, MetadataOnlyDatasetCreation) {
  Sweep({"kv-create",
         [](const std::shared_ptr<FileSystem>&) {},
         [](OrderedDataset& ds) {
           return ds.Write(WriteOptions{.ordered_on = "a", .key_value_metadata = {{"k", "v"}}});
         },
         NextAB});
}

TEST(DatasetCrashTest, Remove) {
  Sweep({"remove",
         [](const std::shared_ptr<FileSystem>& fs) {
           Write(fs, AB({1, 2, 3, 4, 5}), {.ordered_on = "a", .row_group_target_size = 2,
                                           .key_value_metadata = {{"k", "v"}}});
         },
         [](OrderedDataset& ds) { return ds.Remove(); },
         NextAB});
}

// A write creating more files than are synced one by one (16): the others are
// made durable by one SyncFileSystem before the commit; a fault at any call,
// that one included, leaves the state before or after.
std::vector<int64_t> Range(int64_t from, int64_t to) {
  std::vector<int64_t> v;
  for (int64_t i = from; i < to; ++i) v.push_back(i);
  return v;
}
const WriteOptions kTarget1{.ordered_on = "a", .row_group_target_size = 1};

TEST(DatasetCrashTest, ManyFilesSyncedTogether) {
  Sweep({"many files",
         [](const std::shared_ptr<FileSystem>& fs) { Write(fs, AB(Range(0, 3)), kTarget1); },
         [](OrderedDataset& ds) { return ds.Write(AB(Range(3, 24)), kTarget1); },
         [](OrderedDataset& ds) { return ds.Write(AB({1000}), kTarget1); }});
}

size_t CountOps(const FaultInjectionFileSystem& fault, FaultInjectionFileSystem::Op op) {
  size_t n = 0;
  for (const auto& r : fault.operations()) n += r.op == op ? 1 : 0;
  return n;
}

TEST(DatasetDurabilityTest, ManyFilesCostOneFileSystemSyncNotOneSyncEach) {
  auto mem = NewMemoryFileSystem();
  auto fault = std::make_shared<FaultInjectionFileSystem>(mem, 1);
  {
    auto ds = OrderedDataset::Open(fault, kDir).ValueOrDie();
    ASSERT_TRUE(ds.Write(AB(Range(0, 100)), kTarget1).ok());
  }
  // 16 rg files synced one by one, the metadata file, the leftovers record of
  // a first write; then the file system once after the 16th file (so that
  // later files may skip their own sync) and once before the commit.
  EXPECT_LE(CountOps(*fault, FaultInjectionFileSystem::kSync), 16u + 2u);
  EXPECT_EQ(CountOps(*fault, FaultInjectionFileSystem::kSyncFileSystem), 2u);
  mem->SimulateCrash();  // the write returned OK: all of it is durable
  Observed got;
  ASSERT_TRUE(Observe(mem, &got));
  EXPECT_TRUE(got.data.Equals(AB(Range(0, 100))));
  EXPECT_EQ(got.stats.num_rows(), 100);
}

// A dataset of more rgs than one chunk of the metadata file holds (1,024):
// a write whose rows fall in the last chunk decodes only that chunk and
// copies the first one unchanged into the new metadata file
// (MetadataFile::ReadTail); the commit stays atomic. (One scenario: each
// sweep writes 1,030 files per fault.)
TEST(DatasetCrashTest, MergeIntoTheLastChunkOfAMetadataFileOfTwo) {
  Sweep({"merge into chunk 1 of 2",
         [](const std::shared_ptr<FileSystem>& fs) { Write(fs, AB(Range(0, 1030)), kTarget1); },
         [](OrderedDataset& ds) {
           WriteOptions o = kTarget1;
           o.duplicates_on = Columns{"a"};
           return ds.Write(AB({1026, 1027, 2000}), o);
         },
         [](OrderedDataset& ds) { return ds.Write(AB({100000}), kTarget1); }});
}

// A file system that cannot sync as a whole: every file synced one by one.
class NoWholeSyncFileSystem final : public FileSystemWrapper {
 public:
  using FileSystemWrapper::FileSystemWrapper;
  Status SyncFileSystem(const std::string& path) override {
    return FileSystem::SyncFileSystem(path);  // the interface's NotSupported
  }
};

TEST(DatasetDurabilityTest, WithoutFileSystemSyncEveryFileIsSynced) {
  auto mem = NewMemoryFileSystem();
  auto fault = std::make_shared<FaultInjectionFileSystem>(
      std::make_shared<NoWholeSyncFileSystem>(mem), 1);
  {
    auto ds = OrderedDataset::Open(fault, kDir).ValueOrDie();
    ASSERT_TRUE(ds.Write(AB(Range(0, 40)), kTarget1).ok());
  }
  EXPECT_GE(CountOps(*fault, FaultInjectionFileSystem::kSync), 40u);
  mem->SimulateCrash();
  Observed got;
  ASSERT_TRUE(Observe(mem, &got));
  EXPECT_TRUE(got.data.Equals(AB(Range(0, 40))));
}

}  // namespace
}  // namespace oups
