// The history of a dataset (docs/format.md, "Versions and history"): one
// small Parquet record per commit, `<name>/_history/v_<version>.parquet`,
// holding the row groups the commit added and dropped (with their positions)
// and, in its key-value metadata `oups_version`, what the commit did and the
// state of the dataset at that version (everything but the rg list);
// checkpoints `<name>/_history/c_<version>.parquet` holding the whole rg
// list of a version, every kCheckpointInterval versions and where a history
// starts, with the summaries of the versions they close (`oups_versions`) so
// that listing 10,000 versions reads about 100 footers.
//
// The latest state stays `<name>_opdmd` (opening, appending and reading the
// latest version never read the history); the member "history" of its JSON
// (HistoryState) says which versions are readable, from which checkpoint
// their rg lists are rebuilt, and the retention in force.
//
// A row-group file dropped by the commit of version d is listed by versions
// below d only (plus, after a restore, by the versions from the restore on:
// HistoryState::revived), so it is free once the oldest retained version
// reaches d: the commit that moves the oldest version there records it as
// obsolete (`obsolete_file_ids`), and the usual leftover rules delete it
// once no reader is registered.
//
// Thread-safety: pure functions over the given FileSystem, called under the
// writer lock for anything that writes or deletes. Ownership: plain values.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dataset/file_naming.h"
#include "dataset/metadata_file.h"
#include "oups/dataset/history.h"
#include "oups/result.h"

namespace oups::dataset {

// A checkpoint every this many versions (versions that are multiples of it).
inline constexpr uint64_t kCheckpointInterval = 100;
// Records read to expire versions, and history files deleted, by one write
// (the clean-up inside writes is bounded; Vacuum has no bound).
inline constexpr uint64_t kExpiryPerWrite = 500;

// The member "history" of the metadata JSON.
struct HistoryState {
  // Versions readable: [oldest, the latest]. oldest >= base.
  uint64_t oldest = 0;
  // The checkpoint the rg lists of readable versions are rebuilt from: records
  // of versions in (base, latest] and checkpoints at base and at multiples of
  // kCheckpointInterval above it exist.
  uint64_t base = 0;
  // Whether the checkpoint of `base` exists (always, unless base is the
  // latest version, whose state is the metadata file).
  bool base_checkpointed = false;
  // History files of versions below this are durably deleted.
  uint64_t swept_below = 0;
  // Rows of the latest version (kept here: a commit may see only the tail
  // of the rg list). -1 when unknown.
  int64_t num_rows = -1;
  // Retention in force.
  int64_t keep_versions = 1;
  std::optional<std::string> keep_for;  // a fixed duration's text ("30D"), nullopt: none
  int64_t keep_for_ns = 0;
  // File ids re-listed by a restore, with the version of that restore (a
  // dropped file is then not free while versions from the restore on are
  // retained).
  std::map<uint64_t, uint64_t> revived;
};

// The history of `md` (nullopt when it has none); Corruption for a malformed
// member.
[[nodiscard]] Result<std::optional<HistoryState>> HistoryOf(const DatasetMetadata& md);
std::string EncodeHistory(const HistoryState& h);

// A retention's duration text: a fixed duration of docs/behaviour.md
// #time-periods ("30D", "12h", "90min", "<n>ns"). InvalidArgument otherwise.
[[nodiscard]] Result<int64_t> ParseKeepFor(const std::string& text);

std::string HistoryDir(const DatasetPaths& paths);
std::string RecordPath(const DatasetPaths& paths, uint64_t version);
std::string CheckpointPath(const DatasetPaths& paths, uint64_t version);

// What one commit does to the history, decided under the writer lock before
// its commit point (PrepareHistoryCommit).
struct HistoryCommit {
  // Files no retained version lists any more: the commit records them as
  // obsolete (they are deleted after it, once no reader is registered).
  std::vector<uint64_t> freed;
  // History files this commit wrote (deleted if it fails before its commit
  // point).
  std::vector<std::string> written;
  uint64_t versions_expired = 0;
  uint64_t history_files_deleted = 0;
};

struct HistoryCommitInput {
  const DatasetMetadata* before = nullptr;  // the committed state (whole rg list)
  bool before_exists = false;               // a metadata file (else a first write)
  std::string kind;                          // "write", "metadata", "compaction", ...
  // Retention given by this commit (else the stored one, else keep 1).
  std::optional<int64_t> keep_versions;
  std::optional<std::string> keep_for;  // "" = no duration
  // Write a record of `after` (a new version); false for a vacuum, which
  // rewrites the metadata of the same version.
  bool new_version = true;
  // The whole committed state, for a `before` that holds only the tail of
  // the rg list (DatasetMetadata::partial: an append that read only the last
  // chunks); called only when a checkpoint needs the whole list.
  std::function<Result<DatasetMetadata>()> read_whole_before{};
  // For a restore: the version restored.
  std::optional<uint64_t> restored_from;
  // Records read to expire versions (kExpiryPerWrite in writes).
  uint64_t expiry_limit = kExpiryPerWrite;
  // Whether history files of versions below the committed base may be deleted
  // now (no reader registered, checked after the commit that moved the base).
  std::function<bool()> may_delete{};
};

// Under the writer lock, before the commit point of `after` (its rg list,
// version and committed_at set): writes the record (and checkpoint) of the new
// version, durably (files synced, then `_history/`), moves the oldest retained
// version as the retention says (at most `expiry_limit` records read), lists
// the files this frees, deletes history files below the committed base when
// allowed, and sets `after->history_json`. Files `after` lists are never
// freed.
[[nodiscard]] Result<HistoryCommit> PrepareHistoryCommit(FileSystem& fs, const DatasetPaths& paths,
                                                         const HistoryCommitInput& in,
                                                         DatasetMetadata* after);

// The summaries of the readable versions of `latest` (oldest first); one
// entry for the latest version when the dataset has no history yet.
[[nodiscard]] Result<std::vector<VersionInfo>> ListVersions(FileSystem& fs,
                                                            const DatasetPaths& paths,
                                                            const DatasetMetadata& latest);

// The state of version `version` (its whole rg list), rebuilt from the
// checkpoint at or below it and the records after that checkpoint. NotFound
// naming the dataset, the version and the readable ones when it is not
// readable.
[[nodiscard]] Result<DatasetMetadata> ReadVersion(FileSystem& fs, const DatasetPaths& paths,
                                                  const DatasetMetadata& latest, uint64_t version);

// The version in force at `time_ns` (UTC nanoseconds since the epoch): the
// last one committed at or before it. NotFound when no readable version was
// committed by then.
[[nodiscard]] Result<uint64_t> VersionAt(FileSystem& fs, const DatasetPaths& paths,
                                         const DatasetMetadata& latest, int64_t time_ns);

// Every file listed by a readable version of `latest` but not by `latest`
// itself (what a removal of the dataset must delete besides its rgs).
[[nodiscard]] Result<std::vector<uint64_t>> RetainedUnlisted(FileSystem& fs,
                                                             const DatasetPaths& paths,
                                                             const DatasetMetadata& latest);

// Deletes every history file of `latest` by name (a removal), then
// `_history/`; best effort, returns whether all are gone.
bool DeleteHistoryFiles(FileSystem& fs, const DatasetPaths& paths, const DatasetMetadata& latest);

// Parses "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" into UTC nanoseconds.
[[nodiscard]] Result<int64_t> ParseUtcIso8601(const std::string& text);

}  // namespace oups::dataset
