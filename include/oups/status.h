// Status: the outcome of an operation that can fail, as a value.
//
// Every fallible function of the oups core returns a Status or a Result<T>
// (result.h); no exception crosses a module boundary. A Status is either OK or
// carries a code and a human-readable message that names the file, column or
// row concerned. The Python layer maps codes to exception classes and the CLI
// maps them to exit codes.
//
// Thread-safety: a Status is an immutable value; distinct objects may be used
// from different threads freely. Ownership: plain value type, cheap to copy
// when OK (no allocation).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace oups {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,  // bad option, bad key, wrong type from the caller
  kNotFound = 2,         // missing file, dataset or column
  kCorruption = 3,       // stored bytes are not what the format says
  kIOError = 4,          // the OS refused (ENOSPC, EIO, permission...)
  kNotSupported = 5,     // valid input outside what oups implements (nested)
  kTypeError = 6,        // a value or column of an unexpected type
  kAlreadyExists = 7,
  kTimeout = 8,          // a lock could not be taken in time
  kOutOfRange = 9,       // index or value beyond the allowed range
  kInternal = 10,        // a bug in oups
  kOutOfMemory = 11,     // the system refused an allocation (malloc, mmap)
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() noexcept = default;
  Status(StatusCode code, std::string message);

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(StatusCode::kInvalidArgument, std::move(msg));
  }
  static Status NotFound(std::string msg) {
    return Status(StatusCode::kNotFound, std::move(msg));
  }
  static Status Corruption(std::string msg) {
    return Status(StatusCode::kCorruption, std::move(msg));
  }
  static Status IOError(std::string msg) {
    return Status(StatusCode::kIOError, std::move(msg));
  }
  static Status NotSupported(std::string msg) {
    return Status(StatusCode::kNotSupported, std::move(msg));
  }
  static Status TypeError(std::string msg) {
    return Status(StatusCode::kTypeError, std::move(msg));
  }
  static Status AlreadyExists(std::string msg) {
    return Status(StatusCode::kAlreadyExists, std::move(msg));
  }
  static Status Timeout(std::string msg) {
    return Status(StatusCode::kTimeout, std::move(msg));
  }
  static Status OutOfRange(std::string msg) {
    return Status(StatusCode::kOutOfRange, std::move(msg));
  }
  static Status Internal(std::string msg) {
    return Status(StatusCode::kInternal, std::move(msg));
  }
  static Status OutOfMemory(std::string msg) {
    return Status(StatusCode::kOutOfMemory, std::move(msg));
  }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // The message without the code name; empty when OK.
  const std::string& message() const;
  // "<CodeName>: <message>", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>" (no-op when OK).
  Status WithContext(std::string_view context) const;

  bool IsInvalidArgument() const { return code() == StatusCode::kInvalidArgument; }
  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsCorruption() const { return code() == StatusCode::kCorruption; }
  bool IsIOError() const { return code() == StatusCode::kIOError; }
  bool IsNotSupported() const { return code() == StatusCode::kNotSupported; }
  bool IsTypeError() const { return code() == StatusCode::kTypeError; }
  bool IsOutOfMemory() const { return code() == StatusCode::kOutOfMemory; }

  // Explicitly discard a Status (for best-effort clean-up paths).
  void IgnoreError() const {}

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const State> state_;
};

inline bool operator==(const Status& a, const Status& b) {
  return a.code() == b.code() && a.message() == b.message();
}

}  // namespace oups

#define OUPS_CONCAT_IMPL(a, b) a##b
#define OUPS_CONCAT(a, b) OUPS_CONCAT_IMPL(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define OUPS_RETURN_NOT_OK(expr)                      \
  do {                                                \
    ::oups::Status _oups_st = (expr);                 \
    if (!_oups_st.ok()) return _oups_st;              \
  } while (false)
