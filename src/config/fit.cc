#include "config/fit.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>

#include "core/layouts.h"
#include "core/placement_search.h"
#include "core/strings.h"

namespace migkit {
namespace {

std::string Placements(const GiProfile& p) {
  std::vector<std::string> parts;
  for (const Placement& pl : PossiblePlacements(p)) parts.push_back(pl.ToString());
  if (parts.size() == 1) return parts[0];
  const std::string last = parts.back();
  parts.pop_back();
  return Join(parts, ", ") + " or " + last;
}

}  // namespace

std::string WithArticle(const std::string& model_id) {
  // Letters whose English name starts with a vowel sound ("an H100", "an RTX", "a GB200").
  static const std::string kVowelSound = "AEFHILMNORSX";
  const bool an =
      !model_id.empty() &&
      kVowelSound.find(static_cast<char>(std::toupper(static_cast<unsigned char>(model_id[0])))) !=
          std::string::npos;
  return (an ? "an " : "a ") + model_id;
}

std::optional<std::vector<Placement>> PlaceComputeInstances(
    const GpuInstance& gi, const std::vector<CiProfile>& to_place) {
  // Larger compute instances first; each tries the placements still free in the GI.
  std::vector<size_t> order(to_place.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return to_place[a].slices > to_place[b].slices; });
  GpuInstance current = gi;
  std::vector<Placement> result;
  const bool placed = PlaceInOrder(
      order, [&](size_t i) { return FreeComputePlacements(to_place[i], current); },
      [&](size_t i, const Placement& p) {
        ComputeInstance c;
        // Any ID not in use: only placements and profiles matter here.
        c.id = 100 + static_cast<int>(current.compute_instances.size());
        c.profile_id = to_place[i].id;
        c.placement = p;
        current.compute_instances.push_back(c);
        return true;
      },
      [&](size_t) { current.compute_instances.pop_back(); },
      [&](size_t i, size_t j) { return to_place[i].id == to_place[j].id; }, &result);
  if (!placed) return std::nullopt;
  return result;
}

std::string ExplainNoFit(const GpuModel& model, const std::vector<PlacedProfile>& fixed,
                         const std::vector<const GiProfile*>& to_place) {
  std::vector<const GiProfile*> all;
  for (const PlacedProfile& f : fixed) all.push_back(f.profile);
  all.insert(all.end(), to_place.begin(), to_place.end());
  std::map<int, int> per_profile;
  int slices = 0, units = 0;
  for (const GiProfile* p : all) {
    ++per_profile[p->id];
    slices += p->slices;
    units += p->placement_size;
  }
  for (const auto& [id, n] : per_profile) {
    const GiProfile* p = model.FindProfileById(id);
    if (n > p->instance_count) {
      return p->name + ": " + std::to_string(n) + " does not fit " + WithArticle(model.id) +
             ": at most " + std::to_string(p->instance_count);
    }
  }
  if (static_cast<int>(all.size()) > model.max_gpu_instances) {
    return "they make " + std::to_string(all.size()) + " GPU instances and " +
           WithArticle(model.id) + " holds at most " + std::to_string(model.max_gpu_instances);
  }
  if (slices > model.compute_slices) {
    return "they need " + std::to_string(slices) + " compute slices and " + WithArticle(model.id) +
           " has " + std::to_string(model.compute_slices);
  }
  if (units > model.placement_units) {
    const char* unit =
        model.placement_units == model.memory_slices ? "memory slices" : "placement units";
    return "they need " + std::to_string(units) + " " + unit + " and " + WithArticle(model.id) +
           " has " + std::to_string(model.placement_units);
  }
  // Enough room in total, but not in the right places: name the constrained profiles.
  std::vector<std::string> hints;
  std::vector<int> seen;
  for (const GiProfile* p : all) {
    if (std::find(seen.begin(), seen.end(), p->id) != seen.end()) continue;
    seen.push_back(p->id);
    if (p->placement_starts.size() <= 2)
      hints.push_back(p->name + " fits only at " + Placements(*p));
  }
  Layout layout;
  for (const GiProfile* p : all) layout.push_back({p, Placement{}});
  std::string msg =
      "no placement of " + DescribeProfiles(layout) + " exists on " + WithArticle(model.id);
  if (!fixed.empty()) {
    Layout kept(fixed.begin(), fixed.end());
    msg += " around " + DescribePlacements(kept);
  }
  if (!hints.empty()) msg += " (" + Join(hints, "; ") + ")";
  return msg;
}

}  // namespace migkit
