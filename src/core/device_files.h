// The device files of GPUs and MIG devices, with the NVIDIA driver's numbering.
//
// A process reaches a MIG device through three files: the parent GPU's /dev/nvidia<minor>, and
// the capability devices of its GPU instance and compute instance,
// /dev/nvidia-caps/nvidia-cap<N>. The driver lists every capability minor in
// /proc/driver/nvidia-caps/mig-minors (mig-facts.md §7): "config 1", "monitor 2", then for each
// GPU minor 0..31, GI 0..14: "gpu<g>/gi<i>/access <3 + 135g + 9i>" followed by its CIs 0..7:
// "gpu<g>/gi<i>/ci<c>/access <gi minor + 1 + c>" (so gpu31/gi14/ci7 is 4322).
// Slurm's gpu/nvml plugin, the container toolkit and the device plugin find MIG devices this way,
// and Slurm's gres.conf, CDI specs and the device plugin of migkit take their paths from
// MigDeviceFilesFor -- the one place that turns a MIG device into files.
#ifndef MIGKIT_CORE_DEVICE_FILES_H_
#define MIGKIT_CORE_DEVICE_FILES_H_

#include <string>

namespace migkit {

/// The driver's limits behind the numbering: 32 GPU minors, GI IDs 0..14, CI IDs 0..7 (§4.2, §7).
inline constexpr int kMigMinorsGpus = 32;
inline constexpr int kMigMinorsGis = 15;
inline constexpr int kMigMinorsCis = 8;
/// The capability minors of mig/config and mig/monitor.
inline constexpr int kMigConfigCapMinor = 1;
inline constexpr int kMigMonitorCapMinor = 2;

/// The capability minor of GPU instance `gi_id` on the GPU with minor `gpu_minor`.
int MigGiCapMinor(int gpu_minor, int gi_id);
/// The capability minor of compute instance `ci_id` of that GPU instance.
int MigCiCapMinor(int gpu_minor, int gi_id, int ci_id);

/// "/dev/nvidia0".
std::string GpuDeviceFile(int gpu_minor);
/// "/dev/nvidia-caps/nvidia-cap12".
std::string CapDeviceFile(int cap_minor);

struct MigDeviceFiles {
  std::string gpu;  // /dev/nvidia<gpu minor>
  std::string gi;   // /dev/nvidia-caps/nvidia-cap<gi minor>
  std::string ci;   // /dev/nvidia-caps/nvidia-cap<ci minor>
  int gi_cap_minor = 0;
  int ci_cap_minor = 0;
  std::string gi_caps_name;  // "gpu0/gi3/access", its line in mig-minors
  std::string ci_caps_name;  // "gpu0/gi3/ci0/access"
};

/// The three device files of the MIG device (GPU `gpu_minor`, GI `gi_id`, CI `ci_id`).
/// REQUIRES: 0 <= gpu_minor < 32, 0 <= gi_id < 15, 0 <= ci_id < 8.
MigDeviceFiles MigDeviceFilesFor(int gpu_minor, int gi_id, int ci_id);

/// The whole content of /proc/driver/nvidia-caps/mig-minors as the driver writes it: every GPU
/// minor the driver supports, not only the GPUs present.
std::string MigMinorsText();

}  // namespace migkit

#endif  // MIGKIT_CORE_DEVICE_FILES_H_
