#include "oups/table/kernels.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <utility>

#include "oups/table/builder.h"

namespace oups {

namespace {

using Int128 = __int128;

std::string Num(int64_t v) { return std::to_string(v); }

// ------------------------------------------------------------ bit helpers

int64_t BitmapBytes(int64_t bits) { return (bits + 7) / 8; }

// Copies bits [so, so + n) of `src` to [doff, doff + n) of `dst`. Reads no
// byte of `src` outside the source range.
void CopyBits(const uint8_t* src, int64_t so, uint8_t* dst, int64_t doff, int64_t n) {
  if (n <= 0) return;
  if ((so & 7) == 0 && (doff & 7) == 0) {
    const int64_t bytes = n >> 3;
    std::memcpy(dst + (doff >> 3), src + (so >> 3), static_cast<size_t>(bytes));
    for (int64_t k = bytes * 8; k < n; ++k) SetBitTo(dst, doff + k, GetBit(src, so + k));
    return;
  }
  while (n > 0 && (doff & 7) != 0) {
    SetBitTo(dst, doff, GetBit(src, so));
    ++so;
    ++doff;
    --n;
  }
  const int shift = static_cast<int>(so & 7);
  const uint8_t* s = src + (so >> 3);
  uint8_t* d = dst + (doff >> 3);
  while (n >= 64) {
    uint64_t w;
    std::memcpy(&w, s, 8);
    if (shift != 0) w = (w >> shift) | (static_cast<uint64_t>(s[8]) << (64 - shift));
    std::memcpy(d, &w, 8);
    s += 8;
    d += 8;
    n -= 64;
    so += 64;
    doff += 64;
  }
  while (n >= 8) {
    *d = shift == 0 ? s[0] : uint8_t((s[0] >> shift) | (s[1] << (8 - shift)));
    ++s;
    ++d;
    n -= 8;
    so += 8;
    doff += 8;
  }
  for (int64_t k = 0; k < n; ++k) SetBitTo(dst, doff + k, GetBit(src, so + k));
}

void SetBitsTrue(uint8_t* dst, int64_t off, int64_t n) {
  while (n > 0 && (off & 7) != 0) {
    SetBit(dst, off);
    ++off;
    --n;
  }
  const int64_t bytes = n >> 3;
  std::memset(dst + (off >> 3), 0xFF, static_cast<size_t>(bytes));
  off += bytes * 8;
  n -= bytes * 8;
  for (int64_t k = 0; k < n; ++k) SetBit(dst, off + k);
}

Result<std::shared_ptr<MutableBuffer>> NewBitmap(int64_t bits) {
  return MutableBuffer::Make(BitmapBytes(bits), /*zero=*/true);
}

// --------------------------------------------------------- value readers
//
// One reader per ordered representation; each gives operator[](i) -> Value for
// slot i of the column it was made from (offset applied).

template <typename T>
struct FixedReader {
  using Value = T;
  const T* p = nullptr;
  explicit FixedReader(const Column& c) {
    if (c.values() != nullptr) p = c.data<T>();
  }
  T operator[](int64_t i) const { return p[i]; }
};

struct BoolReader {
  using Value = bool;
  const uint8_t* bits = nullptr;
  int64_t off = 0;
  explicit BoolReader(const Column& c) : off(c.offset()) {
    if (c.values() != nullptr) bits = c.values()->data();
  }
  bool operator[](int64_t i) const { return GetBit(bits, off + i); }
};

struct BytesReader {
  using Value = std::string_view;
  const int64_t* o = nullptr;
  const char* d = nullptr;
  explicit BytesReader(const Column& c) {
    if (c.offsets() != nullptr) o = c.offsets_data();
    if (c.values() != nullptr) d = reinterpret_cast<const char*>(c.values()->data());
  }
  std::string_view operator[](int64_t i) const {
    return {d + o[i], static_cast<size_t>(o[i + 1] - o[i])};
  }
};

struct DecimalReader {
  using Value = Int128;
  const uint8_t* p = nullptr;
  explicit DecimalReader(const Column& c) {
    if (c.values() != nullptr) p = c.values()->data() + c.offset() * 16;
  }
  Int128 operator[](int64_t i) const {
    uint64_t lo;
    int64_t hi;
    std::memcpy(&lo, p + i * 16, 8);
    std::memcpy(&hi, p + i * 16 + 8, 8);
    return static_cast<Int128>((static_cast<unsigned __int128>(static_cast<uint64_t>(hi)) << 64) |
                               lo);
  }
};

template <typename V>
inline int Cmp3(const V& a, const V& b) {
  if constexpr (std::is_floating_point_v<V>) {
    if (a < b) return -1;
    if (a > b) return 1;
    if (a == b) return 0;
    const bool an = std::isnan(a), bn = std::isnan(b);
    return int(an) - int(bn);  // NaN after everything, NaN == NaN
  } else if constexpr (std::is_same_v<V, std::string_view>) {
    const int c = a.compare(b);  // char_traits<char>: unsigned byte order
    return (c > 0) - (c < 0);
  } else {
    return (a > b) - (a < b);
  }
}

template <typename V>
inline bool IsNaN(const V& v) {
  if constexpr (std::is_floating_point_v<V>) {
    return std::isnan(v);
  } else {
    (void)v;
    return false;
  }
}

// Calls f(std::type_identity<Reader>{}) with the reader of `type`.
template <typename F>
decltype(auto) VisitReader(const DataType& type, F&& f) {
  switch (type.id) {
    case TypeId::kBool: return f(std::type_identity<BoolReader>{});
    case TypeId::kInt8: return f(std::type_identity<FixedReader<int8_t>>{});
    case TypeId::kInt16: return f(std::type_identity<FixedReader<int16_t>>{});
    case TypeId::kInt32: return f(std::type_identity<FixedReader<int32_t>>{});
    case TypeId::kDate32: return f(std::type_identity<FixedReader<int32_t>>{});
    case TypeId::kUInt8: return f(std::type_identity<FixedReader<uint8_t>>{});
    case TypeId::kUInt16: return f(std::type_identity<FixedReader<uint16_t>>{});
    case TypeId::kUInt32: return f(std::type_identity<FixedReader<uint32_t>>{});
    case TypeId::kUInt64: return f(std::type_identity<FixedReader<uint64_t>>{});
    case TypeId::kFloat32: return f(std::type_identity<FixedReader<float>>{});
    case TypeId::kFloat64: return f(std::type_identity<FixedReader<double>>{});
    case TypeId::kString:
    case TypeId::kBinary: return f(std::type_identity<BytesReader>{});
    case TypeId::kDecimal: return f(std::type_identity<DecimalReader>{});
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kDuration: break;
  }
  return f(std::type_identity<FixedReader<int64_t>>{});
}

// a[i] <=> b[j], nulls first (checked only when kNulls).
template <typename R, bool kNulls>
struct Comparator {
  R ra, rb;
  const Column* a;
  const Column* b;
  int operator()(int64_t i, int64_t j) const {
    if constexpr (kNulls) {
      const bool na = a->IsNull(i), nb = b->IsNull(j);
      if (na || nb) return int(nb) - int(na);
    }
    return Cmp3(ra[i], rb[j]);
  }
};

// Calls f(comparator) with a typed comparator of a's rows against b's rows.
template <typename F>
decltype(auto) WithComparator(const Column& a, const Column& b, F&& f) {
  return VisitReader(a.type(), [&](auto tag) -> decltype(auto) {
    using R = typename decltype(tag)::type;
    if (a.has_nulls() || b.has_nulls()) return f(Comparator<R, true>{R(a), R(b), &a, &b});
    return f(Comparator<R, false>{R(a), R(b), &a, &b});
  });
}

// First k in [lo, n) with !pred(k), for pred true then false on [lo, n):
// exponential then binary search, O(log(k - lo)) calls.
template <typename Pred>
int64_t GallopFirstFalse(int64_t lo, int64_t n, Pred pred) {
  if (lo >= n || !pred(lo)) return lo;
  int64_t good = lo;
  int64_t bad = n;
  int64_t step = 1;
  while (true) {
    const int64_t probe = good + step;
    if (probe >= n) break;
    if (pred(probe)) {
      good = probe;
      step <<= 1;
    } else {
      bad = probe;
      break;
    }
  }
  int64_t l = good + 1, h = bad;
  while (l < h) {
    const int64_t mid = l + (h - l) / 2;
    if (pred(mid)) {
      l = mid + 1;
    } else {
      h = mid;
    }
  }
  return l;
}

// ----------------------------------------------------------- gather runs

struct Run {
  int src;
  int64_t start;
  int64_t length;
};

struct Bytes16 {
  uint64_t lo, hi;
};

// Copies the values of `runs` to `out`: short runs (fine-grained merges) with
// a typed loop, long ones with memcpy.
template <typename T>
void CopyFixedRuns(const std::vector<const Column*>& srcs, const std::vector<Run>& runs,
                   uint8_t* out) {
  T* o = reinterpret_cast<T*>(out);
  for (const Run& r : runs) {
    if (r.length == 0) continue;
    const Column& c = *srcs[static_cast<size_t>(r.src)];
    const T* in = reinterpret_cast<const T*>(c.values()->data()) + c.offset() + r.start;
    if (r.length <= 8) {
      for (int64_t k = 0; k < r.length; ++k) o[k] = in[k];
    } else {
      std::memcpy(o, in, static_cast<size_t>(r.length) * sizeof(T));
    }
    o += r.length;
  }
}

// A column made of `runs` of rows of `srcs` (all of the same type).
Result<Column> GatherRuns(const std::vector<const Column*>& srcs, const std::vector<Run>& runs,
                          int64_t total) {
  const DataType& type = srcs[0]->type();
  bool any_nulls = false;
  for (const Column* c : srcs) any_nulls = any_nulls || c->has_nulls();

  std::shared_ptr<MutableBuffer> validity;
  if (any_nulls) {
    OUPS_ASSIGN_OR_RETURN(validity, NewBitmap(total));
    uint8_t* out = validity->mutable_data();
    int64_t pos = 0;
    for (const Run& r : runs) {
      const Column& c = *srcs[static_cast<size_t>(r.src)];
      if (c.validity() != nullptr) {
        CopyBits(c.validity()->data(), c.offset() + r.start, out, pos, r.length);
      } else {
        SetBitsTrue(out, pos, r.length);
      }
      pos += r.length;
    }
  }

  std::shared_ptr<MutableBuffer> values;
  std::shared_ptr<MutableBuffer> offsets;
  if (type.id == TypeId::kBool) {
    OUPS_ASSIGN_OR_RETURN(values, NewBitmap(total));
    uint8_t* out = values->mutable_data();
    int64_t pos = 0;
    for (const Run& r : runs) {
      if (r.length == 0) continue;
      const Column& c = *srcs[static_cast<size_t>(r.src)];
      CopyBits(c.values()->data(), c.offset() + r.start, out, pos, r.length);
      pos += r.length;
    }
  } else if (type.is_var_length()) {
    int64_t bytes = 0;
    for (const Run& r : runs) {
      if (r.length == 0) continue;
      const int64_t* o = srcs[static_cast<size_t>(r.src)]->offsets_data();
      bytes += o[r.start + r.length] - o[r.start];
    }
    OUPS_ASSIGN_OR_RETURN(values, MutableBuffer::Make(bytes));
    OUPS_ASSIGN_OR_RETURN(offsets, MutableBuffer::Make((total + 1) * 8));
    int64_t* out_o = offsets->mutable_data_as<int64_t>();
    uint8_t* out_v = values->mutable_data();
    int64_t pos = 0;
    int64_t base = 0;
    out_o[0] = 0;
    for (const Run& r : runs) {
      if (r.length == 0) continue;
      const Column& c = *srcs[static_cast<size_t>(r.src)];
      const int64_t* o = c.offsets_data() + r.start;
      const int64_t delta = base - o[0];
      for (int64_t k = 1; k <= r.length; ++k) out_o[pos + k] = o[k] + delta;
      const int64_t n = o[r.length] - o[0];
      if (n > 0) std::memcpy(out_v + base, c.values()->data() + o[0], static_cast<size_t>(n));
      base += n;
      pos += r.length;
    }
  } else {
    const int64_t w = type.byte_width();
    OUPS_ASSIGN_OR_RETURN(values, MutableBuffer::Make(total * w));
    uint8_t* out = values->mutable_data();
    switch (w) {
      case 1: CopyFixedRuns<uint8_t>(srcs, runs, out); break;
      case 2: CopyFixedRuns<uint16_t>(srcs, runs, out); break;
      case 4: CopyFixedRuns<uint32_t>(srcs, runs, out); break;
      case 8: CopyFixedRuns<uint64_t>(srcs, runs, out); break;
      default: CopyFixedRuns<Bytes16>(srcs, runs, out); break;
    }
  }
  return Column(type, total, std::move(validity), std::move(values), std::move(offsets), -1, 0);
}

// Table of `runs` of rows of `srcs` (all with schema `schema`).
Result<Table> GatherTableRuns(const Schema& schema, const std::vector<const Table*>& srcs,
                              const std::vector<Run>& runs, int64_t total) {
  std::vector<Column> cols;
  cols.reserve(static_cast<size_t>(schema.num_fields()));
  std::vector<const Column*> col_srcs(srcs.size());
  for (int c = 0; c < schema.num_fields(); ++c) {
    for (size_t s = 0; s < srcs.size(); ++s) col_srcs[s] = &srcs[s]->column(c);
    OUPS_ASSIGN_OR_RETURN(Column col, GatherRuns(col_srcs, runs, total));
    cols.push_back(std::move(col));
  }
  return Table::Make(schema, std::move(cols));
}

// The schema of a concatenation/merge of tables with schemas `a` and `b`
// (TypeError naming the column when they do not match).
Result<Schema> UnifySchemas(const Schema& a, const Schema& b, const char* what) {
  if (a.num_fields() != b.num_fields()) {
    return Status::TypeError(std::string(what) + ": tables have different columns (" +
                             a.ToString() + ") vs (" + b.ToString() + ")");
  }
  std::vector<Field> fields = a.fields();
  for (int i = 0; i < a.num_fields(); ++i) {
    const Field& fa = a.field(i);
    const Field& fb = b.field(i);
    if (fa.name != fb.name) {
      return Status::TypeError(std::string(what) + ": column " + Num(i) + " is '" + fa.name +
                               "' in one table but '" + fb.name + "' in the other");
    }
    if (fa.type != fb.type) {
      return Status::TypeError(std::string(what) + ": column '" + fa.name + "' is " +
                               fa.type.ToString() + " in one table but " +
                               fb.type.ToString() + " in the other");
    }
    fields[static_cast<size_t>(i)].nullable = fa.nullable || fb.nullable;
  }
  return Schema(std::move(fields));
}

Status ColumnNotFound(const Schema& schema, const std::string& name) {
  std::string avail;
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (i > 0) avail += ", ";
    avail += schema.field(i).name;
  }
  return Status::NotFound("column '" + name + "' not found; available: " + avail);
}

// ------------------------------------------------------------------ take

template <typename T>
void TakeFixed(const T* in, const int64_t* idx, int64_t n, T* out) {
  for (int64_t k = 0; k < n; ++k) out[k] = in[idx[k]];
}

Result<Column> TakeChecked(const Column& c, const int64_t* idx, int64_t n) {
  const DataType& type = c.type();
  if (n == 0) return ColumnBuilder(type).Finish();  // c may have no buffers at all
  std::shared_ptr<MutableBuffer> validity;
  if (c.has_nulls()) {
    OUPS_ASSIGN_OR_RETURN(validity, NewBitmap(n));
    uint8_t* out = validity->mutable_data();
    const uint8_t* in = c.validity()->data();
    const int64_t off = c.offset();
    for (int64_t k = 0; k < n; ++k) {
      if (GetBit(in, off + idx[k])) SetBit(out, k);
    }
  }
  std::shared_ptr<MutableBuffer> values;
  std::shared_ptr<MutableBuffer> offsets;
  if (type.id == TypeId::kBool) {
    OUPS_ASSIGN_OR_RETURN(values, NewBitmap(n));
    uint8_t* out = values->mutable_data();
    const uint8_t* in = c.values()->data();
    const int64_t off = c.offset();
    for (int64_t k = 0; k < n; ++k) {
      if (GetBit(in, off + idx[k])) SetBit(out, k);
    }
  } else if (type.is_var_length()) {
    const int64_t* o = c.offsets_data();
    int64_t bytes = 0;
    for (int64_t k = 0; k < n; ++k) bytes += o[idx[k] + 1] - o[idx[k]];
    OUPS_ASSIGN_OR_RETURN(values, MutableBuffer::Make(bytes));
    OUPS_ASSIGN_OR_RETURN(offsets, MutableBuffer::Make((n + 1) * 8));
    int64_t* out_o = offsets->mutable_data_as<int64_t>();
    uint8_t* out_v = values->mutable_data();
    const uint8_t* in_v = c.values() ? c.values()->data() : nullptr;
    int64_t pos = 0;
    out_o[0] = 0;
    for (int64_t k = 0; k < n; ++k) {
      const int64_t b = o[idx[k]], len = o[idx[k] + 1] - b;
      if (len > 0) std::memcpy(out_v + pos, in_v + b, static_cast<size_t>(len));
      pos += len;
      out_o[k + 1] = pos;
    }
  } else {
    const int w = type.byte_width();
    OUPS_ASSIGN_OR_RETURN(values, MutableBuffer::Make(n * w));
    const uint8_t* in = c.values()->data() + c.offset() * w;
    uint8_t* out = values->mutable_data();
    switch (w) {
      case 1: TakeFixed(in, idx, n, out); break;
      case 2:
        TakeFixed(reinterpret_cast<const uint16_t*>(in), idx, n,
                  reinterpret_cast<uint16_t*>(out));
        break;
      case 4:
        TakeFixed(reinterpret_cast<const uint32_t*>(in), idx, n,
                  reinterpret_cast<uint32_t*>(out));
        break;
      case 8:
        TakeFixed(reinterpret_cast<const uint64_t*>(in), idx, n,
                  reinterpret_cast<uint64_t*>(out));
        break;
      default:
        for (int64_t k = 0; k < n; ++k) {
          std::memcpy(out + k * w, in + idx[k] * w, static_cast<size_t>(w));
        }
    }
  }
  return Column(type, n, std::move(validity), std::move(values), std::move(offsets), -1, 0);
}

Status CheckIndices(const int64_t* idx, int64_t n, int64_t length) {
  if (n < 0) return Status::InvalidArgument("Take: negative number of indices");
  if (n > 0 && idx == nullptr) return Status::InvalidArgument("Take: null indices");
  bool bad = false;
  for (int64_t k = 0; k < n; ++k) bad |= static_cast<uint64_t>(idx[k]) >= static_cast<uint64_t>(length);
  if (!bad) return Status::OK();
  for (int64_t k = 0; k < n; ++k) {
    if (idx[k] < 0 || idx[k] >= length) {
      return Status::OutOfRange("Take: index " + Num(idx[k]) + " (position " + Num(k) +
                                ") out of range for " + Num(length) + " rows");
    }
  }
  return Status::OK();
}

// ------------------------------------------------------------ de-dup hash

inline uint64_t Fmix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

inline uint64_t Combine(uint64_t h, uint64_t v) {
  return Fmix64(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
}

template <typename V>
inline uint64_t HashValue(const V& v) {
  if constexpr (std::is_floating_point_v<V>) {
    double d = static_cast<double>(v);
    if (std::isnan(d)) return 0x7ff8000000000001ULL;  // all NaNs alike
    if (d == 0.0) d = 0.0;                            // -0.0 == 0.0
    return std::bit_cast<uint64_t>(d);
  } else if constexpr (std::is_same_v<V, std::string_view>) {
    return std::hash<std::string_view>{}(v);
  } else if constexpr (std::is_same_v<V, Int128>) {
    return Combine(static_cast<uint64_t>(v), static_cast<uint64_t>(v >> 64));
  } else {
    return static_cast<uint64_t>(v);
  }
}

// ----------------------------------------------------------- scalar search

bool IsIntegerScalar(const Scalar& s) { return s.type().is_integer(); }

Int128 ScalarInt(const Scalar& s) {
  return s.type().is_signed_integer() ? Int128(s.i64()) : Int128(s.u64());
}

// Index of the first row for which !pred(cmp(row)), with cmp(row) = row <=> value.
template <typename Cmp>
int64_t Partition(int64_t n, Cmp cmp, bool upper) {
  int64_t lo = 0, hi = n;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    const int c = cmp(mid);
    if (upper ? c <= 0 : c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

Result<int64_t> Bound(const Column& col, const Scalar& value, bool upper) {
  const DataType& t = col.type();
  const bool scalar_null = !value.is_valid();
  auto run = [&](auto reader, auto key, auto conv) -> int64_t {
    auto cmp = [&](int64_t i) -> int {
      if (col.IsNull(i)) return scalar_null ? 0 : -1;
      if (scalar_null) return 1;
      return Cmp3(conv(reader[i]), key);
    };
    return Partition(col.length(), cmp, upper);
  };
  auto mismatch = [&]() {
    return Status::TypeError("cannot search a " + value.type().ToString() + " value in a " +
                             t.ToString() + " column");
  };
  auto to128 = [](auto v) { return Int128(v); };
  switch (t.id) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64:
    {
      if (!scalar_null && !IsIntegerScalar(value)) return mismatch();
      const Int128 key = scalar_null ? Int128(0) : ScalarInt(value);
      switch (t.id) {
        case TypeId::kInt8: return run(FixedReader<int8_t>(col), key, to128);
        case TypeId::kInt16: return run(FixedReader<int16_t>(col), key, to128);
        case TypeId::kInt32: return run(FixedReader<int32_t>(col), key, to128);
        case TypeId::kUInt8: return run(FixedReader<uint8_t>(col), key, to128);
        case TypeId::kUInt16: return run(FixedReader<uint16_t>(col), key, to128);
        case TypeId::kUInt32: return run(FixedReader<uint32_t>(col), key, to128);
        case TypeId::kUInt64: return run(FixedReader<uint64_t>(col), key, to128);
        default: return run(FixedReader<int64_t>(col), key, to128);
      }
    }
    case TypeId::kTimestamp:
    case TypeId::kDuration:
    case TypeId::kDate32:
    case TypeId::kDecimal:
      if (value.type() != t) return mismatch();
      if (t.id == TypeId::kDate32) return run(FixedReader<int32_t>(col), Int128(value.i64()), to128);
      if (t.id == TypeId::kDecimal) {
        const Int128 key = static_cast<Int128>(
            (static_cast<unsigned __int128>(static_cast<uint64_t>(value.i64())) << 64) |
            value.u64());
        return run(DecimalReader(col), key, [](Int128 v) { return v; });
      }
      return run(FixedReader<int64_t>(col), Int128(value.i64()), to128);
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double key = 0.0;
      if (!scalar_null) {
        if (value.type().is_floating()) {
          key = value.f64();
        } else if (IsIntegerScalar(value)) {
          key = value.type().is_signed_integer() ? static_cast<double>(value.i64())
                                               : static_cast<double>(value.u64());
        } else {
          return mismatch();
        }
      }
      auto to_double = [](auto v) { return static_cast<double>(v); };
      if (t.id == TypeId::kFloat32) return run(FixedReader<float>(col), key, to_double);
      return run(FixedReader<double>(col), key, to_double);
    }
    case TypeId::kBool:
      if (!scalar_null && value.type().id != TypeId::kBool) return mismatch();
      return run(BoolReader(col), value.bool_value(), [](bool v) { return v; });
    case TypeId::kString:
    case TypeId::kBinary:
      if (!scalar_null && !value.type().is_var_length()) return mismatch();
      return run(BytesReader(col), std::string_view(value.bytes()),
                 [](std::string_view v) { return v; });
  }
  return mismatch();
}

}  // namespace

// ============================================================ public API

Result<Column> Concatenate(const std::vector<Column>& columns) {
  if (columns.empty()) return Status::InvalidArgument("Concatenate: no columns");
  if (columns.size() == 1) return columns[0];
  std::vector<const Column*> srcs;
  std::vector<Run> runs;
  srcs.reserve(columns.size());
  runs.reserve(columns.size());
  int64_t total = 0;
  for (size_t k = 0; k < columns.size(); ++k) {
    if (columns[k].type() != columns[0].type()) {
      return Status::TypeError("Concatenate: cannot concatenate columns of types " +
                               columns[0].type().ToString() + " and " +
                               columns[k].type().ToString());
    }
    srcs.push_back(&columns[k]);
    runs.push_back({static_cast<int>(k), 0, columns[k].length()});
    total += columns[k].length();
  }
  return GatherRuns(srcs, runs, total);
}

Result<Table> ConcatenateTables(const std::vector<Table>& tables) {
  if (tables.empty()) return Status::InvalidArgument("ConcatenateTables: no tables");
  Schema schema = tables[0].schema();
  for (size_t k = 1; k < tables.size(); ++k) {
    OUPS_ASSIGN_OR_RETURN(schema,
                          UnifySchemas(schema, tables[k].schema(), "ConcatenateTables"));
  }
  if (tables.size() == 1) return tables[0];
  std::vector<const Table*> srcs;
  std::vector<Run> runs;
  int64_t total = 0;
  for (size_t k = 0; k < tables.size(); ++k) {
    srcs.push_back(&tables[k]);
    runs.push_back({static_cast<int>(k), 0, tables[k].num_rows()});
    total += tables[k].num_rows();
  }
  return GatherTableRuns(schema, srcs, runs, total);
}

Result<Column> Take(const Column& column, const int64_t* indices, int64_t n) {
  OUPS_RETURN_NOT_OK(CheckIndices(indices, n, column.length()));
  return TakeChecked(column, indices, n);
}

Result<Table> Take(const Table& table, const int64_t* indices, int64_t n) {
  OUPS_RETURN_NOT_OK(CheckIndices(indices, n, table.num_rows()));
  std::vector<Column> cols;
  cols.reserve(static_cast<size_t>(table.num_columns()));
  for (const Column& c : table.columns()) {
    OUPS_ASSIGN_OR_RETURN(Column col, TakeChecked(c, indices, n));
    cols.push_back(std::move(col));
  }
  return Table::Make(table.schema(), std::move(cols));
}

int CompareValues(const Column& a, int64_t i, const Column& b, int64_t j) {
  if (a.type().id != b.type().id) {
    return Cmp3(static_cast<int>(a.type().id), static_cast<int>(b.type().id));
  }
  return WithComparator(a, b, [&](const auto& cmp) { return cmp(i, j); });
}

Result<int64_t> FindFirstUnsorted(const Column& column) {
  const int64_t n = column.length();
  return VisitReader(column.type(), [&](auto tag) -> int64_t {
    using R = typename decltype(tag)::type;
    const R r(column);
    const bool nulls = column.has_nulls();
    for (int64_t i = 0; i < n; ++i) {
      if (nulls && column.IsNull(i)) return i;
      const auto v = r[i];
      if (IsNaN(v)) return i;
      if (i > 0 && Cmp3(v, r[i - 1]) < 0) return i;
    }
    return -1;
  });
}

Result<Table> MergeSorted(const Table& old_rows, const Table& new_rows,
                          const std::string& ordered_on) {
  OUPS_ASSIGN_OR_RETURN(Schema schema,
                        UnifySchemas(old_rows.schema(), new_rows.schema(), "MergeSorted"));
  const int key = schema.IndexOf(ordered_on);
  if (key < 0) return ColumnNotFound(schema, ordered_on);
  const int64_t no = old_rows.num_rows(), nn = new_rows.num_rows();
  if (nn == 0 || no == 0) {
    const Table& t = nn == 0 ? old_rows : new_rows;
    if (t.schema() == schema) return t;
    return Table::Make(schema, t.columns());
  }
  const Column& ko = old_rows.column(key);
  const Column& kn = new_rows.column(key);
  std::vector<Run> runs;
  WithComparator(ko, kn, [&](const auto& cmp) {
    int64_t i = 0, j = 0;
    while (i < no && j < nn) {
      // Old rows up to and including new[j]'s key (ties: old first).
      int64_t k = GallopFirstFalse(i, no, [&](int64_t x) { return cmp(x, j) <= 0; });
      if (k > i) {
        runs.push_back({0, i, k - i});
        i = k;
        if (i == no) break;
      }
      // New rows strictly below old[i]'s key.
      k = GallopFirstFalse(j, nn, [&](int64_t y) { return cmp(i, y) > 0; });
      runs.push_back({1, j, k - j});
      j = k;
    }
    if (i < no) runs.push_back({0, i, no - i});
    if (j < nn) runs.push_back({1, j, nn - j});
    return 0;
  });
  return GatherTableRuns(schema, {&old_rows, &new_rows}, runs, no + nn);
}

Result<Table> DropDuplicatesKeepLast(const Table& table, const std::string& ordered_on,
                                     const std::vector<std::string>& subset) {
  const Schema& schema = table.schema();
  const int key = schema.IndexOf(ordered_on);
  if (key < 0) return ColumnNotFound(schema, ordered_on);
  // Columns compared besides the ordered one, without repeats.
  std::vector<int> others;
  if (subset.empty()) {
    for (int c = 0; c < schema.num_fields(); ++c) {
      if (c != key) others.push_back(c);
    }
  } else {
    std::unordered_set<int> seen{key};
    for (const std::string& name : subset) {
      const int c = schema.IndexOf(name);
      if (c < 0) return ColumnNotFound(schema, name);
      if (seen.insert(c).second) others.push_back(c);
    }
  }
  const int64_t n = table.num_rows();
  const Column& kc = table.column(key);

  // Groups of rows with equal keys, of two rows or more.
  struct Group {
    int64_t begin, end;
  };
  std::vector<Group> groups;
  WithComparator(kc, kc, [&](const auto& cmp) {
    int64_t start = 0;
    for (int64_t i = 1; i <= n; ++i) {
      if (i == n || cmp(i - 1, i) != 0) {
        if (i - start >= 2) groups.push_back({start, i});
        start = i;
      }
    }
    return 0;
  });
  if (groups.empty()) return table;

  // Rows in groups and their hash over the other subset columns.
  std::vector<int64_t> rows;
  for (const Group& g : groups) {
    for (int64_t r = g.begin; r < g.end; ++r) rows.push_back(r);
  }
  const size_t nr = rows.size();
  std::vector<uint64_t> hash(nr, 0);
  for (int c : others) {
    const Column& col = table.column(c);
    VisitReader(col.type(), [&](auto tag) {
      using R = typename decltype(tag)::type;
      const R reader(col);
      if (col.has_nulls()) {
        for (size_t k = 0; k < nr; ++k) {
          const uint64_t v = col.IsNull(rows[k]) ? 0x5bd1e9955bd1e995ULL : HashValue(reader[rows[k]]);
          hash[k] = Combine(hash[k], v);
        }
      } else {
        for (size_t k = 0; k < nr; ++k) hash[k] = Combine(hash[k], HashValue(reader[rows[k]]));
      }
      return 0;
    });
  }

  // Within each group, sort by (hash, row); a row is paired with the last row
  // of its equal-hash run, a candidate duplicate to verify.
  struct Entry {
    uint64_t hash;
    int64_t row;
  };
  std::vector<Entry> entries(nr);
  for (size_t k = 0; k < nr; ++k) entries[k] = {hash[k], rows[k]};
  struct Pair {
    int64_t row, last;
    size_t run_begin, run_end;  // the equal-hash run, in `entries`
  };
  std::vector<Pair> pairs;
  size_t e = 0;
  for (const Group& g : groups) {
    const size_t gb = e, ge = e + static_cast<size_t>(g.end - g.begin);
    std::sort(entries.begin() + static_cast<std::ptrdiff_t>(gb),
              entries.begin() + static_cast<std::ptrdiff_t>(ge),
              [](const Entry& a, const Entry& b) {
                return a.hash != b.hash ? a.hash < b.hash : a.row < b.row;
              });
    size_t rb = gb;
    for (size_t k = gb + 1; k <= ge; ++k) {
      if (k == ge || entries[k].hash != entries[rb].hash) {
        for (size_t m = rb; m + 1 < k; ++m) {
          pairs.push_back({entries[m].row, entries[k - 1].row, rb, k});
        }
        rb = k;
      }
    }
    e = ge;
  }

  // Verify candidate pairs column by column.
  std::vector<uint8_t> equal(pairs.size(), 1);
  auto verify = [&](const Column& col, auto row_of, auto other_of, auto& eq, size_t count) {
    WithComparator(col, col, [&](const auto& cmp) {
      for (size_t p = 0; p < count; ++p) {
        if (eq[p] && cmp(row_of(p), other_of(p)) != 0) eq[p] = 0;
      }
      return 0;
    });
  };
  for (int c : others) {
    verify(
        table.column(c), [&](size_t p) { return pairs[p].row; },
        [&](size_t p) { return pairs[p].last; }, equal, pairs.size());
  }
  std::vector<uint8_t> keep(static_cast<size_t>(n), 1);
  auto rows_equal = [&](int64_t a, int64_t b) {
    for (int c : others) {
      if (CompareValues(table.column(c), a, table.column(c), b) != 0) return false;
    }
    return true;
  };
  for (size_t p = 0; p < pairs.size(); ++p) {
    const Pair& pr = pairs[p];
    if (equal[p]) {
      keep[static_cast<size_t>(pr.row)] = 0;
      continue;
    }
    // Hash collision (rare): compare with every later row of the run.
    for (size_t m = pr.run_begin; m < pr.run_end; ++m) {
      const int64_t other = entries[m].row;
      if (other > pr.row && rows_equal(pr.row, other)) {
        keep[static_cast<size_t>(pr.row)] = 0;
        break;
      }
    }
  }

  std::vector<Run> runs;
  int64_t total = 0;
  for (int64_t r = 0; r < n;) {
    if (!keep[static_cast<size_t>(r)]) {
      ++r;
      continue;
    }
    int64_t s = r;
    while (r < n && keep[static_cast<size_t>(r)]) ++r;
    runs.push_back({0, s, r - s});
    total += r - s;
  }
  if (total == n) return table;
  return GatherTableRuns(schema, {&table}, runs, total);
}

Result<int64_t> LowerBound(const Column& sorted, const Scalar& value) {
  return Bound(sorted, value, /*upper=*/false);
}

Result<int64_t> UpperBound(const Column& sorted, const Scalar& value) {
  return Bound(sorted, value, /*upper=*/true);
}

Result<Column> ScalarColumn(const Scalar& s) {
  ColumnBuilder b(s.type());
  if (!s.is_valid()) {
    OUPS_RETURN_NOT_OK(b.AppendNull());
    return b.Finish();
  }
  switch (s.type().id) {
    case TypeId::kBool: OUPS_RETURN_NOT_OK(b.Append(s.bool_value())); break;
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64: OUPS_RETURN_NOT_OK(b.Append(s.u64())); break;
    case TypeId::kFloat32:
    case TypeId::kFloat64: OUPS_RETURN_NOT_OK(b.Append(s.f64())); break;
    case TypeId::kString:
    case TypeId::kBinary: OUPS_RETURN_NOT_OK(b.Append(std::string_view(s.bytes()))); break;
    case TypeId::kDecimal: OUPS_RETURN_NOT_OK(b.AppendDecimal(s.u64(), s.i64())); break;
    default: OUPS_RETURN_NOT_OK(b.Append(s.i64())); break;
  }
  return b.Finish();
}

Scalar GetScalar(const Column& column, int64_t i) {
  const DataType& t = column.type();
  if (column.IsNull(i)) return Scalar::Null(t);
  switch (t.id) {
    case TypeId::kBool: return Scalar::Bool(column.GetBool(i));
    case TypeId::kInt8: return Scalar::Int(column.data<int8_t>()[i], t);
    case TypeId::kInt16: return Scalar::Int(column.data<int16_t>()[i], t);
    case TypeId::kInt32:
    case TypeId::kDate32: return Scalar::Int(column.data<int32_t>()[i], t);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kDuration: return Scalar::Int(column.data<int64_t>()[i], t);
    case TypeId::kUInt8: return Scalar::UInt(column.data<uint8_t>()[i], t);
    case TypeId::kUInt16: return Scalar::UInt(column.data<uint16_t>()[i], t);
    case TypeId::kUInt32: return Scalar::UInt(column.data<uint32_t>()[i], t);
    case TypeId::kUInt64: return Scalar::UInt(column.data<uint64_t>()[i], t);
    case TypeId::kFloat32: return Scalar::Float(column.data<float>()[i], t);
    case TypeId::kFloat64: return Scalar::Float(column.data<double>()[i], t);
    case TypeId::kString: return Scalar::String(std::string(column.GetView(i)));
    case TypeId::kBinary: return Scalar::Binary(std::string(column.GetView(i)));
    case TypeId::kDecimal: {
      const uint8_t* p = column.values()->data() + (column.offset() + i) * 16;
      uint64_t lo = 0;
      int64_t hi = 0;
      std::memcpy(&lo, p, 8);
      std::memcpy(&hi, p + 8, 8);
      return Scalar::Decimal(t.precision, t.scale, lo, hi);
    }
  }
  return Scalar::Null(t);
}

}  // namespace oups
