#include "oups/io/file_system.h"

#include <gtest/gtest.h>

#include "oups/io/memory_file_system.h"

namespace oups {
namespace {

TEST(PathHelpers, JoinPath) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "/b"), "a/b");
  EXPECT_EQ(JoinPath("/", "b"), "/b");
  EXPECT_EQ(JoinPath("", "b"), "b");
  EXPECT_EQ(JoinPath("a", ""), "a");
  EXPECT_EQ(JoinPath("/x/y", "z/w"), "/x/y/z/w");
}

TEST(PathHelpers, BaseName) {
  EXPECT_EQ(BaseName("a/b"), "b");
  EXPECT_EQ(BaseName("a/b/"), "b");
  EXPECT_EQ(BaseName("a"), "a");
  EXPECT_EQ(BaseName("/a"), "a");
  EXPECT_EQ(BaseName("/"), "");
  EXPECT_EQ(BaseName(""), "");
}

TEST(PathHelpers, DirName) {
  EXPECT_EQ(DirName("a/b"), "a");
  EXPECT_EQ(DirName("a/b/"), "a");
  EXPECT_EQ(DirName("/a/b/c"), "/a/b");
  EXPECT_EQ(DirName("a//b"), "a");
  EXPECT_EQ(DirName("/a"), "/");
  EXPECT_EQ(DirName("a"), "");
  EXPECT_EQ(DirName("/"), "/");
  EXPECT_EQ(DirName(""), "");
}

TEST(FileSystemHelpers, WriteFileReadFileRoundTrip) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->WriteFile("f", "hello").ok());
  auto buf = fs->ReadFile("f");
  ASSERT_TRUE(buf.ok()) << buf.status().ToString();
  EXPECT_EQ((*buf)->view(), "hello");
  EXPECT_TRUE(fs->ReadFile("missing").status().IsNotFound());
}

}  // namespace
}  // namespace oups
