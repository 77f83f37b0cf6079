#include "parquet/column_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "parquet/encoding/encoding.h"
#include "parquet/page_crc.h"
#include "parquet/thrift/thrift_codec.h"

namespace oups::parquet {

namespace {

// ------------------------------------------------------------------ values
// The non-null values of a column chunk, in the physical representation.
struct DenseValues {
  PhysicalType physical = PhysicalType::kInt64;
  int width = 0;              // fixed-width physical types (bytes)
  int64_t n = 0;              // number of non-null values
  // Fixed width: n * width bytes.
  const uint8_t* fixed = nullptr;
  // Boolean: n bits from bit `bit_offset`.
  const uint8_t* bits = nullptr;
  int64_t bit_offset = 0;
  // Byte arrays: value i = data[offsets[i], offsets[i+1]).
  const int64_t* offsets = nullptr;
  const uint8_t* data = nullptr;
  std::shared_ptr<MutableBuffer> owned;        // backing of converted values
  std::shared_ptr<MutableBuffer> owned_extra;  // e.g. gathered bytes

  std::string_view View(int64_t i) const {
    return {reinterpret_cast<const char*>(data) + offsets[i],
            static_cast<size_t>(offsets[i + 1] - offsets[i])};
  }
};

template <typename From, typename To>
Status WidenInto(const Column& c, const std::vector<int64_t>* valid_idx, MutableBuffer* out,
                 int64_t n) {
  OUPS_RETURN_NOT_OK(out->Resize(n * static_cast<int64_t>(sizeof(To))));
  To* dst = out->mutable_data_as<To>();
  const From* src = c.data<From>();
  if (valid_idx == nullptr) {
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<To>(src[i]);
  } else {
    for (int64_t k = 0; k < n; ++k) dst[k] = static_cast<To>(src[(*valid_idx)[size_t(k)]]);
  }
  return Status::OK();
}

Status GatherFixed(const Column& c, int width, const std::vector<int64_t>& valid_idx,
                   MutableBuffer* out) {
  const int64_t n = static_cast<int64_t>(valid_idx.size());
  OUPS_RETURN_NOT_OK(out->Resize(n * width));
  uint8_t* dst = out->mutable_data();
  const uint8_t* src = c.values()->data() + c.offset() * width;
  if (width == 8) {
    for (int64_t k = 0; k < n; ++k) std::memcpy(dst + k * 8, src + valid_idx[size_t(k)] * 8, 8);
  } else if (width == 4) {
    for (int64_t k = 0; k < n; ++k) std::memcpy(dst + k * 4, src + valid_idx[size_t(k)] * 4, 4);
  } else {
    for (int64_t k = 0; k < n; ++k) {
      std::memcpy(dst + k * width, src + valid_idx[size_t(k)] * width, size_t(width));
    }
  }
  return Status::OK();
}

int64_t TimeUnitToMillisFactor(TimeUnit u) { return u == TimeUnit::kSecond ? 1000 : 1; }

Result<DenseValues> MakeDenseValues(const Column& c, const ColumnDescriptor& desc) {
  DenseValues v;
  v.physical = desc.physical_type;
  const int64_t len = c.length();
  std::vector<int64_t> valid_idx;
  const bool nulls = c.null_count() > 0;
  if (nulls) {
    valid_idx.reserve(static_cast<size_t>(len - c.null_count()));
    for (int64_t i = 0; i < len; ++i) {
      if (c.IsValid(i)) valid_idx.push_back(i);
    }
  }
  const std::vector<int64_t>* idx = nulls ? &valid_idx : nullptr;
  v.n = len - c.null_count();
  const TypeId id = c.type().id;
  switch (desc.physical_type) {
    case PhysicalType::kBoolean: {
      if (!nulls) {
        v.bits = c.values()->data();
        v.bit_offset = c.offset();
      } else {
        OUPS_ASSIGN_OR_RETURN(v.owned, MutableBuffer::Make((v.n + 7) / 8 + 8, true));
        uint8_t* out = v.owned->mutable_data();
        for (int64_t k = 0; k < v.n; ++k) {
          if (c.GetBool(valid_idx[size_t(k)])) SetBit(out, k);
        }
        v.bits = out;
      }
      return v;
    }
    case PhysicalType::kInt32: {
      v.width = 4;
      if (id == TypeId::kInt8 || id == TypeId::kInt16 || id == TypeId::kUInt8 ||
          id == TypeId::kUInt16) {
        v.owned = std::make_shared<MutableBuffer>();
        switch (id) {
          case TypeId::kInt8: OUPS_RETURN_NOT_OK((WidenInto<int8_t, int32_t>(c, idx, v.owned.get(), v.n))); break;
          case TypeId::kInt16: OUPS_RETURN_NOT_OK((WidenInto<int16_t, int32_t>(c, idx, v.owned.get(), v.n))); break;
          case TypeId::kUInt8: OUPS_RETURN_NOT_OK((WidenInto<uint8_t, int32_t>(c, idx, v.owned.get(), v.n))); break;
          default: OUPS_RETURN_NOT_OK((WidenInto<uint16_t, int32_t>(c, idx, v.owned.get(), v.n))); break;
        }
        v.fixed = v.owned->data();
        return v;
      }
      break;
    }
    case PhysicalType::kInt64: {
      v.width = 8;
      if (id == TypeId::kTimestamp && c.type().unit == TimeUnit::kSecond) {
        const int64_t f = TimeUnitToMillisFactor(TimeUnit::kSecond);
        v.owned = std::make_shared<MutableBuffer>();
        OUPS_RETURN_NOT_OK(v.owned->Resize(v.n * 8));
        int64_t* dst = v.owned->mutable_data_as<int64_t>();
        const int64_t* src = c.data<int64_t>();
        for (int64_t k = 0; k < v.n; ++k) {
          const int64_t s = src[idx ? valid_idx[size_t(k)] : k];
          if (__builtin_mul_overflow(s, f, &dst[k])) {
            return Status::OutOfRange("column '" + desc.name + "', row " +
                                      std::to_string(idx ? valid_idx[size_t(k)] : k) +
                                      ": timestamp " + std::to_string(s) +
                                      " s does not fit in int64 milliseconds");
          }
        }
        v.fixed = v.owned->data();
        return v;
      }
      break;
    }
    case PhysicalType::kFloat: v.width = 4; break;
    case PhysicalType::kDouble: v.width = 8; break;
    case PhysicalType::kByteArray: {
      const int64_t* off = c.offsets_data();
      const uint8_t* data = c.values()->data();
      if (!nulls) {
        v.offsets = off;
        v.data = data;
        return v;
      }
      v.owned = std::make_shared<MutableBuffer>();
      v.owned_extra = std::make_shared<MutableBuffer>();
      OUPS_RETURN_NOT_OK(v.owned->Resize((v.n + 1) * 8));
      int64_t* o = v.owned->mutable_data_as<int64_t>();
      int64_t total = 0;
      for (int64_t k = 0; k < v.n; ++k) {
        const int64_t i = valid_idx[size_t(k)];
        total += off[i + 1] - off[i];
      }
      OUPS_RETURN_NOT_OK(v.owned_extra->Reserve(total));
      o[0] = 0;
      for (int64_t k = 0; k < v.n; ++k) {
        const int64_t i = valid_idx[size_t(k)];
        v.owned_extra->UnsafeAppend(data + off[i], off[i + 1] - off[i]);
        o[k + 1] = v.owned_extra->size();
      }
      v.offsets = o;
      v.data = v.owned_extra->data();
      return v;
    }
    case PhysicalType::kFixedLenByteArray: {
      if (id != TypeId::kDecimal) break;
      // int128 little-endian -> big-endian, truncated to type_length bytes.
      const int w = desc.type_length;
      v.width = w;
      v.owned = std::make_shared<MutableBuffer>();
      OUPS_RETURN_NOT_OK(v.owned->Resize(v.n * w));
      uint8_t* dst = v.owned->mutable_data();
      const uint8_t* src = c.values()->data() + c.offset() * 16;
      for (int64_t k = 0; k < v.n; ++k) {
        const uint8_t* s = src + (idx ? valid_idx[size_t(k)] : k) * 16;
        for (int b = 0; b < w; ++b) dst[k * w + b] = s[w - 1 - b];
      }
      v.fixed = v.owned->data();
      return v;
    }
    case PhysicalType::kInt96:
      return Status::NotSupported("column '" + desc.name + "': writing INT96 is not supported");
  }
  // Direct fixed-width values (same bytes in memory and on disk).
  if (v.width == 0) {
    return Status::Internal("column '" + desc.name + "': no physical mapping for " +
                            c.type().ToString());
  }
  if (!nulls) {
    v.fixed = c.values()->data() + c.offset() * v.width;
  } else {
    v.owned = std::make_shared<MutableBuffer>();
    OUPS_RETURN_NOT_OK(GatherFixed(c, v.width, valid_idx, v.owned.get()));
    v.fixed = v.owned->data();
  }
  return v;
}

// ------------------------------------------------------------- statistics
// PLAIN encoding of the min and max non-null values; unset when the column has
// no orderable non-null value (all null, all NaN).
struct MinMax {
  std::optional<std::string> min;
  std::optional<std::string> max;
};

template <typename T>
std::string PlainBytes(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

template <typename T, typename Cmp = std::less<T>>
void MinMaxFixed(const DenseValues& v, MinMax* mm) {
  if (v.n == 0) return;
  const T* p = reinterpret_cast<const T*>(v.fixed);
  T lo = p[0], hi = p[0];
  Cmp less;
  for (int64_t i = 1; i < v.n; ++i) {
    if (less(p[i], lo)) lo = p[i];
    if (less(hi, p[i])) hi = p[i];
  }
  mm->min = PlainBytes(lo);
  mm->max = PlainBytes(hi);
}

template <typename T>
void MinMaxFloat(const DenseValues& v, MinMax* mm) {
  const T* p = reinterpret_cast<const T*>(v.fixed);
  bool any = false;
  T lo = 0, hi = 0;
  for (int64_t i = 0; i < v.n; ++i) {
    const T x = p[i];
    if (std::isnan(x)) continue;
    if (!any) {
      lo = hi = x;
      any = true;
    } else {
      lo = x < lo ? x : lo;
      hi = x > hi ? x : hi;
    }
  }
  if (!any) return;
  // Parquet: a zero min is written as -0.0 and a zero max as +0.0.
  if (lo == 0) lo = -static_cast<T>(0);
  if (hi == 0) hi = static_cast<T>(0);
  mm->min = PlainBytes(lo);
  mm->max = PlainBytes(hi);
}

MinMax ComputeMinMax(const DenseValues& v, const ColumnDescriptor& desc) {
  MinMax mm;
  if (v.n == 0) return mm;
  const TypeId id = desc.logical.id;
  switch (v.physical) {
    case PhysicalType::kBoolean: {
      bool any_false = false, any_true = false;
      for (int64_t i = 0; i < v.n && !(any_false && any_true); ++i) {
        if (GetBit(v.bits, v.bit_offset + i)) any_true = true; else any_false = true;
      }
      mm.min = std::string(1, any_false ? '\0' : '\1');
      mm.max = std::string(1, any_true ? '\1' : '\0');
      break;
    }
    case PhysicalType::kInt32:
      if (id == TypeId::kUInt8 || id == TypeId::kUInt16 || id == TypeId::kUInt32) {
        MinMaxFixed<uint32_t>(v, &mm);
      } else {
        MinMaxFixed<int32_t>(v, &mm);
      }
      break;
    case PhysicalType::kInt64:
      if (id == TypeId::kUInt64) {
        MinMaxFixed<uint64_t>(v, &mm);
      } else {
        MinMaxFixed<int64_t>(v, &mm);
      }
      break;
    case PhysicalType::kFloat: MinMaxFloat<float>(v, &mm); break;
    case PhysicalType::kDouble: MinMaxFloat<double>(v, &mm); break;
    case PhysicalType::kByteArray: {
      std::string_view lo = v.View(0), hi = lo;
      for (int64_t i = 1; i < v.n; ++i) {
        std::string_view x = v.View(i);
        if (x < lo) lo = x;  // string_view compares as unsigned bytes (char_traits)
        if (hi < x) hi = x;
      }
      mm.min = std::string(lo);
      mm.max = std::string(hi);
      break;
    }
    case PhysicalType::kFixedLenByteArray: {
      // Decimal, big-endian two's complement: compare as signed numbers.
      const int w = v.width;
      auto value = [&](int64_t i) {
        const uint8_t* p = v.fixed + i * w;
        __int128 x = static_cast<int8_t>(p[0]);
        for (int b = 1; b < w; ++b) x = x * 256 + p[b];
        return x;
      };
      int64_t lo_i = 0, hi_i = 0;
      __int128 lo = value(0), hi = lo;
      for (int64_t i = 1; i < v.n; ++i) {
        __int128 x = value(i);
        if (x < lo) { lo = x; lo_i = i; }
        if (x > hi) { hi = x; hi_i = i; }
      }
      mm.min = std::string(reinterpret_cast<const char*>(v.fixed + lo_i * w), size_t(w));
      mm.max = std::string(reinterpret_cast<const char*>(v.fixed + hi_i * w), size_t(w));
      break;
    }
    case PhysicalType::kInt96: break;
  }
  return mm;
}

// ------------------------------------------------------------- dictionary
constexpr uint64_t kHashMul = 0x9E3779B97F4A7C15ull;

// One hash-table slot of BuildDictionary: the value's 64-bit hash, its index in
// the dictionary (-1: empty) and its byte length (BYTE_ARRAY values of at most 8
// bytes are told apart by hash and length alone). 16 bytes: one probe, one line.
struct DictSlot {
  uint64_t hash;
  int32_t index;
  int32_t length;
};

// Scratch reused across column chunks: large buffers would otherwise be
// allocated (and page-faulted in) again for every chunk. Leased from a
// process-wide pool rather than kept per thread, so that the short-lived
// threads of a parallel write (one set per row group) reuse the buffers of the
// earlier ones instead of faulting in fresh ones.
struct Scratch {
  MutableBuffer indices;
  std::vector<DictSlot> slots;
  std::vector<int32_t> direct;  // BuildIntegerDictionary's value -> index map
  MutableBuffer page;
  MutableBuffer compressed;
};

class ScratchPool {
 public:
  static ScratchPool& Instance() {
    static ScratchPool* pool = new ScratchPool();  // never destroyed: used at exit
    return *pool;
  }
  std::unique_ptr<Scratch> Take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        std::unique_ptr<Scratch> s = std::move(free_.back());
        free_.pop_back();
        return s;
      }
    }
    return std::make_unique<Scratch>();
  }
  // Keeps up to kMax scratches (as many as a write's threads use at once, in
  // practice); the others are freed.
  void Give(std::unique_ptr<Scratch> s) {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.size() < kMax) free_.push_back(std::move(s));
  }

 private:
  static constexpr size_t kMax = 16;
  std::mutex mu_;
  std::vector<std::unique_ptr<Scratch>> free_;
};

// A Scratch for the duration of one column chunk's encoding.
class ScratchLease {
 public:
  ScratchLease() : s_(ScratchPool::Instance().Take()) {}
  ~ScratchLease() { ScratchPool::Instance().Give(std::move(s_)); }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  Scratch& operator*() { return *s_; }

 private:
  std::unique_ptr<Scratch> s_;
};

struct Dictionary {
  int64_t size = 0;                 // distinct values
  MutableBuffer* indices = nullptr;  // int32 per dense value (thread scratch)
  // Dictionary values, PLAIN-encoded (what the dictionary page holds).
  std::shared_ptr<MutableBuffer> plain;
};

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Up to 8 bytes of `s` folded into a word with fixed-size loads only (no
// variable-length memcpy): overlapping loads from both ends.
inline uint64_t ShortWord(const char* p, size_t n) {
  if (n >= 4) return (uint64_t{Load32(p)} << 32) | Load32(p + n - 4);
  if (n > 0) {
    return (uint64_t{uint8_t(p[0])} << 16) | (uint64_t{uint8_t(p[n >> 1])} << 8) |
           uint8_t(p[n - 1]);
  }
  return 0;
}

uint64_t HashBytes(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t h = (0xcbf29ce484222325ull ^ n) * kHashMul;
  if (n <= 8) {
    h ^= ShortWord(p, n);
  } else {
    size_t i = 0;
    for (; i + 8 < n; i += 8) {
      h = (h ^ Load64(p + i)) * 0x100000001b3ull;
      h ^= h >> 29;
    }
    h ^= Load64(p + n - 8);  // the last 8 bytes (overlapping the loop's)
  }
  h *= kHashMul;
  return h ^ (h >> 32);
}

// Equality of two byte strings, without a libc call for short ones.
inline bool SameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const size_t n = a.size();
  // ShortWord reads every byte of a string of <= 8 bytes: equal words, equal bytes.
  if (n <= 8) return ShortWord(a.data(), n) == ShortWord(b.data(), n);
  if (n <= 16) {
    return Load64(a.data()) == Load64(b.data()) &&
           Load64(a.data() + n - 8) == Load64(b.data() + n - 8);
  }
  return std::memcmp(a.data(), b.data(), n) == 0;
}

// How BuildDictionary sees the values of one physical type: Key is the value
// type, At(v, i) the dense value i, Hash a 64-bit hash (its high bits choose the
// slot), Length the length the slot records, Exact(k) whether equal hashes and
// lengths imply equal values (the hash is then a bijection of the value for its
// length: no comparison of the values needed), Cost the bytes a value adds to
// the PLAIN dictionary page, AppendPlain writes the page.
template <typename K>
struct FixedKeys {  // 4- or 8-byte values compared as bits
  using Key = K;
  static K At(const DenseValues& v, int64_t i) { return reinterpret_cast<const K*>(v.fixed)[i]; }
  static bool Same(K a, K b) { return a == b; }
  static uint64_t Hash(K k) {
    uint64_t bits = 0;
    std::memcpy(&bits, &k, sizeof(K));
    return bits * kHashMul;  // odd multiplier: a bijection of the 64-bit words
  }
  static int32_t Length(K) { return int32_t(sizeof(K)); }
  static bool Exact(K) { return true; }
  static int64_t Cost(K) { return int64_t(sizeof(K)); }
  static Status AppendPlain(const std::vector<K>& values, int64_t /*plain_size*/, MutableBuffer* out) {
    return out->Append(values.data(), static_cast<int64_t>(values.size() * sizeof(K)));
  }
};

struct ByteArrayKeys {  // BYTE_ARRAY values
  using Key = std::string_view;
  static std::string_view At(const DenseValues& v, int64_t i) { return v.View(i); }
  static bool Same(std::string_view a, std::string_view b) { return SameBytes(a, b); }
  // For at most 8 bytes HashBytes is a bijection of the bytes (given the length).
  static uint64_t Hash(std::string_view k) { return HashBytes(k); }
  static int32_t Length(std::string_view k) {
    return k.size() <= 8 ? static_cast<int32_t>(k.size()) : -1;  // longer: compared
  }
  static bool Exact(std::string_view k) { return k.size() <= 8; }
  static int64_t Cost(std::string_view k) { return 4 + static_cast<int64_t>(k.size()); }
  static Status AppendPlain(const std::vector<std::string_view>& values, int64_t plain_size,
                            MutableBuffer* out) {
    OUPS_RETURN_NOT_OK(out->Reserve(plain_size));
    for (std::string_view s : values) {
      const auto len = static_cast<uint32_t>(s.size());
      out->UnsafeAppend(&len, 4);
      out->UnsafeAppend(s.data(), static_cast<int64_t>(s.size()));
    }
    return Status::OK();
  }
};

// Builds the dictionary of the dense values `v` (one int32 index per value in
// dict->indices) with an open-addressing hash table of linear probing, kept at
// most half full: it starts small (a column of few distinct values probes a
// table that stays in the first-level cache) and doubles as values come. A run
// of equal values is looked up once. Returns false in `*ok` when the PLAIN
// dictionary page would exceed `limit` bytes.
template <typename Keys>
Status BuildDictionary(const DenseValues& v, int64_t limit, Scratch& sc, Dictionary* dict,
                       bool* ok) {
  using Key = typename Keys::Key;
  *ok = false;
  int64_t cap = 1024;
  int shift = 64 - 10;
  std::vector<DictSlot>& slots = sc.slots;
  slots.assign(static_cast<size_t>(cap), DictSlot{0, -1, 0});
  std::vector<Key> values;
  int64_t plain_size = 0;
  dict->indices = &sc.indices;
  OUPS_RETURN_NOT_OK(dict->indices->Resize(v.n * 4));
  int32_t* out = dict->indices->mutable_data_as<int32_t>();
  Key prev{};
  int32_t prev_idx = -1;
  for (int64_t i = 0; i < v.n; ++i) {
    const Key k = Keys::At(v, i);
    if (prev_idx >= 0 && Keys::Same(k, prev)) {
      out[i] = prev_idx;
      continue;
    }
    const uint64_t hv = Keys::Hash(k);
    const int32_t len = Keys::Length(k);
    uint64_t h = hv >> shift;
    DictSlot* table = slots.data();
    while (true) {
      DictSlot& slot = table[h];
      if (slot.index < 0) {
        plain_size += Keys::Cost(k);
        if (plain_size > limit) return Status::OK();
        const int32_t s = static_cast<int32_t>(values.size());
        values.push_back(k);
        slot = DictSlot{hv, s, len};
        if (static_cast<int64_t>(values.size()) * 2 > cap) {
          // Grow and rehash from the stored hashes.
          cap <<= 1;
          shift -= 1;
          std::vector<DictSlot> grown(static_cast<size_t>(cap), DictSlot{0, -1, 0});
          for (const DictSlot& e : slots) {
            if (e.index < 0) continue;
            uint64_t hh = e.hash >> shift;
            while (grown[hh].index >= 0) hh = (hh + 1) & uint64_t(cap - 1);
            grown[hh] = e;
          }
          slots.swap(grown);
        }
        out[i] = s;
        break;
      }
      if (slot.hash == hv && slot.length == len &&
          (Keys::Exact(k) || Keys::Same(values[size_t(slot.index)], k))) {
        out[i] = slot.index;
        break;
      }
      h = (h + 1) & uint64_t(cap - 1);
    }
    prev = k;
    prev_idx = out[i];
  }
  dict->size = static_cast<int64_t>(values.size());
  dict->plain = std::make_shared<MutableBuffer>();
  OUPS_RETURN_NOT_OK(Keys::AppendPlain(values, plain_size, dict->plain.get()));
  *ok = true;
  return Status::OK();
}

// Integer columns (INT32/INT64 of integer types) first get one pass over their
// values: a non-decreasing column (an ordered column, timestamps) has as many
// distinct values as runs, so one with too many is known not to fit without
// hashing any; a column whose values span a small range (quantities, codes)
// maps them through a direct table instead of a hash table. Both give exactly
// the dictionary (and indices, in order of first appearance) that hashing gives.
constexpr int64_t kDirectRange = int64_t{1} << 16;

template <typename S, typename K>
Status BuildIntegerDictionary(const DenseValues& v, int64_t max_entries, Scratch& sc,
                              Dictionary* dict, bool* ok, bool* done) {
  *done = false;
  const S* p = reinterpret_cast<const S*>(v.fixed);
  S lo = p[0], hi = p[0];
  int64_t changes = 0;
  bool sorted = true;
  for (int64_t i = 1; i < v.n; ++i) {
    const S x = p[i];
    lo = x < lo ? x : lo;
    hi = x > hi ? x : hi;
    changes += x != p[i - 1];
    sorted &= x >= p[i - 1];
  }
  if (sorted && changes + 1 > max_entries) {
    *ok = false;
    *done = true;
    return Status::OK();
  }
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (sorted || span >= static_cast<uint64_t>(kDirectRange)) return Status::OK();
  std::vector<int32_t>& map = sc.direct;
  map.assign(static_cast<size_t>(span) + 1, -1);
  std::vector<K> values;
  dict->indices = &sc.indices;
  OUPS_RETURN_NOT_OK(dict->indices->Resize(v.n * 4));
  int32_t* out = dict->indices->mutable_data_as<int32_t>();
  for (int64_t i = 0; i < v.n; ++i) {
    const size_t slot = static_cast<size_t>(static_cast<uint64_t>(p[i]) - static_cast<uint64_t>(lo));
    int32_t idx = map[slot];
    if (idx < 0) {
      if (static_cast<int64_t>(values.size()) >= max_entries) {
        *ok = false;
        *done = true;
        return Status::OK();
      }
      idx = static_cast<int32_t>(values.size());
      values.push_back(static_cast<K>(p[i]));
      map[slot] = idx;
    }
    out[i] = idx;
  }
  dict->size = static_cast<int64_t>(values.size());
  dict->plain = std::make_shared<MutableBuffer>();
  OUPS_RETURN_NOT_OK(FixedKeys<K>::AppendPlain(values, dict->size * int64_t(sizeof(K)),
                                               dict->plain.get()));
  *ok = true;
  *done = true;
  return Status::OK();
}

// Fixed-width dictionaries: at least one value is always allowed. `integers`:
// the values are signed integers of the width of K.
template <typename K>
Status BuildFixedDictionary(const DenseValues& v, int64_t limit, bool integers, Scratch& sc,
                            Dictionary* dict, bool* ok) {
  const int64_t max_entries = std::max<int64_t>(1, limit / int64_t(sizeof(K)));
  if (integers) {
    bool done = false;
    using S = std::conditional_t<sizeof(K) == 4, int32_t, int64_t>;
    OUPS_RETURN_NOT_OK((BuildIntegerDictionary<S, K>(v, max_entries, sc, dict, ok, &done)));
    if (done) return Status::OK();
  }
  return BuildDictionary<FixedKeys<K>>(v, max_entries * int64_t(sizeof(K)), sc, dict, ok);
}

// The dictionary's distinct values as DenseValues (for statistics).
Result<DenseValues> DictionaryValues(const DenseValues& v, const Dictionary& dict) {
  DenseValues d;
  d.physical = v.physical;
  d.width = v.width;
  d.n = dict.size;
  if (v.physical != PhysicalType::kByteArray) {
    d.fixed = dict.plain->data();
    return d;
  }
  // PLAIN layout is 4-byte length + bytes: re-pack the bytes contiguously.
  d.owned = std::make_shared<MutableBuffer>();
  d.owned_extra = std::make_shared<MutableBuffer>();
  OUPS_RETURN_NOT_OK(d.owned->Resize((dict.size + 1) * 8));
  OUPS_RETURN_NOT_OK(d.owned_extra->Reserve(dict.plain->size()));
  int64_t* o = d.owned->mutable_data_as<int64_t>();
  const uint8_t* base = dict.plain->data();
  int64_t pos = 0;
  o[0] = 0;
  for (int64_t i = 0; i < dict.size; ++i) {
    uint32_t len;
    std::memcpy(&len, base + pos, 4);
    d.owned_extra->UnsafeAppend(base + pos + 4, len);
    pos += 4 + int64_t(len);
    o[i + 1] = d.owned_extra->size();
  }
  d.offsets = o;
  d.data = d.owned_extra->data();
  return d;
}

int64_t PlainSize(const DenseValues& v) {
  switch (v.physical) {
    case PhysicalType::kBoolean: return (v.n + 7) / 8;
    case PhysicalType::kByteArray: return 4 * v.n + (v.n ? v.offsets[v.n] - v.offsets[0] : 0);
    default: return v.n * v.width;
  }
}

// Tries dictionary encoding; `*use` tells whether it pays off.
Status MaybeBuildDictionary(const DenseValues& v, const WriterOptions& opt, Scratch& sc,
                            Dictionary* dict, bool* use) {
  *use = false;
  if (!opt.dictionary || v.n == 0) return Status::OK();
  bool ok = false;
  switch (v.physical) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      OUPS_RETURN_NOT_OK(BuildFixedDictionary<uint32_t>(
          v, opt.dictionary_page_size_limit, v.physical == PhysicalType::kInt32, sc, dict, &ok));
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      OUPS_RETURN_NOT_OK(BuildFixedDictionary<uint64_t>(
          v, opt.dictionary_page_size_limit, v.physical == PhysicalType::kInt64, sc, dict, &ok));
      break;
    case PhysicalType::kByteArray:
      OUPS_RETURN_NOT_OK(BuildDictionary<ByteArrayKeys>(v, opt.dictionary_page_size_limit, sc, dict,
                                                        &ok));
      break;
    default:
      return Status::OK();
  }
  if (!ok) return Status::OK();
  const int bw = BitWidthFor(static_cast<uint64_t>(std::max<int64_t>(dict->size - 1, 0)));
  const int64_t dict_cost = dict->plain->size() + (v.n * bw + 7) / 8;
  *use = dict_cost < PlainSize(v);
  return Status::OK();
}

// ----------------------------------------------------------------- pages
struct PageWriter {
  const WriterOptions& opt;
  Codec* codec;
  MutableBuffer* out;
  MutableBuffer& scratch;     // uncompressed page body (thread scratch)
  MutableBuffer& compressed;  // (thread scratch)
  int64_t uncompressed_total = 0;

  // Emits the page in `scratch`. Its first `raw_prefix` bytes (data page v2
  // levels) are stored uncompressed; the rest is compressed.
  Status Emit(format::PageHeader& header, int64_t raw_prefix = 0) {
    const int64_t raw = scratch.size();
    if (raw > std::numeric_limits<int32_t>::max()) {
      return Status::InvalidArgument("page of " + std::to_string(raw) +
                                     " bytes exceeds Parquet's 2 GiB page limit");
    }
    const uint8_t* body = scratch.data() + raw_prefix;
    int64_t body_size = raw - raw_prefix;
    if (codec->kind() != Compression::kUncompressed) {
      OUPS_RETURN_NOT_OK(compressed.Resize(codec->MaxCompressedLen(body_size)));
      OUPS_ASSIGN_OR_RETURN(body_size, codec->Compress(body, body_size,
                                                       compressed.mutable_data(),
                                                       compressed.size()));
      body = compressed.data();
    }
    header.__set_uncompressed_page_size(static_cast<int32_t>(raw));
    header.__set_compressed_page_size(static_cast<int32_t>(raw_prefix + body_size));
    if (opt.page_checksums) {
      // Parquet's page CRC covers the page bytes exactly as stored after the
      // header: for v2 the uncompressed levels, then the compressed values.
      uint32_t crc = PageCrc32(0, scratch.data(), raw_prefix);
      crc = PageCrc32(crc, body, body_size);
      header.__set_crc(static_cast<int32_t>(crc));
    }
    OUPS_ASSIGN_OR_RETURN(int64_t hsize, SerializeThrift(header, out));
    OUPS_RETURN_NOT_OK(out->Append(scratch.data(), raw_prefix));
    OUPS_RETURN_NOT_OK(out->Append(body, body_size));
    uncompressed_total += hsize + raw;
    return Status::OK();
  }
};

// Appends the RLE definition levels of slots [s0, s1), preceded by their
// 4-byte length when `length_prefix` (data page v1).
Status AppendDefLevels(const Column& c, int64_t s0, int64_t s1, MutableBuffer* out,
                       bool length_prefix = true) {
  RleBitPackedEncoder enc(1);
  if (c.null_count() == 0) {
    enc.PutRepeated(1, s1 - s0);
  } else {
    const uint8_t* bits = c.validity()->data();
    const int64_t off = c.offset();
    for (int64_t i = s0; i < s1; ++i) enc.Put(GetBit(bits, off + i) ? 1u : 0u);
  }
  if (!length_prefix) return enc.Flush(out);
  const int64_t len_pos = out->size();
  uint32_t placeholder = 0;
  OUPS_RETURN_NOT_OK(out->Append(&placeholder, 4));
  OUPS_RETURN_NOT_OK(enc.Flush(out));
  const uint32_t len = static_cast<uint32_t>(out->size() - len_pos - 4);
  std::memcpy(out->mutable_data() + len_pos, &len, 4);
  return Status::OK();
}

Status AppendPlainValues(const DenseValues& v, int64_t d0, int64_t d1, MutableBuffer* out) {
  switch (v.physical) {
    case PhysicalType::kBoolean:
      return EncodePlainBoolean(v.bits, v.bit_offset + d0, d1 - d0, out);
    case PhysicalType::kByteArray:
      return EncodePlainByteArray(v.offsets + d0, v.data, d1 - d0, out);
    default:
      return EncodePlainFixed(v.fixed + d0 * v.width, d1 - d0, v.width, out);
  }
}

Status AppendEncodedValues(const DenseValues& v, Encoding enc, int64_t d0, int64_t d1,
                           MutableBuffer* out) {
  switch (enc) {
    case Encoding::kPlain: return AppendPlainValues(v, d0, d1, out);
    case Encoding::kDeltaBinaryPacked:
      return EncodeDeltaBinaryPacked(v.fixed + d0 * v.width, d1 - d0, v.width, out);
    case Encoding::kDeltaLengthByteArray:
      return EncodeDeltaLengthByteArray(v.offsets + d0, v.data, d1 - d0, out);
    case Encoding::kDeltaByteArray:
      return EncodeDeltaByteArray(v.offsets + d0, v.data, d1 - d0, out);
    case Encoding::kByteStreamSplit:
      return EncodeByteStreamSplit(v.fixed + d0 * v.width, d1 - d0, v.width, out);
    default:
      return Status::InvalidArgument("encoding " + std::string(EncodingName(enc)) +
                                     " cannot encode values");
  }
}

}  // namespace

Status CheckValueEncoding(const ColumnDescriptor& desc, Encoding enc) {
  const PhysicalType pt = desc.physical_type;
  bool ok = false;
  switch (enc) {
    case Encoding::kPlain: ok = true; break;
    case Encoding::kDeltaBinaryPacked:
      ok = pt == PhysicalType::kInt32 || pt == PhysicalType::kInt64;
      break;
    case Encoding::kDeltaLengthByteArray:
    case Encoding::kDeltaByteArray: ok = pt == PhysicalType::kByteArray; break;
    case Encoding::kByteStreamSplit:
      ok = pt == PhysicalType::kInt32 || pt == PhysicalType::kInt64 ||
           pt == PhysicalType::kFloat || pt == PhysicalType::kDouble;
      break;
    default: ok = false;
  }
  if (ok) return Status::OK();
  return Status::InvalidArgument("column '" + desc.name + "': encoding " +
                                 std::string(EncodingName(enc)) + " cannot be used for " +
                                 std::string(PhysicalTypeName(pt)) + " values");
}

Status EncodeColumnChunk(const Column& column, const ColumnDescriptor& desc,
                         const WriterOptions& opt, Codec* codec, EncodedChunk* chunk_out) {
  if (!desc.optional && column.null_count() > 0) {
    return Status::InvalidArgument("column '" + desc.name + "' is not nullable but holds " +
                                   std::to_string(column.null_count()) + " nulls");
  }
  OUPS_ASSIGN_OR_RETURN(DenseValues v, MakeDenseValues(column, desc));
  EncodedChunk& result = *chunk_out;
  if (!result.bytes) result.bytes = std::make_shared<MutableBuffer>();
  result.chunk = std::make_unique<format::ColumnChunk>();
  MutableBuffer* out = result.bytes.get();
  out->Clear();
  OUPS_RETURN_NOT_OK(out->Reserve(PlainSize(v) / 2 + 1024));
  ScratchLease lease;
  Scratch& sc = *lease;
  PageWriter pw{opt, codec, out, sc.page, sc.compressed, 0};

  format::ColumnMetaData md;
  md.__set_type(static_cast<format::Type::type>(desc.physical_type));
  md.__set_path_in_schema({desc.name});
  md.__set_codec(static_cast<format::CompressionCodec::type>(codec->kind()));
  md.__set_num_values(column.length());

  Dictionary dict;
  bool use_dict = false;
  OUPS_RETURN_NOT_OK(MaybeBuildDictionary(v, opt, sc, &dict, &use_dict));
  std::vector<format::Encoding::type> encodings;
  int dict_bw = 0;
  Encoding value_encoding = Encoding::kPlain;
  if (auto it = opt.column_encodings.find(desc.name); it != opt.column_encodings.end()) {
    OUPS_RETURN_NOT_OK(CheckValueEncoding(desc, it->second));
    value_encoding = it->second;
  }
  if (use_dict) {
    // Dictionary page.
    pw.scratch.Clear();
    OUPS_RETURN_NOT_OK(pw.scratch.Append(dict.plain->data(), dict.plain->size()));
    format::PageHeader h;
    h.__set_type(format::PageType::DICTIONARY_PAGE);
    format::DictionaryPageHeader dh;
    dh.__set_num_values(static_cast<int32_t>(dict.size));
    dh.__set_encoding(format::Encoding::PLAIN);
    h.__set_dictionary_page_header(dh);
    md.__set_dictionary_page_offset(0);
    OUPS_RETURN_NOT_OK(pw.Emit(h));
    dict_bw = BitWidthFor(static_cast<uint64_t>(std::max<int64_t>(dict.size - 1, 0)));
    encodings.push_back(format::Encoding::PLAIN);
    encodings.push_back(format::Encoding::RLE_DICTIONARY);
  } else {
    encodings.push_back(static_cast<format::Encoding::type>(value_encoding));
  }
  if (desc.optional) encodings.push_back(format::Encoding::RLE);
  md.__set_data_page_offset(out->size());

  // Rows per page from the encoded value width.
  const int64_t n_slots = column.length();
  int64_t bytes_per_value;
  if (use_dict) {
    bytes_per_value = std::max<int64_t>(1, (dict_bw + 7) / 8);
  } else if (v.physical == PhysicalType::kBoolean) {
    bytes_per_value = 1;
  } else if (v.physical == PhysicalType::kByteArray) {
    bytes_per_value = v.n ? std::max<int64_t>(1, PlainSize(v) / v.n) : 1;
  } else {
    bytes_per_value = v.width;
  }
  // At most 2^20 values per page: whatever data_page_size, a page decodes to
  // at most 16 MiB (16-byte values), within the readers' bound on what a page
  // may expand to (column_reader.cc).
  const int64_t rows_per_page = std::max<int64_t>(
      1, std::min<int64_t>({opt.data_page_size / bytes_per_value,
                            v.physical == PhysicalType::kBoolean ? opt.data_page_size * 8
                                                                 : opt.data_page_size,
                            int64_t{1} << 20}));
  const uint8_t* vbits = column.validity() ? column.validity()->data() : nullptr;
  // One encoder for every page's indices: its output buffer grows once.
  RleBitPackedEncoder index_encoder(dict_bw);
  int64_t d = 0;  // dense position
  int64_t s = 0;
  do {
    const int64_t s1 = std::min(n_slots, s + rows_per_page);
    const int64_t nn = (column.null_count() == 0 || vbits == nullptr)
                           ? (s1 - s)
                           : CountSetBits(vbits, column.offset() + s, s1 - s);
    const int64_t d1 = d + nn;
    pw.scratch.Clear();
    const bool v2 = opt.data_page_version == 2;
    if (desc.optional) OUPS_RETURN_NOT_OK(AppendDefLevels(column, s, s1, &pw.scratch, !v2));
    const int64_t levels_len = pw.scratch.size();
    format::DataPageHeader dph;
    dph.__set_num_values(static_cast<int32_t>(s1 - s));
    dph.__set_definition_level_encoding(format::Encoding::RLE);
    dph.__set_repetition_level_encoding(format::Encoding::RLE);
    if (use_dict) {
      const uint8_t bw = static_cast<uint8_t>(dict_bw);
      OUPS_RETURN_NOT_OK(pw.scratch.Append(&bw, 1));
      const int32_t* idx = dict.indices->data_as<int32_t>();
      index_encoder.PutBatch(idx + d, d1 - d);
      OUPS_RETURN_NOT_OK(index_encoder.Flush(&pw.scratch));
      dph.__set_encoding(format::Encoding::RLE_DICTIONARY);
    } else {
      OUPS_RETURN_NOT_OK(AppendEncodedValues(v, value_encoding, d, d1, &pw.scratch));
      dph.__set_encoding(static_cast<format::Encoding::type>(value_encoding));
    }
    format::PageHeader h;
    if (v2) {
      format::DataPageHeaderV2 h2;
      h2.__set_num_values(static_cast<int32_t>(s1 - s));
      h2.__set_num_nulls(static_cast<int32_t>((s1 - s) - (d1 - d)));
      h2.__set_num_rows(static_cast<int32_t>(s1 - s));
      h2.__set_encoding(dph.encoding);
      h2.__set_definition_levels_byte_length(static_cast<int32_t>(levels_len));
      h2.__set_repetition_levels_byte_length(0);
      h2.__set_is_compressed(codec->kind() != Compression::kUncompressed);
      h.__set_type(format::PageType::DATA_PAGE_V2);
      h.__set_data_page_header_v2(h2);
      OUPS_RETURN_NOT_OK(pw.Emit(h, levels_len));
    } else {
      h.__set_type(format::PageType::DATA_PAGE);
      h.__set_data_page_header(dph);
      OUPS_RETURN_NOT_OK(pw.Emit(h));
    }
    s = s1;
    d = d1;
  } while (s < n_slots);

  md.__set_encodings(encodings);
  md.__set_total_compressed_size(out->size());
  md.__set_total_uncompressed_size(pw.uncompressed_total);
  if (opt.write_statistics) {
    format::Statistics st;
    st.__set_null_count(column.null_count());
    // With a dictionary, min/max over its distinct values: far fewer compares.
    MinMax mm;
    if (use_dict) {
      OUPS_ASSIGN_OR_RETURN(DenseValues dv, DictionaryValues(v, dict));
      mm = ComputeMinMax(dv, desc);
    } else {
      mm = ComputeMinMax(v, desc);
    }
    if (mm.min && mm.max) {
      st.__set_min_value(*mm.min);
      st.__set_max_value(*mm.max);
      st.__set_is_min_value_exact(true);
      st.__set_is_max_value_exact(true);
    }
    md.__set_statistics(st);
  }
  result.chunk->__set_file_offset(0);
  result.chunk->__set_meta_data(md);
  result.uncompressed_size = pw.uncompressed_total;
  return Status::OK();
}

}  // namespace oups::parquet
