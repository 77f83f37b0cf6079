#include "cli/util.h"

#include <algorithm>
#include <functional>
#include <set>

#include "oups/table/format.h"

namespace oups::cli {

int UsageError(Env& env, std::string_view command, std::string_view problem,
               std::string_view /*usage*/) {
  // One line and a pointer to the help, never the whole help page (as for an
  // unknown option, ParseOrExit).
  *env.err << "oups " << command << ": " << problem
           << (problem.ends_with('.') || problem.ends_with('?') ? "" : ".") << " See 'oups "
           << command << " --help'.\n";
  return kExitUsage;
}

int Failure(Env& env, std::string_view command, const Status& status) {
  *env.err << "oups " << command << ": " << status.ToString() << "\n";
  return kExitFailure;
}

std::optional<ParsedArgs> ParseOrExit(Env& env, std::string_view command,
                                      const std::vector<std::string>& args,
                                      const std::vector<FlagSpec>& specs,
                                      std::string_view usage, int* exit_code) {
  if (env.capture_flags != nullptr) {
    *env.capture_flags = specs;
    *exit_code = kExitOk;
    return std::nullopt;
  }
  auto parsed = ParseArgs(args, specs);
  if (!parsed.ok()) {
    // One line, not the whole usage: a mistyped option is easy to spot.
    const std::string& problem = parsed.status().message();
    *env.err << "oups " << command << ": " << problem
             << (problem.ends_with('?') ? "" : ".") << " See 'oups " << command
             << " --help'.\n";
    *exit_code = kExitUsage;
    return std::nullopt;
  }
  if (parsed->help) {
    *env.out << usage;
    *exit_code = kExitOk;
    return std::nullopt;
  }
  return std::move(parsed).ValueOrDie();
}

Result<DatasetDescription> LoadMetadata(FileSystem& fs, const std::string& path) {
  return DescribeDataset(fs, path);
}

Result<json::Value> CellJson(const Column& column, int64_t i) {
  if (column.IsNull(i)) return json::Value::Null();
  const DataType& t = column.type();
  if (t.id == TypeId::kBool) return json::Value::Bool(column.GetBool(i));
  std::string text = FormatCell(column, i, CellFormat::kText);
  if (RendersAsJsonString(t)) return json::Value::String(std::move(text));
  // NaN and infinities have no JSON form: InvalidArgument.
  return json::Value::Number(std::move(text));
}

std::string CellText(const Column& column, int64_t i) {
  return FormatCell(column, i, CellFormat::kText);
}

std::string CellText(const json::Value& v) {
  switch (v.kind()) {
    case json::Value::Kind::kNull:
      return "null";
    case json::Value::Kind::kBool:
      return v.bool_value() ? "true" : "false";
    case json::Value::Kind::kNumber:
    case json::Value::Kind::kString:
      return v.string_value();
    default:
      return json::Serialize(v);
  }
}

namespace {
// Display width: code points (UTF-8 continuation bytes do not count).
size_t Width(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}
// Control characters would break the layout: shown escaped.
std::string Printable(const std::string& s) {
  if (s.find_first_of("\n\r\t") == std::string::npos) return s;
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out;
}
}  // namespace

void PrintTextTable(const TextTable& table, std::ostream& out) {
  std::vector<size_t> widths;
  PrintTextTableRows(table, &widths, /*header=*/true, out);
}

void PrintTextTableRows(const TextTable& table, std::vector<size_t>* widths, bool header,
                        std::ostream& out) {
  const size_t n = table.header.size();
  std::vector<std::vector<std::string>> rows;
  rows.reserve(table.rows.size());
  const bool measure = widths->empty();
  if (measure) {
    widths->assign(n, 0);
    for (size_t c = 0; c < n; ++c) (*widths)[c] = Width(table.header[c]);
  }
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (size_t c = 0; c < n; ++c) {
      cells.push_back(c < row.size() ? Printable(row[c]) : "");
      if (measure) (*widths)[c] = std::max((*widths)[c], Width(cells.back()));
    }
    rows.push_back(std::move(cells));
  }
  std::string text;
  auto line = [&](const std::vector<std::string>& cells) {
    text.clear();
    for (size_t c = 0; c < n; ++c) {
      // A cell wider than its column (after the measured window) pushes the
      // rest of its line to the right.
      const size_t width = Width(cells[c]);
      const size_t pad = (*widths)[c] > width ? (*widths)[c] - width : 0;
      const bool right = c < table.right_align.size() && table.right_align[c];
      if (c > 0) text += "  ";
      if (right) text.append(pad, ' ');
      text += cells[c];
      if (!right && c + 1 < n) text.append(pad, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    text += '\n';
    out << text;
  };
  if (header) {
    line(table.header);
    std::vector<std::string> rule;
    for (size_t c = 0; c < n; ++c) rule.push_back(std::string((*widths)[c], '-'));
    line(rule);
  }
  for (const auto& row : rows) line(row);
}

std::optional<int64_t> FileSize(FileSystem& fs, const std::string& path) {
  auto info = fs.Stat(path);
  if (!info.ok() || info->is_dir) return std::nullopt;
  return info->size;
}

std::string HumanSize(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes);
  size_t unit = 0;
  // 1023.5 KiB and more print as 1.0 MiB, not as 1024 KiB.
  while (v >= 1023.5 && unit + 1 < std::size(kUnits)) {
    v /= 1024;
    ++unit;
  }
  const std::string unit_text = std::string(" ") + kUnits[unit];
  if (v < 9.95) {
    const auto tenths = static_cast<int64_t>(v * 10 + 0.5);
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + unit_text;
  }
  return std::to_string(static_cast<int64_t>(v + 0.5)) + unit_text;
}

std::string RelativeTo(const std::string& path, const std::string& root_in) {
  std::string root = root_in;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (path == root) return ".";
  if (root == "/" && path.starts_with("/")) return path.substr(1);
  if (path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/') {
    return path.substr(root.size() + 1);
  }
  return path;
}

}  // namespace oups::cli
