// Write planner of OrderedDataset::Write (docs/behaviour.md#merge): the pure,
// I/O-free decision of which existing row groups (rgs) and which new rows are
// merged together, in how many load steps, and where merged chunks are cut.
//
// Inputs are the existing rgs' ordered-column statistics (a Column of mins and
// a Column of maxs, one slot per rg, plus row counts) and the new rows' ordered
// values (one Column, non-decreasing, null-free, already de-duplicated among
// themselves when dropping duplicates: docs/behaviour.md#writing step 2). The
// three columns must share the ordered column's type (any ordered type of
// docs/behaviour.md#ordered-column: integers, floats, timestamps, dates,
// durations, strings, binary); values are compared with oups::CompareValues.
// Nothing is read or written: the executor follows the returned WritePlan
// (docs/behaviour.md#merge) and rebuilds the rg list from WritePlan::row_groups
// (docs/behaviour.md#merge).
//
// Entry points, from the most composite to the smallest pieces (each one is a
// rule of docs/behaviour.md#merge and docs/behaviour.md#coalescing and is
// tested against reference cases):
//   PlanWrite            everything below, for one write;
//   ComputeOars          ordered atomic regions and NO_SPLIT;
//   ComputeMergeRegions  merge regions from the has_df / on-target flags;
//   NRowsSplitOffsets, TimePeriodSplitOffsets  cut points of a chunk.
//
// How the executor follows a WritePlan (docs/behaviour.md#merge): a df cursor
// starts at 0; for each MergeSequence, the rg cursor starts at rg_start and the
// remainder is empty; each LoadStep loads rgs [rg cursor, rg_end) and new rows
// [df cursor, df_end), merges them after the remainder (ties: remainder, old,
// new), de-duplicates if dropping, cuts with NRowsSplitOffsets(rows, T) or
// TimePeriodSplitOffsets(chunk ordered column, *period_grid), emits every piece
// but the tail (and the pieces holding the chunk's last ordered value when
// dropping, unless it is the last step), keeps the rest as remainder, and emits
// everything at the last step. The new rg list is row_groups with each
// kSequence slot expanded into the rgs its sequence produced.
//
// Thread-safety: pure functions over immutable inputs. Ownership: results are
// plain values owning their vectors; input Columns are not retained.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dataset/frequency.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/result.h"
#include "oups/table/column.h"

namespace oups::dataset {

// An ordered atomic region (docs/behaviour.md#merge): one existing rg with the
// new rows falling in its value range, or a maximal run of new rows falling in
// no rg ("orphan"). New rows [df_start, df_end); existing rgs [rg_start,
// rg_end) (0 or 1 rg).
struct Oar {
  int64_t rg_start = 0;
  int64_t rg_end = 0;
  int64_t df_start = 0;
  int64_t df_end = 0;
  bool has_rg = false;
  // Owns new rows, or owned some before the shared-boundary correction
  // (docs/behaviour.md#merge), or is the single OAR of an rg-less dataset.
  bool has_df = false;
  int64_t n_df() const { return df_end - df_start; }
  friend bool operator==(const Oar&, const Oar&) = default;
};

struct OarSet {
  std::vector<Oar> oars;
  // NO_SPLIT: rg indices i+1 such that "rg end i+1" is not a usable load split
  // point (rgs i and i+1 share a boundary value that new rows hit). Sorted.
  std::vector<int64_t> no_split;
};

// docs/behaviour.md#merge. `mins`/`maxs` have one slot per existing rg;
// `new_values` are the new rows' ordered values. Preconditions: rgs sorted and
// non-overlapping (see CheckRowGroupStatistics), new values non-decreasing and
// null-free. TypeError if the three column types differ.
[[nodiscard]] Result<OarSet> ComputeOars(const Column& mins, const Column& maxs,
                                         const Column& new_values, bool drop_duplicates);

// docs/behaviour.md#on-disk-layout: every rg has min <= max, and adjacent rgs
// never overlap (max[i] <= min[i+1]); nulls are refused. InvalidArgument "row
// groups must not overlap." (mentioning the rgs) otherwise; TypeError if types
// differ.
[[nodiscard]] Status CheckRowGroupStatistics(const Column& mins, const Column& maxs);

// docs/behaviour.md#coalescing. Merge regions as [start, end) of OAR indices,
// sorted by start. `likely_exceeds(s, e)` answers the "likely exceeds the
// target" of docs/behaviour.md#coalescing for candidate [s, e); it is only
// called on candidates kept after step 4. `max_n_off_target_rgs` nullopt = no
// coalescing.
struct OarRange {
  int64_t start = 0;
  int64_t end = 0;
  friend bool operator==(const OarRange&, const OarRange&) = default;
};
[[nodiscard]] std::vector<OarRange> ComputeMergeRegions(
    const std::vector<bool>& has_df, const std::vector<bool>& on_target,
    std::optional<int64_t> max_n_off_target_rgs, bool has_new_rows,
    const std::function<bool(int64_t, int64_t)>& likely_exceeds);

// The row-group target of a write (docs/behaviour.md#write-parameters): n-rows
// T, or time period P.
class RowGroupTarget {
 public:
  static RowGroupTarget NRows(int64_t target) { return RowGroupTarget(target, {}); }
  static RowGroupTarget Period(Frequency frequency) {
    return RowGroupTarget(0, std::move(frequency));
  }
  bool is_n_rows() const { return !period_.has_value(); }
  int64_t n_rows() const { return n_rows_; }
  const Frequency& period() const { return *period_; }

 private:
  RowGroupTarget(int64_t n, std::optional<Frequency> p) : n_rows_(n), period_(std::move(p)) {}
  int64_t n_rows_ = 0;
  std::optional<Frequency> period_;
};

// The one check of the user's row-group settings, with the user's messages
// (ValidateWrite calls them before touching the disk, PlanWrite as its
// precondition): InvalidArgument "'row_group_target_size' must be >= 1, not
// <n>." for an n-rows target below 1; "'max_n_off_target_rgs' cannot be 0."
// and "'max_n_off_target_rgs' must be >= 1, not <n>." (nullopt: no
// coalescing, valid).
[[nodiscard]] Status CheckRowGroupTargetRows(int64_t n_rows);
[[nodiscard]] Status CheckMaxNOffTargetRgs(const std::optional<int64_t>& max_n_off_target_rgs);

struct WritePlanInput {
  // Existing rgs, in dataset order: ordered-column min and max (first and
  // last row, docs/behaviour.md#on-disk-layout) and row count of each.
  Column rg_mins;
  Column rg_maxs;
  std::vector<int64_t> rg_n_rows;
  // Ordered values of the new rows (sorted; de-duplicated if dropping).
  Column new_values;
  // duplicates_on set (docs/behaviour.md#write-parameters).
  bool drop_duplicates = false;
  RowGroupTarget target = RowGroupTarget::NRows(kDefaultRowGroupTargetSize);
  // nullopt: no coalescing; else >= 1.
  std::optional<int64_t> max_n_off_target_rgs;
  // For error messages only.
  std::string ordered_on;
};

// One load step of a merge sequence (docs/behaviour.md#merge): load existing
// rgs from the previous step's rg_end (or the sequence's rg_start) to rg_end,
// and new rows from the previous step's df_end (or the sequence's df_start) to
// df_end.
struct LoadStep {
  int64_t rg_end = 0;
  int64_t df_end = 0;
  friend bool operator==(const LoadStep&, const LoadStep&) = default;
};

// A merge region and its merge sequence (docs/behaviour.md#coalescing,
// docs/behaviour.md#merge).
struct MergeSequence {
  OarRange region;            // OAR indices [start, end)
  int64_t rg_start = 0;       // first rg loaded (rg_start of OAR region.start)
  int64_t df_start = 0;       // first new row loaded (df_start of OAR region.start)
  std::vector<LoadStep> steps;
  // Rgs the sequence replaces: [rg_start, replaced_rg_end) (possibly empty).
  int64_t replaced_rg_end = 0;
};

// One entry of the resulting rg list (docs/behaviour.md#merge), in final
// dataset order.
struct RowGroupSlot {
  enum class Kind : uint8_t {
    kKeep,      // existing rg `index`, untouched (its file is not opened)
    kSequence,  // every rg produced by sequences[index], in production order
  };
  Kind kind = Kind::kKeep;
  int64_t index = 0;
  friend bool operator==(const RowGroupSlot&, const RowGroupSlot&) = default;
};

struct WritePlan {
  OarSet oars;
  // docs/behaviour.md#coalescing, one entry per OAR.
  std::vector<bool> on_target;
  // n-rows strategy only (empty otherwise): docs/behaviour.md#coalescing size
  // estimates per OAR.
  std::vector<int64_t> min_rows;
  std::vector<int64_t> max_rows;
  // time-period strategy only (empty otherwise): PeriodGrid::Index of each
  // OAR's span [lo, hi] (docs/behaviour.md#coalescing).
  std::vector<int64_t> lo_period;
  std::vector<int64_t> hi_period;
  // docs/behaviour.md#coalescing, sorted by region start; sequences never share
  // an rg.
  std::vector<MergeSequence> sequences;
  // docs/behaviour.md#merge: the new rg list.
  std::vector<RowGroupSlot> row_groups;
  // docs/behaviour.md#merge: "not a pure append" (the original's
  // sort_after_write).
  bool not_pure_append = false;
  // The target the plan was made for: the executor cuts the new rgs by it
  // (n rows), or by `period_grid`, set for a period target
  // (docs/behaviour.md#merge).
  RowGroupTarget target = RowGroupTarget::NRows(kDefaultRowGroupTargetSize);
  std::optional<PeriodGrid> period_grid;

  // True when no rg is rewritten and no new rg is written.
  bool empty() const { return sequences.empty(); }
};

// The whole plan (docs/behaviour.md#merge) for one write. Validates the inputs
// (equal lengths, types, row counts >= 0, max_n_off_target_rgs >= 1, n-rows
// target >= 1, docs/behaviour.md#on-disk-layout statistics, the time-period
// column type) and returns the plan. With no rg and no new row the plan is
// empty (docs/behaviour.md#writing step 4).
[[nodiscard]] Result<WritePlan> PlanWrite(const WritePlanInput& input);

// docs/behaviour.md#merge, n-rows: offsets 0, T, 2T, ... below n (empty when n
// == 0).
[[nodiscard]] std::vector<int64_t> NRowsSplitOffsets(int64_t n, int64_t target);

// docs/behaviour.md#merge, time period: 0, then every row whose period differs
// from the previous row's (empty for an empty column). `ordered` is the merged
// chunk's ordered column (timestamp or date32, sorted, null-free). TypeError
// otherwise.
[[nodiscard]] Result<std::vector<int64_t>> TimePeriodSplitOffsets(const Column& ordered,
                                                                  const PeriodGrid& grid);

// The raw int64 value of slot i of a timestamp or date32 column (what
// PeriodGrid works on). Precondition: the column has one of these types.
int64_t RawTimeValue(const Column& column, int64_t i);

}  // namespace oups::dataset
