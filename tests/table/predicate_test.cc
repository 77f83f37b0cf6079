// Predicate kernels (oups/table/predicate.h): against a per-row reference on
// random columns of every type, and the cases where types, units, nulls and
// NaN meet.
#include "oups/table/predicate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "oups/table/builder.h"
#include "oups/table/kernels.h"
#include "testing/random_table.h"

namespace oups {
namespace {

bool IsNaNAt(const Column& c, int64_t i) {
  if (c.type().id == TypeId::kFloat32) return std::isnan(c.data<float>()[i]);
  if (c.type().id == TypeId::kFloat64) return std::isnan(c.data<double>()[i]);
  return false;
}

// Reference: the column's own order (CompareValues) between row i and a
// one-row column of the scalar, with Arrow's rules for nulls and NaN.
bool Reference(const Column& c, int64_t i, CompareOp op, const Column& value) {
  if (c.IsNull(i) || value.IsNull(0)) return false;
  if (IsNaNAt(c, i) || IsNaNAt(value, 0)) return op == CompareOp::kNe;
  const int r = CompareValues(c, i, value, 0);
  switch (op) {
    case CompareOp::kEq: return r == 0;
    case CompareOp::kNe: return r != 0;
    case CompareOp::kLt: return r < 0;
    case CompareOp::kLe: return r <= 0;
    case CompareOp::kGt: return r > 0;
    case CompareOp::kGe: return r >= 0;
  }
  return false;
}

constexpr CompareOp kOps[] = {CompareOp::kEq, CompareOp::kNe, CompareOp::kLt,
                              CompareOp::kLe, CompareOp::kGt, CompareOp::kGe};

TEST(Predicate, RandomColumnsOfEveryTypeMatchTheReference) {
  const Schema schema = testing::AllTypesSchema();
  std::mt19937_64 rng(42);
  int64_t selected = 0, total = 0;
  for (const Field& f : schema.fields()) {
    for (int round = 0; round < 4; ++round) {
      const Column c = testing::RandomColumn(f.type, 200, rng(), 0.1);
      // Values from the column itself (equalities happen), null ones included.
      for (int k = 0; k < 6; ++k) {
        const int64_t at = static_cast<int64_t>(rng() % 200);
        const Scalar s = GetScalar(c, at);
        const Column one = ScalarColumn(s).ValueOrDie();
        for (CompareOp op : kOps) {
          auto mask = CompareWithScalar(c, op, s);
          ASSERT_TRUE(mask.ok()) << f.name << ": " << mask.status().ToString();
          for (int64_t i = 0; i < c.length(); ++i) {
            ASSERT_EQ((*mask)[static_cast<size_t>(i)] != 0, Reference(c, i, op, one))
                << f.name << " row " << i << " " << CompareOpName(op) << " row " << at;
            selected += (*mask)[static_cast<size_t>(i)];
            ++total;
          }
        }
        // IsIn of a few values equals the OR of their equalities, plus null
        // and NaN rows when listed.
        std::vector<Scalar> values;
        for (int v = 0; v < 12; ++v) {
          values.push_back(GetScalar(c, static_cast<int64_t>(rng() % 200)));
        }
        for (size_t n : {size_t{3}, values.size()}) {  // the short and the hash paths
          std::vector<Scalar> list(values.begin(), values.begin() + static_cast<long>(n));
          auto in = IsIn(c, list);
          ASSERT_TRUE(in.ok()) << in.status().ToString();
          for (int64_t i = 0; i < c.length(); ++i) {
            bool want = false;
            for (const Scalar& v : list) {
              const Column vc = ScalarColumn(v).ValueOrDie();
              if (c.IsNull(i) || !v.is_valid()) {
                want = want || (c.IsNull(i) && !v.is_valid());
              } else if (IsNaNAt(c, i) || IsNaNAt(vc, 0)) {
                want = want || (IsNaNAt(c, i) && IsNaNAt(vc, 0));
              } else {
                want = want || CompareValues(c, i, vc, 0) == 0;
              }
            }
            ASSERT_EQ((*in)[static_cast<size_t>(i)] != 0, want) << f.name << " row " << i;
          }
        }
      }
    }
  }
  EXPECT_GT(selected, total / 5);  // the comparisons select rows, not nothing
  EXPECT_LT(selected, total);
}

std::vector<uint8_t> Mask(const Column& c, CompareOp op, const Scalar& s) {
  auto m = CompareWithScalar(c, op, s);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : std::vector<uint8_t>{};
}

using M = std::vector<uint8_t>;

TEST(Predicate, IntegersCompareExactlyWithFloatsAndOtherWidths) {
  const Column c = ColumnFromVector(DataType::Int64(), std::vector<int64_t>{
      1, 2, 3, std::numeric_limits<int64_t>::max(), -5}).ValueOrDie();
  EXPECT_EQ(Mask(c, CompareOp::kLt, Scalar::Float(2.5)), (M{1, 1, 0, 0, 1}));
  EXPECT_EQ(Mask(c, CompareOp::kEq, Scalar::Float(2.5)), (M{0, 0, 0, 0, 0}));
  EXPECT_EQ(Mask(c, CompareOp::kGe, Scalar::Float(2.0)), (M{0, 1, 1, 1, 0}));
  EXPECT_EQ(Mask(c, CompareOp::kNe, Scalar::Float(NAN)), (M{1, 1, 1, 1, 1}));
  EXPECT_EQ(Mask(c, CompareOp::kLt, Scalar::Float(1e300)), (M{1, 1, 1, 1, 1}));
  // An unsigned value above every int64.
  EXPECT_EQ(Mask(c, CompareOp::kLt, Scalar::UInt(uint64_t{1} << 63)), (M{1, 1, 1, 1, 1}));
  const Column u = ColumnFromVector(DataType::UInt64(), std::vector<uint64_t>{
      0, std::numeric_limits<uint64_t>::max()}).ValueOrDie();
  EXPECT_EQ(Mask(u, CompareOp::kGt, Scalar::Int(-1)), (M{1, 1}));
  EXPECT_EQ(Mask(u, CompareOp::kEq, Scalar::UInt(std::numeric_limits<uint64_t>::max())),
            (M{0, 1}));
  const Column i8 =
      ColumnFromVector(DataType::Int8(), std::vector<int64_t>{-128, 127}).ValueOrDie();
  EXPECT_EQ(Mask(i8, CompareOp::kLt, Scalar::Int(1000)), (M{1, 1}));
  EXPECT_EQ(Mask(i8, CompareOp::kGt, Scalar::Int(-1000)), (M{1, 1}));
  // A float column against an integer.
  const Column f = ColumnFromVector(DataType::Float32(), std::vector<double>{0.5, 2.0, NAN})
                       .ValueOrDie();
  EXPECT_EQ(Mask(f, CompareOp::kEq, Scalar::Int(2)), (M{0, 1, 0}));
  EXPECT_EQ(Mask(f, CompareOp::kNe, Scalar::Int(2)), (M{1, 0, 1}));
}

TEST(Predicate, TimestampsAndDurationsCompareAcrossUnits) {
  const Column ms = ColumnFromVector(DataType::Timestamp(TimeUnit::kMilli, "UTC"),
                                     std::vector<int64_t>{999, 1000, 1001}).ValueOrDie();
  EXPECT_EQ(Mask(ms, CompareOp::kEq, Scalar::Timestamp(1, TimeUnit::kSecond, "Asia/Tokyo")),
            (M{0, 1, 0}));
  EXPECT_EQ(Mask(ms, CompareOp::kLt, Scalar::Timestamp(1'000'000'001, TimeUnit::kNano, "UTC")),
            (M{1, 1, 0}));
  auto naive = CompareWithScalar(ms, CompareOp::kEq, Scalar::Timestamp(1, TimeUnit::kSecond));
  ASSERT_FALSE(naive.ok());
  EXPECT_TRUE(naive.status().IsTypeError());
  EXPECT_NE(naive.status().message().find("tz-naive and tz-aware"), std::string::npos);
  const Column d = ColumnFromVector(DataType::Duration(TimeUnit::kMicro),
                                    std::vector<int64_t>{1, 1000}).ValueOrDie();
  EXPECT_EQ(Mask(d, CompareOp::kGe, Scalar::Duration(1, TimeUnit::kMilli)), (M{0, 1}));
  auto wrong = CompareWithScalar(d, CompareOp::kEq, Scalar::Int(1));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(),
            "cannot compare values of type duration[us] with a int64 value");
}

TEST(Predicate, NullsNaNAndStrings) {
  const Column s = ColumnFromVector(DataType::String(),
                                    std::vector<std::string>{"a", "", "b", "ab"},
                                    {true, false, true, true})
                       .ValueOrDie();
  EXPECT_EQ(Mask(s, CompareOp::kNe, Scalar::String("a")), (M{0, 0, 1, 1}));
  EXPECT_EQ(Mask(s, CompareOp::kGt, Scalar::String("a")), (M{0, 0, 1, 1}));
  EXPECT_EQ(Mask(s, CompareOp::kEq, Scalar::Null(DataType::String())), (M{0, 0, 0, 0}));
  EXPECT_EQ(*IsIn(s, {Scalar::String("b"), Scalar::Null(DataType::String())}), (M{0, 1, 1, 0}));
  EXPECT_EQ(*IsIn(s, {}), (M{0, 0, 0, 0}));
  EXPECT_FALSE(IsIn(s, {Scalar::Int(1)}).ok());
  const Column f = ColumnFromVector(DataType::Float64(), std::vector<double>{NAN, 1.0, -0.0, 0},
                                    {true, true, true, false}).ValueOrDie();
  EXPECT_EQ(Mask(f, CompareOp::kEq, Scalar::Float(0.0)), (M{0, 0, 1, 0}));   // -0.0 == 0.0
  EXPECT_EQ(Mask(f, CompareOp::kNe, Scalar::Float(1.0)), (M{1, 0, 1, 0}));   // NaN != 1
  EXPECT_EQ(Mask(f, CompareOp::kGe, Scalar::Float(NAN)), (M{0, 0, 0, 0}));
  EXPECT_EQ(*IsIn(f, {Scalar::Float(NAN)}), (M{1, 0, 0, 0}));
  const Column b = ColumnFromVector(DataType::Bool(), std::vector<bool>{true, false}).ValueOrDie();
  EXPECT_EQ(Mask(b, CompareOp::kGt, Scalar::Bool(false)), (M{1, 0}));
  EXPECT_FALSE(CompareWithScalar(b, CompareOp::kEq, Scalar::Int(1)).ok());
  // A slice starts at its offset.
  const Column sl = s.Slice(2, 2);
  EXPECT_EQ(Mask(sl, CompareOp::kEq, Scalar::String("ab")), (M{0, 1}));
}

}  // namespace
}  // namespace oups
