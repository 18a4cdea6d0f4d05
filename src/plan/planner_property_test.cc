// Property tests of the planner against an independent brute force and against the baselines.
//
// The brute force does not use maximal layouts, configurations, LPs or GLPK: it walks the GPUs one
// by one, tries every valid layout (core EnumerateLayouts(...).valid, plus the empty one) on each,
// every way of letting its instances serve the demand items, and keeps, per remaining demand, the
// fewest destroyed instances and GPUs. That is exponential, so cases are small.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "catalog/catalog.h"
#include "plan/baselines.h"
#include "plan/planner.h"
#include "testing/models.h"

namespace migkit {
namespace {

struct Outcome {
  int unmet = 0;
  int destroyed = 0;
  int used = 0;
  auto Key() const { return std::make_tuple(unmet, destroyed, used); }
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << "{unmet " << o.unmet << ", destroyed " << o.destroyed << ", used " << o.used << "}";
}

using Vec = std::vector<int>;

// Every way `layout` on a GPU whose current layout is `current` can serve the demand items:
// each new instance must serve an item its profile is resolved to; kept instances may serve one
// or nothing.
void ServedVectors(const Layout& layout, const Layout& current, int model,
                   const std::vector<DemandClass>& classes, std::vector<Vec>* out) {
  std::map<const GiProfile*, std::pair<int, int>> by_profile;  // total, kept
  for (const PlacedProfile& p : layout) {
    auto& [total, kept] = by_profile[p.profile];
    ++total;
    for (const PlacedProfile& c : current) {
      if (c.profile == p.profile && c.placement == p.placement) {
        ++kept;
        break;
      }
    }
  }
  std::vector<std::tuple<int, int, std::vector<int>>> groups;  // min served, max served, items
  for (const auto& [profile, tk] : by_profile) {
    std::vector<int> items;
    for (size_t d = 0; d < classes.size(); ++d) {
      if (classes[d].profile_by_model[model] == profile) items.push_back(static_cast<int>(d));
    }
    const int fresh = tk.first - tk.second;
    if (items.empty() && fresh > 0) return;  // a new instance nobody needs: not a useful layout
    groups.push_back({fresh, tk.first, items});
  }
  Vec v(classes.size(), 0);
  // Distribute, per profile group, between min and max instances over its items.
  std::function<void(size_t)> rec = [&](size_t g) {
    if (g == groups.size()) {
      out->push_back(v);
      return;
    }
    const auto& [lo, hi, items] = groups[g];
    std::function<void(size_t, int)> split = [&](size_t k, int left_max) {
      if (k == items.size()) {
        int served = 0;
        for (int d : items) served += v[d];
        if (served >= lo) rec(g + 1);
        return;
      }
      for (int n = 0; n <= left_max && n <= classes[items[k]].count; ++n) {
        v[items[k]] = n;
        split(k + 1, left_max - n);
      }
      v[items[k]] = 0;
    };
    if (items.empty()) {
      rec(g + 1);
    } else {
      split(0, hi);
    }
  };
  rec(0);
}

Outcome BruteForce(const Fleet& fleet, const Demand& demand, bool replan) {
  const std::vector<const GpuModel*> models = fleet.Models();
  std::vector<DemandClass> classes = *ResolveDemand(demand, models);
  Vec start;
  for (const DemandClass& c : classes) start.push_back(c.count);
  std::map<Vec, std::pair<int, int>> states = {{start, {0, 0}}};  // residual -> destroyed, used
  for (const FleetGpu& gpu : fleet.gpus) {
    const int m =
        static_cast<int>(std::find(models.begin(), models.end(), gpu.model) - models.begin());
    const Layout current = replan ? gpu.current : Layout{};
    LayoutOptions lo;
    lo.profile_ids = BaseProfileIds(*gpu.model);
    for (const PlacedProfile& p : current) {
      if (std::find(lo.profile_ids.begin(), lo.profile_ids.end(), p.profile->id) ==
          lo.profile_ids.end()) {
        lo.profile_ids.push_back(p.profile->id);
      }
    }
    std::vector<Layout> layouts = EnumerateLayouts(*gpu.model, lo).valid;
    layouts.push_back({});
    // Served vector -> fewest (destroyed, used) on this GPU.
    std::map<Vec, std::pair<int, int>> moves;
    for (const Layout& layout : layouts) {
      const int destroyed = static_cast<int>(current.size()) - KeptInstances(current, layout);
      const int used = layout.empty() ? 0 : 1;
      std::vector<Vec> served;
      ServedVectors(layout, current, m, classes, &served);
      for (const Vec& v : served) {
        auto it = moves.find(v);
        if (it == moves.end() || std::make_pair(destroyed, used) < it->second) {
          moves[v] = {destroyed, used};
        }
      }
    }
    std::map<Vec, std::pair<int, int>> next;
    for (const auto& [residual, cost] : states) {
      for (const auto& [v, move] : moves) {
        Vec r = residual;
        bool ok = true;
        for (size_t d = 0; d < r.size() && ok; ++d) {
          r[d] -= v[d];
          ok = r[d] >= 0;
        }
        if (!ok) continue;
        const std::pair<int, int> c = {cost.first + move.first, cost.second + move.second};
        auto it = next.find(r);
        if (it == next.end() || c < it->second) next[r] = c;
      }
    }
    states = std::move(next);
  }
  Outcome best{1 << 30, 0, 0};
  for (const auto& [residual, cost] : states) {
    Outcome o;
    for (int r : residual) o.unmet += r;
    o.destroyed = cost.first;
    o.used = cost.second;
    if (o.Key() < best.Key()) best = o;
  }
  return best;
}

Outcome OutcomeOf(const FleetPlan& plan, bool replan) {
  return {plan.unmet_total, replan ? plan.destroyed : 0, plan.gpus_used};
}

const std::vector<std::vector<std::string>>& FleetChoices() {
  static const std::vector<std::vector<std::string>> choices = {
      {"H100-SXM5-80GB"},
      {"A100-SXM4-40GB"},
      {"A30-24GB"},
      {"H100-SXM5-80GB", "A100-SXM4-40GB"},
      {"A100-SXM4-40GB", "A30-24GB"},
  };
  return choices;
}

// A random fleet of up to `max_gpus` GPUs drawn from one of FleetChoices().
Fleet GenFleet(int max_gpus) {
  const auto& ids = *rc::gen::elementOf(FleetChoices());
  const int n = *rc::gen::inRange(1, max_gpus + 1);
  Fleet fleet;
  for (int i = 0; i < n; ++i) {
    FleetGpu g;
    g.index = i;
    g.model = &TestModel(*rc::gen::elementOf(ids));
    fleet.gpus.push_back(g);
  }
  std::stable_sort(fleet.gpus.begin(), fleet.gpus.end(),
                   [](const FleetGpu& a, const FleetGpu& b) { return a.model->id < b.model->id; });
  for (int i = 0; i < n; ++i) fleet.gpus[i].index = i;
  return fleet;
}

// Up to `max_items` items naming base profiles of the fleet's models, counts up to `max_count`.
Demand GenDemand(const Fleet& fleet, int max_items, int max_count) {
  std::vector<std::string> names;
  for (const GpuModel* m : fleet.Models()) {
    for (int id : BaseProfileIds(*m)) {
      const std::string name = m->FindProfileById(id)->name;
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  Demand demand;
  const int items = *rc::gen::inRange(1, max_items + 1);
  for (int i = 0; i < items; ++i) {
    DemandItem item;
    item.profile = *rc::gen::elementOf(names);
    std::optional<ProfileNameParts> parts = ParseProfileName(item.profile);
    item.need.slices = parts->slices;
    item.need.nominal_gb = parts->gb;
    item.label = item.profile;
    item.count = *rc::gen::inRange(0, max_count + 1);
    item.source = "item " + std::to_string(i + 1);
    demand.items.push_back(item);
  }
  return demand;
}

std::string Describe(const Fleet& fleet, const Demand& demand) {
  std::ostringstream os;
  os << fleet.ToString() << " demand";
  for (const DemandItem& i : demand.items) os << " " << i.label << "=" << i.count;
  for (const FleetGpu& g : fleet.gpus) {
    if (!g.current.empty()) os << " | gpu" << g.index << ": " << DescribePlacements(g.current);
  }
  return os.str();
}

FleetPlan RunPlanner(const Fleet& fleet, const Demand& demand, PlanMode mode, bool replan) {
  FleetPlanOptions options;
  options.mode = mode;
  options.replan = replan;
  options.time_limit_seconds = 60;
  StatusOr<FleetPlan> plan = PlanFleet(fleet, demand, options);
  RC_ASSERT(plan.ok());
  const Status check = CheckPlan(fleet, demand, *plan);
  if (!check.ok()) RC_FAIL(check.ToString());
  RC_ASSERT(plan->lower_bound <= plan->gpus_used);
  return *plan;
}

RC_GTEST_PROP(PlannerProperty, ExactEqualsBruteForce, ()) {
  const Fleet fleet = GenFleet(3);
  const Demand demand = GenDemand(fleet, 3, 5);
  RC_TAG(fleet.Models().size() > 1 ? "mixed" : "single");
  const FleetPlan plan = RunPlanner(fleet, demand, PlanMode::kExact, false);
  const Outcome brute = BruteForce(fleet, demand, false);
  RC_ASSERT(plan.optimal);
  if (OutcomeOf(plan, false).Key() != brute.Key()) {
    std::ostringstream os;
    os << Describe(fleet, demand) << ": planner " << OutcomeOf(plan, false) << ", brute force "
       << brute;
    RC_FAIL(os.str());
  }
}

RC_GTEST_PROP(PlannerProperty, ReplanEqualsBruteForce, ()) {
  Fleet fleet = GenFleet(3);
  for (FleetGpu& g : fleet.gpus) {
    if (*rc::gen::inRange(0, 4) == 0) continue;  // some GPUs start empty
    static std::map<const GpuModel*, std::vector<Layout>> valid;
    if (!valid.count(g.model)) valid[g.model] = EnumerateLayouts(*g.model).valid;
    g.current = *rc::gen::elementOf(valid[g.model]);
    std::sort(g.current.begin(), g.current.end(),
              [](const PlacedProfile& a, const PlacedProfile& b) {
                return a.placement.start < b.placement.start;
              });
  }
  const Demand demand = GenDemand(fleet, 3, 5);
  const FleetPlan plan = RunPlanner(fleet, demand, PlanMode::kExact, true);
  const Outcome brute = BruteForce(fleet, demand, true);
  RC_ASSERT(plan.optimal);
  if (OutcomeOf(plan, true).Key() != brute.Key()) {
    std::ostringstream os;
    os << Describe(fleet, demand) << ": planner " << OutcomeOf(plan, true) << ", brute force "
       << brute;
    RC_FAIL(os.str());
  }
  // Everything not destroyed is kept, and what is destroyed was there.
  RC_ASSERT(plan.kept + plan.destroyed == fleet.CurrentInstances());
}

RC_GTEST_PROP(PlannerProperty, NeverWorseThanFirstFit, ()) {
  const Fleet fleet = GenFleet(10);
  const Demand demand = GenDemand(fleet, 5, 14);
  std::vector<int> shuffled = ItemOrderSequence(demand);
  std::mt19937 rng(*rc::gen::arbitrary<unsigned>());
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  std::vector<FleetPlan> baselines = {*FirstFit(fleet, demand), *FirstFit(fleet, demand, shuffled),
                                      *FirstFitDecreasing(fleet, demand),
                                      *NosGreedy(fleet, demand)};
  for (PlanMode mode : {PlanMode::kFast, PlanMode::kAuto}) {
    const FleetPlan plan = RunPlanner(fleet, demand, mode, false);
    for (const FleetPlan& base : baselines) {
      RC_ASSERT(CheckPlan(fleet, demand, base).ok());
      if (OutcomeOf(plan, false).Key() > OutcomeOf(base, false).Key()) {
        std::ostringstream os;
        os << Describe(fleet, demand) << ": " << PlanModeName(mode) << " " << OutcomeOf(plan, false)
           << " is worse than " << base.method << " " << OutcomeOf(base, false);
        RC_FAIL(os.str());
      }
    }
  }
}

}  // namespace
}  // namespace migkit
