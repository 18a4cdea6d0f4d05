// NvmlBackend: the Backend over any libnvidia-ml.so.1 -- NVIDIA's, on real GPUs, or migkit's
// emulator library (src/nvml). There is one code path for both; only the options differ.
//
// Reading. Gpus() walks each device as go-nvlib does (mig-facts.md §6.5): name, UUID, PCI info,
// MIG mode; with MIG on, every GPU-instance profile index 0..0x11 (skipping NOT_SUPPORTED and
// INVALID_ARGUMENT), the GIs of each profile, the CI profiles 0..8 of each GI (engine profile
// shared) and their CIs. The profile answers are asked once per kind of board. A MIG UUID (§7)
// comes from the MIG device that the CI's info names, as in the DRA driver (§6.5); if a library
// does not name it, from go-nvlib's walk over the MIG device indices. The model of each GPU
// comes from the catalog, by product name (with its PCI device ID breaking ties) and then by PCI
// device ID. A GPU the catalog lacks is still listed: its model is derived from NVML at run time
// (profiles, placements, memory; no automatic-placement order) and named after the product, and
// a GPU without MIG support gets a model with no profiles.
//
// Changing. Set/Create/Destroy map one-to-one to nvmlDeviceSetMigMode,
// nvmlDeviceCreateGpuInstance(WithPlacement), nvmlGpuInstanceDestroy,
// nvmlGpuInstanceCreateComputeInstance(WithPlacement) and nvmlComputeInstanceDestroy. NVML has no
// GPU reset: ResetGpu runs NvmlBackendOptions::reset when given (migkit's emulator), and otherwise
// says to use `nvidia-smi -r`. With allow_changes off, every change is refused before NVML is
// called, so a real GPU changes only on an explicit request.
//
// Errors. NVML returns only a code. When a call fails, the backend re-runs the operation on the
// current state with migkit's model of the driver (core/gpu_state.h); if the model fails with the
// same code, its explanation ("3g.40gb fits only at 0:4 or 4:4, both taken") becomes the message,
// so migctl explains refusals the same way on both backends. Otherwise the message names the NVML
// function and code.
//
// Thread-safety: one thread per NvmlBackend (Backend's rule). A snapshot is a sequence of NVML
// calls, not an atomic read: a change made by another process during Gpus() may be seen halfway.
#ifndef MIGKIT_NVML_CLIENT_NVML_BACKEND_H_
#define MIGKIT_NVML_CLIENT_NVML_BACKEND_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend.h"
#include "catalog/catalog.h"
#include "nvml_client/nvml_library.h"

namespace migkit::nvml_client {

struct NvmlBackendOptions {
  /// True when the library is migkit's emulator (IsEmulated()). Default: false (real GPUs).
  bool emulated = false;
  /// Whether Set/Create/Destroy reach NVML. When false they fail with kNoPermission and
  /// `refusal` as the message, and nothing is changed. Default: true.
  bool allow_changes = true;
  std::string refusal;
  /// Resets GPU `index` (migkit's emulator resets through its state, as `nvidia-smi -r` would).
  /// Empty (the default): ResetGpu returns kNotSupported naming `nvidia-smi -r -i N`.
  std::function<Status(int index)> reset;
  /// Describe()'s text. Empty (the default): "NVML <path> (driver <v>, NVML <v>)".
  std::string description;
  /// Always read MIG UUIDs by walking the MIG device indices (the fallback, see Gpus()), even
  /// when compute-instance infos name their MIG devices. Default: false; tests set it.
  bool mig_uuids_by_index = false;
};

class NvmlBackend : public Backend {
 public:
  /// `catalog` must outlive the backend and every snapshot it returns.
  NvmlBackend(std::unique_ptr<NvmlLibrary> library, const Catalog* catalog,
              NvmlBackendOptions options);
  ~NvmlBackend() override;

  // Backend.
  std::string Describe() const override;
  bool IsEmulated() const override { return options_.emulated; }
  StatusOr<std::vector<GpuInfo>> Gpus() override;
  Status SetMigMode(int gpu, bool enable, Status* activation) override;
  Status ResetGpu(int gpu) override;
  StatusOr<GpuInstance> CreateGpuInstance(int gpu, int profile_id,
                                          std::optional<int> start) override;
  Status DestroyGpuInstance(int gpu, int gi_id) override;
  StatusOr<ComputeInstance> CreateComputeInstance(int gpu, int gi_id, int ci_profile_id,
                                                  std::optional<int> start) override;
  Status DestroyComputeInstance(int gpu, int gi_id, int ci_id) override;
  // Confidential computing, system-wide as NVML reports it (nvml_backend_cc.cc).
  StatusOr<CcReport> CcStatus() override;
  Status SetCcReady(bool ready) override;
  Status SetCcKeyRotationThreshold(std::uint64_t value) override;

  const NvmlLibrary& library() const { return *library_; }
  NvmlLibrary* mutable_library_for_testing() { return library_.get(); }

 private:
  /// The handle of GPU `gpu`; kInvalidArgument naming the valid range when there is none.
  StatusOr<nvmlDevice_t> Device(int gpu);
  /// One GPU's snapshot.
  StatusOr<GpuInfo> ReadGpu(int gpu, nvmlDevice_t device);
  /// The catalog's model of `device`, or one derived from NVML (kept for the backend's life).
  StatusOr<const GpuModel*> ModelOf(nvmlDevice_t device, const std::string& name,
                                    const nvmlPciInfo_t& pci);
  StatusOr<const GpuModel*> ModelOf(nvmlDevice_t device);
  StatusOr<std::unique_ptr<GpuModel>> DeriveModel(nvmlDevice_t device, const std::string& name,
                                                  const nvmlPciInfo_t& pci);
  /// What the profile queries of one kind of board return: (profile ID, instanceCount) of each
  /// GI profile index, and of the CI profiles of each GI profile ID. Boards with the same name
  /// and PCI device ID under one driver list the same profiles (they are fixed while MIG is on,
  /// mig-facts.md §6.3), so one walk serves every GPU of a kind and halves the NVML calls of a
  /// snapshot.
  struct ProfileTable {
    bool gi_read = false;
    std::vector<std::pair<unsigned int, unsigned int>> gi;
    std::map<unsigned int, std::vector<std::pair<unsigned int, unsigned int>>> ci;
  };
  /// Reads the GIs and CIs of `device` into `state`, and each CI's MIG device handle as its
  /// info reports it into `mig_handles`, by (GI ID, CI ID).
  Status ReadInstances(nvmlDevice_t device, ProfileTable* table, GpuState* state,
                       std::map<std::pair<int, int>, nvmlDevice_t>* mig_handles);
  Status ReadComputeInstances(nvmlGpuInstance_t gi, unsigned int gi_profile_id, ProfileTable* table,
                              GpuInstance* out,
                              std::map<std::pair<int, int>, nvmlDevice_t>* mig_handles);
  /// The UUIDs of the `mig_devices` MIG devices of `device` (one per compute instance).
  Status ReadMigUuids(nvmlDevice_t device, size_t mig_devices, GpuInfo* info);
  StatusOr<nvmlGpuInstance_t> GpuInstanceHandle(nvmlDevice_t device, int gi_id);
  /// kNoPermission with the refusal when changes are off.
  Status CheckChangesAllowed() const;
  /// `failure` from NVML, or migkit's explanation of it: `simulate` runs on a copy of GPU `gpu`'s
  /// current state, and its error replaces `failure` when the two codes agree.
  Status Explain(int gpu, const Status& failure,
                 const std::function<Status(const GpuModel&, GpuState*)>& simulate);

  std::unique_ptr<NvmlLibrary> library_;
  const Catalog* catalog_;
  NvmlBackendOptions options_;
  /// Models derived for GPUs the catalog lacks, by "<name>/<PCI device ID>"; never freed before
  /// the backend, since snapshots point at them.
  std::map<std::string, std::unique_ptr<GpuModel>> derived_;
  std::vector<std::unique_ptr<GpuModel>> retired_;
  /// Profile tables by "<name>/<PCI device ID>".
  std::map<std::string, ProfileTable> profile_tables_;
};

}  // namespace migkit::nvml_client

#endif  // MIGKIT_NVML_CLIENT_NVML_BACKEND_H_
