#include "reconfig/solver.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "config/fit.h"

namespace migkit {
namespace {

struct Cost {
  int busy = 0;       // destroyed instances covered by a busy mark
  int instances = 0;  // destroyed GIs + CIs
  int cis = 0;        // destroyed CIs
  int creations = 0;  // GIs + CIs to create
  Cost& operator+=(const Cost& o) {
    busy += o.busy;
    instances += o.instances;
    cis += o.cis;
    creations += o.creations;
    return *this;
  }
  auto Key() const { return std::tie(busy, instances, cis, creations); }
};

// Keeping existing GI `e` as target GI `t`: which CIs stay, which are added, at what cost.
struct PairOption {
  bool feasible = false;
  Cost cost;
  std::vector<TargetCi> cis;  // kept CIs (with their IDs) and new ones (with placements)
};

// Target GIs that are interchangeable: same profile and the same CI profiles.
struct TemplateClass {
  const GiProfile* profile = nullptr;
  std::vector<int> ci_profiles;  // sorted
  std::vector<CiProfile> cis;
  int count = 0;
};

std::vector<int> SortedCiIds(const std::vector<CiProfile>& cis) {
  std::vector<int> ids;
  for (const CiProfile& c : cis) ids.push_back(c.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

class Solver {
 public:
  Solver(const GpuInfo& gpu, const GpuTarget& target, const std::vector<BusyMark>& busy)
      : gpu_(gpu), model_(*gpu.model), target_(target) {
    for (const BusyMark& m : busy) {
      if (m.gpu_uuid == gpu.uuid) busy_.push_back(m);
    }
    if (gpu.state.mig_current) existing_ = gpu.state.gpu_instances;
    for (const GiTemplate& t : target.gis) {
      const std::vector<int> ids = SortedCiIds(t.cis);
      auto it = std::find_if(classes_.begin(), classes_.end(), [&](const TemplateClass& c) {
        return c.profile->id == t.profile->id && c.ci_profiles == ids;
      });
      if (it == classes_.end()) {
        classes_.push_back(TemplateClass{t.profile, ids, t.cis, 0});
        it = classes_.end() - 1;
      }
      ++it->count;
    }
  }

  StatusOr<Solution> Run() {
    Solution solution;
    solution.layout.gpu = gpu_.index;
    solution.layout.mig_enabled = target_.mig_enabled;
    if (!target_.mig_enabled) {
      for (const GpuInstance& gi : existing_) AccountDestroyed(gi, &solution);
      return solution;
    }
    // Pair options and destroy costs, computed once.
    pair_.assign(existing_.size(), std::vector<PairOption>(classes_.size()));
    for (size_t e = 0; e < existing_.size(); ++e) {
      for (size_t c = 0; c < classes_.size(); ++c) {
        if (classes_[c].profile->id == existing_[e].profile_id)
          pair_[e][c] = KeepAs(existing_[e], classes_[c]);
      }
      destroy_cost_.push_back(DestroyCost(existing_[e]));
    }
    std::vector<int> assignment(existing_.size(), -1);
    std::vector<int> used(classes_.size(), 0);
    Enumerate(0, &assignment, &used, Cost{});
    std::stable_sort(
        candidates_.begin(), candidates_.end(),
        [](const Candidate& a, const Candidate& b) { return a.cost.Key() < b.cost.Key(); });
    for (const Candidate& cand : candidates_) {
      if (Build(cand.assignment, &solution)) return solution;
    }
    return Status::InsufficientResources("the target layout does not fit GPU " +
                                         std::to_string(gpu_.index) + " (" + model_.id + ")");
  }

 private:
  struct Candidate {
    std::vector<int> assignment;  // per existing GI: template class, or -1 to destroy
    Cost cost;
  };

  bool GiCovered(const GpuInstance& gi) const {
    for (const BusyMark& m : busy_) {
      if (m.CoversGi(gpu_.uuid, gi.id)) return true;
    }
    return false;
  }
  bool CiCovered(const GpuInstance& gi, const ComputeInstance& ci) const {
    for (const BusyMark& m : busy_) {
      if (m.CoversCi(gpu_.uuid, gi.id, ci.id)) return true;
    }
    return false;
  }

  Cost DestroyCost(const GpuInstance& gi) const {
    Cost c;
    c.busy = GiCovered(gi) ? 1 : 0;
    for (const ComputeInstance& ci : gi.compute_instances) c.busy += CiCovered(gi, ci) ? 1 : 0;
    c.instances = 1 + static_cast<int>(gi.compute_instances.size());
    c.cis = static_cast<int>(gi.compute_instances.size());
    return c;
  }

  void AccountDestroyed(const GpuInstance& gi, Solution* s) const {
    const Cost c = DestroyCost(gi);
    ++s->destroyed_gis;
    s->destroyed_cis += c.cis;
    s->destroyed_busy += c.busy;
  }

  // The best way to keep `gi` as a GI of class `cls`: try every subset of its CIs to keep.
  PairOption KeepAs(const GpuInstance& gi, const TemplateClass& cls) const {
    PairOption best;
    const size_t n = gi.compute_instances.size();
    for (unsigned mask = 0; mask < (1u << n); ++mask) {
      // Kept CIs must be a sub-multiset of the class's CI profiles.
      std::vector<int> remaining = cls.ci_profiles;
      GpuInstance shell;
      shell.id = gi.id;
      shell.profile_id = gi.profile_id;
      shell.placement = gi.placement;
      Cost cost;
      bool ok = true;
      for (size_t i = 0; i < n && ok; ++i) {
        const ComputeInstance& ci = gi.compute_instances[i];
        if (mask & (1u << i)) {
          auto it = std::find(remaining.begin(), remaining.end(), ci.profile_id);
          if (it == remaining.end())
            ok = false;
          else {
            remaining.erase(it);
            shell.compute_instances.push_back(ci);
          }
        } else {
          ++cost.instances;
          ++cost.cis;
          cost.busy += CiCovered(gi, ci) ? 1 : 0;
        }
      }
      if (!ok) continue;
      if (best.feasible && best.cost.Key() <= cost.Key()) continue;
      std::vector<CiProfile> to_add;
      for (int id : remaining) {
        for (const CiProfile& c : cls.cis) {
          if (c.id == id) {
            to_add.push_back(c);
            break;
          }
        }
      }
      cost.creations = static_cast<int>(to_add.size());
      if (best.feasible && best.cost.Key() <= cost.Key()) continue;
      std::optional<std::vector<Placement>> places = PlaceComputeInstances(shell, to_add);
      if (!places.has_value()) continue;
      best.feasible = true;
      best.cost = cost;
      best.cis.clear();
      for (const ComputeInstance& ci : shell.compute_instances) {
        best.cis.push_back(TargetCi{ci.profile_id, ci.placement, ci.id});
      }
      for (size_t i = 0; i < to_add.size(); ++i) {
        best.cis.push_back(TargetCi{to_add[i].id, (*places)[i], std::nullopt});
      }
    }
    return best;
  }

  void Enumerate(size_t e, std::vector<int>* assignment, std::vector<int>* used, Cost cost) {
    if (e == existing_.size()) {
      Cost total = cost;
      for (size_t c = 0; c < classes_.size(); ++c) {
        total.creations +=
            (classes_[c].count - (*used)[c]) * (1 + static_cast<int>(classes_[c].cis.size()));
      }
      candidates_.push_back(Candidate{*assignment, total});
      return;
    }
    // Keeping comes first so that, at equal cost, lower-indexed GIs are the ones kept.
    for (size_t c = 0; c < classes_.size(); ++c) {
      if ((*used)[c] >= classes_[c].count || !pair_[e][c].feasible) continue;
      ++(*used)[c];
      (*assignment)[e] = static_cast<int>(c);
      Cost next = cost;
      next += pair_[e][c].cost;
      Enumerate(e + 1, assignment, used, next);
      --(*used)[c];
    }
    (*assignment)[e] = -1;
    Cost next = cost;
    next += destroy_cost_[e];
    Enumerate(e + 1, assignment, used, next);
  }

  // Builds the layout for `assignment` when the GIs to create can be placed; false otherwise.
  bool Build(const std::vector<int>& assignment, Solution* s) {
    std::vector<PlacedProfile> kept;
    std::vector<int> used(classes_.size(), 0);
    Solution out;
    out.layout.gpu = gpu_.index;
    out.layout.mig_enabled = true;
    for (size_t e = 0; e < existing_.size(); ++e) {
      const GpuInstance& gi = existing_[e];
      if (assignment[e] < 0) {
        AccountDestroyed(gi, &out);
        continue;
      }
      const PairOption& p = pair_[e][static_cast<size_t>(assignment[e])];
      ++used[static_cast<size_t>(assignment[e])];
      kept.push_back({model_.FindProfileById(gi.profile_id), gi.placement});
      out.layout.gis.push_back(TargetGi{gi.profile_id, gi.placement, p.cis});
      ++out.kept_gis;
      out.destroyed_cis += p.cost.cis;
      out.destroyed_busy += p.cost.busy;
    }
    std::vector<const GiProfile*> to_place;
    std::vector<const TemplateClass*> to_place_class;
    for (size_t c = 0; c < classes_.size(); ++c) {
      for (int i = used[c]; i < classes_[c].count; ++i) {
        to_place.push_back(classes_[c].profile);
        to_place_class.push_back(&classes_[c]);
      }
    }
    std::optional<std::vector<Placement>> places = PlaceGpuInstances(model_, kept, to_place);
    if (!places.has_value()) return false;
    for (size_t i = 0; i < to_place.size(); ++i) {
      TargetGi gi{to_place[i]->id, (*places)[i], {}};
      GpuInstance empty;
      empty.profile_id = to_place[i]->id;
      std::optional<std::vector<Placement>> ci_places =
          PlaceComputeInstances(empty, to_place_class[i]->cis);
      if (!ci_places.has_value()) return false;  // a packed template always fits; be safe
      for (size_t k = 0; k < to_place_class[i]->cis.size(); ++k) {
        gi.cis.push_back(TargetCi{to_place_class[i]->cis[k].id, (*ci_places)[k], std::nullopt});
      }
      out.layout.gis.push_back(std::move(gi));
    }
    std::sort(
        out.layout.gis.begin(), out.layout.gis.end(),
        [](const TargetGi& a, const TargetGi& b) { return a.placement.start < b.placement.start; });
    *s = std::move(out);
    return true;
  }

  const GpuInfo& gpu_;
  const GpuModel& model_;
  const GpuTarget& target_;
  std::vector<BusyMark> busy_;
  std::vector<GpuInstance> existing_;
  std::vector<TemplateClass> classes_;
  std::vector<std::vector<PairOption>> pair_;
  std::vector<Cost> destroy_cost_;
  std::vector<Candidate> candidates_;
};

}  // namespace

LayoutTarget CurrentLayout(int gpu, const GpuState& state) {
  LayoutTarget t;
  t.gpu = gpu;
  t.mig_enabled = state.mig_current;
  for (const GpuInstance& gi : state.gpu_instances) {
    TargetGi tg{gi.profile_id, gi.placement, {}};
    for (const ComputeInstance& ci : gi.compute_instances) {
      tg.cis.push_back(TargetCi{ci.profile_id, ci.placement, ci.id});
    }
    t.gis.push_back(std::move(tg));
  }
  std::sort(t.gis.begin(), t.gis.end(), [](const TargetGi& a, const TargetGi& b) {
    return a.placement.start < b.placement.start;
  });
  return t;
}

StatusOr<Solution> SolveLayout(const GpuInfo& gpu, const GpuTarget& target,
                               const std::vector<BusyMark>& busy) {
  if (Satisfies(gpu.state, target)) {
    Solution s;
    s.layout = CurrentLayout(gpu.index, gpu.state);
    s.kept_gis = static_cast<int>(gpu.state.gpu_instances.size());
    return s;
  }
  return Solver(gpu, target, busy).Run();
}

}  // namespace migkit
