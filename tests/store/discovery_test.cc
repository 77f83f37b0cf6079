// ListDatasets and FindOrphans (oups/store/discovery.h) through the public
// API; `oups ls` / `oups verify` tests (tests/cli) cover the bad-entry cases
// on a real disk (permissions, symbolic-link loops).
#include "oups/store/discovery.h"

#include <gtest/gtest.h>

#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"

namespace oups {
namespace {

Table Ts(int64_t begin, int64_t end) {
  std::vector<int64_t> ts;
  for (int64_t i = begin; i < end; ++i) ts.push_back(i);
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()}}).ValueOrDie();
}

void Write(const std::shared_ptr<FileSystem>& fs, const std::string& path) {
  auto ds = OrderedDataset::Open(fs, path).ValueOrDie();
  ASSERT_TRUE(ds.Write(Ts(0, 3), {.ordered_on = "ts"}).ok());
}

TEST(ListDatasets, FindsDatasetsAtAnyDepthSorted) {
  std::shared_ptr<FileSystem> fs = NewMemoryFileSystem();
  Write(fs, "/s/b/2024");
  Write(fs, "/s/a");
  Write(fs, "/s/b/2023");
  std::vector<ListedDirectory> walked;
  auto listing = ListDatasets(*fs, "/s/", &walked);
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  EXPECT_EQ(listing->datasets, (std::vector<std::string>{"/s/a", "/s/b/2023", "/s/b/2024"}));
  EXPECT_TRUE(listing->skipped.empty());
  ASSERT_FALSE(walked.empty());
  EXPECT_EQ(walked.front().path, "/s");
  EXPECT_EQ(FindDatasets(*fs, "/s/b/2023").ValueOrDie(), std::vector<std::string>{"/s/b/2023"});
  auto none = ListDatasets(*fs, "/nothing");
  ASSERT_TRUE(none.status().IsNotFound());
  EXPECT_EQ(none.status().message(), "no store or dataset at '/nothing'");
}

TEST(FindOrphans, NamesADirectoryOfRowGroupFilesWithoutMetadata) {
  std::shared_ptr<FileSystem> fs = NewMemoryFileSystem();
  Write(fs, "/s/kept");
  Write(fs, "/s/lost");
  ASSERT_TRUE(fs->DeleteFile("/s/lost_opdmd").ok());
  std::vector<ListedDirectory> walked;
  auto listing = ListDatasets(*fs, "/s", &walked);
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->datasets, std::vector<std::string>{"/s/kept"});
  const std::vector<FileProblem> orphans = FindOrphans(*fs, walked);
  ASSERT_EQ(orphans.size(), 1u);
  EXPECT_EQ(orphans[0].file, "/s/lost");
  EXPECT_NE(orphans[0].problem.find("without metadata file '/s/lost_opdmd'"), std::string::npos)
      << orphans[0].problem;
}

}  // namespace
}  // namespace oups
