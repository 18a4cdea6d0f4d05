// The GPUs of a node as Slurm's gpu/nvml plugin sees them: one GRES record per MIG device (or per
// GPU without MIG), with its type, device files and unique ID, in the plugin's order (GPU index,
// then MIG device index: ascending GI ID, then CI ID).
#ifndef MIGKIT_SLURM_GRES_INVENTORY_H_
#define MIGKIT_SLURM_GRES_INVENTORY_H_

#include <string>
#include <vector>

#include "backend/backend.h"
#include "core/status.h"

namespace migkit::slurm {

struct GresDevice {
  int gpu_index = 0;
  bool mig = false;
  int gi_id = -1;  // -1 for a whole GPU
  int ci_id = -1;
  std::string nvml_name;  // what the plugin derives: "nvidia_a100_3g.20gb"
  std::string type;       // what migkit writes: "a100_3g.20gb"
  int slices = 0;         // compute slices of the GI (the whole GPU's for MIG off): billing units
  std::string uuid;       // "MIG-..." or "GPU-...": CUDA_VISIBLE_DEVICES under AutoDetect=nvml
  /// /dev/nvidia<minor>, then the GI and CI capability files for a MIG device.
  std::vector<std::string> files;
};

/// The GRES records of `gpus`. The GPU minor is taken to be the NVML index, as on the emulated
/// node and on nodes whose driver numbers GPUs in PCI order. kInvalidState when a GPU has MIG
/// enabled and no MIG device (the plugin then stops slurmd with a fatal error) or a MIG mode
/// change is pending; kInvalidArgument when a GI's profile is not in its model.
StatusOr<std::vector<GresDevice>> GresDevicesOf(const std::vector<GpuInfo>& gpus);

/// Count of one type on the node, for slurm.conf's Gres=.
struct GresTypeCount {
  std::string type;
  int slices = 0;
  int count = 0;
};

/// The types of `devices` with their counts: most slices first, then by type name.
std::vector<GresTypeCount> CountByType(const std::vector<GresDevice>& devices);

}  // namespace migkit::slurm

#endif  // MIGKIT_SLURM_GRES_INVENTORY_H_
