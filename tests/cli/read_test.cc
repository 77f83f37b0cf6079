// Tests of `oups cat|head|tail` (src/cli/read.cc) and the row sinks
// (src/cli/sinks.cc): ranges, projection, limits, every format.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/sinks.h"
#include "cli_test_util.h"
#include "oups/parquet/file_reader.h"

namespace oups::cli_test {
namespace {

class ReadTest : public ::testing::Test {
 protected:
  void SetUp() override { MakeDataset(fs_, "/ds", Range(0, 25), 4); }  // 7 rgs
  std::shared_ptr<MemoryFileSystem> fs_ = NewMemoryFileSystem();
};

// The "ts" values of JSON lines output.
std::vector<int64_t> TsOf(const std::string& jsonl) {
  std::vector<int64_t> out;
  for (const std::string& line : Lines(jsonl)) {
    json::Value row = ParseJson(line);
    out.push_back(IntMember(row, "ts"));
  }
  return out;
}

TEST_F(ReadTest, CatPrintsEveryRowAsJsonLines) {
  CliResult r = RunCli(fs_, {"cat", "/ds"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(TsOf(r.out), Range(0, 25));
  const auto lines = Lines(r.out);
  EXPECT_EQ(lines[3], "{\"ts\":3,\"x\":30,\"s\":\"s3\"}");
}

TEST_F(ReadTest, RangesAcrossRowGroups) {
  CliResult r = RunCli(fs_, {"cat", "/ds", "--start", "6", "--end-excl", "13"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(TsOf(r.out), Range(6, 13));
  CliResult from = RunCli(fs_, {"cat", "/ds", "--start=23"});
  EXPECT_EQ(TsOf(from.out), Range(23, 25));
  CliResult to = RunCli(fs_, {"cat", "/ds", "--end-excl", "2"});
  EXPECT_EQ(TsOf(to.out), Range(0, 2));
  CliResult none = RunCli(fs_, {"cat", "/ds", "--start", "10", "--end-excl", "10"});
  EXPECT_EQ(none.code, 0);
  EXPECT_EQ(none.out, "");
  CliResult beyond = RunCli(fs_, {"cat", "/ds", "--start", "-100", "--end-excl", "-5"});
  EXPECT_EQ(beyond.code, 0);
  EXPECT_EQ(beyond.out, "");
}

TEST_F(ReadTest, HeadAndTail) {
  CliResult head = RunCli(fs_, {"head", "/ds", "--json"});
  ASSERT_EQ(head.code, 0) << head.err;
  EXPECT_EQ(TsOf(head.out), Range(0, 10));
  CliResult head3 =
      RunCli(fs_, {"head", "/ds", "-n", "3", "--start", "5", "--format", "jsonl"});
  EXPECT_EQ(TsOf(head3.out), Range(5, 8));
  CliResult tail = RunCli(fs_, {"tail", "/ds", "-n", "6", "--json"});
  ASSERT_EQ(tail.code, 0) << tail.err;
  EXPECT_EQ(TsOf(tail.out), Range(19, 25));
  CliResult tail_range =
      RunCli(fs_, {"tail", "/ds", "-n", "5", "--end-excl", "11", "--json"});
  EXPECT_EQ(TsOf(tail_range.out), Range(6, 11));
  CliResult tail_all = RunCli(fs_, {"tail", "/ds", "-n", "100", "--json"});
  EXPECT_EQ(TsOf(tail_all.out), Range(0, 25));
  CliResult zero = RunCli(fs_, {"head", "/ds", "-n", "0", "--json"});
  EXPECT_EQ(zero.out, "");
  CliResult cat_n = RunCli(fs_, {"cat", "/ds", "-n", "2"});
  EXPECT_EQ(TsOf(cat_n.out), Range(0, 2));
}

TEST_F(ReadTest, ColumnsInTheGivenOrder) {
  CliResult r = RunCli(fs_, {"head", "/ds", "-n", "1", "--columns", "s,x", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"s\":\"s0\",\"x\":0}\n");
  // Range on the ordered column without printing it.
  CliResult ranged = RunCli(fs_, {"cat", "/ds", "--columns", "x", "--start", "24"});
  EXPECT_EQ(ranged.out, "{\"x\":240}\n");
  CliResult missing = RunCli(fs_, {"cat", "/ds", "--columns", "x,nope,zz"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.err,
            "oups cat: Not found: dataset '/ds' has no column 'nope', 'zz'\n");
}

TEST_F(ReadTest, CsvHasOneHeaderAcrossRowGroups) {
  CliResult r =
      RunCli(fs_, {"cat", "/ds", "--format", "csv", "--start", "2", "--end-excl", "7"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "ts,x,s\n2,20,s2\n3,30,s3\n4,40,s4\n5,50,s5\n6,60,s6\n");
  CliResult empty = RunCli(fs_, {"cat", "/ds", "--format", "csv", "--start", "99"});
  EXPECT_EQ(empty.code, 0);
  EXPECT_EQ(empty.out, "ts,x,s\n");
}

TEST_F(ReadTest, TableIsAligned) {
  CliResult r = RunCli(fs_, {"tail", "/ds", "-n", "2", "--format", "table"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "ts    x  s\n"
            "--  ---  ---\n"
            "23  230  s23\n"
            "24  240  s24\n");
  CliResult empty = RunCli(fs_, {"head", "/ds", "--start", "99", "--format", "table"});
  EXPECT_EQ(empty.out, "ts  x  s\n--  -  -\n");
}

TEST_F(ReadTest, ParquetOutputReadsBackEqual) {
  CliResult r = RunCli(fs_, {"cat", "/ds", "--format", "parquet", "--output",
                             "/out.parquet", "--start", "3", "--end-excl", "20"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  auto table = parquet::ReadTable(*fs_, "/out.parquet");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto ds = OrderedDataset::Open(fs_, "/ds");
  ASSERT_TRUE(ds.ok());
  ReadOptions ro;
  ro.start = Scalar::Int(3);
  ro.end_excl = Scalar::Int(20);
  auto expected = ds->Read(ro);
  ASSERT_TRUE(expected.ok());
  EXPECT_TRUE(table->Equals(*expected));
  // To the output stream: the bytes of a Parquet file.
  CliResult to_stdout = RunCli(fs_, {"head", "/ds", "--format", "parquet"});
  ASSERT_EQ(to_stdout.code, 0) << to_stdout.err;
  ASSERT_GT(to_stdout.out.size(), 8u);
  EXPECT_EQ(to_stdout.out.substr(0, 4), "PAR1");
  EXPECT_EQ(to_stdout.out.substr(to_stdout.out.size() - 4), "PAR1");
  WriteText(*fs_, "/stdout.parquet", to_stdout.out);
  auto head = parquet::ReadTable(*fs_, "/stdout.parquet");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->num_rows(), 10);
}

// GitHub issue 17: --format parquet wrote binary to a terminal. Refused
// there (exit 2, nothing written) unless --force; --output or a redirect
// (stdout not a terminal, as RunCli's) writes it.
TEST_F(ReadTest, ParquetToATerminalIsRefusedUnlessForced) {
  auto run = [&](std::vector<std::string> args) {
    std::ostringstream out, err;
    cli::Env env;
    env.fs = fs_;
    env.out = &out;
    env.err = &err;
    env.out_is_terminal = true;
    CliResult r;
    r.code = cli::Run(args, env);
    r.out = out.str();
    r.err = err.str();
    return r;
  };
  CliResult refused = run({"cat", "/ds", "--format", "parquet"});
  EXPECT_EQ(refused.code, 2);
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(refused.err,
            "oups cat: refusing to write binary Parquet to a terminal; redirect stdout (> "
            "FILE.parquet), give --output FILE, or --force\n");
  CliResult forced = run({"head", "/ds", "--format", "parquet", "--force"});
  ASSERT_EQ(forced.code, 0) << forced.err;
  EXPECT_EQ(forced.out.substr(0, 4), "PAR1");
  CliResult to_file = run({"cat", "/ds", "--format", "parquet", "-o", "/t.parquet"});
  ASSERT_EQ(to_file.code, 0) << to_file.err;
  EXPECT_EQ(to_file.out, "");
  EXPECT_TRUE(parquet::ReadTable(*fs_, "/t.parquet").ok());
  // Text formats print to a terminal as before.
  CliResult text = run({"head", "/ds", "-n", "1"});
  EXPECT_EQ(text.code, 0);
  EXPECT_EQ(Lines(text.out).size(), 3u) << text.out;
}

// GitHub issue 17: --format json, one JSON array of the row objects (across
// row groups, and "[]" for no rows); the objects are those of jsonl.
TEST_F(ReadTest, JsonFormatIsOneArray) {
  CliResult r = RunCli(fs_, {"cat", "/ds", "--format", "json", "--start", "2",
                             "--end-excl", "6", "--columns", "ts,s"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "[{\"ts\":2,\"s\":\"s2\"},\n{\"ts\":3,\"s\":\"s3\"},\n"
            "{\"ts\":4,\"s\":\"s4\"},\n{\"ts\":5,\"s\":\"s5\"}]\n");
  const json::Value doc = ParseJson(r.out);
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.items().size(), 4u);
  EXPECT_EQ(IntMember(doc.items()[3], "ts"), 5);
  CliResult all = RunCli(fs_, {"tail", "/ds", "-n", "25", "--format", "json"});
  ASSERT_EQ(all.code, 0) << all.err;
  const json::Value every = ParseJson(all.out);
  ASSERT_EQ(every.items().size(), 25u);
  CliResult jsonl = RunCli(fs_, {"cat", "/ds"});
  const auto lines = Lines(jsonl.out);
  for (size_t i = 0; i < 25; ++i) {
    EXPECT_EQ(json::Serialize(every.items()[i]), lines[i]);
  }
  CliResult none = RunCli(fs_, {"cat", "/ds", "--format", "json", "--start", "99"});
  ASSERT_EQ(none.code, 0) << none.err;
  EXPECT_EQ(none.out, "[]\n");
}

TEST_F(ReadTest, TimestampBounds) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, "/t");
  ASSERT_TRUE(ds.ok());
  const int64_t day = 86'400'000'000'000;
  auto ts = ColumnFromVector(DataType::Timestamp(TimeUnit::kNano, "UTC"),
                             std::vector<int64_t>{0, day, 2 * day, 3 * day})
                .ValueOrDie();
  WriteOptions o;
  o.ordered_on = "ts";
  o.row_group_target_size = 2;
  ASSERT_TRUE(ds->Write(MakeTable({{"ts", ts}}).ValueOrDie(), o).ok());
  CliResult r = RunCli(fs, {"cat", "/t", "--start", "1970-01-02", "--end-excl",
                            "1970-01-03T12:00:00+12:00"});
  ASSERT_EQ(r.code, 0) << r.err;
  // The end bound is 1970-01-03T00:00Z: only 1970-01-02 is in range (shown
  // in the column's zone, UTC, as pandas shows it; --utc as DuckDB does).
  EXPECT_EQ(r.out, "{\"ts\":\"1970-01-02 00:00:00+00:00\"}\n");
  CliResult utc = RunCli(fs, {"cat", "/t", "--start", "1970-01-02", "--end-excl",
                              "1970-01-03", "--utc"});
  EXPECT_EQ(utc.out, "{\"ts\":\"1970-01-02 00:00:00+00\"}\n");
  CliResult bad = RunCli(fs, {"cat", "/t", "--start", "yesterday"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(bad.err,
            "oups cat: Invalid argument: --start 'yesterday' for column 'ts': expected "
            "timestamp[ns, tz=UTC] (ISO-8601 date or date-time), found 'yesterday'\n");
}

TEST_F(ReadTest, UsageAndMissingDataset) {
  EXPECT_EQ(RunCli(fs_, {"cat"}).code, 2);
  EXPECT_EQ(RunCli(fs_, {"head", "/ds", "-n", "x"}).code, 2);
  EXPECT_EQ(RunCli(fs_, {"head", "/ds", "-n", "-1"}).code, 2);
  EXPECT_EQ(RunCli(fs_, {"cat", "/ds", "--format", "xml"}).code, 2);
  EXPECT_EQ(RunCli(fs_, {"cat", "/ds", "--json", "--format", "csv"}).code, 2);
  EXPECT_EQ(RunCli(fs_, {"cat", "/ds", "--output", "/o"}).code, 2);
  EXPECT_EQ(RunCli(fs_, {"cat", "/ds", "--columns", ","}).code, 2);
  CliResult missing = RunCli(fs_, {"tail", "/none"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(
      missing.err,
      "oups tail: Not found: no dataset at '/none' (no metadata file '/none_opdmd')\n");
  for (const char* cmd : {"cat", "head", "tail"}) {
    CliResult help = RunCli(fs_, {cmd, "-h"});
    EXPECT_EQ(help.code, 0);
    EXPECT_EQ(help.out.substr(0, 12 + std::string(cmd).size()),
              std::string("usage: oups ") + cmd);
  }
}

TEST_F(ReadTest, WhereFiltersRowsOnAnyColumn) {
  // ts 0..24, x = 10 * ts, s = "s<ts>", in 7 rgs of 4 rows.
  CliResult x = RunCli(fs_, {"cat", "/ds", "--where", "x >= 200"});
  ASSERT_EQ(x.code, 0) << x.err;
  EXPECT_EQ(TsOf(x.out), Range(20, 25));
  // Repeated --where: AND; with a range and a projection of other columns.
  CliResult both = RunCli(fs_, {"cat", "/ds", "--where", "x != 70", "--where=s < s9",
                                "--start", "5", "--columns", "ts"});
  ASSERT_EQ(both.code, 0) << both.err;
  // s < "s9" byte-wise: s5, s6, s8 and s10..s24 from ts >= 5, minus ts 7.
  std::vector<int64_t> want = {5, 6, 8};
  for (int64_t t = 10; t < 25; ++t) want.push_back(t);
  EXPECT_EQ(TsOf(both.out), want);
  EXPECT_EQ(Lines(both.out)[0], "{\"ts\":5}");
  CliResult in = RunCli(fs_, {"cat", "/ds", "--where", "s in ['s3', s17, \"s,x\"]"});
  ASSERT_EQ(in.code, 0) << in.err;
  EXPECT_EQ(TsOf(in.out), (std::vector<int64_t>{3, 17}));
  CliResult not_in = RunCli(fs_, {"cat", "/ds", "--where", "ts not in (0, 1, 2)", "-n", "2"});
  EXPECT_EQ(TsOf(not_in.out), (std::vector<int64_t>{3, 4}));
  CliResult frac = RunCli(fs_, {"cat", "/ds", "--where", "x<15.5"});
  EXPECT_EQ(TsOf(frac.out), (std::vector<int64_t>{0, 1}));
  CliResult tail = RunCli(fs_, {"tail", "/ds", "-n", "2", "--json", "--where", "x = 30"});
  EXPECT_EQ(TsOf(tail.out), (std::vector<int64_t>{3}));
  CliResult none = RunCli(fs_, {"head", "/ds", "--json", "--where", "ts == null"});
  EXPECT_EQ(none.code, 0);
  EXPECT_EQ(none.out, "");
}

TEST_F(ReadTest, BadWhereNamesTheExpression) {
  CliResult col = RunCli(fs_, {"cat", "/ds", "--where", "y == 1"});
  EXPECT_EQ(col.code, 1);
  EXPECT_EQ(col.err, "oups cat: Not found: --where 'y == 1': the dataset has no column 'y'\n");
  CliResult val = RunCli(fs_, {"cat", "/ds", "--where", "x == ten"});
  EXPECT_EQ(val.code, 1);
  EXPECT_NE(val.err.find("--where 'x == ten': value 'ten' for column 'x' of type int64"),
            std::string::npos)
      << val.err;
  CliResult op = RunCli(fs_, {"cat", "/ds", "--where", "x ~ 1"});
  EXPECT_EQ(op.code, 1);
  EXPECT_NE(op.err.find("missing operator"), std::string::npos) << op.err;
  CliResult list = RunCli(fs_, {"cat", "/ds", "--where", "x in 1, 2"});
  EXPECT_EQ(list.code, 1);
  EXPECT_NE(list.err.find("takes a list in brackets"), std::string::npos) << list.err;
  CliResult help = RunCli(fs_, {"cat", "--help"});
  EXPECT_NE(help.out.find("--where 'COL OP VALUE'"), std::string::npos);
}


// Runs the command with stdout taken for a terminal (or not).
CliResult RunOn(const std::shared_ptr<FileSystem>& fs, std::vector<std::string> args,
                bool terminal) {
  std::ostringstream out, err;
  cli::Env env;
  env.fs = fs;
  env.out = &out;
  env.err = &err;
  env.out_is_terminal = terminal;
  CliResult r;
  r.code = cli::Run(args, env);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// GitHub issue 17: cat printed JSON lines on a terminal while head and tail
// printed a table. One default now: a table on a terminal, JSON lines when
// piped, for the three commands.
TEST_F(ReadTest, OneDefaultFormatForCatHeadAndTail) {
  for (const std::string command : {"cat", "head", "tail"}) {
    CliResult tty = RunOn(fs_, {command, "/ds", "-n", "2"}, true);
    ASSERT_EQ(tty.code, 0) << tty.err;
    EXPECT_EQ(Lines(tty.out)[0].substr(0, 3), "ts ") << command;
    EXPECT_EQ(Lines(tty.out)[1].substr(0, 4), "--  ") << command;
    EXPECT_EQ(Lines(tty.out).size(), 4u) << command;
    CliResult piped = RunOn(fs_, {command, "/ds", "-n", "2"}, false);
    ASSERT_EQ(piped.code, 0) << piped.err;
    EXPECT_EQ(TsOf(piped.out).size(), 2u) << command;
  }
  CliResult help = RunCli(fs_, {"cat", "--help"});
  EXPECT_NE(help.out.find("default: table on a terminal, jsonl when"), std::string::npos);
}

// GitHub issue 17: --format table kept every row to align them. The widths
// are now measured on the first 1,000 rows, which print as soon as they are
// there; later rows keep those widths.
TEST_F(ReadTest, TableAlignsOnTheFirstRowsThenStreams) {
  auto fs = NewMemoryFileSystem();
  std::vector<int64_t> ts;
  for (int64_t i = 0; i < 2500; ++i) ts.push_back(i);
  MakeDataset(fs, "/big", ts, 700);
  CliResult r = RunCli(fs, {"cat", "/big", "--format", "table"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2502u);
  // Widths of rows 0..999: ts 3 digits, x 4, s 4 ("s999").
  EXPECT_EQ(lines[0], " ts     x  s");
  EXPECT_EQ(lines[1], "---  ----  ----");
  EXPECT_EQ(lines[2], "  0     0  s0");
  EXPECT_EQ(lines[1001], "999  9990  s999");
  // Later rows overflow the measured widths instead of re-aligning.
  EXPECT_EQ(lines[1002], "1000  10000  s1000");
  EXPECT_EQ(lines[2501], "2499  24990  s2499");

  // The sink prints the window before the output ends.
  std::ostringstream out;
  auto sink = cli::MakeRowSink("table", out, *fs, std::nullopt);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write(TsTable(Range(0, 999))).ok());
  EXPECT_EQ(out.str(), "");  // still measuring
  ASSERT_TRUE((*sink)->Write(TsTable(Range(999, 1500))).ok());
  EXPECT_EQ(Lines(out.str()).size(), 1502u);  // header, rule, every row so far
  ASSERT_TRUE((*sink)->Finish(TsTable({}).schema()).ok());
  EXPECT_EQ(Lines(out.str()).size(), 1502u);
}

// GitHub issue 17: zoned timestamps always printed in UTC; pandas shows them
// in their zone. Default: the zone's wall clock and offset; --utc: UTC.
TEST_F(ReadTest, ZonedTimestampsPrintInTheirZone) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, "/z");
  ASSERT_TRUE(ds.ok());
  // 2024-03-31 00:30 and 01:30 UTC: 01:30 +01:00 and 03:30 +02:00 in Paris
  // (the clocks go forward at 01:00 UTC); 1.5 s later for the fraction.
  const int64_t base = 1711845000LL * 1'000'000'000;
  auto ts = ColumnFromVector(DataType::Timestamp(TimeUnit::kNano, "Europe/Paris"),
                             std::vector<int64_t>{base, base + 3600'000'000'000LL + 1'500'000'000})
                .ValueOrDie();
  WriteOptions o;
  o.ordered_on = "ts";
  ASSERT_TRUE(ds->Write(MakeTable({{"ts", ts}}).ValueOrDie(), o).ok());
  CliResult r = RunCli(fs, {"cat", "/z", "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "ts\n2024-03-31 01:30:00+01:00\n2024-03-31 03:30:01.5+02:00\n");
  CliResult utc = RunCli(fs, {"cat", "/z", "--format", "csv", "--utc"});
  EXPECT_EQ(utc.out, "ts\n2024-03-31 00:30:00+00\n2024-03-31 01:30:01.5+00\n");
  CliResult table = RunCli(fs, {"head", "/z", "--format", "table"});
  EXPECT_EQ(Lines(table.out)[2], "2024-03-31 01:30:00+01:00");
  // Parquet output keeps the column's type.
  CliResult pq = RunCli(fs, {"cat", "/z", "--format", "parquet", "-o", "/z.parquet"});
  ASSERT_EQ(pq.code, 0) << pq.err;
  auto back = parquet::ReadTable(*fs, "/z.parquet");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->schema().field(0).type.id, TypeId::kTimestamp);
  EXPECT_FALSE(back->schema().field(0).type.timezone.empty());
  EXPECT_EQ(back->column(0).data<int64_t>()[0], base);
}

}  // namespace
}  // namespace oups::cli_test
