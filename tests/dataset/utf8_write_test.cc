// Writes refuse string values that are not valid UTF-8, naming the column and
// the row, and write nothing; binary columns take any bytes (GitHub issue 11,
// point 3).
#include <gtest/gtest.h>

#include "oups/dataset/ordered_dataset.h"
#include "oups/io/memory_file_system.h"
#include "oups/table/builder.h"

namespace oups {
namespace {

// A string column holding `values` as they are: built as binary, then
// relabelled (the column builder refuses invalid UTF-8 in string columns, but
// columns made from buffers, as by the Parquet and Python paths, are not built).
Column RawStrings(const std::vector<std::string>& values) {
  Column bin = ColumnFromVector(DataType::Binary(), values).ValueOrDie();
  return Column(DataType::String(), bin.length(), bin.validity(), bin.values(), bin.offsets(),
                bin.null_count(), bin.offset());
}

Table Make(const std::vector<std::string>& s, const DataType& type = DataType::String()) {
  std::vector<int64_t> ts;
  for (size_t i = 0; i < s.size(); ++i) ts.push_back(static_cast<int64_t>(i));
  Column c = type.id == TypeId::kString ? RawStrings(s) : ColumnFromVector(type, s).ValueOrDie();
  return MakeTable({{"ts", ColumnFromVector(DataType::Int64(), ts).ValueOrDie()}, {"s", c}})
      .ValueOrDie();
}

TEST(Utf8Write, InvalidUtf8IsRefusedNamingColumnAndRow) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, "/data/ds").ValueOrDie();
  Status st = ds.Write(Make({"a", "caf\xC3\xA9", "caf\xE9", "\xFF"}), {.ordered_on = "ts"});
  ASSERT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("column 's', row 2"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("not valid UTF-8"), std::string::npos) << st.ToString();
  EXPECT_FALSE(fs->Exists("/data/ds_opdmd").ValueOrDie());
  EXPECT_FALSE(fs->Exists("/data/ds").ValueOrDie());
  // Into an existing dataset as well, which is left unchanged.
  ASSERT_TRUE(ds.Write(Make({"a", "b"}), {.ordered_on = "ts"}).ok());
  Status again = ds.Write(Make({"x", "\xED\xA0\x80"}), {.ordered_on = "ts"});
  ASSERT_TRUE(again.IsInvalidArgument()) << again.ToString();
  EXPECT_NE(again.message().find("column 's', row 1"), std::string::npos);
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 2);
}

TEST(Utf8Write, InvalidUtf8InAStringOrderedColumnIsRefused) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, "/data/ds").ValueOrDie();
  Table t = MakeTable({{"k", RawStrings({"a", "b\xC0\xAF"})}}).ValueOrDie();
  Status st = ds.Write(t, {.ordered_on = "k"});
  ASSERT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("column 'k', row 1"), std::string::npos) << st.ToString();
}

TEST(Utf8Write, BinaryColumnsTakeAnyBytes) {
  auto fs = NewMemoryFileSystem();
  auto ds = OrderedDataset::Open(fs, "/data/ds").ValueOrDie();
  ASSERT_TRUE(ds.Write(Make({"\xFF", "\xC3"}, DataType::Binary()), {.ordered_on = "ts"}).ok());
  EXPECT_EQ(ds.Read().ValueOrDie().num_rows(), 2);
}

}  // namespace
}  // namespace oups
