// Store scale benchmark (issue 13): what an operation costs in a store of many
// keys and in a dataset of many row groups, against the same operation in a
// small store, measured in the same run. benchmarks/store_scale.sh runs it.
//
//   store_scale_bench create DIR KEYS RGS [KEY_RGS]
//       a store of KEYS keys Inst{"S<i>", 2024} of KEY_RGS (default 1) row
//       groups of 10 rows each (timestamps interleaved across keys), plus the key
//       Inst{"BIG", 2024} of RGS row groups of 10 rows (setup only: written
//       through a file system whose syncs are no-ops, so that it takes
//       seconds, not minutes; every measured operation syncs as usual)
//   store_scale_bench writes SMALL LARGE [REPEATS]
//       write 10 rows to a new key, append 10 rows to an existing key, append
//       10,000 rows to BIG, read one row group of BIG by range: the median
//       time in each store, alternated, and LARGE / SMALL
//   store_scale_bench keys DIR [REPEATS]
//       Store::Keys() (sorted), Size() and Contains() of one key, warm
//   store_scale_bench reads DIR [REPEATS]
//       only the range read of one row group of BIG, REPEATS times (default
//       1,000; to profile it, e.g. under perf): its median
//   store_scale_bench iterate DIR KEYS
//       iter_intersections over the first KEYS keys: rows/s, peak resident
//       memory and the most file descriptors open during the iteration
//
// Each mode prints one JSON object.
#include <dirent.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "oups/dataset/ordered_dataset.h"
#include "oups/io/file_system.h"
#include "oups/io/file_system_wrapper.h"
#include "oups/store/store.h"
#include "oups/table/builder.h"

using namespace oups;

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
[[noreturn]] void Die(const Status& st) {
  std::fprintf(stderr, "store_scale_bench: %s\n", st.ToString().c_str());
  std::exit(1);
}
template <typename T>
T Check(Result<T> r) {
  if (!r.ok()) Die(r.status());
  return std::move(r).ValueOrDie();
}
void Check(const Status& st) {
  if (!st.ok()) Die(st);
}
long PeakRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}
int OpenFds() {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (struct dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
    ::closedir(d);
  }
  return n - 1;  // the listing's own descriptor
}

// Setup only: syncs are no-ops.
class NoSyncFile final : public WritableFileWrapper {
 public:
  using WritableFileWrapper::WritableFileWrapper;
  Status Sync() override { return Status::OK(); }
};
class NoSyncFileSystem final : public FileSystemWrapper {
 public:
  using FileSystemWrapper::FileSystemWrapper;
  Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path) override {
    OUPS_ASSIGN_OR_RETURN(auto f, base_->OpenForWrite(path));
    return std::unique_ptr<WritableFile>(new NoSyncFile(std::move(f)));
  }
  Result<std::unique_ptr<WritableFile>> CreateNewFile(const std::string& path) override {
    OUPS_ASSIGN_OR_RETURN(auto f, base_->CreateNewFile(path));
    return std::unique_ptr<WritableFile>(new NoSyncFile(std::move(f)));
  }
  Status SyncDir(const std::string&) override { return Status::OK(); }
};

IndexerSchema InstSchema() {
  return Check(IndexerSchema::Make("Inst", {FieldSpec::String("symbol"), FieldSpec::Int64("year")}));
}
IndexKey Key(const IndexerSchema& s, const std::string& symbol) {
  return Check(s.MakeKey({{symbol, int64_t{2024}}}));
}
std::string Symbol(int64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "S%06lld", static_cast<long long>(i));
  return buf;
}

// `n` rows with ts = first, first + 1, ... and a price column.
Table Rows(int64_t first, int64_t n) {
  std::vector<int64_t> ts(static_cast<size_t>(n));
  std::vector<double> px(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    ts[static_cast<size_t>(i)] = first + i;
    px[static_cast<size_t>(i)] = 100.0 + static_cast<double>((first + i) % 997) * 0.01;
  }
  return Check(MakeTable({{"ts", Check(ColumnFromVector(DataType::Int64(), ts))},
                          {"price", Check(ColumnFromVector(DataType::Float64(), px))}}));
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int Create(const std::string& dir, int64_t keys, int64_t rgs, int64_t key_rgs) {
  auto fs = std::make_shared<NoSyncFileSystem>(LocalFileSystem());
  Store store = Check(Store::Open(fs, dir, InstSchema()));
  const double t0 = Now();
  for (int64_t i = 0; i < keys; ++i) {
    OrderedDataset ds = Check(store.Get(Key(store.indexer(), Symbol(i))));
    Check(ds.Write(Rows(i % 10, 10 * key_rgs),
                   {.ordered_on = "ts", .row_group_target_size = 10}));
  }
  OrderedDataset big = Check(store.Get(Key(store.indexer(), "BIG")));
  // Row groups of 10 rows: a period of 10 on the integer ordered column.
  Check(big.Write(Rows(0, rgs * 10), {.ordered_on = "ts", .row_group_target_size = 10}));
  std::printf("{\"mode\": \"create\", \"dir\": \"%s\", \"keys\": %lld, \"big_row_groups\": %lld, "
              "\"seconds\": %.2f}\n",
              dir.c_str(), static_cast<long long>(keys),
              static_cast<long long>(Check(big.num_row_groups())), Now() - t0);
  return 0;
}

struct WriteTimes {
  std::vector<double> new_key, append, append_big, read_big;
};

void OneRound(const Store& store, int round, WriteTimes* out) {
  const IndexerSchema& s = store.indexer();
  double t = Now();
  {
    OrderedDataset ds = Check(store.Get(Key(s, "NEW" + std::to_string(round))));
    Check(ds.Write(Rows(0, 10), {.ordered_on = "ts"}));
  }
  out->new_key.push_back(Now() - t);
  t = Now();
  {
    OrderedDataset ds = Check(store.Get(Key(s, Symbol(1))));
    Check(ds.Write(Rows(1'000'000 + round * 10, 10), {.ordered_on = "ts"}));
  }
  out->append.push_back(Now() - t);
  t = Now();
  {
    OrderedDataset ds = Check(store.Get(Key(s, "BIG")));
    Check(ds.Write(Rows(1'000'000'000 + round * 10'000, 10'000),
                   {.ordered_on = "ts", .row_group_target_size = 10'000}));
  }
  out->append_big.push_back(Now() - t);
  t = Now();
  {
    OrderedDataset ds = Check(store.Get(Key(s, "BIG")));
    Table rg = Check(ds.Read({.start = Scalar::Int(500), .end_excl = Scalar::Int(510)}));
    if (rg.num_rows() != 10) Die(Status::InvalidArgument("range read: wrong row count"));
  }
  out->read_big.push_back(Now() - t);
}

int Writes(const std::string& small_dir, const std::string& large_dir, int repeats) {
  auto fs = LocalFileSystem();
  Store small = Check(Store::Open(fs, small_dir, InstSchema()));
  Store large = Check(Store::Open(fs, large_dir, InstSchema()));
  const int64_t small_rgs = Check(Check(small.Get(Key(small.indexer(), "BIG"))).num_row_groups());
  const int64_t large_rgs = Check(Check(large.Get(Key(large.indexer(), "BIG"))).num_row_groups());
  WriteTimes ts, tl;
  for (int r = 0; r < repeats; ++r) {  // alternated: the same disk state for both
    OneRound(small, r, &ts);
    OneRound(large, r, &tl);
  }
  auto row = [](const char* name, const std::vector<double>& a, const std::vector<double>& b,
                bool last) {
    std::printf("  \"%s\": {\"small_ms\": %.3f, \"large_ms\": %.3f, \"ratio\": %.2f}%s\n", name,
                Median(a) * 1e3, Median(b) * 1e3, Median(b) / Median(a), last ? "" : ",");
  };
  std::printf("{\"mode\": \"writes\", \"repeats\": %d, \"big_row_groups\": [%lld, %lld],\n",
              repeats, static_cast<long long>(small_rgs), static_cast<long long>(large_rgs));
  row("write_10_rows_new_key", ts.new_key, tl.new_key, false);
  row("append_10_rows", ts.append, tl.append, false);
  row("append_10000_rows_big", ts.append_big, tl.append_big, false);
  row("range_read_one_row_group_big", ts.read_big, tl.read_big, true);
  std::printf("}\n");
  return 0;
}

int Reads(const std::string& dir, int repeats) {
  Store store = Check(Store::Open(LocalFileSystem(), dir, InstSchema()));
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    const double t = Now();
    OrderedDataset ds = Check(store.Get(Key(store.indexer(), "BIG")));
    Table rg = Check(ds.Read({.start = Scalar::Int(500), .end_excl = Scalar::Int(510)}));
    if (rg.num_rows() != 10) Die(Status::InvalidArgument("range read: wrong row count"));
    times.push_back(Now() - t);
  }
  std::printf("{\"mode\": \"reads\", \"repeats\": %d, \"range_read_ms\": %.3f}\n", repeats,
              Median(times) * 1e3);
  return 0;
}

int Keys(const std::string& dir, int repeats) {
  Store store = Check(Store::Open(LocalFileSystem(), dir, InstSchema()));
  std::vector<double> keys_s, size_s, contains_s;
  size_t n = 0;
  for (int r = 0; r < repeats; ++r) {
    double t = Now();
    std::vector<IndexKey> keys = Check(store.Keys());
    keys_s.push_back(Now() - t);
    n = keys.size();
    if (!std::is_sorted(keys.begin(), keys.end())) Die(Status::InvalidArgument("keys not sorted"));
    t = Now();
    if (Check(store.Size()) != static_cast<int64_t>(n)) Die(Status::InvalidArgument("size"));
    size_s.push_back(Now() - t);
    t = Now();
    if (!Check(store.Contains(Key(store.indexer(), Symbol(7))))) Die(Status::InvalidArgument("contains"));
    contains_s.push_back(Now() - t);
  }
  std::printf("{\"mode\": \"keys\", \"keys\": %zu, \"keys_s\": %.3f, \"len_s\": %.3f, "
              "\"contains_ms\": %.3f}\n",
              n, Median(keys_s), Median(size_s), Median(contains_s) * 1e3);
  return 0;
}

int Iterate(const std::string& dir, int64_t n_keys) {
  Store store = Check(Store::Open(LocalFileSystem(), dir, InstSchema()));
  std::vector<IndexKey> keys;
  for (int64_t i = 0; i < n_keys; ++i) keys.push_back(Key(store.indexer(), Symbol(i)));
  const int fds_before = OpenFds();
  int fds_peak = fds_before;
  int64_t rows = 0, chunks = 0;
  const double t = Now();
  IntersectionIterator it = store.IterIntersections(keys, {});
  while (true) {
    std::optional<IntersectionChunk> chunk = Check(it.Next());
    if (!chunk) break;
    ++chunks;
    for (const auto& [k, table] : *chunk) rows += table.num_rows();
    if (chunks % 16 == 1) fds_peak = std::max(fds_peak, OpenFds());
  }
  const double secs = Now() - t;
  std::printf("{\"mode\": \"iterate\", \"keys\": %lld, \"rows\": %lld, \"chunks\": %lld, "
              "\"seconds\": %.3f, \"rows_per_s\": %.0f, \"peak_rss_mib\": %.1f, "
              "\"fds_before\": %d, \"fds_peak\": %d, \"fd_limit\": %lld}\n",
              static_cast<long long>(n_keys), static_cast<long long>(rows),
              static_cast<long long>(chunks), secs, static_cast<double>(rows) / secs,
              static_cast<double>(PeakRssKiB()) / 1024.0, fds_before, fds_peak,
              [] {
                rlimit l{};
                getrlimit(RLIMIT_NOFILE, &l);
                return static_cast<long long>(l.rlim_cur);
              }());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "create" && (argc == 5 || argc == 6)) {
    return Create(argv[2], std::atoll(argv[3]), std::atoll(argv[4]),
                  argc == 6 ? std::atoll(argv[5]) : 1);
  }
  if (mode == "writes" && (argc == 4 || argc == 5)) {
    return Writes(argv[2], argv[3], argc == 5 ? std::atoi(argv[4]) : 15);
  }
  if (mode == "keys" && (argc == 3 || argc == 4)) {
    return Keys(argv[2], argc == 4 ? std::atoi(argv[3]) : 5);
  }
  if (mode == "reads" && (argc == 3 || argc == 4)) {
    return Reads(argv[2], argc == 4 ? std::atoi(argv[3]) : 1000);
  }
  if (mode == "iterate" && argc == 4) return Iterate(argv[2], std::atoll(argv[3]));
  std::fprintf(stderr,
               "usage: store_scale_bench create DIR KEYS RGS [KEY_RGS] | writes SMALL LARGE [REPEATS] | "
               "keys DIR [REPEATS] | reads DIR [REPEATS] | iterate DIR KEYS\n");
  return 2;
}
