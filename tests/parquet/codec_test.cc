// Tests of the compression codecs (src/parquet/compression/): round trips for
// every codec, levels, and hostile input (garbage, truncation, wrong sizes).
#include <lz4.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parquet/compression/codec.h"

namespace oups::parquet {
namespace {

using Bytes = std::vector<uint8_t>;

const Compression kWritable[] = {Compression::kUncompressed, Compression::kSnappy,
                                 Compression::kGzip,         Compression::kBrotli,
                                 Compression::kZstd,         Compression::kLz4Raw};
const Compression kCompressing[] = {Compression::kSnappy, Compression::kGzip,
                                    Compression::kBrotli, Compression::kZstd,
                                    Compression::kLz4Raw};

Bytes RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

// Increasing int64 timestamps, PLAIN-encoded: compresses well.
Bytes CompressibleBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  int64_t t = 1'700'000'000'000'000'000;
  for (size_t i = 0; i < n; i += 8) {
    t += 1000 + rng() % 50;
    std::memcpy(b.data() + i, &t, std::min<size_t>(8, n - i));
  }
  return b;
}

std::unique_ptr<Codec> Make(Compression c, std::optional<int> level = std::nullopt) {
  auto r = MakeCodec(c, level);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).ValueOrDie();
}

Bytes CompressOrDie(Codec* codec, const Bytes& in) {
  Bytes out(static_cast<size_t>(codec->MaxCompressedLen(static_cast<int64_t>(in.size()))));
  auto n = codec->Compress(in.data(), static_cast<int64_t>(in.size()), out.data(),
                           static_cast<int64_t>(out.size()));
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  out.resize(static_cast<size_t>(n.ok() ? *n : 0));
  return out;
}

// Decompresses into an exactly sized heap buffer (ASan catches overruns) and
// also into a buffer with guard bytes that must stay untouched.
Status Decompress(Codec* codec, const uint8_t* in, size_t in_size, Bytes* out,
                  size_t out_size) {
  out->assign(out_size, 0);
  // Copy the input to its own allocation so over-reads are caught too.
  Bytes input(in, in + in_size);
  Status st = codec->Decompress(input.data(), static_cast<int64_t>(in_size), out->data(),
                                static_cast<int64_t>(out_size));
  Bytes guarded(out_size + 64, 0xAB);
  Status st2 = codec->Decompress(input.data(), static_cast<int64_t>(in_size),
                                 guarded.data(), static_cast<int64_t>(out_size));
  EXPECT_EQ(st.code(), st2.code());
  for (size_t i = out_size; i < guarded.size(); ++i) {
    EXPECT_EQ(guarded[i], 0xAB) << "wrote past out_size at " << i;
    if (guarded[i] != 0xAB) break;
  }
  return st;
}

std::string Name(Compression c) { return std::string(CompressionName(c)); }

// --------------------------------------------------------------- names

TEST(CompressionName, AllCodecs) {
  EXPECT_EQ(CompressionName(Compression::kUncompressed), "UNCOMPRESSED");
  EXPECT_EQ(CompressionName(Compression::kSnappy), "SNAPPY");
  EXPECT_EQ(CompressionName(Compression::kGzip), "GZIP");
  EXPECT_EQ(CompressionName(Compression::kLzo), "LZO");
  EXPECT_EQ(CompressionName(Compression::kBrotli), "BROTLI");
  EXPECT_EQ(CompressionName(Compression::kLz4Legacy), "LZ4");
  EXPECT_EQ(CompressionName(Compression::kZstd), "ZSTD");
  EXPECT_EQ(CompressionName(Compression::kLz4Raw), "LZ4_RAW");
}

TEST(ParseCompression, KnownNames) {
  EXPECT_EQ(*ParseCompression("snappy"), Compression::kSnappy);
  EXPECT_EQ(*ParseCompression("ZSTD"), Compression::kZstd);
  EXPECT_EQ(*ParseCompression("gzip"), Compression::kGzip);
  EXPECT_EQ(*ParseCompression("lz4_raw"), Compression::kLz4Raw);
  EXPECT_EQ(*ParseCompression("lz4"), Compression::kLz4Raw);
  EXPECT_EQ(*ParseCompression("Brotli"), Compression::kBrotli);
  EXPECT_EQ(*ParseCompression("uncompressed"), Compression::kUncompressed);
  EXPECT_EQ(*ParseCompression("none"), Compression::kUncompressed);
}

TEST(ParseCompression, UnknownNames) {
  EXPECT_TRUE(ParseCompression("lzo").status().IsNotSupported());
  EXPECT_TRUE(ParseCompression("zip").status().IsInvalidArgument());
  EXPECT_TRUE(ParseCompression("").status().IsInvalidArgument());
}

// ------------------------------------------------------------- factory

TEST(MakeCodec, KindsAndUnsupported) {
  for (Compression c : kWritable) EXPECT_EQ(Make(c)->kind(), c);
  EXPECT_EQ(Make(Compression::kLz4Legacy)->kind(), Compression::kLz4Legacy);
  EXPECT_TRUE(MakeCodec(Compression::kLzo).status().IsNotSupported());
  EXPECT_TRUE(MakeCodec(static_cast<Compression>(42)).status().IsNotSupported());
}

TEST(MakeCodec, Levels) {
  EXPECT_TRUE(MakeCodec(Compression::kZstd, 1).ok());
  EXPECT_TRUE(MakeCodec(Compression::kZstd, -5).ok());
  EXPECT_TRUE(MakeCodec(Compression::kZstd, 22).ok());
  EXPECT_TRUE(MakeCodec(Compression::kZstd, 23).status().IsInvalidArgument());
  EXPECT_TRUE(MakeCodec(Compression::kGzip, 0).ok());
  EXPECT_TRUE(MakeCodec(Compression::kGzip, 9).ok());
  EXPECT_TRUE(MakeCodec(Compression::kGzip, 10).status().IsInvalidArgument());
  EXPECT_TRUE(MakeCodec(Compression::kGzip, -2).status().IsInvalidArgument());
  EXPECT_TRUE(MakeCodec(Compression::kBrotli, 0).ok());
  EXPECT_TRUE(MakeCodec(Compression::kBrotli, 11).ok());
  EXPECT_TRUE(MakeCodec(Compression::kBrotli, 12).status().IsInvalidArgument());
  // Codecs without levels ignore the argument.
  EXPECT_TRUE(MakeCodec(Compression::kSnappy, 5).ok());
  EXPECT_TRUE(MakeCodec(Compression::kLz4Raw, 5).ok());
}

// ---------------------------------------------------------- round trips

class CodecRoundTrip : public ::testing::TestWithParam<Compression> {};

TEST_P(CodecRoundTrip, Sizes) {
  auto codec = Make(GetParam());
  for (size_t n : {size_t{0}, size_t{1}, size_t{100}, size_t{1} << 20}) {
    for (bool compressible : {false, true}) {
      SCOPED_TRACE(Name(GetParam()) + " n=" + std::to_string(n) +
                   (compressible ? " compressible" : " random"));
      const Bytes in = compressible ? CompressibleBytes(n, 7) : RandomBytes(n, 7);
      const Bytes packed = CompressOrDie(codec.get(), in);
      EXPECT_LE(packed.size(), static_cast<size_t>(codec->MaxCompressedLen(
                                   static_cast<int64_t>(n))));
      if (compressible && n == (size_t{1} << 20) &&
          GetParam() != Compression::kUncompressed) {
        EXPECT_LT(packed.size(), n * 3 / 4);
      }
      Bytes out;
      ASSERT_TRUE(Decompress(codec.get(), packed.data(), packed.size(), &out, n).ok());
      EXPECT_TRUE(out == in);
    }
  }
}

TEST_P(CodecRoundTrip, ReusedCodecAfterErrors) {
  // Contexts held by the codec must survive failed calls.
  auto codec = Make(GetParam());
  const Bytes in = CompressibleBytes(10000, 3);
  const Bytes packed = CompressOrDie(codec.get(), in);
  for (int round = 0; round < 3; ++round) {
    Bytes out;
    EXPECT_FALSE(Decompress(codec.get(), packed.data(), packed.size() / 2, &out,
                            in.size())
                     .ok());
    ASSERT_TRUE(Decompress(codec.get(), packed.data(), packed.size(), &out, in.size()).ok());
    EXPECT_TRUE(out == in);
    EXPECT_TRUE(CompressOrDie(codec.get(), in) == packed);
  }
}

TEST_P(CodecRoundTrip, CompressCapacityTooSmall) {
  auto codec = Make(GetParam());
  const Bytes in = RandomBytes(1000, 1);
  Bytes out(10);
  auto r = codec->Compress(in.data(), 1000, out.data(), 10);
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  EXPECT_TRUE(codec->Compress(in.data(), -1, out.data(), 10).status().IsInvalidArgument());
}

TEST_P(CodecRoundTrip, WrongOutSize) {
  auto codec = Make(GetParam());
  const Bytes in = CompressibleBytes(5000, 5);
  const Bytes packed = CompressOrDie(codec.get(), in);
  for (size_t out_size : {size_t{0}, size_t{1}, in.size() - 1, in.size() + 1,
                          in.size() * 2}) {
    SCOPED_TRACE(Name(GetParam()) + " out_size=" + std::to_string(out_size));
    Bytes out;
    Status st = Decompress(codec.get(), packed.data(), packed.size(), &out, out_size);
    EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  }
  Bytes out(10);
  EXPECT_TRUE(codec->Decompress(packed.data(), -1, out.data(), 10).IsCorruption());
  EXPECT_TRUE(codec->Decompress(packed.data(), 10, out.data(), -1).IsCorruption());
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, CodecRoundTrip, ::testing::ValuesIn(kWritable),
                         [](const auto& info) { return Name(info.param); });

// --------------------------------------------------------- hostile input

class CodecHostile : public ::testing::TestWithParam<Compression> {};

TEST_P(CodecHostile, TruncatedAtEveryLength) {
  auto codec = Make(GetParam());
  const Bytes in = CompressibleBytes(3000, 11);
  const Bytes packed = CompressOrDie(codec.get(), in);
  for (size_t cut = 0; cut < packed.size(); ++cut) {
    Bytes out;
    Status st = Decompress(codec.get(), packed.data(), cut, &out, in.size());
    ASSERT_TRUE(st.IsCorruption()) << Name(GetParam()) << " cut=" << cut << " "
                                   << st.ToString();
  }
}

TEST_P(CodecHostile, GarbageIsCorruptionWithCodecName) {
  auto codec = Make(GetParam());
  std::string prefix = Name(GetParam());
  for (auto& ch : prefix) ch = static_cast<char>(std::tolower(ch));
  if (prefix == "lz4_raw") prefix = "lz4";
  const Bytes patterns[] = {Bytes(64, 0xFF), Bytes(64, 0x00), Bytes{0x01},
                            RandomBytes(64, 1), RandomBytes(4096, 2)};
  for (const Bytes& garbage : patterns) {
    Bytes out;
    Status st = Decompress(codec.get(), garbage.data(), garbage.size(), &out, 1000);
    ASSERT_TRUE(st.IsCorruption()) << st.ToString();
    EXPECT_EQ(st.message().rfind(prefix + ": ", 0), 0u) << st.message();
  }
}

TEST_P(CodecHostile, RandomInputNeverCrashes) {
  // Flip bytes of a valid stream and feed random buffers: any outcome but a
  // crash, an overrun (ASan) or an exception is acceptable.
  auto codec = Make(GetParam());
  const Bytes in = CompressibleBytes(2000, 13);
  const Bytes packed = CompressOrDie(codec.get(), in);
  std::mt19937 rng(99);
  for (int i = 0; i < 300; ++i) {
    Bytes mutated = packed;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      mutated[rng() % mutated.size()] = static_cast<uint8_t>(rng());
    }
    Bytes out;
    Status st = Decompress(codec.get(), mutated.data(), mutated.size(), &out, in.size());
    if (!st.ok()) {
      EXPECT_TRUE(st.IsCorruption()) << st.ToString();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Compressing, CodecHostile, ::testing::ValuesIn(kCompressing),
                         [](const auto& info) { return Name(info.param); });

TEST(UncompressedCodec, SizeMismatchIsCorruption) {
  auto codec = Make(Compression::kUncompressed);
  Bytes in(10, 1), out;
  EXPECT_TRUE(Decompress(codec.get(), in.data(), 10, &out, 9).IsCorruption());
  EXPECT_TRUE(Decompress(codec.get(), in.data(), 9, &out, 10).IsCorruption());
}

// ------------------------------------------------------------------ levels

TEST(CodecLevels, RoundTripAtSeveralLevels) {
  const Bytes in = CompressibleBytes(200000, 17);
  struct Case {
    Compression c;
    int level;
  };
  const Case cases[] = {{Compression::kZstd, -5}, {Compression::kZstd, 1},
                        {Compression::kZstd, 9},  {Compression::kGzip, 0},
                        {Compression::kGzip, 1},  {Compression::kGzip, 9},
                        {Compression::kBrotli, 0}, {Compression::kBrotli, 4},
                        {Compression::kBrotli, 9}};
  for (const Case& k : cases) {
    SCOPED_TRACE(Name(k.c) + " level " + std::to_string(k.level));
    auto codec = Make(k.c, k.level);
    const Bytes packed = CompressOrDie(codec.get(), in);
    Bytes out;
    ASSERT_TRUE(Decompress(codec.get(), packed.data(), packed.size(), &out, in.size()).ok());
    EXPECT_TRUE(out == in);
  }
  // Higher levels compress at least as well on this data.
  auto fast = Make(Compression::kZstd, -5), strong = Make(Compression::kZstd, 19);
  EXPECT_LE(CompressOrDie(strong.get(), in).size(), CompressOrDie(fast.get(), in).size());
  auto g1 = Make(Compression::kGzip, 1), g0 = Make(Compression::kGzip, 0);
  EXPECT_LT(CompressOrDie(g1.get(), in).size(), CompressOrDie(g0.get(), in).size());
}

// -------------------------------------------------------------------- gzip

TEST(GzipCodec, ReadsZlibFramingAndConcatenatedMembers) {
  auto codec = Make(Compression::kGzip);
  const Bytes a = CompressibleBytes(1000, 1), b = RandomBytes(500, 2);
  Bytes pa = CompressOrDie(codec.get(), a);
  const Bytes pb = CompressOrDie(codec.get(), b);
  Bytes both = pa;
  both.insert(both.end(), pb.begin(), pb.end());
  Bytes expected = a;
  expected.insert(expected.end(), b.begin(), b.end());
  Bytes out;
  ASSERT_TRUE(Decompress(codec.get(), both.data(), both.size(), &out, expected.size()).ok());
  EXPECT_TRUE(out == expected);
  // Trailing garbage after the last member is rejected.
  pa.push_back(0x42);
  EXPECT_TRUE(Decompress(codec.get(), pa.data(), pa.size(), &out, a.size()).IsCorruption());
}

// --------------------------------------------------------------- LZ4 legacy

void AppendBigEndian32(Bytes* b, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b->push_back(static_cast<uint8_t>(v >> shift));
}

// One Hadoop frame: [u32 BE raw length][u32 BE block length][raw LZ4 block].
void AppendHadoopFrame(Bytes* framed, const Bytes& raw) {
  Bytes block(static_cast<size_t>(LZ4_compressBound(static_cast<int>(raw.size()))));
  const int n = LZ4_compress_default(reinterpret_cast<const char*>(raw.data()),
                                     reinterpret_cast<char*>(block.data()),
                                     static_cast<int>(raw.size()),
                                     static_cast<int>(block.size()));
  ASSERT_GT(n, 0);
  AppendBigEndian32(framed, static_cast<uint32_t>(raw.size()));
  AppendBigEndian32(framed, static_cast<uint32_t>(n));
  framed->insert(framed->end(), block.begin(), block.begin() + n);
}

TEST(Lz4LegacyCodec, HadoopFramingSeveralFrames) {
  auto codec = Make(Compression::kLz4Legacy);
  const Bytes a = CompressibleBytes(70000, 1), b = RandomBytes(3000, 2);
  Bytes framed;
  AppendHadoopFrame(&framed, a);
  AppendHadoopFrame(&framed, b);
  Bytes expected = a;
  expected.insert(expected.end(), b.begin(), b.end());
  Bytes out;
  ASSERT_TRUE(
      Decompress(codec.get(), framed.data(), framed.size(), &out, expected.size()).ok());
  EXPECT_TRUE(out == expected);

  // Sizes that disagree with the page header fail.
  EXPECT_TRUE(Decompress(codec.get(), framed.data(), framed.size(), &out,
                         expected.size() - 1)
                  .IsCorruption());
  EXPECT_TRUE(Decompress(codec.get(), framed.data(), framed.size(), &out,
                         expected.size() + 1)
                  .IsCorruption());
  // Truncated at every length: never OK (neither framing nor raw block fits).
  for (size_t cut = 0; cut < framed.size(); cut += 7) {
    ASSERT_TRUE(Decompress(codec.get(), framed.data(), cut, &out, expected.size())
                    .IsCorruption())
        << cut;
  }
}

TEST(Lz4LegacyCodec, FrameHeaderLyingAboutLengths) {
  auto codec = Make(Compression::kLz4Legacy);
  const Bytes raw = CompressibleBytes(1000, 4);
  Bytes framed;
  AppendHadoopFrame(&framed, raw);
  Bytes out;
  Bytes bad = framed;
  bad[4] = 0x7F;  // block length ~2 GiB: beyond the input
  EXPECT_TRUE(Decompress(codec.get(), bad.data(), bad.size(), &out, raw.size()).IsCorruption());
  bad = framed;
  bad[0] = 0xFF;  // raw length ~4 GiB: beyond out_size
  EXPECT_TRUE(Decompress(codec.get(), bad.data(), bad.size(), &out, raw.size()).IsCorruption());
}

TEST(Lz4LegacyCodec, FallsBackToRawBlock) {
  auto legacy = Make(Compression::kLz4Legacy);
  auto raw_codec = Make(Compression::kLz4Raw);
  for (size_t n : {size_t{1}, size_t{100}, size_t{100000}}) {
    const Bytes in = CompressibleBytes(n, 9);
    const Bytes packed = CompressOrDie(raw_codec.get(), in);
    Bytes out;
    ASSERT_TRUE(Decompress(legacy.get(), packed.data(), packed.size(), &out, n).ok()) << n;
    EXPECT_TRUE(out == in);
  }
}

TEST(Lz4LegacyCodec, CompressIsNotSupported) {
  auto codec = Make(Compression::kLz4Legacy);
  Bytes in(10, 1), out(static_cast<size_t>(codec->MaxCompressedLen(10)));
  auto r = codec->Compress(in.data(), 10, out.data(), static_cast<int64_t>(out.size()));
  EXPECT_TRUE(r.status().IsNotSupported()) << r.status().ToString();
}

}  // namespace
}  // namespace oups::parquet
