// End-to-end tests of migctl's declarative-layout commands (apply, assert, export, checkpoint,
// restore, busy, schedule): each test runs the real binary (MIGCTL_PATH) against an emulated node
// in a fresh state directory and checks stdout, stderr, exit codes and - for everything that must
// not change the node - that node.json is byte-for-byte what it was. Every test runs twice: through
// NVML (migkit's emulated libnvidia-ml.so.1, MIGKIT_BACKEND=emulator) and on the emulated node
// directly (MIGKIT_BACKEND=direct); the expected results are the same.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "migctl_runner.h"

namespace {

using nlohmann::json;
using namespace migkit::e2e;  // NOLINT(build/namespaces): the runner is these tests' vocabulary
// "GPU-0d8e06df..." and "MIG-35c40f12..." become "GPU-*" and "MIG-*".
std::string WithoutUuids(std::string text) {
  for (const char* prefix : {"GPU-", "MIG-"}) {
    size_t pos = 0;
    while ((pos = text.find(prefix, pos)) != std::string::npos) {
      const size_t end = text.find("...", pos);
      if (end == std::string::npos) break;
      text.replace(pos, end + 3 - pos, std::string(prefix) + "*");
      pos += 5;
    }
  }
  return text;
}

constexpr char kConfigs[] = R"(version: v1
mig-configs:
  balanced:
    - devices: all
      mig-enabled: true
      mig-devices:
        "1g.10gb": 2
        "2g.20gb": 1
        "3g.40gb": 1
  big-and-small:
    - devices: all
      mig-enabled: true
      mig-devices:
        "3g.40gb": 1
        "1g.10gb": 4
  all-7g:
    - devices: all
      mig-enabled: true
      mig-devices:
        "7g.80gb": 1
)";

class MigctlConfigE2e : public MigctlTestBase<::testing::TestWithParam<const char*>> {
 protected:
  void SetUp() override {
    MigctlTestBase::SetUp();
    Write("configs.yaml", kConfigs);
  }

  Env Environment() const {
    Env overrides = {{"MIGKIT_EMULATE", emulate_}, {"MIGKIT_BACKEND", GetParam()}};
    for (const auto& [k, v] : extra_env_) overrides[k] = v;
    return RunEnvironment(dir_, kInheritedVariables, overrides);
  }
  Result Run(const std::vector<std::string>& args,
             const std::string& stdin_path = "/dev/null") const {
    return RunMigctl(args, Environment(), Stdin::File(stdin_path));
  }
  std::string RunOk(const std::vector<std::string>& args) const {
    const Result r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << Show(args, r);
    return r.out;
  }
  json RunJson(std::vector<std::string> args) const {
    args.push_back("--json");
    const Result r = Run(args);
    json parsed = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << Show(args, r);
    return parsed;
  }
  std::string NodeJson() const { return ReadFile(StateDir() + "/node.json"); }

  // GI ID -> MIG UUID of CI 0, for GPU `gpu`, from `migctl instances --json`.
  std::map<int, std::string> MigUuids(int gpu) const {
    std::map<int, std::string> out;
    const json list = RunJson({"instances", "-i", std::to_string(gpu)});
    for (const json& gi : list) {
      for (const json& ci : gi["cis"]) {
        if (ci["ci_id"] == 0) out[gi["gi_id"].get<int>()] = ci["uuid"].get<std::string>();
      }
    }
    return out;
  }

  std::string emulate_ = "2xH100-SXM5-80GB";
  Env extra_env_;
};

TEST_P(MigctlConfigE2e, DryRunShowsTheDiffAndChangesNothing) {
  RunOk({"apply", "-f", Path("configs.yaml"), "-c", "balanced"});
  const std::string before = NodeJson();
  const std::vector<std::string> args = {"apply", "-f", Path("configs.yaml"), "-c", "big-and-small",
                                         "-i",    "0",  "--dry-run"};
  const Result r = Run(args);
  ASSERT_EQ(r.exit_code, 0) << Show(args, r);
  EXPECT_EQ(WithoutUuids(r.out),
            "GPU 0  H100-SXM5-80GB  GPU-*  MIG enabled\n"
            "  - GI  3  2g.20gb  0:2   CI 0  2g.20gb  MIG-*\n"
            "  + GI  7  1g.10gb  0:1   CI    1g.10gb\n"
            "  + GI  8  1g.10gb  1:1   CI    1g.10gb\n"
            "  = GI  9  1g.10gb  2:1   CI 0  1g.10gb  MIG-*\n"
            "  = GI 10  1g.10gb  3:1   CI 0  1g.10gb  MIG-*\n"
            "  = GI  2  3g.40gb  4:4   CI 0  3g.40gb  MIG-*\n"
            "\n"
            "Steps:\n"
            "  1. destroy CI 0 (2g.20gb) of GI 3 on GPU 0\n"
            "  2. destroy GI 3 (2g.20gb at 0:2) on GPU 0\n"
            "  3. create GI 1g.10gb at 0:1 on GPU 0 (GI 7)\n"
            "  4. create CI 1g.10gb at 0:1 in GI 7 on GPU 0\n"
            "  5. create GI 1g.10gb at 1:1 on GPU 0 (GI 8)\n"
            "  6. create CI 1g.10gb at 0:1 in GI 8 on GPU 0\n"
            "\n"
            "Keeps 6 instances, destroys 2, creates 4 on 1 GPU.\n"
            "Dry run: nothing was changed.\n")
      << Show(args, r);
  EXPECT_EQ(NodeJson(), before);
  const json plan = RunJson(args);
  EXPECT_EQ(plan["outcome"], "planned");
  EXPECT_EQ(plan["plan"]["steps"].size(), 6u);
  EXPECT_EQ(NodeJson(), before);
}

TEST_P(MigctlConfigE2e, ApplyKeepsInstancesTheTargetAlsoWants) {
  RunOk({"apply", "-f", Path("configs.yaml"), "-c", "balanced"});
  const std::map<int, std::string> before = MigUuids(0);
  ASSERT_EQ(before.size(), 4u);
  RunOk({"apply", "-f", Path("configs.yaml"), "-c", "big-and-small"});
  const std::map<int, std::string> after = MigUuids(0);
  ASSERT_EQ(after.size(), 5u);
  // The 3g.40gb (GI 2) and the two 1g.10gb (GIs 9, 10) kept their IDs and MIG UUIDs.
  for (int gi : {2, 9, 10}) {
    ASSERT_TRUE(after.count(gi)) << gi;
    EXPECT_EQ(after.at(gi), before.at(gi)) << gi;
  }
  EXPECT_FALSE(after.count(3));  // the 2g.20gb went
  // Applying again has nothing to do.
  const std::string again = RunOk({"apply", "-f", Path("configs.yaml"), "-c", "big-and-small"});
  EXPECT_TRUE(Contains(again, "All 2 GPUs already match; nothing to do.")) << again;
}

TEST_P(MigctlConfigE2e, AssertExitsZeroWhenAppliedAndOneWithTheDifferences) {
  const std::vector<std::string> args = {"assert", "-f", Path("configs.yaml"), "-c", "balanced"};
  Result r = Run(args);
  EXPECT_EQ(r.exit_code, 1) << Show(args, r);
  EXPECT_EQ(
      r.out,
      "Config balanced is not applied on 2 of 2 GPUs:\n"
      "  GPU 0: has MIG disabled; the config wants MIG enabled: 1g.10gb x2, 2g.20gb, 3g.40gb\n"
      "  GPU 1: has MIG disabled; the config wants MIG enabled: 1g.10gb x2, 2g.20gb, 3g.40gb\n");
  RunOk({"apply", "-f", Path("configs.yaml"), "-c", "balanced"});
  r = Run(args);
  EXPECT_EQ(r.exit_code, 0) << Show(args, r);
  EXPECT_EQ(r.out, "Config balanced is applied (2 GPUs checked).\n");
  // The built-in all-balanced is the same layout on an H100.
  EXPECT_EQ(Run({"assert", "-c", "all-balanced"}).exit_code, 0);
  EXPECT_EQ(Run({"assert", "-c", "all-7g.80gb"}).exit_code, 1);
}

TEST_P(MigctlConfigE2e, ExportThenApplyRoundTrips) {
  RunOk({"apply", "-f", Path("configs.yaml"), "-c", "big-and-small", "-i", "0"});
  RunOk({"apply", "-f", Path("configs.yaml"), "-c", "all-7g", "-i", "1"});
  const std::string exported = RunOk({"export"});
  EXPECT_EQ(exported,
            "version: v1\n"
            "mig-configs:\n"
            "  current:\n"
            "    - devices: [0]\n"
            "      mig-enabled: true\n"
            "      mig-devices:\n"
            "        \"1g.10gb\": 4\n"
            "        \"3g.40gb\": 1\n"
            "    - devices: [1]\n"
            "      mig-enabled: true\n"
            "      mig-devices:\n"
            "        \"7g.80gb\": 1\n");
  const std::string file = Write("exported.yaml", exported);
  const std::string before = NodeJson();
  EXPECT_EQ(Run({"assert", "-f", file}).exit_code, 0);
  EXPECT_TRUE(Contains(RunOk({"apply", "-f", file}), "already match"));
  EXPECT_EQ(NodeJson(), before);
  // Change everything, then apply the export: the same MIG devices again.
  RunOk({"apply", "-f", Path("configs.yaml"), "-c", "balanced"});
  EXPECT_EQ(Run({"assert", "-f", file}).exit_code, 1);
  RunOk({"apply", "-f", file});
  EXPECT_EQ(Run({"assert", "-f", file}).exit_code, 0);
  // JSON export reads back too (stdin).
  const std::string json_file = Write("exported.json", RunOk({"export", "-o", "json"}));
  const Result r = Run({"assert", "-f", "-"}, json_file);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_P(MigctlConfigE2e, BusyInstancesAreRefusedUnlessForced) {
  RunOk({"apply", "-f", Path("configs.yaml"), "-c", "balanced"});
  const std::map<int, std::string> uuids = MigUuids(0);
  const std::string busy_uuid = uuids.at(2);  // the 3g.40gb at 4:4
  const std::string added = RunOk({"busy", "add", busy_uuid, "--holder", "job-42"});
  EXPECT_TRUE(Contains(added, "Marked busy: ")) << added;
  const json listed = RunJson({"busy", "list"});
  ASSERT_EQ(listed["marks"].size(), 1u);
  EXPECT_EQ(listed["marks"][0]["holder"], "job-42");
  EXPECT_EQ(listed["marks"][0]["mig_uuid"], busy_uuid);

  const std::string before = NodeJson();
  const std::vector<std::string> args = {"apply", "-f", Path("configs.yaml"), "-c", "all-7g",
                                         "-i",    "0"};
  Result r = Run(args);
  EXPECT_EQ(r.exit_code, 1) << Show(args, r);
  EXPECT_TRUE(Contains(r.err, "refusing to apply config all-7g: the plan destroys busy instances:"))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "(held by job-42): destroy CI 0 (3g.40gb) of GI 2 on GPU 0"))
      << r.err;
  EXPECT_EQ(NodeJson(), before);
  // --wait gives up after the wait when nobody releases the mark.
  r = Run({"apply", "-f", Path("configs.yaml"), "-c", "all-7g", "-i", "0", "--wait", "1s"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "waiting for 1 busy instance")) << r.err;
  EXPECT_EQ(NodeJson(), before);

  r = Run({"apply", "-f", Path("configs.yaml"), "-c", "all-7g", "-i", "0", "--force"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "(--force)")) << r.err;
  EXPECT_EQ(RunJson({"busy", "list"})["marks"].size(), 0u);  // its instance is gone
}

TEST_P(MigctlConfigE2e, BusyMarksSteerThePlanWhenTheyCan) {
  emulate_ = "1xH100-SXM5-80GB";
  Write("small.yaml", R"(version: v1
mig-configs:
  seven:
    - devices: all
      mig-enabled: true
      mig-devices:
        1g.10gb: 7
  five-and-one:
    - devices: all
      mig-enabled: true
      mig-devices:
        1g.10gb: 5
        2g.20gb: 1
)");
  RunOk({"apply", "-f", Path("small.yaml"), "-c", "seven"});
  for (const std::string gi : {"7", "8", "9", "10"}) {
    RunOk({"busy", "add", gi, "-i", "0", "--holder", "job"});
  }
  const std::string out = RunOk({"apply", "-f", Path("small.yaml"), "-c", "five-and-one"});
  // The 2g goes to 4:2, away from the busy 1g instances at 0-3.
  EXPECT_TRUE(Contains(out, "+ GI  5  2g.20gb  4:2")) << out;
  const std::string released = RunOk({"busy", "release", "7", "-i", "0"});
  EXPECT_EQ(released, "Released 1 busy mark\n");
}

// Bad files: the exact error, exit 2, and node.json byte-for-byte unchanged.
TEST_P(MigctlConfigE2e, BadFilesGiveExactErrorsAndChangeNothing) {
  RunOk({"apply", "-f", Path("configs.yaml"), "-c", "balanced"});
  const std::string before = NodeJson();
  struct Case {
    std::string text;
    std::string config;
    std::string error;  // after "<path>:"
  };
  const std::vector<Case> cases = {
      {"version: v1\nmig-configs: {a: [\n", "a",
       "3: malformed YAML: end of sequence flow not found"},
      {"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: true\n"
       "      mig-devices: {}\n      extra: 1\n",
       "a",
       "7: unknown key 'extra' in an entry of 'a'; valid keys: devices, device-filter, "
       "mig-enabled, "
       "mig-devices"},
      {"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: \"yes\"\n", "a",
       "5: 'mig-enabled' must be true or false, found \"yes\""},
      {"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: true\n"
       "      mig-devices:\n        3g.20gb: 1\n",
       "a",
       "7: profile '3g.20gb' does not exist on H100-SXM5-80GB; valid: 1g.10gb, 1g.10gb+me, "
       "1g.20gb, "
       "1c.2g.20gb, 2g.20gb, 1c.3g.40gb, 2c.3g.40gb, 3g.40gb, 1c.4g.40gb, 2c.4g.40gb, 4g.40gb, "
       "1c.7g.80gb, 2c.7g.80gb, 3c.7g.80gb, 4c.7g.80gb, 7g.80gb (GPU 0)"},
      {"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: true\n"
       "      mig-devices:\n        4g.40gb: 2\n",
       "a", "7: 4g.40gb: 2 does not fit an H100-SXM5-80GB: at most 1 (GPU 0)"},
      {"version: v1\nmig-configs:\n  a:\n    - devices: all\n      mig-enabled: true\n"
       "      mig-devices:\n        3g.40gb: 2\n        1g.10gb: 1\n",
       "a",
       "6: these mig-devices do not fit GPU 0: they need 9 memory slices and an H100-SXM5-80GB has "
       "8"},
      {"version: v1\nmig-configs:\n  a:\n    - devices: [0, 5]\n      mig-enabled: false\n", "a",
       "4: GPU index 5 in 'devices' does not exist; this node has GPUs 0-1"},
      {"version: v1\nmig-configs:\n  a:\n    - devices: 1\n      mig-enabled: false\n", "a",
       "4: 'devices' must be 'all' or a list of GPU indexes such as [0, 1], found 1"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string file = Write("bad" + std::to_string(i) + ".yaml", cases[i].text);
    for (const char* command : {"apply", "assert"}) {
      const std::vector<std::string> args = {command, "-f", file, "-c", cases[i].config};
      const Result r = Run(args);
      EXPECT_EQ(r.exit_code, 2) << Show(args, r);
      EXPECT_EQ(r.err, "migctl: error: " + file + ":" + cases[i].error + "\n") << Show(args, r);
      EXPECT_EQ(r.out, "") << Show(args, r);
      EXPECT_EQ(NodeJson(), before) << Show(args, r);
    }
  }
  const Result missing = Run({"apply", "-f", Path("configs.yaml"), "-c", "nope"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "migctl: error: " + Path("configs.yaml") +
                             " has no config 'nope'; it has: balanced, big-and-small, all-7g\n");
  EXPECT_EQ(NodeJson(), before);
}

TEST_P(MigctlConfigE2e, FailedApplyRollsBack) {
  RunOk({"apply", "-f", Path("configs.yaml"), "-c", "balanced"});
  const std::string before = NodeJson();
  extra_env_["MIGKIT_FAULTS"] = "create-gi=in_use";
  const std::vector<std::string> args = {"apply", "-f", Path("configs.yaml"), "-c",
                                         "big-and-small"};
  const Result r = Run(args);
  EXPECT_EQ(r.exit_code, 1) << Show(args, r);
  EXPECT_TRUE(Contains(
      r.err,
      "Step 3 of 12 failed: create GI 1g.10gb at 0:1 on GPU 0 (GI 7): In use by another client"))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "every GPU is back to its starting layout")) << r.err;
  EXPECT_EQ(NodeJson(), before);
}

TEST_P(MigctlConfigE2e, CheckpointAndRestoreAreExact) {
  RunOk({"apply", "-f", Path("configs.yaml"), "-c", "balanced"});
  const std::string before = NodeJson();
  const std::string saved = RunOk({"checkpoint", "-f", Path("cp.json")});
  EXPECT_EQ(saved,
            "Saved 2 GPUs (8 GPU instances, 8 compute instances) to " + Path("cp.json") + "\n");
  RunOk({"apply", "-f", Path("configs.yaml"), "-c", "all-7g"});
  EXPECT_NE(NodeJson(), before);
  const std::string dry = RunOk({"restore", "-f", Path("cp.json"), "--dry-run"});
  EXPECT_TRUE(Contains(dry, "Dry run: nothing was changed.")) << dry;
  RunOk({"restore", "-f", Path("cp.json")});
  EXPECT_EQ(NodeJson(), before);
  const std::string again = RunOk({"restore", "-f", Path("cp.json")});
  EXPECT_TRUE(Contains(again, "already match")) << again;
  const Result bad = Run({"restore", "-f", Path("configs.yaml")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Contains(bad.err, "configs.yaml: ")) << bad.err;
}

TEST_P(MigctlConfigE2e, ScheduleShowAndRun) {
  // A window that is always in force, and a default; UTC keeps the test independent of tzdata.
  Write("schedule.yaml", R"(version: v1
time-zone: UTC
config-file: configs.yaml
default: all-7g
windows:
  - name: always
    days: daily
    from: "00:00"
    to: "24:00"
    config: balanced
)");
  const std::string shown = RunOk({"schedule", "show", "-f", Path("schedule.yaml")});
  EXPECT_TRUE(Contains(shown, "balanced  (window always (daily 00:00-24:00))")) << shown;
  const Result run = Run({"schedule", "run", "-f", Path("schedule.yaml"), "--for", "1s"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(Contains(run.err, "applying balanced (window always (daily 00:00-24:00))"))
      << run.err;
  EXPECT_TRUE(Contains(run.err, "balanced: applied: ")) << run.err;
  EXPECT_EQ(Run({"assert", "-f", Path("configs.yaml"), "-c", "balanced"}).exit_code, 0);

  Write("bad-schedule.yaml", "version: v1\ntime-zone: UTC\ndefault: nope\n");
  const Result bad = Run({"schedule", "show", "-f", Path("bad-schedule.yaml")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Contains(bad.err, "config 'nope' is not in <built-in configs>")) << bad.err;
}

// mig-parted's all-1g.10gb / all-1g.20gb (built in, as in its example config) select the
// double-memory 1g profile (index 9, 1_SLICE_REV2) on A100-40GB (4 x 1g.10gb) and H100 (4 x
// 1g.20gb; its all-1g.10gb is 7 x the single-memory 1g.10gb) [mig-facts.md §3.2, §3.5]. The CI
// that -C creates there is profile 7; go-nvlib creates profile 0: both are the same MIG device to
// assert and export.
TEST_P(MigctlConfigE2e, AllOneGDoubleMemoryConfigsApplyAndAssert) {
  emulate_ = "A100-SXM4-40GB,H100-SXM5-80GB";
  RunOk({"apply", "-c", "all-1g.10gb"});
  EXPECT_EQ(Run({"assert", "-c", "all-1g.10gb"}).exit_code, 0);
  EXPECT_EQ(RunOk({"export"}),
            "version: v1\n"
            "mig-configs:\n"
            "  current:\n"
            "    - devices: [0]\n"
            "      mig-enabled: true\n"
            "      mig-devices:\n"
            "        \"1g.10gb\": 4\n"
            "    - devices: [1]\n"
            "      mig-enabled: true\n"
            "      mig-devices:\n"
            "        \"1g.10gb\": 7\n");
  // The A100's GIs are profile 15 at 0:2, 2:2, 4:2, 6:2 -> GI IDs 3, 4, 5, 6 (§4.2), each with
  // the default CI 7.
  json gis = RunJson({"instances", "-i", "0"});
  ASSERT_EQ(gis.size(), 4u) << gis.dump();
  for (const json& gi : gis) {
    EXPECT_EQ(gi["profile_id"], 15) << gi.dump();
    ASSERT_EQ(gi["cis"].size(), 1u) << gi.dump();
    EXPECT_EQ(gi["cis"][0]["profile_id"], 7) << gi.dump();
  }

  RunOk({"apply", "-c", "all-1g.20gb", "-i", "1"});
  EXPECT_EQ(Run({"assert", "-c", "all-1g.20gb", "-i", "1"}).exit_code, 0);
  // Recreate one H100 CI as go-nvlib does, with CI profile 0: still applied, same export.
  gis = RunJson({"instances", "-i", "1"});
  ASSERT_EQ(gis.size(), 4u) << gis.dump();
  const std::string gi_id = std::to_string(gis[0]["gi_id"].get<int>());
  RunOk({"destroy-ci", "-i", "1", "--gi", gi_id, "--ci", "0"});
  RunOk({"create-ci", "-i", "1", "--gi", gi_id, "0"});
  gis = RunJson({"instances", "-i", "1"});
  EXPECT_EQ(gis[0]["cis"][0]["profile_id"], 0) << gis.dump();
  EXPECT_EQ(Run({"assert", "-c", "all-1g.20gb", "-i", "1"}).exit_code, 0);
  const std::string again = RunOk({"apply", "-c", "all-1g.20gb", "-i", "1"});
  EXPECT_TRUE(Contains(again, "already match")) << again;
  EXPECT_TRUE(Contains(RunOk({"export", "-i", "1"}), "\"1g.20gb\": 4\n"));
}

TEST_P(MigctlConfigE2e, CommandsHaveHelp) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"apply", "--help"},
                                             {"assert", "--help"},
                                             {"export", "--help"},
                                             {"checkpoint", "--help"},
                                             {"restore", "--help"},
                                             {"busy", "add", "--help"},
                                             {"schedule", "run", "--help"}}) {
    const Result r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << Show(args, r);
    EXPECT_TRUE(Contains(r.out, "Examples:")) << Show(args, r);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, MigctlConfigE2e, ::testing::Values("emulator", "direct"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param) == "emulator" ? "ThroughNvml" : "Direct";
                         });

}  // namespace
