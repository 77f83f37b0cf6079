#include "dataset/merge_executor.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "oups/table/kernels.h"

namespace oups::dataset {
namespace {

std::string Str(int64_t v) { return std::to_string(v); }

// A plan made by PlanWrite has a valid target and, for a period target, its
// grid; a plan made otherwise is refused rather than cut wrongly.
Status CheckPlanTarget(const WritePlan& plan) {
  const bool ok = plan.target.is_n_rows() ? plan.target.n_rows() >= 1 && !plan.period_grid
                                          : plan.period_grid.has_value();
  if (ok) return Status::OK();
  return Status::InvalidArgument("merge executor: malformed plan (its target does not match its "
                                 "period grid, or is below 1 row)");
}

// Appends `part` to `chunk` by a stable merge (rows of `chunk` first on ties).
Status MergeInto(std::optional<Table>& chunk, Table part, const std::string& ordered_on) {
  if (part.num_rows() == 0) return Status::OK();
  if (!chunk.has_value()) {
    chunk = std::move(part);
    return Status::OK();
  }
  OUPS_ASSIGN_OR_RETURN(Table merged, MergeSorted(*chunk, part, ordered_on));
  chunk = std::move(merged);
  return Status::OK();
}

}  // namespace

Status ExecuteMergeSequence(const WritePlan& plan, size_t k, const Table& new_rows,
                            const MergeExecutionOptions& options, const RowGroupLoader& load_rg,
                            const RowGroupSink& emit) {
  if (k >= plan.sequences.size()) {
    return Status::InvalidArgument("merge executor: sequence " + Str(static_cast<int64_t>(k)) +
                                   " of a plan with " +
                                   Str(static_cast<int64_t>(plan.sequences.size())));
  }
  OUPS_RETURN_NOT_OK(CheckPlanTarget(plan));
  const MergeSequence& seq = plan.sequences[k];
  const int64_t n_new = new_rows.num_rows();
  if (seq.steps.empty()) {
    return Status::InvalidArgument("merge executor: sequence " + Str(static_cast<int64_t>(k)) +
                                   " has no load step");
  }
  if (seq.rg_start < 0 || seq.df_start < 0 || seq.df_start > n_new) {
    return Status::InvalidArgument("merge executor: sequence " + Str(static_cast<int64_t>(k)) +
                                   " starts at rg " + Str(seq.rg_start) + ", new row " +
                                   Str(seq.df_start) + " (" + Str(n_new) + " new rows)");
  }
  const std::string& ordered_on = options.ordered_on;
  const bool drop = options.dedup_subset.has_value();

  int64_t rg_cursor = seq.rg_start;
  int64_t df_cursor = seq.df_start;
  std::optional<Table> remainder;  // rows carried to the next step (never empty)
  for (size_t s = 0; s < seq.steps.size(); ++s) {
    const LoadStep& step = seq.steps[s];
    const bool last = s + 1 == seq.steps.size();
    if (step.rg_end < rg_cursor || step.df_end < df_cursor || step.df_end > n_new) {
      return Status::InvalidArgument(
          "merge executor: step " + Str(static_cast<int64_t>(s)) + " of sequence " +
          Str(static_cast<int64_t>(k)) + " goes from (rg " + Str(rg_cursor) + ", new row " +
          Str(df_cursor) + ") to (" + Str(step.rg_end) + ", " + Str(step.df_end) + ") with " +
          Str(n_new) + " new rows");
    }

    // 1. Chunk: remainder, then old rows, then new rows, stably merged.
    std::optional<Table> chunk = std::move(remainder);
    remainder.reset();
    {
      std::vector<Table> old;
      old.reserve(static_cast<size_t>(step.rg_end - rg_cursor));
      for (int64_t i = rg_cursor; i < step.rg_end; ++i) {
        OUPS_ASSIGN_OR_RETURN(Table rg, load_rg(i));
        if (rg.num_rows() > 0) old.push_back(std::move(rg));
      }
      if (old.size() == 1) {
        OUPS_RETURN_NOT_OK(MergeInto(chunk, std::move(old[0]), ordered_on));
      } else if (!old.empty()) {
        // Rgs are ordered and non-overlapping: their concatenation is sorted.
        OUPS_ASSIGN_OR_RETURN(Table all_old, ConcatenateTables(old));
        old.clear();
        OUPS_RETURN_NOT_OK(MergeInto(chunk, std::move(all_old), ordered_on));
      }
    }
    OUPS_RETURN_NOT_OK(
        MergeInto(chunk, new_rows.Slice(df_cursor, step.df_end - df_cursor), ordered_on));
    rg_cursor = step.rg_end;
    df_cursor = step.df_end;
    if (!chunk.has_value()) continue;  // nothing loaded, nothing carried

    // 2. De-duplication (keep last).
    if (drop) {
      OUPS_ASSIGN_OR_RETURN(Table dedup,
                            DropDuplicatesKeepLast(*chunk, ordered_on, *options.dedup_subset));
      chunk = std::move(dedup);
    }
    const int64_t n = chunk->num_rows();
    OUPS_ASSIGN_OR_RETURN(Column ordered, chunk->GetColumn(ordered_on));

    // 3. Split sequence: cut into rgs (docs/behaviour.md#merge).
    std::vector<int64_t> offsets;
    if (plan.target.is_n_rows()) {
      offsets = NRowsSplitOffsets(n, plan.target.n_rows());
    } else {
      OUPS_ASSIGN_OR_RETURN(offsets, TimePeriodSplitOffsets(ordered, *plan.period_grid));
    }

    // Pieces [0, n_emit) are emitted, the others carried.
    size_t n_emit = last ? offsets.size() : offsets.size() - 1;
    if (!last && drop && n_emit > 0) {
      // Hold back every piece holding a row equal to the chunk's last value:
      // a later step may load a duplicate of it.
      int64_t first_last = n - 1;
      while (first_last > 0 && CompareValues(ordered, first_last - 1, ordered, n - 1) == 0) {
        --first_last;
      }
      const size_t piece = static_cast<size_t>(
          std::upper_bound(offsets.begin(), offsets.end(), first_last) - offsets.begin() - 1);
      n_emit = std::min(n_emit, piece);
    }
    for (size_t p = 0; p < n_emit; ++p) {
      const int64_t end = p + 1 < offsets.size() ? offsets[p + 1] : n;
      OUPS_RETURN_NOT_OK(emit(chunk->Slice(offsets[p], end - offsets[p])));
    }
    if (n_emit < offsets.size()) {
      remainder = chunk->Slice(offsets[n_emit], n - offsets[n_emit]);
    }
  }
  return Status::OK();
}

Status ExecuteWritePlan(const WritePlan& plan, const Table& new_rows,
                        const MergeExecutionOptions& options, const RowGroupLoader& load_rg,
                        const std::function<Status(size_t, Table)>& emit) {
  int64_t df_cursor = 0;
  for (size_t k = 0; k < plan.sequences.size(); ++k) {
    const MergeSequence& seq = plan.sequences[k];
    if (seq.df_start != df_cursor) {
      return Status::InvalidArgument(
          "merge executor: sequence " + Str(static_cast<int64_t>(k)) + " starts at new row " +
          Str(seq.df_start) + " but the previous sequences end at new row " + Str(df_cursor));
    }
    OUPS_RETURN_NOT_OK(ExecuteMergeSequence(plan, k, new_rows, options, load_rg,
                                            [&](Table rg) { return emit(k, std::move(rg)); }));
    if (!seq.steps.empty()) df_cursor = seq.steps.back().df_end;
  }
  if (df_cursor != new_rows.num_rows()) {
    return Status::InvalidArgument("merge executor: new rows [" + Str(df_cursor) + ", " +
                                   Str(new_rows.num_rows()) + ") belong to no merge sequence");
  }
  return Status::OK();
}

}  // namespace oups::dataset
