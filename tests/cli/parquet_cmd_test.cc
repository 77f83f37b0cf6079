// Tests of `oups parquet cat|meta` (src/cli/parquet_cmd.cc).
#include <gtest/gtest.h>

#include <sstream>

#include "cli_test_util.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "oups/parquet/printer.h"
#include "oups/table/format.h"

namespace oups::cli_test {
namespace {

class ParquetCmdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    parquet::WriterOptions o;
    o.row_group_size = 2;  // three row groups
    ASSERT_TRUE(
        parquet::WriteTable(*fs_, "/f.parquet", TsTable({1, 2, 3, 4, 5}), o).ok());
  }
  std::shared_ptr<MemoryFileSystem> fs_ = NewMemoryFileSystem();
};

TEST_F(ParquetCmdTest, CatPrintsAsThePrinter) {
  std::ostringstream expected;
  ASSERT_TRUE(PrintRowsJsonl(TsTable({1, 2, 3, 4, 5}), expected).ok());
  CliResult r = RunCli(fs_, {"parquet", "cat", "/f.parquet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, expected.str());
  CliResult csv = RunCli(
      fs_, {"parquet", "cat", "/f.parquet", "--columns", "s,ts", "--format", "csv"});
  EXPECT_EQ(csv.out, "s,ts\ns1,1\ns2,2\ns3,3\ns4,4\ns5,5\n");
  CliResult table = RunCli(
      fs_, {"parquet", "cat", "/f.parquet", "--columns", "x", "--format", "table"});
  EXPECT_EQ(table.out, " x\n--\n10\n20\n30\n40\n50\n");
}

TEST_F(ParquetCmdTest, MetaIsThePrintersJson) {
  CliResult r = RunCli(fs_, {"parquet", "meta", "/f.parquet"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto reader = parquet::FileReader::Open(*fs_, "/f.parquet");
  ASSERT_TRUE(reader.ok());
  std::ostringstream expected;
  ASSERT_TRUE(parquet::PrintMetadataJson((*reader)->metadata(), expected).ok());
  EXPECT_EQ(r.out, expected.str());
  EXPECT_TRUE(json::Parse(r.out).ok());
}

TEST_F(ParquetCmdTest, ErrorsAndUsage) {
  CliResult missing = RunCli(fs_, {"parquet", "cat", "/nope.parquet"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("/nope.parquet"), std::string::npos);
  WriteText(*fs_, "/bad.parquet", "PAR1garbagePAR1");
  CliResult bad = RunCli(fs_, {"parquet", "meta", "/bad.parquet"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("/bad.parquet"), std::string::npos);
  CliResult column = RunCli(fs_, {"parquet", "cat", "/f.parquet", "--columns", "zz"});
  EXPECT_EQ(column.code, 1);
  EXPECT_EQ(column.err, "oups parquet: Not found: /f.parquet: no column 'zz'\n");
  EXPECT_EQ(RunCli(fs_, {"parquet"}).code, 2);
  EXPECT_EQ(RunCli(fs_, {"parquet", "dump", "/f.parquet"}).code, 2);
  EXPECT_EQ(RunCli(fs_, {"parquet", "cat"}).code, 2);
  EXPECT_EQ(RunCli(fs_, {"parquet", "cat", "/f.parquet", "--format", "xml"}).code, 2);
  EXPECT_EQ(RunCli(fs_, {"parquet", "meta", "/f.parquet", "--columns", "x"}).code, 2);
  CliResult help = RunCli(fs_, {"parquet", "--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_EQ(help.out.substr(0, 24), "usage: oups parquet cat ");
}

TEST(RunCli, TopLevelUsageAndUnknownCommand) {
  auto fs = NewMemoryFileSystem();
  CliResult help = RunCli(fs, {"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_EQ(help.out, cli::MainUsage());
  CliResult none = RunCli(fs, {});
  EXPECT_EQ(none.code, 2);
  EXPECT_EQ(none.err, "oups: missing command (ls, info, cat, write, ...). See 'oups --help'.\n");
  CliResult unknown = RunCli(fs, {"frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_EQ(unknown.err.substr(0, 33), "oups: unknown command 'frobnicate");
  // Every command answers --help on stdout with exit 0.
  for (const char* cmd : {"ls", "info", "cat", "head", "tail", "write", "verify",
                          "compact", "rm", "parquet"}) {
    CliResult r = RunCli(fs, {cmd, "--help"});
    EXPECT_EQ(r.code, 0) << cmd;
    EXPECT_EQ(r.err, "") << cmd;
    EXPECT_EQ(r.out.substr(0, 12 + std::string(cmd).size()),
              std::string("usage: oups ") + cmd);
  }
}

}  // namespace
}  // namespace oups::cli_test
