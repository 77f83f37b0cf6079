#include "testing/tracking_file_system.h"

#include <gtest/gtest.h>

#include "oups/io/memory_file_system.h"

namespace oups {
namespace {

TEST(TrackingFileSystem, RecordsOpensAndReads) {
  auto mem = NewMemoryFileSystem();
  ASSERT_TRUE(mem->WriteFile("a", "0123456789").ok());
  ASSERT_TRUE(mem->WriteFile("b", "abcdefghij").ok());
  TrackingFileSystem fs(mem);
  {
    auto a = fs.OpenForRead("a");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ((*(*a)->ReadAt(6, 4))->view(), "6789");
    uint8_t out[2];
    ASSERT_TRUE((*a)->ReadAt(0, 2, out).ok());
    EXPECT_TRUE((*a)->ReadAt(8, 5).status().IsIOError());  // failed: not recorded
  }
  auto buf = fs.ReadFile("b");
  ASSERT_TRUE(buf.ok());
  EXPECT_TRUE(fs.OpenForRead("missing").status().IsNotFound());

  using R = TrackingFileSystem::ReadRecord;
  EXPECT_EQ(fs.reads(), (std::vector<R>{{"a", 6, 4}, {"a", 0, 2}, {"b", 0, 10}}));
  EXPECT_EQ(fs.reads("a"), (std::vector<R>{{"a", 6, 4}, {"a", 0, 2}}));
  EXPECT_EQ(fs.bytes_read(), 16);
  EXPECT_EQ(fs.bytes_read("a"), 6);
  EXPECT_EQ(fs.bytes_read("b"), 10);
  EXPECT_EQ(fs.bytes_read("c"), 0);
  EXPECT_EQ(fs.read_count(), 3);
  EXPECT_EQ(fs.opened_files(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(fs.open_count("a"), 1);
  EXPECT_EQ(fs.open_count("missing"), 0);
  fs.Clear();
  EXPECT_TRUE(fs.reads().empty());
  EXPECT_TRUE(fs.opened_files().empty());
  EXPECT_EQ(fs.bytes_read(), 0);
  // Writes pass through untracked.
  ASSERT_TRUE(fs.WriteFile("c", "x").ok());
  EXPECT_EQ(fs.read_count(), 0);
}

}  // namespace
}  // namespace oups
