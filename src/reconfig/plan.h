// Plan: the ordered operations that take a node from its current state to exact target layouts.
//
// PlanChanges diffs each GPU's state against its LayoutTarget: a GI of the same profile at the same
// placement stays (so do its CIs of the same profile and placement); everything else in the way is
// destroyed and the missing instances are created at the target's placements. Per GPU the steps
// are, in order:
//   1. a MIG-mode change, when MIG must be (re-)enabled before instances can be touched;
//   2. destroy CIs (of GIs that go, and surplus ones in GIs that stay), then destroy GIs;
//   3. a MIG-mode change to disabled, and a GPU reset where the model needs one for a mode change
//      to take effect (Ampere, mig-facts.md §9) - only ever on a GPU that is empty by then;
//   4. create each GI at its explicit start, then its CIs at their explicit starts.
// Because every creation names its placement and the target layout is valid as a whole, creations
// succeed in any order: no permutations are tried. Every plan is checked by running it on a copy
// of the states with the core state machine before it is returned.
#ifndef MIGKIT_RECONFIG_PLAN_H_
#define MIGKIT_RECONFIG_PLAN_H_

#include <string>
#include <vector>

#include "backend/backend.h"
#include "core/status.h"
#include "reconfig/layout_target.h"

namespace migkit {

enum class StepKind {
  kSetMigMode,
  kResetGpu,
  kDestroyComputeInstance,
  kDestroyGpuInstance,
  kCreateGpuInstance,
  kCreateComputeInstance,
};

struct Step {
  StepKind kind = StepKind::kSetMigMode;
  int gpu = 0;
  bool enable = false;   // kSetMigMode
  int gi_id = -1;        // the GI acted on; for kCreateGpuInstance the ID its placement implies
  int ci_id = -1;        // the CI destroyed; for kCreateComputeInstance the ID it should get, or -1
  int profile_id = -1;   // GI profile (GI steps) or CI profile (CI steps)
  Placement placement;   // GI placement (GI steps) or CI placement within the GI (CI steps)
  std::string profile;   // the profile's name, for people ("3g.40gb", "1c.3g.40gb")
  std::string mig_uuid;  // kDestroyComputeInstance: the MIG device that goes

  /// "destroy CI 0 (3g.40gb) of GI 2 on GPU 0", "create GI 3g.40gb at 4:4 on GPU 0 (GI 2)".
  std::string Describe() const;
};

/// What a plan does to one GPU, for the diff shown to the operator.
struct GpuChange {
  struct Ci {
    char op = '=';  // '=' stays, '-' destroyed, '+' created
    int id = -1;    // -1 for a CI to create whose ID the driver picks
    std::string profile;
    Placement placement;
    std::string mig_uuid;  // for kept and destroyed CIs
  };
  struct Gi {
    char op = '=';
    int id = -1;
    std::string profile;
    Placement placement;
    std::vector<Ci> cis;
  };
  int gpu = 0;
  std::string model_id;
  std::string uuid;
  bool mig_before = false;  // MIG mode now (current)
  bool mig_after = false;
  bool changes = false;                      // false: the GPU already has its target
  std::vector<Gi> gis;                       // every GI before and after, by placement start
  int kept = 0, destroyed = 0, created = 0;  // instances (GIs + CIs)
};

struct Plan {
  std::vector<GpuChange> gpus;  // one per GPU with a target, ascending
  std::vector<Step> steps;
  bool empty() const { return steps.empty(); }
};

struct PlanOptions {
  /// May the plan reset a GPU? Needed only to make a MIG-mode change take effect on models whose
  /// mode change is pending until reset (Ampere); a reset is only ever planned for a GPU that is
  /// empty by then. When false and a reset would be needed, PlanChanges fails with kResetRequired.
  bool allow_reset = true;
};

/// The plan taking `gpus` (a snapshot) to `targets` (at most one per GPU; GPUs without a target are
/// left alone). Errors: kInvalidArgument for a target naming a GPU that does not exist or a layout
/// that is not valid for the GPU's model; kResetRequired (see PlanOptions).
StatusOr<Plan> PlanChanges(const std::vector<GpuInfo>& gpus,
                           const std::vector<LayoutTarget>& targets,
                           const PlanOptions& options = {});

/// Runs `steps` on copies of the states in `gpus` with the core state machine (no Backend), and
/// returns the states they lead to. Used to check plans; errors name the failing step.
StatusOr<std::vector<GpuState>> SimulatePlan(const std::vector<GpuInfo>& gpus,
                                             const std::vector<Step>& steps);

}  // namespace migkit

#endif  // MIGKIT_RECONFIG_PLAN_H_
