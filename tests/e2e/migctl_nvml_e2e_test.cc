// End-to-end tests of migctl over NVML (issue 3): migctl loads a libnvidia-ml.so.1 at run time and
// drives it through one code path. Here the library is always migkit's emulator
// (MIGKIT_NVML_LIBRARY, built by this tree); every run names its backend with MIGKIT_BACKEND, so
// these tests never load NVIDIA's library and never touch a real GPU.
//
// The main check runs the same command sequence twice, on two fresh state directories: once through
// NVML (MIGKIT_BACKEND=emulator) and once on the emulated node directly (MIGKIT_BACKEND=direct, the
// pre-NVML path). Every command's exit code, stdout and stderr, and every read command's --json
// output after it, must be byte-identical.
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <filesystem>
#include <string>
#include <vector>

#include "migctl_runner.h"

namespace {

using namespace migkit::e2e;  // NOLINT(build/namespaces): the runner is these tests' vocabulary

std::string RealPath(const std::string& path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) != nullptr ? std::string(resolved) : path;
}

/// A real NVIDIA driver is loaded: tests that would let the loader pick a libnvidia-ml.so.1 are
/// skipped, so that no test can reach a real GPU.
bool NvidiaDriverPresent() { return access("/proc/driver/nvidia/version", F_OK) == 0; }

// Every read command; and the two that together show a GPU's whole state (MIG mode, GIs, CIs,
// MIG UUIDs, free units, what still fits), which are compared after every step.
const std::vector<Args> kReads = {
    {"gpus"}, {"profiles"}, {"placements"}, {"instances"}, {"status"}};
const std::vector<Args> kStateReads = {{"instances"}, {"status"}};

class MigctlNvmlE2e : public MigctlTestBase<> {
 protected:
  /// The environment of a run on `backend` (a MIGKIT_BACKEND value), with a state directory of
  /// its own; `extra` on top (an empty value removes a variable).
  Env Environment(const std::string& backend, const Env& extra = {}) const {
    Env overrides = {{"MIGKIT_STATE_DIR", StateDir(backend)},
                     {"MIGKIT_BACKEND", backend},
                     {"MIGKIT_EMULATE", emulate_}};
    for (const auto& [key, value] : extra) overrides[key] = value;
    // Not LD_LIBRARY_PATH: which libnvidia-ml.so.1 the loader finds is what some tests control.
    return RunEnvironment(dir_, {"PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS"}, overrides);
  }

  std::string StateDir(const std::string& backend) const {
    return dir_ + "/" + (backend.find('/') != std::string::npos ? "path" : backend);
  }

  Result Run(const std::string& backend, const Args& args, const Env& extra = {}) const {
    return RunMigctl(args, Environment(backend, extra));
  }

  /// Runs `args` through NVML and directly; expects byte-identical results (apart from a line
  /// naming the backend) and returns them.
  Result Both(const Args& args, const Env& extra = {}) {
    const Result direct = Run("direct", args, extra);
    const Result nvml = Run("emulator", args, extra);
    EXPECT_EQ(nvml.exit_code, direct.exit_code) << Show(args, nvml) << "\n" << Show(args, direct);
    EXPECT_EQ(nvml.out, direct.out) << Show(args, nvml) << "\n" << Show(args, direct);
    EXPECT_EQ(WithoutBackendLines(nvml.err), WithoutBackendLines(direct.err))
        << Show(args, nvml) << "\n"
        << Show(args, direct);
    return nvml;
  }

  /// The read commands (all of them with `all`, else kStateReads), as --json (and, with `all`,
  /// as tables too), identical on both.
  void ExpectSameReads(bool all = false) {
    for (Args args : all ? kReads : kStateReads) {
      if (all) Both(args);
      args.push_back("--json");
      const Result r = Both(args);
      EXPECT_EQ(r.exit_code, 0) << Show(args, r);
      EXPECT_EQ(r.err, "") << Show(args, r);
    }
  }

  /// A command sequence on both backends; each step's exit code and driver error text are
  /// checked, and the reads are compared before, after every step and at the end.
  struct Step {
    Args args;
    int exit_code = 0;
    std::string error;  // e.g. "Insufficient Resources"; empty for success
  };
  void RunSequence(const std::vector<Step>& steps) {
    ExpectSameReads(/*all=*/true);
    for (const Step& step : steps) {
      SCOPED_TRACE(CommandLine(step.args));
      const Result r = Both(step.args);
      EXPECT_EQ(r.exit_code, step.exit_code) << Show(step.args, r);
      if (!step.error.empty()) {
        EXPECT_TRUE(Contains(r.err, step.error)) << Show(step.args, r);
      }
      ExpectSameReads();
    }
    ExpectSameReads(/*all=*/true);
  }

  std::string emulate_;
};

constexpr char kInsufficient[] = "Insufficient Resources";
constexpr char kInUse[] = "In use by another client";
constexpr char kNotSupported[] = "Not Supported";
constexpr char kNotFound[] = "Not Found";

// ---- The same answers through NVML as directly ------------------------------------------------

TEST_F(MigctlNvmlE2e, A100SequenceIsIdenticalThroughNvml) {
  emulate_ = "A100-SXM4-40GB";
  RunSequence({
      {{"create-gi", "19", "-i", "0"}, 1, kNotSupported},
      {{"mig", "enable", "-i", "0"}, 0, ""},  // pending until reset (Ampere)
      {{"create-gi", "19"}, 1, kNotSupported},
      {{"reset", "-i", "0"}, 0, ""},
      {{"create-gi", "19,19,14,9"}, 1, kInsufficient},  // mig-facts.md §4.3's example
      {{"destroy-gi", "--all"}, 0, ""},
      {{"create-gi", "9,19,14,19", "-C"}, 0, ""},
      {{"create-ci", "--gi", "2", "1c.3g.20gb"}, 1, kInsufficient},
      {{"destroy-gi", "--gi", "2"}, 1, kInUse},
      {{"mig", "disable", "-i", "0"}, 1, kInUse},
      {{"destroy-ci", "--gi", "2", "--ci", "5"}, 1, kNotFound},
      {{"destroy-ci", "--gi", "2", "--ci", "0"}, 0, ""},
      {{"create-ci", "--gi", "2", "1c.3g.20gb,1c.3g.20gb", "2c.3g.20gb"}, 1, kInsufficient},
      {{"create-gi", "9:0"}, 1, kInsufficient},
      {{"create-gi", "7g.40gb"}, 1, kInsufficient},
      {{"destroy-gi", "--all", "--with-ci"}, 0, ""},
      {{"destroy-gi", "--gi", "1"}, 1, kNotFound},
      {{"mig", "disable", "-i", "0"}, 0, ""},
      {{"reset", "-i", "0"}, 0, ""},
  });
}

TEST_F(MigctlNvmlE2e, H100SequenceIsIdenticalThroughNvml) {
  emulate_ = "2xH100-SXM5-80GB";
  RunSequence({
      {{"mig", "enable"}, 0, ""},
      {{"create-gi", "9,14,19", "-C", "-i", "0"}, 0, ""},
      {{"create-gi", "0", "-i", "0"}, 1, kInsufficient},
      {{"create-gi", "7g.80gb", "-i", "1", "-C"}, 0, ""},
      {{"create-gi", "19", "-i", "1"}, 1, kInsufficient},
      {{"create-gi", "1g.20gb:2", "-i", "0"}, 1, kInsufficient},
      {{"destroy-gi", "-i", "0", "--all"}, 1, kInUse},
      {{"destroy-ci", "-i", "0", "--gi", "2", "--all"}, 0, ""},
      {{"create-ci", "-i", "0", "--gi", "2", "1c.3g.40gb,1c.3g.40gb,1c.3g.40gb"}, 0, ""},
      {{"create-ci", "-i", "0", "--gi", "2", "1c.3g.40gb"}, 1, kInsufficient},
      {{"mig", "disable", "-i", "1"}, 1, kInUse},
      {{"destroy-gi", "--all", "--with-ci"}, 0, ""},
      {{"mig", "disable"}, 0, ""},
      {{"create-gi", "19", "-i", "1"}, 1, kNotSupported},
  });
}

TEST_F(MigctlNvmlE2e, A30SequenceIsIdenticalThroughNvml) {
  emulate_ = "A30-24GB";
  RunSequence({
      {{"mig", "enable", "-i", "0"}, 0, ""},
      {{"reset", "-i", "0"}, 0, ""},
      {{"create-gi", "2g.12gb,1g.6gb,1g.6gb", "-C"}, 0, ""},
      {{"create-gi", "4g.24gb"}, 1, kInsufficient},
      {{"create-gi", "2g.12gb+me"}, 1, kInsufficient},
      {{"destroy-gi", "--all"}, 1, kInUse},
      {{"destroy-gi", "--all", "--with-ci"}, 0, ""},
      {{"create-gi", "4g.24gb", "-C"}, 0, ""},
      {{"mig", "disable", "-i", "0"}, 1, kInUse},
      {{"destroy-gi", "--all", "--with-ci"}, 0, ""},
      {{"mig", "disable", "-i", "0"}, 0, ""},
  });
}

TEST_F(MigctlNvmlE2e, RtxPro6000SequenceIsIdenticalThroughNvml) {
  emulate_ = "RTX-PRO-6000";
  RunSequence({
      {{"mig", "enable", "-i", "0"}, 0, ""},
      {{"create-gi", "1g.24gb+me.all", "-C"}, 0, ""},
      {{"create-gi", "1g.24gb"}, 1, kInsufficient},  // +me.all admits only -me profiles
      {{"create-gi", "1g.24gb-me,2g.48gb-me", "-C"}, 0, ""},
      {{"create-gi", "4g.96gb"}, 1, kInsufficient},
      {{"destroy-gi", "--all"}, 1, kInUse},
      {{"destroy-gi", "--all", "--with-ci"}, 0, ""},
      {{"create-gi", "2g.48gb+gfx:6,1g.24gb+gfx,1g.24gb", "-C"}, 0, ""},
      {{"mig", "disable"}, 1, kInUse},
      {{"destroy-gi", "--all", "--with-ci"}, 0, ""},
      {{"mig", "disable"}, 0, ""},
  });
}

// Fault rules reach NVML calls: the same refusals and exit codes, though NVML cannot carry the
// emulator's "injected fault" reason.
TEST_F(MigctlNvmlE2e, FaultsGiveTheSameCodesThroughNvml) {
  emulate_ = "H100-SXM5-80GB";
  Both({"mig", "enable"});
  for (const char* rule :
       {"create-gi=in_use", "create-gi=insufficient_resources", "create-gi=not_supported"}) {
    const Args args = {"create-gi", "19"};
    const Result direct = Run("direct", args, {{"MIGKIT_FAULTS", rule}});
    const Result nvml = Run("emulator", args, {{"MIGKIT_FAULTS", rule}});
    EXPECT_EQ(nvml.exit_code, 1) << Show(args, nvml);
    EXPECT_EQ(nvml.exit_code, direct.exit_code);
    EXPECT_EQ(nvml.out, direct.out);
    const std::string first_line = direct.err.substr(0, direct.err.find('\n') + 1);
    EXPECT_TRUE(Contains(nvml.err, first_line)) << first_line << "\n" << Show(args, nvml);
    EXPECT_TRUE(Contains(nvml.err, "reason: nvmlDeviceCreateGpuInstance returned NVML_ERROR_"))
        << Show(args, nvml);
  }
  // A shared fault added with `migctl emulator` fires inside the NVML library.
  for (const char* backend : {"direct", "emulator"}) {
    EXPECT_EQ(Run(backend, {"emulator", "fault", "add", "destroy-gi=in_use"}).exit_code, 0);
    EXPECT_EQ(Run(backend, {"create-gi", "19"}).exit_code, 0);
    const Result r = Run(backend, {"destroy-gi", "--all"});
    EXPECT_EQ(r.exit_code, 1) << Show({"destroy-gi", "--all"}, r);
    EXPECT_TRUE(Contains(r.err, kInUse)) << r.err;
  }
  ExpectSameReads();
}

// ---- Choosing the library ---------------------------------------------------------------------

TEST_F(MigctlNvmlE2e, VerboseLineSaysWhichLibraryIsUsed) {
  const std::string lib = RealPath(MIGKIT_NVML_LIBRARY);
  const Result nvml = Run("emulator", {"gpus", "--json", "-v"});
  EXPECT_EQ(nvml.exit_code, 0) << Show({"gpus", "-v"}, nvml);
  EXPECT_EQ(nvml.err, "# emulated node: 8xH100-SXM5-80GB (state in " + StateDir("emulator") +
                          ") through migkit's emulated NVML " + lib +
                          " (driver 580.82.07, NVML 13.580.82.07)\n");
  const Result direct = Run("direct", {"gpus", "--json", "-v"});
  EXPECT_EQ(direct.err,
            "# emulated node: 8xH100-SXM5-80GB (state in " + StateDir("direct") + ")\n");
  EXPECT_EQ(nvml.out, direct.out);
  // The line goes to stderr only with -v: --json output and scripts see nothing else.
  EXPECT_EQ(Run("emulator", {"gpus", "--json"}).err, "");
}

TEST_F(MigctlNvmlE2e, DefaultIsTheEmulatorLibraryWhenNoDriverIsPresent) {
  if (NvidiaDriverPresent()) GTEST_SKIP() << "a real driver is loaded; auto would pick it";
  const Result r = Run("auto", {"status", "-v"}, {{"MIGKIT_BACKEND", ""}});
  EXPECT_EQ(r.exit_code, 0) << Show({"status", "-v"}, r);
  EXPECT_TRUE(Contains(r.err, ") through migkit's emulated NVML " + RealPath(MIGKIT_NVML_LIBRARY)))
      << r.err;
  EXPECT_EQ(Run("auto", {"gpus"}).exit_code, 0);
}

TEST_F(MigctlNvmlE2e, APathToTheEmulatorLibraryIsTheEmulator) {
  const std::string lib = MIGKIT_NVML_LIBRARY;
  emulate_ = "A100-SXM4-40GB";
  const Result enable = Run(lib, {"mig", "enable", "-i", "0", "-v"});
  EXPECT_EQ(enable.exit_code, 0) << Show({"mig", "enable"}, enable);
  EXPECT_TRUE(Contains(enable.err, "through migkit's emulated NVML")) << enable.err;
  EXPECT_TRUE(Contains(enable.err, "GPU requires reset")) << enable.err;
  const Result reset = Run(lib, {"reset", "-i", "0"});
  EXPECT_EQ(reset.exit_code, 0) << Show({"reset"}, reset);
  EXPECT_EQ(Run(lib, {"emulator", "show"}).exit_code, 0);
}

// A library migctl does not recognise as its own emulator is treated as NVIDIA's: NVML has no
// reset, and `migctl emulator` refuses. (A copy of the emulator stands in for NVIDIA's library.)
TEST_F(MigctlNvmlE2e, AnUnrecognisedLibraryIsTreatedAsRealGpus) {
  std::filesystem::create_directories(dir_ + "/other");
  const std::string copy = dir_ + "/other/libnvidia-ml.so.1";
  std::filesystem::copy_file(MIGKIT_NVML_LIBRARY, copy);
  emulate_ = "A100-SXM4-40GB";
  const Result gpus = Run(copy, {"gpus", "-v"});
  EXPECT_EQ(gpus.exit_code, 0) << Show({"gpus"}, gpus);
  EXPECT_TRUE(Contains(gpus.err, "# real GPUs through NVIDIA's NVML " + RealPath(copy) +
                                     " (driver 580.82.07, NVML 13.580.82.07)\n"))
      << gpus.err;
  // Named explicitly, so changes are allowed.
  EXPECT_EQ(Run(copy, {"mig", "enable", "-i", "0"}).exit_code, 0);
  const Result reset = Run(copy, {"reset", "-i", "0"});
  EXPECT_EQ(reset.exit_code, 1) << Show({"reset"}, reset);
  EXPECT_TRUE(Contains(reset.err, "Unable to reset GPU 00000000:18:00.0: Not Supported"))
      << reset.err;
  EXPECT_TRUE(Contains(reset.err,
                       "reset the GPU with `nvidia-smi -r -i 0` (migctl does not "
                       "reset real GPUs)"))
      << reset.err;
  const Result show = Run(copy, {"emulator", "show"});
  EXPECT_EQ(show.exit_code, 3) << Show({"emulator", "show"}, show);
}

TEST_F(MigctlNvmlE2e, NvmlFoundThroughLdLibraryPathIsRecognisedAsTheEmulator) {
  if (NvidiaDriverPresent()) GTEST_SKIP() << "a real driver is loaded; never risk loading it";
  const std::string lib_dir = std::filesystem::path(MIGKIT_NVML_LIBRARY).parent_path().string();
  emulate_ = "A100-SXM4-40GB";
  const Env env = {{"LD_LIBRARY_PATH", lib_dir}};
  const Result r = Run("nvml", {"mig", "enable", "-i", "0", "-v"}, env);
  EXPECT_EQ(r.exit_code, 0) << Show({"mig", "enable"}, r);
  EXPECT_TRUE(Contains(r.err, "through migkit's emulated NVML")) << r.err;
  EXPECT_EQ(Run("nvml", {"reset", "-i", "0"}, env).exit_code, 0);
}

TEST_F(MigctlNvmlE2e, NvmlWithoutADriverIsAnEnvironmentError) {
  if (NvidiaDriverPresent()) GTEST_SKIP() << "a real driver is loaded; never risk loading it";
  const Result r = Run("nvml", {"gpus"}, {{"LD_LIBRARY_PATH", ""}});
  EXPECT_EQ(r.exit_code, 3) << Show({"gpus"}, r);
  EXPECT_TRUE(Contains(r.err, "MIGKIT_BACKEND=nvml")) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(MigctlNvmlE2e, MissingLibraryExits3WithAClearMessage) {
  for (const Args& args : std::vector<Args>{{"gpus"}, {"status", "--json"}, {"create-gi", "19"}}) {
    const Result r = Run("/nonexistent.so", args);
    EXPECT_EQ(r.exit_code, 3) << Show(args, r);
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(Contains(r.err,
                         "migctl: error: Not Found: MIGKIT_BACKEND=/nonexistent.so: cannot "
                         "load the NVML library /nonexistent.so: "))
        << r.err;
  }
}

TEST_F(MigctlNvmlE2e, NotAnNvmlLibraryExits3NamingTheMissingFunctions) {
  const std::string libz = "/lib/x86_64-linux-gnu/libz.so.1";
  if (!std::filesystem::exists(libz)) GTEST_SKIP() << "no " << libz;
  const Result r = Run(libz, {"gpus"});
  EXPECT_EQ(r.exit_code, 3) << Show({"gpus"}, r);
  EXPECT_TRUE(Contains(r.err, "is not a usable libnvidia-ml.so.1: it lacks nvmlInit_v2")) << r.err;
}

TEST_F(MigctlNvmlE2e, UnknownBackendExits3ListingTheChoices) {
  const Result r = Run("bogus", {"gpus"});
  EXPECT_EQ(r.exit_code, 3) << Show({"gpus"}, r);
  EXPECT_TRUE(Contains(r.err, "MIGKIT_BACKEND: 'bogus' is not a backend; use auto, nvml")) << r.err;
}

// Environment errors read the same through NVML: the node is opened before the library.
TEST_F(MigctlNvmlE2e, EnvironmentErrorsAreTheSameThroughNvml) {
  const Result bad = Both({"gpus"}, {{"MIGKIT_EMULATE", "Z100-SXM9"}});
  EXPECT_EQ(bad.exit_code, 3);
  std::filesystem::create_directories(StateDir("direct"));
  std::filesystem::create_directories(StateDir("emulator"));
  for (const char* backend : {"direct", "emulator"}) {
    FILE* f = std::fopen((StateDir(backend) + "/node.json").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("{\"format\": 1, \"gpus\": [oops\n", f);
    std::fclose(f);
  }
  const Result r1 = Run("direct", {"gpus"});
  const Result r2 = Run("emulator", {"gpus"});
  EXPECT_EQ(r2.exit_code, 3) << Show({"gpus"}, r2);
  EXPECT_EQ(r2.err.substr(0, 40), r1.err.substr(0, 40));
  EXPECT_TRUE(Contains(r2.err, "migctl emulator init --force")) << r2.err;
}

}  // namespace
