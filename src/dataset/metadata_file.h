// The metadata file `<name>_opdmd` of an ordered dataset (docs/format.md,
// "Metadata file"): a Parquet file with one row per row group (rg), in row
// order, and exactly the columns
//   file_ids         uint64   id of the rg's file_<id>.parquet
//   n_rows           uint64   rows of the rg (>= 1)
//   ordered_on_mins  <T>      ordered value of the rg's first row
//   ordered_on_maxs  <T>      ordered value of the rg's last row
//   file_crc32       uint32   CRC-32 of the rg's file, null when not recorded
//                             (format_version 2; version 1 files have four
//                             columns and keep checksums in the JSON below)
// where <T> is the ordered column's type (int64 as a placeholder, never
// interpreted, while no schema is known), plus the file-level key "oups": a
// JSON object
//   {"format_version": 2,
//    "ordered_on": "<column>" | ["<l0>", "<l1>", ...] | null,
//    "key_value_metadata": {"k": "v", ...},
//    "schema": null | {"fields": [{"name": ..., "type": ..., "nullable": ...}],
//                      "pandas": <opaque JSON, stored and returned untouched>},
//    "max_used_file_id": null | <uint64>,      (id high-water mark)
//    "obsolete_file_ids": [<uint64>, ...],     (only when not empty)
//    "version": <uint64>,                      (commits so far, >= 1)
//    "committed_at": "<UTC ISO-8601>",         (time of this commit)
//    "required_features": ["...", ...],        (only when not empty)
//    "write_settings": {"row_group_target_size": <int64> | "<period>",
//                       "max_n_off_target_rgs": null | <int64>}}
//                      (only when a write gave one; each member only when
//                       given; null = no coalescing)
// Version 1 files may also hold "file_crc32": {"<file id>": <uint32>, ...}.
// Readers ignore unknown members, refuse a format_version above 2, and refuse
// a required feature they do not know (the way a later layout change that old
// readers would misread is announced without a new format_version).
//
// Column MultiIndex (docs/behaviour.md#column-multiindex): a stored column name
// that is the compact JSON array of strings (e.g. `["ts",""]`) is written in
// "ordered_on" as that array, and read back as the same compact text, so C++
// code always handles ordered_on as a stored column name.
//
// Thread-safety: pure functions over the given FileSystem. Ownership: plain
// values. Failure: ReadMetadataFile never modifies anything; WriteMetadataFile
// writes only the path it is given (the caller publishes it by renaming).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "oups/io/file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "oups/parquet/metadata.h"
#include "oups/parquet/properties.h"
#include "oups/result.h"
#include "oups/table/column.h"
#include "oups/table/scalar.h"

namespace oups::dataset {

inline constexpr int kFormatVersion = 2;
inline constexpr const char* kOupsKey = "oups";
// The required feature of a dataset whose rg files may differ in schema from
// the stored one (dataset/schema_evolution.h): each is read conformed to it.
inline constexpr const char* kSchemaEvolutionFeature = "schema_evolution";
// Whether this version of oups knows the required feature `name`.
bool KnownFeature(const std::string& name);

// The row-group layout settings remembered with a dataset (docs/format.md,
// "write_settings"): the values the last write that gave them gave. Stored as
// given (a row count or a period's text), validated when given and when used.
struct WriteSettings {
  // Rows (>= 1) or the text of a period ("MS", "1D", "3600000000000ns").
  std::optional<std::variant<int64_t, std::string>> row_group_target_size;
  // Set when remembered; the inner nullopt is "no coalescing".
  std::optional<std::optional<int64_t>> max_n_off_target_rgs;
  bool empty() const { return !row_group_target_size && !max_n_off_target_rgs; }
  bool operator==(const WriteSettings&) const = default;
};

struct DatasetMetadata {
  // Set when the dataset's ordered column is known.
  std::optional<std::string> ordered_on;
  std::map<std::string, std::string> key_value_metadata;
  // Stored columns in stored order (names, types, nullability); nullopt until
  // the first write that passes a table.
  std::optional<Schema> schema;
  // Opaque JSON text (compact) kept with the schema, e.g. pandas dtype details.
  std::optional<std::string> schema_extra_json;
  // Largest file id ever used by this dataset (high-water mark,
  // docs/format.md).
  std::optional<uint64_t> max_used_file_id;
  // Ids of files that were this dataset's and that no committed state lists
  // any more, whose deletion is not yet known to be durable (a reader of an
  // older snapshot may still read them; a later write deletes them). Never
  // holds an id of `file_ids`. Sorted, unique.
  std::vector<uint64_t> obsolete_file_ids;

  // CRC-32 (zlib's crc32) of the whole content of listed rg files, by file id,
  // recorded by the write that created each file; files created before
  // checksums were recorded have none. Only ids of `file_ids`.
  std::map<uint64_t, uint32_t> file_crc32;

  // Commits so far: 0 for a file written before commits were counted (format
  // 1) or for no metadata; each commit writes the previous value + 1.
  uint64_t version = 0;
  // UTC time of the commit that wrote the file, ISO-8601 ("...Z"); nullopt
  // for format 1 files.
  std::optional<std::string> committed_at;
  // Remembered row-group layout (empty when no write gave a setting).
  WriteSettings write_settings;
  // The member "history" (dataset/history.h: retention, oldest retained
  // version, checkpoint base), as compact JSON; nullopt for a dataset whose
  // history has not started. Opaque here.
  std::optional<std::string> history_json;
  // Layout features a reader must know (docs/format.md, "required_features"),
  // sorted, unique; e.g. kSchemaEvolutionFeature once rgs may differ in
  // schema. Readers refuse a name they do not know (KnownFeature).
  std::vector<std::string> required_features;
  // format_version of the file read (kFormatVersion for a new one).
  int format_version = kFormatVersion;

  // One entry per rg, in row order.
  std::vector<uint64_t> file_ids;
  std::vector<uint64_t> n_rows;
  // Ordered values of each rg's first and last row (ordered column's type).
  Column mins;
  Column maxs;

  // Set by MetadataFile::ReadRange only: the vectors above hold the run of
  // rgs from index `first_row_group` of the committed list that covers a
  // range, not the whole list (everything else is whole). Never written.
  bool partial = false;
  int64_t first_row_group = 0;

  int64_t num_row_groups() const { return static_cast<int64_t>(file_ids.size()); }
  // Whether `required_features` holds `name`.
  bool HasFeature(const std::string& name) const;
  int64_t total_rows() const;
  // Largest id referenced by the rgs, the obsolete ids or the high-water mark;
  // nullopt if none.
  std::optional<uint64_t> max_known_file_id() const;
  // Type of the mins/maxs columns: the ordered column's type in the schema
  // when both are known, else the int64 placeholder.
  DataType StatisticsType() const;
};

// Reads `path`. NotFound if it does not exist (the dataset is then new);
// Corruption naming the file and the problem for anything malformed (columns,
// types, nulls, n_rows < 1, duplicate ids, a min after its max, JSON, schema
// not holding ordered_on or mins/maxs of another type); NotSupported naming
// the file for a format_version above kFormatVersion, and naming the dataset
// for a metadata file written by the original Python oups.
[[nodiscard]] Result<DatasetMetadata> ReadMetadataFile(FileSystem& fs, const std::string& path);

// Rgs per Parquet row group ("chunk") of a metadata file: each chunk carries
// the min/max statistics of its mins and maxs columns.
inline constexpr int64_t kMetadataChunkRows = 1024;

// An opened metadata file whose footer and JSON are decoded (the same checks
// and errors as ReadMetadataFile) and whose rg list is decoded on demand,
// whole or only the chunks a range needs: reading one row group of a dataset
// of 20,000 decodes one chunk. The open file keeps the committed state it was
// opened on, whatever is renamed over it later.
// Thread-safety: decodes are serialised by an internal mutex.
// Ownership: owns the open file.
class MetadataFile {
 public:
  [[nodiscard]] static Result<std::unique_ptr<MetadataFile>> Open(FileSystem& fs,
                                                                  const std::string& path);
  ~MetadataFile();
  // Everything but the rg list (file_ids, n_rows, mins, maxs, file_crc32 empty).
  const DatasetMetadata& header() const;
  // Number of rgs listed, from the footer.
  int64_t num_row_groups() const;
  const std::string& path() const;
  // The whole rg list.
  [[nodiscard]] Result<DatasetMetadata> ReadAll();
  // The chunks whose statistics say they may hold an rg intersecting
  // [start, end_excl) (one run; `partial` and `first_row_group` set), or the
  // whole list when there is one chunk, no bound, or bounds of another type
  // than the statistics'. For reading: file_crc32 is left empty.
  [[nodiscard]] Result<DatasetMetadata> ReadRange(const std::optional<Scalar>& start,
                                                  const std::optional<Scalar>& end_excl);
  // What a write of rows whose smallest ordered value is `from` needs when it
  // may not touch any rg ending before `from` (an append without coalescing):
  // the rgs from the first chunk that may hold an rg ending at or after
  // `from`, and at least the last chunk, with `partial` and `first_row_group`
  // set. The chunks before are not decoded, and WriteMetadataFile with this
  // file as its source copies them unchanged. The whole list when the tail
  // would start at chunk 0 or the statistics cannot tell (no statistics, a
  // bound of another type). Corruption when the chunk before the tail ends
  // after the tail's first rg starts.
  [[nodiscard]] Result<DatasetMetadata> ReadTail(const Scalar& from);
  // Appends the chunks holding rgs [0, first_row_group) to `writer` unchanged
  // (parquet::FileWriter::CopyRowGroups); InvalidArgument when
  // `first_row_group` is not where a chunk starts.
  [[nodiscard]] Status CopyChunksBefore(int64_t first_row_group, parquet::FileWriter& writer);

  struct Impl;

 private:
  explicit MetadataFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes `md` to `path` (created or truncated), syncs and closes it.
// InvalidArgument when `md` is inconsistent (vector lengths, column types).
[[nodiscard]] Status WriteMetadataFile(FileSystem& fs, const std::string& path,
                                       const DatasetMetadata& md,
                                       parquet::Compression compression =
                                           parquet::Compression::kSnappy);
// The same for `md` read by `source.ReadTail` and changed (md.partial): the
// chunks of `source` before md.first_row_group are copied byte for byte
// (neither decoded nor encoded: an append to a dataset of 20,000 rgs encodes
// the last chunk or so), then md's rgs follow in chunks of
// kMetadataChunkRows. InvalidArgument when md.first_row_group is not where a
// chunk of `source` starts, or when `source`'s columns are not the ones `md`
// writes (another statistics type, format 1).
[[nodiscard]] Status WriteMetadataFile(FileSystem& fs, const std::string& path,
                                       const DatasetMetadata& md, MetadataFile& source,
                                       parquet::Compression compression);

// docs/behaviour.md#on-disk-layout: adjacent rgs may share a boundary value but
// never overlap. InvalidArgument "row groups must not overlap." naming
// `dataset` and the rgs otherwise.
[[nodiscard]] Status CheckNoOverlap(const DatasetMetadata& md, const std::string& dataset);

// Whether a column of type `t` can be a dataset's ordered column (integers,
// floats, timestamps, dates, strings).
bool IsOrderableType(const DataType& t);

// The current UTC time as ISO-8601 with microseconds, e.g.
// "2026-12-06T18:50:07.123456Z": a commit's `committed_at`.
std::string UtcNowIso8601();

// The JSON of the "oups" key, and its parser (exposed for tests).
std::string EncodeOupsJson(const DatasetMetadata& md);
[[nodiscard]] Status DecodeOupsJson(const std::string& text, DatasetMetadata* md);

// DataType <-> JSON text of the schema ("int64", "timestamp[ns, tz=UTC]"... as
// objects {"id": "timestamp", "unit": "ns", "tz": "UTC"}).
std::string TypeToJson(const DataType& type);

}  // namespace oups::dataset

namespace oups::dataset {

// A column read from a Parquet file, as `type`: the same column when the
// types are equal; timestamp[ms] values converted to timestamp[s] (Parquet
// has no seconds unit, so seconds are stored as milliseconds). Corruption
// naming `file` otherwise (or for a millisecond value that is not whole
// seconds).
[[nodiscard]] Result<Column> AsStoredType(const Column& column, const DataType& type,
                                          const std::string& file);
// The same for every column of `table`, whose columns are a subset of
// `schema`'s (by name); fields take the schema's nullability.
[[nodiscard]] Result<Table> AsStoredTypes(const Table& table, const Schema& schema,
                                          const std::string& file);

// Whether a column a Parquet file reads as `file_type` reads back as `stored`
// through AsStoredType (equal types, a relabelled time zone, milliseconds for
// seconds, int64 for a duration).
bool ReadsAsStoredType(const DataType& file_type, const DataType& stored);

// Checks the footer of `file`, the file of rg `i` of `md`, against the
// metadata, from footer values only (nothing is decoded): its number of rows,
// its columns (the stored schema's names, each of a type that reads as the
// stored one) and, when the footer has statistics of the ordered column, their
// min and max against the rg's recorded min and max. Corruption naming the
// file and what differs. Every read of an rg file calls it, so that a file
// swapped, replaced or truncated under its name is refused instead of read.
[[nodiscard]] Status CheckRowGroupFooter(const parquet::FileMetadata& footer,
                                         const DatasetMetadata& md, int64_t i,
                                         const std::string& file);

// Reads the columns `options.columns` of rg `i` of `md` from its file `file`,
// checked against the metadata: CheckRowGroupFooter before decoding, then the
// decoded row count and, when the ordered column is read, its first and last
// values against the recorded min and max. Columns take the stored types
// (AsStoredTypes). Corruption naming the file for any difference.
[[nodiscard]] Result<Table> ReadCheckedRowGroup(FileSystem& fs, const DatasetMetadata& md,
                                                int64_t i, const std::string& file,
                                                const parquet::ReadOptions& options);
// The same from a reader opened on `file` whose footer CheckRowGroupFooter
// accepted (a read in several passes over one file checks its footer once).
[[nodiscard]] Result<Table> ReadCheckedColumns(parquet::FileReader& reader,
                                               const DatasetMetadata& md, int64_t i,
                                               const std::string& file,
                                               const parquet::ReadOptions& options);

// Writes `table` as one Parquet file at `path` (created or truncated), with
// all its rows in ONE row group, then syncs and closes it: when this returns
// OK the file's content is durable (its directory entry is not: SyncDir).
[[nodiscard]] Status WriteParquetFileDurably(FileSystem& fs, const std::string& path,
                                             const Table& table,
                                             parquet::WriterOptions options);
// The same into a file the caller opened (e.g. with FileSystem::CreateNewFile);
// when `crc32` is set, it receives the CRC-32 of every byte written. With
// FileSync::kDeferred the file is closed without its own sync: the caller
// makes it durable later with one FileSystem::SyncFileSystem for many files.
enum class FileSync { kNow, kDeferred };
[[nodiscard]] Status WriteParquetFileDurably(std::unique_ptr<WritableFile> file,
                                             const Table& table,
                                             parquet::WriterOptions options,
                                             uint32_t* crc32 = nullptr,
                                             FileSync sync = FileSync::kNow);

// CRC-32 (zlib's crc32) of the whole content of `path`, read in chunks.
[[nodiscard]] Result<uint32_t> FileCrc32(FileSystem& fs, const std::string& path);

}  // namespace oups::dataset
