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
#include "plan/config_program.h"
#include "plan/exact_solve.h"
#include "plan/fast_solve.h"
#include "plan/lp_solver.h"
#include "plan/plan_evaluation.h"
#include "plan/plan_problem.h"

namespace migkit {
namespace {

using planning::Bounds;
using planning::BuildProblem;
using planning::BuildProgram;
using planning::Counts;
using planning::Evaluate;
using planning::Evaluation;
using planning::ExactSolve;
using planning::FastSolve;
using planning::Group;
using planning::LpBounds;
using planning::LpGuide;
using planning::ModelSpace;
using planning::Problem;
using planning::Program;
using planning::SetStage;
using planning::Solution;
using planning::SolveLps;
using planning::Supply;

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Evaluating a choice of options: the demand met is a maximum flow from demand items to
// (model, profile) supplies.

// Counts, Supply, Evaluation and Evaluate are in plan/plan_evaluation.h.

// ---------------------------------------------------------------------------------------------
// The configuration program.

// BuildProgram, SetStage and their types are in plan/config_program.h.

// The LP rounding heuristic is in plan/fast_solve.h, the bounds and the exact search in
// plan/exact_solve.h.

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
