// What Slurm needs to know about a node's GPUs, as the lines an administrator puts in slurm.conf
// and gres.conf (cluster-and-service.md §1.3-§1.5, gres.conf(5) and slurm.conf(5) of 22.05).
#ifndef MIGKIT_SLURM_GRES_CONFIG_H_
#define MIGKIT_SLURM_GRES_CONFIG_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "slurm/gres_inventory.h"

namespace migkit::slurm {

enum class GresConfMode {
  kAutoDetectNvml,  // "AutoDetect=nvml": slurmd asks NVML; jobs get MIG UUIDs
  kStatic,          // "AutoDetect=off" and one line per device with its files
};

struct GresConfig {
  /// The value of the node's Gres= in slurm.conf: "gpu:a100_3g.20gb:1,gpu:a100_1g.5gb:2".
  std::string node_gres;
  /// gres.conf's whole text.
  std::string gres_conf;
  /// For the partition line: "GRES/gpu:a100_3g.20gb=3,GRES/gpu:a100_1g.5gb=1", so that a job's
  /// billing is the compute slices it holds.
  std::string billing_weights;
  /// For AccountingStorageTRES: "gres/gpu,gres/gpu:a100_3g.20gb,gres/gpu:a100_1g.5gb".
  std::string accounting_tres;
};

/// Renders the configuration of `devices`. `node_name`, when not empty, prefixes each static
/// gres.conf line with NodeName= (a gres.conf shared by several nodes needs it).
GresConfig RenderGresConfig(const std::vector<GresDevice>& devices, GresConfMode mode,
                            const std::string& node_name);

/// The configuration and the devices as JSON, for `migctl slurm gres --json`.
nlohmann::json GresConfigJson(const GresConfig& config, const std::vector<GresDevice>& devices,
                              GresConfMode mode);

}  // namespace migkit::slurm

#endif  // MIGKIT_SLURM_GRES_CONFIG_H_
