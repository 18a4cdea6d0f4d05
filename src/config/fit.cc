#include "config/fit.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>

#include "core/layouts.h"
#include "core/strings.h"

namespace migkit {
namespace {

class CiSearch {
 public:
  CiSearch(const GpuInstance& gi, const std::vector<CiProfile>& to_place)
      : gi_(gi), to_place_(to_place) {
    order_.resize(to_place.size());
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
      return to_place[a].slices > to_place[b].slices;
    });
    result_.resize(to_place.size());
  }

  bool Run() { return Recurse(0); }
  const std::vector<Placement>& result() const { return result_; }

 private:
  bool Recurse(size_t k) {
    if (k == order_.size()) return true;
    const size_t i = order_[k];
    const CiProfile& ci = to_place_[i];
    int min_start = -1;
    if (k > 0 && to_place_[order_[k - 1]].id == ci.id) min_start = result_[order_[k - 1]].start;
    for (const Placement& p : FreeComputePlacements(ci, gi_)) {
      if (p.start <= min_start) continue;
      ComputeInstance c;
      c.id = 100 + static_cast<int>(k);  // any ID: only placements and profiles matter here
      c.profile_id = ci.id;
      c.placement = p;
      gi_.compute_instances.push_back(c);
      result_[i] = p;
      if (Recurse(k + 1)) return true;
      gi_.compute_instances.pop_back();
    }
    return false;
  }

  GpuInstance gi_;
  const std::vector<CiProfile>& to_place_;
  std::vector<size_t> order_;
  std::vector<Placement> result_;
};

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
  const bool an = !model_id.empty() && kVowelSound.find(static_cast<char>(
                                           std::toupper(static_cast<unsigned char>(model_id[0])))) !=
                                           std::string::npos;
  return (an ? "an " : "a ") + model_id;
}

std::optional<std::vector<Placement>> PlaceComputeInstances(const GpuInstance& gi,
                                                            const std::vector<CiProfile>& to_place) {
  CiSearch search(gi, to_place);
  if (!search.Run()) return std::nullopt;
  return search.result();
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
      return p->name + ": " + std::to_string(n) + " does not fit " + WithArticle(model.id) + ": at most " +
             std::to_string(p->instance_count);
    }
  }
  if (static_cast<int>(all.size()) > model.max_gpu_instances) {
    return "they make " + std::to_string(all.size()) + " GPU instances and " + WithArticle(model.id) +
           " holds at most " + std::to_string(model.max_gpu_instances);
  }
  if (slices > model.compute_slices) {
    return "they need " + std::to_string(slices) + " compute slices and " + WithArticle(model.id) + " has " +
           std::to_string(model.compute_slices);
  }
  if (units > model.placement_units) {
    const char* unit = model.placement_units == model.memory_slices ? "memory slices" : "placement units";
    return "they need " + std::to_string(units) + " " + unit + " and " + WithArticle(model.id) + " has " +
           std::to_string(model.placement_units);
  }
  // Enough room in total, but not in the right places: name the constrained profiles.
  std::vector<std::string> hints;
  std::vector<int> seen;
  for (const GiProfile* p : all) {
    if (std::find(seen.begin(), seen.end(), p->id) != seen.end()) continue;
    seen.push_back(p->id);
    if (p->placement_starts.size() <= 2) hints.push_back(p->name + " fits only at " + Placements(*p));
  }
  Layout layout;
  for (const GiProfile* p : all) layout.push_back({p, Placement{}});
  std::string msg = "no placement of " + DescribeProfiles(layout) + " exists on " + WithArticle(model.id);
  if (!fixed.empty()) {
    Layout kept(fixed.begin(), fixed.end());
    msg += " around " + DescribePlacements(kept);
  }
  if (!hints.empty()) msg += " (" + Join(hints, "; ") + ")";
  return msg;
}

}  // namespace migkit
