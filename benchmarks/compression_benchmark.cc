// Micro-benchmarks of the compression codecs (src/parquet/compression) on 1 MiB
// of PLAIN-encoded tick data: nanosecond timestamps (data=0) and prices
// (data=1), generated with the tick-table formulae of ticks.h. Bytes processed
// are the uncompressed bytes for both directions; the `ratio` counter is
// compressed / uncompressed size.
//
// The brotli default quality (2, brotli.cc) was chosen from BM_CompressLevel:
// on this data it matches the ratio of qualities 5-9 at roughly ten times their
// speed (the library default, 11, is slower still).

#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "parquet/compression/codec.h"

namespace oups::parquet {
namespace {

constexpr int64_t kBytes = 1 << 20;
constexpr int64_t kValues = kBytes / 8;

std::vector<uint8_t> TickData(int64_t which) {
  std::vector<uint8_t> bytes(static_cast<size_t>(kBytes));
  for (int64_t i = 0; i < kValues; ++i) {
    if (which == 0) {
      const int64_t t = 1704067200000000000LL + i * 100000 + (i * 7919) % 50000;
      std::memcpy(bytes.data() + i * 8, &t, 8);
    } else {
      const double p = 100.0 + static_cast<double>((i * 7919) % 10007) / 100.0;
      std::memcpy(bytes.data() + i * 8, &p, 8);
    }
  }
  return bytes;
}

const char* DataName(int64_t which) { return which == 0 ? "timestamps" : "prices"; }

std::unique_ptr<Codec> MakeOrSkip(Compression c, std::optional<int> level, benchmark::State& state) {
  auto r = MakeCodec(c, level);
  if (!r.ok()) {
    state.SkipWithError(r.status().ToString().c_str());
    return nullptr;
  }
  return std::move(r).ValueOrDie();
}

void RunCompress(benchmark::State& state, Compression c, std::optional<int> level) {
  const std::vector<uint8_t> in = TickData(state.range(0));
  auto codec = MakeOrSkip(c, level, state);
  if (!codec) return;
  std::vector<uint8_t> out(static_cast<size_t>(codec->MaxCompressedLen(kBytes)));
  int64_t packed = 0;
  for (auto _ : state) {
    auto n = codec->Compress(in.data(), kBytes, out.data(), static_cast<int64_t>(out.size()));
    if (!n.ok()) {
      state.SkipWithError(n.status().ToString().c_str());
      return;
    }
    packed = *n;
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * kBytes);
  state.counters["ratio"] = static_cast<double>(packed) / static_cast<double>(kBytes);
  state.SetLabel(DataName(state.range(0)));
}

void RunDecompress(benchmark::State& state, Compression c, std::optional<int> level) {
  const std::vector<uint8_t> in = TickData(state.range(0));
  auto codec = MakeOrSkip(c, level, state);
  if (!codec) return;
  std::vector<uint8_t> packed(static_cast<size_t>(codec->MaxCompressedLen(kBytes)));
  auto n = codec->Compress(in.data(), kBytes, packed.data(),
                           static_cast<int64_t>(packed.size()));
  if (!n.ok()) {
    state.SkipWithError(n.status().ToString().c_str());
    return;
  }
  packed.resize(static_cast<size_t>(*n));
  std::vector<uint8_t> out(static_cast<size_t>(kBytes));
  for (auto _ : state) {
    Status st = codec->Decompress(packed.data(), *n, out.data(), kBytes);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * kBytes);
  state.counters["ratio"] = static_cast<double>(*n) / static_cast<double>(kBytes);
  state.SetLabel(DataName(state.range(0)));
}

// Default level of each codec.
template <Compression C>
void BM_Compress(benchmark::State& state) {
  RunCompress(state, C, std::nullopt);
}
template <Compression C>
void BM_Decompress(benchmark::State& state) {
  RunDecompress(state, C, std::nullopt);
}
// Explicit level: range(1).
template <Compression C>
void BM_CompressLevel(benchmark::State& state) {
  RunCompress(state, C, static_cast<int>(state.range(1)));
}

#define OUPS_CODEC_BENCH(C)                                                          \
  BENCHMARK_TEMPLATE(BM_Compress, C)->ArgName("data")->Arg(0)->Arg(1);            \
  BENCHMARK_TEMPLATE(BM_Decompress, C)->ArgName("data")->Arg(0)->Arg(1)

OUPS_CODEC_BENCH(Compression::kUncompressed);
OUPS_CODEC_BENCH(Compression::kSnappy);
OUPS_CODEC_BENCH(Compression::kLz4Raw);
OUPS_CODEC_BENCH(Compression::kZstd);
OUPS_CODEC_BENCH(Compression::kGzip);
OUPS_CODEC_BENCH(Compression::kBrotli);

BENCHMARK_TEMPLATE(BM_CompressLevel, Compression::kZstd)
    ->ArgNames({"data", "level"})
    ->ArgsProduct({{0, 1}, {-5, 1, 3, 9}});
BENCHMARK_TEMPLATE(BM_CompressLevel, Compression::kGzip)
    ->ArgNames({"data", "level"})
    ->ArgsProduct({{0, 1}, {1, 6}});
BENCHMARK_TEMPLATE(BM_CompressLevel, Compression::kBrotli)
    ->ArgNames({"data", "level"})
    ->ArgsProduct({{0, 1}, {1, 2, 4, 6}});

}  // namespace
}  // namespace oups::parquet

BENCHMARK_MAIN();
