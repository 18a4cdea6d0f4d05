#include "deviceplugin/resources.h"

#include "config/mig_profile.h"

namespace migkit {
namespace {

constexpr char kGpuResource[] = "nvidia.com/gpu";

PluginDevice WholeGpu(const GpuInfo& gpu) { return {gpu.uuid, gpu.index, -1, -1}; }

// The MIG devices of `gpu` with their canonical profile names ("1g.10gb", "1c.3g.40gb").
std::vector<std::pair<std::string, PluginDevice>> MigDevicesOf(const GpuInfo& gpu) {
  std::vector<std::pair<std::string, PluginDevice>> out;
  for (const MigDeviceRef& ref : MigDevices(gpu.state)) {
    const GpuInstance* gi = gpu.state.FindGpuInstance(ref.gi_id);
    const GiProfile* profile = gi == nullptr ? nullptr : gpu.model->FindProfileById(gi->profile_id);
    const auto uuid = gpu.mig_uuids.find({ref.gi_id, ref.ci_id});
    if (profile == nullptr || uuid == gpu.mig_uuids.end()) continue;  // destroyed meanwhile
    int ci_profile = 0;
    for (const ComputeInstance& ci : gi->compute_instances) {
      if (ci.id == ref.ci_id) ci_profile = ci.profile_id;
    }
    out.push_back({FormatMigDevice(*gpu.model, *profile, ci_profile),
                   {uuid->second, gpu.index, ref.gi_id, ref.ci_id}});
  }
  return out;
}

}  // namespace

StatusOr<MigStrategy> ParseMigStrategy(std::string_view text) {
  if (text == "none") return MigStrategy::kNone;
  if (text == "single") return MigStrategy::kSingle;
  if (text == "mixed") return MigStrategy::kMixed;
  return Status::InvalidArgument("MIG strategy '" + std::string(text) +
                                 "' is not valid; valid: none, single, mixed");
}

StatusOr<std::map<std::string, std::vector<PluginDevice>>> DevicesByResource(
    const std::vector<GpuInfo>& gpus, MigStrategy strategy) {
  std::map<std::string, std::vector<PluginDevice>> out;
  if (strategy == MigStrategy::kNone) {
    for (const GpuInfo& gpu : gpus) out[kGpuResource].push_back(WholeGpu(gpu));
    return out;
  }
  if (strategy == MigStrategy::kMixed) {
    for (const GpuInfo& gpu : gpus) {
      if (!gpu.state.mig_current) {
        out[kGpuResource].push_back(WholeGpu(gpu));
        continue;
      }
      for (auto& [profile, device] : MigDevicesOf(gpu)) {
        out["nvidia.com/mig-" + profile].push_back(std::move(device));
      }
    }
    return out;
  }
  // single: one kind of device on the whole node.
  std::string first_profile;
  for (const GpuInfo& gpu : gpus) {
    if (gpu.state.mig_current != gpus.front().state.mig_current) {
      return Status::InvalidState(
          "MIG strategy single needs every GPU in the same MIG mode; GPU 0 has MIG " +
          std::string(gpus.front().state.mig_current ? "on" : "off") + ", GPU " +
          std::to_string(gpu.index) + " " + (gpu.state.mig_current ? "on" : "off"));
    }
    if (!gpu.state.mig_current) {
      out[kGpuResource].push_back(WholeGpu(gpu));
      continue;
    }
    for (auto& [profile, device] : MigDevicesOf(gpu)) {
      if (first_profile.empty()) first_profile = profile;
      if (profile != first_profile) {
        return Status::InvalidState(
            "MIG strategy single needs one MIG profile on the whole node; found " + first_profile +
            " and " + profile + " (on GPU " + std::to_string(gpu.index) + "); use mixed");
      }
      out[kGpuResource].push_back(std::move(device));
    }
  }
  return out;
}

StatusOr<std::vector<PluginDevice>> FindDevices(const std::vector<PluginDevice>& devices,
                                                const std::vector<std::string>& ids) {
  std::vector<PluginDevice> out;
  for (const std::string& id : ids) {
    bool found = false;
    for (const PluginDevice& d : devices) {
      if (d.id != id) continue;
      out.push_back(d);
      found = true;
      break;
    }
    if (!found) return Status::NotFound("device '" + id + "' is not one of this resource's");
  }
  return out;
}

}  // namespace migkit
