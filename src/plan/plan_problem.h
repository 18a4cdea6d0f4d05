// The planner's problem (an implementation detail of planner.cc, split out to be tested on its
// own): per GPU model, its maximal layouts and the profiles the demand uses; GPUs grouped by
// (model, current layout); per group the useful target layouts ("options"), without dominated
// ones; options of equal supply across groups collected into supply classes.
//
// Thread-safety: plain values.
#ifndef MIGKIT_PLAN_PLAN_PROBLEM_H_
#define MIGKIT_PLAN_PLAN_PROBLEM_H_

#include <utility>
#include <vector>

#include "core/layouts.h"
#include "core/status.h"
#include "plan/demand.h"
#include "plan/fleet.h"

// Names as short as Option and Group stay out of namespace migkit itself.
namespace migkit::planning {

struct ModelSpace {
  const GpuModel* model = nullptr;
  std::vector<const GiProfile*> demanded;  // distinct profiles demand items map to on this model
  std::vector<Layout> maximal;
};

struct Option {
  std::vector<int> supply;  // instances per ModelSpace::demanded profile
  int kept = 0;             // current instances this target keeps
  int layout = 0;           // index into ModelSpace::maximal
};

struct Group {
  int model = 0;
  Layout current;         // empty unless re-planning
  std::vector<int> gpus;  // fleet positions, ascending
  std::vector<Option> options;
};

struct SupplyClass {
  int model = 0;
  std::vector<int> supply;
  std::vector<std::pair<int, int>> members;  // (group, option), most kept first
};

struct Problem {
  std::vector<ModelSpace> models;
  std::vector<DemandClass> classes;
  std::vector<std::vector<int>> class_profile;  // [class][model] -> index into demanded, or -1
  std::vector<Group> groups;
  int current_instances = 0;  // over the groups (0 unless re-planning)
  /// Options with the same model and supply, across groups: the greedy scores each class once.
  std::vector<SupplyClass> supply_classes;
};

/// The target layouts of `space` worth considering for a GPU whose current layout is `current`:
/// those that supply a demanded profile or keep a current instance, most kept first, then most
/// supplied, without any that another keeps no fewer instances and supplies no less than.
std::vector<Option> OptionsFor(const ModelSpace& space, const Layout& current);

/// Builds the problem of planning `fleet` for `demand`; with `replan`, GPUs are also grouped by
/// their current layout and options count what they keep. Errors are ResolveDemand's.
StatusOr<Problem> BuildProblem(const Fleet& fleet, const Demand& demand, bool replan);

}  // namespace migkit::planning

#endif  // MIGKIT_PLAN_PLAN_PROBLEM_H_
