// Versions, time travel, restore, retention and vacuum (dataset/history.h,
// docs/format.md "Versions and history"): every commit records a version;
// every retained version reads back exactly; row-group files go only when no
// retained version (and no registered reader) lists them; a crash at any
// file-system call of a write with retention or of a vacuum leaves every
// retained version readable. The differential test compares the dataset with
// a model (the list of committed states) after random operations.
#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dataset/file_naming.h"
#include "dataset/history.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"
#include "testing/fault_injection_file_system.h"
#include "testing/tracking_file_system.h"

namespace oups {
namespace {

constexpr const char* kDir = "/data/ds";
using Kind = FaultInjectionFileSystem::FaultKind;

Table AB(const std::vector<int64_t>& a, int64_t tag = 0) {
  std::vector<int64_t> b;
  for (int64_t v : a) b.push_back(v * 10 + tag);
  return MakeTable({{"a", ColumnFromVector(DataType::Int64(), a).ValueOrDie()},
                    {"b", ColumnFromVector(DataType::Int64(), b).ValueOrDie()}})
      .ValueOrDie();
}

// What a version reads back as.
struct State {
  Table data;
  std::map<std::string, std::string> kv;
};

State Latest(OrderedDataset& ds) {
  return State{ds.Read().ValueOrDie(), ds.key_value_metadata().ValueOrDie()};
}

::testing::AssertionResult ReadsAs(OrderedDataset& ds, uint64_t v, const State& want) {
  auto snap = ds.Snapshot(AsOf::Version(v));
  if (!snap.ok()) return ::testing::AssertionFailure() << "version " << v << ": " << snap.status().ToString();
  auto t = snap->Read();
  if (!t.ok()) return ::testing::AssertionFailure() << "version " << v << ": " << t.status().ToString();
  if (!t->Equals(want.data)) {
    return ::testing::AssertionFailure() << "version " << v << " reads " << t->num_rows()
                                         << " rows, want " << want.data.num_rows();
  }
  if (snap->key_value_metadata() != want.kv) {
    return ::testing::AssertionFailure() << "version " << v << ": key-value metadata differs";
  }
  return ::testing::AssertionSuccess();
}

std::vector<uint64_t> VersionNumbers(OrderedDataset& ds) {
  std::vector<uint64_t> out;
  for (const VersionInfo& v : ds.Versions().ValueOrDie()) out.push_back(v.version);
  return out;
}

// Row-group files in the dataset directory.
std::set<uint64_t> FilesOnDisk(FileSystem& fs) {
  std::set<uint64_t> out;
  auto entries = fs.ListDir(kDir);
  if (!entries.ok()) return out;
  for (const auto& e : *entries) {
    if (auto id = dataset::ParseRowGroupFileName(e.name)) out.insert(*id);
  }
  return out;
}

std::set<uint64_t> ListedBy(OrderedDataset& ds, uint64_t v) {
  auto snap = ds.Snapshot(AsOf::Version(v)).ValueOrDie();
  Table stats = snap.RowGroupStats().ValueOrDie();
  Column ids = stats.GetColumn("file_ids").ValueOrDie();
  std::set<uint64_t> out;
  for (int64_t i = 0; i < ids.length(); ++i) out.insert(ids.data<uint64_t>()[i]);
  return out;
}

size_t HistoryFiles(FileSystem& fs) {
  auto entries = fs.ListDir(dataset::HistoryDir(*dataset::DatasetPaths::Make(kDir)));
  return entries.ok() ? entries->size() : 0;
}

const WriteOptions kW{.ordered_on = "a", .row_group_target_size = 2};

TEST(DatasetHistoryTest, EveryCommitIsAVersionWithWhatItDid) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  WriteOptions o = kW;
  o.keep_versions = 10;
  ASSERT_TRUE(ds.Write(AB({1, 2, 3}), o).ok());
  ASSERT_TRUE(ds.Write(AB({4, 5}), kW).ok());
  ASSERT_TRUE(ds.Write(WriteOptions{.key_value_metadata = {{"k", "v"}}}).ok());
  ASSERT_TRUE(ds.Write(WriteOptions{.row_group_target_size = 4, .max_n_off_target_rgs = 1}).ok());
  auto versions = ds.Versions().ValueOrDie();
  ASSERT_EQ(versions.size(), 4u);
  EXPECT_EQ(versions[0].version, 1u);
  EXPECT_EQ(versions[0].kind, "write");
  EXPECT_EQ(versions[0].rows_added, 3);
  EXPECT_EQ(versions[0].row_groups_written, 2);
  EXPECT_EQ(versions[1].kind, "write");
  EXPECT_EQ(versions[1].rows_added, 2);
  EXPECT_EQ(versions[1].num_rows, 5);
  EXPECT_EQ(versions[2].kind, "metadata");
  EXPECT_EQ(versions[2].kv_changes.at("k"), std::optional<std::string>("v"));
  EXPECT_EQ(versions[3].kind, "compaction");
  EXPECT_GT(versions[3].row_groups_dropped, 0);
  EXPECT_EQ(versions[3].rows_added, 0);
  for (const auto& v : versions) EXPECT_EQ(v.committed_at.size(), 27u) << v.committed_at;
  EXPECT_TRUE(ReadsAs(ds, 1, State{AB({1, 2, 3}), {}}));
  EXPECT_TRUE(ReadsAs(ds, 2, State{AB({1, 2, 3, 4, 5}), {}}));
  EXPECT_TRUE(ReadsAs(ds, 3, State{AB({1, 2, 3, 4, 5}), {{"k", "v"}}}));
  // ReadOptions::as_of, and by time: the version in force at an instant.
  ReadOptions ro;
  ro.as_of = AsOf::Version(1);
  EXPECT_EQ(ds.Read(ro).ValueOrDie().num_rows(), 3);
  const int64_t t2 = dataset::ParseUtcIso8601(versions[1].committed_at).ValueOrDie();
  auto by_time = ds.Snapshot(AsOf::Time(t2)).ValueOrDie();
  EXPECT_EQ(by_time.Read().ValueOrDie().num_rows(), 5);
  EXPECT_TRUE(ds.Snapshot(AsOf::Time(t2 - 1'000'000'000'000LL)).status().IsNotFound());
  EXPECT_TRUE(ds.Snapshot(AsOf::Version(9)).status().IsNotFound());
}

TEST(DatasetHistoryTest, DefaultRetentionKeepsTheLatestOnlyAndTheSameFiles) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(ds.Write(AB({3 * i, 3 * i + 1, 3 * i + 2}), kW).ok());
    // Only the latest version is readable; its files are the only ones.
    ASSERT_EQ(VersionNumbers(ds), std::vector<uint64_t>{static_cast<uint64_t>(i + 1)});
    ASSERT_EQ(FilesOnDisk(*fs), ListedBy(ds, static_cast<uint64_t>(i + 1)));
    ASSERT_LE(HistoryFiles(*fs), 2u);
  }
  auto gone = ds.Snapshot(AsOf::Version(29));
  ASSERT_TRUE(gone.status().IsNotFound());
  EXPECT_NE(gone.status().message().find("readable versions are 30"), std::string::npos)
      << gone.status().message();
}

TEST(DatasetHistoryTest, CheckpointsAndListingOfManyVersions) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  WriteOptions o = kW;
  o.keep_versions = 1000;
  std::vector<State> model;
  for (int i = 0; i < 230; ++i) {
    // Appends that rewrite the last, half-full rg (a drop and an add).
    ASSERT_TRUE(ds.Write(AB({i}), o).ok());
    if (i % 10 == 0 || i > 195) model.push_back(Latest(ds));
    else model.push_back(State{});
  }
  auto versions = ds.Versions().ValueOrDie();
  ASSERT_EQ(versions.size(), 230u);
  for (size_t i = 0; i < versions.size(); ++i) ASSERT_EQ(versions[i].version, i + 1);
  for (uint64_t v : {1, 11, 99, 101, 191, 199, 200, 201, 229, 230}) {
    if (model[v - 1].data.num_columns() == 0) continue;
    ASSERT_TRUE(ReadsAs(ds, v, model[v - 1]));
  }
  // Lower the retention: the bounded clean-up of the next write, then vacuum.
  o.keep_versions = 3;
  ASSERT_TRUE(ds.Write(AB({1000}), o).ok());
  auto res = ds.Vacuum().ValueOrDie();
  EXPECT_EQ(VersionNumbers(ds), (std::vector<uint64_t>{229, 230, 231}));
  EXPECT_GT(res.history_files_deleted, 0u);
  std::set<uint64_t> needed;
  for (uint64_t v : {229, 230, 231}) {
    auto l = ListedBy(ds, v);
    needed.insert(l.begin(), l.end());
  }
  EXPECT_EQ(FilesOnDisk(*fs), needed);
  EXPECT_TRUE(ReadsAs(ds, 229, model[228]));
  EXPECT_LE(HistoryFiles(*fs), 40u);
}

TEST(DatasetHistoryTest, RestoreCommitsAnOldStateAndKeepsItsFiles) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  WriteOptions o = kW;
  o.keep_versions = 3;
  ASSERT_TRUE(ds.Write(AB({1, 2, 3}), o).ok());
  State v1 = Latest(ds);
  // A bad load: duplicates replace rows.
  WriteOptions d = kW;
  d.duplicates_on = Columns{"a"};
  d.key_value_metadata = {{"bad", "1"}};
  ASSERT_TRUE(ds.Write(AB({2, 3}, 7), d).ok());
  ASSERT_EQ(ds.Restore(1).ValueOrDie(), 3u);
  EXPECT_TRUE(ReadsAs(ds, 3, v1));
  EXPECT_TRUE(Latest(ds).data.Equals(v1.data));
  auto versions = ds.Versions().ValueOrDie();
  EXPECT_EQ(versions.back().kind, "restore");
  EXPECT_EQ(versions.back().restored_from, std::optional<uint64_t>(1));
  EXPECT_EQ(versions.back().kv_changes.at("bad"), std::nullopt);
  // Version 1 expires while the restored files are listed: they stay.
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(ds.Write(AB({100 + i}), kW).ok());
  EXPECT_EQ(VersionNumbers(ds), (std::vector<uint64_t>{5, 6, 7}));
  Table all = ds.Read().ValueOrDie();
  EXPECT_EQ(all.num_rows(), 7);
  EXPECT_TRUE(all.Slice(0, 3).Equals(v1.data));
  ASSERT_TRUE(ds.Vacuum().ok());
  std::set<uint64_t> needed;
  for (uint64_t v : {5, 6, 7}) {
    auto l = ListedBy(ds, v);
    needed.insert(l.begin(), l.end());
  }
  EXPECT_EQ(FilesOnDisk(*fs), needed);
  // Not readable any more.
  EXPECT_TRUE(ds.Restore(1).status().IsNotFound());
}

TEST(DatasetHistoryTest, ReaderOfAnOldVersionKeepsItsFilesDuringVacuum) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  WriteOptions o = kW;
  o.keep_versions = 5;
  ASSERT_TRUE(ds.Write(AB({1, 2, 3}), o).ok());
  State v1 = Latest(ds);
  WriteOptions d = kW;
  d.duplicates_on = Columns{"a"};
  ASSERT_TRUE(ds.Write(AB({1, 2, 3}, 5), d).ok());
  {
    auto old = ds.Snapshot(AsOf::Version(1)).ValueOrDie();
    o.keep_versions = 1;
    ASSERT_TRUE(ds.Write(AB({4}), o).ok());
    auto res = ds.Vacuum().ValueOrDie();
    EXPECT_GT(res.files_kept_for_readers, 0u);
    EXPECT_TRUE(old.Read().ValueOrDie().Equals(v1.data));
    EXPECT_EQ(VersionNumbers(ds), std::vector<uint64_t>{3});
  }
  auto res = ds.Vacuum().ValueOrDie();
  EXPECT_GT(res.files_deleted, 0u);
  EXPECT_EQ(FilesOnDisk(*fs), ListedBy(ds, 3));
}

TEST(DatasetHistoryTest, KeepForKeepsVersionsInForceWithinTheDuration) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  WriteOptions o = kW;
  o.keep_for = "1h";
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(ds.Write(AB({i}), o).ok());
  EXPECT_EQ(ds.Versions().ValueOrDie().size(), 5u);
  EXPECT_EQ(ds.write_settings().ValueOrDie().keep_for, std::optional<std::string>("1h"));
  o.keep_for = "1ns";
  ASSERT_TRUE(ds.Write(AB({10}), o).ok());
  ASSERT_TRUE(ds.Vacuum().ok());
  EXPECT_EQ(VersionNumbers(ds), std::vector<uint64_t>{6});
  o.keep_for = "1 week";
  EXPECT_TRUE(ds.Write(AB({11}), o).IsInvalidArgument());
  o.keep_for.reset();
  o.keep_versions = 0;
  EXPECT_TRUE(ds.Write(AB({11}), o).IsInvalidArgument());
}

TEST(DatasetHistoryTest, RemovalDeletesRetainedFilesAndHistory) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  WriteOptions o = kW;
  o.keep_versions = 10;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(ds.Write(AB({i}), o).ok());
  ASSERT_TRUE(ds.Remove().ok());
  EXPECT_FALSE(fs->Exists(kDir).ValueOrDie());
  // Written again: a new dataset, whose history starts afresh.
  ASSERT_TRUE(ds.Write(AB({1}), kW).ok());
  EXPECT_EQ(VersionNumbers(ds), std::vector<uint64_t>{1});
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 1);
}

TEST(DatasetHistoryTest, StagedWriteIsAVersion) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  WriteOptions o = kW;
  o.keep_versions = 5;
  ASSERT_TRUE(ds.Write(AB({1, 2}), o).ok());
  State v1 = Latest(ds);
  StageOptions so;
  so.write = kW;
  StagedPart part = ds.Stage(AB({10, 11, 12}), so).ValueOrDie();
  ASSERT_TRUE(ds.CommitStaged({part}).ok());
  auto versions = ds.Versions().ValueOrDie();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[1].kind, "staged_write");
  EXPECT_EQ(versions[1].rows_added, 3);
  EXPECT_TRUE(ReadsAs(ds, 1, v1));
  EXPECT_TRUE(ReadsAs(ds, 2, Latest(ds)));
  ASSERT_TRUE(ds.Write(AB({20}), kW).ok());
  EXPECT_EQ(VersionNumbers(ds), (std::vector<uint64_t>{1, 2, 3}));
}

// ------------------------------------------------------------ differential

// A model: the committed states by version, and the retention.
struct Model {
  std::vector<State> states;  // index = version - 1
  int64_t keep = 1;
};

TEST(DatasetHistoryTest, DifferentialRandomOperations) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    auto fs = NewMemoryFileSystem();
    auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
    Model m;
    std::set<uint64_t> readable_before;
    uint64_t oldest_before = 1;
    uint64_t history_start = 0;
    bool history_started = false;
    for (int step = 0; step < 120; ++step) {
      const int op = static_cast<int>(rng() % 8);
      WriteOptions o = kW;
      if (rng() % 6 == 0 && op <= 5) {  // writes carry the retention
        m.keep = 1 + static_cast<int64_t>(rng() % 8);
        o.keep_versions = m.keep;
      }
      Status st;
      std::string what;
      if (op <= 2) {  // append
        const int64_t base = 1000 + step * 10;
        st = ds.Write(AB({base, base + 1, base + 2}), o);
        what = "append";
      } else if (op == 3) {  // rows in the middle, with duplicates replaced
        o.duplicates_on = Columns{"a"};
        const int64_t at = 1000 + static_cast<int64_t>(rng() % std::max(1, step)) * 10;
        st = ds.Write(AB({at, at + 5}, step % 10), o);
        what = "merge";
      } else if (op == 4) {  // metadata only
        o.key_value_metadata = {{"k" + std::to_string(rng() % 3), std::to_string(step)}};
        st = ds.Write(o);
        what = "kv";
      } else if (op == 5) {  // compaction
        o.row_group_target_size = 6;
        o.max_n_off_target_rgs = 1;
        st = ds.Write(o);
        what = "compact";
      } else if (op == 6 && !m.states.empty()) {  // restore a readable version
        auto versions = VersionNumbers(ds);
        const uint64_t v = versions[rng() % versions.size()];
        auto r = ds.Restore(v);
        st = r.status();
        what = "restore " + std::to_string(v);
        if (r.ok()) {
          State s = m.states[v - 1];
          m.states.push_back(s);
          ASSERT_EQ(*r, m.states.size());
        }
      } else {
        auto r = ds.Vacuum();
        st = r.status();
        what = "vacuum";
      }
      ASSERT_TRUE(st.ok()) << what << ": " << st.ToString();
      if (what.rfind("restore", 0) != 0 && what != "vacuum") {
        if (m.states.empty() && what != "append" && what != "merge") {
          // A metadata-only first write still commits a version.
        }
        m.states.push_back(Latest(ds));
      }
      if (m.states.empty()) continue;
      const uint64_t latest = m.states.size();
      // A dataset of metadata only keeps no directory and no history: its
      // history starts with its first row group.
      if (history_start == 0 && m.states.back().data.num_rows() > 0) {
        history_start = latest;
        oldest_before = latest;
      }
      if (history_start == 0) continue;
      // The readable versions: at least the last `keep`, contiguous, the
      // latest last; every one reads back exactly as committed.
      auto versions = VersionNumbers(ds);
      ASSERT_FALSE(versions.empty());
      ASSERT_EQ(versions.back(), latest) << what;
      // The oldest readable version moves up only as the retention says (a
      // retention raised later does not bring expired versions back).
      const bool started_before = history_started;
      if (!history_started) {
        // A dataset keeps no history before its first write keeping more
        // than the latest version: until then only the latest is readable.
        if (m.keep > 1 && o.keep_versions) history_started = true;
        oldest_before = std::max(oldest_before, latest);
      }
      const uint64_t by_keep = latest >= static_cast<uint64_t>(m.keep) ? latest - m.keep + 1 : 1;
      ASSERT_LE(versions.front(), std::max(oldest_before, by_keep)) << what;
      const uint64_t oldest_prev = oldest_before;
      oldest_before = versions.front();
      for (size_t i = 1; i < versions.size(); ++i) ASSERT_EQ(versions[i], versions[i - 1] + 1);
      for (uint64_t v : versions) ASSERT_TRUE(ReadsAs(ds, v, m.states[v - 1])) << what;
      // A version once readable stays so until the retention drops it.
      for (uint64_t v : readable_before) {
        if (started_before && latest - v < static_cast<uint64_t>(m.keep)) {
          ASSERT_TRUE(std::find(versions.begin(), versions.end(), v) != versions.end())
              << what << ": version " << v << " lost";
        }
      }
      readable_before = std::set<uint64_t>(versions.begin(), versions.end());
      if (what == "vacuum") {
        // Exactly the files of the readable versions remain.
        std::set<uint64_t> needed;
        for (uint64_t v : versions) {
          auto l = ListedBy(ds, v);
          needed.insert(l.begin(), l.end());
        }
        ASSERT_EQ(FilesOnDisk(*fs), needed);
        ASSERT_EQ(versions.front(), std::max(oldest_prev, by_keep));
      }
    }
  }
}

// ------------------------------------------------------------------ crashes

// A crash (or error) at every file-system call of `op` on a dataset with
// retention: afterwards every version readable before the operation that the
// retention still keeps reads back exactly, and the next write succeeds.
void SweepWithHistory(const std::string& name,
                      const std::function<void(OrderedDataset&, std::vector<State>*)>& setup,
                      const std::function<Status(OrderedDataset&)>& op, bool op_commits) {
  SCOPED_TRACE(name);
  uint64_t n_ops = 0;
  std::vector<State> states;
  {
    auto mem = NewMemoryFileSystem();
    auto ds = OrderedDataset::Open(mem, kDir).ValueOrDie();
    setup(ds, &states);
    auto fault = std::make_shared<FaultInjectionFileSystem>(mem, 1);
    auto fds = OrderedDataset::Open(fault, kDir).ValueOrDie();
    ASSERT_TRUE(op(fds).ok());
    n_ops = fault->operation_count();
  }
  ASSERT_GT(n_ops, 3u);
  for (Kind kind : {Kind::kCrash, Kind::kError}) {
    for (uint64_t k = 1; k <= n_ops; ++k) {
      auto mem = NewMemoryFileSystem();
      std::vector<State> model;
      {
        auto ds = OrderedDataset::Open(mem, kDir).ValueOrDie();
        setup(ds, &model);
      }
      auto before = OrderedDataset::Open(mem, kDir).ValueOrDie();
      const std::vector<uint64_t> readable = VersionNumbers(before);
      const State latest_before = Latest(before);
      auto fault = std::make_shared<FaultInjectionFileSystem>(mem, 100 + k);
      fault->FailAt(k, kind);
      Status st;
      {
        auto ds = OrderedDataset::Open(fault, kDir).ValueOrDie();
        st = op(ds);
      }
      mem->SimulateCrash();
      fault->Reset();
      const std::string where = std::string(kind == Kind::kCrash ? "crash" : "error") + " at op " +
                                std::to_string(k) + " of " + std::to_string(n_ops) + ": " +
                                st.ToString();
      auto ds = OrderedDataset::Open(mem, kDir).ValueOrDie();
      auto versions_r = ds.Versions();
      ASSERT_TRUE(versions_r.ok()) << where << " " << versions_r.status().ToString();
      std::vector<uint64_t> versions;
      for (const auto& v : *versions_r) versions.push_back(v.version);
      const uint64_t latest = versions.back();
      ASSERT_TRUE(latest == readable.back() || (op_commits && latest == readable.back() + 1))
          << where;
      if (latest == readable.back()) {
        ASSERT_TRUE(Latest(ds).data.Equals(latest_before.data)) << where;
      }
      // Every version still listed reads back as committed.
      for (uint64_t v : versions) {
        if (v <= model.size()) {
          ASSERT_TRUE(ReadsAs(ds, v, model[v - 1])) << where;
        }
      }
      // The next write succeeds and keeps them readable.
      ASSERT_TRUE(ds.Write(AB({100000}), kW).ok()) << where;
      for (uint64_t v : VersionNumbers(ds)) {
        if (v <= model.size()) {
          ASSERT_TRUE(ReadsAs(ds, v, model[v - 1])) << where;
        }
      }
    }
  }
}

void SetupFive(OrderedDataset& ds, std::vector<State>* states) {
  WriteOptions o = kW;
  o.keep_versions = 4;
  for (int i = 0; i < 5; ++i) {
    WriteOptions w = o;
    if (i == 3) w.duplicates_on = Columns{"a"};
    ASSERT_TRUE(ds.Write(AB({i == 3 ? 1 : 10 * i, 10 * i + 1}, i), w).ok());
    states->push_back(Latest(ds));
  }
}

TEST(DatasetHistoryCrashTest, WriteWithRetention) {
  SweepWithHistory("write keep 4", SetupFive,
                   [](OrderedDataset& ds) { return ds.Write(AB({2, 3}, 9), {.duplicates_on = Columns{"a"}}); },
                   true);
}

TEST(DatasetHistoryCrashTest, WriteLoweringRetention) {
  SweepWithHistory("write keep 1", SetupFive,
                   [](OrderedDataset& ds) {
                     return ds.Write(AB({100}), {.keep_versions = 1});
                   },
                   true);
}

TEST(DatasetHistoryCrashTest, Vacuum) {
  SweepWithHistory("vacuum",
                   [](OrderedDataset& ds, std::vector<State>* states) {
                     SetupFive(ds, states);
                     ASSERT_TRUE(ds.Write(AB({200}), {.keep_versions = 2}).ok());
                     states->push_back(Latest(ds));
                   },
                   [](OrderedDataset& ds) { return ds.Vacuum().status(); }, false);
}

TEST(DatasetHistoryCrashTest, Restore) {
  SweepWithHistory("restore", SetupFive,
                   [](OrderedDataset& ds) { return ds.Restore(2).status(); }, true);
}

// --------------------------------------------------------- tail-only appends

// The rg list of a version (ids, rows, mins, maxs, checksums).
Table RowGroupsOf(OrderedDataset& ds, uint64_t v) {
  auto snap = ds.Snapshot(AsOf::Version(v));
  EXPECT_TRUE(snap.ok()) << "version " << v << ": " << snap.status().ToString();
  if (!snap.ok()) return Table();
  auto t = snap->RowGroupStats();
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : Table();
}

// A dataset whose rg list spans three chunks of its metadata file: rows
// 0 .. 2 * kRgs - 1 by 2 per rg.
constexpr int64_t kRgs = 2 * dataset::kMetadataChunkRows + 52;
std::vector<int64_t> ManyRows() {
  std::vector<int64_t> a(2 * kRgs);
  std::iota(a.begin(), a.end(), int64_t{0});
  return a;
}
// Two chunks.
std::vector<int64_t> FewerRows() {
  std::vector<int64_t> a(2 * (dataset::kMetadataChunkRows + 10));
  std::iota(a.begin(), a.end(), int64_t{0});
  return a;
}

// Where the footer of the Parquet file `path` starts: the reads before it
// are reads of the rg list's chunks.
int64_t FooterStart(FileSystem& fs, const std::string& path) {
  auto b = fs.ReadFile(path).ValueOrDie();
  const uint8_t* end = b->data() + b->size();
  const uint32_t len = static_cast<uint32_t>(end[-8]) | static_cast<uint32_t>(end[-7]) << 8 |
                       static_cast<uint32_t>(end[-6]) << 16 | static_cast<uint32_t>(end[-5]) << 24;
  return b->size() - 8 - static_cast<int64_t>(len);
}

// (offset, length) of the reads of `path` ending before `footer_start` (not
// the reads of the footer, which may start earlier), in order.
std::vector<std::pair<int64_t, int64_t>> ChunkReads(const TrackingFileSystem& fs,
                                                    const std::string& path,
                                                    int64_t footer_start) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const auto& r : fs.reads(path)) {
    if (r.offset + r.length <= footer_start) out.emplace_back(r.offset, r.length);
  }
  return out;
}

// An append to a dataset keeping versions reads the rg list of its metadata
// file as the same append to a dataset without history does (the same reads,
// in the same order: MetadataFile::ReadTail decodes the last chunk, the chunks
// before are copied), except when a checkpoint needs the whole list (the
// checkpoint of version 1 once it is an older version, and version 100); and
// every version stays readable exactly.
TEST(DatasetHistoryTest, AnAppendKeepingVersionsReadsOnlyTheTailOfTheRowGroupList) {
  auto mem = NewMemoryFileSystem();
  auto fs = std::make_shared<TrackingFileSystem>(mem);
  const std::string kTwin = "/data/twin";  // the same writes, no history
  const std::string md_path = dataset::DatasetPaths::Make(kDir)->metadata;
  const std::string twin_md = dataset::DatasetPaths::Make(kTwin)->metadata;
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  auto twin = OrderedDataset::Open(fs, kTwin).ValueOrDie();
  WriteOptions keep = kW;
  keep.keep_versions = 1000;
  ASSERT_TRUE(ds.Write(AB(ManyRows()), keep).ok());
  ASSERT_TRUE(twin.Write(AB(ManyRows()), kW).ok());
  std::vector<Table> lists{RowGroupsOf(ds, 1)};
  std::map<uint64_t, State> states{{1, Latest(ds)}};
  ASSERT_EQ(lists[0].num_rows(), kRgs);
  std::vector<uint64_t> whole;  // versions whose commit read more than the tail
  for (int i = 0; i < 120; ++i) {
    // One row: alternately a new rg and a rewrite of the last, half-full one.
    const Table rows = AB({10 * kRgs + i});
    const int64_t twin_footer = FooterStart(*mem, twin_md);
    fs->Clear();
    ASSERT_TRUE(twin.Write(rows, kW).ok());
    const auto twin_reads = ChunkReads(*fs, twin_md, twin_footer);
    const int64_t footer = FooterStart(*mem, md_path);
    fs->Clear();
    ASSERT_TRUE(ds.Write(rows, kW).ok());
    const uint64_t v = static_cast<uint64_t>(i) + 2;
    const auto reads = ChunkReads(*fs, md_path, footer);
    ASSERT_FALSE(twin_reads.empty());
    if (reads != twin_reads) {
      whole.push_back(v);
      // The tail's reads, then the whole list once.
      EXPECT_GT(reads.size(), twin_reads.size()) << "version " << v;

    }
    lists.push_back(RowGroupsOf(ds, v));
    if (v % 25 == 0 || v >= 98) states[v] = Latest(ds);
  }
  EXPECT_EQ(whole, (std::vector<uint64_t>{2, dataset::kCheckpointInterval}));
  // Every version's rg list (files are never rewritten: that is its data),
  // and the data of some, read back exactly, before and after the
  // checkpoint; the versions list their totals.
  auto versions = ds.Versions().ValueOrDie();
  ASSERT_EQ(versions.size(), lists.size());
  for (uint64_t v = 1; v <= lists.size(); ++v) {
    const Table l = RowGroupsOf(ds, v);
    ASSERT_TRUE(l.Equals(lists[v - 1])) << "version " << v;
    EXPECT_EQ(versions[v - 1].num_row_groups, lists[v - 1].num_rows()) << "version " << v;
    EXPECT_EQ(versions[v - 1].num_rows, 2 * kRgs + static_cast<int64_t>(v) - 1) << "version " << v;
  }
  for (const auto& [v, state] : states) ASSERT_TRUE(ReadsAs(ds, v, state));
  // The twin reads as the latest version.
  EXPECT_TRUE(twin.Read().ValueOrDie().Equals(states.rbegin()->second.data));
}

// A crash at every file-system call of an append that reads the tail of the
// rg list and writes the checkpoint of the version before it (the whole list
// read once more).
TEST(DatasetHistoryCrashTest, TailAppendWritingACheckpoint) {
  SweepWithHistory("tail append writing a checkpoint",
                   [](OrderedDataset& ds, std::vector<State>* states) {
                     WriteOptions o = kW;
                     o.keep_versions = 4;
                     ASSERT_TRUE(ds.Write(AB(FewerRows()), o).ok());
                     states->push_back(Latest(ds));
                   },
                   [](OrderedDataset& ds) { return ds.Write(AB({20 * kRgs}), kW); }, true);
}

}  // namespace
}  // namespace oups
