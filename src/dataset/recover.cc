// RecoverMetadata (include/oups/dataset/recover.h): rebuilds a lost metadata
// file from the footers of the row-group files, when they are sound.
#include "oups/dataset/recover.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <numeric>

#include "dataset/file_naming.h"
#include "dataset/metadata_file.h"
#include "dataset/schema_evolution.h"
#include "oups/common/json.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/parquet/file_reader.h"
#include "oups/table/kernels.h"

namespace oups {
namespace {

using dataset::DatasetMetadata;
using dataset::DatasetPaths;

// One row-group file as found.
struct Found {
  uint64_t id = 0;
  std::string path;
  int64_t rows = 0;
  Column first;  // its first and last ordered values (one row each)
  Column last;
  Schema schema;  // the file's columns
};

std::string SchemaText(const Schema& schema) {
  std::string out;
  for (const Field& f : schema.fields()) {
    if (!out.empty()) out += ", ";
    out += "'" + f.name + "' " + f.type.ToString() + (f.nullable ? "" : " not null");
  }
  return "(" + out + ")";
}

// The ordered column named by the `sorting_columns` of a file's row group,
// if any.
std::optional<std::string> SortingColumnName(const parquet::FileMetadata& footer) {
  if (footer.row_groups.empty() || footer.row_groups[0].sorting_columns.empty()) {
    return std::nullopt;
  }
  const int index = footer.row_groups[0].sorting_columns[0].column_index;
  if (index < 0 || static_cast<size_t>(index) >= footer.columns.size()) return std::nullopt;
  return footer.columns[static_cast<size_t>(index)].name;
}

Result<std::unique_ptr<FileLock>> TakeWriterLock(FileSystem& fs, const DatasetPaths& paths,
                                                 const std::optional<double>& timeout) {
  OUPS_RETURN_NOT_OK(CheckLockTimeout(timeout));
  std::chrono::milliseconds ms(-1);
  if (timeout) {
    ms = std::chrono::milliseconds(static_cast<int64_t>(std::ceil(*timeout * 1000.0)));
  }
  auto lock = fs.Lock(paths.lock, ms);
  if (!lock.ok() && lock.status().code() == StatusCode::kTimeout) {
    return Status::Timeout("failed to acquire lock for dataset '" + paths.dir +
                           "' within the lock timeout. Another process may be using this "
                           "dataset.");
  }
  return lock;
}

// Refuses when the dataset has a metadata file or a leftovers record.
Status CheckNoMetadata(FileSystem& fs, const DatasetPaths& paths) {
  OUPS_ASSIGN_OR_RETURN(bool has_metadata, fs.Exists(paths.metadata));
  if (has_metadata) {
    return Status::AlreadyExists("dataset '" + paths.dir + "' has a metadata file '" +
                                 paths.metadata + "': nothing to recover (recovery only "
                                 "rebuilds a lost metadata file; `oups verify` checks a "
                                 "dataset)");
  }
  OUPS_ASSIGN_OR_RETURN(bool has_record, fs.Exists(paths.leftovers));
  if (has_record) {
    return Status::InvalidArgument(
        "dataset '" + paths.dir + "' has a leftovers record '" + paths.leftovers +
        "': it was removed, or its first write did not commit, so its row-group files are "
        "leftovers that the next write removes, not a dataset to recover");
  }
  return Status::OK();
}

// Reads and checks one row-group file; sets `ordered_on` from the first file
// and checks the others against it (schemas are compared by StoredSchema).
Status ReadOne(FileSystem& fs, uint64_t id, const std::string& path,
               const std::optional<std::string>& given_ordered_on,
               std::optional<std::string>* ordered_on, std::string* ordered_on_file,
               std::vector<parquet::KeyValue>* key_values, std::vector<Found>* out) {
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption("row-group file '" + path + "' " + what);
  };
  auto reader = parquet::FileReader::Open(fs, path);
  if (!reader.ok()) {
    return Status::Corruption("row-group file '" + path + "' is not readable: " +
                              reader.status().ToString());
  }
  const parquet::FileMetadata& footer = (*reader)->metadata();
  if ((*reader)->num_row_groups() != 1) {
    return corrupt("holds " + std::to_string((*reader)->num_row_groups()) +
                   " row groups; an oups row-group file holds exactly 1");
  }
  if (footer.num_rows < 1) return corrupt("holds no row");
  const Schema file_schema = footer.schema();
  // The ordered column: given, else the files' sorting columns (all agree).
  const std::optional<std::string> sorting = SortingColumnName(footer);
  if (given_ordered_on) {
    *ordered_on = given_ordered_on;
  } else if (!sorting) {
    return Status::InvalidArgument("row-group file '" + path +
                                   "' names no sorting column: give the ordered column "
                                   "(--ordered-on)");
  } else if (!*ordered_on) {
    *ordered_on = sorting;
    *ordered_on_file = path;
  } else if (*sorting != **ordered_on) {
    return Status::InvalidArgument("row-group files '" + *ordered_on_file + "' and '" + path +
                                   "' are sorted on different columns ('" + **ordered_on +
                                   "' and '" + *sorting +
                                   "'): give the ordered column (--ordered-on)");
  }
  const int index = file_schema.IndexOf(**ordered_on);
  if (index < 0) {
    return Status::InvalidArgument("row-group file '" + path + "' has no column '" +
                                   **ordered_on + "' (the ordered column)");
  }
  if (!dataset::IsOrderableType(file_schema.field(index).type)) {
    return Status::InvalidArgument("the ordered column '" + **ordered_on + "' is " +
                                   file_schema.field(index).type.ToString() +
                                   ", not an orderable type");
  }
  parquet::ReadOptions ro;
  ro.columns = {**ordered_on};
  auto table = (*reader)->Read(ro);
  if (!table.ok()) return corrupt("is not readable: " + table.status().ToString());
  auto col = table->GetColumn(**ordered_on);
  if (!col.ok()) return corrupt("is not readable: " + col.status().ToString());
  if (col->length() != footer.num_rows) {
    return corrupt("decodes to " + std::to_string(col->length()) + " rows, its footer says " +
                   std::to_string(footer.num_rows));
  }
  if (col->has_nulls()) return corrupt("has nulls in the ordered column '" + **ordered_on + "'");
  OUPS_ASSIGN_OR_RETURN(int64_t unsorted, FindFirstUnsorted(*col));
  if (unsorted >= 0) {
    return corrupt("is not sorted on '" + **ordered_on + "' (at row " +
                   std::to_string(unsorted) + ")");
  }
  Found f;
  f.id = id;
  f.path = path;
  f.rows = col->length();
  f.first = col->Slice(0, 1);
  f.last = col->Slice(col->length() - 1, 1);
  f.schema = file_schema;
  out->push_back(std::move(f));
  // The key-value metadata of the newest file (highest id) wins.
  *key_values = footer.key_value_metadata;
  return Status::OK();
}

// The stored schema of the files `found` (in id order: the order they were
// written). Files of one schema give it (a field nullable when it is in any
// file). A dataset whose schema evolved (dataset/schema_evolution.h) has files
// of several: every write conforms its rows, and the older rows it rewrites,
// to the schema of the moment, and evolution only appends columns and widens
// types, so each file holds the columns of every older file, in their order,
// each of the same type or a widening of it, possibly followed by added
// columns; the stored schema is then the newest one (`*evolved` set). Files
// that do not follow each other so are not one dataset's: InvalidArgument
// naming both files and their schemas.
Result<Schema> StoredSchema(const std::vector<Found>& found, const std::string& ordered_on,
                            bool* evolved) {
  *evolved = false;
  std::vector<Field> fields = found.front().schema.fields();
  size_t from = 0;  // the file whose columns `fields` are
  for (size_t k = 1; k < found.size(); ++k) {
    const Schema& next = found[k].schema;
    const Schema current(fields);
    bool follows = next.num_fields() >= current.num_fields();
    bool same_types = next.num_fields() == current.num_fields();
    for (int i = 0; follows && i < current.num_fields(); ++i) {
      const Field& a = current.field(i);
      const Field& b = next.field(i);
      const bool widened = dataset::IsWidening(a.type, b.type) && a.name != ordered_on;
      follows = a.name == b.name && (a.type == b.type || widened);
      same_types = same_types && a.type == b.type;
    }
    if (!follows) {
      return Status::InvalidArgument(
          "row-group files '" + found[from].path + "' and '" + found[k].path +
          "' have different schemas: " + SchemaText(current) + " and " + SchemaText(next) +
          " (nor is the second an evolution of the first: a newer file of a dataset whose "
          "schema evolved holds the older file's columns, in their order and of the same or a "
          "wider type, then the added ones)");
    }
    std::vector<Field> merged = next.fields();
    for (size_t i = 0; i < merged.size(); ++i) {
      merged[i].nullable = merged[i].nullable || i >= fields.size() || fields[i].nullable;
    }
    if (!same_types) {
      *evolved = true;
      from = k;
    }
    fields = std::move(merged);
  }
  return Schema(std::move(fields));
}

}  // namespace

Result<RecoverReport> RecoverMetadata(const std::shared_ptr<FileSystem>& fs_ptr,
                                      const std::string& dataset_dir,
                                      const RecoverOptions& options) {
  if (!fs_ptr) return Status::InvalidArgument("no file system");
  FileSystem& fs = *fs_ptr;
  const std::optional<DatasetPaths> made = DatasetPaths::Make(dataset_dir);
  if (!made) return Status::InvalidArgument("'" + dataset_dir + "' is not a dataset path");
  const DatasetPaths& paths = *made;
  OUPS_RETURN_NOT_OK(CheckNoMetadata(fs, paths));
  auto dir_info = fs.Stat(paths.dir);
  if (!dir_info.ok()) {
    if (dir_info.status().IsNotFound()) {
      return Status::NotFound("no dataset directory '" + paths.dir + "' to recover");
    }
    return dir_info.status();
  }
  if (!dir_info->is_dir) {
    return Status::InvalidArgument("'" + paths.dir + "' is not a directory");
  }

  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<FileLock> lock,
                        TakeWriterLock(fs, paths, options.lock_timeout));
  // Under the lock: no writer committed meanwhile.
  OUPS_RETURN_NOT_OK(CheckNoMetadata(fs, paths));

  RecoverReport report;
  std::vector<std::pair<uint64_t, std::string>> files;
  OUPS_ASSIGN_OR_RETURN(std::vector<FileInfo> entries, fs.ListDir(paths.dir));
  for (const FileInfo& e : entries) {
    if (!e.error.ok()) {
      return Status::IOError("cannot examine '" + JoinPath(paths.dir, e.name) +
                             "' of the dataset directory: " + e.error.ToString());
    }
    const auto id = e.is_dir ? std::nullopt : dataset::ParseRowGroupFileName(e.name);
    if (!id) {
      report.ignored.push_back(e.name);
      continue;
    }
    files.emplace_back(*id, JoinPath(paths.dir, e.name));
  }
  if (files.empty()) {
    return Status::NotFound("no row-group file (file_<id>.parquet) in '" + paths.dir +
                            "': nothing to recover");
  }
  std::sort(files.begin(), files.end());

  std::optional<std::string> ordered_on;
  std::string ordered_on_file;
  std::vector<parquet::KeyValue> key_values;
  std::vector<Found> found;
  for (const auto& [id, path] : files) {
    OUPS_RETURN_NOT_OK(ReadOne(fs, id, path, options.ordered_on, &ordered_on,
                               &ordered_on_file, &key_values, &found));
  }
  bool evolved = false;
  OUPS_ASSIGN_OR_RETURN(const Schema schema, StoredSchema(found, *ordered_on, &evolved));

  // Row order: by first ordered value (then last value, then id); adjacent
  // files may share a boundary value but never overlap.
  std::vector<size_t> order(found.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const int by_first = CompareValues(found[a].first, 0, found[b].first, 0);
    if (by_first != 0) return by_first < 0;
    return CompareValues(found[a].last, 0, found[b].last, 0) < 0;
  });
  for (size_t k = 1; k < order.size(); ++k) {
    const Found& prev = found[order[k - 1]];
    const Found& next = found[order[k]];
    if (CompareValues(prev.last, 0, next.first, 0) > 0) {
      return Status::InvalidArgument(
          "row-group files '" + prev.path + "' and '" + next.path + "' overlap on '" +
          *ordered_on + "': the first ends after the second starts; the files are not one "
          "dataset's row groups (move one away to recover the others)");
    }
  }

  DatasetMetadata md;
  md.ordered_on = ordered_on;
  md.schema = schema;
  if (evolved) md.required_features = {dataset::kSchemaEvolutionFeature};
  md.version = 1;
  md.committed_at = dataset::UtcNowIso8601();
  std::vector<Column> firsts, lasts;
  for (size_t k : order) {
    const Found& f = found[k];
    md.file_ids.push_back(f.id);
    md.n_rows.push_back(static_cast<uint64_t>(f.rows));
    firsts.push_back(f.first);
    lasts.push_back(f.last);
    OUPS_ASSIGN_OR_RETURN(uint32_t crc, dataset::FileCrc32(fs, f.path));
    md.file_crc32[f.id] = crc;
    report.num_rows += f.rows;
    report.files.push_back(f.path);
  }
  OUPS_ASSIGN_OR_RETURN(md.mins, Concatenate(firsts));
  OUPS_ASSIGN_OR_RETURN(md.maxs, Concatenate(lasts));
  md.max_used_file_id = files.back().first;
  // The files' key-value metadata (e.g. pyarrow's "pandas" key, which the
  // Python package writes into every file) as the schema's
  // file_key_value_metadata: files rewritten later keep it.
  json::Value kv = json::Value::Object();
  for (const parquet::KeyValue& p : key_values) {
    if (!p.value) continue;
    kv.Add(p.key, json::Value::String(*p.value));
    report.file_key_value_keys.push_back(p.key);
  }
  if (!report.file_key_value_keys.empty()) {
    json::Value extra = json::Value::Object();
    extra.Add("file_key_value_metadata", std::move(kv));
    md.schema_extra_json = json::Serialize(extra);
  }
  OUPS_RETURN_NOT_OK(dataset::CheckNoOverlap(md, paths.dir));

  // Commit as a write does: temporary file, fsync, rename, fsync the parent.
  const std::string temp = paths.TempMetadata(0);
  fs.DeleteFile(temp).IgnoreError();  // of an interrupted commit
  Status st = dataset::WriteMetadataFile(fs, temp, md);
  if (st.ok()) st = fs.Rename(temp, paths.metadata);
  if (!st.ok()) {
    fs.DeleteFile(temp).IgnoreError();
    return st;
  }
  OUPS_RETURN_NOT_OK(fs.SyncDir(paths.ParentDir()));

  report.metadata_file = paths.metadata;
  report.ordered_on = *ordered_on;
  report.num_row_groups = md.num_row_groups();
  report.max_used_file_id = *md.max_used_file_id;
  report.schema_evolution = evolved;
  return report;
}

}  // namespace oups
