// Base classes of the FileSystem interface, its convenience helpers, and the
// '/'-separated path helpers.
#include "oups/io/file_system.h"

#include <string>

namespace oups {

RandomAccessFile::~RandomAccessFile() = default;
WritableFile::~WritableFile() = default;
FileLock::~FileLock() = default;
FileSystem::~FileSystem() = default;

Status FileSystem::SyncFileSystem(const std::string& path) {
  return Status::NotSupported("syncing the whole file system of '" + path + "'");
}

Result<std::vector<FileInfo>> FileSystem::ListDirNames(const std::string& path) {
  return ListDir(path);
}

Result<std::shared_ptr<Buffer>> RandomAccessFile::ReadAt(int64_t offset, int64_t n) {
  if (offset < 0 || n < 0) {
    return Status::InvalidArgument("read of " + std::to_string(n) + " bytes at offset " +
                                   std::to_string(offset) + " in " + path_ +
                                   ": negative offset or length");
  }
  OUPS_ASSIGN_OR_RETURN(std::shared_ptr<MutableBuffer> buf, MutableBuffer::Make(n));
  OUPS_RETURN_NOT_OK(ReadAt(offset, n, buf->mutable_data()));
  return std::shared_ptr<Buffer>(std::move(buf));
}

Result<std::shared_ptr<Buffer>> FileSystem::ReadFile(const std::string& path) {
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, OpenForRead(path));
  OUPS_ASSIGN_OR_RETURN(int64_t size, file->Size());
  return file->ReadAt(0, size);
}

Status FileSystem::WriteFile(const std::string& path, std::string_view bytes) {
  OUPS_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, OpenForWrite(path));
  OUPS_RETURN_NOT_OK(file->Append(bytes));
  return file->Close();
}

// JoinPath("a", "b") == "a/b"; separators are never doubled ("a/" + "/b" ==
// "a/b"); an empty side yields the other one unchanged.
Result<std::unique_ptr<FileLock>> FileSystem::LockShared(const std::string& path,
                                                        std::chrono::milliseconds) {
  return Status::NotSupported("shared locks are not supported by this file system (" + path +
                              ")");
}

std::string JoinPath(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  std::string out(a);
  if (out.back() != '/') out.push_back('/');
  out.append(b);
  return out;
}

namespace {

// `path` without trailing separators, except that "/" (or "//...") stays "/".
std::string_view StripTrailingSlashes(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace

// Last component: "a/b" -> "b", "a/b/" -> "b", "a" -> "a", "/" -> "", "" -> "".
std::string_view BaseName(std::string_view path) {
  path = StripTrailingSlashes(path);
  if (path == "/") return {};
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Everything before the last component, without trailing separators:
// "a/b" -> "a", "a/b/" -> "a", "/a" -> "/", "a" -> "", "/" -> "/", "" -> "".
std::string_view DirName(std::string_view path) {
  path = StripTrailingSlashes(path);
  if (path == "/") return path;
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {};
  std::string_view dir = path.substr(0, slash);
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  if (dir.empty()) return path.substr(0, 1);  // "/a" -> "/"
  return dir;
}

}  // namespace oups
