// Fit: placements of compute instances in a GPU instance, and why a layout does not fit; used to
// validate configs and to plan changes. GPU instances are placed by core's PlaceGpuInstances
// (core/geometry.h); both searches are core's PlaceInOrder (core/placement_search.h), which finds
// a placement whenever one exists. All rules come from core geometry (CheckPlacement: overlap,
// instance limits, +me.all) and core CI placements.
#ifndef MIGKIT_CONFIG_FIT_H_
#define MIGKIT_CONFIG_FIT_H_

#include <optional>
#include <string>
#include <vector>

#include "core/geometry.h"
#include "core/gpu_model.h"
#include "core/gpu_state.h"

namespace migkit {

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
