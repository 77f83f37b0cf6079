// `oups sql DATASET`: the SQL that reads a dataset's committed rows in row
// order from another engine (DuckDB): a view over read_parquet of the files
// the metadata file lists, in its order. A `*.parquet` glob of the dataset
// directory is no substitute: it also sees files kept for registered readers
// after a merge, files of interrupted writes and foreign files, and it reads
// in file-name order.
#include <algorithm>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/util.h"

namespace oups::cli {
namespace {

constexpr const char* kSqlUsage =
    "usage: oups sql DATASET [--name VIEW]\n"
    "\n"
    "Prints SQL for DuckDB that reads the dataset's committed rows in row order:\n"
    "  CREATE OR REPLACE VIEW \"VIEW\" AS SELECT * FROM read_parquet([\n"
    "    '<dataset>/file_00000000.parquet', ...]);\n"
    "with the row-group files that the metadata file lists, in its order, paths as\n"
    "DATASET is given. Run it where DATASET is reachable under that path, e.g.\n"
    "  oups sql store/ticks | duckdb db.duckdb\n"
    "The view reads the files of this commit: after a later write, print it\n"
    "again (files that the write replaced are deleted once no reader needs them).\n"
    "The row-group index itself reads with read_parquet('<parent>/<name>_opdmd').\n"
    "\n"
    "  --name VIEW   the view's name (default: the dataset directory's name)\n"
    "\n"
    "exit status: 0 ok, 1 missing dataset or no rows yet, 2 usage error\n";

// 'text' with quotes doubled.
std::string SqlString(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// "name" with quotes doubled.
std::string SqlIdentifier(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

int RunSql(const std::vector<std::string>& args, Env& env) {
  int code = 0;
  auto parsed = ParseOrExit(env, "sql", args, {{"--name", "", true}}, kSqlUsage, &code);
  if (!parsed) return code;
  if (parsed->positional.size() != 1) {
    return UsageError(env, "sql",
                      parsed->positional.empty() ? "missing DATASET" : "one DATASET only",
                      kSqlUsage);
  }
  std::string path = parsed->positional[0];
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  auto md = LoadMetadata(*env.fs, path);
  if (!md.ok()) return Failure(env, "sql", md.status());
  if (md->num_row_groups() == 0) {
    return Failure(env, "sql",
                   Status::NotFound(path + ": the dataset has no rows yet (no file to read)"));
  }
  std::string name = parsed->Get("--name").value_or("");
  if (name.empty()) {
    const size_t slash = path.find_last_of('/');
    name = slash == std::string::npos ? path : path.substr(slash + 1);
  }
  std::string sql = "CREATE OR REPLACE VIEW " + SqlIdentifier(name) +
                    " AS SELECT * FROM read_parquet([";
  for (int64_t i = 0; i < md->num_row_groups(); ++i) {
    sql += (i == 0 ? "\n  " : ",\n  ") + SqlString(md->RowGroupFile(i));
  }
  sql += "]);\n";
  *env.out << sql;
  return kExitOk;
}

}  // namespace oups::cli
