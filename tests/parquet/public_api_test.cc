// Habit 3 of docs/style: no third-party header reaches a user through the
// public headers. Includes every installed header under include/oups/ and
// fails to compile if Thrift or a compression library leaked in.
//
// When you add a header under include/oups/, add it here.
#include "oups/common/buffer.h"
#include "oups/io/file_system.h"
#include "oups/io/file_system_wrapper.h"
#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "oups/parquet/metadata.h"
#include "oups/parquet/properties.h"
#include "oups/result.h"
#include "oups/status.h"
#include "oups/table/column.h"
#include "oups/table/types.h"

#include <gtest/gtest.h>

#ifdef _THRIFT_THRIFT_H_
#error "Thrift leaked into a public header"
#endif
#ifdef ZLIB_H
#error "zlib.h leaked into a public header"
#endif
#ifdef ZSTD_H_235446
#error "zstd.h leaked into a public header"
#endif
#if defined(SNAPPY_SNAPPY_H__) || defined(THIRD_PARTY_SNAPPY_SNAPPY_H__)
#error "snappy.h leaked into a public header"
#endif
#ifdef LZ4_H_2983827168210
#error "lz4.h leaked into a public header"
#endif
#if defined(BROTLI_ENC_ENCODE_H_) || defined(BROTLI_DEC_DECODE_H_)
#error "brotli leaked into a public header"
#endif

namespace {

// The #error checks above do the work; this test records in the test report
// that they ran.
TEST(PublicApi, NoThirdPartyHeadersLeak) {
  bool leaked = false;
#if defined(_THRIFT_THRIFT_H_) || defined(ZLIB_H) || defined(ZSTD_H_235446) || \
    defined(SNAPPY_SNAPPY_H__) || defined(THIRD_PARTY_SNAPPY_SNAPPY_H__) ||    \
    defined(LZ4_H_2983827168210)
  leaked = true;
#endif
  EXPECT_FALSE(leaked);
}

}  // namespace
