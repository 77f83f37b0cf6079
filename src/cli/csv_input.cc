#include "cli/csv_input.h"

#include <csv.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>

#include "cli/args.h"
#include "cli/values.h"
#include "oups/table/builder.h"

namespace oups::cli {
namespace {

constexpr int64_t kChunkBytes = 1 << 20;

// Raw text of one column: every field's bytes end to end.
struct RawColumn {
  std::string bytes;
  std::vector<int64_t> ends;  // end offset of each field in `bytes`
  std::vector<uint8_t> kind;  // 0 null (empty unquoted), 1 value, 2 quoted empty
  std::string_view Field(size_t i) const {
    const int64_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(bytes).substr(static_cast<size_t>(begin),
                                          static_cast<size_t>(ends[i] - begin));
  }
};

struct ParseState {
  std::string path;
  int64_t line = 1;               // physical line being fed to the parser
  int64_t record_start_line = 0;  // line where the current record starts
  bool record_open = false;       // a record has started and not ended
  bool in_record = false;         // a field of the current record was seen
  bool header_done = false;
  bool headerless = false;  // names given, not read
  std::vector<std::string> names;
  std::optional<std::string> null_text;
  std::vector<RawColumn> columns;
  std::vector<int64_t> row_lines;
  size_t field_index = 0;
  Status error;
};

void OnField(void* data, size_t len, void* state_ptr) {
  auto* st = static_cast<ParseState*>(state_ptr);
  if (!st->error.ok()) return;
  if (!st->in_record) {
    st->in_record = true;
    st->field_index = 0;
  }
  const size_t i = st->field_index++;
  if (!st->header_done) {
    st->names.emplace_back(data == nullptr ? ""
                                           : std::string(static_cast<char*>(data), len));
    return;
  }
  if (i >= st->columns.size()) {
    // Reported at the end of the record with the field count.
    return;
  }
  RawColumn& col = st->columns[i];
  const bool null_text =
      data != nullptr && st->null_text &&
      std::string_view(static_cast<char*>(data), len) == *st->null_text;
  if (data == nullptr || null_text) {
    col.kind.push_back(0);
  } else {
    col.bytes.append(static_cast<char*>(data), len);
    col.kind.push_back(len == 0 ? 2 : 1);
  }
  col.ends.push_back(static_cast<int64_t>(col.bytes.size()));
}

void OnRecordEnd(int, void* state_ptr) {
  auto* st = static_cast<ParseState*>(state_ptr);
  if (!st->error.ok()) return;
  if (!st->in_record) {
    // A record with no field at all cannot happen with libcsv (blank lines
    // are skipped); nothing to do.
    return;
  }
  st->in_record = false;
  st->record_open = false;
  const std::string where = st->path + ":" + std::to_string(st->record_start_line);
  if (!st->header_done) {
    // With --no-header the names are set before parsing and header_done is
    // true from the start.
    std::set<std::string> seen;
    for (size_t c = 0; c < st->names.size(); ++c) {
      const std::string& n = st->names[c];
      if (n.empty()) {
        st->error = Status::InvalidArgument(where + ": column " + std::to_string(c + 1) +
                                            " of the header has no name");
        return;
      }
      if (!seen.insert(n).second) {
        st->error = Status::InvalidArgument(where + ": column " + std::to_string(c + 1) +
                                            ": duplicate column name '" + n + "'");
        return;
      }
    }
    st->header_done = true;
    st->columns.resize(st->names.size());
    return;
  }
  if (st->field_index != st->names.size()) {
    st->error = Status::InvalidArgument(
        where + ": expected " + std::to_string(st->names.size()) + " fields (as the " +
        (st->headerless ? "column names given" : "header") + "), found " +
        std::to_string(st->field_index));
    return;
  }
  st->row_lines.push_back(st->record_start_line);
}

int NoSpace(unsigned char) { return 0; }

// "true" or "false" in any case (not 1/0, t/f or yes/no: those stay integers
// or text unless the column is given as bool).
bool IsBoolWord(std::string_view f) {
  auto lower_equal = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  };
  auto equal = [&](std::string_view word) {
    return f.size() == word.size() && std::equal(f.begin(), f.end(), word.begin(), lower_equal);
  };
  return equal("true") || equal("false");
}

// Whether the integer `text` (IsIntegerText) is exactly a float64 value.
bool IntegerExactInFloat64(std::string_view text) {
  // The sign does not change exactness.
  std::string digits(text);
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.erase(0, 1);
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return true;  // zero
  digits.erase(0, first);
  const double d = std::strtod(digits.c_str(), nullptr);
  if (std::isinf(d)) return false;
  // glibc prints the exact decimal value of a double.
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.0f", d);
  return digits == buf;
}

// Where a value of a column is, for inference errors: "in.csv:7: column 3 'qty'".
struct ColumnPlace {
  const std::string& path;
  const std::vector<int64_t>& row_lines;
  size_t index;
  const std::string& name;
  std::string At(size_t row) const {
    return path + ":" + std::to_string(row_lines[row]) + ": column " +
           std::to_string(index + 1) + " '" + name + "'";
  }
  std::string Line(size_t row) const { return "line " + std::to_string(row_lines[row]); }
};

// Inferred type of a column over all its non-null values. Integers never lose
// precision silently: a column of integers is int64, or uint64 when some exceed
// int64 and none is negative; integers that no such type holds, or that float64
// cannot hold exactly in a column that also has non-integer numbers, are an
// error that names the value and suggests --types.
Result<DataType> InferType(const RawColumn& col, const ColumnPlace& place) {
  bool can_bool = true, can_int = true, can_float = true, can_ts = true, can_date = true;
  bool any_value = false, any_time = false, any_offset = false, any_naive = false;
  // First row of each kind of integer (SIZE_MAX: none).
  constexpr size_t kNone = SIZE_MAX;
  size_t negative_row = kNone;     // fits int64 only
  size_t above_int64_row = kNone;  // fits uint64 only
  size_t too_big_row = kNone;      // fits neither
  size_t inexact_row = kNone;      // not exactly a float64
  size_t non_integer_row = kNone;  // a float64 that is not integer text
  for (size_t i = 0; i < col.kind.size(); ++i) {
    if (col.kind[i] != 1) continue;
    any_value = true;
    const std::string_view f = col.Field(i);
    if (can_bool) can_bool = IsBoolWord(f);
    const bool is_integer = IsIntegerText(f);
    if (is_integer) {
      if (auto v = ParseInt64(f)) {
        if (*v < 0 && negative_row == kNone) negative_row = i;
      } else if (ParseUInt64(f)) {
        if (above_int64_row == kNone) above_int64_row = i;
      } else if (too_big_row == kNone) {
        too_big_row = i;
      }
      if (inexact_row == kNone && !IntegerExactInFloat64(f)) inexact_row = i;
    } else {
      can_int = false;
      if (can_float && !IsFloat64Text(f)) can_float = false;
      if (can_float && non_integer_row == kNone) non_integer_row = i;
    }
    // Every value is checked against every candidate still open (an early
    // integer must not let a later date through).
    if (can_ts || can_date) {
      auto dt = ParseIsoDateTime(f);
      if (!dt) {
        can_ts = can_date = false;
      } else {
        if (dt->has_time) {
          any_time = true;
          can_date = false;
        }
        (dt->offset_seconds ? any_offset : any_naive) = true;
      }
    }
    if (!can_bool && !can_int && !can_float && !can_ts && !can_date) break;
  }
  if (!any_value) return DataType::String();
  if (can_bool) return DataType::Bool();
  const std::string hint = "; give --types " + place.name + "=float64 (rounded) or " +
                           place.name + "=string";
  if (can_int) {
    if (too_big_row != kNone) {
      return Status::InvalidArgument(place.At(too_big_row) + ": integer '" +
                                     std::string(col.Field(too_big_row)) +
                                     "' does not fit in int64 or uint64" + hint);
    }
    if (above_int64_row == kNone) return DataType::Int64();
    if (negative_row == kNone) return DataType::UInt64();
    return Status::InvalidArgument(
        place.At(above_int64_row) + ": integer '" +
        std::string(col.Field(above_int64_row)) + "' needs uint64, but '" +
        std::string(col.Field(negative_row)) + "' on " + place.Line(negative_row) +
        " is negative: no integer type holds both" + hint);
  }
  if (can_float) {
    if (inexact_row != kNone) {
      return Status::InvalidArgument(
          place.At(inexact_row) + ": integer '" + std::string(col.Field(inexact_row)) +
          "' cannot be stored exactly as float64, the type that the non-integer '" +
          std::string(col.Field(non_integer_row)) + "' on " +
          place.Line(non_integer_row) + " needs" + hint);
    }
    return DataType::Float64();
  }
  if (can_date && !any_time) return DataType::Date32();
  if (can_ts && !(any_offset && any_naive)) {
    return DataType::Timestamp(TimeUnit::kNano, any_offset ? "UTC" : "");
  }
  return DataType::String();
}

}  // namespace

Result<CsvTable> ReadCsv(FileSystem& fs, const std::string& path,
                         const CsvOptions& options) {
  OUPS_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  OUPS_ASSIGN_OR_RETURN(const int64_t size, file->Size());

  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0) {
    return Status::Internal("csv_init failed");
  }
  std::unique_ptr<csv_parser, void (*)(csv_parser*)> guard(&parser, csv_free);
  csv_set_space_func(&parser, NoSpace);
  csv_set_delim(&parser, static_cast<unsigned char>(options.delimiter));

  ParseState st;
  st.path = path;
  st.null_text = options.null_text;
  if (!options.header) {
    if (options.column_names.empty()) {
      return Status::InvalidArgument(path + ": no header line and no column names given");
    }
    std::set<std::string> seen;
    for (const std::string& n : options.column_names) {
      if (n.empty() || !seen.insert(n).second) {
        return Status::InvalidArgument(path + ": column names given: '" + n + "' is " +
                                       (n.empty() ? "empty" : "given twice"));
      }
    }
    st.names = options.column_names;
    st.header_done = true;
    st.headerless = true;
    st.columns.resize(st.names.size());
  }
  std::string chunk;
  for (int64_t offset = 0; offset < size && st.error.ok();) {
    const int64_t n = std::min(kChunkBytes, size - offset);
    chunk.resize(static_cast<size_t>(n));
    OUPS_RETURN_NOT_OK(file->ReadAt(offset, n, reinterpret_cast<uint8_t*>(chunk.data())));
    // A UTF-8 byte order mark (as spreadsheet programs write) is not part of
    // the first column's name.
    size_t pos = offset == 0 && chunk.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    offset += n;
    // Feed one physical line at a time so that callbacks know their line.
    while (pos < chunk.size() && st.error.ok()) {
      size_t nl = chunk.find('\n', pos);
      const size_t end = nl == std::string::npos ? chunk.size() : nl + 1;
      const size_t len = end - pos;
      // libcsv skips blank lines; any other line outside a record starts one.
      const std::string_view segment(chunk.data() + pos, len);
      if (!st.record_open && segment != "\n" && segment != "\r\n") {
        st.record_open = true;
        st.record_start_line = st.line;
      }
      if (csv_parse(&parser, chunk.data() + pos, len, OnField, OnRecordEnd, &st) != len) {
        return Status::InvalidArgument(path + ":" + std::to_string(st.line) +
                                       ": malformed CSV (" +
                                       csv_strerror(csv_error(&parser)) + ")");
      }
      if (nl != std::string::npos) ++st.line;
      pos = end;
    }
    if (options.progress) {
      options.progress(static_cast<int64_t>(st.row_lines.size()), offset, size);
    }
  }
  if (st.error.ok() && csv_fini(&parser, OnField, OnRecordEnd, &st) != 0) {
    return Status::InvalidArgument(path + ":" + std::to_string(st.line) +
                                   ": malformed CSV (" +
                                   csv_strerror(csv_error(&parser)) + ")");
  }
  OUPS_RETURN_NOT_OK(st.error);
  if (!st.header_done) {
    return Status::InvalidArgument(path +
                                   ":1: no header line (expected the column names)");
  }
  for (const auto& [name, type] : options.types) {
    if (std::find(st.names.begin(), st.names.end(), name) == st.names.end()) {
      return Status::InvalidArgument(path + ": --types names column '" + name +
                                     "', which is not in the header");
    }
  }

  std::vector<std::pair<Field, Column>> columns;
  const size_t n_rows = st.row_lines.size();
  for (size_t c = 0; c < st.names.size(); ++c) {
    const RawColumn& raw = st.columns[c];
    auto given = options.types.find(st.names[c]);
    auto stored = options.default_types.find(st.names[c]);
    DataType type;
    if (given != options.types.end()) {
      type = given->second;
    } else if (stored != options.default_types.end()) {
      type = stored->second;
    } else {
      OUPS_ASSIGN_OR_RETURN(type, InferType(raw, ColumnPlace{path, st.row_lines, c,
                                                             st.names[c]}));
    }
    ColumnBuilder builder(type);
    OUPS_RETURN_NOT_OK(builder.Reserve(static_cast<int64_t>(n_rows)));
    if (type.is_var_length()) {
      OUPS_RETURN_NOT_OK(builder.ReserveBytes(static_cast<int64_t>(raw.bytes.size())));
    }
    for (size_t r = 0; r < n_rows; ++r) {
      const bool is_null =
          raw.kind[r] == 0 || (raw.kind[r] == 2 && !type.is_var_length());
      Status s = is_null ? builder.AppendNull() : AppendText(builder, raw.Field(r));
      if (!s.ok()) {
        return Status(s.code(), path + ":" + std::to_string(st.row_lines[r]) +
                                    ": column " + std::to_string(c + 1) + " '" +
                                    st.names[c] + "': " + s.message());
      }
    }
    OUPS_ASSIGN_OR_RETURN(Column col, builder.Finish());
    columns.emplace_back(Field{st.names[c], type, true}, std::move(col));
  }
  CsvTable out;
  OUPS_ASSIGN_OR_RETURN(out.table, MakeTable(std::move(columns)));
  out.row_lines = std::move(st.row_lines);
  return out;
}

}  // namespace oups::cli
