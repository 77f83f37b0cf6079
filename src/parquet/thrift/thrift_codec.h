// The one bridge between oups and the Thrift library: (de)serialization of the
// generated Parquet metadata structs (parquet.thrift, namespace
// oups::parquet::format) with the compact protocol.
//
// PRIVATE header: include it only from .cc files of src/parquet/ (metadata,
// page reader/writer). It pulls in <thrift/...>, which must never reach a
// public header (tests/parquet/public_api_test.cc checks this).
//
// Hostile input: the decoder works on the caller's bytes without copying them,
// caps every string and container length by the number of input bytes (so a
// header claiming a 2 GiB string or a 10^9-element list fails before any
// allocation), limits nesting depth, and turns every exception into
// Status::Corruption. It does NOT validate enum values: Thrift's C++ code
// casts any decoded i32 into the enum type. Consumers must range-check every
// enum-typed field they use with IsValidEnum() below (or a switch with a
// default that returns Corruption). Required-field presence is checked by the
// generated code (missing required field -> Corruption).
//
// Thread-safety: the free functions are reentrant; they share no state.
// Ownership: decoded structs own copies of their strings; input bytes are only
// borrowed for the duration of the call.
#pragma once

#include <cstdint>
#include <string>

#include "oups/common/buffer.h"
#include "oups/result.h"
#include "oups/status.h"
#include "parquet/thrift/generated/parquet_types.h"

namespace oups::parquet {

namespace thrift_internal {
// Non-template workers (defined in thrift_codec.cc) over the generated base.
Status Deserialize(const uint8_t* data, uint32_t* len, ::apache::thrift::TBase* out);
Status Serialize(const ::apache::thrift::TBase& obj, std::string* out);
Status Serialize(const ::apache::thrift::TBase& obj, MutableBuffer* out);
}  // namespace thrift_internal

// Decodes one compact-protocol T from data[0, *len). On success *out holds the
// struct and *len is set to the number of bytes consumed (a page header is
// followed by the page, so *len locates the page body). On failure returns
// Corruption("thrift: ...") and *out is unspecified (partially filled).
// T is any generated struct: format::FileMetaData, format::PageHeader,
// format::ColumnIndex, format::OffsetIndex, ...
template <typename T>
Status DeserializeThrift(const uint8_t* data, uint32_t* len, T* out) {
  return thrift_internal::Deserialize(data, len, out);
}

// Encodes `obj` with the compact protocol.
template <typename T>
Result<std::string> SerializeThrift(const T& obj) {
  std::string s;
  OUPS_RETURN_NOT_OK(thrift_internal::Serialize(obj, &s));
  return s;
}

// Appends the compact-protocol encoding of `obj` to `out`; returns the number
// of bytes appended.
template <typename T>
Result<int64_t> SerializeThrift(const T& obj, MutableBuffer* out) {
  const int64_t before = out->size();
  OUPS_RETURN_NOT_OK(thrift_internal::Serialize(obj, out));
  return out->size() - before;
}

// Range checks for the enum-typed fields of decoded structs (see above).
bool IsValidEnum(format::Type::type v);
bool IsValidEnum(format::ConvertedType::type v);
bool IsValidEnum(format::FieldRepetitionType::type v);
bool IsValidEnum(format::Encoding::type v);
bool IsValidEnum(format::CompressionCodec::type v);
bool IsValidEnum(format::PageType::type v);
bool IsValidEnum(format::BoundaryOrder::type v);
bool IsValidEnum(format::EdgeInterpolationAlgorithm::type v);

}  // namespace oups::parquet
