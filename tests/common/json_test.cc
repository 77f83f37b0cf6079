#include "oups/common/json.h"

#include <gtest/gtest.h>

#include <string>

namespace oups::json {
namespace {

TEST(Json, RoundTripsCompact) {
  const std::string text =
      R"({"format_version":1,"ordered_on":["ts",""],"kv":{"a":"b","":""},"n":null,)"
      R"("t":true,"f":false,"x":-12.5e3,"big":18446744073709551615,"e":[],"o":{}})";
  auto v = Parse(text);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(Serialize(*v), text);
  EXPECT_EQ(v->Find("format_version")->AsInt64().ValueOrDie(), 1);
  EXPECT_EQ(v->Find("big")->AsUInt64().ValueOrDie(), 18446744073709551615ull);
  EXPECT_FALSE(v->Find("big")->AsInt64().ok());
  EXPECT_FALSE(v->Find("x")->AsInt64().ok());
  EXPECT_DOUBLE_EQ(v->Find("x")->AsDouble().ValueOrDie(), -12500.0);
  EXPECT_EQ(v->Find("missing"), nullptr);
  EXPECT_EQ(v->Find("ordered_on")->items()[1].string_value(), "");
}

TEST(Json, WhitespaceAccepted) {
  auto v = Parse(" \n\t{ \"a\" : [ 1 , 2 ] }\r\n ");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Serialize(*v), R"({"a":[1,2]})");
}

TEST(Json, StringEscapes) {
  auto v = Parse(R"("a\"b\\c\/d\b\f\n\r\t\u0001\u00e9\ud83d\ude00")");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->string_value(), "a\"b\\c/d\b\f\n\r\t\x01\xc3\xa9\xf0\x9f\x98\x80");
  // Writer escapes only '"', '\\' and control characters.
  EXPECT_EQ(Serialize(*v), "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\\u0001\xc3\xa9\xf0\x9f\x98\x80\"");
  EXPECT_EQ(Parse(Serialize(*v)).ValueOrDie(), *v);
}

TEST(Json, RefusesMalformedInput) {
  for (const char* bad : {
           "", " ", "{", "}", "[1,]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01",
           "-", "1.", ".5", "1e", "+1", "NaN", "Infinity", "tru", "nul", "\"abc",
           "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
           "\"a\nb\"", "\"\xff\"", "\"\xc0\x80\"", "\"\xed\xa0\x80\"", "\"\xe2\x82\"",
           "1 2", "{\"a\":1,\"a\":2}", "[1]x", "// c\n1", "'a'",
       }) {
    auto v = Parse(bad);
    EXPECT_FALSE(v.ok()) << "accepted: " << bad;
    if (!v.ok()) {
      EXPECT_TRUE(v.status().IsInvalidArgument());
    }
  }
}

TEST(Json, BoundsNesting) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  auto v = Parse(deep);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("nesting too deep"), std::string::npos);
  std::string ok_depth(64, '[');
  ok_depth += std::string(64, ']');
  EXPECT_TRUE(Parse(ok_depth).ok());
  // Very deep input must not overflow the stack.
  std::string huge(1'000'000, '[');
  EXPECT_FALSE(Parse(huge).ok());
}

TEST(Json, Builders) {
  Value o = Value::Object();
  o.Add("i", Value::Int(-5));
  o.Add("u", Value::UInt(7));
  o.Add("d", Value::Double(0.5).ValueOrDie());
  o.Add("s", Value::String("x"));
  Value a = Value::Array();
  a.Push(Value::Null());
  a.Push(Value::Bool(true));
  o.Add("a", std::move(a));
  EXPECT_EQ(Serialize(o), R"({"i":-5,"u":7,"d":0.5,"s":"x","a":[null,true]})");
  EXPECT_FALSE(Value::Double(1.0 / 0.0).ok());
  EXPECT_EQ(Parse(Serialize(o)).ValueOrDie(), o);
}

TEST(Json, ErrorNamesOffset) {
  auto v = Parse("[1, x]");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("byte 4"), std::string::npos) << v.status().ToString();
}

TEST(Json, EscapingIsOneFunctionWithTheHexCaseAsItsOnlyVariant) {
  const std::string raw = std::string("a\"\\\n\r\t\b\f\x01\x1f\xc3\xa9", 12);
  std::string lower, upper, quoted;
  AppendEscaped(raw, &lower);
  AppendEscaped(raw, &upper, HexCase::kUpper);
  AppendQuoted(raw, &quoted);
  EXPECT_EQ(lower, "a\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u001f\xc3\xa9");
  EXPECT_EQ(upper, "a\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u001F\xc3\xa9");
  EXPECT_EQ(quoted, "\"" + lower + "\"");
  auto back = Parse(quoted);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->string_value(), raw);
}

TEST(Json, NumberFromLiteralFollowsTheGrammar) {
  for (const char* ok : {"0", "-0", "1.0", "-12.5e-3", "1E+21", "18446744073709551615"}) {
    auto v = Value::Number(ok);
    ASSERT_TRUE(v.ok()) << ok;
    EXPECT_EQ(Serialize(*v), ok);
  }
  for (const char* bad : {"", "NaN", "Infinity", "-Infinity", "1.", ".5", "+1", "01", "1e", "0x10"}) {
    EXPECT_TRUE(Value::Number(bad).status().IsInvalidArgument()) << bad;
  }
}

}  // namespace
}  // namespace oups::json
