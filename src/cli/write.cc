// `oups write`, `oups compact` and `oups rm`: the commands that change a
// dataset, all through OrderedDataset (its commit protocol, writer lock and
// validation). The input is read and checked completely before the dataset
// is touched.
#include <algorithm>
#include <future>
#include <thread>
#include <variant>

#include "cli/cli.h"
#include "cli/csv_input.h"
#include "cli/progress.h"
#include "cli/util.h"
#include "cli/values.h"
#include "oups/common/buffer.h"
#include "oups/dataset/describe.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/properties.h"
#include "oups/table/kernels.h"

namespace oups::cli {
namespace {

// The usage text, with the default target from the library's one constant.
const std::string& WriteUsage() {
  static const std::string text = std::string(
    "usage: oups write DATASET --ordered-on COL --from FILE.{csv,parquet}\n"
    "       [--row-group-target-size N|PERIOD] [--threads N]\n"
    "       [--duplicates-on a,b | --duplicates-on-all]\n"
    "       [--max-n-off-target-rgs N] [--kv key=value ...] [--kv-remove key ...]\n"
    "       [--types col=type,...] [--input-format csv|parquet] [--compression C]\n"
    "       [--delimiter C] [--null TEXT] [--no-header --columns a,b,...]\n"
    "       [--schema-evolution] [--lock-timeout SECONDS] [--json]\n"
    "\n"
    "Merges the rows of FILE into DATASET (created if missing) with the full\n"
    "write semantics: rows sorted on the ordered column, merged with the stored\n"
    "ones, optional de-duplication (new rows win) and coalescing of small row\n"
    "groups, key-value metadata updated in the same commit.\n"
    "\n"
    "  --ordered-on COL             the ordered column (default: the dataset's)\n"
    "  --from FILE                  input; CSV (header line of column names) or\n"
    "                               Parquet, by extension or --input-format\n"
    "  --row-group-target-size T    rows per row group, or a period such as 1D,\n"
    "                               2h, MS (time-ordered data); default: the\n"
    "                               dataset's remembered target, else ") +
      std::to_string(kDefaultRowGroupTargetSize) + "\n" + std::string(
    "  --duplicates-on a,b          drop rows equal on these columns (+ ordered)\n"
    "  --duplicates-on-all          drop rows equal on every column\n"
    "  --max-n-off-target-rgs N     coalesce off-target row groups (N >= 1), or\n"
    "                               none: no coalescing; default: the dataset's\n"
    "                               remembered setting, else none\n"
    "  --kv key=value               set a key-value metadata entry (repeatable)\n"
    "  --kv-remove key              remove a key-value metadata entry (repeatable)\n"
    "  --types col=type,...         CSV column types instead of inferred ones:\n"
    "                               int64 int32 uint64 float64 bool string date\n"
    "                               timestamp[unit] timestamp[unit,TZ] duration[unit]\n"
    "                               (unit s|ms|us|ns), e.g. ts=timestamp[ns,UTC]\n"
    "  --threads N                  threads converting CSV text to typed\n"
    "                               columns and encoding the columns of a row\n"
    "                               group (default 2; 1 on one core)\n"
    "  --delimiter C                CSV field separator: one character, or tab\n"
    "                               (default ,)\n"
    "  --null TEXT                  CSV fields reading exactly TEXT are null (e.g.\n"
    "                               NA); an empty unquoted field always is\n"
    "  --no-header --columns a,b    the CSV file has no header line: these are\n"
    "                               its column names, in order\n"
    "  --compression C              snappy (default), zstd, gzip, lz4, brotli, none\n"
    "  --schema-evolution           let FILE add columns, widen a column's type\n"
    "                               (int8..int64, uint8..uint64, int -> float64,\n"
    "                               float32 -> float64, timestamp to a finer unit)\n"
    "                               and leave out columns (their new rows are null)\n"
    "  --lock-timeout SECONDS       wait at most this long for the writer lock\n"
    "  --json                       print the summary as JSON: {\"dataset\",\n"
    "                               \"rows_written\", \"rows\", \"num_row_groups\"}\n"
    "\n"
    "The row-group target and --max-n-off-target-rgs, when given, are stored\n"
    "with the dataset and used by later writes that do not give them (also\n"
    "from Python and C++).\n"
    "\n"
    "CSV columns of an existing dataset are read in their stored types; others\n"
    "are inferred over the whole file: bool (true/false in any case), int64\n"
    "(uint64 if some integers exceed int64 and none is negative), float64,\n"
    "timestamp[ns] (ISO-8601; with Z or offsets: timestamp[ns, tz=UTC]), date,\n"
    "else string; an empty field is null.\n"
    "Inference never rounds: integers no integer type holds, or that float64\n"
    "cannot hold exactly next to non-integer numbers, are an error (give\n"
    "--types). Bad input (a malformed CSV line, a value not of its\n"
    "column's type, unsorted rows) is reported with file, line and column, and\n"
    "the dataset is left unchanged.\n"
    "\n"
    "exit status: 0 ok, 1 bad input or failed write, 2 usage error\n");
  return text;
}

constexpr const char* kCompactUsage =
    "usage: oups compact DATASET --row-group-target-size N|PERIOD\n"
    "       [--max-n-off-target-rgs N] [--lock-timeout SECONDS] [--json]\n"
    "\n"
    "Coalesces runs of off-target row groups (too small, or several per period)\n"
    "into row groups on target, without new rows: the write planner's resize\n"
    "mode. Row groups on target are left untouched.\n"
    "\n"
    "  --row-group-target-size T    rows per row group, or a period (1D, 2h, MS)\n"
    "  --max-n-off-target-rgs N     rewrite a run when it has more than N\n"
    "                               off-target row groups (default 1)\n"
    "  --json                       print {\"dataset\", \"rows\",\n"
    "                               \"num_row_groups_before\", \"num_row_groups\"}\n"
    "\n"
    "Like a write, compact stores the settings it uses (the target and N) with\n"
    "the dataset, for later writes that do not give them.\n"
    "\n"
    "exit status: 0 ok, 1 missing dataset or failed write, 2 usage error\n";

constexpr const char* kRmUsage =
    "usage: oups rm DATASET [--lock-timeout SECONDS]\n"
    "\n"
    "Removes a dataset (metadata file first: the commit point, then its row-group\n"
    "files and directory). Files that cannot be deleted (no permission, or still\n"
    "open by a reader) are reported, exit status 1: the dataset is gone, and the\n"
    "next write to it deletes them.\n"
    "\n"
    "exit status: 0 ok, 1 missing dataset or failed removal, 2 usage error\n";

RowGroupTargetSize ParseTarget(const std::string& text) {
  if (auto n = ParseInt64(text)) return *n;
  return Period(text);
}

// "a=x,b=y" -> {a: x, b: y}.
Result<std::map<std::string, DataType>> ParseTypes(
    const std::vector<std::string>& specs) {
  std::map<std::string, DataType> types;
  for (const std::string& spec : specs) {
    // Commas also appear inside "timestamp[ns,UTC]": split on commas outside [].
    std::vector<std::string> items;
    std::string cur;
    int depth = 0;
    for (char c : spec) {
      if (c == '[') ++depth;
      if (c == ']') --depth;
      if (c == ',' && depth == 0) {
        if (!cur.empty()) items.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) items.push_back(cur);
    for (const std::string& item : items) {
      const size_t eq = item.find('=');
      if (eq == std::string::npos || eq == 0) {
        return Status::InvalidArgument("--types: expected column=type, found '" + item +
                                       "'");
      }
      OUPS_ASSIGN_OR_RETURN(DataType t, ParseTypeSpec(item.substr(eq + 1)));
      types[item.substr(0, eq)] = t;
    }
  }
  return types;
}

// The checks of the input rows, piece by piece in file order: every column
// named, the ordered column present, without nulls and sorted (also from one
// piece to the next). Errors name the file and the line (CSV) or row.
class InputChecker {
 public:
  InputChecker(std::string from, std::optional<std::string> ordered_on)
      : from_(std::move(from)), ordered_on_(std::move(ordered_on)) {}

  // Forgets the pieces seen (the input is read again from its start).
  void Reset() {
    rows_before_ = 0;
    last_.reset();
  }

  Status Check(const Table& table, const std::vector<int64_t>& row_lines) {
    // Every column needs a name (a CSV header is checked by the CSV reader).
    for (int i = 0; i < table.schema().num_fields(); ++i) {
      if (table.schema().field(i).name.empty()) {
        return Status::InvalidArgument(from_ + ": column " + std::to_string(i + 1) +
                                       " has an empty name; every column needs a name");
      }
    }
    if (!ordered_on_) return Status::OK();
    const std::string& name = *ordered_on_;
    auto col = table.GetColumn(name);
    if (!col.ok()) {
      std::string names;
      for (const Field& f : table.schema().fields())
        names += (names.empty() ? "" : ", ") + f.name;
      return Status::NotFound(from_ + ": no column '" + name +
                              "' (ordered_on); columns: " + names);
    }
    auto where = [&](int64_t row) {
      return row_lines.empty()
                 ? from_ + ": row " + std::to_string(rows_before_ + row + 1)
                 : from_ + ":" + std::to_string(row_lines[static_cast<size_t>(row)]);
    };
    const std::string col_label = "column " +
                                  std::to_string(table.schema().IndexOf(name) + 1) + " '" +
                                  name + "'";
    if (col->has_nulls()) {
      for (int64_t r = 0; r < col->length(); ++r) {
        if (col->IsNull(r)) {
          return Status::InvalidArgument(where(r) + ": " + col_label +
                                         ": empty value in the ordered column");
        }
      }
    }
    const int64_t n = col->length();
    if (n == 0) return Status::OK();
    auto text = [](const Column& c, int64_t r) {
      auto v = CellJson(c, r);
      return v.ok() ? CellText(*v) : std::string("value");
    };
    auto unsorted = [&](int64_t r, const std::string& cur, const std::optional<std::string>& prev) {
      if (!prev || cur == "NaN") {
        return Status::InvalidArgument(where(r) + ": " + col_label + ": " + cur +
                                       " cannot be ordered");
      }
      return Status::InvalidArgument(where(r) + ": " + col_label + ": " + cur +
                                     " is before the previous row's " + *prev +
                                     "; rows must be sorted in ascending order on '" + name +
                                     "'");
    };
    // The first row after the previous piece's last.
    if (last_) {
      auto pair = Concatenate({*last_, col->Slice(0, 1)});
      if (pair.ok()) {
        auto first = FindFirstUnsorted(*pair);
        if (first.ok() && *first >= 0) {
          return unsorted(0, text(*col, 0), text(*last_, 0));
        }
      }
    }
    auto first = FindFirstUnsorted(*col);
    if (first.ok() && *first >= 0) {
      const int64_t r = *first;
      const bool at_start = r == 0 && rows_before_ == 0;
      return unsorted(r, text(*col, r),
                      at_start || r == 0 ? std::nullopt
                                         : std::optional<std::string>(text(*col, r - 1)));
    }
    last_ = col->Slice(n - 1, 1);
    rows_before_ += n;
    return Status::OK();
  }

 private:
  std::string from_;
  std::optional<std::string> ordered_on_;
  int64_t rows_before_ = 0;
  std::optional<Column> last_;
};

// Rows of one streamed chunk: whole row groups of the target, about
// kStreamMinRows rows at least.
constexpr int64_t kStreamMinRows = 262'144;

// Memory bounded by a few row groups (GitHub issue 17): the checked rows of a
// new dataset are staged (OrderedDataset::Stage) a chunk at a time, each
// chunk whole row groups of the target, and committed together at the end
// (CommitStaged: one commit, nothing visible before it); with `background`,
// a chunk is staged on another thread while the next one is read (at most
// one in flight). The files are those an ordinary write of the whole input
// makes. Until the rows exceed one chunk nothing is staged, and the caller
// writes them with an ordinary write (TakeRows).
class Streamer {
 public:
  Streamer(OrderedDataset& ds, const WriteOptions& options, int64_t target_rows,
           bool background)
      : ds_(ds), options_(options), target_rows_(target_rows), background_(background) {
    chunk_rows_ = target_rows * std::max<int64_t>(
                                    1, (kStreamMinRows + target_rows - 1) / target_rows);
  }
  ~Streamer() { Abort(); }

  int64_t chunk_rows() const { return chunk_rows_; }
  bool started() const { return !group_.empty(); }

  // Adds checked rows (in file order); stages every chunk once more rows follow it.
  Status Add(Table piece) {
    if (piece.num_rows() == 0) {
      if (pending_.empty()) pending_.push_back(std::move(piece));  // the schema
      return Status::OK();
    }
    pending_rows_ += piece.num_rows();
    pending_.push_back(std::move(piece));
    while (pending_rows_ > chunk_rows_) {
      OUPS_ASSIGN_OR_RETURN(Table all, TakeRows());
      OUPS_RETURN_NOT_OK(StageChunk(all.Slice(0, chunk_rows_)));
      pending_rows_ = all.num_rows() - chunk_rows_;
      pending_.push_back(all.Slice(chunk_rows_, pending_rows_));
    }
    return Status::OK();
  }

  // The rows not staged, as one table (an empty Table when none was added).
  Result<Table> TakeRows() {
    std::vector<Table> parts = std::move(pending_);
    pending_.clear();
    pending_rows_ = 0;
    if (parts.empty()) return Table();
    if (parts.size() == 1) return std::move(parts[0]);
    return ConcatenateTables(parts);
  }

  // The input is read again from its start: what was staged is void.
  Status Restart() {
    Abort();
    pending_.clear();
    pending_rows_ = 0;
    return Status::OK();
  }

  // Stages the rows left and commits every part; then stores the row-group
  // settings the options give (a commit without rows), as a write would.
  Status Commit() {
    OUPS_ASSIGN_OR_RETURN(Table rest, TakeRows());
    if (rest.num_rows() > 0) OUPS_RETURN_NOT_OK(StageChunk(std::move(rest)));
    OUPS_RETURN_NOT_OK(Wait());
    CommitStagedOptions co;
    co.key_value_metadata = options_.key_value_metadata;
    co.lock_timeout = options_.lock_timeout;
    OUPS_RETURN_NOT_OK(ds_.CommitStaged(parts_, co));
    parts_.clear();
    group_.clear();
    if (options_.row_group_target_size || options_.max_n_off_target_rgs) {
      WriteOptions settings;
      settings.row_group_target_size = options_.row_group_target_size;
      settings.max_n_off_target_rgs = options_.max_n_off_target_rgs;
      settings.lock_timeout = options_.lock_timeout;
      OUPS_RETURN_NOT_OK(ds_.Write(settings));
    }
    return Status::OK();
  }

  // Deletes what was staged (after a failure), and the dataset directory
  // when staging made it and it is empty again.
  void Abort() {
    if (inflight_.valid()) inflight_.get().status().IgnoreError();
    if (!group_.empty()) {
      ds_.AbortStaging(group_).status().IgnoreError();
      if (!dir_existed_) ds_.file_system()->DeleteDir(ds_.path()).IgnoreError();
    }
    group_.clear();
    parts_.clear();
  }

 private:
  Status Wait() {
    if (!inflight_.valid()) return Status::OK();
    Result<StagedPart> part = inflight_.get();
    if (!part.ok()) return part.status();
    parts_.push_back(std::move(part).ValueOrDie());
    return Status::OK();
  }

  Status StageChunk(Table chunk) {
    if (group_.empty()) {
      OUPS_ASSIGN_OR_RETURN(dir_existed_, ds_.file_system()->Exists(ds_.path()));
      group_ = NewStagingGroup();
    }
    OUPS_RETURN_NOT_OK(Wait());
    StageOptions so;
    so.group = group_;
    so.write.ordered_on = options_.ordered_on;
    so.write.row_group_target_size = target_rows_;
    so.write.compression = options_.compression;
    so.write.num_threads = options_.num_threads;
    OrderedDataset& ds = ds_;
    auto stage = [&ds, so, chunk = std::move(chunk)]() { return ds.Stage(chunk, so); };
    if (background_) {
      inflight_ = std::async(std::launch::async, std::move(stage));
      return Status::OK();
    }
    OUPS_ASSIGN_OR_RETURN(StagedPart part, stage());
    parts_.push_back(std::move(part));
    return Status::OK();
  }

  OrderedDataset& ds_;
  const WriteOptions& options_;
  int64_t target_rows_;
  int64_t chunk_rows_;
  bool background_;
  std::vector<Table> pending_;
  int64_t pending_rows_ = 0;
  std::string group_;
  bool dir_existed_ = true;
  std::vector<StagedPart> parts_;
  std::future<Result<StagedPart>> inflight_;
};

// Reads and checks the input. With a streamer, the rows go to it as they
// are read (Streamer::Add); else the whole input is returned.
Result<Table> LoadInput(Env& env, const std::string& from, const std::string& format,
                        const std::map<std::string, DataType>& types,
                        const CsvOptions& csv_options,
                        const std::optional<Schema>& stored,
                        const std::optional<std::string>& ordered_on, Streamer* streamer,
                        int64_t* rows_read, bool* drawn) {
  InputChecker checker(from, ordered_on);
  ProgressBar bar(env.err, env.progress, "reading " + from, env.progress_delay_seconds);
  Table rest;
  std::vector<int64_t> rest_lines;
  *rows_read = 0;
  if (format == "csv") {
    CsvOptions options = csv_options;
    options.types = types;
    // An existing dataset's columns are read in their stored types, so that a
    // value that does not fit is reported with its line.
    if (stored) {
      for (const Field& f : stored->fields()) {
        if (f.type.id != TypeId::kDecimal) options.default_types[f.name] = f.type;
      }
    }
    options.progress = [&bar](int64_t rows, int64_t done, int64_t total) {
      bar.Update(rows,
                 total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0);
    };
    if (streamer) {
      options.chunk_rows = streamer->chunk_rows();
      options.on_chunk = [&](CsvTable piece) -> Status {
        OUPS_RETURN_NOT_OK(checker.Check(piece.table, piece.row_lines));
        *rows_read += piece.table.num_rows();
        return streamer->Add(std::move(piece.table));
      };
      options.on_restart = [&]() -> Status {
        checker.Reset();
        *rows_read = 0;
        return streamer->Restart();
      };
    }
    OUPS_ASSIGN_OR_RETURN(CsvTable csv, ReadCsv(*env.fs, from, options));
    rest = std::move(csv.table);
    rest_lines = std::move(csv.row_lines);
  } else {
    if (!types.empty()) {
      return Status::InvalidArgument("--types applies to CSV input only ('" + from +
                                     "' is Parquet)");
    }
    OUPS_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(*env.fs, from));
    const int64_t total = reader->metadata().num_rows;
    const int n_rgs = reader->num_row_groups();
    if (streamer == nullptr || total <= streamer->chunk_rows() || n_rgs <= 1) {
      // One table (decoded straight into whole columns, the columns of each
      // row group on --threads threads).
      parquet::ReadOptions ro;
      ro.num_threads = csv_options.threads;
      OUPS_ASSIGN_OR_RETURN(rest, reader->Read(ro));
    } else {
      // Row group by row group: a few in memory at a time.
      for (int i = 0; i < n_rgs; ++i) {
        OUPS_ASSIGN_OR_RETURN(Table rg, reader->ReadRowGroup(i, {}, csv_options.threads));
        OUPS_RETURN_NOT_OK(checker.Check(rg, {}));
        *rows_read += rg.num_rows();
        bar.Update(*rows_read, static_cast<double>(i + 1) / n_rgs);
        OUPS_RETURN_NOT_OK(streamer->Add(std::move(rg)));
      }
      // The schema, for a file whose row groups hold no row.
      OUPS_ASSIGN_OR_RETURN(rest, reader->Read({.all_row_groups = false}));
    }
  }
  OUPS_RETURN_NOT_OK(checker.Check(rest, rest_lines));
  *rows_read += rest.num_rows();
  // The reading stage ends at 100% (and stays on its line when it was drawn).
  *drawn = bar.Done(*rows_read);
  if (streamer) {
    OUPS_RETURN_NOT_OK(streamer->Add(std::move(rest)));
    return streamer->TakeRows();
  }
  return rest;
}

std::string SizeSummary(int64_t rows, int64_t rgs) {
  return std::to_string(rows) + " rows in " + std::to_string(rgs) + " row group" +
         (rgs == 1 ? "" : "s");
}

}  // namespace

int RunWrite(const std::vector<std::string>& args, Env& env) {
  int code = 0;
  auto parsed = ParseOrExit(env, "write", args,
                            {{"--ordered-on", "", true},
                             {"--from", "", true},
                             {"--input-format", "", true, false, {"csv", "parquet"}},
                             {"--row-group-target-size", "", true},
                             {"--duplicates-on", "", true},
                             {"--duplicates-on-all"},
                             {"--max-n-off-target-rgs", "", true},
                             {"--kv", "", true, true},
                             {"--kv-remove", "", true, true},
                             {"--types", "", true, true},
                             {"--compression", "", true, false,
                              {"snappy", "zstd", "gzip", "lz4", "brotli", "none"}},
                             {"--threads", "", true},
                             {"--delimiter", "", true},
                             {"--null", "", true},
                             {"--no-header"},
                             {"--columns", "", true},
                             {"--schema-evolution"},
                             {"--lock-timeout", "", true},
                             {"--json"}},
                            WriteUsage().c_str(), &code);
  if (!parsed) return code;
  auto usage = [&](const std::string& problem) {
    return UsageError(env, "write", problem, WriteUsage().c_str());
  };
  if (parsed->positional.size() != 1) {
    return usage(parsed->positional.empty() ? "missing DATASET" : "one DATASET only");
  }
  const std::string path = parsed->positional[0];
  if (path == "-") {
    return usage("DATASET '-' is refused: a dataset is a directory, and the input "
                 "comes from --from FILE, never from stdin (write ./- for a dataset "
                 "named '-')");
  }
  const std::optional<std::string> from = parsed->Get("--from");
  if (!from) return usage("missing --from FILE");
  if (*from == "-") return usage("--from - (stdin) is not supported: give a file");
  if (auto o = parsed->Get("--ordered-on"); o && o->empty()) {
    return usage("--ordered-on needs a column name, not an empty one");
  }
  std::string format = parsed->Get("--input-format").value_or("");
  if (format.empty()) {
    std::string lower = *from;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower.ends_with(".csv")) {
      format = "csv";
    } else if (lower.ends_with(".parquet") || lower.ends_with(".pq")) {
      format = "parquet";
    } else {
      return usage("cannot tell the format of '" + *from +
                   "': use --input-format csv|parquet");
    }
  }
  if (format != "csv" && format != "parquet") {
    return usage("unknown --input-format '" + format + "' (csv or parquet)");
  }
  WriteOptions options;
  options.schema_evolution = parsed->Has("--schema-evolution");
  if (auto t = parsed->Get("--row-group-target-size")) {
    options.row_group_target_size = ParseTarget(*t);
  }
  if (parsed->Has("--duplicates-on") && parsed->Has("--duplicates-on-all")) {
    return usage("--duplicates-on and --duplicates-on-all exclude each other");
  }
  if (auto d = parsed->Get("--duplicates-on")) {
    options.duplicates_on = SplitList(*d);
    if (options.duplicates_on->empty())
      return usage("--duplicates-on needs column names");
  }
  if (parsed->Has("--duplicates-on-all")) options.duplicates_on = Columns{};
  if (auto m = parsed->Get("--max-n-off-target-rgs")) {
    if (*m == "none") {
      options.max_n_off_target_rgs = kNoCoalescing;
    } else {
      auto n = ParseInt64(*m);
      if (!n) {
        return usage("--max-n-off-target-rgs needs an integer or none, not '" + *m + "'");
      }
      options.max_n_off_target_rgs = *n;
    }
  }
  for (const std::string& kv : parsed->GetAll("--kv")) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      return usage("--kv needs key=value, not '" + kv + "'");
    options.key_value_metadata[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const std::string& k : parsed->GetAll("--kv-remove")) {
    if (options.key_value_metadata.count(k))
      return usage("--kv and --kv-remove both name '" + k + "'");
    options.key_value_metadata[k] = std::nullopt;
  }
  if (auto c = parsed->Get("--compression")) {
    auto parsed_compression = parquet::CompressionOptions::Parse(*c);
    if (!parsed_compression.ok()) {
      return usage("unknown --compression '" + *c +
                   "' (snappy, zstd, gzip, lz4, brotli, none)");
    }
    options.compression = *parsed_compression;
  }
  auto timeout = ParseSeconds(parsed->Get("--lock-timeout"));
  if (!timeout.ok()) return usage(timeout.status().message());
  if (*timeout >= 0) options.lock_timeout = *timeout;
  auto types = ParseTypes(parsed->GetAll("--types"));
  if (!types.ok()) return usage(types.status().message());
  CsvOptions csv;
  csv.threads = std::thread::hardware_concurrency() >= 2 ? 2 : 1;
  if (auto t = parsed->Get("--threads")) {
    auto n = ParseInt64(*t);
    if (!n || *n < 1 || *n > 64) {
      return usage("--threads needs a count from 1 to 64, not '" + *t + "'");
    }
    csv.threads = static_cast<int>(*n);
  }
  options.num_threads = csv.threads;
  for (const char* flag : {"--delimiter", "--null", "--no-header", "--columns"}) {
    if (format != "csv" && parsed->Has(flag)) {
      return usage(std::string(flag) + " applies to CSV input only ('" + *from +
                   "' is Parquet)");
    }
  }
  if (auto d = parsed->Get("--delimiter")) {
    const std::string text = *d == "tab" || *d == "\\t" ? "\t" : *d;
    if (text.size() != 1 || text == "\"" || text == "\n" || text == "\r") {
      return usage("--delimiter needs one character other than a quote or a newline "
                   "(or tab), not '" + *d + "'");
    }
    csv.delimiter = text[0];
  }
  csv.null_text = parsed->Get("--null");
  csv.header = !parsed->Has("--no-header");
  if (parsed->Has("--no-header") != parsed->Has("--columns")) {
    return usage("--no-header and --columns go together: a file without a header "
                 "line needs its column names");
  }
  if (auto c = parsed->Get("--columns")) {
    csv.column_names = SplitList(*c);
    if (csv.column_names.empty()) return usage("--columns needs column names");
  }

  auto ds = OrderedDataset::Open(env.fs, path);
  if (!ds.ok()) return Failure(env, "write", ds.status());
  options.ordered_on = parsed->Get("--ordered-on");
  std::optional<std::string> ordered_on = options.ordered_on;
  if (!ordered_on) {
    auto stored = ds->ordered_on();
    if (!stored.ok()) return Failure(env, "write", stored.status());
    ordered_on = *stored;
    if (!ordered_on) return usage("missing --ordered-on COL (the dataset has none yet)");
  }

  auto stored_schema = ds->schema();
  if (!stored_schema.ok()) return Failure(env, "write", stored_schema.status());
  // A new dataset with a target in rows, without de-duplication, is written
  // from a stream of chunks (memory bounded by a few row groups); a merge
  // with stored rows, a period target or de-duplication reads the whole
  // input first.
  auto newly = ds->is_newly_initialized();
  if (!newly.ok()) return Failure(env, "write", newly.status());
  std::optional<Streamer> streamer;
  if (*newly && !options.duplicates_on &&
      (!options.row_group_target_size ||
       std::holds_alternative<int64_t>(*options.row_group_target_size))) {
    const int64_t target = options.row_group_target_size
                               ? std::get<int64_t>(*options.row_group_target_size)
                               : kDefaultRowGroupTargetSize;
    if (target >= 1) {
      streamer.emplace(*ds, options, target, csv.threads >= 2);
      // Freed chunk buffers are not kept for reuse beyond this: the memory
      // stays bounded by the chunks in use, whatever the input's size.
      SetMappingCacheLimit(int64_t{16} << 20);
    }
  }
  bool read_drawn = false;
  int64_t rows_read = 0;
  auto table = LoadInput(env, *from, format, *types, csv, *stored_schema, ordered_on,
                         streamer ? &*streamer : nullptr, &rows_read, &read_drawn);
  if (!table.ok()) return Failure(env, "write", table.status());
  Status st;
  {
    // Shown at once when the reading stage was: the line never goes blank.
    ProgressBar bar(env.err, env.progress, "writing " + path, env.progress_delay_seconds,
                    read_drawn);
    options.progress = [&bar](int64_t done, int64_t total) {
      bar.Update(done,
                 total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1);
    };
    if (streamer && streamer->started()) {
      if (table->num_rows() > 0) st = streamer->Add(std::move(*table));
      if (st.ok()) st = streamer->Commit();
    } else {
      st = ds->Write(*table, options);
    }
    if (st.ok()) bar.Done(rows_read);
  }
  if (!st.ok()) {
    const bool named = st.message().find(path) != std::string::npos;
    return Failure(env, "write", named ? st : st.WithContext(path));
  }
  auto md = LoadMetadata(*env.fs, path);
  if (!md.ok()) return Failure(env, "write", md.status());
  if (parsed->Has("--json")) {
    json::Value doc = json::Value::Object();
    doc.Add("dataset", json::Value::String(path));
    doc.Add("rows_written", json::Value::Int(rows_read));
    doc.Add("rows", json::Value::Int(md->total_rows()));
    doc.Add("num_row_groups", json::Value::Int(md->num_row_groups()));
    *env.out << json::Serialize(doc) << "\n";
  } else {
    *env.out << "wrote " << rows_read << " rows from " << *from << " to " << path
             << ": now " << SizeSummary(md->total_rows(), md->num_row_groups()) << "\n";
  }
  return kExitOk;
}

int RunCompact(const std::vector<std::string>& args, Env& env) {
  int code = 0;
  auto parsed = ParseOrExit(env, "compact", args,
                            {{"--row-group-target-size", "", true},
                             {"--max-n-off-target-rgs", "", true},
                             {"--lock-timeout", "", true},
                             {"--json"}},
                            kCompactUsage, &code);
  if (!parsed) return code;
  auto usage = [&](const std::string& problem) {
    return UsageError(env, "compact", problem, kCompactUsage);
  };
  if (parsed->positional.size() != 1) {
    return usage(parsed->positional.empty() ? "missing DATASET" : "one DATASET only");
  }
  const std::string path = parsed->positional[0];
  auto target = parsed->Get("--row-group-target-size");
  if (!target) return usage("missing --row-group-target-size");
  WriteOptions options;
  options.row_group_target_size = ParseTarget(*target);
  options.max_n_off_target_rgs = 1;
  if (auto m = parsed->Get("--max-n-off-target-rgs")) {
    auto n = ParseInt64(*m);
    if (!n) return usage("--max-n-off-target-rgs needs an integer, not '" + *m + "'");
    options.max_n_off_target_rgs = *n;
  }
  auto timeout = ParseSeconds(parsed->Get("--lock-timeout"));
  if (!timeout.ok()) return usage(timeout.status().message());
  if (*timeout >= 0) options.lock_timeout = *timeout;

  auto before = LoadMetadata(*env.fs, path);
  if (!before.ok()) return Failure(env, "compact", before.status());
  auto ds = OrderedDataset::Open(env.fs, path);
  if (!ds.ok()) return Failure(env, "compact", ds.status());
  Status st;
  {
    ProgressBar bar(env.err, env.progress, "compacting " + path,
                    env.progress_delay_seconds);
    options.progress = [&bar](int64_t done, int64_t total) {
      bar.Update(done,
                 total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1);
    };
    st = ds->Write(options);
    if (st.ok()) bar.Done();
  }
  if (!st.ok()) {
    const bool named = st.message().find(path) != std::string::npos;
    return Failure(env, "compact", named ? st : st.WithContext(path));
  }
  auto after = LoadMetadata(*env.fs, path);
  if (!after.ok()) return Failure(env, "compact", after.status());
  if (parsed->Has("--json")) {
    json::Value doc = json::Value::Object();
    doc.Add("dataset", json::Value::String(path));
    doc.Add("rows", json::Value::Int(after->total_rows()));
    doc.Add("num_row_groups_before", json::Value::Int(before->num_row_groups()));
    doc.Add("num_row_groups", json::Value::Int(after->num_row_groups()));
    *env.out << json::Serialize(doc) << "\n";
  } else {
    // Row groups before -> after, then the rows (unchanged by a compaction).
    *env.out << "compacted " << path << ": " << before->num_row_groups() << " -> "
             << after->num_row_groups() << " row group"
             << (after->num_row_groups() == 1 ? "" : "s") << " (" << after->total_rows()
             << " rows)\n";
  }
  return kExitOk;
}

int RunRm(const std::vector<std::string>& args, Env& env) {
  int code = 0;
  auto parsed =
      ParseOrExit(env, "rm", args, {{"--lock-timeout", "", true}}, kRmUsage, &code);
  if (!parsed) return code;
  if (parsed->positional.size() != 1) {
    return UsageError(env, "rm",
                      parsed->positional.empty() ? "missing DATASET" : "one DATASET only",
                      kRmUsage);
  }
  const std::string path = parsed->positional[0];
  auto timeout = ParseSeconds(parsed->Get("--lock-timeout"));
  if (!timeout.ok()) return UsageError(env, "rm", timeout.status().message(), kRmUsage);
  // Existence first: removing nothing is an error for the tool (the library's
  // Remove is a no-op then).
  auto md = LoadMetadata(*env.fs, path);
  if (!md.ok() && md.status().IsNotFound()) return Failure(env, "rm", md.status());
  auto ds = OrderedDataset::Open(env.fs, path);
  if (!ds.ok()) return Failure(env, "rm", ds.status());
  RemoveOptions options;
  if (*timeout >= 0) options.lock_timeout = *timeout;
  Status st = ds->Remove(options);
  if (!st.ok()) return Failure(env, "rm", st);
  // Past its commit point (the metadata file gone) Remove deletes the files
  // on a best-effort basis: whatever is left is a failure of the command.
  {
    const std::vector<std::string> left = FilesLeftAfterRemoval(*env.fs, path);
    if (!left.empty()) {
      *env.err << "oups rm: " << path
               << ": the dataset is removed (its metadata file is gone), but not all of "
                  "its files could be deleted (no permission, or still open by a "
                  "reader); "
               << left.size() << " left, such as '" << left.front()
               << "'; the next write to " << path << " deletes them\n";
      return kExitFailure;
    }
  }
  *env.out << "removed " << path << "\n";
  return kExitOk;
}

}  // namespace oups::cli
