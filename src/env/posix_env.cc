// The POSIX Env: real files, flock(2) locks, the system clock.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>

#include "env/env.h"

namespace migkit {
namespace {

std::string Errno(const std::string& path, const char* what) {
  return path + ": " + what + ": " + std::strerror(errno);
}

// What a non-regular file is, for errors.
const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

// Opens `path` with O_NOFOLLOW | O_NONBLOCK, so that neither a symlink nor a FIFO without a writer
// can make it block, and checks that it is a regular file. Returns the descriptor, or -1 with
// *error set (kNotFound when nothing is there).
int OpenRegular(const std::string& path, int flags, Status* error, int* open_errno = nullptr) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
  if (open_errno != nullptr) *open_errno = fd < 0 ? errno : 0;
  if (fd < 0) {
    if (errno == ENOENT) {
      *error = Status::NotFound(path + ": no such file");
    } else if (errno == ELOOP) {
      // O_NOFOLLOW's answer for a symlink, dangling or not.
      *error = Status::IoError(path +
                               ": is a symbolic link; migkit does not follow links in its "
                               "state directory");
    } else {
      *error = Status::IoError(Errno(path, "cannot open"));
    }
    return -1;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    *error = Status::IoError(Errno(path, "cannot stat"));
    ::close(fd);
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    *error = Status::IoError(path + ": is " + KindOf(st.st_mode) + ", not a regular file");
    ::close(fd);
    return -1;
  }
  // Back to blocking I/O: O_NONBLOCK was only for the open.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

// A process id that no longer exists (kill(pid, 0) says ESRCH). EPERM means it exists.
bool ProcessGone(long pid) {
  return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// Removes `path`.tmp.<pid> files whose writer process is gone: a writer killed between creating
// its temporary and renaming it leaves one behind, and nothing else would ever remove it. Only
// temporaries of processes that are gone are removed, so a live writer's is never touched.
void RemoveStaleTemporaries(const std::string& path) {
  const std::filesystem::path p(path);
  const std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
  const std::string prefix = p.filename().string() + ".tmp.";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const long pid = std::stol(digits);
    if (pid != ::getpid() && ProcessGone(pid)) ::unlinkat(::dirfd(d), name.c_str(), 0);
  }
  ::closedir(d);
}

// Reads `fd` to its end into *contents and closes it. More than `max_bytes` is an error, found
// after reading at most one buffer past the limit (so a file that grows while read is caught too).
Status ReadAndClose(int fd, const std::string& path, std::size_t max_bytes, std::string* contents) {
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Status::IoError(Errno(path, "cannot read"));
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    contents->append(buf, static_cast<size_t>(n));
    if (contents->size() > max_bytes) {
      ::close(fd);
      contents->clear();
      return Status::IoError(path + ": larger than " + std::to_string(max_bytes) +
                             " bytes, more than any state migkit writes");
    }
  }
  ::close(fd);
  return Status::Ok();
}

// A shared lock that locks nothing (see Env::Lock on read-only directories).
class NoFileLock : public FileLock {};

class PosixFileLock : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }

 private:
  int fd_;
};

bool SameFile(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
         a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

class PosixFileVersion : public FileVersion {
 public:
  PosixFileVersion(std::string path, int fd, const struct stat& st)
      : path_(std::move(path)), fd_(fd), stat_(st) {}
  ~PosixFileVersion() override { ::close(fd_); }

  bool IsCurrent() const override {
    // The open descriptor keeps the inode allocated, so a file that replaced ours (rename) cannot
    // carry its inode number. Timestamps alone would not do: they advance in clock ticks of a few
    // milliseconds, and two writes within one tick can produce files of the same size.
    struct stat now;
    return ::stat(path_.c_str(), &now) == 0 && SameFile(now, stat_);
  }

 private:
  std::string path_;
  int fd_;
  struct stat stat_;
};

class PosixEnv : public Env {
 public:
  Status ReadFile(const std::string& path, std::string* contents) override {
    contents->clear();
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound(path + ": no such file");
      return Status::IoError(Errno(path, "cannot open"));
    }
    return ReadAndClose(fd, path, std::string::npos, contents);
  }

  Status ReadRegularFile(const std::string& path, std::size_t max_bytes,
                         std::string* contents) override {
    contents->clear();
    Status error;
    int fd = OpenRegular(path, O_RDONLY, &error);
    if (fd < 0) return error;
    return ReadAndClose(fd, path, max_bytes, contents);
  }

  Status WriteFileAtomic(const std::string& path, std::string_view contents) override {
    // Write a temporary beside the target, flush it to disk, then rename over the target: rename
    // is atomic, so readers see the old or the new file. The directory is synced so the rename
    // itself survives a crash.
    RemoveStaleTemporaries(path);
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    // Never write through whatever already has the temporary's name (a planted symlink).
    ::unlink(tmp.c_str());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return Status::IoError(Errno(tmp, "cannot create"));
    size_t done = 0;
    while (done < contents.size()) {
      ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        Status s = Status::IoError(Errno(tmp, "cannot write"));
        ::close(fd);
        ::unlink(tmp.c_str());
        return s;
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
      Status s = Status::IoError(Errno(tmp, "cannot sync"));
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      Status s = Status::IoError(Errno(path, "cannot replace"));
      ::unlink(tmp.c_str());
      return s;
    }
    const std::string dir = std::filesystem::path(path).parent_path().string();
    int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
    return Status::Ok();
  }

  Status CreateDirs(const std::string& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return Status::IoError(path + ": cannot create directory: " + ec.message());
    return Status::Ok();
  }

  StatusOr<std::unique_ptr<FileLock>> Lock(const std::string& path, bool exclusive) override {
    Status error;
    int open_errno = 0;
    int fd = OpenRegular(path, O_RDWR | O_CREAT, &error, &open_errno);
    if (fd < 0 && !exclusive && (open_errno == EROFS || open_errno == EACCES)) {
      // A reader on a directory it cannot write: lock the file if it exists, else do without
      // (see env.h). flock needs no write access.
      fd = OpenRegular(path, O_RDONLY, &error);
      if (fd < 0 && error.code() == Code::kNotFound) {
        return std::unique_ptr<FileLock>(new NoFileLock());
      }
    }
    if (fd < 0) return error;
    while (::flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
      if (errno == EINTR) continue;
      Status s = Status::IoError(Errno(path, "cannot lock"));
      ::close(fd);
      return s;
    }
    return std::unique_ptr<FileLock>(new PosixFileLock(fd));
  }

  StatusOr<std::unique_ptr<FileVersion>> OpenVersion(const std::string& path) override {
    // O_PATH: the descriptor only pins the inode; it needs no read permission and cannot block
    // (a FIFO is not opened for reading).
    int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound(path + ": no such file");
      return Status::IoError(Errno(path, "cannot open"));
    }
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Status s = Status::IoError(Errno(path, "cannot stat"));
      ::close(fd);
      return s;
    }
    return std::unique_ptr<FileVersion>(new PosixFileVersion(path, fd, st));
  }

  std::int64_t NowMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

Env* Env::Default() {
  // A static object rather than a leaked pointer, so that each dlclose of libnvidia-ml.so.1 frees
  // it; PosixEnv holds no state, so a use during exit-time destruction would still be harmless.
  static PosixEnv env;
  return &env;
}

}  // namespace migkit
