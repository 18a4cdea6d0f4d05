#include "emu/device_tree.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace migkit {
namespace {

// The tree a mount namespace binds over /proc/driver and /dev: mig-minors and one capability file
// per GI and CI of each MIG device, numbered as mig-facts.md §7 gives.
TEST(DeviceTree, HoldsMigMinorsAndTheFilesOfEveryMigDevice) {
  ScopedTempDir dir;
  StatusOr<FleetSpec> spec = ParseFleetSpec("2xH100-SXM5-80GB", Catalog::BuiltIn());
  ASSERT_OK(spec.status());
  NodeState node = NewNodeState(*spec, Catalog::BuiltIn());
  EmulatedGpu& gpu1 = node.gpus[1];
  Status activation;
  ASSERT_OK(SetMigMode(*gpu1.model, &gpu1.state, true, &activation));
  ASSERT_OK_AND_ASSIGN(GpuInstance gi, CreateGpuInstance(*gpu1.model, &gpu1.state, 19, 0));
  EXPECT_EQ(gi.id, 7);  // 1g at 0:1 (§4.2)
  ASSERT_OK(CreateComputeInstance(*gpu1.model, &gpu1.state, gi.id, 0, std::nullopt).status());

  ASSERT_OK_AND_ASSIGN(std::vector<std::string> files, WriteDeviceTree(node, dir.path()));
  // gpu1/gi7: 3 + 135 + 63 = 201, its CI 0: 202.
  EXPECT_EQ(files, (std::vector<std::string>{
                       "proc/driver/nvidia-caps/mig-minors", "dev/nvidiactl", "dev/nvidia0",
                       "dev/nvidia1", "dev/nvidia-caps/nvidia-cap1", "dev/nvidia-caps/nvidia-cap2",
                       "dev/nvidia-caps/nvidia-cap201", "dev/nvidia-caps/nvidia-cap202"}));
  std::ifstream minors(dir.path() + "/proc/driver/nvidia-caps/mig-minors");
  std::string text((std::istreambuf_iterator<char>(minors)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\ngpu1/gi7/access 201\ngpu1/gi7/ci0/access 202\n"), std::string::npos);

  // Refreshed after the instance is gone, its capability files go too.
  ASSERT_OK(DestroyComputeInstance(&gpu1.state, gi.id, 0));
  ASSERT_OK_AND_ASSIGN(files, WriteDeviceTree(node, dir.path()));
  EXPECT_EQ(files.size(), 6u);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/dev/nvidia-caps/nvidia-cap201"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/dev/nvidia-caps/nvidia-cap1"));
}

}  // namespace
}  // namespace migkit
