#include "cli/args.h"

#include <charconv>

namespace oups::cli {

std::optional<std::string> ParsedArgs::Get(std::string_view name) const {
  auto it = flags.find(std::string(name));
  if (it == flags.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::GetAll(std::string_view name) const {
  auto it = flags.find(std::string(name));
  if (it == flags.end()) return {};
  return it->second;
}

Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                             const std::vector<FlagSpec>& specs) {
  ParsedArgs parsed;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (flags_done || a == "-" || a.size() < 2 || a[0] != '-') {
      parsed.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      flags_done = true;
      continue;
    }
    if (a == "--help" || a == "-h") {
      parsed.help = true;
      continue;
    }
    std::string name = a;
    std::optional<std::string> inline_value;
    if (const size_t eq = a.find('='); a.starts_with("--") && eq != std::string::npos) {
      name = a.substr(0, eq);
      inline_value = a.substr(eq + 1);
    }
    const FlagSpec* spec = nullptr;
    for (const FlagSpec& s : specs) {
      if (s.name == name || (!s.alias.empty() && s.alias == name)) spec = &s;
    }
    if (spec == nullptr) {
      // A negative number is a value, not a flag (e.g. --start -5 is handled
      // above as a value; a lone "-5" is positional).
      if (ParseInt64(a)) {
        parsed.positional.push_back(a);
        continue;
      }
      return Status::InvalidArgument("unknown option '" + name + "'");
    }
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return Status::InvalidArgument("option " + spec->name + " needs a value");
      }
    } else if (inline_value) {
      return Status::InvalidArgument("option " + spec->name + " takes no value");
    }
    auto& values = parsed.flags[spec->name];
    if (!values.empty() && !spec->repeated) {
      return Status::InvalidArgument("option " + spec->name + " given more than once");
    }
    values.push_back(std::move(value));
  }
  return parsed;
}

std::vector<std::string> SplitList(std::string_view list, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(sep, start);
    if (end == std::string_view::npos) end = list.size();
    if (end > start) out.emplace_back(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::optional<int64_t> ParseInt64(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const char* begin = text.data();
  if (*begin == '+') ++begin;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || begin == ptr)
    return std::nullopt;
  return v;
}

}  // namespace oups::cli
