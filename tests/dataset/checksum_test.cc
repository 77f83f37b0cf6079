// The CRC-32 of each row-group file, recorded in the committed metadata by the
// write that creates the file (optional member "file_crc32", GitHub issue 11,
// point 3).
#include <gtest/gtest.h>

#include "dataset/file_naming.h"
#include "dataset/metadata_file.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_writer.h"
#include "oups/table/builder.h"

namespace oups {
namespace {

Table Ts(int64_t begin, int64_t end) {
  std::vector<int64_t> ts;
  for (int64_t i = begin; i < end; ++i) ts.push_back(i);
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()}}).ValueOrDie();
}

TEST(Checksum, EveryFileAWriteCreatesHasItsCrc32Recorded) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, "/data/ds").ValueOrDie();
  const WriteOptions o{.ordered_on = "ts", .row_group_target_size = int64_t{4}};
  ASSERT_TRUE(ds.Write(Ts(0, 12), o).ok());
  auto paths = *dataset::DatasetPaths::Make("/data/ds");
  auto check = [&] {
    auto md = dataset::ReadMetadataFile(*fs, paths.metadata).ValueOrDie();
    EXPECT_EQ(md.file_crc32.size(), md.file_ids.size());
    for (uint64_t id : md.file_ids) {
      if (!md.file_crc32.count(id)) {
        ADD_FAILURE() << "no checksum for file id " << id;
        continue;
      }
      EXPECT_EQ(dataset::FileCrc32(*fs, paths.RowGroupFile(id)).ValueOrDie(), md.file_crc32[id]);
    }
    return md;
  };
  auto first = check();
  // A later write keeps the checksums of the rgs it does not rewrite.
  ASSERT_TRUE(ds.Write(Ts(11, 13), o).ok());
  auto second = check();
  EXPECT_EQ(second.file_crc32.at(0), first.file_crc32.at(0));
  EXPECT_EQ(second.file_crc32.at(1), first.file_crc32.at(1));
}

// Format 2 keeps checksums in the column file_crc32 (null where none is
// recorded), not in the JSON; format 1 files kept them in the JSON member
// "file_crc32", which is still read for them (and ignored in format 2).
TEST(Checksum, ColumnInFormat2JsonMemberReadInFormat1) {
  dataset::DatasetMetadata md;
  md.ordered_on = "ts";
  md.file_crc32[7] = 4294967295u;
  EXPECT_EQ(dataset::EncodeOupsJson(md).find("file_crc32"), std::string::npos);
  const std::string v1 = R"({"format_version":1,"ordered_on":"ts","key_value_metadata":{},)"
                         R"("file_crc32":{"7":4294967295}})";
  dataset::DatasetMetadata back;
  ASSERT_TRUE(dataset::DecodeOupsJson(v1, &back).ok());
  EXPECT_EQ(back.file_crc32, md.file_crc32);
  EXPECT_EQ(back.format_version, 1);
  dataset::DatasetMetadata v2;
  ASSERT_TRUE(dataset::DecodeOupsJson(R"({"format_version":2,"ordered_on":"ts",)"
                                      R"("key_value_metadata":{},"file_crc32":{"7":1}})",
                                      &v2)
                  .ok());
  EXPECT_TRUE(v2.file_crc32.empty());
  dataset::DatasetMetadata bad;
  EXPECT_TRUE(dataset::DecodeOupsJson(R"({"format_version": 1, "ordered_on": null,
      "key_value_metadata": {}, "file_crc32": {"x": 1}})", &bad).IsCorruption());
  EXPECT_TRUE(dataset::DecodeOupsJson(R"({"format_version": 1, "ordered_on": null,
      "key_value_metadata": {}, "file_crc32": {"1": 4294967296}})", &bad).IsCorruption());
  // A metadata file whose checksums name unlisted ids keeps only the listed ones.
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->CreateDirs("/data").ok());
  ASSERT_TRUE(dataset::WriteMetadataFile(*fs, "/data/m_opdmd", md).ok());
  EXPECT_TRUE(dataset::ReadMetadataFile(*fs, "/data/m_opdmd").ValueOrDie().file_crc32.empty());
}

// A dataset of format_version 1 (four columns, checksums and no commit count
// in the JSON) opens and reads as before; the next write upgrades it to
// format 2 in its one atomic commit, keeping the checksums of the files it
// keeps and counting commits from there.
TEST(Checksum, Format1DatasetReadThenUpgradedByTheNextWrite) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, "/data/ds").ValueOrDie();
  const WriteOptions o{.ordered_on = "ts", .row_group_target_size = int64_t{4}};
  ASSERT_TRUE(ds.Write(Ts(0, 8), o).ok());
  auto paths = *dataset::DatasetPaths::Make("/data/ds");
  const auto v2 = dataset::ReadMetadataFile(*fs, paths.metadata).ValueOrDie();
  ASSERT_EQ(v2.version, 1u);
  ASSERT_TRUE(v2.committed_at.has_value());
  // The same state as a format 1 file.
  std::string json = R"({"format_version":1,"ordered_on":"ts","key_value_metadata":{},)"
                     R"("schema":{"fields":[{"name":"ts","type":{"id":"int64"},"nullable":true}],)"
                     R"("pandas":null},"max_used_file_id":1,"file_crc32":{)";
  json += "\"0\":" + std::to_string(v2.file_crc32.at(0)) + ",\"1\":" +
          std::to_string(v2.file_crc32.at(1)) + "}}";
  Table t = MakeTable({{Field{"file_ids", DataType::UInt64(), false},
                        ColumnFromVector(DataType::UInt64(), v2.file_ids).ValueOrDie()},
                       {Field{"n_rows", DataType::UInt64(), false},
                        ColumnFromVector(DataType::UInt64(), v2.n_rows).ValueOrDie()},
                       {Field{"ordered_on_mins", DataType::Int64(), false}, v2.mins},
                       {Field{"ordered_on_maxs", DataType::Int64(), false}, v2.maxs}})
                .ValueOrDie();
  parquet::WriterOptions wo;
  wo.key_value_metadata = {{"oups", json}};
  ASSERT_TRUE(fs->DeleteFile(paths.metadata).ok());
  ASSERT_TRUE(parquet::WriteTable(*fs, paths.metadata, t, wo).ok());
  const auto v1 = dataset::ReadMetadataFile(*fs, paths.metadata).ValueOrDie();
  EXPECT_EQ(v1.format_version, 1);
  EXPECT_EQ(v1.version, 0u);
  EXPECT_EQ(v1.file_crc32, v2.file_crc32);
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 8);
  // The next write: format 2, version 1, checksums kept and added.
  ASSERT_TRUE(ds.Write(Ts(8, 12), o).ok());
  const auto up = dataset::ReadMetadataFile(*fs, paths.metadata).ValueOrDie();
  EXPECT_EQ(up.format_version, 2);
  EXPECT_EQ(up.version, 1u);
  EXPECT_EQ(up.num_row_groups(), 3);
  EXPECT_EQ(up.file_crc32.size(), 3u);
  EXPECT_EQ(up.file_crc32.at(0), v2.file_crc32.at(0));
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 12);
  ASSERT_TRUE(ds.Write(Ts(12, 13), o).ok());
  EXPECT_EQ(dataset::ReadMetadataFile(*fs, paths.metadata).ValueOrDie().version, 2u);
}

}  // namespace
}  // namespace oups
