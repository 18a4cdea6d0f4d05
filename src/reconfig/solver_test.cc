#include "reconfig/solver.h"

#include <gtest/gtest.h>

#include "reconfig/test_support.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

TEST(Solver, PrefersKeepingBusyInstances) {
  MemEnv env;
  auto node = NewTestNode(&env, "/n", "1xH100-SXM5-80GB");
  const char* yaml = R"(version: v1
mig-configs:
  all-1g:
    - devices: all
      mig-enabled: true
      mig-devices:
        1g.10gb: 7
  five:
    - devices: all
      mig-enabled: true
      mig-devices:
        1g.10gb: 5
        2g.20gb: 1
)";
  MustApply(node.get(), &env, ConfigDesired(yaml, "all-1g", MustSnapshot(node.get())));
  const std::vector<GpuInfo> gpus = MustSnapshot(node.get());
  const Desired five = ConfigDesired(yaml, "five", gpus);
  // Unmarked: some pair of 1g GIs goes to make room for the 2g.
  ASSERT_OK_AND_ASSIGN(Solution free, SolveLayout(gpus[0], five.configs[0], {}));
  EXPECT_EQ(free.kept_gis, 5);
  EXPECT_EQ(free.destroyed_gis, 2);
  EXPECT_EQ(free.destroyed_busy, 0);
  // Mark the 1g GIs at 0, 1, 2, 3 (IDs 7-10) busy: the 2g must go to 4:2.
  std::vector<BusyMark> marks;
  for (int id : {7, 8, 9, 10})
    marks.push_back(BusyMark{gpus[0].uuid, id, std::nullopt, "job", 0, std::nullopt});
  ASSERT_OK_AND_ASSIGN(Solution busy, SolveLayout(gpus[0], five.configs[0], marks));
  EXPECT_EQ(busy.destroyed_gis, 2);
  EXPECT_EQ(busy.destroyed_busy, 0);
  bool two_g_at_4 = false;
  for (const TargetGi& gi : busy.layout.gis)
    two_g_at_4 |= gi.profile_id == 14 && gi.placement.start == 4;
  EXPECT_TRUE(two_g_at_4);
  // Every 1g marked busy: something busy must go, and the solver says so.
  for (int id : {11, 12, 13})
    marks.push_back(BusyMark{gpus[0].uuid, id, 0, "job", 0, std::nullopt});
  ASSERT_OK_AND_ASSIGN(Solution forced, SolveLayout(gpus[0], five.configs[0], marks));
  // Two GIs go, and each counts twice: the GI and its CI are both covered by a mark.
  EXPECT_EQ(forced.destroyed_gis, 2);
  EXPECT_EQ(forced.destroyed_busy, 4);
}

TEST(Solver, KeepsAGpuInstanceAndAddsTheMissingComputeInstances) {
  MemEnv env;
  auto node = NewTestNode(&env, "/n", "1xH100-SXM5-80GB");
  Status activation;
  ASSERT_OK(node->SetMigMode(0, true, &activation));
  ASSERT_OK_AND_ASSIGN(GpuInstance gi, node->CreateGpuInstance(0, 9, 4));  // 3g.40gb at 4:4, no CI
  ASSERT_OK(node->CreateComputeInstance(0, gi.id, 0, 0));                  // one 1c.3g.40gb
  const std::vector<GpuInfo> gpus = MustSnapshot(node.get());
  const char* yaml = R"(version: v1
mig-configs:
  split:
    - devices: all
      mig-enabled: true
      mig-devices:
        1c.3g.40gb: 3
)";
  ASSERT_OK_AND_ASSIGN(Solution s,
                       SolveLayout(gpus[0], ConfigDesired(yaml, "split", gpus).configs[0], {}));
  EXPECT_EQ(s.kept_gis, 1);
  EXPECT_EQ(s.destroyed_gis, 0);
  EXPECT_EQ(s.destroyed_cis, 0);
  ASSERT_EQ(s.layout.gis.size(), 1u);
  EXPECT_EQ(s.layout.gis[0].placement, (Placement{4, 4}));
  ASSERT_EQ(s.layout.gis[0].cis.size(), 3u);
  EXPECT_EQ(s.layout.gis[0].cis[0].id, 0);
}

}  // namespace
}  // namespace migkit
