// iter_intersections reads every row-group file through the dataset's checked
// read path: a file that does not match the metadata (swapped, truncated) ends
// the iteration with a Corruption naming it, never with missing or unsorted
// rows (GitHub issue 11, point 1).
#include <gtest/gtest.h>

#include "oups/io/memory_file_system.h"
#include "oups/parquet/file_writer.h"
#include "oups/store/iter_intersections.h"
#include "oups/store/store.h"
#include "oups/table/builder.h"

namespace oups {
namespace iter_check_test {

struct Name {
  std::string name;
};
OUPS_KEY(Name, name);

IndexKey K(const std::string& n) { return KeyTraits<Name>::ToKey({n}).ValueOrDie(); }

Table Ts(int64_t begin, int64_t end) {
  std::vector<int64_t> ts, x;
  for (int64_t i = begin; i < end; ++i) {
    ts.push_back(i);
    x.push_back(100 + i);
  }
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()},
                    {"x", ColumnFromVector(DataType::Int64(), x).ValueOrDie()}})
      .ValueOrDie();
}

std::string Bytes(FileSystem& fs, const std::string& path) {
  auto b = fs.ReadFile(path).ValueOrDie();
  return std::string(reinterpret_cast<const char*>(b->data()), static_cast<size_t>(b->size()));
}

// Every row the iterator yields for key "a", or its first error.
Result<int64_t> CountRows(Store& store, IterIntersectionsOptions o = {}) {
  int64_t n = 0;
  for (Result<IntersectionChunk> chunk : store.IterIntersections({K("a")}, std::move(o))) {
    if (!chunk.ok()) return chunk.status();
    for (const auto& [key, table] : *chunk) n += table.num_rows();
  }
  return n;
}

struct IterReadCheck : ::testing::Test {
  void SetUp() override {
    ASSERT_TRUE(store.Get(K("a"))
                    ->Write(Ts(0, 20), {.ordered_on = "ts", .row_group_target_size = int64_t{4}})
                    .ok());
  }
  std::shared_ptr<MemoryFileSystem> fs = NewMemoryFileSystem();
  Store store = Store::Open(fs, "/base", KeyTraits<Name>::Schema()).ValueOrDie();
};

TEST_F(IterReadCheck, SoundDatasetYieldsEveryRow) {
  auto n = CountRows(store);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 20);
}

TEST_F(IterReadCheck, SwappedFilesEndTheIterationWithCorruption) {
  const std::string f1 = "/base/a/file_00000001.parquet", f2 = "/base/a/file_00000002.parquet";
  const std::string b1 = Bytes(*fs, f1), b2 = Bytes(*fs, f2);
  ASSERT_TRUE(fs->WriteFile(f1, b2).ok());
  ASSERT_TRUE(fs->WriteFile(f2, b1).ok());
  auto n = CountRows(store);
  ASSERT_FALSE(n.ok()) << "yielded " << *n << " rows";
  EXPECT_TRUE(n.status().IsCorruption()) << n.status().ToString();
  EXPECT_NE(n.status().message().find(f1), std::string::npos) << n.status().ToString();
  auto ranged = CountRows(store, {.start = Scalar::Int(6), .columns = Columns{"x"}});
  ASSERT_FALSE(ranged.ok());
  EXPECT_TRUE(ranged.status().IsCorruption()) << ranged.status().ToString();
}

TEST_F(IterReadCheck, FileWithFewerRowsEndsTheIterationWithCorruption) {
  // Same schema, the recorded min and max, 2 rows where the metadata says 4.
  const std::string f1 = "/base/a/file_00000001.parquet";
  auto t = MakeTable({{"ts", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{4, 7})
                                 .ValueOrDie()},
                      {"x", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{1, 2})
                                .ValueOrDie()}})
               .ValueOrDie();
  ASSERT_TRUE(parquet::WriteTable(*fs, f1, t).ok());
  auto n = CountRows(store);
  ASSERT_FALSE(n.ok()) << "yielded " << *n << " rows";
  EXPECT_TRUE(n.status().IsCorruption()) << n.status().ToString();
  EXPECT_NE(n.status().message().find("holds 2 rows, the metadata says 4"), std::string::npos)
      << n.status().ToString();
}

}  // namespace iter_check_test
}  // namespace oups
