#include "migctl_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

namespace migkit::e2e {

const std::vector<std::string> kInheritedVariables = {"PATH", "LD_LIBRARY_PATH", "ASAN_OPTIONS",
                                                      "UBSAN_OPTIONS"};

namespace {

// Text stdin goes through a file rather than a third pipe, so the parent never has to interleave
// writing the child's input with reading its output.
class TextFile {
 public:
  explicit TextFile(const std::string& text) {
    std::string pattern = (std::filesystem::temp_directory_path() / "migctl_stdin.XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0) return;
    close(fd);
    path_ = WriteFile(pattern, text);
  }
  ~TextFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  TextFile(const TextFile&) = delete;
  TextFile& operator=(const TextFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

Result RunMigctl(const Args& args, const Env& env, const Stdin& stdin_source) {
  Result result;
  std::optional<TextFile> text_file;
  std::string stdin_path = stdin_source.path;
  if (stdin_source.is_text) {
    text_file.emplace(stdin_source.text);
    if (text_file->path().empty()) {
      result.err = std::string("mkstemp: ") + std::strerror(errno);
      return result;
    }
    stdin_path = text_file->path();
  }
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.err = std::string("pipe2: ") + std::strerror(errno);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);

  std::vector<std::string> argv_text = {MIGCTL_PATH};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text;
  for (const auto& [key, value] : env) env_text.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (std::string& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, MIGCTL_PATH, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (spawned != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    result.err = std::string("posix_spawn: ") + std::strerror(spawned);
    return result;
  }
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      char buf[4096];
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string CommandLine(const Args& args) {
  std::string cmd = "migctl";
  for (const std::string& a : args) cmd += " " + a;
  return cmd;
}

std::string Show(const Args& args, const Result& r) {
  return CommandLine(args) + "\nexit " + std::to_string(r.exit_code) + "\n--- stdout:\n" + r.out +
         "--- stderr:\n" + r.err;
}

std::string WithoutBackendLines(const std::string& err) {
  std::string out;
  size_t pos = 0;
  while (pos < err.size()) {
    size_t end = err.find('\n', pos);
    end = end == std::string::npos ? err.size() : end + 1;
    if (err.compare(pos, 2, "# ") != 0) out.append(err, pos, end - pos);
    pos = end;
  }
  return out;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Env RunEnvironment(const std::string& dir, const std::vector<std::string>& inherited,
                   const Env& overrides) {
  Env env = {{"MIGKIT_STATE_DIR", dir + "/state"}, {"HOME", dir}, {"NO_COLOR", "1"}};
  for (const std::string& name : inherited) {
    if (const char* value = std::getenv(name.c_str())) env[name] = value;
  }
  for (const auto& [key, value] : overrides) {
    if (value.empty()) {
      env.erase(key);
    } else {
      env[key] = value;
    }
  }
  return env;
}

std::string MakeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "migctl_e2e.XXXXXX").string();
  return mkdtemp(pattern.data()) != nullptr ? pattern : std::string();
}

void RemoveTree(const std::string& dir) {
  std::error_code ignored;  // a leftover temporary directory must not fail a test
  if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
}

std::string WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace migkit::e2e
