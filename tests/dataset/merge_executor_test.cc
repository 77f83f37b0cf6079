#include "dataset/merge_executor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "oups/table/builder.h"
#include "oups/table/kernels.h"
#include "ordered_column.h"

namespace oups::dataset {
namespace {

// ------------------------------------------------------------------ helpers

// One row: ordered value a, tag b, extra column c (distinguishes rows that
// are duplicates on a subset but not on all columns).
struct Row {
  int64_t a = 0;
  std::string b;
  int64_t c = 0;
  friend bool operator==(const Row&, const Row&) = default;
};
using Rows = std::vector<Row>;

std::string ToString(const Rows& rows) {
  std::string s = "[";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(rows[i].a) + rows[i].b;
    if (rows[i].c) s += "/" + std::to_string(rows[i].c);
  }
  return s + "]";
}
std::string ToString(const std::vector<Rows>& rgs) {
  std::string s;
  for (const Rows& r : rgs) s += ToString(r) + " ";
  return s;
}

// "2x" -> {2, "x"}.
Rows R(std::initializer_list<const char*> items) {
  Rows rows;
  for (const char* item : items) {
    Row r;
    size_t pos = 0;
    r.a = std::stoll(item, &pos);
    r.b = std::string(item + pos);
    rows.push_back(r);
  }
  return rows;
}

using oups::testing::OrderedColumn;

int64_t OrderedValue(const Column& col, int64_t i) {
  switch (col.type().id) {
    case TypeId::kFloat64:
      return static_cast<int64_t>(col.data<double>()[i]);
    case TypeId::kString:
      return std::stoll(std::string(col.GetView(i)));
    default:
      return col.data<int64_t>()[i];
  }
}

Table MakeRows(const Rows& rows, const DataType& type = DataType::Int64()) {
  std::vector<int64_t> a, c;
  std::vector<std::string> b;
  for (const Row& r : rows) {
    a.push_back(r.a);
    b.push_back(r.b);
    c.push_back(r.c);
  }
  Result<Table> t = MakeTable(std::vector<std::pair<std::string, Column>>{
      {"a", OrderedColumn(a, type)},
      {"b", *ColumnFromVector(DataType::String(), b)},
      {"c", *ColumnFromVector(DataType::Int64(), c)}});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return *t;
}

Rows ToRows(const Table& t) {
  Rows rows;
  const Column a = *t.GetColumn("a");
  const Column b = *t.GetColumn("b");
  const Column c = *t.GetColumn("c");
  for (int64_t i = 0; i < t.num_rows(); ++i) {
    rows.push_back({OrderedValue(a, i), std::string(b.GetView(i)), c.data<int64_t>()[i]});
  }
  return rows;
}

// Reference model: stable sort on a (input order kept on ties), then
// keep-last de-duplication on `subset` (a always included; empty = all).
bool SameOn(const Row& x, const Row& y, const std::vector<std::string>& subset) {
  if (x.a != y.a) return false;
  const bool all = subset.empty();
  auto has = [&](const char* name) {
    return all || std::find(subset.begin(), subset.end(), name) != subset.end();
  };
  return (!has("b") || x.b == y.b) && (!has("c") || x.c == y.c);
}
Rows Reference(Rows rows, const std::optional<std::vector<std::string>>& subset) {
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& x, const Row& y) { return x.a < y.a; });
  if (!subset) return rows;
  Rows out;
  for (size_t i = 0; i < rows.size(); ++i) {
    bool later = false;
    for (size_t j = i + 1; j < rows.size() && rows[j].a == rows[i].a; ++j) {
      later = later || SameOn(rows[i], rows[j], *subset);
    }
    if (!later) out.push_back(rows[i]);
  }
  return out;
}

Rows Concat(const std::vector<Rows>& parts) {
  Rows out;
  for (const Rows& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Executes every sequence of `plan` on in-memory rgs; records loads and the
// event order ("L<i>" for a load, "E" for an emit).
struct Execution {
  Status status;
  std::vector<std::vector<Rows>> produced;  // per sequence
  std::vector<int64_t> loads;
  std::string events;
};

Execution Execute(const WritePlan& plan, const std::vector<Rows>& rgs, const Rows& new_rows,
                  const MergeExecutionOptions& options,
                  const DataType& type = DataType::Int64()) {
  Execution ex;
  ex.produced.resize(plan.sequences.size());
  const Table new_table = MakeRows(new_rows, type);
  ex.status = ExecuteWritePlan(
      plan, new_table, options,
      [&](int64_t i) -> Result<Table> {
        ex.loads.push_back(i);
        ex.events += "L" + std::to_string(i) + " ";
        if (i < 0 || i >= static_cast<int64_t>(rgs.size())) return Status::OutOfRange("rg");
        return MakeRows(rgs[static_cast<size_t>(i)], type);
      },
      [&](size_t k, Table rg) {
        ex.events += "E ";
        ex.produced[k].push_back(ToRows(rg));
        return Status::OK();
      });
  return ex;
}

// The new rg list (docs/behaviour.md#merge).
std::vector<Rows> Assemble(const WritePlan& plan, const std::vector<Rows>& rgs,
                           const Execution& ex) {
  std::vector<Rows> out;
  for (const RowGroupSlot& slot : plan.row_groups) {
    if (slot.kind == RowGroupSlot::Kind::kKeep) {
      out.push_back(rgs[static_cast<size_t>(slot.index)]);
    } else {
      const auto& p = ex.produced[static_cast<size_t>(slot.index)];
      out.insert(out.end(), p.begin(), p.end());
    }
  }
  return out;
}

MergeExecutionOptions Options(std::optional<std::vector<std::string>> subset = {}) {
  MergeExecutionOptions o;
  o.ordered_on = "a";
  o.dedup_subset = std::move(subset);
  return o;
}

// A hand-written plan: sequences (rg_start, df_start, steps), n-rows target
// `t`, and the resulting rg list given directly.
WritePlan HandPlan(std::vector<MergeSequence> seqs, int64_t t = 2) {
  WritePlan p;
  p.sequences = std::move(seqs);
  p.target = RowGroupTarget::NRows(t);
  return p;
}
MergeSequence Seq(int64_t rg_start, int64_t df_start, std::vector<LoadStep> steps) {
  MergeSequence s;
  s.rg_start = rg_start;
  s.df_start = df_start;
  s.replaced_rg_end = steps.empty() ? rg_start : steps.back().rg_end;
  s.steps = std::move(steps);
  return s;
}

const std::vector<std::string> kOnA = {"a"};

// ----------------------------------- reference cases (docs/behaviour.md#merge)

TEST(MergeExecutor, OldBeforeNewOnTies) {
  // Existing rg [2x,3c,4y], new [1a,2b,4d,5e], split 3, (0, [(1,3),(1,4)]).
  const WritePlan p = HandPlan({Seq(0, 0, {{1, 3}, {1, 4}})}, 3);
  const Execution ex = Execute(p, {R({"2x", "3c", "4y"})}, R({"1a", "2b", "4d", "5e"}), Options());
  ASSERT_TRUE(ex.status.ok()) << ex.status.ToString();
  EXPECT_EQ(ex.produced[0],
            (std::vector<Rows>{R({"1a", "2x", "2b"}), R({"3c", "4y", "4d"}), R({"5e"})}))
      << ToString(ex.produced[0]);
  EXPECT_EQ(ex.loads, (std::vector<int64_t>{0}));
}

TEST(MergeExecutor, RemainderCarriedAcrossStepsNoDrop) {
  // [1a,2x | 3y,4z | 5e], new [2b,3c,4d], no drop, (0, [(1,0),(2,2),(3,3)]).
  const std::vector<Rows> rgs = {R({"1a", "2x"}), R({"3y", "4z"}), R({"5e"})};
  const WritePlan p = HandPlan({Seq(0, 0, {{1, 0}, {2, 2}, {3, 3}})});
  const Execution ex = Execute(p, rgs, R({"2b", "3c", "4d"}), Options());
  ASSERT_TRUE(ex.status.ok()) << ex.status.ToString();
  EXPECT_EQ(ex.produced[0], (std::vector<Rows>{R({"1a", "2x"}), R({"2b", "3y"}),
                                               R({"3c", "4z"}), R({"4d", "5e"})}))
      << ToString(ex.produced[0]);
  // Each rg loaded once, in order, only at the step that needs it.
  EXPECT_EQ(ex.events, "L0 L1 E E L2 E E ");
}

TEST(MergeExecutor, RemainderCarriedAcrossStepsDrop) {
  const std::vector<Rows> rgs = {R({"1a", "2x"}), R({"3y", "4z"}), R({"5e"})};
  const WritePlan p = HandPlan({Seq(0, 0, {{1, 1}, {2, 3}, {3, 3}})});
  const Execution ex = Execute(p, rgs, R({"2b", "3c", "4d"}), Options(kOnA));
  ASSERT_TRUE(ex.status.ok()) << ex.status.ToString();
  EXPECT_EQ(ex.produced[0], (std::vector<Rows>{R({"1a", "2b"}), R({"3c", "4d"}), R({"5e"})}))
      << ToString(ex.produced[0]);
  EXPECT_EQ(ex.events, "L0 L1 E L2 E E ");
}

TEST(MergeExecutor, SeveralSequencesUntouchedRgsNotLoaded) {
  const std::vector<Rows> rgs = {R({"1a", "2x"}), R({"3y", "4z"}), R({"5e", "7f"}),
                                 R({"8g", "9h"}), R({"10i"})};
  WritePlan p = HandPlan({Seq(0, 0, {{1, 1}}), Seq(2, 1, {{3, 3}}), Seq(4, 3, {{5, 5}})});
  using K = RowGroupSlot::Kind;
  p.row_groups = {{K::kSequence, 0}, {K::kKeep, 1}, {K::kSequence, 1}, {K::kKeep, 3},
                  {K::kSequence, 2}};
  const Execution ex =
      Execute(p, rgs, R({"2b", "6c", "7d", "11i", "12j"}), Options(kOnA));
  ASSERT_TRUE(ex.status.ok()) << ex.status.ToString();
  EXPECT_EQ(ex.produced, (std::vector<std::vector<Rows>>{
                             {R({"1a", "2b"})},
                             {R({"5e", "6c"}), R({"7d"})},
                             {R({"10i", "11i"}), R({"12j"})}}));
  EXPECT_EQ(ex.loads, (std::vector<int64_t>{0, 2, 4}));
  EXPECT_EQ(Assemble(p, rgs, ex),
            (std::vector<Rows>{R({"1a", "2b"}), R({"3y", "4z"}), R({"5e", "6c"}), R({"7d"}),
                               R({"8g", "9h"}), R({"10i", "11i"}), R({"12j"})}));
}

TEST(MergeExecutor, SequencesLoadingNoRgResetRemainder) {
  // Existing rgs [1,2],[6], new [2..8], (1,[(1,2),(1,4)]) and (2,[(2,6),(2,7)]).
  const std::vector<Rows> rgs = {R({"1", "2"}), R({"6"})};
  const WritePlan p = HandPlan({Seq(1, 0, {{1, 2}, {1, 4}}), Seq(2, 4, {{2, 6}, {2, 7}})});
  const Execution ex = Execute(p, rgs, R({"2", "3", "4", "5", "6", "7", "8"}), Options());
  ASSERT_TRUE(ex.status.ok()) << ex.status.ToString();
  EXPECT_EQ(ex.produced, (std::vector<std::vector<Rows>>{{R({"2", "3"}), R({"4", "5"})},
                                                         {R({"6", "7"}), R({"8"})}}));
  EXPECT_TRUE(ex.loads.empty());
}

TEST(MergeExecutor, NoNewRowRewritesAsIs) {
  const WritePlan p = HandPlan({Seq(0, 0, {{1, 0}})});
  const Execution ex = Execute(p, {R({"1a", "2b"})}, {}, Options());
  ASSERT_TRUE(ex.status.ok()) << ex.status.ToString();
  EXPECT_EQ(ex.produced[0], (std::vector<Rows>{R({"1a", "2b"})}));
}

TEST(MergeExecutor, EmptyPlanAndEmptyChunks) {
  const Execution none = Execute(WritePlan{}, {R({"1a"})}, {}, Options());
  ASSERT_TRUE(none.status.ok()) << none.status.ToString();
  EXPECT_TRUE(none.loads.empty());
  // A sequence whose chunks are all empty (an empty rg, no new row): no rg.
  const Execution empty = Execute(HandPlan({Seq(0, 0, {{0, 0}, {1, 0}})}), {Rows{}}, {},
                                  Options(std::vector<std::string>{}));
  ASSERT_TRUE(empty.status.ok()) << empty.status.ToString();
  EXPECT_TRUE(empty.produced[0].empty());
  EXPECT_EQ(empty.loads, (std::vector<int64_t>{0}));
}

// docs/behaviour.md#merge: a duplicate pair split across two load steps.
TEST(MergeExecutor, DuplicatePairAcrossStepsIsDropped) {
  const std::vector<Rows> rgs = {R({"1p", "2y", "2q"}), R({"2y", "3r", "3s"})};
  WritePlanInput in;
  in.rg_mins = OrderedColumn({1, 2}, DataType::Int64());
  in.rg_maxs = OrderedColumn({2, 3}, DataType::Int64());
  in.rg_n_rows = {3, 3};
  in.new_values = OrderedColumn({}, DataType::Int64());
  in.drop_duplicates = true;
  in.target = RowGroupTarget::NRows(2);
  in.max_n_off_target_rgs = 1;
  in.ordered_on = "a";
  Result<WritePlan> p = PlanWrite(in);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->sequences.size(), 1u);
  ASSERT_EQ(p->sequences[0].steps.size(), 2u);  // the pair straddles the steps
  // duplicates_on="b" -> subset [b, a].
  const Execution ex = Execute(*p, rgs, {}, Options(std::vector<std::string>{"b", "a"}));
  ASSERT_TRUE(ex.status.ok()) << ex.status.ToString();
  EXPECT_EQ(Assemble(*p, rgs, ex),
            (std::vector<Rows>{R({"1p", "2q"}), R({"2y", "3r"}), R({"3s"})}))
      << ToString(Assemble(*p, rgs, ex));
}

// Regression: planned on the de-duplicated new rows
// (docs/behaviour.md#writing).
TEST(MergeExecutor, PlanOnDeduplicatedNewRowsKeepsEveryNewValue) {
  const std::vector<Rows> rgs = {R({"1old", "2old", "3old"}), R({"10old", "11old", "12old"})};
  const Table raw = MakeRows(R({"2n1", "2n2", "11n3"}));
  Result<Table> dedup = DropDuplicatesKeepLast(raw, "a", kOnA);  // writing step 2
  ASSERT_TRUE(dedup.ok());
  const Rows new_rows = ToRows(*dedup);
  ASSERT_EQ(new_rows, R({"2n2", "11n3"}));
  WritePlanInput in;
  in.rg_mins = OrderedColumn({1, 10}, DataType::Int64());
  in.rg_maxs = OrderedColumn({3, 12}, DataType::Int64());
  in.rg_n_rows = {3, 3};
  in.new_values = *dedup->GetColumn("a");
  in.drop_duplicates = true;
  in.target = RowGroupTarget::NRows(3);
  in.ordered_on = "a";
  Result<WritePlan> p = PlanWrite(in);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const Execution ex = Execute(*p, rgs, new_rows, Options(kOnA));
  ASSERT_TRUE(ex.status.ok()) << ex.status.ToString();
  EXPECT_EQ(Assemble(*p, rgs, ex),
            (std::vector<Rows>{R({"1old", "2n2", "3old"}), R({"10old", "11n3", "12old"})}))
      << ToString(Assemble(*p, rgs, ex));
  EXPECT_EQ(ex.loads, (std::vector<int64_t>{0, 1}));
}

// Held-back rows: equal ordered values straddling n-rows pieces all stay.
TEST(MergeExecutor, HeldBackPiecesHoldingTheLastValue) {
  // Step 1 chunk [1,5,5,5,5] cut at 2: pieces [1,5] [5,5] [5]; every piece
  // with a 5 is held back; step 2 brings a duplicate of (5,x).
  const std::vector<Rows> rgs = {R({"1a", "5x", "5y", "5z", "5w"}), R({"5x", "6b"})};
  const WritePlan p = HandPlan({Seq(0, 0, {{1, 0}, {2, 0}})});
  const Execution ex =
      Execute(p, rgs, {}, Options(std::vector<std::string>{}));
  ASSERT_TRUE(ex.status.ok()) << ex.status.ToString();
  EXPECT_EQ(ex.produced[0],
            (std::vector<Rows>{R({"1a", "5y"}), R({"5z", "5w"}), R({"5x", "6b"})}))
      << ToString(ex.produced[0]);
  EXPECT_EQ(ex.events, "L0 L1 E E E ");
  // Without dropping, the same step emits the two full pieces at once.
  const Execution keep = Execute(p, rgs, {}, Options());
  ASSERT_TRUE(keep.status.ok());
  EXPECT_EQ(keep.events, "L0 E E L1 E E ");
}

// Time-period split (docs/behaviour.md#merge) through a reference plan
// ("merge tail").
TEST(MergeExecutor, TimePeriodMergeTail) {
  const int64_t h = 3'600'000'000'000;  // 1 hour in ns
  const DataType ts = DataType::Timestamp(TimeUnit::kNano);
  const std::vector<Rows> rgs = {{{8 * h, "a", 0}, {9 * h, "b", 0}}, {{10 * h, "c", 0}},
                                 {{11 * h, "d", 0}}};
  const Rows new_rows = {{13 * h, "e", 0}};
  WritePlanInput in;
  in.rg_mins = OrderedColumn({8 * h, 10 * h, 11 * h}, ts);
  in.rg_maxs = OrderedColumn({9 * h, 10 * h, 11 * h}, ts);
  in.rg_n_rows = {2, 1, 1};
  in.new_values = OrderedColumn({13 * h}, ts);
  in.drop_duplicates = true;
  in.target = RowGroupTarget::Period(*Frequency::Parse("2h"));
  in.max_n_off_target_rgs = 3;
  in.ordered_on = "a";
  Result<WritePlan> p = PlanWrite(in);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->sequences.size(), 1u);
  EXPECT_EQ(p->sequences[0].steps, (std::vector<LoadStep>{{3, 0}, {3, 1}}));
  MergeExecutionOptions o = Options(std::vector<std::string>{});
  const Execution ex = Execute(*p, rgs, new_rows, o, ts);
  ASSERT_TRUE(ex.status.ok()) << ex.status.ToString();
  EXPECT_EQ(Assemble(*p, rgs, ex),
            (std::vector<Rows>{rgs[0], {{10 * h, "c", 0}, {11 * h, "d", 0}}, new_rows}));
  EXPECT_EQ(ex.loads, (std::vector<int64_t>{1, 2}));
}

// ------------------------------------------------------------- errors

TEST(MergeExecutor, Errors) {
  const Table new_rows = MakeRows(R({"1a"}));
  auto loader = [](int64_t) -> Result<Table> { return MakeRows(R({"0z"})); };
  auto sink = [](Table) { return Status::OK(); };
  const WritePlan p = HandPlan({Seq(0, 0, {{1, 1}})});
  EXPECT_TRUE(ExecuteMergeSequence(p, 0, new_rows, Options(), loader, sink).ok());
  // k out of range.
  EXPECT_TRUE(
      ExecuteMergeSequence(p, 1, new_rows, Options(), loader, sink).IsInvalidArgument());
  // A malformed plan: a period target without its grid, an n-rows target of 0.
  WritePlan period = p;
  period.target = RowGroupTarget::Period(*Frequency::Parse("h"));
  EXPECT_TRUE(ExecuteMergeSequence(period, 0, new_rows, Options(), loader, sink).IsInvalidArgument());
  EXPECT_TRUE(ExecuteMergeSequence(HandPlan({Seq(0, 0, {{1, 1}})}, 0), 0, new_rows, Options(),
                                   loader, sink)
                  .IsInvalidArgument());
  // A step beyond the new rows, and a step going backwards.
  EXPECT_TRUE(ExecuteMergeSequence(HandPlan({Seq(0, 0, {{1, 2}})}), 0, new_rows, Options(),
                                   loader, sink)
                  .IsInvalidArgument());
  EXPECT_TRUE(ExecuteMergeSequence(HandPlan({Seq(1, 0, {{0, 1}})}), 0, new_rows, Options(),
                                   loader, sink)
                  .IsInvalidArgument());
  // Loader and sink failures are returned as is.
  EXPECT_TRUE(ExecuteMergeSequence(
                  p, 0, new_rows, Options(),
                  [](int64_t) -> Result<Table> { return Status::IOError("disk"); }, sink)
                  .IsIOError());
  EXPECT_TRUE(ExecuteMergeSequence(p, 0, new_rows, Options(), loader,
                                   [](Table) { return Status::IOError("full"); })
                  .IsIOError());
  // Loaded rows without the new rows' columns.
  EXPECT_FALSE(ExecuteMergeSequence(
                   p, 0, new_rows, Options(),
                   [](int64_t) -> Result<Table> {
                     return MakeTable(std::vector<std::pair<std::string, Column>>{
                         {"a", *ColumnFromVector(DataType::Int64(), std::vector<int64_t>{0})}});
                   },
                   sink)
                   .ok());
  // ExecuteWritePlan: new rows left out of every sequence.
  EXPECT_TRUE(ExecuteWritePlan(HandPlan({Seq(0, 0, {{1, 0}})}), new_rows, Options(), loader,
                               [](size_t, Table) { return Status::OK(); })
                  .IsInvalidArgument());
}

// ------------------------------------------- randomized differential test

TEST(MergeExecutor, RandomDifferentialAgainstReferenceModel) {
  std::mt19937_64 rng(20240603);
  auto uni = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  const std::vector<std::optional<std::vector<std::string>>> subsets = {
      std::nullopt, std::vector<std::string>{}, std::vector<std::string>{"a"},
      std::vector<std::string>{"b"}, std::vector<std::string>{"c", "a"}};
  const std::vector<std::string> periods = {"2ns", "3ns", "5ns"};
  int64_t n_cases = 0, n_multi_step = 0, n_coalesced = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    const bool time = uni(0, 2) == 0;
    const DataType type = time ? DataType::Timestamp(TimeUnit::kNano)
                               : std::vector<DataType>{DataType::Int64(), DataType::Float64(),
                                                       DataType::String()}[size_t(uni(0, 2))];
    const auto& subset = subsets[size_t(uni(0, 4))];
    const bool drop = subset.has_value();
    // Old duplicates are only removed from rewritten rgs; the global model
    // applies when old data has none (else: the per-region model below).
    const bool old_clean = !drop || uni(0, 3) > 0;
    const int64_t span = uni(3, 40);
    auto random_row = [&]() {
      return Row{uni(0, span), std::string(1, char('x' + uni(0, 2))), uni(0, 1)};
    };
    // Existing rgs: sorted rows cut into runs of 1..5 rows.
    Rows old_rows;
    for (int64_t i = uni(0, 30); i > 0; --i) old_rows.push_back(random_row());
    old_rows = Reference(old_rows, old_clean ? subset : std::nullopt);
    std::vector<Rows> rgs;
    for (size_t i = 0; i < old_rows.size();) {
      const size_t len = std::min(old_rows.size() - i, size_t(uni(1, 5)));
      rgs.emplace_back(old_rows.begin() + long(i), old_rows.begin() + long(i + len));
      i += len;
    }
    // New rows: sorted, with ties and duplicates; de-duplicated
    // (docs/behaviour.md#writing step 2).
    Rows new_rows;
    for (int64_t i = uni(0, 15); i > 0; --i) new_rows.push_back(random_row());
    new_rows = Reference(new_rows, subset);
    if (rgs.empty() && new_rows.empty()) continue;

    WritePlanInput in;
    std::vector<int64_t> mins, maxs, values;
    for (const Rows& rg : rgs) {
      mins.push_back(rg.front().a);
      maxs.push_back(rg.back().a);
      in.rg_n_rows.push_back(int64_t(rg.size()));
    }
    for (const Row& r : new_rows) values.push_back(r.a);
    in.rg_mins = OrderedColumn(mins, type);
    in.rg_maxs = OrderedColumn(maxs, type);
    in.new_values = OrderedColumn(values, type);
    in.drop_duplicates = drop;
    const int64_t off = uni(0, 4);
    in.max_n_off_target_rgs = off == 0 ? std::nullopt : std::optional<int64_t>(off);
    const int64_t t = uni(1, 6);
    in.target = time ? RowGroupTarget::Period(*Frequency::Parse(periods[size_t(uni(0, 2))]))
                     : RowGroupTarget::NRows(t);
    in.ordered_on = "a";
    Result<WritePlan> planned = PlanWrite(in);
    ASSERT_TRUE(planned.ok()) << planned.status().ToString();
    const WritePlan& plan = *planned;
    MergeExecutionOptions options = Options(subset);

    const Execution ex = Execute(plan, rgs, new_rows, options, type);
    ASSERT_TRUE(ex.status.ok()) << ex.status.ToString();
    ++n_cases;
    const std::string ctx = "iter " + std::to_string(iter) + " old " + ToString(rgs) +
                            "new " + ToString(new_rows);

    // Loads: exactly the rgs the sequences name, each once, in order.
    std::vector<int64_t> expected_loads;
    for (const MergeSequence& s : plan.sequences) {
      for (int64_t i = s.rg_start; i < s.replaced_rg_end; ++i) expected_loads.push_back(i);
      n_multi_step += s.steps.size() > 1;
      n_coalesced += s.replaced_rg_end - s.rg_start > 1;
    }
    ASSERT_EQ(ex.loads, expected_loads) << ctx;

    // Per region: produced rows = model(old rows of its rgs, then its new rows).
    for (size_t k = 0; k < plan.sequences.size(); ++k) {
      const MergeSequence& s = plan.sequences[k];
      Rows input;
      for (int64_t i = s.rg_start; i < s.replaced_rg_end; ++i) {
        const Rows& rg = rgs[size_t(i)];
        input.insert(input.end(), rg.begin(), rg.end());
      }
      input.insert(input.end(), new_rows.begin() + s.df_start,
                   new_rows.begin() + s.steps.back().df_end);
      ASSERT_EQ(Concat(ex.produced[k]), Reference(input, subset)) << ctx << " sequence " << k;
      for (size_t j = 0; j < ex.produced[k].size(); ++j) {
        const Rows& rg = ex.produced[k][j];
        ASSERT_FALSE(rg.empty()) << ctx;
        if (time) {
          const PeriodGrid& grid = *plan.period_grid;
          ASSERT_EQ(grid.Index(rg.front().a), grid.Index(rg.back().a)) << ctx;
          if (j > 0) {
            ASSERT_NE(grid.Index(ex.produced[k][j - 1].back().a), grid.Index(rg.front().a))
                << ctx;
          }
        } else {
          ASSERT_LE(int64_t(rg.size()), t) << ctx;
        }
      }
    }

    // Resulting rg list: ordered, non-overlapping, equal to the global model.
    const std::vector<Rows> result = Assemble(plan, rgs, ex);
    for (size_t i = 0; i < result.size(); ++i) {
      ASSERT_FALSE(result[i].empty()) << ctx;
      ASSERT_TRUE(std::is_sorted(result[i].begin(), result[i].end(),
                                 [](const Row& x, const Row& y) { return x.a < y.a; }))
          << ctx;
      if (i > 0) {
        ASSERT_LE(result[i - 1].back().a, result[i].front().a) << ctx;
      }
    }
    if (old_clean) {
      ASSERT_EQ(Concat(result), Reference(Concat({old_rows, new_rows}), subset))
          << ctx << "\nresult " << ToString(result);
    }
  }
  // The generator reaches the interesting paths.
  EXPECT_GT(n_cases, 3000);
  EXPECT_GT(n_multi_step, 300);
  EXPECT_GT(n_coalesced, 300);
}

}  // namespace
}  // namespace oups::dataset
