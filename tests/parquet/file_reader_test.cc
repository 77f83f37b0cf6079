// Tests of FileReader against footers that declare more than the file holds:
// row counts, row-group counts and list lengths are validated against the file
// size and the pages before anything proportional to them is allocated. The
// footers are hand-crafted from a small valid file (its FileMetaData edited and
// re-serialized behind the same data pages).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "oups/io/file_system_wrapper.h"
#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "parquet/thrift/thrift_codec.h"
#include "testing/random_table.h"

namespace oups::parquet {
namespace {

// Peak resident memory of this process (VmHWM), in bytes; ResetPeak() makes it
// the current resident size (Linux >= 4.0), so that PeakGrowth() measures
// what a step cost at most.
int64_t ReadStatusKb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::stoll(line.substr(std::string(key).size())) * 1024;
  }
  return -1;
}
class PeakMemory {
 public:
  PeakMemory() {
    std::ofstream("/proc/self/clear_refs") << "5";
    start_ = ReadStatusKb("VmRSS:");
  }
  int64_t Growth() const { return ReadStatusKb("VmHWM:") - start_; }

 private:
  int64_t start_;
};

struct Parts {
  std::string data;  // everything before the footer (head magic and pages)
  format::FileMetaData fmd;
};

// A valid file of `rows` rows (one row group) split into its data and footer.
Parts MakeParts(const Schema& schema, int64_t rows) {
  auto fs = NewMemoryFileSystem();
  Table t = testing::RandomTable(schema, rows, 7, schema.field(0).nullable ? 0.3 : 0.0);
  WriterOptions opt;
  opt.compression = Compression::kUncompressed;
  EXPECT_TRUE(WriteTable(*fs, "/s.parquet", t, opt).ok());
  auto b = fs->ReadFile("/s.parquet");
  EXPECT_TRUE(b.ok());
  const std::string bytes((*b)->view());
  uint32_t footer_len;
  std::memcpy(&footer_len, bytes.data() + bytes.size() - 8, 4);
  Parts p;
  p.data = bytes.substr(0, bytes.size() - 8 - footer_len);
  uint32_t len = footer_len;
  EXPECT_TRUE(DeserializeThrift(reinterpret_cast<const uint8_t*>(bytes.data()) + p.data.size(),
                                &len, &p.fmd)
                  .ok());
  return p;
}

std::string Assemble(const std::string& data, const std::string& footer) {
  std::string out = data + footer;
  const uint32_t n = static_cast<uint32_t>(footer.size());
  out.append(reinterpret_cast<const char*>(&n), 4);
  out += "PAR1";
  return out;
}

std::string Assemble(const Parts& p) {
  auto footer = SerializeThrift(p.fmd);
  EXPECT_TRUE(footer.ok());
  return Assemble(p.data, *footer);
}

// Sets the row count of row group 0 (and of the file, and of its chunks).
void ClaimRows(Parts* p, int64_t rows) {
  p->fmd.__set_num_rows(rows);
  p->fmd.row_groups[0].__set_num_rows(rows);
  for (auto& cc : p->fmd.row_groups[0].columns) cc.meta_data.__set_num_values(rows);
}

const Schema kOptionalInt64({Field{"v", DataType::Int64(), true}});
const Schema kBool({Field{"b", DataType::Bool(), false}});

// A file whose reads past its first 4 bytes fail (a disk error inside the
// data pages, after the footer was read).
class FailingPagesFile final : public RandomAccessFileWrapper {
 public:
  FailingPagesFile(std::unique_ptr<RandomAccessFile> base, int64_t footer_start)
      : RandomAccessFileWrapper(std::move(base)), footer_start_(footer_start) {}
  using RandomAccessFileWrapper::ReadAt;
  Status ReadAt(int64_t offset, int64_t n, uint8_t* out) override {
    if (offset >= 4 && offset < footer_start_) {
      return Status::IOError("read " + path() + ": Input/output error");
    }
    return RandomAccessFileWrapper::ReadAt(offset, n, out);
  }

 private:
  int64_t footer_start_;
};

TEST(FileReaderErrors, ReadErrorNamesTheFileOnceWithRowGroupAndColumn) {
  auto fs = NewMemoryFileSystem();
  const Parts parts = MakeParts(kOptionalInt64, 100);
  ASSERT_TRUE(fs->CreateDirs("/d").ok());
  ASSERT_TRUE(fs->WriteFile("/d/f.parquet", Assemble(parts)).ok());
  auto file = fs->OpenForRead("/d/f.parquet");
  ASSERT_TRUE(file.ok());
  auto reader = FileReader::Open(std::make_unique<FailingPagesFile>(
      std::move(file).ValueOrDie(), static_cast<int64_t>(parts.data.size())));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto t = (*reader)->Read();
  ASSERT_TRUE(t.status().IsIOError()) << t.status().ToString();
  const std::string msg = t.status().message();
  EXPECT_NE(msg.find("row group 0, column 'v'"), std::string::npos) << msg;
  const size_t first = msg.find("/d/f.parquet");
  ASSERT_NE(first, std::string::npos) << msg;
  EXPECT_EQ(msg.find("/d/f.parquet", first + 1), std::string::npos) << "path twice: " << msg;
}

TEST(FileReaderCounts, RowCountBeyondThePagesIsRefusedBeforeAllocating) {
  for (const Schema& schema : {kOptionalInt64, kBool}) {
    Parts p = MakeParts(schema, 10);
    ClaimRows(&p, int64_t{1} << 31);
    auto fs = NewMemoryFileSystem();
    const std::string file = Assemble(p);
    ASSERT_LT(file.size(), 1000u);
    ASSERT_TRUE(fs->WriteFile("/big.parquet", file).ok());
    PeakMemory peak;
    auto r = ReadTable(*fs, "/big.parquet");
    const int64_t grown = peak.Growth();
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
    EXPECT_NE(r.status().message().find("/big.parquet"), std::string::npos);
    EXPECT_LT(grown, int64_t{32} << 20) << "reading a " << file.size() << "-byte file claiming 2^31 rows";
  }
}

TEST(FileReaderCounts, RowCountOfTwoToThe32IsCorruptionNotAnIOError) {
  Parts p = MakeParts(kOptionalInt64, 10);
  ClaimRows(&p, (int64_t{1} << 32) - 1);
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->WriteFile("/big.parquet", Assemble(p)).ok());
  PeakMemory peak;
  auto r = ReadTable(*fs, "/big.parquet");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_LT(peak.Growth(), int64_t{32} << 20);
}

TEST(FileReaderCounts, RowCountDisagreeingWithTheChunkValueCountIsCorruption) {
  Parts p = MakeParts(kOptionalInt64, 10);
  p.fmd.__set_num_rows(1000);
  p.fmd.row_groups[0].__set_num_rows(1000);  // the chunk still says 10 values
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->WriteFile("/n.parquet", Assemble(p)).ok());
  auto r = FileReader::Open(*fs, "/n.parquet");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("10 values"), std::string::npos) << r.status().ToString();
}

TEST(FileReaderCounts, ManyRowGroupsOverTheSameFewBytesAreRefusedAtOpen) {
  Parts p = MakeParts(kOptionalInt64, 10);
  const format::RowGroup rg = p.fmd.row_groups[0];
  p.fmd.row_groups.assign(200000, rg);
  p.fmd.__set_num_rows(int64_t{10} * 200000);
  auto fs = NewMemoryFileSystem();
  const std::string file = Assemble(p);
  ASSERT_GT(file.size(), size_t{5} << 20);
  ASSERT_TRUE(fs->WriteFile("/many.parquet", file).ok());
  PeakMemory peak;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = FileReader::Open(*fs, "/many.parquet");
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("200000 row groups"), std::string::npos)
      << r.status().ToString();
  EXPECT_LT(peak.Growth(), int64_t{48} << 20);
  EXPECT_LT(secs, 1.0);
}

TEST(FileReaderCounts, ListLengthBeyondTheFooterBytesAllocatesNothing) {
  // A footer whose row-group list declares 4 million elements, followed by 4
  // MB of zero bytes (each an empty struct, missing its required fields).
  Parts p = MakeParts(kOptionalInt64, 10);
  p.fmd.row_groups.clear();
  p.fmd.__set_num_rows(0);
  auto head = SerializeThrift(p.fmd);
  ASSERT_TRUE(head.ok());
  // The serialized struct ends with an empty row_groups list (field 4, header
  // 0x19 0x0C) and a stop byte; replace the list header by one of 4,000,000
  // struct elements.
  std::string footer = *head;
  const size_t at = footer.rfind(std::string("\x19\x0c", 2));
  ASSERT_NE(at, std::string::npos);
  std::string declared("\x19\xfc", 2);
  uint32_t n = 4000000;
  while (n >= 0x80) {
    declared += static_cast<char>((n & 0x7f) | 0x80);
    n >>= 7;
  }
  declared += static_cast<char>(n);
  footer = footer.substr(0, at) + declared + std::string(4000000, '\0') + footer.substr(at + 2);
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->WriteFile("/list.parquet", Assemble(p.data, footer)).ok());
  PeakMemory peak;
  auto r = FileReader::Open(*fs, "/list.parquet");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_LT(peak.Growth(), int64_t{48} << 20);
}

// A known footer is taken only for a file whose footer bytes and size are its
// own: the same file opened again shares it; another file (different bytes),
// or the same footer behind other data (another size), is decoded.
TEST(FileReaderKnownFooter, TakenOnlyForTheSameFooterBytesAndSize) {
  auto fs = NewMemoryFileSystem();
  const Parts p = MakeParts(kOptionalInt64, 50);
  ASSERT_TRUE(fs->WriteFile("/a.parquet", Assemble(p)).ok());
  auto first = FileReader::Open(*fs, "/a.parquet");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::shared_ptr<const DecodedFooter> known = (*first)->footer();
  ASSERT_NE(known, nullptr);
  EXPECT_EQ(known->file_size, static_cast<int64_t>(Assemble(p).size()));
  auto again = FileReader::Open(*fs, "/a.parquet", known);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->footer(), known);
  auto t1 = (*first)->Read();
  auto t2 = (*again)->Read();
  ASSERT_TRUE(t1.ok() && t2.ok());
  EXPECT_TRUE(t1->Equals(*t2));
  // Another content under the same name: decoded, not the known footer.
  const Parts q = MakeParts(kOptionalInt64, 60);
  ASSERT_TRUE(fs->WriteFile("/a.parquet", Assemble(q)).ok());
  auto other = FileReader::Open(*fs, "/a.parquet", known);
  ASSERT_TRUE(other.ok());
  EXPECT_NE((*other)->footer(), known);
  EXPECT_EQ((*other)->metadata().num_rows, 60);
  // The same footer bytes after other data (another file size): decoded, and
  // refused as it would be without the known footer (offsets beyond the pages).
  auto footer = SerializeThrift(p.fmd);
  ASSERT_TRUE(footer.ok());
  ASSERT_TRUE(fs->WriteFile("/b.parquet", Assemble(p.data + "xxxx", *footer)).ok());
  auto shifted = FileReader::Open(*fs, "/b.parquet", known);
  auto shifted_plain = FileReader::Open(*fs, "/b.parquet");
  ASSERT_EQ(shifted.ok(), shifted_plain.ok());
  if (shifted.ok()) {
    EXPECT_NE((*shifted)->footer(), known);
  }
}

}  // namespace
}  // namespace oups::parquet
