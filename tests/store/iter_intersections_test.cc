// Tests of iter_intersections (docs/behaviour.md#iter-intersections): reference
// examples, rules, validation, a property test against a brute-force model, and
// an I/O-recording test.
#include "oups/store/iter_intersections.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "dataset/file_naming.h"
#include "oups/io/memory_file_system.h"
#include "oups/store/store.h"
#include "oups/table/builder.h"
#include "testing/tracking_file_system.h"

namespace oups {
namespace iter_test {

struct Name {
  std::string name;
};
OUPS_KEY(Name, name);
struct Other {
  std::string name;
};
OUPS_KEY(Other, name);

using Ints = std::vector<int64_t>;

Table TsX(const Ints& ts, int64_t x0 = 0) {
  Ints x(ts.size());
  for (size_t i = 0; i < ts.size(); ++i) x[i] = x0 + static_cast<int64_t>(i);
  std::vector<std::string> s(ts.size(), "v");
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()},
                    {"x", ColumnFromVector(DataType::Int64(), x).ValueOrDie()},
                    {"s", ColumnFromVector(DataType::String(), s).ValueOrDie()}})
      .ValueOrDie();
}

Ints Col(const Table& t, const std::string& name) {
  Column c = t.GetColumn(name).ValueOrDie();
  Ints out;
  for (int64_t i = 0; i < c.length(); ++i) out.push_back(c.data<int64_t>()[i]);
  return out;
}

IndexKey K(const std::string& n) { return KeyTraits<Name>::ToKey({n}).ValueOrDie(); }

// Chunks as (key string -> ts values), in order.
using Simple = std::vector<std::vector<std::pair<std::string, Ints>>>;

Result<Simple> Collect(IntersectionIterator it, const std::string& col = "ts") {
  Simple out;
  while (true) {
    OUPS_ASSIGN_OR_RETURN(std::optional<IntersectionChunk> c, it.Next());
    if (!c) break;
    std::vector<std::pair<std::string, Ints>> chunk;
    for (const auto& [k, t] : *c) chunk.emplace_back(k.ToString(), Col(t, col));
    out.push_back(std::move(chunk));
  }
  return out;
}

struct IterTest : ::testing::Test {
  std::shared_ptr<MemoryFileSystem> fs = NewMemoryFileSystem();
  Store store = Store::Open(fs, "/base", KeyTraits<Name>::Schema()).ValueOrDie();
  void Write(const std::string& n, const Ints& ts, int64_t target,
             const std::string& on = "ts") {
    Table t = TsX(ts);
    if (on != "ts") {
      t = MakeTable({{on, t.column(0)}, {"x", t.column(1)}, {"s", t.column(2)}})
              .ValueOrDie();
    }
    ASSERT_TRUE(store.Get(K(n))
                    ->Write(t, {.ordered_on = on, .row_group_target_size = target})
                    .ok());
  }
  // a: rgs [1,2][3,4][5,6] (3 blocks); b: rgs [2,2][2,5][7,8] (blocks [2..5], [7..8]).
  void Reference() {
    Write("a", {1, 2, 3, 4, 5, 6}, 2);
    Write("b", {2, 2, 2, 5, 7, 8}, 2);
  }
  Result<Simple> Run(std::vector<std::string> names, IterIntersectionsOptions o = {},
                     const std::string& col = "ts") {
    std::vector<IndexKey> keys;
    for (const auto& n : names) keys.push_back(K(n));
    return Collect(store.IterIntersections(std::move(keys), std::move(o)), col);
  }
};

using P = std::pair<std::string, Ints>;
Scalar I(int64_t v) { return Scalar::Int(v); }

TEST_F(IterTest, ReferenceNoBounds) {
  Reference();
  // B = {3, 5, 7}: edges -inf, 3, 5, 7, +inf.
  EXPECT_EQ(*Run({"a", "b"}), (Simple{{P{"a", {1, 2}}, P{"b", {2, 2, 2}}},
                                      {P{"a", {3, 4}}, P{"b", {}}},
                                      {P{"a", {5, 6}}, P{"b", {5}}},
                                      {P{"a", {}}, P{"b", {7, 8}}}}));
  // Keys order, not key order.
  EXPECT_EQ((*Run({"b", "a"}))[0], (std::vector<P>{P{"b", {2, 2, 2}}, P{"a", {1, 2}}}));
}

TEST_F(IterTest, ReferenceBounds) {
  Reference();
  EXPECT_EQ(*Run({"a", "b"}, {.start = I(3), .end_excl = I(7)}),
            (Simple{{P{"a", {3, 4}}, P{"b", {}}}, {P{"a", {5, 6}}, P{"b", {5}}}}));
  // Bounds inside blocks: rows cut by value.
  EXPECT_EQ(*Run({"a", "b"}, {.start = I(2), .end_excl = I(6)}),
            (Simple{{P{"a", {2}}, P{"b", {2, 2, 2}}},
                    {P{"a", {3, 4}}, P{"b", {}}},
                    {P{"a", {5}}, P{"b", {5}}}}));
  // 0 is a bound like any other.
  EXPECT_EQ(Run({"a"}, {.end_excl = I(0)})->size(), 0u);
  EXPECT_EQ(*Run({"a"}, {.start = I(0), .end_excl = I(2)}), (Simple{{P{"a", {1}}}}));
}

TEST_F(IterTest, NPrev) {
  Reference();
  // One value per key, aligned by position.
  EXPECT_EQ(*Run({"a", "b"}, {.start = I(3), .end_excl = I(7), .n_prev = {1, 2}}),
            (Simple{{P{"a", {2, 3, 4}}, P{"b", {2, 2}}}, {P{"a", {5, 6}}, P{"b", {5}}}}));
  // Rows taken from earlier rgs, walking backwards; fewer if fewer exist.
  EXPECT_EQ(*Run({"a"}, {.start = I(5), .n_prev = 3}), (Simple{{P{"a", {2, 3, 4, 5, 6}}}}));
  EXPECT_EQ(*Run({"a"}, {.start = I(5), .n_prev = 100}),
            (Simple{{P{"a", {1, 2, 3, 4, 5, 6}}}}));
  // Without start, n_prev has no effect.
  EXPECT_EQ(*Run({"a"}, {.n_prev = 3}), *Run({"a"}));
  // A missing key keeps its position in the list.
  EXPECT_EQ(*Run({"zz", "a"}, {.start = I(5), .n_prev = {7, 1}}),
            (Simple{{P{"a", {4, 5, 6}}}}));
}

TEST_F(IterTest, NonParticipatingAndMissingDatasetsAreAbsent) {
  Reference();
  Write("c", {100, 101}, 2);
  ASSERT_TRUE(store.Get(K("meta"))->Write(WriteOptions{.ordered_on = "ts"}).ok());  // 0 rg
  EXPECT_EQ(*Run({"c", "missing", "meta", "a"}, {.start = I(3), .end_excl = I(5)}),
            (Simple{{P{"a", {3, 4}}}}));
  EXPECT_EQ(Run({"c", "missing", "meta"}, {.end_excl = I(50)})->size(), 0u);
}

// The schema-extra JSON of each participating dataset, from the state the
// iteration reads, still there once the iteration ended (the Python package
// reads its pandas details from it).
TEST_F(IterTest, SchemaExtraJsonOfTheStateRead) {
  Reference();
  ASSERT_TRUE(store.Get(K("a"))->Write(WriteOptions{.schema_extra_json = R"({"x":1})"}).ok());
  ASSERT_TRUE(store.Get(K("missing")).ok());
  IntersectionIterator it = store.IterIntersections({K("a"), K("b"), K("missing")});
  EXPECT_EQ(it.SchemaExtraJson(K("a")), nullptr);  // before the first Next()
  while (true) {
    auto c = it.Next();
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    if (!*c) break;
  }
  ASSERT_NE(it.SchemaExtraJson(K("a")), nullptr);
  EXPECT_EQ(*it.SchemaExtraJson(K("a")), std::optional<std::string>(R"({"x":1})"));
  ASSERT_NE(it.SchemaExtraJson(K("b")), nullptr);
  EXPECT_EQ(*it.SchemaExtraJson(K("b")), std::nullopt);
  EXPECT_EQ(it.SchemaExtraJson(K("missing")), nullptr);
}

TEST_F(IterTest, NothingYielded) {
  Reference();
  EXPECT_EQ(Run({})->size(), 0u);
  EXPECT_EQ(Run({"a", "b"}, {.start = I(5), .end_excl = I(5)})->size(), 0u);
  EXPECT_EQ(Run({"a", "b"}, {.start = I(6), .end_excl = I(2)})->size(), 0u);
  EXPECT_EQ(Run({"missing"})->size(), 0u);
}

TEST_F(IterTest, Validation) {
  Reference();
  Write("c", {1, 2}, 2, "ts2");
  auto code = [](const Result<Simple>& r) { return r.status().code(); };
  auto other = KeyTraits<Other>::ToKey({"a"}).ValueOrDie();
  EXPECT_EQ(Collect(store.IterIntersections({K("a"), other})).status().code(),
            StatusCode::kTypeError);
  Result<Simple> dup = Run({"a", "b", "a"});
  EXPECT_EQ(code(dup), StatusCode::kInvalidArgument);
  EXPECT_NE(dup.status().message().find("'a'"), std::string::npos);
  Result<Simple> neg = Run({"a"}, {.start = I(1), .n_prev = -1});
  EXPECT_EQ(neg.status().message(), "'n_prev' values must be greater than or equal to 0.");
  EXPECT_EQ(Run({"a", "b"}, {.n_prev = {0, -2}}).status().message(),
            "'n_prev' values must be greater than or equal to 0.");
  Result<Simple> sized = Run({"a", "b"}, {.n_prev = {1}});
  EXPECT_EQ(code(sized), StatusCode::kInvalidArgument);
  EXPECT_NE(sized.status().message().find("1 values"), std::string::npos);
  EXPECT_NE(sized.status().message().find("2 keys"), std::string::npos);
  Result<Simple> inc = Run({"missing", "a", "c"});
  EXPECT_EQ(inc.status().message(),
            "inconsistent 'ordered_on' columns. 'a' has 'ts', but 'c' has 'ts2'.");
  EXPECT_EQ(code(Run({"a"}, {.start = Scalar::String("x")})), StatusCode::kTypeError);
  EXPECT_EQ(code(Run({"a"}, {.columns = Columns{"nope"}})), StatusCode::kNotFound);
}

TEST_F(IterTest, LazyAndRangeFor) {
  Reference();
  // Nothing is validated until the first Next().
  IntersectionIterator bad = store.IterIntersections({K("a"), K("a")});
  Write("c", {1}, 1);  // writes meanwhile are fine
  int n = 0;
  int errors = 0;
  for (Result<IntersectionChunk> c : bad) {
    ++n;
    if (!c.ok()) ++errors;
  }
  EXPECT_EQ(n, 1);
  EXPECT_EQ(errors, 1);
  std::vector<int64_t> sizes;
  for (Result<IntersectionChunk> c : store.IterIntersections({K("a"), K("b")})) {
    ASSERT_TRUE(c.ok());
    ASSERT_NE(FindInChunk(*c, K("b")), nullptr);
    sizes.push_back(FindInChunk(*c, K("b"))->num_rows());
    EXPECT_EQ(FindInChunk(*c, K("zz")), nullptr);
  }
  EXPECT_EQ(sizes.size(), 4u);
}

TEST_F(IterTest, ColumnsProjection) {
  Reference();
  IntersectionIterator it = store.IterIntersections(
      {K("a"), K("b")}, {.start = I(3), .n_prev = 1, .columns = Columns{"x"}});
  Result<std::optional<IntersectionChunk>> c = it.Next();
  ASSERT_TRUE(c.ok() && c->has_value());
  for (const auto& [k, t] : **c) {
    ASSERT_EQ(t.num_columns(), 1);
    EXPECT_EQ(t.schema().field(0).name, "x");
  }
  EXPECT_EQ(Col(*FindInChunk(**c, K("a")), "x"), (Ints{1, 2, 3}));
  // Empty tables keep the columns.
  EXPECT_EQ(*Run({"a", "b"}, {.columns = Columns{"x", "ts"}}, "x"),
            (Simple{{P{"a", {0, 1}}, P{"b", {0, 1, 2}}},
                    {P{"a", {2, 3}}, P{"b", {}}},
                    {P{"a", {4, 5}}, P{"b", {3}}},
                    {P{"a", {}}, P{"b", {4, 5}}}}));
}

// ---------------------------------------------------------------- model

struct ModelDataset {
  std::string key;
  Ints ts;      // all rows
  Ints mins, maxs;  // per rg
};

// The chunk rules of docs/behaviour.md#iter-intersections applied literally to
// fully loaded data.
Simple Model(const std::vector<ModelDataset>& dss, std::optional<int64_t> start,
             std::optional<int64_t> end, const std::vector<int64_t>& n_prev) {
  if (start && end && *start >= *end) return {};
  std::vector<size_t> parts;
  std::vector<int64_t> B;
  for (size_t i = 0; i < dss.size(); ++i) {
    const ModelDataset& d = dss[i];
    std::vector<std::pair<int64_t, int64_t>> blocks;  // lo, hi
    for (size_t r = 0; r < d.mins.size(); ++r) {
      if (r > 0 && d.mins[r] == d.maxs[r - 1]) {
        blocks.back().second = d.maxs[r];
      } else {
        blocks.emplace_back(d.mins[r], d.maxs[r]);
      }
    }
    bool first = true;
    for (const auto& [lo, hi] : blocks) {
      if ((!start || hi >= *start) && (!end || lo < *end)) {
        if (!first) B.push_back(lo);
        first = false;
      }
    }
    if (!first) parts.push_back(i);
  }
  if (parts.empty()) return {};
  std::sort(B.begin(), B.end());
  B.erase(std::unique(B.begin(), B.end()), B.end());
  Simple out;
  for (size_t p = 0; p <= B.size(); ++p) {
    std::vector<P> chunk;
    for (size_t i : parts) {
      const ModelDataset& d = dss[i];
      Ints rows;
      if (p == 0 && start) {
        Ints before;
        for (int64_t v : d.ts) {
          if (v < *start) before.push_back(v);
        }
        const size_t n = std::min<size_t>(before.size(), static_cast<size_t>(n_prev[i]));
        rows.assign(before.end() - static_cast<std::ptrdiff_t>(n), before.end());
      }
      for (int64_t v : d.ts) {
        bool lo_ok = p == 0 ? (!start || v >= *start) : v >= B[p - 1];
        bool hi_ok = p == B.size() ? (!end || v < *end) : v < B[p];
        if (lo_ok && hi_ok) rows.push_back(v);
      }
      chunk.emplace_back(d.key, rows);
    }
    out.push_back(std::move(chunk));
  }
  return out;
}

TEST_F(IterTest, PropertyAgainstBruteForceModel) {
  std::mt19937_64 rng(20240611);
  auto uni = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int iter = 0; iter < 150; ++iter) {
    auto mfs = NewMemoryFileSystem();
    Store s = Store::Open(mfs, "/p", KeyTraits<Name>::Schema()).ValueOrDie();
    const int n = static_cast<int>(uni(1, 4));
    std::vector<IndexKey> keys;
    std::vector<ModelDataset> model;
    for (int i = 0; i < n; ++i) {
      const std::string name = "d" + std::to_string(i);
      keys.push_back(K(name));
      ModelDataset md{name, {}, {}, {}};
      if (uni(0, 7) == 0) {  // missing dataset
        model.push_back(md);
        continue;
      }
      const int64_t rows = uni(0, 40);
      int64_t v = uni(-5, 10);
      for (int64_t r = 0; r < rows; ++r) {
        v += uni(0, 3) == 0 ? uni(1, 4) : 0;  // many repeats: shared boundaries
        md.ts.push_back(v);
      }
      OrderedDataset ds = s.Get(keys.back()).ValueOrDie();
      ASSERT_TRUE(
          ds.Write(TsX(md.ts), {.ordered_on = "ts", .row_group_target_size = uni(1, 6)})
              .ok());
      Table stats = ds.RowGroupStats().ValueOrDie();
      for (int64_t r = 0; r < stats.num_rows(); ++r) {
        md.mins.push_back(stats.column(2).data<int64_t>()[r]);
        md.maxs.push_back(stats.column(3).data<int64_t>()[r]);
      }
      model.push_back(md);
    }
    // Shuffle keys order.
    std::vector<size_t> order(keys.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<IndexKey> k2;
    std::vector<ModelDataset> m2;
    for (size_t i : order) {
      k2.push_back(keys[i]);
      m2.push_back(model[i]);
    }
    std::optional<int64_t> start, end;
    if (uni(0, 2) > 0) start = uni(-8, 40);
    if (uni(0, 2) > 0) end = uni(-8, 40);
    std::vector<int64_t> np(k2.size());
    IterIntersectionsOptions o;
    if (start) o.start = I(*start);
    if (end) o.end_excl = I(*end);
    if (uni(0, 1) == 0) {
      const int64_t all = uni(0, 5);
      std::fill(np.begin(), np.end(), all);
      o.n_prev = NPrev(all);
    } else {
      for (auto& x : np) x = uni(0, 5);
      o.n_prev = NPrev(np);
    }
    // Models exclude datasets without rows (missing): they never participate.
    std::vector<ModelDataset> present;
    std::vector<int64_t> present_np;
    for (size_t i = 0; i < m2.size(); ++i) {
      present.push_back(m2[i]);
      present_np.push_back(np[i]);
    }
    Simple expected = Model(present, start, end, present_np);
    Result<Simple> got = Collect(s.IterIntersections(k2, o));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(*got, expected) << "iteration " << iter;
  }
}

// ---------------------------------------------------------------- snapshots

// docs/behaviour.md#iter-intersections (memory and consistency): writes
// committed to iterated datasets between two Next() calls (each rewriting every
// rg and appending) change nothing in what is yielded; the files of the
// snapshots stay until the iterator is exhausted.
TEST_F(IterTest, WritesDuringIterationDoNotChangeWhatIsYielded) {
  Reference();
  for (const bool bounded : {false, true}) {
    // Brute force on the pre-write state.
    std::vector<ModelDataset> model;
    std::vector<std::string> old_files;
    for (const std::string n : {"a", "b"}) {
      OrderedDataset ds = store.Get(K(n)).ValueOrDie();
      ModelDataset md{n, Col(ds.Read().ValueOrDie(), "ts"), {}, {}};
      Table stats = ds.RowGroupStats().ValueOrDie();
      for (int64_t r = 0; r < stats.num_rows(); ++r) {
        old_files.push_back(ds.path() + "/" +
                            dataset::RowGroupFileName(stats.column(0).data<uint64_t>()[r]));
        md.mins.push_back(stats.column(2).data<int64_t>()[r]);
        md.maxs.push_back(stats.column(3).data<int64_t>()[r]);
      }
      model.push_back(md);
    }
    IterIntersectionsOptions o;
    std::vector<int64_t> np = {0, 0};
    std::optional<int64_t> start, end;
    if (bounded) {
      start = 3;
      end = 8;
      o = {.start = I(3), .end_excl = I(8), .n_prev = {2, 1}};
      np = {2, 1};
    }
    const Simple expected = Model(model, start, end, np);
    ASSERT_GE(expected.size(), 2u);
    const int64_t x0 = bounded ? 1000 : 100;

    IntersectionIterator it = store.IterIntersections({K("a"), K("b")}, o);
    Simple got;
    int step = 0;
    while (true) {
      Result<std::optional<IntersectionChunk>> c = it.Next();
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      if (!c->has_value()) break;
      std::vector<P> chunk;
      for (const auto& [k, t] : **c) {
        chunk.emplace_back(k.ToString(), Col(t, "ts"));
        for (int64_t x : Col(t, "x")) EXPECT_LT(x, 100) << "row of a later write";
      }
      got.push_back(std::move(chunk));
      // Between two Next() calls: rewrite every rg of both datasets (new rows
      // win on 'ts') and append, committed while the iterator is alive.
      ++step;
      for (const std::string n : {"a", "b"}) {
        ASSERT_TRUE(store.Get(K(n))
                        ->Write(TsX({0, 1, 2, 3, 4, 5, 6, 7, 8, 9 + step}, x0 + 10 * step),
                                {.ordered_on = "ts",
                                 .row_group_target_size = 3,
                                 .duplicates_on = Columns{"ts"}})
                        .ok());
      }
      // The snapshots' files stay while chunks remain; once the last chunk is
      // yielded the snapshots are released, so that write swept them.
      const bool last = got.size() >= expected.size();
      for (const auto& f : old_files) EXPECT_EQ(fs->Exists(f).ValueOrDie(), !last) << f;
    }
    EXPECT_EQ(got, expected) << "bounded " << bounded;
    EXPECT_GE(step, 2);
    // Back to a state like Reference() for the second round: a, b as before.
    for (const std::string n : {"a", "b"}) ASSERT_TRUE(store.Get(K(n))->Remove().ok());
    Reference();
  }
}

// ---------------------------------------------------------------- I/O

TEST(IterIntersectionsIO, EachNeededRowGroupFileOpenedOnceAndNoOther) {
  auto mem = NewMemoryFileSystem();
  auto tracking = std::make_shared<TrackingFileSystem>(mem);
  Store s = Store::Open(tracking, "/io", KeyTraits<Name>::Schema()).ValueOrDie();
  // a: 10 rgs of 2 rows: [0,1][2,3]...[18,19]; b: [0,0][0,5][10,11]...
  Ints a, b;
  for (int64_t i = 0; i < 20; ++i) a.push_back(i);
  b = {0, 0, 0, 5, 10, 11, 12, 13, 14, 15, 16, 17};
  ASSERT_TRUE(s.Get(K("a"))->Write(TsX(a), {.ordered_on = "ts", .row_group_target_size = 2}).ok());
  ASSERT_TRUE(s.Get(K("b"))->Write(TsX(b), {.ordered_on = "ts", .row_group_target_size = 2}).ok());
  tracking->Clear();
  // [4, 13): a rgs 2..6 ([4,5]..[12,13]); b rgs 0,1 (block [0..5]) and 2,3.
  Result<Simple> got =
      Collect(s.IterIntersections({K("a"), K("b")}, {.start = I(4), .end_excl = I(13)}));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  auto rg = [](const std::string& n, uint64_t id) {
    return "/io/" + n + "/" + dataset::RowGroupFileName(id);
  };
  std::set<std::string> needed;
  for (uint64_t i = 2; i <= 6; ++i) needed.insert(rg("a", i));
  for (uint64_t i = 0; i <= 3; ++i) needed.insert(rg("b", i));
  std::set<std::string> opened_rg;
  for (const std::string& f : tracking->opened_files()) {
    if (f.find(".parquet") == std::string::npos) continue;
    opened_rg.insert(f);
    EXPECT_EQ(tracking->open_count(f), 1) << f;
  }
  EXPECT_EQ(opened_rg, needed);
  // n_prev = 3: the rows [1, 2, 3] before 4 come from rgs 0 and 1 (read once
  // each, walking backwards); still nothing after the range.
  tracking->Clear();
  got = Collect(s.IterIntersections({K("a")}, {.start = I(4), .end_excl = I(6), .n_prev = 3}));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, (Simple{{P{"a", {1, 2, 3, 4, 5}}}}));
  opened_rg.clear();
  for (const std::string& f : tracking->opened_files()) {
    if (f.find(".parquet") == std::string::npos) continue;
    opened_rg.insert(f);
    EXPECT_EQ(tracking->open_count(f), 1) << f;
  }
  EXPECT_EQ(opened_rg, (std::set<std::string>{rg("a", 0), rg("a", 1), rg("a", 2)}));
}

}  // namespace iter_test
}  // namespace oups

namespace oups {
namespace iter_test {

// Descriptors stay bounded over many keys: with at most 1 or 2 datasets
// registered at once (released ones are registered again when read), the
// chunks are the same as with every dataset registered.
TEST_F(IterTest, FewRegisteredDatasetsGiveTheSameChunks) {
  std::vector<IndexKey> keys;
  for (int i = 0; i < 6; ++i) {
    const std::string n = "k" + std::to_string(i);
    Write(n, {1, 2, 3 + i, 4 + i, 5 + i, 6 + i, 19, 20}, 2);
    keys.push_back(K(n));
  }
  const IterIntersectionsOptions all{.start = Scalar::Int(2), .n_prev = NPrev(1)};
  const Simple expected = Collect(store.IterIntersections(keys, all)).ValueOrDie();
  ASSERT_GT(expected.size(), 3u);
  for (int cap : {1, 2}) {
    IterIntersectionsOptions o = all;
    o.max_registered_datasets = cap;
    auto got = Collect(store.IterIntersections(keys, o));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, expected) << "max_registered_datasets = " << cap;
  }
}

// A released dataset that a writer rewrites before the iteration reads it
// again: the next read fails naming the dataset, instead of reading files the
// writer may have deleted.
TEST_F(IterTest, RewriteOfAReleasedDatasetIsAnError) {
  Write("a", {1, 2, 3, 4, 5, 6}, 2);  // 3 blocks
  Write("b", {1, 2, 3, 4, 5, 6}, 2);
  Write("c", {1, 2, 3, 4, 5, 6}, 2);
  IterIntersectionsOptions o;
  o.max_registered_datasets = 1;
  IntersectionIterator it = store.IterIntersections({K("a"), K("b"), K("c")}, o);
  ASSERT_TRUE(it.Next().ok());
  // Rewrites every row group of "a" into one new file (its old files go).
  ASSERT_TRUE(store.Get(K("a"))
                  ->Write(TsX({1, 2, 3, 4, 5, 6}),
                          {.row_group_target_size = 100, .duplicates_on = Columns{"ts"}})
                  .ok());
  Status st;
  while (true) {
    auto c = it.Next();
    if (!c.ok()) {
      st = c.status();
      break;
    }
    if (!*c) break;
  }
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
  EXPECT_NE(st.message().find("/base/a"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("start the read again"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("was rewritten"), std::string::npos) << st.ToString();
}

}  // namespace iter_test
}  // namespace oups
