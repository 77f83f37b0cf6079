// Indexer schema and keys: how a Store names its datasets
// (docs/behaviour.md#keys).
//
// An IndexerSchema describes a key type at run time: a top level of typed fields
// (int64 or string), optionally ending with a nested sub-level, itself a list of
// fields that may end with a deeper sub-level, and so on (the deeper level is
// always the last field of its parent). One field separator (default "-")
// applies to every level. An IndexKey is a validated value of a schema:
//
//   schema Measure(quantity: str, city: str, sampling: Sampling(frequency: str))
//   key    ("temperature", "berlin", ("1D"))
//   path   "temperature-berlin/1D"   (one directory per level, ToPath)
//   string "temperature-berlin-1D"   (all fields flattened, ToString)
//
// Schemas are built with IndexerSchema::Make (a tree of FieldSpec) or with
// IndexerSchemaBuilder; both validate and return clear errors. Keys are built
// with IndexerSchema::MakeKey (validated as in docs/behaviour.md#keys) or
// parsed strictly with IndexerSchema::FromPath / FromString
// (docs/behaviour.md#key-parsing). C++ users normally declare a
// plain struct and one OUPS_KEY line instead (oups/store/key.h).
//
// Error codes (the Python layer maps them to exceptions,
// docs/behaviour.md#errors):
// kInvalidArgument ~ ValueError, kTypeError ~ TypeError. FromPath/FromString
// return kInvalidArgument with the reason for any failure; the Python
// from_path/from_str return None for every such error.
//
// Thread-safety: IndexerSchema and IndexKey are immutable values; const methods
// may be called from any number of threads. Ownership: both are cheap to copy;
// an IndexerSchema shares its immutable description (shared_ptr), and every
// IndexKey keeps its schema alive.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "oups/result.h"
#include "oups/status.h"

namespace oups {

// Type of one field of an indexer level.
enum class FieldType : std::uint8_t {
  kInt64 = 0,     // signed 64-bit integer; text = canonical decimal form
  kString = 1,    // UTF-8 string; compared byte-wise (= by code point)
  kSubLevel = 2,  // the nested record of the next level (last field only)
};

// "int64", "string" or "sublevel".
std::string_view FieldTypeName(FieldType type);

// Declaration of one field, as given to IndexerSchema::Make. A kSubLevel field
// carries the nested record's name and fields.
struct FieldSpec {
  std::string name;
  FieldType type = FieldType::kString;
  std::string record_name;        // kSubLevel only: name of the nested record
  std::vector<FieldSpec> fields;  // kSubLevel only: fields of the nested record

  static FieldSpec Int64(std::string name);
  static FieldSpec String(std::string name);
  static FieldSpec SubLevel(std::string name, std::string record_name,
                            std::vector<FieldSpec> fields);
};

// One value of a key field.
using KeyValue = std::variant<std::int64_t, std::string>;

class IndexKey;

// A validated indexer schema (see the file comment). Default-constructed
// schemas are invalid (valid() false) and only good for assignment.
class IndexerSchema {
 public:
  // An "own" field of a level: every field except the trailing sub-level.
  struct Field {
    std::string name;
    FieldType type;  // kInt64 or kString
  };
  struct Level {
    std::string record_name;    // top level: the indexer's name
    std::vector<Field> fields;  // own fields, in declaration order (never empty)
    std::string
        sublevel_field;  // name of the trailing sub-level field; "" for the deepest
  };

  IndexerSchema() = default;

  // Validates and builds a schema named `name` (the indexer's record name).
  // Errors, in check order:
  // * `field_sep` empty or holding '/' → kInvalidArgument naming 'field_sep';
  // * `name`, a record name or a field name empty, or a field name repeated
  //   within one record → kInvalidArgument;
  // * a record (top level or sub-level) without fields → kInvalidArgument
  //   "a level must have at least one field ('<record>').";
  // * a kSubLevel field at position 0 of its record → kTypeError "a dataclass
  //   instance cannot be the only field of a level." (even if more follow);
  //   elsewhere than last → kTypeError "a dataclass instance is only possible
  //   in last position.";
  // * a FieldType outside the enum → kTypeError "field type <n> not possible.".
  static Result<IndexerSchema> Make(std::string name, std::vector<FieldSpec> fields,
                                    std::string field_sep = "-");

  bool valid() const { return impl_ != nullptr; }
  const std::string& name() const;
  const std::string& field_sep() const;
  // Number of levels including the top one (`depth` of
  // docs/behaviour.md#key-paths).
  int depth() const;
  const Level& level(int j) const;
  // Total number of own fields over all levels (= pieces of ToString()).
  int num_fields() const;
  // Own-field count of each level (docs/behaviour.md#key-parsing).
  int num_fields(int level) const;
  // e.g. "Measure(quantity: string, city: string, sampling: Sampling(frequency:
  // string), field_sep='-')", for messages.
  std::string ToString() const;

  // Builds a key from its values, one vector per level (level 0 first), each
  // holding the level's own fields in order. Errors: wrong number of levels or
  // of values in a level → kInvalidArgument; a value whose type differs from
  // the declared one → kTypeError; then each value in level order is checked as
  // docs/behaviour.md#keys: text holding the separator, '/' or '.' →
  // kInvalidArgument "use of a forbidden character among ('<sep>', '/', '.') is
  // not possible in <text>."; empty string → kInvalidArgument "empty string is
  // not possible as a field value."; with a separator of several characters, a
  // value (other than the last) ending with the beginning of the separator →
  // kInvalidArgument (else the key would not parse back).
  Result<IndexKey> MakeKey(std::vector<std::vector<KeyValue>> levels) const;
  // Same, with every own field of every level in one flat vector.
  Result<IndexKey> MakeKeyFlat(std::vector<KeyValue> values) const;

  // Parses a relative path (docs/behaviour.md#key-parsing): '/'-separated; as
  // Python's pathlib, empty and "." components are skipped; an absolute path is
  // refused. Exactly depth() components, component j splitting on the separator
  // into num_fields(j) pieces; int pieces in canonical decimal form only
  // (optional '-', no '+', no leading zero except "0" itself, no "-0", within
  // 64 bits); then validated as MakeKey. Any failure → kInvalidArgument with
  // the reason.
  Result<IndexKey> FromPath(std::string_view relative_path) const;
  // Parses a flat string (docs/behaviour.md#key-parsing): split on the
  // separator only; exactly num_fields() pieces, assigned level by level.
  // Failures as FromPath.
  Result<IndexKey> FromString(std::string_view text) const;

  // OK when `key` belongs to this schema; else kTypeError "expected a key of
  // indexer '<this>', got a key of indexer '<other>'." (Store, iter_intersections).
  Status CheckKey(const IndexKey& key) const;

  // Structural equality: same name, separator and fields at every level.
  friend bool operator==(const IndexerSchema& a, const IndexerSchema& b);

  // Validation of one value's text against this schema's separator (rules 2-3
  // of docs/behaviour.md#keys); exposed for bindings that validate values
  // themselves.
  Status ValidateText(std::string_view text) const;

 private:
  struct Impl;
  friend class IndexKey;
  explicit IndexerSchema(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// A key: a validated value of an IndexerSchema. Immutable.
//
// Equality, hashing and ordering (docs/behaviour.md#key-ordering): keys of
// different schemas are never equal. Within one schema keys compare field by
// field in declaration order, level after level; int64 fields numerically,
// string fields byte-wise, which is code-point order for UTF-8. operator<=> is
// a total order usable in std::map: keys of different schemas are ordered by
// schema first (arbitrary but consistent); use CompareKeys() to get the
// TypeError Python raises.
class IndexKey {
 public:
  const IndexerSchema& schema() const { return schema_; }
  int depth() const { return schema_.depth(); }
  // Every own field of every level, level 0 first.
  const std::vector<KeyValue>& values() const { return values_; }
  // The own fields of level j.
  std::span<const KeyValue> level(int j) const;

  // Relative path, one component per level joined by '/', each component the
  // level's own field texts joined by the separator: "aha-2/5-oh/ou-3-7".
  std::string ToPath() const;
  // The path components of ToPath().
  std::vector<std::string> PathComponents() const;
  // All own field texts of all levels joined by the separator (Python __str__):
  // "aha-2-5-oh-ou-3-7".
  std::string ToString() const;

  // Hash of the values (not of the schema); equal keys hash equally.
  std::size_t Hash() const;

  friend bool operator==(const IndexKey& a, const IndexKey& b);
  friend std::strong_ordering operator<=>(const IndexKey& a, const IndexKey& b);

 private:
  friend class IndexerSchema;
  IndexKey(IndexerSchema schema, std::vector<KeyValue> values)
      : schema_(std::move(schema)), values_(std::move(values)) {}
  IndexerSchema schema_;
  std::vector<KeyValue> values_;
};

// Three-way comparison as docs/behaviour.md#key-ordering: <0, 0, >0; kTypeError
// "keys of different indexers are not comparable: '<A>' and '<B>'." when
// schemas differ.
Result<int> CompareKeys(const IndexKey& a, const IndexKey& b);

// Text of one value: canonical decimal for ints, the string as is.
std::string KeyValueText(const KeyValue& value);

// Writes key.ToString().
std::ostream& operator<<(std::ostream& os, const IndexKey& key);

// Convenience builder over IndexerSchema::Make: fields are appended to the
// current level; SubLevel() appends the trailing sub-level field of the
// current level and makes the new level current.
//
//   auto schema = IndexerSchemaBuilder("Measure")
//                     .String("quantity").String("city")
//                     .SubLevel("sampling", "Sampling").String("frequency")
//                     .Finish();
class IndexerSchemaBuilder {
 public:
  explicit IndexerSchemaBuilder(std::string name) : name_(std::move(name)) {}
  IndexerSchemaBuilder& FieldSep(std::string sep);
  IndexerSchemaBuilder& Int64(std::string field);
  IndexerSchemaBuilder& String(std::string field);
  IndexerSchemaBuilder& SubLevel(std::string field, std::string record_name);
  // Validates as IndexerSchema::Make.
  Result<IndexerSchema> Finish() const;

 private:
  struct PendingLevel {
    std::string record_name;
    std::vector<FieldSpec> fields;
  };
  std::string name_;
  std::string sep_ = "-";
  // levels_[0] = top; the sub-level field of level j (j < last) is kept as the
  // last FieldSpec of levels_[j] with empty `fields`, filled at Finish().
  std::vector<PendingLevel> levels_{PendingLevel{}};
};

namespace key_internal {
// Hash scheme shared by IndexKey::Hash and the typed facade (key.h), so that a
// typed key and its IndexKey hash equally.
inline std::size_t HashStep(std::size_t seed, std::size_t h) {
  return seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}
inline std::size_t HashValue(std::int64_t v) { return std::hash<std::int64_t>{}(v); }
inline std::size_t HashValue(std::string_view v) {
  return std::hash<std::string_view>{}(v);
}
inline constexpr std::size_t kHashSeed = 0x6f757073;  // "oups"
}  // namespace key_internal

}  // namespace oups

template <>
struct std::hash<oups::IndexKey> {
  std::size_t operator()(const oups::IndexKey& key) const noexcept { return key.Hash(); }
};
