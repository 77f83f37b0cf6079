#include "oups/io/memory_file_system.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace oups {
namespace {

std::string Read(FileSystem& fs, const std::string& path) {
  auto b = fs.ReadFile(path);
  // (append, not "<" + ...: GCC 12 -O3 raises a false -Wrestrict on that)
  if (!b.ok()) return std::string("<").append(b.status().ToString()).append(">");
  return std::string((*b)->view());
}

// Writes `bytes` to `path`, optionally syncing the file.
void Write(FileSystem& fs, const std::string& path, std::string_view bytes, bool sync) {
  auto w = fs.OpenForWrite(path);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append(bytes).ok());
  if (sync) {
    ASSERT_TRUE((*w)->Sync().ok());
  }
  ASSERT_TRUE((*w)->Close().ok());
}

TEST(MemoryFileSystem, BasicOperations) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->CreateDirs("a/b/c").ok());
  ASSERT_TRUE(fs->CreateDirs("/a/b/c/").ok());  // same directory
  Write(*fs, "a/zeta", "12345", false);
  Write(*fs, "a/alpha", "", false);
  auto list = fs->ListDir("a");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].name, "alpha");
  EXPECT_EQ((*list)[1].name, "b");
  EXPECT_TRUE((*list)[1].is_dir);
  EXPECT_EQ((*list)[2].name, "zeta");
  EXPECT_EQ((*list)[2].size, 5);
  EXPECT_EQ(fs->Stat("a/zeta")->size, 5);
  EXPECT_EQ(fs->Stat("a/zeta")->name, "zeta");
  EXPECT_TRUE(fs->Stat("a/b")->is_dir);
  EXPECT_TRUE(*fs->Exists("/a//b/./c"));
  EXPECT_FALSE(*fs->Exists("a/nope"));
  EXPECT_FALSE(*fs->Exists("a/zeta/under_a_file"));

  EXPECT_TRUE(fs->ListDir("missing").status().IsNotFound());
  EXPECT_TRUE(fs->ListDir("a/zeta").status().IsIOError());
  EXPECT_TRUE(fs->OpenForRead("missing").status().IsNotFound());
  EXPECT_TRUE(fs->OpenForRead("a").status().IsIOError());
  EXPECT_TRUE(fs->OpenForWrite("nodir/f").status().IsNotFound());
  EXPECT_TRUE(fs->OpenForWrite("a/b").status().IsIOError());
  EXPECT_FALSE(fs->CreateDirs("a/zeta/x").ok());
  EXPECT_TRUE(fs->DeleteDir("a/b").IsIOError());  // not empty
  EXPECT_TRUE(fs->DeleteDir("a/zeta").IsIOError());
  EXPECT_TRUE(fs->DeleteFile("a/b").IsIOError());
  EXPECT_TRUE(fs->DeleteFile("a/nope").IsNotFound());
  EXPECT_TRUE(fs->Exists("../x").status().IsInvalidArgument());
  ASSERT_TRUE(fs->DeleteDir("a/b/c").ok());
  ASSERT_TRUE(fs->DeleteDir("a/b").ok());
  ASSERT_TRUE(fs->DeleteFile("a/alpha").ok());
  EXPECT_EQ(fs->ListDir("a")->size(), 1u);
}

TEST(MemoryFileSystem, ReadsAndShortReads) {
  auto fs = NewMemoryFileSystem();
  Write(*fs, "f", "0123456789", false);
  auto r = fs->OpenForRead("f");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*(*r)->Size(), 10);
  uint8_t out[4];
  ASSERT_TRUE((*r)->ReadAt(3, 4, out).ok());
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 4), "3456");
  Status st = (*r)->ReadAt(4, 10, out);
  ASSERT_TRUE(st.IsIOError());
  EXPECT_EQ(st.message(), "unexpected end of file f: wanted 10 bytes at offset 4, file has 10");
  EXPECT_TRUE((*r)->ReadAt(11, 0).status().IsIOError());
  EXPECT_TRUE((*r)->ReadAt(-1, 1).status().IsInvalidArgument());
  EXPECT_EQ((*(*r)->ReadAt(10, 0))->size(), 0);
}

TEST(MemoryFileSystem, ZeroCopyViewIsAnImmutableSnapshot) {
  auto fs = NewMemoryFileSystem();
  auto w = fs->OpenForWrite("f");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append("hello").ok());
  auto r = fs->OpenForRead("f");
  ASSERT_TRUE(r.ok());
  auto view = (*r)->ReadAt(0, 5);
  ASSERT_TRUE(view.ok());
  const uint8_t* before = (*view)->data();
  // Appends copy rather than changing the snapshot the view points into.
  ASSERT_TRUE((*w)->Append(std::string(1000, 'x')).ok());
  EXPECT_EQ((*view)->view(), "hello");
  EXPECT_EQ((*view)->data(), before);
  // The reader sees the appended bytes (live, like POSIX).
  EXPECT_EQ(*(*r)->Size(), 1005);
  // Truncating re-open: the old view survives.
  Write(*fs, "f", "new", false);
  EXPECT_EQ((*view)->view(), "hello");
  EXPECT_EQ(Read(*fs, "f"), "new");
  // A reader of a deleted file keeps reading it (unlinked inode).
  ASSERT_TRUE(fs->DeleteFile("f").ok());
  EXPECT_EQ((*(*r)->ReadAt(0, 3))->view(), "new");
}

TEST(MemoryFileSystem, RenameSemantics) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->CreateDirs("d/sub").ok());
  Write(*fs, "d/old", "old", false);
  Write(*fs, "d/tmp", "new", false);
  ASSERT_TRUE(fs->Rename("d/tmp", "d/old").ok());
  EXPECT_EQ(Read(*fs, "d/old"), "new");
  EXPECT_FALSE(*fs->Exists("d/tmp"));
  EXPECT_TRUE(fs->Rename("d/tmp", "d/x").IsNotFound());
  EXPECT_TRUE(fs->Rename("d/old", "d/sub").IsIOError());     // file over directory
  EXPECT_TRUE(fs->Rename("d", "d/sub/inner").IsIOError());  // into its own subtree
  ASSERT_TRUE(fs->Rename("d/old", "d/old").ok());
  ASSERT_TRUE(fs->Rename("d/old", "d/sub/moved").ok());
  EXPECT_EQ(Read(*fs, "d/sub/moved"), "new");
}

TEST(MemoryFileSystem, CrashDropsUnsyncedData) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->CreateDirs("d").ok());
  ASSERT_TRUE(fs->SyncDir("/").ok());
  auto w = fs->OpenForWrite("d/f");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append("synced.").ok());
  ASSERT_TRUE((*w)->Sync().ok());
  ASSERT_TRUE((*w)->Append("unsynced").ok());
  ASSERT_TRUE(fs->SyncDir("d").ok());
  EXPECT_EQ(Read(*fs, "d/f"), "synced.unsynced");
  fs->SimulateCrash();
  EXPECT_EQ(Read(*fs, "d/f"), "synced.");
  // Open handles are dead after the crash.
  EXPECT_TRUE((*w)->Append("x").IsIOError());
  EXPECT_TRUE((*w)->Sync().IsIOError());
}

TEST(MemoryFileSystem, CrashDropsFilesWhoseDirectoryWasNotSynced) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->CreateDirs("d").ok());
  ASSERT_TRUE(fs->SyncDir("/").ok());
  Write(*fs, "d/synced_file_unsynced_dir", "data", true);
  fs->SimulateCrash();
  EXPECT_FALSE(*fs->Exists("d/synced_file_unsynced_dir"));
  EXPECT_TRUE(*fs->Exists("d"));

  // Entry synced, content not: the file exists, empty.
  Write(*fs, "d/unsynced_content", "data", false);
  ASSERT_TRUE(fs->SyncDir("d").ok());
  fs->SimulateCrash();
  EXPECT_EQ(Read(*fs, "d/unsynced_content"), "");
}

TEST(MemoryFileSystem, SyncFileSystemMakesEverythingDurable) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->CreateDirs("a/b").ok());
  Write(*fs, "a/b/f", "data", false);  // neither content nor entries synced
  Write(*fs, "g", "more", false);
  EXPECT_TRUE(fs->SyncFileSystem("a/b").ok());
  fs->SimulateCrash();
  EXPECT_EQ(Read(*fs, "a/b/f"), "data");
  EXPECT_EQ(Read(*fs, "g"), "more");
  EXPECT_TRUE(fs->SyncFileSystem("missing").IsNotFound());
}

TEST(MemoryFileSystem, CrashDropsUnsyncedDirectories) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->CreateDirs("a/b").ok());
  ASSERT_TRUE(fs->SyncDir("a").ok());  // b durable in a, but a not durable in root
  fs->SimulateCrash();
  EXPECT_FALSE(*fs->Exists("a"));
  ASSERT_TRUE(fs->CreateDirs("a/b").ok());
  ASSERT_TRUE(fs->SyncDir("/").ok());
  ASSERT_TRUE(fs->SyncDir("a").ok());
  fs->SimulateCrash();
  EXPECT_TRUE(*fs->Exists("a/b"));
}

TEST(MemoryFileSystem, CrashRevertsUnsyncedRenameAndKeepsSyncedOne) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->CreateDirs("d").ok());
  ASSERT_TRUE(fs->SyncDir("/").ok());
  Write(*fs, "d/meta", "v1", true);
  ASSERT_TRUE(fs->SyncDir("d").ok());

  // Unsynced rename over the committed file: reverted.
  Write(*fs, "d/meta.tmp", "v2", true);
  ASSERT_TRUE(fs->Rename("d/meta.tmp", "d/meta").ok());
  EXPECT_EQ(Read(*fs, "d/meta"), "v2");
  fs->SimulateCrash();
  EXPECT_EQ(Read(*fs, "d/meta"), "v1");
  EXPECT_FALSE(*fs->Exists("d/meta.tmp"));

  // Synced rename: kept.
  Write(*fs, "d/meta.tmp", "v3", true);
  ASSERT_TRUE(fs->Rename("d/meta.tmp", "d/meta").ok());
  ASSERT_TRUE(fs->SyncDir("d").ok());
  fs->SimulateCrash();
  EXPECT_EQ(Read(*fs, "d/meta"), "v3");
  EXPECT_FALSE(*fs->Exists("d/meta.tmp"));

  // Unsynced deletion: reverted; synced deletion: kept.
  ASSERT_TRUE(fs->DeleteFile("d/meta").ok());
  fs->SimulateCrash();
  EXPECT_EQ(Read(*fs, "d/meta"), "v3");
  ASSERT_TRUE(fs->DeleteFile("d/meta").ok());
  ASSERT_TRUE(fs->SyncDir("d").ok());
  fs->SimulateCrash();
  EXPECT_FALSE(*fs->Exists("d/meta"));
}

TEST(MemoryFileSystem, CrashRevertsUnsyncedTruncation) {
  auto fs = NewMemoryFileSystem();
  Write(*fs, "f", "durable", true);
  ASSERT_TRUE(fs->SyncDir("/").ok());
  Write(*fs, "f", "rewritten", false);
  fs->SimulateCrash();
  EXPECT_EQ(Read(*fs, "f"), "durable");
}

TEST(MemoryFileSystem, ReadersInvalidatedByCrash) {
  auto fs = NewMemoryFileSystem();
  Write(*fs, "f", "abc", true);
  ASSERT_TRUE(fs->SyncDir("/").ok());
  auto r = fs->OpenForRead("f");
  ASSERT_TRUE(r.ok());
  fs->SimulateCrash();
  EXPECT_TRUE((*r)->ReadAt(0, 1).status().IsIOError());
  EXPECT_TRUE((*r)->Size().status().IsIOError());
  EXPECT_EQ(Read(*fs, "f"), "abc");  // a fresh handle works
}

TEST(MemoryFileSystem, LockIsExclusiveAndTimesOut) {
  auto fs = NewMemoryFileSystem();
  auto l1 = fs->Lock("x.lock", std::chrono::milliseconds(0));
  ASSERT_TRUE(l1.ok());
  EXPECT_TRUE(*fs->Exists("x.lock"));  // created
  auto start = std::chrono::steady_clock::now();
  auto l2 = fs->Lock("/x.lock", std::chrono::milliseconds(50));
  EXPECT_EQ(l2.status().code(), StatusCode::kTimeout);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(45));
  EXPECT_TRUE(fs->Lock("other.lock", std::chrono::milliseconds(0)).ok());
  EXPECT_TRUE(fs->Lock("nodir/x.lock", std::chrono::milliseconds(0)).status().IsNotFound());

  // A waiter is woken when the holder releases.
  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    auto l = fs->Lock("x.lock", std::chrono::milliseconds(-1));
    acquired = l.ok();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(acquired.load());
  l1->reset();
  waiter.join();
  EXPECT_TRUE(acquired.load());
  EXPECT_TRUE(fs->Lock("x.lock", std::chrono::milliseconds(0)).ok());
}

TEST(MemoryFileSystem, CrashReleasesLocks) {
  auto fs = NewMemoryFileSystem();
  auto l1 = fs->Lock("x.lock", std::chrono::milliseconds(0));
  ASSERT_TRUE(l1.ok());
  fs->SimulateCrash();
  auto l2 = fs->Lock("x.lock", std::chrono::milliseconds(0));
  ASSERT_TRUE(l2.ok());
  l1->reset();  // the stale lock's release must not free the new holder's
  EXPECT_EQ(fs->Lock("x.lock", std::chrono::milliseconds(0)).status().code(),
            StatusCode::kTimeout);
}

TEST(MemoryFileSystem, ConcurrentWritersAndReaders) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->CreateDirs("d").ok());
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        std::string path = "d/f" + std::to_string(t) + "_" + std::to_string(i % 5);
        std::string content(static_cast<size_t>(i + 1), static_cast<char>('a' + t));
        if (!fs->WriteFile(path, content).ok()) ++errors;
        auto b = fs->ReadFile(path);
        if (!b.ok() || (*b)->view() != content) ++errors;
        if (!fs->ListDir("d").ok()) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(fs->ListDir("d")->size(), 20u);
}

// O_EXCL semantics: an existing file or directory is left untouched.
TEST(MemoryFileSystem, CreateNewFileNeverReplacesAnExistingEntry) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->CreateDirs("d").ok());
  auto w = fs->CreateNewFile("d/f");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append("first").ok());
  ASSERT_TRUE((*w)->Sync().ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto again = fs->CreateNewFile("d/f");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find("d/f"), std::string::npos);
  EXPECT_EQ(Read(*fs, "d/f"), "first");
  EXPECT_EQ(fs->CreateNewFile("d").status().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(fs->CreateNewFile("nodir/f").status().IsNotFound());
  // Like any creation, the entry is durable only once its directory is synced.
  ASSERT_TRUE(fs->CreateNewFile("d/g").ok());
  fs->SimulateCrash();
  EXPECT_FALSE(fs->Exists("d/g").ValueOrDie());
}

}  // namespace
}  // namespace oups
