// NVML entry points: device enumeration and device queries, for GPUs and MIG devices.
//
// A MIG device handle answers the identity queries (name, UUID, index, memory, attributes,
// architecture, brand, compute capability, PCI info of its parent); see docs/nvml.md for the
// calls that need a physical GPU.
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "core/pci.h"
#include "core/strings.h"
#include "core/uuid.h"
#include "nvml/library.h"

namespace migkit::nvml {
namespace {

constexpr std::uint64_t kMiB = 1024ULL * 1024ULL;

std::string DeviceName(const InstanceRef& d) {
  if (d.ci == nullptr) return d.gpu->model->product_name;
  // "NVIDIA H100 80GB HBM3 MIG 1g.10gb"; a CI smaller than its GI is named "1c.3g.40gb" (§7).
  return d.gpu->model->product_name + " MIG " + d.ci_profile->name;
}

std::string DeviceUuid(const InstanceRef& d) {
  if (d.ci == nullptr) return d.gpu->uuid;
  return MakeMigUuid(d.gpu->uuid, d.gi->id, d.ci->id);
}

std::uint64_t DeviceMemoryBytes(const InstanceRef& d) {
  // A MIG device has its GPU instance's memory (shared by the GI's compute instances).
  return (d.ci == nullptr ? d.gpu->model->memory_mib : d.gi_profile->memory_mib) * kMiB;
}

Status FillPciInfo(const EmulatedGpu& gpu, nvmlPciInfo_t* pci, bool legacy_layout) {
  if (pci == nullptr) return Status::InvalidArgument("pci is NULL");
  const std::optional<PciAddress> a = ParsePciBusId(gpu.pci_bus_id);
  if (!a.has_value()) {
    return Status::Unknown("emulated GPU has a malformed PCI bus ID '" + gpu.pci_bus_id + "'");
  }
  nvmlPciInfo_t out;
  std::memset(&out, 0, sizeof out);
  std::snprintf(out.busIdLegacy, sizeof out.busIdLegacy, "%s", FormatPciBusIdLegacy(*a).c_str());
  out.domain = a->domain;
  out.bus = a->bus;
  out.device = a->device;
  out.pciDeviceId = gpu.model->pci_device_id;
  out.pciSubSystemId = gpu.model->pci_subsystem_id;
  std::snprintf(out.busId, sizeof out.busId, "%s", FormatPciBusId(*a).c_str());
  // The oldest nvmlDeviceGetPciInfo had a shorter struct: write only the common prefix.
  std::memcpy(pci, &out, legacy_layout ? offsetof(nvmlPciInfo_t, busId) : sizeof out);
  return Status::Ok();
}

nvmlReturn_t GetCount(const char* function, unsigned int* count) {
  return RunCall(function, [&](Call& call) -> Status {
    if (count == nullptr) return Status::InvalidArgument("deviceCount is NULL");
    StatusOr<const NodeState*> state = call.State();
    if (!state.ok()) return state.status();
    *count = static_cast<unsigned int>((*state)->gpus.size());
    return Status::Ok();
  });
}

nvmlReturn_t GetHandleByIndex(const char* function, unsigned int index, nvmlDevice_t* device) {
  return RunCall(function, [&](Call& call) -> Status {
    if (device == nullptr) return Status::InvalidArgument("device is NULL");
    StatusOr<const NodeState*> state = call.State();
    if (!state.ok()) return state.status();
    if (index >= (*state)->gpus.size()) {
      return Status::InvalidArgument("GPU index " + std::to_string(index) + " does not exist (" +
                                     std::to_string((*state)->gpus.size()) + " GPUs)");
    }
    *device = call.lib().GpuHandle(static_cast<int>(index));
    return Status::Ok();
  });
}

nvmlReturn_t GetHandleByPciBusId(const char* function, const char* bus_id, nvmlDevice_t* device) {
  return RunCall(function, [&](Call& call) -> Status {
    if (bus_id == nullptr || device == nullptr) {
      return Status::InvalidArgument("pciBusId or device is NULL");
    }
    const std::optional<PciAddress> wanted = ParsePciBusId(bus_id);
    if (!wanted.has_value()) {
      return Status::InvalidArgument(std::string("'") + bus_id +
                                     "' is not a PCI bus ID like 00000000:18:00.0");
    }
    StatusOr<const NodeState*> state = call.State();
    if (!state.ok()) return state.status();
    for (size_t i = 0; i < (*state)->gpus.size(); ++i) {
      if (ParsePciBusId((*state)->gpus[i].pci_bus_id) == wanted) {
        *device = call.lib().GpuHandle(static_cast<int>(i));
        return Status::Ok();
      }
    }
    return Status::NotFound(std::string("no GPU at PCI bus ID ") + bus_id);
  });
}

nvmlReturn_t GetPciInfo(const char* function, nvmlDevice_t device, nvmlPciInfo_t* pci,
                        bool legacy) {
  return RunCall(function, [&](Call& call) -> Status {
    bool mig = false;
    StatusOr<InstanceRef> d = call.AnyDevice(device, &mig);
    if (!d.ok()) return d.status();
    return FillPciInfo(*d->gpu, pci, legacy);  // a MIG device reports its parent's address
  });
}

nvmlReturn_t GetAttributes(const char* function, nvmlDevice_t device,
                           nvmlDeviceAttributes_t* attributes) {
  return RunCall(function, [&](Call& call) -> Status {
    if (attributes == nullptr) return Status::InvalidArgument("attributes is NULL");
    // "Currently only supports MIG device handles" (mig-facts.md §6.3).
    StatusOr<InstanceRef> d = call.MigDevice(device);
    if (!d.ok()) return d.status();
    const GiProfile& gi = *d->gi_profile;
    nvmlDeviceAttributes_t a;
    std::memset(&a, 0, sizeof a);
    a.multiprocessorCount = static_cast<unsigned>(d->ci_profile->multiprocessors);
    a.sharedCopyEngineCount = static_cast<unsigned>(gi.copy_engines);
    a.sharedDecoderCount = static_cast<unsigned>(gi.decoders);
    a.sharedEncoderCount = static_cast<unsigned>(gi.encoders);
    a.sharedJpegCount = static_cast<unsigned>(gi.jpeg);
    a.sharedOfaCount = static_cast<unsigned>(gi.ofa);
    a.gpuInstanceSliceCount = static_cast<unsigned>(gi.slices);
    a.computeInstanceSliceCount = static_cast<unsigned>(d->ci_profile->slices);
    a.memorySizeMB = gi.memory_mib;
    *attributes = a;
    return Status::Ok();
  });
}

nvmlReturn_t GetProcesses(const char* function, nvmlDevice_t device, unsigned int* count) {
  return RunCall(function, [&](Call& call) -> Status {
    if (count == nullptr) return Status::InvalidArgument("infoCount is NULL");
    bool mig = false;
    StatusOr<InstanceRef> d = call.AnyDevice(device, &mig);
    if (!d.ok()) return d.status();
    *count = 0;  // nothing runs on an emulated GPU, so the caller's array is never written
    return Status::Ok();
  });
}

}  // namespace
}  // namespace migkit::nvml

using migkit::Status;
using migkit::StatusOr;
using migkit::nvml::Call;
using migkit::nvml::InstanceRef;
using migkit::nvml::RunCall;

extern "C" {

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* deviceCount) {
  return migkit::nvml::GetCount(__func__, deviceCount);
}

nvmlReturn_t nvmlDeviceGetCount(unsigned int* deviceCount) {
  return migkit::nvml::GetCount(__func__, deviceCount);
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t* device) {
  return migkit::nvml::GetHandleByIndex(__func__, index, device);
}

nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t* device) {
  return migkit::nvml::GetHandleByIndex(__func__, index, device);
}

nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char* pciBusId, nvmlDevice_t* device) {
  return migkit::nvml::GetHandleByPciBusId(__func__, pciBusId, device);
}

nvmlReturn_t nvmlDeviceGetHandleByPciBusId(const char* pciBusId, nvmlDevice_t* device) {
  return migkit::nvml::GetHandleByPciBusId(__func__, pciBusId, device);
}

nvmlReturn_t nvmlDeviceGetHandleByUUID(const char* uuid, nvmlDevice_t* device) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (uuid == nullptr || device == nullptr) {
      return Status::InvalidArgument("uuid or device is NULL");
    }
    StatusOr<const migkit::NodeState*> state = call.State();
    if (!state.ok()) return state.status();
    const std::string wanted = migkit::Trim(uuid);
    for (size_t i = 0; i < (*state)->gpus.size(); ++i) {
      const migkit::EmulatedGpu& g = (*state)->gpus[i];
      if (migkit::EqualsIgnoreCase(g.uuid, wanted)) {
        *device = call.lib().GpuHandle(static_cast<int>(i));
        return Status::Ok();
      }
      // MIG UUIDs of the MIG devices that exist now (mig-facts.md §6.3: accepted here).
      for (const migkit::MigDeviceRef& m : migkit::MigDevices(g.state)) {
        if (migkit::EqualsIgnoreCase(migkit::MakeMigUuid(g.uuid, m.gi_id, m.ci_id), wanted)) {
          *device = call.lib().MigHandle(static_cast<int>(i), m.gi_id, m.ci_id);
          return Status::Ok();
        }
      }
    }
    return Status::NotFound("no GPU or MIG device has UUID " + wanted);
  });
}

nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned int* index) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (index == nullptr) return Status::InvalidArgument("index is NULL");
    bool mig = false;
    StatusOr<InstanceRef> d = call.AnyDevice(device, &mig);
    if (!d.ok()) return d.status();
    // A MIG device's index is its position among its parent's MIG devices (§6.3, §7).
    *index = static_cast<unsigned int>(mig ? d->mig_index : d->index);
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetMinorNumber(nvmlDevice_t device, unsigned int* minorNumber) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (minorNumber == nullptr) return Status::InvalidArgument("minorNumber is NULL");
    bool mig = false;
    StatusOr<InstanceRef> d = call.AnyDevice(device, &mig);
    if (!d.ok()) return d.status();
    if (mig) return Status::NotSupported("MIG devices have no /dev/nvidiaN minor number");
    *minorNumber = static_cast<unsigned int>(d->index);  // /dev/nvidia<index>
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char* name, unsigned int length) {
  return RunCall(__func__, [&](Call& call) -> Status {
    bool mig = false;
    StatusOr<InstanceRef> d = call.AnyDevice(device, &mig);
    if (!d.ok()) return d.status();
    return migkit::nvml::CopyString(migkit::nvml::DeviceName(*d), name, length);
  });
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char* uuid, unsigned int length) {
  return RunCall(__func__, [&](Call& call) -> Status {
    bool mig = false;
    StatusOr<InstanceRef> d = call.AnyDevice(device, &mig);
    if (!d.ok()) return d.status();
    return migkit::nvml::CopyString(migkit::nvml::DeviceUuid(*d), uuid, length);
  });
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t* memory) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (memory == nullptr) return Status::InvalidArgument("memory is NULL");
    bool mig = false;
    StatusOr<InstanceRef> d = call.AnyDevice(device, &mig);
    if (!d.ok()) return d.status();
    // No processes run on emulated GPUs: nothing is used.
    const std::uint64_t total = migkit::nvml::DeviceMemoryBytes(*d);
    memory->total = total;
    memory->free = total;
    memory->used = 0;
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t* memory) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (memory == nullptr) return Status::InvalidArgument("memory is NULL");
    if (memory->version != nvmlMemory_v2) {
      return Status(migkit::Code::kArgumentVersionMismatch,
                    "memory->version is not nvmlMemory_v2 (0x02000028)");
    }
    bool mig = false;
    StatusOr<InstanceRef> d = call.AnyDevice(device, &mig);
    if (!d.ok()) return d.status();
    const std::uint64_t total = migkit::nvml::DeviceMemoryBytes(*d);
    memory->total = total;
    memory->reserved = 0;
    memory->free = total;
    memory->used = 0;
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  return migkit::nvml::GetPciInfo(__func__, device, pci, /*legacy=*/false);
}

nvmlReturn_t nvmlDeviceGetPciInfo_v2(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  return migkit::nvml::GetPciInfo(__func__, device, pci, /*legacy=*/false);
}

nvmlReturn_t nvmlDeviceGetPciInfo(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  return migkit::nvml::GetPciInfo(__func__, device, pci, /*legacy=*/true);
}

nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int* major, int* minor) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (major == nullptr || minor == nullptr) {
      return Status::InvalidArgument("major or minor is NULL");
    }
    bool mig = false;
    StatusOr<InstanceRef> d = call.AnyDevice(device, &mig);
    if (!d.ok()) return d.status();
    *major = d->gpu->model->cuda_major;
    *minor = d->gpu->model->cuda_minor;
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t device, nvmlDeviceArchitecture_t* arch) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (arch == nullptr) return Status::InvalidArgument("arch is NULL");
    bool mig = false;
    StatusOr<InstanceRef> d = call.AnyDevice(device, &mig);
    if (!d.ok()) return d.status();
    // core's Architecture values are NVML's (AMPERE 7, HOPPER 9, BLACKWELL 10).
    *arch = static_cast<nvmlDeviceArchitecture_t>(d->gpu->model->architecture);
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetBrand(nvmlDevice_t device, nvmlBrandType_t* type) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (type == nullptr) return Status::InvalidArgument("type is NULL");
    bool mig = false;
    StatusOr<InstanceRef> d = call.AnyDevice(device, &mig);
    if (!d.ok()) return d.status();
    // Current drivers report the data-center parts as brand "NVIDIA" and the RTX PRO boards as
    // "NVIDIA RTX" (UNCONFIRMED for RTX PRO; docs/nvml.md).
    const bool rtx = d->gpu->model->product_name.find(" RTX ") != std::string::npos;
    *type = rtx ? NVML_BRAND_NVIDIA_RTX : NVML_BRAND_NVIDIA;
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetAttributes_v2(nvmlDevice_t device, nvmlDeviceAttributes_t* attributes) {
  return migkit::nvml::GetAttributes(__func__, device, attributes);
}

nvmlReturn_t nvmlDeviceGetAttributes(nvmlDevice_t device, nvmlDeviceAttributes_t* attributes) {
  return migkit::nvml::GetAttributes(__func__, device, attributes);
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int* infoCount,
                                                     nvmlProcessInfo_t* infos) {
  (void)infos;
  return migkit::nvml::GetProcesses(__func__, device, infoCount);
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t device, unsigned int* infoCount,
                                                     nvmlProcessInfo_t* infos) {
  (void)infos;
  return migkit::nvml::GetProcesses(__func__, device, infoCount);
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device, unsigned int* infoCount,
                                                  nvmlProcessInfo_t* infos) {
  (void)infos;
  return migkit::nvml::GetProcesses(__func__, device, infoCount);
}

}  // extern "C"
