// Status -> Python exception mapping of the binding (docs/behaviour.md#errors).
//
// Every fallible core call in the binding goes through ThrowIfError /
// ValueOrThrow, which throw StatusError; one translator registered by
// RegisterErrors() turns it into the Python exception of
// docs/behaviour.md#errors, keeping the core's message. No core error surfaces
// as a bare RuntimeError:
//   kInvalidArgument, kCorruption, kNotSupported, kInternal -> ValueError
//   kNotFound   -> KeyError (unknown columns, missing ordered or duplicates_on
//                  columns, missing store keys) or FileNotFoundError (files)
//   kTypeError  -> TypeError          kTimeout    -> TimeoutError
//   kOutOfRange -> IndexError         kAlreadyExists -> FileExistsError
//   kIOError    -> OSError(errno, message), so the OS subclass (PermissionError,
//                  ...) is raised when the errno text is recognised.
// Argument conversion failures (pybind11::cast_error) become TypeError.
// KeyError is raised as oups._oups.KeyError, a KeyError subclass whose str() is the
// message itself (plain KeyError shows the repr of its argument).
#pragma once

#include <pybind11/pybind11.h>

#include <utility>

#include "oups/result.h"
#include "oups/status.h"

namespace oups::python {

class StatusError {
 public:
  explicit StatusError(Status status) : status_(std::move(status)) {}
  const Status& status() const { return status_; }

 private:
  Status status_;
};

inline void ThrowIfError(const Status& st) {
  if (!st.ok()) throw StatusError(st);
}

template <typename T>
T ValueOrThrow(Result<T>&& r) {
  if (!r.ok()) throw StatusError(std::move(r).status());
  return std::move(r).MoveValueUnsafe();
}

// Sets the Python error for `st` (not OK).
void SetPythonError(const Status& st);

void RegisterErrors(pybind11::module_& m);

}  // namespace oups::python
