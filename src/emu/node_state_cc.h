// The confidential-computing fields of node.json (core/cc.h), kept apart from node_state.cc so that
// the file format's core and its CC part can change independently. Every field is optional on
// load: a node.json written before CC existed loads with CC off everywhere.
#ifndef MIGKIT_EMU_NODE_STATE_CC_H_
#define MIGKIT_EMU_NODE_STATE_CC_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/cc.h"
#include "core/gpu_model.h"
#include "core/status.h"

namespace migkit {

/// Makes the kCorruption status for a defect (node_state.cc adds the file's path and advice).
using CorruptFn = std::function<Status(const std::string&)>;

/// Adds "cc_mode", "cc_mode_pending", "ppcie", "ppcie_pending" to a GPU's JSON object.
void SerializeGpuCc(const GpuCcState& cc, nlohmann::json* gpu);
/// Whether a state file holds the CC fields: a format-1 file (written before them) must not, and
/// loads with CC off; a newer one must hold every one -- a missing field is a defect, never a
/// silent default.
enum class CcFields { kAbsent, kRequired };

/// Reads them back. A mode the model cannot have is a defect.
Status ParseGpuCc(const nlohmann::json& gpu, const GpuModel& model, size_t index, CcFields fields,
                  const CorruptFn& corrupt, GpuCcState* cc);

/// Adds the "cc" object (ready state, latch, threshold, policy, CPU caps) to the root.
void SerializeNodeCc(const NodeCcState& cc, nlohmann::json* root);
/// Reads it back; with CcFields::kAbsent, the defaults of NodeCcState.
Status ParseNodeCc(const nlohmann::json& root, CcFields fields, const CorruptFn& corrupt,
                   NodeCcState* cc);

}  // namespace migkit

#endif  // MIGKIT_EMU_NODE_STATE_CC_H_
