// Round-trip property tests of the Parquet writer and reader through the
// in-memory file system: random tables of every type, with and without nulls,
// every codec, dictionary on/off, several row-group and page sizes.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "oups/table/builder.h"
#include "oups/table/kernels.h"
#include "testing/random_table.h"

namespace oups::parquet {
namespace {

// The writer stores second timestamps as milliseconds and has no decimal or
// duration type of its own (durations are INT64): the type a column reads back as.
DataType ReadBackType(const DataType& t) {
  if (t.id == TypeId::kTimestamp && t.unit == TimeUnit::kSecond) {
    return DataType::Timestamp(TimeUnit::kMilli, t.timezone.empty() ? "" : "UTC");
  }
  if (t.id == TypeId::kTimestamp && !t.timezone.empty()) {
    return DataType::Timestamp(t.unit, "UTC");
  }
  if (t.id == TypeId::kDuration) return DataType::Int64();
  return t;
}

Schema WritableSchema(bool nullable) {
  std::vector<Field> fields;
  const Schema all = testing::AllTypesSchema();
  for (const Field& f : all.fields()) {
    Field g = f;
    g.nullable = nullable;
    fields.push_back(g);
  }
  return Schema(fields);
}

// Compares a written table with what was read, allowing the documented type changes.
void ExpectSameValues(const Table& written, const Table& read) {
  ASSERT_EQ(written.num_columns(), read.num_columns());
  ASSERT_EQ(written.num_rows(), read.num_rows());
  for (int c = 0; c < written.num_columns(); ++c) {
    const Column& w = written.column(c);
    const Column& r = read.column(c);
    SCOPED_TRACE(written.schema().field(c).name);
    ASSERT_EQ(r.type(), ReadBackType(w.type()));
    if (w.type().id == TypeId::kTimestamp && w.type().unit == TimeUnit::kSecond) {
      for (int64_t i = 0; i < w.length(); ++i) {
        ASSERT_EQ(w.IsNull(i), r.IsNull(i)) << "row " << i;
        if (w.IsValid(i)) {
          ASSERT_EQ(w.data<int64_t>()[i] * 1000, r.data<int64_t>()[i]);
        }
      }
      continue;
    }
    Column expected(r.type(), w.length(), w.validity(), w.values(), w.offsets(), w.null_count(),
                    w.offset());
    ASSERT_TRUE(expected.Equals(r));
  }
}

struct Case {
  Compression codec;
  bool nullable;
  bool dictionary;
  int64_t rows;
  int64_t row_group_size;
  int64_t page_size;
};

class RoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(RoundTrip, RandomTablesReadBackEqual) {
  const Case& k = GetParam();
  auto fs = NewMemoryFileSystem();
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    Table t = testing::RandomTable(WritableSchema(k.nullable), k.rows, seed * 7919,
                                   k.nullable ? 0.2 : 0.0);
    WriterOptions opt;
    opt.compression = k.codec;
    opt.dictionary = k.dictionary;
    opt.row_group_size = k.row_group_size;
    opt.data_page_size = k.page_size;
    auto md = WriteTable(*fs, "/t.parquet", t, opt);
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    const int64_t expected_rgs = (k.rows + k.row_group_size - 1) / k.row_group_size;
    EXPECT_EQ(static_cast<int64_t>(md->row_groups.size()), expected_rgs);
    auto read = ReadTable(*fs, "/t.parquet");
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    ExpectSameValues(t, *read);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Codecs, RoundTrip,
    ::testing::Values(Case{Compression::kUncompressed, true, true, 1000, 300, 1024},
                      Case{Compression::kSnappy, true, true, 2000, 2000, 1 << 20},
                      Case{Compression::kSnappy, false, true, 2000, 700, 512},
                      Case{Compression::kZstd, true, false, 1500, 1000, 4096},
                      Case{Compression::kGzip, false, false, 500, 500, 1 << 20},
                      Case{Compression::kLz4Raw, true, true, 777, 100, 256},
                      Case{Compression::kBrotli, true, true, 300, 1000, 1 << 20},
                      Case{Compression::kSnappy, true, true, 1, 10, 1 << 20},
                      Case{Compression::kSnappy, true, true, 0, 10, 1 << 20}));

TEST(RoundTrip, ProjectionAndRowGroupSelection) {
  auto fs = NewMemoryFileSystem();
  Table t = testing::RandomTable(WritableSchema(true), 1000, 42, 0.1);
  WriterOptions opt;
  opt.row_group_size = 250;
  ASSERT_TRUE(WriteTable(*fs, "/p.parquet", t, opt).ok());
  auto reader = FileReader::Open(*fs, "/p.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_EQ((*reader)->num_row_groups(), 4);
  auto rg = (*reader)->ReadRowGroup(2, {"string", "int64"});
  ASSERT_TRUE(rg.ok()) << rg.status().ToString();
  ASSERT_EQ(rg->num_rows(), 250);
  ASSERT_EQ(rg->schema().field(0).name, "string");
  EXPECT_TRUE(rg->column(0).Equals(t.Slice(500, 250).GetColumn("string").ValueOrDie()));
  EXPECT_TRUE(rg->column(1).Equals(t.Slice(500, 250).GetColumn("int64").ValueOrDie()));

  ReadOptions ro;
  ro.row_groups = {1, 3};
  ro.columns = {"float64"};
  auto part = (*reader)->Read(ro);
  ASSERT_TRUE(part.ok());
  ASSERT_EQ(part->num_rows(), 500);
  Column expected_head = t.Slice(250, 250).GetColumn("float64").ValueOrDie();
  EXPECT_TRUE(part->column(0).Slice(0, 250).Equals(expected_head));

  ReadOptions bad;
  bad.columns = {"nope"};
  auto missing = (*reader)->Read(bad);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("'nope'"), std::string::npos);
  EXPECT_NE(missing.status().message().find("/p.parquet"), std::string::npos);
}

// FileWriter::CopyRowGroups: row groups of another file appended unchanged
// (dictionary pages, page checksums and statistics included), between row
// groups the writer encodes itself, under another codec.
TEST(RoundTrip, CopiedRowGroupsReadBackEqual) {
  auto fs = NewMemoryFileSystem();
  const Schema schema = WritableSchema(true);
  Table t = testing::RandomTable(schema, 1000, 7, 0.1);
  WriterOptions opt;
  opt.row_group_size = 250;
  opt.compression = Compression::kSnappy;
  ASSERT_TRUE(WriteTable(*fs, "/src.parquet", t, opt).ok());
  auto src = FileReader::Open(*fs, "/src.parquet");
  ASSERT_TRUE(src.ok()) << src.status().ToString();

  Table head = testing::RandomTable(schema, 100, 8, 0.1);
  Table tail = testing::RandomTable(schema, 60, 9, 0.1);
  WriterOptions zstd;
  zstd.compression = Compression::kZstd;
  auto file = fs->OpenForWrite("/dst.parquet");
  ASSERT_TRUE(file.ok());
  auto writer = FileWriter::Open(std::move(*file), schema, zstd);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->WriteRowGroup(head).ok());
  Status copied = (*writer)->CopyRowGroups(**src, 1, 3);
  ASSERT_TRUE(copied.ok()) << copied.ToString();
  ASSERT_TRUE((*writer)->WriteRowGroup(tail).ok());
  // Out of range, and nothing written for it.
  EXPECT_EQ((*writer)->CopyRowGroups(**src, 3, 5).code(), StatusCode::kOutOfRange);
  ASSERT_TRUE((*writer)->Close().ok());

  auto dst = FileReader::Open(*fs, "/dst.parquet");
  ASSERT_TRUE(dst.ok()) << dst.status().ToString();
  ASSERT_EQ((*dst)->num_row_groups(), 4);
  auto all = (*dst)->Read();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  auto expected = ConcatenateTables({head, t.Slice(250, 500), tail});
  ASSERT_TRUE(expected.ok());
  ExpectSameValues(*expected, *all);
  const auto& rgs = (*dst)->metadata().row_groups;
  const auto& from = (*src)->metadata().row_groups;
  for (int k : {1, 2}) {
    const auto& copied = rgs[static_cast<size_t>(k)];
    const auto& original = from[static_cast<size_t>(k)];
    ASSERT_EQ(copied.num_rows, original.num_rows);
    for (size_t c = 0; c < copied.columns.size(); ++c) {
      SCOPED_TRACE(schema.field(static_cast<int>(c)).name);
      EXPECT_EQ(copied.columns[c].compression, Compression::kSnappy);
      EXPECT_EQ(copied.columns[c].total_compressed_size, original.columns[c].total_compressed_size);
      EXPECT_EQ(copied.columns[c].statistics.has_value(), original.columns[c].statistics.has_value());
      if (copied.columns[c].statistics) {
        EXPECT_EQ(copied.columns[c].statistics->min_value, original.columns[c].statistics->min_value);
        EXPECT_EQ(copied.columns[c].statistics->max_value, original.columns[c].statistics->max_value);
      }
    }
  }
  EXPECT_EQ(rgs[0].columns[0].compression, Compression::kZstd);

  // Another schema: refused, naming the column.
  Schema other({Field{"x", DataType::Int64(), true}});
  auto f2 = fs->OpenForWrite("/other.parquet");
  ASSERT_TRUE(f2.ok());
  auto w2 = FileWriter::Open(std::move(*f2), other);
  ASSERT_TRUE(w2.ok());
  Status st = (*w2)->CopyRowGroups(**src, 0, 1);
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("/src.parquet"), std::string::npos);
}

TEST(RoundTrip, ParallelWriteAndReadMatchSerial) {
  auto fs = NewMemoryFileSystem();
  Table t = testing::RandomTable(WritableSchema(true), 3000, 99, 0.1);
  WriterOptions serial;
  serial.row_group_size = 1000;
  WriterOptions parallel = serial;
  parallel.num_threads = 3;
  ASSERT_TRUE(WriteTable(*fs, "/serial.parquet", t, serial).ok());
  ASSERT_TRUE(WriteTable(*fs, "/parallel.parquet", t, parallel).ok());
  // Same bytes whatever the thread count.
  auto a = fs->ReadFile("/serial.parquet");
  auto b = fs->ReadFile("/parallel.parquet");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->view(), (*b)->view());
  ReadOptions ro;
  ro.num_threads = 2;
  auto read = ReadTable(*fs, "/parallel.parquet", ro);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ExpectSameValues(t, *read);
}

// Every value encoding the writer offers, with data pages v1 and v2, read back
// through the file reader (DuckDB never writes DELTA_BYTE_ARRAY or page v2).
TEST(RoundTrip, ValueEncodingsAndPageV2) {
  auto fs = NewMemoryFileSystem();
  Table t = testing::RandomTable(WritableSchema(true), 2000, 5, 0.15);
  for (int version : {1, 2}) {
    for (Compression codec : {Compression::kUncompressed, Compression::kZstd}) {
      WriterOptions opt{.compression = codec,
                        .row_group_size = 900,
                        .data_page_size = 2048,
                        .dictionary = false,
                        .column_encodings = {{"int32", Encoding::kDeltaBinaryPacked},
                                             {"int64", Encoding::kDeltaBinaryPacked},
                                             {"uint16", Encoding::kDeltaBinaryPacked},
                                             {"ts_ns", Encoding::kDeltaBinaryPacked},
                                             {"float32", Encoding::kByteStreamSplit},
                                             {"float64", Encoding::kByteStreamSplit},
                                             {"uint64", Encoding::kByteStreamSplit},
                                             {"string", Encoding::kDeltaByteArray},
                                             {"binary", Encoding::kDeltaLengthByteArray}},
                        .data_page_version = version};
      SCOPED_TRACE("page v" + std::to_string(version) + " " +
                   std::string(CompressionName(codec)));
      auto md = WriteTable(*fs, "/e.parquet", t, opt);
      ASSERT_TRUE(md.ok()) << md.status().ToString();
      const auto& encs = md->row_groups[0].columns[size_t(md->ColumnIndex("string"))].encodings;
      EXPECT_NE(std::find(encs.begin(), encs.end(), Encoding::kDeltaByteArray), encs.end());
      auto read = ReadTable(*fs, "/e.parquet");
      ASSERT_TRUE(read.ok()) << read.status().ToString();
      ExpectSameValues(t, *read);
    }
  }
  WriterOptions bad{.column_encodings = {{"string", Encoding::kDeltaBinaryPacked}}};
  auto r = WriteTable(*fs, "/bad.parquet", t, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'string'"), std::string::npos) << r.status().message();
  WriterOptions unknown{.column_encodings = {{"nope", Encoding::kPlain}}};
  EXPECT_FALSE(WriteTable(*fs, "/bad.parquet", t, unknown).ok());
}

TEST(RoundTrip, StatisticsAndMetadata) {
  auto fs = NewMemoryFileSystem();
  auto ts = ColumnFromVector<int64_t>(DataType::Timestamp(TimeUnit::kNano), {5, 7, 9, 11});
  auto u = ColumnFromVector<uint64_t>(DataType::UInt64(), {1, ~uint64_t{0}, 3, 2});
  auto s = ColumnFromVector<std::string>(DataType::String(), {"b", "\xc3\xa9", "a", "z"});
  auto f = ColumnFromVector<double>(DataType::Float64(), {0.0, std::nan(""), -1.5, 2.5});
  ASSERT_TRUE(ts.ok() && u.ok() && s.ok() && f.ok());
  auto t = MakeTable(std::vector<std::pair<std::string, Column>>{
      {"ts", *ts}, {"u", *u}, {"s", *s}, {"f", *f}});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  WriterOptions opt;
  opt.sorting_column = "ts";
  opt.key_value_metadata = {{"oups", std::string("{\"a\":1}")}, {"novalue", std::nullopt}};
  auto md = WriteTable(*fs, "/s.parquet", *t, opt);
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  auto reader = FileReader::Open(*fs, "/s.parquet");
  ASSERT_TRUE(reader.ok());
  const FileMetadata& m = (*reader)->metadata();
  EXPECT_EQ(m.num_rows, 4);
  EXPECT_EQ(m.GetKeyValue("oups"), std::optional<std::string>("{\"a\":1}"));
  ASSERT_EQ(m.row_groups.size(), 1u);
  ASSERT_EQ(m.row_groups[0].sorting_columns.size(), 1u);
  EXPECT_EQ(m.row_groups[0].sorting_columns[0].column_index, 0);
  auto stat = [&](int c) { return *m.row_groups[0].columns[size_t(c)].statistics; };
  auto as_i64 = [](const std::string& b) { int64_t v; std::memcpy(&v, b.data(), 8); return v; };
  auto as_u64 = [](const std::string& b) { uint64_t v; std::memcpy(&v, b.data(), 8); return v; };
  auto as_f64 = [](const std::string& b) { double v; std::memcpy(&v, b.data(), 8); return v; };
  EXPECT_EQ(as_i64(*stat(0).min_value), 5);
  EXPECT_EQ(as_i64(*stat(0).max_value), 11);
  EXPECT_EQ(as_u64(*stat(1).min_value), 1u);
  EXPECT_EQ(as_u64(*stat(1).max_value), ~uint64_t{0});
  EXPECT_EQ(*stat(2).min_value, "a");
  EXPECT_EQ(*stat(2).max_value, "\xc3\xa9");  // byte order: 0xC3 > 'z'

  EXPECT_EQ(as_f64(*stat(3).min_value), -1.5);
  EXPECT_EQ(as_f64(*stat(3).max_value), 2.5);
  EXPECT_EQ(stat(3).null_count, 0);
  EXPECT_EQ(m.columns[0].logical_name, "TIMESTAMP(NANOS,false)");
}

}  // namespace
}  // namespace oups::parquet
