// WriteOptions::progress (ordered_dataset.h): called after each row group a
// write produces, with rows written so far and the rows the plan merges.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"

namespace oups {
namespace {

Table Ts(const std::vector<int64_t>& ts) {
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()}})
      .ValueOrDie();
}

using Calls = std::vector<std::pair<int64_t, int64_t>>;

TEST(WriteProgress, CalledAfterEachRowGroupWithMergedRows) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, "/ds");
  ASSERT_TRUE(ds.ok());
  Calls calls;
  WriteOptions o;
  o.ordered_on = "ts";
  o.row_group_target_size = 3;
  o.progress = [&](int64_t done, int64_t total) { calls.emplace_back(done, total); };
  ASSERT_TRUE(ds->Write(Ts({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), o).ok());
  EXPECT_EQ(calls, (Calls{{3, 10}, {6, 10}, {9, 10}, {10, 10}}));

  // Two new rows after the last rg: an append (no coalescing asked), only
  // the new rows are merged.
  calls.clear();
  ASSERT_TRUE(ds->Write(Ts({10, 11}), o).ok());
  EXPECT_EQ(calls, (Calls{{2, 2}}));

  // De-duplicated rows: the count ends below the total.
  calls.clear();
  o.duplicates_on = Columns{};
  ASSERT_TRUE(ds->Write(Ts({10, 11}), o).ok());
  // 2 new rows + the rg [10, 11] they fall in; 2 rows remain.
  EXPECT_EQ(calls, (Calls{{2, 4}}));
  EXPECT_EQ(*ds->num_row_groups(), 5);
}

TEST(WriteProgress, CoalescingWithoutNewRowsAndMetadataOnlyWrites) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, "/ds");
  ASSERT_TRUE(ds.ok());
  WriteOptions o;
  o.ordered_on = "ts";
  o.row_group_target_size = 100;
  for (int64_t i = 0; i < 4; ++i) ASSERT_TRUE(ds->Write(Ts({2 * i, 2 * i + 1}), o).ok());
  ASSERT_EQ(*ds->num_row_groups(), 4);
  Calls calls;
  o.progress = [&](int64_t done, int64_t total) { calls.emplace_back(done, total); };
  o.key_value_metadata = {{"k", "v"}};
  ASSERT_TRUE(ds->Write(o).ok());  // nothing merged
  EXPECT_TRUE(calls.empty());
  o.row_group_target_size = 4;
  o.max_n_off_target_rgs = 1;
  ASSERT_TRUE(ds->Write(o).ok());  // resize mode: every rg rewritten
  EXPECT_EQ(calls, (Calls{{4, 8}, {8, 8}}));
  EXPECT_EQ(*ds->num_row_groups(), 2);
}

}  // namespace
}  // namespace oups
