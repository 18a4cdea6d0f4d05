#include "config/resolve.h"

#include <algorithm>
#include <map>

#include "config/fit.h"
#include "core/strings.h"

namespace migkit {
namespace {

std::string At(const MigConfigFile& file, int line) {
  return file.source + ":" + std::to_string(line) + ": ";
}

// Whether `entry`'s device-filter (if any) admits `gpu`'s model; `devices` is checked by the
// caller.
bool FilterAdmits(const MigConfigEntry& entry, const GpuInfo& gpu) {
  if (entry.device_filter.empty()) return true;
  for (const DeviceFilter& f : entry.device_filter) {
    if (f.Matches(*gpu.model)) return true;
  }
  return false;
}

// The fit check with the file position of the item to blame.
struct FitProblem {
  int line = 0;  // 0: blame the whole mig-devices block
  std::string message;
};

std::optional<FitProblem> FindFitProblem(const GpuTarget& target) {
  const GpuModel& model = *target.model;
  // A GI profile asked for more often than the model allows: blame the item that asks for it.
  std::map<int, int> gis_per_profile;
  for (const GiTemplate& t : target.gis) ++gis_per_profile[t.profile->id];
  for (const auto& [id, n] : gis_per_profile) {
    const GiProfile* p = model.FindProfileById(id);
    if (n <= p->instance_count) continue;
    std::vector<const MigDeviceCount*> items;
    for (const MigDeviceCount& d : target.devices) {
      if (d.profile.gi->id == id && d.count > 0) items.push_back(&d);
    }
    const MigDeviceCount& first = *items.front();
    if (items.size() == 1 && first.profile.ci.slices == p->slices) {
      return FitProblem{first.line, p->name + ": " + std::to_string(first.count) +
                                        " does not fit " + WithArticle(model.id) + ": at most " +
                                        std::to_string(p->instance_count)};
    }
    std::vector<std::string> asked;
    for (const MigDeviceCount* d : items)
      asked.push_back(d->profile.Name() + ": " + std::to_string(d->count));
    return FitProblem{first.line, Join(asked, ", ") + " need" + (items.size() == 1 ? "s " : " ") +
                                      std::to_string(n) + " " + p->name + " GPU instances and " +
                                      WithArticle(model.id) + " holds at most " +
                                      std::to_string(p->instance_count)};
  }
  std::vector<const GiProfile*> profiles;
  for (const GiTemplate& t : target.gis) profiles.push_back(t.profile);
  if (PlaceGpuInstances(model, {}, profiles).has_value()) return std::nullopt;
  return FitProblem{0, ExplainNoFit(model, {}, profiles)};
}

}  // namespace

Status CheckTargetFits(const GpuTarget& target) {
  std::optional<FitProblem> problem = FindFitProblem(target);
  if (!problem.has_value()) return Status::Ok();
  return Status::InvalidArgument(problem->message);
}

StatusOr<std::vector<GpuTarget>> ResolveConfig(const MigConfigFile& file,
                                               const NamedMigConfig& config,
                                               const std::vector<GpuInfo>& gpus) {
  for (const MigConfigEntry& entry : config.entries) {
    if (entry.all_devices) continue;
    for (int index : entry.devices) {
      if (index < 0 || index >= static_cast<int>(gpus.size())) {
        const std::string range = gpus.empty() ? "this node has no GPUs"
                                  : gpus.size() == 1
                                      ? "this node has only GPU 0"
                                      : "this node has GPUs 0-" + std::to_string(gpus.size() - 1);
        return Status::InvalidArgument(At(file, entry.devices_line) + "GPU index " +
                                       std::to_string(index) + " in 'devices' does not exist; " +
                                       range);
      }
    }
  }
  // The entry that decides each GPU: the last one selecting it. A `devices` list is looked up
  // by GPU index, so that a fleet-sized export (one long list per layout) resolves in linear time.
  std::vector<std::vector<size_t>> positions_of_index(gpus.size());
  for (size_t i = 0; i < gpus.size(); ++i) {
    const int index = gpus[i].index;
    if (index >= 0 && index < static_cast<int>(gpus.size())) positions_of_index[index].push_back(i);
  }
  std::vector<const MigConfigEntry*> winner(gpus.size(), nullptr);
  for (const MigConfigEntry& entry : config.entries) {
    if (entry.all_devices) {
      for (size_t i = 0; i < gpus.size(); ++i) {
        if (FilterAdmits(entry, gpus[i])) winner[i] = &entry;
      }
      continue;
    }
    for (int index : entry.devices) {  // every index was checked to be in range above
      for (size_t i : positions_of_index[index]) {
        if (FilterAdmits(entry, gpus[i])) winner[i] = &entry;
      }
    }
  }
  std::vector<GpuTarget> out;
  // GPUs of one model under one entry resolve identically; resolve each (entry, model) once.
  std::map<std::pair<const MigConfigEntry*, std::string>, GpuTarget> cache;
  for (size_t i = 0; i < gpus.size(); ++i) {
    const MigConfigEntry* entry = winner[i];
    if (entry == nullptr) continue;
    const GpuInfo& gpu = gpus[i];
    const GpuModel& model = *gpu.model;
    auto cached = cache.find({entry, model.id});
    if (cached == cache.end()) {
      GpuTarget t;
      t.model = &model;
      t.mig_enabled = entry->mig_enabled;
      t.entry_line = entry->line;
      for (const ProfileCount& pc : entry->mig_devices) {
        StatusOr<MigDeviceProfile> profile = ResolveMigProfile(pc.profile, model);
        if (!profile.ok()) {
          return Status::InvalidArgument(At(file, pc.line) + profile.status().message() + " (GPU " +
                                         std::to_string(gpu.index) + ")");
        }
        if (pc.count > 0) t.devices.push_back(MigDeviceCount{*profile, pc.count, pc.line});
      }
      t.gis = PackMigDevices(model, t.devices);
      if (std::optional<FitProblem> problem = FindFitProblem(t)) {
        if (problem->line > 0) {
          return Status::InvalidArgument(At(file, problem->line) + problem->message + " (GPU " +
                                         std::to_string(gpu.index) + ")");
        }
        return Status::InvalidArgument(At(file, entry->mig_devices_line) +
                                       "these mig-devices do not fit GPU " +
                                       std::to_string(gpu.index) + ": " + problem->message);
      }
      cached = cache.emplace(std::make_pair(entry, model.id), std::move(t)).first;
    }
    GpuTarget t = cached->second;
    t.gpu = gpu.index;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace migkit
