#include "core/capacity.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "testing/models.h"

namespace migkit {
namespace {

// A100-SXM4-40GB (mig-facts.md §3.2): 1g.5gb at 0..6, 2g.10gb at 0/2/4, 3g.20gb at 0/4, 4g.20gb
// at 0, 7g.40gb at 0; the driver tries size-1 starts in the order 6, 4, 5, 0, 1, 2, 3 (§4.3).
constexpr int k1g = 19;
constexpr int k2g = 14;
constexpr int k3g = 9;
constexpr int k4g = 5;

const GpuModel& A100() { return TestModel("A100-SXM4-40GB"); }

PlacedProfile At(int profile_id, int start) {
  const GiProfile& profile = TestProfile(A100(), profile_id);
  return {&profile, Placement{start, profile.placement_size}};
}

TEST(FutureCapacityTest, EmptyA100CanTakeEachSizeUpToItsLimit) {
  // 7g: one; 4g: one (only at 0); 3g: two; 2g: three; 1g: seven.
  const std::vector<std::pair<int, int>> expected = {{7, 1}, {4, 1}, {3, 2}, {2, 3}, {1, 7}};
  EXPECT_EQ(FutureCapacity(A100(), {}), expected);
}

TEST(FutureCapacityTest, ThreeGAtFourLeavesTheLowerHalf) {
  // 3g.20gb at 4:4 takes units 4-7: the 4g and the other 3g still fit at 0, two 2g at 0 and 2,
  // four 1g at 0-3; the whole GPU no longer does.
  const std::vector<std::pair<int, int>> expected = {{7, 0}, {4, 1}, {3, 1}, {2, 2}, {1, 4}};
  EXPECT_EQ(FutureCapacity(A100(), {At(k3g, 4)}), expected);
}

TEST(FragmentationScoreTest, FreeSlicesThatNoOneInstanceCanTake) {
  // A 1g at 0 leaves 6 free slices of which the largest GI is a 3g at 4 (the 4g needs 0): 1 -
  // 3/6 = 0.5. A 1g at 6 leaves the 4g at 0: 1 - 4/6. An empty GPU scores 0 (the 7g fits); a full
  // one has nothing free and does not count. Across GPUs the scores are weighted by free slices.
  NodeGpu at0{&A100(), {At(k1g, 0)}};
  NodeGpu at6{&A100(), {At(k1g, 6)}};
  NodeGpu empty{&A100(), {}};
  NodeGpu full{&A100(), {At(k4g, 0), At(k3g, 4)}};
  EXPECT_DOUBLE_EQ(FragmentationScore({at0}), 0.5);
  EXPECT_DOUBLE_EQ(FragmentationScore({at6}), 1 - 4.0 / 6);
  EXPECT_DOUBLE_EQ(FragmentationScore({empty}), 0);
  EXPECT_DOUBLE_EQ(FragmentationScore({full}), 0);
  EXPECT_DOUBLE_EQ(FragmentationScore({at0, empty, full}), 6 * 0.5 / 13);
  EXPECT_EQ(LargestCreatableSlices(A100(), at0.instances), 3);
  EXPECT_EQ(LargestCreatableSlices(A100(), full.instances), 0);
}

TEST(CapacityPreservingPlacementTest, FirstSmallInstanceGoesWhereNoTwoGCouldStart) {
  // On an empty GPU every 1g loses the 7g; at 6 it also keeps every 2g start (0, 2, 4) free.
  const auto chosen = ChooseCapacityPreservingPlacement({{&A100(), {}}}, "1g.5gb");
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->gpu, 0u);
  EXPECT_EQ(chosen->profile->id, k1g);
  EXPECT_EQ(chosen->placement, (Placement{6, 1}));
}

TEST(CapacityPreservingPlacementTest, KeepsTheUpperHalfForAThreeGWhereTheDriverWouldNot) {
  // With a 2g.10gb at 0:2 the driver puts the next 1g at 6 (its first size-1 start), which kills
  // the 3g at 4:4 — the only 3g left. At 2 or 3 only a 2g start is lost; 2 ranks before 3.
  const std::vector<NodeGpu> node = {{&A100(), {At(k2g, 0)}}};
  const auto chosen = ChooseCapacityPreservingPlacement(node, "1g.5gb");
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->placement, (Placement{2, 1}));

  const auto first_fit = ChooseFirstFitPlacement(node, "1g.5gb");
  ASSERT_TRUE(first_fit.has_value());
  EXPECT_EQ(first_fit->placement, (Placement{6, 1}));
}

TEST(CapacityPreservingPlacementTest, PrefersAPartlyUsedGpuOverBreakingAnEmptyOne) {
  // GPU 0 holds a 4g.20gb at 0; a 1g there loses only the 3g at 4:4, a 1g on the empty GPU 1 loses
  // its 7g. First fit would also take GPU 0 here, so put the empty GPU first for the baseline.
  const std::vector<NodeGpu> node = {{&A100(), {}}, {&A100(), {At(k4g, 0)}}};
  const auto chosen = ChooseCapacityPreservingPlacement(node, "1g.5gb");
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->gpu, 1u);
  EXPECT_EQ(chosen->placement, (Placement{6, 1}));

  const auto first_fit = ChooseFirstFitPlacement(node, "1g.5gb");
  ASSERT_TRUE(first_fit.has_value());
  EXPECT_EQ(first_fit->gpu, 0u);
}

TEST(CapacityPreservingPlacementTest, NothingWhenNoGpuOffersOrFitsTheProfile) {
  const GpuModel& a30 = TestModel("A30-24GB");
  EXPECT_FALSE(ChooseCapacityPreservingPlacement({{&a30, {}}}, "3g.20gb").has_value());
  EXPECT_FALSE(ChooseFirstFitPlacement({{&a30, {}}}, "3g.20gb").has_value());
  // Two 3g.20gb fill an A100-40GB.
  const std::vector<NodeGpu> full = {{&A100(), {At(k3g, 0), At(k3g, 4)}}};
  EXPECT_FALSE(ChooseCapacityPreservingPlacement(full, "1g.5gb").has_value());
  EXPECT_FALSE(ChooseFirstFitPlacement(full, "1g.5gb").has_value());
}

TEST(CapacityPreservingPlacementTest, MixedModelsCompareLossBySize) {
  // An A30 (4 slices: 4g, 2g, 1g) beside an A100 with a 4g.20gb: a 1g.6gb exists only on the A30,
  // so it goes there even though it breaks the A30's whole-GPU profile.
  const GpuModel& a30 = TestModel("A30-24GB");
  const std::vector<NodeGpu> node = {{&A100(), {At(k4g, 0)}}, {&a30, {}}};
  const auto chosen = ChooseCapacityPreservingPlacement(node, "1g.6gb");
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->gpu, 1u);
}

// Whatever stream of requests arrives, the chosen placement is one the driver accepts, and a
// placement is chosen exactly when the profile fits somewhere on the node.
RC_GTEST_PROP(CapacityPreservingPlacementProperty, ChoosesOnlyValidPlacementsAndMissesNone,
              (const std::vector<unsigned>& picks)) {
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  std::vector<NodeGpu> node = {{&A100(), {}}, {&h100, {}}};
  const std::vector<std::string> names = {"1g.5gb",  "1g.10gb", "2g.10gb", "3g.20gb", "4g.20gb",
                                          "1g.20gb", "2g.20gb", "3g.40gb", "7g.80gb"};
  for (unsigned pick : picks) {
    const std::string& name = names[pick % names.size()];
    bool fits = false;
    for (const NodeGpu& gpu : node) {
      const GiProfile* p = gpu.model->FindProfileByName(name);
      if (p != nullptr && !FreePlacements(*gpu.model, *p, gpu.instances).empty()) fits = true;
    }
    const auto chosen = ChooseCapacityPreservingPlacement(node, name);
    RC_ASSERT(chosen.has_value() == fits);
    if (!chosen) continue;
    NodeGpu& gpu = node[chosen->gpu];
    RC_ASSERT(CheckPlacement(*gpu.model, *chosen->profile, chosen->placement, gpu.instances).ok());
    gpu.instances.push_back({chosen->profile, chosen->placement});
  }
}

}  // namespace
}  // namespace migkit
