// Verification of one dataset against its files (oups/dataset/verify.h).
#include "oups/dataset/verify.h"

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "dataset/file_naming.h"
#include "dataset/history.h"
#include "dataset/leftovers.h"
#include "dataset/metadata_file.h"
#include "dataset/schema_evolution.h"
#include "oups/parquet/file_reader.h"
#include "oups/table/format.h"
#include "oups/table/kernels.h"

namespace oups {
namespace {

std::string Rendered(const Column& col, int64_t i) {
  return FormatCell(col, i, CellFormat::kText);
}

// Problems of one row-group file (rg `i` of `md`). Decodes the ordered
// column only, unless `deep` (every column).
void CheckRowGroup(FileSystem& fs, const dataset::DatasetMetadata& md, int64_t i,
                   const std::string& file, bool deep, std::vector<FileProblem>* problems) {
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
  // Columns and types against the stored schema. After schema evolution
  // (dataset/schema_evolution.h) a file may lack a nullable column added
  // later, or hold a narrower type that widens to the stored one.
  const Schema file_schema = (*reader)->metadata().schema();
  const bool evolved = md.HasFeature(dataset::kSchemaEvolutionFeature);
  bool columns_ok = true;
  for (const Field& f : md.schema->fields()) {
    if (file_schema.IndexOf(f.name) < 0 && evolved && f.nullable && f.name != *md.ordered_on) {
      continue;
    }
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
    if (file_schema.IndexOf(f.name) < 0) continue;  // added later (evolved)
    const DataType& in_file = file_schema.field(file_schema.IndexOf(f.name)).type;
    if (!dataset::ReadsAsStoredType(in_file, f.type) &&
        !(evolved && dataset::IsWidening(in_file, f.type))) {
      add("column types differ from the stored schema: column '" + f.name + "' is " +
          in_file.ToString() + " in the file, " + f.type.ToString() + " in the schema");
      return;
    }
  }
  std::vector<std::string> names;
  if (deep) {
    for (const Field& f : md.schema->fields()) {
      if (file_schema.IndexOf(f.name) >= 0) names.push_back(f.name);
    }
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

}  // namespace

std::vector<FileProblem> VerifyDataset(FileSystem& fs, const std::string& path,
                                       const VerifyOptions& options) {
  std::vector<FileProblem> problems;
  const auto paths = dataset::DatasetPaths::Make(path);
  if (!paths) {
    problems.push_back({path, "not a dataset path"});
    return problems;
  }
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
  int64_t rows_checked = 0;
  for (int64_t i = 0; i < md->num_row_groups(); ++i) {
    const uint64_t id = md->file_ids[static_cast<size_t>(i)];
    referenced.insert(dataset::RowGroupFileName(id));
    CheckRowGroup(fs, *md, i, paths->RowGroupFile(id), options.deep, &problems);
    rows_checked += static_cast<int64_t>(md->n_rows[static_cast<size_t>(i)]);
    if (options.progress) {
      options.progress(rows_checked,
                       static_cast<double>(i + 1) / static_cast<double>(md->num_row_groups()));
    }
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
      // The version records of the dataset's history (dataset/history.h).
      if (e.is_dir && JoinPath(paths->dir, e.name) == dataset::HistoryDir(*paths)) continue;
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

}  // namespace oups
