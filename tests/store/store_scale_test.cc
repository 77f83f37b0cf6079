// What an operation costs in file-system calls must not grow with what it does
// not touch (docs/format.md, "What a write touches"): the number of sibling
// keys in the store and the number of row groups of the dataset. Each test
// runs the same operation in a small store (10 keys, a dataset of 10 row
// groups) and a large one (1,000 keys, 1,000 row groups) through the call-
// counting TrackingFileSystem and compares the counts, call by call.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "oups/io/memory_file_system.h"
#include "oups/store/store.h"
#include "oups/table/builder.h"
#include "testing/tracking_file_system.h"

namespace oups {
namespace store_scale_test {

struct CityYear {
  std::string city;
  int64_t year;
};
OUPS_KEY(CityYear, city, year);

Table TsX(int64_t first, int64_t n) {
  std::vector<int64_t> ts(static_cast<size_t>(n)), x(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    ts[static_cast<size_t>(i)] = first + i;
    x[static_cast<size_t>(i)] = i;
  }
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()},
                    {"x", ColumnFromVector(DataType::Int64(), x).ValueOrDie()}})
      .ValueOrDie();
}

// A store of `n_keys` keys (one row each) whose key ("target", 2024) holds
// `n_rgs` row groups of one row, with every call counted from Clear() on.
struct Fixture {
  std::shared_ptr<TrackingFileSystem> fs;
  IndexerSchema schema = KeyTraits<CityYear>::Schema();
  std::unique_ptr<Store> store;
  IndexKey target = schema.MakeKey({{std::string("target"), int64_t{2024}}}).ValueOrDie();

  Fixture(int n_keys, int n_rgs) {
    fs = std::make_shared<TrackingFileSystem>(NewMemoryFileSystem());
    store = std::make_unique<Store>(Store::Open(fs, "/base", schema).ValueOrDie());
    for (int i = 0; i < n_keys - 1; ++i) {
      IndexKey k = schema.MakeKey({{"c" + std::to_string(i), int64_t{2020}}}).ValueOrDie();
      OrderedDataset ds = store->Get(k).ValueOrDie();
      EXPECT_TRUE(ds.Write(TsX(0, 1), {.ordered_on = "ts"}).ok());
    }
    OrderedDataset ds = store->Get(target).ValueOrDie();
    EXPECT_TRUE(ds.Write(TsX(0, n_rgs), {.ordered_on = "ts", .row_group_target_size = 1}).ok());
    EXPECT_EQ(ds.num_row_groups().ValueOrDie(), n_rgs);
    fs->Clear();
  }
};

std::string Show(const std::map<std::string, int64_t>& calls) {
  std::string out;
  for (const auto& [name, n] : calls) out += name + "=" + std::to_string(n) + " ";
  return out;
}

// Runs `op` in a small and a large store; the calls must be the same.
template <typename Op>
void ExpectSameCalls(Op op) {
  Fixture small(10, 10);
  op(small);
  const auto small_calls = small.fs->calls();
  Fixture large(1000, 1000);
  op(large);
  const auto large_calls = large.fs->calls();
  EXPECT_EQ(small_calls, large_calls) << "10 keys / 10 row groups: " << Show(small_calls)
                                      << "\n1,000 keys / 1,000 row groups: " << Show(large_calls);
  EXPECT_EQ(large_calls.count("ListDir"), 0u) << Show(large_calls);
}

TEST(StoreScale, AppendCostsTheSameWhateverTheSiblingsAndRowGroups) {
  ExpectSameCalls([](Fixture& f) {
    OrderedDataset ds = f.store->Get(f.target).ValueOrDie();
    ASSERT_TRUE(ds.Write(TsX(1'000'000, 10), {.row_group_target_size = 1}).ok());
  });
}

TEST(StoreScale, WriteToANewKeyCostsTheSameWhateverTheSiblings) {
  ExpectSameCalls([](Fixture& f) {
    IndexKey k = f.schema.MakeKey({{std::string("new"), int64_t{2025}}}).ValueOrDie();
    OrderedDataset ds = f.store->Get(k).ValueOrDie();
    ASSERT_TRUE(ds.Write(TsX(0, 10), {.ordered_on = "ts"}).ok());
  });
}

TEST(StoreScale, OpenContainsAndRangeReadCostTheSame) {
  ExpectSameCalls([](Fixture& f) {
    ASSERT_TRUE(f.store->Contains(f.target).ValueOrDie());
    OrderedDataset ds = f.store->Get(f.target).ValueOrDie();
    Table t = ds.Read({.start = Scalar::Int(5), .end_excl = Scalar::Int(6)}).ValueOrDie();
    EXPECT_EQ(t.num_rows(), 1);
  });
}

TEST(StoreScale, RemovalCostsTheSameWhateverTheSiblings) {
  ExpectSameCalls([](Fixture& f) {
    IndexKey k = f.schema.MakeKey({{std::string("c1"), int64_t{2020}}}).ValueOrDie();
    ASSERT_TRUE(f.store->Remove(k).ok());
  });
}

// A store of symbols with one sub-level per year ("<symbol>/<year>"): the
// keys under one symbol are listed from its directory alone.
struct SymbolYears {
  std::shared_ptr<TrackingFileSystem> fs =
      std::make_shared<TrackingFileSystem>(NewMemoryFileSystem());
  IndexerSchema schema =
      IndexerSchema::Make("Inst", {FieldSpec::String("symbol"),
                                   FieldSpec::SubLevel("at", "Year", {FieldSpec::Int64("year")})})
          .ValueOrDie();
  std::unique_ptr<Store> store;

  explicit SymbolYears(int n_symbols) {
    store = std::make_unique<Store>(Store::Open(fs, "/base", schema).ValueOrDie());
    for (int i = 0; i < n_symbols; ++i) Add("s" + std::to_string(i), 2020);
    for (int64_t year : {2022, 2021, 2024}) Add("target", year);
    fs->Clear();
  }
  void Add(const std::string& symbol, int64_t year) {
    IndexKey k = schema.FromPath(symbol + "/" + std::to_string(year)).ValueOrDie();
    EXPECT_TRUE(store->Get(k).ValueOrDie().Write(TsX(0, 1), {.ordered_on = "ts"}).ok());
  }
};

TEST(StoreScale, PrefixListingCostsWhatItReturns) {
  std::map<std::string, int64_t> calls[2];
  int run = 0;
  for (int n : {10, 1000}) {
    SymbolYears f(n);
    auto keys = f.store->Keys("target");
    ASSERT_TRUE(keys.ok()) << keys.status().ToString();
    ASSERT_EQ(keys->size(), 3u);  // sorted, as Keys()
    EXPECT_EQ((*keys)[0].ToPath(), "target/2021");
    EXPECT_EQ((*keys)[2].ToPath(), "target/2024");
    calls[run++] = f.fs->calls();
    EXPECT_EQ(f.store->Keys("target/").ValueOrDie(), *keys);
    // A prefix naming no directory: none, without error.
    auto none = f.store->Keys("nowhere");
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());
    EXPECT_EQ(f.store->Keys("").ValueOrDie().size(), static_cast<size_t>(n + 3));
    EXPECT_TRUE(f.store->Keys("target/2024").status().IsInvalidArgument());  // a whole key
    EXPECT_TRUE(f.store->Keys("../base").status().IsInvalidArgument());
    EXPECT_TRUE(f.store->Keys("a//b").status().IsInvalidArgument());
  }
  EXPECT_EQ(calls[0], calls[1]) << "10 symbols: " << Show(calls[0])
                                << "\n1,000 symbols: " << Show(calls[1]);
}

}  // namespace store_scale_test
}  // namespace oups
