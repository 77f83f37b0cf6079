#include "oups/table/kernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "oups/table/builder.h"
#include "testing/random_table.h"

namespace oups {
namespace {

// ---------------------------------------------- reference implementations

void AppendScalar(ColumnBuilder& b, const Scalar& s) {
  Status st;
  const DataType& t = s.type();
  if (!s.is_valid()) {
    st = b.AppendNull();
  } else if (t.id == TypeId::kBool) {
    st = b.Append(s.bool_value());
  } else if (t.is_integer() && !t.is_signed_integer()) {
    st = b.Append(s.u64());
  } else if (t.is_floating()) {
    st = b.Append(s.f64());
  } else if (t.is_var_length()) {
    st = b.Append(std::string_view(s.bytes()));
  } else if (t.id == TypeId::kDecimal) {
    st = b.AppendDecimal(s.u64(), s.i64());
  } else {
    st = b.Append(s.i64());
  }
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// Rows `idx` of `t`, value by value through Scalars and the builder.
Table RefTake(const Table& t, const std::vector<int64_t>& idx) {
  std::vector<Column> cols;
  for (const Column& c : t.columns()) {
    ColumnBuilder b(c.type());
    for (int64_t i : idx) AppendScalar(b, GetScalar(c, i));
    cols.push_back(*b.Finish());
  }
  return *Table::Make(t.schema(), std::move(cols));
}

std::vector<int64_t> Iota(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

// Stable sort of `t` on column `key` through CompareValues.
Table RefSort(const Table& t, int key) {
  std::vector<int64_t> idx = Iota(t.num_rows());
  const Column& c = t.column(key);
  std::stable_sort(idx.begin(), idx.end(),
                   [&](int64_t a, int64_t b) { return CompareValues(c, a, c, b) < 0; });
  return RefTake(t, idx);
}

Schema WithOrdered(const DataType& type) {
  std::vector<Field> fields = testing::AllTypesSchema().fields();
  fields.insert(fields.begin() + 3, Field{"key", type, false});
  return Schema(fields);
}

void ExpectTablesEqual(const Table& actual, const Table& expected) {
  ASSERT_EQ(actual.num_rows(), expected.num_rows());
  ASSERT_EQ(actual.schema(), expected.schema());
  for (int c = 0; c < actual.num_columns(); ++c) {
    EXPECT_TRUE(actual.column(c).Validate().ok());
    if (!actual.column(c).Equals(expected.column(c))) {
      for (int64_t i = 0; i < actual.num_rows(); ++i) {
        if (CompareValues(actual.column(c), i, expected.column(c), i) != 0 ||
            actual.column(c).IsNull(i) != expected.column(c).IsNull(i)) {
          ADD_FAILURE() << "column " << actual.schema().field(c).name << " differs at row "
                        << i;
          return;
        }
      }
      ADD_FAILURE() << "column " << actual.schema().field(c).name << " differs";
      return;
    }
  }
}

// ------------------------------------------------------------ Concatenate

TEST(Concatenate, EveryTypeFromOddSlices) {
  Table t = testing::RandomTable(testing::AllTypesSchema(), 300, 1, 0.2);
  const std::vector<std::pair<int64_t, int64_t>> parts = {{3, 10}, {0, 0}, {17, 64}, {101, 77},
                                                          {1, 1},  {250, 50}};
  std::vector<int64_t> ref_idx;
  for (auto [s, n] : parts) {
    for (int64_t i = s; i < s + n; ++i) ref_idx.push_back(i);
  }
  Table expected = RefTake(t, ref_idx);
  for (int c = 0; c < t.num_columns(); ++c) {
    std::vector<Column> pieces;
    for (auto [s, n] : parts) pieces.push_back(t.column(c).Slice(s, n));
    auto r = Concatenate(pieces);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->Validate().ok());
    EXPECT_TRUE(r->Equals(expected.column(c))) << t.schema().field(c).name;
  }
  std::vector<Table> tables;
  for (auto [s, n] : parts) tables.push_back(t.Slice(s, n));
  auto r = ConcatenateTables(tables);
  ASSERT_TRUE(r.ok());
  ExpectTablesEqual(*r, expected);
  // Contiguous slices give back the table.
  auto whole = ConcatenateTables({t.Slice(0, 37), t.Slice(37, 50), t.Slice(87, 213)});
  ASSERT_TRUE(whole.ok());
  EXPECT_TRUE(whole->Equals(t));
}

TEST(Concatenate, ColumnsWithoutBuffers) {
  auto a = *ColumnFromVector<int64_t>(DataType::Int64(), {1, 2});
  auto r = Concatenate({Column(), a, Column()});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->Equals(a));
  auto e = Take(Column(), nullptr, 0);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->length(), 0);
  EXPECT_TRUE(e->Validate().ok());
  EXPECT_EQ(*FindFirstUnsorted(Column()), -1);
  EXPECT_EQ(*LowerBound(Column(), Scalar::Int(1)), 0);
}

TEST(Concatenate, Errors) {
  EXPECT_TRUE(Concatenate({}).status().IsInvalidArgument());
  auto a = *ColumnFromVector<int64_t>(DataType::Int64(), {1});
  auto b = *ColumnFromVector<int>(DataType::Int32(), {1});
  auto r = Concatenate({a, b});
  EXPECT_TRUE(r.status().IsTypeError());
  EXPECT_NE(r.status().message().find("int64 and int32"), std::string::npos);

  EXPECT_TRUE(ConcatenateTables({}).status().IsInvalidArgument());
  auto t1 = *MakeTable({{"x", a}, {"y", a}});
  auto t2 = *MakeTable({{"x", a}, {"y", b}});
  auto r2 = ConcatenateTables({t1, t2});
  EXPECT_TRUE(r2.status().IsTypeError());
  EXPECT_NE(r2.status().message().find("'y'"), std::string::npos) << r2.status().ToString();
  auto t3 = *MakeTable({{"x", a}, {"z", a}});
  auto r3 = ConcatenateTables({t1, t3});
  EXPECT_TRUE(r3.status().IsTypeError());
  EXPECT_NE(r3.status().message().find("'z'"), std::string::npos);
  auto t4 = *MakeTable({{"x", a}});
  EXPECT_TRUE(ConcatenateTables({t1, t4}).status().IsTypeError());
}

TEST(Concatenate, NullableIfAnyInputIs) {
  auto a = *ColumnFromVector<int64_t>(DataType::Int64(), {1});
  auto strict = *MakeTable(std::vector<std::pair<Field, Column>>{
      {Field{"x", DataType::Int64(), false}, a}});
  auto loose = *MakeTable({{"x", a}});
  auto r = ConcatenateTables({strict, loose});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->schema().field(0).nullable);
  auto s = ConcatenateTables({strict, strict});
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->schema().field(0).nullable);
}

// ------------------------------------------------------------------- Take

TEST(Take, EveryTypeWithRepeatsFromASlice) {
  Table full = testing::RandomTable(testing::AllTypesSchema(), 200, 2, 0.3);
  Table t = full.Slice(5, 150);
  std::mt19937_64 rng(3);
  std::vector<int64_t> idx(333);
  for (auto& i : idx) i = static_cast<int64_t>(rng() % 150);
  auto r = Take(t, idx.data(), static_cast<int64_t>(idx.size()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectTablesEqual(*r, RefTake(t, idx));
  auto c = Take(t.column(11), idx.data(), 10);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->length(), 10);
  auto empty = Take(t, nullptr, 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->num_rows(), 0);
}

TEST(Take, OutOfRange) {
  auto a = *ColumnFromVector<int64_t>(DataType::Int64(), {1, 2, 3});
  const int64_t bad[] = {0, 3};
  auto r = Take(a, bad, 2);
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(r.status().message().find("index 3"), std::string::npos);
  const int64_t neg[] = {-1};
  EXPECT_EQ(Take(a, neg, 1).status().code(), StatusCode::kOutOfRange);
}

// --------------------------------------------------------- CompareValues

TEST(CompareValues, OrderOfEveryKind) {
  auto f = *ColumnFromVector<double>(
      DataType::Float64(),
      {0.0, -0.0, 1.0, NAN, std::numeric_limits<double>::infinity(), -1.0, 0.0},
      {true, true, true, true, true, true, false});
  EXPECT_EQ(CompareValues(f, 0, f, 1), 0);   // 0.0 == -0.0
  EXPECT_EQ(CompareValues(f, 5, f, 0), -1);  // -1 < 0
  EXPECT_EQ(CompareValues(f, 3, f, 4), 1);   // NaN > inf
  EXPECT_EQ(CompareValues(f, 3, f, 3), 0);   // NaN == NaN
  EXPECT_EQ(CompareValues(f, 6, f, 5), -1);  // null first
  EXPECT_EQ(CompareValues(f, 6, f, 6), 0);

  auto u = *ColumnFromVector<uint64_t>(DataType::UInt64(), {1, uint64_t{1} << 63});
  EXPECT_EQ(CompareValues(u, 1, u, 0), 1);
  auto i8 = *ColumnFromVector<int>(DataType::Int8(), {-128, 127});
  EXPECT_EQ(CompareValues(i8, 0, i8, 1), -1);

  auto s = *ColumnFromVector<std::string>(DataType::String(),
                                          {"z", "\xC3\xA9", "a", "ab", "", "\xF0\x9F\x98\x80"});
  EXPECT_EQ(CompareValues(s, 1, s, 0), 1);   // U+00E9 > 'z'
  EXPECT_EQ(CompareValues(s, 5, s, 1), 1);   // U+1F600 > U+00E9
  EXPECT_EQ(CompareValues(s, 2, s, 3), -1);  // prefix first
  EXPECT_EQ(CompareValues(s, 4, s, 2), -1);  // empty first

  auto bin = *ColumnFromVector<std::string>(
      DataType::Binary(), {std::string("a\0", 2), std::string("a"), std::string("\xFF")});
  EXPECT_EQ(CompareValues(bin, 0, bin, 1), 1);
  EXPECT_EQ(CompareValues(bin, 2, bin, 0), 1);

  auto bo = *ColumnFromVector<bool>(DataType::Bool(), {false, true});
  EXPECT_EQ(CompareValues(bo, 0, bo, 1), -1);

  ColumnBuilder db(DataType::Decimal(38, 0));
  ASSERT_TRUE(db.AppendDecimal(0, -1).ok());  // -2^64
  ASSERT_TRUE(db.AppendDecimal(5, 0).ok());
  ASSERT_TRUE(db.AppendDecimal(0, 1).ok());  // 2^64
  auto d = *db.Finish();
  EXPECT_EQ(CompareValues(d, 0, d, 1), -1);
  EXPECT_EQ(CompareValues(d, 2, d, 1), 1);

  auto ts = *ColumnFromVector<int64_t>(DataType::Timestamp(TimeUnit::kNano), {-5, 5});
  EXPECT_EQ(CompareValues(ts, 0, ts, 1), -1);
  auto dt = *ColumnFromVector<int>(DataType::Date32(), {-5, 5});
  EXPECT_EQ(CompareValues(dt, 1, dt, 0), 1);
}

// ------------------------------------------------------ FindFirstUnsorted

TEST(FindFirstUnsorted, SortedUnsortedNullsNaN) {
  auto sorted = *ColumnFromVector<int64_t>(DataType::Int64(), {1, 1, 2, 5, 5});
  EXPECT_EQ(*FindFirstUnsorted(sorted), -1);
  auto down = *ColumnFromVector<int64_t>(DataType::Int64(), {1, 3, 2, 5});
  EXPECT_EQ(*FindFirstUnsorted(down), 2);
  auto with_null = *ColumnFromVector<int64_t>(DataType::Int64(), {1, 2, 3}, {true, true, false});
  EXPECT_EQ(*FindFirstUnsorted(with_null), 2);
  auto null_first = *ColumnFromVector<int64_t>(DataType::Int64(), {1, 2}, {false, true});
  EXPECT_EQ(*FindFirstUnsorted(null_first), 0);
  auto nan = *ColumnFromVector<double>(DataType::Float64(), {1.0, 2.0, NAN});
  EXPECT_EQ(*FindFirstUnsorted(nan), 2);
  auto strs = *ColumnFromVector<std::string>(DataType::String(), {"a", "b", "b", "a"});
  EXPECT_EQ(*FindFirstUnsorted(strs), 3);
  EXPECT_EQ(*FindFirstUnsorted(strs.Slice(0, 3)), -1);
  auto empty = *ColumnFromVector<int64_t>(DataType::Int64(), {});
  EXPECT_EQ(*FindFirstUnsorted(empty), -1);
  Table t = testing::RandomSortedTable(WithOrdered(DataType::Timestamp(TimeUnit::kNano)), "key",
                                       500, 9, 0.1);
  EXPECT_EQ(*FindFirstUnsorted(t.column(3)), -1);
  EXPECT_EQ(*FindFirstUnsorted(t.column(3).Slice(77, 300)), -1);
}

// ------------------------------------------------------------ MergeSorted

Table ReferenceMerge(const Table& old_rows, const Table& new_rows, int key) {
  Table both = *ConcatenateTables({old_rows, new_rows});
  return RefSort(both, key);  // stable: old rows first on ties
}

TEST(MergeSorted, RandomTablesWithTiesAgainstStableSort) {
  for (DataType key_type : {DataType::Int64(), DataType::Timestamp(TimeUnit::kNano, "UTC")}) {
    const Schema schema = WithOrdered(key_type);
    for (uint64_t seed = 0; seed < 12; ++seed) {
      std::mt19937_64 rng(seed);
      const int64_t n_old = static_cast<int64_t>(rng() % 300);
      const int64_t n_new = static_cast<int64_t>(rng() % 120);
      const int64_t start = static_cast<int64_t>(rng() % 200) - 50;
      Table old_rows = testing::RandomSortedTable(schema, "key", n_old + 7, seed, 0.2, 0.6);
      Table new_rows =
          testing::RandomSortedTable(schema, "key", n_new + 3, seed + 100, 0.2, 0.5, start);
      // Odd offsets for bitmaps.
      old_rows = old_rows.Slice(7, n_old);
      new_rows = new_rows.Slice(3, n_new);
      auto merged = MergeSorted(old_rows, new_rows, "key");
      ASSERT_TRUE(merged.ok()) << merged.status().ToString();
      ExpectTablesEqual(*merged, ReferenceMerge(old_rows, new_rows, 3));
      EXPECT_EQ(*FindFirstUnsorted(merged->column(3)), -1);
    }
  }
}

TEST(MergeSorted, AppendAndPrependCases) {
  const Schema schema = WithOrdered(DataType::Int64());
  Table a = testing::RandomSortedTable(schema, "key", 100, 1, 0.1, 0.5, 0);
  Table b = testing::RandomSortedTable(schema, "key", 50, 2, 0.1, 0.5, 1000);
  ExpectTablesEqual(*MergeSorted(a, b, "key"), *ConcatenateTables({a, b}));
  ExpectTablesEqual(*MergeSorted(b, a, "key"), *ConcatenateTables({a, b}));
  ExpectTablesEqual(*MergeSorted(a, a.Slice(0, 0), "key"), a);
  ExpectTablesEqual(*MergeSorted(a.Slice(0, 0), a, "key"), a);
  // All keys equal: old rows then new rows.
  Table c = testing::RandomSortedTable(schema, "key", 40, 3, 0.1, 1.0, 5);
  Table d = testing::RandomSortedTable(schema, "key", 30, 4, 0.1, 1.0, 5);
  ExpectTablesEqual(*MergeSorted(c, d, "key"), *ConcatenateTables({c, d}));
}

TEST(MergeSorted, EveryTypeAsOrderedColumn) {
  const Schema schema = testing::AllTypesSchema();
  for (int key = 0; key < schema.num_fields(); ++key) {
    // Few distinct values per column would be nicer; random values with nulls
    // and NaN still exercise the comparator on every type.
    Table old_rows = RefSort(testing::RandomTable(schema, 90, 10 + key, 0.2), key);
    Table new_rows = RefSort(testing::RandomTable(schema, 61, 50 + key, 0.2), key);
    old_rows = old_rows.Slice(1, 85);
    new_rows = new_rows.Slice(5, 50);
    auto merged = MergeSorted(old_rows, new_rows, schema.field(key).name);
    ASSERT_TRUE(merged.ok()) << merged.status().ToString();
    SCOPED_TRACE(schema.field(key).name);
    ExpectTablesEqual(*merged, ReferenceMerge(old_rows, new_rows, key));
    // Ties between the two inputs: merge a table with itself.
    auto self = MergeSorted(old_rows, old_rows, schema.field(key).name);
    ASSERT_TRUE(self.ok());
    ExpectTablesEqual(*self, ReferenceMerge(old_rows, old_rows, key));
  }
}

TEST(MergeSorted, Errors) {
  auto a = *ColumnFromVector<int64_t>(DataType::Int64(), {1});
  auto s = *ColumnFromVector<std::string>(DataType::String(), {"x"});
  auto t1 = *MakeTable({{"k", a}, {"v", a}});
  auto t2 = *MakeTable({{"k", a}, {"v", s}});
  auto r = MergeSorted(t1, t2, "k");
  EXPECT_TRUE(r.status().IsTypeError());
  EXPECT_NE(r.status().message().find("'v'"), std::string::npos);
  auto r2 = MergeSorted(t1, t1, "ts");
  EXPECT_TRUE(r2.status().IsNotFound());
  EXPECT_EQ(r2.status().message(), "column 'ts' not found; available: k, v");
}

// -------------------------------------------------- DropDuplicatesKeepLast

Table ReferenceDedup(const Table& t, const std::vector<int>& cols) {
  std::vector<int64_t> keep;
  for (int64_t i = 0; i < t.num_rows(); ++i) {
    bool dup = false;
    for (int64_t j = i + 1; j < t.num_rows() && !dup; ++j) {
      bool eq = true;
      for (int c : cols) {
        if (CompareValues(t.column(c), i, t.column(c), j) != 0) {
          eq = false;
          break;
        }
      }
      dup = eq;
    }
    if (!dup) keep.push_back(i);
  }
  return RefTake(t, keep);
}

// A table sorted on "key" whose key groups hold rows drawn with repetition
// from the same group of a random table: exact duplicates and near ones.
Table TableWithDuplicates(uint64_t seed, int64_t rows) {
  const Schema schema = WithOrdered(DataType::Int64());
  Table base = testing::RandomSortedTable(schema, "key", rows, seed, 0.15, 0.7);
  std::mt19937_64 rng(seed);
  std::vector<int64_t> idx;
  const Column& k = base.column(3);
  int64_t b = 0;
  for (int64_t i = 1; i <= rows; ++i) {
    if (i == rows || CompareValues(k, i - 1, k, i) != 0) {
      const int64_t g = i - b;
      const int64_t picks = g + static_cast<int64_t>(rng() % static_cast<uint64_t>(g + 1));
      for (int64_t p = 0; p < picks; ++p) idx.push_back(b + static_cast<int64_t>(rng() % g));
      b = i;
    }
  }
  return *Take(base, idx.data(), static_cast<int64_t>(idx.size()));
}

TEST(DropDuplicatesKeepLast, RandomAgainstBruteForce) {
  for (uint64_t seed = 0; seed < 8; ++seed) {
    Table t = TableWithDuplicates(seed, 150);
    t = t.Slice(3, t.num_rows() - 3);
    const Schema& schema = t.schema();
    std::vector<int> all(static_cast<size_t>(schema.num_fields()));
    std::iota(all.begin(), all.end(), 0);
    auto r = DropDuplicatesKeepLast(t, "key", {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    Table expected = ReferenceDedup(t, all);
    EXPECT_LT(expected.num_rows(), t.num_rows());
    ExpectTablesEqual(*r, expected);

    // Subsets with few distinct values give duplicates that differ elsewhere.
    for (const std::vector<std::string>& subset :
         std::vector<std::vector<std::string>>{{"key"}, {"bool"}, {"key", "bool", "string"},
                                               {"float32", "key"}, {"bool", "bool"}}) {
      std::vector<int> cols{3};
      for (const auto& name : subset) {
        const int c = schema.IndexOf(name);
        if (std::find(cols.begin(), cols.end(), c) == cols.end()) cols.push_back(c);
      }
      auto rs = DropDuplicatesKeepLast(t, "key", subset);
      ASSERT_TRUE(rs.ok()) << rs.status().ToString();
      ExpectTablesEqual(*rs, ReferenceDedup(t, cols));
    }
  }
}

TEST(DropDuplicatesKeepLast, NullsNaNAndSignedZeroAreEqual) {
  auto key = *ColumnFromVector<int64_t>(DataType::Int64(), {1, 1, 1, 1, 1, 2, 2});
  auto f = *ColumnFromVector<double>(DataType::Float64(), {NAN, 0.0, 5.0, NAN, -0.0, 1.0, 1.0},
                                     {true, true, false, true, true, true, true});
  auto s = *ColumnFromVector<std::string>(DataType::String(), {"a", "b", "c", "a", "b", "x", "y"},
                                          {true, true, false, true, true, true, true});
  auto t = *MakeTable({{"k", key}, {"f", f}, {"s", s}});
  auto r = DropDuplicatesKeepLast(t, "k", {});
  ASSERT_TRUE(r.ok());
  // Rows 0 (== 3) and 1 (== 4) go; the null row 2 stays; rows 5, 6 differ on s.
  const int64_t keep[] = {2, 3, 4, 5, 6};
  ExpectTablesEqual(*r, *Take(t, keep, 5));
  auto r2 = DropDuplicatesKeepLast(t, "k", {"f"});
  ASSERT_TRUE(r2.ok());
  const int64_t keep2[] = {2, 3, 4, 6};
  ExpectTablesEqual(*r2, *Take(t, keep2, 4));
}

TEST(DropDuplicatesKeepLast, NoTiesReturnsInputAndErrors) {
  auto key = *ColumnFromVector<int64_t>(DataType::Int64(), {1, 2, 3});
  auto t = *MakeTable({{"k", key}, {"v", key}});
  auto r = DropDuplicatesKeepLast(t, "k", {"v"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->column(0).values(), t.column(0).values());
  EXPECT_TRUE(DropDuplicatesKeepLast(t, "x", {}).status().IsNotFound());
  auto bad = DropDuplicatesKeepLast(t, "k", {"v", "w"});
  EXPECT_TRUE(bad.status().IsNotFound());
  EXPECT_EQ(bad.status().message(), "column 'w' not found; available: k, v");
}

// ------------------------------------------------------------ Lower/Upper

TEST(Bounds, RandomIntColumnAgainstLinearScan) {
  Table t = testing::RandomSortedTable(WithOrdered(DataType::Int64()), "key", 500, 4, 0.0, 0.6,
                                       -20);
  const Column c = t.column(3).Slice(11, 400);
  for (int64_t v = -30; v < 700; v += 3) {
    int64_t lo = 0, hi = 0;
    for (int64_t i = 0; i < c.length(); ++i) {
      lo += c.data<int64_t>()[i] < v;
      hi += c.data<int64_t>()[i] <= v;
    }
    EXPECT_EQ(*LowerBound(c, Scalar::Int(v)), lo) << v;
    EXPECT_EQ(*UpperBound(c, Scalar::Int(v)), hi) << v;
    if (v >= 0) {
      EXPECT_EQ(*LowerBound(c, Scalar::UInt(static_cast<uint64_t>(v))), lo);
    }
  }
}

TEST(Bounds, TypesNullsAndMismatches) {
  auto i8 = *ColumnFromVector<int>(DataType::Int8(), {-5, 0, 0, 7});
  EXPECT_EQ(*LowerBound(i8, Scalar::Int(1000)), 4);
  EXPECT_EQ(*LowerBound(i8, Scalar::Int(-1000)), 0);
  EXPECT_EQ(*LowerBound(i8, Scalar::Int(0)), 1);
  EXPECT_EQ(*UpperBound(i8, Scalar::Int(0)), 3);
  EXPECT_EQ(*UpperBound(i8, Scalar::UInt(uint64_t{1} << 63)), 4);
  EXPECT_TRUE(LowerBound(i8, Scalar::String("x")).status().IsTypeError());
  EXPECT_TRUE(LowerBound(i8, Scalar::Float(1.0)).status().IsTypeError());

  auto s = *ColumnFromVector<std::string>(DataType::String(), {"", "a", "b", "b", "\xC3\xA9"},
                                          {false, true, true, true, true});
  EXPECT_EQ(*LowerBound(s, Scalar::String("b")), 2);
  EXPECT_EQ(*UpperBound(s, Scalar::String("b")), 4);
  EXPECT_EQ(*UpperBound(s, Scalar::String("z")), 4);
  EXPECT_EQ(*LowerBound(s, Scalar::Null(DataType::String())), 0);
  EXPECT_EQ(*UpperBound(s, Scalar::Null(DataType::String())), 1);
  EXPECT_EQ(*LowerBound(s, Scalar::String("")), 1);

  auto ts = *ColumnFromVector<int64_t>(DataType::Timestamp(TimeUnit::kMilli, "UTC"), {1, 5, 9});
  EXPECT_EQ(*LowerBound(ts, Scalar::Timestamp(5, TimeUnit::kMilli, "UTC")), 1);
  EXPECT_TRUE(LowerBound(ts, Scalar::Timestamp(5, TimeUnit::kNano, "UTC")).status().IsTypeError());
  EXPECT_TRUE(LowerBound(ts, Scalar::Int(5)).status().IsTypeError());

  auto f = *ColumnFromVector<double>(DataType::Float32(), {-1.0, 0.5, 2.0, NAN});
  EXPECT_EQ(*LowerBound(f, Scalar::Float(0.5)), 1);
  EXPECT_EQ(*UpperBound(f, Scalar::Float(std::numeric_limits<double>::infinity())), 3);
  EXPECT_EQ(*LowerBound(f, Scalar::Int(1)), 2);

  auto d = *ColumnFromVector<int>(DataType::Date32(), {10, 20});
  EXPECT_EQ(*UpperBound(d, Scalar::Date32(10)), 1);
  auto b = *ColumnFromVector<bool>(DataType::Bool(), {false, true, true});
  EXPECT_EQ(*LowerBound(b, Scalar::Bool(true)), 1);

  ColumnBuilder db(DataType::Decimal(20, 2));
  ASSERT_TRUE(db.Append(-3).ok());
  ASSERT_TRUE(db.Append(4).ok());
  auto dc = *db.Finish();
  EXPECT_EQ(*LowerBound(dc, Scalar::Decimal(20, 2, 0, 0)), 1);
  EXPECT_EQ(*UpperBound(dc, Scalar::Decimal(20, 2, static_cast<uint64_t>(-3), -1)), 1);
}

TEST(GetScalar, RoundTripsEveryType) {
  Table t = testing::RandomTable(testing::AllTypesSchema(), 64, 8, 0.3);
  ExpectTablesEqual(RefTake(t, Iota(64)), t);
}

}  // namespace
}  // namespace oups
