#include "sim/policies.h"

#include <gtest/gtest.h>

#include "sim/fragmentation.h"
#include "sim/sim_test_cluster.h"

namespace migkit::sim {
namespace {

using testing::Pod;
using testing::ThreeNodes;

// The cluster after two pods: a 600 milli-GPU share on n0's GPU 0 (8 CPUs) and a whole GPU on
// n1's GPU 0 (16 CPUs). Free now: n0 56 CPUs, GPUs [400, 1000]; n1 80 CPUs, GPUs [0, 1000 x7];
// n2 32 CPUs, GPUs [1000 x4].
class PolicyTest : public ::testing::Test {
 protected:
  PolicyTest() : cluster_(ThreeNodes()) {
    Demand share = cluster_.Resolve(Pod(8000, 1, 600));
    Demand whole = cluster_.Resolve(Pod(16000, 1, 1000));
    cluster_.Bind(0, share, {0});
    cluster_.Bind(1, whole, {0});
    // Typical pods: 3 x (1 CPU, 500 milli-GPU share) and 1 x (1 CPU, one whole GPU): weights
    // 0.75 and 0.25.
    typical_ = TypicalPods(
        cluster_, {Pod(1000, 1, 500), Pod(1000, 1, 500), Pod(1000, 1, 1000), Pod(1000, 1, 500)});
  }

  std::vector<int64_t> Scores(Policy policy, const PodSpec& spec) {
    Demand pod = cluster_.Resolve(spec);
    std::vector<int64_t> out;
    for (size_t n = 0; n < cluster_.size(); ++n) {
      out.push_back(
          ScoreNode(policy, cluster_, n, pod, typical_, NodeFragmentation(cluster_, n, typical_))
              .score);
    }
    return out;
  }

  Cluster cluster_;
  std::vector<TypicalPod> typical_;
};

// The pod scored below: 4 CPUs and a 300 milli-GPU share.
const PodSpec kShare = Pod(4000, 1, 300);

TEST_F(PolicyTest, TypicalPodsWeighByPopularity) {
  ASSERT_EQ(typical_.size(), 2u);
  EXPECT_EQ(typical_[0].demand.gpu_milli, 500);
  EXPECT_DOUBLE_EQ(typical_[0].weight, 0.75);
  EXPECT_EQ(typical_[1].demand.gpu_milli, 1000);
  EXPECT_DOUBLE_EQ(typical_[1].weight, 0.25);
}

TEST_F(PolicyTest, NodeFragmentationByHand) {
  // n0: the 400 left on GPU 0 is too small for both typical pods: 0.75*400 + 0.25*400.
  EXPECT_DOUBLE_EQ(NodeFragmentation(cluster_, 0, typical_), 400);
  EXPECT_DOUBLE_EQ(NodeFragmentation(cluster_, 1, typical_), 0);
  EXPECT_DOUBLE_EQ(NodeFragmentation(cluster_, 2, typical_), 0);
}

TEST_F(PolicyTest, BestFit) {
  // (1 - (0.5*(cpu_left-4000)/128000 + 0.5*(gpu_left-300)/8000)) * 100, truncated:
  // n0 (1 - (0.5*0.40625 + 0.5*0.1375))*100 = 72.8; n1 28.4; n2 65.9.
  EXPECT_EQ(Scores(Policy::kBestFit, kShare), (std::vector<int64_t>{72, 28, 65}));
}

TEST_F(PolicyTest, DotProd) {
  // (1 - (cpu_left/128000 * 4000/128000 + gpu_left/8000 * 300/8000) / 2) * 100:
  // n0 98.99, n1 97.38, n2 98.67.
  EXPECT_EQ(Scores(Policy::kDotProd, kShare), (std::vector<int64_t>{98, 97, 98}));
}

TEST_F(PolicyTest, GpuClustering) {
  // n0 holds only sharing pods: 75 + 25*(8000-1400)/8000 = 95; n1 holds a 1-GPU pod: 0 + 3;
  // n2 is idle: 25 + 12.
  EXPECT_EQ(Scores(Policy::kGpuClustering, kShare), (std::vector<int64_t>{95, 3, 37}));
  // A whole-GPU pod prefers n1, the node of its own class: 75 + 3.
  EXPECT_EQ(Scores(Policy::kGpuClustering, Pod(8000, 1, 1000)), (std::vector<int64_t>{20, 78, 37}));
}

TEST_F(PolicyTest, GpuPacking) {
  // n0 shares GPU 0 (400 free: 100 - 40/10); n1 must open a free GPU on a used node (50 - 1);
  // n2 is idle (33 - 4).
  EXPECT_EQ(Scores(Policy::kGpuPacking, kShare), (std::vector<int64_t>{96, 49, 29}));
}

TEST_F(PolicyTest, FgdScoresTheDecreaseOfFragmentation) {
  // n0, GPU 0: 400 -> 100 left, fragmentation 400 -> 100: 100*sigmoid(0.3) = 57.4 (GPU 1 would
  // give 45). n1 and n2: the 700 left is fragment for the whole-GPU typical pod: 0 -> 175,
  // 100*sigmoid(-0.175) = 45.6.
  EXPECT_EQ(Scores(Policy::kFgd, kShare), (std::vector<int64_t>{57, 45, 45}));
  Demand pod = cluster_.Resolve(kShare);
  EXPECT_EQ(ScoreFgd(cluster_, 0, pod, typical_, 400).gpu, 0);
}

TEST_F(PolicyTest, RandomScoresEveryNodeTheSame) {
  EXPECT_EQ(Scores(Policy::kRandom, kShare), (std::vector<int64_t>{0, 0, 0}));
}

TEST_F(PolicyTest, GpuChoice) {
  Rng rng(1);
  Demand share = cluster_.Resolve(kShare);
  // Best fit within the node: GPU 0 has 400 free, the least that fits 300.
  EXPECT_EQ(ChooseGpus(Policy::kBestFit, cluster_, 0, share, -1, rng), std::vector<int>{0});
  // A whole-GPU pod takes the lowest-numbered free GPUs.
  Demand two = cluster_.Resolve(Pod(1000, 2, 1000));
  EXPECT_EQ(ChooseGpus(Policy::kGpuPacking, cluster_, 1, two, -1, rng), (std::vector<int>{1, 2}));
}

TEST(PolicyNames, RoundTrip) {
  for (Policy p : AllPolicies()) EXPECT_EQ(ParsePolicy(PolicyName(p)), p);
  EXPECT_EQ(ParsePolicy("fgd"), Policy::kFgd);
  EXPECT_EQ(ParsePolicy("first-fit"), std::nullopt);
}

}  // namespace
}  // namespace migkit::sim
