// Helpers shared by the encoding files of src/parquet/encoding: little-endian
// loads, ULEB128 / zigzag varints, bit packing and unpacking in groups of 8.
//
// Private to src/parquet/encoding (never included from elsewhere). All readers
// take an explicit end pointer and never read at or past it.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "oups/common/buffer.h"
#include "oups/status.h"

namespace oups::parquet::internal {

static_assert(std::endian::native == std::endian::little,
              "the encodings assume a little-endian host");

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline void Store64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }
inline void Store32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }

// Grows `buf` (amortised) so that `extra` more bytes fit past size().
inline Status EnsureCapacity(MutableBuffer* buf, int64_t extra) {
  const int64_t need = buf->size() + extra;
  if (need <= buf->capacity()) return Status::OK();
  const int64_t grown = buf->capacity() + buf->capacity() / 2 + 64;
  return buf->Reserve(std::max(need, grown));
}

// ------------------------------------------------------------------ varints
// Reads an unsigned LEB128 of at most `max_bits` (32 or 64) bits from [*p, end).
// On success advances *p. Fails on truncation or on a value wider than max_bits.
inline Status ReadUleb128(const uint8_t** p, const uint8_t* end, int max_bits,
                          uint64_t* out, const char* what) {
  uint64_t v = 0;
  const uint8_t* q = *p;
  for (int shift = 0;; shift += 7) {
    if (q >= end) {
      return Status::Corruption(std::string("truncated varint for ") + what);
    }
    const uint64_t byte = *q++;
    const uint64_t bits = byte & 0x7F;
    if (shift > 0 && shift + 7 > max_bits) {
      // Last possible byte: only the low (max_bits - shift) bits may be set.
      if (shift >= max_bits || (bits >> (max_bits - shift)) != 0 || (byte & 0x80)) {
        return Status::Corruption(std::string("varint for ") + what + " exceeds " +
                                  std::to_string(max_bits) + " bits");
      }
    }
    v |= bits << shift;
    if ((byte & 0x80) == 0) break;
  }
  *p = q;
  *out = v;
  return Status::OK();
}

inline int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}
inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

// Writes v as ULEB128 into dst (room for 10 bytes); returns bytes written.
inline int WriteUleb128(uint8_t* dst, uint64_t v) {
  int n = 0;
  while (v >= 0x80) {
    dst[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  dst[n++] = static_cast<uint8_t>(v);
  return n;
}

// ------------------------------------------------------------- bit unpacking
// Unpacks 8 values of W bits (LSB first) from `in` into out[0..8). Reads up to
// W + 8 bytes from `in` (the caller guarantees they are readable).
template <int W, typename T, size_t... I>
inline void Unpack8Impl(const uint8_t* in, T* out, std::index_sequence<I...>) {
  (
      [&] {
        constexpr int kBit = static_cast<int>(I) * W;
        constexpr int kByte = kBit / 8;
        constexpr int kShift = kBit % 8;
        uint64_t v = Load64(in + kByte) >> kShift;
        if constexpr (kShift + W > 64) v |= static_cast<uint64_t>(in[kByte + 8]) << (64 - kShift);
        if constexpr (W < 64) v &= (uint64_t{1} << W) - 1;
        out[I] = static_cast<T>(v);
      }(),
      ...);
}

template <int W, typename T>
void UnpackGroupsFixed(const uint8_t* in, int64_t groups, T* out) {
  if constexpr (W == 0) {
    std::fill_n(out, groups * 8, T{0});
  } else {
    for (int64_t g = 0; g < groups; ++g) {
      Unpack8Impl<W>(in, out, std::make_index_sequence<8>{});
      in += W;
      out += 8;
    }
  }
}

template <typename T>
using UnpackGroupsFn = void (*)(const uint8_t*, int64_t, T*);

template <typename T, size_t... W>
constexpr std::array<UnpackGroupsFn<T>, sizeof...(W)> MakeUnpackTable(
    std::index_sequence<W...>) {
  return {&UnpackGroupsFixed<static_cast<int>(W), T>...};
}

// Largest bit width unpacked into T.
template <typename T>
constexpr int kMaxUnpackWidth = sizeof(T) >= 8 ? 64 : (sizeof(T) >= 4 ? 32 : 8 * sizeof(T));

// Unpacks `groups` full groups of 8 values of `width` bits starting at `in`
// into `out`. The caller guarantees in + groups * width <= end; nothing at or
// past `end` is read (the last groups go through a zero-padded copy).
template <typename T>
void UnpackGroups(const uint8_t* in, const uint8_t* end, int width, int64_t groups, T* out) {
  static constexpr auto kTable =
      MakeUnpackTable<T>(std::make_index_sequence<kMaxUnpackWidth<T> + 1>{});
  if (width == 0) {
    std::fill_n(out, groups * 8, T{0});
    return;
  }
  const int64_t avail = end - in;
  int64_t fast = avail >= 8 ? (avail - 8) / width : 0;
  if (fast > groups) fast = groups;
  kTable[width](in, fast, out);
  in += fast * width;
  out += fast * 8;
  for (int64_t g = fast; g < groups; ++g) {
    uint8_t tmp[64 + 16] = {};
    std::memcpy(tmp, in, static_cast<size_t>(width));
    kTable[width](tmp, 1, out);
    in += width;
    out += 8;
  }
}

// Unpacks one group from `bytes` (< width) available bytes, zero-padding the
// missing ones; the caller uses only the values whose bits are all present.
template <typename T>
void UnpackPartialGroup(const uint8_t* in, int64_t bytes, int width, T* out) {
  uint8_t tmp[64 + 16] = {};
  if (bytes > 0) std::memcpy(tmp, in, static_cast<size_t>(bytes));
  UnpackGroups<T>(tmp, tmp + sizeof(tmp), width, 1, out);
}

// ------------------------------------------------------------- bit packing
// Packs `count` values (a multiple of 8, each < 2^width) LSB first into dst,
// writing exactly count * width / 8 bytes.
template <typename T>
inline void PackValues(const T* values, int64_t count, int width, uint8_t* dst) {
  if (width == 0) return;
  uint64_t acc = 0;
  int bits = 0;
  for (int64_t i = 0; i < count; ++i) {
    const uint64_t v = static_cast<uint64_t>(values[i]);
    acc |= v << bits;
    bits += width;
    if (bits >= 64) {
      Store64(dst, acc);
      dst += 8;
      bits -= 64;
      acc = bits > 0 ? v >> (width - bits) : 0;
    }
  }
  // count * width is a multiple of 8, so `bits` is too.
  for (int b = 0; b < bits; b += 8) *dst++ = static_cast<uint8_t>(acc >> b);
}

}  // namespace oups::parquet::internal
