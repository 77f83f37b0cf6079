#include "cli/sinks.h"

#include <sstream>

#include "cli/util.h"
#include "oups/parquet/file_writer.h"
#include "oups/table/builder.h"
#include "oups/table/format.h"

namespace oups::cli {
namespace {

class JsonlSink : public RowSink {
 public:
  explicit JsonlSink(std::ostream& out) : out_(out) {}
  Status Write(const Table& chunk) override {
    return PrintRowsJsonl(chunk, out_);
  }
  Status Finish(const Schema&) override {
    out_.flush();
    return out_ ? Status::OK() : Status::IOError("writing the output failed");
  }

 private:
  std::ostream& out_;
};

// One JSON array of the row objects: the JSON lines of each chunk, joined by
// commas inside brackets ("[]" for no rows). A row's JSON has no raw newline.
class JsonArraySink : public RowSink {
 public:
  explicit JsonArraySink(std::ostream& out) : out_(out) {}
  Status Write(const Table& chunk) override {
    std::ostringstream lines;
    OUPS_RETURN_NOT_OK(PrintRowsJsonl(chunk, lines));
    const std::string text = lines.str();
    for (size_t pos = 0; pos < text.size();) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      out_ << (any_ ? ",\n" : "[") << std::string_view(text).substr(pos, nl - pos);
      any_ = true;
      pos = nl + 1;
    }
    return out_ ? Status::OK() : Status::IOError("writing the output failed");
  }
  Status Finish(const Schema&) override {
    out_ << (any_ ? "]\n" : "[]\n");
    out_.flush();
    return out_ ? Status::OK() : Status::IOError("writing the output failed");
  }

 private:
  std::ostream& out_;
  bool any_ = false;
};

class CsvSink : public RowSink {
 public:
  explicit CsvSink(std::ostream& out) : out_(out) {}
  Status Write(const Table& chunk) override {
    const bool header = !header_done_;
    header_done_ = true;
    return PrintRowsCsv(chunk, out_, header);
  }
  Status Finish(const Schema& schema) override {
    if (!header_done_) {
      std::vector<Column> empty;
      for (const Field& f : schema.fields()) {
        ColumnBuilder b(f.type);
        OUPS_ASSIGN_OR_RETURN(Column c, b.Finish());
        empty.push_back(std::move(c));
      }
      OUPS_ASSIGN_OR_RETURN(Table t, Table::Make(schema, std::move(empty)));
      OUPS_RETURN_NOT_OK(PrintRowsCsv(t, out_));
    }
    out_.flush();
    return out_ ? Status::OK() : Status::IOError("writing the output failed");
  }

 private:
  std::ostream& out_;
  bool header_done_ = false;
};

// The aligned text table, streamed: the first kTextWindowRows rows are held
// to measure the column widths, printed with the header, and every later row
// is printed as it comes with those widths (memory: the window, not the
// output).
class TextSink : public RowSink {
 public:
  explicit TextSink(std::ostream& out) : out_(out) {}
  Status Write(const Table& chunk) override {
    if (table_.header.empty()) SetHeader(chunk.schema());
    for (int64_t r = 0; r < chunk.num_rows(); ++r) {
      std::vector<std::string> cells;
      cells.reserve(static_cast<size_t>(chunk.num_columns()));
      for (int c = 0; c < chunk.num_columns(); ++c) cells.push_back(CellText(chunk.column(c), r));
      table_.rows.push_back(std::move(cells));
      if (widths_.empty() && table_.rows.size() >= kTextWindowRows) Flush();
    }
    if (!widths_.empty()) Flush();
    return out_ ? Status::OK() : Status::IOError("writing the output failed");
  }
  Status Finish(const Schema& schema) override {
    if (table_.header.empty()) SetHeader(schema);
    if (table_.header.empty()) return Status::OK();
    if (widths_.empty() || !table_.rows.empty()) Flush();
    out_.flush();
    return out_ ? Status::OK() : Status::IOError("writing the output failed");
  }

 private:
  void Flush() {
    const bool header = widths_.empty();
    PrintTextTableRows(table_, &widths_, header, out_);
    table_.rows.clear();
  }
  void SetHeader(const Schema& schema) {
    for (const Field& f : schema.fields()) {
      table_.header.push_back(f.name);
      table_.right_align.push_back(f.type.is_integer() || f.type.is_floating() ||
                                   f.type.id == TypeId::kDecimal ||
                                   f.type.id == TypeId::kDuration);
    }
  }
  std::ostream& out_;
  TextTable table_;
  std::vector<size_t> widths_;  // empty until the window is printed
};

// A WritableFile over an output stream (Parquet to stdout).
class StreamFile : public WritableFile {
 public:
  explicit StreamFile(std::ostream& out) : WritableFile("<stdout>"), out_(out) {}
  Status Append(const void* data, int64_t n) override {
    out_.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
    written_ += n;
    return out_ ? Status::OK() : Status::IOError("writing to the output failed");
  }
  Status Sync() override {
    out_.flush();
    return out_ ? Status::OK() : Status::IOError("writing to the output failed");
  }
  Status Close() override { return Sync(); }
  int64_t Tell() const override { return written_; }

 private:
  std::ostream& out_;
  int64_t written_ = 0;
};

class ParquetSink : public RowSink {
 public:
  ParquetSink(std::ostream& out, FileSystem& fs, std::optional<std::string> output)
      : out_(out), fs_(fs), output_(std::move(output)) {}
  Status Write(const Table& chunk) override {
    if (writer_ == nullptr) OUPS_RETURN_NOT_OK(Open(chunk.schema()));
    return writer_->WriteRowGroup(chunk);
  }
  Status Finish(const Schema& schema) override {
    if (writer_ == nullptr) OUPS_RETURN_NOT_OK(Open(schema));
    auto md = writer_->Close();
    return md.ok() ? Status::OK() : md.status();
  }

 private:
  Status Open(const Schema& schema) {
    std::unique_ptr<WritableFile> file;
    if (output_) {
      OUPS_ASSIGN_OR_RETURN(file, fs_.OpenForWrite(*output_));
    } else {
      file = std::make_unique<StreamFile>(out_);
    }
    OUPS_ASSIGN_OR_RETURN(writer_, parquet::FileWriter::Open(std::move(file), schema));
    return Status::OK();
  }
  std::ostream& out_;
  FileSystem& fs_;
  std::optional<std::string> output_;
  std::unique_ptr<parquet::FileWriter> writer_;
};

}  // namespace

Result<std::unique_ptr<RowSink>> MakeRowSink(const std::string& format, std::ostream& out,
                                             FileSystem& fs,
                                             std::optional<std::string> output) {
  if (output && format != "parquet") {
    return Status::InvalidArgument("--output is only for --format parquet");
  }
  if (format == "jsonl") return std::unique_ptr<RowSink>(new JsonlSink(out));
  if (format == "json") return std::unique_ptr<RowSink>(new JsonArraySink(out));
  if (format == "csv") return std::unique_ptr<RowSink>(new CsvSink(out));
  if (format == "table") return std::unique_ptr<RowSink>(new TextSink(out));
  if (format == "parquet") {
    return std::unique_ptr<RowSink>(new ParquetSink(out, fs, std::move(output)));
  }
  return Status::InvalidArgument("unknown format '" + format +
                                 "' (table, csv, json, jsonl or parquet)");
}

}  // namespace oups::cli
