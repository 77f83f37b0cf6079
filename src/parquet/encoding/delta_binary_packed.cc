// DELTA_BINARY_PACKED for INT32 and INT64.
//
// Header: <block size> <miniblocks per block> <total value count> <first value>
// (ULEB128, ULEB128, ULEB128, zigzag ULEB128). Then blocks of
// <min delta (zigzag)> <one bit-width byte per miniblock> <miniblocks>, each
// miniblock bit-packing (delta - min delta) for block size / miniblocks values.
// All arithmetic is modulo 2^32 (INT32) or 2^64 (INT64), as the spec requires.

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "parquet/encoding/encoding.h"
#include "parquet/encoding/encoding_internal.h"

namespace oups::parquet {

using internal::EnsureCapacity;
using internal::PackValues;
using internal::ReadUleb128;
using internal::UnpackGroups;
using internal::WriteUleb128;
using internal::ZigZagDecode;
using internal::ZigZagEncode;

namespace {

constexpr int64_t kChunk = 512;  // values unpacked at a time (multiple of 8)

std::string Dbp(const std::string& msg) { return "DELTA_BINARY_PACKED: " + msg; }

template <typename U>
Result<int64_t> DecodeDbp(const uint8_t* src, int64_t size, int64_t n, uint8_t* out) {
  constexpr int kBits = 8 * sizeof(U);
  if (n < 0 || size < 0) return Status::InvalidArgument(Dbp("negative size or count"));
  if (n == 0 && size == 0) return int64_t{0};
  const uint8_t* p = src;
  const uint8_t* const end = src + size;

  uint64_t block_size = 0, miniblocks = 0, total = 0, first = 0;
  OUPS_RETURN_NOT_OK(ReadUleb128(&p, end, 32, &block_size, "DELTA_BINARY_PACKED block size"));
  if (block_size == 0 || block_size % 128 != 0) {
    return Status::Corruption(Dbp("block size " + std::to_string(block_size) +
                                  " is not a positive multiple of 128"));
  }
  OUPS_RETURN_NOT_OK(
      ReadUleb128(&p, end, 32, &miniblocks, "DELTA_BINARY_PACKED miniblock count"));
  if (miniblocks == 0 || block_size % miniblocks != 0 ||
      (block_size / miniblocks) % 32 != 0) {
    return Status::Corruption(Dbp("miniblock count " + std::to_string(miniblocks) +
                                  " does not split block size " +
                                  std::to_string(block_size) +
                                  " into miniblocks of a multiple of 32 values"));
  }
  OUPS_RETURN_NOT_OK(ReadUleb128(&p, end, 64, &total, "DELTA_BINARY_PACKED value count"));
  if (total < static_cast<uint64_t>(n)) {
    return Status::Corruption(Dbp("header holds " + std::to_string(total) + " values, " +
                                  std::to_string(n) + " expected"));
  }
  OUPS_RETURN_NOT_OK(ReadUleb128(&p, end, 64, &first, "DELTA_BINARY_PACKED first value"));

  U last = static_cast<U>(ZigZagDecode(first));
  int64_t decoded = 0;
  if (n > 0) {
    std::memcpy(out, &last, sizeof(U));
    decoded = 1;
  }
  uint64_t remaining = total > 0 ? total - 1 : 0;  // deltas still in the stream
  const int64_t per_mini = static_cast<int64_t>(block_size / miniblocks);
  U scratch[kChunk];
  while (remaining > 0) {
    uint64_t min_delta_zz = 0;
    OUPS_RETURN_NOT_OK(ReadUleb128(&p, end, 64, &min_delta_zz, "block min delta"));
    const U min_delta = static_cast<U>(ZigZagDecode(min_delta_zz));
    if (end - p < static_cast<int64_t>(miniblocks)) {
      return Status::Corruption(Dbp("truncated miniblock bit widths"));
    }
    const uint8_t* widths = p;
    p += miniblocks;
    // Widths of miniblocks after the last value are arbitrary and their bodies
    // absent: stop at the last miniblock holding values.
    for (uint64_t m = 0; m < miniblocks && remaining > 0; ++m) {
      const int w = widths[m];
      // INT32 deltas computed in 64 bits (as DuckDB writes them) may need up
      // to 33 bits; their low 32 bits are the deltas modulo 2^32, so any width
      // up to 64 decodes correctly.
      if (w > 64) {
        return Status::Corruption(Dbp("miniblock bit width " + std::to_string(w) +
                                      " exceeds 64"));
      }
      const int64_t bytes = per_mini * w / 8;
      if (end - p < bytes) {
        return Status::Corruption(Dbp("truncated miniblock: needs " + std::to_string(bytes) +
                                      " bytes, " + std::to_string(end - p) + " left"));
      }
      const int64_t in_mini =
          static_cast<int64_t>(std::min<uint64_t>(static_cast<uint64_t>(per_mini), remaining));
      const int64_t want = std::min(in_mini, n - decoded);
      for (int64_t off = 0; off < want; off += kChunk) {
        const int64_t c = std::min(kChunk, want - off);
        if (w <= kBits) {
          UnpackGroups<U>(p + off * w / 8, end, w, (c + 7) / 8, scratch);
        } else {
          uint64_t wide[kChunk];
          UnpackGroups<uint64_t>(p + off * w / 8, end, w, (c + 7) / 8, wide);
          for (int64_t j = 0; j < c; ++j) scratch[j] = static_cast<U>(wide[j]);
        }
        uint8_t* dst = out + decoded * static_cast<int64_t>(sizeof(U));
        for (int64_t j = 0; j < c; ++j) {
          last = static_cast<U>(last + static_cast<U>(min_delta + scratch[j]));
          std::memcpy(dst + j * static_cast<int64_t>(sizeof(U)), &last, sizeof(U));
        }
        decoded += c;
      }
      p += bytes;
      remaining -= static_cast<uint64_t>(in_mini);
    }
  }
  return static_cast<int64_t>(p - src);
}

template <typename U, typename S>
Status EncodeDbp(const uint8_t* values, int64_t n, MutableBuffer* out) {
  constexpr int kBits = 8 * sizeof(U);
  constexpr int64_t kBlock = 128;
  constexpr int kMiniblocks = 4;
  constexpr int64_t kPerMini = kBlock / kMiniblocks;
  if (n < 0) return Status::InvalidArgument(Dbp("negative value count"));
  auto load = [&](int64_t i) {
    U v;
    std::memcpy(&v, values + i * static_cast<int64_t>(sizeof(U)), sizeof(U));
    return v;
  };
  OUPS_RETURN_NOT_OK(EnsureCapacity(out, 4 * 10));
  uint8_t* dst = out->mutable_data() + out->size();
  int k = 0;
  k += WriteUleb128(dst + k, kBlock);
  k += WriteUleb128(dst + k, kMiniblocks);
  k += WriteUleb128(dst + k, static_cast<uint64_t>(n));
  U prev = n > 0 ? load(0) : U{0};
  k += WriteUleb128(dst + k, ZigZagEncode(static_cast<S>(prev)));
  OUPS_RETURN_NOT_OK(out->Resize(out->size() + k));

  U deltas[kBlock];
  for (int64_t i = 1; i < n; i += kBlock) {
    const int64_t count = std::min(kBlock, n - i);
    S min_delta = std::numeric_limits<S>::max();
    for (int64_t j = 0; j < count; ++j) {
      const U v = load(i + j);
      deltas[j] = static_cast<U>(v - prev);
      prev = v;
      min_delta = std::min(min_delta, static_cast<S>(deltas[j]));
    }
    for (int64_t j = 0; j < count; ++j) {
      deltas[j] = static_cast<U>(deltas[j] - static_cast<U>(min_delta));
    }
    std::fill(deltas + count, deltas + kBlock, U{0});
    uint8_t widths[kMiniblocks] = {};
    for (int m = 0; m < kMiniblocks && m * kPerMini < count; ++m) {
      U any = 0;
      for (int64_t j = 0; j < kPerMini; ++j) any |= deltas[m * kPerMini + j];
      widths[m] = static_cast<uint8_t>(BitWidthFor(any));
    }
    OUPS_RETURN_NOT_OK(EnsureCapacity(out, 10 + kMiniblocks + kBlock * kBits / 8));
    dst = out->mutable_data() + out->size();
    int64_t w = WriteUleb128(dst, ZigZagEncode(min_delta));
    std::memcpy(dst + w, widths, kMiniblocks);
    w += kMiniblocks;
    for (int m = 0; m < kMiniblocks && m * kPerMini < count; ++m) {
      PackValues(deltas + m * kPerMini, kPerMini, widths[m], dst + w);
      w += kPerMini * widths[m] / 8;
    }
    OUPS_RETURN_NOT_OK(out->Resize(out->size() + w));
  }
  return Status::OK();
}

}  // namespace

Result<int64_t> DecodeDeltaBinaryPacked(const uint8_t* src, int64_t size, int64_t n,
                                        int width, uint8_t* out) {
  if (width == 4) return DecodeDbp<uint32_t>(src, size, n, out);
  if (width == 8) return DecodeDbp<uint64_t>(src, size, n, out);
  return Status::InvalidArgument(Dbp("width must be 4 or 8, got " + std::to_string(width)));
}

Status EncodeDeltaBinaryPacked(const uint8_t* values, int64_t n, int width,
                               MutableBuffer* out) {
  if (width == 4) return EncodeDbp<uint32_t, int32_t>(values, n, out);
  if (width == 8) return EncodeDbp<uint64_t, int64_t>(values, n, out);
  return Status::InvalidArgument(Dbp("width must be 4 or 8, got " + std::to_string(width)));
}

}  // namespace oups::parquet
