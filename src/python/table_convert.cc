#include "table_convert.h"

#include <Python.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "errors.h"
#include "oups/common/buffer.h"

namespace py = pybind11;

namespace oups::python {
namespace {

[[noreturn]] void Fail(StatusCode code, const std::string& msg) {
  throw StatusError(Status(code, msg));
}

TimeUnit UnitFromPy(const std::string& u) {
  if (u == "s") return TimeUnit::kSecond;
  if (u == "ms") return TimeUnit::kMilli;
  if (u == "us") return TimeUnit::kMicro;
  if (u == "ns" || u.empty()) return TimeUnit::kNano;
  Fail(StatusCode::kInvalidArgument, "unknown time unit '" + u + "'");
}

struct KindInfo {
  DataType type;
  int width;  // bytes per value; 0 for bool and var-length
};

KindInfo KindFromPy(const std::string& kind, const std::string& unit, const std::string& tz) {
  if (kind == "bool") return {DataType::Bool(), 0};
  if (kind == "int8") return {DataType::Int8(), 1};
  if (kind == "int16") return {DataType::Int16(), 2};
  if (kind == "int32") return {DataType::Int32(), 4};
  if (kind == "int64") return {DataType::Int64(), 8};
  if (kind == "uint8") return {DataType::UInt8(), 1};
  if (kind == "uint16") return {DataType::UInt16(), 2};
  if (kind == "uint32") return {DataType::UInt32(), 4};
  if (kind == "uint64") return {DataType::UInt64(), 8};
  if (kind == "float32") return {DataType::Float32(), 4};
  if (kind == "float64") return {DataType::Float64(), 8};
  if (kind == "timestamp") return {DataType::Timestamp(UnitFromPy(unit), tz), 8};
  if (kind == "duration") return {DataType::Duration(UnitFromPy(unit)), 8};
  if (kind == "date32") return {DataType::Date32(), 4};
  if (kind == "decimal") {
    // unit "P,S": precision and scale; values are 16-byte two's complement (little-endian).
    const size_t comma = unit.find(',');
    int precision = 0, scale = -1;
    try {
      if (comma != std::string::npos) {
        precision = std::stoi(unit.substr(0, comma));
        scale = std::stoi(unit.substr(comma + 1));
      }
    } catch (const std::exception&) {
      precision = 0;
    }
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      Fail(StatusCode::kInvalidArgument, "bad decimal precision,scale '" + unit + "'");
    }
    return {DataType::Decimal(precision, scale), 16};
  }
  if (kind == "string") return {DataType::String(), 0};
  if (kind == "binary") return {DataType::Binary(), 0};
  Fail(StatusCode::kTypeError, "unknown column kind '" + kind + "'");
}

// Keeps a Python object alive for as long as a core Buffer needs it; the last
// reference may be dropped on any thread, so the release takes the GIL.
std::shared_ptr<const void> PyOwner(const py::handle& obj) {
  PyObject* o = obj.ptr();
  Py_INCREF(o);
  return std::shared_ptr<const void>(o, [](const void* p) {
    PyGILState_STATE g = PyGILState_Ensure();
    Py_DECREF(static_cast<PyObject*>(const_cast<void*>(p)));
    PyGILState_Release(g);
  });
}

void CheckVector(const py::array& a, const std::string& name, int64_t itemsize) {
  if (a.ndim() != 1) Fail(StatusCode::kTypeError, "column '" + name + "': not 1-dimensional");
  if (itemsize > 0 && a.itemsize() != itemsize) {
    Fail(StatusCode::kTypeError, "column '" + name + "': values of " +
                                     std::to_string(a.itemsize()) + " bytes, expected " +
                                     std::to_string(itemsize));
  }
  if (a.size() > 1 && a.strides(0) != a.itemsize()) {
    Fail(StatusCode::kTypeError, "column '" + name + "': values are not contiguous");
  }
}

// Validity bitmap from a bool array (True = present); null if all present.
std::shared_ptr<Buffer> BitmapFromBools(const py::handle& valid, int64_t n,
                                        const std::string& name, int64_t* null_count) {
  *null_count = 0;
  if (valid.is_none()) return nullptr;
  py::array a = py::reinterpret_borrow<py::array>(valid);
  CheckVector(a, name, 1);
  if (a.size() != n) Fail(StatusCode::kInvalidArgument, "column '" + name + "': mask length");
  const auto* v = static_cast<const uint8_t*>(a.data());
  auto buf = ValueOrThrow(MutableBuffer::Make((n + 7) / 8, /*zero=*/true));
  uint8_t* bits = buf->mutable_data();
  int64_t present = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (v[i]) {
      SetBit(bits, i);
      ++present;
    }
  }
  *null_count = n - present;
  if (*null_count == 0) return nullptr;
  return buf;
}

bool IsNullObject(PyObject* o, PyObject* na) {
  if (o == Py_None || o == na) return true;
  if (PyFloat_Check(o)) return std::isnan(PyFloat_AS_DOUBLE(o));
  return false;
}

// UTF-8 bytes of a str (ASCII strings without a call), or of a bytes object.
inline bool Utf8Of(PyObject* o, bool is_string, std::string_view* out) {
  if (is_string) {
    if (!PyUnicode_Check(o)) return false;
    if (PyUnicode_IS_COMPACT_ASCII(o)) {
      *out = std::string_view(reinterpret_cast<const char*>(PyUnicode_1BYTE_DATA(o)),
                              static_cast<size_t>(PyUnicode_GET_LENGTH(o)));
      return true;
    }
    Py_ssize_t len = 0;
    const char* p = PyUnicode_AsUTF8AndSize(o, &len);
    if (p == nullptr) throw py::error_already_set();
    *out = std::string_view(p, static_cast<size_t>(len));
    return true;
  }
  if (!PyBytes_Check(o)) return false;
  *out = std::string_view(PyBytes_AS_STRING(o), static_cast<size_t>(PyBytes_GET_SIZE(o)));
  return true;
}

// memcpy for the short values of typical string columns (symbols, codes):
// overlapping fixed-size moves instead of a library call; never reads or
// writes outside [src, src + n) and [dst, dst + n).
inline void CopySmall(uint8_t* dst, const char* src, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t a, b;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else if (n > 16) {
    std::memcpy(dst, src, n);
  } else {
    for (size_t i = 0; i < n; ++i) dst[i] = static_cast<uint8_t>(src[i]);
  }
}

Column VarLengthFromPy(const DataType& type, const py::array& a, const std::string& name,
                       PyObject* na) {
  if (a.dtype().kind() != 'O') {
    Fail(StatusCode::kTypeError, "column '" + name + "': expected an object array");
  }
  CheckVector(a, name, static_cast<int64_t>(sizeof(PyObject*)));
  const int64_t n = a.size();
  PyObject* const* objs = static_cast<PyObject* const*>(a.data());
  const bool is_string = type.id == TypeId::kString;
  // One pass: type checks, nulls and copy (a repeated object is inspected once).
  auto offsets = ValueOrThrow(MutableBuffer::Make((n + 1) * 8));
  auto bytes = ValueOrThrow(MutableBuffer::Make(0));
  // Large buffers are lazily mapped and grow without copying: reserve generously.
  ThrowIfError(bytes->Reserve(std::max<int64_t>(64, n * 8)));
  std::shared_ptr<MutableBuffer> validity;  // made at the first null
  int64_t* off = offsets->mutable_data_as<int64_t>();
  int64_t pos = 0, nulls = 0;
  off[0] = 0;
  PyObject* last = nullptr;
  std::string_view last_view;
  for (int64_t i = 0; i < n; ++i) {
    PyObject* o = objs[i];
    if (o != last) {
      if (IsNullObject(o, na)) {
        if (validity == nullptr) {
          validity = ValueOrThrow(MutableBuffer::Make((n + 7) / 8, /*zero=*/true));
          uint8_t* bits = validity->mutable_data();
          std::memset(bits, 0xFF, static_cast<size_t>(i / 8));
          for (int64_t j = i / 8 * 8; j < i; ++j) SetBit(bits, j);
        }
        ++nulls;
        off[i + 1] = pos;
        continue;
      }
      if (!Utf8Of(o, is_string, &last_view)) {
        Fail(StatusCode::kTypeError,
             "column '" + name + "': row " + std::to_string(i) + " holds a value of type '" +
                 Py_TYPE(o)->tp_name + "', expected " + (is_string ? "str" : "bytes"));
      }
      last = o;
    }
    const int64_t len = static_cast<int64_t>(last_view.size());
    if (pos + len > bytes->capacity()) {
      ThrowIfError(bytes->Resize(pos));  // growth keeps only size() bytes
      ThrowIfError(bytes->Reserve(std::max(bytes->capacity() * 2, pos + len)));
    }
    CopySmall(bytes->mutable_data() + pos, last_view.data(), last_view.size());
    if (validity != nullptr) SetBit(validity->mutable_data(), i);
    pos += len;
    off[i + 1] = pos;
  }
  ThrowIfError(bytes->Resize(pos));
  return Column(type, n, validity, bytes, offsets, nulls);
}

Column ColumnFromPy(const std::string& name, const py::tuple& spec, PyObject* na) {
  if (spec.size() != 5) Fail(StatusCode::kInvalidArgument, "bad column spec for '" + name + "'");
  const std::string kind = spec[0].cast<std::string>();
  const std::string unit = spec[3].is_none() ? std::string() : spec[3].cast<std::string>();
  const std::string tz = spec[4].is_none() ? std::string() : spec[4].cast<std::string>();
  KindInfo info = KindFromPy(kind, unit, tz);
  if (info.type.is_var_length() && py::isinstance<py::tuple>(spec[1])) {
    // Arrow large_string/large_binary buffers (offsets int64[n + 1], data uint8), wrapped
    // without copying: the core's buffers keep the arrays alive.
    py::tuple parts = py::reinterpret_borrow<py::tuple>(spec[1]);
    if (parts.size() != 2) {
      Fail(StatusCode::kInvalidArgument, "bad text buffers for '" + name + "'");
    }
    py::array offsets = py::reinterpret_borrow<py::array>(parts[0]);
    py::array data = py::reinterpret_borrow<py::array>(parts[1]);
    CheckVector(offsets, name, 8);
    CheckVector(data, name, 1);
    if (offsets.size() < 1) {
      Fail(StatusCode::kInvalidArgument, "column '" + name + "': no offsets");
    }
    const int64_t n = offsets.size() - 1;
    auto off = Buffer::Wrap(static_cast<const uint8_t*>(offsets.data()), offsets.size() * 8,
                            PyOwner(offsets));
    auto bytes = Buffer::Wrap(static_cast<const uint8_t*>(data.data()), data.size(),
                              PyOwner(data));
    int64_t nulls = 0;
    auto validity = BitmapFromBools(spec[2], n, name, &nulls);
    Column c(info.type, n, validity, bytes, off, nulls);
    Status valid = c.Validate();
    if (!valid.ok()) {
      Fail(StatusCode::kInvalidArgument, "column '" + name + "': " + valid.message());
    }
    return c;
  }
  py::array values = py::reinterpret_borrow<py::array>(spec[1]);
  if (info.type.is_var_length()) {
    Column c = VarLengthFromPy(info.type, values, name, na);
    if (!spec[2].is_none()) {
      int64_t nulls = 0;
      auto bitmap = BitmapFromBools(spec[2], c.length(), name, &nulls);
      if (nulls > 0) {
        return Column(info.type, c.length(), bitmap, c.values(), c.offsets(), nulls);
      }
    }
    return c;
  }
  const int64_t n = values.size();
  if (info.type.id == TypeId::kBool) {
    CheckVector(values, name, 1);
    const auto* v = static_cast<const uint8_t*>(values.data());
    auto buf = ValueOrThrow(MutableBuffer::Make((n + 7) / 8, /*zero=*/true));
    uint8_t* bits = buf->mutable_data();
    for (int64_t i = 0; i < n; ++i) {
      if (v[i]) SetBit(bits, i);
    }
    int64_t nulls = 0;
    auto validity = BitmapFromBools(spec[2], n, name, &nulls);
    return Column(info.type, n, validity, buf, nullptr, nulls);
  }
  CheckVector(values, name, info.width);
  auto data = Buffer::Wrap(static_cast<const uint8_t*>(values.data()), n * info.width,
                           PyOwner(values));
  int64_t nulls = 0;
  auto validity = BitmapFromBools(spec[2], n, name, &nulls);
  return Column(info.type, n, validity, data, nullptr, nulls);
}

// Visits the rows of a string/binary column in one pass, giving each distinct
// value a code: on_new(view) is called once per distinct value and returns its
// code (or -1 to stop), on_row(i, code) once per non-null row, on_null(i) once
// per null row. Values of at most 7 bytes are probed by a packed 64-bit key
// (bytes + length) in an open-addressing table, longer ones through an
// unordered_map (a run of equal long values costs one compare). Returns false
// when on_new stopped the visit.
template <typename OnNew, typename OnRow, typename OnNull>
bool VisitCodes(const Column& c, OnNew&& on_new, OnRow&& on_row, OnNull&& on_null) {
  // Long values memoized at most; beyond, new ones get a code (and an object) each.
  constexpr size_t kMaxLongValues = size_t{1} << 16;
  const int64_t n = c.length();
  int bits = 10;
  std::vector<std::pair<uint64_t, int32_t>> table(size_t{1} << bits, {0, -1});
  std::unordered_map<std::string_view, int32_t> long_values;
  auto probe = [&](uint64_t key) -> std::pair<uint64_t, int32_t>& {
    size_t i = static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
    const size_t mask = table.size() - 1;
    while (table[i].second >= 0 && table[i].first != key) i = (i + 1) & mask;
    return table[i];
  };
  size_t short_count = 0;
  std::string_view last;
  int32_t last_code = -1;
  const int64_t* off = c.offsets_data();
  const char* base = reinterpret_cast<const char*>(c.values()->data());
  const char* end = base + c.values()->size();
  const bool has_nulls = c.has_nulls();
  for (int64_t i = 0; i < n; ++i) {
    if (has_nulls && c.IsNull(i)) {
      on_null(i);
      continue;
    }
    const char* p = base + off[i];
    const size_t len = static_cast<size_t>(off[i + 1] - off[i]);
    int32_t code;
    if (len <= 7) {
      // Packed key: the bytes (little-endian) with the length in the top byte.
      uint64_t key = 0;
      if (p + 8 <= end) {
        std::memcpy(&key, p, 8);
        key &= (uint64_t{1} << (8 * len)) - 1;
      } else if (len > 0) {
        std::memcpy(&key, p, len);
      }
      key |= uint64_t{len} << 56;
      auto* slot = &probe(key);
      if (slot->second < 0) {
        const int32_t fresh = on_new(std::string_view(p, len));
        if (fresh < 0) return false;
        *slot = {key, fresh};
        if (++short_count * 2 > table.size()) {  // grow and rehash
          std::vector<std::pair<uint64_t, int32_t>> old(table.size() * 2, {0, -1});
          old.swap(table);
          ++bits;
          for (const auto& e : old) {
            if (e.second >= 0) probe(e.first) = e;
          }
          slot = &probe(key);
        }
      }
      code = slot->second;
    } else {
      const std::string_view v(p, len);
      if (last_code >= 0 && v == last) {
        code = last_code;
      } else {
        auto it = long_values.find(v);
        if (it != long_values.end()) {
          code = it->second;
        } else {
          code = on_new(v);
          if (code < 0) return false;
          // High cardinality: stop memoizing, later values get their own object.
          if (long_values.size() < kMaxLongValues) long_values.emplace(v, code);
        }
        last = v;
        last_code = code;
      }
    }
    on_row(i, code);
  }
  return true;
}

// An object array of the column's values (None for nulls) holding one Python
// object per distinct value, built in one pass over the rows (with the GIL: it
// creates objects; the Parquet decoding before it ran without). Each shared
// object's reference count is raised once, at the end, by the number of rows
// holding it.
py::object VarLengthToPy(const Column& c) {
  const int64_t n = c.length();
  const bool binary = c.type().id == TypeId::kBinary;
  // The slots live in a core buffer (large ones are recycled by the core, so a
  // read does not pay page faults for them again); the array does not own them,
  // so the capsule that does releases every slot's reference when the array and
  // all its views are gone.
  struct Slots {
    std::shared_ptr<MutableBuffer> buffer;
    int64_t n;
  };
  auto slots_buffer = ValueOrThrow(MutableBuffer::Make(std::max<int64_t>(n, 1) * 8));
  PyObject** slots = slots_buffer->mutable_data_as<PyObject*>();
  std::vector<PyObject*> objs;
  std::vector<int64_t> counts;
  int64_t nulls = 0;
  const bool complete = VisitCodes(
      c,
      [&](std::string_view s) -> int32_t {
        PyObject* o =
            binary ? PyBytes_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()))
                   : PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()),
                                          "surrogateescape");
        if (o == nullptr) return -1;
        objs.push_back(o);
        counts.push_back(0);
        return static_cast<int32_t>(objs.size() - 1);
      },
      [&](int64_t i, int32_t k) {
        slots[i] = objs[static_cast<size_t>(k)];
        ++counts[static_cast<size_t>(k)];
      },
      [&](int64_t i) {
        slots[i] = Py_None;
        ++nulls;
      });
  if (!complete) {
    for (PyObject* o : objs) Py_DECREF(o);
    throw py::error_already_set();
  }
  auto* owner = new Slots{std::move(slots_buffer), n};
  py::capsule base(owner, [](void* p) {
    auto* s = static_cast<Slots*>(p);
    PyObject** objects = s->buffer->mutable_data_as<PyObject*>();
    for (int64_t i = 0; i < s->n; ++i) Py_XDECREF(objects[i]);
    delete s;
  });
  // From here the capsule releases one reference per slot: give each object
  // (and None) exactly that many, before anything can fail.
  for (size_t k = 0; k < objs.size(); ++k) {
    // One reference was ours (from creation); the array holds counts[k].
    Py_SET_REFCNT(objs[k], Py_REFCNT(objs[k]) + counts[k] - 1);
  }
  if (nulls > 0) Py_SET_REFCNT(Py_None, Py_REFCNT(Py_None) + nulls);
  return py::array(py::dtype("O"), {static_cast<py::ssize_t>(n)},
                   {static_cast<py::ssize_t>(sizeof(PyObject*))}, slots, base);
}

// A string/binary column as (codes, values): int32 codes (-1 for a null) into an object
// array of its distinct values in order of first appearance (a value past the memoized
// long ones may appear twice), one Python object per distinct value: what a categorical
// needs without hashing the rows again in Python.
py::object VarLengthToCodes(const Column& c) {
  const int64_t n = c.length();
  const bool binary = c.type().id == TypeId::kBinary;
  py::array_t<int32_t> codes(static_cast<py::ssize_t>(n));
  int32_t* out = codes.mutable_data();
  std::vector<PyObject*> objs;
  const bool complete = VisitCodes(
      c,
      [&](std::string_view s) -> int32_t {
        if (objs.size() >= static_cast<size_t>(INT32_MAX)) {
          PyErr_SetString(PyExc_OverflowError, "more than 2**31 - 1 distinct values");
          return -1;
        }
        PyObject* o =
            binary ? PyBytes_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()))
                   : PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()),
                                          "surrogateescape");
        if (o == nullptr) return -1;
        objs.push_back(o);
        return static_cast<int32_t>(objs.size() - 1);
      },
      [&](int64_t i, int32_t k) { out[i] = k; }, [&](int64_t i) { out[i] = -1; });
  if (!complete) {
    for (PyObject* o : objs) Py_DECREF(o);
    throw py::error_already_set();
  }
  py::array values(py::dtype("O"), std::vector<py::ssize_t>{static_cast<py::ssize_t>(objs.size())},
                   std::vector<py::ssize_t>{static_cast<py::ssize_t>(sizeof(PyObject*))});
  PyObject** slots = static_cast<PyObject**>(values.mutable_data());
  for (size_t k = 0; k < objs.size(); ++k) {
    Py_XDECREF(slots[k]);  // numpy fills new object arrays with None
    slots[k] = objs[k];    // the array takes our reference
  }
  return py::make_tuple(codes, values);
}

// A string/binary column as Arrow's large_string/large_binary layout, without copying:
// (offsets, data), numpy arrays over the core's buffers (int64 offsets, n + 1 of them
// from the column's first row; the bytes they point into), each owning its buffer
// through a capsule. Arrow's offsets need not start at 0, so slices need no copy.
py::object VarLengthToArrowBuffers(const Column& c) {
  auto* off_owner = new std::shared_ptr<Buffer>(c.offsets());
  py::capsule off_base(off_owner,
                       [](void* p) { delete static_cast<std::shared_ptr<Buffer>*>(p); });
  py::array offsets(py::dtype("int64"), {static_cast<py::ssize_t>(c.length() + 1)},
                    {static_cast<py::ssize_t>(8)}, c.offsets_data(), off_base);
  static const uint8_t kEmpty[8] = {};
  const std::shared_ptr<Buffer>& bytes = c.values();
  auto* data_owner = new std::shared_ptr<Buffer>(bytes);
  py::capsule data_base(data_owner,
                        [](void* p) { delete static_cast<std::shared_ptr<Buffer>*>(p); });
  const bool has_bytes = bytes != nullptr && bytes->size() > 0;
  py::array data(py::dtype("uint8"),
                 {static_cast<py::ssize_t>(has_bytes ? bytes->size() : 0)},
                 {static_cast<py::ssize_t>(1)}, has_bytes ? bytes->data() : kEmpty, data_base);
  return py::make_tuple(offsets, data);
}

py::object BoolsToPy(const uint8_t* bits, int64_t offset, int64_t n) {
  py::array_t<bool> out(static_cast<py::ssize_t>(n));
  bool* d = out.mutable_data();
  for (int64_t i = 0; i < n; ++i) d[i] = GetBit(bits, offset + i);
  return out;
}

py::object FixedToPy(const Column& c, const char* dtype, int width) {
  auto* owner = new std::shared_ptr<Buffer>(c.values());
  py::capsule base(owner, [](void* p) { delete static_cast<std::shared_ptr<Buffer>*>(p); });
  const uint8_t* ptr = c.values() != nullptr ? c.values()->data() + c.offset() * width : nullptr;
  static const uint8_t kEmpty[8] = {};
  if (ptr == nullptr) ptr = kEmpty;
  return py::array(py::dtype(dtype), {static_cast<py::ssize_t>(c.length())},
                   {static_cast<py::ssize_t>(width)}, ptr, base);
}

}  // namespace

py::tuple TypeToPy(const DataType& t) {
  std::string kind;
  switch (t.id) {
    case TypeId::kTimestamp: kind = "timestamp"; break;
    case TypeId::kDuration: kind = "duration"; break;
    case TypeId::kDate32: kind = "date32"; break;
    case TypeId::kDecimal: kind = "decimal"; break;
    default: kind = t.ToString(); break;
  }
  std::string unit;
  if (t.id == TypeId::kTimestamp || t.id == TypeId::kDuration) unit = TimeUnitName(t.unit);
  if (t.id == TypeId::kDecimal) {
    unit = std::to_string(t.precision) + "," + std::to_string(t.scale);  // "P,S"
  }
  return py::make_tuple(kind, unit, t.timezone);
}

Scalar ScalarFromPy(const py::handle& h) {
  py::tuple spec = py::reinterpret_borrow<py::tuple>(h);
  const std::string kind = spec[0].cast<std::string>();
  py::handle v = spec[1];
  const std::string unit = spec.size() > 2 && !spec[2].is_none() ? spec[2].cast<std::string>()
                                                                  : std::string();
  const std::string tz = spec.size() > 3 && !spec[3].is_none() ? spec[3].cast<std::string>()
                                                                : std::string();
  if (kind == "int") return Scalar::Int(v.cast<int64_t>());
  if (kind == "uint") return Scalar::UInt(v.cast<uint64_t>());
  if (kind == "float") return Scalar::Float(v.cast<double>());
  if (kind == "bool") return Scalar::Bool(v.cast<bool>());
  if (kind == "string") return Scalar::String(v.cast<std::string>());
  if (kind == "binary") return Scalar::Binary(std::string(v.cast<py::bytes>()));
  if (kind == "timestamp") return Scalar::Timestamp(v.cast<int64_t>(), UnitFromPy(unit), tz);
  if (kind == "date32") return Scalar::Date32(v.cast<int32_t>());
  if (kind == "duration") return Scalar::Duration(v.cast<int64_t>(), UnitFromPy(unit));
  Fail(StatusCode::kTypeError, "unknown scalar kind '" + kind + "'");
}

Table TableFromPy(const py::list& names, const py::list& specs, const py::handle& na) {
  if (names.size() != specs.size()) {
    Fail(StatusCode::kInvalidArgument, "make_table: names and columns differ in length");
  }
  std::vector<Field> fields;
  std::vector<Column> columns;
  fields.reserve(names.size());
  columns.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    std::string name = names[i].cast<std::string>();
    Column c = ColumnFromPy(name, py::reinterpret_borrow<py::tuple>(specs[i]), na.ptr());
    fields.push_back(Field{name, c.type(), c.null_count() > 0});
    columns.push_back(std::move(c));
  }
  return ValueOrThrow(Table::Make(Schema(std::move(fields)), std::move(columns)));
}

py::list TableToPy(const Table& table, const std::vector<std::string>& arrow_strings,
                   const std::vector<std::string>& codes) {
  auto named = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  py::list out;
  for (int i = 0; i < table.num_columns(); ++i) {
    const Column& c = table.column(i);
    const Field& f = table.schema().field(i);
    py::object values;
    switch (c.type().id) {
      case TypeId::kBool: values = BoolsToPy(c.values()->data(), c.offset(), c.length()); break;
      case TypeId::kInt8: values = FixedToPy(c, "int8", 1); break;
      case TypeId::kInt16: values = FixedToPy(c, "int16", 2); break;
      case TypeId::kInt32: values = FixedToPy(c, "int32", 4); break;
      case TypeId::kInt64: values = FixedToPy(c, "int64", 8); break;
      case TypeId::kUInt8: values = FixedToPy(c, "uint8", 1); break;
      case TypeId::kUInt16: values = FixedToPy(c, "uint16", 2); break;
      case TypeId::kUInt32: values = FixedToPy(c, "uint32", 4); break;
      case TypeId::kUInt64: values = FixedToPy(c, "uint64", 8); break;
      case TypeId::kFloat32: values = FixedToPy(c, "float32", 4); break;
      case TypeId::kFloat64: values = FixedToPy(c, "float64", 8); break;
      case TypeId::kTimestamp:
      case TypeId::kDuration: values = FixedToPy(c, "int64", 8); break;
      case TypeId::kDate32: values = FixedToPy(c, "int32", 4); break;
      case TypeId::kString:
      case TypeId::kBinary:
        values = named(codes, f.name)           ? VarLengthToCodes(c)
                 : named(arrow_strings, f.name) ? VarLengthToArrowBuffers(c)
                                                : VarLengthToPy(c);
        break;
      case TypeId::kDecimal: values = FixedToPy(c, "V16", 16); break;
    }
    py::object valid = py::none();
    if (c.has_nulls()) valid = BoolsToPy(c.validity()->data(), c.offset(), c.length());
    out.append(py::make_tuple(f.name, TypeToPy(c.type()), values, valid));
  }
  return out;
}

void RegisterTable(py::module_& m) {
  py::class_<Table>(m, "Table", "An immutable columnar table of the core (opaque).")
      .def_property_readonly("num_rows", &Table::num_rows)
      .def_property_readonly("num_columns", &Table::num_columns)
      .def_property_readonly("names",
                             [](const Table& t) {
                               py::list l;
                               for (const Field& f : t.schema().fields()) l.append(f.name);
                               return l;
                             })
      .def("columns", &TableToPy, py::arg("arrow_strings") = std::vector<std::string>{},
           py::arg("codes") = std::vector<std::string>{},
           "[(name, (kind, unit, tz), values, valid)] per column; see table_convert.h.");
  m.def("make_table", &TableFromPy, py::arg("names"), py::arg("columns"), py::arg("na"),
        "A Table from column specs (kind, values, valid, unit, tz); see table_convert.h.");
}

}  // namespace oups::python
