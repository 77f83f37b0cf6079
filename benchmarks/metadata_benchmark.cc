// Micro-benchmarks of the Thrift bridge (src/parquet/thrift/thrift_codec.h):
// page headers are decoded once per page, the footer once per file open.
// Bytes processed are the serialized (compact protocol) bytes.

#include <benchmark/benchmark.h>

#include <string>

#include "parquet/thrift/thrift_codec.h"

namespace oups::parquet {
namespace {

std::string Int64Bytes(int64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }

// A data page header as oups writes it: PLAIN values, RLE levels, statistics.
format::PageHeader TypicalPageHeader() {
  format::PageHeader ph;
  ph.type = format::PageType::DATA_PAGE;
  ph.uncompressed_page_size = 1 << 20;
  ph.compressed_page_size = 400000;
  format::DataPageHeader dp;
  dp.num_values = 131072;
  dp.encoding = format::Encoding::PLAIN;
  dp.definition_level_encoding = format::Encoding::RLE;
  dp.repetition_level_encoding = format::Encoding::RLE;
  format::Statistics st;
  st.__set_min_value(Int64Bytes(1704067200000000000));
  st.__set_max_value(Int64Bytes(1704080307200000000));
  st.__set_null_count(0);
  dp.__set_statistics(st);
  ph.__set_data_page_header(dp);
  return ph;
}

// A footer with `columns` leaf columns and `row_groups` row groups.
format::FileMetaData Footer(int columns, int row_groups) {
  format::FileMetaData md;
  md.version = 1;
  format::SchemaElement root;
  root.name = "schema";
  root.__set_num_children(columns);
  md.schema.push_back(root);
  for (int c = 0; c < columns; ++c) {
    format::SchemaElement e;
    e.name = "column_" + std::to_string(c);
    e.__set_type(format::Type::INT64);
    e.__set_repetition_type(format::FieldRepetitionType::OPTIONAL);
    md.schema.push_back(e);
  }
  for (int g = 0; g < row_groups; ++g) {
    format::RowGroup rg;
    rg.num_rows = 1 << 20;
    rg.total_byte_size = 8 << 20;
    for (int c = 0; c < columns; ++c) {
      format::ColumnMetaData cm;
      cm.type = format::Type::INT64;
      cm.encodings = {format::Encoding::PLAIN, format::Encoding::RLE};
      cm.path_in_schema = {md.schema[static_cast<size_t>(c) + 1].name};
      cm.codec = format::CompressionCodec::SNAPPY;
      cm.num_values = rg.num_rows;
      cm.total_uncompressed_size = 8 << 20;
      cm.total_compressed_size = 3 << 20;
      cm.data_page_offset = 4 + (static_cast<int64_t>(g) * columns + c) * (3 << 20);
      format::Statistics st;
      st.__set_min_value(Int64Bytes(g));
      st.__set_max_value(Int64Bytes(g + 1000000));
      st.__set_null_count(0);
      cm.__set_statistics(st);
      format::ColumnChunk cc;
      cc.file_offset = 0;
      cc.__set_meta_data(cm);
      rg.columns.push_back(cc);
    }
    md.row_groups.push_back(rg);
    md.num_rows += rg.num_rows;
  }
  md.__set_created_by("oups version 0.1.0");
  return md;
}

void BM_DeserializePageHeader(benchmark::State& state) {
  const std::string bytes = SerializeThrift(TypicalPageHeader()).ValueOrDie();
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  format::PageHeader ph;
  for (auto _ : state) {
    uint32_t len = static_cast<uint32_t>(bytes.size());
    Status st = DeserializeThrift(data, &len, &ph);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(ph);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
  state.SetItemsProcessed(state.iterations());
  state.counters["header_bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_DeserializePageHeader);

void BM_SerializePageHeader(benchmark::State& state) {
  const format::PageHeader ph = TypicalPageHeader();
  MutableBuffer buf;
  int64_t n = 0;
  for (auto _ : state) {
    buf.Clear();
    auto r = SerializeThrift(ph, &buf);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    n = *r;
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetBytesProcessed(state.iterations() * n);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SerializePageHeader);

// range(0) columns x range(1) row groups.
void BM_DeserializeFileMetaData(benchmark::State& state) {
  const std::string bytes =
      SerializeThrift(Footer(static_cast<int>(state.range(0)), static_cast<int>(state.range(1))))
          .ValueOrDie();
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  for (auto _ : state) {
    format::FileMetaData md;
    uint32_t len = static_cast<uint32_t>(bytes.size());
    Status st = DeserializeThrift(data, &len, &md);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(md);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
  state.counters["footer_bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_DeserializeFileMetaData)->ArgNames({"columns", "row_groups"})
    ->Args({4, 1})->Args({4, 100})->Args({100, 10});

void BM_SerializeFileMetaData(benchmark::State& state) {
  const format::FileMetaData md =
      Footer(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  int64_t n = 0;
  for (auto _ : state) {
    auto r = SerializeThrift(md);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    n = static_cast<int64_t>(r->size());
    benchmark::DoNotOptimize(r->data());
  }
  state.SetBytesProcessed(state.iterations() * n);
}
BENCHMARK(BM_SerializeFileMetaData)->ArgNames({"columns", "row_groups"})
    ->Args({4, 1})->Args({4, 100})->Args({100, 10});

}  // namespace
}  // namespace oups::parquet

BENCHMARK_MAIN();
