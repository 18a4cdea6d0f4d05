// End-to-end tests of `migctl plan`: run the real binary (MIGCTL_PATH) with a private state
// directory, check its config, summary, JSON and exit codes, and that a plan applies on the
// emulated node through `migctl apply`.
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

class MigctlPlanE2e : public MigctlTestBase<> {
 protected:
  Env Environment() const {
    std::vector<std::string> inherited = kInheritedVariables;
    inherited.push_back("MIGKIT_BACKEND");
    return RunEnvironment(dir_, inherited, {{"MIGKIT_EMULATE", emulate_}});
  }
  Result Run(const std::vector<std::string>& args) const { return RunMigctl(args, Environment()); }
  std::string RunOk(const std::vector<std::string>& args) const {
    const Result r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << Show(args, r);
    return r.out;
  }
  json RunJson(std::vector<std::string> args, int exit_code = 0) const {
    args.push_back("--json");
    const Result r = Run(args);
    EXPECT_EQ(r.exit_code, exit_code) << Show(args, r);
    json parsed = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(parsed.is_discarded()) << Show(args, r);
    return parsed;
  }
  std::string emulate_;
};

TEST_F(MigctlPlanE2e, PrintsTheConfigOnStdoutAndTheSummaryOnStderr) {
  const std::vector<std::string> args = {"plan", "--fleet", "8xH100-SXM5-80GB", "--demand",
                                         "1g.10gb=7,7g.80gb=1"};
  const Result r = Run(args);
  ASSERT_EQ(r.exit_code, 0) << Show(args, r);
  EXPECT_EQ(r.out,
            "# Written by migctl plan for fleet 8xH100-SXM5-80GB.\n"
            "# 2 GPUs used, lower bound 2, 0 instances unmet.\n"
            "version: v1\n"
            "mig-configs:\n"
            "  migkit-plan:\n"
            "    - devices: [0]\n"
            "      mig-enabled: true\n"
            "      mig-devices:\n"
            "        1g.10gb: 7\n"
            "    - devices: [1]\n"
            "      mig-enabled: true\n"
            "      mig-devices:\n"
            "        7g.80gb: 1\n"
            "    - devices: [2, 3, 4, 5, 6, 7]\n"
            "      mig-enabled: true\n"
            "      mig-devices: {}\n")
      << Show(args, r);
  EXPECT_TRUE(Contains(r.err, "  GPUs used     2 of 8; lower bound 2 (LP 2.00), gap 0\n"))
      << Show(args, r);
  EXPECT_TRUE(Contains(r.err, "proven optimal")) << Show(args, r);
}

TEST_F(MigctlPlanE2e, JsonHasTheSummaryAndTheLayouts) {
  const json j = RunJson({"plan", "--fleet", "4xH100-SXM5-80GB,2xA100-SXM4-40GB", "--demand",
                          "3g.40gb=3;mem>=9GiB,count=9", "--mode", "exact"});
  for (const char* key : {"gpus_used", "lower_bound", "gap", "unmet", "optimal", "layouts",
                          "stranded", "config", "demand", "lp_bound"}) {
    EXPECT_TRUE(j.contains(key)) << key << "\n" << j.dump(2);
  }
  EXPECT_EQ(j["unmet"], 0);
  EXPECT_EQ(j["optimal"], true);
  EXPECT_EQ(j["gpus_used"], j["lower_bound"]);
  EXPECT_EQ(j["layouts"].size(), 6u);
  EXPECT_EQ(j["demand"][1]["profiles"]["A100-SXM4-40GB"], "1g.10gb");
  EXPECT_EQ(j["demand"][1]["profiles"]["H100-SXM5-80GB"], "1g.10gb");
}

TEST_F(MigctlPlanE2e, WritesTheConfigWithDashO) {
  const std::string path = dir_ + "/plan.yaml";
  const std::string out = RunOk({"plan", "--fleet", "2xA100-SXM4-40GB", "--demand", "3g.20gb=4",
                                 "-o", path, "--config-name", "training"});
  EXPECT_TRUE(Contains(out, "GPUs used     2 of 2; lower bound 2")) << out;
  EXPECT_TRUE(Contains(out, "apply it with: migctl apply -f " + path + " -c training")) << out;
  EXPECT_TRUE(Contains(ReadFile(path), "  training:\n    - devices: [0, 1]\n")) << ReadFile(path);
}

TEST_F(MigctlPlanE2e, DemandFromAFile) {
  const std::string file = Write("demand.yaml",
                                 "fleet: 3xH100-SXM5-80GB\n"
                                 "demand:\n"
                                 "  - {profile: 4g.40gb, count: 2}\n"
                                 "  - {name: small, mem: 9GiB, count: 4}\n");
  const json j = RunJson({"plan", "-f", file});
  EXPECT_EQ(j["fleet"], "3xH100-SXM5-80GB");
  EXPECT_EQ(j["gpus_used"], 2);
  EXPECT_EQ(j["demand"][1]["item"], "small");
}

TEST_F(MigctlPlanE2e, ATooSmallFleetExitsOneAndStillPlans) {
  const std::vector<std::string> args = {"plan", "--fleet", "H100-SXM5-80GB", "--demand",
                                         "4g.40gb=2"};
  const Result r = Run(args);
  EXPECT_EQ(r.exit_code, 1) << Show(args, r);
  EXPECT_TRUE(Contains(r.out, "4g.40gb: 1")) << Show(args, r);
  EXPECT_TRUE(Contains(r.err,
                       "migctl: error: 1 of 2 instances do not fit the fleet "
                       "H100-SXM5-80GB (the plan places the rest)\n"))
      << Show(args, r);
}

TEST_F(MigctlPlanE2e, BadInputIsAUsageErrorThatSaysWhatIsValid) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::string bad_file = Write("bad.yaml", "demand:\n  - profile: 1g.10gb\n    cnt: 2\n");
  const std::vector<Case> cases = {
      {{"plan", "--fleet", "H100-SXM5-80GB", "--demand", "1g.10gb=x"},
       "migctl: error: bad demand item '1g.10gb=x': the count must be a whole number from 0 to "
       "10000000, found 'x'\n"},
      {{"plan", "--fleet", "H100-SXM5-80GB", "--demand", "3g.20gb=1"},
       "migctl: error: demand item 1: unknown profile '3g.20gb': no GPU model in the fleet has it "
       "(H100-SXM5-80GB offers 1g.10gb, 2g.20gb, 3g.40gb, 4g.40gb, 7g.80gb, 1g.20gb)\n"},
      {{"plan", "--fleet", "H100-SXM5-80GB", "-f", bad_file},
       "migctl: error: " + bad_file +
           ":3: unknown key 'cnt' in a demand item (valid: name, "
           "profile, mem, sms, slices, count)\n"},
      {{"plan", "--fleet", "H100-SXM5-80GB"},
       "migctl: error: no demand: give --demand (e.g. 1g.10gb=20,3g.40gb=4 or "
       "mem>=20GiB,sms>=30,count=12) or -f FILE\n"},
      {{"plan", "--fleet", "H100-SXM5-80GB", "--demand", "1g.10gb=1", "--mode", "best"},
       "migctl: error: unknown --mode 'best' (valid: auto, exact, fast)\n"},
      {{"plan", "--fleet", "H100-SXM5-80GB", "--demand", "1g.10gb=1", "--replan"},
       "migctl: error: --replan needs the current layouts: use --from-node, or --current FILE "
       "with a config exported by `migctl export`\n"},
  };
  for (const Case& c : cases) {
    const Result r = Run(c.args);
    EXPECT_EQ(r.exit_code, 2) << Show(c.args, r);
    EXPECT_EQ(r.err, c.message) << Show(c.args, r);
    EXPECT_EQ(r.out, "") << Show(c.args, r);
  }
  const Result fleet = Run({"plan", "--fleet", "4xV100", "--demand", "1g.10gb=1"});
  EXPECT_EQ(fleet.exit_code, 2);
  EXPECT_TRUE(Contains(fleet.err,
                       "migctl: error: unknown GPU model 'V100' in fleet '4xV100'; "
                       "known models: "))
      << fleet.err;
}

TEST_F(MigctlPlanE2e, ReplanFromAnExportedConfig) {
  const std::string current = Write("current.yaml",
                                    "version: v1\n"
                                    "mig-configs:\n"
                                    "  current:\n"
                                    "    - devices: [0]\n"
                                    "      mig-enabled: true\n"
                                    "      mig-devices:\n"
                                    "        3g.40gb: 2\n"
                                    "    - devices: [1]\n"
                                    "      mig-enabled: true\n"
                                    "      mig-devices:\n"
                                    "        1g.10gb: 7\n");
  const json j = RunJson({"plan", "--fleet", "2xH100-SXM5-80GB", "--current", current, "--replan",
                          "--demand", "3g.40gb=1,4g.40gb=1,1g.10gb=3"});
  // A 4g needs slices 0-3: one 3g (GPU 0) or four 1g (GPU 1) must go; the 3g is fewer.
  EXPECT_EQ(j["destroyed"], 1);
  EXPECT_EQ(j["destroyed_lower_bound"], 1);
  EXPECT_EQ(j["kept"], 8);
  EXPECT_EQ(j["layouts"][0]["destroy"][0]["profile"], "3g.40gb");
  EXPECT_EQ(j["layouts"][0]["destroy"][0]["start"], 0);
}

TEST_F(MigctlPlanE2e, PlanThenApplyOnTheEmulatedNode) {
  // Two models (Hopper: MIG mode changes need no reset). 3g.40gb is 3g.47gb on the H100 NVL.
  emulate_ = "2xH100-SXM5-80GB,2xH100-NVL-94GB";
  const std::string path = dir_ + "/plan.yaml";
  RunOk({"plan", "--from-node", "--demand", "3g.40gb=3,1g.10gb=9,2g.20gb=1", "-o", path});
  RunOk({"apply", "-f", path, "-c", "migkit-plan", "--dry-run"});
  RunOk({"apply", "-f", path, "-c", "migkit-plan"});
  RunOk({"assert", "-f", path, "-c", "migkit-plan"});
  // Planning again for the same demand from the node keeps everything.
  const json j =
      RunJson({"plan", "--from-node", "--replan", "--demand", "3g.40gb=3,1g.10gb=9,2g.20gb=1"});
  EXPECT_EQ(j["destroyed"], 0);
  EXPECT_EQ(j["created"], 0);
  EXPECT_EQ(j["kept"], 13);
}

TEST_F(MigctlPlanE2e, HelpDescribesEveryFlag) {
  const std::string help = RunOk({"plan", "--help"});
  for (const char* flag :
       {"--fleet", "--from-node", "--demand", "--demand-file", "--mode", "--time-limit", "--replan",
        "--json", "--output", "--current", "--gpus-per-node", "--unused", "Examples:"}) {
    EXPECT_TRUE(Contains(help, flag)) << flag << "\n" << help;
  }
}

}  // namespace
