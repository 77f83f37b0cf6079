#include "dataset/write_planner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "oups/table/builder.h"
#include "ordered_column.h"

namespace oups::dataset {
namespace {

using V = std::vector<int64_t>;

// ------------------------------------------------------------------ helpers

// A column of `type` holding `values` (ordered-type mapping that keeps order:
// strings are zero-padded decimals).
Column Col(const V& values, const DataType& type = DataType::Int64()) {
  return oups::testing::OrderedColumn(values, type);
}

struct Case {
  V mins, maxs, n_rows, values;
  int64_t target = 4;
  bool drop = false;
  std::optional<int64_t> max_off = std::nullopt;
};

WritePlanInput Input(const Case& c, const DataType& type = DataType::Int64()) {
  WritePlanInput in;
  in.rg_mins = Col(c.mins, type);
  in.rg_maxs = Col(c.maxs, type);
  in.rg_n_rows = c.n_rows;
  in.new_values = Col(c.values, type);
  in.drop_duplicates = c.drop;
  in.target = RowGroupTarget::NRows(c.target);
  in.max_n_off_target_rgs = c.max_off;
  in.ordered_on = "a";
  return in;
}

WritePlan Plan(const WritePlanInput& in) {
  Result<WritePlan> p = PlanWrite(in);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : WritePlan{};
}
WritePlan Plan(const Case& c, const DataType& type = DataType::Int64()) {
  return Plan(Input(c, type));
}

// The spec's notation: "(first rg, [(rg_end, df_end), ...]), ..." or "(empty)".
std::string PlanString(const WritePlan& p) {
  if (p.sequences.empty()) return "(empty)";
  std::string s;
  for (const MergeSequence& seq : p.sequences) {
    if (!s.empty()) s.append(", ");
    s.append("(" + std::to_string(seq.rg_start) + ",[");
    for (size_t i = 0; i < seq.steps.size(); ++i) {
      if (i) s.append(",");
      s.append("(" + std::to_string(seq.steps[i].rg_end) + "," +
               std::to_string(seq.steps[i].df_end) + ")");
    }
    s.append("])");
  }
  return s;
}

// OARs as "(rg_start,rg_end,df_end,has_rg,has_df)" tuples.
std::string OarString(const std::vector<Oar>& oars) {
  std::string s;
  for (const Oar& o : oars) {
    if (!s.empty()) s.append(",");
    s.append("(" + std::to_string(o.rg_start) + "," + std::to_string(o.rg_end) + "," +
             std::to_string(o.df_end) + "," + (o.has_rg ? "T" : "F") + "," +
             (o.has_df ? "T" : "F") + ")");
  }
  return s;
}

OarSet Oars(const V& mins, const V& maxs, const V& values, bool drop) {
  Result<OarSet> r = ComputeOars(Col(mins), Col(maxs), Col(values), drop);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : OarSet{};
}

template <typename F>
std::vector<int64_t> Field(const std::vector<Oar>& oars, F f) {
  std::vector<int64_t> out;
  for (const Oar& o : oars) out.push_back(f(o));
  return out;
}
std::vector<bool> HasDf(const std::vector<Oar>& oars) {
  std::vector<bool> out;
  for (const Oar& o : oars) out.push_back(o.has_df);
  return out;
}

std::vector<bool> Flags(const std::string& tf) {
  std::vector<bool> out;
  for (char c : tf) out.push_back(c == 'T');
  return out;
}

// ---------------------------- ordered atomic regions (docs/behaviour.md#merge)

TEST(Oars, ReferenceCases) {
  EXPECT_EQ(OarString(Oars({10, 20, 30}, {15, 25, 35}, {12, 22, 32}, true).oars),
            "(0,1,1,T,T),(1,2,2,T,T),(2,3,3,T,T)");
  EXPECT_EQ(OarString(Oars({20, 30}, {25, 35}, {5, 22, 32}, false).oars),
            "(0,0,1,F,T),(0,1,2,T,T),(1,2,3,T,T)");
  EXPECT_EQ(OarString(Oars({20, 30}, {25, 35}, {5, 22, 32}, true).oars),
            "(0,0,1,F,T),(0,1,2,T,T),(1,2,3,T,T)");
  {
    const OarSet s = Oars({0, 10, 30}, {5, 15, 35}, {2, 32}, true);
    ASSERT_EQ(s.oars.size(), 3u);
    EXPECT_EQ(OarString({s.oars[1]}), "(1,2,1,T,F)");  // the middle rg, no new rows
  }
  {
    const OarSet s = Oars({20, 40, 43}, {25, 43, 45}, {5, 22, 32, 43, 46, 52}, false);
    EXPECT_EQ(Field(s.oars, [](const Oar& o) { return o.rg_start; }), V({0, 0, 1, 1, 2, 3}));
    EXPECT_EQ(Field(s.oars, [](const Oar& o) { return o.rg_end; }), V({0, 1, 1, 2, 3, 3}));
    EXPECT_EQ(Field(s.oars, [](const Oar& o) { return o.df_end; }), V({1, 2, 3, 3, 4, 6}));
    EXPECT_EQ(HasDf(s.oars), Flags("TTTFTT"));
    EXPECT_EQ(s.no_split, V({2}));  // 43 goes to rg 2, not rg 1
  }
  {
    const OarSet s = Oars({20, 40, 43}, {25, 43, 43}, {5, 22, 32, 43, 46, 52}, false);
    EXPECT_EQ(Field(s.oars, [](const Oar& o) { return o.df_end; }), V({1, 2, 3, 3, 3, 6}));
    EXPECT_EQ(HasDf(s.oars), Flags("TTTFFT"));
    EXPECT_TRUE(s.no_split.empty());  // rg 2 owns nothing: 43 goes after it
  }
  {
    const OarSet s = Oars({20, 40, 43}, {25, 43, 43}, {5, 22, 32, 43, 46, 52}, true);
    EXPECT_EQ(Field(s.oars, [](const Oar& o) { return o.df_end; }), V({1, 2, 3, 3, 4, 6}));
    EXPECT_EQ(HasDf(s.oars), Flags("TTTTTT"));
    EXPECT_EQ(s.no_split, V({2}));
    // rg 1 keeps has_df although its rows all moved to rg 2.
    EXPECT_EQ(s.oars[3].n_df(), 0);
  }
  {
    const OarSet s = Oars({40, 43}, {43, 45}, {22, 32, 43, 43, 44, 46}, true);
    EXPECT_EQ(Field(s.oars, [](const Oar& o) { return o.rg_start; }), V({0, 0, 1, 2}));
    EXPECT_EQ(Field(s.oars, [](const Oar& o) { return o.rg_end; }), V({0, 1, 2, 2}));
    EXPECT_EQ(Field(s.oars, [](const Oar& o) { return o.df_end; }), V({2, 2, 5, 6}));
    EXPECT_EQ(HasDf(s.oars), Flags("TTTT"));
    EXPECT_EQ(s.no_split, V({1}));
  }
  EXPECT_EQ(OarString(Oars({10, 20}, {15, 25}, {15, 16, 17, 22, 32}, false).oars),
            "(0,1,0,T,F),(1,1,3,F,T),(1,2,4,T,T),(2,2,5,F,T)");
  EXPECT_EQ(OarString(Oars({}, {}, {1, 2, 3}, false).oars), "(0,0,3,F,T)");
  EXPECT_EQ(OarString(Oars({1}, {4}, {}, false).oars), "(0,1,0,T,F)");
}

TEST(Oars, EdgeCases) {
  // No rg and no new row: one OAR with has_df.
  EXPECT_EQ(OarString(Oars({}, {}, {}, true).oars), "(0,0,0,F,T)");
  // Every new row before / after every rg.
  EXPECT_EQ(OarString(Oars({10, 20}, {15, 25}, {1, 2}, false).oars),
            "(0,0,2,F,T),(0,1,2,T,F),(1,2,2,T,F)");
  EXPECT_EQ(OarString(Oars({10, 20}, {15, 25}, {30, 31}, true).oars),
            "(0,1,0,T,F),(1,2,0,T,F),(2,2,2,F,T)");
  // A new row equal to an rg's max: no drop → after the rg; drop → in it.
  EXPECT_EQ(OarString(Oars({10}, {15}, {15}, false).oars), "(0,1,0,T,F),(1,1,1,F,T)");
  EXPECT_EQ(OarString(Oars({10}, {15}, {15}, true).oars), "(0,1,1,T,T)");
  // A new row equal to an rg's min belongs to it in both modes.
  EXPECT_EQ(OarString(Oars({10}, {15}, {10}, false).oars), "(0,1,1,T,T)");
  // Equal values across rgs: rows go to the last rg sharing the value (drop)
  // or after all of them (no drop).
  {
    const OarSet s = Oars({5, 5, 5}, {5, 5, 5}, {5, 5}, true);
    EXPECT_EQ(OarString(s.oars), "(0,1,0,T,T),(1,2,0,T,T),(2,3,2,T,T)");
    EXPECT_EQ(s.no_split, V({1, 2}));
  }
  {
    const OarSet s = Oars({5, 5, 5}, {5, 5, 5}, {5, 5}, false);
    EXPECT_EQ(OarString(s.oars), "(0,1,0,T,F),(1,2,0,T,F),(2,3,0,T,F),(3,3,2,F,T)");
    EXPECT_TRUE(s.no_split.empty());
  }
  // Shared boundary: NO_SPLIT as soon as the later rg owns new rows (equal
  // to the shared value or not); none when it owns none.
  {
    const OarSet s = Oars({1, 3}, {3, 6}, {2, 4}, true);
    EXPECT_EQ(OarString(s.oars), "(0,1,1,T,T),(1,2,2,T,T)");
    EXPECT_EQ(s.no_split, V({1}));
  }
  {
    const OarSet s = Oars({1, 3}, {3, 6}, {2}, true);
    EXPECT_EQ(OarString(s.oars), "(0,1,1,T,T),(1,2,1,T,F)");
    EXPECT_TRUE(s.no_split.empty());
  }
  // df starts are the previous OAR's df ends.
  const OarSet s = Oars({20, 40, 43}, {25, 43, 45}, {5, 22, 32, 43, 46, 52}, false);
  int64_t previous = 0;
  for (const Oar& o : s.oars) {
    EXPECT_EQ(o.df_start, previous);
    previous = o.df_end;
  }
}

TEST(Oars, TypeMismatch) {
  Result<OarSet> r = ComputeOars(Col({1}), Col({2}), Col({1}, DataType::String()), false);
  EXPECT_TRUE(r.status().IsTypeError());
}

// --------------------- on-target classification (docs/behaviour.md#coalescing)

// One OAR under test at index `which`, built from an actual plan.
bool OnTarget(const Case& c, size_t which) {
  const WritePlan p = Plan(c);
  EXPECT_LT(which, p.on_target.size());
  return which < p.on_target.size() && p.on_target[which];
}

TEST(Classification, NRowsExamples) {
  // T = 100, min_size 80.
  EXPECT_TRUE(OnTarget({{0}, {10}, {90}, {20}, 100, false, 1}, 0));    // rg-only 90
  EXPECT_FALSE(OnTarget({{0}, {10}, {120}, {20}, 100, false, 1}, 0));  // rg-only 120
  EXPECT_FALSE(OnTarget({{0}, {10}, {79}, {20}, 100, false, 1}, 0));   // rg-only 79
  EXPECT_TRUE(OnTarget({{0}, {10}, {80}, {20}, 100, false, 1}, 0));    // rg-only 80
  EXPECT_TRUE(OnTarget({{0}, {10}, {100}, {20}, 100, false, 1}, 0));   // rg-only 100
  V v85(85), v40(40), v30(30), v80(80);
  for (int64_t i = 0; i < 85; ++i) v85[size_t(i)] = i;
  for (int64_t i = 0; i < 40; ++i) v40[size_t(i)] = 1 + i;
  for (int64_t i = 0; i < 30; ++i) v30[size_t(i)] = 1 + i;
  for (int64_t i = 0; i < 80; ++i) v80[size_t(i)] = 1 + i;
  EXPECT_TRUE(OnTarget({{}, {}, {}, v85, 100, false, 1}, 0));             // df-only 85
  EXPECT_TRUE(OnTarget({{0}, {1000}, {50}, v40, 100, true, 1}, 0));       // 50 + 40
  EXPECT_FALSE(OnTarget({{0}, {1000}, {30}, v30, 100, true, 1}, 0));      // 30 + 30
  EXPECT_TRUE(OnTarget({{0}, {1000}, {30}, v80, 100, true, 1}, 0));       // 30 + 80
  // An oversized OAR with new rows is on target.
  EXPECT_TRUE(OnTarget({{0}, {1000}, {120}, v40, 100, true, 1}, 0));
  // Size estimates: min_rows = max(rg, df) when dropping, else the sum.
  const WritePlan drop = Plan({{0}, {1000}, {30}, v80, 100, true, 1});
  EXPECT_EQ(drop.min_rows, V({80}));
  EXPECT_EQ(drop.max_rows, V({110}));
  const WritePlan keep = Plan({{0}, {1000}, {30}, v80, 100, false, 1});
  EXPECT_EQ(keep.min_rows, V({110}));
  EXPECT_EQ(keep.max_rows, V({110}));
}

// Time-period helpers: naive ns timestamps.
constexpr int64_t kMin = 60'000'000'000;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;
int64_t Date(int64_t y, int64_t mo, int64_t d) {
  return FirstDayOfMonthIndex(12 * (y - 1970) + (mo - 1)) + d - 1;
}
int64_t Ts(int64_t y, int64_t mo, int64_t d, int64_t h = 0, int64_t mi = 0) {
  return Date(y, mo, d) * kDay + h * kHour + mi * kMin;
}
// 2024-01-01 hh:mm.
int64_t Hm(int64_t h, int64_t mi = 0) { return Ts(2024, 1, 1, h, mi); }

struct TimeCase {
  V mins, maxs, values;
  std::string period = "2h";
  bool drop = false;
  std::optional<int64_t> max_off = std::nullopt;
  DataType type = DataType::Timestamp(TimeUnit::kNano);
};

WritePlan TimePlan(const TimeCase& c) {
  WritePlanInput in;
  in.rg_mins = Col(c.mins, c.type);
  in.rg_maxs = Col(c.maxs, c.type);
  for (size_t i = 0; i < c.mins.size(); ++i) in.rg_n_rows.push_back(c.mins[i] == c.maxs[i] ? 1 : 2);
  in.new_values = Col(c.values, c.type);
  in.drop_duplicates = c.drop;
  Result<Frequency> f = Frequency::Parse(c.period);
  EXPECT_TRUE(f.ok());
  in.target = RowGroupTarget::Period(*f);
  in.max_n_off_target_rgs = c.max_off;
  in.ordered_on = "ts";
  return Plan(in);
}

TEST(Classification, TimePeriodExamples) {
  // P = "MS".
  EXPECT_EQ(TimePlan({{Ts(2023, 12, 1), Ts(2023, 12, 15)},
                      {Ts(2023, 12, 10), Ts(2023, 12, 20)},
                      {Ts(2024, 3, 5)},
                      "MS"})
                .on_target,
            Flags("FFT"));
  EXPECT_EQ(TimePlan({{Ts(2024, 1, 1)}, {Ts(2024, 2, 1)}, {Ts(2024, 3, 15)}, "MS"}).on_target,
            Flags("FT"));  // Feb 1 belongs to February
  EXPECT_EQ(TimePlan({{Ts(2024, 6, 10)},
                      {Ts(2024, 6, 15)},
                      {Ts(2024, 6, 16), Ts(2024, 6, 17), Ts(2024, 6, 18)},
                      "MS"})
                .on_target,
            Flags("FF"));
  EXPECT_EQ(TimePlan({{Ts(2024, 8, 15)},
                      {Ts(2024, 8, 17)},
                      {Ts(2024, 7, 15), Ts(2024, 8, 10)},
                      "MS"})
                .on_target,
            Flags("TF"));
  EXPECT_EQ(TimePlan({{Ts(2024, 3, 1)}, {Ts(2024, 3, 2)}, {Ts(2024, 4, 1), Ts(2024, 4, 30)}, "MS"})
                .on_target,
            Flags("TT"));
  EXPECT_EQ(TimePlan({{}, {}, {Ts(2024, 5, 18), Ts(2024, 6, 1)}, "MS"}).on_target, Flags("T"));
}

// -------------------------------- merge regions (docs/behaviour.md#coalescing)

std::vector<OarRange> Regions(const std::string& has_df, const std::string& on_target,
                              std::optional<int64_t> max_off, bool has_new_rows = true,
                              std::map<int64_t, bool> exceeds_by_start = {}) {
  return ComputeMergeRegions(Flags(has_df), Flags(on_target), max_off, has_new_rows,
                             [&](int64_t s, int64_t) {
                               auto it = exceeds_by_start.find(s);
                               return it != exceeds_by_start.end() && it->second;
                             });
}
using R = std::vector<OarRange>;

TEST(MergeRegions, ReferenceCases) {
  EXPECT_EQ(Regions("FTTF", "TFTT", 3), R({{1, 3}}));
  // Candidates kept (with new rows): [0,4) and [7,9).
  EXPECT_EQ(Regions("TFFTFFFTF", "FFFFTFTFF", 3, true, {{0, false}, {7, false}}),
            R({{0, 4}, {7, 8}}));
  EXPECT_EQ(Regions("TFFTFFFTF", "FFFFTFTFF", 10, true, {{0, false}, {7, true}}),
            R({{0, 1}, {3, 4}, {7, 9}}));
  EXPECT_EQ(Regions("FTFF", "TTFT", 3, true, {{1, true}}), R({{1, 3}}));
  EXPECT_EQ(Regions("FFFT", "FFFF", 1), R({{0, 4}}));
  EXPECT_EQ(Regions("TFFFFT", "FTFFTF", 1), R({{0, 1}, {5, 6}}));  // [2,4) has no new row
  // Resize mode (no new row).
  EXPECT_EQ(Regions("FF", "FF", 1, false), R({{0, 2}}));
  EXPECT_EQ(Regions("FF", "TT", 1, false), R({}));
}

TEST(MergeRegions, CoalescingOffAndOn) {
  // Without max_n_off_target_rgs: simple regions only.
  EXPECT_EQ(Regions("TFFTFFFTF", "FFFFTFTFF", std::nullopt), R({{0, 1}, {3, 4}, {7, 8}}));
  EXPECT_EQ(Regions("FF", "FF", std::nullopt, false), R({}));
  // Off count equal to max: not confirmed; one more: confirmed.
  EXPECT_EQ(Regions("TFF", "FFT", 2), R({{0, 1}}));
  EXPECT_EQ(Regions("TFF", "FFF", 2), R({{0, 3}}));
  // Likely exceeds alone confirms.
  EXPECT_EQ(Regions("TF", "TF", 10, true, {{0, true}}), R({{0, 2}}));
  // Resize mode: runs of off-target rgs anywhere.
  EXPECT_EQ(Regions("FFFFF", "FFTFF", 1, false), R({{0, 2}, {3, 5}}));
  EXPECT_EQ(Regions("FFFFF", "FTTFF", 1, false), R({{3, 5}}));
}

// ----------------------------------- merge sequences (docs/behaviour.md#merge)

TEST(MergeSequences, NRowsCutPointsExample) {
  // T = 100, min_rows [50,50,35,50,50] (no drop: rg rows + 1 new row each).
  const WritePlan p = Plan({{0, 10, 20, 30, 40},
                            {1, 11, 21, 31, 41},
                            {49, 49, 34, 49, 49},
                            {0, 10, 20, 30, 40},
                            100,
                            false,
                            std::nullopt});
  EXPECT_EQ(p.min_rows, V({50, 50, 35, 50, 50}));
  EXPECT_EQ(PlanString(p), "(0,[(2,2),(5,5)])");  // OARs 1 and 4
  ASSERT_EQ(p.sequences.size(), 1u);
  EXPECT_EQ(p.sequences[0].region, (OarRange{0, 5}));
  EXPECT_EQ(p.sequences[0].replaced_rg_end, 5);
  EXPECT_EQ(p.sequences[0].df_start, 0);
}

TEST(MergeSequences, LargestCutDroppedEvenWhenNotTheLast) {
  // min_rows [100, 10] (rg of 99 + one new row, then 10 orphans): the only
  // cut, at OAR 0, is the largest and is dropped; the last OAR is appended.
  V v = {5};
  for (int64_t i = 0; i < 10; ++i) v.push_back(50 + i);
  const WritePlan p = Plan({{0}, {10}, {99}, v, 100, false, std::nullopt});
  EXPECT_EQ(p.min_rows, V({100, 10}));
  EXPECT_EQ(PlanString(p), "(0,[(1,11)])");
}

// ------------------------------------ split sequence (docs/behaviour.md#merge)

TEST(SplitSequence, NRows) {
  EXPECT_EQ(NRowsSplitOffsets(100, 20), V({0, 20, 40, 60, 80}));
  EXPECT_EQ(NRowsSplitOffsets(15, 20), V({0}));
  EXPECT_EQ(NRowsSplitOffsets(45, 20), V({0, 20, 40}));
  EXPECT_EQ(NRowsSplitOffsets(1, 20), V({0}));
  EXPECT_EQ(NRowsSplitOffsets(40, 20), V({0, 20}));
  EXPECT_EQ(NRowsSplitOffsets(0, 20), V({}));
  EXPECT_EQ(NRowsSplitOffsets(3, 1), V({0, 1, 2}));
}

std::vector<int64_t> TimeSplit(const V& values, const std::string& freq,
                               const DataType& type = DataType::Timestamp(TimeUnit::kNano)) {
  Result<Frequency> f = Frequency::Parse(freq);
  EXPECT_TRUE(f.ok());
  Result<PeriodGrid> g = PeriodGrid::Make(*f, type, "ts");
  EXPECT_TRUE(g.ok());
  Result<std::vector<int64_t>> r = TimePeriodSplitOffsets(Col(values, type), *g);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : V{};
}

TEST(SplitSequence, TimePeriod) {
  EXPECT_EQ(TimeSplit({Ts(2024, 1, 1), Ts(2024, 1, 1, 12), Ts(2024, 2, 1), Ts(2024, 2, 2),
                       Ts(2024, 2, 29), Ts(2024, 3, 1)},
                      "MS"),
            V({0, 2, 5}));
  EXPECT_EQ(TimeSplit({Ts(2023, 12, 31), Ts(2024, 1, 1, 12), Ts(2024, 2, 1), Ts(2024, 2, 2),
                       Ts(2024, 2, 29)},
                      "MS"),
            V({0, 1, 2}));
  EXPECT_EQ(TimeSplit({Ts(2024, 1, 1, 12), Ts(2024, 1, 2, 12)}, "D"), V({0, 1}));
  EXPECT_EQ(TimeSplit({Ts(2024, 1, 1, 1), Ts(2024, 1, 1, 5), Ts(2024, 1, 1, 23)}, "D"), V({0}));
  EXPECT_EQ(TimeSplit({Hm(1), Hm(2), Hm(3)}, "h"), V({0, 1, 2}));
  EXPECT_EQ(TimeSplit({Ts(2024, 1, 1, 12), Ts(2024, 6, 1, 12)}, "D"), V({0, 1}));
  // Equal values never straddle.
  EXPECT_EQ(TimeSplit({Hm(1), Hm(1), Hm(3), Hm(3), Hm(3)}, "h"), V({0, 2}));
  EXPECT_EQ(TimeSplit({}, "h"), V({}));
  // date32 and second timestamps.
  EXPECT_EQ(TimeSplit({Date(2024, 1, 31), Date(2024, 2, 1), Date(2024, 2, 29)}, "ME",
                      DataType::Date32()),
            V({0, 2}));
  EXPECT_EQ(TimeSplit({Ts(2024, 1, 1) / 1'000'000'000, Ts(2024, 4, 1) / 1'000'000'000}, "QS",
                      DataType::Timestamp(TimeUnit::kSecond)),
            V({0, 1}));
  // Not a time column.
  Result<PeriodGrid> g = PeriodGrid::Make(*Frequency::Parse("h"), DataType::Date32(), "ts");
  EXPECT_TRUE(TimePeriodSplitOffsets(Col({1}), *g).status().IsTypeError());
}

// ----------------- n-rows reference cases (docs/behaviour.md#row-group-sizing)

struct RefCase {
  const char* name;
  Case c;
  V no_split;
  const char* plan;
  bool app;
};

const std::vector<RefCase>& NRowsReferenceTable() {
  static const std::vector<RefCase> cases = {
      {"complex",
       {{1, 3, 8, 11, 12, 14, 14, 19},
        {3, 6, 10, 11, 14, 14, 14, 22},
        {3, 3, 3, 1, 3, 3, 1, 2},
        {14, 18, 19, 20, 26},
        3,
        true,
        1},
       {5, 6},
       "(3,[(7,2),(8,5)])",
       false},
      {"islands 1",
       {{0, 6, 11, 13}, {6, 10, 12, 13}, {4, 4, 4, 1}, {3, 4, 13, 14}, 4, true, 1},
       {},
       "(0,[(1,2)]), (3,[(4,4)])",
       true},
      {"islands 2",
       {{0, 6, 11, 13}, {6, 10, 12, 13}, {4, 4, 4, 1}, {3, 6, 13, 14}, 4, true, 1},
       {1},
       "(0,[(2,2)]), (3,[(4,4)])",
       true},
      {"islands 3",
       {{0, 6, 11, 13}, {6, 10, 12, 13}, {4, 4, 4, 1}, {3, 6, 13, 14}, 4, false, 1},
       {1},
       "(0,[(2,2)]), (3,[(4,4)])",
       true},
      {"islands 4",
       {{0, 6, 11, 13}, {6, 10, 12, 13}, {4, 4, 4, 1}, {6, 7, 13, 14}, 4, false, 1},
       {1},
       "(1,[(2,2)]), (3,[(4,4)])",
       true},
      {"many small, no drop",
       {{0, 1, 2, 4, 5, 6, 8, 10},
        {1, 1, 3, 5, 6, 7, 9, 11},
        {2, 2, 2, 2, 2, 2, 2, 2},
        {1, 9, 13, 14},
        4,
        false,
        2},
       {},
       "(0,[(2,0),(4,1),(6,1),(7,2),(8,4)])",
       false},
      {"many small, drop",
       {{0, 1, 2, 4, 5, 6, 8, 10},
        {1, 1, 3, 5, 6, 7, 9, 11},
        {2, 2, 2, 2, 2, 2, 2, 2},
        {1, 9, 13, 14},
        4,
        true,
        2},
       {1},
       "(0,[(2,1),(4,1),(6,1),(8,4)])",
       false},
      {"simple append", {{0, 2}, {1, 3}, {2, 2}, {3}, 2, false, 2}, {}, "(2,[(2,1)])", false},
      {"merge tail (drop)",
       {{0, 6, 9}, {2, 8, 9}, {3, 3, 1}, {9}, 3, true, 2},
       {},
       "(2,[(3,1)])",
       false},
      {"tail exceeded",
       {{0, 3, 6, 7}, {2, 5, 6, 7}, {3, 3, 1, 1}, {8}, 3, false, 4},
       {},
       "(2,[(4,1)])",
       false},
      {"insert at start",
       {{2, 7, 9, 10}, {6, 8, 9, 10}, {2, 2, 1, 1}, {0, 1}, 2, true, 2},
       {},
       "(0,[(0,2)])",
       true},
      {"max_off not reached",
       {{0, 7, 11, 12}, {6, 10, 11, 12}, {4, 4, 1, 1}, {12}, 4, false, 3},
       {},
       "(4,[(4,1)])",
       false},
      {"max_off reached",
       {{0, 7, 11, 12}, {6, 10, 11, 12}, {4, 4, 1, 1}, {12}, 4, false, 2},
       {},
       "(2,[(4,1)])",
       false},
      {"max_off None",
       {{0, 7, 11, 12}, {6, 10, 11, 12}, {4, 4, 1, 1}, {12}, 4, false, std::nullopt},
       {},
       "(4,[(4,1)])",
       false},
      {"insert middle",
       {{0, 2, 7, 9, 10}, {1, 6, 8, 9, 10}, {2, 2, 2, 1, 1}, {2, 3, 4}, 2, true, 2},
       {},
       "(1,[(2,3)])",
       true},
      {"insert before small, no tail",
       {{0, 6, 11}, {2, 8, 11}, {4, 4, 1}, {8, 9}, 4, false, 3},
       {},
       "(2,[(2,2)])",
       true},
      {"insert before small, tail",
       {{0, 6, 10}, {2, 8, 10}, {3, 3, 1}, {8, 9}, 3, true, 3},
       {},
       "(1,[(3,2)])",
       false},
      {"no rgs", {{}, {}, {}, {4, 8, 12}, 4, false, std::nullopt}, {}, "(0,[(0,3)])", false},
      {"resize, off target", {{1, 4}, {2, 6}, {8, 10}, {}, 4, false, 1}, {}, "(0,[(1,0),(2,0)])",
       false},
      {"resize, on target", {{1, 4}, {2, 6}, {4, 4}, {}, 4, false, 1}, {}, "(empty)", false},
  };
  return cases;
}

TEST(PlannerReference, NRowsTable) {
  for (const RefCase& r : NRowsReferenceTable()) {
    SCOPED_TRACE(r.name);
    const WritePlan p = Plan(r.c);
    EXPECT_EQ(p.oars.no_split, r.no_split);
    EXPECT_EQ(PlanString(p), r.plan);
    EXPECT_EQ(p.not_pure_append, r.app);
  }
}

TEST(PlannerReference, NRowsTableForEveryOrderedType) {
  const std::vector<DataType> types = {
      DataType::Int32(),          DataType::UInt64(),  DataType::Float64(),
      DataType::Float32(),        DataType::String(),  DataType::Binary(),
      DataType::Timestamp(TimeUnit::kMicro, "UTC"), DataType::Date32(),
      DataType::Duration(TimeUnit::kMilli)};
  for (const DataType& type : types) {
    for (const RefCase& r : NRowsReferenceTable()) {
      SCOPED_TRACE(type.ToString() + " " + r.name);
      const WritePlan p = Plan(r.c, type);
      EXPECT_EQ(p.oars.no_split, r.no_split);
      EXPECT_EQ(PlanString(p), r.plan);
      EXPECT_EQ(p.not_pure_append, r.app);
    }
  }
}

TEST(PlannerReference, ResultingRowGroupLists) {
  using K = RowGroupSlot::Kind;
  // islands 1: (0,[(1,2)]), (3,[(4,4)]) over 4 rgs.
  const WritePlan islands = Plan(NRowsReferenceTable()[1].c);
  EXPECT_EQ(islands.row_groups, (std::vector<RowGroupSlot>{
                                    {K::kSequence, 0}, {K::kKeep, 1}, {K::kKeep, 2}, {K::kSequence, 1}}));
  EXPECT_EQ(islands.sequences[0].replaced_rg_end, 1);
  EXPECT_EQ(islands.sequences[1].rg_start, 3);
  EXPECT_EQ(islands.sequences[1].replaced_rg_end, 4);
  EXPECT_EQ(islands.sequences[1].df_start, 2);
  // complex: rgs 0-2 kept, 3..7 replaced.
  const WritePlan complex = Plan(NRowsReferenceTable()[0].c);
  EXPECT_EQ(complex.row_groups, (std::vector<RowGroupSlot>{
                                    {K::kKeep, 0}, {K::kKeep, 1}, {K::kKeep, 2}, {K::kSequence, 0}}));
  EXPECT_EQ(complex.sequences[0].region, (OarRange{3, 10}));
  EXPECT_EQ(complex.sequences[0].df_start, 0);
  // insert at start: a region of orphans only replaces nothing, before rg 0.
  const WritePlan start = Plan(NRowsReferenceTable()[10].c);
  EXPECT_EQ(start.sequences[0].replaced_rg_end, 0);
  EXPECT_EQ(start.row_groups,
            (std::vector<RowGroupSlot>{
                {K::kSequence, 0}, {K::kKeep, 0}, {K::kKeep, 1}, {K::kKeep, 2}, {K::kKeep, 3}}));
  // An orphan region between two kept rgs.
  const WritePlan gap = Plan({{0, 5}, {1, 9}, {4, 4}, {3}, 4, false, std::nullopt});
  EXPECT_EQ(PlanString(gap), "(1,[(1,1)])");
  EXPECT_EQ(gap.row_groups,
            (std::vector<RowGroupSlot>{{K::kKeep, 0}, {K::kSequence, 0}, {K::kKeep, 1}}));
  EXPECT_TRUE(gap.not_pure_append);
  // Append after everything.
  const WritePlan append = Plan({{0}, {1}, {4}, {5, 6}, 4, false, std::nullopt});
  EXPECT_EQ(append.row_groups, (std::vector<RowGroupSlot>{{K::kKeep, 0}, {K::kSequence, 0}}));
  EXPECT_FALSE(append.not_pure_append);
}

// ---------------- time-period reference cases (docs/behaviour.md#time-periods)

struct TimeRef {
  const char* name;
  TimeCase c;
  const char* plan;
  bool app;
};

TEST(PlannerReference, TimePeriodTable) {
  const std::vector<TimeRef> cases = {
      {"append, off-boundary",
       {{Hm(8, 10), Hm(10, 10)}, {Hm(9, 10), Hm(10, 10)}, {Hm(12, 10)}, "2h", false, 3},
       "(2,[(2,1)])",
       false},
      {"equal value, no drop",
       {{Hm(8, 10), Hm(10, 10)}, {Hm(9, 10), Hm(10, 10)}, {Hm(10, 10)}, "2h", false, 3},
       "(2,[(2,1)])",
       false},
      {"equal value, drop",
       {{Hm(8, 10), Hm(10, 10)}, {Hm(9, 10), Hm(10, 10)}, {Hm(10, 10)}, "2h", true, 3},
       "(1,[(2,1)])",
       false},
      {"merge tail",
       {{Hm(8), Hm(10), Hm(11)}, {Hm(9), Hm(10), Hm(11)}, {Hm(13)}, "2h", true, 3},
       "(1,[(3,0),(3,1)])",
       false},
      {"insert at start, new period",
       {{Hm(8), Hm(12), Hm(13)}, {Hm(9), Hm(12), Hm(13)}, {Hm(7, 30)}, "2h", true, 2},
       "(0,[(0,1)])",
       true},
      {"insert at start, same period",
       {{Hm(8, 10), Hm(12, 10), Hm(13, 10)}, {Hm(9, 10), Hm(12, 10), Hm(13, 10)}, {Hm(8)}, "2h",
        true, 2},
       "(0,[(1,1),(3,1)])",
       false},
      {"max_off not reached",
       {{Hm(8), Hm(10), Hm(11)}, {Hm(9), Hm(10), Hm(11)}, {Hm(11)}, "2h", false, 3},
       "(3,[(3,1)])",
       false},
      {"max_off reached",
       {{Hm(8), Hm(10), Hm(11)}, {Hm(9), Hm(10), Hm(11)}, {Hm(11)}, "2h", false, 2},
       "(1,[(3,1)])",
       false},
      {"insert in gap",
       {{Hm(8), Hm(12), Hm(14)}, {Hm(9), Hm(12), Hm(14)}, {Hm(10, 30)}, "2h", true, 2},
       "(1,[(1,1)])",
       true},
      {"empty periods skipped",
       {{Hm(8), Hm(10)}, {Hm(9), Hm(10)}, {Hm(23)}, "2h", true, 2},
       "(2,[(2,1)])",
       false},
      {"resize", {{Hm(8), Hm(13)}, {Hm(11), Hm(19)}, {}, "2h", true, 1}, "(0,[(1,0),(2,0)])",
       false},
      {"resize, on target",
       {{Hm(8), Hm(13)}, {Hm(9, 59), Hm(13, 59)}, {}, "2h", true, 1},
       "(empty)",
       false},
  };
  const std::vector<DataType> types = {DataType::Timestamp(TimeUnit::kNano),
                                       DataType::Timestamp(TimeUnit::kMicro),
                                       DataType::Timestamp(TimeUnit::kSecond, "UTC")};
  for (const DataType& type : types) {
    const int64_t div = type.unit == TimeUnit::kNano ? 1
                        : type.unit == TimeUnit::kMicro ? 1'000
                                                        : 1'000'000'000;
    for (TimeRef r : cases) {
      SCOPED_TRACE(type.ToString() + " " + r.name);
      for (V* v : {&r.c.mins, &r.c.maxs, &r.c.values}) {
        for (int64_t& x : *v) x /= div;
      }
      r.c.type = type;
      const WritePlan p = TimePlan(r.c);
      EXPECT_EQ(PlanString(p), r.plan);
      EXPECT_EQ(p.not_pure_append, r.app);
      EXPECT_TRUE(p.min_rows.empty());
      ASSERT_TRUE(p.period_grid.has_value());
    }
  }
}

TEST(PlannerTimePeriod, DatesAndCalendarPeriods) {
  // date32 column, P = "MS": rgs in January (two) and March; new rows in
  // January join both January rgs (not alone in their period), March kept.
  TimeCase c;
  c.type = DataType::Date32();
  c.period = "MS";
  c.mins = {Date(2024, 1, 2), Date(2024, 1, 10), Date(2024, 3, 1)};
  c.maxs = {Date(2024, 1, 5), Date(2024, 1, 20), Date(2024, 3, 31)};
  c.values = {Date(2024, 1, 25)};
  c.drop = true;
  c.max_off = 1;
  const WritePlan p = TimePlan(c);
  EXPECT_EQ(p.on_target, Flags("FFFT"));
  EXPECT_EQ(PlanString(p), "(0,[(2,1)])");
  EXPECT_TRUE(p.not_pure_append);
  // Steps: one per distinct period, the last OAR of each.
  c.values = {Date(2024, 1, 25), Date(2024, 2, 3), Date(2024, 2, 4)};
  const WritePlan q = TimePlan(c);
  // OARs: rg0, rg1, orphan [Jan 25 - Feb 4] (spans two months), rg2.
  EXPECT_EQ(q.lo_period, V({648, 648, 648, 650}));
  EXPECT_EQ(q.hi_period, V({648, 648, 649, 650}));
  EXPECT_EQ(PlanString(q), "(0,[(2,3)])");
  // A non-time ordered column with a period target.
  WritePlanInput in = Input({{1}, {2}, {2}, {3}, 4, false, std::nullopt});
  in.target = RowGroupTarget::Period(*Frequency::Parse("h"));
  Result<WritePlan> bad = PlanWrite(in);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsTypeError());
  EXPECT_EQ(bad.status().message(),
            "if 'row_group_target_size' is a pandas 'freqstr', dtype of column a has to be a "
            "timestamp or date type.");
}

// ----------- regressions at planning level (docs/behaviour.md#writing, #merge)

TEST(PlannerRegression, Section42PlansOnDeduplicatedValues) {
  // rgs a = [1,2,3], [10,11,12]; new a = [2,2,11] de-duplicated on "a" into
  // [2, 11] before planning (docs/behaviour.md#writing step 2). T = 3, drop.
  const Case dedup{{1, 10}, {3, 12}, {3, 3}, {2, 11}, 3, true, std::nullopt};
  const WritePlan p = Plan(dedup);
  EXPECT_EQ(OarString(p.oars.oars), "(0,1,1,T,T),(1,2,2,T,T)");
  // The first step loads rg 0 with the new 2 only; 11 goes with rg 1.
  EXPECT_EQ(PlanString(p), "(0,[(1,1),(2,2)])");
  EXPECT_FALSE(p.not_pure_append);
  // (On the pre-de-duplication values the first step would load [2,2] and the
  // second would still be aligned; the bug was the original's row shift.)
  const WritePlan raw = Plan({{1, 10}, {3, 12}, {3, 3}, {2, 2, 11}, 3, true, std::nullopt});
  EXPECT_EQ(PlanString(raw), "(0,[(1,2),(2,3)])");
}

TEST(PlannerRegression, Section48ResizeWithDuplicatesAcrossSteps) {
  // rgs a=[1,2,2] and a=[2,3,3]; no new row, T = 2, drop, max_off 1: both
  // rgs are off target and rewritten in two steps (the executor holds back
  // the rows equal to the chunk's last value, docs/behaviour.md#merge).
  const WritePlan p = Plan({{1, 2}, {2, 3}, {3, 3}, {}, 2, true, 1});
  EXPECT_EQ(p.on_target, Flags("FF"));
  EXPECT_EQ(PlanString(p), "(0,[(1,0),(2,0)])");
  EXPECT_TRUE(p.oars.no_split.empty());
}

// ----------------------------------------------------------------- edge cases

TEST(PlannerEdge, NothingToDo) {
  // No rg and no new row: empty plan (metadata only).
  const WritePlan none = Plan({{}, {}, {}, {}, 4, true, 1});
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(none.row_groups.empty());
  EXPECT_EQ(OarString(none.oars.oars), "(0,0,0,F,T)");
  // Rgs and no new row, no coalescing: nothing rewritten, all kept.
  const WritePlan keep = Plan({{0, 5}, {1, 6}, {1, 1}, {}, 4, false, std::nullopt});
  EXPECT_TRUE(keep.empty());
  EXPECT_EQ(keep.row_groups.size(), 2u);
  EXPECT_FALSE(keep.not_pure_append);
}

TEST(PlannerEdge, AllNewRowsBeforeOrAfter) {
  const WritePlan before = Plan({{10, 20}, {15, 25}, {4, 4}, {1, 2}, 4, false, std::nullopt});
  EXPECT_EQ(PlanString(before), "(0,[(0,2)])");
  EXPECT_TRUE(before.not_pure_append);
  const WritePlan after = Plan({{10, 20}, {15, 25}, {4, 4}, {30, 31}, 4, false, std::nullopt});
  EXPECT_EQ(PlanString(after), "(2,[(2,2)])");
  EXPECT_FALSE(after.not_pure_append);
  // Coalescing an off-target tail into an append.
  const WritePlan tail = Plan({{10, 20}, {15, 25}, {4, 1}, {30}, 4, false, 1});
  EXPECT_EQ(PlanString(tail), "(1,[(2,1)])");
  // Many new rows: cut every T rows of min_rows (no rg).
  V many(10);
  for (int64_t i = 0; i < 10; ++i) many[size_t(i)] = i;
  EXPECT_EQ(PlanString(Plan({{}, {}, {}, many, 4, false, std::nullopt})), "(0,[(0,10)])");
}

TEST(PlannerEdge, EqualValuesAcrossRowGroups) {
  // Drop: all three rgs sharing 5 are loaded together in one step.
  const WritePlan drop = Plan({{5, 5, 5}, {5, 5, 5}, {2, 2, 2}, {5}, 2, true, std::nullopt});
  EXPECT_EQ(drop.oars.no_split, V({1, 2}));
  EXPECT_EQ(PlanString(drop), "(0,[(3,1)])");
  // No drop: the new 5 is appended after them.
  const WritePlan keep = Plan({{5, 5, 5}, {5, 5, 5}, {2, 2, 2}, {5}, 2, false, std::nullopt});
  EXPECT_EQ(PlanString(keep), "(3,[(3,1)])");
  EXPECT_FALSE(keep.not_pure_append);
}

TEST(PlannerEdge, NoSplitStepsRemoved) {
  // rgs [0-4] and [4-8] (4 rows each), T = 4, drop, new [4]: cut points would
  // fall between the two rgs, which share the hit value 4.
  const WritePlan p = Plan({{0, 4}, {4, 8}, {4, 4}, {4}, 4, true, std::nullopt});
  EXPECT_EQ(p.oars.no_split, V({1}));
  EXPECT_EQ(OarString(p.oars.oars), "(0,1,0,T,T),(1,2,1,T,T)");
  EXPECT_EQ(PlanString(p), "(0,[(2,1)])");
}

TEST(PlannerEdge, Validation) {
  Case c{{0, 5}, {5, 9}, {2, 2}, {3}, 4, false, 0};
  Result<WritePlan> r = PlanWrite(Input(c));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_EQ(r.status().message(), "'max_n_off_target_rgs' cannot be 0.");
  c.max_off = -1;
  EXPECT_TRUE(PlanWrite(Input(c)).status().IsInvalidArgument());
  c.max_off = std::nullopt;
  c.target = 0;
  EXPECT_TRUE(PlanWrite(Input(c)).status().IsInvalidArgument());
  c.target = 4;
  // Overlapping rgs (docs/behaviour.md#on-disk-layout); a shared boundary is
  // fine.
  EXPECT_TRUE(PlanWrite(Input(c)).ok());
  Case overlap{{0, 4}, {5, 9}, {2, 2}, {3}, 4, false, std::nullopt};
  r = PlanWrite(Input(overlap));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_EQ(r.status().message().rfind("row groups must not overlap.", 0), 0u);
  Case inverted{{5}, {4}, {2}, {}, 4, false, std::nullopt};
  EXPECT_TRUE(PlanWrite(Input(inverted)).status().IsInvalidArgument());
  // Length mismatch.
  WritePlanInput in = Input(c);
  in.rg_n_rows.push_back(3);
  EXPECT_TRUE(PlanWrite(in).status().IsInvalidArgument());
  in = Input(c);
  in.rg_n_rows[0] = -1;
  EXPECT_TRUE(PlanWrite(in).status().IsInvalidArgument());
  // Types of statistics and new values differ.
  in = Input(c);
  in.new_values = Col({3}, DataType::String());
  EXPECT_TRUE(PlanWrite(in).status().IsTypeError());
  in = Input(c);
  in.rg_maxs = Col({5, 9}, DataType::Timestamp(TimeUnit::kNano));
  in.rg_mins = Col({0, 5}, DataType::Timestamp(TimeUnit::kMilli));
  in.new_values = Col({3}, DataType::Timestamp(TimeUnit::kMilli));
  EXPECT_TRUE(PlanWrite(in).status().IsTypeError());
}

TEST(PlannerEdge, SequencesCoverEveryNewRowOnce) {
  // Whatever the plan, sequences are disjoint, in order, and their df ranges
  // tile [0, N); steps are non-decreasing.
  for (const RefCase& r : NRowsReferenceTable()) {
    SCOPED_TRACE(r.name);
    const WritePlan p = Plan(r.c);
    int64_t df = 0, rg = 0;
    for (const MergeSequence& s : p.sequences) {
      EXPECT_EQ(s.df_start, df);
      EXPECT_GE(s.rg_start, rg);
      int64_t prev_rg = s.rg_start, prev_df = s.df_start;
      for (const LoadStep& st : s.steps) {
        EXPECT_GE(st.rg_end, prev_rg);
        EXPECT_GE(st.df_end, prev_df);
        prev_rg = st.rg_end;
        prev_df = st.df_end;
      }
      ASSERT_FALSE(s.steps.empty());
      EXPECT_EQ(s.steps.back().rg_end, s.replaced_rg_end);
      df = s.steps.back().df_end;
      rg = s.replaced_rg_end;
    }
    EXPECT_EQ(df, static_cast<int64_t>(r.c.values.size()));
  }
}


// Random plans against the properties the executor relies on: every rg is
// either kept or replaced by exactly one sequence, in order; sequences tile the
// new rows; a new row never lands inside a kept rg's range nor before an equal
// old row; steps are monotone, end on the region's end and avoid NO_SPLIT.
TEST(PlannerRandom, PlacementInvariants) {
  std::mt19937_64 rng(7);
  auto uni = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int iter = 0; iter < 20000; ++iter) {
    SCOPED_TRACE(iter);
    const int64_t r = uni(0, 7);
    V mins, maxs, n_rows, values;
    int64_t v = uni(0, 3);
    for (int64_t i = 0; i < r; ++i) {
      v += i == 0 ? 0 : uni(0, 2);
      mins.push_back(v);
      v += uni(0, 3);
      maxs.push_back(v);
      n_rows.push_back(uni(1, 6));
    }
    const int64_t n = uni(0, 8);
    for (int64_t i = 0; i < n; ++i) values.push_back(uni(-2, v + 3));
    std::sort(values.begin(), values.end());
    const bool drop = uni(0, 1) == 1;
    const int64_t off_choice = uni(0, 3);
    const std::optional<int64_t> max_off =
        off_choice == 0 ? std::nullopt : std::optional<int64_t>(off_choice);
    const bool time = uni(0, 2) == 0;
    WritePlanInput in;
    const DataType type = time ? DataType::Timestamp(TimeUnit::kNano) : DataType::Int64();
    in.rg_mins = Col(mins, type);
    in.rg_maxs = Col(maxs, type);
    in.rg_n_rows = n_rows;
    in.new_values = Col(values, type);
    in.drop_duplicates = drop;
    in.max_n_off_target_rgs = max_off;
    in.target = time ? RowGroupTarget::Period(*Frequency::Parse(uni(0, 1) ? "3ns" : "2ns"))
                     : RowGroupTarget::NRows(uni(1, 6));
    const WritePlan p = Plan(in);
    if (r == 0 && n == 0) {
      EXPECT_TRUE(p.empty());
      continue;
    }
    // Rg coverage and order.
    std::vector<int> seen(static_cast<size_t>(r), 0);
    int64_t next_rg = 0;
    for (const RowGroupSlot& slot : p.row_groups) {
      if (slot.kind == RowGroupSlot::Kind::kKeep) {
        ASSERT_EQ(slot.index, next_rg);
        ++seen[size_t(slot.index)];
        ++next_rg;
      } else {
        const MergeSequence& s = p.sequences[size_t(slot.index)];
        ASSERT_EQ(s.rg_start, next_rg);
        for (int64_t k = s.rg_start; k < s.replaced_rg_end; ++k) ++seen[size_t(k)];
        next_rg = s.replaced_rg_end;
      }
    }
    ASSERT_EQ(next_rg, r);
    for (int c : seen) ASSERT_EQ(c, 1);
    // Sequences: df tiling, monotone steps, NO_SPLIT.
    int64_t df = 0;
    for (const MergeSequence& s : p.sequences) {
      ASSERT_EQ(s.df_start, df);
      ASSERT_FALSE(s.steps.empty());
      int64_t prev_rg = s.rg_start, prev_df = s.df_start;
      for (size_t k = 0; k < s.steps.size(); ++k) {
        const LoadStep& st = s.steps[k];
        ASSERT_GE(st.rg_end, prev_rg);
        ASSERT_GE(st.df_end, prev_df);
        if (k + 1 < s.steps.size()) {
          ASSERT_FALSE(std::binary_search(p.oars.no_split.begin(), p.oars.no_split.end(),
                                          st.rg_end));
        }
        prev_rg = st.rg_end;
        prev_df = st.df_end;
      }
      ASSERT_EQ(s.steps.back().rg_end, s.replaced_rg_end);
      df = s.steps.back().df_end;
    }
    ASSERT_EQ(df, n);
    // Placement: new rows of a sequence sit strictly between its kept
    // neighbours (after an equal old max when not dropping).
    for (size_t k = 0; k < p.row_groups.size(); ++k) {
      if (p.row_groups[k].kind != RowGroupSlot::Kind::kSequence) continue;
      const MergeSequence& s = p.sequences[size_t(p.row_groups[k].index)];
      for (int64_t j = s.df_start; j < s.steps.back().df_end; ++j) {
        const int64_t x = values[size_t(j)];
        if (s.rg_start > 0) {
          const int64_t prev_max = maxs[size_t(s.rg_start - 1)];
          ASSERT_TRUE(drop ? x > prev_max : x >= prev_max) << x << " after rg max " << prev_max;
        }
        if (s.replaced_rg_end < r) {
          ASSERT_LT(x, mins[size_t(s.replaced_rg_end)]);
        }
      }
    }
  }
}

}  // namespace
}  // namespace oups::dataset
