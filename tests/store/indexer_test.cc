// Tests of the indexer schema, keys and the typed OUPS_KEY facade against
// docs/behaviour.md#keys (and the path-parsing part of the discovery fixture,
// docs/behaviour.md#discovery).
#include "oups/store/indexer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "oups/store/key.h"
#include "weather_keys.h"

// ----------------------------------------------------------- typed key types

// Seed: examples/test_store_basic_usage.py (year as int here) and the C++
// sketch of architecture.md.
struct CityYear {
  std::string city;
  int64_t year;
};
OUPS_KEY(CityYear, city, year);

namespace weather {

// Seed: examples/test_store_indexer_hierarchy.py.
struct Sampling {
  std::string frequency;
};
OUPS_SUBLEVEL(Sampling, frequency);

struct Measure {
  std::string quantity;
  std::string city;
  Sampling sampling;
};
OUPS_KEY(Measure, quantity, city, sampling);

// The same hierarchy with another separator.
struct UMeasure {
  std::string quantity;
  std::string city;
  Sampling sampling;
};
OUPS_KEY_SEP(UMeasure, "_", quantity, city, sampling);

// docs/behaviour.md#key-paths: TopLevel("aha", 2, SubLevel1(5, "oh",
// SubLevel2("ou", 3, 7))).
struct SubLevel2 {
  std::string a;
  int64_t b;
  int32_t c;
};
OUPS_SUBLEVEL(SubLevel2, a, b, c);
struct SubLevel1 {
  int64_t x;
  std::string y;
  SubLevel2 deeper;
};
OUPS_SUBLEVEL(SubLevel1, x, y, deeper);
struct TopLevel {
  std::string name;
  int64_t n;
  SubLevel1 sub;
};
OUPS_KEY(TopLevel, name, n, sub);

// Discovery fixture indexer: weather_keys.h.

// docs/behaviour.md#key-paths with separator ".": Test(3, "oh") → "3.oh".
struct DotTest {
  int64_t n;
  std::string s;
};
OUPS_KEY_SEP(DotTest, ".", n, s);

// Narrow integer members.
struct Small {
  int8_t a;
  uint32_t b;
};
OUPS_KEY_SEP(Small, "_", a, b);

}  // namespace weather

namespace oups {
namespace {

using weather::DotTest;
using weather::DotWeatherEntry;
using weather::Measure;
using weather::Sampling;
using weather::SpaceTime;
using weather::SubLevel1;
using weather::SubLevel2;
using weather::TopLevel;
using weather::UMeasure;
using weather::WeatherEntry;

IndexerSchema MustSchema(Result<IndexerSchema> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).ValueOrDie();
}

IndexKey MustKey(Result<IndexKey> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).ValueOrDie();
}

// TopLevel(str, int, SubLevel1(int, str, SubLevel2(str, int, int))).
IndexerSchema TopLevelSchema(std::string sep = "-") {
  return MustSchema(IndexerSchemaBuilder("TopLevel")
                        .FieldSep(std::move(sep))
                        .String("name")
                        .Int64("n")
                        .SubLevel("sub", "SubLevel1")
                        .Int64("x")
                        .String("y")
                        .SubLevel("deeper", "SubLevel2")
                        .String("a")
                        .Int64("b")
                        .Int64("c")
                        .Finish());
}

// ------------------------------------------------------- schema construction

TEST(IndexerSchema, MakeAndBuilderAgree) {
  IndexerSchema made = MustSchema(IndexerSchema::Make(
      "TopLevel", {FieldSpec::String("name"), FieldSpec::Int64("n"),
                   FieldSpec::SubLevel("sub", "SubLevel1",
                                       {FieldSpec::Int64("x"), FieldSpec::String("y"),
                                        FieldSpec::SubLevel("deeper", "SubLevel2",
                                                            {FieldSpec::String("a"),
                                                             FieldSpec::Int64("b"),
                                                             FieldSpec::Int64("c")})})}));
  IndexerSchema built = TopLevelSchema();
  EXPECT_EQ(made, built);
  EXPECT_EQ(made.depth(), 3);
  EXPECT_EQ(made.num_fields(), 7);
  EXPECT_EQ(made.num_fields(0), 2);
  EXPECT_EQ(made.num_fields(1), 2);
  EXPECT_EQ(made.num_fields(2), 3);
  EXPECT_EQ(made.field_sep(), "-");
  EXPECT_EQ(made.name(), "TopLevel");
  EXPECT_EQ(made.level(0).sublevel_field, "sub");
  EXPECT_EQ(made.level(1).record_name, "SubLevel1");
  EXPECT_EQ(made.level(1).sublevel_field, "deeper");
  EXPECT_EQ(made.level(2).sublevel_field, "");
  EXPECT_EQ(
      made.ToString(),
      "TopLevel(name: string, n: int64, sub: SubLevel1(x: int64, y: string, deeper: "
      "SubLevel2(a: string, b: int64, c: int64)), field_sep='-')");
  // The typed declaration produces the same schema.
  EXPECT_EQ(KeyTraits<TopLevel>::Schema(), made);
}

TEST(IndexerSchema, DefaultSeparatorIsDash) {
  IndexerSchema s = MustSchema(IndexerSchema::Make("A", {FieldSpec::String("x")}));
  EXPECT_EQ(s.field_sep(), "-");
  EXPECT_EQ(s.depth(), 1);
}

TEST(IndexerSchema, SeparatorValidation) {
  auto empty = IndexerSchema::Make("A", {FieldSpec::String("x")}, "");
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(empty.status().IsInvalidArgument());
  EXPECT_NE(empty.status().message().find("'field_sep'"), std::string::npos);
  auto slash = IndexerSchema::Make("A", {FieldSpec::String("x")}, "a/b");
  ASSERT_FALSE(slash.ok());
  EXPECT_TRUE(slash.status().IsInvalidArgument());
  EXPECT_EQ(slash.status().message(), "'field_sep' must not contain '/', got 'a/b'.");
  // "." and multi-character separators are valid.
  EXPECT_TRUE(IndexerSchema::Make("A", {FieldSpec::String("x")}, ".").ok());
  EXPECT_TRUE(IndexerSchema::Make("A", {FieldSpec::String("x")}, "__").ok());
  auto builder = IndexerSchemaBuilder("A").FieldSep("").String("x").Finish();
  EXPECT_TRUE(builder.status().IsInvalidArgument());
}

TEST(IndexerSchema, SubLevelPosition) {
  auto sub = [] { return FieldSpec::SubLevel("s", "Sub", {FieldSpec::String("z")}); };
  // A level made of a single record.
  auto only = IndexerSchema::Make("A", {sub()});
  ASSERT_FALSE(only.ok());
  EXPECT_TRUE(only.status().IsTypeError());
  EXPECT_EQ(only.status().message(),
            "a dataclass instance cannot be the only field of a level.");
  // Position 0 even if more fields follow.
  auto first = IndexerSchema::Make("A", {sub(), FieldSpec::String("x")});
  EXPECT_EQ(first.status().message(),
            "a dataclass instance cannot be the only field of a level.");
  // Two records in one level.
  auto two =
      IndexerSchema::Make("A", {FieldSpec::String("x"), sub(),
                                FieldSpec::SubLevel("t", "T", {FieldSpec::Int64("q")})});
  ASSERT_FALSE(two.ok());
  EXPECT_TRUE(two.status().IsTypeError());
  EXPECT_EQ(two.status().message(),
            "a dataclass instance is only possible in last position.");
  // Record in the middle.
  auto middle =
      IndexerSchema::Make("A", {FieldSpec::String("x"), sub(), FieldSpec::Int64("y")});
  EXPECT_EQ(middle.status().message(),
            "a dataclass instance is only possible in last position.");
  // Same rules inside a sub-level.
  auto nested = IndexerSchema::Make(
      "A", {FieldSpec::String("x"), FieldSpec::SubLevel("s", "Sub", {sub()})});
  EXPECT_EQ(nested.status().message(),
            "a dataclass instance cannot be the only field of a level.");
  // Builder: a sub-level opened on an empty level.
  auto b = IndexerSchemaBuilder("A").SubLevel("s", "Sub").String("z").Finish();
  EXPECT_TRUE(b.status().IsTypeError());
}

TEST(IndexerSchema, EmptyLevelsNamesAndTypes) {
  auto empty_top = IndexerSchema::Make("A", {});
  ASSERT_FALSE(empty_top.ok());
  EXPECT_TRUE(empty_top.status().IsInvalidArgument());
  EXPECT_EQ(empty_top.status().message(), "a level must have at least one field ('A').");
  auto empty_sub = IndexerSchema::Make(
      "A", {FieldSpec::String("x"), FieldSpec::SubLevel("s", "Sub", {})});
  EXPECT_EQ(empty_sub.status().message(),
            "a level must have at least one field ('Sub').");
  auto builder_empty_sub =
      IndexerSchemaBuilder("A").String("x").SubLevel("s", "Sub").Finish();
  EXPECT_EQ(builder_empty_sub.status().message(),
            "a level must have at least one field ('Sub').");
  EXPECT_TRUE(
      IndexerSchema::Make("", {FieldSpec::String("x")}).status().IsInvalidArgument());
  EXPECT_TRUE(
      IndexerSchema::Make("A", {FieldSpec::String("")}).status().IsInvalidArgument());
  EXPECT_TRUE(
      IndexerSchema::Make("A", {FieldSpec::String("1x")}).status().IsInvalidArgument());
  auto dup = IndexerSchema::Make("A", {FieldSpec::String("x"), FieldSpec::Int64("x")});
  EXPECT_EQ(dup.status().message(), "duplicate field name 'x' in 'A'.");
  // The same field name on two levels is fine.
  EXPECT_TRUE(
      IndexerSchema::Make("A", {FieldSpec::String("x"),
                                FieldSpec::SubLevel("s", "S", {FieldSpec::String("x")})})
          .ok());
  FieldSpec bad = FieldSpec::String("x");
  bad.type = static_cast<FieldType>(7);
  auto bad_type = IndexerSchema::Make("A", {bad});
  ASSERT_FALSE(bad_type.ok());
  EXPECT_TRUE(bad_type.status().IsTypeError());
  EXPECT_EQ(bad_type.status().message(), "field type 7 not possible.");
}

TEST(IndexerSchema, EqualityIsStructural) {
  auto a = MustSchema(IndexerSchema::Make("A", {FieldSpec::String("x")}));
  auto a2 = MustSchema(IndexerSchema::Make("A", {FieldSpec::String("x")}));
  auto b = MustSchema(IndexerSchema::Make("B", {FieldSpec::String("x")}));
  auto a_int = MustSchema(IndexerSchema::Make("A", {FieldSpec::Int64("x")}));
  auto a_dot = MustSchema(IndexerSchema::Make("A", {FieldSpec::String("x")}, "."));
  EXPECT_EQ(a, a2);
  EXPECT_FALSE(a == b);
  EXPECT_FALSE(a == a_int);
  EXPECT_FALSE(a == a_dot);
  EXPECT_FALSE(a == IndexerSchema());
  EXPECT_FALSE(IndexerSchema().valid());
}

// ---------------------------------------------------------- paths and strings

TEST(IndexKey, ReferenceExamplesPathAndString) {
  // TopLevel("aha", 2, SubLevel1(5, "oh", SubLevel2("ou", 3, 7))).
  IndexerSchema top = TopLevelSchema();
  IndexKey k = MustKey(top.MakeKey({{"aha", 2}, {5, "oh"}, {"ou", 3, 7}}));
  EXPECT_EQ(k.ToPath(), "aha-2/5-oh/ou-3-7");
  EXPECT_EQ(k.ToString(), "aha-2-5-oh-ou-3-7");
  EXPECT_EQ(k.PathComponents(), (std::vector<std::string>{"aha-2", "5-oh", "ou-3-7"}));
  EXPECT_EQ(k.depth(), 3);
  EXPECT_EQ(k.level(2).size(), 3u);
  EXPECT_EQ(std::get<std::string>(k.level(2)[0]), "ou");
  std::ostringstream os;
  os << k;
  EXPECT_EQ(os.str(), "aha-2-5-oh-ou-3-7");

  // TopLevel("aha", SubLevel1(5, "oh")) → aha/5-oh.
  IndexerSchema t2 = MustSchema(IndexerSchemaBuilder("TopLevel")
                                    .String("s")
                                    .SubLevel("sub", "SubLevel1")
                                    .Int64("x")
                                    .String("y")
                                    .Finish());
  IndexKey k2 = MustKey(t2.MakeKey({{"aha"}, {5, "oh"}}));
  EXPECT_EQ(k2.ToPath(), "aha/5-oh");
  EXPECT_EQ(k2.ToString(), "aha-5-oh");
  EXPECT_EQ(t2.depth(), 2);

  // TopLevel("ah", 5, Sub("oh")) → ah-5/oh.
  IndexerSchema t3 = MustSchema(IndexerSchemaBuilder("TopLevel")
                                    .String("s")
                                    .Int64("n")
                                    .SubLevel("sub", "Sub")
                                    .String("z")
                                    .Finish());
  EXPECT_EQ(MustKey(t3.MakeKey({{"ah", 5}, {"oh"}})).ToPath(), "ah-5/oh");

  // Separator ".": Test(3, "oh") → 3.oh.
  IndexerSchema dot = MustSchema(
      IndexerSchemaBuilder("Test").FieldSep(".").Int64("n").String("s").Finish());
  IndexKey kd = MustKey(dot.MakeKey({{3, "oh"}}));
  EXPECT_EQ(kd.ToPath(), "3.oh");
  EXPECT_EQ(kd.ToString(), "3.oh");

  // Seed: Measure('temperature', 'berlin', Sampling('1D')).
  IndexKey m =
      MustKey(KeyTraits<Measure>::Schema().MakeKey({{"temperature", "berlin"}, {"1D"}}));
  EXPECT_EQ(m.ToPath(), "temperature-berlin/1D");
  EXPECT_EQ(m.ToString(), "temperature-berlin-1D");
}

TEST(IndexKey, MakeKeyFlatAndShapeErrors) {
  IndexerSchema top = TopLevelSchema();
  IndexKey flat = MustKey(top.MakeKeyFlat({"aha", 2, 5, "oh", "ou", 3, 7}));
  EXPECT_EQ(flat, MustKey(top.MakeKey({{"aha", 2}, {5, "oh"}, {"ou", 3, 7}})));
  EXPECT_TRUE(top.MakeKeyFlat({"aha", 2}).status().IsInvalidArgument());
  EXPECT_TRUE(top.MakeKey({{"aha", 2}, {5, "oh"}}).status().IsInvalidArgument());
  EXPECT_TRUE(top.MakeKey({{"aha", 2}, {5}, {"ou", 3, 7}}).status().IsInvalidArgument());
  // A value of the wrong declared type.
  auto wrong = top.MakeKey({{"aha", "2"}, {5, "oh"}, {"ou", 3, 7}});
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(wrong.status().IsTypeError());
  EXPECT_EQ(wrong.status().message(),
            "field 'n' of 'TopLevel' is declared int64, got string value 2.");
  EXPECT_TRUE(IndexerSchema().MakeKeyFlat({"x"}).status().IsInvalidArgument());
}

// Validation rules 2-3 of docs/behaviour.md#keys and the reference cases.
TEST(IndexKey, ValueValidation) {
  IndexerSchema s = MustSchema(IndexerSchemaBuilder("A").String("x").Int64("n").Finish());
  auto slash = s.MakeKey({{"6/2", 1}});
  ASSERT_FALSE(slash.ok());
  EXPECT_TRUE(slash.status().IsInvalidArgument());
  EXPECT_EQ(slash.status().message(),
            "use of a forbidden character among ('-', '/', '.') is not possible in 6/2.");
  EXPECT_EQ(s.MakeKey({{"6-2", 1}}).status().message(),
            "use of a forbidden character among ('-', '/', '.') is not possible in 6-2.");
  EXPECT_EQ(s.MakeKey({{"6.2", 1}}).status().message(),
            "use of a forbidden character among ('-', '/', '.') is not possible in 6.2.");
  // A negative int fails step 2 when the separator is "-".
  EXPECT_EQ(s.MakeKey({{"x", -5}}).status().message(),
            "use of a forbidden character among ('-', '/', '.') is not possible in -5.");
  auto empty = s.MakeKey({{"", 1}});
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(empty.status().IsInvalidArgument());
  EXPECT_EQ(empty.status().message(), "empty string is not possible as a field value.");
  // Values are checked in order: the first bad one is reported.
  EXPECT_EQ(s.MakeKey({{"", -5}}).status().message(),
            "empty string is not possible as a field value.");

  // The top level's separator applies to every nested level.
  IndexerSchema u = KeyTraits<UMeasure>::Schema();
  EXPECT_EQ(u.MakeKey({{"t", "b"}, {"1_D"}}).status().message(),
            "use of a forbidden character among ('_', '/', '.') is not possible in 1_D.");
  EXPECT_TRUE(u.MakeKey({{"t", "b"}, {"1-D"}}).ok());
  // With another separator, negative ints are fine.
  IndexerSchema neg =
      MustSchema(IndexerSchemaBuilder("N").FieldSep("_").Int64("n").Finish());
  EXPECT_EQ(MustKey(neg.MakeKey({{-5}})).ToPath(), "-5");
  // Separator quoting as Python's repr.
  IndexerSchema quote =
      MustSchema(IndexerSchemaBuilder("Q").FieldSep("'").String("x").Finish());
  EXPECT_EQ(
      quote.MakeKey({{"a'b"}}).status().message(),
      "use of a forbidden character among (\"'\", '/', '.') is not possible in a'b.");
  EXPECT_TRUE(quote.ValidateText("ab").ok());
}

// ------------------------------------------------------------------- parsing

TEST(IndexKeyParsing, FromPathAndFromString) {
  IndexerSchema top = TopLevelSchema();
  IndexKey k = MustKey(top.MakeKey({{"aha", 2}, {5, "oh"}, {"ou", 3, 7}}));
  EXPECT_EQ(MustKey(top.FromPath("aha-2/5-oh/ou-3-7")), k);
  EXPECT_EQ(MustKey(top.FromString("aha-2-5-oh-ou-3-7")), k);
  // pathlib-like normalisation of the relative path.
  EXPECT_EQ(MustKey(top.FromPath("aha-2//5-oh/./ou-3-7/")), k);
  auto abs = top.FromPath("/aha-2/5-oh/ou-3-7");
  ASSERT_FALSE(abs.ok());
  EXPECT_TRUE(abs.status().IsInvalidArgument());
  // Wrong component counts.
  EXPECT_EQ(top.FromPath("aha-2/5-oh").status().message(),
            "path 'aha-2/5-oh' has 2 components, indexer 'TopLevel' expects 3.");
  EXPECT_FALSE(top.FromPath("aha-2/5-oh/ou-3-7/x").ok());
  EXPECT_FALSE(top.FromPath("").ok());
  // Wrong piece count per component, even if the total is right.
  EXPECT_EQ(
      top.FromPath("aha-2-5/oh/ou-3-7").status().message(),
      "path 'aha-2-5/oh/ou-3-7': component 'aha-2-5' has 3 pieces separated by '-', "
      "level 0 ('TopLevel') expects 2.");
  // The flat string: split on the separator only.
  EXPECT_EQ(top.FromString("aha-2-5-oh-ou-3").status().message(),
            "string 'aha-2-5-oh-ou-3' has 6 pieces separated by '-', indexer 'TopLevel' "
            "expects 7.");
  EXPECT_FALSE(top.FromString("aha-2-5-oh-ou-3-7-8").ok());
  // A path given to FromString is not a flat string.
  EXPECT_FALSE(top.FromString("aha-2/5-oh/ou-3-7").ok());
  // Types: "x" for an int field.
  EXPECT_EQ(
      top.FromString("aha-x-5-oh-ou-3-7").status().message(),
      "string 'aha-x-5-oh-ou-3-7': 'x' is not the canonical decimal form of a 64-bit "
      "integer (field 'n' of 'TopLevel').");
  // Validation after conversion: an empty piece.
  EXPECT_EQ(top.FromString("-2-5-oh-ou-3-7").status().message(),
            "empty string is not possible as a field value.");
  EXPECT_EQ(top.FromPath("aha-2/5-/ou-3-7").status().message(),
            "empty string is not possible as a field value.");
}

TEST(IndexKeyParsing, SpecExamples) {
  // For a "."-separated class, parsing aha/5-oh fails.
  IndexerSchema dot = MustSchema(IndexerSchemaBuilder("T")
                                     .FieldSep(".")
                                     .String("s")
                                     .SubLevel("sub", "S")
                                     .Int64("x")
                                     .String("y")
                                     .Finish());
  EXPECT_FALSE(dot.FromPath("aha/5-oh").ok());
  EXPECT_EQ(MustKey(dot.FromPath("aha/5.oh")).ToPath(), "aha/5.oh");
  // For a one-level (str, str) class, x-a-b fails (both forms).
  IndexerSchema two =
      MustSchema(IndexerSchemaBuilder("T").String("a").String("b").Finish());
  EXPECT_FALSE(two.FromString("x-a-b").ok());
  EXPECT_FALSE(two.FromPath("x-a-b").ok());
  EXPECT_TRUE(two.FromString("x-a").ok());
  // For a (str, str, Sub(str)) schema, x-y/z parses and x/y-z fails.
  IndexerSchema m = KeyTraits<Measure>::Schema();
  IndexKey xyz = MustKey(m.FromPath("x-y/z"));
  EXPECT_EQ(xyz.ToString(), "x-y-z");
  EXPECT_FALSE(m.FromPath("x/y-z").ok());
  EXPECT_EQ(MustKey(m.FromString("x-y-z")), xyz);
}

TEST(IndexKeyParsing, CanonicalIntegers) {
  IndexerSchema s =
      MustSchema(IndexerSchemaBuilder("I").FieldSep("_").Int64("n").Finish());
  auto parse = [&](std::string_view text) -> std::optional<int64_t> {
    auto r = s.FromString(text);
    auto p = s.FromPath(text);
    EXPECT_EQ(r.ok(), p.ok()) << text;
    if (!r.ok()) {
      EXPECT_TRUE(r.status().IsInvalidArgument()) << text;
      return std::nullopt;
    }
    return std::get<int64_t>(r->values()[0]);
  };
  EXPECT_EQ(parse("0"), 0);
  EXPECT_EQ(parse("7"), 7);
  EXPECT_EQ(parse("-7"), -7);
  EXPECT_EQ(parse("10"), 10);
  EXPECT_EQ(parse("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(parse("-9223372036854775808"), INT64_MIN);
  for (const char* bad : {"007", "00", "-0", "-07", "+5", " 5", "5 ", "", "-", "1e3",
                          "0x10", "9223372036854775808", "-9223372036854775809",
                          "99999999999999999999", "5_", "\xd9\xa3"}) {
    EXPECT_EQ(parse(bad), std::nullopt) << "'" << bad << "'";
  }
}

// Parsing the names of the discovery fixture (docs/behaviour.md#discovery;
// metadata file names with the "_opdmd" suffix stripped, relative to the
// store's base directory).
TEST(IndexKeyParsing, DiscoveryFixturePaths) {
  const std::vector<std::string> candidates = {
      "london.temperature/greenwich.summer", "paris.temperature/bastille.summer",
      "stockholm.pressure/skansen.fall",
      "stockholm.pressure/flemings.spring/innerplace.morning",  // too deep
  };
  int dash = 0;
  for (const auto& c : candidates)
    dash += KeyTraits<WeatherEntry>::Schema().FromPath(c).ok();
  EXPECT_EQ(dash, 0);
  std::vector<IndexKey> keys;
  for (const auto& c : candidates) {
    auto k = KeyTraits<DotWeatherEntry>::Schema().FromPath(c);
    if (k.ok()) keys.push_back(*k);
  }
  ASSERT_EQ(keys.size(), 3u);
  std::sort(keys.begin(), keys.end());
  std::string repr;
  for (const auto& k : keys) repr += (repr.empty() ? "" : "\n") + k.ToString();
  EXPECT_EQ(repr,
            "london.temperature.greenwich.summer\nparis.temperature.bastille.summer\n"
            "stockholm.pressure.skansen.fall");
  auto typed = FromPath<DotWeatherEntry>("london.temperature/greenwich.summer");
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(*typed,
            (DotWeatherEntry{"london", "temperature", SpaceTime{"greenwich", "summer"}}));
}

// ------------------------------------------------- equality, hashing, order

TEST(IndexKeyOrdering, FieldByFieldIntsNumericallyStringsByCodePoint) {
  IndexerSchema s = MustSchema(IndexerSchemaBuilder("A")
                                   .String("s")
                                   .Int64("n")
                                   .SubLevel("sub", "B")
                                   .Int64("m")
                                   .Finish());
  auto key = [&](std::string a, int64_t n, int64_t m) {
    return MustKey(s.MakeKey({{std::move(a), n}, {m}}));
  };
  EXPECT_LT(key("a", 9, 0), key("a", 10, 0));  // numerically, not as text
  EXPECT_LT(key("a", 2, 100), key("a", 10, 0));
  EXPECT_LT(key("a", 1, 2), key("a", 1, 10));  // the nested record compares by fields
  EXPECT_LT(key("B", 5, 5), key("a", 0, 0));   // code point: 'B' < 'a'
  EXPECT_LT(key("a", 5, 5), key("ab", 0, 0));  // prefix first
  EXPECT_LT(key("z", 5, 5), key("\xc3\xa9", 0, 0));             // U+00E9 > 'z'
  EXPECT_LT(key("\xc3\xa9", 0, 0), key("\xe2\x82\xac", 0, 0));  // U+00E9 < U+20AC
  EXPECT_LT(key("\xef\xbf\xbf", 0, 0),
            key("\xf0\x9f\x98\x80", 0, 0));  // U+FFFF < U+1F600
  EXPECT_EQ(key("a", 1, 2), key("a", 1, 2));
  EXPECT_EQ(key("a", 1, 2).Hash(), key("a", 1, 2).Hash());
  EXPECT_NE(key("a", 1, 2), key("a", 1, 3));
  EXPECT_EQ(CompareKeys(key("a", 1, 2), key("a", 1, 3)).ValueOrDie(), -1);
  EXPECT_EQ(CompareKeys(key("a", 1, 3), key("a", 1, 3)).ValueOrDie(), 0);
  EXPECT_EQ(CompareKeys(key("b", 1, 3), key("a", 1, 3)).ValueOrDie(), 1);

  // Equal keys are the same map key.
  std::unordered_map<IndexKey, int> by_key;
  by_key[key("a", 1, 2)] = 1;
  by_key[key("a", 1, 2)] = 2;
  by_key[key("a", 1, 3)] = 3;
  EXPECT_EQ(by_key.size(), 2u);
  EXPECT_EQ(by_key[key("a", 1, 2)], 2);
}

TEST(IndexKeyOrdering, DifferentSchemas) {
  IndexerSchema a = MustSchema(IndexerSchemaBuilder("A").String("x").Finish());
  IndexerSchema b = MustSchema(IndexerSchemaBuilder("B").String("x").Finish());
  IndexerSchema a2 = MustSchema(IndexerSchemaBuilder("A").String("x").Finish());
  IndexKey ka = MustKey(a.MakeKey({{"v"}}));
  IndexKey kb = MustKey(b.MakeKey({{"v"}}));
  IndexKey ka2 = MustKey(a2.MakeKey({{"v"}}));
  EXPECT_NE(ka, kb);   // never equal
  EXPECT_EQ(ka, ka2);  // a structurally identical schema is the same indexer
  EXPECT_TRUE((ka < kb) != (kb < ka));  // still a total order for containers
  auto c = CompareKeys(ka, kb);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsTypeError());
  EXPECT_EQ(
      c.status().message(),
      "keys of different indexers are not comparable: 'A(x: string, field_sep='-')' and "
      "'B(x: string, field_sep='-')'.");
  EXPECT_TRUE(a.CheckKey(ka2).ok());
  Status st = a.CheckKey(kb);
  EXPECT_TRUE(st.IsTypeError());
  EXPECT_EQ(
      st.message(),
      "expected a key of indexer 'A(x: string, field_sep='-')', got a key of indexer "
      "'B(x: string, field_sep='-')'.");
}

// ------------------------------------------------------------ typed facade

TEST(TypedKey, CityYear) {
  static_assert(KeyTraits<CityYear>::kDepth == 1);
  static_assert(KeyTraits<CityYear>::kNumFields == 2);
  const IndexerSchema& s = KeyTraits<CityYear>::Schema();
  EXPECT_EQ(s.ToString(), "CityYear(city: string, year: int64, field_sep='-')");
  EXPECT_EQ(&s, &KeyTraits<CityYear>::Schema());  // built once
  CityYear berlin{"berlin", 2023};
  EXPECT_EQ(ToPath(berlin).ValueOrDie(), "berlin-2023");
  EXPECT_EQ(ToString(berlin).ValueOrDie(), "berlin-2023");
  EXPECT_EQ(FromPath<CityYear>("berlin-2023").ValueOrDie(), berlin);
  EXPECT_EQ(FromString<CityYear>("berlin-2023").ValueOrDie(), berlin);
  EXPECT_FALSE(FromPath<CityYear>("berlin-02023").ok());
  EXPECT_FALSE(FromPath<CityYear>("berlin/2023").ok());
  EXPECT_FALSE(FromPath<CityYear>("berlin-2023-x").ok());
  IndexKey k = ToKey(berlin).ValueOrDie();
  EXPECT_EQ(k.ToPath(), "berlin-2023");
  EXPECT_EQ(FromKey<CityYear>(k).ValueOrDie(), berlin);
  EXPECT_EQ(KeyHash{}(berlin), k.Hash());
  EXPECT_TRUE(ValidateKey(berlin).ok());

  // Invalid values are reported by every conversion.
  CityYear bad{"new-york", 2023};
  EXPECT_EQ(
      ValidateKey(bad).message(),
      "use of a forbidden character among ('-', '/', '.') is not possible in new-york.");
  EXPECT_TRUE(ToPath(bad).status().IsInvalidArgument());
  EXPECT_EQ(ToKey(CityYear{"", 1}).status().message(),
            "empty string is not possible as a field value.");
  EXPECT_TRUE(ToKey(CityYear{"x", -1}).status().IsInvalidArgument());

  // Ordering: city, then year numerically.
  EXPECT_LT((CityYear{"berlin", 999}), (CityYear{"berlin", 2023}));
  EXPECT_LT((CityYear{"berlin", 2023}), (CityYear{"paris", 1}));
  EXPECT_NE((CityYear{"berlin", 2023}), (CityYear{"berlin", 2024}));
  std::map<CityYear, int> m{
      {{"paris", 2023}, 2}, {{"berlin", 2023}, 1}, {{"berlin", 99}, 0}};
  std::vector<int> order;
  for (const auto& [key, v] : m) order.push_back(v);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  std::unordered_set<CityYear, KeyHash> set{{"a", 1}, {"a", 1}, {"b", 1}};
  EXPECT_EQ(set.size(), 2u);
}

TEST(TypedKey, MeasureSamplingHierarchy) {
  static_assert(KeyTraits<Measure>::kDepth == 2);
  static_assert(KeyTraits<Sampling>::kDepth == 1);
  static_assert(KeyTraits<TopLevel>::kDepth == 3);
  static_assert(KeyTraits<TopLevel>::kNumFields == 7);
  static_assert(IndexerKey<Measure>);
  static_assert(IndexerKey<Sampling>);
  static_assert(!IndexerKey<std::string>);
  const IndexerSchema& s = KeyTraits<Measure>::Schema();
  EXPECT_EQ(
      s.ToString(),
      "Measure(quantity: string, city: string, sampling: Sampling(frequency: string), "
      "field_sep='-')");
  Measure berlin_1d{"temperature", "berlin", Sampling{"1D"}};
  Measure berlin_1w{"temperature", "berlin", Sampling{"1W"}};
  EXPECT_EQ(ToPath(berlin_1d).ValueOrDie(), "temperature-berlin/1D");
  EXPECT_EQ(ToPath(berlin_1w).ValueOrDie(), "temperature-berlin/1W");
  EXPECT_EQ(ToString(berlin_1d).ValueOrDie(), "temperature-berlin-1D");
  EXPECT_EQ(FromPath<Measure>("temperature-berlin/1W").ValueOrDie(), berlin_1w);
  EXPECT_FALSE(FromPath<Measure>("temperature/berlin-1W").ok());
  EXPECT_LT(berlin_1d, berlin_1w);
  EXPECT_EQ(berlin_1d, (Measure{"temperature", "berlin", Sampling{"1D"}}));
  EXPECT_EQ(KeyHash{}(berlin_1d), ToKey(berlin_1d)->Hash());
  // Nested values are validated with the top level's separator.
  EXPECT_EQ(ValidateKey(Measure{"t", "b", Sampling{"1-D"}}).message(),
            "use of a forbidden character among ('-', '/', '.') is not possible in 1-D.");
  EXPECT_TRUE(ValidateKey(UMeasure{"t", "b", Sampling{"1-D"}}).ok());
  EXPECT_EQ(ToPath(UMeasure{"t", "b", Sampling{"1-D"}}).ValueOrDie(), "t_b/1-D");
  // A sub-level can be a key of its own.
  EXPECT_EQ(ToPath(Sampling{"1D"}).ValueOrDie(), "1D");

  TopLevel t{"aha", 2, SubLevel1{5, "oh", SubLevel2{"ou", 3, 7}}};
  EXPECT_EQ(ToPath(t).ValueOrDie(), "aha-2/5-oh/ou-3-7");
  EXPECT_EQ(ToString(t).ValueOrDie(), "aha-2-5-oh-ou-3-7");
  EXPECT_EQ(FromString<TopLevel>("aha-2-5-oh-ou-3-7").ValueOrDie(), t);
  EXPECT_EQ(ToKey(t).ValueOrDie(),
            MustKey(TopLevelSchema().FromPath("aha-2/5-oh/ou-3-7")));
  EXPECT_EQ(ToPath(DotTest{3, "oh"}).ValueOrDie(), "3.oh");
}

TEST(TypedKey, FromKeyChecksSchemaAndRange) {
  IndexKey city = ToKey(CityYear{"berlin", 2023}).ValueOrDie();
  auto wrong = FromKey<Measure>(city);
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(wrong.status().IsTypeError());
  // A runtime schema identical to the typed one is accepted.
  IndexerSchema same =
      MustSchema(IndexerSchemaBuilder("CityYear").String("city").Int64("year").Finish());
  EXPECT_EQ(FromKey<CityYear>(MustKey(same.MakeKey({{"rome", 1}}))).ValueOrDie(),
            (CityYear{"rome", 1}));
  // Narrow integer members: values are range-checked when read back.
  using weather::Small;
  EXPECT_EQ(ToPath(Small{-5, 7}).ValueOrDie(), "-5_7");
  EXPECT_EQ(FromPath<Small>("-128_4294967295").ValueOrDie(), (Small{-128, 4294967295u}));
  auto too_big = FromPath<Small>("128_0");
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.status().message(),
            "value 128 of field 'a' of 'Small' does not fit in its C++ type.");
  EXPECT_FALSE(FromPath<Small>("1_4294967296").ok());
  EXPECT_FALSE(FromPath<Small>("1_-1").ok());
}

// ------------------------------------------------------ random round trips

std::string RandomText(std::mt19937_64& rng, std::string_view sep) {
  // Alphabet with multi-byte UTF-8, digits and separator-like characters.
  static const std::vector<std::string> kAlphabet = {
      "a", "b", "Z", "0", "7", "_", "-", ".", "/", " ", "~", "\xc3\xa9", "\xe2\x82\xac"};
  while (true) {
    std::string s;
    const int n = static_cast<int>(rng() % 6) + 1;
    for (int i = 0; i < n; ++i) s += kAlphabet[rng() % kAlphabet.size()];
    if (s.find(sep) == std::string::npos && s.find('/') == std::string::npos &&
        s.find('.') == std::string::npos) {
      return s;
    }
  }
}

int64_t RandomInt(std::mt19937_64& rng, bool allow_negative) {
  int64_t v;
  switch (rng() % 4) {
    case 0:
      v = static_cast<int64_t>(rng() % 10);
      break;
    case 1:
      v = static_cast<int64_t>(rng());
      break;
    case 2:
      v = INT64_MAX - static_cast<int64_t>(rng() % 3);
      break;
    default:
      v = INT64_MIN + static_cast<int64_t>(rng() % 3);
      break;
  }
  if (!allow_negative && v < 0) v = v == INT64_MIN ? 0 : -v;
  return v;
}

TEST(IndexKeyRoundTrip, RandomKeysThroughPathAndString) {
  std::mt19937_64 rng(20240604);
  int refused = 0;
  for (const char* sep : {"-", "_", ".", "~~"}) {
    for (int schema_i = 0; schema_i < 20; ++schema_i) {
      // Random schema: 1-3 levels of 1-3 fields.
      const int depth = static_cast<int>(rng() % 3) + 1;
      IndexerSchemaBuilder b("R");
      b.FieldSep(sep);
      std::vector<std::vector<bool>> is_int(static_cast<size_t>(depth));
      for (int j = 0; j < depth; ++j) {
        if (j > 0) b.SubLevel("sub" + std::to_string(j), "R" + std::to_string(j));
        const int n = static_cast<int>(rng() % 3) + 1;
        for (int i = 0; i < n; ++i) {
          const bool as_int = rng() % 2 == 0;
          is_int[static_cast<size_t>(j)].push_back(as_int);
          const std::string name = "f" + std::to_string(i);
          if (as_int) {
            b.Int64(name);
          } else {
            b.String(name);
          }
        }
      }
      IndexerSchema s = MustSchema(b.Finish());
      ASSERT_EQ(s.depth(), depth);
      std::vector<IndexKey> keys;
      for (int k = 0; k < 50; ++k) {
        std::vector<std::vector<KeyValue>> levels;
        for (const auto& level : is_int) {
          std::vector<KeyValue> values;
          for (bool as_int : level) {
            if (as_int) {
              values.emplace_back(RandomInt(rng, std::string_view(sep) != "-"));
            } else {
              values.emplace_back(RandomText(rng, sep));
            }
          }
          levels.push_back(std::move(values));
        }
        auto made = s.MakeKey(levels);
        if (!made.ok()) {
          // Only the multi-character separator rule may refuse these values.
          EXPECT_EQ(std::string_view(sep), "~~");
          EXPECT_NE(made.status().message().find("would not parse back"),
                    std::string::npos);
          ++refused;
          continue;
        }
        IndexKey key = std::move(made).ValueOrDie();
        const std::string path = key.ToPath();
        const std::string text = key.ToString();
        auto from_path = s.FromPath(path);
        ASSERT_TRUE(from_path.ok()) << path << ": " << from_path.status().ToString();
        EXPECT_EQ(*from_path, key) << path;
        EXPECT_EQ(from_path->ToPath(), path);
        auto from_str = s.FromString(text);
        ASSERT_TRUE(from_str.ok()) << text << ": " << from_str.status().ToString();
        EXPECT_EQ(*from_str, key) << text;
        EXPECT_EQ(from_str->Hash(), key.Hash());
        EXPECT_EQ(static_cast<int>(std::count(path.begin(), path.end(), '/')), depth - 1);
        keys.push_back(std::move(key));
      }
      // Ordering is a strict weak order consistent with equality.
      std::sort(keys.begin(), keys.end());
      for (size_t i = 1; i < keys.size(); ++i) {
        EXPECT_FALSE(keys[i] < keys[i - 1]);
        EXPECT_EQ(keys[i] == keys[i - 1], !(keys[i - 1] < keys[i]));
      }
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_LT(refused, 200);
}

// Beyond docs/behaviour.md#keys for separators of several characters: a value
// ending with the start of the separator would straddle it and not parse back.
TEST(IndexKey, MultiCharacterSeparatorStraddling) {
  IndexerSchema s = MustSchema(IndexerSchemaBuilder("M")
                                   .FieldSep("~~")
                                   .String("a")
                                   .SubLevel("sub", "S")
                                   .String("b")
                                   .String("c")
                                   .Finish());
  auto bad = s.MakeKey({{"x~"}, {"y", "z"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_EQ(bad.status().message(),
            "field value x~ ends with the beginning of the separator '~~': the key would "
            "not parse back.");
  EXPECT_FALSE(s.MakeKey({{"x"}, {"y~", "z"}}).ok());
  // A leading "~" or a trailing one on the very last value is unambiguous.
  IndexKey ok = MustKey(s.MakeKey({{"~x"}, {"~y", "z~"}}));
  EXPECT_EQ(ok.ToPath(), "~x/~y~~z~");
  EXPECT_EQ(MustKey(s.FromPath(ok.ToPath())), ok);
  EXPECT_EQ(MustKey(s.FromString(ok.ToString())), ok);
  // What ("x~", "y", "z") would have printed reads back as another key.
  EXPECT_EQ(MustKey(s.FromString("x~~~y~~z")), MustKey(s.MakeKey({{"x"}, {"~y", "z"}})));
}

TEST(IndexKeyRoundTrip, RandomTypedKeys) {
  std::mt19937_64 rng(7);
  std::vector<TopLevel> keys;
  for (int i = 0; i < 300; ++i) {
    TopLevel t{RandomText(rng, "-"), RandomInt(rng, false),
               SubLevel1{RandomInt(rng, false), RandomText(rng, "-"),
                         SubLevel2{RandomText(rng, "-"), RandomInt(rng, false),
                                   static_cast<int32_t>(rng() % 1000)}}};
    const std::string path = ToPath(t).ValueOrDie();
    EXPECT_EQ(FromPath<TopLevel>(path).ValueOrDie(), t) << path;
    EXPECT_EQ(FromString<TopLevel>(ToString(t).ValueOrDie()).ValueOrDie(), t);
    EXPECT_EQ(KeyHash{}(t), ToKey(t)->Hash());
    keys.push_back(t);
  }
  // The typed order and the IndexKey order agree.
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    const auto typed = keys[i] <=> keys[i + 1];
    const auto runtime = ToKey(keys[i]).ValueOrDie() <=> ToKey(keys[i + 1]).ValueOrDie();
    EXPECT_EQ(typed, runtime);
  }
}

}  // namespace
}  // namespace oups
