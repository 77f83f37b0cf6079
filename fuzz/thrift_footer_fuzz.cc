// libFuzzer target: the thrift bridge on hostile bytes.
//
// Decodes the input as a FileMetaData, converts it to oups's metadata structs
// (enum and range validation), and decodes it as a PageHeader. Failures must be
// Status values: no exception, crash, or allocation beyond the input size.
#include <cstddef>
#include <cstdint>

#include "parquet/metadata_internal.h"
#include "parquet/thrift/thrift_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 24)) return 0;
  {
    oups::parquet::format::FileMetaData fmd;
    uint32_t len = static_cast<uint32_t>(size);
    if (oups::parquet::DeserializeThrift(data, &len, &fmd).ok()) {
      if (len > size) __builtin_trap();
      // Chunks must lie inside [4, footer_start): pretend the file is 1 MiB.
      auto md = oups::parquet::ConvertFileMetadata(fmd, int64_t{1} << 20);
      (void)md;
    }
  }
  {
    oups::parquet::format::PageHeader ph;
    uint32_t len = static_cast<uint32_t>(size);
    if (oups::parquet::DeserializeThrift(data, &len, &ph).ok()) {
      if (len > size) __builtin_trap();
    }
  }
  return 0;
}
