// Tests of `oups recover` (src/cli/recover.cc): a lost metadata file rebuilt
// from the row-group files, also of a dataset whose schema evolved; refusals
// exit 1 and write nothing; usage errors exit 2.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_test_util.h"

namespace oups::cli_test {
namespace {

TEST(RecoverCliTest, RebuildsALostMetadataFile) {
  auto fs = NewMemoryFileSystem();
  MakeDataset(fs, "/store/ds", Range(0, 10), 4);  // rgs [0..3] [4..7] [8, 9]
  const std::string before = RunCli(fs, {"cat", "/store/ds"}).out;
  ASSERT_TRUE(fs->DeleteFile("/store/ds_opdmd").ok());
  EXPECT_EQ(RunCli(fs, {"cat", "/store/ds"}).code, 1);

  CliResult r = RunCli(fs, {"recover", "/store/ds", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json::Value doc = ParseJson(r.out);
  EXPECT_EQ(StrMember(doc, "dataset"), "/store/ds");
  EXPECT_EQ(StrMember(doc, "metadata_file"), "/store/ds_opdmd");
  EXPECT_EQ(StrMember(doc, "ordered_on"), "ts");
  EXPECT_EQ(IntMember(doc, "rows"), 10);
  EXPECT_EQ(IntMember(doc, "num_row_groups"), 3);
  EXPECT_EQ(Member(doc, "files").items().size(), 3u);
  EXPECT_FALSE(Member(doc, "schema_evolution").bool_value());
  EXPECT_EQ(RunCli(fs, {"cat", "/store/ds"}).out, before);

  // Again: the metadata file exists, nothing to recover (exit 1, one line).
  CliResult again = RunCli(fs, {"recover", "/store/ds"});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("nothing to recover"), std::string::npos) << again.err;
  // Usage errors.
  EXPECT_EQ(RunCli(fs, {"recover"}).code, 2);
  EXPECT_EQ(RunCli(fs, {"recover", "/store/ds", "--ordered-on="}).code, 2);
  EXPECT_EQ(RunCli(fs, {"recover", "/store/ds", "--lock-timeout", "-1"}).code, 2);
}

TEST(RecoverCliTest, RecoversADatasetWhoseSchemaEvolved) {
  auto fs = NewMemoryFileSystem();
  MakeDataset(fs, "/store/ev", Range(0, 6), 3);
  // A write adding a column, with --schema-evolution.
  WriteText(*fs, "/in.csv", "ts,x,s,extra\n6,60,s6,1.5\n7,70,s7,2.5\n");
  CliResult w = RunCli(fs, {"write", "/store/ev", "--from", "/in.csv", "--schema-evolution"});
  ASSERT_EQ(w.code, 0) << w.err;
  const std::string before = RunCli(fs, {"cat", "/store/ev"}).out;
  ASSERT_NE(before.find("\"extra\":null"), std::string::npos) << before;
  ASSERT_TRUE(fs->DeleteFile("/store/ev_opdmd").ok());

  CliResult text = RunCli(fs, {"recover", "/store/ev"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("schemas differ"), std::string::npos) << text.out;
  EXPECT_EQ(RunCli(fs, {"cat", "/store/ev"}).out, before);
  // The recovered dataset takes writes with the newest schema.
  WriteText(*fs, "/more.csv", "ts,x,s,extra\n8,80,s8,3.5\n");
  ASSERT_EQ(RunCli(fs, {"write", "/store/ev", "--from", "/more.csv"}).code, 0);
  EXPECT_EQ(Lines(RunCli(fs, {"cat", "/store/ev"}).out).size(), 9u);

  ASSERT_TRUE(fs->DeleteFile("/store/ev_opdmd").ok());
  CliResult json_r = RunCli(fs, {"recover", "/store/ev", "--json"});
  ASSERT_EQ(json_r.code, 0) << json_r.err;
  EXPECT_TRUE(Member(ParseJson(json_r.out), "schema_evolution").bool_value());
}

}  // namespace
}  // namespace oups::cli_test
