// DescribeDataset and FilesLeftAfterRemoval (oups/dataset/describe.h): the
// committed state as stored, for tools.
#include "oups/dataset/describe.h"

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

TEST(DescribeDataset, GivesTheCommittedRowGroupsAndSettings) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, "/data/ds").ValueOrDie();
  ASSERT_TRUE(ds.Write(Ts(0, 10), {.ordered_on = "ts", .row_group_target_size = int64_t{4},
                                   .key_value_metadata = {{"who", "me"}}})
                  .ok());
  auto d = DescribeDataset(*fs, "/data/ds/");  // a trailing '/' is ignored
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->path, "/data/ds");
  EXPECT_EQ(d->metadata_file, "/data/ds_opdmd");
  EXPECT_EQ(d->ordered_on, "ts");
  EXPECT_EQ(d->num_row_groups(), 3);
  EXPECT_EQ(d->total_rows(), 10);
  EXPECT_EQ(d->n_rows, (std::vector<uint64_t>{4, 4, 2}));
  EXPECT_EQ(d->mins.data<int64_t>()[2], 8);
  EXPECT_EQ(d->maxs.data<int64_t>()[2], 9);
  EXPECT_EQ(d->key_value_metadata.at("who"), "me");
  EXPECT_EQ(d->version, 1u);
  ASSERT_TRUE(d->schema.has_value());
  EXPECT_EQ(d->schema->field(0).name, "ts");
  EXPECT_EQ(d->RowGroupFileName(0), "file_00000000.parquet");
  EXPECT_EQ(d->RowGroupFile(1), "/data/ds/file_00000001.parquet");
  EXPECT_TRUE(fs->Exists(d->RowGroupFile(2)).ValueOrDie());
}

TEST(DescribeDataset, NamesWhatIsMissingOrWrong) {
  auto fs = NewMemoryFileSystem();
  auto missing = DescribeDataset(*fs, "/data/none");
  ASSERT_TRUE(missing.status().IsNotFound());
  EXPECT_EQ(missing.status().message(),
            "no dataset at '/data/none' (no metadata file '/data/none_opdmd')");
  EXPECT_TRUE(DescribeDataset(*fs, "/").status().IsInvalidArgument());
  ASSERT_TRUE(fs->CreateDirs("/data").ok());
  ASSERT_TRUE(fs->WriteFile("/data/bad_opdmd", "not parquet").ok());
  auto bad = DescribeDataset(*fs, "/data/bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("/data/bad_opdmd"), std::string::npos)
      << bad.status().ToString();
}

TEST(FilesLeftAfterRemoval, ListsWhatARemovalLeftBehind) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, "/data/ds").ValueOrDie();
  ASSERT_TRUE(ds.Write(Ts(0, 4), {.ordered_on = "ts"}).ok());
  EXPECT_EQ(FilesLeftAfterRemoval(*fs, "/data/ds"),
            std::vector<std::string>{"/data/ds/file_00000000.parquet"});
  ASSERT_TRUE(ds.Remove().ok());
  EXPECT_TRUE(FilesLeftAfterRemoval(*fs, "/data/ds").empty());
  ASSERT_TRUE(fs->CreateDirs("/data/ds").ok());
  ASSERT_TRUE(fs->WriteFile("/data/ds/stray", "x").ok());
  EXPECT_EQ(FilesLeftAfterRemoval(*fs, "/data/ds"), std::vector<std::string>{"/data/ds/stray"});
}

}  // namespace
}  // namespace oups
