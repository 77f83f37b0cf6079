// Shared locks (FileSystem::LockShared): many shared holders at once, never
// together with an exclusive Lock() holder; on the local and in-memory file
// systems and through FileSystemWrapper.
#include <chrono>
#include <memory>

#include <gtest/gtest.h>

#include "oups/io/file_system.h"
#include "oups/io/file_system_wrapper.h"
#include "oups/io/memory_file_system.h"
#include "test_util.h"

namespace oups {
namespace {

using std::chrono::milliseconds;

void CheckSharedSemantics(FileSystem& fs, const std::string& path) {
  auto s1 = fs.LockShared(path, milliseconds(0));
  ASSERT_TRUE(s1.ok()) << s1.status().ToString();
  auto s2 = fs.LockShared(path, milliseconds(0));
  ASSERT_TRUE(s2.ok()) << s2.status().ToString();
  // Exclusive excluded while any shared holder remains.
  EXPECT_EQ(fs.Lock(path, milliseconds(0)).status().code(), StatusCode::kTimeout);
  s1->reset();
  EXPECT_EQ(fs.Lock(path, milliseconds(10)).status().code(), StatusCode::kTimeout);
  s2->reset();
  auto ex = fs.Lock(path, milliseconds(0));
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  // Shared excluded while the exclusive holder remains.
  EXPECT_EQ(fs.LockShared(path, milliseconds(0)).status().code(), StatusCode::kTimeout);
  ex->reset();
  EXPECT_TRUE(fs.LockShared(path, milliseconds(0)).ok());
}

TEST(SharedLock, Memory) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->CreateDirs("/d").ok());
  CheckSharedSemantics(*fs, "/d/x.lock");
  // A crash releases shared locks too.
  auto s = fs->LockShared("/d/y.lock", milliseconds(0));
  ASSERT_TRUE(s.ok());
  fs->SimulateCrash();
  ASSERT_TRUE(fs->CreateDirs("/d").ok());
  EXPECT_TRUE(fs->Lock("/d/y.lock", milliseconds(0)).ok());
}

TEST(SharedLock, Local) {
  testing_io::TempDir dir;
  CheckSharedSemantics(*LocalFileSystem(), dir.Sub("x.lock"));
}

TEST(SharedLock, WrapperForwards) {
  auto base = NewMemoryFileSystem();
  ASSERT_TRUE(base->CreateDirs("/d").ok());
  FileSystemWrapper wrapper(base);
  CheckSharedSemantics(wrapper, "/d/x.lock");
}

}  // namespace
}  // namespace oups
