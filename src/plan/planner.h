// Planner: the MIG layout of every GPU of a fleet for a demand, with a bound on how good it is.
//
// Per GPU model the per-GPU choices are few: the model's maximal layouts, reduced to distinct
// profile multisets ("configurations"). Planning a fleet is then a configuration integer program
// (cutting stock): choose how many GPUs of each model take each configuration so that the demand
// is covered with the fewest GPUs. Its size depends on the number of configurations and demand
// items, not on the number of GPUs or instances, so even 10,000 GPUs give a program of a few dozen
// columns. The objectives are lexicographic:
//   1. fewest unmet instances (only when the fleet is too small),
//   2. when re-planning, fewest destroyed running instances,
//   3. fewest GPUs used.
// Lower bounds come from the linear relaxation (the configuration LP over maximal layouts,
// rounded up); exact mode closes the gap by branch-and-bound (GLPK). docs/planner.md describes
// the formulation, the fast heuristic, and the re-plan model.
//
// Thread-safety: PlanFleet keeps no state; concurrent calls are safe.
#ifndef MIGKIT_PLAN_PLANNER_H_
#define MIGKIT_PLAN_PLANNER_H_

#include <string>
#include <vector>

#include "core/layouts.h"
#include "core/status.h"
#include "plan/demand.h"
#include "plan/fleet.h"

namespace migkit {

enum class PlanMode {
  kFast,   // LP relaxation, rounding and a greedy repair; no branch-and-bound
  kExact,  // branch-and-bound until optimality is proven or the time limit passes
  kAuto,   // fast; then exact within the time limit when the fast plan is not proven optimal
};

/// "fast", "exact", "auto".
const char* PlanModeName(PlanMode mode);

struct FleetPlanOptions {
  PlanMode mode = PlanMode::kAuto;
  /// Branch-and-bound budget (exact and auto), in seconds of wall time.
  double time_limit_seconds = 10.0;
  /// Re-plan from the fleet's current layouts: keep as many running instances as possible (same
  /// GPU, same profile, same placement). When false the current layouts are ignored (a plan from
  /// scratch) and only reported against.
  bool replan = false;
};

/// One GPU instance of a planned layout.
struct PlannedInstance {
  const GiProfile* profile = nullptr;
  Placement placement;
  bool kept = false;  // it exists now and stays (re-plan)
  /// The demand item it serves (index into Demand::items), or -1 for a kept instance the demand
  /// does not need.
  int demand_item = -1;
};

struct GpuPlan {
  int index = 0;
  const GpuModel* model = nullptr;
  std::vector<PlannedInstance> instances;  // the target layout, ordered by start
  Layout destroy;                          // current instances that must go, ordered by start
  bool used() const { return !instances.empty(); }
  /// The target layout as placed profiles.
  Layout TargetLayout() const;
};

/// A plan for a whole fleet: per-GPU layouts, totals, and bounds on how good it is. (The name
/// avoids reconfig/plan.h's Plan, the per-GPU operation sequence that applies a layout.)
struct FleetPlan {
  std::vector<GpuPlan> gpus;  // one per fleet GPU, in fleet order
  /// Per demand item: instances placed and instances that could not be placed.
  std::vector<int> placed;
  std::vector<int> unmet;

  int gpus_used = 0;
  int unmet_total = 0;
  int kept = 0;       // running instances kept (same GPU, profile, placement)
  int destroyed = 0;  // running instances destroyed
  int created = 0;    // instances to create
  /// Compute slices and memory slices of used GPUs that no planned instance occupies.
  int stranded_compute_slices = 0;
  int stranded_memory_slices = 0;
  /// Compute and memory slices of the used GPUs, for percentages.
  int used_compute_slices = 0;
  int used_memory_slices = 0;

  /// A lower bound on gpus_used valid for every plan that leaves at most unmet_total instances
  /// unmet (and, when re-planning, destroys at most `destroyed`): ceil of the configuration LP, or
  /// the proven optimum when branch-and-bound finished. -1 when not computed (baselines).
  int lower_bound = -1;
  /// The configuration LP's value (before rounding up).
  double lp_bound = -1;
  /// Lower bounds on unmet_total and (re-plan) destroyed, same conventions.
  int unmet_lower_bound = -1;
  int destroyed_lower_bound = -1;
  /// True when the plan is proven optimal for all three objectives.
  bool optimal = false;
  /// How the plan was made: "fast", "exact", "first-fit", ...
  std::string method;
  double seconds = 0;  // wall time of planning
  int bb_nodes = 0;    // branch-and-bound nodes (exact)

  int gap() const { return lower_bound < 0 ? -1 : gpus_used - lower_bound; }
};

/// Plans `fleet` for `demand`. Errors: kInvalidArgument from ResolveDemand (a profile no model
/// has, a need nothing meets), or for an empty fleet. A fleet too small for the demand is not an
/// error: the plan places what it can and reports the rest in `unmet`.
StatusOr<FleetPlan> PlanFleet(const Fleet& fleet, const Demand& demand,
                              const FleetPlanOptions& options);

/// Fills the totals of `plan` (gpus_used, placed/unmet, kept/destroyed/created, stranded) from its
/// per-GPU layouts, against `fleet`'s current layouts and `demand`. Used by the planner and by the
/// baselines, so that every method is measured the same way.
void Summarize(const Fleet& fleet, const Demand& demand, FleetPlan* plan);

/// Checks that every GPU's target layout can be created: each instance on one of its profile's
/// placements, no overlaps, instance limits respected (the driver's rules, core/geometry.h), and
/// that every instance serves a demand item it is resolved to and no item gets more than it
/// wants. OK, or kUnknown naming the GPU and what is wrong (a planner bug: tests and bench/ call
/// it on every plan).
Status CheckPlan(const Fleet& fleet, const Demand& demand, const FleetPlan& plan);

/// Same profile (by ID) at the same placement: an instance a reconfiguration keeps running.
bool SamePlaced(const PlacedProfile& a, const PlacedProfile& b);

/// Number of current instances of `current` that `target` keeps: same profile, same placement.
/// The per-GPU notion of "kept" the re-planner optimises; a smarter per-GPU transition model
/// (src/reconfig) can replace it without touching the fleet-level program.
int KeptInstances(const Layout& current, const Layout& target);

}  // namespace migkit

#endif  // MIGKIT_PLAN_PLANNER_H_
