// Buffer: a contiguous, immutable-once-shared span of bytes with shared ownership.
//
// Buffers back table columns and file reads. A Buffer either owns a 64-byte
// aligned allocation or is a view (slice) that keeps its parent alive.
// MutableBuffer is the growable builder used while a Buffer is being filled.
//
// Thread-safety: concurrent reads of a Buffer are safe; a MutableBuffer must not
// be shared while being written. Ownership: always held by std::shared_ptr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "oups/result.h"

namespace oups {

class Buffer {
 public:
  virtual ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  const uint8_t* data() const { return data_; }
  int64_t size() const { return size_; }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(data_), static_cast<size_t>(size_)};
  }
  template <typename T>
  const T* data_as() const {
    return reinterpret_cast<const T*>(data_);
  }

  // A zero-copy view of [offset, offset + length) that keeps `parent` alive.
  static std::shared_ptr<Buffer> Slice(std::shared_ptr<Buffer> parent, int64_t offset,
                                       int64_t length);
  // A buffer that copies `bytes`.
  static std::shared_ptr<Buffer> CopyOf(std::string_view bytes);
  // A view over memory owned elsewhere, kept alive by `owner` (may be null for
  // static memory).
  static std::shared_ptr<Buffer> Wrap(const uint8_t* data, int64_t size,
                                      std::shared_ptr<const void> owner);

 protected:
  Buffer() = default;
  const uint8_t* data_ = nullptr;
  int64_t size_ = 0;
};

// A growable, 64-byte aligned byte buffer. Memory past size() is zero when first
// allocated (growth zero-fills the new region), and at least 64 zeroed bytes
// follow capacity(), so bit-level readers may over-read up to 8 bytes past the
// end safely. Large buffers (>= 1 MiB) are anonymous mappings backed by
// transparent huge pages where available, grown with mremap (no copy); freed
// ones are kept in a bounded process-wide cache (1 GiB) and reused, so that
// materialising large tables does not pay page faults again and again.
class MutableBuffer : public Buffer {
 public:
  MutableBuffer() = default;
  ~MutableBuffer() override;

  // Allocates a buffer of `size` bytes: zeroed when `zero` is true, otherwise
  // of unspecified contents (large buffers may reuse recently freed memory).
  static Result<std::shared_ptr<MutableBuffer>> Make(int64_t size, bool zero = false);
  // A buffer of `size` bytes backed by a recently freed mapping this process
  // still holds (no new memory), zeroed when `zero`; nullptr when none fits or
  // `size` is below the mapping threshold.
  static std::shared_ptr<MutableBuffer> TakeRecycled(int64_t size, bool zero = false);

  uint8_t* mutable_data() { return const_cast<uint8_t*>(data_); }
  template <typename T>
  T* mutable_data_as() {
    return reinterpret_cast<T*>(mutable_data());
  }
  int64_t capacity() const { return capacity_; }

  Status Reserve(int64_t capacity);
  Status Resize(int64_t size, bool zero_new = false);
  Status Append(const void* bytes, int64_t n) {
    if (size_ + n > capacity_) OUPS_RETURN_NOT_OK(Reserve(Grow(size_ + n)));
    if (n > 0) std::memcpy(mutable_data() + size_, bytes, static_cast<size_t>(n));
    size_ += n;
    return Status::OK();
  }
  // Appends without capacity check; caller reserved.
  void UnsafeAppend(const void* bytes, int64_t n) {
    // n == 0 may come with null pointers (empty buffers): memcpy must not see them.
    if (n > 0) std::memcpy(mutable_data() + size_, bytes, static_cast<size_t>(n));
    size_ += n;
  }
  void Clear() {
    dirty_ = dirty_ > size_ ? dirty_ : size_;
    size_ = 0;
  }

 private:
  static int64_t Grow(int64_t need) {
    int64_t c = 64;
    while (c < need) c += c / 2 + 64;
    return c;
  }
  int64_t capacity_ = 0;
  int64_t mapped_ = 0;  // bytes of an anonymous mapping (large buffers), else 0
  int64_t dirty_ = 0;   // high-water mark of size(): bytes past it are still zero
};

// The process-wide cache of freed large mappings (see MutableBuffer): sets
// the bytes it may hold (default 1 GiB; 0 keeps none), unmapping what it holds
// beyond the new limit, and returns the previous limit. A program that
// streams through data much larger than the memory it wants to hold (e.g.
// `oups write` of a large input) lowers it. Thread-safe.
int64_t SetMappingCacheLimit(int64_t bytes);
// The bytes of the mappings the cache holds now.
int64_t MappingCacheBytes();

}  // namespace oups
