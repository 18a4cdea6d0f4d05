#include "reconfig/executor.h"

#include <gtest/gtest.h>

#include "emu/node_state.h"
#include "reconfig/apply.h"
#include "reconfig/test_support.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

constexpr char kConfigs[] = R"(version: v1
mig-configs:
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
  split:
    - devices: [0]
      mig-enabled: true
      mig-devices:
        1c.3g.40gb: 3
        2c.4g.40gb: 2
    - devices: [1]
      mig-enabled: false
  off:
    - devices: all
      mig-enabled: false
  a100-balanced:
    - devices: all
      mig-enabled: true
      mig-devices:
        1g.5gb: 2
        2g.10gb: 1
        3g.20gb: 1
)";

struct Transition {
  const char* spec;
  const char* from;  // "" for a fresh node (MIG off)
  const char* to;
};

class RollbackTest : public ::testing::TestWithParam<Transition> {};

// Fails the k-th mutating call of the plan for every k and checks that the node comes back to the
// starting layout exactly: node.json is byte-for-byte what it was (same GI IDs, CI IDs, placements;
// MIG UUIDs derive from those).
TEST_P(RollbackTest, FailureAtEveryStepRestoresTheStartingLayout) {
  const Transition& t = GetParam();
  size_t steps = 0;
  for (size_t k = 1;; ++k) {
    MemEnv env;
    std::unique_ptr<EmulatedNode> node = NewTestNode(&env, "/n", t.spec);
    if (*t.from)
      MustApply(node.get(), &env, ConfigDesired(kConfigs, t.from, MustSnapshot(node.get())));
    const std::string before = env.Contents("/n/node.json");
    const std::vector<GpuInfo> start = MustSnapshot(node.get());
    ASSERT_OK_AND_ASSIGN(Plan plan,
                         PlanDesired(ConfigDesired(kConfigs, t.to, start), start, {}, {}));
    steps = plan.steps.size();
    ASSERT_GT(steps, 0u);
    if (k > steps) break;
    FailingBackend failing(node.get(), static_cast<int>(k), Code::kInsufficientResources);
    const ExecutionReport report = ExecutePlan(&failing, plan, start);
    EXPECT_FALSE(report.ok);
    ASSERT_TRUE(report.failed_step.has_value());
    EXPECT_EQ(*report.failed_step, k - 1);
    EXPECT_EQ(report.error.code(), Code::kInsufficientResources);
    EXPECT_TRUE(report.rolled_back);
    EXPECT_OK(report.rollback_status);
    EXPECT_TRUE(report.restored) << "failing step " << k << ":\n" << report.Summary(plan);
    EXPECT_EQ(env.Contents("/n/node.json"), before) << "failing step " << k;
  }
  EXPECT_GT(steps, 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Transitions, RollbackTest,
    ::testing::Values(Transition{"2xH100-SXM5-80GB", "balanced", "big-and-small"},
                      Transition{"2xH100-SXM5-80GB", "balanced", "split"},
                      Transition{"2xH100-SXM5-80GB", "split", "balanced"},
                      Transition{"1xH100-SXM5-80GB", "", "balanced"},
                      Transition{"1xH100-SXM5-80GB", "balanced", "off"},
                      // Ampere: enabling needs a reset, rolling back needs another.
                      Transition{"1xA100-SXM4-40GB", "", "a100-balanced"},
                      Transition{"1xA100-SXM4-40GB", "a100-balanced", "off"}));

TEST(Executor, RollsBackAfterAnEmulatorFault) {
  MemEnv env;
  std::unique_ptr<EmulatedNode> node = NewTestNode(&env, "/n", "1xH100-SXM5-80GB");
  MustApply(node.get(), &env, ConfigDesired(kConfigs, "balanced", MustSnapshot(node.get())));
  const std::string before = env.Contents("/n/node.json");
  // The emulator's own fault injection (src/emu/faults.h): the second GI creation fails.
  ASSERT_OK(node->AddFault(FaultRule{FaultOp::kCreateGpuInstance, 0, Code::kInUse, 1}));
  const std::vector<GpuInfo> start = MustSnapshot(node.get());
  ASSERT_OK_AND_ASSIGN(Plan plan,
                       PlanDesired(ConfigDesired(kConfigs, "big-and-small", start), start, {}, {}));
  std::vector<std::string> log;
  ExecuteOptions options;
  options.log = [&](const std::string& line) { log.push_back(line); };
  const ExecutionReport report = ExecutePlan(node.get(), plan, start, options);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.error.code(), Code::kInUse);
  EXPECT_TRUE(report.restored);
  // The fault was consumed, so the file differs only in its fault list.
  StatusOr<NodeState> state = node->Load();
  ASSERT_OK(state);
  EXPECT_TRUE(state->faults.empty());
  EXPECT_EQ(SerializeNodeState(*state), before);
  ASSERT_FALSE(log.empty());
  EXPECT_NE(report.Summary(plan).find("every GPU is back to its starting layout"),
            std::string::npos)
      << report.Summary(plan);
}

}  // namespace
}  // namespace migkit
