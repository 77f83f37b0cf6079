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
#include "dataset/file_naming.h"
#include "dataset/leftovers.h"
#include "dataset/metadata_file.h"
#include "oups/parquet/file_reader.h"
#include "oups/table/kernels.h"

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

struct Problem {
  std::string file;
  std::string text;
};

std::string Rendered(const Column& col, int64_t i) {
  auto v = CellJson(col, i);
  return v.ok() ? CellText(*v) : "?";
}

// Problems of one row-group file (rg `i` of `md`). Decodes the ordered
// column only, unless `deep` (every column).
void CheckRowGroup(FileSystem& fs, const dataset::DatasetMetadata& md, int64_t i,
                   const std::string& file, bool deep, std::vector<Problem>* problems) {
  const size_t reported_before = problems->size();
  auto add = [&](std::string text) { problems->push_back({file, std::move(text)}); };
  auto exists = fs.Exists(file);
  if (!exists.ok() || !*exists) {
    add("missing (row group " + std::to_string(i) + " of the metadata)");
    return;
  }
  // The recorded checksum, last: a file that differs otherwise is reported
  // by what differs (the checksum then differs too, and adds nothing).
  auto check_crc = [&] {
    if (problems->size() != reported_before) return;
    auto recorded = md.file_crc32.find(md.file_ids[static_cast<size_t>(i)]);
    if (recorded == md.file_crc32.end()) return;
    auto crc = dataset::FileCrc32(fs, file);
    if (!crc.ok()) {
      add("unreadable: " + crc.status().ToString());
    } else if (*crc != recorded->second) {
      char text[160];
      std::snprintf(text, sizeof(text),
                    "checksum mismatch: the file's CRC-32 is %08x, the metadata records %08x "
                    "(the file changed after it was written)",
                    static_cast<unsigned>(*crc), static_cast<unsigned>(recorded->second));
      add(text);
    }
  };
  auto reader = parquet::FileReader::Open(fs, file);
  if (!reader.ok()) {
    add("unreadable: " + reader.status().ToString());
    return;
  }
  const int64_t expected_rows = static_cast<int64_t>(md.n_rows[static_cast<size_t>(i)]);
  if ((*reader)->num_row_groups() != 1) {
    add("holds " + std::to_string((*reader)->num_row_groups()) +
        " row groups, expected exactly 1");
  }
  if ((*reader)->metadata().num_rows != expected_rows) {
    add("holds " + std::to_string((*reader)->metadata().num_rows) +
        " rows, the metadata says " + std::to_string(expected_rows));
  }
  if (!md.schema || !md.ordered_on) return check_crc();
  // Columns and types against the stored schema.
  const Schema file_schema = (*reader)->metadata().schema();
  bool columns_ok = true;
  for (const Field& f : md.schema->fields()) {
    if (file_schema.IndexOf(f.name) < 0) {
      add("has no column '" + f.name + "' (stored schema)");
      columns_ok = false;
    }
  }
  for (const Field& f : file_schema.fields()) {
    if (md.schema->IndexOf(f.name) < 0) {
      add("has column '" + f.name + "', which is not in the stored schema");
    }
  }
  if (!columns_ok) return;
  for (const Field& f : md.schema->fields()) {
    const DataType& in_file = file_schema.field(file_schema.IndexOf(f.name)).type;
    if (!dataset::ReadsAsStoredType(in_file, f.type)) {
      add("column types differ from the stored schema: column '" + f.name + "' is " +
          in_file.ToString() + " in the file, " + f.type.ToString() + " in the schema");
      return;
    }
  }
  std::vector<std::string> names;
  if (deep) {
    for (const Field& f : md.schema->fields()) names.push_back(f.name);
  } else {
    names.push_back(*md.ordered_on);
  }
  parquet::ReadOptions ro;
  ro.columns = names;
  auto read = (*reader)->Read(ro);
  if (!read.ok()) {
    add("unreadable: " + read.status().ToString());
    return;
  }
  auto table = dataset::AsStoredTypes(*read, *md.schema, file);
  if (!table.ok()) {
    add("column types differ from the stored schema: " + table.status().ToString());
    return;
  }
  if (table->num_rows() != (*reader)->metadata().num_rows) {
    add("decodes to " + std::to_string(table->num_rows()) + " rows, its footer says " +
        std::to_string((*reader)->metadata().num_rows));
  }
  auto ord = table->GetColumn(*md.ordered_on);
  if (!ord.ok() || ord->length() == 0) return check_crc();
  auto unsorted = FindFirstUnsorted(*ord);
  if (unsorted.ok() && *unsorted >= 0) {
    add("rows not sorted on '" + *md.ordered_on + "' at row " +
        std::to_string(*unsorted));
  }
  if (ord->type() != md.mins.type()) return;  // reported above
  const int64_t last = ord->length() - 1;
  if (CompareValues(*ord, 0, md.mins, i) != 0) {
    add("first '" + *md.ordered_on + "' value " + Rendered(*ord, 0) +
        " differs from the min " + Rendered(md.mins, i) + " in the metadata");
  }
  if (CompareValues(*ord, last, md.maxs, i) != 0) {
    add("last '" + *md.ordered_on + "' value " + Rendered(*ord, last) +
        " differs from the max " + Rendered(md.maxs, i) + " in the metadata");
  }
  check_crc();
}

std::vector<Problem> CheckDataset(Env& env, const std::string& path, bool deep,
                                  ProgressBar* bar, int64_t* rows_done) {
  std::vector<Problem> problems;
  FileSystem& fs = *env.fs;
  const auto paths = dataset::DatasetPaths::Make(path);
  auto md = dataset::ReadMetadataFile(fs, paths->metadata);
  if (!md.ok()) {
    problems.push_back(
        {paths->metadata, "unreadable metadata: " + md.status().ToString()});
    return problems;
  }
  if (Status st = dataset::CheckNoOverlap(*md, path); !st.ok()) {
    problems.push_back({paths->metadata, st.ToString()});
  }
  for (int64_t i = 1; i < md->num_row_groups(); ++i) {
    if (md->mins.type() == md->maxs.type() &&
        CompareValues(md->mins, i - 1, md->mins, i) > 0) {
      problems.push_back({paths->metadata, "row group " + std::to_string(i) +
                                               " starts before row group " +
                                               std::to_string(i - 1)});
    }
  }
  std::set<std::string> referenced;
  for (int64_t i = 0; i < md->num_row_groups(); ++i) {
    const uint64_t id = md->file_ids[static_cast<size_t>(i)];
    referenced.insert(dataset::RowGroupFileName(id));
    CheckRowGroup(fs, *md, i, paths->RowGroupFile(id), deep, &problems);
    *rows_done += static_cast<int64_t>(md->n_rows[static_cast<size_t>(i)]);
    bar->Update(*rows_done,
                static_cast<double>(i + 1) / static_cast<double>(md->num_row_groups()));
  }
  // Unreferenced files in the dataset directory, by what the metadata proves
  // about them (dataset/leftovers.h), and temporary metadata files.
  auto entries = fs.ListDir(paths->dir);
  if (!entries.ok() && !entries.status().IsNotFound()) {
    problems.push_back({paths->dir, "cannot be listed: " + entries.status().ToString()});
  }
  if (entries.ok()) {
    std::vector<uint64_t> present;
    for (const FileInfo& e : *entries) {
      if (e.is_dir) continue;
      if (auto id = dataset::ParseRowGroupFileName(e.name)) present.push_back(*id);
    }
    const auto own = dataset::ClassifyRowGroupFiles(*md, present);
    const std::set<uint64_t> obsolete(own.obsolete.begin(), own.obsolete.end());
    const std::set<uint64_t> interrupted(own.interrupted.begin(), own.interrupted.end());
    const auto mark = md->max_known_file_id();
    for (const FileInfo& e : *entries) {
      if (!e.error.ok()) {
        problems.push_back(
            {JoinPath(paths->dir, e.name), "cannot be examined: " + e.error.ToString()});
        continue;
      }
      if (referenced.count(e.name)) continue;
      const auto id = dataset::ParseRowGroupFileName(e.name);
      std::string text;
      if (e.is_dir && e.name == "_staging") {
        text = "staging directory of staged writes (not part of the dataset): a commit deletes "
               "its parts and those staged more than 24 hours ago; a failed staged write "
               "deletes its own (OrderedDataset::AbortStaging)";
      } else if (!id || e.is_dir) {
        text = "leftover: not a row-group file of this dataset";
      } else if (obsolete.count(*id)) {
        text = "leftover: row-group file not referenced by the metadata, which records it as "
               "obsolete (deferred deletion; the next write removes it)";
      } else if (interrupted.count(*id)) {
        text = "leftover: row-group file not referenced by the metadata (interrupted write: "
               "its id is right above the high-water mark " +
               (mark ? std::to_string(*mark) : std::string("(none)")) +
               "; the next write removes it)";
      } else {
        text = "not part of the dataset: row-group file neither referenced by the metadata nor "
               "a leftover of it (not right above the high-water mark " +
               (mark ? std::to_string(*mark) : std::string("(none)")) +
               ", not recorded as obsolete); no write removes it, move it out of the dataset "
               "directory";
      }
      problems.push_back({JoinPath(paths->dir, e.name), std::move(text)});
    }
  }
  if (auto parent = fs.ListDir(paths->ParentDir()); parent.ok()) {
    const std::string record = dataset::LeftoversRecordFileName(paths->name);
    for (const FileInfo& e : *parent) {
      if (!e.is_dir && dataset::IsTempMetadataFileName(e.name, paths->name)) {
        problems.push_back({JoinPath(paths->ParentDir(), e.name),
                            "leftover: temporary metadata file of an interrupted write"});
      } else if (!e.is_dir && e.name == record) {
        problems.push_back({JoinPath(paths->ParentDir(), e.name),
                            "leftover: leftovers record superseded by the metadata file (the "
                            "next write removes it)"});
      }
    }
  }
  return problems;
}

// Leftovers that belong to no dataset: a directory of row-group files whose
// metadata file does not exist, temporary metadata files and leftovers
// records of such a dataset. Only the files a leftovers record accounts for
// (a removal, or a first write, that did not finish) are removed by the next
// write; without a record, a write refuses to start a dataset over the files.
// Looks at one directory the listing walked (ListDatasets' `walked`, whose
// listings are `listed` by path), and at nothing the listing skipped (a
// symbolic link loop, a directory that cannot be listed, an entry that cannot
// be examined): that the listing reports.
void FindOrphansIn(FileSystem& fs, const std::string& dir,
                   const std::vector<FileInfo>* entries,
                   const std::map<std::string, const std::vector<FileInfo>*>& listed,
                   std::vector<Problem>* problems) {
  std::set<std::string> datasets;
  std::set<std::string> names;  // every entry name of `dir`
  for (const FileInfo& e : *entries) {
    names.insert(e.name);
    if (e.is_dir) continue;
    if (auto name = dataset::DatasetNameFromMetadataFileName(e.name))
      datasets.insert(*name);
  }
  constexpr std::string_view kRecordSuffix = "_opdmd.leftovers";
  for (const FileInfo& e : *entries) {
    if (!e.error.ok()) continue;  // reported by the listing
    const std::string path = JoinPath(dir, e.name);
    if (!e.is_dir) {
      // ".<name>_opdmd.<hex>.tmp" of a dataset without metadata file.
      if (e.name.starts_with(".") && e.name.ends_with(".tmp")) {
        const size_t at = e.name.find("_opdmd.");
        if (at != std::string::npos && at > 1) {
          const std::string name = e.name.substr(1, at - 1);
          if (!datasets.count(name) && dataset::IsTempMetadataFileName(e.name, name)) {
            problems->push_back(
                {path, "leftover: temporary metadata file of an interrupted write"});
          }
        }
      }
      // ".<name>_opdmd.leftovers" of a dataset without metadata file and
      // without directory (its files are gone).
      if (e.name.starts_with(".") && e.name.ends_with(kRecordSuffix) &&
          e.name.size() > 1 + kRecordSuffix.size()) {
        const std::string name = e.name.substr(1, e.name.size() - 1 - kRecordSuffix.size());
        if (!datasets.count(name) && !names.count(name)) {
          problems->push_back({path, "leftover: leftovers record of a removed dataset whose "
                                     "files are gone (the next write to it removes it)"});
        }
      }
      continue;
    }
    if (e.name.starts_with(".")) continue;
    if (!datasets.count(e.name)) {
      const auto inner = listed.find(path);
      if (inner != listed.end()) {
        std::vector<uint64_t> present;
        for (const FileInfo& f : *inner->second) {
          if (f.is_dir) continue;
          if (auto id = dataset::ParseRowGroupFileName(f.name)) present.push_back(*id);
        }
        const std::string md_path = JoinPath(dir, dataset::MetadataFileName(e.name));
        const std::string record_path = JoinPath(dir, dataset::LeftoversRecordFileName(e.name));
        std::optional<dataset::DatasetMetadata> record;
        if (names.count(dataset::LeftoversRecordFileName(e.name))) {
          auto r = dataset::ReadMetadataFile(fs, record_path);
          if (r.ok()) {
            record = dataset::AsLeftoversOnly(*r);
          } else {
            problems->push_back({record_path, "unreadable leftovers record: " +
                                                  r.status().ToString()});
          }
        }
        size_t proven = 0;
        if (record && !present.empty()) {
          const auto own = dataset::ClassifyRowGroupFiles(*record, present);
          proven = own.obsolete.size() + own.interrupted.size();
          if (proven > 0) {
            problems->push_back(
                {path, "leftover: " + std::to_string(proven) +
                           " row-group file(s) of a removed dataset or of a first write that "
                           "did not commit, recorded in '" + record_path +
                           "' (the next write to the dataset removes them)"});
          }
        } else if (record) {
          problems->push_back({record_path, "leftover: leftovers record of a removed dataset "
                                            "whose files are gone (the next write to it "
                                            "removes it)"});
        }
        if (present.size() > proven) {
          problems->push_back(
              {path, std::to_string(present.size() - proven) +
                         " row-group file(s) without metadata file '" + md_path + "'" +
                         (record ? " and not recorded as leftovers" : "") +
                         ": not known to be a dataset's leftovers (a directory moved or copied "
                         "without its metadata file, or a lost metadata file); no write removes "
                         "them" +
                         (record ? "" : " nor starts a dataset over them") +
                         ": put the metadata file back, or move the files away"});
        }
      }
    }
  }
}

void FindOrphans(FileSystem& fs, const std::vector<store_internal::WalkedDir>& walked,
                 std::vector<Problem>* problems) {
  std::map<std::string, const std::vector<FileInfo>*> listed;
  for (const store_internal::WalkedDir& d : walked) listed.emplace(d.path, &d.entries);
  for (const store_internal::WalkedDir& d : walked) {
    FindOrphansIn(fs, d.path, &d.entries, listed, problems);
  }
}

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
  std::vector<store_internal::WalkedDir> walked;
  auto listing = ListDatasets(*env.fs, root, &walked);
  if (!listing.ok()) return Failure(env, "verify", listing.status());
  const std::vector<std::string>* found = &listing->datasets;
  const bool as_json = parsed->Has("--json");
  json::Value list = json::Value::Array();
  int64_t n_problems = 0;
  int64_t rows_done = 0;
  for (const std::string& path : *found) {
    ProgressBar bar(env.err, env.progress, "verifying " + path);
    const std::vector<Problem> problems =
        CheckDataset(env, path, parsed->Has("--deep"), &bar, &rows_done);
    bar.Finish();
    n_problems += static_cast<int64_t>(problems.size());
    json::Value entry = json::Value::Object();
    entry.Add("path", json::Value::String(RelativeTo(path, root)));
    entry.Add("ok", json::Value::Bool(problems.empty()));
    json::Value plist = json::Value::Array();
    for (const Problem& p : problems) {
      json::Value pj = json::Value::Object();
      pj.Add("file", json::Value::String(p.file));
      pj.Add("problem", json::Value::String(p.text));
      plist.Push(std::move(pj));
      if (!as_json) *env.out << p.file << ": " << p.text << "\n";
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
  std::vector<Problem> orphans;
  FindOrphans(*env.fs, walked, &orphans);
  n_problems += static_cast<int64_t>(orphans.size());
  json::Value orphan_list = json::Value::Array();
  for (const Problem& p : orphans) {
    json::Value pj = json::Value::Object();
    pj.Add("file", json::Value::String(p.file));
    pj.Add("problem", json::Value::String(p.text));
    orphan_list.Push(std::move(pj));
    if (!as_json) *env.out << p.file << ": " << p.text << "\n";
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
