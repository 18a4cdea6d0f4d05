#include "slurm/gres_inventory.h"

#include <algorithm>
#include <map>
#include <string>

#include "core/device_files.h"
#include "core/gpu_state.h"
#include "slurm/gres_type.h"

namespace migkit::slurm {

StatusOr<std::vector<GresDevice>> GresDevicesOf(const std::vector<GpuInfo>& gpus) {
  std::vector<GresDevice> devices;
  for (const GpuInfo& gpu : gpus) {
    const GpuModel& model = *gpu.model;
    const std::string where = "GPU " + std::to_string(gpu.index) + " (" + model.id + ")";
    if (gpu.state.mig_current != gpu.state.mig_pending) {
      return Status::InvalidState(where +
                                  " has a MIG mode change pending: reset it before telling "
                                  "Slurm what it holds");
    }
    if (gpu.index < 0 || gpu.index >= kMigMinorsGpus) {
      return Status::InvalidArgument(where + ": GPU minor out of the driver's range 0..31");
    }
    if (!gpu.state.mig_current) {
      GresDevice d;
      d.gpu_index = gpu.index;
      d.nvml_name = NvmlGpuName(model.product_name);
      d.type = GresTypeFor(d.nvml_name);
      d.slices = model.compute_slices;
      d.uuid = gpu.uuid;
      d.files = {GpuDeviceFile(gpu.index)};
      devices.push_back(std::move(d));
      continue;
    }
    const std::vector<MigDeviceRef> migs = MigDevices(gpu.state);
    if (migs.empty()) {
      return Status::InvalidState(
          where +
          " has MIG enabled but no MIG device; Slurm's gpu/nvml plugin stops slurmd on such a "
          "GPU (\"MIG mode is enabled, but no MIG devices were found\"): create instances or "
          "disable MIG");
    }
    for (const MigDeviceRef& ref : migs) {
      const GpuInstance* gi = gpu.state.FindGpuInstance(ref.gi_id);
      const GiProfile* profile = gi == nullptr ? nullptr : model.FindProfileById(gi->profile_id);
      if (profile == nullptr) {
        return Status::InvalidArgument(where + ": GPU instance " + std::to_string(ref.gi_id) +
                                       " has a profile the model does not have");
      }
      GresDevice d;
      d.gpu_index = gpu.index;
      d.mig = true;
      d.gi_id = ref.gi_id;
      d.ci_id = ref.ci_id;
      d.nvml_name = NvmlMigProfileName(model.product_name, profile->slices, profile->memory_mib);
      d.type = GresTypeFor(d.nvml_name);
      d.slices = profile->slices;
      if (auto it = gpu.mig_uuids.find({ref.gi_id, ref.ci_id}); it != gpu.mig_uuids.end()) {
        d.uuid = it->second;
      }
      const MigDeviceFiles files = MigDeviceFilesFor(gpu.index, ref.gi_id, ref.ci_id);
      d.files = {files.gpu, files.gi, files.ci};
      devices.push_back(std::move(d));
    }
  }
  return devices;
}

std::vector<GresTypeCount> CountByType(const std::vector<GresDevice>& devices) {
  std::map<std::string, GresTypeCount> by_type;
  for (const GresDevice& d : devices) {
    GresTypeCount& c = by_type[d.type];
    c.type = d.type;
    c.slices = d.slices;
    ++c.count;
  }
  std::vector<GresTypeCount> counts;
  for (auto& [type, c] : by_type) counts.push_back(c);
  std::stable_sort(
      counts.begin(), counts.end(),
      [](const GresTypeCount& a, const GresTypeCount& b) { return a.slices > b.slices; });
  return counts;
}

}  // namespace migkit::slurm
