// Merge executor of OrderedDataset::Write (docs/behaviour.md#merge): runs the
// merge sequences of a WritePlan (write_planner.h) on in-memory tables, without
// any I/O of its own. Existing row groups (rgs) come in through a loader
// callback, produced rgs go out through a sink callback, so the caller decides
// where rows are read from and written to (files, memory in tests).
//
// For merge sequence k, with a remainder that starts empty and the df cursor at
// the sequence's df_start, each LoadStep:
//   1. loads the existing rgs [rg cursor, step.rg_end) through `load_rg`, each
//      rg exactly once, in increasing index order, at the step that needs it
//      (so at most one load step's rgs plus the remainder are in memory; rgs
//      the plan does not name are never loaded);
//   2. chunk = stable linear merge (MergeSorted, never a re-sort) of the
//      remainder, the loaded rgs (concatenated in index order) and the new rows
//      [df cursor, step.df_end); ties on the ordered column keep the order
//      remainder, old, new;
//   3. when de-duplicating, drops rows equal on the subset to a later row
//      (keep last, DropDuplicatesKeepLast);
//   4. cuts the chunk with the split sequence (docs/behaviour.md#merge):
//      NRowsSplitOffsets(rows, T) for an n-rows target, TimePeriodSplitOffsets(ordered column,
//      *plan.period_grid) for a time-period target;
//   5. emits every piece but the tail (the last piece), in order, through
//      `emit`; when de-duplicating, the pieces holding any row whose ordered
//      value equals the chunk's last ordered value are held back as well. The
//      held-back pieces become the remainder. At the sequence's last step
//      every piece is emitted.
// Consequently: every emitted table has >= 1 row (never an empty rg), n-rows
// rgs have <= T rows, time-period rgs hold one period each, the concatenation
// of the emitted tables is sorted on `ordered_on`, and the rgs a sequence emits
// replace plan.sequences[k]'s rgs [rg_start, replaced_rg_end) in the rg list
// (docs/behaviour.md#merge: plan.row_groups, each kSequence slot expanded into
// them). A step whose chunk is empty emits nothing (e.g. a plan with no row at
// all).
//
// Thread-safety: pure functions; the callbacks are called on the calling
// thread, sequentially. Ownership: inputs are not retained after the return;
// emitted Tables may share buffers with `new_rows` and loaded tables (Columns
// are immutable, so this is never observable).
//
// Failure: a non-OK Status from `load_rg` or `emit` is returned as is, and
// the execution stops there (rgs already emitted stay emitted: the caller
// owns their clean-up). Inconsistent inputs (plan and target disagreeing on
// the strategy, a step going backwards or beyond new_rows, columns missing or
// mismatching between new and loaded rows) give InvalidArgument / TypeError /
// NotFound before or instead of emitting anything wrong.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dataset/write_planner.h"
#include "oups/result.h"
#include "oups/status.h"
#include "oups/table/column.h"

namespace oups::dataset {

// Loads existing rg `rg_index` (an index into the rg list the plan was made
// on): all of its rows, in order, with the same columns as `new_rows`.
using RowGroupLoader = std::function<Result<Table>(int64_t rg_index)>;
// Receives one produced rg (>= 1 row), in production order.
using RowGroupSink = std::function<Status(Table rg)>;

struct MergeExecutionOptions {
  // The ordered column (its name in the Table; for a column MultiIndex, the
  // flattened name the caller uses in Tables).
  std::string ordered_on;
  // nullopt: no de-duplication. Empty vector: de-duplicate on all columns.
  // Otherwise the subset (ordered_on is added when missing).
  std::optional<std::vector<std::string>> dedup_subset;
};

// Executes merge sequence `k` of `plan` (docs/behaviour.md#merge) as described
// above. `new_rows` is the whole (de-duplicated when dropping,
// docs/behaviour.md#writing step 2) frame the plan was made on: sorted on
// ordered_on, indexed by the plan's df offsets. InvalidArgument if k is out of
// range.
[[nodiscard]] Status ExecuteMergeSequence(const WritePlan& plan, size_t k,
                                          const Table& new_rows,
                                          const MergeExecutionOptions& options,
                                          const RowGroupLoader& load_rg,
                                          const RowGroupSink& emit);

// Every sequence of `plan` in order (the df cursor then runs monotonically
// over new_rows); `emit(k, rg)` receives the rgs of sequence k.
[[nodiscard]] Status ExecuteWritePlan(
    const WritePlan& plan, const Table& new_rows, const MergeExecutionOptions& options,
    const RowGroupLoader& load_rg,
    const std::function<Status(size_t sequence_index, Table rg)>& emit);

}  // namespace oups::dataset
