// Tests of MutableBuffer's failure classes: sizes beyond the hard limit are
// OutOfRange, and an allocation the system refuses is OutOfMemory (not an I/O
// error).
#include <gtest/gtest.h>

#include "oups/common/buffer.h"

namespace oups {
namespace {

TEST(MutableBuffer, SizesBeyondTheLimitAreOutOfRange) {
  auto r = MutableBuffer::Make(int64_t{1} << 41);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfRange) << r.status().ToString();
}

TEST(MutableBuffer, RefusedAllocationIsOutOfMemory) {
  // 1 TiB minus a little: more than this machine's memory and swap, so the
  // kernel refuses the mapping unless it overcommits without limit.
  auto r = MutableBuffer::Make((int64_t{1} << 40) - (int64_t{1} << 30));
  if (r.ok()) GTEST_SKIP() << "the kernel granted a 1 TiB mapping (overcommit)";
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfMemory) << r.status().ToString();
  EXPECT_EQ(r.status().ToString().rfind("Out of memory: ", 0), 0u) << r.status().ToString();
  MutableBuffer small;
  Status st = small.Reserve((int64_t{1} << 40) - (int64_t{1} << 30));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kOutOfMemory) << st.ToString();
}

// The cache of freed large mappings keeps them for reuse up to its limit;
// lowering the limit unmaps what it holds beyond it, and a limit of 0 keeps
// none (what a streaming program sets to bound its memory).
TEST(MappingCache, LimitBoundsTheMappingsKept) {
  const int64_t previous = SetMappingCacheLimit(int64_t{64} << 20);
  {
    auto big = MutableBuffer::Make(int64_t{6} << 20);
    ASSERT_TRUE(big.ok());
  }
  EXPECT_GE(MappingCacheBytes(), int64_t{6} << 20);
  EXPECT_EQ(SetMappingCacheLimit(0), int64_t{64} << 20);
  EXPECT_EQ(MappingCacheBytes(), 0);
  {
    auto big = MutableBuffer::Make(int64_t{6} << 20);
    ASSERT_TRUE(big.ok());
  }
  EXPECT_EQ(MappingCacheBytes(), 0);
  SetMappingCacheLimit(previous);
}

}  // namespace
}  // namespace oups
