// Micro-benchmarks of the Parquet value and level encodings
// (src/parquet/encoding). Data comes from fixed seeds; bytes processed are the
// decoded (in-memory) bytes, so encode and decode figures compare directly.

#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "parquet/encoding/encoding.h"

namespace oups::parquet {
namespace {

constexpr int64_t kMin = 1 << 10;
constexpr int64_t kMax = 1 << 20;

void Check(const Status& st, benchmark::State& state) {
  if (!st.ok()) state.SkipWithError(st.ToString().c_str());
}

std::vector<int64_t> RandomInt64(int64_t n) {
  std::mt19937_64 rng(1);
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (auto& x : v) x = static_cast<int64_t>(rng());
  return v;
}

std::vector<double> RandomDouble(int64_t n) {
  std::mt19937_64 rng(2);
  std::normal_distribution<double> dist(100.0, 15.0);
  std::vector<double> v(static_cast<size_t>(n));
  for (auto& x : v) x = dist(rng);
  return v;
}

// Nanosecond timestamps, increasing by ~1ms with jitter.
std::vector<int64_t> Timestamps(int64_t n) {
  std::mt19937_64 rng(3);
  std::vector<int64_t> v(static_cast<size_t>(n));
  int64_t t = 1'700'000'000'000'000'000;
  for (auto& x : v) x = (t += 1'000'000 + static_cast<int64_t>(rng() % 1000));
  return v;
}

struct Strings {
  std::vector<int64_t> offsets{0};
  std::string data;
};

Strings RandomStrings(int64_t n, int max_len) {
  std::mt19937_64 rng(4);
  Strings s;
  for (int64_t i = 0; i < n; ++i) {
    const size_t len = rng() % static_cast<uint64_t>(max_len + 1);
    for (size_t k = 0; k < len; ++k) s.data.push_back(static_cast<char>('a' + rng() % 26));
    s.offsets.push_back(static_cast<int64_t>(s.data.size()));
  }
  return s;
}

// Definition levels of a mostly non-null column: long runs of 1 with short runs of 0.
std::vector<int16_t> Levels(int64_t n) {
  std::mt19937_64 rng(5);
  std::vector<int16_t> v;
  v.reserve(static_cast<size_t>(n));
  while (static_cast<int64_t>(v.size()) < n) {
    const int64_t ones = static_cast<int64_t>(rng() % 200);
    const int64_t zeros = 1 + static_cast<int64_t>(rng() % 3);
    for (int64_t i = 0; i < ones && static_cast<int64_t>(v.size()) < n; ++i) v.push_back(1);
    for (int64_t i = 0; i < zeros && static_cast<int64_t>(v.size()) < n; ++i) v.push_back(0);
  }
  return v;
}

// Levels with 50% nulls at random: all bit-packed.
std::vector<int16_t> RandomLevels(int64_t n) {
  std::mt19937_64 rng(6);
  std::vector<int16_t> v(static_cast<size_t>(n));
  for (auto& x : v) x = static_cast<int16_t>(rng() & 1);
  return v;
}

void EncodeLevels(const std::vector<int16_t>& levels, int width, MutableBuffer* out) {
  RleBitPackedEncoder enc(width);
  enc.PutBatch(levels.data(), static_cast<int64_t>(levels.size()));
  enc.Flush(out).IgnoreError();
}

// ------------------------------------------------------------------ PLAIN

template <typename T>
void EncodePlainFixedBench(benchmark::State& state, const std::vector<T>& v) {
  const int64_t n = static_cast<int64_t>(v.size());
  MutableBuffer out;
  for (auto _ : state) {
    out.Clear();
    Check(EncodePlainFixed(reinterpret_cast<const uint8_t*>(v.data()), n, sizeof(T), &out),
          state);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * n * static_cast<int64_t>(sizeof(T)));
}

template <typename T>
void DecodePlainFixedBench(benchmark::State& state, const std::vector<T>& v) {
  const int64_t n = static_cast<int64_t>(v.size());
  MutableBuffer enc;
  Check(EncodePlainFixed(reinterpret_cast<const uint8_t*>(v.data()), n, sizeof(T), &enc), state);
  std::vector<T> out(v.size());
  for (auto _ : state) {
    auto r = DecodePlainFixed(enc.data(), enc.size(), n, sizeof(T),
                              reinterpret_cast<uint8_t*>(out.data()));
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * n * static_cast<int64_t>(sizeof(T)));
}

void BM_EncodePlainInt64(benchmark::State& state) {
  EncodePlainFixedBench(state, RandomInt64(state.range(0)));
}
void BM_DecodePlainInt64(benchmark::State& state) {
  DecodePlainFixedBench(state, RandomInt64(state.range(0)));
}
void BM_EncodePlainDouble(benchmark::State& state) {
  EncodePlainFixedBench(state, RandomDouble(state.range(0)));
}
void BM_DecodePlainDouble(benchmark::State& state) {
  DecodePlainFixedBench(state, RandomDouble(state.range(0)));
}
BENCHMARK(BM_EncodePlainInt64)->Range(kMin, kMax);
BENCHMARK(BM_DecodePlainInt64)->Range(kMin, kMax);
BENCHMARK(BM_EncodePlainDouble)->Range(kMin, kMax);
BENCHMARK(BM_DecodePlainDouble)->Range(kMin, kMax);

// range(0): value count, range(1): maximum string length.
void BM_EncodePlainByteArray(benchmark::State& state) {
  const Strings s = RandomStrings(state.range(0), static_cast<int>(state.range(1)));
  const auto* data = reinterpret_cast<const uint8_t*>(s.data.data());
  MutableBuffer out;
  for (auto _ : state) {
    out.Clear();
    Check(EncodePlainByteArray(s.offsets.data(), data, state.range(0), &out), state);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.data.size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_DecodePlainByteArray(benchmark::State& state) {
  const int64_t n = state.range(0);
  const Strings s = RandomStrings(n, static_cast<int>(state.range(1)));
  MutableBuffer enc;
  Check(EncodePlainByteArray(s.offsets.data(), reinterpret_cast<const uint8_t*>(s.data.data()),
                             n, &enc),
        state);
  MutableBuffer data;
  std::vector<int64_t> ends(static_cast<size_t>(n));
  for (auto _ : state) {
    data.Clear();
    auto r = DecodePlainByteArray(enc.data(), enc.size(), n, &data, ends.data());
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(data.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.data.size()));
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_EncodePlainByteArray)->Ranges({{kMin, kMax}, {8, 64}});
BENCHMARK(BM_DecodePlainByteArray)->Ranges({{kMin, kMax}, {8, 64}});

// ------------------------------------------------------- RLE / bit-packed

void DecodeLevelsBench(benchmark::State& state, const std::vector<int16_t>& levels) {
  const int64_t n = static_cast<int64_t>(levels.size());
  MutableBuffer enc;
  EncodeLevels(levels, 1, &enc);
  std::vector<int16_t> out(levels.size());
  for (auto _ : state) {
    RleBitPackedDecoder dec(enc.data(), enc.size(), 1);
    auto r = dec.GetBatch(out.data(), n);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * n * static_cast<int64_t>(sizeof(int16_t)));
  state.SetItemsProcessed(state.iterations() * n);
}

void EncodeLevelsBench(benchmark::State& state, const std::vector<int16_t>& levels) {
  const int64_t n = static_cast<int64_t>(levels.size());
  MutableBuffer out;
  RleBitPackedEncoder enc(1);
  for (auto _ : state) {
    out.Clear();
    enc.PutBatch(levels.data(), n);
    Check(enc.Flush(&out), state);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * n * static_cast<int64_t>(sizeof(int16_t)));
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_DecodeRleLevelsInt16(benchmark::State& state) {
  DecodeLevelsBench(state, Levels(state.range(0)));
}
void BM_DecodeRleRandomLevelsInt16(benchmark::State& state) {
  DecodeLevelsBench(state, RandomLevels(state.range(0)));
}
void BM_EncodeRleLevelsInt16(benchmark::State& state) {
  EncodeLevelsBench(state, Levels(state.range(0)));
}
void BM_EncodeRleRandomLevelsInt16(benchmark::State& state) {
  EncodeLevelsBench(state, RandomLevels(state.range(0)));
}
BENCHMARK(BM_DecodeRleLevelsInt16)->Range(kMin, kMax);
BENCHMARK(BM_DecodeRleRandomLevelsInt16)->Range(kMin, kMax);
BENCHMARK(BM_EncodeRleLevelsInt16)->Range(kMin, kMax);
BENCHMARK(BM_EncodeRleRandomLevelsInt16)->Range(kMin, kMax);

// Dictionary indices of a 100-entry dictionary: bit width 7, random (bit-packed).
std::vector<uint32_t> DictIndices(int64_t n) {
  std::mt19937_64 rng(7);
  std::vector<uint32_t> v(static_cast<size_t>(n));
  for (auto& x : v) x = static_cast<uint32_t>(rng() % 100);
  return v;
}

void BM_DecodeDictIndicesInt32(benchmark::State& state) {
  const int64_t n = state.range(0);
  const auto idx = DictIndices(n);
  RleBitPackedEncoder enc(7);
  for (uint32_t i : idx) enc.Put(i);
  MutableBuffer page;
  const uint8_t width = 7;
  Check(page.Append(&width, 1), state);
  Check(enc.Flush(&page), state);
  std::vector<int32_t> out(static_cast<size_t>(n));
  for (auto _ : state) {
    Check(DecodeDictionaryIndices(page.data(), page.size(), n, 100, out.data()), state);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * n * static_cast<int64_t>(sizeof(int32_t)));
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_EncodeDictIndicesInt32(benchmark::State& state) {
  const int64_t n = state.range(0);
  const auto idx = DictIndices(n);
  RleBitPackedEncoder enc(7);
  MutableBuffer out;
  for (auto _ : state) {
    out.Clear();
    enc.PutBatch(idx.data(), n);
    Check(enc.Flush(&out), state);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * n * static_cast<int64_t>(sizeof(int32_t)));
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_DecodeDictIndicesInt32)->Range(kMin, kMax);
BENCHMARK(BM_EncodeDictIndicesInt32)->Range(kMin, kMax);

// ------------------------------------------------------------ DELTA family

void BM_DecodeDeltaBinaryPackedInt64(benchmark::State& state) {
  const int64_t n = state.range(0);
  const auto v = Timestamps(n);
  MutableBuffer enc;
  Check(EncodeDeltaBinaryPacked(reinterpret_cast<const uint8_t*>(v.data()), n, 8, &enc), state);
  std::vector<int64_t> out(v.size());
  for (auto _ : state) {
    auto r = DecodeDeltaBinaryPacked(enc.data(), enc.size(), n, 8,
                                     reinterpret_cast<uint8_t*>(out.data()));
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * n * 8);
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["compressed_bytes"] = static_cast<double>(enc.size());
}

void BM_EncodeDeltaBinaryPackedInt64(benchmark::State& state) {
  const int64_t n = state.range(0);
  const auto v = Timestamps(n);
  MutableBuffer out;
  for (auto _ : state) {
    out.Clear();
    Check(EncodeDeltaBinaryPacked(reinterpret_cast<const uint8_t*>(v.data()), n, 8, &out),
          state);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * n * 8);
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_DecodeDeltaBinaryPackedInt64)->Range(kMin, kMax);
BENCHMARK(BM_EncodeDeltaBinaryPackedInt64)->Range(kMin, kMax);

void BM_DecodeDeltaLengthByteArray(benchmark::State& state) {
  const int64_t n = state.range(0);
  const Strings s = RandomStrings(n, 16);
  MutableBuffer enc;
  Check(EncodeDeltaLengthByteArray(s.offsets.data(),
                                   reinterpret_cast<const uint8_t*>(s.data.data()), n, &enc),
        state);
  MutableBuffer data;
  std::vector<int64_t> ends(static_cast<size_t>(n));
  for (auto _ : state) {
    data.Clear();
    auto r = DecodeDeltaLengthByteArray(enc.data(), enc.size(), n, &data, ends.data());
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.data.size()));
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_DecodeDeltaLengthByteArray)->Range(kMin, kMax);

void BM_DecodeDeltaByteArray(benchmark::State& state) {
  const int64_t n = state.range(0);
  // Sorted keys sharing prefixes.
  Strings s;
  for (int64_t i = 0; i < n; ++i) {
    s.data += "customer/" + std::to_string(100000 + i / 7) + "/order/" + std::to_string(i % 7);
    s.offsets.push_back(static_cast<int64_t>(s.data.size()));
  }
  MutableBuffer enc;
  Check(EncodeDeltaByteArray(s.offsets.data(), reinterpret_cast<const uint8_t*>(s.data.data()),
                             n, &enc),
        state);
  MutableBuffer data;
  std::vector<int64_t> ends(static_cast<size_t>(n));
  for (auto _ : state) {
    data.Clear();
    auto r = DecodeDeltaByteArray(enc.data(), enc.size(), n, &data, ends.data());
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.data.size()));
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_DecodeDeltaByteArray)->Range(kMin, kMax);

// ------------------------------------------------------ BYTE_STREAM_SPLIT

void BM_DecodeByteStreamSplitDouble(benchmark::State& state) {
  const int64_t n = state.range(0);
  const auto v = RandomDouble(n);
  MutableBuffer enc;
  Check(EncodeByteStreamSplit(reinterpret_cast<const uint8_t*>(v.data()), n, 8, &enc), state);
  std::vector<double> out(v.size());
  for (auto _ : state) {
    auto r = DecodeByteStreamSplit(enc.data(), enc.size(), n, 8,
                                   reinterpret_cast<uint8_t*>(out.data()));
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * n * 8);
}

void BM_EncodeByteStreamSplitDouble(benchmark::State& state) {
  const int64_t n = state.range(0);
  const auto v = RandomDouble(n);
  MutableBuffer out;
  for (auto _ : state) {
    out.Clear();
    Check(EncodeByteStreamSplit(reinterpret_cast<const uint8_t*>(v.data()), n, 8, &out), state);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * n * 8);
}

void BM_DecodeByteStreamSplitFloat(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<float> v(static_cast<size_t>(n));
  const auto d = RandomDouble(n);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(d[i]);
  MutableBuffer enc;
  Check(EncodeByteStreamSplit(reinterpret_cast<const uint8_t*>(v.data()), n, 4, &enc), state);
  std::vector<float> out(v.size());
  for (auto _ : state) {
    auto r = DecodeByteStreamSplit(enc.data(), enc.size(), n, 4,
                                   reinterpret_cast<uint8_t*>(out.data()));
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * n * 4);
}
BENCHMARK(BM_DecodeByteStreamSplitDouble)->Range(kMin, kMax);
BENCHMARK(BM_EncodeByteStreamSplitDouble)->Range(kMin, kMax);
BENCHMARK(BM_DecodeByteStreamSplitFloat)->Range(kMin, kMax);

}  // namespace
}  // namespace oups::parquet

BENCHMARK_MAIN();
