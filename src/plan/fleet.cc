#include "plan/fleet.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "catalog/fleet_spec.h"
#include "config/fit.h"
#include "config/mig_config.h"
#include "config/resolve.h"
#include "core/geometry.h"
#include "core/gpu_state.h"
#include "core/strings.h"

namespace migkit {

std::vector<const GpuModel*> Fleet::Models() const {
  std::vector<const GpuModel*> models;
  for (const FleetGpu& g : gpus) {
    if (std::find(models.begin(), models.end(), g.model) == models.end()) models.push_back(g.model);
  }
  return models;
}

std::string Fleet::ToString() const {
  std::vector<std::string_view> ids;
  ids.reserve(gpus.size());
  for (const FleetGpu& g : gpus) ids.push_back(g.model->id);
  return ModelCountsToString(ids);
}

int Fleet::CurrentInstances() const {
  int n = 0;
  for (const FleetGpu& g : gpus) n += static_cast<int>(g.current.size());
  return n;
}

StatusOr<Fleet> ParseFleet(std::string_view text, const Catalog& catalog) {
  StatusOr<FleetSpec> spec = ParseFleetSpec(text, catalog, kMaxFleetGpus);
  if (!spec.ok()) return spec.status();
  Fleet fleet;
  fleet.gpus.reserve(spec->model_ids.size());
  const GpuModel* model = nullptr;
  for (const std::string& id : spec->model_ids) {
    if (model == nullptr || model->id != id) model = catalog.Find(id);  // once per run of a model
    FleetGpu g;
    g.index = static_cast<int>(fleet.gpus.size());
    g.model = model;
    fleet.gpus.push_back(std::move(g));
  }
  return fleet;
}

StatusOr<Fleet> FleetFromGpus(const std::vector<GpuInfo>& gpus) {
  Fleet fleet;
  for (const GpuInfo& info : gpus) {
    FleetGpu g;
    g.index = info.index;
    g.model = info.model;
    for (const GpuInstance& gi : info.state.gpu_instances) {
      const GiProfile* p = info.model->FindProfileById(gi.profile_id);
      if (p == nullptr) {
        return Status::InvalidArgument(
            "GPU " + std::to_string(info.index) + " has a GPU instance " + "of profile ID " +
            std::to_string(gi.profile_id) + ", which " + info.model->id + " does not have");
      }
      g.current.push_back({p, gi.placement});
    }
    std::sort(g.current.begin(), g.current.end(),
              [](const PlacedProfile& a, const PlacedProfile& b) {
                return a.placement.start < b.placement.start;
              });
    fleet.gpus.push_back(std::move(g));
  }
  return fleet;
}

Status SetCurrentFromMigPartedConfig(std::string_view yaml_text, std::string_view source,
                                     std::string_view config_name, Fleet* fleet) {
  StatusOr<MigConfigFile> file = ParseMigConfigFile(yaml_text, source);
  if (!file.ok()) return file.status();
  StatusOr<const NamedMigConfig*> config = SelectConfig(*file, config_name);
  if (!config.ok()) return config.status();
  std::vector<GpuInfo> gpus;
  for (const FleetGpu& g : fleet->gpus) {
    GpuInfo info;
    info.index = g.index;
    info.model = g.model;
    gpus.push_back(std::move(info));
  }
  StatusOr<std::vector<GpuTarget>> targets = ResolveConfig(*file, **config, gpus);
  if (!targets.ok()) return targets.status();
  std::vector<Layout> layouts(fleet->gpus.size());
  std::vector<bool> selected(fleet->gpus.size(), false);
  // Fleet position by GPU index (the first GPU with that index, as a linear search would find).
  std::unordered_map<int, size_t> position_of;
  position_of.reserve(fleet->gpus.size());
  for (size_t i = 0; i < fleet->gpus.size(); ++i) position_of.emplace(fleet->gpus[i].index, i);
  for (const GpuTarget& t : *targets) {
    const auto it = position_of.find(t.gpu);
    if (it == position_of.end()) continue;
    const size_t i = it->second;
    selected[i] = true;
    if (!t.mig_enabled) continue;
    std::vector<const GiProfile*> profiles;
    for (const GiTemplate& gi : t.gis) profiles.push_back(gi.profile);
    std::optional<std::vector<Placement>> at = PlaceGpuInstances(*t.model, {}, profiles);
    if (!at) {
      return Status::InvalidArgument(std::string(source) + ": GPU " + std::to_string(t.gpu) + ": " +
                                     ExplainNoFit(*t.model, {}, profiles));
    }
    for (size_t k = 0; k < profiles.size(); ++k) layouts[i].push_back({profiles[k], (*at)[k]});
    std::sort(layouts[i].begin(), layouts[i].end(),
              [](const PlacedProfile& a, const PlacedProfile& b) {
                return a.placement.start < b.placement.start;
              });
  }
  // GPUs the config does not select keep what the fleet says (mig-parted leaves them untouched).
  for (size_t i = 0; i < fleet->gpus.size(); ++i) {
    if (selected[i]) fleet->gpus[i].current = std::move(layouts[i]);
  }
  return Status::Ok();
}

}  // namespace migkit
