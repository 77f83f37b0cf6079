// RLE / bit-packed hybrid: spec examples, round trips for every bit width,
// batch boundaries, encoder size bounds, dictionary indices, corrupt input.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "parquet/encoding/encoding.h"

namespace oups::parquet {
namespace {

const std::vector<int64_t> kSizes = {0, 1, 7, 8, 9, 127, 128, 129, 1000, 100000};

std::vector<uint8_t> Bytes(const MutableBuffer& b) {
  return std::vector<uint8_t>(b.data(), b.data() + b.size());
}

std::vector<uint8_t> Encode(int width, const std::vector<uint32_t>& values) {
  RleBitPackedEncoder enc(width);
  for (uint32_t v : values) enc.Put(v);
  MutableBuffer out;
  EXPECT_TRUE(enc.Flush(&out).ok());
  EXPECT_LE(out.size(), RleBitPackedEncoder::MaxEncodedSize(width, values.size()));
  return Bytes(out);
}

template <typename T>
std::vector<T> DecodeAll(const std::vector<uint8_t>& bytes, int width, int64_t n,
                         int64_t batch) {
  RleBitPackedDecoder dec(bytes.data(), static_cast<int64_t>(bytes.size()), width);
  std::vector<T> out(static_cast<size_t>(n));
  int64_t done = 0;
  while (done < n) {
    auto r = dec.GetBatch(out.data() + done, std::min(batch, n - done));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || *r == 0) break;
    done += *r;
  }
  EXPECT_EQ(done, n);
  return out;
}

// Mixed data: random values, runs of random length, occasional long runs.
std::vector<uint32_t> MixedValues(int width, int64_t n, std::mt19937_64* rng) {
  const uint64_t mask = width == 0 ? 0 : (width == 32 ? 0xFFFFFFFFu : (1u << width) - 1);
  std::vector<uint32_t> v;
  v.reserve(static_cast<size_t>(n));
  while (static_cast<int64_t>(v.size()) < n) {
    const uint32_t x = static_cast<uint32_t>((*rng)() & mask);
    const int kind = static_cast<int>((*rng)() % 4);
    int64_t len = kind == 0 ? 1 : kind == 1 ? static_cast<int64_t>((*rng)() % 20)
                              : kind == 2 ? static_cast<int64_t>((*rng)() % 300) : 1;
    len = std::min<int64_t>(len, n - static_cast<int64_t>(v.size()));
    for (int64_t i = 0; i < len; ++i) v.push_back(x);
  }
  return v;
}

TEST(RleBitPacked, SpecBitPackedExample) {
  // Encodings.md: values 0..7 with bit width 3 pack as 10001000 11000110 11111010.
  const std::vector<uint8_t> bytes = {0x03, 0x88, 0xC6, 0xFA};
  auto out = DecodeAll<int32_t>(bytes, 3, 8, 8);
  EXPECT_EQ(out, (std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(Encode(3, {0, 1, 2, 3, 4, 5, 6, 7}), bytes);
}

TEST(RleBitPacked, KnownRleRun) {
  // 100 ones, width 1: header varint(100 << 1) = C8 01, value byte 01.
  std::vector<uint32_t> ones(100, 1);
  EXPECT_EQ(Encode(1, ones), (std::vector<uint8_t>{0xC8, 0x01, 0x01}));
  // Width 9 stores the run value on two bytes: 10 x 300.
  std::vector<uint32_t> v(10, 300);
  const std::vector<uint8_t> bytes = {0x14, 0x2C, 0x01};
  EXPECT_EQ(Encode(9, v), bytes);
  auto out = DecodeAll<int32_t>(bytes, 9, 10, 3);
  EXPECT_EQ(out, std::vector<int32_t>(10, 300));
}

TEST(RleBitPacked, RoundTripAllWidthsAndSizes) {
  std::mt19937_64 rng(11);
  for (int width = 0; width <= 32; ++width) {
    for (int64_t n : kSizes) {
      SCOPED_TRACE("width " + std::to_string(width) + " n " + std::to_string(n));
      auto values = MixedValues(width, n, &rng);
      auto bytes = Encode(width, values);
      auto out = DecodeAll<int32_t>(bytes, width, n, n + 1);
      for (int64_t i = 0; i < n; ++i) {
        ASSERT_EQ(static_cast<uint32_t>(out[i]), values[i]) << i;
      }
    }
  }
}

TEST(RleBitPacked, PureRandomLiteralRuns) {
  std::mt19937_64 rng(12);
  for (int width = 1; width <= 32; ++width) {
    const uint64_t mask = width == 32 ? 0xFFFFFFFFu : (1u << width) - 1;
    std::vector<uint32_t> values(5000);
    for (auto& v : values) v = static_cast<uint32_t>(rng() & mask);
    auto bytes = Encode(width, values);
    // Literal runs cost about width bits per value plus one header per 504 values.
    if (width >= 4) {
      EXPECT_LE(bytes.size(), values.size() * width / 8 + values.size() / 400 + 8);
    }
    auto out = DecodeAll<int32_t>(bytes, width, 5000, 5000);
    for (size_t i = 0; i < values.size(); ++i) ASSERT_EQ(static_cast<uint32_t>(out[i]), values[i]);
  }
}

TEST(RleBitPacked, OddBatchSizesAndNarrowOutputs) {
  std::mt19937_64 rng(13);
  for (int width : {0, 1, 2, 3, 5, 8}) {
    auto values = MixedValues(width, 3000, &rng);
    auto bytes = Encode(width, values);
    for (int64_t batch : {1, 3, 7, 8, 9, 64, 1000}) {
      SCOPED_TRACE("width " + std::to_string(width) + " batch " + std::to_string(batch));
      auto o8 = DecodeAll<uint8_t>(bytes, width, 3000, batch);
      auto o16 = DecodeAll<int16_t>(bytes, width, 3000, batch);
      auto o32 = DecodeAll<int32_t>(bytes, width, 3000, batch);
      for (size_t i = 0; i < values.size(); ++i) {
        ASSERT_EQ(o8[i], values[i]);
        ASSERT_EQ(static_cast<uint32_t>(o16[i]), values[i]);
        ASSERT_EQ(static_cast<uint32_t>(o32[i]), values[i]);
      }
    }
  }
}

TEST(RleBitPacked, WidthTooLargeForOutputType) {
  const std::vector<uint8_t> bytes = {0x02, 0x01, 0x00};
  RleBitPackedDecoder d8(bytes.data(), 3, 9);
  uint8_t o8[1];
  EXPECT_TRUE(d8.GetBatch(o8, 1).status().IsInvalidArgument());
  RleBitPackedDecoder d33(bytes.data(), 3, 33);
  int32_t o32[1];
  EXPECT_TRUE(d33.GetBatch(o32, 1).status().IsInvalidArgument());
}

TEST(RleBitPacked, PutRepeatedMatchesPut) {
  std::mt19937_64 rng(14);
  for (int width : {1, 2, 7, 16, 32}) {
    const uint64_t mask = width == 32 ? 0xFFFFFFFFu : (1u << width) - 1;
    RleBitPackedEncoder a(width), b(width);
    std::vector<uint32_t> expect;
    for (int i = 0; i < 300; ++i) {
      const uint32_t v = static_cast<uint32_t>(rng() & mask);
      const int64_t count = static_cast<int64_t>(rng() % (i % 10 == 0 ? 5000 : 12));
      a.PutRepeated(v, count);
      for (int64_t k = 0; k < count; ++k) b.Put(v);
      expect.insert(expect.end(), static_cast<size_t>(count), v);
    }
    MutableBuffer oa, ob;
    ASSERT_TRUE(a.Flush(&oa).ok());
    ASSERT_TRUE(b.Flush(&ob).ok());
    EXPECT_EQ(Bytes(oa), Bytes(ob));
    auto out = DecodeAll<int32_t>(Bytes(oa), width, static_cast<int64_t>(expect.size()), 4096);
    for (size_t i = 0; i < expect.size(); ++i) ASSERT_EQ(static_cast<uint32_t>(out[i]), expect[i]);
  }
}

TEST(RleBitPacked, PutBatchMatchesPut) {
  std::mt19937_64 rng(17);
  for (int width : {0, 1, 2, 7, 8, 15, 32}) {
    for (int64_t n : kSizes) {
      SCOPED_TRACE("width " + std::to_string(width) + " n " + std::to_string(n));
      auto values = MixedValues(width, n, &rng);
      // Random values at random group offsets, with a few Put() calls in between.
      RleBitPackedEncoder a(width), b(width);
      int64_t i = 0;
      while (i < n) {
        const int64_t k = std::min<int64_t>(n - i, static_cast<int64_t>(rng() % 50));
        if (rng() % 2) {
          a.PutBatch(values.data() + i, k);
        } else {
          for (int64_t j = 0; j < k; ++j) a.Put(values[i + j]);
        }
        for (int64_t j = 0; j < k; ++j) b.Put(values[i + j]);
        i += k;
      }
      MutableBuffer oa, ob;
      ASSERT_TRUE(a.Flush(&oa).ok());
      ASSERT_TRUE(b.Flush(&ob).ok());
      ASSERT_EQ(Bytes(oa), Bytes(ob));
      if (width <= 8) {
        std::vector<uint8_t> v8(values.begin(), values.end());
        std::vector<int16_t> v16(values.begin(), values.end());
        std::vector<int32_t> v32(values.begin(), values.end());
        RleBitPackedEncoder c8(width), c16(width), c32(width);
        c8.PutBatch(v8.data(), n);
        c16.PutBatch(v16.data(), n);
        c32.PutBatch(v32.data(), n);
        MutableBuffer o8, o16, o32;
        ASSERT_TRUE(c8.Flush(&o8).ok());
        ASSERT_TRUE(c16.Flush(&o16).ok());
        ASSERT_TRUE(c32.Flush(&o32).ok());
        EXPECT_EQ(Bytes(o8), Bytes(ob));
        EXPECT_EQ(Bytes(o16), Bytes(ob));
        EXPECT_EQ(Bytes(o32), Bytes(ob));
      }
    }
  }
}

TEST(RleBitPacked, LongRunsAreCompactAndEncoderIsReusable) {
  RleBitPackedEncoder enc(1);
  enc.PutRepeated(1, 10'000'000);
  MutableBuffer out;
  ASSERT_TRUE(enc.Flush(&out).ok());
  EXPECT_LE(out.size(), 6);
  RleBitPackedDecoder dec(out.data(), out.size(), 1);
  std::vector<uint8_t> levels(10'000'001);
  auto r = dec.GetBatch(levels.data(), static_cast<int64_t>(levels.size()));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 10'000'000);
  EXPECT_TRUE(std::all_of(levels.begin(), levels.end() - 1, [](uint8_t v) { return v == 1; }));
  // After Flush the encoder starts afresh.
  enc.Put(0);
  MutableBuffer out2;
  ASSERT_TRUE(enc.Flush(&out2).ok());
  EXPECT_EQ(Bytes(out2), (std::vector<uint8_t>{0x02, 0x00}));
}

TEST(RleBitPacked, MaxEncodedSizeIsAnUpperBoundForAdversarialPatterns) {
  for (int width : {0, 1, 2, 8, 9, 17, 32}) {
    const uint32_t hi = width == 0 ? 0 : (width == 32 ? 0xFFFFFFFFu : (1u << width) - 1);
    // Alternate 8-value runs with single literal groups.
    std::vector<uint32_t> v;
    for (int g = 0; g < 1000; ++g) {
      for (int i = 0; i < 8; ++i) v.push_back(g % 2 ? static_cast<uint32_t>(i % 2) * hi : hi);
    }
    Encode(width, v);  // checks the bound
    std::vector<uint32_t> w;
    for (int g = 0; g < 999; ++g) w.insert(w.end(), static_cast<size_t>(8 + g % 3), g % 2 ? hi : 0);
    Encode(width, w);
  }
  EXPECT_GE(RleBitPackedEncoder::MaxEncodedSize(0, 0), 0);
}

TEST(RleBitPacked, BitWidthFor) {
  EXPECT_EQ(BitWidthFor(0), 0);
  EXPECT_EQ(BitWidthFor(1), 1);
  EXPECT_EQ(BitWidthFor(2), 2);
  EXPECT_EQ(BitWidthFor(3), 2);
  EXPECT_EQ(BitWidthFor(4), 3);
  EXPECT_EQ(BitWidthFor(255), 8);
  EXPECT_EQ(BitWidthFor(256), 9);
  EXPECT_EQ(BitWidthFor(0xFFFFFFFFull), 32);
  EXPECT_EQ(BitWidthFor(~0ull), 64);
}

// ------------------------------------------------------------- corruption

TEST(RleBitPackedCorruption, TruncatedAtEveryByteYieldsErrorOrPrefix) {
  std::mt19937_64 rng(15);
  for (int width : {1, 3, 8, 13, 32}) {
    auto values = MixedValues(width, 400, &rng);
    auto bytes = Encode(width, values);
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
      std::vector<uint8_t> src(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(cut));
      RleBitPackedDecoder dec(src.data(), static_cast<int64_t>(cut), width);
      std::vector<int32_t> out(values.size());
      auto r = dec.GetBatch(out.data(), static_cast<int64_t>(values.size()));
      if (!r.ok()) {
        EXPECT_TRUE(r.status().IsCorruption());
        continue;
      }
      ASSERT_LE(*r, static_cast<int64_t>(values.size()));
      for (int64_t i = 0; i < *r; ++i) {
        ASSERT_EQ(static_cast<uint32_t>(out[i]), values[i]) << "cut " << cut << " i " << i;
      }
    }
  }
}

TEST(RleBitPackedCorruption, BadHeaders) {
  int32_t out[16];
  {
    const uint8_t b[] = {0x00, 0x01};  // RLE run of length 0
    RleBitPackedDecoder d(b, 2, 1);
    EXPECT_TRUE(d.GetBatch(out, 4).status().IsCorruption());
  }
  {
    const uint8_t b[] = {0x10, 0x05};  // RLE value 5 does not fit in 2 bits
    RleBitPackedDecoder d(b, 2, 2);
    auto r = d.GetBatch(out, 4);
    EXPECT_TRUE(r.status().IsCorruption());
    EXPECT_NE(r.status().message().find("does not fit"), std::string::npos);
  }
  {
    const uint8_t b[] = {0x10, 0x05};  // RLE value missing its second byte (width 9)
    RleBitPackedDecoder d(b, 2, 9);
    EXPECT_TRUE(d.GetBatch(out, 4).status().IsCorruption());
  }
  {
    const uint8_t b[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x7F};  // header wider than 32 bits
    RleBitPackedDecoder d(b, 5, 1);
    EXPECT_TRUE(d.GetBatch(out, 4).status().IsCorruption());
  }
  {
    const uint8_t b[] = {0x80, 0x80};  // truncated header varint
    RleBitPackedDecoder d(b, 2, 1);
    EXPECT_TRUE(d.GetBatch(out, 4).status().IsCorruption());
  }
  {
    // Bit-packed run announcing 100 groups but holding 1 byte of width 4: two values.
    const uint8_t b[] = {0xC9, 0x01, 0x21};
    RleBitPackedDecoder d(b, 3, 4);
    auto r = d.GetBatch(out, 16);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, 2);
    EXPECT_EQ(out[0], 1);
    EXPECT_EQ(out[1], 2);
  }
}

// ------------------------------------------------------- dictionary indices

std::vector<uint8_t> DictPage(int width, const std::vector<uint32_t>& idx) {
  std::vector<uint8_t> page = {static_cast<uint8_t>(width)};
  auto body = Encode(width, idx);
  page.insert(page.end(), body.begin(), body.end());
  return page;
}

TEST(DictionaryIndices, RoundTrip) {
  std::mt19937_64 rng(16);
  for (int64_t dict : {1, 2, 100, 128, 1000, 70000}) {
    const int width = BitWidthFor(static_cast<uint64_t>(dict - 1));
    for (int64_t n : {1, 9, 1000}) {
      std::vector<uint32_t> idx(static_cast<size_t>(n));
      for (auto& i : idx) i = static_cast<uint32_t>(rng() % static_cast<uint64_t>(dict));
      auto page = DictPage(width, idx);
      std::vector<int32_t> out(static_cast<size_t>(n));
      ASSERT_TRUE(DecodeDictionaryIndices(page.data(), static_cast<int64_t>(page.size()), n,
                                          dict, out.data())
                      .ok());
      for (int64_t i = 0; i < n; ++i) ASSERT_EQ(static_cast<uint32_t>(out[i]), idx[i]);
    }
  }
}

TEST(DictionaryIndices, Errors) {
  std::vector<int32_t> out(10);
  auto page = DictPage(7, {1, 2, 99, 3});
  // 99 is out of range for a dictionary of 50.
  auto st = DecodeDictionaryIndices(page.data(), static_cast<int64_t>(page.size()), 4, 50,
                                    out.data());
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_NE(st.message().find("99"), std::string::npos) << st.message();
  EXPECT_TRUE(DecodeDictionaryIndices(page.data(), static_cast<int64_t>(page.size()), 4, 100,
                                      out.data())
                  .ok());
  // Fewer indices than values.
  EXPECT_TRUE(DecodeDictionaryIndices(page.data(), 2, 9, 100, out.data()).IsCorruption());
  // Missing bit-width byte, bit width > 32, empty dictionary.
  EXPECT_TRUE(DecodeDictionaryIndices(page.data(), 0, 4, 100, out.data()).IsCorruption());
  const uint8_t wide[] = {33, 0x02, 0x00};
  EXPECT_TRUE(DecodeDictionaryIndices(wide, 3, 1, 100, out.data()).IsCorruption());
  EXPECT_TRUE(DecodeDictionaryIndices(page.data(), static_cast<int64_t>(page.size()), 4, 0,
                                      out.data())
                  .IsCorruption());
  // Bit width 0: all zero, whatever follows.
  const uint8_t zero[] = {0};
  ASSERT_TRUE(DecodeDictionaryIndices(zero, 1, 10, 1, out.data()).ok());
  EXPECT_EQ(out, std::vector<int32_t>(10, 0));
  // Width 32 index above INT32_MAX is rejected, not treated as negative.
  auto big = DictPage(32, {0xFFFFFFF0u});
  EXPECT_TRUE(DecodeDictionaryIndices(big.data(), static_cast<int64_t>(big.size()), 1, 100,
                                      out.data())
                  .IsCorruption());
}

}  // namespace
}  // namespace oups::parquet
