#include "deviceplugin/resources.h"

#include <gtest/gtest.h>

#include "deviceplugin/preferred_allocation.h"
#include "reconfig/test_support.h"
#include "testing/mem_env.h"

namespace migkit {
namespace {

constexpr char kMixedConfig[] = R"(version: v1
mig-configs:
  mixed:
    - devices: [0]
      mig-enabled: true
      mig-devices: {"3g.40gb": 2}
    - devices: [1]
      mig-enabled: true
      mig-devices: {"1g.10gb": 7}
    - devices: [2]
      mig-enabled: false
  mixed-modes:
    - devices: [0, 1]
      mig-enabled: true
      mig-devices: {"1g.10gb": 7}
    - devices: [2]
      mig-enabled: false
  all-1g:
    - devices: all
      mig-enabled: true
      mig-devices: {"1g.10gb": 7}
)";

class ResourcesTest : public ::testing::Test {
 protected:
  std::vector<GpuInfo> Apply(const std::string& spec, const std::string& config) {
    node_ = NewTestNode(&env_, "/state", spec);
    MustApply(node_.get(), &env_, ConfigDesired(kMixedConfig, config, MustSnapshot(node_.get())));
    return MustSnapshot(node_.get());
  }
  MemEnv env_;
  std::unique_ptr<EmulatedNode> node_;
};

TEST_F(ResourcesTest, MixedNamesEachProfileAsNvidiaDoes) {
  const std::vector<GpuInfo> gpus = Apply("3xH100-SXM5-80GB", "mixed");
  auto resources = DevicesByResource(gpus, MigStrategy::kMixed);
  ASSERT_TRUE(resources.ok()) << resources.status().ToString();
  ASSERT_EQ(resources->size(), 3u);
  EXPECT_EQ(resources->at("nvidia.com/mig-3g.40gb").size(), 2u);
  EXPECT_EQ(resources->at("nvidia.com/mig-1g.10gb").size(), 7u);
  ASSERT_EQ(resources->at("nvidia.com/gpu").size(), 1u);
  EXPECT_EQ(resources->at("nvidia.com/gpu")[0].id, gpus[2].uuid);
  const PluginDevice& first = resources->at("nvidia.com/mig-3g.40gb")[0];
  EXPECT_EQ(first.gpu, 0);
  EXPECT_EQ(first.id, gpus[0].mig_uuids.at({first.gi_id, first.ci_id}));
}

TEST_F(ResourcesTest, SingleRefusesMixedProfilesAndNoneIgnoresMig) {
  const std::vector<GpuInfo> gpus = Apply("3xH100-SXM5-80GB", "mixed");
  auto single = DevicesByResource(gpus, MigStrategy::kSingle);
  ASSERT_FALSE(single.ok());
  EXPECT_NE(single.status().message().find("one MIG profile on the whole node; found 3g.40gb and "
                                           "1g.10gb (on GPU 1)"),
            std::string::npos)
      << single.status().ToString();
  auto none = DevicesByResource(gpus, MigStrategy::kNone);
  ASSERT_TRUE(none.ok());
  ASSERT_EQ(none->size(), 1u);
  EXPECT_EQ(none->at("nvidia.com/gpu").size(), 3u);
}

TEST_F(ResourcesTest, SingleAdvertisesIdenticalMigDevicesAsGpus) {
  const std::vector<GpuInfo> gpus = Apply("2xH100-SXM5-80GB", "all-1g");
  auto single = DevicesByResource(gpus, MigStrategy::kSingle);
  ASSERT_TRUE(single.ok()) << single.status().ToString();
  ASSERT_EQ(single->size(), 1u);
  EXPECT_EQ(single->at("nvidia.com/gpu").size(), 14u);
  EXPECT_TRUE(single->at("nvidia.com/gpu")[0].id.starts_with("MIG-"));
  // GPU 2 with MIG off next to MIG GPUs.
  auto modes = DevicesByResource(Apply("3xH100-SXM5-80GB", "mixed-modes"), MigStrategy::kSingle);
  ASSERT_FALSE(modes.ok());
  EXPECT_NE(modes.status().message().find("same MIG mode; GPU 0 has MIG on, GPU 2 off"),
            std::string::npos)
      << modes.status().ToString();
  EXPECT_FALSE(ParseMigStrategy("double").ok());
  EXPECT_EQ(ParseMigStrategy("double").status().message(),
            "MIG strategy 'double' is not valid; valid: none, single, mixed");
}

TEST(PreferredAllocationTest, PacksOntoFewestGpus) {
  // GPU 0 has 2 free devices, GPU 1 has 3, GPU 2 has 1.
  const std::vector<PluginDevice> devices = {{"a0", 0}, {"a1", 0}, {"b0", 1}, {"b1", 1},
                                             {"b2", 1}, {"c0", 2}, {"x", 3}};
  const std::vector<std::string> available = {"c0", "b2", "a1", "b0", "a0", "b1"};
  EXPECT_EQ(PreferredAllocation(devices, available, {}, 3),
            (std::vector<std::string>{"b0", "b1", "b2"}));
  EXPECT_EQ(PreferredAllocation(devices, available, {}, 2), (std::vector<std::string>{"b0", "b1"}));
  // A device that must be included pulls its GPU first.
  EXPECT_EQ(PreferredAllocation(devices, available, {"c0"}, 2),
            (std::vector<std::string>{"c0", "b0"}));
  EXPECT_EQ(PreferredAllocation(devices, available, {"a0"}, 2),
            (std::vector<std::string>{"a0", "a1"}));
  // "x" is not available: only six can be had.
  EXPECT_EQ(PreferredAllocation(devices, available, {}, 9).size(), 6u);
}

}  // namespace
}  // namespace migkit
