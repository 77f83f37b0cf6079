// `oups parquet cat|meta FILE`: the Parquet engine's printer on one file.
#include "cli/cli.h"
#include "cli/sinks.h"
#include "cli/util.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/printer.h"

namespace oups::cli {
namespace {

constexpr const char* kParquetUsage =
    "usage: oups parquet cat FILE [--columns a,b] [--format jsonl|json|csv|table]\n"
    "                             [--json]\n"
    "       oups parquet meta FILE [--json]\n"
    "\n"
    "  cat   print the rows (JSON lines by default, values rendered as DuckDB\n"
    "        renders them in JSON), one row group at a time\n"
    "  meta  print the schema, row groups, column chunks with statistics and the\n"
    "        key-value metadata as JSON\n"
    "\n"
    "exit status: 0 ok, 1 unreadable file or unknown column, 2 usage error\n";

// Reader errors already name the file; add it only when they do not.
int FileFailure(Env& env, const std::string& path, const Status& st) {
  const bool named = st.message().find(path) != std::string::npos;
  return Failure(env, "parquet", named ? st : st.WithContext(path));
}

}  // namespace

int RunParquet(const std::vector<std::string>& args, Env& env) {
  int code = 0;
  auto parsed = ParseOrExit(env, "parquet", args,
                            {{"--columns", "", true},
                             {"--format", "", true, false, {"jsonl", "json", "csv", "table"}},
                             {"--json"}},
                            kParquetUsage, &code);
  if (!parsed) return code;
  auto usage = [&](const std::string& problem) {
    return UsageError(env, "parquet", problem, kParquetUsage);
  };
  if (parsed->positional.empty()) return usage("missing command (cat or meta)");
  const std::string command = parsed->positional[0];
  if (command != "cat" && command != "meta") {
    return usage("unknown command '" + command + "' (cat or meta)");
  }
  if (parsed->positional.size() != 2) {
    return usage(parsed->positional.size() < 2 ? "missing FILE" : "one FILE only");
  }
  const std::string path = parsed->positional[1];
  if (command == "meta" && (parsed->Has("--columns") || parsed->Has("--format"))) {
    return usage("meta takes no --columns or --format");
  }
  std::vector<std::string> columns;
  if (auto c = parsed->Get("--columns")) {
    columns = SplitList(*c);
    if (columns.empty()) return usage("--columns needs at least one column name");
  }
  std::string format = parsed->Get("--format").value_or("jsonl");
  if (parsed->Has("--json") && format != "jsonl") {
    return usage("--json and --format " + format + " disagree");
  }
  if (format != "jsonl" && format != "json" && format != "csv" && format != "table") {
    return usage("unknown format '" + format + "' (jsonl, json, csv or table)");
  }

  auto reader = parquet::FileReader::Open(*env.fs, path);
  if (!reader.ok()) return FileFailure(env, path, reader.status());
  if (command == "meta") {
    Status st = parquet::PrintMetadataJson((*reader)->metadata(), *env.out);
    return st.ok() ? kExitOk : FileFailure(env, path, st);
  }
  // The projected schema (also checks the columns when there is no row group).
  Schema schema = (*reader)->metadata().schema();
  if (!columns.empty()) {
    std::vector<Field> fields;
    for (const std::string& c : columns) {
      const int i = schema.IndexOf(c);
      if (i < 0) {
        return FileFailure(env, path, Status::NotFound(path + ": no column '" + c + "'"));
      }
      fields.push_back(schema.field(i));
    }
    schema = Schema(fields);
  }
  auto sink = MakeRowSink(format, *env.out, *env.fs, std::nullopt);
  if (!sink.ok()) return usage(sink.status().message());
  for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
    auto table = (*reader)->ReadRowGroup(g, columns);
    if (!table.ok()) return FileFailure(env, path, table.status());
    Status st = (*sink)->Write(*table);
    if (!st.ok()) return FileFailure(env, path, st);
  }
  Status st = (*sink)->Finish(schema);
  return st.ok() ? kExitOk : FileFailure(env, path, st);
}

}  // namespace oups::cli
