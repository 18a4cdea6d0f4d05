#include "config/assert.h"

#include <gtest/gtest.h>

#include "config/resolve.h"
#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

TEST(CheckApplied, ComparesModeAndMigDevices) {
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  std::vector<GpuInfo> gpus(3);
  for (int i = 0; i < 3; ++i) {
    gpus[i].index = i;
    gpus[i].model = &h100;
  }
  // GPU 0: two 3g.40gb; GPU 1: one 3g.40gb; GPU 2: MIG off.
  for (int i : {0, 1}) {
    gpus[i].state.mig_current = gpus[i].state.mig_pending = true;
    for (int start : i == 0 ? std::vector<int>{0, 4} : std::vector<int>{4}) {
      ASSERT_OK_AND_ASSIGN(GpuInstance gi, CreateGpuInstance(h100, &gpus[i].state, 9, start));
      ASSERT_OK(CreateComputeInstance(h100, &gpus[i].state, gi.id, 2, std::nullopt));
    }
  }
  ASSERT_OK_AND_ASSIGN(MigConfigFile file, ParseMigConfigFile(R"(version: v1
mig-configs:
  two:
    - devices: [0, 1, 2]
      mig-enabled: true
      mig-devices:
        3g.40gb: 2
)",
                                                              "c.yaml"));
  ASSERT_OK_AND_ASSIGN(std::vector<GpuTarget> targets,
                       ResolveConfig(file, *file.Find("two"), gpus));
  std::vector<GpuMismatch> m = CheckApplied(gpus, targets);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].ToString(),
            "GPU 1: has MIG enabled: 3g.40gb; the config wants MIG enabled: 3g.40gb x2");
  EXPECT_EQ(m[1].ToString(), "GPU 2: has MIG disabled; the config wants MIG enabled: 3g.40gb x2");

  // A GI without a CI is a mismatch even when the MIG devices agree: GPU 1 gets an empty 1g GI.
  ASSERT_OK(CreateGpuInstance(h100, &gpus[1].state, 19, 0));
  ASSERT_OK_AND_ASSIGN(MigConfigFile one, ParseMigConfigFile(R"(version: v1
mig-configs:
  one:
    - devices: [1]
      mig-enabled: true
      mig-devices:
        3g.40gb: 1
)",
                                                             "one.yaml"));
  ASSERT_OK_AND_ASSIGN(targets, ResolveConfig(one, *one.Find("one"), gpus));
  m = CheckApplied(gpus, targets);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].ToString(),
            "GPU 1: has MIG enabled: 3g.40gb and 1 GPU instance without compute instances; the "
            "config wants MIG enabled: 3g.40gb");
}

}  // namespace
}  // namespace migkit
