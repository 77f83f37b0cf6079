// Tests of `oups sql` (src/cli/sql.cc); DuckDB runs its output in
// interop/recipes.py.
#include <gtest/gtest.h>

#include "cli_test_util.h"

namespace oups::cli_test {
namespace {

TEST(SqlTest, ViewOverTheCommittedFilesInOrder) {
  auto fs = NewMemoryFileSystem();
  MakeDataset(fs, "/s/it's", Range(0, 5), 2);  // 3 rgs
  CliResult r = RunCli(fs, {"sql", "/s/it's/"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "CREATE OR REPLACE VIEW \"it's\" AS SELECT * FROM read_parquet([\n"
            "  '/s/it''s/file_00000000.parquet',\n"
            "  '/s/it''s/file_00000001.parquet',\n"
            "  '/s/it''s/file_00000002.parquet']);\n");
  CliResult named = RunCli(fs, {"sql", "/s/it's", "--name", "a\"b"});
  EXPECT_EQ(Lines(named.out)[0], "CREATE OR REPLACE VIEW \"a\"\"b\" AS SELECT * FROM read_parquet([");
  CliResult missing = RunCli(fs, {"sql", "/s/none"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(RunCli(fs, {"sql"}).code, 2);
  auto ds = OrderedDataset::Open(fs, "/s/empty");
  ASSERT_TRUE(ds.ok());
  WriteOptions o;
  o.ordered_on = "ts";
  ASSERT_TRUE(ds->Write(o).ok());
  CliResult empty = RunCli(fs, {"sql", "/s/empty"});
  EXPECT_EQ(empty.code, 1);
  EXPECT_NE(empty.err.find("no rows yet"), std::string::npos) << empty.err;
}

}  // namespace
}  // namespace oups::cli_test
