// Result<T>: either a value of type T or a non-OK Status.
//
// Returned by every fallible function that produces a value. Accessing the
// value of an errored Result is a programming error and aborts.
//
// Thread-safety: as for T. Ownership: a Result owns its value; ValueOrDie()
// and operator* return references into it, MoveValueUnsafe()/std::move(r)
// transfers it.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <type_traits>
#include <utility>

#include "oups/status.h"

namespace oups {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : value_(value) {}  // NOLINT implicit
  Result(T&& value) : value_(std::move(value)) {}  // NOLINT implicit
  template <typename U,
            typename = std::enable_if_t<std::is_convertible_v<U&&, T> &&
                                        !std::is_same_v<std::decay_t<U>, T> &&
                                        !std::is_same_v<std::decay_t<U>, Status> &&
                                        !std::is_same_v<std::decay_t<U>, Result<T>>>>
  Result(U&& value) : value_(T(std::forward<U>(value))) {}  // NOLINT implicit
  Result(Status status) : status_(std::move(status)) {  // NOLINT implicit
    if (status_.ok()) {
      status_ = Status::Internal("Result constructed from an OK Status without value");
    }
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  const T& ValueOrDie() const& {
    CheckOk();
    return *value_;
  }
  T& ValueOrDie() & {
    CheckOk();
    return *value_;
  }
  T ValueOrDie() && {
    CheckOk();
    return std::move(*value_);
  }
  T MoveValueUnsafe() { return std::move(*value_); }

  const T& operator*() const& { return ValueOrDie(); }
  T& operator*() & { return ValueOrDie(); }
  T operator*() && { return std::move(*this).ValueOrDie(); }
  const T* operator->() const { return &ValueOrDie(); }
  T* operator->() { return &ValueOrDie(); }

  T ValueOr(T alternative) && {
    return ok() ? std::move(*value_) : std::move(alternative);
  }

 private:
  void CheckOk() const {
    if (!status_.ok()) {
      std::fprintf(stderr, "oups: value of an errored Result accessed: %s\n",
                   status_.ToString().c_str());
      std::abort();
    }
  }
  Status status_;
  std::optional<T> value_;
};

}  // namespace oups

#define OUPS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                               \
  if (!tmp.ok()) return std::move(tmp).status();    \
  lhs = std::move(tmp).MoveValueUnsafe();

// `lhs` = value of `rexpr` (a Result), or return its Status from the function.
#define OUPS_ASSIGN_OR_RETURN(lhs, rexpr) \
  OUPS_ASSIGN_OR_RETURN_IMPL(OUPS_CONCAT(_oups_result_, __LINE__), lhs, rexpr)
