#include "core/gpu_state.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/nvml_constants.h"
#include "testing/models.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

constexpr std::nullopt_t kAuto = std::nullopt;

// A100-40GB profile IDs (mig-facts.md §3.2).
constexpr int k1g = 19;
constexpr int k1gMe = 20;
constexpr int k2g = 14;
constexpr int k3g = 9;
constexpr int k4g = 5;
constexpr int k7g = 0;

const GpuModel& A100() { return TestModel("A100-SXM4-40GB"); }
const GpuModel& H100() { return TestModel("H100-SXM5-80GB"); }

// A GPU with MIG on and nothing pending, reached through the driver's own steps.
GpuState MigEnabled(const GpuModel& model) {
  GpuState state;
  Status activation;
  EXPECT_OK(SetMigMode(model, &state, true, &activation));
  ResetGpu(&state);  // no-op for the mode on Hopper+, makes it current on Ampere
  EXPECT_TRUE(state.MigUsable());
  return state;
}

std::vector<int> GiIds(const GpuState& state) {
  std::vector<int> ids;
  for (const GpuInstance& gi : state.gpu_instances) ids.push_back(gi.id);
  return ids;
}

// --- MIG mode (mig-facts.md §6.3, §9) ------------------------------------------------------------

TEST(GpuState, AmpereEnableIsPendingUntilReset) {
  const GpuModel& m = A100();
  GpuState state;
  Status activation;
  ASSERT_OK(SetMigMode(m, &state, true, &activation));
  EXPECT_EQ(Code::kResetRequired, activation.code()) << activation.ToString();
  EXPECT_FALSE(state.mig_current);
  EXPECT_TRUE(state.mig_pending);
  EXPECT_FALSE(state.MigUsable());
  // Pending enable: GI creation is refused.
  EXPECT_CODE(CreateGpuInstance(m, &state, k1g, kAuto), Code::kNotSupported);

  ResetGpu(&state);
  EXPECT_TRUE(state.mig_current);
  EXPECT_TRUE(state.mig_pending);
  EXPECT_TRUE(state.MigUsable());
  EXPECT_OK(CreateGpuInstance(m, &state, k1g, kAuto));
}

TEST(GpuState, AmpereEnableTwiceStaysPending) {
  const GpuModel& m = A100();
  GpuState state;
  Status activation;
  ASSERT_OK(SetMigMode(m, &state, true, &activation));
  ASSERT_OK(SetMigMode(m, &state, true, &activation));
  EXPECT_EQ(Code::kResetRequired, activation.code());
  EXPECT_FALSE(state.mig_current);
  EXPECT_TRUE(state.mig_pending);
}

TEST(GpuState, AmpereDisableIsPendingUntilReset) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  Status activation;
  ASSERT_OK(SetMigMode(m, &state, false, &activation));
  EXPECT_EQ(Code::kResetRequired, activation.code());
  EXPECT_TRUE(state.mig_current);
  EXPECT_FALSE(state.mig_pending);
  EXPECT_CODE(CreateGpuInstance(m, &state, k1g, kAuto), Code::kNotSupported);
  ResetGpu(&state);
  EXPECT_FALSE(state.mig_current);
  EXPECT_FALSE(state.mig_pending);
}

TEST(GpuState, AmpereCancelPendingEnable) {
  const GpuModel& m = A100();
  GpuState state;
  Status activation;
  ASSERT_OK(SetMigMode(m, &state, true, &activation));
  ASSERT_OK(SetMigMode(m, &state, false, &activation));
  EXPECT_OK(activation);  // back to the current mode: nothing left to activate
  EXPECT_FALSE(state.mig_current);
  EXPECT_FALSE(state.mig_pending);
}

// Hopper and later switch without a reset (§9).
TEST(GpuState, HopperEnableIsImmediate) {
  for (const char* id : {"H100-SXM5-80GB", "B200", "RTX-PRO-6000"}) {
    const GpuModel& m = TestModel(id);
    GpuState state;
    Status activation = Status::Unknown("not set");
    ASSERT_OK(SetMigMode(m, &state, true, &activation)) << id;
    EXPECT_OK(activation) << id;
    EXPECT_TRUE(state.mig_current) << id;
    EXPECT_TRUE(state.mig_pending) << id;
    EXPECT_OK(CreateGpuInstance(m, &state, m.gi_profiles.front().id, kAuto)) << id;
  }
}

TEST(GpuState, HopperDisableIsImmediate) {
  const GpuModel& m = H100();
  GpuState state = MigEnabled(m);
  Status activation;
  ASSERT_OK(SetMigMode(m, &state, false, &activation));
  EXPECT_OK(activation);
  EXPECT_FALSE(state.mig_current);
  EXPECT_FALSE(state.mig_pending);
}

// Disabling with GIs present is refused with IN_USE and changes nothing.
TEST(GpuState, DisableWithGpuInstancesIsInUse) {
  for (const GpuModel* m : {&A100(), &H100()}) {
    GpuState state = MigEnabled(*m);
    ASSERT_OK(CreateGpuInstance(*m, &state, k3g, kAuto));
    const GpuState before = state;
    Status activation;
    EXPECT_CODE(SetMigMode(*m, &state, false, &activation), Code::kInUse) << m->id;
    EXPECT_EQ(before, state) << m->id;
  }
}

TEST(GpuState, ResetDropsGpuAndComputeInstances) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  ASSERT_OK_AND_ASSIGN(GpuInstance gi, CreateGpuInstance(m, &state, k3g, kAuto));
  ASSERT_OK(CreateComputeInstance(m, &state, gi.id, kCiProfile3Slice, kAuto));
  ResetGpu(&state);
  EXPECT_TRUE(state.gpu_instances.empty());
  EXPECT_TRUE(state.MigUsable());  // only the instances are lost; the MIG mode stays (§9)
}

// --- GPU instances -------------------------------------------------------------------------------

TEST(GpuState, CreateWithMigDisabledIsNotSupported) {
  const GpuModel& m = A100();
  GpuState state;
  EXPECT_CODE(CreateGpuInstance(m, &state, k1g, kAuto), Code::kNotSupported);
  EXPECT_CODE(CreateGpuInstance(m, &state, k1g, 0), Code::kNotSupported);
  EXPECT_CODE(DestroyGpuInstance(&state, 7), Code::kNotSupported);
  EXPECT_CODE(CreateComputeInstance(m, &state, 7, 0, kAuto), Code::kNotSupported);
  EXPECT_EQ(GpuState{}, state);
}

TEST(GpuState, CreateUnknownProfileIsInvalidArgument) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  EXPECT_CODE(CreateGpuInstance(m, &state, 42, kAuto), Code::kInvalidArgument);
  EXPECT_CODE(CreateGpuInstance(m, &state, 21, kAuto), Code::kInvalidArgument);  // an A30 ID
  EXPECT_CODE(CreateGpuInstance(m, &state, -1, 0), Code::kInvalidArgument);
  EXPECT_TRUE(state.gpu_instances.empty());
}

TEST(GpuState, CreateAtInvalidStartIsInvalidArgument) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  EXPECT_CODE(CreateGpuInstance(m, &state, k2g, 6), Code::kInvalidArgument);
  EXPECT_CODE(CreateGpuInstance(m, &state, k3g, 2), Code::kInvalidArgument);
  EXPECT_CODE(CreateGpuInstance(m, &state, k1g, 7), Code::kInvalidArgument);
  EXPECT_CODE(CreateGpuInstance(m, &state, k1g, -1), Code::kInvalidArgument);
  EXPECT_TRUE(state.gpu_instances.empty());
}

// An occupied placement is INSUFFICIENT_RESOURCES, not "already exists" [S8].
TEST(GpuState, CreateAtOccupiedPlacementIsInsufficientResources) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  ASSERT_OK(CreateGpuInstance(m, &state, k3g, 4));
  const GpuState before = state;
  EXPECT_CODE(CreateGpuInstance(m, &state, k3g, 4), Code::kInsufficientResources);
  EXPECT_CODE(CreateGpuInstance(m, &state, k1g, 5), Code::kInsufficientResources);
  EXPECT_CODE(CreateGpuInstance(m, &state, k7g, 0), Code::kInsufficientResources);
  EXPECT_EQ(before, state);
}

TEST(GpuState, CreateAssignsIdFromPlacement) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  ASSERT_OK_AND_ASSIGN(GpuInstance a, CreateGpuInstance(m, &state, k3g, 0));
  EXPECT_EQ(1, a.id);
  EXPECT_EQ(k3g, a.profile_id);
  EXPECT_EQ((Placement{0, 4}), a.placement);
  EXPECT_TRUE(a.compute_instances.empty());
  ASSERT_OK_AND_ASSIGN(GpuInstance b, CreateGpuInstance(m, &state, k1g, 6));
  EXPECT_EQ(13, b.id);
  ASSERT_OK_AND_ASSIGN(GpuInstance c, CreateGpuInstance(m, &state, k2g, 4));
  EXPECT_EQ(5, c.id);
  EXPECT_EQ((std::vector<int>{1, 5, 13}), GiIds(state));
  ASSERT_NE(nullptr, state.FindGpuInstance(5));
  EXPECT_EQ(c, *state.FindGpuInstance(5));
  EXPECT_EQ(nullptr, state.FindGpuInstance(2));
}

// The documented example, end to end through the state machine [S10].
TEST(GpuState, A100DocumentedExample3gLastFails) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  ASSERT_OK(CreateGpuInstance(m, &state, k1g, kAuto));
  ASSERT_OK(CreateGpuInstance(m, &state, k1g, kAuto));
  ASSERT_OK(CreateGpuInstance(m, &state, k2g, kAuto));
  const GpuState before = state;
  const StatusOr<GpuInstance> r = CreateGpuInstance(m, &state, k3g, kAuto);
  EXPECT_CODE(r, Code::kInsufficientResources);
  EXPECT_EQ("Insufficient Resources", CodeText(r.status().code()));
  EXPECT_EQ(before, state);
  EXPECT_EQ((std::vector<int>{3, 11, 13}), GiIds(state));
}

TEST(GpuState, A100DocumentedExample3gFirstSucceeds) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  for (int p : {k3g, k1g, k2g, k1g}) ASSERT_OK(CreateGpuInstance(m, &state, p, kAuto)) << p;
  // 3g at 4:4 (2), 1g at 0:1 (7), 2g at 2:2 (4), 1g at 1:1 (8).
  EXPECT_EQ((std::vector<int>{2, 4, 7, 8}), GiIds(state));
}

// H100 `-cgi` x7 of 1g.10gb: GI IDs 13, 11, 12, 7, 8, 9, 10 [T1].
TEST(GpuState, H100SevenOneGInstanceIds) {
  const GpuModel& m = H100();
  GpuState state = MigEnabled(m);
  std::vector<int> ids;
  for (int i = 0; i < 7; ++i) {
    ASSERT_OK_AND_ASSIGN(GpuInstance gi, CreateGpuInstance(m, &state, k1g, kAuto));
    ids.push_back(gi.id);
  }
  EXPECT_EQ((std::vector<int>{13, 11, 12, 7, 8, 9, 10}), ids);
  EXPECT_CODE(CreateGpuInstance(m, &state, k1g, kAuto), Code::kInsufficientResources);
}

TEST(GpuState, PlusMeInstanceLimit) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  ASSERT_OK(CreateGpuInstance(m, &state, k1gMe, kAuto));
  EXPECT_CODE(CreateGpuInstance(m, &state, k1gMe, kAuto), Code::kInsufficientResources);
  EXPECT_CODE(CreateGpuInstance(m, &state, k1gMe, 0), Code::kInsufficientResources);
}

TEST(GpuState, DestroyGpuInstance) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  ASSERT_OK(CreateGpuInstance(m, &state, k3g, 4));
  ASSERT_OK(CreateGpuInstance(m, &state, k4g, 0));
  ASSERT_OK(DestroyGpuInstance(&state, 2));
  EXPECT_EQ((std::vector<int>{1}), GiIds(state));
  // The freed half can be used again.
  ASSERT_OK_AND_ASSIGN(GpuInstance gi, CreateGpuInstance(m, &state, k3g, kAuto));
  EXPECT_EQ(2, gi.id);
}

TEST(GpuState, DestroyMissingGpuInstanceIsNotFound) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  EXPECT_CODE(DestroyGpuInstance(&state, 2), Code::kNotFound);
  ASSERT_OK(CreateGpuInstance(m, &state, k3g, 0));
  EXPECT_CODE(DestroyGpuInstance(&state, 2), Code::kNotFound);
  EXPECT_CODE(DestroyGpuInstance(&state, 99), Code::kNotFound);
  EXPECT_EQ((std::vector<int>{1}), GiIds(state));
}

// IN_USE "if ... compute instances are active on the GPU instance" [S1]; `-dgi` before `-dci`
// prints "In use by another client" [T7].
TEST(GpuState, DestroyGpuInstanceWithComputeInstancesIsInUse) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  ASSERT_OK_AND_ASSIGN(GpuInstance gi, CreateGpuInstance(m, &state, k3g, kAuto));
  ASSERT_OK_AND_ASSIGN(ComputeInstance ci,
                       CreateComputeInstance(m, &state, gi.id, kCiProfile1Slice, kAuto));
  const GpuState before = state;
  const Status s = DestroyGpuInstance(&state, gi.id);
  EXPECT_EQ(Code::kInUse, s.code());
  EXPECT_EQ("In use by another client", CodeText(s.code()));
  EXPECT_EQ(before, state);
  ASSERT_OK(DestroyComputeInstance(&state, gi.id, ci.id));
  EXPECT_OK(DestroyGpuInstance(&state, gi.id));
  EXPECT_TRUE(state.gpu_instances.empty());
}

// --- Compute instances (mig-facts.md §5) ---------------------------------------------------------

struct CiRow {
  int id;
  int slices;
  int instances;
  int sms;
  const char* name;
  bool is_default;
};

void ExpectCiProfiles(const GpuModel& m, int gi_profile, const std::vector<CiRow>& want) {
  const std::vector<CiProfile> got = m.ComputeProfilesFor(TestProfile(m, gi_profile));
  ASSERT_EQ(want.size(), got.size()) << m.id << " GI profile " << gi_profile;
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(std::string(m.id) + " GI profile " + std::to_string(gi_profile) + " CI " +
                 want[i].name);
    EXPECT_EQ(want[i].id, got[i].id);
    EXPECT_EQ(want[i].slices, got[i].slices);
    if (want[i].instances >= 0) {
      EXPECT_EQ(want[i].instances, got[i].instance_count);
    }
    EXPECT_EQ(want[i].sms, got[i].multiprocessors);
    EXPECT_EQ(want[i].name, got[i].name);
    EXPECT_EQ(want[i].is_default, got[i].is_default);
  }
}

// `nvidia-smi mig -lcip` on an A100 3g.20gb GI [S10].
TEST(GpuState, ComputeProfilesOfA100ThreeG) {
  ExpectCiProfiles(A100(), k3g,
                   {{0, 1, 3, 14, "1c.3g.20gb", false},
                    {1, 2, 1, 28, "2c.3g.20gb", false},
                    {2, 3, 1, 42, "3g.20gb", true}});
}

TEST(GpuState, ComputeProfilesOfA100FourG) {
  ExpectCiProfiles(A100(), k4g,
                   {{0, 1, 4, 14, "1c.4g.20gb", false},
                    {1, 2, 2, 28, "2c.4g.20gb", false},
                    {3, 4, 1, 56, "4g.20gb", true}});
}

// T2.
TEST(GpuState, ComputeProfilesOfA100TwoGAndOneG) {
  ExpectCiProfiles(A100(), k2g,
                   {{0, 1, 2, 14, "1c.2g.10gb", false}, {1, 2, 1, 28, "2g.10gb", true}});
  ExpectCiProfiles(A100(), k1g, {{0, 1, 1, 14, "1g.5gb", true}});
}

// 7g.40gb offers 1c/2c/3c/4c/7g with 14/28/42/56/98 SMs; instance counts are MOCK only, unchecked.
TEST(GpuState, ComputeProfilesOfA100SevenG) {
  ExpectCiProfiles(A100(), k7g,
                   {{0, 1, -1, 14, "1c.7g.40gb", false},
                    {1, 2, -1, 28, "2c.7g.40gb", false},
                    {2, 3, -1, 42, "3c.7g.40gb", false},
                    {3, 4, -1, 56, "4c.7g.40gb", false},
                    {4, 7, -1, 98, "7g.40gb", true}});
}

// A double-memory 1g GI offers its one compute slice as CI profile 7 (1_SLICE_REV1), the default:
// `-cgi 15 -C` on H100 gives GI 5 with CI "MIG 1g.20gb (ID 7)" [T10]; GH200's 1g.24gb likewise
// [T6]. It also offers CI profile 0 (1_SLICE), which go-nvlib and NVIDIA's DRA driver create there
// on real GPUs (issue 8). The two share the slot at 0:1.
TEST(GpuState, DoubleMemoryOneGOffersCiProfiles0And7WithDefault7) {
  ExpectCiProfiles(H100(), 15, {{0, 1, 1, 26, "1g.20gb", false}, {7, 1, 1, 26, "1g.20gb", true}});
  ExpectCiProfiles(TestModel("GH200-96GB"), 15,
                   {{0, 1, 1, 26, "1g.24gb", false}, {7, 1, 1, 26, "1g.24gb", true}});
  // A100-40GB's 1g.10gb is the same profile (index 9, ID 15).
  ExpectCiProfiles(A100(), 15, {{0, 1, 1, 14, "1g.10gb", false}, {7, 1, 1, 14, "1g.10gb", true}});

  const GpuModel& m = H100();
  GpuState state = MigEnabled(m);
  ASSERT_OK_AND_ASSIGN(GpuInstance gi, CreateGpuInstance(m, &state, 15, kAuto));
  EXPECT_EQ(5, gi.id);
  ASSERT_OK_AND_ASSIGN(ComputeInstance ci,
                       CreateComputeInstance(m, &state, gi.id, kCiProfile1SliceRev1, kAuto));
  EXPECT_EQ(0, ci.id);
  EXPECT_EQ(7, ci.profile_id);
  EXPECT_EQ((Placement{0, 1}), ci.placement);
  // The slot is taken: neither profile fits again.
  EXPECT_CODE(CreateComputeInstance(m, &state, gi.id, kCiProfile1Slice, kAuto),
              Code::kInsufficientResources);
  EXPECT_CODE(CreateComputeInstance(m, &state, gi.id, kCiProfile1SliceRev1, kAuto),
              Code::kInsufficientResources);

  // With profile 0 in the slot instead, as go-nvlib creates it.
  ASSERT_OK_AND_ASSIGN(GpuInstance other, CreateGpuInstance(m, &state, 15, kAuto));
  ASSERT_OK_AND_ASSIGN(ComputeInstance zero,
                       CreateComputeInstance(m, &state, other.id, kCiProfile1Slice, kAuto));
  EXPECT_EQ(0, zero.id);
  EXPECT_EQ(0, zero.profile_id);
  EXPECT_EQ((Placement{0, 1}), zero.placement);
  EXPECT_CODE(CreateComputeInstance(m, &state, other.id, kCiProfile1SliceRev1, kAuto),
              Code::kInsufficientResources);
}

// RTX PRO 6000 2g.48gb: default CI ID 1 [T7].
TEST(GpuState, RtxPro2gDefaultCiIsProfile1) {
  const GpuModel& m = TestModel("RTX-PRO-6000");
  for (const CiProfile& ci : m.ComputeProfilesFor(TestProfile(m, 5))) {
    EXPECT_EQ(ci.id == 1, ci.is_default) << ci.name;
  }
}

// CI IDs start at 0 in each GI and are assigned 0, 1, 2 in creation order [S10].
TEST(GpuState, ComputeInstanceIdsInCreationOrder) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  ASSERT_OK_AND_ASSIGN(GpuInstance gi, CreateGpuInstance(m, &state, k3g, kAuto));
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(ComputeInstance ci,
                         CreateComputeInstance(m, &state, gi.id, kCiProfile1Slice, kAuto));
    EXPECT_EQ(i, ci.id);
    EXPECT_EQ((Placement{i, 1}), ci.placement);  // the first 1c shows 0:1 [T1, T2]
  }
  // Three 1c fill the 3g.
  EXPECT_CODE(CreateComputeInstance(m, &state, gi.id, kCiProfile1Slice, kAuto),
              Code::kInsufficientResources);
  EXPECT_CODE(CreateComputeInstance(m, &state, gi.id, kCiProfile3Slice, kAuto),
              Code::kInsufficientResources);
  // A second GI numbers its CIs from 0 again.
  ASSERT_OK_AND_ASSIGN(GpuInstance other, CreateGpuInstance(m, &state, k2g, kAuto));
  ASSERT_OK_AND_ASSIGN(ComputeInstance first,
                       CreateComputeInstance(m, &state, other.id, kCiProfile2Slice, kAuto));
  EXPECT_EQ(0, first.id);
}

TEST(GpuState, ComputeInstanceMixedProfilesFillGi) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  ASSERT_OK_AND_ASSIGN(GpuInstance gi, CreateGpuInstance(m, &state, k3g, kAuto));
  ASSERT_OK_AND_ASSIGN(ComputeInstance two,
                       CreateComputeInstance(m, &state, gi.id, kCiProfile2Slice, kAuto));
  EXPECT_EQ((Placement{0, 2}), two.placement);
  ASSERT_OK_AND_ASSIGN(ComputeInstance one,
                       CreateComputeInstance(m, &state, gi.id, kCiProfile1Slice, kAuto));
  EXPECT_EQ((Placement{2, 1}), one.placement);
  EXPECT_EQ(1, one.id);
  const GiProfile& p3g = TestProfile(m, k3g);
  for (const CiProfile& ci : m.ComputeProfilesFor(p3g)) {
    EXPECT_EQ(0, RemainingComputeCapacity(ci, *state.FindGpuInstance(gi.id))) << ci.name;
  }
}

TEST(GpuState, RemainingComputeCapacityOfEmptyGi) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  ASSERT_OK_AND_ASSIGN(GpuInstance gi, CreateGpuInstance(m, &state, k3g, kAuto));
  const GiProfile& p3g = TestProfile(m, k3g);
  const std::optional<CiProfile> c1 = FindCiProfile(m, p3g, kCiProfile1Slice);
  const std::optional<CiProfile> c2 = FindCiProfile(m, p3g, kCiProfile2Slice);
  const std::optional<CiProfile> c3 = FindCiProfile(m, p3g, kCiProfile3Slice);
  ASSERT_TRUE(c1.has_value() && c2.has_value() && c3.has_value());
  EXPECT_EQ(3, RemainingComputeCapacity(*c1, gi));
  EXPECT_EQ(1, RemainingComputeCapacity(*c2, gi));
  EXPECT_EQ(1, RemainingComputeCapacity(*c3, gi));
  EXPECT_FALSE(FindCiProfile(m, p3g, kCiProfile4Slice).has_value());
}

TEST(GpuState, CreateComputeInstanceErrors) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  ASSERT_OK_AND_ASSIGN(GpuInstance gi, CreateGpuInstance(m, &state, k3g, kAuto));
  const GpuState before = state;
  EXPECT_CODE(CreateComputeInstance(m, &state, 1, kCiProfile1Slice, kAuto), Code::kNotFound);
  // 4 slices do not exist in a 3g GI; 7 (1_SLICE_REV1) belongs to double-memory 1g GIs only.
  EXPECT_CODE(CreateComputeInstance(m, &state, gi.id, kCiProfile4Slice, kAuto),
              Code::kInvalidArgument);
  EXPECT_CODE(CreateComputeInstance(m, &state, gi.id, kCiProfile1SliceRev1, kAuto),
              Code::kInvalidArgument);
  EXPECT_CODE(CreateComputeInstance(m, &state, gi.id, 42, kAuto), Code::kInvalidArgument);
  // A 1c fits at 0, 1, 2 only; a 2c at 0 only.
  EXPECT_CODE(CreateComputeInstance(m, &state, gi.id, kCiProfile1Slice, 3), Code::kInvalidArgument);
  EXPECT_CODE(CreateComputeInstance(m, &state, gi.id, kCiProfile2Slice, 1), Code::kInvalidArgument);
  EXPECT_CODE(CreateComputeInstance(m, &state, gi.id, kCiProfile2Slice, -1),
              Code::kInvalidArgument);
  EXPECT_EQ(before, state);
  ASSERT_OK(CreateComputeInstance(m, &state, gi.id, kCiProfile1Slice, 1));
  const GpuState with_one = state;
  EXPECT_CODE(CreateComputeInstance(m, &state, gi.id, kCiProfile1Slice, 1),
              Code::kInsufficientResources);
  EXPECT_CODE(CreateComputeInstance(m, &state, gi.id, kCiProfile2Slice, 0),
              Code::kInsufficientResources);
  EXPECT_EQ(with_one, state);
}

TEST(GpuState, DestroyComputeInstance) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  ASSERT_OK_AND_ASSIGN(GpuInstance gi, CreateGpuInstance(m, &state, k3g, kAuto));
  for (int i = 0; i < 3; ++i) ASSERT_OK(CreateComputeInstance(m, &state, gi.id, 0, kAuto));
  EXPECT_CODE(DestroyComputeInstance(&state, gi.id, 5), Code::kNotFound);
  EXPECT_CODE(DestroyComputeInstance(&state, 1, 0), Code::kNotFound);
  ASSERT_OK(DestroyComputeInstance(&state, gi.id, 1));
  EXPECT_CODE(DestroyComputeInstance(&state, gi.id, 1), Code::kNotFound);
  const std::vector<ComputeInstance>& cis = state.FindGpuInstance(gi.id)->compute_instances;
  ASSERT_EQ(2u, cis.size());
  EXPECT_EQ(0, cis[0].id);
  EXPECT_EQ(2, cis[1].id);
  // The freed slice is usable again, under an ID unique in the GI (§7; the reuse rule itself is
  // UNCONFIRMED, §5).
  ASSERT_OK_AND_ASSIGN(ComputeInstance again, CreateComputeInstance(m, &state, gi.id, 0, kAuto));
  EXPECT_EQ((Placement{1, 1}), again.placement);
  EXPECT_NE(0, again.id);
  EXPECT_NE(2, again.id);
  EXPECT_OK(ValidateState(m, state));
}

// --- MIG device order (mig-facts.md §7) ----------------------------------------------------------

// (GI ID, CI ID) pairs, in MigDevices order.
std::vector<std::pair<int, int>> DeviceIds(const GpuState& state) {
  std::vector<std::pair<int, int>> out;
  for (const MigDeviceRef& d : MigDevices(state)) out.emplace_back(d.gi_id, d.ci_id);
  return out;
}

TEST(GpuState, MigDevicesOrderedByGiThenCi) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  // Create the GI with the higher ID first; device order still follows IDs.
  ASSERT_OK_AND_ASSIGN(GpuInstance three, CreateGpuInstance(m, &state, k3g, kAuto));  // GI 2
  ASSERT_OK_AND_ASSIGN(GpuInstance four, CreateGpuInstance(m, &state, k4g, kAuto));   // GI 1
  ASSERT_EQ(2, three.id);
  ASSERT_EQ(1, four.id);
  ASSERT_OK(CreateComputeInstance(m, &state, three.id, kCiProfile1Slice, kAuto));
  ASSERT_OK(CreateComputeInstance(m, &state, three.id, kCiProfile1Slice, kAuto));
  ASSERT_OK(CreateComputeInstance(m, &state, four.id, kCiProfile4Slice, kAuto));
  EXPECT_EQ((std::vector<std::pair<int, int>>{{1, 0}, {2, 0}, {2, 1}}), DeviceIds(state));
}

// H100 NVL `-cgi 9,15,19 -C`: GIs 1, 5, 13 become devices 0, 1, 2 [T5].
TEST(GpuState, H100NvlMigDevices) {
  const GpuModel& m = TestModel("H100-NVL-94GB");
  GpuState state = MigEnabled(m);
  for (int p : {9, 15, 19}) {
    ASSERT_OK_AND_ASSIGN(GpuInstance gi, CreateGpuInstance(m, &state, p, kAuto));
    const GiProfile& gp = TestProfile(m, p);
    int default_ci = -1;
    for (const CiProfile& ci : m.ComputeProfilesFor(gp)) {
      if (ci.is_default) default_ci = ci.id;
    }
    ASSERT_OK(CreateComputeInstance(m, &state, gi.id, default_ci, kAuto));
  }
  EXPECT_EQ((std::vector<std::pair<int, int>>{{1, 0}, {5, 0}, {13, 0}}), DeviceIds(state));
}

TEST(GpuState, MigDevicesEmptyWithoutComputeInstances) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  ASSERT_OK(CreateGpuInstance(m, &state, k7g, kAuto));
  EXPECT_TRUE(MigDevices(state).empty());
}

TEST(GpuState, PlacedProfilesOfState) {
  const GpuModel& m = A100();
  GpuState state = MigEnabled(m);
  ASSERT_OK(CreateGpuInstance(m, &state, k3g, 4));
  ASSERT_OK(CreateGpuInstance(m, &state, k2g, 0));
  const std::vector<PlacedProfile> placed = PlacedProfilesOf(m, state);
  ASSERT_EQ(2u, placed.size());
  // In GI ID order: the 3g at 4:4 is GI 2, the 2g at 0:2 is GI 3.
  EXPECT_EQ(k3g, placed[0].profile->id);
  EXPECT_EQ((Placement{4, 4}), placed[0].placement);
  EXPECT_EQ(k2g, placed[1].profile->id);
  EXPECT_EQ((Placement{0, 2}), placed[1].placement);
}

// --- ValidateState -------------------------------------------------------------------------------

GpuState ValidA100State() {
  GpuState s;
  s.mig_current = s.mig_pending = true;
  // A 3g at 4:4 holding a 2c at 0:2 and a 1c at 2:1, and a 2g at 0:2 without CIs.
  GpuInstance three{2, k3g, {4, 4}, {{0, kCiProfile2Slice, {0, 2}}, {1, kCiProfile1Slice, {2, 1}}}};
  GpuInstance two{3, k2g, {0, 2}, {}};
  s.gpu_instances = {three, two};
  return s;
}

TEST(GpuState, ValidateAcceptsReachableState) {
  const GpuModel& m = A100();
  EXPECT_OK(ValidateState(m, GpuState{}));
  EXPECT_OK(ValidateState(m, ValidA100State()));
}

TEST(GpuState, ValidateCatchesOverlap) {
  GpuState s = ValidA100State();
  s.gpu_instances.push_back({5, k2g, {4, 2}, {}});  // inside the 3g at 4:4
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
}

TEST(GpuState, ValidateCatchesIdNotMatchingPlacement) {
  GpuState s = ValidA100State();
  s.gpu_instances[0].id = 1;  // a 3g at 4:4 is GI 2
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
}

TEST(GpuState, ValidateCatchesUnsortedGpuInstances) {
  GpuState s = ValidA100State();
  std::swap(s.gpu_instances[0], s.gpu_instances[1]);
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
}

TEST(GpuState, ValidateCatchesDuplicateGiId) {
  GpuState s = ValidA100State();
  s.gpu_instances.push_back(s.gpu_instances.back());
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
}

TEST(GpuState, ValidateCatchesUnknownProfile) {
  GpuState s = ValidA100State();
  s.gpu_instances[1].profile_id = 42;
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
}

TEST(GpuState, ValidateCatchesInvalidPlacement) {
  GpuState s;
  s.mig_current = s.mig_pending = true;
  s.gpu_instances = {{6, k2g, {6, 2}, {}}};  // 2g never starts at 6
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
}

TEST(GpuState, ValidateCatchesInstanceLimit) {
  GpuState s;
  s.mig_current = s.mig_pending = true;
  s.gpu_instances = {{7, k1gMe, {0, 1}, {}}, {8, k1gMe, {1, 1}, {}}};
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
}

TEST(GpuState, ValidateCatchesInstancesWithMigDisabled) {
  GpuState s = ValidA100State();
  s.mig_current = s.mig_pending = false;
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
}

TEST(GpuState, ValidateCatchesComputeInstanceOutsideGi) {
  GpuState s = ValidA100State();
  s.gpu_instances[0].compute_instances = {{0, kCiProfile1Slice, {3, 1}}};  // a 3g has slices 0-2
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
  s.gpu_instances[0].compute_instances = {{0, kCiProfile2Slice, {2, 2}}};  // would end at slice 4
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
  s.gpu_instances[0].compute_instances = {{0, kCiProfile1Slice, {0, 2}}};  // wrong size
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
}

TEST(GpuState, ValidateCatchesOverlappingComputeInstances) {
  GpuState s = ValidA100State();
  s.gpu_instances[0].compute_instances = {{0, kCiProfile2Slice, {0, 2}},
                                          {1, kCiProfile1Slice, {1, 1}}};
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
}

TEST(GpuState, ValidateCatchesBadComputeInstanceIds) {
  GpuState s = ValidA100State();
  s.gpu_instances[0].compute_instances[1].id = 0;  // duplicate
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
  s = ValidA100State();
  s.gpu_instances[0].compute_instances[1].id = 8;  // CI IDs are 0-7 (§7)
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
  s = ValidA100State();
  s.gpu_instances[0].compute_instances[0].id = -1;
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
}

TEST(GpuState, ValidateCatchesUnknownComputeProfile) {
  GpuState s = ValidA100State();
  s.gpu_instances[0].compute_instances[0].profile_id = kCiProfile4Slice;
  EXPECT_CODE(ValidateState(A100(), s), Code::kCorruption);
}

}  // namespace
}  // namespace migkit
