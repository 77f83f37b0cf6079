// Compact-protocol (de)serialization of the generated Parquet structs; the
// only translation unit that talks to the Thrift protocol and transport
// classes. See thrift_codec.h for the hostile-input contract.
#include "parquet/thrift/thrift_codec.h"

#include <algorithm>
#include <climits>
#include <exception>
#include <memory>
#include <string>

#include <thrift/TConfiguration.h>
#include <thrift/Thrift.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

namespace oups::parquet {
namespace thrift_internal {
namespace {

using ::apache::thrift::TConfiguration;
using ::apache::thrift::protocol::TCompactProtocolT;
using ::apache::thrift::transport::TMemoryBuffer;

// Parquet metadata nests a handful of levels (FileMetaData > RowGroup >
// ColumnChunk > ColumnMetaData > Statistics); 64 leaves ample room while
// bounding the recursion a crafted input can force.
constexpr int kRecursionLimit = 64;

}  // namespace

Status Deserialize(const uint8_t* data, uint32_t* len, ::apache::thrift::TBase* out) {
  const uint32_t n = *len;
  // Every string or container element takes at least one input byte, so no
  // honest length can exceed n: cap them there (and stay within int32).
  const int32_t limit = static_cast<int32_t>(std::min<uint32_t>(n, INT32_MAX));
  try {
    auto config = std::make_shared<TConfiguration>(limit, limit, kRecursionLimit);
    // OBSERVE: the transport reads the caller's bytes in place and never
    // writes to them; the const_cast only satisfies the constructor.
    auto transport = std::make_shared<TMemoryBuffer>(const_cast<uint8_t*>(data), n,
                                                     TMemoryBuffer::OBSERVE, config);
    TCompactProtocolT<TMemoryBuffer> protocol(transport, limit, limit);
    out->read(&protocol);
    *len = n - transport->available_read();
    return Status::OK();
  } catch (const ::apache::thrift::TException& e) {
    return Status::Corruption(std::string("thrift: cannot decode metadata: ") + e.what());
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("thrift: cannot decode metadata: ") + e.what());
  } catch (...) {
    return Status::Corruption("thrift: cannot decode metadata: unknown error");
  }
}

namespace {

// Serializes into a growable transport and hands the bytes to `sink`.
template <typename Sink>
Status SerializeTo(const ::apache::thrift::TBase& obj, Sink&& sink) {
  try {
    auto transport = std::make_shared<TMemoryBuffer>();
    TCompactProtocolT<TMemoryBuffer> protocol(transport);
    obj.write(&protocol);
    uint8_t* bytes = nullptr;
    uint32_t size = 0;
    transport->getBuffer(&bytes, &size);
    return sink(bytes, size);
  } catch (const ::apache::thrift::TException& e) {
    return Status::Internal(std::string("thrift: cannot encode metadata: ") + e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("thrift: cannot encode metadata: ") + e.what());
  }
}

}  // namespace

Status Serialize(const ::apache::thrift::TBase& obj, std::string* out) {
  return SerializeTo(obj, [out](const uint8_t* bytes, uint32_t size) {
    out->assign(reinterpret_cast<const char*>(bytes), size);
    return Status::OK();
  });
}

Status Serialize(const ::apache::thrift::TBase& obj, MutableBuffer* out) {
  return SerializeTo(obj, [out](const uint8_t* bytes, uint32_t size) {
    return out->Append(bytes, size);
  });
}

}  // namespace thrift_internal

namespace {
template <typename E>
bool InRange(E v, int lo, int hi) {
  const int i = static_cast<int>(v);
  return i >= lo && i <= hi;
}
}  // namespace

bool IsValidEnum(format::Type::type v) { return InRange(v, 0, 7); }
bool IsValidEnum(format::ConvertedType::type v) { return InRange(v, 0, 21); }
bool IsValidEnum(format::FieldRepetitionType::type v) { return InRange(v, 0, 2); }
// Id 1 (GROUP_VAR_INT) was never used by any writer.
bool IsValidEnum(format::Encoding::type v) { return v == 0 || InRange(v, 2, 9); }
bool IsValidEnum(format::CompressionCodec::type v) { return InRange(v, 0, 7); }
bool IsValidEnum(format::PageType::type v) { return InRange(v, 0, 3); }
bool IsValidEnum(format::BoundaryOrder::type v) { return InRange(v, 0, 2); }
bool IsValidEnum(format::EdgeInterpolationAlgorithm::type v) { return InRange(v, 0, 4); }

}  // namespace oups::parquet
