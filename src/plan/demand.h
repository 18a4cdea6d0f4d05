// Demand: what the workloads need, as the planner reads it.
//
// A demand is a list of items, each a number of GPU instances wanted either by profile name
// ("1g.10gb=20") or by need ("mem>=20GiB,sms>=30,count=12"). An item is always resolved to one
// profile per GPU model: the smallest profile of that model that meets the item's need. A profile
// name is read as the need "at least N compute slices and at least M GB as the name says"
// (1g.10gb = 1 slice, 10 GB), so on a mixed fleet 1g.10gb is served by 1g.10gb on H100 and on
// A100-80GB, and by 1g.10gb (the 2-memory-slice 1g) on A100-40GB; on a model that has the named
// profile, the item is always served by exactly that profile. docs/planner.md has the grammar.
//
// Thread-safety: plain values; the functions keep no state.
#ifndef MIGKIT_PLAN_DEMAND_H_
#define MIGKIT_PLAN_DEMAND_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/gpu_model.h"
#include "core/status.h"

namespace migkit {

/// The minimums one instance needs. Zero means "no minimum".
struct Need {
  std::uint64_t memory_mib = 0;  // the profile's memory as the driver reports it
  int multiprocessors = 0;       // SMs
  int slices = 0;                // compute slices ("Ng")
  int nominal_gb = 0;            // the "Mgb" of the profile name (profile-named items only)
  friend bool operator==(const Need&, const Need&) = default;
};

struct DemandItem {
  /// How the item was written, for reports: "1g.10gb", "mem>=20GiB,sms>=30", or a file's `name`.
  std::string label;
  /// The profile name when the item names one ("1g.10gb"); empty for a need.
  std::string profile;
  Need need;
  int count = 0;
  /// Where the item came from, for errors: "demand item 2" or "demand.yaml:7".
  std::string source;
};

struct Demand {
  std::vector<DemandItem> items;
  /// A fleet spec given in a demand file (`fleet:`), if any.
  std::optional<std::string> fleet;

  int TotalInstances() const;
};

/// The largest count one item may ask for.
inline constexpr int kMaxDemandCount = 10'000'000;

/// Parses the --demand grammar: groups separated by ';', each either a comma-separated list of
/// PROFILE=COUNT ("1g.10gb=20,3g.40gb=4") or one need whose terms are mem>=SIZE, sms>=N,
/// slices>=N and the required count=N ("mem>=20GiB,sms>=30,count=12"). SIZE is a number with a
/// unit MiB, GiB (binary) or MB, GB (decimal). Errors are kParseError naming the item, what was
/// found and what is valid.
StatusOr<Demand> ParseDemand(std::string_view text);

/// Parses a demand file: a YAML map with `demand:` (a list of items, or a string in the --demand
/// grammar) and an optional `fleet:` spec. An item is a map with `count` and either `profile` or
/// any of `mem`, `sms`, `slices`, plus an optional `name`. `source` names the file in errors,
/// which are kParseError "source:LINE: what is wrong (valid: ...)".
StatusOr<Demand> ParseDemandFile(std::string_view yaml_text, std::string_view source);

/// The slices and nominal GB of a base profile name "<N>g.<M>gb" (case-insensitive, an optional
/// "MIG " prefix). nullopt for anything else, including variants such as "1g.10gb+me".
struct ProfileNameParts {
  int slices = 0;
  int gb = 0;
};
std::optional<ProfileNameParts> ParseProfileName(std::string_view name);

/// Parses "20GiB", "512MiB", "40GB", "1.5GiB" into MiB, rounding up. kParseError otherwise.
StatusOr<std::uint64_t> ParseMemorySize(std::string_view text);

/// One demand item resolved against the GPU models of a fleet.
struct DemandClass {
  std::string label;
  int count = 0;
  /// Per model (aligned with the `models` passed to ResolveDemand): the profile serving this item
  /// on that model, or nullptr when no profile of the model meets the need.
  std::vector<const GiProfile*> profile_by_model;
};

/// The smallest base profile of `model` meeting `need` (fewest compute slices, then fewest
/// placement units, then least memory), or nullptr.
const GiProfile* SmallestFittingProfile(const GpuModel& model, const Need& need);

/// Resolves every item against `models` (the distinct models of the fleet). Errors
/// (kInvalidArgument): a profile name that no model of the fleet has (listing each model's
/// profiles), a variant profile (+me, -me, +gfx), or a need no profile of any model meets
/// (naming the largest profile per model).
StatusOr<std::vector<DemandClass>> ResolveDemand(const Demand& demand,
                                                 const std::vector<const GpuModel*>& models);

}  // namespace migkit

#endif  // MIGKIT_PLAN_DEMAND_H_
