// Tests of the column-chunk writer's page framing: every page oups writes
// (dictionary pages, data pages v1 and v2, every codec) carries the page
// header's `crc` field, the CRC-32 (gzip polynomial) of the page's bytes as
// stored after the header (compressed, v2 levels included).
#include <zlib.h>

#include <cstring>
#include <string>
#include <unordered_set>
#include <vector>

#include <gtest/gtest.h>

#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "oups/table/builder.h"
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


// The dictionary of each column chunk: the page a reader of this file gets
// (PLAIN values in the order of their first appearance in the chunk, which is
// what the indices refer to), whichever way the writer found them: a direct
// table for integers of a small range (negative ones included), one pass that
// rules out a sorted column of too many distinct values, a hash table for the
// others (short text told apart by hash and length, longer text compared).
struct DictionaryCase {
  std::string name;
  Column column;
  bool dictionary;  // expected: written with a dictionary
};

// PLAIN bytes of the distinct non-null values of `c` in order of first appearance.
std::string FirstAppearance(const Column& c) {
  std::string out;
  std::unordered_set<std::string> seen;
  for (int64_t i = 0; i < c.length(); ++i) {
    if (c.IsNull(i)) continue;
    std::string v;
    if (c.type().is_var_length()) {
      const std::string_view s = c.GetView(i);
      const auto len = static_cast<uint32_t>(s.size());
      v.assign(reinterpret_cast<const char*>(&len), 4);
      v.append(s);
    } else if (c.type().id == TypeId::kInt32) {
      const int32_t x = c.data<int32_t>()[i];
      v.assign(reinterpret_cast<const char*>(&x), 4);
    } else {
      const int64_t x = c.data<int64_t>()[i];
      v.assign(reinterpret_cast<const char*>(&x), 8);
    }
    if (seen.insert(v).second) out += v;
  }
  return out;
}

TEST(DictionaryEncoding, EveryPathGivesTheDictionaryOfFirstAppearances) {
  const int64_t n = 300000;  // sorted column: more distinct values than the 1 MiB limit allows
  std::vector<int64_t> small64, sorted_many, sorted_few, wide, negative;
  std::vector<int32_t> small32;
  std::vector<std::string> text;
  std::vector<bool> valid;
  for (int64_t i = 0; i < n; ++i) {
    small64.push_back((i * 7919) % 1000 + 1);
    small32.push_back(static_cast<int32_t>((i * 104729) % 5000) - 2500);
    negative.push_back(-((i * 31) % 65536) - 1);  // span 65,535: the largest direct table
    sorted_many.push_back(1704067200000000000 + i * 100000);
    sorted_few.push_back(i / 1000);
    wide.push_back(((i * 2654435761) % 97) * 1000000000000);  // few values, wide range
    // Text of 0 to 16 bytes: short ones differ in one byte, long ones share a prefix.
    const int64_t k = (i * 48271) % 300;
    text.push_back(k % 3 == 0 ? std::string(static_cast<size_t>(k % 9), 'a' + char(k % 7))
                              : "long-prefix-" + std::to_string(k));
    valid.push_back(i % 11 != 0);
  }
  auto col = [](Result<Column> r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return *r;
  };
  std::vector<DictionaryCase> cases = {
      {"small64", col(ColumnFromVector(DataType::Int64(), small64)), true},
      {"small64_nulls", col(ColumnFromVector(DataType::Int64(), small64, valid)), true},
      {"small32", col(ColumnFromVector(DataType::Int32(), small32)), true},
      {"negative", col(ColumnFromVector(DataType::Int64(), negative)), true},
      {"sorted_many", col(ColumnFromVector(DataType::Timestamp(TimeUnit::kNano), sorted_many)),
       false},
      {"sorted_few", col(ColumnFromVector(DataType::Int64(), sorted_few)), true},
      {"wide", col(ColumnFromVector(DataType::Int64(), wide)), true},
      {"text", col(ColumnFromVector(DataType::String(), text, valid)), true},
  };
  std::vector<std::pair<std::string, Column>> named;
  for (const auto& c : cases) named.emplace_back(c.name, c.column);
  auto t = MakeTable(named);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto fs = NewMemoryFileSystem();
  for (int threads : {1, 3}) {
    WriterOptions opt;
    opt.compression = Compression::kUncompressed;
    opt.num_threads = threads;
    const std::string path = "/d" + std::to_string(threads) + ".parquet";
    ASSERT_TRUE(WriteTable(*fs, path, *t, opt).ok());
    auto back = ReadTable(*fs, path);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_TRUE(back->Equals(*t));
    auto bytes = fs->ReadFile(path);
    ASSERT_TRUE(bytes.ok());
    auto reader = FileReader::Open(*fs, path);
    ASSERT_TRUE(reader.ok());
    const RowGroupMetadata& rg = (*reader)->metadata().row_groups.at(0);
    for (size_t c = 0; c < cases.size(); ++c) {
      const ColumnChunkMetadata& cm = rg.columns[c];
      SCOPED_TRACE(cases[c].name + ", threads " + std::to_string(threads));
      ASSERT_EQ(cm.dictionary_page_offset.has_value(), cases[c].dictionary);
      if (!cases[c].dictionary) continue;
      const uint8_t* page = (*bytes)->data() + *cm.dictionary_page_offset;
      format::PageHeader h;
      uint32_t len = 1 << 16;
      ASSERT_TRUE(DeserializeThrift(page, &len, &h).ok());
      ASSERT_EQ(h.type, format::PageType::DICTIONARY_PAGE);
      const std::string expected = FirstAppearance(cases[c].column);
      ASSERT_EQ(static_cast<size_t>(h.compressed_page_size), expected.size());
      EXPECT_EQ(std::memcmp(page + len, expected.data(), expected.size()), 0);
    }
  }
}

}  // namespace
}  // namespace oups::parquet
