// Tests of the column-chunk reader's integrity checks: page CRCs are verified
// whenever present (a mismatch is Corruption naming file, row group, column and
// page), files without them still read, and a seeded sample of single-byte
// flips over small files of every codec never changes the values read without
// an error.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
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

std::string FileBytes(FileSystem& fs, const std::string& path) {
  auto b = fs.ReadFile(path);
  EXPECT_TRUE(b.ok());
  return b.ok() ? std::string((*b)->view()) : std::string();
}

// Byte ranges of a file: page headers and page bodies of every chunk.
struct Layout {
  std::vector<std::pair<int64_t, int64_t>> headers;  // [begin, end)
  std::vector<std::pair<int64_t, int64_t>> bodies;
  int64_t footer_start = 0;  // first byte of the serialized FileMetaData
};

Layout PageLayout(FileSystem& fs, const std::string& path, const std::string& bytes) {
  Layout l;
  auto reader = FileReader::Open(fs, path);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return l;
  const auto* file = reinterpret_cast<const uint8_t*>(bytes.data());
  for (const RowGroupMetadata& rg : (*reader)->metadata().row_groups) {
    for (const ColumnChunkMetadata& cm : rg.columns) {
      int64_t off = cm.start_offset();
      const int64_t end = off + cm.total_compressed_size;
      while (off < end) {
        format::PageHeader h;
        uint32_t len = static_cast<uint32_t>(end - off);
        EXPECT_TRUE(DeserializeThrift(file + off, &len, &h).ok());
        l.headers.push_back({off, off + len});
        off += len;
        l.bodies.push_back({off, off + h.compressed_page_size});
        off += h.compressed_page_size;
      }
    }
  }
  l.footer_start = static_cast<int64_t>(bytes.size()) - 8 - (*reader)->metadata().footer_size;
  return l;
}

bool In(const std::vector<std::pair<int64_t, int64_t>>& ranges, int64_t pos) {
  for (const auto& [b, e] : ranges) {
    if (pos >= b && pos < e) return true;
  }
  return false;
}

Table SmallTable(int64_t rows, uint64_t seed) {
  return testing::RandomTable(testing::AllTypesSchema(), rows, seed, 0.15);
}

TEST(PageCrcCheck, MismatchIsCorruptionNamingFileRowGroupColumnAndPage) {
  auto fs = NewMemoryFileSystem();
  Table t = testing::RandomTable(Schema({Field{"x", DataType::Int64(), false}}), 4000, 5, 0.0);
  WriterOptions opt;
  opt.compression = Compression::kUncompressed;
  opt.dictionary = false;
  opt.row_group_size = 2000;
  opt.data_page_size = 4000;  // 500 values per page: 4 pages per chunk
  ASSERT_TRUE(WriteTable(*fs, "/f.parquet", t, opt).ok());
  std::string bytes = FileBytes(*fs, "/f.parquet");
  Layout l = PageLayout(*fs, "/f.parquet", bytes);
  ASSERT_EQ(l.bodies.size(), 8u);
  // Row group 1, page 2 (the 7th page of the file): one byte in the middle of its values.
  const int64_t pos = (l.bodies[6].first + l.bodies[6].second) / 2;
  bytes[size_t(pos)] = static_cast<char>(bytes[size_t(pos)] ^ 0x10);
  ASSERT_TRUE(fs->WriteFile("/f.parquet", bytes).ok());
  auto r = ReadTable(*fs, "/f.parquet");
  ASSERT_FALSE(r.ok());
  const Status& st = r.status();
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  for (const char* part : {"/f.parquet", "row group 1", "column 'x'", "page 2", "CRC"}) {
    EXPECT_NE(st.message().find(part), std::string::npos) << part << " in " << st.ToString();
  }
  // Row group 0 is intact and still reads.
  auto reader = FileReader::Open(*fs, "/f.parquet");
  ASSERT_TRUE(reader.ok());
  auto rg0 = (*reader)->ReadRowGroup(0);
  ASSERT_TRUE(rg0.ok()) << rg0.status().ToString();
  EXPECT_TRUE(rg0->Equals(t.Slice(0, 2000)));
}

TEST(PageCrcCheck, FilesWithoutPageCrcsStillRead) {
  auto fs = NewMemoryFileSystem();
  Table t = SmallTable(500, 3);
  WriterOptions opt;
  opt.page_checksums = false;
  ASSERT_TRUE(WriteTable(*fs, "/n.parquet", t, opt).ok());
  std::string bytes = FileBytes(*fs, "/n.parquet");
  Layout l = PageLayout(*fs, "/n.parquet", bytes);
  for (const auto& [b, e] : l.headers) {
    format::PageHeader h;
    uint32_t len = static_cast<uint32_t>(e - b);
    ASSERT_TRUE(DeserializeThrift(reinterpret_cast<const uint8_t*>(bytes.data()) + b, &len, &h).ok());
    EXPECT_FALSE(h.__isset.crc);
  }
  auto r = ReadTable(*fs, "/n.parquet");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto with_crc = NewMemoryFileSystem();
  ASSERT_TRUE(WriteTable(*with_crc, "/c.parquet", t, WriterOptions{}).ok());
  auto c = ReadTable(*with_crc, "/c.parquet");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(r->Equals(*c));
}

struct FlipCase {
  Compression codec;
  int page_version;
  bool dictionary;
};

std::string CaseName(const ::testing::TestParamInfo<FlipCase>& info) {
  std::string n(CompressionName(info.param.codec));
  n += "_v" + std::to_string(info.param.page_version);
  n += info.param.dictionary ? "_dict" : "_plain";
  std::replace_if(n.begin(), n.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return n;
}

class SingleByteFlips : public ::testing::TestWithParam<FlipCase> {};

// Every flip reads back the original values or fails. Flips in the pages
// (headers and bodies) and in the magic/length tail are all accounted for;
// the footer has no checksum in Parquet, so a flip there may still alter what
// is read (a column's name or logical type): those are counted and reported,
// and must stay a minority.
TEST_P(SingleByteFlips, NeverChangeValuesSilently) {
  const FlipCase k = GetParam();
  auto fs = NewMemoryFileSystem();
  Table t = SmallTable(300, 11);
  WriterOptions opt;
  opt.compression = k.codec;
  opt.data_page_version = k.page_version;
  opt.dictionary = k.dictionary;
  opt.row_group_size = 150;
  opt.data_page_size = 512;
  ASSERT_TRUE(WriteTable(*fs, "/o.parquet", t, opt).ok());
  const std::string original = FileBytes(*fs, "/o.parquet");
  auto expected = ReadTable(*fs, "/o.parquet");
  ASSERT_TRUE(expected.ok());
  const Layout l = PageLayout(*fs, "/o.parquet", original);
  std::mt19937_64 rng(0x5eed0000u + static_cast<uint64_t>(k.codec) * 16 + uint64_t(k.page_version));
  const int kFlips = 600;
  std::map<std::string, std::map<std::string, int>> outcome;  // region -> result -> count
  std::vector<std::string> silent;
  for (int i = 0; i < kFlips; ++i) {
    const int64_t pos = static_cast<int64_t>(rng() % original.size());
    const uint8_t mask = static_cast<uint8_t>(1u << (rng() % 8));
    std::string bytes = original;
    bytes[size_t(pos)] = static_cast<char>(static_cast<uint8_t>(bytes[size_t(pos)]) ^ mask);
    ASSERT_TRUE(fs->WriteFile("/f.parquet", bytes).ok());
    std::string region;
    if (pos < 4 || pos >= static_cast<int64_t>(bytes.size()) - 8) {
      region = "magic/length";
    } else if (pos >= l.footer_start) {
      region = "footer";
    } else if (In(l.headers, pos)) {
      region = "page header";
    } else if (In(l.bodies, pos)) {
      region = "page body";
    } else {
      region = "other";
    }
    auto r = ReadTable(*fs, "/f.parquet");
    std::string result;
    if (!r.ok()) {
      result = "error";
    } else if (r->Equals(*expected)) {
      result = "same";
    } else {
      result = "changed";
      silent.push_back(region + " byte " + std::to_string(pos) + " mask " + std::to_string(mask));
    }
    ++outcome[region][result];
  }
  std::string report;
  int footer_changed = 0, footer_total = 0;
  for (const auto& [region, counts] : outcome) {
    report += "  " + region + ":";
    for (const auto& [res, n] : counts) report += " " + res + "=" + std::to_string(n);
    report += "\n";
    const auto it = counts.find("changed");
    if (region == "footer") {
      footer_changed = it == counts.end() ? 0 : it->second;
      for (const auto& [res, n] : counts) footer_total += n;
    } else {
      EXPECT_TRUE(it == counts.end()) << it->second << " silent changes from flips in the "
                                      << region;
    }
  }
  std::printf("%s flips:\n%s", CaseName({k, 0}).c_str(), report.c_str());
  EXPECT_LE(footer_changed * 4, footer_total) << report;
  for (size_t i = 0; i < std::min<size_t>(silent.size(), 10); ++i) {
    std::printf("  changed: %s\n", silent[i].c_str());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Codecs, SingleByteFlips,
    ::testing::Values(FlipCase{Compression::kUncompressed, 1, true},
                      FlipCase{Compression::kUncompressed, 2, false},
                      FlipCase{Compression::kSnappy, 1, true},
                      FlipCase{Compression::kSnappy, 2, true},
                      FlipCase{Compression::kZstd, 1, false},
                      FlipCase{Compression::kGzip, 1, true},
                      FlipCase{Compression::kLz4Raw, 1, true},
                      FlipCase{Compression::kBrotli, 2, false}),
    CaseName);


// A text column of many pages read again and again: from the second read on, the
// reader moves the bytes of the first page into a recycled mapping sized for the
// chunk at that page's bytes per row. Later pages with longer values than the
// first (the estimate falls short and the buffer grows), nulls and dictionary
// and PLAIN pages (a dictionary that overflows the limit mid-chunk) read the same.
TEST(ColumnReaderText, RepeatedReadsOfManyPagesGiveTheSameValues) {
  const int64_t n = 200000;
  std::vector<std::string> values;
  std::vector<bool> valid;
  for (int64_t i = 0; i < n; ++i) {
    // Short values first; from row n / 2 on, long ones, many of them distinct.
    values.push_back(i < n / 2 ? "short-value-" + std::to_string(i % 50)
                               : std::string(40, 'x') + std::to_string(i));
    valid.push_back(i % 13 != 0);
  }
  auto c = ColumnFromVector(DataType::String(), values, valid);
  ASSERT_TRUE(c.ok());
  auto t = MakeTable(std::vector<std::pair<std::string, Column>>{{"s", *c}});
  ASSERT_TRUE(t.ok());
  auto fs = NewMemoryFileSystem();
  WriterOptions opt;
  opt.data_page_size = 1 << 14;  // many pages per chunk
  opt.dictionary_page_size_limit = 1 << 16;  // falls back to PLAIN in the long values
  ASSERT_TRUE(WriteTable(*fs, "/t.parquet", *t, opt).ok());
  for (int round = 0; round < 4; ++round) {
    // Mappings of every size up to 16 MiB in the cache: the presizing finds one.
    std::vector<std::shared_ptr<MutableBuffer>> held;
    for (int64_t mb = 1; mb <= 16; ++mb) {
      auto b = MutableBuffer::Make(mb << 20);
      ASSERT_TRUE(b.ok());
      std::memset((*b)->mutable_data(), 0x5A, size_t(mb << 20));  // stale bytes
      held.push_back(*b);
    }
    held.clear();
    auto back = ReadTable(*fs, "/t.parquet");
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    ASSERT_TRUE(back->Equals(*t)) << "round " << round;
  }
  EXPECT_GT(MappingCacheBytes(), 0);  // the reads did reuse memory
}

}  // namespace
}  // namespace oups::parquet
