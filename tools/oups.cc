// oups: inspect and maintain stores of ordered Parquet datasets.
//
// A thin main: the commands are library code in src/cli (tested directly);
// see `oups --help`. Exit status: 0 ok, 1 problems found or operation failed,
// 2 usage error.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  oups::cli::Env env;
  env.fs = oups::LocalFileSystem();
  env.out = &std::cout;
  env.err = &std::cerr;
  env.progress = isatty(STDERR_FILENO) == 1;
  env.out_is_terminal = isatty(STDOUT_FILENO) == 1;
  const std::vector<std::string> args(argv + 1, argv + argc);
  const int code = oups::cli::Run(args, env);
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "oups: writing to stdout failed\n";
    return code == 0 ? 1 : code;
  }
  return code;
}
