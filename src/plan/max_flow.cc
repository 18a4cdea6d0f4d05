#include "plan/max_flow.h"

#include <algorithm>
#include <limits>

namespace migkit {

int MaxFlow::AddEdge(int from, int to, long long capacity) {
  adj_[from].push_back(static_cast<int>(edges_.size()));
  edges_.push_back({to, capacity});
  adj_[to].push_back(static_cast<int>(edges_.size()));
  edges_.push_back({from, 0});
  return static_cast<int>(edges_.size()) - 2;
}

long long MaxFlow::Run(int source, int sink) {
  long long total = 0;
  while (Bfs(source, sink)) {
    it_.assign(adj_.size(), 0);
    while (long long f = Dfs(source, sink, std::numeric_limits<long long>::max())) total += f;
  }
  return total;
}

bool MaxFlow::Bfs(int source, int sink) {
  level_.assign(adj_.size(), -1);
  std::vector<int> queue = {source};
  level_[source] = 0;
  for (size_t i = 0; i < queue.size(); ++i) {
    for (int e : adj_[queue[i]]) {
      if (edges_[e].cap > 0 && level_[edges_[e].to] < 0) {
        level_[edges_[e].to] = level_[queue[i]] + 1;
        queue.push_back(edges_[e].to);
      }
    }
  }
  return level_[sink] >= 0;
}

long long MaxFlow::Dfs(int v, int sink, long long limit) {
  if (v == sink) return limit;
  for (size_t& i = it_[v]; i < adj_[v].size(); ++i) {
    Edge& e = edges_[adj_[v][i]];
    if (e.cap <= 0 || level_[e.to] != level_[v] + 1) continue;
    if (long long got = Dfs(e.to, sink, std::min(limit, e.cap))) {
      e.cap -= got;
      edges_[adj_[v][i] ^ 1].cap += got;
      return got;
    }
  }
  return 0;
}

}  // namespace migkit
