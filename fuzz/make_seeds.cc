// oups_fuzz_seeds: writes the valid seed inputs of the fuzz targets.
//
//   oups_fuzz_seeds CORPUS_DIR
//
// CORPUS_DIR/parquet_file_fuzz/: small files written by our writer, one per
//   codec x {nullable, required} x {dictionary, plain}, every column type,
//   several row groups and pages.
// CORPUS_DIR/thrift_footer_fuzz/: those files' footers and first page headers.
// CORPUS_DIR/codec_fuzz/: one compressed block per codec, with the fuzz header.
// CORPUS_DIR/page_decoders_fuzz/: one valid encoding per decoder, fuzz header.
// Deterministic (fixed seeds). Exit status 0 ok, 1 error.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "parquet/compression/codec.h"
#include "parquet/encoding/encoding.h"
#include "testing/random_table.h"

namespace {

using namespace oups;
using namespace oups::parquet;
namespace fsys = std::filesystem;

void Check(const Status& st, const char* what) {
  if (!st.ok()) {
    std::fprintf(stderr, "oups_fuzz_seeds: %s: %s\n", what, st.ToString().c_str());
    std::exit(1);
  }
}

void WriteFile(const fsys::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) {
    std::fprintf(stderr, "oups_fuzz_seeds: cannot write %s\n", p.c_str());
    std::exit(1);
  }
}

std::string Header(uint8_t selector, int64_t count, uint8_t param, bool with_param = true) {
  std::string h;
  h.push_back(static_cast<char>(selector));
  h.push_back(static_cast<char>(count & 0xFF));
  h.push_back(static_cast<char>((count >> 8) & 0xFF));
  h.push_back(static_cast<char>((count >> 16) & 0xFF));
  if (with_param) h.push_back(static_cast<char>(param));
  return h;
}

std::string Str(const MutableBuffer& b) { return std::string(b.view()); }

std::string ReadAll(FileSystem& fs, const std::string& path) {
  auto f = fs.OpenForRead(path);
  Check(f.status(), "open");
  auto size = (*f)->Size();
  Check(size.status(), "size");
  std::string out(static_cast<size_t>(*size), '\0');
  Check((*f)->ReadAt(0, *size, reinterpret_cast<uint8_t*>(out.data())), "read");
  return out;
}

void ParquetSeeds(const fsys::path& dir, const fsys::path& thrift_dir) {
  auto fs = NewMemoryFileSystem();
  const Schema nullable = oups::testing::AllTypesSchema();
  std::vector<Field> req_fields = nullable.fields();
  for (auto& f : req_fields) f.nullable = false;
  const Schema required(req_fields);
  const Compression codecs[] = {Compression::kUncompressed, Compression::kSnappy,
                                Compression::kGzip,         Compression::kBrotli,
                                Compression::kZstd,         Compression::kLz4Raw};
  int k = 0;
  for (Compression c : codecs) {
    for (int variant = 0; variant < 3; ++variant) {
      const bool is_required = variant == 1;
      const Schema& schema = is_required ? required : nullable;
      const int64_t rows = variant == 2 ? 1 : 37;
      Table t = oups::testing::RandomTable(schema, rows, 1000 + uint64_t(k), is_required ? 0.0 : 0.2);
      WriterOptions o;
      o.compression = c;
      o.row_group_size = 16;
      o.data_page_size = 64;
      o.dictionary = variant != 1;
      const std::string path = "/seed.parquet";
      Check(WriteTable(*fs, path, t, o).status(), "write");
      const std::string bytes = ReadAll(*fs, path);
      // The seed must read back: a seed that fails teaches the fuzzer nothing.
      Check(ReadTable(*fs, path).status(), "read back");
      std::string name = std::string(CompressionName(c)) + "_" +
                         (variant == 0 ? "nullable_dict" : variant == 1 ? "required_plain"
                                                                        : "one_row");
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      WriteFile(dir / (name + ".parquet"), bytes);
      // Footer (FileMetaData) and the first page header.
      uint32_t flen;
      std::memcpy(&flen, bytes.data() + bytes.size() - 8, 4);
      WriteFile(thrift_dir / (name + ".footer"), bytes.substr(bytes.size() - 8 - flen, flen));
      WriteFile(thrift_dir / (name + ".page_header"), bytes.substr(4, 64));
      ++k;
    }
  }
}

void CodecSeeds(const fsys::path& dir) {
  // Selector indices as in codec_fuzz.cc.
  const std::pair<int, Compression> codecs[] = {
      {0, Compression::kUncompressed}, {1, Compression::kSnappy}, {2, Compression::kGzip},
      {3, Compression::kBrotli},       {5, Compression::kZstd},   {6, Compression::kLz4Raw}};
  std::string plain;
  for (int i = 0; i < 3000; ++i) plain += "tick " + std::to_string(i * 7 % 113) + ";";
  for (const auto& [sel, c] : codecs) {
    auto codec = MakeCodec(c);
    Check(codec.status(), "codec");
    std::vector<uint8_t> out(static_cast<size_t>((*codec)->MaxCompressedLen(int64_t(plain.size()))));
    auto n = (*codec)->Compress(reinterpret_cast<const uint8_t*>(plain.data()),
                                int64_t(plain.size()), out.data(), int64_t(out.size()));
    Check(n.status(), "compress");
    std::string seed = Header(uint8_t(sel), int64_t(plain.size()), 0, false);
    seed.append(reinterpret_cast<const char*>(out.data()), size_t(*n));
    std::string name(CompressionName(c));
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    WriteFile(dir / name, seed);
  }
}

void DecoderSeeds(const fsys::path& dir) {
  // Selector values as in page_decoders_fuzz.cc.
  const int64_t n = 300;
  std::vector<int64_t> v64(n);
  std::vector<int32_t> v32(n);
  for (int64_t i = 0; i < n; ++i) {
    v64[size_t(i)] = (i * 2654435761LL) % 100000 - (i % 7 == 0 ? 1LL << 40 : 0);
    v32[size_t(i)] = static_cast<int32_t>((i * 7919) % 1000 - 500);
  }
  std::vector<int64_t> offsets{0};
  std::string bytes;
  for (int64_t i = 0; i < n; ++i) {
    bytes += "prefix_" + std::to_string(i / 3);
    offsets.push_back(int64_t(bytes.size()));
  }
  const auto* bdata = reinterpret_cast<const uint8_t*>(bytes.data());
  MutableBuffer b;
  auto emit = [&](const char* name, uint8_t sel, uint8_t param) {
    WriteFile(dir / name, Header(sel, n, param) + Str(b));
    b.Clear();
  };
  Check(EncodePlainFixed(reinterpret_cast<const uint8_t*>(v64.data()), n, 8, &b), "plain");
  emit("plain_fixed8", 0, 3);
  std::vector<uint8_t> bits(size_t((n + 7) / 8), 0x5A);
  Check(EncodePlainBoolean(bits.data(), 0, n, &b), "bool");
  emit("plain_boolean", 1, 0);
  Check(EncodePlainByteArray(offsets.data(), bdata, n, &b), "plain ba");
  emit("plain_byte_array", 2, 0);
  for (int w : {1, 3, 10}) {
    RleBitPackedEncoder enc(w);
    for (int64_t i = 0; i < n; ++i) enc.Put(uint32_t(i < 100 ? 1 : (i * 37) % (1 << w)));
    Check(enc.Flush(&b), "rle");
    std::string name = "rle_w" + std::to_string(w);
    const uint8_t sel = w <= 8 ? 3 : w <= 16 ? 4 : 5;
    emit(name.c_str(), sel, uint8_t(w));
  }
  {
    // Dictionary indices: bit-width byte then the hybrid.
    RleBitPackedEncoder enc(5);
    for (int64_t i = 0; i < n; ++i) enc.Put(uint32_t((i * 13) % 20));
    b.Append("\x05", 1).IgnoreError();
    Check(enc.Flush(&b), "dict");
    emit("dict_indices", 6, 20);
  }
  Check(EncodeDeltaBinaryPacked(reinterpret_cast<const uint8_t*>(v32.data()), n, 4, &b), "dbp4");
  emit("delta_binary_packed32", 7, 0);
  Check(EncodeDeltaBinaryPacked(reinterpret_cast<const uint8_t*>(v64.data()), n, 8, &b), "dbp8");
  emit("delta_binary_packed64", 8, 0);
  Check(EncodeDeltaLengthByteArray(offsets.data(), bdata, n, &b), "dlba");
  emit("delta_length_byte_array", 9, 0);
  Check(EncodeDeltaByteArray(offsets.data(), bdata, n, &b), "dba");
  emit("delta_byte_array", 10, 0);
  Check(EncodeByteStreamSplit(reinterpret_cast<const uint8_t*>(v64.data()), n, 8, &b), "bss");
  emit("byte_stream_split8", 11, 2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: oups_fuzz_seeds CORPUS_DIR\n");
    return 2;
  }
  const fsys::path root(argv[1]);
  for (const char* t : {"parquet_file_fuzz", "thrift_footer_fuzz", "codec_fuzz",
                        "page_decoders_fuzz"}) {
    fsys::create_directories(root / t);
  }
  ParquetSeeds(root / "parquet_file_fuzz", root / "thrift_footer_fuzz");
  CodecSeeds(root / "codec_fuzz");
  DecoderSeeds(root / "page_decoders_fuzz");
  return 0;
}
