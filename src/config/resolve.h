// ResolveConfig: turns a named config into one GpuTarget per selected GPU of a node, checking
// everything that depends on the GPUs: device indexes, profile names per model, and that each
// layout fits the model (exact placement search, fit.h).
//
// Selection follows mig-parted: an entry selects the GPUs whose index is in `devices` (or every GPU
// for `devices: all`) and whose model matches `device-filter` (when given). GPUs no entry selects
// are left as they are. When several entries select the same GPU, the last one wins, as with
// mig-parted, which applies the entries in order.
#ifndef MIGKIT_CONFIG_RESOLVE_H_
#define MIGKIT_CONFIG_RESOLVE_H_

#include <vector>

#include "backend/backend.h"
#include "config/mig_config.h"
#include "config/target.h"
#include "core/status.h"

namespace migkit {

/// One target per selected GPU, ascending by index. Errors are kInvalidArgument and name the file,
/// line, value and GPU, and say what would be valid, e.g.
///   "config.yaml:9: 4g.40gb: 2 does not fit an H100-SXM5-80GB (GPU 0): at most 1"
///   "config.yaml:5: GPU index 9 in 'devices' does not exist; this node has GPUs 0-7"
StatusOr<std::vector<GpuTarget>> ResolveConfig(const MigConfigFile& file,
                                               const NamedMigConfig& config,
                                               const std::vector<GpuInfo>& gpus);

/// Checks that `target`'s devices fit its model, ignoring what the GPU holds now. OK or
/// kInvalidArgument "<model>: <why>" (used by ResolveConfig, which adds the file and line).
Status CheckTargetFits(const GpuTarget& target);

}  // namespace migkit

#endif  // MIGKIT_CONFIG_RESOLVE_H_
