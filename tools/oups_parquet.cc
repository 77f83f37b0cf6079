// oups-parquet: prints any flat Parquet file's rows or metadata.
//
//   oups-parquet cat FILE [--columns a,b] [--format jsonl|csv]
//   oups-parquet meta FILE
//
// Rows print as DuckDB prints them in JSON (see include/oups/table/format.h),
// so the output can be compared with DuckDB's byte for byte. Exit status: 0 ok,
// 1 error (message on stderr naming the file), 2 usage error.
#include <cstdio>
#include <optional>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "oups/io/file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/printer.h"
#include "oups/table/format.h"

namespace {

constexpr std::string_view kUsage =
    "usage: oups-parquet cat FILE [--columns a,b] [--format jsonl|csv]\n"
    "       oups-parquet meta FILE\n"
    "\n"
    "  cat   print the rows (JSON lines by default, values rendered as DuckDB does)\n"
    "  meta  print schema, row groups, column chunks with statistics and key-value\n"
    "        metadata as JSON\n"
    "\n"
    "exit status: 0 ok, 1 error, 2 usage error\n";

int Usage(std::string_view problem) {
  std::cerr << "oups-parquet: " << problem << "\n" << kUsage;
  return 2;
}

int Fail(const std::string& path, const oups::Status& st) {
  // Reader errors already name the file; add it only when they do not.
  const bool named = st.message().find(path) != std::string::npos;
  std::cerr << "oups-parquet: " << (named ? "" : path + ": ") << st.ToString() << "\n";
  return 1;
}

std::vector<std::string> SplitColumns(std::string_view list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    if (comma > start) out.emplace_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

int Cat(const std::string& path, const std::vector<std::string>& columns, bool csv) {
  auto reader = oups::parquet::FileReader::Open(*oups::LocalFileSystem(), path);
  if (!reader.ok()) return Fail(path, reader.status());
  oups::Status st;
  if (csv) {
    oups::parquet::ReadOptions options;
    options.columns = columns;
    auto table = (*reader)->Read(options);
    if (!table.ok()) return Fail(path, table.status());
    st = oups::PrintRowsCsv(*table, std::cout);
  } else {
    // One row group at a time: memory stays bounded by the largest row group.
    const int n = (*reader)->num_row_groups();
    for (int g = 0; g < n && st.ok(); ++g) {
      auto table = (*reader)->ReadRowGroup(g, columns);
      if (!table.ok()) return Fail(path, table.status());
      st = oups::PrintRowsJsonl(*table, std::cout);
    }
    if (n == 0 && !columns.empty()) {
      // Still check that the projected columns exist.
      oups::parquet::ReadOptions options;
      options.columns = columns;
      auto table = (*reader)->Read(options);
      if (!table.ok()) return Fail(path, table.status());
    }
  }
  if (!st.ok()) return Fail(path, st);
  return 0;
}

int Meta(const std::string& path) {
  auto reader = oups::parquet::FileReader::Open(*oups::LocalFileSystem(), path);
  if (!reader.ok()) return Fail(path, reader.status());
  oups::Status st = oups::parquet::PrintMetadataJson((*reader)->metadata(), std::cout);
  if (!st.ok()) return Fail(path, st);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string_view> args(argv + 1, argv + argc);
  for (std::string_view a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    }
  }
  if (args.empty()) return Usage("missing command");
  const std::string_view command = args[0];
  std::string path;
  std::vector<std::string> columns;
  std::string format = "jsonl";
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string_view a = args[i];
    auto value = [&](std::string_view flag) -> std::optional<std::string_view> {
      if (a == flag) {
        if (i + 1 >= args.size()) return std::nullopt;
        return args[++i];
      }
      return a.substr(flag.size() + 1);  // --flag=value
    };
    if (command == "cat" && (a == "--columns" || a.starts_with("--columns="))) {
      auto v = value("--columns");
      if (!v) return Usage("--columns needs a value");
      columns = SplitColumns(*v);
      if (columns.empty()) return Usage("--columns needs at least one column name");
    } else if (command == "cat" && (a == "--format" || a.starts_with("--format="))) {
      auto v = value("--format");
      if (!v) return Usage("--format needs a value");
      format = std::string(*v);
      if (format != "jsonl" && format != "csv") {
        return Usage("unknown format '" + format + "' (jsonl or csv)");
      }
    } else if (a.starts_with("-") && a != "-") {
      return Usage("unknown option '" + std::string(a) + "'");
    } else if (path.empty()) {
      path = std::string(a);
    } else {
      return Usage("unexpected argument '" + std::string(a) + "'");
    }
  }
  if (command != "cat" && command != "meta") {
    return Usage("unknown command '" + std::string(command) + "'");
  }
  if (path.empty()) return Usage("missing FILE");
  if (command == "cat") return Cat(path, columns, format == "csv");
  return Meta(path);
}
