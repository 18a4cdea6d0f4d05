// The planner's exact mode (an implementation detail of planner.cc, split out to be tested on its
// own): LP lower bounds for each stage of the lexicographic objective (unmet, destroyed, GPUs),
// and branch-and-bound (GLPK, plan/lp_solver.h) that improves a solution stage by stage until it
// is proven optimal or the deadline passes.
//
// Thread-safety: plain functions; a Program is used by one thread at a time.
#ifndef MIGKIT_PLAN_EXACT_SOLVE_H_
#define MIGKIT_PLAN_EXACT_SOLVE_H_

#include <chrono>
#include <optional>

#include "plan/config_program.h"
#include "plan/fast_solve.h"
#include "plan/plan_evaluation.h"
#include "plan/plan_problem.h"

namespace migkit::planning {

/// Lower bounds per stage, and whether the current solution attains them.
struct Bounds {
  int unmet = 0;
  std::optional<int> destroyed;  // re-plan only
  int gpus = 0;
  double lp_gpus = 0;
  bool unmet_proven = false, destroyed_proven = false, gpus_proven = false;
};

/// LP bounds for plans no worse than `best` in the earlier objectives. Each stage's LP is solved
/// again only when `best` differs from the values the guide's LPs were constrained to.
Bounds LpBounds(const Problem& pb, const LpGuide& guide, const Evaluation& best, Program* prog);

/// Improves `*best` stage by stage with branch-and-bound, each stage constrained to the earlier
/// stages' best values, until `deadline`; tightens `*bounds` and counts the search's nodes.
void ExactSolve(const Problem& pb, std::chrono::steady_clock::time_point deadline, Program* prog,
                Solution* best, Bounds* bounds, int* nodes);

}  // namespace migkit::planning

#endif  // MIGKIT_PLAN_EXACT_SOLVE_H_
