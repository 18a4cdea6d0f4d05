// The one way the end-to-end tests run migctl: spawn the real binary (MIGCTL_PATH) with an exact
// environment and stdin, capture its exit code, stdout and stderr; and a fixture that gives each
// test a fresh temporary directory holding its MIGKIT_STATE_DIR and HOME.
#ifndef MIGKIT_TESTS_E2E_MIGCTL_RUNNER_H_
#define MIGKIT_TESTS_E2E_MIGCTL_RUNNER_H_

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace migkit::e2e {

using Args = std::vector<std::string>;
/// Environment variables of a run, name -> value.
using Env = std::map<std::string, std::string>;

struct Result {
  int exit_code = -1;  // 128 + signal number when the child was killed by a signal
  std::string out;
  std::string err;
};

/// Where a run's stdin comes from: a file (by default /dev/null) or literal text.
struct Stdin {
  static Stdin File(std::string path) { return Stdin{std::move(path), {}, false}; }
  static Stdin Text(std::string text) { return Stdin{{}, std::move(text), true}; }
  std::string path = "/dev/null";
  std::string text;
  bool is_text = false;
};

/// Runs migctl (MIGCTL_PATH) with `args` and exactly the environment `env` (nothing inherited).
/// Both output streams are read together, so neither pipe can fill up and block the child. A
/// failure to start migctl is reported as exit code -1 with the reason in `err`.
Result RunMigctl(const Args& args, const Env& env, const Stdin& stdin_source = {});

/// "migctl arg1 arg2 ..." as a user would type it.
std::string CommandLine(const Args& args);
/// The command line, exit code and both streams of a run: the message of a failed expectation.
std::string Show(const Args& args, const Result& r);

bool Contains(const std::string& haystack, const std::string& needle);
/// `err` without the "# <backend>" lines, which name the backend and so differ by design.
std::string WithoutBackendLines(const std::string& err);
/// How many non-overlapping times `needle` occurs in `haystack`.
int Count(const std::string& haystack, const std::string& needle);
/// The whole file, or "" when it cannot be read.
std::string ReadFile(const std::string& path);

/// The variables of this process that runs inherit by default: the search path, the dynamic
/// loader's path and the sanitizers' options (so sanitizer builds keep their settings).
extern const std::vector<std::string> kInheritedVariables;

/// The environment of a run with its state in `dir`: MIGKIT_STATE_DIR=<dir>/state, HOME=<dir>,
/// NO_COLOR=1; then `inherited` copied from this process where set; then `overrides` on top, where
/// an empty value removes the variable.
Env RunEnvironment(const std::string& dir,
                   const std::vector<std::string>& inherited = kInheritedVariables,
                   const Env& overrides = {});

/// Creates a fresh directory under the system's temporary directory; "" on failure.
std::string MakeTempDir();
/// Removes `dir` and everything in it; nothing when it is "".
void RemoveTree(const std::string& dir);
/// Writes `text` to `path` (replacing it) and returns `path`.
std::string WriteFile(const std::string& path, const std::string& text);

/// A fixture with a fresh temporary directory per test (removed afterwards): `dir_` is HOME and
/// `StateDir()` the MIGKIT_STATE_DIR of the runs. `Base` is ::testing::Test or a
/// ::testing::TestWithParam<T>.
template <typename Base = ::testing::Test>
class MigctlTestBase : public Base {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_FALSE(dir_.empty()) << "cannot create a temporary directory";
  }
  void TearDown() override { RemoveTree(dir_); }

  std::string StateDir() const { return dir_ + "/state"; }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  /// Writes `text` to `name` in the test's directory and returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    return WriteFile(Path(name), text);
  }

  std::string dir_;
};

}  // namespace migkit::e2e

#endif  // MIGKIT_TESTS_E2E_MIGCTL_RUNNER_H_
