// What a container needs to use a leased MIG device: its device files, CDI name and environment.
#ifndef MIGKIT_SERVICE_LEASE_ACCESS_H_
#define MIGKIT_SERVICE_LEASE_ACCESS_H_

#include <string>
#include <utility>
#include <vector>

#include "core/device_files.h"
#include "store/records.h"

namespace migkit {

struct LeaseAccess {
  MigDeviceFiles files;  // /dev/nvidia<gpu>, and the GI and CI capability devices
  /// The fully-qualified CDI name the NVIDIA container toolkit gives the device under its uuid
  /// strategy: "nvidia.com/gpu=MIG-..." (cluster-and-service.md §2.4).
  std::string cdi_name;
  /// NVIDIA_VISIBLE_DEVICES and CUDA_VISIBLE_DEVICES, both naming the MIG device by UUID.
  std::vector<std::pair<std::string, std::string>> env;
};

/// The access of `lease`. The GPU's minor is its index, as on the emulated node and on a node whose
/// GPUs are numbered in PCI order (which the driver does unless told otherwise).
LeaseAccess AccessOf(const Lease& lease);

}  // namespace migkit

#endif  // MIGKIT_SERVICE_LEASE_ACCESS_H_
