// Row filters of dataset reads (oups/dataset/filter.h): validation, statistics
// pruning (which row-group files a read opens and decodes), and filtered reads
// of random datasets of every type against the unfiltered read filtered in
// memory.
#include "oups/dataset/filter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"
#include "oups/table/kernels.h"
#include "testing/random_table.h"
#include "testing/tracking_file_system.h"

namespace oups {
namespace {

constexpr const char* kDir = "/data/ds";

std::string File(int i) {
  char b[64];
  std::snprintf(b, sizeof b, "/data/ds/file_%08d.parquet", i);
  return b;
}

// ts 0..19 in 5 rgs of 4 rows; k = the rg number (2 per rg: k of rg 4 is
// null); x = 10 * ts.
Table Rows() {
  std::vector<int64_t> ts, k, x;
  std::vector<bool> k_valid;
  for (int64_t i = 0; i < 20; ++i) {
    ts.push_back(i);
    k.push_back(i / 4);
    k_valid.push_back(i / 4 != 4);
    x.push_back(10 * i);
  }
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()},
                    {"k", ColumnFromVector(DataType::Int64(), k, k_valid).ValueOrDie()},
                    {"x", ColumnFromVector(DataType::Int64(), x).ValueOrDie()}})
      .ValueOrDie();
}

std::vector<int64_t> Ints(const Table& t, const std::string& col) {
  std::vector<int64_t> out;
  const Column c = t.GetColumn(col).ValueOrDie();
  for (int64_t i = 0; i < c.length(); ++i) out.push_back(c.data<int64_t>()[i]);
  return out;
}

FilterTerm T(std::string col, FilterOp op, std::vector<Scalar> v) {
  return FilterTerm{std::move(col), op, std::move(v)};
}

struct FilterRead : ::testing::Test {
  void SetUp() override {
    auto ds = OrderedDataset::Open(mem, kDir).ValueOrDie();
    ASSERT_TRUE(ds.Write(Rows(), {.ordered_on = "ts", .row_group_target_size = int64_t{4}}).ok());
    ASSERT_EQ(ds.num_row_groups().ValueOrDie(), 5);
  }
  Result<Table> Read(ReadOptions o) {
    tracking->Clear();
    return OrderedDataset::Open(tracking, kDir).ValueOrDie().Read(o);
  }
  std::shared_ptr<MemoryFileSystem> mem = NewMemoryFileSystem();
  std::shared_ptr<TrackingFileSystem> tracking = std::make_shared<TrackingFileSystem>(mem);
};

TEST_F(FilterRead, OrderedColumnFilterOpensOnlyTheMatchingFiles) {
  auto t = Read({.columns = Columns{"x"},
                 .filter = {{T("ts", FilterOp::kGe, {Scalar::Int(9)}),
                             T("ts", FilterOp::kLt, {Scalar::Int(11)})}}});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Ints(*t, "x"), (std::vector<int64_t>{90, 100}));
  EXPECT_EQ(t->num_columns(), 1);
  // Rgs 0, 1, 3, 4 are excluded by the metadata's min/max: never opened.
  for (int i : {0, 1, 3, 4}) EXPECT_EQ(tracking->open_count(File(i)), 0) << i;
  EXPECT_EQ(tracking->open_count(File(2)), 1);
}

TEST_F(FilterRead, FooterStatisticsPruneWithoutDecoding) {
  auto all = Read({});
  ASSERT_TRUE(all.ok());
  const int64_t whole = tracking->bytes_read(File(1));
  auto t = Read({.filter = {{T("k", FilterOp::kEq, {Scalar::Int(2)})}}});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Ints(*t, "ts"), (std::vector<int64_t>{8, 9, 10, 11}));
  // Rg 1 (k == 1) is opened for its footer only: fewer bytes than a full read.
  EXPECT_EQ(tracking->open_count(File(1)), 1);
  EXPECT_LT(tracking->bytes_read(File(1)), whole);
  // Rg 2 is read; so is nothing of rg 4 (all null k) beyond its footer.
  EXPECT_LT(tracking->bytes_read(File(4)), whole);
  // `in` with null selects the null rows; `not in` without it too.
  auto nulls = Read({.columns = Columns{"ts"},
                     .filter = {{T("k", FilterOp::kIn, {Scalar::Null(DataType::Int64())})}}});
  ASSERT_TRUE(nulls.ok());
  EXPECT_EQ(Ints(*nulls, "ts"), (std::vector<int64_t>{16, 17, 18, 19}));
  auto not_in = Read({.columns = Columns{"ts"},
                      .filter = {{T("k", FilterOp::kNotIn, {Scalar::Int(0), Scalar::Int(1),
                                                             Scalar::Int(2), Scalar::Int(3)})}}});
  ASSERT_TRUE(not_in.ok());
  EXPECT_EQ(Ints(*not_in, "ts"), (std::vector<int64_t>{16, 17, 18, 19}));
  // A rg whose k are all one excluded value is pruned by `!=` and `not in`.
  EXPECT_EQ(tracking->bytes_read(File(0)) < whole, true);
}

TEST_F(FilterRead, RowsWithoutMatchSkipTheProjectedColumns) {
  auto t = Read({.columns = Columns{"x"}, .filter = {{T("x", FilterOp::kEq, {Scalar::Int(50)})}}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(Ints(*t, "x"), (std::vector<int64_t>{50}));
  // Disjunction, projection of a column not filtered, range and filter together.
  auto u = Read({.columns = Columns{"k"},
                 .start = Scalar::Int(2),
                 .end_excl = Scalar::Int(18),
                 .filter = {{T("x", FilterOp::kLt, {Scalar::Int(40)})},
                            {T("ts", FilterOp::kGe, {Scalar::Int(15)})}}});
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  ASSERT_EQ(u->num_rows(), 5);  // ts 2, 3, 15, 16, 17
  const Column k = u->GetColumn("k").ValueOrDie();
  EXPECT_EQ(k.data<int64_t>()[0], 0);
  EXPECT_EQ(k.data<int64_t>()[2], 3);
  EXPECT_TRUE(k.IsNull(3));
  // Chosen rgs (a view), in the given order.
  auto v = Read({.columns = Columns{"ts"},
                 .filter = {{T("x", FilterOp::kNe, {Scalar::Int(130)})}},
                 .row_groups = std::vector<int64_t>{3, -5}});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(Ints(*v, "ts"), (std::vector<int64_t>{12, 14, 15, 0, 1, 2, 3}));
  auto out = Read({.filter = {{T("x", FilterOp::kNe, {Scalar::Int(1)})}},
                   .row_groups = std::vector<int64_t>{5}});
  EXPECT_EQ(out.status().code(), StatusCode::kOutOfRange) << out.status().ToString();
  // No match at all: zero rows, the projected columns.
  auto none = Read({.columns = Columns{"x", "ts"},
                    .filter = {{T("k", FilterOp::kGt, {Scalar::Float(99.5)})}}});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->num_rows(), 0);
  EXPECT_EQ(none->num_columns(), 2);
}

TEST_F(FilterRead, BadFiltersNameTheColumnAndTypes) {
  auto unknown = Read({.filter = {{T("nope", FilterOp::kEq, {Scalar::Int(1)})}}});
  ASSERT_TRUE(unknown.status().IsNotFound());
  EXPECT_EQ(unknown.status().message(), "unknown column 'nope' in filter 'nope' ==");
  auto type = Read({.filter = {{T("x", FilterOp::kLt, {Scalar::String("1")})}}});
  ASSERT_TRUE(type.status().IsTypeError());
  EXPECT_EQ(type.status().message(),
            "filter 'x' <: column 'x': cannot compare values of type int64 with a string value");
  auto two = Read({.filter = {{T("x", FilterOp::kLt, {Scalar::Int(1), Scalar::Int(2)})}}});
  EXPECT_TRUE(two.status().IsInvalidArgument());
  auto empty = Read({.filter = {{}}});
  EXPECT_TRUE(empty.status().IsInvalidArgument());
}

TEST(FilterOps, ParseAndName) {
  for (FilterOp op : {FilterOp::kEq, FilterOp::kNe, FilterOp::kLt, FilterOp::kLe, FilterOp::kGt,
                      FilterOp::kGe, FilterOp::kIn, FilterOp::kNotIn}) {
    EXPECT_EQ(ParseFilterOp(FilterOpName(op)).ValueOrDie(), op);
  }
  EXPECT_EQ(ParseFilterOp("=").ValueOrDie(), FilterOp::kEq);
  EXPECT_EQ(ParseFilterOp("NOT IN").ValueOrDie(), FilterOp::kNotIn);
  EXPECT_TRUE(ParseFilterOp("~=").status().IsInvalidArgument());
}

TEST(FilterMayMatch, BoundsNullsAndNaN) {
  auto bounds = [](std::optional<Scalar> lo, std::optional<Scalar> hi, int64_t nulls) {
    return [=](const std::string&) -> std::optional<ColumnBounds> {
      return ColumnBounds{lo, hi, nulls, 10};
    };
  };
  const auto ints = bounds(Scalar::Int(5), Scalar::Int(9), 0);
  auto may = [&](const auto& b, FilterOp op, std::vector<Scalar> v) {
    return FilterMayMatch({{T("c", op, std::move(v))}}, b);
  };
  EXPECT_FALSE(may(ints, FilterOp::kEq, {Scalar::Int(4)}));
  EXPECT_TRUE(may(ints, FilterOp::kEq, {Scalar::Int(5)}));
  EXPECT_TRUE(may(ints, FilterOp::kEq, {Scalar::Float(8.5)}));
  EXPECT_FALSE(may(ints, FilterOp::kEq, {Scalar::Float(9.5)}));
  EXPECT_FALSE(may(ints, FilterOp::kLt, {Scalar::Int(5)}));
  EXPECT_TRUE(may(ints, FilterOp::kLe, {Scalar::Int(5)}));
  EXPECT_FALSE(may(ints, FilterOp::kGt, {Scalar::Int(9)}));
  EXPECT_TRUE(may(ints, FilterOp::kGe, {Scalar::Int(9)}));
  EXPECT_TRUE(may(ints, FilterOp::kNe, {Scalar::Int(5)}));
  EXPECT_FALSE(may(ints, FilterOp::kIn, {Scalar::Int(1), Scalar::Int(10)}));
  EXPECT_TRUE(may(ints, FilterOp::kIn, {Scalar::Int(1), Scalar::Int(7)}));
  EXPECT_FALSE(may(ints, FilterOp::kIn, {Scalar::Null(DataType::Int64())}));  // no null here
  EXPECT_FALSE(may(ints, FilterOp::kEq, {Scalar::Null(DataType::Int64())}));
  const auto one = bounds(Scalar::Int(5), Scalar::Int(5), 0);
  EXPECT_FALSE(may(one, FilterOp::kNe, {Scalar::Int(5)}));
  EXPECT_FALSE(may(one, FilterOp::kNotIn, {Scalar::Int(5), Scalar::Int(6)}));
  const auto one_with_nulls = bounds(Scalar::Int(5), Scalar::Int(5), 3);
  EXPECT_FALSE(may(one_with_nulls, FilterOp::kNe, {Scalar::Int(5)}));   // nulls never !=
  EXPECT_TRUE(may(one_with_nulls, FilterOp::kNotIn, {Scalar::Int(5)}));  // nulls are not in
  const auto all_null = bounds(std::nullopt, std::nullopt, 10);
  EXPECT_FALSE(may(all_null, FilterOp::kGe, {Scalar::Int(0)}));
  EXPECT_TRUE(may(all_null, FilterOp::kNotIn, {Scalar::Int(0)}));
  EXPECT_TRUE(may(all_null, FilterOp::kIn, {Scalar::Null(DataType::Int64())}));
  // Floats: statistics leave NaN out, so != and not in keep the group.
  const auto floats = bounds(Scalar::Float(1.0), Scalar::Float(1.0), 0);
  EXPECT_TRUE(may(floats, FilterOp::kNe, {Scalar::Float(1.0)}));
  EXPECT_TRUE(may(floats, FilterOp::kNotIn, {Scalar::Float(1.0)}));
  EXPECT_TRUE(may(floats, FilterOp::kIn, {Scalar::Float(NAN)}));
  EXPECT_FALSE(may(floats, FilterOp::kEq, {Scalar::Float(NAN)}));
  // Unknown statistics never prune; an OR prunes when every branch does.
  const auto unknown = [](const std::string&) { return std::optional<ColumnBounds>(); };
  EXPECT_TRUE(may(unknown, FilterOp::kEq, {Scalar::Int(4)}));
  EXPECT_TRUE(FilterMayMatch({{T("c", FilterOp::kEq, {Scalar::Int(4)})},
                              {T("c", FilterOp::kEq, {Scalar::Int(6)})}},
                             ints));
  EXPECT_FALSE(FilterMayMatch({{T("c", FilterOp::kEq, {Scalar::Int(4)})},
                               {T("c", FilterOp::kGt, {Scalar::Int(9)})}},
                              ints));
}

// Random datasets of every type (ties across rg boundaries, nulls, NaN):
// the filtered read (with its pruning) returns exactly the rows the filter
// selects in the unfiltered read.
TEST(FilterRandom, PruningNeverDropsAMatchingRow) {
  const Schema schema = testing::AllTypesSchema();
  std::mt19937_64 rng(2024);
  int64_t nonempty = 0, partial = 0;
  for (int round = 0; round < 6; ++round) {
    auto fs = NewMemoryFileSystem();
    const Table rows = testing::RandomSortedTable(schema, "int32", 400, rng(), 0.1, 0.6, 0, 2);
    auto ds = OrderedDataset::Open(fs, kDir).ValueOrDie();
    ASSERT_TRUE(ds.Write(rows, {.ordered_on = "int32", .row_group_target_size = int64_t{37}}).ok());
    const Table all = ds.Read().ValueOrDie();
    for (int k = 0; k < 60; ++k) {
      Filter f;
      const int n_conj = 1 + static_cast<int>(rng() % 2);
      for (int c = 0; c < n_conj; ++c) {
        FilterConjunction conj;
        const int n_terms = 1 + static_cast<int>(rng() % 2);
        for (int t = 0; t < n_terms; ++t) {
          const int col = static_cast<int>(rng() % static_cast<uint64_t>(schema.num_fields()));
          const Column values = all.column(col);
          const auto op = static_cast<FilterOp>(rng() % 8);
          std::vector<Scalar> v;
          const int nv = (op == FilterOp::kIn || op == FilterOp::kNotIn) ? 1 + int(rng() % 3) : 1;
          for (int j = 0; j < nv; ++j) {
            v.push_back(GetScalar(values, static_cast<int64_t>(rng() % 400)));
          }
          conj.push_back(T(schema.field(col).name, op, v));
        }
        f.push_back(conj);
      }
      const std::vector<uint8_t> mask = EvaluateFilter(f, all).ValueOrDie();
      std::vector<int64_t> idx;
      for (size_t i = 0; i < mask.size(); ++i) {
        if (mask[i]) idx.push_back(static_cast<int64_t>(i));
      }
      const Table want = Take(all, idx.data(), static_cast<int64_t>(idx.size())).ValueOrDie();
      auto got = ds.Read({.filter = f});
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ASSERT_EQ(got->num_rows(), want.num_rows()) << "round " << round << " filter " << k;
      ASSERT_TRUE(got->Equals(want)) << "round " << round << " filter " << k;
      nonempty += want.num_rows() > 0;
      partial += want.num_rows() > 0 && want.num_rows() < all.num_rows();
    }
  }
  EXPECT_GT(partial, 100);
  EXPECT_GT(nonempty, partial);
}

}  // namespace
}  // namespace oups
