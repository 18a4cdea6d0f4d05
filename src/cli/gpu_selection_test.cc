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

TEST(GpuSelection, OutOfRangeNamesTheValidRange) {
  StatusOr<std::vector<int>> s = SelectGpus({"3"}, ThreeGpus());
  ASSERT_EQ(s.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(s.status().message(), "GPU index 3 is out of range; this node has 3 GPUs (valid: 0-2)");
}

}  // namespace
}  // namespace migkit::cli
