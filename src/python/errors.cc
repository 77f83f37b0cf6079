#include "errors.h"

#include <Python.h>
#include <pybind11/eval.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace py = pybind11;

namespace oups::python {
namespace {

PyObject* g_key_error = nullptr;  // oups._oups.KeyError (owned by the module)

bool StartsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// NotFound raised about a label (column, key) rather than a file.
bool IsLabelNotFound(std::string_view msg) {
  return StartsWith(msg, "unknown column") || StartsWith(msg, "ordered column") ||
         StartsWith(msg, "'duplicates_on'") || StartsWith(msg, "key '") ||
         StartsWith(msg, "column '") || StartsWith(msg, "version ") ||
         StartsWith(msg, "no readable version");
}

// errno of an IOError whose message ends with strerror(errno), else 0.
int ErrnoOf(std::string_view msg) {
  static const int kCandidates[] = {ENOSPC, EACCES, EPERM,  EIO,    EROFS,  ENOTDIR,
                                    EISDIR, EDQUOT, EMFILE, ENFILE, EBUSY,  ENOTEMPTY,
                                    EEXIST, ENOENT, EFBIG,  EXDEV,  ELOOP,  ENAMETOOLONG};
  for (int e : kCandidates) {
    if (EndsWith(msg, std::strerror(e))) return e;
  }
  return 0;
}

}  // namespace

void SetPythonError(const Status& st) {
  const std::string& msg = st.message();
  switch (st.code()) {
    case StatusCode::kTypeError:
      PyErr_SetString(PyExc_TypeError, msg.c_str());
      return;
    case StatusCode::kOutOfMemory: PyErr_SetString(PyExc_MemoryError, msg.c_str()); return;
    case StatusCode::kTimeout:
      PyErr_SetString(PyExc_TimeoutError, msg.c_str());
      return;
    case StatusCode::kOutOfRange:
      PyErr_SetString(PyExc_IndexError, msg.c_str());
      return;
    case StatusCode::kNotFound:
      if (IsLabelNotFound(msg)) {
        PyErr_SetString(g_key_error != nullptr ? g_key_error : PyExc_KeyError, msg.c_str());
      } else {
        PyObject* args = Py_BuildValue("(is)", ENOENT, msg.c_str());
        PyErr_SetObject(PyExc_FileNotFoundError, args);
        Py_XDECREF(args);
      }
      return;
    case StatusCode::kAlreadyExists: {
      PyObject* args = Py_BuildValue("(is)", EEXIST, msg.c_str());
      PyErr_SetObject(PyExc_FileExistsError, args);
      Py_XDECREF(args);
      return;
    }
    case StatusCode::kIOError: {
      const int e = ErrnoOf(msg);
      if (e == 0) {
        PyErr_SetString(PyExc_OSError, msg.c_str());
      } else {
        // OSError(errno, msg) instantiates the matching subclass.
        PyObject* args = Py_BuildValue("(is)", e, msg.c_str());
        PyErr_SetObject(PyExc_OSError, args);
        Py_XDECREF(args);
      }
      return;
    }
    case StatusCode::kOk:
    case StatusCode::kInvalidArgument:
    case StatusCode::kCorruption:
    case StatusCode::kNotSupported:
    case StatusCode::kInternal:
      break;
  }
  PyErr_SetString(PyExc_ValueError, msg.c_str());
}

void RegisterErrors(py::module_& m) {
  // A KeyError whose str() is its message.
  py::dict ns;
  ns["__builtins__"] = py::module_::import("builtins");
  py::exec(R"(
class KeyError(KeyError):
    """KeyError whose str() is the message (the builtin shows its repr)."""
    def __str__(self):
        return str(self.args[0]) if len(self.args) == 1 else super().__str__()
)",
           ns, ns);
  py::object cls = ns["KeyError"];
  cls.attr("__module__") = "oups";
  cls.attr("__qualname__") = "KeyError";
  m.attr("KeyError") = cls;
  g_key_error = cls.ptr();
  Py_INCREF(g_key_error);  // lives as long as the process

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      SetPythonError(e.status());
    } catch (const py::cast_error& e) {
      // An argument the binding could not convert (pybind11 would raise RuntimeError).
      PyErr_SetString(PyExc_TypeError, e.what());
    }
  });
}

}  // namespace oups::python
