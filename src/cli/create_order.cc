#include "cli/create_order.h"

#include <algorithm>

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
    if (a.profile->placement_size != b.profile->placement_size) {
      return a.profile->placement_size > b.profile->placement_size;
    }
    return a.profile->slices > b.profile->slices;
  });
  if (!ListFits(model, state, sorted)) return std::nullopt;
  return sorted;
}

}  // namespace migkit::cli
