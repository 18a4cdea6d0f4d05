#include "core/capacity.h"

#include <algorithm>
#include <functional>
#include <map>

namespace migkit {
namespace {

// Room lost on one GPU, by compute-slice size, largest size first.
using Loss = std::map<int, int, std::greater<int>>;

Loss LossBetween(const std::vector<std::pair<int, int>>& before,
                 const std::vector<std::pair<int, int>>& after) {
  Loss loss;
  for (const auto& [slices, count] : before) loss[slices] += count;
  for (const auto& [slices, count] : after) loss[slices] -= count;
  return loss;
}

// Whether losing `a` is better than losing `b`: at the largest size where they differ, `a` loses
// fewer instances. GPUs of different models offer different sizes; a size one does not offer
// counts as no loss there.
bool LessLoss(const Loss& a, const Loss& b) {
  auto ia = a.begin(), ib = b.begin();
  while (ia != a.end() || ib != b.end()) {
    int slices;
    if (ib == b.end() || (ia != a.end() && ia->first > ib->first)) {
      slices = ia->first;
    } else {
      slices = ib->first;
    }
    const int la = (ia != a.end() && ia->first == slices) ? (ia++)->second : 0;
    const int lb = (ib != b.end() && ib->first == slices) ? (ib++)->second : 0;
    if (la != lb) return la < lb;
  }
  return false;
}

}  // namespace

std::vector<std::pair<int, int>> FutureCapacity(const GpuModel& model,
                                                const std::vector<PlacedProfile>& instances) {
  std::map<int, int, std::greater<int>> by_size;
  for (const GiProfile& profile : model.gi_profiles) {
    int& room = by_size[profile.slices];
    room = std::max(room, RemainingCapacity(model, profile, instances));
  }
  return {by_size.begin(), by_size.end()};
}

int LargestCreatableSlices(const GpuModel& model, const std::vector<PlacedProfile>& instances) {
  int largest = 0;
  for (const GiProfile& profile : model.gi_profiles) {
    if (profile.slices > largest && RemainingCapacity(model, profile, instances) > 0) {
      largest = profile.slices;
    }
  }
  return largest;
}

double FragmentationScore(const std::vector<NodeGpu>& gpus) {
  double weighted = 0;
  int total_free = 0;
  for (const NodeGpu& g : gpus) {
    int free = g.model->compute_slices;
    for (const PlacedProfile& p : g.instances) free -= p.profile->slices;
    if (free <= 0) continue;
    weighted +=
        free * (1.0 - static_cast<double>(LargestCreatableSlices(*g.model, g.instances)) / free);
    total_free += free;
  }
  return total_free == 0 ? 0.0 : weighted / total_free;
}

std::optional<ChosenPlacement> ChooseCapacityPreservingPlacement(const std::vector<NodeGpu>& gpus,
                                                                 const std::string& profile_name) {
  std::optional<ChosenPlacement> best;
  Loss best_loss;
  int best_rank = 0;
  for (size_t g = 0; g < gpus.size(); ++g) {
    const GpuModel& model = *gpus[g].model;
    const GiProfile* profile = model.FindProfileByName(profile_name);
    if (profile == nullptr) continue;
    const std::vector<Placement> free = FreePlacements(model, *profile, gpus[g].instances);
    if (free.empty()) continue;
    const std::vector<std::pair<int, int>> before = FutureCapacity(model, gpus[g].instances);
    std::vector<PlacedProfile> with = gpus[g].instances;
    with.push_back({profile, {}});
    for (const Placement& p : free) {
      with.back().placement = p;
      const Loss loss = LossBetween(before, FutureCapacity(model, with));
      const int rank = AutoPlacementRank(model, p.size, p.start);
      // Strictly better loss wins; at equal loss the better rank; at equal rank the earlier GPU
      // (visited first, so only a strictly better candidate replaces it).
      if (!best || LessLoss(loss, best_loss) || (!LessLoss(best_loss, loss) && rank < best_rank)) {
        best = ChosenPlacement{g, profile, p};
        best_loss = loss;
        best_rank = rank;
      }
    }
  }
  return best;
}

std::optional<ChosenPlacement> ChooseFirstFitPlacement(const std::vector<NodeGpu>& gpus,
                                                       const std::string& profile_name) {
  for (size_t g = 0; g < gpus.size(); ++g) {
    const GiProfile* profile = gpus[g].model->FindProfileByName(profile_name);
    if (profile == nullptr) continue;
    const StatusOr<Placement> p = AutoPlacement(*gpus[g].model, *profile, gpus[g].instances);
    if (p.ok()) return ChosenPlacement{g, profile, *p};
  }
  return std::nullopt;
}

}  // namespace migkit
