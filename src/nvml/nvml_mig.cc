// NVML entry points: MIG mode, GPU instances, compute instances and MIG device handles.
//
// Reads resolve handles against the node's current state; every change goes through an
// EmulatedNode method (one locked read-modify-write of node.json), so changes by other processes
// are seen at once and injected faults (MIGKIT_FAULTS, `migctl emulator fault add`) fire here.
// Error codes follow mig-facts.md §6.3 and §10; docs/nvml.md lists the choices the facts leave
// open.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/geometry.h"
#include "core/nvml_constants.h"
#include "nvml/library.h"

namespace migkit::nvml {
namespace {

Status NullArgument(const char* name) {
  return Status::InvalidArgument(std::string(name) + " is NULL");
}

Status MigNotEnabled(const GpuRef& g) {
  return Status::NotSupported("MIG mode is not enabled on GPU " + std::to_string(g.index));
}

// The profile at NVML index `index`: kInvalidArgument past NVML_GPU_INSTANCE_PROFILE_COUNT,
// kNotSupported for an index this GPU lacks -- the two codes clients' enumeration loops skip.
StatusOr<const GiProfile*> GiProfileAtIndex(const GpuModel& model, unsigned int index) {
  if (index >= static_cast<unsigned>(kGiProfileCount)) {
    return Status::InvalidArgument("GPU instance profile index " + std::to_string(index) +
                                   " is not below NVML_GPU_INSTANCE_PROFILE_COUNT");
  }
  const GiProfile* p = model.FindProfileByIndex(static_cast<int>(index));
  if (p == nullptr) {
    return Status::NotSupported(model.id + " has no GPU instance profile at index " +
                                std::to_string(index));
  }
  return p;
}

StatusOr<const GiProfile*> GiProfileWithId(const GpuModel& model, unsigned int id) {
  const GiProfile* p = model.FindProfileById(static_cast<int>(id));
  if (p == nullptr) {
    return Status::InvalidArgument(model.id + " has no GPU instance profile with ID " +
                                   std::to_string(id));
  }
  return p;
}

// For nvmlDeviceGetGpuInstanceProfileInfoByIdV: an ID this GPU lacks is a profile that "isn't
// supported" (kNotSupported), as an unsupported index is for the index-based query.
StatusOr<const GiProfile*> GiProfileWithIdForQuery(const GpuModel& model, unsigned int id) {
  const GiProfile* p = model.FindProfileById(static_cast<int>(id));
  if (p == nullptr) {
    return Status::NotSupported(model.id + " has no GPU instance profile with ID " +
                                std::to_string(id));
  }
  return p;
}

// A CI profile offered by a GI of `ref`'s profile. kInvalidArgument past
// NVML_COMPUTE_INSTANCE_PROFILE_COUNT; `missing` for a profile this GI does not offer.
StatusOr<CiProfile> CiProfileOf(const InstanceRef& ref, unsigned int profile, Code missing) {
  if (profile >= static_cast<unsigned>(kCiProfileCount)) {
    return Status::InvalidArgument("compute instance profile " + std::to_string(profile) +
                                   " is not below NVML_COMPUTE_INSTANCE_PROFILE_COUNT");
  }
  std::optional<CiProfile> ci =
      FindCiProfile(*ref.gpu->model, *ref.gi_profile, static_cast<int>(profile));
  if (!ci.has_value()) {
    return Status(missing, "a " + ref.gi_profile->name +
                               " GPU instance has no compute instance "
                               "profile " +
                               std::to_string(profile));
  }
  return *ci;
}

// nvmlDeviceGetMaxMigDeviceCount with MIG on: the model's GI limit (7, or 4), which also bounds the
// compute instances since each needs a compute slice. The real values are UNCONFIRMED (§10).
int MaxMigDevices(const GpuModel& model) {
  return std::max(model.max_gpu_instances, model.compute_slices);
}

std::string MigName(const std::string& profile_name) { return "MIG " + profile_name; }

void CopyName(const std::string& name, char (&out)[NVML_DEVICE_NAME_V2_BUFFER_SIZE]) {
  std::snprintf(out, sizeof out, "%s", name.c_str());
}

template <typename Info>
void FillGiCommon(const GiProfile& p, Info* out) {
  out->id = static_cast<unsigned>(p.id);
  out->sliceCount = static_cast<unsigned>(p.slices);
  out->instanceCount = static_cast<unsigned>(p.instance_count);
  out->multiprocessorCount = static_cast<unsigned>(p.multiprocessors);
  out->copyEngineCount = static_cast<unsigned>(p.copy_engines);
  out->decoderCount = static_cast<unsigned>(p.decoders);
  out->encoderCount = static_cast<unsigned>(p.encoders);
  out->jpegCount = static_cast<unsigned>(p.jpeg);
  out->ofaCount = static_cast<unsigned>(p.ofa);
  out->memorySizeMB = p.memory_mib;
}

// Fills a v2 or v3 GI profile struct. The two have the same size, so the version word decides
// the layout (mig-facts.md §6.2).
Status FillGiVersioned(const GiProfile& p, nvmlGpuInstanceProfileInfo_v2_t* info) {
  const unsigned int version = info->version;
  if (version == nvmlGpuInstanceProfileInfo_v2) {
    nvmlGpuInstanceProfileInfo_v2_t out;
    std::memset(&out, 0, sizeof out);
    out.version = version;
    FillGiCommon(p, &out);
    out.isP2pSupported = p.p2p ? 1 : 0;
    CopyName(MigName(p.name), out.name);
    std::memcpy(info, &out, sizeof out);
    return Status::Ok();
  }
  if (version == nvmlGpuInstanceProfileInfo_v3) {
    nvmlGpuInstanceProfileInfo_v3_t out;
    std::memset(&out, 0, sizeof out);
    out.version = version;
    FillGiCommon(p, &out);
    CopyName(MigName(p.name), out.name);
    out.capabilities = (p.p2p ? NVML_GPU_INSTANCE_PROFILE_CAPS_P2P : 0u) |
                       (p.graphics ? NVML_GPU_INSTANCE_PROFILE_CAPS_GFX : 0u);
    std::memcpy(info, &out, sizeof out);
    return Status::Ok();
  }
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08X", version);
  return Status::InvalidArgument(std::string("info->version ") + hex +
                                 " is neither nvmlGpuInstanceProfileInfo_v2 (0x02000098) nor _v3 "
                                 "(0x03000098)");
}

template <typename Info>
void FillCiCommon(const CiProfile& ci, const GiProfile& gi, Info* out) {
  out->id = static_cast<unsigned>(ci.id);
  out->sliceCount = static_cast<unsigned>(ci.slices);
  out->instanceCount = static_cast<unsigned>(ci.instance_count);
  out->multiprocessorCount = static_cast<unsigned>(ci.multiprocessors);
  // Engines other than SMs belong to the GPU instance and are shared by its CIs (§5).
  out->sharedCopyEngineCount = static_cast<unsigned>(gi.copy_engines);
  out->sharedDecoderCount = static_cast<unsigned>(gi.decoders);
  out->sharedEncoderCount = static_cast<unsigned>(gi.encoders);
  out->sharedJpegCount = static_cast<unsigned>(gi.jpeg);
  out->sharedOfaCount = static_cast<unsigned>(gi.ofa);
}

Status FillCiVersioned(const CiProfile& ci, const GiProfile& gi,
                       nvmlComputeInstanceProfileInfo_v2_t* info) {
  const unsigned int version = info->version;
  if (version == nvmlComputeInstanceProfileInfo_v2) {
    nvmlComputeInstanceProfileInfo_v2_t out;
    std::memset(&out, 0, sizeof out);
    out.version = version;
    FillCiCommon(ci, gi, &out);
    CopyName(MigName(ci.name), out.name);
    std::memcpy(info, &out, sizeof out);
    return Status::Ok();
  }
  if (version == nvmlComputeInstanceProfileInfo_v3) {
    nvmlComputeInstanceProfileInfo_v3_t out;
    std::memset(&out, 0, sizeof out);
    out.version = version;
    FillCiCommon(ci, gi, &out);
    CopyName(MigName(ci.name), out.name);
    out.capabilities = gi.graphics ? NVML_COMPUTE_INSTANCE_PROFILE_CAPS_GFX : 0u;
    // v3 is 4 bytes longer than v2: the caller passed a v3 buffer, as its version word says.
    std::memcpy(info, &out, sizeof out);
    return Status::Ok();
  }
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08X", version);
  return Status::InvalidArgument(std::string("info->version ") + hex +
                                 " is neither nvmlComputeInstanceProfileInfo_v2 (0x02000088) nor "
                                 "_v3 (0x0300008C)");
}

// Copies placements into a caller's array. A NULL array asks only for the count; a short one gets
// kInsufficientSize with the needed count in *count.
template <typename Out>
Status CopyPlacements(const std::vector<Placement>& all, Out* out, unsigned int* count) {
  if (count == nullptr) return NullArgument("count");
  const unsigned int n = static_cast<unsigned int>(all.size());
  if (out == nullptr) {
    *count = n;
    return Status::Ok();
  }
  if (*count < n) {
    const unsigned int given = *count;
    *count = n;
    return Status::InsufficientSize("room for " + std::to_string(given) + " placements; " +
                                    std::to_string(n) + " needed");
  }
  for (unsigned int i = 0; i < n; ++i) {
    out[i].start = static_cast<unsigned>(all[i].start);
    out[i].size = static_cast<unsigned>(all[i].size);
  }
  *count = n;
  return Status::Ok();
}

// Copies handles into a caller's array of *count entries (kInsufficientSize when short).
template <typename Handle>
Status CopyHandles(const std::vector<Handle>& handles, Handle* out, unsigned int* count,
                   const char* what) {
  if (out == nullptr) return NullArgument(what);
  if (count == nullptr) return NullArgument("count");
  const unsigned int n = static_cast<unsigned int>(handles.size());
  if (*count < n) {
    const unsigned int given = *count;
    *count = n;
    return Status::InsufficientSize("room for " + std::to_string(given) + " handles; " +
                                    std::to_string(n) + " exist");
  }
  for (unsigned int i = 0; i < n; ++i) out[i] = handles[i];
  *count = n;
  return Status::Ok();
}

nvmlReturn_t GiProfileInfoV(const char* function, nvmlDevice_t device, unsigned int key, bool by_id,
                            nvmlGpuInstanceProfileInfo_v2_t* info) {
  return RunCall(function, [&](Call& call) -> Status {
    StatusOr<GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    if (info == nullptr) return NullArgument("info");
    StatusOr<const GiProfile*> p = by_id ? GiProfileWithIdForQuery(*g->gpu->model, key)
                                         : GiProfileAtIndex(*g->gpu->model, key);
    if (!p.ok()) return p.status();
    return FillGiVersioned(**p, info);
  });
}

nvmlReturn_t GiPossiblePlacements(const char* function, nvmlDevice_t device,
                                  unsigned int profile_id, nvmlGpuInstancePlacement_t* placements,
                                  unsigned int* count) {
  return RunCall(function, [&](Call& call) -> Status {
    StatusOr<GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    // All placements, whether MIG is on or not and whatever is occupied (§6.3).
    StatusOr<const GiProfile*> p = GiProfileWithId(*g->gpu->model, profile_id);
    if (!p.ok()) return p.status();
    return CopyPlacements(PossiblePlacements(**p), placements, count);
  });
}

nvmlReturn_t GiCreate(const char* function, nvmlDevice_t device, unsigned int profile_id,
                      const nvmlGpuInstancePlacement_t* placement, bool with_placement,
                      nvmlGpuInstance_t* out) {
  return RunCall(function, [&](Call& call) -> Status {
    StatusOr<GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    if (out == nullptr) return NullArgument("gpuInstance");
    std::optional<int> start;
    if (with_placement) {
      if (placement == nullptr) return NullArgument("placement");
      const GiProfile* p = g->gpu->model->FindProfileById(static_cast<int>(profile_id));
      if (g->gpu->state.MigUsable() && p != nullptr &&
          placement->size != static_cast<unsigned>(p->placement_size)) {
        return Status::InvalidArgument(p->name + " occupies " + std::to_string(p->placement_size) +
                                       " units, not " + std::to_string(placement->size));
      }
      start = static_cast<int>(placement->start);
    }
    StatusOr<migkit::GpuInstance> gi =
        call.lib().node().CreateGpuInstance(g->index, static_cast<int>(profile_id), start);
    if (!gi.ok()) return gi.status();
    *out = call.lib().GpuInstanceHandle(g->index, gi->id);
    return Status::Ok();
  });
}

nvmlReturn_t CiProfileInfoV1(const char* function, nvmlGpuInstance_t gpu_instance,
                             unsigned int profile, unsigned int eng_profile,
                             nvmlComputeInstanceProfileInfo_t* info) {
  return RunCall(function, [&](Call& call) -> Status {
    StatusOr<InstanceRef> ref = call.GpuInstance(gpu_instance);
    if (!ref.ok()) return ref.status();
    if (info == nullptr) return NullArgument("info");
    if (eng_profile >= NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_COUNT) {
      return Status::InvalidArgument("engine profile " + std::to_string(eng_profile) +
                                     " is not NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED");
    }
    StatusOr<CiProfile> ci = CiProfileOf(*ref, profile, Code::kNotSupported);
    if (!ci.ok()) return ci.status();
    nvmlComputeInstanceProfileInfo_t out;
    std::memset(&out, 0, sizeof out);
    FillCiCommon(*ci, *ref->gi_profile, &out);
    *info = out;
    return Status::Ok();
  });
}

nvmlReturn_t CiCreate(const char* function, nvmlGpuInstance_t gpu_instance, unsigned int profile_id,
                      const nvmlComputeInstancePlacement_t* placement, bool with_placement,
                      nvmlComputeInstance_t* out) {
  return RunCall(function, [&](Call& call) -> Status {
    StatusOr<InstanceRef> ref = call.GpuInstance(gpu_instance);
    if (!ref.ok()) return ref.status();
    if (out == nullptr) return NullArgument("computeInstance");
    std::optional<int> start;
    if (with_placement) {
      if (placement == nullptr) return NullArgument("placement");
      StatusOr<CiProfile> ci = CiProfileOf(*ref, profile_id, Code::kInvalidArgument);
      if (ci.ok() && placement->size != static_cast<unsigned>(ci->slices)) {
        return Status::InvalidArgument(ci->name + " uses " + std::to_string(ci->slices) +
                                       " compute slices, not " + std::to_string(placement->size));
      }
      start = static_cast<int>(placement->start);
    }
    const int gi_id = ref->gi->id;
    StatusOr<migkit::ComputeInstance> ci = call.lib().node().CreateComputeInstance(
        ref->index, gi_id, static_cast<int>(profile_id), start);
    if (!ci.ok()) return ci.status();
    *out = call.lib().ComputeInstanceHandle(ref->index, gi_id, ci->id);
    return Status::Ok();
  });
}

nvmlReturn_t CiGetInfo(const char* function, nvmlComputeInstance_t compute_instance,
                       nvmlComputeInstanceInfo_t* info, bool with_placement) {
  return RunCall(function, [&](Call& call) -> Status {
    StatusOr<InstanceRef> ref = call.ComputeInstance(compute_instance);
    if (!ref.ok()) return ref.status();
    if (info == nullptr) return NullArgument("info");
    // The device is the MIG device this CI is: the DRA driver reads its UUID from here (§6.5).
    info->device = call.lib().MigHandle(ref->index, ref->gi->id, ref->ci->id);
    info->gpuInstance = call.lib().GpuInstanceHandle(ref->index, ref->gi->id);
    info->id = static_cast<unsigned>(ref->ci->id);
    info->profileId = static_cast<unsigned>(ref->ci->profile_id);
    if (with_placement) {
      info->placement.start = static_cast<unsigned>(ref->ci->placement.start);
      info->placement.size = static_cast<unsigned>(ref->ci->placement.size);
    }
    return Status::Ok();
  });
}

}  // namespace
}  // namespace migkit::nvml

using migkit::Code;
using migkit::Status;
using migkit::StatusOr;
using migkit::nvml::Call;
using migkit::nvml::CiProfileOf;
using migkit::nvml::GpuRef;
using migkit::nvml::InstanceRef;
using migkit::nvml::NullArgument;
using migkit::nvml::RunCall;

extern "C" {

// ---- MIG mode ----------------------------------------------------------------------------------

nvmlReturn_t nvmlDeviceSetMigMode(nvmlDevice_t device, unsigned int mode,
                                  nvmlReturn_t* activationStatus) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    if (activationStatus == nullptr) return NullArgument("activationStatus");
    if (mode != NVML_DEVICE_MIG_DISABLE && mode != NVML_DEVICE_MIG_ENABLE) {
      return Status::InvalidArgument("mode " + std::to_string(mode) + " is neither 0 nor 1");
    }
    // No root needed: the emulator's GPUs belong to whoever owns the state directory.
    Status activation;
    MIGKIT_RETURN_IF_ERROR(
        call.lib().node().SetMigMode(g->index, mode == NVML_DEVICE_MIG_ENABLE, &activation));
    // OK when the new mode is current (Hopper+), RESET_REQUIRED while pending (Ampere), or an
    // injected mig-activation fault.
    *activationStatus = migkit::nvml::ToNvmlReturn(activation);
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int* currentMode,
                                  unsigned int* pendingMode) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    if (currentMode == nullptr || pendingMode == nullptr) {
      return NullArgument("currentMode or pendingMode");
    }
    *currentMode = g->gpu->state.mig_current ? NVML_DEVICE_MIG_ENABLE : NVML_DEVICE_MIG_DISABLE;
    *pendingMode = g->gpu->state.mig_pending ? NVML_DEVICE_MIG_ENABLE : NVML_DEVICE_MIG_DISABLE;
    return Status::Ok();
  });
}

// ---- GPU-instance profiles, placements, capacity ------------------------------------------------

nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfo(nvmlDevice_t device, unsigned int profile,
                                                 nvmlGpuInstanceProfileInfo_t* info) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    if (info == nullptr) return NullArgument("info");
    StatusOr<const migkit::GiProfile*> p = migkit::nvml::GiProfileAtIndex(*g->gpu->model, profile);
    if (!p.ok()) return p.status();
    nvmlGpuInstanceProfileInfo_t out;
    std::memset(&out, 0, sizeof out);
    migkit::nvml::FillGiCommon(**p, &out);
    out.isP2pSupported = (*p)->p2p ? 1 : 0;
    *info = out;
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfoV(nvmlDevice_t device, unsigned int profile,
                                                  nvmlGpuInstanceProfileInfo_v2_t* info) {
  return migkit::nvml::GiProfileInfoV(__func__, device, profile, /*by_id=*/false, info);
}

nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfoByIdV(nvmlDevice_t device, unsigned int profileId,
                                                      nvmlGpuInstanceProfileInfo_v2_t* info) {
  return migkit::nvml::GiProfileInfoV(__func__, device, profileId, /*by_id=*/true, info);
}

nvmlReturn_t nvmlDeviceGetGpuInstancePossiblePlacements_v2(nvmlDevice_t device,
                                                           unsigned int profileId,
                                                           nvmlGpuInstancePlacement_t* placements,
                                                           unsigned int* count) {
  return migkit::nvml::GiPossiblePlacements(__func__, device, profileId, placements, count);
}

nvmlReturn_t nvmlDeviceGetGpuInstancePossiblePlacements(nvmlDevice_t device, unsigned int profileId,
                                                        nvmlGpuInstancePlacement_t* placements,
                                                        unsigned int* count) {
  return migkit::nvml::GiPossiblePlacements(__func__, device, profileId, placements, count);
}

nvmlReturn_t nvmlDeviceGetGpuInstanceRemainingCapacity(nvmlDevice_t device, unsigned int profileId,
                                                       unsigned int* count) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    if (count == nullptr) return NullArgument("count");
    if (!g->gpu->state.mig_current) return migkit::nvml::MigNotEnabled(*g);
    StatusOr<const migkit::GiProfile*> p = migkit::nvml::GiProfileWithId(*g->gpu->model, profileId);
    if (!p.ok()) return p.status();
    const migkit::GpuModel& model = *g->gpu->model;
    *count = g->gpu->state.MigUsable()
                 ? static_cast<unsigned>(migkit::RemainingCapacity(
                       model, **p, migkit::PlacedProfilesOf(model, g->gpu->state)))
                 : 0u;
    return Status::Ok();
  });
}

// ---- GPU instances -----------------------------------------------------------------------------

nvmlReturn_t nvmlDeviceCreateGpuInstance(nvmlDevice_t device, unsigned int profileId,
                                         nvmlGpuInstance_t* gpuInstance) {
  return migkit::nvml::GiCreate(__func__, device, profileId, nullptr, /*with_placement=*/false,
                                gpuInstance);
}

nvmlReturn_t nvmlDeviceCreateGpuInstanceWithPlacement(nvmlDevice_t device, unsigned int profileId,
                                                      const nvmlGpuInstancePlacement_t* placement,
                                                      nvmlGpuInstance_t* gpuInstance) {
  return migkit::nvml::GiCreate(__func__, device, profileId, placement, /*with_placement=*/true,
                                gpuInstance);
}

nvmlReturn_t nvmlGpuInstanceDestroy(nvmlGpuInstance_t gpuInstance) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<InstanceRef> ref = call.GpuInstance(gpuInstance);
    if (!ref.ok()) return ref.status();
    // kInUse while compute instances exist (§6.3).
    return call.lib().node().DestroyGpuInstance(ref->index, ref->gi->id);
  });
}

nvmlReturn_t nvmlDeviceGetGpuInstances(nvmlDevice_t device, unsigned int profileId,
                                       nvmlGpuInstance_t* gpuInstances, unsigned int* count) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    if (gpuInstances == nullptr || count == nullptr) return NullArgument("gpuInstances or count");
    if (!g->gpu->state.mig_current) return migkit::nvml::MigNotEnabled(*g);
    StatusOr<const migkit::GiProfile*> p = migkit::nvml::GiProfileWithId(*g->gpu->model, profileId);
    if (!p.ok()) return p.status();
    std::vector<nvmlGpuInstance_t> handles;
    for (const migkit::GpuInstance& gi : g->gpu->state.gpu_instances) {  // ascending GI ID
      if (gi.profile_id == static_cast<int>(profileId)) {
        handles.push_back(call.lib().GpuInstanceHandle(g->index, gi.id));
      }
    }
    return migkit::nvml::CopyHandles(handles, gpuInstances, count, "gpuInstances");
  });
}

nvmlReturn_t nvmlDeviceGetGpuInstanceById(nvmlDevice_t device, unsigned int id,
                                          nvmlGpuInstance_t* gpuInstance) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    if (gpuInstance == nullptr) return NullArgument("gpuInstance");
    if (!g->gpu->state.mig_current) return migkit::nvml::MigNotEnabled(*g);
    if (g->gpu->state.FindGpuInstance(static_cast<int>(id)) == nullptr) {
      return Status::NotFound("GPU " + std::to_string(g->index) + " has no GPU instance " +
                              std::to_string(id));
    }
    *gpuInstance = call.lib().GpuInstanceHandle(g->index, static_cast<int>(id));
    return Status::Ok();
  });
}

nvmlReturn_t nvmlGpuInstanceGetInfo(nvmlGpuInstance_t gpuInstance, nvmlGpuInstanceInfo_t* info) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<InstanceRef> ref = call.GpuInstance(gpuInstance);
    if (!ref.ok()) return ref.status();
    if (info == nullptr) return NullArgument("info");
    info->device = call.lib().GpuHandle(ref->index);
    info->id = static_cast<unsigned>(ref->gi->id);
    info->profileId = static_cast<unsigned>(ref->gi->profile_id);
    info->placement.start = static_cast<unsigned>(ref->gi->placement.start);
    info->placement.size = static_cast<unsigned>(ref->gi->placement.size);
    return Status::Ok();
  });
}

// ---- Compute instances -------------------------------------------------------------------------

nvmlReturn_t nvmlGpuInstanceGetComputeInstanceProfileInfo(nvmlGpuInstance_t gpuInstance,
                                                          unsigned int profile,
                                                          unsigned int engProfile,
                                                          nvmlComputeInstanceProfileInfo_t* info) {
  return migkit::nvml::CiProfileInfoV1(__func__, gpuInstance, profile, engProfile, info);
}

nvmlReturn_t nvmlGpuInstanceGetComputeInstanceProfileInfoV(
    nvmlGpuInstance_t gpuInstance, unsigned int profile, unsigned int engProfile,
    nvmlComputeInstanceProfileInfo_v2_t* info) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<InstanceRef> ref = call.GpuInstance(gpuInstance);
    if (!ref.ok()) return ref.status();
    if (info == nullptr) return NullArgument("info");
    if (engProfile >= NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_COUNT) {
      return Status::InvalidArgument("engine profile " + std::to_string(engProfile) +
                                     " is not NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED");
    }
    StatusOr<migkit::CiProfile> ci = CiProfileOf(*ref, profile, Code::kNotSupported);
    if (!ci.ok()) return ci.status();
    return migkit::nvml::FillCiVersioned(*ci, *ref->gi_profile, info);
  });
}

nvmlReturn_t nvmlGpuInstanceGetComputeInstanceRemainingCapacity(nvmlGpuInstance_t gpuInstance,
                                                                unsigned int profileId,
                                                                unsigned int* count) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<InstanceRef> ref = call.GpuInstance(gpuInstance);
    if (!ref.ok()) return ref.status();
    if (count == nullptr) return NullArgument("count");
    StatusOr<migkit::CiProfile> ci = CiProfileOf(*ref, profileId, Code::kInvalidArgument);
    if (!ci.ok()) return ci.status();
    *count = static_cast<unsigned>(migkit::RemainingComputeCapacity(*ci, *ref->gi));
    return Status::Ok();
  });
}

nvmlReturn_t nvmlGpuInstanceGetComputeInstancePossiblePlacements(
    nvmlGpuInstance_t gpuInstance, unsigned int profileId,
    nvmlComputeInstancePlacement_t* placements, unsigned int* count) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<InstanceRef> ref = call.GpuInstance(gpuInstance);
    if (!ref.ok()) return ref.status();
    StatusOr<migkit::CiProfile> ci = CiProfileOf(*ref, profileId, Code::kInvalidArgument);
    if (!ci.ok()) return ci.status();
    // Every placement of the profile in this GPU instance, occupied or not (as for GIs).
    std::vector<migkit::Placement> all;
    for (int start : ci->placement_starts) all.push_back({start, ci->slices});
    return migkit::nvml::CopyPlacements(all, placements, count);
  });
}

nvmlReturn_t nvmlGpuInstanceCreateComputeInstance(nvmlGpuInstance_t gpuInstance,
                                                  unsigned int profileId,
                                                  nvmlComputeInstance_t* computeInstance) {
  return migkit::nvml::CiCreate(__func__, gpuInstance, profileId, nullptr,
                                /*with_placement=*/false, computeInstance);
}

nvmlReturn_t nvmlGpuInstanceCreateComputeInstanceWithPlacement(
    nvmlGpuInstance_t gpuInstance, unsigned int profileId,
    const nvmlComputeInstancePlacement_t* placement, nvmlComputeInstance_t* computeInstance) {
  return migkit::nvml::CiCreate(__func__, gpuInstance, profileId, placement,
                                /*with_placement=*/true, computeInstance);
}

nvmlReturn_t nvmlComputeInstanceDestroy(nvmlComputeInstance_t computeInstance) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<InstanceRef> ref = call.ComputeInstance(computeInstance);
    if (!ref.ok()) return ref.status();
    return call.lib().node().DestroyComputeInstance(ref->index, ref->gi->id, ref->ci->id);
  });
}

nvmlReturn_t nvmlGpuInstanceGetComputeInstances(nvmlGpuInstance_t gpuInstance,
                                                unsigned int profileId,
                                                nvmlComputeInstance_t* computeInstances,
                                                unsigned int* count) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<InstanceRef> ref = call.GpuInstance(gpuInstance);
    if (!ref.ok()) return ref.status();
    // A NULL array is not a count query here (mig-facts.md §6.3).
    if (computeInstances == nullptr || count == nullptr) {
      return NullArgument("computeInstances or count");
    }
    StatusOr<migkit::CiProfile> ci = CiProfileOf(*ref, profileId, Code::kInvalidArgument);
    if (!ci.ok()) return ci.status();
    std::vector<nvmlComputeInstance_t> handles;
    for (const migkit::ComputeInstance& c : ref->gi->compute_instances) {  // ascending CI ID
      if (c.profile_id == static_cast<int>(profileId)) {
        handles.push_back(call.lib().ComputeInstanceHandle(ref->index, ref->gi->id, c.id));
      }
    }
    return migkit::nvml::CopyHandles(handles, computeInstances, count, "computeInstances");
  });
}

nvmlReturn_t nvmlGpuInstanceGetComputeInstanceById(nvmlGpuInstance_t gpuInstance, unsigned int id,
                                                   nvmlComputeInstance_t* computeInstance) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<InstanceRef> ref = call.GpuInstance(gpuInstance);
    if (!ref.ok()) return ref.status();
    if (computeInstance == nullptr) return NullArgument("computeInstance");
    for (const migkit::ComputeInstance& c : ref->gi->compute_instances) {
      if (c.id == static_cast<int>(id)) {
        *computeInstance = call.lib().ComputeInstanceHandle(ref->index, ref->gi->id, c.id);
        return Status::Ok();
      }
    }
    return Status::NotFound("GPU instance " + std::to_string(ref->gi->id) +
                            " has no compute instance " + std::to_string(id));
  });
}

nvmlReturn_t nvmlComputeInstanceGetInfo_v2(nvmlComputeInstance_t computeInstance,
                                           nvmlComputeInstanceInfo_t* info) {
  return migkit::nvml::CiGetInfo(__func__, computeInstance, info, /*with_placement=*/true);
}

nvmlReturn_t nvmlComputeInstanceGetInfo(nvmlComputeInstance_t computeInstance,
                                        nvmlComputeInstanceInfo_t* info) {
  return migkit::nvml::CiGetInfo(__func__, computeInstance, info, /*with_placement=*/false);
}

// ---- MIG device handles ------------------------------------------------------------------------

nvmlReturn_t nvmlDeviceIsMigDeviceHandle(nvmlDevice_t device, unsigned int* isMigDevice) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (!call.lib().Owns(device)) return Status::InvalidArgument("not a device handle");
    if (isMigDevice == nullptr) return NullArgument("isMigDevice");
    *isMigDevice = device->is_mig() ? 1u : 0u;  // a property of the handle, not of the state
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, unsigned int* id) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<InstanceRef> ref = call.MigDevice(device);  // kNotSupported for a GPU
    if (!ref.ok()) return ref.status();
    if (id == nullptr) return NullArgument("id");
    *id = static_cast<unsigned>(ref->gi->id);
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetComputeInstanceId(nvmlDevice_t device, unsigned int* id) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<InstanceRef> ref = call.MigDevice(device);
    if (!ref.ok()) return ref.status();
    if (id == nullptr) return NullArgument("id");
    *id = static_cast<unsigned>(ref->ci->id);
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned int* count) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    if (count == nullptr) return NullArgument("count");
    *count = g->gpu->state.mig_current
                 ? static_cast<unsigned>(migkit::nvml::MaxMigDevices(*g->gpu->model))
                 : 0u;
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index,
                                                 nvmlDevice_t* migDevice) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<GpuRef> g = call.Gpu(device);
    if (!g.ok()) return g.status();
    if (migDevice == nullptr) return NullArgument("migDevice");
    if (!g->gpu->state.mig_current) return migkit::nvml::MigNotEnabled(*g);
    const int max = migkit::nvml::MaxMigDevices(*g->gpu->model);
    if (index >= static_cast<unsigned>(max)) {
      return Status::InvalidArgument("MIG device index " + std::to_string(index) +
                                     " is not below the maximum MIG device count " +
                                     std::to_string(max));
    }
    // Ascending GI ID, then CI ID (mig-facts.md §7).
    const std::vector<migkit::MigDeviceRef> order = migkit::MigDevices(g->gpu->state);
    if (index >= order.size()) {
      return Status::NotFound("GPU " + std::to_string(g->index) + " has " +
                              std::to_string(order.size()) + " MIG devices; none at index " +
                              std::to_string(index));
    }
    const migkit::MigDeviceRef& m = order[index];
    *migDevice = call.lib().MigHandle(g->index, m.gi_id, m.ci_id);
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetDeviceHandleFromMigDeviceHandle(nvmlDevice_t migDevice,
                                                          nvmlDevice_t* device) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (call.lib().Owns(migDevice) && !migDevice->is_mig()) {
      return Status::InvalidArgument("the handle is a GPU, not a MIG device");
    }
    StatusOr<InstanceRef> ref = call.MigDevice(migDevice);
    if (!ref.ok()) return ref.status();
    if (device == nullptr) return NullArgument("device");
    *device = call.lib().GpuHandle(ref->index);
    return Status::Ok();
  });
}

}  // extern "C"
