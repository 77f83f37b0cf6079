#include "dataset/file_naming.h"

#include <gtest/gtest.h>

namespace oups::dataset {
namespace {

TEST(FileNaming, RowGroupFileNames) {
  EXPECT_EQ(RowGroupFileName(0), "file_00000000.parquet");
  EXPECT_EQ(RowGroupFileName(42), "file_00000042.parquet");
  EXPECT_EQ(RowGroupFileName(99'999'999), "file_99999999.parquet");
  EXPECT_EQ(RowGroupFileName(100'000'000), "file_100000000.parquet");
  EXPECT_EQ(RowGroupFileName(UINT64_MAX), "file_18446744073709551615.parquet");
  for (uint64_t id : {0ull, 1ull, 12345678ull, 99999999ull, 100000000ull, 18446744073709551615ull}) {
    EXPECT_EQ(ParseRowGroupFileName(RowGroupFileName(id)), id);
  }
}

TEST(FileNaming, RowGroupFileNamesAreCanonical) {
  for (const char* bad : {"file_7.parquet", "file_0000007.parquet", "file_000000007.parquet",
                          "file_00000001.parquet.tmp", "file_0000000a.parquet",
                          "file_-0000001.parquet", "File_00000001.parquet",
                          "file_00000001.PARQUET", "file_18446744073709551616.parquet",
                          "file_00000.parquet", "x_opdmd", "file_.parquet",
                          "file_ 0000001.parquet"}) {
    EXPECT_EQ(ParseRowGroupFileName(bad), std::nullopt) << bad;
  }
}

TEST(FileNaming, MetadataFileNames) {
  EXPECT_EQ(MetadataFileName("test"), "test_opdmd");
  EXPECT_EQ(DatasetNameFromMetadataFileName("test_opdmd"), "test");
  EXPECT_EQ(DatasetNameFromMetadataFileName("test"), std::nullopt);
  EXPECT_EQ(DatasetNameFromMetadataFileName("_opdmd"), std::nullopt);
  EXPECT_EQ(DatasetNameFromMetadataFileName("a_opdmd_opdmd"), "a_opdmd");
  EXPECT_EQ(DatasetNameFromMetadataFileName("x_opdmd.tmp"), std::nullopt);
  EXPECT_EQ(LockFileName("1D"), "1D.lock");
}

TEST(FileNaming, TempMetadataFileNames) {
  for (const char* name : {"test", "a_opdmd.x", "1D", "a.b"}) {
    for (uint64_t token : {uint64_t{0}, uint64_t{1}, uint64_t{0xdeadbeef}, UINT64_MAX}) {
      std::string t = TempMetadataFileName(name, token);
      EXPECT_EQ(t[0], '.');
      EXPECT_FALSE(t.ends_with("_opdmd")) << t;
      EXPECT_EQ(DatasetNameFromMetadataFileName(t), std::nullopt);
      EXPECT_TRUE(IsTempMetadataFileName(t, name)) << t;
      EXPECT_EQ(ParseRowGroupFileName(t), std::nullopt);
    }
  }
  // Another dataset's temp files never match.
  EXPECT_FALSE(IsTempMetadataFileName(TempMetadataFileName("a_opdmd.x", 5), "a"));
  EXPECT_FALSE(IsTempMetadataFileName(TempMetadataFileName("ab", 5), "a"));
  EXPECT_FALSE(IsTempMetadataFileName(TempMetadataFileName("a", 5), "ab"));
  EXPECT_FALSE(IsTempMetadataFileName(".a_opdmd..tmp", "a"));
  EXPECT_FALSE(IsTempMetadataFileName(".a_opdmd.XY.tmp", "a"));
  EXPECT_FALSE(IsTempMetadataFileName("a_opdmd", "a"));
  EXPECT_FALSE(IsTempMetadataFileName(".a_opdmd", "a"));
}

TEST(FileNaming, DatasetPaths) {
  auto p = DatasetPaths::Make("/data/temperature-berlin/1D/");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->dir, "/data/temperature-berlin/1D");
  EXPECT_EQ(p->parent, "/data/temperature-berlin");
  EXPECT_EQ(p->name, "1D");
  EXPECT_EQ(p->metadata, "/data/temperature-berlin/1D_opdmd");
  EXPECT_EQ(p->lock, "/data/temperature-berlin/1D.lock");
  EXPECT_EQ(p->readers, "/data/temperature-berlin/1D.readers");
  EXPECT_EQ(DatasetNameFromMetadataFileName(ReaderLockFileName("1D")), std::nullopt);
  EXPECT_EQ(p->RowGroupFile(3), "/data/temperature-berlin/1D/file_00000003.parquet");
  EXPECT_EQ(p->TempMetadata(10), "/data/temperature-berlin/.1D_opdmd.a.tmp");
  auto rel = DatasetPaths::Make("ds");
  ASSERT_TRUE(rel.has_value());
  EXPECT_EQ(rel->metadata, "ds_opdmd");
  EXPECT_EQ(rel->ParentDir(), ".");
  EXPECT_FALSE(DatasetPaths::Make("").has_value());
  EXPECT_FALSE(DatasetPaths::Make("/").has_value());
  EXPECT_FALSE(DatasetPaths::Make("a/..").has_value());
}

}  // namespace
}  // namespace oups::dataset
