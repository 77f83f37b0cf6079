// libFuzzer target: the value and level decoders of src/parquet/encoding/.
//
// Input layout: byte 0 selects the decoder, bytes 1..3 give the value count
// (little-endian, bounded by kMaxValues), byte 4 a parameter (bit width,
// dictionary size, FIXED_LEN_BYTE_ARRAY width...), the rest is the encoded
// data. Output buffers are sized for the count, exactly as the column reader
// sizes them, so ASan catches any write past what the contract allows.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "oups/common/buffer.h"
#include "parquet/encoding/encoding.h"

namespace {

using namespace oups::parquet;

constexpr int64_t kMaxValues = 1 << 16;

enum Decoder : uint8_t {
  kPlainFixed,
  kPlainBoolean,
  kPlainByteArray,
  kRle8,
  kRle16,
  kRle32,
  kDictIndices,
  kDeltaBinaryPacked32,
  kDeltaBinaryPacked64,
  kDeltaLengthByteArray,
  kDeltaByteArray,
  kByteStreamSplit,
  kNumDecoders
};

// Exactly-sized heap copy so ASan sees reads past `size`.
std::vector<uint8_t> Copy(const uint8_t* p, size_t n) { return std::vector<uint8_t>(p, p + n); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  const int which = data[0] % kNumDecoders;
  const int64_t n = (data[1] | (data[2] << 8) | (int64_t(data[3]) << 16)) % (kMaxValues + 1);
  const uint8_t param = data[4];
  std::vector<uint8_t> in = Copy(data + 5, size - 5);
  const uint8_t* src = in.data();
  const int64_t len = static_cast<int64_t>(in.size());
  switch (which) {
    case kPlainFixed: {
      static const int kWidths[] = {1, 2, 4, 8, 12, 16};
      const int w = kWidths[param % 6];
      std::vector<uint8_t> out(static_cast<size_t>(n * w));
      (void)DecodePlainFixed(src, len, n, w, out.data());
      break;
    }
    case kPlainBoolean: {
      const int64_t off = param % 8;
      std::vector<uint8_t> out(static_cast<size_t>((n + off + 7) / 8));
      (void)DecodePlainBoolean(src, len, n, out.data(), off);
      break;
    }
    case kPlainByteArray: {
      oups::MutableBuffer values;
      std::vector<int64_t> ends(static_cast<size_t>(n));
      auto r = DecodePlainByteArray(src, len, n, &values, ends.data());
      if (r.ok() && *r > len) __builtin_trap();
      break;
    }
    case kRle8: {
      std::vector<uint8_t> out(static_cast<size_t>(n));
      RleBitPackedDecoder dec(src, len, param % 12);
      auto r = dec.GetBatch(out.data(), n);
      if (r.ok() && *r > n) __builtin_trap();
      break;
    }
    case kRle16: {
      std::vector<int16_t> out(static_cast<size_t>(n));
      RleBitPackedDecoder dec(src, len, param % 20);
      // Two calls: the second resumes inside a run.
      auto r = dec.GetBatch(out.data(), n / 3);
      if (r.ok()) r = dec.GetBatch(out.data(), n - n / 3);
      break;
    }
    case kRle32: {
      std::vector<int32_t> out(static_cast<size_t>(n));
      RleBitPackedDecoder dec(src, len, param % 36);
      auto r = dec.GetBatch(out.data(), n);
      if (r.ok() && *r > n) __builtin_trap();
      break;
    }
    case kDictIndices: {
      std::vector<int32_t> out(static_cast<size_t>(n));
      const int64_t dict_size = param;
      auto st = DecodeDictionaryIndices(src, len, n, dict_size, out.data());
      if (st.ok()) {
        for (int32_t ix : out) {
          if (ix < 0 || ix >= dict_size) __builtin_trap();
        }
      }
      break;
    }
    case kDeltaBinaryPacked32:
    case kDeltaBinaryPacked64: {
      const int w = which == kDeltaBinaryPacked32 ? 4 : 8;
      std::vector<uint8_t> out(static_cast<size_t>(n * w));
      auto r = DecodeDeltaBinaryPacked(src, len, n, w, out.data());
      if (r.ok() && *r > len) __builtin_trap();
      break;
    }
    case kDeltaLengthByteArray: {
      oups::MutableBuffer values;
      std::vector<int64_t> ends(static_cast<size_t>(n));
      auto r = DecodeDeltaLengthByteArray(src, len, n, &values, ends.data());
      if (r.ok() && *r > len) __builtin_trap();
      break;
    }
    case kDeltaByteArray: {
      oups::MutableBuffer values;
      std::vector<int64_t> ends(static_cast<size_t>(n));
      auto r = DecodeDeltaByteArray(src, len, n, &values, ends.data());
      if (r.ok() && *r > len) __builtin_trap();
      break;
    }
    case kByteStreamSplit: {
      static const int kWidths[] = {2, 4, 8, 12, 16};
      const int w = kWidths[param % 5];
      std::vector<uint8_t> out(static_cast<size_t>(n * w));
      auto r = DecodeByteStreamSplit(src, len, n, w, out.data());
      if (r.ok() && *r > len) __builtin_trap();
      break;
    }
    default: break;
  }
  return 0;
}
