// RLE / bit-packing hybrid (levels, dictionary indices, RLE booleans).
//
// A stream of runs, each introduced by a ULEB128 header h (<= 32 bits):
//   h & 1 == 0: RLE run of h >> 1 copies of one value stored in ceil(w / 8)
//               little-endian bytes;
//   h & 1 == 1: bit-packed run of (h >> 1) groups of 8 values, w bits each,
//               LSB first, i.e. (h >> 1) * w bytes.

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

#include "parquet/encoding/encoding.h"
#include "parquet/encoding/encoding_internal.h"

namespace oups::parquet {

using internal::PackValues;
using internal::ReadUleb128;
using internal::UnpackGroups;
using internal::UnpackPartialGroup;
using internal::WriteUleb128;

// ------------------------------------------------------------------ decoder

RleBitPackedDecoder::RleBitPackedDecoder(const uint8_t* src, int64_t size, int bit_width)
    : pos_(src), end_(src + (size > 0 ? size : 0)), bit_width_(bit_width) {}

Status RleBitPackedDecoder::NextRun() {
  uint64_t header = 0;
  OUPS_RETURN_NOT_OK(ReadUleb128(&pos_, end_, 32, &header, "RLE/bit-packed run header"));
  const int w = bit_width_;
  if (header & 1) {
    const int64_t groups = static_cast<int64_t>(header >> 1);
    const int64_t bytes = groups * w;
    const int64_t avail = end_ - pos_;
    packed_pos_ = pos_;
    if (bytes <= avail) {
      packed_groups_ = groups;
      packed_tail_bytes_ = 0;
      pos_ += bytes;
    } else {
      // Input ends inside the run: keep the values whose bits are present.
      packed_groups_ = avail / w;
      packed_tail_bytes_ = avail % w;
      pos_ = end_;
    }
    return Status::OK();
  }
  const int64_t count = static_cast<int64_t>(header >> 1);
  if (count == 0) return Status::Corruption("RLE run of length 0");
  const int value_bytes = (w + 7) / 8;
  if (end_ - pos_ < value_bytes) {
    return Status::Corruption("truncated RLE run value: needs " + std::to_string(value_bytes) +
                              " bytes, " + std::to_string(end_ - pos_) + " left");
  }
  uint64_t value = 0;
  for (int i = 0; i < value_bytes; ++i) value |= static_cast<uint64_t>(pos_[i]) << (8 * i);
  pos_ += value_bytes;
  if (w < 64 && (value >> w) != 0) {
    return Status::Corruption("RLE run value " + std::to_string(value) + " does not fit in " +
                              std::to_string(w) + " bits");
  }
  rle_left_ = count;
  rle_value_ = value;
  return Status::OK();
}

template <typename T>
Result<int64_t> RleBitPackedDecoder::GetBatchImpl(T* out, int64_t n) {
  if (bit_width_ < 0 || bit_width_ > internal::kMaxUnpackWidth<T> || bit_width_ > 32) {
    return Status::InvalidArgument("RLE/bit-packed: bit width " + std::to_string(bit_width_) +
                                   " unsupported for " + std::to_string(8 * sizeof(T)) +
                                   "-bit output");
  }
  const int w = bit_width_;
  int64_t done = 0;
  while (done < n) {
    if (group_pos_ < group_len_) {
      const int64_t k = std::min<int64_t>(group_len_ - group_pos_, n - done);
      for (int64_t i = 0; i < k; ++i) out[done + i] = static_cast<T>(group_[group_pos_ + i]);
      group_pos_ += static_cast<int>(k);
      done += k;
    } else if (rle_left_ > 0) {
      const int64_t k = std::min(rle_left_, n - done);
      std::fill_n(out + done, k, static_cast<T>(rle_value_));
      rle_left_ -= k;
      done += k;
    } else if (packed_groups_ > 0) {
      const int64_t g = std::min(packed_groups_, (n - done) / 8);
      if (g > 0) {
        UnpackGroups<T>(packed_pos_, end_, w, g, out + done);
        packed_pos_ += g * w;
        packed_groups_ -= g;
        done += g * 8;
      } else {
        // Fewer than 8 values wanted: unpack one group and hand it out piecewise.
        UnpackGroups<uint32_t>(packed_pos_, end_, w, 1, group_);
        packed_pos_ += w;
        packed_groups_ -= 1;
        group_pos_ = 0;
        group_len_ = 8;
      }
    } else if (packed_tail_bytes_ > 0) {
      UnpackPartialGroup<uint32_t>(packed_pos_, packed_tail_bytes_, w, group_);
      group_pos_ = 0;
      group_len_ = static_cast<int>(packed_tail_bytes_ * 8 / w);
      packed_tail_bytes_ = 0;
    } else if (pos_ < end_) {
      OUPS_RETURN_NOT_OK(NextRun());
    } else {
      break;
    }
  }
  return done;
}

Result<int64_t> RleBitPackedDecoder::GetBatch(int32_t* out, int64_t n) {
  return GetBatchImpl(out, n);
}
Result<int64_t> RleBitPackedDecoder::GetBatch(int16_t* out, int64_t n) {
  return GetBatchImpl(out, n);
}
Result<int64_t> RleBitPackedDecoder::GetBatch(uint8_t* out, int64_t n) {
  return GetBatchImpl(out, n);
}

// ------------------------------------------------------------------ encoder

RleBitPackedEncoder::RleBitPackedEncoder(int bit_width) : bit_width_(bit_width) {}

uint8_t* RleBitPackedEncoder::Room(int64_t bytes) {
  const int64_t need = used_ + bytes;
  if (need > static_cast<int64_t>(bytes_.size())) {
    bytes_.resize(static_cast<size_t>(
        std::max<int64_t>({need, 2 * static_cast<int64_t>(bytes_.size()), 256})));
  }
  return bytes_.data() + used_;
}

void RleBitPackedEncoder::FlushBuffered() {
  num_buffered_ = 0;
  if (bit_width_ < 0 || bit_width_ > 32) return;  // reported by Flush
  if (repeat_count_ >= 8) {
    // The 8 buffered values all equal current_value_ and open a repeated run;
    // they will be written by FlushRepeatedRun. Close the literal run before it.
    if (literal_groups_ > 0) EndLiteralRun();
    return;
  }
  uint8_t* dst = Room(1 + bit_width_);
  if (literal_header_ < 0) {
    literal_header_ = used_;
    *dst++ = 0;  // patched by EndLiteralRun
    ++used_;
  }
  PackValues(buffered_, 8, bit_width_, dst);
  used_ += bit_width_;
  ++literal_groups_;
  repeat_count_ = 0;
  // One header byte holds at most 63 groups ((63 << 1) | 1 = 127).
  if (literal_groups_ == 63) EndLiteralRun();
}

void RleBitPackedEncoder::EndLiteralRun() {
  if (literal_header_ >= 0) {
    bytes_[static_cast<size_t>(literal_header_)] =
        static_cast<uint8_t>((literal_groups_ << 1) | 1);
  }
  literal_header_ = -1;
  literal_groups_ = 0;
}

void RleBitPackedEncoder::FlushRepeatedRun() {
  if (bit_width_ < 0 || bit_width_ > 32) {  // reported by Flush
    repeat_count_ = 0;
    return;
  }
  uint8_t* dst = Room(10 + 4);
  int k = WriteUleb128(dst, static_cast<uint64_t>(repeat_count_) << 1);
  const int value_bytes = (bit_width_ + 7) / 8;
  for (int i = 0; i < value_bytes; ++i) dst[k++] = static_cast<uint8_t>(current_value_ >> (8 * i));
  used_ += k;
  repeat_count_ = 0;
}

void RleBitPackedEncoder::PutRepeated(uint32_t value, int64_t count) {
  while (count > 0) {
    if (value == current_value_ && repeat_count_ >= 8) {
      const int64_t add = std::min(count, kMaxRunLength - 1 - repeat_count_);
      if (add <= 0) {
        FlushRepeatedRun();
        continue;
      }
      repeat_count_ += add;
      count -= add;
    } else {
      Put(value);
      --count;
    }
  }
}

template <typename T>
void RleBitPackedEncoder::PutBatchImpl(const T* values, int64_t n) {
  int64_t i = 0;
  while (i < n) {
    if (repeat_count_ >= 8 && static_cast<uint32_t>(values[i]) == current_value_) {
      // Inside a repeated run: count the equal values that follow.
      int64_t j = i + 1;
      while (j < n && static_cast<uint32_t>(values[j]) == current_value_) ++j;
      if (repeat_count_ + (j - i) < kMaxRunLength) {
        repeat_count_ += j - i;
        i = j;
        continue;
      }
    } else if (num_buffered_ == 0 && repeat_count_ < 8 && n - i >= 8) {
      // At a group boundary outside a run (repeat_count_ is then 0): a group of 8
      // values that are not all equal becomes a literal group, exactly as 8 Put()
      // calls would make it.
      uint32_t g[8];
      uint32_t diff = 0;
      for (int k = 0; k < 8; ++k) {
        g[k] = static_cast<uint32_t>(values[i + k]);
        diff |= g[k] ^ static_cast<uint32_t>(values[i]);
      }
      if (diff != 0) {
        std::memcpy(buffered_, g, sizeof(g));
        num_buffered_ = 8;
        current_value_ = g[7];
        repeat_count_ = 0;
        FlushBuffered();
        i += 8;
        continue;
      }
    }
    Put(static_cast<uint32_t>(values[i]));
    ++i;
  }
}

void RleBitPackedEncoder::PutBatch(const uint32_t* values, int64_t n) {
  PutBatchImpl(values, n);
}
void RleBitPackedEncoder::PutBatch(const int32_t* values, int64_t n) {
  PutBatchImpl(values, n);
}
void RleBitPackedEncoder::PutBatch(const int16_t* values, int64_t n) {
  PutBatchImpl(values, n);
}
void RleBitPackedEncoder::PutBatch(const uint8_t* values, int64_t n) {
  PutBatchImpl(values, n);
}

Status RleBitPackedEncoder::Flush(MutableBuffer* out) {
  if (bit_width_ < 0 || bit_width_ > 32) {
    return Status::InvalidArgument("RLE/bit-packed: bit width " + std::to_string(bit_width_) +
                                   " out of [0, 32]");
  }
  const bool all_repeat =
      literal_groups_ == 0 && (num_buffered_ == 0 || repeat_count_ == num_buffered_);
  if (repeat_count_ > 0 && all_repeat) {
    FlushRepeatedRun();
  } else if (num_buffered_ > 0) {
    // Pad the last group with zeros; readers stop after their value count.
    while (num_buffered_ < 8) buffered_[num_buffered_++] = 0;
    repeat_count_ = 0;
    FlushBuffered();
  }
  EndLiteralRun();
  Status st = out->Append(bytes_.data(), used_);
  used_ = 0;
  num_buffered_ = 0;
  current_value_ = 0;
  repeat_count_ = 0;
  return st;
}

int64_t RleBitPackedEncoder::MaxEncodedSize(int bit_width, int64_t n) {
  // Per group of 8 values: either bit-packed (w bytes, plus a run header when
  // runs alternate) or part of a repeated run (header + value bytes).
  const int64_t groups = (n + 7) / 8;
  return groups * (bit_width + 2 + (bit_width + 7) / 8) + 16;
}

int BitWidthFor(uint64_t max_value) { return static_cast<int>(std::bit_width(max_value)); }

Status DecodeDictionaryIndices(const uint8_t* src, int64_t size, int64_t n,
                               int64_t dict_size, int32_t* out) {
  if (n < 0) return Status::InvalidArgument("dictionary indices: negative value count");
  if (n == 0) return Status::OK();
  if (size < 1) return Status::Corruption("dictionary indices: missing bit width byte");
  const int w = src[0];
  if (w > 32) {
    return Status::Corruption("dictionary indices: bit width " + std::to_string(w) +
                              " exceeds 32");
  }
  if (dict_size <= 0) {
    return Status::Corruption("dictionary indices on a page with an empty dictionary");
  }
  if (w == 0) {
    std::fill_n(out, n, 0);  // every index is 0 whatever follows
    return Status::OK();
  }
  RleBitPackedDecoder decoder(src + 1, size - 1, w);
  OUPS_ASSIGN_OR_RETURN(const int64_t got, decoder.GetBatch(out, n));
  if (got < n) {
    return Status::Corruption("dictionary indices: expected " + std::to_string(n) +
                              " values, data holds " + std::to_string(got));
  }
  if (w < 32 && dict_size >= (int64_t{1} << w)) return Status::OK();  // all fit
  uint32_t max_index = 0;
  for (int64_t i = 0; i < n; ++i) max_index = std::max(max_index, static_cast<uint32_t>(out[i]));
  if (max_index >= static_cast<uint64_t>(dict_size)) {
    for (int64_t i = 0; i < n; ++i) {
      if (static_cast<uint32_t>(out[i]) >= static_cast<uint64_t>(dict_size)) {
        return Status::Corruption("dictionary index " +
                                  std::to_string(static_cast<uint32_t>(out[i])) +
                                  " at position " + std::to_string(i) +
                                  " out of range for a dictionary of " +
                                  std::to_string(dict_size) + " values");
      }
    }
  }
  return Status::OK();
}

}  // namespace oups::parquet
