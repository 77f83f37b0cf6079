// oups-dataset-gen: writes, with OrderedDataset, the datasets that
// interop/check_dataset.py has DuckDB read back (and interop/pyarrow_check.py, pyarrow).
//
//   oups-dataset-gen DIR
//
// Each dataset DIR/<name> (metadata file DIR/<name>_opdmd) is built by several
// writes: appends, inserts in the middle and before the start, rows equal to
// stored ones (on the ordered column only, and on every column), with the
// n-rows and the time-period strategies, with and without coalescing. Then
// DIR/<name>.expected.jsonl gets oups's rendering (PrintRowsJsonl) of
// OrderedDataset::Read(), i.e. every row in row order: what DuckDB must find
// reading DIR/<name>/*.parquet in the metadata file's order.
//
// Columns: ts (timestamp[ns], ordered), sym (string, some nulls), price
// (float64), qty (int64). Deterministic. Exit status: 0 ok, 1 error, 2 usage.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "oups/dataset/ordered_dataset.h"
#include "oups/io/file_system.h"
#include "oups/table/format.h"
#include "oups/table/builder.h"

namespace {

using oups::Columns;
using oups::DataType;
using oups::Field;
using oups::OrderedDataset;
using oups::Period;
using oups::Result;
using oups::Status;
using oups::Table;
using oups::TimeUnit;
using oups::WriteOptions;

constexpr int64_t kBase = 1704067200000000000LL;  // 2024-01-01 00:00:00
constexpr int64_t kSecond = 1000000000LL;

// Rows (ts = kBase + seconds[i] s, version): sym and price depend on ts and
// version only, so the same (seconds, version) gives an identical row.
Result<Table> Rows(const std::vector<int64_t>& seconds, int64_t version) {
  std::vector<int64_t> ts, qty;
  std::vector<std::string> sym;
  std::vector<bool> sym_valid;
  std::vector<double> price;
  for (int64_t s : seconds) {
    ts.push_back(kBase + s * kSecond);
    const int64_t m = ((s % 97) + 97) % 97;
    sym.push_back("SYM" + std::to_string(m % 7) + (version > 0 ? "v" + std::to_string(version) : ""));
    sym_valid.push_back(m % 11 != 0);
    price.push_back(100.0 + static_cast<double>(m) / 8.0 + static_cast<double>(version));
    qty.push_back(s * 10 + version);
  }
  OUPS_ASSIGN_OR_RETURN(auto c_ts, oups::ColumnFromVector(DataType::Timestamp(TimeUnit::kNano), ts));
  OUPS_ASSIGN_OR_RETURN(auto c_sym, oups::ColumnFromVector(DataType::String(), sym, sym_valid));
  OUPS_ASSIGN_OR_RETURN(auto c_price, oups::ColumnFromVector(DataType::Float64(), price));
  OUPS_ASSIGN_OR_RETURN(auto c_qty, oups::ColumnFromVector(DataType::Int64(), qty));
  return oups::MakeTable(std::vector<std::pair<Field, oups::Column>>{
      {Field{"ts", DataType::Timestamp(TimeUnit::kNano), true}, c_ts},
      {Field{"sym", DataType::String(), true}, c_sym},
      {Field{"price", DataType::Float64(), true}, c_price},
      {Field{"qty", DataType::Int64(), true}, c_qty}});
}

std::vector<int64_t> Range(int64_t from, int64_t to_excl, int64_t step = 1) {
  std::vector<int64_t> v;
  for (int64_t s = from; s < to_excl; s += step) v.push_back(s);
  return v;
}

struct Step {
  std::vector<int64_t> seconds;
  int64_t version;
  WriteOptions options;
};

Status Build(const std::string& dir, const std::string& name, const std::vector<Step>& steps) {
  auto fs = oups::LocalFileSystem();
  OUPS_ASSIGN_OR_RETURN(auto ds, OrderedDataset::Open(fs, dir + "/" + name));
  for (const Step& step : steps) {
    OUPS_ASSIGN_OR_RETURN(Table t, Rows(step.seconds, step.version));
    WriteOptions o = step.options;
    o.ordered_on = "ts";
    OUPS_RETURN_NOT_OK(ds.Write(t, o));
  }
  OUPS_ASSIGN_OR_RETURN(Table all, ds.Read());
  OUPS_ASSIGN_OR_RETURN(int64_t rgs, ds.num_row_groups());
  std::ofstream out(dir + "/" + name + ".expected.jsonl", std::ios::binary);
  OUPS_RETURN_NOT_OK(oups::PrintRowsJsonl(all, out));
  out.close();
  if (!out) return Status::IOError("cannot write " + dir + "/" + name + ".expected.jsonl");
  std::printf("oups-dataset-gen: %s: %zu writes, %lld rows, %lld row groups\n", name.c_str(),
              steps.size(), static_cast<long long>(all.num_rows()), static_cast<long long>(rgs));
  return Status::OK();
}

WriteOptions NRows(int64_t target, std::optional<Columns> dups = std::nullopt,
                   std::optional<int64_t> coalesce = std::nullopt) {
  WriteOptions o;
  o.row_group_target_size = target;
  o.duplicates_on = std::move(dups);
  o.max_n_off_target_rgs = coalesce;
  return o;
}

WriteOptions Periodic(const std::string& freq, std::optional<Columns> dups = std::nullopt,
                      std::optional<int64_t> coalesce = std::nullopt) {
  WriteOptions o;
  o.row_group_target_size = Period(freq);
  o.duplicates_on = std::move(dups);
  o.max_n_off_target_rgs = coalesce;
  return o;
}

Status Run(const std::string& dir) {
  OUPS_RETURN_NOT_OK(oups::LocalFileSystem()->CreateDirs(dir));
  constexpr int64_t kHour = 3600;
  constexpr int64_t kDay = 24 * kHour;

  // Appends only, n-rows, no de-duplication (equal values appended after the
  // last rg's max go after it).
  OUPS_RETURN_NOT_OK(Build(dir, "nrows_appends",
                           {{Range(0, 10), 0, NRows(4)},
                            {Range(10, 15), 0, NRows(4)},
                            {Range(15, 17), 0, NRows(4)},
                            {Range(17, 31), 0, NRows(4)},
                            {{30, 30, 31}, 1, NRows(4)}}));

  // Inserts in the middle and before the start, replacements on ts,
  // exact duplicates on all columns, coalescing, another codec.
  WriteOptions zstd = NRows(5, Columns{"ts"}, 2);
  zstd.compression = oups::parquet::Compression::kZstd;
  zstd.key_value_metadata["source"] = "oups-dataset-gen";
  OUPS_RETURN_NOT_OK(Build(dir, "nrows_inserts_dups",
                           {{Range(0, 41, 2), 0, NRows(5, Columns{"ts"}, 2)},
                            {Range(5, 16, 2), 0, NRows(5, Columns{"ts"}, 2)},
                            {{0, 2, 40}, 1, NRows(5, Columns{"ts"}, 2)},
                            {Range(41, 51), 0, zstd},
                            {Range(-5, 0), 0, NRows(5, Columns{}, 2)},
                            {Range(0, 20), 0, NRows(5, Columns{})},
                            {{20, 20, 21, 21}, 2, NRows(5)}}));

  // Time-period strategy "1D": days 0-2 every 6 h, append days 3-4, insert
  // into day 1 replacing on ts, coalesce.
  OUPS_RETURN_NOT_OK(Build(dir, "period_1d",
                           {{Range(0, 3 * kDay, 6 * kHour), 0, Periodic("1D")},
                            {Range(3 * kDay, 5 * kDay, 5 * kHour), 0, Periodic("1D")},
                            {Range(kDay, 2 * kDay, 3 * kHour), 1, Periodic("1D", Columns{"ts"})},
                            {Range(5 * kDay + 60, 5 * kDay + 600, 60), 0, Periodic("1D", std::nullopt, 1)},
                            {Range(5 * kDay + 30, 5 * kDay + 90, 30), 2, Periodic("1D", Columns{}, 1)}}));

  // Time-period "2h", duplicates on all columns, writes out of time order.
  OUPS_RETURN_NOT_OK(Build(dir, "period_2h_dups",
                           {{Range(10 * kHour, 20 * kHour, 900), 0, Periodic("2h", Columns{})},
                            {Range(0, 10 * kHour, 1700), 0, Periodic("2h", Columns{})},
                            {Range(9 * kHour, 11 * kHour, 900), 0, Periodic("2h", Columns{})},
                            {Range(9 * kHour, 11 * kHour, 1800), 3, Periodic("2h", Columns{"ts"})},
                            {Range(20 * kHour, 30 * kHour, 3600), 0, Periodic("2h")}}));
  return Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: oups-dataset-gen DIR\n");
    return 2;
  }
  const Status st = Run(argv[1]);
  if (!st.ok()) {
    std::fprintf(stderr, "oups-dataset-gen: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}
