#include "reconfig/plan.h"

#include <gtest/gtest.h>

#include "reconfig/apply.h"
#include "reconfig/plan_format.h"
#include "reconfig/test_support.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

constexpr char kConfigs[] = R"(version: v1
mig-configs:
  all-1g:
    - devices: all
      mig-enabled: true
      mig-devices:
        1g.10gb: 7
  five-1g-one-2g:
    - devices: all
      mig-enabled: true
      mig-devices:
        1g.10gb: 5
        2g.20gb: 1
  balanced:
    - devices: all
      mig-enabled: true
      mig-devices:
        1g.10gb: 2
        2g.20gb: 1
        3g.40gb: 1
  big-and-small:
    - devices: all
      mig-enabled: true
      mig-devices:
        3g.40gb: 1
        1g.10gb: 4
  off:
    - devices: all
      mig-enabled: false
)";

class PlanTest : public ::testing::Test {
 protected:
  void Start(const std::string& spec, const std::string& config) {
    node_ = NewTestNode(&env_, "/node", spec);
    if (!config.empty())
      MustApply(node_.get(), &env_, ConfigDesired(kConfigs, config, MustSnapshot(node_.get())));
  }
  Plan PlanTo(const std::string& config, const PlanOptions& options = {}) {
    const std::vector<GpuInfo> gpus = MustSnapshot(node_.get());
    StatusOr<Plan> plan = PlanDesired(ConfigDesired(kConfigs, config, gpus), gpus, {}, options);
    EXPECT_OK(plan);
    return plan.ok() ? *plan : Plan{};
  }

  MemEnv env_;
  std::unique_ptr<EmulatedNode> node_;
};

// UUIDs depend on the emulator's seed; the diff's shape is what is pinned here.
std::string WithoutUuids(std::string text) {
  for (const char* prefix : {"GPU-", "MIG-"}) {
    size_t pos = 0;
    while ((pos = text.find(prefix, pos)) != std::string::npos) {
      const size_t end = text.find("...", pos);
      text.replace(pos, end + 3 - pos, std::string(prefix) + "*");
      pos += 5;
    }
  }
  return text;
}

TEST_F(PlanTest, ShowsAReadableDiffThatKeepsRunningInstances) {
  Start("2xH100-SXM5-80GB", "balanced");
  const std::vector<GpuInfo> gpus = MustSnapshot(node_.get());
  Desired d = ConfigDesired(kConfigs, "big-and-small", gpus);
  d.configs.resize(1);  // GPU 0 only; GPU 1 has no target and is not shown
  ASSERT_OK_AND_ASSIGN(Plan plan, PlanDesired(d, gpus, {}, {}));
  EXPECT_EQ(WithoutUuids(FormatPlan(plan)),
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
            "Keeps 6 instances, destroys 2, creates 4 on 1 GPU.\n");
}

TEST_F(PlanTest, DestroysOnlyWhatMustGo) {
  Start("1xH100-SXM5-80GB", "all-1g");
  const Plan plan = PlanTo("five-1g-one-2g");
  ASSERT_EQ(plan.gpus.size(), 1u);
  EXPECT_EQ(plan.gpus[0].kept, 10);      // five 1g GIs with their CIs
  EXPECT_EQ(plan.gpus[0].destroyed, 4);  // two 1g GIs with their CIs
  EXPECT_EQ(plan.gpus[0].created, 2);    // the 2g GI and its CI
}

TEST_F(PlanTest, AlreadyAppliedIsEmpty) {
  Start("2xH100-SXM5-80GB", "balanced");
  const Plan plan = PlanTo("balanced");
  EXPECT_TRUE(plan.empty());
  EXPECT_EQ(PlanSummary(plan), "All 2 GPUs already match; nothing to do.");
}

TEST_F(PlanTest, ResetsAmpereOnlyWhenAllowedAndEmpty) {
  Start("1xA100-SXM4-40GB", "");
  const std::vector<GpuInfo> gpus = MustSnapshot(node_.get());
  const char* yaml = R"(version: v1
mig-configs:
  on:
    - devices: all
      mig-enabled: true
      mig-devices:
        1g.5gb: 7
)";
  PlanOptions no_reset;
  no_reset.allow_reset = false;
  EXPECT_EQ(PlanDesired(ConfigDesired(yaml, "on", gpus), gpus, {}, no_reset).status(),
            Status::ResetRequired("GPU 0 (A100-SXM4-40GB): enabling MIG takes effect only after a "
                                  "GPU reset, and resets are not allowed (--skip-reset)"));
  ASSERT_OK_AND_ASSIGN(Plan plan, PlanDesired(ConfigDesired(yaml, "on", gpus), gpus, {}, {}));
  ASSERT_GE(plan.steps.size(), 2u);
  EXPECT_EQ(plan.steps[0].Describe(), "enable MIG on GPU 0");
  EXPECT_EQ(plan.steps[1].Describe(), "reset GPU 0 (makes the MIG mode change take effect)");
  EXPECT_EQ(plan.steps.size(), 2u + 14u);
}

TEST_F(PlanTest, DisablingDestroysEverythingFirst) {
  Start("1xH100-SXM5-80GB", "balanced");
  const Plan plan = PlanTo("off");
  ASSERT_EQ(plan.steps.size(), 9u);
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_TRUE(plan.steps[i].kind == StepKind::kDestroyComputeInstance ||
                plan.steps[i].kind == StepKind::kDestroyGpuInstance);
  }
  EXPECT_EQ(plan.steps[8].Describe(), "disable MIG on GPU 0");
}

TEST_F(PlanTest, JsonHasStepsAndOperations) {
  Start("1xH100-SXM5-80GB", "all-1g");
  const nlohmann::json j = PlanJson(PlanTo("five-1g-one-2g"));
  ASSERT_EQ(j["steps"].size(), 6u);
  EXPECT_EQ(j["steps"][0]["kind"], "destroy-ci");
  EXPECT_EQ(j["steps"][5]["kind"], "create-ci");
  EXPECT_EQ(j["gpus"][0]["kept"], 10);
}

}  // namespace
}  // namespace migkit
