#include "emu/event_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace migkit {
namespace {

// The log is a plain POSIX file, not reached through Env: it needs append and size, which the
// Env seam (whole-file reads and atomic replaces of node.json) does not offer.
Status Errno(const std::string& what, const std::string& path) {
  return Status::Unknown(what + " " + path + ": " + std::strerror(errno));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string EventLogPath(const std::string& state_dir) { return state_dir + "/events.log"; }

Status AppendEvent(const std::string& state_dir, const HardwareEvent& event) {
  const std::string path = EventLogPath(state_dir);
  char line[128];
  const int n = std::snprintf(line, sizeof line, "%" PRIu64 " %d %d %d %" PRIu64 "\n", event.type,
                              event.gpu, event.gi_id, event.ci_id, event.data);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof line) return Status::Unknown("event too long");
  Fd fd(open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (fd.get() < 0) return Errno("cannot open", path);
  // One write of < PIPE_BUF bytes with O_APPEND: never interleaved with another writer's line.
  ssize_t written;
  do {
    written = write(fd.get(), line, static_cast<size_t>(n));
  } while (written < 0 && errno == EINTR);
  if (written != n) return Errno("cannot append to", path);
  return Status::Ok();
}

StatusOr<std::uint64_t> EventLogSize(const std::string& state_dir) {
  const std::string path = EventLogPath(state_dir);
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::uint64_t{0};
    return Errno("cannot stat", path);
  }
  return static_cast<std::uint64_t>(st.st_size);
}

Status ReadEvents(const std::string& state_dir, std::uint64_t* offset,
                  std::vector<HardwareEvent>* out) {
  const std::string path = EventLogPath(state_dir);
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Status::Ok();
    return Errno("cannot open", path);
  }
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return Errno("cannot stat", path);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size <= *offset) return Status::Ok();  // the cheap, common case: nothing new
  std::string text(size - *offset, '\0');
  size_t got = 0;
  while (got < text.size()) {
    const ssize_t r =
        pread(fd.get(), text.data() + got, text.size() - got, static_cast<off_t>(*offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Errno("cannot read", path);
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  text.resize(got);
  size_t pos = 0;
  for (size_t nl; (nl = text.find('\n', pos)) != std::string::npos; pos = nl + 1) {
    const std::string line = text.substr(pos, nl - pos);
    HardwareEvent e;
    unsigned long long type = 0, data = 0;
    char tail = 0;
    if (std::sscanf(line.c_str(), "%llu %d %d %d %llu%c", &type, &e.gpu, &e.gi_id, &e.ci_id, &data,
                    &tail) == 5) {
      e.type = type;
      e.data = data;
      out->push_back(e);
    }
  }
  *offset += pos;
  return Status::Ok();
}

}  // namespace migkit
