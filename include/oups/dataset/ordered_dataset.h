// OrderedDataset: one ordered dataset on disk (the Python
// OrderedParquetDataset, docs/behaviour.md#datasets): a directory of row-group
// files `file_<id>.parquet` (one row group, "rg", per file; ids never reused),
// a metadata file `<name>_opdmd` next to it whose atomic replacement commits
// every write, and an advisory writer lock `<name>.lock`.
//
//   OUPS_ASSIGN_OR_RETURN(auto ds, oups::OrderedDataset::Open(fs, "data/berlin/1D"));
//   OUPS_RETURN_NOT_OK(ds.Write(ticks, {.ordered_on = "ts",
//                                       .row_group_target_size = oups::Period("1D"),
//                                       .duplicates_on = oups::Columns{"ts"}}));
//   OUPS_ASSIGN_OR_RETURN(oups::Table day, ds.Read({.columns = oups::Columns{"ts", "price"},
//                                                    .start = some_timestamp_scalar}));
//
// Snapshots (docs/behaviour.md#snapshots): a handle pins nothing. Every call
// first reads the last committed metadata file, then works on that one
// committed state for the whole call: a read never mixes two versions and never
// sees files of an unfinished write. Readers take no writer lock and never wait
// for a writer. To read one committed state across several calls, take a
// DatasetSnapshot (OrderedDataset::Snapshot()): it pins that state, and keeps
// its files on disk, for as long as it lives.
//
// Thread-safety: an OrderedDataset is a cheap, copyable handle; copies share
// their state (ordered_on adopted by a write, key-value metadata preserved by
// Remove). All methods may be called concurrently from any threads, on one or
// several handles, in one or several processes: writes and removals of one
// dataset are serialised by the writer lock (docs/behaviour.md#writer-lock) and
// never deadlock.
//
// Ownership: the handle shares the FileSystem. Returned Tables own their
// buffers and outlive the handle.
//
// Failure: errors are Status values (codes mapped to Python exceptions by the
// binding, docs/behaviour.md#errors). A write or removal that fails before its
// commit point leaves the dataset exactly as it was (the files it created are
// deleted, best effort; a crash may leave them as invisible leftovers, which
// the next write or removal deletes). Once a write has committed it returns OK
// even if deleting obsolete files fails (they stay as invisible leftovers).
// When Write returns OK the new state is durable.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "oups/dataset/filter.h"
#include "oups/dataset/history.h"
#include "oups/io/file_system.h"
#include "oups/parquet/properties.h"
#include "oups/result.h"
#include "oups/table/column.h"
#include "oups/table/scalar.h"

namespace oups {

// A list of column names (stored names; for a column MultiIndex, the compact
// JSON array text of the tuple, e.g. `["ts",""]`).
using Columns = std::vector<std::string>;

// A time-period row-group target (docs/behaviour.md#time-periods), e.g.
// Period("1D"), Period("MS"), Period("2h").
struct Period {
  explicit Period(std::string frequency) : text(std::move(frequency)) {}
  std::string text;
};

// A row-group target: a row count (n-rows strategy) or a Period.
using RowGroupTargetSize = std::variant<int64_t, Period>;
// The target of a dataset whose writes never gave one (the only place this
// default is written; Python and the CLI take it from here).
inline constexpr int64_t kDefaultRowGroupTargetSize = 6'345'000;

// A coalescing setting (docs/behaviour.md#coalescing): nullopt = no coalescing,
// else the number (>= 1) of off-target rgs a merge region may hold before it is
// coalesced. kNoCoalescing names the first, e.g. `options.max_n_off_target_rgs
// = kNoCoalescing` (given: stored as "none").
using MaxNOffTargetRgs = std::optional<int64_t>;
inline constexpr MaxNOffTargetRgs kNoCoalescing = std::nullopt;

// The layout a dataset remembers (docs/behaviour.md#remembered-settings):
// each member is set when a write gave it, as the last write that gave it gave
// it, and is what later writes not giving it use.
struct StoredWriteSettings {
  std::optional<RowGroupTargetSize> row_group_target_size{};
  // Set when remembered; its value kNoCoalescing is "no coalescing".
  std::optional<MaxNOffTargetRgs> max_n_off_target_rgs{};
  // Retention of versions (WriteOptions::keep_versions / keep_for), each set
  // when it is not the default (keep 1, no duration).
  std::optional<int64_t> keep_versions{};
  std::optional<std::string> keep_for{};
};

struct OpenOptions {
  // If set and the dataset exists with another ordered_on: InvalidArgument.
  // Also the default ordered_on of writes.
  std::optional<std::string> ordered_on{};
  // Default writer-lock timeout of Write and Remove, in seconds (>= 0; 0 = one
  // attempt); nullopt = wait forever.
  std::optional<double> lock_timeout{};
};

struct WriteOptions {
  // The ordered column; required unless the handle has one (they must match).
  std::optional<std::string> ordered_on{};
  // Remembered layout (docs/format.md, "write_settings"): row_group_target_size
  // and max_n_off_target_rgs, when given, are validated, used, and stored with
  // the dataset in the same commit; when not given (nullopt), the write uses
  // the values stored by the last write that gave them (read under the writer
  // lock), else the defaults (kDefaultRowGroupTargetSize, kNoCoalescing).
  //
  // Rows (>= 1) or a Period.
  std::optional<RowGroupTargetSize> row_group_target_size{};
  // nullopt: no de-duplication; empty: on all columns; else on these columns
  // (ordered_on added when missing). New rows win over old ones.
  std::optional<Columns> duplicates_on{};
  // nullopt: not given (remembered, else no coalescing); kNoCoalescing: no
  // coalescing; else >= 1 (docs/behaviour.md#coalescing).
  std::optional<MaxNOffTargetRgs> max_n_off_target_rgs{};
  // Updates of the stored key-value metadata: a value adds or replaces the key,
  // nullopt removes it.
  std::map<std::string, std::optional<std::string>> key_value_metadata{};
  // The row-group files' codec and level (default: snappy). From a name:
  // parquet::CompressionOptions::Parse("zstd", 5).
  parquet::CompressionOptions compression{};
  // Threads encoding the columns of each row group in parallel (1 = the
  // calling thread only); the files written are the same for any value.
  int num_threads = 1;
  // Seconds, for this call; nullopt = the handle's default.
  std::optional<double> lock_timeout{};
  // Schema evolution (docs/behaviour.md#schema-evolution): when true, the
  // rows may add columns (older rows read them as nulls), widen a column's
  // type (int8 -> ... -> int64, uint8 -> ... -> uint64, any integer ->
  // float64, float32 -> float64, a timestamp to a finer unit) and leave out
  // stored columns (their new rows read as nulls); the stored schema becomes
  // the evolved one and the dataset then requires the "schema_evolution"
  // feature of its readers. When false, the rows must have the stored columns
  // (InvalidArgument) with types that convert safely (TypeError), as before.
  bool schema_evolution = false;
  // Opaque JSON stored with the schema (the Python layer's pandas dtype
  // details); nullopt keeps the stored one. Must be valid JSON.
  // One member is not opaque: when the schema extra in force (this one, else
  // the stored one) is an object with a member "file_key_value_metadata", that
  // member must be an object, and each of its members becomes a key-value pair
  // of every rg file the write creates, new or rewritten (a string value as
  // is, any other JSON value as its compact text). Python sets "pandas" there
  // (pyarrow's pandas metadata), so rg files rewritten later by a write that
  // passes no schema extra (e.g. the CLI's) keep it.
  std::optional<std::string> schema_extra_json{};
  // When set, computes the JSON stored with the schema from the committed one
  // (nullopt when none), called once under the writer lock after the
  // committed metadata is read; its result replaces schema_extra_json
  // (nullopt: keep the committed one), and an error aborts the write. The
  // Python layer merges its pandas details here (e.g. the union of a
  // categorical's categories), so that a concurrent writer's details are never
  // overwritten by a merge made with a stale copy.
  std::function<Result<std::optional<std::string>>(const std::optional<std::string>& committed)>
      schema_extra_merge{};
  // Retention of versions (docs/behaviour.md#versions-and-time-travel),
  // remembered with the dataset like the row-group layout: when given, used
  // by this commit and stored; when not given, the stored one (default: the
  // latest version only). A version is kept while it is among the last
  // `keep_versions` (>= 1) or was in force at some time within the last
  // `keep_for` (a fixed duration: "30D", "12h"; "" removes the duration).
  // Row-group files are deleted only when no kept version lists them.
  std::optional<int64_t> keep_versions{};
  std::optional<std::string> keep_for{};
  // Progress of the merge (e.g. the CLI's progress bar): called on the
  // writing thread after each row group written, with the rows written so far
  // and the rows the plan merges (new rows + rows of the rewritten rgs;
  // de-duplication may end the count below it). Not called when nothing is
  // merged. Empty: no calls.
  std::function<void(int64_t rows_done, int64_t rows_total)> progress{};
};

struct ReadOptions {
  // nullopt: every stored column in stored order; else these, in this order.
  std::optional<Columns> columns{};
  // Rows with start <= ordered value < end_excl (either bound optional),
  // compared in the ordered column's type (TypeError when incomparable).
  std::optional<Scalar> start{};
  std::optional<Scalar> end_excl{};
  // Threads decoding in parallel: the rgs read (one thread each) when there
  // are at least as many as threads, else the columns of each rg file. The
  // table returned is the same for any value.
  int num_threads = 1;
  // Rows matching this filter only (oups/dataset/filter.h; empty: every row).
  // Validated against the stored schema (NotFound for an unknown column,
  // TypeError for an incomparable value); combines with start/end_excl. The
  // filtered columns need not be among `columns`.
  Filter filter{};
  // nullopt: every rg, in order; else the rgs at these positions (0-based,
  // negative counts from the end), in this order, each bounded by
  // start/end_excl on its own (the Python views).
  std::optional<std::vector<int64_t>> row_groups{};
  // Read this version instead of the latest (OrderedDataset::Read only; a
  // DatasetSnapshot is of one version already, see OrderedDataset::Snapshot).
  std::optional<AsOf> as_of{};
};

// OK when `seconds` is unset or a finite number >= 0, else InvalidArgument:
// the one check of every lock_timeout (write, removal, recovery, and the
// Python package's handles, which call it when they are made).
[[nodiscard]] Status CheckLockTimeout(const std::optional<double>& seconds);

struct RemoveOptions {
  // Keep the removed key-value metadata in the handle, for its next write.
  bool preserve_metadata = false;
  // Seconds; nullopt = the handle's default.
  std::optional<double> lock_timeout{};
};

// Staged writes (docs/format.md, "Staged writes"): the rows of one dataset
// written by many processes at once, committed together. Each process calls
// OrderedDataset::Stage with its slice of the rows (no writer lock): its
// row-group files go to a private staging directory
// `<dataset>/_staging/<token>/`, and it returns a StagedPart describing them.
// One process then calls CommitStaged with every part, in row order: under the
// writer lock it checks them and moves their files into the dataset with ONE
// metadata commit (all or nothing). A part crosses processes as its JSON text
// (ToJson / FromJson).
struct StagedPart {
  struct File {
    std::string name;  // in the staging directory, e.g. "staged_00000000.parquet"
    int64_t n_rows = 0;
    uint32_t crc32 = 0;
  };
  std::string dataset;  // the dataset directory it was staged for
  std::string token;    // its staging directory: "<group>-<16 hex>"
  std::vector<File> files;  // in row order; empty for a part without rows
  int64_t n_rows = 0;

  std::string ToJson() const;
  // InvalidArgument naming what is malformed.
  [[nodiscard]] static Result<StagedPart> FromJson(std::string_view text);
};

struct StageOptions {
  // As WriteOptions: ordered_on, row_group_target_size (else the dataset's
  // remembered one, else the default), compression,
  // schema_extra_json (recorded with the part; the commit stores the last
  // part's). No de-duplication and no coalescing in a staged write.
  WriteOptions write{};
  // The staging group (NewStagingGroup), shared by the parts of one staged
  // write so that AbortStaging(group) removes them all, including those of a
  // process that died before returning its part. Empty: a new group.
  std::string group{};
};

struct CommitStagedOptions {
  // Updates of the stored key-value metadata (as WriteOptions).
  std::map<std::string, std::optional<std::string>> key_value_metadata{};
  // Seconds; nullopt = the handle's default.
  std::optional<double> lock_timeout{};
};

// Staging directories older than this (from the time in their group's name)
// are deleted by every CommitStaged of the dataset: a staged write that has
// not committed within a day is taken as abandoned.
inline constexpr int64_t kStagingMaxAgeSeconds = 24 * 3600;

// A new staging group name: the current UTC time (seconds, 16 hex digits),
// '-', 16 random hex digits.
std::string NewStagingGroup();

class OrderedDataset;

// One committed state of a dataset (docs/behaviour.md#snapshots), pinned for
// the object's lifetime. Made by OrderedDataset::Snapshot(), which registers as
// a reader (shared lock on `<parent>/<name>.readers`) and then opens the
// committed metadata file, decoding its footer and JSON. While the snapshot
// lives, writers committing to the dataset leave the rg files it references on
// disk (later writers delete them once no reader is registered), so every read
// through it returns exactly the rows of that state, whatever was committed
// since. The rg list is decoded from the opened file (the committed state, even
// if another is renamed over it): a range read decodes only the metadata chunks
// of its range; RowGroupStats, ReadRowGroup and reads by row-group index decode
// the whole list once and close the file. Reads open the rg files by the
// snapshot's file ids. A corrupt rg list is reported by the first call that
// decodes it.
//
// Hold a snapshot only while it is needed: as long as any reader is
// registered, writers defer the deletion of obsolete files.
//
// Thread-safety: immutable after creation; all const methods may be called
// concurrently. Ownership: move-only; it shares the FileSystem, releases its
// registration when destroyed (or moved from), and returned Tables own their
// buffers and outlive it. A moved-from snapshot may only be destroyed or
// assigned to.
class DatasetSnapshot {
 public:
  ~DatasetSnapshot();
  DatasetSnapshot(DatasetSnapshot&&) noexcept;
  DatasetSnapshot& operator=(DatasetSnapshot&&) noexcept;
  DatasetSnapshot(const DatasetSnapshot&) = delete;
  DatasetSnapshot& operator=(const DatasetSnapshot&) = delete;

  // Rows of the snapshot, in order (as OrderedDataset::Read).
  [[nodiscard]] Result<Table> Read(const ReadOptions& options = {}) const;
  // Rows of rg `index` (negative counts from the end), read from the file the
  // snapshot references. OutOfRange naming the index and the number of rgs;
  // NotFound for unknown columns; empty `columns`: all stored columns.
  [[nodiscard]] Result<Table> ReadRowGroup(int64_t index, const Columns& columns = {}) const;

  // Number of rgs (not rows).
  int64_t num_row_groups() const;
  // Columns file_ids (uint64), n_rows (uint64), ordered_on_mins and
  // ordered_on_maxs (ordered column's type), one row per rg.
  [[nodiscard]] Result<Table> RowGroupStats() const;
  const std::map<std::string, std::string>& key_value_metadata() const;
  // The stored ordered_on, else the handle's (nullopt if never set).
  const std::optional<std::string>& ordered_on() const;
  // Stored schema (nullopt until a write passed a table).
  const std::optional<Schema>& schema() const;
  const std::optional<std::string>& schema_extra_json() const;
  // The remembered write settings of this state.
  StoredWriteSettings write_settings() const;
  // True when no metadata file existed when the snapshot was taken.
  bool is_newly_initialized() const;
  // The dataset directory path, as the handle's path().
  const std::string& path() const;

  // Reader registration (docs/format.md, "Readers and writers"): a snapshot is
  // registered from its creation, which keeps its files from deletion and holds
  // one file descriptor. A reader of many datasets at once (e.g.
  // iter_intersections over thousands of keys) may release the registration of
  // snapshots it is not reading, and register again (Reregister) before it
  // reads. Row-group files are immutable and their ids never reused, so a file
  // still there is the one this snapshot knows; one a writer deleted while the
  // snapshot was released fails its read with NotFound naming the file. Reads
  // of a released snapshot are unprotected.
  bool registered() const;
  void ReleaseRegistration();

  // Decodes the whole rg list now and closes the metadata file: a holder of
  // many snapshots (iter_intersections over thousands of keys) keeps one
  // descriptor per snapshot at most (its registration). Corruption as the
  // first decode of the list would report it.
  [[nodiscard]] Status LoadRowGroups() const;
  [[nodiscard]] Status Reregister();

  struct Impl;

 private:
  friend class OrderedDataset;
  explicit DatasetSnapshot(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class OrderedDataset {
 public:
  // A handle on the dataset whose directory is `path` (its metadata file is
  // `<parent>/<name>_opdmd`). Reads the metadata file's footer and JSON if it
  // exists (not its rg list: opening costs the same for 20,000 rgs as for 10);
  // creates nothing on disk and takes no lock. InvalidArgument for a bad path, a
  // negative lock_timeout or an ordered_on differing from the stored one;
  // Corruption for a corrupt metadata file (naming it).
  [[nodiscard]] static Result<OrderedDataset> Open(std::shared_ptr<FileSystem> fs,
                                                   std::string path, OpenOptions options = {});

  // Merges `table` into the dataset (docs/behaviour.md#writing): validates
  // (nothing on disk is touched when this fails), locks, plans, writes new rg
  // files, commits the new metadata, deletes obsolete files. A zero-row table
  // records or checks the schema. Errors: see docs/behaviour.md#errors
  // (InvalidArgument, NotFound for a missing column, TypeError, Timeout for the
  // lock, IOError...).
  [[nodiscard]] Status Write(const Table& table, const WriteOptions& options = {});
  // The same without new rows (Python's df=None): commits key-value updates,
  // coalesces when max_n_off_target_rgs asks for it, creates a metadata-only
  // dataset when none exists.
  [[nodiscard]] Status Write(const WriteOptions& options);

  // Registers as a reader, then opens the last committed state (see
  // DatasetSnapshot). Errors as Open for a corrupt metadata file or an
  // ordered_on mismatch; a dataset that does not exist gives an empty
  // snapshot (is_newly_initialized()).
  [[nodiscard]] Result<DatasetSnapshot> Snapshot() const;
  // The same for a retained version (docs/behaviour.md#versions-and-time-travel):
  // registers, reads the latest metadata, then rebuilds that version's state
  // from the history. NotFound naming the readable versions when it is not
  // kept (or, by time, when no kept version was committed by then).
  [[nodiscard]] Result<DatasetSnapshot> Snapshot(const AsOf& as_of) const;

  // The readable versions, oldest first (one entry, of kind "unknown", for a
  // dataset written before versions were recorded; none for a dataset that
  // does not exist). Reads about one footer per 100 versions.
  [[nodiscard]] Result<std::vector<VersionInfo>> Versions() const;
  // Commits a new version whose rows, schema and key-value metadata are
  // those of `version` (which must be readable); returns the new version.
  [[nodiscard]] Result<uint64_t> Restore(uint64_t version, const RestoreOptions& options = {});
  // Applies the retention completely (writes do it a bounded amount at a
  // time): versions it no longer keeps stop being readable, the row-group
  // files only they list and their history files are deleted (files a
  // registered reader may need are kept for a later write or vacuum).
  [[nodiscard]] Result<VacuumResult> Vacuum(const VacuumOptions& options = {});

  // Rows of the current snapshot, in order (docs/behaviour.md#reading).
  // NotFound for unknown columns (naming them). No row: a zero-row table with
  // the selected stored columns, or an empty Table when no schema is known.
  [[nodiscard]] Result<Table> Read(const ReadOptions& options = {}) const;
  // Rows of rg `index` (negative counts from the end). OutOfRange naming the
  // index and the number of rgs.
  [[nodiscard]] Result<Table> ReadRowGroup(int64_t index, const Columns& columns = {}) const;

  // Number of rgs (not rows).
  [[nodiscard]] Result<int64_t> num_row_groups() const;
  // Columns file_ids (uint64), n_rows (uint64), ordered_on_mins and
  // ordered_on_maxs (ordered column's type), one row per rg.
  [[nodiscard]] Result<Table> RowGroupStats() const;
  [[nodiscard]] Result<std::map<std::string, std::string>> key_value_metadata() const;
  // The stored ordered_on, else the handle's (nullopt if never set).
  [[nodiscard]] Result<std::optional<std::string>> ordered_on() const;
  // Stored schema (nullopt until a write passed a table).
  [[nodiscard]] Result<std::optional<Schema>> schema() const;
  [[nodiscard]] Result<std::optional<std::string>> schema_extra_json() const;
  // The remembered write settings of the last committed state.
  [[nodiscard]] Result<StoredWriteSettings> write_settings() const;
  // True while no metadata file exists.
  [[nodiscard]] Result<bool> is_newly_initialized() const;
  // Largest file id referenced by the snapshot, -1 if none.
  [[nodiscard]] Result<int64_t> max_file_id() const;

  // Staged writes (see StagedPart). Stage validates `table` as Write does
  // (sorted, types, safe conversions to the stored schema when one exists)
  // and writes its rows, split by the row-group target, to new files in a new
  // staging directory of group `options.group`: it never takes the writer
  // lock nor touches the committed state, so any number of processes may
  // stage at once. InvalidArgument for duplicates_on or max_n_off_target_rgs
  // (not supported by staged writes).
  [[nodiscard]] Result<StagedPart> Stage(const Table& table, const StageOptions& options = {}) const;
  // Commits `parts` in the given order with one metadata commit, under the
  // writer lock: each part must belong to this dataset, its files be present
  // and match what it records (rows, CRC-32, footer statistics), the parts be
  // in row order without overlapping each other, their schema be the
  // dataset's (names and types), and their rows come at or after the
  // dataset's last row (a staged write appends; rows that overlap the stored
  // ones are refused: write them with Write). Nothing changes when a check
  // fails. The files are renamed to new ids above the high-water mark, the
  // directory synced, then the metadata committed (docs/format.md, "Staged
  // writes"); the parts' staging directories are then deleted, and any of the
  // dataset older than kStagingMaxAgeSeconds.
  [[nodiscard]] Status CommitStaged(const std::vector<StagedPart>& parts,
                                    const CommitStagedOptions& options = {});
  // Deletes the staging directories of `group` (every part staged with it,
  // finished or not). Call it once no process stages with the group any
  // more. Returns the number of directories deleted.
  [[nodiscard]] Result<int64_t> AbortStaging(const std::string& group) const;
  // Staging directories of the dataset (names), e.g. for `oups verify`.
  [[nodiscard]] Result<std::vector<std::string>> ListStaging() const;

  // Removes the dataset (docs/behaviour.md#removal): a no-op when it does not
  // exist.
  [[nodiscard]] Status Remove(const RemoveOptions& options = {});

  // The dataset directory path as given (trailing '/' removed).
  const std::string& path() const;
  const std::shared_ptr<FileSystem>& file_system() const;

  struct State;

 private:
  explicit OrderedDataset(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace oups
