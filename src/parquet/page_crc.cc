#include "parquet/page_crc.h"

#include <zlib.h>

#include <algorithm>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define OUPS_CRC_PCLMUL 1
#endif

namespace oups::parquet {
namespace {

uint32_t ZlibCrc(uint32_t crc, const uint8_t* p, int64_t n) {
  uLong c = crc;
  while (n > 0) {
    const auto step = static_cast<uInt>(std::min<int64_t>(n, int64_t{1} << 30));
    c = crc32(c, p, step);
    p += step;
    n -= step;
  }
  return static_cast<uint32_t>(c);
}

#ifdef OUPS_CRC_PCLMUL
// Folding constants of the bit-reflected polynomial 0xEDB88320: x^(4*128+32)
// and x^(4*128-32) mod P (fold by 64 bytes), x^(128+32) and x^(128-32) mod P
// (fold by 16 bytes), x^64 mod P, and P with its Barrett quotient.
constexpr long long kK1 = 0x154442bd4LL, kK2 = 0x1c6e41596LL;
constexpr long long kK3 = 0x1751997d0LL, kK4 = 0x0ccaa009eLL;
constexpr long long kK5 = 0x163cd6124LL;
constexpr long long kPoly = 0x1db710641LL, kMu = 0x1f7011641LL;

// x (128 bits) times the constants k, plus the next 16 bytes.
__attribute__((target("pclmul,sse4.1"), always_inline)) inline __m128i Fold(__m128i x, __m128i k,
                                                                             __m128i next) {
  const __m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
  const __m128i hi = _mm_clmulepi64_si128(x, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(lo, hi), next);
}

// Folds `n` bytes (n >= 64, a multiple of 16) into the raw (unconditioned)
// CRC state `crc`.
__attribute__((target("pclmul,sse4.1"))) uint32_t FoldPclmul(uint32_t crc, const uint8_t* p,
                                                               int64_t n) {
  auto load = [](const uint8_t* q) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
  };
  __m128i x1 = load(p), x2 = load(p + 16), x3 = load(p + 32), x4 = load(p + 48);
  x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128(static_cast<int>(crc)));
  p += 64;
  n -= 64;
  const __m128i k12 = _mm_set_epi64x(kK2, kK1);
  while (n >= 64) {
    x1 = Fold(x1, k12, load(p));
    x2 = Fold(x2, k12, load(p + 16));
    x3 = Fold(x3, k12, load(p + 32));
    x4 = Fold(x4, k12, load(p + 48));
    p += 64;
    n -= 64;
  }
  const __m128i k34 = _mm_set_epi64x(kK4, kK3);
  x1 = Fold(x1, k34, x2);
  x1 = Fold(x1, k34, x3);
  x1 = Fold(x1, k34, x4);
  while (n >= 16) {
    x1 = Fold(x1, k34, load(p));
    p += 16;
    n -= 16;
  }
  // 128 -> 64 bits: the low half times x^(128-32) joins the high half.
  __m128i t = _mm_clmulepi64_si128(x1, k34, 0x10);
  x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), t);
  // 64 -> 32 bits.
  const __m128i mask32 = _mm_set_epi32(0, 0, 0, -1);
  const __m128i k5 = _mm_set_epi64x(0, kK5);
  t = _mm_srli_si128(x1, 4);
  x1 = _mm_clmulepi64_si128(_mm_and_si128(x1, mask32), k5, 0x00);
  x1 = _mm_xor_si128(x1, t);
  // Barrett reduction to the 32-bit remainder.
  const __m128i pmu = _mm_set_epi64x(kMu, kPoly);
  t = _mm_clmulepi64_si128(_mm_and_si128(x1, mask32), pmu, 0x10);
  t = _mm_clmulepi64_si128(_mm_and_si128(t, mask32), pmu, 0x00);
  x1 = _mm_xor_si128(x1, t);
  return static_cast<uint32_t>(_mm_extract_epi32(x1, 1));
}

bool HavePclmul() {
  static const bool have = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return have;
}
#endif

}  // namespace

uint32_t PageCrc32(uint32_t crc, const uint8_t* p, int64_t n) {
#ifdef OUPS_CRC_PCLMUL
  if (n >= 64 && HavePclmul()) {
    const int64_t bulk = n & ~int64_t{15};
    crc = ~FoldPclmul(~crc, p, bulk);
    p += bulk;
    n -= bulk;
  }
#endif
  return ZlibCrc(crc, p, n);
}

}  // namespace oups::parquet
