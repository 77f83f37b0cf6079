#include "dataset/metadata_file.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <functional>
#include <limits>
#include <mutex>
#include <set>
#include <utility>

#include <zlib.h>

#include "oups/common/json.h"
#include "dataset/schema_evolution.h"
#include "oups/io/file_system_wrapper.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"
#include "oups/parquet/statistics.h"
#include "oups/table/builder.h"
#include "oups/table/kernels.h"

namespace oups::dataset {
namespace {

constexpr const char* kFileIds = "file_ids";
constexpr const char* kNRows = "n_rows";
constexpr const char* kCrc32 = "file_crc32";
constexpr const char* kMins = "ordered_on_mins";
constexpr const char* kMaxs = "ordered_on_maxs";

// Syncs before closing, so that a Parquet writer's Close() (footer, then
// close) leaves durable content.
class SyncOnCloseFile final : public WritableFileWrapper {
 public:
  using WritableFileWrapper::WritableFileWrapper;
  Status Close() override {
    OUPS_RETURN_NOT_OK(base_->Sync());
    return base_->Close();
  }
};

// Computes the CRC-32 of every byte appended.
class Crc32File final : public WritableFileWrapper {
 public:
  Crc32File(std::unique_ptr<WritableFile> base, uint32_t* crc)
      : WritableFileWrapper(std::move(base)), crc_(crc) {
    *crc_ = static_cast<uint32_t>(::crc32(0L, Z_NULL, 0));
  }
  using WritableFileWrapper::Append;
  Status Append(const void* data, int64_t n) override {
    const auto* p = static_cast<const Bytef*>(data);
    for (int64_t done = 0; done < n;) {
      const uInt chunk = static_cast<uInt>(std::min<int64_t>(n - done, 1 << 30));
      *crc_ = static_cast<uint32_t>(::crc32(*crc_, p + done, chunk));
      done += chunk;
    }
    return base_->Append(data, n);
  }

 private:
  uint32_t* crc_;
};

struct TypeName {
  TypeId id;
  const char* name;
};
constexpr TypeName kTypeNames[] = {
    {TypeId::kBool, "bool"},         {TypeId::kInt8, "int8"},
    {TypeId::kInt16, "int16"},       {TypeId::kInt32, "int32"},
    {TypeId::kInt64, "int64"},       {TypeId::kUInt8, "uint8"},
    {TypeId::kUInt16, "uint16"},     {TypeId::kUInt32, "uint32"},
    {TypeId::kUInt64, "uint64"},     {TypeId::kFloat32, "float32"},
    {TypeId::kFloat64, "float64"},   {TypeId::kString, "string"},
    {TypeId::kBinary, "binary"},     {TypeId::kTimestamp, "timestamp"},
    {TypeId::kDate32, "date32"},     {TypeId::kDuration, "duration"},
    {TypeId::kDecimal, "decimal"},
};

json::Value TypeToJsonValue(const DataType& type) {
  json::Value v = json::Value::Object();
  for (const auto& tn : kTypeNames) {
    if (tn.id == type.id) v.Add("id", json::Value::String(tn.name));
  }
  if (type.id == TypeId::kTimestamp || type.id == TypeId::kDuration) {
    v.Add("unit", json::Value::String(std::string(TimeUnitName(type.unit))));
  }
  if (type.id == TypeId::kTimestamp && !type.timezone.empty()) {
    v.Add("tz", json::Value::String(type.timezone));
  }
  if (type.id == TypeId::kDecimal) {
    v.Add("precision", json::Value::Int(type.precision));
    v.Add("scale", json::Value::Int(type.scale));
  }
  return v;
}

Result<DataType> TypeFromJsonValue(const json::Value& v) {
  if (!v.is_object()) return Status::InvalidArgument("a column type is not an object");
  const json::Value* id = v.Find("id");
  if (id == nullptr || !id->is_string()) return Status::InvalidArgument("a column type has no id");
  DataType type;
  bool found = false;
  for (const auto& tn : kTypeNames) {
    if (id->string_value() == tn.name) {
      type = DataType::Of(tn.id);
      found = true;
    }
  }
  if (!found) return Status::InvalidArgument("unknown column type '" + id->string_value() + "'");
  if (type.id == TypeId::kTimestamp || type.id == TypeId::kDuration) {
    const json::Value* unit = v.Find("unit");
    if (unit == nullptr || !unit->is_string()) {
      return Status::InvalidArgument("a " + id->string_value() + " type has no unit");
    }
    bool unit_found = false;
    for (TimeUnit u : {TimeUnit::kSecond, TimeUnit::kMilli, TimeUnit::kMicro, TimeUnit::kNano}) {
      if (TimeUnitName(u) == unit->string_value()) {
        type.unit = u;
        unit_found = true;
      }
    }
    if (!unit_found) return Status::InvalidArgument("unknown time unit '" + unit->string_value() + "'");
  }
  if (type.id == TypeId::kTimestamp) {
    if (const json::Value* tz = v.Find("tz"); tz != nullptr) {
      if (!tz->is_string() || tz->string_value().empty()) {
        return Status::InvalidArgument("a timestamp time zone is not a non-empty string");
      }
      type.timezone = tz->string_value();
    }
  }
  if (type.id == TypeId::kDecimal) {
    const json::Value* p = v.Find("precision");
    const json::Value* s = v.Find("scale");
    if (p == nullptr || s == nullptr) return Status::InvalidArgument("a decimal type lacks precision or scale");
    OUPS_ASSIGN_OR_RETURN(int64_t pv, p->AsInt64());
    OUPS_ASSIGN_OR_RETURN(int64_t sv, s->AsInt64());
    if (pv < 1 || pv > 38 || sv < 0 || sv > pv) return Status::InvalidArgument("invalid decimal precision/scale");
    type.precision = static_cast<int32_t>(pv);
    type.scale = static_cast<int32_t>(sv);
  }
  return type;
}

// The compact JSON array of strings that `name` spells, if it is exactly one.
std::optional<json::Value> AsMultiIndexTuple(const std::string& name) {
  if (name.empty() || name.front() != '[') return std::nullopt;
  auto parsed = json::Parse(name);
  if (!parsed.ok() || !parsed->is_array() || parsed->items().empty()) return std::nullopt;
  for (const auto& item : parsed->items()) {
    if (!item.is_string()) return std::nullopt;
  }
  if (json::Serialize(*parsed) != name) return std::nullopt;
  return std::move(parsed).ValueOrDie();
}

Result<Column> EmptyColumn(const DataType& type) {
  ColumnBuilder b(type);
  return b.Finish();
}

std::vector<uint64_t> ToVector(const Column& c) {
  const uint64_t* d = c.data<uint64_t>();
  return std::vector<uint64_t>(d, d + c.length());
}

}  // namespace

std::string TypeToJson(const DataType& type) { return json::Serialize(TypeToJsonValue(type)); }

int64_t DatasetMetadata::total_rows() const {
  int64_t n = 0;
  for (uint64_t r : n_rows) n += static_cast<int64_t>(r);
  return n;
}

std::optional<uint64_t> DatasetMetadata::max_known_file_id() const {
  std::optional<uint64_t> m = max_used_file_id;
  for (uint64_t id : file_ids) {
    if (!m || id > *m) m = id;
  }
  for (uint64_t id : obsolete_file_ids) {
    if (!m || id > *m) m = id;
  }
  return m;
}

DataType DatasetMetadata::StatisticsType() const {
  if (schema && ordered_on) {
    int i = schema->IndexOf(*ordered_on);
    if (i >= 0) return schema->field(i).type;
  }
  return DataType::Int64();
}

bool IsOrderableType(const DataType& t) {
  return t.is_integer() || t.is_floating() || t.id == TypeId::kTimestamp ||
         t.id == TypeId::kDate32 || t.id == TypeId::kString;
}

bool KnownFeature(const std::string& name) { return name == kSchemaEvolutionFeature; }

bool DatasetMetadata::HasFeature(const std::string& name) const {
  return std::find(required_features.begin(), required_features.end(), name) !=
         required_features.end();
}

std::string UtcNowIso8601() {
  const auto now = std::chrono::system_clock::now();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(us.count() / 1'000'000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(us.count() % 1'000'000));
  return buf;
}

std::string EncodeOupsJson(const DatasetMetadata& md) {
  json::Value root = json::Value::Object();
  root.Add("format_version", json::Value::Int(kFormatVersion));
  if (!md.ordered_on) {
    root.Add("ordered_on", json::Value::Null());
  } else if (auto tuple = AsMultiIndexTuple(*md.ordered_on)) {
    root.Add("ordered_on", std::move(*tuple));
  } else {
    root.Add("ordered_on", json::Value::String(*md.ordered_on));
  }
  json::Value kv = json::Value::Object();
  for (const auto& [k, v] : md.key_value_metadata) kv.Add(k, json::Value::String(v));
  root.Add("key_value_metadata", std::move(kv));
  if (!md.schema) {
    root.Add("schema", json::Value::Null());
  } else {
    json::Value schema = json::Value::Object();
    json::Value fields = json::Value::Array();
    for (const Field& f : md.schema->fields()) {
      json::Value jf = json::Value::Object();
      jf.Add("name", json::Value::String(f.name));
      jf.Add("type", TypeToJsonValue(f.type));
      jf.Add("nullable", json::Value::Bool(f.nullable));
      fields.Push(std::move(jf));
    }
    schema.Add("fields", std::move(fields));
    if (md.schema_extra_json) {
      // Validated when set; an unparsable text is stored as a JSON string.
      auto extra = json::Parse(*md.schema_extra_json);
      schema.Add("pandas", extra.ok() ? std::move(extra).ValueOrDie()
                                      : json::Value::String(*md.schema_extra_json));
    } else {
      schema.Add("pandas", json::Value::Null());
    }
    root.Add("schema", std::move(schema));
  }
  root.Add("max_used_file_id", md.max_used_file_id ? json::Value::UInt(*md.max_used_file_id)
                                                   : json::Value::Null());
  if (!md.obsolete_file_ids.empty()) {
    json::Value ids = json::Value::Array();
    for (uint64_t id : md.obsolete_file_ids) ids.Push(json::Value::UInt(id));
    root.Add("obsolete_file_ids", std::move(ids));
  }
  root.Add("version", json::Value::UInt(md.version));
  if (md.committed_at) root.Add("committed_at", json::Value::String(*md.committed_at));
  if (!md.required_features.empty()) {
    json::Value features = json::Value::Array();
    for (const std::string& f : md.required_features) features.Push(json::Value::String(f));
    root.Add("required_features", std::move(features));
  }
  if (!md.write_settings.empty()) {
    const WriteSettings& ws = md.write_settings;
    json::Value settings = json::Value::Object();
    if (ws.row_group_target_size) {
      if (const int64_t* n = std::get_if<int64_t>(&*ws.row_group_target_size)) {
        settings.Add("row_group_target_size", json::Value::Int(*n));
      } else {
        settings.Add("row_group_target_size",
                     json::Value::String(std::get<std::string>(*ws.row_group_target_size)));
      }
    }
    if (ws.max_n_off_target_rgs) {
      settings.Add("max_n_off_target_rgs", *ws.max_n_off_target_rgs
                                               ? json::Value::Int(**ws.max_n_off_target_rgs)
                                               : json::Value::Null());
    }
    root.Add("write_settings", std::move(settings));
  }
  if (md.history_json) {
    auto history = json::Parse(*md.history_json);
    if (history.ok()) root.Add("history", std::move(history).ValueOrDie());
  }
  return json::Serialize(root);
}

Status DecodeOupsJson(const std::string& text, DatasetMetadata* md) {
  OUPS_ASSIGN_OR_RETURN(json::Value root, json::Parse(text));
  if (!root.is_object()) return Status::Corruption("key 'oups' is not a JSON object");
  const json::Value* version = root.Find("format_version");
  if (version == nullptr) return Status::Corruption("key 'oups' has no format_version");
  auto v = version->AsInt64();
  if (!v.ok() || *v < 1) {
    return Status::Corruption("invalid format_version " + json::Serialize(*version));
  }
  if (*v > kFormatVersion) {
    return Status::NotSupported("format_version " + std::to_string(*v) +
                                " is newer than the supported version " +
                                std::to_string(kFormatVersion) + "; upgrade oups");
  }
  md->format_version = static_cast<int>(*v);
  if (const json::Value* req = root.Find("required_features"); req != nullptr && !req->is_null()) {
    if (!req->is_array()) return Status::Corruption("required_features is not an array");
    for (const auto& f : req->items()) {
      const std::string name = f.is_string() ? f.string_value() : json::Serialize(f);
      if (!f.is_string() || !KnownFeature(name)) {
        return Status::NotSupported("it requires the feature '" + name +
                                    "', unknown to this version of oups; upgrade oups");
      }
      md->required_features.push_back(name);
    }
    std::sort(md->required_features.begin(), md->required_features.end());
    md->required_features.erase(
        std::unique(md->required_features.begin(), md->required_features.end()),
        md->required_features.end());
  }
  if (const json::Value* ver = root.Find("version"); ver != nullptr && !ver->is_null()) {
    auto n = ver->AsUInt64();
    if (!n.ok()) return Status::Corruption("version is not a uint64");
    md->version = *n;
  }
  if (const json::Value* at = root.Find("committed_at"); at != nullptr && !at->is_null()) {
    if (!at->is_string()) return Status::Corruption("committed_at is not a string");
    md->committed_at = at->string_value();
  }
  const json::Value* oo = root.Find("ordered_on");
  if (oo == nullptr) return Status::Corruption("key 'oups' has no ordered_on");
  if (oo->is_string()) {
    md->ordered_on = oo->string_value();
  } else if (oo->is_array()) {
    if (oo->items().empty()) return Status::Corruption("ordered_on is an empty array");
    for (const auto& item : oo->items()) {
      if (!item.is_string()) return Status::Corruption("ordered_on holds a non-string label");
    }
    md->ordered_on = json::Serialize(*oo);
  } else if (!oo->is_null()) {
    return Status::Corruption("ordered_on is neither a string nor an array of strings");
  }
  const json::Value* kv = root.Find("key_value_metadata");
  if (kv == nullptr || !kv->is_object()) {
    return Status::Corruption("key_value_metadata is missing or not an object");
  }
  for (const auto& [k, val] : kv->members()) {
    if (!val.is_string()) {
      return Status::Corruption("key_value_metadata value of '" + k + "' is not a string");
    }
    md->key_value_metadata[k] = val.string_value();
  }
  const json::Value* schema = root.Find("schema");
  if (schema != nullptr && !schema->is_null()) {
    if (!schema->is_object()) return Status::Corruption("schema is not an object");
    const json::Value* fields = schema->Find("fields");
    if (fields == nullptr || !fields->is_array()) return Status::Corruption("schema has no fields array");
    std::vector<Field> out;
    std::set<std::string> names;
    for (const auto& jf : fields->items()) {
      const json::Value* name = jf.Find("name");
      const json::Value* type = jf.Find("type");
      const json::Value* nullable = jf.Find("nullable");
      if (name == nullptr || !name->is_string() || type == nullptr || nullable == nullptr ||
          !nullable->is_bool()) {
        return Status::Corruption("schema field without name, type or nullable");
      }
      if (!names.insert(name->string_value()).second) {
        return Status::Corruption("schema field '" + name->string_value() + "' is duplicated");
      }
      auto t = TypeFromJsonValue(*type);
      if (!t.ok()) {
        return Status::Corruption("schema field '" + name->string_value() +
                                  "': " + t.status().message());
      }
      out.push_back(Field{name->string_value(), *t, nullable->bool_value()});
    }
    md->schema = Schema(std::move(out));
    const json::Value* extra = schema->Find("pandas");
    if (extra != nullptr && !extra->is_null()) md->schema_extra_json = json::Serialize(*extra);
  }
  if (const json::Value* ws = root.Find("write_settings"); ws != nullptr && !ws->is_null()) {
    if (!ws->is_object()) return Status::Corruption("write_settings is not an object");
    if (const json::Value* t = ws->Find("row_group_target_size"); t != nullptr) {
      if (t->is_string()) {
        md->write_settings.row_group_target_size = t->string_value();
      } else if (auto n = t->AsInt64(); n.ok()) {
        md->write_settings.row_group_target_size = *n;
      } else {
        return Status::Corruption(
            "write_settings.row_group_target_size is neither an integer nor a string");
      }
    }
    if (const json::Value* m = ws->Find("max_n_off_target_rgs"); m != nullptr) {
      if (m->is_null()) {
        md->write_settings.max_n_off_target_rgs = std::optional<int64_t>{};
      } else if (auto n = m->AsInt64(); n.ok()) {
        md->write_settings.max_n_off_target_rgs = std::optional<int64_t>{*n};
      } else {
        return Status::Corruption("write_settings.max_n_off_target_rgs is neither null nor an "
                                  "integer");
      }
    }
  }
  if (const json::Value* h = root.Find("history"); h != nullptr && !h->is_null()) {
    if (!h->is_object()) return Status::Corruption("history is not an object");
    md->history_json = json::Serialize(*h);
  }
  const json::Value* hwm = root.Find("max_used_file_id");
  if (hwm != nullptr && !hwm->is_null()) {
    auto h = hwm->AsUInt64();
    if (!h.ok()) return Status::Corruption("max_used_file_id is not a uint64");
    md->max_used_file_id = *h;
  }
  const json::Value* obsolete = root.Find("obsolete_file_ids");
  if (obsolete != nullptr && !obsolete->is_null()) {
    if (!obsolete->is_array()) return Status::Corruption("obsolete_file_ids is not an array");
    std::set<uint64_t> ids;
    for (const auto& item : obsolete->items()) {
      auto id = item.AsUInt64();
      if (!id.ok()) return Status::Corruption("obsolete_file_ids holds a value that is not a uint64");
      ids.insert(*id);
    }
    md->obsolete_file_ids.assign(ids.begin(), ids.end());
  }
  const json::Value* crcs = md->format_version == 1 ? root.Find("file_crc32") : nullptr;
  if (crcs != nullptr && !crcs->is_null()) {
    if (!crcs->is_object()) return Status::Corruption("file_crc32 is not an object");
    for (const auto& [key, val] : crcs->members()) {
      uint64_t id = 0;
      const bool digits = !key.empty() && key.size() <= 20 &&
                          std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!digits) return Status::Corruption("file_crc32 has a key that is not a file id: '" + key + "'");
      try {
        id = std::stoull(key);
      } catch (...) {
        return Status::Corruption("file_crc32 has a key that is not a file id: '" + key + "'");
      }
      auto crc = val.AsUInt64();
      if (!crc.ok() || *crc > 0xFFFFFFFFULL) {
        return Status::Corruption("file_crc32 of file id " + key + " is not a uint32");
      }
      md->file_crc32[id] = static_cast<uint32_t>(*crc);
    }
  }
  if (md->schema && md->ordered_on && md->schema->IndexOf(*md->ordered_on) < 0) {
    return Status::Corruption("ordered column '" + *md->ordered_on + "' is not in the schema");
  }
  return Status::OK();
}

// `message` without a leading "PATH: " (the Parquet reader names its file itself), so
// that an error built around it names the path once.
static std::string WithoutPath(const std::string& message, const std::string& path) {
  const std::string named = path + ": ";
  return message.rfind(named, 0) == 0 ? message.substr(named.size()) : message;
}

namespace {

// What opening a metadata file decodes before any rg: its footer, and the
// header (JSON and column checks) derived from nothing but the footer's bytes.
struct DecodedHeader {
  std::shared_ptr<const parquet::DecodedFooter> footer;
  DatasetMetadata header;
  size_t n_cols = 0;
};

// The headers of the metadata files opened last in this process, by file
// system and path: opening a file again whose footer has the same bytes (no
// commit replaced it meanwhile) takes the decoded header instead of decoding
// the footer (20 chunks of statistics for 20,000 rgs) and the JSON again.
// Only a hint: a hit is taken only when the file's footer bytes and size are
// the entry's (parquet::FileReader::Open), so that an entry can never give
// another state than the file's. At most kEntries entries, the least recently
// used one dropped first.
class HeaderCache {
 public:
  static HeaderCache& Get() {
    static HeaderCache* cache = new HeaderCache();  // never destroyed (exit order)
    return *cache;
  }
  std::shared_ptr<const DecodedHeader> Find(const FileSystem* fs, const std::string& path) {
    std::lock_guard<std::mutex> g(mu_);
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].fs == fs && entries_[i].path == path) {
        std::rotate(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(i),
                    entries_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
        return entries_.front().header;
      }
    }
    return nullptr;
  }
  void Put(const FileSystem* fs, const std::string& path,
           std::shared_ptr<const DecodedHeader> header) {
    std::lock_guard<std::mutex> g(mu_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->fs == fs && it->path == path) {
        entries_.erase(it);
        break;
      }
    }
    if (entries_.size() >= kEntries) entries_.pop_back();
    entries_.insert(entries_.begin(), Entry{fs, path, std::move(header)});
  }

 private:
  static constexpr size_t kEntries = 64;
  struct Entry {
    const FileSystem* fs;
    std::string path;
    std::shared_ptr<const DecodedHeader> header;
  };
  std::mutex mu_;
  std::vector<Entry> entries_;  // most recently used first
};

}  // namespace

struct MetadataFile::Impl {
  std::string path;
  std::unique_ptr<parquet::FileReader> reader;
  std::shared_ptr<const DecodedHeader> decoded;  // header: everything but the rg list
  const DatasetMetadata& header() const { return decoded->header; }
  size_t n_cols = 0;
  std::mutex mu;           // one decode at a time on `reader`

  Status Corrupt(const std::string& what) const {
    return Status::Corruption("metadata file " + path + " is corrupt: " + WithoutPath(what, path));
  }
  // The rgs of the chunks `ro` selects; file_crc32 only when `with_crc32`
  // (a read does not use the checksums: building their map is a third of
  // decoding a chunk).
  Result<DatasetMetadata> Decode(const parquet::ReadOptions& ro, int64_t first_row_group,
                                 bool with_crc32 = true);
};

MetadataFile::MetadataFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MetadataFile::~MetadataFile() = default;

Result<std::unique_ptr<MetadataFile>> MetadataFile::Open(FileSystem& fs, const std::string& path) {
  std::shared_ptr<const DecodedHeader> cached = HeaderCache::Get().Find(&fs, path);
  auto reader_r = parquet::FileReader::Open(fs, path, cached ? cached->footer : nullptr);
  if (!reader_r.ok()) {
    const Status& st = reader_r.status();
    if (st.IsNotFound() || st.IsIOError()) return st;
    return Status::Corruption("metadata file " + path + ": " + WithoutPath(st.message(), path));
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->reader = std::move(reader_r).ValueOrDie();
  if (cached && impl->reader->footer() == cached->footer) {
    // The same footer bytes: the header decoded from them before.
    impl->decoded = std::move(cached);
    impl->n_cols = impl->decoded->n_cols;
    return std::unique_ptr<MetadataFile>(new MetadataFile(std::move(impl)));
  }
  auto decoded = std::make_shared<DecodedHeader>();
  decoded->footer = impl->reader->footer();
  const parquet::FileMetadata& fmd = impl->reader->metadata();
  std::optional<std::string> oups = fmd.GetKeyValue(kOupsKey);
  const auto& cols = fmd.columns;
  // Legacy layout of the original oups (docs/behaviour.md#datasets): pickled
  // dict, file_ids uint16 / n_rows uint32.
  const bool legacy_types = cols.size() == 4 && cols[0].logical.id == TypeId::kUInt16;
  if (legacy_types || (oups && !oups->empty() && oups->front() != '{')) {
    return Status::NotSupported("dataset of metadata file " + path +
                                " was written by the original Python oups (legacy layout); "
                                "reading it is not supported yet");
  }
  if (!oups) return impl->Corrupt("no 'oups' key");
  DatasetMetadata& md = decoded->header;
  Status st = DecodeOupsJson(*oups, &md);
  if (!st.ok()) {
    if (st.IsNotSupported()) {
      return Status::NotSupported("metadata file " + path + ": " + st.message());
    }
    return impl->Corrupt(st.message());
  }
  const char* expected[] = {kFileIds, kNRows, kMins, kMaxs, kCrc32};
  impl->n_cols = md.format_version == 1 ? 4 : 5;
  if (cols.size() != impl->n_cols) {
    return impl->Corrupt("expected " + std::to_string(impl->n_cols) + " columns, found " +
                         std::to_string(cols.size()));
  }
  for (size_t i = 0; i < impl->n_cols; ++i) {
    if (cols[i].name != expected[i]) {
      return impl->Corrupt("column " + std::to_string(i) + " is '" + cols[i].name +
                           "', expected '" + expected[i] + "'");
    }
  }
  decoded->n_cols = impl->n_cols;
  impl->decoded = decoded;
  HeaderCache::Get().Put(&fs, path, std::move(decoded));
  return std::unique_ptr<MetadataFile>(new MetadataFile(std::move(impl)));
}

const DatasetMetadata& MetadataFile::header() const { return impl_->header(); }
int64_t MetadataFile::num_row_groups() const { return impl_->reader->metadata().num_rows; }
const std::string& MetadataFile::path() const { return impl_->path; }

Result<DatasetMetadata> MetadataFile::ReadAll() { return impl_->Decode(parquet::ReadOptions{}, 0); }

Result<DatasetMetadata> MetadataFile::ReadRange(const std::optional<Scalar>& start,
                                                const std::optional<Scalar>& end_excl) {
  const parquet::FileMetadata& fmd = impl_->reader->metadata();
  const int n_chunks = static_cast<int>(fmd.row_groups.size());
  if ((!start && !end_excl) || n_chunks < 2) {
    return impl_->Decode(parquet::ReadOptions{}, 0, /*with_crc32=*/false);
  }
  // A chunk may hold an rg of the range when its largest max is >= start and
  // its smallest min is < end_excl (the statistics of the maxs and the mins
  // columns). Rgs are ordered, so the chunks selected by both form one run.
  auto by_max = parquet::SelectRowGroups(fmd, kMaxs, start, std::nullopt);
  auto by_min = parquet::SelectRowGroups(fmd, kMins, std::nullopt, end_excl);
  // Bounds of another type than the statistics' (e.g. seconds stored as
  // milliseconds): the whole list, and the read compares as usual.
  if (!by_max.ok() || !by_min.ok()) return impl_->Decode(parquet::ReadOptions{}, 0, false);
  int first = n_chunks, last = -1;
  for (int k : *by_max) {
    if (std::binary_search(by_min->begin(), by_min->end(), k)) {
      first = std::min(first, k);
      last = std::max(last, k);
    }
  }
  parquet::ReadOptions ro;
  ro.all_row_groups = false;
  int64_t first_rg = 0;
  for (int k = 0; k < n_chunks; ++k) {
    if (k < first) first_rg += fmd.row_groups[static_cast<size_t>(k)].num_rows;
    if (k >= first && k <= last) ro.row_groups.push_back(k);
  }
  if (ro.row_groups.empty()) first_rg = 0;
  return impl_->Decode(ro, first_rg, /*with_crc32=*/false);
}

Result<DatasetMetadata> MetadataFile::ReadTail(const Scalar& from) {
  const parquet::FileMetadata& fmd = impl_->reader->metadata();
  const int n_chunks = static_cast<int>(fmd.row_groups.size());
  if (n_chunks < 2 || impl_->n_cols != 5) return ReadAll();
  auto by_max = parquet::SelectRowGroups(fmd, kMaxs, from, std::nullopt);
  if (!by_max.ok()) return ReadAll();
  int first = n_chunks - 1;
  for (int k : *by_max) first = std::min(first, k);
  if (first == 0) return ReadAll();
  parquet::ReadOptions ro;
  ro.all_row_groups = false;
  int64_t first_rg = 0;
  for (int k = 0; k < n_chunks; ++k) {
    if (k < first) {
      first_rg += fmd.row_groups[static_cast<size_t>(k)].num_rows;
    } else {
      ro.row_groups.push_back(k);
    }
  }
  OUPS_ASSIGN_OR_RETURN(DatasetMetadata md, impl_->Decode(ro, first_rg));
  // The rgs before the tail are not decoded: their chunk's statistics must
  // end at or before the tail's first rg (what CheckNoOverlap checks of a
  // whole list).
  const auto& cols = fmd.row_groups[static_cast<size_t>(first - 1)].columns;
  const auto& stats = cols.size() > 3 ? cols[3].statistics : std::nullopt;
  if (md.num_row_groups() > 0 && stats && stats->max_value && stats->is_max_value_exact) {
    auto prev_max = parquet::DecodeStatistic(fmd.columns[3], *stats->max_value);
    if (!prev_max.ok()) return impl_->Corrupt(prev_max.status().message());
    OUPS_ASSIGN_OR_RETURN(Column col, ScalarColumn(*prev_max));
    auto typed = AsStoredType(col, md.mins.type(), impl_->path);
    if (typed.ok() && CompareValues(*typed, 0, md.mins, 0) > 0) {
      return impl_->Corrupt("row group " + std::to_string(first_rg - 1) + " ends after row group " +
                            std::to_string(first_rg) + " starts");
    }
  }
  return md;
}

Status MetadataFile::CopyChunksBefore(int64_t first_row_group, parquet::FileWriter& writer) {
  const parquet::FileMetadata& fmd = impl_->reader->metadata();
  int end = 0;
  int64_t rgs = 0;
  while (rgs < first_row_group && end < static_cast<int>(fmd.row_groups.size())) {
    rgs += fmd.row_groups[static_cast<size_t>(end++)].num_rows;
  }
  if (rgs != first_row_group) {
    return Status::InvalidArgument("metadata file " + impl_->path + ": no chunk starts at row group " +
                                   std::to_string(first_row_group));
  }
  std::lock_guard<std::mutex> g(impl_->mu);
  return writer.CopyRowGroups(*impl_->reader, 0, end);
}

Result<DatasetMetadata> MetadataFile::Impl::Decode(const parquet::ReadOptions& ro,
                                                   int64_t first_row_group, bool with_crc32) {
  std::lock_guard<std::mutex> g(mu);
  DatasetMetadata md = header();
  md.first_row_group = first_row_group;
  md.partial = !ro.all_row_groups;
  const char* expected[] = {kFileIds, kNRows, kMins, kMaxs, kCrc32};
  auto corrupt = [&](const std::string& what) { return Corrupt(what); };
  parquet::ReadOptions columns = ro;
  if (!with_crc32) columns.columns = {kFileIds, kNRows, kMins, kMaxs};
  auto table_r = reader->Read(columns);
  if (!table_r.ok()) return corrupt(table_r.status().message());
  const Table& t = *table_r;
  for (int i = 0; i < 2; ++i) {
    if (t.column(i).type().id != TypeId::kUInt64) {
      return corrupt(std::string("column ") + expected[i] + " is " +
                     t.column(i).type().ToString() + ", expected uint64");
    }
  }
  for (int i = 0; i < 4; ++i) {
    if (t.column(i).null_count() > 0) return corrupt(std::string("column ") + expected[i] + " holds nulls");
  }
  if (n_cols == 5 && with_crc32) {
    const Column& crc = t.column(4);
    if (crc.type().id != TypeId::kUInt32) {
      return corrupt(std::string("column ") + kCrc32 + " is " + crc.type().ToString() +
                     ", expected uint32");
    }
  }
  md.file_ids = ToVector(t.column(0));
  md.n_rows = ToVector(t.column(1));
  if (n_cols == 5 && with_crc32) {
    const Column& crc = t.column(4);
    const uint32_t* values = crc.data<uint32_t>();
    for (int64_t i = 0; i < crc.length(); ++i) {
      if (crc.IsValid(i)) {
        md.file_crc32.emplace_hint(md.file_crc32.end(), md.file_ids[static_cast<size_t>(i)],
                                   values[i]);
      }
    }
  }
  md.mins = t.column(2);
  md.maxs = t.column(3);
  if (t.num_rows() > 0) {
    if (!md.schema || !md.ordered_on) return corrupt("row groups but no schema or ordered_on");
    const DataType want = md.StatisticsType();
    if (auto c = AsStoredType(md.mins, want, path); c.ok()) md.mins = *c;
    if (auto c = AsStoredType(md.maxs, want, path); c.ok()) md.maxs = *c;
    if (md.mins.type() != want || md.maxs.type() != want) {
      return corrupt("statistics are " + md.mins.type().ToString() + ", the ordered column '" +
                     *md.ordered_on + "' is " + want.ToString());
    }
  } else if (md.partial) {
    // No chunk of the range: an empty list of the statistics' type.
    OUPS_ASSIGN_OR_RETURN(md.mins, EmptyColumn(md.StatisticsType()));
    OUPS_ASSIGN_OR_RETURN(md.maxs, EmptyColumn(md.StatisticsType()));
  }
  for (int64_t i = 0; i < t.num_rows(); ++i) {
    const size_t k = static_cast<size_t>(i);
    if (md.n_rows[k] < 1 || md.n_rows[k] > static_cast<uint64_t>(INT64_MAX)) {
      return corrupt("row group " + std::to_string(first_row_group + i) + " has " +
                     std::to_string(md.n_rows[k]) + " rows");
    }
    if (CompareValues(md.mins, i, md.maxs, i) > 0) {
      return corrupt("row group " + std::to_string(first_row_group + i) +
                     " has its min after its max");
    }
  }
  // Sorted ids (O(n log n) on a flat vector: a dataset may list 20,000 files;
  // O(n) when they are increasing already, as writes make them).
  std::vector<uint64_t> sorted_copy;
  const std::vector<uint64_t>* sorted = &md.file_ids;
  if (std::adjacent_find(md.file_ids.begin(), md.file_ids.end(), std::greater_equal<>()) !=
      md.file_ids.end()) {
    sorted_copy = md.file_ids;
    std::sort(sorted_copy.begin(), sorted_copy.end());
    sorted = &sorted_copy;
  }
  const std::vector<uint64_t>& ids = *sorted;
  if (auto dup = std::adjacent_find(ids.begin(), ids.end()); dup != ids.end()) {
    return corrupt("file id " + std::to_string(*dup) + " is listed twice");
  }
  auto listed = [&](uint64_t id) { return std::binary_search(ids.begin(), ids.end(), id); };
  // A listed file is never obsolete, whatever the JSON says. (Checksums are
  // only of listed files by construction: one per row of the list.)
  std::erase_if(md.obsolete_file_ids, listed);
  return md;
}

Result<DatasetMetadata> ReadMetadataFile(FileSystem& fs, const std::string& path) {
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<MetadataFile> file, MetadataFile::Open(fs, path));
  return file->ReadAll();
}

namespace {

Status WriteMetadataFileFrom(FileSystem& fs, const std::string& path, const DatasetMetadata& md,
                             MetadataFile* source, parquet::Compression compression) {
  if (md.partial && source == nullptr) {
    return Status::InvalidArgument("metadata of " + path +
                                   ": a partial rg list (read for a range) is never written");
  }
  const size_t n = md.file_ids.size();
  const DataType stat_type = md.StatisticsType();
  Column mins = md.mins, maxs = md.maxs;
  if (n == 0) {
    OUPS_ASSIGN_OR_RETURN(mins, EmptyColumn(stat_type));
    OUPS_ASSIGN_OR_RETURN(maxs, EmptyColumn(stat_type));
  }
  if (md.n_rows.size() != n || mins.length() != static_cast<int64_t>(n) ||
      maxs.length() != static_cast<int64_t>(n)) {
    return Status::InvalidArgument("metadata of " + path + ": inconsistent row-group counts");
  }
  if (mins.type() != stat_type || maxs.type() != stat_type) {
    return Status::InvalidArgument("metadata of " + path + ": statistics are " +
                                   mins.type().ToString() + ", expected " + stat_type.ToString());
  }
  OUPS_ASSIGN_OR_RETURN(Column ids, ColumnFromVector(DataType::UInt64(), md.file_ids));
  OUPS_ASSIGN_OR_RETURN(Column rows, ColumnFromVector(DataType::UInt64(), md.n_rows));
  std::vector<uint32_t> crc_values(n, 0);
  std::vector<bool> crc_valid(n, false);
  for (size_t i = 0; i < n; ++i) {
    if (auto it = md.file_crc32.find(md.file_ids[i]); it != md.file_crc32.end()) {
      crc_values[i] = it->second;
      crc_valid[i] = true;
    }
  }
  OUPS_ASSIGN_OR_RETURN(Column crcs, ColumnFromVector(DataType::UInt32(), crc_values, crc_valid));
  Schema schema({Field{kFileIds, DataType::UInt64(), false}, Field{kNRows, DataType::UInt64(), false},
                 Field{kMins, stat_type, false}, Field{kMaxs, stat_type, false},
                 Field{kCrc32, DataType::UInt32(), true}});
  OUPS_ASSIGN_OR_RETURN(Table table, Table::Make(schema, {ids, rows, mins, maxs, crcs}));
  parquet::WriterOptions options;
  options.compression = compression;
  options.key_value_metadata.push_back(parquet::KeyValue{kOupsKey, EncodeOupsJson(md)});
  // One Parquet row group per kMetadataChunkRows rgs, each with the statistics
  // of its mins and maxs: a range read decodes only the chunks it needs
  // (MetadataFile::ReadRange, docs/format.md#metadata-file-name_opdmd).
  OUPS_ASSIGN_OR_RETURN(auto file, fs.OpenForWrite(path));
  auto synced = std::make_unique<SyncOnCloseFile>(std::move(file));
  options.row_group_size = kMetadataChunkRows;
  OUPS_ASSIGN_OR_RETURN(auto writer,
                        parquet::FileWriter::Open(std::move(synced), table.schema(), options));
  if (md.partial) OUPS_RETURN_NOT_OK(source->CopyChunksBefore(md.first_row_group, *writer));
  if (table.num_rows() > 0) OUPS_RETURN_NOT_OK(writer->WriteRowGroup(table));
  return writer->Close().status();
}

}  // namespace

Status WriteMetadataFile(FileSystem& fs, const std::string& path, const DatasetMetadata& md,
                         parquet::Compression compression) {
  return WriteMetadataFileFrom(fs, path, md, nullptr, compression);
}

Status WriteMetadataFile(FileSystem& fs, const std::string& path, const DatasetMetadata& md,
                         MetadataFile& source, parquet::Compression compression) {
  return WriteMetadataFileFrom(fs, path, md, &source, compression);
}

Status WriteParquetFileDurably(FileSystem& fs, const std::string& path, const Table& table,
                               parquet::WriterOptions options) {
  OUPS_ASSIGN_OR_RETURN(auto file, fs.OpenForWrite(path));
  return WriteParquetFileDurably(std::move(file), table, std::move(options));
}

Status WriteParquetFileDurably(std::unique_ptr<WritableFile> file, const Table& table,
                               parquet::WriterOptions options, uint32_t* crc32, FileSync sync) {
  options.row_group_size = std::max<int64_t>(table.num_rows(), 1);
  if (crc32 != nullptr) file = std::make_unique<Crc32File>(std::move(file), crc32);
  std::unique_ptr<WritableFile> wrapped = sync == FileSync::kNow
      ? std::make_unique<SyncOnCloseFile>(std::move(file)) : std::move(file);
  OUPS_ASSIGN_OR_RETURN(auto writer,
                        parquet::FileWriter::Open(std::move(wrapped), table.schema(), options));
  if (table.num_rows() > 0) OUPS_RETURN_NOT_OK(writer->WriteRowGroup(table));
  return writer->Close().status();
}

Result<uint32_t> FileCrc32(FileSystem& fs, const std::string& path) {
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, fs.OpenForRead(path));
  OUPS_ASSIGN_OR_RETURN(int64_t size, file->Size());
  constexpr int64_t kChunk = 4 << 20;
  std::vector<uint8_t> buf(static_cast<size_t>(std::min<int64_t>(size, kChunk)));
  uLong crc = ::crc32(0L, Z_NULL, 0);
  for (int64_t at = 0; at < size;) {
    const int64_t n = std::min<int64_t>(size - at, kChunk);
    OUPS_RETURN_NOT_OK(file->ReadAt(at, n, buf.data()));
    crc = ::crc32(crc, buf.data(), static_cast<uInt>(n));
    at += n;
  }
  return static_cast<uint32_t>(crc);
}

Result<Column> AsStoredType(const Column& column, const DataType& type,
                            const std::string& file) {
  if (column.type() == type) return column;
  // Parquet keeps only "adjusted to UTC", not the zone's name: a tz-aware column
  // reads back as tz=UTC and takes the stored zone (same instants, relabelled).
  const bool both_ts = column.type().id == TypeId::kTimestamp && type.id == TypeId::kTimestamp;
  const bool same_zone_kind =
      column.type().timezone == type.timezone ||
      (!column.type().timezone.empty() && !type.timezone.empty());
  if (both_ts && same_zone_kind && column.type().unit == type.unit) {
    return Column(type, column.length(), column.validity(), column.values(), column.offsets(),
                  column.null_count(), column.offset());
  }
  // Parquet has no duration type: durations are stored as a plain INT64 count of
  // their unit (the unit is in the dataset's schema), and take it back here.
  if (column.type().id == TypeId::kInt64 && type.id == TypeId::kDuration) {
    return Column(type, column.length(), column.validity(), column.values(), column.offsets(),
                  column.null_count(), column.offset());
  }
  if (both_ts && same_zone_kind && column.type().unit == TimeUnit::kMilli &&
      type.unit == TimeUnit::kSecond) {
    ColumnBuilder b(type);
    OUPS_RETURN_NOT_OK(b.Reserve(column.length()));
    const int64_t* v = column.data<int64_t>();
    for (int64_t i = 0; i < column.length(); ++i) {
      if (column.IsNull(i)) {
        OUPS_RETURN_NOT_OK(b.AppendNull());
      } else if (v[i] % 1000 != 0) {
        return Status::Corruption(file + ": a seconds timestamp holds a fraction of a second");
      } else {
        OUPS_RETURN_NOT_OK(b.Append(v[i] / 1000));
      }
    }
    return b.Finish();
  }
  // A dataset's schema evolved (dataset/schema_evolution.h): rows of an older
  // file widen to the stored type (CheckRowGroupFooter accepts such a file
  // only when the dataset requires schema evolution).
  if (IsWidening(column.type(), type)) {
    auto widened = WidenColumn(column, type, "", file);
    if (!widened.ok()) return Status::Corruption(file + ": " + widened.status().message());
    return widened;
  }
  return Status::Corruption(file + ": column of type " + column.type().ToString() +
                            ", expected " + type.ToString());
}

Result<Table> AsStoredTypes(const Table& table, const Schema& schema, const std::string& file) {
  std::vector<Field> fields;
  std::vector<Column> cols;
  for (int i = 0; i < table.num_columns(); ++i) {
    const std::string& name = table.schema().field(i).name;
    const int j = schema.IndexOf(name);
    if (j < 0) return Status::Corruption(file + ": unexpected column '" + name + "'");
    fields.push_back(schema.field(j));
    if (IsWidening(table.column(i).type(), schema.field(j).type)) {
      // An older file of a dataset whose schema evolved.
      auto widened = WidenColumn(table.column(i), schema.field(j).type, name, file);
      if (!widened.ok()) return Status::Corruption(widened.status().message());
      cols.push_back(std::move(widened).ValueOrDie());
      continue;
    }
    OUPS_ASSIGN_OR_RETURN(Column c, AsStoredType(table.column(i), schema.field(j).type, file));
    cols.push_back(std::move(c));
  }
  return Table::Make(Schema(std::move(fields)), std::move(cols));
}

bool ReadsAsStoredType(const DataType& file_type, const DataType& stored) {
  if (file_type == stored) return true;
  const bool both_ts = file_type.id == TypeId::kTimestamp && stored.id == TypeId::kTimestamp;
  const bool same_zone_kind = file_type.timezone == stored.timezone ||
                              (!file_type.timezone.empty() && !stored.timezone.empty());
  if (both_ts && same_zone_kind &&
      (file_type.unit == stored.unit ||
       (file_type.unit == TimeUnit::kMilli && stored.unit == TimeUnit::kSecond))) {
    return true;
  }
  return file_type.id == TypeId::kInt64 && stored.id == TypeId::kDuration;
}

namespace {

// Printable text of value i of `c` (for error messages).
std::string ValueText(const Column& c, int64_t i) {
  if (c.IsNull(i)) return "null";
  const Scalar s = GetScalar(c, i);
  switch (s.type().id) {
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64: return std::to_string(s.u64());
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      char buf[40];
      std::snprintf(buf, sizeof(buf), "%.17g", s.f64());
      return buf;
    }
    case TypeId::kString:
    case TypeId::kBinary: return "'" + s.bytes() + "'";
    case TypeId::kBool: return s.bool_value() ? "true" : "false";
    default: return std::to_string(s.i64());
  }
}

Status RowGroupMismatch(const std::string& file, int64_t i, const std::string& what) {
  return Status::Corruption("row-group file " + file + " (row group " + std::to_string(i) +
                            " of the metadata) " + what +
                            "; the file does not match the metadata and is not read");
}

}  // namespace

Status CheckRowGroupFooter(const parquet::FileMetadata& footer, const DatasetMetadata& md,
                           int64_t i, const std::string& file) {
  const size_t k = static_cast<size_t>(i);
  const int64_t expected = static_cast<int64_t>(md.n_rows[k]);
  if (footer.num_rows != expected) {
    return RowGroupMismatch(file, i, "holds " + std::to_string(footer.num_rows) +
                                         " rows, the metadata says " + std::to_string(expected));
  }
  if (!md.schema) return Status::OK();
  const Schema& stored = *md.schema;
  // Schema evolution (dataset/schema_evolution.h): a file may lack columns
  // added after it was written (they read as nulls), and hold narrower types.
  const bool evolved = md.HasFeature(kSchemaEvolutionFeature);
  std::vector<std::string> missing, unexpected;
  for (const Field& f : stored.fields()) {
    if (footer.ColumnIndex(f.name) < 0 && !(evolved && f.nullable && f.name != md.ordered_on)) {
      missing.push_back("'" + f.name + "'");
    }
  }
  for (const parquet::ColumnDescriptor& c : footer.columns) {
    if (stored.IndexOf(c.name) < 0) unexpected.push_back("'" + c.name + "'");
  }
  if (!missing.empty() || !unexpected.empty()) {
    std::string what = "has other columns than the stored schema:";
    auto join = [](const std::vector<std::string>& v) {
      std::string out;
      for (const auto& n : v) out += (out.empty() ? "" : ", ") + n;
      return out;
    };
    if (!missing.empty()) what += " missing " + join(missing);
    if (!unexpected.empty()) what += (missing.empty() ? " " : "; ") + std::string("unexpected ") + join(unexpected);
    return RowGroupMismatch(file, i, what);
  }
  for (const parquet::ColumnDescriptor& c : footer.columns) {
    const DataType& want = stored.field(stored.IndexOf(c.name)).type;
    if (!ReadsAsStoredType(c.logical, want) && !(evolved && IsWidening(c.logical, want))) {
      return RowGroupMismatch(file, i, "has column '" + c.name + "' of type " +
                                           c.logical.ToString() + ", the stored schema says " +
                                           want.ToString());
    }
  }
  if (!md.ordered_on || footer.row_groups.empty() || expected == 0) return Status::OK();
  const int oc = footer.ColumnIndex(*md.ordered_on);
  const parquet::ColumnDescriptor& desc = footer.columns[static_cast<size_t>(oc)];
  const DataType& otype = stored.field(stored.IndexOf(*md.ordered_on)).type;
  // Rows are sorted: the file's min is the first row group's, its max the last's.
  const auto& first = footer.row_groups.front().columns;
  const auto& last = footer.row_groups.back().columns;
  if (static_cast<size_t>(oc) >= first.size() || static_cast<size_t>(oc) >= last.size()) {
    return Status::OK();  // the reader reports the malformed footer
  }
  const auto& lo_stats = first[static_cast<size_t>(oc)].statistics;
  const auto& hi_stats = last[static_cast<size_t>(oc)].statistics;
  auto check = [&](const std::optional<parquet::ColumnStatistics>& stats, bool is_min) -> Status {
    if (!stats) return Status::OK();
    const std::optional<std::string>& plain = is_min ? stats->min_value : stats->max_value;
    if (!plain || !(is_min ? stats->is_min_value_exact : stats->is_max_value_exact)) {
      return Status::OK();
    }
    auto value = parquet::DecodeStatistic(desc, *plain);
    if (!value.ok()) return RowGroupMismatch(file, i, value.status().message());
    OUPS_ASSIGN_OR_RETURN(Column col, ScalarColumn(*value));
    auto as_stored = AsStoredType(col, otype, file);
    if (!as_stored.ok()) return RowGroupMismatch(file, i, as_stored.status().message());
    const Column& recorded = is_min ? md.mins : md.maxs;
    if (recorded.type() != otype) return Status::OK();
    if (CompareValues(*as_stored, 0, recorded, i) != 0) {
      return RowGroupMismatch(file, i,
                              std::string("has ") + (is_min ? "min" : "max") + " '" +
                                  *md.ordered_on + "' " + ValueText(*as_stored, 0) +
                                  " (footer statistics), the metadata says " +
                                  ValueText(recorded, i));
    }
    return Status::OK();
  };
  OUPS_RETURN_NOT_OK(check(lo_stats, true));
  return check(hi_stats, false);
}

namespace {

// The columns `options.columns` (every stored column when unset) of the file
// of an evolved dataset, as `schema` says: the file's own columns read and
// widened to the stored types, those it lacks (added after it was written) as
// nulls.
Result<Table> ReadConformed(parquet::FileReader& reader, const Schema& schema,
                            const std::string& file, const parquet::ReadOptions& options) {
  std::vector<std::string> wanted = options.columns;
  if (wanted.empty()) {
    for (const Field& f : schema.fields()) wanted.push_back(f.name);
  }
  parquet::ReadOptions present = options;
  present.columns.clear();
  for (const std::string& name : wanted) {
    if (reader.metadata().ColumnIndex(name) >= 0) present.columns.push_back(name);
  }
  Table read;
  if (!present.columns.empty()) {  // (empty would read every column)
    OUPS_ASSIGN_OR_RETURN(read, reader.Read(present));
    OUPS_ASSIGN_OR_RETURN(read, AsStoredTypes(read, schema, file));
  }
  std::vector<Field> fields;
  std::vector<Column> columns;
  for (const std::string& name : wanted) {
    const int si = schema.IndexOf(name);
    if (si < 0) return Status::NotFound(file + ": unknown column '" + name + "'");
    fields.push_back(schema.field(si));
    if (read.schema().IndexOf(name) >= 0) {
      OUPS_ASSIGN_OR_RETURN(Column c, read.GetColumn(name));
      columns.push_back(std::move(c));
    } else {
      OUPS_ASSIGN_OR_RETURN(Column c,
                            NullColumn(schema.field(si).type, reader.metadata().num_rows));
      columns.push_back(std::move(c));
    }
  }
  return Table::Make(Schema(std::move(fields)), std::move(columns));
}

}  // namespace

Result<Table> ReadCheckedRowGroup(FileSystem& fs, const DatasetMetadata& md, int64_t i,
                                  const std::string& file, const parquet::ReadOptions& options) {
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<parquet::FileReader> reader,
                        parquet::FileReader::Open(fs, file));
  OUPS_RETURN_NOT_OK(CheckRowGroupFooter(reader->metadata(), md, i, file));
  return ReadCheckedColumns(*reader, md, i, file, options);
}

Result<Table> ReadCheckedColumns(parquet::FileReader& reader, const DatasetMetadata& md,
                                 int64_t i, const std::string& file,
                                 const parquet::ReadOptions& options) {
  Table t;
  if (md.schema && md.HasFeature(kSchemaEvolutionFeature)) {
    OUPS_ASSIGN_OR_RETURN(t, ReadConformed(reader, *md.schema, file, options));
  } else {
    OUPS_ASSIGN_OR_RETURN(t, reader.Read(options));
    if (md.schema) {
      OUPS_ASSIGN_OR_RETURN(t, AsStoredTypes(t, *md.schema, file));
    }
  }
  const int64_t expected = static_cast<int64_t>(md.n_rows[static_cast<size_t>(i)]);
  if (t.num_rows() != expected) {
    return RowGroupMismatch(file, i, "holds " + std::to_string(t.num_rows()) +
                                         " rows, the metadata says " + std::to_string(expected));
  }
  // Footers without statistics: the first and last values, when decoded anyway.
  if (md.ordered_on && expected > 0) {
    const int oc = t.schema().IndexOf(*md.ordered_on);
    if (oc >= 0 && t.column(oc).type() == md.mins.type() &&
        md.maxs.type() == md.mins.type()) {
      const Column& c = t.column(oc);
      if (CompareValues(c, 0, md.mins, i) != 0) {
        return RowGroupMismatch(file, i, "has first '" + *md.ordered_on + "' " +
                                             ValueText(c, 0) + ", the metadata's min is " +
                                             ValueText(md.mins, i));
      }
      if (CompareValues(c, expected - 1, md.maxs, i) != 0) {
        return RowGroupMismatch(file, i, "has last '" + *md.ordered_on + "' " +
                                             ValueText(c, expected - 1) +
                                             ", the metadata's max is " + ValueText(md.maxs, i));
      }
    }
  }
  return t;
}

Status CheckNoOverlap(const DatasetMetadata& md, const std::string& dataset) {
  for (int64_t i = 0; i + 1 < md.num_row_groups(); ++i) {
    if (CompareValues(md.maxs, i, md.mins, i + 1) > 0) {
      return Status::InvalidArgument("row groups must not overlap. Dataset '" + dataset +
                                     "': row group " + std::to_string(i) + " ends after row group " +
                                     std::to_string(i + 1) + " starts.");
    }
  }
  return Status::OK();
}

}  // namespace oups::dataset
