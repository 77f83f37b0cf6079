// The CRC-32 of each row-group file, recorded in the committed metadata by the
// write that creates the file (optional member "file_crc32", GitHub issue 11,
// point 3).
#include <gtest/gtest.h>

#include "dataset/file_naming.h"
#include "dataset/metadata_file.h"
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

TEST(Checksum, JsonMemberIsOptionalAndOnlyForListedFiles) {
  dataset::DatasetMetadata md;
  md.ordered_on = "ts";
  EXPECT_EQ(dataset::EncodeOupsJson(md).find("file_crc32"), std::string::npos);
  md.file_crc32[7] = 4294967295u;
  const std::string text = dataset::EncodeOupsJson(md);
  EXPECT_NE(text.find("\"file_crc32\":{\"7\":4294967295}"), std::string::npos) << text;
  dataset::DatasetMetadata back;
  ASSERT_TRUE(dataset::DecodeOupsJson(text, &back).ok());
  EXPECT_EQ(back.file_crc32, md.file_crc32);
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

}  // namespace
}  // namespace oups
