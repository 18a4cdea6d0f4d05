#include "core/device_files.h"

namespace migkit {

int MigGiCapMinor(int gpu_minor, int gi_id) {
  // Per GPU, each GI has its access line followed by its 8 CIs: 15 * 9 = 135 minors.
  return 3 + kMigMinorsGis * (1 + kMigMinorsCis) * gpu_minor + (1 + kMigMinorsCis) * gi_id;
}

int MigCiCapMinor(int gpu_minor, int gi_id, int ci_id) {
  return MigGiCapMinor(gpu_minor, gi_id) + 1 + ci_id;
}

std::string GpuDeviceFile(int gpu_minor) { return "/dev/nvidia" + std::to_string(gpu_minor); }

std::string CapDeviceFile(int cap_minor) {
  return "/dev/nvidia-caps/nvidia-cap" + std::to_string(cap_minor);
}

MigDeviceFiles MigDeviceFilesFor(int gpu_minor, int gi_id, int ci_id) {
  MigDeviceFiles f;
  f.gi_cap_minor = MigGiCapMinor(gpu_minor, gi_id);
  f.ci_cap_minor = MigCiCapMinor(gpu_minor, gi_id, ci_id);
  f.gpu = GpuDeviceFile(gpu_minor);
  f.gi = CapDeviceFile(f.gi_cap_minor);
  f.ci = CapDeviceFile(f.ci_cap_minor);
  const std::string gi = "gpu" + std::to_string(gpu_minor) + "/gi" + std::to_string(gi_id);
  f.gi_caps_name = gi + "/access";
  f.ci_caps_name = gi + "/ci" + std::to_string(ci_id) + "/access";
  return f;
}

std::string MigMinorsText() {
  std::string out = "config " + std::to_string(kMigConfigCapMinor) + "\nmonitor " +
                    std::to_string(kMigMonitorCapMinor) + "\n";
  out.reserve(150 * 1024);
  for (int g = 0; g < kMigMinorsGpus; ++g) {
    for (int gi = 0; gi < kMigMinorsGis; ++gi) {
      const MigDeviceFiles gi_files = MigDeviceFilesFor(g, gi, 0);
      out += gi_files.gi_caps_name + " " + std::to_string(gi_files.gi_cap_minor) + "\n";
      for (int ci = 0; ci < kMigMinorsCis; ++ci) {
        const MigDeviceFiles f = MigDeviceFilesFor(g, gi, ci);
        out += f.ci_caps_name + " " + std::to_string(f.ci_cap_minor) + "\n";
      }
    }
  }
  return out;
}

}  // namespace migkit
