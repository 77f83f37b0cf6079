// A small, strict JSON value type with a parser and a compact writer (RFC 8259).
//
// Used for the `oups` key of dataset metadata files
// (docs/behaviour.md#metadata-file), which is read from untrusted files: the
// parser accepts exactly RFC 8259 JSON (UTF-8 validated, escapes and surrogate
// pairs checked, no comments, no trailing commas, no leading zeros, no
// NaN/Infinity, nothing after the value), refuses duplicate object keys, and
// bounds nesting depth, so malformed input gives InvalidArgument with the byte
// offset, never a crash or unbounded recursion. Numbers keep their literal
// text, so integers of any width (e.g. uint64 ids) round-trip exactly;
// AsInt64/AsUInt64 convert exactly or fail. Objects keep their members in
// insertion order.
//
// Serialize writes compact JSON (no spaces); strings escape only '"', '\\' and
// control characters, other characters stay UTF-8 (the rule of
// docs/behaviour.md#column-multiindex for MultiIndex column names).
//
// Thread-safety: values are plain data; functions are pure. Ownership: a Value
// owns its children.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "oups/result.h"

namespace oups::json {

class Value {
 public:
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string, Value>;

  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Bool(bool b);
  static Value Int(int64_t v);
  static Value UInt(uint64_t v);
  // NaN / infinities are not JSON: InvalidArgument.
  static Result<Value> Double(double v);
  // A number from its literal text, which must follow the JSON number grammar
  // (InvalidArgument otherwise: "NaN", "1.", "+1", "01"...).
  static Result<Value> Number(std::string literal);
  static Value String(std::string s);
  static Value Array(std::vector<Value> items = {});
  static Value Object(std::vector<Member> members = {});

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  // Preconditions: the matching kind.
  bool bool_value() const { return bool_; }
  // String value, or the number's literal text.
  const std::string& string_value() const { return text_; }
  const std::vector<Value>& items() const { return items_; }
  std::vector<Value>& items() { return items_; }
  const std::vector<Member>& members() const { return members_; }
  std::vector<Member>& members() { return members_; }

  // Object member by key, or nullptr (also for non-objects).
  const Value* Find(std::string_view key) const;
  // Appends a member (object only; the caller keeps keys unique).
  void Add(std::string key, Value value) { members_.emplace_back(std::move(key), std::move(value)); }
  void Push(Value value) { items_.push_back(std::move(value)); }

  // Exact conversions of a number: InvalidArgument if not a number, not an
  // integer literal, or out of range.
  Result<int64_t> AsInt64() const;
  Result<uint64_t> AsUInt64() const;
  Result<double> AsDouble() const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<Value> items_;
  std::vector<Member> members_;
  friend class Parser;
};

inline constexpr int kDefaultMaxDepth = 64;

// Parses one JSON document (surrounding whitespace allowed).
Result<Value> Parse(std::string_view text, int max_depth = kDefaultMaxDepth);

// Compact JSON text of `value`.
std::string Serialize(const Value& value);
void Serialize(const Value& value, std::string* out);

// Case of the hex digits of "\u00XX" escapes: metadata files use lower case,
// the row printer upper case as DuckDB does (table/format.h).
enum class HexCase : uint8_t { kLower, kUpper };

// Appends the body of a JSON string literal for `s` (no quotes): '"', '\\' and
// control characters escaped ("\n", "\t", "\r", "\b", "\f", else "\u00XX"),
// every other byte as is. `s` should be UTF-8. The one JSON string escaper of
// the project.
void AppendEscaped(std::string_view s, std::string* out, HexCase hex = HexCase::kLower);
// Appends `s` as a JSON string literal (with quotes).
void AppendQuoted(std::string_view s, std::string* out, HexCase hex = HexCase::kLower);

}  // namespace oups::json
