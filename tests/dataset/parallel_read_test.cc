#include "dataset/parallel_read.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "oups/table/builder.h"

namespace oups::dataset {
namespace {

Table OneColumn(int64_t value, int64_t rows) {
  std::vector<int64_t> v(static_cast<size_t>(rows), value);
  Column c = ColumnFromVector(DataType::Int64(), v).ValueOrDie();
  return Table::Make(Schema({Field{"x", DataType::Int64(), false}}), {c}).ValueOrDie();
}

TEST(ThreadsForTest, OneThreadPerBlockOfRowsAtMostTheAllowed) {
  EXPECT_EQ(ThreadsFor(0, 8), 1);
  EXPECT_EQ(ThreadsFor(kRowsPerThread - 1, 8), 1);
  EXPECT_EQ(ThreadsFor(2 * kRowsPerThread, 8), 2);
  EXPECT_EQ(ThreadsFor(100 * kRowsPerThread, 8), 8);
  EXPECT_EQ(ThreadsFor(100 * kRowsPerThread, 1), 1);
  EXPECT_EQ(ThreadsFor(100 * kRowsPerThread, 0), 1);
}

TEST(ReadRowGroupsInParallelTest, TablesInIndexOrderWhateverTheThreads) {
  for (int threads : {1, 2, 3, 8}) {
    for (int64_t n : {0, 1, 2, 5, 17}) {
      std::atomic<int> calls{0};
      std::set<std::thread::id> ids;
      std::mutex mu;
      auto got = ReadRowGroupsInParallel(n, threads, [&](int64_t k, int column_threads) {
        ++calls;
        {
          std::lock_guard<std::mutex> g(mu);
          ids.insert(std::this_thread::get_id());
        }
        // Row groups in parallel (one thread each) when there are at least as
        // many as threads; else each with all the threads over its columns.
        EXPECT_EQ(column_threads, threads > 1 && n >= threads ? 1 : threads);
        return Result<Table>(OneColumn(k, k + 1));
      });
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ASSERT_EQ(static_cast<int64_t>(got->size()), n);
      EXPECT_EQ(calls.load(), n);
      for (int64_t k = 0; k < n; ++k) {
        const Table& t = (*got)[static_cast<size_t>(k)];
        ASSERT_EQ(t.num_rows(), k + 1);
        EXPECT_EQ(t.column(0).data<int64_t>()[0], k);
      }
      if (threads == 1 || n < threads) {
        EXPECT_LE(ids.size(), 1u);
      }
    }
  }
}

TEST(ReadRowGroupsInParallelTest, FirstErrorInIndexOrder) {
  for (int threads : {1, 4}) {
    auto got = ReadRowGroupsInParallel(10, threads, [&](int64_t k, int) -> Result<Table> {
      if (k == 3 || k == 7) return Status::Corruption("rg " + std::to_string(k));
      return OneColumn(k, 1);
    });
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), StatusCode::kCorruption);
    EXPECT_EQ(got.status().message(), "rg 3");
  }
}

}  // namespace
}  // namespace oups::dataset
