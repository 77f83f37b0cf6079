// `oups verify PATH`: checks every dataset under PATH against its files.
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "cli/cli.h"
#include "cli/progress.h"
#include "cli/util.h"
#include "oups/dataset/verify.h"
#include "oups/store/discovery.h"

namespace oups::cli {
namespace {

constexpr const char* kVerifyUsage =
    "usage: oups verify PATH [--deep] [--json]\n"
    "\n"
    "Checks every dataset under PATH (a store directory or one dataset):\n"
    "  - the metadata file is readable and its row groups are ordered and do\n"
    "    not overlap;\n"
    "  - every row-group file is present and readable (its footer and its\n"
    "    ordered column decoded), holds one row group with the stored columns\n"
    "    and types, as many rows as the metadata says, sorted on the ordered\n"
    "    column, with the first and last ordered values the metadata records as\n"
    "    min and max, and the CRC-32 checksum the metadata records for it (files\n"
    "    written before checksums were recorded have none);\n"
    "  - no leftovers: files in the dataset directory that the metadata does not\n"
    "    reference, temporary metadata files of interrupted writes, directories\n"
    "    of row-group files without a metadata file (\"orphans\"). Each says\n"
    "    whether the next write removes it: only files the metadata (or the\n"
    "    leftovers record of a removed dataset) proves to be the dataset's own\n"
    "    leftovers are removed; any other file is kept.\n"
    "Each problem is reported with its file. PATH is listed as `oups ls`\n"
    "lists it, going on past bad entries: each entry it skipped is reported\n"
    "with the reason, a problem when something may be missed (a directory\n"
    "that cannot be listed, an entry that cannot be examined), a note when\n"
    "not (a symbolic link back to a directory above it, not followed).\n"
    "\n"
    "  --deep   also decode every column of every row group (slower: reads and\n"
    "           decompresses everything); a decoding error is reported with its\n"
    "           file\n"
    "  --json   one JSON document: {\"path\", \"num_problems\", \"datasets\":\n"
    "           [{\"path\", \"ok\", \"problems\": [{\"file\", \"problem\"}]}],\n"
    "           \"skipped\": [{\"path\", \"reason\", \"error\"}],\n"
    "           \"orphans\": [{\"file\", \"problem\"}]}\n"
    "\n"
    "exit status: 0 every dataset is sound, 1 problems found (or PATH missing),\n"
    "2 usage error\n";

}  // namespace

int RunVerify(const std::vector<std::string>& args, Env& env) {
  int code = 0;
  auto parsed = ParseOrExit(env, "verify", args, {{"--json"}, {"--deep"}}, kVerifyUsage, &code);
  if (!parsed) return code;
  if (parsed->positional.size() != 1) {
    return UsageError(env, "verify",
                      parsed->positional.empty() ? "missing PATH" : "one PATH only",
                      kVerifyUsage);
  }
  const std::string root = parsed->positional[0];
  // The listing of `oups ls`, and the directories it walked (for orphans).
  std::vector<ListedDirectory> walked;
  auto listing = ListDatasets(*env.fs, root, &walked);
  if (!listing.ok()) return Failure(env, "verify", listing.status());
  const std::vector<std::string>* found = &listing->datasets;
  const bool as_json = parsed->Has("--json");
  json::Value list = json::Value::Array();
  int64_t n_problems = 0;
  int64_t rows_done = 0;
  for (const std::string& path : *found) {
    ProgressBar bar(env.err, env.progress, "verifying " + path);
    VerifyOptions options;
    options.deep = parsed->Has("--deep");
    const int64_t rows_before = rows_done;
    options.progress = [&](int64_t rows_checked, double fraction) {
      rows_done = rows_before + rows_checked;
      bar.Update(rows_done, fraction);
    };
    const std::vector<FileProblem> problems = VerifyDataset(*env.fs, path, options);
    bar.Finish();
    n_problems += static_cast<int64_t>(problems.size());
    json::Value entry = json::Value::Object();
    entry.Add("path", json::Value::String(RelativeTo(path, root)));
    entry.Add("ok", json::Value::Bool(problems.empty()));
    json::Value plist = json::Value::Array();
    for (const FileProblem& p : problems) {
      json::Value pj = json::Value::Object();
      pj.Add("file", json::Value::String(p.file));
      pj.Add("problem", json::Value::String(p.problem));
      plist.Push(std::move(pj));
      if (!as_json) *env.out << p.file << ": " << p.problem << "\n";
    }
    entry.Add("problems", std::move(plist));
    list.Push(std::move(entry));
    if (!as_json && problems.empty()) *env.out << "ok " << path << "\n";
  }
  json::Value skipped = json::Value::Array();
  for (const SkippedEntry& e : listing->skipped) {
    if (e.error) ++n_problems;
    json::Value entry = json::Value::Object();
    entry.Add("path", json::Value::String(e.path));
    entry.Add("reason", json::Value::String(e.reason));
    entry.Add("error", json::Value::Bool(e.error));
    skipped.Push(std::move(entry));
    if (!as_json) {
      *env.out << e.path << ": skipped: " << e.reason << (e.error ? "" : " (not a problem)")
               << "\n";
    }
  }
  const std::vector<FileProblem> orphans = FindOrphans(*env.fs, walked);
  n_problems += static_cast<int64_t>(orphans.size());
  json::Value orphan_list = json::Value::Array();
  for (const FileProblem& p : orphans) {
    json::Value pj = json::Value::Object();
    pj.Add("file", json::Value::String(p.file));
    pj.Add("problem", json::Value::String(p.problem));
    orphan_list.Push(std::move(pj));
    if (!as_json) *env.out << p.file << ": " << p.problem << "\n";
  }
  if (as_json) {
    json::Value doc = json::Value::Object();
    doc.Add("path", json::Value::String(root));
    doc.Add("num_problems", json::Value::Int(n_problems));
    doc.Add("datasets", std::move(list));
    doc.Add("skipped", std::move(skipped));
    doc.Add("orphans", std::move(orphan_list));
    *env.out << json::Serialize(doc) << "\n";
  } else {
    *env.out << found->size() << " dataset" << (found->size() == 1 ? "" : "s")
             << " checked, " << n_problems << " problem" << (n_problems == 1 ? "" : "s")
             << "\n";
  }
  return n_problems == 0 ? kExitOk : kExitFailure;
}

}  // namespace oups::cli
