// NVML entry points: initialization, shutdown, error strings and system versions.
#include <cstdio>

#include "nvml/library.h"

namespace migkit::nvml {
namespace {

// The emulated driver. The profile tables in data/gpus are those of R525+ drivers up to the R580
// captures (mig-facts.md §3), so migkit reports an R580 driver: 580.82.07, CUDA 13.0. NVML's own
// version is "<CUDA major>.<driver version>"; tools such as mig-parted need its major >= 11
// (nvml-clients.md §1.1).
constexpr char kDriverVersion[] = "580.82.07";
constexpr char kNvmlVersion[] = "13.580.82.07";
constexpr int kCudaDriverVersion = 13000;

nvmlReturn_t InitLibrary(const char* function) noexcept {
  return Guard(function, []() -> nvmlReturn_t {
    Library* lib = TheLibrary();
    if (lib == nullptr) return NVML_ERROR_UNINITIALIZED;
    std::lock_guard<std::mutex> lock(lib->mu());
    const Status status = lib->Init();
    SetLastError(status, status.ok() ? NVML_SUCCESS : NVML_ERROR_UNKNOWN);
    if (!status.ok()) {
      // The client only sees NVML_ERROR_UNKNOWN; say why, once, on stderr.
      std::fprintf(stderr, "migkit libnvidia-ml: nvmlInit failed: %s\n", status.ToString().c_str());
      return NVML_ERROR_UNKNOWN;
    }
    return NVML_SUCCESS;
  });
}

}  // namespace
}  // namespace migkit::nvml

using migkit::nvml::Call;
using migkit::nvml::Guard;
using migkit::nvml::RunCall;

extern "C" {

nvmlReturn_t nvmlInit_v2(void) { return migkit::nvml::InitLibrary(__func__); }

nvmlReturn_t nvmlInit(void) { return migkit::nvml::InitLibrary(__func__); }

nvmlReturn_t nvmlInitWithFlags(unsigned int flags) {
  // NO_GPUS, NO_ATTACH and FORCE_INIT change nothing for emulated GPUs.
  (void)flags;
  return migkit::nvml::InitLibrary(__func__);
}

nvmlReturn_t nvmlShutdown(void) {
  return Guard(__func__, []() -> nvmlReturn_t {
    migkit::nvml::Library* lib = migkit::nvml::TheLibrary();
    if (lib == nullptr) return NVML_SUCCESS;
    std::lock_guard<std::mutex> lock(lib->mu());
    lib->Shutdown();
    return NVML_SUCCESS;
  });
}

const char* nvmlErrorString(nvmlReturn_t result) { return migkit::nvml::ErrorString(result); }

// A migkit extension, absent from NVIDIA's library: the full reason for this thread's last failed
// call, when it returned `result`. NVML_ERROR_UNKNOWN hides migkit-only causes (a corrupt state
// file, a full disk); migctl looks this function up with dlsym and, when present, reports the
// cause and exit code the direct backend would. `code` receives a migkit Code (core/status.h).
nvmlReturn_t nvmlMigkitGetLastError(nvmlReturn_t result, int* code, char* message,
                                    unsigned int length) {
  return Guard(__func__,
               [&]() { return migkit::nvml::GetLastError(result, code, message, length); });
}

nvmlReturn_t nvmlSystemGetDriverVersion(char* version, unsigned int length) {
  return RunCall(__func__, [&](Call&) {
    return migkit::nvml::CopyString(migkit::nvml::kDriverVersion, version, length);
  });
}

// The next three work before nvmlInit, as the real ones do (they need no GPU).
nvmlReturn_t nvmlSystemGetNVMLVersion(char* version, unsigned int length) {
  return Guard(__func__, [&]() {
    return migkit::nvml::ToNvmlReturn(
        migkit::nvml::CopyString(migkit::nvml::kNvmlVersion, version, length));
  });
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion(int* cudaDriverVersion) {
  if (cudaDriverVersion == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *cudaDriverVersion = migkit::nvml::kCudaDriverVersion;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int* cudaDriverVersion) {
  return nvmlSystemGetCudaDriverVersion(cudaDriverVersion);
}

}  // extern "C"
