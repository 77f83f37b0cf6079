#include "dataset/write_planner.h"

#include <algorithm>
#include <string>
#include <utility>

#include "oups/table/kernels.h"

namespace oups::dataset {
namespace {

// First k in [0, d.length()) with d[k] >= v[j] (searchsorted-left).
int64_t SearchLeft(const Column& d, const Column& v, int64_t j) {
  int64_t lo = 0, hi = d.length();
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (CompareValues(d, mid, v, j) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// First k with d[k] > v[j] (searchsorted-right).
int64_t SearchRight(const Column& d, const Column& v, int64_t j) {
  int64_t lo = 0, hi = d.length();
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (CompareValues(d, mid, v, j) <= 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

bool SameOrderedType(const DataType& a, const DataType& b) {
  if (a.id != b.id) return false;
  if (a.id == TypeId::kTimestamp || a.id == TypeId::kDuration) return a.unit == b.unit;
  return true;
}

Status TypeMismatch(const char* what_a, const DataType& a, const char* what_b,
                    const DataType& b) {
  std::string msg = "write planner: ";
  msg.append(what_a);
  msg.append(" are ");
  msg.append(a.ToString());
  msg.append(" but ");
  msg.append(what_b);
  msg.append(" are ");
  msg.append(b.ToString());
  return Status::TypeError(std::move(msg));
}

std::vector<OarRange> Runs(const std::vector<bool>& flags) {
  std::vector<OarRange> runs;
  const int64_t n = static_cast<int64_t>(flags.size());
  for (int64_t i = 0; i < n;) {
    if (!flags[static_cast<size_t>(i)]) {
      ++i;
      continue;
    }
    int64_t j = i;
    while (j < n && flags[static_cast<size_t>(j)]) ++j;
    runs.push_back({i, j});
    i = j;
  }
  return runs;
}

}  // namespace

int64_t RawTimeValue(const Column& column, int64_t i) {
  if (column.type().id == TypeId::kDate32) return column.data<int32_t>()[i];
  return column.data<int64_t>()[i];
}

Status CheckRowGroupStatistics(const Column& mins, const Column& maxs) {
  if (mins.length() != maxs.length()) {
    std::string msg = "write planner: ";
    msg.append(std::to_string(mins.length()));
    msg.append(" row-group mins but ");
    msg.append(std::to_string(maxs.length()));
    msg.append(" maxs");
    return Status::InvalidArgument(std::move(msg));
  }
  const int64_t r = mins.length();
  if (r == 0) return Status::OK();
  if (!SameOrderedType(mins.type(), maxs.type())) {
    return TypeMismatch("row-group mins", mins.type(), "maxs", maxs.type());
  }
  if (mins.has_nulls() || maxs.has_nulls()) {
    return Status::InvalidArgument("row-group statistics must not be null");
  }
  for (int64_t i = 0; i < r; ++i) {
    if (CompareValues(mins, i, maxs, i) > 0) {
      std::string msg = "row group ";
      msg.append(std::to_string(i));
      msg.append(" has its min above its max.");
      return Status::InvalidArgument(std::move(msg));
    }
    if (i + 1 < r && CompareValues(maxs, i, mins, i + 1) > 0) {
      std::string msg = "row groups must not overlap. (row groups ";
      msg.append(std::to_string(i));
      msg.append(" and ");
      msg.append(std::to_string(i + 1));
      msg.append(")");
      return Status::InvalidArgument(std::move(msg));
    }
  }
  return Status::OK();
}

Result<OarSet> ComputeOars(const Column& mins, const Column& maxs, const Column& new_values,
                           bool drop_duplicates) {
  const int64_t r = mins.length();
  const int64_t n = new_values.length();
  if (maxs.length() != r) {
    return Status::InvalidArgument("write planner: row-group mins and maxs differ in length");
  }
  OarSet out;
  if (r == 0) {
    out.oars.push_back(Oar{0, 0, 0, n, false, true});
    return out;
  }
  if (!SameOrderedType(mins.type(), maxs.type())) {
    return TypeMismatch("row-group mins", mins.type(), "maxs", maxs.type());
  }
  if (n > 0 && !SameOrderedType(mins.type(), new_values.type())) {
    return TypeMismatch("row-group statistics", mins.type(), "new ordered values",
                        new_values.type());
  }
  std::vector<int64_t> starts(static_cast<size_t>(r));
  std::vector<int64_t> ends(static_cast<size_t>(r));
  std::vector<bool> overlap(static_cast<size_t>(r));
  for (int64_t i = 0; i < r; ++i) {
    const size_t k = static_cast<size_t>(i);
    starts[k] = SearchLeft(new_values, mins, i);
    ends[k] = drop_duplicates ? SearchRight(new_values, maxs, i)
                              : SearchLeft(new_values, maxs, i);
    overlap[k] = ends[k] > starts[k];
  }
  // Shared boundary: rows equal to the shared value go to the later rg.
  for (int64_t i = 0; i + 1 < r; ++i) {
    const size_t k = static_cast<size_t>(i);
    if (overlap[k + 1] && CompareValues(mins, i + 1, maxs, i) == 0) {
      ends[k] = starts[k + 1];
      out.no_split.push_back(i + 1);
    }
  }
  int64_t cursor = 0;
  for (int64_t i = 0; i < r; ++i) {
    const size_t k = static_cast<size_t>(i);
    if (starts[k] > cursor) {
      out.oars.push_back(Oar{i, i, cursor, starts[k], false, true});
      cursor = starts[k];
    }
    const int64_t end = std::max(ends[k], cursor);
    out.oars.push_back(Oar{i, i + 1, cursor, end, true, overlap[k]});
    cursor = end;
  }
  if (n > cursor) out.oars.push_back(Oar{r, r, cursor, n, false, true});
  return out;
}

std::vector<OarRange> ComputeMergeRegions(
    const std::vector<bool>& has_df, const std::vector<bool>& on_target,
    std::optional<int64_t> max_n_off_target_rgs, bool has_new_rows,
    const std::function<bool(int64_t, int64_t)>& likely_exceeds) {
  // 1-2. Simple regions.
  std::vector<OarRange> simple = Runs(has_df);
  if (!max_n_off_target_rgs.has_value()) return simple;
  // 3. Candidates: runs of has_df OR off target.
  const size_t n = has_df.size();
  std::vector<bool> candidate_flags(n);
  for (size_t i = 0; i < n; ++i) candidate_flags[i] = has_df[i] || !on_target[i];
  std::vector<OarRange> confirmed;
  for (const OarRange& c : Runs(candidate_flags)) {
    int64_t n_off = 0;
    bool any_df = false;
    for (int64_t i = c.start; i < c.end; ++i) {
      n_off += on_target[static_cast<size_t>(i)] ? 0 : 1;
      any_df = any_df || has_df[static_cast<size_t>(i)];
    }
    // 4. With new rows, only candidates holding some.
    if (has_new_rows && !any_df) continue;
    // 5. Confirmed candidates.
    if (n_off > *max_n_off_target_rgs || likely_exceeds(c.start, c.end)) {
      confirmed.push_back(c);
    }
  }
  // 6. Resize mode.
  if (!has_new_rows) return confirmed;
  // 7. Simple regions inside a confirmed candidate are replaced by it.
  std::vector<OarRange> regions = confirmed;
  for (const OarRange& s : simple) {
    const bool inside = std::any_of(confirmed.begin(), confirmed.end(), [&](const OarRange& c) {
      return c.start <= s.start && s.end <= c.end;
    });
    if (!inside) regions.push_back(s);
  }
  std::sort(regions.begin(), regions.end(),
            [](const OarRange& a, const OarRange& b) { return a.start < b.start; });
  return regions;
}

std::vector<int64_t> NRowsSplitOffsets(int64_t n, int64_t target) {
  std::vector<int64_t> offsets;
  if (n <= 0 || target <= 0) return offsets;
  offsets.reserve(static_cast<size_t>((n - 1) / target + 1));
  for (int64_t o = 0; o < n; o += target) {
    offsets.push_back(o);
    if (o > n - target) break;  // no overflow on o + target
  }
  return offsets;
}

Result<std::vector<int64_t>> TimePeriodSplitOffsets(const Column& ordered,
                                                    const PeriodGrid& grid) {
  const TypeId id = ordered.type().id;
  if (id != TypeId::kTimestamp && id != TypeId::kDate32) {
    std::string msg = "time-period split: the ordered column is ";
    msg.append(ordered.type().ToString());
    msg.append(", not a timestamp or date");
    return Status::TypeError(std::move(msg));
  }
  std::vector<int64_t> offsets;
  const int64_t n = ordered.length();
  if (n == 0) return offsets;
  offsets.push_back(0);
  int64_t previous = grid.Index(RawTimeValue(ordered, 0));
  for (int64_t i = 1; i < n; ++i) {
    const int64_t p = grid.Index(RawTimeValue(ordered, i));
    if (p != previous) offsets.push_back(i);
    previous = p;
  }
  return offsets;
}

Status CheckRowGroupTargetRows(int64_t n_rows) {
  if (n_rows >= 1) return Status::OK();
  return Status::InvalidArgument("'row_group_target_size' must be >= 1, not " +
                                 std::to_string(n_rows) + ".");
}

Status CheckMaxNOffTargetRgs(const std::optional<int64_t>& max_n_off_target_rgs) {
  if (!max_n_off_target_rgs || *max_n_off_target_rgs >= 1) return Status::OK();
  if (*max_n_off_target_rgs == 0) {
    return Status::InvalidArgument("'max_n_off_target_rgs' cannot be 0.");
  }
  return Status::InvalidArgument("'max_n_off_target_rgs' must be >= 1, not " +
                                 std::to_string(*max_n_off_target_rgs) + ".");
}

Result<WritePlan> PlanWrite(const WritePlanInput& in) {
  const int64_t r = in.rg_mins.length();
  const int64_t n = in.new_values.length();
  // Validation.
  if (static_cast<int64_t>(in.rg_n_rows.size()) != r || in.rg_maxs.length() != r) {
    std::string msg = "write planner: ";
    msg.append(std::to_string(r));
    msg.append(" row-group mins, ");
    msg.append(std::to_string(in.rg_maxs.length()));
    msg.append(" maxs and ");
    msg.append(std::to_string(in.rg_n_rows.size()));
    msg.append(" row counts");
    return Status::InvalidArgument(std::move(msg));
  }
  for (int64_t rows : in.rg_n_rows) {
    if (rows < 0) return Status::InvalidArgument("write planner: negative row-group row count");
  }
  OUPS_RETURN_NOT_OK(CheckMaxNOffTargetRgs(in.max_n_off_target_rgs));
  if (in.target.is_n_rows()) OUPS_RETURN_NOT_OK(CheckRowGroupTargetRows(in.target.n_rows()));
  if (in.new_values.has_nulls()) {
    return Status::InvalidArgument("'df_ordered_on' must be sorted in ascending order.");
  }
  OUPS_RETURN_NOT_OK(CheckRowGroupStatistics(in.rg_mins, in.rg_maxs));

  WritePlan plan;
  plan.target = in.target;
  if (!in.target.is_n_rows()) {
    const DataType& type = n > 0 || r == 0 ? in.new_values.type() : in.rg_mins.type();
    OUPS_ASSIGN_OR_RETURN(PeriodGrid grid,
                          PeriodGrid::Make(in.target.period(), type, in.ordered_on));
    plan.period_grid = std::move(grid);
  }
  OUPS_ASSIGN_OR_RETURN(plan.oars,
                        ComputeOars(in.rg_mins, in.rg_maxs, in.new_values, in.drop_duplicates));
  // No rg and no new row: metadata only (docs/behaviour.md#writing).
  if (r == 0 && n == 0) return plan;

  const std::vector<Oar>& oars = plan.oars.oars;
  const size_t m = oars.size();
  std::vector<bool> has_df(m);
  for (size_t i = 0; i < m; ++i) has_df[i] = oars[i].has_df;
  plan.on_target.resize(m);

  // On-target classification (docs/behaviour.md#coalescing).
  std::function<bool(int64_t, int64_t)> likely_exceeds;
  if (in.target.is_n_rows()) {
    const int64_t t = in.target.n_rows();
    const int64_t min_size = t - (t + 4) / 5;  // floor(0.8 * T), exactly
    plan.min_rows.resize(m);
    plan.max_rows.resize(m);
    for (size_t i = 0; i < m; ++i) {
      const Oar& o = oars[i];
      const int64_t rg_rows = o.has_rg ? in.rg_n_rows[static_cast<size_t>(o.rg_start)] : 0;
      const int64_t df_rows = o.n_df();
      plan.max_rows[i] = rg_rows + df_rows;
      plan.min_rows[i] = in.drop_duplicates ? std::max(rg_rows, df_rows) : plan.max_rows[i];
      plan.on_target[i] = o.has_df ? plan.max_rows[i] >= min_size
                                   : (min_size <= plan.max_rows[i] && plan.max_rows[i] <= t);
    }
    likely_exceeds = [&plan, t](int64_t s, int64_t e) {
      int64_t sum = 0;
      for (int64_t i = s; i < e; ++i) {
        sum += plan.min_rows[static_cast<size_t>(i)];
        if (sum >= t) return true;
      }
      return false;
    };
  } else {
    const PeriodGrid& grid = *plan.period_grid;
    plan.lo_period.resize(m);
    plan.hi_period.resize(m);
    for (size_t i = 0; i < m; ++i) {
      const Oar& o = oars[i];
      int64_t lo, hi;
      if (o.has_rg) {
        lo = RawTimeValue(in.rg_mins, o.rg_start);
        hi = RawTimeValue(in.rg_maxs, o.rg_start);
      } else {
        lo = RawTimeValue(in.new_values, o.df_start);
        hi = RawTimeValue(in.new_values, o.df_end - 1);
      }
      plan.lo_period[i] = grid.Index(lo);
      plan.hi_period[i] = grid.Index(hi);
    }
    std::vector<int64_t> all;
    all.reserve(2 * m);
    all.insert(all.end(), plan.lo_period.begin(), plan.lo_period.end());
    all.insert(all.end(), plan.hi_period.begin(), plan.hi_period.end());
    std::sort(all.begin(), all.end());
    for (size_t i = 0; i < m; ++i) {
      const int64_t lo = plan.lo_period[i];
      const bool single = lo == plan.hi_period[i];
      const auto range = std::equal_range(all.begin(), all.end(), lo);
      const bool alone = range.second - range.first == 2;
      plan.on_target[i] = (oars[i].has_df && !single) || (single && alone);
    }
    likely_exceeds = [&plan](int64_t s, int64_t e) {
      return plan.lo_period[static_cast<size_t>(s)] != plan.hi_period[static_cast<size_t>(e - 1)];
    };
  }

  // Merge regions (docs/behaviour.md#coalescing).
  const std::vector<OarRange> regions =
      ComputeMergeRegions(has_df, plan.on_target, in.max_n_off_target_rgs, n > 0, likely_exceeds);

  // Merge sequences (docs/behaviour.md#merge).
  const std::vector<int64_t>& no_split = plan.oars.no_split;
  for (const OarRange& region : regions) {
    std::vector<int64_t> chosen;  // OAR indices, increasing
    if (in.target.is_n_rows()) {
      const int64_t t = in.target.n_rows();
      int64_t cum = 0;
      for (int64_t j = region.start; j < region.end; ++j) {
        const int64_t before = cum / t;
        cum += plan.min_rows[static_cast<size_t>(j)];
        if (cum / t > before) chosen.push_back(j);  // first OAR reaching some q * T
      }
      if (!chosen.empty()) chosen.pop_back();  // drop the largest, always
      chosen.push_back(region.end - 1);
    } else {
      // OAR spans are ordered, so lo periods are non-decreasing: the last OAR
      // of each distinct period is the one followed by another period.
      for (int64_t j = region.start; j < region.end; ++j) {
        if (j + 1 == region.end ||
            plan.lo_period[static_cast<size_t>(j + 1)] != plan.lo_period[static_cast<size_t>(j)]) {
          chosen.push_back(j);
        }
      }
    }
    MergeSequence seq;
    seq.region = region;
    const Oar& first = oars[static_cast<size_t>(region.start)];
    seq.rg_start = first.rg_start;
    seq.df_start = first.df_start;
    seq.replaced_rg_end = oars[static_cast<size_t>(region.end - 1)].rg_end;
    for (size_t c = 0; c < chosen.size(); ++c) {
      const Oar& o = oars[static_cast<size_t>(chosen[c])];
      const bool is_last = c + 1 == chosen.size();
      if (!is_last && std::binary_search(no_split.begin(), no_split.end(), o.rg_end)) continue;
      seq.steps.push_back({o.rg_end, o.df_end});
    }
    plan.sequences.push_back(std::move(seq));
  }

  // Resulting rg list (docs/behaviour.md#merge); "not a pure append".
  size_t k = 0;
  for (int64_t i = 0; i < r || k < plan.sequences.size();) {
    if (k < plan.sequences.size() && plan.sequences[k].rg_start <= i) {
      plan.row_groups.push_back({RowGroupSlot::Kind::kSequence, static_cast<int64_t>(k)});
      i = std::max(i, plan.sequences[k].replaced_rg_end);
      ++k;
    } else {
      plan.row_groups.push_back({RowGroupSlot::Kind::kKeep, i});
      ++i;
    }
  }
  plan.not_pure_append =
      plan.sequences.size() > 1 ||
      (plan.sequences.size() == 1 && plan.sequences[0].replaced_rg_end < r);
  return plan;
}

}  // namespace oups::dataset
