#include "oups/table/builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace oups {
namespace {

TEST(ColumnBuilder, AppendsEveryKindAndNulls) {
  ColumnBuilder b(DataType::Int32());
  ASSERT_TRUE(b.Append(1).ok());
  ASSERT_TRUE(b.AppendNull().ok());
  ASSERT_TRUE(b.Append(int64_t{-3}).ok());
  ASSERT_TRUE(b.Append(uint64_t{4}).ok());
  EXPECT_EQ(b.length(), 4);
  EXPECT_EQ(b.null_count(), 1);
  auto c = b.Finish();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->length(), 4);
  EXPECT_EQ(c->null_count(), 1);
  EXPECT_TRUE(c->IsNull(1));
  EXPECT_EQ(c->data<int32_t>()[0], 1);
  EXPECT_EQ(c->data<int32_t>()[2], -3);
  EXPECT_EQ(c->data<int32_t>()[3], 4);
  EXPECT_TRUE(c->Validate().ok());
  // The builder is reset and reusable.
  EXPECT_EQ(b.length(), 0);
  ASSERT_TRUE(b.Append(7).ok());
  auto d = b.Finish();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->length(), 1);
  EXPECT_EQ(d->validity(), nullptr);
}

TEST(ColumnBuilder, StringsBoolsFloatsDecimals) {
  ColumnBuilder s(DataType::String());
  ASSERT_TRUE(s.Append("abc").ok());  // const char*: not taken as a bool
  ASSERT_TRUE(s.AppendNull().ok());
  ASSERT_TRUE(s.Append(std::string("h\xC3\xA9llo")).ok());
  ASSERT_TRUE(s.Append(std::string_view("")).ok());
  auto sc = s.Finish();
  ASSERT_TRUE(sc.ok());
  EXPECT_EQ(sc->GetView(0), "abc");
  EXPECT_TRUE(sc->IsNull(1));
  EXPECT_EQ(sc->GetView(1), "");
  EXPECT_EQ(sc->GetView(2), "h\xC3\xA9llo");
  EXPECT_EQ(sc->GetView(3), "");
  EXPECT_TRUE(sc->Validate().ok());

  ColumnBuilder bin(DataType::Binary());
  ASSERT_TRUE(bin.Append(std::string_view("\0\xFF\0", 3)).ok());
  auto bc = bin.Finish();
  ASSERT_TRUE(bc.ok());
  EXPECT_EQ(bc->GetView(0), std::string_view("\0\xFF\0", 3));

  ColumnBuilder bo(DataType::Bool());
  for (int i = 0; i < 20; ++i) {
    if (i % 7 == 3) {
      ASSERT_TRUE(bo.AppendNull().ok());
    } else {
      ASSERT_TRUE(bo.Append(i % 3 == 0).ok());
    }
  }
  auto boc = bo.Finish();
  ASSERT_TRUE(boc.ok());
  EXPECT_EQ(boc->null_count(), 3);
  for (int i = 0; i < 20; ++i) {
    if (i % 7 == 3) {
      EXPECT_TRUE(boc->IsNull(i));
    } else {
      EXPECT_EQ(boc->GetBool(i), i % 3 == 0) << i;
    }
  }

  ColumnBuilder f(DataType::Float32());
  ASSERT_TRUE(f.Append(1.5).ok());
  ASSERT_TRUE(f.Append(2.5f).ok());
  ASSERT_TRUE(f.Append(std::numeric_limits<double>::infinity()).ok());
  ASSERT_TRUE(f.Append(std::nan("")).ok());
  EXPECT_EQ(f.Append(1e300).code(), StatusCode::kOutOfRange);
  auto fc = f.Finish();
  ASSERT_TRUE(fc.ok());
  EXPECT_EQ(fc->length(), 4);
  EXPECT_EQ(fc->data<float>()[1], 2.5f);
  EXPECT_TRUE(std::isnan(fc->data<float>()[3]));

  ColumnBuilder dec(DataType::Decimal(5, 2));
  ASSERT_TRUE(dec.Append(-12345).ok());
  EXPECT_EQ(dec.Append(100000).code(), StatusCode::kOutOfRange);
  ASSERT_TRUE(dec.AppendDecimal(7, 0).ok());
  auto dc = dec.Finish();
  ASSERT_TRUE(dc.ok());
  int64_t lo, hi;
  std::memcpy(&lo, dc->values()->data(), 8);
  std::memcpy(&hi, dc->values()->data() + 8, 8);
  EXPECT_EQ(lo, -12345);
  EXPECT_EQ(hi, -1);
  std::memcpy(&lo, dc->values()->data() + 16, 8);
  EXPECT_EQ(lo, 7);
}

TEST(ColumnBuilder, WrongKindIsTypeError) {
  ColumnBuilder i(DataType::Int64());
  EXPECT_TRUE(i.Append(1.0).IsTypeError());
  EXPECT_TRUE(i.Append(true).IsTypeError());
  EXPECT_TRUE(i.Append("x").IsTypeError());
  EXPECT_TRUE(i.AppendDecimal(1, 0).IsTypeError());
  EXPECT_EQ(i.length(), 0);
  ColumnBuilder s(DataType::String());
  EXPECT_TRUE(s.Append(1).IsTypeError());
  EXPECT_TRUE(s.Append(uint64_t{1}).IsTypeError());
  EXPECT_TRUE(s.Append(false).IsTypeError());
  ColumnBuilder f(DataType::Float64());
  EXPECT_TRUE(f.Append(1).IsTypeError());
  ColumnBuilder b(DataType::Bool());
  EXPECT_TRUE(b.Append(1).IsTypeError());
  Status st = s.Append(1.0);
  EXPECT_EQ(st.message(), "cannot append a floating-point value to a string column");
}

TEST(ColumnBuilder, IntegerRanges) {
  struct Case {
    DataType type;
    int64_t lo, hi;
  };
  const std::vector<Case> cases = {
      {DataType::Int8(), -128, 127},
      {DataType::Int16(), -32768, 32767},
      {DataType::Int32(), std::numeric_limits<int32_t>::min(),
       std::numeric_limits<int32_t>::max()},
      {DataType::UInt8(), 0, 255},
      {DataType::UInt16(), 0, 65535},
      {DataType::UInt32(), 0, std::numeric_limits<uint32_t>::max()},
      {DataType::Date32(), std::numeric_limits<int32_t>::min(),
       std::numeric_limits<int32_t>::max()},
  };
  for (const Case& c : cases) {
    ColumnBuilder b(c.type);
    EXPECT_TRUE(b.Append(c.lo).ok()) << c.type.ToString();
    EXPECT_TRUE(b.Append(c.hi).ok()) << c.type.ToString();
    EXPECT_EQ(b.Append(c.lo - 1).code(), StatusCode::kOutOfRange) << c.type.ToString();
    EXPECT_EQ(b.Append(c.hi + 1).code(), StatusCode::kOutOfRange) << c.type.ToString();
    EXPECT_EQ(b.length(), 2);
  }
  ColumnBuilder u64(DataType::UInt64());
  EXPECT_TRUE(u64.Append(std::numeric_limits<uint64_t>::max()).ok());
  EXPECT_EQ(u64.Append(int64_t{-1}).code(), StatusCode::kOutOfRange);
  ColumnBuilder i64(DataType::Int64());
  EXPECT_TRUE(i64.Append(std::numeric_limits<int64_t>::min()).ok());
  EXPECT_EQ(i64.Append(uint64_t{1} << 63).code(), StatusCode::kOutOfRange);
  ColumnBuilder ts(DataType::Timestamp(TimeUnit::kNano, "UTC"));
  EXPECT_TRUE(ts.Append(int64_t{1700000000000000000}).ok());
  EXPECT_EQ(ts.Append(uint64_t{1} << 63).code(), StatusCode::kOutOfRange);
}

TEST(ColumnBuilder, RejectsInvalidUtf8ForStringsOnly) {
  ColumnBuilder s(DataType::String());
  for (std::string_view bad : {std::string_view("\xFF"), std::string_view("a\xC3"),
                               std::string_view("\xC0\xAF"),          // overlong
                               std::string_view("\xED\xA0\x80"),      // surrogate
                               std::string_view("\xF4\x90\x80\x80"),  // > U+10FFFF
                               std::string_view("abcdefgh\x80")}) {
    EXPECT_TRUE(s.Append(bad).IsInvalidArgument()) << bad;
  }
  EXPECT_TRUE(s.Append("\xF0\x9F\x98\x80 \xE2\x82\xAC \xC3\xA9").ok());
  EXPECT_EQ(s.length(), 1);
  ColumnBuilder b(DataType::Binary());
  EXPECT_TRUE(b.Append(std::string_view("\xFF")).ok());
}

TEST(ColumnBuilder, AppendValuesBulk) {
  const int64_t vals[] = {10, 20, 30, 40, 50};
  const uint8_t valid[] = {1, 0, 1, 1, 0};
  ColumnBuilder b(DataType::Timestamp(TimeUnit::kMicro));
  ASSERT_TRUE(b.Append(int64_t{1}).ok());
  ASSERT_TRUE(b.AppendValues(vals, 5, valid).ok());
  ASSERT_TRUE(b.AppendValues(vals, 2).ok());
  auto c = b.Finish();
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->length(), 8);
  EXPECT_EQ(c->null_count(), 2);
  EXPECT_TRUE(c->IsValid(0));
  EXPECT_TRUE(c->IsNull(2));
  EXPECT_TRUE(c->IsNull(5));
  EXPECT_EQ(c->data<int64_t>()[4], 40);
  EXPECT_EQ(c->data<int64_t>()[7], 20);

  ColumnBuilder wrong(DataType::Int32());
  EXPECT_TRUE(wrong.AppendValues(vals, 5).IsTypeError());
  const int32_t days[] = {1, 2};
  ColumnBuilder d(DataType::Date32());
  EXPECT_TRUE(d.AppendValues(days, 2).ok());

  const std::string_view strs[] = {"a", "bc", "", "def"};
  const uint8_t svalid[] = {1, 1, 0, 1};
  ColumnBuilder s(DataType::String());
  ASSERT_TRUE(s.AppendValues(strs, 4, svalid).ok());
  auto sc = s.Finish();
  ASSERT_TRUE(sc.ok());
  EXPECT_EQ(sc->GetView(1), "bc");
  EXPECT_TRUE(sc->IsNull(2));
  EXPECT_EQ(sc->GetView(3), "def");
  EXPECT_TRUE(sc->Validate().ok());

  const bool bools[] = {true, false, true, true, false, false, true, true, true};
  ColumnBuilder bo(DataType::Bool());
  ASSERT_TRUE(bo.Append(false).ok());
  ASSERT_TRUE(bo.AppendValues(bools, 9).ok());
  auto boc = bo.Finish();
  ASSERT_TRUE(boc.ok());
  for (int i = 0; i < 9; ++i) EXPECT_EQ(boc->GetBool(i + 1), bools[i]);

  const double dbl[] = {1.0, NAN};
  ColumnBuilder f(DataType::Float64());
  ASSERT_TRUE(f.AppendValues(dbl, 2).ok());
  const float flt[] = {1.0f};
  EXPECT_TRUE(f.AppendValues(flt, 1).IsTypeError());
}

TEST(ColumnBuilder, ManyValuesAndLateFirstNull) {
  ColumnBuilder b(DataType::UInt16());
  ASSERT_TRUE(b.Reserve(1000).ok());
  for (int i = 0; i < 1000; ++i) {
    if (i == 777) {
      ASSERT_TRUE(b.AppendNull().ok());
    } else {
      ASSERT_TRUE(b.Append(i).ok());
    }
  }
  auto c = b.Finish();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->null_count(), 1);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(c->IsNull(i), i == 777) << i;
    if (i != 777) {
      ASSERT_EQ(c->data<uint16_t>()[i], i);
    }
  }
  EXPECT_TRUE(c->Validate().ok());
}

TEST(ColumnFromVector, BuildsAndChecks) {
  auto c = ColumnFromVector<int>(DataType::Int8(), {1, 2, 3}, {true, false, true});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->null_count(), 1);
  EXPECT_EQ(ColumnFromVector<int>(DataType::Int8(), {1000}).status().code(),
            StatusCode::kOutOfRange);
  EXPECT_TRUE(ColumnFromVector<int>(DataType::Int8(), {1, 2}, {true}).status().IsInvalidArgument());
  auto s = ColumnFromVector<std::string>(DataType::String(), {"x", "y"});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->GetView(1), "y");
  auto b = ColumnFromVector<bool>(DataType::Bool(), {true, false});
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->GetBool(0));
  auto e = ColumnFromVector<int64_t>(DataType::Int64(), {});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->length(), 0);
  EXPECT_TRUE(e->Validate().ok());
  auto es = ColumnFromVector<std::string>(DataType::String(), {});
  ASSERT_TRUE(es.ok());
  EXPECT_TRUE(es->Validate().ok());
}

TEST(MakeTable, FromFieldsOrNames) {
  auto a = *ColumnFromVector<int64_t>(DataType::Int64(), {1, 2});
  auto s = *ColumnFromVector<std::string>(DataType::String(), {"x", "y"});
  auto t = MakeTable({{"a", a}, {"s", s}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->schema().ToString(), "a: int64, s: string");
  auto u = MakeTable(std::vector<std::pair<Field, Column>>{
      {Field{"a", DataType::Int64(), false}, a}, {Field{"s", DataType::String(), true}, s}});
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->schema().ToString(), "a: int64 not null, s: string");
  auto bad = MakeTable(std::vector<std::pair<Field, Column>>{
      {Field{"a", DataType::Int32(), true}, a}});
  EXPECT_TRUE(bad.status().IsTypeError());
}

}  // namespace
}  // namespace oups
