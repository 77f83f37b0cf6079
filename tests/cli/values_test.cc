// Tests of text -> value conversion (src/cli/values.h).
#include "cli/values.h"

#include "cli_test_util.h"

#include <gtest/gtest.h>

#include <cmath>

#include "oups/common/civil_time.h"

namespace oups::cli {
namespace {

using civil::DaysFromCivil;

TEST(ParseTypeSpec, AcceptedForms) {
  EXPECT_EQ(*ParseTypeSpec("int64"), DataType::Int64());
  EXPECT_EQ(*ParseTypeSpec("int32"), DataType::Int32());
  EXPECT_EQ(*ParseTypeSpec("Float64"), DataType::Float64());
  EXPECT_EQ(*ParseTypeSpec("bool"), DataType::Bool());
  EXPECT_EQ(*ParseTypeSpec("string"), DataType::String());
  EXPECT_EQ(*ParseTypeSpec("date"), DataType::Date32());
  EXPECT_EQ(*ParseTypeSpec("timestamp[ms]"), DataType::Timestamp(TimeUnit::kMilli));
  EXPECT_EQ(*ParseTypeSpec("timestamp[ns,UTC]"),
            DataType::Timestamp(TimeUnit::kNano, "UTC"));
  EXPECT_EQ(*ParseTypeSpec("timestamp[us, tz=Europe/Paris]"),
            DataType::Timestamp(TimeUnit::kMicro, "Europe/Paris"));
  EXPECT_EQ(*ParseTypeSpec("duration[s]"), DataType::Duration(TimeUnit::kSecond));
}

TEST(ParseTypeSpec, RefusedForms) {
  for (const char* bad : {"int", "timestamp", "timestamp[]", "timestamp[h]",
                          "duration[s,UTC]", "timestamp[ns,]", "uint64x"}) {
    auto t = ParseTypeSpec(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(t.status().message().find(bad), std::string::npos) << t.status().message();
  }
  auto zone = ParseTypeSpec("timestamp[ns,Mars/Olympus]");
  ASSERT_FALSE(zone.ok());
  EXPECT_NE(zone.status().message().find("Mars/Olympus"), std::string::npos);
}

TEST(ParseIsoDateTime, Forms) {
  auto d = ParseIsoDateTime("2024-02-29");
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->has_time);
  EXPECT_EQ(d->local_seconds, 19782 * 86400);
  auto t = ParseIsoDateTime("1970-01-02T03:04:05.5");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->has_time);
  EXPECT_EQ(t->local_seconds, 86400 + 3 * 3600 + 4 * 60 + 5);
  EXPECT_EQ(t->nanos, 500'000'000);
  EXPECT_FALSE(t->offset_seconds);
  auto space = ParseIsoDateTime("1970-01-01 00:00:00.000000001Z");
  ASSERT_TRUE(space);
  EXPECT_EQ(space->nanos, 1);
  EXPECT_EQ(space->offset_seconds, 0);
  auto off = ParseIsoDateTime("1970-01-01T01:00:00+01:30");
  ASSERT_TRUE(off);
  EXPECT_EQ(off->offset_seconds, 5400);
  auto neg = ParseIsoDateTime("1970-01-01T01:00-0200");
  ASSERT_TRUE(neg);
  EXPECT_EQ(neg->offset_seconds, -7200);
  EXPECT_EQ(neg->local_seconds, 3600);
  for (const char* bad :
       {"2023-02-29", "2024-13-01", "2024-01-01T24:00:00", "2024-1-01", "2024-01-01T10",
        "2024-01-01T10:00:00.", "2024-01-01T10:00:00.1234567891", "2024-01-01X10:00:00",
        "2024-01-01T10:00:00+", "2024-01-01 ", "20240101", "x"}) {
    EXPECT_FALSE(ParseIsoDateTime(bad)) << bad;
  }
  EXPECT_EQ(ParseIsoDate("1970-01-11"), 10);
  EXPECT_FALSE(ParseIsoDate("1970-01-11T00:00"));
}

Result<Column> Convert(const DataType& type, std::vector<std::string> texts) {
  ColumnBuilder b(type);
  for (const auto& t : texts) OUPS_RETURN_NOT_OK(AppendText(b, t));
  return b.Finish();
}

TEST(AppendText, TimestampsInUnitsAndZones) {
  auto naive =
      Convert(DataType::Timestamp(TimeUnit::kNano), {"1970-01-01T00:00:01.000000002"});
  ASSERT_TRUE(naive.ok());
  EXPECT_EQ(naive->data<int64_t>()[0], 1'000'000'002);
  auto utc = Convert(DataType::Timestamp(TimeUnit::kSecond, "UTC"),
                     {"1970-01-01T02:00:00+02:00", "1970-01-01 00:01:00"});
  ASSERT_TRUE(utc.ok()) << utc.status().ToString();
  EXPECT_EQ(utc->data<int64_t>()[0], 0);
  EXPECT_EQ(utc->data<int64_t>()[1], 60);
  // Wall-clock text in a zone: Paris is UTC+2 in July 2024.
  auto paris = Convert(DataType::Timestamp(TimeUnit::kSecond, "Europe/Paris"),
                       {"2024-07-01 12:00:00"});
  ASSERT_TRUE(paris.ok()) << paris.status().ToString();
  EXPECT_EQ(paris->data<int64_t>()[0], (DaysFromCivil(2024, 7, 1) * 86400) + 10 * 3600);

  auto gap = Convert(DataType::Timestamp(TimeUnit::kSecond, "Europe/Paris"),
                     {"2024-03-31 02:30:00"});
  ASSERT_FALSE(gap.ok());
  EXPECT_NE(gap.status().message().find("does not exist in Europe/Paris"),
            std::string::npos);
  auto twice = Convert(DataType::Timestamp(TimeUnit::kSecond, "Europe/Paris"),
                       {"2024-10-27 02:30:00"});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("ambiguous"), std::string::npos);
  auto precise =
      Convert(DataType::Timestamp(TimeUnit::kMilli), {"1970-01-01T00:00:00.0001"});
  ASSERT_FALSE(precise.ok());
  EXPECT_EQ(
      precise.status().message(),
      "expected timestamp[ms], found '1970-01-01T00:00:00.0001': more precision than the "
      "unit");
  auto offset_in_naive =
      Convert(DataType::Timestamp(TimeUnit::kNano), {"2024-01-01T00:00Z"});
  ASSERT_FALSE(offset_in_naive.ok());
  EXPECT_NE(offset_in_naive.status().message().find("needs a column with a time zone"),
            std::string::npos);
}

TEST(AppendText, NumbersBoolsDatesStrings) {
  auto i32 = Convert(DataType::Int32(), {"-5", "2147483647"});
  ASSERT_TRUE(i32.ok());
  EXPECT_EQ(i32->data<int32_t>()[1], 2147483647);
  auto big = Convert(DataType::Int32(), {"2147483648"});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().message(), "expected int32, found '2147483648': out of range");
  auto f = Convert(DataType::Float64(), {"1.5", "-2e3", "NaN", "-inf"});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->data<double>()[1], -2000.0);
  EXPECT_TRUE(std::isnan(f->data<double>()[2]));
  EXPECT_TRUE(std::isinf(f->data<double>()[3]));
  for (const char* bad : {"0x10", "1,5", " 1", "nan(1)", "1e999"}) {
    EXPECT_FALSE(Convert(DataType::Float64(), {bad}).ok()) << bad;
  }
  auto b = Convert(DataType::Bool(), {"true", "FALSE", "1", "0"});
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->GetBool(0));
  EXPECT_FALSE(b->GetBool(1));
  EXPECT_TRUE(b->GetBool(2));
  EXPECT_FALSE(Convert(DataType::Bool(), {"maybe"}).ok());
  auto d = Convert(DataType::Date32(), {"1970-01-03"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->data<int32_t>()[0], 2);
  auto s = Convert(DataType::String(), {"héllo", ""});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->GetView(0), "héllo");
  EXPECT_FALSE(Convert(DataType::String(), {"\xff"}).ok());
  auto dur = Convert(DataType::Duration(TimeUnit::kMilli), {"1500"});
  ASSERT_TRUE(dur.ok());
  EXPECT_EQ(dur->data<int64_t>()[0], 1500);
}

TEST(ParseScalar, InTheColumnType) {
  auto ts = ParseScalar("2024-01-01", DataType::Timestamp(TimeUnit::kMicro));
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(ts->type(), DataType::Timestamp(TimeUnit::kMicro));
  EXPECT_EQ(ts->i64(), DaysFromCivil(2024, 1, 1) * 86400 * 1'000'000);
  auto i = ParseScalar("-3", DataType::Int64());
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(i->i64(), -3);
  auto s = ParseScalar("abc", DataType::String());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->bytes(), "abc");
  auto bad = ParseScalar("abc", DataType::Int64());
  ASSERT_FALSE(bad.ok());
  // GitHub issue 11, point 12: the expected form goes with the type.
  EXPECT_EQ(bad.status().message(), "expected int64 (an integer), found 'abc'");
  auto big = ParseScalar("99999999999999999999", DataType::Int64());
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().message(),
            "expected int64, found '99999999999999999999': out of range");
  auto u = ParseScalar("18446744073709551615", DataType::UInt64());
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->u64(), 18446744073709551615ull);
  auto neg = ParseScalar("-1", DataType::UInt64());
  ASSERT_FALSE(neg.ok());
  EXPECT_EQ(neg.status().message(), "expected uint64, found '-1': out of range");
  auto word = ParseScalar("x", DataType::UInt64());
  ASSERT_FALSE(word.ok());
  EXPECT_EQ(word.status().message(), "expected uint64 (an unsigned integer), found 'x'");
  auto type = ParseTypeSpec("uint64");
  ASSERT_TRUE(type.ok());
  EXPECT_EQ(*type, DataType::UInt64());
}

}  // namespace
}  // namespace oups::cli
