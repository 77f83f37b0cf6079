// Safe conversions on write (ConformToSchema, docs/behaviour.md#safe-conversions):
// new rows in another type are converted to the stored type when no value
// changes (pyarrow's safe casts); anything else is a TypeError naming the
// column and both types.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"

namespace oups {
namespace {

constexpr const char* kDir = "/data/ds";

template <typename T>
Table AX(const std::vector<int64_t>& a, const DataType& xtype, const std::vector<T>& x,
         const std::vector<bool>& valid = {}) {
  return MakeTable({{"a", ColumnFromVector(DataType::Int64(), a).ValueOrDie()},
                    {"x", ColumnFromVector(xtype, x, valid).ValueOrDie()}})
      .ValueOrDie();
}

struct SafeConversionTest : ::testing::Test {
  std::shared_ptr<MemoryFileSystem> fs = NewMemoryFileSystem();
  OrderedDataset ds = OrderedDataset::Open(fs, kDir, {.ordered_on = "a"}).ValueOrDie();
  Column X() { return ds.Read().ValueOrDie().GetColumn("x").ValueOrDie(); }
};

TEST_F(SafeConversionTest, IntegersIntoFloat64WhenExact) {
  ASSERT_TRUE(ds.Write(AX<double>({0}, DataType::Float64(), {0.5})).ok());
  const int64_t big = int64_t{1} << 53;
  Status s = ds.Write(AX<int64_t>({1, 2, 3, 4}, DataType::Int64(), {-1, big, -big, 7},
                                  {true, true, true, false}));
  ASSERT_TRUE(s.ok()) << s.ToString();
  Column x = X();
  ASSERT_EQ(x.type(), DataType::Float64());
  EXPECT_EQ(x.data<double>()[1], -1.0);
  EXPECT_EQ(x.data<double>()[2], 9007199254740992.0);
  EXPECT_EQ(x.data<double>()[3], -9007199254740992.0);
  EXPECT_TRUE(x.IsNull(4));
  ASSERT_TRUE(ds.Write(AX<int64_t>({5}, DataType::Int8(), {-128})).ok());
  ASSERT_TRUE(ds.Write(AX<uint64_t>({6}, DataType::UInt32(), {4'000'000'000u})).ok());
  EXPECT_EQ(X().data<double>()[6], 4e9);
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 7);
}

TEST_F(SafeConversionTest, IntegersBeyondTwoTo53AreRefused) {
  ASSERT_TRUE(ds.Write(AX<double>({0}, DataType::Float64(), {0.5})).ok());
  const int64_t beyond = (int64_t{1} << 53) + 1;
  Status s = ds.Write(AX<int64_t>({1, 2}, DataType::Int64(), {1, beyond}));
  EXPECT_TRUE(s.IsTypeError());
  EXPECT_EQ(s.message().rfind("column 'x' is stored as float64 but given as int64: row 1 holds " +
                                  std::to_string(beyond),
                              0),
            0u)
      << s.message();
  s = ds.Write(AX<uint64_t>({1}, DataType::UInt64(), {std::numeric_limits<uint64_t>::max()}));
  EXPECT_TRUE(s.IsTypeError()) << s.ToString();
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 1);
}

TEST_F(SafeConversionTest, IntegersIntoFloat32WithinTwoTo24) {
  ASSERT_TRUE(ds.Write(AX<double>({0}, DataType::Float32(), {0.5})).ok());
  ASSERT_TRUE(ds.Write(AX<int64_t>({1}, DataType::Int32(), {1 << 24})).ok());
  EXPECT_TRUE(ds.Write(AX<int64_t>({2}, DataType::Int32(), {(1 << 24) + 1})).IsTypeError());
  // float64 into float32 narrows: refused.
  EXPECT_TRUE(ds.Write(AX<double>({2}, DataType::Float64(), {1.0})).IsTypeError());
}

TEST_F(SafeConversionTest, WiderIntegersOfTheSameSignedness) {
  ASSERT_TRUE(ds.Write(AX<int64_t>({0}, DataType::Int64(), {1})).ok());
  ASSERT_TRUE(ds.Write(AX<int64_t>({1, 2}, DataType::Int8(), {-5, 127})).ok());
  ASSERT_TRUE(ds.Write(AX<int64_t>({3}, DataType::Int32(), {-2'000'000'000})).ok());
  Column x = X();
  ASSERT_EQ(x.type(), DataType::Int64());
  EXPECT_EQ((std::vector<int64_t>{x.data<int64_t>()[0], x.data<int64_t>()[1], x.data<int64_t>()[2],
                                  x.data<int64_t>()[3]}),
            (std::vector<int64_t>{1, -5, 127, -2'000'000'000}));
  // Another signedness, floats, strings: refused, naming both types.
  Status s = ds.Write(AX<uint64_t>({4}, DataType::UInt8(), {1}));
  EXPECT_TRUE(s.IsTypeError());
  EXPECT_EQ(s.message(), "column 'x' is stored as int64 but given as uint8");
  EXPECT_TRUE(ds.Write(AX<double>({4}, DataType::Float64(), {1.0})).IsTypeError());
}

TEST_F(SafeConversionTest, NarrowerIntegersAreRefused) {
  ASSERT_TRUE(ds.Write(AX<int64_t>({0}, DataType::Int16(), {1})).ok());
  Status s = ds.Write(AX<int64_t>({1}, DataType::Int64(), {2}));
  EXPECT_TRUE(s.IsTypeError());
  EXPECT_EQ(s.message(),
            "column 'x' is stored as int16 but given as int64 (a write with schema evolution "
            "widens the stored type)");
  ASSERT_TRUE(ds.Write(AX<int64_t>({1}, DataType::Int8(), {2})).ok());
  EXPECT_EQ(X().type(), DataType::Int16());
}

TEST_F(SafeConversionTest, Float32IntoFloat64) {
  ASSERT_TRUE(ds.Write(AX<double>({0}, DataType::Float64(), {0.5})).ok());
  ASSERT_TRUE(ds.Write(AX<double>({1, 2}, DataType::Float32(), {0.1, NAN})).ok());
  Column x = X();
  EXPECT_EQ(x.data<double>()[1], static_cast<double>(0.1f));
}

TEST_F(SafeConversionTest, TimestampsInAnotherZoneTakeTheStoredZone) {
  const DataType paris = DataType::Timestamp(TimeUnit::kNano, "Europe/Paris");
  const DataType utc = DataType::Timestamp(TimeUnit::kNano, "UTC");
  ASSERT_TRUE(ds.Write(AX<int64_t>({0}, paris, {1'000})).ok());
  ASSERT_TRUE(ds.Write(AX<int64_t>({1}, utc, {2'000})).ok());
  Column x = X();
  EXPECT_EQ(x.type(), paris);
  EXPECT_EQ(x.data<int64_t>()[1], 2'000);  // the same instant
  // Naive, or another unit: refused.
  EXPECT_TRUE(ds.Write(AX<int64_t>({2}, DataType::Timestamp(TimeUnit::kNano), {3})).IsTypeError());
  EXPECT_TRUE(
      ds.Write(AX<int64_t>({2}, DataType::Timestamp(TimeUnit::kMicro, "UTC"), {3})).IsTypeError());
}

TEST_F(SafeConversionTest, TheOrderedColumnConvertsToo) {
  auto t = MakeTable({{"a", ColumnFromVector(DataType::Int32(), std::vector<int64_t>{1, 5})
                                .ValueOrDie()}})
               .ValueOrDie();
  ASSERT_TRUE(ds.Write(MakeTable({{"a", ColumnFromVector(DataType::Int64(),
                                                         std::vector<int64_t>{3})
                                            .ValueOrDie()}})
                           .ValueOrDie(),
                       {.row_group_target_size = 1})
                  .ok());
  ASSERT_TRUE(ds.Write(t, {.duplicates_on = Columns{"a"}}).ok());
  Table stats = ds.RowGroupStats().ValueOrDie();
  EXPECT_EQ(stats.GetColumn("ordered_on_mins").ValueOrDie().type(), DataType::Int64());
  Column a = ds.Read().ValueOrDie().GetColumn("a").ValueOrDie();
  EXPECT_EQ((std::vector<int64_t>{a.data<int64_t>()[0], a.data<int64_t>()[1], a.data<int64_t>()[2]}),
            (std::vector<int64_t>{1, 3, 5}));
}

}  // namespace
}  // namespace oups
