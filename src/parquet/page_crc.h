// PageCrc32: the checksum of Parquet's PageHeader.crc field.
//
// The Parquet format defines it as the standard CRC-32 (polynomial
// 0x04C11DB7, as in gzip and zlib's crc32) of the page's bytes exactly as
// stored after its header: compressed_page_size bytes, that is the compressed
// values (and for data page v2 the uncompressed repetition and definition
// levels before them). The writer fills it on every page; the reader checks it
// whenever a header carries one.
//
// On x86-64 processors with PCLMULQDQ the bulk of the bytes is folded with
// carry-less multiplications (about 4 times zlib's table-driven speed); zlib's
// crc32 handles short inputs and the tails, and every other processor.
//
// Thread-safety: a pure function. Ownership: reads the caller's bytes only.
#pragma once

#include <cstdint>

namespace oups::parquet {

// Continues the CRC-32 `crc` (0 to start) over `n` bytes at `p`; the same
// value as zlib's crc32(crc, p, n).
uint32_t PageCrc32(uint32_t crc, const uint8_t* p, int64_t n);

}  // namespace oups::parquet
