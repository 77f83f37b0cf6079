// Runs the real `oups` binary (tools/oups.cc): exit codes and streams of the
// process, on the local file system.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../io/test_util.h"
#include "cli/cli.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/parquet/file_writer.h"
#include "oups/table/builder.h"
#include "oups/version.h"

namespace oups::cli_test {
namespace {

struct Process {
  int code = -1;
  std::string out;
};

// Runs the shell command `cmd`; returns exit code and stdout.
Process RunShell(const std::string& cmd) {
  Process p;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return p;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) p.out.append(buf, n);
  const int status = ::pclose(pipe);
  p.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return p;
}

// Runs `oups <args>` with stderr sent to `err_file`; returns exit code and stdout.
Process RunBinary(const std::string& args, const std::string& err_file) {
  return RunShell(std::string(OUPS_CLI_BINARY) + " " + args + " 2>" + err_file);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Binary, ExitCodes) {
  testing_io::TempDir dir;
  const std::string err = dir.Sub("err.txt");
  Process help = RunBinary("--help", err);
  EXPECT_EQ(help.code, 0);
  EXPECT_EQ(help.out, cli::MainUsage());
  EXPECT_EQ(RunBinary("", err).code, 2);
  EXPECT_EQ(RunBinary("bogus", err).code, 2);
  EXPECT_EQ(Slurp(err).substr(0, 28), "oups: unknown command 'bogus");
  EXPECT_EQ(RunBinary("ls " + dir.Sub("nothing"), err).code, 1);
  EXPECT_EQ(RunBinary("info", err).code, 2);
}

// GitHub issue 17: a misspelled command or option printed the whole usage;
// now one line on stderr with the closest name and a pointer to --help, exit 2.
TEST(Binary, MisspelledNamesGetOneLineAndAGuess) {
  testing_io::TempDir dir;
  const std::string err = dir.Sub("err.txt");
  Process cmd = RunBinary("lss", err);
  EXPECT_EQ(cmd.code, 2);
  EXPECT_EQ(cmd.out, "");
  EXPECT_EQ(Slurp(err), "oups: unknown command 'lss'; did you mean 'ls'? See 'oups --help'.\n");
  Process top = RunBinary("--verison", err);
  EXPECT_EQ(top.code, 2);
  EXPECT_EQ(Slurp(err),
            "oups: unknown option '--verison'; did you mean '--version'? See 'oups --help'.\n");
  Process opt = RunBinary("cat " + dir.Sub("ds") + " --colums a", err);
  EXPECT_EQ(opt.code, 2);
  EXPECT_EQ(opt.out, "");
  EXPECT_EQ(Slurp(err),
            "oups cat: unknown option '--colums'; did you mean '--columns'? See 'oups cat "
            "--help'.\n");
}

// `oups --version` prints the version CMake generated into oups/version.h.
TEST(Binary, Version) {
  testing_io::TempDir dir;
  const std::string err = dir.Sub("err.txt");
  Process v = RunBinary("--version", err);
  EXPECT_EQ(v.code, 0);
  EXPECT_EQ(v.out, std::string("oups ") + OUPS_VERSION_STRING + "\n");
  EXPECT_EQ(Slurp(err), "");
}

// GitHub issue 17: binary Parquet to a terminal is refused; the binary
// sets Env::out_is_terminal from isatty(stdout). `script` gives the command a
// terminal (skipped where util-linux' script is missing).
TEST(Binary, ParquetToATerminalIsRefused) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script";
  testing_io::TempDir dir;
  const std::string err = dir.Sub("err.txt");
  {
    std::ofstream csv(dir.Sub("in.csv"));
    csv << "ts,v\n1,1\n";
  }
  ASSERT_EQ(RunBinary("write " + dir.Sub("ds") + " --ordered-on ts --from " +
                          dir.Sub("in.csv"),
                      err)
                .code,
            0)
      << Slurp(err);
  const std::string tty = std::string("script -qec '") + OUPS_CLI_BINARY + " head " +
                          dir.Sub("ds") + " --format parquet' /dev/null";
  Process refused = RunShell(tty);
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.out.find("refusing to write binary Parquet to a terminal"),
            std::string::npos)
      << refused.out;
  // Piped (not a terminal): the file's bytes.
  Process piped = RunBinary("head " + dir.Sub("ds") + " --format parquet", err);
  EXPECT_EQ(piped.code, 0);
  EXPECT_EQ(piped.out.substr(0, 4), "PAR1");
}

// GitHub issue 11, point 11: `ln -s . store/loop` made ls and verify fail
// with "Too many levels of symbolic links".
TEST(Binary, SymlinkLoopIsNotFollowed) {
  testing_io::TempDir dir;
  const std::string err = dir.Sub("err.txt");
  {
    std::ofstream csv(dir.Sub("in.csv"));
    csv << "ts,v\n1,1\n2,2\n";
  }
  Process w = RunBinary("write " + dir.Sub("store/ds") + " --ordered-on ts --from " +
                            dir.Sub("in.csv"),
                        err);
  ASSERT_EQ(w.code, 0) << Slurp(err);
  ASSERT_EQ(::symlink(".", dir.Sub("store/loop").c_str()), 0);
  Process ls = RunBinary("ls " + dir.Sub("store") + " --json", err);
  EXPECT_EQ(ls.code, 0) << Slurp(err);
  EXPECT_EQ(Slurp(err), "oups ls: " + dir.Sub("store/loop") + ": symbolic link loop back to '" +
                            dir.Sub("store") + "': not followed\n");
  EXPECT_NE(ls.out.find("\"datasets\":[{\"path\":\"ds\","), std::string::npos) << ls.out;
  EXPECT_EQ(ls.out.find("loop/ds"), std::string::npos) << ls.out;
  Process text = RunBinary("ls " + dir.Sub("store"), err);
  EXPECT_EQ(text.code, 0) << Slurp(err);
  Process verify = RunBinary("verify " + dir.Sub("store"), err);
  EXPECT_EQ(verify.code, 0) << verify.out << Slurp(err);
  EXPECT_NE(verify.out.find("1 dataset checked, 0 problems"), std::string::npos) << verify.out;
}

// GitHub issue 11: the walks of a store (the listing and the search for
// orphans) go on past bad entries and report each once: a symbolic link to
// itself (whose stat fails) no longer fails the whole listing, and the loop
// `ln -s . store/loop` is not followed by the orphan search either (which used
// to report an orphan directory once per turn of the loop, 41 times).
TEST(Binary, StoreWalksGoOnPastBadEntries) {
  testing_io::TempDir dir;
  const std::string err = dir.Sub("err.txt");
  {
    std::ofstream csv(dir.Sub("in.csv"));
    csv << "ts,v\n1,1\n2,2\n";
  }
  for (const char* ds : {"store/ds", "store/gone"}) {
    Process w = RunBinary("write " + dir.Sub(ds) + " --ordered-on ts --from " +
                              dir.Sub("in.csv"),
                          err);
    ASSERT_EQ(w.code, 0) << Slurp(err);
  }
  // `gone` loses its metadata file: its directory is an orphan.
  ASSERT_EQ(std::remove(dir.Sub("store/gone_opdmd").c_str()), 0);
  ASSERT_EQ(::symlink(".", dir.Sub("store/loop").c_str()), 0);
  ASSERT_EQ(::symlink("self", dir.Sub("store/self").c_str()), 0);
  const std::string self_error =
      "IO error: stat " + dir.Sub("store/self") + ": Too many levels of symbolic links";

  Process ls = RunBinary("ls " + dir.Sub("store") + " --json", err);
  EXPECT_EQ(ls.code, 1) << Slurp(err);
  EXPECT_EQ(Slurp(err), "oups ls: " + dir.Sub("store/loop") + ": symbolic link loop back to '" +
                            dir.Sub("store") + "': not followed\n" + "oups ls: " +
                            dir.Sub("store/self") + ": " + self_error + "\n");
  EXPECT_NE(ls.out.find("\"datasets\":[{\"path\":\"ds\","), std::string::npos) << ls.out;

  Process verify = RunBinary("verify " + dir.Sub("store"), err);
  EXPECT_EQ(verify.code, 1) << verify.out << Slurp(err);
  const std::string orphan = dir.Sub("store/gone") + ": 1 row-group file(s) without metadata";
  const size_t at = verify.out.find(orphan);
  EXPECT_NE(at, std::string::npos) << verify.out;
  EXPECT_EQ(verify.out.find(orphan, at + 1), std::string::npos) << verify.out;
  EXPECT_EQ(verify.out.find("loop/gone"), std::string::npos) << verify.out;
  EXPECT_NE(verify.out.find(dir.Sub("store/self") + ": skipped: " + self_error + "\n"),
            std::string::npos)
      << verify.out;
  EXPECT_NE(verify.out.find(dir.Sub("store/loop") + ": skipped: symbolic link loop back to '" +
                            dir.Sub("store") + "': not followed (not a problem)\n"),
            std::string::npos)
      << verify.out;
  EXPECT_NE(verify.out.find("1 dataset checked, 2 problems\n"), std::string::npos)
      << verify.out;
}

// GitHub issue 11: `oups recover` rebuilds a lost metadata file from the
// row-group files; the dataset then reads as before and verifies sound.
TEST(Binary, RecoverRebuildsALostMetadataFile) {
  testing_io::TempDir dir;
  const std::string err = dir.Sub("err.txt");
  {
    std::ofstream csv(dir.Sub("in.csv"));
    csv << "ts,v\n1,1.5\n2,2.5\n3,3.5\n4,4.5\n5,5.5\n";
  }
  const std::string ds = dir.Sub("store/ds");
  Process w = RunBinary("write " + ds + " --ordered-on ts --from " + dir.Sub("in.csv") +
                            " --row-group-target-size 2",
                        err);
  ASSERT_EQ(w.code, 0) << Slurp(err);
  Process before = RunBinary("cat " + ds, err);
  ASSERT_EQ(before.code, 0) << Slurp(err);
  // The metadata file exists: nothing to recover.
  Process refused = RunBinary("recover " + ds, err);
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(Slurp(err).find("has a metadata file"), std::string::npos) << Slurp(err);
  ASSERT_EQ(std::remove((ds + "_opdmd").c_str()), 0);
  EXPECT_EQ(RunBinary("cat " + ds, err).code, 1);
  Process recovered = RunBinary("recover " + ds, err);
  ASSERT_EQ(recovered.code, 0) << Slurp(err);
  EXPECT_EQ(recovered.out.substr(0, recovered.out.find('\n') + 1),
            "recovered " + ds + ": wrote " + ds + "_opdmd listing 5 rows in 3 row groups " +
                "from 3 files, ordered on 'ts', max_used_file_id 2\n")
      << recovered.out;
  EXPECT_NE(recovered.out.find("  " + ds + "/file_00000002.parquet\n"), std::string::npos);
  Process after = RunBinary("cat " + ds, err);
  EXPECT_EQ(after.code, 0) << Slurp(err);
  EXPECT_EQ(after.out, before.out);
  Process verify = RunBinary("verify " + ds, err);
  EXPECT_EQ(verify.code, 0) << verify.out;
  Process help = RunBinary("recover --help", err);
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("usage: oups recover DATASET"), std::string::npos);
}

TEST(Binary, WriteListVerifyOnDisk) {
  testing_io::TempDir dir;
  const std::string err = dir.Sub("err.txt");
  {
    std::ofstream csv(dir.Sub("in.csv"));
    csv << "ts,v\n2024-01-01 00:00:00,1\n2024-01-01 00:00:01,2\n2024-01-01 00:00:02,3\n";
  }
  Process w = RunBinary("write " + dir.Sub("store/ds") + " --ordered-on ts --from " +
                            dir.Sub("in.csv") + " --row-group-target-size 2",
                        err);
  ASSERT_EQ(w.code, 0) << Slurp(err);
  EXPECT_EQ(Slurp(err), "");  // stderr is not a terminal: no progress
  Process ls = RunBinary("ls " + dir.Sub("store"), err);
  EXPECT_EQ(ls.code, 0);
  EXPECT_NE(ls.out.find("ds          3           2  ts          2024-01-01 00:00:00"),
            std::string::npos)
      << ls.out;
  Process verify = RunBinary("verify " + dir.Sub("store"), err);
  EXPECT_EQ(verify.code, 0) << verify.out;
  ASSERT_EQ(std::remove((dir.Sub("store/ds") + "/file_00000000.parquet").c_str()), 0);
  Process broken = RunBinary("verify " + dir.Sub("store") + " --json", err);
  EXPECT_EQ(broken.code, 1) << broken.out;
  EXPECT_NE(broken.out.find("\"num_problems\":1"), std::string::npos) << broken.out;
  {
    std::ofstream csv(dir.Sub("bad.csv"));
    csv << "ts,v\n2024-01-02 00:00:00,1\n2024-01-01,2\n";
  }
  Process bad =
      RunBinary("write " + dir.Sub("store/ds") + " --from " + dir.Sub("bad.csv"), err);
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(Slurp(err),
            "oups write: Invalid argument: " + dir.Sub("bad.csv") +
                ":3: column 1 'ts': 2024-01-01 00:00:00 is before the previous row's "
                "2024-01-02 00:00:00; rows must be sorted in ascending order on 'ts'\n");
}


// `oups <args>` with stdout to /dev/null: wall seconds and peak RSS (KiB) of
// the child, from wait4.
struct Measured {
  int code = -1;
  double seconds = 0;
  long max_rss_kb = 0;
};
Measured RunMeasured(const std::vector<std::string>& args) {
  std::vector<std::string> argv_s = {OUPS_CLI_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  Measured m;
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) return m;
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  struct rusage ru {};
  ::wait4(pid, &status, 0, &ru);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  m.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  m.max_rss_kb = ru.ru_maxrss;
  return m;
}

// GitHub issue 17: `oups cat --format table` kept every row (525,600 rows:
// 515 MB, and `| head -3` took 7 s). On 10 M rows: `| head -3` returns long
// before the whole table could have been printed, and printing the whole
// table holds about one row group, not the output.
TEST(Binary, TableOutputStreamsAndHeadReturnsAtOnce) {
  testing_io::TempDir dir;
  const int64_t n = 10'000'000;
  // Written by a child process: the peak RSS that wait4 reports for a
  // spawned process counts the memory of the process that spawned it.
  const pid_t writer = ::fork();
  ASSERT_GE(writer, 0);
  if (writer == 0) {
    std::vector<int64_t> ts(static_cast<size_t>(n)), v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      ts[static_cast<size_t>(i)] = i;
      v[static_cast<size_t>(i)] = (i * 7919) % 1000003;
    }
    auto table = MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()},
                            {"v", ColumnFromVector(DataType::Int64(), v).ValueOrDie()}});
    auto ds = OrderedDataset::Open(LocalFileSystem(), dir.Sub("ds"));
    WriteOptions o;
    o.ordered_on = "ts";
    o.row_group_target_size = 1'000'000;
    const bool ok = table.ok() && ds.ok() && ds->Write(*table, o).ok();
    ::_exit(ok ? 0 : 1);
  }
  int written = 0;
  ASSERT_EQ(::waitpid(writer, &written, 0), writer);
  ASSERT_TRUE(WIFEXITED(written) && WEXITSTATUS(written) == 0);
  const Measured full = RunMeasured({"cat", dir.Sub("ds"), "--format", "table"});
  ASSERT_EQ(full.code, 0);
  const auto t0 = std::chrono::steady_clock::now();
  Process head = RunShell(std::string(OUPS_CLI_BINARY) + " cat " + dir.Sub("ds") +
                          " --format table 2>/dev/null | head -3");
  const double head_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // Header, rule, first row.
  std::istringstream lines(head.out);
  std::string header, rule, first;
  std::getline(lines, header);
  std::getline(lines, rule);
  std::getline(lines, first);
  EXPECT_EQ(header, " ts       v") << head.out;
  EXPECT_EQ(first, "  0       0") << head.out;
  EXPECT_LT(head_seconds, full.seconds / 5)
      << "| head -3: " << head_seconds << " s; whole table: " << full.seconds << " s";
  // 10 M rows held as text cells would take about 1 GB; reading takes about
  // 190 MB whatever the format (jsonl as much), one row group being 16 MB.
#if !defined(__SANITIZE_ADDRESS__)  // ASan's shadow memory and redzones double the RSS
  EXPECT_LT(full.max_rss_kb, 350 * 1024) << full.max_rss_kb << " KiB";
#endif
}

// GitHub issue 17: `oups write` of a new dataset streams its input in chunks
// of whole row groups (target 100,000 rows here) instead of holding it. The
// memory in use grows over the first few chunks and then stays: from CSV and
// from Parquet (row groups of 100,000), twice the rows (2.4 M -> 4.8 M) must
// take at most 15% more peak RSS (measured: CSV 116-123 -> 125 MB; reading
// the whole input first takes about 1.8x).
TEST(Binary, WriteMemoryIsBoundedByRowGroupsNotByTheInput) {
  testing_io::TempDir dir;
  auto make = [&](int64_t n, const std::string& name) {
    std::ofstream csv(dir.Sub(name + ".csv"));
    csv << "ts,price,qty,side\n";
    std::vector<int64_t> ts(static_cast<size_t>(n)), qty(static_cast<size_t>(n));
    std::vector<double> price(static_cast<size_t>(n));
    std::vector<std::string> side(static_cast<size_t>(n));
    char line[96];
    for (int64_t i = 0; i < n; ++i) {
      const auto k = static_cast<size_t>(i);
      ts[k] = 1'700'000'000'000'000'000 + i * 1'000'000'000;
      price[k] = 100.0 + static_cast<double>((i * 7919) % 10'000) / 100.0;
      qty[k] = (i * 31) % 1000 + 1;
      side[k] = i % 3 == 0 ? "buy" : "sell";
      std::snprintf(line, sizeof line, "%lld,%.2f,%lld,%s\n", static_cast<long long>(ts[k]),
                    price[k], static_cast<long long>(qty[k]), side[k].c_str());
      csv << line;
    }
    auto table = MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()},
                            {"price", ColumnFromVector(DataType::Float64(), price).ValueOrDie()},
                            {"qty", ColumnFromVector(DataType::Int64(), qty).ValueOrDie()},
                            {"side", ColumnFromVector(DataType::String(), side).ValueOrDie()}});
    ASSERT_TRUE(table.ok());
    parquet::WriterOptions po;
    po.row_group_size = 100'000;
    ASSERT_TRUE(
        parquet::WriteTable(*LocalFileSystem(), dir.Sub(name + ".parquet"), *table, po).ok());
  };
  // Made by a child process: the peak RSS that wait4 reports for a spawned
  // process counts the memory of the process that spawned it.
  const pid_t maker = ::fork();
  ASSERT_GE(maker, 0);
  if (maker == 0) {
    make(2'400'000, "small");
    make(4'800'000, "large");
    ::_exit(::testing::Test::HasFailure() ? 1 : 0);
  }
  int made = 0;
  ASSERT_EQ(::waitpid(maker, &made, 0), maker);
  ASSERT_TRUE(WIFEXITED(made) && WEXITSTATUS(made) == 0);
  for (const std::string ext : {".csv", ".parquet"}) {
    long rss[2] = {0, 0};
    int i = 0;
    for (const std::string name : {"small", "large"}) {
      const Measured m =
          RunMeasured({"write", dir.Sub("ds_" + name + ext.substr(1)), "--ordered-on", "ts",
                       "--from", dir.Sub(name + ext), "--row-group-target-size", "100000"});
      ASSERT_EQ(m.code, 0) << name << ext;
      rss[i++] = m.max_rss_kb;
    }
#if !defined(__SANITIZE_ADDRESS__)  // ASan's shadow memory and quarantine change the RSS
    EXPECT_LT(rss[1], rss[0] * 23 / 20)
        << ext << ": 2.4 M rows " << rss[0] << " KiB, 4.8 M rows " << rss[1] << " KiB";
#else
    (void)rss;
#endif
    auto ds = OrderedDataset::Open(LocalFileSystem(), dir.Sub("ds_large" + ext.substr(1)));
    ASSERT_TRUE(ds.ok());
    EXPECT_EQ(*ds->num_row_groups(), 48);
  }
}

}  // namespace
}  // namespace oups::cli_test
