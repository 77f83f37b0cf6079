// Files whose features neither our writer nor DuckDB produce, assembled by hand
// from thrift structs: INT96 timestamps (Spark, Impala) and the deprecated
// Hadoop-framed LZ4 codec. The reader must read them with the right values.
#include <gtest/gtest.h>
#include <lz4.h>

#include <cstring>

#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_reader.h"
#include "parquet/thrift/thrift_codec.h"

namespace oups::parquet {
namespace {

// A one-column, one-row-group, one-page file. `body` is the page as stored
// (compressed with `codec`), `raw_size` its uncompressed size.
std::string AssembleFile(format::Type::type type, format::CompressionCodec::type codec,
                         int32_t num_values, const std::string& body, int32_t raw_size) {
  std::string file = "PAR1";
  format::PageHeader ph;
  ph.__set_type(format::PageType::DATA_PAGE);
  ph.__set_uncompressed_page_size(raw_size);
  ph.__set_compressed_page_size(static_cast<int32_t>(body.size()));
  format::DataPageHeader dph;
  dph.__set_num_values(num_values);
  dph.__set_encoding(format::Encoding::PLAIN);
  dph.__set_definition_level_encoding(format::Encoding::RLE);
  dph.__set_repetition_level_encoding(format::Encoding::RLE);
  ph.__set_data_page_header(dph);
  const std::string header = SerializeThrift(ph).ValueOrDie();
  const int64_t chunk_start = static_cast<int64_t>(file.size());
  file += header;
  file += body;
  format::ColumnMetaData md;
  md.__set_type(type);
  md.__set_encodings({format::Encoding::PLAIN});
  md.__set_path_in_schema({"c"});
  md.__set_codec(codec);
  md.__set_num_values(num_values);
  md.__set_total_uncompressed_size(static_cast<int64_t>(header.size()) + raw_size);
  md.__set_total_compressed_size(static_cast<int64_t>(file.size()) - chunk_start);
  md.__set_data_page_offset(chunk_start);
  format::ColumnChunk cc;
  cc.__set_file_offset(chunk_start);
  cc.__set_meta_data(md);
  format::RowGroup rg;
  rg.__set_columns({cc});
  rg.__set_num_rows(num_values);
  rg.__set_total_byte_size(raw_size);
  format::SchemaElement root, col;
  root.__set_name("schema");
  root.__set_num_children(1);
  col.__set_name("c");
  col.__set_type(type);
  col.__set_repetition_type(format::FieldRepetitionType::REQUIRED);
  format::FileMetaData fmd;
  fmd.__set_version(1);
  fmd.__set_schema({root, col});
  fmd.__set_num_rows(num_values);
  fmd.__set_row_groups({rg});
  const std::string footer = SerializeThrift(fmd).ValueOrDie();
  file += footer;
  const uint32_t len = static_cast<uint32_t>(footer.size());
  file.append(reinterpret_cast<const char*>(&len), 4);
  file += "PAR1";
  return file;
}

Result<Table> ReadBytes(const std::string& bytes) {
  auto fs = NewMemoryFileSystem();
  OUPS_RETURN_NOT_OK(fs->WriteFile("/f.parquet", bytes));
  return ReadTable(*fs, "/f.parquet");
}

std::string Int96(int64_t nanos_of_day, int32_t julian_day) {
  std::string v(12, '\0');
  std::memcpy(v.data(), &nanos_of_day, 8);
  std::memcpy(v.data() + 8, &julian_day, 4);
  return v;
}

TEST(LegacyFormats, Int96TimestampsReadAsNanoseconds) {
  // 1970-01-01 00:00:00 is Julian day 2440588.
  const std::string values = Int96(0, 2440588) + Int96(1'500'000'000, 2440589) +
                             Int96(86'399'999'999'999, 2440587);
  auto t = ReadBytes(AssembleFile(format::Type::INT96, format::CompressionCodec::UNCOMPRESSED, 3,
                                  values, static_cast<int32_t>(values.size())));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->column(0).type(), DataType::Timestamp(TimeUnit::kNano));
  const int64_t* v = t->column(0).data<int64_t>();
  EXPECT_EQ(v[0], 0);
  EXPECT_EQ(v[1], 86'400'000'000'000 + 1'500'000'000);
  EXPECT_EQ(v[2], -1);
}

TEST(LegacyFormats, HadoopFramedLz4) {
  std::string raw(4000, '\0');
  for (int i = 0; i < 500; ++i) {
    const int64_t x = int64_t{1} << 40 | (i * 7);
    std::memcpy(raw.data() + i * 8, &x, 8);
  }
  // Hadoop framing: big-endian uncompressed and compressed lengths, then the block.
  std::string block(static_cast<size_t>(LZ4_compressBound(4000)), '\0');
  const int n = LZ4_compress_default(raw.data(), block.data(), 4000, static_cast<int>(block.size()));
  ASSERT_GT(n, 0);
  block.resize(static_cast<size_t>(n));
  auto be32 = [](uint32_t x) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[size_t(i)] = static_cast<char>(x >> (24 - 8 * i));
    return s;
  };
  const std::string framed = be32(4000) + be32(static_cast<uint32_t>(n)) + block;
  auto t = ReadBytes(AssembleFile(format::Type::INT64, format::CompressionCodec::LZ4, 500, framed,
                                  4000));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->num_rows(), 500);
  EXPECT_EQ(std::memcmp(t->column(0).data<int64_t>(), raw.data(), 4000), 0);
  // A raw LZ4 block under the legacy codec id (as some writers produce) reads too.
  auto raw_block = ReadBytes(AssembleFile(format::Type::INT64, format::CompressionCodec::LZ4, 500,
                                          block, 4000));
  ASSERT_TRUE(raw_block.ok()) << raw_block.status().ToString();
  EXPECT_EQ(std::memcmp(raw_block->column(0).data<int64_t>(), raw.data(), 4000), 0);
}

}  // namespace
}  // namespace oups::parquet
