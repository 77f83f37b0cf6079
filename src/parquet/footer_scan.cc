#include "parquet/footer_scan.h"

#include <string>

namespace oups::parquet {
namespace {

// Compact protocol type ids.
enum : int {
  kStop = 0,
  kTrue = 1,
  kFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
  kUuid = 13,
};

constexpr int kMaxDepth = 64;

class Walker {
 public:
  Walker(const uint8_t* p, int64_t n) : p_(p), end_(p + n), begin_(p) {}

  Result<FooterCounts> FileMetaData() {
    FooterCounts counts;
    int16_t id = 0;
    for (;;) {
      int type;
      OUPS_RETURN_NOT_OK(FieldHeader(&id, &type));
      if (type == kStop) break;
      if (id == 4 && type == kList) {
        int elem;
        int64_t n;
        OUPS_RETURN_NOT_OK(ListHeader(&elem, &n));
        if (elem != kStruct) return Fail("row_groups is not a list of structs");
        for (int64_t i = 0; i < n; ++i) OUPS_RETURN_NOT_OK(RowGroup(i, &counts));
        counts.row_groups += n;
      } else {
        OUPS_RETURN_NOT_OK(Skip(type, 1));
      }
    }
    return counts;
  }

 private:
  Status RowGroup(int64_t index, FooterCounts* counts) {
    int16_t id = 0;
    bool has_columns = false, has_rows = false, has_bytes = false;
    int64_t columns = 0, rows = 0;
    for (;;) {
      int type;
      OUPS_RETURN_NOT_OK(FieldHeader(&id, &type));
      if (type == kStop) break;
      if (id == 1 && type == kList) {
        int elem;
        OUPS_RETURN_NOT_OK(ListHeader(&elem, &columns));
        for (int64_t i = 0; i < columns; ++i) OUPS_RETURN_NOT_OK(SkipElement(elem, 3));
        has_columns = true;
      } else if (id == 3 && type == kI64) {
        uint64_t v = 0;
        OUPS_RETURN_NOT_OK(Varint(&v));
        rows = static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
        has_rows = true;
      } else {
        if (id == 2 && type == kI64) has_bytes = true;
        OUPS_RETURN_NOT_OK(Skip(type, 2));
      }
    }
    if (!has_columns || !has_rows || !has_bytes) {
      return Fail("row group " + std::to_string(index) + " lacks a required field");
    }
    if (rows > 0) counts->chunks_with_rows += columns;
    return Status::OK();
  }

  Status Fail(const std::string& what) const {
    return Status::Corruption("footer: " + what + " (at byte " + std::to_string(p_ - begin_) +
                              ")");
  }

  Status Need(int64_t n) const {
    if (n < 0 || n > end_ - p_) return Fail("truncated: a value runs past the footer end");
    return Status::OK();
  }

  Status Varint(uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      OUPS_RETURN_NOT_OK(Need(1));
      const uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        *out = v;
        return Status::OK();
      }
    }
    return Fail("varint longer than 10 bytes");
  }

  Status FieldHeader(int16_t* id, int* type) {
    OUPS_RETURN_NOT_OK(Need(1));
    const uint8_t b = *p_++;
    *type = b & 0x0f;
    if (*type == kStop) return Status::OK();
    const int delta = b >> 4;
    if (delta != 0) {
      *id = static_cast<int16_t>(*id + delta);
    } else {
      uint64_t v = 0;
      OUPS_RETURN_NOT_OK(Varint(&v));
      *id = static_cast<int16_t>((v >> 1) ^ (~(v & 1) + 1));
    }
    return Status::OK();
  }

  // A list or set header; every element takes at least one byte, so a count
  // beyond the bytes left is refused before anything is read.
  Status ListHeader(int* elem, int64_t* n) {
    OUPS_RETURN_NOT_OK(Need(1));
    const uint8_t b = *p_++;
    *elem = b & 0x0f;
    uint64_t count = b >> 4;
    if (count == 15) OUPS_RETURN_NOT_OK(Varint(&count));
    if (count > static_cast<uint64_t>(end_ - p_)) {
      return Fail("a list declares " + std::to_string(count) + " elements in " +
                  std::to_string(end_ - p_) + " remaining bytes");
    }
    *n = static_cast<int64_t>(count);
    return Status::OK();
  }

  Status Skip(int type, int depth) {
    if (depth > kMaxDepth) return Fail("nesting deeper than 64");
    switch (type) {
      case kTrue:
      case kFalse:
        return Status::OK();  // in a field, the type carries the value
      case kByte:
        OUPS_RETURN_NOT_OK(Need(1));
        ++p_;
        return Status::OK();
      case kI16:
      case kI32:
      case kI64: {
        uint64_t v = 0;
        return Varint(&v);
      }
      case kDouble:
        OUPS_RETURN_NOT_OK(Need(8));
        p_ += 8;
        return Status::OK();
      case kUuid:
        OUPS_RETURN_NOT_OK(Need(16));
        p_ += 16;
        return Status::OK();
      case kBinary: {
        uint64_t len = 0;
        OUPS_RETURN_NOT_OK(Varint(&len));
        if (len > static_cast<uint64_t>(end_ - p_)) {
          return Fail("a string of " + std::to_string(len) + " bytes runs past the footer end");
        }
        p_ += len;
        return Status::OK();
      }
      case kList:
      case kSet: {
        int elem;
        int64_t n;
        OUPS_RETURN_NOT_OK(ListHeader(&elem, &n));
        for (int64_t i = 0; i < n; ++i) OUPS_RETURN_NOT_OK(SkipElement(elem, depth + 1));
        return Status::OK();
      }
      case kMap: {
        uint64_t n = 0;
        OUPS_RETURN_NOT_OK(Varint(&n));
        if (n == 0) return Status::OK();
        if (n > static_cast<uint64_t>(end_ - p_)) {
          return Fail("a map declares " + std::to_string(n) + " entries in " +
                      std::to_string(end_ - p_) + " remaining bytes");
        }
        OUPS_RETURN_NOT_OK(Need(1));
        const uint8_t kv = *p_++;
        for (uint64_t i = 0; i < n; ++i) {
          OUPS_RETURN_NOT_OK(SkipElement(kv >> 4, depth + 1));
          OUPS_RETURN_NOT_OK(SkipElement(kv & 0x0f, depth + 1));
        }
        return Status::OK();
      }
      case kStruct: {
        int16_t id = 0;
        for (;;) {
          int t;
          OUPS_RETURN_NOT_OK(FieldHeader(&id, &t));
          if (t == kStop) return Status::OK();
          OUPS_RETURN_NOT_OK(Skip(t, depth + 1));
        }
      }
      default:
        return Fail("unknown thrift type " + std::to_string(type));
    }
  }

  // Container elements: booleans take one byte each.
  Status SkipElement(int type, int depth) {
    if (type == kTrue || type == kFalse) {
      OUPS_RETURN_NOT_OK(Need(1));
      ++p_;
      return Status::OK();
    }
    return Skip(type, depth);
  }

  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* begin_;
};

}  // namespace

Result<FooterCounts> ScanFooter(const uint8_t* data, int64_t size) {
  return Walker(data, size).FileMetaData();
}

}  // namespace oups::parquet
