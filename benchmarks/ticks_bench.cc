// Macro benchmark, oups side: writes and reads the standard tick table with the
// oups Parquet engine and prints the timings as one JSON object (same shape as
// benchmarks/duckdb_ticks.py, which measures DuckDB on the same data).
//
//   ticks_bench FILE [ROWS] [--repeat R] [--compression snappy]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "oups/io/file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "ticks.h"

using namespace oups;

namespace {
[[noreturn]] void Die(const Status& st) {
  std::fprintf(stderr, "ticks_bench: %s\n", st.ToString().c_str());
  std::exit(1);
}
}  // namespace

int main(int argc, char** argv) {
  std::string file;
  int64_t n = 10'000'000;
  int repeat = 1;
  std::string compression = "snappy";
  int positional = 0;
  bool read_only = false;
  int threads = 1;  // profiling aid: read FILE as written by an earlier run
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else if (a == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (a == "--read-only") {
      read_only = true;
    } else if (a == "--compression" && i + 1 < argc) {
      compression = argv[++i];
    } else if (positional == 0) {
      file = a;
      ++positional;
    } else {
      n = std::atoll(a.c_str());
      ++positional;
    }
  }
  if (file.empty() || n < 0 || repeat < 1) {
    std::fprintf(stderr, "usage: ticks_bench FILE [ROWS] [--repeat R] [--compression C] [--threads T]\n");
    return 2;
  }
  auto fs = LocalFileSystem();
  double t0 = bench::WallSeconds();
  Table ticks = bench::MakeTicks(n);
  const double generate_s = bench::WallSeconds() - t0;
  parquet::WriterOptions opt;
  auto codec = parquet::ParseCompression(compression);
  if (!codec.ok()) Die(codec.status());
  opt.compression = *codec;
  opt.sorting_column = "ts";
  opt.num_threads = threads;
  double write_s = 1e30, read_s = 1e30, write_cpu_s = 1e30, read_cpu_s = 1e30;
  int64_t read_rows = 0;
  for (int r = 0; r < repeat; ++r) {
    if (!read_only) {
      t0 = bench::WallSeconds();
      double c0 = bench::CpuSeconds();
      auto md = parquet::WriteTable(*fs, file, ticks, opt);
      if (!md.ok()) Die(md.status());
      write_s = std::min(write_s, bench::WallSeconds() - t0);
      write_cpu_s = std::min(write_cpu_s, bench::CpuSeconds() - c0);
    }
    t0 = bench::WallSeconds();
    double c1 = bench::CpuSeconds();
    parquet::ReadOptions ro;
    ro.num_threads = threads;
    auto t = parquet::ReadTable(*fs, file, ro);
    if (!t.ok()) Die(t.status());
    read_s = std::min(read_s, bench::WallSeconds() - t0);
    read_cpu_s = std::min(read_cpu_s, bench::CpuSeconds() - c1);
    read_rows = t->num_rows();
    if (r == 0 && !t->Equals(ticks)) {
      std::fprintf(stderr, "ticks_bench: the table read back differs from the one written\n");
      return 1;
    }
  }
  if (read_rows != n) {
    std::fprintf(stderr, "ticks_bench: read %lld rows, wrote %lld\n", (long long)read_rows,
                 (long long)n);
    return 1;
  }
  auto st = fs->Stat(file);
  if (!st.ok()) Die(st.status());
  std::printf(
      "{\"engine\":\"oups\",\"rows\":%lld,\"bytes\":%lld,\"write_s\":%.6f,\"read_s\":%.6f,"
      "\"write_cpu_s\":%.6f,\"read_cpu_s\":%.6f,\"generate_s\":%.6f,\"threads\":%d}\n",
      (long long)n, (long long)st->size, write_s, read_s, write_cpu_s, read_cpu_s, generate_s, threads);
  return 0;
}
