#include "oups/common/json.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <unordered_set>

namespace oups::json {

Value Value::Bool(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.bool_ = b;
  return v;
}

Value Value::Int(int64_t i) {
  Value v;
  v.kind_ = Kind::kNumber;
  v.text_ = std::to_string(i);
  return v;
}

Value Value::UInt(uint64_t u) {
  Value v;
  v.kind_ = Kind::kNumber;
  v.text_ = std::to_string(u);
  return v;
}

Result<Value> Value::Double(double d) {
  if (!std::isfinite(d)) return Status::InvalidArgument("JSON cannot hold a non-finite number");
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.17g", d);
  Value v;
  v.kind_ = Kind::kNumber;
  v.text_ = buf;
  return v;
}

namespace {
// RFC 8259 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsNumberLiteral(std::string_view s) {
  size_t i = 0;
  auto digits = [&]() {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}
}  // namespace

Result<Value> Value::Number(std::string literal) {
  if (!IsNumberLiteral(literal)) {
    return Status::InvalidArgument("'" + literal + "' is not a JSON number");
  }
  Value v;
  v.kind_ = Kind::kNumber;
  v.text_ = std::move(literal);
  return v;
}

Value Value::String(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.text_ = std::move(s);
  return v;
}

Value Value::Array(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::kArray;
  v.items_ = std::move(items);
  return v;
}

Value Value::Object(std::vector<Member> members) {
  Value v;
  v.kind_ = Kind::kObject;
  v.members_ = std::move(members);
  return v;
}

const Value* Value::Find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (const auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

namespace {

bool IsIntegerLiteral(const std::string& t) {
  return t.find_first_of(".eE") == std::string::npos;
}

}  // namespace

Result<int64_t> Value::AsInt64() const {
  if (kind_ != Kind::kNumber || !IsIntegerLiteral(text_)) {
    return Status::InvalidArgument("JSON value is not an integer");
  }
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text_.c_str(), &end, 10);
  if (errno == ERANGE || end != text_.c_str() + text_.size()) {
    return Status::InvalidArgument("JSON integer " + text_ + " does not fit 64 bits");
  }
  return static_cast<int64_t>(v);
}

Result<uint64_t> Value::AsUInt64() const {
  if (kind_ != Kind::kNumber || !IsIntegerLiteral(text_) || text_[0] == '-') {
    return Status::InvalidArgument("JSON value is not a non-negative integer");
  }
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(text_.c_str(), &end, 10);
  if (errno == ERANGE || end != text_.c_str() + text_.size()) {
    return Status::InvalidArgument("JSON integer " + text_ + " does not fit 64 bits");
  }
  return static_cast<uint64_t>(v);
}

Result<double> Value::AsDouble() const {
  if (kind_ != Kind::kNumber) return Status::InvalidArgument("JSON value is not a number");
  return std::strtod(text_.c_str(), nullptr);
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case Value::Kind::kNull: return true;
    case Value::Kind::kBool: return a.bool_ == b.bool_;
    case Value::Kind::kNumber:
    case Value::Kind::kString: return a.text_ == b.text_;
    case Value::Kind::kArray: return a.items_ == b.items_;
    case Value::Kind::kObject: return a.members_ == b.members_;
  }
  return false;
}

// ------------------------------------------------------------------ parser

class Parser {
 public:
  Parser(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {}

  Result<Value> ParseDocument() {
    SkipSpace();
    OUPS_ASSIGN_OR_RETURN(Value v, ParseValue(0));
    SkipSpace();
    if (pos_ != s_.size()) return Error("unexpected content after the JSON value");
    return v;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::InvalidArgument("invalid JSON at byte " + std::to_string(pos_) + ": " +
                                   std::string(what));
  }

  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) == lit) {
      pos_ += lit.size();
      return true;
    }
    return false;
  }

  Result<Value> ParseValue(int depth) {
    if (pos_ >= s_.size()) return Error("unexpected end of input");
    char c = s_[pos_];
    switch (c) {
      case '{': return ParseObject(depth + 1);
      case '[': return ParseArray(depth + 1);
      case '"': {
        OUPS_ASSIGN_OR_RETURN(std::string str, ParseString());
        return Value::String(std::move(str));
      }
      case 't':
        if (Consume("true")) return Value::Bool(true);
        return Error("invalid literal");
      case 'f':
        if (Consume("false")) return Value::Bool(false);
        return Error("invalid literal");
      case 'n':
        if (Consume("null")) return Value::Null();
        return Error("invalid literal");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber();
        return Error("unexpected character");
    }
  }

  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  Result<Value> ParseNumber() {
    size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    if (pos_ >= s_.size() || !IsDigit(s_[pos_])) return Error("invalid number");
    if (s_[pos_] == '0') {
      ++pos_;
      if (pos_ < s_.size() && IsDigit(s_[pos_])) return Error("leading zero in a number");
    } else {
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (pos_ >= s_.size() || !IsDigit(s_[pos_])) return Error("invalid number fraction");
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (pos_ >= s_.size() || !IsDigit(s_[pos_])) return Error("invalid number exponent");
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    }
    Value v;
    v.kind_ = Value::Kind::kNumber;
    v.text_ = std::string(s_.substr(start, pos_ - start));
    return v;
  }

  Result<uint32_t> ParseHex4() {
    if (s_.size() - pos_ < 4) return Error("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return Error("invalid hex digit in \\u escape");
      }
    }
    return v;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // Validates one UTF-8 sequence at pos_ and copies it.
  Status CopyUtf8(std::string* out) {
    const auto b0 = static_cast<uint8_t>(s_[pos_]);
    int n;
    uint32_t cp;
    if (b0 < 0x80) {
      out->push_back(s_[pos_++]);
      return Status::OK();
    } else if ((b0 & 0xE0) == 0xC0) {
      n = 1;
      cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
      n = 2;
      cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
      n = 3;
      cp = b0 & 0x07;
    } else {
      return Error("invalid UTF-8");
    }
    if (s_.size() - pos_ <= static_cast<size_t>(n)) return Error("truncated UTF-8");
    for (int i = 1; i <= n; ++i) {
      const auto b = static_cast<uint8_t>(s_[pos_ + static_cast<size_t>(i)]);
      if ((b & 0xC0) != 0x80) return Error("invalid UTF-8");
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return Error("invalid UTF-8");
    }
    out->append(s_.substr(pos_, static_cast<size_t>(n) + 1));
    pos_ += static_cast<size_t>(n) + 1;
    return Status::OK();
  }

  Result<std::string> ParseString() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) return Error("unterminated string");
      const char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (static_cast<uint8_t>(c) < 0x20) return Error("control character in a string");
      if (c != '\\') {
        OUPS_RETURN_NOT_OK(CopyUtf8(&out));
        continue;
      }
      ++pos_;
      if (pos_ >= s_.size()) return Error("unterminated escape");
      const char e = s_[pos_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          OUPS_ASSIGN_OR_RETURN(uint32_t cp, ParseHex4());
          if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("unpaired low surrogate");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (!Consume("\\u")) return Error("unpaired high surrogate");
            OUPS_ASSIGN_OR_RETURN(uint32_t lo, ParseHex4());
            if (lo < 0xDC00 || lo > 0xDFFF) return Error("unpaired high surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          AppendUtf8(cp, &out);
          break;
        }
        default:
          return Error("invalid escape");
      }
    }
  }

  Result<Value> ParseArray(int depth) {
    if (depth > max_depth_) return Error("nesting too deep");
    ++pos_;  // '['
    Value v = Value::Array();
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return v;
    }
    while (true) {
      SkipSpace();
      OUPS_ASSIGN_OR_RETURN(Value item, ParseValue(depth));
      v.items_.push_back(std::move(item));
      SkipSpace();
      if (pos_ >= s_.size()) return Error("unterminated array");
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == ']') {
        ++pos_;
        return v;
      }
      return Error("expected ',' or ']'");
    }
  }

  Result<Value> ParseObject(int depth) {
    if (depth > max_depth_) return Error("nesting too deep");
    ++pos_;  // '{'
    Value v = Value::Object();
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return v;
    }
    // Duplicate keys: a linear search while the object is small, a hash set
    // beyond (an object of n members must parse in O(n), e.g. the file_crc32
    // map of a dataset of 20,000 row groups).
    constexpr size_t kLinearMembers = 16;
    std::unordered_set<std::string> seen;
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') return Error("expected a string key");
      OUPS_ASSIGN_OR_RETURN(std::string key, ParseString());
      if (v.members_.size() < kLinearMembers) {
        if (v.Find(key) != nullptr) return Error("duplicate key \"" + key + "\"");
      } else {
        if (seen.empty()) {
          for (const auto& m : v.members_) seen.insert(m.first);
        }
        if (!seen.insert(key).second) return Error("duplicate key \"" + key + "\"");
      }
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':') return Error("expected ':'");
      ++pos_;
      SkipSpace();
      OUPS_ASSIGN_OR_RETURN(Value item, ParseValue(depth));
      v.members_.emplace_back(std::move(key), std::move(item));
      SkipSpace();
      if (pos_ >= s_.size()) return Error("unterminated object");
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == '}') {
        ++pos_;
        return v;
      }
      return Error("expected ',' or '}'");
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  int max_depth_;
};

Result<Value> Parse(std::string_view text, int max_depth) {
  return Parser(text, max_depth).ParseDocument();
}

// ------------------------------------------------------------------ writer

void AppendEscaped(std::string_view s, std::string* out, HexCase hex) {
  const char* digits = hex == HexCase::kUpper ? "0123456789ABCDEF" : "0123456789abcdef";
  for (char c : s) {
    const auto u = static_cast<uint8_t>(c);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (u < 0x20) {
          out->append("\\u00");
          out->push_back(digits[u >> 4]);
          out->push_back(digits[u & 15]);
        } else {
          out->push_back(c);
        }
    }
  }
}

void AppendQuoted(std::string_view s, std::string* out, HexCase hex) {
  out->push_back('"');
  AppendEscaped(s, out, hex);
  out->push_back('"');
}

void Serialize(const Value& value, std::string* out) {
  switch (value.kind()) {
    case Value::Kind::kNull: out->append("null"); break;
    case Value::Kind::kBool: out->append(value.bool_value() ? "true" : "false"); break;
    case Value::Kind::kNumber: out->append(value.string_value()); break;
    case Value::Kind::kString: AppendQuoted(value.string_value(), out); break;
    case Value::Kind::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Value& item : value.items()) {
        if (!first) out->push_back(',');
        first = false;
        Serialize(item, out);
      }
      out->push_back(']');
      break;
    }
    case Value::Kind::kObject: {
      out->push_back('{');
      bool first = true;
      for (const auto& [k, v] : value.members()) {
        if (!first) out->push_back(',');
        first = false;
        AppendQuoted(k, out);
        out->push_back(':');
        Serialize(v, out);
      }
      out->push_back('}');
      break;
    }
  }
}

std::string Serialize(const Value& value) {
  std::string out;
  Serialize(value, &out);
  return out;
}

}  // namespace oups::json
