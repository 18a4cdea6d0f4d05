// Geometry: the pure rules of where GPU instances may go on one GPU.
//
// Every function here is a function of the static GpuModel and the current occupancy; none keeps
// state or does I/O. The rules and their sources:
//   * a GI occupies [start, start+size) on the placement axis; GIs never overlap (§4.1);
//   * a profile's valid starts are its placement table (-lgipp, §3);
//   * at most instance_count GIs of one profile exist at once (§3, "Total");
//   * a "+me.all" GI coexists only with "-me" GIs (nvml.h, §3.12);
//   * without an explicit start, the driver takes the first free start in the model's
//     auto_placement_order for that size (§4.3);
//   * the GI ID follows from the placement (swizzId, §4.2).
#ifndef MIGKIT_CORE_GEOMETRY_H_
#define MIGKIT_CORE_GEOMETRY_H_

#include <optional>
#include <string>
#include <vector>

#include "core/gpu_model.h"
#include "core/placement.h"
#include "core/status.h"

namespace migkit {

/// A GPU instance as far as geometry cares: which profile, where.
struct PlacedProfile {
  const GiProfile* profile = nullptr;
  Placement placement;
};

/// The GI ID the driver assigns to a GI at `p` (the kernel's swizzId, mig-facts.md §4.2): a size-s
/// placement on an axis of N units gets ID (N/s - 1) + start/s, i.e. 0 for the whole GPU, 1-2 for
/// halves, 3-6 for quarters and 7-14 for eighths on an 8-unit axis; 0, 1-2, 3-6 on RTX PRO's
/// 12-unit axis (sizes 12, 6, 3). Returns -1 if `p` is not aligned to its size.
int GpuInstanceIdFor(const GpuModel& model, Placement p);

/// Every placement of `profile`, regardless of occupancy
/// (nvmlDeviceGetGpuInstancePossiblePlacements).
std::vector<Placement> PossiblePlacements(const GiProfile& profile);

/// The union of the units occupied by `instances`.
Occupancy OccupancyOf(const std::vector<PlacedProfile>& instances);

/// Checks whether a new GI of `profile` at `p` may join `existing`. OK if it may; otherwise
/// kInsufficientResources with a message that names the reason (the placement is taken, the
/// profile's instance limit is reached, a +me.all instance excludes it), or kInvalidArgument
/// if `p` is not one of the profile's placements (listing the valid ones).
Status CheckPlacement(const GpuModel& model, const GiProfile& profile, Placement p,
                      const std::vector<PlacedProfile>& existing);

/// Placements of `profile` at which a GI could be created now, in ascending start order.
std::vector<Placement> FreePlacements(const GpuModel& model, const GiProfile& profile,
                                      const std::vector<PlacedProfile>& existing);

/// The placement the driver picks when none is given (mig-facts.md §4.3), or kInsufficientResources
/// with an explanation when none is free.
StatusOr<Placement> AutoPlacement(const GpuModel& model, const GiProfile& profile,
                                  const std::vector<PlacedProfile>& existing);

/// How many more GIs of `profile` could be created now (nvmlDeviceGetGpuInstanceRemainingCapacity):
/// the number of free, pairwise disjoint placements, capped by the instance limit. All placements
/// of one profile are disjoint, so this is also the maximum number of additional instances.
int RemainingCapacity(const GpuModel& model, const GiProfile& profile,
                      const std::vector<PlacedProfile>& existing);

/// Explains why `profile` cannot be placed now ("3g.40gb fits only at 0:4 or 4:4, both taken").
std::string ExplainNoPlacement(const GpuModel& model, const GiProfile& profile,
                               const std::vector<PlacedProfile>& existing);

/// Where the driver's automatic placement ranks a `size`-unit placement at `start` (§4.3): its
/// position in the model's auto_placement_order for that size; a start that order does not mention
/// comes after every listed one (100 + start); a size without an order ranks by start. Lower ranks
/// are tried first. The only reader of GpuModel::auto_placement_order.
int AutoPlacementRank(const GpuModel& model, int size, int start);

/// The order to create auto-placed GPU instances in so that early small ones do not fragment the
/// GPU for later large ones (NVIDIA: "3g must be specified first", §4.3): larger placement size
/// first, then more compute slices, then lower profile ID. A strict weak ordering.
bool CreateBefore(const GiProfile& a, const GiProfile& b);

/// Placements for new GIs of `to_place` (in that order) such that they and `fixed` form a valid
/// layout, or nullopt when no such placement exists. Profiles are tried in CreateBefore order and
/// each tries its starts by AutoPlacementRank, so the answer is the placement the driver would most
/// likely have chosen itself. The space is tiny (at most 7 GIs on 8 or 12 units), so plain
/// backtracking finds a placement whenever one exists.
std::optional<std::vector<Placement>> PlaceGpuInstances(
    const GpuModel& model, const std::vector<PlacedProfile>& fixed,
    const std::vector<const GiProfile*>& to_place);

}  // namespace migkit

#endif  // MIGKIT_CORE_GEOMETRY_H_
