// Why a list of auto-placed GPU instances failed, and which order would have worked.
//
// The driver places each GI where its auto-placement order says (mig-facts.md §4.3), so small
// profiles created first can fragment the GPU: NVIDIA's example `-cgi 19,19,14,9` fails on the 3g,
// while `-cgi 9,19,14,19` succeeds. This simulates a list on a copy of a GPU's state with the core
// state machine; it never touches a backend.
#ifndef MIGKIT_CLI_CREATE_ORDER_H_
#define MIGKIT_CLI_CREATE_ORDER_H_

#include <optional>
#include <vector>

#include "cli/profile_args.h"
#include "core/gpu_model.h"
#include "core/gpu_state.h"

namespace migkit::cli {

/// True when creating `requests` in the given order on a copy of `state` succeeds.
bool ListFits(const GpuModel& model, const GpuState& state, const std::vector<GiRequest>& requests);

/// When every request is auto-placed and the list does not fit on `state` in its own order but
/// does fit with the larger profiles first (core/geometry.h CreateBefore; equal profiles keep their
/// order), returns that order. Otherwise nullopt.
std::optional<std::vector<GiRequest>> LargestFirstOrder(const GpuModel& model,
                                                        const GpuState& state,
                                                        const std::vector<GiRequest>& requests);

}  // namespace migkit::cli

#endif  // MIGKIT_CLI_CREATE_ORDER_H_
