// The `oups` command-line tool as library code: one function per command,
// each taking its arguments (after the command name), an Env (file system,
// output and error streams) and returning the process exit code, so tests
// call them directly and tools/oups.cc stays a thin main.
//
// Exit codes: 0 ok; 1 problems found (verify) or the operation failed (I/O,
// bad data, missing dataset); 2 usage error (unknown command or option,
// missing argument). `--help` prints the command's usage to `out`, exit 0.
// Data goes to `out`, messages and progress to `err`.
//
// Thread-safety: commands share nothing; one Env per call. Ownership: the
// Env's streams and file system belong to the caller.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "oups/io/file_system.h"

namespace oups::cli {

struct FlagSpec;

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct Env {
  std::shared_ptr<FileSystem> fs;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  // Show progress bars on `err` (the caller sets it when stderr is a terminal).
  bool progress = false;
  // Seconds a progress stage waits before it draws (short stages stay
  // silent); tests set 0.
  double progress_delay_seconds = 1.0;
  // When set, a command stores its table of options here and returns 0
  // without doing anything (how `oups completion` learns every command's
  // options from their definitions).
  std::vector<FlagSpec>* capture_flags = nullptr;
  // `out` is a terminal (the caller sets it from stdout): binary output
  // (--format parquet) is refused there unless forced.
  bool out_is_terminal = false;
};

// `args` without the program name: args[0] is the command.
int Run(const std::vector<std::string>& args, Env& env);

int RunLs(const std::vector<std::string>& args, Env& env);
int RunInfo(const std::vector<std::string>& args, Env& env);
// `command` is "cat", "head" or "tail".
int RunRead(const std::string& command, const std::vector<std::string>& args, Env& env);
int RunWrite(const std::vector<std::string>& args, Env& env);
int RunVerify(const std::vector<std::string>& args, Env& env);
int RunCompact(const std::vector<std::string>& args, Env& env);
int RunRm(const std::vector<std::string>& args, Env& env);
int RunRecover(const std::vector<std::string>& args, Env& env);
int RunParquet(const std::vector<std::string>& args, Env& env);
// src/cli/history.cc
int RunLog(const std::vector<std::string>& args, Env& env);
int RunVacuum(const std::vector<std::string>& args, Env& env);

// `oups sql DATASET`: SQL reading the committed rows in order (src/cli/sql.cc).
int RunSql(const std::vector<std::string>& args, Env& env);
// `oups completion bash`: a bash completion script generated from the
// commands' option tables (src/cli/completion.cc).
int RunCompletion(const std::vector<std::string>& args, Env& env);
// Every command name, in the order of `oups --help`.
const std::vector<std::string>& CommandNames();

// The top-level usage text (`oups --help`).
const std::string& MainUsage();

}  // namespace oups::cli
