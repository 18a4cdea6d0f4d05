#include "config/builtin.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/resolve.h"
#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

std::vector<GpuInfo> NodeOf(const GpuModel& model, int n) {
  std::vector<GpuInfo> gpus;
  for (int i = 0; i < n; ++i) {
    GpuInfo g;
    g.index = i;
    g.model = &model;
    gpus.push_back(g);
  }
  return gpus;
}

TEST(BuiltinConfigs, HaveTheGpuOperatorsWellKnownNames) {
  const MigConfigFile& file = BuiltinMigConfigs();
  EXPECT_EQ(file.source, "<built-in configs>");
  for (const char* name :
       {"all-disabled", "all-enabled", "all-balanced", "all-1g.5gb", "all-1g.10gb", "all-1g.20gb",
        "all-2g.20gb", "all-3g.40gb", "all-4g.40gb", "all-7g.80gb", "all-1g.10gb.me",
        "all-7g.141gb", "all-1g.23gb", "all-7g.180gb", "all-1g.6gb", "all-4g.24gb",
        "all-1g.24gb.me.all", "all-2g.48gb-me"}) {
    EXPECT_NE(file.Find(name), nullptr) << name;
  }
}

TEST(BuiltinConfigs, EveryConfigResolvesOnEveryModel) {
  const MigConfigFile& file = BuiltinMigConfigs();
  for (const GpuModel* model : AllModels()) {
    const std::vector<GpuInfo> gpus = NodeOf(*model, 2);
    int selecting = 0;
    for (const NamedMigConfig& config : file.configs) {
      StatusOr<std::vector<GpuTarget>> targets = ResolveConfig(file, config, gpus);
      ASSERT_OK(targets) << model->id << " " << config.name;
      if (!targets->empty()) ++selecting;
    }
    // all-disabled, all-enabled, all-balanced, and one all-<profile> per GI profile.
    EXPECT_EQ(selecting, 3 + static_cast<int>(model->gi_profiles.size())) << model->id;
  }
}

TEST(BuiltinConfigs, AllBalancedIsTwoSmallOneMediumOneLargeOnSevenSliceModels) {
  const MigConfigFile& file = BuiltinMigConfigs();
  ASSERT_OK_AND_ASSIGN(
      std::vector<GpuTarget> t,
      ResolveConfig(file, *file.Find("all-balanced"), NodeOf(TestModel("H100-SXM5-80GB"), 1)));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(DescribeCounts(*t[0].model, t[0].Counts()), "1g.10gb x2, 2g.20gb, 3g.40gb");
  ASSERT_OK_AND_ASSIGN(
      t, ResolveConfig(file, *file.Find("all-balanced"), NodeOf(TestModel("A30-24GB"), 1)));
  EXPECT_EQ(DescribeCounts(*t[0].model, t[0].Counts()), "1g.6gb x2, 2g.12gb");
}

// The example configs written after mig-parted's and the GPU operator's documentation parse, and
// every config in them resolves on the node each was written for. (reconfig's example test applies
// them on the emulator.)
TEST(ExampleConfigs, ParseAndResolve) {
  const std::vector<std::pair<std::string, std::string>> examples = {
      {"mig-parted-dgx-a100.yaml", "A100-SXM4-40GB"},
      {"mig-parted-dgx-station-80gb.yaml", "A100-SXM4-80GB"},
      {"gpu-operator-custom-config.yaml", "H100-SXM5-80GB"},
      {"gpu-operator-hopper-blackwell.yaml", "B200"},
      {"gpu-operator-hopper-blackwell.yaml", "H200-141GB"},
      {"gpu-operator-hopper-blackwell.yaml", "H100-SXM5-80GB"},
  };
  for (const auto& [name, model_id] : examples) {
    const std::string path = std::string(MIGKIT_SOURCE_DIR) + "/data/configs/examples/" + name;
    std::ifstream in(path);
    ASSERT_TRUE(in.good()) << path;
    std::stringstream text;
    text << in.rdbuf();
    ASSERT_OK_AND_ASSIGN(MigConfigFile file, ParseMigConfigFile(text.str(), name));
    for (const NamedMigConfig& config : file.configs) {
      StatusOr<std::vector<GpuTarget>> t =
          ResolveConfig(file, config, NodeOf(TestModel(model_id), 8));
      ASSERT_OK(t) << name << " " << config.name << " on " << model_id;
      EXPECT_FALSE(t->empty()) << name << " " << config.name << " selects no " << model_id;
    }
  }
}

}  // namespace
}  // namespace migkit
