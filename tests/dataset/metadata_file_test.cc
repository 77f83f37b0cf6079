#include "dataset/metadata_file.h"

#include <gtest/gtest.h>

#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "oups/table/builder.h"

namespace oups::dataset {
namespace {

Column Ints(const std::vector<int64_t>& v, DataType t = DataType::Int64()) {
  return ColumnFromVector(t, v).ValueOrDie();
}

DatasetMetadata Sample() {
  DatasetMetadata md;
  md.ordered_on = "ts";
  md.key_value_metadata = {{"a", "1"}, {"", ""}, {"ordered_on", "x"}};
  md.schema = Schema({Field{"ts", DataType::Timestamp(TimeUnit::kNano, "UTC"), false},
                      Field{"v", DataType::Float64(), true},
                      Field{"d", DataType::Decimal(18, 3), true}});
  md.schema_extra_json = R"({"dtypes":{"ts":"datetime64[ns, UTC]"},"x":[1,2.5,null]})";
  md.max_used_file_id = 9;
  md.file_ids = {3, 7};
  md.n_rows = {2, 5};
  md.mins = Ints({10, 20}, DataType::Timestamp(TimeUnit::kNano, "UTC"));
  md.maxs = Ints({15, 25}, DataType::Timestamp(TimeUnit::kNano, "UTC"));
  return md;
}

void ExpectSame(const DatasetMetadata& a, const DatasetMetadata& b) {
  EXPECT_EQ(a.ordered_on, b.ordered_on);
  EXPECT_EQ(a.key_value_metadata, b.key_value_metadata);
  EXPECT_EQ(a.schema.has_value(), b.schema.has_value());
  if (a.schema && b.schema) {
    EXPECT_EQ(*a.schema, *b.schema);
  }
  EXPECT_EQ(a.schema_extra_json, b.schema_extra_json);
  EXPECT_EQ(a.max_used_file_id, b.max_used_file_id);
  EXPECT_EQ(a.file_ids, b.file_ids);
  EXPECT_EQ(a.n_rows, b.n_rows);
  if (!a.file_ids.empty()) {
    EXPECT_TRUE(a.mins.Equals(b.mins));
    EXPECT_TRUE(a.maxs.Equals(b.maxs));
  }
}

TEST(MetadataFile, RoundTrip) {
  auto fs = NewMemoryFileSystem();
  DatasetMetadata md = Sample();
  ASSERT_TRUE(WriteMetadataFile(*fs, "ds_opdmd", md).ok());
  auto back = ReadMetadataFile(*fs, "ds_opdmd");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(md, *back);
  EXPECT_EQ(back->total_rows(), 7);
  EXPECT_EQ(back->max_known_file_id(), 9u);
}

TEST(MetadataFile, ColumnsAndJsonAsSpecified) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(WriteMetadataFile(*fs, "ds_opdmd", Sample()).ok());
  auto reader = parquet::FileReader::Open(*fs, "ds_opdmd").ValueOrDie();
  const auto& cols = reader->metadata().columns;
  ASSERT_EQ(cols.size(), 5u);
  EXPECT_EQ(cols[0].name, "file_ids");
  EXPECT_EQ(cols[0].logical, DataType::UInt64());
  EXPECT_EQ(cols[1].name, "n_rows");
  EXPECT_EQ(cols[1].logical, DataType::UInt64());
  EXPECT_EQ(cols[2].name, "ordered_on_mins");
  EXPECT_EQ(cols[2].logical, DataType::Timestamp(TimeUnit::kNano, "UTC"));
  EXPECT_EQ(cols[3].name, "ordered_on_maxs");
  EXPECT_EQ(cols[4].name, "file_crc32");
  EXPECT_EQ(cols[4].logical, DataType::UInt32());
  auto oups = reader->metadata().GetKeyValue("oups");
  ASSERT_TRUE(oups.has_value());
  EXPECT_TRUE(oups->starts_with(R"({"format_version":2,"ordered_on":"ts","key_value_metadata":{)"))
      << *oups;
}

TEST(MetadataFile, EmptyDatasetWithoutSchema) {
  auto fs = NewMemoryFileSystem();
  DatasetMetadata md;
  md.ordered_on = "a";
  ASSERT_TRUE(WriteMetadataFile(*fs, "m", md).ok());
  auto back = ReadMetadataFile(*fs, "m");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->num_row_groups(), 0);
  EXPECT_FALSE(back->schema.has_value());
  EXPECT_EQ(back->ordered_on, "a");
  EXPECT_EQ(back->max_known_file_id(), std::nullopt);
}

// Obsolete ids (files a commit stopped listing, not yet known deleted): a
// JSON member only when there are some, so that other datasets' metadata is
// unchanged and older readers (which ignore unknown members) read it.
TEST(MetadataFile, ObsoleteFileIdsOnlyWhenAny) {
  DatasetMetadata md;
  md.max_used_file_id = 7;
  EXPECT_EQ(EncodeOupsJson(md).find("obsolete_file_ids"), std::string::npos);
  md.obsolete_file_ids = {3, 6};
  const std::string json = EncodeOupsJson(md);
  EXPECT_NE(json.find(R"("max_used_file_id":7,"obsolete_file_ids":[3,6],"version":0})"),
            std::string::npos)
      << json;
  DatasetMetadata back;
  ASSERT_TRUE(DecodeOupsJson(json, &back).ok());
  EXPECT_EQ(back.obsolete_file_ids, (std::vector<uint64_t>{3, 6}));
  EXPECT_EQ(back.max_known_file_id(), 7u);
  DatasetMetadata bad;
  EXPECT_TRUE(DecodeOupsJson(R"({"format_version":1,"ordered_on":null,"key_value_metadata":{},)"
                             R"("obsolete_file_ids":[-1]})",
                             &bad)
                  .IsCorruption());
  // A listed file is never obsolete, whatever the file says.
  auto fs = NewMemoryFileSystem();
  DatasetMetadata listed = Sample();
  listed.obsolete_file_ids = {listed.file_ids[0], 100};
  ASSERT_TRUE(WriteMetadataFile(*fs, "m", listed).ok());
  EXPECT_EQ(ReadMetadataFile(*fs, "m").ValueOrDie().obsolete_file_ids,
            (std::vector<uint64_t>{100}));
}

TEST(MetadataFile, MultiIndexOrderedOnIsAJsonArray) {
  DatasetMetadata md;
  md.ordered_on = R"(["ts",""])";
  std::string json = EncodeOupsJson(md);
  EXPECT_NE(json.find(R"("ordered_on":["ts",""])"), std::string::npos) << json;
  DatasetMetadata back;
  ASSERT_TRUE(DecodeOupsJson(json, &back).ok());
  EXPECT_EQ(back.ordered_on, R"(["ts",""])");
  // A name that merely looks like an array stays a string.
  md.ordered_on = R"([ "ts"])";
  EXPECT_NE(EncodeOupsJson(md).find(R"("ordered_on":"[ \"ts\"]")"), std::string::npos);
}

TEST(MetadataFile, NewerFormatVersionRefusedNamingTheFile) {
  auto fs = NewMemoryFileSystem();
  Schema schema({Field{"file_ids", DataType::UInt64(), false},
                 Field{"n_rows", DataType::UInt64(), false},
                 Field{"ordered_on_mins", DataType::Int64(), false},
                 Field{"ordered_on_maxs", DataType::Int64(), false}});
  auto empty = [](DataType t) { return ColumnBuilder(t).Finish().ValueOrDie(); };
  Table t = Table::Make(schema, {empty(DataType::UInt64()), empty(DataType::UInt64()),
                                 empty(DataType::Int64()), empty(DataType::Int64())})
                .ValueOrDie();
  parquet::WriterOptions o;
  o.key_value_metadata = {{"oups", R"({"format_version":3,"ordered_on":"a","key_value_metadata":{}})"}};
  ASSERT_TRUE(fs->CreateDirs("dir").ok());
  ASSERT_TRUE(parquet::WriteTable(*fs, "dir/x_opdmd", t, o).ok());
  auto r = ReadMetadataFile(*fs, "dir/x_opdmd");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotSupported());
  EXPECT_NE(r.status().message().find("dir/x_opdmd"), std::string::npos);
  EXPECT_NE(r.status().message().find("format_version 3"), std::string::npos);

  // A required feature this reader does not know is refused the same way.
  o.key_value_metadata = {{"oups", R"({"format_version":1,"ordered_on":"a","key_value_metadata":{},)"
                                   R"("required_features":["schema_evolution","time_machine"]})"}};
  ASSERT_TRUE(parquet::WriteTable(*fs, "dir/z_opdmd", t, o).ok());
  r = ReadMetadataFile(*fs, "dir/z_opdmd");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotSupported());
  EXPECT_NE(r.status().message().find("dir/z_opdmd"), std::string::npos);
  EXPECT_NE(r.status().message().find("'time_machine'"), std::string::npos);

  // A known one (schema evolution) is read, and written back.
  o.key_value_metadata = {{"oups", R"({"format_version":1,"ordered_on":"a","key_value_metadata":{},)"
                                   R"("required_features":["schema_evolution"]})"}};
  ASSERT_TRUE(parquet::WriteTable(*fs, "dir/k_opdmd", t, o).ok());
  r = ReadMetadataFile(*fs, "dir/k_opdmd");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->required_features, std::vector<std::string>{"schema_evolution"});
  EXPECT_TRUE(r->HasFeature(kSchemaEvolutionFeature));
  EXPECT_NE(EncodeOupsJson(*r).find(R"("required_features":["schema_evolution"])"),
            std::string::npos);

  // Unknown members are ignored.
  o.key_value_metadata = {{"oups", R"({"format_version":1,"ordered_on":"a","key_value_metadata":{},"future":[1]})"}};
  ASSERT_TRUE(parquet::WriteTable(*fs, "y_opdmd", t, o).ok());
  EXPECT_TRUE(ReadMetadataFile(*fs, "y_opdmd").ok());
}

TEST(MetadataFile, CorruptInputsNameTheFile) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->WriteFile("garbage_opdmd", "not parquet at all").ok());
  auto r = ReadMetadataFile(*fs, "garbage_opdmd");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("garbage_opdmd"), std::string::npos);

  EXPECT_TRUE(ReadMetadataFile(*fs, "missing_opdmd").status().IsNotFound());

  for (const char* bad_json :
       {"{", R"({"ordered_on":"a","key_value_metadata":{}})", R"({"format_version":"1"})",
        R"({"format_version":1,"ordered_on":5,"key_value_metadata":{}})",
        R"({"format_version":1,"ordered_on":"a","key_value_metadata":{"k":1}})",
        R"({"format_version":1,"ordered_on":"a","key_value_metadata":{},"schema":{"fields":[{"name":"b","type":{"id":"int64"},"nullable":true}]}})",
        R"({"format_version":1,"ordered_on":"a","key_value_metadata":{},"schema":{"fields":[{"name":"a","type":{"id":"nope"},"nullable":true}]}})",
        R"({"format_version":1,"ordered_on":"a","key_value_metadata":{},"max_used_file_id":-1})"}) {
    DatasetMetadata md;
    EXPECT_FALSE(DecodeOupsJson(bad_json, &md).ok()) << bad_json;
  }
}

TEST(MetadataFile, InvalidRowGroupEntriesAreCorruption) {
  auto fs = NewMemoryFileSystem();
  DatasetMetadata md = Sample();
  md.n_rows = {0, 5};
  ASSERT_TRUE(WriteMetadataFile(*fs, "a_opdmd", md).ok());
  EXPECT_TRUE(ReadMetadataFile(*fs, "a_opdmd").status().IsCorruption());
  md = Sample();
  md.file_ids = {3, 3};
  ASSERT_TRUE(WriteMetadataFile(*fs, "b_opdmd", md).ok());
  EXPECT_TRUE(ReadMetadataFile(*fs, "b_opdmd").status().IsCorruption());
  md = Sample();
  md.maxs = Ints({5, 25}, DataType::Timestamp(TimeUnit::kNano, "UTC"));  // min > max
  ASSERT_TRUE(WriteMetadataFile(*fs, "c_opdmd", md).ok());
  EXPECT_TRUE(ReadMetadataFile(*fs, "c_opdmd").status().IsCorruption());
  // Statistics of another type than the ordered column cannot even be written.
  md = Sample();
  md.mins = Ints({10, 20});
  EXPECT_TRUE(WriteMetadataFile(*fs, "d_opdmd", md).IsInvalidArgument());
}

TEST(MetadataFile, OverlapDetected) {
  DatasetMetadata md = Sample();
  EXPECT_TRUE(CheckNoOverlap(md, "/x/ds").ok());
  md.maxs = Ints({20, 25}, DataType::Timestamp(TimeUnit::kNano, "UTC"));  // shared boundary
  EXPECT_TRUE(CheckNoOverlap(md, "/x/ds").ok());
  md.maxs = Ints({21, 25}, DataType::Timestamp(TimeUnit::kNano, "UTC"));
  Status st = CheckNoOverlap(md, "/x/ds");
  ASSERT_TRUE(st.IsInvalidArgument());
  EXPECT_NE(st.message().find("row groups must not overlap."), std::string::npos);
  EXPECT_NE(st.message().find("/x/ds"), std::string::npos);
}

TEST(MetadataFile, LegacyLayoutRecognised) {
  auto fs = NewMemoryFileSystem();
  Schema schema({Field{"file_ids", DataType::UInt16(), false},
                 Field{"n_rows", DataType::UInt32(), false},
                 Field{"ordered_on_mins", DataType::Int64(), false},
                 Field{"ordered_on_maxs", DataType::Int64(), false}});
  Table t = Table::Make(schema, {ColumnFromVector(DataType::UInt16(), std::vector<int>{0}).ValueOrDie(),
                                 ColumnFromVector(DataType::UInt32(), std::vector<int>{3}).ValueOrDie(),
                                 Ints({1}), Ints({2})})
                .ValueOrDie();
  parquet::WriterOptions o;
  o.key_value_metadata = {{"oups", std::string("\x80\x04\x95", 3)}};
  ASSERT_TRUE(parquet::WriteTable(*fs, "old_opdmd", t, o).ok());
  auto r = ReadMetadataFile(*fs, "old_opdmd");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("original Python oups"), std::string::npos);
}

TEST(MetadataFile, TypesRoundTrip) {
  for (DataType t : {DataType::Bool(), DataType::Int8(), DataType::UInt64(), DataType::Float32(),
                     DataType::String(), DataType::Binary(), DataType::Date32(),
                     DataType::Timestamp(TimeUnit::kSecond), DataType::Timestamp(TimeUnit::kMicro, "Europe/Berlin"),
                     DataType::Duration(TimeUnit::kMilli), DataType::Decimal(9, 2)}) {
    DatasetMetadata md;
    md.ordered_on = "x";
    md.schema = Schema({Field{"x", DataType::Int64(), false}, Field{"c", t, true}});
    DatasetMetadata back;
    ASSERT_TRUE(DecodeOupsJson(EncodeOupsJson(md), &back).ok()) << TypeToJson(t);
    EXPECT_EQ(*back.schema, *md.schema) << TypeToJson(t);
  }
}

// A dataset of n rgs: rg i holds [10 i, 10 i + 10], so that adjacent rgs
// share their boundary value (rg i's max is rg i+1's min).
DatasetMetadata ManyRowGroups(int64_t n) {
  DatasetMetadata md;
  md.ordered_on = "ts";
  md.schema = Schema({Field{"ts", DataType::Int64(), false}});
  std::vector<int64_t> mins, maxs;
  for (int64_t i = 0; i < n; ++i) {
    md.file_ids.push_back(static_cast<uint64_t>(i));
    md.n_rows.push_back(2);
    md.file_crc32[static_cast<uint64_t>(i)] = static_cast<uint32_t>(i * 7);
    mins.push_back(10 * i);
    maxs.push_back(10 * i + 10);
  }
  md.max_used_file_id = static_cast<uint64_t>(n - 1);
  md.mins = Ints(mins);
  md.maxs = Ints(maxs);
  return md;
}

TEST(MetadataFile, ChunksOfRowGroupsWithStatistics) {
  auto fs = NewMemoryFileSystem();
  const int64_t n = 3 * kMetadataChunkRows + 5;
  ASSERT_TRUE(WriteMetadataFile(*fs, "ds_opdmd", ManyRowGroups(n)).ok());
  auto reader = parquet::FileReader::Open(*fs, "ds_opdmd");
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ((*reader)->num_row_groups(), 4);
  for (const auto& chunk : (*reader)->metadata().row_groups) {
    for (const auto& col : chunk.columns) {
      EXPECT_TRUE(col.statistics && col.statistics->has_min_max());
    }
  }
  auto whole = ReadMetadataFile(*fs, "ds_opdmd");
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  ExpectSame(ManyRowGroups(n), *whole);
  EXPECT_EQ(whole->file_crc32.size(), static_cast<size_t>(n));
  EXPECT_FALSE(whole->partial);
}

TEST(MetadataFile, RangeDecodesOnlyTheChunksItNeeds) {
  auto fs = NewMemoryFileSystem();
  const int64_t n = 3 * kMetadataChunkRows + 5;
  const DatasetMetadata all = ManyRowGroups(n);
  ASSERT_TRUE(WriteMetadataFile(*fs, "ds_opdmd", all).ok());
  auto file = MetadataFile::Open(*fs, "ds_opdmd");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->num_row_groups(), n);
  EXPECT_TRUE((*file)->header().file_ids.empty());
  EXPECT_EQ((*file)->header().ordered_on, all.ordered_on);
  const int64_t c = kMetadataChunkRows;
  struct Case {
    std::optional<int64_t> start, end_excl;
    int64_t first_chunk, n_chunks;  // chunks expected
  };
  const Case cases[] = {
      {10 * 5, 10 * 6, 0, 1},                      // inside chunk 0
      {10 * (c + 3), 10 * (c + 3) + 1, 1, 1},      // inside chunk 1
      // The boundary value shared by the last rg of chunk 0 and the first of
      // chunk 1: both chunks.
      {10 * c, 10 * c + 1, 0, 2},
      {std::nullopt, 10 * 3, 0, 1},                // no start
      {10 * (3 * c + 1), std::nullopt, 3, 1},      // no end: the last chunk
      {10 * (c + 3), 10 * (3 * c), 1, 2},          // chunks 1 and 2 (end_excl = chunk 3's min)
      {10 * (n + 100), std::nullopt, 0, 0},        // after everything: no chunk
      {std::nullopt, -5, 0, 0},                    // before everything
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(std::to_string(k.start.value_or(-1)) + ".." + std::to_string(k.end_excl.value_or(-1)));
    std::optional<Scalar> start, end;
    if (k.start) start = Scalar::Int(*k.start);
    if (k.end_excl) end = Scalar::Int(*k.end_excl);
    auto part = (*file)->ReadRange(start, end);
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    EXPECT_TRUE(part->partial);
    const int64_t first = k.n_chunks == 0 ? 0 : k.first_chunk * c;
    const int64_t len = std::min(n, (k.first_chunk + k.n_chunks) * c) - k.first_chunk * c;
    ASSERT_EQ(part->num_row_groups(), k.n_chunks == 0 ? 0 : len);
    EXPECT_EQ(part->first_row_group, first);
    for (int64_t i = 0; i < part->num_row_groups(); ++i) {
      ASSERT_EQ(part->file_ids[static_cast<size_t>(i)], all.file_ids[static_cast<size_t>(first + i)]);
    }
    if (part->num_row_groups() > 0) {
      EXPECT_TRUE(part->mins.Equals(all.mins.Slice(first, len)));
      EXPECT_TRUE(part->maxs.Equals(all.maxs.Slice(first, len)));
      EXPECT_TRUE(part->file_crc32.empty());  // a range is read for its rows only
    }
    EXPECT_EQ(part->mins.type(), DataType::Int64());
    // A partial list is never written.
    EXPECT_TRUE(WriteMetadataFile(*fs, "other_opdmd", *part).IsInvalidArgument());
  }
  // No bound, or one chunk only: the whole list.
  auto none = (*file)->ReadRange(std::nullopt, std::nullopt);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->partial);
  EXPECT_EQ(none->num_row_groups(), n);
  // A bound of another type than the statistics: the whole list (the read
  // then reports the type error as before).
  auto other = (*file)->ReadRange(Scalar::String("x"), std::nullopt);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->num_row_groups(), n);
}

}  // namespace
}  // namespace oups::dataset

namespace oups::dataset {
namespace {

// The bytes of every column chunk of chunk (Parquet row group) k of `path`.
std::string ChunkBytes(FileSystem& fs, const std::string& path, int k) {
  auto reader = parquet::FileReader::Open(fs, path).ValueOrDie();
  std::string out;
  for (const auto& col : reader->metadata().row_groups[static_cast<size_t>(k)].columns) {
    std::string bytes(static_cast<size_t>(col.total_compressed_size), '\0');
    EXPECT_TRUE(reader->file()
                    .ReadAt(col.start_offset(), col.total_compressed_size,
                            reinterpret_cast<uint8_t*>(bytes.data()))
                    .ok());
    out += bytes;
  }
  return out;
}

// Opening a metadata file again while no commit replaced it takes the header
// decoded before (the footer and JSON of 20,000 rgs are not decoded at each
// read); a file replaced by another commit is decoded again, and its own
// content is what is read.
TEST(MetadataFile, ReopeningTakesTheDecodedHeaderUntilTheFileChanges) {
  auto fs = NewMemoryFileSystem();
  DatasetMetadata md = ManyRowGroups(2 * kMetadataChunkRows + 3);
  md.version = 4;
  ASSERT_TRUE(WriteMetadataFile(*fs, "ds_opdmd", md).ok());
  auto a = MetadataFile::Open(*fs, "ds_opdmd");
  auto b = MetadataFile::Open(*fs, "ds_opdmd");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(&(*a)->header(), &(*b)->header());  // one decoded header
  EXPECT_EQ((*b)->header().version, 4u);
  auto range = (*b)->ReadRange(Scalar::Int(50), Scalar::Int(60));
  ASSERT_TRUE(range.ok()) << range.status().ToString();
  EXPECT_EQ(range->num_row_groups(), kMetadataChunkRows);
  // Another commit: a new header, read from the new file.
  const int64_t before = md.num_row_groups();
  md = ManyRowGroups(before + 1);
  md.version = 5;
  md.key_value_metadata["k"] = "v";
  ASSERT_TRUE(WriteMetadataFile(*fs, "ds_opdmd.tmp", md).ok());
  ASSERT_TRUE(fs->Rename("ds_opdmd.tmp", "ds_opdmd").ok());
  auto c = MetadataFile::Open(*fs, "ds_opdmd");
  ASSERT_TRUE(c.ok());
  EXPECT_NE(&(*c)->header(), &(*a)->header());
  EXPECT_EQ((*c)->header().version, 5u);
  EXPECT_EQ((*c)->header().key_value_metadata.at("k"), "v");
  EXPECT_EQ((*c)->num_row_groups(), md.num_row_groups());
  // The file opened before the commit still reads its own state.
  EXPECT_EQ((*a)->header().version, 4u);
  auto old_all = (*a)->ReadAll();
  ASSERT_TRUE(old_all.ok());
  EXPECT_EQ(old_all->num_row_groups(), before);
  auto new_all = (*c)->ReadAll();
  ASSERT_TRUE(new_all.ok());
  ExpectSame(md, *new_all);
  // The same path on another file system is that file system's file.
  auto other_fs = NewMemoryFileSystem();
  EXPECT_TRUE(MetadataFile::Open(*other_fs, "ds_opdmd").status().IsNotFound());
}

TEST(MetadataFile, AnAppendReadsTheTailAndCopiesTheChunksBefore) {
  auto fs = NewMemoryFileSystem();
  const int64_t c = kMetadataChunkRows;
  const int64_t n = 3 * c + 5;
  const DatasetMetadata all = ManyRowGroups(n);
  ASSERT_TRUE(WriteMetadataFile(*fs, "ds_opdmd", all).ok());
  auto file = MetadataFile::Open(*fs, "ds_opdmd");
  ASSERT_TRUE(file.ok()) << file.status().ToString();

  // Rows after everything: the last chunk only.
  auto tail = (*file)->ReadTail(Scalar::Int(10 * n + 50));
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  EXPECT_TRUE(tail->partial);
  EXPECT_EQ(tail->first_row_group, 3 * c);
  ASSERT_EQ(tail->num_row_groups(), 5);
  EXPECT_EQ(tail->file_ids.front(), static_cast<uint64_t>(3 * c));
  // Rows falling in chunk 1: chunks 1 to 3.
  auto mid = (*file)->ReadTail(Scalar::Int(10 * (c + 3) + 1));
  ASSERT_TRUE(mid.ok());
  EXPECT_EQ(mid->first_row_group, c);
  EXPECT_EQ(mid->num_row_groups(), n - c);
  // The boundary value chunks 0 and 1 share, or rows before everything: the
  // whole list (chunk 0 may be touched).
  for (int64_t from : {10 * c, int64_t{-100}}) {
    auto whole = (*file)->ReadTail(Scalar::Int(from));
    ASSERT_TRUE(whole.ok());
    EXPECT_FALSE(whole->partial);
    EXPECT_EQ(whole->num_row_groups(), n);
  }

  // The tail plus 2,000 new rgs, written with the old file as the source:
  // the whole list reads back, its first 3 chunks are the old ones byte for
  // byte, and the rest is cut in chunks of kMetadataChunkRows again.
  DatasetMetadata out = *tail;
  out.version = 42;
  std::vector<int64_t> mins(tail->mins.data<int64_t>(), tail->mins.data<int64_t>() + 5);
  std::vector<int64_t> maxs(tail->maxs.data<int64_t>(), tail->maxs.data<int64_t>() + 5);
  DatasetMetadata expected = all;
  std::vector<int64_t> all_mins(all.mins.data<int64_t>(), all.mins.data<int64_t>() + n);
  std::vector<int64_t> all_maxs(all.maxs.data<int64_t>(), all.maxs.data<int64_t>() + n);
  for (int64_t i = n; i < n + 2000; ++i) {
    for (DatasetMetadata* m : {&out, &expected}) {
      m->file_ids.push_back(static_cast<uint64_t>(i));
      m->n_rows.push_back(3);
      m->file_crc32[static_cast<uint64_t>(i)] = static_cast<uint32_t>(i);
    }
    mins.push_back(10 * i);
    maxs.push_back(10 * i + 10);
    all_mins.push_back(10 * i);
    all_maxs.push_back(10 * i + 10);
  }
  out.mins = Ints(mins);
  out.maxs = Ints(maxs);
  expected.mins = Ints(all_mins);
  expected.maxs = Ints(all_maxs);
  out.max_used_file_id = expected.max_used_file_id = static_cast<uint64_t>(n + 1999);
  // Without the source, a partial list is refused.
  EXPECT_TRUE(WriteMetadataFile(*fs, "new_opdmd", out).IsInvalidArgument());
  ASSERT_TRUE(WriteMetadataFile(*fs, "new_opdmd", out, **file, parquet::Compression::kZstd).ok());
  auto back = ReadMetadataFile(*fs, "new_opdmd");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(expected, *back);
  EXPECT_EQ(back->version, 42u);
  EXPECT_EQ(back->file_crc32, expected.file_crc32);
  auto reader = parquet::FileReader::Open(*fs, "new_opdmd");
  ASSERT_TRUE(reader.ok());
  const auto& chunks = (*reader)->metadata().row_groups;
  ASSERT_EQ(chunks.size(), 5u);  // 3 copied, 2005 rgs in 2
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(ChunkBytes(*fs, "new_opdmd", k), ChunkBytes(*fs, "ds_opdmd", k)) << k;
    EXPECT_EQ(chunks[static_cast<size_t>(k)].columns[0].compression, parquet::Compression::kSnappy);
  }
  EXPECT_EQ(chunks[3].num_rows, c);
  EXPECT_EQ(chunks[3].columns[0].compression, parquet::Compression::kZstd);
  // Range reads of the new file use the copied statistics.
  auto again = MetadataFile::Open(*fs, "new_opdmd");
  ASSERT_TRUE(again.ok());
  auto part = (*again)->ReadRange(Scalar::Int(10 * (c + 3)), Scalar::Int(10 * (c + 3) + 1));
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(part->first_row_group, c);
  EXPECT_EQ(part->num_row_groups(), c);

  // A first_row_group where no chunk starts is refused.
  out.first_row_group = 7;
  EXPECT_TRUE(WriteMetadataFile(*fs, "bad_opdmd", out, **file, parquet::Compression::kSnappy)
                  .IsInvalidArgument());
}

TEST(MetadataFile, TailAfterAChunkEndingLaterIsCorruption) {
  auto fs = NewMemoryFileSystem();
  const int64_t c = kMetadataChunkRows;
  DatasetMetadata md = ManyRowGroups(2 * c + 3);
  // Chunk 1's first rg starts before chunk 0 ends (an overlap the tail read
  // cannot see by decoding the tail alone).
  std::vector<int64_t> mins(md.mins.data<int64_t>(), md.mins.data<int64_t>() + md.num_row_groups());
  mins[static_cast<size_t>(c)] = 5;
  md.mins = Ints(mins);
  ASSERT_TRUE(WriteMetadataFile(*fs, "ds_opdmd", md).ok());
  auto file = MetadataFile::Open(*fs, "ds_opdmd");
  ASSERT_TRUE(file.ok());
  auto tail = (*file)->ReadTail(Scalar::Int(10 * (c + 5)));
  ASSERT_FALSE(tail.ok());
  EXPECT_TRUE(tail.status().IsCorruption()) << tail.status().ToString();
  EXPECT_NE(tail.status().message().find("ds_opdmd"), std::string::npos);
  EXPECT_NE(tail.status().message().find("ends after row group"), std::string::npos);
}

}  // namespace
}  // namespace oups::dataset
