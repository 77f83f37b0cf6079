#include "cli/csv_input.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <thread>

#include "cli/args.h"
#include "cli/values.h"
#include "oups/table/builder.h"

namespace oups::cli {
namespace {

// Raw text of one column: every field's bytes end to end.
struct RawColumn {
  std::string bytes;
  std::vector<int64_t> ends;  // end offset of each field in `bytes`
  std::vector<uint8_t> kind;  // 0 null (empty unquoted), 1 value, 2 quoted empty
  std::string_view Field(size_t i) const {
    const int64_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(bytes).substr(static_cast<size_t>(begin),
                                          static_cast<size_t>(ends[i] - begin));
  }
};

// One field of a record: its text (in the block, or unescaped in the block's
// scratch buffer) and its kind.
struct FieldRef {
  const char* data;
  uint32_t len;
  uint8_t kind;  // 0 null (empty unquoted, or the null text), 1 value, 2 quoted empty
  std::string_view text() const { return {data, len}; }
};

// "true" or "false" in any case (not 1/0, t/f or yes/no: those stay integers
// or text unless the column is given as bool).
bool IsBoolWord(std::string_view f) {
  // ASCII letters only: setting bit 0x20 lower-cases them (and maps no other
  // byte onto a lower-case letter of these words).
  auto is = [&](std::string_view word) {
    if (f.size() != word.size()) return false;
    for (size_t i = 0; i < f.size(); ++i) {
      const char c = f[i];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) || (c | 0x20) != word[i])
        return false;
    }
    return true;
  };
  return is("true") || is("false");
}

// Whether the integer `text` (IsIntegerText) is exactly a float64 value.
bool IntegerExactInFloat64(std::string_view text) {
  // The sign does not change exactness.
  std::string digits(text);
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.erase(0, 1);
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return true;  // zero
  digits.erase(0, first);
  if (digits.size() <= 15) return true;  // below 2^53: every such integer is exact
  const double d = std::strtod(digits.c_str(), nullptr);
  if (std::isinf(d)) return false;
  // glibc prints the exact decimal value of a double.
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.0f", d);
  return digits == buf;
}

// Where a value of a column is, for inference errors: "in.csv:7: column 3 'qty'".
struct ColumnPlace {
  const std::string& path;
  const std::vector<int64_t>& row_lines;
  size_t index;
  const std::string& name;
  std::string At(size_t row) const {
    return path + ":" + std::to_string(row_lines[row]) + ": column " +
           std::to_string(index + 1) + " '" + name + "'";
  }
  std::string Line(size_t row) const { return "line " + std::to_string(row_lines[row]); }
};

// Inferred type of a column over all its non-null values. Integers never lose
// precision silently: a column of integers is int64, or uint64 when some exceed
// int64 and none is negative; integers that no such type holds, or that float64
// cannot hold exactly in a column that also has non-integer numbers, are an
// error that names the value and suggests --types.
Result<DataType> InferType(const RawColumn& col, const ColumnPlace& place) {
  bool can_bool = true, can_int = true, can_float = true, can_ts = true, can_date = true;
  bool any_value = false, any_time = false, any_offset = false, any_naive = false;
  // First row of each kind of integer (SIZE_MAX: none).
  constexpr size_t kNone = SIZE_MAX;
  size_t negative_row = kNone;     // fits int64 only
  size_t above_int64_row = kNone;  // fits uint64 only
  size_t too_big_row = kNone;      // fits neither
  size_t inexact_row = kNone;      // not exactly a float64
  size_t non_integer_row = kNone;  // a float64 that is not integer text
  for (size_t i = 0; i < col.kind.size(); ++i) {
    if (col.kind[i] != 1) continue;
    any_value = true;
    const std::string_view f = col.Field(i);
    if (can_bool) can_bool = IsBoolWord(f);
    const bool is_integer = IsIntegerText(f);
    if (is_integer) {
      if (auto v = ParseInt64(f)) {
        if (*v < 0 && negative_row == kNone) negative_row = i;
      } else if (ParseUInt64(f)) {
        if (above_int64_row == kNone) above_int64_row = i;
      } else if (too_big_row == kNone) {
        too_big_row = i;
      }
      if (inexact_row == kNone && !IntegerExactInFloat64(f)) inexact_row = i;
    } else {
      can_int = false;
      if (can_float && !IsFloat64Text(f)) can_float = false;
      if (can_float && non_integer_row == kNone) non_integer_row = i;
    }
    // Every value is checked against every candidate still open (an early
    // integer must not let a later date through).
    if (can_ts || can_date) {
      auto dt = ParseIsoDateTime(f);
      if (!dt) {
        can_ts = can_date = false;
      } else {
        if (dt->has_time) {
          any_time = true;
          can_date = false;
        }
        (dt->offset_seconds ? any_offset : any_naive) = true;
      }
    }
    if (!can_bool && !can_int && !can_float && !can_ts && !can_date) break;
  }
  if (!any_value) return DataType::String();
  if (can_bool) return DataType::Bool();
  const std::string hint = "; give --types " + place.name + "=float64 (rounded) or " +
                           place.name + "=string";
  if (can_int) {
    if (too_big_row != kNone) {
      return Status::InvalidArgument(place.At(too_big_row) + ": integer '" +
                                     std::string(col.Field(too_big_row)) +
                                     "' does not fit in int64 or uint64" + hint);
    }
    if (above_int64_row == kNone) return DataType::Int64();
    if (negative_row == kNone) return DataType::UInt64();
    return Status::InvalidArgument(
        place.At(above_int64_row) + ": integer '" +
        std::string(col.Field(above_int64_row)) + "' needs uint64, but '" +
        std::string(col.Field(negative_row)) + "' on " + place.Line(negative_row) +
        " is negative: no integer type holds both" + hint);
  }
  if (can_float) {
    if (inexact_row != kNone) {
      return Status::InvalidArgument(
          place.At(inexact_row) + ": integer '" + std::string(col.Field(inexact_row)) +
          "' cannot be stored exactly as float64, the type that the non-integer '" +
          std::string(col.Field(non_integer_row)) + "' on " +
          place.Line(non_integer_row) + " needs" + hint);
    }
    return DataType::Float64();
  }
  if (can_date && !any_time) return DataType::Date32();
  if (can_ts && !(any_offset && any_naive)) {
    return DataType::Timestamp(TimeUnit::kNano, any_offset ? "UTC" : "");
  }
  return DataType::String();
}

// The fields of complete records in buf[0, size), one record at a time:
// RFC 4180 quoting, strict (a quote inside an unquoted field, or text after a
// closing quote, is an error), records ended by LF, CRLF or CR, blank lines
// skipped. Fields with doubled quotes are unescaped into `scratch`, reserved
// by the caller to at least `size` bytes so that its data never moves.
class Tokenizer {
 public:
  Tokenizer(const std::string& path, char delimiter, const std::optional<std::string>& null_text)
      : path_(path), delim_(delimiter), null_text_(null_text) {
    for (unsigned char c : {static_cast<unsigned char>(delimiter), static_cast<unsigned char>('\n'),
                            static_cast<unsigned char>('\r'), static_cast<unsigned char>('"')}) {
      special_[c] = true;
    }
  }

  // Calls on_record(fields, n, line) for each complete record (a Status:
  // an error stops). Returns the offset where the first incomplete record
  // starts (`size` when none); at_eof: the end of the buffer ends the file.
  // `*line` is the physical line at buf[0] on entry, at the returned offset
  // on exit.
  template <typename OnRecord>
  Result<size_t> Run(const char* buf, size_t size, bool at_eof, int64_t* line,
                     std::string* scratch, OnRecord&& on_record) {
    size_t p = 0;
    while (p < size) {
      const char c0 = buf[p];
      if (c0 == '\n') {
        ++*line;
        ++p;
        continue;
      }
      if (c0 == '\r') {
        ++p;
        continue;
      }
      const size_t rec_start = p;
      const int64_t rec_line = *line;
      const size_t scratch_mark = scratch->size();
      rec_.clear();
      bool incomplete = false;
      for (;;) {
        if (p < size && buf[p] == '"') {
          // Quoted field: up to the quote not followed by another one.
          ++p;
          const size_t fstart = p;
          bool escaped = false;
          for (;;) {
            const void* q = p < size ? std::memchr(buf + p, '"', size - p) : nullptr;
            if (q == nullptr) {
              *line += std::count(buf + p, buf + size, '\n');
              p = size;
              incomplete = true;
              break;
            }
            const size_t qp = static_cast<size_t>(static_cast<const char*>(q) - buf);
            *line += std::count(buf + p, buf + qp, '\n');
            p = qp + 1;
            if (p < size && buf[p] == '"') {
              escaped = true;
              ++p;
              continue;
            }
            if (p >= size && !at_eof) incomplete = true;
            break;
          }
          if (incomplete) {
            if (at_eof) {
              return Status::InvalidArgument(
                  path_ + ":" + std::to_string(rec_line) +
                  ": malformed CSV (a quoted field starting on this line is never closed)");
            }
            break;
          }
          const size_t fend = p - 1;  // the closing quote
          FieldRef f{buf + fstart, static_cast<uint32_t>(fend - fstart), 1};
          if (escaped) {
            const size_t begin = scratch->size();
            for (size_t i = fstart; i < fend; ++i) {
              scratch->push_back(buf[i]);
              if (buf[i] == '"') ++i;  // the second quote of a pair
            }
            f.data = scratch->data() + begin;
            f.len = static_cast<uint32_t>(scratch->size() - begin);
          }
          if (f.len == 0) f.kind = 2;
          if (null_text_ && f.text() == *null_text_) f.kind = 0;
          rec_.push_back(f);
          if (p >= size) break;  // end of file ends the record
          const char c = buf[p];
          if (c == delim_) {
            ++p;
            continue;
          }
          if (c == '\n' || c == '\r') break;
          return Status::InvalidArgument(path_ + ":" + std::to_string(*line) +
                                         ": malformed CSV (text after the closing quote "
                                         "of a quoted field)");
        }
        // Unquoted field: up to the delimiter or the end of the line.
        const size_t fstart = p;
        while (p < size && !special_[static_cast<unsigned char>(buf[p])]) ++p;
        if (p < size && buf[p] == '"') {
          return Status::InvalidArgument(path_ + ":" + std::to_string(*line) +
                                         ": malformed CSV (a quote inside an unquoted "
                                         "field; quote the whole field and double the "
                                         "quotes inside)");
        }
        if (p >= size && !at_eof) {
          incomplete = true;
          break;
        }
        FieldRef f{buf + fstart, static_cast<uint32_t>(p - fstart),
                   static_cast<uint8_t>(p == fstart ? 0 : 1)};
        if (null_text_ && f.text() == *null_text_) f.kind = 0;
        rec_.push_back(f);
        if (p < size && buf[p] == delim_) {
          ++p;
          // A delimiter at the very end of the file: one more empty field.
          if (p >= size && at_eof) {
            rec_.push_back(FieldRef{buf + p, 0, 0});
            break;
          }
          continue;
        }
        break;
      }
      if (incomplete) {
        *line = rec_line;
        scratch->resize(scratch_mark);
        return rec_start;
      }
      // The record's end of line.
      if (p < size && buf[p] == '\r') ++p;
      if (p < size && buf[p] == '\n') {
        ++p;
        ++*line;
      }
      OUPS_RETURN_NOT_OK(on_record(rec_.data(), rec_.size(), rec_line));
    }
    return size;
  }

 private:
  const std::string& path_;
  char delim_;
  const std::optional<std::string>& null_text_;
  std::vector<FieldRef> rec_;
  bool special_[256] = {};  // the bytes that end an unquoted field's text
};

// Rows of one block: row-major fields (n_cols per row) and the line of each.
struct Batch {
  std::vector<FieldRef> fields;
  std::vector<int64_t> lines;
  size_t rows() const { return lines.size(); }
};

// Reads `path` block by block, calling on_header(names, line) once (unless
// the names are given) and on_batch(batch) for the data records of each block.
template <typename OnBatch>
Status ScanFile(RandomAccessFile& file, int64_t size, const std::string& path,
                const CsvOptions& options, std::vector<std::string>* names,
                OnBatch&& on_batch) {
  Tokenizer tokenizer(path, options.delimiter, options.null_text);
  bool header_done = !options.header;
  const std::string structure_source = options.header ? "header" : "column names given";
  std::string buffer;
  std::string scratch;
  Batch batch;
  int64_t line = 1;
  size_t carry = 0;  // bytes of an incomplete record at the start of `buffer`
  int64_t offset = 0;
  while (offset < size || carry > 0) {
    const size_t want = std::max(std::max<size_t>(options.block_bytes, 64), carry * 2);
    const int64_t n = std::min<int64_t>(static_cast<int64_t>(want - carry), size - offset);
    buffer.resize(carry + static_cast<size_t>(n));
    if (n > 0) {
      OUPS_RETURN_NOT_OK(file.ReadAt(offset, n, reinterpret_cast<uint8_t*>(buffer.data() + carry)));
    }
    size_t begin = 0;
    // A UTF-8 byte order mark (as spreadsheet programs write) is not part of
    // the first column's name.
    if (offset == 0 && std::string_view(buffer).starts_with("\xEF\xBB\xBF")) begin = 3;
    offset += n;
    const bool at_eof = offset >= size;
    scratch.clear();
    scratch.reserve(buffer.size());
    batch.fields.clear();
    batch.lines.clear();
    auto on_record = [&](const FieldRef* f, size_t count, int64_t rec_line) -> Status {
      if (!header_done) {
        std::set<std::string> seen;
        for (size_t c = 0; c < count; ++c) {
          const std::string name(f[c].text());
          const std::string where = path + ":" + std::to_string(rec_line);
          if (name.empty()) {
            return Status::InvalidArgument(where + ": column " + std::to_string(c + 1) +
                                           " of the header has no name");
          }
          if (!seen.insert(name).second) {
            return Status::InvalidArgument(where + ": column " + std::to_string(c + 1) +
                                           ": duplicate column name '" + name + "'");
          }
          names->push_back(name);
        }
        header_done = true;
        return Status::OK();
      }
      if (count != names->size()) {
        return Status::InvalidArgument(path + ":" + std::to_string(rec_line) + ": expected " +
                                       std::to_string(names->size()) + " fields (as the " +
                                       structure_source + "), found " + std::to_string(count));
      }
      batch.fields.insert(batch.fields.end(), f, f + count);
      batch.lines.push_back(rec_line);
      return Status::OK();
    };
    OUPS_ASSIGN_OR_RETURN(
        const size_t used,
        tokenizer.Run(buffer.data() + begin, buffer.size() - begin, at_eof, &line, &scratch,
                      on_record));
    if (!header_done && at_eof) break;
    if (options.progress) options.progress(-1, offset, size);
    if (header_done && batch.rows() > 0) OUPS_RETURN_NOT_OK(on_batch(batch));
    carry = buffer.size() - begin - used;
    if (carry > 0) {
      std::memmove(buffer.data(), buffer.data() + begin + used, carry);
      if (at_eof) return Status::Internal(path + ": incomplete record at the end");
    }
  }
  if (!header_done) {
    return Status::InvalidArgument(path + ":1: no header line (expected the column names)");
  }
  return Status::OK();
}

// How a column's values are converted.
enum class Mode {
  kFixed,        // given or stored type: a value that does not fit is an error
  kSpeculative,  // inferred from the first block: a value that the inference
                 // over the whole file would type differently aborts the pass
  kPending,      // no value yet (inferred, nulls only so far)
};

// "+5" -> 5; the whole text or nothing (as ParseInt64).
inline bool FastInt64(std::string_view t, int64_t* v) {
  const char* b = t.data();
  const char* e = b + t.size();
  if (b != e && *b == '+') ++b;
  if (b == e) return false;
  auto [ptr, ec] = std::from_chars(b, e, *v);
  return ec == std::errc() && ptr == e;
}

// Decimal notation only, as values.cc's float64 conversion (which handles
// nan/inf, out-of-range and any text this refuses).
inline bool FastDouble(std::string_view t, double* v) {
  const char* b = t.data();
  const char* e = b + t.size();
  if (b != e && *b == '+') {
    ++b;
    if (b != e && (*b == '-' || *b == '+')) return false;
  }
  if (b == e || !((*b >= '0' && *b <= '9') || *b == '.' || *b == '-')) return false;
  auto [ptr, ec] = std::from_chars(b, e, *v, std::chars_format::general);
  return ec == std::errc() && ptr == e;
}

// The value of `text` in a timestamp column without going through the zone
// database: naive text in a naive column, text with an offset in a zoned one.
inline bool FastTimestamp(std::string_view text, const DataType& type, bool need_offset,
                          int64_t* v) {
  auto dt = ParseIsoDateTime(text);
  if (!dt) return false;
  const bool zoned = !type.timezone.empty();
  if (dt->offset_seconds.has_value() != zoned) return false;
  if (need_offset && !dt->offset_seconds) return false;
  int64_t per_unit = 1;  // nanoseconds per unit
  switch (type.unit) {
    case TimeUnit::kSecond: per_unit = 1'000'000'000; break;
    case TimeUnit::kMilli: per_unit = 1'000'000; break;
    case TimeUnit::kMicro: per_unit = 1'000; break;
    case TimeUnit::kNano: per_unit = 1; break;
  }
  if (dt->nanos % per_unit != 0) return false;
  const int64_t seconds = dt->local_seconds - dt->offset_seconds.value_or(0);
  const __int128 value =
      static_cast<__int128>(seconds) * (1'000'000'000 / per_unit) + dt->nanos / per_unit;
  if (value > INT64_MAX || value < INT64_MIN) return false;
  *v = static_cast<int64_t>(value);
  return true;
}

// The value of a Scalar made by ParseScalar, whether Scalar exposes its
// slots as members or as accessors (include/oups/table/scalar.h is moving
// from the first to the second).
template <typename S>
int64_t SlotI64(const S& s) {
  if constexpr (requires { s.i64(); }) return s.i64(); else return s.i64;
}
template <typename S>
uint64_t SlotU64(const S& s) {
  if constexpr (requires { s.u64(); }) return s.u64(); else return s.u64;
}
template <typename S>
double SlotF64(const S& s) {
  if constexpr (requires { s.f64(); }) return s.f64(); else return s.f64;
}
template <typename S>
bool SlotBool(const S& s) {
  if constexpr (requires { s.bool_value(); }) return s.bool_value(); else return s.b;
}

// One column being built: its type, how its values are checked, and its data.
class ColumnState {
 public:
  ColumnState(std::string name, size_t index, DataType type, Mode mode)
      : name_(std::move(name)), index_(index), type_(type), mode_(mode), builder_(type) {}

  Mode mode() const { return mode_; }
  const DataType& type() const { return type_; }
  // Sets the type of a kPending column from its first values.
  void Speculate(DataType type) {
    type_ = type;
    mode_ = Mode::kSpeculative;
    builder_ = ColumnBuilder(type);
  }

  // Converts the column's fields of `batch`. *abandon: a speculative value
  // did not hold (the caller restarts with types inferred over the whole file).
  Status Convert(const Batch& batch, size_t n_cols, const std::string& path, bool* abandon) {
    const size_t n = batch.rows();
    *abandon = false;
    auto field = [&](size_t r) -> const FieldRef& { return batch.fields[r * n_cols + index_]; };
    if (mode_ == Mode::kPending) {
      for (size_t r = 0; r < n; ++r) {
        if (field(r).kind == 1) {
          *abandon = true;
          return Status::OK();
        }
      }
      pending_rows_ += static_cast<int64_t>(n);
      return Status::OK();
    }
    auto error = [&](size_t r, const Status& s) {
      return Status(s.code(), path + ":" + std::to_string(batch.lines[r]) + ": column " +
                                  std::to_string(index_ + 1) + " '" + name_ + "': " +
                                  s.message());
    };
    const bool spec = mode_ == Mode::kSpeculative;
    valid_.assign(n, 1);
    bool any_null = false;
    // A value of the type by the general conversion (values.h): the exact
    // error, or the value when the fast path declined.
    auto slow = [&](size_t r) -> Result<Scalar> {
      auto s = ParseScalar(field(r).text(), type_);
      if (!s.ok()) return error(r, s.status());
      return s;
    };
    switch (type_.id) {
      case TypeId::kInt64:
      case TypeId::kTimestamp:
      case TypeId::kDate32: {
        i64_.resize(n);
        for (size_t r = 0; r < n; ++r) {
          const FieldRef& f = field(r);
          if (f.kind != 1) {
            valid_[r] = 0;
            any_null = true;
            i64_[r] = 0;
            continue;
          }
          bool ok = false;
          if (type_.id == TypeId::kInt64) {
            ok = FastInt64(f.text(), &i64_[r]);
          } else if (type_.id == TypeId::kTimestamp) {
            ok = (type_.timezone.empty() && NaiveSeconds(f.text(), &i64_[r])) ||
                 FastTimestamp(f.text(), type_, spec && !type_.timezone.empty(), &i64_[r]);
          } else if (auto d = ParseIsoDate(f.text())) {
            ok = true;
            i64_[r] = *d;
          }
          if (ok) continue;
          if (spec) {
            *abandon = true;
            return Status::OK();
          }
          OUPS_ASSIGN_OR_RETURN(Scalar s, slow(r));
          i64_[r] = SlotI64(s);
        }
        if (type_.id == TypeId::kDate32) {
          i32_.resize(n);
          for (size_t r = 0; r < n; ++r) i32_[r] = static_cast<int32_t>(i64_[r]);
          return builder_.AppendValues(i32_.data(), static_cast<int64_t>(n),
                                       any_null ? valid_.data() : nullptr);
        }
        return builder_.AppendValues(i64_.data(), static_cast<int64_t>(n),
                                     any_null ? valid_.data() : nullptr);
      }
      case TypeId::kUInt64: {
        u64_.resize(n);
        for (size_t r = 0; r < n; ++r) {
          const FieldRef& f = field(r);
          if (f.kind != 1) {
            valid_[r] = 0;
            any_null = true;
            u64_[r] = 0;
            continue;
          }
          if (auto v = ParseUInt64(f.text())) {
            u64_[r] = *v;
            continue;
          }
          if (spec) {
            *abandon = true;
            return Status::OK();
          }
          OUPS_ASSIGN_OR_RETURN(Scalar s, slow(r));
          u64_[r] = SlotU64(s);
        }
        return builder_.AppendValues(u64_.data(), static_cast<int64_t>(n),
                                     any_null ? valid_.data() : nullptr);
      }
      case TypeId::kFloat64: {
        f64_.resize(n);
        for (size_t r = 0; r < n; ++r) {
          const FieldRef& f = field(r);
          if (f.kind != 1) {
            valid_[r] = 0;
            any_null = true;
            f64_[r] = 0;
            continue;
          }
          // Inference never rounds an integer: one that float64 does not hold
          // exactly would have made the whole-file inference an error.
          if (spec && IsIntegerText(f.text()) && !IntegerExactInFloat64(f.text())) {
            *abandon = true;
            return Status::OK();
          }
          if (FastDouble(f.text(), &f64_[r])) continue;
          if (spec && !IsFloat64Text(f.text())) {
            *abandon = true;
            return Status::OK();
          }
          OUPS_ASSIGN_OR_RETURN(Scalar s, slow(r));
          f64_[r] = SlotF64(s);
        }
        return builder_.AppendValues(f64_.data(), static_cast<int64_t>(n),
                                     any_null ? valid_.data() : nullptr);
      }
      case TypeId::kBool: {
        b_.resize(n);
        for (size_t r = 0; r < n; ++r) {
          const FieldRef& f = field(r);
          if (f.kind != 1) {
            valid_[r] = 0;
            any_null = true;
            b_[r] = 0;
            continue;
          }
          if (IsBoolWord(f.text())) {
            b_[r] = (f.text()[0] | 0x20) == 't';
            continue;
          }
          if (spec) {
            *abandon = true;
            return Status::OK();
          }
          OUPS_ASSIGN_OR_RETURN(Scalar s, slow(r));
          b_[r] = SlotBool(s);
        }
        return builder_.AppendValues(reinterpret_cast<const bool*>(b_.data()),
                                     static_cast<int64_t>(n),
                                     any_null ? valid_.data() : nullptr);
      }
      case TypeId::kString: {
        sv_.resize(n);
        for (size_t r = 0; r < n; ++r) {
          const FieldRef& f = field(r);
          if (f.kind == 0) {
            valid_[r] = 0;
            any_null = true;
            sv_[r] = {};
            continue;
          }
          sv_[r] = f.text();
        }
        Status st = builder_.AppendValues(sv_.data(), static_cast<int64_t>(n),
                                          any_null ? valid_.data() : nullptr);
        if (!st.ok()) {
          // Find the field that is not UTF-8, for the message.
          for (size_t r = 0; r < n; ++r) {
            if (field(r).kind == 0) continue;
            ColumnBuilder one(type_);
            Status s = AppendText(one, field(r).text());
            if (!s.ok()) return error(r, s);
          }
        }
        return st;
      }
      default: {
        // Other given types, one value at a time.
        for (size_t r = 0; r < n; ++r) {
          const FieldRef& f = field(r);
          const bool is_null = f.kind == 0 || (f.kind == 2 && !type_.is_var_length());
          Status s = is_null ? builder_.AppendNull() : AppendText(builder_, f.text());
          if (!s.ok()) return error(r, s);
        }
        return Status::OK();
      }
    }
  }

  // Makes room for `rows` more values and, for strings, `bytes` more bytes.
  Status Reserve(int64_t rows, int64_t bytes) {
    if (mode_ == Mode::kPending) return Status::OK();
    OUPS_RETURN_NOT_OK(builder_.Reserve(rows));
    return builder_.ReserveBytes(bytes);
  }

  // The values so far as a column, and a fresh start with the same type and
  // mode (a streamed piece; see CsvOptions::on_chunk).
  Result<Column> FinishPiece() {
    OUPS_ASSIGN_OR_RETURN(Column col, Finish());
    builder_ = ColumnBuilder(type_);
    pending_rows_ = 0;
    return col;
  }

  Result<Column> Finish() {
    if (mode_ == Mode::kPending) {
      // No value in the whole file: a string column of nulls.
      ColumnBuilder b(DataType::String());
      OUPS_RETURN_NOT_OK(b.AppendNulls(pending_rows_));
      return b.Finish();
    }
    return builder_.Finish();
  }
  DataType final_type() const { return mode_ == Mode::kPending ? DataType::String() : type_; }

 private:
  std::string name_;
  size_t index_;
  DataType type_;
  Mode mode_;
  ColumnBuilder builder_;
  int64_t pending_rows_ = 0;
  std::vector<uint8_t> valid_;
  std::vector<int64_t> i64_;
  std::vector<int32_t> i32_;
  std::vector<uint64_t> u64_;
  std::vector<double> f64_;
  std::vector<uint8_t> b_;
  std::vector<std::string_view> sv_;
  // The last "YYYY-MM-DD" seen by NaiveSeconds and its day number.
  char last_date_[10] = {};
  int64_t last_days_ = 0;
  bool have_last_date_ = false;

  // "YYYY-MM-DDTHH:MM:SS" (or ' ' / 't' between) as a naive timestamp of the
  // column's unit, the date parsed once for consecutive rows of one day;
  // false for any other text (the general path decides).
  bool NaiveSeconds(std::string_view t, int64_t* v) {
    if (t.size() != 19 || (t[10] != 'T' && t[10] != ' ' && t[10] != 't') || t[13] != ':' ||
        t[16] != ':') {
      return false;
    }
    auto two = [&](size_t i, int64_t* out) {
      const char a = t[i], b = t[i + 1];
      if (a < '0' || a > '9' || b < '0' || b > '9') return false;
      *out = (a - '0') * 10 + (b - '0');
      return true;
    };
    int64_t hh = 0, mm = 0, ss = 0;
    if (!two(11, &hh) || !two(14, &mm) || !two(17, &ss) || hh > 23 || mm > 59 || ss > 59)
      return false;
    if (!have_last_date_ || std::memcmp(last_date_, t.data(), 10) != 0) {
      auto days = ParseIsoDate(t.substr(0, 10));
      if (!days) return false;
      std::memcpy(last_date_, t.data(), 10);
      last_days_ = *days;
      have_last_date_ = true;
    }
    const int64_t seconds = last_days_ * 86400 + hh * 3600 + mm * 60 + ss;
    switch (type_.unit) {
      case TimeUnit::kSecond: *v = seconds; break;
      case TimeUnit::kMilli: *v = seconds * 1'000; break;
      case TimeUnit::kMicro: *v = seconds * 1'000'000; break;
      case TimeUnit::kNano: *v = seconds * 1'000'000'000; break;
    }
    return true;
  }
};

// The raw text of column `c` of `batch`, appended to `raw` (for inference).
void AppendRaw(const Batch& batch, size_t n_cols, size_t c, RawColumn* raw) {
  for (size_t r = 0; r < batch.rows(); ++r) {
    const FieldRef& f = batch.fields[r * n_cols + c];
    raw->bytes.append(f.data, f.len);
    raw->kind.push_back(f.kind);
    raw->ends.push_back(static_cast<int64_t>(raw->bytes.size()));
  }
}

// Converts the columns of one batch, on two threads when there are several
// columns and rows enough; the error of the lowest column wins.
Status ConvertBatch(std::vector<ColumnState>& cols, const Batch& batch,
                    const std::string& path, int threads, bool* abandon) {
  const size_t n_cols = cols.size();
  std::vector<Status> status(n_cols);
  std::vector<uint8_t> gave_up(n_cols, 0);
  auto run = [&](size_t first, size_t step) {
    for (size_t c = first; c < n_cols; c += step) {
      bool a = false;
      status[c] = cols[c].Convert(batch, n_cols, path, &a);
      gave_up[c] = a;
    }
  };
  if (threads >= 2 && n_cols >= 2 && batch.rows() >= 4096) {
    std::thread other(run, 1, 2);
    run(0, 2);
    other.join();
  } else {
    run(0, 1);
  }
  *abandon = false;
  for (size_t c = 0; c < n_cols; ++c) {
    if (gave_up[c]) {
      *abandon = true;
      return Status::OK();
    }
    OUPS_RETURN_NOT_OK(status[c]);
  }
  return Status::OK();
}

}  // namespace

Result<CsvTable> ReadCsv(FileSystem& fs, const std::string& path,
                         const CsvOptions& options) {
  OUPS_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  OUPS_ASSIGN_OR_RETURN(const int64_t size, file->Size());

  std::vector<std::string> names;
  if (!options.header) {
    if (options.column_names.empty()) {
      return Status::InvalidArgument(path + ": no header line and no column names given");
    }
    std::set<std::string> seen;
    for (const std::string& n : options.column_names) {
      if (n.empty() || !seen.insert(n).second) {
        return Status::InvalidArgument(path + ": column names given: '" + n + "' is " +
                                       (n.empty() ? "empty" : "given twice"));
      }
    }
  }
  CsvOptions scan = options;
  int64_t rows_so_far = 0;
  if (options.progress) {
    scan.progress = [&](int64_t, int64_t done, int64_t total) {
      options.progress(rows_so_far, done, total);
    };
  }
  auto check_types = [&]() -> Status {
    for (const auto& [name, type] : options.types) {
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        return Status::InvalidArgument(path + ": --types names column '" + name +
                                       "', which is not in the header");
      }
    }
    return Status::OK();
  };
  // The type of column `name`: given, else stored, else none (inferred).
  auto fixed_type = [&](const std::string& name) -> std::optional<DataType> {
    if (auto g = options.types.find(name); g != options.types.end()) return g->second;
    if (auto d = options.default_types.find(name); d != options.default_types.end())
      return d->second;
    return std::nullopt;
  };

  // Pass 1: given and stored types fixed; the others inferred from the first
  // block and checked on every later value. Pass 2, only when a later value
  // does not hold the speculation: types inferred over the whole file first
  // (its raw text kept for those columns), then every column fixed.
  std::map<std::string, DataType> inferred;  // pass 2's
  const bool streaming = options.on_chunk && options.chunk_rows > 0;
  bool delivered = false;  // pieces handed over (by pass 1, void on a restart)
  for (int pass = 1; pass <= 2; ++pass) {
    names = options.header ? std::vector<std::string>{} : options.column_names;
    std::vector<ColumnState> cols;
    std::vector<int64_t> row_lines;
    bool abandon = false;
    bool first = true;
    bool first_reserve = true;
    rows_so_far = 0;
    Status scanned = ScanFile(*file, size, path, scan, &names, [&](Batch& batch) -> Status {
      const size_t n_cols = names.size();
      if (first) {
        first = false;
        OUPS_RETURN_NOT_OK(check_types());
        for (size_t c = 0; c < n_cols; ++c) {
          std::optional<DataType> t = fixed_type(names[c]);
          if (!t && pass == 2) t = inferred.at(names[c]);
          if (t) {
            cols.emplace_back(names[c], c, *t, Mode::kFixed);
            continue;
          }
          cols.emplace_back(names[c], c, DataType::String(), Mode::kPending);
          RawColumn raw;
          AppendRaw(batch, n_cols, c, &raw);
          if (std::find(raw.kind.begin(), raw.kind.end(), 1) == raw.kind.end()) continue;
          auto type = InferType(raw, ColumnPlace{path, batch.lines, c, names[c]});
          if (!type.ok()) {
            abandon = true;  // the error, or not, is the whole file's to tell
            return Status::Internal("speculation abandoned");
          }
          cols.back().Speculate(*type);
        }
      }
      if (first_reserve) {
        // Room for the whole file's rows, estimated from the first block
        // (a few percent more): no regrowth copies as blocks are appended.
        first_reserve = false;
        int64_t block_bytes = 0;
        std::vector<int64_t> text_bytes(n_cols, 0);
        for (size_t r = 0; r < batch.rows(); ++r) {
          for (size_t c = 0; c < n_cols; ++c) {
            const uint32_t len = batch.fields[r * n_cols + c].len;
            text_bytes[c] += len;
            block_bytes += len + 1;
          }
        }
        double scale =
            block_bytes > 0 ? 1.05 * static_cast<double>(size) / static_cast<double>(block_bytes)
                            : 1.0;
        // Streaming: room for one piece only.
        if (streaming && batch.rows() > 0) {
          scale = std::min(scale, 1.05 * static_cast<double>(options.chunk_rows) /
                                      static_cast<double>(batch.rows()));
        }
        if (scale > 1.0) {
          for (size_t c = 0; c < n_cols; ++c) {
            OUPS_RETURN_NOT_OK(cols[c].Reserve(
                static_cast<int64_t>(static_cast<double>(batch.rows()) * scale),
                static_cast<int64_t>(static_cast<double>(text_bytes[c]) * scale)));
          }
        }
      }
      bool gave_up = false;
      OUPS_RETURN_NOT_OK(ConvertBatch(cols, batch, path, options.threads, &gave_up));
      if (gave_up) {
        abandon = true;
        return Status::Internal("speculation abandoned");
      }
      row_lines.insert(row_lines.end(), batch.lines.begin(), batch.lines.end());
      rows_so_far += static_cast<int64_t>(batch.rows());
      if (streaming && static_cast<int64_t>(row_lines.size()) >= options.chunk_rows) {
        std::vector<std::pair<Field, Column>> columns;
        for (size_t c = 0; c < cols.size(); ++c) {
          const DataType t = cols[c].final_type();
          OUPS_ASSIGN_OR_RETURN(Column col, cols[c].FinishPiece());
          columns.emplace_back(Field{names[c], t, true}, std::move(col));
        }
        CsvTable piece;
        OUPS_ASSIGN_OR_RETURN(piece.table, MakeTable(std::move(columns)));
        piece.row_lines = std::move(row_lines);
        row_lines.clear();
        first_reserve = true;  // room for the next piece
        delivered = true;
        OUPS_RETURN_NOT_OK(options.on_chunk(std::move(piece)));
      }
      return Status::OK();
    });
    if (!abandon) OUPS_RETURN_NOT_OK(scanned);
    if (abandon) {
      if (delivered && options.on_restart) OUPS_RETURN_NOT_OK(options.on_restart());
      delivered = false;
      // Whole-file inference of the columns without a given or stored type.
      std::vector<RawColumn> raws;
      std::vector<int64_t> lines;
      std::vector<size_t> which;
      names = options.header ? std::vector<std::string>{} : options.column_names;
      OUPS_RETURN_NOT_OK(ScanFile(*file, size, path, scan, &names, [&](Batch& batch) -> Status {
        const size_t n_cols = names.size();
        if (which.empty() && raws.empty()) {
          for (size_t c = 0; c < n_cols; ++c)
            if (!fixed_type(names[c])) which.push_back(c);
          raws.resize(which.size());
        }
        for (size_t i = 0; i < which.size(); ++i) AppendRaw(batch, n_cols, which[i], &raws[i]);
        lines.insert(lines.end(), batch.lines.begin(), batch.lines.end());
        return Status::OK();
      }));
      for (size_t i = 0; i < which.size(); ++i) {
        const size_t c = which[i];
        OUPS_ASSIGN_OR_RETURN(inferred[names[c]],
                              InferType(raws[i], ColumnPlace{path, lines, c, names[c]}));
      }
      continue;
    }
    OUPS_RETURN_NOT_OK(check_types());
    std::vector<std::pair<Field, Column>> columns;
    if (cols.empty()) {
      // No data row: every column typed as it would be, with no value.
      for (size_t c = 0; c < names.size(); ++c) {
        DataType t = fixed_type(names[c]).value_or(DataType::String());
        ColumnBuilder b(t);
        OUPS_ASSIGN_OR_RETURN(Column col, b.Finish());
        columns.emplace_back(Field{names[c], t, true}, std::move(col));
      }
    }
    for (size_t c = 0; c < cols.size(); ++c) {
      const DataType t = cols[c].final_type();
      OUPS_ASSIGN_OR_RETURN(Column col, cols[c].Finish());
      columns.emplace_back(Field{names[c], t, true}, std::move(col));
    }
    CsvTable out;
    OUPS_ASSIGN_OR_RETURN(out.table, MakeTable(std::move(columns)));
    out.row_lines = std::move(row_lines);
    return out;
  }
  return Status::Internal(path + ": CSV types not settled after two passes");
}

}  // namespace oups::cli
