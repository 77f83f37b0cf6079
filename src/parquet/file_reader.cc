#include "oups/parquet/file_reader.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "common/parallel.h"
#include "parquet/column_reader.h"
#include "parquet/footer_scan.h"
#include "parquet/metadata_internal.h"
#include "parquet/thrift/thrift_codec.h"

namespace oups::parquet {

namespace {
constexpr int64_t kFooterReadAhead = 64 * 1024;
// Row groups beyond this many rows are refused (protects against footers that
// claim absurd row counts to force huge allocations).
constexpr int64_t kMaxRowGroupRows = int64_t{1} << 32;
// The smallest column chunk that holds rows: one data page header (type, two
// sizes and a DataPageHeader of four fields take at least 17 bytes).
constexpr int64_t kMinChunkBytes = 16;
}  // namespace

struct FileReader::Impl {
  std::unique_ptr<RandomAccessFile> file;
  std::shared_ptr<const DecodedFooter> footer;
  int64_t file_size = 0;

  const FileMetadata& metadata() const { return footer->metadata; }

  Status Fail(const Status& st) const { return st.WithContext(file->path()); }

  Result<std::vector<int>> ResolveColumns(const std::vector<std::string>& names) const {
    std::vector<int> idx;
    if (names.empty()) {
      for (size_t i = 0; i < metadata().columns.size(); ++i) idx.push_back(static_cast<int>(i));
      return idx;
    }
    for (const auto& n : names) {
      int i = metadata().ColumnIndex(n);
      if (i < 0) {
        std::string avail;
        for (const auto& c : metadata().columns) avail += (avail.empty() ? "" : ", ") + c.name;
        return Status::NotFound(file->path() + ": column '" + n + "' not found; columns are: " + avail);
      }
      idx.push_back(i);
    }
    return idx;
  }

  Result<Table> ReadRowGroups(const std::vector<int>& rgs, const std::vector<int>& cols,
                              int num_threads) {
    int64_t total = 0;
    for (int r : rgs) {
      if (r < 0 || r >= static_cast<int>(metadata().row_groups.size())) {
        return Status::OutOfRange(file->path() + ": row group " + std::to_string(r) +
                                  " out of range (file has " +
                                  std::to_string(metadata().row_groups.size()) + ")");
      }
      const int64_t n = metadata().row_groups[size_t(r)].num_rows;
      if (n > kMaxRowGroupRows) {
        return Fail(Status::NotSupported("row group " + std::to_string(r) + " claims " +
                                         std::to_string(n) + " rows"));
      }
      total += n;
    }
    std::vector<Field> fields(cols.size());
    std::vector<Column> columns(cols.size());
    OUPS_RETURN_NOT_OK(ParallelFor(int64_t(cols.size()), num_threads, [&](int64_t k) -> Status {
      const int c = cols[size_t(k)];
      const ColumnDescriptor& desc = metadata().columns[size_t(c)];
      ColumnAccumulator acc(desc, total);
      // One buffer for the largest selected chunk (contents overwritten by reads).
      int64_t max_len = 0;
      for (int r : rgs) {
        max_len = std::max(max_len, metadata().row_groups[size_t(r)].columns[size_t(c)].total_compressed_size);
      }
      OUPS_ASSIGN_OR_RETURN(std::shared_ptr<MutableBuffer> chunk_buf, MutableBuffer::Make(max_len));
      MutableBuffer& chunk = *chunk_buf;
      for (int r : rgs) {
        const RowGroupMetadata& rg = metadata().row_groups[size_t(r)];
        const ColumnChunkMetadata& cm = rg.columns[size_t(c)];
        const int64_t start = cm.start_offset();
        const int64_t len = cm.total_compressed_size;
        auto ctx = [&]() {
          return file->path() + ": row group " + std::to_string(r) + ", column '" + desc.name + "'";
        };
        if (rg.num_rows == 0) continue;
        OUPS_RETURN_NOT_OK(chunk.Resize(len));
        Status st = file->ReadAt(start, len, chunk.mutable_data());
        // The file's own error names its path already.
        if (!st.ok()) {
          return st.WithContext("row group " + std::to_string(r) + ", column '" + desc.name + "'");
        }
        st = acc.DecodeChunk(chunk.data(), len, rg.num_rows, cm.compression);
        if (!st.ok()) return st.WithContext(ctx());
      }
      Result<Column> col = acc.Finish();
      if (!col.ok()) return col.status().WithContext(file->path() + ": column '" + desc.name + "'");
      fields[size_t(k)] = Field{desc.name, desc.logical, desc.optional};
      columns[size_t(k)] = std::move(col).MoveValueUnsafe();
      return Status::OK();
    }));
    return Table::Make(Schema(std::move(fields)), std::move(columns));
  }
};

FileReader::FileReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FileReader::~FileReader() = default;

Result<std::unique_ptr<FileReader>> FileReader::Open(std::unique_ptr<RandomAccessFile> file) {
  return Open(std::move(file), nullptr);
}

Result<std::unique_ptr<FileReader>> FileReader::Open(std::unique_ptr<RandomAccessFile> file,
                                                     std::shared_ptr<const DecodedFooter> known) {
  auto impl = std::make_unique<Impl>();
  const std::string path = file->path();
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption(path + ": " + what);
  };
  OUPS_ASSIGN_OR_RETURN(int64_t size, file->Size());
  if (size < 12) {
    return corrupt("not a Parquet file: " + std::to_string(size) +
                   " bytes is smaller than the minimal 12 (header and footer magic)");
  }
  // The footer and its length: with a known footer, only as many bytes as it
  // has (a longer one is read below).
  const int64_t tail_len =
      std::min(size, known != nullptr ? static_cast<int64_t>(known->bytes.size()) + 8
                                      : kFooterReadAhead);
  std::string tail(static_cast<size_t>(tail_len), '\0');
  OUPS_RETURN_NOT_OK(file->ReadAt(size - tail_len, tail_len,
                                  reinterpret_cast<uint8_t*>(tail.data())));
  const char* end = tail.data() + tail_len;
  if (std::memcmp(end - 4, "PARE", 4) == 0) {
    return Status::NotSupported(path + ": encrypted Parquet files (PARE) are not supported");
  }
  if (std::memcmp(end - 4, "PAR1", 4) != 0) {
    return corrupt("not a Parquet file: the last 4 bytes are not the magic 'PAR1' "
                   "(truncated or not Parquet)");
  }
  uint32_t footer_len;
  std::memcpy(&footer_len, end - 8, 4);
  if (int64_t(footer_len) > size - 12) {
    return corrupt("footer length " + std::to_string(footer_len) + " exceeds the file size " +
                   std::to_string(size));
  }
  char head[4];
  OUPS_RETURN_NOT_OK(file->ReadAt(0, 4, reinterpret_cast<uint8_t*>(head)));
  if (std::memcmp(head, "PAR1", 4) != 0) {
    return corrupt("not a Parquet file: the first 4 bytes are not the magic 'PAR1'");
  }
  const int64_t footer_start = size - 8 - footer_len;
  std::string footer_copy;
  const uint8_t* footer;
  if (int64_t(footer_len) + 8 <= tail_len) {
    footer = reinterpret_cast<const uint8_t*>(end - 8 - footer_len);
  } else {
    footer_copy.resize(footer_len);
    OUPS_RETURN_NOT_OK(file->ReadAt(footer_start, footer_len,
                                    reinterpret_cast<uint8_t*>(footer_copy.data())));
    footer = reinterpret_cast<const uint8_t*>(footer_copy.data());
  }
  if (known != nullptr && known->file_size == size && known->bytes.size() == footer_len &&
      std::memcmp(known->bytes.data(), footer, footer_len) == 0) {
    impl->footer = std::move(known);
    impl->file_size = size;
    impl->file = std::move(file);
    return std::unique_ptr<FileReader>(new FileReader(std::move(impl)));
  }
  // Counts first, from the bytes alone: thrift would allocate what the footer
  // declares before any check could run.
  Result<FooterCounts> counts = ScanFooter(footer, footer_len);
  if (!counts.ok()) return counts.status().WithContext(path);
  const int64_t data_bytes = footer_start - 4;
  if (counts->chunks_with_rows > data_bytes / kMinChunkBytes) {
    return corrupt("the footer declares " + std::to_string(counts->row_groups) +
                   " row groups with " + std::to_string(counts->chunks_with_rows) +
                   " non-empty column chunks, more than the " + std::to_string(data_bytes) +
                   " bytes before it can hold (each needs a page of at least " +
                   std::to_string(kMinChunkBytes) + " bytes)");
  }
  format::FileMetaData fmd;
  uint32_t len = footer_len;
  Status st = DeserializeThrift(footer, &len, &fmd);
  if (!st.ok()) return st.WithContext(path + ": footer");
  Result<FileMetadata> md = ConvertFileMetadata(fmd, footer_start);
  if (!md.ok()) return md.status().WithContext(path);
  auto decoded = std::make_shared<DecodedFooter>();
  decoded->bytes.assign(reinterpret_cast<const char*>(footer), footer_len);
  decoded->file_size = size;
  decoded->metadata = std::move(md).MoveValueUnsafe();
  decoded->metadata.footer_size = footer_len;
  impl->footer = std::move(decoded);
  impl->file_size = size;
  impl->file = std::move(file);
  return std::unique_ptr<FileReader>(new FileReader(std::move(impl)));
}

Result<std::unique_ptr<FileReader>> FileReader::Open(FileSystem& fs, const std::string& path) {
  OUPS_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  return Open(std::move(file), nullptr);
}

Result<std::unique_ptr<FileReader>> FileReader::Open(FileSystem& fs, const std::string& path,
                                                     std::shared_ptr<const DecodedFooter> known) {
  OUPS_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  return Open(std::move(file), std::move(known));
}

const FileMetadata& FileReader::metadata() const { return impl_->metadata(); }
const std::shared_ptr<const DecodedFooter>& FileReader::footer() const { return impl_->footer; }
const std::string& FileReader::path() const { return impl_->file->path(); }
RandomAccessFile& FileReader::file() const { return *impl_->file; }
int FileReader::num_row_groups() const {
  return static_cast<int>(impl_->metadata().row_groups.size());
}

Result<Table> FileReader::ReadRowGroup(int row_group, const std::vector<std::string>& columns,
                                       int num_threads) {
  OUPS_ASSIGN_OR_RETURN(std::vector<int> cols, impl_->ResolveColumns(columns));
  return impl_->ReadRowGroups({row_group}, cols, num_threads);
}

Result<Table> FileReader::Read(const ReadOptions& options) {
  OUPS_ASSIGN_OR_RETURN(std::vector<int> cols, impl_->ResolveColumns(options.columns));
  std::vector<int> rgs;
  if (options.all_row_groups && options.row_groups.empty()) {
    for (int i = 0; i < num_row_groups(); ++i) rgs.push_back(i);
  } else {
    rgs = options.row_groups;
  }
  return impl_->ReadRowGroups(rgs, cols, options.num_threads);
}

Result<Table> ReadTable(FileSystem& fs, const std::string& path, const ReadOptions& options) {
  OUPS_ASSIGN_OR_RETURN(auto reader, FileReader::Open(fs, path));
  return reader->Read(options);
}

}  // namespace oups::parquet
