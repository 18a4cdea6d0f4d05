#include "nvml/library.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "env/env.h"

namespace migkit::nvml {
namespace {

// The library object of this loaded copy. It is created on first use and deleted by the ELF
// destructor below, which runs at dlclose() and at exit. A plain pointer (not a static object)
// keeps the order explicit: after the destructor every entry point sees nullptr and returns
// NVML_ERROR_UNINITIALIZED instead of touching freed memory, and nothing is left registered with
// atexit() that would point into an unloaded copy. std::mutex is trivially destructible here.
std::mutex g_library_mu;
Library* g_library = nullptr;
bool g_unloaded = false;

__attribute__((destructor)) void DestroyLibrary() {
  std::lock_guard<std::mutex> lock(g_library_mu);
  delete g_library;
  g_library = nullptr;
  g_unloaded = true;
}

}  // namespace

Library* TheLibrary() {
  std::lock_guard<std::mutex> lock(g_library_mu);
  if (g_unloaded) return nullptr;
  if (g_library == nullptr) g_library = new Library();
  return g_library;
}

void LogFailure(const char* function, const Status& status) {
  std::fprintf(stderr, "migkit libnvidia-ml: %s: %s\n", function, status.ToString().c_str());
}

void LogException(const char* function, const char* what) noexcept {
  std::fprintf(stderr, "migkit libnvidia-ml: %s: internal error: %s\n", function, what);
}

namespace {

// This thread's last failure: trivially destructible, so nothing runs at thread exit or dlclose.
struct LastError {
  int code = 0;  // migkit Code; 0 after a success
  unsigned int nvml_return = 0;
  char message[2048] = {};
};
thread_local LastError t_last_error;

}  // namespace

void SetLastError(const Status& status, nvmlReturn_t returned) {
  LastError& e = t_last_error;
  e.code = static_cast<int>(status.code());
  e.nvml_return = static_cast<unsigned int>(returned);
  const std::string& m = status.message();
  const size_t n = std::min(m.size(), sizeof e.message - 1);
  std::memcpy(e.message, m.data(), n);
  e.message[n] = '\0';
}

nvmlReturn_t GetLastError(nvmlReturn_t result, int* code, char* message, unsigned int length) {
  const LastError& e = t_last_error;
  if (code == nullptr || message == nullptr || length == 0) return NVML_ERROR_INVALID_ARGUMENT;
  if (e.code == 0 || e.nvml_return != static_cast<unsigned int>(result)) {
    return NVML_ERROR_NOT_FOUND;
  }
  *code = e.code;
  const size_t n = std::min(std::strlen(e.message), static_cast<size_t>(length) - 1);
  std::memcpy(message, e.message, n);
  message[n] = '\0';
  return NVML_SUCCESS;
}

namespace {

// Each migkit Code by name to its NVML return code. The switch has no default, so -Wswitch
// (an error with MIGKIT_WERROR) fails the build when a Code is added without a mapping here.
constexpr nvmlReturn_t NvmlReturnFor(Code code) {
  switch (code) {
    case Code::kOk:
      return NVML_SUCCESS;
    case Code::kUninitialized:
      return NVML_ERROR_UNINITIALIZED;
    case Code::kInvalidArgument:
      return NVML_ERROR_INVALID_ARGUMENT;
    case Code::kNotSupported:
      return NVML_ERROR_NOT_SUPPORTED;
    case Code::kNoPermission:
      return NVML_ERROR_NO_PERMISSION;
    case Code::kAlreadyInitialized:
      return NVML_ERROR_ALREADY_INITIALIZED;
    case Code::kNotFound:
      return NVML_ERROR_NOT_FOUND;
    case Code::kInsufficientSize:
      return NVML_ERROR_INSUFFICIENT_SIZE;
    case Code::kTimeout:
      return NVML_ERROR_TIMEOUT;
    case Code::kResetRequired:
      return NVML_ERROR_RESET_REQUIRED;
    case Code::kInUse:
      return NVML_ERROR_IN_USE;
    case Code::kInsufficientResources:
      return NVML_ERROR_INSUFFICIENT_RESOURCES;
    case Code::kArgumentVersionMismatch:
      return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    case Code::kInvalidState:
      return NVML_ERROR_INVALID_STATE;
    case Code::kUnknown:
      return NVML_ERROR_UNKNOWN;
    // migkit-only codes: NVML has nothing closer.
    case Code::kCorruption:
    case Code::kIoError:
    case Code::kParseError:
      return NVML_ERROR_UNKNOWN;
  }
  return NVML_ERROR_UNKNOWN;
}

// core/status.h promises that every Code NVML has is numbered like nvmlReturn_t (migctl prints
// and compares them as such); these tie each number to nvml_abi.h's.
constexpr bool NumberedLikeNvml(Code code) {
  return static_cast<int>(code) == static_cast<int>(NvmlReturnFor(code));
}
static_assert(NumberedLikeNvml(Code::kOk));
static_assert(NumberedLikeNvml(Code::kUninitialized));
static_assert(NumberedLikeNvml(Code::kInvalidArgument));
static_assert(NumberedLikeNvml(Code::kNotSupported));
static_assert(NumberedLikeNvml(Code::kNoPermission));
static_assert(NumberedLikeNvml(Code::kAlreadyInitialized));
static_assert(NumberedLikeNvml(Code::kNotFound));
static_assert(NumberedLikeNvml(Code::kInsufficientSize));
static_assert(NumberedLikeNvml(Code::kTimeout));
static_assert(NumberedLikeNvml(Code::kResetRequired));
static_assert(NumberedLikeNvml(Code::kInUse));
static_assert(NumberedLikeNvml(Code::kInsufficientResources));
static_assert(NumberedLikeNvml(Code::kArgumentVersionMismatch));
static_assert(NumberedLikeNvml(Code::kInvalidState));
static_assert(NumberedLikeNvml(Code::kUnknown));
// The migkit-only codes must not collide with any NVML number.
static_assert(static_cast<int>(Code::kCorruption) >= 1000 &&
              static_cast<int>(Code::kIoError) >= 1000 &&
              static_cast<int>(Code::kParseError) >= 1000);

}  // namespace

nvmlReturn_t ToNvmlReturn(const Status& status) noexcept { return NvmlReturnFor(status.code()); }

const char* ErrorString(nvmlReturn_t result) noexcept {
  // The texts of the real nvmlErrorString (DCGM's copy, mig-facts.md §6.1).
  switch (result) {
    case NVML_SUCCESS:
      return "Success";
    case NVML_ERROR_UNINITIALIZED:
      return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT:
      return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED:
      return "Not Supported";
    case NVML_ERROR_NO_PERMISSION:
      return "Insufficient Permissions";
    case NVML_ERROR_ALREADY_INITIALIZED:
      return "Already Initialized";
    case NVML_ERROR_NOT_FOUND:
      return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE:
      return "Insufficient Size";
    case NVML_ERROR_INSUFFICIENT_POWER:
      return "Insufficient External Power";
    case NVML_ERROR_DRIVER_NOT_LOADED:
      return "Driver Not Loaded";
    case NVML_ERROR_TIMEOUT:
      return "Timeout";
    case NVML_ERROR_IRQ_ISSUE:
      return "Interrupt Request Issue";
    case NVML_ERROR_LIBRARY_NOT_FOUND:
      return "NVML Shared Library Not Found";
    case NVML_ERROR_FUNCTION_NOT_FOUND:
      return "Function Not Found";
    case NVML_ERROR_CORRUPTED_INFOROM:
      return "Corrupted infoROM";
    case NVML_ERROR_GPU_IS_LOST:
      return "GPU is lost";
    case NVML_ERROR_RESET_REQUIRED:
      return "GPU requires reset";
    case NVML_ERROR_OPERATING_SYSTEM:
      return "GPU access blocked by the operating system";
    case NVML_ERROR_LIB_RM_VERSION_MISMATCH:
      return "Driver/library version mismatch";
    case NVML_ERROR_IN_USE:
      return "In use by another client";
    case NVML_ERROR_MEMORY:
      return "Insufficient Memory";
    case NVML_ERROR_NO_DATA:
      return "No data";
    case NVML_ERROR_VGPU_ECC_NOT_SUPPORTED:
      return "The requested vgpu operation is not available on target device, becasue ECC is "
             "enabled";
    case NVML_ERROR_INSUFFICIENT_RESOURCES:
      return "Insufficient Resources";
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH:
      return "Argument version mismatch";
    case NVML_ERROR_INVALID_STATE:  // the text is not in the facts (UNCONFIRMED)
      return "Invalid state";
    case NVML_ERROR_UNKNOWN:
      return "Unknown Error";
  }
  return "Unknown Error";
}

Status CopyString(std::string_view text, char* buffer, unsigned int length) {
  if (buffer == nullptr) return Status::InvalidArgument("the output buffer is NULL");
  if (length < text.size() + 1) {
    return Status::InsufficientSize("the buffer holds " + std::to_string(length) + " bytes; " +
                                    std::to_string(text.size() + 1) + " are needed");
  }
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  return Status::Ok();
}

Status Library::Init() {
  if (refcount_ > 0) {
    ++refcount_;
    return Status::Ok();
  }
  if (!catalog_.has_value()) {
    StatusOr<Catalog> catalog = Catalog::Load();
    if (!catalog.ok()) return catalog.status();
    catalog_.emplace(std::move(catalog).value());
  }
  StatusOr<EmulatorOptions> options = EmulatorOptionsFromEnvironment(*catalog_);
  if (!options.ok()) return options.status();
  const std::string dir = options->state_dir;
  // Opening validates MIGKIT_EMULATE against the directory and the state file, and creates the
  // node on first use; it runs on every first nvmlInit so a damaged state is reported there.
  StatusOr<std::unique_ptr<EmulatedNode>> opened =
      EmulatedNode::Open(Env::Default(), &*catalog_, std::move(options).value());
  if (!opened.ok()) return opened.status();
  // A node already opened on the same directory is kept: MIGKIT_FAULTS rules are consumed once
  // per process, not once per nvmlInit/nvmlShutdown cycle (mig-parted runs about 30 of those).
  if (node_ == nullptr || node_dir_ != dir) {
    node_ = std::move(opened).value();
    node_dir_ = dir;
  }
  const char* log = std::getenv("MIGKIT_NVML_LOG");
  log_errors_ = log != nullptr && *log != '\0' && std::strcmp(log, "0") != 0;
  refcount_ = 1;
  return Status::Ok();
}

void Library::Shutdown() {
  if (refcount_ > 0) --refcount_;
}

nvmlDevice_t Library::DeviceHandle(int gpu, int gi_id, int ci_id) {
  std::unique_ptr<nvmlDevice_st>& slot = devices_[{gpu, gi_id, ci_id}];
  if (slot == nullptr) {
    slot = std::make_unique<nvmlDevice_st>();
    slot->gpu = gpu;
    slot->gi_id = gi_id;
    slot->ci_id = ci_id;
    owned_devices_.insert(slot.get());
  }
  return slot.get();
}

nvmlGpuInstance_t Library::GpuInstanceHandle(int gpu, int gi_id) {
  std::unique_ptr<nvmlGpuInstance_st>& slot = gpu_instances_[{gpu, gi_id}];
  if (slot == nullptr) {
    slot = std::make_unique<nvmlGpuInstance_st>();
    slot->gpu = gpu;
    slot->gi_id = gi_id;
    owned_gis_.insert(slot.get());
  }
  return slot.get();
}

nvmlComputeInstance_t Library::ComputeInstanceHandle(int gpu, int gi_id, int ci_id) {
  std::unique_ptr<nvmlComputeInstance_st>& slot = compute_instances_[{gpu, gi_id, ci_id}];
  if (slot == nullptr) {
    slot = std::make_unique<nvmlComputeInstance_st>();
    slot->gpu = gpu;
    slot->gi_id = gi_id;
    slot->ci_id = ci_id;
    owned_cis_.insert(slot.get());
  }
  return slot.get();
}

StatusOr<const NodeState*> Call::State() {
  if (state_ == nullptr) {
    StatusOr<std::shared_ptr<const NodeState>> loaded = lib_->node().Snapshot();
    if (!loaded.ok()) return loaded.status();
    state_ = std::move(loaded).value();
  }
  return state_.get();
}

StatusOr<GpuRef> Call::Gpu(nvmlDevice_t d) {
  if (!lib_->Owns(d)) return Status::InvalidArgument("not a device handle of this library");
  if (d->is_mig()) {
    return Status::InvalidArgument("a MIG device handle was given where a GPU is needed");
  }
  StatusOr<const NodeState*> state = State();
  if (!state.ok()) return state.status();
  if (d->gpu >= static_cast<int>((*state)->gpus.size())) {
    return Status::InvalidArgument("GPU " + std::to_string(d->gpu) + " no longer exists");
  }
  return GpuRef{d->gpu, &(*state)->gpus[static_cast<size_t>(d->gpu)]};
}

StatusOr<InstanceRef> Call::Resolve(int gpu, int gi_id, int ci_id) {
  StatusOr<const NodeState*> state = State();
  if (!state.ok()) return state.status();
  if (gpu >= static_cast<int>((*state)->gpus.size())) {
    return Status::InvalidArgument("GPU " + std::to_string(gpu) + " no longer exists");
  }
  InstanceRef ref;
  ref.index = gpu;
  ref.gpu = &(*state)->gpus[static_cast<size_t>(gpu)];
  if (gi_id < 0) return ref;
  // A handle outlives its instance (handles name IDs); once the instance is gone the handle is
  // invalid, as the real driver's is after a destroy (mig-facts.md §6.3).
  ref.gi = ref.gpu->state.FindGpuInstance(gi_id);
  if (ref.gi == nullptr) {
    return Status::InvalidArgument("GPU instance " + std::to_string(gi_id) + " on GPU " +
                                   std::to_string(gpu) + " no longer exists");
  }
  ref.gi_profile = ref.gpu->model->FindProfileById(ref.gi->profile_id);
  if (ref.gi_profile == nullptr) return Status::Unknown("GPU instance with an unknown profile");
  if (ci_id < 0) return ref;
  for (const migkit::ComputeInstance& ci : ref.gi->compute_instances) {
    if (ci.id == ci_id) ref.ci = &ci;
  }
  if (ref.ci == nullptr) {
    return Status::InvalidArgument("compute instance " + std::to_string(ci_id) +
                                   " of GPU instance " + std::to_string(gi_id) + " on GPU " +
                                   std::to_string(gpu) + " no longer exists");
  }
  ref.ci_profile = FindCiProfile(*ref.gpu->model, *ref.gi_profile, ref.ci->profile_id);
  if (!ref.ci_profile.has_value())
    return Status::Unknown("compute instance with an unknown profile");
  const std::vector<MigDeviceRef> order = MigDevices(ref.gpu->state);
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i].gi_id == gi_id && order[i].ci_id == ci_id) ref.mig_index = static_cast<int>(i);
  }
  return ref;
}

StatusOr<InstanceRef> Call::MigDevice(nvmlDevice_t d) {
  if (!lib_->Owns(d)) return Status::InvalidArgument("not a device handle of this library");
  if (!d->is_mig()) return Status::NotSupported("the device is not a MIG device");
  return Resolve(d->gpu, d->gi_id, d->ci_id);
}

StatusOr<InstanceRef> Call::AnyDevice(nvmlDevice_t d, bool* mig) {
  if (!lib_->Owns(d)) return Status::InvalidArgument("not a device handle of this library");
  *mig = d->is_mig();
  return Resolve(d->gpu, d->gi_id, d->ci_id);
}

StatusOr<InstanceRef> Call::GpuInstance(nvmlGpuInstance_t gi) {
  if (!lib_->Owns(gi)) return Status::InvalidArgument("not a GPU instance handle of this library");
  return Resolve(gi->gpu, gi->gi_id, -1);
}

StatusOr<InstanceRef> Call::ComputeInstance(nvmlComputeInstance_t ci) {
  if (!lib_->Owns(ci)) {
    return Status::InvalidArgument("not a compute instance handle of this library");
  }
  return Resolve(ci->gpu, ci->gi_id, ci->ci_id);
}

}  // namespace migkit::nvml
