// `oups cat|head|tail`: rows of one dataset over a range of the ordered
// column, read one row group at a time from one snapshot and printed in
// slices as they come (memory stays about one row group in every format).
#include <algorithm>
#include <cstdio>

#include "cli/cli.h"
#include "cli/history.h"
#include "cli/sinks.h"
#include "cli/util.h"
#include "cli/values.h"
#include "cli/where.h"
#include "oups/common/time_zone.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/table/builder.h"
#include "oups/table/format.h"
#include "oups/table/kernels.h"

namespace oups::cli {
namespace {

std::string ReadUsage(const std::string& command) {
  std::string u =
      "usage: oups " + command +
      " DATASET [--start X] [--end-excl Y] [--where 'COL OP VALUE']...\n"
      "       [--columns a,b] [-n N] [--format table|csv|json|jsonl|parquet] [--json]\n"
      "       [--output FILE] [--force] [--as-of V|TIME]\n\n";
  if (command == "cat") {
    u += "Prints the dataset's rows in order (all, or -n N first ones).\n";
  } else if (command == "head") {
    u += "Prints the first N rows (default 10).\n";
  } else {
    u += "Prints the last N rows (default 10), in order.\n";
  }
  u += std::string(
           "\n"
           "  --start X        only rows whose ordered value is >= X\n"
           "  --end-excl Y     only rows whose ordered value is < Y\n"
           "                   (X, Y in the ordered column's type: integer, number,\n"
           "                   'YYYY-MM-DD[ HH:MM:SS[.f]][Z|+HH:MM]', text)\n"
           "  --where 'COL OP VALUE'\n"
           "                   only rows where the condition holds; repeat for AND.\n"
           "                   OP: == (or =), !=, <, <=, >, >=, or 'in'/'not in' with a\n"
           "                   list: --where 'sym in [AAA, BBB]'. Quote a value with\n"
           "                   '...' to keep spaces or commas; unquoted null is null\n"
           "                   (never matched by a comparison; 'in [null]' matches it).\n"
           "                   Any column; row groups whose statistics exclude every\n"
           "                   match are skipped.\n"
           "  --columns a,b    these columns, in this order (default: all)\n"
           "  -n N             at most N rows\n"
           "  --format F       table (aligned text), csv, json (one JSON array of row\n"
           "                   objects), jsonl (one JSON object per line) or parquet\n"
           "                   (one file); default: table on a terminal, jsonl when\n"
           "                   the output is piped or redirected (cat, head and tail\n"
           "                   alike). The table aligns its columns on the first\n"
           "                   1,000 rows, then keeps their widths.\n"
           "                   Values print as 'oups parquet cat' prints them, except\n"
           "                   timestamps with a time zone: in their zone, with\n"
           "                   its offset, as pandas shows them\n"
           "                   ('2024-03-31 03:00:00+02:00')\n"
           "  --utc            timestamps with a time zone in UTC ('... +00')\n") +
       "  --json           the same as --format jsonl\n"
       "  --output FILE    with --format parquet: write FILE (default: stdout)\n"
       "  --force          with --format parquet: write to stdout even when it is a\n"
       "                   terminal (refused otherwise; a redirect or a pipe is fine)\n"
       + kAsOfHelp +
       "\n"
       "exit status: 0 ok, 1 missing dataset, unknown column, bad bound or bad\n"
       "--where, 2 usage error\n";
  return u;
}

struct Range {
  std::optional<Scalar> start, end_excl;
};

// Rows handed to the sink at a time: the first ones print soon after the
// first row group is read.
constexpr int64_t kPrintSliceRows = 16384;

// A timestamp column with a time zone as pandas shows it: the wall-clock
// reading in the zone, with the offset in force ("2024-03-31
// 03:00:00+02:00"); a string column.
Result<Column> InZone(const Column& col) {
  const DataType& type = col.type();
  OUPS_ASSIGN_OR_RETURN(auto zone, TimeZone::Load(type.timezone));
  int64_t per_second = 1;
  switch (type.unit) {
    case TimeUnit::kSecond: per_second = 1; break;
    case TimeUnit::kMilli: per_second = 1'000; break;
    case TimeUnit::kMicro: per_second = 1'000'000; break;
    case TimeUnit::kNano: per_second = 1'000'000'000; break;
  }
  ColumnBuilder b(DataType::String());
  OUPS_RETURN_NOT_OK(b.Reserve(col.length()));
  const int64_t* v = col.data<int64_t>();
  std::string text;
  for (int64_t i = 0; i < col.length(); ++i) {
    if (col.IsNull(i)) {
      OUPS_RETURN_NOT_OK(b.AppendNull());
      continue;
    }
    const int64_t seconds = v[i] >= 0 ? v[i] / per_second : -((-v[i] - 1) / per_second) - 1;
    const int64_t offset = zone->UtcOffsetSeconds(seconds);
    text.clear();
    AppendTimestamp(v[i] + offset * per_second, type.unit, /*adjusted_to_utc=*/false, &text);
    const int64_t a = offset < 0 ? -offset : offset;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", offset < 0 ? '-' : '+',
                  static_cast<long long>(a / 3600), static_cast<long long>(a / 60 % 60));
    text += buf;
    if (a % 60 != 0) {
      std::snprintf(buf, sizeof buf, ":%02lld", static_cast<long long>(a % 60));
      text += buf;
    }
    OUPS_RETURN_NOT_OK(b.Append(text));
  }
  return b.Finish();
}

// `t` with its zoned timestamp columns as InZone renders them (unless `utc`).
Result<Table> ForDisplay(const Table& t, bool utc) {
  if (utc) return t;
  bool any = false;
  for (const Field& f : t.schema().fields()) {
    any = any || (f.type.id == TypeId::kTimestamp && !f.type.timezone.empty());
  }
  if (!any) return t;
  std::vector<std::pair<Field, Column>> cols;
  for (int c = 0; c < t.num_columns(); ++c) {
    const Field& f = t.schema().field(c);
    if (f.type.id == TypeId::kTimestamp && !f.type.timezone.empty()) {
      OUPS_ASSIGN_OR_RETURN(Column z, InZone(t.column(c)));
      cols.emplace_back(Field{f.name, DataType::String(), f.nullable}, std::move(z));
    } else {
      cols.emplace_back(f, t.column(c));
    }
  }
  return MakeTable(std::move(cols));
}

// [lo, hi) of `ordered` inside the range.
Result<std::pair<int64_t, int64_t>> RowsInRange(const Column& ordered, const Range& r) {
  int64_t lo = 0, hi = ordered.length();
  if (r.start) {
    OUPS_ASSIGN_OR_RETURN(lo, LowerBound(ordered, *r.start));
  }
  if (r.end_excl) {
    OUPS_ASSIGN_OR_RETURN(hi, LowerBound(ordered, *r.end_excl));
  }
  return std::make_pair(lo, std::max(lo, hi));
}

Status ReadRows(const std::string& command, const std::string& path,
                const ParsedArgs& args, Env& env, RowSink& sink, bool display) {
  // Each table in slices, zoned timestamps rendered for display.
  const bool utc = !display || args.Has("--utc");
  auto emit = [&](const Table& t) -> Status {
    for (int64_t at = 0; at < t.num_rows(); at += kPrintSliceRows) {
      OUPS_ASSIGN_OR_RETURN(Table part,
                            ForDisplay(t.Slice(at, std::min(kPrintSliceRows, t.num_rows() - at)),
                                       utc));
      OUPS_RETURN_NOT_OK(sink.Write(part));
    }
    return Status::OK();
  };
  OUPS_RETURN_NOT_OK(LoadMetadata(*env.fs, path).status());
  OUPS_ASSIGN_OR_RETURN(OrderedDataset ds, OrderedDataset::Open(env.fs, path));
  std::optional<AsOf> as_of;
  if (auto a = args.Get("--as-of")) {
    OUPS_ASSIGN_OR_RETURN(as_of, ParseAsOf(*a));
  }
  OUPS_ASSIGN_OR_RETURN(DatasetSnapshot snap, as_of ? ds.Snapshot(*as_of) : ds.Snapshot());
  const Schema schema = snap.schema().value_or(Schema());
  const std::optional<std::string> ordered_on = snap.ordered_on();

  // Columns to print, and to read (the ordered column is needed for ranges).
  Columns columns;
  if (auto list = args.Get("--columns")) {
    columns = SplitList(*list);
    std::vector<std::string> missing;
    for (const std::string& c : columns) {
      if (schema.IndexOf(c) < 0) missing.push_back("'" + c + "'");
    }
    if (!missing.empty()) {
      std::string names;
      for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
      return Status::NotFound("dataset '" + path + "' has no column " + names);
    }
  } else {
    for (const Field& f : schema.fields()) columns.push_back(f.name);
  }
  std::vector<Field> out_fields;
  for (const std::string& c : columns)
    out_fields.push_back(schema.field(schema.IndexOf(c)));
  const Schema out_schema(out_fields);

  // --where terms, ANDed (one conjunction), checked against the schema.
  Filter filter;
  if (args.Has("--where")) {
    FilterConjunction conj;
    for (const std::string& w : args.GetAll("--where")) {
      OUPS_ASSIGN_OR_RETURN(FilterTerm term, ParseWhere(w, schema));
      conj.push_back(std::move(term));
    }
    filter.push_back(std::move(conj));
    OUPS_RETURN_NOT_OK(ValidateFilter(filter, schema));
  }

  int64_t limit = -1;
  if (auto n = args.Get("-n")) limit = *ParseInt64(*n);
  if (limit < 0 && command != "cat") limit = 10;

  const int64_t n_rgs = snap.num_row_groups();
  if (n_rgs == 0 || columns.empty()) return sink.Finish(out_schema);

  Range range;
  OUPS_ASSIGN_OR_RETURN(Table stats, snap.RowGroupStats());
  const Column& mins = stats.column(2);
  const Column& maxs = stats.column(3);
  for (const auto& [flag, bound] :
       {std::pair{"--start", &range.start}, std::pair{"--end-excl", &range.end_excl}}) {
    if (auto text = args.Get(flag)) {
      auto s = ParseScalar(*text, mins.type());
      if (!s.ok()) {
        return Status::InvalidArgument(std::string(flag) + " '" + *text +
                                       "' for column '" + *ordered_on +
                                       "': " + s.status().message());
      }
      *bound = std::move(*s);
    }
  }
  int64_t rg_begin = 0, rg_end = n_rgs;
  if (range.start) {
    OUPS_ASSIGN_OR_RETURN(rg_begin, LowerBound(maxs, *range.start));
  }
  if (range.end_excl) {
    OUPS_ASSIGN_OR_RETURN(rg_end, LowerBound(mins, *range.end_excl));
  }

  Columns read_columns = columns;
  const bool need_ordered =
      (range.start || range.end_excl) &&
      std::find(columns.begin(), columns.end(), *ordered_on) == columns.end();
  if (need_ordered) read_columns.push_back(*ordered_on);

  // One rg's rows in range, with the printed columns only.
  auto load = [&](int64_t i) -> Result<Table> {
    if (!filter.empty()) {
      // The core's filtered read of this rg (statistics pruning, selection).
      ReadOptions ro;
      ro.columns = columns;
      ro.start = range.start;
      ro.end_excl = range.end_excl;
      ro.filter = filter;
      ro.row_groups = std::vector<int64_t>{i};
      return snap.Read(ro);
    }
    OUPS_ASSIGN_OR_RETURN(Table t, snap.ReadRowGroup(i, read_columns));
    if (range.start || range.end_excl) {
      OUPS_ASSIGN_OR_RETURN(Column ord, t.GetColumn(*ordered_on));
      OUPS_ASSIGN_OR_RETURN(auto lohi, RowsInRange(ord, range));
      t = t.Slice(lohi.first, lohi.second - lohi.first);
    }
    if (need_ordered) {
      OUPS_ASSIGN_OR_RETURN(t, t.SelectColumns(columns));
    }
    return t;
  };

  if (command == "tail") {
    std::vector<Table> chunks;  // newest first
    int64_t rows = 0;
    for (int64_t i = rg_end - 1; i >= rg_begin && rows < limit; --i) {
      OUPS_ASSIGN_OR_RETURN(Table t, load(i));
      rows += t.num_rows();
      chunks.push_back(std::move(t));
    }
    for (auto it = chunks.rbegin(); it != chunks.rend(); ++it) {
      Table t = *it;
      if (rows > limit) {
        const int64_t drop = std::min(rows - limit, t.num_rows());
        t = t.Slice(drop, t.num_rows() - drop);
        rows -= drop;
      }
      if (t.num_rows() > 0) OUPS_RETURN_NOT_OK(emit(t));
    }
    return sink.Finish(out_schema);
  }
  int64_t remaining = limit;
  for (int64_t i = rg_begin; i < rg_end && remaining != 0; ++i) {
    OUPS_ASSIGN_OR_RETURN(Table t, load(i));
    if (remaining > 0 && t.num_rows() > remaining) t = t.Slice(0, remaining);
    if (remaining > 0) remaining -= t.num_rows();
    if (t.num_rows() > 0) OUPS_RETURN_NOT_OK(emit(t));
  }
  return sink.Finish(out_schema);
}

}  // namespace

int RunRead(const std::string& command, const std::vector<std::string>& args, Env& env) {
  const std::string usage = ReadUsage(command);
  int code = 0;
  auto parsed = ParseOrExit(env, command, args,
                            {{"--start", "", true}, {"--utc"},
                             {"--end-excl", "", true},
                             {"--where", "", true, true},
                             {"--columns", "", true},
                             {"-n", "--lines", true},
                             {"--format", "", true, false,
                              {"table", "csv", "json", "jsonl", "parquet"}},
                             {"--json"},
                             {"--output", "-o", true},
                             {"--force"},
                             {"--as-of", "", true}},
                            usage, &code);
  if (!parsed) return code;
  if (parsed->positional.size() != 1) {
    return UsageError(env, command,
                      parsed->positional.empty() ? "missing DATASET" : "one DATASET only",
                      usage);
  }
  if (auto n = parsed->Get("-n"); n && (!ParseInt64(*n) || *ParseInt64(*n) < 0)) {
    return UsageError(env, command, "-n needs a count >= 0, not '" + *n + "'", usage);
  }
  if (auto c = parsed->Get("--columns"); c && SplitList(*c).empty()) {
    return UsageError(env, command, "--columns needs at least one column name", usage);
  }
  if (auto a = parsed->Get("--as-of")) {
    if (auto v = ParseAsOf(*a); !v.ok()) return UsageError(env, command, v.status().message(), usage);
  }
  // One default for cat, head and tail: a table for people, JSON lines for
  // programs.
  std::string format = env.out_is_terminal ? "table" : "jsonl";
  if (parsed->Has("--json")) {
    if (parsed->Has("--format") && *parsed->Get("--format") != "jsonl") {
      return UsageError(env, command,
                        "--json and --format " + *parsed->Get("--format") + " disagree",
                        usage);
    }
    format = "jsonl";
  }
  if (auto f = parsed->Get("--format")) format = *f;
  // Binary Parquet would garble a terminal: redirect, --output or --force.
  if (format == "parquet" && !parsed->Has("--output") && env.out_is_terminal &&
      !parsed->Has("--force")) {
    *env.err << "oups " << command
             << ": refusing to write binary Parquet to a terminal; redirect stdout (> "
                "FILE.parquet), give --output FILE, or --force\n";
    return kExitUsage;
  }
  auto sink = MakeRowSink(format, *env.out, *env.fs, parsed->Get("--output"));
  if (!sink.ok()) return UsageError(env, command, sink.status().message(), usage);
  Status st = ReadRows(command, parsed->positional[0], *parsed, env, **sink,
                       /*display=*/format != "parquet");
  if (!st.ok()) return Failure(env, command, st);
  return kExitOk;
}

}  // namespace oups::cli
