#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "oups/io/file_system.h"
#include "test_util.h"

namespace oups {
namespace {

using testing_io::TempDir;

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + 7) % 251);
  return s;
}

TEST(LocalFileSystem, SharedInstance) { EXPECT_EQ(LocalFileSystem(), LocalFileSystem()); }

TEST(LocalFileSystem, WriteReadRoundTrip) {
  TempDir dir;
  auto fs = LocalFileSystem();
  std::string path = dir.Sub("f.bin");
  auto w = fs->OpenForWrite(path);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append("abc").ok());
  ASSERT_TRUE((*w)->Append("defg").ok());
  EXPECT_EQ((*w)->Tell(), 7);
  ASSERT_TRUE((*w)->Sync().ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_TRUE((*w)->Append("x").IsIOError());
  EXPECT_TRUE((*w)->Close().IsIOError());

  auto r = fs->OpenForRead(path);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*(*r)->Size(), 7);
  uint8_t out[3];
  ASSERT_TRUE((*r)->ReadAt(2, 3, out).ok());
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 3), "cde");
  auto buf = (*r)->ReadAt(4, 3);
  ASSERT_TRUE(buf.ok());
  EXPECT_EQ((*buf)->view(), "efg");
  auto empty = (*r)->ReadAt(7, 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ((*empty)->size(), 0);
  EXPECT_EQ((*r)->path(), path);
}

TEST(LocalFileSystem, SyncFileSystem) {
  TempDir dir;
  auto fs = LocalFileSystem();
  ASSERT_TRUE(fs->WriteFile(dir.path() + "/f", "data").ok());
  EXPECT_TRUE(fs->SyncFileSystem(dir.path()).ok());
  EXPECT_TRUE(fs->SyncFileSystem(dir.path() + "/f").ok());
  Status missing = fs->SyncFileSystem(dir.path() + "/missing");
  EXPECT_TRUE(missing.IsNotFound()) << missing.ToString();
}

TEST(LocalFileSystem, LargeWritesCrossTheBuffer) {
  TempDir dir;
  auto fs = LocalFileSystem();
  std::string path = dir.Sub("big");
  std::string data = Pattern(3 * 1024 * 1024 + 17);
  auto w = fs->OpenForWrite(path);
  ASSERT_TRUE(w.ok());
  // Mixed small and large appends, crossing the 1 MiB buffer boundary.
  size_t pos = 0;
  std::vector<size_t> sizes = {1, 100, 1000000, 50000, 1500000, 7};
  for (size_t s : sizes) {
    ASSERT_TRUE((*w)->Append(data.data() + pos, static_cast<int64_t>(s)).ok());
    pos += s;
  }
  ASSERT_TRUE((*w)->Append(data.data() + pos, static_cast<int64_t>(data.size() - pos)).ok());
  EXPECT_EQ((*w)->Tell(), static_cast<int64_t>(data.size()));
  ASSERT_TRUE((*w)->Close().ok());
  auto buf = fs->ReadFile(path);
  ASSERT_TRUE(buf.ok());
  EXPECT_TRUE((*buf)->view() == data);
}

TEST(LocalFileSystem, DestructionWithoutCloseFlushes) {
  TempDir dir;
  auto fs = LocalFileSystem();
  {
    auto w = fs->OpenForWrite(dir.Sub("f"));
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append("buffered").ok());
  }
  EXPECT_EQ((*fs->ReadFile(dir.Sub("f")))->view(), "buffered");
}

TEST(LocalFileSystem, OpenForWriteTruncates) {
  TempDir dir;
  auto fs = LocalFileSystem();
  ASSERT_TRUE(fs->WriteFile(dir.Sub("f"), "long content").ok());
  ASSERT_TRUE(fs->WriteFile(dir.Sub("f"), "short").ok());
  EXPECT_EQ((*fs->ReadFile(dir.Sub("f")))->view(), "short");
}

// O_EXCL: an existing file (or directory) is never opened, truncated or
// replaced; the error names it.
TEST(LocalFileSystem, CreateNewFileNeverReplacesAnExistingEntry) {
  TempDir dir;
  auto fs = LocalFileSystem();
  auto w = fs->CreateNewFile(dir.Sub("f"));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append("first").ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto again = fs->CreateNewFile(dir.Sub("f"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find(dir.Sub("f")), std::string::npos);
  EXPECT_EQ((*fs->ReadFile(dir.Sub("f")))->view(), "first");
  ASSERT_TRUE(fs->CreateDirs(dir.Sub("d")).ok());
  EXPECT_EQ(fs->CreateNewFile(dir.Sub("d")).status().code(), StatusCode::kAlreadyExists);
  // A dangling symlink is an existing entry too: nothing is created through it.
  ASSERT_EQ(::symlink(dir.Sub("target").c_str(), dir.Sub("link").c_str()), 0);
  EXPECT_EQ(fs->CreateNewFile(dir.Sub("link")).status().code(), StatusCode::kAlreadyExists);
  EXPECT_FALSE(fs->Exists(dir.Sub("target")).ValueOrDie());
  EXPECT_TRUE(fs->CreateNewFile(dir.Sub("nodir/f")).status().IsNotFound());
}

TEST(LocalFileSystem, ShortReadIsAnErrorNamingTheFile) {
  TempDir dir;
  auto fs = LocalFileSystem();
  std::string path = dir.Sub("short");
  ASSERT_TRUE(fs->WriteFile(path, "0123456789").ok());
  auto r = fs->OpenForRead(path);
  ASSERT_TRUE(r.ok());
  std::vector<uint8_t> out(10);
  Status st = (*r)->ReadAt(4, 10, out.data());
  ASSERT_TRUE(st.IsIOError());
  EXPECT_EQ(st.message(), "unexpected end of file " + path +
                              ": wanted 10 bytes at offset 4, file has 10");
  EXPECT_TRUE((*r)->ReadAt(20, 1).status().IsIOError());
  EXPECT_TRUE((*r)->ReadAt(-1, 1).status().IsInvalidArgument());
}

TEST(LocalFileSystem, ConcurrentReads) {
  TempDir dir;
  auto fs = LocalFileSystem();
  std::string data = Pattern(1 << 16);
  ASSERT_TRUE(fs->WriteFile(dir.Sub("f"), data).ok());
  auto r = fs->OpenForRead(dir.Sub("f"));
  ASSERT_TRUE(r.ok());
  RandomAccessFile* file = r->get();
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        int64_t off = (t * 977 + i * 313) % (data.size() - 100);
        auto b = file->ReadAt(off, 100);
        if (!b.ok() || (*b)->view() != std::string_view(data).substr(off, 100)) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST(LocalFileSystem, MissingFilesAreNotFoundAndNamed) {
  TempDir dir;
  auto fs = LocalFileSystem();
  std::string path = dir.Sub("nope");
  auto r = fs->OpenForRead(path);
  ASSERT_TRUE(r.status().IsNotFound());
  EXPECT_NE(r.status().message().find(path), std::string::npos);
  EXPECT_NE(r.status().message().find("No such file or directory"), std::string::npos);
  EXPECT_TRUE(fs->Stat(path).status().IsNotFound());
  EXPECT_TRUE(fs->ListDir(path).status().IsNotFound());
  EXPECT_TRUE(fs->DeleteFile(path).IsNotFound());
  EXPECT_TRUE(fs->DeleteDir(path).IsNotFound());
  EXPECT_TRUE(fs->Rename(path, dir.Sub("x")).IsNotFound());
  EXPECT_TRUE(fs->OpenForWrite(dir.Sub("nodir/f")).status().IsNotFound());
  EXPECT_FALSE(*fs->Exists(path));
  EXPECT_FALSE(*fs->Exists(dir.Sub("nope/deeper")));
  EXPECT_TRUE(fs->OpenForRead(dir.path()).status().IsIOError());
}

TEST(LocalFileSystem, DirectoriesAndListing) {
  TempDir dir;
  auto fs = LocalFileSystem();
  std::string d = dir.Sub("a/b/c");
  ASSERT_TRUE(fs->CreateDirs(d).ok());
  ASSERT_TRUE(fs->CreateDirs(d).ok());  // idempotent
  ASSERT_TRUE(fs->CreateDirs(d + "/").ok());
  EXPECT_TRUE(*fs->Exists(d));
  ASSERT_TRUE(fs->WriteFile(dir.Sub("a/zeta"), "12345").ok());
  ASSERT_TRUE(fs->WriteFile(dir.Sub("a/alpha"), "").ok());
  ASSERT_TRUE(fs->CreateDirs(dir.Sub("a/mid")).ok());

  auto list = fs->ListDir(dir.Sub("a"));
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 4u);
  EXPECT_EQ((*list)[0].name, "alpha");
  EXPECT_EQ((*list)[1].name, "b");
  EXPECT_TRUE((*list)[1].is_dir);
  EXPECT_EQ((*list)[2].name, "mid");
  EXPECT_EQ((*list)[3].name, "zeta");
  EXPECT_EQ((*list)[3].size, 5);
  EXPECT_FALSE((*list)[3].is_dir);

  auto st = fs->Stat(dir.Sub("a/zeta"));
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->name, "zeta");
  EXPECT_EQ(st->size, 5);
  EXPECT_FALSE(st->is_dir);
  EXPECT_TRUE(fs->Stat(d)->is_dir);

  // A file in the way of a directory.
  EXPECT_FALSE(fs->CreateDirs(dir.Sub("a/zeta/sub")).ok());
  EXPECT_FALSE(fs->CreateDirs(dir.Sub("a/zeta")).ok());
  EXPECT_TRUE(fs->ListDir(dir.Sub("a/zeta")).status().IsIOError());

  // rmdir of a non-empty directory fails; then empties and deletes.
  Status nonempty = fs->DeleteDir(dir.Sub("a/b"));
  EXPECT_TRUE(nonempty.IsIOError());
  EXPECT_NE(nonempty.message().find(dir.Sub("a/b")), std::string::npos);
  ASSERT_TRUE(fs->DeleteDir(d).ok());
  ASSERT_TRUE(fs->DeleteDir(dir.Sub("a/b")).ok());
  ASSERT_TRUE(fs->DeleteFile(dir.Sub("a/zeta")).ok());
  EXPECT_FALSE(*fs->Exists(dir.Sub("a/zeta")));
  ASSERT_TRUE(fs->SyncDir(dir.Sub("a")).ok());
  EXPECT_TRUE(fs->SyncDir(dir.Sub("a/alpha")).IsIOError());
  EXPECT_TRUE(fs->CreateDirs("").IsInvalidArgument());
}

// Issue 11: one entry that cannot be examined (here a symbolic link to
// itself: ELOOP; EACCES and the like take the same path) does not fail the
// listing; it is returned with its error, and the other entries as usual.
TEST(LocalFileSystem, ListDirReturnsAnEntryThatCannotBeExaminedWithItsError) {
  TempDir dir;
  auto fs = LocalFileSystem();
  ASSERT_TRUE(fs->WriteFile(dir.Sub("a_file"), "123").ok());
  ASSERT_TRUE(fs->CreateDirs(dir.Sub("b_dir")).ok());
  ASSERT_EQ(::symlink("c_self", dir.Sub("c_self").c_str()), 0);
  ASSERT_EQ(::symlink(".", dir.Sub("d_loop").c_str()), 0);

  auto list = fs->ListDir(dir.path());
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 4u);
  EXPECT_EQ((*list)[0].name, "a_file");
  EXPECT_TRUE((*list)[0].error.ok());
  EXPECT_EQ((*list)[0].size, 3);
  EXPECT_EQ((*list)[1].name, "b_dir");
  EXPECT_TRUE((*list)[1].is_dir);
  EXPECT_TRUE((*list)[1].error.ok());
  const FileInfo& bad = (*list)[2];
  EXPECT_EQ(bad.name, "c_self");
  EXPECT_FALSE(bad.is_dir);
  EXPECT_EQ(bad.size, 0);
  ASSERT_FALSE(bad.error.ok());
  EXPECT_TRUE(bad.error.IsIOError());
  // The error names the entry's path once, and what went wrong.
  const std::string& msg = bad.error.message();
  const std::string path = dir.Sub("c_self");
  const size_t at = msg.find(path);
  ASSERT_NE(at, std::string::npos) << msg;
  EXPECT_EQ(msg.find(path, at + 1), std::string::npos) << msg;
  EXPECT_NE(msg.find("symbolic links"), std::string::npos) << msg;
  // A link back to the directory itself is a directory (loops are the
  // walkers' business).
  EXPECT_EQ((*list)[3].name, "d_loop");
  EXPECT_TRUE((*list)[3].is_dir);
  EXPECT_TRUE((*list)[3].error.ok());

  // ListDirNames marks it the same way.
  auto names = fs->ListDirNames(dir.path());
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  bool seen = false;
  for (const FileInfo& e : *names) {
    if (e.name != "c_self") continue;
    seen = true;
    EXPECT_FALSE(e.is_dir);
    EXPECT_FALSE(e.error.ok());
  }
  EXPECT_TRUE(seen);
}

TEST(LocalFileSystem, RenameReplacesAtomically) {
  TempDir dir;
  auto fs = LocalFileSystem();
  ASSERT_TRUE(fs->WriteFile(dir.Sub("old"), "old").ok());
  ASSERT_TRUE(fs->WriteFile(dir.Sub("tmp"), "new").ok());
  ASSERT_TRUE(fs->Rename(dir.Sub("tmp"), dir.Sub("old")).ok());
  EXPECT_EQ((*fs->ReadFile(dir.Sub("old")))->view(), "new");
  EXPECT_FALSE(*fs->Exists(dir.Sub("tmp")));
  ASSERT_TRUE(fs->SyncDir(dir.path()).ok());
}

TEST(LocalFileSystem, NoSpaceNamesPathAndErrno) {
  // /dev/full fails every write with ENOSPC.
  if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "/dev/full not available";
  auto fs = LocalFileSystem();
  auto w = fs->OpenForWrite("/dev/full");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append("buffered only").ok());
  Status st = (*w)->Sync();
  ASSERT_TRUE(st.IsIOError());
  EXPECT_NE(st.message().find("/dev/full"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("No space left on device"), std::string::npos) << st.message();
  // The failure is sticky: nothing silently continues after a hole.
  EXPECT_TRUE((*w)->Append("more").IsIOError());
  EXPECT_TRUE((*w)->Close().IsIOError());
}

TEST(LocalFileSystem, DescriptorsAreCloseOnExec) {
  TempDir dir;
  auto fs = LocalFileSystem();
  ASSERT_TRUE(fs->WriteFile(dir.Sub("f"), "x").ok());
  auto r = fs->OpenForRead(dir.Sub("f"));
  ASSERT_TRUE(r.ok());
  // The newest descriptor is the one just opened: find it among /proc/self/fd.
  int found = 0;
  for (int fd = 3; fd < 1024; ++fd) {
    int flags = ::fcntl(fd, F_GETFD);
    if (flags < 0) continue;
    char link[512];
    std::string proc = "/proc/self/fd/" + std::to_string(fd);
    ssize_t n = ::readlink(proc.c_str(), link, sizeof(link) - 1);
    if (n <= 0) continue;
    link[n] = '\0';
    if (std::string(link) == dir.Sub("f")) {
      EXPECT_TRUE(flags & FD_CLOEXEC);
      ++found;
    }
  }
  EXPECT_EQ(found, 1);
}

// Opens `path` for reading on another thread; a reader blocked in open() is
// released by opening the FIFO for writing, so that a regression fails instead
// of hanging the test run.
Result<std::unique_ptr<RandomAccessFile>> OpenWithoutHanging(const std::string& path,
                                                             bool* blocked) {
  auto fut = std::async(std::launch::async, [path] { return LocalFileSystem()->OpenForRead(path); });
  *blocked = fut.wait_for(std::chrono::seconds(3)) != std::future_status::ready;
  if (*blocked) {
    int w = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    auto r = fut.get();
    if (w >= 0) ::close(w);
    return r;
  }
  return fut.get();
}

TEST(LocalFileSystem, OpeningAFifoForReadingFailsAtOnceNamingIt) {
  TempDir dir;
  // Named like a dataset's metadata file and like a row-group file.
  for (const std::string name : {"x_opdmd", "x/0.parquet"}) {
    const std::string path = dir.Sub(name);
    if (name.find('/') != std::string::npos) {
      ASSERT_EQ(::mkdir(dir.Sub("x").c_str(), 0755), 0);
    }
    ASSERT_EQ(::mkfifo(path.c_str(), 0644), 0) << path;
    bool blocked = false;
    auto r = OpenWithoutHanging(path, &blocked);
    EXPECT_FALSE(blocked) << "opening the FIFO " << path << " blocked";
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
    EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().ToString();
    EXPECT_NE(r.status().message().find("FIFO"), std::string::npos) << r.status().ToString();
    // ReadFile (used for small metadata files) goes through the same check.
    auto fut = std::async(std::launch::async,
                          [&] { return LocalFileSystem()->ReadFile(path).status(); });
    if (fut.wait_for(std::chrono::seconds(3)) != std::future_status::ready) {
      int w = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      ADD_FAILURE() << "ReadFile of the FIFO " << path << " blocked";
      fut.get().IgnoreError();
      if (w >= 0) ::close(w);
    } else {
      EXPECT_FALSE(fut.get().ok());
    }
  }
}

TEST(LocalFileSystem, OpeningADeviceOrSocketForReadingFailsNamingIt) {
  auto r = LocalFileSystem()->OpenForRead("/dev/null");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("/dev/null"), std::string::npos);
  EXPECT_NE(r.status().message().find("character device"), std::string::npos)
      << r.status().ToString();
}

TEST(LocalFileSystem, ReadsAfterTheRegularFileCheckBlockAsUsual) {
  // The descriptor is opened non-blocking for the check, then switched back.
  TempDir dir;
  auto fs = LocalFileSystem();
  ASSERT_TRUE(fs->WriteFile(dir.Sub("f"), "hello").ok());
  auto r = fs->OpenForRead(dir.Sub("f"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  uint8_t out[5];
  ASSERT_TRUE((*r)->ReadAt(0, 5, out).ok());
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 5), "hello");
}

}  // namespace
}  // namespace oups
