// The configuration program of fleet planning (an implementation detail of planner.cc, split out
// to be tested on its own): integer columns z[group][option] (GPUs of a group given an option's
// layout), y[model][class] (instances of a demand class served on a model) and u[class] (unmet),
// with rows "a group's GPUs", "served <= supplied per (model, profile)" and "served + unmet =
// wanted", plus two limit rows for the lexicographic stages. Solved by plan/lp_solver.h.
//
// Thread-safety: plain values.
#ifndef MIGKIT_PLAN_CONFIG_PROGRAM_H_
#define MIGKIT_PLAN_CONFIG_PROGRAM_H_

#include <memory>
#include <optional>
#include <vector>

#include "plan/lp_solver.h"
#include "plan/plan_problem.h"

namespace migkit::planning {

/// What a stage of the lexicographic optimisation minimises: unmet demand, then (re-plan) destroyed
/// instances, then GPUs used.
enum class Stage { kUnmet, kDestroyed, kGpus };

/// What earlier stages achieved and later ones must not lose (open when unset).
struct Limits {
  std::optional<double> max_unmet;
  std::optional<double> min_kept;
};

/// The program's column indexes: z GPUs per (group, option), y instances per (model, class), u
/// unmet.
struct Columns {
  std::vector<std::vector<int>> z;  // [group][option]
  std::vector<std::vector<int>> y;  // [model][class], -1 when absent
  std::vector<int> u;               // [class]
};

// The configuration program. Its objective and limit rows change per stage (SetStage); the
// relaxation is warm-started from the previous stage's basis.
struct Program {
  LinearProgram lp;
  Columns cols;
  int unmet_row = -1;  // sum(u) <= max_unmet
  int kept_row = -1;   // sum(kept * z) >= min_kept; -1 when no option keeps anything
};

/// The program for `pb`, with every cost 0 and both limit rows open; call SetStage before solving.
std::unique_ptr<Program> BuildProgram(const Problem& pb);

/// Sets the objective of `stage` (unmet; -kept; GPUs) and closes the limit rows to `limits`.
void SetStage(const Problem& pb, Stage stage, const Limits& limits, Program* prog);

}  // namespace migkit::planning

#endif  // MIGKIT_PLAN_CONFIG_PROGRAM_H_
