#include "sim/static_layout.h"

#include <map>
#include <string>

#include "core/geometry.h"
#include "plan/planner.h"
#include "sim/mig_simulator.h"

namespace migkit::sim {

StatusOr<std::vector<Layout>> PlanStaticLayouts(const GpuModel& model, int gpu_count,
                                                const std::vector<PodSpec>& pods) {
  std::map<std::string, int> counts;
  for (const PodSpec& pod : pods) {
    if (pod.num_gpu == 0) continue;
    const GiProfile* profile =
        pod.IsShare() ? ProfileForShare(model, pod.gpu_milli) : model.FullProfile();
    if (profile != nullptr) counts[profile->name] += pod.IsShare() ? 1 : pod.num_gpu;
  }
  std::string text;
  for (const auto& [name, count] : counts) {
    text += (text.empty() ? "" : ",") + name + "=" + std::to_string(count);
  }
  std::vector<Layout> layouts(gpu_count);
  if (text.empty()) return layouts;
  StatusOr<migkit::Demand> demand = ParseDemand(text);
  if (!demand.ok()) return demand.status();
  Fleet fleet;
  for (int i = 0; i < gpu_count; ++i) fleet.gpus.push_back({i, &model, {}});
  FleetPlanOptions options;
  options.mode = PlanMode::kFast;
  StatusOr<FleetPlan> plan = PlanFleet(fleet, *demand, options);
  if (!plan.ok()) return plan.status();
  for (const GpuPlan& gpu : plan->gpus) {
    if (gpu.index < 0 || gpu.index >= gpu_count) continue;
    layouts[gpu.index] = gpu.TargetLayout();
    if (layouts[gpu.index].empty()) {
      layouts[gpu.index].push_back(
          {model.FullProfile(), PossiblePlacements(*model.FullProfile()).front()});
    }
  }
  return layouts;
}

}  // namespace migkit::sim
