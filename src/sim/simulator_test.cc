#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <set>

#include "sim/sim_test_cluster.h"
#include "sim/workload.h"

namespace migkit::sim {
namespace {

using testing::Pod;
using testing::ThreeNodes;

// 14 GPUs. An 8-GPU pod fits only n1, then a 4-GPU pod only n2, then a 2-GPU pod only n0; a
// share pod then fits nowhere.
TEST(Simulate, AllocationAndFailuresByHand) {
  std::vector<PodSpec> pods = {Pod(1000, 8, 1000, 0), Pod(1000, 4, 1000, 1), Pod(1000, 2, 1000, 2),
                               Pod(1000, 1, 500, 3)};
  SimOptions options;
  options.policy = Policy::kBestFit;
  SimResult r = Simulate(ThreeNodes(), pods, pods, options);
  // Arrived demand: 8/14 = 57.1 %, 12/14 = 85.7 %, 14/14 = 100 %, 14.5/14 = 103.6 %.
  ASSERT_EQ(r.samples.size(), 104u);
  EXPECT_NEAR(r.samples[0].allocated_pct, 100.0 * 8 / 14, 1e-9);
  EXPECT_NEAR(r.samples[57].allocated_pct, 100.0 * 8 / 14, 1e-9);
  EXPECT_NEAR(r.samples[58].allocated_pct, 100.0 * 12 / 14, 1e-9);
  EXPECT_NEAR(r.samples[100].allocated_pct, 100, 1e-9);
  EXPECT_NEAR(r.last.arrived_pct, 100.0 * 14.5 / 14, 1e-9);
  EXPECT_EQ(r.last.pods_failed, 1);
  EXPECT_EQ(r.failed_by_kind[static_cast<int>(PodKind::kShareGpu)], 1);
  EXPECT_EQ(r.arrived_by_kind[static_cast<int>(PodKind::kEightGpu)], 1);
  EXPECT_EQ(r.last.gpus_in_use_pct, 100);
  EXPECT_EQ(r.last.fragmentation_pct, 0);  // nothing idle
  EXPECT_EQ(r.events, 4);
  EXPECT_EQ(r.node_of_pod, (std::vector<int>{1, 2, 0, -1}));
}

TEST(Simulate, FragmentationOfAHalfUsedGpu) {
  // One 600 milli-GPU share on a one-node, one-GPU cluster; the typical pods are that share
  // (which no longer fits: the 400 left is fragment) and a 300 share (which does: none is).
  std::vector<NodeSpec> node = {{"n", 8000, 8192, 1, "T4"}};
  std::vector<PodSpec> pods = {Pod(1000, 1, 600)};
  std::vector<PodSpec> typical = {Pod(1000, 1, 600), Pod(1000, 1, 300)};
  SimResult r = Simulate(node, pods, typical, SimOptions{});
  EXPECT_DOUBLE_EQ(r.last.fragmentation_gpus, 0.5 * 0.4);
  EXPECT_DOUBLE_EQ(r.last.fragmentation_pct, 50);  // of the 400 idle
  EXPECT_DOUBLE_EQ(r.last.allocated_pct, 60);
}

TEST(Simulate, DepartureFreesResourcesBeforeAnArrivalAtTheSameTime) {
  std::vector<PodSpec> pods = {Pod(1000, 8, 1000, 0, 10), Pod(1000, 8, 1000, 5, 10),
                               Pod(1000, 8, 1000, 10)};
  SimOptions options;
  options.departures = true;
  SimResult r = Simulate(ThreeNodes(), pods, pods, options);
  EXPECT_EQ(r.last.pods_failed, 1);  // the second: n1 is still taken at t=5
  EXPECT_EQ(r.events, 4);            // three arrivals, one departure
  EXPECT_NEAR(r.last.allocated_pct, 100.0 * 8 / 14, 1e-9);
}

TEST(Simulate, PolicyChoosesTheNode) {
  // A 500 milli-GPU share, then a whole GPU; typical pods one of each (weights 0.5). The share goes
  // to n0 under both policies (every node scores the same; the first wins). The whole GPU:
  // GpuClustering scores n0 (sharing pods only) 0 + 20, idle n1 25 + 0, idle n2 25 + 12: n2.
  // FGD leaves fragmentation unchanged on every node (score 50): n0, the first.
  std::vector<PodSpec> pods = {Pod(1000, 1, 500), Pod(1000, 1, 1000)};
  SimOptions options;
  options.seeded_node_order = false;  // ties: the first node in list order
  options.policy = Policy::kGpuClustering;
  EXPECT_EQ(Simulate(ThreeNodes(), pods, pods, options).node_of_pod, (std::vector<int>{0, 2}));
  options.policy = Policy::kFgd;
  EXPECT_EQ(Simulate(ThreeNodes(), pods, pods, options).node_of_pod, (std::vector<int>{0, 0}));
}

TEST(Simulate, TiesFollowTheSeededNodeOrder) {
  // The share above ties on all three nodes: with the seeded order (the default) the winner
  // depends on the seed, the same seed always picks the same node, and over 30 seeds each of the
  // three nodes wins at least once.
  std::vector<PodSpec> pods = {Pod(1000, 1, 500)};
  SimOptions options;
  options.policy = Policy::kFgd;
  std::set<int> winners;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    options.seed = seed;
    SimResult r = Simulate(ThreeNodes(), pods, pods, options);
    winners.insert(r.node_of_pod[0]);
    EXPECT_EQ(r.node_of_pod, Simulate(ThreeNodes(), pods, pods, options).node_of_pod);
  }
  EXPECT_EQ(winners, (std::set<int>{0, 1, 2}));
}

TEST(Simulate, SameSeedSameRun) {
  std::vector<PodSpec> trace = {Pod(1000, 1, 300), Pod(2000, 1, 700), Pod(500, 0, 0),
                                Pod(4000, 2, 1000)};
  std::vector<PodSpec> pods = InflateWorkload(trace, 14000, 1.3, 7);
  SimOptions options;
  options.policy = Policy::kRandom;
  options.seed = 7;
  SimResult a = Simulate(ThreeNodes(), pods, trace, options);
  SimResult b = Simulate(ThreeNodes(), pods, trace, options);
  ASSERT_EQ(a.samples.size(), b.samples.size());
  for (size_t i = 0; i < a.samples.size(); ++i) {
    EXPECT_EQ(a.samples[i].allocated_pct, b.samples[i].allocated_pct);
  }
}

TEST(InflateWorkload, StopsAtTheTarget) {
  std::vector<PodSpec> trace = {Pod(1000, 1, 300), Pod(2000, 1, 1000), Pod(500, 0, 0)};
  std::vector<PodSpec> pods = InflateWorkload(trace, 10000, 1.3, 42);
  int64_t milli = 0;
  for (const PodSpec& p : pods) milli += p.GpuMilliTotal();
  EXPECT_GE(milli, 13000);
  EXPECT_LT(milli - pods.back().GpuMilliTotal(), 13000);
  EXPECT_EQ(pods[3].arrival, 3);
  EXPECT_EQ(InflateWorkload(trace, 10000, 1.3, 42).size(), pods.size());
  EXPECT_TRUE(InflateWorkload({Pod(500, 0, 0)}, 10000, 1.3, 42).empty());
}

}  // namespace
}  // namespace migkit::sim
