// `oups ls` and `oups info`: what a store holds, read from metadata files
// only (nothing is written, no lock or reader registration is taken).
#include <chrono>

#include "cli/cli.h"
#include "cli/util.h"

namespace oups::cli {
namespace {

constexpr const char* kLsUsage =
    "usage: oups ls PATH [--bytes] [--json]\n"
    "\n"
    "Lists every dataset under PATH (a store directory, at any depth, or one\n"
    "dataset), found by its metadata file '<name>_opdmd': rows, row groups,\n"
    "ordered column and its range (first and last value), size on disk\n"
    "(metadata file + dataset directory). A dataset is named by its path\n"
    "below PATH, and PATH itself when it is a dataset. PATH may be a directory\n"
    "inside a store (STORE/PREFIX: every sub-level of one top-level value):\n"
    "only it is walked. Datasets are printed in sorted order as they are found\n"
    "(the table is aligned on its first 100 rows), so a large store shows its\n"
    "first lines at once.\n"
    "\n"
    "  --bytes  sizes as exact byte counts (default: 1.8 KiB, 24 MiB, ...)\n"
    "  --json   one JSON document: {\"path\", \"datasets\": [{\"path\", \"rows\",\n"
    "           \"num_row_groups\", \"ordered_on\", \"min\", \"max\", \"bytes\"}],\n"
    "           \"skipped\": [{\"path\", \"reason\", \"error\"}]} (\"error\"\n"
    "           instead of the figures for an unreadable dataset)\n"
    "\n"
    "The listing goes on past bad entries, each reported on stderr (and in\n"
    "--json): an unreadable dataset (metadata file or directory) gets an error\n"
    "entry; a directory that cannot be listed, or an entry that cannot be\n"
    "examined (a symbolic link to itself), is skipped with an error; a\n"
    "symbolic link that leads back to a directory above it is not followed\n"
    "(a note, not an error: nothing is missed).\n"
    "\n"
    "exit status: 0 ok, 1 an unreadable store, dataset or directory (the same\n"
    "with or without --json), 2 usage error\n";

constexpr const char* kInfoUsage =
    "usage: oups info DATASET [--bytes] [--json]\n"
    "\n"
    "Prints a dataset's ordered column, schema, key-value metadata and its\n"
    "row-group table (file, rows, min, max, size), in row order.\n"
    "\n"
    "  --bytes  sizes as exact byte counts (default: 1.8 KiB, 24 MiB, ...)\n"
    "  --json   one JSON document: {\"path\", \"ordered_on\", \"rows\",\n"
    "           \"num_row_groups\", \"bytes\", \"schema\": [{\"name\", \"type\",\n"
    "           \"nullable\"}] | null, \"key_value_metadata\": {...},\n"
    "           \"row_groups\": [{\"file\", \"file_id\", \"rows\", \"min\", \"max\",\n"
    "           \"bytes\"}]}\n"
    "\n"
    "exit status: 0 ok, 1 missing or unreadable dataset, 2 usage error\n";

json::Value OptString(const std::optional<std::string>& s) {
  return s ? json::Value::String(*s) : json::Value::Null();
}

// Bytes of the metadata file and of every file in the dataset directory.
int64_t DatasetBytes(FileSystem& fs, const DatasetDescription& md) {
  int64_t total = FileSize(fs, md.metadata_file).value_or(0);
  auto entries = fs.ListDir(md.path);
  if (entries.ok()) {
    for (const FileInfo& e : *entries) {
      if (!e.is_dir) total += e.size;
    }
  }
  return total;
}

struct Summary {
  json::Value json;
  std::vector<std::string> cells;
};

// A size in a text table: exact bytes (--bytes) or for people.
std::string SizeText(int64_t bytes, bool exact) {
  return exact ? std::to_string(bytes) : HumanSize(bytes);
}

Result<Summary> Summarize(FileSystem& fs, const std::string& path,
                          const std::string& shown, bool exact) {
  OUPS_ASSIGN_OR_RETURN(DatasetDescription md, LoadMetadata(fs, path));
  // The row-group files must be reachable (a directory without x permission).
  if (auto entries = fs.ListDir(md.path);
      !entries.ok() && !entries.status().IsNotFound()) {
    return entries.status();
  }
  json::Value min, max;
  if (md.num_row_groups() > 0) {
    OUPS_ASSIGN_OR_RETURN(min, CellJson(md.mins, 0));
    OUPS_ASSIGN_OR_RETURN(max, CellJson(md.maxs, md.num_row_groups() - 1));
  }
  const int64_t bytes = DatasetBytes(fs, md);
  Summary s;
  s.json = json::Value::Object();
  s.json.Add("path", json::Value::String(shown));
  s.json.Add("rows", json::Value::Int(md.total_rows()));
  s.json.Add("num_row_groups", json::Value::Int(md.num_row_groups()));
  s.json.Add("ordered_on", OptString(md.ordered_on));
  s.json.Add("min", min);
  s.json.Add("max", max);
  s.json.Add("bytes", json::Value::Int(bytes));
  const bool empty = md.num_row_groups() == 0;
  s.cells = {shown,
             std::to_string(md.total_rows()),
             std::to_string(md.num_row_groups()),
             md.ordered_on.value_or("-"),
             empty ? "-" : CellText(min),
             empty ? "-" : CellText(max),
             SizeText(bytes, exact)};
  return s;
}

}  // namespace

int RunLs(const std::vector<std::string>& args, Env& env) {
  int code = 0;
  auto parsed = ParseOrExit(env, "ls", args, {{"--json"}, {"--bytes"}}, kLsUsage, &code);
  if (!parsed) return code;
  if (parsed->positional.size() != 1) {
    return UsageError(env, "ls",
                      parsed->positional.empty() ? "missing PATH" : "one PATH only",
                      kLsUsage);
  }
  const std::string root = parsed->positional[0];
  const bool exact = parsed->Has("--bytes");
  const bool as_json = parsed->Has("--json");
  // Streamed (a store of 100,000 datasets prints its first line at once):
  // each dataset is summarised and printed as the walk reaches it, in sorted
  // order. The text table takes its column widths from its first kWidthRows
  // rows; later rows use them (a wider cell shifts the rest of its line).
  constexpr size_t kWidthRows = 100;
  constexpr double kFlushSeconds = 0.2;  // --json: flushed often at first
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  TextTable table;
  table.header = {"dataset", "rows",  "row_groups",           "ordered_on",
                  "min",     "max",   exact ? "bytes" : "size"};
  table.right_align = {false, true, true, false, false, false, true};
  std::vector<size_t> widths;  // empty until measured and the header printed
  int64_t n_datasets = 0;
  int exit_code = kExitOk;
  json::Value skipped = json::Value::Array();
  auto print_rows = [&](bool final_rows) {
    if (widths.empty() && !final_rows && table.rows.size() < kWidthRows) {
      return;  // still measuring
    }
    if (table.rows.empty()) return;
    const bool header = widths.empty();
    PrintTextTableRows(table, &widths, header, *env.out);
    table.rows.clear();
    env.out->flush();
  };
  auto on_dataset = [&](const std::string& path) -> Status {
    // Datasets below PATH by their path below it; PATH itself by PATH.
    const std::string rel = RelativeTo(path, root);
    const std::string shown = rel == "." ? path : rel;
    auto summary = Summarize(*env.fs, path, shown, exact);
    json::Value entry;
    std::vector<std::string> cells;
    if (!summary.ok()) {
      *env.err << "oups ls: " << summary.status().ToString() << "\n";
      exit_code = kExitFailure;
      entry = json::Value::Object();
      entry.Add("path", json::Value::String(shown));
      entry.Add("error", json::Value::String(summary.status().ToString()));
      cells = {shown, "?", "?", "?", "?", "?", "?"};
    } else {
      entry = std::move(summary->json);
      cells = std::move(summary->cells);
    }
    if (as_json) {
      // The document of --json, written as it grows.
      if (n_datasets == 0) {
        *env.out << "{\"path\":" << json::Serialize(json::Value::String(root))
                 << ",\"datasets\":[";
      } else {
        *env.out << ",";
      }
      *env.out << json::Serialize(entry);
      if (elapsed() < kFlushSeconds || n_datasets % 64 == 0) env.out->flush();
    } else {
      table.rows.push_back(std::move(cells));
      print_rows(false);
    }
    ++n_datasets;
    return Status::OK();
  };
  auto on_skipped = [&](const SkippedEntry& e) {
    *env.err << "oups ls: " << e.path << ": " << e.reason << "\n";
    if (e.error) exit_code = kExitFailure;
    json::Value entry = json::Value::Object();
    entry.Add("path", json::Value::String(RelativeTo(e.path, root)));
    entry.Add("reason", json::Value::String(e.reason));
    entry.Add("error", json::Value::Bool(e.error));
    skipped.Push(std::move(entry));
  };
  Status walked = ForEachDataset(*env.fs, root, on_dataset, on_skipped);
  if (!walked.ok() && n_datasets == 0) return Failure(env, "ls", walked);
  if (as_json) {
    if (n_datasets == 0) {
      *env.out << "{\"path\":" << json::Serialize(json::Value::String(root))
               << ",\"datasets\":[";
    }
    *env.out << "],\"skipped\":" << json::Serialize(skipped) << "}\n";
  } else if (n_datasets == 0) {
    *env.out << "no dataset under '" << root << "'\n";
  } else {
    print_rows(true);
  }
  // The walk stopped on an error after some datasets were printed.
  if (!walked.ok()) return Failure(env, "ls", walked);
  return exit_code;
}

int RunInfo(const std::vector<std::string>& args, Env& env) {
  int code = 0;
  auto parsed =
      ParseOrExit(env, "info", args, {{"--json"}, {"--bytes"}}, kInfoUsage, &code);
  if (!parsed) return code;
  if (parsed->positional.size() != 1) {
    return UsageError(env, "info",
                      parsed->positional.empty() ? "missing DATASET" : "one DATASET only",
                      kInfoUsage);
  }
  const std::string path = parsed->positional[0];
  auto md = LoadMetadata(*env.fs, path);
  if (!md.ok()) return Failure(env, "info", md.status());

  json::Value schema = json::Value::Null();
  TextTable schema_table;
  schema_table.header = {"column", "type", "nullable"};
  if (md->schema) {
    schema = json::Value::Array();
    for (const Field& f : md->schema->fields()) {
      json::Value field = json::Value::Object();
      field.Add("name", json::Value::String(f.name));
      field.Add("type", json::Value::String(f.type.ToString()));
      field.Add("nullable", json::Value::Bool(f.nullable));
      schema.Push(std::move(field));
      schema_table.rows.push_back({f.name, f.type.ToString(), f.nullable ? "yes" : "no"});
    }
  }
  json::Value kv = json::Value::Object();
  TextTable kv_table;
  kv_table.header = {"key", "value"};
  for (const auto& [k, v] : md->key_value_metadata) {
    kv.Add(k, json::Value::String(v));
    kv_table.rows.push_back({k, v});
  }
  json::Value rgs = json::Value::Array();
  TextTable rg_table;
  const bool exact = parsed->Has("--bytes");
  rg_table.header = {"file", "rows", "min", "max", exact ? "bytes" : "size"};
  rg_table.right_align = {false, true, false, false, true};
  int64_t bytes_total = FileSize(*env.fs, md->metadata_file).value_or(0);
  for (int64_t i = 0; i < md->num_row_groups(); ++i) {
    const uint64_t id = md->file_ids[static_cast<size_t>(i)];
    const std::string file = md->RowGroupFileName(i);
    const std::optional<int64_t> size = FileSize(*env.fs, md->RowGroupFile(i));
    bytes_total += size.value_or(0);
    auto min = CellJson(md->mins, i);
    auto max = CellJson(md->maxs, i);
    if (!min.ok()) return Failure(env, "info", min.status());
    if (!max.ok()) return Failure(env, "info", max.status());
    json::Value rg = json::Value::Object();
    rg.Add("file", json::Value::String(file));
    rg.Add("file_id", json::Value::UInt(id));
    rg.Add("rows", json::Value::UInt(md->n_rows[static_cast<size_t>(i)]));
    rg.Add("min", *min);
    rg.Add("max", *max);
    rg.Add("bytes", size ? json::Value::Int(*size) : json::Value::Null());
    rgs.Push(std::move(rg));
    rg_table.rows.push_back({file, std::to_string(md->n_rows[static_cast<size_t>(i)]),
                             CellText(*min), CellText(*max),
                             size ? SizeText(*size, exact) : "missing"});
  }
  if (parsed->Has("--json")) {
    json::Value doc = json::Value::Object();
    doc.Add("path", json::Value::String(path));
    doc.Add("ordered_on", OptString(md->ordered_on));
    doc.Add("rows", json::Value::Int(md->total_rows()));
    doc.Add("num_row_groups", json::Value::Int(md->num_row_groups()));
    doc.Add("bytes", json::Value::Int(bytes_total));
    doc.Add("schema", std::move(schema));
    doc.Add("key_value_metadata", std::move(kv));
    doc.Add("row_groups", std::move(rgs));
    *env.out << json::Serialize(doc) << "\n";
    return kExitOk;
  }
  std::ostream& out = *env.out;
  out << "dataset     " << path << "\n"
      << "ordered_on  " << md->ordered_on.value_or("-") << "\n"
      << "rows        " << md->total_rows() << "\n"
      << "row groups  " << md->num_row_groups() << "\n"
      << (exact ? "bytes       " : "size        ") << SizeText(bytes_total, exact) << "\n"
      << "\nschema:\n";
  if (md->schema) {
    PrintTextTable(schema_table, out);
  } else {
    out << "(none yet: no table written)\n";
  }
  out << "\nkey-value metadata:\n";
  if (kv_table.rows.empty()) {
    out << "(none)\n";
  } else {
    PrintTextTable(kv_table, out);
  }
  out << "\nrow groups:\n";
  if (rg_table.rows.empty()) {
    out << "(none)\n";
  } else {
    PrintTextTable(rg_table, out);
  }
  return kExitOk;
}

}  // namespace oups::cli
