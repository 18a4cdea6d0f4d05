#include "core/geometry.h"

#include <algorithm>
#include <numeric>

#include "core/placement_search.h"
#include "core/strings.h"

namespace migkit {
namespace {

int CountOf(const GiProfile& profile, const std::vector<PlacedProfile>& existing) {
  int n = 0;
  for (const PlacedProfile& e : existing) {
    if (e.profile->id == profile.id) ++n;
  }
  return n;
}

// The "+me.all" rule (nvml.h, mig-facts.md §3.12): an instance that takes every media engine
// coexists only with instances that take none. Returns the conflicting instance, or nullptr.
const PlacedProfile* MediaConflict(const GiProfile& profile,
                                   const std::vector<PlacedProfile>& existing) {
  for (const PlacedProfile& e : existing) {
    const MediaUse a = profile.media, b = e.profile->media;
    if ((a == MediaUse::kAll && b != MediaUse::kNone) ||
        (b == MediaUse::kAll && a != MediaUse::kNone)) {
      return &e;
    }
  }
  return nullptr;
}

std::string InstanceLimitMessage(const GpuModel& model, const GiProfile& profile) {
  return profile.name + " allows at most " + std::to_string(profile.instance_count) + " instance" +
         (profile.instance_count == 1 ? "" : "s") + " on " + model.id + " and that many exist";
}

std::string PlacementList(const std::vector<Placement>& ps) {
  std::vector<std::string> parts;
  for (const Placement& p : ps) parts.push_back(p.ToString());
  if (parts.size() <= 1) return Join(parts, "");
  std::string last = parts.back();
  parts.pop_back();
  return Join(parts, ", ") + " or " + last;
}

}  // namespace

int GpuInstanceIdFor(const GpuModel& model, Placement p) {
  const int n = model.placement_units;
  if (p.size <= 0 || n % p.size != 0 || p.start % p.size != 0 || p.start + p.size > n) return -1;
  return (n / p.size - 1) + p.start / p.size;
}

std::vector<Placement> PossiblePlacements(const GiProfile& profile) {
  std::vector<Placement> out;
  for (int start : profile.placement_starts) out.push_back({start, profile.placement_size});
  return out;
}

Occupancy OccupancyOf(const std::vector<PlacedProfile>& instances) {
  Occupancy occ = 0;
  for (const PlacedProfile& i : instances) occ |= i.placement.Mask();
  return occ;
}

Status CheckPlacement(const GpuModel& model, const GiProfile& profile, Placement p,
                      const std::vector<PlacedProfile>& existing) {
  const std::vector<Placement> valid = PossiblePlacements(profile);
  if (std::find(valid.begin(), valid.end(), p) == valid.end()) {
    return Status::InvalidArgument(profile.name + " cannot be placed at " + p.ToString() +
                                   "; valid placements are " + PlacementList(valid));
  }
  if (CountOf(profile, existing) >= profile.instance_count) {
    return Status::InsufficientResources(InstanceLimitMessage(model, profile));
  }
  if (const PlacedProfile* c = MediaConflict(profile, existing)) {
    return Status::InsufficientResources(profile.name + " cannot coexist with " + c->profile->name +
                                         " at " + c->placement.ToString() +
                                         " (a +me.all instance takes every media engine; only -me "
                                         "profiles may share the GPU with it)");
  }
  for (const PlacedProfile& e : existing) {
    if (p.Mask() & e.placement.Mask()) {
      return Status::InsufficientResources(profile.name + " at " + p.ToString() + " overlaps " +
                                           e.profile->name + " at " + e.placement.ToString());
    }
  }
  return Status::Ok();
}

std::vector<Placement> FreePlacements(const GpuModel& /*model*/, const GiProfile& profile,
                                      const std::vector<PlacedProfile>& existing) {
  // The same rules as CheckPlacement, decided once per profile and then by one mask test per
  // start: this runs for every candidate in the planner, the simulator and migkitd's placement.
  std::vector<Placement> out;
  if (CountOf(profile, existing) >= profile.instance_count) return out;
  if (MediaConflict(profile, existing) != nullptr) return out;
  const Occupancy occupied = OccupancyOf(existing);
  for (int start : profile.placement_starts) {
    const Placement p{start, profile.placement_size};
    if (!p.Overlaps(occupied)) out.push_back(p);
  }
  return out;
}

StatusOr<Placement> AutoPlacement(const GpuModel& model, const GiProfile& profile,
                                  const std::vector<PlacedProfile>& existing) {
  const std::vector<Placement> free = FreePlacements(model, profile, existing);
  if (free.empty()) {
    return Status::InsufficientResources(ExplainNoPlacement(model, profile, existing));
  }
  return *std::min_element(free.begin(), free.end(), [&](const Placement& a, const Placement& b) {
    return AutoPlacementRank(model, a.size, a.start) < AutoPlacementRank(model, b.size, b.start);
  });
}

int RemainingCapacity(const GpuModel& model, const GiProfile& profile,
                      const std::vector<PlacedProfile>& existing) {
  const int free = static_cast<int>(FreePlacements(model, profile, existing).size());
  const int left = profile.instance_count - CountOf(profile, existing);
  return std::max(0, std::min(free, left));
}

std::string ExplainNoPlacement(const GpuModel& model, const GiProfile& profile,
                               const std::vector<PlacedProfile>& existing) {
  if (CountOf(profile, existing) >= profile.instance_count) {
    return InstanceLimitMessage(model, profile);
  }
  if (const PlacedProfile* c = MediaConflict(profile, existing)) {
    return profile.name + " cannot coexist with " + c->profile->name + " at " +
           c->placement.ToString() + " (+me.all excludes every profile but -me)";
  }
  const std::vector<Placement> all = PossiblePlacements(profile);
  std::string msg = profile.name + " fits only at " + PlacementList(all);
  msg += all.size() == 1 ? ", which is taken" : (all.size() == 2 ? ", both taken" : ", all taken");
  // Name the instances in the way, so the user knows what to destroy.
  std::vector<std::string> blockers;
  for (const PlacedProfile& e : existing) {
    for (const Placement& p : all) {
      if (p.Mask() & e.placement.Mask()) {
        blockers.push_back(e.profile->name + " at " + e.placement.ToString());
        break;
      }
    }
  }
  if (!blockers.empty()) msg += " (by " + Join(blockers, ", ") + ")";
  return msg;
}

int AutoPlacementRank(const GpuModel& model, int size, int start) {
  const auto it = model.auto_placement_order.find(size);
  if (it == model.auto_placement_order.end()) return start;
  const auto pos = std::find(it->second.begin(), it->second.end(), start);
  return pos == it->second.end() ? 100 + start : static_cast<int>(pos - it->second.begin());
}

bool CreateBefore(const GiProfile& a, const GiProfile& b) {
  if (a.placement_size != b.placement_size) return a.placement_size > b.placement_size;
  if (a.slices != b.slices) return a.slices > b.slices;
  return a.id < b.id;
}

std::optional<std::vector<Placement>> PlaceGpuInstances(
    const GpuModel& model, const std::vector<PlacedProfile>& fixed,
    const std::vector<const GiProfile*>& to_place) {
  // Profiles in CreateBefore order, each trying its starts in the driver's automatic order.
  std::vector<size_t> order(to_place.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return CreateBefore(*to_place[a], *to_place[b]); });
  std::vector<std::vector<Placement>> candidates;
  for (const GiProfile* profile : to_place) {
    std::vector<int> starts = profile->placement_starts;
    std::stable_sort(starts.begin(), starts.end(), [&](int a, int b) {
      return AutoPlacementRank(model, profile->placement_size, a) <
             AutoPlacementRank(model, profile->placement_size, b);
    });
    std::vector<Placement>& mine = candidates.emplace_back();
    for (int start : starts) mine.push_back({start, profile->placement_size});
  }
  std::vector<PlacedProfile> current = fixed;
  std::vector<Placement> result;
  const bool placed = PlaceInOrder(
      order, [&](size_t i) -> const std::vector<Placement>& { return candidates[i]; },
      [&](size_t i, const Placement& p) {
        if (!CheckPlacement(model, *to_place[i], p, current).ok()) return false;
        current.push_back({to_place[i], p});
        return true;
      },
      [&](size_t) { current.pop_back(); },
      [&](size_t i, size_t j) { return to_place[i]->id == to_place[j]->id; }, &result);
  if (!placed) return std::nullopt;
  return result;
}

}  // namespace migkit
