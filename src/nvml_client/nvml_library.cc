#include "nvml_client/nvml_library.h"

#include <dlfcn.h>
#include <link.h>

#include <climits>
#include <cstdlib>
#include <initializer_list>
#include <vector>

#include "core/strings.h"

namespace migkit::nvml_client {
namespace {

// Looks up the first of `names` that the library exports into `*slot`. A required function that
// is missing adds its preferred name to `*missing`.
template <typename Fn>
void Resolve(void* handle, Fn* slot, std::initializer_list<const char*> names, bool required,
             std::vector<std::string>* missing) {
  for (const char* name : names) {
    if (void* symbol = dlsym(handle, name)) {
      // POSIX guarantees that a dlsym() result converts to a function pointer.
      *slot = reinterpret_cast<Fn>(symbol);
      return;
    }
  }
  if (required) missing->push_back(*names.begin());
}

void ResolveAll(void* h, NvmlFunctions* f, std::vector<std::string>* missing) {
  constexpr bool kRequired = true;
  constexpr bool kOptional = false;
  Resolve(h, &f->init, {"nvmlInit_v2", "nvmlInit"}, kRequired, missing);
  Resolve(h, &f->shutdown, {"nvmlShutdown"}, kRequired, missing);
  Resolve(h, &f->error_string, {"nvmlErrorString"}, kRequired, missing);
  Resolve(h, &f->migkit_get_last_error, {"nvmlMigkitGetLastError"}, kOptional, missing);
  Resolve(h, &f->system_get_driver_version, {"nvmlSystemGetDriverVersion"}, kRequired, missing);
  Resolve(h, &f->system_get_nvml_version, {"nvmlSystemGetNVMLVersion"}, kRequired, missing);
  Resolve(h, &f->device_get_count, {"nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"}, kRequired,
          missing);
  Resolve(h, &f->device_get_handle_by_index,
          {"nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"}, kRequired, missing);
  Resolve(h, &f->device_get_name, {"nvmlDeviceGetName"}, kRequired, missing);
  Resolve(h, &f->device_get_uuid, {"nvmlDeviceGetUUID"}, kRequired, missing);
  // The unversioned nvmlDeviceGetPciInfo fills an older, shorter struct without busId.
  Resolve(h, &f->device_get_pci_info, {"nvmlDeviceGetPciInfo_v3", "nvmlDeviceGetPciInfo_v2"},
          kRequired, missing);
  Resolve(h, &f->device_get_memory_info, {"nvmlDeviceGetMemoryInfo"}, kRequired, missing);
  Resolve(h, &f->system_get_conf_compute_state, {"nvmlSystemGetConfComputeState"}, kOptional,
          missing);
  Resolve(h, &f->system_get_conf_compute_settings, {"nvmlSystemGetConfComputeSettings"}, kOptional,
          missing);
  Resolve(h, &f->system_get_conf_compute_capabilities, {"nvmlSystemGetConfComputeCapabilities"},
          kOptional, missing);
  Resolve(h, &f->system_get_conf_compute_gpus_ready_state,
          {"nvmlSystemGetConfComputeGpusReadyState"}, kOptional, missing);
  Resolve(h, &f->system_set_conf_compute_gpus_ready_state,
          {"nvmlSystemSetConfComputeGpusReadyState"}, kOptional, missing);
  Resolve(h, &f->system_get_conf_compute_key_rotation_threshold_info,
          {"nvmlSystemGetConfComputeKeyRotationThresholdInfo"}, kOptional, missing);
  Resolve(h, &f->system_set_conf_compute_key_rotation_threshold_info,
          {"nvmlSystemSetConfComputeKeyRotationThresholdInfo"}, kOptional, missing);
  Resolve(h, &f->device_get_architecture, {"nvmlDeviceGetArchitecture"}, kOptional, missing);
  Resolve(h, &f->event_set_create, {"nvmlEventSetCreate"}, kOptional, missing);
  Resolve(h, &f->device_register_events, {"nvmlDeviceRegisterEvents"}, kOptional, missing);
  Resolve(h, &f->event_set_wait, {"nvmlEventSetWait_v2"}, kOptional, missing);
  Resolve(h, &f->event_set_free, {"nvmlEventSetFree"}, kOptional, missing);
  Resolve(h, &f->device_get_mig_mode, {"nvmlDeviceGetMigMode"}, kRequired, missing);
  Resolve(h, &f->device_set_mig_mode, {"nvmlDeviceSetMigMode"}, kRequired, missing);
  Resolve(h, &f->device_get_gpu_instance_profile_info, {"nvmlDeviceGetGpuInstanceProfileInfo"},
          kRequired, missing);
  Resolve(h, &f->device_get_gpu_instance_profile_info_v, {"nvmlDeviceGetGpuInstanceProfileInfoV"},
          kOptional, missing);
  Resolve(h, &f->device_get_gpu_instance_possible_placements,
          {"nvmlDeviceGetGpuInstancePossiblePlacements_v2",
           "nvmlDeviceGetGpuInstancePossiblePlacements"},
          kOptional, missing);
  Resolve(h, &f->device_get_gpu_instances, {"nvmlDeviceGetGpuInstances"}, kRequired, missing);
  Resolve(h, &f->device_get_gpu_instance_by_id, {"nvmlDeviceGetGpuInstanceById"}, kRequired,
          missing);
  Resolve(h, &f->gpu_instance_get_info, {"nvmlGpuInstanceGetInfo"}, kRequired, missing);
  Resolve(h, &f->device_create_gpu_instance, {"nvmlDeviceCreateGpuInstance"}, kRequired, missing);
  Resolve(h, &f->device_create_gpu_instance_with_placement,
          {"nvmlDeviceCreateGpuInstanceWithPlacement"}, kRequired, missing);
  Resolve(h, &f->gpu_instance_destroy, {"nvmlGpuInstanceDestroy"}, kRequired, missing);
  Resolve(h, &f->gpu_instance_get_compute_instance_profile_info,
          {"nvmlGpuInstanceGetComputeInstanceProfileInfo"}, kRequired, missing);
  Resolve(h, &f->gpu_instance_get_compute_instances, {"nvmlGpuInstanceGetComputeInstances"},
          kRequired, missing);
  Resolve(h, &f->gpu_instance_get_compute_instance_by_id, {"nvmlGpuInstanceGetComputeInstanceById"},
          kRequired, missing);
  Resolve(h, &f->gpu_instance_create_compute_instance, {"nvmlGpuInstanceCreateComputeInstance"},
          kRequired, missing);
  Resolve(h, &f->gpu_instance_create_compute_instance_with_placement,
          {"nvmlGpuInstanceCreateComputeInstanceWithPlacement"}, kRequired, missing);
  Resolve(h, &f->compute_instance_destroy, {"nvmlComputeInstanceDestroy"}, kRequired, missing);
  // The unversioned nvmlComputeInstanceGetInfo has no placement (it came with _v2, R470).
  Resolve(h, &f->compute_instance_get_info, {"nvmlComputeInstanceGetInfo_v2"}, kRequired, missing);
  Resolve(h, &f->device_get_max_mig_device_count, {"nvmlDeviceGetMaxMigDeviceCount"}, kRequired,
          missing);
  Resolve(h, &f->device_get_mig_device_handle_by_index, {"nvmlDeviceGetMigDeviceHandleByIndex"},
          kRequired, missing);
  Resolve(h, &f->device_get_gpu_instance_id, {"nvmlDeviceGetGpuInstanceId"}, kRequired, missing);
  Resolve(h, &f->device_get_compute_instance_id, {"nvmlDeviceGetComputeInstanceId"}, kRequired,
          missing);
}

// The file the loader opened for `handle`, symlinks resolved; `fallback` if it cannot tell.
std::string LoadedPath(void* handle, const std::string& fallback) {
  link_map* map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || map == nullptr || map->l_name == nullptr ||
      map->l_name[0] == '\0') {
    return fallback;
  }
  char resolved[PATH_MAX];
  if (realpath(map->l_name, resolved) == nullptr) return map->l_name;
  return resolved;
}

}  // namespace

std::string NvmlReturnName(nvmlReturn_t result) {
  switch (result) {
    case NVML_SUCCESS:
      return "NVML_SUCCESS";
    case NVML_ERROR_UNINITIALIZED:
      return "NVML_ERROR_UNINITIALIZED";
    case NVML_ERROR_INVALID_ARGUMENT:
      return "NVML_ERROR_INVALID_ARGUMENT";
    case NVML_ERROR_NOT_SUPPORTED:
      return "NVML_ERROR_NOT_SUPPORTED";
    case NVML_ERROR_NO_PERMISSION:
      return "NVML_ERROR_NO_PERMISSION";
    case NVML_ERROR_ALREADY_INITIALIZED:
      return "NVML_ERROR_ALREADY_INITIALIZED";
    case NVML_ERROR_NOT_FOUND:
      return "NVML_ERROR_NOT_FOUND";
    case NVML_ERROR_INSUFFICIENT_SIZE:
      return "NVML_ERROR_INSUFFICIENT_SIZE";
    case NVML_ERROR_INSUFFICIENT_POWER:
      return "NVML_ERROR_INSUFFICIENT_POWER";
    case NVML_ERROR_DRIVER_NOT_LOADED:
      return "NVML_ERROR_DRIVER_NOT_LOADED";
    case NVML_ERROR_TIMEOUT:
      return "NVML_ERROR_TIMEOUT";
    case NVML_ERROR_IRQ_ISSUE:
      return "NVML_ERROR_IRQ_ISSUE";
    case NVML_ERROR_LIBRARY_NOT_FOUND:
      return "NVML_ERROR_LIBRARY_NOT_FOUND";
    case NVML_ERROR_FUNCTION_NOT_FOUND:
      return "NVML_ERROR_FUNCTION_NOT_FOUND";
    case NVML_ERROR_CORRUPTED_INFOROM:
      return "NVML_ERROR_CORRUPTED_INFOROM";
    case NVML_ERROR_GPU_IS_LOST:
      return "NVML_ERROR_GPU_IS_LOST";
    case NVML_ERROR_RESET_REQUIRED:
      return "NVML_ERROR_RESET_REQUIRED";
    case NVML_ERROR_OPERATING_SYSTEM:
      return "NVML_ERROR_OPERATING_SYSTEM";
    case NVML_ERROR_LIB_RM_VERSION_MISMATCH:
      return "NVML_ERROR_LIB_RM_VERSION_MISMATCH";
    case NVML_ERROR_IN_USE:
      return "NVML_ERROR_IN_USE";
    case NVML_ERROR_MEMORY:
      return "NVML_ERROR_MEMORY";
    case NVML_ERROR_NO_DATA:
      return "NVML_ERROR_NO_DATA";
    case NVML_ERROR_VGPU_ECC_NOT_SUPPORTED:
      return "NVML_ERROR_VGPU_ECC_NOT_SUPPORTED";
    case NVML_ERROR_INSUFFICIENT_RESOURCES:
      return "NVML_ERROR_INSUFFICIENT_RESOURCES";
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH:
      return "NVML_ERROR_ARGUMENT_VERSION_MISMATCH";
    case NVML_ERROR_INVALID_STATE:
      return "NVML_ERROR_INVALID_STATE";
    case NVML_ERROR_UNKNOWN:
      return "NVML_ERROR_UNKNOWN";
  }
  return "NVML return " + std::to_string(static_cast<int>(result));
}

Status StatusFromNvml(nvmlReturn_t result, std::string_view function, std::string_view error_text) {
  if (result == NVML_SUCCESS) return Status::Ok();
  std::string message = std::string(function) + " returned " + NvmlReturnName(result);
  Code code = Code::kUnknown;
  switch (result) {
    // The codes core/status.h has, with nvmlReturn_t's values.
    case NVML_ERROR_UNINITIALIZED:
    case NVML_ERROR_INVALID_ARGUMENT:
    case NVML_ERROR_NOT_SUPPORTED:
    case NVML_ERROR_NO_PERMISSION:
    case NVML_ERROR_ALREADY_INITIALIZED:
    case NVML_ERROR_NOT_FOUND:
    case NVML_ERROR_INSUFFICIENT_SIZE:
    case NVML_ERROR_TIMEOUT:
    case NVML_ERROR_RESET_REQUIRED:
    case NVML_ERROR_IN_USE:
    case NVML_ERROR_INSUFFICIENT_RESOURCES:
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH:
    case NVML_ERROR_INVALID_STATE:
    case NVML_ERROR_UNKNOWN:
      code = static_cast<Code>(static_cast<int>(result));
      break;
    default:
      // kUnknown's text would hide what the driver said; keep it in the message.
      if (!error_text.empty()) message += " (" + std::string(error_text) + ")";
      break;
  }
  return Status(code, std::move(message));
}

NvmlLibrary::~NvmlLibrary() {
  if (initialized_) fn_.shutdown();
  if (handle_ != nullptr) dlclose(handle_);
}

StatusOr<std::unique_ptr<NvmlLibrary>> NvmlLibrary::Open(const std::string& path_or_soname) {
  std::unique_ptr<NvmlLibrary> lib(new NvmlLibrary());
  lib->requested_ = path_or_soname;
  // RTLD_LOCAL: NVML's symbols stay out of the global namespace, so two libraries cannot clash.
  // RTLD_NODELETE: dlclose() leaves the object mapped until exit. Unloading gains a short-lived
  // process nothing, and memory an unloaded library still owned (migkit's emulator keeps its
  // catalog for good) would be reported as leaked in sanitizer builds.
  lib->handle_ = dlopen(path_or_soname.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (lib->handle_ == nullptr) {
    const char* why = dlerror();
    return Status::NotFound("cannot load the NVML library " + path_or_soname + ": " +
                            (why != nullptr ? why : "dlopen failed"));
  }
  lib->path_ = LoadedPath(lib->handle_, path_or_soname);
  std::vector<std::string> missing;
  ResolveAll(lib->handle_, &lib->fn_, &missing);
  if (!missing.empty()) {
    // A few names say enough when a library lacks most of NVML (it is not an NVML at all).
    constexpr size_t kShown = 4;
    std::string names;
    if (missing.size() <= kShown) {
      names = Join(missing, ", ");
    } else {
      names = Join(std::vector<std::string>(missing.begin(), missing.begin() + kShown), ", ") +
              " and " + std::to_string(missing.size() - kShown) + " more";
    }
    return Status::NotSupported(lib->path_ + " is not a usable libnvidia-ml.so.1: it lacks " +
                                names + " (migctl needs NVML from driver R470 or later)");
  }
  const nvmlReturn_t init = lib->fn_.init();
  if (init != NVML_SUCCESS) {
    return lib->Check(init, "nvmlInit_v2").WithContext("cannot initialize NVML from " + lib->path_);
  }
  lib->initialized_ = true;
  char buffer[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = {};
  if (lib->fn_.system_get_driver_version(buffer, sizeof buffer) == NVML_SUCCESS) {
    lib->driver_version_ = buffer;
  }
  char nvml[NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE] = {};
  if (lib->fn_.system_get_nvml_version(nvml, sizeof nvml) == NVML_SUCCESS) {
    lib->nvml_version_ = nvml;
  }
  return lib;
}

Status NvmlLibrary::Check(nvmlReturn_t result, std::string_view function) const {
  if (result == NVML_SUCCESS) return Status::Ok();
  if (result == NVML_ERROR_UNKNOWN && fn_.migkit_get_last_error != nullptr) {
    int code = 0;
    char message[2048] = {};
    if (fn_.migkit_get_last_error(result, &code, message, sizeof message) == NVML_SUCCESS &&
        code >= static_cast<int>(Code::kCorruption) &&
        code <= static_cast<int>(Code::kParseError)) {
      return Status(static_cast<Code>(code), message);
    }
  }
  const char* text = fn_.error_string != nullptr ? fn_.error_string(result) : nullptr;
  return StatusFromNvml(result, function, text != nullptr ? text : "");
}

}  // namespace migkit::nvml_client
