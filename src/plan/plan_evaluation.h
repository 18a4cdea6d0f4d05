// Evaluating a choice of options for the planner (an implementation detail of planner.cc, split
// out to be tested on its own): the instances the chosen layouts supply, and the demand they meet
// as a maximum flow from demand classes to (model, profile) supplies (plan/max_flow.h).
//
// Thread-safety: plain functions of their arguments.
#ifndef MIGKIT_PLAN_PLAN_EVALUATION_H_
#define MIGKIT_PLAN_PLAN_EVALUATION_H_

#include <tuple>
#include <vector>

#include "plan/plan_problem.h"

namespace migkit::planning {

/// GPUs given each option: [group][option].
using Counts = std::vector<std::vector<int>>;

/// What a choice of options achieves.
struct Evaluation {
  long long unmet = 0;
  long long kept = 0;
  long long used = 0;
  std::vector<long long> met;                  // per class
  std::vector<std::vector<long long>> y;       // [model][class]
  std::vector<std::vector<long long>> supply;  // [model][demanded profile]

  // Lexicographic: fewer unmet, then more kept, then fewer GPUs.
  bool BetterThan(const Evaluation& o) const {
    return std::make_tuple(unmet, -kept, used) < std::make_tuple(o.unmet, -o.kept, o.used);
  }
};

/// Instances supplied per [model][demanded profile].
using Supply = std::vector<std::vector<long long>>;

/// The instances `z` supplies; `*used` gets its GPUs and `*kept` the current instances it keeps.
Supply SupplyOf(const Problem& pb, const Counts& z, long long* used, long long* kept);

/// Fills `ev`'s met, y and unmet from `ev->supply`: the most demand the supply can serve.
void MeetDemand(const Problem& pb, Evaluation* ev);

/// The demand `supply` leaves unmet.
long long UnmetWith(const Problem& pb, Supply supply);

/// Everything about choice `z`: supply, GPUs used, kept, demand met and unmet.
Evaluation Evaluate(const Problem& pb, const Counts& z);

}  // namespace migkit::planning

#endif  // MIGKIT_PLAN_PLAN_EVALUATION_H_
