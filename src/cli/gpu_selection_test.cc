#include "cli/gpu_selection.h"

#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace migkit::cli {
namespace {

std::vector<GpuInfo> ThreeGpus() {
  std::vector<GpuInfo> gpus(3);
  const char* bus[] = {"00000000:18:00.0", "00000000:2A:00.0", "00000000:3A:00.0"};
  for (int i = 0; i < 3; ++i) {
    gpus[static_cast<size_t>(i)].index = i;
    gpus[static_cast<size_t>(i)].uuid = "GPU-" + std::to_string(i);
    gpus[static_cast<size_t>(i)].pci_bus_id = bus[i];
  }
  return gpus;
}

TEST(GpuSelection, DefaultsToEveryGpu) {
  ASSERT_OK_AND_ASSIGN(std::vector<int> s, SelectGpus({}, ThreeGpus()));
  EXPECT_EQ(s, (std::vector<int>{0, 1, 2}));
}

TEST(GpuSelection, AcceptsListsBusIdsAndUuids) {
  ASSERT_OK_AND_ASSIGN(std::vector<int> s, SelectGpus({"2,0", "2a:00.0", "gpu-0"}, ThreeGpus()));
  EXPECT_EQ(s, (std::vector<int>{0, 1, 2}));
}

// mig-parted runs `nvidia-smi -r -i 0000:2a:00.0`: the sysfs name, with a 4-digit domain
// (nvml-clients.md §1.1). It names the GPU NVML prints as 00000000:2A:00.0.
TEST(GpuSelection, AcceptsTheSysfsBusIdForm) {
  ASSERT_OK_AND_ASSIGN(std::vector<int> s,
                       SelectGpus({"0000:2a:00.0,0000:18:00.0", "00000000:3A:00.0"}, ThreeGpus()));
  EXPECT_EQ(s, (std::vector<int>{0, 1, 2}));
  StatusOr<std::vector<int>> none = SelectGpus({"0000:2b:00.0"}, ThreeGpus());
  EXPECT_EQ(none.status().code(), Code::kInvalidArgument);
  // A bus ID that only shares a suffix is not a match.
  EXPECT_EQ(SelectGpus({"1:18:00.0"}, ThreeGpus()).status().code(), Code::kInvalidArgument);
}

TEST(GpuSelection, OutOfRangeNamesTheValidRange) {
  StatusOr<std::vector<int>> s = SelectGpus({"3"}, ThreeGpus());
  ASSERT_EQ(s.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(s.status().message(), "GPU index 3 is out of range; this node has 3 GPUs (valid: 0-2)");
}

}  // namespace
}  // namespace migkit::cli
