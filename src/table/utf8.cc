// UTF-8 validation kernel (kernels.h): an ASCII fast path eight bytes at a
// time, and a table-free scalar check of multi-byte sequences (the ranges of
// RFC 3629, table 3-7 of the Unicode standard).
#include <cstdint>
#include <cstring>
#include <string_view>

#include "oups/table/kernels.h"

namespace oups {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ULL;

// Length of the ASCII prefix of [p, p + n), found a word at a time.
size_t AsciiPrefix(const uint8_t* p, size_t n) {
  size_t i = 0;
  while (i + 32 <= n) {
    uint64_t w[4];
    std::memcpy(w, p + i, 32);
    if (((w[0] | w[1] | w[2] | w[3]) & kHighBits) != 0) break;
    i += 32;
  }
  while (i + 8 <= n) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if ((w & kHighBits) != 0) break;
    i += 8;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

bool ValidUtf8(const uint8_t* p, size_t n) {
  size_t i = 0;
  while (i < n) {
    i += AsciiPrefix(p + i, n - i);
    if (i >= n) return true;
    const uint8_t b0 = p[i];
    if (b0 < 0xC2) return false;  // continuation byte, or overlong 2-byte lead
    if (b0 < 0xE0) {              // U+0080..U+07FF
      if (i + 1 >= n || !IsContinuation(p[i + 1])) return false;
      i += 2;
      continue;
    }
    if (b0 < 0xF0) {  // U+0800..U+FFFF minus the surrogates
      if (i + 2 >= n) return false;
      const uint8_t b1 = p[i + 1];
      const uint8_t lo = b0 == 0xE0 ? 0xA0 : 0x80;
      const uint8_t hi = b0 == 0xED ? 0x9F : 0xBF;
      if (b1 < lo || b1 > hi || !IsContinuation(p[i + 2])) return false;
      i += 3;
      continue;
    }
    if (b0 < 0xF5) {  // U+10000..U+10FFFF
      if (i + 3 >= n) return false;
      const uint8_t b1 = p[i + 1];
      const uint8_t lo = b0 == 0xF0 ? 0x90 : 0x80;
      const uint8_t hi = b0 == 0xF4 ? 0x8F : 0xBF;
      if (b1 < lo || b1 > hi || !IsContinuation(p[i + 2]) || !IsContinuation(p[i + 3])) {
        return false;
      }
      i += 4;
      continue;
    }
    return false;  // 0xF5..0xFF never appear
  }
  return true;
}

}  // namespace

bool IsValidUtf8(std::string_view bytes) {
  return ValidUtf8(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

Result<int64_t> FindInvalidUtf8(const Column& column) {
  if (column.type().id != TypeId::kString) {
    return Status::TypeError("UTF-8 validation applies to string columns, not " +
                             column.type().ToString());
  }
  const int64_t n = column.length();
  if (n == 0) return int64_t{-1};
  const int64_t* off = column.offsets_data();
  const uint8_t* base = column.values() != nullptr ? column.values()->data() : nullptr;
  const int64_t begin = off[0], end = off[n];
  if (base == nullptr || end <= begin) return int64_t{-1};
  // Fast path: every byte of the column (null slots included) is ASCII.
  const size_t span = static_cast<size_t>(end - begin);
  if (AsciiPrefix(base + begin, span) == span) return int64_t{-1};
  const bool nulls = column.has_nulls();
  for (int64_t i = 0; i < n; ++i) {
    if (nulls && column.IsNull(i)) continue;
    if (!ValidUtf8(base + off[i], static_cast<size_t>(off[i + 1] - off[i]))) return i;
  }
  return int64_t{-1};
}

}  // namespace oups
