// LayoutTarget: the exact layout one GPU should end up with - MIG mode, every GPU instance with its
// placement, every compute instance with its placement.
//
// It is what both kinds of requests become before planning: a config (via the solver, which
// decides which running instances stay and where new ones go) and a checkpoint (which records
// placements directly). PlanChanges (plan.h) then diffs a GPU's state against it: a GI of the same
// profile at the same placement is the same GI and stays, with its ID and its MIG UUIDs.
#ifndef MIGKIT_RECONFIG_LAYOUT_TARGET_H_
#define MIGKIT_RECONFIG_LAYOUT_TARGET_H_

#include <optional>
#include <vector>

#include "core/placement.h"

namespace migkit {

struct TargetCi {
  int profile_id = 0;     // CI profile ID
  Placement placement;    // compute slices within the GI
  std::optional<int> id;  // the CI ID it must have (checkpoints); empty: whatever it gets
  friend bool operator==(const TargetCi&, const TargetCi&) = default;
};

struct TargetGi {
  int profile_id = 0;  // GI profile ID
  Placement placement;
  std::vector<TargetCi> cis;
  friend bool operator==(const TargetGi&, const TargetGi&) = default;
};

struct LayoutTarget {
  int gpu = 0;  // GPU index
  bool mig_enabled = false;
  std::vector<TargetGi> gis;  // empty when MIG is off
  friend bool operator==(const LayoutTarget&, const LayoutTarget&) = default;
};

}  // namespace migkit

#endif  // MIGKIT_RECONFIG_LAYOUT_TARGET_H_
