// The POSIX Env: real files, flock(2) locks, the system clock.
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>

#include "emu/env.h"

namespace migkit {
namespace {

std::string Errno(const std::string& path, const char* what) {
  return path + ": " + what + ": " + std::strerror(errno);
}

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
    }
    ::close(fd);
    return Status::Ok();
  }

  Status WriteFileAtomic(const std::string& path, std::string_view contents) override {
    // Write a temporary beside the target, flush it to disk, then rename over the target: rename
    // is atomic, so readers see the old or the new file. The directory is synced so the rename
    // itself survives a crash.
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
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
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Status::IoError(Errno(path, "cannot open lock file"));
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
