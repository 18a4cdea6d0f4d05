// Static MIG: every GPU keeps one layout for the whole run, chosen by migkit's planner
// (src/plan, fast mode) for the workload's profile mix (issue 13, part 3).
#ifndef MIGKIT_SIM_STATIC_LAYOUT_H_
#define MIGKIT_SIM_STATIC_LAYOUT_H_

#include <vector>

#include "core/gpu_model.h"
#include "core/layouts.h"
#include "core/status.h"
#include "sim/pod.h"

namespace migkit::sim {

/// One layout per GPU for `gpu_count` GPUs of `model`: the planner's fleet plan for the
/// instances `pods` ask for (each GPU-sharing pod one ProfileForShare instance, each whole-GPU pod
/// num_gpu full-GPU instances). When the fleet is too small the planner places what it can, in
/// the mix's proportions as far as its objective allows; unused GPUs get the full profile.
/// Errors are the planner's.
StatusOr<std::vector<Layout>> PlanStaticLayouts(const GpuModel& model, int gpu_count,
                                                const std::vector<PodSpec>& pods);

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_STATIC_LAYOUT_H_
