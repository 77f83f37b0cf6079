// Staged writes (docs/format.md, "Staged writes"): OrderedDataset::Stage,
// CommitStaged, AbortStaging, ListStaging, and StagedPart's JSON form.
//
// Layout: a part staged for dataset `<parent>/<name>` lives in
// `<parent>/<name>/_staging/<token>/`, token = "<group>-<16 hex>" and group =
// "<UTC seconds, 16 hex>-<16 random hex>": its row-group files
// `staged_<k>.parquet` (k = 0, 1, ... in row order, 8 digits, created
// exclusively) and a manifest `manifest.parquet`, a metadata file
// (metadata_file.h) listing them with
// their rows, first and last ordered values and CRC-32, the part's schema and
// ordered column. Nothing there is a row-group file of the dataset: writers,
// readers, recovery and the leftovers rules only look at
// `<name>/file_<id>.parquet`.
//
// The commit (under the writer lock) renames the staged files to ids right
// above the high-water mark, one after the other, exactly where an ordinary
// write creates its files, syncs the directories, then commits the metadata.
// A crash before the commit point leaves either files still staged (removed by
// AbortStaging, or by a commit once they are older than
// kStagingMaxAgeSeconds) or the run of ids above the mark that the next write
// deletes as an interrupted write's (docs/format.md, "Leftovers").
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <limits>
#include <random>
#include <set>

#include "oups/common/json.h"
#include "dataset/file_naming.h"
#include "dataset/history.h"
#include "dataset/leftovers.h"
#include "dataset/merge_executor.h"
#include "dataset/metadata_file.h"
#include "dataset/write_internals.h"
#include "dataset/write_planner.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/parquet/file_reader.h"
#include "oups/table/builder.h"
#include "oups/table/kernels.h"

namespace oups {

namespace {

constexpr const char* kStagingDir = "_staging";
constexpr const char* kManifest = "manifest.parquet";

// "staged_00000042.parquet": named unlike row-group files and metadata files,
// so that no tool walking the tree (oups verify, a store listing, recovery)
// takes a staging directory for a dataset directory.
std::string StagedFileName(uint64_t k) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "staged_%08" PRIu64 ".parquet", k);
  return buf;
}

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016" PRIx64, v);
  return buf;
}

uint64_t RandomU64() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ static_cast<uint64_t>(rd());
}

bool IsHex16(std::string_view s) {
  return s.size() == 16 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// "<16 hex>-<16 hex>".
bool IsGroup(std::string_view s) {
  return s.size() == 33 && s[16] == '-' && IsHex16(s.substr(0, 16)) && IsHex16(s.substr(17));
}

// "<group>-<16 hex>".
bool IsToken(std::string_view s) {
  return s.size() == 50 && IsGroup(s.substr(0, 33)) && s[33] == '-' && IsHex16(s.substr(34));
}

// The UTC seconds in a group or token name.
int64_t GroupSeconds(std::string_view s) {
  return static_cast<int64_t>(std::stoull(std::string(s.substr(0, 16)), nullptr, 16));
}

std::string StagingDir(const dataset::DatasetPaths& paths) {
  return JoinPath(paths.dir, kStagingDir);
}
std::string PartDir(const dataset::DatasetPaths& paths, const std::string& token) {
  return JoinPath(StagingDir(paths), token);
}

Result<Column> EmptyOf(const DataType& type) {
  ColumnBuilder b(type);
  return b.Finish();
}

// A value of `c` at `i` for error messages.
std::string ValueText(const Column& c, int64_t i) {
  const Scalar s = GetScalar(c, i);
  if (!s.is_valid()) return "null";
  const DataType& t = c.type();
  if (t.is_floating()) {
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%.17g", s.f64());
    return buf;
  }
  if (t.is_var_length()) return "'" + s.bytes() + "'";
  if (t.is_integer() && !t.is_signed_integer()) return std::to_string(s.u64());
  return std::to_string(s.i64()) + (t.id == TypeId::kInt64 ? "" : " (" + t.ToString() + ")");
}

bool SameColumns(const Schema& a, const Schema& b) {
  if (a.num_fields() != b.num_fields()) return false;
  for (int i = 0; i < a.num_fields(); ++i) {
    if (a.field(i).name != b.field(i).name || a.field(i).type != b.field(i).type) return false;
  }
  return true;
}

std::string ColumnsText(const Schema& s) {
  std::string out;
  for (const Field& f : s.fields()) {
    if (!out.empty()) out += ", ";
    out += f.name + ": " + f.type.ToString();
  }
  return out;
}

// Deletes a staging directory: every file a listing shows (the manifest and
// the staged files), then the directory. Best effort; true when the directory
// is gone.
bool DeleteStagingDir(FileSystem& fs, const std::string& dir) {
  auto entries = fs.ListDir(dir);
  if (!entries.ok()) return entries.status().IsNotFound();
  for (const FileInfo& e : *entries) {
    if (!e.is_dir) fs.DeleteFile(JoinPath(dir, e.name)).IgnoreError();
  }
  return fs.DeleteDir(dir).ok();
}

// The staged part's manifest, read and checked against the part's JSON.
struct LoadedPart {
  const StagedPart* part = nullptr;
  std::string dir;
  dataset::DatasetMetadata manifest;
};

Status CheckPartFiles(FileSystem& fs, const LoadedPart& lp, size_t index) {
  for (size_t k = 0; k < lp.part->files.size(); ++k) {
    const std::string file = JoinPath(lp.dir, lp.part->files[k].name);
    auto crc = dataset::FileCrc32(fs, file);
    if (!crc.ok()) {
      return Status(crc.status().code(), "staged part " + std::to_string(index) + ": " +
                                             crc.status().message());
    }
    if (*crc != lp.part->files[k].crc32) {
      return Status::Corruption("staged file '" + file + "' (part " + std::to_string(index) +
                                ") has CRC-32 " + std::to_string(*crc) + ", not the " +
                                std::to_string(lp.part->files[k].crc32) +
                                " recorded when it was staged: it changed since");
    }
    OUPS_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(fs, file));
    OUPS_RETURN_NOT_OK(dataset::CheckRowGroupFooter(reader->metadata(), lp.manifest,
                                                    static_cast<int64_t>(k), file));
  }
  return Status::OK();
}

}  // namespace

std::string NewStagingGroup() {
  return Hex16(static_cast<uint64_t>(std::time(nullptr))) + "-" + Hex16(RandomU64());
}

// ------------------------------------------------------------ JSON form

std::string StagedPart::ToJson() const {
  json::Value files_json = json::Value::Array();
  for (const File& f : files) {
    files_json.Push(json::Value::Object({{"name", json::Value::String(f.name)},
                                         {"n_rows", json::Value::Int(f.n_rows)},
                                         {"crc32", json::Value::UInt(f.crc32)}}));
  }
  return json::Serialize(json::Value::Object({{"oups_staged_part", json::Value::Int(1)},
                                              {"dataset", json::Value::String(dataset)},
                                              {"token", json::Value::String(token)},
                                              {"n_rows", json::Value::Int(n_rows)},
                                              {"files", std::move(files_json)}}));
}

Result<StagedPart> StagedPart::FromJson(std::string_view text) {
  auto bad = [](const std::string& what) {
    return Status::InvalidArgument("not a staged part: " + what);
  };
  auto root = json::Parse(text);
  if (!root.ok()) return bad(root.status().message());
  const json::Value* version = root->Find("oups_staged_part");
  if (version == nullptr) return bad("no member 'oups_staged_part'");
  if (!version->is_number() || version->string_value() != "1") {
    return bad("version " + (version->is_number() ? version->string_value() : std::string("?")) +
               " is not supported (upgrade oups)");
  }
  StagedPart part;
  const json::Value* ds = root->Find("dataset");
  const json::Value* token = root->Find("token");
  const json::Value* n = root->Find("n_rows");
  const json::Value* files = root->Find("files");
  if (ds == nullptr || !ds->is_string()) return bad("'dataset' must be a string");
  if (token == nullptr || !token->is_string() || !IsToken(token->string_value())) {
    return bad("'token' must be a staging token");
  }
  if (n == nullptr || !n->is_number()) return bad("'n_rows' must be a number");
  if (files == nullptr || !files->is_array()) return bad("'files' must be an array");
  part.dataset = ds->string_value();
  part.token = token->string_value();
  OUPS_ASSIGN_OR_RETURN(part.n_rows, n->AsInt64());
  int64_t total = 0;
  for (const json::Value& f : files->items()) {
    const json::Value* name = f.Find("name");
    const json::Value* rows = f.Find("n_rows");
    const json::Value* crc = f.Find("crc32");
    if (name == nullptr || !name->is_string() || rows == nullptr || crc == nullptr) {
      return bad("each file needs 'name', 'n_rows' and 'crc32'");
    }
    File file;
    file.name = name->string_value();
    if (file.name != StagedFileName(part.files.size())) {
      return bad("file " + std::to_string(part.files.size()) + " is named '" + file.name + "'");
    }
    OUPS_ASSIGN_OR_RETURN(file.n_rows, rows->AsInt64());
    OUPS_ASSIGN_OR_RETURN(uint64_t c, crc->AsUInt64());
    if (file.n_rows < 1 || c > 0xffffffffu) return bad("file '" + file.name + "' is malformed");
    file.crc32 = static_cast<uint32_t>(c);
    total += file.n_rows;
    part.files.push_back(std::move(file));
  }
  if (total != part.n_rows) return bad("'n_rows' is not the sum of its files' rows");
  return part;
}

// ------------------------------------------------------------------ stage

Result<StagedPart> OrderedDataset::Stage(const Table& table, const StageOptions& options) const {
  const WriteOptions& wo = options.write;
  if (wo.duplicates_on) {
    return Status::InvalidArgument(
        "'duplicates_on' is not supported by a staged write (parts are committed as staged); "
        "write rows that need de-duplication with an ordinary write");
  }
  if (wo.max_n_off_target_rgs) {
    return Status::InvalidArgument(
        "'max_n_off_target_rgs' is not supported by a staged write (staged row groups are "
        "committed as they are)");
  }
  const std::string group = options.group.empty() ? NewStagingGroup() : options.group;
  if (!IsGroup(group)) {
    return Status::InvalidArgument("staging group '" + group +
                                   "' is not a name made by NewStagingGroup");
  }
  FileSystem& fs = *file_system();
  const dataset::DatasetPaths& paths = dataset::internal::Paths(*state_);
  OUPS_ASSIGN_OR_RETURN(std::optional<dataset::DatasetMetadata> committed,
                        dataset::internal::ReadCommitted(*state_));
  OUPS_ASSIGN_OR_RETURN(
      dataset::internal::ValidatedRows vr,
      dataset::internal::ValidateRows(*state_, table, wo, committed ? &*committed : nullptr));
  const Schema& schema = vr.rows.schema();
  const DataType otype = schema.field(schema.IndexOf(vr.ordered_on)).type;

  StagedPart part;
  part.dataset = paths.dir;
  part.token = group + "-" + Hex16(RandomU64());
  const std::string dir = PartDir(paths, part.token);
  // The directories this call creates (the part's, and _staging, the dataset
  // directory and its parents when missing), each made durable in its parent.
  std::vector<std::string> created_dirs;
  for (std::string d = dir; !d.empty() && d != "/" && d != ".";) {
    OUPS_ASSIGN_OR_RETURN(bool exists, fs.Exists(d));
    if (exists) break;
    created_dirs.push_back(d);
    const std::string up(DirName(d));
    if (up == d) break;
    d = up;
  }
  OUPS_RETURN_NOT_OK(fs.CreateDirs(dir));
  bool done = false;
  struct Cleanup {
    FileSystem& fs;
    const std::string& dir;
    bool& done;
    ~Cleanup() {
      if (!done) DeleteStagingDir(fs, dir);
    }
  } cleanup{fs, dir, done};

  dataset::DatasetMetadata manifest;
  manifest.ordered_on = vr.ordered_on;
  manifest.schema = schema;
  manifest.schema_extra_json = wo.schema_extra_json
                                   ? wo.schema_extra_json
                                   : (committed ? committed->schema_extra_json : std::nullopt);
  manifest.version = 1;
  manifest.committed_at = dataset::UtcNowIso8601();
  std::vector<Column> mins, maxs;
  if (vr.rows.num_rows() > 0) {
    dataset::WritePlanInput in;
    OUPS_ASSIGN_OR_RETURN(in.rg_mins, EmptyOf(otype));
    OUPS_ASSIGN_OR_RETURN(in.rg_maxs, EmptyOf(otype));
    OUPS_ASSIGN_OR_RETURN(in.new_values, vr.rows.GetColumn(vr.ordered_on));
    in.drop_duplicates = false;
    in.target = vr.target;
    in.max_n_off_target_rgs = kNoCoalescing;
    in.ordered_on = vr.ordered_on;
    OUPS_ASSIGN_OR_RETURN(dataset::WritePlan plan, dataset::PlanWrite(in));
    parquet::WriterOptions wopts;
    wopts.compression = vr.compression;
    wopts.sorting_column = vr.ordered_on;
    wopts.key_value_metadata = vr.file_key_values;
    dataset::MergeExecutionOptions eo;
    eo.ordered_on = vr.ordered_on;
    dataset::RowGroupLoader load = [](int64_t) -> Result<Table> {
      return Status::Internal("a staged write reads no stored row group");
    };
    auto emit = [&](size_t, Table rg) -> Status {
      const uint64_t k = part.files.size();
      StagedPart::File f;
      f.name = StagedFileName(k);
      OUPS_ASSIGN_OR_RETURN(auto file, fs.CreateNewFile(JoinPath(dir, f.name)));
      OUPS_RETURN_NOT_OK(
          dataset::WriteParquetFileDurably(std::move(file), rg, wopts, &f.crc32));
      f.n_rows = rg.num_rows();
      OUPS_ASSIGN_OR_RETURN(Column oc, rg.GetColumn(vr.ordered_on));
      mins.push_back(oc.Slice(0, 1));
      maxs.push_back(oc.Slice(oc.length() - 1, 1));
      manifest.file_ids.push_back(k);
      manifest.n_rows.push_back(static_cast<uint64_t>(f.n_rows));
      manifest.file_crc32[k] = f.crc32;
      part.n_rows += f.n_rows;
      part.files.push_back(std::move(f));
      return Status::OK();
    };
    OUPS_RETURN_NOT_OK(dataset::ExecuteWritePlan(plan, vr.rows, eo, load, emit));
  }
  if (mins.empty()) {
    OUPS_ASSIGN_OR_RETURN(manifest.mins, EmptyOf(otype));
    OUPS_ASSIGN_OR_RETURN(manifest.maxs, EmptyOf(otype));
  } else {
    OUPS_ASSIGN_OR_RETURN(manifest.mins, Concatenate(mins));
    OUPS_ASSIGN_OR_RETURN(manifest.maxs, Concatenate(maxs));
    manifest.max_used_file_id = part.files.size() - 1;
  }
  OUPS_RETURN_NOT_OK(dataset::WriteMetadataFile(fs, JoinPath(dir, kManifest), manifest));
  OUPS_RETURN_NOT_OK(fs.SyncDir(dir));
  for (const std::string& d : created_dirs) {
    const std::string up(DirName(d));
    OUPS_RETURN_NOT_OK(fs.SyncDir(up.empty() ? "." : up));
  }
  done = true;
  return part;
}

// ------------------------------------------------------------------ abort

Result<int64_t> OrderedDataset::AbortStaging(const std::string& group) const {
  if (!IsGroup(group)) {
    return Status::InvalidArgument("staging group '" + group +
                                   "' is not a name made by NewStagingGroup");
  }
  FileSystem& fs = *file_system();
  const dataset::DatasetPaths& paths = dataset::internal::Paths(*state_);
  auto entries = fs.ListDir(StagingDir(paths));
  if (!entries.ok()) {
    if (entries.status().IsNotFound()) return int64_t{0};
    return entries.status();
  }
  int64_t removed = 0;
  for (const FileInfo& e : *entries) {
    if (!e.is_dir || !IsToken(e.name) || e.name.compare(0, group.size(), group) != 0) continue;
    if (!DeleteStagingDir(fs, JoinPath(StagingDir(paths), e.name))) {
      return Status::IOError("could not delete staging directory '" +
                             JoinPath(StagingDir(paths), e.name) + "'");
    }
    ++removed;
  }
  fs.DeleteDir(StagingDir(paths)).IgnoreError();  // only when empty
  return removed;
}

Result<std::vector<std::string>> OrderedDataset::ListStaging() const {
  const dataset::DatasetPaths& paths = dataset::internal::Paths(*state_);
  std::vector<std::string> out;
  auto entries = file_system()->ListDir(StagingDir(paths));
  if (!entries.ok()) {
    if (entries.status().IsNotFound()) return out;
    return entries.status();
  }
  for (const FileInfo& e : *entries) out.push_back(e.name);
  return out;
}

// ------------------------------------------------------------------ commit

Status OrderedDataset::CommitStaged(const std::vector<StagedPart>& parts,
                                    const CommitStagedOptions& options) {
  if (parts.empty()) return Status::InvalidArgument("no staged part to commit");
  FileSystem& fs = *file_system();
  const dataset::DatasetPaths& paths = dataset::internal::Paths(*state_);

  // 1. The parts, checked against their staging directories (no lock: a
  //    staging directory belongs to the staged write that made it).
  std::vector<LoadedPart> loaded(parts.size());
  std::set<std::string> tokens;
  for (size_t i = 0; i < parts.size(); ++i) {
    const StagedPart& p = parts[i];
    const std::string label = "staged part " + std::to_string(i);
    if (p.dataset != paths.dir) {
      return Status::InvalidArgument(label + " was staged for dataset '" + p.dataset +
                                     "', not '" + paths.dir + "'");
    }
    if (!IsToken(p.token)) {
      return Status::InvalidArgument(label + ": '" + p.token + "' is not a staging token");
    }
    if (!tokens.insert(p.token).second) {
      return Status::InvalidArgument(label + " (" + p.token + ") is given twice");
    }
    LoadedPart& lp = loaded[i];
    lp.part = &p;
    lp.dir = PartDir(paths, p.token);
    auto manifest = dataset::ReadMetadataFile(fs, JoinPath(lp.dir, kManifest));
    if (!manifest.ok()) {
      if (manifest.status().IsNotFound()) {
        return Status::NotFound(label + ": its staging directory '" + lp.dir +
                                "' holds no part (it was aborted, swept as abandoned, or "
                                "committed already)");
      }
      return manifest.status();
    }
    lp.manifest = std::move(manifest).ValueOrDie();
    const dataset::DatasetMetadata& m = lp.manifest;
    bool same = m.num_row_groups() == static_cast<int64_t>(p.files.size()) && m.schema &&
                m.ordered_on;
    for (size_t k = 0; same && k < p.files.size(); ++k) {
      auto crc = m.file_crc32.find(k);
      same = m.file_ids[k] == k && m.n_rows[k] == static_cast<uint64_t>(p.files[k].n_rows) &&
             crc != m.file_crc32.end() && crc->second == p.files[k].crc32;
    }
    if (!same) {
      return Status::InvalidArgument(label + " does not match the manifest of its staging "
                                     "directory '" + lp.dir + "'");
    }
    OUPS_RETURN_NOT_OK(dataset::CheckNoOverlap(m, lp.dir));
    if (i > 0) {
      const dataset::DatasetMetadata& first = loaded[0].manifest;
      if (*m.ordered_on != *first.ordered_on) {
        return Status::InvalidArgument(label + " is ordered on '" + *m.ordered_on +
                                       "', staged part 0 on '" + *first.ordered_on + "'");
      }
      if (!SameColumns(*m.schema, *first.schema)) {
        return Status::InvalidArgument(label + " has columns (" + ColumnsText(*m.schema) +
                                       "), staged part 0 has (" + ColumnsText(*first.schema) +
                                       ")");
      }
    }
    OUPS_RETURN_NOT_OK(CheckPartFiles(fs, lp, i));
  }
  // In row order, without overlapping each other (a boundary value may be
  // shared, as between row groups).
  const LoadedPart* prev = nullptr;
  size_t prev_index = 0;
  for (size_t i = 0; i < loaded.size(); ++i) {
    const dataset::DatasetMetadata& m = loaded[i].manifest;
    if (m.num_row_groups() == 0) continue;
    if (prev != nullptr) {
      const dataset::DatasetMetadata& pm = prev->manifest;
      const int64_t last = pm.num_row_groups() - 1;
      if (CompareValues(pm.maxs, last, m.mins, 0) > 0) {
        return Status::InvalidArgument(
            "staged parts are out of order or overlap: part " + std::to_string(prev_index) +
            " ends at " + ValueText(pm.maxs, last) + ", after part " + std::to_string(i) +
            " starts at " + ValueText(m.mins, 0) +
            "; commit the parts in row order, each starting at or after the end of the "
            "previous one. Nothing was committed");
      }
    }
    prev = &loaded[i];
    prev_index = i;
  }
  const std::string ordered_on = *loaded[0].manifest.ordered_on;
  Schema schema = *loaded[0].manifest.schema;

  // 2. Under the writer lock: the committed state, the leftovers it proves.
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<FileLock> lock,
                        dataset::internal::LockWriter(*state_, options.lock_timeout));
  OUPS_ASSIGN_OR_RETURN(dataset::internal::LockedState locked,
                        dataset::internal::LoadLockedState(*state_, ordered_on));
  const dataset::DatasetMetadata& md = locked.md;
  {
    std::vector<Field> fields = schema.fields();
    if (md.schema) {
      if (!SameColumns(*md.schema, schema)) {
        return Status::InvalidArgument(
            "the staged parts have columns (" + ColumnsText(schema) + ") but dataset '" +
            paths.dir + "' stores (" + ColumnsText(*md.schema) +
            "); stage the rows again against the stored schema. Nothing was committed");
      }
      for (size_t f = 0; f < fields.size(); ++f) {
        fields[f].nullable = fields[f].nullable || md.schema->field(static_cast<int>(f)).nullable;
      }
    }
    for (const LoadedPart& lp : loaded) {
      for (size_t f = 0; f < fields.size(); ++f) {
        fields[f].nullable =
            fields[f].nullable || lp.manifest.schema->field(static_cast<int>(f)).nullable;
      }
    }
    schema = Schema(std::move(fields));
  }
  const int64_t R = md.num_row_groups();
  for (const LoadedPart& lp : loaded) {
    if (lp.manifest.num_row_groups() == 0) continue;
    if (R > 0 && CompareValues(md.maxs, R - 1, lp.manifest.mins, 0) > 0) {
      return Status::InvalidArgument(
          "the staged rows start at " + ValueText(lp.manifest.mins, 0) +
          ", before the last row of dataset '" + paths.dir + "' (" + ValueText(md.maxs, R - 1) +
          "): a staged write only appends. Write rows that go among the stored ones with an "
          "ordinary write. Nothing was committed");
    }
    break;
  }

  // 3. The new state: the stored row groups, then the staged files moved in.
  dataset::DatasetMetadata out;
  out.version = md.version + 1;
  out.committed_at = dataset::UtcNowIso8601();
  out.ordered_on = ordered_on;
  out.write_settings = md.write_settings;
  out.required_features = md.required_features;  // e.g. rgs of evolved schemas
  out.key_value_metadata = md.key_value_metadata;
  for (const auto& [k, v] : options.key_value_metadata) {
    if (v) {
      out.key_value_metadata[k] = *v;
    } else {
      out.key_value_metadata.erase(k);
    }
  }
  out.schema = schema;
  out.schema_extra_json = md.schema_extra_json;
  for (const LoadedPart& lp : loaded) {
    if (lp.manifest.schema_extra_json) out.schema_extra_json = lp.manifest.schema_extra_json;
  }
  out.max_used_file_id = md.max_known_file_id();
  if (!locked.kept_run.empty()) out.max_used_file_id = locked.kept_run.back();
  out.file_ids = md.file_ids;
  out.n_rows = md.n_rows;
  out.file_crc32 = md.file_crc32;
  std::vector<Column> mins, maxs;
  if (R > 0) {
    mins.push_back(md.mins);
    maxs.push_back(md.maxs);
  }

  // Files renamed so far, undone (renamed back, the last first, stopping at
  // the first failure: what stays is a run right above the mark) unless the
  // commit point is passed.
  struct Moves {
    FileSystem& fs;
    std::vector<std::pair<std::string, std::string>> done;  // from, to
    bool committed = false;
    ~Moves() {
      if (committed) return;
      for (auto it = done.rbegin(); it != done.rend(); ++it) {
        if (!fs.Rename(it->second, it->first).ok()) break;
      }
    }
  } moves{fs, {}, false};
  bool record_written = false;
  bool deletions_durable = false;
  size_t n_files = 0;
  for (const LoadedPart& lp : loaded) n_files += lp.part->files.size();
  if (n_files > 0) {
    if (!locked.exists && !locked.from_record) {
      OUPS_RETURN_NOT_OK(dataset::internal::WriteEmptyLeftoversRecord(*state_));
      record_written = true;
    }
    std::optional<uint64_t> next_id = dataset::FirstIdAboveMark(out);
    for (const LoadedPart& lp : loaded) {
      for (size_t k = 0; k < lp.part->files.size(); ++k) {
        if (!next_id) return dataset::NoIdLeft(paths);
        const uint64_t id = *next_id;
        next_id = id == std::numeric_limits<uint64_t>::max() ? std::nullopt
                                                             : std::optional<uint64_t>(id + 1);
        const std::string from = JoinPath(lp.dir, lp.part->files[k].name);
        const std::string to = paths.RowGroupFile(id);
        // Never replace a file (docs/format.md): the lock keeps other oups
        // writers out, so a file here is one nothing proves to be ours.
        OUPS_ASSIGN_OR_RETURN(bool taken, fs.Exists(to));
        if (taken) {
          return Status::AlreadyExists(
              "cannot commit the staged parts of dataset '" + paths.dir + "': '" + to +
              "' already exists, and the committed metadata '" + paths.metadata +
              "' neither lists it nor proves it to be a leftover of this dataset, so it is "
              "never replaced; move it out of the dataset directory, then commit again");
        }
        OUPS_RETURN_NOT_OK(fs.Rename(from, to));
        moves.done.emplace_back(from, to);
        out.file_ids.push_back(id);
        out.n_rows.push_back(static_cast<uint64_t>(lp.part->files[k].n_rows));
        out.file_crc32[id] = lp.part->files[k].crc32;
        if (!out.max_used_file_id || id > *out.max_used_file_id) out.max_used_file_id = id;
      }
      if (lp.manifest.num_row_groups() > 0) {
        mins.push_back(lp.manifest.mins);
        maxs.push_back(lp.manifest.maxs);
      }
    }
    // The new names, and the staged ones gone (a rename between two
    // directories is durable once both are synced); also makes the sweep's
    // deletions durable.
    OUPS_RETURN_NOT_OK(fs.SyncDir(paths.dir));
    for (const LoadedPart& lp : loaded) {
      if (!lp.part->files.empty()) OUPS_RETURN_NOT_OK(fs.SyncDir(lp.dir));
    }
    deletions_durable = true;
  }
  if (mins.empty()) {
    const DataType otype = schema.field(schema.IndexOf(ordered_on)).type;
    OUPS_ASSIGN_OR_RETURN(out.mins, EmptyOf(otype));
    OUPS_ASSIGN_OR_RETURN(out.maxs, EmptyOf(otype));
  } else {
    OUPS_ASSIGN_OR_RETURN(out.mins, Concatenate(mins));
    OUPS_ASSIGN_OR_RETURN(out.maxs, Concatenate(maxs));
  }
  dataset::internal::CarryObsolete(locked, deletions_durable, &out);
  // The record of this version (dataset/history.h); files the retention
  // frees are recorded as obsolete (the next write deletes them).
  dataset::HistoryCommitInput hin;
  hin.before = &md;
  hin.before_exists = locked.exists;
  hin.kind = "staged_write";
  auto hist = dataset::PrepareHistoryCommit(fs, paths, hin, &out);
  if (!hist.ok()) return hist.status();
  auto delete_history = [&] {
    for (const std::string& f : hist->written) fs.DeleteFile(f).IgnoreError();
  };
  if (!hist->freed.empty()) {
    std::set<uint64_t> obsolete(out.obsolete_file_ids.begin(), out.obsolete_file_ids.end());
    obsolete.insert(hist->freed.begin(), hist->freed.end());
    out.obsolete_file_ids.assign(obsolete.begin(), obsolete.end());
  }

  // 4. Commit: temp metadata file, fsync, rename, fsync parent.
  const std::string temp = dataset::internal::CommitTempFile(*state_);
  Status written = dataset::WriteMetadataFile(fs, temp, out);
  if (written.ok()) written = fs.Rename(temp, paths.metadata);
  if (!written.ok()) {
    fs.DeleteFile(temp).IgnoreError();
    delete_history();
    return written;
  }
  moves.committed = true;  // the new metadata is visible: the files stay
  OUPS_RETURN_NOT_OK(fs.SyncDir(paths.ParentDir()));  // COMMIT POINT when OK
  dataset::internal::AfterCommit(*state_, ordered_on);
  if (locked.from_record || record_written) fs.DeleteFile(paths.leftovers).IgnoreError();

  // 5. Best effort: the parts' staging directories, and abandoned ones.
  for (const LoadedPart& lp : loaded) DeleteStagingDir(fs, lp.dir);
  const std::string staging = StagingDir(paths);
  if (auto entries = fs.ListDir(staging); entries.ok()) {
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    for (const FileInfo& e : *entries) {
      if (e.is_dir && IsToken(e.name) && now - GroupSeconds(e.name) > kStagingMaxAgeSeconds) {
        DeleteStagingDir(fs, JoinPath(staging, e.name));
      }
    }
  }
  fs.DeleteDir(staging).IgnoreError();  // only when empty
  (void)lock;
  return Status::OK();
}

}  // namespace oups
