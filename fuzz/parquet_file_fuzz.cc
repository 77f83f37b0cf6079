// libFuzzer target: the input is a whole Parquet file.
//
// It is stored in a MemoryFileSystem, opened with FileReader (footer parsing and
// validation) and, unless its metadata describes a legitimately huge table, read
// whole, one row group at a time, then all at once. Any outcome is fine except a
// crash, a sanitizer report, a hang or an allocation beyond libFuzzer's limit.
#include <cstddef>
#include <cstdint>
#include <string>

#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_reader.h"

namespace {

// A valid footer may legitimately describe a table whose decoded form needs far
// more memory than the fuzzer allows (a 2^32-row row group of RLE nulls fits in
// a few bytes; the reader only refuses row groups above 2^32 rows). Such inputs
// are opened but not read: at most 10 M rows, and at most 256 MiB for the
// decoded columns (per row: each column's width plus validity/offsets slack),
// which keeps the peak well under libFuzzer's 2 GB RSS limit even with ASan.
constexpr int64_t kMaxRows = 10'000'000;
constexpr int64_t kMaxDecodedBytes = int64_t{256} << 20;

bool WorthReading(const oups::parquet::FileMetadata& md) {
  if (md.num_rows > kMaxRows) return false;
  int64_t row_width = 0;
  for (const auto& c : md.columns) {
    row_width += 16 + (c.type_length > 0 ? c.type_length : 16);
  }
  return row_width == 0 || md.num_rows <= kMaxDecodedBytes / row_width;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto fs = oups::NewMemoryFileSystem();
  const std::string path = "/fuzz.parquet";
  {
    auto w = fs->OpenForWrite(path);
    if (!w.ok()) __builtin_trap();
    auto file = std::move(w).MoveValueUnsafe();
    if (!file->Append(data, static_cast<int64_t>(size)).ok()) __builtin_trap();
    if (!file->Close().ok()) __builtin_trap();
  }
  auto opened = oups::parquet::FileReader::Open(*fs, path);
  if (!opened.ok()) return 0;
  auto reader = std::move(opened).MoveValueUnsafe();
  const oups::parquet::FileMetadata& md = reader->metadata();
  (void)md.schema();
  if (!WorthReading(md)) return 0;
  for (int r = 0; r < reader->num_row_groups(); ++r) {
    auto t = reader->ReadRowGroup(r);
    (void)t;
  }
  auto all = reader->Read();
  (void)all;
  return 0;
}
