#include "cli/args.h"

#include <algorithm>
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
      std::vector<std::string> known;
      for (const FlagSpec& s : specs) {
        known.push_back(s.name);
        if (s.alias.starts_with("--")) known.push_back(s.alias);
      }
      known.push_back("--help");
      std::string message = "unknown option '" + name + "'";
      if (auto close = ClosestName(name, known)) {
        message += "; did you mean '" + *close + "'?";
      }
      return Status::InvalidArgument(message);
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

namespace {

// Edit distance counting insertions, deletions, substitutions and swaps of
// two adjacent characters as one edit each.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> ClosestName(std::string_view typed,
                                       const std::vector<std::string>& known) {
  const std::string_view bare = typed.substr(std::min(typed.find_first_not_of('-'),
                                                      typed.size()));
  if (bare.size() < 2) return std::nullopt;  // one letter: any guess is noise
  std::optional<std::string> best;
  size_t best_distance = std::max<size_t>(1, bare.size() / 3) + 1;
  for (const std::string& k : known) {
    const std::string_view kb = std::string_view(k).substr(
        std::min(k.find_first_not_of('-'), k.size()));
    const size_t dist = EditDistance(bare, kb);
    if (dist < best_distance) {
      best_distance = dist;
      best = k;
    }
  }
  if (best) return best;
  // A unique name that starts with what was typed ("--col" for "--columns").
  for (const std::string& k : known) {
    const std::string_view kb = std::string_view(k).substr(
        std::min(k.find_first_not_of('-'), k.size()));
    if (kb.starts_with(bare)) {
      if (best) return std::nullopt;
      best = k;
    }
  }
  return best;
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
