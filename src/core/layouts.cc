#include "core/layouts.h"

#include <algorithm>
#include <map>

#include "core/strings.h"

namespace migkit {
namespace {

struct Candidate {
  const GiProfile* profile;
  Placement placement;
};

class Enumerator {
 public:
  Enumerator(const GpuModel& model, const LayoutOptions& options) : model_(model) {
    std::vector<int> ids =
        options.profile_ids.empty() ? BaseProfileIds(model) : options.profile_ids;
    for (int id : ids) {
      const GiProfile* p = model.FindProfileById(id);
      if (p == nullptr) continue;
      for (const Placement& pl : PossiblePlacements(*p)) candidates_.push_back({p, pl});
    }
    std::sort(candidates_.begin(), candidates_.end(), [](const Candidate& a, const Candidate& b) {
      if (a.placement.start != b.placement.start) return a.placement.start < b.placement.start;
      return a.profile->nvml_index < b.profile->nvml_index;
    });
    forbidden_ = options.forbidden_pairs;
  }

  LayoutEnumeration Run() {
    Layout current;
    Recurse(0, &current);
    return std::move(result_);
  }

 private:
  bool Allowed(const Candidate& c, const Layout& current) const {
    if (!CheckPlacement(model_, *c.profile, c.placement, current).ok()) return false;
    for (const PlacedProfile& e : current) {
      for (const auto& [a, b] : forbidden_) {
        if ((e.profile->id == a && c.profile->id == b) ||
            (e.profile->id == b && c.profile->id == a))
          return false;
      }
    }
    return true;
  }

  void Recurse(size_t next, Layout* current) {
    for (size_t i = next; i < candidates_.size(); ++i) {
      if (!Allowed(candidates_[i], *current)) continue;
      current->push_back({candidates_[i].profile, candidates_[i].placement});
      result_.valid.push_back(*current);
      bool extendable = false;
      for (const Candidate& c : candidates_) {
        if (Allowed(c, *current)) {
          extendable = true;
          break;
        }
      }
      if (!extendable) result_.maximal.push_back(*current);
      Recurse(i + 1, current);
      current->pop_back();
    }
  }

  const GpuModel& model_;
  std::vector<Candidate> candidates_;
  std::vector<std::pair<int, int>> forbidden_;
  LayoutEnumeration result_;
};

}  // namespace

std::vector<int> BaseProfileIds(const GpuModel& model) {
  std::vector<int> ids;
  for (const GiProfile& p : model.gi_profiles) {
    if (p.name.find('+') == std::string::npos && p.name.find('-') == std::string::npos) {
      ids.push_back(p.id);
    }
  }
  return ids;
}

LayoutEnumeration EnumerateLayouts(const GpuModel& model, const LayoutOptions& options) {
  return Enumerator(model, options).Run();
}

std::string DescribeProfiles(const Layout& layout) {
  // Largest profile first, then by name; equal profiles collapse to "name xN".
  std::map<std::pair<int, std::string>, int, std::greater<>> counts;
  for (const PlacedProfile& p : layout) {
    ++counts[{p.profile->placement_size * 100 + p.profile->slices, p.profile->name}];
  }
  std::vector<std::string> parts;
  for (const auto& [key, n] : counts) {
    parts.push_back(n == 1 ? key.second : key.second + " x" + std::to_string(n));
  }
  return Join(parts, " + ");
}

std::string DescribePlacements(const Layout& layout) {
  Layout sorted = layout;
  std::sort(sorted.begin(), sorted.end(), [](const PlacedProfile& a, const PlacedProfile& b) {
    return a.placement.start < b.placement.start;
  });
  std::vector<std::string> parts;
  for (const PlacedProfile& p : sorted) {
    parts.push_back(p.profile->name + "@" + p.placement.ToString());
  }
  return Join(parts, " ");
}

}  // namespace migkit
