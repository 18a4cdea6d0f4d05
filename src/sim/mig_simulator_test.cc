#include "sim/mig_simulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "catalog/catalog.h"
#include "core/geometry.h"
#include "sim/sim_test_cluster.h"
#include "sim/static_layout.h"
#include "testing/status_matchers.h"

namespace migkit::sim {
namespace {

using testing::Pod;

const GpuModel& H100() { return *Catalog::BuiltIn().Find("H100-SXM5-80GB"); }

TEST(ProfileForShare, RoundsUpToTheSmallestProfile) {
  // 7 slices on H100: 100 milli -> 0.7 slice -> 1g.10gb; 300 -> 2.1 -> 3g.40gb; 500 -> 3.5 ->
  // 4g.40gb; 810 -> 5.67 -> 7g.80gb (no 5g or 6g profile); 1000 -> 7g.80gb.
  EXPECT_EQ(ProfileForShare(H100(), 100)->name, "1g.10gb");
  EXPECT_EQ(ProfileForShare(H100(), 285)->name, "2g.20gb");
  EXPECT_EQ(ProfileForShare(H100(), 300)->name, "3g.40gb");
  EXPECT_EQ(ProfileForShare(H100(), 500)->name, "4g.40gb");
  EXPECT_EQ(ProfileForShare(H100(), 810)->name, "7g.80gb");
  EXPECT_EQ(ProfileForShare(H100(), 1000)->name, "7g.80gb");
}

// One node, one H100: seven 1g shares fit as seven 1g.10gb; the eighth fails. Under whole GPUs
// only the first fits.
TEST(SimulateMig, SevenSmallInstancesOnOneGpu) {
  std::vector<NodeSpec> node = {{"n", 64000, 262144, 1, "T4"}};
  std::vector<PodSpec> pods;
  for (int i = 0; i < 8; ++i) pods.push_back(Pod(1000, 1, 100, i));
  MigOptions options;
  options.model = &H100();
  MigResult r = SimulateMig(node, pods, options);
  EXPECT_EQ(r.last.pods_failed, 1);
  EXPECT_EQ(r.gis_created, 7);
  EXPECT_DOUBLE_EQ(r.driver_seconds, 0.7);
  EXPECT_NEAR(r.last.requested_pct, 70, 1e-9);  // 7 x 100 milli of 1000
  EXPECT_NEAR(r.last.slices_pct, 100, 1e-9);    // 7 of 7 slices held

  options.mode = MigMode::kWholeGpu;
  MigResult whole = SimulateMig(node, pods, options);
  EXPECT_EQ(whole.last.pods_failed, 7);
  EXPECT_EQ(whole.gis_created, 0);
  EXPECT_NEAR(whole.last.requested_pct, 10, 1e-9);
}

TEST(SimulateMig, FourteenSlicesOfDemandOnTwoGpus) {
  // 3g, 2g, 1g, 4g, 1g, 3g: 14 slices for 2 x 7. H100's placement table puts 4g only at 0 and
  // 3g at 0 or 4, so the exact fit is 4g@0 + 3g@4 on one GPU and 3g + 2g + 1g + 1g on the other.
  // Online, the first 3g, the 2g and the 1g must share GPU 0 for the 4g to find an empty GPU:
  // capacity-preserving placement keeps GPU 1 empty, and everything fits.
  std::vector<NodeSpec> node = {{"n", 64000, 262144, 2, "T4"}};
  std::vector<PodSpec> pods = {Pod(1000, 1, 300, 0), Pod(1000, 1, 200, 1), Pod(1000, 1, 100, 2),
                               Pod(1000, 1, 500, 3), Pod(1000, 1, 100, 4), Pod(1000, 1, 300, 5)};
  MigOptions options;
  options.model = &H100();
  MigResult r = SimulateMig(node, pods, options);
  EXPECT_EQ(r.last.pods_failed, 0);
  EXPECT_EQ(r.gis_created, 6);
  EXPECT_NEAR(r.last.slices_pct, 100, 1e-9);
  EXPECT_NEAR(r.last.requested_pct, 100.0 * 1500 / 2000, 1e-9);
}

TEST(SimulateMig, DeparturesDestroyInstances) {
  std::vector<NodeSpec> node = {{"n", 64000, 262144, 1, "T4"}};
  std::vector<PodSpec> pods = {Pod(1000, 1, 500, 0, 10), Pod(1000, 1, 500, 5),
                               Pod(1000, 1, 500, 10)};
  MigOptions options;
  options.model = &H100();
  options.departures = true;
  MigResult r = SimulateMig(node, pods, options);
  // A 4g.40gb leaves room for a 3g but not a second 4g: the pod at t=5 fails; at t=10 the first
  // 4g is gone and the third pod gets one.
  EXPECT_EQ(r.last.pods_failed, 1);
  EXPECT_EQ(r.gis_created, 2);
  EXPECT_EQ(r.gis_destroyed, 1);
  EXPECT_DOUBLE_EQ(r.driver_seconds, 2 * 0.1 + 0.15);
  EXPECT_EQ(r.node_of_pod, (std::vector<int>{0, -1, 0}));
}

TEST(SimulateMig, QueuedPodStartsWhenRoomFrees) {
  // Two 4g.40gb pods on one H100: the second waits from t=5 until the first leaves at t=10.
  std::vector<NodeSpec> node = {{"n", 64000, 262144, 1, "T4"}};
  std::vector<PodSpec> pods = {Pod(1000, 1, 500, 0, 10), Pod(1000, 1, 500, 5, 10)};
  MigOptions options;
  options.model = &H100();
  options.departures = true;
  options.queue = true;
  options.sample_interval = 5;
  MigResult r = SimulateMig(node, pods, options);
  EXPECT_EQ(r.last.pods_failed, 0);
  EXPECT_EQ(r.start_of_pod, (std::vector<double>{0, 10}));
  EXPECT_EQ(r.last_event_time, 20);
  // Samples at 0, 5, 10, 15, 20, each the state before that time's events.
  ASSERT_EQ(r.timeline.size(), 5u);
  EXPECT_EQ(r.timeline[0].gpus_in_use_pct, 0);
  EXPECT_EQ(r.timeline[3].gpus_in_use_pct, 100);
  EXPECT_EQ(r.timeline[4].time, 20);
}

TEST(SimulateMig, StaticLayoutsFromThePlanner) {
  // One whole-GPU pod and five 100 milli-GPU shares on two H100s. The planner lays out what the
  // mix asks for: one GPU with a 7g.80gb, one with the 1g.10gb instances.
  std::vector<NodeSpec> node = {{"n", 64000, 262144, 2, "T4"}};
  std::vector<PodSpec> pods = {Pod(1000, 1, 1000, 0)};
  for (int i = 1; i <= 5; ++i) pods.push_back(Pod(1000, 1, 100, i));
  ASSERT_OK_AND_ASSIGN(std::vector<Layout> layouts, PlanStaticLayouts(H100(), 2, pods));
  ASSERT_EQ(layouts.size(), 2u);
  std::multiset<std::string> all;
  for (const Layout& layout : layouts) {
    for (const PlacedProfile& p : layout) all.insert(p.profile->name);
  }
  EXPECT_EQ(all, (std::multiset<std::string>{"7g.80gb", "1g.10gb", "1g.10gb", "1g.10gb", "1g.10gb",
                                             "1g.10gb"}));
  MigOptions options;
  options.model = &H100();
  options.mode = MigMode::kStaticMig;
  options.static_layouts = layouts;
  MigResult r = SimulateMig(node, pods, options);
  EXPECT_EQ(r.last.pods_failed, 0);
  EXPECT_EQ(r.gis_created, 0);  // nothing is reconfigured
  EXPECT_NEAR(r.last.slices_pct, 100.0 * 12 / 14, 1e-9);
  EXPECT_NEAR(r.last.requested_pct, 100.0 * 1500 / 2000, 1e-9);

  // Without the 7g, the whole-GPU pod finds no instance large enough.
  for (Layout& layout : options.static_layouts) {
    std::erase_if(layout, [](const PlacedProfile& p) { return p.profile->slices == 7; });
  }
  EXPECT_EQ(SimulateMig(node, pods, options).node_of_pod, (std::vector<int>{-1, 0, 0, 0, 0, 0}));
}

TEST(SimulateMig, ScheduledLayoutsSwitchWhenTheGpuIsIdle) {
  // One H100: 7g.80gb at first, seven 1g.10gb from t=10. A 1g share at t=0 takes the 7g (the only
  // instance) until t=20, so the switch waits until then; a second share arriving at t=5 waits
  // and starts at t=20 on a new 1g instance. Reconfiguration: 1 GI destroyed, 7 created.
  std::vector<NodeSpec> node = {{"n", 64000, 262144, 1, "T4"}};
  std::vector<PodSpec> pods = {Pod(1000, 1, 100, 0, 20), Pod(1000, 1, 100, 5, 20)};
  const GpuModel& h100 = H100();
  const GiProfile* full = h100.FullProfile();
  const GiProfile* small = h100.FindProfileByName("1g.10gb");
  Layout sevens;
  for (int start = 0; start < 7; ++start) sevens.push_back({small, Placement{start, 1}});
  MigOptions options;
  options.model = &h100;
  options.mode = MigMode::kScheduledMig;
  options.departures = true;
  options.queue = true;
  options.static_layouts = {{{full, PossiblePlacements(*full).front()}}};
  options.layout_changes = {{10, {sevens}}};
  MigResult r = SimulateMig(node, pods, options);
  EXPECT_EQ(r.start_of_pod, (std::vector<double>{0, 20}));
  EXPECT_EQ(r.gis_destroyed, 1);
  EXPECT_EQ(r.gis_created, 7);
  EXPECT_DOUBLE_EQ(r.driver_seconds, 7 * 0.1 + 0.15);
}

TEST(SimulateMig, TimeSlicedPodsSlowEachOtherWhileTheyShare) {
  // One GPU, MISO's 15 % per extra co-runner. A (500 milli, 100 s of work) runs alone from 0 to
  // 50 (50 s left), then shares with B: both at 1/1.15. A ends at 50 + 50 x 1.15 = 107.5; B has
  // done 57.5 / 1.15 = 50 s by then and ends alone at 157.5. C (100 milli) arrives at 60, when
  // the GPU's 1000 milli are taken, waits for A and starts at 107.5 beside B, which slows again:
  // C's 10 s at 1/1.15 end at 119; B did 11.5 / 1.15 = 10 s meanwhile, 40 s left alone: 159.
  std::vector<NodeSpec> node = {{"n", 64000, 262144, 1, "T4"}};
  std::vector<PodSpec> pods = {Pod(1000, 1, 500, 0, 100), Pod(1000, 1, 500, 50, 100),
                               Pod(1000, 1, 100, 60, 10)};
  MigOptions options;
  options.model = &H100();
  options.mode = MigMode::kTimeSliced;
  options.departures = true;
  options.queue = true;
  MigResult r = SimulateMig(node, pods, options);
  EXPECT_EQ(r.start_of_pod, (std::vector<double>{0, 50, 107.5}));
  ASSERT_EQ(r.end_of_pod.size(), 3u);
  EXPECT_NEAR(r.end_of_pod[0], 107.5, 1e-9);
  EXPECT_NEAR(r.end_of_pod[2], 119, 1e-9);
  EXPECT_NEAR(r.end_of_pod[1], 159, 1e-9);
  EXPECT_EQ(r.gis_created, 0);
  // Without interference the shares do not stretch at all.
  options.interference_penalty = 0;
  MigResult free = SimulateMig(node, pods, options);
  EXPECT_NEAR(free.end_of_pod[0], 100, 1e-9);
  EXPECT_NEAR(free.end_of_pod[1], 150, 1e-9);
  EXPECT_NEAR(free.end_of_pod[2], 110, 1e-9);
}

TEST(SimulateMig, AJobRunsAtItsMeasuredSpeedOnEachInstanceSize) {
  // MISO's ResNet-50 at batch 128 (scheduling.md §3.2): 0.02986 s per iteration on 7g.40gb,
  // 0.06523 s on 1g.5gb. 100 s of whole-GPU work on a 1g instance takes 100 x 0.06523 / 0.02986.
  auto speeds = SpeedTable::Parse(
      "model,batch_size,compute_slices,mean_iter_time_s\n"
      "resnet,128,1,0.06523\nresnet,128,7,0.02986\n",
      "miso.csv");
  ASSERT_TRUE(speeds.ok());
  std::vector<NodeSpec> node = {{"n", 64000, 262144, 1, "T4"}};
  std::vector<PodSpec> pods = {Pod(1000, 1, 100, 0, 100), Pod(1000, 1, 100, 0, 100),
                               Pod(1000, 1, 100, 0, 100)};
  pods[0].job = "resnet/128";
  pods[1].job = "gnn/64";  // not measured: the fallback curve, (1/7)^0.55
  MigOptions options;
  options.model = &H100();
  options.departures = true;
  options.speeds = &*speeds;
  MigResult r = SimulateMig(node, pods, options);
  EXPECT_NEAR(r.end_of_pod[0], 100 * 0.06523 / 0.02986, 1e-9);
  EXPECT_NEAR(r.end_of_pod[1], 100 / std::pow(1.0 / 7, 0.55), 1e-9);
  EXPECT_NEAR(r.end_of_pod[2], 100, 1e-9);  // no job: runs its duration on what it asked for
  // On whole GPUs every job runs at full speed.
  options.mode = MigMode::kWholeGpu;
  options.queue = true;
  MigResult whole = SimulateMig(node, pods, options);
  EXPECT_NEAR(whole.end_of_pod[0], 100, 1e-9);
  EXPECT_NEAR(whole.end_of_pod[1], 200, 1e-9);
  EXPECT_NEAR(whole.end_of_pod[2], 300, 1e-9);
}

TEST(SimulateMig, FragmentationOfTheFreeSlices) {
  // One H100 and one 1g share: the instance goes to start 6 (mig-facts §4.3's first 1g start, and
  // where it costs the least capacity), leaving 6 free slices whose largest GI is the 4g at 0:
  // score 1 - 4/6. Whole GPUs report no MIG fragmentation.
  std::vector<NodeSpec> node = {{"n", 64000, 262144, 1, "T4"}};
  std::vector<PodSpec> pods = {Pod(1000, 1, 100, 0)};
  MigOptions options;
  options.model = &H100();
  MigResult r = SimulateMig(node, pods, options);
  EXPECT_NEAR(r.last.fragmentation_pct, 100 * (1 - 4.0 / 6), 1e-9);
  options.mode = MigMode::kWholeGpu;
  EXPECT_EQ(SimulateMig(node, pods, options).last.fragmentation_pct, 0);
}

}  // namespace
}  // namespace migkit::sim
