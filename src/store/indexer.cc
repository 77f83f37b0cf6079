// Indexer schema and keys (docs/behaviour.md#keys): schema validation, key
// validation, path and string forms, strict parsing, equality and ordering.
#include "oups/store/indexer.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ostream>
#include <utility>

namespace oups {

struct IndexerSchema::Impl {
  std::string name;
  std::string sep;
  std::vector<Level> levels;
  int num_fields = 0;
  std::vector<int>
      offsets;  // offsets[j] = index in the flat values of level j's first field
};

namespace {

// Python's repr() of a str, enough for separators in messages: quote choice as
// Python, backslash and control characters escaped.
std::string PyRepr(std::string_view s) {
  const bool has_single = s.find('\'') != std::string_view::npos;
  const bool has_double = s.find('"') != std::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == static_cast<unsigned char>(quote)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += quote;
  return out;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit))) return false;
  }
  return true;
}

// Splits like Python's str.split(sep) (sep non-empty): n occurrences → n+1 pieces.
std::vector<std::string_view> Split(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + sep.size();
  }
}

// Canonical decimal form only: optional '-', ASCII digits, no leading zero
// except "0" itself, no "-0", within int64.
bool ParseCanonicalInt64(std::string_view s, std::int64_t* out) {
  std::string_view digits = s;
  if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
  if (digits.empty()) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  if (digits.front() == '0' && (digits.size() > 1 || digits.size() != s.size())) {
    return false;  // leading zero, or "-0"
  }
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return false;  // out of range
  *out = v;
  return true;
}

Status ValidateSpecs(const std::string& record, const std::vector<FieldSpec>& fields) {
  if (record.empty()) {
    return Status::InvalidArgument("an indexer record name must not be empty.");
  }
  if (fields.empty()) {
    return Status::InvalidArgument("a level must have at least one field ('" + record +
                                   "').");
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    const FieldSpec& f = fields[i];
    if (!IsIdentifier(f.name)) {
      return Status::InvalidArgument("field name '" + f.name + "' of '" + record +
                                     "' is not an identifier.");
    }
    for (size_t k = 0; k < i; ++k) {
      if (fields[k].name == f.name) {
        return Status::InvalidArgument("duplicate field name '" + f.name + "' in '" +
                                       record + "'.");
      }
    }
    switch (f.type) {
      case FieldType::kInt64:
      case FieldType::kString:
        break;
      case FieldType::kSubLevel:
        if (i == 0) {
          return Status::TypeError(
              "a dataclass instance cannot be the only field of a level.");
        }
        if (i + 1 != fields.size()) {
          return Status::TypeError(
              "a dataclass instance is only possible in last position.");
        }
        OUPS_RETURN_NOT_OK(ValidateSpecs(f.record_name, f.fields));
        break;
      default:
        return Status::TypeError(
            "field type " + std::to_string(static_cast<int>(f.type)) + " not possible.");
    }
  }
  return Status::OK();
}

void AppendDescription(const std::vector<IndexerSchema::Level>& levels, size_t j,
                       std::string* out) {
  const IndexerSchema::Level& lv = levels[j];
  *out += lv.record_name;
  *out += '(';
  for (size_t i = 0; i < lv.fields.size(); ++i) {
    if (i > 0) *out += ", ";
    *out += lv.fields[i].name;
    *out += ": ";
    *out += FieldTypeName(lv.fields[i].type);
  }
  if (j + 1 < levels.size()) {
    *out += ", ";
    *out += lv.sublevel_field;
    *out += ": ";
    AppendDescription(levels, j + 1, out);
  }
  *out += ')';
}

// Total order on schemas (used only to order keys of different schemas).
std::strong_ordering CompareSchemas(const IndexerSchema& a, const IndexerSchema& b) {
  if (auto c = a.name() <=> b.name(); c != 0) return c;
  if (auto c = a.field_sep() <=> b.field_sep(); c != 0) return c;
  if (auto c = a.depth() <=> b.depth(); c != 0) return c;
  for (int j = 0; j < a.depth(); ++j) {
    const auto& la = a.level(j);
    const auto& lb = b.level(j);
    if (auto c = la.record_name <=> lb.record_name; c != 0) return c;
    if (auto c = la.sublevel_field <=> lb.sublevel_field; c != 0) return c;
    if (auto c = la.fields.size() <=> lb.fields.size(); c != 0) return c;
    for (size_t i = 0; i < la.fields.size(); ++i) {
      if (auto c = la.fields[i].name <=> lb.fields[i].name; c != 0) return c;
      if (auto c = la.fields[i].type <=> lb.fields[i].type; c != 0) return c;
    }
  }
  return std::strong_ordering::equal;
}

bool SameSchema(const IndexerSchema& a, const IndexerSchema& b) { return a == b; }

std::strong_ordering CompareValues(const std::vector<KeyValue>& a,
                                   const std::vector<KeyValue>& b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (auto c = a[i].index() <=> b[i].index(); c != 0) return c;
    if (a[i].index() == 0) {
      if (auto c = std::get<0>(a[i]) <=> std::get<0>(b[i]); c != 0) return c;
    } else {
      // std::string compares through char_traits<char>, i.e. as unsigned
      // bytes: code-point order for UTF-8.
      const int c = std::get<1>(a[i]).compare(std::get<1>(b[i]));
      if (c != 0)
        return c < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
    }
  }
  return a.size() <=> b.size();
}

}  // namespace

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kInt64:
      return "int64";
    case FieldType::kString:
      return "string";
    case FieldType::kSubLevel:
      return "sublevel";
  }
  return "unknown";
}

FieldSpec FieldSpec::Int64(std::string name) {
  return FieldSpec{std::move(name), FieldType::kInt64, {}, {}};
}
FieldSpec FieldSpec::String(std::string name) {
  return FieldSpec{std::move(name), FieldType::kString, {}, {}};
}
FieldSpec FieldSpec::SubLevel(std::string name, std::string record_name,
                              std::vector<FieldSpec> fields) {
  return FieldSpec{std::move(name), FieldType::kSubLevel, std::move(record_name),
                   std::move(fields)};
}

// ------------------------------------------------------------------ schema

Result<IndexerSchema> IndexerSchema::Make(std::string name, std::vector<FieldSpec> fields,
                                          std::string field_sep) {
  if (field_sep.empty()) {
    return Status::InvalidArgument("'field_sep' must be a non-empty string.");
  }
  if (field_sep.find('/') != std::string::npos) {
    return Status::InvalidArgument("'field_sep' must not contain '/', got " +
                                   PyRepr(field_sep) + ".");
  }
  OUPS_RETURN_NOT_OK(ValidateSpecs(name, fields));

  auto impl = std::make_shared<Impl>();
  impl->name = name;
  impl->sep = std::move(field_sep);
  const std::vector<FieldSpec>* current = &fields;
  std::string record = std::move(name);
  while (current != nullptr) {
    Level level;
    level.record_name = record;
    const std::vector<FieldSpec>* next = nullptr;
    for (const FieldSpec& f : *current) {
      if (f.type == FieldType::kSubLevel) {
        level.sublevel_field = f.name;
        record = f.record_name;
        next = &f.fields;
      } else {
        level.fields.push_back(Field{f.name, f.type});
      }
    }
    impl->offsets.push_back(impl->num_fields);
    impl->num_fields += static_cast<int>(level.fields.size());
    impl->levels.push_back(std::move(level));
    current = next;
  }
  return IndexerSchema(std::move(impl));
}

const std::string& IndexerSchema::name() const { return impl_->name; }
const std::string& IndexerSchema::field_sep() const { return impl_->sep; }
int IndexerSchema::depth() const { return static_cast<int>(impl_->levels.size()); }
const IndexerSchema::Level& IndexerSchema::level(int j) const {
  return impl_->levels.at(static_cast<size_t>(j));
}
int IndexerSchema::num_fields() const { return impl_->num_fields; }
int IndexerSchema::num_fields(int j) const {
  return static_cast<int>(level(j).fields.size());
}

std::string IndexerSchema::ToString() const {
  if (!valid()) return "<invalid indexer schema>";
  std::string out;
  AppendDescription(impl_->levels, 0, &out);
  out.pop_back();
  out += ", field_sep=" + PyRepr(impl_->sep) + ")";
  return out;
}

bool operator==(const IndexerSchema& a, const IndexerSchema& b) {
  if (a.impl_ == b.impl_) return true;
  if (!a.valid() || !b.valid()) return false;
  return CompareSchemas(a, b) == 0;
}

Status IndexerSchema::ValidateText(std::string_view text) const {
  if (text.find(impl_->sep) != std::string_view::npos ||
      text.find('/') != std::string_view::npos ||
      text.find('.') != std::string_view::npos) {
    return Status::InvalidArgument(
        "use of a forbidden character among (" + PyRepr(impl_->sep) +
        ", '/', '.') is not possible in " + std::string(text) + ".");
  }
  if (text.empty()) {
    return Status::InvalidArgument("empty string is not possible as a field value.");
  }
  return Status::OK();
}

Result<IndexKey> IndexerSchema::MakeKeyFlat(std::vector<KeyValue> values) const {
  if (!valid())
    return Status::InvalidArgument("invalid (default-constructed) indexer schema.");
  if (static_cast<int>(values.size()) != impl_->num_fields) {
    return Status::InvalidArgument("indexer '" + impl_->name + "' has " +
                                   std::to_string(impl_->num_fields) + " fields, got " +
                                   std::to_string(values.size()) + " values.");
  }
  // Declared types first (a C++ structural check), then the rules of
  // docs/behaviour.md#keys value by value.
  size_t i = 0;
  for (const Level& lv : impl_->levels) {
    for (const Field& f : lv.fields) {
      const bool is_int = std::holds_alternative<std::int64_t>(values[i]);
      if (is_int != (f.type == FieldType::kInt64)) {
        return Status::TypeError("field '" + f.name + "' of '" + lv.record_name +
                                 "' is declared " + std::string(FieldTypeName(f.type)) +
                                 ", got " + (is_int ? "int64" : "string") + " value " +
                                 KeyValueText(values[i]) + ".");
      }
      ++i;
    }
  }
  for (const KeyValue& v : values) {
    if (const auto* s = std::get_if<std::string>(&v)) {
      OUPS_RETURN_NOT_OK(ValidateText(*s));
    } else {
      OUPS_RETURN_NOT_OK(ValidateText(KeyValueText(v)));
    }
  }
  // A multi-character separator could also straddle the end of a value and the
  // separator after it ("a~" + "~~" reads as "a" + "~~" + "~"): refused, so that
  // every valid key parses back (round trip of docs/behaviour.md#key-parsing).
  // Never true for one character.
  const std::string& sep = impl_->sep;
  if (sep.size() > 1) {
    for (size_t k = 0; k + 1 < values.size(); ++k) {
      const std::string text = KeyValueText(values[k]) + sep;
      if (text.find(sep) != text.size() - sep.size()) {
        return Status::InvalidArgument("field value " + KeyValueText(values[k]) +
                                       " ends with the beginning of the " + "separator " +
                                       PyRepr(sep) + ": the key would not parse back.");
      }
    }
  }
  return IndexKey(*this, std::move(values));
}

Result<IndexKey> IndexerSchema::MakeKey(std::vector<std::vector<KeyValue>> levels) const {
  if (!valid())
    return Status::InvalidArgument("invalid (default-constructed) indexer schema.");
  if (static_cast<int>(levels.size()) != depth()) {
    return Status::InvalidArgument("indexer '" + impl_->name + "' has " +
                                   std::to_string(depth()) + " levels, got " +
                                   std::to_string(levels.size()) + ".");
  }
  std::vector<KeyValue> flat;
  flat.reserve(static_cast<size_t>(impl_->num_fields));
  for (size_t j = 0; j < levels.size(); ++j) {
    const Level& lv = impl_->levels[j];
    if (levels[j].size() != lv.fields.size()) {
      return Status::InvalidArgument(
          "level " + std::to_string(j) + " ('" + lv.record_name + "') of indexer '" +
          impl_->name + "' has " + std::to_string(lv.fields.size()) + " fields, got " +
          std::to_string(levels[j].size()) + " values.");
    }
    for (KeyValue& v : levels[j]) flat.push_back(std::move(v));
  }
  return MakeKeyFlat(std::move(flat));
}

namespace {

// Converts the pieces of level-ordered fields into values; `what` describes
// the input for messages.
Result<std::vector<KeyValue>> ConvertPieces(const IndexerSchema& schema,
                                            const std::vector<std::string_view>& pieces,
                                            const std::string& what) {
  std::vector<KeyValue> values;
  values.reserve(pieces.size());
  size_t i = 0;
  for (int j = 0; j < schema.depth(); ++j) {
    for (const IndexerSchema::Field& f : schema.level(j).fields) {
      const std::string_view piece = pieces[i++];
      if (f.type == FieldType::kInt64) {
        std::int64_t v = 0;
        if (!ParseCanonicalInt64(piece, &v)) {
          return Status::InvalidArgument(what + ": '" + std::string(piece) +
                                         "' is not the canonical decimal form of a " +
                                         "64-bit integer (field '" + f.name + "' of '" +
                                         schema.level(j).record_name + "').");
        }
        values.emplace_back(v);
      } else {
        values.emplace_back(std::string(piece));
      }
    }
  }
  return values;
}

}  // namespace

Result<IndexKey> IndexerSchema::FromPath(std::string_view relative_path) const {
  if (!valid())
    return Status::InvalidArgument("invalid (default-constructed) indexer schema.");
  const std::string what = "path '" + std::string(relative_path) + "'";
  if (!relative_path.empty() && relative_path.front() == '/') {
    return Status::InvalidArgument(what + " is absolute; a relative path is expected.");
  }
  std::vector<std::string_view> components;
  for (std::string_view c : Split(relative_path, "/")) {
    if (c.empty() || c == ".") continue;  // as pathlib: "a//b", "a/./b", "a/b/"
    components.push_back(c);
  }
  if (static_cast<int>(components.size()) != depth()) {
    return Status::InvalidArgument(what + " has " + std::to_string(components.size()) +
                                   " components, indexer '" + impl_->name + "' expects " +
                                   std::to_string(depth()) + ".");
  }
  std::vector<std::string_view> pieces;
  pieces.reserve(static_cast<size_t>(impl_->num_fields));
  for (int j = 0; j < depth(); ++j) {
    std::vector<std::string_view> part =
        Split(components[static_cast<size_t>(j)], impl_->sep);
    if (static_cast<int>(part.size()) != num_fields(j)) {
      return Status::InvalidArgument(
          what + ": component '" + std::string(components[static_cast<size_t>(j)]) +
          "' has " + std::to_string(part.size()) + " pieces separated by " +
          PyRepr(impl_->sep) + ", level " + std::to_string(j) + " ('" +
          level(j).record_name + "') expects " + std::to_string(num_fields(j)) + ".");
    }
    pieces.insert(pieces.end(), part.begin(), part.end());
  }
  OUPS_ASSIGN_OR_RETURN(std::vector<KeyValue> values, ConvertPieces(*this, pieces, what));
  return MakeKeyFlat(std::move(values));
}

Result<IndexKey> IndexerSchema::FromString(std::string_view text) const {
  if (!valid())
    return Status::InvalidArgument("invalid (default-constructed) indexer schema.");
  const std::string what = "string '" + std::string(text) + "'";
  std::vector<std::string_view> pieces = Split(text, impl_->sep);
  if (static_cast<int>(pieces.size()) != impl_->num_fields) {
    return Status::InvalidArgument(what + " has " + std::to_string(pieces.size()) +
                                   " pieces separated by " + PyRepr(impl_->sep) +
                                   ", indexer '" + impl_->name + "' expects " +
                                   std::to_string(impl_->num_fields) + ".");
  }
  OUPS_ASSIGN_OR_RETURN(std::vector<KeyValue> values, ConvertPieces(*this, pieces, what));
  return MakeKeyFlat(std::move(values));
}

Status IndexerSchema::CheckKey(const IndexKey& key) const {
  if (key.schema() == *this) return Status::OK();
  return Status::TypeError("expected a key of indexer '" + ToString() +
                           "', got a key of indexer '" + key.schema().ToString() + "'.");
}

// --------------------------------------------------------------------- key

std::string KeyValueText(const KeyValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  char buf[24];
  const auto [ptr, ec] =
      std::to_chars(buf, buf + sizeof(buf), std::get<std::int64_t>(value));
  (void)ec;
  return std::string(buf, ptr);
}

std::span<const KeyValue> IndexKey::level(int j) const {
  const auto& impl = *schema_.impl_;
  const size_t off = static_cast<size_t>(impl.offsets.at(static_cast<size_t>(j)));
  return std::span<const KeyValue>(values_).subspan(
      off, impl.levels[static_cast<size_t>(j)].fields.size());
}

std::vector<std::string> IndexKey::PathComponents() const {
  std::vector<std::string> out;
  const int d = depth();
  out.reserve(static_cast<size_t>(d));
  for (int j = 0; j < d; ++j) {
    std::string c;
    bool first = true;
    for (const KeyValue& v : level(j)) {
      if (!first) c += schema_.field_sep();
      first = false;
      c += KeyValueText(v);
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::string IndexKey::ToPath() const {
  std::string out;
  for (const std::string& c : PathComponents()) {
    if (!out.empty()) out += '/';
    out += c;
  }
  return out;
}

std::string IndexKey::ToString() const {
  std::string out;
  for (size_t i = 0; i < values_.size(); ++i) {
    if (i > 0) out += schema_.field_sep();
    out += KeyValueText(values_[i]);
  }
  return out;
}

std::size_t IndexKey::Hash() const {
  std::size_t h = key_internal::kHashSeed;
  for (const KeyValue& v : values_) {
    if (const auto* s = std::get_if<std::string>(&v)) {
      h = key_internal::HashStep(h, key_internal::HashValue(std::string_view(*s)));
    } else {
      h = key_internal::HashStep(h, key_internal::HashValue(std::get<std::int64_t>(v)));
    }
  }
  return h;
}

bool operator==(const IndexKey& a, const IndexKey& b) {
  return a.values_ == b.values_ && SameSchema(a.schema_, b.schema_);
}

std::strong_ordering operator<=>(const IndexKey& a, const IndexKey& b) {
  if (!SameSchema(a.schema_, b.schema_)) return CompareSchemas(a.schema_, b.schema_);
  return CompareValues(a.values_, b.values_);
}

Result<int> CompareKeys(const IndexKey& a, const IndexKey& b) {
  if (!(a.schema() == b.schema())) {
    return Status::TypeError("keys of different indexers are not comparable: '" +
                             a.schema().ToString() + "' and '" + b.schema().ToString() +
                             "'.");
  }
  const auto c = a <=> b;
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::ostream& operator<<(std::ostream& os, const IndexKey& key) {
  return os << key.ToString();
}

// ----------------------------------------------------------------- builder

IndexerSchemaBuilder& IndexerSchemaBuilder::FieldSep(std::string sep) {
  sep_ = std::move(sep);
  return *this;
}
IndexerSchemaBuilder& IndexerSchemaBuilder::Int64(std::string field) {
  levels_.back().fields.push_back(FieldSpec::Int64(std::move(field)));
  return *this;
}
IndexerSchemaBuilder& IndexerSchemaBuilder::String(std::string field) {
  levels_.back().fields.push_back(FieldSpec::String(std::move(field)));
  return *this;
}
IndexerSchemaBuilder& IndexerSchemaBuilder::SubLevel(std::string field,
                                                     std::string record_name) {
  levels_.back().fields.push_back(FieldSpec::SubLevel(std::move(field), record_name, {}));
  levels_.push_back(PendingLevel{std::move(record_name), {}});
  return *this;
}

Result<IndexerSchema> IndexerSchemaBuilder::Finish() const {
  // Nest the levels from the deepest up.
  std::vector<FieldSpec> fields = levels_.back().fields;
  for (size_t j = levels_.size() - 1; j > 0; --j) {
    std::vector<FieldSpec> parent = levels_[j - 1].fields;
    parent.back().fields = std::move(fields);
    fields = std::move(parent);
  }
  return IndexerSchema::Make(name_, std::move(fields), sep_);
}

}  // namespace oups
