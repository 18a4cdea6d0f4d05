#include "slurm/gres_config.h"

#include <gtest/gtest.h>

#include "core/gpu_state.h"
#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit::slurm {
namespace {

// The layout of cluster-and-service.md §1.3: an A100-SXM4-40GB with 3g.20gb, 2g.10gb and two
// 1g.5gb created in that order with the driver's automatic placement, each with its default CI.
GpuInfo A100WithFourInstances() {
  const GpuModel& a100 = TestModel("A100-SXM4-40GB");
  GpuInfo gpu;
  gpu.index = 0;
  gpu.model = &a100;
  gpu.uuid = "GPU-0";
  gpu.state.mig_current = gpu.state.mig_pending = true;
  for (const char* name : {"3g.20gb", "2g.10gb", "1g.5gb", "1g.5gb"}) {
    const GiProfile* p = a100.FindProfileByName(name);
    StatusOr<GpuInstance> gi = CreateGpuInstance(a100, &gpu.state, p->id, std::nullopt);
    EXPECT_OK(gi);
    int full_ci = -1;  // the default CI: the whole GI
    for (const CiProfile& ci : a100.ComputeProfilesFor(*p)) {
      if (ci.slices == p->slices && full_ci < 0) full_ci = ci.id;
    }
    EXPECT_OK(CreateComputeInstance(a100, &gpu.state, gi->id, full_ci, std::nullopt));
    gpu.mig_uuids[{gi->id, 0}] = "MIG-gi" + std::to_string(gi->id);
  }
  return gpu;
}

TEST(GresInventory, TypesFilesAndUuidsAsSlurmdReportsThem) {
  ASSERT_OK_AND_ASSIGN(std::vector<GresDevice> devices, GresDevicesOf({A100WithFourInstances()}));
  ASSERT_EQ(devices.size(), 4u);
  // slurmd -G: GI 2 -> caps 21/22, GI 3 -> 30/31, GI 9 -> 84/85, GI 10 -> 93/94 (§1.3).
  EXPECT_EQ(devices[0].type, "a100_3g.20gb");
  EXPECT_EQ(devices[0].gi_id, 2);
  EXPECT_EQ(devices[0].files,
            (std::vector<std::string>{"/dev/nvidia0", "/dev/nvidia-caps/nvidia-cap21",
                                      "/dev/nvidia-caps/nvidia-cap22"}));
  EXPECT_EQ(devices[1].type, "a100_2g.10gb");
  EXPECT_EQ(devices[1].files[1], "/dev/nvidia-caps/nvidia-cap30");
  EXPECT_EQ(devices[2].type, "a100_1g.5gb");
  EXPECT_EQ(devices[2].files[2], "/dev/nvidia-caps/nvidia-cap85");
  EXPECT_EQ(devices[3].files[1], "/dev/nvidia-caps/nvidia-cap93");
  EXPECT_EQ(devices[3].uuid, "MIG-gi10");
}

TEST(GresConfig, NodeGresBillingAndTresInSlices) {
  ASSERT_OK_AND_ASSIGN(std::vector<GresDevice> devices, GresDevicesOf({A100WithFourInstances()}));
  const GresConfig c = RenderGresConfig(devices, GresConfMode::kAutoDetectNvml, "");
  // sinfo on the live node: gpu:a100_3g.20gb:1(S:0),gpu:a100_2g.10gb:1(S:0),gpu:a100_1g.5gb:2(S:0)
  EXPECT_EQ(c.node_gres, "gpu:a100_3g.20gb:1,gpu:a100_2g.10gb:1,gpu:a100_1g.5gb:2");
  EXPECT_EQ(c.billing_weights,
            "GRES/gpu:a100_3g.20gb=3,GRES/gpu:a100_2g.10gb=2,GRES/gpu:a100_1g.5gb=1");
  EXPECT_EQ(c.accounting_tres,
            "gres/gpu,gres/gpu:a100_3g.20gb,gres/gpu:a100_2g.10gb,gres/gpu:a100_1g.5gb");
  EXPECT_EQ(c.gres_conf,
            "# Written by migctl slurm gres for the node's current MIG layout.\nAutoDetect=nvml\n");
}

TEST(GresConfig, StaticGresConfListsThreeFilesPerMigDevice) {
  ASSERT_OK_AND_ASSIGN(std::vector<GresDevice> devices, GresDevicesOf({A100WithFourInstances()}));
  const GresConfig c = RenderGresConfig(devices, GresConfMode::kStatic, "vm");
  EXPECT_EQ(c.gres_conf,
            "# Written by migctl slurm gres for the node's current MIG layout.\n"
            "AutoDetect=off\n"
            "NodeName=vm Name=gpu Type=a100_3g.20gb MultipleFiles=/dev/nvidia0,"
            "/dev/nvidia-caps/nvidia-cap21,/dev/nvidia-caps/nvidia-cap22\n"
            "NodeName=vm Name=gpu Type=a100_2g.10gb MultipleFiles=/dev/nvidia0,"
            "/dev/nvidia-caps/nvidia-cap30,/dev/nvidia-caps/nvidia-cap31\n"
            "NodeName=vm Name=gpu Type=a100_1g.5gb MultipleFiles=/dev/nvidia0,"
            "/dev/nvidia-caps/nvidia-cap84,/dev/nvidia-caps/nvidia-cap85\n"
            "NodeName=vm Name=gpu Type=a100_1g.5gb MultipleFiles=/dev/nvidia0,"
            "/dev/nvidia-caps/nvidia-cap93,/dev/nvidia-caps/nvidia-cap94\n");
}

TEST(GresInventory, MigOnWithoutInstancesIsRefusedLikeSlurmd) {
  GpuInfo gpu;
  gpu.model = &TestModel("A100-SXM4-40GB");
  gpu.state.mig_current = gpu.state.mig_pending = true;
  EXPECT_CODE(GresDevicesOf({gpu}), Code::kInvalidState);
  gpu.state.mig_pending = false;
  EXPECT_CODE(GresDevicesOf({gpu}), Code::kInvalidState);
}

TEST(GresInventory, GpuWithoutMigIsOneGpuWithItsOwnFile) {
  GpuInfo gpu;
  gpu.index = 1;
  gpu.model = &TestModel("A100-SXM4-40GB");
  gpu.uuid = "GPU-1";
  ASSERT_OK_AND_ASSIGN(std::vector<GresDevice> devices, GresDevicesOf({gpu}));
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].type, "a100-sxm4-40gb");
  EXPECT_EQ(devices[0].slices, 7);
  const GresConfig c = RenderGresConfig(devices, GresConfMode::kStatic, "");
  EXPECT_EQ(c.gres_conf,
            "# Written by migctl slurm gres for the node's current MIG layout.\n"
            "AutoDetect=off\nName=gpu Type=a100-sxm4-40gb File=/dev/nvidia1\n");
}

}  // namespace
}  // namespace migkit::slurm
