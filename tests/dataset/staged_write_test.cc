// Staged writes (src/dataset/staged_write.cc, docs/format.md "Staged
// writes"): parts staged independently and committed at once equal a
// sequential write; wrong parts are refused with the dataset unchanged; a
// fault (crash, I/O error, ENOSPC) at every file-system call of a commit
// leaves the dataset before or after it, and what is left is swept by the next
// write and AbortStaging.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dataset/file_naming.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"
#include "oups/table/kernels.h"
#include "testing/fault_injection_file_system.h"

namespace oups {
namespace {

constexpr const char* kDir = "/data/ds";
using Kind = FaultInjectionFileSystem::FaultKind;

Table AB(int64_t from, int64_t to) {
  std::vector<int64_t> a;
  std::vector<std::string> b;
  for (int64_t v = from; v < to; ++v) {
    a.push_back(v);
    b.push_back("s" + std::to_string(v));
  }
  return MakeTable({{"a", ColumnFromVector(DataType::Int64(), a).ValueOrDie()},
                    {"b", ColumnFromVector(DataType::String(), b).ValueOrDie()}})
      .ValueOrDie();
}

StageOptions Opts(const std::string& group, int64_t target = 3) {
  StageOptions o;
  o.write.ordered_on = "a";
  o.write.row_group_target_size = target;
  o.group = group;
  return o;
}

// Every entry under the dataset directory (recursively, relative names).
std::set<std::string> Tree(FileSystem& fs, const std::string& dir, const std::string& rel = "") {
  std::set<std::string> out;
  auto entries = fs.ListDir(dir);
  if (!entries.ok()) return out;
  for (const auto& e : *entries) {
    const std::string name = rel.empty() ? e.name : rel + "/" + e.name;
    out.insert(name);
    if (e.is_dir) {
      for (const auto& s : Tree(fs, JoinPath(dir, e.name), name)) out.insert(s);
    }
  }
  return out;
}

// The dataset directory holds exactly the listed row-group files.
::testing::AssertionResult OnlyListedFiles(const std::shared_ptr<FileSystem>& fs) {
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  Table stats = ds.RowGroupStats().ValueOrDie();
  std::set<std::string> listed;
  Column ids = stats.GetColumn("file_ids").ValueOrDie();
  for (int64_t i = 0; i < ids.length(); ++i) {
    listed.insert(dataset::RowGroupFileName(ids.data<uint64_t>()[i]));
  }
  std::set<std::string> present = Tree(*fs, kDir);
  if (present == listed) return ::testing::AssertionSuccess();
  std::ostringstream os;
  for (const auto& p : present) os << p << " ";
  os << "| listed: ";
  for (const auto& p : listed) os << p << " ";
  return ::testing::AssertionFailure() << os.str();
}

TEST(StagedWriteTest, PartsStagedInParallelEqualASequentialWrite) {
  auto fs = NewMemoryFileSystem();
  auto seq_fs = NewMemoryFileSystem();
  auto seq = OrderedDataset::Open(seq_fs, kDir).ValueOrDie();
  ASSERT_TRUE(seq.Write(AB(0, 5), {.ordered_on = "a", .row_group_target_size = 3}).ok());
  ASSERT_TRUE(seq.Write(AB(5, 40), {.ordered_on = "a", .row_group_target_size = 3}).ok());

  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  ASSERT_TRUE(ds.Write(AB(0, 5), {.ordered_on = "a", .row_group_target_size = 3}).ok());
  const std::string group = NewStagingGroup();
  // Four parts staged from four threads, each through its own handle; the
  // last one has no row.
  const std::vector<std::pair<int64_t, int64_t>> ranges = {{5, 12}, {12, 13}, {13, 40}, {40, 40}};
  std::vector<Result<StagedPart>> staged(ranges.size(), Status::Internal("not run"));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < ranges.size(); ++i) {
    threads.emplace_back([&, i] {
      auto h = OrderedDataset::Open(fs, kDir).ValueOrDie();
      staged[i] = h.Stage(AB(ranges[i].first, ranges[i].second), Opts(group));
    });
  }
  for (auto& t : threads) t.join();
  std::vector<StagedPart> parts;
  for (auto& s : staged) {
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    // Crossing a process boundary: the JSON text.
    auto back = StagedPart::FromJson(s->ToJson());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->ToJson(), s->ToJson());
    parts.push_back(*back);
  }
  EXPECT_EQ(parts[2].files.size(), 9u);  // 27 rows, 3 per row group
  EXPECT_TRUE(parts[3].files.empty());
  // Staging touched nothing committed.
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 5);
  EXPECT_EQ(ds.ListStaging().ValueOrDie().size(), 4u);

  Status st = ds.CommitStaged(parts, {.key_value_metadata = {{"k", "v"}}});
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(ds.Read().ValueOrDie().Equals(seq.Read().ValueOrDie()));
  EXPECT_EQ(ds.key_value_metadata().ValueOrDie().at("k"), "v");
  EXPECT_EQ(ds.num_row_groups().ValueOrDie(), 2 + 3 + 1 + 9);
  EXPECT_TRUE(ds.ListStaging().ValueOrDie().empty());
  EXPECT_TRUE(OnlyListedFiles(fs));
  // Committed once: a second commit of the same parts finds nothing staged.
  st = ds.CommitStaged(parts);
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
  // A later ordinary write goes on above the new files.
  ASSERT_TRUE(ds.Write(AB(40, 41)).ok());
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 41);
}

TEST(StagedWriteTest, FirstWriteCreatesTheDataset) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  const std::string group = NewStagingGroup();
  auto p0 = ds.Stage(AB(0, 4), Opts(group));
  auto p1 = ds.Stage(AB(4, 9), Opts(group));
  ASSERT_TRUE(p0.ok() && p1.ok());
  EXPECT_TRUE(ds.is_newly_initialized().ValueOrDie());
  ASSERT_TRUE(ds.CommitStaged({*p0, *p1}).ok());
  EXPECT_TRUE(ds.Read().ValueOrDie().Equals(AB(0, 9)));
  EXPECT_TRUE(OnlyListedFiles(fs));
  auto leftovers = dataset::DatasetPaths::Make(kDir)->leftovers;
  EXPECT_FALSE(fs->Exists(leftovers).ValueOrDie());
}

TEST(StagedWriteTest, WrongPartsAreRefusedAndNothingChanges) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  ASSERT_TRUE(ds.Write(AB(0, 10), {.ordered_on = "a", .row_group_target_size = 3}).ok());
  const Table before = ds.Read().ValueOrDie();
  const Table stats = ds.RowGroupStats().ValueOrDie();
  const std::string group = NewStagingGroup();
  auto a = ds.Stage(AB(10, 20), Opts(group)).ValueOrDie();
  auto b = ds.Stage(AB(20, 30), Opts(group)).ValueOrDie();
  auto c = ds.Stage(AB(25, 35), Opts(group)).ValueOrDie();
  auto old_rows = ds.Stage(AB(5, 12), Opts(group)).ValueOrDie();
  auto unchanged = [&] {
    EXPECT_TRUE(ds.Read().ValueOrDie().Equals(before));
    EXPECT_TRUE(ds.RowGroupStats().ValueOrDie().Equals(stats));
  };

  Status st = ds.CommitStaged({b, a});  // out of order
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("part 0 ends at 29, after part 1 starts at 10"), std::string::npos)
      << st.message();
  unchanged();
  st = ds.CommitStaged({a, b, c});  // c overlaps b
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("out of order or overlap"), std::string::npos) << st.message();
  unchanged();
  st = ds.CommitStaged({old_rows});  // among the stored rows
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("only appends"), std::string::npos) << st.message();
  unchanged();
  st = ds.CommitStaged({a, a});
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  // A part of another dataset.
  auto other = OrderedDataset::Open(fs, "/data/other").ValueOrDie();
  auto foreign = other.Stage(AB(10, 12), Opts(group)).ValueOrDie();
  st = ds.CommitStaged({foreign});
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  // Another schema: a part staged before the dataset existed with other types.
  auto fresh = OrderedDataset::Open(fs, "/data/fresh").ValueOrDie();
  Table floats = MakeTable({{"a", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{1, 2})
                                      .ValueOrDie()},
                            {"b", ColumnFromVector(DataType::Float64(), std::vector<double>{1, 2})
                                      .ValueOrDie()}})
                     .ValueOrDie();
  auto p_float = fresh.Stage(floats, Opts(group)).ValueOrDie();
  ASSERT_TRUE(fresh.Write(AB(0, 1), {.ordered_on = "a"}).ok());
  st = fresh.CommitStaged({p_float});
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("stores (a: int64, b: string)"), std::string::npos) << st.message();
  // A staged file changed since it was staged.
  std::string file = JoinPath(JoinPath(JoinPath(kDir, "_staging"), a.token), a.files[0].name);
  auto bytes = fs->ReadFile(file).ValueOrDie();
  std::string changed(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  changed[changed.size() / 2] ^= 1;
  ASSERT_TRUE(fs->WriteFile(file, changed).ok());
  st = ds.CommitStaged({a, b});
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_NE(st.message().find(file), std::string::npos) << st.message();
  unchanged();
  // A tampered JSON.
  std::string json = b.ToJson();
  json.replace(json.find("\"n_rows\":10"), 11, "\"n_rows\":11");
  EXPECT_TRUE(StagedPart::FromJson(json).status().IsInvalidArgument());
  // Not supported by staged writes.
  StageOptions dup = Opts(group);
  dup.write.duplicates_on = Columns{};
  EXPECT_TRUE(ds.Stage(AB(40, 41), dup).status().IsInvalidArgument());
  // The right parts still commit; abort then removes what is left of the group.
  ASSERT_TRUE(ds.CommitStaged({b}).ok());
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 20);
  EXPECT_EQ(ds.AbortStaging(group).ValueOrDie(), 3);  // a, c, old_rows
  EXPECT_TRUE(OnlyListedFiles(fs));
}

TEST(StagedWriteTest, AbortAndAgeSweep) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  ASSERT_TRUE(ds.Write(AB(0, 3), {.ordered_on = "a"}).ok());
  // A process that died while staging: a directory with a file, no manifest.
  const std::string group = NewStagingGroup();
  const std::string partial = JoinPath(JoinPath(kDir, "_staging"), group + "-00000000000000aa");
  ASSERT_TRUE(fs->CreateDirs(partial).ok());
  ASSERT_TRUE(fs->WriteFile(JoinPath(partial, "staged_00000000.parquet"), "torn").ok());
  // Another group, staged two days ago and abandoned.
  const std::string old_group = "0000000060000000-0123456789abcdef";
  const std::string old_dir = JoinPath(JoinPath(kDir, "_staging"), old_group + "-00000000000000bb");
  ASSERT_TRUE(fs->CreateDirs(old_dir).ok());
  ASSERT_TRUE(fs->WriteFile(JoinPath(old_dir, "staged_00000000.parquet"), "old").ok());
  // A commit of a third group sweeps the old one only.
  auto p = ds.Stage(AB(3, 6), Opts(NewStagingGroup())).ValueOrDie();
  ASSERT_TRUE(ds.CommitStaged({p}).ok());
  auto left = ds.ListStaging().ValueOrDie();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0], group + "-00000000000000aa");
  EXPECT_EQ(ds.AbortStaging(group).ValueOrDie(), 1);
  EXPECT_TRUE(OnlyListedFiles(fs));
  EXPECT_TRUE(ds.AbortStaging("not-a-group").status().IsInvalidArgument());
}

TEST(StagedWriteTest, SafeConversionPeriodTargetAndForeignFile) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, "/data/ts").ValueOrDie();
  constexpr int64_t kHour = 3600LL * 1'000'000'000LL;
  auto ts_table = [&](int from, int to, DataType vtype) {
    std::vector<int64_t> ts;
    ColumnBuilder v(vtype);
    for (int h = from; h < to; ++h) {
      ts.push_back(h * kHour);
      EXPECT_TRUE(v.Append(int64_t{h}).ok());
    }
    return MakeTable({{"ts", ColumnFromVector(DataType::Timestamp(TimeUnit::kNano), ts).ValueOrDie()},
                      {"v", v.Finish().ValueOrDie()}})
        .ValueOrDie();
  };
  ASSERT_TRUE(ds.Write(ts_table(0, 5, DataType::Int64()),
                       {.ordered_on = "ts", .row_group_target_size = Period("1D")})
                  .ok());
  // int32 rows are converted to the stored int64 at staging; the remembered
  // period target cuts the part at day boundaries (hours 30..80: days 1, 2, 3).
  const std::string group = NewStagingGroup();
  StageOptions o;
  o.group = group;
  auto part = ds.Stage(ts_table(30, 80, DataType::Int32()), o);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->files.size(), 3u);
  // A file nothing accounts for sits at the second id the commit needs: the
  // commit stops, and the file it had moved goes back to the staging directory.
  const auto paths = *dataset::DatasetPaths::Make("/data/ts");
  const std::string foreign = paths.RowGroupFile(2);
  ASSERT_TRUE(fs->WriteFile(foreign, "not ours").ok());
  Status st = ds.CommitStaged({*part});
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists) << st.ToString();
  EXPECT_NE(st.message().find(foreign), std::string::npos) << st.message();
  EXPECT_FALSE(fs->Exists(paths.RowGroupFile(1)).ValueOrDie());
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 5);
  // Moved away, the same part commits.
  ASSERT_TRUE(fs->DeleteFile(foreign).ok());
  st = ds.CommitStaged({*part});
  ASSERT_TRUE(st.ok()) << st.ToString();
  Table expected = ConcatenateTables({ts_table(0, 5, DataType::Int64()),
                                      ts_table(30, 80, DataType::Int64())})
                       .ValueOrDie();
  EXPECT_TRUE(ds.Read().ValueOrDie().Equals(expected));
  EXPECT_EQ(ds.num_row_groups().ValueOrDie(), 4);
}

// ------------------------------------------------ faults at every operation

struct Observed {
  bool exists = false;
  Table data;
  Table stats;
  bool operator==(const Observed& o) const {
    return exists == o.exists && data.Equals(o.data) && stats.Equals(o.stats);
  }
};

Observed Observe(const std::shared_ptr<FileSystem>& fs) {
  auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
  Observed o;
  o.exists = !ds.is_newly_initialized().ValueOrDie();
  o.data = ds.Read().ValueOrDie();
  o.stats = ds.RowGroupStats().ValueOrDie();
  return o;
}

// `setup` writes the state before and stages the parts (returned); the
// commit then runs through a fault-injecting file system.
void SweepCommit(const std::string& name,
                 const std::function<std::vector<StagedPart>(const std::shared_ptr<FileSystem>&,
                                                             const std::string& group)>& setup) {
  SCOPED_TRACE(name);
  Observed before, after;
  uint64_t n_ops = 0;
  {
    auto mem = NewMemoryFileSystem();
    const std::string group = NewStagingGroup();
    auto parts = setup(mem, group);
    before = Observe(mem);
    auto fault = std::make_shared<FaultInjectionFileSystem>(mem, 1);
    auto ds = OrderedDataset::Open(fault, kDir).ValueOrDie();
    Status st = ds.CommitStaged(parts);
    ASSERT_TRUE(st.ok()) << st.ToString();
    n_ops = fault->operation_count();
    mem->SimulateCrash();
    after = Observe(mem);
  }
  ASSERT_FALSE(before == after);
  for (Kind kind : {Kind::kCrash, Kind::kError, Kind::kNoSpace}) {
    int saw_before = 0, saw_after = 0;
    for (uint64_t k = 1; k <= n_ops; ++k) {
      auto mem = NewMemoryFileSystem();
      const std::string group = NewStagingGroup();
      auto parts = setup(mem, group);
      auto fault = std::make_shared<FaultInjectionFileSystem>(mem, 1000 + k);
      fault->FailAt(k, kind);
      Status st;
      {
        auto ds = OrderedDataset::Open(fault, kDir).ValueOrDie();
        st = ds.CommitStaged(parts);
      }
      const std::string where = std::to_string(static_cast<int>(kind)) + " at op " +
                                std::to_string(k) + " of " + std::to_string(n_ops) + " (" +
                                st.ToString() + ")";
      if (kind != Kind::kCrash) {
        Observed now = Observe(mem);
        if (st.ok()) {
          ASSERT_TRUE(now == after) << where;
        } else if (now == after) {
          const auto ops = fault->operations();
          ASSERT_EQ(ops[k - 1].op, FaultInjectionFileSystem::kSyncDir) << where;
        } else {
          ASSERT_TRUE(now == before) << where;
        }
      }
      mem->SimulateCrash();
      fault->Reset();
      Observed got = Observe(mem);
      if (got == before) {
        ASSERT_FALSE(st.ok()) << "returned OK but not durable; " << where;
        ++saw_before;
      } else {
        ASSERT_TRUE(got == after) << "neither before nor after; " << where;
        ++saw_after;
      }
      // The next write keeps the state and sweeps the run above the mark;
      // AbortStaging removes what is still staged.
      auto ds = OrderedDataset::Open(mem, kDir).ValueOrDie();
      ASSERT_TRUE(ds.Write(AB(1000, 1001), {.ordered_on = "a"}).ok()) << where;
      Observed next = Observe(mem);
      ASSERT_TRUE(got.data.num_rows() == 0 ||
                  next.data.Slice(0, got.data.num_rows()).Equals(got.data))
          << where;
      ASSERT_TRUE(ds.AbortStaging(group).ok()) << where;
      ASSERT_TRUE(OnlyListedFiles(mem)) << where;
    }
    std::printf("[          ] %s, fault %d at each of %llu ops: %d before, %d after\n",
                name.c_str(), static_cast<int>(kind), static_cast<unsigned long long>(n_ops),
                saw_before, saw_after);
    EXPECT_GT(saw_before, 0);
    if (kind == Kind::kCrash) {
      EXPECT_GT(saw_after, 0);
    }
  }
}

TEST(StagedWriteTest, FaultAtEveryOperationOfAnAppendCommit) {
  SweepCommit("append", [](const std::shared_ptr<FileSystem>& fs, const std::string& group) {
    auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
    EXPECT_TRUE(ds.Write(AB(0, 5), {.ordered_on = "a", .row_group_target_size = 2}).ok());
    return std::vector<StagedPart>{ds.Stage(AB(5, 9), Opts(group, 2)).ValueOrDie(),
                                   ds.Stage(AB(9, 10), Opts(group, 2)).ValueOrDie()};
  });
}

TEST(StagedWriteTest, FaultAtEveryOperationOfAFirstCommit) {
  SweepCommit("create", [](const std::shared_ptr<FileSystem>& fs, const std::string& group) {
    auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
    return std::vector<StagedPart>{ds.Stage(AB(0, 3), Opts(group, 2)).ValueOrDie(),
                                   ds.Stage(AB(3, 6), Opts(group, 2)).ValueOrDie()};
  });
}

}  // namespace
}  // namespace oups
