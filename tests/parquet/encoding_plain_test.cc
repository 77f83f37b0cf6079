// PLAIN encoding: round trips, known bytes, truncated input.

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
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

template <typename T>
void RoundTripFixed(int64_t n, std::mt19937_64* rng) {
  std::vector<T> values(static_cast<size_t>(n));
  for (auto& v : values) {
    uint64_t bits = (*rng)();
    std::memcpy(&v, &bits, sizeof(T));
  }
  MutableBuffer out;
  ASSERT_TRUE(EncodePlainFixed(reinterpret_cast<const uint8_t*>(values.data()), n, sizeof(T),
                               &out)
                  .ok());
  ASSERT_EQ(out.size(), n * static_cast<int64_t>(sizeof(T)));
  std::vector<T> back(static_cast<size_t>(n));
  auto r = DecodePlainFixed(out.data(), out.size(), n, sizeof(T),
                            reinterpret_cast<uint8_t*>(back.data()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, out.size());
  if (n > 0) {
    EXPECT_EQ(std::memcmp(back.data(), values.data(), values.size() * sizeof(T)), 0);
  }
}

TEST(PlainFixed, RoundTripAllSizes) {
  std::mt19937_64 rng(42);
  for (int64_t n : kSizes) {
    SCOPED_TRACE(n);
    RoundTripFixed<int32_t>(n, &rng);
    RoundTripFixed<int64_t>(n, &rng);
    RoundTripFixed<float>(n, &rng);
    RoundTripFixed<double>(n, &rng);
  }
}

TEST(PlainFixed, Int96AndFixedLenByteArray) {
  std::mt19937_64 rng(7);
  for (int width : {1, 3, 5, 12, 16, 33}) {
    for (int64_t n : {0, 1, 9, 1000}) {
      std::vector<uint8_t> values(static_cast<size_t>(n * width));
      for (auto& b : values) b = static_cast<uint8_t>(rng());
      MutableBuffer out;
      ASSERT_TRUE(EncodePlainFixed(values.data(), n, width, &out).ok());
      std::vector<uint8_t> back(values.size() + 1);
      auto r = DecodePlainFixed(out.data(), out.size(), n, width, back.data());
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(*r, n * width);
      back.resize(values.size());
      EXPECT_EQ(back, values);
    }
  }
}

TEST(PlainFixed, KnownBytesLittleEndian) {
  const int32_t v[2] = {1, -2};
  MutableBuffer out;
  ASSERT_TRUE(EncodePlainFixed(reinterpret_cast<const uint8_t*>(v), 2, 4, &out).ok());
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF}));
}

TEST(PlainFixed, ConsumesOnlyNValuesAndRejectsShortInput) {
  const uint8_t src[20] = {};
  uint8_t out[20];
  auto r = DecodePlainFixed(src, 20, 2, 8, out);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 16);
  r = DecodePlainFixed(src, 20, 3, 8, out);
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  // n * width overflowing int64 must not wrap around.
  r = DecodePlainFixed(src, 20, std::numeric_limits<int64_t>::max() / 2, 8, out);
  EXPECT_TRUE(r.status().IsCorruption());
  EXPECT_FALSE(DecodePlainFixed(src, 20, 1, 0, out).ok());
}

// --------------------------------------------------------------- booleans

std::vector<bool> RandomBits(int64_t n, std::mt19937_64* rng) {
  std::vector<bool> bits(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) bits[static_cast<size_t>(i)] = ((*rng)() & 1) != 0;
  return bits;
}

bool GetBit(const uint8_t* p, int64_t i) { return (p[i >> 3] >> (i & 7)) & 1; }
void SetBit(uint8_t* p, int64_t i, bool v) {
  if (v) {
    p[i >> 3] = static_cast<uint8_t>(p[i >> 3] | (1u << (i & 7)));
  } else {
    p[i >> 3] = static_cast<uint8_t>(p[i >> 3] & ~(1u << (i & 7)));
  }
}

TEST(PlainBoolean, RoundTripWithBitOffsets) {
  std::mt19937_64 rng(1);
  for (int64_t n : kSizes) {
    for (int64_t in_off : {0, 1, 5, 8, 13}) {
      for (int64_t out_off : {0, 3, 7, 8, 9}) {
        SCOPED_TRACE(std::to_string(n) + " " + std::to_string(in_off) + " " +
                     std::to_string(out_off));
        auto bits = RandomBits(n, &rng);
        std::vector<uint8_t> packed(static_cast<size_t>((n + in_off + 7) / 8 + 1), 0xA5);
        for (int64_t i = 0; i < n; ++i) SetBit(packed.data(), in_off + i, bits[i]);
        MutableBuffer enc;
        ASSERT_TRUE(EncodePlainBoolean(packed.data(), in_off, n, &enc).ok());
        ASSERT_EQ(enc.size(), (n + 7) / 8);
        // Padding bits of the last byte are zero.
        for (int64_t i = n; i < enc.size() * 8; ++i) EXPECT_FALSE(GetBit(enc.data(), i));
        // Decode into a buffer pre-filled with a pattern: bits outside the
        // target range must be preserved.
        std::vector<uint8_t> dst(static_cast<size_t>((n + out_off + 7) / 8 + 2), 0x5A);
        const std::vector<uint8_t> before = dst;
        auto r = DecodePlainBoolean(enc.data(), enc.size(), n, dst.data(), out_off);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(*r, (n + 7) / 8);
        for (int64_t i = 0; i < static_cast<int64_t>(dst.size()) * 8; ++i) {
          const bool expect = (i >= out_off && i < out_off + n) ? bits[i - out_off]
                                                                : GetBit(before.data(), i);
          ASSERT_EQ(GetBit(dst.data(), i), expect) << "bit " << i;
        }
      }
    }
  }
}

TEST(PlainBoolean, KnownBytesAndShortInput) {
  // true, false, true, true, false x4, true -> 0b00001101, 0b00000001
  const uint8_t bits[2] = {0x0D, 0x01};
  MutableBuffer enc;
  ASSERT_TRUE(EncodePlainBoolean(bits, 0, 9, &enc).ok());
  EXPECT_EQ(Bytes(enc), (std::vector<uint8_t>{0x0D, 0x01}));
  uint8_t out[2] = {};
  EXPECT_TRUE(DecodePlainBoolean(enc.data(), 1, 9, out, 0).status().IsCorruption());
}

// ------------------------------------------------------------ byte arrays

struct Strings {
  std::vector<int64_t> offsets{0};
  std::string data;
  void Add(const std::string& s) {
    data += s;
    offsets.push_back(static_cast<int64_t>(data.size()));
  }
  int64_t n() const { return static_cast<int64_t>(offsets.size()) - 1; }
  const uint8_t* bytes() const { return reinterpret_cast<const uint8_t*>(data.data()); }
};

Strings RandomStrings(int64_t n, std::mt19937_64* rng, int max_len = 40) {
  Strings s;
  for (int64_t i = 0; i < n; ++i) {
    std::string v(static_cast<size_t>((*rng)() % (max_len + 1)), '\0');
    for (auto& c : v) c = static_cast<char>((*rng)());
    s.Add(v);
  }
  return s;
}

TEST(PlainByteArray, RoundTripAllSizes) {
  std::mt19937_64 rng(3);
  for (int64_t n : kSizes) {
    SCOPED_TRACE(n);
    Strings s = RandomStrings(n, &rng);
    MutableBuffer enc;
    ASSERT_TRUE(EncodePlainByteArray(s.offsets.data(), s.bytes(), n, &enc).ok());
    ASSERT_EQ(enc.size(), 4 * n + static_cast<int64_t>(s.data.size()));
    MutableBuffer data;
    ASSERT_TRUE(data.Append("xyz", 3).ok());  // decoding appends after existing bytes
    std::vector<int64_t> ends(static_cast<size_t>(n));
    auto r = DecodePlainByteArray(enc.data(), enc.size(), n, &data, ends.data());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, enc.size());
    ASSERT_EQ(data.size(), 3 + static_cast<int64_t>(s.data.size()));
    EXPECT_EQ(std::string(data.view().substr(3)), s.data);
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(ends[i], 3 + s.offsets[i + 1]);
  }
}

TEST(PlainByteArray, KnownBytes) {
  Strings s;
  s.Add("ab");
  s.Add("");
  s.Add("c");
  MutableBuffer enc;
  ASSERT_TRUE(EncodePlainByteArray(s.offsets.data(), s.bytes(), 3, &enc).ok());
  EXPECT_EQ(Bytes(enc), (std::vector<uint8_t>{2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0, 1, 0, 0, 0, 'c'}));
}

TEST(PlainByteArray, TruncatedAtEveryByteFails) {
  std::mt19937_64 rng(5);
  Strings s = RandomStrings(20, &rng, 10);
  MutableBuffer enc;
  ASSERT_TRUE(EncodePlainByteArray(s.offsets.data(), s.bytes(), s.n(), &enc).ok());
  for (int64_t cut = 0; cut < enc.size(); ++cut) {
    // Copy so that ASan catches any read past the cut.
    std::vector<uint8_t> src(enc.data(), enc.data() + cut);
    MutableBuffer data;
    std::vector<int64_t> ends(static_cast<size_t>(s.n()));
    auto r = DecodePlainByteArray(src.data(), cut, s.n(), &data, ends.data());
    EXPECT_TRUE(r.status().IsCorruption()) << "cut " << cut;
  }
}

TEST(PlainByteArray, HugeLengthRejected) {
  const uint8_t src[] = {0xFF, 0xFF, 0xFF, 0xFF, 'a', 'b'};
  MutableBuffer data;
  int64_t ends[1];
  auto r = DecodePlainByteArray(src, sizeof(src), 1, &data, ends);
  EXPECT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().message().find("length 4294967295"), std::string::npos)
      << r.status().message();
  // More values than the page could hold.
  EXPECT_TRUE(DecodePlainByteArray(src, sizeof(src), 2, &data, ends).status().IsCorruption());
}

TEST(PlainByteArray, InvalidOffsetsRejectedByEncoder) {
  const int64_t offsets[] = {0, 10, 5};
  const uint8_t data[10] = {};
  MutableBuffer out;
  EXPECT_TRUE(EncodePlainByteArray(offsets, data, 2, &out).IsInvalidArgument());
}

}  // namespace
}  // namespace oups::parquet
