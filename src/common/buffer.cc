#include "oups/common/buffer.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <string>

namespace oups {

Buffer::~Buffer() = default;

namespace {

class SliceBuffer final : public Buffer {
 public:
  SliceBuffer(const uint8_t* data, int64_t size, std::shared_ptr<const void> owner)
      : owner_(std::move(owner)) {
    data_ = data;
    size_ = size;
  }

 private:
  std::shared_ptr<const void> owner_;
};

constexpr int64_t kAlignment = 64;
constexpr int64_t kPadding = 64;  // zeroed bytes past capacity for safe over-reads

}  // namespace

std::shared_ptr<Buffer> Buffer::Slice(std::shared_ptr<Buffer> parent, int64_t offset,
                                      int64_t length) {
  const uint8_t* p = parent->data() + offset;
  return std::make_shared<SliceBuffer>(p, length, std::move(parent));
}

std::shared_ptr<Buffer> Buffer::CopyOf(std::string_view bytes) {
  auto r = MutableBuffer::Make(static_cast<int64_t>(bytes.size()));
  if (!r.ok()) throw std::bad_alloc();
  auto buf = std::move(r).MoveValueUnsafe();
  if (!bytes.empty()) std::memcpy(buf->mutable_data(), bytes.data(), bytes.size());
  return buf;
}

std::shared_ptr<Buffer> Buffer::Wrap(const uint8_t* data, int64_t size,
                                     std::shared_ptr<const void> owner) {
  return std::make_shared<SliceBuffer>(data, size, std::move(owner));
}

namespace {
constexpr int64_t kMapThreshold = int64_t{1} << 20;
constexpr int64_t kHugePage = int64_t{2} << 20;

int64_t RoundUp(int64_t n, int64_t to) { return (n + to - 1) / to * to; }

void* MapAnonymous(int64_t bytes) {
  void* p = mmap(nullptr, static_cast<size_t>(bytes), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
#ifdef MADV_HUGEPAGE
  madvise(p, static_cast<size_t>(bytes), MADV_HUGEPAGE);
#endif
  return p;
}
}  // namespace

MutableBuffer::~MutableBuffer() {
  if (mapped_ > 0) {
    munmap(const_cast<uint8_t*>(data_), static_cast<size_t>(mapped_));
  } else {
    std::free(const_cast<uint8_t*>(data_));
  }
}

Result<std::shared_ptr<MutableBuffer>> MutableBuffer::Make(int64_t size, bool zero) {
  auto buf = std::make_shared<MutableBuffer>();
  // Fresh memory is always zero-filled (see Reserve): `zero` needs no memset.
  (void)zero;
  OUPS_RETURN_NOT_OK(buf->Reserve(size));
  buf->size_ = size;
  return buf;
}

Status MutableBuffer::Reserve(int64_t capacity) {
  if (capacity <= capacity_) return Status::OK();
  if (capacity < 0 || capacity > (int64_t{1} << 40)) {
    return Status::OutOfRange("buffer allocation of " + std::to_string(capacity) +
                              " bytes refused");
  }
  if (capacity + kPadding >= kMapThreshold) {
    // Anonymous mappings are zero-filled by the kernel: no memset needed.
    const int64_t bytes = RoundUp(capacity + kPadding, kHugePage);
    void* p;
    if (mapped_ > 0) {
      p = mremap(const_cast<uint8_t*>(data_), static_cast<size_t>(mapped_),
                 static_cast<size_t>(bytes), MREMAP_MAYMOVE);
      if (p == MAP_FAILED) p = nullptr;
#ifdef MADV_HUGEPAGE
      if (p != nullptr) madvise(p, static_cast<size_t>(bytes), MADV_HUGEPAGE);
#endif
    } else {
      p = MapAnonymous(bytes);
      if (p != nullptr && size_ > 0) std::memcpy(p, data_, static_cast<size_t>(size_));
      if (p != nullptr) std::free(const_cast<uint8_t*>(data_));
    }
    if (p == nullptr) {
      return Status::IOError("out of memory mapping " + std::to_string(bytes) + " bytes");
    }
    // Bytes past size() may hold stale data after earlier Resize(shrink): zero
    // what lies between size() and the old capacity end.
    auto* np = static_cast<uint8_t*>(p);
    const int64_t dirty = std::max(dirty_, size_);
    if (mapped_ > 0 && dirty > size_) {
      std::memset(np + size_, 0, static_cast<size_t>(dirty - size_));
    }
    dirty_ = size_;
    data_ = np;
    mapped_ = bytes;
    capacity_ = bytes - kPadding;
    return Status::OK();
  }
  int64_t alloc = ((capacity + kPadding + kAlignment - 1) / kAlignment) * kAlignment;
  void* p = std::aligned_alloc(static_cast<size_t>(kAlignment), static_cast<size_t>(alloc));
  if (p == nullptr) {
    return Status::IOError("out of memory allocating " + std::to_string(alloc) + " bytes");
  }
  auto* np = static_cast<uint8_t*>(p);
  if (size_ > 0) std::memcpy(np, data_, static_cast<size_t>(size_));
  std::memset(np + size_, 0, static_cast<size_t>(alloc - size_));
  dirty_ = size_;
  std::free(const_cast<uint8_t*>(data_));
  data_ = np;
  capacity_ = alloc - kPadding;
  return Status::OK();
}

Status MutableBuffer::Resize(int64_t size, bool zero_new) {
  dirty_ = std::max(dirty_, size_);
  if (size > capacity_) OUPS_RETURN_NOT_OK(Reserve(size));
  if (zero_new && size > size_) {
    std::memset(mutable_data() + size_, 0, static_cast<size_t>(size - size_));
  }
  size_ = size;
  return Status::OK();
}

}  // namespace oups
