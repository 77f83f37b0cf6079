// FileReader: reads flat Parquet files into oups Tables.
//
// Opening a file reads and validates only its footer. Reads then fetch only the
// byte ranges of the selected row groups' selected column chunks. Every read is
// bounds-checked against the file size: corrupt or malicious input returns
// Corruption (or NotSupported for valid features oups does not read, such as
// nested columns) naming the file, and where known the row group, column and
// page; it never crashes, hangs or allocates without bound.
//
// Thread-safety: a FileReader may be used from several threads at once (reads
// are independent; the underlying RandomAccessFile supports concurrent ReadAt).
// Ownership: the reader owns its RandomAccessFile; tables it returns own their
// buffers and outlive the reader.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "oups/io/file_system.h"
#include "oups/parquet/metadata.h"
#include "oups/table/column.h"

namespace oups::parquet {

struct ReadOptions {
  // Columns to read by name, in the order wanted; empty = all columns.
  std::vector<std::string> columns{};
  // Row groups to read, in order; empty = all.
  std::vector<int> row_groups{};
  bool all_row_groups = true;  // set false to read exactly `row_groups` (possibly none)
  // Threads decoding columns in parallel (1 = the calling thread only).
  int num_threads = 1;
};

// A file's decoded footer with its bytes, shared by the readers that opened it:
// FileReader::Open given one (`known`) compares it with the file's footer and
// takes it instead of decoding again when the bytes and the file size are the
// same (a metadata file opened again and again while no commit replaces it).
struct DecodedFooter {
  std::string bytes;      // the serialized FileMetaData
  int64_t file_size = 0;  // of the file it was read from
  FileMetadata metadata;
};

class FileReader {
 public:
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  // Reads and validates the footer of `file`.
  static Result<std::unique_ptr<FileReader>> Open(std::unique_ptr<RandomAccessFile> file);
  static Result<std::unique_ptr<FileReader>> Open(FileSystem& fs, const std::string& path);
  // The same, taking `known` (when not null) as the decoded footer when the
  // file's footer bytes and size are `known`'s; decoding it otherwise.
  static Result<std::unique_ptr<FileReader>> Open(std::unique_ptr<RandomAccessFile> file,
                                                  std::shared_ptr<const DecodedFooter> known);
  static Result<std::unique_ptr<FileReader>> Open(FileSystem& fs, const std::string& path,
                                                  std::shared_ptr<const DecodedFooter> known);

  const FileMetadata& metadata() const;
  // The decoded footer (the `known` one when it was taken).
  const std::shared_ptr<const DecodedFooter>& footer() const;
  const std::string& path() const;
  int num_row_groups() const;
  // The open file (e.g. for FileWriter::CopyRowGroups, which copies its bytes).
  RandomAccessFile& file() const;

  // Reads one row group (projection as in options.columns).
  Result<Table> ReadRowGroup(int row_group, const std::vector<std::string>& columns = {},
                             int num_threads = 1);
  // Reads the selected row groups and columns into one table.
  Result<Table> Read(const ReadOptions& options = {});

 private:
  struct Impl;
  explicit FileReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_{};
};

// Convenience: open `path` on `fs` and read it whole.
Result<Table> ReadTable(FileSystem& fs, const std::string& path, const ReadOptions& options = {});

}  // namespace oups::parquet
