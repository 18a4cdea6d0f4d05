// Fit: exact searches for placements on one GPU, used to validate configs and to plan changes.
//
// The spaces are tiny (at most 7 GPU instances on 8 or 12 placement units, at most 8 compute
// instances in a GI), so plain backtracking finds a placement whenever one exists; no heuristic
// can make a feasible layout look infeasible. All rules come from core geometry (CheckPlacement:
// overlap, instance limits, +me.all) and core CI placements.
#ifndef MIGKIT_CONFIG_FIT_H_
#define MIGKIT_CONFIG_FIT_H_

#include <optional>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "core/gpu_model.h"
#include "core/gpu_state.h"

namespace migkit {

/// Placements for new GIs of `to_place` (in that order) such that they and `fixed` form a valid
/// layout, or nullopt when no such placement exists. Larger profiles are placed first and each
/// profile tries its starts in the driver's automatic order (GpuModel::auto_placement_order), so
/// the answer is the placement the driver would most likely have chosen itself.
std::optional<std::vector<Placement>> PlaceGpuInstances(
    const GpuModel& model, const std::vector<PlacedProfile>& fixed,
    const std::vector<const GiProfile*>& to_place);

/// Placements for new CIs of `to_place` (in that order) inside `gi`, around the CIs `gi` already
/// holds, or nullopt when they do not fit (slices, instance limits, at most 8 CIs per GI).
std::optional<std::vector<Placement>> PlaceComputeInstances(const GpuInstance& gi,
                                                            const std::vector<CiProfile>& to_place);

/// Why `to_place` cannot be placed around `fixed`, in one phrase for an error message ("they need
/// 9 compute slices and the GPU has 7", "4g.40gb fits only at 0:4").
std::string ExplainNoFit(const GpuModel& model, const std::vector<PlacedProfile>& fixed,
                         const std::vector<const GiProfile*>& to_place);

/// "an H100-SXM5-80GB", "a B200": the model id with the article English reads it with.
std::string WithArticle(const std::string& model_id);

}  // namespace migkit

#endif  // MIGKIT_CONFIG_FIT_H_
