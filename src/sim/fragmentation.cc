#include "sim/fragmentation.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <tuple>

namespace migkit::sim {

std::vector<TypicalPod> TypicalPods(Cluster& cluster, const std::vector<PodSpec>& pods,
                                    double popularity_pct) {
  // FGD's shape leaves memory out: (CPU, GPU count, GPU share, GPU models).
  using Key = std::tuple<int64_t, int, int, std::vector<std::string>>;
  std::map<Key, std::pair<int, size_t>> count_and_first;  // -> (count, first appearance)
  for (size_t i = 0; i < pods.size(); ++i) {
    const PodSpec& p = pods[i];
    Key key{p.cpu_milli, p.num_gpu, p.num_gpu > 0 ? p.gpu_milli : 0, p.gpu_types};
    auto it = count_and_first.emplace(key, std::make_pair(0, i)).first;
    ++it->second.first;
  }
  std::vector<std::pair<int, size_t>> order;  // (count, first index)
  for (const auto& [key, cf] : count_and_first) order.push_back(cf);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  double need = popularity_pct / 100.0 * static_cast<double>(pods.size());
  double covered = 0;
  std::vector<TypicalPod> typical;
  for (const auto& [count, first] : order) {
    if (covered >= need) break;
    PodSpec shape = pods[first];
    shape.memory_mib = 0;  // memory is not part of the shape (see above)
    typical.push_back({cluster.Resolve(shape), static_cast<double>(count)});
    covered += count;
  }
  for (TypicalPod& t : typical) t.weight /= covered;
  return typical;
}

namespace {

// What one typical pod sees on a node: how many GPUs have room for it and how much capacity sits
// on the GPUs that do not.
struct Fit {
  int roomy_gpus = 0;
  int64_t small_milli = 0;
};

Fit FitOf(const NodeState& n, const Demand& m) {
  Fit f;
  for (int left : n.gpu_left) {
    if (left >= m.gpu_milli) {
      ++f.roomy_gpus;
    } else {
      f.small_milli += left;
    }
  }
  return f;
}

// The fragment of one typical pod given the node's CPU, idle capacity and the pod's Fit.
double Fragment(const Cluster& cluster, size_t node, const Demand& m, int64_t cpu_left,
                int64_t idle, const Fit& f) {
  if (m.num_gpu == 0 || !cluster.Accessible(node, m)) return static_cast<double>(idle);
  if (f.roomy_gpus >= m.num_gpu && cpu_left >= m.cpu_milli) {
    return static_cast<double>(f.small_milli);
  }
  return static_cast<double>(idle);
}

int64_t Score(double before, double after) {
  double x = (before - after) / kMilliPerGpu;
  return static_cast<int64_t>(1.0 / (1.0 + std::exp(-x)) * 100);
}

}  // namespace

double NodeFragmentation(const Cluster& cluster, size_t node,
                         const std::vector<TypicalPod>& typical) {
  const NodeState& n = cluster.node(node);
  int64_t idle = n.GpuMilliLeft();
  if (idle == 0) return 0;
  double sum = 0;
  for (const TypicalPod& t : typical) {
    sum += t.weight * Fragment(cluster, node, t.demand, n.cpu_left, idle, FitOf(n, t.demand));
  }
  return sum;
}

FgdChoice ScoreFgd(const Cluster& cluster, size_t node, const Demand& pod,
                   const std::vector<TypicalPod>& typical, double fragmentation_now) {
  const NodeState& n = cluster.node(node);
  if (!pod.IsShare()) {
    // Whole GPUs or none: the state after is fixed (the allocator takes fully free GPUs).
    NodeState after = n;
    after.cpu_left -= pod.cpu_milli;
    int need = pod.num_gpu;
    for (int& left : after.gpu_left) {
      if (need > 0 && left == kMilliPerGpu) {
        left = 0;
        --need;
      }
    }
    int64_t idle = after.GpuMilliLeft();
    double frag = 0;
    if (idle > 0) {
      for (const TypicalPod& t : typical) {
        frag += t.weight *
                Fragment(cluster, node, t.demand, after.cpu_left, idle, FitOf(after, t.demand));
      }
    }
    return {Score(fragmentation_now, frag), -1};
  }
  // A GPU-sharing pod: try each GPU with room. Only that GPU changes, so each typical pod's Fit
  // after the move follows from its Fit now in O(1).
  std::vector<Fit> fits;
  fits.reserve(typical.size());
  for (const TypicalPod& t : typical) fits.push_back(FitOf(n, t.demand));
  int64_t cpu_after = n.cpu_left - pod.cpu_milli;
  int64_t idle_after = n.GpuMilliLeft() - pod.gpu_milli;
  FgdChoice best;
  best.score = -1;
  for (size_t g = 0; g < n.gpu_left.size(); ++g) {
    int before = n.gpu_left[g];
    if (before < pod.gpu_milli) continue;
    int after = before - pod.gpu_milli;
    double frag = 0;
    if (idle_after > 0) {
      for (size_t i = 0; i < typical.size(); ++i) {
        const Demand& m = typical[i].demand;
        Fit f = fits[i];
        if (before >= m.gpu_milli) {
          --f.roomy_gpus;
        } else {
          f.small_milli -= before;
        }
        if (after >= m.gpu_milli) {
          ++f.roomy_gpus;
        } else {
          f.small_milli += after;
        }
        frag += typical[i].weight * Fragment(cluster, node, m, cpu_after, idle_after, f);
      }
    }
    int64_t score = Score(fragmentation_now, frag);
    if (score > best.score) best = {score, static_cast<int>(g)};
  }
  return best;
}

}  // namespace migkit::sim
