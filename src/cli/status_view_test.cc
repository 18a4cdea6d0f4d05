#include "cli/status_view.h"

#include <gtest/gtest.h>

#include "core/gpu_state.h"
#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit::cli {
namespace {

GpuInfo A100With(const std::vector<int>& profile_ids) {
  GpuInfo gpu;
  gpu.model = &TestModel("A100-SXM4-40GB");
  gpu.state.mig_current = gpu.state.mig_pending = true;
  for (int id : profile_ids) {
    EXPECT_OK(CreateGpuInstance(*gpu.model, &gpu.state, id, std::nullopt));
  }
  return gpu;
}

TEST(StatusView, RemainingCapacityOfTheBaseProfiles) {
  // 3g at 4:4, 2g at 0:2, 1g at 2:1 (auto placement, mig-facts.md §4.3): only unit 3 is free.
  const GpuInfo gpu = A100With({9, 14, 19});
  EXPECT_EQ(FreeUnits(gpu), (std::vector<int>{3}));
  const std::vector<Creatable> c = CreatableProfiles(gpu);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].profile->name, "1g.5gb");
  EXPECT_EQ(c[0].count, 1);
}

TEST(StatusView, PictureFitsIn100Columns) {
  const std::string text = RenderStatus(A100With({9, 14, 19}), /*color=*/false);
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    if (text.compare(start, 2, "  ") == 0 && text.find("MIG-", start) > end) {
      EXPECT_LE(end - start, 100u) << text.substr(start, end - start);
    }
    start = end + 1;
  }
  EXPECT_NE(text.find("| GI 2 "), std::string::npos) << text;
  EXPECT_NE(text.find("could still create: 1g.5gb x1"), std::string::npos) << text;
}

TEST(StatusView, DisabledMigSaysHowToEnableIt) {
  GpuInfo gpu;
  gpu.model = &TestModel("A100-SXM4-40GB");
  const std::string text = RenderStatus(gpu, false);
  EXPECT_NE(text.find("migctl mig enable -i 0"), std::string::npos) << text;
  EXPECT_NE(text.find("migctl reset -i 0"), std::string::npos) << text;
}

}  // namespace
}  // namespace migkit::cli
