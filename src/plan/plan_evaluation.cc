#include "plan/plan_evaluation.h"

#include <utility>

#include "plan/max_flow.h"

namespace migkit::planning {

Supply SupplyOf(const Problem& pb, const Counts& z, long long* used, long long* kept) {
  Supply supply(pb.models.size());
  for (size_t m = 0; m < pb.models.size(); ++m) supply[m].assign(pb.models[m].demanded.size(), 0);
  *used = *kept = 0;
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    const Group& g = pb.groups[h];
    for (size_t o = 0; o < g.options.size(); ++o) {
      if (z[h][o] == 0) continue;
      *used += z[h][o];
      *kept += static_cast<long long>(z[h][o]) * g.options[o].kept;
      for (size_t p = 0; p < g.options[o].supply.size(); ++p) {
        supply[g.model][p] += static_cast<long long>(z[h][o]) * g.options[o].supply[p];
      }
    }
  }
  return supply;
}

void MeetDemand(const Problem& pb, Evaluation* ev) {
  const int nc = static_cast<int>(pb.classes.size());
  std::vector<int> supply_node_base(pb.models.size());
  int n = 1 + nc;
  for (size_t m = 0; m < pb.models.size(); ++m) {
    supply_node_base[m] = n;
    n += static_cast<int>(pb.models[m].demanded.size());
  }
  const int sink = n++;
  MaxFlow flow(n);
  for (int d = 0; d < nc; ++d) flow.AddEdge(0, 1 + d, pb.classes[d].count);
  std::vector<std::vector<int>> edge(pb.models.size(), std::vector<int>(nc, -1));
  for (int d = 0; d < nc; ++d) {
    for (size_t m = 0; m < pb.models.size(); ++m) {
      const int p = pb.class_profile[d][m];
      if (p >= 0) edge[m][d] = flow.AddEdge(1 + d, supply_node_base[m] + p, pb.classes[d].count);
    }
  }
  for (size_t m = 0; m < pb.models.size(); ++m) {
    for (size_t p = 0; p < ev->supply[m].size(); ++p) {
      flow.AddEdge(supply_node_base[m] + static_cast<int>(p), sink, ev->supply[m][p]);
    }
  }
  flow.Run(0, sink);
  ev->met.assign(nc, 0);
  ev->y.assign(pb.models.size(), std::vector<long long>(nc, 0));
  for (size_t m = 0; m < pb.models.size(); ++m) {
    for (int d = 0; d < nc; ++d) {
      if (edge[m][d] < 0) continue;
      ev->y[m][d] = flow.Flow(edge[m][d]);
      ev->met[d] += ev->y[m][d];
    }
  }
  ev->unmet = 0;
  for (int d = 0; d < nc; ++d) ev->unmet += pb.classes[d].count - ev->met[d];
}

long long UnmetWith(const Problem& pb, Supply supply) {
  Evaluation ev;
  ev.supply = std::move(supply);
  MeetDemand(pb, &ev);
  return ev.unmet;
}

Evaluation Evaluate(const Problem& pb, const Counts& z) {
  Evaluation ev;
  ev.supply = SupplyOf(pb, z, &ev.used, &ev.kept);
  MeetDemand(pb, &ev);
  return ev;
}

}  // namespace migkit::planning
