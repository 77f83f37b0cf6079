// Tests of `oups verify` (src/cli/verify.cc) against hand-broken datasets.
#include <gtest/gtest.h>

#include <set>

#include "cli_test_util.h"
#include "dataset/file_naming.h"
#include "dataset/metadata_file.h"
#include "oups/io/file_system_wrapper.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"

namespace oups::cli_test {
namespace {

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeDataset(fs_, "/store/good", Range(0, 10), 4);
    MakeDataset(fs_, "/store/ds", Range(0, 10), 4);  // rgs [0..3] [4..7] [8, 9]
  }
  // The problems reported for /store/ds, as (file, problem) pairs.
  std::vector<std::pair<std::string, std::string>> Problems(int expected_code = 1) {
    CliResult r = RunCli(fs_, {"verify", "/store", "--json"});
    EXPECT_EQ(r.code, expected_code) << r.out << r.err;
    json::Value doc = ParseJson(r.out);
    const auto& list = Member(doc, "datasets").items();
    std::vector<std::pair<std::string, std::string>> out;
    int64_t total = 0;
    for (const json::Value& d : list) {
      const auto& problems = Member(d, "problems").items();
      total += static_cast<int64_t>(problems.size());
      EXPECT_EQ(Member(d, "ok").bool_value(), problems.empty());
      if (StrMember(d, "path") == "good") {
        EXPECT_TRUE(problems.empty()) << r.out;
      } else {
        EXPECT_EQ(StrMember(d, "path"), "ds");
        for (const json::Value& p : problems) {
          out.emplace_back(StrMember(p, "file"), StrMember(p, "problem"));
        }
      }
    }
    EXPECT_EQ(list.size(), 2u);
    EXPECT_TRUE(Member(doc, "orphans").items().empty());
    EXPECT_EQ(IntMember(doc, "num_problems"), total);
    return out;
  }
  dataset::DatasetMetadata Metadata() {
    return *dataset::ReadMetadataFile(*fs_, "/store/ds_opdmd");
  }
  void Rewrite(const dataset::DatasetMetadata& md) {
    ASSERT_TRUE(dataset::WriteMetadataFile(*fs_, "/store/ds_opdmd", md).ok());
  }
  std::shared_ptr<MemoryFileSystem> fs_ = NewMemoryFileSystem();
};

TEST_F(VerifyTest, SoundStore) {
  EXPECT_TRUE(Problems(0).empty());
  CliResult text = RunCli(fs_, {"verify", "/store"});
  EXPECT_EQ(text.code, 0);
  EXPECT_EQ(text.out, "ok /store/ds\nok /store/good\n2 datasets checked, 0 problems\n");
  CliResult one = RunCli(fs_, {"verify", "/store/good"});
  EXPECT_EQ(one.code, 0);
  EXPECT_EQ(one.out, "ok /store/good\n1 dataset checked, 0 problems\n");
}

TEST_F(VerifyTest, MissingRowGroupFile) {
  ASSERT_TRUE(fs_->DeleteFile("/store/ds/file_00000001.parquet").ok());
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, "/store/ds/file_00000001.parquet");
  EXPECT_EQ(p[0].second, "missing (row group 1 of the metadata)");
  CliResult text = RunCli(fs_, {"verify", "/store"});
  EXPECT_EQ(text.code, 1);
  EXPECT_EQ(text.out,
            "/store/ds/file_00000001.parquet: missing (row group 1 of the metadata)\n"
            "ok /store/good\n"
            "2 datasets checked, 1 problem\n");
}

TEST_F(VerifyTest, CorruptRowGroupFile) {
  const std::string f = "/store/ds/file_00000002.parquet";
  std::string bytes = ReadText(*fs_, f);
  WriteText(*fs_, f, bytes.substr(0, bytes.size() / 2));  // truncated
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, f);
  EXPECT_EQ(p[0].second.substr(0, 12), "unreadable: ");
  // Garbage inside a column chunk, footer intact: caught by decoding.
  bytes[8] = static_cast<char>(bytes[8] ^ 0x5A);
  bytes[9] = static_cast<char>(bytes[9] ^ 0x5A);
  bytes[10] = static_cast<char>(bytes[10] ^ 0x5A);
  WriteText(*fs_, f, bytes);
  auto q = Problems();
  ASSERT_GE(q.size(), 1u);
  EXPECT_EQ(q[0].first, f);
}

TEST_F(VerifyTest, RowCountAndMinMaxDifferFromTheMetadata) {
  dataset::DatasetMetadata md = Metadata();
  md.n_rows[0] = 5;
  Rewrite(md);
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, "/store/ds/file_00000000.parquet");
  EXPECT_EQ(p[0].second, "holds 4 rows, the metadata says 5");

  md = Metadata();
  md.n_rows[0] = 4;
  md.mins =
      ColumnFromVector(DataType::Int64(), std::vector<int64_t>{0, 5, 8}).ValueOrDie();
  md.maxs =
      ColumnFromVector(DataType::Int64(), std::vector<int64_t>{3, 7, 10}).ValueOrDie();
  Rewrite(md);
  auto q = Problems();
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].first, "/store/ds/file_00000001.parquet");
  EXPECT_EQ(q[0].second, "first 'ts' value 4 differs from the min 5 in the metadata");
  EXPECT_EQ(q[1].first, "/store/ds/file_00000002.parquet");
  EXPECT_EQ(q[1].second, "last 'ts' value 9 differs from the max 10 in the metadata");
}

TEST_F(VerifyTest, OverlappingRowGroups) {
  dataset::DatasetMetadata md = Metadata();
  md.mins =
      ColumnFromVector(DataType::Int64(), std::vector<int64_t>{0, 2, 8}).ValueOrDie();
  Rewrite(md);
  auto p = Problems();
  ASSERT_GE(p.size(), 2u);
  EXPECT_EQ(p[0].first, "/store/ds_opdmd");
  EXPECT_NE(p[0].second.find("row groups must not overlap."), std::string::npos)
      << p[0].second;
  EXPECT_EQ(p.back().first, "/store/ds/file_00000001.parquet");
  EXPECT_EQ(p.back().second, "first 'ts' value 4 differs from the min 2 in the metadata");
}

TEST_F(VerifyTest, RowGroupsOutOfOrder) {
  dataset::DatasetMetadata md = Metadata();
  std::swap(md.file_ids[0], md.file_ids[2]);
  std::swap(md.n_rows[0], md.n_rows[2]);
  md.mins =
      ColumnFromVector(DataType::Int64(), std::vector<int64_t>{8, 4, 0}).ValueOrDie();
  md.maxs =
      ColumnFromVector(DataType::Int64(), std::vector<int64_t>{9, 7, 3}).ValueOrDie();
  Rewrite(md);
  auto p = Problems();
  ASSERT_GE(p.size(), 1u);
  EXPECT_EQ(p[0].first, "/store/ds_opdmd");
  bool starts_before = false;
  for (const auto& [file, text] : p) {
    starts_before |= text == "row group 1 starts before row group 0";
  }
  EXPECT_TRUE(starts_before);
}

TEST_F(VerifyTest, LeftoversOfInterruptedWrites) {
  // Right above the high-water mark (ids 0..2 used): an interrupted write's.
  WriteText(*fs_, "/store/ds/file_00000003.parquet",
            ReadText(*fs_, "/store/ds/file_00000000.parquet"));
  WriteText(*fs_, "/store/ds/notes.txt", "x");
  const std::string tmp = "/store/" + dataset::TempMetadataFileName("ds", 0xbeef);
  WriteText(*fs_, tmp, "partial");
  auto p = Problems();
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].first, "/store/ds/file_00000003.parquet");
  EXPECT_EQ(p[0].second.substr(0, 60),
            "leftover: row-group file not referenced by the metadata (int");
  EXPECT_EQ(p[1].first, "/store/ds/notes.txt");
  EXPECT_EQ(p[1].second, "leftover: not a row-group file of this dataset");
  EXPECT_EQ(p[2].first, tmp);
  EXPECT_EQ(p[2].second, "leftover: temporary metadata file of an interrupted write");
}

// GitHub issue 11: only files that the committed metadata proves to be
// leftovers of this dataset are called leftovers that the next write removes;
// a stray file far above the high-water mark is not one (no write removes it).
TEST_F(VerifyTest, StrayRowGroupFileIsNotCalledALeftoverOfTheDataset) {
  const std::string stray = "/store/ds/file_18446744073709551615.parquet";
  WriteText(*fs_, stray, "x");
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, stray);
  EXPECT_EQ(p[0].second.find("next write removes"), std::string::npos) << p[0].second;
  EXPECT_EQ(p[0].second.substr(0, 23), "not part of the dataset") << p[0].second;
}

// A file right above the high-water mark (ids 0..2 used) is what an
// interrupted write leaves: the next write removes it.
TEST_F(VerifyTest, FileRightAboveTheHighWaterMarkIsALeftover) {
  WriteText(*fs_, "/store/ds/file_00000003.parquet", "partial");
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, "/store/ds/file_00000003.parquet");
  EXPECT_NE(p[0].second.find("the next write removes it"), std::string::npos) << p[0].second;
}

TEST_F(VerifyTest, OrphansOfInterruptedFirstWritesOrRemovals) {
  // A dataset directory whose metadata file is gone, and the temporary
  // metadata file of a first write that never committed.
  WriteText(*fs_, "/store/sub/gone/file_00000003.parquet",
            ReadText(*fs_, "/store/ds/file_00000000.parquet"));
  WriteText(*fs_, "/store/sub/" + dataset::TempMetadataFileName("new", 7), "x");
  WriteText(*fs_, "/store/sub/plain/readme.txt", "not a dataset");
  CliResult r = RunCli(fs_, {"verify", "/store", "--json"});
  EXPECT_EQ(r.code, 1);
  json::Value doc = ParseJson(r.out);
  EXPECT_EQ(IntMember(doc, "num_problems"), 2);
  const auto& orphans = Member(doc, "orphans").items();
  ASSERT_EQ(orphans.size(), 2u) << r.out;
  EXPECT_EQ(StrMember(orphans[0], "file"),
            "/store/sub/" + dataset::TempMetadataFileName("new", 7));
  EXPECT_EQ(StrMember(orphans[0], "problem"),
            "leftover: temporary metadata file of an interrupted write");
  EXPECT_EQ(StrMember(orphans[1], "file"), "/store/sub/gone");
  // Without a leftovers record nothing proves the files to be leftovers
  // (GitHub issue 11): they are not called ones.
  EXPECT_EQ(StrMember(orphans[1], "problem"),
            "1 row-group file(s) without metadata file '/store/sub/gone_opdmd': not known to "
            "be a dataset's leftovers (a directory moved or copied without its metadata file, "
            "or a lost metadata file); no write removes them nor starts a dataset over them: "
            "put the metadata file back, or move the files away");
  for (const json::Value& d : Member(doc, "datasets").items()) {
    EXPECT_TRUE(Member(d, "ok").bool_value());
  }
}

// A removal that could not delete its files (a reader was registered) leaves
// the leftovers record: those files are leftovers the next write removes; a
// file the record does not account for is not.
TEST_F(VerifyTest, OrphansRecordedByALeftoversRecord) {
  MakeDataset(fs_, "/store/sub/gone", Range(0, 10), 4);  // ids 0..2
  ASSERT_TRUE(fs_->Rename("/store/sub/gone_opdmd",
                          "/store/sub/" + dataset::LeftoversRecordFileName("gone"))
                  .ok());
  WriteText(*fs_, "/store/sub/gone/file_00000009.parquet", "x");
  CliResult r = RunCli(fs_, {"verify", "/store", "--json"});
  EXPECT_EQ(r.code, 1);
  json::Value doc = ParseJson(r.out);
  const auto& orphans = Member(doc, "orphans").items();
  ASSERT_EQ(orphans.size(), 2u) << r.out;
  EXPECT_EQ(StrMember(orphans[0], "file"), "/store/sub/gone");
  EXPECT_EQ(StrMember(orphans[0], "problem"),
            "leftover: 3 row-group file(s) of a removed dataset or of a first write that did "
            "not commit, recorded in '/store/sub/.gone_opdmd.leftovers' (the next write to the "
            "dataset removes them)");
  EXPECT_EQ(StrMember(orphans[1], "file"), "/store/sub/gone");
  const std::string expected =
      "1 row-group file(s) without metadata file '/store/sub/gone_opdmd' and not recorded as "
      "leftovers";
  EXPECT_EQ(StrMember(orphans[1], "problem").substr(0, expected.size()), expected);
}

TEST_F(VerifyTest, CorruptMetadata) {
  WriteText(*fs_, "/store/ds_opdmd", "PAR1 this is not a metadata file PAR1");
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, "/store/ds_opdmd");
  EXPECT_EQ(p[0].second.substr(0, 32), "unreadable metadata: Corruption:");
}

TEST_F(VerifyTest, ColumnsOrTypesDifferFromTheSchema) {
  // Same rows, x as float64 instead of int64.
  auto t =
      MakeTable(
          {{"ts", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{0, 1, 2, 3})
                      .ValueOrDie()},
           {"x", ColumnFromVector(DataType::Float64(), std::vector<double>{0, 10, 20, 30})
                     .ValueOrDie()},
           {"s", ColumnFromVector(DataType::String(),
                                  std::vector<std::string>{"a", "b", "c", "d"})
                     .ValueOrDie()}})
          .ValueOrDie();
  ASSERT_TRUE(parquet::WriteTable(*fs_, "/store/ds/file_00000000.parquet", t).ok());
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, "/store/ds/file_00000000.parquet");
  EXPECT_EQ(p[0].second.substr(0, 42), "column types differ from the stored schema");
  auto dropped = t.SelectColumns({"ts", "s"});
  ASSERT_TRUE(
      parquet::WriteTable(*fs_, "/store/ds/file_00000000.parquet", *dropped).ok());
  auto q = Problems();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].second, "has no column 'x' (stored schema)");
}

TEST_F(VerifyTest, ChecksumMismatchIsReportedWithTheFile) {
  // The metadata records a CRC-32 per row-group file.
  EXPECT_EQ(Metadata().file_crc32.size(), 3u);
  // Same rows and ordered values, another 'x': only the checksum tells.
  const std::string f = "/store/ds/file_00000001.parquet";
  auto t = MakeTable(
               {{"ts", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{4, 5, 6, 7})
                           .ValueOrDie()},
                {"x", ColumnFromVector(DataType::Int64(), std::vector<int64_t>{1, 2, 3, 4})
                          .ValueOrDie()},
                {"s", ColumnFromVector(DataType::String(),
                                       std::vector<std::string>{"a", "b", "c", "d"})
                          .ValueOrDie()}})
               .ValueOrDie();
  const std::string before = ReadText(*fs_, f);
  ASSERT_TRUE(parquet::WriteTable(*fs_, f, t).ok());
  ASSERT_NE(ReadText(*fs_, f), before);
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, f);
  EXPECT_EQ(p[0].second.substr(0, 40), "checksum mismatch: the file's CRC-32 is ") << p[0].second;
  // A file without a recorded checksum (written before checksums) is not checked.
  dataset::DatasetMetadata md = Metadata();
  md.file_crc32.clear();
  Rewrite(md);
  EXPECT_TRUE(Problems(0).empty());
}

TEST_F(VerifyTest, DeepDecodesEveryColumn) {
  // Garbage in the page header of column 'x', footer intact, no checksum
  // recorded: the default check decodes the ordered column only and sees
  // nothing; --deep decodes 'x' and reports the file.
  dataset::DatasetMetadata md = Metadata();
  md.file_crc32.clear();
  Rewrite(md);
  const std::string f = "/store/ds/file_00000002.parquet";
  auto reader = parquet::FileReader::Open(*fs_, f).ValueOrDie();
  const int x = reader->metadata().ColumnIndex("x");
  ASSERT_GE(x, 0);
  const int64_t at = reader->metadata().row_groups[0].columns[static_cast<size_t>(x)].data_page_offset;
  reader.reset();
  std::string bytes = ReadText(*fs_, f);
  for (int64_t k = at; k < at + 6; ++k) bytes[static_cast<size_t>(k)] = '\xFF';
  WriteText(*fs_, f, bytes);
  EXPECT_TRUE(Problems(0).empty());
  CliResult r = RunCli(fs_, {"verify", "/store", "--deep", "--json"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  json::Value doc = ParseJson(r.out);
  std::vector<std::pair<std::string, std::string>> found;
  for (const json::Value& d : Member(doc, "datasets").items()) {
    for (const json::Value& p : Member(d, "problems").items()) {
      found.emplace_back(StrMember(p, "file"), StrMember(p, "problem"));
    }
  }
  ASSERT_EQ(found.size(), 1u) << r.out;
  EXPECT_EQ(found[0].first, f);
  EXPECT_EQ(found[0].second.substr(0, 12), "unreadable: ") << found[0].second;
  CliResult text = RunCli(fs_, {"verify", "/store/good", "--deep"});
  EXPECT_EQ(text.code, 0) << text.out << text.err;
}

// A file system with bad entries, as on disk: directories that cannot be
// listed (no permission; tests run as root, who ignores permission bits) and
// entries whose stat fails (a symbolic link to itself), which ListDir returns
// with their error.
class BadEntries : public FileSystemWrapper {
 public:
  BadEntries(std::shared_ptr<FileSystem> base, std::set<std::string> unlistable,
             std::string dir_with_bad_entry)
      : FileSystemWrapper(std::move(base)),
        unlistable_(std::move(unlistable)),
        dir_with_bad_entry_(std::move(dir_with_bad_entry)) {}
  // Dataset discovery lists with ListDirNames (no stat per entry): the same.
  Result<std::vector<FileInfo>> ListDirNames(const std::string& path) override {
    return ListDir(path);
  }
  Result<std::vector<FileInfo>> ListDir(const std::string& path) override {
    if (unlistable_.count(path)) {
      return Status::IOError("list directory " + path + ": Permission denied");
    }
    OUPS_ASSIGN_OR_RETURN(std::vector<FileInfo> entries, FileSystemWrapper::ListDir(path));
    if (path == dir_with_bad_entry_) {
      FileInfo bad;
      bad.name = "self";
      bad.error = Status::IOError("stat " + JoinPath(path, "self") +
                                  ": Too many levels of symbolic links");
      entries.push_back(std::move(bad));
    }
    return entries;
  }

 private:
  std::set<std::string> unlistable_;
  std::string dir_with_bad_entry_;
};

// GitHub issue 11: verify of a store lists it as `oups ls` does, goes on past
// bad entries and reports each one it skipped, with the reason (a problem:
// exit status 1).
TEST_F(VerifyTest, ReportsTheEntriesTheListingSkipped) {
  MakeDataset(fs_, "/store/c/hidden", Range(0, 2), 4);
  MakeDataset(fs_, "/store/z/late", Range(0, 2), 4);
  auto fs = std::make_shared<BadEntries>(fs_, std::set<std::string>{"/store/c"}, "/store");
  CliResult r = RunCli(fs, {"verify", "/store", "--json"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  json::Value doc = ParseJson(r.out);
  const auto& list = Member(doc, "datasets").items();
  ASSERT_EQ(list.size(), 3u) << r.out;
  EXPECT_EQ(StrMember(list[2], "path"), "z/late");
  const auto& skipped = Member(doc, "skipped").items();
  ASSERT_EQ(skipped.size(), 2u) << r.out;
  EXPECT_EQ(StrMember(skipped[0], "path"), "/store/c");
  EXPECT_EQ(StrMember(skipped[0], "reason"),
            "IO error: list directory /store/c: Permission denied");
  EXPECT_TRUE(Member(skipped[0], "error").bool_value());
  EXPECT_EQ(StrMember(skipped[1], "path"), "/store/self");
  EXPECT_EQ(StrMember(skipped[1], "reason"),
            "IO error: stat /store/self: Too many levels of symbolic links");
  EXPECT_TRUE(Member(skipped[1], "error").bool_value());
  EXPECT_EQ(IntMember(doc, "num_problems"), 2);
  EXPECT_TRUE(Member(doc, "orphans").items().empty()) << r.out;

  CliResult text = RunCli(fs, {"verify", "/store"});
  EXPECT_EQ(text.code, 1);
  EXPECT_EQ(text.out,
            "ok /store/ds\n"
            "ok /store/good\n"
            "ok /store/z/late\n"
            "/store/c: skipped: IO error: list directory /store/c: Permission denied\n"
            "/store/self: skipped: IO error: stat /store/self: Too many levels of symbolic "
            "links\n"
            "3 datasets checked, 2 problems\n");
}

// An entry of a dataset directory that cannot be examined is reported with
// its error, not as a file of some kind.
TEST_F(VerifyTest, DatasetDirectoryEntryThatCannotBeExamined) {
  auto fs = std::make_shared<BadEntries>(fs_, std::set<std::string>{}, "/store/ds");
  CliResult r = RunCli(fs, {"verify", "/store/ds"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out,
            "/store/ds/self: cannot be examined: IO error: stat /store/ds/self: Too many "
            "levels of symbolic links\n"
            "1 dataset checked, 1 problem\n");
}

TEST_F(VerifyTest, UsageAndMissingPath) {
  EXPECT_EQ(RunCli(fs_, {"verify"}).code, 2);
  EXPECT_EQ(RunCli(fs_, {"verify", "--help"}).code, 0);
  CliResult missing = RunCli(fs_, {"verify", "/nothing"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.err, "oups verify: Not found: no store or dataset at '/nothing'\n");
}

}  // namespace
}  // namespace oups::cli_test
