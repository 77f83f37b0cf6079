#include "oups/dataset/ordered_dataset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "dataset/file_naming.h"
#include "dataset/metadata_file.h"
#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/table/builder.h"
#include "oups/table/kernels.h"
#include "testing/tracking_file_system.h"

namespace oups {
namespace {

constexpr const char* kDir = "/data/ds";

Table AB(const std::vector<int64_t>& a, const std::vector<std::string>& b) {
  return MakeTable({{"a", ColumnFromVector(DataType::Int64(), a).ValueOrDie()},
                    {"b", ColumnFromVector(DataType::String(), b).ValueOrDie()}})
      .ValueOrDie();
}

std::vector<int64_t> Ints(const Table& t, const std::string& name) {
  Column c = t.GetColumn(name).ValueOrDie();
  std::vector<int64_t> out;
  for (int64_t i = 0; i < c.length(); ++i) out.push_back(c.data<int64_t>()[i]);
  return out;
}
std::vector<std::string> Strings(const Table& t, const std::string& name) {
  Column c = t.GetColumn(name).ValueOrDie();
  std::vector<std::string> out;
  for (int64_t i = 0; i < c.length(); ++i) out.emplace_back(c.GetView(i));
  return out;
}

// Every file under `dir` (recursively) with its content.
void Dump(FileSystem& fs, const std::string& dir, std::map<std::string, std::string>* out) {
  auto entries = fs.ListDir(dir);
  if (!entries.ok()) return;
  for (const FileInfo& e : *entries) {
    std::string p = JoinPath(dir, e.name);
    if (e.is_dir) {
      (*out)[p + "/"] = "";
      Dump(fs, p, out);
    } else {
      auto b = fs.ReadFile(p).ValueOrDie();
      (*out)[p] = std::string(reinterpret_cast<const char*>(b->data()), static_cast<size_t>(b->size()));
    }
  }
}
std::map<std::string, std::string> Dump(FileSystem& fs) {
  std::map<std::string, std::string> out;
  Dump(fs, "/", &out);
  return out;
}

std::vector<std::string> RgFiles(FileSystem& fs, const std::string& dir = kDir) {
  std::vector<std::string> out;
  auto entries = fs.ListDir(dir);
  if (!entries.ok()) return out;
  for (const auto& e : *entries) {
    if (e.name != "_history") out.push_back(e.name);  // kept versions
  }
  return out;
}

struct Fixture : ::testing::Test {
  std::shared_ptr<MemoryFileSystem> fs = NewMemoryFileSystem();
  OrderedDataset Open(OpenOptions o = {}) {
    return OrderedDataset::Open(fs, kDir, std::move(o)).ValueOrDie();
  }
  std::vector<std::vector<int64_t>> RgValues(const OrderedDataset& ds, const std::string& col = "a") {
    std::vector<std::vector<int64_t>> out;
    for (int64_t i = 0; i < ds.num_row_groups().ValueOrDie(); ++i) {
      out.push_back(Ints(ds.ReadRowGroup(i).ValueOrDie(), col));
    }
    return out;
  }
  std::vector<std::vector<std::string>> RgStrings(const OrderedDataset& ds, const std::string& col) {
    std::vector<std::vector<std::string>> out;
    for (int64_t i = 0; i < ds.num_row_groups().ValueOrDie(); ++i) {
      out.push_back(Strings(ds.ReadRowGroup(i).ValueOrDie(), col));
    }
    return out;
  }
};

using OrderedDatasetTest = Fixture;

TEST_F(OrderedDatasetTest, OpenCreatesNothing) {
  auto ds = Open({.ordered_on = "a"});
  EXPECT_EQ(ds.path(), kDir);
  EXPECT_EQ(ds.ordered_on().ValueOrDie(), "a");
  EXPECT_EQ(ds.num_row_groups().ValueOrDie(), 0);
  EXPECT_TRUE(ds.key_value_metadata().ValueOrDie().empty());
  EXPECT_TRUE(ds.is_newly_initialized().ValueOrDie());
  EXPECT_EQ(ds.max_file_id().ValueOrDie(), -1);
  EXPECT_EQ(ds.Read().ValueOrDie().num_columns(), 0);
  EXPECT_EQ(Dump(*fs).size(), 0u);
}

TEST_F(OrderedDatasetTest, WriteReadAndLayout) {
  auto ds = Open();
  ASSERT_TRUE(ds.Write(AB({1, 2, 3, 4, 5}, {"a", "b", "c", "d", "e"}),
                       {.ordered_on = "a", .row_group_target_size = 2})
                  .ok());
  EXPECT_FALSE(ds.is_newly_initialized().ValueOrDie());
  EXPECT_EQ(RgValues(ds), (std::vector<std::vector<int64_t>>{{1, 2}, {3, 4}, {5}}));
  EXPECT_EQ(RgFiles(*fs), (std::vector<std::string>{"file_00000000.parquet", "file_00000001.parquet",
                                                    "file_00000002.parquet"}));
  EXPECT_TRUE(fs->Exists("/data/ds_opdmd").ValueOrDie());
  Table all = ds.Read().ValueOrDie();
  EXPECT_EQ(Ints(all, "a"), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(Strings(all, "b"), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  // Every rg file is a standalone one-rg Parquet file sorted on the ordered column.
  auto reader = parquet::FileReader::Open(*fs, "/data/ds/file_00000001.parquet").ValueOrDie();
  ASSERT_EQ(reader->num_row_groups(), 1);
  ASSERT_EQ(reader->metadata().row_groups[0].sorting_columns.size(), 1u);
  EXPECT_EQ(reader->metadata().row_groups[0].sorting_columns[0].column_index, 0);
  // Stats.
  Table stats = ds.RowGroupStats().ValueOrDie();
  EXPECT_EQ(stats.schema().field(0).name, "file_ids");
  EXPECT_EQ(Ints(stats, "ordered_on_mins"), (std::vector<int64_t>{1, 3, 5}));
  EXPECT_EQ(Ints(stats, "ordered_on_maxs"), (std::vector<int64_t>{2, 4, 5}));
  EXPECT_EQ(ds.max_file_id().ValueOrDie(), 2);
  // A second handle sees the same state; a handle adopts ordered_on.
  auto other = Open();
  EXPECT_EQ(other.ordered_on().ValueOrDie(), "a");
  EXPECT_TRUE(other.Write(AB({6}, {"f"}), {.row_group_target_size = 2}).ok());
  EXPECT_EQ(Ints(ds.Read().ValueOrDie(), "a"), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
}

TEST_F(OrderedDatasetTest, IdsNeverReusedAndObsoleteFilesDeleted) {
  // Ids never reused (docs/behaviour.md#row-group-files): ids [0, 1, 2]; a
  // write rewrites rg 2 and appends -> [0, 1, 3, 4, 5].
  auto ds = Open();
  ASSERT_TRUE(ds.Write(AB({1, 2, 3, 4, 5, 6}, {"", "", "", "", "", ""}),
                       {.ordered_on = "a", .row_group_target_size = 2})
                  .ok());
  ASSERT_TRUE(ds.Write(AB({5, 7, 8}, {"n", "n", "n"}), {.row_group_target_size = 2}).ok());
  Table stats = ds.RowGroupStats().ValueOrDie();
  Column ids = stats.GetColumn("file_ids").ValueOrDie();
  std::vector<uint64_t> got(ids.data<uint64_t>(), ids.data<uint64_t>() + ids.length());
  EXPECT_EQ(got, (std::vector<uint64_t>{0, 1, 3, 4, 5}));
  EXPECT_EQ(RgValues(ds), (std::vector<std::vector<int64_t>>{{1, 2}, {3, 4}, {5, 5}, {6, 7}, {8}}) )
      << "layout";
  EXPECT_FALSE(fs->Exists("/data/ds/file_00000002.parquet").ValueOrDie());
}

TEST_F(OrderedDatasetTest, RegressionNewValuesNotLostWhenDeduplicating) {
  // Regression test: plan on the de-duplicated new rows
  // (docs/behaviour.md#writing).
  auto ds = Open();
  ASSERT_TRUE(ds.Write(AB({1, 2, 3}, {"old", "old", "old"}), {.ordered_on = "a", .row_group_target_size = 3}).ok());
  ASSERT_TRUE(ds.Write(AB({10, 11, 12}, {"old", "old", "old"}), {.row_group_target_size = 3}).ok());
  ASSERT_EQ(ds.num_row_groups().ValueOrDie(), 2);
  ASSERT_TRUE(ds.Write(AB({2, 2, 11}, {"n1", "n2", "n3"}),
                       {.row_group_target_size = 3, .duplicates_on = Columns{"a"}})
                  .ok());
  EXPECT_EQ(RgValues(ds), (std::vector<std::vector<int64_t>>{{1, 2, 3}, {10, 11, 12}}));
  EXPECT_EQ(RgStrings(ds, "b"), (std::vector<std::vector<std::string>>{{"old", "n2", "old"},
                                                                       {"old", "n3", "old"}}));
}

TEST_F(OrderedDatasetTest, DuplicatePairSplitAcrossStepsRemoved) {
  // No duplicate pair survives across load steps (docs/behaviour.md#merge).
  auto ds = Open();
  ASSERT_TRUE(ds.Write(AB({1, 2, 2}, {"p", "y", "q"}), {.ordered_on = "a", .row_group_target_size = 3}).ok());
  ASSERT_TRUE(ds.Write(AB({2, 3, 3}, {"y", "r", "s"}), {.row_group_target_size = 3}).ok());
  ASSERT_EQ(RgValues(ds), (std::vector<std::vector<int64_t>>{{1, 2, 2}, {2, 3, 3}}));
  ASSERT_TRUE(ds.Write({.row_group_target_size = 2, .duplicates_on = Columns{"b"},
                        .max_n_off_target_rgs = 1})
                  .ok());
  EXPECT_EQ(RgValues(ds), (std::vector<std::vector<int64_t>>{{1, 2}, {2, 3}, {3}}));
  EXPECT_EQ(RgStrings(ds, "b"), (std::vector<std::vector<std::string>>{{"p", "q"}, {"y", "r"}, {"s"}}));
}

TEST_F(OrderedDatasetTest, KeyValueMetadataUpdates) {
  auto ds = Open({.ordered_on = "a"});
  ASSERT_TRUE(ds.Write({.key_value_metadata = {{"x", "1"}, {"empty", ""}, {"ordered_on", "z"}}}).ok());
  // A metadata-only dataset: metadata file, no directory.
  EXPECT_TRUE(fs->Exists("/data/ds_opdmd").ValueOrDie());
  EXPECT_FALSE(fs->Exists(kDir).ValueOrDie());
  EXPECT_EQ(ds.key_value_metadata().ValueOrDie(),
            (std::map<std::string, std::string>{{"x", "1"}, {"empty", ""}, {"ordered_on", "z"}}));
  ASSERT_TRUE(ds.Write(AB({1}, {"a"}), {.key_value_metadata = {{"x", std::nullopt}, {"nope", std::nullopt}, {"y", "2"}}}).ok());
  EXPECT_EQ(ds.key_value_metadata().ValueOrDie(),
            (std::map<std::string, std::string>{{"empty", ""}, {"ordered_on", "z"}, {"y", "2"}}));
  // The returned map is a copy.
  auto kv = ds.key_value_metadata().ValueOrDie();
  kv["q"] = "q";
  EXPECT_EQ(ds.key_value_metadata().ValueOrDie().count("q"), 0u);
}

// The key-value pairs of rg file `name` (sorted by key).
std::map<std::string, std::optional<std::string>> FileKv(FileSystem& fs, const std::string& name) {
  auto reader = parquet::FileReader::Open(fs, JoinPath(kDir, name)).ValueOrDie();
  std::map<std::string, std::optional<std::string>> out;
  for (const auto& kv : reader->metadata().key_value_metadata) out[kv.key] = kv.value;
  return out;
}

TEST_F(OrderedDatasetTest, SchemaExtraFileKeyValuesGoToEveryRgFile) {
  using Kv = std::map<std::string, std::optional<std::string>>;
  auto ds = Open({.ordered_on = "a"});
  // Without the member, rg files carry no key-value pair.
  ASSERT_TRUE(ds.Write(AB({1, 3}, {"a", "c"}), {.row_group_target_size = 2, .schema_extra_json = "[1]"}).ok());
  EXPECT_EQ(RgFiles(*fs), (std::vector<std::string>{"file_00000000.parquet"}));
  EXPECT_EQ(FileKv(*fs, "file_00000000.parquet"), Kv{});
  const std::string extra =
      R"({"pandas":{"version":1},"file_key_value_metadata":{"pandas":{"columns":[{"name":"a"}]},"s":"text"}})";
  // 2 falls inside rg 0: it is rewritten as {1, 2} and {3}, both new files with the pairs.
  ASSERT_TRUE(ds.Write(AB({2}, {"b"}), {.row_group_target_size = 2, .schema_extra_json = extra}).ok());
  EXPECT_EQ(RgValues(ds), (std::vector<std::vector<int64_t>>{{1, 2}, {3}}));
  const Kv expected{{"pandas", R"({"columns":[{"name":"a"}]})"}, {"s", "text"}};
  EXPECT_EQ(RgFiles(*fs), (std::vector<std::string>{"file_00000001.parquet", "file_00000002.parquet"}));
  EXPECT_EQ(FileKv(*fs, "file_00000001.parquet"), expected);
  EXPECT_EQ(FileKv(*fs, "file_00000002.parquet"), expected);
  // A later write without schema_extra_json (e.g. the CLI's) that rewrites rg 0:
  // the stored extra gives the new file the same pairs.
  ASSERT_TRUE(ds.Write(AB({2}, {"B"}), {.row_group_target_size = 2, .duplicates_on = Columns{"a"}}).ok());
  EXPECT_EQ(RgStrings(ds, "b"), (std::vector<std::vector<std::string>>{{"a", "B"}, {"c"}}));
  EXPECT_EQ(RgFiles(*fs), (std::vector<std::string>{"file_00000002.parquet", "file_00000003.parquet"}));
  EXPECT_EQ(FileKv(*fs, "file_00000003.parquet"), expected);
  // A member that is not an object is refused before anything is touched.
  const auto before = Dump(*fs);
  Status st = ds.Write(AB({7}, {"g"}), {.schema_extra_json = R"({"file_key_value_metadata":[1]})"});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("file_key_value_metadata"), std::string::npos) << st.ToString();
  EXPECT_EQ(Dump(*fs), before);
  // So is an extra that is not JSON.
  st = ds.Write(AB({7}, {"g"}), {.schema_extra_json = "{not json"});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("'schema_extra_json' is not valid JSON"), std::string::npos)
      << st.ToString();
  EXPECT_EQ(Dump(*fs), before);
}

TEST_F(OrderedDatasetTest, SchemaExtraMergeRunsUnderTheLockOnTheCommittedValue) {
  auto ds = Open({.ordered_on = "a"});
  std::vector<std::optional<std::string>> seen;
  auto append = [&](const std::string& tag) {
    return [&seen, &ds, tag](const std::optional<std::string>& committed)
               -> Result<std::optional<std::string>> {
      seen.push_back(committed);
      // Under the writer lock: another writer of the dataset cannot take it.
      auto other = OrderedDataset::Open(ds.file_system(), ds.path(), {.lock_timeout = 0});
      Status blocked = other->Write(AB({100}, {"x"}), {.ordered_on = "a"});
      if (blocked.code() != StatusCode::kTimeout) return Status::InvalidArgument("lock not held: " + blocked.ToString());
      const std::string before =
          committed ? committed->substr(1, committed->size() - 2) + "," : std::string();
      return std::optional<std::string>("[" + before + tag + "]");
    };
  };
  Status first = ds.Write(AB({1}, {"a"}), {.schema_extra_merge = append("1")});
  ASSERT_TRUE(first.ok()) << first.ToString();
  ASSERT_TRUE(ds.Write(AB({2}, {"b"}), {.schema_extra_merge = append("2")}).ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::nullopt);  // nothing committed yet
  EXPECT_EQ(seen[1], std::optional<std::string>("[1]"));
  EXPECT_EQ(ds.schema_extra_json().ValueOrDie(), std::optional<std::string>("[1,2]"));
  // An error of the merge aborts the write; a merge giving invalid JSON is refused.
  Status st = ds.Write(AB({3}, {"c"}), {.schema_extra_merge = [](const auto&) {
                                          return Result<std::optional<std::string>>(
                                              Status::InvalidArgument("merge failed"));
                                        }});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  st = ds.Write(AB({3}, {"c"}), {.schema_extra_merge = [](const auto&) {
                                   return Result<std::optional<std::string>>(
                                       std::optional<std::string>("{not json"));
                                 }});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("schema_extra_merge"), std::string::npos) << st.ToString();
  EXPECT_EQ(ds.schema_extra_json().ValueOrDie(), std::optional<std::string>("[1,2]"));
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 2);
}

TEST_F(OrderedDatasetTest, ZeroRowTableRecordsSchema) {
  auto ds = Open();
  ASSERT_TRUE(ds.Write(AB({}, {}), {.ordered_on = "a"}).ok());
  auto schema = ds.schema().ValueOrDie();
  ASSERT_TRUE(schema.has_value());
  EXPECT_EQ(schema->num_fields(), 2);
  Table t = ds.Read().ValueOrDie();
  EXPECT_EQ(t.num_rows(), 0);
  EXPECT_EQ(t.num_columns(), 2);
  EXPECT_EQ(t.schema().field(1).type, DataType::String());
}

TEST_F(OrderedDatasetTest, ValidationErrorsTouchNothing) {
  auto ds = Open();
  ASSERT_TRUE(ds.Write(AB({1, 2, 3}, {"a", "b", "c"}), {.ordered_on = "a", .row_group_target_size = 2,
                                                        .key_value_metadata = {{"k", "v"}}})
                  .ok());
  const auto before = Dump(*fs);
  auto expect_rejected = [&](Status st, StatusCode code, const std::string& gist) {
    EXPECT_EQ(st.code(), code) << st.ToString();
    EXPECT_NE(st.message().find(gist), std::string::npos) << st.ToString();
    EXPECT_EQ(Dump(*fs), before) << "rejected write changed the file system: " << st.ToString();
  };
  // Unsorted new data, with column and first offending row.
  expect_rejected(ds.Write(AB({5, 4}, {"x", "y"})), StatusCode::kInvalidArgument,
                  "'df_ordered_on' must be sorted in ascending order. Column 'a', first offending row 1");
  // Null in the ordered column counts as unsorted.
  {
    Table t = MakeTable({{"a", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{1, 2}, {true, false}).ValueOrDie()},
                         {"b", ColumnFromVector(DataType::String(), std::vector<std::string>{"x", "y"}).ValueOrDie()}})
                  .ValueOrDie();
    expect_rejected(ds.Write(t), StatusCode::kInvalidArgument, "row 1");
  }
  // Missing ordered column.
  expect_rejected(ds.Write(MakeTable({{"b", ColumnFromVector(DataType::String(), std::vector<std::string>{"x"}).ValueOrDie()}}).ValueOrDie()),
                  StatusCode::kNotFound, "'a'");
  // ordered_on mismatch.
  expect_rejected(ds.Write(AB({9}, {"x"}), {.ordered_on = "b"}), StatusCode::kInvalidArgument,
                  "'ordered_on' parameter value 'b' does not match 'a' in record dataset.");
  // Schema: missing / unexpected columns, type mismatch.
  expect_rejected(ds.Write(MakeTable({{"a", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{9}).ValueOrDie()},
                                      {"c", ColumnFromVector(DataType::String(), std::vector<std::string>{"x"}).ValueOrDie()}})
                               .ValueOrDie()),
                  StatusCode::kInvalidArgument, "Missing: 'b'. Unexpected: 'c'.");
  expect_rejected(ds.Write(MakeTable({{"a", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{9}).ValueOrDie()},
                                      {"b", ColumnFromVector(DataType::Int32(), std::vector<int32_t>{1}).ValueOrDie()}})
                               .ValueOrDie()),
                  StatusCode::kTypeError, "column 'b' is stored as string but given as int32");
  // Options.
  expect_rejected(ds.Write(AB({9}, {"x"}), {.row_group_target_size = 0}), StatusCode::kInvalidArgument,
                  "row_group_target_size");
  expect_rejected(ds.Write(AB({9}, {"x"}), {.row_group_target_size = Period("3 fortnights")}),
                  StatusCode::kInvalidArgument, "frequency '3 fortnights' is not supported");
  expect_rejected(ds.Write(AB({9}, {"x"}), {.max_n_off_target_rgs = 0}), StatusCode::kInvalidArgument,
                  "'max_n_off_target_rgs' cannot be 0.");
  expect_rejected(ds.Write(AB({9}, {"x"}), {.max_n_off_target_rgs = -2}), StatusCode::kInvalidArgument,
                  "max_n_off_target_rgs");
  expect_rejected(ds.Write(AB({9}, {"x"}), {.lock_timeout = -1}), StatusCode::kInvalidArgument,
                  "lock_timeout");
  expect_rejected(ds.Write(AB({9}, {"x"}), {.compression = {parquet::Compression::kZstd, 99}}),
                  StatusCode::kInvalidArgument, "'compression': zstd: compression level 99 outside");
  expect_rejected(ds.Write(AB({9}, {"x"}), {.compression = parquet::Compression::kLz4Legacy}),
                  StatusCode::kInvalidArgument, "read-only");
  EXPECT_TRUE(parquet::CompressionOptions::Parse("rar").status().IsInvalidArgument());
  EXPECT_EQ(*parquet::CompressionOptions::Parse("ZSTD", 5),
            parquet::CompressionOptions(parquet::Compression::kZstd, 5));
  expect_rejected(ds.Write(AB({9}, {"x"}), {.duplicates_on = Columns{"zz"}}), StatusCode::kNotFound,
                  "'zz'");
  expect_rejected(ds.Write(AB({9}, {"x"}), {.schema_extra_json = "{bad"}), StatusCode::kInvalidArgument,
                  "schema_extra_json");
  // Time period on a non-temporal ordered column.
  expect_rejected(ds.Write(AB({9}, {"x"}), {.row_group_target_size = Period("1D")}),
                  StatusCode::kTypeError, "timestamp or date");
  // Unorderable ordered column type.
  expect_rejected(ds.Write(MakeTable({{"a", ColumnFromVector(DataType::Bool(), std::vector<bool>{true}).ValueOrDie()}}).ValueOrDie()),
                  StatusCode::kTypeError, "ordered column 'a'");
  // Without any ordered_on.
  auto fresh = OrderedDataset::Open(fs, "/data/other").ValueOrDie();
  expect_rejected(fresh.Write(AB({1}, {"x"})), StatusCode::kInvalidArgument,
                  "'ordered_on' parameter is required.");
  // An empty ordered_on on an existing dataset names the problem, not a mismatch.
  expect_rejected(ds.Write(AB({9}, {"x"}), {.ordered_on = ""}), StatusCode::kInvalidArgument,
                  "'ordered_on' must name a column, not be empty.");
  // A column without a name: refused before anything is created (new dataset here).
  auto unnamed = MakeTable({{"a", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{1}).ValueOrDie()},
                            {"", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{2}).ValueOrDie()}});
  if (unnamed.ok()) {
    expect_rejected(fresh.Write(*unnamed, {.ordered_on = "a"}), StatusCode::kInvalidArgument,
                    "column 1 has an empty name");
  }
  // Open with a mismatching ordered_on.
  auto bad = OrderedDataset::Open(fs, kDir, {.ordered_on = "b"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("does not match 'a'"), std::string::npos);
  EXPECT_TRUE(OrderedDataset::Open(fs, kDir, {.lock_timeout = -0.5}).status().IsInvalidArgument());
  // The dataset is intact.
  EXPECT_EQ(Ints(ds.Read().ValueOrDie(), "a"), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(OrderedDatasetTest, OverlappingRowGroupsInMetadataRefused) {
  auto ds = Open();
  ASSERT_TRUE(ds.Write(AB({1, 2, 3, 4}, {"a", "b", "c", "d"}), {.ordered_on = "a", .row_group_target_size = 2}).ok());
  auto md = dataset::ReadMetadataFile(*fs, "/data/ds_opdmd").ValueOrDie();
  md.maxs = ColumnFromVector(DataType::Int64(), std::vector<int64_t>{5, 4}).ValueOrDie();  // rg 0 ends at 5 > 3
  ASSERT_TRUE(dataset::WriteMetadataFile(*fs, "/data/ds_opdmd", md).ok());
  const auto before = Dump(*fs);
  Status st = ds.Write(AB({9}, {"x"}));
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_NE(st.message().find("row groups must not overlap."), std::string::npos);
  EXPECT_NE(st.message().find(kDir), std::string::npos);
  // Only the lock file may have appeared.
  auto after = Dump(*fs);
  after.erase("/data/ds.lock");
  auto b2 = before;
  b2.erase("/data/ds.lock");
  EXPECT_EQ(after, b2);
}

TEST_F(OrderedDatasetTest, LockTimeout) {
  auto ds = Open({.ordered_on = "a", .lock_timeout = 0});
  ASSERT_TRUE(fs->CreateDirs("/data").ok());
  auto held = fs->Lock("/data/ds.lock", std::chrono::milliseconds(0)).ValueOrDie();
  Status st = ds.Write(AB({1}, {"x"}));
  EXPECT_EQ(st.code(), StatusCode::kTimeout);
  EXPECT_EQ(st.message(), "failed to acquire lock for dataset '/data/ds' within 0 seconds. "
                          "Another process may be using this dataset.");
  st = ds.Write(AB({1}, {"x"}), {.lock_timeout = 0.05});
  EXPECT_NE(st.message().find("within 0.05 seconds"), std::string::npos);
  EXPECT_FALSE(fs->Exists("/data/ds_opdmd").ValueOrDie());
  // Readers never take the writer lock.
  EXPECT_TRUE(ds.Read().ok());
  EXPECT_TRUE(ds.num_row_groups().ok());
  held.reset();
  EXPECT_TRUE(ds.Write(AB({1}, {"x"})).ok());
}

TEST_F(OrderedDatasetTest, LeftoversSweptAndIdsAboveThem) {
  auto ds = Open();
  ASSERT_TRUE(ds.Write(AB({1, 2}, {"a", "b"}), {.ordered_on = "a"}).ok());
  // Leftovers of an interrupted write: unreferenced rg files right above the
  // high-water mark (0) and a temp metadata file; plus a file with a high id
  // that no write of this dataset created and another dataset's files, which
  // must survive (docs/format.md, leftover rule).
  ASSERT_TRUE(fs->WriteFile("/data/ds/file_00000001.parquet", "partial").ok());
  ASSERT_TRUE(fs->WriteFile("/data/ds/file_00000002.parquet", "partial").ok());
  ASSERT_TRUE(fs->WriteFile("/data/ds/file_00000007.parquet", "not ours").ok());
  // The writer's temp metadata file (token 0: its one predictable name) proves
  // an interrupted commit; the parent is then also swept of the random-named
  // temp files earlier versions used.
  ASSERT_TRUE(fs->WriteFile("/data/" + dataset::TempMetadataFileName("ds", 0), "tmp").ok());
  ASSERT_TRUE(fs->WriteFile("/data/" + dataset::TempMetadataFileName("ds", 0xabc), "tmp").ok());
  ASSERT_TRUE(fs->WriteFile("/data/" + dataset::TempMetadataFileName("ds2", 0xabc), "tmp").ok());
  ASSERT_TRUE(fs->WriteFile("/data/ds2_opdmd", "x").ok());
  // Readers never see leftovers.
  EXPECT_EQ(Ints(ds.Read().ValueOrDie(), "a"), (std::vector<int64_t>{1, 2}));
  ASSERT_TRUE(ds.Write(AB({3}, {"c"})).ok());
  // Id 1 was never committed: the new row group takes it.
  EXPECT_EQ(RgFiles(*fs), (std::vector<std::string>{"file_00000000.parquet", "file_00000001.parquet",
                                                    "file_00000007.parquet"}));
  EXPECT_EQ(Ints(ds.Read().ValueOrDie(), "a"), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(fs->ReadFile("/data/ds/file_00000007.parquet").ValueOrDie()->view(), "not ours");
  EXPECT_FALSE(fs->Exists("/data/" + dataset::TempMetadataFileName("ds", 0)).ValueOrDie());
  EXPECT_FALSE(fs->Exists("/data/" + dataset::TempMetadataFileName("ds", 0xabc)).ValueOrDie());
  EXPECT_TRUE(fs->Exists("/data/" + dataset::TempMetadataFileName("ds2", 0xabc)).ValueOrDie());
  EXPECT_TRUE(fs->Exists("/data/ds2_opdmd").ValueOrDie());
  // The high-water mark (1) is committed: the next id is 2.
  ASSERT_TRUE(ds.Write(AB({4}, {"d"})).ok());
  EXPECT_EQ(RgFiles(*fs), (std::vector<std::string>{"file_00000000.parquet", "file_00000001.parquet",
                                                    "file_00000002.parquet", "file_00000007.parquet"}));
}

TEST_F(OrderedDatasetTest, RangeReadsPruneRowGroups) {
  auto tracking = std::make_shared<TrackingFileSystem>(fs);
  auto ds = OrderedDataset::Open(tracking, kDir).ValueOrDie();
  std::vector<int64_t> a;
  std::vector<std::string> b;
  for (int64_t i = 0; i < 100; ++i) {
    a.push_back(i);
    b.push_back(std::to_string(i));
  }
  ASSERT_TRUE(ds.Write(AB(a, b), {.ordered_on = "a", .row_group_target_size = 10}).ok());
  tracking->Clear();
  Table t = ds.Read({.columns = Columns{"b"}, .start = Scalar::Int(25), .end_excl = Scalar::Int(41)}).ValueOrDie();
  EXPECT_EQ(t.num_columns(), 1);
  ASSERT_EQ(t.num_rows(), 16);
  EXPECT_EQ(Strings(t, "b").front(), "25");
  EXPECT_EQ(Strings(t, "b").back(), "40");
  std::set<std::string> opened;
  for (const auto& p : tracking->opened_files()) opened.insert(p);
  EXPECT_EQ(opened, (std::set<std::string>{"/data/ds_opdmd", "/data/ds/file_00000002.parquet",
                                           "/data/ds/file_00000003.parquet",
                                           "/data/ds/file_00000004.parquet"}));
  // Bounds: 0 is a bound; start >= end_excl gives no row; columns in given order.
  EXPECT_EQ(ds.Read({.start = Scalar::Int(0), .end_excl = Scalar::Int(0)}).ValueOrDie().num_rows(), 0);
  EXPECT_EQ(ds.Read({.start = Scalar::Int(50), .end_excl = Scalar::Int(10)}).ValueOrDie().num_rows(), 0);
  EXPECT_EQ(ds.Read({.end_excl = Scalar::Int(1)}).ValueOrDie().num_rows(), 1);
  EXPECT_EQ(ds.Read({.start = Scalar::Int(99)}).ValueOrDie().num_rows(), 1);
  Table two = ds.Read({.columns = Columns{"b", "a"}, .start = Scalar::Int(98)}).ValueOrDie();
  EXPECT_EQ(two.schema().field(0).name, "b");
  // Incomparable bound; unknown columns.
  EXPECT_TRUE(ds.Read({.start = Scalar::String("x")}).status().IsTypeError());
  auto unknown = ds.Read({.columns = Columns{"a", "zz", "yy"}});
  EXPECT_TRUE(unknown.status().IsNotFound());
  EXPECT_NE(unknown.status().message().find("'zz', 'yy'"), std::string::npos);
  // Row-group access.
  EXPECT_EQ(Ints(ds.ReadRowGroup(-1).ValueOrDie(), "a").front(), 90);
  EXPECT_EQ(ds.ReadRowGroup(10).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(ds.ReadRowGroup(-11).status().code(), StatusCode::kOutOfRange);
}

TEST_F(OrderedDatasetTest, RemoveDataset) {
  auto ds = Open({.ordered_on = "a"});
  EXPECT_TRUE(ds.Remove().ok());  // never written: no-op
  ASSERT_TRUE(ds.Write(AB({1, 2, 3}, {"a", "b", "c"}), {.row_group_target_size = 2, .key_value_metadata = {{"k", "v"}}}).ok());
  ASSERT_TRUE(ds.Remove({.preserve_metadata = true}).ok());
  EXPECT_EQ(Dump(*fs), (std::map<std::string, std::string>{{"/data/", ""}}));
  EXPECT_TRUE(ds.is_newly_initialized().ValueOrDie());
  EXPECT_EQ(ds.num_row_groups().ValueOrDie(), 0);
  EXPECT_EQ(ds.ordered_on().ValueOrDie(), "a");
  EXPECT_EQ(ds.key_value_metadata().ValueOrDie(), (std::map<std::string, std::string>{{"k", "v"}}));
  EXPECT_TRUE(ds.Remove().ok());  // second time: no-op
  // The next write re-creates the dataset with the preserved entries.
  ASSERT_TRUE(ds.Write(AB({5}, {"e"}), {.key_value_metadata = {{"j", "w"}}}).ok());
  EXPECT_EQ(ds.key_value_metadata().ValueOrDie(), (std::map<std::string, std::string>{{"k", "v"}, {"j", "w"}}));
  ASSERT_TRUE(ds.Remove().ok());
  EXPECT_TRUE(ds.key_value_metadata().ValueOrDie().empty());
  // Metadata-only dataset.
  ASSERT_TRUE(ds.Write({.key_value_metadata = {{"x", "y"}}}).ok());
  ASSERT_TRUE(ds.Remove().ok());
  EXPECT_FALSE(fs->Exists("/data/ds_opdmd").ValueOrDie());
}

TEST_F(OrderedDatasetTest, TimePeriodTarget) {
  // docs/behaviour.md#time-periods: 8 two-hourly timestamps, target "1h",
  // coalescing 2, duplicates on a column.
  auto ds = Open();
  const int64_t h = 3600LL * 1'000'000'000LL;
  std::vector<int64_t> ts;
  std::vector<double> temp;
  for (int i = 0; i < 8; ++i) {
    ts.push_back(1'700'000'000LL * 1'000'000'000LL + 2 * i * h);
    temp.push_back(10.0 + i);
  }
  Table t = MakeTable({{"ts", ColumnFromVector(DataType::Timestamp(TimeUnit::kNano), ts).ValueOrDie()},
                       {"temperature", ColumnFromVector(DataType::Float64(), temp).ValueOrDie()}})
                .ValueOrDie();
  ASSERT_TRUE(ds.Write(t, {.ordered_on = "ts", .row_group_target_size = Period("1h"),
                           .duplicates_on = Columns{"temperature"}, .max_n_off_target_rgs = 2})
                  .ok());
  EXPECT_TRUE(ds.Read().ValueOrDie().Equals(t));
  EXPECT_EQ(ds.num_row_groups().ValueOrDie(), 8);
  // Monthly periods: everything in one rg.
  auto monthly = OrderedDataset::Open(fs, "/data/m").ValueOrDie();
  ASSERT_TRUE(monthly.Write(t, {.ordered_on = "ts", .row_group_target_size = Period("MS")}).ok());
  EXPECT_EQ(monthly.num_row_groups().ValueOrDie(), 1);
}

// A tz-aware ordered column (not UTC): read back with its zone, and "1D" periods
// cut at local midnights, across the DST change of 2024-03-31 (a 23-hour day).
TEST_F(OrderedDatasetTest, TimeZoneAwareOrderedColumn) {
  auto ds = Open();
  const int64_t h = 3600LL * 1'000'000'000LL;
  const int64_t start = 1'711'753'200LL * 1'000'000'000LL;  // 2024-03-30 00:00 in Paris (CET)
  std::vector<int64_t> ts;
  std::vector<double> temp;
  for (int i = 0; i < 48; ++i) {
    ts.push_back(start + i * h);
    temp.push_back(i);
  }
  const DataType paris = DataType::Timestamp(TimeUnit::kNano, "Europe/Paris");
  Table t = MakeTable({{"ts", ColumnFromVector(paris, ts).ValueOrDie()},
                       {"temperature", ColumnFromVector(DataType::Float64(), temp).ValueOrDie()}})
                .ValueOrDie();
  Status st = ds.Write(t, {.ordered_on = "ts", .row_group_target_size = Period("1D")});
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto back = ds.Read();
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->column(0).type(), paris);
  EXPECT_TRUE(back->Equals(t));
  auto stats = ds.RowGroupStats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  ASSERT_EQ(ds.num_row_groups().ValueOrDie(), 3);
  // 24 hours of March 30, 23 of March 31 (clocks skip 02:00-03:00), then April 1.
  std::vector<int64_t> sizes;
  for (int64_t i = 0; i < 3; ++i) sizes.push_back(ds.ReadRowGroup(i).ValueOrDie().num_rows());
  EXPECT_EQ(sizes, (std::vector<int64_t>{24, 23, 1}));
  // A range read with a bound in the column's zone.
  auto day2 = ds.Read({.start = Scalar::Int(start + 24 * h, paris),
                       .end_excl = Scalar::Int(start + 47 * h, paris)});
  ASSERT_TRUE(day2.ok()) << day2.status().ToString();
  EXPECT_EQ(day2->num_rows(), 23);
}

TEST_F(OrderedDatasetTest, DurationColumnsReadBackAsDurations) {
  // Parquet has no duration type (stored as INT64): reads, range reads, rg reads
  // and rewrites by a later merge give durations of the stored unit back.
  auto ds = Open();
  const DataType ms = DataType::Duration(TimeUnit::kMilli);
  Table t = MakeTable({{"a", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{1, 2, 3})
                                 .ValueOrDie()},
                       {"d", ColumnFromVector(ms, std::vector<int64_t>{-5, 0, 86'400'000})
                                 .ValueOrDie()}})
                .ValueOrDie();
  Status st = ds.Write(t, {.ordered_on = "a", .row_group_target_size = int64_t{2}});
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto back = ds.Read();
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->column(1).type(), ms);
  EXPECT_TRUE(back->Equals(t));
  auto rg = ds.ReadRowGroup(1);
  ASSERT_TRUE(rg.ok()) << rg.status().ToString();
  EXPECT_EQ(rg->column(1).type(), ms);
  EXPECT_EQ(rg->column(1).data<int64_t>()[0], 86'400'000);
  // A merge into the existing rgs reads them back as durations, then rewrites them.
  Table more = MakeTable({{"a", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{2})
                                    .ValueOrDie()},
                          {"d", ColumnFromVector(ms, std::vector<int64_t>{7}).ValueOrDie()}})
                   .ValueOrDie();
  st = ds.Write(more, {.ordered_on = "a", .row_group_target_size = int64_t{2}});
  ASSERT_TRUE(st.ok()) << st.ToString();
  back = ds.Read({.start = Scalar::Int(2, DataType::Int64())});
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->num_rows(), 3);
  EXPECT_EQ(back->column(1).type(), ms);
  EXPECT_EQ(back->column(1).data<int64_t>()[1], 7);
}

TEST_F(OrderedDatasetTest, CorruptMetadataAndMissingFiles) {
  ASSERT_TRUE(fs->CreateDirs("/data").ok());
  ASSERT_TRUE(fs->WriteFile("/data/ds_opdmd", "garbage").ok());
  auto r = OrderedDataset::Open(fs, kDir);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().message().find("/data/ds_opdmd"), std::string::npos);
  ASSERT_TRUE(fs->DeleteFile("/data/ds_opdmd").ok());
  auto ds = Open();
  ASSERT_TRUE(ds.Write(AB({1, 2}, {"a", "b"}), {.ordered_on = "a"}).ok());
  ASSERT_TRUE(fs->DeleteFile("/data/ds/file_00000000.parquet").ok());
  auto read = ds.Read();
  ASSERT_FALSE(read.ok());
  EXPECT_TRUE(read.status().IsNotFound());
  EXPECT_NE(read.status().message().find("file_00000000.parquet"), std::string::npos);
}

// ------------------------------------------------------------ differential test

struct Row {
  int64_t ts, k, v;
  bool operator==(const Row&) const = default;
};

Table RowsToTable(const std::vector<Row>& rows) {
  std::vector<int64_t> ts, k, v;
  for (const Row& r : rows) {
    ts.push_back(r.ts);
    k.push_back(r.k);
    v.push_back(r.v);
  }
  return MakeTable({{"ts", ColumnFromVector(DataType::Timestamp(TimeUnit::kSecond), ts).ValueOrDie()},
                    {"k", ColumnFromVector(DataType::Int64(), k).ValueOrDie()},
                    {"v", ColumnFromVector(DataType::Int64(), v).ValueOrDie()}})
      .ValueOrDie();
}

std::vector<Row> TableToRows(const Table& t) {
  std::vector<Row> rows;
  if (t.num_rows() == 0) return rows;
  Column ts = t.GetColumn("ts").ValueOrDie(), k = t.GetColumn("k").ValueOrDie(),
         v = t.GetColumn("v").ValueOrDie();
  for (int64_t i = 0; i < t.num_rows(); ++i) {
    rows.push_back({ts.data<int64_t>()[i], k.data<int64_t>()[i], v.data<int64_t>()[i]});
  }
  return rows;
}

enum class Dedup { kNone, kAll, kSubsetK };

// Reference model: concatenate, stable sort on ts (old before new), drop
// duplicates keeping the last.
std::vector<Row> Reference(std::vector<Row> old_rows, const std::vector<Row>& new_rows, Dedup d) {
  old_rows.insert(old_rows.end(), new_rows.begin(), new_rows.end());
  std::stable_sort(old_rows.begin(), old_rows.end(),
                   [](const Row& a, const Row& b) { return a.ts < b.ts; });
  if (d == Dedup::kNone) return old_rows;
  auto same = [d](const Row& a, const Row& b) {
    return a.ts == b.ts && a.k == b.k && (d == Dedup::kSubsetK || a.v == b.v);
  };
  std::vector<Row> out;
  for (size_t i = 0; i < old_rows.size(); ++i) {
    bool later = false;
    for (size_t j = i + 1; j < old_rows.size() && old_rows[j].ts == old_rows[i].ts; ++j) {
      if (same(old_rows[i], old_rows[j])) later = true;
    }
    if (!later) out.push_back(old_rows[i]);
  }
  return out;
}

TEST(OrderedDatasetDifferential, RandomWritesMatchReferenceModel) {
  std::mt19937_64 rng(20240611);
  int checked_steps = 0;
  for (int run = 0; run < 24; ++run) {
    auto mem = NewMemoryFileSystem();
    auto tracking = std::make_shared<TrackingFileSystem>(mem);
    const Dedup dedup = static_cast<Dedup>(run % 3);
    const bool period = (run / 3) % 2 == 1;
    const bool coalesce = (run / 6) % 2 == 1;
    auto ds = OrderedDataset::Open(tracking, "/store/ds", {.ordered_on = "ts"}).ValueOrDie();
    std::vector<Row> model;
    std::set<std::string> previously_referenced;
    for (int step = 0; step < 12; ++step) {
      // New rows: random size, sorted, possibly overlapping old ranges.
      const int n = static_cast<int>(rng() % 15);
      const int64_t base = static_cast<int64_t>(rng() % 120);
      std::vector<Row> rows;
      int64_t ts = base;
      for (int i = 0; i < n; ++i) {
        ts += static_cast<int64_t>(rng() % 4 == 0 ? 0 : rng() % 6);
        rows.push_back({ts, static_cast<int64_t>(rng() % 2), static_cast<int64_t>(rng() % 2)});
      }
      WriteOptions o;
      if (period) {
        o.row_group_target_size = Period(rng() % 2 ? "10s" : "25s");
      } else {
        o.row_group_target_size = static_cast<int64_t>(2 + rng() % 6);
      }
      if (dedup == Dedup::kAll) o.duplicates_on = Columns{};
      if (dedup == Dedup::kSubsetK) o.duplicates_on = Columns{"k"};
      if (coalesce) o.max_n_off_target_rgs = static_cast<int64_t>(1 + rng() % 3);
      const bool none_df = n == 0 && rng() % 2 == 0;

      tracking->Clear();
      Status st = none_df ? ds.Write(o) : ds.Write(RowsToTable(rows), o);
      ASSERT_TRUE(st.ok()) << "run " << run << " step " << step << ": " << st.ToString();
      const std::vector<std::string> opened_by_write = tracking->opened_files();

      // Among the rewritten rgs, duplicates within old rows are also removed
      // when resizing; with a consistent dedup mode from the start there are none.
      model = Reference(model, none_df ? std::vector<Row>{} : rows, dedup);
      Table all = ds.Read().ValueOrDie();
      ASSERT_EQ(TableToRows(all), model) << "run " << run << " step " << step;

      // Invariants.
      Table stats = ds.RowGroupStats().ValueOrDie();
      Column ids = stats.GetColumn("file_ids").ValueOrDie();
      Column nrows = stats.GetColumn("n_rows").ValueOrDie();
      Column mins = stats.GetColumn("ordered_on_mins").ValueOrDie();
      Column maxs = stats.GetColumn("ordered_on_maxs").ValueOrDie();
      std::set<std::string> referenced;
      int64_t total = 0;
      for (int64_t i = 0; i < stats.num_rows(); ++i) {
        const std::string name = dataset::RowGroupFileName(ids.data<uint64_t>()[i]);
        referenced.insert(name);
        Table rg = dataset::AsStoredTypes(parquet::ReadTable(*mem, "/store/ds/" + name).ValueOrDie(),
                                          *ds.schema().ValueOrDie(), name)
                       .ValueOrDie();
        std::vector<Row> rr = TableToRows(rg);
        ASSERT_FALSE(rr.empty());
        EXPECT_EQ(static_cast<uint64_t>(rr.size()), nrows.data<uint64_t>()[i]);
        EXPECT_EQ(rr.front().ts, mins.data<int64_t>()[i]);
        EXPECT_EQ(rr.back().ts, maxs.data<int64_t>()[i]);
        if (i > 0) {
          EXPECT_LE(maxs.data<int64_t>()[i - 1], mins.data<int64_t>()[i]) << "overlap";
        }
        if (!period && !previously_referenced.count(name)) {  // written by this write
          EXPECT_LE(static_cast<int64_t>(rr.size()), std::get<int64_t>(*o.row_group_target_size));
        }
        total += static_cast<int64_t>(rr.size());
      }
      EXPECT_EQ(total, static_cast<int64_t>(model.size()));
      // No leftovers: the directory holds exactly the referenced files.
      std::set<std::string> present;
      for (const auto& name : RgFiles(*mem, "/store/ds")) present.insert(name);
      EXPECT_EQ(present, referenced) << "run " << run << " step " << step;
      // Untouched files are not opened: every rg file the write read is gone
      // from the new rg list (ids are never reused).
      for (const auto& p : opened_by_write) {
        if (p.find("/store/ds/") != 0) continue;
        EXPECT_EQ(referenced.count(std::string(BaseName(p))), 0u)
            << "write opened untouched file " << p << " (run " << run << " step " << step << ")";
      }
      previously_referenced = referenced;
      ++checked_steps;
    }
  }
  EXPECT_EQ(checked_steps, 24 * 12);
}

}  // namespace
}  // namespace oups

namespace oups {
namespace {

TEST_F(OrderedDatasetTest, SnapshotKeepsReadingItsStateAndItsFiles) {
  auto ds = Open();
  // A snapshot of a dataset that does not exist is empty.
  {
    DatasetSnapshot none = ds.Snapshot().ValueOrDie();
    EXPECT_TRUE(none.is_newly_initialized());
    EXPECT_EQ(none.num_row_groups(), 0);
    EXPECT_EQ(none.Read().ValueOrDie().num_rows(), 0);
    EXPECT_EQ(none.ReadRowGroup(0).status().code(), StatusCode::kOutOfRange);
  }
  ASSERT_TRUE(ds.Write(AB({1, 2, 3, 4}, {"a", "b", "c", "d"}),
                       {.ordered_on = "a", .row_group_target_size = 2})
                  .ok());
  const auto old_files = RgFiles(*fs);
  ASSERT_EQ(old_files.size(), 2u);
  const Table old_stats = ds.RowGroupStats().ValueOrDie();
  {
    DatasetSnapshot snap = ds.Snapshot().ValueOrDie();
    EXPECT_FALSE(snap.is_newly_initialized());
    EXPECT_EQ(snap.path(), kDir);
    EXPECT_EQ(snap.ordered_on(), "a");
    ASSERT_TRUE(snap.schema().has_value());
    EXPECT_EQ(snap.schema()->num_fields(), 2);
    // A write rewriting both rgs (new rows win on 'a') commits meanwhile.
    ASSERT_TRUE(ds.Write(AB({1, 2, 3, 4, 5}, {"n", "o", "p", "q", "r"}),
                         {.row_group_target_size = 3, .duplicates_on = Columns{"a"}})
                    .ok());
    EXPECT_EQ(Strings(ds.Read().ValueOrDie(), "b"),
              (std::vector<std::string>{"n", "o", "p", "q", "r"}));
    for (const auto& f : old_files) {
      EXPECT_TRUE(fs->Exists(std::string(kDir) + "/" + f).ValueOrDie()) << f;
    }
    // The snapshot still answers, and reads, from its own state.
    EXPECT_EQ(snap.num_row_groups(), 2);
    EXPECT_TRUE(snap.RowGroupStats().ValueOrDie().Equals(old_stats));
    EXPECT_EQ(Strings(snap.Read().ValueOrDie(), "b"),
              (std::vector<std::string>{"a", "b", "c", "d"}));
    EXPECT_EQ(Strings(snap.Read({.columns = Columns{"b"},
                                 .start = Scalar::Int(2),
                                 .end_excl = Scalar::Int(4)})
                          .ValueOrDie(),
                      "b"),
              (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(Ints(snap.ReadRowGroup(-1).ValueOrDie(), "a"), (std::vector<int64_t>{3, 4}));
    EXPECT_EQ(Strings(snap.ReadRowGroup(0, {"b"}).ValueOrDie(), "b"),
              (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(snap.ReadRowGroup(2).status().code(), StatusCode::kOutOfRange);
    EXPECT_EQ(snap.ReadRowGroup(0, {"zz"}).status().code(), StatusCode::kNotFound);
    // A moved snapshot keeps the registration; later writes still keep the files.
    DatasetSnapshot moved = std::move(snap);
    ASSERT_TRUE(ds.Write(AB({6}, {"s"}), {.row_group_target_size = 3}).ok());
    for (const auto& f : old_files) {
      EXPECT_TRUE(fs->Exists(std::string(kDir) + "/" + f).ValueOrDie()) << f;
    }
    EXPECT_EQ(Ints(moved.Read().ValueOrDie(), "a"), (std::vector<int64_t>{1, 2, 3, 4}));
  }
  // Snapshot gone: the next write deletes the obsolete files.
  ASSERT_TRUE(ds.Write(AB({7}, {"t"}), {.row_group_target_size = 3}).ok());
  for (const auto& f : old_files) {
    EXPECT_FALSE(fs->Exists(std::string(kDir) + "/" + f).ValueOrDie()) << f;
  }
  Column ids = ds.RowGroupStats().ValueOrDie().GetColumn("file_ids").ValueOrDie();
  std::set<std::string> referenced;
  for (int64_t i = 0; i < ids.length(); ++i) {
    referenced.insert(dataset::RowGroupFileName(ids.data<uint64_t>()[i]));
  }
  const auto files = RgFiles(*fs);
  EXPECT_EQ(std::set<std::string>(files.begin(), files.end()), referenced);
  EXPECT_EQ(Ints(ds.Read().ValueOrDie(), "a"), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));
}

TEST_F(OrderedDatasetTest, ObsoleteFilesKeptWhileAReaderIsRegistered) {
  auto ds = Open();
  ASSERT_TRUE(ds.Write(AB({1, 2, 3, 4}, {"a", "b", "c", "d"}), {.ordered_on = "a", .row_group_target_size = 2}).ok());
  // A live reader of the current snapshot (what Read holds while it runs).
  auto reader = fs->LockShared("/data/ds.readers", std::chrono::milliseconds(0)).ValueOrDie();
  const auto snapshot = dataset::ReadMetadataFile(*fs, "/data/ds_opdmd").ValueOrDie();
  // A rewrite of rg 1 commits, but must not delete file 1.
  ASSERT_TRUE(ds.Write(AB({3}, {"n"}), {.row_group_target_size = 2, .duplicates_on = Columns{}}).ok());
  EXPECT_TRUE(fs->Exists("/data/ds/file_00000001.parquet").ValueOrDie());
  // The old snapshot stays fully readable.
  for (uint64_t id : snapshot.file_ids) {
    EXPECT_TRUE(parquet::ReadTable(*fs, "/data/ds/" + dataset::RowGroupFileName(id)).ok());
  }
  // Writers are never blocked by readers, and new reads see the new version only.
  ASSERT_TRUE(ds.Write(AB({5}, {"e"}), {.row_group_target_size = 2}).ok());
  EXPECT_EQ(Strings(ds.Read({.columns = Columns{"b"}}).ValueOrDie(), "b"),
            (std::vector<std::string>{"a", "b", "c", "n", "d", "e"}));
  EXPECT_TRUE(fs->Exists("/data/ds/file_00000001.parquet").ValueOrDie());
  // Once the reader is done, the next write sweeps the leftovers.
  reader.reset();
  ASSERT_TRUE(ds.Write(AB({6}, {"f"}), {.row_group_target_size = 2}).ok());
  EXPECT_FALSE(fs->Exists("/data/ds/file_00000001.parquet").ValueOrDie());
  auto stats = ds.RowGroupStats().ValueOrDie();
  Column ids = stats.GetColumn("file_ids").ValueOrDie();
  std::set<std::string> referenced;
  for (int64_t i = 0; i < ids.length(); ++i) referenced.insert(dataset::RowGroupFileName(ids.data<uint64_t>()[i]));
  auto files = RgFiles(*fs);
  EXPECT_EQ(std::set<std::string>(files.begin(), files.end()), referenced);
  // Removal with a registered reader: the dataset is gone at once, its files later.
  auto reader2 = fs->LockShared("/data/ds.readers", std::chrono::milliseconds(0)).ValueOrDie();
  ASSERT_TRUE(ds.Remove().ok());
  EXPECT_FALSE(fs->Exists("/data/ds_opdmd").ValueOrDie());
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 0);
  EXPECT_FALSE(RgFiles(*fs).empty());
  reader2.reset();
  ASSERT_TRUE(ds.Write(AB({1}, {"z"}), {.ordered_on = "a"}).ok());
  EXPECT_EQ(RgFiles(*fs).size(), 1u);
  EXPECT_EQ(Strings(ds.Read().ValueOrDie(), "b"), (std::vector<std::string>{"z"}));
}

}  // namespace
}  // namespace oups

#include "testing/fault_injection_file_system.h"

namespace oups {
namespace {

// A crash at every counted file-system call of a write: reopening gives the
// state before or after the write, never a mix, and the next write succeeds
// and leaves no leftover.
TEST(OrderedDatasetCrash, CrashAtEveryOperationOfAWrite) {
  auto setup = [](const std::shared_ptr<FileSystem>& fs) {
    auto ds = OrderedDataset::Open(fs, "/data/ds").ValueOrDie();
    ASSERT_TRUE(ds.Write(AB({1, 2, 3, 4, 5, 6}, {"a", "b", "c", "d", "e", "f"}),
                         {.ordered_on = "a", .row_group_target_size = 2})
                    .ok());
  };
  const Table update = AB({3, 4, 7, 8}, {"N", "O", "P", "Q"});
  const WriteOptions wo{.row_group_target_size = 2, .duplicates_on = Columns{"a"},
                        .key_value_metadata = {{"k", "v"}}};
  const std::vector<std::string> before = {"a", "b", "c", "d", "e", "f"};
  const std::vector<std::string> after = {"a", "b", "N", "O", "e", "f", "P", "Q"};
  // Count the operations of the write.
  uint64_t n_ops = 0;
  {
    auto mem = NewMemoryFileSystem();
    setup(mem);
    auto fault = std::make_shared<FaultInjectionFileSystem>(mem, 1);
    auto ds = OrderedDataset::Open(fault, "/data/ds").ValueOrDie();
    ASSERT_TRUE(ds.Write(update, wo).ok());
    n_ops = fault->operation_count();
  }
  ASSERT_GT(n_ops, 5u);
  int saw_before = 0, saw_after = 0;
  for (uint64_t k = 1; k <= n_ops; ++k) {
    auto mem = NewMemoryFileSystem();
    setup(mem);
    auto fault = std::make_shared<FaultInjectionFileSystem>(mem, k);
    fault->FailAt(k, FaultInjectionFileSystem::FaultKind::kCrash);
    {
      auto ds = OrderedDataset::Open(fault, "/data/ds").ValueOrDie();
      // A crash after the commit point (deleting obsolete files) is not
      // reported: the write has committed.
      ds.Write(update, wo).IgnoreError();
    }
    mem->SimulateCrash();
    auto ds = OrderedDataset::Open(mem, "/data/ds");
    ASSERT_TRUE(ds.ok()) << "crash at op " << k << ": " << ds.status().ToString();
    auto got = Strings(ds->Read().ValueOrDie(), "b");
    if (got == before) {
      ++saw_before;
      EXPECT_TRUE(ds->key_value_metadata().ValueOrDie().empty());
    } else {
      ++saw_after;
      EXPECT_EQ(got, after) << "crash at op " << k;
      EXPECT_EQ(ds->key_value_metadata().ValueOrDie().count("k"), 1u);
    }
    // The next write succeeds and sweeps leftovers.
    ASSERT_TRUE(ds->Write(AB({100}, {"z"}), {.row_group_target_size = 2}).ok()) << "op " << k;
    auto stats = ds->RowGroupStats().ValueOrDie();
    EXPECT_EQ(RgFiles(*mem).size(), static_cast<size_t>(stats.num_rows())) << "op " << k;
    auto entries = mem->ListDir("/data").ValueOrDie();
    for (const auto& e : entries) EXPECT_NE(e.name[0], '.') << "temp file left: " << e.name;
  }
  EXPECT_GT(saw_before, 0);
  EXPECT_GT(saw_after, 0);
}

}  // namespace
}  // namespace oups
