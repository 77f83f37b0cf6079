// `oups log DATASET` (the kept versions) and `oups vacuum DATASET` (apply the
// retention completely), and the parsing of `--as-of`.
#include "cli/history.h"

#include <cstdint>
#include <exception>
#include <optional>

#include "cli/cli.h"
#include "cli/util.h"
#include "cli/values.h"
#include "oups/common/json.h"
#include "oups/dataset/ordered_dataset.h"

namespace oups::cli {
namespace {

constexpr const char* kLogUsage =
    "usage: oups log DATASET [--json]\n"
    "\n"
    "Lists the versions of the dataset that can still be read, oldest first: one\n"
    "line per commit (write, metadata, compaction, staged_write, restore) with its\n"
    "time (UTC), the net change of rows, the row groups written and dropped, the\n"
    "rows and row groups of the version and the key-value changes. How many are\n"
    "kept is the dataset's retention (keep_versions / keep_for of a write; by\n"
    "default the latest only). Read a kept version with --as-of of cat/head/tail.\n"
    "\n"
    "  --json   one JSON object per version and line: {\"version\", \"kind\",\n"
    "           \"committed_at\", \"rows_added\", \"rows_removed\", \"rows_written\",\n"
    "           \"row_groups_written\", \"row_groups_dropped\", \"num_rows\",\n"
    "           \"num_row_groups\", \"kv_changes\", \"restored_from\"}\n"
    "\n"
    "exit status: 0 ok, 1 missing or unreadable dataset, 2 usage error\n";

constexpr const char* kVacuumUsage =
    "usage: oups vacuum DATASET [--lock-timeout SECONDS] [--json]\n"
    "\n"
    "Applies the dataset's retention completely (writes apply it a bounded amount\n"
    "at a time): the versions it no longer keeps stop being readable, and the\n"
    "row-group files and history files only they used are deleted. Files a\n"
    "registered reader may still read are kept for a later write or vacuum.\n"
    "Takes the writer lock.\n"
    "\n"
    "  --lock-timeout SECONDS   wait at most this long for the writer lock\n"
    "  --json                   {\"dataset\", \"versions_expired\", \"files_deleted\",\n"
    "                           \"files_kept_for_readers\", \"history_files_deleted\"}\n"
    "\n"
    "exit status: 0 ok, 1 failed, 2 usage error\n";

std::string Plural(int64_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

}  // namespace

Result<AsOf> ParseAsOf(const std::string& text) {
  bool digits = !text.empty();
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    try {
      size_t used = 0;
      const unsigned long long v = std::stoull(text, &used);
      if (used == text.size() && v >= 1) return AsOf::Version(v);
    } catch (const std::exception&) {
    }
    return Status::InvalidArgument("--as-of: version '" + text + "' is not a number >= 1");
  }
  // A UTC time: the CLI's ISO-8601 parser (cli/values.h); an offset, if any,
  // is applied (the text is UTC when it has none).
  const std::optional<IsoDateTime> dt = ParseIsoDateTime(text);
  if (!dt) {
    return Status::InvalidArgument("--as-of: '" + text +
                                   "' is neither a version number nor a UTC time "
                                   "'YYYY-MM-DD[ HH:MM:SS[.f]]'");
  }
  const int64_t utc_seconds = dt->local_seconds - dt->offset_seconds.value_or(0);
  const std::optional<int64_t> ns =
      utc_seconds > INT64_MAX / 1'000'000'000 || utc_seconds < INT64_MIN / 1'000'000'000
          ? std::nullopt
          : std::optional<int64_t>(utc_seconds * 1'000'000'000 + dt->nanos);
  if (!ns) return Status::InvalidArgument("--as-of: '" + text + "' is out of range");
  return AsOf::Time(*ns);
}

int RunLog(const std::vector<std::string>& args, Env& env) {
  int code = 0;
  auto parsed = ParseOrExit(env, "log", args, {{"--json"}}, kLogUsage, &code);
  if (!parsed) return code;
  if (parsed->positional.size() != 1) {
    return UsageError(env, "log",
                      parsed->positional.empty() ? "missing DATASET" : "one DATASET only",
                      kLogUsage);
  }
  const std::string path = parsed->positional[0];
  if (auto md = LoadMetadata(*env.fs, path); !md.ok()) return Failure(env, "log", md.status());
  auto ds = OrderedDataset::Open(env.fs, path);
  if (!ds.ok()) return Failure(env, "log", ds.status());
  auto versions = ds->Versions();
  if (!versions.ok()) return Failure(env, "log", versions.status());
  for (const VersionInfo& v : *versions) {
    if (parsed->Has("--json")) {
      json::Value o = VersionInfoJson(v);
      if (!v.restored_from) o.Add("restored_from", json::Value::Null());
      *env.out << json::Serialize(o) << "\n";
      continue;
    }
    *env.out << "version " << v.version << "  " << v.kind << "  "
             << (v.committed_at.empty() ? "(time unknown)" : v.committed_at);
    if (v.restored_from) *env.out << "  restored from version " << *v.restored_from;
    *env.out << "\n    ";
    if (v.rows_added > 0) {
      *env.out << "+" << Plural(v.rows_added, "row");
    } else if (v.rows_removed > 0) {
      *env.out << "-" << Plural(v.rows_removed, "row");
    } else {
      *env.out << "rows unchanged";
    }
    *env.out << ", " << v.row_groups_written << " row group"
             << (v.row_groups_written == 1 ? "" : "s") << " written ("
             << Plural(v.rows_written, "row") << "), " << v.row_groups_dropped << " dropped; "
             << Plural(v.num_rows, "row") << " in " << Plural(v.num_row_groups, "row group");
    for (const auto& [k, val] : v.kv_changes) {
      *env.out << "; " << k << (val ? " = " + *val : std::string(" removed"));
    }
    *env.out << "\n";
  }
  return kExitOk;
}

int RunVacuum(const std::vector<std::string>& args, Env& env) {
  int code = 0;
  auto parsed = ParseOrExit(env, "vacuum", args, {{"--lock-timeout", "", true}, {"--json"}},
                            kVacuumUsage, &code);
  if (!parsed) return code;
  if (parsed->positional.size() != 1) {
    return UsageError(env, "vacuum",
                      parsed->positional.empty() ? "missing DATASET" : "one DATASET only",
                      kVacuumUsage);
  }
  const std::string path = parsed->positional[0];
  VacuumOptions options;
  auto timeout = ParseSeconds(parsed->Get("--lock-timeout"));
  if (!timeout.ok()) return UsageError(env, "vacuum", timeout.status().message(), kVacuumUsage);
  if (*timeout >= 0) options.lock_timeout = *timeout;
  if (auto md = LoadMetadata(*env.fs, path); !md.ok()) return Failure(env, "vacuum", md.status());
  auto ds = OrderedDataset::Open(env.fs, path);
  if (!ds.ok()) return Failure(env, "vacuum", ds.status());
  auto r = ds->Vacuum(options);
  if (!r.ok()) return Failure(env, "vacuum", r.status());
  if (parsed->Has("--json")) {
    json::Value o = json::Value::Object();
    o.Add("dataset", json::Value::String(path));
    o.Add("versions_expired", json::Value::UInt(r->versions_expired));
    o.Add("files_deleted", json::Value::UInt(r->files_deleted));
    o.Add("files_kept_for_readers", json::Value::UInt(r->files_kept_for_readers));
    o.Add("history_files_deleted", json::Value::UInt(r->history_files_deleted));
    *env.out << json::Serialize(o) << "\n";
    return kExitOk;
  }
  *env.out << "vacuumed " << path << ": " << r->versions_expired << " version"
           << (r->versions_expired == 1 ? "" : "s") << " expired, " << r->files_deleted
           << " row-group file" << (r->files_deleted == 1 ? "" : "s") << " and "
           << r->history_files_deleted << " history file"
           << (r->history_files_deleted == 1 ? "" : "s") << " deleted";
  if (r->files_kept_for_readers > 0) {
    *env.out << ", " << r->files_kept_for_readers << " kept for registered readers";
  }
  *env.out << "\n";
  return kExitOk;
}

}  // namespace oups::cli
