#include "sim/mig_simulator.h"

#include <algorithm>
#include <cmath>
#include <optional>
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

// Static and scheduled MIG: pods use the instances a layout provides; they never create any.
bool FixedLayouts(MigMode mode) {
  return mode == MigMode::kStaticMig || mode == MigMode::kScheduledMig;
}

struct MigNode {
  int64_t cpu_left = 0;
  int64_t memory_left = 0;
  std::vector<NodeGpu> gpus;
  /// Static and scheduled MIG: which of each GPU's instances a pod is using.
  std::vector<std::vector<char>> busy;
  /// Scheduled MIG: the layout each GPU switches to once its instances are all idle.
  std::vector<std::optional<Layout>> pending;
  /// Time-slicing: each GPU's shares in use and the pods on it.
  std::vector<int> milli_used;
  std::vector<std::vector<size_t>> residents;
  int64_t free_milli = 0;
  int free_slices = 0;
  uint32_t version = 0;
};

// Where one pod's instances went.
struct Held {
  size_t node = 0;
  std::vector<std::pair<size_t, PlacedProfile>> instances;  // (GPU, instance)
  std::vector<size_t> shared_gpus;                          // time-slicing: the GPUs it is on
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
      n.milli_used.assign(spec.num_gpu, 0);
      n.residents.resize(spec.num_gpu);
      n.free_milli = int64_t{spec.num_gpu} * kMilliPerGpu;
      total_slices_ += n.free_slices;
      if (FixedLayouts(options.mode)) {
        // The GPU's fixed layout: all its instances exist from the start, idle.
        n.free_slices = 0;
        n.busy.resize(spec.num_gpu);
        for (int g = 0; g < spec.num_gpu; ++g) {
          size_t global = static_cast<size_t>(total_gpus_) + g;
          if (global < options.static_layouts.size()) {
            n.gpus[g].instances = options.static_layouts[global];
          }
          n.busy[g].assign(n.gpus[g].instances.size(), 0);
          for (const PlacedProfile& p : n.gpus[g].instances) n.free_slices += p.profile->slices;
        }
      }
      total_gpus_ += spec.num_gpu;
      nodes_.push_back(std::move(n));
    }
  }

  Need NeedOf(const PodSpec& pod) const {
    if (pod.num_gpu == 0) return {};
    if (pod.IsShare() && options_.mode != MigMode::kWholeGpu) {
      return {ProfileForShare(*options_.model, pod.gpu_milli), 1};
    }
    return {options_.model->FullProfile(), pod.num_gpu};
  }

  bool Place(size_t pod_index, const PodSpec& pod, const Need& need, Held* out) {
    if (options_.mode == MigMode::kTimeSliced) return PlaceShared(pod_index, pod, out);
    if (need.count > 0 && need.profile == nullptr) return false;
    if (FixedLayouts(options_.mode)) return PlaceStatic(pod, need, out);
    int needed_slices = need.count > 0 ? need.count * need.profile->slices : 0;
    size_t best = BestFitNode(pod, [&](size_t i) -> std::optional<int64_t> {
      const MigNode& n = nodes_[i];
      if (n.free_slices < needed_slices || !Room(i, need)) return std::nullopt;
      return n.free_slices - needed_slices;
    });
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
    held_slices_ += needed_slices;
    ++n.version;
    return true;
  }

  // Static MIG: the pod takes existing idle instances, the smallest that are large enough.
  bool PlaceStatic(const PodSpec& pod, const Need& need, Held* out) {
    size_t best = BestFitNode(pod, [&](size_t i) -> std::optional<int64_t> {
      const StaticPick& pick = PickStatic(i, need);
      if (!pick.ok) return std::nullopt;
      return nodes_[i].free_slices - pick.slices;
    });
    if (best == nodes_.size()) return false;
    StaticPick pick = PickStatic(best, need);
    MigNode& n = nodes_[best];
    out->node = best;
    out->instances.clear();
    n.cpu_left -= pod.cpu_milli;
    n.memory_left -= pod.memory_mib;
    for (const auto& [gpu, index] : pick.instances) {
      n.busy[gpu][index] = 1;
      out->instances.emplace_back(gpu, n.gpus[gpu].instances[index]);
    }
    n.free_slices -= pick.slices;
    held_slices_ += pick.slices;
    ++n.version;
    return true;
  }

  // Time-slicing: a share on the best-fit node's fullest GPU that fits, or whole free GPUs.
  bool PlaceShared(size_t pod_index, const PodSpec& pod, Held* out) {
    size_t best = BestFitNode(pod, [&](size_t i) -> std::optional<int64_t> {
      const MigNode& n = nodes_[i];
      if (n.free_milli < pod.GpuMilliTotal() || SharedGpus(n, pod).size() < SharedCount(pod)) {
        return std::nullopt;
      }
      return n.free_milli - pod.GpuMilliTotal();
    });
    if (best == nodes_.size()) return false;
    MigNode& n = nodes_[best];
    out->node = best;
    out->instances.clear();
    out->shared_gpus = SharedGpus(n, pod);
    n.cpu_left -= pod.cpu_milli;
    n.memory_left -= pod.memory_mib;
    for (size_t g : out->shared_gpus) {
      n.milli_used[g] += pod.gpu_milli;
      n.residents[g].push_back(pod_index);
    }
    n.free_milli -= pod.GpuMilliTotal();
    held_milli_ += pod.GpuMilliTotal();
    return true;
  }

  const std::vector<size_t>& Residents(size_t node, size_t gpu) const {
    return nodes_[node].residents[gpu];
  }

  // The speed a pod runs at on its MIG instances or whole GPUs (module comment).
  double SpeedOn(const PodSpec& pod, const Held& held) const {
    if (pod.job.empty() || held.instances.empty()) return 1.0;
    int slices = held.instances.front().second.profile->slices;
    if (options_.speeds != nullptr) {
      if (std::optional<double> measured = options_.speeds->Relative(pod.job, slices)) {
        return *measured;
      }
    }
    return FallbackRelativeSpeed(slices, full_slices_);
  }

  void Remove(size_t pod_index, const PodSpec& pod, const Held& held) {
    MigNode& n = nodes_[held.node];
    n.cpu_left += pod.cpu_milli;
    n.memory_left += pod.memory_mib;
    for (size_t g : held.shared_gpus) {
      n.milli_used[g] -= pod.gpu_milli;
      auto& on = n.residents[g];
      on.erase(std::remove(on.begin(), on.end(), pod_index), on.end());
    }
    if (!held.shared_gpus.empty() || options_.mode == MigMode::kTimeSliced) {
      n.free_milli += pod.GpuMilliTotal();
      held_milli_ -= pod.GpuMilliTotal();
    }
    for (const auto& [gpu, placed] : held.instances) {
      auto& list = n.gpus[gpu].instances;
      held_slices_ -= placed.profile->slices;
      if (FixedLayouts(options_.mode)) {
        for (size_t k = 0; k < list.size(); ++k) {
          if (list[k].placement.start == placed.placement.start) n.busy[gpu][k] = 0;
        }
        n.free_slices += placed.profile->slices;
        TrySwitch(n, gpu);
        continue;
      }
      auto it = std::find_if(list.begin(), list.end(), [&](const PlacedProfile& p) {
        return p.profile == placed.profile && p.placement.start == placed.placement.start;
      });
      if (it != list.end()) list.erase(it);
      n.free_slices += placed.profile->slices;
      if (options_.mode == MigMode::kDynamicMig) ++gis_destroyed_;
    }
    ++n.version;
  }

  // Scheduled MIG: every GPU is to take `layouts[its global index]`; a GPU whose instances are
  // all idle switches now, the others as soon as their last pod leaves.
  void ApplyLayouts(const std::vector<Layout>& layouts) {
    size_t global = 0;
    for (MigNode& n : nodes_) {
      n.pending.resize(n.gpus.size());
      for (size_t g = 0; g < n.gpus.size(); ++g, ++global) {
        n.pending[g] = global < layouts.size() ? layouts[global] : Layout{};
        TrySwitch(n, g);
      }
    }
  }

  MigSample Snapshot(double arrived_milli, double placed_milli, int64_t failed) const {
    MigSample s;
    double capacity = static_cast<double>(total_gpus_) * kMilliPerGpu;
    int64_t busy_gpus = 0;
    for (const MigNode& n : nodes_) {
      for (size_t g = 0; g < n.gpus.size(); ++g) {
        if (FixedLayouts(options_.mode)) {
          busy_gpus += std::find(n.busy[g].begin(), n.busy[g].end(), 1) != n.busy[g].end();
        } else if (options_.mode == MigMode::kTimeSliced) {
          busy_gpus += n.milli_used[g] > 0;
        } else {
          busy_gpus += !n.gpus[g].instances.empty();
        }
      }
    }
    s.arrived_pct = capacity > 0 ? 100 * arrived_milli / capacity : 0;
    s.requested_pct = capacity > 0 ? 100 * placed_milli / capacity : 0;
    if (options_.mode == MigMode::kTimeSliced) {
      s.slices_pct = capacity > 0 ? 100 * static_cast<double>(held_milli_) / capacity : 0;
    } else {
      s.slices_pct =
          total_slices_ > 0 ? 100 * static_cast<double>(held_slices_) / total_slices_ : 0;
    }
    s.gpus_in_use_pct = total_gpus_ > 0 ? 100 * static_cast<double>(busy_gpus) / total_gpus_ : 0;
    s.pods_failed = failed;
    if (options_.mode != MigMode::kTimeSliced && options_.mode != MigMode::kWholeGpu) {
      s.fragmentation_pct = 100 * Fragmentation();
    }
    return s;
  }

  // core's FragmentationScore over every GPU of the cluster (the instances in use). The score is
  // an average weighted by free slices, so it composes from per-node scores, each cached until
  // its node changes: a sample costs one version check per node.
  double Fragmentation() const {
    if (fragmentation_.size() != nodes_.size()) fragmentation_.resize(nodes_.size());
    double weighted = 0;
    int64_t free = 0;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const MigNode& n = nodes_[i];
      CachedFragmentation& c = fragmentation_[i];
      if (!c.valid || c.version != n.version) {
        std::vector<NodeGpu> gpus;
        c.free = 0;
        for (size_t g = 0; g < n.gpus.size(); ++g) {
          NodeGpu used{n.gpus[g].model, {}};
          for (size_t k = 0; k < n.gpus[g].instances.size(); ++k) {
            // Idle instances of fixed layouts count as free: they could be reconfigured.
            if (!FixedLayouts(options_.mode) || n.busy[g][k]) {
              used.instances.push_back(n.gpus[g].instances[k]);
            }
          }
          c.free += used.model->compute_slices;
          for (const PlacedProfile& p : used.instances) c.free -= p.profile->slices;
          gpus.push_back(std::move(used));
        }
        c.score = FragmentationScore(gpus);
        c.valid = true;
        c.version = n.version;
      }
      weighted += c.score * static_cast<double>(c.free);
      free += c.free;
    }
    return free == 0 ? 0.0 : weighted / static_cast<double>(free);
  }

  double capacity_milli() const { return static_cast<double>(total_gpus_) * kMilliPerGpu; }
  int64_t gis_created() const { return gis_created_; }
  int64_t gis_destroyed() const { return gis_destroyed_; }

 private:
  // Best fit: among the nodes with the pod's CPU and memory where `left(node)` says how much GPU
  // room would be left (nullopt: the pod's GPUs do not fit), the one left with the least, the
  // first on ties; nodes_.size() when none.
  template <typename Left>
  size_t BestFitNode(const PodSpec& pod, Left left) {
    size_t best = nodes_.size();
    int64_t best_left = 0;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const MigNode& n = nodes_[i];
      if (n.cpu_left < pod.cpu_milli || n.memory_left < pod.memory_mib) continue;
      std::optional<int64_t> room = left(i);
      if (!room) continue;
      if (best == nodes_.size() || *room < best_left) {
        best = i;
        best_left = *room;
      }
    }
    return best;
  }

  // Time-slicing: how many GPUs the pod takes (0, 1 shared, or num_gpu whole).
  static size_t SharedCount(const PodSpec& pod) { return static_cast<size_t>(pod.num_gpu); }

  // Time-slicing: the GPUs the pod would take on `n`: for a share the fullest GPU it fits (the
  // first on ties), for whole GPUs the first free ones; fewer than SharedCount when it does not
  // fit.
  static std::vector<size_t> SharedGpus(const MigNode& n, const PodSpec& pod) {
    std::vector<size_t> out;
    if (pod.num_gpu == 0) return out;
    if (pod.IsShare()) {
      size_t best = n.milli_used.size();
      for (size_t g = 0; g < n.milli_used.size(); ++g) {
        if (n.milli_used[g] + pod.gpu_milli > kMilliPerGpu) continue;
        if (best == n.milli_used.size() || n.milli_used[g] > n.milli_used[best]) best = g;
      }
      if (best != n.milli_used.size()) out.push_back(best);
      return out;
    }
    for (size_t g = 0; g < n.milli_used.size() && out.size() < SharedCount(pod); ++g) {
      if (n.milli_used[g] == 0) out.push_back(g);
    }
    return out;
  }

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

  // Switches GPU `g` of `n` to its pending layout if none of its instances is in use: the idle
  // instances are destroyed and the new ones created (counted as reconfigurations).
  void TrySwitch(MigNode& n, size_t g) {
    if (n.pending.size() <= g || !n.pending[g]) return;
    if (std::find(n.busy[g].begin(), n.busy[g].end(), 1) != n.busy[g].end()) return;
    Layout& now = n.gpus[g].instances;
    for (const PlacedProfile& p : now) n.free_slices -= p.profile->slices;
    gis_destroyed_ += static_cast<int64_t>(now.size());
    now = std::move(*n.pending[g]);
    n.pending[g].reset();
    gis_created_ += static_cast<int64_t>(now.size());
    for (const PlacedProfile& p : now) n.free_slices += p.profile->slices;
    n.busy[g].assign(now.size(), 0);
    ++n.version;
  }

  // Static MIG: the idle instances a pod would take on a node (cached until the node changes).
  struct StaticPick {
    bool ok = false;
    int slices = 0;
    std::vector<std::pair<size_t, size_t>> instances;  // (GPU, index in its layout)
  };
  struct CachedPick {
    bool valid = false;
    uint32_t version = 0;
    StaticPick pick;
  };
  const StaticPick& PickStatic(size_t node, const Need& need) {
    static const StaticPick kNothingNeeded{true, 0, {}};
    if (need.count == 0) return kNothingNeeded;  // a CPU-only pod
    const MigNode& n = nodes_[node];
    size_t profile = static_cast<size_t>(need.profile - options_.model->gi_profiles.data());
    if (picks_.size() <= profile) picks_.resize(options_.model->gi_profiles.size());
    std::vector<CachedPick>& cache = picks_[profile];
    if (cache.empty()) cache.resize(nodes_.size());
    CachedPick& c = cache[node];
    if (c.valid && c.version == n.version) return c.pick;
    c.valid = true;
    c.version = n.version;
    // Idle instances at least as large as the profile, smallest first (fewest slices, then
    // least memory), each on its own GPU when the pod needs several.
    std::vector<std::tuple<int, int, size_t, size_t>> idle;  // (slices, size, GPU, index)
    for (size_t g = 0; g < n.gpus.size(); ++g) {
      const Layout& layout = n.gpus[g].instances;
      for (size_t k = 0; k < layout.size(); ++k) {
        const GiProfile* p = layout[k].profile;
        if (n.busy[g][k] || p->slices < need.profile->slices) continue;
        if (p->placement_size < need.profile->placement_size) continue;
        idle.emplace_back(p->slices, p->placement_size, g, k);
      }
    }
    std::sort(idle.begin(), idle.end());
    StaticPick pick;
    std::vector<char> gpu_taken(n.gpus.size(), 0);
    for (const auto& [slices, size, g, k] : idle) {
      if (static_cast<int>(pick.instances.size()) == need.count) break;
      if (gpu_taken[g]) continue;
      gpu_taken[g] = 1;
      pick.instances.emplace_back(g, k);
      pick.slices += slices;
    }
    pick.ok = static_cast<int>(pick.instances.size()) == need.count;
    c.pick = std::move(pick);
    return c.pick;
  }
  std::vector<std::vector<CachedPick>> picks_;  // [profile][node]

  struct CachedRoom {
    bool valid = false;
    uint32_t version = 0;
    int gpus = 0;  // GPUs with a free placement for the profile
  };
  std::vector<std::vector<CachedRoom>> room_;  // [profile][node]

  struct CachedFragmentation {
    bool valid = false;
    uint32_t version = 0;
    double score = 0;  // FragmentationScore of the node's GPUs
    int64_t free = 0;  // their free compute slices (the score's weight)
  };
  mutable std::vector<CachedFragmentation> fragmentation_;  // [node]

  MigOptions options_;
  std::vector<MigNode> nodes_;
  int full_slices_ = 0;
  int64_t total_slices_ = 0;
  int64_t total_gpus_ = 0;
  int64_t gis_created_ = 0;
  int64_t gis_destroyed_ = 0;
  int64_t held_slices_ = 0;
  int64_t held_milli_ = 0;
};

}  // namespace

MigResult SimulateMig(const std::vector<NodeSpec>& nodes, const std::vector<PodSpec>& pods,
                      const MigOptions& options) {
  MigEngine engine(nodes, options);
  EventQueue events(pods);
  MigResult result;
  result.node_of_pod.assign(pods.size(), -1);
  result.start_of_pod.assign(pods.size(), -1);
  result.end_of_pod.assign(pods.size(), -1);
  std::vector<Held> held(pods.size());
  // Each running pod's work left (seconds at speed 1), speed, when those were last updated, and
  // when it will end; a departure event whose time is not the pod's `finish` is stale (its speed
  // changed since).
  std::vector<double> work(pods.size(), 0), speed(pods.size(), 1), since(pods.size(), 0);
  std::vector<double> finish(pods.size(), -1);
  // Time-slicing: the pods on a GPU changed; each one's speed and end follow.
  auto retime = [&](size_t node, size_t gpu, double now) {
    const std::vector<size_t>& on = engine.Residents(node, gpu);
    if (on.empty()) return;
    double shared_speed =
        1.0 / (1.0 + options.interference_penalty * static_cast<double>(on.size() - 1));
    for (size_t j : on) {
      if (finish[j] < 0) continue;  // runs forever (no duration)
      work[j] = std::max(0.0, work[j] - (now - since[j]) * speed[j]);
      since[j] = now;
      speed[j] = shared_speed;
      finish[j] = now + work[j] / shared_speed;
      events.AddDeparture(finish[j], j);
    }
  };
  std::vector<size_t> waiting;  // FIFO of pods that did not fit yet (options.queue)
  double arrived_milli = 0;
  double placed_milli = 0;
  int64_t failed = 0;
  int next_pct = 0;
  double next_interval = 0;
  double capacity = engine.capacity_milli();
  auto start = [&](size_t i, double now) {
    if (!engine.Place(i, pods[i], engine.NeedOf(pods[i]), &held[i])) return false;
    result.node_of_pod[i] = static_cast<int>(held[i].node);
    result.start_of_pod[i] = now;
    placed_milli += static_cast<double>(pods[i].GpuMilliTotal());
    if (options.departures && pods[i].duration > 0) {
      work[i] = pods[i].duration;
      since[i] = now;
      speed[i] = engine.SpeedOn(pods[i], held[i]);
      finish[i] = now + work[i] / speed[i];
      if (held[i].shared_gpus.empty()) {
        events.AddDeparture(finish[i], i);
      } else {
        for (size_t g : held[i].shared_gpus) retime(held[i].node, g, now);
      }
    }
    return true;
  };
  // Room freed or new instances: start waiting pods in arrival order, any that fits
  // (backfilling).
  auto retry_waiting = [&](double now) {
    std::vector<size_t> still;
    for (size_t w : waiting) {
      if (!start(w, now)) still.push_back(w);
    }
    waiting.swap(still);
  };
  size_t next_change = 0;
  while (!events.empty()) {
    auto [time, departure, i] = events.Pop();
    if (departure && time != finish[i]) continue;  // stale: the pod's speed changed
    ++result.events;
    while (options.mode == MigMode::kScheduledMig && next_change < options.layout_changes.size() &&
           options.layout_changes[next_change].time <= time) {
      // A scheduled change of layout; waiting pods may fit the new instances.
      engine.ApplyLayouts(options.layout_changes[next_change].layouts);
      ++next_change;
      retry_waiting(time);
    }
    while (options.sample_interval > 0 && time >= next_interval) {
      // The cluster as it was at next_interval: nothing has happened since the last event.
      result.timeline.push_back(engine.Snapshot(arrived_milli, placed_milli, failed));
      result.timeline.back().time = next_interval;
      next_interval += options.sample_interval;
    }
    result.last_event_time = time;
    const PodSpec& pod = pods[i];
    if (departure) {
      finish[i] = -1;
      result.end_of_pod[i] = time;
      engine.Remove(i, pod, held[i]);
      for (size_t g : held[i].shared_gpus) retime(held[i].node, g, time);
      placed_milli -= static_cast<double>(pod.GpuMilliTotal());
      retry_waiting(time);
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
