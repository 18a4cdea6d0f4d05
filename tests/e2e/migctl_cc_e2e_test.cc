// End-to-end tests of confidential computing through migctl (issue 15): `migctl cc`, `status`,
// `apply` and `emulator cc`, each run on the emulated node directly (MIGKIT_BACKEND=direct) and
// through migkit's libnvidia-ml.so.1 (MIGKIT_BACKEND=emulator). Successful commands must print
// byte-identical output on both; failures the same exit code and driver error. Expected values
// come from ../shared/research/cc-facts.md.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "migctl_runner.h"

namespace {

using namespace migkit::e2e;  // NOLINT(build/namespaces): the runner is these tests' vocabulary

class MigctlCcE2e : public MigctlTestBase<> {
 protected:
  Result Run(const std::string& backend, const Args& args) const {
    Env overrides = {{"MIGKIT_STATE_DIR", dir_ + "/" + backend},
                     {"MIGKIT_BACKEND", backend},
                     {"MIGKIT_EMULATE", emulate_}};
    return RunMigctl(args,
                     RunEnvironment(dir_, {"PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS"}, overrides));
  }

  /// Runs `args` on both backends; expects `exit_code` from both and, on success, identical
  /// output. Returns the direct run (whose errors carry the emulator's full reason).
  Result Both(const Args& args, int exit_code = 0, const std::string& error = "") {
    SCOPED_TRACE(CommandLine(args));
    const Result direct = Run("direct", args);
    const Result nvml = Run("emulator", args);
    EXPECT_EQ(direct.exit_code, exit_code) << Show(args, direct);
    EXPECT_EQ(nvml.exit_code, exit_code) << Show(args, nvml);
    if (exit_code == 0) {
      EXPECT_EQ(nvml.out, direct.out) << Show(args, nvml) << "\n" << Show(args, direct);
      EXPECT_EQ(WithoutBackendLines(nvml.err), WithoutBackendLines(direct.err))
          << Show(args, nvml) << "\n"
          << Show(args, direct);
    }
    if (!error.empty()) {
      EXPECT_TRUE(Contains(direct.err, error)) << Show(args, direct);
      EXPECT_TRUE(Contains(nvml.err, error)) << Show(args, nvml);
    }
    return direct;
  }

  std::string emulate_ = "2xH100-SXM5-80GB";
};

TEST_F(MigctlCcE2e, FreshNodeIsOffAndStatusUnchanged) {
  const Result show = Both({"cc", "show"});
  // §5.4: the default state is UNAVAILABLE / DISABLED / OFF / NONE, threshold 60, not ready.
  EXPECT_TRUE(Contains(show.out, "CC status: OFF\n")) << show.out;
  EXPECT_TRUE(Contains(show.out, "CC Environment: UNAVAILABLE\n")) << show.out;
  EXPECT_TRUE(Contains(show.out, "Multi-GPU Mode: none\n")) << show.out;
  EXPECT_TRUE(Contains(show.out, "GPUs CC Capable: yes\n")) << show.out;
  EXPECT_TRUE(Contains(show.out, "Confidential Compute GPUs Ready state: not-ready\n")) << show.out;
  EXPECT_TRUE(Contains(show.out, "Key Rotation Threshold (attacker advantage): 60\n")) << show.out;
  EXPECT_TRUE(Contains(show.out, "MIG with CC: refuse")) << show.out;
  const Result status = Both({"status"});
  EXPECT_FALSE(Contains(status.out, "CC mode")) << status.out;
  const Result json = Both({"status", "--json"});
  EXPECT_FALSE(Contains(json.out, "cc_mode")) << json.out;
}

TEST_F(MigctlCcE2e, ModeIsPendingUntilResetWhichClearsHopperMig) {
  Both({"mig", "enable", "-i", "0"});
  Both({"create-gi", "19", "-i", "0"});
  const Result set = Both({"cc", "set", "on", "-i", "0"});
  EXPECT_TRUE(Contains(
      set.out, "GPU 00000000:18:00.0 CC mode set to on. It will be active after GPU reset.\n"))
      << set.out;
  EXPECT_TRUE(Contains(set.out, "migctl reset -i 0")) << set.out;
  EXPECT_TRUE(Contains(set.err, "leaves MIG disabled")) << set.err;
  Result show = Both({"cc", "show", "--json"});
  EXPECT_TRUE(Contains(show.out, "\"cc_mode\": \"off\"")) << show.out;
  EXPECT_TRUE(Contains(show.out, "\"cc_mode_pending\": \"on\"")) << show.out;
  Result status = Both({"status", "-i", "0"});
  EXPECT_TRUE(Contains(status.out, "  CC mode off (pending: on until `migctl reset`)\n"))
      << status.out;
  Both({"reset", "-i", "0"});
  show = Both({"cc", "show"});
  EXPECT_TRUE(Contains(show.out, "CC status: ON\n")) << show.out;
  EXPECT_TRUE(Contains(show.out, "CC Environment: PRODUCTION\n")) << show.out;
  status = Both({"status", "-i", "0"});
  EXPECT_TRUE(Contains(status.out, "  CC mode on\n")) << status.out;
  EXPECT_TRUE(Contains(status.out, "MIG is disabled")) << status.out;  // I1: lost on reset
  // devtools: environment SIM, DevTools ON (§5.4).
  Both({"cc", "set", "devtools", "-i", "0"});
  Both({"reset", "-i", "0"});
  show = Both({"cc", "show"});
  EXPECT_TRUE(Contains(show.out, "CC Environment: SIM\n")) << show.out;
  EXPECT_TRUE(Contains(show.out, "DevTools Mode: ON\n")) << show.out;
}

TEST_F(MigctlCcE2e, DefaultPolicyRefusesMigAndApply) {
  Both({"cc", "set", "on", "-i", "0"});
  Both({"reset", "-i", "0"});
  const Result mig = Both({"mig", "enable", "-i", "0"}, 1, "Not Supported");
  EXPECT_TRUE(Contains(mig.err, "no NVIDIA driver documents MIG together with CC")) << mig.err;
  const std::string config = WriteFile(dir_ + "/configs.yaml",
                                       "version: v1\n"
                                       "mig-configs:\n"
                                       "  all-1g:\n"
                                       "    - devices: all\n"
                                       "      mig-enabled: true\n"
                                       "      mig-devices:\n"
                                       "        \"1g.10gb\": 7\n");
  const Result apply =
      Both({"apply", "-f", config, "-c", "all-1g"}, 1, "refusing to apply a MIG layout on GPU 0");
  EXPECT_TRUE(Contains(apply.err, "no NVIDIA driver documents MIG together with CC")) << apply.err;
  // GPU 1 (CC off) is untouched by the refused apply.
  EXPECT_TRUE(Contains(Both({"status", "-i", "1"}).out, "MIG is disabled"));
  const Result policy = Both({"emulator", "cc", "--mig-with-cc", "allow"});
  EXPECT_EQ(policy.out, "MIG with CC: allow\nCPU CC capability: none\n");
  Both({"mig", "enable", "-i", "0"});
  Both({"apply", "-f", config, "-c", "all-1g"});
}

TEST_F(MigctlCcE2e, ReadyStateLatchAndKeyRotationThreshold) {
  Both({"cc", "ready", "1"}, 1, "Not Supported");  // no GPU in a CC mode
  Both({"cc", "set", "on"});
  Both({"reset", "--all"});
  EXPECT_EQ(Both({"cc", "ready"}).out, "Confidential Compute GPUs Ready state: not-ready\n");
  Both({"cc", "key-rotation", "49"}, 1, "Invalid Argument");  // range 50..65 (§2, §5.1)
  Both({"cc", "key-rotation", "66"}, 1, "Invalid Argument");
  Both({"cc", "key-rotation", "55"});
  EXPECT_EQ(Both({"cc", "key-rotation", "--json"}).out, "{\n  \"key_rotation_threshold\": 55\n}\n");
  Both({"cc", "ready", "1"});
  EXPECT_EQ(Both({"cc", "ready"}).out, "Confidential Compute GPUs Ready state: ready\n");
  Both({"cc", "key-rotation", "56"}, 1, "Invalid state");  // only before ready (§5.4)
  Both({"cc", "ready", "0"});
  Both({"cc", "ready", "1"}, 1, "Invalid Argument");  // the latch (§5.4)
  Both({"cc", "ready", "maybe"}, 2, "not one of 1, 0, ready, not-ready");
}

TEST_F(MigctlCcE2e, ProtectedPcieIsNodeWideAndExcludesCc) {
  Both({"cc", "set", "ppcie", "-i", "0"}, 2, "drop -i");
  Both({"cc", "set", "on", "-i", "1"});
  const Result set = Both({"cc", "set", "ppcie"});
  EXPECT_TRUE(Contains(set.out, "It will be active after GPU reset")) << set.out;
  Both({"reset", "--all"});
  const Result show = Both({"cc", "show"});
  // §5.4: PPCIe reports ccFeature DISABLED, environment PROD, multiGpuMode PROTECTED_PCIE.
  EXPECT_TRUE(Contains(show.out, "CC status: OFF\n")) << show.out;
  EXPECT_TRUE(Contains(show.out, "CC Environment: PRODUCTION\n")) << show.out;
  EXPECT_TRUE(Contains(show.out, "Multi-GPU Mode: protected-pcie\n")) << show.out;
  Both({"cc", "set", "off"});
  Both({"reset", "--all"});
  EXPECT_TRUE(Contains(Both({"cc", "show"}).out, "Multi-GPU Mode: none\n"));
}

TEST_F(MigctlCcE2e, ModelsWithoutCcAreRefused) {
  emulate_ = "A100-SXM4-40GB";
  const Result r = Both({"cc", "set", "on"}, 1, "Not Supported");
  EXPECT_TRUE(Contains(r.err, "A100-SXM4-40GB has no confidential computing mode")) << r.err;
  EXPECT_TRUE(Contains(Both({"cc", "show"}).out, "GPUs CC Capable: no\n"));
  Both({"cc", "set", "bogus"}, 2, "off, on, devtools, ppcie");
}

}  // namespace
