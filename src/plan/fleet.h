// Fleet: the GPUs a plan is made for, each with its model and, optionally, its current layout.
//
// A fleet comes from a spec ("8xH100-SXM5-80GB,4xA100-SXM4-40GB"; counts are not limited to one
// node), from a Backend snapshot (the current node, with its GPU instances), or from a mig-parted
// config file describing the current layouts. GPU positions are 0-based and, for a single node,
// equal the NVML device index.
//
// Thread-safety: plain values.
#ifndef MIGKIT_PLAN_FLEET_H_
#define MIGKIT_PLAN_FLEET_H_

#include <string>
#include <string_view>
#include <vector>

#include "backend/backend.h"
#include "catalog/catalog.h"
#include "core/layouts.h"
#include "core/status.h"

namespace migkit {

struct FleetGpu {
  int index = 0;                    // position in the fleet (the device index on one node)
  const GpuModel* model = nullptr;  // never null
  Layout current;                   // GPU instances that exist now, ordered by start
};

struct Fleet {
  std::vector<FleetGpu> gpus;

  /// The distinct models, in order of first appearance.
  std::vector<const GpuModel*> Models() const;
  /// "8xH100-SXM5-80GB,4xA100-SXM4-40GB".
  std::string ToString() const;
  /// Current GPU instances over all GPUs.
  int CurrentInstances() const;
};

/// The largest fleet ParseFleet accepts.
inline constexpr int kMaxFleetGpus = 1'000'000;

/// Parses a fleet spec ("8xH100-SXM5-80GB,4xA100-SXM4-40GB") with ParseFleetSpec
/// (catalog/fleet_spec.h), allowing up to kMaxFleetGpus GPUs instead of one node's 64. Its
/// kInvalidArgument errors are returned as they are.
StatusOr<Fleet> ParseFleet(std::string_view text, const Catalog& catalog);

/// The fleet of a Backend snapshot, with each GPU's current GPU instances. A GPU with MIG off has
/// an empty layout. kInvalidArgument if a GPU's state names a profile its model lacks.
StatusOr<Fleet> FleetFromGpus(const std::vector<GpuInfo>& gpus);

/// Sets the current layouts of `fleet` from config `config_name` of a mig-parted config file
/// (`version: v1`, `mig-configs:`; an empty name selects the file's only config), parsed and
/// resolved by src/config (ParseMigConfigFile, ResolveConfig), whose errors are returned as they
/// are (kParseError / kInvalidArgument / kNotFound naming file and line). Such a file has no
/// placements, so each GPU's instances are placed where the driver would most likely put them
/// (core/geometry.h PlaceGpuInstances). GPUs the config does not select keep their layouts.
Status SetCurrentFromMigPartedConfig(std::string_view yaml_text, std::string_view source,
                                     std::string_view config_name, Fleet* fleet);

}  // namespace migkit

#endif  // MIGKIT_PLAN_FLEET_H_
