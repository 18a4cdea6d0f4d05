#include "cli/profile_args.h"

#include <algorithm>
#include <optional>

#include "cli/output.h"
#include "core/strings.h"

namespace migkit::cli {
namespace {

// "MIG 3g.40gb" -> "3g.40gb" (nvidia-smi accepts both forms, mig-facts.md §8).
std::string ShortName(std::string_view token) {
  std::string t = Trim(token);
  if (t.size() > 4 && EqualsIgnoreCase(t.substr(0, 4), "mig ")) t = Trim(t.substr(4));
  return t;
}

std::string ValidCiProfiles(const GpuModel& model, const GiProfile& gi) {
  std::vector<std::string> names;
  for (const CiProfile& ci : model.ComputeProfilesFor(gi)) {
    names.push_back(ci.name + " (ID " + std::to_string(ci.id) + ")");
  }
  return Join(names, ", ");
}

}  // namespace

std::string ValidGiProfiles(const GpuModel& model) {
  std::vector<std::string> names;
  for (const GiProfile* p : ProfilesInDisplayOrder(model)) {
    names.push_back(p->name + " (ID " + std::to_string(p->id) + ")");
  }
  return Join(names, ", ");
}

StatusOr<const GiProfile*> ResolveGiProfile(std::string_view token, const GpuModel& model) {
  const std::string name = ShortName(token);
  int id = -1;
  const GiProfile* profile =
      ParseNonNegativeInt(name, &id) ? model.FindProfileById(id) : model.FindProfileByName(name);
  if (profile == nullptr) {
    return Status::InvalidArgument("unknown GPU instance profile '" + Trim(token) + "' for " +
                                   model.id + "; valid profiles: " + ValidGiProfiles(model));
  }
  return profile;
}

StatusOr<std::vector<GiRequest>> ParseGiRequests(const std::vector<std::string>& items,
                                                 const GpuModel& model) {
  std::vector<GiRequest> out;
  for (const std::string& item : items) {
    for (const std::string& raw : Split(item, ',')) {
      const std::string text = Trim(raw);
      if (text.empty()) {
        return Status::InvalidArgument("empty profile in '" + item +
                                       "'; give PROFILE[:START][,PROFILE[:START]...]");
      }
      GiRequest request;
      const size_t colon = text.find(':');
      request.text = Trim(text.substr(0, colon));
      StatusOr<const GiProfile*> profile = ResolveGiProfile(request.text, model);
      if (!profile.ok()) return profile.status();
      request.profile = *profile;
      if (colon != std::string::npos) {
        const std::string start_text = Trim(text.substr(colon + 1));
        int start = -1;
        const std::vector<int>& starts = request.profile->placement_starts;
        if (!ParseNonNegativeInt(start_text, &start) ||
            std::find(starts.begin(), starts.end(), start) == starts.end()) {
          return Status::InvalidArgument("invalid placement start '" + start_text + "' in '" +
                                         text + "': " + request.profile->name + " on " + model.id +
                                         " can start at " + PlacementSetText(*request.profile) +
                                         " (starts " + Join(starts, ", ") + ")");
        }
        request.start = start;
      }
      out.push_back(std::move(request));
    }
  }
  if (out.empty()) return Status::InvalidArgument("no profile given");
  return out;
}

StatusOr<CiProfile> ResolveCiProfile(std::string_view token, const GpuModel& model,
                                     const GiProfile& gi) {
  const std::string name = ShortName(token);
  int id = -1;
  const bool by_id = ParseNonNegativeInt(name, &id);
  // By name, a double-memory 1g GI's two 1-slice profiles (0 and 7) share one name: the name
  // means the default, and the other is reached by its ID.
  std::optional<CiProfile> found;
  for (const CiProfile& ci : model.ComputeProfilesFor(gi)) {
    if (by_id ? ci.id == id : EqualsIgnoreCase(ci.name, name)) {
      if (!found.has_value() || ci.is_default) found = ci;
    }
  }
  if (found.has_value()) return *found;
  return Status::InvalidArgument("unknown compute instance profile '" + Trim(token) + "' for a " +
                                 gi.name + " GPU instance on " + model.id +
                                 "; valid profiles: " + ValidCiProfiles(model, gi));
}

CiProfile DefaultCiProfile(const GpuModel& model, const GiProfile& gi) {
  const std::vector<CiProfile> profiles = model.ComputeProfilesFor(gi);
  for (const CiProfile& ci : profiles) {
    if (ci.is_default) return ci;
  }
  return profiles.back();
}

}  // namespace migkit::cli
