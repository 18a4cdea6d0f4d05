#include "deviceplugin/cdi_spec.h"

#include <nlohmann/json.hpp>

#include "core/device_files.h"

namespace migkit {

std::vector<CdiDevice> CdiDevices(const std::vector<GpuInfo>& gpus) {
  std::vector<CdiDevice> devices;
  for (const GpuInfo& gpu : gpus) {
    const std::string gpu_index = std::to_string(gpu.index);
    // The whole GPU too when MIG is on: the `none` strategy hands it out as one device.
    devices.push_back({gpu.uuid, gpu_index, {GpuDeviceFile(gpu.index)}});
    if (!gpu.state.mig_current) continue;
    int mig_index = 0;
    for (const MigDeviceRef& ref : MigDevices(gpu.state)) {
      const MigDeviceFiles files = MigDeviceFilesFor(gpu.index, ref.gi_id, ref.ci_id);
      const auto uuid = gpu.mig_uuids.find({ref.gi_id, ref.ci_id});
      devices.push_back({uuid == gpu.mig_uuids.end() ? std::string() : uuid->second,
                         gpu_index + ":" + std::to_string(mig_index++),
                         {files.gpu, files.gi, files.ci}});
    }
  }
  return devices;
}

std::string CdiSpecJson(const std::vector<GpuInfo>& gpus) {
  nlohmann::json devices = nlohmann::json::array();
  for (const CdiDevice& d : CdiDevices(gpus)) {
    nlohmann::json nodes = nlohmann::json::array();
    for (const std::string& path : d.device_nodes) nodes.push_back({{"path", path}});
    const nlohmann::json edits = {{"deviceNodes", nodes}};
    // A MIG device whose UUID could not be read keeps its index name only.
    if (!d.uuid.empty()) devices.push_back({{"name", d.uuid}, {"containerEdits", edits}});
    devices.push_back({{"name", d.index}, {"containerEdits", edits}});
  }
  const nlohmann::json spec = {
      {"cdiVersion", "0.5.0"},
      {"kind", kCdiKind},
      {"devices", devices},
      {"containerEdits",
       {// The runtime hook of the toolkit must not add devices of its own on top of CDI's.
        {"env", {"NVIDIA_VISIBLE_DEVICES=void"}},
        {"deviceNodes",
         {{{"path", "/dev/nvidiactl"}},
          {{"path", "/dev/nvidia-uvm"}},
          {{"path", "/dev/nvidia-uvm-tools"}}}}}}};
  return spec.dump(2) + "\n";
}

std::string QualifiedCdiName(const std::string& name) { return std::string(kCdiKind) + "=" + name; }

}  // namespace migkit
