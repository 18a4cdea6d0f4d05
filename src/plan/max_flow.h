// MaxFlow: maximum flow on a small directed graph (Dinic's algorithm), used by the planner to
// find how much of the demand a set of GPU layouts can serve (demand items -> (model, profile)
// supplies).
//
// Thread-safety: a plain value; one instance per thread.
#ifndef MIGKIT_PLAN_MAX_FLOW_H_
#define MIGKIT_PLAN_MAX_FLOW_H_

#include <cstddef>
#include <vector>

namespace migkit {

class MaxFlow {
 public:
  /// A graph of `nodes` nodes, 0 .. nodes-1, without edges.
  explicit MaxFlow(int nodes) : adj_(nodes) {}

  /// Adds an edge `from` -> `to` of capacity `capacity` and returns its handle for Flow().
  int AddEdge(int from, int to, long long capacity);

  /// Pushes as much flow as possible from `source` to `sink` and returns the amount added. May be
  /// called again after adding edges; flow already pushed stays.
  long long Run(int source, int sink);

  /// The flow on edge `edge` (an AddEdge handle) after Run.
  long long Flow(int edge) const { return edges_[edge ^ 1].cap; }

 private:
  struct Edge {
    int to;
    long long cap;  // residual capacity; an edge's reverse twin is at index ^ 1
  };
  bool Bfs(int source, int sink);
  long long Dfs(int v, int sink, long long limit);

  std::vector<std::vector<int>> adj_;
  std::vector<Edge> edges_;
  std::vector<int> level_;
  std::vector<size_t> it_;
};

}  // namespace migkit

#endif  // MIGKIT_PLAN_MAX_FLOW_H_
