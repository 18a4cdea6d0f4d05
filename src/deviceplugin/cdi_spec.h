// The Container Device Interface (CDI) spec of the node's GPUs and MIG devices.
//
// A container runtime that reads CDI specs (containerd, CRI-O, podman) gives a container the
// device nodes of the devices it names, e.g. "nvidia.com/gpu=MIG-<uuid>". migkit writes the spec
// NVIDIA's container toolkit would (cluster-and-service.md §2.4): kind nvidia.com/gpu; each MIG
// device under its UUID and under "<gpu>:<mig>" (the MIG device's index on its GPU, NVML order);
// each GPU under its UUID and "<gpu>"; each device's nodes from MigDeviceFilesFor;
// the node-wide /dev/nvidiactl, /dev/nvidia-uvm and /dev/nvidia-uvm-tools for every device.
// GPU minors are GPU indexes, as on the emulated node (emu/device_tree.h).
#ifndef MIGKIT_DEVICEPLUGIN_CDI_SPEC_H_
#define MIGKIT_DEVICEPLUGIN_CDI_SPEC_H_

#include <string>
#include <vector>

#include "backend/backend.h"

namespace migkit {

inline constexpr char kCdiKind[] = "nvidia.com/gpu";
/// The file the spec is written to in a CDI directory (/etc/cdi or /var/run/cdi).
inline constexpr char kCdiSpecFileName[] = "migkit-nvidia.json";

/// One device of the spec: its two names and the device nodes a container needs for it.
struct CdiDevice {
  std::string uuid;   // "MIG-..." or "GPU-...": the first name
  std::string index;  // "0:1" for a MIG device, "0" for a whole GPU: the second name
  std::vector<std::string> device_nodes;
};

/// Every device of the spec for `gpus`: each GPU, then its MIG devices in NVML's order (none when
/// MIG is off or no compute instance exists).
std::vector<CdiDevice> CdiDevices(const std::vector<GpuInfo>& gpus);

/// The spec as JSON text (CDI 0.5.0, the version the toolkit uses for this content).
std::string CdiSpecJson(const std::vector<GpuInfo>& gpus);

/// The fully qualified CDI name a runtime resolves: "nvidia.com/gpu=<name>".
std::string QualifiedCdiName(const std::string& name);

}  // namespace migkit

#endif  // MIGKIT_DEVICEPLUGIN_CDI_SPEC_H_
