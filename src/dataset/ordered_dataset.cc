// OrderedDataset: write flow of docs/behaviour.md#writing and
// docs/behaviour.md#crash-safety, reads of docs/behaviour.md#reading, removal
// of docs/behaviour.md#removal. File names come from file_naming.h only; the
// metadata file format lives in metadata_file.cc; planning and merging in
// write_planner.cc and merge_executor.cc.
#include "oups/dataset/ordered_dataset.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>
#include <set>
#include <thread>
#include <type_traits>
#include <utility>

#include "oups/common/json.h"
#include "dataset/file_naming.h"
#include "dataset/filter_read.h"
#include "dataset/frequency.h"
#include "dataset/history.h"
#include "dataset/leftovers.h"
#include "dataset/merge_executor.h"
#include "dataset/metadata_file.h"
#include "dataset/parallel_read.h"
#include "dataset/schema_evolution.h"
#include "dataset/write_internals.h"
#include "dataset/write_planner.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/properties.h"
#include "oups/table/builder.h"
#include "oups/table/kernels.h"

namespace oups {

using dataset::DatasetMetadata;
using dataset::DatasetPaths;

struct OrderedDataset::State {
  std::shared_ptr<FileSystem> fs;
  DatasetPaths paths;
  std::optional<double> lock_timeout;
  mutable std::mutex mu;
  // Given at Open or adopted by a write; guarded by mu.
  std::optional<std::string> ordered_on;
  // Key-value metadata kept by Remove(preserve_metadata); guarded by mu.
  std::optional<std::map<std::string, std::string>> preserved_kv;
};

namespace {

std::string FormatSeconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", s);
  return buf;
}

}  // namespace

Status CheckLockTimeout(const std::optional<double>& t) {
  if (t && (!(*t >= 0) || !std::isfinite(*t))) {
    return Status::InvalidArgument("'lock_timeout' must be >= 0 seconds or unset, not " +
                                   FormatSeconds(*t));
  }
  return Status::OK();
}

namespace {

// Key-value pairs of every rg file a write creates (WriteOptions::
// schema_extra_json): the members of its object member
// "file_key_value_metadata", a string value as is, any other JSON value as its
// compact text. None when the extra is unset, not an object or has no such
// member; InvalidArgument when that member is not an object.
Result<std::vector<parquet::KeyValue>> FileKeyValues(const json::Value& extra) {
  std::vector<parquet::KeyValue> kv;
  const json::Value* member = extra.Find("file_key_value_metadata");
  if (member == nullptr) return kv;
  if (!member->is_object()) {
    return Status::InvalidArgument(
        "'schema_extra_json': member 'file_key_value_metadata' must be a JSON object");
  }
  for (const auto& [key, value] : member->members()) {
    kv.push_back(parquet::KeyValue{
        key, value.is_string() ? value.string_value() : json::Serialize(value)});
  }
  return kv;
}
Result<std::vector<parquet::KeyValue>> FileKeyValues(const std::optional<std::string>& extra) {
  if (!extra) return std::vector<parquet::KeyValue>{};
  OUPS_ASSIGN_OR_RETURN(json::Value root, json::Parse(*extra));
  return FileKeyValues(root);
}

Status OrderedOnMismatch(const std::string& given, const std::string& stored) {
  return Status::InvalidArgument("'ordered_on' parameter value '" + given +
                                 "' does not match '" + stored + "' in record dataset.");
}


Result<Column> EmptyColumn(const DataType& type) {
  ColumnBuilder b(type);
  return b.Finish();
}

Result<Table> EmptyTable(const Schema& schema) {
  std::vector<Column> cols;
  for (const Field& f : schema.fields()) {
    OUPS_ASSIGN_OR_RETURN(Column c, EmptyColumn(f.type));
    cols.push_back(std::move(c));
  }
  return Table::Make(schema, std::move(cols));
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += "'" + n + "'";
  }
  return out;
}

// The committed state, or an empty one when no metadata file exists.
struct Committed {
  DatasetMetadata md;
  bool exists = false;
};

// InvalidArgument unless `text` is JSON whose file key-values are valid
// (FileKeyValues); `what` starts the message of invalid JSON.
Status CheckSchemaExtra(const std::string& text, const std::string& what) {
  Result<json::Value> parsed = json::Parse(text);
  if (!parsed.ok()) {
    return Status::InvalidArgument(what + ": " + parsed.status().message());
  }
  return FileKeyValues(*parsed).status();
}

// The committed state from the result of reading the metadata file (NotFound:
// an empty state carrying the handle's ordered_on and preserved key-values),
// checked against the handle's ordered_on.
Result<Committed> CommittedState(const OrderedDataset::State& st, Result<DatasetMetadata> md) {
  Committed snap;
  if (md.ok()) {
    snap.md = std::move(md).ValueOrDie();
    snap.exists = true;
  } else if (md.status().IsNotFound()) {
    std::lock_guard<std::mutex> g(st.mu);
    snap.md.ordered_on = st.ordered_on;
    if (st.preserved_kv) snap.md.key_value_metadata = *st.preserved_kv;
  } else {
    return md.status();
  }
  std::lock_guard<std::mutex> g(st.mu);
  if (snap.exists && st.ordered_on && snap.md.ordered_on && *st.ordered_on != *snap.md.ordered_on) {
    return OrderedOnMismatch(*st.ordered_on, *snap.md.ordered_on);
  }
  if (snap.exists && !snap.md.ordered_on) snap.md.ordered_on = st.ordered_on;
  return snap;
}

Result<Committed> LoadCommitted(const OrderedDataset::State& st) {
  return CommittedState(st, dataset::ReadMetadataFile(*st.fs, st.paths.metadata));
}

// The committed state without its rg list (the metadata file's footer and
// JSON only: what opening a handle, its properties and a range read need,
// whatever the number of rgs). The opened file goes to `file` (null when
// there is none).
Result<Committed> LoadCommittedHeader(const OrderedDataset::State& st,
                                      std::unique_ptr<dataset::MetadataFile>* file) {
  auto opened = dataset::MetadataFile::Open(*st.fs, st.paths.metadata);
  if (!opened.ok()) return CommittedState(st, opened.status());
  *file = std::move(opened).ValueOrDie();
  return CommittedState(st, DatasetMetadata((*file)->header()));
}
Result<Committed> LoadCommittedHeader(const OrderedDataset::State& st) {
  std::unique_ptr<dataset::MetadataFile> file;
  return LoadCommittedHeader(st, &file);
}

Result<std::unique_ptr<FileLock>> TakeWriterLockOnce(const OrderedDataset::State& st,
                                                     const std::optional<double>& timeout);

// Takes the writer lock with the timeout message of
// docs/behaviour.md#writer-lock.
Result<std::unique_ptr<FileLock>> TakeWriterLock(const OrderedDataset::State& st,
                                                 const std::optional<double>& timeout) {
  // A Store deleting a sibling dataset may prune the (then empty) parent
  // directory between its creation here and the lock file's
  // (docs/behaviour.md#store): the lock then fails with NotFound, and the
  // parents are created again.
  for (int attempt = 0;; ++attempt) {
    auto lock = TakeWriterLockOnce(st, timeout);
    if (lock.ok() || !lock.status().IsNotFound() || attempt >= 100) return lock;
  }
}

Result<std::unique_ptr<FileLock>> TakeWriterLockOnce(const OrderedDataset::State& st,
                                                     const std::optional<double>& timeout) {
  if (!st.paths.parent.empty()) {
    OUPS_ASSIGN_OR_RETURN(bool exists, st.fs->Exists(st.paths.parent));
    if (!exists) {
      // Create the missing parents and make their entries durable (a crash
      // must not lose a directory holding committed metadata).
      OUPS_RETURN_NOT_OK(st.fs->CreateDirs(st.paths.parent));
      std::string dir = st.paths.parent;
      while (true) {
        std::string up(DirName(dir));
        OUPS_RETURN_NOT_OK(st.fs->SyncDir(up.empty() ? "." : up));
        if (up.empty() || up == "/" || up == dir) break;
        dir = up;
      }
    }
  }
  std::chrono::milliseconds ms(-1);
  if (timeout) ms = std::chrono::milliseconds(static_cast<int64_t>(std::ceil(*timeout * 1000.0)));
  auto lock = st.fs->Lock(st.paths.lock, ms);
  if (!lock.ok() && lock.status().code() == StatusCode::kTimeout) {
    return Status::Timeout("failed to acquire lock for dataset '" + st.paths.dir + "' within " +
                           FormatSeconds(timeout.value_or(0)) +
                           " seconds. Another process may be using this dataset.");
  }
  return lock;
}

// The two reader registration files of a dataset (docs/format.md, "Readers
// and writers"): a reader holds a shared lock on one of them; a writer's check
// locks each exclusively for an instant, one after the other, never both.
std::array<const std::string*, 2> RegistrationFiles(const DatasetPaths& paths) {
  return {&paths.readers, &paths.readers_alt};
}

// docs/behaviour.md#snapshots: a read registers with a shared lock on a
// registration file, taken before loading the metadata and held until its last
// rg file is read. Never waits for a writer: only non-blocking attempts, on the
// first file, then on the second. A writer holds at most one of them (for an
// instant, or for as long as it is stopped there), so a round fails only when a
// writer's check moved from the first file to the second between the two
// attempts; each failed round needs another check by a running writer. Best
// effort as before: without a parent directory there is no dataset to protect,
// and a file system without shared locks leaves reads unregistered (nullptr).
Result<std::unique_ptr<FileLock>> RegisterReader(FileSystem& fs, const DatasetPaths& paths) {
  constexpr int kRounds = 20000;
  auto pause = std::chrono::microseconds(20);
  for (int round = 0; round < kRounds; ++round) {
    for (const std::string* file : RegistrationFiles(paths)) {
      auto lock = fs.LockShared(*file, std::chrono::milliseconds(0));
      if (lock.ok()) return std::move(lock).ValueOrDie();
      if (lock.status().code() != StatusCode::kTimeout) return std::unique_ptr<FileLock>();
    }
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(1));
  }
  return Status::Timeout("could not register as a reader of dataset '" + paths.dir +
                         "': writers kept locking both '" + paths.readers + "' and '" +
                         paths.readers_alt + "' at every attempt");
}

// Non-blocking check, made after a commit point, that no reader is
// registered: an exclusive lock on each registration file, taken and released
// at once, one file after the other (so that readers can always register on
// the other one). True when both were free: every reader that registered
// before the commit point has then finished, and readers registering later
// load the committed metadata (or a later one), which lists none of the files
// this commit, or an earlier one, stopped listing; those can be deleted after
// the locks are released (the argument is in docs/format.md).
bool NoReaderRegistered(const OrderedDataset::State& st) {
  for (const std::string* file : RegistrationFiles(st.paths)) {
    auto lock = st.fs->Lock(*file, std::chrono::milliseconds(0));
    if (!lock.ok()) return false;
  }
  return true;
}

// Ids of the row-group files present in the dataset directory (none if the
// directory does not exist; `dir_exists` tells which).
Result<std::vector<uint64_t>> ListRowGroupFiles(FileSystem& fs, const DatasetPaths& paths,
                                                bool* dir_exists) {
  std::vector<uint64_t> ids;
  *dir_exists = false;
  auto entries = fs.ListDir(paths.dir);
  if (!entries.ok()) {
    if (entries.status().IsNotFound()) return ids;
    return entries.status();
  }
  *dir_exists = true;
  for (const FileInfo& e : *entries) {
    if (e.is_dir) continue;
    if (auto id = dataset::ParseRowGroupFileName(e.name)) ids.push_back(*id);
  }
  return ids;
}

// The one temporary metadata file name a writer of this dataset uses (it holds
// the writer lock, so no two writers need distinct names): token 0.
std::string CommitTempFile(const DatasetPaths& paths) { return paths.TempMetadata(0); }

// Deletes what interrupted commits of this dataset may have left in the
// parent directory, without listing it (the parent holds every sibling
// dataset of a store: listing it would make each write cost O(siblings)):
// the writer's temp metadata file (one predictable name) and, when
// `stale_record` (a committed metadata file exists), the leftovers record,
// which that metadata supersedes. Only when the temp file was there (an
// interrupted commit is proven) is the parent listed, once, for the
// random-named temp files of earlier versions of oups. Best effort.
void SweepTempFiles(FileSystem& fs, const DatasetPaths& paths, bool stale_record) {
  if (stale_record) fs.DeleteFile(paths.leftovers).IgnoreError();
  if (!fs.DeleteFile(CommitTempFile(paths)).ok()) return;
  auto entries = fs.ListDir(paths.ParentDir());
  if (!entries.ok()) return;
  for (const FileInfo& e : *entries) {
    if (!e.is_dir && dataset::IsTempMetadataFileName(e.name, paths.name)) {
      fs.DeleteFile(JoinPath(paths.parent, e.name)).IgnoreError();
    }
  }
}

// The proven leftovers of the committed state `md` (dataset/leftovers.h) that
// are present, found without listing the dataset directory: each obsolete id
// is probed, and the run above the mark id after id up to the first missing
// one. Costs O(leftovers), not O(row groups).
Result<dataset::RowGroupFileOwnership> ProbeLeftovers(FileSystem& fs, const DatasetPaths& paths,
                                                      const DatasetMetadata& md) {
  dataset::RowGroupFileOwnership own;
  for (uint64_t id : md.obsolete_file_ids) {
    OUPS_ASSIGN_OR_RETURN(bool exists, fs.Exists(paths.RowGroupFile(id)));
    if (exists) own.obsolete.push_back(id);
  }
  for (std::optional<uint64_t> id = dataset::FirstIdAboveMark(md); id;
       id = *id == std::numeric_limits<uint64_t>::max() ? std::nullopt
                                                        : std::optional<uint64_t>(*id + 1)) {
    OUPS_ASSIGN_OR_RETURN(bool exists, fs.Exists(paths.RowGroupFile(*id)));
    if (!exists) break;
    own.interrupted.push_back(*id);
  }
  return own;  // obsolete in the order of obsolete_file_ids: sorted
}

// Deletes the proven leftovers of `own` (see dataset/leftovers.h) and returns
// the ids now absent. The run above the mark goes from its top down and stops
// at the first failure, so that what remains is still a run right above the
// mark; obsolete files only when no reader is registered (a reader of an older
// snapshot may need them; `no_reader` when the caller checked that, after the
// commit point that made them obsolete).
// Best effort.
std::set<uint64_t> DeleteLeftovers(const OrderedDataset::State& st,
                                   const dataset::RowGroupFileOwnership& own,
                                   bool no_reader = false) {
  FileSystem& fs = *st.fs;
  std::set<uint64_t> gone;
  auto remove = [&](uint64_t id) {
    Status s = fs.DeleteFile(st.paths.RowGroupFile(id));
    if (s.ok() || s.IsNotFound()) gone.insert(id);
    return s.ok() || s.IsNotFound();
  };
  for (auto it = own.interrupted.rbegin(); it != own.interrupted.rend(); ++it) {
    if (!remove(*it)) break;
  }
  if (!own.obsolete.empty() && (no_reader || NoReaderRegistered(st))) {
    for (uint64_t id : own.obsolete) remove(id);
  }
  return gone;
}

// A write refuses to start a dataset over row-group files that no metadata
// file or leftovers record accounts for.
Status UnaccountedFilesError(const DatasetPaths& paths, const std::vector<uint64_t>& present) {
  return Status::AlreadyExists(
      "dataset directory '" + paths.dir + "' holds " + std::to_string(present.size()) +
      " row-group file(s) (" + paths.RowGroupFile(present.front()) +
      (present.size() > 1 ? ", ..." : "") + ") but its metadata file '" + paths.metadata +
      "' does not exist, so nothing proves they are leftovers of this dataset; they are kept "
      "and nothing is written. If the directory was moved, copied or restored without its "
      "metadata file, put that file back at '" + paths.metadata +
      "', or rebuild it from the files with `oups recover " + paths.dir +
      "`; to start a new dataset here, first move the row-group files (or the directory) away.");
}

struct ValidatedWrite {
  std::string ordered_on;
  bool has_table = false;
  Table rows;  // de-duplicated among themselves when dropping
  std::optional<std::vector<std::string>> dedup_subset;
  dataset::RowGroupTarget target = dataset::RowGroupTarget::NRows(kDefaultRowGroupTargetSize);
  MaxNOffTargetRgs max_n_off_target_rgs = kNoCoalescing;
  parquet::CompressionOptions compression{};
  int num_threads = 1;
  std::optional<double> lock_timeout;
};

// The planner's target of a row-group target size: the one place a target
// given by a user (C++, Python, the CLI) or remembered by the dataset is
// checked (n rows >= 1; a period's frequency; its fit with the ordered
// column's type is the planner's).
Result<dataset::RowGroupTarget> ToPlannerTarget(const RowGroupTargetSize& size) {
  if (const int64_t* n = std::get_if<int64_t>(&size)) {
    OUPS_RETURN_NOT_OK(dataset::CheckRowGroupTargetRows(*n));
    return dataset::RowGroupTarget::NRows(*n);
  }
  OUPS_ASSIGN_OR_RETURN(auto freq, dataset::Frequency::Parse(std::get<Period>(size).text));
  return dataset::RowGroupTarget::Period(std::move(freq));
}

// Remembered layout (docs/format.md, "write_settings"): the settings this
// write gives replace the stored ones (returned, to be committed); the others
// are taken from the committed state `stored` into `w`. A stored setting that
// no longer validates is an error naming the dataset.
Result<dataset::WriteSettings> ResolveWriteSettings(const dataset::WriteSettings& stored,
                                                   const WriteOptions& o, ValidatedWrite& w,
                                                   const std::string& dataset) {
  dataset::WriteSettings out = stored;
  auto stored_error = [&](const Status& s) {
    return Status(s.code(), "the row-group settings stored with dataset '" + dataset +
                                "' are invalid (give them to this write to replace them): " +
                                s.message());
  };
  if (o.row_group_target_size) {
    if (const int64_t* n = std::get_if<int64_t>(&*o.row_group_target_size)) {
      out.row_group_target_size = *n;
    } else {
      out.row_group_target_size = std::get<Period>(*o.row_group_target_size).text;
    }
  } else if (stored.row_group_target_size) {
    const auto& v = *stored.row_group_target_size;
    RowGroupTargetSize size = std::holds_alternative<int64_t>(v)
                                  ? RowGroupTargetSize{std::get<int64_t>(v)}
                                  : RowGroupTargetSize{Period(std::get<std::string>(v))};
    auto target = ToPlannerTarget(size);
    if (!target.ok()) return stored_error(target.status());
    w.target = std::move(target).ValueOrDie();
  }
  if (o.max_n_off_target_rgs) {
    out.max_n_off_target_rgs = *o.max_n_off_target_rgs;
  } else if (stored.max_n_off_target_rgs) {
    Status s = dataset::CheckMaxNOffTargetRgs(*stored.max_n_off_target_rgs);
    if (!s.ok()) return stored_error(s);
    w.max_n_off_target_rgs = *stored.max_n_off_target_rgs;
  }
  return out;
}

// docs/behaviour.md#writing steps 1-2: everything that does not depend on
// stored state.
Result<ValidatedWrite> ValidateWrite(const OrderedDataset::State& st, const Table* table,
                                     const WriteOptions& o) {
  ValidatedWrite w;
  {
    std::lock_guard<std::mutex> g(st.mu);
    if (o.ordered_on && o.ordered_on->empty()) {
      return Status::InvalidArgument("'ordered_on' must name a column, not be empty.");
    }
    if (o.ordered_on && st.ordered_on && *o.ordered_on != *st.ordered_on) {
      return OrderedOnMismatch(*o.ordered_on, *st.ordered_on);
    }
    if (o.ordered_on) {
      w.ordered_on = *o.ordered_on;
    } else if (st.ordered_on) {
      w.ordered_on = *st.ordered_on;
    } else {
      return Status::InvalidArgument("'ordered_on' parameter is required.");
    }
  }
  if (w.ordered_on.empty()) return Status::InvalidArgument("'ordered_on' parameter is required.");
  if (table != nullptr) {
    for (int i = 0; i < table->schema().num_fields(); ++i) {
      if (table->schema().field(i).name.empty()) {
        return Status::InvalidArgument("column " + std::to_string(i) +
                                       " has an empty name: every column needs one.");
      }
    }
  }
  // Given settings are checked here, before anything on disk is touched;
  // remembered ones are resolved under the lock (ResolveWriteSettings).
  if (o.row_group_target_size) {
    OUPS_ASSIGN_OR_RETURN(w.target, ToPlannerTarget(*o.row_group_target_size));
  }
  if (o.max_n_off_target_rgs) {
    OUPS_RETURN_NOT_OK(dataset::CheckMaxNOffTargetRgs(*o.max_n_off_target_rgs));
    w.max_n_off_target_rgs = *o.max_n_off_target_rgs;
  }
  OUPS_RETURN_NOT_OK(CheckLockTimeout(o.lock_timeout));
  w.lock_timeout = o.lock_timeout ? o.lock_timeout : st.lock_timeout;
  {
    const Status c = o.compression.Validate();
    if (!c.ok()) return Status(c.code(), "'compression': " + c.message());
    w.compression = o.compression;
  }
  w.num_threads = std::max(1, o.num_threads);
  if (o.schema_extra_json) {
    OUPS_RETURN_NOT_OK(CheckSchemaExtra(*o.schema_extra_json, "'schema_extra_json' is not valid JSON"));
  }
  if (table == nullptr) {
    if (o.duplicates_on && !o.duplicates_on->empty()) {
      // Checked against the stored schema later.
    }
    if (o.duplicates_on) {
      std::vector<std::string> subset = *o.duplicates_on;
      if (!subset.empty() &&
          std::find(subset.begin(), subset.end(), w.ordered_on) == subset.end()) {
        subset.push_back(w.ordered_on);
      }
      w.dedup_subset = std::move(subset);
    }
    return w;
  }
  w.has_table = true;
  const Schema& schema = table->schema();
  std::set<std::string> names;
  std::vector<std::string> dups;
  for (const Field& f : schema.fields()) {
    if (!names.insert(f.name).second) dups.push_back(f.name);
  }
  if (!dups.empty()) return Status::InvalidArgument("duplicate column labels: " + JoinNames(dups));
  // String columns hold UTF-8 text (Parquet's STRING): refuse anything else
  // before it reaches a file. Binary columns hold any bytes.
  for (int i = 0; i < table->num_columns(); ++i) {
    if (schema.field(i).type.id != TypeId::kString) continue;
    OUPS_ASSIGN_OR_RETURN(int64_t bad, FindInvalidUtf8(table->column(i)));
    if (bad >= 0) {
      return Status::InvalidArgument("column '" + schema.field(i).name + "', row " +
                                     std::to_string(bad) +
                                     ": the value is not valid UTF-8 (a string column holds "
                                     "UTF-8 text; store other bytes in a binary column)");
    }
  }
  const int oi = schema.IndexOf(w.ordered_on);
  if (oi < 0) {
    return Status::NotFound("ordered column '" + w.ordered_on +
                            "' is not a column of the data (it may be the index).");
  }
  const Column& ordered = table->column(oi);
  if (!dataset::IsOrderableType(ordered.type())) {
    return Status::TypeError("ordered column '" + w.ordered_on + "' has type " +
                             ordered.type().ToString() +
                             ", which cannot be an ordered column (integers, floats, "
                             "timestamps, dates or strings)");
  }
  OUPS_ASSIGN_OR_RETURN(int64_t bad, FindFirstUnsorted(ordered));
  if (bad >= 0) {
    return Status::InvalidArgument("'df_ordered_on' must be sorted in ascending order. Column '" +
                                   w.ordered_on + "', first offending row " +
                                   std::to_string(bad) +
                                   (ordered.IsNull(bad) ? " (null)" : "") + ".");
  }
  if (o.duplicates_on) {
    std::vector<std::string> subset = *o.duplicates_on;
    std::vector<std::string> missing;
    for (const auto& n : subset) {
      if (schema.IndexOf(n) < 0) missing.push_back(n);
    }
    if (!missing.empty()) {
      return Status::NotFound("'duplicates_on' columns not in the data: " + JoinNames(missing));
    }
    if (!subset.empty() && std::find(subset.begin(), subset.end(), w.ordered_on) == subset.end()) {
      subset.push_back(w.ordered_on);
    }
    w.dedup_subset = subset;
    OUPS_ASSIGN_OR_RETURN(w.rows, DropDuplicatesKeepLast(*table, w.ordered_on, subset));
  } else {
    w.rows = *table;
  }
  return w;
}

// Safe conversions of new rows to the stored types (docs/behaviour.md
// #column-types), as pyarrow's safe casts (`pa.Array.cast(..., safe=True)`):
//   * an integer to a wider integer of the same signedness;
//   * an integer to float64 (float32) when every value lies within +-2^53
//     (+-2^24), where every integer is exact (pyarrow's bound, value by value);
//   * float32 to float64;
//   * a timestamp with a time zone to the stored zone, same unit (the same
//     instants: only the label changes, the stored values are UTC).
// Anything else stays a TypeError naming the column and both types.
//
// Home: here, in ConformToSchema, the one place where the rows of every
// writer (C++, Python, the CLI's CSV and Parquet input) meet the stored
// schema, read under the writer lock. The Python layer could cast too, but it
// would have to read the stored schema outside the lock (a concurrent first
// write may set it), and the CLI and C++ callers would not get the same rule.
bool IsSafeIntegerWidening(const DataType& from, const DataType& to) {
  return from.is_integer() && to.is_integer() &&
         from.is_signed_integer() == to.is_signed_integer() &&
         from.byte_width() < to.byte_width();
}

// nullopt: no safe conversion from `c`'s type to `to` (the caller's
// TypeError); else the converted column, or a TypeError naming the column,
// both types and the first value that would not convert exactly.
std::optional<Result<Column>> SafeConvert(const Column& c, const DataType& to,
                                          const std::string& name) {
  const DataType& from = c.type();
  if (from.id == TypeId::kTimestamp && to.id == TypeId::kTimestamp && from.unit == to.unit &&
      !from.timezone.empty() && !to.timezone.empty()) {
    return Result<Column>(Column(to, c.length(), c.validity(), c.values(), c.offsets(),
                                 c.null_count(), c.offset()));
  }
  const bool widen = IsSafeIntegerWidening(from, to);
  const bool to_float = from.is_integer() && to.is_floating();
  const bool float_widen = from.id == TypeId::kFloat32 && to.id == TypeId::kFloat64;
  if (!widen && !to_float && !float_widen) return std::nullopt;
  ColumnBuilder b(to);
  Status st = b.Reserve(c.length());
  if (st.ok() && float_widen) {
    const float* v = c.data<float>();
    for (int64_t i = 0; i < c.length() && st.ok(); ++i) {
      st = c.IsNull(i) ? b.AppendNull() : b.Append(static_cast<double>(v[i]));
    }
  } else if (st.ok()) {
    st = dataset::AppendIntegersExactly(c, to, b, [&](int64_t row, const std::string& value) {
      return Status::TypeError(
          "column '" + name + "' is stored as " + to.ToString() + " but given as " +
          from.ToString() + ": row " + std::to_string(row) + " holds " + value + ", which " +
          to.ToString() + " does not hold exactly (integers up to 2^" +
          (to.id == TypeId::kFloat64 ? "53" : "24") + " in magnitude convert)");
    });
  }
  if (!st.ok()) return Result<Column>(st);
  return b.Finish();
}

// Schema check (docs/behaviour.md#schema) of new rows against the stored
// schema; returns the new rows with columns in stored order, converted to the
// stored types where a safe conversion exists (SafeConvert).
Result<Table> ConformToSchema(const Table& rows, const Schema& stored,
                              bool schema_evolution = false) {
  std::vector<std::string> missing, unexpected;
  for (const Field& f : stored.fields()) {
    if (rows.schema().IndexOf(f.name) < 0) missing.push_back(f.name);
  }
  for (const Field& f : rows.schema().fields()) {
    if (stored.IndexOf(f.name) < 0) unexpected.push_back(f.name);
  }
  if (!missing.empty() || !unexpected.empty()) {
    std::string msg = "columns differ from the stored schema.";
    if (!missing.empty()) msg += " Missing: " + JoinNames(missing) + ".";
    if (!unexpected.empty()) msg += " Unexpected: " + JoinNames(unexpected) + ".";
    if (!schema_evolution) {
      msg += " (A write with schema evolution may add and leave out columns.)";
    }
    return Status::InvalidArgument(msg);
  }
  std::vector<Field> fields;
  std::vector<Column> columns;
  for (const Field& f : stored.fields()) {
    const int i = rows.schema().IndexOf(f.name);
    const Field& g = rows.schema().field(i);
    Column c = rows.column(i);
    if (g.type != f.type) {
      std::optional<Result<Column>> converted = SafeConvert(c, f.type, f.name);
      if (!converted) {
        std::string hint;
        if (dataset::IsWidening(f.type, g.type)) {
          hint = schema_evolution ? " (the ordered column's type does not evolve)"
                                  : " (a write with schema evolution widens the stored type)";
        } else if (schema_evolution) {
          hint = " (schema evolution only widens a type; " + g.type.ToString() + " is not a "
                 "widening of " + f.type.ToString() + ")";
        }
        return Status::TypeError("column '" + f.name + "' is stored as " + f.type.ToString() +
                                 " but given as " + g.type.ToString() + hint);
      }
      OUPS_ASSIGN_OR_RETURN(c, std::move(*converted));
    }
    fields.push_back(Field{f.name, f.type, g.nullable});
    columns.push_back(std::move(c));
  }
  return Table::Make(Schema(std::move(fields)), std::move(columns));
}

// Re-labels `t`'s fields with `schema` (same names and types; nullability from
// the schema, which is the union of every write's).
Result<Table> WithSchema(const Table& t, const Schema& schema) {
  return Table::Make(schema, t.columns());
}

}  // namespace

Result<OrderedDataset> OrderedDataset::Open(std::shared_ptr<FileSystem> fs, std::string path,
                                            OpenOptions options) {
  if (fs == nullptr) return Status::InvalidArgument("OrderedDataset::Open: no file system");
  auto paths = DatasetPaths::Make(path);
  if (!paths) return Status::InvalidArgument("invalid dataset path '" + path + "'");
  OUPS_RETURN_NOT_OK(CheckLockTimeout(options.lock_timeout));
  if (options.ordered_on && options.ordered_on->empty()) options.ordered_on.reset();
  auto state = std::make_shared<State>();
  state->fs = std::move(fs);
  state->paths = std::move(*paths);
  state->lock_timeout = options.lock_timeout;
  state->ordered_on = options.ordered_on;
  OUPS_ASSIGN_OR_RETURN(Committed snap, LoadCommittedHeader(*state));
  if (snap.exists && snap.md.ordered_on) state->ordered_on = snap.md.ordered_on;
  return OrderedDataset(std::move(state));
}

const std::string& OrderedDataset::path() const { return state_->paths.dir; }
const std::shared_ptr<FileSystem>& OrderedDataset::file_system() const { return state_->fs; }

namespace {

// Files created by one write attempt: deleted (best effort) unless committed,
// the last created first, stopping at the first failure so that the row-group
// files left behind stay a run of ids right above the high-water mark.
struct CreatedFiles {
  FileSystem* fs = nullptr;
  std::vector<std::string> paths;
  bool committed = false;
  ~CreatedFiles() {
    if (committed) return;
    for (auto it = paths.rbegin(); it != paths.rend(); ++it) {
      Status s = fs->DeleteFile(*it);
      if (!s.ok() && !s.IsNotFound()) break;
    }
  }
};

// Writes `record` as the leftovers record of the dataset, durably: through a
// temp file (listed in `created` while it exists), renamed over the record,
// then the parent directory synced.
Status WriteLeftoversRecord(const OrderedDataset::State& st, const DatasetMetadata& record,
                            CreatedFiles* created) {
  FileSystem& fs = *st.fs;
  const std::string temp = CommitTempFile(st.paths);
  created->paths.push_back(temp);
  OUPS_RETURN_NOT_OK(dataset::WriteMetadataFile(fs, temp, record));
  OUPS_RETURN_NOT_OK(fs.Rename(temp, st.paths.leftovers));
  created->paths.pop_back();
  return fs.SyncDir(st.paths.ParentDir());
}

// The committed state a write starts from, read under the writer lock, with
// its opened metadata file in `*source`. A write that touches no rg ending
// before its first new row (rows given, no coalescing: a write then rewrites
// only the rgs its rows fall into, docs/behaviour.md#coalescing; no schema
// evolution, which checks the stored rows) reads only the tail of the rg list
// (MetadataFile::ReadTail): its commit copies the other chunks of the metadata
// file unchanged, so an append costs the same in a dataset of 100 or of 20,000
// rgs. A dataset with a history takes it too: the version record needs only
// the rgs added and dropped, and its totals come from the history member
// (PrepareHistoryCommit reads the whole list only for a checkpoint).
// Everything else reads the whole list.
Result<DatasetMetadata> ReadCommittedForWrite(FileSystem& fs, const DatasetPaths& paths,
                                              const ValidatedWrite& w, const WriteOptions& o,
                                              std::unique_ptr<dataset::MetadataFile>* source) {
  OUPS_ASSIGN_OR_RETURN(*source, dataset::MetadataFile::Open(fs, paths.metadata));
  dataset::MetadataFile& file = **source;
  const DatasetMetadata& h = file.header();
  const std::optional<MaxNOffTargetRgs> coalescing =
      o.max_n_off_target_rgs ? o.max_n_off_target_rgs : h.write_settings.max_n_off_target_rgs;
  const bool tail = w.has_table && w.rows.num_rows() > 0 && !(coalescing && *coalescing) &&
                    h.max_used_file_id && h.schema && h.ordered_on &&
                    *h.ordered_on == w.ordered_on && !o.schema_evolution;
  if (!tail) return file.ReadAll();
  auto ordered = w.rows.GetColumn(w.ordered_on);
  if (!ordered.ok() || ordered->IsNull(0)) return file.ReadAll();
  return file.ReadTail(GetScalar(*ordered, 0));
}

Status DoWrite(OrderedDataset::State& st, ValidatedWrite& w, const WriteOptions& o) {
  FileSystem& fs = *st.fs;
  const DatasetPaths& paths = st.paths;
  // Lock (docs/format.md, commit protocol).
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<FileLock> lock, TakeWriterLock(st, w.lock_timeout));
  // Step 3: committed state (never a cached copy). Without a metadata file,
  // the leftovers record (if any) says which files are this dataset's.
  Committed snap;
  bool from_record = false;
  std::unique_ptr<dataset::MetadataFile> md_source;  // chunks an append copies
  {
    auto md = ReadCommittedForWrite(fs, paths, w, o, &md_source);
    if (md.ok()) {
      snap.md = std::move(md).ValueOrDie();
      snap.exists = true;
    } else if (!md.status().IsNotFound()) {
      return md.status();
    } else {
      auto record = dataset::ReadMetadataFile(fs, paths.leftovers);
      if (record.ok()) {
        snap.md = dataset::AsLeftoversOnly(*record);
        from_record = true;
      } else if (!record.status().IsNotFound()) {
        return Status(record.status().code(),
                      "leftovers record of dataset '" + paths.dir +
                          "' is unreadable, so no file of its directory is known to be a "
                          "leftover (delete the record to start afresh once the directory holds "
                          "no row-group file): " + record.status().message());
      }
      std::lock_guard<std::mutex> g(st.mu);
      if (st.preserved_kv) snap.md.key_value_metadata = *st.preserved_kv;
    }
  }
  DatasetMetadata& md = snap.md;
  if (md.ordered_on && *md.ordered_on != w.ordered_on) {
    return OrderedOnMismatch(w.ordered_on, *md.ordered_on);
  }
  OUPS_RETURN_NOT_OK(dataset::CheckNoOverlap(md, paths.dir));
  OUPS_ASSIGN_OR_RETURN(const dataset::WriteSettings settings,
                        ResolveWriteSettings(md.write_settings, o, w, paths.dir));
  // Leftovers (under the lock, before anything new): only files the committed
  // state proves to be this dataset's (dataset/leftovers.h).
  // No listing of the dataset directory (docs/format.md, "What a write
  // touches"): the leftovers are probed by id. Only a dataset without any
  // committed state is listed, to refuse starting over files nobody accounts
  // for (its directory usually does not exist).
  if (!snap.exists && !from_record) {
    OUPS_ASSIGN_OR_RETURN(bool dir_exists, fs.Exists(paths.dir));
    bool listed_dir = false;
    std::vector<uint64_t> present;
    if (dir_exists) {
      OUPS_ASSIGN_OR_RETURN(present, ListRowGroupFiles(fs, paths, &listed_dir));
    }
    if (!present.empty()) return UnaccountedFilesError(paths, present);
  }
  OUPS_ASSIGN_OR_RETURN(const dataset::RowGroupFileOwnership own,
                        ProbeLeftovers(fs, paths, md));
  std::vector<uint64_t> present = own.obsolete;
  present.insert(present.end(), own.interrupted.begin(), own.interrupted.end());
  SweepTempFiles(fs, paths, snap.exists);
  const std::set<uint64_t> gone = DeleteLeftovers(st, own);
  // Interrupted files that could not be deleted: the new ids go above them.
  std::vector<uint64_t> kept_run;
  for (uint64_t id : own.interrupted) {
    if (!gone.count(id)) kept_run.push_back(id);
  }

  // Schema: check, or record; with schema evolution, evolve
  // (dataset/schema_evolution.h): the stored rows of a widened column are
  // checked first, and columns the rows leave out are null in them.
  std::optional<Schema> schema = md.schema;
  bool evolved_now = false;  // rg files may now differ from the schema
  if (w.has_table) {
    if (schema && o.schema_evolution) {
      OUPS_ASSIGN_OR_RETURN(dataset::EvolvedSchema ev,
                            dataset::EvolveSchema(*schema, w.rows.schema(), w.ordered_on));
      if (ev.changed()) {
        OUPS_RETURN_NOT_OK(dataset::CheckStoredRowsWiden(fs, md, paths, ev));
        OUPS_ASSIGN_OR_RETURN(w.rows, dataset::AddMissingColumns(w.rows, ev.schema));
        evolved_now = !ev.added.empty() || !ev.widened.empty();
        schema = std::move(ev.schema);
      }
    }
    if (schema) {
      OUPS_ASSIGN_OR_RETURN(w.rows, ConformToSchema(w.rows, *schema, o.schema_evolution));
      std::vector<Field> fields = schema->fields();
      for (size_t i = 0; i < fields.size(); ++i) {
        fields[i].nullable = fields[i].nullable || w.rows.schema().field(static_cast<int>(i)).nullable ||
                             w.rows.column(static_cast<int>(i)).null_count() > 0;
      }
      schema = Schema(std::move(fields));
    } else {
      schema = w.rows.schema();
    }
  } else if (schema) {
    OUPS_ASSIGN_OR_RETURN(w.rows, EmptyTable(*schema));
  }
  if (w.dedup_subset && schema) {
    std::vector<std::string> missing;
    for (const auto& n : *w.dedup_subset) {
      if (schema->IndexOf(n) < 0) missing.push_back(n);
    }
    if (!missing.empty()) {
      return Status::NotFound("'duplicates_on' columns not in the data: " + JoinNames(missing));
    }
  }
  if (schema && schema->IndexOf(w.ordered_on) < 0) {
    return Status::NotFound("ordered column '" + w.ordered_on +
                            "' is not a column of the data (it may be the index).");
  }

  DatasetMetadata out;
  out.version = md.version + 1;
  out.committed_at = dataset::UtcNowIso8601();
  out.ordered_on = w.ordered_on;
  out.write_settings = settings;
  out.key_value_metadata = md.key_value_metadata;
  out.schema = schema;
  out.required_features = md.required_features;
  if (evolved_now && !md.HasFeature(dataset::kSchemaEvolutionFeature)) {
    out.required_features.push_back(dataset::kSchemaEvolutionFeature);
    std::sort(out.required_features.begin(), out.required_features.end());
  }
  std::optional<std::string> extra_json = o.schema_extra_json;
  if (o.schema_extra_merge) {
    // Under the lock, from the committed details (WriteOptions::schema_extra_merge).
    OUPS_ASSIGN_OR_RETURN(extra_json, o.schema_extra_merge(snap.exists ? md.schema_extra_json
                                                                       : std::nullopt));
    if (extra_json) {
      OUPS_RETURN_NOT_OK(CheckSchemaExtra(*extra_json, "'schema_extra_merge' gave invalid JSON"));
    }
  }
  out.schema_extra_json = extra_json ? extra_json : md.schema_extra_json;
  out.max_used_file_id = md.max_known_file_id();
  if (!kept_run.empty()) out.max_used_file_id = kept_run.back();
  for (const auto& [k, v] : o.key_value_metadata) {
    if (v) {
      out.key_value_metadata[k] = *v;
    } else {
      out.key_value_metadata.erase(k);
    }
  }

  CreatedFiles created{&fs, {}, false};
  std::vector<uint64_t> obsolete;
  bool record_written = false;     // this write wrote the leftovers record
  bool any_file = false;           // this write created a row-group file
  bool deletions_durable = false;  // the directory was synced after the deletions
  const int64_t R = md.num_row_groups();
  const bool has_rows = w.rows.num_rows() > 0;
  if (!schema || (R == 0 && !has_rows)) {
    // No rg and no new row: metadata only (docs/behaviour.md#writing).
    out.file_ids.clear();
  } else {
    // Step 5: plan on the de-duplicated rows.
    const DataType otype = schema->field(schema->IndexOf(w.ordered_on)).type;
    dataset::WritePlanInput in;
    if (R == 0) {
      OUPS_ASSIGN_OR_RETURN(in.rg_mins, EmptyColumn(otype));
      OUPS_ASSIGN_OR_RETURN(in.rg_maxs, EmptyColumn(otype));
    } else {
      in.rg_mins = md.mins;
      in.rg_maxs = md.maxs;
    }
    for (uint64_t n : md.n_rows) in.rg_n_rows.push_back(static_cast<int64_t>(n));
    OUPS_ASSIGN_OR_RETURN(in.new_values, w.rows.GetColumn(w.ordered_on));
    in.drop_duplicates = w.dedup_subset.has_value();
    in.target = w.target;
    in.max_n_off_target_rgs = w.max_n_off_target_rgs;
    in.ordered_on = w.ordered_on;
    OUPS_ASSIGN_OR_RETURN(dataset::WritePlan plan, dataset::PlanWrite(in));

    // Step 6: execute, each produced rg to a fresh file (created exclusively:
    // an existing file is never replaced).
    std::optional<uint64_t> next_id = dataset::FirstIdAboveMark(out);
    bool dir_ready = false;
    constexpr int kFilesSyncedOneByOne = 16;
    int files_synced = 0;         // row-group files synced one by one
    bool defer_sync = false;      // later files wait for one SyncFileSystem
    bool deferred_files = false;  // a file was closed unsynced
    parquet::WriterOptions wopts;
    wopts.compression = w.compression;
    wopts.sorting_column = w.ordered_on;
    OUPS_ASSIGN_OR_RETURN(wopts.key_value_metadata, FileKeyValues(out.schema_extra_json));
    struct Produced {
      uint64_t id;
      uint64_t n_rows;
      Column min, max;
      uint32_t crc32;
    };
    std::vector<std::vector<Produced>> produced(plan.sequences.size());
    const std::vector<std::string> names = [&] {
      std::vector<std::string> v;
      for (const Field& f : schema->fields()) v.push_back(f.name);
      return v;
    }();
    // Rgs merged with new rows are read as the new schema: when this write
    // evolves it, through a copy of the committed rg list carrying it (rows
    // of older files conformed: added columns null, narrower types widened).
    std::optional<DatasetMetadata> evolved_md;
    if (evolved_now) {
      evolved_md = md;
      evolved_md->schema = schema;
      evolved_md->required_features = out.required_features;
    }
    const DatasetMetadata& read_md = evolved_md ? *evolved_md : md;
    dataset::RowGroupLoader load = [&](int64_t rg) -> Result<Table> {
      parquet::ReadOptions ro;
      ro.columns = names;
      // Checked against the committed metadata: a write never merges rows of
      // a file that is not the one the metadata describes.
      OUPS_ASSIGN_OR_RETURN(
          Table t,
          dataset::ReadCheckedRowGroup(
              fs, read_md, rg, paths.RowGroupFile(md.file_ids[static_cast<size_t>(rg)]), ro));
      return WithSchema(t, *schema);
    };
    // Progress: rows merged = new rows + rows of the rgs the plan rewrites.
    int64_t rows_done = 0;
    int64_t rows_total = w.rows.num_rows();
    for (const auto& seq : plan.sequences) {
      for (int64_t rg = seq.rg_start; rg < seq.replaced_rg_end; ++rg) {
        rows_total += static_cast<int64_t>(md.n_rows[static_cast<size_t>(rg)]);
      }
    }
    auto emit = [&](size_t k, Table rg) -> Status {
      if (!next_id) return dataset::NoIdLeft(paths);
      if (!snap.exists && !from_record && !record_written) {
        // A first write: record (durably) that the files it is about to
        // create are leftovers until it commits.
        OUPS_RETURN_NOT_OK(WriteLeftoversRecord(st, DatasetMetadata{}, &created));
        record_written = true;
      }
      if (!dir_ready) {
        OUPS_ASSIGN_OR_RETURN(bool exists, fs.Exists(paths.dir));
        if (!exists) {
          OUPS_RETURN_NOT_OK(fs.CreateDirs(paths.dir));
          OUPS_RETURN_NOT_OK(fs.SyncDir(paths.ParentDir()));
        }
        dir_ready = true;
      }
      OUPS_ASSIGN_OR_RETURN(Table conformed, WithSchema(rg, *schema));
      const uint64_t id = *next_id;
      next_id = id == std::numeric_limits<uint64_t>::max() ? std::nullopt
                                                           : std::optional<uint64_t>(id + 1);
      const std::string file = paths.RowGroupFile(id);
      auto opened = fs.CreateNewFile(file);
      if (!opened.ok()) {
        if (opened.status().code() != StatusCode::kAlreadyExists) return opened.status();
        return Status::AlreadyExists(
            "cannot write a row group of dataset '" + paths.dir + "': '" + file +
            "' already exists, and the committed metadata '" + paths.metadata +
            "' neither lists it nor proves it to be a leftover of this dataset, so it is never "
            "replaced; move it out of the dataset directory, then write again");
      }
      created.paths.push_back(file);
      any_file = true;
      // Durability of many files: the first kFilesSyncedOneByOne are synced
      // one by one; past them, when the file system syncs as a whole (syncfs),
      // files are closed unsynced and made durable by one SyncFileSystem before
      // the directory sync and the commit (docs/format.md#commit-protocol).
      if (!defer_sync && files_synced == kFilesSyncedOneByOne) {
        Status whole = fs.SyncFileSystem(paths.dir);
        if (whole.ok()) {
          defer_sync = true;
        } else if (whole.code() != StatusCode::kNotSupported) {
          return whole;
        }
      }
      uint32_t crc = 0;
      // Threads only for an rg large enough to repay starting them.
      wopts.num_threads = dataset::ThreadsFor(conformed.num_rows(), w.num_threads);
      OUPS_RETURN_NOT_OK(dataset::WriteParquetFileDurably(
          std::move(opened).ValueOrDie(), conformed, wopts, &crc,
          defer_sync ? dataset::FileSync::kDeferred : dataset::FileSync::kNow));
      if (defer_sync) {
        deferred_files = true;
      } else {
        ++files_synced;
      }
      OUPS_ASSIGN_OR_RETURN(Column oc, conformed.GetColumn(w.ordered_on));
      produced[k].push_back(Produced{id, static_cast<uint64_t>(conformed.num_rows()),
                                     oc.Slice(0, 1), oc.Slice(oc.length() - 1, 1), crc});
      rows_done += conformed.num_rows();
      if (o.progress) o.progress(rows_done, rows_total);
      return Status::OK();
    };
    dataset::MergeExecutionOptions eo;
    eo.ordered_on = w.ordered_on;
    eo.dedup_subset = w.dedup_subset;
    OUPS_RETURN_NOT_OK(dataset::ExecuteWritePlan(plan, w.rows, eo, load, emit));
    if (deferred_files) OUPS_RETURN_NOT_OK(fs.SyncFileSystem(paths.dir));
    if (dir_ready) {
      // Also makes this write's deletions of leftovers durable.
      OUPS_RETURN_NOT_OK(fs.SyncDir(paths.dir));
      deletions_durable = true;
    }
    if (any_file) {
      const uint64_t last = next_id ? *next_id - 1 : std::numeric_limits<uint64_t>::max();
      if (!out.max_used_file_id || last > *out.max_used_file_id) out.max_used_file_id = last;
    }

    // Step 7: the new rg list (docs/behaviour.md#merge); of a tail read for
    // an append, the new tail (the chunks before it are copied at the commit).
    out.partial = md.partial;
    out.first_row_group = md.first_row_group;
    std::vector<Column> mins, maxs;
    // Kept rgs are sliced by runs of consecutive indices (one slice for the
    // thousands of rgs an append keeps, not one per rg).
    int64_t run_start = -1, run_end = -1;
    auto flush_run = [&] {
      if (run_start >= 0) {
        mins.push_back(md.mins.Slice(run_start, run_end - run_start));
        maxs.push_back(md.maxs.Slice(run_start, run_end - run_start));
      }
      run_start = run_end = -1;
    };
    for (const auto& slot : plan.row_groups) {
      if (slot.kind == dataset::RowGroupSlot::Kind::kKeep) {
        const size_t i = static_cast<size_t>(slot.index);
        out.file_ids.push_back(md.file_ids[i]);
        out.n_rows.push_back(md.n_rows[i]);
        if (auto crc = md.file_crc32.find(md.file_ids[i]); crc != md.file_crc32.end()) {
          out.file_crc32.emplace_hint(out.file_crc32.end(), *crc);
        }
        if (slot.index != run_end) {
          flush_run();
          run_start = slot.index;
        }
        run_end = slot.index + 1;
      } else {
        flush_run();
        for (const Produced& p : produced[static_cast<size_t>(slot.index)]) {
          out.file_ids.push_back(p.id);
          out.n_rows.push_back(p.n_rows);
          out.file_crc32[p.id] = p.crc32;
          mins.push_back(p.min);
          maxs.push_back(p.max);
        }
      }
    }
    flush_run();
    if (!mins.empty()) {
      OUPS_ASSIGN_OR_RETURN(out.mins, Concatenate(mins));
      OUPS_ASSIGN_OR_RETURN(out.maxs, Concatenate(maxs));
    }
    std::vector<uint64_t> kept = out.file_ids;
    std::sort(kept.begin(), kept.end());
    for (uint64_t id : md.file_ids) {
      if (!std::binary_search(kept.begin(), kept.end(), id)) obsolete.push_back(id);
    }
  }

  // History (dataset/history.h): the record of this version, written before
  // the commit point; the files this commit frees are those no retained
  // version lists any more (with the default retention, the latest only:
  // exactly the files it stops listing).
  {
    dataset::HistoryCommitInput hin;
    hin.before = &md;
    hin.before_exists = snap.exists;
    hin.kind = w.has_table && w.rows.num_rows() > 0 ? "write"
               : out.file_ids != md.file_ids       ? "compaction"
                                                   : "metadata";
    hin.keep_versions = o.keep_versions;
    hin.keep_for = o.keep_for;
    hin.may_delete = [&st] { return NoReaderRegistered(st); };
    // The committed file is the state this write read (under the lock).
    hin.read_whole_before = [&] { return dataset::ReadMetadataFile(fs, paths.metadata); };
    OUPS_ASSIGN_OR_RETURN(dataset::HistoryCommit hist,
                          dataset::PrepareHistoryCommit(fs, paths, hin, &out));
    created.paths.insert(created.paths.end(), hist.written.begin(), hist.written.end());
    obsolete = std::move(hist.freed);
  }

  // Obsolete files the new state records: those this commit stops listing,
  // plus those of the old state (and interrupted files) not known to be gone
  // for good. An absence becomes durable with a sync of the directory.
  {
    const std::set<uint64_t> now(present.begin(), present.end());
    std::set<uint64_t> keep(obsolete.begin(), obsolete.end());
    std::vector<uint64_t> candidates = md.obsolete_file_ids;
    candidates.insert(candidates.end(), own.interrupted.begin(), own.interrupted.end());
    bool any_absence = !gone.empty();
    for (uint64_t id : md.obsolete_file_ids) any_absence |= !now.count(id);
    if (any_absence && !deletions_durable) {
      deletions_durable = fs.SyncDir(paths.dir).ok();
      if (!deletions_durable) {
        auto dir_exists = fs.Exists(paths.dir);
        deletions_durable = dir_exists.ok() && !*dir_exists;
      }
    }
    for (uint64_t id : candidates) {
      const bool absent = !now.count(id) || gone.count(id);
      if (!absent || !deletions_durable) keep.insert(id);
    }
    for (uint64_t id : out.file_ids) keep.erase(id);
    out.obsolete_file_ids.assign(keep.begin(), keep.end());
    if (!out.obsolete_file_ids.empty() &&
        (!out.max_used_file_id || out.obsolete_file_ids.back() > *out.max_used_file_id)) {
      out.max_used_file_id = out.obsolete_file_ids.back();
    }
  }

  // Commit: temp metadata file, fsync, rename, fsync parent.
  const std::string temp = CommitTempFile(paths);
  created.paths.push_back(temp);
  OUPS_RETURN_NOT_OK(out.partial
                         ? dataset::WriteMetadataFile(fs, temp, out, *md_source, w.compression.codec)
                         : dataset::WriteMetadataFile(fs, temp, out, w.compression.codec));
  OUPS_RETURN_NOT_OK(fs.Rename(temp, paths.metadata));
  created.paths.pop_back();  // the temp name no longer exists
  Status synced = fs.SyncDir(paths.ParentDir());
  if (!synced.ok()) {
    // The rename may or may not survive a crash: the new files must stay, as
    // the (visible) metadata references them. Report the failure.
    created.committed = true;
    return synced;
  }
  created.committed = true;  // COMMIT POINT passed
  {
    std::lock_guard<std::mutex> g(st.mu);
    st.ordered_on = w.ordered_on;
    st.preserved_kv.reset();
  }
  // Obsolete files (docs/behaviour.md#snapshots), unless a reader may still
  // need them (best effort, errors not reported; otherwise a later writer
  // deletes them).
  if (!obsolete.empty() && NoReaderRegistered(st)) {
    for (uint64_t id : obsolete) fs.DeleteFile(paths.RowGroupFile(id)).IgnoreError();
  }
  // The new metadata file now accounts for every file the record did.
  if (from_record || record_written) fs.DeleteFile(paths.leftovers).IgnoreError();
  (void)lock;
  return Status::OK();
}

}  // namespace

Status OrderedDataset::Write(const Table& table, const WriteOptions& options) {
  OUPS_ASSIGN_OR_RETURN(ValidatedWrite w, ValidateWrite(*state_, &table, options));
  return DoWrite(*state_, w, options);
}

Status OrderedDataset::Write(const WriteOptions& options) {
  OUPS_ASSIGN_OR_RETURN(ValidatedWrite w, ValidateWrite(*state_, nullptr, options));
  return DoWrite(*state_, w, options);
}

// ------------------------------------------------------------------ reads

// Every read (the handle's Read and ReadRowGroup included) goes through a
// DatasetSnapshot: registration first, then one opening of the metadata file,
// then rg files by the ids it lists. The rg list is decoded lazily (docs/format.md#metadata-file-name_opdmd): a
// range read of a snapshot decodes only the metadata chunks of its range; any
// other use decodes the whole list once and closes the metadata file.
struct DatasetSnapshot::Impl {
  std::shared_ptr<FileSystem> fs;
  DatasetPaths paths;
  Committed committed;  // the rg list is whole once `file` is null
  int64_t n_rgs = 0;
  std::unique_ptr<dataset::MetadataFile> file;  // open until the list is decoded
  std::mutex mu;                                // guards `committed` and `file`
  // Held for the snapshot's lifetime unless released (nullptr when
  // registration is impossible, see RegisterReader).
  std::unique_ptr<FileLock> registration;
  bool registered = true;

  // The whole rg list, decoded on first use.
  Result<const DatasetMetadata*> Whole() {
    std::lock_guard<std::mutex> g(mu);
    if (file) {
      OUPS_ASSIGN_OR_RETURN(DatasetMetadata md, file->ReadAll());
      md.ordered_on = committed.md.ordered_on;
      committed.md = std::move(md);
      file.reset();
    }
    return &committed.md;
  }
  // The rgs of [start, end_excl) (at least), into `scratch` when only their
  // metadata chunks are decoded, else the whole list.
  Result<const DatasetMetadata*> ForRange(const std::optional<Scalar>& start,
                                          const std::optional<Scalar>& end_excl,
                                          DatasetMetadata* scratch) {
    {
      std::lock_guard<std::mutex> g(mu);
      if (file && (start || end_excl)) {
        OUPS_ASSIGN_OR_RETURN(*scratch, file->ReadRange(start, end_excl));
        scratch->ordered_on = committed.md.ordered_on;
        return scratch;
      }
    }
    return Whole();
  }
};

namespace {

// The rg statistics table of RowGroupStats.
Result<Table> StatsTable(const DatasetMetadata& md) {
  OUPS_ASSIGN_OR_RETURN(Column ids, ColumnFromVector(DataType::UInt64(), md.file_ids));
  OUPS_ASSIGN_OR_RETURN(Column rows, ColumnFromVector(DataType::UInt64(), md.n_rows));
  const DataType t = md.StatisticsType();
  Column mins = md.mins, maxs = md.maxs;
  if (md.num_row_groups() == 0) {
    OUPS_ASSIGN_OR_RETURN(mins, EmptyColumn(t));
    OUPS_ASSIGN_OR_RETURN(maxs, EmptyColumn(t));
  }
  return Table::Make(Schema({Field{"file_ids", DataType::UInt64(), false},
                             Field{"n_rows", DataType::UInt64(), false},
                             Field{"ordered_on_mins", t, false},
                             Field{"ordered_on_maxs", t, false}}),
                     {ids, rows, mins, maxs});
}

}  // namespace

DatasetSnapshot::DatasetSnapshot(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DatasetSnapshot::~DatasetSnapshot() = default;
DatasetSnapshot::DatasetSnapshot(DatasetSnapshot&&) noexcept = default;
DatasetSnapshot& DatasetSnapshot::operator=(DatasetSnapshot&&) noexcept = default;

Result<DatasetSnapshot> OrderedDataset::Snapshot() const {
  auto impl = std::make_unique<DatasetSnapshot::Impl>();
  impl->fs = state_->fs;
  impl->paths = state_->paths;
  // Registered before the metadata is loaded: a writer committing after the
  // load sees this reader and keeps the files the loaded state references.
  OUPS_ASSIGN_OR_RETURN(impl->registration, RegisterReader(*state_->fs, state_->paths));
  // The metadata file's footer and JSON now, its rg list when needed.
  OUPS_ASSIGN_OR_RETURN(impl->committed, LoadCommittedHeader(*state_, &impl->file));
  if (impl->file) impl->n_rgs = impl->file->num_row_groups();
  return DatasetSnapshot(std::move(impl));
}

Result<DatasetSnapshot> OrderedDataset::Snapshot(const AsOf& as_of) const {
  OUPS_ASSIGN_OR_RETURN(DatasetSnapshot snap, Snapshot());
  DatasetSnapshot::Impl& impl = *snap.impl_;
  if (!impl.committed.exists) {
    return Status::NotFound("dataset '" + state_->paths.dir + "' does not exist, so it has no version to read");
  }
  const DatasetMetadata& latest = impl.committed.md;
  uint64_t version = latest.version;
  if (as_of.version) {
    version = *as_of.version;
  } else if (as_of.time_ns) {
    OUPS_ASSIGN_OR_RETURN(version,
                          dataset::VersionAt(*impl.fs, impl.paths, latest, *as_of.time_ns));
  }
  if (version == latest.version) return snap;
  // An older version: its whole rg list, rebuilt from the history (the
  // registration taken above keeps its files and history files on disk).
  OUPS_ASSIGN_OR_RETURN(DatasetMetadata md,
                        dataset::ReadVersion(*impl.fs, impl.paths, latest, version));
  if (!md.ordered_on) md.ordered_on = latest.ordered_on;
  std::lock_guard<std::mutex> g(impl.mu);
  impl.file.reset();
  impl.committed.md = std::move(md);
  impl.n_rgs = impl.committed.md.num_row_groups();
  return snap;
}

Result<std::vector<VersionInfo>> OrderedDataset::Versions() const {
  OUPS_ASSIGN_OR_RETURN(DatasetSnapshot snap, Snapshot());
  if (!snap.impl_->committed.exists) return std::vector<VersionInfo>();
  // Without a history, the one version's totals come from its rg list.
  const DatasetMetadata* md = &snap.impl_->committed.md;
  if (!md->history_json) {
    OUPS_ASSIGN_OR_RETURN(md, snap.impl_->Whole());
  }
  return dataset::ListVersions(*state_->fs, state_->paths, *md);
}

bool DatasetSnapshot::registered() const { return impl_->registered; }

void DatasetSnapshot::ReleaseRegistration() {
  impl_->registration.reset();
  impl_->registered = false;
}

Status DatasetSnapshot::Reregister() {
  if (impl_->registered) return Status::OK();
  OUPS_ASSIGN_OR_RETURN(impl_->registration, RegisterReader(*impl_->fs, impl_->paths));
  impl_->registered = true;
  return Status::OK();
}

int64_t DatasetSnapshot::num_row_groups() const { return impl_->n_rgs; }
Status DatasetSnapshot::LoadRowGroups() const { return impl_->Whole().status(); }
Result<Table> DatasetSnapshot::RowGroupStats() const {
  OUPS_ASSIGN_OR_RETURN(const DatasetMetadata* md, impl_->Whole());
  return StatsTable(*md);
}
const std::map<std::string, std::string>& DatasetSnapshot::key_value_metadata() const {
  return impl_->committed.md.key_value_metadata;
}
const std::optional<std::string>& DatasetSnapshot::ordered_on() const {
  return impl_->committed.md.ordered_on;
}
const std::optional<Schema>& DatasetSnapshot::schema() const {
  return impl_->committed.md.schema;
}
const std::optional<std::string>& DatasetSnapshot::schema_extra_json() const {
  return impl_->committed.md.schema_extra_json;
}
namespace {
StoredWriteSettings ToStored(const dataset::WriteSettings& ws) {
  StoredWriteSettings out;
  if (ws.row_group_target_size) {
    if (const auto* rows = std::get_if<int64_t>(&*ws.row_group_target_size)) {
      out.row_group_target_size = RowGroupTargetSize{*rows};
    } else {
      out.row_group_target_size =
          RowGroupTargetSize{Period(std::get<std::string>(*ws.row_group_target_size))};
    }
  }
  if (ws.max_n_off_target_rgs) out.max_n_off_target_rgs = *ws.max_n_off_target_rgs;
  return out;
}
}  // namespace

// With the retention of the history (when it has started).
static StoredWriteSettings WithRetention(StoredWriteSettings out, const DatasetMetadata& md) {
  // Only a retention a write gave (the default, the latest only, is not shown).
  auto h = dataset::HistoryOf(md);
  if (h.ok() && *h) {
    if ((*h)->keep_versions != 1) out.keep_versions = (*h)->keep_versions;
    out.keep_for = (*h)->keep_for;
  }
  return out;
}

StoredWriteSettings DatasetSnapshot::write_settings() const {
  return WithRetention(ToStored(impl_->committed.md.write_settings), impl_->committed.md);
}

Result<StoredWriteSettings> OrderedDataset::write_settings() const {
  OUPS_ASSIGN_OR_RETURN(Committed snap, LoadCommittedHeader(*state_));
  return WithRetention(ToStored(snap.md.write_settings), snap.md);
}

bool DatasetSnapshot::is_newly_initialized() const { return !impl_->committed.exists; }
const std::string& DatasetSnapshot::path() const { return impl_->paths.dir; }

Result<Table> DatasetSnapshot::Read(const ReadOptions& options) const {
  // A range read decodes only the metadata chunks of its range; indices into
  // the whole list (options.row_groups) need all of it.
  DatasetMetadata range_md;
  OUPS_ASSIGN_OR_RETURN(const DatasetMetadata* whole_or_ranged,
                        options.row_groups
                            ? impl_->Whole()
                            : impl_->ForRange(options.start, options.end_excl, &range_md));
  const DatasetMetadata& md = *whole_or_ranged;
  if (!md.schema) {
    if (options.columns && !options.columns->empty()) {
      return Status::NotFound("unknown columns: " + JoinNames(*options.columns));
    }
    return Table();
  }
  std::vector<std::string> cols;
  if (options.columns) {
    std::vector<std::string> unknown;
    for (const auto& c : *options.columns) {
      if (md.schema->IndexOf(c) < 0) unknown.push_back(c);
    }
    if (!unknown.empty()) return Status::NotFound("unknown columns: " + JoinNames(unknown));
    cols = *options.columns;
  } else {
    for (const Field& f : md.schema->fields()) cols.push_back(f.name);
  }
  const std::string& oo = *md.ordered_on;
  const bool ranged = options.start.has_value() || options.end_excl.has_value();
  std::vector<std::string> read_cols = cols;
  if (ranged && std::find(cols.begin(), cols.end(), oo) == cols.end()) read_cols.push_back(oo);
  if (!options.filter.empty()) {
    OUPS_RETURN_NOT_OK(ValidateFilter(options.filter, *md.schema));
  }
  // Rgs intersecting [start, end_excl): max >= start and min < end_excl.
  const int64_t n_rgs = md.num_row_groups();
  std::vector<int64_t> rgs;
  if (options.row_groups) {
    for (int64_t p : *options.row_groups) {
      const int64_t i = p < 0 ? p + n_rgs : p;
      if (i < 0 || i >= n_rgs) {
        return Status::OutOfRange("row group index " + std::to_string(p) +
                                  " out of range for a dataset of " + std::to_string(n_rgs) +
                                  " row groups");
      }
      if (options.end_excl) {
        OUPS_ASSIGN_OR_RETURN(int64_t below, LowerBound(md.mins.Slice(i, 1), *options.end_excl));
        if (below == 0) continue;  // min >= end_excl
      }
      if (options.start) {
        OUPS_ASSIGN_OR_RETURN(int64_t below, LowerBound(md.maxs.Slice(i, 1), *options.start));
        if (below == 1) continue;  // max < start
      }
      rgs.push_back(i);
    }
  } else {
    int64_t first = 0, last = n_rgs;
    if (n_rgs > 0) {
      if (options.start) {
        OUPS_ASSIGN_OR_RETURN(first, LowerBound(md.maxs, *options.start));
      }
      if (options.end_excl) {
        OUPS_ASSIGN_OR_RETURN(last, LowerBound(md.mins, *options.end_excl));
      }
    }
    for (int64_t i = first; i < last; ++i) rgs.push_back(i);
  }
  // Each rg decoded on its own (in parallel: dataset/parallel_read.h); a
  // table of no row when none of its rows is selected.
  auto read_rg = [&](int64_t k, int column_threads) -> Result<Table> {
    const int64_t i = rgs[static_cast<size_t>(k)];
    const std::string file = impl_->paths.RowGroupFile(md.file_ids[static_cast<size_t>(i)]);
    if (!options.filter.empty()) {
      // docs/python.md#filters: statistics pruning, then the rows selected.
      dataset::FilteredRead fr{options.filter, cols, options.start, options.end_excl,
                               column_threads};
      return dataset::ReadRowGroupFiltered(*impl_->fs, md, i, file, fr);
    }
    parquet::ReadOptions ro;
    ro.columns = read_cols;
    ro.num_threads = column_threads;
    OUPS_ASSIGN_OR_RETURN(Table t, dataset::ReadCheckedRowGroup(*impl_->fs, md, i, file, ro));
    if (ranged) {
      OUPS_ASSIGN_OR_RETURN(auto range,
                            dataset::RowsInRange(t, oo, options.start, options.end_excl));
      const auto [lo, hi] = range;
      if (hi <= lo) return Table();
      t = t.Slice(lo, hi - lo);
      if (read_cols.size() != cols.size()) {
        OUPS_ASSIGN_OR_RETURN(t, t.SelectColumns(cols));
      }
    }
    return t;
  };
  int64_t rows = 0;
  for (int64_t i : rgs) rows += static_cast<int64_t>(md.n_rows[static_cast<size_t>(i)]);
  OUPS_ASSIGN_OR_RETURN(
      std::vector<Table> decoded,
      dataset::ReadRowGroupsInParallel(static_cast<int64_t>(rgs.size()),
                                       dataset::ThreadsFor(rows, options.num_threads), read_rg));
  std::vector<Table> parts;
  for (Table& t : decoded) {
    if (t.num_rows() > 0) parts.push_back(std::move(t));
  }
  // Field metadata (nullability) from the dataset schema.
  std::vector<Field> fields;
  for (const auto& c : cols) fields.push_back(md.schema->field(md.schema->IndexOf(c)));
  Schema out_schema(std::move(fields));
  if (parts.empty()) return EmptyTable(out_schema);
  if (parts.size() == 1) return parts[0];
  return ConcatenateTables(parts);
}

Result<Table> DatasetSnapshot::ReadRowGroup(int64_t index, const Columns& columns) const {
  OUPS_ASSIGN_OR_RETURN(const DatasetMetadata* whole, impl_->Whole());
  const DatasetMetadata& md = *whole;
  const int64_t n = md.num_row_groups();
  const int64_t i = index < 0 ? index + n : index;
  if (i < 0 || i >= n) {
    return Status::OutOfRange("row group index " + std::to_string(index) +
                              " out of range for a dataset of " + std::to_string(n) +
                              " row groups");
  }
  std::vector<std::string> cols = columns;
  if (cols.empty()) {
    for (const Field& f : md.schema->fields()) cols.push_back(f.name);
  }
  std::vector<std::string> unknown;
  for (const auto& c : cols) {
    if (md.schema->IndexOf(c) < 0) unknown.push_back(c);
  }
  if (!unknown.empty()) return Status::NotFound("unknown columns: " + JoinNames(unknown));
  parquet::ReadOptions ro;
  ro.columns = cols;
  const std::string file = impl_->paths.RowGroupFile(md.file_ids[static_cast<size_t>(i)]);
  return dataset::ReadCheckedRowGroup(*impl_->fs, md, i, file, ro);
}

Result<Table> OrderedDataset::Read(const ReadOptions& options) const {
  OUPS_ASSIGN_OR_RETURN(DatasetSnapshot snap, options.as_of ? Snapshot(*options.as_of)
                                                             : Snapshot());
  return snap.Read(options);
}

Result<Table> OrderedDataset::ReadRowGroup(int64_t index, const Columns& columns) const {
  OUPS_ASSIGN_OR_RETURN(DatasetSnapshot snap, Snapshot());
  return snap.ReadRowGroup(index, columns);
}

Result<int64_t> OrderedDataset::num_row_groups() const {
  std::unique_ptr<dataset::MetadataFile> file;
  OUPS_RETURN_NOT_OK(LoadCommittedHeader(*state_, &file).status());
  return file ? file->num_row_groups() : 0;
}

Result<Table> OrderedDataset::RowGroupStats() const {
  OUPS_ASSIGN_OR_RETURN(Committed snap, LoadCommitted(*state_));
  return StatsTable(snap.md);
}

Result<std::map<std::string, std::string>> OrderedDataset::key_value_metadata() const {
  OUPS_ASSIGN_OR_RETURN(Committed snap, LoadCommittedHeader(*state_));
  return snap.md.key_value_metadata;
}

Result<std::optional<std::string>> OrderedDataset::ordered_on() const {
  OUPS_ASSIGN_OR_RETURN(Committed snap, LoadCommittedHeader(*state_));
  return snap.md.ordered_on;
}

Result<std::optional<Schema>> OrderedDataset::schema() const {
  OUPS_ASSIGN_OR_RETURN(Committed snap, LoadCommittedHeader(*state_));
  return snap.md.schema;
}

Result<std::optional<std::string>> OrderedDataset::schema_extra_json() const {
  OUPS_ASSIGN_OR_RETURN(Committed snap, LoadCommittedHeader(*state_));
  return snap.md.schema_extra_json;
}

Result<bool> OrderedDataset::is_newly_initialized() const {
  OUPS_ASSIGN_OR_RETURN(Committed snap, LoadCommittedHeader(*state_));
  return !snap.exists;
}

Result<int64_t> OrderedDataset::max_file_id() const {
  OUPS_ASSIGN_OR_RETURN(Committed snap, LoadCommitted(*state_));
  int64_t m = -1;
  for (uint64_t id : snap.md.file_ids) m = std::max(m, static_cast<int64_t>(id));
  return m;
}

// ------------------------------------------------- restore and vacuum
// (docs/behaviour.md#versions-and-time-travel): commits under the writer
// lock like a write, through the history of dataset/history.h.

namespace {

// The committed state under the writer lock (proven leftovers swept), for a
// restore or a vacuum: the dataset must exist.
Result<dataset::internal::LockedState> LockedExisting(OrderedDataset::State& st,
                                                      const std::string& what) {
  OUPS_ASSIGN_OR_RETURN(bool exists, st.fs->Exists(st.paths.metadata));
  if (!exists) {
    return Status::NotFound("cannot " + what + " dataset '" + st.paths.dir +
                            "': its metadata file '" + st.paths.metadata + "' does not exist");
  }
  std::string ordered_on;
  {
    auto header = LoadCommittedHeader(st);
    if (header.ok() && header->md.ordered_on) ordered_on = *header->md.ordered_on;
  }
  OUPS_ASSIGN_OR_RETURN(dataset::internal::LockedState locked,
                        dataset::internal::LoadLockedState(st, ordered_on));
  if (!locked.exists) {
    return Status::NotFound("cannot " + what + " dataset '" + st.paths.dir +
                            "': it was removed meanwhile");
  }
  return locked;
}

// Commits `out` (after `locked`) with the obsolete ids it must record:
// `freed` plus those of the old state not known to be durably gone. Returns
// the number of freed files deleted after the commit point (0 when a reader
// is registered).
Result<uint64_t> CommitAfterLocked(OrderedDataset::State& st,
                                   const dataset::internal::LockedState& locked,
                                   const std::vector<uint64_t>& freed,
                                   const std::vector<std::string>& written, DatasetMetadata* out) {
  FileSystem& fs = *st.fs;
  const DatasetPaths& paths = st.paths;
  CreatedFiles created{&fs, written, false};
  Status synced_dir = fs.SyncDir(paths.dir);
  const bool durable = synced_dir.ok() || synced_dir.IsNotFound();
  std::optional<uint64_t> mark = locked.md.max_known_file_id();
  if (!locked.kept_run.empty() && (!mark || locked.kept_run.back() > *mark)) {
    mark = locked.kept_run.back();
  }
  out->max_used_file_id = mark;
  dataset::internal::CarryObsolete(locked, durable, out);
  std::set<uint64_t> obsolete(out->obsolete_file_ids.begin(), out->obsolete_file_ids.end());
  obsolete.insert(freed.begin(), freed.end());
  for (uint64_t id : out->file_ids) obsolete.erase(id);
  out->obsolete_file_ids.assign(obsolete.begin(), obsolete.end());
  const std::string temp = CommitTempFile(paths);
  created.paths.push_back(temp);
  OUPS_RETURN_NOT_OK(dataset::WriteMetadataFile(fs, temp, *out));
  OUPS_RETURN_NOT_OK(fs.Rename(temp, paths.metadata));
  created.paths.pop_back();
  created.committed = true;
  OUPS_RETURN_NOT_OK(fs.SyncDir(paths.ParentDir()));
  uint64_t deleted = 0;
  if (!freed.empty() && NoReaderRegistered(st)) {
    for (uint64_t id : freed) {
      if (fs.DeleteFile(paths.RowGroupFile(id)).ok()) ++deleted;
    }
  }
  return deleted;
}

}  // namespace

Result<uint64_t> OrderedDataset::Restore(uint64_t version, const RestoreOptions& options) {
  OUPS_RETURN_NOT_OK(CheckLockTimeout(options.lock_timeout));
  State& st = *state_;
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<FileLock> lock,
                        TakeWriterLock(st, options.lock_timeout ? options.lock_timeout
                                                                : st.lock_timeout));
  OUPS_ASSIGN_OR_RETURN(dataset::internal::LockedState locked, LockedExisting(st, "restore"));
  OUPS_ASSIGN_OR_RETURN(DatasetMetadata target,
                        dataset::ReadVersion(*st.fs, st.paths, locked.md, version));
  DatasetMetadata out = std::move(target);
  out.partial = false;
  out.version = locked.md.version + 1;
  out.committed_at = dataset::UtcNowIso8601();
  if (!out.ordered_on) out.ordered_on = locked.md.ordered_on;
  out.history_json = locked.md.history_json;
  for (const auto& [k, v] : options.key_value_metadata) {
    if (v) {
      out.key_value_metadata[k] = *v;
    } else {
      out.key_value_metadata.erase(k);
    }
  }
  dataset::HistoryCommitInput hin;
  hin.before = &locked.md;
  hin.before_exists = true;
  hin.kind = "restore";
  hin.restored_from = version;
  hin.may_delete = [&st] { return NoReaderRegistered(st); };
  OUPS_ASSIGN_OR_RETURN(dataset::HistoryCommit hist,
                        dataset::PrepareHistoryCommit(*st.fs, st.paths, hin, &out));
  OUPS_RETURN_NOT_OK(CommitAfterLocked(st, locked, hist.freed, hist.written, &out).status());
  if (out.ordered_on) dataset::internal::AfterCommit(st, *out.ordered_on);
  (void)lock;
  return out.version;
}

Result<VacuumResult> OrderedDataset::Vacuum(const VacuumOptions& options) {
  OUPS_RETURN_NOT_OK(CheckLockTimeout(options.lock_timeout));
  State& st = *state_;
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<FileLock> lock,
                        TakeWriterLock(st, options.lock_timeout ? options.lock_timeout
                                                                : st.lock_timeout));
  VacuumResult result;
  // Two passes: the first expires versions and frees their files, the second
  // records their deletion and deletes the history files below the new base.
  for (int pass = 0; pass < 2; ++pass) {
    OUPS_ASSIGN_OR_RETURN(dataset::internal::LockedState locked, LockedExisting(st, "vacuum"));
    OUPS_ASSIGN_OR_RETURN(std::optional<dataset::HistoryState> h, dataset::HistoryOf(locked.md));
    result.files_deleted += locked.gone.size();
    if (!h) {
      // No history: only leftovers, which LoadLockedState swept; commit the
      // obsolete ids now known gone.
      if (locked.md.obsolete_file_ids.empty()) break;
      DatasetMetadata out = locked.md;
      OUPS_RETURN_NOT_OK(CommitAfterLocked(st, locked, {}, {}, &out).status());
      continue;
    }
    DatasetMetadata out = locked.md;
    dataset::HistoryCommitInput hin;
    hin.before = &locked.md;
    hin.before_exists = true;
    hin.kind = "vacuum";
    hin.new_version = false;
    hin.expiry_limit = std::numeric_limits<uint64_t>::max();
    hin.may_delete = [&st] { return NoReaderRegistered(st); };
    OUPS_ASSIGN_OR_RETURN(dataset::HistoryCommit hist,
                          dataset::PrepareHistoryCommit(*st.fs, st.paths, hin, &out));
    result.versions_expired += hist.versions_expired;
    result.history_files_deleted += hist.history_files_deleted;
    OUPS_ASSIGN_OR_RETURN(uint64_t deleted,
                          CommitAfterLocked(st, locked, hist.freed, {}, &out));
    result.files_deleted += deleted;
  }
  {
    // What is left for a later write or vacuum (kept for registered readers).
    auto md = dataset::ReadMetadataFile(*st.fs, st.paths.metadata);
    if (md.ok()) {
      for (uint64_t id : md->obsolete_file_ids) {
        auto e = st.fs->Exists(st.paths.RowGroupFile(id));
        if (e.ok() && *e) ++result.files_kept_for_readers;
      }
    }
  }
  (void)lock;
  return result;
}

// ------------------------------------------------------------------ removal

Status OrderedDataset::Remove(const RemoveOptions& options) {
  OUPS_RETURN_NOT_OK(CheckLockTimeout(options.lock_timeout));
  State& st = *state_;
  FileSystem& fs = *st.fs;
  const DatasetPaths& paths = st.paths;
  OUPS_ASSIGN_OR_RETURN(bool md_exists, fs.Exists(paths.metadata));
  if (!md_exists) return Status::OK();  // never written, or removed already
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<FileLock> lock,
                        TakeWriterLock(st, options.lock_timeout ? options.lock_timeout
                                                                : st.lock_timeout));
  auto md = dataset::ReadMetadataFile(fs, paths.metadata);
  if (!md.ok() && md.status().IsNotFound()) return Status::OK();  // removed meanwhile
  std::map<std::string, std::string> kv;
  if (md.ok()) kv = md->key_value_metadata;
  // Commit point: the metadata file is gone. It becomes the leftovers record,
  // which proves to a later write that the files it lists are leftovers of
  // this dataset. A corrupt one proves nothing: it is deleted, and its files
  // are kept (a later write then refuses to start a dataset over them).
  // With a history, the record also lists, as obsolete, the files only older
  // kept versions list: written beside the metadata file, which is then
  // deleted (the commit point).
  std::vector<uint64_t> retained;
  if (md.ok()) {
    auto r = dataset::RetainedUnlisted(fs, paths, *md);
    if (r.ok()) retained = std::move(r).ValueOrDie();
  }
  if (md.ok() && !retained.empty()) {
    std::set<uint64_t> ids(md->obsolete_file_ids.begin(), md->obsolete_file_ids.end());
    ids.insert(retained.begin(), retained.end());
    md->obsolete_file_ids.assign(ids.begin(), ids.end());
    CreatedFiles created{&fs, {}, false};
    OUPS_RETURN_NOT_OK(WriteLeftoversRecord(st, *md, &created));
    created.committed = true;
    OUPS_RETURN_NOT_OK(fs.DeleteFile(paths.metadata));
  } else if (md.ok()) {
    OUPS_RETURN_NOT_OK(fs.Rename(paths.metadata, paths.leftovers));
  } else {
    OUPS_RETURN_NOT_OK(fs.DeleteFile(paths.metadata));
  }
  OUPS_RETURN_NOT_OK(fs.SyncDir(paths.ParentDir()));
  {
    std::lock_guard<std::mutex> g(st.mu);
    if (options.preserve_metadata) {
      st.preserved_kv = std::move(kv);
    } else {
      st.preserved_kv.reset();
    }
  }
  // Best effort from here: the dataset's row-group files, the directory, temp
  // files, the record, the reader and lock files; row-group files only when no
  // reader may still need them (otherwise the record stays and the next write
  // sweeps them). Files the record does not account for are kept.
  SweepTempFiles(fs, paths, false);
  if (!NoReaderRegistered(st)) return Status::OK();
  if (md.ok()) {
    // Every id the record knows is deleted by name (an absent one counts as
    // gone), then the run above its mark: no listing of the directory.
    const dataset::DatasetMetadata record = dataset::AsLeftoversOnly(*md);
    dataset::DatasetMetadata mark_only;
    mark_only.max_used_file_id = record.max_used_file_id;
    auto own = ProbeLeftovers(fs, paths, mark_only);
    if (!own.ok()) return Status::OK();
    own->obsolete = record.obsolete_file_ids;
    const std::set<uint64_t> gone = DeleteLeftovers(st, *own, /*no_reader=*/true);
    // The record goes only once every file it accounts for is durably gone.
    if (gone.size() != own->obsolete.size() + own->interrupted.size()) return Status::OK();
    Status synced = fs.SyncDir(paths.dir);
    if (!synced.ok() && !synced.IsNotFound()) return Status::OK();
    dataset::DeleteHistoryFiles(fs, paths, *md);  // best effort: never blocks the record
    fs.DeleteDir(paths.dir).IgnoreError();
    if (!fs.DeleteFile(paths.leftovers).ok()) return Status::OK();
  }
  // Each registration file only under its exclusive lock, so that no reader
  // holds a lock on a deleted file (lockers re-check that the path still
  // names what they locked); one a reader registered on since is kept.
  for (const std::string* file : RegistrationFiles(paths)) {
    auto held = fs.Lock(*file, std::chrono::milliseconds(0));
    if (held.ok()) fs.DeleteFile(*file).IgnoreError();
  }
  fs.DeleteFile(paths.lock).IgnoreError();
  return Status::OK();
}

}  // namespace oups

// ------------------------------------------------- shared with staged writes
// dataset/write_internals.h: the write path's pieces the staged write
// (staged_write.cc) reuses.
namespace oups::dataset::internal {

const DatasetPaths& Paths(const OrderedDataset::State& st) { return st.paths; }

Result<ValidatedRows> ValidateRows(const OrderedDataset::State& st, const Table& table,
                                   const WriteOptions& options,
                                   const DatasetMetadata* committed) {
  if (options.schema_evolution) {
    return Status::InvalidArgument(
        "a staged write does not evolve the schema: write rows of a new schema with an ordinary "
        "write first");
  }
  OUPS_ASSIGN_OR_RETURN(ValidatedWrite w, ValidateWrite(st, &table, options));
  if (committed != nullptr) {
    if (committed->ordered_on && *committed->ordered_on != w.ordered_on) {
      return OrderedOnMismatch(w.ordered_on, *committed->ordered_on);
    }
    OUPS_RETURN_NOT_OK(
        ResolveWriteSettings(committed->write_settings, options, w, st.paths.dir).status());
    if (committed->schema) {
      OUPS_ASSIGN_OR_RETURN(w.rows, ConformToSchema(w.rows, *committed->schema));
    }
  }
  ValidatedRows out;
  out.ordered_on = w.ordered_on;
  out.rows = std::move(w.rows);
  out.target = w.target;
  out.compression = w.compression;
  std::optional<std::string> extra = options.schema_extra_json;
  if (!extra && committed != nullptr) extra = committed->schema_extra_json;
  OUPS_ASSIGN_OR_RETURN(out.file_key_values, FileKeyValues(extra));
  return out;
}

Result<std::optional<DatasetMetadata>> ReadCommitted(const OrderedDataset::State& st) {
  auto md = ReadMetadataFile(*st.fs, st.paths.metadata);
  if (md.ok()) return std::optional<DatasetMetadata>(std::move(md).ValueOrDie());
  if (md.status().IsNotFound()) return std::optional<DatasetMetadata>();
  return md.status();
}

Result<std::unique_ptr<FileLock>> LockWriter(const OrderedDataset::State& st,
                                             std::optional<double> timeout) {
  OUPS_RETURN_NOT_OK(CheckLockTimeout(timeout));
  return TakeWriterLock(st, timeout ? timeout : st.lock_timeout);
}

Result<LockedState> LoadLockedState(OrderedDataset::State& st, const std::string& ordered_on) {
  FileSystem& fs = *st.fs;
  const DatasetPaths& paths = st.paths;
  LockedState out;
  auto md = ReadMetadataFile(fs, paths.metadata);
  if (md.ok()) {
    out.md = std::move(md).ValueOrDie();
    out.exists = true;
  } else if (!md.status().IsNotFound()) {
    return md.status();
  } else {
    auto record = ReadMetadataFile(fs, paths.leftovers);
    if (record.ok()) {
      out.md = AsLeftoversOnly(*record);
      out.from_record = true;
    } else if (!record.status().IsNotFound()) {
      return Status(record.status().code(), "leftovers record of dataset '" + paths.dir +
                                                "' is unreadable: " + record.status().message());
    }
    std::lock_guard<std::mutex> g(st.mu);
    if (st.preserved_kv) out.md.key_value_metadata = *st.preserved_kv;
  }
  if (out.md.ordered_on && *out.md.ordered_on != ordered_on) {
    return OrderedOnMismatch(ordered_on, *out.md.ordered_on);
  }
  OUPS_RETURN_NOT_OK(CheckNoOverlap(out.md, paths.dir));
  if (!out.exists && !out.from_record) {
    bool listed = false;
    OUPS_ASSIGN_OR_RETURN(std::vector<uint64_t> present, ListRowGroupFiles(fs, paths, &listed));
    if (!present.empty()) return UnaccountedFilesError(paths, present);
  }
  OUPS_ASSIGN_OR_RETURN(out.own, ProbeLeftovers(fs, paths, out.md));
  SweepTempFiles(fs, paths, out.exists);
  out.gone = DeleteLeftovers(st, out.own);
  for (uint64_t id : out.own.interrupted) {
    if (!out.gone.count(id)) out.kept_run.push_back(id);
  }
  return out;
}

void CarryObsolete(const LockedState& locked, bool deletions_durable, DatasetMetadata* out) {
  std::set<uint64_t> present(locked.own.obsolete.begin(), locked.own.obsolete.end());
  present.insert(locked.own.interrupted.begin(), locked.own.interrupted.end());
  std::set<uint64_t> keep;
  std::vector<uint64_t> candidates = locked.md.obsolete_file_ids;
  candidates.insert(candidates.end(), locked.own.interrupted.begin(),
                    locked.own.interrupted.end());
  for (uint64_t id : candidates) {
    const bool absent = !present.count(id) || locked.gone.count(id);
    if (!absent || !deletions_durable) keep.insert(id);
  }
  for (uint64_t id : out->file_ids) keep.erase(id);
  out->obsolete_file_ids.assign(keep.begin(), keep.end());
  if (!out->obsolete_file_ids.empty() &&
      (!out->max_used_file_id || out->obsolete_file_ids.back() > *out->max_used_file_id)) {
    out->max_used_file_id = out->obsolete_file_ids.back();
  }
}

Status WriteEmptyLeftoversRecord(const OrderedDataset::State& st) {
  CreatedFiles created{st.fs.get(), {}, false};
  OUPS_RETURN_NOT_OK(WriteLeftoversRecord(st, DatasetMetadata{}, &created));
  created.committed = true;
  return Status::OK();
}

std::string CommitTempFile(const OrderedDataset::State& st) { return oups::CommitTempFile(st.paths); }

void AfterCommit(OrderedDataset::State& st, const std::string& ordered_on) {
  std::lock_guard<std::mutex> g(st.mu);
  st.ordered_on = ordered_on;
  st.preserved_kv.reset();
}

}  // namespace oups::dataset::internal
