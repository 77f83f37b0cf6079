// Recovery of a dataset whose metadata file is lost (docs/format.md,
// "Recovering a dataset whose metadata file is lost").
//
// The metadata file `<parent>/<name>_opdmd` lives beside the dataset directory
// `<parent>/<name>`, so moving or copying the directory alone, or deleting the
// metadata file, leaves row-group files that no write touches (they are not
// provably the dataset's leftovers). RecoverMetadata rebuilds the metadata file
// from the footers of those files when they are sound:
//   - every `file_<id>.parquet` of the directory is a readable Parquet file
//     holding exactly one row group of at least one row;
//   - all have the same columns (names and types, in order), or, for a dataset
//     whose schema evolved (WriteOptions::schema_evolution), each file in id
//     order (the order they were written) holds the columns of every older
//     file, in their order, each of the same type or a widening of it
//     (docs/behaviour.md#schema-evolution; never the ordered column), then
//     possibly added columns: what evolution writes, since every write
//     conforms its rows, and the older rows it rewrites, to the schema of the
//     moment;
//   - the ordered column (RecoverOptions::ordered_on, else the files'
//     `sorting_columns`, which must agree) exists, and each file's rows are
//     sorted on it;
//   - ordered by the first ordered value of each file, the files do not
//     overlap (the last value of one may equal the first of the next).
// The recovered metadata lists every file as one row group in that order, with
// its row count, first and last ordered values and CRC-32; the high-water mark
// `max_used_file_id` is the largest id; the schema is the files' schema (the
// newest file's for an evolved dataset, which then requires the feature
// "schema_evolution" as it did: older files read conformed to it, added
// columns null; a column is nullable when it is so in any file); when the
// files carry key-value metadata (e.g. pyarrow's `pandas` key written by
// the Python package), it is kept as the schema's `file_key_value_metadata`,
// so that files rewritten later keep it. What only the lost metadata file held
// is not recovered: the user's key-value metadata, the Python package's dtype
// details (columns come back with their natural dtypes), the time-zone name of
// a timestamp column (files record only "adjusted to UTC"), and a seconds
// timestamp (stored in milliseconds) reads back as milliseconds.
//
// Refusals (nothing is written): a metadata file exists (AlreadyExists); a
// leftovers record exists (the dataset was removed, or its first write did not
// commit: those files are leftovers, not a dataset); no row-group file; an
// entry of the directory that cannot be examined; any file that fails the
// checks above (Corruption or InvalidArgument naming the file, or both files
// of an overlap or of a schema difference that is no evolution); no ordered
// column known (InvalidArgument: give one).
//
// Concurrency and crash safety: takes the dataset's writer lock like a write
// (so no writer runs meanwhile), checks again under it that no metadata file
// exists, then commits as a write does: the metadata is written to the
// temporary metadata file, fsynced, renamed to `<name>_opdmd`, and the parent
// directory fsynced. A crash leaves either no metadata file (and possibly the
// temporary file, which the next write or recovery removes) or the recovered
// one. All file access goes through the given FileSystem.
//
// Thread-safety: a free function; safe to call concurrently (the lock
// serialises writers of one dataset).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oups/io/file_system.h"
#include "oups/result.h"

namespace oups {

struct RecoverOptions {
  // The ordered column; nullopt: the one every file's `sorting_columns` names.
  std::optional<std::string> ordered_on{};
  // Seconds to wait for the writer lock (>= 0); nullopt = forever.
  std::optional<double> lock_timeout{};
};

// What RecoverMetadata did.
struct RecoverReport {
  std::string metadata_file;     // the metadata file written
  std::string ordered_on;        // the ordered column
  int64_t num_rows = 0;          // rows of the recovered dataset
  int64_t num_row_groups = 0;    // one per file
  std::vector<std::string> files;  // the row-group files, in row order
  uint64_t max_used_file_id = 0;   // the high-water mark recorded
  // Key-value metadata of the files kept as the schema's
  // file_key_value_metadata (e.g. "pandas"), by key.
  std::vector<std::string> file_key_value_keys;
  // Entries of the dataset directory that are not row-group files, left alone
  // (names).
  std::vector<std::string> ignored;
  // The files' schemas differ (an evolved dataset): the stored schema is the
  // newest file's, and the dataset requires the feature "schema_evolution".
  bool schema_evolution = false;
};

// Rebuilds the metadata file of the dataset whose directory is `dataset_dir`
// (see the top of this header). On error nothing is committed: the dataset
// stays without metadata file.
[[nodiscard]] Result<RecoverReport> RecoverMetadata(const std::shared_ptr<FileSystem>& fs,
                                                    const std::string& dataset_dir,
                                                    const RecoverOptions& options = {});

}  // namespace oups
