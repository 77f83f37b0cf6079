// oups-interop-gen: writes, with oups's own Parquet writer, the corpus that
// interop/check_ours.py has DuckDB read back (and interop/pyarrow_check.py, pyarrow).
//
//   oups-interop-gen OUTDIR
//
// For every file FILE.parquet it also writes FILE.parquet.expected.jsonl: oups's
// rendering (oups::PrintRowsJsonl) of the in-memory table that was written, i.e. what
// DuckDB must read. Files written with key-value metadata also get
// FILE.parquet.expected_kv.json ([{"key": ..., "value": ...}, ...]).
//
// Data is deterministic (fixed-seed SplitMix64) and includes edge values:
// integer minima and maxima, NaN, infinities and -0.0, empty, non-ASCII and
// > 1 KiB strings, dates and timestamps at the ends of their ranges.
// Exit status: 0 ok, 1 error, 2 usage error.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "oups/io/file_system.h"
#include "oups/parquet/file_writer.h"
#include "oups/table/format.h"
#include "oups/table/builder.h"

namespace {

using oups::Column;
using oups::ColumnBuilder;
using oups::DataType;
using oups::Field;
using oups::Result;
using oups::Schema;
using oups::Status;
using oups::Table;
using oups::TimeUnit;
using oups::parquet::Compression;
using oups::parquet::KeyValue;
using oups::parquet::WriterOptions;

// SplitMix64: a tiny, fully specified generator (same stream on every platform).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform-ish in [lo, hi] (inclusive).
  int64_t Range(int64_t lo, int64_t hi) {
    const auto span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
    if (span == 0) return static_cast<int64_t>(Next());
    return static_cast<int64_t>(static_cast<uint64_t>(lo) + Next() % span);
  }
  bool OneIn(int n) { return Next() % static_cast<uint64_t>(n) == 0; }

 private:
  uint64_t state_;
};

constexpr int64_t kSecondsMin = -62135596800LL;  // 0001-01-01 00:00:00
constexpr int64_t kSecondsMax = 253402300799LL;  // 9999-12-31 23:59:59
constexpr int64_t kNanosMin = -9223286400000000000LL;  // 1677-09-22, DuckDB's TIMESTAMP_NS minimum
constexpr int64_t kNanosMax = 9223372036854775807LL - 1000000000LL;   // ~2262-04-11

std::string RandomAscii(Rng& rng, int len) {
  std::string s;
  for (int i = 0; i < len; ++i) s.push_back(static_cast<char>(' ' + rng.Range(0, 94)));
  return s;
}

// A generator appends row `i`'s value (never null) to a builder.
using Gen = std::function<Status(ColumnBuilder&, Rng&, int64_t)>;

struct TypeSpec {
  std::string name;
  DataType type;
  Gen gen;
};

template <typename T>
Gen IntGen() {
  return [](ColumnBuilder& b, Rng& rng, int64_t i) -> Status {
    constexpr T lo = std::numeric_limits<T>::min();
    constexpr T hi = std::numeric_limits<T>::max();
    switch (i) {
      case 0: return b.Append(lo);
      case 1: return b.Append(hi);
      case 2: return b.Append(T{0});
      case 3: return b.Append(static_cast<T>(std::is_signed_v<T> ? -1 : 1));
      default: break;
    }
    const T v = static_cast<T>(rng.Next());
    return b.Append(v);
  };
}

// With `infinities`, rows 0 and 1 hold -inf and +inf (DuckDB's parquet_metadata()
// then reports no min/max at all, so files without them check the statistics).
Gen FloatGen(bool single, bool infinities) {
  return [single, infinities](ColumnBuilder& b, Rng& rng, int64_t i) -> Status {
    const double inf = infinities ? std::numeric_limits<double>::infinity() : -12.5;
    const double big = single ? 3.4028234663852886e38 : std::numeric_limits<double>::max();
    const double tiny = single ? 1.401298464324817e-45 : 5e-324;
    switch (i) {
      case 0: return b.Append(-inf);
      case 1: return b.Append(inf);
      case 2: return b.Append(-0.0);
      case 3: return b.Append(0.0);
      case 4: return b.Append(std::numeric_limits<double>::quiet_NaN());
      case 5: return b.Append(big);
      case 6: return b.Append(-big);
      case 7: return b.Append(tiny);
      case 8: return b.Append(0.1);
      case 9: return b.Append(1e21);
      default: break;
    }
    // Mix of "nice" decimals and arbitrary bit patterns of finite values.
    if (rng.OneIn(2)) return b.Append(static_cast<double>(rng.Range(-1000000, 1000000)) / 1000.0);
    double v;
    do {
      const uint64_t bits = rng.Next();
      if (single) {
        float f;
        const auto b32 = static_cast<uint32_t>(bits);
        std::memcpy(&f, &b32, sizeof(f));
        v = f;
      } else {
        std::memcpy(&v, &bits, sizeof(v));
      }
    } while (!std::isfinite(v));
    return b.Append(v);
  };
}

Gen StringGen(bool binary) {
  return [binary](ColumnBuilder& b, Rng& rng, int64_t i) -> Status {
    switch (i) {
      case 0: return b.Append(std::string_view());
      case 1: return b.Append("h\xc3\xa9llo w\xc3\xb6rld \xe2\x82\xac \xf0\x9d\x84\x9e");
      case 2: return b.Append(std::string(1500, 'x') + "-long");
      case 3: return b.Append("quote\" backslash\\ slash/ tab\t nl\n ctl\x01 del\x7f");
      case 4: return b.Append("~~~ last in byte order ~~~");
      default: break;
    }
    if (binary && rng.OneIn(3)) {
      std::string bytes;
      const int n = static_cast<int>(rng.Range(0, 40));
      for (int k = 0; k < n; ++k) bytes.push_back(static_cast<char>(rng.Next() & 0xFF));
      return b.Append(std::string_view(bytes));
    }
    if (rng.OneIn(10)) return b.Append(RandomAscii(rng, static_cast<int>(rng.Range(1024, 3000))));
    if (rng.OneIn(5)) return b.Append("\xc3\xa9t\xc3\xa9 #" + std::to_string(rng.Range(0, 999)));
    return b.Append(RandomAscii(rng, static_cast<int>(rng.Range(0, 30))));
  };
}

Gen TimestampGen(TimeUnit unit) {
  return [unit](ColumnBuilder& b, Rng& rng, int64_t i) -> Status {
    int64_t per_second = 1;
    switch (unit) {
      case TimeUnit::kSecond: per_second = 1; break;
      case TimeUnit::kMilli: per_second = 1000; break;
      case TimeUnit::kMicro: per_second = 1000000; break;
      case TimeUnit::kNano: per_second = 1000000000; break;
    }
    const bool nano = unit == TimeUnit::kNano;
    const int64_t lo = nano ? kNanosMin : kSecondsMin * per_second;
    const int64_t hi = nano ? kNanosMax : (kSecondsMax + 1) * per_second - 1;
    switch (i) {
      case 0: return b.Append(lo);
      case 1: return b.Append(hi);
      case 2: return b.Append(int64_t{0});
      case 3: return b.Append(int64_t{-1});
      case 4: return b.Append(int64_t{1});
      default: break;
    }
    if (rng.OneIn(3)) return b.Append(rng.Range(lo, hi));
    // Around 2024, with sub-second parts that often end in zeros.
    const int64_t sec = 1704067200 + rng.Range(-5 * 31536000LL, 5 * 31536000LL);
    const int64_t frac = per_second > 1 ? rng.Range(0, per_second - 1) / (rng.OneIn(2) ? 1000 : 1) : 0;
    return b.Append(sec * per_second + frac);
  };
}

Gen DateGen() {
  return [](ColumnBuilder& b, Rng& rng, int64_t i) -> Status {
    switch (i) {
      case 0: return b.Append(int64_t{-719162});  // 0001-01-01
      case 1: return b.Append(int64_t{2932896});  // 9999-12-31
      case 2: return b.Append(int64_t{0});
      case 3: return b.Append(int64_t{-1});
      default: break;
    }
    return b.Append(rng.Range(-719162, 2932896));
  };
}

Gen BoolGen() {
  return [](ColumnBuilder& b, Rng& rng, int64_t) -> Status { return b.Append(rng.OneIn(2)); };
}

std::vector<TypeSpec> AllTypes() {
  std::vector<TypeSpec> t = {
      {"bool", DataType::Bool(), BoolGen()},
      {"int8", DataType::Int8(), IntGen<int8_t>()},
      {"int16", DataType::Int16(), IntGen<int16_t>()},
      {"int32", DataType::Int32(), IntGen<int32_t>()},
      {"int64", DataType::Int64(), IntGen<int64_t>()},
      {"uint8", DataType::UInt8(), IntGen<uint8_t>()},
      {"uint16", DataType::UInt16(), IntGen<uint16_t>()},
      {"uint32", DataType::UInt32(), IntGen<uint32_t>()},
      {"uint64", DataType::UInt64(), IntGen<uint64_t>()},
      {"float32", DataType::Float32(), FloatGen(true, false)},
      {"float64", DataType::Float64(), FloatGen(false, false)},
      {"float32_inf", DataType::Float32(), FloatGen(true, true)},
      {"float64_inf", DataType::Float64(), FloatGen(false, true)},
      {"string", DataType::String(), StringGen(false)},
      {"binary", DataType::Binary(), StringGen(true)},
      {"date32", DataType::Date32(), DateGen()},
  };
  const std::pair<const char*, TimeUnit> units[] = {{"s", TimeUnit::kSecond},
                                                    {"ms", TimeUnit::kMilli},
                                                    {"us", TimeUnit::kMicro},
                                                    {"ns", TimeUnit::kNano}};
  for (const auto& [name, unit] : units) {
    t.push_back({std::string("ts_") + name, DataType::Timestamp(unit), TimestampGen(unit)});
    t.push_back({std::string("ts_") + name + "_utc", DataType::Timestamp(unit, "UTC"),
                 TimestampGen(unit)});
  }
  return t;
}

// A column of `n` rows; with `nullable`, about 20% nulls (never in the edge rows).
Result<Column> MakeColumn(const TypeSpec& spec, int64_t n, bool nullable, uint64_t seed) {
  Rng rng(seed);
  ColumnBuilder b(spec.type);
  OUPS_RETURN_NOT_OK(b.Reserve(n));
  for (int64_t i = 0; i < n; ++i) {
    if (nullable && i >= 12 && rng.OneIn(5)) {
      OUPS_RETURN_NOT_OK(b.AppendNull());
    } else {
      OUPS_RETURN_NOT_OK(spec.gen(b, rng, i));
    }
  }
  return b.Finish();
}

Result<Column> RowIds(int64_t n, int64_t start = 0) {
  ColumnBuilder b(DataType::Int64());
  OUPS_RETURN_NOT_OK(b.Reserve(n));
  for (int64_t i = 0; i < n; ++i) OUPS_RETURN_NOT_OK(b.Append(start + i));
  return b.Finish();
}

class Corpus {
 public:
  explicit Corpus(std::string dir) : dir_(std::move(dir)), fs_(oups::LocalFileSystem()) {}

  Status Write(const std::string& name, const Table& table, const WriterOptions& options) {
    const std::string path = oups::JoinPath(dir_, name);
    auto md = oups::parquet::WriteTable(*fs_, path, table, options);
    if (!md.ok()) return md.status().WithContext(path);
    {
      std::ofstream out(path + ".expected.jsonl", std::ios::binary);
      OUPS_RETURN_NOT_OK(oups::PrintRowsJsonl(table, out));
      if (!out) return Status::IOError("cannot write " + path + ".expected.jsonl");
    }
    if (!options.key_value_metadata.empty()) {
      std::string json = "[";
      for (size_t k = 0; k < options.key_value_metadata.size(); ++k) {
        const KeyValue& kv = options.key_value_metadata[k];
        if (k > 0) json += ", ";
        json += "{\"key\": " + JsonString(kv.key) + ", \"value\": " +
                (kv.value ? JsonString(*kv.value) : std::string("null")) + "}";
      }
      json += "]\n";
      OUPS_RETURN_NOT_OK(fs_->WriteFile(path + ".expected_kv.json", json));
    }
    ++files_;
    return Status::OK();
  }
  int files() const { return files_; }

 private:
  static std::string JsonString(std::string_view s) {
    // The row printer's escaping (oups/table/format.h).
    std::string out;
    oups::AppendScalar(oups::Scalar::String(std::string(s)), oups::CellFormat::kJson, &out);
    return out;
  }

  std::string dir_;
  std::shared_ptr<oups::FileSystem> fs_;
  int files_ = 0;
};

Status Run(const std::string& dir) {
  OUPS_RETURN_NOT_OK(oups::LocalFileSystem()->CreateDirs(dir));
  Corpus corpus(dir);
  const std::vector<TypeSpec> types = AllTypes();
  const std::pair<const char*, Compression> codecs[] = {
      {"uncompressed", Compression::kUncompressed}, {"snappy", Compression::kSnappy},
      {"zstd", Compression::kZstd},                 {"gzip", Compression::kGzip},
      {"lz4_raw", Compression::kLz4Raw},            {"brotli", Compression::kBrotli}};

  // 1. Every type x codec x nullability: columns `id` (required int64) and `v`.
  constexpr int64_t kRows = 600;
  uint64_t seed = 20240101;
  for (const TypeSpec& spec : types) {
    for (const auto& [codec_name, codec] : codecs) {
      for (bool nullable : {false, true}) {
        OUPS_ASSIGN_OR_RETURN(Column ids, RowIds(kRows));
        OUPS_ASSIGN_OR_RETURN(Column v, MakeColumn(spec, kRows, nullable, ++seed));
        OUPS_ASSIGN_OR_RETURN(
            Table t, oups::MakeTable({{Field{"id", DataType::Int64(), false}, ids},
                                      {Field{"v", spec.type, nullable}, v}}));
        WriterOptions options;
        options.compression = codec;
        OUPS_RETURN_NOT_OK(corpus.Write(spec.name + "_" + codec_name + "_" +
                                            (nullable ? "optional" : "required") + ".parquet",
                                        t, options));
      }
    }
  }

  // All types side by side, optional, with nulls.
  auto all_types = [&](int64_t rows, uint64_t s) -> Result<Table> {
    std::vector<std::pair<Field, Column>> cols;
    OUPS_ASSIGN_OR_RETURN(Column ids, RowIds(rows));
    cols.push_back({Field{"id", DataType::Int64(), false}, ids});
    for (const TypeSpec& spec : types) {
      OUPS_ASSIGN_OR_RETURN(Column c, MakeColumn(spec, rows, true, ++s));
      cols.push_back({Field{spec.name, spec.type, true}, c});
    }
    return oups::MakeTable(std::move(cols));
  };

  // 2. Several row groups, several pages per column chunk.
  {
    OUPS_ASSIGN_OR_RETURN(Table t, all_types(5000, 777));
    WriterOptions options;
    options.row_group_size = 1000;
    OUPS_RETURN_NOT_OK(corpus.Write("multi_row_groups.parquet", t, options));
    options.row_group_size = 2500;
    options.data_page_size = 4096;
    options.compression = Compression::kZstd;
    OUPS_RETURN_NOT_OK(corpus.Write("small_pages.parquet", t, options));
  }
  // 3. Empty (0 rows) and one-row files, all types.
  {
    OUPS_ASSIGN_OR_RETURN(Table t, all_types(40, 888));
    OUPS_RETURN_NOT_OK(corpus.Write("empty.parquet", t.Slice(0, 0), WriterOptions()));
    OUPS_RETURN_NOT_OK(corpus.Write("one_row.parquet", t.Slice(5, 1), WriterOptions()));
  }
  // 4. Dictionary-friendly low-cardinality strings, and a dictionary that overflows
  //    its size limit (fallback to PLAIN).
  {
    constexpr int64_t n = 20000;
    Rng rng(4242);
    ColumnBuilder sym(DataType::String()), venue(DataType::String()), qty(DataType::Int64());
    for (int64_t i = 0; i < n; ++i) {
      OUPS_RETURN_NOT_OK(sym.Append("SYM" + std::to_string(rng.Range(0, 49))));
      if (rng.OneIn(6)) {
        OUPS_RETURN_NOT_OK(venue.AppendNull());
      } else {
        OUPS_RETURN_NOT_OK(venue.Append(rng.OneIn(2) ? "XPAR" : "X\xc3\x89TR"));
      }
      OUPS_RETURN_NOT_OK(qty.Append(rng.Range(1, 10) * 100));
    }
    OUPS_ASSIGN_OR_RETURN(Column c_sym, sym.Finish());
    OUPS_ASSIGN_OR_RETURN(Column c_venue, venue.Finish());
    OUPS_ASSIGN_OR_RETURN(Column c_qty, qty.Finish());
    OUPS_ASSIGN_OR_RETURN(Table t, oups::MakeTable({{"sym", c_sym}, {"venue", c_venue},
                                                    {"qty", c_qty}}));
    OUPS_RETURN_NOT_OK(corpus.Write("dictionary_strings.parquet", t, WriterOptions()));

    OUPS_ASSIGN_OR_RETURN(Table wide, all_types(3000, 999));
    WriterOptions fallback;
    fallback.dictionary_page_size_limit = 2048;
    OUPS_RETURN_NOT_OK(corpus.Write("dictionary_fallback.parquet", wide, fallback));
    WriterOptions plain;
    plain.dictionary = false;
    OUPS_RETURN_NOT_OK(corpus.Write("no_dictionary.parquet", wide, plain));
  }
  // 5. Key-value metadata and sorting column (rows sorted on ts).
  {
    constexpr int64_t n = 3000;
    ColumnBuilder ts(DataType::Timestamp(TimeUnit::kNano, "UTC")), price(DataType::Float64());
    Rng rng(99);
    int64_t t_ns = 1704067200LL * 1000000000LL;
    for (int64_t i = 0; i < n; ++i) {
      t_ns += rng.Range(1, 200000);
      OUPS_RETURN_NOT_OK(ts.Append(t_ns));
      OUPS_RETURN_NOT_OK(price.Append(100.0 + static_cast<double>(rng.Range(0, 10000)) / 100.0));
    }
    OUPS_ASSIGN_OR_RETURN(Column c_ts, ts.Finish());
    OUPS_ASSIGN_OR_RETURN(Column c_price, price.Finish());
    OUPS_ASSIGN_OR_RETURN(Table t, oups::MakeTable({{Field{"ts", c_ts.type(), false}, c_ts},
                                                    {Field{"price", DataType::Float64(), true},
                                                     c_price}}));
    WriterOptions options;
    options.key_value_metadata = {
        KeyValue{"oups", "{\"ordered_on\": \"ts\", \"version\": 1}"},
        KeyValue{"note", "h\xc3\xa9llo \"kv\"\nline2"},
        KeyValue{"empty", ""},
    };
    options.sorting_column = "ts";
    options.row_group_size = 1000;
    OUPS_RETURN_NOT_OK(corpus.Write("kv_sorted.parquet", t, options));
  }
  // 6. Codec levels.
  {
    OUPS_ASSIGN_OR_RETURN(Table t, all_types(1000, 555));
    WriterOptions zstd9;
    zstd9.compression = {Compression::kZstd, 9};
    OUPS_RETURN_NOT_OK(corpus.Write("zstd_level9.parquet", t, zstd9));
    WriterOptions gzip1;
    gzip1.compression = {Compression::kGzip, 1};
    OUPS_RETURN_NOT_OK(corpus.Write("gzip_level1.parquet", t, gzip1));
  }
  // 7. Every value encoding the writer offers (dictionary off), data pages v1 and v2.
  {
    OUPS_ASSIGN_OR_RETURN(Table t, all_types(3000, 321));
    for (int version : {1, 2}) {
      WriterOptions enc;
      enc.dictionary = false;
      enc.data_page_version = version;
      enc.data_page_size = 4096;
      enc.row_group_size = 1500;
      for (const char* c : {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                            "uint64", "date32"}) {
        enc.column_encodings[c] = oups::parquet::Encoding::kDeltaBinaryPacked;
      }
      for (const char* c : {"float32", "float64"}) {
        enc.column_encodings[c] = oups::parquet::Encoding::kByteStreamSplit;
      }
      enc.column_encodings["string"] = oups::parquet::Encoding::kDeltaByteArray;
      enc.column_encodings["binary"] = oups::parquet::Encoding::kDeltaLengthByteArray;
      OUPS_RETURN_NOT_OK(corpus.Write("encodings_page_v" + std::to_string(version) + ".parquet",
                                      t, enc));
    }
    WriterOptions v2;
    v2.data_page_version = 2;
    OUPS_RETURN_NOT_OK(corpus.Write("dictionary_page_v2.parquet", t, v2));
  }
  std::cout << "oups-interop-gen: " << corpus.files() << " files in " << dir << "\n";
  return Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::cout << "usage: oups-interop-gen OUTDIR\n"
                 "Writes one Parquet file per type x codec x nullability (and special cases)\n"
                 "with oups's writer, each with FILE.expected.jsonl for DuckDB to match.\n";
    return 0;
  }
  if (argc != 2) {
    std::cerr << "usage: oups-interop-gen OUTDIR\n";
    return 2;
  }
  Status st = Run(argv[1]);
  if (!st.ok()) {
    std::cerr << "oups-interop-gen: " << st.ToString() << "\n";
    return 1;
  }
  return 0;
}
