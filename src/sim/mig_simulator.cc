#include "sim/mig_simulator.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/capacity.h"
#include "core/geometry.h"
#include "sim/event_queue.h"

namespace migkit::sim {

const GiProfile* ProfileForShare(const GpuModel& model, int gpu_milli) {
  const GiProfile* full = model.FullProfile();
  if (full == nullptr) return nullptr;
  int slices = static_cast<int>(
      std::ceil(static_cast<double>(full->slices) * gpu_milli / kMilliPerGpu - 1e-9));
  const GiProfile* best = nullptr;
  for (const GiProfile& p : model.gi_profiles) {
    if (p.graphics || p.name.find_first_of("+-") != std::string::npos) continue;
    if (p.slices < slices) continue;
    // Fewest slices, then the least memory (placement units): 1g.10gb before 1g.20gb.
    if (best == nullptr || p.slices < best->slices ||
        (p.slices == best->slices && p.placement_size < best->placement_size)) {
      best = &p;
    }
  }
  return best;
}

namespace {

struct MigNode {
  int64_t cpu_left = 0;
  int64_t memory_left = 0;
  std::vector<NodeGpu> gpus;
  int free_slices = 0;
  uint32_t version = 0;
};

// Where one pod's instances went.
struct Held {
  size_t node = 0;
  std::vector<std::pair<size_t, PlacedProfile>> instances;  // (GPU, instance)
};

// A pod's instances: `count` x `profile`.
struct Need {
  const GiProfile* profile = nullptr;
  int count = 0;
};

class MigEngine {
 public:
  MigEngine(const std::vector<NodeSpec>& nodes, const MigOptions& options) : options_(options) {
    full_slices_ = options.model->FullProfile()->slices;
    for (const NodeSpec& spec : nodes) {
      MigNode n;
      n.cpu_left = spec.cpu_milli;
      n.memory_left = spec.memory_mib;
      n.gpus.assign(spec.num_gpu, NodeGpu{options.model, {}});
      n.free_slices = spec.num_gpu * full_slices_;
      total_slices_ += n.free_slices;
      total_gpus_ += spec.num_gpu;
      nodes_.push_back(std::move(n));
    }
  }

  Need NeedOf(const PodSpec& pod) const {
    if (pod.num_gpu == 0) return {};
    if (pod.IsShare() && options_.mode == MigMode::kDynamicMig) {
      return {ProfileForShare(*options_.model, pod.gpu_milli), 1};
    }
    return {options_.model->FullProfile(), pod.num_gpu};
  }

  bool Place(const PodSpec& pod, const Need& need, Held* out) {
    if (need.count > 0 && need.profile == nullptr) return false;
    int needed_slices = need.count > 0 ? need.count * need.profile->slices : 0;
    size_t best = nodes_.size();
    int best_left = 0;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const MigNode& n = nodes_[i];
      if (n.cpu_left < pod.cpu_milli || n.memory_left < pod.memory_mib) continue;
      if (n.free_slices < needed_slices) continue;
      if (!Room(i, need)) continue;
      int left = n.free_slices - needed_slices;
      if (best == nodes_.size() || left < best_left) {
        best = i;
        best_left = left;
      }
    }
    if (best == nodes_.size()) return false;
    MigNode& n = nodes_[best];
    out->node = best;
    out->instances.clear();
    n.cpu_left -= pod.cpu_milli;
    n.memory_left -= pod.memory_mib;
    for (int k = 0; k < need.count; ++k) {
      std::optional<ChosenPlacement> chosen =
          options_.capacity_preserving
              ? ChooseCapacityPreservingPlacement(n.gpus, need.profile->name)
              : ChooseFirstFitPlacement(n.gpus, need.profile->name);
      // Room() found space for every instance; a full-GPU instance needs an empty GPU, which
      // both choosers find.
      PlacedProfile placed{chosen->profile, chosen->placement};
      n.gpus[chosen->gpu].instances.push_back(placed);
      out->instances.emplace_back(chosen->gpu, placed);
      if (options_.mode == MigMode::kDynamicMig) ++gis_created_;
    }
    n.free_slices -= needed_slices;
    ++n.version;
    return true;
  }

  void Remove(const PodSpec& pod, const Held& held) {
    MigNode& n = nodes_[held.node];
    n.cpu_left += pod.cpu_milli;
    n.memory_left += pod.memory_mib;
    for (const auto& [gpu, placed] : held.instances) {
      auto& list = n.gpus[gpu].instances;
      auto it = std::find_if(list.begin(), list.end(), [&](const PlacedProfile& p) {
        return p.profile == placed.profile && p.placement.start == placed.placement.start;
      });
      if (it != list.end()) list.erase(it);
      n.free_slices += placed.profile->slices;
      if (options_.mode == MigMode::kDynamicMig) ++gis_destroyed_;
    }
    ++n.version;
  }

  MigSample Snapshot(double arrived_milli, double placed_milli, int64_t failed) const {
    MigSample s;
    double capacity = static_cast<double>(total_gpus_) * kMilliPerGpu;
    int64_t free = 0;
    int64_t busy_gpus = 0;
    for (const MigNode& n : nodes_) {
      free += n.free_slices;
      for (const NodeGpu& g : n.gpus) busy_gpus += !g.instances.empty();
    }
    s.arrived_pct = capacity > 0 ? 100 * arrived_milli / capacity : 0;
    s.requested_pct = capacity > 0 ? 100 * placed_milli / capacity : 0;
    s.slices_pct =
        total_slices_ > 0 ? 100 * static_cast<double>(total_slices_ - free) / total_slices_ : 0;
    s.gpus_in_use_pct = total_gpus_ > 0 ? 100 * static_cast<double>(busy_gpus) / total_gpus_ : 0;
    s.pods_failed = failed;
    return s;
  }

  double capacity_milli() const { return static_cast<double>(total_gpus_) * kMilliPerGpu; }
  int64_t gis_created() const { return gis_created_; }
  int64_t gis_destroyed() const { return gis_destroyed_; }

 private:
  // Whether `need` fits the node's GPUs now: `count` instances of the profile, each on a GPU
  // with a free placement for it (a full-GPU instance per empty GPU).
  // Cached per node and profile until the node changes.
  bool Room(size_t node, const Need& need) {
    if (need.count == 0) return true;
    const MigNode& n = nodes_[node];
    size_t profile = static_cast<size_t>(need.profile - options_.model->gi_profiles.data());
    if (room_.size() <= profile) room_.resize(options_.model->gi_profiles.size());
    std::vector<CachedRoom>& cache = room_[profile];
    if (cache.empty()) cache.resize(nodes_.size());
    CachedRoom& c = cache[node];
    if (!c.valid || c.version != n.version) {
      c.valid = true;
      c.version = n.version;
      c.gpus = 0;
      for (const NodeGpu& g : n.gpus) {
        c.gpus += !FreePlacements(*g.model, *need.profile, g.instances).empty();
      }
    }
    return c.gpus >= need.count;
  }

  struct CachedRoom {
    bool valid = false;
    uint32_t version = 0;
    int gpus = 0;  // GPUs with a free placement for the profile
  };
  std::vector<std::vector<CachedRoom>> room_;  // [profile][node]

  MigOptions options_;
  std::vector<MigNode> nodes_;
  int full_slices_ = 0;
  int64_t total_slices_ = 0;
  int64_t total_gpus_ = 0;
  int64_t gis_created_ = 0;
  int64_t gis_destroyed_ = 0;
};

}  // namespace

MigResult SimulateMig(const std::vector<NodeSpec>& nodes, const std::vector<PodSpec>& pods,
                      const MigOptions& options) {
  MigEngine engine(nodes, options);
  EventQueue events(pods);
  MigResult result;
  result.node_of_pod.assign(pods.size(), -1);
  result.start_of_pod.assign(pods.size(), -1);
  std::vector<Held> held(pods.size());
  std::vector<size_t> waiting;  // FIFO of pods that did not fit yet (options.queue)
  double arrived_milli = 0;
  double placed_milli = 0;
  int64_t failed = 0;
  int next_pct = 0;
  double next_interval = 0;
  double capacity = engine.capacity_milli();
  auto start = [&](size_t i, double now) {
    if (!engine.Place(pods[i], engine.NeedOf(pods[i]), &held[i])) return false;
    result.node_of_pod[i] = static_cast<int>(held[i].node);
    result.start_of_pod[i] = now;
    placed_milli += static_cast<double>(pods[i].GpuMilliTotal());
    if (options.departures && pods[i].duration > 0) {
      events.AddDeparture(now + pods[i].duration, i);
    }
    return true;
  };
  while (!events.empty()) {
    auto [time, departure, i] = events.Pop();
    ++result.events;
    while (options.sample_interval > 0 && time >= next_interval) {
      // The cluster as it was at next_interval: nothing has happened since the last event.
      result.timeline.push_back(engine.Snapshot(arrived_milli, placed_milli, failed));
      result.timeline.back().time = next_interval;
      next_interval += options.sample_interval;
    }
    result.last_event_time = time;
    const PodSpec& pod = pods[i];
    if (departure) {
      engine.Remove(pod, held[i]);
      placed_milli -= static_cast<double>(pod.GpuMilliTotal());
      // Room freed: start waiting pods in arrival order, any that fits (backfilling).
      std::vector<size_t> still;
      for (size_t w : waiting) {
        if (!start(w, time)) still.push_back(w);
      }
      waiting.swap(still);
      continue;
    }
    arrived_milli += static_cast<double>(pod.GpuMilliTotal());
    if (!start(i, time)) {
      if (options.queue) {
        waiting.push_back(i);
      } else {
        ++failed;
        ++result.failed_by_kind[static_cast<int>(KindOf(pod))];
      }
    }
    while (capacity > 0 && 100 * arrived_milli / capacity >= next_pct) {
      result.samples.push_back(engine.Snapshot(arrived_milli, placed_milli, failed));
      ++next_pct;
    }
  }
  result.last = engine.Snapshot(arrived_milli, placed_milli, failed);
  result.still_waiting = static_cast<int64_t>(waiting.size());
  result.gis_created = engine.gis_created();
  result.gis_destroyed = engine.gis_destroyed();
  result.driver_seconds = static_cast<double>(result.gis_created) * options.create_seconds +
                          static_cast<double>(result.gis_destroyed) * options.destroy_seconds;
  return result;
}

}  // namespace migkit::sim
