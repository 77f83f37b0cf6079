// Value formatting (src/table/format.cc): values must render exactly as DuckDB
// renders them in JSON. The expected strings below were taken from DuckDB 1.5.6
// (`COPY ... (FORMAT json)`), see interop/DUCKDB_JSON.md.
#include "oups/table/format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace oups {
namespace {

std::shared_ptr<Buffer> Bytes(const void* p, size_t n) {
  return Buffer::CopyOf(std::string_view(static_cast<const char*>(p), n));
}

// Validity bitmap from a vector of "present" flags; nullptr when all present.
std::shared_ptr<Buffer> Validity(const std::vector<bool>& present) {
  bool all = true;
  for (bool p : present) all = all && p;
  if (all) return nullptr;
  std::string bits((present.size() + 7) / 8, '\0');
  for (size_t i = 0; i < present.size(); ++i) {
    if (present[i]) bits[i / 8] = static_cast<char>(bits[i / 8] | (1 << (i % 8)));
  }
  return Buffer::CopyOf(bits);
}

template <typename T>
Column Fixed(DataType type, const std::vector<T>& values, std::vector<bool> present = {}) {
  if (present.empty()) present.assign(values.size(), true);
  return Column(std::move(type), static_cast<int64_t>(values.size()), Validity(present),
                Bytes(values.data(), values.size() * sizeof(T)));
}

Column Bools(const std::vector<bool>& values, std::vector<bool> present = {}) {
  if (present.empty()) present.assign(values.size(), true);
  std::string bits((values.size() + 7) / 8, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i]) bits[i / 8] = static_cast<char>(bits[i / 8] | (1 << (i % 8)));
  }
  return Column(DataType::Bool(), static_cast<int64_t>(values.size()), Validity(present),
                Buffer::CopyOf(bits));
}

Column Strings(DataType type, const std::vector<std::string>& values,
               std::vector<bool> present = {}) {
  if (present.empty()) present.assign(values.size(), true);
  std::vector<int64_t> offsets{0};
  std::string data;
  for (const auto& v : values) {
    data += v;
    offsets.push_back(static_cast<int64_t>(data.size()));
  }
  return Column(std::move(type), static_cast<int64_t>(values.size()), Validity(present),
                Buffer::CopyOf(data), Bytes(offsets.data(), offsets.size() * sizeof(int64_t)));
}

Column Decimals(int32_t precision, int32_t scale, const std::vector<__int128>& values) {
  std::vector<uint8_t> bytes(values.size() * 16);
  for (size_t i = 0; i < values.size(); ++i) {
    auto u = static_cast<unsigned __int128>(values[i]);
    for (int k = 0; k < 16; ++k) bytes[i * 16 + k] = static_cast<uint8_t>(u >> (8 * k));
  }
  return Column(DataType::Decimal(precision, scale), static_cast<int64_t>(values.size()), nullptr,
                Bytes(bytes.data(), bytes.size()));
}

Table MakeTable(std::vector<std::pair<std::string, Column>> cols) {
  std::vector<Field> fields;
  std::vector<Column> columns;
  for (auto& [name, col] : cols) {
    fields.push_back(Field{name, col.type(), true});
    columns.push_back(col);
  }
  Result<Table> t = Table::Make(Schema(std::move(fields)), std::move(columns));
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).ValueOrDie();
}

// The JSON lines of a one-column table, one string per row (the value only).
std::vector<std::string> JsonValues(const Column& col) {
  Table t = MakeTable({{"v", col}});
  std::ostringstream out;
  EXPECT_TRUE(PrintRowsJsonl(t, out).ok());
  std::vector<std::string> values;
  std::istringstream in(out.str());
  std::string line;
  while (std::getline(in, line)) {
    EXPECT_EQ(line.substr(0, 5), "{\"v\":");
    EXPECT_EQ(line.back(), '}');
    values.push_back(line.substr(5, line.size() - 6));
  }
  return values;
}

std::string Double(double v) {
  std::string s;
  AppendDouble(v, &s);
  return s;
}

TEST(Format, DoublesAsDuckDB) {
  EXPECT_EQ(Double(0.1), "0.1");
  EXPECT_EQ(Double(1.0), "1.0");
  EXPECT_EQ(Double(100.0), "100.0");
  EXPECT_EQ(Double(-1.5), "-1.5");
  EXPECT_EQ(Double(0.0), "0.0");
  EXPECT_EQ(Double(-0.0), "-0.0");
  EXPECT_EQ(Double(123.456), "123.456");
  EXPECT_EQ(Double(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(Double(1e-4), "0.0001");
  EXPECT_EQ(Double(1e-5), "0.00001");
  EXPECT_EQ(Double(1e-6), "0.000001");
  EXPECT_EQ(Double(1.5e-6), "0.0000015");
  EXPECT_EQ(Double(0.000001234), "0.000001234");
  EXPECT_EQ(Double(1e-7), "1e-7");
  EXPECT_EQ(Double(1.5e-7), "1.5e-7");
  EXPECT_EQ(Double(1.234e-7), "1.234e-7");
  EXPECT_EQ(Double(1e15), "1000000000000000.0");
  EXPECT_EQ(Double(1e16), "10000000000000000.0");
  EXPECT_EQ(Double(123456789012.0), "123456789012.0");
  EXPECT_EQ(Double(1e20), "100000000000000000000.0");
  EXPECT_EQ(Double(9.999e20), "999900000000000000000.0");
  EXPECT_EQ(Double(12345678901234567890.0), "12345678901234567000.0");
  EXPECT_EQ(Double(123456789012345680000.0), "123456789012345680000.0");
  EXPECT_EQ(Double(1e21), "1e21");
  EXPECT_EQ(Double(1e22), "1e22");
  EXPECT_EQ(Double(1e300), "1e300");
  EXPECT_EQ(Double(1.7976931348623157e308), "1.7976931348623157e308");
  EXPECT_EQ(Double(5e-324), "5e-324");
  EXPECT_EQ(Double(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(Double(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(Double(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(Format, FloatsAreWidenedToDouble) {
  EXPECT_EQ(JsonValues(Fixed<float>(DataType::Float32(),
                                    {0.1f, 16777216.0f, 3.4028235e38f, 1e-45f, -1.5f, 1e10f,
                                     std::numeric_limits<float>::quiet_NaN()})),
            (std::vector<std::string>{"0.10000000149011612", "16777216.0",
                                      "3.4028234663852886e38", "1.401298464324817e-45", "-1.5",
                                      "10000000000.0", "NaN"}));
}

TEST(Format, IntegersFullRange) {
  EXPECT_EQ(JsonValues(Fixed<int8_t>(DataType::Int8(), {-128, 127, 0})),
            (std::vector<std::string>{"-128", "127", "0"}));
  EXPECT_EQ(JsonValues(Fixed<int16_t>(DataType::Int16(), {-32768, 32767})),
            (std::vector<std::string>{"-32768", "32767"}));
  EXPECT_EQ(JsonValues(Fixed<int32_t>(DataType::Int32(), {INT32_MIN, INT32_MAX})),
            (std::vector<std::string>{"-2147483648", "2147483647"}));
  EXPECT_EQ(JsonValues(Fixed<int64_t>(DataType::Int64(), {INT64_MIN, INT64_MAX})),
            (std::vector<std::string>{"-9223372036854775808", "9223372036854775807"}));
  EXPECT_EQ(JsonValues(Fixed<uint8_t>(DataType::UInt8(), {255})), std::vector<std::string>{"255"});
  EXPECT_EQ(JsonValues(Fixed<uint16_t>(DataType::UInt16(), {65535})),
            std::vector<std::string>{"65535"});
  EXPECT_EQ(JsonValues(Fixed<uint32_t>(DataType::UInt32(), {4294967295u})),
            std::vector<std::string>{"4294967295"});
  EXPECT_EQ(JsonValues(Fixed<uint64_t>(DataType::UInt64(), {UINT64_MAX, 0})),
            (std::vector<std::string>{"18446744073709551615", "0"}));
  // Durations have no Parquet annotation DuckDB knows: plain BIGINT.
  EXPECT_EQ(JsonValues(Fixed<int64_t>(DataType::Duration(TimeUnit::kNano), {-5})),
            std::vector<std::string>{"-5"});
}

TEST(Format, BoolsAndNulls) {
  EXPECT_EQ(JsonValues(Bools({true, false, true}, {true, true, false})),
            (std::vector<std::string>{"true", "false", "null"}));
}

TEST(Format, StringEscaping) {
  std::string ctl = "\x01\b\t\n\f\r\x1f\x7f";
  ctl.push_back('\0');
  EXPECT_EQ(JsonValues(Strings(DataType::String(),
                               {"a\"b\\c/d", ctl, "h\xc3\xa9llo \xe2\x82\xac\xf0\x9d\x84\x9e", "",
                                "x"},
                               {true, true, true, true, false})),
            (std::vector<std::string>{R"("a\"b\\c/d")", "\"\\u0001\\b\\t\\n\\f\\r\\u001F\x7f\\u0000\"",
                                      "\"h\xc3\xa9llo \xe2\x82\xac\xf0\x9d\x84\x9e\"", "\"\"",
                                      "null"}));
}

TEST(Format, BlobAsDuckDBText) {
  EXPECT_EQ(JsonValues(Strings(DataType::Binary(),
                               {std::string("\x00\x01" "ab\xff\"\\", 7), "", "ab\x7f\x80z/'"})),
            (std::vector<std::string>{R"("\\x00\\x01ab\\xFF\\x22\\x5C")", R"("")",
                                      R"("ab\\x7F\\x80z/\\x27")"}));
}

TEST(Format, Dates) {
  EXPECT_EQ(JsonValues(Fixed<int32_t>(DataType::Date32(),
                                      {0, 19782, -719162, 2932896, -1, -719163, 2932897})),
            (std::vector<std::string>{R"("1970-01-01")", R"("2024-02-29")", R"("0001-01-01")",
                                      R"("9999-12-31")", R"("1969-12-31")",
                                      R"j("0001-12-31 (BC)")j", R"("10000-01-01")"}));
}

TEST(Format, TimestampsTrimTrailingZeros) {
  const int64_t s = 1704164645;  // 2024-01-02 03:04:05 UTC
  EXPECT_EQ(JsonValues(Fixed<int64_t>(DataType::Timestamp(TimeUnit::kSecond), {s})),
            std::vector<std::string>{R"("2024-01-02 03:04:05")"});
  EXPECT_EQ(JsonValues(Fixed<int64_t>(DataType::Timestamp(TimeUnit::kMilli),
                                      {s * 1000 + 123, s * 1000 + 120, s * 1000})),
            (std::vector<std::string>{R"("2024-01-02 03:04:05.123")", R"("2024-01-02 03:04:05.12")",
                                      R"("2024-01-02 03:04:05")"}));
  EXPECT_EQ(JsonValues(Fixed<int64_t>(DataType::Timestamp(TimeUnit::kMicro),
                                      {s * 1000000 + 123456, s * 1000000 + 100000, -1})),
            (std::vector<std::string>{R"("2024-01-02 03:04:05.123456")", R"("2024-01-02 03:04:05.1")",
                                      R"("1969-12-31 23:59:59.999999")"}));
  EXPECT_EQ(JsonValues(Fixed<int64_t>(DataType::Timestamp(TimeUnit::kNano),
                                      {s * 1000000000 + 123456789, s * 1000000000 + 1, -1})),
            (std::vector<std::string>{R"("2024-01-02 03:04:05.123456789")",
                                      R"("2024-01-02 03:04:05.000000001")",
                                      R"("1969-12-31 23:59:59.999999999")"}));
}

TEST(Format, TimestampsAdjustedToUtcPrintOffsetAndMicros) {
  const int64_t s = 1704164645;
  EXPECT_EQ(JsonValues(Fixed<int64_t>(DataType::Timestamp(TimeUnit::kMilli, "UTC"),
                                      {s * 1000 + 500, s * 1000})),
            (std::vector<std::string>{R"("2024-01-02 03:04:05.5+00")",
                                      R"("2024-01-02 03:04:05+00")"}));
  // DuckDB reads adjusted-to-UTC nanoseconds at microsecond precision (truncated).
  EXPECT_EQ(JsonValues(Fixed<int64_t>(DataType::Timestamp(TimeUnit::kNano, "UTC"),
                                      {s * 1000000000 + 123456789, -1, s * 1000000000 + 1})),
            (std::vector<std::string>{R"("2024-01-02 03:04:05.123456+00")",
                                      R"("1970-01-01 00:00:00+00")", R"("2024-01-02 03:04:05+00")"}));
  // Year 0 is 1 BC.
  std::string bc;
  AppendTimestamp(-62135596800LL - 1, TimeUnit::kSecond, false, &bc);
  EXPECT_EQ(bc, "0001-12-31 (BC) 23:59:59");
}

TEST(Format, DecimalsNarrowAsDoubleWideExact) {
  EXPECT_EQ(JsonValues(Decimals(4, 2, {12345, -5})), (std::vector<std::string>{"123.45", "-0.05"}));
  EXPECT_EQ(JsonValues(Decimals(4, 0, {7})), std::vector<std::string>{"7.0"});
  EXPECT_EQ(JsonValues(Decimals(9, 3, {1500, 1})), (std::vector<std::string>{"1.5", "0.001"}));
  EXPECT_EQ(JsonValues(Decimals(15, 3, {1500, 100})), (std::vector<std::string>{"1.5", "0.1"}));
  EXPECT_EQ(JsonValues(Decimals(16, 3, {1500, 100})), (std::vector<std::string>{"1.500", "0.100"}));
  EXPECT_EQ(JsonValues(Decimals(18, 3, {-1, 0})), (std::vector<std::string>{"-0.001", "0.000"}));
  EXPECT_EQ(JsonValues(Decimals(18, 0, {-123456789012345678})),
            std::vector<std::string>{"-123456789012345678"});
  __int128 big = 1;
  for (int i = 0; i < 38; ++i) big *= 10;
  EXPECT_EQ(JsonValues(Decimals(38, 0, {big - 1, 7})),
            (std::vector<std::string>{"99999999999999999999999999999999999999", "7"}));
  EXPECT_EQ(JsonValues(Decimals(38, 10, {0})), std::vector<std::string>{"0.0000000000"});
}

TEST(Format, JsonlRowsAndKeys) {
  Table t = MakeTable({{"id", Fixed<int32_t>(DataType::Int32(), {1, 2}, {true, false})},
                       {"we\"ird\n", Strings(DataType::String(), {"a", ""}, {false, true})}});
  std::ostringstream out;
  ASSERT_TRUE(PrintRowsJsonl(t, out).ok());
  EXPECT_EQ(out.str(), "{\"id\":1,\"we\\\"ird\\n\":null}\n{\"id\":null,\"we\\\"ird\\n\":\"\"}\n");
}

TEST(Format, JsonlEmptyTableIsEmpty) {
  Table t = MakeTable({{"id", Fixed<int32_t>(DataType::Int32(), {})}});
  std::ostringstream out;
  ASSERT_TRUE(PrintRowsJsonl(t, out).ok());
  EXPECT_EQ(out.str(), "");
}

TEST(Format, CsvQuotesRfc4180) {
  Table t = MakeTable(
      {{"id", Fixed<int64_t>(DataType::Int64(), {1, 2, 3})},
       {"s", Strings(DataType::String(), {"x,y", "q\"r", ""}, {true, true, true})},
       {"n", Fixed<double>(DataType::Float64(), {0.5, 0, 1}, {true, false, true})},
       {"ts", Fixed<int64_t>(DataType::Timestamp(TimeUnit::kSecond, "UTC"), {0, 1, 2})},
       {"a,b", Strings(DataType::String(), {"l1\nl2", "plain", "z"})}});
  std::ostringstream out;
  ASSERT_TRUE(PrintRowsCsv(t, out).ok());
  EXPECT_EQ(out.str(),
            "id,s,n,ts,\"a,b\"\n"
            "1,\"x,y\",0.5,1970-01-01 00:00:00+00,\"l1\nl2\"\n"
            "2,\"q\"\"r\",,1970-01-01 00:00:01+00,plain\n"
            "3,\"\",1.0,1970-01-01 00:00:02+00,z\n");
}

TEST(Format, StreamFailureIsIOError) {
  Table t = MakeTable({{"id", Fixed<int32_t>(DataType::Int32(), {1})}});
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  Status st = PrintRowsJsonl(t, out);
  EXPECT_TRUE(st.IsIOError()) << st.ToString();
}

// Every type, null included: the kText cell is the JSON value without string
// quoting, the kCsv cell that text as a field, and a Scalar of the same value
// renders the same.
TEST(Format, CellFormatsAgreeWithTheJsonLines) {
  const int64_t ts = 1704164645123456789;
  struct Case {
    Column column;
    std::string json, text, csv;
    Scalar scalar;
  };
  std::vector<Case> cases = {
      {Fixed<int32_t>(DataType::Int32(), {-7}), "-7", "-7", "-7", Scalar::Int(-7, DataType::Int32())},
      {Fixed<uint64_t>(DataType::UInt64(), {18446744073709551615ull}), "18446744073709551615",
       "18446744073709551615", "18446744073709551615", Scalar::UInt(18446744073709551615ull)},
      {Fixed<double>(DataType::Float64(), {0.5}), "0.5", "0.5", "0.5", Scalar::Float(0.5)},
      {Fixed<float>(DataType::Float32(), {0.1f}), "0.10000000149011612", "0.10000000149011612",
       "0.10000000149011612", Scalar::Float(double(0.1f), DataType::Float32())},
      {Bools({true}), "true", "true", "true", Scalar::Bool(true)},
      {Strings(DataType::String(), {"a,\"b\"\n"}), "\"a,\\\"b\\\"\\n\"", "a,\"b\"\n",
       "\"a,\"\"b\"\"\n\"", Scalar::String("a,\"b\"\n")},
      {Strings(DataType::String(), {""}), "\"\"", "", "\"\"", Scalar::String("")},
      {Strings(DataType::Binary(), {std::string("\x01z", 2)}), "\"\\\\x01z\"", "\\x01z", "\\x01z",
       Scalar::Binary(std::string("\x01z", 2))},
      {Fixed<int32_t>(DataType::Date32(), {19724}), "\"2024-01-02\"", "2024-01-02", "2024-01-02",
       Scalar::Date32(19724)},
      {Fixed<int64_t>(DataType::Timestamp(TimeUnit::kNano), {ts}),
       "\"2024-01-02 03:04:05.123456789\"", "2024-01-02 03:04:05.123456789",
       "2024-01-02 03:04:05.123456789", Scalar::Timestamp(ts, TimeUnit::kNano)},
      {Fixed<int64_t>(DataType::Duration(TimeUnit::kMilli), {-5}), "-5", "-5", "-5",
       Scalar::Duration(-5, TimeUnit::kMilli)},
      {Decimals(20, 2, {-12345}), "-123.45", "-123.45", "-123.45",
       Scalar::Decimal(20, 2, static_cast<uint64_t>(int64_t{-12345}), -1)},
      {Decimals(5, 2, {12345}), "123.45", "123.45", "123.45", Scalar::Decimal(5, 2, 12345, 0)},
      {Fixed<int64_t>(DataType::Int64(), {1}, {false}), "null", "null", "",
       Scalar::Null(DataType::Int64())},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json);
    ASSERT_EQ(JsonValues(c.column), std::vector<std::string>{c.json});
    EXPECT_EQ(FormatCell(c.column, 0, CellFormat::kJson), c.json);
    EXPECT_EQ(FormatCell(c.column, 0, CellFormat::kText), c.text);
    EXPECT_EQ(FormatCell(c.column, 0, CellFormat::kCsv), c.csv);
    for (CellFormat f : {CellFormat::kJson, CellFormat::kText, CellFormat::kCsv}) {
      std::string s;
      AppendScalar(c.scalar, f, &s);
      EXPECT_EQ(s, FormatCell(c.column, 0, f)) << static_cast<int>(f);
    }
  }
}

TEST(Format, JsonStringTypes) {
  EXPECT_TRUE(RendersAsJsonString(DataType::String()));
  EXPECT_TRUE(RendersAsJsonString(DataType::Binary()));
  EXPECT_TRUE(RendersAsJsonString(DataType::Date32()));
  EXPECT_TRUE(RendersAsJsonString(DataType::Timestamp(TimeUnit::kMicro, "UTC")));
  EXPECT_FALSE(RendersAsJsonString(DataType::Int64()));
  EXPECT_FALSE(RendersAsJsonString(DataType::Decimal(10, 2)));
  EXPECT_FALSE(RendersAsJsonString(DataType::Duration(TimeUnit::kSecond)));
  EXPECT_FALSE(RendersAsJsonString(DataType::Bool()));
}

TEST(Format, CsvWithoutHeaderAppendsRowsOnly) {
  Table t = MakeTable({{"id", Fixed<int64_t>(DataType::Int64(), {1, 2})},
                       {"s", Strings(DataType::String(), {"x", "y,z"})}});
  std::ostringstream out;
  ASSERT_TRUE(PrintRowsCsv(t, out).ok());
  ASSERT_TRUE(PrintRowsCsv(t.Slice(1, 1), out, /*header=*/false).ok());
  EXPECT_EQ(out.str(), "id,s\n1,x\n2,\"y,z\"\n2,\"y,z\"\n");
}

}  // namespace
}  // namespace oups
