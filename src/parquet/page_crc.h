// PageCrc32: the checksum of Parquet's PageHeader.crc field.
//
// The Parquet format defines it as the standard CRC-32 (polynomial
// 0x04C11DB7, as in gzip and zlib's crc32) of the page's bytes exactly as
// stored after its header: compressed_page_size bytes, that is the compressed
// values (and for data page v2 the uncompressed repetition and definition
// levels before them). The writer fills it on every page; the reader checks it
// whenever a header carries one.
//
// Thread-safety: a pure function. Ownership: reads the caller's bytes only.
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstdint>

namespace oups::parquet {

// Continues the CRC-32 `crc` (0 to start) over `n` bytes at `p`.
inline uint32_t PageCrc32(uint32_t crc, const uint8_t* p, int64_t n) {
  uLong c = crc;
  while (n > 0) {
    const auto step = static_cast<uInt>(std::min<int64_t>(n, int64_t{1} << 30));
    c = crc32(c, p, step);
    p += step;
    n -= step;
  }
  return static_cast<uint32_t>(c);
}

}  // namespace oups::parquet
