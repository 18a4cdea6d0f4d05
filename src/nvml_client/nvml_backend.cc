#include "nvml_client/nvml_backend.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>

#include "core/nvml_constants.h"
#include "core/strings.h"

namespace migkit::nvml_client {
namespace {

// Return codes with which profile enumeration skips an index (mig-facts.md §6.5).
bool SkipsProfile(nvmlReturn_t r) {
  return r == NVML_ERROR_NOT_SUPPORTED || r == NVML_ERROR_INVALID_ARGUMENT;
}

// "MIG 1g.10gb" -> "1g.10gb".
std::string WithoutMigPrefix(const char* name) {
  std::string s(name);
  if (s.rfind("MIG ", 0) == 0) s.erase(0, 4);
  return s;
}

// What reading back a just-created instance returns when another process destroyed it in between:
// its handle is stale (INVALID_ARGUMENT, as the driver's is after a destroy, mig-facts.md §6.3)
// or the instance is not found.
bool GoneAfterCreate(nvmlReturn_t r) {
  return r == NVML_ERROR_INVALID_ARGUMENT || r == NVML_ERROR_NOT_FOUND;
}

std::string Hex(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", value);
  return text;
}

}  // namespace

NvmlBackend::NvmlBackend(std::unique_ptr<NvmlLibrary> library, const Catalog* catalog,
                         NvmlBackendOptions options)
    : library_(std::move(library)), catalog_(catalog), options_(std::move(options)) {}

NvmlBackend::~NvmlBackend() = default;

std::string NvmlBackend::Describe() const {
  if (!options_.description.empty()) return options_.description;
  return "NVML " + library_->path() + " (driver " + library_->driver_version() + ", NVML " +
         library_->nvml_version() + ")";
}

Status NvmlBackend::CheckChangesAllowed() const {
  if (options_.allow_changes) return Status::Ok();
  return Status::NoPermission(options_.refusal);
}

StatusOr<nvmlDevice_t> NvmlBackend::Device(int gpu) {
  const NvmlFunctions& f = library_->fn();
  unsigned int count = 0;
  MIGKIT_RETURN_IF_ERROR(library_->Check(f.device_get_count(&count), "nvmlDeviceGetCount_v2"));
  if (gpu < 0 || gpu >= static_cast<int>(count)) {
    return Status::InvalidArgument("GPU index " + std::to_string(gpu) +
                                   " does not exist; valid: 0-" +
                                   std::to_string(static_cast<int>(count) - 1));
  }
  nvmlDevice_t device = nullptr;
  MIGKIT_RETURN_IF_ERROR(
      library_->Check(f.device_get_handle_by_index(static_cast<unsigned>(gpu), &device),
                      "nvmlDeviceGetHandleByIndex_v2"));
  return device;
}

// ---- Reading ------------------------------------------------------------------------------------

// How often a GPU whose instances changed while it was being read is read again.
constexpr int kSnapshotRetries = 8;

StatusOr<std::vector<GpuInfo>> NvmlBackend::Gpus() {
  const NvmlFunctions& f = library_->fn();
  unsigned int count = 0;
  MIGKIT_RETURN_IF_ERROR(library_->Check(f.device_get_count(&count), "nvmlDeviceGetCount_v2"));
  std::vector<GpuInfo> out;
  for (unsigned int i = 0; i < count; ++i) {
    nvmlDevice_t device = nullptr;
    MIGKIT_RETURN_IF_ERROR(
        library_->Check(f.device_get_handle_by_index(i, &device), "nvmlDeviceGetHandleByIndex_v2"));
    // NVML has no atomic snapshot: another process may destroy an instance between the call that
    // lists it and the call that reads it, which then fails with INVALID_ARGUMENT or NOT_FOUND.
    // Such a GPU is simply read again; a persistent failure is reported.
    StatusOr<GpuInfo> info = ReadGpu(static_cast<int>(i), device);
    for (int retry = 0; retry < kSnapshotRetries && !info.ok() &&
                        (info.status().code() == Code::kInvalidArgument ||
                         info.status().code() == Code::kNotFound);
         ++retry) {
      info = ReadGpu(static_cast<int>(i), device);
    }
    if (!info.ok()) return info.status().WithContext("GPU " + std::to_string(i));
    out.push_back(std::move(info).value());
  }
  return out;
}

StatusOr<GpuInfo> NvmlBackend::ReadGpu(int gpu, nvmlDevice_t device) {
  const NvmlFunctions& f = library_->fn();
  GpuInfo info;
  info.index = gpu;
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = {};
  MIGKIT_RETURN_IF_ERROR(
      library_->Check(f.device_get_name(device, name, sizeof name), "nvmlDeviceGetName"));
  char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = {};
  MIGKIT_RETURN_IF_ERROR(
      library_->Check(f.device_get_uuid(device, uuid, sizeof uuid), "nvmlDeviceGetUUID"));
  info.uuid = uuid;
  nvmlPciInfo_t pci;
  std::memset(&pci, 0, sizeof pci);
  MIGKIT_RETURN_IF_ERROR(
      library_->Check(f.device_get_pci_info(device, &pci), "nvmlDeviceGetPciInfo_v3"));
  info.pci_bus_id = pci.busId;
  StatusOr<const GpuModel*> model = ModelOf(device, name, pci);
  if (!model.ok()) return model.status();
  info.model = *model;

  unsigned int current = 0;
  unsigned int pending = 0;
  const nvmlReturn_t mode = f.device_get_mig_mode(device, &current, &pending);
  if (mode == NVML_ERROR_NOT_SUPPORTED || mode == NVML_ERROR_FUNCTION_NOT_FOUND) {
    return info;  // a GPU without MIG: mode off, no instances
  }
  MIGKIT_RETURN_IF_ERROR(library_->Check(mode, "nvmlDeviceGetMigMode"));
  info.state.mig_current = current == NVML_DEVICE_MIG_ENABLE;
  info.state.mig_pending = pending == NVML_DEVICE_MIG_ENABLE;
  // GPU instances exist only while MIG is in effect; the calls return NOT_SUPPORTED otherwise.
  if (!info.state.mig_current) return info;
  ProfileTable* table = &profile_tables_[std::string(name) + "/" + Hex(pci.pciDeviceId)];
  std::map<std::pair<int, int>, nvmlDevice_t> mig_handles;
  MIGKIT_RETURN_IF_ERROR(ReadInstances(device, table, &info.state, &mig_handles));
  // Each compute instance's info names its MIG device, which the DRA driver reads the UUID from
  // (mig-facts.md §6.5): one call per MIG device. Should a library not fill it in, the MIG
  // device handles are walked by index instead, as go-nvlib does.
  for (const auto& [ids, mig] : mig_handles) {
    char mig_uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = {};
    if (options_.mig_uuids_by_index || mig == nullptr ||
        f.device_get_uuid(mig, mig_uuid, sizeof mig_uuid) != NVML_SUCCESS ||
        std::string_view(mig_uuid).rfind("MIG-", 0) != 0) {
      info.mig_uuids.clear();
      MIGKIT_RETURN_IF_ERROR(ReadMigUuids(device, mig_handles.size(), &info));
      break;
    }
    info.mig_uuids[ids] = mig_uuid;
  }
  return info;
}

Status NvmlBackend::ReadInstances(nvmlDevice_t device, ProfileTable* table, GpuState* state,
                                  std::map<std::pair<int, int>, nvmlDevice_t>* mig_handles) {
  const NvmlFunctions& f = library_->fn();
  if (!table->gi_read) {
    for (unsigned int index = 0; index < static_cast<unsigned>(kGiProfileCount); ++index) {
      nvmlGpuInstanceProfileInfo_t profile;
      std::memset(&profile, 0, sizeof profile);
      const nvmlReturn_t r = f.device_get_gpu_instance_profile_info(device, index, &profile);
      if (SkipsProfile(r)) continue;
      MIGKIT_RETURN_IF_ERROR(library_->Check(r, "nvmlDeviceGetGpuInstanceProfileInfo"));
      const bool seen = std::any_of(table->gi.begin(), table->gi.end(),
                                    [&](const auto& p) { return p.first == profile.id; });
      if (!seen) table->gi.emplace_back(profile.id, profile.instanceCount);
    }
    table->gi_read = true;
  }
  for (const auto& [profile_id, instance_count] : table->gi) {
    // The buffer holds instanceCount handles, as go-nvml and DCGM size it (§6.3).
    std::vector<nvmlGpuInstance_t> handles(std::max(instance_count, 1u));
    unsigned int n = static_cast<unsigned>(handles.size());
    nvmlReturn_t listed = f.device_get_gpu_instances(device, profile_id, handles.data(), &n);
    if (listed == NVML_ERROR_INSUFFICIENT_SIZE) {
      handles.resize(std::max(n, 1u));
      n = static_cast<unsigned>(handles.size());
      listed = f.device_get_gpu_instances(device, profile_id, handles.data(), &n);
    }
    MIGKIT_RETURN_IF_ERROR(library_->Check(listed, "nvmlDeviceGetGpuInstances"));
    for (unsigned int k = 0; k < n && k < handles.size(); ++k) {
      nvmlGpuInstanceInfo_t gi_info;
      std::memset(&gi_info, 0, sizeof gi_info);
      MIGKIT_RETURN_IF_ERROR(
          library_->Check(f.gpu_instance_get_info(handles[k], &gi_info), "nvmlGpuInstanceGetInfo"));
      GpuInstance gi;
      gi.id = static_cast<int>(gi_info.id);
      gi.profile_id = static_cast<int>(gi_info.profileId);
      gi.placement = {static_cast<int>(gi_info.placement.start),
                      static_cast<int>(gi_info.placement.size)};
      MIGKIT_RETURN_IF_ERROR(
          ReadComputeInstances(handles[k], gi_info.profileId, table, &gi, mig_handles));
      state->gpu_instances.push_back(std::move(gi));
    }
  }
  std::sort(state->gpu_instances.begin(), state->gpu_instances.end(),
            [](const GpuInstance& a, const GpuInstance& b) { return a.id < b.id; });
  return Status::Ok();
}

Status NvmlBackend::ReadComputeInstances(nvmlGpuInstance_t gi, unsigned int gi_profile_id,
                                         ProfileTable* table, GpuInstance* out,
                                         std::map<std::pair<int, int>, nvmlDevice_t>* mig_handles) {
  const NvmlFunctions& f = library_->fn();
  auto known = table->ci.find(gi_profile_id);
  if (known == table->ci.end()) {
    std::vector<std::pair<unsigned int, unsigned int>> profiles;
    for (unsigned int index = 0; index < static_cast<unsigned>(kCiProfileCount); ++index) {
      nvmlComputeInstanceProfileInfo_t profile;
      std::memset(&profile, 0, sizeof profile);
      const nvmlReturn_t r = f.gpu_instance_get_compute_instance_profile_info(
          gi, index, NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED, &profile);
      if (SkipsProfile(r)) continue;
      MIGKIT_RETURN_IF_ERROR(library_->Check(r, "nvmlGpuInstanceGetComputeInstanceProfileInfo"));
      profiles.emplace_back(profile.id, profile.instanceCount);
    }
    known = table->ci.emplace(gi_profile_id, std::move(profiles)).first;
  }
  for (const auto& [profile_id, instance_count] : known->second) {
    // NULL is not a count query here (§6.3), so the buffer is sized by instanceCount.
    std::vector<nvmlComputeInstance_t> handles(std::max(instance_count, 1u));
    unsigned int n = static_cast<unsigned>(handles.size());
    nvmlReturn_t listed = f.gpu_instance_get_compute_instances(gi, profile_id, handles.data(), &n);
    if (listed == NVML_ERROR_INSUFFICIENT_SIZE) {
      handles.resize(std::max(n, 1u));
      n = static_cast<unsigned>(handles.size());
      listed = f.gpu_instance_get_compute_instances(gi, profile_id, handles.data(), &n);
    }
    MIGKIT_RETURN_IF_ERROR(library_->Check(listed, "nvmlGpuInstanceGetComputeInstances"));
    for (unsigned int k = 0; k < n && k < handles.size(); ++k) {
      nvmlComputeInstanceInfo_t ci_info;
      std::memset(&ci_info, 0, sizeof ci_info);
      MIGKIT_RETURN_IF_ERROR(library_->Check(f.compute_instance_get_info(handles[k], &ci_info),
                                             "nvmlComputeInstanceGetInfo_v2"));
      ComputeInstance ci;
      ci.id = static_cast<int>(ci_info.id);
      ci.profile_id = static_cast<int>(ci_info.profileId);
      ci.placement = {static_cast<int>(ci_info.placement.start),
                      static_cast<int>(ci_info.placement.size)};
      out->compute_instances.push_back(ci);
      (*mig_handles)[{out->id, ci.id}] = ci_info.device;
    }
  }
  std::sort(out->compute_instances.begin(), out->compute_instances.end(),
            [](const ComputeInstance& a, const ComputeInstance& b) { return a.id < b.id; });
  return Status::Ok();
}

Status NvmlBackend::ReadMigUuids(nvmlDevice_t device, size_t mig_devices, GpuInfo* info) {
  const NvmlFunctions& f = library_->fn();
  if (mig_devices == 0) return Status::Ok();
  unsigned int max = 0;
  MIGKIT_RETURN_IF_ERROR(library_->Check(f.device_get_max_mig_device_count(device, &max),
                                         "nvmlDeviceGetMaxMigDeviceCount"));
  // go-nvlib's VisitMigDevices: every index, skipping empty ones (§6.3), until every compute
  // instance's device has been seen.
  for (unsigned int index = 0; index < max && info->mig_uuids.size() < mig_devices; ++index) {
    nvmlDevice_t mig = nullptr;
    const nvmlReturn_t r = f.device_get_mig_device_handle_by_index(device, index, &mig);
    if (r == NVML_ERROR_NOT_FOUND || r == NVML_ERROR_INVALID_ARGUMENT) continue;
    MIGKIT_RETURN_IF_ERROR(library_->Check(r, "nvmlDeviceGetMigDeviceHandleByIndex"));
    unsigned int gi_id = 0;
    unsigned int ci_id = 0;
    MIGKIT_RETURN_IF_ERROR(
        library_->Check(f.device_get_gpu_instance_id(mig, &gi_id), "nvmlDeviceGetGpuInstanceId"));
    MIGKIT_RETURN_IF_ERROR(library_->Check(f.device_get_compute_instance_id(mig, &ci_id),
                                           "nvmlDeviceGetComputeInstanceId"));
    char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = {};
    MIGKIT_RETURN_IF_ERROR(
        library_->Check(f.device_get_uuid(mig, uuid, sizeof uuid), "nvmlDeviceGetUUID"));
    info->mig_uuids[{static_cast<int>(gi_id), static_cast<int>(ci_id)}] = uuid;
  }
  return Status::Ok();
}

// ---- Models -------------------------------------------------------------------------------------

StatusOr<const GpuModel*> NvmlBackend::ModelOf(nvmlDevice_t device) {
  const NvmlFunctions& f = library_->fn();
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = {};
  MIGKIT_RETURN_IF_ERROR(
      library_->Check(f.device_get_name(device, name, sizeof name), "nvmlDeviceGetName"));
  nvmlPciInfo_t pci;
  std::memset(&pci, 0, sizeof pci);
  MIGKIT_RETURN_IF_ERROR(
      library_->Check(f.device_get_pci_info(device, &pci), "nvmlDeviceGetPciInfo_v3"));
  return ModelOf(device, name, pci);
}

StatusOr<const GpuModel*> NvmlBackend::ModelOf(nvmlDevice_t device, const std::string& name,
                                               const nvmlPciInfo_t& pci) {
  // A model whose id, product name or alias is the name: the one with the same PCI device ID
  // first (two boards could share a name), else the first such.
  // The usual case without parsing the whole catalog (Catalog::Find parses the one file with
  // this name): the loop below picks the same model unless two models share a name and a PCI
  // device ID.
  if (const GpuModel* m = catalog_->Find(name);
      m != nullptr && m->pci_device_id == pci.pciDeviceId) {
    return m;
  }
  const GpuModel* by_name = nullptr;
  for (const auto& m : catalog_->models()) {
    bool named = EqualsIgnoreCase(m->id, name) || EqualsIgnoreCase(m->product_name, name);
    for (const std::string& alias : m->aliases) named = named || EqualsIgnoreCase(alias, name);
    if (!named) continue;
    if (m->pci_device_id == pci.pciDeviceId) return m.get();
    if (by_name == nullptr) by_name = m.get();
  }
  if (by_name != nullptr) return by_name;
  if (const GpuModel* m = catalog_->FindByPciDeviceId(pci.pciDeviceId)) return m;

  const std::string key = name + "/" + Hex(pci.pciDeviceId);
  auto it = derived_.find(key);
  if (it != derived_.end()) {
    // A model derived while MIG was off may lack the profiles (some drivers list them only with
    // MIG on, mig-facts.md §10); derive again once it could have them.
    if (!it->second->gi_profiles.empty()) return it->second.get();
    unsigned int current = 0;
    unsigned int pending = 0;
    if (library_->fn().device_get_mig_mode(device, &current, &pending) != NVML_SUCCESS ||
        current != NVML_DEVICE_MIG_ENABLE) {
      return it->second.get();
    }
  }
  StatusOr<std::unique_ptr<GpuModel>> derived = DeriveModel(device, name, pci);
  if (!derived.ok()) return derived.status();
  const GpuModel* result = derived->get();
  if (it != derived_.end()) retired_.push_back(std::move(it->second));  // snapshots may point at it
  derived_[key] = std::move(derived).value();
  return result;
}

StatusOr<std::unique_ptr<GpuModel>> NvmlBackend::DeriveModel(nvmlDevice_t device,
                                                             const std::string& name,
                                                             const nvmlPciInfo_t& pci) {
  const NvmlFunctions& f = library_->fn();
  auto model = std::make_unique<GpuModel>();
  model->id = name;
  model->product_name = name;
  model->pci_device_id = pci.pciDeviceId;
  model->pci_subsystem_id = pci.pciSubSystemId;
  model->unconfirmed = {"derived-from-nvml"};
  model->notes = "not in the catalog: derived from NVML at run time (no automatic-placement order)";
  nvmlMemory_t memory;
  std::memset(&memory, 0, sizeof memory);
  if (f.device_get_memory_info(device, &memory) == NVML_SUCCESS) {
    model->memory_mib = memory.total / (1024u * 1024u);
  }
  if (f.device_get_architecture != nullptr) {
    nvmlDeviceArchitecture_t arch = 0;
    if (f.device_get_architecture(device, &arch) == NVML_SUCCESS) {
      model->architecture = static_cast<Architecture>(arch);
      model->mode_change = arch >= NVML_DEVICE_ARCH_HOPPER ? ModeChangeRule::kImmediate
                                                           : ModeChangeRule::kPendingUntilReset;
    }
  }
  unsigned int current = 0;
  unsigned int pending = 0;
  if (f.device_get_mig_mode(device, &current, &pending) != NVML_SUCCESS) return model;  // no MIG

  for (unsigned int index = 0; index < static_cast<unsigned>(kGiProfileCount); ++index) {
    nvmlGpuInstanceProfileInfo_t info;
    std::memset(&info, 0, sizeof info);
    const nvmlReturn_t r = f.device_get_gpu_instance_profile_info(device, index, &info);
    if (r != NVML_SUCCESS) continue;  // unsupported here, or not listed with MIG off
    GiProfile p;
    p.nvml_index = static_cast<int>(index);
    p.id = static_cast<int>(info.id);
    p.slices = static_cast<int>(info.sliceCount);
    p.instance_count = static_cast<int>(info.instanceCount);
    p.memory_mib = info.memorySizeMB;
    p.multiprocessors = static_cast<int>(info.multiprocessorCount);
    p.copy_engines = static_cast<int>(info.copyEngineCount);
    p.decoders = static_cast<int>(info.decoderCount);
    p.encoders = static_cast<int>(info.encoderCount);
    p.jpeg = static_cast<int>(info.jpegCount);
    p.ofa = static_cast<int>(info.ofaCount);
    p.p2p = info.isP2pSupported != 0;
    // DCGM's name rule, unless the driver names the profile itself (the V call).
    p.name =
        std::to_string(p.slices) + "g." + std::to_string((info.memorySizeMB + 1023) / 1024) + "gb";
    if (f.device_get_gpu_instance_profile_info_v != nullptr) {
      nvmlGpuInstanceProfileInfo_v2_t v2;
      std::memset(&v2, 0, sizeof v2);
      v2.version = nvmlGpuInstanceProfileInfo_v2;
      if (f.device_get_gpu_instance_profile_info_v(device, index, &v2) == NVML_SUCCESS &&
          v2.name[0] != '\0') {
        v2.name[sizeof v2.name - 1] = '\0';
        p.name = WithoutMigPrefix(v2.name);
      }
    }
    if (p.name.find("+me.all") != std::string::npos) {
      p.media = MediaUse::kAll;
    } else if (p.name.find("-me") != std::string::npos) {
      p.media = MediaUse::kNone;
    }
    p.graphics = p.name.find("+gfx") != std::string::npos;
    if (f.device_get_gpu_instance_possible_placements != nullptr) {
      unsigned int n = 0;
      if (f.device_get_gpu_instance_possible_placements(device, info.id, nullptr, &n) ==
              NVML_SUCCESS &&
          n > 0) {
        std::vector<nvmlGpuInstancePlacement_t> placements(n);
        if (f.device_get_gpu_instance_possible_placements(device, info.id, placements.data(), &n) ==
            NVML_SUCCESS) {
          for (unsigned int k = 0; k < n && k < placements.size(); ++k) {
            p.placement_starts.push_back(static_cast<int>(placements[k].start));
            p.placement_size = static_cast<int>(placements[k].size);
            model->placement_units = std::max(
                model->placement_units, static_cast<int>(placements[k].start + placements[k].size));
          }
          std::sort(p.placement_starts.begin(), p.placement_starts.end());
        }
      }
    }
    if (p.slices > model->compute_slices) {
      model->compute_slices = p.slices;
      model->multiprocessors = p.multiprocessors;
    }
    model->max_gpu_instances = std::max(model->max_gpu_instances, p.instance_count);
    model->gi_profiles.push_back(std::move(p));
  }
  model->memory_slices = model->placement_units;
  return model;
}

// ---- Changing -----------------------------------------------------------------------------------

Status NvmlBackend::Explain(int gpu, const Status& failure,
                            const std::function<Status(const GpuModel&, GpuState*)>& simulate) {
  StatusOr<nvmlDevice_t> device = Device(gpu);
  if (!device.ok()) return failure;
  StatusOr<GpuInfo> info = ReadGpu(gpu, *device);
  // A derived model has no automatic-placement order, so it cannot explain a refusal.
  if (!info.ok() || info->model->IsUnconfirmed("derived-from-nvml")) return failure;
  GpuState copy = info->state;
  const Status simulated = simulate(*info->model, &copy);
  return simulated.code() == failure.code() ? simulated : failure;
}

Status NvmlBackend::SetMigMode(int gpu, bool enable, Status* activation) {
  *activation = Status::Ok();
  MIGKIT_RETURN_IF_ERROR(CheckChangesAllowed());
  StatusOr<nvmlDevice_t> device = Device(gpu);
  if (!device.ok()) return device.status();
  nvmlReturn_t activation_status = NVML_SUCCESS;
  const Status s = library_->Check(
      library_->fn().device_set_mig_mode(
          *device, enable ? NVML_DEVICE_MIG_ENABLE : NVML_DEVICE_MIG_DISABLE, &activation_status),
      "nvmlDeviceSetMigMode");
  const auto simulate = [enable](const GpuModel& model, GpuState* state, Status* act) {
    return migkit::SetMigMode(model, state, enable, act);
  };
  if (!s.ok()) {
    return Explain(gpu, s, [&](const GpuModel& model, GpuState* state) {
      Status ignored;
      return simulate(model, state, &ignored);
    });
  }
  if (activation_status != NVML_SUCCESS) {
    // The mode is pending. Asking the model again on the new state gives the same answer with
    // its reason (the request is idempotent).
    const Status pending = library_->Check(activation_status, "nvmlDeviceSetMigMode activation");
    *activation = Explain(gpu, pending, [&](const GpuModel& model, GpuState* state) {
      Status act;
      const Status again = simulate(model, state, &act);
      return again.ok() ? act : again;
    });
  }
  return Status::Ok();
}

Status NvmlBackend::ResetGpu(int gpu) {
  if (options_.reset) return options_.reset(gpu);
  return Status::NotSupported("NVML cannot reset a GPU; reset the GPU with `nvidia-smi -r -i " +
                              std::to_string(gpu) + "` (migctl does not reset real GPUs)");
}

StatusOr<nvmlGpuInstance_t> NvmlBackend::GpuInstanceHandle(nvmlDevice_t device, int gi_id) {
  nvmlGpuInstance_t gi = nullptr;
  MIGKIT_RETURN_IF_ERROR(library_->Check(
      library_->fn().device_get_gpu_instance_by_id(device, static_cast<unsigned>(gi_id), &gi),
      "nvmlDeviceGetGpuInstanceById"));
  return gi;
}

StatusOr<GpuInstance> NvmlBackend::CreateGpuInstance(int gpu, int profile_id,
                                                     std::optional<int> start) {
  MIGKIT_RETURN_IF_ERROR(CheckChangesAllowed());
  StatusOr<nvmlDevice_t> device = Device(gpu);
  if (!device.ok()) return device.status();
  const NvmlFunctions& f = library_->fn();
  nvmlGpuInstance_t handle = nullptr;
  Status s;
  if (start.has_value()) {
    // NVML wants the placement's size too: the profile's, from the model.
    StatusOr<const GpuModel*> model = ModelOf(*device);
    if (!model.ok()) return model.status();
    const GiProfile* profile = (*model)->FindProfileById(profile_id);
    nvmlGpuInstancePlacement_t placement;
    placement.start = static_cast<unsigned>(*start);
    placement.size = profile != nullptr ? static_cast<unsigned>(profile->placement_size) : 0u;
    s = library_->Check(f.device_create_gpu_instance_with_placement(
                            *device, static_cast<unsigned>(profile_id), &placement, &handle),
                        "nvmlDeviceCreateGpuInstanceWithPlacement");
  } else {
    s = library_->Check(
        f.device_create_gpu_instance(*device, static_cast<unsigned>(profile_id), &handle),
        "nvmlDeviceCreateGpuInstance");
  }
  if (!s.ok()) {
    return Explain(gpu, s, [&](const GpuModel& model, GpuState* state) {
      return migkit::CreateGpuInstance(model, state, profile_id, start).status();
    });
  }
  nvmlGpuInstanceInfo_t info;
  std::memset(&info, 0, sizeof info);
  const nvmlReturn_t read = f.gpu_instance_get_info(handle, &info);
  if (GoneAfterCreate(read)) {
    // The create succeeded; another process destroyed the instance before it could be read.
    // That is not this call's failure: report the creation, with no ID (Backend::kGoneId).
    GpuInstance gone;
    gone.id = kGoneId;
    gone.profile_id = profile_id;
    return gone;
  }
  MIGKIT_RETURN_IF_ERROR(library_->Check(read, "nvmlGpuInstanceGetInfo"));
  GpuInstance gi;
  gi.id = static_cast<int>(info.id);
  gi.profile_id = static_cast<int>(info.profileId);
  gi.placement = {static_cast<int>(info.placement.start), static_cast<int>(info.placement.size)};
  return gi;
}

Status NvmlBackend::DestroyGpuInstance(int gpu, int gi_id) {
  MIGKIT_RETURN_IF_ERROR(CheckChangesAllowed());
  StatusOr<nvmlDevice_t> device = Device(gpu);
  if (!device.ok()) return device.status();
  StatusOr<nvmlGpuInstance_t> gi = GpuInstanceHandle(*device, gi_id);
  Status s = gi.status();
  if (s.ok()) {
    s = library_->Check(library_->fn().gpu_instance_destroy(*gi), "nvmlGpuInstanceDestroy");
  }
  if (s.ok()) return s;
  return Explain(gpu, s, [&](const GpuModel&, GpuState* state) {
    return migkit::DestroyGpuInstance(state, gi_id);
  });
}

StatusOr<ComputeInstance> NvmlBackend::CreateComputeInstance(int gpu, int gi_id, int ci_profile_id,
                                                             std::optional<int> start) {
  MIGKIT_RETURN_IF_ERROR(CheckChangesAllowed());
  StatusOr<nvmlDevice_t> device = Device(gpu);
  if (!device.ok()) return device.status();
  const NvmlFunctions& f = library_->fn();
  const auto explain = [&](const Status& failure) {
    return Explain(gpu, failure, [&](const GpuModel& model, GpuState* state) {
      return migkit::CreateComputeInstance(model, state, gi_id, ci_profile_id, start).status();
    });
  };
  StatusOr<nvmlGpuInstance_t> gi = GpuInstanceHandle(*device, gi_id);
  if (!gi.ok()) return explain(gi.status());
  nvmlComputeInstance_t handle = nullptr;
  Status s;
  if (start.has_value()) {
    // The placement's size is the CI profile's, in compute slices of this GI's profile.
    nvmlGpuInstanceInfo_t gi_info;
    std::memset(&gi_info, 0, sizeof gi_info);
    MIGKIT_RETURN_IF_ERROR(
        library_->Check(f.gpu_instance_get_info(*gi, &gi_info), "nvmlGpuInstanceGetInfo"));
    StatusOr<const GpuModel*> model = ModelOf(*device);
    if (!model.ok()) return model.status();
    const GiProfile* gi_profile = (*model)->FindProfileById(static_cast<int>(gi_info.profileId));
    std::optional<CiProfile> ci_profile;
    if (gi_profile != nullptr) ci_profile = FindCiProfile(**model, *gi_profile, ci_profile_id);
    nvmlComputeInstancePlacement_t placement;
    placement.start = static_cast<unsigned>(*start);
    placement.size = ci_profile.has_value() ? static_cast<unsigned>(ci_profile->slices) : 0u;
    s = library_->Check(f.gpu_instance_create_compute_instance_with_placement(
                            *gi, static_cast<unsigned>(ci_profile_id), &placement, &handle),
                        "nvmlGpuInstanceCreateComputeInstanceWithPlacement");
  } else {
    s = library_->Check(
        f.gpu_instance_create_compute_instance(*gi, static_cast<unsigned>(ci_profile_id), &handle),
        "nvmlGpuInstanceCreateComputeInstance");
  }
  if (!s.ok()) return explain(s);
  nvmlComputeInstanceInfo_t info;
  std::memset(&info, 0, sizeof info);
  const nvmlReturn_t read = f.compute_instance_get_info(handle, &info);
  if (GoneAfterCreate(read)) {  // as in CreateGpuInstance
    ComputeInstance gone;
    gone.id = kGoneId;
    gone.profile_id = ci_profile_id;
    return gone;
  }
  MIGKIT_RETURN_IF_ERROR(library_->Check(read, "nvmlComputeInstanceGetInfo_v2"));
  ComputeInstance ci;
  ci.id = static_cast<int>(info.id);
  ci.profile_id = static_cast<int>(info.profileId);
  ci.placement = {static_cast<int>(info.placement.start), static_cast<int>(info.placement.size)};
  return ci;
}

Status NvmlBackend::DestroyComputeInstance(int gpu, int gi_id, int ci_id) {
  MIGKIT_RETURN_IF_ERROR(CheckChangesAllowed());
  StatusOr<nvmlDevice_t> device = Device(gpu);
  if (!device.ok()) return device.status();
  Status s;
  StatusOr<nvmlGpuInstance_t> gi = GpuInstanceHandle(*device, gi_id);
  if (!gi.ok()) {
    s = gi.status();
  } else {
    nvmlComputeInstance_t ci = nullptr;
    s = library_->Check(library_->fn().gpu_instance_get_compute_instance_by_id(
                            *gi, static_cast<unsigned>(ci_id), &ci),
                        "nvmlGpuInstanceGetComputeInstanceById");
    if (s.ok()) {
      s = library_->Check(library_->fn().compute_instance_destroy(ci),
                          "nvmlComputeInstanceDestroy");
    }
  }
  if (s.ok()) return s;
  return Explain(gpu, s, [&](const GpuModel&, GpuState* state) {
    return migkit::DestroyComputeInstance(state, gi_id, ci_id);
  });
}

}  // namespace migkit::nvml_client
