#include "oups/parquet/file_writer.h"

#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "common/parallel.h"
#include "parquet/column_writer.h"
#include "parquet/metadata_internal.h"
#include "parquet/compression/codec.h"
#include "parquet/schema_convert.h"
#include "parquet/thrift/thrift_codec.h"

namespace oups::parquet {

namespace {
constexpr char kMagic[4] = {'P', 'A', 'R', '1'};
}  // namespace

struct FileWriter::Impl {
  std::unique_ptr<WritableFile> file;
  Schema schema;
  WriterOptions options;
  std::vector<ColumnDescriptor> descriptors;
  std::vector<format::SchemaElement> schema_elements;
  std::unique_ptr<Codec> codec;
  std::vector<format::RowGroup> row_groups;
  int64_t num_rows = 0;
  int sorting_index = -1;
  bool closed = false;
  Status error;  // sticky: a failed write poisons the writer
  EncodedChunk scratch;  // reused for every column chunk
  std::vector<EncodedChunk> column_chunks;          // num_threads > 1
  std::vector<std::unique_ptr<Codec>> column_codecs;  // num_threads > 1

  Status WriteOneRowGroup(const Table& t) {
    format::RowGroup rg;
    rg.__set_num_rows(t.num_rows());
    const int ncols = t.num_columns();
    std::vector<format::ColumnChunk> chunks;
    chunks.reserve(size_t(ncols));
    int64_t total_uncompressed = 0;
    const int64_t rg_start = file->Tell();
    const bool parallel = options.num_threads > 1 && ncols > 1;
    // Appends column chunk c (encoded in `ec`) at the end of the file.
    auto append = [&](EncodedChunk& ec) -> Status {
      const int64_t base = file->Tell();
      OUPS_RETURN_NOT_OK(file->Append(ec.bytes->data(), ec.bytes->size()));
      format::ColumnMetaData& md = ec.chunk->meta_data;
      md.data_page_offset += base;
      if (md.__isset.dictionary_page_offset) md.dictionary_page_offset += base;
      ec.chunk->file_offset = base;
      total_uncompressed += ec.uncompressed_size;
      chunks.push_back(std::move(*ec.chunk));
      return Status::OK();
    };
    if (parallel) {
      // Encode the columns at once (one codec per column: codecs are not
      // shareable across threads). The chunks are appended in column order as
      // soon as they and those before them are ready, by whichever thread finds
      // the next one ready and no thread appending: the file writes (copying
      // into the page cache) overlap the encoding of the later columns.
      if (column_chunks.size() != size_t(ncols)) column_chunks.resize(size_t(ncols));
      if (column_codecs.size() != size_t(ncols)) column_codecs.resize(size_t(ncols));
      std::mutex mu;
      std::vector<char> ready(size_t(ncols), 0);
      int next = 0;            // the next column to append
      bool appending = false;  // a thread is appending
      Status append_error;
      OUPS_RETURN_NOT_OK(ParallelFor(ncols, options.num_threads, [&](int64_t c) -> Status {
        auto& codec_c = column_codecs[size_t(c)];
        if (!codec_c) {
          OUPS_ASSIGN_OR_RETURN(codec_c, MakeCodec(options.compression));
        }
        OUPS_RETURN_NOT_OK(EncodeColumnChunk(t.column(int(c)), descriptors[size_t(c)], options,
                                             codec_c.get(), &column_chunks[size_t(c)]));
        {
          std::lock_guard<std::mutex> lock(mu);
          ready[size_t(c)] = 1;
          if (appending) return Status::OK();
          appending = true;
        }
        while (true) {
          int k;
          {
            std::lock_guard<std::mutex> lock(mu);
            if (next >= ncols || !ready[size_t(next)] || !append_error.ok()) {
              appending = false;
              return Status::OK();
            }
            k = next;
          }
          Status st = append(column_chunks[size_t(k)]);
          std::lock_guard<std::mutex> lock(mu);
          if (!st.ok()) append_error = std::move(st);
          ++next;
        }
      }));
      OUPS_RETURN_NOT_OK(append_error);
      if (next != ncols) return Status::Internal("parallel write: column chunks left unwritten");
    } else {
      for (int c = 0; c < ncols; ++c) {
        OUPS_RETURN_NOT_OK(
            EncodeColumnChunk(t.column(c), descriptors[size_t(c)], options, codec.get(), &scratch));
        OUPS_RETURN_NOT_OK(append(scratch));
      }
    }
    rg.__set_columns(std::move(chunks));
    rg.__set_total_byte_size(total_uncompressed);
    rg.__set_file_offset(rg_start);
    rg.__set_total_compressed_size(file->Tell() - rg_start);
    rg.__set_ordinal(static_cast<int16_t>(std::min<size_t>(row_groups.size(), 32767)));
    if (sorting_index >= 0) {
      format::SortingColumn sc;
      sc.__set_column_idx(sorting_index);
      sc.__set_descending(false);
      sc.__set_nulls_first(true);
      rg.__set_sorting_columns({sc});
    }
    row_groups.push_back(std::move(rg));
    num_rows += t.num_rows();
    return Status::OK();
  }
};

FileWriter::FileWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FileWriter::~FileWriter() = default;

Result<std::unique_ptr<FileWriter>> FileWriter::Open(std::unique_ptr<WritableFile> file,
                                                     Schema schema, WriterOptions options) {
  auto impl = std::make_unique<Impl>();
  const std::string path = file->path();
  if (options.row_group_size <= 0) {
    return Status::InvalidArgument("row_group_size must be positive, got " +
                                   std::to_string(options.row_group_size));
  }
  if (options.data_page_size <= 0) {
    return Status::InvalidArgument("data_page_size must be positive");
  }
  format::SchemaElement root;
  root.__set_name("schema");
  root.__set_num_children(schema.num_fields());
  impl->schema_elements.push_back(root);
  for (const Field& f : schema.fields()) {
    if (f.name.empty()) return Status::InvalidArgument("empty column name in " + path);
    for (const Field& g : schema.fields()) {
      if (&g != &f && g.name == f.name) {
        return Status::InvalidArgument("duplicate column name '" + f.name + "' in " + path);
      }
    }
    OUPS_ASSIGN_OR_RETURN(format::SchemaElement el, ToSchemaElement(f));
    OUPS_ASSIGN_OR_RETURN(ColumnDescriptor d, DescriptorForField(f));
    impl->schema_elements.push_back(std::move(el));
    impl->descriptors.push_back(std::move(d));
  }
  if (options.data_page_version != 1 && options.data_page_version != 2) {
    return Status::InvalidArgument("data_page_version must be 1 or 2, got " +
                                   std::to_string(options.data_page_version));
  }
  for (const auto& [name, enc] : options.column_encodings) {
    const int i = schema.IndexOf(name);
    if (i < 0) {
      return Status::InvalidArgument("column_encodings names '" + name +
                                     "', which is not in the schema of " + path);
    }
    OUPS_RETURN_NOT_OK(CheckValueEncoding(impl->descriptors[size_t(i)], enc));
  }
  if (options.sorting_column) {
    impl->sorting_index = schema.IndexOf(*options.sorting_column);
    if (impl->sorting_index < 0) {
      return Status::InvalidArgument("sorting column '" + *options.sorting_column +
                                     "' is not in the schema of " + path);
    }
  }
  OUPS_ASSIGN_OR_RETURN(impl->codec, MakeCodec(options.compression));
  OUPS_RETURN_NOT_OK(file->Append(kMagic, 4));
  impl->file = std::move(file);
  impl->schema = std::move(schema);
  impl->options = std::move(options);
  return std::unique_ptr<FileWriter>(new FileWriter(std::move(impl)));
}

Status FileWriter::WriteRowGroup(const Table& table) {
  Impl& im = *impl_;
  if (im.closed) return Status::InvalidArgument("write to a closed Parquet writer");
  OUPS_RETURN_NOT_OK(im.error);
  if (table.num_columns() != im.schema.num_fields()) {
    return Status::InvalidArgument("table has " + std::to_string(table.num_columns()) +
                                   " columns, the file schema " +
                                   std::to_string(im.schema.num_fields()));
  }
  for (int c = 0; c < table.num_columns(); ++c) {
    const Field& f = im.schema.field(c);
    const Field& g = table.schema().field(c);
    if (f.name != g.name || f.type != g.type) {
      return Status::TypeError("column " + std::to_string(c) + " is '" + g.name + "' " +
                               g.type.ToString() + ", the file schema expects '" + f.name +
                               "' " + f.type.ToString());
    }
  }
  const int64_t n = table.num_rows();
  for (int64_t start = 0; start < n; start += im.options.row_group_size) {
    const int64_t len = std::min(im.options.row_group_size, n - start);
    Status st = im.WriteOneRowGroup(start == 0 && len == n ? table : table.Slice(start, len));
    if (!st.ok()) {
      // Errors of the file system name the file already (e.g. "append to
      // <path>: No space left on device"): every error names it once.
      const std::string& path = im.file->path();
      im.error = st.message().find(path) != std::string::npos ? st : st.WithContext(path);
      return im.error;
    }
  }
  return Status::OK();
}

Status FileWriter::CopyRowGroups(FileReader& source, int first, int end) {
  Impl& im = *impl_;
  if (im.closed) return Status::InvalidArgument("write to a closed Parquet writer");
  OUPS_RETURN_NOT_OK(im.error);
  const FileMetadata& src = source.metadata();
  if (first < 0 || end < first || end > static_cast<int>(src.row_groups.size())) {
    return Status::OutOfRange(source.path() + ": row groups [" + std::to_string(first) + ", " +
                              std::to_string(end) + ") out of range (file has " +
                              std::to_string(src.row_groups.size()) + ")");
  }
  if (src.columns.size() != im.descriptors.size()) {
    return Status::InvalidArgument(source.path() + " has " + std::to_string(src.columns.size()) +
                                   " columns, " + im.file->path() + " " +
                                   std::to_string(im.descriptors.size()));
  }
  for (size_t c = 0; c < src.columns.size(); ++c) {
    const ColumnDescriptor& a = src.columns[c];
    const ColumnDescriptor& b = im.descriptors[c];
    // The stored annotation, not the type read back (seconds are stored as
    // milliseconds, a time zone as "adjusted to UTC").
    if (a.name != b.name || a.physical_type != b.physical_type ||
        a.logical_name != b.logical_name || a.converted_type != b.converted_type ||
        a.optional != b.optional || a.type_length != b.type_length) {
      return Status::InvalidArgument("column " + std::to_string(c) + " '" + a.name + "' " +
                                     a.logical.ToString() + " of " + source.path() +
                                     " is not column '" + b.name + "' " + b.logical.ToString() +
                                     " of " + im.file->path() + ": row groups not copied");
    }
  }
  std::vector<uint8_t> buf;
  Status st;
  for (int r = first; r < end && st.ok(); ++r) {
    const RowGroupMetadata& rg = src.row_groups[static_cast<size_t>(r)];
    format::RowGroup out;
    out.__set_num_rows(rg.num_rows);
    const int64_t rg_start = im.file->Tell();
    std::vector<format::ColumnChunk> chunks;
    for (size_t c = 0; c < rg.columns.size() && st.ok(); ++c) {
      const ColumnChunkMetadata& cm = rg.columns[c];
      const int64_t start = cm.start_offset();
      const int64_t len = cm.total_compressed_size;
      buf.resize(static_cast<size_t>(len));
      st = source.file().ReadAt(start, len, buf.data());
      if (!st.ok()) break;
      const int64_t base = im.file->Tell();
      st = im.file->Append(buf.data(), len);
      if (!st.ok()) break;
      format::ColumnMetaData md;
      md.__set_type(static_cast<format::Type::type>(cm.physical_type));
      md.__set_path_in_schema({src.columns[c].name});
      md.__set_codec(static_cast<format::CompressionCodec::type>(cm.compression));
      std::vector<format::Encoding::type> encodings;
      for (Encoding e : cm.encodings) encodings.push_back(static_cast<format::Encoding::type>(e));
      md.__set_encodings(std::move(encodings));
      md.__set_num_values(cm.num_values);
      md.__set_total_compressed_size(len);
      md.__set_total_uncompressed_size(cm.total_uncompressed_size);
      md.__set_data_page_offset(base + (cm.data_page_offset - start));
      if (cm.dictionary_page_offset && *cm.dictionary_page_offset >= start) {
        md.__set_dictionary_page_offset(base + (*cm.dictionary_page_offset - start));
      }
      if (cm.statistics) {
        const ColumnStatistics& s = *cm.statistics;
        format::Statistics fs;
        if (s.null_count) fs.__set_null_count(*s.null_count);
        if (s.distinct_count) fs.__set_distinct_count(*s.distinct_count);
        if (s.has_min_max()) {
          fs.__set_min_value(*s.min_value);
          fs.__set_max_value(*s.max_value);
          fs.__set_is_min_value_exact(s.is_min_value_exact);
          fs.__set_is_max_value_exact(s.is_max_value_exact);
        }
        md.__set_statistics(fs);
      }
      format::ColumnChunk chunk;
      chunk.__set_file_offset(base);
      chunk.__set_meta_data(md);
      chunks.push_back(std::move(chunk));
    }
    if (!st.ok()) break;
    out.__set_columns(std::move(chunks));
    out.__set_total_byte_size(rg.total_byte_size);
    out.__set_file_offset(rg_start);
    out.__set_total_compressed_size(im.file->Tell() - rg_start);
    out.__set_ordinal(static_cast<int16_t>(std::min<size_t>(im.row_groups.size(), 32767)));
    if (!rg.sorting_columns.empty()) {
      std::vector<format::SortingColumn> sorting;
      for (const SortingColumn& s : rg.sorting_columns) {
        format::SortingColumn sc;
        sc.__set_column_idx(s.column_index);
        sc.__set_descending(s.descending);
        sc.__set_nulls_first(s.nulls_first);
        sorting.push_back(sc);
      }
      out.__set_sorting_columns(std::move(sorting));
    }
    im.row_groups.push_back(std::move(out));
    im.num_rows += rg.num_rows;
  }
  if (!st.ok()) {
    const std::string& path = im.file->path();
    im.error = st.message().find(path) != std::string::npos ? st : st.WithContext(path);
    return im.error;
  }
  return Status::OK();
}

Result<FileMetadata> FileWriter::Close() {
  Impl& im = *impl_;
  if (im.closed) return Status::InvalidArgument("Parquet writer closed twice");
  im.closed = true;
  OUPS_RETURN_NOT_OK(im.error);
  format::FileMetaData fmd;
  fmd.__set_version(1);
  fmd.__set_schema(im.schema_elements);
  fmd.__set_num_rows(im.num_rows);
  fmd.__set_row_groups(std::move(im.row_groups));
  if (!im.options.key_value_metadata.empty()) {
    std::vector<format::KeyValue> kvs;
    for (const auto& kv : im.options.key_value_metadata) {
      format::KeyValue k;
      k.__set_key(kv.key);
      if (kv.value) k.__set_value(*kv.value);
      kvs.push_back(std::move(k));
    }
    fmd.__set_key_value_metadata(std::move(kvs));
  }
  fmd.__set_created_by(im.options.created_by);
  std::vector<format::ColumnOrder> orders(im.descriptors.size());
  for (auto& o : orders) o.__set_TYPE_ORDER(format::TypeDefinedOrder());
  fmd.__set_column_orders(std::move(orders));

  OUPS_ASSIGN_OR_RETURN(std::string footer, SerializeThrift(fmd));
  const int64_t footer_start = im.file->Tell();
  OUPS_RETURN_NOT_OK(im.file->Append(footer));
  const uint32_t len = static_cast<uint32_t>(footer.size());
  char tail[8];
  std::memcpy(tail, &len, 4);
  std::memcpy(tail + 4, kMagic, 4);
  OUPS_RETURN_NOT_OK(im.file->Append(tail, 8));
  OUPS_RETURN_NOT_OK(im.file->Close());
  Result<FileMetadata> md = ConvertFileMetadata(fmd, footer_start);
  if (md.ok()) md->footer_size = static_cast<int64_t>(footer.size());
  return md;
}

WritableFile* FileWriter::file() { return impl_->file.get(); }

Result<FileMetadata> WriteTable(FileSystem& fs, const std::string& path, const Table& table,
                                const WriterOptions& options) {
  OUPS_ASSIGN_OR_RETURN(auto file, fs.OpenForWrite(path));
  OUPS_ASSIGN_OR_RETURN(auto writer, FileWriter::Open(std::move(file), table.schema(), options));
  OUPS_RETURN_NOT_OK(writer->WriteRowGroup(table));
  return writer->Close();
}

}  // namespace oups::parquet
