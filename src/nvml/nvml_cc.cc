// NVML entry points: Confidential Computing (cc-facts.md §5). The rules are core/cc.h's; the
// system-wide calls describe every GPU of the emulated node. Certificates and attestation reports
// are clearly synthetic text: an attestation verifier must reject them, and that is the point --
// they exercise a client's plumbing (buffer sizes, nonce handling), never its trust decisions.
#include <cstdio>
#include <cstring>
#include <string>

#include "core/cc.h"
#include "nvml/library.h"

namespace migkit::nvml {
namespace {

StatusOr<CcSystemView> SystemView(Call& call) {
  StatusOr<const NodeState*> state = call.State();
  if (!state.ok()) return state.status();
  return CcSystem(CcGpusOf(**state), (*state)->cc);
}

// Copies `text` into a fixed-size buffer, zero-filling the rest; returns the bytes used.
unsigned int FillBuffer(const std::string& text, unsigned char* buffer, size_t size) {
  std::memset(buffer, 0, size);
  const size_t n = text.size() < size ? text.size() : size;
  std::memcpy(buffer, text.data(), n);
  return static_cast<unsigned int>(n);
}

// §5.4: certificates and reports exist only while SPDM runs, i.e. in a CC mode. RM answers
// NV_ERR_OBJECT_NOT_FOUND; which NVML code that becomes is UNCONFIRMED (closed library).
StatusOr<GpuRef> CcActiveGpu(Call& call, nvmlDevice_t device) {
  StatusOr<GpuRef> gpu = call.Gpu(device);
  if (!gpu.ok()) return gpu.status();
  if (!CcActive(gpu->gpu->cc)) {
    return Status::NotSupported("GPU " + std::to_string(gpu->index) +
                                " is not in a confidential computing mode (no SPDM session)");
  }
  return gpu;
}

}  // namespace
}  // namespace migkit::nvml

using migkit::Status;
using migkit::StatusOr;
using migkit::nvml::Call;
using migkit::nvml::RunCall;

extern "C" {

nvmlReturn_t nvmlSystemGetConfComputeCapabilities(nvmlConfComputeSystemCaps_t* capabilities) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (capabilities == nullptr) return Status::InvalidArgument("capabilities is NULL");
    StatusOr<migkit::CcSystemView> v = migkit::nvml::SystemView(call);
    if (!v.ok()) return v.status();
    capabilities->cpuCaps = v->cpu_caps;
    capabilities->gpusCaps = v->gpus_caps;
    return Status::Ok();
  });
}

nvmlReturn_t nvmlSystemGetConfComputeState(nvmlConfComputeSystemState_t* state) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (state == nullptr) return Status::InvalidArgument("state is NULL");
    StatusOr<migkit::CcSystemView> v = migkit::nvml::SystemView(call);
    if (!v.ok()) return v.status();
    state->environment = v->environment;
    state->ccFeature = v->cc_feature;
    state->devToolsMode = v->devtools_mode;
    return Status::Ok();
  });
}

nvmlReturn_t nvmlSystemGetConfComputeSettings(nvmlSystemConfComputeSettings_t* settings) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (settings == nullptr) return Status::InvalidArgument("settings is NULL");
    if (settings->version != nvmlSystemConfComputeSettings_v1) {
      return Status(migkit::Code::kArgumentVersionMismatch,
                    "settings->version must be nvmlSystemConfComputeSettings_v1 (0x01000014)");
    }
    StatusOr<migkit::CcSystemView> v = migkit::nvml::SystemView(call);
    if (!v.ok()) return v.status();
    settings->environment = v->environment;
    settings->ccFeature = v->cc_feature;
    settings->devToolsMode = v->devtools_mode;
    settings->multiGpuMode = v->multi_gpu_mode;
    return Status::Ok();
  });
}

nvmlReturn_t nvmlSystemGetConfComputeGpusReadyState(unsigned int* isAcceptingWork) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (isAcceptingWork == nullptr) return Status::InvalidArgument("isAcceptingWork is NULL");
    StatusOr<const migkit::NodeState*> state = call.State();
    if (!state.ok()) return state.status();
    *isAcceptingWork = (*state)->cc.ready ? NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE
                                          : NVML_CC_ACCEPTING_CLIENT_REQUESTS_FALSE;
    return Status::Ok();
  });
}

nvmlReturn_t nvmlSystemSetConfComputeGpusReadyState(unsigned int isAcceptingWork) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (isAcceptingWork > NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE) {
      return Status::InvalidArgument("isAcceptingWork must be 0 or 1");
    }
    return call.lib().node().SetCcReady(isAcceptingWork == NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE);
  });
}

nvmlReturn_t nvmlSystemGetConfComputeKeyRotationThresholdInfo(
    nvmlConfComputeGetKeyRotationThresholdInfo_t* pKeyRotationThrInfo) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (pKeyRotationThrInfo == nullptr)
      return Status::InvalidArgument("pKeyRotationThrInfo is NULL");
    if (pKeyRotationThrInfo->version != nvmlConfComputeGetKeyRotationThresholdInfo_v1) {
      return Status(migkit::Code::kArgumentVersionMismatch,
                    "version must be nvmlConfComputeGetKeyRotationThresholdInfo_v1 (0x01000010)");
    }
    StatusOr<const migkit::NodeState*> state = call.State();
    if (!state.ok()) return state.status();
    pKeyRotationThrInfo->attackerAdvantage = (*state)->cc.attacker_advantage;
    return Status::Ok();
  });
}

nvmlReturn_t nvmlSystemSetConfComputeKeyRotationThresholdInfo(
    nvmlConfComputeSetKeyRotationThresholdInfo_t* pKeyRotationThrInfo) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (pKeyRotationThrInfo == nullptr)
      return Status::InvalidArgument("pKeyRotationThrInfo is NULL");
    if (pKeyRotationThrInfo->version != nvmlConfComputeSetKeyRotationThresholdInfo_v1) {
      return Status(migkit::Code::kArgumentVersionMismatch,
                    "version must be nvmlConfComputeSetKeyRotationThresholdInfo_v1 (0x01000010)");
    }
    return call.lib().node().SetCcKeyRotationThreshold(pKeyRotationThrInfo->maxAttackerAdvantage);
  });
}

nvmlReturn_t nvmlDeviceGetConfComputeMemSizeInfo(nvmlDevice_t device,
                                                 nvmlConfComputeMemSizeInfo_t* memInfo) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (memInfo == nullptr) return Status::InvalidArgument("memInfo is NULL");
    StatusOr<migkit::nvml::GpuRef> gpu = call.Gpu(device);
    if (!gpu.ok()) return gpu.status();
    const migkit::CcMemSize size = migkit::CcMemorySize(*gpu->gpu->model, gpu->gpu->cc);
    memInfo->protectedMemSizeKib = size.protected_kib;
    memInfo->unprotectedMemSizeKib = size.unprotected_kib;
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetConfComputeProtectedMemoryUsage(nvmlDevice_t device,
                                                          nvmlMemory_t* memory) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (memory == nullptr) return Status::InvalidArgument("memory is NULL");
    StatusOr<migkit::nvml::GpuRef> gpu = call.Gpu(device);
    if (!gpu.ok()) return gpu.status();
    // 0 / 0 / 0 with CC off, as every real capture shows (cc-facts.md §4.2, C11); with CC on the
    // whole protected region is free: no process runs on an emulated GPU.
    const std::uint64_t total =
        migkit::CcMemorySize(*gpu->gpu->model, gpu->gpu->cc).protected_kib * 1024;
    memory->total = total;
    memory->free = total;
    memory->used = 0;
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetConfComputeGpuCertificate(nvmlDevice_t device,
                                                    nvmlConfComputeGpuCertificate_t* gpuCert) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (gpuCert == nullptr) return Status::InvalidArgument("gpuCert is NULL");
    StatusOr<migkit::nvml::GpuRef> gpu = migkit::nvml::CcActiveGpu(call, device);
    if (!gpu.ok()) return gpu.status();
    const std::string who = "emulated GPU " + gpu->gpu->uuid + " (" + gpu->gpu->model->id + ")";
    gpuCert->certChainSize = migkit::nvml::FillBuffer(
        "-----BEGIN MIGKIT SYNTHETIC CERTIFICATE CHAIN-----\n"
        "NOT A REAL NVIDIA CERTIFICATE. " +
            who +
            ". No cryptographic value.\n"
            "-----END MIGKIT SYNTHETIC CERTIFICATE CHAIN-----\n",
        gpuCert->certChain, sizeof gpuCert->certChain);
    gpuCert->attestationCertChainSize = migkit::nvml::FillBuffer(
        "-----BEGIN MIGKIT SYNTHETIC ATTESTATION CERTIFICATE CHAIN-----\n"
        "NOT A REAL NVIDIA CERTIFICATE. " +
            who +
            ". No cryptographic value.\n"
            "-----END MIGKIT SYNTHETIC ATTESTATION CERTIFICATE CHAIN-----\n",
        gpuCert->attestationCertChain, sizeof gpuCert->attestationCertChain);
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetConfComputeGpuAttestationReport(
    nvmlDevice_t device, nvmlConfComputeGpuAttestationReport_t* gpuAtstReport) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (gpuAtstReport == nullptr) return Status::InvalidArgument("gpuAtstReport is NULL");
    StatusOr<migkit::nvml::GpuRef> gpu = migkit::nvml::CcActiveGpu(call, device);
    if (!gpu.ok()) return gpu.status();
    // The caller's nonce is echoed, so a client can check it passed the right 32 bytes.
    std::string nonce;
    for (unsigned char b : gpuAtstReport->nonce) {
      char hex[3];
      std::snprintf(hex, sizeof hex, "%02x", b);
      nonce += hex;
    }
    gpuAtstReport->attestationReportSize = migkit::nvml::FillBuffer(
        "MIGKIT SYNTHETIC ATTESTATION REPORT. NOT SIGNED, NOT VERIFIABLE. emulated GPU " +
            gpu->gpu->uuid + " (" + gpu->gpu->model->id + ") cc_mode=" +
            std::string(migkit::CcModeName(gpu->gpu->cc.current)) + " nonce=" + nonce + "\n",
        gpuAtstReport->attestationReport, sizeof gpuAtstReport->attestationReport);
    gpuAtstReport->isCecAttestationReportPresent = NVML_CC_CEC_ATTESTATION_REPORT_NOT_PRESENT;
    gpuAtstReport->cecAttestationReportSize = 0;
    std::memset(gpuAtstReport->cecAttestationReport, 0, sizeof gpuAtstReport->cecAttestationReport);
    return Status::Ok();
  });
}

}  // extern "C"
