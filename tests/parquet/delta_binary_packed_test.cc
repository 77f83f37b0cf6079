// DELTA_BINARY_PACKED: spec examples, round trips (INT32 and INT64, every bit
// width, wrapping deltas), header validation and truncated input.

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "parquet/encoding/encoding.h"

namespace oups::parquet {
namespace {

const std::vector<int64_t> kSizes = {0, 1, 2, 7, 8, 9, 127, 128, 129, 1000, 100000};

std::vector<uint8_t> Bytes(const MutableBuffer& b) {
  return std::vector<uint8_t>(b.data(), b.data() + b.size());
}

template <typename T>
std::vector<uint8_t> Encode(const std::vector<T>& v) {
  MutableBuffer out;
  EXPECT_TRUE(EncodeDeltaBinaryPacked(reinterpret_cast<const uint8_t*>(v.data()),
                                      static_cast<int64_t>(v.size()), sizeof(T), &out)
                  .ok());
  return Bytes(out);
}

template <typename T>
Result<std::vector<T>> Decode(const std::vector<uint8_t>& bytes, int64_t n,
                              int64_t* consumed = nullptr) {
  // Exact-size copy so that ASan catches any over-read.
  std::vector<uint8_t> src(bytes);
  std::vector<T> out(static_cast<size_t>(n));
  auto r = DecodeDeltaBinaryPacked(src.data(), static_cast<int64_t>(src.size()), n, sizeof(T),
                                   reinterpret_cast<uint8_t*>(out.data()));
  if (!r.ok()) return r.status();
  if (consumed) *consumed = *r;
  return out;
}

template <typename T>
void ExpectRoundTrip(const std::vector<T>& v) {
  auto bytes = Encode(v);
  int64_t consumed = -1;
  auto r = Decode<T>(bytes, static_cast<int64_t>(v.size()), &consumed);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(consumed, static_cast<int64_t>(bytes.size()));
  ASSERT_EQ(*r, v);
}

void PutVarint(std::vector<uint8_t>* b, uint64_t v) {
  while (v >= 0x80) {
    b->push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  b->push_back(static_cast<uint8_t>(v));
}
uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }

TEST(DeltaBinaryPacked, SpecExample1Increasing) {
  // 1, 2, 3, 4, 5: min delta 1, all miniblocks of width 0 (the spec's example uses
  // block size 8, which the spec itself forbids; here 128 / 4 miniblocks).
  std::vector<uint8_t> expect = {0x80, 0x01, 0x04, 0x05, 0x02,  // header
                                 0x02, 0x00, 0x00, 0x00, 0x00};  // min delta 1, widths
  std::vector<int32_t> v = {1, 2, 3, 4, 5};
  EXPECT_EQ(Encode(v), expect);
  auto r = Decode<int32_t>(expect, 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, v);
}

TEST(DeltaBinaryPacked, SpecExample2) {
  // 7, 5, 3, 1, 2, 3, 4, 5: deltas -2 -2 -2 1 1 1 1, min delta -2, relative
  // 0 0 0 3 3 3 3 in 2 bits (C0 3F), padded to a 32-value miniblock (8 bytes).
  std::vector<uint8_t> expect = {0x80, 0x01, 0x04, 0x08, 0x0E,  // header, first = 7
                                 0x03, 0x02, 0x00, 0x00, 0x00,  // min delta -2, widths
                                 0xC0, 0x3F, 0, 0, 0, 0, 0, 0};
  std::vector<int64_t> v = {7, 5, 3, 1, 2, 3, 4, 5};
  EXPECT_EQ(Encode(v), expect);
  auto r = Decode<int64_t>(expect, 8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, v);
}

TEST(DeltaBinaryPacked, ForeignLayoutOneMiniblockOf128) {
  // A writer using 1 miniblock of 128 values and unused trailing widths.
  std::vector<uint8_t> b;
  PutVarint(&b, 256);  // block size
  PutVarint(&b, 2);    // 2 miniblocks of 128
  PutVarint(&b, 4);
  PutVarint(&b, ZigZag(-10));
  PutVarint(&b, ZigZag(3));
  b.push_back(1);     // width of miniblock 0
  b.push_back(0xEE);  // arbitrary width of unused miniblock 1 must be accepted
  std::vector<uint8_t> body(16, 0);
  body[0] = 0b101;  // relative deltas 1, 0, 1
  b.insert(b.end(), body.begin(), body.end());
  int64_t consumed = 0;
  auto r = Decode<int64_t>(b, 4, &consumed);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (std::vector<int64_t>{-10, -6, -3, 1}));
  EXPECT_EQ(consumed, static_cast<int64_t>(b.size()));
}

TEST(DeltaBinaryPacked, RoundTripSizesInt32AndInt64) {
  std::mt19937_64 rng(21);
  for (int64_t n : kSizes) {
    SCOPED_TRACE(n);
    std::vector<int64_t> ts(static_cast<size_t>(n));
    int64_t t = 1'700'000'000'000'000'000;
    for (auto& x : ts) x = (t += static_cast<int64_t>(rng() % 1000));
    ExpectRoundTrip(ts);
    std::vector<int64_t> r64(static_cast<size_t>(n));
    for (auto& x : r64) x = static_cast<int64_t>(rng());
    ExpectRoundTrip(r64);
    std::vector<int32_t> r32(static_cast<size_t>(n));
    for (auto& x : r32) x = static_cast<int32_t>(rng());
    ExpectRoundTrip(r32);
    std::vector<int32_t> small(static_cast<size_t>(n));
    for (auto& x : small) x = static_cast<int32_t>(rng() % 100) - 50;
    ExpectRoundTrip(small);
    ExpectRoundTrip(std::vector<int64_t>(static_cast<size_t>(n), 42));
  }
}

TEST(DeltaBinaryPacked, EveryBitWidth) {
  std::mt19937_64 rng(22);
  for (int w = 0; w <= 64; ++w) {
    SCOPED_TRACE(w);
    const uint64_t mask = w == 64 ? ~0ull : (1ull << w) - 1;
    std::vector<int64_t> v(1000);
    uint64_t acc = rng();
    for (auto& x : v) {
      acc += rng() & mask;  // deltas of up to w bits, wrapping
      x = static_cast<int64_t>(acc);
    }
    auto bytes = Encode(v);
    // Header, then 8 blocks: min delta + 4 widths + 1024 slots of at most w bits.
    if (w < 60) {
      EXPECT_LE(bytes.size(), 20 + 8 * 14 + 1024 * static_cast<size_t>(w) / 8);
    }
    auto r = Decode<int64_t>(bytes, 1000);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(*r, v);
    if (w <= 32) {
      std::vector<int32_t> v32(1000);
      uint32_t a32 = static_cast<uint32_t>(rng());
      for (auto& x : v32) {
        a32 += static_cast<uint32_t>(rng() & mask);
        x = static_cast<int32_t>(a32);
      }
      ExpectRoundTrip(v32);
    }
  }
}

TEST(DeltaBinaryPacked, EdgeValuesAndOverflowingDeltas) {
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  ExpectRoundTrip(std::vector<int64_t>{lo, hi, lo, hi, 0, -1, hi, lo, lo, hi});
  ExpectRoundTrip(std::vector<int64_t>{hi});
  ExpectRoundTrip(std::vector<int64_t>{lo});
  std::vector<int64_t> alt;
  for (int i = 0; i < 300; ++i) alt.push_back(i % 2 ? lo : hi);
  ExpectRoundTrip(alt);
  const int32_t lo32 = std::numeric_limits<int32_t>::min();
  const int32_t hi32 = std::numeric_limits<int32_t>::max();
  std::vector<int32_t> alt32;
  for (int i = 0; i < 300; ++i) alt32.push_back(i % 3 ? lo32 : hi32);
  ExpectRoundTrip(alt32);
}

TEST(DeltaBinaryPacked, FewerValuesThanTotalStillConsumesWholeStream) {
  std::vector<int64_t> v(1000);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int64_t>(i * i);
  auto bytes = Encode(v);
  for (int64_t n : {0, 1, 129, 999}) {
    int64_t consumed = 0;
    auto r = Decode<int64_t>(bytes, n, &consumed);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(consumed, static_cast<int64_t>(bytes.size()));
    EXPECT_TRUE(std::equal(r->begin(), r->end(), v.begin()));
  }
  // More values than the header announces.
  EXPECT_TRUE(Decode<int64_t>(bytes, 1001).status().IsCorruption());
}

TEST(DeltaBinaryPacked, EmptyInput) {
  auto r = Decode<int64_t>({}, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(Decode<int64_t>({}, 1).status().IsCorruption());
  ExpectRoundTrip(std::vector<int64_t>{});
}

// ------------------------------------------------------------- corruption

std::vector<uint8_t> Header(uint64_t block, uint64_t minis, uint64_t total, int64_t first) {
  std::vector<uint8_t> b;
  PutVarint(&b, block);
  PutVarint(&b, minis);
  PutVarint(&b, total);
  PutVarint(&b, ZigZag(first));
  return b;
}

TEST(DeltaBinaryPackedCorruption, BadHeaders) {
  auto expect_corrupt = [](const std::vector<uint8_t>& b, int64_t n, const char* needle) {
    auto r = Decode<int64_t>(b, n);
    ASSERT_TRUE(r.status().IsCorruption()) << needle;
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  };
  expect_corrupt(Header(0, 4, 1, 0), 1, "block size");
  expect_corrupt(Header(100, 4, 1, 0), 1, "block size");
  expect_corrupt(Header(128, 0, 1, 0), 1, "miniblock count");
  expect_corrupt(Header(128, 3, 1, 0), 1, "miniblock count");
  expect_corrupt(Header(128, 8, 1, 0), 1, "miniblock count");  // 16 values per miniblock
  expect_corrupt(Header(128, 4, 1, 0), 2, "header holds 1 values");
  // Bit width 65 for INT64, 33 for INT32.
  auto b = Header(128, 4, 3, 0);
  b.push_back(0);   // min delta
  b.push_back(65);  // widths
  b.push_back(0);
  b.push_back(0);
  b.push_back(0);
  b.resize(b.size() + 600, 0);
  expect_corrupt(b, 3, "bit width 65");
  std::vector<int32_t> out(3);
  b[6] = 65;
  auto r = DecodeDeltaBinaryPacked(b.data(), static_cast<int64_t>(b.size()), 3, 4,
                                   reinterpret_cast<uint8_t*>(out.data()));
  EXPECT_TRUE(r.status().IsCorruption());
  b[6] = 32;
  EXPECT_TRUE(DecodeDeltaBinaryPacked(b.data(), static_cast<int64_t>(b.size()), 3, 4,
                                      reinterpret_cast<uint8_t*>(out.data()))
                  .ok());
  // Over-long varint for the first value.
  std::vector<uint8_t> v = {0x80, 0x01, 0x04, 0x01};
  for (int i = 0; i < 10; ++i) v.push_back(0xFF);
  v.push_back(0x01);
  expect_corrupt(v, 1, "exceeds 64 bits");
  // Huge announced count with little data: error, no giant loop or allocation.
  auto huge = Header(128, 4, ~0ull >> 1, 0);
  expect_corrupt(huge, 1, "varint");
  EXPECT_FALSE(DecodeDeltaBinaryPacked(b.data(), 10, 1, 3, nullptr).ok());
}

// DuckDB computes INT32 deltas in 64 bits, so its miniblocks can be 33+ bits
// wide; the low 32 bits of each delta are the deltas modulo 2^32.
TEST(DeltaBinaryPacked, Int32StreamWithWideDeltasDecodes) {
  const std::vector<int64_t> wide = {INT32_MIN, INT32_MAX, INT32_MIN, 5, -7, INT32_MAX};
  auto bytes = Encode(wide);  // deltas in 64 bits: widths of 33-34 bits
  std::vector<int32_t> out(wide.size());
  auto r = DecodeDeltaBinaryPacked(bytes.data(), static_cast<int64_t>(bytes.size()),
                                   static_cast<int64_t>(wide.size()), 4,
                                   reinterpret_cast<uint8_t*>(out.data()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (size_t i = 0; i < wide.size(); ++i) EXPECT_EQ(out[i], static_cast<int32_t>(wide[i]));
}

TEST(DeltaBinaryPackedCorruption, TruncatedAtEveryByte) {
  std::mt19937_64 rng(23);
  std::vector<int64_t> v(300);
  for (auto& x : v) x = static_cast<int64_t>(rng() % 100000);
  auto bytes = Encode(v);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    std::vector<uint8_t> src(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(cut));
    auto r = Decode<int64_t>(src, static_cast<int64_t>(v.size()));
    EXPECT_TRUE(r.status().IsCorruption()) << "cut " << cut;
  }
}

TEST(DeltaBinaryPackedCorruption, RandomBytesNeverCrash) {
  std::mt19937_64 rng(24);
  std::vector<int64_t> out(2000);
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<uint8_t> b = Header(128 * (1 + rng() % 3), 1u << (rng() % 3), rng() % 2000,
                                    static_cast<int64_t>(rng()));
    const size_t extra = rng() % 200;
    for (size_t i = 0; i < extra; ++i) b.push_back(static_cast<uint8_t>(rng()));
    std::vector<uint8_t> src(b);
    auto r = DecodeDeltaBinaryPacked(src.data(), static_cast<int64_t>(src.size()),
                                     static_cast<int64_t>(rng() % 2000), 8,
                                     reinterpret_cast<uint8_t*>(out.data()));
    if (r.ok()) {
      EXPECT_LE(*r, static_cast<int64_t>(src.size()));
    }
  }
}

}  // namespace
}  // namespace oups::parquet
