// Dispatch of `oups <command>` to the command functions.
#include <map>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/util.h"
#include "oups/version.h"

namespace oups::cli {

const std::string& MainUsage() {
  static const std::string usage =
      "usage: oups <command> [options]\n"
      "\n"
      "Inspect and maintain stores of ordered Parquet datasets.\n"
      "\n"
      "commands:\n"
      "  ls PATH                datasets under PATH: rows, row groups, range, size\n"
      "  info DATASET           ordered column, schema, key-values, row-group table\n"
      "  cat DATASET            print rows (range, columns; jsonl/json/csv/table/\n"
      "                         parquet)\n"
      "  head DATASET           the first rows (-n N, default 10)\n"
      "  tail DATASET           the last rows (-n N, default 10)\n"
      "  write DATASET          ingest a CSV or Parquet file (merge, de-duplicate)\n"
      "  verify PATH            check every dataset under PATH against its files\n"
      "  compact DATASET        coalesce off-target row groups\n"
      "  rm DATASET             remove a dataset\n"
      "  recover DATASET        rebuild a lost metadata file from the row-group files\n"
      "  log DATASET            the kept versions of a dataset\n"
      "  vacuum DATASET         apply the retention of versions, delete unused files\n"
      "  parquet cat|meta FILE  print a Parquet file's rows or metadata\n"
      "  sql DATASET            SQL for DuckDB reading the committed rows in order\n"
      "  completion bash        print a bash completion script (source it, or put\n"
      "                         it in ~/.local/share/bash-completion/completions/oups)\n"
      "\n"
      "  --version              print the version of oups\n"
      "\n"
      "Run 'oups <command> --help' for a command's options. Commands that print\n"
      "data accept --json.\n"
      "\n"
      "exit status: 0 ok, 1 problems found or operation failed, 2 usage error\n";
  return usage;
}

const std::vector<std::string>& CommandNames() {
  static const std::vector<std::string> names = {
      "ls",      "info", "cat",     "head",    "tail", "write",  "verify",
      "compact", "rm",   "recover", "parquet", "log",  "vacuum", "sql",  "completion"};
  return names;
}

int Run(const std::vector<std::string>& args, Env& env) {
  if (args.empty()) {
    *env.err << "oups: missing command (ls, info, cat, write, ...). See 'oups --help'.\n";
    return kExitUsage;
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "--help" || command == "-h" || command == "help") {
    *env.out << MainUsage();
    return kExitOk;
  }
  if (command == "--version" || command == "version") {
    *env.out << "oups " << Version() << "\n";
    return kExitOk;
  }
  if (command == "ls") return RunLs(rest, env);
  if (command == "info") return RunInfo(rest, env);
  if (command == "cat" || command == "head" || command == "tail") {
    return RunRead(command, rest, env);
  }
  if (command == "write") return RunWrite(rest, env);
  if (command == "verify") return RunVerify(rest, env);
  if (command == "compact") return RunCompact(rest, env);
  if (command == "rm") return RunRm(rest, env);
  if (command == "recover") return RunRecover(rest, env);
  if (command == "parquet") return RunParquet(rest, env);
  if (command == "log") return RunLog(rest, env);
  if (command == "vacuum") return RunVacuum(rest, env);
  if (command == "sql") return RunSql(rest, env);
  if (command == "completion") return RunCompletion(rest, env);
  // One line, with the closest command or top-level option when one is close.
  *env.err << "oups: unknown " << (command.starts_with("-") ? "option" : "command")
           << " '" << command << "'";
  std::vector<std::string> known = CommandNames();
  known.insert(known.end(), {"--help", "--version"});
  if (auto close = ClosestName(command, known)) {
    *env.err << "; did you mean '" << *close << "'?";
  } else {
    *env.err << ".";
  }
  *env.err << " See 'oups --help'.\n";
  return kExitUsage;
}

}  // namespace oups::cli
