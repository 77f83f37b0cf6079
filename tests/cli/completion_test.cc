// Tests of `oups completion bash` (src/cli/completion.cc): the script is run
// by bash and asked for completions as the shell would (COMP_WORDS, then the
// function, then COMPREPLY).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "../io/test_util.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli_test_util.h"

namespace oups::cli_test {
namespace {

class CompletionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v bash >/dev/null 2>&1") != 0) GTEST_SKIP() << "no bash";
    CliResult r = RunCli(NewMemoryFileSystem(), {"completion", "bash"});
    ASSERT_EQ(r.code, 0) << r.err;
    script_ = dir_.Sub("oups.bash");
    std::ofstream(script_) << r.out;
  }
  // The completions bash offers for the command line `words` (the last one
  // being completed).
  std::set<std::string> Complete(const std::vector<std::string>& words) {
    std::string array;
    for (const std::string& w : words) array += " '" + w + "'";
    const std::string cmd = "cd " + dir_.path() + " && bash -c 'source " + script_ +
                            "; COMP_WORDS=(" + EscapeSingle(array) + "); COMP_CWORD=" +
                            std::to_string(words.size() - 1) +
                            "; _oups; printf \"%s\\n\" \"${COMPREPLY[@]}\"'";
    std::set<std::string> out;
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (pipe == nullptr) return out;
    char buf[4096];
    std::string text;
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) text.append(buf, n);
    ::pclose(pipe);
    for (const std::string& line : Lines(text)) {
      if (!line.empty()) out.insert(line);
    }
    return out;
  }
  static std::string EscapeSingle(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out;
  }
  testing_io::TempDir dir_;
  std::string script_;
};

TEST_F(CompletionTest, CommandsOptionsAndValues) {
  EXPECT_EQ(Complete({"oups", "ca"}), (std::set<std::string>{"cat"}));
  EXPECT_EQ(Complete({"oups", "co"}), (std::set<std::string>{"compact", "completion"}));
  EXPECT_EQ(Complete({"oups", "--v"}), (std::set<std::string>{"--version"}));
  EXPECT_EQ(Complete({"oups", "cat", "ds", "--fo"}), (std::set<std::string>{"--format", "--force"}));
  EXPECT_EQ(Complete({"oups", "head", "ds", "--format", "j"}),
            (std::set<std::string>{"json", "jsonl"}));
  EXPECT_EQ(Complete({"oups", "write", "ds", "--input-format", ""}),
            (std::set<std::string>{"csv", "parquet"}));
  EXPECT_EQ(Complete({"oups", "parquet", "m"}), (std::set<std::string>{"meta"}));
  EXPECT_EQ(Complete({"oups", "completion", ""}), (std::set<std::string>{"bash"}));
  // Paths elsewhere: positional arguments and option values without a list.
  std::ofstream(dir_.Sub("ticks.csv")) << "ts\n1\n";
  EXPECT_EQ(Complete({"oups", "write", "ds", "--from", "tic"}),
            (std::set<std::string>{"ticks.csv"}));
  EXPECT_EQ(Complete({"oups", "info", "tic"}), (std::set<std::string>{"ticks.csv"}));
}

// Every option of every command completes: the script is made from the
// commands' own option tables, so none can be forgotten.
TEST_F(CompletionTest, EveryOptionOfEveryCommand) {
  for (const std::string& command : cli::CommandNames()) {
    if (command == "completion") continue;
    std::vector<cli::FlagSpec> flags;
    std::ostringstream sink;
    cli::Env env;
    env.fs = NewMemoryFileSystem();
    env.out = &sink;
    env.err = &sink;
    env.capture_flags = &flags;
    EXPECT_EQ(cli::Run({command}, env), 0) << command;
    EXPECT_FALSE(flags.empty()) << command;
    std::set<std::string> expected = {"--help"};
    for (const cli::FlagSpec& f : flags) {
      if (f.name.starts_with("--")) expected.insert(f.name);
      if (f.alias.starts_with("--")) expected.insert(f.alias);
    }
    std::set<std::string> offered;
    for (const std::string& o : Complete({"oups", command, "--"})) offered.insert(o);
    EXPECT_EQ(offered, expected) << command;
  }
}

}  // namespace
}  // namespace oups::cli_test
