// The planner's fast mode (an implementation detail of planner.cc, split out to be tested on its
// own): solve the configuration program's staged LP relaxations, round the solution down and up,
// repair each greedily (fill unmet demand, keep running instances, drop GPUs not needed) and keep
// the better. The exact search (plan/exact_solve.h) reuses the repair steps and the conversions
// between counts and LP columns.
//
// Thread-safety: plain functions; a Program is used by one thread at a time.
#ifndef MIGKIT_PLAN_FAST_SOLVE_H_
#define MIGKIT_PLAN_FAST_SOLVE_H_

#include <cmath>
#include <optional>
#include <vector>

#include "plan/config_program.h"
#include "plan/plan_evaluation.h"
#include "plan/plan_problem.h"

namespace migkit::planning {

/// Tolerance for LP values that are integers up to rounding.
inline constexpr double kEps = 1e-6;
/// The least integer an LP bound `v` allows, and the greatest.
inline int CeilBound(double v) { return static_cast<int>(std::ceil(v - kEps)); }
inline int FloorBound(double v) { return static_cast<int>(std::floor(v + kEps)); }

/// A choice of options and what it achieves.
struct Solution {
  Counts z;
  Evaluation ev;
};

// LP-guided rounding: floor and ceil variants of the staged LP solution, each repaired; the
// better one wins.
struct LpGuide {
  double unmet = 0;                // LP minimum of unmet
  std::optional<double> max_kept;  // LP maximum of kept (re-plan), given `unmet`
  double gpus = 0;                 // LP minimum of GPUs, given the two above
  std::vector<double> x;           // the last stage's solution
  Columns cols;
};

/// The staged LP relaxations of `prog`: unmet (skipped when the whole demand fits fractionally),
/// then kept (re-plan), then GPUs.
LpGuide SolveLps(const Problem& pb, Program* prog);

/// The better of the guide's rounded-down and rounded-up solutions, each repaired.
Solution FastSolve(const Problem& pb, const LpGuide& guide);

/// Re-plan: adds GPUs with running instances that no option uses, keeping them as they are.
void KeepFill(const Problem& pb, Counts* z);

/// Removes GPUs (options that keep nothing) while the demand met does not drop.
void DropUnneeded(const Problem& pb, Counts* z);

/// The LP column values of `z` with assignment `ev`, to seed branch-and-bound.
std::vector<double> ColumnValues(const Problem& pb, const Columns& cols, const Counts& z,
                                 const Evaluation& ev, int num_columns);

/// The counts an LP solution `x` gives its z columns, rounded to the nearest integer.
Counts ZFromValues(const Problem& pb, const Columns& cols, const std::vector<double>& x);

}  // namespace migkit::planning

#endif  // MIGKIT_PLAN_FAST_SOLVE_H_
