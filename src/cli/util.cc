#include "cli/util.h"

#include <algorithm>
#include <functional>
#include <set>

#include "dataset/file_naming.h"
#include "oups/table/format.h"

namespace oups::cli {

int UsageError(Env& env, std::string_view command, std::string_view problem,
               std::string_view usage) {
  *env.err << "oups " << command << ": " << problem << "\n" << usage;
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

namespace {

constexpr size_t kMaxWalkDepth = 64;

// Walks below stack->back() (listed). Dataset directories that cannot be
// listed, and the bad entries of a dataset directory (`dataset_dir`: stack->
// back() is one), are left to the per-dataset checks; other bad entries are
// recorded and skipped. Appends each directory it enters to `walked` (if set).
void Walk(FileSystem& fs, std::vector<store_internal::WalkedDir>* stack, bool dataset_dir,
          DatasetListing* out, std::vector<store_internal::WalkedDir>* walked) {
  const std::string dir = stack->back().path;
  const std::vector<FileInfo> entries = stack->back().entries;
  std::set<std::string> dataset_names;
  for (const FileInfo& e : entries) {
    if (e.is_dir) continue;
    if (auto name = dataset::DatasetNameFromMetadataFileName(e.name)) {
      out->datasets.push_back(JoinPath(dir, *name));
      dataset_names.insert(*name);
    }
  }
  for (const FileInfo& e : entries) {
    if (e.name.starts_with(".")) continue;
    const std::string path = JoinPath(dir, e.name);
    if (!e.error.ok()) {
      // Cannot be examined: a dataset's metadata file, directory or entries
      // are reported with its dataset, anything else here.
      if (dataset_dir || dataset::DatasetNameFromMetadataFileName(e.name) ||
          dataset_names.count(e.name)) {
        continue;
      }
      out->skipped.push_back({path, e.error.ToString(), true});
      continue;
    }
    if (!e.is_dir) continue;
    auto listed = fs.ListDir(path);
    if (!listed.ok()) {
      if (listed.status().IsNotFound()) continue;  // removed meanwhile
      if (dataset_names.count(e.name)) continue;   // reported with its dataset
      out->skipped.push_back({path, listed.status().ToString(), true});
      continue;
    }
    store_internal::WalkedDir child{path, std::move(listed).ValueOrDie()};
    if (auto target = store_internal::LoopTarget(fs, *stack, child)) {
      out->skipped.push_back(
          {path, "symbolic link loop back to '" + *target + "': not followed", false});
      continue;
    }
    if (stack->size() > kMaxWalkDepth) {
      out->skipped.push_back({path,
                              "more than " + std::to_string(kMaxWalkDepth) +
                                  " directory levels below the root: not listed",
                              true});
      continue;
    }
    if (walked) walked->push_back(child);
    stack->push_back(std::move(child));
    Walk(fs, stack, dataset_names.count(e.name) > 0, out, walked);
    stack->pop_back();
  }
}

std::string StripSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

Result<DatasetListing> ListDatasets(FileSystem& fs, const std::string& root_in,
                                    std::vector<store_internal::WalkedDir>* walked) {
  const std::string root = StripSlash(root_in);
  DatasetListing listing;
  bool root_is_dataset = false;
  if (auto paths = dataset::DatasetPaths::Make(root)) {
    auto exists = fs.Exists(paths->metadata);
    root_is_dataset = exists.ok() && *exists;
    if (root_is_dataset) listing.datasets.push_back(root);
  }
  auto info = fs.Stat(root);
  if (info.ok() && info->is_dir) {
    auto entries = fs.ListDir(root);
    if (entries.ok()) {
      std::vector<store_internal::WalkedDir> stack;
      stack.push_back({root, std::move(entries).ValueOrDie()});
      if (walked) walked->push_back(stack.back());
      Walk(fs, &stack, root_is_dataset, &listing, walked);
    } else if (!root_is_dataset) {
      // Nothing can be listed: the store itself is unreadable.
      return entries.status();
    }
  } else if (!root_is_dataset) {
    if (!info.ok() && !info.status().IsNotFound()) return info.status();
    return Status::NotFound("no store or dataset at '" + root + "'");
  }
  std::sort(listing.datasets.begin(), listing.datasets.end());
  listing.datasets.erase(std::unique(listing.datasets.begin(), listing.datasets.end()),
                         listing.datasets.end());
  return listing;
}

Result<std::vector<std::string>> FindDatasets(FileSystem& fs, const std::string& root) {
  OUPS_ASSIGN_OR_RETURN(DatasetListing listing, ListDatasets(fs, root));
  return std::move(listing.datasets);
}

Result<dataset::DatasetMetadata> LoadMetadata(FileSystem& fs,
                                              const std::string& path_in) {
  const std::string path = StripSlash(path_in);
  auto paths = dataset::DatasetPaths::Make(path);
  if (!paths) return Status::InvalidArgument("'" + path + "' is not a dataset path");
  auto md = dataset::ReadMetadataFile(fs, paths->metadata);
  if (!md.ok() && md.status().IsNotFound()) {
    return Status::NotFound("no dataset at '" + path + "' (no metadata file '" +
                            paths->metadata + "')");
  }
  return md;
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
  const size_t n = table.header.size();
  std::vector<size_t> widths(n, 0);
  std::vector<std::vector<std::string>> rows;
  rows.reserve(table.rows.size());
  for (size_t c = 0; c < n; ++c) widths[c] = Width(table.header[c]);
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (size_t c = 0; c < n; ++c) {
      cells.push_back(c < row.size() ? Printable(row[c]) : "");
      widths[c] = std::max(widths[c], Width(cells.back()));
    }
    rows.push_back(std::move(cells));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t c = 0; c < n; ++c) {
      const size_t pad = widths[c] - Width(cells[c]);
      const bool right = c < table.right_align.size() && table.right_align[c];
      if (c > 0) text += "  ";
      if (right) text.append(pad, ' ');
      text += cells[c];
      if (!right && c + 1 < n) text.append(pad, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  };
  line(table.header);
  std::vector<std::string> rule;
  for (size_t c = 0; c < n; ++c) rule.push_back(std::string(widths[c], '-'));
  line(rule);
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
  const std::string root = StripSlash(root_in);
  if (path == root) return ".";
  if (root == "/" && path.starts_with("/")) return path.substr(1);
  if (path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/') {
    return path.substr(root.size() + 1);
  }
  return path;
}

}  // namespace oups::cli
