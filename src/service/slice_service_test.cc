#include "service/slice_service.h"

#include <gtest/gtest.h>

#include "reconfig/busy.h"
#include "service/lease_access.h"
#include "service/test_node.h"
#include "testing/temp_dir.h"

namespace migkit {
namespace {

constexpr std::int64_t kHour = 3600LL * 1'000'000;

class SliceServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(t_.Open("2xH100-SXM5-80GB", ":memory:"), "");
    ASSERT_TRUE(t_.store->CreateTenant({"acme", Quota{8, std::nullopt, {}}}).ok());
    ASSERT_TRUE(t_.store->CreateTenant({"beta", Quota{28, std::nullopt, {}}}).ok());
  }
  StatusOr<Grant> Lease(const std::string& tenant, const std::string& what,
                        std::optional<std::int64_t> seconds = std::nullopt) {
    return t_.service->Create({tenant, what, seconds});
  }
  std::vector<GpuInstance> Instances(int gpu) {
    return t_.node->Gpus().value()[static_cast<size_t>(gpu)].state.gpu_instances;
  }
  TestNode t_;
};

TEST_F(SliceServiceTest, GrantsAnInstanceWithItsDeviceFilesAndUuid) {
  StatusOr<Grant> g = Lease("acme", "3g.40gb");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_FALSE(g->reused);
  EXPECT_EQ(g->lease.profile, "3g.40gb");
  EXPECT_EQ(g->lease.slices, 3);
  EXPECT_EQ(g->lease.memory_mib, 40448);
  // The instance exists on the node with its default CI, and the lease names its MIG UUID.
  const GpuInfo gpu = t_.node->Gpus().value()[static_cast<size_t>(g->lease.gpu)];
  const GpuInstance* gi = gpu.state.FindGpuInstance(g->lease.gi_id);
  ASSERT_NE(gi, nullptr);
  EXPECT_EQ(gi->profile_id, 9);  // 3g.40gb's profile ID on H100 (mig-facts.md §3)
  ASSERT_EQ(gi->compute_instances.size(), 1u);
  EXPECT_EQ(g->lease.mig_uuid, (gpu.mig_uuids.at({g->lease.gi_id, g->lease.ci_id})));
  const LeaseAccess access = AccessOf(g->lease);
  EXPECT_EQ(access.cdi_name, "nvidia.com/gpu=" + g->lease.mig_uuid);
  // A 3g on an 8-unit axis is GI 1 (start 0) or 2 (start 4); its cap minor is 3 + 135 g + 9 i.
  EXPECT_EQ(access.files.gi_cap_minor, 3 + 135 * g->lease.gpu + 9 * g->lease.gi_id);
  EXPECT_EQ(access.files.gpu, "/dev/nvidia" + std::to_string(g->lease.gpu));
  // The instance is marked busy for `migctl apply`.
  auto marks = BusyStore(&t_.env, "/node").List(t_.env.NowMicros());
  ASSERT_TRUE(marks.ok());
  ASSERT_EQ(marks->size(), 1u);
  EXPECT_EQ((*marks)[0].holder, "migkitd:" + g->lease.id);
  EXPECT_EQ((*marks)[0].gi_id, g->lease.gi_id);
}

TEST_F(SliceServiceTest, ResolvesANeedToTheSmallestFittingProfile) {
  // H100-SXM5-80GB: 2g.20gb has 20096 MiB and 32 SMs; 20 GiB (20480 MiB) needs a 3g.40gb.
  EXPECT_EQ(Lease("beta", "mem>=19GiB,sms>=30")->lease.profile, "2g.20gb");
  EXPECT_EQ(Lease("beta", "mem>=20GiB,sms>=30")->lease.profile, "3g.40gb");
  EXPECT_EQ(Lease("beta", "mem>=100GiB").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Lease("beta", "9g.90gb").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Lease("nobody", "1g.10gb").status().code(), Code::kNotFound);
}

TEST_F(SliceServiceTest, ReleasedInstancesAreReusedWithoutAGpuChange) {
  StatusOr<Grant> first = Lease("acme", "2g.20gb");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(t_.service->Release(first->lease.id, "acme").ok());
  const auto before = t_.node->Gpus().value();
  StatusOr<Grant> second = Lease("beta", "2g.20gb");
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->reused);
  EXPECT_EQ(second->lease.mig_uuid, first->lease.mig_uuid);
  EXPECT_EQ(t_.node->Gpus().value()[0].state, before[0].state);
  EXPECT_EQ(t_.node->Gpus().value()[1].state, before[1].state);
}

TEST_F(SliceServiceTest, QuotaRefusalSaysWhatIsUsedAndAllowed) {
  ASSERT_TRUE(Lease("acme", "4g.40gb").ok());
  ASSERT_TRUE(Lease("acme", "3g.40gb").ok());
  StatusOr<Grant> over = Lease("acme", "2g.20gb");
  EXPECT_EQ(over.status().code(), Code::kNoPermission);
  EXPECT_EQ(over.status().message(),
            "tenant acme: 2g.20gb needs 2 compute slices; quota 8, 7 used, 1 left");
  EXPECT_TRUE(Lease("acme", "1g.10gb").ok());
}

TEST_F(SliceServiceTest, TenantsReachOnlyTheirOwnLeases) {
  StatusOr<Grant> g = Lease("acme", "1g.10gb");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(t_.service->Get(g->lease.id, "beta").status().code(), Code::kNotFound);
  EXPECT_EQ(t_.service->Release(g->lease.id, "beta").code(), Code::kNotFound);
  EXPECT_EQ(t_.service->Renew(g->lease.id, "beta", 60).status().code(), Code::kNotFound);
  EXPECT_TRUE(t_.service->List("beta")->empty());
  EXPECT_EQ(t_.service->List("acme")->size(), 1u);
  EXPECT_TRUE(t_.service->Get(g->lease.id, "acme").ok());
}

TEST_F(SliceServiceTest, LeasesExpireAndRenew) {
  StatusOr<Grant> g = Lease("acme", "1g.10gb", 3600);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*g->lease.expires_micros, g->lease.created_micros + kHour);
  t_.env.Advance(kHour / 2);
  StatusOr<migkit::Lease> renewed = t_.service->Renew(g->lease.id, "acme", 7200);
  ASSERT_TRUE(renewed.ok());
  EXPECT_EQ(*renewed->expires_micros, g->lease.created_micros + kHour / 2 + 2 * kHour);
  t_.env.Advance(2 * kHour + 1);
  EXPECT_EQ(t_.service->Get(g->lease.id, "acme").status().code(), Code::kNotFound);
  // The ledger stop is at the expiry time, and the busy mark is gone.
  auto ledger = t_.store->Ledger("acme").value();
  ASSERT_EQ(ledger.size(), 2u);
  EXPECT_EQ(ledger[1].micros, *renewed->expires_micros);
  EXPECT_EQ(ledger[1].reason, "expired");
  EXPECT_TRUE(BusyStore(&t_.env, "/node").List(t_.env.NowMicros())->empty());
  EXPECT_EQ(Lease("acme", "1g.10gb", 0).status().code(), Code::kInvalidArgument);
}

TEST_F(SliceServiceTest, PlacementKeepsRoomForLargeProfiles) {
  // Four 1g.10gb leases: capacity-preserving placement packs them onto one GPU, so the other GPU
  // still takes a 7g.80gb.
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Lease("beta", "1g.10gb").ok());
  StatusOr<Grant> whole = Lease("beta", "7g.80gb");
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
}

TEST_F(SliceServiceTest, NeverTouchesALeasedInstance) {
  // Fill GPU 0 and 1 with 3g.40gb leases: the fifth has no room, although idle capacity exists
  // nowhere, and nothing leased changed.
  std::vector<Grant> grants;
  for (int i = 0; i < 4; ++i) grants.push_back(Lease("beta", "3g.40gb").value());
  const auto before = t_.node->Gpus().value();
  EXPECT_EQ(Lease("beta", "3g.40gb").status().code(), Code::kInsufficientResources);
  EXPECT_EQ(t_.node->Gpus().value()[0].state, before[0].state);
  auto plan = t_.service->PlanDefrag("7g.80gb");
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->fits_now);
  EXPECT_FALSE(plan->gpu.has_value());
}

TEST_F(SliceServiceTest, ReclaimsIdleInstancesWhenNothingElseFits) {
  // Both GPUs full of idle 1g.10gb (7 each, H100's instance limit); one of GPU 0's is leased.
  for (int gpu = 0; gpu < 2; ++gpu) {
    for (int start = 0; start < 7; ++start) {
      ASSERT_TRUE(t_.node->CreateGpuInstance(gpu, 19, start).ok());
    }
  }
  StatusOr<Grant> small = Lease("acme", "1g.10gb");
  ASSERT_TRUE(small.ok());
  ASSERT_TRUE(small->reused);
  ASSERT_EQ(small->lease.gpu, 0);
  // A 7g.80gb fits only where every idle 1g goes: GPU 1, never the GPU holding the lease.
  StatusOr<Grant> whole = Lease("beta", "7g.80gb");
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_FALSE(whole->reused);
  EXPECT_EQ(whole->lease.gpu, 1);
  EXPECT_EQ(Instances(1).size(), 1u);
  EXPECT_EQ(Instances(0).size(), 7u);
  EXPECT_EQ(t_.service->Get(small->lease.id, "acme")->mig_uuid, small->lease.mig_uuid);
}

TEST_F(SliceServiceTest, DefragMovesIdleInstancesOnly) {
  // GPU 0: an idle 1g.10gb at start 0 and a leased one at start 6 leave no 4g.40gb (start 0 only);
  // GPU 1: a leased 4g.40gb. Defrag moves the idle 1g away from units 0-3.
  ASSERT_TRUE(t_.node->CreateGpuInstance(1, 5, 0).ok());   // 4g.40gb on GPU 1
  ASSERT_TRUE(t_.node->CreateGpuInstance(0, 19, 6).ok());  // 1g.10gb at 6 (GI 13), leased next
  ASSERT_TRUE(Lease("beta", "4g.40gb").value().reused);    // GPU 1's 4g
  StatusOr<Grant> small = Lease("beta", "1g.10gb");
  ASSERT_TRUE(small.ok());
  ASSERT_TRUE(small->reused);
  ASSERT_EQ(small->lease.gi_id, 13);
  ASSERT_TRUE(t_.node->CreateGpuInstance(0, 19, 0).ok());  // an idle 1g.10gb at 0 (GI 7)
  const int leased_gi = small->lease.gi_id;
  auto plan = t_.service->PlanDefrag("4g.40gb");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_FALSE(plan->fits_now);
  ASSERT_EQ(plan->gpu, 0);
  ASSERT_EQ(plan->moves.size(), 1u);
  EXPECT_EQ(plan->moves[0].from, (Placement{0, 1}));
  ASSERT_TRUE(t_.service->Defrag("4g.40gb").ok());
  // The leased GI is where it was; 4g.40gb fits now.
  EXPECT_EQ(t_.node->Gpus().value()[0].state.FindGpuInstance(leased_gi)->placement.start, 6);
  EXPECT_TRUE(t_.service->PlanDefrag("4g.40gb")->fits_now);
  EXPECT_TRUE(Lease("beta", "4g.40gb").ok());
}

TEST_F(SliceServiceTest, ReconcileEndsLeasesWhoseInstanceVanishedAndKeepsStrays) {
  StatusOr<Grant> g = Lease("acme", "2g.20gb");
  ASSERT_TRUE(g.ok());
  // Someone destroys the leased instance behind migkitd's back; another instance appears.
  ASSERT_TRUE(t_.node->DestroyComputeInstance(g->lease.gpu, g->lease.gi_id, g->lease.ci_id).ok());
  ASSERT_TRUE(t_.node->DestroyGpuInstance(g->lease.gpu, g->lease.gi_id).ok());
  ASSERT_TRUE(t_.node->CreateGpuInstance(1, 19, std::nullopt).ok());
  // A stale mark of a lease that never got recorded (a crash between the two steps).
  BusyMark stale{g->lease.gpu_uuid, 13, std::nullopt, "migkitd:lease-gone", 0, std::nullopt};
  ASSERT_TRUE(BusyStore(&t_.env, "/node").Add(stale, t_.env.NowMicros()).ok());
  StatusOr<ReconcileReport> r = t_.service->Reconcile();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->vanished, 1);
  EXPECT_EQ(r->idle, 1);
  EXPECT_EQ(r->marks_removed, 1);
  EXPECT_TRUE(t_.service->List(std::nullopt)->empty());
  auto ledger = t_.store->Ledger("acme").value();
  ASSERT_EQ(ledger.size(), 2u);
  EXPECT_EQ(ledger[1].reason, "instance vanished");
  EXPECT_TRUE(BusyStore(&t_.env, "/node").List(t_.env.NowMicros())->empty());
  // A second reconcile finds nothing more to do.
  EXPECT_EQ(t_.service->Reconcile()->vanished, 0);
}

TEST_F(SliceServiceTest, InstancesMarkedBusyByOthersAreNotReused) {
  ASSERT_TRUE(t_.node->CreateGpuInstance(0, 14, 0).ok());  // an idle 2g.20gb at 0
  const std::string gpu_uuid = t_.node->Gpus().value()[0].uuid;
  const int gi_id = Instances(0)[0].id;
  BusyMark mark{gpu_uuid, gi_id, std::nullopt, "job-42", 0, std::nullopt};
  ASSERT_TRUE(BusyStore(&t_.env, "/node").Add(mark, t_.env.NowMicros()).ok());
  StatusOr<Grant> g = Lease("acme", "2g.20gb");
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->reused);
  EXPECT_FALSE(g->lease.gpu == 0 && g->lease.gi_id == gi_id);
}

}  // namespace
}  // namespace migkit

namespace migkit {
namespace {

TEST(SliceServiceKeepIdle, ReleaseDestroysTheInstanceWhenAsked) {
  TestNode t;
  ServiceOptions options;
  options.keep_idle = false;
  ASSERT_EQ(t.Open("H100-SXM5-80GB", ":memory:", options), "");
  ASSERT_TRUE(t.store->CreateTenant({"acme", Quota{7, std::nullopt, {}}}).ok());
  StatusOr<Grant> g = t.service->Create({"acme", "3g.40gb", std::nullopt});
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(t.node->Gpus().value()[0].state.gpu_instances.size(), 1u);
  ASSERT_TRUE(t.service->Release(g->lease.id, "acme").ok());
  EXPECT_TRUE(t.node->Gpus().value()[0].state.gpu_instances.empty());
}

}  // namespace
}  // namespace migkit
