// `oups write` and `oups compact` and the remembered row-group layout
// (docs/behaviour.md#remembered-settings): a target or coalescing setting
// given is stored with the dataset, and later writes that omit it use it.
// Also the safe conversions of Parquet input to the stored types
// (docs/behaviour.md#safe-conversions), done by the core for every writer.
#include <gtest/gtest.h>

#include "cli_test_util.h"
#include "dataset/metadata_file.h"
#include "oups/parquet/file_writer.h"

namespace oups::cli_test {
namespace {

class WriteSettingsCliTest : public ::testing::Test {
 protected:
  std::vector<int64_t> NRows(const std::string& path) {
    auto ds = OrderedDataset::Open(fs_, path).ValueOrDie();
    Table stats = ds.RowGroupStats().ValueOrDie();
    Column n = stats.GetColumn("n_rows").ValueOrDie();
    std::vector<int64_t> out;
    for (int64_t i = 0; i < n.length(); ++i) {
      out.push_back(static_cast<int64_t>(n.data<uint64_t>()[i]));
    }
    return out;
  }
  dataset::WriteSettings Settings(const std::string& path) {
    return dataset::ReadMetadataFile(*fs_, path + "_opdmd").ValueOrDie().write_settings;
  }
  void Csv(const std::string& path, int64_t from, int64_t to) {
    std::string text = "ts,x\n";
    for (int64_t i = from; i < to; ++i) text += std::to_string(i) + "," + std::to_string(i) + "\n";
    WriteText(*fs_, path, text);
  }
  std::shared_ptr<MemoryFileSystem> fs_ = NewMemoryFileSystem();
};

TEST_F(WriteSettingsCliTest, TargetGivenOnceIsUsedByLaterWrites) {
  Csv("/a.csv", 0, 4);
  CliResult r = RunCli(fs_, {"write", "/ds", "--ordered-on", "ts", "--from", "/a.csv",
                             "--row-group-target-size", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(std::get<int64_t>(*Settings("/ds").row_group_target_size), 2);
  Csv("/b.csv", 4, 10);
  r = RunCli(fs_, {"write", "/ds", "--from", "/b.csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(NRows("/ds"), (std::vector<int64_t>{2, 2, 2, 2, 2}));
  // Given again: overrides and is stored.
  Csv("/c.csv", 10, 13);
  r = RunCli(fs_, {"write", "/ds", "--from", "/c.csv", "--row-group-target-size", "3"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(std::get<int64_t>(*Settings("/ds").row_group_target_size), 3);
  EXPECT_EQ(NRows("/ds"), (std::vector<int64_t>{2, 2, 2, 2, 2, 3}));
}

TEST_F(WriteSettingsCliTest, SettingsStoredByPythonOrCppAreUsedByTheCli) {
  MakeDataset(fs_, "/ds", Range(0, 4), 2);  // a C++ write with target 2
  WriteText(*fs_, "/n.csv", "ts,x,s\n4,40,s4\n5,50,s5\n6,60,s6\n");
  CliResult r = RunCli(fs_, {"write", "/ds", "--from", "/n.csv", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(IntMember(ParseJson(r.out), "num_row_groups"), 4);
}

TEST_F(WriteSettingsCliTest, MaxNOffTargetRgsRememberedAndNoneTurnsItOff) {
  Csv("/0.csv", 0, 1);
  CliResult r = RunCli(fs_, {"write", "/ds", "--ordered-on", "ts", "--from", "/0.csv",
                             "--row-group-target-size", "4", "--max-n-off-target-rgs", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (int64_t v = 1; v < 8; ++v) {
    Csv("/v.csv", v, v + 1);
    r = RunCli(fs_, {"write", "/ds", "--from", "/v.csv"});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  EXPECT_LT(NRows("/ds").size(), 4u);  // coalesced, not 8 row groups of 1 row
  Csv("/n.csv", 8, 9);
  r = RunCli(fs_, {"write", "/ds", "--from", "/n.csv", "--max-n-off-target-rgs", "none"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(Settings("/ds").max_n_off_target_rgs.has_value());
  EXPECT_FALSE(Settings("/ds").max_n_off_target_rgs->has_value());
  const size_t before = NRows("/ds").size();
  for (int64_t v = 9; v < 12; ++v) {
    Csv("/v.csv", v, v + 1);
    ASSERT_EQ(RunCli(fs_, {"write", "/ds", "--from", "/v.csv"}).code, 0);
  }
  EXPECT_EQ(NRows("/ds").size(), before + 3);  // no coalescing any more
  EXPECT_EQ(RunCli(fs_, {"write", "/ds", "--from", "/v.csv", "--max-n-off-target-rgs", "x"}).code,
            2);
}

TEST_F(WriteSettingsCliTest, CompactStoresItsSettings) {
  MakeDataset(fs_, "/ds", Range(0, 6), 1);
  CliResult r = RunCli(fs_, {"compact", "/ds", "--row-group-target-size", "3"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(NRows("/ds"), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(std::get<int64_t>(*Settings("/ds").row_group_target_size), 3);
  EXPECT_EQ(*Settings("/ds").max_n_off_target_rgs, std::optional<int64_t>{1});
}

TEST_F(WriteSettingsCliTest, HelpNamesTheDefaultTarget) {
  CliResult r = RunCli(fs_, {"write", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("remembered target, else " + std::to_string(kDefaultRowGroupTargetSize)),
            std::string::npos)
      << r.out;
}

TEST_F(WriteSettingsCliTest, ParquetInputIsConvertedSafelyToTheStoredTypes) {
  auto ds = OrderedDataset::Open(fs_, "/px").ValueOrDie();
  auto first = MakeTable({{"ts", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{1})
                                     .ValueOrDie()},
                          {"price", ColumnFromVector(DataType::Float64(), std::vector<double>{1.5})
                                        .ValueOrDie()}})
                   .ValueOrDie();
  ASSERT_TRUE(ds.Write(first, {.ordered_on = "ts"}).ok());
  auto ints = [](std::vector<int64_t> ts, const DataType& ptype, std::vector<int64_t> price) {
    return MakeTable({{"ts", ColumnFromVector(DataType::Int32(), ts).ValueOrDie()},
                      {"price", ColumnFromVector(ptype, price).ValueOrDie()}})
        .ValueOrDie();
  };
  ASSERT_TRUE(parquet::WriteTable(*fs_, "/ok.parquet", ints({2, 3}, DataType::Int64(), {-1, 7})).ok());
  CliResult r = RunCli(fs_, {"write", "/px", "--from", "/ok.parquet"});
  ASSERT_EQ(r.code, 0) << r.err;
  Table t = ds.Read().ValueOrDie();
  EXPECT_EQ(t.GetColumn("ts").ValueOrDie().type(), DataType::Int64());
  EXPECT_EQ(t.GetColumn("price").ValueOrDie().data<double>()[1], -1.0);
  ASSERT_TRUE(parquet::WriteTable(*fs_, "/lossy.parquet",
                                  ints({4}, DataType::Int64(), {(int64_t{1} << 53) + 1}))
                  .ok());
  r = RunCli(fs_, {"write", "/px", "--from", "/lossy.parquet"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("column 'price' is stored as float64 but given as int64"), std::string::npos)
      << r.err;
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 3);
}

}  // namespace
}  // namespace oups::cli_test
