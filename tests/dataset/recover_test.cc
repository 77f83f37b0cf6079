// Tests of RecoverMetadata (src/dataset/recover.cc): a dataset whose metadata
// file is lost is rebuilt from its row-group files and reads back as before;
// unsound files are refused, naming them, and nothing is written.
#include "oups/dataset/recover.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dataset/file_naming.h"
#include "dataset/metadata_file.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"

namespace oups {
namespace {

constexpr const char* kDir = "/data/ds";
constexpr const char* kMetadata = "/data/ds_opdmd";

Table Rows(const std::vector<int64_t>& ts) {
  std::vector<double> v;
  std::vector<std::string> s;
  for (int64_t t : ts) {
    v.push_back(static_cast<double>(t) / 4);
    s.push_back("s" + std::to_string(t));
  }
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()},
                    {"v", ColumnFromVector(DataType::Float64(), v).ValueOrDie()},
                    {"s", ColumnFromVector(DataType::String(), s).ValueOrDie()}})
      .ValueOrDie();
}

std::vector<int64_t> Range(int64_t from, int64_t to) {
  std::vector<int64_t> out;
  for (int64_t i = from; i < to; ++i) out.push_back(i);
  return out;
}

class RecoverTest : public ::testing::Test {
 protected:
  // A dataset whose row order differs from its file ids (a merge wrote rows
  // before the first ones into new files), with file key-value metadata.
  void SetUp() override {
    auto ds = OrderedDataset::Open(fs_, kDir).ValueOrDie();
    WriteOptions wo;
    wo.ordered_on = "ts";
    wo.row_group_target_size = int64_t{4};
    wo.schema_extra_json = R"({"file_key_value_metadata":{"pandas":"{\"x\":1}"}})";
    ASSERT_TRUE(ds.Write(Rows(Range(10, 22)), wo).ok());
    wo.schema_extra_json.reset();  // the second write keeps the stored details
    ASSERT_TRUE(ds.Write(Rows(Range(0, 6)), wo).ok());
    original_ = ds.Read().ValueOrDie();
    ASSERT_EQ(original_.num_rows(), 18);
  }
  void LoseMetadata() { ASSERT_TRUE(fs_->DeleteFile(kMetadata).ok()); }
  std::vector<std::string> RowGroupFiles() {
    std::vector<std::string> out;
    for (const FileInfo& e : *fs_->ListDir(kDir)) {
      if (e.name != "_history") out.push_back(JoinPath(kDir, e.name));  // kept versions
    }
    return out;
  }
  std::string Bytes(const std::string& path) {
    auto b = fs_->ReadFile(path).ValueOrDie();
    return std::string(b->view());
  }
  void ExpectNoMetadata() {
    EXPECT_FALSE(*fs_->Exists(kMetadata));
    for (const FileInfo& e : *fs_->ListDir("/data")) {
      EXPECT_FALSE(dataset::IsTempMetadataFileName(e.name, "ds")) << e.name;
    }
  }
  std::shared_ptr<MemoryFileSystem> fs_ = NewMemoryFileSystem();
  Table original_;
};

TEST_F(RecoverTest, RecoveredDatasetReadsEqualToTheOriginal) {
  const auto before = dataset::ReadMetadataFile(*fs_, kMetadata).ValueOrDie();
  LoseMetadata();
  auto report = RecoverMetadata(fs_, kDir);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->metadata_file, kMetadata);
  EXPECT_EQ(report->ordered_on, "ts");  // from the files' sorting_columns
  EXPECT_EQ(report->num_rows, 18);
  EXPECT_EQ(report->num_row_groups, before.num_row_groups());
  EXPECT_EQ(static_cast<int64_t>(report->files.size()), before.num_row_groups());
  EXPECT_EQ(report->file_key_value_keys, std::vector<std::string>{"pandas"});
  EXPECT_TRUE(report->ignored.empty());

  auto ds = OrderedDataset::Open(fs_, kDir).ValueOrDie();
  Table read = ds.Read().ValueOrDie();
  EXPECT_TRUE(read.Equals(original_));
  const auto md = dataset::ReadMetadataFile(*fs_, kMetadata).ValueOrDie();
  EXPECT_EQ(md.file_ids, before.file_ids);  // the same row order
  EXPECT_EQ(md.n_rows, before.n_rows);
  EXPECT_TRUE(md.mins.Equals(before.mins));
  EXPECT_TRUE(md.maxs.Equals(before.maxs));
  EXPECT_EQ(md.file_crc32, before.file_crc32);
  EXPECT_EQ(md.schema, before.schema);
  EXPECT_EQ(md.ordered_on, before.ordered_on);
  uint64_t largest = 0;
  for (uint64_t id : before.file_ids) largest = std::max(largest, id);
  EXPECT_EQ(md.max_used_file_id, largest);
  EXPECT_EQ(report->max_used_file_id, largest);
  EXPECT_EQ(md.schema_extra_json, R"({"file_key_value_metadata":{"pandas":"{\"x\":1}"}})");

  // The dataset takes writes again, and its files keep their key-value pair.
  ASSERT_TRUE(ds.Write(Rows({30, 31})).ok());
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 20);
  // A second recovery is refused: the metadata file exists.
  auto again = RecoverMetadata(fs_, kDir);
  EXPECT_TRUE(again.status().code() == StatusCode::kAlreadyExists) << again.status().ToString();
}

TEST_F(RecoverTest, GivenOrderedColumnAndIgnoredEntries) {
  LoseMetadata();
  ASSERT_TRUE(fs_->WriteFile(JoinPath(kDir, "notes.txt"), "mine").ok());
  RecoverOptions options;
  options.ordered_on = "ts";
  auto report = RecoverMetadata(fs_, kDir, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->ignored, std::vector<std::string>{"notes.txt"});
  EXPECT_TRUE(OrderedDataset::Open(fs_, kDir)->Read()->Equals(original_));
  // A column the files do not have is refused.
  ASSERT_TRUE(fs_->DeleteFile(kMetadata).ok());
  auto no_column = RecoverMetadata(fs_, kDir, RecoverOptions{std::string("nope"), {}});
  EXPECT_TRUE(no_column.status().IsInvalidArgument()) << no_column.status().ToString();
  EXPECT_NE(no_column.status().message().find("has no column 'nope'"), std::string::npos);
  ExpectNoMetadata();
}

TEST_F(RecoverTest, RefusesOverlappingFilesNamingThem) {
  LoseMetadata();
  const std::vector<std::string> files = RowGroupFiles();
  // A copy of a file under another id: its rows overlap the original's.
  const std::string copy = JoinPath(kDir, dataset::RowGroupFileName(40));
  ASSERT_TRUE(fs_->WriteFile(copy, Bytes(files[0])).ok());
  auto r = RecoverMetadata(fs_, kDir);
  ASSERT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("overlap"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(files[0]), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(copy), std::string::npos) << r.status().message();
  ExpectNoMetadata();
}

TEST_F(RecoverTest, SharedBoundaryValuesAreNotAnOverlap) {
  auto other = OrderedDataset::Open(fs_, "/data/b").ValueOrDie();
  WriteOptions wo;
  wo.ordered_on = "ts";
  wo.row_group_target_size = int64_t{2};
  ASSERT_TRUE(other.Write(Rows({1, 2, 2, 3}), wo).ok());  // rgs [1, 2] [2, 3]
  const Table before = other.Read().ValueOrDie();
  ASSERT_TRUE(fs_->DeleteFile("/data/b_opdmd").ok());
  auto r = RecoverMetadata(fs_, "/data/b");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->num_row_groups, 2);
  EXPECT_TRUE(OrderedDataset::Open(fs_, "/data/b")->Read()->Equals(before));
}

TEST_F(RecoverTest, RefusesAFileOfAnotherSchemaNamingBothFiles) {
  auto other = OrderedDataset::Open(fs_, "/data/other").ValueOrDie();
  WriteOptions wo;
  wo.ordered_on = "ts";
  Table t = MakeTable({{"ts", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{100, 101}).ValueOrDie()},
                       {"w", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{1, 2}).ValueOrDie()}})
                .ValueOrDie();
  ASSERT_TRUE(other.Write(t, wo).ok());
  LoseMetadata();
  const std::string stranger = JoinPath(kDir, dataset::RowGroupFileName(50));
  ASSERT_TRUE(
      fs_->WriteFile(stranger, Bytes(JoinPath("/data/other", dataset::RowGroupFileName(0))))
          .ok());
  auto r = RecoverMetadata(fs_, kDir);
  ASSERT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("different schemas"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find(stranger), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(RowGroupFiles()[0]), std::string::npos)
      << r.status().message();
  ExpectNoMetadata();
}

TEST_F(RecoverTest, RefusesACorruptFileNamingIt) {
  LoseMetadata();
  const std::string victim = RowGroupFiles()[1];
  const std::string bytes = Bytes(victim);
  ASSERT_TRUE(fs_->WriteFile(victim, bytes.substr(0, bytes.size() / 2)).ok());
  auto r = RecoverMetadata(fs_, kDir);
  ASSERT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_NE(r.status().message().find(victim), std::string::npos) << r.status().message();
  ExpectNoMetadata();
}

TEST_F(RecoverTest, RefusesWhenAMetadataFileOrALeftoversRecordExists) {
  auto r = RecoverMetadata(fs_, kDir);
  ASSERT_TRUE(r.status().code() == StatusCode::kAlreadyExists) << r.status().ToString();
  EXPECT_NE(r.status().message().find(kMetadata), std::string::npos);
  // A removal interrupted with a reader registered leaves a leftovers record:
  // its files are leftovers, not a dataset.
  ASSERT_TRUE(fs_->Rename(kMetadata, "/data/" + dataset::LeftoversRecordFileName("ds")).ok());
  auto removed = RecoverMetadata(fs_, kDir);
  ASSERT_TRUE(removed.status().IsInvalidArgument()) << removed.status().ToString();
  EXPECT_NE(removed.status().message().find("leftovers record"), std::string::npos);
  EXPECT_FALSE(*fs_->Exists(kMetadata));
  // No dataset directory, no file: nothing to recover.
  EXPECT_TRUE(RecoverMetadata(fs_, "/data/none").status().IsNotFound());
  ASSERT_TRUE(fs_->CreateDirs("/data/empty").ok());
  EXPECT_TRUE(RecoverMetadata(fs_, "/data/empty").status().IsNotFound());
}

// A dataset whose schema evolved (an added column, a widened one, a column
// left out by later writes): its files differ in schema, each newer one
// holding the older one's columns; it is recovered with the newest schema
// and the feature that makes older files read conformed to it.
TEST_F(RecoverTest, AnEvolvedDatasetIsRecoveredWithItsNewestSchema) {
  auto ev = OrderedDataset::Open(fs_, "/data/ev").ValueOrDie();
  auto ints = [](const DataType& type, const std::vector<int64_t>& v) {
    return ColumnFromVector(type, v).ValueOrDie();
  };
  WriteOptions wo;
  wo.ordered_on = "ts";
  wo.row_group_target_size = int64_t{2};
  ASSERT_TRUE(ev.Write(MakeTable({{"ts", ints(DataType::Int64(), {1, 2, 3})},
                                  {"n", ints(DataType::Int32(), {10, 20, 30})},
                                  {"gone", ints(DataType::Int8(), {1, 2, 3})}})
                           .ValueOrDie(),
                       wo)
                  .ok());
  WriteOptions evolve = wo;
  evolve.schema_evolution = true;
  // n widened to int64, x added, gone left out (null in the new rows).
  ASSERT_TRUE(ev.Write(MakeTable({{"ts", ints(DataType::Int64(), {7, 8, 9})},
                                  {"n", ints(DataType::Int64(), {70, 80, 90})},
                                  {"x", ColumnFromVector(DataType::String(),
                                                         std::vector<std::string>{"a", "b", "c"})
                                            .ValueOrDie()}})
                           .ValueOrDie(),
                       evolve)
                  .ok());
  const Table before = ev.Read().ValueOrDie();
  const auto md_before = dataset::ReadMetadataFile(*fs_, "/data/ev_opdmd").ValueOrDie();
  ASSERT_EQ(md_before.required_features, std::vector<std::string>{"schema_evolution"});
  ASSERT_TRUE(fs_->DeleteFile("/data/ev_opdmd").ok());

  auto r = RecoverMetadata(fs_, "/data/ev");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->schema_evolution);
  const auto md = dataset::ReadMetadataFile(*fs_, "/data/ev_opdmd").ValueOrDie();
  EXPECT_EQ(md.required_features, std::vector<std::string>{"schema_evolution"});
  EXPECT_EQ(md.schema, md_before.schema);
  EXPECT_EQ(md.file_ids, md_before.file_ids);
  auto back = OrderedDataset::Open(fs_, "/data/ev").ValueOrDie();
  const Table read = back.Read().ValueOrDie();
  EXPECT_TRUE(read.Equals(before)) << read.schema().ToString() << " vs "
                                   << before.schema().ToString();
  // It takes evolving writes again.
  ASSERT_TRUE(back.Write(MakeTable({{"ts", ints(DataType::Int64(), {10})},
                                    {"n", ints(DataType::Int64(), {100})},
                                    {"y", ints(DataType::Int16(), {5})}})
                             .ValueOrDie(),
                         evolve)
                  .ok());
  EXPECT_EQ(back.Read().ValueOrDie().num_rows(), 7);

  // A newer file of a narrower type is not an evolution: refused, naming
  // both files, nothing written.
  auto nar = OrderedDataset::Open(fs_, "/data/nar").ValueOrDie();
  ASSERT_TRUE(nar.Write(MakeTable({{"ts", ints(DataType::Int64(), {1, 2})},
                                   {"n", ints(DataType::Int64(), {1, 2})}})
                            .ValueOrDie(),
                        wo)
                  .ok());
  auto other = OrderedDataset::Open(fs_, "/data/other").ValueOrDie();
  ASSERT_TRUE(other.Write(MakeTable({{"ts", ints(DataType::Int64(), {5, 6})},
                                     {"n", ints(DataType::Int32(), {5, 6})}})
                              .ValueOrDie(),
                          wo)
                  .ok());
  ASSERT_TRUE(fs_->DeleteFile("/data/nar_opdmd").ok());
  const std::string narrower = JoinPath("/data/nar", dataset::RowGroupFileName(9));
  ASSERT_TRUE(
      fs_->WriteFile(narrower, Bytes(JoinPath("/data/other", dataset::RowGroupFileName(0)))).ok());
  auto refused = RecoverMetadata(fs_, "/data/nar");
  ASSERT_TRUE(refused.status().IsInvalidArgument()) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("nor is the second an evolution"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find(narrower), std::string::npos);
  EXPECT_FALSE(*fs_->Exists("/data/nar_opdmd"));
}

}  // namespace
}  // namespace oups
