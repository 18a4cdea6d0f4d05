// NvmlLibrary: one libnvidia-ml.so.1 loaded at run time, NVIDIA's or migkit's emulator.
//
// migctl never links against NVML. It dlopen()s a library, by path or by the soname the dynamic
// loader resolves, and looks up every function it calls into a table, so that the same code
// drives real GPUs and migkit's emulated ones (style-anchors.md §4 item 11). As go-nvml does
// (mig-facts.md §6.4), the versioned names (`nvmlInit_v2`, `nvmlDeviceGetPciInfo_v3`, ...) are
// preferred and the older names are the fallback. The types are those of src/nvml/nvml_abi.h,
// migkit's own header written from the facts, never a copy of nvml.h.
//
// Thread-safety: the object is immutable after Open; NVML itself allows calls from any thread.
#ifndef MIGKIT_NVML_CLIENT_NVML_LIBRARY_H_
#define MIGKIT_NVML_CLIENT_NVML_LIBRARY_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "nvml/nvml_abi.h"

namespace migkit::nvml_client {

/// The NVML functions migkit calls. Required ones are never null after a successful Open;
/// optional ones (marked) may be.
struct NvmlFunctions {
  // Library and system.
  decltype(&::nvmlInit_v2) init = nullptr;  // nvmlInit_v2, else nvmlInit
  decltype(&::nvmlShutdown) shutdown = nullptr;
  decltype(&::nvmlErrorString) error_string = nullptr;
  decltype(&::nvmlSystemGetDriverVersion) system_get_driver_version = nullptr;
  decltype(&::nvmlSystemGetNVMLVersion) system_get_nvml_version = nullptr;
  // Devices.
  decltype(&::nvmlDeviceGetCount_v2) device_get_count = nullptr;
  decltype(&::nvmlDeviceGetHandleByIndex_v2) device_get_handle_by_index = nullptr;
  decltype(&::nvmlDeviceGetName) device_get_name = nullptr;
  decltype(&::nvmlDeviceGetUUID) device_get_uuid = nullptr;
  decltype(&::nvmlDeviceGetPciInfo_v3) device_get_pci_info = nullptr;  // _v3, else _v2
  decltype(&::nvmlDeviceGetMemoryInfo) device_get_memory_info = nullptr;
  decltype(&::nvmlDeviceGetArchitecture) device_get_architecture = nullptr;  // optional
  // MIG mode and GPU-instance profiles.
  decltype(&::nvmlDeviceGetMigMode) device_get_mig_mode = nullptr;
  decltype(&::nvmlDeviceSetMigMode) device_set_mig_mode = nullptr;
  decltype(&::nvmlDeviceGetGpuInstanceProfileInfo) device_get_gpu_instance_profile_info = nullptr;
  decltype(&::nvmlDeviceGetGpuInstanceProfileInfoV) device_get_gpu_instance_profile_info_v =
      nullptr;  // optional (names of derived models)
  decltype(&::nvmlDeviceGetGpuInstancePossiblePlacements_v2)
      device_get_gpu_instance_possible_placements = nullptr;  // _v2, else v1; optional
  // GPU instances.
  decltype(&::nvmlDeviceGetGpuInstances) device_get_gpu_instances = nullptr;
  decltype(&::nvmlDeviceGetGpuInstanceById) device_get_gpu_instance_by_id = nullptr;
  decltype(&::nvmlGpuInstanceGetInfo) gpu_instance_get_info = nullptr;
  decltype(&::nvmlDeviceCreateGpuInstance) device_create_gpu_instance = nullptr;
  decltype(&::nvmlDeviceCreateGpuInstanceWithPlacement) device_create_gpu_instance_with_placement =
      nullptr;
  decltype(&::nvmlGpuInstanceDestroy) gpu_instance_destroy = nullptr;
  // Compute instances.
  decltype(&::nvmlGpuInstanceGetComputeInstanceProfileInfo)
      gpu_instance_get_compute_instance_profile_info = nullptr;
  decltype(&::nvmlGpuInstanceGetComputeInstances) gpu_instance_get_compute_instances = nullptr;
  decltype(&::nvmlGpuInstanceGetComputeInstanceById) gpu_instance_get_compute_instance_by_id =
      nullptr;
  decltype(&::nvmlGpuInstanceCreateComputeInstance) gpu_instance_create_compute_instance = nullptr;
  decltype(&::nvmlGpuInstanceCreateComputeInstanceWithPlacement)
      gpu_instance_create_compute_instance_with_placement = nullptr;
  decltype(&::nvmlComputeInstanceDestroy) compute_instance_destroy = nullptr;
  decltype(&::nvmlComputeInstanceGetInfo_v2) compute_instance_get_info = nullptr;  // _v2 only
  // MIG devices.
  decltype(&::nvmlDeviceGetMaxMigDeviceCount) device_get_max_mig_device_count = nullptr;
  decltype(&::nvmlDeviceGetMigDeviceHandleByIndex) device_get_mig_device_handle_by_index = nullptr;
  decltype(&::nvmlDeviceGetGpuInstanceId) device_get_gpu_instance_id = nullptr;
  decltype(&::nvmlDeviceGetComputeInstanceId) device_get_compute_instance_id = nullptr;
  // Events (optional: the device plugin's health check; migctl never needs them). _v2 only: the
  // v1 wait does not report the GPU and compute instance IDs of a MIG device's event.
  decltype(&::nvmlEventSetCreate) event_set_create = nullptr;
  decltype(&::nvmlDeviceRegisterEvents) device_register_events = nullptr;
  decltype(&::nvmlEventSetWait_v2) event_set_wait = nullptr;
  decltype(&::nvmlEventSetFree) event_set_free = nullptr;
  // migkit's own library only (never NVIDIA's): the cause behind NVML_ERROR_UNKNOWN. Optional.
  nvmlReturn_t (*migkit_get_last_error)(nvmlReturn_t result, int* code, char* message,
                                        unsigned int length) = nullptr;
  // Confidential computing (all optional: NVML before 12.2 has none, cc-facts.md §2).
  decltype(&::nvmlSystemGetConfComputeState) system_get_conf_compute_state = nullptr;
  decltype(&::nvmlSystemGetConfComputeSettings) system_get_conf_compute_settings = nullptr;
  decltype(&::nvmlSystemGetConfComputeCapabilities) system_get_conf_compute_capabilities = nullptr;
  decltype(&::nvmlSystemGetConfComputeGpusReadyState) system_get_conf_compute_gpus_ready_state =
      nullptr;
  decltype(&::nvmlSystemSetConfComputeGpusReadyState) system_set_conf_compute_gpus_ready_state =
      nullptr;
  decltype(&::nvmlSystemGetConfComputeKeyRotationThresholdInfo)
      system_get_conf_compute_key_rotation_threshold_info = nullptr;
  decltype(&::nvmlSystemSetConfComputeKeyRotationThresholdInfo)
      system_set_conf_compute_key_rotation_threshold_info = nullptr;
};

/// The symbolic name of an NVML return code ("NVML_ERROR_IN_USE"), or "NVML return <n>".
std::string NvmlReturnName(nvmlReturn_t result);

/// The single conversion from an NVML return code to a Status. NVML_SUCCESS is OK. Codes that
/// migkit's Code has (core/status.h numbers them like nvmlReturn_t) keep their value; the others
/// (DRIVER_NOT_LOADED, GPU_IS_LOST, ...) become kUnknown. The message is
/// "<function> returned <NVML_ERROR_...>", followed by `error_text` (the library's
/// nvmlErrorString) in parentheses when the code became kUnknown, so that text is not lost.
Status StatusFromNvml(nvmlReturn_t result, std::string_view function,
                      std::string_view error_text = {});

class NvmlLibrary {
 public:
  NvmlLibrary(const NvmlLibrary&) = delete;
  NvmlLibrary& operator=(const NvmlLibrary&) = delete;
  /// nvmlShutdown, then dlclose (the object stays mapped: it is opened RTLD_NODELETE).
  ~NvmlLibrary();

  /// Loads `path_or_soname` (a path if it contains '/', else the dynamic loader's search, e.g.
  /// "libnvidia-ml.so.1"), resolves the function table and calls nvmlInit. Errors:
  ///   kNotFound      the library cannot be loaded (dlerror()'s text is kept);
  ///   kNotSupported  it lacks required functions (all missing names are listed);
  ///   another code   nvmlInit failed (StatusFromNvml).
  /// Every message names the library.
  static StatusOr<std::unique_ptr<NvmlLibrary>> Open(const std::string& path_or_soname);

  const NvmlFunctions& fn() const { return fn_; }
  /// For tests: interpose on single functions (e.g. make another process act between two calls).
  NvmlFunctions* mutable_fn_for_testing() { return &fn_; }
  /// What Open was given.
  const std::string& requested() const { return requested_; }
  /// The file the loader actually opened, with symlinks resolved (the soname's target).
  const std::string& path() const { return path_; }
  /// nvmlSystemGetDriverVersion / nvmlSystemGetNVMLVersion ("?" if the call failed).
  const std::string& driver_version() const { return driver_version_; }
  const std::string& nvml_version() const { return nvml_version_; }

  /// StatusFromNvml with this library's nvmlErrorString text. When the library is migkit's
  /// emulator and the failure was a migkit-only one (a corrupt state file, a full disk), the
  /// emulator's own status instead, so that migctl reports the same cause and exit code as with
  /// the direct backend.
  Status Check(nvmlReturn_t result, std::string_view function) const;

 private:
  NvmlLibrary() = default;

  void* handle_ = nullptr;
  bool initialized_ = false;
  NvmlFunctions fn_;
  std::string requested_;
  std::string path_;
  std::string driver_version_ = "?";
  std::string nvml_version_ = "?";
};

}  // namespace migkit::nvml_client

#endif  // MIGKIT_NVML_CLIENT_NVML_LIBRARY_H_
