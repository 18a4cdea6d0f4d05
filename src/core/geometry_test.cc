#include "core/geometry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/layouts.h"
#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

// Profile IDs on the 8-unit family (mig-facts.md §3.1, §3.2).
constexpr int k1g = 19;
constexpr int k1gMe = 20;
constexpr int k1gDouble = 15;  // 1g with two memory slices (1g.10gb on A100-40GB)
constexpr int k2g = 14;
constexpr int k3g = 9;
constexpr int k4g = 5;
constexpr int k7g = 0;

const GpuModel& A100() { return TestModel("A100-SXM4-40GB"); }

// Places `profile_id` where the driver would (no start given) and records it in `existing`.
StatusOr<Placement> AutoPlace(const GpuModel& model, int profile_id,
                              std::vector<PlacedProfile>* existing) {
  const GiProfile& profile = TestProfile(model, profile_id);
  StatusOr<Placement> p = AutoPlacement(model, profile, *existing);
  if (p.ok()) existing->push_back({&profile, *p});
  return p;
}

PlacedProfile At(const GpuModel& model, int profile_id, int start) {
  const GiProfile& profile = TestProfile(model, profile_id);
  return {&profile, Placement{start, profile.placement_size}};
}

std::vector<Placement> Places(int size, std::vector<int> starts) {
  std::vector<Placement> out;
  for (int s : starts) out.push_back({s, size});
  return out;
}

std::vector<const GiProfile*> Profiles(const GpuModel& m, std::vector<int> ids) {
  std::vector<const GiProfile*> out;
  for (int id : ids) out.push_back(&TestProfile(m, id));
  return out;
}

// --- GI IDs (swizzId), mig-facts.md §4.2 ---------------------------------------------------------

TEST(Geometry, GpuInstanceIdsOn8UnitAxis) {
  for (const char* id : {"A100-SXM4-40GB", "H100-SXM5-80GB"}) {
    const GpuModel& m = TestModel(id);
    EXPECT_EQ(0, GpuInstanceIdFor(m, {0, 8})) << id;
    EXPECT_EQ(1, GpuInstanceIdFor(m, {0, 4})) << id;
    EXPECT_EQ(2, GpuInstanceIdFor(m, {4, 4})) << id;
    EXPECT_EQ(3, GpuInstanceIdFor(m, {0, 2})) << id;
    EXPECT_EQ(4, GpuInstanceIdFor(m, {2, 2})) << id;
    EXPECT_EQ(5, GpuInstanceIdFor(m, {4, 2})) << id;
    EXPECT_EQ(6, GpuInstanceIdFor(m, {6, 2})) << id;
    for (int s = 0; s < 8; ++s) EXPECT_EQ(7 + s, GpuInstanceIdFor(m, {s, 1})) << id << " " << s;
  }
}

// Every placement of every A100 profile gets the ID of the §4.2 table.
TEST(Geometry, GpuInstanceIdsOfEveryA100Placement) {
  const GpuModel& m = A100();
  for (const GiProfile& p : m.gi_profiles) {
    for (const Placement& pl : PossiblePlacements(p)) {
      int want = -1;
      if (pl.size == 8) want = 0;
      if (pl.size == 4) want = pl.start == 0 ? 1 : 2;
      if (pl.size == 2) want = 3 + pl.start / 2;
      if (pl.size == 1) want = 7 + pl.start;
      EXPECT_EQ(want, GpuInstanceIdFor(m, pl)) << p.name << " at " << pl.ToString();
    }
  }
}

// RTX PRO 6000's 12-unit axis: 0:6->1, 0:3->3, 3:3->4, 6:3->5, 9:3->6 [T7]. (0:12->0 and 6:6->2
// are UNCONFIRMED in the facts and left out.)
TEST(Geometry, GpuInstanceIdsOnRtxPro12UnitAxis) {
  const GpuModel& m = TestModel("RTX-PRO-6000");
  ASSERT_EQ(12, m.placement_units);
  EXPECT_EQ(1, GpuInstanceIdFor(m, {0, 6}));
  EXPECT_EQ(3, GpuInstanceIdFor(m, {0, 3}));
  EXPECT_EQ(4, GpuInstanceIdFor(m, {3, 3}));
  EXPECT_EQ(5, GpuInstanceIdFor(m, {6, 3}));
  EXPECT_EQ(6, GpuInstanceIdFor(m, {9, 3}));
}

// A30's 4-unit axis, DERIVED from the kernel's swizzId rule (§4.2: FULL -> 0, HALF -> 1-2,
// QUARTER -> 3-6, max swizzId 2 x 4 - 2 = 6).
TEST(Geometry, GpuInstanceIdsOnA30FourUnitAxis) {
  const GpuModel& m = TestModel("A30-24GB");
  ASSERT_EQ(4, m.placement_units);
  EXPECT_EQ(0, GpuInstanceIdFor(m, {0, 4}));
  EXPECT_EQ(1, GpuInstanceIdFor(m, {0, 2}));
  EXPECT_EQ(2, GpuInstanceIdFor(m, {2, 2}));
  for (int s = 0; s < 4; ++s) EXPECT_EQ(3 + s, GpuInstanceIdFor(m, {s, 1})) << s;
}

TEST(Geometry, GpuInstanceIdOfUnalignedPlacementIsMinusOne) {
  const GpuModel& m = A100();
  EXPECT_EQ(-1, GpuInstanceIdFor(m, {1, 2}));
  EXPECT_EQ(-1, GpuInstanceIdFor(m, {2, 4}));
  EXPECT_EQ(-1, GpuInstanceIdFor(m, {0, 3}));
  EXPECT_EQ(-1, GpuInstanceIdFor(m, {8, 1}));
  EXPECT_EQ(-1, GpuInstanceIdFor(m, {0, 0}));
}

// --- Possible placements (-lgipp), mig-facts.md §3 -----------------------------------------------

TEST(Geometry, PossiblePlacementsA100) {
  const GpuModel& m = A100();
  EXPECT_EQ(Places(1, {0, 1, 2, 3, 4, 5, 6}), PossiblePlacements(TestProfile(m, k1g)));
  EXPECT_EQ(Places(1, {0, 1, 2, 3, 4, 5, 6}), PossiblePlacements(TestProfile(m, k1gMe)));
  EXPECT_EQ(Places(2, {0, 2, 4, 6}), PossiblePlacements(TestProfile(m, k1gDouble)));
  EXPECT_EQ(Places(2, {0, 2, 4}), PossiblePlacements(TestProfile(m, k2g)));
  EXPECT_EQ(Places(4, {0, 4}), PossiblePlacements(TestProfile(m, k3g)));
  EXPECT_EQ(Places(4, {0}), PossiblePlacements(TestProfile(m, k4g)));
  EXPECT_EQ(Places(8, {0}), PossiblePlacements(TestProfile(m, k7g)));
}

TEST(Geometry, PossiblePlacementsH100) {
  const GpuModel& m = TestModel("H100-SXM5-80GB");
  EXPECT_EQ(Places(1, {0, 1, 2, 3, 4, 5, 6}), PossiblePlacements(TestProfile(m, k1g)));
  EXPECT_EQ(Places(1, {0, 1, 2, 3, 4, 5, 6}), PossiblePlacements(TestProfile(m, k1gMe)));
  EXPECT_EQ(Places(2, {0, 2, 4, 6}), PossiblePlacements(TestProfile(m, k1gDouble)));
  EXPECT_EQ(Places(2, {0, 2, 4}), PossiblePlacements(TestProfile(m, k2g)));
  EXPECT_EQ(Places(4, {0, 4}), PossiblePlacements(TestProfile(m, k3g)));
  EXPECT_EQ(Places(4, {0}), PossiblePlacements(TestProfile(m, k4g)));
  EXPECT_EQ(Places(8, {0}), PossiblePlacements(TestProfile(m, k7g)));
}

TEST(Geometry, PossiblePlacementsA30) {
  const GpuModel& m = TestModel("A30-24GB");
  EXPECT_EQ(Places(1, {0, 1, 2, 3}), PossiblePlacements(TestProfile(m, 14)));  // 1g.6gb
  EXPECT_EQ(Places(1, {0, 1, 2, 3}), PossiblePlacements(TestProfile(m, 21)));  // 1g.6gb+me
  EXPECT_EQ(Places(2, {0, 2}), PossiblePlacements(TestProfile(m, 5)));         // 2g.12gb
  EXPECT_EQ(Places(2, {0, 2}), PossiblePlacements(TestProfile(m, 6)));         // 2g.12gb+me
  EXPECT_EQ(Places(4, {0}), PossiblePlacements(TestProfile(m, 0)));            // 4g.24gb
}

TEST(Geometry, PossiblePlacementsRtxPro6000) {
  const GpuModel& m = TestModel("RTX-PRO-6000");
  for (int id : {14, 21, 47, 65, 67}) {
    EXPECT_EQ(Places(3, {0, 3, 6, 9}), PossiblePlacements(TestProfile(m, id))) << id;
  }
  for (int id : {5, 35, 64, 66}) {
    EXPECT_EQ(Places(6, {0, 6}), PossiblePlacements(TestProfile(m, id))) << id;
  }
  for (int id : {0, 32}) EXPECT_EQ(Places(12, {0}), PossiblePlacements(TestProfile(m, id))) << id;
}

// --- CheckPlacement ------------------------------------------------------------------------------

TEST(Geometry, EveryPlacementFitsOnEmptyGpu) {
  for (const GpuModel* m : AllModels()) {
    for (const GiProfile& p : m->gi_profiles) {
      for (const Placement& pl : PossiblePlacements(p)) {
        EXPECT_OK(CheckPlacement(*m, p, pl, {})) << m->id << " " << p.name << " " << pl.ToString();
      }
    }
  }
}

TEST(Geometry, CheckPlacementOverlapNamesBlocker) {
  const GpuModel& m = A100();
  const std::vector<PlacedProfile> existing = {At(m, k3g, 4)};
  const Status s = CheckPlacement(m, TestProfile(m, k2g), {4, 2}, existing);
  EXPECT_EQ(Code::kInsufficientResources, s.code()) << s.ToString();
  EXPECT_NE(std::string::npos, s.message().find("3g.20gb at 4:4")) << s.message();
  EXPECT_NE(std::string::npos, s.message().find("2g.10gb")) << s.message();
}

TEST(Geometry, CheckPlacementPartialOverlap) {
  const GpuModel& m = A100();
  // A 1g.10gb at 6:2 covers memory slice 7, so a 3g at 4:4 no longer fits (§4.1).
  const Status s = CheckPlacement(m, TestProfile(m, k3g), {4, 4}, {At(m, k1gDouble, 6)});
  EXPECT_EQ(Code::kInsufficientResources, s.code()) << s.ToString();
  EXPECT_NE(std::string::npos, s.message().find("1g.10gb at 6:2")) << s.message();
  // ... but the left half is still free.
  EXPECT_OK(CheckPlacement(m, TestProfile(m, k3g), {0, 4}, {At(m, k1gDouble, 6)}));
}

TEST(Geometry, CheckPlacementBadStartListsValidPlacements) {
  const GpuModel& m = A100();
  // A 2g never starts at 6 (§4.1).
  const Status s = CheckPlacement(m, TestProfile(m, k2g), {6, 2}, {});
  EXPECT_EQ(Code::kInvalidArgument, s.code()) << s.ToString();
  for (const char* p : {"0:2", "2:2", "4:2"}) {
    EXPECT_NE(std::string::npos, s.message().find(p)) << p << " missing from " << s.message();
  }
  const Status s3 = CheckPlacement(m, TestProfile(m, k3g), {2, 4}, {});
  EXPECT_EQ(Code::kInvalidArgument, s3.code()) << s3.ToString();
  EXPECT_NE(std::string::npos, s3.message().find("0:4")) << s3.message();
  EXPECT_NE(std::string::npos, s3.message().find("4:4")) << s3.message();
  // A 1g never lands on memory slice 7.
  EXPECT_CODE(CheckPlacement(m, TestProfile(m, k1g), {7, 1}, {}), Code::kInvalidArgument);
  // The 4g only exists at 0:4.
  EXPECT_CODE(CheckPlacement(m, TestProfile(m, k4g), {4, 4}, {}), Code::kInvalidArgument);
}

TEST(Geometry, CheckPlacementWrongSizeIsInvalidArgument) {
  const GpuModel& m = A100();
  EXPECT_CODE(CheckPlacement(m, TestProfile(m, k2g), {0, 1}, {}), Code::kInvalidArgument);
  EXPECT_CODE(CheckPlacement(m, TestProfile(m, k7g), {0, 4}, {}), Code::kInvalidArgument);
}

// 1g.5gb+me has Total 1 (§3.2): the second one fails even on a free slice.
TEST(Geometry, CheckPlacementInstanceLimitOfPlusMe) {
  const GpuModel& m = A100();
  ASSERT_EQ(1, TestProfile(m, k1gMe).instance_count);
  const std::vector<PlacedProfile> existing = {At(m, k1gMe, 0)};
  const Status s = CheckPlacement(m, TestProfile(m, k1gMe), {3, 1}, existing);
  EXPECT_EQ(Code::kInsufficientResources, s.code()) << s.ToString();
  EXPECT_NE(std::string::npos, s.message().find("1g.5gb+me")) << s.message();
  // A plain 1g.5gb is still fine there.
  EXPECT_OK(CheckPlacement(m, TestProfile(m, k1g), {3, 1}, existing));
}

// nvml.h: a *_ALL_ME instance prevents allocation of all but *_NO_ME profiles (§3.12).
TEST(Geometry, CheckPlacementMeAllExcludesAllButNoMe) {
  const GpuModel& m = TestModel("RTX-PRO-6000");
  const std::vector<PlacedProfile> all_me = {At(m, 65, 0)};  // 1g.24gb+me.all at 0:3
  EXPECT_CODE(CheckPlacement(m, TestProfile(m, 14), {3, 3}, all_me),
              Code::kInsufficientResources);  // 1g.24gb
  EXPECT_CODE(CheckPlacement(m, TestProfile(m, 21), {3, 3}, all_me),
              Code::kInsufficientResources);  // 1g.24gb+me
  EXPECT_CODE(CheckPlacement(m, TestProfile(m, 47), {3, 3}, all_me),
              Code::kInsufficientResources);  // 1g.24gb+gfx
  EXPECT_CODE(CheckPlacement(m, TestProfile(m, 5), {6, 6}, all_me),
              Code::kInsufficientResources);  // 2g.48gb
  EXPECT_CODE(CheckPlacement(m, TestProfile(m, 64), {6, 6}, all_me),
              Code::kInsufficientResources);                         // 2g.48gb+me.all
  EXPECT_OK(CheckPlacement(m, TestProfile(m, 67), {3, 3}, all_me));  // 1g.24gb-me
  EXPECT_OK(CheckPlacement(m, TestProfile(m, 66), {6, 6}, all_me));  // 2g.48gb-me
  // And the other way round: +me.all cannot join a GPU holding a plain 1g.
  EXPECT_CODE(CheckPlacement(m, TestProfile(m, 65), {3, 3}, {At(m, 14, 0)}),
              Code::kInsufficientResources);
  EXPECT_OK(CheckPlacement(m, TestProfile(m, 65), {3, 3}, {At(m, 67, 0)}));
}

TEST(Geometry, FreePlacementsAscendingAndUnblocked) {
  const GpuModel& m = A100();
  const std::vector<PlacedProfile> existing = {At(m, k1g, 4), At(m, k1g, 6)};
  EXPECT_EQ(Places(1, {0, 1, 2, 3, 5}), FreePlacements(m, TestProfile(m, k1g), existing));
  EXPECT_EQ(Places(2, {0, 2}), FreePlacements(m, TestProfile(m, k2g), existing));
  EXPECT_EQ(Places(4, {0}), FreePlacements(m, TestProfile(m, k3g), existing));
  EXPECT_EQ(Places(2, {0, 2}), FreePlacements(m, TestProfile(m, k1gDouble), existing));
  EXPECT_TRUE(FreePlacements(m, TestProfile(m, k7g), existing).empty());
}

TEST(Geometry, OccupancyOfIsUnionOfPlacements) {
  const GpuModel& m = A100();
  EXPECT_EQ(0u, OccupancyOf({}));
  EXPECT_EQ(0b11110000u, OccupancyOf({At(m, k3g, 4)}));
  EXPECT_EQ(0b11110011u, OccupancyOf({At(m, k3g, 4), At(m, k2g, 0)}));
  EXPECT_EQ(0b11111111u, OccupancyOf({At(m, k7g, 0)}));
}

// --- Automatic placement, mig-facts.md §4.3 ------------------------------------------------------

// NVIDIA's documented example: `-cgi 19,19,14,9` fails on the 3g with "Insufficient Resources"
// because the auto-placed 1g/1g/2g fragment both halves [S10].
TEST(Geometry, A100DocumentedExample3gLastFails) {
  const GpuModel& m = A100();
  std::vector<PlacedProfile> gis;
  ASSERT_OK(AutoPlace(m, k1g, &gis));
  ASSERT_OK(AutoPlace(m, k1g, &gis));
  ASSERT_OK(AutoPlace(m, k2g, &gis));
  EXPECT_CODE(AutoPlace(m, k3g, &gis), Code::kInsufficientResources);
  EXPECT_EQ(3u, gis.size());
}

// ... and `-cgi 9,19,14,19` succeeds: "3g must be specified first" [S10].
TEST(Geometry, A100DocumentedExample3gFirstSucceeds) {
  const GpuModel& m = A100();
  std::vector<PlacedProfile> gis;
  ASSERT_OK(AutoPlace(m, k3g, &gis));
  ASSERT_OK(AutoPlace(m, k1g, &gis));
  ASSERT_OK(AutoPlace(m, k2g, &gis));
  ASSERT_OK(AutoPlace(m, k1g, &gis));
  EXPECT_EQ(4u, gis.size());
}

// 7 x 1g on an empty 8-slot GPU: starts 6, 4, 5, 0, 1, 2, 3, IDs 13, 11, 12, 7, 8, 9, 10
// (T1 on H100, T3 on A100-40GB).
TEST(Geometry, SevenAutoPlaced1gOrder) {
  for (const char* id : {"A100-SXM4-40GB", "H100-SXM5-80GB"}) {
    const GpuModel& m = TestModel(id);
    std::vector<PlacedProfile> gis;
    const int want_start[] = {6, 4, 5, 0, 1, 2, 3};
    const int want_id[] = {13, 11, 12, 7, 8, 9, 10};
    for (int i = 0; i < 7; ++i) {
      StatusOr<Placement> p = AutoPlace(m, k1g, &gis);
      ASSERT_OK(p) << id << " #" << i;
      EXPECT_EQ((Placement{want_start[i], 1}), *p) << id << " #" << i;
      EXPECT_EQ(want_id[i], GpuInstanceIdFor(m, *p)) << id << " #" << i;
    }
    EXPECT_CODE(AutoPlace(m, k1g, &gis), Code::kInsufficientResources) << id;
  }
}

// First 2g on an empty GPU goes to 4:2, ID 5 [S10 examples 4-2-1 and 2-1-1-1-1-1].
TEST(Geometry, First2gOnEmptyA100) {
  const GpuModel& m = A100();
  std::vector<PlacedProfile> gis;
  StatusOr<Placement> p = AutoPlace(m, k2g, &gis);
  ASSERT_OK(p);
  EXPECT_EQ((Placement{4, 2}), *p);
  EXPECT_EQ(5, GpuInstanceIdFor(m, *p));
}

// A 2g after 1g at 6 and 4 goes to 0:2, ID 3 [S10 known-issue example].
TEST(Geometry, TwoGAfter1gAt6And4) {
  const GpuModel& m = A100();
  std::vector<PlacedProfile> gis = {At(m, k1g, 6), At(m, k1g, 4)};
  StatusOr<Placement> p = AutoPlace(m, k2g, &gis);
  ASSERT_OK(p);
  EXPECT_EQ((Placement{0, 2}), *p);
  EXPECT_EQ(3, GpuInstanceIdFor(m, *p));
}

TEST(Geometry, FourGAutoPlacedAt0) {
  const GpuModel& m = A100();
  std::vector<PlacedProfile> gis;
  StatusOr<Placement> p = AutoPlace(m, k4g, &gis);
  ASSERT_OK(p);
  EXPECT_EQ((Placement{0, 4}), *p);
  EXPECT_EQ(1, GpuInstanceIdFor(m, *p));
}

// First 3g on an empty A100 goes to 4:4, ID 2 [S10 ex. 2; T2/T4 after un-swapping].
TEST(Geometry, First3gOnEmptyA100) {
  const GpuModel& m = A100();
  std::vector<PlacedProfile> gis;
  StatusOr<Placement> p = AutoPlace(m, k3g, &gis);
  ASSERT_OK(p);
  EXPECT_EQ((Placement{4, 4}), *p);
  EXPECT_EQ(2, GpuInstanceIdFor(m, *p));
  // The second 3g takes the other half.
  StatusOr<Placement> q = AutoPlace(m, k3g, &gis);
  ASSERT_OK(q);
  EXPECT_EQ((Placement{0, 4}), *q);
  EXPECT_EQ(1, GpuInstanceIdFor(m, *q));
}

// ... but 0:4, ID 1 on H100 NVL driver 560 [T5].
TEST(Geometry, First3gOnEmptyH100Nvl) {
  const GpuModel& m = TestModel("H100-NVL-94GB");
  std::vector<PlacedProfile> gis;
  StatusOr<Placement> p = AutoPlace(m, k3g, &gis);
  ASSERT_OK(p);
  EXPECT_EQ((Placement{0, 4}), *p);
  EXPECT_EQ(1, GpuInstanceIdFor(m, *p));
}

// 1g with double memory x3: 4:2, 0:2, 2:2, IDs 5, 3, 4 (T6 on GH200; H100's first 1g.20gb -> ID 5,
// T10).
TEST(Geometry, ThreeAutoPlaced1gDoubleMemory) {
  for (const char* id : {"A100-SXM4-40GB", "GH200-96GB"}) {
    const GpuModel& m = TestModel(id);
    std::vector<PlacedProfile> gis;
    const int want_start[] = {4, 0, 2};
    const int want_id[] = {5, 3, 4};
    for (int i = 0; i < 3; ++i) {
      StatusOr<Placement> p = AutoPlace(m, k1gDouble, &gis);
      ASSERT_OK(p) << id << " #" << i;
      EXPECT_EQ((Placement{want_start[i], 2}), *p) << id << " #" << i;
      EXPECT_EQ(want_id[i], GpuInstanceIdFor(m, *p)) << id << " #" << i;
    }
  }
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  std::vector<PlacedProfile> gis;
  StatusOr<Placement> p = AutoPlace(h100, k1gDouble, &gis);
  ASSERT_OK(p);
  EXPECT_EQ(5, GpuInstanceIdFor(h100, *p));
}

// RTX PRO 6000: 1g x4 land at 0, 3, 6, 9 (IDs 3-6); after a 2g at 0:6, 1g goes to 6 then 9 [T7].
TEST(Geometry, RtxPro6000AutoPlacement) {
  const GpuModel& m = TestModel("RTX-PRO-6000");
  std::vector<PlacedProfile> gis;
  for (int i = 0; i < 4; ++i) {
    StatusOr<Placement> p = AutoPlace(m, 14, &gis);
    ASSERT_OK(p) << i;
    EXPECT_EQ((Placement{3 * i, 3}), *p) << i;
    EXPECT_EQ(3 + i, GpuInstanceIdFor(m, *p)) << i;
  }
  EXPECT_CODE(AutoPlace(m, 14, &gis), Code::kInsufficientResources);

  std::vector<PlacedProfile> after2g = {At(m, 5, 0)};
  StatusOr<Placement> a = AutoPlace(m, 14, &after2g);
  ASSERT_OK(a);
  EXPECT_EQ((Placement{6, 3}), *a);
  StatusOr<Placement> b = AutoPlace(m, 14, &after2g);
  ASSERT_OK(b);
  EXPECT_EQ((Placement{9, 3}), *b);
}

TEST(Geometry, AutoPlacementHonoursInstanceLimit) {
  const GpuModel& m = A100();
  std::vector<PlacedProfile> gis;
  ASSERT_OK(AutoPlace(m, k1gMe, &gis));
  const Status s = AutoPlace(m, k1gMe, &gis).status();
  EXPECT_EQ(Code::kInsufficientResources, s.code()) << s.ToString();
}

// --- Remaining capacity (-lgip Free), mig-facts.md §4.4 ------------------------------------------

TEST(Geometry, RemainingCapacityOnEmptyA100IsTotal) {
  const GpuModel& m = A100();
  EXPECT_EQ(7, RemainingCapacity(m, TestProfile(m, k1g), {}));
  EXPECT_EQ(1, RemainingCapacity(m, TestProfile(m, k1gMe), {}));
  EXPECT_EQ(4, RemainingCapacity(m, TestProfile(m, k1gDouble), {}));
  EXPECT_EQ(3, RemainingCapacity(m, TestProfile(m, k2g), {}));
  EXPECT_EQ(2, RemainingCapacity(m, TestProfile(m, k3g), {}));
  EXPECT_EQ(1, RemainingCapacity(m, TestProfile(m, k4g), {}));
  EXPECT_EQ(1, RemainingCapacity(m, TestProfile(m, k7g), {}));
}

TEST(Geometry, RemainingCapacityAfterCreations) {
  const GpuModel& m = A100();
  std::vector<PlacedProfile> gis;
  ASSERT_OK(AutoPlace(m, k3g, &gis));  // 4:4
  EXPECT_EQ(4, RemainingCapacity(m, TestProfile(m, k1g), gis));
  EXPECT_EQ(2, RemainingCapacity(m, TestProfile(m, k1gDouble), gis));
  EXPECT_EQ(2, RemainingCapacity(m, TestProfile(m, k2g), gis));
  EXPECT_EQ(1, RemainingCapacity(m, TestProfile(m, k3g), gis));
  EXPECT_EQ(1, RemainingCapacity(m, TestProfile(m, k4g), gis));  // R510+: 3g + 4g coexist (§4.1)
  EXPECT_EQ(0, RemainingCapacity(m, TestProfile(m, k7g), gis));

  ASSERT_OK(AutoPlace(m, k2g, &gis));  // 0:2 (4:2 is taken)
  EXPECT_EQ((Placement{0, 2}), gis.back().placement);
  EXPECT_EQ(2, RemainingCapacity(m, TestProfile(m, k1g), gis));
  EXPECT_EQ(1, RemainingCapacity(m, TestProfile(m, k1gMe), gis));
  EXPECT_EQ(1, RemainingCapacity(m, TestProfile(m, k1gDouble), gis));
  EXPECT_EQ(1, RemainingCapacity(m, TestProfile(m, k2g), gis));
  EXPECT_EQ(0, RemainingCapacity(m, TestProfile(m, k3g), gis));
  EXPECT_EQ(0, RemainingCapacity(m, TestProfile(m, k4g), gis));

  ASSERT_OK(AutoPlace(m, k1gMe, &gis));
  EXPECT_EQ(0, RemainingCapacity(m, TestProfile(m, k1gMe), gis));
  EXPECT_EQ(1, RemainingCapacity(m, TestProfile(m, k1g), gis));
}

// After a full layout every profile shows Free 0 [T2].
TEST(Geometry, RemainingCapacityZeroAfterFullLayout) {
  const GpuModel& m = A100();
  std::vector<PlacedProfile> gis;
  for (int i = 0; i < 7; ++i) ASSERT_OK(AutoPlace(m, k1g, &gis));
  for (const GiProfile& p : m.gi_profiles) EXPECT_EQ(0, RemainingCapacity(m, p, gis)) << p.name;
}

// --- Explanations --------------------------------------------------------------------------------

TEST(Geometry, ExplainNoPlacementNamesPlacementsAndBlockers) {
  const GpuModel& m = A100();
  std::vector<PlacedProfile> gis;
  ASSERT_OK(AutoPlace(m, k1g, &gis));  // 6:1
  ASSERT_OK(AutoPlace(m, k1g, &gis));  // 4:1
  ASSERT_OK(AutoPlace(m, k2g, &gis));  // 0:2
  const std::string why = ExplainNoPlacement(m, TestProfile(m, k3g), gis);
  EXPECT_NE(std::string::npos, why.find("3g.20gb fits only at")) << why;
  EXPECT_NE(std::string::npos, why.find("0:4")) << why;
  EXPECT_NE(std::string::npos, why.find("4:4")) << why;
  EXPECT_NE(std::string::npos, why.find("2g.10gb at 0:2")) << why;
  EXPECT_NE(std::string::npos, why.find("1g.5gb at 4:1")) << why;
  EXPECT_NE(std::string::npos, why.find("1g.5gb at 6:1")) << why;
  // AutoPlacement's error carries the same explanation.
  const Status s = AutoPlacement(m, TestProfile(m, k3g), gis).status();
  EXPECT_EQ(Code::kInsufficientResources, s.code());
  EXPECT_EQ(why, s.message());
}

TEST(Geometry, ExplainNoPlacementOfInstanceLimit) {
  const GpuModel& m = A100();
  const std::string why = ExplainNoPlacement(m, TestProfile(m, k1gMe), {At(m, k1gMe, 0)});
  EXPECT_NE(std::string::npos, why.find("1g.5gb+me")) << why;
  EXPECT_NE(std::string::npos, why.find("at most 1")) << why;
}

TEST(PlaceGpuInstances, PlacesNvidiasFailingOrderWithoutHelp) {
  // `-cgi 19,19,14,9` fails with automatic placement (mig-facts.md §4.3); an explicit search does
  // not.
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  std::optional<std::vector<Placement>> p =
      PlaceGpuInstances(h100, {}, Profiles(h100, {k1g, k1g, k2g, k3g}));
  ASSERT_TRUE(p.has_value());
  std::vector<PlacedProfile> placed;
  const std::vector<const GiProfile*> profiles = Profiles(h100, {k1g, k1g, k2g, k3g});
  for (size_t i = 0; i < p->size(); ++i) {
    ASSERT_OK(CheckPlacement(h100, *profiles[i], (*p)[i], placed));
    placed.push_back({profiles[i], (*p)[i]});
  }
  // The 3g takes the driver's first choice for its size (4:4), the rest go around it.
  EXPECT_EQ((*p)[3], (Placement{4, 4}));
}

TEST(PlaceGpuInstances, PlacesAroundFixedInstances) {
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  // A 1g at 4:1 blocks the 4:4 half; a 3g must go to 0:4, and a 4g cannot be placed at all.
  std::vector<PlacedProfile> fixed = {{&TestProfile(h100, k1g), Placement{4, 1}}};
  auto p = PlaceGpuInstances(h100, fixed, Profiles(h100, {k3g}));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ((*p)[0], (Placement{0, 4}));
  fixed.push_back({&TestProfile(h100, k3g), Placement{0, 4}});
  EXPECT_FALSE(PlaceGpuInstances(h100, fixed, Profiles(h100, {k4g})).has_value());
  EXPECT_FALSE(PlaceGpuInstances(h100, fixed, Profiles(h100, {k2g, k2g})).has_value());
  EXPECT_TRUE(PlaceGpuInstances(h100, fixed, Profiles(h100, {k1gDouble, k1g})).has_value());
}

TEST(PlaceGpuInstances, AgreesWithLayoutEnumerationOnEveryModel) {
  // Every valid layout's profile multiset is placeable; the search never misses a feasible one.
  for (const GpuModel* model : AllModels()) {
    const LayoutEnumeration layouts = EnumerateLayouts(*model);
    for (const Layout& layout : layouts.valid) {
      std::vector<const GiProfile*> profiles;
      for (const PlacedProfile& p : layout) profiles.push_back(p.profile);
      EXPECT_TRUE(PlaceGpuInstances(*model, {}, profiles).has_value())
          << model->id << ": " << DescribePlacements(layout);
    }
  }
}

TEST(PlaceGpuInstances, LargestFirstAsTheDriverPlacesThem) {
  // The 3g takes the driver's first start for its size, the 2g the first free one, the 1g fills in.
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  const std::vector<const GiProfile*> profiles = Profiles(h100, {k1g, k2g, k3g});
  std::optional<std::vector<Placement>> p = PlaceGpuInstances(h100, {}, profiles);
  ASSERT_TRUE(p.has_value());
  Layout layout;
  for (size_t i = 0; i < profiles.size(); ++i) layout.push_back({profiles[i], (*p)[i]});
  std::sort(layout.begin(), layout.end(), [](const PlacedProfile& a, const PlacedProfile& b) {
    return a.placement.start < b.placement.start;
  });
  EXPECT_EQ(DescribePlacements(layout), "2g.20gb@0:2 1g.10gb@2:1 3g.40gb@4:4");
  EXPECT_FALSE(PlaceGpuInstances(h100, {}, Profiles(h100, {k4g, k4g})).has_value());
}

TEST(AutoPlacementRank, FollowsTheModelsOrderThenUnlistedStarts) {
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  // 1g on an 8-unit GPU: 6, 4, 5, 0, 1, 2, 3 (mig-facts.md §4.3).
  EXPECT_EQ(AutoPlacementRank(h100, 1, 6), 0);
  EXPECT_EQ(AutoPlacementRank(h100, 1, 3), 6);
  EXPECT_EQ(AutoPlacementRank(h100, 1, 7), 107);  // not in the order: after every listed start
}

TEST(CreateBefore, LargerPlacementThenMoreSlicesThenLowerId) {
  const GpuModel& h100 = TestModel("H100-SXM5-80GB");
  EXPECT_TRUE(CreateBefore(TestProfile(h100, k3g), TestProfile(h100, k2g)));
  EXPECT_TRUE(CreateBefore(TestProfile(h100, k2g), TestProfile(h100, k1gDouble)));  // both size 2
  EXPECT_TRUE(CreateBefore(TestProfile(h100, k1g), TestProfile(h100, k1gMe)));      // equal but ID
  EXPECT_FALSE(CreateBefore(TestProfile(h100, k1g), TestProfile(h100, k1g)));
}

}  // namespace
}  // namespace migkit
