// CSV input of `oups write`: a file parsed block by block (RFC 4180 quoting,
// strict: a quote inside an unquoted field or text after a closing quote is
// an error; records end with LF, CRLF or CR; blank lines are skipped), into a
// Table whose typed columns are built block by block. Fields are separated by commas or by
// `delimiter`; the first record names the columns, unless `header` is false
// (then `column_names` does, and line 1 is data).
//
// Column types are given (`types`, then `default_types`) or inferred over the
// whole file, in this order: bool (every value true or false, in any case),
// int64 (uint64 when some integers exceed int64 and none is negative),
// float64, timestamp[ns] (ISO-8601 text, see values.h; with an offset or Z in
// every value -> timestamp[ns, tz=UTC]), date (every value a bare
// "YYYY-MM-DD"), else string. Inference never rounds silently: integers that
// neither int64 nor uint64 holds (alone or together), and integers that
// float64 cannot hold exactly in a column that also has non-integer numbers,
// are an error naming the value and its line (give a type instead). The
// inference is first made on the first block (`block_bytes`) and every later value is
// checked against it as it is converted; when one does not hold, the file is
// read again: once to infer over all of it, once to convert (same result,
// only slower). An empty unquoted field is null; a quoted empty field ("") is
// an empty string in a string column and null elsewhere; a field whose text is
// `null_text` (when set; quoted or not) is null in every column. Fields are
// taken exactly as written (no trimming); a UTF-8 byte order mark at the start
// of the file is skipped.
//
// Errors name the file, the line (1 = the header) and the column, and say what
// was expected: "in.csv:7: column 3 'qty': expected int64 (an integer), found 'x'".
//
// Thread-safety: one call per thread. Ownership: the returned Table owns its data.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oups/io/file_system.h"
#include "oups/result.h"
#include "oups/table/column.h"

namespace oups::cli {

struct CsvTable;

struct CsvOptions {
  // Column name -> type; every name must be a column of the file.
  std::map<std::string, DataType> types{};
  // Types of columns not in `types`, used when the file has the column (e.g.
  // the stored schema of the dataset written to); others are inferred.
  std::map<std::string, DataType> default_types{};
  // The field separator (one byte; not a quote, a newline or a carriage return).
  char delimiter = ',';
  // A field with exactly this text is null (e.g. "NA", "\\N").
  std::optional<std::string> null_text{};
  // false: the file has no header line; `column_names` names the columns
  // (every record must have as many fields).
  bool header = true;
  std::vector<std::string> column_names{};
  // Threads converting the text of a block to typed columns (columns shared
  // out among them); the file itself is split into records on the calling
  // thread.
  int threads = 1;
  // Bytes read at a time (a record longer than this is read whole); types
  // are first inferred on the first block.
  size_t block_bytes = size_t{4} << 20;
  // Called now and then while parsing with (records so far, bytes read, total bytes).
  std::function<void(int64_t, int64_t, int64_t)> progress{};
  // Streaming (memory bounded by `chunk_rows`, not by the file): when set,
  // the rows read so far are handed over as a piece each time at least
  // `chunk_rows` (> 0) of them are converted (at a block boundary, so a piece
  // holds chunk_rows rows plus at most one block's), in file order, and
  // ReadCsv returns only the rows after the last piece (all of them when the
  // file has fewer than chunk_rows rows). Every piece and the result have the
  // same schema. An error returned by on_chunk stops the reading and is
  // returned. When a later value does not hold the types inferred on the
  // first block, the pieces handed over so far are void: on_restart is
  // called, and the file is read again with the types inferred over all of it
  // (that whole-file inference keeps the text of the inferred columns).
  int64_t chunk_rows = 0;
  std::function<Status(CsvTable piece)> on_chunk{};
  std::function<Status()> on_restart{};
};

struct CsvTable {
  Table table;
  // Physical line (1-based) where each data row starts: row i of `table` is on
  // line row_lines[i].
  std::vector<int64_t> row_lines;
};

[[nodiscard]] Result<CsvTable> ReadCsv(FileSystem& fs, const std::string& path,
                                       const CsvOptions& options = {});

}  // namespace oups::cli
