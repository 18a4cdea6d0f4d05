// FleetSpec: a list of GPUs by model, as written in MIGKIT_EMULATE or a planner's --fleet.
//
// Grammar: a comma-separated list of items, each "MODEL" or "NxMODEL" (N >= 1), MODEL being any
// catalog id, product name or alias, case-insensitive. Examples: "A100-SXM4-40GB",
// "2xA30-24GB", "A100-SXM4-40GB,H100-SXM5-80GB". The default is a DGX H100: "8xH100-SXM5-80GB".
// A node has at most kMaxNodeGpus GPUs; a planner's fleet (plan/fleet.h) parses the same grammar
// with a larger limit.
#ifndef MIGKIT_CATALOG_FLEET_SPEC_H_
#define MIGKIT_CATALOG_FLEET_SPEC_H_

#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/status.h"

namespace migkit {

inline constexpr std::string_view kDefaultNodeSpec = "8xH100-SXM5-80GB";
/// The most GPUs one (emulated) node has.
inline constexpr int kMaxNodeGpus = 64;

struct FleetSpec {
  std::vector<std::string> model_ids;  // one catalog id per GPU, in index order

  /// The canonical form: runs of equal models collapse to "NxMODEL" ("8xH100-SXM5-80GB").
  std::string ToString() const;
  friend bool operator==(const FleetSpec&, const FleetSpec&) = default;
};

/// Parses `text`, a list of at most `max_gpus` GPUs. kInvalidArgument names the bad item and lists
/// the known models. With `max_gpus` up to kMaxNodeGpus, errors call the text a node spec, else a
/// fleet (the two uses' existing wording).
StatusOr<FleetSpec> ParseFleetSpec(std::string_view text, const Catalog& catalog,
                                   int max_gpus = kMaxNodeGpus);

/// The canonical "NxMODEL" form of GPUs given by model id in index order: runs of equal ids
/// collapse to "NxMODEL", a run of one is just "MODEL", runs are joined by commas.
std::string ModelCountsToString(const std::vector<std::string_view>& model_ids);

}  // namespace migkit

#endif  // MIGKIT_CATALOG_FLEET_SPEC_H_
