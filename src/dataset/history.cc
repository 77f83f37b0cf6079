// Records, checkpoints and the retention of a dataset's history
// (dataset/history.h, docs/format.md "Versions and history").
#include "dataset/history.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <unordered_set>

#include "oups/common/json.h"
#include "dataset/frequency.h"
#include "oups/parquet/file_reader.h"
#include "oups/table/builder.h"
#include "oups/table/kernels.h"

namespace oups::dataset {
namespace {

constexpr const char* kVersionKey = "oups_version";
constexpr const char* kVersionsKey = "oups_versions";
constexpr const char* kChange = "change";
constexpr const char* kPosition = "position";

std::string Padded(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%020llu", static_cast<unsigned long long>(v));
  return buf;
}

Result<Column> EmptyOf(const DataType& type) {
  ColumnBuilder b(type);
  return b.Finish();
}

Status Corrupt(const std::string& file, const std::string& what) {
  return Status::Corruption("history file '" + file + "': " + what);
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---------------------------------------------------------------- summaries

json::Value SummaryJson(const VersionInfo& v) { return VersionInfoJson(v); }

Result<VersionInfo> SummaryFromJson(const json::Value& o) {
  if (!o.is_object()) return Status::Corruption("a version summary is not an object");
  VersionInfo v;
  auto num = [&](const char* key, int64_t* out) -> Status {
    const json::Value* m = o.Find(key);
    if (m == nullptr) return Status::OK();
    OUPS_ASSIGN_OR_RETURN(*out, m->AsInt64());
    return Status::OK();
  };
  const json::Value* ver = o.Find("version");
  if (ver == nullptr) return Status::Corruption("a version summary has no version");
  OUPS_ASSIGN_OR_RETURN(v.version, ver->AsUInt64());
  if (const json::Value* k = o.Find("kind"); k && k->is_string()) v.kind = k->string_value();
  if (const json::Value* a = o.Find("committed_at"); a && a->is_string()) {
    v.committed_at = a->string_value();
  }
  OUPS_RETURN_NOT_OK(num("rows_added", &v.rows_added));
  OUPS_RETURN_NOT_OK(num("rows_removed", &v.rows_removed));
  OUPS_RETURN_NOT_OK(num("rows_written", &v.rows_written));
  OUPS_RETURN_NOT_OK(num("row_groups_written", &v.row_groups_written));
  OUPS_RETURN_NOT_OK(num("row_groups_dropped", &v.row_groups_dropped));
  OUPS_RETURN_NOT_OK(num("num_rows", &v.num_rows));
  OUPS_RETURN_NOT_OK(num("num_row_groups", &v.num_row_groups));
  if (const json::Value* kv = o.Find("kv_changes"); kv && kv->is_object()) {
    for (const auto& [k, val] : kv->members()) {
      v.kv_changes[k] = val.is_string() ? std::optional<std::string>(val.string_value())
                                        : std::nullopt;
    }
  }
  if (const json::Value* r = o.Find("restored_from"); r && !r->is_null()) {
    OUPS_ASSIGN_OR_RETURN(uint64_t from, r->AsUInt64());
    v.restored_from = from;
  }
  return v;
}

// The header of a version as a record keeps it: everything a read needs, no
// bookkeeping (obsolete ids, mark, history).
std::string StateJson(const DatasetMetadata& md) {
  DatasetMetadata h;
  h.ordered_on = md.ordered_on;
  h.key_value_metadata = md.key_value_metadata;
  h.schema = md.schema;
  h.schema_extra_json = md.schema_extra_json;
  h.version = md.version;
  h.committed_at = md.committed_at;
  h.write_settings = md.write_settings;
  h.required_features = md.required_features;
  return EncodeOupsJson(h);
}

// ------------------------------------------------------------ record files

struct RgRows {
  // Positions and the rows of `md` they index.
  std::vector<int64_t> positions;
};

// One history file: its summary, the state, and its rows (change, position,
// id, rows, min, max, crc).
struct HistoryFile {
  VersionInfo summary;
  std::string state_json;
  std::vector<VersionInfo> covered;  // checkpoints only
  std::vector<std::string> change;
  std::vector<int64_t> position;
  std::vector<uint64_t> file_ids;
  std::vector<uint64_t> n_rows;
  std::vector<std::optional<uint32_t>> crc;
  Column mins, maxs;
};

Status AppendRows(const DatasetMetadata& md, const std::vector<int64_t>& positions,
                  const std::string& change, std::vector<std::string>* changes,
                  std::vector<int64_t>* pos, std::vector<uint64_t>* ids,
                  std::vector<uint64_t>* rows, std::vector<uint32_t>* crcs,
                  std::vector<bool>* crc_valid, std::vector<Column>* mins,
                  std::vector<Column>* maxs) {
  if (positions.empty()) return Status::OK();
  const int64_t offset = md.partial ? md.first_row_group : 0;
  for (int64_t p : positions) {
    const size_t i = static_cast<size_t>(p);
    changes->push_back(change);
    pos->push_back(p + offset);
    ids->push_back(md.file_ids[i]);
    rows->push_back(md.n_rows[i]);
    auto c = md.file_crc32.find(md.file_ids[i]);
    crcs->push_back(c == md.file_crc32.end() ? 0 : c->second);
    crc_valid->push_back(c != md.file_crc32.end());
  }
  OUPS_ASSIGN_OR_RETURN(Column mn, Take(md.mins, positions.data(),
                                        static_cast<int64_t>(positions.size())));
  OUPS_ASSIGN_OR_RETURN(Column mx, Take(md.maxs, positions.data(),
                                        static_cast<int64_t>(positions.size())));
  mins->push_back(std::move(mn));
  maxs->push_back(std::move(mx));
  return Status::OK();
}

// Writes a history file: rows `parts` (change label, metadata, positions),
// statistics typed as `stat_type`, key-values `kv`; synced.
Status WriteHistoryFile(FileSystem& fs, const std::string& path, const DataType& stat_type,
                        const std::vector<std::tuple<std::string, const DatasetMetadata*,
                                                     std::vector<int64_t>>>& parts,
                        std::vector<parquet::KeyValue> kv) {
  std::vector<std::string> changes;
  std::vector<int64_t> pos;
  std::vector<uint64_t> ids, rows;
  std::vector<uint32_t> crcs;
  std::vector<bool> crc_valid;
  std::vector<Column> mins, maxs;
  for (const auto& [label, md, positions] : parts) {
    if (!positions.empty() && md->mins.type() != stat_type) {
      return Status::NotSupported("history of a dataset whose ordered column changed type (" +
                                  md->mins.type().ToString() + " to " + stat_type.ToString() +
                                  ")");
    }
    OUPS_RETURN_NOT_OK(AppendRows(*md, positions, label, &changes, &pos, &ids, &rows, &crcs,
                                  &crc_valid, &mins, &maxs));
  }
  Column mn, mx;
  if (mins.empty()) {
    OUPS_ASSIGN_OR_RETURN(mn, EmptyOf(stat_type));
    OUPS_ASSIGN_OR_RETURN(mx, EmptyOf(stat_type));
  } else {
    OUPS_ASSIGN_OR_RETURN(mn, mins.size() == 1 ? Result<Column>(mins[0]) : Concatenate(mins));
    OUPS_ASSIGN_OR_RETURN(mx, maxs.size() == 1 ? Result<Column>(maxs[0]) : Concatenate(maxs));
  }
  OUPS_ASSIGN_OR_RETURN(Column c_change, ColumnFromVector(DataType::String(), changes));
  OUPS_ASSIGN_OR_RETURN(Column c_pos, ColumnFromVector(DataType::Int64(), pos));
  OUPS_ASSIGN_OR_RETURN(Column c_ids, ColumnFromVector(DataType::UInt64(), ids));
  OUPS_ASSIGN_OR_RETURN(Column c_rows, ColumnFromVector(DataType::UInt64(), rows));
  OUPS_ASSIGN_OR_RETURN(Column c_crc, ColumnFromVector(DataType::UInt32(), crcs, crc_valid));
  Schema schema({Field{kChange, DataType::String(), false}, Field{kPosition, DataType::Int64(), false},
                 Field{"file_ids", DataType::UInt64(), false},
                 Field{"n_rows", DataType::UInt64(), false},
                 Field{"ordered_on_mins", stat_type, false},
                 Field{"ordered_on_maxs", stat_type, false},
                 Field{"file_crc32", DataType::UInt32(), true}});
  OUPS_ASSIGN_OR_RETURN(Table t,
                        Table::Make(schema, {c_change, c_pos, c_ids, c_rows, mn, mx, c_crc}));
  parquet::WriterOptions o;
  o.key_value_metadata = std::move(kv);
  o.row_group_size = std::max<int64_t>(t.num_rows(), 1);
  OUPS_ASSIGN_OR_RETURN(auto file, fs.OpenForWrite(path));
  return WriteParquetFileDurably(std::move(file), t, o);
}

// Reads a history file; `footer_only` stops after the key-values.
Result<HistoryFile> ReadHistoryFile(FileSystem& fs, const std::string& path, bool footer_only) {
  OUPS_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(fs, path));
  HistoryFile out;
  bool found = false;
  for (const auto& kv : reader->metadata().key_value_metadata) {
    if (kv.key == kVersionKey) {
      auto root = json::Parse(kv.value.value_or(""));
      if (!root.ok()) return Corrupt(path, root.status().message());
      auto s = SummaryFromJson(*root);
      if (!s.ok()) return Corrupt(path, s.status().message());
      out.summary = std::move(s).ValueOrDie();
      if (const json::Value* st = root->Find("state"); st && st->is_object()) {
        out.state_json = json::Serialize(*st);
      }
      found = true;
    } else if (kv.key == kVersionsKey) {
      auto root = json::Parse(kv.value.value_or(""));
      if (!root.ok() || !root->is_array()) return Corrupt(path, "oups_versions is not an array");
      for (const auto& item : root->items()) {
        auto s = SummaryFromJson(item);
        if (!s.ok()) return Corrupt(path, s.status().message());
        out.covered.push_back(std::move(s).ValueOrDie());
      }
    }
  }
  if (!found) return Corrupt(path, "no key 'oups_version'");
  if (footer_only) return out;
  OUPS_ASSIGN_OR_RETURN(Table t, reader->Read());
  OUPS_ASSIGN_OR_RETURN(Column change, t.GetColumn(kChange));
  OUPS_ASSIGN_OR_RETURN(Column pos, t.GetColumn(kPosition));
  OUPS_ASSIGN_OR_RETURN(Column ids, t.GetColumn("file_ids"));
  OUPS_ASSIGN_OR_RETURN(Column rows, t.GetColumn("n_rows"));
  OUPS_ASSIGN_OR_RETURN(out.mins, t.GetColumn("ordered_on_mins"));
  OUPS_ASSIGN_OR_RETURN(out.maxs, t.GetColumn("ordered_on_maxs"));
  OUPS_ASSIGN_OR_RETURN(Column crc, t.GetColumn("file_crc32"));
  if (change.type().id != TypeId::kString || pos.type().id != TypeId::kInt64 ||
      ids.type().id != TypeId::kUInt64 || rows.type().id != TypeId::kUInt64 ||
      crc.type().id != TypeId::kUInt32) {
    return Corrupt(path, "unexpected column types");
  }
  for (int64_t i = 0; i < t.num_rows(); ++i) {
    out.change.emplace_back(change.GetView(i));
    out.position.push_back(pos.data<int64_t>()[i]);
    out.file_ids.push_back(ids.data<uint64_t>()[i]);
    out.n_rows.push_back(rows.data<uint64_t>()[i]);
    out.crc.push_back(crc.IsNull(i) ? std::nullopt
                                    : std::optional<uint32_t>(crc.data<uint32_t>()[i]));
  }
  return out;
}

std::vector<parquet::KeyValue> VersionKv(const VersionInfo& s, const std::string& state_json) {
  json::Value o = SummaryJson(s);
  auto state = json::Parse(state_json);
  if (state.ok()) o.Add("state", std::move(state).ValueOrDie());
  return {parquet::KeyValue{kVersionKey, json::Serialize(o)}};
}

// The ids dropped by version `v`'s record.
Result<std::vector<uint64_t>> DroppedBy(FileSystem& fs, const DatasetPaths& paths, uint64_t v,
                                        VersionInfo* summary) {
  OUPS_ASSIGN_OR_RETURN(HistoryFile f, ReadHistoryFile(fs, RecordPath(paths, v), false));
  if (summary) *summary = f.summary;
  std::vector<uint64_t> out;
  for (size_t i = 0; i < f.change.size(); ++i) {
    if (f.change[i] == "dropped") out.push_back(f.file_ids[i]);
  }
  return out;
}

// `rows_before_whole`: rows of the whole `before` state (its list may be a
// tail only).
VersionInfo Summarize(const DatasetMetadata* before, const DatasetMetadata& after,
                      const std::vector<int64_t>& added, const std::vector<int64_t>& dropped,
                      const std::string& kind, int64_t rows_before_whole) {
  VersionInfo s;
  s.version = after.version;
  s.kind = kind;
  s.committed_at = after.committed_at.value_or("");
  const int64_t rows_before = before ? before->total_rows() : 0;
  const int64_t rows_after = after.total_rows();
  s.rows_added = std::max<int64_t>(0, rows_after - rows_before);
  s.rows_removed = std::max<int64_t>(0, rows_before - rows_after);
  for (int64_t p : added) s.rows_written += static_cast<int64_t>(after.n_rows[static_cast<size_t>(p)]);
  s.row_groups_written = static_cast<int64_t>(added.size());
  s.row_groups_dropped = static_cast<int64_t>(dropped.size());
  s.num_rows = rows_before_whole + rows_after - rows_before;
  s.num_row_groups = after.num_row_groups() + (after.partial ? after.first_row_group : 0);
  std::map<std::string, std::string> old_kv;
  if (before) old_kv = before->key_value_metadata;
  for (const auto& [k, v] : after.key_value_metadata) {
    auto it = old_kv.find(k);
    if (it == old_kv.end() || it->second != v) s.kv_changes[k] = v;
  }
  for (const auto& [k, v] : old_kv) {
    if (!after.key_value_metadata.count(k)) s.kv_changes[k] = std::nullopt;
  }
  return s;
}

Status SyncHistoryDir(FileSystem& fs, const DatasetPaths& paths) {
  return fs.SyncDir(HistoryDir(paths));
}

// The checkpoint a version is rebuilt from.
uint64_t CheckpointFor(const HistoryState& h, uint64_t v) {
  return std::max(h.base, v / kCheckpointInterval * kCheckpointInterval);
}

Status NotReadable(const DatasetPaths& paths, const DatasetMetadata& latest,
                   const std::optional<HistoryState>& h, uint64_t v) {
  const uint64_t oldest = h ? h->oldest : latest.version;
  return Status::NotFound("version " + std::to_string(v) + " of dataset '" + paths.dir +
                          "' is not readable: the readable versions are " +
                          (oldest == latest.version
                               ? std::to_string(oldest)
                               : std::to_string(oldest) + " to " + std::to_string(latest.version)) +
                          " (see versions(); keep more with keep_versions / keep_for)");
}

}  // namespace

// ------------------------------------------------------------------ state

Result<std::optional<HistoryState>> HistoryOf(const DatasetMetadata& md) {
  if (!md.history_json) return std::optional<HistoryState>();
  auto root = json::Parse(*md.history_json);
  if (!root.ok() || !root->is_object()) return Status::Corruption("history is not a JSON object");
  HistoryState h;
  auto u = [&](const char* key, uint64_t* out) -> Status {
    const json::Value* m = root->Find(key);
    if (m == nullptr) return Status::Corruption(std::string("history has no ") + key);
    auto v = m->AsUInt64();
    if (!v.ok()) return Status::Corruption(std::string("history.") + key + " is not a uint64");
    *out = *v;
    return Status::OK();
  };
  OUPS_RETURN_NOT_OK(u("oldest", &h.oldest));
  OUPS_RETURN_NOT_OK(u("base", &h.base));
  OUPS_RETURN_NOT_OK(u("swept_below", &h.swept_below));
  if (const json::Value* c = root->Find("base_checkpointed"); c && c->is_bool()) {
    h.base_checkpointed = c->bool_value();
  }
  if (const json::Value* n = root->Find("num_rows"); n && n->is_number()) {
    auto v = n->AsInt64();
    if (v.ok()) h.num_rows = *v;
  }
  if (const json::Value* k = root->Find("keep_versions"); k && !k->is_null()) {
    auto n = k->AsInt64();
    if (!n.ok() || *n < 1) return Status::Corruption("history.keep_versions is not an integer >= 1");
    h.keep_versions = *n;
  }
  if (const json::Value* k = root->Find("keep_for"); k && !k->is_null()) {
    if (!k->is_string()) return Status::Corruption("history.keep_for is not a string");
    auto ns = ParseKeepFor(k->string_value());
    if (!ns.ok()) return Status::Corruption("history.keep_for: " + ns.status().message());
    h.keep_for = k->string_value();
    h.keep_for_ns = *ns;
  }
  if (const json::Value* r = root->Find("revived"); r && r->is_object()) {
    for (const auto& [id, v] : r->members()) {
      auto n = v.AsUInt64();
      auto parsed = json::Parse(id);
      if (!n.ok() || !parsed.ok()) return Status::Corruption("history.revived is malformed");
      auto idn = parsed->AsUInt64();
      if (!idn.ok()) return Status::Corruption("history.revived is malformed");
      h.revived[*idn] = *n;
    }
  }
  if (h.oldest < h.base || h.swept_below > h.base || h.oldest > md.version) {
    return Status::Corruption("history: inconsistent versions (oldest " + std::to_string(h.oldest) +
                              ", base " + std::to_string(h.base) + ", version " +
                              std::to_string(md.version) + ")");
  }
  return std::optional<HistoryState>(h);
}

std::string EncodeHistory(const HistoryState& h) {
  json::Value o = json::Value::Object();
  o.Add("keep_versions", json::Value::Int(h.keep_versions));
  o.Add("keep_for", h.keep_for ? json::Value::String(*h.keep_for) : json::Value::Null());
  o.Add("oldest", json::Value::UInt(h.oldest));
  o.Add("base", json::Value::UInt(h.base));
  o.Add("swept_below", json::Value::UInt(h.swept_below));
  o.Add("base_checkpointed", json::Value::Bool(h.base_checkpointed));
  o.Add("num_rows", json::Value::Int(h.num_rows));
  if (!h.revived.empty()) {
    json::Value r = json::Value::Object();
    for (const auto& [id, v] : h.revived) r.Add(std::to_string(id), json::Value::UInt(v));
    o.Add("revived", std::move(r));
  }
  return json::Serialize(o);
}

Result<int64_t> ParseKeepFor(const std::string& text) {
  auto f = Frequency::Parse(text);
  if (!f.ok() || f->is_calendar() || f->fixed_ns <= 0) {
    return Status::InvalidArgument("'keep_for' must be a fixed duration such as \"30D\", "
                                   "\"12h\", \"90min\" or \"<n>ns\", not '" + text + "'");
  }
  return f->fixed_ns;
}

std::string HistoryDir(const DatasetPaths& paths) { return JoinPath(paths.dir, "_history"); }
std::string RecordPath(const DatasetPaths& paths, uint64_t version) {
  return JoinPath(HistoryDir(paths), "v_" + Padded(version) + ".parquet");
}
std::string CheckpointPath(const DatasetPaths& paths, uint64_t version) {
  return JoinPath(HistoryDir(paths), "c_" + Padded(version) + ".parquet");
}

Result<int64_t> ParseUtcIso8601(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char frac[16] = {0};
  int n = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%9[0-9]Z", &y, &mo, &d, &h, &mi, &s,
                      frac);
  if (n < 6) return Status::InvalidArgument("not a UTC time '" + text + "'");
  // days from civil (Howard Hinnant's algorithm).
  y -= mo <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = static_cast<unsigned>((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
  int64_t ns = ((days * 24 + h) * 60 + mi) * 60 + s;
  ns *= 1'000'000'000;
  std::string f(frac);
  f.resize(9, '0');
  if (n == 7) ns += std::stoll(f);
  return ns;
}

// ------------------------------------------------------------------ commit

Result<HistoryCommit> PrepareHistoryCommit(FileSystem& fs, const DatasetPaths& paths,
                                           const HistoryCommitInput& in, DatasetMetadata* after) {
  HistoryCommit out;
  const DatasetMetadata& before = *in.before;
  std::optional<HistoryState> prev;
  if (in.before_exists) {
    OUPS_ASSIGN_OR_RETURN(prev, HistoryOf(before));
  }
  HistoryState h = prev ? *prev : HistoryState{};
  if (in.keep_versions) {
    if (*in.keep_versions < 1) {
      return Status::InvalidArgument("'keep_versions' must be >= 1, not " +
                                     std::to_string(*in.keep_versions));
    }
    h.keep_versions = *in.keep_versions;
  }
  if (in.keep_for) {
    if (in.keep_for->empty()) {
      h.keep_for.reset();
      h.keep_for_ns = 0;
    } else {
      OUPS_ASSIGN_OR_RETURN(h.keep_for_ns, ParseKeepFor(*in.keep_for));
      h.keep_for = *in.keep_for;
    }
  }
  const uint64_t V = after->version;
  if (!prev && h.keep_versions <= 1 && !h.keep_for) {
    // No history started and none asked for (the default retention, the
    // latest only): the layout and the disk use of a dataset without history,
    // no record and no _history directory (docs/format.md, "Versions and
    // history"); the commit frees the files it stops listing. The history
    // starts with the first write that keeps more than the latest version.
    std::unordered_set<uint64_t> new_ids(after->file_ids.begin(), after->file_ids.end());
    for (uint64_t id : before.file_ids) {
      if (!new_ids.count(id)) out.freed.push_back(id);
    }
    return out;
  }
  if (!prev && in.new_version && after->file_ids.empty()) {
    // A dataset of metadata only keeps no directory (docs/behaviour.md
    // #datasets): its history starts with its first row group.
    OUPS_ASSIGN_OR_RETURN(bool dir_exists, fs.Exists(paths.dir));
    if (!dir_exists) {
      for (uint64_t id : before.file_ids) out.freed.push_back(id);
      return out;
    }
  }
  // The change: positions added in `after`, dropped from `before`.
  std::vector<int64_t> added, dropped;
  std::vector<uint64_t> dropped_ids;
  if (in.new_version) {
    std::unordered_set<uint64_t> old_ids(before.file_ids.begin(), before.file_ids.end());
    std::unordered_set<uint64_t> new_ids(after->file_ids.begin(), after->file_ids.end());
    for (size_t i = 0; i < after->file_ids.size(); ++i) {
      if (!old_ids.count(after->file_ids[i])) added.push_back(static_cast<int64_t>(i));
    }
    for (size_t i = 0; i < before.file_ids.size(); ++i) {
      if (!new_ids.count(before.file_ids[i])) {
        dropped.push_back(static_cast<int64_t>(i));
        dropped_ids.push_back(before.file_ids[i]);
      }
    }
  }
  const std::unordered_set<uint64_t> listed(after->file_ids.begin(), after->file_ids.end());
  const std::string hdir = HistoryDir(paths);

  // 1. Retention: which versions stay readable, which files that frees.
  bool write_base_checkpoint = false;  // the previous version's, now retained
  if (!prev) {
    // The history starts here: no earlier version is readable, so what this
    // commit drops is free at once (today's behaviour).
    h.oldest = h.base = h.swept_below = V;
    h.base_checkpointed = false;
    h.revived.clear();
    // History files of an earlier history (a removed dataset whose reader
    // kept them, or a history an older oups dropped) are unreachable: deleted
    // once no reader is registered (the directory is listed only here, when
    // a history starts).
    auto had_dir = fs.Exists(hdir);
    if (in.new_version && in.may_delete && had_dir.ok() && *had_dir) {
      auto entries = fs.ListDir(hdir);
      if (entries.ok() && !entries->empty() && in.may_delete()) {
        for (const FileInfo& e : *entries) {
          if (e.is_dir || e.name.size() != 30 || (e.name[0] != 'v' && e.name[0] != 'c')) continue;
          const std::string digits = e.name.substr(2, 20);
          if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
          if (std::stoull(digits) < V) {
            if (fs.DeleteFile(JoinPath(hdir, e.name)).ok()) ++out.history_files_deleted;
          }
        }
      }
    }
    for (uint64_t id : dropped_ids) {
      if (!listed.count(id)) out.freed.push_back(id);
    }
  } else {
    // Files a restore lists again.
    const std::optional<uint64_t> mark = before.max_known_file_id();
    for (int64_t p : added) {
      const uint64_t id = after->file_ids[static_cast<size_t>(p)];
      if (mark && id <= *mark) h.revived[id] = V;
    }
    // Expiry: the oldest version moves up while the retention does not keep
    // it; moving past version o frees what the commit of o + 1 dropped.
    const int64_t now = NowNs();
    uint64_t o = h.oldest;
    uint64_t processed = 0;
    while (o < V && processed < in.expiry_limit) {
      if (V - o < static_cast<uint64_t>(h.keep_versions)) break;
      std::vector<uint64_t> freed_by_next;
      VersionInfo next_summary;
      if (o + 1 == V && in.new_version) {
        freed_by_next = dropped_ids;
        next_summary.committed_at = after->committed_at.value_or("");
      } else {
        OUPS_ASSIGN_OR_RETURN(freed_by_next, DroppedBy(fs, paths, o + 1, &next_summary));
      }
      if (h.keep_for) {
        // Version o was in force until version o + 1 was committed.
        auto at = ParseUtcIso8601(next_summary.committed_at);
        if (!at.ok() || *at >= now - h.keep_for_ns) break;
      }
      for (uint64_t id : freed_by_next) {
        if (listed.count(id)) continue;
        if (auto r = h.revived.find(id); r != h.revived.end() && r->second > o + 1) continue;
        out.freed.push_back(id);
      }
      ++o;
      ++processed;
    }
    out.versions_expired = o - h.oldest;
    h.oldest = o;
    for (auto it = h.revived.begin(); it != h.revived.end();) {
      it = it->second <= o ? h.revived.erase(it) : std::next(it);
    }
    // History files below the committed base are needed by no committed
    // state since the commit that moved the base: deleted once no reader is
    // registered, and the directory synced before a state records it.
    if (h.swept_below < prev->base && in.may_delete && in.may_delete()) {
      bool ok = true;
      const uint64_t end = std::min(prev->base, h.swept_below + in.expiry_limit);
      for (uint64_t v = h.swept_below; v < end && ok; ++v) {
        for (const std::string& f : {RecordPath(paths, v), CheckpointPath(paths, v)}) {
          Status s = fs.DeleteFile(f);
          if (s.ok()) ++out.history_files_deleted;
          if (!s.ok() && !s.IsNotFound()) ok = false;
        }
      }
      if (ok && SyncHistoryDir(fs, paths).ok()) h.swept_below = end;
    }
    // The base: the latest version itself while it is the only readable one
    // (it needs no checkpoint: the metadata file is its state), else the
    // checkpoint at or below the oldest readable version. The checkpoint of
    // a base that was the latest version is written once that version is
    // retained as an older one (here, from `before`: that version's state).
    const uint64_t latest = in.new_version ? V : before.version;
    if (o == latest) {
      h.base = latest;
      h.base_checkpointed = !in.new_version && prev->base == latest && prev->base_checkpointed;
    } else {
      const uint64_t floor = o / kCheckpointInterval * kCheckpointInterval;
      if (floor > prev->base) {
        h.base = floor;  // a checkpoint written at that version
        h.base_checkpointed = true;
      } else {
        h.base = prev->base;
        if (!prev->base_checkpointed) {
          if (!in.new_version || prev->base != before.version) {
            return Status::Corruption("history of dataset '" + paths.dir +
                                      "': the checkpoint of version " +
                                      std::to_string(prev->base) + " was never written");
          }
          write_base_checkpoint = true;
          h.base_checkpointed = true;
        }
      }
    }
  }

  // 2. The record of the new version (and checkpoints), durably.
  if (in.new_version) {
    int64_t rows_before_whole = in.before_exists ? before.total_rows() : 0;
    if (before.partial) rows_before_whole = prev && prev->num_rows >= 0 ? prev->num_rows : -1;
    // A tail-only `before` (an append): the whole lists, only for a checkpoint.
    std::optional<DatasetMetadata> whole_before, whole_after;
    auto wholes = [&]() -> Status {
      if (whole_before) return Status::OK();
      if (!before.partial) {
        whole_before = before;
        whole_after = *after;
        return Status::OK();
      }
      if (!in.read_whole_before) {
        return Status::Internal("history: a checkpoint needs the whole rg list");
      }
      OUPS_ASSIGN_OR_RETURN(DatasetMetadata wb, in.read_whole_before());
      if (!after->partial || after->first_row_group > wb.num_row_groups()) {
        return Status::Internal("history: inconsistent tail of the rg list");
      }
      DatasetMetadata wa = *after;
      const int64_t k = after->first_row_group;
      wa.file_ids.assign(wb.file_ids.begin(), wb.file_ids.begin() + k);
      wa.n_rows.assign(wb.n_rows.begin(), wb.n_rows.begin() + k);
      wa.file_ids.insert(wa.file_ids.end(), after->file_ids.begin(), after->file_ids.end());
      wa.n_rows.insert(wa.n_rows.end(), after->n_rows.begin(), after->n_rows.end());
      wa.file_crc32 = after->file_crc32;
      for (int64_t i = 0; i < k; ++i) {
        const uint64_t id = wb.file_ids[static_cast<size_t>(i)];
        if (auto c = wb.file_crc32.find(id); c != wb.file_crc32.end()) wa.file_crc32[id] = c->second;
      }
      OUPS_ASSIGN_OR_RETURN(wa.mins, Concatenate({wb.mins.Slice(0, k), after->mins}));
      OUPS_ASSIGN_OR_RETURN(wa.maxs, Concatenate({wb.maxs.Slice(0, k), after->maxs}));
      wa.partial = false;
      wa.first_row_group = 0;
      if (rows_before_whole < 0) rows_before_whole = wb.total_rows();
      whole_before = std::move(wb);
      whole_after = std::move(wa);
      return Status::OK();
    };
    if (rows_before_whole < 0) OUPS_RETURN_NOT_OK(wholes());
    VersionInfo summary = Summarize(in.before_exists ? &before : nullptr, *after, added, dropped,
                                    in.kind, rows_before_whole);
    h.num_rows = summary.num_rows;
    summary.restored_from = in.restored_from;
    const std::string state = StateJson(*after);
    OUPS_ASSIGN_OR_RETURN(bool dir_exists, fs.Exists(hdir));
    if (!dir_exists) {
      OUPS_ASSIGN_OR_RETURN(bool ds_exists, fs.Exists(paths.dir));
      OUPS_RETURN_NOT_OK(fs.CreateDirs(hdir));
      if (!ds_exists) OUPS_RETURN_NOT_OK(fs.SyncDir(paths.ParentDir()));
      OUPS_RETURN_NOT_OK(fs.SyncDir(paths.dir));
    }
    const DataType stat_type = after->StatisticsType();
    const std::string record = RecordPath(paths, V);
    out.written.push_back(record);
    OUPS_RETURN_NOT_OK(WriteHistoryFile(
        fs, record, stat_type, {{"dropped", &before, dropped}, {"added", after, added}},
        VersionKv(summary, state)));
    auto all_of = [](const DatasetMetadata& md) {
      std::vector<int64_t> all(md.file_ids.size());
      for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
      return all;
    };
    if (write_base_checkpoint) {
      // The previous version's state, from its record's summary.
      OUPS_ASSIGN_OR_RETURN(HistoryFile prev_record,
                            ReadHistoryFile(fs, RecordPath(paths, before.version), true));
      std::vector<parquet::KeyValue> kv = VersionKv(prev_record.summary, StateJson(before));
      kv.push_back(parquet::KeyValue{kVersionsKey, "[]"});
      const std::string cp = CheckpointPath(paths, before.version);
      out.written.push_back(cp);
      OUPS_RETURN_NOT_OK(wholes());
      OUPS_RETURN_NOT_OK(WriteHistoryFile(fs, cp, whole_before->StatisticsType(),
                                          {{"listed", &*whole_before, all_of(*whole_before)}}, kv));
    }
    if (prev && V % kCheckpointInterval == 0 && h.oldest < V) {
      // A checkpoint: the whole list, and the summaries of the versions it
      // closes (those after the previous checkpoint that are readable).
      std::vector<parquet::KeyValue> kv = VersionKv(summary, state);
      json::Value covered = json::Value::Array();
      const uint64_t from = std::max<uint64_t>({h.base + 1, h.oldest, V - kCheckpointInterval + 1});
      for (uint64_t v = from; v < V; ++v) {
        OUPS_ASSIGN_OR_RETURN(HistoryFile f, ReadHistoryFile(fs, RecordPath(paths, v), true));
        covered.Push(SummaryJson(f.summary));
      }
      kv.push_back(parquet::KeyValue{kVersionsKey, json::Serialize(covered)});
      const std::string cp = CheckpointPath(paths, V);
      out.written.push_back(cp);
      OUPS_RETURN_NOT_OK(wholes());
      OUPS_RETURN_NOT_OK(WriteHistoryFile(fs, cp, stat_type,
                                          {{"listed", &*whole_after, all_of(*whole_after)}}, kv));
    }
    OUPS_RETURN_NOT_OK(SyncHistoryDir(fs, paths));
  }
  std::sort(out.freed.begin(), out.freed.end());
  out.freed.erase(std::unique(out.freed.begin(), out.freed.end()), out.freed.end());
  after->history_json = EncodeHistory(h);
  return out;
}

// ------------------------------------------------------------------ reads

Result<std::vector<VersionInfo>> ListVersions(FileSystem& fs, const DatasetPaths& paths,
                                              const DatasetMetadata& latest) {
  OUPS_ASSIGN_OR_RETURN(std::optional<HistoryState> h, HistoryOf(latest));
  std::vector<VersionInfo> out;
  if (!h) {
    VersionInfo v;
    v.version = latest.version;
    v.kind = "unknown";
    v.committed_at = latest.committed_at.value_or("");
    v.num_row_groups = latest.num_row_groups();
    v.num_rows = latest.total_rows();
    out.push_back(v);
    return out;
  }
  uint64_t v = h->oldest;
  while (v <= latest.version) {
    const uint64_t c = (v + kCheckpointInterval - 1) / kCheckpointInterval * kCheckpointInterval;
    if (c > v && c <= latest.version && c > h->base) {
      // The checkpoint at c holds the summaries of (c - 100, c).
      OUPS_ASSIGN_OR_RETURN(HistoryFile f, ReadHistoryFile(fs, CheckpointPath(paths, c), true));
      uint64_t next = v;
      for (const VersionInfo& s : f.covered) {
        if (s.version == next) {
          out.push_back(s);
          ++next;
        }
      }
      if (next == c) {
        out.push_back(f.summary);
        v = c + 1;
        continue;
      }
      v = next;  // a gap: read the records
    }
    OUPS_ASSIGN_OR_RETURN(HistoryFile f, ReadHistoryFile(fs, RecordPath(paths, v), true));
    out.push_back(f.summary);
    ++v;
  }
  return out;
}

Result<DatasetMetadata> ReadVersion(FileSystem& fs, const DatasetPaths& paths,
                                    const DatasetMetadata& latest, uint64_t version) {
  OUPS_ASSIGN_OR_RETURN(std::optional<HistoryState> h, HistoryOf(latest));
  if (version == latest.version) return latest;
  if (!h || version < h->oldest || version > latest.version) {
    return NotReadable(paths, latest, h, version);
  }
  const uint64_t c = CheckpointFor(*h, version);
  // The rg list as entries pointing into pools of statistics.
  struct Entry {
    uint64_t id, n_rows;
    std::optional<uint32_t> crc;
    size_t pool;
    int64_t row;
  };
  std::vector<Entry> list;
  std::vector<Column> mins_pool, maxs_pool;
  std::string state_json;
  for (uint64_t v = c; v <= version; ++v) {
    const std::string file = v == c ? CheckpointPath(paths, v) : RecordPath(paths, v);
    auto read = ReadHistoryFile(fs, file, false);
    if (!read.ok()) {
      if (read.status().IsNotFound()) {
        return Status::NotFound("version " + std::to_string(version) + " of dataset '" +
                                paths.dir + "' cannot be rebuilt: '" + file +
                                "' is missing (a vacuum may have run since this state was read)");
      }
      return read.status();
    }
    HistoryFile f = std::move(read).ValueOrDie();
    if (f.summary.version != v) return Corrupt(file, "it holds version " + std::to_string(f.summary.version));
    const size_t pool = mins_pool.size();
    mins_pool.push_back(f.mins);
    maxs_pool.push_back(f.maxs);
    if (v == c) {
      for (size_t i = 0; i < f.change.size(); ++i) {
        list.push_back(Entry{f.file_ids[i], f.n_rows[i], f.crc[i], pool, static_cast<int64_t>(i)});
      }
    } else {
      std::unordered_set<uint64_t> drop;
      std::vector<std::pair<int64_t, Entry>> add;
      for (size_t i = 0; i < f.change.size(); ++i) {
        if (f.change[i] == "dropped") {
          drop.insert(f.file_ids[i]);
        } else if (f.change[i] == "added") {
          add.push_back({f.position[i], Entry{f.file_ids[i], f.n_rows[i], f.crc[i], pool,
                                              static_cast<int64_t>(i)}});
        } else {
          return Corrupt(file, "unknown change '" + f.change[i] + "'");
        }
      }
      const size_t n_before = list.size();
      std::erase_if(list, [&](const Entry& e) { return drop.count(e.id) > 0; });
      if (n_before - list.size() != drop.size()) {
        return Corrupt(file, "it drops row groups that version " + std::to_string(v - 1) +
                                 " does not list");
      }
      std::sort(add.begin(), add.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto& [p, e] : add) {
        if (p < 0 || static_cast<size_t>(p) > list.size()) {
          return Corrupt(file, "position " + std::to_string(p) + " out of range");
        }
        list.insert(list.begin() + p, e);
      }
    }
    if (v == version) state_json = f.state_json;
  }
  DatasetMetadata md;
  OUPS_RETURN_NOT_OK(DecodeOupsJson(state_json, &md));
  const DataType want = md.StatisticsType();
  std::vector<int64_t> offsets;
  int64_t total = 0;
  std::vector<Column> mins_used, maxs_used;
  for (size_t p = 0; p < mins_pool.size(); ++p) {
    offsets.push_back(total);
    Column mn = mins_pool[p], mx = maxs_pool[p];
    if (mn.type() != want) {
      if (mn.length() == 0) {
        OUPS_ASSIGN_OR_RETURN(mn, EmptyOf(want));
        OUPS_ASSIGN_OR_RETURN(mx, EmptyOf(want));
      } else {
        OUPS_ASSIGN_OR_RETURN(mn, AsStoredType(mn, want, paths.dir));
        OUPS_ASSIGN_OR_RETURN(mx, AsStoredType(mx, want, paths.dir));
      }
    }
    total += mn.length();
    mins_used.push_back(mn);
    maxs_used.push_back(mx);
  }
  std::vector<int64_t> take;
  for (const Entry& e : list) {
    md.file_ids.push_back(e.id);
    md.n_rows.push_back(e.n_rows);
    if (e.crc) md.file_crc32[e.id] = *e.crc;
    take.push_back(offsets[e.pool] + e.row);
  }
  if (!list.empty()) {
    OUPS_ASSIGN_OR_RETURN(Column all_mins, Concatenate(mins_used));
    OUPS_ASSIGN_OR_RETURN(Column all_maxs, Concatenate(maxs_used));
    OUPS_ASSIGN_OR_RETURN(md.mins, Take(all_mins, take.data(), static_cast<int64_t>(take.size())));
    OUPS_ASSIGN_OR_RETURN(md.maxs, Take(all_maxs, take.data(), static_cast<int64_t>(take.size())));
  } else {
    OUPS_ASSIGN_OR_RETURN(md.mins, EmptyOf(want));
    OUPS_ASSIGN_OR_RETURN(md.maxs, EmptyOf(want));
  }
  md.max_used_file_id = latest.max_used_file_id;
  return md;
}

Result<uint64_t> VersionAt(FileSystem& fs, const DatasetPaths& paths,
                           const DatasetMetadata& latest, int64_t time_ns) {
  OUPS_ASSIGN_OR_RETURN(std::vector<VersionInfo> all, ListVersions(fs, paths, latest));
  std::optional<uint64_t> found;
  for (const VersionInfo& v : all) {
    auto at = ParseUtcIso8601(v.committed_at);
    if (!at.ok()) continue;
    if (*at <= time_ns) found = v.version;
  }
  if (!found) {
    return Status::NotFound("no readable version of dataset '" + paths.dir +
                            "' was committed at or before that time" +
                            (all.empty() ? std::string()
                                         : " (the oldest readable one was committed at " +
                                               all.front().committed_at + ")"));
  }
  return *found;
}

Result<std::vector<uint64_t>> RetainedUnlisted(FileSystem& fs, const DatasetPaths& paths,
                                               const DatasetMetadata& latest) {
  OUPS_ASSIGN_OR_RETURN(std::optional<HistoryState> h, HistoryOf(latest));
  std::set<uint64_t> out;
  if (!h) return std::vector<uint64_t>();
  std::unordered_set<uint64_t> listed(latest.file_ids.begin(), latest.file_ids.end());
  for (uint64_t v = h->oldest + 1; v <= latest.version; ++v) {
    OUPS_ASSIGN_OR_RETURN(std::vector<uint64_t> d, DroppedBy(fs, paths, v, nullptr));
    for (uint64_t id : d) {
      if (!listed.count(id)) out.insert(id);
    }
  }
  return std::vector<uint64_t>(out.begin(), out.end());
}

bool DeleteHistoryFiles(FileSystem& fs, const DatasetPaths& paths, const DatasetMetadata& latest) {
  auto h = HistoryOf(latest);
  if (!h.ok() || !*h) return true;
  bool ok = true;
  for (uint64_t v = (*h)->swept_below; v <= latest.version; ++v) {
    for (const std::string& f : {RecordPath(paths, v), CheckpointPath(paths, v)}) {
      Status s = fs.DeleteFile(f);
      if (!s.ok() && !s.IsNotFound()) ok = false;
    }
  }
  // A write interrupted before its commit point may have left the next ones.
  for (const std::string& f : {RecordPath(paths, latest.version + 1),
                               CheckpointPath(paths, latest.version + 1)}) {
    fs.DeleteFile(f).IgnoreError();
  }
  if (ok) {
    Status s = fs.DeleteDir(HistoryDir(paths));
    ok = s.ok() || s.IsNotFound();
  }
  return ok;
}

}  // namespace oups::dataset

namespace oups {

json::Value VersionInfoJson(const VersionInfo& v) {
  json::Value o = json::Value::Object();
  o.Add("version", json::Value::UInt(v.version));
  o.Add("kind", json::Value::String(v.kind));
  o.Add("committed_at", json::Value::String(v.committed_at));
  o.Add("rows_added", json::Value::Int(v.rows_added));
  o.Add("rows_removed", json::Value::Int(v.rows_removed));
  o.Add("rows_written", json::Value::Int(v.rows_written));
  o.Add("row_groups_written", json::Value::Int(v.row_groups_written));
  o.Add("row_groups_dropped", json::Value::Int(v.row_groups_dropped));
  o.Add("num_rows", json::Value::Int(v.num_rows));
  o.Add("num_row_groups", json::Value::Int(v.num_row_groups));
  json::Value kv = json::Value::Object();
  for (const auto& [k, val] : v.kv_changes) {
    kv.Add(k, val ? json::Value::String(*val) : json::Value::Null());
  }
  o.Add("kv_changes", std::move(kv));
  if (v.restored_from) o.Add("restored_from", json::Value::UInt(*v.restored_from));
  return o;
}

}  // namespace oups
