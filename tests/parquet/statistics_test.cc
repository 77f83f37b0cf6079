// Typed statistics, row-group selection from them, and the I/O a projected or
// range read performs (only the footer and the needed column chunks are read).
#include <gtest/gtest.h>

#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "oups/parquet/statistics.h"
#include "oups/table/builder.h"
#include "testing/tracking_file_system.h"

namespace oups::parquet {
namespace {

Table SortedTable(int64_t n) {
  ColumnBuilder ts(DataType::Timestamp(TimeUnit::kNano));
  ColumnBuilder u(DataType::UInt32());
  ColumnBuilder s(DataType::String());
  for (int64_t i = 0; i < n; ++i) {
    EXPECT_TRUE(ts.Append(int64_t{1000} + i * 10).ok());
    EXPECT_TRUE(u.Append(uint64_t{4000000000u} - uint64_t(i)).ok());
    EXPECT_TRUE(s.Append("k" + std::to_string(100000 + i)).ok());
  }
  return MakeTable(std::vector<std::pair<std::string, Column>>{
                       {"ts", ts.Finish().ValueOrDie()},
                       {"u", u.Finish().ValueOrDie()},
                       {"s", s.Finish().ValueOrDie()}})
      .ValueOrDie();
}

TEST(Statistics, DecodeTypedMinMax) {
  auto fs = NewMemoryFileSystem();
  WriterOptions opt;
  opt.row_group_size = 100;
  auto md = WriteTable(*fs, "/s.parquet", SortedTable(250), opt);
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  ASSERT_EQ(md->row_groups.size(), 3u);
  const auto& st = *md->row_groups[1].columns[0].statistics;
  auto lo = DecodeStatistic(md->columns[0], *st.min_value);
  auto hi = DecodeStatistic(md->columns[0], *st.max_value);
  ASSERT_TRUE(lo.ok() && hi.ok());
  EXPECT_EQ(lo->type(), DataType::Timestamp(TimeUnit::kNano));
  EXPECT_EQ(lo->i64(), 2000);
  EXPECT_EQ(hi->i64(), 2990);
  // uint32 values above INT32_MAX compare as unsigned.
  const auto& su = *md->row_groups[0].columns[1].statistics;
  auto umax = DecodeStatistic(md->columns[1], *su.max_value);
  ASSERT_TRUE(umax.ok());
  EXPECT_EQ(umax->u64(), 4000000000u);
  auto smin = DecodeStatistic(md->columns[2], *md->row_groups[2].columns[2].statistics->min_value);
  ASSERT_TRUE(smin.ok());
  EXPECT_EQ(smin->bytes(), "k100200");
  // A statistic of the wrong size is corruption.
  EXPECT_TRUE(DecodeStatistic(md->columns[0], "abc").status().IsCorruption());
}

TEST(Statistics, SelectRowGroupsByRange) {
  auto fs = NewMemoryFileSystem();
  WriterOptions opt;
  opt.row_group_size = 100;
  auto md = WriteTable(*fs, "/s.parquet", SortedTable(1000), opt);  // rg r: ts in [1000+1000r, 1990+1000r]
  ASSERT_TRUE(md.ok());
  const DataType ts = DataType::Timestamp(TimeUnit::kNano);
  auto all = SelectRowGroups(*md, "ts", std::nullopt, std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 10u);
  auto mid = SelectRowGroups(*md, "ts", Scalar::Int(3000, ts), Scalar::Int(5000, ts));
  ASSERT_TRUE(mid.ok());
  EXPECT_EQ(*mid, (std::vector<int>{2, 3}));
  auto edge = SelectRowGroups(*md, "ts", Scalar::Int(2990, ts), Scalar::Int(3001, ts));
  ASSERT_TRUE(edge.ok());
  EXPECT_EQ(*edge, (std::vector<int>{1, 2}));
  auto none = SelectRowGroups(*md, "ts", Scalar::Int(20000, ts), std::nullopt);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto strings = SelectRowGroups(*md, "s", Scalar::String("k100950"), std::nullopt);
  ASSERT_TRUE(strings.ok());
  EXPECT_EQ(*strings, (std::vector<int>{9}));
  EXPECT_TRUE(SelectRowGroups(*md, "nope", std::nullopt, std::nullopt).status().IsNotFound());
  auto wrong = SelectRowGroups(*md, "ts", Scalar::Int(1, DataType::Timestamp(TimeUnit::kMilli)),
                               std::nullopt);
  EXPECT_EQ(wrong.status().code(), StatusCode::kTypeError);
}

TEST(IoPattern, ProjectionAndRangeReadOnlyNeededChunks) {
  auto mem = NewMemoryFileSystem();
  WriterOptions opt;
  opt.row_group_size = 100;
  auto md = WriteTable(*mem, "/s.parquet", SortedTable(1000), opt);
  ASSERT_TRUE(md.ok());
  auto tracking = std::make_shared<TrackingFileSystem>(mem);
  auto reader = FileReader::Open(*tracking, "/s.parquet");
  ASSERT_TRUE(reader.ok());
  const int64_t size = mem->Stat("/s.parquet").ValueOrDie().size;
  // Opening reads only the tail of the file (footer) and the 4 magic bytes.
  for (const auto& r : tracking->reads()) {
    EXPECT_TRUE((r.offset == 0 && r.length == 4) || r.offset + r.length == size)
        << "read at " << r.offset << " +" << r.length;
  }
  tracking->Clear();
  const DataType ts = DataType::Timestamp(TimeUnit::kNano);
  auto rgs = SelectRowGroups((*reader)->metadata(), "ts", Scalar::Int(3000, ts),
                             Scalar::Int(3500, ts));
  ASSERT_TRUE(rgs.ok());
  ASSERT_EQ(*rgs, std::vector<int>{2});
  ReadOptions ro;
  ro.columns = {"s"};
  ro.row_groups = *rgs;
  auto t = (*reader)->Read(ro);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->num_rows(), 100);
  // Exactly one read: the chunk of column "s" in row group 2.
  const auto& chunk = (*reader)->metadata().row_groups[2].columns[2];
  ASSERT_EQ(tracking->read_count(), 1);
  EXPECT_EQ(tracking->reads()[0].offset, chunk.start_offset());
  EXPECT_EQ(tracking->reads()[0].length, chunk.total_compressed_size);
  EXPECT_LT(tracking->bytes_read() * 20, size);
}

}  // namespace
}  // namespace oups::parquet
