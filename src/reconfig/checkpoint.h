// Checkpoint: the exact MIG layout of a node (mode, every GI and CI with ID and placement) in a
// JSON file, so `migctl restore` can bring it back - through the same planner as apply, so
// instances that are still in place stay untouched.
//
//   {"format": 1, "created": "2026-01-01T10:00:00Z", "gpus": [
//     {"index": 0, "uuid": "GPU-...", "model": "H100-SXM5-80GB", "mig_enabled": true,
//      "gpu_instances": [{"id": 1, "profile_id": 9, "profile": "3g.40gb", "start": 0, "size": 4,
//        "compute_instances": [{"id": 0, "profile_id": 2, "profile": "3g.40gb", "start": 0,
//                               "size": 3}]}]}]}
//
// GPUs are matched by UUID on restore, so a checkpoint survives a change of GPU numbering; the
// profile names are for people, the IDs are what counts.
#ifndef MIGKIT_RECONFIG_CHECKPOINT_H_
#define MIGKIT_RECONFIG_CHECKPOINT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backend/backend.h"
#include "core/status.h"
#include "reconfig/layout_target.h"

namespace migkit {

struct CheckpointGpu {
  int index = 0;
  std::string uuid;
  std::string model_id;
  GpuState state;  // mig_pending == mig_current in a checkpoint
  /// The profile names the file gives, by (GI ID, CI ID or -1 for the GI): for people, but checked
  /// against the IDs on restore so that a hand edit that changed one but not the other is caught.
  std::map<std::pair<int, int>, std::string> profile_names;
  friend bool operator==(const CheckpointGpu&, const CheckpointGpu&) = default;
};

struct Checkpoint {
  std::int64_t created_micros = 0;
  std::vector<CheckpointGpu> gpus;
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

/// A checkpoint of `gpus` (the MIG mode recorded is the one in effect).
Checkpoint MakeCheckpoint(const std::vector<GpuInfo>& gpus, std::int64_t now_micros);

/// The JSON text of `checkpoint` (stable key order, trailing newline).
std::string SerializeCheckpoint(const Checkpoint& checkpoint, const std::vector<GpuInfo>& gpus);

/// Parses a checkpoint file. kParseError names `source` and what is wrong.
StatusOr<Checkpoint> ParseCheckpoint(std::string_view text, std::string_view source);

/// Exact targets restoring `checkpoint` on the node `gpus`. Errors (kInvalidArgument) when a GPU
/// of the checkpoint is missing from the node or has another model, naming the UUID.
StatusOr<std::vector<LayoutTarget>> CheckpointTargets(const Checkpoint& checkpoint,
                                                      const std::vector<GpuInfo>& gpus);

}  // namespace migkit

#endif  // MIGKIT_RECONFIG_CHECKPOINT_H_
