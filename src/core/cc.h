// Confidential Computing (CC): the per-GPU and node-wide CC state and the driver's rules for it
// (../shared/research/cc-facts.md). Pure, like gpu_state.h: the emulator persists this state, the
// NVML library and migctl read it through these functions.
//
// What is modelled (cc-facts.md §1, §4, §5.4):
//  - each GPU has a current and a pending CC mode (off / on / devtools) and a current and pending
//    Protected PCIe (PPCIe) bit; a set changes only the pending value, a GPU reset makes it
//    current;
//  - CC and PPCIe exclude each other: setting one clears the other's pending value, as
//    gpu-admin-tools does with its knobs (C5);
//  - PPCIe is set node-wide (every GPU of the HGX board into one CVM, D5), but each GPU applies it
//    at its own reset, as on hardware (k8s-cc-manager resets them together, C6);
//  - on Hopper and later MIG mode does not survive a reset (I1), so a reset that changes the CC or
//    PPCIe mode leaves MIG disabled (DERIVED, §3);
//  - the system-wide "GPUs ready" state latches: after ready was set and then cleared, every later
//    set fails (RM's fatal flag, C4/C8), until the node is reset;
//  - the key-rotation threshold (attacker advantage) is 50..65, default 60, settable only while
//    the GPUs are not ready (C4, C1).
// MIG together with CC is governed by one switch, MigWithCcPolicy: no driver documents the
// combination (§3), so the default refuses it. UNCONFIRMED either way.
#ifndef MIGKIT_CORE_CC_H_
#define MIGKIT_CORE_CC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/gpu_model.h"
#include "core/gpu_state.h"
#include "core/status.h"

namespace migkit {

/// gpu-admin-tools' words (cc-facts.md §4.1).
enum class CcMode { kOff, kOn, kDevtools };

std::string_view CcModeName(CcMode mode);  // "off", "on", "devtools"
/// Parses "off" / "on" / "devtools" (case-insensitive).
StatusOr<CcMode> ParseCcMode(std::string_view text);

/// One GPU's CC settings.
struct GpuCcState {
  CcMode current = CcMode::kOff;
  CcMode pending = CcMode::kOff;
  bool ppcie_current = false;
  bool ppcie_pending = false;
  friend bool operator==(const GpuCcState&, const GpuCcState&) = default;
};

/// What the emulator does when MIG is asked for on a GPU whose CC mode is on or devtools.
enum class MigWithCcPolicy {
  kRefuse,  // default: NOT_SUPPORTED, "no driver documents MIG with CC" (UNCONFIRMED)
  kAllow,   // MIG and CC are independent (the open RM has CC+MIG code paths, §3)
};
std::string_view MigWithCcPolicyName(MigWithCcPolicy policy);  // "refuse", "allow"
StatusOr<MigWithCcPolicy> ParseMigWithCcPolicy(std::string_view text);

/// NVML_CC_SYSTEM_CPU_CAPS_* (cc-facts.md §5.1): the CVM's CPU TEE as the emulated host reports it.
enum class CcCpuCaps : unsigned {
  kNone = 0,
  kAmdSev = 1,
  kIntelTdx = 2,
  kAmdSevSnp = 3,
  kAmdSnpVtom = 4
};
std::string_view CcCpuCapsName(
    CcCpuCaps caps);  // "none", "amd-sev", "intel-tdx", "amd-sev-snp", "amd-snp-vtom"
StatusOr<CcCpuCaps> ParseCcCpuCaps(std::string_view text);

/// Key-rotation threshold limits (NVML_CC_KEY_ROTATION_THRESHOLD_ATTACKER_ADVANTAGE_MIN/MAX from
/// header 12.8 on, and RM's clamp) and RM's default (cc-facts.md §2, §5.1, §5.4).
inline constexpr std::uint64_t kCcAttackerAdvantageMin = 50;
inline constexpr std::uint64_t kCcAttackerAdvantageMax = 65;
inline constexpr std::uint64_t kCcAttackerAdvantageDefault = 60;

/// The node-wide CC state (NVML's CC calls are system-wide, cc-facts.md §8).
struct NodeCcState {
  bool ready = false;          // nvmlSystemGetConfComputeGpusReadyState
  bool ready_latched = false;  // ready was set and then cleared: every later set fails
  std::uint64_t attacker_advantage = kCcAttackerAdvantageDefault;
  MigWithCcPolicy mig_with_cc = MigWithCcPolicy::kRefuse;
  CcCpuCaps cpu_caps = CcCpuCaps::kNone;
  friend bool operator==(const NodeCcState&, const NodeCcState&) = default;
};

/// The values of nvmlSystemGetConfComputeState / Settings (NVML_CC_SYSTEM_* numbers, §5.1).
struct CcSystemView {
  unsigned environment = 0;     // 0 UNAVAILABLE, 1 SIM, 2 PROD
  unsigned cc_feature = 0;      // 0 DISABLED, 1 ENABLED
  unsigned devtools_mode = 0;   // 0 OFF, 1 ON
  unsigned multi_gpu_mode = 0;  // 0 NONE, 1 PROTECTED_PCIE, 2 NVLE
  unsigned gpus_caps = 0;       // 0 NOT_CAPABLE, 1 CAPABLE
  unsigned cpu_caps = 0;        // NVML_CC_SYSTEM_CPU_CAPS_*
};

/// One GPU as the CC rules see it.
struct CcGpu {
  const GpuModel* model = nullptr;
  GpuCcState cc;
};

/// Whether the GPU is in a CC mode now (on, devtools or PPCIe).
bool CcActive(const GpuCcState& cc);

/// Sets the pending CC mode of one GPU (gpu-admin-tools --set-cc-mode). kNotSupported when the
/// model has no CC. A mode other than off clears the pending PPCIe bit (mutually exclusive).
Status SetPendingCcMode(const GpuModel& model, GpuCcState* cc, CcMode mode);

/// Sets the pending PPCIe bit of every GPU (--set-ppcie-mode on the whole board). kNotSupported,
/// naming the GPU, when one is not PPCIe-capable and `on`; on clears every pending CC mode.
Status SetPendingPpcie(std::vector<CcGpu*>& gpus, bool on);

/// Applies a GPU reset to its CC state: pending becomes current. When the CC or PPCIe mode changed
/// on a Hopper-or-later GPU, MIG is disabled and its instances are gone (I1, DERIVED). The node's
/// ready state and its latch are cleared (the GPUs restart their CC session; UNCONFIRMED).
void ApplyCcReset(const GpuModel& model, GpuCcState* cc, GpuState* mig, NodeCcState* node);

/// The answer to "may MIG be enabled / a GPU instance created on this GPU now". kNotSupported with
/// the reason under MigWithCcPolicy::kRefuse when the GPU's current CC mode is on or devtools.
Status CheckMigAllowed(const GpuCcState& cc, const NodeCcState& node);

/// The system-wide view NVML reports (§5.4): CC on ⇒ PROD and ENABLED; devtools ⇒ SIM and
/// devToolsMode 1; PPCIe ⇒ PROD, ccFeature DISABLED, multiGpuMode PROTECTED_PCIE; CC on with more
/// than one NVLE-capable GPU ⇒ multiGpuMode NVLE.
CcSystemView CcSystem(const std::vector<CcGpu>& gpus, const NodeCcState& node);

/// nvmlSystemSetConfComputeGpusReadyState. kInvalidArgument for a value other than 0/1 or once the
/// latch is set; kNotSupported when no GPU is in a CC mode (UNCONFIRMED).
Status SetCcReady(const std::vector<CcGpu>& gpus, NodeCcState* node, unsigned value);

/// nvmlSystemSetConfComputeKeyRotationThresholdInfo. kInvalidArgument outside 50..65,
/// kInvalidState while the GPUs are ready, kNotSupported when no GPU is in a CC mode (UNCONFIRMED).
Status SetCcAttackerAdvantage(const std::vector<CcGpu>& gpus, NodeCcState* node,
                              std::uint64_t value);

/// Protected / unprotected framebuffer in KiB (nvmlDeviceGetConfComputeMemSizeInfo). CC off: all
/// unprotected. CC active: all protected (the real split is UNCONFIRMED, cc-facts.md §9.3).
struct CcMemSize {
  std::uint64_t protected_kib = 0;
  std::uint64_t unprotected_kib = 0;
};
CcMemSize CcMemorySize(const GpuModel& model, const GpuCcState& cc);

}  // namespace migkit

#endif  // MIGKIT_CORE_CC_H_
