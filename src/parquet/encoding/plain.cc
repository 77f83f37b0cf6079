// PLAIN encoding: fixed-width values back to back, booleans bit-packed LSB first,
// byte arrays as a 4-byte little-endian length followed by the bytes.

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "parquet/encoding/encoding.h"
#include "parquet/encoding/encoding_internal.h"

namespace oups::parquet {

using internal::EnsureCapacity;
using internal::Load32;
using internal::Store32;

namespace {

// Copies n bits from src (starting at bit src_off) to dst (starting at bit
// dst_off); bits of dst outside [dst_off, dst_off + n) are preserved. Reads
// only the bytes of src that hold the n bits.
void CopyBits(const uint8_t* src, int64_t src_off, uint8_t* dst, int64_t dst_off,
              int64_t n) {
  if (n <= 0) return;
  src += src_off / 8;
  src_off %= 8;
  dst += dst_off / 8;
  dst_off %= 8;
  if (src_off == 0 && dst_off == 0) {
    const int64_t whole = n / 8;
    std::memcpy(dst, src, static_cast<size_t>(whole));
    const int rem = static_cast<int>(n % 8);
    if (rem > 0) {
      const uint8_t mask = static_cast<uint8_t>((1u << rem) - 1);
      dst[whole] = static_cast<uint8_t>((dst[whole] & ~mask) | (src[whole] & mask));
    }
    return;
  }
  // Unaligned: align the destination bit by bit, then move whole destination
  // bytes assembled from (at most) two source bytes, then finish bit by bit.
  auto get = [&](int64_t i) -> unsigned {
    const int64_t b = src_off + i;
    return (src[b >> 3] >> (b & 7)) & 1u;
  };
  auto put = [&](int64_t i, unsigned bit) {
    const int64_t b = dst_off + i;
    uint8_t& d = dst[b >> 3];
    d = static_cast<uint8_t>((d & ~(1u << (b & 7))) | (bit << (b & 7)));
  };
  int64_t i = 0;
  while (i < n && ((dst_off + i) & 7) != 0) {
    put(i, get(i));
    ++i;
  }
  const int64_t src_bytes = (src_off + n + 7) / 8;  // bytes of src we may read
  while (n - i >= 8) {
    const int64_t sb = src_off + i;
    const int64_t byte = sb >> 3;
    const int shift = static_cast<int>(sb & 7);
    unsigned v = static_cast<unsigned>(src[byte]) >> shift;
    if (shift != 0 && byte + 1 < src_bytes) v |= static_cast<unsigned>(src[byte + 1]) << (8 - shift);
    dst[(dst_off + i) >> 3] = static_cast<uint8_t>(v);
    i += 8;
  }
  for (; i < n; ++i) put(i, get(i));
}

}  // namespace

Result<int64_t> DecodePlainFixed(const uint8_t* src, int64_t size, int64_t n, int width,
                                 uint8_t* out) {
  if (width <= 0) return Status::InvalidArgument("PLAIN: width must be positive");
  if (n < 0) return Status::InvalidArgument("PLAIN: negative value count");
  if (size < 0 || n > size / width) {
    return Status::Corruption("PLAIN: " + std::to_string(n) + " values of " +
                              std::to_string(width) + " bytes do not fit in " +
                              std::to_string(size) + " bytes");
  }
  const int64_t bytes = n * width;
  if (bytes > 0) std::memcpy(out, src, static_cast<size_t>(bytes));
  return bytes;
}

Result<int64_t> DecodePlainBoolean(const uint8_t* src, int64_t size, int64_t n,
                                   uint8_t* out_bits, int64_t out_bit_offset) {
  if (n < 0 || out_bit_offset < 0) {
    return Status::InvalidArgument("PLAIN boolean: negative value count or bit offset");
  }
  const int64_t bytes = n / 8 + (n % 8 != 0);
  if (bytes > size) {
    return Status::Corruption("PLAIN boolean: " + std::to_string(n) + " values need " +
                              std::to_string(bytes) + " bytes, page has " +
                              std::to_string(size));
  }
  CopyBits(src, 0, out_bits, out_bit_offset, n);
  return bytes;
}

Result<int64_t> DecodePlainByteArray(const uint8_t* src, int64_t size, int64_t n,
                                     MutableBuffer* data, int64_t* ends) {
  if (n < 0) return Status::InvalidArgument("PLAIN byte array: negative value count");
  if (n > size / 4) {
    return Status::Corruption("PLAIN byte array: " + std::to_string(n) +
                              " values cannot fit in " + std::to_string(size) + " bytes");
  }
  // All value bytes lie within the page minus the n length prefixes: one reservation.
  // (+16: short values are copied as 16-byte blocks; at least 1 byte so that
  // `base` is never null.)
  OUPS_RETURN_NOT_OK(EnsureCapacity(data, std::max<int64_t>(size - 4 * n, 0) + 16));
  const uint8_t* p = src;
  const uint8_t* const end = src + size;
  uint8_t* const base = data->mutable_data();
  int64_t pos = data->size();
  for (int64_t i = 0; i < n; ++i) {
    if (end - p < 4) {
      return Status::Corruption("PLAIN byte array: truncated length of value " +
                                std::to_string(i));
    }
    const uint32_t len = Load32(p);
    p += 4;
    // The length prefixes of the values after this one must still fit: this
    // keeps the total within the reservation above.
    const int64_t room = (end - p) - 4 * (n - 1 - i);
    if (static_cast<int64_t>(len) > room) {
      return Status::Corruption("PLAIN byte array: value " + std::to_string(i) +
                                " has length " + std::to_string(len) + " but only " +
                                std::to_string(room) + " bytes remain for it");
    }
    if (len <= 16 && end - p >= 16) {
      std::memcpy(base + pos, p, 16);  // fixed size: two moves, no libc call
    } else {
      std::memcpy(base + pos, p, len);
    }
    p += len;
    pos += len;
    ends[i] = pos;
  }
  OUPS_RETURN_NOT_OK(data->Resize(pos));
  return static_cast<int64_t>(p - src);
}

Status EncodePlainFixed(const uint8_t* values, int64_t n, int width, MutableBuffer* out) {
  if (width <= 0 || n < 0) return Status::InvalidArgument("PLAIN: bad width or count");
  if (n > std::numeric_limits<int64_t>::max() / width) {
    return Status::InvalidArgument("PLAIN: too many values");
  }
  return out->Append(values, n * width);
}

Status EncodePlainBoolean(const uint8_t* bits, int64_t bit_offset, int64_t n,
                          MutableBuffer* out) {
  if (n < 0 || bit_offset < 0) return Status::InvalidArgument("PLAIN boolean: bad range");
  const int64_t bytes = n / 8 + (n % 8 != 0);
  OUPS_RETURN_NOT_OK(EnsureCapacity(out, bytes));
  uint8_t* dst = out->mutable_data() + out->size();
  if (bytes > 0) dst[bytes - 1] = 0;  // trailing padding bits are zero
  CopyBits(bits, bit_offset, dst, 0, n);
  return out->Resize(out->size() + bytes);
}

Status EncodePlainByteArray(const int64_t* offsets, const uint8_t* data, int64_t n,
                            MutableBuffer* out) {
  if (n < 0) return Status::InvalidArgument("PLAIN byte array: negative value count");
  if (n == 0) return Status::OK();
  const int64_t payload = offsets[n] - offsets[0];
  if (payload < 0) return Status::InvalidArgument("PLAIN byte array: decreasing offsets");
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = offsets[i + 1] - offsets[i];
    if (len < 0 || len > std::numeric_limits<int32_t>::max()) {
      return Status::InvalidArgument("PLAIN byte array: value " + std::to_string(i) +
                                     " has invalid length " + std::to_string(len));
    }
  }
  OUPS_RETURN_NOT_OK(EnsureCapacity(out, payload + 4 * n + 16));
  uint8_t* dst = out->mutable_data() + out->size();
  uint8_t* const start = dst;
  const int64_t last = offsets[n];
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = offsets[i + 1] - offsets[i];
    Store32(dst, static_cast<uint32_t>(len));
    if (len <= 16 && last - offsets[i] >= 16) {
      std::memcpy(dst + 4, data + offsets[i], 16);  // short value: fixed-size copy
    } else {
      std::memcpy(dst + 4, data + offsets[i], static_cast<size_t>(len));
    }
    dst += 4 + len;
  }
  return out->Resize(out->size() + (dst - start));
}

}  // namespace oups::parquet
