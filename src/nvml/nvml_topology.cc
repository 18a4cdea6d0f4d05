// NVML entry points Slurm's gpu/nvml plugin calls besides the MIG ones (cluster-and-service.md
// §1.2): CPU affinity, NVLink state and application clocks.
//
// Slurm aborts on an empty CPU affinity mask, so every emulated GPU has the CPUs of its NUMA node
// (emu/topology.h). The emulated node has no NVLink fabric and no clock control: those calls
// validate their arguments as NVML does and then return NOT_SUPPORTED, which Slurm only logs.
// UNCONFIRMED: real SXM boards report active NVLinks to NVSwitches, and application clocks on
// A100 (an nvidia-smi -q capture shows "Applications Clocks 1095/1215 MHz"); no fact gives the
// values, so none are invented.
#include <cstring>
#include <string>

#include "emu/topology.h"
#include "nvml/library.h"

using migkit::Status;
using migkit::StatusOr;
using migkit::nvml::Call;
using migkit::nvml::RunCall;

namespace {

constexpr const char* kNoNvLink = "the emulated node has no NVLink";
constexpr const char* kNoClocks = "emulated GPUs have no application clocks to query or set";

// The NVLink queries: a GPU handle, a non-NULL output (`null_output` names it when it is NULL)
// and a link below NVML_NVLINK_MAX_LINKS, then NOT_SUPPORTED.
Status NoNvLink(Call& call, nvmlDevice_t device, unsigned int link, const char* null_output) {
  StatusOr<migkit::nvml::GpuRef> g = call.Gpu(device);
  if (!g.ok()) return g.status();
  if (null_output != nullptr) return Status::InvalidArgument(std::string(null_output) + " is NULL");
  if (link >= NVML_NVLINK_MAX_LINKS) {
    return Status::InvalidArgument("link " + std::to_string(link) + " is not below " +
                                   std::to_string(NVML_NVLINK_MAX_LINKS));
  }
  return Status::NotSupported(kNoNvLink);
}

}  // namespace

extern "C" {

nvmlReturn_t nvmlDeviceGetCpuAffinity(nvmlDevice_t device, unsigned int cpuSetSize,
                                      unsigned long* cpuSet) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (cpuSet == nullptr || cpuSetSize == 0) {
      return Status::InvalidArgument("cpuSet is NULL or cpuSetSize is 0");
    }
    // A MIG device is as close to the CPUs as its parent GPU.
    bool mig = false;
    StatusOr<migkit::nvml::InstanceRef> d = call.AnyDevice(device, &mig);
    if (!d.ok()) return d.status();
    StatusOr<const migkit::NodeState*> state = call.State();
    if (!state.ok()) return state.status();
    std::memset(cpuSet, 0, sizeof(unsigned long) * cpuSetSize);
    constexpr unsigned int kBits = sizeof(unsigned long) * 8;
    for (int cpu : migkit::EmulatedGpuCpus(d->index, static_cast<int>((*state)->gpus.size()))) {
      const auto c = static_cast<unsigned int>(cpu);
      if (c / kBits < cpuSetSize) cpuSet[c / kBits] |= 1UL << (c % kBits);
    }
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetNvLinkState(nvmlDevice_t device, unsigned int link,
                                      nvmlEnableState_t* isActive) {
  return RunCall(__func__, [&](Call& call) -> Status {
    return NoNvLink(call, device, link, isActive == nullptr ? "isActive" : nullptr);
  });
}

nvmlReturn_t nvmlDeviceGetNvLinkRemotePciInfo_v2(nvmlDevice_t device, unsigned int link,
                                                 nvmlPciInfo_t* pci) {
  return RunCall(__func__, [&](Call& call) -> Status {
    return NoNvLink(call, device, link, pci == nullptr ? "pci" : nullptr);
  });
}

nvmlReturn_t nvmlDeviceGetSupportedMemoryClocks(nvmlDevice_t device, unsigned int* count,
                                                unsigned int* clocksMHz) {
  (void)clocksMHz;  // may be NULL with *count 0, to ask for the count
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<migkit::nvml::GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    if (count == nullptr) return Status::InvalidArgument("count is NULL");
    return Status::NotSupported(kNoClocks);
  });
}

nvmlReturn_t nvmlDeviceGetSupportedGraphicsClocks(nvmlDevice_t device, unsigned int memoryClockMHz,
                                                  unsigned int* count, unsigned int* clocksMHz) {
  (void)memoryClockMHz;
  (void)clocksMHz;
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<migkit::nvml::GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    if (count == nullptr) return Status::InvalidArgument("count is NULL");
    return Status::NotSupported(kNoClocks);
  });
}

nvmlReturn_t nvmlDeviceGetApplicationsClock(nvmlDevice_t device, nvmlClockType_t clockType,
                                            unsigned int* clockMHz) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<migkit::nvml::GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    if (clockMHz == nullptr) return Status::InvalidArgument("clockMHz is NULL");
    // A C caller may pass any int here; reading it as the C++ enum would be undefined for a value
    // outside the enumerators, so look at its bits instead.
    static_assert(sizeof clockType == sizeof(unsigned int));
    unsigned int raw = 0;
    std::memcpy(&raw, &clockType, sizeof raw);
    if (raw > NVML_CLOCK_VIDEO) {
      return Status::InvalidArgument("clockType " + std::to_string(raw) + " is not a clock");
    }
    return Status::NotSupported(kNoClocks);
  });
}

nvmlReturn_t nvmlDeviceSetApplicationsClocks(nvmlDevice_t device, unsigned int memClockMHz,
                                             unsigned int graphicsClockMHz) {
  (void)memClockMHz;
  (void)graphicsClockMHz;
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<migkit::nvml::GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    return Status::NotSupported(kNoClocks);
  });
}

nvmlReturn_t nvmlDeviceResetApplicationsClocks(nvmlDevice_t device) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<migkit::nvml::GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    return Status::NotSupported(kNoClocks);
  });
}

}  // extern "C"
