// Remembered row-group layout (docs/behaviour.md#remembered-settings,
// docs/format.md "write_settings"): row_group_target_size and
// max_n_off_target_rgs given to a write are stored with the dataset and used
// by later writes that do not give them.
#include <gtest/gtest.h>

#include <vector>

#include "dataset/file_naming.h"
#include "dataset/metadata_file.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"

namespace oups {
namespace {

constexpr const char* kDir = "/data/ds";
constexpr const char* kOther = "/data/control";

Table A(const std::vector<int64_t>& a) {
  return MakeTable({{"a", ColumnFromVector(DataType::Int64(), a).ValueOrDie()}}).ValueOrDie();
}

constexpr int64_t kDay = 86'400'000'000'000;
Table Ts(const std::vector<int64_t>& days) {
  std::vector<int64_t> ns;
  for (int64_t d : days) ns.push_back(d * kDay);
  return MakeTable({{"ts", ColumnFromVector(DataType::Timestamp(TimeUnit::kNano), ns).ValueOrDie()}})
      .ValueOrDie();
}

std::vector<int64_t> NRows(const OrderedDataset& ds) {
  Table stats = ds.RowGroupStats().ValueOrDie();
  Column n = stats.GetColumn("n_rows").ValueOrDie();
  std::vector<int64_t> out;
  for (int64_t i = 0; i < n.length(); ++i) out.push_back(static_cast<int64_t>(n.data<uint64_t>()[i]));
  return out;
}

struct WriteSettingsTest : ::testing::Test {
  std::shared_ptr<MemoryFileSystem> fs = NewMemoryFileSystem();
  OrderedDataset Open(const char* dir = kDir) {
    return OrderedDataset::Open(fs, dir, {.ordered_on = "a"}).ValueOrDie();
  }
  std::string MetadataPath(const char* dir = kDir) {
    return dataset::DatasetPaths::Make(dir)->metadata;
  }
  dataset::DatasetMetadata Md(const char* dir = kDir) {
    return dataset::ReadMetadataFile(*fs, MetadataPath(dir)).ValueOrDie();
  }
};

TEST_F(WriteSettingsTest, TargetIsRememberedByLaterWrites) {
  OrderedDataset ds = Open();
  ASSERT_TRUE(ds.Write(A({1, 2, 3, 4}), {.row_group_target_size = 2}).ok());
  EXPECT_EQ(NRows(ds), (std::vector<int64_t>{2, 2}));
  ASSERT_TRUE(Md().write_settings.row_group_target_size.has_value());
  EXPECT_EQ(std::get<int64_t>(*Md().write_settings.row_group_target_size), 2);
  EXPECT_FALSE(Md().write_settings.max_n_off_target_rgs.has_value());
  // No target given: the stored 2 (the default would make one row group).
  ASSERT_TRUE(ds.Write(A({5, 6, 7, 8})).ok());
  EXPECT_EQ(NRows(ds), (std::vector<int64_t>{2, 2, 2, 2}));
  // A fresh handle (another process, as far as the dataset knows) too.
  ASSERT_TRUE(Open().Write(A({9, 10, 11})).ok());
  EXPECT_EQ(NRows(ds), (std::vector<int64_t>{2, 2, 2, 2, 2, 1}));
  EXPECT_EQ(std::get<int64_t>(*Md().write_settings.row_group_target_size), 2);
}

TEST_F(WriteSettingsTest, StoredSettingsAreVisibleOnTheHandleAndSnapshots) {
  OrderedDataset ds = Open();
  ASSERT_TRUE(ds.Write(A({1, 2})).ok());
  StoredWriteSettings none = ds.write_settings().ValueOrDie();
  EXPECT_FALSE(none.row_group_target_size.has_value());
  EXPECT_FALSE(none.max_n_off_target_rgs.has_value());
  ASSERT_TRUE(ds.Write(A({3}), {.row_group_target_size = 7, .max_n_off_target_rgs = 2}).ok());
  StoredWriteSettings got = ds.write_settings().ValueOrDie();
  ASSERT_TRUE(got.row_group_target_size.has_value());
  EXPECT_EQ(std::get<int64_t>(*got.row_group_target_size), 7);
  ASSERT_TRUE(got.max_n_off_target_rgs.has_value());
  EXPECT_EQ(*got.max_n_off_target_rgs, MaxNOffTargetRgs{2});
  ASSERT_TRUE(ds.Write(A({4}), {.row_group_target_size = 9,
                                .max_n_off_target_rgs = kNoCoalescing}).ok());
  DatasetSnapshot snap = ds.Snapshot().ValueOrDie();
  StoredWriteSettings later = snap.write_settings();
  ASSERT_TRUE(later.row_group_target_size.has_value());
  EXPECT_EQ(std::get<int64_t>(*later.row_group_target_size), 9);
  ASSERT_TRUE(later.max_n_off_target_rgs.has_value());
  EXPECT_EQ(*later.max_n_off_target_rgs, kNoCoalescing);
}

TEST_F(WriteSettingsTest, GivenValueOverridesAndIsStored) {
  OrderedDataset ds = Open();
  ASSERT_TRUE(ds.Write(A({1, 2}), {.row_group_target_size = 2}).ok());
  ASSERT_TRUE(ds.Write(A({3, 4, 5}), {.row_group_target_size = 3}).ok());
  EXPECT_EQ(NRows(ds), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(std::get<int64_t>(*Md().write_settings.row_group_target_size), 3);
  ASSERT_TRUE(ds.Write(A({6, 7, 8, 9, 10, 11})).ok());
  EXPECT_EQ(NRows(ds), (std::vector<int64_t>{2, 3, 3, 3}));
}

TEST_F(WriteSettingsTest, NothingGivenNothingStoredDefaultsApply) {
  OrderedDataset ds = Open();
  ASSERT_TRUE(ds.Write(A({1, 2, 3})).ok());
  EXPECT_TRUE(Md().write_settings.empty());
  EXPECT_EQ(dataset::EncodeOupsJson(Md()).find("write_settings"), std::string::npos);
  EXPECT_EQ(NRows(ds), (std::vector<int64_t>{3}));
}

TEST_F(WriteSettingsTest, PeriodIsRememberedAsItsText) {
  auto ds = OrderedDataset::Open(fs, kDir, {.ordered_on = "ts"}).ValueOrDie();
  ASSERT_TRUE(ds.Write(Ts({0, 0, 1}), {.row_group_target_size = Period("1D")}).ok());
  EXPECT_EQ(std::get<std::string>(*Md().write_settings.row_group_target_size), "1D");
  ASSERT_TRUE(ds.Write(Ts({2, 3, 3})).ok());
  EXPECT_EQ(NRows(ds), (std::vector<int64_t>{2, 1, 1, 2}));
}

// Coalescing remembered: a dataset given max_n_off_target_rgs once evolves as
// a control dataset given it at every write; kNoCoalescing (stored as null)
// turns it off for the following writes too.
TEST_F(WriteSettingsTest, MaxNOffTargetRgsIsRememberedAndCanBeTurnedOff) {
  OrderedDataset ds = Open();
  OrderedDataset control = Open(kOther);
  ASSERT_TRUE(ds.Write(A({0}), {.row_group_target_size = 4, .max_n_off_target_rgs = 1}).ok());
  ASSERT_TRUE(control.Write(A({0}), {.row_group_target_size = 4, .max_n_off_target_rgs = 1}).ok());
  for (int64_t v = 1; v < 9; ++v) {
    ASSERT_TRUE(ds.Write(A({v})).ok());
    ASSERT_TRUE(control.Write(A({v}), {.row_group_target_size = 4, .max_n_off_target_rgs = 1}).ok());
    EXPECT_EQ(NRows(ds), NRows(control)) << v;
  }
  EXPECT_LT(NRows(ds).size(), 5u);  // coalesced: not 9 row groups of 1 row
  ASSERT_TRUE(Md().write_settings.max_n_off_target_rgs.has_value());
  EXPECT_EQ(*Md().write_settings.max_n_off_target_rgs, std::optional<int64_t>{1});

  ASSERT_TRUE(ds.Write(A({9}), {.max_n_off_target_rgs = kNoCoalescing}).ok());
  ASSERT_TRUE(control.Write(A({9}), {.row_group_target_size = 4,
                                     .max_n_off_target_rgs = kNoCoalescing})
                  .ok());
  ASSERT_TRUE(Md().write_settings.max_n_off_target_rgs.has_value());
  EXPECT_FALSE(Md().write_settings.max_n_off_target_rgs->has_value());
  EXPECT_NE(dataset::EncodeOupsJson(Md()).find("\"max_n_off_target_rgs\":null"), std::string::npos);
  for (int64_t v = 10; v < 14; ++v) {
    ASSERT_TRUE(ds.Write(A({v})).ok());
    ASSERT_TRUE(control.Write(A({v}), {.row_group_target_size = 4,
                                       .max_n_off_target_rgs = kNoCoalescing})
                    .ok());
    EXPECT_EQ(NRows(ds), NRows(control)) << v;
  }
  EXPECT_EQ(NRows(ds).back(), 1);  // no coalescing any more
  // The target stayed remembered through writes that gave only the other one.
  EXPECT_EQ(std::get<int64_t>(*Md().write_settings.row_group_target_size), 4);
}

TEST_F(WriteSettingsTest, MetadataOnlyWriteStoresSettings) {
  OrderedDataset ds = Open();
  ASSERT_TRUE(ds.Write(WriteOptions{.row_group_target_size = 2}).ok());
  EXPECT_EQ(std::get<int64_t>(*Md().write_settings.row_group_target_size), 2);
  ASSERT_TRUE(ds.Write(A({1, 2, 3})).ok());
  EXPECT_EQ(NRows(ds), (std::vector<int64_t>{2, 1}));
}

TEST_F(WriteSettingsTest, InvalidGivenValuesAreRefusedBeforeAnyChange) {
  OrderedDataset ds = Open();
  ASSERT_TRUE(ds.Write(A({1, 2}), {.row_group_target_size = 2}).ok());
  const uint64_t version = Md().version;
  Status s = ds.Write(A({3}), {.row_group_target_size = 0});
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "'row_group_target_size' must be >= 1, not 0.");
  s = ds.Write(A({3}), {.max_n_off_target_rgs = 0});
  EXPECT_EQ(s.message(), "'max_n_off_target_rgs' cannot be 0.");
  s = ds.Write(A({3}), {.max_n_off_target_rgs = -2});
  EXPECT_EQ(s.message(), "'max_n_off_target_rgs' must be >= 1, not -2.");
  s = ds.Write(A({3}), {.row_group_target_size = Period("fortnightly")});
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_EQ(Md().version, version);
  EXPECT_EQ(std::get<int64_t>(*Md().write_settings.row_group_target_size), 2);
}

TEST_F(WriteSettingsTest, InvalidStoredValueNamesTheDatasetAndCanBeReplaced) {
  OrderedDataset ds = Open();
  ASSERT_TRUE(ds.Write(A({1, 2}), {.row_group_target_size = 2}).ok());
  dataset::DatasetMetadata md = Md();
  md.write_settings.row_group_target_size = int64_t{0};
  ASSERT_TRUE(dataset::WriteMetadataFile(*fs, MetadataPath(), md).ok());
  Status s = ds.Write(A({3}));
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("stored with dataset '/data/ds'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("must be >= 1, not 0"), std::string::npos) << s.message();
  ASSERT_TRUE(ds.Write(A({3}), {.row_group_target_size = 5}).ok());
  EXPECT_EQ(std::get<int64_t>(*Md().write_settings.row_group_target_size), 5);
}

TEST_F(WriteSettingsTest, RemovalForgetsSettings) {
  OrderedDataset ds = Open();
  ASSERT_TRUE(ds.Write(A({1, 2, 3}), {.row_group_target_size = 1}).ok());
  ASSERT_TRUE(ds.Remove({.preserve_metadata = true}).ok());
  ASSERT_TRUE(ds.Write(A({1, 2, 3})).ok());
  EXPECT_EQ(NRows(ds), (std::vector<int64_t>{3}));
  EXPECT_TRUE(Md().write_settings.empty());
}

TEST(WriteSettingsJson, RoundTripsAndIgnoresNothing) {
  using dataset::DatasetMetadata;
  for (const dataset::WriteSettings& ws :
       {dataset::WriteSettings{int64_t{6'345'000}, std::optional<int64_t>{}},
        dataset::WriteSettings{std::string("MS"), std::optional<int64_t>{3}},
        dataset::WriteSettings{std::nullopt, std::optional<int64_t>{2}},
        dataset::WriteSettings{std::string("21600000000000ns"), std::nullopt},
        dataset::WriteSettings{}}) {
    DatasetMetadata md;
    md.write_settings = ws;
    DatasetMetadata back;
    ASSERT_TRUE(dataset::DecodeOupsJson(dataset::EncodeOupsJson(md), &back).ok());
    EXPECT_EQ(back.write_settings, ws) << dataset::EncodeOupsJson(md);
  }
  DatasetMetadata md;
  md.write_settings.row_group_target_size = int64_t{7};
  md.write_settings.max_n_off_target_rgs = std::optional<int64_t>{};
  EXPECT_NE(dataset::EncodeOupsJson(md).find(
                R"("write_settings":{"row_group_target_size":7,"max_n_off_target_rgs":null})"),
            std::string::npos)
      << dataset::EncodeOupsJson(md);
  DatasetMetadata bad;
  EXPECT_TRUE(dataset::DecodeOupsJson(
                  R"({"format_version":2,"ordered_on":null,"key_value_metadata":{},)"
                  R"("write_settings":{"row_group_target_size":true}})",
                  &bad)
                  .IsCorruption());
}

}  // namespace
}  // namespace oups
