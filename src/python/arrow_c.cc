#include "arrow_c.h"

#include <Python.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "errors.h"
#include "oups/common/buffer.h"
#include "oups/table/builder.h"
#include "oups/table/column.h"
#include "oups/table/kernels.h"
#include "oups/table/types.h"
#include "table_convert.h"

namespace py = pybind11;

namespace oups::python {
namespace {

using Formats = std::map<std::string, std::string>;   // column name -> Arrow format
using Metadata = std::map<std::string, std::string>;  // schema key-value metadata
// Columns exported as Arrow dictionaries (pandas categoricals): name -> the
// categories (a column of the column's type) and whether they are ordered.
struct Categories {
  Column values;
  bool ordered = false;
};
using Dictionaries = std::map<std::string, Categories>;

// Stands for an absent buffer of a zero-length column (and the single 0 offset
// of an empty text column): consumers may dereference buffer pointers.
alignas(64) const uint8_t kZeros[64] = {};

char UnitChar(TimeUnit u) {
  switch (u) {
    case TimeUnit::kSecond: return 's';
    case TimeUnit::kMilli: return 'm';
    case TimeUnit::kMicro: return 'u';
    case TimeUnit::kNano: return 'n';
  }
  return 'n';
}

// The Arrow format string of a core type (our layouts: text and binary have
// 64-bit offsets, decimals 128 bits).
std::string FormatOf(const DataType& t) {
  switch (t.id) {
    case TypeId::kBool: return "b";
    case TypeId::kInt8: return "c";
    case TypeId::kInt16: return "s";
    case TypeId::kInt32: return "i";
    case TypeId::kInt64: return "l";
    case TypeId::kUInt8: return "C";
    case TypeId::kUInt16: return "S";
    case TypeId::kUInt32: return "I";
    case TypeId::kUInt64: return "L";
    case TypeId::kFloat32: return "f";
    case TypeId::kFloat64: return "g";
    case TypeId::kString: return "U";
    case TypeId::kBinary: return "Z";
    case TypeId::kDate32: return "tdD";
    case TypeId::kTimestamp: return std::string("ts") + UnitChar(t.unit) + ":" + t.timezone;
    case TypeId::kDuration: return std::string("tD") + UnitChar(t.unit);
    case TypeId::kDecimal:
      return "d:" + std::to_string(t.precision) + "," + std::to_string(t.scale);
  }
  return "l";
}

bool UnitFromChar(char c, TimeUnit* u) {
  switch (c) {
    case 's': *u = TimeUnit::kSecond; return true;
    case 'm': *u = TimeUnit::kMilli; return true;
    case 'u': *u = TimeUnit::kMicro; return true;
    case 'n': *u = TimeUnit::kNano; return true;
    default: return false;
  }
}

// What an unsupported Arrow format is, for error messages.
std::string DescribeFormat(const std::string& f) {
  static const std::map<std::string, std::string> kNames = {
      {"n", "null"},          {"e", "float16"},        {"tdm", "date64"},
      {"+l", "list"},
      {"+L", "large_list"},   {"+s", "struct"},        {"+m", "map"},
      {"tiM", "interval"},    {"tiD", "interval"},     {"tin", "interval"}};
  auto it = kNames.find(f);
  if (it != kNames.end()) return it->second + " (format '" + f + "')";
  if (f.rfind("tt", 0) == 0) return "time (format '" + f + "')";
  if (f.rfind("w:", 0) == 0) return "fixed_size_binary (format '" + f + "')";
  if (f.rfind("+w:", 0) == 0) return "fixed_size_list (format '" + f + "')";
  if (f.rfind("+u", 0) == 0) return "union (format '" + f + "')";
  if (f.rfind("d:", 0) == 0) return "decimal other than 128-bit (format '" + f + "')";
  return "format '" + f + "'";
}

// The core type of an Arrow format; *offsets32 tells 32-bit text offsets, *views
// (when asked for) string_view/binary_view, which only the import takes.
Status ParseFormat(const std::string& column, const std::string& f, DataType* out,
                   bool* offsets32, bool* views = nullptr) {
  *offsets32 = false;
  if (views != nullptr) *views = false;
  if (views != nullptr && (f == "vu" || f == "vz")) {
    // string_view / binary_view: copied into our offsets + bytes layout.
    *out = f == "vu" ? DataType::String() : DataType::Binary();
    *views = true;
    return Status::OK();
  }
  static const std::map<std::string, TypeId> kSimple = {
      {"b", TypeId::kBool},    {"c", TypeId::kInt8},    {"s", TypeId::kInt16},
      {"i", TypeId::kInt32},   {"l", TypeId::kInt64},   {"C", TypeId::kUInt8},
      {"S", TypeId::kUInt16},  {"I", TypeId::kUInt32},  {"L", TypeId::kUInt64},
      {"f", TypeId::kFloat32}, {"g", TypeId::kFloat64}, {"U", TypeId::kString},
      {"Z", TypeId::kBinary},  {"u", TypeId::kString},  {"z", TypeId::kBinary},
      {"tdD", TypeId::kDate32}};
  auto it = kSimple.find(f);
  if (it != kSimple.end()) {
    *out = DataType::Of(it->second);
    *offsets32 = f == "u" || f == "z";
    return Status::OK();
  }
  TimeUnit unit;
  if (f.size() >= 4 && f.compare(0, 2, "ts") == 0 && f[3] == ':' && UnitFromChar(f[2], &unit)) {
    *out = DataType::Timestamp(unit, f.substr(4));
    return Status::OK();
  }
  if (f.size() == 3 && f.compare(0, 2, "tD") == 0 && UnitFromChar(f[2], &unit)) {
    *out = DataType::Duration(unit);
    return Status::OK();
  }
  if (f.rfind("d:", 0) == 0) {
    // d:PRECISION,SCALE[,BITWIDTH]; only 128 bits is ours.
    int precision = 0, scale = 0, bits = 128;
    char tail = 0;
    const int n = std::sscanf(f.c_str() + 2, "%d,%d,%d%c", &precision, &scale, &bits, &tail);
    if ((n == 2 || n == 3) && bits == 128 && precision >= 1 && precision <= 38 && scale >= 0 &&
        scale <= precision) {
      *out = DataType::Decimal(precision, scale);
      return Status::OK();
    }
  }
  return Status::TypeError("column '" + column + "': Arrow type " + DescribeFormat(f) +
                           " is not supported (oups stores integers, floats, bool, "
                           "timestamps, durations, date32, decimal128, strings, binary "
                           "and dictionaries of strings or integers)");
}

// ------------------------------------------------------------------ export

struct SchemaPrivate {
  std::string format, name, metadata;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_ptrs;
  std::unique_ptr<ArrowSchema> dictionary;  // a dictionary column's value type
};

void ReleaseSchema(ArrowSchema* s) {
  if (s == nullptr || s->release == nullptr) return;
  auto* p = static_cast<SchemaPrivate*>(s->private_data);
  for (ArrowSchema& c : p->children) {
    if (c.release != nullptr) c.release(&c);  // children moved away have none
  }
  if (p->dictionary != nullptr && p->dictionary->release != nullptr) {
    p->dictionary->release(p->dictionary.get());
  }
  delete p;
  s->release = nullptr;
}

SchemaPrivate* FillSchema(ArrowSchema* out, std::string format, std::string name,
                          std::string metadata, int64_t flags, size_t n_children) {
  auto* p = new SchemaPrivate{std::move(format), std::move(name), std::move(metadata), {}, {},
                              nullptr};
  p->children.resize(n_children);
  p->child_ptrs.resize(n_children);
  for (size_t i = 0; i < n_children; ++i) {
    p->children[i].release = nullptr;
    p->child_ptrs[i] = &p->children[i];
  }
  out->format = p->format.c_str();
  out->name = p->name.c_str();
  out->metadata = p->metadata.empty() ? nullptr : p->metadata.data();
  out->flags = flags;
  out->n_children = static_cast<int64_t>(n_children);
  out->children = n_children ? p->child_ptrs.data() : nullptr;
  out->dictionary = nullptr;
  out->release = &ReleaseSchema;
  out->private_data = p;
  return p;
}

// Key-value metadata as the C Data Interface encodes it: int32 count, then
// int32 length + bytes for each key and value (native endianness).
std::string EncodeMetadata(const Metadata& md) {
  if (md.empty()) return {};
  std::string out;
  auto put32 = [&](int32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  put32(static_cast<int32_t>(md.size()));
  for (const auto& [k, v] : md) {
    put32(static_cast<int32_t>(k.size()));
    out += k;
    put32(static_cast<int32_t>(v.size()));
    out += v;
  }
  return out;
}

py::dict DecodeMetadata(const char* md) {
  py::dict out;
  if (md == nullptr) return out;
  auto get32 = [&]() {
    int32_t v;
    std::memcpy(&v, md, 4);
    md += 4;
    return v;
  };
  const int32_t n = get32();
  for (int32_t i = 0; i < n; ++i) {
    const int32_t kl = get32();
    py::bytes k(md, static_cast<size_t>(kl));
    md += kl;
    const int32_t vl = get32();
    py::bytes v(md, static_cast<size_t>(vl));
    md += vl;
    out[k] = v;
  }
  return out;
}

// The format a column is exported with: its own, or the one `formats` gives for
// its name, which must describe the same layout (e.g. "tDus" for an int64 column
// holding microsecond durations).
Result<std::string> ExportFormat(const Field& f, const Formats& formats) {
  auto it = formats.find(f.name);
  if (it == formats.end()) return FormatOf(f.type);
  DataType t;
  bool offsets32 = false;
  OUPS_RETURN_NOT_OK(ParseFormat(f.name, it->second, &t, &offsets32));
  const bool fixed = f.type.byte_width() > 0 && f.type.id != TypeId::kDecimal;
  if (t == f.type || (fixed && !offsets32 && t.id != TypeId::kDecimal &&
                      t.byte_width() == f.type.byte_width())) {
    return it->second;
  }
  return Status::TypeError("column '" + f.name + "': cannot export " + f.type.ToString() +
                           " as Arrow format '" + it->second + "' (another layout)");
}

Status CheckCategories(const Field& f, const Dictionaries& dicts) {
  auto it = dicts.find(f.name);
  if (it == dicts.end()) return Status::OK();
  if (it->second.values.type() != f.type || it->second.values.has_nulls() ||
      (!f.type.is_integer() && f.type.id != TypeId::kString)) {
    return Status::TypeError("column '" + f.name + "': categories of " +
                             it->second.values.type().ToString() + " for a column of " +
                             f.type.ToString() + " (expected strings or integers, no null)");
  }
  return Status::OK();
}

Status ExportSchema(const Schema& schema, const Formats& formats, const Dictionaries& dicts,
                    const Metadata& md, ArrowSchema* out) {
  std::vector<std::string> child_formats;
  for (const Field& f : schema.fields()) {
    OUPS_RETURN_NOT_OK(CheckCategories(f, dicts));
    OUPS_ASSIGN_OR_RETURN(std::string fmt, ExportFormat(f, formats));
    child_formats.push_back(std::move(fmt));
  }
  SchemaPrivate* p = FillSchema(out, "+s", "", EncodeMetadata(md), 0,
                                static_cast<size_t>(schema.num_fields()));
  for (int i = 0; i < schema.num_fields(); ++i) {
    // Every column is nullable: the batches of one stream must share one schema,
    // and a later row group may hold nulls.
    ArrowSchema* child = &p->children[static_cast<size_t>(i)];
    auto dict = dicts.find(schema.field(i).name);
    if (dict == dicts.end()) {
      FillSchema(child, child_formats[static_cast<size_t>(i)], schema.field(i).name, {},
                 ARROW_FLAG_NULLABLE, 0);
      continue;
    }
    // int32 indices into a dictionary of the column's values.
    SchemaPrivate* cp = FillSchema(
        child, "i", schema.field(i).name, {},
        ARROW_FLAG_NULLABLE | (dict->second.ordered ? ARROW_FLAG_DICTIONARY_ORDERED : 0), 0);
    cp->dictionary = std::make_unique<ArrowSchema>();
    FillSchema(cp->dictionary.get(), child_formats[static_cast<size_t>(i)], "", {}, 0, 0);
    child->dictionary = cp->dictionary.get();
  }
  return Status::OK();
}

struct ArrayPrivate {
  std::shared_ptr<Buffer> validity, values, offsets;  // keep the buffers alive
  const void* buffers[3] = {nullptr, nullptr, nullptr};
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_ptrs;
  std::unique_ptr<ArrowArray> dictionary;  // a dictionary column's values
};

void ReleaseArray(ArrowArray* a) {
  if (a == nullptr || a->release == nullptr) return;
  auto* p = static_cast<ArrayPrivate*>(a->private_data);
  for (ArrowArray& c : p->children) {
    if (c.release != nullptr) c.release(&c);
  }
  if (p->dictionary != nullptr && p->dictionary->release != nullptr) {
    p->dictionary->release(p->dictionary.get());
  }
  delete p;  // drops our references: buffers owned by Python objects take the GIL
  a->release = nullptr;
}

// One column as an ArrowArray over its own buffers (a slice keeps its offset).
void ExportColumn(const Column& c, ArrowArray* out) {
  auto* p = new ArrayPrivate;
  out->length = c.length();
  out->offset = c.offset();
  out->null_count = c.null_count();
  if (c.null_count() > 0) {
    p->validity = c.validity();
    p->buffers[0] = p->validity->data();
  }
  p->values = c.values();
  p->buffers[1] = p->values != nullptr && p->values->data() != nullptr
                      ? static_cast<const void*>(p->values->data())
                      : kZeros;
  out->n_buffers = 2;
  if (c.type().is_var_length()) {
    // Offsets first, then the bytes (Arrow's order for large_string/large_binary).
    p->offsets = c.offsets();
    p->buffers[2] = p->buffers[1];
    p->buffers[1] = p->offsets != nullptr && p->offsets->data() != nullptr
                        ? static_cast<const void*>(p->offsets->data())
                        : kZeros;
    out->n_buffers = 3;
  }
  out->buffers = p->buffers;
  out->n_children = 0;
  out->children = nullptr;
  out->dictionary = nullptr;
  out->release = &ReleaseArray;
  out->private_data = p;
}

int64_t IntegerAt(const Column& c, int64_t i) {
  switch (c.type().id) {
    case TypeId::kInt8: return c.data<int8_t>()[i];
    case TypeId::kInt16: return c.data<int16_t>()[i];
    case TypeId::kInt32: return c.data<int32_t>()[i];
    case TypeId::kUInt8: return c.data<uint8_t>()[i];
    case TypeId::kUInt16: return c.data<uint16_t>()[i];
    case TypeId::kUInt32: return c.data<uint32_t>()[i];
    case TypeId::kUInt64: return static_cast<int64_t>(c.data<uint64_t>()[i]);
    default: return c.data<int64_t>()[i];
  }
}

// A categorical column as (int32 indices, dictionary): the categories, then the
// values of this batch they lack, in order of appearance (a copy: our columns
// hold values).
Status EncodeDictionary(const Column& c, const Column& categories, Column* indices,
                        Column* dictionary) {
  const int64_t n = c.length();
  OUPS_ASSIGN_OR_RETURN(auto idx, MutableBuffer::Make(std::max<int64_t>(n, 1) * 4, true));
  int32_t* out = idx->mutable_data_as<int32_t>();
  ColumnBuilder extra(c.type());
  int32_t next = static_cast<int32_t>(categories.length());
  if (c.type().id == TypeId::kString) {
    std::unordered_map<std::string_view, int32_t> codes;
    for (int64_t k = 0; k < categories.length(); ++k) {
      codes.emplace(categories.GetView(k), static_cast<int32_t>(k));
    }
    for (int64_t i = 0; i < n; ++i) {
      if (c.IsNull(i)) continue;
      auto [it, fresh] = codes.emplace(c.GetView(i), next);
      if (fresh) {
        OUPS_RETURN_NOT_OK(extra.Append(c.GetView(i)));
        ++next;
      }
      out[i] = it->second;
    }
  } else {
    std::unordered_map<int64_t, int32_t> codes;
    for (int64_t k = 0; k < categories.length(); ++k) {
      codes.emplace(IntegerAt(categories, k), static_cast<int32_t>(k));
    }
    for (int64_t i = 0; i < n; ++i) {
      if (c.IsNull(i)) continue;
      const int64_t v = IntegerAt(c, i);
      auto [it, fresh] = codes.emplace(v, next);
      if (fresh) {
        if (c.type().id == TypeId::kUInt64) {
          OUPS_RETURN_NOT_OK(extra.Append(static_cast<uint64_t>(v)));
        } else {
          OUPS_RETURN_NOT_OK(extra.Append(v));
        }
        ++next;
      }
      out[i] = it->second;
    }
  }
  std::shared_ptr<Buffer> validity;
  if (c.has_nulls()) {  // from slot 0, like the indices
    OUPS_ASSIGN_OR_RETURN(auto bits, MutableBuffer::Make((n + 7) / 8, /*zero=*/true));
    for (int64_t i = 0; i < n; ++i) {
      if (c.IsValid(i)) SetBit(bits->mutable_data(), i);
    }
    validity = std::move(bits);
  }
  *indices = Column(DataType::Int32(), n, validity, idx, nullptr, -1, 0);
  if (extra.length() == 0) {
    *dictionary = categories;
    return Status::OK();
  }
  OUPS_ASSIGN_OR_RETURN(Column more, extra.Finish());
  OUPS_ASSIGN_OR_RETURN(*dictionary, Concatenate({categories, more}));
  return Status::OK();
}

// A Table as one struct array whose children are its columns (the columns of
// `dicts` as dictionaries).
Status ExportTable(const Table& t, const Dictionaries& dicts, ArrowArray* out) {
  const size_t n = static_cast<size_t>(t.num_columns());
  std::vector<std::pair<Column, Column>> encoded(n);  // (indices, dictionary)
  for (size_t i = 0; i < n; ++i) {
    const Field& f = t.schema().field(static_cast<int>(i));
    auto d = dicts.find(f.name);
    if (d == dicts.end()) continue;
    OUPS_RETURN_NOT_OK(CheckCategories(f, dicts));
    OUPS_RETURN_NOT_OK(EncodeDictionary(t.column(static_cast<int>(i)), d->second.values,
                                        &encoded[i].first, &encoded[i].second));
  }
  auto* p = new ArrayPrivate;
  p->children.resize(n);
  p->child_ptrs.resize(n);
  for (size_t i = 0; i < n; ++i) {
    p->child_ptrs[i] = &p->children[i];
    if (dicts.count(t.schema().field(static_cast<int>(i)).name) == 0) {
      ExportColumn(t.column(static_cast<int>(i)), &p->children[i]);
      continue;
    }
    ExportColumn(encoded[i].first, &p->children[i]);
    auto* cp = static_cast<ArrayPrivate*>(p->children[i].private_data);
    cp->dictionary = std::make_unique<ArrowArray>();
    ExportColumn(encoded[i].second, cp->dictionary.get());
    p->children[i].dictionary = cp->dictionary.get();
  }
  out->length = t.num_rows();
  out->null_count = 0;
  out->offset = 0;
  out->n_buffers = 1;  // a struct's validity bitmap: none
  out->buffers = p->buffers;
  out->n_children = static_cast<int64_t>(n);
  out->children = n ? p->child_ptrs.data() : nullptr;
  out->dictionary = nullptr;
  out->release = &ReleaseArray;
  out->private_data = p;
  return Status::OK();
}

// PyCapsules of the Arrow PyCapsule interface: the destructor releases a struct
// nobody took (a consumer that imports it moves it out, leaving release null).
void SchemaCapsuleDestructor(PyObject* capsule) {
  auto* s = static_cast<ArrowSchema*>(PyCapsule_GetPointer(capsule, "arrow_schema"));
  if (s == nullptr) {
    PyErr_Clear();
    return;
  }
  if (s->release != nullptr) s->release(s);
  delete s;
}

void ArrayCapsuleDestructor(PyObject* capsule) {
  auto* a = static_cast<ArrowArray*>(PyCapsule_GetPointer(capsule, "arrow_array"));
  if (a == nullptr) {
    PyErr_Clear();
    return;
  }
  if (a->release != nullptr) a->release(a);
  delete a;
}

void StreamCapsuleDestructor(PyObject* capsule) {
  auto* s = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(capsule, "arrow_array_stream"));
  if (s == nullptr) {
    PyErr_Clear();
    return;
  }
  if (s->release != nullptr) s->release(s);
  delete s;
}

py::object Capsule(void* p, const char* name, PyCapsule_Destructor d) {
  PyObject* c = PyCapsule_New(p, name, d);
  if (c == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(c);
}

// name -> (categories Table of one column, ordered) from Python.
Dictionaries DictionariesFromPy(const py::dict& d) {
  Dictionaries out;
  for (auto item : d) {
    py::tuple spec = py::reinterpret_borrow<py::tuple>(item.second);
    const Table& t = spec[0].cast<const Table&>();
    if (t.num_columns() != 1) {
      throw StatusError(Status::InvalidArgument("categories: a table of one column"));
    }
    out[item.first.cast<std::string>()] = Categories{t.column(0), spec[1].cast<bool>()};
  }
  return out;
}

py::object SchemaCapsule(const Table& t, const Formats& formats, const py::dict& categories,
                         const Metadata& md) {
  auto* s = new ArrowSchema;
  s->release = nullptr;
  Status st = ExportSchema(t.schema(), formats, DictionariesFromPy(categories), md, s);
  if (!st.ok()) {
    delete s;
    throw StatusError(st);
  }
  return Capsule(s, "arrow_schema", &SchemaCapsuleDestructor);
}

py::tuple ArrayCapsules(const Table& t, const Formats& formats, const py::dict& categories,
                        const Metadata& md) {
  py::object schema = SchemaCapsule(t, formats, categories, md);
  auto* a = new ArrowArray;
  Status st = ExportTable(t, DictionariesFromPy(categories), a);
  if (!st.ok()) {
    delete a;
    throw StatusError(st);
  }
  return py::make_tuple(schema, Capsule(a, "arrow_array", &ArrayCapsuleDestructor));
}

// A stream whose batches come from a Python callable returning a Table (one row
// group) or None (the end); get_next takes the GIL to call it.
struct StreamPrivate {
  Schema schema;
  Formats formats;
  Dictionaries dictionaries;
  Metadata metadata;
  py::object next;
  std::string error;
};

int StreamGetSchema(ArrowArrayStream* stream, ArrowSchema* out) {
  auto* p = static_cast<StreamPrivate*>(stream->private_data);
  Status st = ExportSchema(p->schema, p->formats, p->dictionaries, p->metadata, out);
  if (!st.ok()) {
    p->error = st.message();
    return EINVAL;
  }
  return 0;
}

bool SameColumns(const Schema& a, const Schema& b) {
  if (a.num_fields() != b.num_fields()) return false;
  for (int i = 0; i < a.num_fields(); ++i) {
    if (a.field(i).name != b.field(i).name || a.field(i).type != b.field(i).type) return false;
  }
  return true;
}

int StreamGetNext(ArrowArrayStream* stream, ArrowArray* out) {
  auto* p = static_cast<StreamPrivate*>(stream->private_data);
  PyGILState_STATE gil = PyGILState_Ensure();
  int rc = 0;
  try {
    py::object r = p->next();
    if (r.is_none()) {
      out->release = nullptr;  // the end of the stream
    } else {
      const Table& t = r.cast<const Table&>();
      if (!SameColumns(t.schema(), p->schema)) {
        p->error = "a batch has columns " + t.schema().ToString() + ", the stream " +
                   p->schema.ToString();
        rc = EINVAL;
      } else {
        Status st = ExportTable(t, p->dictionaries, out);
        if (!st.ok()) {
          p->error = st.message();
          rc = EINVAL;
        }
      }
    }
  } catch (py::error_already_set& e) {
    p->error = e.what();
    rc = EIO;
  } catch (const StatusError& e) {
    p->error = e.status().message();
    rc = EIO;
  } catch (const std::exception& e) {
    p->error = e.what();
    rc = EIO;
  }
  PyGILState_Release(gil);
  return rc;
}

const char* StreamGetLastError(ArrowArrayStream* stream) {
  auto* p = static_cast<StreamPrivate*>(stream->private_data);
  return p->error.empty() ? nullptr : p->error.c_str();
}

void StreamRelease(ArrowArrayStream* stream) {
  if (stream == nullptr || stream->release == nullptr) return;
  PyGILState_STATE gil = PyGILState_Ensure();  // drops a Python callable
  delete static_cast<StreamPrivate*>(stream->private_data);
  PyGILState_Release(gil);
  stream->release = nullptr;
}

py::object StreamCapsule(const Table& schema_of, const Formats& formats,
                         const py::dict& categories, const Metadata& md, py::object next) {
  Dictionaries dicts = DictionariesFromPy(categories);
  // Formats are checked now, so a bad one fails here rather than in a consumer.
  for (const Field& f : schema_of.schema().fields()) {
    (void)ValueOrThrow(ExportFormat(f, formats));
    ThrowIfError(CheckCategories(f, dicts));
  }
  auto* s = new ArrowArrayStream;
  s->get_schema = &StreamGetSchema;
  s->get_next = &StreamGetNext;
  s->get_last_error = &StreamGetLastError;
  s->release = &StreamRelease;
  s->private_data =
      new StreamPrivate{schema_of.schema(), formats, std::move(dicts), md, std::move(next), {}};
  return Capsule(s, "arrow_array_stream", &StreamCapsuleDestructor);
}

// ------------------------------------------------------------------ import

// Owns one imported batch: releases it (the producer's callback) when the last
// column wrapping its buffers is gone.
using BatchOwner = std::shared_ptr<const void>;

BatchOwner OwnBatch(const ArrowArray& moved) {
  auto* a = new ArrowArray(moved);
  return BatchOwner(a, [](const void* p) {
    auto* arr = static_cast<ArrowArray*>(const_cast<void*>(p));
    if (arr->release != nullptr) arr->release(arr);
    delete arr;
  });
}

std::shared_ptr<Buffer> WrapOrEmpty(const void* data, int64_t size, const BatchOwner& owner) {
  if (data == nullptr || size <= 0) return Buffer::Wrap(kZeros, 0, nullptr);
  return Buffer::Wrap(static_cast<const uint8_t*>(data), size, owner);
}

struct FieldImport {
  std::string name;
  std::string format;
  DataType type;  // of the values (of the dictionary for a dictionary column)
  bool offsets32 = false;
  bool views = false;  // string_view / binary_view
  bool dictionary = false;
  std::string index_format;  // the indices' format of a dictionary column
  bool ordered = false;      // a dictionary's ordered flag
  std::vector<Column> dictionaries;  // of each batch (a dictionary column)
};

Status ParseField(const ArrowSchema& s, FieldImport* f) {
  f->name = s.name != nullptr ? s.name : "";
  f->format = s.format != nullptr ? s.format : "";
  if (s.dictionary != nullptr) {
    f->dictionary = true;
    f->index_format = f->format;
    f->ordered = (s.flags & ARROW_FLAG_DICTIONARY_ORDERED) != 0;
    static const std::string kIndexFormats = "csilCSIL";
    if (f->format.size() != 1 || kIndexFormats.find(f->format[0]) == std::string::npos) {
      return Status::TypeError("column '" + f->name + "': dictionary indices of " +
                               DescribeFormat(f->format) + ", expected integers");
    }
    f->format = s.dictionary->format != nullptr ? s.dictionary->format : "";
    OUPS_RETURN_NOT_OK(ParseFormat(f->name, f->format, &f->type, &f->offsets32, &f->views));
    if (!f->type.is_integer() && f->type.id != TypeId::kString) {
      return Status::TypeError("column '" + f->name + "': a dictionary of " +
                               f->type.ToString() + " values; oups takes dictionaries "
                               "(categoricals) of strings or integers");
    }
    return Status::OK();
  }
  return ParseFormat(f->name, f->format, &f->type, &f->offsets32, &f->views);
}

// A string_view/binary_view column copied into our layout: each 16-byte view is a
// length, then the bytes themselves (length <= 12) or a 4-byte prefix, the index
// of a data buffer and the offset in it.
Result<Column> ImportViews(const std::string& name, const DataType& type, const ArrowArray& a,
                           int64_t offset, int64_t length, const BatchOwner& owner) {
  if (a.n_buffers < 3 || (length > 0 && (a.buffers == nullptr || a.buffers[1] == nullptr))) {
    return Status::InvalidArgument("column '" + name + "': a view array of " +
                                   std::to_string(a.n_buffers) + " buffers");
  }
  const int64_t n_data = a.n_buffers - 3;  // variadic data buffers (the last: their sizes)
  const auto* sizes = static_cast<const int64_t*>(a.buffers[a.n_buffers - 1]);
  const auto* views = static_cast<const uint8_t*>(a.buffers[1]);
  std::shared_ptr<Buffer> validity;
  if (a.null_count != 0 && a.buffers[0] != nullptr) {
    validity = WrapOrEmpty(a.buffers[0], (offset + length + 7) / 8, owner);
  }
  auto valid = [&](int64_t i) {
    return validity == nullptr || GetBit(validity->data(), offset + i);
  };
  OUPS_ASSIGN_OR_RETURN(auto offs, MutableBuffer::Make((length + 1) * 8));
  int64_t* o = offs->mutable_data_as<int64_t>();
  int64_t total = 0;
  o[0] = 0;
  for (int64_t i = 0; i < length; ++i) {
    int32_t len = 0;
    if (valid(i)) std::memcpy(&len, views + (offset + i) * 16, 4);
    if (len < 0) return Status::InvalidArgument("column '" + name + "': negative view length");
    total += len;
    o[i + 1] = total;
  }
  OUPS_ASSIGN_OR_RETURN(auto bytes, MutableBuffer::Make(total));
  uint8_t* out = bytes->mutable_data();
  for (int64_t i = 0; i < length; ++i) {
    const uint8_t* v = views + (offset + i) * 16;
    const int64_t len = o[i + 1] - o[i];
    if (len == 0) continue;
    if (len <= 12) {
      std::memcpy(out + o[i], v + 4, static_cast<size_t>(len));
      continue;
    }
    int32_t index = 0, start = 0;
    std::memcpy(&index, v + 8, 4);
    std::memcpy(&start, v + 12, 4);
    if (index < 0 || index >= n_data || start < 0 ||
        (sizes != nullptr && start + len > sizes[index])) {
      return Status::InvalidArgument("column '" + name + "': row " + std::to_string(i) +
                                     " has a view outside its data buffers");
    }
    std::memcpy(out + o[i], static_cast<const uint8_t*>(a.buffers[2 + index]) + start,
                static_cast<size_t>(len));
  }
  std::shared_ptr<Buffer> own_validity;
  if (validity != nullptr) {  // from slot 0, like the copied values
    OUPS_ASSIGN_OR_RETURN(auto bits, MutableBuffer::Make((length + 7) / 8, /*zero=*/true));
    for (int64_t i = 0; i < length; ++i) {
      if (valid(i)) SetBit(bits->mutable_data(), i);
    }
    own_validity = std::move(bits);
  }
  return Column(type, length, own_validity, bytes, offs, -1, 0);
}

// The column of `a` (described by `type`), rows [offset, offset + length) of its
// buffers, wrapped without copying except 32-bit offsets, which are widened.
Result<Column> ImportPlain(const std::string& name, const DataType& type, bool offsets32,
                           const ArrowArray& a, int64_t offset, int64_t length,
                           const BatchOwner& owner, bool views = false) {
  if (views) return ImportViews(name, type, a, offset, length, owner);
  const int64_t n_buffers = type.is_var_length() ? 3 : 2;
  if (a.n_buffers != n_buffers || (length > 0 && a.buffers == nullptr)) {
    return Status::InvalidArgument("column '" + name + "': an Arrow array of " +
                                   std::to_string(a.n_buffers) + " buffers, expected " +
                                   std::to_string(n_buffers) + " for " + type.ToString());
  }
  const void* const* bufs = a.buffers;
  std::shared_ptr<Buffer> validity;
  if (a.null_count != 0 && bufs != nullptr && bufs[0] != nullptr) {
    validity = WrapOrEmpty(bufs[0], (offset + length + 7) / 8, owner);
  }
  const void* values = bufs != nullptr ? bufs[1] : nullptr;
  if (type.id == TypeId::kBool) {
    return Column(type, length, validity, WrapOrEmpty(values, (offset + length + 7) / 8, owner),
                  nullptr, -1, offset);
  }
  if (!type.is_var_length()) {
    const int64_t width = type.byte_width();
    return Column(type, length, validity, WrapOrEmpty(values, (offset + length) * width, owner),
                  nullptr, -1, offset);
  }
  const void* bytes = bufs != nullptr ? bufs[2] : nullptr;
  std::shared_ptr<Buffer> offsets;
  int64_t end = 0;
  if (length > 0 && values == nullptr) {
    return Status::InvalidArgument("column '" + name + "': an Arrow text array without offsets");
  }
  if (offsets32) {
    // Widened to our 64-bit offsets (the bytes are still wrapped).
    OUPS_ASSIGN_OR_RETURN(auto wide, MutableBuffer::Make((offset + length + 1) * 8));
    int64_t* w = wide->mutable_data_as<int64_t>();
    const auto* o = static_cast<const int32_t*>(values);
    for (int64_t i = 0; i <= offset + length; ++i) w[i] = o != nullptr ? o[i] : 0;
    end = w[offset + length];
    offsets = std::move(wide);
  } else {
    offsets = WrapOrEmpty(values, (offset + length + 1) * 8, owner);
    if (values != nullptr) end = static_cast<const int64_t*>(values)[offset + length];
    if (offsets->size() == 0) {
      OUPS_ASSIGN_OR_RETURN(auto zero, MutableBuffer::Make(8, /*zero=*/true));
      offsets = std::move(zero);
    }
  }
  return Column(type, length, validity, WrapOrEmpty(bytes, end, owner), offsets, -1, offset);
}

// A dictionary column decoded into its values (a copy: our columns hold values).
Result<Column> ImportDictionary(FieldImport& f, const ArrowArray& a, int64_t offset,
                                int64_t length, const BatchOwner& owner) {
  if (a.dictionary == nullptr) {
    return Status::InvalidArgument("column '" + f.name + "': dictionary column without a "
                                   "dictionary array");
  }
  DataType index_type;
  bool unused = false;
  OUPS_RETURN_NOT_OK(ParseFormat(f.name, f.index_format, &index_type, &unused));
  OUPS_ASSIGN_OR_RETURN(Column indices,
                        ImportPlain(f.name, index_type, false, a, offset, length, owner));
  const ArrowArray& d = *a.dictionary;
  OUPS_ASSIGN_OR_RETURN(Column dict, ImportPlain(f.name, f.type, f.offsets32, d, d.offset,
                                                  d.length, owner, f.views));
  if (dict.has_nulls()) {
    return Status::TypeError("column '" + f.name + "': a dictionary holding nulls");
  }
  f.dictionaries.push_back(dict);
  std::vector<int64_t> take(static_cast<size_t>(length));
  for (int64_t i = 0; i < length; ++i) {
    if (indices.IsNull(i)) {
      take[static_cast<size_t>(i)] = 0;
      continue;
    }
    int64_t k = 0;
    switch (index_type.id) {
      case TypeId::kInt8: k = indices.data<int8_t>()[i]; break;
      case TypeId::kInt16: k = indices.data<int16_t>()[i]; break;
      case TypeId::kInt32: k = indices.data<int32_t>()[i]; break;
      case TypeId::kInt64: k = indices.data<int64_t>()[i]; break;
      case TypeId::kUInt8: k = indices.data<uint8_t>()[i]; break;
      case TypeId::kUInt16: k = indices.data<uint16_t>()[i]; break;
      case TypeId::kUInt32: k = indices.data<uint32_t>()[i]; break;
      default: k = static_cast<int64_t>(indices.data<uint64_t>()[i]); break;
    }
    if (k < 0 || k >= dict.length()) {
      return Status::InvalidArgument("column '" + f.name + "': row " + std::to_string(i) +
                                     " has dictionary index " + std::to_string(k) +
                                     ", outside the dictionary of " +
                                     std::to_string(dict.length()) + " values");
    }
    take[static_cast<size_t>(i)] = k;
  }
  if (dict.length() == 0) {
    // Every row is null (an index into an empty dictionary failed above).
    ColumnBuilder b(f.type);
    OUPS_RETURN_NOT_OK(b.AppendNulls(length));
    return b.Finish();
  }
  OUPS_ASSIGN_OR_RETURN(Column values, Take(dict, take.data(), length));
  if (!indices.has_nulls()) return values;
  // The indices' nulls, from slot 0 like the taken values.
  OUPS_ASSIGN_OR_RETURN(auto bits, MutableBuffer::Make((length + 7) / 8, /*zero=*/true));
  for (int64_t i = 0; i < length; ++i) {
    if (indices.IsValid(i)) SetBit(bits->mutable_data(), i);
  }
  return Column(values.type(), length, bits, values.values(), values.offsets(), -1,
                values.offset());
}

Result<Column> ImportColumn(FieldImport& f, const ArrowArray& a, int64_t offset,
                            int64_t length, const BatchOwner& owner) {
  if (f.dictionary) return ImportDictionary(f, a, offset, length, owner);
  OUPS_ASSIGN_OR_RETURN(Column c, ImportPlain(f.name, f.type, f.offsets32, a, offset, length,
                                               owner, f.views));
  if (c.type().id == TypeId::kDuration) {
    // Durations are stored as int64 counts of their unit (the Python layer records
    // the unit, as for a pandas timedelta column): the same buffers, as int64.
    return Column(DataType::Int64(), c.length(), c.validity(), c.values(), nullptr, -1,
                  c.offset());
  }
  return c;
}

std::string StreamError(ArrowArrayStream* s, int rc, const char* what) {
  const char* e = s->get_last_error != nullptr ? s->get_last_error(s) : nullptr;
  return std::string("Arrow stream: ") + what + " failed (" +
         (e != nullptr ? std::string(e) : std::string(std::strerror(rc))) + ")";
}

// The rows of a stream as one Table (batches are concatenated, a copy, when
// there are several), the fields as the producer described them and the
// schema's key-value metadata.
py::tuple TableFromArrowStream(const py::object& capsule, const py::object& rename) {
  auto* src = static_cast<ArrowArrayStream*>(
      PyCapsule_GetPointer(capsule.ptr(), "arrow_array_stream"));
  if (src == nullptr) throw py::error_already_set();
  if (src->release == nullptr) {
    throw StatusError(Status::InvalidArgument("Arrow stream: already consumed"));
  }
  // Moved here: the capsule no longer owns it.
  ArrowArrayStream stream = *src;
  src->release = nullptr;
  struct StreamGuard {
    ArrowArrayStream* s;
    ~StreamGuard() {
      if (s->release != nullptr) s->release(s);
    }
  } stream_guard{&stream};
  ArrowSchema schema;
  schema.release = nullptr;
  struct SchemaGuard {
    ArrowSchema* s;
    ~SchemaGuard() {
      if (s->release != nullptr) s->release(s);
    }
  } schema_guard{&schema};

  std::vector<FieldImport> fields;
  std::vector<Table> tables;
  // The schema, with the GIL (a Python producer takes it again: that is allowed).
  const int schema_rc = stream.get_schema(&stream, &schema);
  if (schema_rc != 0) {
    throw StatusError(Status::InvalidArgument(StreamError(&stream, schema_rc, "get_schema")));
  }
  const std::string struct_format = schema.format != nullptr ? schema.format : "";
  if (struct_format != "+s") {
    throw StatusError(Status::TypeError("Arrow stream of " + DescribeFormat(struct_format) +
                                        ", expected a stream of record batches (struct)"));
  }
  for (int64_t i = 0; i < schema.n_children; ++i) {
    FieldImport f;
    ThrowIfError(ParseField(*schema.children[i], &f));
    fields.push_back(std::move(f));
  }
  py::dict metadata = DecodeMetadata(schema.metadata);
  if (!rename.is_none()) {
    // rename([names], metadata) -> [names]: the column names the Table gets.
    py::list names;
    for (const FieldImport& f : fields) names.append(f.name);
    py::list renamed = rename(names, metadata);
    if (renamed.size() != fields.size()) {
      throw StatusError(Status::Internal("rename gave another number of names"));
    }
    for (size_t i = 0; i < fields.size(); ++i) fields[i].name = renamed[i].cast<std::string>();
  }
  Status st;
  {
    py::gil_scoped_release nogil;  // a Python producer takes the GIL itself
    st = [&]() -> Status {
      int rc = 0;
      for (;;) {
        ArrowArray batch;
        batch.release = nullptr;
        rc = stream.get_next(&stream, &batch);
        if (rc != 0) return Status::InvalidArgument(StreamError(&stream, rc, "get_next"));
        if (batch.release == nullptr) break;
        BatchOwner owner = OwnBatch(batch);
        if (batch.n_children != static_cast<int64_t>(fields.size())) {
          return Status::InvalidArgument("Arrow stream: a batch of " +
                                         std::to_string(batch.n_children) + " columns, the "
                                         "schema has " + std::to_string(fields.size()));
        }
        if (batch.null_count > 0) {
          return Status::InvalidArgument("Arrow stream: a batch with null rows (struct nulls)");
        }
        std::vector<Field> out_fields;
        std::vector<Column> columns;
        for (size_t i = 0; i < fields.size(); ++i) {
          const ArrowArray& child = *batch.children[i];
          OUPS_ASSIGN_OR_RETURN(Column c, ImportColumn(fields[i], child,
                                                       batch.offset + child.offset,
                                                       batch.length, owner));
          Status valid = c.Validate();
          if (!valid.ok()) {
            return Status::InvalidArgument("column '" + fields[i].name + "': " +
                                           valid.message());
          }
          out_fields.push_back(Field{fields[i].name, c.type(), true});
          columns.push_back(std::move(c));
        }
        OUPS_ASSIGN_OR_RETURN(Table t,
                              Table::Make(Schema(std::move(out_fields)), std::move(columns)));
        tables.push_back(std::move(t));
      }
      return Status::OK();
    }();
  }
  ThrowIfError(st);
  Table all;
  if (tables.empty()) {
    std::vector<Field> fs;
    std::vector<Column> cs;
    for (const FieldImport& f : fields) {
      ColumnBuilder b(f.type.id == TypeId::kDuration ? DataType::Int64() : f.type);
      cs.push_back(ValueOrThrow(b.Finish()));
      fs.push_back(Field{f.name, b.type(), false});
    }
    all = ValueOrThrow(Table::Make(Schema(std::move(fs)), std::move(cs)));
  } else if (tables.size() == 1) {
    all = std::move(tables[0]);
  } else {
    py::gil_scoped_release nogil;
    all = ValueOrThrow(ConcatenateTables(tables));
  }
  // Nullable where nulls are present, as a frame's columns are written.
  std::vector<Field> fs;
  for (int i = 0; i < all.num_columns(); ++i) {
    fs.push_back(Field{all.schema().field(i).name, all.column(i).type(),
                       all.column(i).null_count() > 0});
  }
  all = ValueOrThrow(Table::Make(Schema(std::move(fs)), all.columns()));
  py::list infos;
  for (size_t i = 0; i < fields.size(); ++i) {
    const FieldImport& f = fields[i];
    py::object dictionary = py::none();  // a Table of the dictionaries' values, batch after batch
    if (f.dictionary) {
      Column values;
      if (f.dictionaries.empty()) {
        ColumnBuilder b(f.type);
        values = ValueOrThrow(b.Finish());
      } else {
        values = ValueOrThrow(Concatenate(f.dictionaries));
      }
      dictionary = py::cast(ValueOrThrow(
          Table::Make(Schema({Field{f.name, values.type(), false}}), {values})));
    }
    infos.append(py::make_tuple(f.name, f.format, TypeToPy(all.column(static_cast<int>(i)).type()),
                                dictionary, f.ordered));
  }
  return py::make_tuple(all, infos, metadata);
}

}  // namespace

void RegisterArrow(py::module_& m) {
  m.def("arrow_capsules", &ArrayCapsules, py::arg("table"), py::arg("formats") = Formats{},
        py::arg("categories") = py::dict(), py::arg("metadata") = Metadata{},
        "(arrow_schema, arrow_array) PyCapsules of a Table as one struct array whose "
        "children are its columns, over the Table's buffers (no copy). `formats`: Arrow "
        "formats replacing a column's own, of the same layout ({'dt': 'tDus'}); "
        "`categories`: {name: (Table of the categories, ordered)}, columns exported as "
        "dictionaries (int32 indices; the values a batch adds follow the categories).");
  m.def("arrow_schema_capsule", &SchemaCapsule, py::arg("table"),
        py::arg("formats") = Formats{}, py::arg("categories") = py::dict(),
        py::arg("metadata") = Metadata{},
        "The arrow_schema PyCapsule of a Table's columns.");
  m.def("arrow_stream", &StreamCapsule, py::arg("schema_of"), py::arg("formats"),
        py::arg("categories"), py::arg("metadata"), py::arg("next"),
        "An arrow_array_stream PyCapsule with the columns of Table `schema_of`, whose "
        "batches are the Tables next() returns until it returns None.");
  m.def("table_from_arrow_stream", &TableFromArrowStream, py::arg("capsule"),
        py::arg("rename") = py::none(),
        "(Table, [(name, Arrow format, (kind, unit, tz), dictionary values Table or None, "
        "ordered)], metadata) of an arrow_array_stream PyCapsule, which it consumes; "
        "rename(names, metadata), if given, returns the column names to use.");
  m.def(
      "arrow_buffer_addresses",
      [](const Table& t) {
        py::list out;
        for (const Column& c : t.columns()) {
          auto addr = [](const std::shared_ptr<Buffer>& b) -> uintptr_t {
            return b != nullptr ? reinterpret_cast<uintptr_t>(b->data()) : 0;
          };
          out.append(py::make_tuple(addr(c.validity()), addr(c.values()), addr(c.offsets())));
        }
        return out;
      },
      py::arg("table"), "[(validity, values, offsets)] buffer addresses of each column (tests).");
}

}  // namespace oups::python
