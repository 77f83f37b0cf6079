#include "oups/common/buffer.h"

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

MutableBuffer::~MutableBuffer() { std::free(const_cast<uint8_t*>(data_)); }

Result<std::shared_ptr<MutableBuffer>> MutableBuffer::Make(int64_t size, bool zero) {
  auto buf = std::make_shared<MutableBuffer>();
  OUPS_RETURN_NOT_OK(buf->Resize(size, zero));
  return buf;
}

Status MutableBuffer::Reserve(int64_t capacity) {
  if (capacity <= capacity_) return Status::OK();
  if (capacity < 0 || capacity > (int64_t{1} << 40)) {
    return Status::OutOfRange("buffer allocation of " + std::to_string(capacity) +
                              " bytes refused");
  }
  int64_t alloc = ((capacity + kPadding + kAlignment - 1) / kAlignment) * kAlignment;
  void* p = std::aligned_alloc(static_cast<size_t>(kAlignment), static_cast<size_t>(alloc));
  if (p == nullptr) {
    return Status::IOError("out of memory allocating " + std::to_string(alloc) + " bytes");
  }
  auto* np = static_cast<uint8_t*>(p);
  if (size_ > 0) std::memcpy(np, data_, static_cast<size_t>(size_));
  std::memset(np + size_, 0, static_cast<size_t>(alloc - size_));
  std::free(const_cast<uint8_t*>(data_));
  data_ = np;
  capacity_ = alloc - kPadding;
  return Status::OK();
}

Status MutableBuffer::Resize(int64_t size, bool zero_new) {
  if (size > capacity_) OUPS_RETURN_NOT_OK(Reserve(size));
  if (zero_new && size > size_) {
    std::memset(mutable_data() + size_, 0, static_cast<size_t>(size - size_));
  }
  size_ = size;
  return Status::OK();
}

}  // namespace oups
