// Plan checking and totals: what every planning method's result is measured and verified by
// (planner.h: SamePlaced, KeptInstances, Summarize, CheckPlan).
#include <algorithm>
#include <string>
#include <vector>

#include "core/gpu_state.h"
#include "plan/planner.h"

namespace migkit {

bool SamePlaced(const PlacedProfile& a, const PlacedProfile& b) {
  return a.profile->id == b.profile->id && a.placement == b.placement;
}

int KeptInstances(const Layout& current, const Layout& target) {
  int kept = 0;
  for (const PlacedProfile& c : current) {
    for (const PlacedProfile& t : target) {
      if (SamePlaced(c, t)) {
        ++kept;
        break;
      }
    }
  }
  return kept;
}

void Summarize(const Fleet& fleet, const Demand& demand, FleetPlan* plan) {
  plan->placed.assign(demand.items.size(), 0);
  plan->unmet.assign(demand.items.size(), 0);
  plan->gpus_used = plan->kept = plan->destroyed = plan->created = 0;
  plan->stranded_compute_slices = plan->stranded_memory_slices = 0;
  plan->used_compute_slices = plan->used_memory_slices = 0;
  for (size_t i = 0; i < plan->gpus.size() && i < fleet.gpus.size(); ++i) {
    GpuPlan& gpu = plan->gpus[i];
    const FleetGpu& f = fleet.gpus[i];
    std::sort(gpu.instances.begin(), gpu.instances.end(),
              [](const PlannedInstance& a, const PlannedInstance& b) {
                return a.placement.start < b.placement.start;
              });
    gpu.destroy.clear();
    for (PlannedInstance& inst : gpu.instances) {
      inst.kept = std::any_of(f.current.begin(), f.current.end(), [&](const PlacedProfile& c) {
        return SamePlaced(c, {inst.profile, inst.placement});
      });
      if (inst.kept)
        ++plan->kept;
      else
        ++plan->created;
      if (inst.demand_item >= 0 && inst.demand_item < static_cast<int>(demand.items.size())) {
        ++plan->placed[inst.demand_item];
      }
    }
    for (const PlacedProfile& c : f.current) {
      const bool stays =
          std::any_of(gpu.instances.begin(), gpu.instances.end(), [&](const PlannedInstance& t) {
            return SamePlaced(c, {t.profile, t.placement});
          });
      if (!stays) gpu.destroy.push_back(c);
    }
    plan->destroyed += static_cast<int>(gpu.destroy.size());
    if (!gpu.used()) continue;
    ++plan->gpus_used;
    const GpuModel& m = *f.model;
    int slices = 0, units = 0;
    for (const PlannedInstance& inst : gpu.instances) {
      slices += inst.profile->slices;
      units += inst.profile->placement_size;
    }
    plan->used_compute_slices += m.compute_slices;
    plan->used_memory_slices += m.memory_slices;
    plan->stranded_compute_slices += std::max(0, m.compute_slices - slices);
    plan->stranded_memory_slices +=
        std::max(0, (m.placement_units - units) * m.memory_slices / std::max(1, m.placement_units));
  }
  plan->unmet_total = 0;
  for (size_t d = 0; d < demand.items.size(); ++d) {
    plan->unmet[d] = std::max(0, demand.items[d].count - plan->placed[d]);
    plan->unmet_total += plan->unmet[d];
  }
}

Status CheckPlan(const Fleet& fleet, const Demand& demand, const FleetPlan& plan) {
  if (plan.gpus.size() != fleet.gpus.size()) {
    return Status::Unknown("the plan has " + std::to_string(plan.gpus.size()) +
                           " GPUs, the fleet " + std::to_string(fleet.gpus.size()));
  }
  const std::vector<const GpuModel*> models = fleet.Models();
  StatusOr<std::vector<DemandClass>> classes = ResolveDemand(demand, models);
  if (!classes.ok()) return classes.status();
  std::vector<int> placed(demand.items.size(), 0);
  for (size_t i = 0; i < plan.gpus.size(); ++i) {
    const GpuPlan& gpu = plan.gpus[i];
    const GpuModel& model = *fleet.gpus[i].model;
    const std::string where = "GPU " + std::to_string(gpu.index) + " (" + model.id + ")";
    GpuState state;
    Status activation;
    MIGKIT_RETURN_IF_ERROR(SetMigMode(model, &state, true, &activation));
    if (!state.MigUsable()) ResetGpu(&state);
    for (const PlannedInstance& inst : gpu.instances) {
      StatusOr<GpuInstance> gi =
          CreateGpuInstance(model, &state, inst.profile->id, inst.placement.start);
      if (!gi.ok()) {
        return Status::Unknown(where + ": cannot create " + inst.profile->name + " at " +
                               inst.placement.ToString() + ": " + gi.status().ToString());
      }
      if (inst.demand_item >= 0) {
        const size_t m = std::find(models.begin(), models.end(), &model) - models.begin();
        if (inst.demand_item >= static_cast<int>(classes->size()) ||
            (*classes)[inst.demand_item].profile_by_model[m] != inst.profile) {
          return Status::Unknown(where + ": " + inst.profile->name + " serves demand item " +
                                 std::to_string(inst.demand_item) +
                                 ", which needs another profile");
        }
        ++placed[inst.demand_item];
      }
    }
  }
  for (size_t d = 0; d < demand.items.size(); ++d) {
    if (placed[d] > demand.items[d].count) {
      return Status::Unknown("demand item " + demand.items[d].label + " gets " +
                             std::to_string(placed[d]) + " instances for " +
                             std::to_string(demand.items[d].count) + " wanted");
    }
  }
  return Status::Ok();
}

}  // namespace migkit
