#include "plan/planner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <tuple>

#include "core/geometry.h"
#include "core/gpu_state.h"
#include "core/strings.h"
#include "plan/lp_solver.h"
#include "plan/config_program.h"
#include "plan/plan_evaluation.h"
#include "plan/plan_problem.h"

namespace migkit {
namespace {

using planning::BuildProblem;
using planning::BuildProgram;
using planning::Columns;
using planning::Counts;
using planning::Evaluate;
using planning::Evaluation;
using planning::MeetDemand;
using planning::Limits;
using planning::Program;
using planning::SetStage;
using planning::Stage;
using planning::Supply;
using planning::SupplyOf;
using planning::UnmetWith;
using planning::Group;
using planning::ModelSpace;
using planning::Option;
using planning::Problem;
using planning::SupplyClass;

using Clock = std::chrono::steady_clock;

constexpr double kEps = 1e-6;

int CeilBound(double v) { return static_cast<int>(std::ceil(v - kEps)); }
int FloorBound(double v) { return static_cast<int>(std::floor(v + kEps)); }

// ---------------------------------------------------------------------------------------------
// Evaluating a choice of options: the demand met is a maximum flow from demand items to
// (model, profile) supplies.

// Counts, Supply, Evaluation and Evaluate are in plan/plan_evaluation.h.

// ---------------------------------------------------------------------------------------------
// The configuration program.

// BuildProgram, SetStage and their types are in plan/config_program.h.

// Column values of a known solution, to seed branch-and-bound.
std::vector<double> ColumnValues(const Problem& pb, const Columns& cols, const Counts& z,
                                 const Evaluation& ev, int num_columns) {
  std::vector<double> x(num_columns, 0.0);
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    for (size_t o = 0; o < cols.z[h].size(); ++o) x[cols.z[h][o]] = z[h][o];
  }
  for (size_t m = 0; m < pb.models.size(); ++m) {
    for (size_t d = 0; d < pb.classes.size(); ++d) {
      if (cols.y[m][d] >= 0) x[cols.y[m][d]] = static_cast<double>(ev.y[m][d]);
    }
  }
  for (size_t d = 0; d < pb.classes.size(); ++d) {
    x[cols.u[d]] = static_cast<double>(pb.classes[d].count - ev.met[d]);
  }
  return x;
}

Counts ZFromValues(const Problem& pb, const Columns& cols, const std::vector<double>& x) {
  Counts z(pb.groups.size());
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    for (int c : cols.z[h]) z[h].push_back(static_cast<int>(std::lround(x[c])));
  }
  return z;
}

Counts EmptyCounts(const Problem& pb) {
  Counts z(pb.groups.size());
  for (size_t h = 0; h < pb.groups.size(); ++h) z[h].assign(pb.groups[h].options.size(), 0);
  return z;
}

int Free(const Problem& pb, const Counts& z, size_t h) {
  return static_cast<int>(pb.groups[h].gpus.size()) - std::accumulate(z[h].begin(), z[h].end(), 0);
}

// ---------------------------------------------------------------------------------------------
// The fast heuristic: round the LP, repair greedily, then drop GPUs that are not needed.

// What the greedy repair maximises per GPU: instances covered (right when the fleet is too small,
// as unmet demand is counted in instances), or compute covered (right for covering with few GPUs).
enum class Weighting { kInstances, kSlices };

int Weight(const GiProfile& p, Weighting w) {
  return w == Weighting::kInstances ? 1 : p.slices * 16 + p.placement_size;
}

Supply Plus(Supply supply, int model, const std::vector<int>& add, long long copies) {
  for (size_t p = 0; p < add.size(); ++p) supply[model][p] += copies * add[p];
  return supply;
}

// The most copies (1..limit) of `add` on `model` that each place `gain` more instances: met
// demand is concave along a direction, so the first copy that falls short ends the run.
long long FullyUsefulCopies(const Problem& pb, const Supply& supply, long long unmet, int model,
                            const std::vector<int>& add, long long gain, long long limit) {
  long long lo = 1, hi = std::max<long long>(1, limit);
  while (lo < hi) {
    const long long mid = (lo + hi + 1) / 2;
    if (unmet - UnmetWith(pb, Plus(supply, model, add, mid)) >= mid * gain) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

// Adds GPUs (in batches while each copy stays fully useful), each time the option covering the
// most unmet demand, until nothing more can be placed. kInstances scores an option by the exact
// number of instances it lets the max flow place; kSlices by the compute it covers of the unmet
// demand (an estimate on mixed fleets, where an item's remainder counts on every model).
// Options are scored once per distinct supply (Problem::supply_classes), not once per group.
void GreedyFill(const Problem& pb, Weighting weighting, Counts* z) {
  std::vector<long long> free(pb.groups.size());
  for (size_t h = 0; h < pb.groups.size(); ++h) free[h] = Free(pb, *z, h);
  // Per supply class, the first member (by kept, descending) whose group still has room; groups
  // only fill up, so the cursor only moves forward.
  std::vector<size_t> cursor(pb.supply_classes.size(), 0);
  Evaluation ev;
  ev.supply = SupplyOf(pb, *z, &ev.used, &ev.kept);
  while (true) {
    MeetDemand(pb, &ev);
    if (ev.unmet == 0) return;
    std::vector<std::vector<long long>> residual(pb.models.size());
    for (size_t m = 0; m < pb.models.size(); ++m) {
      residual[m].assign(pb.models[m].demanded.size(), 0);
    }
    for (size_t d = 0; d < pb.classes.size(); ++d) {
      const long long u = pb.classes[d].count - ev.met[d];
      if (u == 0) continue;
      for (size_t m = 0; m < pb.models.size(); ++m) {
        if (pb.class_profile[d][m] >= 0) residual[m][pb.class_profile[d][m]] += u;
      }
    }
    std::tuple<long long, int, long long> best_key{0, 0, 0};
    int best_class = -1;
    for (size_t c = 0; c < pb.supply_classes.size(); ++c) {
      const SupplyClass& sc = pb.supply_classes[c];
      while (cursor[c] < sc.members.size() && free[sc.members[cursor[c]].first] <= 0) ++cursor[c];
      if (cursor[c] == sc.members.size()) continue;
      const ModelSpace& space = pb.models[sc.model];
      long long score = 0, capacity = 0;
      for (size_t p = 0; p < space.demanded.size(); ++p) {
        const int w = Weight(*space.demanded[p], weighting);
        score += std::min<long long>(sc.supply[p], residual[sc.model][p]) * w;
        capacity += static_cast<long long>(sc.supply[p]) * w;
      }
      if (score > 0 && weighting == Weighting::kInstances) {
        score = ev.unmet - UnmetWith(pb, Plus(ev.supply, sc.model, sc.supply, 1));
      }
      const auto [h, o] = sc.members[cursor[c]];
      // Most covered, then most kept, then least spare capacity.
      const std::tuple<long long, int, long long> key{score, pb.groups[h].options[o].kept,
                                                      -capacity};
      if (score > 0 && (best_class < 0 || key > best_key)) {
        best_key = key;
        best_class = static_cast<int>(c);
      }
    }
    if (best_class < 0) return;
    const SupplyClass& sc = pb.supply_classes[best_class];
    const auto [h, o] = sc.members[cursor[best_class]];
    long long copies = free[h];
    if (weighting == Weighting::kInstances) {
      copies = FullyUsefulCopies(pb, ev.supply, ev.unmet, sc.model, sc.supply,
                                 std::get<0>(best_key), copies);
    } else {
      for (size_t p = 0; p < sc.supply.size(); ++p) {
        if (sc.supply[p] > 0) copies = std::min(copies, residual[sc.model][p] / sc.supply[p]);
      }
      copies = std::max<long long>(1, copies);
    }
    (*z)[h][o] += static_cast<int>(copies);
    free[h] -= copies;
    ev.used += copies;
    ev.kept += copies * pb.groups[h].options[o].kept;
    ev.supply = Plus(std::move(ev.supply), sc.model, sc.supply, copies);
  }
}

// nos's order: GPU groups in fleet order; each GPU takes the option that lets the most unmet
// instances be placed (exactly, by max flow), until the group is full or nothing more helps.
void SequentialFill(const Problem& pb, Counts* z) {
  Evaluation ev;
  ev.supply = SupplyOf(pb, *z, &ev.used, &ev.kept);
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    const Group& g = pb.groups[h];
    long long free = Free(pb, *z, h);
    while (free > 0) {
      const long long unmet = UnmetWith(pb, ev.supply);
      if (unmet == 0) return;
      std::tuple<long long, int, long long> best_key{0, 0, 0};
      int best = -1;
      for (size_t o = 0; o < g.options.size(); ++o) {
        const long long gain =
            unmet - UnmetWith(pb, Plus(ev.supply, g.model, g.options[o].supply, 1));
        const long long capacity =
            std::accumulate(g.options[o].supply.begin(), g.options[o].supply.end(), 0LL);
        const std::tuple<long long, int, long long> key{gain, g.options[o].kept, -capacity};
        if (gain > 0 && (best < 0 || key > best_key)) {
          best_key = key;
          best = static_cast<int>(o);
        }
      }
      if (best < 0) break;
      const long long copies = FullyUsefulCopies(
          pb, ev.supply, unmet, g.model, g.options[best].supply, std::get<0>(best_key), free);
      (*z)[h][best] += static_cast<int>(copies);
      free -= copies;
      ev.supply = Plus(std::move(ev.supply), g.model, g.options[best].supply, copies);
    }
  }
}

// Re-plan: a GPU with running instances that no option uses keeps them (destroying fewer
// instances outranks using fewer GPUs).
void KeepFill(const Problem& pb, Counts* z) {
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    const Group& g = pb.groups[h];
    if (g.current.empty()) continue;
    const int free = Free(pb, *z, h);
    if (free <= 0) continue;
    int best = -1;
    for (size_t o = 0; o < g.options.size(); ++o) {
      if (best < 0 || g.options[o].kept > g.options[best].kept) best = static_cast<int>(o);
    }
    if (best >= 0 && g.options[best].kept > 0) (*z)[h][best] += free;
  }
}

// Removes GPUs (options that keep nothing) while the demand met does not drop.
void DropUnneeded(const Problem& pb, Counts* z) {
  long long used = 0, kept = 0;
  Supply supply = SupplyOf(pb, *z, &used, &kept);
  const long long unmet = UnmetWith(pb, supply);
  auto without = [&](const Group& g, const Option& o, int n) {
    Supply s = supply;
    for (size_t p = 0; p < o.supply.size(); ++p)
      s[g.model][p] -= static_cast<long long>(n) * o.supply[p];
    return s;
  };
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    const Group& g = pb.groups[h];
    for (size_t o = 0; o < g.options.size(); ++o) {
      if (g.options[o].kept > 0 || (*z)[h][o] == 0) continue;
      // Binary search the largest removable amount: met demand only falls as GPUs go.
      int lo = 0, hi = (*z)[h][o];
      while (lo < hi) {
        const int mid = (lo + hi + 1) / 2;
        if (UnmetWith(pb, without(g, g.options[o], mid)) <= unmet) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      if (lo > 0) {
        supply = without(g, g.options[o], lo);
        (*z)[h][o] -= lo;
      }
    }
  }
}

struct Solution {
  Counts z;
  Evaluation ev;
};

Solution Finish(const Problem& pb, Counts z, std::optional<Weighting> weighting) {
  if (weighting) {
    GreedyFill(pb, *weighting, &z);
  } else {
    SequentialFill(pb, &z);
  }
  KeepFill(pb, &z);
  DropUnneeded(pb, &z);
  Evaluation ev = Evaluate(pb, z);
  return {std::move(z), std::move(ev)};
}

// LP-guided rounding: floor and ceil variants of the staged LP solution, each repaired; the
// better one wins.
struct LpGuide {
  double unmet = 0;                // LP minimum of unmet
  std::optional<double> max_kept;  // LP maximum of kept (re-plan), given `unmet`
  double gpus = 0;                 // LP minimum of GPUs, given the two above
  std::vector<double> x;           // the last stage's solution
  Columns cols;
};

// The staged relaxations. The common case needs one solve: when the whole demand fits
// fractionally, the unmet stage is skipped.
LpGuide SolveLps(const Problem& pb, Program* prog) {
  LpGuide guide;
  Limits limits;
  limits.max_unmet = 0.0;
  const Stage second = pb.current_instances > 0 ? Stage::kDestroyed : Stage::kGpus;
  SetStage(pb, second, limits, prog);
  LinearProgram::Result r = prog->lp.SolveRelaxation();
  if (r.outcome != LinearProgram::Outcome::kOptimal) {
    // The fleet is too small even fractionally: find the least unmet first.
    SetStage(pb, Stage::kUnmet, {}, prog);
    LinearProgram::Result r1 = prog->lp.SolveRelaxation();
    guide.unmet = r1.outcome == LinearProgram::Outcome::kOptimal ? std::max(0.0, r1.objective) : 0;
    limits.max_unmet = guide.unmet + kEps;
    SetStage(pb, second, limits, prog);
    r = prog->lp.SolveRelaxation();
  }
  if (second == Stage::kDestroyed) {
    if (r.outcome == LinearProgram::Outcome::kOptimal) {
      guide.max_kept = -r.objective;
      limits.min_kept = *guide.max_kept - kEps;
    }
    SetStage(pb, Stage::kGpus, limits, prog);
    r = prog->lp.SolveRelaxation();
  }
  if (r.outcome == LinearProgram::Outcome::kOptimal) {
    guide.gpus = r.objective;
    guide.x = std::move(r.values);
  }
  guide.cols = prog->cols;
  return guide;
}

Solution FastSolve(const Problem& pb, const LpGuide& guide) {
  Counts floor_z = EmptyCounts(pb), ceil_z = EmptyCounts(pb);
  if (!guide.x.empty()) {
    for (size_t h = 0; h < pb.groups.size(); ++h) {
      for (size_t o = 0; o < pb.groups[h].options.size(); ++o) {
        const double v = guide.x[guide.cols.z[h][o]];
        floor_z[h][o] = FloorBound(v);
        ceil_z[h][o] = CeilBound(v);
      }
      // Rounding up may exceed the group: give back the smallest rounded-up parts first.
      while (Free(pb, ceil_z, h) < 0) {
        int worst = -1;
        double worst_frac = 2;
        for (size_t o = 0; o < pb.groups[h].options.size(); ++o) {
          const double v = guide.x[guide.cols.z[h][o]];
          const double frac = v - std::floor(v + kEps);
          if (ceil_z[h][o] > floor_z[h][o] && frac < worst_frac) {
            worst_frac = frac;
            worst = static_cast<int>(o);
          }
        }
        if (worst < 0) break;
        --ceil_z[h][worst];
      }
    }
  }
  // Each rounding repaired both ways, the greedy from nothing both ways, and nos's sequential
  // greedy; the best wins.
  std::optional<Solution> best = Finish(pb, EmptyCounts(pb), std::nullopt);
  const Counts empty = EmptyCounts(pb);
  for (const Counts* start : std::initializer_list<const Counts*>{&floor_z, &ceil_z, &empty}) {
    for (Weighting w : {Weighting::kSlices, Weighting::kInstances}) {
      Solution s = Finish(pb, *start, w);
      if (s.ev.BetterThan(best->ev)) best = std::move(s);
    }
  }
  return std::move(*best);
}

// ---------------------------------------------------------------------------------------------
// Bounds and the exact search.

struct Bounds {
  int unmet = 0;
  std::optional<int> destroyed;  // re-plan only
  int gpus = 0;
  double lp_gpus = 0;
  bool unmet_proven = false, destroyed_proven = false, gpus_proven = false;
};

// LP bounds for plans no worse than `best` in the earlier objectives.
// Each stage's LP is solved again only when `best` differs from the values the guide's LPs were
// constrained to (the guide's bounds are then not valid for it).
Bounds LpBounds(const Problem& pb, const LpGuide& guide, const Evaluation& best, Program* prog) {
  Bounds b;
  b.unmet = CeilBound(guide.unmet);
  const bool same_unmet = best.unmet <= guide.unmet + kEps;
  Limits limits;
  limits.max_unmet = static_cast<double>(best.unmet);
  bool same_kept = true;
  if (pb.current_instances > 0) {
    double max_kept = pb.current_instances;
    if (same_unmet && guide.max_kept) {
      max_kept = *guide.max_kept;
    } else {
      SetStage(pb, Stage::kDestroyed, limits, prog);
      LinearProgram::Result r = prog->lp.SolveRelaxation();
      if (r.outcome == LinearProgram::Outcome::kOptimal) max_kept = -r.objective;
    }
    b.destroyed = pb.current_instances - FloorBound(max_kept);
    limits.min_kept = static_cast<double>(best.kept);
    // The guide's limits (unmet <= guide.unmet + eps, kept >= max_kept - eps) are then no tighter
    // than best's, so its value is a valid bound.
    same_kept = same_unmet && guide.max_kept && best.kept >= *guide.max_kept - kEps;
  }
  if (same_unmet && same_kept && !guide.x.empty()) {
    b.lp_gpus = guide.gpus;
  } else {
    SetStage(pb, Stage::kGpus, limits, prog);
    LinearProgram::Result r = prog->lp.SolveRelaxation();
    b.lp_gpus = r.outcome == LinearProgram::Outcome::kOptimal ? r.objective : 0;
  }
  b.gpus = CeilBound(b.lp_gpus);
  return b;
}

// Improves `best` stage by stage with branch-and-bound, each stage constrained to the earlier
// stages' best values, within `deadline`.
void ExactSolve(const Problem& pb, Clock::time_point deadline, Program* prog, Solution* best,
                Bounds* bounds, int* nodes) {
  auto remaining = [&] {
    return std::max(0.0, std::chrono::duration<double>(deadline - Clock::now()).count());
  };
  auto run = [&](Stage stage, const Limits& limits) -> std::optional<LinearProgram::Result> {
    if (remaining() <= 0) return std::nullopt;
    SetStage(pb, stage, limits, prog);
    const Columns& cols = prog->cols;
    std::vector<double> seed = ColumnValues(pb, cols, best->z, best->ev, prog->lp.num_columns());
    LinearProgram::Result r = prog->lp.SolveInteger(remaining(), seed);
    *nodes += r.nodes;
    if (!r.values.empty()) {
      Solution candidate;
      candidate.z = ZFromValues(pb, cols, r.values);
      // The IP's values are a plan already; dropping unneeded GPUs only helps later stages.
      KeepFill(pb, &candidate.z);
      DropUnneeded(pb, &candidate.z);
      candidate.ev = Evaluate(pb, candidate.z);
      if (candidate.ev.BetterThan(best->ev)) *best = std::move(candidate);
    }
    return r;
  };

  Limits limits;
  // 1. Unmet.
  if (best->ev.unmet > bounds->unmet) {
    std::optional<LinearProgram::Result> r = run(Stage::kUnmet, limits);
    if (r && r->outcome == LinearProgram::Outcome::kOptimal) {
      bounds->unmet = static_cast<int>(best->ev.unmet);
    } else if (r) {
      bounds->unmet = std::max(bounds->unmet, CeilBound(r->bound));
    }
  }
  bounds->unmet_proven = best->ev.unmet <= bounds->unmet;
  if (!bounds->unmet_proven) return;
  limits.max_unmet = static_cast<double>(best->ev.unmet);
  // 2. Destroyed (re-plan).
  if (bounds->destroyed) {
    const long long destroyed = pb.current_instances - best->ev.kept;
    if (destroyed > *bounds->destroyed) {
      std::optional<LinearProgram::Result> r = run(Stage::kDestroyed, limits);
      if (r && r->outcome == LinearProgram::Outcome::kOptimal) {
        bounds->destroyed = static_cast<int>(pb.current_instances - best->ev.kept);
      } else if (r) {
        // The objective is -kept; its bound caps kept from above.
        bounds->destroyed =
            std::max(*bounds->destroyed, pb.current_instances - FloorBound(-r->bound));
      }
    }
    bounds->destroyed_proven = pb.current_instances - best->ev.kept <= *bounds->destroyed;
    if (!bounds->destroyed_proven) return;
    limits.min_kept = static_cast<double>(best->ev.kept);
  }
  // 3. GPUs.
  if (best->ev.used > bounds->gpus) {
    std::optional<LinearProgram::Result> r = run(Stage::kGpus, limits);
    if (r && r->outcome == LinearProgram::Outcome::kOptimal) {
      bounds->gpus = static_cast<int>(best->ev.used);
    } else if (r) {
      bounds->gpus = std::max(bounds->gpus, CeilBound(r->bound));
    }
  }
  bounds->gpus_proven = best->ev.used <= bounds->gpus;
}

// ---------------------------------------------------------------------------------------------
// From counts to per-GPU layouts.

FleetPlan Expand(const Fleet& fleet, const Problem& pb, const Solution& sol) {
  FleetPlan plan;
  plan.gpus.resize(fleet.gpus.size());
  std::vector<const Layout*> chosen(fleet.gpus.size(), nullptr);
  std::vector<int> model_of(fleet.gpus.size(), 0);
  for (size_t i = 0; i < fleet.gpus.size(); ++i) {
    plan.gpus[i].index = fleet.gpus[i].index;
    plan.gpus[i].model = fleet.gpus[i].model;
  }
  for (size_t h = 0; h < pb.groups.size(); ++h) {
    const Group& g = pb.groups[h];
    size_t next = 0;
    for (size_t o = 0; o < g.options.size(); ++o) {
      for (int k = 0; k < sol.z[h][o] && next < g.gpus.size(); ++k) {
        chosen[g.gpus[next++]] = &pb.models[g.model].maximal[g.options[o].layout];
      }
    }
    for (int gpu : g.gpus) model_of[gpu] = g.model;
  }
  // Remaining assignments per (model, class).
  std::vector<std::vector<long long>> left = sol.ev.y;
  auto take = [&](int m, const GiProfile* profile) -> int {
    const ModelSpace& space = pb.models[m];
    for (size_t d = 0; d < pb.classes.size(); ++d) {
      const int p = pb.class_profile[d][m];
      if (p >= 0 && space.demanded[p] == profile && left[m][d] > 0) {
        --left[m][d];
        return static_cast<int>(d);
      }
    }
    return -1;
  };
  auto is_current = [&](size_t i, const PlacedProfile& pp) {
    const Layout& current = fleet.gpus[i].current;
    return std::any_of(current.begin(), current.end(),
                       [&](const PlacedProfile& c) { return SamePlaced(c, pp); });
  };
  const bool replan = pb.current_instances > 0;
  // Pass 1: running instances the target keeps serve the demand first.
  if (replan) {
    for (size_t i = 0; i < fleet.gpus.size(); ++i) {
      if (chosen[i] == nullptr) continue;
      for (const PlacedProfile& pp : *chosen[i]) {
        if (!is_current(i, pp)) continue;
        PlannedInstance inst{pp.profile, pp.placement, true, take(model_of[i], pp.profile)};
        plan.gpus[i].instances.push_back(inst);
      }
    }
  }
  // Pass 2: new instances, only as many as the demand needs, in the driver's placement order.
  for (size_t i = 0; i < fleet.gpus.size(); ++i) {
    if (chosen[i] == nullptr) continue;
    Layout fresh;
    for (const PlacedProfile& pp : *chosen[i]) {
      if (!(replan && is_current(i, pp))) fresh.push_back(pp);
    }
    const GpuModel& model = *fleet.gpus[i].model;
    std::stable_sort(fresh.begin(), fresh.end(),
                     [&](const PlacedProfile& a, const PlacedProfile& b) {
                       return AutoPlacementRank(model, a.placement.size, a.placement.start) <
                              AutoPlacementRank(model, b.placement.size, b.placement.start);
                     });
    for (const PlacedProfile& pp : fresh) {
      const int d = take(model_of[i], pp.profile);
      if (d >= 0) plan.gpus[i].instances.push_back({pp.profile, pp.placement, false, d});
    }
  }
  return plan;
}

}  // namespace

const char* PlanModeName(PlanMode mode) {
  switch (mode) {
    case PlanMode::kFast:
      return "fast";
    case PlanMode::kExact:
      return "exact";
    case PlanMode::kAuto:
      return "auto";
  }
  return "?";
}

Layout GpuPlan::TargetLayout() const {
  Layout out;
  for (const PlannedInstance& i : instances) out.push_back({i.profile, i.placement});
  return out;
}

StatusOr<FleetPlan> PlanFleet(const Fleet& fleet, const Demand& demand,
                              const FleetPlanOptions& options) {
  const Clock::time_point start = Clock::now();
  if (fleet.gpus.empty()) return Status::InvalidArgument("the fleet has no GPUs");
  StatusOr<Problem> built = BuildProblem(fleet, demand, options.replan);
  if (!built.ok()) return built.status();
  const Problem& pb = *built;

  std::unique_ptr<Program> prog = BuildProgram(pb);
  const LpGuide guide = SolveLps(pb, prog.get());
  Solution best = FastSolve(pb, guide);
  Bounds bounds = LpBounds(pb, guide, best.ev, prog.get());
  bounds.unmet_proven = best.ev.unmet <= bounds.unmet;
  bounds.destroyed_proven =
      !bounds.destroyed || pb.current_instances - best.ev.kept <= *bounds.destroyed;
  bounds.gpus_proven = best.ev.used <= bounds.gpus;
  const double lp_gpus = bounds.lp_gpus;
  int nodes = 0;
  const bool proven = bounds.unmet_proven && bounds.destroyed_proven && bounds.gpus_proven;
  if (options.mode != PlanMode::kFast && !proven) {
    const auto deadline =
        start + std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(std::max(0.0, options.time_limit_seconds)));
    const Evaluation before = best.ev;
    ExactSolve(pb, deadline, prog.get(), &best, &bounds, &nodes);
    if (best.ev.BetterThan(before)) {
      // Bounds for later stages were computed for the old values; recompute where unproven.
      Bounds fresh = LpBounds(pb, guide, best.ev, prog.get());
      if (!bounds.gpus_proven) bounds.gpus = std::max(bounds.gpus, fresh.gpus);
    }
    bounds.gpus_proven = bounds.gpus_proven || best.ev.used <= bounds.gpus;
  }

  FleetPlan plan = Expand(fleet, pb, best);
  Summarize(fleet, demand, &plan);
  plan.method = PlanModeName(options.mode);
  plan.lp_bound = lp_gpus;
  plan.lower_bound = std::min(bounds.gpus, plan.gpus_used);
  plan.unmet_lower_bound = std::min(bounds.unmet, plan.unmet_total);
  if (options.replan) {
    plan.destroyed_lower_bound = bounds.destroyed ? std::min(*bounds.destroyed, plan.destroyed) : 0;
  }
  plan.optimal = plan.unmet_total <= plan.unmet_lower_bound &&
                 (!options.replan || plan.destroyed <= plan.destroyed_lower_bound) &&
                 plan.gpus_used <= plan.lower_bound;
  plan.bb_nodes = nodes;
  plan.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return plan;
}

}  // namespace migkit
