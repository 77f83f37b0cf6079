#include "oups/table/column.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "oups/table/builder.h"
#include "testing/random_table.h"

namespace oups {
namespace {

std::shared_ptr<Buffer> BufferOf(const std::vector<uint8_t>& bytes) {
  return Buffer::CopyOf(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

template <typename T>
std::shared_ptr<Buffer> BufferOfValues(const std::vector<T>& v) {
  return Buffer::CopyOf(
      std::string_view(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T)));
}

TEST(CountSetBits, MatchesNaiveCountAtAllOffsets) {
  std::mt19937_64 rng(7);
  std::vector<uint8_t> bits(300);
  for (auto& b : bits) b = static_cast<uint8_t>(rng());
  for (int64_t off = 0; off < 70; ++off) {
    for (int64_t len : {0, 1, 5, 7, 8, 9, 63, 64, 65, 127, 200, 2000 - 70}) {
      int64_t naive = 0;
      for (int64_t i = off; i < off + len; ++i) naive += GetBit(bits.data(), i);
      ASSERT_EQ(CountSetBits(bits.data(), off, len), naive) << off << " " << len;
    }
  }
}

TEST(BitHelpers, SetAndClear) {
  uint8_t b[2] = {0, 0};
  SetBit(b, 9);
  EXPECT_EQ(b[1], 2);
  SetBitTo(b, 0, true);
  EXPECT_EQ(b[0], 1);
  ClearBit(b, 0);
  SetBitTo(b, 9, false);
  EXPECT_EQ(b[0], 0);
  EXPECT_EQ(b[1], 0);
}

TEST(Column, ConstructorCountsNullsAndDropsUnneededBitmap) {
  auto values = BufferOfValues<int32_t>({1, 2, 3, 4});
  Column c(DataType::Int32(), 4, BufferOf({0b1011}), values);
  EXPECT_EQ(c.null_count(), 1);
  EXPECT_TRUE(c.IsNull(2));
  EXPECT_TRUE(c.IsValid(3));
  Column all_valid(DataType::Int32(), 4, BufferOf({0x0F}), values);
  EXPECT_EQ(all_valid.null_count(), 0);
  EXPECT_EQ(all_valid.validity(), nullptr);
  Column given_zero(DataType::Int32(), 4, BufferOf({0x0F}), values, nullptr, 0);
  EXPECT_EQ(given_zero.validity(), nullptr);
  EXPECT_TRUE(c.Validate().ok());
}

TEST(Column, SliceAtOddOffsetsKeepsValuesAndNullCounts) {
  Column c = testing::RandomColumn(DataType::Int64(), 200, 3, 0.3);
  for (int64_t start : {0, 1, 3, 7, 9, 63, 65, 101}) {
    for (int64_t len : {0, 1, 13, 64, 99}) {
      Column s = c.Slice(start, len);
      ASSERT_EQ(s.length(), len);
      int64_t nulls = 0;
      for (int64_t i = 0; i < len; ++i) {
        ASSERT_EQ(s.IsNull(i), c.IsNull(start + i));
        if (s.IsValid(i)) {
      ASSERT_EQ(s.data<int64_t>()[i], c.data<int64_t>()[start + i]);
    }
        nulls += s.IsNull(i);
      }
      EXPECT_EQ(s.null_count(), nulls);
      EXPECT_TRUE(s.Validate().ok());
      EXPECT_EQ(s.values(), c.values());  // zero copy
    }
  }
  // Slices of slices, and clamping.
  Column s = c.Slice(5, 100).Slice(3, 50);
  EXPECT_TRUE(s.Equals(c.Slice(8, 50)));
  EXPECT_EQ(c.Slice(190, 100).length(), 10);
  EXPECT_EQ(c.Slice(500, 10).length(), 0);
}

TEST(Column, SliceOfBoolAndStrings) {
  for (DataType t : {DataType::Bool(), DataType::String(), DataType::Binary()}) {
    Column c = testing::RandomColumn(t, 100, 11, 0.2);
    Column s = c.Slice(13, 37);
    for (int64_t i = 0; i < 37; ++i) {
      ASSERT_EQ(s.IsNull(i), c.IsNull(13 + i));
      if (s.IsNull(i)) continue;
      if (t.id == TypeId::kBool) {
        ASSERT_EQ(s.GetBool(i), c.GetBool(13 + i));
      } else {
        ASSERT_EQ(s.GetView(i), c.GetView(13 + i));
      }
    }
    EXPECT_TRUE(s.Validate().ok());
  }
}

TEST(Column, ValidateCatchesBadBuffers) {
  auto values = BufferOfValues<int64_t>({1, 2, 3});
  EXPECT_TRUE(Column(DataType::Int64(), 3, nullptr, values).Validate().ok());
  Status st = Column(DataType::Int64(), 4, nullptr, values).Validate();
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_NE(st.message().find("values buffer"), std::string::npos) << st.ToString();
  EXPECT_FALSE(Column(DataType::Int64(), 3, nullptr, values, nullptr, 0, 1).Validate().ok());
  EXPECT_FALSE(Column(DataType::Int64(), 2, nullptr, nullptr).Validate().ok());
  // Validity bitmap too small.
  EXPECT_FALSE(
      Column(DataType::Int64(), 3, BufferOf({}), values).Validate().ok());
  // null_count that disagrees with the bitmap.
  EXPECT_FALSE(
      Column(DataType::Int64(), 3, BufferOf({0b011}), values, nullptr, 2).Validate().ok());
  // Strings: offsets.
  auto bytes = Buffer::CopyOf("abcdef");
  EXPECT_TRUE(Column(DataType::String(), 2, nullptr, bytes, BufferOfValues<int64_t>({0, 2, 6}))
                  .Validate()
                  .ok());
  EXPECT_FALSE(Column(DataType::String(), 2, nullptr, bytes, BufferOfValues<int64_t>({0, 2}))
                   .Validate()
                   .ok());
  EXPECT_FALSE(Column(DataType::String(), 2, nullptr, bytes, BufferOfValues<int64_t>({0, 4, 2}))
                   .Validate()
                   .ok());
  EXPECT_FALSE(Column(DataType::String(), 2, nullptr, bytes, BufferOfValues<int64_t>({0, 2, 7}))
                   .Validate()
                   .ok());
  EXPECT_FALSE(Column(DataType::String(), 2, nullptr, bytes).Validate().ok());
  // Bool bitmap too small.
  EXPECT_FALSE(Column(DataType::Bool(), 9, nullptr, BufferOf({0xFF})).Validate().ok());
  EXPECT_TRUE(Column(DataType::Bool(), 8, nullptr, BufferOf({0xFF})).Validate().ok());
  // Empty default column.
  EXPECT_TRUE(Column().Validate().ok());
}

TEST(Column, EqualsComparesValuesNotBuffers) {
  auto a = ColumnFromVector<double>(DataType::Float64(), {1.0, NAN, 3.0, 4.0},
                                    {true, true, false, true});
  // Same valid values, a different value under the null.
  auto b = ColumnFromVector<double>(DataType::Float64(), {1.0, NAN, 99.0, 4.0},
                                    {true, true, false, true});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->Equals(*b));
  auto c = ColumnFromVector<double>(DataType::Float64(), {1.0, NAN, 3.0, 4.5},
                                    {true, true, false, true});
  EXPECT_FALSE(a->Equals(*c));
  auto d = ColumnFromVector<double>(DataType::Float64(), {1.0, NAN, 3.0, 4.0});
  EXPECT_FALSE(a->Equals(*d));  // null vs value
  auto e = ColumnFromVector<float>(DataType::Float32(), {1.0f, NAN, 3.0f, 4.0f},
                                   {true, true, false, true});
  EXPECT_FALSE(a->Equals(*e));  // type
  EXPECT_TRUE(a->Equals(a->Slice(0, 4)));
  EXPECT_FALSE(a->Equals(a->Slice(0, 3)));
}

TEST(Column, EqualsEveryTypeAgainstSlicedCopy) {
  Schema schema = testing::AllTypesSchema();
  Table t = testing::RandomTable(schema, 150, 5, 0.25);
  Table u = testing::RandomTable(schema, 150, 6, 0.25);
  for (int c = 0; c < t.num_columns(); ++c) {
    const Column& col = t.column(c);
    EXPECT_TRUE(col.Equals(col)) << schema.field(c).name;
    EXPECT_TRUE(col.Slice(17, 101).Equals(col.Slice(17, 101))) << schema.field(c).name;
    EXPECT_FALSE(col.Equals(u.column(c))) << schema.field(c).name;
  }
}

TEST(Schema, IndexOfAndToString) {
  Schema s({{"ts", DataType::Timestamp(TimeUnit::kNano), false},
            {"price", DataType::Float64()}});
  EXPECT_EQ(s.IndexOf("ts"), 0);
  EXPECT_EQ(s.IndexOf("price"), 1);
  EXPECT_EQ(s.IndexOf("qty"), -1);
  EXPECT_EQ(s.ToString(), "ts: timestamp[ns] not null, price: float64");
  EXPECT_EQ(Schema().ToString(), "");
}

Column Ints(std::vector<int64_t> v, std::vector<bool> valid = {}) {
  return *ColumnFromVector(DataType::Int64(), v, valid);
}

TEST(Table, MakeValidates) {
  Column a = Ints({1, 2, 3});
  Column b = Ints({4, 5});
  Column n = Ints({1, 2, 3}, {true, false, true});
  Column s = *ColumnFromVector<std::string>(DataType::String(), {"x", "y", "z"});

  auto ok = Table::Make(Schema({{"a", DataType::Int64()}, {"s", DataType::String()}}), {a, s});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->num_rows(), 3);
  EXPECT_EQ(ok->num_columns(), 2);

  auto r = Table::Make(Schema({{"a", DataType::Int64()}, {"b", DataType::Int64()}}), {a, b});
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("'b'"), std::string::npos) << r.status().ToString();

  r = Table::Make(Schema({{"a", DataType::Int64()}, {"s", DataType::Int64()}}), {a, s});
  EXPECT_TRUE(r.status().IsTypeError());
  EXPECT_NE(r.status().message().find("column 's'"), std::string::npos);

  r = Table::Make(Schema({{"n", DataType::Int64(), false}}), {n});
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("'n'"), std::string::npos);

  r = Table::Make(Schema({{"a", DataType::Int64()}, {"a", DataType::Int64()}}), {a, a});
  EXPECT_TRUE(r.status().IsInvalidArgument());

  r = Table::Make(Schema({{"a", DataType::Int64()}}), {a, a});
  EXPECT_TRUE(r.status().IsInvalidArgument());

  Column bad(DataType::Int64(), 3, nullptr, Buffer::CopyOf("1234"));
  r = Table::Make(Schema({{"bad", DataType::Int64()}}), {bad});
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_NE(r.status().message().find("column 'bad'"), std::string::npos);

  auto empty = Table::Make(Schema(), {});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->num_rows(), 0);
}

TEST(Table, GetColumnSelectSliceEquals) {
  auto t = MakeTable({{"a", Ints({1, 2, 3, 4})}, {"b", Ints({5, 6, 7, 8}, {true, false, true, true})}});
  ASSERT_TRUE(t.ok());
  auto b = t->GetColumn("b");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->IsNull(1));
  auto missing = t->GetColumn("x");
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_EQ(missing.status().message(), "column 'x' not found; available: a, b");

  auto sel = t->SelectColumns({"b", "a"});
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(sel->schema().field(0).name, "b");
  EXPECT_EQ(sel->num_rows(), 4);
  auto bad = t->SelectColumns({"a", "x"});
  EXPECT_TRUE(bad.status().IsNotFound());
  EXPECT_EQ(bad.status().message(), "column 'x' not found; available: a, b");
  EXPECT_FALSE(t->SelectColumns({"a", "a"}).ok());

  Table s = t->Slice(1, 2);
  EXPECT_EQ(s.num_rows(), 2);
  auto expect = MakeTable({{"a", Ints({2, 3})}, {"b", Ints({6, 7}, {false, true})}});
  EXPECT_TRUE(s.Equals(*expect));
  EXPECT_FALSE(s.Equals(*t));
  EXPECT_TRUE(t->Equals(*t));
  EXPECT_EQ(t->Slice(3, 10).num_rows(), 1);
}

}  // namespace
}  // namespace oups
