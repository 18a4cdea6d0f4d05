#include "config/export.h"

#include <gtest/gtest.h>

#include "config/mig_config.h"
#include "config/resolve.h"
#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

GpuInfo Gpu(int index, const GpuModel& model) {
  GpuInfo g;
  g.index = index;
  g.model = &model;
  g.uuid = "GPU-" + std::to_string(index);
  return g;
}

// Creates a GI of `profile_id` at `start` holding one CI per entry of `ci_profiles`.
void AddGi(GpuInfo* gpu, int profile_id, int start, std::vector<int> ci_profiles) {
  gpu->state.mig_current = gpu->state.mig_pending = true;
  StatusOr<GpuInstance> gi = CreateGpuInstance(*gpu->model, &gpu->state, profile_id, start);
  ASSERT_OK(gi);
  for (int ci : ci_profiles) {
    ASSERT_OK(CreateComputeInstance(*gpu->model, &gpu->state, gi->id, ci, std::nullopt));
  }
}

TEST(Export, GroupsGpusWithTheSameLayout) {
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  std::vector<GpuInfo> gpus = {Gpu(0, h100), Gpu(1, h100), Gpu(2, h100), Gpu(3, h100)};
  for (int i : {0, 2}) {
    AddGi(&gpus[i], 9, 0, {2});
    AddGi(&gpus[i], 19, 4, {0});
    AddGi(&gpus[i], 19, 5, {0});
  }
  AddGi(&gpus[1], 0, 0, {0, 0, 1});  // 7g split into 1c, 1c, 2c
  const std::vector<ExportedEntry> entries = ExportEntries(gpus);
  EXPECT_EQ(ExportYaml(entries, "current"),
            "version: v1\n"
            "mig-configs:\n"
            "  current:\n"
            "    - devices: [0, 2]\n"
            "      mig-enabled: true\n"
            "      mig-devices:\n"
            "        \"1g.10gb\": 2\n"
            "        \"3g.40gb\": 1\n"
            "    - devices: [1]\n"
            "      mig-enabled: true\n"
            "      mig-devices:\n"
            "        \"1c.7g.80gb\": 2\n"
            "        \"2c.7g.80gb\": 1\n"
            "    - devices: [3]\n"
            "      mig-enabled: false\n");
  EXPECT_EQ(ExportJson(entries, "current")
                .rfind("{\n  \"version\": \"v1\",\n  \"mig-configs\": {\n    \"current\": [\n", 0),
            0u);
}

TEST(Export, UsesDevicesAllWhenEveryGpuIsAlikeAndWarnsAboutEmptyGis) {
  const GpuModel& a30 = TestModel("A30-24GB");
  std::vector<GpuInfo> gpus = {Gpu(0, a30), Gpu(1, a30)};
  for (GpuInfo& g : gpus) {
    AddGi(&g, 0, 0, {});  // 4g.24gb without a compute instance
  }
  EXPECT_EQ(ExportYaml(ExportEntries(gpus), "now"),
            "version: v1\n"
            "mig-configs:\n"
            "  now:\n"
            "    # GPU 0: GPU instance 0 (4g.24gb) holds no compute instance and is not exported\n"
            "    # GPU 1: GPU instance 0 (4g.24gb) holds no compute instance and is not exported\n"
            "    - devices: all\n"
            "      mig-enabled: true\n"
            "      mig-devices: {}\n");
}

TEST(Export, RoundTripsThroughParseAndResolve) {
  // Every model: a layout with sub-profiles exports to a file whose config the layout satisfies.
  for (const GpuModel* model : AllModels()) {
    std::vector<GpuInfo> gpus = {Gpu(0, *model), Gpu(1, *model)};
    const GiProfile* full = model->FullProfile();
    ASSERT_NE(full, nullptr);
    std::vector<CiProfile> cis = model->ComputeProfilesFor(*full);
    AddGi(&gpus[0], full->id, 0, {cis.front().id, cis.front().id});
    for (const GiProfile& p : model->gi_profiles) {
      if (p.placement_starts.size() < 2) continue;
      AddGi(&gpus[1], p.id, p.placement_starts.front(), {model->ComputeProfilesFor(p).back().id});
      break;
    }
    const std::string yaml = ExportYaml(ExportEntries(gpus), "current");
    ASSERT_OK_AND_ASSIGN(MigConfigFile file, ParseMigConfigFile(yaml, "export.yaml"));
    ASSERT_OK_AND_ASSIGN(std::vector<GpuTarget> targets,
                         ResolveConfig(file, *file.Find("current"), gpus));
    ASSERT_EQ(targets.size(), 2u) << model->id;
    for (const GpuTarget& t : targets) {
      EXPECT_TRUE(Satisfies(gpus[static_cast<size_t>(t.gpu)].state, t)) << model->id << "\n"
                                                                        << yaml;
    }
  }
}

}  // namespace
}  // namespace migkit
