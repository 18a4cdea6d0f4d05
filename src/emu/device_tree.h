// A directory tree of the emulated node's device files, for tests that run real clients (Slurm's
// gpu/nvml plugin, the container toolkit) in a mount namespace: bind ROOT/proc/driver over
// /proc/driver and ROOT/dev over /dev (cluster-and-service.md §1.3).
//
//   ROOT/proc/driver/nvidia-caps/mig-minors    the driver's listing (core/device_files.h)
//   ROOT/dev/nvidiactl, ROOT/dev/nvidia<minor>  one per GPU (the minor is the GPU index)
//   ROOT/dev/nvidia-caps/nvidia-cap1, -cap2     mig/config and mig/monitor
//   ROOT/dev/nvidia-caps/nvidia-cap<N>          the GI and CI capabilities of each MIG device
//
// The device entries are empty regular files: an unprivileged process cannot mknod, and the
// clients only look the paths up (a test running as root may replace them with device nodes).
#ifndef MIGKIT_EMU_DEVICE_TREE_H_
#define MIGKIT_EMU_DEVICE_TREE_H_

#include <string>
#include <vector>

#include "core/status.h"
#include "emu/node_state.h"

namespace migkit {

/// Writes the tree for `state` under `root` (created if missing); files of MIG devices that no
/// longer exist are removed, so the tree can be refreshed after every change. Returns the paths
/// written, relative to `root`, in a stable order.
StatusOr<std::vector<std::string>> WriteDeviceTree(const NodeState& state, const std::string& root);

}  // namespace migkit

#endif  // MIGKIT_EMU_DEVICE_TREE_H_
