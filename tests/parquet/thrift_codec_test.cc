// Tests of the Thrift bridge (src/parquet/thrift/thrift_codec.h): round trips
// of the generated structs, and hostile bytes (truncation, huge claimed sizes,
// deep nesting, garbage) that must give Corruption without crashing or
// allocating what they claim.
#include "parquet/thrift/thrift_codec.h"

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace oups::parquet {
namespace {

using Bytes = std::vector<uint8_t>;

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

format::Statistics MakeStatistics(int64_t lo, int64_t hi) {
  format::Statistics st;
  st.__set_min_value(std::string(reinterpret_cast<const char*>(&lo), 8));
  st.__set_max_value(std::string(reinterpret_cast<const char*>(&hi), 8));
  st.__set_null_count(0);
  st.__set_is_min_value_exact(true);
  st.__set_is_max_value_exact(true);
  return st;
}

format::PageHeader MakeDataPageHeader() {
  format::PageHeader ph;
  ph.type = format::PageType::DATA_PAGE;
  ph.uncompressed_page_size = 1 << 20;
  ph.compressed_page_size = 123456;
  ph.__set_crc(-12345);
  format::DataPageHeader dp;
  dp.num_values = 131072;
  dp.encoding = format::Encoding::PLAIN;
  dp.definition_level_encoding = format::Encoding::RLE;
  dp.repetition_level_encoding = format::Encoding::RLE;
  dp.__set_statistics(MakeStatistics(1700000000000000000, 1700000131072000000));
  ph.__set_data_page_header(dp);
  return ph;
}

format::FileMetaData MakeFileMetaData() {
  format::FileMetaData md;
  md.version = 2;
  format::SchemaElement root;
  root.name = "schema";
  root.__set_num_children(3);
  md.schema.push_back(root);

  format::SchemaElement ts;
  ts.name = "timestamp";
  ts.__set_type(format::Type::INT64);
  ts.__set_repetition_type(format::FieldRepetitionType::REQUIRED);
  format::TimestampType tt;
  tt.isAdjustedToUTC = true;
  tt.unit.__set_NANOS(format::NanoSeconds());
  format::LogicalType lt;
  lt.__set_TIMESTAMP(tt);
  ts.__set_logicalType(lt);
  md.schema.push_back(ts);

  format::SchemaElement price;
  price.name = "price";
  price.__set_type(format::Type::DOUBLE);
  price.__set_repetition_type(format::FieldRepetitionType::OPTIONAL);
  md.schema.push_back(price);

  format::SchemaElement sym;
  sym.name = "symbol";
  sym.__set_type(format::Type::BYTE_ARRAY);
  sym.__set_repetition_type(format::FieldRepetitionType::OPTIONAL);
  sym.__set_converted_type(format::ConvertedType::UTF8);
  format::LogicalType st;
  st.__set_STRING(format::StringType());
  sym.__set_logicalType(st);
  md.schema.push_back(sym);

  md.num_rows = 0;
  for (int g = 0; g < 3; ++g) {
    format::RowGroup rg;
    rg.num_rows = 1000 + g;
    rg.total_byte_size = 50000;
    for (int c = 0; c < 3; ++c) {
      format::ColumnChunk cc;
      cc.file_offset = 0;
      format::ColumnMetaData cm;
      cm.type = md.schema[1 + c].type;
      cm.encodings = {format::Encoding::PLAIN, format::Encoding::RLE,
                      format::Encoding::RLE_DICTIONARY};
      cm.path_in_schema = {md.schema[1 + c].name};
      cm.codec = format::CompressionCodec::ZSTD;
      cm.num_values = rg.num_rows;
      cm.total_uncompressed_size = 8000;
      cm.total_compressed_size = 3000;
      cm.data_page_offset = 4 + g * 9000 + c * 3000;
      cm.__set_statistics(MakeStatistics(g, g + 1000));
      format::PageEncodingStats pes;
      pes.page_type = format::PageType::DATA_PAGE;
      pes.encoding = format::Encoding::PLAIN;
      pes.count = 1;
      cm.__set_encoding_stats({pes});
      cc.__set_meta_data(cm);
      rg.columns.push_back(cc);
    }
    format::SortingColumn sc;
    sc.column_idx = 0;
    sc.descending = false;
    sc.nulls_first = true;
    rg.__set_sorting_columns({sc});
    rg.__set_ordinal(static_cast<int16_t>(g));
    md.num_rows += rg.num_rows;
    md.row_groups.push_back(rg);
  }
  format::KeyValue kv;
  kv.key = "oups";
  kv.__set_value("{\"ordered_on\": \"timestamp\"}");
  format::KeyValue no_value;
  no_value.key = "flag";
  md.__set_key_value_metadata({kv, no_value});
  md.__set_created_by("oups version 0.1.0");
  format::ColumnOrder order;
  order.__set_TYPE_ORDER(format::TypeDefinedOrder());
  md.__set_column_orders({order, order, order});
  return md;
}

// Compact protocol helpers for hand-crafted inputs.
void PutVarint(Bytes* b, uint64_t v) {
  while (v >= 0x80) {
    b->push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  b->push_back(static_cast<uint8_t>(v));
}
constexpr uint8_t kCompactI32 = 5, kCompactBinary = 8, kCompactList = 9,
                  kCompactStruct = 12;
uint8_t FieldHeader(int delta, uint8_t type) {
  return static_cast<uint8_t>((delta << 4) | type);
}

template <typename T>
Status Decode(const Bytes& b, T* out, uint32_t* consumed = nullptr) {
  uint32_t len = static_cast<uint32_t>(b.size());
  // Own allocation of exactly len bytes: ASan flags any over-read.
  Bytes copy(b);
  Status st = DeserializeThrift(copy.data(), &len, out);
  if (consumed != nullptr) *consumed = len;
  return st;
}

// ---------------------------------------------------------------- round trips

TEST(ThriftCodec, FileMetaDataRoundTrip) {
  const format::FileMetaData md = MakeFileMetaData();
  auto bytes = SerializeThrift(md);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  format::FileMetaData back;
  uint32_t len = static_cast<uint32_t>(bytes->size());
  ASSERT_TRUE(DeserializeThrift(U8(*bytes), &len, &back).ok());
  EXPECT_EQ(len, bytes->size());
  EXPECT_TRUE(back == md);
  EXPECT_TRUE(back.schema[1].logicalType.TIMESTAMP.unit.__isset.NANOS);
  EXPECT_FALSE(back.key_value_metadata[1].__isset.value);
}

TEST(ThriftCodec, PageHeaderRoundTripReportsConsumedBytes) {
  const format::PageHeader ph = MakeDataPageHeader();
  auto bytes = SerializeThrift(ph);
  ASSERT_TRUE(bytes.ok());
  // The page body follows the header in a file.
  Bytes buf(bytes->begin(), bytes->end());
  const size_t header_size = buf.size();
  buf.resize(header_size + 1000, 0xEE);
  format::PageHeader back;
  uint32_t consumed = 0;
  ASSERT_TRUE(Decode(buf, &back, &consumed).ok());
  EXPECT_EQ(consumed, header_size);
  EXPECT_TRUE(back == ph);
}

TEST(ThriftCodec, SerializeAppendsToMutableBuffer) {
  MutableBuffer buf;
  ASSERT_TRUE(buf.Append("PAR1", 4).ok());
  auto n = SerializeThrift(MakeDataPageHeader(), &buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(buf.size(), 4 + *n);
  format::PageHeader back;
  uint32_t len = static_cast<uint32_t>(*n);
  ASSERT_TRUE(DeserializeThrift(buf.data() + 4, &len, &back).ok());
  EXPECT_TRUE(back == MakeDataPageHeader());
}

TEST(ThriftCodec, DataPageV2DefaultIsCompressed) {
  format::PageHeader ph;
  ph.type = format::PageType::DATA_PAGE_V2;
  format::DataPageHeaderV2 v2;
  v2.num_values = v2.num_rows = 10;
  ph.__set_data_page_header_v2(v2);
  auto bytes = SerializeThrift(ph);
  ASSERT_TRUE(bytes.ok());
  format::PageHeader back;
  uint32_t len = static_cast<uint32_t>(bytes->size());
  ASSERT_TRUE(DeserializeThrift(U8(*bytes), &len, &back).ok());
  EXPECT_TRUE(back.data_page_header_v2.is_compressed);
}

// ---------------------------------------------------------------- hostile bytes

TEST(ThriftCodec, TruncatedFileMetaDataAtEveryLength) {
  auto bytes = SerializeThrift(MakeFileMetaData());
  ASSERT_TRUE(bytes.ok());
  for (size_t cut = 0; cut < bytes->size(); ++cut) {
    Bytes prefix(bytes->begin(), bytes->begin() + static_cast<std::ptrdiff_t>(cut));
    format::FileMetaData out;
    Status st = Decode(prefix, &out);
    ASSERT_TRUE(st.IsCorruption()) << "cut=" << cut << " " << st.ToString();
  }
}

TEST(ThriftCodec, TruncatedPageHeaderAtEveryLength) {
  auto bytes = SerializeThrift(MakeDataPageHeader());
  ASSERT_TRUE(bytes.ok());
  for (size_t cut = 0; cut < bytes->size(); ++cut) {
    Bytes prefix(bytes->begin(), bytes->begin() + static_cast<std::ptrdiff_t>(cut));
    format::PageHeader out;
    Status st = Decode(prefix, &out);
    ASSERT_TRUE(st.IsCorruption()) << "cut=" << cut << " " << st.ToString();
    EXPECT_EQ(st.message().rfind("thrift: ", 0), 0u);
  }
}

TEST(ThriftCodec, HugeStringClaimFailsFast) {
  // KeyValue{1: key} whose length claims 2 GiB - 1 with 16 bytes behind it.
  Bytes b = {FieldHeader(1, kCompactBinary)};
  PutVarint(&b, 0x7FFFFFFF);
  b.insert(b.end(), 16, 'x');
  const auto t0 = std::chrono::steady_clock::now();
  format::KeyValue kv;
  Status st = Decode(b, &kv);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(100));
  // Also a claim just one byte beyond what is there.
  Bytes c = {FieldHeader(1, kCompactBinary)};
  PutVarint(&c, 17);
  c.insert(c.end(), 16, 'x');
  EXPECT_TRUE(Decode(c, &kv).IsCorruption());
}

TEST(ThriftCodec, HugeListClaimFailsFast) {
  // FileMetaData{1: version, 2: schema = list<struct> of 10^9 elements}.
  Bytes b = {FieldHeader(1, kCompactI32)};
  PutVarint(&b, 2);  // zigzag(1)
  b.push_back(FieldHeader(1, kCompactList));
  b.push_back(static_cast<uint8_t>(0xF0 | kCompactStruct));  // size follows
  PutVarint(&b, 1'000'000'000);
  b.insert(b.end(), 32, 0);
  const auto t0 = std::chrono::steady_clock::now();
  format::FileMetaData md;
  Status st = Decode(b, &md);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(100));
  EXPECT_LT(md.schema.capacity(), 1000u);

  // Same with a list of strings (path_in_schema-like) inside ColumnMetaData.
  Bytes c = {FieldHeader(2, kCompactList), static_cast<uint8_t>(0xF0 | kCompactBinary)};
  PutVarint(&c, 1'000'000'000);
  c.insert(c.end(), 8, 0);
  format::ColumnMetaData cm;
  EXPECT_TRUE(Decode(c, &cm).IsCorruption());
}

TEST(ThriftCodec, DeepNestingOfUnknownFieldsFails) {
  // Unknown field id 15 of type struct, nested 100000 times: the skipper must
  // hit the recursion limit instead of overflowing the stack.
  Bytes b(100000, FieldHeader(15, kCompactStruct));
  format::PageHeader ph;
  Status st = Decode(b, &ph);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
}

TEST(ThriftCodec, MissingRequiredFieldIsCorruption) {
  Bytes b = {0};  // an empty struct: FileMetaData's required fields are absent
  format::FileMetaData md;
  EXPECT_TRUE(Decode(b, &md).IsCorruption());
  format::PageHeader ph;
  EXPECT_TRUE(Decode(b, &ph).IsCorruption());
  Bytes empty;
  EXPECT_TRUE(Decode(empty, &ph).IsCorruption());
}

TEST(ThriftCodec, GarbageNeverCrashes) {
  format::FileMetaData md;
  EXPECT_TRUE(Decode(Bytes(100, 0xFF), &md).IsCorruption());
  std::mt19937 rng(5);
  int failures = 0;
  for (int i = 0; i < 2000; ++i) {
    Bytes b(1 + rng() % 200);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    format::FileMetaData m;
    format::PageHeader p;
    Status s1 = Decode(b, &m), s2 = Decode(b, &p);
    if (!s1.ok()) {
      EXPECT_TRUE(s1.IsCorruption());
      ++failures;
    }
    if (!s2.ok()) {
      EXPECT_TRUE(s2.IsCorruption());
    }
  }
  EXPECT_GT(failures, 1900);
}

TEST(ThriftCodec, MutatedFileMetaDataNeverCrashes) {
  auto bytes = SerializeThrift(MakeFileMetaData());
  ASSERT_TRUE(bytes.ok());
  std::mt19937 rng(6);
  for (int i = 0; i < 2000; ++i) {
    Bytes b(bytes->begin(), bytes->end());
    for (int f = 0; f < 3; ++f) b[rng() % b.size()] = static_cast<uint8_t>(rng());
    format::FileMetaData m;
    Status st = Decode(b, &m);
    if (!st.ok()) {
      EXPECT_TRUE(st.IsCorruption());
    }
  }
}

// ------------------------------------------------------------------- enums

TEST(ThriftCodec, EnumsAreNotValidatedByThriftButByIsValidEnum) {
  format::PageHeader ph = MakeDataPageHeader();
  ph.type = static_cast<format::PageType::type>(99);
  ph.data_page_header.encoding = static_cast<format::Encoding::type>(1);
  auto bytes = SerializeThrift(ph);
  ASSERT_TRUE(bytes.ok());
  format::PageHeader back;
  uint32_t len = static_cast<uint32_t>(bytes->size());
  ASSERT_TRUE(DeserializeThrift(U8(*bytes), &len, &back).ok());
  EXPECT_FALSE(IsValidEnum(back.type));
  EXPECT_FALSE(IsValidEnum(back.data_page_header.encoding));

  EXPECT_TRUE(IsValidEnum(format::PageType::DATA_PAGE_V2));
  EXPECT_TRUE(IsValidEnum(format::Encoding::PLAIN));
  EXPECT_TRUE(IsValidEnum(format::Encoding::BYTE_STREAM_SPLIT));
  EXPECT_FALSE(IsValidEnum(static_cast<format::Encoding::type>(10)));
  EXPECT_TRUE(IsValidEnum(format::Type::FIXED_LEN_BYTE_ARRAY));
  EXPECT_FALSE(IsValidEnum(static_cast<format::Type::type>(-1)));
  EXPECT_TRUE(IsValidEnum(format::ConvertedType::INTERVAL));
  EXPECT_FALSE(IsValidEnum(static_cast<format::ConvertedType::type>(22)));
  EXPECT_TRUE(IsValidEnum(format::FieldRepetitionType::REPEATED));
  EXPECT_FALSE(IsValidEnum(static_cast<format::FieldRepetitionType::type>(3)));
  EXPECT_TRUE(IsValidEnum(format::CompressionCodec::LZ4_RAW));
  EXPECT_FALSE(IsValidEnum(static_cast<format::CompressionCodec::type>(8)));
  EXPECT_TRUE(IsValidEnum(format::BoundaryOrder::DESCENDING));
  EXPECT_FALSE(IsValidEnum(static_cast<format::BoundaryOrder::type>(3)));
  EXPECT_TRUE(IsValidEnum(format::EdgeInterpolationAlgorithm::KARNEY));
  EXPECT_FALSE(IsValidEnum(static_cast<format::EdgeInterpolationAlgorithm::type>(5)));
}

}  // namespace
}  // namespace oups::parquet
