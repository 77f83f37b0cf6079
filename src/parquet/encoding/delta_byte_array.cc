// DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY.
//
// DELTA_LENGTH_BYTE_ARRAY: the n lengths as DELTA_BINARY_PACKED (INT32), then the
// n values' bytes concatenated.
// DELTA_BYTE_ARRAY (incremental / front coding): the n prefix lengths as
// DELTA_BINARY_PACKED (INT32), then the suffixes as DELTA_LENGTH_BYTE_ARRAY.
// Value i = first prefix_i bytes of value i-1, then suffix i.

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "parquet/encoding/encoding.h"
#include "parquet/encoding/encoding_internal.h"

namespace oups::parquet {

using internal::EnsureCapacity;
using internal::Load64;

namespace {

// Largest output a DELTA_BYTE_ARRAY page of `size` bytes may expand to. Front
// coding lets a few bytes repeat a long prefix n times (a 4 KiB page could ask
// for terabytes), so, as for decompression in the column reader, the output
// may exceed 16 MiB only up to 4096 times the page size (and never the buffer
// cap of 2^40).
int64_t MaxExpandedBytes(int64_t size) {
  constexpr int64_t kAlwaysAccepted = int64_t{16} << 20;
  constexpr int64_t kMaxRatio = 4096;
  constexpr int64_t kBufferCap = int64_t{1} << 40;
  return std::min(kBufferCap, std::max(kAlwaysAccepted, size * kMaxRatio));
}

// Decodes n INT32 lengths (DELTA_BINARY_PACKED) from src and stores them widened
// to int64 in lengths[0..n). Returns bytes consumed.
Result<int64_t> DecodeLengths(const uint8_t* src, int64_t size, int64_t n, int64_t* lengths) {
  auto* bytes = reinterpret_cast<uint8_t*>(lengths);
  OUPS_ASSIGN_OR_RETURN(const int64_t consumed,
                        DecodeDeltaBinaryPacked(src, size, n, 4, bytes));
  // The int32 values occupy bytes [0, 4n); widen from the back so that writing
  // lengths[i] (bytes [8i, 8i + 8)) never clobbers an int32 not yet read.
  for (int64_t i = n - 1; i >= 0; --i) {
    int32_t v;
    std::memcpy(&v, bytes + 4 * i, 4);
    lengths[i] = v;
  }
  return consumed;
}

// Checks the lengths of values [offsets[i], offsets[i+1]) and stores them as int32.
Status CollectLengths(const int64_t* offsets, int64_t n, const char* what,
                      std::vector<int32_t>* lengths) {
  lengths->resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = offsets[i + 1] - offsets[i];
    if (len < 0 || len > std::numeric_limits<int32_t>::max()) {
      return Status::InvalidArgument(std::string(what) + ": value " + std::to_string(i) +
                                     " has invalid length " + std::to_string(len));
    }
    (*lengths)[static_cast<size_t>(i)] = static_cast<int32_t>(len);
  }
  return Status::OK();
}

int64_t CommonPrefix(const uint8_t* a, int64_t a_len, const uint8_t* b, int64_t b_len) {
  const int64_t limit = std::min(a_len, b_len);
  int64_t i = 0;
  while (i + 8 <= limit) {
    const uint64_t x = Load64(a + i) ^ Load64(b + i);
    if (x != 0) return i + std::countr_zero(x) / 8;
    i += 8;
  }
  while (i < limit && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

Result<int64_t> DecodeDeltaLengthByteArray(const uint8_t* src, int64_t size, int64_t n,
                                           MutableBuffer* data, int64_t* ends) {
  if (n < 0 || size < 0) {
    return Status::InvalidArgument("DELTA_LENGTH_BYTE_ARRAY: negative size or count");
  }
  if (n == 0 && size == 0) return int64_t{0};
  OUPS_ASSIGN_OR_RETURN(const int64_t header, DecodeLengths(src, size, n, ends));
  const int64_t avail = size - header;
  const int64_t base = data->size();
  int64_t total = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = ends[i];
    if (len < 0) {
      return Status::Corruption("DELTA_LENGTH_BYTE_ARRAY: value " + std::to_string(i) +
                                " has negative length " + std::to_string(len));
    }
    total += len;
    if (total > avail) {
      return Status::Corruption("DELTA_LENGTH_BYTE_ARRAY: lengths up to value " +
                                std::to_string(i) + " need " + std::to_string(total) +
                                " bytes, only " + std::to_string(avail) + " follow");
    }
    ends[i] = base + total;
  }
  OUPS_RETURN_NOT_OK(data->Append(src + header, total));
  return header + total;
}

Status EncodeDeltaLengthByteArray(const int64_t* offsets, const uint8_t* data, int64_t n,
                                  MutableBuffer* out) {
  if (n < 0) return Status::InvalidArgument("DELTA_LENGTH_BYTE_ARRAY: negative value count");
  std::vector<int32_t> lengths;
  OUPS_RETURN_NOT_OK(CollectLengths(offsets, n, "DELTA_LENGTH_BYTE_ARRAY", &lengths));
  OUPS_RETURN_NOT_OK(EncodeDeltaBinaryPacked(reinterpret_cast<const uint8_t*>(lengths.data()),
                                             n, 4, out));
  if (n == 0) return Status::OK();
  return out->Append(data + offsets[0], offsets[n] - offsets[0]);
}

Result<int64_t> DecodeDeltaByteArray(const uint8_t* src, int64_t size, int64_t n,
                                     MutableBuffer* data, int64_t* ends) {
  if (n < 0 || size < 0) {
    return Status::InvalidArgument("DELTA_BYTE_ARRAY: negative size or count");
  }
  if (n == 0 && size == 0) return int64_t{0};
  std::vector<int32_t> prefix(static_cast<size_t>(n));
  OUPS_ASSIGN_OR_RETURN(
      const int64_t prefix_bytes,
      DecodeDeltaBinaryPacked(src, size, n, 4, reinterpret_cast<uint8_t*>(prefix.data())));
  // Suffix lengths go to `ends` (overwritten by end positions in the last pass).
  OUPS_ASSIGN_OR_RETURN(const int64_t suffix_header,
                        DecodeLengths(src + prefix_bytes, size - prefix_bytes, n, ends));
  const int64_t header = prefix_bytes + suffix_header;
  const int64_t avail = size - header;

  // Pass 1: validate and size the output.
  int64_t prev_len = 0;
  int64_t suffix_total = 0;
  int64_t total = 0;
  const int64_t max_total = MaxExpandedBytes(size);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t p = prefix[static_cast<size_t>(i)];
    const int64_t s = ends[i];
    if (p < 0 || s < 0) {
      return Status::Corruption("DELTA_BYTE_ARRAY: value " + std::to_string(i) +
                                " has negative " + (p < 0 ? "prefix" : "suffix") + " length");
    }
    if (p > prev_len) {
      return Status::Corruption("DELTA_BYTE_ARRAY: prefix length " + std::to_string(p) +
                                " of value " + std::to_string(i) +
                                " exceeds the previous value's length " +
                                std::to_string(prev_len));
    }
    suffix_total += s;
    if (suffix_total > avail) {
      return Status::Corruption("DELTA_BYTE_ARRAY: suffixes up to value " + std::to_string(i) +
                                " need " + std::to_string(suffix_total) + " bytes, only " +
                                std::to_string(avail) + " follow");
    }
    prev_len = p + s;
    total += prev_len;
    if (total > max_total) {
      return Status::Corruption("DELTA_BYTE_ARRAY: values expand to more than " +
                                std::to_string(max_total) + " bytes from a page of " +
                                std::to_string(size) + " bytes");
    }
  }
  // Pass 2: materialise. One reservation (+32 bytes of slack for the 16-byte
  // block copies below), so `base` stays valid. (Reading back the value just
  // written costs a store-forwarding stall per value; it dominates here.)
  OUPS_RETURN_NOT_OK(EnsureCapacity(data, total + 32));
  uint8_t* const base = data->mutable_data();
  const uint8_t* suffix = src + header;
  const uint8_t* const src_end = src + size;
  int64_t pos = data->size();
  int64_t prev_start = pos;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t p = prefix[static_cast<size_t>(i)];
    const int64_t s = ends[i];
    // The previous value ends at `pos` >= prev_start + p, so the p prefix bytes
    // never overlap their destination. Short copies move a 16-byte block; the
    // bytes past the value are garbage overwritten by the next value (the block
    // is loaded before it is stored, so an overlap of the excess is harmless).
    if (p <= 16) {
      uint64_t block[2];
      std::memcpy(block, base + prev_start, 16);
      std::memcpy(base + pos, block, 16);
    } else {
      std::memcpy(base + pos, base + prev_start, static_cast<size_t>(p));
    }
    if (s <= 16 && src_end - suffix >= 16) {
      std::memcpy(base + pos + p, suffix, 16);
    } else if (s > 0) {
      std::memcpy(base + pos + p, suffix, static_cast<size_t>(s));
    }
    suffix += s;
    prev_start = pos;
    pos += p + s;
    ends[i] = pos;
  }
  OUPS_RETURN_NOT_OK(data->Resize(pos));
  return header + suffix_total;
}

Status EncodeDeltaByteArray(const int64_t* offsets, const uint8_t* data, int64_t n,
                            MutableBuffer* out) {
  if (n < 0) return Status::InvalidArgument("DELTA_BYTE_ARRAY: negative value count");
  std::vector<int32_t> lengths;
  OUPS_RETURN_NOT_OK(CollectLengths(offsets, n, "DELTA_BYTE_ARRAY", &lengths));
  std::vector<int32_t> prefix(static_cast<size_t>(n));
  std::vector<int32_t> suffix(static_cast<size_t>(n));
  int64_t suffix_total = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = lengths[static_cast<size_t>(i)];
    const int64_t p =
        i == 0 ? 0
               : CommonPrefix(data + offsets[i - 1], lengths[static_cast<size_t>(i - 1)],
                              data + offsets[i], len);
    prefix[static_cast<size_t>(i)] = static_cast<int32_t>(p);
    suffix[static_cast<size_t>(i)] = static_cast<int32_t>(len - p);
    suffix_total += len - p;
  }
  OUPS_RETURN_NOT_OK(
      EncodeDeltaBinaryPacked(reinterpret_cast<const uint8_t*>(prefix.data()), n, 4, out));
  OUPS_RETURN_NOT_OK(
      EncodeDeltaBinaryPacked(reinterpret_cast<const uint8_t*>(suffix.data()), n, 4, out));
  OUPS_RETURN_NOT_OK(EnsureCapacity(out, suffix_total));
  uint8_t* dst = out->mutable_data() + out->size();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t p = prefix[static_cast<size_t>(i)];
    const int64_t s = suffix[static_cast<size_t>(i)];
    if (s > 0) std::memcpy(dst, data + offsets[i] + p, static_cast<size_t>(s));
    dst += s;
  }
  return out->Resize(out->size() + suffix_total);
}

}  // namespace oups::parquet
