#include "testing/fault_injection_file_system.h"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "oups/io/memory_file_system.h"

namespace oups {
namespace {

using FaultKind = FaultInjectionFileSystem::FaultKind;
using FIFS = FaultInjectionFileSystem;

std::string Read(FileSystem& fs, const std::string& path) {
  auto b = fs.ReadFile(path);
  // (append, not "<" + ...: GCC 12 -O3 raises a false -Wrestrict on that)
  if (!b.ok()) return std::string("<").append(b.status().ToString()).append(">");
  return std::string((*b)->view());
}

// A miniature commit protocol: write the data file, then atomically replace
// the "meta" file naming it. 11 counted operations.
Status Commit(FileSystem& fs, const std::string& version) {
  OUPS_RETURN_NOT_OK(fs.CreateDirs("d"));                       // 1
  OUPS_ASSIGN_OR_RETURN(auto data, fs.OpenForWrite("d/data_" + version));  // 2
  OUPS_RETURN_NOT_OK(data->Append("payload " + version));       // 3
  OUPS_RETURN_NOT_OK(data->Sync());                             // 4
  OUPS_RETURN_NOT_OK(data->Close());                            // 5
  OUPS_ASSIGN_OR_RETURN(auto meta, fs.OpenForWrite("d/meta.tmp"));  // 6
  OUPS_RETURN_NOT_OK(meta->Append(version));                    // 7
  OUPS_RETURN_NOT_OK(meta->Sync());                             // 8
  OUPS_RETURN_NOT_OK(meta->Close());                            // 9
  OUPS_RETURN_NOT_OK(fs.Rename("d/meta.tmp", "d/meta"));        // 10
  return fs.SyncDir("d");                                       // 11
}

TEST(FaultInjectionFileSystem, CountsMutatingOperationsOnly) {
  auto mem = NewMemoryFileSystem();
  FIFS fs(mem, 1);
  ASSERT_TRUE(Commit(fs, "v1").ok());
  EXPECT_EQ(fs.operation_count(), 11u);
  // Reads are not counted.
  EXPECT_EQ(Read(fs, "d/meta"), "v1");
  EXPECT_TRUE(*fs.Exists("d/meta"));
  EXPECT_EQ(fs.ListDir("d")->size(), 2u);
  EXPECT_EQ(fs.operation_count(), 11u);
  { auto lock = fs.Lock("d.lock", std::chrono::milliseconds(0)); ASSERT_TRUE(lock.ok()); }
  ASSERT_TRUE(fs.DeleteFile("d/data_v1").ok());
  ASSERT_TRUE(fs.CreateDirs("e").ok());
  ASSERT_TRUE(fs.DeleteDir("e").ok());
  EXPECT_EQ(fs.operation_count(), 15u);

  auto ops = fs.operations();
  ASSERT_EQ(ops.size(), 15u);
  EXPECT_EQ(ops[0].op, FIFS::kCreateDirs);
  EXPECT_EQ(ops[2].op, FIFS::kAppend);
  EXPECT_EQ(ops[2].path, "d/data_v1");
  EXPECT_EQ(ops[9].op, FIFS::kRename);
  EXPECT_EQ(ops[9].path, "d/meta.tmp -> d/meta");
  EXPECT_EQ(ops[11].op, FIFS::kLock);
  EXPECT_EQ(FIFS::OpName(ops[10].op), "SyncDir");
  EXPECT_EQ(ops[14].number, 15u);
  fs.Reset();
  EXPECT_EQ(fs.operation_count(), 0u);
  EXPECT_TRUE(fs.operations().empty());
}

TEST(FaultInjectionFileSystem, ErrorFailsOnlyTheChosenCallAndDoesNothing) {
  auto mem = NewMemoryFileSystem();
  FIFS fs(mem, 1);
  fs.FailAt(10, FaultKind::kError);  // the rename
  Status st = Commit(fs, "v1");
  ASSERT_TRUE(st.IsIOError());
  EXPECT_EQ(st.message(), "rename d/meta.tmp to d/meta: injected I/O error");
  EXPECT_FALSE(*mem->Exists("d/meta"));
  EXPECT_TRUE(*mem->Exists("d/meta.tmp"));
  EXPECT_FALSE(fs.crashed());
  EXPECT_EQ(fs.faults_injected(), 1u);
  // Later calls work: a retry succeeds.
  ASSERT_TRUE(fs.Rename("d/meta.tmp", "d/meta").ok());
  EXPECT_EQ(Read(fs, "d/meta"), "v1");
}

TEST(FaultInjectionFileSystem, NoSpaceOnAppendWritesATornPrefix) {
  std::string data(1000, 'z');
  int torn_sizes = 0;
  int64_t first_torn = -1;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    auto mem = NewMemoryFileSystem();
    FIFS fs(mem, seed);
    auto w = fs.OpenForWrite("f");
    ASSERT_TRUE(w.ok());
    fs.FailAt(2, FaultKind::kNoSpace);
    Status st = (*w)->Append(data);
    ASSERT_TRUE(st.IsIOError());
    EXPECT_EQ(st.message(), "append to f: No space left on device (injected)");
    int64_t size = mem->Stat("f")->size;
    EXPECT_GE(size, 0);
    EXPECT_LT(size, 1000);
    if (seed == 0) first_torn = size;
    torn_sizes += size > 0;
    EXPECT_EQ(Read(*mem, "f"), data.substr(0, static_cast<size_t>(size)));
  }
  EXPECT_GT(torn_sizes, 0);
  // Same seed, same torn length.
  auto mem = NewMemoryFileSystem();
  FIFS fs(mem, 0);
  auto w = fs.OpenForWrite("f");
  fs.FailAt(2, FaultKind::kNoSpace);
  EXPECT_TRUE((*w)->Append(data).IsIOError());
  EXPECT_EQ(mem->Stat("f")->size, first_torn);
}

// CreateNewFile is counted (as an OpenForWrite), can fail, and keeps the
// base's exclusive semantics.
TEST(FaultInjectionFileSystem, CreateNewFileIsCountedAndExclusive) {
  auto mem = NewMemoryFileSystem();
  FIFS fs(mem, 7);
  auto w = fs.CreateNewFile("f");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append("x").ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(fs.operation_count(), 3u);
  EXPECT_EQ(fs.operations()[0].op, FIFS::kOpenForWrite);
  EXPECT_EQ(fs.CreateNewFile("f").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Read(*mem, "f"), "x");
  fs.FailAt(5, FaultKind::kError);
  EXPECT_TRUE(fs.CreateNewFile("g").status().IsIOError());
  EXPECT_FALSE(mem->Exists("g").ValueOrDie());
}

TEST(FaultInjectionFileSystem, NoSpaceOnOtherCallsDoesNothing) {
  auto mem = NewMemoryFileSystem();
  FIFS fs(mem, 3);
  fs.FailAt(1, FaultKind::kNoSpace);
  Status st = fs.CreateDirs("d");
  ASSERT_TRUE(st.IsIOError());
  EXPECT_NE(st.message().find("No space left on device"), std::string::npos);
  EXPECT_FALSE(*mem->Exists("d"));
}

TEST(FaultInjectionFileSystem, CrashStopsEverythingUntilReset) {
  auto mem = NewMemoryFileSystem();
  FIFS fs(mem, 1);
  fs.FailAt(7, FaultKind::kCrash);
  Status st = Commit(fs, "v1");
  ASSERT_TRUE(st.IsIOError());
  EXPECT_EQ(st.message(), "append to d/meta.tmp: simulated crash");
  EXPECT_TRUE(fs.crashed());
  EXPECT_TRUE(fs.CreateDirs("x").IsIOError());
  EXPECT_TRUE(fs.OpenForRead("d/data_v1").status().IsIOError());
  EXPECT_TRUE(fs.ListDir("d").status().IsIOError());
  EXPECT_NE(fs.Exists("d").status().message().find("simulated crash"), std::string::npos);
  mem->SimulateCrash();
  fs.Reset();
  EXPECT_FALSE(fs.crashed());
  EXPECT_FALSE(*fs.Exists("d"));  // nothing was ever made durable in "/"
  ASSERT_TRUE(Commit(fs, "v2").ok());
}

TEST(FaultInjectionFileSystem, CrashSweepLeavesOldOrNewNeverAMix) {
  // Baseline: how many operations does a commit take?
  uint64_t n;
  {
    auto mem = NewMemoryFileSystem();
    FIFS fs(mem, 7);
    ASSERT_TRUE(Commit(fs, "v1").ok());
    ASSERT_TRUE(fs.SyncDir("/").ok());
    fs.Reset();
    ASSERT_TRUE(Commit(fs, "v2").ok());
    n = fs.operation_count();
  }
  ASSERT_EQ(n, 11u);
  for (uint64_t k = 1; k <= n + 1; ++k) {
    SCOPED_TRACE("crash at operation " + std::to_string(k));
    auto mem = NewMemoryFileSystem();
    FIFS fs(mem, 7);
    ASSERT_TRUE(Commit(fs, "v1").ok());
    ASSERT_TRUE(fs.SyncDir("/").ok());
    fs.Reset();
    fs.FailAt(k, FaultKind::kCrash);
    Status st = Commit(fs, "v2");
    EXPECT_EQ(st.ok(), k > n);
    mem->SimulateCrash();
    fs.Reset();
    std::string meta = Read(fs, "d/meta");
    ASSERT_TRUE(meta == "v1" || meta == "v2") << meta;
    // The version the meta file names is fully readable.
    EXPECT_EQ(Read(fs, "d/data_" + meta), "payload " + meta);
    // Committed only once the directory sync succeeded.
    EXPECT_EQ(meta, k > n ? "v2" : "v1");
  }
}

TEST(FaultInjectionFileSystem, FailAtCanTargetAnOperationType) {
  auto mem = NewMemoryFileSystem();
  FIFS fs(mem, 1);
  fs.FailAt(2, FaultKind::kError, FIFS::kSync);  // the second Sync: the meta file's
  Status st = Commit(fs, "v1");
  ASSERT_TRUE(st.IsIOError());
  EXPECT_EQ(st.message(), "sync d/meta.tmp: injected I/O error");
  EXPECT_EQ(fs.operation_count(), 8u);
}

TEST(FaultInjectionFileSystem, FailRandomlyIsSeeded) {
  auto run = [](uint64_t seed) {
    auto mem = NewMemoryFileSystem();
    FIFS fs(mem, seed);
    fs.FailRandomly(3, FaultKind::kError);
    std::string pattern;
    for (int i = 0; i < 60; ++i) pattern += fs.CreateDirs(std::string("d").append(std::to_string(i))).ok() ? '.' : 'x';
    return pattern;
  };
  std::string a = run(42);
  EXPECT_EQ(a, run(42));
  EXPECT_NE(a, run(43));
  auto fails = std::count(a.begin(), a.end(), 'x');
  EXPECT_GT(fails, 5);
  EXPECT_LT(fails, 40);

  // Restricted to Sync: nothing else ever fails.
  auto mem = NewMemoryFileSystem();
  FIFS fs(mem, 5);
  fs.FailRandomly(1, FaultKind::kError, FIFS::kSync);
  auto w = fs.OpenForWrite("f");
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE((*w)->Append("abc").ok());
  EXPECT_TRUE((*w)->Sync().IsIOError());
  EXPECT_TRUE((*w)->Close().ok());
  fs.Reset();  // disables random faults
  EXPECT_TRUE(fs.SyncDir("/").ok());
}

TEST(FaultInjectionFileSystem, ForwardsToTheBaseOtherwise) {
  auto mem = NewMemoryFileSystem();
  FIFS fs(mem, 1);
  ASSERT_TRUE(fs.WriteFile("f", "abcdef").ok());
  auto r = fs.OpenForRead("f");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*(*r)->Size(), 6);
  EXPECT_EQ((*(*r)->ReadAt(1, 3))->view(), "bcd");
  uint8_t out[2];
  ASSERT_TRUE((*r)->ReadAt(4, 2, out).ok());
  EXPECT_EQ(out[0], 'e');
  EXPECT_EQ(fs.Stat("f")->size, 6);
  ASSERT_TRUE(fs.Rename("f", "g").ok());
  EXPECT_EQ(Read(*mem, "g"), "abcdef");
  auto w = fs.OpenForWrite("h");
  ASSERT_TRUE((*w)->Append("xy").ok());
  EXPECT_EQ((*w)->Tell(), 2);
  EXPECT_EQ((*w)->path(), "h");
  // Reads after a crash fail on already-open files too.
  fs.FailAt(fs.operation_count() + 1, FaultKind::kCrash);
  EXPECT_TRUE((*w)->Sync().IsIOError());
  EXPECT_TRUE((*r)->ReadAt(0, 1).status().IsIOError());
  EXPECT_TRUE((*r)->Size().status().IsIOError());
}

}  // namespace
}  // namespace oups
