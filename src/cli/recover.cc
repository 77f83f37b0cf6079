// `oups recover DATASET`: rebuilds a lost metadata file from the row-group
// files' footers (RecoverMetadata, include/oups/dataset/recover.h).
#include <optional>

#include "cli/cli.h"
#include "cli/util.h"
#include "cli/values.h"
#include "oups/dataset/recover.h"

namespace oups::cli {
namespace {

constexpr const char* kRecoverUsage =
    "usage: oups recover DATASET [--ordered-on COLUMN] [--lock-timeout SECONDS]\n"
    "       [--json]\n"
    "\n"
    "Rebuilds the lost metadata file DATASET_opdmd of a dataset directory whose\n"
    "row-group files are sound (e.g. a directory moved or copied without its\n"
    "metadata file). Every file_<id>.parquet of DATASET must be a readable\n"
    "Parquet file of one row group, all with the same schema, each sorted on the\n"
    "ordered column; ordered by their first ordered value they must not overlap\n"
    "(the last value of one may equal the first of the next). A dataset whose\n"
    "schema evolved (write --schema-evolution) is recovered too: each newer file\n"
    "(higher id) must hold the columns of the older ones, in their order and of\n"
    "the same or a wider type, then the added ones; the newest file's schema is\n"
    "then the dataset's (older rows read with nulls and widened). The recovered\n"
    "metadata lists every file as one row group in that order, with its rows,\n"
    "first and last ordered values and CRC-32; the id high-water mark is the\n"
    "largest id; the files' key-value metadata (e.g. pandas) is kept. Not\n"
    "recovered (only the lost file held them): the dataset's own key-value\n"
    "metadata and the Python package's dtype details. Refused, naming the files,\n"
    "when a metadata file or a leftovers record exists, or a file fails a check.\n"
    "Takes the writer lock; the commit is atomic (temporary file, fsync, rename).\n"
    "\n"
    "  --ordered-on COLUMN      the ordered column (default: the column the\n"
    "                           files' sorting_columns name)\n"
    "  --lock-timeout SECONDS   wait at most this long for the writer lock\n"
    "  --json                   {\"dataset\", \"metadata_file\", \"ordered_on\",\n"
    "                           \"rows\", \"num_row_groups\", \"max_used_file_id\",\n"
    "                           \"files\", \"file_key_value_metadata\", \"ignored\",\n"
    "                           \"schema_evolution\"}\n"
    "\n"
    "exit status: 0 recovered, 1 refused or failed, 2 usage error\n";

json::Value Strings(const std::vector<std::string>& items) {
  json::Value list = json::Value::Array();
  for (const std::string& s : items) list.Push(json::Value::String(s));
  return list;
}

}  // namespace

int RunRecover(const std::vector<std::string>& args, Env& env) {
  int code = 0;
  auto parsed = ParseOrExit(env, "recover", args,
                            {{"--ordered-on", "", true}, {"--lock-timeout", "", true},
                             {"--json"}},
                            kRecoverUsage, &code);
  if (!parsed) return code;
  if (parsed->positional.size() != 1) {
    return UsageError(env, "recover",
                      parsed->positional.empty() ? "missing DATASET" : "one DATASET only",
                      kRecoverUsage);
  }
  const std::string path = parsed->positional[0];
  RecoverOptions options;
  options.ordered_on = parsed->Get("--ordered-on");
  if (options.ordered_on && options.ordered_on->empty()) {
    return UsageError(env, "recover", "--ordered-on needs a column name", kRecoverUsage);
  }
  auto timeout = ParseSeconds(parsed->Get("--lock-timeout"));
  if (!timeout.ok()) return UsageError(env, "recover", timeout.status().message(), kRecoverUsage);
  if (*timeout >= 0) options.lock_timeout = *timeout;
  auto report = RecoverMetadata(env.fs, path, options);
  if (!report.ok()) return Failure(env, "recover", report.status());
  if (parsed->Has("--json")) {
    json::Value doc = json::Value::Object();
    doc.Add("dataset", json::Value::String(path));
    doc.Add("metadata_file", json::Value::String(report->metadata_file));
    doc.Add("ordered_on", json::Value::String(report->ordered_on));
    doc.Add("rows", json::Value::Int(report->num_rows));
    doc.Add("num_row_groups", json::Value::Int(report->num_row_groups));
    doc.Add("max_used_file_id", json::Value::UInt(report->max_used_file_id));
    doc.Add("files", Strings(report->files));
    doc.Add("file_key_value_metadata", Strings(report->file_key_value_keys));
    doc.Add("ignored", Strings(report->ignored));
    doc.Add("schema_evolution", json::Value::Bool(report->schema_evolution));
    *env.out << json::Serialize(doc) << "\n";
    return kExitOk;
  }
  *env.out << "recovered " << path << ": wrote " << report->metadata_file << " listing "
           << report->num_rows << " row" << (report->num_rows == 1 ? "" : "s") << " in "
           << report->num_row_groups << " row group"
           << (report->num_row_groups == 1 ? "" : "s") << " from " << report->files.size()
           << " file" << (report->files.size() == 1 ? "" : "s") << ", ordered on '"
           << report->ordered_on << "', max_used_file_id " << report->max_used_file_id
           << "\n";
  for (const std::string& f : report->files) *env.out << "  " << f << "\n";
  if (report->schema_evolution) {
    *env.out << "the files' schemas differ (an evolved schema): the dataset's schema is the "
                "newest file's; older rows read with nulls for added columns and widened "
                "types\n";
  }
  if (!report->file_key_value_keys.empty()) {
    *env.out << "kept the files' key-value metadata:";
    for (const std::string& k : report->file_key_value_keys) *env.out << " " << k;
    *env.out << "\n";
  }
  for (const std::string& name : report->ignored) {
    *env.out << "ignored (not a row-group file): " << JoinPath(path, name) << "\n";
  }
  return kExitOk;
}

}  // namespace oups::cli
