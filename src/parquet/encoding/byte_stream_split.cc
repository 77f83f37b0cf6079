// BYTE_STREAM_SPLIT: byte k of every value goes to stream k; the `width`
// streams of n bytes each are stored one after the other.

#include <cstring>
#include <string>

#include "parquet/encoding/encoding.h"
#include "parquet/encoding/encoding_internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace oups::parquet {

namespace {

// Scalar gather of values [begin, n).
void DecodeScalar(const uint8_t* src, int64_t n, int width, int64_t begin, uint8_t* out) {
  for (int64_t i = begin; i < n; ++i) {
    for (int k = 0; k < width; ++k) out[i * width + k] = src[k * n + i];
  }
}

#if defined(__SSE2__)
inline __m128i Ld(const uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
inline void St(uint8_t* p, __m128i v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }

// 16 values of 4 bytes per iteration: a 4 x 16 byte transpose.
int64_t Decode4Sse2(const uint8_t* src, int64_t n, uint8_t* out) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i s0 = Ld(src + i), s1 = Ld(src + n + i), s2 = Ld(src + 2 * n + i),
                  s3 = Ld(src + 3 * n + i);
    const __m128i a0 = _mm_unpacklo_epi8(s0, s1), a1 = _mm_unpackhi_epi8(s0, s1);
    const __m128i a2 = _mm_unpacklo_epi8(s2, s3), a3 = _mm_unpackhi_epi8(s2, s3);
    uint8_t* o = out + i * 4;
    St(o, _mm_unpacklo_epi16(a0, a2));
    St(o + 16, _mm_unpackhi_epi16(a0, a2));
    St(o + 32, _mm_unpacklo_epi16(a1, a3));
    St(o + 48, _mm_unpackhi_epi16(a1, a3));
  }
  return i;
}

// 16 values of 8 bytes per iteration: an 8 x 16 byte transpose.
int64_t Decode8Sse2(const uint8_t* src, int64_t n, uint8_t* out) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i s[8];
    for (int k = 0; k < 8; ++k) s[k] = Ld(src + k * n + i);
    // Byte pairs (b0b1, b2b3, b4b5, b6b7) for values 0-7 (lo) and 8-15 (hi).
    const __m128i p01l = _mm_unpacklo_epi8(s[0], s[1]), p01h = _mm_unpackhi_epi8(s[0], s[1]);
    const __m128i p23l = _mm_unpacklo_epi8(s[2], s[3]), p23h = _mm_unpackhi_epi8(s[2], s[3]);
    const __m128i p45l = _mm_unpacklo_epi8(s[4], s[5]), p45h = _mm_unpackhi_epi8(s[4], s[5]);
    const __m128i p67l = _mm_unpacklo_epi8(s[6], s[7]), p67h = _mm_unpackhi_epi8(s[6], s[7]);
    // Quads b0..b3 and b4..b7 for values 0-3, 4-7, 8-11, 12-15.
    const __m128i q0 = _mm_unpacklo_epi16(p01l, p23l), q1 = _mm_unpackhi_epi16(p01l, p23l);
    const __m128i q2 = _mm_unpacklo_epi16(p01h, p23h), q3 = _mm_unpackhi_epi16(p01h, p23h);
    const __m128i r0 = _mm_unpacklo_epi16(p45l, p67l), r1 = _mm_unpackhi_epi16(p45l, p67l);
    const __m128i r2 = _mm_unpacklo_epi16(p45h, p67h), r3 = _mm_unpackhi_epi16(p45h, p67h);
    uint8_t* o = out + i * 8;
    St(o, _mm_unpacklo_epi32(q0, r0));
    St(o + 16, _mm_unpackhi_epi32(q0, r0));
    St(o + 32, _mm_unpacklo_epi32(q1, r1));
    St(o + 48, _mm_unpackhi_epi32(q1, r1));
    St(o + 64, _mm_unpacklo_epi32(q2, r2));
    St(o + 80, _mm_unpackhi_epi32(q2, r2));
    St(o + 96, _mm_unpacklo_epi32(q3, r3));
    St(o + 112, _mm_unpackhi_epi32(q3, r3));
  }
  return i;
}

// Encodes 16 values of W (4 or 8) bytes per iteration. View the 16 * W bytes as
// registers of 16 lanes: the byte of value v, position k sits at address
// (v, k) (value-major) and must move to (k, v) (stream-major), a rotation of
// the address bits by 4. Interleaving the bytes of register j with register
// j + W/2 (unpacklo/hi_epi8) rotates the address by one bit, so four rounds do it.
template <int W>
int64_t EncodeSse2(const uint8_t* values, int64_t n, uint8_t* dst) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i a[W];
    for (int j = 0; j < W; ++j) a[j] = Ld(values + i * W + 16 * j);
    for (int round = 0; round < 4; ++round) {
      __m128i b[W];
      for (int j = 0; j < W / 2; ++j) {
        b[2 * j] = _mm_unpacklo_epi8(a[j], a[j + W / 2]);
        b[2 * j + 1] = _mm_unpackhi_epi8(a[j], a[j + W / 2]);
      }
      for (int j = 0; j < W; ++j) a[j] = b[j];
    }
    for (int k = 0; k < W; ++k) St(dst + k * n + i, a[k]);
  }
  return i;
}
#endif

template <int W>
void EncodeFixed(const uint8_t* values, int64_t n, uint8_t* dst) {
  int64_t i = 0;
#if defined(__SSE2__)
  i = EncodeSse2<W>(values, n, dst);
#endif
  for (; i < n; ++i) {
    for (int k = 0; k < W; ++k) dst[k * n + i] = values[i * W + k];
  }
}

}  // namespace

Result<int64_t> DecodeByteStreamSplit(const uint8_t* src, int64_t size, int64_t n,
                                      int width, uint8_t* out) {
  if (width <= 0 || n < 0) {
    return Status::InvalidArgument("BYTE_STREAM_SPLIT: bad width or value count");
  }
  if (size < 0 || n > size / width) {
    return Status::Corruption("BYTE_STREAM_SPLIT: " + std::to_string(n) + " values of " +
                              std::to_string(width) + " bytes do not fit in " +
                              std::to_string(size) + " bytes");
  }
  int64_t done = 0;
#if defined(__SSE2__)
  if (width == 4) done = Decode4Sse2(src, n, out);
  if (width == 8) done = Decode8Sse2(src, n, out);
#endif
  DecodeScalar(src, n, width, done, out);
  return n * width;
}

Status EncodeByteStreamSplit(const uint8_t* values, int64_t n, int width,
                             MutableBuffer* out) {
  if (width <= 0 || n < 0) {
    return Status::InvalidArgument("BYTE_STREAM_SPLIT: bad width or value count");
  }
  const int64_t bytes = n * width;
  OUPS_RETURN_NOT_OK(internal::EnsureCapacity(out, bytes));
  uint8_t* dst = out->mutable_data() + out->size();
  switch (width) {
    case 4:
      EncodeFixed<4>(values, n, dst);
      break;
    case 8:
      EncodeFixed<8>(values, n, dst);
      break;
    default:
      for (int64_t i = 0; i < n; ++i) {
        for (int k = 0; k < width; ++k) dst[k * n + i] = values[i * width + k];
      }
  }
  return out->Resize(out->size() + bytes);
}

}  // namespace oups::parquet
