// Tests of `oups ls` and `oups info` (src/cli/inspect.cc): JSON compared
// field by field, text layout, exit codes.
#include <gtest/gtest.h>

#include "cli_test_util.h"
#include "cli/util.h"
#include <map>
#include <set>
#include <sstream>

#include "dataset/file_naming.h"
#include "oups/io/file_system_wrapper.h"

namespace oups::cli_test {
namespace {

class InspectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeDataset(fs_, "/store/a/day", Range(0, 10), 4, {{"source", "test"}});
    MakeDataset(fs_, "/store/b", Range(100, 103), 10);
    // A metadata-only dataset, deeper.
    auto ds = OrderedDataset::Open(fs_, "/store/c/d/e");
    ASSERT_TRUE(ds.ok());
    WriteOptions o;
    o.ordered_on = "ts";
    ASSERT_TRUE(ds->Write(o).ok());
  }
  std::shared_ptr<MemoryFileSystem> fs_ = NewMemoryFileSystem();
};

int64_t DirBytes(FileSystem& fs, const std::string& dir, const std::string& metadata) {
  int64_t total = fs.Stat(metadata)->size;
  for (const FileInfo& e : *fs.ListDir(dir)) total += e.size;
  return total;
}

TEST_F(InspectTest, LsJsonListsEveryDatasetAtAnyDepth) {
  CliResult r = RunCli(fs_, {"ls", "/store", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  json::Value doc = ParseJson(r.out);
  EXPECT_EQ(StrMember(doc, "path"), "/store");
  const auto& list = Member(doc, "datasets").items();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(StrMember(list[0], "path"), "a/day");
  EXPECT_EQ(IntMember(list[0], "rows"), 10);
  EXPECT_EQ(IntMember(list[0], "num_row_groups"), 3);
  EXPECT_EQ(StrMember(list[0], "ordered_on"), "ts");
  EXPECT_EQ(IntMember(list[0], "min"), 0);
  EXPECT_EQ(IntMember(list[0], "max"), 9);
  EXPECT_EQ(IntMember(list[0], "bytes"),
            DirBytes(*fs_, "/store/a/day", "/store/a/day_opdmd"));
  EXPECT_EQ(StrMember(list[1], "path"), "b");
  EXPECT_EQ(IntMember(list[1], "rows"), 3);
  EXPECT_EQ(IntMember(list[1], "min"), 100);
  EXPECT_EQ(IntMember(list[1], "max"), 102);
  EXPECT_EQ(StrMember(list[2], "path"), "c/d/e");
  EXPECT_EQ(IntMember(list[2], "rows"), 0);
  EXPECT_EQ(IntMember(list[2], "num_row_groups"), 0);
  EXPECT_TRUE(Member(list[2], "min").is_null());
  EXPECT_TRUE(Member(list[2], "max").is_null());
  EXPECT_EQ(IntMember(list[2], "bytes"), fs_->Stat("/store/c/d/e_opdmd")->size);
}

TEST_F(InspectTest, LsTextIsAnAlignedTable) {
  CliResult r = RunCli(fs_, {"ls", "/store/"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  EXPECT_EQ(lines[0].substr(0, 36), "dataset  rows  row_groups  ordered_o");
  EXPECT_EQ(lines[1].substr(0, 15), "-------  ----  ");
  EXPECT_EQ(lines[2].substr(0, 37), "a/day      10           3  ts        ");
  EXPECT_EQ(lines[4].substr(0, 37), "c/d/e       0           0  ts        ");
  EXPECT_NE(lines[4].find("ts          -    -  "), std::string::npos) << lines[4];
}

// GitHub issue 17: sizes were bytes only; now for people, exact with --bytes
// (JSON always in bytes).
TEST_F(InspectTest, SizesForPeopleAndExactWithBytes) {
  const int64_t bytes = DirBytes(*fs_, "/store/a/day", "/store/a/day_opdmd");
  ASSERT_GE(bytes, 1024);  // so that the human form differs from the count
  CliResult human = RunCli(fs_, {"ls", "/store"});
  ASSERT_EQ(human.code, 0) << human.err;
  auto lines = Lines(human.out);
  ASSERT_EQ(lines.size(), 5u) << human.out;
  EXPECT_TRUE(lines[0].ends_with("  size")) << lines[0];
  EXPECT_TRUE(lines[2].ends_with("  " + cli::HumanSize(bytes))) << lines[2];
  EXPECT_NE(cli::HumanSize(bytes).find(" KiB"), std::string::npos);
  CliResult exact = RunCli(fs_, {"ls", "/store", "--bytes"});
  ASSERT_EQ(exact.code, 0) << exact.err;
  lines = Lines(exact.out);
  ASSERT_EQ(lines.size(), 5u) << exact.out;
  EXPECT_TRUE(lines[0].ends_with("  bytes")) << lines[0];
  EXPECT_TRUE(lines[2].ends_with("  " + std::to_string(bytes))) << lines[2];

  CliResult info = RunCli(fs_, {"info", "/store/a/day"});
  ASSERT_EQ(info.code, 0) << info.err;
  lines = Lines(info.out);
  EXPECT_EQ(lines[4], "size        " + cli::HumanSize(bytes));
  const int64_t rg0 = fs_->Stat("/store/a/day/" + dataset::RowGroupFileName(0))->size;
  EXPECT_TRUE(lines[19].ends_with("  size")) << lines[19];
  EXPECT_TRUE(lines[21].ends_with("  " + cli::HumanSize(rg0))) << lines[21];
  CliResult info_exact = RunCli(fs_, {"info", "/store/a/day", "--bytes"});
  ASSERT_EQ(info_exact.code, 0) << info_exact.err;
  lines = Lines(info_exact.out);
  EXPECT_EQ(lines[4], "bytes       " + std::to_string(bytes));
  EXPECT_TRUE(lines[21].ends_with("  " + std::to_string(rg0))) << lines[21];
}

TEST(HumanSize, PowersOf1024OneDecimalBelowTen) {
  EXPECT_EQ(cli::HumanSize(0), "0 B");
  EXPECT_EQ(cli::HumanSize(1023), "1023 B");
  EXPECT_EQ(cli::HumanSize(1024), "1.0 KiB");
  EXPECT_EQ(cli::HumanSize(1853), "1.8 KiB");
  EXPECT_EQ(cli::HumanSize(10188), "9.9 KiB");
  EXPECT_EQ(cli::HumanSize(10189), "10 KiB");  // 9.95 KiB rounds to 10
  EXPECT_EQ(cli::HumanSize(24 * 1024 * 1024 + 300000), "24 MiB");
  EXPECT_EQ(cli::HumanSize(1023 * 1024 + 600), "1.0 MiB");  // not "1024 KiB"
  EXPECT_EQ(cli::HumanSize(int64_t{5} << 40), "5.0 TiB");
  EXPECT_EQ(cli::HumanSize(INT64_MAX), "8.0 EiB");
}

TEST_F(InspectTest, LsOfOneDatasetAndOfNothing) {
  CliResult one = RunCli(fs_, {"ls", "/store/b", "--json"});
  ASSERT_EQ(one.code, 0) << one.err;
  const json::Value doc = ParseJson(one.out);
  const auto& list = Member(doc, "datasets").items();
  ASSERT_EQ(list.size(), 1u);
  // GitHub issue 17: the dataset was named "."; now by the path given.
  EXPECT_EQ(StrMember(list[0], "path"), "/store/b");
  EXPECT_EQ(IntMember(list[0], "rows"), 3);
  CliResult text = RunCli(fs_, {"ls", "/store/b/"});
  ASSERT_EQ(text.code, 0) << text.err;
  ASSERT_EQ(Lines(text.out).size(), 3u) << text.out;
  EXPECT_EQ(Lines(text.out)[2].substr(0, 14), "/store/b     3") << text.out;

  ASSERT_TRUE(fs_->CreateDirs("/empty").ok());
  CliResult none = RunCli(fs_, {"ls", "/empty"});
  EXPECT_EQ(none.code, 0);
  EXPECT_EQ(none.out, "no dataset under '/empty'\n");

  CliResult missing = RunCli(fs_, {"ls", "/nowhere"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.out, "");
  EXPECT_EQ(missing.err, "oups ls: Not found: no store or dataset at '/nowhere'\n");
}

TEST_F(InspectTest, LsReportsAnUnreadableDatasetAndGoesOn) {
  WriteText(*fs_, "/store/b_opdmd", "not parquet");
  CliResult r = RunCli(fs_, {"ls", "/store", "--json"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("oups ls: Corruption: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/store/b_opdmd"), std::string::npos) << r.err;
  const json::Value doc = ParseJson(r.out);
  const auto& list = Member(doc, "datasets").items();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(IntMember(list[0], "rows"), 10);
  EXPECT_EQ(StrMember(list[1], "path"), "b");
  EXPECT_NE(StrMember(list[1], "error").find("Corruption"), std::string::npos);
  EXPECT_EQ(list[1].Find("rows"), nullptr);
}

// Directories that cannot be listed, as without read or execute permission
// (tests run as root, who ignores permission bits).
class UnlistableDirs : public FileSystemWrapper {
 public:
  UnlistableDirs(std::shared_ptr<FileSystem> base, std::set<std::string> dirs)
      : FileSystemWrapper(std::move(base)), dirs_(std::move(dirs)) {}
  // Dataset discovery lists with ListDirNames (no stat per entry): the same.
  Result<std::vector<FileInfo>> ListDirNames(const std::string& path) override {
    return ListDir(path);
  }
  Result<std::vector<FileInfo>> ListDir(const std::string& path) override {
    if (dirs_.count(path)) {
      return Status::IOError("list directory " + path + ": Permission denied");
    }
    return FileSystemWrapper::ListDir(path);
  }

 private:
  std::set<std::string> dirs_;
};

// GitHub issue 11, point 11: an unlistable dataset directory aborted the
// whole listing instead of giving the dataset an error entry.
TEST_F(InspectTest, LsGivesAnUnlistableDatasetDirectoryAnErrorEntry) {
  auto fs = std::make_shared<UnlistableDirs>(fs_, std::set<std::string>{"/store/b"});
  CliResult r = RunCli(fs, {"ls", "/store", "--json"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "oups ls: IO error: list directory /store/b: Permission denied\n");
  const json::Value doc = ParseJson(r.out);
  const auto& list = Member(doc, "datasets").items();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(IntMember(list[0], "rows"), 10);
  EXPECT_EQ(StrMember(list[1], "path"), "b");
  EXPECT_EQ(StrMember(list[1], "error"),
            "IO error: list directory /store/b: Permission denied");
  EXPECT_EQ(StrMember(list[2], "path"), "c/d/e");
  EXPECT_TRUE(Member(doc, "skipped").items().empty());
  // Text mode: the same entries, the same exit code.
  CliResult text = RunCli(fs, {"ls", "/store"});
  EXPECT_EQ(text.code, r.code);
  EXPECT_EQ(text.err, r.err);
  EXPECT_NE(text.out.find("\nb  "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("c/d/e"), std::string::npos) << text.out;
}

TEST_F(InspectTest, LsGoesOnPastAnUnlistableDirectory) {
  MakeDataset(fs_, "/store/z/late", Range(0, 2), 4);
  auto fs = std::make_shared<UnlistableDirs>(fs_, std::set<std::string>{"/store/c"});
  for (const bool as_json : {true, false}) {
    std::vector<std::string> args = {"ls", "/store"};
    if (as_json) args.push_back("--json");
    CliResult r = RunCli(fs, args);
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "oups ls: /store/c: IO error: list directory /store/c: Permission denied\n");
    if (!as_json) {
      EXPECT_NE(r.out.find("z/late"), std::string::npos) << r.out;
      continue;
    }
    const json::Value doc = ParseJson(r.out);
    const auto& list = Member(doc, "datasets").items();
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(StrMember(list[0], "path"), "a/day");
    EXPECT_EQ(StrMember(list[1], "path"), "b");
    EXPECT_EQ(StrMember(list[2], "path"), "z/late");
    const auto& skipped = Member(doc, "skipped").items();
    ASSERT_EQ(skipped.size(), 1u);
    EXPECT_EQ(StrMember(skipped[0], "path"), "c");
    EXPECT_EQ(StrMember(skipped[0], "reason"),
              "IO error: list directory /store/c: Permission denied");
    EXPECT_TRUE(Member(skipped[0], "error").bool_value());
  }
  // The whole store unreadable: the listing error.
  auto closed = std::make_shared<UnlistableDirs>(fs_, std::set<std::string>{"/store"});
  CliResult r = RunCli(closed, {"ls", "/store"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "oups ls: IO error: list directory /store: Permission denied\n");
}

TEST_F(InspectTest, InfoJson) {
  CliResult r = RunCli(fs_, {"info", "/store/a/day", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json::Value doc = ParseJson(r.out);
  EXPECT_EQ(StrMember(doc, "path"), "/store/a/day");
  EXPECT_EQ(StrMember(doc, "ordered_on"), "ts");
  EXPECT_EQ(IntMember(doc, "rows"), 10);
  EXPECT_EQ(IntMember(doc, "num_row_groups"), 3);
  EXPECT_EQ(IntMember(doc, "bytes"),
            DirBytes(*fs_, "/store/a/day", "/store/a/day_opdmd"));
  const auto& schema = Member(doc, "schema").items();
  ASSERT_EQ(schema.size(), 3u);
  EXPECT_EQ(StrMember(schema[0], "name"), "ts");
  EXPECT_EQ(StrMember(schema[0], "type"), "int64");
  EXPECT_TRUE(Member(schema[0], "nullable").bool_value());
  EXPECT_EQ(StrMember(schema[2], "name"), "s");
  EXPECT_EQ(StrMember(schema[2], "type"), "string");
  const json::Value& kv = Member(doc, "key_value_metadata");
  ASSERT_EQ(kv.members().size(), 1u);
  EXPECT_EQ(StrMember(kv, "source"), "test");
  const auto& rgs = Member(doc, "row_groups").items();
  ASSERT_EQ(rgs.size(), 3u);
  const int64_t rows[] = {4, 4, 2}, mins[] = {0, 4, 8}, maxs[] = {3, 7, 9};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(StrMember(rgs[i], "file"), dataset::RowGroupFileName(i));
    EXPECT_EQ(IntMember(rgs[i], "file_id"), static_cast<int64_t>(i));
    EXPECT_EQ(IntMember(rgs[i], "rows"), rows[i]);
    EXPECT_EQ(IntMember(rgs[i], "min"), mins[i]);
    EXPECT_EQ(IntMember(rgs[i], "max"), maxs[i]);
    EXPECT_EQ(IntMember(rgs[i], "bytes"),
              fs_->Stat("/store/a/day/" + dataset::RowGroupFileName(i))->size);
  }
}

TEST_F(InspectTest, InfoText) {
  CliResult r = RunCli(fs_, {"info", "/store/a/day"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_GE(lines.size(), 20u) << r.out;
  EXPECT_EQ(lines[0], "dataset     /store/a/day");
  EXPECT_EQ(lines[1], "ordered_on  ts");
  EXPECT_EQ(lines[2], "rows        10");
  EXPECT_EQ(lines[3], "row groups  3");
  EXPECT_EQ(lines[6], "schema:");
  EXPECT_EQ(lines[7], "column  type    nullable");
  EXPECT_EQ(lines[9], "ts      int64   yes");
  EXPECT_EQ(lines[14], "key     value");  // "key-value metadata:" is line 13
  EXPECT_EQ(lines[16], "source  test");
  EXPECT_EQ(lines[18], "row groups:");
  EXPECT_EQ(lines[19].substr(0, 34), "file                   rows  min  ");
  EXPECT_EQ(lines[21].substr(0, 34), "file_00000000.parquet     4  0    ");
}

TEST_F(InspectTest, InfoOfMetadataOnlyDataset) {
  CliResult r = RunCli(fs_, {"info", "/store/c/d/e", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json::Value doc = ParseJson(r.out);
  EXPECT_TRUE(Member(doc, "schema").is_null());
  EXPECT_TRUE(Member(doc, "row_groups").items().empty());
  CliResult text = RunCli(fs_, {"info", "/store/c/d/e"});
  EXPECT_NE(text.out.find("(none yet: no table written)"), std::string::npos);
}

TEST_F(InspectTest, ErrorsAndUsage) {
  CliResult missing = RunCli(fs_, {"info", "/store/zz"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.err,
            "oups info: Not found: no dataset at '/store/zz' (no metadata file "
            "'/store/zz_opdmd')\n");
  CliResult no_arg = RunCli(fs_, {"info"});
  EXPECT_EQ(no_arg.code, 2);
  EXPECT_EQ(no_arg.err, "oups info: missing DATASET. See 'oups info --help'.\n");
  CliResult two = RunCli(fs_, {"ls", "a", "b"});
  EXPECT_EQ(two.code, 2);
  CliResult bad_flag = RunCli(fs_, {"ls", "/store", "--jsn"});
  EXPECT_EQ(bad_flag.code, 2);
  // GitHub issue 17: one line with a guess and a pointer to --help, not the usage.
  EXPECT_EQ(bad_flag.err,
            "oups ls: unknown option '--jsn'; did you mean '--json'? See 'oups ls "
            "--help'.\n");
  EXPECT_EQ(bad_flag.out, "");
  CliResult no_value = RunCli(fs_, {"info", "/store/b", "--json=1"});
  EXPECT_EQ(no_value.code, 2);
  EXPECT_EQ(no_value.err, "oups info: option --json takes no value. See 'oups info --help'.\n");
  for (const char* cmd : {"ls", "info"}) {
    CliResult help = RunCli(fs_, {cmd, "--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_EQ(help.out.substr(0, 12 + std::string(cmd).size()),
              std::string("usage: oups ") + cmd);
    EXPECT_EQ(help.err, "");
  }
}

// Records how much `oups ls` had printed when each directory was listed.
class ListingRecorder final : public FileSystemWrapper {
 public:
  ListingRecorder(std::shared_ptr<FileSystem> base, const std::ostringstream* out)
      : FileSystemWrapper(std::move(base)), out_(out) {}
  Result<std::vector<FileInfo>> ListDir(const std::string& path) override {
    printed_at[path] = out_->str().size();
    return base_->ListDir(path);
  }
  Result<std::vector<FileInfo>> ListDirNames(const std::string& path) override {
    printed_at[path] = out_->str().size();
    return base_->ListDirNames(path);
  }
  std::map<std::string, size_t> printed_at;

 private:
  const std::ostringstream* out_;
};

// A store of many datasets streams: its first rows are printed before the
// walk lists the directories of the last datasets (the whole table is not
// built first), in the sorted order, aligned on the first 100 rows.
TEST(LsStreams, FirstRowsPrintedBeforeTheWalkEnds) {
  auto fs = NewMemoryFileSystem();
  for (int i = 0; i < 101; ++i) {
    MakeDataset(fs, "/big/p0/d" + std::to_string(1000 + i), Range(i, i + 2), 10);
  }
  MakeDataset(fs, "/big/p1/x", Range(0, 3), 10);
  MakeDataset(fs, "/big/p2/y", Range(0, 3), 10);
  std::ostringstream out, err;
  auto recorder = std::make_shared<ListingRecorder>(fs, &out);
  cli::Env env;
  env.fs = recorder;
  env.out = &out;
  env.err = &err;
  ASSERT_EQ(cli::Run({"ls", "/big"}, env), 0) << err.str();
  ASSERT_TRUE(recorder->printed_at.count("/big/p2"));
  // The header and the first 100 rows were out when p2 was listed.
  const std::vector<std::string> lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 2u + 103u);
  size_t first_rows = 0;
  for (size_t i = 0; i < 102; ++i) first_rows += lines[i].size() + 1;
  EXPECT_GE(recorder->printed_at["/big/p2"], first_rows);
  EXPECT_EQ(recorder->printed_at["/big"], 0u);
  // Sorted, as a whole listing would be.
  EXPECT_EQ(lines[2].substr(0, 8), "p0/d1000");
  EXPECT_EQ(lines[102].substr(0, 8), "p0/d1100");
  EXPECT_EQ(lines[103].substr(0, 4), "p1/x");
  EXPECT_EQ(lines[104].substr(0, 4), "p2/y");
  // --json streams the same datasets as one document.
  std::ostringstream jout;
  env.out = &jout;
  ASSERT_EQ(cli::Run({"ls", "/big", "--json"}, env), 0);
  json::Value doc = ParseJson(jout.str());
  ASSERT_EQ(Member(doc, "datasets").items().size(), 103u);
  EXPECT_EQ(StrMember(Member(doc, "datasets").items()[101], "path"), "p1/x");
  EXPECT_TRUE(Member(doc, "skipped").items().empty());
}

// `oups ls STORE/PREFIX`: the datasets under one directory of a store (every
// sub-level of one top-level value), listing nothing else of the store.
TEST(LsStreams, PrefixListsOnlyItsDirectory) {
  auto fs = NewMemoryFileSystem();
  for (const char* sym : {"AAA", "BBB", "CCC"}) {
    for (const char* year : {"2023", "2024"}) {
      MakeDataset(fs, std::string("/store/") + sym + "/" + year, Range(0, 3), 10);
    }
  }
  std::ostringstream out, err;
  auto recorder = std::make_shared<ListingRecorder>(fs, &out);
  cli::Env env;
  env.fs = recorder;
  env.out = &out;
  env.err = &err;
  ASSERT_EQ(cli::Run({"ls", "/store/BBB", "--json"}, env), 0) << err.str();
  json::Value doc = ParseJson(out.str());
  const auto& list = Member(doc, "datasets").items();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(StrMember(list[0], "path"), "2023");
  EXPECT_EQ(StrMember(list[1], "path"), "2024");
  for (const auto& [dir, at] : recorder->printed_at) {
    EXPECT_EQ(dir.rfind("/store/BBB", 0), 0u) << dir << " listed";
  }
}

}  // namespace
}  // namespace oups::cli_test
