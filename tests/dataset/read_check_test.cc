// Reads check every row-group file they open against the metadata (row count,
// min and max of the ordered column, schema) from its footer, and refuse a file
// that differs with a Corruption naming it (GitHub issue 11, point 1).
#include <gtest/gtest.h>

#include "dataset/metadata_file.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_writer.h"
#include "oups/table/builder.h"

namespace oups {
namespace {

constexpr const char* kDir = "/data/ds";

Table TsX(int64_t begin, int64_t end) {
  std::vector<int64_t> ts, x;
  for (int64_t i = begin; i < end; ++i) {
    ts.push_back(i);
    x.push_back(i * 10);
  }
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()},
                    {"x", ColumnFromVector(DataType::Int64(), x).ValueOrDie()}})
      .ValueOrDie();
}

std::string Bytes(FileSystem& fs, const std::string& path) {
  auto b = fs.ReadFile(path).ValueOrDie();
  return std::string(reinterpret_cast<const char*>(b->data()), static_cast<size_t>(b->size()));
}

struct ReadCheck : ::testing::Test {
  void SetUp() override {
    auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
    WriteOptions o;
    o.ordered_on = "ts";
    o.row_group_target_size = int64_t{4};
    ASSERT_TRUE(ds.Write(TsX(0, 20), o).ok());  // 5 rgs of 4 rows: files 0..4
    ASSERT_EQ(ds.num_row_groups().ValueOrDie(), 5);
  }
  OrderedDataset Open() { return OrderedDataset::Open(fs, kDir).ValueOrDie(); }
  void SwapFiles(const std::string& a, const std::string& b) {
    const std::string ba = Bytes(*fs, a), bb = Bytes(*fs, b);
    ASSERT_TRUE(fs->WriteFile(a, bb).ok());
    ASSERT_TRUE(fs->WriteFile(b, ba).ok());
  }
  static void ExpectCorruption(const Status& st, const std::string& file,
                               const std::string& what) {
    ASSERT_TRUE(st.IsCorruption()) << st.ToString();
    EXPECT_NE(st.message().find(file), std::string::npos) << st.ToString();
    EXPECT_NE(st.message().find(what), std::string::npos) << st.ToString();
  }
  std::shared_ptr<MemoryFileSystem> fs = NewMemoryFileSystem();
};

TEST_F(ReadCheck, SoundDatasetReadsUnchanged) {
  auto t = Open().Read();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->num_rows(), 20);
  auto ranged = Open().Read({.columns = Columns{"x"}, .start = Scalar::Int(5),
                             .end_excl = Scalar::Int(13)});
  ASSERT_TRUE(ranged.ok()) << ranged.status().ToString();
  EXPECT_EQ(ranged->num_rows(), 8);
}

TEST_F(ReadCheck, SwappedFilesAreRefusedOnEveryReadPath) {
  SwapFiles("/data/ds/file_00000001.parquet", "/data/ds/file_00000002.parquet");
  OrderedDataset ds = Open();
  auto all = ds.Read();
  ASSERT_FALSE(all.ok());
  ExpectCorruption(all.status(), "/data/ds/file_00000001.parquet",
                   "has min 'ts' 8 (footer statistics), the metadata says 4");
  // Without the ordered column, from the footer alone.
  auto x_only = ds.Read({.columns = Columns{"x"}});
  ASSERT_FALSE(x_only.ok());
  ExpectCorruption(x_only.status(), "/data/ds/file_00000001.parquet", "min 'ts' 8");
  auto rg = ds.ReadRowGroup(2, {"x"});
  ASSERT_FALSE(rg.ok());
  ExpectCorruption(rg.status(), "/data/ds/file_00000002.parquet", "min 'ts' 4");
  auto snap = ds.Snapshot();
  ASSERT_TRUE(snap.ok());
  auto snap_read = snap->Read({.start = Scalar::Int(9)});
  ASSERT_FALSE(snap_read.ok());
  ExpectCorruption(snap_read.status(), "/data/ds/file_00000002.parquet", "min 'ts' 4");
  // Untouched row groups still read.
  auto fine = ds.Read({.start = Scalar::Int(12)});
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  EXPECT_EQ(fine->num_rows(), 8);
  // A write merging into a swapped row group refuses it too.
  WriteOptions o;
  o.ordered_on = "ts";
  o.row_group_target_size = int64_t{4};
  Status w = ds.Write(TsX(5, 6), o);
  ExpectCorruption(w, "/data/ds/file_00000001.parquet", "min 'ts' 8");
}

TEST_F(ReadCheck, FileWithFewerRowsThanTheMetadataIsRefused) {
  // Same schema, 2 rows with the recorded min and max; the metadata says 4.
  Table two = MakeTable({{"ts", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{4, 7})
                                    .ValueOrDie()},
                         {"x", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{40, 70})
                                   .ValueOrDie()}})
                  .ValueOrDie();
  ASSERT_TRUE(parquet::WriteTable(*fs, "/data/ds/file_00000001.parquet", two).ok());
  auto t = Open().Read();
  ASSERT_FALSE(t.ok()) << "read " << t->num_rows() << " rows";
  ExpectCorruption(t.status(), "/data/ds/file_00000001.parquet",
                   "holds 2 rows, the metadata says 4");
}

TEST_F(ReadCheck, FileWithAnotherSchemaIsRefused) {
  Table other =
      MakeTable({{"ts", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{4, 5, 6, 7})
                            .ValueOrDie()},
                 {"x", ColumnFromVector(DataType::Float64(), std::vector<double>{4, 5, 6, 7})
                           .ValueOrDie()}})
          .ValueOrDie();
  ASSERT_TRUE(parquet::WriteTable(*fs, "/data/ds/file_00000001.parquet", other).ok());
  auto t = Open().Read({.columns = Columns{"ts"}});
  ASSERT_FALSE(t.ok());
  ExpectCorruption(t.status(), "/data/ds/file_00000001.parquet",
                   "has column 'x' of type float64, the stored schema says int64");
  auto renamed = other.SelectColumns({"ts"}).ValueOrDie();
  ASSERT_TRUE(parquet::WriteTable(*fs, "/data/ds/file_00000001.parquet", renamed).ok());
  auto u = Open().Read();
  ASSERT_FALSE(u.ok());
  ExpectCorruption(u.status(), "/data/ds/file_00000001.parquet", "missing 'x'");
}

TEST_F(ReadCheck, FileWithoutStatisticsIsCheckedOnItsDecodedValues) {
  Table shifted = TsX(5, 9);
  parquet::WriterOptions wo;
  wo.write_statistics = false;
  ASSERT_TRUE(parquet::WriteTable(*fs, "/data/ds/file_00000001.parquet", shifted, wo).ok());
  auto t = Open().Read();
  ASSERT_FALSE(t.ok());
  ExpectCorruption(t.status(), "/data/ds/file_00000001.parquet",
                   "has first 'ts' 5, the metadata's min is 4");
}

}  // namespace
}  // namespace oups
