#include "plan/baselines.h"

#include <algorithm>
#include <chrono>

#include "core/geometry.h"
#include "core/layouts.h"

namespace migkit {
namespace {

using Clock = std::chrono::steady_clock;

struct Resolved {
  std::vector<const GpuModel*> models;
  std::vector<int> model_of;  // per fleet GPU
  std::vector<DemandClass> classes;
};

StatusOr<Resolved> Resolve(const Fleet& fleet, const Demand& demand) {
  if (fleet.gpus.empty()) return Status::InvalidArgument("the fleet has no GPUs");
  Resolved r;
  r.models = fleet.Models();
  for (const FleetGpu& g : fleet.gpus) {
    r.model_of.push_back(
        static_cast<int>(std::find(r.models.begin(), r.models.end(), g.model) - r.models.begin()));
  }
  StatusOr<std::vector<DemandClass>> classes = ResolveDemand(demand, r.models);
  if (!classes.ok()) return classes.status();
  r.classes = std::move(classes).value();
  return r;
}

FleetPlan EmptyPlan(const Fleet& fleet) {
  FleetPlan plan;
  for (const FleetGpu& g : fleet.gpus) {
    GpuPlan p;
    p.index = g.index;
    p.model = g.model;
    plan.gpus.push_back(std::move(p));
  }
  return plan;
}

StatusOr<FleetPlan> FirstFitImpl(const Fleet& fleet, const Demand& demand,
                                 const std::vector<int>& sequence, const char* method) {
  const Clock::time_point start = Clock::now();
  StatusOr<Resolved> r = Resolve(fleet, demand);
  if (!r.ok()) return r.status();
  FleetPlan plan = EmptyPlan(fleet);
  std::vector<Layout> layouts(fleet.gpus.size());
  // GPUs only fill up, so a GPU that cannot take an item's profile never can again: each item
  // remembers the first GPU that might still take it.
  std::vector<size_t> first(r->classes.size(), 0);
  for (int d : sequence) {
    if (d < 0 || d >= static_cast<int>(r->classes.size())) {
      return Status::InvalidArgument("instance sequence names demand item " + std::to_string(d) +
                                     " of " + std::to_string(r->classes.size()));
    }
    size_t& i = first[d];
    for (; i < fleet.gpus.size(); ++i) {
      const GiProfile* p = r->classes[d].profile_by_model[r->model_of[i]];
      if (p == nullptr) continue;
      StatusOr<Placement> at = AutoPlacement(*fleet.gpus[i].model, *p, layouts[i]);
      if (!at.ok()) continue;
      layouts[i].push_back({p, *at});
      plan.gpus[i].instances.push_back({p, *at, false, d});
      break;
    }
  }
  Summarize(fleet, demand, &plan);
  plan.method = method;
  plan.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return plan;
}

}  // namespace

std::vector<int> ItemOrderSequence(const Demand& demand) {
  std::vector<int> seq;
  for (size_t d = 0; d < demand.items.size(); ++d) {
    seq.insert(seq.end(), demand.items[d].count, static_cast<int>(d));
  }
  return seq;
}

StatusOr<FleetPlan> FirstFit(const Fleet& fleet, const Demand& demand,
                             const std::vector<int>& sequence) {
  return FirstFitImpl(fleet, demand, sequence.empty() ? ItemOrderSequence(demand) : sequence,
                      "first-fit");
}

StatusOr<FleetPlan> FirstFitDecreasing(const Fleet& fleet, const Demand& demand) {
  // Sizes from the first model that serves the item.
  StatusOr<Resolved> r = Resolve(fleet, demand);
  if (!r.ok()) return r.status();
  auto size = [&](int d) {
    for (const GiProfile* p : r->classes[d].profile_by_model) {
      if (p != nullptr) return std::make_pair(p->slices, p->placement_size);
    }
    return std::make_pair(0, 0);
  };
  std::vector<int> items(demand.items.size());
  for (size_t d = 0; d < items.size(); ++d) items[d] = static_cast<int>(d);
  std::stable_sort(items.begin(), items.end(), [&](int a, int b) { return size(a) > size(b); });
  std::vector<int> seq;
  for (int d : items) seq.insert(seq.end(), demand.items[d].count, d);
  return FirstFitImpl(fleet, demand, seq, "first-fit-decreasing");
}

StatusOr<FleetPlan> NosGreedy(const Fleet& fleet, const Demand& demand) {
  const Clock::time_point start = Clock::now();
  StatusOr<Resolved> r = Resolve(fleet, demand);
  if (!r.ok()) return r.status();
  std::vector<std::vector<Layout>> geometries;
  for (const GpuModel* m : r->models) geometries.push_back(EnumerateLayouts(*m).maximal);
  std::vector<long long> lacking;
  long long total = 0;
  for (const DemandClass& c : r->classes) {
    lacking.push_back(c.count);
    total += c.count;
  }
  FleetPlan plan = EmptyPlan(fleet);
  for (size_t i = 0; i < fleet.gpus.size() && total > 0; ++i) {
    const int m = r->model_of[i];
    // Lacking instances per profile of this model.
    auto provides = [&](const Layout& layout) {
      long long n = 0;
      std::vector<long long> left = lacking;
      for (const PlacedProfile& pp : layout) {
        for (size_t d = 0; d < r->classes.size(); ++d) {
          if (r->classes[d].profile_by_model[m] == pp.profile && left[d] > 0) {
            --left[d];
            ++n;
            break;
          }
        }
      }
      return n;
    };
    const Layout* best = nullptr;
    long long best_n = 0;
    for (const Layout& layout : geometries[m]) {
      const long long n = provides(layout);
      if (n > best_n) {
        best_n = n;
        best = &layout;
      }
    }
    if (best == nullptr) continue;
    for (const PlacedProfile& pp : *best) {
      for (size_t d = 0; d < r->classes.size(); ++d) {
        if (r->classes[d].profile_by_model[m] == pp.profile && lacking[d] > 0) {
          --lacking[d];
          --total;
          plan.gpus[i].instances.push_back({pp.profile, pp.placement, false, static_cast<int>(d)});
          break;
        }
      }
    }
  }
  Summarize(fleet, demand, &plan);
  plan.method = "nos-greedy";
  plan.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return plan;
}

}  // namespace migkit
