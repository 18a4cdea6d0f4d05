#include "core/cc.h"

#include <array>
#include <utility>

#include "core/strings.h"

namespace migkit {
namespace {

// One enum <-> word table, so names and parsing cannot drift apart.
template <typename E, size_t N>
StatusOr<E> ParseWord(std::string_view text, const std::array<std::pair<E, const char*>, N>& table,
                      std::string_view what) {
  std::vector<std::string> valid;
  for (const auto& [value, word] : table) {
    if (EqualsIgnoreCase(text, word)) return value;
    valid.push_back(word);
  }
  return Status::InvalidArgument(std::string(what) + " '" + std::string(text) + "' is not one of " +
                                 Join(valid, ", "));
}

template <typename E, size_t N>
std::string_view WordOf(E value, const std::array<std::pair<E, const char*>, N>& table) {
  for (const auto& [v, word] : table) {
    if (v == value) return word;
  }
  return "?";
}

constexpr std::array<std::pair<CcMode, const char*>, 3> kModes = {
    {{CcMode::kOff, "off"}, {CcMode::kOn, "on"}, {CcMode::kDevtools, "devtools"}}};
constexpr std::array<std::pair<MigWithCcPolicy, const char*>, 2> kPolicies = {
    {{MigWithCcPolicy::kRefuse, "refuse"}, {MigWithCcPolicy::kAllow, "allow"}}};
constexpr std::array<std::pair<CcCpuCaps, const char*>, 5> kCpuCaps = {
    {{CcCpuCaps::kNone, "none"},
     {CcCpuCaps::kAmdSev, "amd-sev"},
     {CcCpuCaps::kIntelTdx, "intel-tdx"},
     {CcCpuCaps::kAmdSevSnp, "amd-sev-snp"},
     {CcCpuCaps::kAmdSnpVtom, "amd-snp-vtom"}}};

bool AnyActive(const std::vector<CcGpu>& gpus) {
  for (const CcGpu& g : gpus) {
    if (CcActive(g.cc)) return true;
  }
  return false;
}

Status NoCcMode() {
  // UNCONFIRMED: the facts give no error for these calls with CC off; RM's controls exist only
  // while CC is enabled, so Not Supported is the closest NVML answer.
  return Status::NotSupported(
      "no GPU is in a confidential computing mode; set one with `migctl cc set` and reset the GPU");
}

}  // namespace

std::string_view CcModeName(CcMode mode) { return WordOf(mode, kModes); }
StatusOr<CcMode> ParseCcMode(std::string_view text) { return ParseWord(text, kModes, "CC mode"); }
std::string_view MigWithCcPolicyName(MigWithCcPolicy p) { return WordOf(p, kPolicies); }
StatusOr<MigWithCcPolicy> ParseMigWithCcPolicy(std::string_view text) {
  return ParseWord(text, kPolicies, "MIG-with-CC policy");
}
std::string_view CcCpuCapsName(CcCpuCaps caps) { return WordOf(caps, kCpuCaps); }
StatusOr<CcCpuCaps> ParseCcCpuCaps(std::string_view text) {
  return ParseWord(text, kCpuCaps, "CPU CC capability");
}

bool CcActive(const GpuCcState& cc) { return cc.current != CcMode::kOff || cc.ppcie_current; }

Status SetPendingCcMode(const GpuModel& model, GpuCcState* cc, CcMode mode) {
  if (!model.cc.cc && mode != CcMode::kOff) {
    return Status::NotSupported(model.id +
                                " has no confidential computing mode (models with one: " +
                                "H100, H200, B200, RTX PRO 6000 Blackwell Server Edition)");
  }
  cc->pending = mode;
  if (mode != CcMode::kOff) cc->ppcie_pending = false;
  return Status::Ok();
}

Status SetPendingPpcie(std::vector<CcGpu*>& gpus, bool on) {
  if (on) {
    for (size_t i = 0; i < gpus.size(); ++i) {
      if (!gpus[i]->model->cc.ppcie) {
        return Status::NotSupported("GPU " + std::to_string(i) + " (" + gpus[i]->model->id +
                                    ") has no Protected PCIe mode; PPCIe is a Hopper HGX mode "
                                    "(H100 SXM, H200) and takes every GPU of the node");
      }
    }
  }
  for (CcGpu* g : gpus) {
    g->cc.ppcie_pending = on;
    if (on) g->cc.pending = CcMode::kOff;
  }
  return Status::Ok();
}

void ApplyCcReset(const GpuModel& model, GpuCcState* cc, GpuState* mig, NodeCcState* node) {
  const bool changed = cc->current != cc->pending || cc->ppcie_current != cc->ppcie_pending;
  cc->current = cc->pending;
  cc->ppcie_current = cc->ppcie_pending;
  if (changed && model.mode_change == ModeChangeRule::kImmediate) {
    // I1: on H100 MIG mode is driver state and is gone after the GPU resets.
    mig->mig_current = mig->mig_pending = false;
    mig->gpu_instances.clear();
  }
  node->ready = false;
  node->ready_latched = false;
}

Status CheckMigAllowed(const GpuCcState& cc, const NodeCcState& node) {
  if (cc.current == CcMode::kOff || node.mig_with_cc == MigWithCcPolicy::kAllow) {
    return Status::Ok();
  }
  // UNCONFIRMED: no source says what a driver answers here (cc-facts.md §3, §9.1). What is sourced
  // is that no supported deployment combines them, so the emulator refuses by default.
  return Status::NotSupported(
      "the GPU is in confidential computing mode '" + std::string(CcModeName(cc.current)) +
      "' and no NVIDIA driver documents MIG together with CC (UNCONFIRMED); set the CC mode to off "
      "and reset the GPU, or allow the combination with `migctl emulator cc --mig-with-cc allow`");
}

CcSystemView CcSystem(const std::vector<CcGpu>& gpus, const NodeCcState& node) {
  CcSystemView v;
  v.cpu_caps = static_cast<unsigned>(node.cpu_caps);
  bool all_capable = !gpus.empty();
  bool any_ppcie = false, any_on = false, any_devtools = false;
  int nvle = 0;
  for (const CcGpu& g : gpus) {
    all_capable = all_capable && g.model->cc.cc;
    any_ppcie = any_ppcie || g.cc.ppcie_current;
    any_on = any_on || g.cc.current == CcMode::kOn;
    any_devtools = any_devtools || g.cc.current == CcMode::kDevtools;
    if (g.cc.current != CcMode::kOff && g.model->cc.nvlink_encryption) ++nvle;
  }
  v.gpus_caps = all_capable ? 1 : 0;
  if (any_ppcie) {
    // §5.4: environment is set to PROD before ccFeature is forced to DISABLED.
    v.environment = 2;
    v.multi_gpu_mode = 1;
  } else if (any_devtools) {
    v.environment = 1;
    v.cc_feature = 1;
    v.devtools_mode = 1;
  } else if (any_on) {
    v.environment = 2;
    v.cc_feature = 1;
  }
  if (!any_ppcie && nvle > 1) v.multi_gpu_mode = 2;  // NVLE only with more than one GPU (§5.4)
  return v;
}

Status SetCcReady(const std::vector<CcGpu>& gpus, NodeCcState* node, unsigned value) {
  if (value > 1) {
    return Status::InvalidArgument("ready state " + std::to_string(value) +
                                   " is not 0 (not accepting work) or 1 (accepting work)");
  }
  if (node->ready_latched) {
    return Status::InvalidArgument(
        "the GPUs ready state was set and then cleared; the driver refuses every later change "
        "until the GPUs are reset");
  }
  if (!AnyActive(gpus)) return NoCcMode();
  if (node->ready && value == 0) node->ready_latched = true;
  node->ready = value == 1;
  return Status::Ok();
}

Status SetCcAttackerAdvantage(const std::vector<CcGpu>& gpus, NodeCcState* node,
                              std::uint64_t value) {
  if (!AnyActive(gpus)) return NoCcMode();
  if (value < kCcAttackerAdvantageMin || value > kCcAttackerAdvantageMax) {
    return Status::InvalidArgument(
        "key rotation threshold (attacker advantage) " + std::to_string(value) + " is outside " +
        std::to_string(kCcAttackerAdvantageMin) + ".." + std::to_string(kCcAttackerAdvantageMax));
  }
  if (node->ready) {
    return Status::InvalidState(
        "the key rotation threshold can be set only while the GPUs ready state is not ready");
  }
  node->attacker_advantage = value;
  return Status::Ok();
}

CcMemSize CcMemorySize(const GpuModel& model, const GpuCcState& cc) {
  const std::uint64_t total = model.memory_mib * 1024;
  if (CcActive(cc)) return {total, 0};
  return {0, total};
}

}  // namespace migkit
