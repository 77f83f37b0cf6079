// Schema evolution (dataset/schema_evolution.h, docs/behaviour.md
// #schema-evolution): with WriteOptions::schema_evolution a write adds
// columns, widens types and leaves out columns; every read (plain, ranged,
// filtered, by row group, the rows a later write merges) conforms the older
// row-group files to the stored schema; narrowing and lossy changes are
// refused and leave the dataset as it was; a crash at any file-system call of
// an evolving write leaves the dataset before or after it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "dataset/file_naming.h"
#include "dataset/metadata_file.h"
#include "dataset/schema_evolution.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/dataset/verify.h"
#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/table/builder.h"
#include "oups/table/kernels.h"
#include "oups/parquet/file_writer.h"
#include "testing/fault_injection_file_system.h"

namespace oups {
namespace {

constexpr const char* kDir = "/data/ds";

Column Ints(const DataType& type, const std::vector<int64_t>& v,
            const std::vector<bool>& valid = {}) {
  return ColumnFromVector(type, v, valid).ValueOrDie();
}
Column UInts(const DataType& type, const std::vector<uint64_t>& v) {
  return ColumnFromVector(type, v).ValueOrDie();
}
Column Floats(const DataType& type, const std::vector<double>& v,
              const std::vector<bool>& valid = {}) {
  return ColumnFromVector(type, v, valid).ValueOrDie();
}
Column Strings(const std::vector<std::string>& v) {
  return ColumnFromVector(DataType::String(), v).ValueOrDie();
}
Column A(const std::vector<int64_t>& a) { return Ints(DataType::Int64(), a); }

std::string MetadataText(FileSystem& fs) {
  auto b = fs.ReadFile(std::string(kDir) + "_opdmd").ValueOrDie();
  return std::string(reinterpret_cast<const char*>(b->data()), static_cast<size_t>(b->size()));
}

Table Make(std::vector<std::pair<std::string, Column>> cols) {
  return MakeTable(std::move(cols)).ValueOrDie();
}

WriteOptions Evolve(int64_t target = 1000) {
  WriteOptions o;
  o.ordered_on = "a";
  o.row_group_target_size = target;
  o.schema_evolution = true;
  return o;
}
WriteOptions Plain(int64_t target = 1000) {
  WriteOptions o = Evolve(target);
  o.schema_evolution = false;
  return o;
}

struct SchemaEvolutionTest : ::testing::Test {
  std::shared_ptr<MemoryFileSystem> fs = NewMemoryFileSystem();
  OrderedDataset ds = OrderedDataset::Open(fs, kDir).ValueOrDie();

  Table Read(ReadOptions o = {}) {
    auto t = ds.Read(o);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : Table();
  }
  dataset::DatasetMetadata Md() {
    return dataset::ReadMetadataFile(*fs, std::string(kDir) + "_opdmd").ValueOrDie();
  }
  // The schema a row-group file was written with.
  std::vector<std::string> FileColumns(int64_t rg) {
    const uint64_t id = Md().file_ids[static_cast<size_t>(rg)];
    auto paths = dataset::DatasetPaths::Make(kDir);
    auto reader = parquet::FileReader::Open(*fs, paths->RowGroupFile(id)).ValueOrDie();
    std::vector<std::string> out;
    for (const auto& c : reader->metadata().columns) out.push_back(c.name);
    return out;
  }
};

TEST_F(SchemaEvolutionTest, AddedColumnReadsNullForOlderRows) {
  ASSERT_TRUE(ds.Write(Make({{"a", A({1, 2})}, {"b", Strings({"x", "y"})}}), Plain()).ok());
  const auto before = Md();
  // Without schema evolution: today's error, now with a hint; nothing changes.
  Table wider = Make({{"a", A({3, 4})}, {"b", Strings({"z", "w"})},
                      {"c", Ints(DataType::Int32(), {30, 40})}});
  Status refused = ds.Write(wider, Plain());
  ASSERT_TRUE(refused.IsInvalidArgument()) << refused.ToString();
  EXPECT_NE(refused.message().find("Unexpected: 'c'"), std::string::npos);
  EXPECT_NE(refused.message().find("schema evolution"), std::string::npos);
  EXPECT_EQ(Md().version, before.version);
  EXPECT_TRUE(Md().required_features.empty());

  Status s = ds.Write(wider, Evolve(2));
  ASSERT_TRUE(s.ok()) << s.ToString();
  const auto md = Md();
  EXPECT_EQ(md.required_features, std::vector<std::string>{"schema_evolution"});
  ASSERT_EQ(md.schema->num_fields(), 3);
  EXPECT_EQ(md.schema->field(2).name, "c");
  EXPECT_EQ(md.schema->field(2).type, DataType::Int32());
  EXPECT_TRUE(md.schema->field(2).nullable);
  // The old file keeps its schema; the new one has the new column.
  EXPECT_EQ(FileColumns(0), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(FileColumns(1), (std::vector<std::string>{"a", "b", "c"}));

  Table t = Read();
  ASSERT_EQ(t.num_rows(), 4);
  Column c = t.GetColumn("c").ValueOrDie();
  EXPECT_TRUE(c.Equals(Ints(DataType::Int32(), {0, 0, 30, 40}, {false, false, true, true})));
  // Only the added column; a range within the old rows; the old rg alone.
  EXPECT_TRUE(Read({.columns = Columns{"c"}}).GetColumn("c").ValueOrDie().Equals(c));
  Table old = Read({.columns = Columns{"c", "b"}, .end_excl = Scalar::Int(3)});
  ASSERT_EQ(old.num_rows(), 2);
  EXPECT_EQ(old.GetColumn("c").ValueOrDie().null_count(), 2);
  Table rg0 = ds.ReadRowGroup(0).ValueOrDie();
  EXPECT_EQ(rg0.num_columns(), 3);
  EXPECT_EQ(rg0.GetColumn("c").ValueOrDie().null_count(), 2);
  // Filters on the added column: nulls never match.
  ReadOptions f;
  f.filter = {{FilterTerm{"c", FilterOp::kGe, {Scalar::Int(0)}}}};
  EXPECT_TRUE(Read(f).GetColumn("a").ValueOrDie().Equals(A({3, 4})));
  f.filter = {{FilterTerm{"b", FilterOp::kEq, {Scalar::String("x")}}}};
  Table fx = Read(f);
  ASSERT_EQ(fx.num_rows(), 1);
  EXPECT_TRUE(fx.GetColumn("c").ValueOrDie().IsNull(0));

  // Later writes without evolution give the new schema.
  ASSERT_TRUE(ds.Write(Make({{"a", A({5})}, {"b", Strings({"v"})},
                             {"c", Ints(DataType::Int32(), {50})}}), Plain())
                  .ok());
  EXPECT_EQ(Read().num_rows(), 5);
}

TEST_F(SchemaEvolutionTest, MergeIntoAnOlderRowGroupConformsIt) {
  ASSERT_TRUE(ds.Write(Make({{"a", A({10, 20, 30})}, {"x", Ints(DataType::Int16(), {1, 2, 3})}}),
                       Plain())
                  .ok());
  // Rows among the stored ones, with a widened x and an added column y: the
  // old rg is read as the new schema and merged.
  Table add = Make({{"a", A({15, 25})},
                    {"x", Ints(DataType::Int64(), {int64_t{1} << 40, -5})},
                    {"y", Floats(DataType::Float64(), {1.5, 2.5})}});
  Status s = ds.Write(add, Evolve());
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(ds.num_row_groups().ValueOrDie(), 1);
  EXPECT_EQ(FileColumns(0), (std::vector<std::string>{"a", "x", "y"}));
  Table t = Read();
  EXPECT_TRUE(t.GetColumn("a").ValueOrDie().Equals(A({10, 15, 20, 25, 30})));
  EXPECT_TRUE(t.GetColumn("x").ValueOrDie().Equals(
      Ints(DataType::Int64(), {1, int64_t{1} << 40, 2, -5, 3})));
  EXPECT_TRUE(t.GetColumn("y").ValueOrDie().Equals(
      Floats(DataType::Float64(), {0, 1.5, 0, 2.5, 0}, {false, true, false, true, false})));
  // De-duplication across the merge, on an added column.
  WriteOptions dedup = Evolve();
  dedup.duplicates_on = Columns{"a"};
  ASSERT_TRUE(ds.Write(Make({{"a", A({20})}, {"x", Ints(DataType::Int64(), {7})},
                             {"y", Floats(DataType::Float64(), {9.0})}}),
                       dedup)
                  .ok());
  Table d = Read();
  ASSERT_EQ(d.num_rows(), 5);
  EXPECT_EQ(d.GetColumn("x").ValueOrDie().data<int64_t>()[2], 7);
}

TEST_F(SchemaEvolutionTest, LeftOutColumnReadsNullForNewerRows) {
  ASSERT_TRUE(ds.Write(Make({{"a", A({1, 2})}, {"b", Strings({"x", "y"})},
                             {"c", Ints(DataType::Int64(), {10, 20})}}),
                       Plain())
                  .ok());
  Table narrow = Make({{"a", A({3})}, {"c", Ints(DataType::Int64(), {30})}});
  Status refused = ds.Write(narrow, Plain());
  ASSERT_TRUE(refused.IsInvalidArgument()) << refused.ToString();
  EXPECT_NE(refused.message().find("Missing: 'b'"), std::string::npos);
  ASSERT_TRUE(ds.Write(narrow, Evolve(1)).ok());
  const auto md = Md();
  EXPECT_EQ(md.schema->num_fields(), 3);  // b stays, nullable
  EXPECT_TRUE(md.schema->field(1).nullable);
  // Only nulls added: every file has the whole schema, no feature needed.
  EXPECT_TRUE(md.required_features.empty());
  Table t = Read();
  Column b = t.GetColumn("b").ValueOrDie();
  ASSERT_EQ(b.length(), 3);
  EXPECT_EQ(b.GetView(0), "x");
  EXPECT_TRUE(b.IsNull(2));
  // The ordered column cannot be left out.
  Status no_a = ds.Write(Make({{"c", Ints(DataType::Int64(), {1})}}), Evolve());
  EXPECT_FALSE(no_a.ok());
}

struct Widening {
  const char* name;
  DataType from, to;
  Column old_values;  // of `from`
  Column expected;    // the same values as `to`
  Column new_values;  // of `to`
};

std::vector<Widening> Widenings() {
  using T = DataType;
  const TimeUnit s = TimeUnit::kSecond, ms = TimeUnit::kMilli, us = TimeUnit::kMicro,
                 ns = TimeUnit::kNano;
  const int64_t big53 = int64_t{1} << 53;
  std::vector<Widening> w;
  auto ints = [&](const char* n, T from, T to, std::vector<int64_t> v) {
    w.push_back({n, from, to, Ints(from, v), Ints(to, v), Ints(to, {v.back()})});
  };
  ints("int8->int16", T::Int8(), T::Int16(), {-128, 0, 127});
  ints("int16->int32", T::Int16(), T::Int32(), {-32768, 5, 32767});
  ints("int32->int64", T::Int32(), T::Int64(), {-2147483648LL, 7, 2147483647LL});
  ints("int8->int64", T::Int8(), T::Int64(), {-1, 2, 3});
  ints("uint8->uint16", T::UInt8(), T::UInt16(), {0, 200, 255});
  ints("uint16->uint32", T::UInt16(), T::UInt32(), {0, 1, 65535});
  w.push_back({"uint32->uint64", T::UInt32(), T::UInt64(), UInts(T::UInt32(), {0, 4294967295u, 9}),
               UInts(T::UInt64(), {0, 4294967295u, 9}), UInts(T::UInt64(), {1ull << 63})});
  auto to_f64 = [&](const char* n, T from, std::vector<int64_t> v) {
    std::vector<double> d(v.begin(), v.end());
    w.push_back({n, from, T::Float64(), Ints(from, v), Floats(T::Float64(), d),
                 Floats(T::Float64(), {0.25})});
  };
  to_f64("int8->float64", T::Int8(), {-128, 127, 0});
  to_f64("int32->float64", T::Int32(), {-2147483648LL, 1, 2147483647LL});
  to_f64("int64->float64", T::Int64(), {-big53, 3, big53});
  to_f64("uint16->float64", T::UInt16(), {0, 65535, 3});
  w.push_back({"uint64->float64", T::UInt64(), T::Float64(),
               UInts(T::UInt64(), {0, uint64_t{1} << 53, 5}),
               Floats(T::Float64(), {0, 9007199254740992.0, 5}), Floats(T::Float64(), {0.5})});
  w.push_back({"float32->float64", T::Float32(), T::Float64(),
               Floats(T::Float32(), {0.5, -1.25, 3e38}),
               Floats(T::Float64(), {0.5, -1.25, static_cast<double>(3e38f)}),
               Floats(T::Float64(), {1e300})});
  auto ts = [&](const char* n, TimeUnit a, TimeUnit b, std::string tz_from, std::string tz_to,
                std::vector<int64_t> v, int64_t factor) {
    std::vector<int64_t> e;
    for (int64_t x : v) e.push_back(x * factor);
    T from = T::Timestamp(a, tz_from), to = T::Timestamp(b, tz_to);
    T stored = T::Timestamp(b, tz_from);  // the stored zone's name is kept
    w.push_back({n, from, to, Ints(from, v), Ints(stored, e), Ints(to, {e.back() + 1})});
  };
  ts("timestamp s->ms", s, ms, "", "", {-86400, 0, 1700000000}, 1000);
  ts("timestamp ms->us", ms, us, "", "", {-1, 0, 1700000000123}, 1000);
  ts("timestamp us->ns", us, ns, "", "", {-5, 0, 1700000000123456}, 1000);
  ts("timestamp s->ns, UTC", s, ns, "UTC", "UTC", {0, 1700000000, 9000000000}, 1000000000);
  ts("timestamp ms->ns, zone relabelled", ms, ns, "Europe/Paris", "UTC", {0, 1700000000000}, 1000000);
  return w;
}

TEST_F(SchemaEvolutionTest, EveryWideningRoundTrips) {
  for (const Widening& w : Widenings()) {
    SCOPED_TRACE(w.name);
    auto mem = NewMemoryFileSystem();
    auto d = OrderedDataset::Open(mem, kDir).ValueOrDie();
    const int64_t n = w.old_values.length();
    std::vector<int64_t> a;
    for (int64_t i = 0; i < n; ++i) a.push_back(10 * i);
    ASSERT_TRUE(d.Write(Make({{"a", A(a)}, {"x", w.old_values}}), Plain()).ok());
    Table more = Make({{"a", A({10 * n})}, {"x", w.new_values}});
    // Without evolution: TypeError naming both types and the option.
    Status refused = d.Write(more, Plain());
    ASSERT_TRUE(refused.IsTypeError()) << refused.ToString();
    EXPECT_NE(refused.message().find("schema evolution"), std::string::npos) << refused.ToString();
    Status s = d.Write(more, Evolve());
    ASSERT_TRUE(s.ok()) << s.ToString();
    auto schema = d.schema().ValueOrDie();
    const DataType stored = schema->field(1).type;
    EXPECT_EQ(stored, w.expected.type()) << stored.ToString();
    Table t = d.Read().ValueOrDie();
    ASSERT_EQ(t.num_rows(), n + 1);
    Column x = t.GetColumn("x").ValueOrDie();
    EXPECT_EQ(x.type(), stored);
    EXPECT_TRUE(x.Slice(0, n).Equals(w.expected)) << w.name;
    // The older rg alone, and a filter on x reaching both files.
    EXPECT_TRUE(d.ReadRowGroup(0).ValueOrDie().GetColumn("x").ValueOrDie().Equals(w.expected));
    ReadOptions f;
    f.filter = {{FilterTerm{"x", FilterOp::kNe, {GetScalar(w.expected, 0)}}}};
    Table ft = d.Read(f).ValueOrDie();
    EXPECT_EQ(ft.num_rows(), n);  // every row but the first
    // Merging a new row into the older rg rewrites it in the new type.
    Table inside = Make({{"a", A({5})}, {"x", w.new_values}});
    ASSERT_TRUE(d.Write(inside, Plain()).ok());
    Table after = d.Read().ValueOrDie();
    ASSERT_EQ(after.num_rows(), n + 2);
    EXPECT_TRUE(after.GetColumn("x").ValueOrDie().Slice(0, 1).Equals(w.expected.Slice(0, 1)));
  }
}

TEST_F(SchemaEvolutionTest, NarrowingNeverNarrowsTheStoredType) {
  // Narrower rows are converted to the stored type (the safe conversions of
  // every write): the stored type stays, with or without evolution.
  struct Case {
    const char* name;
    Column stored, given;
  };
  const std::vector<Case> cases = {
      {"int64 -> int32", Ints(DataType::Int64(), {int64_t{1} << 40}), Ints(DataType::Int32(), {7})},
      {"float64 -> float32", Floats(DataType::Float64(), {1e300}), Floats(DataType::Float32(), {0.5})},
      {"uint32 -> uint8", Ints(DataType::UInt32(), {4000000000}), Ints(DataType::UInt8(), {9})},
      {"timestamp ns, UTC -> ns, Paris", Ints(DataType::Timestamp(TimeUnit::kNano, "UTC"), {1}),
       Ints(DataType::Timestamp(TimeUnit::kNano, "Europe/Paris"), {2})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto d = OrderedDataset::Open(NewMemoryFileSystem(), kDir).ValueOrDie();
    ASSERT_TRUE(d.Write(Make({{"a", A({0})}, {"x", c.stored}}), Plain()).ok());
    Status s = d.Write(Make({{"a", A({1})}, {"x", c.given}}), Evolve());
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(d.schema().ValueOrDie()->field(1).type, c.stored.type());
    Table t = d.Read().ValueOrDie();
    EXPECT_TRUE(t.GetColumn("x").ValueOrDie().Slice(0, 1).Equals(c.stored));
  }
}

TEST_F(SchemaEvolutionTest, LossyAndIncompatibleChangesAreRefused) {
  struct Case {
    const char* name;
    Column stored, given;
    const char* message;  // part of the TypeError
  };
  const TimeUnit ns = TimeUnit::kNano, s = TimeUnit::kSecond;
  const std::vector<Case> cases = {
      {"float64 -> int64, inexact", Floats(DataType::Float64(), {0.5}),
       Ints(DataType::Int64(), {(int64_t{1} << 60) + 1}), "does not hold exactly"},
      {"float32 -> int32", Floats(DataType::Float32(), {0.5}), Ints(DataType::Int32(), {1 << 30}),
       "does not hold exactly"},
      {"int32 -> float32", Ints(DataType::Int32(), {1}), Floats(DataType::Float32(), {0.5}),
       "not a widening"},
      {"string -> int64", Strings({"x"}), Ints(DataType::Int64(), {1}), "not a widening"},
      {"int64 -> string", Ints(DataType::Int64(), {1}), Strings({"x"}), "not a widening"},
      {"int64 -> uint64", Ints(DataType::Int64(), {1}), UInts(DataType::UInt64(), {1}),
       "not a widening"},
      {"timestamp ns -> s (coarser)", Ints(DataType::Timestamp(ns), {1}),
       Ints(DataType::Timestamp(s), {1}), "not a widening"},
      {"timestamp naive -> UTC", Ints(DataType::Timestamp(ns), {1}),
       Ints(DataType::Timestamp(ns, "UTC"), {1}), "not a widening"},
      {"timestamp UTC -> naive", Ints(DataType::Timestamp(s, "UTC"), {1}),
       Ints(DataType::Timestamp(ns), {1}), "not a widening"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto mem = NewMemoryFileSystem();
    auto d = OrderedDataset::Open(mem, kDir).ValueOrDie();
    ASSERT_TRUE(d.Write(Make({{"a", A({0})}, {"x", c.stored}}), Plain()).ok());
    const std::string before = MetadataText(*mem);
    Status st = d.Write(Make({{"a", A({1})}, {"x", c.given}}), Evolve());
    ASSERT_TRUE(st.IsTypeError()) << st.ToString();
    EXPECT_NE(st.message().find("column 'x'"), std::string::npos) << st.ToString();
    EXPECT_NE(st.message().find(c.message), std::string::npos) << st.ToString();
    EXPECT_EQ(MetadataText(*mem), before);
  }
}

TEST_F(SchemaEvolutionTest, StoredValuesTheWiderTypeCannotHoldAreRefused) {
  // int64 -> float64 with a stored value beyond 2^53; seconds -> ns beyond 2262.
  struct Case {
    const char* name;
    Column stored, given;
  };
  const std::vector<Case> cases = {
      {"int64 -> float64", Ints(DataType::Int64(), {1, (int64_t{1} << 53) + 1}),
       Floats(DataType::Float64(), {0.5})},
      {"uint64 -> float64", UInts(DataType::UInt64(), {1, uint64_t{1} << 63}),
       Floats(DataType::Float64(), {0.5})},
      {"timestamp s -> ns", Ints(DataType::Timestamp(TimeUnit::kSecond), {0, 32503680000}),
       Ints(DataType::Timestamp(TimeUnit::kNano), {1})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto mem = NewMemoryFileSystem();
    auto d = OrderedDataset::Open(mem, kDir).ValueOrDie();
    ASSERT_TRUE(d.Write(Make({{"a", A({0, 1})}, {"x", c.stored}}), Plain()).ok());
    const std::string before = MetadataText(*mem);
    Status st = d.Write(Make({{"a", A({2})}, {"x", c.given}}), Evolve());
    ASSERT_TRUE(st.IsTypeError()) << st.ToString();
    EXPECT_NE(st.message().find("cannot be widened"), std::string::npos) << st.ToString();
    EXPECT_NE(st.message().find("file_00000000.parquet, row 1"), std::string::npos)
        << st.ToString();
    EXPECT_EQ(MetadataText(*mem), before);
    EXPECT_EQ(d.num_row_groups().ValueOrDie(), 1);
  }
}

TEST_F(SchemaEvolutionTest, OrderedColumnTypeDoesNotEvolve) {
  ASSERT_TRUE(ds.Write(Make({{"a", Ints(DataType::Int32(), {1, 2})}}), Plain()).ok());
  Status s = ds.Write(Make({{"a", Ints(DataType::Int64(), {3})}}), Evolve());
  ASSERT_TRUE(s.IsTypeError()) << s.ToString();
  EXPECT_NE(s.message().find("ordered column 'a'"), std::string::npos);
  // Narrower rows of the ordered column still convert.
  ASSERT_TRUE(ds.Write(Make({{"a", Ints(DataType::Int16(), {4})}}), Evolve()).ok());
  EXPECT_EQ(Read().num_rows(), 3);
}

TEST_F(SchemaEvolutionTest, EvolvedFilesNotMatchingTheSchemaAreStillRefused) {
  // An evolved dataset accepts missing nullable columns and narrower types,
  // nothing else: a file of another type under a listed name is corruption.
  ASSERT_TRUE(ds.Write(Make({{"a", A({1})}, {"x", Ints(DataType::Int32(), {1})}}), Plain()).ok());
  ASSERT_TRUE(ds.Write(Make({{"a", A({2})}, {"x", Ints(DataType::Int64(), {2})},
                             {"y", Strings({"s"})}}),
                       Evolve())
                  .ok());
  auto paths = dataset::DatasetPaths::Make(kDir);
  const auto md = Md();
  // Replace the first file by one whose x is a string.
  Table bad = Make({{"a", A({1})}, {"x", Strings({"oops"})}});
  parquet::WriterOptions wo;
  ASSERT_TRUE(fs->DeleteFile(paths->RowGroupFile(md.file_ids[0])).ok());
  ASSERT_TRUE(parquet::WriteTable(*fs, paths->RowGroupFile(md.file_ids[0]), bad, wo).ok());
  auto r = ds.Read();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("column 'x' of type string"), std::string::npos);
}

TEST_F(SchemaEvolutionTest, AnOlderVersionReadsWithItsOwnSchema) {
  WriteOptions keep = Plain(2);
  keep.keep_versions = 10;
  ASSERT_TRUE(ds.Write(Make({{"a", A({1, 2})}, {"x", Ints(DataType::Int8(), {1, 2})}}), keep).ok());
  WriteOptions evolve = Evolve(2);
  evolve.keep_versions = 10;
  ASSERT_TRUE(ds.Write(Make({{"a", A({0, 3})}, {"x", Ints(DataType::Int64(), {-7, 300})},
                             {"y", Strings({"p", "s"})}}),
                       evolve)
                  .ok());
  // Version 1: its schema (x int8, no y), its rows.
  auto v1 = ds.Snapshot(AsOf::Version(1));
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  ASSERT_EQ(v1->schema()->num_fields(), 2);
  EXPECT_EQ(v1->schema()->field(1).type, DataType::Int8());
  Table old = v1->Read().ValueOrDie();
  EXPECT_TRUE(old.GetColumn("x").ValueOrDie().Equals(Ints(DataType::Int8(), {1, 2})));
  ReadOptions as_of;
  as_of.as_of = AsOf::Version(1);
  EXPECT_TRUE(ds.Read(as_of).ValueOrDie().Equals(old));
  // The latest: the evolved schema over the same older file, merged into.
  Table now = Read();
  EXPECT_TRUE(now.GetColumn("x").ValueOrDie().Equals(Ints(DataType::Int64(), {-7, 1, 2, 300})));
  EXPECT_EQ(now.GetColumn("y").ValueOrDie().null_count(), 2);
}

TEST_F(SchemaEvolutionTest, VerifyAcceptsTheOlderFilesOfAnEvolvedDataset) {
  ASSERT_TRUE(ds.Write(Make({{"a", A({1, 2})}, {"x", Ints(DataType::Int8(), {1, 2})}}), Plain(2))
                  .ok());
  ASSERT_TRUE(ds.Write(Make({{"a", A({3})}, {"x", Ints(DataType::Int32(), {300})},
                             {"y", Strings({"s"})}}),
                       Evolve(2))
                  .ok());
  for (bool deep : {false, true}) {
    const auto problems = VerifyDataset(*fs, kDir, {.deep = deep});
    for (const auto& p : problems) ADD_FAILURE() << p.file << ": " << p.problem;
  }
  // A file of another type under a listed name is still reported.
  auto paths = dataset::DatasetPaths::Make(kDir);
  const uint64_t id = Md().file_ids[0];
  ASSERT_TRUE(fs->DeleteFile(paths->RowGroupFile(id)).ok());
  ASSERT_TRUE(parquet::WriteTable(*fs, paths->RowGroupFile(id),
                                  Make({{"a", A({1, 2})}, {"x", Strings({"p", "q"})}}), {})
                  .ok());
  EXPECT_FALSE(VerifyDataset(*fs, kDir).empty());
}

// A crash (or an I/O error) at any file-system call of an evolving write
// that rewrites an older rg leaves the dataset before or after it, and the
// next write succeeds.
TEST_F(SchemaEvolutionTest, CrashAtEveryCallOfAnEvolvingWrite) {
  auto setup = [](const std::shared_ptr<FileSystem>& mem) {
    auto d = OrderedDataset::Open(mem, kDir).ValueOrDie();
    ASSERT_TRUE(d.Write(Make({{"a", A({10, 20, 30, 40})}, {"x", Ints(DataType::Int16(), {1, 2, 3, 4})}}),
                        Plain(2))
                    .ok());
  };
  const Table evolving = Make({{"a", A({25, 50})},
                               {"x", Ints(DataType::Int64(), {int64_t{1} << 40, 5})},
                               {"y", Strings({"p", "q"})}});
  auto observe = [](const std::shared_ptr<MemoryFileSystem>& mem) {
    auto d = OrderedDataset::Open(mem, kDir).ValueOrDie();
    auto t = d.Read();
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : Table();
  };
  Table before, after;
  uint64_t n_ops = 0;
  {
    auto mem = NewMemoryFileSystem();
    setup(mem);
    before = observe(mem);
    auto fault = std::make_shared<FaultInjectionFileSystem>(mem, 1);
    auto d = OrderedDataset::Open(fault, kDir).ValueOrDie();
    ASSERT_TRUE(d.Write(evolving, Evolve(2)).ok());
    n_ops = fault->operation_count();
    mem->SimulateCrash();
    after = observe(mem);
  }
  ASSERT_EQ(after.num_rows(), 6);
  int saw_before = 0, saw_after = 0;
  for (auto kind : {FaultInjectionFileSystem::FaultKind::kCrash,
                    FaultInjectionFileSystem::FaultKind::kError}) {
    for (uint64_t k = 1; k <= n_ops; ++k) {
      SCOPED_TRACE("fault at op " + std::to_string(k));
      auto mem = NewMemoryFileSystem();
      setup(mem);
      auto fault = std::make_shared<FaultInjectionFileSystem>(mem, 100 + k);
      fault->FailAt(k, kind);
      {
        auto d = OrderedDataset::Open(fault, kDir).ValueOrDie();
        (void)d.Write(evolving, Evolve(2));
      }
      mem->SimulateCrash();
      Table got = observe(mem);
      if (got.Equals(before)) {
        ++saw_before;
      } else {
        ASSERT_TRUE(got.Equals(after)) << "neither before nor after";
        ++saw_after;
      }
      auto d = OrderedDataset::Open(mem, kDir).ValueOrDie();
      Status next = d.Write(Make({{"a", A({1000})}, {"x", Ints(DataType::Int64(), {1})}}), Evolve(2));
      ASSERT_TRUE(next.ok()) << next.ToString();
      EXPECT_EQ(observe(mem).num_rows(), got.num_rows() + 1);
    }
  }
  EXPECT_GT(saw_before, 0);
  EXPECT_GT(saw_after, 0);
}

TEST(SchemaEvolutionRules, Widenings) {
  using dataset::IsWidening;
  EXPECT_TRUE(IsWidening(DataType::Int8(), DataType::Int16()));
  EXPECT_TRUE(IsWidening(DataType::UInt8(), DataType::UInt64()));
  EXPECT_FALSE(IsWidening(DataType::UInt8(), DataType::Int16()));
  EXPECT_FALSE(IsWidening(DataType::Int64(), DataType::Int32()));
  EXPECT_TRUE(IsWidening(DataType::Int64(), DataType::Float64()));
  EXPECT_FALSE(IsWidening(DataType::Int16(), DataType::Float32()));
  EXPECT_FALSE(IsWidening(DataType::Float64(), DataType::Float32()));
  EXPECT_FALSE(IsWidening(DataType::Float64(), DataType::Int64()));
  EXPECT_TRUE(IsWidening(DataType::Timestamp(TimeUnit::kSecond, "UTC"),
                         DataType::Timestamp(TimeUnit::kNano, "Asia/Tokyo")));
  EXPECT_FALSE(IsWidening(DataType::Timestamp(TimeUnit::kSecond),
                          DataType::Timestamp(TimeUnit::kNano, "UTC")));
  EXPECT_FALSE(IsWidening(DataType::Timestamp(TimeUnit::kNano),
                          DataType::Timestamp(TimeUnit::kMicro)));
  EXPECT_FALSE(IsWidening(DataType::Int64(), DataType::Int64()));
  EXPECT_FALSE(IsWidening(DataType::Date32(), DataType::Timestamp(TimeUnit::kSecond)));
}

}  // namespace
}  // namespace oups
