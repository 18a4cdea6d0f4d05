// Fault injection for the emulator: make the next operations fail the way a real driver can.
//
// Tools built on NVML must cope with IN_USE, INSUFFICIENT_RESOURCES, a reset that fails, or a MIG
// mode change that stays pending. A FaultRule makes an operation fail with a chosen code, on one
// GPU or all, a number of times. Rules come from two places:
//   * MIGKIT_FAULTS (per process): "create-gi=in_use", "reset@1=unknown", "destroy-ci=in_use*3",
//     "mig-activation=reset_required*always" - items separated by ',' or ';';
//   * the node's state file (shared by all processes, consumed as they fire), managed with
//     `migctl emulator fault add|list|clear`.
// docs/emulator.md lists the operations and codes.
#ifndef MIGKIT_EMU_FAULTS_H_
#define MIGKIT_EMU_FAULTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace migkit {

enum class FaultOp {
  kMigMode,        // SetMigMode itself fails
  kMigActivation,  // SetMigMode succeeds but the change stays pending with this activation status
  kReset,          // a GPU reset fails; nothing changes
  kCreateGpuInstance,
  kDestroyGpuInstance,
  kCreateComputeInstance,
  kDestroyComputeInstance,
};

struct FaultRule {
  FaultOp op = FaultOp::kCreateGpuInstance;
  int gpu = -1;  // -1: any GPU
  Code code = Code::kUnknown;
  int remaining = 1;  // times left to fire; -1: always
  friend bool operator==(const FaultRule&, const FaultRule&) = default;
};

/// "create-gi", "mig-activation", ... (the names accepted by ParseFaultRules).
std::string_view FaultOpName(FaultOp op);
/// "in_use", "insufficient_resources", ...
std::string FaultCodeName(Code code);
/// Every operation name, comma-separated, for help texts and errors.
std::string FaultOpNames();
/// Every code name, comma-separated.
std::string FaultCodeNames();
/// "create-gi@1=in_use*2".
std::string FaultRuleToString(const FaultRule& rule);

/// Parses a MIGKIT_FAULTS-style list. kInvalidArgument names the bad item and the valid words.
StatusOr<std::vector<FaultRule>> ParseFaultRules(std::string_view text);

/// If a rule in `rules` matches (op, gpu), consumes one firing and returns its error; else OK.
Status FireFault(std::vector<FaultRule>* rules, FaultOp op, int gpu);

}  // namespace migkit

#endif  // MIGKIT_EMU_FAULTS_H_
