// NodeState: everything the emulated node persists, and its on-disk JSON form.
//
// The file (node.json in the state directory) is versioned ("format": 1). Loading validates every
// GPU against its model (core ValidateState), so a damaged or hand-edited file is reported as
// kCorruption with its path, never silently reset or half-used.
#ifndef MIGKIT_EMU_NODE_STATE_H_
#define MIGKIT_EMU_NODE_STATE_H_

#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/fleet_spec.h"
#include "core/cc.h"
#include "core/gpu_state.h"
#include "core/status.h"
#include "emu/faults.h"

namespace migkit {

struct EmulatedGpu {
  const GpuModel* model = nullptr;
  std::string uuid;        // "GPU-..."
  std::string pci_bus_id;  // "00000000:18:00.0"
  GpuState state;
  GpuCcState cc;  // confidential computing (core/cc.h)
  friend bool operator==(const EmulatedGpu&, const EmulatedGpu&) = default;
};

struct NodeState {
  FleetSpec spec;
  std::vector<EmulatedGpu> gpus;
  std::vector<FaultRule> faults;  // shared fault rules, consumed as they fire
  NodeCcState cc;                 // node-wide confidential computing state
  friend bool operator==(const NodeState&, const NodeState&) = default;
};

/// A fresh node for `spec`: MIG disabled everywhere, deterministic UUIDs and PCI bus IDs.
/// REQUIRES: every id in spec exists in `catalog`.
NodeState NewNodeState(const FleetSpec& spec, const Catalog& catalog);

/// The JSON text of `state` (stable key order, one GPU per block, trailing newline).
std::string SerializeNodeState(const NodeState& state);

/// Parses a state file's text. `path` names the file in errors. kCorruption on any defect: bad
/// JSON, unknown format version, unknown GPU model, or a state the driver could never reach.
StatusOr<NodeState> ParseNodeState(std::string_view text, const Catalog& catalog,
                                   const std::string& path);

/// The PCI bus ID of emulated GPU `index` ("00000000:18:00.0" for index 0, DGX H100 order).
std::string EmulatedPciBusId(int index);

}  // namespace migkit

#endif  // MIGKIT_EMU_NODE_STATE_H_
