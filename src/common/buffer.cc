#include "oups/common/buffer.h"

#include <sys/mman.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

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

// A process-wide cache of freed large mappings. Faulting fresh pages in (and
// the kernel zeroing them) dominates the cost of materialising large tables;
// reusing mappings that were just freed avoids it. Bounded; thread-safe.
class MappingCache {
 public:
  static MappingCache& Instance() {
    static MappingCache* cache = new MappingCache();  // never destroyed: used at exit
    return *cache;
  }
  // A mapping of at least `bytes` (and at most 1.25x), or nullptr.
  void* Take(int64_t bytes, int64_t* got) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = free_.lower_bound(bytes);
    if (it == free_.end() || it->first > bytes + bytes / 4) return nullptr;
    void* p = it->second;
    *got = it->first;
    total_ -= it->first;
    free_.erase(it);
    return p;
  }
  // Keeps the mapping for reuse, or unmaps it when the cache is full.
  void Give(void* p, int64_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (total_ + bytes <= limit_) {
        free_.emplace(bytes, p);
        total_ += bytes;
        return;
      }
    }
    munmap(p, static_cast<size_t>(bytes));
  }
  // Sets the limit; unmaps the largest mappings kept until they fit it.
  int64_t SetLimit(int64_t bytes) {
    std::vector<std::pair<void*, int64_t>> drop;
    int64_t previous;
    {
      std::lock_guard<std::mutex> lock(mu_);
      previous = limit_;
      limit_ = std::max<int64_t>(bytes, 0);
      while (total_ > limit_ && !free_.empty()) {
        auto last = std::prev(free_.end());
        drop.emplace_back(last->second, last->first);
        total_ -= last->first;
        free_.erase(last);
      }
    }
    for (const auto& [p, n] : drop) munmap(p, static_cast<size_t>(n));
    return previous;
  }
  int64_t held() {
    std::lock_guard<std::mutex> lock(mu_);
    return total_;
  }

 private:
  int64_t limit_ = int64_t{1} << 30;
  std::mutex mu_;
  std::multimap<int64_t, void*> free_;
  int64_t total_ = 0;
};

// A mapping of `bytes` (rounded up to huge pages). `*zeroed` tells whether its
// contents are known to be zero (fresh from the kernel, or cleared on request).
void* AllocateMapping(int64_t bytes, bool want_zero, int64_t* got, bool* zeroed) {
  void* p = MappingCache::Instance().Take(bytes, got);
  if (p != nullptr) {
    if (want_zero) std::memset(p, 0, static_cast<size_t>(*got));
    *zeroed = want_zero;
    return p;
  }
  *got = bytes;
  *zeroed = true;
  return MapAnonymous(bytes);
}
}  // namespace

MutableBuffer::~MutableBuffer() {
  if (mapped_ > 0) {
    MappingCache::Instance().Give(const_cast<uint8_t*>(data_), mapped_);
  } else {
    std::free(const_cast<uint8_t*>(data_));
  }
}

Result<std::shared_ptr<MutableBuffer>> MutableBuffer::Make(int64_t size, bool zero) {
  auto buf = std::make_shared<MutableBuffer>();
  if (size < 0 || size > (int64_t{1} << 40)) {
    return Status::OutOfRange("buffer allocation of " + std::to_string(size) + " bytes refused");
  }
  if (size + kPadding >= kMapThreshold) {
    // Large: possibly a recycled mapping, cleared only when asked to.
    int64_t got = 0;
    bool zeroed = false;
    void* p = AllocateMapping(RoundUp(size + kPadding, kHugePage), zero, &got, &zeroed);
    if (p == nullptr) {
      return Status::OutOfMemory("out of memory mapping " + std::to_string(size) + " bytes");
    }
    buf->data_ = static_cast<uint8_t*>(p);
    buf->mapped_ = got;
    buf->capacity_ = got - kPadding;
    if (!zeroed) std::memset(buf->mutable_data() + buf->capacity_, 0, size_t(kPadding));
    buf->size_ = size;
    // Unknown contents past size() count as dirty (zeroed by later growth).
    buf->dirty_ = zeroed ? size : got - kPadding;
    return buf;
  }
  // Small: fresh zero-filled memory (see Reserve).
  OUPS_RETURN_NOT_OK(buf->Reserve(size));
  buf->size_ = size;
  return buf;
}

std::shared_ptr<MutableBuffer> MutableBuffer::TakeRecycled(int64_t size, bool zero) {
  if (size < 0 || size + kPadding < kMapThreshold) return nullptr;
  int64_t got = 0;
  void* p = MappingCache::Instance().Take(RoundUp(size + kPadding, kHugePage), &got);
  if (p == nullptr) return nullptr;
  auto buf = std::make_shared<MutableBuffer>();
  buf->data_ = static_cast<uint8_t*>(p);
  buf->mapped_ = got;
  buf->capacity_ = got - kPadding;
  if (zero) {
    std::memset(p, 0, static_cast<size_t>(got));
  } else {
    std::memset(buf->mutable_data() + buf->capacity_, 0, size_t(kPadding));
  }
  buf->size_ = size;
  buf->dirty_ = zero ? size : got - kPadding;
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
    int64_t bytes_got = bytes;
    void* p;
    if (mapped_ > 0) {
      p = mremap(const_cast<uint8_t*>(data_), static_cast<size_t>(mapped_),
                 static_cast<size_t>(bytes), MREMAP_MAYMOVE);
      if (p == MAP_FAILED) p = nullptr;
#ifdef MADV_HUGEPAGE
      if (p != nullptr) madvise(p, static_cast<size_t>(bytes), MADV_HUGEPAGE);
#endif
    } else {
      int64_t got = 0;
      bool zeroed = false;
      p = AllocateMapping(bytes, /*want_zero=*/true, &got, &zeroed);
      if (p != nullptr && size_ > 0) std::memcpy(p, data_, static_cast<size_t>(size_));
      if (p != nullptr) std::free(const_cast<uint8_t*>(data_));
      bytes_got = got;
    }
    if (p == nullptr) {
      return Status::OutOfMemory("out of memory mapping " + std::to_string(bytes) + " bytes");
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
    mapped_ = bytes_got;
    capacity_ = bytes_got - kPadding;
    return Status::OK();
  }
  int64_t alloc = ((capacity + kPadding + kAlignment - 1) / kAlignment) * kAlignment;
  void* p = std::aligned_alloc(static_cast<size_t>(kAlignment), static_cast<size_t>(alloc));
  if (p == nullptr) {
    return Status::OutOfMemory("out of memory allocating " + std::to_string(alloc) + " bytes");
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

int64_t SetMappingCacheLimit(int64_t bytes) {
  return MappingCache::Instance().SetLimit(bytes);
}

int64_t MappingCacheBytes() { return MappingCache::Instance().held(); }

}  // namespace oups
