#include "emu/topology.h"

#include <gtest/gtest.h>

namespace migkit {
namespace {

// A DGX H100: GPUs 0-3 on socket 0, 4-7 on socket 1.
TEST(Topology, HalfTheGpusOnEachNumaNode) {
  for (int i = 0; i < 8; ++i) EXPECT_EQ(EmulatedNumaNode(i, 8), i < 4 ? 0 : 1) << i;
  EXPECT_EQ(EmulatedNumaNode(0, 1), 0);
  EXPECT_EQ(EmulatedNumaNode(1, 3), 0);
  EXPECT_EQ(EmulatedNumaNode(2, 3), 1);
}

TEST(Topology, CpuSetsAreNeverEmpty) {
  EXPECT_EQ(NumaNodeCpus(0, 2, 112), [] {
    std::vector<int> v;
    for (int c = 0; c < 56; ++c) v.push_back(c);
    return v;
  }());
  EXPECT_EQ(NumaNodeCpus(1, 2, 4), (std::vector<int>{2, 3}));
  EXPECT_EQ(NumaNodeCpus(0, 2, 1), (std::vector<int>{0}));
  EXPECT_EQ(NumaNodeCpus(1, 2, 1), (std::vector<int>{0}));
  for (int gpu = 0; gpu < 8; ++gpu) EXPECT_FALSE(EmulatedGpuCpus(gpu, 8).empty()) << gpu;
}

}  // namespace
}  // namespace migkit
