// Plan output: the per-GPU layouts as a mig-parted config file, as JSON, and as a text summary.
//
// The config is NVIDIA mig-parted's declarative format (`version: v1`, `mig-configs:`), which
// `nvidia-mig-parted apply` and `migctl apply -f FILE -c NAME` read. A mig-parted `devices` list
// indexes the GPUs of one node, so by default the whole fleet is one node (fleet position =
// device index); with ConfigOptions::gpus_per_node = N, GPU i belongs to node i / N as device
// i % N, and the file holds one config per node, named NAME-node<k>. GPUs with identical layouts
// share an entry; on a node with several models each entry carries a `device-filter`. The format
// has no placements: the JSON output has them.
//
// Thread-safety: pure functions.
#ifndef MIGKIT_PLAN_PLAN_OUTPUT_H_
#define MIGKIT_PLAN_PLAN_OUTPUT_H_

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "plan/demand.h"
#include "plan/fleet.h"
#include "plan/planner.h"

namespace migkit {

/// What a config says about a GPU the plan does not use.
enum class UnusedGpus {
  kEmpty,     // MIG on, no instances (mig-enabled: true, mig-devices: {}); the default
  kDisabled,  // MIG off (mig-enabled: false); Ampere GPUs then need a reset
  kOmit,      // not listed: mig-parted leaves it untouched
};

struct ConfigOptions {
  /// The config name (mig-parted's -c / --selected-config).
  std::string name = "migkit-plan";
  /// 0: the fleet is one node. N > 0: consecutive groups of N GPUs are nodes.
  int gpus_per_node = 0;
  UnusedGpus unused = UnusedGpus::kEmpty;
};

/// The plan as a mig-parted config. Profile names are exactly the catalog's.
std::string ToMigPartedConfig(const Fleet& fleet, const FleetPlan& plan,
                              const ConfigOptions& options);

/// The config names ToMigPartedConfig writes, in file order.
std::vector<std::string> ConfigNames(const Fleet& fleet, const ConfigOptions& options);

/// The plan as a JSON object (docs/planner.md lists the fields): gpus_used, lower_bound, unmet,
/// layouts (per GPU: model, profile counts, placed instances, what to destroy), and the rest of
/// the summary. Callers add their own fields and print it once: on a large fleet the object is
/// many times the size of the plan, so it is built once and never re-parsed.
nlohmann::json PlanJson(const Fleet& fleet, const Demand& demand, const FleetPlan& plan);

/// PlanJson pretty-printed with 2-space indents and a final newline.
std::string PlanToJson(const Fleet& fleet, const Demand& demand, const FleetPlan& plan);

/// A human summary: totals, the bound and gap, unmet demand, then the layouts with consecutive
/// GPUs of identical layout collapsed into ranges, and (re-plan) what to destroy.
std::string PlanSummaryText(const Fleet& fleet, const Demand& demand, const FleetPlan& plan);

}  // namespace migkit

#endif  // MIGKIT_PLAN_PLAN_OUTPUT_H_
