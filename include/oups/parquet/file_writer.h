// FileWriter: writes oups Tables as flat Parquet files.
//
// Column types map to Parquet as follows (logical type annotation and legacy
// converted type both written): bool→BOOLEAN; int8/16/32→INT32 INT(w,true);
// int64→INT64; uint8/16/32→INT32 INT(w,false); uint64→INT64 INT(64,false);
// float32→FLOAT; float64→DOUBLE; string→BYTE_ARRAY STRING; binary→BYTE_ARRAY;
// timestamp→INT64 TIMESTAMP(unit, isAdjustedToUTC = has time zone) (seconds are
// stored as milliseconds); date32→INT32 DATE; duration→INT64 (unit in schema
// only through the caller's metadata); decimal→FIXED_LEN_BYTE_ARRAY DECIMAL.
// Non-nullable fields are REQUIRED and must hold no nulls.
//
// Each WriteRowGroup call writes one row group (or several if the table exceeds
// options.row_group_size). Nothing is visible as a valid file until Close()
// writes the footer. The writer does not sync: callers that need durability
// call Sync on their WritableFile (the dataset layer does).
//
// Thread-safety: one thread at a time. Ownership: the writer owns the
// WritableFile it was given and closes it in Close().
#pragma once

#include <memory>
#include <string>

#include "oups/io/file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/metadata.h"
#include "oups/parquet/properties.h"
#include "oups/table/column.h"

namespace oups::parquet {

class FileWriter {
 public:
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  static Result<std::unique_ptr<FileWriter>> Open(std::unique_ptr<WritableFile> file,
                                                  Schema schema, WriterOptions options = {});

  // Appends the rows of `table` (same schema as given at Open) as row group(s).
  Status WriteRowGroup(const Table& table);
  // Appends row groups [first, end) of the Parquet file `source` unchanged:
  // their column chunks are copied byte for byte (pages, page checksums and
  // chunk statistics as they are, whatever their codec) and only their offsets
  // are rewritten in this file's footer; nothing is decoded. `source`'s
  // columns must be this writer's (names, physical and logical types,
  // optionality): InvalidArgument naming the column otherwise; OutOfRange for
  // a range outside `source`'s row groups.
  Status CopyRowGroups(FileReader& source, int first, int end);
  // Writes the footer and closes the file. Returns the metadata written.
  Result<FileMetadata> Close();
  // Flushes nothing; exposes the underlying file (e.g. to Sync before Close).
  WritableFile* file();

 private:
  struct Impl;
  explicit FileWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Convenience: writes `table` to `path` on `fs` (not synced) and returns its metadata.
Result<FileMetadata> WriteTable(FileSystem& fs, const std::string& path, const Table& table,
                                const WriterOptions& options = {});

}  // namespace oups::parquet
