// Tests of Store (docs/behaviour.md#store): get without side effects, discovery
// (incl. the reference fixture of docs/behaviour.md#discovery), mapping
// interface, deletion and pruning.
#include "oups/store/store.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>

#include "../io/test_util.h"
#include "oups/io/file_system_wrapper.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"
#include "weather_keys.h"

namespace oups {
namespace store_test {

using weather::DotWeatherEntry;
using weather::SpaceTime;
using weather::WeatherEntry;

struct CityYear {
  std::string city;
  int64_t year;
};
OUPS_KEY(CityYear, city, year);

IndexKey Key(const IndexerSchema& s, std::vector<std::vector<KeyValue>> v) {
  return s.MakeKey(std::move(v)).ValueOrDie();
}

Table TsX(const std::vector<int64_t>& ts) {
  std::vector<int64_t> x(ts.size());
  for (size_t i = 0; i < ts.size(); ++i) x[i] = static_cast<int64_t>(i);
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()},
                    {"x", ColumnFromVector(DataType::Int64(), x).ValueOrDie()}})
      .ValueOrDie();
}

std::vector<int64_t> Ints(const Table& t, const std::string& name) {
  Column c = t.GetColumn(name).ValueOrDie();
  std::vector<int64_t> out;
  for (int64_t i = 0; i < c.length(); ++i) out.push_back(c.data<int64_t>()[i]);
  return out;
}

void Dump(FileSystem& fs, const std::string& dir, std::map<std::string, int64_t>* out) {
  auto entries = fs.ListDir(dir);
  if (!entries.ok()) return;
  for (const FileInfo& e : *entries) {
    std::string p = JoinPath(dir, e.name);
    (*out)[p] = e.size;
    if (e.is_dir) Dump(fs, p, out);
  }
}
std::map<std::string, int64_t> Dump(FileSystem& fs) {
  std::map<std::string, int64_t> out;
  Dump(fs, "/", &out);
  return out;
}

struct StoreTest : ::testing::Test {
  std::shared_ptr<MemoryFileSystem> fs = NewMemoryFileSystem();
  IndexerSchema schema = KeyTraits<WeatherEntry>::Schema();
  Store store = Store::Open(fs, "/base", schema).ValueOrDie();
  IndexKey K(const std::string& c, const std::string& q, const std::string& a,
             const std::string& s) {
    return Key(schema, {{c, q}, {a, s}});
  }
  void WriteRows(const IndexKey& k, const std::vector<int64_t>& ts, int64_t target = 2) {
    OrderedDataset ds = store.Get(k).ValueOrDie();
    ASSERT_TRUE(ds.Write(TsX(ts), {.ordered_on = "ts", .row_group_target_size = target}).ok());
  }
};

TEST_F(StoreTest, OpenRejectsInvalidSchemaAndEmptyPath) {
  EXPECT_EQ(Store::Open(fs, "/b", IndexerSchema()).status().code(), StatusCode::kTypeError);
  EXPECT_FALSE(Store::Open(fs, "", schema).ok());
  EXPECT_EQ(Store::Open(fs, "/b/", schema)->basepath(), "/b");
  EXPECT_EQ(store.indexer(), schema);
}

TEST_F(StoreTest, GetCreatesNothingOnDiskAndNeverBlocks) {
  const auto before = Dump(*fs);
  IndexKey k = K("london", "temperature", "greenwich", "summer");
  OrderedDataset a = store.Get(k).ValueOrDie();
  OrderedDataset b = store.Get(k).ValueOrDie();  // second handle: no deadlock
  EXPECT_EQ(Dump(*fs), before);
  EXPECT_EQ(a.path(), "/base/london-temperature/greenwich-summer");
  EXPECT_TRUE(*a.is_newly_initialized());
  EXPECT_FALSE(*store.Contains(k));
  EXPECT_EQ(*store.Size(), 0);
  // Writes through both handles while both are alive.
  ASSERT_TRUE(a.Write(TsX({1, 2}), {.ordered_on = "ts"}).ok());
  ASSERT_TRUE(b.Write(TsX({3}), {.ordered_on = "ts"}).ok());
  OrderedDataset c = store.Get(k).ValueOrDie();
  EXPECT_EQ(Ints(*c.Read(), "ts"), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(StoreTest, KeyOfAnotherSchema) {
  IndexKey other = KeyTraits<CityYear>::ToKey({"berlin", 2023}).ValueOrDie();
  EXPECT_EQ(store.Get(other).status().code(), StatusCode::kTypeError);
  EXPECT_EQ(store.Remove(other).code(), StatusCode::kTypeError);
  EXPECT_FALSE(*store.Contains(other));
}

TEST_F(StoreTest, WriteThenReadFirstRowGroupAndIterate) {
  IndexKey k1 = K("paris", "temperature", "bastille", "summer");
  IndexKey k2 = K("berlin", "pressure", "mitte", "fall");
  WriteRows(k1, {1, 2, 3, 4, 5});
  EXPECT_EQ(Ints(store.Get(k1)->ReadRowGroup(0).ValueOrDie(), "ts"),
            (std::vector<int64_t>{1, 2}));
  WriteRows(k2, {7});
  EXPECT_EQ(*store.Keys(), (std::vector<IndexKey>{k2, k1}));  // sorted
  EXPECT_EQ(*store.Size(), 2);
  EXPECT_EQ(*store.ToString(),
            "berlin-pressure-mitte-fall\nparis-temperature-bastille-summer");
  EXPECT_TRUE(*store.Contains(k1));
}

TEST_F(StoreTest, AlwaysCurrentNoCache) {
  IndexKey k = K("rome", "wind", "forum", "spring");
  EXPECT_EQ(*store.Size(), 0);
  // Created by a directly built handle (as another process would).
  OrderedDataset direct =
      OrderedDataset::Open(fs, "/base/rome-wind/forum-spring").ValueOrDie();
  ASSERT_TRUE(direct.Write(TsX({1}), {.ordered_on = "ts"}).ok());
  EXPECT_EQ(*store.Keys(), std::vector<IndexKey>{k});
  EXPECT_TRUE(*store.Contains(k));
  ASSERT_TRUE(direct.Remove().ok());
  EXPECT_EQ(*store.Size(), 0);
  EXPECT_FALSE(*store.Contains(k));
  EXPECT_EQ(*store.ToString(), "");
}

TEST_F(StoreTest, MissingBasepathHasNoKeys) {
  Store s = Store::Open(fs, "/nowhere/at/all", schema).ValueOrDie();
  EXPECT_TRUE(s.Keys()->empty());
}

TEST_F(StoreTest, RemoveAndPrune) {
  IndexKey a = K("london", "temperature", "greenwich", "summer");
  IndexKey b = K("london", "temperature", "westminster", "winter");
  WriteRows(a, {1, 2, 3});
  WriteRows(b, {4});
  ASSERT_TRUE(store.Remove(a).ok());
  EXPECT_EQ(*store.Keys(), std::vector<IndexKey>{b});
  EXPECT_TRUE(*fs->Exists("/base/london-temperature"));  // common dir kept
  Status again = store.Remove(a);
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
  EXPECT_EQ(again.message(), "key 'london-temperature-greenwich-summer' not found in store.");
  ASSERT_TRUE(store.Remove(b).ok());
  EXPECT_FALSE(*fs->Exists("/base/london-temperature"));  // now empty: pruned
  EXPECT_TRUE(*fs->Exists("/base"));                      // basepath kept
  EXPECT_EQ(*store.Size(), 0);
}

TEST_F(StoreTest, RemoveMetadataOnlyDataset) {
  IndexKey a = K("oslo", "rain", "center", "fall");
  OrderedDataset ds = store.Get(a).ValueOrDie();
  ASSERT_TRUE(ds.Write(WriteOptions{.ordered_on = "ts"}).ok());
  EXPECT_TRUE(*store.Contains(a));
  ASSERT_TRUE(store.Remove(a).ok());
  EXPECT_FALSE(*store.Contains(a));
  EXPECT_FALSE(*fs->Exists("/base/oslo-rain"));
}

TEST_F(StoreTest, DiscoveryNeedsOnlyMetadataFileAndValidNames) {
  ASSERT_TRUE(fs->CreateDirs("/base/a-b").ok());
  ASSERT_TRUE(fs->WriteFile("/base/a-b/c-d_opdmd", "").ok());      // valid, no dir
  ASSERT_TRUE(fs->WriteFile("/base/a-b/_opdmd", "").ok());         // no name
  ASSERT_TRUE(fs->WriteFile("/base/a-b/c-d-e_opdmd", "").ok());    // 3 pieces
  ASSERT_TRUE(fs->WriteFile("/base/a-b/.c-d_opdmd.1f.tmp", "").ok());  // temp file
  ASSERT_TRUE(fs->CreateDirs("/base/a-b/x-y_opdmd").ok());         // a directory
  ASSERT_TRUE(fs->WriteFile("/base/e-f_opdmd", "").ok());          // too shallow
  ASSERT_TRUE(fs->CreateDirs("/base/g").ok());
  ASSERT_TRUE(fs->WriteFile("/base/g/h-i_opdmd", "").ok());        // bad level 0
  EXPECT_EQ(*store.ToString(), "a-b-c-d");
}

TEST_F(StoreTest, DepthOneIndexer) {
  IndexerSchema cy = KeyTraits<CityYear>::Schema();
  Store s = Store::Open(fs, "/cy", cy).ValueOrDie();
  ASSERT_TRUE(fs->CreateDirs("/cy").ok());
  ASSERT_TRUE(fs->WriteFile("/cy/berlin-2023_opdmd", "").ok());
  ASSERT_TRUE(fs->WriteFile("/cy/berlin-007_opdmd", "").ok());  // non-canonical int
  ASSERT_TRUE(fs->WriteFile("/cy/paris-10_opdmd", "").ok());
  ASSERT_TRUE(s.Get(Key(cy, {{std::string("paris"), int64_t{9}}}))
                  ->Write(TsX({1}), {.ordered_on = "ts"})
                  .ok());
  EXPECT_EQ(*s.ToString(), "berlin-2023\nparis-9\nparis-10");  // ints numerically
  // Removing a depth-1 dataset keeps basepath.
  ASSERT_TRUE(s.Remove(Key(cy, {{std::string("paris"), int64_t{9}}})).ok());
  EXPECT_EQ(*s.Size(), 2);
  EXPECT_TRUE(*fs->Exists("/cy"));
}

TEST_F(StoreTest, TypedStore) {
  auto ts = TypedStore<CityYear>::Open(fs, "/typed").ValueOrDie();
  OrderedDataset ds = ts.Get({"berlin", 2023}).ValueOrDie();
  ASSERT_TRUE(ds.Write(TsX({1, 2}), {.ordered_on = "ts"}).ok());
  ASSERT_TRUE(ts.Get({"paris", 2024})->Write(TsX({3}), {.ordered_on = "ts"}).ok());
  EXPECT_EQ(*ts.Keys(), (std::vector<CityYear>{{"berlin", 2023}, {"paris", 2024}}));
  EXPECT_TRUE(*ts.Contains({"berlin", 2023}));
  EXPECT_FALSE(ts.Get({"ber-lin", 2023}).ok());  // invalid value
  ASSERT_TRUE(ts.Remove({"berlin", 2023}).ok());
  EXPECT_EQ(*ts.Size(), 1);
}

// A file system on which some directories cannot be listed, as directories
// without read or execute permission (tests run as root, who ignores them).
class UnlistableDirs : public FileSystemWrapper {
 public:
  UnlistableDirs(std::shared_ptr<FileSystem> base, std::set<std::string> dirs)
      : FileSystemWrapper(std::move(base)), dirs_(std::move(dirs)) {}
  Result<std::vector<FileInfo>> ListDir(const std::string& path) override {
    if (dirs_.count(path)) {
      return Status::IOError("list directory " + path + ": Permission denied");
    }
    return FileSystemWrapper::ListDir(path);
  }
  Result<std::vector<FileInfo>> ListDirNames(const std::string& path) override {
    if (dirs_.count(path)) {
      return Status::IOError("list directory " + path + ": Permission denied");
    }
    return FileSystemWrapper::ListDirNames(path);
  }

 private:
  std::set<std::string> dirs_;
};

// GitHub issue 11, point 11: one unreadable directory made Keys() fail.
TEST_F(StoreTest, DiscoveryGoesOnPastAnUnreadableDirectory) {
  WriteRows(K("berlin", "temp", "europe", "2023"), {1});
  WriteRows(K("paris", "temp", "europe", "2023"), {1});
  WriteRows(K("rome", "temp", "europe", "2023"), {1});
  auto guarded = std::make_shared<UnlistableDirs>(
      fs, std::set<std::string>{"/base/paris-temp"});
  Store s = Store::Open(guarded, "/base", schema).ValueOrDie();
  auto keys = s.Keys();
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(*keys, (std::vector<IndexKey>{K("berlin", "temp", "europe", "2023"),
                                          K("rome", "temp", "europe", "2023")}));
  auto listing = s.List();
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  EXPECT_EQ(listing->keys, *keys);
  ASSERT_EQ(listing->problems.size(), 1u);
  EXPECT_EQ(listing->problems[0].path, "/base/paris-temp");
  EXPECT_EQ(listing->problems[0].reason,
            "IO error: list directory /base/paris-temp: Permission denied");
  EXPECT_TRUE(listing->problems[0].error);
  // An unreadable basepath is the listing error.
  auto closed = std::make_shared<UnlistableDirs>(fs, std::set<std::string>{"/base"});
  Store c = Store::Open(closed, "/base", schema).ValueOrDie();
  EXPECT_TRUE(c.Keys().status().IsIOError());
}

// iter_intersections over more keys than a quarter of the descriptor limit:
// each snapshot's metadata file is closed once its rg list is decoded, so only
// the (bounded) registrations hold descriptors.
TEST(StoreIterLocal, ManyKeysStayWithinTheDescriptorLimit) {
  testing_io::TempDir dir;
  const std::string base = dir.Sub("base");
  IndexerSchema deep = KeyTraits<WeatherEntry>::Schema();
  Store w = Store::Open(LocalFileSystem(), base, deep).ValueOrDie();
  std::vector<IndexKey> keys;
  for (int i = 0; i < 150; ++i) {
    keys.push_back(Key(deep, {{"c" + std::to_string(1000 + i), std::string("temp")},
                              {std::string("europe"), std::string("2023")}}));
    ASSERT_TRUE(w.Get(keys.back())->Write(TsX({i, i + 1}), {.ordered_on = "ts"}).ok());
  }
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = 128;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  int64_t rows = 0;
  Status st;
  {
    IntersectionIterator it = w.IterIntersections(keys, {});
    while (true) {
      auto chunk = it.Next();
      if (!chunk.ok()) {
        st = chunk.status();
        break;
      }
      if (!*chunk) break;
      for (const auto& [key, table] : **chunk) rows += table.num_rows();
    }
  }
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_GT(rows, 0);
}

// A symbolic link back to a directory above it is not followed.
TEST(StoreDiscoveryLocal, SymlinkLoopIsNotFollowed) {
  testing_io::TempDir dir;
  const std::string base = dir.Sub("base");
  IndexerSchema deep = KeyTraits<WeatherEntry>::Schema();
  Store w = Store::Open(LocalFileSystem(), base, deep).ValueOrDie();
  const IndexKey k = Key(deep, {{std::string("paris"), std::string("temp")},
                                {std::string("europe"), std::string("2023")}});
  ASSERT_TRUE(w.Get(k)->Write(TsX({1}), {.ordered_on = "ts"}).ok());
  // base/a-b -> base: a level-0 directory that is basepath again.
  ASSERT_EQ(::symlink(".", (base + "/a-b").c_str()), 0);
  auto listing = w.List();
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  EXPECT_EQ(listing->keys, std::vector<IndexKey>{k});
  ASSERT_EQ(listing->problems.size(), 1u);
  EXPECT_EQ(listing->problems[0].path, base + "/a-b");
  EXPECT_EQ(listing->problems[0].reason,
            "symbolic link loop back to '" + base + "': not followed");
  EXPECT_FALSE(listing->problems[0].error);
  EXPECT_EQ(*w.Keys(), std::vector<IndexKey>{k});
}

// An entry that cannot be examined (a symbolic link to itself: ELOOP) is a
// listed problem naming it, not silently skipped, and the listing goes on.
TEST(StoreDiscoveryLocal, EntryThatCannotBeExaminedIsAProblem) {
  testing_io::TempDir dir;
  const std::string base = dir.Sub("base");
  IndexerSchema deep = KeyTraits<WeatherEntry>::Schema();
  Store w = Store::Open(LocalFileSystem(), base, deep).ValueOrDie();
  const IndexKey k = Key(deep, {{std::string("paris"), std::string("temp")},
                                {std::string("europe"), std::string("2023")}});
  ASSERT_TRUE(w.Get(k)->Write(TsX({1}), {.ordered_on = "ts"}).ok());
  ASSERT_EQ(::symlink("x-y", (base + "/x-y").c_str()), 0);
  auto listing = w.List();
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  EXPECT_EQ(listing->keys, std::vector<IndexKey>{k});
  ASSERT_EQ(listing->problems.size(), 1u);
  EXPECT_EQ(listing->problems[0].path, base + "/x-y");
  EXPECT_NE(listing->problems[0].reason.find(base + "/x-y"), std::string::npos)
      << listing->problems[0].reason;
  EXPECT_TRUE(listing->problems[0].error);
}

// The discovery fixture (docs/behaviour.md#discovery) on the local file system.
TEST(StoreDiscoveryFixture, ReferenceFixture) {
  testing_io::TempDir tmp;
  const std::string base = tmp.Sub("store");
  auto touch = [&](const std::string& rel) {
    std::ofstream(base + "/" + rel).close();
  };
  auto mk = [&](const std::string& rel) {
    ASSERT_TRUE(LocalFileSystem()->CreateDirs(base + "/" + rel).ok());
  };
  mk("london.temperature");
  mk("paris.temperature/forgottendir");
  mk("stockholm.pressure/flemings.spring");
  touch("london.temperature/greenwich.summer_opdmd");
  touch("london.temperature/westminster.winter_dummy");
  touch("paris.temperature/bastille.summer_opdmd");
  touch("stockholm.pressure/skansen.fall_opdmd");
  touch("stockholm.pressure/flemings.spring/innerplace.morning_opdmd");

  Store dash = Store::Open(LocalFileSystem(), base, KeyTraits<WeatherEntry>::Schema())
                   .ValueOrDie();
  EXPECT_EQ(*dash.Size(), 0);
  auto dot = TypedStore<DotWeatherEntry>::Open(LocalFileSystem(), base).ValueOrDie();
  EXPECT_EQ(*dot.Size(), 3);
  EXPECT_EQ(*dot.ToString(),
            "london.temperature.greenwich.summer\nparis.temperature.bastille.summer\n"
            "stockholm.pressure.skansen.fall");
  EXPECT_TRUE(*dot.Contains({"london", "temperature", {"greenwich", "summer"}}));
  EXPECT_FALSE(*dot.Contains({"london", "temperature", {"westminster", "winter"}}));

  // Symlinked level directories are followed.
  ASSERT_EQ(::symlink((base + "/paris.temperature").c_str(),
                      (base + "/rome.temperature").c_str()),
            0);
  EXPECT_EQ(*dot.Size(), 4);
  EXPECT_TRUE(*dot.Contains({"rome", "temperature", {"bastille", "summer"}}));
}

}  // namespace store_test
}  // namespace oups
