// C++ baseline of the Python binding benchmark (benchmarks/python_bench.sh): the
// standard tick table (ticks.h) written with OrderedDataset::Write into a fresh
// dataset, then read whole with OrderedDataset::Read, i.e. the core work behind
// Python's oups.store.write(df) and OrderedParquetDataset.to_pandas(). Prints one
// JSON object with the best wall and CPU times of the repeats.
//
//   dataset_ticks_bench DIR [ROWS] [--repeat R] [--target ROWS] [--compression C]
//
// DIR must not hold anything else: the dataset DIR/ticks is removed before each
// write.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "oups/dataset/ordered_dataset.h"
#include "oups/io/file_system.h"
#include "ticks.h"

using namespace oups;

namespace {
[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "dataset_ticks_bench: %s\n", what.c_str());
  std::exit(1);
}
void RemoveDataset(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir + "/ticks", ec);
  std::filesystem::remove(dir + "/ticks_opdmd", ec);
}
}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  int64_t n = 10'000'000;
  int repeat = 3;
  int64_t target = kDefaultRowGroupTargetSize;
  std::string compression = "snappy";
  int positional = 0;
  bool bad = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else if (a == "--target" && i + 1 < argc) {
      target = std::atoll(argv[++i]);
    } else if (a == "--compression" && i + 1 < argc) {
      compression = argv[++i];
    } else if (!a.empty() && a[0] == '-') {
      bad = true;  // --help or an unknown option: never a directory name
    } else if (positional == 0) {
      dir = a;
      ++positional;
    } else {
      n = std::atoll(a.c_str());
      ++positional;
    }
  }
  if (bad || dir.empty() || n < 1 || repeat < 1 || target < 1) {
    std::fprintf(stderr,
                 "usage: dataset_ticks_bench DIR [ROWS] [--repeat R] [--target ROWS] "
                 "[--compression C]\n");
    return 2;
  }
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/ticks";
  auto fs = LocalFileSystem();
  const Table ticks = bench::MakeTicks(n);
  double write_s = 1e30, read_s = 1e30, write_cpu_s = 1e30, read_cpu_s = 1e30;
  int64_t row_groups = 0;
  for (int r = 0; r < repeat; ++r) {
    RemoveDataset(dir);
    auto ds = OrderedDataset::Open(fs, path);
    if (!ds.ok()) Die(ds.status().ToString());
    WriteOptions wo;
    wo.ordered_on = "ts";
    wo.row_group_target_size = target;
    auto codec = parquet::CompressionOptions::Parse(compression);
    if (!codec.ok()) Die(codec.status().ToString());
    wo.compression = *codec;
    double t0 = bench::WallSeconds(), c0 = bench::CpuSeconds();
    Status st = ds->Write(ticks, wo);
    write_s = std::min(write_s, bench::WallSeconds() - t0);
    write_cpu_s = std::min(write_cpu_s, bench::CpuSeconds() - c0);
    if (!st.ok()) Die(st.ToString());
    // A fresh handle, as Python's OrderedParquetDataset(path).to_pandas().
    auto reader = OrderedDataset::Open(fs, path);
    if (!reader.ok()) Die(reader.status().ToString());
    t0 = bench::WallSeconds();
    c0 = bench::CpuSeconds();
    auto t = reader->Read();
    read_s = std::min(read_s, bench::WallSeconds() - t0);
    read_cpu_s = std::min(read_cpu_s, bench::CpuSeconds() - c0);
    if (!t.ok()) Die(t.status().ToString());
    if (t->num_rows() != n || (r == 0 && !t->Equals(ticks))) {
      Die("the table read back differs from the one written");
    }
    auto rgs = reader->num_row_groups();
    if (!rgs.ok()) Die(rgs.status().ToString());
    row_groups = *rgs;
  }
  RemoveDataset(dir);
  std::printf(
      "{\"engine\":\"oups-cpp-dataset\",\"rows\":%lld,\"target\":%lld,\"row_groups\":%lld,"
      "\"write_s\":%.6f,\"read_s\":%.6f,\"write_cpu_s\":%.6f,\"read_cpu_s\":%.6f}\n",
      (long long)n, (long long)target, (long long)row_groups, write_s, read_s, write_cpu_s,
      read_cpu_s);
  return 0;
}
