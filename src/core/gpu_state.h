// GpuState: the mutable MIG state of one GPU, and the driver's rules for changing it.
//
// This is the heart of the emulator, kept free of I/O so that it can be tested exhaustively and
// reused by planners. Each operation either succeeds and changes the state, or returns the error
// the real driver returns (mig-facts.md §6.3, §9, §10) and leaves the state untouched.
//
// Thread-safety: none; callers serialise access (the emulator holds a file lock).
#ifndef MIGKIT_CORE_GPU_STATE_H_
#define MIGKIT_CORE_GPU_STATE_H_

#include <optional>
#include <vector>

#include "core/geometry.h"
#include "core/gpu_model.h"
#include "core/placement.h"
#include "core/status.h"

namespace migkit {

struct ComputeInstance {
  int id = 0;           // unique within its GI, 0-7
  int profile_id = 0;   // NVML_COMPUTE_INSTANCE_PROFILE_*
  Placement placement;  // in compute slices within the GI
  friend bool operator==(const ComputeInstance&, const ComputeInstance&) = default;
};

struct GpuInstance {
  int id = 0;          // the swizzId, 0-14 (GpuInstanceIdFor)
  int profile_id = 0;  // GiProfile::id
  Placement placement;
  std::vector<ComputeInstance> compute_instances;  // ordered by CI ID
  friend bool operator==(const GpuInstance&, const GpuInstance&) = default;
};

struct GpuState {
  bool mig_current = false;  // MIG mode now in effect
  bool mig_pending = false;  // MIG mode after the next reset (== current when nothing is pending)
  std::vector<GpuInstance> gpu_instances;  // ordered by GI ID
  friend bool operator==(const GpuState&, const GpuState&) = default;

  /// The GI with this ID, or nullptr if absent.
  const GpuInstance* FindGpuInstance(int gi_id) const;
  GpuInstance* FindGpuInstance(int gi_id);
  /// True when GIs may be created and destroyed: MIG on, and no mode change pending.
  bool MigUsable() const { return mig_current && mig_pending; }
};

/// A MIG device (one CI) in NVML's MIG device index order: ascending GI ID, then CI ID (§7).
struct MigDeviceRef {
  int gi_id = 0;
  int ci_id = 0;
};
std::vector<MigDeviceRef> MigDevices(const GpuState& state);

/// The placed profiles of `state`, for geometry queries. REQUIRES: every GI's profile exists in
/// `model` (state that came from this model).
std::vector<PlacedProfile> PlacedProfilesOf(const GpuModel& model, const GpuState& state);

/// Requests a MIG mode change (nvmlDeviceSetMigMode). On success `*activation` holds the
/// activation status: OK when the mode is now current (Hopper and later), kResetRequired when it is
/// pending until a reset (Ampere). Disabling while GIs exist fails with kInUse.
Status SetMigMode(const GpuModel& model, GpuState* state, bool enable, Status* activation);

/// Resets the GPU: any pending MIG mode becomes current and every GI and CI is lost (§9).
void ResetGpu(GpuState* state);

/// Creates a GI of `profile_id` at `start`, or where the driver would put it when `start` is empty.
/// Errors: kNotSupported (MIG off or a mode change pending), kInvalidArgument (unknown profile or a
/// start that is not one of its placements), kInsufficientResources (no room, instance limit).
StatusOr<GpuInstance> CreateGpuInstance(const GpuModel& model, GpuState* state, int profile_id,
                                        std::optional<int> start);

/// Destroys GI `gi_id`. kNotFound if absent, kInUse while it holds compute instances,
/// kNotSupported when MIG is not usable.
Status DestroyGpuInstance(GpuState* state, int gi_id);

/// Creates a CI of `ci_profile_id` in GI `gi_id` at compute-slice `start` (first free when empty).
/// Errors: kNotSupported, kNotFound (no such GI), kInvalidArgument (profile not offered by this
/// GI, or a start that is not one of its placements), kInsufficientResources (no room).
StatusOr<ComputeInstance> CreateComputeInstance(const GpuModel& model, GpuState* state, int gi_id,
                                                int ci_profile_id, std::optional<int> start);

/// Destroys CI `ci_id` of GI `gi_id`. kNotFound if either is absent.
Status DestroyComputeInstance(GpuState* state, int gi_id, int ci_id);

/// The CI profile `ci_profile_id` of a GI with `gi` profile, or nullopt.
std::optional<CiProfile> FindCiProfile(const GpuModel& model, const GiProfile& gi,
                                       int ci_profile_id);

/// Placements at which a CI of `ci` could be created in `gi` now.
std::vector<Placement> FreeComputePlacements(const CiProfile& ci, const GpuInstance& gi);

/// How many more CIs of `ci` fit in `gi` now (nvmlGpuInstanceGetComputeInstanceRemainingCapacity).
int RemainingComputeCapacity(const CiProfile& ci, const GpuInstance& gi);

/// Checks the invariants every reachable state satisfies (no overlaps, instance limits, IDs
/// consistent with placements, CIs inside their GI). OK, or kCorruption naming the first violation.
/// Used on state loaded from disk and by property tests.
Status ValidateState(const GpuModel& model, const GpuState& state);

}  // namespace migkit

#endif  // MIGKIT_CORE_GPU_STATE_H_
