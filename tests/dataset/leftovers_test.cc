// Which row-group files a write may delete (GitHub issue 11, points 1 and 2):
// only files that the committed metadata (or the leftovers record of a
// removed or never-committed dataset) proves to be leftovers of this dataset.
// Anything else in the dataset directory is kept, and a write never creates a
// file over an existing one.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "dataset/file_naming.h"
#include "dataset/metadata_file.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"

namespace oups {
namespace {

constexpr const char* kDir = "/data/ds";
constexpr const char* kMetadata = "/data/ds_opdmd";
constexpr uint64_t kMaxId = UINT64_MAX;

Table A(const std::vector<int64_t>& a) {
  return MakeTable({{"a", ColumnFromVector(DataType::Int64(), a).ValueOrDie()}}).ValueOrDie();
}

std::vector<int64_t> Ints(const Table& t) {
  Column c = t.GetColumn("a").ValueOrDie();
  std::vector<int64_t> out;
  for (int64_t i = 0; i < c.length(); ++i) out.push_back(c.data<int64_t>()[i]);
  return out;
}

std::string Text(FileSystem& fs, const std::string& path) {
  auto b = fs.ReadFile(path);
  if (!b.ok()) return "<" + b.status().ToString() + ">";
  return std::string(reinterpret_cast<const char*>((*b)->data()), static_cast<size_t>((*b)->size()));
}

std::string RgPath(const std::string& dir, uint64_t id) {
  return dir + "/" + dataset::RowGroupFileName(id);
}

struct LeftoverRuleTest : ::testing::Test {
  std::shared_ptr<MemoryFileSystem> fs = NewMemoryFileSystem();
  OrderedDataset Open(const std::string& dir = kDir) {
    return OrderedDataset::Open(fs, dir).ValueOrDie();
  }
  // A dataset at `dir` with one row group per value of `a`.
  void Create(const std::vector<int64_t>& a, const std::string& dir = kDir) {
    ASSERT_TRUE(Open(dir).Write(A(a), {.ordered_on = "a", .row_group_target_size = 1}).ok());
  }
  std::vector<uint64_t> Ids(const std::string& dir = kDir) {
    auto stats = Open(dir).RowGroupStats().ValueOrDie();
    Column ids = stats.GetColumn("file_ids").ValueOrDie();
    return std::vector<uint64_t>(ids.data<uint64_t>(), ids.data<uint64_t>() + ids.length());
  }
};

// Point 1: a stray file with the largest id must not make the next id wrap to
// 0 and overwrite the committed file_00000000.parquet.
TEST_F(LeftoverRuleTest, StrayFileWithTheLargestIdNeverWrapsOntoCommittedFiles) {
  Create({1, 2});
  const std::string stray = RgPath(kDir, kMaxId);
  ASSERT_EQ(stray, "/data/ds/file_18446744073709551615.parquet");
  ASSERT_TRUE(fs->WriteFile(stray, "not ours").ok());
  const std::string file0 = Text(*fs, RgPath(kDir, 0));
  auto ds = Open();
  Status st = ds.Write(A({3}), {.row_group_target_size = 1});
  // Whatever the write answers, the committed rows survive and no id repeats.
  EXPECT_EQ(Text(*fs, RgPath(kDir, 0)), file0);
  EXPECT_EQ(Ints(ds.Read().ValueOrDie()), st.ok() ? (std::vector<int64_t>{1, 2, 3})
                                                  : (std::vector<int64_t>{1, 2}));
  std::vector<uint64_t> ids = Ids();
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "an id is listed twice";
  // The stray file is not the dataset's: it is kept as it was.
  EXPECT_EQ(Text(*fs, stray), "not ours");
}

// Point 1: when the high-water mark itself is the largest id, there is no
// next id: the write is refused with an error naming the file.
TEST_F(LeftoverRuleTest, WriteRefusedWhenTheNextIdWouldOverflow) {
  Create({1, 2});
  auto md = dataset::ReadMetadataFile(*fs, kMetadata).ValueOrDie();
  md.max_used_file_id = kMaxId;
  ASSERT_TRUE(dataset::WriteMetadataFile(*fs, kMetadata, md).ok());
  const std::string file0 = Text(*fs, RgPath(kDir, 0));
  auto ds = Open();
  Status st = ds.Write(A({3}), {.row_group_target_size = 1});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("file_18446744073709551615.parquet"), std::string::npos)
      << st.ToString();
  EXPECT_EQ(Text(*fs, RgPath(kDir, 0)), file0);
  EXPECT_EQ(Ints(ds.Read().ValueOrDie()), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(Ids(), (std::vector<uint64_t>{0, 1}));
}

// Point 1: a write whose new ids reach a file it does not own refuses to
// overwrite it (exclusive creation) and names it; nothing else changes.
TEST_F(LeftoverRuleTest, ForeignFileAtANewIdIsNeverOverwritten) {
  Create({1});  // file 0, high-water mark 0
  const std::string foreign = RgPath(kDir, 3);
  ASSERT_TRUE(fs->WriteFile(foreign, "user data").ok());
  auto ds = Open();
  // Four new row groups: ids 1, 2, 3, 4 (3 is taken).
  Status st = ds.Write(A({2, 3, 4, 5}), {.row_group_target_size = 1});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists) << st.ToString();
  EXPECT_NE(st.message().find(foreign), std::string::npos) << st.ToString();
  EXPECT_EQ(Text(*fs, foreign), "user data");
  EXPECT_EQ(Ints(ds.Read().ValueOrDie()), (std::vector<int64_t>{1}));
  // The files the failed write created are gone; the foreign one stays.
  EXPECT_FALSE(fs->Exists(RgPath(kDir, 1)).ValueOrDie());
  EXPECT_FALSE(fs->Exists(RgPath(kDir, 2)).ValueOrDie());
  // Once the file is moved away, the same write works.
  ASSERT_TRUE(fs->Rename(foreign, "/data/kept.parquet").ok());
  ASSERT_TRUE(ds.Write(A({2, 3, 4, 5}), {.row_group_target_size = 1}).ok());
  EXPECT_EQ(Ints(ds.Read().ValueOrDie()), (std::vector<int64_t>{1, 2, 3, 4, 5}));
}

// Point 2: a user's own file in the dataset directory, far above anything an
// interrupted write could have created, is not deleted by a write.
TEST_F(LeftoverRuleTest, UserFileInTheDirectoryIsNotDeleted) {
  Create({1, 2});  // files 0, 1
  const std::string mine = RgPath(kDir, 50);
  ASSERT_TRUE(fs->WriteFile(mine, "mine").ok());
  auto ds = Open();
  ASSERT_TRUE(ds.Write(A({3}), {.row_group_target_size = 1}).ok());
  ASSERT_TRUE(ds.Write(A({0}), {.row_group_target_size = 1}).ok());
  EXPECT_EQ(Text(*fs, mine), "mine");
  EXPECT_EQ(Ints(ds.Read().ValueOrDie()), (std::vector<int64_t>{0, 1, 2, 3}));
}

// Point 2: `mv a b` moves the directory but not a_opdmd. A write to b must not
// delete a's row-group files as leftovers, nor create a new dataset over them.
TEST_F(LeftoverRuleTest, MovedDirectoryWithoutItsMetadataIsRefused) {
  Create({1, 2, 3}, "/data/a");
  const std::string file0 = Text(*fs, RgPath("/data/a", 0));
  ASSERT_TRUE(fs->Rename("/data/a", "/data/b").ok());
  auto b = Open("/data/b");
  Status st = b.Write(A({10}), {.ordered_on = "a", .row_group_target_size = 1});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("/data/b"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("/data/b_opdmd"), std::string::npos) << st.ToString();
  EXPECT_FALSE(fs->Exists("/data/b_opdmd").ValueOrDie());
  for (uint64_t id : {0, 1, 2}) EXPECT_TRUE(fs->Exists(RgPath("/data/b", id)).ValueOrDie()) << id;
  EXPECT_EQ(Text(*fs, RgPath("/data/b", 0)), file0);
  // Recovery: the metadata file moved beside the directory gives the dataset back.
  ASSERT_TRUE(fs->Rename("/data/a_opdmd", "/data/b_opdmd").ok());
  EXPECT_EQ(Ints(Open("/data/b").Read().ValueOrDie()), (std::vector<int64_t>{1, 2, 3}));
  ASSERT_TRUE(Open("/data/b").Write(A({4}), {.row_group_target_size = 1}).ok());
  EXPECT_EQ(Ints(Open("/data/b").Read().ValueOrDie()), (std::vector<int64_t>{1, 2, 3, 4}));
}

// Point 2: a lost metadata file: the write is refused, the files are kept.
TEST_F(LeftoverRuleTest, LostMetadataFileIsRefused) {
  Create({1, 2});
  ASSERT_TRUE(fs->DeleteFile(kMetadata).ok());
  Status st = Open().Write(A({5}), {.ordered_on = "a"});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(kMetadata), std::string::npos) << st.ToString();
  EXPECT_TRUE(fs->Exists(RgPath(kDir, 0)).ValueOrDie());
  EXPECT_TRUE(fs->Exists(RgPath(kDir, 1)).ValueOrDie());
  EXPECT_FALSE(fs->Exists(kMetadata).ValueOrDie());
}

// Point 2: files of another dataset copied (partially) into a dataset's
// directory are not its leftovers: they are kept.
TEST_F(LeftoverRuleTest, PartialCopyOfAnotherDatasetIsKept) {
  Create({1, 2, 3, 4, 5, 6, 7, 8}, "/data/other");  // ids 0..7
  Create({1});                                      // ds: id 0
  for (uint64_t id : {5, 6, 7}) {
    ASSERT_TRUE(fs->WriteFile(RgPath(kDir, id), Text(*fs, RgPath("/data/other", id))).ok());
  }
  auto ds = Open();
  ASSERT_TRUE(ds.Write(A({2}), {.row_group_target_size = 1}).ok());
  for (uint64_t id : {5, 6, 7}) {
    EXPECT_EQ(Text(*fs, RgPath(kDir, id)), Text(*fs, RgPath("/data/other", id))) << id;
  }
  EXPECT_EQ(Ints(ds.Read().ValueOrDie()), (std::vector<int64_t>{1, 2}));
}

// What is still swept: files above the high-water mark that an interrupted
// write of this dataset created (a run of ids right above it).
TEST_F(LeftoverRuleTest, InterruptedWriteLeftoversAboveTheHighWaterMarkAreSwept) {
  Create({1, 2});  // ids 0, 1
  ASSERT_TRUE(fs->WriteFile(RgPath(kDir, 2), "torn").ok());
  ASSERT_TRUE(fs->WriteFile(RgPath(kDir, 3), "torn").ok());
  auto ds = Open();
  ASSERT_TRUE(ds.Write(A({3}), {.row_group_target_size = 1}).ok());
  const std::vector<uint64_t> ids = Ids();
  EXPECT_EQ(ids.size(), 3u);
  for (uint64_t id : {2, 3}) {
    const bool listed = std::find(ids.begin(), ids.end(), id) != ids.end();
    EXPECT_TRUE(listed || !fs->Exists(RgPath(kDir, id)).ValueOrDie()) << id;
    if (listed) {
      EXPECT_NE(Text(*fs, RgPath(kDir, id)), "torn");
    }
  }
  EXPECT_EQ(Ints(ds.Read().ValueOrDie()), (std::vector<int64_t>{1, 2, 3}));
}

}  // namespace
}  // namespace oups

#include "dataset/leftovers.h"

namespace oups {
namespace {

TEST(ClassifyRowGroupFiles, OnlyProvenFilesAreLeftovers) {
  dataset::DatasetMetadata md;
  md.file_ids = {4, 2};
  md.obsolete_file_ids = {3};
  md.max_used_file_id = 5;
  auto own = dataset::ClassifyRowGroupFiles(md, {9, 0, 2, 3, 4, 6, 7, 1});
  EXPECT_EQ(own.listed, (std::vector<uint64_t>{2, 4}));
  EXPECT_EQ(own.obsolete, (std::vector<uint64_t>{3}));
  EXPECT_EQ(own.interrupted, (std::vector<uint64_t>{6, 7}));  // the run right above 5
  EXPECT_EQ(own.foreign, (std::vector<uint64_t>{0, 1, 9}));   // never recorded; or past a gap
  // Without any id known, the run starts at 0.
  own = dataset::ClassifyRowGroupFiles(dataset::DatasetMetadata{}, {0, 1, 3});
  EXPECT_EQ(own.interrupted, (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(own.foreign, (std::vector<uint64_t>{3}));
  // With every id used, there is no run, and no next id.
  md = {};
  md.max_used_file_id = kMaxId;
  own = dataset::ClassifyRowGroupFiles(md, {0, kMaxId});
  EXPECT_TRUE(own.interrupted.empty());
  EXPECT_EQ(own.foreign, (std::vector<uint64_t>{0, kMaxId}));
  EXPECT_FALSE(dataset::FirstIdAboveMark(md).has_value());
  md.max_used_file_id = kMaxId - 1;
  own = dataset::ClassifyRowGroupFiles(md, {kMaxId});
  EXPECT_EQ(own.interrupted, (std::vector<uint64_t>{kMaxId}));
}

TEST(AsLeftoversOnly, EveryKnownIdBecomesObsolete) {
  dataset::DatasetMetadata md;
  md.ordered_on = "a";
  md.key_value_metadata = {{"k", "v"}};
  md.file_ids = {4, 2};
  md.n_rows = {1, 1};
  md.obsolete_file_ids = {3};
  md.max_used_file_id = 5;
  dataset::DatasetMetadata r = dataset::AsLeftoversOnly(md);
  EXPECT_TRUE(r.file_ids.empty());
  EXPECT_EQ(r.obsolete_file_ids, (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(r.max_used_file_id, 5u);
  EXPECT_FALSE(r.ordered_on.has_value());
  EXPECT_TRUE(r.key_value_metadata.empty());
}

// Files a commit stops listing while a reader is registered are recorded in
// the committed metadata, and deleted by a later write once no reader is.
TEST_F(LeftoverRuleTest, ObsoleteFilesAreRecordedUntilDeleted) {
  Create({1, 2});  // ids 0, 1
  {
    auto reader = fs->LockShared("/data/ds.readers", std::chrono::milliseconds(0)).ValueOrDie();
    ASSERT_TRUE(Open().Write(A({2}), {.row_group_target_size = 1, .duplicates_on = Columns{}}).ok());
    auto md = dataset::ReadMetadataFile(*fs, kMetadata).ValueOrDie();
    EXPECT_EQ(md.file_ids, (std::vector<uint64_t>{0, 2}));
    EXPECT_EQ(md.obsolete_file_ids, (std::vector<uint64_t>{1}));
    EXPECT_TRUE(fs->Exists(RgPath(kDir, 1)).ValueOrDie());
  }
  ASSERT_TRUE(Open().Write(A({3}), {.row_group_target_size = 1}).ok());
  EXPECT_FALSE(fs->Exists(RgPath(kDir, 1)).ValueOrDie());
  auto md = dataset::ReadMetadataFile(*fs, kMetadata).ValueOrDie();
  EXPECT_TRUE(md.obsolete_file_ids.empty());
  EXPECT_EQ(md.file_ids, (std::vector<uint64_t>{0, 2, 3}));
}

// Removal keeps the last metadata as the leftovers record while a reader may
// need the files; the next write deletes exactly the files it accounts for.
TEST_F(LeftoverRuleTest, RemovalRecordsItsLeftoversUntilTheyAreDeleted) {
  Create({1, 2});  // ids 0, 1
  const std::string record = "/data/" + dataset::LeftoversRecordFileName("ds");
  EXPECT_EQ(record, "/data/.ds_opdmd.leftovers");
  ASSERT_TRUE(fs->WriteFile(RgPath(kDir, 40), "not ours").ok());
  {
    auto reader = fs->LockShared("/data/ds.readers", std::chrono::milliseconds(0)).ValueOrDie();
    ASSERT_TRUE(Open().Remove().ok());
    EXPECT_FALSE(fs->Exists(kMetadata).ValueOrDie());
    EXPECT_TRUE(fs->Exists(record).ValueOrDie());
    EXPECT_TRUE(fs->Exists(RgPath(kDir, 0)).ValueOrDie());
    EXPECT_TRUE(Open().is_newly_initialized().ValueOrDie());
  }
  auto ds = Open();
  ASSERT_TRUE(ds.Write(A({7}), {.ordered_on = "a"}).ok());
  EXPECT_EQ(Ints(ds.Read().ValueOrDie()), (std::vector<int64_t>{7}));
  EXPECT_FALSE(fs->Exists(RgPath(kDir, 0)).ValueOrDie());
  EXPECT_FALSE(fs->Exists(RgPath(kDir, 1)).ValueOrDie());
  EXPECT_FALSE(fs->Exists(record).ValueOrDie());
  EXPECT_EQ(Text(*fs, RgPath(kDir, 40)), "not ours");
  // Ids continue above the removed dataset's: a reader of it never sees a
  // different file under a name it knew.
  EXPECT_EQ(Ids(), (std::vector<uint64_t>{2}));
  // A removal without reader deletes its files and the record at once, and
  // keeps the directory holding a file that is not its own.
  ASSERT_TRUE(ds.Remove().ok());
  EXPECT_FALSE(fs->Exists(record).ValueOrDie());
  EXPECT_FALSE(fs->Exists(RgPath(kDir, 2)).ValueOrDie());
  EXPECT_EQ(Text(*fs, RgPath(kDir, 40)), "not ours");
}

// A first write records that its files are leftovers before creating any, and
// drops the record once committed.
TEST_F(LeftoverRuleTest, FirstWriteLeavesNoRecordOnceCommitted) {
  Create({1, 2});
  EXPECT_FALSE(fs->Exists("/data/.ds_opdmd.leftovers").ValueOrDie());
  EXPECT_EQ(Ids(), (std::vector<uint64_t>{0, 1}));
}

}  // namespace
}  // namespace oups

#include <stdlib.h>

#include <filesystem>

namespace oups {
namespace {

// The same on the local file system (O_EXCL for real): `mv a b` of the
// directory alone, and a stray file with the largest id.
TEST(LeftoverRuleLocalTest, MovedDirectoryAndStrayFile) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "oups_leftovers_XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const std::string root = tmpl;
  auto fs = LocalFileSystem();
  auto a = OrderedDataset::Open(fs, root + "/a").ValueOrDie();
  ASSERT_TRUE(a.Write(A({1, 2}), {.ordered_on = "a", .row_group_target_size = 1}).ok());
  ASSERT_TRUE(fs->WriteFile(RgPath(root + "/a", kMaxId), "stray").ok());
  ASSERT_TRUE(a.Write(A({3}), {.row_group_target_size = 1}).ok());
  EXPECT_EQ(Ints(a.Read().ValueOrDie()), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(Text(*fs, RgPath(root + "/a", kMaxId)), "stray");
  std::filesystem::rename(root + "/a", root + "/b");
  auto b = OrderedDataset::Open(fs, root + "/b").ValueOrDie();
  Status st = b.Write(A({9}), {.ordered_on = "a"});
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists) << st.ToString();
  EXPECT_NE(st.message().find(root + "/b_opdmd"), std::string::npos) << st.ToString();
  for (uint64_t id : {0, 1, 2}) EXPECT_TRUE(fs->Exists(RgPath(root + "/b", id)).ValueOrDie()) << id;
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
}

}  // namespace
}  // namespace oups
