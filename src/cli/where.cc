#include "cli/where.h"

#include <cctype>
#include <string>
#include <vector>

#include "cli/values.h"

namespace oups::cli {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsQuote(char c) { return c == '\'' || c == '"'; }

bool StartsWithWord(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != word[i]) return false;
  }
  // A word ends at a space or at the list's bracket.
  return s.size() == word.size() || std::isspace(static_cast<unsigned char>(s[word.size()])) ||
         s[word.size()] == '[' || s[word.size()] == '(';
}

// One value's text (quotes removed) and whether it was quoted.
struct Item {
  std::string text;
  bool quoted = false;
};

Result<Item> Unquote(std::string_view s, const std::string& where) {
  s = Trim(s);
  if (!s.empty() && IsQuote(s.front())) {
    if (s.size() < 2 || s.back() != s.front()) {
      return Status::InvalidArgument("--where '" + where + "': unterminated quote in " +
                                     std::string(s));
    }
    return Item{std::string(s.substr(1, s.size() - 2)), true};
  }
  if (s.empty()) return Status::InvalidArgument("--where '" + where + "': missing value");
  return Item{std::string(s), false};
}

Result<Scalar> ValueOf(const Item& item, const Field& field, const std::string& where) {
  if (!item.quoted && (item.text == "null" || item.text == "NULL")) {
    return Scalar::Null(field.type);
  }
  auto s = ParseScalar(item.text, field.type);
  if (!s.ok() && field.type.is_integer()) {
    auto f = ParseScalar(item.text, DataType::Float64());
    if (f.ok()) return f;
  }
  if (!s.ok()) {
    return Status::InvalidArgument("--where '" + where + "': value '" + item.text +
                                   "' for column '" + field.name + "' of type " +
                                   field.type.ToString() + ": " + s.status().message());
  }
  return s;
}

}  // namespace

Result<FilterTerm> ParseWhere(std::string_view text, const Schema& schema) {
  const std::string where(text);
  std::string_view s = Trim(text);
  auto bad = [&](const std::string& what) {
    return Status::InvalidArgument("--where '" + where + "': " + what +
                                   " (expected 'column op value', op one of ==, !=, <, <=, >, "
                                   ">=, in, not in)");
  };
  FilterTerm term;
  // The column.
  if (!s.empty() && (s.front() == '"' || s.front() == '`')) {
    const size_t end = s.find(s.front(), 1);
    if (end == std::string_view::npos) return bad("unterminated column name");
    term.column = std::string(s.substr(1, end - 1));
    s.remove_prefix(end + 1);
  } else {
    size_t n = 0;
    while (n < s.size() && !std::isspace(static_cast<unsigned char>(s[n])) &&
           std::string_view("=!<>").find(s[n]) == std::string_view::npos) {
      ++n;
    }
    if (n == 0) return bad("missing column");
    term.column = std::string(s.substr(0, n));
    s.remove_prefix(n);
  }
  s = Trim(s);
  // The operator.
  if (StartsWithWord(s, "not")) {
    std::string_view rest = Trim(s.substr(3));
    if (!StartsWithWord(rest, "in")) return bad("'not' must be followed by 'in'");
    term.op = FilterOp::kNotIn;
    s = rest.substr(2);
  } else if (StartsWithWord(s, "in")) {
    term.op = FilterOp::kIn;
    s.remove_prefix(2);
  } else {
    bool found = false;
    for (std::string_view op : {"==", "!=", "<=", ">=", "=", "<", ">"}) {
      if (s.starts_with(op)) {
        term.op = *ParseFilterOp(op);
        s.remove_prefix(op.size());
        found = true;
        break;
      }
    }
    if (!found) return bad("missing operator");
  }
  const int idx = schema.IndexOf(term.column);
  if (idx < 0) {
    return Status::NotFound("--where '" + where + "': the dataset has no column '" +
                            term.column + "'");
  }
  const Field& field = schema.field(idx);
  s = Trim(s);
  if (term.op == FilterOp::kIn || term.op == FilterOp::kNotIn) {
    if (s.size() < 2 || !((s.front() == '[' && s.back() == ']') ||
                          (s.front() == '(' && s.back() == ')'))) {
      return bad("'" + std::string(FilterOpName(term.op)) +
                 "' takes a list in brackets, e.g. [1, 2]");
    }
    std::string_view body = Trim(s.substr(1, s.size() - 2));
    // Items split on commas outside quotes.
    size_t start = 0;
    char quote = 0;
    for (size_t i = 0; i <= body.size() && !body.empty(); ++i) {
      if (i < body.size() && quote != 0) {
        if (body[i] == quote) quote = 0;
        continue;
      }
      if (i < body.size() && IsQuote(body[i])) {
        quote = body[i];
        continue;
      }
      if (i == body.size() || body[i] == ',') {
        OUPS_ASSIGN_OR_RETURN(Item item, Unquote(body.substr(start, i - start), where));
        OUPS_ASSIGN_OR_RETURN(Scalar v, ValueOf(item, field, where));
        term.values.push_back(std::move(v));
        start = i + 1;
      }
    }
    if (quote != 0) return bad("unterminated quote");
  } else {
    OUPS_ASSIGN_OR_RETURN(Item item, Unquote(s, where));
    OUPS_ASSIGN_OR_RETURN(Scalar v, ValueOf(item, field, where));
    term.values.push_back(std::move(v));
  }
  return term;
}

}  // namespace oups::cli
