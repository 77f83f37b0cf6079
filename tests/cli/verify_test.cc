// Tests of `oups verify` (src/cli/verify.cc) against hand-broken datasets.
#include <gtest/gtest.h>

#include "cli_test_util.h"
#include "dataset/file_naming.h"
#include "dataset/metadata_file.h"
#include "oups/parquet/file_writer.h"

namespace oups::cli_test {
namespace {

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeDataset(fs_, "/store/good", Range(0, 10), 4);
    MakeDataset(fs_, "/store/ds", Range(0, 10), 4);  // rgs [0..3] [4..7] [8, 9]
  }
  // The problems reported for /store/ds, as (file, problem) pairs.
  std::vector<std::pair<std::string, std::string>> Problems(int expected_code = 1) {
    CliResult r = RunCli(fs_, {"verify", "/store", "--json"});
    EXPECT_EQ(r.code, expected_code) << r.out << r.err;
    json::Value doc = ParseJson(r.out);
    const auto& list = Member(doc, "datasets").items();
    std::vector<std::pair<std::string, std::string>> out;
    int64_t total = 0;
    for (const json::Value& d : list) {
      const auto& problems = Member(d, "problems").items();
      total += static_cast<int64_t>(problems.size());
      EXPECT_EQ(Member(d, "ok").bool_value(), problems.empty());
      if (StrMember(d, "path") == "good") {
        EXPECT_TRUE(problems.empty()) << r.out;
      } else {
        EXPECT_EQ(StrMember(d, "path"), "ds");
        for (const json::Value& p : problems) {
          out.emplace_back(StrMember(p, "file"), StrMember(p, "problem"));
        }
      }
    }
    EXPECT_EQ(list.size(), 2u);
    EXPECT_TRUE(Member(doc, "orphans").items().empty());
    EXPECT_EQ(IntMember(doc, "num_problems"), total);
    return out;
  }
  dataset::DatasetMetadata Metadata() {
    return *dataset::ReadMetadataFile(*fs_, "/store/ds_opdmd");
  }
  void Rewrite(const dataset::DatasetMetadata& md) {
    ASSERT_TRUE(dataset::WriteMetadataFile(*fs_, "/store/ds_opdmd", md).ok());
  }
  std::shared_ptr<MemoryFileSystem> fs_ = NewMemoryFileSystem();
};

TEST_F(VerifyTest, SoundStore) {
  EXPECT_TRUE(Problems(0).empty());
  CliResult text = RunCli(fs_, {"verify", "/store"});
  EXPECT_EQ(text.code, 0);
  EXPECT_EQ(text.out, "ok /store/ds\nok /store/good\n2 datasets checked, 0 problems\n");
  CliResult one = RunCli(fs_, {"verify", "/store/good"});
  EXPECT_EQ(one.code, 0);
  EXPECT_EQ(one.out, "ok /store/good\n1 dataset checked, 0 problems\n");
}

TEST_F(VerifyTest, MissingRowGroupFile) {
  ASSERT_TRUE(fs_->DeleteFile("/store/ds/file_00000001.parquet").ok());
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, "/store/ds/file_00000001.parquet");
  EXPECT_EQ(p[0].second, "missing (row group 1 of the metadata)");
  CliResult text = RunCli(fs_, {"verify", "/store"});
  EXPECT_EQ(text.code, 1);
  EXPECT_EQ(text.out,
            "/store/ds/file_00000001.parquet: missing (row group 1 of the metadata)\n"
            "ok /store/good\n"
            "2 datasets checked, 1 problem\n");
}

TEST_F(VerifyTest, CorruptRowGroupFile) {
  const std::string f = "/store/ds/file_00000002.parquet";
  std::string bytes = ReadText(*fs_, f);
  WriteText(*fs_, f, bytes.substr(0, bytes.size() / 2));  // truncated
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, f);
  EXPECT_EQ(p[0].second.substr(0, 12), "unreadable: ");
  // Garbage inside a column chunk, footer intact: caught by decoding.
  bytes[8] = static_cast<char>(bytes[8] ^ 0x5A);
  bytes[9] = static_cast<char>(bytes[9] ^ 0x5A);
  bytes[10] = static_cast<char>(bytes[10] ^ 0x5A);
  WriteText(*fs_, f, bytes);
  auto q = Problems();
  ASSERT_GE(q.size(), 1u);
  EXPECT_EQ(q[0].first, f);
}

TEST_F(VerifyTest, RowCountAndMinMaxDifferFromTheMetadata) {
  dataset::DatasetMetadata md = Metadata();
  md.n_rows[0] = 5;
  Rewrite(md);
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, "/store/ds/file_00000000.parquet");
  EXPECT_EQ(p[0].second, "holds 4 rows, the metadata says 5");

  md = Metadata();
  md.n_rows[0] = 4;
  md.mins =
      ColumnFromVector(DataType::Int64(), std::vector<int64_t>{0, 5, 8}).ValueOrDie();
  md.maxs =
      ColumnFromVector(DataType::Int64(), std::vector<int64_t>{3, 7, 10}).ValueOrDie();
  Rewrite(md);
  auto q = Problems();
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].first, "/store/ds/file_00000001.parquet");
  EXPECT_EQ(q[0].second, "first 'ts' value 4 differs from the min 5 in the metadata");
  EXPECT_EQ(q[1].first, "/store/ds/file_00000002.parquet");
  EXPECT_EQ(q[1].second, "last 'ts' value 9 differs from the max 10 in the metadata");
}

TEST_F(VerifyTest, OverlappingRowGroups) {
  dataset::DatasetMetadata md = Metadata();
  md.mins =
      ColumnFromVector(DataType::Int64(), std::vector<int64_t>{0, 2, 8}).ValueOrDie();
  Rewrite(md);
  auto p = Problems();
  ASSERT_GE(p.size(), 2u);
  EXPECT_EQ(p[0].first, "/store/ds_opdmd");
  EXPECT_NE(p[0].second.find("row groups must not overlap."), std::string::npos)
      << p[0].second;
  EXPECT_EQ(p.back().first, "/store/ds/file_00000001.parquet");
  EXPECT_EQ(p.back().second, "first 'ts' value 4 differs from the min 2 in the metadata");
}

TEST_F(VerifyTest, RowGroupsOutOfOrder) {
  dataset::DatasetMetadata md = Metadata();
  std::swap(md.file_ids[0], md.file_ids[2]);
  std::swap(md.n_rows[0], md.n_rows[2]);
  md.mins =
      ColumnFromVector(DataType::Int64(), std::vector<int64_t>{8, 4, 0}).ValueOrDie();
  md.maxs =
      ColumnFromVector(DataType::Int64(), std::vector<int64_t>{9, 7, 3}).ValueOrDie();
  Rewrite(md);
  auto p = Problems();
  ASSERT_GE(p.size(), 1u);
  EXPECT_EQ(p[0].first, "/store/ds_opdmd");
  bool starts_before = false;
  for (const auto& [file, text] : p) {
    starts_before |= text == "row group 1 starts before row group 0";
  }
  EXPECT_TRUE(starts_before);
}

TEST_F(VerifyTest, LeftoversOfInterruptedWrites) {
  WriteText(*fs_, "/store/ds/file_00000007.parquet",
            ReadText(*fs_, "/store/ds/file_00000000.parquet"));
  WriteText(*fs_, "/store/ds/notes.txt", "x");
  const std::string tmp = "/store/" + dataset::TempMetadataFileName("ds", 0xbeef);
  WriteText(*fs_, tmp, "partial");
  auto p = Problems();
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].first, "/store/ds/file_00000007.parquet");
  EXPECT_EQ(p[0].second.substr(0, 60),
            "leftover: row-group file not referenced by the metadata (int");
  EXPECT_EQ(p[1].first, "/store/ds/notes.txt");
  EXPECT_EQ(p[1].second, "leftover: not a row-group file of this dataset");
  EXPECT_EQ(p[2].first, tmp);
  EXPECT_EQ(p[2].second, "leftover: temporary metadata file of an interrupted write");
}

TEST_F(VerifyTest, OrphansOfInterruptedFirstWritesOrRemovals) {
  // A dataset directory whose metadata file is gone, and the temporary
  // metadata file of a first write that never committed.
  WriteText(*fs_, "/store/sub/gone/file_00000003.parquet",
            ReadText(*fs_, "/store/ds/file_00000000.parquet"));
  WriteText(*fs_, "/store/sub/" + dataset::TempMetadataFileName("new", 7), "x");
  WriteText(*fs_, "/store/sub/plain/readme.txt", "not a dataset");
  CliResult r = RunCli(fs_, {"verify", "/store", "--json"});
  EXPECT_EQ(r.code, 1);
  json::Value doc = ParseJson(r.out);
  EXPECT_EQ(IntMember(doc, "num_problems"), 2);
  const auto& orphans = Member(doc, "orphans").items();
  ASSERT_EQ(orphans.size(), 2u) << r.out;
  EXPECT_EQ(StrMember(orphans[0], "file"),
            "/store/sub/" + dataset::TempMetadataFileName("new", 7));
  EXPECT_EQ(StrMember(orphans[0], "problem"),
            "leftover: temporary metadata file of an interrupted write");
  EXPECT_EQ(StrMember(orphans[1], "file"), "/store/sub/gone");
  EXPECT_EQ(StrMember(orphans[1], "problem"),
            "leftover: 1 row-group file(s) of a dataset without metadata file "
            "'/store/sub/gone_opdmd' (interrupted first write or removal)");
  for (const json::Value& d : Member(doc, "datasets").items()) {
    EXPECT_TRUE(Member(d, "ok").bool_value());
  }
}

TEST_F(VerifyTest, CorruptMetadata) {
  WriteText(*fs_, "/store/ds_opdmd", "PAR1 this is not a metadata file PAR1");
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, "/store/ds_opdmd");
  EXPECT_EQ(p[0].second.substr(0, 32), "unreadable metadata: Corruption:");
}

TEST_F(VerifyTest, ColumnsOrTypesDifferFromTheSchema) {
  // Same rows, x as float64 instead of int64.
  auto t =
      MakeTable(
          {{"ts", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{0, 1, 2, 3})
                      .ValueOrDie()},
           {"x", ColumnFromVector(DataType::Float64(), std::vector<double>{0, 10, 20, 30})
                     .ValueOrDie()},
           {"s", ColumnFromVector(DataType::String(),
                                  std::vector<std::string>{"a", "b", "c", "d"})
                     .ValueOrDie()}})
          .ValueOrDie();
  ASSERT_TRUE(parquet::WriteTable(*fs_, "/store/ds/file_00000000.parquet", t).ok());
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, "/store/ds/file_00000000.parquet");
  EXPECT_EQ(p[0].second.substr(0, 42), "column types differ from the stored schema");
  auto dropped = t.SelectColumns({"ts", "s"});
  ASSERT_TRUE(
      parquet::WriteTable(*fs_, "/store/ds/file_00000000.parquet", *dropped).ok());
  auto q = Problems();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].second, "has no column 'x' (stored schema)");
}

TEST_F(VerifyTest, UsageAndMissingPath) {
  EXPECT_EQ(RunCli(fs_, {"verify"}).code, 2);
  EXPECT_EQ(RunCli(fs_, {"verify", "--help"}).code, 0);
  CliResult missing = RunCli(fs_, {"verify", "/nothing"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.err, "oups verify: Not found: no store or dataset at '/nothing'\n");
}

}  // namespace
}  // namespace oups::cli_test
