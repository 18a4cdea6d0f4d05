// Backend: one interface over every way migkit can reach GPUs.
//
// migctl, the planner and the layout applier talk only to a Backend, so the same code drives the
// emulated node (src/emu) and real GPUs through NVML. Operations mirror NVML's MIG calls and return
// the driver's errors as Status codes (core/status.h). Only calls named
// Set*/Reset*/Create*/Destroy* change anything; a Backend never changes a GPU on its own.
//
// Thread-safety: a Backend object is used from one thread; separate processes may share the GPUs
// (the emulator serialises them with a file lock, the driver does so for real GPUs).
#ifndef MIGKIT_BACKEND_BACKEND_H_
#define MIGKIT_BACKEND_BACKEND_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/cc.h"
#include "core/gpu_model.h"
#include "core/gpu_state.h"
#include "core/status.h"

namespace migkit {

/// A snapshot of one GPU.
struct GpuInfo {
  int index = 0;                    // NVML device index
  const GpuModel* model = nullptr;  // never null in a snapshot
  std::string uuid;                 // "GPU-..."
  std::string pci_bus_id;           // "00000000:18:00.0"
  GpuState state;                   // MIG mode, GIs and CIs
  /// MIG device UUIDs keyed by (GI ID, CI ID).
  std::map<std::pair<int, int>, std::string> mig_uuids;
};

/// The Confidential Computing state of the node (core/cc.h), as a backend can see it.
struct CcReport {
  std::vector<GpuCcState> gpus;  // by GPU index
  bool pending_known = true;     // false through NVML, which reports only the current mode
  NodeCcState node;              // through NVML: ready state and threshold only
  CcSystemView system;           // what nvmlSystemGetConfComputeState/Settings/Capabilities say
};

class Backend {
 public:
  Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;
  virtual ~Backend() = default;

  /// One line for humans: what this backend drives, e.g.
  /// "emulated node: 8x H100-SXM5-80GB (state in /home/u/.local/state/migkit)".
  virtual std::string Describe() const = 0;
  /// True when no real GPU can be changed through this backend.
  virtual bool IsEmulated() const = 0;

  /// A consistent snapshot of every GPU, ordered by index.
  virtual StatusOr<std::vector<GpuInfo>> Gpus() = 0;

  /// nvmlDeviceSetMigMode. On success `*activation` is OK when the new mode is in effect, or the
  /// reason it is pending (kResetRequired, kInUse, ...).
  virtual Status SetMigMode(int gpu, bool enable, Status* activation) = 0;
  /// Resets the GPU: a pending MIG mode takes effect and every GI/CI is lost.
  virtual Status ResetGpu(int gpu) = 0;
  /// The ID a create returns when the instance was created but another process destroyed it
  /// before it could be read back (NVML has no atomic create-and-describe): the create took
  /// effect, so it is not an error, but the instance's ID and placement are unknown.
  static constexpr int kGoneId = -1;

  /// Creates a GI; `start` empty lets the driver choose (mig-facts.md §4.3). The result's id may
  /// be kGoneId (see there).
  virtual StatusOr<GpuInstance> CreateGpuInstance(int gpu, int profile_id,
                                                  std::optional<int> start) = 0;
  virtual Status DestroyGpuInstance(int gpu, int gi_id) = 0;
  /// Creates a CI in GI `gi_id`; `start` empty takes the first free placement. The result's id
  /// may be kGoneId.
  virtual StatusOr<ComputeInstance> CreateComputeInstance(int gpu, int gi_id, int ci_profile_id,
                                                          std::optional<int> start) = 0;
  virtual Status DestroyComputeInstance(int gpu, int gi_id, int ci_id) = 0;

  // Confidential Computing (core/cc.h). A backend without CC support answers kNotSupported.
  virtual StatusOr<CcReport> CcStatus() {
    return Status::NotSupported(Describe() + " does not report confidential computing");
  }
  /// The pending CC mode of one GPU (active after its reset).
  virtual Status SetCcMode(int /*gpu*/, CcMode /*mode*/) { return CcSetNotSupported(); }
  /// The pending Protected PCIe mode of every GPU (active after each GPU's reset).
  virtual Status SetPpcieMode(bool /*on*/) { return CcSetNotSupported(); }
  /// The system-wide GPUs ready state (nvmlSystemSetConfComputeGpusReadyState).
  virtual Status SetCcReady(bool /*ready*/) {
    return Status::NotSupported(Describe() + " cannot set the CC ready state");
  }
  /// The key-rotation threshold (attacker advantage, 50..65).
  virtual Status SetCcKeyRotationThreshold(std::uint64_t /*value*/) {
    return Status::NotSupported(Describe() + " cannot set the key rotation threshold");
  }

 protected:
  Status CcSetNotSupported() const {
    // The mode is written to the GPU's firmware knobs by NVIDIA's gpu-admin-tools, never through
    // NVML (cc-facts.md §4.1).
    return Status::NotSupported(Describe() +
                                " cannot change CC modes: NVML has no call for it; "
                                "real GPUs use NVIDIA's gpu-admin-tools (--set-cc-mode)");
  }
};

}  // namespace migkit

#endif  // MIGKIT_BACKEND_BACKEND_H_
