#include "plan/plan_problem.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <string>

#include "plan/planner.h"

namespace migkit::planning {
namespace {

// The profiles layouts of `model` are made of: the base ones and any a current layout uses.
std::vector<int> ProfileIdsFor(const GpuModel& model, const std::vector<const Layout*>& currents) {
  std::vector<int> ids = BaseProfileIds(model);
  for (const Layout* layout : currents) {
    for (const PlacedProfile& p : *layout) {
      if (std::find(ids.begin(), ids.end(), p.profile->id) == ids.end())
        ids.push_back(p.profile->id);
    }
  }
  return ids;
}

}  // namespace

std::vector<Option> OptionsFor(const ModelSpace& space, const Layout& current) {
  std::vector<Option> all;
  for (size_t l = 0; l < space.maximal.size(); ++l) {
    Option o;
    o.layout = static_cast<int>(l);
    o.supply.assign(space.demanded.size(), 0);
    for (const PlacedProfile& p : space.maximal[l]) {
      for (size_t i = 0; i < space.demanded.size(); ++i) {
        if (space.demanded[i]->id == p.profile->id) ++o.supply[i];
      }
    }
    o.kept = KeptInstances(current, space.maximal[l]);
    if (o.kept == 0 &&
        std::all_of(o.supply.begin(), o.supply.end(), [](int s) { return s == 0; })) {
      continue;
    }
    all.push_back(std::move(o));
  }
  // Most useful first, so that dominated options are seen after the ones that dominate them.
  auto total = [](const Option& o) { return std::accumulate(o.supply.begin(), o.supply.end(), 0); };
  std::stable_sort(all.begin(), all.end(), [&](const Option& a, const Option& b) {
    if (a.kept != b.kept) return a.kept > b.kept;
    return total(a) > total(b);
  });
  std::vector<Option> kept;
  for (Option& o : all) {
    bool dominated = false;
    for (const Option& k : kept) {
      if (k.kept < o.kept) continue;
      bool ge = true;
      for (size_t i = 0; i < o.supply.size() && ge; ++i) ge = k.supply[i] >= o.supply[i];
      if (ge) {
        dominated = true;
        break;
      }
    }
    if (!dominated) kept.push_back(std::move(o));
  }
  return kept;
}

StatusOr<Problem> BuildProblem(const Fleet& fleet, const Demand& demand, bool replan) {
  Problem pb;
  const std::vector<const GpuModel*> models = fleet.Models();
  StatusOr<std::vector<DemandClass>> classes = ResolveDemand(demand, models);
  if (!classes.ok()) return classes.status();
  pb.classes = std::move(classes).value();

  pb.models.resize(models.size());
  pb.class_profile.assign(pb.classes.size(), std::vector<int>(models.size(), -1));
  for (size_t m = 0; m < models.size(); ++m) {
    ModelSpace& space = pb.models[m];
    space.model = models[m];
    for (size_t d = 0; d < pb.classes.size(); ++d) {
      const GiProfile* p = pb.classes[d].profile_by_model[m];
      if (p == nullptr || pb.classes[d].count == 0) continue;
      auto it = std::find(space.demanded.begin(), space.demanded.end(), p);
      if (it == space.demanded.end()) {
        space.demanded.push_back(p);
        it = space.demanded.end() - 1;
      }
      pb.class_profile[d][m] = static_cast<int>(it - space.demanded.begin());
    }
  }

  // Groups: GPUs of one model and (when re-planning) one current layout.
  std::map<std::pair<int, std::string>, int> group_of;
  for (size_t i = 0; i < fleet.gpus.size(); ++i) {
    const FleetGpu& gpu = fleet.gpus[i];
    const int m =
        static_cast<int>(std::find(models.begin(), models.end(), gpu.model) - models.begin());
    const std::string key = replan ? DescribePlacements(gpu.current) : "";
    auto [it, inserted] = group_of.try_emplace({m, key}, static_cast<int>(pb.groups.size()));
    if (inserted) {
      Group g;
      g.model = m;
      if (replan) g.current = gpu.current;
      pb.groups.push_back(std::move(g));
    }
    pb.groups[it->second].gpus.push_back(static_cast<int>(i));
    if (replan) pb.current_instances += static_cast<int>(gpu.current.size());
  }

  for (size_t m = 0; m < models.size(); ++m) {
    std::vector<const Layout*> currents;
    for (const Group& g : pb.groups) {
      if (g.model == static_cast<int>(m)) currents.push_back(&g.current);
    }
    LayoutOptions lo;
    lo.profile_ids = ProfileIdsFor(*models[m], currents);
    pb.models[m].maximal = EnumerateLayouts(*models[m], lo).maximal;
  }
  for (Group& g : pb.groups) g.options = OptionsFor(pb.models[g.model], g.current);
  std::map<std::pair<int, std::vector<int>>, int> class_of;
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    const Group& g = pb.groups[h];
    for (size_t o = 0; o < g.options.size(); ++o) {
      auto [it, inserted] = class_of.try_emplace({g.model, g.options[o].supply},
                                                 static_cast<int>(pb.supply_classes.size()));
      if (inserted) pb.supply_classes.push_back({g.model, g.options[o].supply, {}});
      pb.supply_classes[it->second].members.push_back({static_cast<int>(h), static_cast<int>(o)});
    }
  }
  for (SupplyClass& sc : pb.supply_classes) {
    std::stable_sort(sc.members.begin(), sc.members.end(), [&](const auto& a, const auto& b) {
      return pb.groups[a.first].options[a.second].kept > pb.groups[b.first].options[b.second].kept;
    });
  }
  return pb;
}

}  // namespace migkit::planning
