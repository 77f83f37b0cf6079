// Writer-lock tests on the local file system: exclusion between handles of one
// process, release on destruction, and kernel release when a holder process
// exits or is killed.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "oups/io/file_system.h"
#include "test_util.h"

namespace oups {
namespace {

using std::chrono::milliseconds;
using testing_io::TempDir;
using Clock = std::chrono::steady_clock;

TEST(LocalLock, SecondLockInSameProcessTimesOut) {
  TempDir dir;
  auto fs = LocalFileSystem();
  std::string path = dir.Sub("ds.lock");
  auto l1 = fs->Lock(path, milliseconds(0));
  ASSERT_TRUE(l1.ok()) << l1.status().ToString();
  EXPECT_EQ((*l1)->path(), path);
  EXPECT_TRUE(*fs->Exists(path));

  auto start = Clock::now();
  auto l2 = fs->Lock(path, milliseconds(100));
  auto waited = Clock::now() - start;
  ASSERT_EQ(l2.status().code(), StatusCode::kTimeout);
  EXPECT_NE(l2.status().message().find(path), std::string::npos);
  EXPECT_GE(waited, milliseconds(95));
  EXPECT_LT(waited, milliseconds(2000));
  // Zero timeout: a single attempt.
  EXPECT_EQ(fs->Lock(path, milliseconds(0)).status().code(), StatusCode::kTimeout);
  // Another path is independent.
  EXPECT_TRUE(fs->Lock(dir.Sub("other.lock"), milliseconds(0)).ok());
}

TEST(LocalLock, ReleasedOnDestruction) {
  TempDir dir;
  auto fs = LocalFileSystem();
  std::string path = dir.Sub("ds.lock");
  {
    auto l1 = fs->Lock(path, milliseconds(0));
    ASSERT_TRUE(l1.ok());
  }
  auto l2 = fs->Lock(path, milliseconds(0));
  EXPECT_TRUE(l2.ok());
}

TEST(LocalLock, WaiterAcquiresWhenHolderReleases) {
  TempDir dir;
  auto fs = LocalFileSystem();
  std::string path = dir.Sub("ds.lock");
  auto l1 = fs->Lock(path, milliseconds(0));
  ASSERT_TRUE(l1.ok());
  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    auto l = fs->Lock(path, milliseconds(-1));  // forever
    acquired = l.ok();
  });
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_FALSE(acquired.load());
  l1->reset();
  waiter.join();
  EXPECT_TRUE(acquired.load());
}

TEST(LocalLock, DeletingTheLockFileUnderTheLockIsSafeForWaiters) {
  TempDir dir;
  auto fs = LocalFileSystem();
  std::string path = dir.Sub("ds.lock");
  auto l1 = fs->Lock(path, milliseconds(0));
  ASSERT_TRUE(l1.ok());
  std::unique_ptr<FileLock> second;
  std::thread waiter([&] {
    auto l = fs->Lock(path, milliseconds(5000));
    if (l.ok()) second = std::move(*l);
  });
  std::this_thread::sleep_for(milliseconds(30));
  // The holder removes the lock file, then releases (as dataset removal does).
  ASSERT_TRUE(fs->DeleteFile(path).ok());
  l1->reset();
  waiter.join();
  ASSERT_NE(second, nullptr);
  // The waiter must hold the lock on the file the path names now, so a third
  // contender is excluded.
  EXPECT_EQ(fs->Lock(path, milliseconds(20)).status().code(), StatusCode::kTimeout);
}

TEST(LocalLock, MissingDirectoryIsNotFound) {
  TempDir dir;
  auto st = LocalFileSystem()->Lock(dir.Sub("nodir/x.lock"), milliseconds(0)).status();
  EXPECT_TRUE(st.IsNotFound());
  EXPECT_NE(st.message().find("nodir/x.lock"), std::string::npos);
}

// Forks a child that takes the lock, reports through a pipe, then waits for a
// byte on a second pipe (or forever when `wait_forever`).
pid_t ForkHolder(const std::string& path, int* ready_fd, int* release_fd) {
  int ready[2], release[2];
  if (::pipe(ready) != 0 || ::pipe(release) != 0) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ready[0]);
    ::close(release[1]);
    auto lock = LocalFileSystem()->Lock(path, milliseconds(5000));
    char c = lock.ok() ? 'L' : 'E';
    if (::write(ready[1], &c, 1) != 1) ::_exit(2);
    char r;
    while (::read(release[0], &r, 1) < 0 && errno == EINTR) {
    }
    ::_exit(0);  // the lock object is not destroyed: the kernel releases it
  }
  ::close(ready[1]);
  ::close(release[0]);
  *ready_fd = ready[0];
  *release_fd = release[1];
  return pid;
}

TEST(LocalLock, ChildProcessHoldsLockUntilItExits) {
  TempDir dir;
  std::string path = dir.Sub("ds.lock");
  int ready, release;
  pid_t pid = ForkHolder(path, &ready, &release);
  ASSERT_GT(pid, 0);
  char c = 0;
  ASSERT_EQ(::read(ready, &c, 1), 1);
  ASSERT_EQ(c, 'L');
  auto fs = LocalFileSystem();
  EXPECT_EQ(fs->Lock(path, milliseconds(100)).status().code(), StatusCode::kTimeout);

  // Release the child after a delay; the parent waits for the lock meanwhile.
  auto start = Clock::now();
  std::thread releaser([&] {
    std::this_thread::sleep_for(milliseconds(150));
    char x = 'x';
    EXPECT_EQ(::write(release, &x, 1), 1);
  });
  auto lock = fs->Lock(path, milliseconds(10000));
  auto waited = Clock::now() - start;
  releaser.join();
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  EXPECT_GE(waited, milliseconds(140));
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ::close(ready);
  ::close(release);
}

TEST(LocalLock, KernelReleasesLockOfKilledProcess) {
  TempDir dir;
  std::string path = dir.Sub("ds.lock");
  int ready, release;
  pid_t pid = ForkHolder(path, &ready, &release);
  ASSERT_GT(pid, 0);
  char c = 0;
  ASSERT_EQ(::read(ready, &c, 1), 1);
  ASSERT_EQ(c, 'L');
  auto fs = LocalFileSystem();
  EXPECT_EQ(fs->Lock(path, milliseconds(50)).status().code(), StatusCode::kTimeout);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  auto lock = fs->Lock(path, milliseconds(1000));
  EXPECT_TRUE(lock.ok()) << lock.status().ToString();
  ::close(ready);
  ::close(release);
}

}  // namespace
}  // namespace oups
