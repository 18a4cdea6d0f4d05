#include "cli/create_order.h"

#include <algorithm>

#include "core/geometry.h"

namespace migkit::cli {

bool ListFits(const GpuModel& model, const GpuState& state,
              const std::vector<GiRequest>& requests) {
  GpuState copy = state;
  for (const GiRequest& r : requests) {
    if (!CreateGpuInstance(model, &copy, r.profile->id, r.start).ok()) return false;
  }
  return true;
}

std::optional<std::vector<GiRequest>> LargestFirstOrder(const GpuModel& model,
                                                        const GpuState& state,
                                                        const std::vector<GiRequest>& requests) {
  for (const GiRequest& r : requests) {
    if (r.start.has_value()) return std::nullopt;
  }
  if (ListFits(model, state, requests)) return std::nullopt;
  std::vector<GiRequest> sorted = requests;
  std::stable_sort(sorted.begin(), sorted.end(), [](const GiRequest& a, const GiRequest& b) {
    return CreateBefore(*a.profile, *b.profile);
  });
  if (!ListFits(model, state, sorted)) return std::nullopt;
  return sorted;
}

}  // namespace migkit::cli
