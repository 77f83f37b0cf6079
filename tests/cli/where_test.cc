// `--where` expressions (src/cli/where.cc): columns, operators, lists,
// quotes, nulls and the errors naming the expression.
#include "cli/where.h"

#include "cli_test_util.h"

#include <gtest/gtest.h>

namespace oups::cli {
namespace {

using cli_test::Bytes;
using cli_test::F64;
using cli_test::I64;
using cli_test::TypeOf;
using cli_test::U64;
using cli_test::Valid;

const Schema kSchema({{"px", DataType::Float64()},
                      {"n", DataType::Int32()},
                      {"sym", DataType::String()},
                      {"my col", DataType::Int64()},
                      {"ts", DataType::Timestamp(TimeUnit::kNano, "UTC")}});

FilterTerm Parse(const std::string& text) {
  auto t = ParseWhere(text, kSchema);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().ToString();
  return t.ok() ? *t : FilterTerm{};
}

TEST(Where, Comparisons) {
  FilterTerm t = Parse("px>=100.5");
  EXPECT_EQ(t.column, "px");
  EXPECT_EQ(t.op, FilterOp::kGe);
  ASSERT_EQ(t.values.size(), 1u);
  EXPECT_EQ(F64(t.values[0]), 100.5);
  EXPECT_EQ(Parse("  n = 3 ").op, FilterOp::kEq);
  EXPECT_EQ(I64(Parse("n != -3").values[0]), -3);
  EXPECT_EQ(F64(Parse("n < 2.5").values[0]), 2.5);  // a fraction for an integer column
  EXPECT_EQ(Bytes(Parse("sym == 'A B'").values[0]), "A B");
  EXPECT_EQ(Bytes(Parse("sym == \"null\"").values[0]), "null");
  EXPECT_FALSE(Valid(Parse("sym == null").values[0]));
  EXPECT_EQ(Parse("`my col` > 1").column, "my col");
  EXPECT_EQ(Parse("\"my col\" <= 1").op, FilterOp::kLe);
  FilterTerm ts = Parse("ts < '1970-01-02 00:00:00Z'");
  EXPECT_EQ(I64(ts.values[0]), 86'400'000'000'000);
}

TEST(Where, Lists) {
  FilterTerm t = Parse("sym in [AAA, 'B,B', null]");
  EXPECT_EQ(t.op, FilterOp::kIn);
  ASSERT_EQ(t.values.size(), 3u);
  EXPECT_EQ(Bytes(t.values[0]), "AAA");
  EXPECT_EQ(Bytes(t.values[1]), "B,B");
  EXPECT_FALSE(Valid(t.values[2]));
  FilterTerm u = Parse("n NOT IN (1,2)");
  EXPECT_EQ(u.op, FilterOp::kNotIn);
  EXPECT_EQ(u.values.size(), 2u);
  EXPECT_EQ(Parse("n in[]").values.size(), 0u);
}

TEST(Where, Errors) {
  auto unknown = ParseWhere("z == 1", kSchema);
  EXPECT_TRUE(unknown.status().IsNotFound());
  for (const char* bad : {"", "n", "n ~ 1", "n ==", "n in 1", "n not 1", "sym == 'x",
                          "sym in ['a, b]", "n == x"}) {
    auto r = ParseWhere(bad, kSchema);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << bad << ": " << r.status().ToString();
    EXPECT_NE(r.status().message().find(std::string("--where '") + bad + "'"), std::string::npos)
        << r.status().ToString();
  }
}

}  // namespace
}  // namespace oups::cli
