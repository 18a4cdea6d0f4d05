#include "plan/max_flow.h"

#include <gtest/gtest.h>

namespace migkit {
namespace {

TEST(MaxFlow, ABottleneckLimitsTheFlow) {
  // 0 -> 1 -> 3 and 0 -> 2 -> 3, with 1 -> 3 the bottleneck.
  MaxFlow g(4);
  const int a = g.AddEdge(0, 1, 10);
  const int b = g.AddEdge(0, 2, 5);
  const int c = g.AddEdge(1, 3, 4);
  const int d = g.AddEdge(2, 3, 8);
  EXPECT_EQ(g.Run(0, 3), 9);
  EXPECT_EQ(g.Flow(a), 4);
  EXPECT_EQ(g.Flow(b), 5);
  EXPECT_EQ(g.Flow(c), 4);
  EXPECT_EQ(g.Flow(d), 5);
}

TEST(MaxFlow, FindsFlowThatNeedsAReroute) {
  // The classic case where a greedy path 0-1-2-3 must be undone through the reverse edge.
  MaxFlow g(4);
  g.AddEdge(0, 1, 1);
  g.AddEdge(0, 2, 1);
  g.AddEdge(1, 2, 1);
  g.AddEdge(1, 3, 1);
  g.AddEdge(2, 3, 1);
  EXPECT_EQ(g.Run(0, 3), 2);
}

TEST(MaxFlow, BipartiteDemandToSupply) {
  // Two demand items (nodes 1, 2) of 3 and 2 instances; two supplies (3, 4) of 2 and 4; item 1
  // may use either supply, item 2 only supply 3. All 5 instances are served.
  MaxFlow g(6);
  g.AddEdge(0, 1, 3);
  g.AddEdge(0, 2, 2);
  const int item1_to_3 = g.AddEdge(1, 3, 3);
  const int item1_to_4 = g.AddEdge(1, 4, 3);
  const int item2_to_3 = g.AddEdge(2, 3, 2);
  g.AddEdge(3, 5, 2);
  g.AddEdge(4, 5, 4);
  EXPECT_EQ(g.Run(0, 5), 5);
  EXPECT_EQ(g.Flow(item2_to_3), 2);
  EXPECT_EQ(g.Flow(item1_to_3), 0);
  EXPECT_EQ(g.Flow(item1_to_4), 3);
}

TEST(MaxFlow, NoPathMeansNoFlow) {
  MaxFlow g(3);
  g.AddEdge(0, 1, 7);
  EXPECT_EQ(g.Run(0, 2), 0);
}

}  // namespace
}  // namespace migkit
