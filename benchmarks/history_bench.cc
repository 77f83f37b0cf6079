// history_bench: the cost of history (issue 16). Two datasets built by the
// same appends (10 rows each, row-group target 100 rows, so each append also
// rewrites the last row group): one keeping every version
// (keep_versions = versions), one with the default retention (the latest
// only). Measured in the same run, alternating between the two: opening a
// handle, one more append, a read of the latest version (every row), and
// versions() of the dataset keeping them all. Prints medians and the ratios.
//
//   history_bench [DIR] [--versions N] [--rounds R]
// DIR defaults to /dev/shm (else /tmp); N to 10000; R to 30.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "oups/dataset/ordered_dataset.h"
#include "oups/table/builder.h"

using namespace oups;
using Clock = std::chrono::steady_clock;

namespace {

Table Rows(int64_t first, int64_t n) {
  std::vector<int64_t> ts(n);
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) {
    ts[i] = first + i;
    v[i] = static_cast<double>(first + i) * 0.5;
  }
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()},
                    {"v", ColumnFromVector(DataType::Float64(), v).ValueOrDie()}})
      .ValueOrDie();
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
  int64_t versions = 10000;
  int rounds = 30;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--versions" && i + 1 < argc) {
      versions = std::atoll(argv[++i]);
    } else if (a == "--rounds" && i + 1 < argc) {
      rounds = std::atoi(argv[++i]);
    } else {
      base = a;
    }
  }
  const std::string root = base + "/oups_history_bench_" + std::to_string(::getpid());
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  auto fs = LocalFileSystem();
  const std::string many = root + "/many", one = root + "/one";
  constexpr int64_t kRowsPerAppend = 10;
  WriteOptions keep_all{.ordered_on = "ts", .row_group_target_size = 100};
  keep_all.keep_versions = versions + rounds + 10;
  const WriteOptions keep_one{.ordered_on = "ts", .row_group_target_size = 100};
  std::printf("building two datasets of %lld appends of %lld rows in %s ...\n",
              static_cast<long long>(versions), static_cast<long long>(kRowsPerAppend),
              root.c_str());
  std::fflush(stdout);
  const auto t0 = Clock::now();
  {
    auto a = OrderedDataset::Open(fs, many).ValueOrDie();
    auto b = OrderedDataset::Open(fs, one).ValueOrDie();
    for (int64_t i = 0; i < versions; ++i) {
      const Table t = Rows(i * kRowsPerAppend, kRowsPerAppend);
      Check(a.Write(t, keep_all), "append (keep all)");
      Check(b.Write(t, keep_one), "append (keep one)");
    }
  }
  std::printf("built in %.1f s\n", Ms(t0, Clock::now()) / 1000.0);

  std::vector<double> open_many, open_one, append_many, append_one, read_many, read_one, list;
  int64_t next = versions * kRowsPerAppend;
  size_t n_versions = 0;
  for (int r = 0; r < rounds; ++r) {
    // Alternate which dataset goes first.
    for (int k = 0; k < 2; ++k) {
      const bool is_many = (k == 0) == (r % 2 == 0);
      const std::string& path = is_many ? many : one;
      auto t1 = Clock::now();
      auto ds = OrderedDataset::Open(fs, path).ValueOrDie();
      auto t2 = Clock::now();
      Check(ds.Write(Rows(next, kRowsPerAppend), is_many ? keep_all : keep_one), "append");
      auto t3 = Clock::now();
      Table all = ds.Read().ValueOrDie();
      auto t4 = Clock::now();
      if (all.num_rows() != next + kRowsPerAppend) {
        std::fprintf(stderr, "read %lld rows, expected %lld\n",
                     static_cast<long long>(all.num_rows()),
                     static_cast<long long>(next + kRowsPerAppend));
        return 1;
      }
      (is_many ? open_many : open_one).push_back(Ms(t1, t2));
      (is_many ? append_many : append_one).push_back(Ms(t2, t3));
      (is_many ? read_many : read_one).push_back(Ms(t3, t4));
      if (is_many) {
        auto t5 = Clock::now();
        auto v = ds.Versions().ValueOrDie();
        list.push_back(Ms(t5, Clock::now()));
        n_versions = v.size();
      }
    }
    next += kRowsPerAppend;
  }
  auto line = [](const char* what, const std::vector<double>& many_v,
                 const std::vector<double>& one_v) {
    const double m = Median(many_v), o = Median(one_v);
    std::printf("%-22s %10.3f ms %10.3f ms %8.2fx\n", what, m, o, m / o);
  };
  std::printf("\n%-22s %13s %13s %9s\n", "median of rounds", "many versions", "1 version",
              "ratio");
  line("open", open_many, open_one);
  line("append (10 rows)", append_many, append_one);
  line("read latest (all)", read_many, read_one);
  std::printf("versions() of %zu versions: %.3f ms (median)\n", n_versions, Median(list));
  std::filesystem::remove_all(root);
  return 0;
}
