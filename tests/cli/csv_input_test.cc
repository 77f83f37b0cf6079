// Tests of the CSV reader (src/cli/csv_input.h): inference, nulls, quoting,
// line numbers in errors.
#include "cli/csv_input.h"

#include <gtest/gtest.h>

#include "cli/values.h"
#include "oups/common/civil_time.h"
#include "cli_test_util.h"

namespace oups::cli {
namespace {

using civil::DaysFromCivil;

using cli_test::WriteText;

class CsvTest : public ::testing::Test {
 protected:
  Result<CsvTable> Read(const std::string& text, CsvOptions options = {}) {
    WriteText(*fs_, "/in.csv", text);
    return ReadCsv(*fs_, "/in.csv", options);
  }
  std::shared_ptr<MemoryFileSystem> fs_ = NewMemoryFileSystem();
};

TEST_F(CsvTest, InfersEachType) {
  auto t = Read(
      "i,f,ts,tsz,d,s,mixed,empty\n"
      "1,1,2024-01-01 10:00:00,2024-01-01T10:00:00Z,2024-01-01,a,5,\n"
      "-2,2.5,2024-01-02,2024-01-01T12:00:00+02:00,2024-01-02,b,2024-01-01,\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const Schema& s = t->table.schema();
  ASSERT_EQ(s.num_fields(), 8);
  EXPECT_EQ(s.field(0).type, DataType::Int64());
  EXPECT_EQ(s.field(1).type, DataType::Float64());
  EXPECT_EQ(s.field(2).type, DataType::Timestamp(TimeUnit::kNano));
  EXPECT_EQ(s.field(3).type, DataType::Timestamp(TimeUnit::kNano, "UTC"));
  EXPECT_EQ(s.field(4).type, DataType::Date32());
  EXPECT_EQ(s.field(5).type, DataType::String());
  EXPECT_EQ(s.field(6).type, DataType::String());  // an integer then a date
  EXPECT_EQ(s.field(7).type, DataType::String());  // no value at all
  const Table& tab = t->table;
  EXPECT_EQ(tab.column(0).data<int64_t>()[1], -2);
  EXPECT_EQ(tab.column(1).data<double>()[1], 2.5);
  const int64_t day = DaysFromCivil(2024, 1, 1) * 86400;
  EXPECT_EQ(tab.column(2).data<int64_t>()[0], (day + 36000) * 1'000'000'000);
  EXPECT_EQ(tab.column(2).data<int64_t>()[1], (day + 86400) * 1'000'000'000);
  // Both instants are 10:00 UTC.
  EXPECT_EQ(tab.column(3).data<int64_t>()[0], tab.column(3).data<int64_t>()[1]);
  EXPECT_EQ(tab.column(7).null_count(), 2);
  EXPECT_EQ(t->row_lines, (std::vector<int64_t>{2, 3}));
}

TEST_F(CsvTest, NullsQuotedEmptyAndMultiLineFields) {
  auto t = Read("k,s,n\n1,\"\",\n2,,7\n3,\"two\nlines, and \"\"quotes\"\"\",8\n4,x,9\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const Table& tab = t->table;
  ASSERT_EQ(tab.num_rows(), 4);
  EXPECT_FALSE(tab.column(1).IsNull(0));
  EXPECT_EQ(tab.column(1).GetView(0), "");
  EXPECT_TRUE(tab.column(1).IsNull(1));
  EXPECT_EQ(tab.column(1).GetView(2), "two\nlines, and \"quotes\"");
  EXPECT_TRUE(tab.column(2).IsNull(0));
  EXPECT_EQ(tab.schema().field(2).type, DataType::Int64());
  // Row 4 starts on line 6 (row 3 spans lines 4-5).
  EXPECT_EQ(t->row_lines, (std::vector<int64_t>{2, 3, 4, 6}));
}

TEST_F(CsvTest, GivenTypesAndCrlf) {
  CsvOptions o;
  o.types = {{"q", DataType::Int32()},
             {"ts", DataType::Timestamp(TimeUnit::kSecond, "UTC")}};
  auto t = Read("ts,q,b\r\n1970-01-01T00:01:00Z,5,x\r\n", o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->table.schema().field(0).type,
            DataType::Timestamp(TimeUnit::kSecond, "UTC"));
  EXPECT_EQ(t->table.column(0).data<int64_t>()[0], 60);
  EXPECT_EQ(t->table.schema().field(1).type, DataType::Int32());
  EXPECT_EQ(t->table.column(2).GetView(0), "x");
}

TEST_F(CsvTest, DefaultTypesApplyToColumnsPresent) {
  CsvOptions o;
  o.types = {{"a", DataType::String()}};
  o.default_types = {{"a", DataType::Int64()},
                     {"b", DataType::Float64()},
                     {"absent", DataType::Int64()}};
  auto t = Read("a,b,c\n1,2,3\n", o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->table.schema().field(0).type, DataType::String());   // given wins
  EXPECT_EQ(t->table.schema().field(1).type, DataType::Float64());  // default
  EXPECT_EQ(t->table.schema().field(2).type, DataType::Int64());    // inferred
}

TEST_F(CsvTest, ValueErrorsNameFileLineAndColumn) {
  CsvOptions o;
  o.types = {{"qty", DataType::Int64()}};
  auto t = Read("ts,qty\n1,5\n2,6\n3,x\n", o);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "/in.csv:4: column 2 'qty': expected int64 (an integer), found 'x'");
  o.types = {{"ts", DataType::Date32()}};
  auto d = Read("ts\n2024-01-01\n\"a\nb\"\n2024-02-30\n", o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(),
            "/in.csv:3: column 1 'ts': expected date32 (YYYY-MM-DD), found 'a\nb'");
}

// GitHub issue 11, point 5: one integer beyond int64 turned the column into
// float64 and 9223372036854775807 was stored as 9223372036854775808.0.
TEST_F(CsvTest, IntegersBeyondInt64AreUInt64NeverRounded) {
  auto t = Read("a,b\n9223372036854775807,1\n9223372036854775808,2\n"
                "18446744073709551615,3\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->table.schema().field(0).type, DataType::UInt64());
  EXPECT_EQ(t->table.schema().field(1).type, DataType::Int64());
  const uint64_t* a = t->table.column(0).data<uint64_t>();
  EXPECT_EQ(a[0], 9223372036854775807ull);
  EXPECT_EQ(a[1], 9223372036854775808ull);
  EXPECT_EQ(a[2], 18446744073709551615ull);
}

TEST_F(CsvTest, IntegersNoIntegerTypeHoldsAreAnError) {
  auto mixed = Read("k,a\n1,-1\n2,9223372036854775808\n");
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.status().message(),
            "/in.csv:3: column 2 'a': integer '9223372036854775808' needs uint64, but "
            "'-1' on line 2 is negative: no integer type holds both; give --types "
            "a=float64 (rounded) or a=string");
  auto big = Read("a\n1\n18446744073709551616\n");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().message(),
            "/in.csv:3: column 1 'a': integer '18446744073709551616' does not fit in "
            "int64 or uint64; give --types a=float64 (rounded) or a=string");
  // Given types decide: float64 accepts the rounding, string keeps the text.
  CsvOptions o;
  o.types = {{"a", DataType::Float64()}};
  auto as_float = Read("a\n1\n18446744073709551616\n", o);
  ASSERT_TRUE(as_float.ok()) << as_float.status().ToString();
  EXPECT_EQ(as_float->table.column(0).data<double>()[1], 18446744073709551616.0);
  o.types = {{"a", DataType::String()}};
  auto as_text = Read("a\n-1\n9223372036854775808\n", o);
  ASSERT_TRUE(as_text.ok()) << as_text.status().ToString();
  EXPECT_EQ(as_text->table.column(0).GetView(1), "9223372036854775808");
  // An integer that does not fit a given (or stored) integer type.
  o.types = {{"a", DataType::Int64()}};
  auto as_int = Read("a\n9223372036854775808\n", o);
  ASSERT_FALSE(as_int.ok());
  EXPECT_EQ(as_int.status().message(),
            "/in.csv:2: column 1 'a': expected int64, found '9223372036854775808': out "
            "of range");
}

TEST_F(CsvTest, IntegersAndFloatsAreFloat64OnlyWhenExact) {
  auto exact = Read("a\n9007199254740992\n2.5\n-100000000000000000000\n");
  ASSERT_TRUE(exact.ok()) << exact.status().ToString();
  EXPECT_EQ(exact->table.schema().field(0).type, DataType::Float64());
  EXPECT_EQ(exact->table.column(0).data<double>()[0], 9007199254740992.0);
  EXPECT_EQ(exact->table.column(0).data<double>()[2], -1e20);
  auto inexact = Read("a\n1.5\n9007199254740993\n");
  ASSERT_FALSE(inexact.ok());
  EXPECT_EQ(inexact.status().message(),
            "/in.csv:3: column 1 'a': integer '9007199254740993' cannot be stored exactly "
            "as float64, the type that the non-integer '1.5' on line 2 needs; give --types "
            "a=float64 (rounded) or a=string");
  auto big = Read("a\n9223372036854775807\n0.5\n");
  ASSERT_FALSE(big.ok());
  CsvOptions o;
  o.types = {{"a", DataType::Float64()}};
  auto given = Read("a\n1.5\n9007199254740993\n", o);
  ASSERT_TRUE(given.ok()) << given.status().ToString();
  EXPECT_EQ(given->table.column(0).data<double>()[1], 9007199254740992.0);
}

// GitHub issue 11, point 12: the byte order mark stayed in the first name.
TEST_F(CsvTest, ByteOrderMarkIsNotPartOfTheFirstName) {
  auto t = Read("\xEF\xBB\xBFts,x\n1,2\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->table.schema().field(0).name, "ts");
  EXPECT_EQ(t->table.schema().field(0).type, DataType::Int64());
  auto quoted = Read("\xEF\xBB\xBF\"ts\",x\n1,2\n");
  ASSERT_TRUE(quoted.ok()) << quoted.status().ToString();
  EXPECT_EQ(quoted->table.schema().field(0).name, "ts");
  // Elsewhere the same bytes are data.
  auto inside = Read("ts,x\n1,\xEF\xBB\xBFy\n");
  ASSERT_TRUE(inside.ok()) << inside.status().ToString();
  EXPECT_EQ(inside->table.column(1).GetView(0), "\xEF\xBB\xBFy");
}

TEST_F(CsvTest, StructureErrors) {
  auto fields = Read("a,b\n1,2\n3\n");
  ASSERT_FALSE(fields.ok());
  EXPECT_EQ(fields.status().message(),
            "/in.csv:3: expected 2 fields (as the header), found 1");
  auto more = Read("a,b\n1,2,3\n");
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().message(),
            "/in.csv:2: expected 2 fields (as the header), found 3");
  auto quote = Read("a,b\n1,x\"y\n");
  ASSERT_FALSE(quote.ok());
  EXPECT_NE(quote.status().message().find("/in.csv:2: malformed CSV"), std::string::npos)
      << quote.status().message();
  auto open_quote = Read("a,b\n1,\"never closed\n");
  ASSERT_FALSE(open_quote.ok());
  EXPECT_NE(open_quote.status().message().find("malformed CSV"), std::string::npos);
  auto dup = Read("a,b,a\n1,2,3\n");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().message(), "/in.csv:1: column 3: duplicate column name 'a'");
  auto unnamed = Read("a,,c\n");
  ASSERT_FALSE(unnamed.ok());
  EXPECT_EQ(unnamed.status().message(), "/in.csv:1: column 2 of the header has no name");
  auto empty = Read("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(),
            "/in.csv:1: no header line (expected the column names)");
  CsvOptions o;
  o.types = {{"zz", DataType::Int64()}};
  auto unknown = Read("a\n1\n", o);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(),
            "/in.csv: --types names column 'zz', which is not in the header");
  auto missing = ReadCsv(*fs_, "/nope.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
}

TEST_F(CsvTest, HeaderOnlyGivesZeroRows) {
  auto t = Read("a,b\n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->table.num_rows(), 0);
  EXPECT_EQ(t->table.num_columns(), 2);
}

// GitHub issue 17: true/false were read as strings.
TEST_F(CsvTest, TrueAndFalseInferBool) {
  auto t = Read("k,b,mixed,ones\n1,true,true,1\n2,FALSE,1,0\n3,,yes,1\n4,True,false,0\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const Schema& s = t->table.schema();
  EXPECT_EQ(s.field(1).type, DataType::Bool());
  EXPECT_EQ(s.field(2).type, DataType::String());  // a word and an integer
  EXPECT_EQ(s.field(3).type, DataType::Int64());   // 1/0 stay integers
  const Column& b = t->table.column(1);
  EXPECT_TRUE(b.GetBool(0));
  EXPECT_FALSE(b.GetBool(1));
  EXPECT_TRUE(b.IsNull(2));
  EXPECT_TRUE(b.GetBool(3));
}

// GitHub issue 17: a ';' file could not be read.
TEST_F(CsvTest, DelimiterNullTextAndNoHeader) {
  CsvOptions semi;
  semi.delimiter = ';';
  auto t = Read("ts;price;note\n1;2,5;a,b\n2;3;\n", semi);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->table.num_columns(), 3);
  EXPECT_EQ(t->table.schema().field(0).type, DataType::Int64());
  EXPECT_EQ(t->table.schema().field(1).type, DataType::String());  // "2,5" is text
  EXPECT_EQ(t->table.column(2).GetView(0), "a,b");
  EXPECT_TRUE(t->table.column(2).IsNull(1));
  auto one = Read("ts;price\n1;2\n");  // the default delimiter: one column
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->table.schema().field(0).name, "ts;price");

  CsvOptions na;
  na.null_text = "NA";
  auto n = Read("i,s\n1,NA\nNA,x\n3,\"NA\"\n", na);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->table.schema().field(0).type, DataType::Int64());
  EXPECT_TRUE(n->table.column(0).IsNull(1));
  EXPECT_TRUE(n->table.column(1).IsNull(0));
  EXPECT_TRUE(n->table.column(1).IsNull(2));  // quoted or not
  EXPECT_EQ(n->table.column(1).GetView(1), "x");

  CsvOptions bare;
  bare.header = false;
  bare.column_names = {"ts", "v"};
  bare.delimiter = '\t';
  auto h = Read("1\t10\n2\t20\n", bare);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->table.num_rows(), 2);
  EXPECT_EQ(h->table.schema().field(1).name, "v");
  EXPECT_EQ(h->table.column(1).data<int64_t>()[0], 10);
  EXPECT_EQ(h->row_lines, (std::vector<int64_t>{1, 2}));
  auto short_row = Read("1\t10\n2\n", bare);
  ASSERT_FALSE(short_row.ok());
  EXPECT_EQ(short_row.status().message(),
            "/in.csv:2: expected 2 fields (as the column names given), found 1");
  bare.column_names = {"a", "a"};
  auto twice = Read("1\t2\n", bare);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().message(), "/in.csv: column names given: 'a' is given twice");
}

TEST_F(CsvTest, ManyChunksAndProgress) {
  // Several blocks; lines stay exact.
  std::string text = "i,s\n";
  const int n = 60000;
  for (int i = 0; i < n; ++i)
    text += std::to_string(i) + ",\"value " + std::to_string(i) + "\"\n";
  text += "bad,x\n";
  int64_t calls = 0, last_done = 0;
  CsvOptions o;
  o.block_bytes = 256 << 10;
  o.types = {{"i", DataType::Int64()}};
  o.progress = [&](int64_t, int64_t done, int64_t total) {
    ++calls;
    EXPECT_EQ(total, static_cast<int64_t>(text.size()));
    EXPECT_GE(done, last_done);
    last_done = done;
  };
  auto t = Read(text, o);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "/in.csv:" + std::to_string(n + 2) +
                ": column 1 'i': expected int64 (an integer), found 'bad'");
  EXPECT_GE(calls, 2);
  EXPECT_EQ(last_done, static_cast<int64_t>(text.size()));
}


// Issue 17: types are inferred on the first block and checked on every later
// value; a later value that the first block's inference does not hold makes
// the reader infer over the whole file, with the same result as before.
TEST_F(CsvTest, LateValuesChangeTheInferredType) {
  // Many blocks of rows before the late values.
  const int n = 20000;
  std::string text = "i,f,e,ts,b,s\n";
  for (int r = 0; r < n; ++r) {
    text += std::to_string(r) + "," + std::to_string(r) + ",," +
            "2024-01-01T00:00:00,true,\"a\"\n";
  }
  // i stays int64; f becomes float64; e (no value so far) int64; ts mixed
  // with an offset -> string; b -> string.
  text += "7,2.5,3,2024-01-01T00:00:00Z,yes,b\n";
  CsvOptions small;
  small.block_bytes = 64 << 10;
  auto t = Read(text, small);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const Schema& s = t->table.schema();
  EXPECT_EQ(s.field(0).type, DataType::Int64());
  EXPECT_EQ(s.field(1).type, DataType::Float64());
  EXPECT_EQ(s.field(2).type, DataType::Int64());
  EXPECT_EQ(s.field(3).type, DataType::String());
  EXPECT_EQ(s.field(4).type, DataType::String());
  EXPECT_EQ(t->table.num_rows(), n + 1);
  EXPECT_EQ(t->table.column(1).data<double>()[n], 2.5);
  EXPECT_EQ(t->table.column(1).data<double>()[n - 1], n - 1);
  EXPECT_EQ(t->table.column(2).null_count(), n);
  EXPECT_EQ(t->table.column(2).data<int64_t>()[n], 3);
  EXPECT_EQ(t->row_lines.back(), n + 2);
  // A late integer that float64 cannot hold next to the first block's
  // non-integers is the whole-file inference's error.
  std::string inexact = "f\n";
  for (int r = 0; r < n; ++r) inexact += "1.5\n";
  inexact += "9007199254740993\n";
  auto bad = Read(inexact, small);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "/in.csv:" + std::to_string(n + 2) + ": column 1 'f': integer "
            "'9007199254740993' cannot be stored exactly as float64, the type that the "
            "non-integer '1.5' on line 2 needs; give --types f=float64 (rounded) or "
            "f=string");
  // With every type given the late text is an error of that type.
  CsvOptions o = small;
  o.types = {{"f", DataType::Int64()}};
  std::string typed = "f\n";
  for (int r = 0; r < n; ++r) typed += "1\n";
  typed += "1.5\n";
  auto late = Read(typed, o);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().message(), "/in.csv:" + std::to_string(n + 2) +
                                         ": column 1 'f': expected int64 (an integer), "
                                         "found '1.5'");
}

// Records cross the reader's blocks: quoted fields with newlines and doubled
// quotes anywhere, lines counted across blocks, and the same table on one
// and on two threads.
TEST_F(CsvTest, RecordsAcrossBlocksAndThreads) {
  std::string text = "k,s,x\n";
  int64_t line = 2;
  std::vector<int64_t> lines;
  const int n = 30000;
  for (int r = 0; r < n; ++r) {
    lines.push_back(line);
    if (r % 7 == 0) {
      text += std::to_string(r) + ",\"multi\nline \"\"q\"\", " + std::to_string(r) +
              "\"," + std::to_string(r * 0.5) + "\n";
      line += 2;
    } else {
      text += std::to_string(r) + ",plain," + std::to_string(r * 0.5) + "\r\n";
      line += 1;
    }
  }
  for (int threads : {1, 2}) {
    CsvOptions o;
    o.threads = threads;
    o.block_bytes = 64 << 10;
    ASSERT_GT(text.size(), 10 * o.block_bytes);
    auto t = Read(text, o);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    ASSERT_EQ(t->table.num_rows(), n);
    EXPECT_EQ(t->row_lines, lines);
    EXPECT_EQ(t->table.schema().field(2).type, DataType::Float64());
    for (int r : {0, 1, 7, 20001, n - 1}) {
      EXPECT_EQ(t->table.column(0).data<int64_t>()[r], r);
      EXPECT_EQ(t->table.column(1).GetView(r),
                r % 7 == 0 ? "multi\nline \"q\", " + std::to_string(r) : "plain");
      EXPECT_EQ(t->table.column(2).data<double>()[r], r * 0.5);
    }
  }
}

}  // namespace
}  // namespace oups::cli
