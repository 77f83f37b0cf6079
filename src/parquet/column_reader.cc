#include "parquet/column_reader.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "parquet/encoding/encoding.h"
#include "parquet/page_crc.h"
#include "parquet/thrift/thrift_codec.h"

namespace oups::parquet {

namespace {

constexpr int64_t kSmallPage = int64_t{16} << 20;    // always accepted uncompressed size
constexpr int64_t kMaxRatio = 4096;                  // beyond kSmallPage

int PhysicalWidth(const ColumnDescriptor& d) {
  switch (d.physical_type) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat: return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: return 8;
    case PhysicalType::kInt96: return 12;
    case PhysicalType::kFixedLenByteArray: return d.type_length;
    default: return 0;
  }
}

std::string EncName(int e) {
  const std::string_view name = EncodingName(static_cast<Encoding>(e));
  if (name != "UNKNOWN") return std::string(name);
  return "unknown (" + std::to_string(e) + ")";
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = uint32_t(h >> 15) << 31;
  uint32_t exp = (h >> 10) & 0x1F;
  uint32_t mant = h & 0x3FF;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal
      exp = 127 - 15 + 1;
      while ((mant & 0x400) == 0) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3FF;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (mant << 13);
  } else {
    bits = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// Reserves room for `extra` more bytes, growing geometrically so that a chunk's
// pages appended one by one cost amortised linear time.
Status ReserveMore(MutableBuffer* buf, int64_t extra) {
  const int64_t need = buf->size() + extra;
  if (need <= buf->capacity()) return Status::OK();
  return buf->Reserve(std::max(need, buf->capacity() + buf->capacity() / 2));
}

// Packs n levels (each 0 or 1) into bitmap bits [bit_pos, bit_pos + n) and
// returns how many are 1, or -1 if a level is above 1.
int64_t PackLevels(const uint8_t* levels, int64_t n, uint8_t* bitmap, int64_t bit_pos) {
  int64_t ones = 0;
  int64_t i = 0;
  // Unaligned head, bit by bit.
  for (; i < n && ((bit_pos + i) & 7) != 0; ++i) {
    if (levels[i] > 1) return -1;
    SetBitTo(bitmap, bit_pos + i, levels[i] != 0);
    ones += levels[i];
  }
  // Whole bytes: 8 levels -> 1 bitmap byte.
  uint8_t* out = bitmap + ((bit_pos + i) >> 3);
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, levels + i, 8);
    if (w & ~0x0101010101010101ull) return -1;
    *out++ = static_cast<uint8_t>((w * 0x0102040810204080ull) >> 56);
    ones += static_cast<int64_t>((w * 0x0101010101010101ull) >> 56);  // sum of 0/1 bytes
  }
  for (; i < n; ++i) {
    if (levels[i] > 1) return -1;
    SetBitTo(bitmap, bit_pos + i, levels[i] != 0);
    ones += levels[i];
  }
  return ones;
}

// A page's decoded output (values, offsets, validity bits) obeys the bound on
// decompressed sizes: at most kSmallPage, or kMaxRatio times the page's stored
// size. RLE runs otherwise let a few bytes claim billions of values.
Status CheckPageValueBound(const ColumnDescriptor& d, int64_t nv, int64_t csize) {
  const bool is_bool = d.physical_type == PhysicalType::kBoolean;
  const bool is_byte_array = d.physical_type == PhysicalType::kByteArray;
  const int64_t per_value_bits =
      is_bool ? 1 : (is_byte_array ? 64 : int64_t{8} * PhysicalWidth(d));
  const int64_t bytes = nv * (per_value_bits + (d.optional ? 1 : 0)) / 8;
  if (bytes > kSmallPage && bytes / kMaxRatio > csize) {
    return Status::Corruption("data page of " + std::to_string(csize) + " bytes claims " +
                              std::to_string(nv) + " values (" + std::to_string(bytes) +
                              " bytes decoded)");
  }
  return Status::OK();
}

// ------------------------------------------------------------ value decoders

// The dictionary of the column chunk being decoded (its dictionary page).
struct ChunkDictionary {
  bool present = false;
  int64_t n = 0;
  MutableBuffer fixed;         // fixed width: n * width bytes
  MutableBuffer data;          // byte arrays: the bytes, padded
  std::vector<int64_t> ends;   // byte arrays: end offset of each value
  int64_t max_len = 0;         // longest byte-array value
};

// How the values of a physical type are held while a page decodes.
enum class ValueKind : uint8_t { kBool, kByteArray, kFixed };

// Where a data page's `nn` dense (non-null) values go; the field of the column's
// ValueKind is set.
struct DenseOut {
  uint8_t* fixed = nullptr;      // kFixed: nn * width bytes
  uint8_t* bits = nullptr;       // kBool: nn bits, zero-filled
  MutableBuffer* data = nullptr;  // kByteArray: bytes appended
  int64_t* ends = nullptr;       // kByteArray: nn end offsets into *data
};

// One decoder object per value encoding of a data page: the accumulator picks
// the page's decoder by its encoding (ColumnAccumulator::Impl::DecoderFor) and
// spreads the dense values over the slots afterwards. A decoder is made for
// one column (physical type, width) and reused for every page of that
// encoding; MakeValueDecoder refuses the encodings the physical type cannot
// hold.
class ValueDecoder {
 public:
  ValueDecoder(ValueKind kind, int width) : kind_(kind), width_(width) {}
  virtual ~ValueDecoder() = default;
  // Decodes `nn` values from the page body [src, src + size) into `out`.
  virtual Status Decode(const uint8_t* src, int64_t size, int64_t nn, const DenseOut& out) = 0;

 protected:
  const ValueKind kind_;
  const int width_;
};

class PlainDecoder final : public ValueDecoder {
 public:
  using ValueDecoder::ValueDecoder;
  Status Decode(const uint8_t* src, int64_t size, int64_t nn, const DenseOut& out) override {
    switch (kind_) {
      case ValueKind::kBool:
        return DecodePlainBoolean(src, size, nn, out.bits, 0).status();
      case ValueKind::kByteArray:
        if (nn > size / 4) {
          return Status::Corruption("page claims " + std::to_string(nn) + " byte arrays in " +
                                    std::to_string(size) + " bytes");
        }
        OUPS_RETURN_NOT_OK(ReserveMore(out.data, size));
        return DecodePlainByteArray(src, size, nn, out.data, out.ends).status();
      case ValueKind::kFixed:
        return DecodePlainFixed(src, size, nn, width_, out.fixed).status();
    }
    return Status::OK();
  }
};

// RLE booleans: a 4-byte length, then RLE / bit-packed runs of width 1.
class RleBooleanDecoder final : public ValueDecoder {
 public:
  using ValueDecoder::ValueDecoder;
  Status Decode(const uint8_t* src, int64_t size, int64_t nn, const DenseOut& out) override {
    if (size < 4) return Status::Corruption("RLE boolean page without length prefix");
    uint32_t len;
    std::memcpy(&len, src, 4);
    if (len > size - 4) {
      return Status::Corruption("RLE boolean length " + std::to_string(len) + " past the page end");
    }
    levels_.resize(static_cast<size_t>(nn));
    RleBitPackedDecoder dec(src + 4, len, 1);
    OUPS_ASSIGN_OR_RETURN(int64_t got, dec.GetBatch(levels_.data(), nn));
    if (got != nn) {
      return Status::Corruption("RLE booleans: got " + std::to_string(got) + " of " +
                                std::to_string(nn));
    }
    std::memset(out.bits, 0, size_t((nn + 7) / 8));
    for (int64_t i = 0; i < nn; ++i) {
      if (levels_[size_t(i)] > 1) return Status::Corruption("RLE boolean value > 1");
      if (levels_[size_t(i)]) SetBit(out.bits, i);
    }
    return Status::OK();
  }

 private:
  std::vector<uint8_t> levels_;
};

// PLAIN_DICTIONARY / RLE_DICTIONARY: indices into the chunk's dictionary.
class DictionaryDecoder final : public ValueDecoder {
 public:
  DictionaryDecoder(ValueKind kind, int width, int encoding, const ChunkDictionary& dict)
      : ValueDecoder(kind, width), encoding_(encoding), dict_(dict) {}
  Status Decode(const uint8_t* src, int64_t size, int64_t nn, const DenseOut& out) override {
    if (!dict_.present) {
      return Status::Corruption(EncName(encoding_) + " data page without a dictionary page");
    }
    if (kind_ == ValueKind::kBool) {  // unreachable: BOOLEAN chunks have no dictionary
      return Status::Corruption(EncName(encoding_) + " encoding is not valid for BOOLEAN");
    }
    indices_.resize(static_cast<size_t>(nn));
    OUPS_RETURN_NOT_OK(DecodeDictionaryIndices(src, size, nn, dict_.n, indices_.data()));
    if (kind_ == ValueKind::kByteArray) return GatherByteArrays(size, nn, out);
    uint8_t* dst = out.fixed;
    const uint8_t* d = dict_.fixed.data();
    const int32_t* ix = indices_.data();
    const int width = width_;
    if (width == 8) {
      for (int64_t k = 0; k < nn; ++k) std::memcpy(dst + k * 8, d + int64_t(ix[k]) * 8, 8);
    } else if (width == 4) {
      for (int64_t k = 0; k < nn; ++k) std::memcpy(dst + k * 4, d + int64_t(ix[k]) * 4, 4);
    } else {
      for (int64_t k = 0; k < nn; ++k) {
        std::memcpy(dst + k * width, d + int64_t(ix[k]) * width, size_t(width));
      }
    }
    return Status::OK();
  }

 private:
  Status GatherByteArrays(int64_t size, int64_t nn, const DenseOut& out) {
    const std::vector<int64_t>& dict_ends = dict_.ends;
    int64_t total = 0;
    for (int64_t k = 0; k < nn; ++k) {
      const int32_t ix = indices_[size_t(k)];
      total += dict_ends[size_t(ix)] - (ix ? dict_ends[size_t(ix - 1)] : 0);
    }
    // A few bytes of RLE indices can repeat a long dictionary value
    // millions of times (a 4 KiB file asked for 16 GB): as for
    // decompression, beyond kSmallPage the output may be at most kMaxRatio
    // times the page's encoded size.
    if (total > kSmallPage && total / kMaxRatio > size) {
      return Status::Corruption("dictionary-encoded page of " + std::to_string(size) +
                                " bytes expands to " + std::to_string(total) +
                                " bytes of byte arrays");
    }
    MutableBuffer* data = out.data;
    int64_t* ends = out.ends;
    // 16 spare bytes: short values are copied as one 16-byte block.
    OUPS_RETURN_NOT_OK(ReserveMore(data, total + 16));
    const uint8_t* d = dict_.data.data();
    if (dict_.max_len <= 16) {
      uint8_t* o = data->mutable_data();
      int64_t at = data->size();
      for (int64_t k = 0; k < nn; ++k) {
        const int32_t ix = indices_[size_t(k)];
        const int64_t b = ix ? dict_ends[size_t(ix - 1)] : 0;
        std::memcpy(o + at, d + b, 16);  // the dictionary data has >= 64 bytes of padding
        at += dict_ends[size_t(ix)] - b;
        ends[k] = at;
      }
      // Clear the over-copied tail so that bytes past size() stay zero.
      std::memset(o + at, 0, 16);
      return data->Resize(at);
    }
    for (int64_t k = 0; k < nn; ++k) {
      const int32_t ix = indices_[size_t(k)];
      const int64_t b = ix ? dict_ends[size_t(ix - 1)] : 0;
      data->UnsafeAppend(d + b, dict_ends[size_t(ix)] - b);
      ends[k] = data->size();
    }
    return Status::OK();
  }

  const int encoding_;
  const ChunkDictionary& dict_;
  std::vector<int32_t> indices_;
};

class DeltaBinaryPackedDecoder final : public ValueDecoder {
 public:
  using ValueDecoder::ValueDecoder;
  Status Decode(const uint8_t* src, int64_t size, int64_t nn, const DenseOut& out) override {
    return DecodeDeltaBinaryPacked(src, size, nn, width_, out.fixed).status();
  }
};

class ByteStreamSplitDecoder final : public ValueDecoder {
 public:
  using ValueDecoder::ValueDecoder;
  Status Decode(const uint8_t* src, int64_t size, int64_t nn, const DenseOut& out) override {
    return DecodeByteStreamSplit(src, size, nn, width_, out.fixed).status();
  }
};

class DeltaLengthByteArrayDecoder final : public ValueDecoder {
 public:
  using ValueDecoder::ValueDecoder;
  Status Decode(const uint8_t* src, int64_t size, int64_t nn, const DenseOut& out) override {
    return DecodeDeltaLengthByteArray(src, size, nn, out.data, out.ends).status();
  }
};

// DELTA_BYTE_ARRAY of BYTE_ARRAY, or of FIXED_LEN_BYTE_ARRAY (every value
// `width` bytes).
class DeltaByteArrayDecoder final : public ValueDecoder {
 public:
  using ValueDecoder::ValueDecoder;
  Status Decode(const uint8_t* src, int64_t size, int64_t nn, const DenseOut& out) override {
    if (kind_ == ValueKind::kByteArray) {
      return DecodeDeltaByteArray(src, size, nn, out.data, out.ends).status();
    }
    MutableBuffer tmp;
    ends_.resize(static_cast<size_t>(nn));
    OUPS_RETURN_NOT_OK(DecodeDeltaByteArray(src, size, nn, &tmp, ends_.data()).status());
    int64_t prev = 0;
    for (int64_t k = 0; k < nn; ++k) {
      if (ends_[size_t(k)] - prev != width_) {
        return Status::Corruption("DELTA_BYTE_ARRAY value of " +
                                  std::to_string(ends_[size_t(k)] - prev) +
                                  " bytes in a FIXED_LEN_BYTE_ARRAY(" + std::to_string(width_) +
                                  ") column");
      }
      prev = ends_[size_t(k)];
    }
    std::memcpy(out.fixed, tmp.data(), size_t(nn * width_));
    return Status::OK();
  }

 private:
  std::vector<int64_t> ends_;
};

// The decoder of `encoding` for the values of `desc`, or Corruption when the
// physical type cannot hold that encoding.
Result<std::unique_ptr<ValueDecoder>> MakeValueDecoder(int encoding, const ColumnDescriptor& desc,
                                                       int width, const ChunkDictionary& dict) {
  using E = format::Encoding;
  const PhysicalType pt = desc.physical_type;
  const ValueKind kind = pt == PhysicalType::kBoolean     ? ValueKind::kBool
                         : pt == PhysicalType::kByteArray ? ValueKind::kByteArray
                                                          : ValueKind::kFixed;
  switch (encoding) {
    case E::PLAIN: return std::make_unique<PlainDecoder>(kind, width);
    case E::PLAIN_DICTIONARY:
    case E::RLE_DICTIONARY:
      return std::make_unique<DictionaryDecoder>(kind, width, encoding, dict);
    case E::RLE:
      if (kind == ValueKind::kBool) return std::make_unique<RleBooleanDecoder>(kind, width);
      break;
    case E::DELTA_BINARY_PACKED:
      if (pt == PhysicalType::kInt32 || pt == PhysicalType::kInt64) {
        return std::make_unique<DeltaBinaryPackedDecoder>(kind, width);
      }
      break;
    case E::BYTE_STREAM_SPLIT:
      if (kind == ValueKind::kFixed && pt != PhysicalType::kInt96) {
        return std::make_unique<ByteStreamSplitDecoder>(kind, width);
      }
      break;
    case E::DELTA_LENGTH_BYTE_ARRAY:
      if (kind == ValueKind::kByteArray) {
        return std::make_unique<DeltaLengthByteArrayDecoder>(kind, width);
      }
      break;
    case E::DELTA_BYTE_ARRAY:
      if (kind == ValueKind::kByteArray || pt == PhysicalType::kFixedLenByteArray) {
        return std::make_unique<DeltaByteArrayDecoder>(kind, width);
      }
      break;
    default: break;
  }
  return Status::Corruption(EncName(encoding) + " encoding is not valid for " +
                            std::string(PhysicalTypeName(pt)));
}

}  // namespace

struct ColumnAccumulator::Impl {
  const ColumnDescriptor& desc;
  const int64_t total_rows;
  const int width;  // physical width (fixed types)
  const bool is_byte_array;
  const bool is_bool;

  std::shared_ptr<MutableBuffer> values;    // fixed: total*width; bool: bits
  std::shared_ptr<MutableBuffer> validity;  // optional columns
  std::shared_ptr<MutableBuffer> offsets;   // byte arrays: total+1 int64
  std::shared_ptr<MutableBuffer> data;      // byte arrays: bytes
  int64_t pos = 0;
  int64_t null_count = 0;
  Status init_status;

  // Per chunk.
  ChunkDictionary dict;
  std::map<int, std::unique_ptr<Codec>> codecs;
  // The value decoder of each encoding, made on first use.
  static constexpr int kMaxEncoding = 16;
  std::array<std::unique_ptr<ValueDecoder>, kMaxEncoding> decoders;

  // Scratch.
  MutableBuffer decompressed;
  std::vector<uint8_t> levels;
  std::vector<int64_t> ends;
  MutableBuffer bool_scratch;

  // The output buffers grow with the values the pages actually hold
  // (EnsureRows), never ahead of them to the row count a footer claims: a
  // file of a few hundred bytes may claim billions of rows.
  int64_t capacity_rows = 0;
  bool data_presized = false;  // PresizeData ran (byte arrays)

  Impl(const ColumnDescriptor& d, int64_t total)
      : desc(d),
        total_rows(total),
        width(PhysicalWidth(d)),
        is_byte_array(d.physical_type == PhysicalType::kByteArray),
        is_bool(d.physical_type == PhysicalType::kBoolean) {
    if (is_byte_array) {
      offsets = std::make_shared<MutableBuffer>();
      data = std::make_shared<MutableBuffer>();
    } else {
      values = std::make_shared<MutableBuffer>();
    }
    if (d.optional) validity = std::make_shared<MutableBuffer>();
    init_status = SizeBuffers(0);
  }

  // Sizes the output buffers for `rows` slots (bits zero-filled).
  Status SizeBuffers(int64_t rows) {
    if (is_bool) {
      OUPS_RETURN_NOT_OK(SizeBuffer(&values, (rows + 7) / 8 + 8, /*zero=*/true));
    } else if (is_byte_array) {
      const bool first = offsets->size() == 0;
      OUPS_RETURN_NOT_OK(SizeBuffer(&offsets, (rows + 1) * 8, /*zero=*/false));
      if (first) offsets->mutable_data_as<int64_t>()[0] = 0;
    } else {
      OUPS_RETURN_NOT_OK(SizeBuffer(&values, rows * width, /*zero=*/false));
    }
    if (validity) {
      OUPS_RETURN_NOT_OK(SizeBuffer(&validity, (rows + 7) / 8 + 8, /*zero=*/true));
    }
    capacity_rows = rows;
    return Status::OK();
  }

  // Sizes every output buffer for total_rows from recycled mappings (memory
  // this process already holds, so an inflated row count costs nothing new);
  // false, leaving the buffers as they were, when the cache lacks one.
  bool TakeRecycledForTotal() {
    const int64_t bits_bytes = (total_rows + 7) / 8 + 8;
    std::shared_ptr<MutableBuffer> v, o, val;
    if (is_bool) {
      v = MutableBuffer::TakeRecycled(bits_bytes, /*zero=*/true);
      if (!v) return false;
    } else if (is_byte_array) {
      o = MutableBuffer::TakeRecycled((total_rows + 1) * 8, /*zero=*/false);
      if (!o) return false;
      o->mutable_data_as<int64_t>()[0] = 0;
    } else {
      v = MutableBuffer::TakeRecycled(total_rows * width, /*zero=*/false);
      if (!v) return false;
    }
    if (validity) {
      val = MutableBuffer::TakeRecycled(bits_bytes, /*zero=*/true);
      if (!val) return false;  // the others return to the cache
      validity = std::move(val);
    }
    if (v) values = std::move(v);
    if (o) offsets = std::move(o);
    capacity_rows = total_rows;
    return true;
  }

  // Resizes *b to `size` bytes keeping its contents; new bytes are zero when
  // `zero`. A first allocation may reuse a recycled mapping (MutableBuffer::Make).
  static Status SizeBuffer(std::shared_ptr<MutableBuffer>* b, int64_t size, bool zero) {
    if ((*b)->capacity() == 0 && size > 0) {
      OUPS_ASSIGN_OR_RETURN(*b, MutableBuffer::Make(size, zero));
      return Status::OK();
    }
    return (*b)->Resize(size, zero);
  }

  // After the first page of a byte-array chunk (`rows` rows decoded): moves its
  // bytes into a recycled mapping sized for the whole chunk at this page's bytes
  // per row (memory the process already holds, so a footer's inflated row count
  // costs nothing new), so that the later pages append without growing the
  // buffer into freshly faulted pages. Nothing when the cache has none.
  void PresizeData(int64_t rows) {
    data_presized = true;
    const int64_t have = data->size();
    if (rows <= 0 || rows >= total_rows || have <= 0) return;
    const double per_row = static_cast<double>(have) / static_cast<double>(rows);
    const double want = per_row * static_cast<double>(total_rows) * 1.0625 + 64;
    if (want <= static_cast<double>(data->capacity()) || want > double(int64_t{1} << 40)) return;
    auto grown = MutableBuffer::TakeRecycled(static_cast<int64_t>(want), /*zero=*/false);
    if (!grown) return;
    std::memcpy(grown->mutable_data(), data->data(), static_cast<size_t>(have));
    if (!grown->Resize(have).ok()) return;  // a shrink: cannot fail
    data = std::move(grown);
  }

  // Makes room for slots [0, upto), growing geometrically up to the total.
  Status EnsureRows(int64_t upto) {
    if (upto <= capacity_rows) return Status::OK();
    if (capacity_rows == 0 && TakeRecycledForTotal()) return Status::OK();
    const int64_t want =
        std::min(total_rows, std::max({upto, capacity_rows * 2, int64_t{1} << 14}));
    return SizeBuffers(want);
  }

  Status CheckPageValues(int64_t nv, int64_t csize) const {
    return CheckPageValueBound(desc, nv, csize);
  }

  Result<Codec*> GetCodec(Compression c) {
    auto it = codecs.find(static_cast<int>(c));
    if (it != codecs.end()) return it->second.get();
    OUPS_ASSIGN_OR_RETURN(auto codec, MakeCodec(c));
    Codec* p = codec.get();
    codecs.emplace(static_cast<int>(c), std::move(codec));
    return p;
  }

  // ------------------------------------------------------------ dictionary
  Status DecodeDictionary(const uint8_t* src, int64_t size, int64_t n, int encoding) {
    if (dict.present) return Status::Corruption("second dictionary page in one column chunk");
    if (encoding != static_cast<int>(format::Encoding::PLAIN) &&
        encoding != static_cast<int>(format::Encoding::PLAIN_DICTIONARY)) {
      return Status::Corruption("dictionary page with " + EncName(encoding) + " encoding");
    }
    if (n < 0) return Status::Corruption("dictionary page with negative value count");
    if (is_bool) return Status::Corruption("dictionary page for a BOOLEAN column");
    dict.fixed.Clear();
    dict.data.Clear();
    if (is_byte_array) {
      // Each value takes at least 4 bytes: n is bounded by the page size.
      if (n > size / 4) return Status::Corruption("dictionary claims " + std::to_string(n) + " values in " + std::to_string(size) + " bytes");
      dict.ends.resize(static_cast<size_t>(n));
      OUPS_ASSIGN_OR_RETURN(int64_t used,
                            DecodePlainByteArray(src, size, n, &dict.data, dict.ends.data()));
      (void)used;
      dict.max_len = 0;
      for (int64_t i = 0; i < n; ++i) {
        dict.max_len = std::max(dict.max_len,
                                dict.ends[size_t(i)] - (i ? dict.ends[size_t(i - 1)] : 0));
      }
    } else {
      if (width <= 0 || n > size / width) {
        return Status::Corruption("dictionary claims " + std::to_string(n) + " values in " +
                                  std::to_string(size) + " bytes");
      }
      OUPS_RETURN_NOT_OK(dict.fixed.Resize(n * width));
      OUPS_ASSIGN_OR_RETURN(int64_t used,
                            DecodePlainFixed(src, size, n, width, dict.fixed.mutable_data()));
      (void)used;
    }
    dict.present = true;
    dict.n = n;
    return Status::OK();
  }

  // ------------------------------------------------------------- levels
  // Decodes `nv` definition levels, sets validity for slots [pos, pos + nv) and
  // returns the number of non-null values.
  Result<int64_t> DecodeLevels(const uint8_t* src, int64_t size, int64_t nv) {
    levels.resize(static_cast<size_t>(nv));
    RleBitPackedDecoder dec(src, size, 1);
    OUPS_ASSIGN_OR_RETURN(int64_t got, dec.GetBatch(levels.data(), nv));
    if (got != nv) {
      return Status::Corruption("definition levels: got " + std::to_string(got) + " of " +
                                std::to_string(nv) + " values");
    }
    const int64_t nn = PackLevels(levels.data(), nv, validity->mutable_data(), pos);
    if (nn < 0) return Status::Corruption("definition level above the maximum 1");
    return nn;
  }

  void SetAllValid(int64_t nv) {
    if (!validity) return;
    uint8_t* vb = validity->mutable_data();
    for (int64_t i = 0; i < nv; ++i) SetBit(vb, pos + i);
  }

  // ------------------------------------------------------------- values
  // Spreads nn dense fixed values at slot `pos` over nv slots (nulls zeroed).
  void SpreadFixed(int64_t nv, int64_t nn) {
    if (nn == nv) return;
    uint8_t* dst = values->mutable_data() + pos * width;
    const uint8_t* vb = validity->data();
    int64_t j = nn - 1;
    for (int64_t i = nv - 1; i >= 0 && j < i; --i) {
      if (GetBit(vb, pos + i)) {
        std::memcpy(dst + i * width, dst + j * width, size_t(width));
        --j;
      } else {
        std::memset(dst + i * width, 0, size_t(width));
      }
    }
  }

  // Writes byte-array offsets for nv slots from nn dense `ends`.
  void SpreadOffsets(int64_t nv, int64_t nn) {
    int64_t* o = offsets->mutable_data_as<int64_t>() + pos;
    if (nn == nv) {
      std::memcpy(o + 1, ends.data(), size_t(nv) * 8);
      return;
    }
    const uint8_t* vb = validity->data();
    int64_t k = 0;
    for (int64_t i = 0; i < nv; ++i) {
      o[i + 1] = GetBit(vb, pos + i) ? ends[size_t(k++)] : o[i];
    }
  }

  void SpreadBools(const uint8_t* dense_bits, int64_t nv, int64_t nn) {
    uint8_t* dst = values->mutable_data();
    if (nn == nv) {
      for (int64_t i = 0; i < nv; ++i) SetBitTo(dst, pos + i, GetBit(dense_bits, i));
      return;
    }
    const uint8_t* vb = validity->data();
    int64_t k = 0;
    for (int64_t i = 0; i < nv; ++i) {
      if (GetBit(vb, pos + i)) SetBitTo(dst, pos + i, GetBit(dense_bits, k++));
    }
  }

  // The decoder of encoding `enc` (made on first use), or Corruption.
  Result<ValueDecoder*> DecoderFor(int enc) {
    if (enc < 0 || enc >= kMaxEncoding) {
      return Status::Corruption(EncName(enc) + " encoding is not valid for " +
                                std::string(PhysicalTypeName(desc.physical_type)));
    }
    std::unique_ptr<ValueDecoder>& d = decoders[size_t(enc)];
    if (!d) {
      OUPS_ASSIGN_OR_RETURN(d, MakeValueDecoder(enc, desc, width, dict));
    }
    return d.get();
  }

  // Decodes the nn dense values of a page with the decoder of its encoding, then
  // spreads them over the page's nv slots.
  Status DecodeValues(const uint8_t* src, int64_t size, int64_t nv, int64_t nn, int enc) {
    OUPS_ASSIGN_OR_RETURN(ValueDecoder * decoder, DecoderFor(enc));
    DenseOut out;
    if (is_bool) {
      OUPS_RETURN_NOT_OK(bool_scratch.Resize((nn + 7) / 8 + 8, true));
      out.bits = bool_scratch.mutable_data();
      OUPS_RETURN_NOT_OK(decoder->Decode(src, size, nn, out));
      SpreadBools(out.bits, nv, nn);
    } else if (is_byte_array) {
      ends.resize(static_cast<size_t>(nn));
      out.data = data.get();
      out.ends = ends.data();
      OUPS_RETURN_NOT_OK(decoder->Decode(src, size, nn, out));
      SpreadOffsets(nv, nn);
      if (!data_presized) PresizeData(pos + nv);
    } else {
      out.fixed = values->mutable_data() + pos * width;
      OUPS_RETURN_NOT_OK(decoder->Decode(src, size, nn, out));
      SpreadFixed(nv, nn);
    }
    return Status::OK();
  }

  // ------------------------------------------------------------- pages
  Status DecodeChunk(const uint8_t* chunk, int64_t size, int64_t num_rows, Compression comp) {
    OUPS_RETURN_NOT_OK(init_status);
    if (num_rows < 0 || num_rows > total_rows - pos) {
      return Status::Internal("column chunk rows exceed the accumulator");
    }
    dict.present = false;
    dict.n = 0;
    const int64_t end_pos = pos + num_rows;
    OUPS_ASSIGN_OR_RETURN(Codec * codec, GetCodec(comp));
    int64_t off = 0;
    int page_no = 0;
    while (pos < end_pos) {
      if (off >= size) {
        return Status::Corruption("column chunk ends after " + std::to_string(pos - (end_pos - num_rows)) +
                                  " of " + std::to_string(num_rows) + " values");
      }
      format::PageHeader h;
      uint32_t hlen = static_cast<uint32_t>(std::min<int64_t>(size - off, UINT32_MAX));
      Status st = DeserializeThrift(chunk + off, &hlen, &h);
      if (!st.ok()) return st.WithContext("page " + std::to_string(page_no) + " header");
      off += hlen;
      st = DecodePage(h, chunk, size, &off, codec, end_pos);
      if (!st.ok()) return st.WithContext("page " + std::to_string(page_no));
      ++page_no;
    }
    return Status::OK();
  }

  Status DecodePage(const format::PageHeader& h, const uint8_t* chunk, int64_t size,
                    int64_t* off, Codec* codec, int64_t end_pos) {
    using PT = format::PageType;
    if (!IsValidEnum(h.type)) {
      return Status::Corruption("unknown page type " + std::to_string(static_cast<int>(h.type)));
    }
    const int64_t csize = h.compressed_page_size;
    const int64_t usize = h.uncompressed_page_size;
    if (csize < 0 || usize < 0) return Status::Corruption("negative page size");
    if (csize > size - *off) {
      return Status::Corruption("page of " + std::to_string(csize) + " bytes runs past the column chunk end (" +
                                std::to_string(size - *off) + " bytes left)");
    }
    const uint8_t* body = chunk + *off;
    *off += csize;
    if (h.__isset.crc) {
      const uint32_t got = PageCrc32(0, body, csize);
      if (got != static_cast<uint32_t>(h.crc)) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "header says 0x%08x, the %lld stored bytes give 0x%08x",
                      static_cast<uint32_t>(h.crc), static_cast<long long>(csize), got);
        return Status::Corruption(std::string("page CRC-32 mismatch (damaged page): ") + buf);
      }
    }
    if (h.type == PT::INDEX_PAGE) return Status::OK();
    if (usize > kSmallPage && usize / kMaxRatio > csize) {
      return Status::Corruption("page claims " + std::to_string(usize) + " uncompressed bytes from " +
                                std::to_string(csize) + " compressed bytes");
    }
    if (h.type == PT::DICTIONARY_PAGE) {
      if (!h.__isset.dictionary_page_header) return Status::Corruption("dictionary page without its header");
      OUPS_ASSIGN_OR_RETURN(const uint8_t* p, Decompress(codec, body, csize, usize, 0));
      return DecodeDictionary(p, usize, h.dictionary_page_header.num_values,
                              static_cast<int>(h.dictionary_page_header.encoding));
    }
    if (h.type == PT::DATA_PAGE) {
      if (!h.__isset.data_page_header) return Status::Corruption("data page without its header");
      const auto& dh = h.data_page_header;
      const int64_t nv = dh.num_values;
      if (nv < 0 || nv > end_pos - pos) {
        return Status::Corruption("data page of " + std::to_string(nv) + " values where " +
                                  std::to_string(end_pos - pos) + " remain in the row group");
      }
      OUPS_RETURN_NOT_OK(CheckPageValues(nv, csize));
      OUPS_RETURN_NOT_OK(EnsureRows(pos + nv));
      OUPS_ASSIGN_OR_RETURN(const uint8_t* p, Decompress(codec, body, csize, usize, 0));
      int64_t rest = usize;
      int64_t nn = nv;
      if (desc.optional) {
        if (dh.definition_level_encoding != format::Encoding::RLE) {
          return Status::NotSupported("definition levels in " + EncName(dh.definition_level_encoding) +
                                      " encoding");
        }
        if (rest < 4) return Status::Corruption("data page too short for its definition levels");
        uint32_t len;
        std::memcpy(&len, p, 4);
        if (len > rest - 4) {
          return Status::Corruption("definition levels of " + std::to_string(len) +
                                    " bytes run past the page end");
        }
        OUPS_ASSIGN_OR_RETURN(nn, DecodeLevels(p + 4, len, nv));
        p += 4 + len;
        rest -= 4 + int64_t(len);
      } else {
        SetAllValid(nv);
      }
      OUPS_RETURN_NOT_OK(DecodeValues(p, rest, nv, nn, static_cast<int>(dh.encoding)));
      null_count += nv - nn;
      pos += nv;
      return Status::OK();
    }
    if (h.type == PT::DATA_PAGE_V2) {
      if (!h.__isset.data_page_header_v2) return Status::Corruption("data page v2 without its header");
      const auto& dh = h.data_page_header_v2;
      const int64_t nv = dh.num_values;
      if (nv < 0 || nv > end_pos - pos) {
        return Status::Corruption("data page of " + std::to_string(nv) + " values where " +
                                  std::to_string(end_pos - pos) + " remain in the row group");
      }
      OUPS_RETURN_NOT_OK(CheckPageValues(nv, csize));
      OUPS_RETURN_NOT_OK(EnsureRows(pos + nv));
      const int64_t rl = dh.repetition_levels_byte_length;
      const int64_t dl = dh.definition_levels_byte_length;
      if (rl < 0 || dl < 0 || rl + dl > csize || rl + dl > usize) {
        return Status::Corruption("level lengths " + std::to_string(rl) + "+" + std::to_string(dl) +
                                  " exceed the page size");
      }
      const uint8_t* levels_src = body + rl;
      const bool compressed = !dh.__isset.is_compressed || dh.is_compressed;
      const uint8_t* p;
      const int64_t vsize = usize - rl - dl;
      if (compressed) {
        OUPS_ASSIGN_OR_RETURN(p, Decompress(codec, body + rl + dl, csize - rl - dl, vsize, 0));
      } else {
        if (csize != usize) return Status::Corruption("uncompressed v2 page with differing sizes");
        p = body + rl + dl;
      }
      int64_t nn = nv;
      if (desc.optional) {
        OUPS_ASSIGN_OR_RETURN(nn, DecodeLevels(levels_src, dl, nv));
        if (nv - nn != dh.num_nulls) {
          return Status::Corruption("data page v2 claims " + std::to_string(dh.num_nulls) +
                                    " nulls, its levels hold " + std::to_string(nv - nn));
        }
      } else {
        SetAllValid(nv);
      }
      OUPS_RETURN_NOT_OK(DecodeValues(p, vsize, nv, nn, static_cast<int>(dh.encoding)));
      null_count += nv - nn;
      pos += nv;
      return Status::OK();
    }
    return Status::OK();  // unknown-but-valid page kinds are skipped
  }

  Result<const uint8_t*> Decompress(Codec* codec, const uint8_t* src, int64_t csize,
                                    int64_t usize, int) {
    if (codec->kind() == Compression::kUncompressed) {
      if (csize != usize) {
        return Status::Corruption("uncompressed page with compressed size " + std::to_string(csize) +
                                  " != uncompressed size " + std::to_string(usize));
      }
      return src;
    }
    OUPS_RETURN_NOT_OK(decompressed.Resize(usize));
    OUPS_RETURN_NOT_OK(codec->Decompress(src, csize, decompressed.mutable_data(), usize));
    return static_cast<const uint8_t*>(decompressed.data());
  }

  // ------------------------------------------------------------- finish
  Result<Column> Finish() {
    OUPS_RETURN_NOT_OK(init_status);
    if (pos != total_rows) {
      return Status::Internal("column decoded " + std::to_string(pos) + " of " +
                              std::to_string(total_rows) + " rows");
    }
    OUPS_RETURN_NOT_OK(SizeBuffers(total_rows));
    const DataType& t = desc.logical;
    std::shared_ptr<Buffer> valid = null_count > 0 ? validity : nullptr;
    const int64_t n = total_rows;
    if (is_bool || is_byte_array) {
      if (is_byte_array && t.id == TypeId::kDecimal) return DecimalFromBytes(valid, n);
      if (is_byte_array) {
        return Column(t, n, valid, data, offsets, null_count);
      }
      return Column(t, n, valid, values, nullptr, null_count);
    }
    switch (desc.physical_type) {
      case PhysicalType::kInt32:
        switch (t.id) {
          case TypeId::kInt8: return Narrow<int8_t>(t, valid);
          case TypeId::kUInt8: return Narrow<uint8_t>(t, valid);
          case TypeId::kInt16: return Narrow<int16_t>(t, valid);
          case TypeId::kUInt16: return Narrow<uint16_t>(t, valid);
          case TypeId::kDecimal: return DecimalFromInt<int32_t>(valid);
          default: return Column(t, n, valid, values, nullptr, null_count);
        }
      case PhysicalType::kInt64:
        if (t.id == TypeId::kDecimal) return DecimalFromInt<int64_t>(valid);
        return Column(t, n, valid, values, nullptr, null_count);
      case PhysicalType::kInt96: {
        OUPS_ASSIGN_OR_RETURN(auto out, MutableBuffer::Make(n * 8));
        int64_t* o = out->mutable_data_as<int64_t>();
        const uint8_t* s = values->data();
        for (int64_t i = 0; i < n; ++i) {
          int64_t nanos;
          int32_t jd;
          std::memcpy(&nanos, s + i * 12, 8);
          std::memcpy(&jd, s + i * 12 + 8, 4);
          const uint64_t days = static_cast<uint64_t>(int64_t(jd) - 2440588);
          o[i] = static_cast<int64_t>(days * 86400000000000ull + static_cast<uint64_t>(nanos));
        }
        return Column(t, n, valid, out, nullptr, null_count);
      }
      case PhysicalType::kFloat:
      case PhysicalType::kDouble:
        return Column(t, n, valid, values, nullptr, null_count);
      case PhysicalType::kFixedLenByteArray: {
        if (t.id == TypeId::kDecimal) return DecimalFromFixed(valid);
        if (t.id == TypeId::kFloat32) {
          OUPS_ASSIGN_OR_RETURN(auto out, MutableBuffer::Make(n * 4));
          float* o = out->mutable_data_as<float>();
          for (int64_t i = 0; i < n; ++i) {
            uint16_t hbits;
            std::memcpy(&hbits, values->data() + i * 2, 2);
            o[i] = HalfToFloat(hbits);
          }
          return Column(t, n, valid, out, nullptr, null_count);
        }
        // Binary of fixed length: offsets i*w (nulls hold zeroed bytes: give them length 0).
        OUPS_ASSIGN_OR_RETURN(auto offs, MutableBuffer::Make((n + 1) * 8));
        OUPS_ASSIGN_OR_RETURN(auto bytes, MutableBuffer::Make(0));
        int64_t* o = offs->mutable_data_as<int64_t>();
        o[0] = 0;
        if (null_count == 0) {
          for (int64_t i = 0; i < n; ++i) o[i + 1] = (i + 1) * width;
          return Column(t, n, valid, values, offs, 0);
        }
        OUPS_RETURN_NOT_OK(bytes->Reserve((n - null_count) * width));
        for (int64_t i = 0; i < n; ++i) {
          if (GetBit(validity->data(), i)) bytes->UnsafeAppend(values->data() + i * width, width);
          o[i + 1] = bytes->size();
        }
        return Column(t, n, valid, bytes, offs, null_count);
      }
      default: break;
    }
    return Status::Internal("unhandled physical type in column finish");
  }

  template <typename T>
  Result<Column> Narrow(const DataType& t, std::shared_ptr<Buffer> valid) {
    const int64_t n = total_rows;
    OUPS_ASSIGN_OR_RETURN(auto out, MutableBuffer::Make(n * int64_t(sizeof(T))));
    T* o = out->mutable_data_as<T>();
    const int32_t* s = values->data_as<int32_t>();
    for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(s[i]);
    return Column(t, n, std::move(valid), out, nullptr, null_count);
  }

  template <typename I>
  Result<Column> DecimalFromInt(std::shared_ptr<Buffer> valid) {
    const int64_t n = total_rows;
    OUPS_ASSIGN_OR_RETURN(auto out, MutableBuffer::Make(n * 16));
    const I* s = values->data_as<I>();
    for (int64_t i = 0; i < n; ++i) {
      __int128 v = s[i];
      std::memcpy(out->mutable_data() + i * 16, &v, 16);
    }
    return Column(desc.logical, n, std::move(valid), out, nullptr, null_count);
  }

  static __int128 BigEndianToInt128(const uint8_t* p, int64_t len) {
    if (len == 0) return 0;
    unsigned __int128 v = static_cast<int8_t>(p[0]) < 0 ? ~static_cast<unsigned __int128>(0) : 0;
    for (int64_t b = 0; b < len; ++b) v = (v << 8) | p[b];
    return static_cast<__int128>(v);
  }

  Result<Column> DecimalFromFixed(std::shared_ptr<Buffer> valid) {
    const int64_t n = total_rows;
    OUPS_ASSIGN_OR_RETURN(auto out, MutableBuffer::Make(n * 16));
    for (int64_t i = 0; i < n; ++i) {
      __int128 v = BigEndianToInt128(values->data() + i * width, width);
      std::memcpy(out->mutable_data() + i * 16, &v, 16);
    }
    return Column(desc.logical, n, std::move(valid), out, nullptr, null_count);
  }

  Result<Column> DecimalFromBytes(std::shared_ptr<Buffer> valid, int64_t n) {
    OUPS_ASSIGN_OR_RETURN(auto out, MutableBuffer::Make(n * 16));
    const int64_t* o = offsets->data_as<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      const int64_t len = o[i + 1] - o[i];
      if (len > 16) {
        return Status::NotSupported("decimal value of " + std::to_string(len) +
                                    " bytes (at most 16 supported) at row " + std::to_string(i));
      }
      __int128 v = BigEndianToInt128(data->data() + o[i], len);
      std::memcpy(out->mutable_data() + i * 16, &v, 16);
    }
    return Column(desc.logical, n, std::move(valid), out, nullptr, null_count);
  }
};

ColumnAccumulator::ColumnAccumulator(const ColumnDescriptor& desc, int64_t total_rows)
    : impl_(std::make_unique<Impl>(desc, total_rows)) {}
ColumnAccumulator::~ColumnAccumulator() = default;

Status ColumnAccumulator::DecodeChunk(const uint8_t* data, int64_t size, int64_t num_rows,
                                      Compression compression) {
  return impl_->DecodeChunk(data, size, num_rows, compression);
}

Result<Column> ColumnAccumulator::Finish() { return impl_->Finish(); }

}  // namespace oups::parquet
