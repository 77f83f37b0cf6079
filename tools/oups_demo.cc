// oups-demo: the main job for now (issue 2). Generates the standard tick table,
// writes it with oups's Parquet writer (snappy, sorted on ts), reads it back
// whole, by column and by row group, checks every value, and prints what it did
// with timings. Later issues extend it to a store of datasets.
//
//   oups-demo [--rows N] [--dir DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../benchmarks/ticks.h"
#include "oups/dataset/ordered_dataset.h"
#include "oups/io/file_system.h"
#include "oups/parquet/file_reader.h"
#include "oups/parquet/file_writer.h"

using namespace oups;

namespace {
double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
int Fail(const Status& st) {
  std::fprintf(stderr, "oups-demo: %s\n", st.ToString().c_str());
  return 1;
}
}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 2'000'000;
  std::string dir = "demo-store";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rows" && i + 1 < argc) {
      rows = std::atoll(argv[++i]);
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (a == "--help" || a == "-h") {
      std::printf("usage: oups-demo [--rows N] [--dir DIR]\n");
      return 0;
    } else {
      std::fprintf(stderr, "oups-demo: unknown argument '%s' (see --help)\n", a.c_str());
      return 2;
    }
  }
  if (rows < 0) {
    std::fprintf(stderr, "oups-demo: --rows must be >= 0\n");
    return 2;
  }
  auto fs = LocalFileSystem();
  if (Status st = fs->CreateDirs(dir); !st.ok()) return Fail(st);
  const std::string path = JoinPath(dir, "ticks.parquet");

  double t0 = Now();
  Table ticks = bench::MakeTicks(rows);
  std::printf("generated %lld ticks (ts, symbol, price, qty) in %.3f s\n", (long long)rows,
              Now() - t0);

  parquet::WriterOptions opt;
  opt.sorting_column = "ts";
  opt.row_group_size = 250'000;
  opt.key_value_metadata = {{"demo", std::string("standard tick table")}};
  t0 = Now();
  auto md = parquet::WriteTable(*fs, path, ticks, opt);
  if (!md.ok()) return Fail(md.status());
  const double wt = Now() - t0;
  auto info = fs->Stat(path);
  if (!info.ok()) return Fail(info.status());
  std::printf("wrote %s: %zu row groups, %lld bytes (%.1f bytes/row) in %.3f s (%.1f M rows/s)\n",
              path.c_str(), md->row_groups.size(), (long long)info->size,
              rows ? double(info->size) / double(rows) : 0.0, wt,
              wt > 0 ? double(rows) / wt / 1e6 : 0.0);
  for (size_t c = 0; c < md->columns.size() && !md->row_groups.empty(); ++c) {
    const auto& ch = md->row_groups[0].columns[c];
    std::string enc;
    for (auto e : ch.encodings) {
      if (!enc.empty()) enc.push_back(',');
      enc.append(parquet::EncodingName(e));
    }
    std::printf("  %-7s %-11s %s  row group 0: %lld -> %lld bytes\n", md->columns[c].name.c_str(),
                std::string(parquet::PhysicalTypeName(ch.physical_type)).c_str(), enc.c_str(),
                (long long)ch.total_uncompressed_size, (long long)ch.total_compressed_size);
  }

  t0 = Now();
  auto all = parquet::ReadTable(*fs, path);
  if (!all.ok()) return Fail(all.status());
  const double rt = Now() - t0;
  if (!all->Equals(ticks)) {
    std::fprintf(stderr, "oups-demo: the table read back differs from the one written\n");
    return 1;
  }
  std::printf("read it back whole in %.3f s (%.1f M rows/s): identical to what was written\n",
              rt, rt > 0 ? double(rows) / rt / 1e6 : 0.0);

  auto reader = parquet::FileReader::Open(*fs, path);
  if (!reader.ok()) return Fail(reader.status());
  t0 = Now();
  parquet::ReadOptions ro;
  ro.columns = {"price"};
  auto price = (*reader)->Read(ro);
  if (!price.ok()) return Fail(price.status());
  double sum = 0;
  const double* p = price->column(0).data<double>();
  for (int64_t i = 0; i < price->num_rows(); ++i) sum += p[i];
  std::printf("read column 'price' alone in %.3f s: mean price %.4f\n", Now() - t0,
              rows ? sum / double(rows) : 0.0);
  if ((*reader)->num_row_groups() > 1) {
    const int last = (*reader)->num_row_groups() - 1;
    auto rg = (*reader)->ReadRowGroup(last, {"ts", "symbol"});
    if (!rg.ok()) return Fail(rg.status());
    std::printf("read row group %d (%lld rows, columns ts and symbol); its last tick: %s\n", last,
                (long long)rg->num_rows(),
                std::string(rg->column(1).GetView(rg->num_rows() - 1)).c_str());
  }

  // An ordered dataset: a first load, then daily appends that carry late and
  // duplicated rows (merged and de-duplicated on ts, new rows win).
  const std::string ds_path = JoinPath(dir, "ticks-ds");
  {
    auto existing = OrderedDataset::Open(fs, ds_path);
    if (existing.ok()) {
      if (Status st = existing->Remove(); !st.ok()) return Fail(st);
    }
  }
  auto ds = OrderedDataset::Open(fs, ds_path);
  if (!ds.ok()) return Fail(ds.status());
  const int64_t first = rows * 6 / 10;
  const int64_t batches = 4;
  const WriteOptions wopt{.ordered_on = "ts",
                          .row_group_target_size = int64_t{250'000},
                          .duplicates_on = Columns{"ts"}};
  t0 = Now();
  if (Status st = ds->Write(ticks.Slice(0, first), wopt); !st.ok()) return Fail(st);
  std::printf("ordered dataset %s: first write of %lld rows in %.3f s\n", ds_path.c_str(),
              (long long)first, Now() - t0);
  const int64_t per_batch = (rows - first) / batches;
  for (int64_t b = 0; b < batches; ++b) {
    const int64_t start = first + b * per_batch;
    const int64_t len = b + 1 == batches ? rows - start : per_batch;
    // Each batch starts 1,000 rows early: late rows that duplicate stored ones.
    const int64_t late = std::min<int64_t>(1000, start);
    t0 = Now();
    if (Status st = ds->Write(ticks.Slice(start - late, len + late), wopt); !st.ok()) {
      return Fail(st);
    }
    auto n_rg = ds->num_row_groups();
    std::printf("  append %lld: %lld new rows + %lld duplicates in %.3f s -> %lld row groups\n",
                (long long)b + 1, (long long)len, (long long)late, Now() - t0,
                n_rg.ok() ? (long long)*n_rg : -1LL);
  }
  auto back = ds->Read();
  if (!back.ok()) return Fail(back.status());
  if (!back->Equals(ticks)) {
    std::fprintf(stderr, "oups-demo: the dataset differs from the tick table after the appends\n");
    return 1;
  }
  std::printf("dataset read back: %lld rows, identical to the tick table (duplicates dropped)\n",
              (long long)back->num_rows());
  if (rows > 0) {
    const DataType ts_type = DataType::Timestamp(TimeUnit::kNano);
    const int64_t lo = ticks.column(0).data<int64_t>()[rows / 2];
    t0 = Now();
    auto hour = ds->Read({.columns = Columns{"ts", "price"},
                          .start = Scalar::Int(lo, ts_type),
                          .end_excl = Scalar::Int(lo + 10'000'000'000LL, ts_type)});
    if (!hour.ok()) return Fail(hour.status());
    std::printf("range read of 10 seconds of ticks (ts, price): %lld rows in %.4f s\n",
                (long long)hour->num_rows(), Now() - t0);
  }
  std::printf("inspect it with: build/tools/oups-parquet meta %s\n", path.c_str());
  return 0;
}
