// VerifyDataset (oups/dataset/verify.h) through the public API; the `oups
// verify` command's own tests (tests/cli/verify_test.cc) cover every check
// with the binary's output.
#include "oups/dataset/verify.h"

#include <gtest/gtest.h>

#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"

namespace oups {
namespace {

Table Ts(int64_t begin, int64_t end) {
  std::vector<int64_t> ts;
  for (int64_t i = begin; i < end; ++i) ts.push_back(i);
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()}}).ValueOrDie();
}

std::string Joined(const std::vector<FileProblem>& problems) {
  std::string out;
  for (const FileProblem& p : problems) out += p.file + ": " + p.problem + "\n";
  return out;
}

TEST(VerifyDataset, ASoundDatasetHasNoProblemAndReportsProgress) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, "/data/ds").ValueOrDie();
  ASSERT_TRUE(ds.Write(Ts(0, 10), {.ordered_on = "ts", .row_group_target_size = int64_t{4}}).ok());
  std::vector<std::pair<int64_t, double>> calls;
  VerifyOptions options;
  options.deep = true;
  options.progress = [&](int64_t rows, double fraction) { calls.emplace_back(rows, fraction); };
  const auto problems = VerifyDataset(*fs, "/data/ds", options);
  EXPECT_TRUE(problems.empty()) << Joined(problems);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls.back().first, 10);
  EXPECT_DOUBLE_EQ(calls.back().second, 1.0);
}

TEST(VerifyDataset, NamesAMissingFileAChangedFileAndAStrayFile) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, "/data/ds").ValueOrDie();
  ASSERT_TRUE(ds.Write(Ts(0, 8), {.ordered_on = "ts", .row_group_target_size = int64_t{4}}).ok());
  ASSERT_TRUE(fs->DeleteFile("/data/ds/file_00000000.parquet").ok());
  ASSERT_TRUE(fs->WriteFile("/data/ds/notes.txt", "x").ok());
  const auto problems = VerifyDataset(*fs, "/data/ds");
  const std::string text = Joined(problems);
  ASSERT_EQ(problems.size(), 2u) << text;
  EXPECT_EQ(problems[0].file, "/data/ds/file_00000000.parquet");
  EXPECT_NE(problems[0].problem.find("missing"), std::string::npos) << text;
  EXPECT_EQ(problems[1].file, "/data/ds/notes.txt");
  EXPECT_NE(problems[1].problem.find("not a row-group file"), std::string::npos) << text;
}

TEST(VerifyDataset, AnUnreadableMetadataFileIsOneProblem) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->CreateDirs("/data").ok());
  ASSERT_TRUE(fs->WriteFile("/data/ds_opdmd", "garbage").ok());
  const auto problems = VerifyDataset(*fs, "/data/ds");
  ASSERT_EQ(problems.size(), 1u) << Joined(problems);
  EXPECT_EQ(problems[0].file, "/data/ds_opdmd");
  EXPECT_EQ(problems[0].problem.rfind("unreadable metadata: ", 0), 0u) << problems[0].problem;
}

}  // namespace
}  // namespace oups
