// PageCrc32 equals zlib's crc32 (the CRC-32 Parquet's page header uses) for
// every length and alignment, whichever implementation runs (carry-less
// multiplication on x86-64, zlib elsewhere), and continues across calls.
#include "parquet/page_crc.h"

#include <zlib.h>

#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace oups::parquet {
namespace {

TEST(PageCrc32, MatchesZlibForEveryLengthAndAlignment) {
  std::mt19937_64 rng(12345);
  std::vector<uint8_t> buf(5000);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (int64_t n = 0; n <= 1100; ++n) {
    for (int64_t align = 0; align < 3; ++align) {
      const uint8_t* p = buf.data() + align * 7;
      const uint32_t want = static_cast<uint32_t>(crc32(0L, p, static_cast<uInt>(n)));
      ASSERT_EQ(PageCrc32(0, p, n), want) << "length " << n << ", offset " << align * 7;
    }
  }
  // Large input, and a continuation from a non-zero CRC.
  const uint32_t whole = static_cast<uint32_t>(crc32(0L, buf.data(), 5000));
  EXPECT_EQ(PageCrc32(0, buf.data(), 5000), whole);
  EXPECT_EQ(PageCrc32(PageCrc32(0, buf.data(), 1234), buf.data() + 1234, 5000 - 1234), whole);
  // The check value of the standard CRC-32.
  const char* check = "123456789";
  EXPECT_EQ(PageCrc32(0, reinterpret_cast<const uint8_t*>(check), 9), 0xCBF43926u);
}

}  // namespace
}  // namespace oups::parquet
