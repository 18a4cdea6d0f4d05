#include "cli/slurm_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "core/strings.h"

namespace migkit::cli {
namespace {

std::int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

StatusOr<std::string> RunCommand(const std::vector<std::string>& argv,
                                 std::int64_t timeout_micros) {
  const std::string shown = Join(argv, " ");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Status::Unknown("cannot run " + shown + ": pipe: " + std::strerror(errno));
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return Status::Unknown("cannot run " + shown + ": fork: " + std::strerror(errno));
  }
  if (pid == 0) {
    // The child: its own process group (so a timeout kills what it started), output to the pipe.
    ::setpgid(0, 0);
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::execvp(args[0], args.data());
    const char msg[] = "exec failed\n";
    [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string output;
  const std::int64_t deadline = NowMicros() + timeout_micros;
  bool timed_out = false;
  bool exited = false;
  int status = 0;
  // Until the command exits (not until EOF: a daemon it started may keep the pipe open).
  bool eof = false;
  for (;;) {
    if (eof) {
      ::poll(nullptr, 0, exited ? 0 : 20);
    } else {
      pollfd p{fds[0], POLLIN, 0};
      if (::poll(&p, 1, exited ? 0 : 100) > 0) {
        char buf[4096];
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n > 0) {
          output.append(buf, static_cast<std::size_t>(n));
          continue;
        }
        eof = n == 0;
      }
    }
    if (exited) break;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;  // one more pass reads what is left
      continue;
    }
    if (NowMicros() >= deadline) {
      timed_out = true;
      ::kill(-pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
  }
  ::close(fds[0]);
  if (timed_out) {
    return Status::Timeout(shown + " did not finish within " +
                           std::to_string(timeout_micros / 1000000) + " s: " + Trim(output));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Unknown(shown + " failed (" +
                           (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                              : std::string("killed by a signal")) +
                           "): " + Trim(output));
  }
  return output;
}

StatusOr<std::string> SlurmProcesses::ShowNode(const std::string& node) {
  return RunCommand({"scontrol", "show", "node", node}, timeout_micros_);
}

StatusOr<std::string> SlurmProcesses::ShowJobs() {
  return RunCommand({"scontrol", "-d", "show", "job"}, timeout_micros_);
}

Status SlurmProcesses::UpdateNode(const std::string& node, const std::string& state,
                                  const std::string& reason) {
  std::vector<std::string> argv = {"scontrol", "update", "nodename=" + node, "state=" + state};
  if (!reason.empty()) argv.push_back("reason=" + reason);
  return RunCommand(argv, timeout_micros_).status();
}

Status SlurmProcesses::Restart(const std::string& daemon) {
  // The daemon's name is passed as "$1", never spliced into the shell text.
  return RunCommand({"/bin/sh", "-c", restart_cmd_ + " \"$1\"", "sh", daemon}, timeout_micros_)
      .status();
}

}  // namespace migkit::cli
