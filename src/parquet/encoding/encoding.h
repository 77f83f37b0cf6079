// Parquet value and level encodings as pure functions over byte spans.
//
// No I/O, no thrift. Every decoder validates its own header and never reads past
// [src, src + size); malformed input returns Corruption describing the problem
// (callers add the file/column context). Output buffers are provided by callers
// and sized by them for `n` values unless stated otherwise.
//
// Byte-array values are decoded by appending their bytes to a MutableBuffer
// `data` and writing, for each value, the end position (data->size() after the
// value was appended) into `ends[i]`.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "oups/common/buffer.h"
#include "oups/result.h"

namespace oups::parquet {

// ---------------------------------------------------------------- PLAIN
// Fixed-width values (INT32 4, INT64 8, INT96 12, FLOAT 4, DOUBLE 8, FLBA w):
// copies n * width bytes. Returns bytes consumed.
Result<int64_t> DecodePlainFixed(const uint8_t* src, int64_t size, int64_t n, int width,
                                 uint8_t* out);
// BOOLEAN: bit-packed LSB first. Writes n bits into `out_bits` starting at bit
// `out_bit_offset`. Returns bytes consumed (ceil(n/8)).
Result<int64_t> DecodePlainBoolean(const uint8_t* src, int64_t size, int64_t n,
                                   uint8_t* out_bits, int64_t out_bit_offset);
// BYTE_ARRAY: 4-byte little-endian length + bytes, n times. Returns bytes consumed.
Result<int64_t> DecodePlainByteArray(const uint8_t* src, int64_t size, int64_t n,
                                     MutableBuffer* data, int64_t* ends);
// Encoders append to `out`.
Status EncodePlainFixed(const uint8_t* values, int64_t n, int width, MutableBuffer* out);
// `bits` holds n bits starting at bit `bit_offset`.
Status EncodePlainBoolean(const uint8_t* bits, int64_t bit_offset, int64_t n,
                          MutableBuffer* out);
// Values i in [0, n): bytes [offsets[i], offsets[i+1]) of `data`.
Status EncodePlainByteArray(const int64_t* offsets, const uint8_t* data, int64_t n,
                            MutableBuffer* out);

// ---------------------------------------------------- RLE / bit-packed hybrid
// The hybrid encoding used for definition/repetition levels, dictionary indices
// and (RLE encoding of) booleans. The input here has no length prefix and no
// bit-width byte: callers strip those.
class RleBitPackedDecoder {
 public:
  RleBitPackedDecoder(const uint8_t* src, int64_t size, int bit_width);
  // Decodes up to n values into out; returns how many were decoded (< n only at
  // the end of the input), or Corruption. A bit-packed run cut short by the end
  // of the input yields the values whose bits are present. bit_width must be
  // in [0, 32] and fit the output type (<= 16 for int16_t, <= 8 for uint8_t),
  // else InvalidArgument.
  Result<int64_t> GetBatch(int32_t* out, int64_t n);
  Result<int64_t> GetBatch(int16_t* out, int64_t n);
  Result<int64_t> GetBatch(uint8_t* out, int64_t n);

 private:
  template <typename T>
  Result<int64_t> GetBatchImpl(T* out, int64_t n);
  // Reads the next run header at pos_ (< end_) and sets up the run.
  Status NextRun();
  const uint8_t* pos_;          // next run header
  const uint8_t* end_;
  int bit_width_;
  int64_t rle_left_ = 0;        // values left in the current RLE run
  uint64_t rle_value_ = 0;
  const uint8_t* packed_pos_ = nullptr;  // next unread group of the bit-packed run
  int64_t packed_groups_ = 0;   // complete groups of 8 left in the bit-packed run
  int64_t packed_tail_bytes_ = 0;  // bytes of a final group cut short by the input end
  uint32_t group_[8] = {};      // one unpacked group, partially consumed
  int group_pos_ = 0;
  int group_len_ = 0;
};

// Encodes values (each < 2^bit_width) appending to `out`, choosing RLE runs for
// repeats of >= 8 and bit-packed groups of 8 otherwise.
class RleBitPackedEncoder {
 public:
  // bit_width in [0, 32].
  explicit RleBitPackedEncoder(int bit_width);
  // Defined inline below: it is called once per value.
  void Put(uint32_t value);
  void PutRepeated(uint32_t value, int64_t count);
  // Same as Put() for each of values[0..n), faster: groups of 8 distinct values
  // and long runs skip the per-value bookkeeping.
  void PutBatch(const uint32_t* values, int64_t n);
  void PutBatch(const int32_t* values, int64_t n);
  void PutBatch(const int16_t* values, int64_t n);
  void PutBatch(const uint8_t* values, int64_t n);
  // Flushes pending values into `out` (appends) and resets the encoder.
  Status Flush(MutableBuffer* out);
  // Upper bound of the encoded size of n values.
  static int64_t MaxEncodedSize(int bit_width, int64_t n);
 private:
  // Writes the 8 buffered values as a bit-packed group (or drops them when they
  // start a repeated run).
  void FlushBuffered();
  template <typename T>
  void PutBatchImpl(const T* values, int64_t n);
  void EndLiteralRun();
  void FlushRepeatedRun();
  uint8_t* Room(int64_t bytes);  // pointer to `bytes` writable bytes at used_
  static constexpr int64_t kMaxRunLength = (int64_t{1} << 31) - 1;
  int bit_width_;
  uint32_t buffered_[8] = {};
  int num_buffered_ = 0;
  uint32_t current_value_ = 0;
  int64_t repeat_count_ = 0;      // consecutive copies of current_value_
  int64_t literal_groups_ = 0;    // groups in the open bit-packed run
  int64_t literal_header_ = -1;   // offset of that run's header byte, -1 if none
  std::vector<uint8_t> bytes_;    // encoded output (first used_ bytes)
  int64_t used_ = 0;
};

inline void RleBitPackedEncoder::Put(uint32_t value) {
  if (value == current_value_) {
    if (++repeat_count_ > 8) {
      // Inside a repeated run: nothing to buffer.
      if (repeat_count_ == kMaxRunLength) FlushRepeatedRun();
      return;
    }
  } else {
    if (repeat_count_ >= 8) FlushRepeatedRun();
    repeat_count_ = 1;
    current_value_ = value;
  }
  buffered_[num_buffered_++] = value;
  if (num_buffered_ == 8) FlushBuffered();
}

// Bits needed for values in [0, max_value].
int BitWidthFor(uint64_t max_value);

// Dictionary indices of a data page: one bit-width byte, then the hybrid RLE.
// Writes n indices; each must be < dict_size (else Corruption).
Status DecodeDictionaryIndices(const uint8_t* src, int64_t size, int64_t n,
                               int64_t dict_size, int32_t* out);

// --------------------------------------------------------------- DELTA family
// DELTA_BINARY_PACKED for INT32 (width 4) and INT64 (width 8). Decodes exactly
// n values into `out` (int32_t* or int64_t* as bytes); returns bytes consumed.
Result<int64_t> DecodeDeltaBinaryPacked(const uint8_t* src, int64_t size, int64_t n,
                                        int width, uint8_t* out);
Status EncodeDeltaBinaryPacked(const uint8_t* values, int64_t n, int width,
                               MutableBuffer* out);
// DELTA_LENGTH_BYTE_ARRAY (BYTE_ARRAY). Returns bytes consumed.
Result<int64_t> DecodeDeltaLengthByteArray(const uint8_t* src, int64_t size, int64_t n,
                                           MutableBuffer* data, int64_t* ends);
Status EncodeDeltaLengthByteArray(const int64_t* offsets, const uint8_t* data, int64_t n,
                                  MutableBuffer* out);
// DELTA_BYTE_ARRAY (BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY). Returns bytes consumed.
Result<int64_t> DecodeDeltaByteArray(const uint8_t* src, int64_t size, int64_t n,
                                     MutableBuffer* data, int64_t* ends);
Status EncodeDeltaByteArray(const int64_t* offsets, const uint8_t* data, int64_t n,
                            MutableBuffer* out);

// ----------------------------------------------------------- BYTE_STREAM_SPLIT
// For FLOAT/DOUBLE/INT32/INT64/FLBA of `width` bytes: src holds `width` streams of
// n bytes. Writes n * width bytes to out. Returns bytes consumed.
Result<int64_t> DecodeByteStreamSplit(const uint8_t* src, int64_t size, int64_t n,
                                      int width, uint8_t* out);
Status EncodeByteStreamSplit(const uint8_t* values, int64_t n, int width,
                             MutableBuffer* out);

}  // namespace oups::parquet
