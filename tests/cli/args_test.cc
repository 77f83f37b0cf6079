// Tests of the CLI argument parser (src/cli/args.h).
#include "cli/args.h"

#include <gtest/gtest.h>
#include "cli_test_util.h"

namespace oups::cli {
namespace {

const std::vector<FlagSpec> kSpecs = {{"--columns", "", true},
                                      {"-n", "--lines", true},
                                      {"--json"},
                                      {"--kv", "", true, true}};

TEST(ParseArgs, FlagsValuesAndPositionals) {
  auto p = ParseArgs(
      {"ds", "--columns", "a,b", "--json", "-n", "5", "--kv=a=1", "--kv", "b=2"}, kSpecs);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->positional, std::vector<std::string>{"ds"});
  EXPECT_EQ(p->Get("--columns"), "a,b");
  EXPECT_TRUE(p->Has("--json"));
  EXPECT_EQ(p->Get("-n"), "5");
  EXPECT_EQ(p->GetAll("--kv"), (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_FALSE(p->help);
  EXPECT_FALSE(p->Has("--missing"));
  EXPECT_EQ(p->Get("--missing"), std::nullopt);
}

TEST(ParseArgs, AliasHelpAndDoubleDash) {
  auto p = ParseArgs({"--lines=3", "-h", "--", "--json", "-x"}, kSpecs);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->Get("-n"), "3");
  EXPECT_TRUE(p->help);
  EXPECT_EQ(p->positional, (std::vector<std::string>{"--json", "-x"}));
  EXPECT_FALSE(p->Has("--json"));
}

TEST(ParseArgs, NegativeNumberAsValueAndPositional) {
  auto p = ParseArgs({"--columns", "-5", "-7", "-"}, kSpecs);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->Get("--columns"), "-5");
  EXPECT_EQ(p->positional, (std::vector<std::string>{"-7", "-"}));
}

TEST(ParseArgs, UsageErrorsNameTheOption) {
  auto unknown = ParseArgs({"--colums", "a"}, kSpecs);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(),
            "unknown option '--colums'; did you mean '--columns'?");
  auto missing = ParseArgs({"--columns"}, kSpecs);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "option --columns needs a value");
  auto twice = ParseArgs({"--columns", "a", "--columns", "b"}, kSpecs);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().message(), "option --columns given more than once");
  auto value = ParseArgs({"--json=yes"}, kSpecs);
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().message(), "option --json takes no value");
}

// GitHub issue 17: a misspelled option got no hint.
TEST(ParseArgs, UnknownOptionSuggestsTheClosestKnownOne) {
  auto message = [](std::vector<std::string> args) {
    auto p = ParseArgs(args, kSpecs);
    return p.ok() ? std::string("ok") : p.status().message();
  };
  // A swap, a missing letter, an alias, a prefix, --help itself.
  EXPECT_EQ(message({"--jsno"}), "unknown option '--jsno'; did you mean '--json'?");
  EXPECT_EQ(message({"--line", "3"}), "unknown option '--line'; did you mean '--lines'?");
  EXPECT_EQ(message({"--col=a"}), "unknown option '--col'; did you mean '--columns'?");
  EXPECT_EQ(message({"--hlep"}), "unknown option '--hlep'; did you mean '--help'?");
  // Nothing close: no guess.
  EXPECT_EQ(message({"--zebra"}), "unknown option '--zebra'");
  EXPECT_EQ(message({"-q"}), "unknown option '-q'");
}

TEST(ClosestName, NearestWithinAThirdOfTheLength) {
  const std::vector<std::string> known = {"--start", "--end-excl", "--format", "--force"};
  EXPECT_EQ(ClosestName("--fromat", known), "--format");
  EXPECT_EQ(ClosestName("--forse", known), "--force");
  EXPECT_EQ(ClosestName("--end", known), "--end-excl");  // the only one starting so
  EXPECT_EQ(ClosestName("--fo", known), std::nullopt);   // two start so
  EXPECT_EQ(ClosestName("--stop", known), std::nullopt);
  EXPECT_EQ(ClosestName("--", known), std::nullopt);
}

TEST(SplitList, DropsEmptyItems) {
  EXPECT_EQ(SplitList("a,b,,c,"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(SplitList("").empty());
  EXPECT_EQ(SplitList("x=1;y", ';'), (std::vector<std::string>{"x=1", "y"}));
}

TEST(ParseInt64, WholeTextOnly) {
  EXPECT_EQ(ParseInt64("42"), 42);
  EXPECT_EQ(ParseInt64("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(ParseInt64("+7"), 7);
  EXPECT_EQ(ParseInt64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseInt64("1.5"), std::nullopt);
  EXPECT_EQ(ParseInt64("12a"), std::nullopt);
  EXPECT_EQ(ParseInt64(""), std::nullopt);
  EXPECT_EQ(ParseInt64("+"), std::nullopt);
  EXPECT_EQ(ParseInt64(" 1"), std::nullopt);
}

}  // namespace
}  // namespace oups::cli

namespace oups::cli_test {
namespace {

// GitHub issue 17: usage errors other than an unknown option printed the
// whole help page. Every one is now one line with a pointer to --help, exit 2;
// a failure of the operation is exit 1, success 0.
TEST(UsageErrors, OneLineAndAHintWithConsistentExitCodes) {
  auto fs = NewMemoryFileSystem();
  MakeDataset(fs, "/ds", Range(0, 5), 2);
  const std::vector<std::vector<std::string>> usage_errors = {
      {},
      {"cat"},
      {"cat", "/ds", "/ds"},
      {"head", "/ds", "-n", "x"},
      {"cat", "/ds", "--format", "xml"},
      {"write", "/ds"},
      {"write", "/ds", "--from", "x.txt"},
      {"write", "/ds", "--from", "/in.csv", "--threads", "0"},
      {"compact", "/ds"},
      {"rm"},
      {"sql"},
      {"completion", "zsh"},
      {"parquet"},
      {"info"},
  };
  for (const auto& args : usage_errors) {
    CliResult r = RunCli(fs, args);
    std::string line;
    for (const std::string& a : args) line += a + " ";
    EXPECT_EQ(r.code, 2) << line << r.err;
    EXPECT_EQ(r.out, "") << line;
    EXPECT_EQ(Lines(r.err).size(), 1u) << line << r.err;
    EXPECT_NE(r.err.find("See 'oups"), std::string::npos) << line << r.err;
    EXPECT_EQ(r.err.find("usage:"), std::string::npos) << line << r.err;
  }
  EXPECT_EQ(RunCli(fs, {"cat", "/nope"}).code, 1);
  EXPECT_EQ(RunCli(fs, {"sql", "/nope"}).code, 1);
  EXPECT_EQ(RunCli(fs, {"cat", "/ds", "--help"}).code, 0);
  EXPECT_EQ(RunCli(fs, {"cat", "/ds"}).code, 0);
}

}  // namespace
}  // namespace oups::cli_test
