#include "sim/simulator.h"

#include <algorithm>

#include "sim/event_queue.h"
#include "sim/rng.h"

namespace migkit::sim {
namespace {

// A node's cached score for one pod shape, valid while the node's version is `version`.
struct CachedScore {
  uint32_t version = 0;
  bool valid = false;
  bool fits = false;
  NodeScore score;
};

struct Placement {
  size_t node = 0;
  std::vector<int> gpus;
};

class Engine {
 public:
  Engine(const std::vector<NodeSpec>& nodes, const std::vector<PodSpec>& typical_source,
         const SimOptions& options)
      : cluster_(nodes), options_(options), rng_(options.seed) {
    // FGD scores with the typical pods; every policy's fragmentation metric needs them too.
    typical_ = TypicalPods(cluster_, typical_source, options.typical_popularity_pct);
    node_fragmentation_.resize(cluster_.size());
    for (size_t i = 0; i < cluster_.size(); ++i) {
      node_fragmentation_[i] = NodeFragmentation(cluster_, i, typical_);
      fragmentation_ += node_fragmentation_[i];
    }
    order_.resize(cluster_.size());
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = i;
    if (options.seeded_node_order) {
      // Fisher-Yates with its own generator, so Random's draws are the same either way.
      Rng order_rng(options.seed ^ 0x6e6f64652d6f7264ULL);
      for (size_t i = order_.size(); i > 1; --i)
        std::swap(order_[i - 1], order_[order_rng.Below(i)]);
    }
  }

  Cluster& cluster() { return cluster_; }

  // Places `pod`, or returns false when it fits nowhere.
  bool Place(const Demand& pod, Placement* out) {
    if (cache_.size() <= static_cast<size_t>(pod.shape)) cache_.resize(pod.shape + 1);
    std::vector<CachedScore>& cache = cache_[pod.shape];
    if (cache.empty()) cache.resize(cluster_.size());
    const bool random_ties = options_.policy == Policy::kRandom;
    int64_t best = 0;
    uint64_t ties = 0;
    size_t chosen = 0;
    int gpu = -1;
    for (size_t node : order_) {
      CachedScore& c = cache[node];
      uint32_t version = cluster_.node(node).version;
      if (!c.valid || c.version != version) {
        c.valid = true;
        c.version = version;
        c.fits = cluster_.Fits(node, pod);
        if (c.fits) {
          c.score =
              ScoreNode(options_.policy, cluster_, node, pod, typical_, node_fragmentation_[node]);
        }
      }
      if (!c.fits) continue;
      // The highest score wins. Among equal scores the node earliest in order_ wins, as in the
      // FGD artifact (docs/simulator.md); Random's scores are all equal and it draws uniformly
      // among the fitting nodes (reservoir sampling).
      if (ties == 0 || c.score.score > best) {
        best = c.score.score;
        ties = 1;
        chosen = node;
        gpu = c.score.gpu;
      } else if (c.score.score == best && random_ties && rng_.Below(++ties) == 0) {
        chosen = node;
        gpu = c.score.gpu;
      }
    }
    if (ties == 0) return false;
    out->node = chosen;
    out->gpus = ChooseGpus(options_.policy, cluster_, chosen, pod, gpu, rng_);
    cluster_.Bind(chosen, pod, out->gpus);
    Refragment(chosen);
    return true;
  }

  void Remove(const Demand& pod, const Placement& placement) {
    cluster_.Release(placement.node, pod, placement.gpus);
    Refragment(placement.node);
  }

  Sample Snapshot(double time, double arrived_milli, int64_t arrived, int64_t failed) const {
    Sample s;
    double total = static_cast<double>(cluster_.total_gpu_milli());
    double idle = total - static_cast<double>(cluster_.allocated_gpu_milli());
    s.time = time;
    s.arrived_pct = 100 * arrived_milli / total;
    s.allocated_pct = 100 * static_cast<double>(cluster_.allocated_gpu_milli()) / total;
    s.gpus_in_use_pct = 100 * static_cast<double>(cluster_.gpus_in_use()) /
                        static_cast<double>(cluster_.total_gpus());
    s.fragmentation_gpus = fragmentation_ / kMilliPerGpu;
    s.fragmentation_pct = idle > 0 ? 100 * fragmentation_ / idle : 0;
    s.pods_arrived = arrived;
    s.pods_failed = failed;
    return s;
  }

 private:
  void Refragment(size_t node) {
    fragmentation_ -= node_fragmentation_[node];
    node_fragmentation_[node] = NodeFragmentation(cluster_, node, typical_);
    fragmentation_ += node_fragmentation_[node];
  }

  Cluster cluster_;
  SimOptions options_;
  Rng rng_;
  std::vector<size_t> order_;  // the nodes by tie-breaking rank
  std::vector<TypicalPod> typical_;
  std::vector<double> node_fragmentation_;
  double fragmentation_ = 0;
  std::vector<std::vector<CachedScore>> cache_;  // [shape][node]
};

}  // namespace

SimResult Simulate(const std::vector<NodeSpec>& nodes, const std::vector<PodSpec>& pods,
                   const std::vector<PodSpec>& typical_source, const SimOptions& options) {
  Engine engine(nodes, typical_source, options);
  std::vector<Demand> demands;
  demands.reserve(pods.size());
  for (const PodSpec& pod : pods) demands.push_back(engine.cluster().Resolve(pod));

  EventQueue events(pods);

  SimResult result;
  result.node_of_pod.assign(pods.size(), -1);
  std::vector<Placement> placements(pods.size());
  double arrived_milli = 0;
  int64_t arrived = 0;
  int64_t failed = 0;
  int next_pct = 0;
  double now = 0;
  double total = static_cast<double>(engine.cluster().total_gpu_milli());
  while (!events.empty()) {
    auto [time, departure, i] = events.Pop();
    now = time;
    ++result.events;
    if (departure) {
      engine.Remove(demands[i], placements[i]);
      continue;
    }
    ++arrived;
    arrived_milli += static_cast<double>(pods[i].GpuMilliTotal());
    int kind = static_cast<int>(KindOf(pods[i]));
    ++result.arrived_by_kind[kind];
    if (engine.Place(demands[i], &placements[i])) {
      result.node_of_pod[i] = static_cast<int>(placements[i].node);
      if (options.departures && pods[i].duration > 0) {
        events.AddDeparture(time + pods[i].duration, i);
      }
    } else {
      ++failed;
      ++result.failed_by_kind[kind];
    }
    while (total > 0 && 100 * arrived_milli / total >= next_pct) {
      result.samples.push_back(engine.Snapshot(now, arrived_milli, arrived, failed));
      ++next_pct;
    }
  }
  result.last = engine.Snapshot(now, arrived_milli, arrived, failed);
  const Cluster& cluster = engine.cluster();
  double effective = 0;
  for (size_t n = 0; n < cluster.size(); ++n) {
    const NodeState& state = cluster.node(n);
    for (size_t g = 0; g < state.gpu_left.size(); ++g) {
      double slowdown = 1 - options.interference_penalty * std::max(0, state.gpu_pods[g] - 1);
      effective += (kMilliPerGpu - state.gpu_left[g]) * std::max(0.0, slowdown);
    }
  }
  if (total > 0) result.effective_pct = 100 * effective / total;
  return result;
}

}  // namespace migkit::sim
