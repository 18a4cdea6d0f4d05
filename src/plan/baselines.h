// Baselines: simple planners the real one is measured against (bench/, planner tests).
//
// They start from empty GPUs (no re-planning), use the same demand resolution as the planner
// (one profile per demand item and model) and return a FleetPlan summarised the same way, with
// lower_bound = -1.
//
// Thread-safety: pure functions.
#ifndef MIGKIT_PLAN_BASELINES_H_
#define MIGKIT_PLAN_BASELINES_H_

#include <vector>

#include "core/status.h"
#include "plan/demand.h"
#include "plan/fleet.h"
#include "plan/planner.h"

namespace migkit {

/// First-fit: instances one at a time in `sequence` order (demand item indices, one entry per
/// instance; empty means item order, each item's count in turn); each goes to the first GPU in
/// fleet order where the driver's automatic placement (core AutoPlacement) finds room. What fits
/// nowhere is unmet. Errors: those of ResolveDemand; kInvalidArgument for a bad sequence.
StatusOr<FleetPlan> FirstFit(const Fleet& fleet, const Demand& demand,
                             const std::vector<int>& sequence = {});

/// First-fit decreasing: first-fit with the instances sorted largest first (compute slices,
/// then memory).
StatusOr<FleetPlan> FirstFitDecreasing(const Fleet& fleet, const Demand& demand);

/// nos-style greedy (nebuly nos's MIG planner, ecosystem.md §2.5): GPUs in fleet order; each
/// takes the model's maximal layout that provides the most still-lacking instances (the first
/// such layout on ties), until nothing lacks.
StatusOr<FleetPlan> NosGreedy(const Fleet& fleet, const Demand& demand);

/// The instance sequence "each item's count in turn" (what FirstFit uses by default).
std::vector<int> ItemOrderSequence(const Demand& demand);

}  // namespace migkit

#endif  // MIGKIT_PLAN_BASELINES_H_
