#include "slurm/gres_type.h"

#include <gtest/gtest.h>

#include "testing/models.h"

namespace migkit::slurm {
namespace {

// Slurm's own output on this node (cluster-and-service.md §1.3: `slurmd -G`, sinfo) and the
// profile memory of data/gpus/A100-SXM4-40GB.yaml (mig-facts.md §3.2).
TEST(GresType, A100ProfilesAsSlurmNamesThem) {
  const GpuModel& a100 = TestModel("A100-SXM4-40GB");
  EXPECT_EQ(NvmlMigProfileName(a100.product_name, 3, 19968), "nvidia_a100_3g.20gb");
  EXPECT_EQ(NvmlMigProfileName(a100.product_name, 2, 9856), "nvidia_a100_2g.10gb");
  EXPECT_EQ(NvmlMigProfileName(a100.product_name, 1, 4864), "nvidia_a100_1g.5gb");
  // 40192 MiB / 1024 = 39.25: Slurm rounds, so the full GPU is 7g.39gb, not NVIDIA's 7g.40gb.
  EXPECT_EQ(NvmlMigProfileName(a100.product_name, 7, 40192), "nvidia_a100_7g.39gb");
  EXPECT_EQ(GresTypeFor("nvidia_a100_3g.20gb"), "a100_3g.20gb");
}

TEST(GresType, HalfRoundsAwayFromZeroLikeRoundl) {
  EXPECT_EQ(NvmlMigProfileName("NVIDIA A30", 1, 5632), "nvidia_a30_1g.6gb");  // 5.5
  EXPECT_EQ(NvmlMigProfileName("NVIDIA A30", 1, 5631), "nvidia_a30_1g.5gb");
}

TEST(GresType, NameWithoutDashKeepsEveryWord) {
  // "NVIDIA H100 80GB HBM3" has no '-': the plugin keeps the whole name.
  EXPECT_EQ(NvmlMigProfileName("NVIDIA H100 80GB HBM3", 1, 9984), "nvidia_h100_80gb_hbm3_1g.10gb");
  EXPECT_EQ(GresTypeFor("nvidia_h100_80gb_hbm3_1g.10gb"), "h100_80gb_hbm3_1g.10gb");
}

TEST(GresType, WholeGpuKeepsItsFullName) {
  EXPECT_EQ(NvmlGpuName("NVIDIA A100-SXM4-40GB"), "nvidia_a100-sxm4-40gb");
  EXPECT_EQ(GresTypeFor(NvmlGpuName("NVIDIA A100-SXM4-40GB")), "a100-sxm4-40gb");
}

}  // namespace
}  // namespace migkit::slurm
