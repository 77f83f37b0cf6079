// LocalFileSystem: the POSIX implementation of FileSystem.
//
// Reads use pread (safe against concurrent truncation, no mapping to keep
// valid). Writes go through a 1 MiB user-space buffer flushed with write()
// loops; Sync flushes then fdatasync()s. Every descriptor is opened with
// O_CLOEXEC. Files opened for reading must be regular files: they are opened
// with O_NONBLOCK (a FIFO would otherwise block until a writer appears) and
// refused after fstat when they are FIFOs, devices or sockets. Locks are
// flock(2) locks, which belong to the open file description: two Lock() calls
// on one path conflict even inside one process, and the kernel releases a lock
// when its holder dies. Every error message names the path and the errno text.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "oups/io/file_system.h"

namespace oups {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// "<what> <path>: <strerror>", with a code derived from errno.
Status ErrnoStatus(std::string_view what, const std::string& path, int err) {
  std::string msg = std::string(what) + " " + path + ": " + ErrnoText(err);
  switch (err) {
    case ENOENT:
      return Status::NotFound(std::move(msg));
    case EEXIST:
      return Status::AlreadyExists(std::move(msg));
    default:
      return Status::IOError(std::move(msg));
  }
}

// What a non-regular, non-directory file is, for error messages.
const char* FileKindName(mode_t mode) {
  if (S_ISFIFO(mode)) return "FIFO (named pipe)";
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISLNK(mode)) return "symbolic link";
  return "special file";
}

void CloseFd(int fd) {
  // On Linux the descriptor is released even when close() fails (EINTR
  // included), so it is never retried.
  ::close(fd);
}

constexpr int64_t kMaxIoChunk = int64_t{1} << 30;  // bytes per pread/write call
constexpr int64_t kWriteBufferSize = int64_t{1} << 20;

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd)
      : RandomAccessFile(std::move(path)), fd_(fd) {}
  ~PosixRandomAccessFile() override { CloseFd(fd_); }

  Result<int64_t> Size() override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return ErrnoStatus("fstat", path_, errno);
    return static_cast<int64_t>(st.st_size);
  }

  Status ReadAt(int64_t offset, int64_t n, uint8_t* out) override {
    if (offset < 0 || n < 0) {
      return Status::InvalidArgument("read of " + std::to_string(n) + " bytes at offset " +
                                     std::to_string(offset) + " in " + path_ +
                                     ": negative offset or length");
    }
    int64_t done = 0;
    while (done < n) {
      size_t want = static_cast<size_t>(std::min(n - done, kMaxIoChunk));
      ssize_t r = ::pread(fd_, out + done, want, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("read", path_, errno);
      }
      if (r == 0) {
        auto size = Size();
        return Status::IOError("unexpected end of file " + path_ + ": wanted " +
                               std::to_string(n) + " bytes at offset " +
                               std::to_string(offset) + ", file has " +
                               (size.ok() ? std::to_string(*size) : std::string("?")));
      }
      done += r;
    }
    return Status::OK();
  }

  using RandomAccessFile::ReadAt;

 private:
  int fd_;
};

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : WritableFile(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) Close().IgnoreError();  // best effort, as documented
  }

  Status Append(const void* data, int64_t n) override {
    OUPS_RETURN_NOT_OK(CheckUsable("append to"));
    if (n < 0) return Status::InvalidArgument("negative append length on " + path_);
    if (n == 0) return Status::OK();
    const auto* p = static_cast<const uint8_t*>(data);
    tell_ += n;
    if (buffered_ + n <= kWriteBufferSize) {
      if (!buffer_) buffer_ = std::make_unique<uint8_t[]>(kWriteBufferSize);
      std::memcpy(buffer_.get() + buffered_, p, static_cast<size_t>(n));
      buffered_ += n;
      if (buffered_ == kWriteBufferSize) return Flush();
      return Status::OK();
    }
    // Does not fit: flush what is buffered, then write large appends directly.
    OUPS_RETURN_NOT_OK(Flush());
    if (n >= kWriteBufferSize) return WriteAll(p, n);
    if (!buffer_) buffer_ = std::make_unique<uint8_t[]>(kWriteBufferSize);
    std::memcpy(buffer_.get(), p, static_cast<size_t>(n));
    buffered_ = n;
    return Status::OK();
  }

  Status Sync() override {
    OUPS_RETURN_NOT_OK(CheckUsable("sync"));
    OUPS_RETURN_NOT_OK(Flush());
    while (::fdatasync(fd_) != 0) {
      if (errno == EINTR) continue;
      return Fail(ErrnoStatus("fdatasync", path_, errno));
    }
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Status::IOError("close " + path_ + ": file already closed");
    Status st = error_.ok() ? Flush() : error_;
    int fd = fd_;
    fd_ = -1;
    buffer_.reset();
    if (::close(fd) != 0 && errno != EINTR && st.ok()) {
      st = ErrnoStatus("close", path_, errno);
    }
    return st;
  }

  int64_t Tell() const override { return tell_; }

 private:
  Status CheckUsable(std::string_view what) const {
    if (fd_ < 0) {
      return Status::IOError(std::string(what) + " " + path_ + ": file already closed");
    }
    // A failed write leaves a hole of unknown size: refuse to go on silently.
    return error_;
  }

  Status Fail(Status st) {
    error_ = st;
    return st;
  }

  Status Flush() {
    if (buffered_ == 0) return Status::OK();
    int64_t n = buffered_;
    buffered_ = 0;
    return WriteAll(buffer_.get(), n);
  }

  Status WriteAll(const uint8_t* p, int64_t n) {
    while (n > 0) {
      size_t want = static_cast<size_t>(std::min(n, kMaxIoChunk));
      ssize_t w = ::write(fd_, p, want);
      if (w < 0) {
        if (errno == EINTR) continue;
        return Fail(ErrnoStatus("write", path_, errno));
      }
      p += w;
      n -= w;
    }
    return Status::OK();
  }

  int fd_;
  std::unique_ptr<uint8_t[]> buffer_;  // allocated on first buffered append
  int64_t buffered_ = 0;
  int64_t tell_ = 0;
  Status error_;  // sticky after a failed write or sync
};

class PosixFileLock final : public FileLock {
 public:
  PosixFileLock(std::string path, int fd) : FileLock(std::move(path)), fd_(fd) {}
  ~PosixFileLock() override {
    // Unlock explicitly: a forked child may share this open file description,
    // and close() alone would then leave the lock held.
    ::flock(fd_, LOCK_UN);
    CloseFd(fd_);
  }

 private:
  int fd_;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) override {
    int fd;
    do {
      // O_NONBLOCK: opening a FIFO (or some devices) for reading would
      // otherwise wait for a writer forever. It is cleared once the
      // descriptor is known to be a regular file.
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return ErrnoStatus("open for reading", path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Status s = ErrnoStatus("fstat", path, errno);
      CloseFd(fd);
      return s;
    }
    if (S_ISDIR(st.st_mode)) {
      CloseFd(fd);
      return ErrnoStatus("open for reading", path, EISDIR);
    }
    if (!S_ISREG(st.st_mode)) {
      CloseFd(fd);
      return Status::IOError("open for reading " + path + ": not a regular file but a " +
                             FileKindName(st.st_mode));
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
      Status s = ErrnoStatus("fcntl(F_SETFL)", path, errno);
      CloseFd(fd);
      return s;
    }
    return std::unique_ptr<RandomAccessFile>(new PosixRandomAccessFile(path, fd));
  }

  Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path) override {
    int fd;
    do {
      fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return ErrnoStatus("open for writing", path, errno);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
  }

  Result<std::unique_ptr<WritableFile>> CreateNewFile(const std::string& path) override {
    int fd;
    do {
      fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return ErrnoStatus("create", path, errno);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
  }

  Result<bool> Exists(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) return true;
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return ErrnoStatus("stat", path, errno);
  }

  Result<FileInfo> Stat(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("stat", path, errno);
    FileInfo info;
    info.name = std::string(BaseName(path));
    info.is_dir = S_ISDIR(st.st_mode);
    info.size = info.is_dir ? 0 : static_cast<int64_t>(st.st_size);
    return info;
  }

  // Calls fn(directory fd, entry) for each entry of directory `path` but "."
  // and "..", in the order readdir gives them.
  template <typename Fn>
  static Status ForEachEntry(const std::string& path, Fn&& fn) {
    int fd;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return ErrnoStatus("list directory", path, errno);
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
      Status s = ErrnoStatus("list directory", path, errno);
      CloseFd(fd);
      return s;
    }
    Status st;
    while (true) {
      errno = 0;
      struct dirent* e = ::readdir(dir);
      if (e == nullptr) {
        if (errno != 0) st = ErrnoStatus("list directory", path, errno);
        break;
      }
      std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      fn(::dirfd(dir), *e);
    }
    ::closedir(dir);
    return st;
  }

  Result<std::vector<FileInfo>> ListDir(const std::string& path) override {
    std::vector<FileInfo> out;
    OUPS_RETURN_NOT_OK(ForEachEntry(path, [&](int dir_fd, const struct dirent& e) {
      struct stat est;
      FileInfo info;
      info.name = e.d_name;
      if (::fstatat(dir_fd, e.d_name, &est, 0) != 0) {
        // Removed (or a dangling symlink) since readdir: not an entry any more.
        if (errno == ENOENT) return;
        // One entry that cannot be examined (ELOOP, EACCES...) does not fail
        // the listing: it is returned with its error (FileInfo::error).
        info.error = ErrnoStatus("stat", JoinPath(path, info.name), errno);
        out.push_back(std::move(info));
        return;
      }
      info.is_dir = S_ISDIR(est.st_mode);
      info.size = info.is_dir ? 0 : static_cast<int64_t>(est.st_size);
      out.push_back(std::move(info));
    }));
    std::sort(out.begin(), out.end(),
              [](const FileInfo& a, const FileInfo& b) { return a.name < b.name; });
    return out;
  }

  Result<std::vector<FileInfo>> ListDirNames(const std::string& path) override {
    std::vector<FileInfo> out;
    OUPS_RETURN_NOT_OK(ForEachEntry(path, [&](int dir_fd, const struct dirent& e) {
      FileInfo info;
      info.name = e.d_name;
      info.size = -1;
      if (e.d_type == DT_DIR || e.d_type == DT_REG) {
        info.is_dir = e.d_type == DT_DIR;
      } else if (e.d_type == DT_UNKNOWN || e.d_type == DT_LNK) {
        // The file system does not say, or a symbolic link: what it names.
        struct stat est;
        if (::fstatat(dir_fd, e.d_name, &est, 0) != 0) {
          if (errno == ENOENT && e.d_type != DT_LNK) return;  // removed since readdir
          if (errno != ENOENT) info.error = ErrnoStatus("stat", JoinPath(path, info.name), errno);
        } else {
          info.is_dir = S_ISDIR(est.st_mode);
        }
      }
      out.push_back(std::move(info));
    }));
    return out;
  }

  Status CreateDirs(const std::string& path) override {
    if (path.empty()) return Status::InvalidArgument("create directories: empty path");
    // Create each prefix in turn, tolerating ones that exist (or appear
    // concurrently) as directories.
    size_t pos = 0;
    while (pos != std::string::npos) {
      pos = path.find('/', pos + 1);
      std::string prefix = path.substr(0, pos);
      if (prefix.empty() || prefix.back() == '/') continue;
      if (::mkdir(prefix.c_str(), 0755) == 0) continue;
      int err = errno;
      if (err == EEXIST) {
        struct stat st;
        if (::stat(prefix.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
        return ErrnoStatus("create directory", prefix, ENOTDIR);
      }
      return ErrnoStatus("create directory", prefix, err);
    }
    return Status::OK();
  }

  Status DeleteFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoStatus("delete file", path, errno);
    return Status::OK();
  }

  Status DeleteDir(const std::string& path) override {
    if (::rmdir(path.c_str()) != 0) return ErrnoStatus("delete directory", path, errno);
    return Status::OK();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoStatus("rename", from + " to " + to, errno);
    }
    return Status::OK();
  }

  // Opens `path` read-only with `flags` and calls `sync` (fsync, syncfs) on it,
  // retrying on EINTR; errors name `what` and the path.
  static Status OpenAndSync(const std::string& path, int flags, int (*sync)(int),
                            const char* open_what, const char* sync_what) {
    int fd;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return ErrnoStatus(open_what, path, errno);
    Status st;
    while (sync(fd) != 0) {
      if (errno == EINTR) continue;
      st = ErrnoStatus(sync_what, path, errno);
      break;
    }
    CloseFd(fd);
    return st;
  }

  Status SyncDir(const std::string& path) override {
    return OpenAndSync(path, O_DIRECTORY, ::fsync, "open directory", "fsync directory");
  }

  Status SyncFileSystem(const std::string& path) override {
    return OpenAndSync(path, 0, ::syncfs, "open", "sync the file system of");
  }

  Result<std::unique_ptr<FileLock>> Lock(const std::string& path,
                                         std::chrono::milliseconds timeout) override {
    return TakeLock(path, timeout, LOCK_EX);
  }
  Result<std::unique_ptr<FileLock>> LockShared(const std::string& path,
                                               std::chrono::milliseconds timeout) override {
    return TakeLock(path, timeout, LOCK_SH);
  }

  // flock(2) with `mode` LOCK_EX or LOCK_SH.
  Result<std::unique_ptr<FileLock>> TakeLock(const std::string& path,
                                             std::chrono::milliseconds timeout, int mode) {
    using Clock = std::chrono::steady_clock;
    const bool forever = timeout.count() < 0;
    const auto deadline = Clock::now() + (forever ? std::chrono::milliseconds(0) : timeout);
    auto backoff = std::chrono::milliseconds(1);
    int fd = -1;
    while (true) {
      if (fd < 0) {
        do {
          fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        } while (fd < 0 && errno == EINTR);
        if (fd < 0) return ErrnoStatus("open lock file", path, errno);
      }
      if (::flock(fd, mode | LOCK_NB) == 0) {
        // The holder we waited for may have deleted or replaced the lock file:
        // the lock only counts if `path` still names the file we locked.
        struct stat held, named;
        if (::fstat(fd, &held) != 0) {
          Status s = ErrnoStatus("fstat lock file", path, errno);
          CloseFd(fd);
          return s;
        }
        if (::stat(path.c_str(), &named) == 0 && named.st_dev == held.st_dev &&
            named.st_ino == held.st_ino) {
          return std::unique_ptr<FileLock>(new PosixFileLock(path, fd));
        }
        ::flock(fd, LOCK_UN);
        CloseFd(fd);
        fd = -1;
        continue;  // reopen (and recreate) the lock file at once
      }
      int err = errno;
      if (err != EWOULDBLOCK && err != EINTR) {
        CloseFd(fd);
        return ErrnoStatus("lock", path, err);
      }
      if (err == EINTR) continue;
      auto now = Clock::now();
      if (!forever && now >= deadline) {
        CloseFd(fd);
        return Status::Timeout("failed to acquire lock " + path + " within " +
                               std::to_string(timeout.count()) +
                               " ms: held by another handle or process");
      }
      auto sleep = backoff;
      if (!forever) {
        sleep = std::min(sleep, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - now) + std::chrono::milliseconds(1));
      }
      std::this_thread::sleep_for(sleep);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(50));
    }
  }
};

}  // namespace

std::shared_ptr<FileSystem> LocalFileSystem() {
  // Never destroyed, so that it stays usable from other static destructors.
  static auto* instance = new std::shared_ptr<FileSystem>(std::make_shared<PosixFileSystem>());
  return *instance;
}

}  // namespace oups
