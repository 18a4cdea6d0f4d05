// The extended resources the device plugin advertises, per MIG strategy, with NVIDIA's names
// (ecosystem.md §2.3):
//   none    every GPU is one `nvidia.com/gpu`, MIG or not;
//   single  every GPU must be in the same MIG mode and, with MIG on, every MIG device must have the
//           same profile: the MIG devices (else the GPUs) are `nvidia.com/gpu`;
//   mixed   GPUs with MIG off are `nvidia.com/gpu`, each MIG device `nvidia.com/mig-<profile>`.
// A device's ID is its UUID ("GPU-..." or "MIG-..."), which is also what NVIDIA_VISIBLE_DEVICES
// takes.
#ifndef MIGKIT_DEVICEPLUGIN_RESOURCES_H_
#define MIGKIT_DEVICEPLUGIN_RESOURCES_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "backend/backend.h"
#include "core/status.h"

namespace migkit {

enum class MigStrategy { kNone, kSingle, kMixed };

/// "none", "single" or "mixed"; kInvalidArgument naming the valid values otherwise.
StatusOr<MigStrategy> ParseMigStrategy(std::string_view text);

/// One device of a resource.
struct PluginDevice {
  std::string id;  // the UUID
  int gpu = 0;     // the GPU index (and minor)
  int gi_id = -1;  // the MIG device's GI and CI, -1 for a whole GPU
  int ci_id = -1;
  friend bool operator==(const PluginDevice&, const PluginDevice&) = default;
};

/// Resource name -> its devices, in GPU then NVML MIG device order. A resource with no device is
/// absent. kInvalidState when `single` does not hold, saying which GPUs differ.
StatusOr<std::map<std::string, std::vector<PluginDevice>>> DevicesByResource(
    const std::vector<GpuInfo>& gpus, MigStrategy strategy);

/// The devices `ids` name among `devices`; kNotFound naming the first unknown ID.
StatusOr<std::vector<PluginDevice>> FindDevices(const std::vector<PluginDevice>& devices,
                                                const std::vector<std::string>& ids);

}  // namespace migkit

#endif  // MIGKIT_DEVICEPLUGIN_RESOURCES_H_
