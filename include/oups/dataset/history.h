// Versions of a dataset (docs/behaviour.md#versions-and-time-travel): every
// commit (write, metadata-only write, compaction, staged write, restore)
// creates a version, numbered 1, 2, ... and kept as the dataset's retention
// says (OrderedDataset: WriteOptions::keep_versions / keep_for). These are the
// value types of that API: what OrderedDataset::Versions() lists, which
// version a read is made "as of", and the options of Restore and Vacuum.
//
// Thread-safety: plain values. Ownership: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "oups/common/json.h"

namespace oups {

// One committed version: what its commit did.
struct VersionInfo {
  uint64_t version = 0;
  // "write" (rows written), "metadata" (a write without rows that changed no
  // row group), "compaction" (a write without rows that rewrote row groups),
  // "staged_write", "restore", "recover" or "unknown" (a commit made before
  // history was recorded).
  std::string kind;
  // UTC, ISO-8601 with microseconds ("2026-12-06T18:50:07.123456Z"); empty
  // when unknown.
  std::string committed_at;
  // Net change of the number of rows (one of them is 0).
  int64_t rows_added = 0;
  int64_t rows_removed = 0;
  // Rows in the row groups the commit wrote.
  int64_t rows_written = 0;
  int64_t row_groups_written = 0;
  int64_t row_groups_dropped = 0;
  // Rows and row groups of the version.
  int64_t num_rows = 0;
  int64_t num_row_groups = 0;
  // Key-value metadata changes: key -> new value, nullopt when removed.
  std::map<std::string, std::optional<std::string>> kv_changes;
  // For a restore: the version restored.
  std::optional<uint64_t> restored_from;
};

// A version to read: by number, or the one in force at an instant (the last
// committed at or before it; UTC nanoseconds since the epoch).
struct AsOf {
  std::optional<uint64_t> version;
  std::optional<int64_t> time_ns;
  static AsOf Version(uint64_t v) { return AsOf{v, std::nullopt}; }
  static AsOf Time(int64_t ns) { return AsOf{std::nullopt, ns}; }
};

struct RestoreOptions {
  // Updates of the stored key-value metadata applied on top of the restored
  // version's (as WriteOptions).
  std::map<std::string, std::optional<std::string>> key_value_metadata{};
  // Seconds; nullopt = the handle's default.
  std::optional<double> lock_timeout{};
};

struct VacuumOptions {
  // Seconds; nullopt = the handle's default.
  std::optional<double> lock_timeout{};
};

struct VacuumResult {
  // Versions no longer readable after the vacuum.
  uint64_t versions_expired = 0;
  // Row-group files deleted.
  uint64_t files_deleted = 0;
  // Files kept because a reader was registered (a later write or vacuum
  // deletes them).
  uint64_t files_kept_for_readers = 0;
  // History records and checkpoints deleted.
  uint64_t history_files_deleted = 0;
};

// `v` as a JSON object (the summary kept in history files and printed by
// `oups log --json`): every field, `restored_from` only when set.
json::Value VersionInfoJson(const VersionInfo& v);

}  // namespace oups
