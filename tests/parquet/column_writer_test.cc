// Tests of the column-chunk writer's page framing: every page oups writes
// (dictionary pages, data pages v1 and v2, every codec) carries the page
// header's `crc` field, the CRC-32 (gzip polynomial) of the page's bytes as
// stored after the header (compressed, v2 levels included).
#include <zlib.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "parquet/thrift/thrift_codec.h"
#include "testing/random_table.h"

namespace oups::parquet {
namespace {

struct PageCase {
  Compression codec;
  int page_version;
};

class PageCrc : public ::testing::TestWithParam<PageCase> {};

TEST_P(PageCrc, EveryWrittenPageCarriesTheCrcOfItsStoredBytes) {
  const PageCase k = GetParam();
  auto fs = NewMemoryFileSystem();
  Table t = testing::RandomTable(testing::AllTypesSchema(), 3000, 99, 0.2);
  WriterOptions opt;
  opt.compression = k.codec;
  opt.data_page_version = k.page_version;
  opt.row_group_size = 1000;
  opt.data_page_size = 2048;  // several pages per chunk
  ASSERT_TRUE(WriteTable(*fs, "/c.parquet", t, opt).ok());
  auto bytes = fs->ReadFile("/c.parquet");
  ASSERT_TRUE(bytes.ok());
  const uint8_t* file = (*bytes)->data();
  auto reader = FileReader::Open(*fs, "/c.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  int pages = 0, dictionary_pages = 0;
  for (const RowGroupMetadata& rg : (*reader)->metadata().row_groups) {
    for (const ColumnChunkMetadata& cm : rg.columns) {
      int64_t off = cm.start_offset();
      const int64_t end = off + cm.total_compressed_size;
      while (off < end) {
        format::PageHeader h;
        uint32_t len = static_cast<uint32_t>(end - off);
        ASSERT_TRUE(DeserializeThrift(file + off, &len, &h).ok());
        off += len;
        ASSERT_TRUE(h.__isset.crc) << "page " << pages << " has no crc";
        const uLong crc = crc32(0L, file + off, static_cast<uInt>(h.compressed_page_size));
        EXPECT_EQ(static_cast<uint32_t>(h.crc), static_cast<uint32_t>(crc)) << "page " << pages;
        if (h.type == format::PageType::DICTIONARY_PAGE) ++dictionary_pages;
        off += h.compressed_page_size;
        ++pages;
      }
    }
  }
  EXPECT_GT(pages, 3 * 10);
  EXPECT_GT(dictionary_pages, 0);
}

INSTANTIATE_TEST_SUITE_P(Codecs, PageCrc,
                         ::testing::Values(PageCase{Compression::kUncompressed, 1},
                                           PageCase{Compression::kSnappy, 1},
                                           PageCase{Compression::kZstd, 2},
                                           PageCase{Compression::kGzip, 1},
                                           PageCase{Compression::kSnappy, 2},
                                           PageCase{Compression::kUncompressed, 2}));

}  // namespace
}  // namespace oups::parquet
