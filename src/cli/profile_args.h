// Parsing of the profile arguments users type: GPU-instance profiles with an optional placement
// start ("3g.40gb", "MIG 3g.40gb", "9", "9:4", as `nvidia-smi mig -cgi` takes them) and
// compute-instance profiles ("1c.3g.40gb", "3g.40gb" for the whole GI, or a CI profile ID).
//
// Profiles are resolved against one GPU model, because names and IDs differ between models. Every
// error names the offending item and lists what would be valid for that model.
#ifndef MIGKIT_CLI_PROFILE_ARGS_H_
#define MIGKIT_CLI_PROFILE_ARGS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/gpu_model.h"
#include "core/status.h"

namespace migkit::cli {

/// One item of a create-gi list.
struct GiRequest {
  std::string text;  // the item as typed, without ":START" ("9", "3g.40gb")
  const GiProfile* profile = nullptr;
  std::optional<int> start;  // empty: the driver chooses (mig-facts.md §4.3)
};

/// The GI profile named by `token`: a profile ID ("9"), a name ("3g.40gb") or the long name
/// ("MIG 3g.40gb"), case-insensitive. kInvalidArgument lists the model's valid names and IDs.
StatusOr<const GiProfile*> ResolveGiProfile(std::string_view token, const GpuModel& model);

/// Parses `items` (each "PROFILE[:START]" or a comma list of them) in order. A START must be one of
/// the profile's placement starts; the error lists them.
StatusOr<std::vector<GiRequest>> ParseGiRequests(const std::vector<std::string>& items,
                                                 const GpuModel& model);

/// The CI profile named by `token` for a GI of profile `gi`: a CI profile ID ("0"), a name
/// ("1c.3g.40gb", "MIG 1c.3g.40gb"), or the GI's own name for the CI spanning the whole GI.
/// kInvalidArgument lists the CI profiles that GI offers.
StatusOr<CiProfile> ResolveCiProfile(std::string_view token, const GpuModel& model,
                                     const GiProfile& gi);

/// The default CI profile of a GI of `gi` (the one `-C` creates). REQUIRES: the model offers one.
CiProfile DefaultCiProfile(const GpuModel& model, const GiProfile& gi);

/// "1g.10gb (ID 19), 1g.10gb+me (ID 20), ..." in nvidia-smi's order.
std::string ValidGiProfiles(const GpuModel& model);

}  // namespace migkit::cli

#endif  // MIGKIT_CLI_PROFILE_ARGS_H_
