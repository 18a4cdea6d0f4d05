#include "sim/policies.h"

#include <algorithm>
#include <cctype>
#include <numeric>
#include <string>

namespace migkit::sim {

const std::vector<Policy>& AllPolicies() {
  static const std::vector<Policy> kAll = {Policy::kRandom,        Policy::kDotProd,
                                           Policy::kGpuClustering, Policy::kGpuPacking,
                                           Policy::kBestFit,       Policy::kFgd};
  return kAll;
}

std::string_view PolicyName(Policy policy) {
  switch (policy) {
    case Policy::kRandom:
      return "Random";
    case Policy::kDotProd:
      return "DotProd";
    case Policy::kGpuClustering:
      return "GpuClustering";
    case Policy::kGpuPacking:
      return "GpuPacking";
    case Policy::kBestFit:
      return "BestFit";
    case Policy::kFgd:
      return "FGD";
  }
  return "?";
}

std::optional<Policy> ParsePolicy(std::string_view name) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  for (Policy p : AllPolicies()) {
    if (lower(PolicyName(p)) == lower(name)) return p;
  }
  return std::nullopt;
}

namespace {

int64_t DotProdScore(const NodeState& n, const Demand& pod) {
  double node_cpu = static_cast<double>(n.cpu_left) / kMaxSpecCpuMilli;
  double node_gpu = static_cast<double>(n.GpuMilliLeft()) / kMaxSpecGpuMilli;
  double pod_cpu = static_cast<double>(pod.cpu_milli) / kMaxSpecCpuMilli;
  double pod_gpu = static_cast<double>(pod.num_gpu) * pod.gpu_milli / kMaxSpecGpuMilli;
  double product = (node_cpu * pod_cpu + node_gpu * pod_gpu) / 2;  // in [0, 1]
  return static_cast<int64_t>(100 * (1 - product));
}

int64_t GpuClusteringScore(const NodeState& n, const Demand& pod) {
  if (pod.num_gpu == 0) return 0;
  constexpr int64_t kQuarter = 25;
  int64_t fill = kQuarter * (static_cast<int64_t>(kMaxSpecGpuMilli) - n.GpuMilliLeft()) /
                 static_cast<int64_t>(kMaxSpecGpuMilli);
  bool has = std::any_of(n.gpu_classes.begin(), n.gpu_classes.end(),
                         [&](const auto& c) { return c.first == pod.GpuClass(); });
  if (has) return (n.gpu_classes.size() == 1 ? 3 * kQuarter : 2 * kQuarter) + fill;
  return (n.gpu_classes.empty() ? kQuarter : 0) + fill;
}

int64_t GpuPackingScore(const NodeState& n, const Demand& pod) {
  if (pod.num_gpu == 0) return 0;
  int free_gpus = n.FullyFreeGpus();
  if (free_gpus == static_cast<int>(n.gpu_left.size())) {
    return std::max<int64_t>(100 / 3 - free_gpus, free_gpus);  // an idle node: fewer GPUs first
  }
  // Take the GPUs with the least room that fit, as the allocator will.
  std::vector<int> order(n.gpu_left.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return n.gpu_left[a] < n.gpu_left[b]; });
  int need = pod.num_gpu;
  int free_used = 0;
  int64_t free_pct_on_used = 0;
  for (int g : order) {
    if (need == 0) break;
    if (n.gpu_left[g] < pod.gpu_milli) continue;
    --need;
    if (n.gpu_left[g] == kMilliPerGpu) ++free_used;
    free_pct_on_used += n.gpu_left[g] * 100 / kMilliPerGpu;
  }
  if (free_used > 0) return std::max<int64_t>(100 / 2 - free_used, 100 / 3);
  return std::max<int64_t>(100 - free_pct_on_used / 10, 100 / 2);
}

int64_t BestFitScore(const NodeState& n, const Demand& pod) {
  double cpu = static_cast<double>(n.cpu_left - pod.cpu_milli) / kMaxSpecCpuMilli;
  double gpu =
      static_cast<double>(n.GpuMilliLeft() - static_cast<int64_t>(pod.num_gpu) * pod.gpu_milli) /
      kMaxSpecGpuMilli;
  return static_cast<int64_t>((1 - (0.5 * cpu + 0.5 * gpu)) * 100);
}

}  // namespace

NodeScore ScoreNode(Policy policy, const Cluster& cluster, size_t node, const Demand& pod,
                    const std::vector<TypicalPod>& typical, double node_fragmentation) {
  const NodeState& n = cluster.node(node);
  switch (policy) {
    case Policy::kRandom:
      return {0, -1};
    case Policy::kDotProd:
      return {DotProdScore(n, pod), -1};
    case Policy::kGpuClustering:
      return {GpuClusteringScore(n, pod), -1};
    case Policy::kGpuPacking:
      return {GpuPackingScore(n, pod), -1};
    case Policy::kBestFit:
      return {BestFitScore(n, pod), -1};
    case Policy::kFgd: {
      FgdChoice choice = ScoreFgd(cluster, node, pod, typical, node_fragmentation);
      return {choice.score, choice.gpu};
    }
  }
  return {};
}

std::vector<int> ChooseGpus(Policy policy, const Cluster& cluster, size_t node, const Demand& pod,
                            int preferred, Rng& rng) {
  if (pod.num_gpu == 0) return {};
  const NodeState& n = cluster.node(node);
  if (pod.IsShare() && preferred >= 0) return {preferred};
  std::vector<int> roomy;
  for (int g = 0; g < static_cast<int>(n.gpu_left.size()); ++g) {
    if (n.gpu_left[g] >= pod.gpu_milli) roomy.push_back(g);
  }
  if (policy == Policy::kRandom) {
    // A uniform random subset of num_gpu GPUs with room (partial Fisher-Yates).
    for (int i = 0; i < pod.num_gpu; ++i) {
      size_t j = i + rng.Below(roomy.size() - i);
      std::swap(roomy[i], roomy[j]);
    }
    roomy.resize(pod.num_gpu);
    std::sort(roomy.begin(), roomy.end());
    return roomy;
  }
  if (pod.IsShare()) {
    int best = roomy.front();
    for (int g : roomy) {
      if (n.gpu_left[g] < n.gpu_left[best]) best = g;
    }
    return {best};
  }
  roomy.resize(pod.num_gpu);  // whole GPUs: the lowest-numbered fully free ones
  return roomy;
}

}  // namespace migkit::sim
