// Env: migkit's one way to reach the file system, locks and the clock (the emulator, the catalog's
// MIGKIT_CATALOG files, reconfiguration locks and schedules all go through it).
//
// As in LevelDB, everything that touches the operating system goes through this seam, so tests can
// run the emulator on an in-memory file system (testing/mem_env.h) and inject faults with an
// EnvWrapper (a write that fails, a lock that times out) without touching the disk.
//
// Thread-safety: Env::Default() is safe to use from any thread.
#ifndef MIGKIT_ENV_ENV_H_
#define MIGKIT_ENV_ENV_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace migkit {

/// A held lock; released when destroyed.
class FileLock {
 public:
  FileLock() = default;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  virtual ~FileLock() = default;
};

/// One version of a file: the file `path` named when it was opened, held open so that its
/// identity (device and inode number) cannot be given to another file while this object lives.
/// Callers cache what they parsed from a file and re-read only when the version is no longer
/// current -- one stat() instead of a read and a parse.
class FileVersion {
 public:
  FileVersion() = default;
  FileVersion(const FileVersion&) = delete;
  FileVersion& operator=(const FileVersion&) = delete;
  virtual ~FileVersion() = default;
  /// True while the path still names this file, unchanged: same device and inode (a file
  /// replaced by rename has a new one; the pin keeps the old number from being reused), and the
  /// same size, modification and status-change times (these catch an in-place write).
  virtual bool IsCurrent() const = 0;
};

class Env {
 public:
  Env() = default;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  virtual ~Env() = default;

  /// The process-wide POSIX environment (destroyed at exit, or at dlclose of a library).
  static Env* Default();

  /// Reads the whole file. kNotFound if it does not exist, kIoError on other failures.
  virtual Status ReadFile(const std::string& path, std::string* contents) = 0;
  /// Reads a state file: only a regular file of at most `max_bytes`, never through a symbolic link.
  /// A FIFO would block while the caller holds the node lock, a device such as /dev/zero never
  /// ends, and writing through a link would replace the link, so all of these are refused with
  /// kIoError naming the path and what it is. kNotFound if nothing is there (a dangling symlink is
  /// something). The default, for in-memory Envs that have no such files, checks the size only.
  virtual Status ReadRegularFile(const std::string& path, std::size_t max_bytes,
                                 std::string* contents) {
    MIGKIT_RETURN_IF_ERROR(ReadFile(path, contents));
    if (contents->size() <= max_bytes) return Status::Ok();
    contents->clear();
    return Status::IoError(path + ": larger than " + std::to_string(max_bytes) + " bytes");
  }
  /// Replaces `path` with `contents` atomically: readers see the old or the new file, never a mix,
  /// even if the process dies midway (write a temporary, fsync, rename, fsync the directory).
  /// Temporaries of `path` left by processes that died mid-write (their pid no longer exists) are
  /// removed first: a dead writer cannot be mid-write, so this is safe with or without a lock.
  virtual Status WriteFileAtomic(const std::string& path, std::string_view contents) = 0;
  /// Creates `path` and its parents if missing.
  virtual Status CreateDirs(const std::string& path) = 0;
  /// Blocks until the advisory lock on `path` (created if needed) is held: shared for readers,
  /// exclusive for writers. Locks exclude other processes and other Lock() holders in-process.
  /// The lock file must be a regular file, not a symlink. A shared lock on a directory this
  /// process cannot write to (read-only mount, another user's node) is granted without locking:
  /// writers replace files by rename, so a reader sees the old or the new file either way.
  virtual StatusOr<std::unique_ptr<FileLock>> Lock(const std::string& path, bool exclusive) = 0;
  /// Microseconds since the Unix epoch.
  virtual std::int64_t NowMicros() = 0;
  /// The version of `path` as it is now. kNotFound if it does not exist; kNotSupported from an
  /// Env that cannot tell versions apart (callers then read the file every time).
  virtual StatusOr<std::unique_ptr<FileVersion>> OpenVersion(const std::string& path) {
    (void)path;
    return Status::NotSupported("this Env does not track file versions");
  }
};

/// Forwards every call to a target Env; subclass it to override single calls (fault injection).
class EnvWrapper : public Env {
 public:
  /// `target` must outlive this wrapper.
  explicit EnvWrapper(Env* target) : target_(target) {}
  Env* target() const { return target_; }

  Status ReadFile(const std::string& path, std::string* contents) override {
    return target_->ReadFile(path, contents);
  }
  Status ReadRegularFile(const std::string& path, std::size_t max_bytes,
                         std::string* contents) override {
    return target_->ReadRegularFile(path, max_bytes, contents);
  }
  Status WriteFileAtomic(const std::string& path, std::string_view contents) override {
    return target_->WriteFileAtomic(path, contents);
  }
  Status CreateDirs(const std::string& path) override { return target_->CreateDirs(path); }
  StatusOr<std::unique_ptr<FileLock>> Lock(const std::string& path, bool exclusive) override {
    return target_->Lock(path, exclusive);
  }
  std::int64_t NowMicros() override { return target_->NowMicros(); }
  StatusOr<std::unique_ptr<FileVersion>> OpenVersion(const std::string& path) override {
    return target_->OpenVersion(path);
  }

 private:
  Env* target_;
};

}  // namespace migkit

#endif  // MIGKIT_ENV_ENV_H_
