// Library: the per-process state behind migkit's libnvidia-ml.so.1.
//
// The library holds no MIG state of its own: every call takes the emulated node's current state
// (EmulatedNode::Snapshot: the cached parse of node.json, re-read only when the file changed), so a
// change made by migctl or another NVML process is seen on the next call, and every change goes
// through EmulatedNode so that injected faults fire.
// What it does keep per process:
//   * the init reference count and the opened EmulatedNode;
//   * handle objects. A handle names *what* it refers to -- a GPU index, (GPU, GI ID),
//     (GPU, GI ID, CI ID) -- and is resolved against the current state on each call. Handles are
//     created on first use and live until the library is unloaded, so they stay valid across
//     nvmlShutdown/nvmlInit.
//
// Lifetime: one Library per loaded copy of the shared object, created on first use and destroyed
// by the object's ELF destructor (at dlclose or exit); see library.cc.
// Thread-safety: all access goes through Call, which holds the library lock.
#ifndef MIGKIT_NVML_LIBRARY_H_
#define MIGKIT_NVML_LIBRARY_H_

#include <cstdint>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "core/gpu_state.h"
#include "core/status.h"
#include "emu/emulated_node.h"
#include "emu/event_log.h"
#include "emu/node_state.h"
#include "nvml/nvml_abi.h"

// The handle representations. Clients only see pointers to them.
struct nvmlDevice_st {
  int gpu = 0;
  int gi_id = -1;  // >= 0 for a MIG device handle
  int ci_id = -1;
  bool is_mig() const { return gi_id >= 0; }
};
struct nvmlGpuInstance_st {
  int gpu = 0;
  int gi_id = 0;
};
struct nvmlComputeInstance_st {
  int gpu = 0;
  int gi_id = 0;
  int ci_id = 0;
};
// An event set: the GPUs and event types registered with it, and where it is in the node's event
// log (emu/event_log.h), so that it sees exactly the events after each registration.
struct nvmlEventSet_st {
  struct Registration {
    int gpu = 0;
    unsigned long long types = 0;
  };
  std::vector<Registration> registrations;
  bool reading = false;                       // offset is valid: set by the first registration
  std::uint64_t offset = 0;                   // log bytes already consumed
  std::deque<migkit::HardwareEvent> pending;  // matched, not yet returned by a wait
};

namespace migkit::nvml {

/// Copies `text` and its terminating NUL into `buffer` of `length` bytes. kInvalidArgument if
/// `buffer` is null; kInsufficientSize if it is too small (nothing is written then).
Status CopyString(std::string_view text, char* buffer, unsigned int length);

/// The single conversion from a migkit Status to an NVML return code (as LevelDB's SaveError):
/// codes numbered like nvmlReturn_t pass through, migkit-only codes become NVML_ERROR_UNKNOWN.
nvmlReturn_t ToNvmlReturn(const Status& status) noexcept;

/// Records the outcome of this thread's latest NVML call (see nvmlMigkitGetLastError): the full
/// status of a failure, or nothing after a success. Kept in a fixed thread_local buffer, so the
/// library still has no static objects with destructors.
void SetLastError(const Status& status, nvmlReturn_t returned);

/// nvmlMigkitGetLastError: the status recorded by SetLastError if this thread's last call failed
/// with `result`; NVML_ERROR_NOT_FOUND otherwise.
nvmlReturn_t GetLastError(nvmlReturn_t result, int* code, char* message, unsigned int length);

/// nvmlErrorString's text for `result`: the real library's strings (mig-facts.md §6.1).
const char* ErrorString(nvmlReturn_t result) noexcept;

class Library {
 public:
  Library() = default;
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;

  /// Takes a reference. The first one loads the catalog and opens the node from the environment
  /// (MIGKIT_EMULATE, MIGKIT_STATE_DIR, MIGKIT_FAULTS); a failure leaves the count unchanged.
  Status Init();
  /// Drops a reference; extra calls are not an error (nvml.h: "for backwards compatibility").
  void Shutdown();
  bool initialized() const { return refcount_ > 0; }
  /// MIGKIT_NVML_LOG is set: failing calls print their reason on stderr.
  bool log_errors() const { return log_errors_; }

  /// REQUIRES: initialized().
  EmulatedNode& node() { return *node_; }

  nvmlDevice_t GpuHandle(int gpu) { return DeviceHandle(gpu, -1, -1); }
  nvmlDevice_t MigHandle(int gpu, int gi_id, int ci_id) { return DeviceHandle(gpu, gi_id, ci_id); }
  nvmlGpuInstance_t GpuInstanceHandle(int gpu, int gi_id);
  nvmlComputeInstance_t ComputeInstanceHandle(int gpu, int gi_id, int ci_id);
  /// True if `handle` is one this library handed out (so it may be dereferenced).
  bool Owns(nvmlDevice_t h) const { return h != nullptr && owned_devices_.count(h) > 0; }
  bool Owns(nvmlGpuInstance_t h) const { return h != nullptr && owned_gis_.count(h) > 0; }
  bool Owns(nvmlComputeInstance_t h) const { return h != nullptr && owned_cis_.count(h) > 0; }
  bool Owns(nvmlEventSet_t h) const { return h != nullptr && event_sets_.count(h) > 0; }

  /// A new, empty event set, owned by the library until FreeEventSet or unload.
  nvmlEventSet_t NewEventSet();
  /// REQUIRES: Owns(set).
  void FreeEventSet(nvmlEventSet_t set) { event_sets_.erase(set); }

  std::mutex& mu() { return mu_; }

 private:
  nvmlDevice_t DeviceHandle(int gpu, int gi_id, int ci_id);

  std::mutex mu_;
  int refcount_ = 0;
  bool log_errors_ = false;
  std::optional<Catalog> catalog_;  // loaded once per library load; the node points into it
  std::string node_dir_;            // state directory the node was opened on
  std::unique_ptr<EmulatedNode> node_;
  std::map<std::tuple<int, int, int>, std::unique_ptr<nvmlDevice_st>> devices_;
  std::map<std::pair<int, int>, std::unique_ptr<nvmlGpuInstance_st>> gpu_instances_;
  std::map<std::tuple<int, int, int>, std::unique_ptr<nvmlComputeInstance_st>> compute_instances_;
  std::unordered_set<nvmlDevice_t> owned_devices_;
  std::unordered_set<nvmlGpuInstance_t> owned_gis_;
  std::unordered_set<nvmlComputeInstance_t> owned_cis_;
  std::map<nvmlEventSet_t, std::unique_ptr<nvmlEventSet_st>> event_sets_;
};

/// The library of this loaded copy, or nullptr while it is being unloaded.
Library* TheLibrary();

/// Prints "migkit libnvidia-ml: <function>: <status>" on stderr.
void LogFailure(const char* function, const Status& status);

/// A physical GPU, resolved against the current state.
struct GpuRef {
  int index = 0;
  const EmulatedGpu* gpu = nullptr;
};

/// A MIG device, GPU instance or compute instance, resolved against the current state.
struct InstanceRef {
  int index = 0;  // the GPU's index
  const EmulatedGpu* gpu = nullptr;
  const GpuInstance* gi = nullptr;
  const GiProfile* gi_profile = nullptr;
  const ComputeInstance* ci = nullptr;  // null for a GPU instance
  std::optional<CiProfile> ci_profile;
  int mig_index = -1;  // position in MIG device order (§7), for a CI
};

/// One NVML call: holds the library lock, takes the node state at most once, and resolves
/// handles against it. Every entry point runs inside one (see RunCall in entry_points.h).
class Call {
 public:
  explicit Call(Library* lib) : lib_(lib) {}

  Library& lib() { return *lib_; }
  /// The node's current state, read on first use within the call.
  StatusOr<const NodeState*> State();

  /// `d` as a physical GPU. kInvalidArgument if `d` is null, unknown or a MIG device handle.
  StatusOr<GpuRef> Gpu(nvmlDevice_t d);
  /// `d` as a MIG device. kInvalidArgument if null, unknown or stale; kNotSupported if it is a
  /// physical GPU.
  StatusOr<InstanceRef> MigDevice(nvmlDevice_t d);
  /// `d` as either; `*mig` tells which. Stale MIG handles give kInvalidArgument.
  StatusOr<InstanceRef> AnyDevice(nvmlDevice_t d, bool* mig);
  StatusOr<InstanceRef> GpuInstance(nvmlGpuInstance_t gi);
  StatusOr<InstanceRef> ComputeInstance(nvmlComputeInstance_t ci);

 private:
  StatusOr<InstanceRef> Resolve(int gpu, int gi_id, int ci_id);

  Library* lib_;
  // Held for the whole call, so the references handed out stay valid even if the node's cache
  // moves on to a newer state.
  std::shared_ptr<const NodeState> state_;
};

/// Prints "migkit libnvidia-ml: <function>: internal error: <what>" on stderr. Never throws.
void LogException(const char* function, const char* what) noexcept;

/// The one guard around the body of every extern "C" function: `body()` returns the function's
/// nvmlReturn_t, and any exception it throws becomes NVML_ERROR_UNKNOWN (with a line on stderr:
/// it is a bug). No exception may unwind into a C caller's frames, which have no unwind
/// information to run, so this is noexcept: anything escaping the catch ends the process here.
template <typename Body>
nvmlReturn_t Guard(const char* function, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    LogException(function, e.what());
  } catch (...) {
    LogException(function, "an exception that is not a std::exception");
  }
  return NVML_ERROR_UNKNOWN;
}

/// Runs one NVML entry point inside Guard: NVML_ERROR_UNINITIALIZED unless nvmlInit succeeded;
/// otherwise `fn` runs under the library lock with a fresh Call, and its Status is converted
/// once and recorded for nvmlMigkitGetLastError. With MIGKIT_NVML_LOG set, a failure prints
/// "<function>: <reason>" on stderr.
template <typename Fn>
nvmlReturn_t RunCall(const char* function, Fn&& fn) noexcept {
  return Guard(function, [&]() -> nvmlReturn_t {
    Library* lib = TheLibrary();
    if (lib == nullptr) return NVML_ERROR_UNINITIALIZED;
    std::lock_guard<std::mutex> lock(lib->mu());
    if (!lib->initialized()) return NVML_ERROR_UNINITIALIZED;
    Status status;
    {
      Call call(lib);
      status = fn(call);
    }
    if (!status.ok() && lib->log_errors()) LogFailure(function, status);
    const nvmlReturn_t returned = ToNvmlReturn(status);
    SetLastError(status, returned);
    return returned;
  });
}

}  // namespace migkit::nvml

#endif  // MIGKIT_NVML_LIBRARY_H_
