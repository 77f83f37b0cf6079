// The standard tick table of the benchmarks (benchmarks/README.md), generated
// bit for bit as benchmarks/duckdb_ticks.py generates it in DuckDB, and the
// clocks the tick benchmarks time it with.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

#include "oups/table/column.h"

namespace oups::bench {

// Wall-clock seconds (steady clock, arbitrary origin).
inline double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
// CPU seconds of the process (all threads).
inline double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

inline Table MakeTicks(int64_t n) {
  auto ts = MutableBuffer::Make(n * 8).ValueOrDie();
  auto price = MutableBuffer::Make(n * 8).ValueOrDie();
  auto qty = MutableBuffer::Make(n * 8).ValueOrDie();
  auto offsets = MutableBuffer::Make((n + 1) * 8).ValueOrDie();
  auto chars = MutableBuffer::Make(n * 5).ValueOrDie();
  int64_t* t = ts->mutable_data_as<int64_t>();
  double* p = price->mutable_data_as<double>();
  int64_t* q = qty->mutable_data_as<int64_t>();
  int64_t* o = offsets->mutable_data_as<int64_t>();
  char* c = reinterpret_cast<char*>(chars->mutable_data());
  o[0] = 0;
  for (int64_t i = 0; i < n; ++i) {
    t[i] = 1704067200000000000LL + i * 100000 + (i * 7919) % 50000;
    const int64_t sym = ((i * 2654435761LL) % 4294967296LL) % 100;
    c[i * 5 + 0] = 'S';
    c[i * 5 + 1] = 'Y';
    c[i * 5 + 2] = 'M';
    c[i * 5 + 3] = static_cast<char>('0' + sym / 10);
    c[i * 5 + 4] = static_cast<char>('0' + sym % 10);
    o[i + 1] = (i + 1) * 5;
    p[i] = 100.0 + static_cast<double>((i * 7919) % 10007) / 100.0;
    q[i] = 1 + (i * 104729) % 1000;
  }
  Schema schema({Field{"ts", DataType::Timestamp(TimeUnit::kNano), true},
                 Field{"symbol", DataType::String(), true},
                 Field{"price", DataType::Float64(), true},
                 Field{"qty", DataType::Int64(), true}});
  std::vector<Column> cols{Column(DataType::Timestamp(TimeUnit::kNano), n, nullptr, ts),
                           Column(DataType::String(), n, nullptr, chars, offsets),
                           Column(DataType::Float64(), n, nullptr, price),
                           Column(DataType::Int64(), n, nullptr, qty)};
  return Table::Make(std::move(schema), std::move(cols)).ValueOrDie();
}

}  // namespace oups::bench
