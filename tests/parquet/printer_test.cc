// Printer: the metadata document, statistics decoded through statistics.h and
// rendered as row values (whose rules tests/table/format_test.cc checks).
#include "oups/parquet/printer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace oups::parquet {
namespace {

std::string Plain(const void* p, size_t n) { return std::string(static_cast<const char*>(p), n); }

TEST(Printer, MetadataJsonDecodesStatistics) {
  FileMetadata md;
  md.num_rows = 3;
  md.created_by = "test";
  auto desc = [](std::string name, PhysicalType pt, DataType logical, std::string logical_name,
                 std::optional<int32_t> converted) {
    ColumnDescriptor d;
    d.name = std::move(name);
    d.physical_type = pt;
    d.logical = std::move(logical);
    d.logical_name = std::move(logical_name);
    d.converted_type = converted;
    return d;
  };
  ColumnDescriptor ts = desc("ts", PhysicalType::kInt64, DataType::Timestamp(TimeUnit::kNano, "UTC"),
                             "TIMESTAMP(NANOS,true)", std::nullopt);
  ts.optional = false;
  ColumnDescriptor u8 =
      desc("u8", PhysicalType::kInt32, DataType::UInt8(), "INTEGER(8,false)", 11);
  ColumnDescriptor s = desc("s", PhysicalType::kByteArray, DataType::String(), "STRING", 0);
  ColumnDescriptor dec = desc("dec", PhysicalType::kFixedLenByteArray, DataType::Decimal(20, 2),
                              "DECIMAL(20,2)", 5);
  dec.type_length = 9;
  md.columns = {ts, u8, s, dec};

  RowGroupMetadata rg;
  rg.num_rows = 3;
  rg.total_byte_size = 100;
  rg.sorting_columns = {SortingColumn{0, false, true}};
  auto chunk = [](int index, PhysicalType pt, std::string min, std::string max) {
    ColumnChunkMetadata cc;
    cc.column_index = index;
    cc.physical_type = pt;
    cc.compression = Compression::kZstd;
    cc.encodings = {Encoding::kRleDictionary, Encoding::kPlain};
    cc.num_values = 3;
    cc.total_compressed_size = 10;
    cc.total_uncompressed_size = 20;
    cc.data_page_offset = 4;
    ColumnStatistics st;
    st.null_count = 1;
    st.min_value = std::move(min);
    st.max_value = std::move(max);
    cc.statistics = st;
    return cc;
  };
  const int64_t t0 = 1704164645123456789;
  const int64_t t1 = t0 + 1000;
  const int32_t u_min = 3, u_max = 250;
  const uint8_t dmin[9] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x85};  // -123
  const uint8_t dmax[9] = {0, 0, 0, 0, 0, 0, 0, 0x30, 0x39};                       // 12345
  rg.columns = {chunk(0, PhysicalType::kInt64, Plain(&t0, 8), Plain(&t1, 8)),
                chunk(1, PhysicalType::kInt32, Plain(&u_min, 4), Plain(&u_max, 4)),
                chunk(2, PhysicalType::kByteArray, "a\"b", "\xc3\xa9t\xc3\xa9"),
                chunk(3, PhysicalType::kFixedLenByteArray, Plain(dmin, 9), Plain(dmax, 9))};
  rg.columns[2].dictionary_page_offset = 2;
  md.row_groups = {rg};
  md.key_value_metadata = {KeyValue{"oups", "{\"a\":1}"}, KeyValue{"nov", std::nullopt}};

  std::ostringstream out;
  ASSERT_TRUE(PrintMetadataJson(md, out).ok());
  const std::string j = out.str();
  auto has = [&](const std::string& needle) {
    EXPECT_NE(j.find(needle), std::string::npos) << "missing " << needle << " in\n" << j;
  };
  has(R"("num_rows": 3)");
  has(R"("created_by": "test")");
  has(R"j("logical_type": "TIMESTAMP(NANOS,true)")j");
  has(R"("converted_type": "UINT_8")");
  has(R"("repetition": "REQUIRED")");
  has(R"("oups_type": "timestamp[ns, tz=UTC]")");
  has(R"("type_length": 9)");
  has(R"("codec": "ZSTD")");
  has(R"("RLE_DICTIONARY")");
  has(R"("null_count": 1)");
  has(R"("min": "2024-01-02 03:04:05.123456+00")");
  has(R"("max": "2024-01-02 03:04:05.123457+00")");
  has(R"("min": 3)");
  has(R"("max": 250)");
  has(R"("min": "a\"b")");
  has("\"max\": \"\xc3\xa9t\xc3\xa9\"");
  has(R"("min": -1.23)");
  has(R"("max": 123.45)");
  has(R"("dictionary_page_offset": 2)");
  has(R"("column": "ts")");
  has(R"("key": "oups")");
  has(R"("value": "{\"a\":1}")");
  has(R"("value": null)");
}

TEST(Printer, MetadataJsonShowsUndecodableStatisticsRaw) {
  FileMetadata md;
  ColumnDescriptor x;
  x.name = "x";
  x.physical_type = PhysicalType::kInt64;
  x.logical = DataType::Int64();
  md.columns = {x};
  RowGroupMetadata rg;
  ColumnChunkMetadata cc;
  ColumnStatistics st;
  st.min_value = std::string("\x01\x02", 2);  // wrong width for INT64
  cc.statistics = st;
  rg.columns = {cc};
  md.row_groups = {rg};
  std::ostringstream out;
  ASSERT_TRUE(PrintMetadataJson(md, out).ok());
  EXPECT_NE(out.str().find(R"("min": "raw:\\x01\\x02")"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find(R"("max": null)"), std::string::npos) << out.str();
}

TEST(Printer, MetadataJsonDecodesInt96AndByteArrayDecimalStatistics) {
  FileMetadata md;
  ColumnDescriptor t96;
  t96.name = "t96";
  t96.physical_type = PhysicalType::kInt96;
  t96.logical = DataType::Timestamp(TimeUnit::kNano);
  ColumnDescriptor dec;
  dec.name = "dec";
  dec.physical_type = PhysicalType::kByteArray;
  dec.logical = DataType::Decimal(30, 3);
  md.columns = {t96, dec};
  auto chunk = [](int index, std::string min, std::string max) {
    ColumnChunkMetadata cc;
    cc.column_index = index;
    ColumnStatistics st;
    st.min_value = std::move(min);
    st.max_value = std::move(max);
    cc.statistics = st;
    return cc;
  };
  // INT96: nanoseconds of the day, then the Julian day (2440589: 1970-01-02).
  uint8_t lo[12] = {}, hi[12] = {};
  const int64_t ns = 1'000'000'000, ns_hi = 1'500'000'000;
  const int32_t jd = 2440589;
  std::memcpy(lo, &ns, 8);
  std::memcpy(lo + 8, &jd, 4);
  std::memcpy(hi, &ns_hi, 8);
  std::memcpy(hi + 8, &jd, 4);
  RowGroupMetadata rg;
  rg.columns = {chunk(0, Plain(lo, 12), Plain(hi, 12)),
                chunk(1, std::string("\xff", 1), std::string("\x01\x00", 2))};
  md.row_groups = {rg};
  std::ostringstream out;
  ASSERT_TRUE(PrintMetadataJson(md, out).ok());
  const std::string j = out.str();
  EXPECT_NE(j.find(R"("min": "1970-01-02 00:00:01")"), std::string::npos) << j;
  EXPECT_NE(j.find(R"("max": "1970-01-02 00:00:01.5")"), std::string::npos) << j;
  EXPECT_NE(j.find(R"("min": -0.001)"), std::string::npos) << j;
  EXPECT_NE(j.find(R"("max": 0.256)"), std::string::npos) << j;
}

}  // namespace
}  // namespace oups::parquet
