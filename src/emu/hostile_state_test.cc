// Hostile state directories (issue 14 item 3, 5, 6): whatever sits at node.json or node.lock, the
// emulator ends in a clear error naming the path and the way out, or in a correct result; it never
// blocks, reads without end, resets the node silently, or replaces a link behind the user's back.
//
// Each case runs in a forked child with a deadline, so a regression that hangs (a FIFO) or runs
// out of memory (/dev/zero) fails the test instead of stalling the suite.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include "emu/emulated_node.h"

namespace migkit {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `fn` in a child process; its return value is the exit status. Returns -1 when the child
// does not finish within `seconds` (it is killed) or dies from a signal.
int RunBounded(const std::function<int()>& fn, int seconds = 10) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::alarm(static_cast<unsigned>(seconds) + 1);  // a backstop should the parent die
    ::_exit(fn());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class HostileStateDir : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "migkit-hostile-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    state_ = dir_ + "/node.json";
  }
  void TearDown() override {
    ::chmod(dir_.c_str(), 0700);
    fs::remove_all(dir_);
  }

  StatusOr<std::unique_ptr<EmulatedNode>> Open() {
    EmulatorOptions options;
    options.state_dir = dir_;
    return EmulatedNode::Open(Env::Default(), &Catalog::BuiltIn(), options);
  }

  // Writes a valid one-GPU node to `path` (through a scratch state directory).
  static void WriteValidNode(const std::string& path) {
    const FleetSpec spec = *ParseFleetSpec("A100-SXM4-40GB", Catalog::BuiltIn());
    std::ofstream(path) << SerializeNodeState(NewNodeState(spec, Catalog::BuiltIn()));
  }

  // In a child: Open must fail, naming node.json and `migctl emulator init --force`, and so must
  // an operation. Exit 0 when so; 1 when a call succeeded; 2 when a message lacks the way out.
  int ExpectRefusedInChild() {
    StatusOr<std::unique_ptr<EmulatedNode>> node = Open();
    if (node.ok()) return 1;
    const std::string m = node.status().message();
    if (m.find(state_) == std::string::npos ||
        m.find("migctl emulator init --force") == std::string::npos) {
      std::fprintf(stderr, "message: %s\n", m.c_str());
      return 2;
    }
    return 0;
  }

  // Once refused, `init --force`'s call replaces whatever was there with a fresh regular file.
  void ExpectInitForceRecovers() {
    const FleetSpec spec = *ParseFleetSpec("A30-24GB", Catalog::BuiltIn());
    ASSERT_EQ(RunBounded([&] {
                return EmulatedNode::Initialize(Env::Default(), Catalog::BuiltIn(), dir_, spec).ok()
                           ? 0
                           : 1;
              }),
              0);
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(state_)));
    StatusOr<std::unique_ptr<EmulatedNode>> node = Open();
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    EXPECT_EQ((*node)->Gpus()->size(), 1u);
  }

  std::string dir_;
  std::string state_;
};

TEST_F(HostileStateDir, FifoIsRefusedWithoutBlocking) {
  ASSERT_EQ(::mkfifo(state_.c_str(), 0644), 0);
  EXPECT_EQ(RunBounded([&] { return ExpectRefusedInChild(); }), 0);
  // The lock is not left held: a writer gets it at once.
  EXPECT_EQ(
      RunBounded([&] { return Env::Default()->Lock(dir_ + "/node.lock", true).ok() ? 0 : 1; }, 2),
      0);
  ExpectInitForceRecovers();
}

TEST_F(HostileStateDir, SymlinkToDevZeroIsRefusedWithoutReading) {
  fs::create_symlink("/dev/zero", state_);
  EXPECT_EQ(RunBounded([&] { return ExpectRefusedInChild(); }), 0);
  ExpectInitForceRecovers();
  EXPECT_TRUE(fs::is_character_file("/dev/zero"));
}

TEST_F(HostileStateDir, DeviceIsRefused) {
  // Not a link: a device node itself would be read without end; mknod needs privileges, so the
  // Env is asked about /dev/zero directly.
  std::string text;
  const Status s = Env::Default()->ReadRegularFile("/dev/zero", 1 << 20, &text);
  EXPECT_EQ(s.code(), Code::kIoError);
  EXPECT_NE(s.message().find("a device"), std::string::npos) << s.message();
  EXPECT_TRUE(text.empty());
}

TEST_F(HostileStateDir, OversizedFileIsRefused) {
  { std::ofstream out(state_); }
  fs::resize_file(state_, EmulatedNode::kMaxStateFileBytes + 1);  // sparse: no disk used
  EXPECT_EQ(RunBounded([&] { return ExpectRefusedInChild(); }), 0);
}

TEST_F(HostileStateDir, DanglingSymlinkIsRefusedNotReset) {
  fs::create_symlink(dir_ + "/elsewhere.json", state_);
  EXPECT_EQ(RunBounded([&] { return ExpectRefusedInChild(); }), 0);
  // Nothing was created at the link's target or in its place.
  EXPECT_TRUE(fs::is_symlink(state_));
  EXPECT_FALSE(fs::exists(dir_ + "/elsewhere.json"));
}

TEST_F(HostileStateDir, SymlinkToValidFileIsRefusedAndLeftAlone) {
  const std::string target = dir_ + "/real-node.json";
  WriteValidNode(target);
  const std::string before = ReadAll(target);
  fs::create_symlink(target, state_);
  EXPECT_EQ(RunBounded([&] { return ExpectRefusedInChild(); }), 0);
  EXPECT_TRUE(fs::is_symlink(state_));
  EXPECT_EQ(ReadAll(target), before);
}

TEST_F(HostileStateDir, DirectoryIsRefused) {
  fs::create_directory(state_);
  EXPECT_EQ(RunBounded([&] { return ExpectRefusedInChild(); }), 0);
}

TEST_F(HostileStateDir, LockFileFifoOrSymlinkIsRefusedWithoutBlocking) {
  const std::string lock = dir_ + "/node.lock";
  ASSERT_EQ(::mkfifo(lock.c_str(), 0644), 0);
  EXPECT_EQ(RunBounded([&] {
              StatusOr<std::unique_ptr<EmulatedNode>> node = Open();
              return !node.ok() && node.status().message().find(lock) != std::string::npos ? 0 : 1;
            }),
            0);
  ExpectInitForceRecovers();
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(lock)));
  fs::remove(lock);
  fs::create_symlink("/dev/null", lock);
  EXPECT_EQ(RunBounded([&] { return Open().ok() ? 1 : 0; }), 0);
  ExpectInitForceRecovers();
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST_F(HostileStateDir, StaleTemporariesOfDeadWritersAreRemovedUnderTheLock) {
  ASSERT_TRUE(Open().ok());
  // A writer killed mid-write: the pid of a child that has exited and been reaped.
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const std::string stale = state_ + ".tmp." + std::to_string(dead);
  const std::string live = state_ + ".tmp." + std::to_string(::getppid());  // exists
  const std::string other = dir_ + "/notes.tmp.1";                          // not ours
  for (const std::string& p : {stale, live, other}) std::ofstream(p) << "{\"partial";
  StatusOr<std::unique_ptr<EmulatedNode>> node = Open();
  ASSERT_TRUE(node.ok());
  // Reading removes nothing (a reader may lack write access).
  ASSERT_TRUE((*node)->Gpus().ok());
  EXPECT_TRUE(fs::exists(stale));
  Status activation;
  ASSERT_TRUE((*node)->SetMigMode(0, true, &activation).ok());
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(other));
  EXPECT_FALSE(fs::exists(state_ + ".tmp." + std::to_string(::getpid())));
}

TEST_F(HostileStateDir, PlantedTemporaryLinkIsNotWrittenThrough) {
  ASSERT_TRUE(Open().ok());
  const std::string victim = dir_ + "/victim";
  std::ofstream(victim) << "keep";
  fs::create_symlink(victim, state_ + ".tmp." + std::to_string(::getpid()));
  StatusOr<std::unique_ptr<EmulatedNode>> node = Open();
  ASSERT_TRUE(node.ok());
  Status activation;
  ASSERT_TRUE((*node)->SetMigMode(0, true, &activation).ok());
  EXPECT_EQ(ReadAll(victim), "keep");
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(state_)));
}

TEST_F(HostileStateDir, ReadOnlyDirectoryCanBeRead) {
  // Another user's node, or a read-only mount: reading works; writing fails naming the path.
  ASSERT_TRUE(Open().ok());
  for (const bool with_lock_file : {true, false}) {
    if (!with_lock_file) fs::remove(dir_ + "/node.lock");
    ASSERT_EQ(::chmod(dir_.c_str(), 0555), 0);
    ASSERT_EQ(::chmod(state_.c_str(), 0444), 0);
    if (fs::exists(dir_ + "/node.lock")) {
      ASSERT_EQ(::chmod((dir_ + "/node.lock").c_str(), 0444), 0);
    }
    const int code = RunBounded([&] {
      // root ignores permissions: drop to nobody, for whom they hold.
      if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) return 10;
      StatusOr<std::unique_ptr<EmulatedNode>> node = Open();
      if (!node.ok()) {
        std::fprintf(stderr, "open: %s\n", node.status().ToString().c_str());
        return 1;
      }
      if (!(*node)->Gpus().ok()) return 2;
      Status activation;
      const Status write = (*node)->SetMigMode(0, true, &activation);
      if (write.ok() || write.message().find(dir_) == std::string::npos) return 3;
      return 0;
    });
    EXPECT_EQ(code, 0) << "with lock file: " << with_lock_file;
    ::chmod(dir_.c_str(), 0700);
  }
}

}  // namespace
}  // namespace migkit
