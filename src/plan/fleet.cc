#include "plan/fleet.h"

#include <algorithm>
#include <optional>

#include "config/fit.h"
#include "config/mig_config.h"
#include "config/resolve.h"
#include "core/geometry.h"
#include "core/gpu_state.h"
#include "core/strings.h"

namespace migkit {
namespace {

// Depth-first search for explicit placements of `profiles` (in order), any valid ones.
bool PlaceExplicit(const GpuModel& model, const std::vector<const GiProfile*>& profiles, size_t i,
                   Layout* layout) {
  if (i == profiles.size()) return true;
  for (const Placement& p : FreePlacements(model, *profiles[i], *layout)) {
    layout->push_back({profiles[i], p});
    if (PlaceExplicit(model, profiles, i + 1, layout)) return true;
    layout->pop_back();
  }
  return false;
}

}  // namespace

std::vector<const GpuModel*> Fleet::Models() const {
  std::vector<const GpuModel*> models;
  for (const FleetGpu& g : gpus) {
    if (std::find(models.begin(), models.end(), g.model) == models.end()) models.push_back(g.model);
  }
  return models;
}

std::string Fleet::ToString() const {
  std::vector<std::string> parts;
  for (size_t i = 0; i < gpus.size();) {
    size_t j = i;
    while (j < gpus.size() && gpus[j].model == gpus[i].model) ++j;
    const size_t n = j - i;
    parts.push_back(n == 1 ? gpus[i].model->id : std::to_string(n) + "x" + gpus[i].model->id);
    i = j;
  }
  return Join(parts, ",");
}

int Fleet::CurrentInstances() const {
  int n = 0;
  for (const FleetGpu& g : gpus) n += static_cast<int>(g.current.size());
  return n;
}

StatusOr<Fleet> ParseFleet(std::string_view text, const Catalog& catalog) {
  Fleet fleet;
  const std::string known = Join(catalog.Ids(), ", ");
  for (const std::string& raw : Split(text, ',')) {
    const std::string item = Trim(raw);
    if (item.empty()) {
      return Status::InvalidArgument("empty item in fleet '" + std::string(text) +
                                     "'; expected MODEL or NxMODEL separated by commas, e.g. "
                                     "8xH100-SXM5-80GB,4xA100-SXM4-40GB");
    }
    int count = 1;
    std::string name = item;
    const size_t x = item.find_first_of("xX");
    if (x != std::string::npos && x > 0) {
      int n = 0;
      // All digits is a count, even one too large for an int (not a model name to look up).
      if (item.find_first_not_of("0123456789") >= x) {
        if (!ParseNonNegativeInt(item.substr(0, x), &n) || n < 1 || n > kMaxFleetGpus) {
          return Status::InvalidArgument("GPU count " + item.substr(0, x) + " in '" + item +
                                         "' must be between 1 and " +
                                         std::to_string(kMaxFleetGpus));
        }
        count = n;
        name = Trim(item.substr(x + 1));
      }
    }
    const GpuModel* model = catalog.Find(name);
    if (model == nullptr) {
      return Status::InvalidArgument("unknown GPU model '" + name + "' in fleet '" +
                                     std::string(text) + "'; known models: " + known);
    }
    if (fleet.gpus.size() + count > static_cast<size_t>(kMaxFleetGpus)) {
      return Status::InvalidArgument("fleet '" + std::string(text) + "' has more than " +
                                     std::to_string(kMaxFleetGpus) + " GPUs");
    }
    for (int i = 0; i < count; ++i) {
      FleetGpu g;
      g.index = static_cast<int>(fleet.gpus.size());
      g.model = model;
      fleet.gpus.push_back(std::move(g));
    }
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

StatusOr<Layout> PlaceProfiles(const GpuModel& model, std::vector<const GiProfile*> profiles) {
  // Largest first; equal sizes by profile ID so that permutations enumerate distinct orders.
  auto larger = [](const GiProfile* a, const GiProfile* b) {
    if (a->placement_size != b->placement_size) return a->placement_size > b->placement_size;
    if (a->slices != b->slices) return a->slices > b->slices;
    return a->id < b->id;
  };
  std::sort(profiles.begin(), profiles.end(), larger);
  std::vector<const GiProfile*> order = profiles;
  int tries = 0;
  do {
    Layout layout;
    bool ok = true;
    for (const GiProfile* p : order) {
      StatusOr<Placement> at = AutoPlacement(model, *p, layout);
      if (!at.ok()) {
        ok = false;
        break;
      }
      layout.push_back({p, *at});
    }
    if (ok) {
      std::sort(layout.begin(), layout.end(), [](const PlacedProfile& a, const PlacedProfile& b) {
        return a.placement.start < b.placement.start;
      });
      return layout;
    }
  } while (++tries < 5040 && std::next_permutation(order.begin(), order.end(), larger));
  Layout layout;
  if (PlaceExplicit(model, profiles, 0, &layout)) {
    std::sort(layout.begin(), layout.end(), [](const PlacedProfile& a, const PlacedProfile& b) {
      return a.placement.start < b.placement.start;
    });
    return layout;
  }
  std::vector<std::string> names;
  for (const GiProfile* p : profiles) names.push_back(p->name);
  return Status::InsufficientResources(Join(names, ", ") + " do not fit together on one " +
                                       model.id);
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
  for (const GpuTarget& t : *targets) {
    const auto it = std::find_if(fleet->gpus.begin(), fleet->gpus.end(),
                                 [&](const FleetGpu& g) { return g.index == t.gpu; });
    if (it == fleet->gpus.end()) continue;
    const size_t i = it - fleet->gpus.begin();
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
