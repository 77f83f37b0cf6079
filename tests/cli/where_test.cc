// `--where` expressions (src/cli/where.cc): columns, operators, lists,
// quotes, nulls and the errors naming the expression.
#include "cli/where.h"

#include "cli_test_util.h"

#include <gtest/gtest.h>

namespace oups::cli {
namespace {

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
  EXPECT_EQ(t.values[0].f64(), 100.5);
  EXPECT_EQ(Parse("  n = 3 ").op, FilterOp::kEq);
  EXPECT_EQ(Parse("n != -3").values[0].i64(), -3);
  EXPECT_EQ(Parse("n < 2.5").values[0].f64(), 2.5);  // a fraction for an integer column
  EXPECT_EQ(Parse("sym == 'A B'").values[0].bytes(), "A B");
  EXPECT_EQ(Parse("sym == \"null\"").values[0].bytes(), "null");
  EXPECT_FALSE(Parse("sym == null").values[0].is_valid());
  EXPECT_EQ(Parse("`my col` > 1").column, "my col");
  EXPECT_EQ(Parse("\"my col\" <= 1").op, FilterOp::kLe);
  FilterTerm ts = Parse("ts < '1970-01-02 00:00:00Z'");
  EXPECT_EQ(ts.values[0].i64(), 86'400'000'000'000);
}

TEST(Where, Lists) {
  FilterTerm t = Parse("sym in [AAA, 'B,B', null]");
  EXPECT_EQ(t.op, FilterOp::kIn);
  ASSERT_EQ(t.values.size(), 3u);
  EXPECT_EQ(t.values[0].bytes(), "AAA");
  EXPECT_EQ(t.values[1].bytes(), "B,B");
  EXPECT_FALSE(t.values[2].is_valid());
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
