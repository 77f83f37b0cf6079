// Macro benchmark of OrderedDataset (issue 3), every ratio against a baseline
// measured in the same run:
//
//   (a) append 0.1% new rows (standard tick table, later timestamps) to a
//       dataset of 100 k rows and to one of 10 M rows, both written first with
//       the same row_group_target_size: time(10 M) / time(100 k) <= 1.5. Two
//       rows: equal batches (10 k rows = 0.1% of 10 M, to both datasets) and
//       proportional batches (0.1% of each: 100 rows and 10 k rows).
//   (b) the same 10 k-row append to the 10 M-row dataset against the manual
//       way: read every file, concatenate, sort (std::stable_sort of an index
//       on ts, then Take), de-duplicate (all columns, keep last), rewrite
//       everything as Parquet files of the same size: oups >= 50x faster.
//   (c) a read of a 1% ts range [start, end_excl) of the 10 M-row dataset,
//       bytes counted through a TrackingFileSystem over the local FS: <= 2% of
//       the dataset's bytes on disk (rg files + metadata file).
//
// Times are medians of --repeat runs, wall and process CPU time
// (CLOCK_PROCESS_CPUTIME_ID, all threads) side by side: on a loaded machine
// the CPU ratios are the meaningful ones. The manual baseline does not fsync
// (oups does), which only favours the baseline.
//
//   dataset_bench [--dir DIR] [--rows N] [--small-rows N] [--target N]
//                 [--repeat R] [--manual-repeat R]
//
// Prints a table, then one JSON line. Exit 0 when the run completed (targets
// are reported, not enforced), 1 on an error or a wrong result.
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "oups/dataset/ordered_dataset.h"
#include "oups/io/file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "oups/table/kernels.h"
#include "testing/tracking_file_system.h"
#include "ticks.h"

using namespace oups;

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "dataset_bench: %s\n", what.c_str());
  std::exit(1);
}
void Check(const Status& st, const char* what) {
  if (!st.ok()) Die(std::string(what) + ": " + st.ToString());
}
template <typename T>
T Check(Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.status().ToString());
  return std::move(r).ValueOrDie();
}

struct Timing {
  double wall = 0;
  double cpu = 0;
};
struct Samples {
  std::vector<double> wall, cpu;
  void Add(const Timing& t) {
    wall.push_back(t.wall);
    cpu.push_back(t.cpu);
  }
  static double Median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  }
  Timing median() const { return {Median(wall), Median(cpu)}; }
};

template <typename F>
Timing Time(F&& f) {
  const double w0 = bench::WallSeconds();
  const double c0 = bench::CpuSeconds();
  f();
  return {bench::WallSeconds() - w0, bench::CpuSeconds() - c0};
}

std::string LoadAvg() {
  std::ifstream in("/proc/loadavg");
  double a = 0, b = 0, c = 0;
  in >> a >> b >> c;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", a, b, c);
  return buf;
}

int64_t DirBytes(const std::string& dir) {
  int64_t total = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file()) total += static_cast<int64_t>(e.file_size());
  }
  return total;
}

// The manual way: what a user without oups does to add rows to a directory of
// Parquet files. Reads every file of `src_dir`, appends `batch`, sorts on ts
// (stable, so old rows stay before new ones on ties), drops duplicates keeping
// the last, writes everything again as files of `target` rows into `dst_dir`.
int64_t ManualAppend(FileSystem& fs, const std::string& src_dir, const Table& batch,
                     const std::string& dst_dir, int64_t target) {
  std::vector<Table> parts;
  for (const auto& info : Check(fs.ListDir(src_dir), "list")) {
    if (info.is_dir || info.name.size() < 8 ||
        info.name.compare(info.name.size() - 8, 8, ".parquet") != 0) {
      continue;
    }
    parts.push_back(Check(parquet::ReadTable(fs, src_dir + "/" + info.name), "manual read"));
  }
  parts.push_back(batch);
  Table all = Check(ConcatenateTables(parts), "manual concatenate");
  parts.clear();
  const Column ts = Check(all.GetColumn("ts"), "ts");
  const int64_t* t = ts.data<int64_t>();
  std::vector<int64_t> index(static_cast<size_t>(all.num_rows()));
  std::iota(index.begin(), index.end(), int64_t{0});
  std::stable_sort(index.begin(), index.end(), [t](int64_t a, int64_t b) { return t[a] < t[b]; });
  Table sorted = Check(Take(all, index.data(), static_cast<int64_t>(index.size())), "manual take");
  all = Table();
  index = {};
  Table unique = Check(DropDuplicatesKeepLast(sorted, "ts", {}), "manual dedup");
  sorted = Table();
  Check(fs.CreateDirs(dst_dir), "manual mkdir");
  parquet::WriterOptions wo;  // snappy, as OrderedDataset's default
  wo.row_group_size = target;
  int64_t file = 0;
  for (int64_t start = 0; start < unique.num_rows(); start += target, ++file) {
    const int64_t n = std::min(target, unique.num_rows() - start);
    char name[48];
    std::snprintf(name, sizeof name, "/part_%05lld.parquet", static_cast<long long>(file));
    Check(parquet::WriteTable(fs, dst_dir + name, unique.Slice(start, n), wo).status(),
          "manual write");
  }
  return unique.num_rows();
}

struct Row {
  std::string work;
  std::string oups;
  std::string baseline;
  double ratio;
  std::string ratio_text;
  std::string target;
  bool ok;
  std::string status;
};

std::string Secs(const Timing& t) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f s (cpu %.4f s)", t.wall, t.cpu);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::string base_dir;
  int64_t big_rows = 10'000'000;
  int64_t small_rows = 100'000;
  int64_t target = 50'000;
  int repeat = 15;
  int manual_repeat = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value after " + a);
      return argv[++i];
    };
    if (a == "--dir") {
      base_dir = next();
    } else if (a == "--rows") {
      big_rows = std::atoll(next().c_str());
    } else if (a == "--small-rows") {
      small_rows = std::atoll(next().c_str());
    } else if (a == "--target") {
      target = std::atoll(next().c_str());
    } else if (a == "--repeat") {
      repeat = std::atoi(next().c_str());
    } else if (a == "--manual-repeat") {
      manual_repeat = std::atoi(next().c_str());
    } else {
      std::fprintf(stderr,
                   "usage: dataset_bench [--dir DIR] [--rows N] [--small-rows N] [--target N] "
                   "[--repeat R] [--manual-repeat R]\n");
      return 2;
    }
  }
  if (big_rows < 1000 || small_rows < 1000 || target < 1 || repeat < 1 || manual_repeat < 1) {
    Die("bad arguments");
  }
  const std::string load_start = LoadAvg();
  const double run_start = bench::WallSeconds();

  // Temporary directory on the local file system, removed at exit.
  std::string tmpl = (base_dir.empty() ? std::filesystem::temp_directory_path().string()
                                       : base_dir) +
                     "/oups-dataset-bench.XXXXXX";
  std::vector<char> tmpl_buf(tmpl.begin(), tmpl.end());
  tmpl_buf.push_back('\0');
  if (mkdtemp(tmpl_buf.data()) == nullptr) Die("mkdtemp failed for " + tmpl);
  const std::string dir = tmpl_buf.data();
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{dir};

  auto local = LocalFileSystem();
  const int64_t big_batch = big_rows / 1000;      // 0.1% of the big dataset
  const int64_t small_batch = small_rows / 1000;  // 0.1% of the small dataset
  WriteOptions wopt;
  wopt.ordered_on = "ts";
  wopt.row_group_target_size = target;
  wopt.duplicates_on = Columns{};  // all columns, as the manual way

  // Tick rows: the datasets' rows, then the appended batches (later ts).
  // Equal-batch appends take 10 k-row batches; proportional ones to the small
  // dataset 100-row batches; the manual appends further 10 k-row batches.
  const int64_t n_batches = 2 * repeat + manual_repeat;
  Table ticks = bench::MakeTicks(big_rows + n_batches * big_batch);
  auto batch_rows = [&](int64_t k, int64_t size) {
    return ticks.Slice(big_rows + k * big_batch, size);  // rows after every dataset row
  };

  std::fprintf(stderr, "dataset_bench: writing datasets of %lld and %lld rows (target %lld rows)...\n",
               static_cast<long long>(small_rows), static_cast<long long>(big_rows),
               static_cast<long long>(target));
  auto small = Check(OrderedDataset::Open(local, dir + "/small"), "open small");
  auto big = Check(OrderedDataset::Open(local, dir + "/big"), "open big");
  const Timing write_small = Time([&] { Check(small.Write(ticks.Slice(0, small_rows), wopt), "write small"); });
  const Timing write_big = Time([&] { Check(big.Write(ticks.Slice(0, big_rows), wopt), "write big"); });
  // A second, proportional-batch small dataset (same content).
  auto small_p = Check(OrderedDataset::Open(local, dir + "/small_p"), "open small_p");
  Check(small_p.Write(ticks.Slice(0, small_rows), wopt), "write small_p");

  // (a) Appends, interleaved so that load changes hit both sides alike.
  std::fprintf(stderr, "dataset_bench: (a) %d appends to each dataset...\n", repeat);
  Samples app_small, app_big, app_small_p;
  int64_t next_batch = 0;
  int64_t small_p_appended = 0;
  for (int r = 0; r < repeat; ++r) {
    const Table b = batch_rows(next_batch++, big_batch);
    // The small dataset gets the same batch as the big one; its proportional
    // twin the first 0.1% of a later batch.
    const Table bp = batch_rows(next_batch++, small_batch);
    const bool small_first = (r % 2) == 0;
    if (small_first) app_small.Add(Time([&] { Check(small.Write(b, wopt), "append small"); }));
    app_big.Add(Time([&] { Check(big.Write(b, wopt), "append big"); }));
    if (!small_first) app_small.Add(Time([&] { Check(small.Write(b, wopt), "append small"); }));
    app_small_p.Add(Time([&] { Check(small_p.Write(bp, wopt), "append small_p"); }));
    small_p_appended += bp.num_rows();
  }
  // Checks: row counts.
  const int64_t big_now = big_rows + repeat * big_batch;
  {
    Table s = Check(small.Read(), "read small");
    Table sp = Check(small_p.Read(), "read small_p");
    if (s.num_rows() != small_rows + repeat * big_batch ||
        sp.num_rows() != small_rows + small_p_appended) {
      Die("wrong row count after the appends to the small datasets");
    }
    auto stats = Check(big.RowGroupStats(), "stats");
    const Column n_rows = Check(stats.GetColumn("n_rows"), "n_rows");
    int64_t total = 0;
    for (int64_t i = 0; i < n_rows.length(); ++i) total += static_cast<int64_t>(n_rows.data<uint64_t>()[i]);
    if (total != big_now) Die("wrong row count after the appends to the big dataset");
  }

  // (b) The manual way on the big dataset: reads the big dataset's files (the
  // same 10 M + appended rows oups holds), writes the result to a scratch dir.
  std::fprintf(stderr, "dataset_bench: (b) %d manual appends...\n", manual_repeat);
  Samples manual;
  for (int r = 0; r < manual_repeat; ++r) {
    const Table b = batch_rows(next_batch++, big_batch);
    const std::string out = dir + "/manual_" + std::to_string(r);
    int64_t n = 0;
    manual.Add(Time([&] { n = ManualAppend(*local, dir + "/big", b, out, target); }));
    if (n != big_now + big_batch) Die("manual way: wrong row count " + std::to_string(n));
    std::error_code ec;
    std::filesystem::remove_all(out, ec);
  }

  // (c) Range read of 1% of the big dataset's original rows, not aligned on
  // row groups, through a TrackingFileSystem (metadata file included: each
  // Read reads it).
  std::fprintf(stderr, "dataset_bench: (c) range read...\n");
  auto tracking = std::make_shared<TrackingFileSystem>(local);
  auto big_tracked = Check(OrderedDataset::Open(tracking, dir + "/big"), "open tracked");
  const int64_t range_rows = big_rows / 100;
  const int64_t first = big_rows / 2 - target / 2 + 7;  // mid-dataset, off any rg boundary
  const int64_t* ts = ticks.column(0).data<int64_t>();
  ReadOptions ropt;
  ropt.start = Scalar::Timestamp(ts[first], TimeUnit::kNano);
  ropt.end_excl = Scalar::Timestamp(ts[first + range_rows], TimeUnit::kNano);
  tracking->Clear();
  Table range;
  const Timing range_time = Time([&] { range = Check(big_tracked.Read(ropt), "range read"); });
  const int64_t range_bytes = tracking->bytes_read();
  const int64_t range_files = static_cast<int64_t>(tracking->opened_files().size());
  if (!range.Equals(ticks.Slice(first, range_rows))) Die("range read: wrong rows");
  const int64_t disk_bytes = DirBytes(dir + "/big") +
                             static_cast<int64_t>(std::filesystem::file_size(dir + "/big_opdmd"));

  // Report.
  const Timing ms = app_small.median(), mb = app_big.median(), mp = app_small_p.median(),
               mm = manual.median();
  std::vector<Row> rows;
  char buf[256];
  auto ratio_row = [&](std::string work, Timing num, Timing den, bool want_small, double limit,
                       std::string target_text) {
    const double rw = num.wall / den.wall, rc = num.cpu / den.cpu;
    std::snprintf(buf, sizeof buf, "%.2f (cpu %.2f)", rw, rc);
    const bool ok_wall = want_small ? rw <= limit : rw >= limit;
    const bool ok_cpu = want_small ? rc <= limit : rc >= limit;
    const char* status = ok_wall && ok_cpu ? "met"
                         : ok_wall         ? "met on wall, MISSED on cpu"
                         : ok_cpu          ? "MISSED on wall, met on cpu"
                                           : "MISSED";
    rows.push_back({std::move(work), Secs(want_small ? num : den), Secs(want_small ? den : num), rw,
                    buf, std::move(target_text), ok_wall && ok_cpu, status});
  };
  std::snprintf(buf, sizeof buf, "(a) append %lld rows: %lld-row ds (oups) vs %lld-row ds (baseline)",
                (long long)big_batch, (long long)big_rows, (long long)small_rows);
  ratio_row(buf, mb, ms, true, 1.5, "<= 1.5");
  std::snprintf(buf, sizeof buf, "(a') append 0.1%%: %lld rows to %lld (oups) vs %lld to %lld (baseline)",
                (long long)big_batch, (long long)big_rows, (long long)small_batch, (long long)small_rows);
  ratio_row(buf, mb, mp, true, 1.5, "<= 1.5");
  std::snprintf(buf, sizeof buf, "(b) append %lld rows to %lld: manual (baseline) / oups",
                (long long)big_batch, (long long)big_rows);
  ratio_row(buf, mm, mb, false, 50, ">= 50");
  {
    const double pct = 100.0 * double(range_bytes) / double(disk_bytes);
    char o[64], bl[64], rt[64];
    std::snprintf(o, sizeof o, "%lld B read", (long long)range_bytes);
    std::snprintf(bl, sizeof bl, "%lld B on disk", (long long)disk_bytes);
    std::snprintf(rt, sizeof rt, "%.3f%%", pct);
    std::snprintf(buf, sizeof buf, "(c) read 1%% ts range (%lld rows) of %lld: bytes read / on disk",
                  (long long)range_rows, (long long)big_now);
    rows.push_back({buf, o, bl, pct / 100.0, rt, "<= 2%", pct <= 2.0, pct <= 2.0 ? "met" : "MISSED"});
  }
  const std::string load_end = LoadAvg();
  const double total_s = bench::WallSeconds() - run_start;

  std::printf("dataset_bench: row_group_target_size %lld rows, duplicates_on all columns, snappy; "
              "medians of %d appends, %d manual runs\n",
              (long long)target, repeat, manual_repeat);
  std::printf("load average: start %s, end %s; %u hardware threads; total %.1f s\n",
              load_start.c_str(), load_end.c_str(), std::thread::hardware_concurrency(), total_s);
  std::printf("initial writes: %lld rows %s, %lld rows %s\n", (long long)small_rows,
              Secs(write_small).c_str(), (long long)big_rows, Secs(write_big).c_str());
  std::printf("range read: %s, %lld files opened, %lld rows\n", Secs(range_time).c_str(),
              (long long)range_files, (long long)range.num_rows());
  std::printf("\n| work | oups | baseline | ratio | target | status |\n| --- | --- | --- | --- | --- | --- |\n");
  for (const Row& r : rows) {
    std::printf("| %s | %s | %s | %s | %s | %s |\n", r.work.c_str(), r.oups.c_str(),
                r.baseline.c_str(), r.ratio_text.c_str(), r.target.c_str(), r.status.c_str());
  }
  std::printf(
      "{\"bench\":\"dataset\",\"rows\":%lld,\"small_rows\":%lld,\"target\":%lld,\"repeat\":%d,"
      "\"manual_repeat\":%d,\"load_start\":\"%s\",\"load_end\":\"%s\",\"total_s\":%.3f,"
      "\"append_big_s\":%.6f,\"append_big_cpu_s\":%.6f,\"append_small_s\":%.6f,"
      "\"append_small_cpu_s\":%.6f,\"append_small_prop_s\":%.6f,\"append_small_prop_cpu_s\":%.6f,"
      "\"manual_s\":%.6f,\"manual_cpu_s\":%.6f,\"ratio_a\":%.4f,\"ratio_a_cpu\":%.4f,"
      "\"ratio_a_prop\":%.4f,\"ratio_a_prop_cpu\":%.4f,\"ratio_b\":%.2f,\"ratio_b_cpu\":%.2f,"
      "\"range_bytes\":%lld,\"disk_bytes\":%lld,\"range_fraction\":%.6f,\"range_s\":%.6f,"
      "\"all_met\":%s}\n",
      (long long)big_rows, (long long)small_rows, (long long)target, repeat, manual_repeat,
      load_start.c_str(), load_end.c_str(), total_s, mb.wall, mb.cpu, ms.wall, ms.cpu, mp.wall,
      mp.cpu, mm.wall, mm.cpu, mb.wall / ms.wall, mb.cpu / ms.cpu, mb.wall / mp.wall,
      mb.cpu / mp.cpu, mm.wall / mb.wall, mm.cpu / mb.cpu, (long long)range_bytes,
      (long long)disk_bytes, double(range_bytes) / double(disk_bytes), range_time.wall,
      std::all_of(rows.begin(), rows.end(), [](const Row& r) { return r.ok; }) ? "true" : "false");
  return 0;
}
