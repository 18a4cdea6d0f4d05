// GpuModel: the static MIG description of one GPU model (A100-SXM4-40GB, H100-SXM5-80GB, ...).
//
// Everything here is data from mig-facts.md §2-§5, loaded from data/gpus/*.yaml by the catalog
// layer; no table lives in code. A model is immutable once built and is shared by every GPU of that
// model. Values the facts mark UNCONFIRMED keep the value and name the field in `unconfirmed`, so a
// correction is a one-line change in the data file.
#ifndef MIGKIT_CORE_GPU_MODEL_H_
#define MIGKIT_CORE_GPU_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace migkit {

/// NVML's nvmlDeviceArchitecture_t values (mig-facts.md §6.4).
enum class Architecture : int { kAmpere = 7, kHopper = 9, kBlackwell = 10 };

/// What happens when the MIG mode is changed (mig-facts.md §9).
enum class ModeChangeRule {
  kPendingUntilReset,  // Ampere: the new mode is pending until the GPU is reset
  kImmediate,          // Hopper and later: the new mode is current at once
};

/// How a GPU-instance profile uses the media engines (NVDEC/NVJPG/NVOFA). The constraint between
/// kAll and the others is the nvml.h rule "allocating a *_ALL_ME instance prevents allocation of
/// all but *_NO_ME profiles" (mig-facts.md §3.12).
enum class MediaUse {
  kDefault,  // the profile's share of media engines (most profiles, and "+me")
  kNone,     // "-me": no media engines; may coexist with a "+me.all" instance
  kAll,      // "+me.all": every media engine; only "-me" instances may coexist
};

/// A GPU-instance profile, as nvmlDeviceGetGpuInstanceProfileInfo reports it plus its placements.
struct GiProfile {
  int nvml_index = 0;  // NVML_GPU_INSTANCE_PROFILE_* (the index clients enumerate, 0x0..0x11)
  int id = 0;          // the profile ID (nvidia-smi's ID column, nvmlGpuInstanceInfo_t.profileId)
  std::string name;    // "1g.10gb", "1g.10gb+me", "2g.48gb-me" (no "MIG " prefix)
  int slices = 0;      // compute slices ("Ng"); sliceCount in NVML
  int placement_size = 0;  // placement units occupied (memory slices; 3 units per slice on RTX PRO)
  int instance_count = 0;  // how many may exist at once (the "Total" of Free/Total)
  std::uint64_t memory_mib = 0;
  int multiprocessors = 0;
  int copy_engines = 0;
  int decoders = 0;
  int encoders = 0;
  int jpeg = 0;
  int ofa = 0;
  bool p2p = false;       // isP2pSupported: "No" on every captured GPU (mig-facts.md §3.1)
  bool graphics = false;  // "+gfx" profiles (NVML_GPU_INSTANCE_PROFILE_CAPS_GFX)
  MediaUse media = MediaUse::kDefault;
  std::vector<int> placement_starts;     // valid starts, ascending (-lgipp)
  std::vector<std::string> unconfirmed;  // names of fields the facts mark UNCONFIRMED

  bool IsUnconfirmed(const std::string& field) const;
};

/// A compute-instance profile inside a GPU instance of a given profile.
struct CiProfile {
  int id = 0;              // NVML_COMPUTE_INSTANCE_PROFILE_* (the value is the ID, §5)
  int slices = 0;          // compute slices of the GI it uses
  int gi_slices = 0;       // compute slices of the GI it belongs to
  int instance_count = 0;  // how many may exist at once in one GI
  int multiprocessors = 0;
  std::string name;                   // "1c.3g.40gb", or the GI's name when it spans the whole GI
  std::vector<int> placement_starts;  // in compute slices within the GI
  bool is_default = false;            // the profile -C / --with-ci creates ("*" in -lcip)
};

/// Confidential Computing support of a model, as NVIDIA documents it (cc-facts.md §2, §8). The
/// data file's `confidential_computing:` block; a field the facts do not confirm is named in the
/// model's `unconfirmed` as `confidential_computing.<field>`.
struct CcSupport {
  bool cc = false;                  // CC modes on / devtools (single-GPU passthrough)
  bool ppcie = false;               // Hopper Protected PCIe (whole HGX board into one CVM)
  bool nvlink_encryption = false;   // Blackwell NVLE (multi-GPU CC with encrypted NVLink)
  std::string min_driver;           // first driver with supported CC ("" when not supported)
  std::string early_access_driver;  // an earlier early-access driver ("" when none)
};

/// The static description of a MIG-capable GPU model.
struct GpuModel {
  std::string id;                    // catalog identifier, e.g. "H100-SXM5-80GB"
  std::string product_name;          // nvmlDeviceGetName, e.g. "NVIDIA H100 80GB HBM3"
  std::vector<std::string> aliases;  // other accepted names (case-insensitive)
  std::uint32_t pci_device_id = 0;   // combined device/vendor ID as mig-parted uses it (0x233010DE)
  std::uint32_t pci_subsystem_id = 0;  // 0 when unknown
  Architecture architecture = Architecture::kHopper;
  int cuda_major = 0;  // compute capability
  int cuda_minor = 0;
  std::uint64_t memory_mib = 0;  // total framebuffer as nvidia-smi/NVML report it
  int multiprocessors = 0;       // SMs of the whole GPU in MIG mode (the full-GPU profile's SMs)
  int compute_slices = 0;        // 7 or 4
  int memory_slices = 0;         // 8 or 4
  int placement_units = 0;       // length of the placement axis: 8, 4, or 12 on RTX PRO 6000
  int max_gpu_instances = 0;     // 7, 4, ...
  ModeChangeRule mode_change = ModeChangeRule::kImmediate;
  std::vector<GiProfile> gi_profiles;  // ordered by NVML index
  /// The order in which the driver tries placement starts when none is given, per placement size
  /// (mig-facts.md §4.3). A start missing from a profile's own list is skipped.
  std::map<int, std::vector<int>> auto_placement_order;
  CcSupport cc;                          // Confidential Computing (core/cc.h)
  std::vector<std::string> unconfirmed;  // model-level fields marked UNCONFIRMED
  std::string notes;                     // provenance, free text

  /// The profile with this profile ID, or nullptr.
  const GiProfile* FindProfileById(int profile_id) const;
  /// The profile with this NVML index, or nullptr.
  const GiProfile* FindProfileByIndex(int nvml_index) const;
  /// The profile with this name ("3g.40gb", "MIG 3g.40gb", case-insensitive), or nullptr.
  const GiProfile* FindProfileByName(const std::string& name) const;
  /// Compute-instance profiles of a GI of `gi` profile, ordered by CI profile ID. Derived from the
  /// GI size with go-nvlib's rule (mig-facts.md §5); see ci_profiles.cc.
  std::vector<CiProfile> ComputeProfilesFor(const GiProfile& gi) const;
  /// The GI profile that uses the whole GPU (e.g. 7g.80gb).
  const GiProfile* FullProfile() const;
  bool IsUnconfirmed(const std::string& field) const;
};

}  // namespace migkit

#endif  // MIGKIT_CORE_GPU_MODEL_H_
