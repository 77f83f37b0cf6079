// BYTE_STREAM_SPLIT: known layout, round trips for every width, short input.

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "parquet/encoding/encoding.h"

namespace oups::parquet {
namespace {

const std::vector<int64_t> kSizes = {0, 1, 7, 8, 9, 15, 16, 17, 127, 128, 129, 1000, 100000};

TEST(ByteStreamSplit, KnownLayout) {
  // Two FLOATs 1.0f (00 00 80 3F) and -2.0f (00 00 00 C0).
  const float v[2] = {1.0f, -2.0f};
  MutableBuffer out;
  ASSERT_TRUE(EncodeByteStreamSplit(reinterpret_cast<const uint8_t*>(v), 2, 4, &out).ok());
  const std::vector<uint8_t> expect = {0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x3F, 0xC0};
  EXPECT_EQ(std::vector<uint8_t>(out.data(), out.data() + out.size()), expect);
  float back[2];
  auto r = DecodeByteStreamSplit(expect.data(), 8, 2, 4, reinterpret_cast<uint8_t*>(back));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 8);
  EXPECT_EQ(back[0], 1.0f);
  EXPECT_EQ(back[1], -2.0f);
}

TEST(ByteStreamSplit, RoundTripAllWidthsAndSizes) {
  std::mt19937_64 rng(41);
  for (int width : {1, 2, 3, 4, 5, 8, 12, 16}) {
    for (int64_t n : kSizes) {
      SCOPED_TRACE("width " + std::to_string(width) + " n " + std::to_string(n));
      std::vector<uint8_t> values(static_cast<size_t>(n * width));
      for (auto& b : values) b = static_cast<uint8_t>(rng());
      MutableBuffer enc;
      ASSERT_TRUE(EncodeByteStreamSplit(values.data(), n, width, &enc).ok());
      ASSERT_EQ(enc.size(), n * width);
      // Stream k holds byte k of every value.
      for (int64_t i = 0; i < std::min<int64_t>(n, 50); ++i) {
        for (int k = 0; k < width; ++k) {
          ASSERT_EQ(enc.data()[k * n + i], values[static_cast<size_t>(i * width + k)]);
        }
      }
      std::vector<uint8_t> src(enc.data(), enc.data() + enc.size());
      std::vector<uint8_t> back(values.size());
      auto r = DecodeByteStreamSplit(src.data(), static_cast<int64_t>(src.size()), n, width,
                                     back.data());
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(*r, n * width);
      ASSERT_EQ(back, values);
    }
  }
}

TEST(ByteStreamSplit, DoublesRoundTrip) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> dist(-1e6, 1e6);
  std::vector<double> v(12345);
  for (auto& x : v) x = dist(rng);
  MutableBuffer enc;
  ASSERT_TRUE(EncodeByteStreamSplit(reinterpret_cast<const uint8_t*>(v.data()),
                                    static_cast<int64_t>(v.size()), 8, &enc)
                  .ok());
  std::vector<double> back(v.size());
  ASSERT_TRUE(DecodeByteStreamSplit(enc.data(), enc.size(), static_cast<int64_t>(v.size()), 8,
                                    reinterpret_cast<uint8_t*>(back.data()))
                  .ok());
  EXPECT_EQ(back, v);
}

TEST(ByteStreamSplit, ShortInputAndBadArguments) {
  std::vector<uint8_t> src(31);
  std::vector<uint8_t> out(64);
  EXPECT_TRUE(DecodeByteStreamSplit(src.data(), 31, 4, 8, out.data()).status().IsCorruption());
  EXPECT_TRUE(DecodeByteStreamSplit(src.data(), 31, 3, 8, out.data()).ok());
  EXPECT_FALSE(DecodeByteStreamSplit(src.data(), 31, 3, 0, out.data()).ok());
  EXPECT_TRUE(DecodeByteStreamSplit(src.data(), 31, int64_t{1} << 62, 8, out.data())
                  .status()
                  .IsCorruption());
  MutableBuffer enc;
  EXPECT_FALSE(EncodeByteStreamSplit(src.data(), -1, 4, &enc).ok());
}

}  // namespace
}  // namespace oups::parquet
