// Store macro benchmark (issue 4): iter_intersections over 10 datasets x 1 M
// rows against reading the same datasets whole, rows/s and peak memory.
//
//   store_bench create DIR [ROWS]   writes 10 datasets of ROWS ticks (ts shifted per city)
//   store_bench whole DIR           reads each dataset whole, one after the other
//   store_bench iterate DIR         iter_intersections over the 10 datasets, all columns
//
// Each mode prints one JSON object with rows, seconds, rows/s and the process's
// peak resident memory (ru_maxrss) — run the read modes in separate processes
// (benchmarks/store_bench.sh does) so that each peak is its own.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "oups/dataset/ordered_dataset.h"
#include "oups/io/file_system.h"
#include "oups/store/store.h"
#include "ticks.h"

using namespace oups;

namespace {
double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
long PeakRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}
[[noreturn]] void Die(const Status& st) {
  std::fprintf(stderr, "store_bench: %s\n", st.ToString().c_str());
  std::exit(1);
}
constexpr int kDatasets = 10;

IndexerSchema CitySchema() {
  auto s = IndexerSchema::Make("City", {FieldSpec::String("city")});
  if (!s.ok()) Die(s.status());
  return *s;
}
IndexKey Key(const IndexerSchema& schema, int i) {
  auto k = schema.MakeKey({{std::string("city") + char('a' + i)}});
  if (!k.ok()) Die(k.status());
  return *k;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: store_bench create|whole|iterate DIR [ROWS]\n");
    return 2;
  }
  const std::string mode = argv[1], dir = argv[2];
  const int64_t rows = argc > 3 ? std::atoll(argv[3]) : 1'000'000;
  auto fs = LocalFileSystem();
  const IndexerSchema schema = CitySchema();
  auto store = Store::Open(fs, dir, schema);
  if (!store.ok()) Die(store.status());
  std::vector<IndexKey> keys;
  for (int i = 0; i < kDatasets; ++i) keys.push_back(Key(schema, i));
  const double t0 = Now();
  int64_t total = 0;
  if (mode == "create") {
    Table ticks = bench::MakeTicks(rows);
    for (int i = 0; i < kDatasets; ++i) {
      // Shift each city's timestamps by i * 37 us so that the datasets interleave.
      auto shifted = MutableBuffer::Make(rows * 8).ValueOrDie();
      const int64_t* src = ticks.column(0).data<int64_t>();
      for (int64_t r = 0; r < rows; ++r) shifted->mutable_data_as<int64_t>()[r] = src[r] + i * 37'000;
      std::vector<Column> cols = ticks.columns();
      cols[0] = Column(ticks.column(0).type(), rows, nullptr, shifted);
      Table t = Table::Make(ticks.schema(), cols).ValueOrDie();
      auto ds = store->Get(keys[size_t(i)]);
      if (!ds.ok()) Die(ds.status());
      if (Status st = ds->Write(t, {.ordered_on = "ts", .row_group_target_size = int64_t{100'000}});
          !st.ok()) {
        Die(st);
      }
      total += rows;
    }
  } else if (mode == "whole") {
    for (const IndexKey& k : keys) {
      auto ds = store->Get(k);
      if (!ds.ok()) Die(ds.status());
      auto t = ds->Read();
      if (!t.ok()) Die(t.status());
      total += t->num_rows();
    }
  } else if (mode == "iterate") {
    for (Result<IntersectionChunk> chunk : store->IterIntersections(keys, {})) {
      if (!chunk.ok()) Die(chunk.status());
      for (const auto& [key, table] : *chunk) total += table.num_rows();
    }
  } else {
    std::fprintf(stderr, "store_bench: unknown mode '%s'\n", mode.c_str());
    return 2;
  }
  const double s = Now() - t0;
  std::printf("{\"mode\":\"%s\",\"datasets\":%d,\"rows\":%lld,\"seconds\":%.4f,\"rows_per_s\":%.0f,"
              "\"peak_rss_mib\":%.1f}\n",
              mode.c_str(), kDatasets, (long long)total, s, s > 0 ? double(total) / s : 0.0,
              double(PeakRssKiB()) / 1024.0);
  return 0;
}
