// Tests of `oups log`, `oups vacuum` and `--as-of` (src/cli/history.cc): the
// versions a dataset keeps, as a table and as JSON lines, the reads of an
// older version, and a vacuum with and without a registered reader.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_test_util.h"

namespace oups::cli_test {
namespace {

// The "ts" values of JSON lines output.
std::vector<int64_t> TsOf(const std::string& jsonl) {
  std::vector<int64_t> out;
  for (const std::string& line : Lines(jsonl)) out.push_back(IntMember(ParseJson(line), "ts"));
  return out;
}

class HistoryCliTest : public ::testing::Test {
 protected:
  // Four versions kept: a write of 3 rows (rgs [0, 1] [2]), an append of 2
  // (a new rg [3, 4]), a key-value change, a restore of version 1 (dropping
  // [3, 4], and the key).
  void SetUp() override {
    auto ds = OrderedDataset::Open(fs_, "/ds").ValueOrDie();
    WriteOptions o;
    o.ordered_on = "ts";
    o.row_group_target_size = int64_t{2};
    o.keep_versions = 10;
    ASSERT_TRUE(ds.Write(TsTable(Range(0, 3)), o).ok());
    ASSERT_TRUE(ds.Write(TsTable(Range(3, 5)), WriteOptions{.row_group_target_size = int64_t{2}})
                    .ok());
    ASSERT_TRUE(ds.Write(WriteOptions{.key_value_metadata = {{"source", "feed"}}}).ok());
    ASSERT_EQ(ds.Restore(1).ValueOrDie(), 4u);
    versions_ = ds.Versions().ValueOrDie();
    ASSERT_EQ(versions_.size(), 4u);
  }
  std::shared_ptr<MemoryFileSystem> fs_ = NewMemoryFileSystem();
  std::vector<VersionInfo> versions_;
};

TEST_F(HistoryCliTest, LogPrintsOneEntryPerKeptVersion) {
  CliResult r = RunCli(fs_, {"log", "/ds"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 8u) << r.out;
  const std::vector<std::string> expected = {
      "version 1  write  " + versions_[0].committed_at,
      "    +3 rows, 2 row groups written (3 rows), 0 dropped; 3 rows in 2 row groups",
      "version 2  write  " + versions_[1].committed_at,
      "    +2 rows, 1 row group written (2 rows), 0 dropped; 5 rows in 3 row groups",
      "version 3  metadata  " + versions_[2].committed_at,
      "    rows unchanged, 0 row groups written (0 rows), 0 dropped; 5 rows in 3 row groups; "
      "source = feed",
      "version 4  restore  " + versions_[3].committed_at + "  restored from version 1",
      "    -2 rows, 0 row groups written (0 rows), 1 dropped; 3 rows in 2 row groups; "
      "source removed",
  };
  EXPECT_EQ(lines, expected) << r.out;
}

TEST_F(HistoryCliTest, LogJsonIsOneObjectPerVersion) {
  CliResult r = RunCli(fs_, {"log", "/ds", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), versions_.size()) << r.out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const VersionInfo& v = versions_[i];
    json::Value o = ParseJson(lines[i]);
    EXPECT_EQ(IntMember(o, "version"), static_cast<int64_t>(v.version));
    EXPECT_EQ(StrMember(o, "kind"), v.kind);
    EXPECT_EQ(StrMember(o, "committed_at"), v.committed_at);
    EXPECT_EQ(IntMember(o, "rows_added"), v.rows_added);
    EXPECT_EQ(IntMember(o, "rows_removed"), v.rows_removed);
    EXPECT_EQ(IntMember(o, "rows_written"), v.rows_written);
    EXPECT_EQ(IntMember(o, "row_groups_written"), v.row_groups_written);
    EXPECT_EQ(IntMember(o, "row_groups_dropped"), v.row_groups_dropped);
    EXPECT_EQ(IntMember(o, "num_rows"), v.num_rows);
    EXPECT_EQ(IntMember(o, "num_row_groups"), v.num_row_groups);
    EXPECT_TRUE(Member(o, "kv_changes").is_object());
    EXPECT_EQ(Member(o, "kv_changes").members().size(), v.kv_changes.size());
    // Every member on every line, null when not a restore.
    if (v.restored_from) {
      EXPECT_EQ(IntMember(o, "restored_from"), static_cast<int64_t>(*v.restored_from));
    } else {
      EXPECT_TRUE(Member(o, "restored_from").is_null()) << lines[i];
    }
  }
  json::Value v3 = ParseJson(lines[2]);
  EXPECT_EQ(StrMember(Member(v3, "kv_changes"), "source"), "feed");
  json::Value v4 = ParseJson(lines[3]);
  EXPECT_TRUE(Member(Member(v4, "kv_changes"), "source").is_null());
  EXPECT_EQ(IntMember(v4, "restored_from"), 1);
}

TEST_F(HistoryCliTest, AsOfReadsAKeptVersionByNumberOrTime) {
  CliResult v1 = RunCli(fs_, {"cat", "/ds", "--as-of", "1"});
  ASSERT_EQ(v1.code, 0) << v1.err;
  EXPECT_EQ(TsOf(v1.out), Range(0, 3));
  CliResult v2 = RunCli(fs_, {"cat", "/ds", "--as-of=2"});
  ASSERT_EQ(v2.code, 0) << v2.err;
  EXPECT_EQ(TsOf(v2.out), Range(0, 5));
  // The version in force at the commit time of version 2 (UTC, 'T' and 'Z').
  CliResult t2 = RunCli(fs_, {"cat", "/ds", "--as-of", versions_[1].committed_at});
  ASSERT_EQ(t2.code, 0) << t2.err;
  EXPECT_EQ(TsOf(t2.out), Range(0, 5));
  CliResult latest = RunCli(fs_, {"cat", "/ds"});
  EXPECT_EQ(TsOf(latest.out), Range(0, 3));
  // Not kept, before the first version, or not a version: errors.
  CliResult nine = RunCli(fs_, {"cat", "/ds", "--as-of", "9"});
  EXPECT_EQ(nine.code, 1);
  EXPECT_NE(nine.err.find("version 9"), std::string::npos) << nine.err;
  EXPECT_NE(nine.err.find("not readable"), std::string::npos) << nine.err;
  CliResult early = RunCli(fs_, {"cat", "/ds", "--as-of", "2000-01-01"});
  EXPECT_EQ(early.code, 1) << early.out;
  CliResult bad = RunCli(fs_, {"cat", "/ds", "--as-of", "yesterday"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--as-of"), std::string::npos) << bad.err;
}

TEST_F(HistoryCliTest, VacuumKeepsFilesOfARegisteredReaderThenDeletesThem) {
  auto ds = OrderedDataset::Open(fs_, "/ds").ValueOrDie();
  {
    // A reader of version 2 holds its files while the retention drops to the
    // latest version only.
    auto reader = ds.Snapshot(AsOf::Version(2)).ValueOrDie();
    ASSERT_TRUE(ds.Write(TsTable({10}), WriteOptions{.keep_versions = 1}).ok());
    CliResult r = RunCli(fs_, {"vacuum", "/ds", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    json::Value doc = ParseJson(r.out);
    EXPECT_EQ(StrMember(doc, "dataset"), "/ds");
    EXPECT_EQ(IntMember(doc, "versions_expired"), 0);  // the write expired them
    EXPECT_GT(IntMember(doc, "files_kept_for_readers"), 0) << r.out;
    EXPECT_EQ(IntMember(doc, "files_deleted"), 0) << r.out;
    EXPECT_GE(IntMember(doc, "history_files_deleted"), 0);
    // The reader still reads version 2; the latest is the restored rows + 10.
    EXPECT_EQ(reader.Read().ValueOrDie().num_rows(), 5);
    EXPECT_EQ(TsOf(RunCli(fs_, {"cat", "/ds"}).out), (std::vector<int64_t>{0, 1, 2, 10}));
  }
  CliResult text = RunCli(fs_, {"vacuum", "/ds"});
  ASSERT_EQ(text.code, 0) << text.err;
  const std::string prefix = "vacuumed /ds: 0 versions expired, ";
  ASSERT_EQ(text.out.substr(0, prefix.size()), prefix) << text.out;
  EXPECT_NE(text.out.find(" row-group file"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("0 row-group files"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("kept for registered readers"), std::string::npos) << text.out;
  // Only the latest version is left.
  CliResult log = RunCli(fs_, {"log", "/ds", "--json"});
  ASSERT_EQ(Lines(log.out).size(), 1u) << log.out;
  EXPECT_EQ(IntMember(ParseJson(log.out), "version"), 5);
  EXPECT_EQ(RunCli(fs_, {"cat", "/ds", "--as-of", "2"}).code, 1);
  // Nothing left to do.
  CliResult again = RunCli(fs_, {"vacuum", "/ds", "--json"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(IntMember(ParseJson(again.out), "files_deleted"), 0);
}

TEST_F(HistoryCliTest, UsageErrorsAndMissingDatasets) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"log"}, {"log", "/ds", "/other"}, {"vacuum"},
        {"vacuum", "/ds", "--lock-timeout", "soon"}, {"log", "/ds", "--nope"}}) {
    CliResult r = RunCli(fs_, args);
    EXPECT_EQ(r.code, 2) << args[0] << " " << r.err;
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
  }
  for (const char* cmd : {"log", "vacuum"}) {
    CliResult r = RunCli(fs_, {cmd, "/missing"});
    EXPECT_EQ(r.code, 1) << cmd;
    EXPECT_NE(r.err.find("/missing"), std::string::npos) << r.err;
  }
  // A dataset without history lists its latest version only.
  MakeDataset(fs_, "/plain", Range(0, 4), 2);
  CliResult plain = RunCli(fs_, {"log", "/plain", "--json"});
  ASSERT_EQ(plain.code, 0) << plain.err;
  ASSERT_EQ(Lines(plain.out).size(), 1u);
  EXPECT_EQ(IntMember(ParseJson(plain.out), "num_rows"), 4);
}

}  // namespace
}  // namespace oups::cli_test
