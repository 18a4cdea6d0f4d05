// NvmlBackend's confidential-computing calls. NVML reports CC system-wide and only the current
// mode (cc-facts.md §5.3): per-GPU modes are derived from the system state, pending ones are
// unknown (gpu-admin-tools reads them from the GPU's registers, not NVML).
#include "nvml_client/nvml_backend.h"

namespace migkit::nvml_client {

StatusOr<CcReport> NvmlBackend::CcStatus() {
  const NvmlFunctions& f = library_->fn();
  if (f.system_get_conf_compute_state == nullptr) {
    return Status::NotSupported(library_->path() +
                                " has no confidential computing calls (NVML before 12.2)");
  }
  CcReport r;
  r.pending_known = false;
  nvmlConfComputeSystemState_t state{};
  MIGKIT_RETURN_IF_ERROR(
      library_->Check(f.system_get_conf_compute_state(&state), "nvmlSystemGetConfComputeState"));
  r.system.environment = state.environment;
  r.system.cc_feature = state.ccFeature;
  r.system.devtools_mode = state.devToolsMode;
  if (f.system_get_conf_compute_settings != nullptr) {
    nvmlSystemConfComputeSettings_t settings{};
    settings.version = nvmlSystemConfComputeSettings_v1;
    MIGKIT_RETURN_IF_ERROR(library_->Check(f.system_get_conf_compute_settings(&settings),
                                           "nvmlSystemGetConfComputeSettings"));
    r.system.multi_gpu_mode = settings.multiGpuMode;
  }
  if (f.system_get_conf_compute_capabilities != nullptr) {
    nvmlConfComputeSystemCaps_t caps{};
    MIGKIT_RETURN_IF_ERROR(library_->Check(f.system_get_conf_compute_capabilities(&caps),
                                           "nvmlSystemGetConfComputeCapabilities"));
    r.system.cpu_caps = caps.cpuCaps;
    r.system.gpus_caps = caps.gpusCaps;
    r.node.cpu_caps = static_cast<CcCpuCaps>(caps.cpuCaps);
  }
  if (f.system_get_conf_compute_gpus_ready_state != nullptr) {
    unsigned int ready = 0;
    MIGKIT_RETURN_IF_ERROR(library_->Check(f.system_get_conf_compute_gpus_ready_state(&ready),
                                           "nvmlSystemGetConfComputeGpusReadyState"));
    r.node.ready = ready == NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE;
  }
  if (f.system_get_conf_compute_key_rotation_threshold_info != nullptr) {
    nvmlConfComputeGetKeyRotationThresholdInfo_t info{};
    info.version = nvmlConfComputeGetKeyRotationThresholdInfo_v1;
    MIGKIT_RETURN_IF_ERROR(
        library_->Check(f.system_get_conf_compute_key_rotation_threshold_info(&info),
                        "nvmlSystemGetConfComputeKeyRotationThresholdInfo"));
    r.node.attacker_advantage = info.attackerAdvantage;
  }
  // One mode for every GPU: NVML's view is system-wide.
  GpuCcState gpu;
  if (r.system.multi_gpu_mode == NVML_CC_SYSTEM_MULTIGPU_PROTECTED_PCIE)
    gpu.ppcie_current = true;
  else if (r.system.devtools_mode == NVML_CC_SYSTEM_DEVTOOLS_MODE_ON)
    gpu.current = CcMode::kDevtools;
  else if (r.system.cc_feature == NVML_CC_SYSTEM_FEATURE_ENABLED)
    gpu.current = CcMode::kOn;
  gpu.pending = gpu.current;
  gpu.ppcie_pending = gpu.ppcie_current;
  unsigned int count = 0;
  MIGKIT_RETURN_IF_ERROR(library_->Check(f.device_get_count(&count), "nvmlDeviceGetCount"));
  r.gpus.assign(count, gpu);
  return r;
}

Status NvmlBackend::SetCcReady(bool ready) {
  MIGKIT_RETURN_IF_ERROR(CheckChangesAllowed());
  const NvmlFunctions& f = library_->fn();
  if (f.system_set_conf_compute_gpus_ready_state == nullptr) {
    return Status::NotSupported(library_->path() +
                                " has no nvmlSystemSetConfComputeGpusReadyState");
  }
  return library_->Check(
      f.system_set_conf_compute_gpus_ready_state(ready ? NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE
                                                       : NVML_CC_ACCEPTING_CLIENT_REQUESTS_FALSE),
      "nvmlSystemSetConfComputeGpusReadyState");
}

Status NvmlBackend::SetCcKeyRotationThreshold(std::uint64_t value) {
  MIGKIT_RETURN_IF_ERROR(CheckChangesAllowed());
  const NvmlFunctions& f = library_->fn();
  if (f.system_set_conf_compute_key_rotation_threshold_info == nullptr) {
    return Status::NotSupported(library_->path() +
                                " has no nvmlSystemSetConfComputeKeyRotationThresholdInfo");
  }
  nvmlConfComputeSetKeyRotationThresholdInfo_t info{};
  info.version = nvmlConfComputeSetKeyRotationThresholdInfo_v1;
  info.maxAttackerAdvantage = value;
  return library_->Check(f.system_set_conf_compute_key_rotation_threshold_info(&info),
                         "nvmlSystemSetConfComputeKeyRotationThresholdInfo");
}

}  // namespace migkit::nvml_client
