// Tests of `oups write`, `oups compact` and `oups rm` (src/cli/write.cc):
// full write semantics from CSV and Parquet, every bad-input case leaving
// the stored data unchanged, exit codes.
#include <gtest/gtest.h>

#include <sstream>

#include "cli_test_util.h"
#include "dataset/metadata_file.h"
#include "oups/parquet/file_writer.h"
#include "testing/fault_injection_file_system.h"

namespace oups::cli_test {
namespace {

class WriteTest : public ::testing::Test {
 protected:
  // Every file of the file system with its bytes (to prove nothing changed).
  std::map<std::string, std::string> Snapshot(const std::string& dir = "/") {
    std::map<std::string, std::string> files;
    auto entries = fs_->ListDir(dir);
    if (!entries.ok()) return files;
    for (const FileInfo& e : *entries) {
      const std::string p = JoinPath(dir, e.name);
      if (e.is_dir) {
        auto sub = Snapshot(p);
        files.insert(sub.begin(), sub.end());
      } else if (!p.ends_with(".lock") && !p.ends_with(".readers")) {
        files[p] = ReadText(*fs_, p);
      }
    }
    return files;
  }
  Table ReadAll(const std::string& path) {
    auto ds = OrderedDataset::Open(fs_, path);
    EXPECT_TRUE(ds.ok());
    auto t = ds->Read();
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : Table();
  }
  std::shared_ptr<MemoryFileSystem> fs_ = NewMemoryFileSystem();
};

TEST_F(WriteTest, CsvCreatesTheDataset) {
  WriteText(*fs_, "/in.csv",
            "ts,sym,price,qty\n"
            "2024-01-01T09:00:00Z,A,1.5,10\n"
            "2024-01-01T09:00:01Z,B,2,20\n"
            "2024-01-01T09:00:02Z,A,,30\n");
  CliResult r =
      RunCli(fs_, {"write", "/store/ticks", "--ordered-on", "ts", "--from", "/in.csv",
                   "--row-group-target-size", "2", "--kv", "source=csv", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json::Value doc = ParseJson(r.out);
  EXPECT_EQ(StrMember(doc, "dataset"), "/store/ticks");
  EXPECT_EQ(IntMember(doc, "rows_written"), 3);
  EXPECT_EQ(IntMember(doc, "rows"), 3);
  EXPECT_EQ(IntMember(doc, "num_row_groups"), 2);
  auto md = dataset::ReadMetadataFile(*fs_, "/store/ticks_opdmd");
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->ordered_on, "ts");
  EXPECT_EQ(md->key_value_metadata.at("source"), "csv");
  EXPECT_EQ(md->schema->field(0).type, DataType::Timestamp(TimeUnit::kNano, "UTC"));
  EXPECT_EQ(md->schema->field(2).type, DataType::Float64());
  CliResult cat = RunCli(fs_, {"cat", "/store/ticks", "--format", "csv"});
  EXPECT_EQ(cat.out,
            "ts,sym,price,qty\n"
            "2024-01-01 09:00:00+00:00,A,1.5,10\n"
            "2024-01-01 09:00:01+00:00,B,2.0,20\n"
            "2024-01-01 09:00:02+00:00,A,,30\n");
  CliResult text =
      RunCli(fs_, {"write", "/store/ticks", "--from", "/in.csv", "--duplicates-on-all"});
  ASSERT_EQ(text.code, 0) << text.err;
  // The same rows again, de-duplicated: still 3 rows, rewritten into row
  // groups of the target the first write gave (remembered by the dataset).
  EXPECT_EQ(text.out,
            "wrote 3 rows from /in.csv to /store/ticks: now 3 rows in 2 row groups\n");
}

TEST_F(WriteTest, MergesAndDeduplicatesWithNewRowsWinning) {
  MakeDataset(fs_, "/ds", {1, 2, 3, 10, 11, 12}, 3);
  WriteText(*fs_, "/new.csv", "ts,x,s\n2,-1,n1\n2,-2,n2\n11,-3,n3\n");
  CliResult r = RunCli(fs_, {"write", "/ds", "--ordered-on", "ts", "--from", "/new.csv",
                             "--row-group-target-size", "3", "--duplicates-on", "ts"});
  ASSERT_EQ(r.code, 0) << r.err;
  CliResult cat = RunCli(fs_, {"cat", "/ds", "--format", "csv", "--columns", "ts,s"});
  EXPECT_EQ(cat.out, "ts,s\n1,s1\n2,n2\n3,s3\n10,s10\n11,n3\n12,s12\n");
  EXPECT_EQ(ReadAll("/ds").num_rows(), 6);
}

TEST_F(WriteTest, KeyValueRemoveAndTypes) {
  MakeDataset(fs_, "/ds", {1}, 3, {{"a", "1"}, {"b", "2"}});
  WriteText(*fs_, "/n.csv", "ts,x,s\n5,6,7\n");
  CliResult r = RunCli(fs_, {"write", "/ds", "--from", "/n.csv", "--kv-remove", "a",
                             "--kv", "c=3", "--types", "s=string"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto md = dataset::ReadMetadataFile(*fs_, "/ds_opdmd");
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->key_value_metadata,
            (std::map<std::string, std::string>{{"b", "2"}, {"c", "3"}}));
  CliResult cat = RunCli(fs_, {"tail", "/ds", "-n", "1", "--json"});
  EXPECT_EQ(cat.out, "{\"ts\":5,\"x\":6,\"s\":\"7\"}\n");
}

TEST_F(WriteTest, ParquetInput) {
  auto table = TsTable({7, 8, 9});
  ASSERT_TRUE(parquet::WriteTable(*fs_, "/in.parquet", table).ok());
  CliResult r =
      RunCli(fs_, {"write", "/p", "--ordered-on", "ts", "--from", "/in.parquet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(ReadAll("/p").Equals(table));
  // Unsorted Parquet input: the row (1-based) is named, nothing changes.
  ASSERT_TRUE(parquet::WriteTable(*fs_, "/unsorted.parquet", TsTable({10, 12, 11})).ok());
  WriteText(*fs_, "/notparquet.parquet", "PAR1 not really");
  const auto before = Snapshot();
  CliResult unsorted = RunCli(fs_, {"write", "/p", "--from", "/unsorted.parquet"});
  EXPECT_EQ(unsorted.code, 1);
  EXPECT_EQ(
      unsorted.err,
      "oups write: Invalid argument: /unsorted.parquet: row 3: column 1 'ts': 11 is "
      "before the previous row's 12; rows must be sorted in ascending order on 'ts'\n");
  EXPECT_TRUE(Snapshot() == before);
  CliResult corrupt = RunCli(fs_, {"write", "/p", "--from", "/notparquet.parquet"});
  EXPECT_EQ(corrupt.code, 1);
  EXPECT_NE(corrupt.err.find("/notparquet.parquet"), std::string::npos) << corrupt.err;
  EXPECT_TRUE(Snapshot() == before);
  CliResult typed =
      RunCli(fs_, {"write", "/p", "--from", "/in.parquet", "--types", "x=int64"});
  EXPECT_EQ(typed.code, 1);
  EXPECT_EQ(typed.err,
            "oups write: Invalid argument: --types applies to CSV input only "
            "('/in.parquet' is Parquet)\n");
}

// A CSV of `n` rows: ts = i, v = 3 * i, s = "s<i % 7>"; row `bad` (0-based)
// gets `bad_line` instead.
std::string NumberedCsv(int64_t n, int64_t bad = -1, const std::string& bad_line = "") {
  std::string text = "ts,v,s\n";
  text.reserve(static_cast<size_t>(n) * 20);
  for (int64_t i = 0; i < n; ++i) {
    if (i == bad) {
      text += bad_line + "\n";
      continue;
    }
    text += std::to_string(i) + "," + std::to_string(3 * i) + ",s" + std::to_string(i % 7) +
            "\n";
  }
  return text;
}

// GitHub issue 17, memory bounded by a few row groups: a new dataset is
// written from a stream of chunks (whole row groups of the target, staged
// and committed together; binary_test checks the RSS), making the files an
// ordinary write of the whole input makes, with one commit of the rows, the
// key-value metadata and the remembered target.
TEST_F(WriteTest, StreamedWriteOfANewDatasetMakesTheFilesOfAWholeWrite) {
  const int64_t n = 700'000;  // more than two chunks of 300,000 rows (target 100,000)
  WriteText(*fs_, "/in.csv", NumberedCsv(n));
  auto write = [&](const std::string& path, const std::string& from,
                   std::vector<std::string> extra) {
    std::vector<std::string> args = {"write", path, "--ordered-on", "ts", "--from", from,
                                     "--row-group-target-size", "100000", "--kv", "k=v",
                                     "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    CliResult r = RunCli(fs_, args);
    EXPECT_EQ(r.code, 0) << r.err;
    json::Value doc = ParseJson(r.out);
    EXPECT_EQ(IntMember(doc, "rows_written"), n);
    EXPECT_EQ(IntMember(doc, "num_row_groups"), 7);
  };
  // Streamed (a new dataset), then the whole input first (de-duplication
  // reads it whole; the rows have no duplicate).
  for (int threads : {1, 2}) {
    const std::string s = "/s" + std::to_string(threads);
    write(s, "/in.csv", {"--threads", std::to_string(threads)});
    auto ds = OrderedDataset::Open(fs_, s);
    ASSERT_TRUE(ds.ok());
    auto settings = ds->write_settings();
    ASSERT_TRUE(settings.ok());
    ASSERT_TRUE(settings->row_group_target_size.has_value());
    EXPECT_EQ(std::get<int64_t>(*settings->row_group_target_size), 100'000);
    EXPECT_EQ(ds->key_value_metadata()->at("k"), "v");
    EXPECT_FALSE(*fs_->Exists(s + "/_staging"));
  }
  write("/w", "/in.csv", {"--duplicates-on-all"});
  auto files = [&](const std::string& dir) {
    std::map<std::string, std::string> out;
    for (const auto& [p, bytes] : Snapshot(dir)) {
      if (p.ends_with(".parquet")) out[p.substr(dir.size())] = bytes;
    }
    return out;
  };
  const auto whole = files("/w");
  ASSERT_EQ(whole.size(), 7u);
  EXPECT_TRUE(files("/s1") == whole);
  EXPECT_TRUE(files("/s2") == whole);
  const Table rows = ReadAll("/w");
  EXPECT_EQ(rows.num_rows(), n);
  EXPECT_TRUE(ReadAll("/s2").Equals(rows));

  // Parquet input of row groups of 60,000 rows, read one at a time.
  parquet::WriterOptions po;
  po.row_group_size = 60'000;
  ASSERT_TRUE(parquet::WriteTable(*fs_, "/in.parquet", rows, po).ok());
  write("/p", "/in.parquet", {});
  EXPECT_TRUE(files("/p") == whole);
  // Appending to a dataset merges with its rows: the whole input is read.
  CliResult again = RunCli(fs_, {"write", "/p", "--from", "/in.parquet", "--duplicates-on-all"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_TRUE(ReadAll("/p").Equals(rows));
}

// A failure past the first streamed chunk (a row out of order, a value not
// of its column's type) names the line or row, and leaves nothing: the
// chunks staged are deleted, and the dataset directory staging made.
// Types inferred on the first block that a later value does not hold read
// the file again, after the chunks staged were dropped.
TEST_F(WriteTest, StreamedWriteFailingLateLeavesNothing) {
  const int64_t n = 700'000;
  WriteText(*fs_, "/unsorted.csv", NumberedCsv(n, 650'000, "5,15,s5"));
  WriteText(*fs_, "/badtype.csv", NumberedCsv(n, 650'000, "650000,x,s1"));
  ASSERT_TRUE(fs_->CreateDirs("/store").ok());
  const auto before = Snapshot();
  CliResult unsorted =
      RunCli(fs_, {"write", "/store/u", "--ordered-on", "ts", "--from", "/unsorted.csv",
                   "--row-group-target-size", "100000"});
  EXPECT_EQ(unsorted.code, 1);
  EXPECT_EQ(unsorted.err,
            "oups write: Invalid argument: /unsorted.csv:650002: column 1 'ts': 5 is "
            "before the previous row's 649999; rows must be sorted in ascending order on "
            "'ts'\n");
  EXPECT_TRUE(Snapshot() == before);
  EXPECT_FALSE(*fs_->Exists("/store/u"));
  CliResult typed =
      RunCli(fs_, {"write", "/store/t", "--ordered-on", "ts", "--from", "/badtype.csv",
                   "--row-group-target-size", "100000", "--types", "v=int64"});
  EXPECT_EQ(typed.code, 1);
  EXPECT_NE(typed.err.find("/badtype.csv:650002: column 2 'v'"), std::string::npos)
      << typed.err;
  EXPECT_TRUE(Snapshot() == before);
  // Inferred int64 on the first block, then "x": the column is a string one.
  CliResult inferred =
      RunCli(fs_, {"write", "/store/i", "--ordered-on", "ts", "--from", "/badtype.csv",
                   "--row-group-target-size", "100000", "--json"});
  ASSERT_EQ(inferred.code, 0) << inferred.err;
  EXPECT_EQ(IntMember(ParseJson(inferred.out), "rows_written"), n);
  const Table rows = ReadAll("/store/i");
  EXPECT_EQ(rows.schema().field(1).type, DataType::String());
  EXPECT_EQ(rows.num_rows(), n);
  EXPECT_EQ(std::string(rows.GetColumn("v")->GetView(650'000)), "x");
  EXPECT_EQ(std::string(rows.GetColumn("v")->GetView(1)), "3");
  EXPECT_FALSE(*fs_->Exists("/store/i/_staging"));
  // Parquet: the row is counted over the whole file.
  std::vector<int64_t> ts(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) ts[static_cast<size_t>(i)] = i == 650'000 ? 5 : i;
  auto tt = MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()}});
  ASSERT_TRUE(tt.ok());
  parquet::WriterOptions po;
  po.row_group_size = 60'000;
  ASSERT_TRUE(parquet::WriteTable(*fs_, "/unsorted.parquet", *tt, po).ok());
  const auto before2 = Snapshot();
  CliResult pq = RunCli(fs_, {"write", "/store/q", "--ordered-on", "ts", "--from",
                              "/unsorted.parquet", "--row-group-target-size", "100000"});
  EXPECT_EQ(pq.code, 1);
  EXPECT_EQ(pq.err,
            "oups write: Invalid argument: /unsorted.parquet: row 650001: column 1 'ts': 5 "
            "is before the previous row's 649999; rows must be sorted in ascending order on "
            "'ts'\n");
  EXPECT_TRUE(Snapshot() == before2);
}

TEST_F(WriteTest, BadInputNamesFileLineAndColumnAndChangesNothing) {
  MakeDataset(fs_, "/ds", {1, 2, 3}, 2);
  const auto before = Snapshot();
  struct Case {
    std::string csv;
    std::vector<std::string> extra;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"ts,x,s\n4,40,a\n5,x,b\n",
       {"--types", "x=int64"},
       "oups write: Invalid argument: /in.csv:3: column 2 'x': expected int64 (an "
       "integer), found 'x'\n"},
      {"ts,x,s\n4,40,a\n5,50\n",
       {},
       "oups write: Invalid argument: /in.csv:3: expected 3 fields (as the header), "
       "found 2\n"},
      {"ts,x,s\n4,40,a\n6,60,b\n5,50,c\n",
       {},
       "oups write: Invalid argument: /in.csv:4: column 1 'ts': 5 is before the previous "
       "row's 6; rows must be sorted in ascending order on 'ts'\n"},
      {"ts,x,s\n4,40,a\n,50,c\n",
       {},
       "oups write: Invalid argument: /in.csv:3: column 1 'ts': empty value in the "
       "ordered "
       "column\n"},
      {"ts,x,s\n4,40,\"a\n",
       {},
       "oups write: Invalid argument: /in.csv:2: malformed CSV (a quoted field starting "
       "on this line is never closed)\n"},
      {"tt,x,s\n4,40,a\n",
       {},
       "oups write: Not found: /in.csv: no column 'ts' (ordered_on); columns: tt, x, "
       "s\n"},
      // A value that does not fit the stored type of its column.
      {"ts,x,s\n4,40,a\n5,4.5,a\n",
       {},
       "oups write: Invalid argument: /in.csv:3: column 2 'x': expected int64 (an "
       "integer), found '4.5'\n"},
      // A column given another type than the stored one: the core's error.
      {"ts,x,s\n4,40,a\n", {"--types", "x=float64"}, "oups write: Type error: "},
  };
  for (const Case& c : cases) {
    WriteText(*fs_, "/in.csv", c.csv);
    std::vector<std::string> args = {"write", "/ds",    "--ordered-on",
                                     "ts",    "--from", "/in.csv"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    CliResult r = RunCli(fs_, args);
    EXPECT_EQ(r.code, 1) << c.csv;
    EXPECT_EQ(r.err.substr(0, c.error.size()), c.error) << c.csv;
    EXPECT_EQ(r.out, "");
    auto after = Snapshot();
    after.erase("/in.csv");
    auto expected = before;
    expected.erase("/in.csv");
    EXPECT_EQ(after, expected) << c.csv;
  }
  CliResult missing =
      RunCli(fs_, {"write", "/ds", "--ordered-on", "ts", "--from", "/no.csv"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("/no.csv"), std::string::npos) << missing.err;
  CliResult other =
      RunCli(fs_, {"write", "/ds", "--ordered-on", "x", "--from", "/in.csv"});
  EXPECT_EQ(other.code, 1);
  EXPECT_NE(other.err.find("'ordered_on' parameter value 'x' does not match 'ts'"),
            std::string::npos)
      << other.err;
}

// GitHub issue 17: a ';'-separated file failed, NA was text, a file without
// a header could not be written, true/false made a string column.
TEST_F(WriteTest, CsvDelimiterNullAndNoHeader) {
  WriteText(*fs_, "/semi.csv", "ts;price;ok\n1;NA;true\n2;2.5;False\n");
  CliResult plain = RunCli(fs_, {"write", "/ds", "--ordered-on", "ts", "--from", "/semi.csv"});
  EXPECT_EQ(plain.code, 1);  // one column named "ts;price;ok": no column ts
  CliResult r = RunCli(fs_, {"write", "/ds", "--ordered-on", "ts", "--from", "/semi.csv",
                             "--delimiter", ";", "--null", "NA"});
  ASSERT_EQ(r.code, 0) << r.err;
  CliResult info = RunCli(fs_, {"info", "/ds", "--json"});
  const json::Value parsed = ParseJson(info.out);
  const auto& schema = Member(parsed, "schema").items();
  ASSERT_EQ(schema.size(), 3u);
  EXPECT_EQ(StrMember(schema[1], "type"), "float64");
  EXPECT_EQ(StrMember(schema[2], "type"), "bool");
  CliResult cat = RunCli(fs_, {"cat", "/ds"});
  EXPECT_EQ(cat.out,
            "{\"ts\":1,\"price\":null,\"ok\":true}\n{\"ts\":2,\"price\":2.5,\"ok\":false}\n");
  // A tab-separated file without a header, into the same dataset.
  WriteText(*fs_, "/more.tsv", "3\t4.5\ttrue\n");
  CliResult more = RunCli(fs_, {"write", "/ds", "--from", "/more.tsv", "--input-format", "csv",
                                "--delimiter", "tab", "--no-header", "--columns",
                                "ts,price,ok"});
  ASSERT_EQ(more.code, 0) << more.err;
  CliResult last = RunCli(fs_, {"tail", "/ds", "-n", "1", "--json"});
  EXPECT_EQ(last.out, "{\"ts\":3,\"price\":4.5,\"ok\":true}\n");
}

TEST_F(WriteTest, UsageErrors) {
  WriteText(*fs_, "/in.csv", "ts\n1\n");
  const std::vector<std::vector<std::string>> bad = {
      {"write"},
      {"write", "/ds"},
      {"write", "/ds", "--from", "/in.txt"},
      {"write", "/ds", "--from", "/in.csv", "--input-format", "xls"},
      {"write", "/ds", "--from", "/in.csv"},  // no ordered_on anywhere
      {"write", "/ds", "--from", "/in.csv", "--ordered-on", "ts", "--duplicates-on", "ts",
       "--duplicates-on-all"},
      {"write", "/ds", "--from", "/in.csv", "--ordered-on", "ts", "--kv", "novalue"},
      {"write", "/ds", "--from", "/in.csv", "--ordered-on", "ts", "--types", "ts=int7"},
      {"write", "/ds", "--from", "/in.csv", "--ordered-on", "ts", "--lock-timeout", "-1"},
      {"write", "/ds", "--from", "/in.csv", "--ordered-on", "ts",
       "--max-n-off-target-rgs", "x"},
      {"write", "/ds", "--from", "/in.csv", "--ordered-on", "ts", "--compression", "rar"},
      {"write", "/ds", "--from", "/in.csv", "--ordered-on", "ts", "--delimiter", ";;"},
      {"write", "/ds", "--from", "/in.csv", "--ordered-on", "ts", "--delimiter", "\""},
      {"write", "/ds", "--from", "/in.csv", "--ordered-on", "ts", "--no-header"},
      {"write", "/ds", "--from", "/in.csv", "--ordered-on", "ts", "--columns", "ts"},
      {"write", "/ds", "--from", "/in.parquet", "--ordered-on", "ts", "--null", "NA"},
  };
  for (const auto& args : bad) {
    CliResult r = RunCli(fs_, args);
    EXPECT_EQ(r.code, 2) << args.back() << "\n" << r.err;
    // One line and a pointer to --help, not the help page (issue 17).
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
    EXPECT_TRUE(r.err.starts_with("oups write: ")) << r.err;
    EXPECT_TRUE(r.err.ends_with(" See 'oups write --help'.\n")) << r.err;
  }
  // An unknown option: one line (tests/cli/args_test.cc), exit 2.
  CliResult bogus = RunCli(fs_, {"write", "/ds", "--from", "/in.csv", "--bogus"});
  EXPECT_EQ(bogus.code, 2);
  EXPECT_EQ(bogus.err, "oups write: unknown option '--bogus'. See 'oups write --help'.\n");
  EXPECT_FALSE(*fs_->Exists("/ds_opdmd"));
  // Values the core refuses are failures (exit 1), not usage errors.
  CliResult zero = RunCli(fs_, {"write", "/ds", "--from", "/in.csv", "--ordered-on", "ts",
                                "--max-n-off-target-rgs", "0"});
  EXPECT_EQ(zero.code, 1);
  EXPECT_NE(zero.err.find("'max_n_off_target_rgs' cannot be 0."), std::string::npos)
      << zero.err;
  EXPECT_FALSE(*fs_->Exists("/ds_opdmd"));
  CliResult period = RunCli(fs_, {"write", "/ds", "--from", "/in.csv", "--ordered-on",
                                  "ts", "--row-group-target-size", "1D"});
  EXPECT_EQ(period.code, 1);  // a period needs a time-ordered column
  EXPECT_FALSE(*fs_->Exists("/ds_opdmd"));
}

TEST_F(WriteTest, CompactCoalescesSmallRowGroups) {
  // Ten appends of two rows: ten small row groups.
  for (int i = 0; i < 10; ++i) MakeDataset(fs_, "/ds", {2 * i, 2 * i + 1}, 100);
  const Table before = ReadAll("/ds");
  CliResult r = RunCli(fs_, {"compact", "/ds", "--row-group-target-size", "8", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json::Value doc = ParseJson(r.out);
  EXPECT_EQ(IntMember(doc, "rows"), 20);
  EXPECT_EQ(IntMember(doc, "num_row_groups_before"), 10);
  EXPECT_EQ(IntMember(doc, "num_row_groups"), 3);
  EXPECT_TRUE(ReadAll("/ds").Equals(before));
  auto md = dataset::ReadMetadataFile(*fs_, "/ds_opdmd");
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->n_rows, (std::vector<uint64_t>{8, 8, 4}));
  CliResult again = RunCli(fs_, {"compact", "/ds", "--row-group-target-size", "8"});
  ASSERT_EQ(again.code, 0) << again.err;
  // GitHub issue 17: "3 -> 20 rows in 3 row groups" read as 3 rows -> 20.
  EXPECT_EQ(again.out, "compacted /ds: 3 -> 3 row groups (20 rows)\n");
  EXPECT_EQ(RunCli(fs_, {"compact", "/ds"}).code, 2);
  EXPECT_EQ(RunCli(fs_, {"compact", "/none", "--row-group-target-size", "8"}).code, 1);
}

TEST_F(WriteTest, TimePeriodsFromCsvAndCompaction) {
  // Two days of six-hourly rows, written in four appends: four small rgs.
  const char* days[] = {"2024-03-01", "2024-03-02"};
  for (const char* day : days) {
    for (const char* half : {"00,06", "12,18"}) {
      const std::string h(half);
      WriteText(*fs_, "/in.csv",
                std::string("ts,v\n") + day + "T" + h.substr(0, 2) + ":00:00Z,1\n" + day +
                    "T" + h.substr(3, 2) + ":00:00Z,2\n");
      CliResult r =
          RunCli(fs_, {"write", "/ds", "--ordered-on", "ts", "--from", "/in.csv",
                       "--row-group-target-size", "1D", "--compression", "zstd"});
      ASSERT_EQ(r.code, 0) << r.err;
    }
  }
  auto md = dataset::ReadMetadataFile(*fs_, "/ds_opdmd");
  ASSERT_TRUE(md.ok());
  ASSERT_EQ(md->num_row_groups(), 4);
  CliResult c =
      RunCli(fs_, {"compact", "/ds", "--row-group-target-size", "1D", "--json"});
  ASSERT_EQ(c.code, 0) << c.err;
  json::Value doc = ParseJson(c.out);
  EXPECT_EQ(IntMember(doc, "num_row_groups_before"), 4);
  EXPECT_EQ(IntMember(doc, "num_row_groups"), 2);  // one per day
  md = dataset::ReadMetadataFile(*fs_, "/ds_opdmd");
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->n_rows, (std::vector<uint64_t>{4, 4}));
  CliResult head =
      RunCli(fs_, {"head", "/ds", "-n", "1", "--start", "2024-03-02", "--json"});
  EXPECT_EQ(head.out, "{\"ts\":\"2024-03-02 00:00:00+00:00\",\"v\":1}\n");
}

TEST_F(WriteTest, RmRemovesTheDataset) {
  MakeDataset(fs_, "/s/ds", {1, 2, 3}, 2);
  CliResult r = RunCli(fs_, {"rm", "/s/ds"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "removed /s/ds\n");
  EXPECT_FALSE(*fs_->Exists("/s/ds_opdmd"));
  EXPECT_FALSE(*fs_->Exists("/s/ds"));
  CliResult again = RunCli(fs_, {"rm", "/s/ds"});
  EXPECT_EQ(again.code, 1);
  EXPECT_EQ(
      again.err,
      "oups rm: Not found: no dataset at '/s/ds' (no metadata file '/s/ds_opdmd')\n");
  EXPECT_EQ(RunCli(fs_, {"rm"}).code, 2);
  EXPECT_EQ(RunCli(fs_, {"rm", "/a", "/b"}).code, 2);
}

// GitHub issue 11, point 12: `oups rm` on a directory the user cannot write
// reported success and left the files.
TEST_F(WriteTest, RmReportsFilesItCouldNotDelete) {
  MakeDataset(fs_, "/s/ds", {1, 2, 3}, 2);
  auto faulty = std::make_shared<FaultInjectionFileSystem>(fs_, 1);
  faulty->FailRandomly(1, FaultInjectionFileSystem::FaultKind::kError,
                       FaultInjectionFileSystem::kDeleteFile);
  CliResult r = RunCli(faulty, {"rm", "/s/ds"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "oups rm: /s/ds: the dataset is removed (its metadata file is gone), but not "
            "all of its files could be deleted (no permission, or still open by a "
            "reader); 2 left, such as '/s/ds/file_00000000.parquet'; the next write to "
            "/s/ds deletes them\n");
  EXPECT_FALSE(*fs_->Exists("/s/ds_opdmd"));
  EXPECT_TRUE(*fs_->Exists("/s/ds/file_00000000.parquet"));
  // The next write deletes them.
  WriteText(*fs_, "/in.csv", "ts\n5\n");
  CliResult w = RunCli(fs_, {"write", "/s/ds", "--ordered-on", "ts", "--from", "/in.csv"});
  ASSERT_EQ(w.code, 0) << w.err;
  EXPECT_EQ(fs_->ListDir("/s/ds")->size(), 1u);
}

// GitHub issue 11, point 12: `oups write -` created a dataset named '-'; an
// empty --ordered-on is refused before anything is created.
TEST_F(WriteTest, RefusesDashEmptyOrderedOnAndUnnamedColumns) {
  WriteText(*fs_, "/in.csv", "ts,x\n1,2\n");
  const auto before = Snapshot();
  CliResult dash = RunCli(fs_, {"write", "-", "--ordered-on", "ts", "--from", "/in.csv"});
  EXPECT_EQ(dash.code, 2);
  EXPECT_TRUE(dash.err.starts_with(
      "oups write: DATASET '-' is refused: a dataset is a directory, and the input comes "
      "from --from FILE, never from stdin (write ./- for a dataset named '-'). See 'oups "
      "write --help'.\n"))
      << dash.err;
  CliResult from_dash = RunCli(fs_, {"write", "/p", "--ordered-on", "ts", "--from", "-"});
  EXPECT_EQ(from_dash.code, 2);
  EXPECT_TRUE(from_dash.err.starts_with(
      "oups write: --from - (stdin) is not supported: give a file. See 'oups write --help'.\n"));
  CliResult empty = RunCli(fs_, {"write", "/p", "--ordered-on", "", "--from", "/in.csv"});
  EXPECT_EQ(empty.code, 2);
  EXPECT_TRUE(empty.err.starts_with(
      "oups write: --ordered-on needs a column name, not an empty one. See 'oups write "
      "--help'.\n"))
      << empty.err;
  EXPECT_TRUE(Snapshot() == before);
  EXPECT_FALSE(*fs_->Exists("/p"));
  // On an existing dataset too.
  MakeDataset(fs_, "/e", {1, 2}, 2);
  const auto existing = Snapshot();
  CliResult empty_existing =
      RunCli(fs_, {"write", "/e", "--ordered-on", "", "--from", "/in.csv"});
  EXPECT_EQ(empty_existing.code, 2);
  EXPECT_TRUE(Snapshot() == existing);
}

// GitHub issue 11, point 12: an ENOSPC error printed the file's path twice
// ("<path>: append to <path>: No space left on device"). Every append of a
// write fails in turn with ENOSPC: the message names the file once.
TEST_F(WriteTest, NoSpaceErrorNamesTheFileOnce) {
  WriteText(*fs_, "/in.csv", "ts,x\n1,2\n2,3\n3,4\n");
  auto count = [](const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  int failures = 0;
  for (uint64_t k = 1; k <= 12; ++k) {
    auto faulty = std::make_shared<FaultInjectionFileSystem>(fs_, k);
    faulty->FailAt(k, FaultInjectionFileSystem::FaultKind::kNoSpace,
                   FaultInjectionFileSystem::kAppend);
    CliResult r = RunCli(faulty, {"write", "/s/ds" + std::to_string(k), "--ordered-on", "ts",
                                  "--from", "/in.csv", "--row-group-target-size", "2"});
    std::string failed_path;
    for (const auto& op : faulty->operations()) {
      if (op.failed) failed_path = op.path;
    }
    if (failed_path.empty()) continue;  // fewer appends than k
    ++failures;
    SCOPED_TRACE(r.err);
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.starts_with("oups write: IO error: "));
    EXPECT_EQ(count(r.err, "No space left on device"), 1u);
    EXPECT_EQ(count(r.err, failed_path), 1u) << failed_path;
  }
  EXPECT_GT(failures, 1);
}


// GitHub issue 17: the progress of a CSV ingest stopped at 93-98 % and the
// line then stayed blank while the rows were written. Now a reading and a
// writing stage, each ending at 100 % on its own line, on a terminal only
// (Env::progress, set from isatty(stderr); no delay here).
TEST_F(WriteTest, ProgressShowsReadingAndWritingStagesEndingAt100) {
  std::string text = "ts,v\n";
  for (int i = 0; i < 5000; ++i) text += std::to_string(i) + "," + std::to_string(i) + "\n";
  WriteText(*fs_, "/in.csv", text);
  std::ostringstream out, err;
  cli::Env env;
  env.fs = fs_;
  env.out = &out;
  env.err = &err;
  env.progress = true;
  env.progress_delay_seconds = 0;
  ASSERT_EQ(cli::Run({"write", "/p", "--ordered-on", "ts", "--from", "/in.csv",
                      "--row-group-target-size", "1000"},
                     env),
            0)
      << err.str();
  const std::vector<std::string> lines = Lines(err.str());
  ASSERT_EQ(lines.size(), 2u) << err.str();
  const std::string read = "\rreading /in.csv [########################] 100%  5000 rows";
  const std::string write = "\rwriting /p [########################] 100%  5000 rows";
  EXPECT_EQ(lines[0].substr(lines[0].rfind('\r'), read.size()), read) << lines[0];
  EXPECT_EQ(lines[1].substr(lines[1].rfind('\r'), write.size()), write) << lines[1];
  // Not a terminal: nothing on stderr.
  CliResult quiet = RunCli(fs_, {"write", "/q", "--ordered-on", "ts", "--from", "/in.csv"});
  ASSERT_EQ(quiet.code, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
}

}  // namespace
}  // namespace oups::cli_test
