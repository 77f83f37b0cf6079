// A dataset's committed state as stored (oups/dataset/describe.h).
#include "oups/dataset/describe.h"

#include "dataset/file_naming.h"
#include "dataset/metadata_file.h"

namespace oups {

int64_t DatasetDescription::total_rows() const {
  int64_t total = 0;
  for (uint64_t n : n_rows) total += static_cast<int64_t>(n);
  return total;
}

std::string DatasetDescription::RowGroupFileName(int64_t i) const {
  return dataset::RowGroupFileName(file_ids.at(static_cast<size_t>(i)));
}

std::string DatasetDescription::RowGroupFile(int64_t i) const {
  return JoinPath(path, RowGroupFileName(i));
}

Result<DatasetDescription> DescribeDataset(FileSystem& fs, const std::string& path_in) {
  std::string path = path_in;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  auto paths = dataset::DatasetPaths::Make(path);
  if (!paths) return Status::InvalidArgument("'" + path + "' is not a dataset path");
  auto md = dataset::ReadMetadataFile(fs, paths->metadata);
  if (!md.ok()) {
    if (md.status().IsNotFound()) {
      return Status::NotFound("no dataset at '" + path + "' (no metadata file '" +
                              paths->metadata + "')");
    }
    return md.status();
  }
  DatasetDescription d;
  d.path = path;
  d.metadata_file = paths->metadata;
  d.format_version = md->format_version;
  d.version = md->version;
  d.committed_at = std::move(md->committed_at);
  d.ordered_on = std::move(md->ordered_on);
  d.schema = std::move(md->schema);
  d.key_value_metadata = std::move(md->key_value_metadata);
  d.file_ids = std::move(md->file_ids);
  d.n_rows = std::move(md->n_rows);
  d.mins = std::move(md->mins);
  d.maxs = std::move(md->maxs);
  return d;
}

std::vector<std::string> FilesLeftAfterRemoval(FileSystem& fs, const std::string& path) {
  std::vector<std::string> left;
  const auto paths = dataset::DatasetPaths::Make(path);
  if (!paths) return left;
  if (auto entries = fs.ListDir(paths->dir); entries.ok()) {
    for (const FileInfo& e : *entries) left.push_back(JoinPath(paths->dir, e.name));
  } else if (!entries.status().IsNotFound()) {
    left.push_back(paths->dir + " (" + entries.status().ToString() + ")");
  }
  if (left.empty()) {
    if (auto record = fs.Exists(paths->leftovers); !record.ok() || *record) {
      left.push_back(paths->leftovers);
    }
  }
  return left;
}

}  // namespace oups
