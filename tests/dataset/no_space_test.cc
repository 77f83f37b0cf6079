// Error messages of writes that run out of space (GitHub issue 11, point 12:
// "paths printed twice in ENOSPC errors"). ENOSPC is injected at every single
// mutating file-system call of a first write, an append and a merge; every
// error the write returns names the file of the failed call exactly once and
// says what happened.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"
#include "testing/fault_injection_file_system.h"

namespace oups {
namespace {

using Kind = FaultInjectionFileSystem::FaultKind;

Table TsTable(const std::vector<int64_t>& ts) {
  std::vector<int64_t> v;
  for (int64_t t : ts) v.push_back(t * 10);
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()},
                    {"v", ColumnFromVector(DataType::Int64(), v).ValueOrDie()}})
      .ValueOrDie();
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

struct Scenario {
  const char* name;
  std::vector<int64_t> before;  // rows written first (none: a first write)
  std::vector<int64_t> write;   // the write that runs out of space
};

TEST(NoSpace, EveryErrorNamesTheFileOnce) {
  const std::vector<Scenario> scenarios = {
      {"first write", {}, {1, 2, 3, 4, 5}},
      {"append", {1, 2, 3, 4}, {5, 6, 7}},
      {"merge", {1, 3, 5, 7}, {2, 4, 6}},
  };
  for (const Scenario& sc : scenarios) {
    SCOPED_TRACE(sc.name);
    auto setup = [&](const std::shared_ptr<FileSystem>& fs) {
      if (sc.before.empty()) return;
      auto ds = OrderedDataset::Open(fs, "/data/ds").ValueOrDie();
      WriteOptions wo;
      wo.ordered_on = "ts";
      wo.row_group_target_size = int64_t{2};
      ASSERT_TRUE(ds.Write(TsTable(sc.before), wo).ok());
    };
    WriteOptions wo;
    wo.ordered_on = "ts";
    wo.row_group_target_size = int64_t{2};
    uint64_t n_ops = 0;
    {
      auto mem = NewMemoryFileSystem();
      setup(mem);
      auto fault = std::make_shared<FaultInjectionFileSystem>(mem, 1);
      auto ds = OrderedDataset::Open(fault, "/data/ds").ValueOrDie();
      ASSERT_TRUE(ds.Write(TsTable(sc.write), wo).ok());
      n_ops = fault->operation_count();
    }
    ASSERT_GT(n_ops, 3u);
    int failures = 0;
    for (uint64_t k = 1; k <= n_ops; ++k) {
      auto mem = NewMemoryFileSystem();
      setup(mem);
      auto fault = std::make_shared<FaultInjectionFileSystem>(mem, 100 + k);
      fault->FailAt(k, Kind::kNoSpace);
      auto ds = OrderedDataset::Open(fault, "/data/ds").ValueOrDie();
      const Status st = ds.Write(TsTable(sc.write), wo);
      if (st.ok()) continue;  // e.g. a best-effort deletion after the commit
      ++failures;
      const std::string msg = st.message();
      SCOPED_TRACE("fault at op " + std::to_string(k) + ": " + msg);
      EXPECT_TRUE(st.IsIOError());
      EXPECT_EQ(Count(msg, "No space left on device"), 1u);
      for (const auto& op : fault->operations()) {
        if (!op.failed) continue;
        if (op.op == FaultInjectionFileSystem::kRename) {
          const size_t arrow = op.path.find(" -> ");
          ASSERT_NE(arrow, std::string::npos);
          EXPECT_EQ(Count(msg, op.path.substr(0, arrow)), 1u);
          EXPECT_LE(Count(msg, op.path.substr(arrow + 4)), 1u);
        } else {
          EXPECT_EQ(Count(msg, op.path), 1u) << FaultInjectionFileSystem::OpName(op.op);
        }
      }
    }
    EXPECT_GT(failures, 0);
  }
}

}  // namespace
}  // namespace oups
