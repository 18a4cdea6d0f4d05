// The solver: which running instances a config change keeps, and where the new ones go.
//
// For one GPU it turns a GpuTarget (the MIG devices a config wants, grouped into GIs as mig-parted
// does, config/target.h) into an exact LayoutTarget. An existing GI is kept when the target has a
// GI of the same profile: it keeps as many of its CIs as the target has room for, and gets any
// missing CIs added around them. Among all choices of GIs to keep, the solver takes the one that
// destroys the fewest instances, provided the GIs still to be created can be placed around the
// kept ones; the order of preference is
//   1. the fewest destroyed instances covered by busy marks,
//   2. the fewest destroyed instances (GIs plus CIs),
//   3. the fewest destroyed CIs (MIG devices), then the fewest creations.
// The search is exact: every assignment of existing GIs to target GIs (up to symmetry between
// identical target GIs) is costed, and the cheapest whose new GIs have a placement (fit.h) wins.
// With at most 7 GIs per GPU that is at most a few thousand small checks. docs/configs.md ("How a
// plan is chosen") describes the rule for users.
#ifndef MIGKIT_RECONFIG_SOLVER_H_
#define MIGKIT_RECONFIG_SOLVER_H_

#include <vector>

#include "backend/backend.h"
#include "config/target.h"
#include "core/status.h"
#include "reconfig/busy.h"
#include "reconfig/layout_target.h"

namespace migkit {

struct Solution {
  LayoutTarget layout;
  int kept_gis = 0;  // existing GIs that stay
  int destroyed_gis = 0;
  int destroyed_cis = 0;   // CIs destroyed, in destroyed GIs and in kept ones
  int destroyed_busy = 0;  // destroyed instances that a busy mark covers
};

/// The layout `gpu` should have to satisfy `target`, keeping the most of what runs (see above).
/// When the GPU already satisfies the target, its current layout, unchanged. `busy` may hold marks
/// for any GPU; only those for gpu.uuid count. kInsufficientResources when the target cannot be
/// placed even on an empty GPU (ResolveConfig rejects such targets first).
/// REQUIRES: target.gpu == gpu.index and target.model == gpu.model.
StatusOr<Solution> SolveLayout(const GpuInfo& gpu, const GpuTarget& target,
                               const std::vector<BusyMark>& busy);

/// The exact layout `state` has now (every GI and CI with placements and IDs).
LayoutTarget CurrentLayout(int gpu, const GpuState& state);

}  // namespace migkit

#endif  // MIGKIT_RECONFIG_SOLVER_H_
