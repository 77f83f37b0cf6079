// Habit 3 of docs/style: no third-party header reaches a user through the
// public headers. Includes every installed header under include/oups/ and
// fails to compile if Thrift or a compression library leaked in.
//
// When you add a header under include/oups/, add it here.
#include "oups/common/buffer.h"
#include "oups/common/civil_time.h"
#include "oups/common/json.h"
#include "oups/common/time_zone.h"
#include "oups/dataset/describe.h"
#include "oups/dataset/filter.h"
#include "oups/dataset/history.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/dataset/recover.h"
#include "oups/dataset/verify.h"
#include "oups/io/file_system.h"
#include "oups/io/file_system_wrapper.h"
#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "oups/parquet/metadata.h"
#include "oups/parquet/printer.h"
#include "oups/parquet/properties.h"
#include "oups/parquet/statistics.h"
#include "oups/result.h"
#include "oups/status.h"
#include "oups/oups.h"
#include "oups/store/discovery.h"
#include "oups/store/indexer.h"
#include "oups/store/iter_intersections.h"
#include "oups/store/key.h"
#include "oups/store/store.h"
#include "oups/table/builder.h"
#include "oups/table/column.h"
#include "oups/table/format.h"
#include "oups/table/kernels.h"
#include "oups/table/predicate.h"
#include "oups/table/scalar.h"
#include "oups/table/types.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

// Guard: every header under include/oups/ is included above (so that the
// checks cover it), and in the umbrella oups/oups.h.
TEST(PublicApi, EveryHeaderIsCovered) {
  namespace fs = std::filesystem;
  const fs::path include_dir = fs::path(OUPS_SOURCE_DIR) / "include";
  auto slurp = [](const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  const std::string self = slurp(__FILE__);
  const std::string umbrella = slurp(include_dir / "oups" / "oups.h");
  int headers = 0;
  for (const auto& e : fs::recursive_directory_iterator(include_dir)) {
    if (e.path().extension() != ".h") continue;
    const std::string rel = fs::relative(e.path(), include_dir).generic_string();
    ++headers;
    EXPECT_NE(self.find("#include \"" + rel + "\""), std::string::npos)
        << rel << " is not included by public_api_test.cc";
    if (rel != "oups/oups.h") {
      EXPECT_NE(umbrella.find("#include \"" + rel + "\""), std::string::npos)
          << rel << " is missing from oups/oups.h";
    }
  }
  EXPECT_GT(headers, 10);
}

// The generated Thrift types are included by two headers only: the Thrift
// bridge and the metadata internals. Every other file of the engine reaches
// them through those (or not at all).
TEST(PublicApi, ThriftTypesIncludedOnlyByTheBridgeAndMetadataInternals) {
  namespace fs = std::filesystem;
  const fs::path src = fs::path(OUPS_SOURCE_DIR) / "src";
  const std::string include = "#include \"parquet/thrift/generated/parquet_types.h\"";
  std::vector<std::string> includers;
  for (const auto& e : fs::recursive_directory_iterator(src)) {
    const std::string ext = e.path().extension().string();
    if (ext != ".h" && ext != ".cc") continue;
    const std::string rel = fs::relative(e.path(), src).generic_string();
    if (rel.starts_with("parquet/thrift/generated/")) continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str().find(include) != std::string::npos) includers.push_back(rel);
  }
  std::sort(includers.begin(), includers.end());
  EXPECT_EQ(includers, (std::vector<std::string>{"parquet/metadata_internal.h",
                                                 "parquet/thrift/thrift_codec.h"}));
}
