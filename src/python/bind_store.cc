// Bindings of the indexer schema and keys, Store and iter_intersections
// (docs/behaviour.md#keys, docs/behaviour.md#store,
// docs/behaviour.md#iter-intersections).
//
// IndexerSchema.make(name, fields, sep) takes fields as (name, "int"|"str") or
// (name, "sub", record_name, [fields...]) tuples; the Python decorators build
// it once per class from the resolved annotations, so that validation, paths,
// strings and strict parsing all run in the core (one implementation).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "errors.h"
#include "oups/io/file_system.h"
#include "oups/store/indexer.h"
#include "oups/store/iter_intersections.h"
#include "oups/store/store.h"
#include "table_convert.h"

namespace py = pybind11;

namespace oups::python {
namespace {

std::vector<FieldSpec> FieldsFromPy(const py::handle& fields) {
  std::vector<FieldSpec> out;
  for (py::handle item : fields) {
    py::tuple t = py::reinterpret_borrow<py::tuple>(item);
    std::string name = t[0].cast<std::string>();
    std::string kind = t[1].cast<std::string>();
    if (kind == "int") {
      out.push_back(FieldSpec::Int64(std::move(name)));
    } else if (kind == "str") {
      out.push_back(FieldSpec::String(std::move(name)));
    } else if (kind == "sub") {
      out.push_back(FieldSpec::SubLevel(std::move(name), t[2].cast<std::string>(),
                                        FieldsFromPy(t[3])));
    } else {
      throw StatusError(Status::TypeError("field type " + kind + " not possible."));
    }
  }
  return out;
}

KeyValue ValueFromPy(const py::handle& v) {
  if (PyLong_CheckExact(v.ptr())) {
    int overflow = 0;
    const long long x = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
    if (overflow != 0) {
      throw StatusError(Status::InvalidArgument(
          "field value " + py::str(v).cast<std::string>() +
          " does not fit in a signed 64-bit integer."));
    }
    return static_cast<int64_t>(x);
  }
  if (PyUnicode_CheckExact(v.ptr())) return v.cast<std::string>();
  throw StatusError(Status::TypeError(
      "field type " + py::str(py::type::of(v)).cast<std::string>() + " not possible."));
}

py::object KeyValueToPy(const KeyValue& v) {
  if (const int64_t* i = std::get_if<int64_t>(&v)) return py::int_(*i);
  return py::str(std::get<std::string>(v));
}

py::object OptKey(Result<IndexKey> r) {
  if (!r.ok()) return py::none();
  return py::cast(std::move(r).MoveValueUnsafe());
}

std::optional<Scalar> OptScalar(const py::object& o) {
  if (o.is_none()) return std::nullopt;
  return ScalarFromPy(o);
}

// The core's iterator plus the position of each key, to report chunks as
// (position in keys, Table).
struct PyIntersectionIterator {
  std::vector<IndexKey> keys;
  std::unique_ptr<IntersectionIterator> it;
};

}  // namespace

void RegisterStore(py::module_& m) {
  py::class_<IndexKey>(m, "Key", "A validated indexer key (IndexKey).")
      .def("to_path", &IndexKey::ToPath)
      .def("to_string", &IndexKey::ToString)
      .def_property_readonly("depth", &IndexKey::depth)
      .def("levels",
           [](const IndexKey& k) {
             py::list out;
             for (int j = 0; j < k.depth(); ++j) {
               py::list lv;
               for (const KeyValue& v : k.level(j)) lv.append(KeyValueToPy(v));
               out.append(lv);
             }
             return out;
           })
      .def("__eq__", [](const IndexKey& a, const IndexKey& b) { return a == b; })
      .def("__hash__", &IndexKey::Hash);

  py::class_<IndexerSchema>(m, "IndexerSchema", "Runtime description of an indexer.")
      .def_static(
          "make",
          [](std::string name, py::list fields, std::string sep) {
            return ValueOrThrow(IndexerSchema::Make(std::move(name), FieldsFromPy(fields),
                                                    std::move(sep)));
          },
          py::arg("name"), py::arg("fields"), py::arg("field_sep"))
      .def_property_readonly("depth", &IndexerSchema::depth)
      .def_property_readonly("field_sep", &IndexerSchema::field_sep)
      .def_property_readonly("name", &IndexerSchema::name)
      .def("num_fields", py::overload_cast<int>(&IndexerSchema::num_fields, py::const_))
      .def("__str__", &IndexerSchema::ToString)
      .def("validate_text",
           [](const IndexerSchema& s, const std::string& text) {
             ThrowIfError(s.ValidateText(text));
           })
      .def_static("check_value", [](const py::handle& v) { (void)ValueFromPy(v); },
           "Raises for a value that is neither an int within 64 bits nor a str.")
      .def("make_key",
           [](const IndexerSchema& s, py::list levels) {
             std::vector<std::vector<KeyValue>> vals;
             for (py::handle lv : levels) {
               std::vector<KeyValue> one;
               for (py::handle v : lv) one.push_back(ValueFromPy(v));
               vals.push_back(std::move(one));
             }
             return ValueOrThrow(s.MakeKey(std::move(vals)));
           })
      .def("from_path",
           [](const IndexerSchema& s, const std::string& p) { return OptKey(s.FromPath(p)); })
      .def("from_string",
           [](const IndexerSchema& s, const std::string& p) { return OptKey(s.FromString(p)); });

  py::class_<PyIntersectionIterator>(m, "IntersectionIterator")
      .def("next", [](PyIntersectionIterator& self) -> py::object {
        Result<std::optional<IntersectionChunk>> r = [&] {
          py::gil_scoped_release nogil;
          return self.it->Next();
        }();
        std::optional<IntersectionChunk> chunk = ValueOrThrow(std::move(r));
        if (!chunk) return py::none();
        py::list out;
        size_t pos = 0;
        for (auto& [key, table] : *chunk) {
          while (pos < self.keys.size() && !(self.keys[pos] == key)) ++pos;
          out.append(py::make_tuple(pos, py::cast(std::move(table))));
          ++pos;
        }
        return out;
      })
      .def(
          "schema_extra_json",
          [](const PyIntersectionIterator& self, size_t pos) -> py::object {
            // The details of the state the chunks come from (after next()).
            if (pos >= self.keys.size()) throw py::index_error("key position out of range");
            const std::optional<std::string>* extra = self.it->SchemaExtraJson(self.keys[pos]);
            if (extra == nullptr || !*extra) return py::none();
            return py::str(**extra);
          },
          py::arg("pos"));

  py::class_<Store>(m, "Store", "A store of datasets named by one indexer (Store).")
      .def(py::init([](std::string basepath, IndexerSchema schema) {
             return ValueOrThrow(Store::Open(LocalFileSystem(), std::move(basepath),
                                             std::move(schema)));
           }),
           py::arg("basepath"), py::arg("schema"))
      .def_property_readonly("basepath", &Store::basepath)
      .def("dataset_path", &Store::DatasetPath)
      .def("keys",
           [](const Store& s) {
             Result<std::vector<IndexKey>> r = [&] {
               py::gil_scoped_release nogil;
               return s.Keys();
             }();
             return ValueOrThrow(std::move(r));
           })
      .def("size",
           [](const Store& s) {
             Result<int64_t> r = [&] {
               py::gil_scoped_release nogil;
               return s.Size();
             }();
             return ValueOrThrow(std::move(r));
           })
      // The level values of every key, [[[v, ...], ...], ...], sorted as keys():
      // the Python package builds its key objects from them without one core
      // key object per key (stores of 100,000 keys).
      .def("key_levels",
           [](const Store& s, const std::string& prefix) {
             // Keys(prefix): only the directory the prefix names is walked.
             Result<std::vector<IndexKey>> r = [&] {
               py::gil_scoped_release nogil;
               return prefix.empty() ? s.Keys() : s.Keys(prefix);
             }();
             const std::vector<IndexKey> keys = ValueOrThrow(std::move(r));
             py::list out(keys.size());
             for (size_t i = 0; i < keys.size(); ++i) {
               const IndexKey& k = keys[i];
               py::list levels(static_cast<size_t>(k.depth()));
               for (int j = 0; j < k.depth(); ++j) {
                 const auto& values = k.level(j);
                 py::list lv(values.size());
                 for (size_t v = 0; v < values.size(); ++v) lv[v] = KeyValueToPy(values[v]);
                 levels[static_cast<size_t>(j)] = std::move(lv);
               }
               out[i] = std::move(levels);
             }
             return out;
           },
           py::arg("prefix") = std::string())
      .def("contains", [](const Store& s, const IndexKey& k) { return ValueOrThrow(s.Contains(k)); })
      .def("remove",
           [](const Store& s, const IndexKey& k) {
             Status st;
             {
               py::gil_scoped_release nogil;
               st = s.Remove(k);
             }
             ThrowIfError(st);
           })
      .def(
          "iter_intersections",
          [](const Store& s, std::vector<IndexKey> keys, py::object start, py::object end_excl,
             py::object n_prev, std::optional<Columns> columns, int num_threads,
             std::optional<int64_t> as_of_time_ns) {
            IterIntersectionsOptions o;
            o.as_of_time_ns = as_of_time_ns;
            o.num_threads = num_threads < 1 ? 1 : num_threads;
            o.start = OptScalar(start);
            o.end_excl = OptScalar(end_excl);
            if (py::isinstance<py::int_>(n_prev)) {
              o.n_prev = NPrev(n_prev.cast<int64_t>());
            } else {
              o.n_prev = NPrev(n_prev.cast<std::vector<int64_t>>());
            }
            o.columns = std::move(columns);
            auto out = std::make_unique<PyIntersectionIterator>();
            out->keys = keys;
            out->it = std::make_unique<IntersectionIterator>(
                s.IterIntersections(std::move(keys), std::move(o)));
            return out;
          },
          py::arg("keys"), py::arg("start") = py::none(), py::arg("end_excl") = py::none(),
          py::arg("n_prev") = 0, py::arg("columns") = py::none(), py::arg("num_threads") = 1,
          py::arg("as_of_time_ns") = py::none());
}

}  // namespace oups::python
