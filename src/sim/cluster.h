// The simulated cluster under FGD's GPU-sharing semantics: nodes with CPU, memory and GPUs, each
// GPU a pool of 1000 milli-GPU that pods take shares of. The cluster only books resources; which
// node and GPU a pod gets is the policy's business (policies.h) and when it happens the engine's
// (simulator.h).
#ifndef MIGKIT_SIM_CLUSTER_H_
#define MIGKIT_SIM_CLUSTER_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/pod.h"

namespace migkit::sim {

struct NodeSpec {
  std::string name;
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;
  int num_gpu = 0;
  /// The GPU model of every GPU on the node (the trace's `model`); empty for CPU-only nodes.
  std::string gpu_type;
};

/// A pod's request resolved against one cluster: GPU models become a bit mask of the cluster's
/// model indices, so that "may this pod use that node" is one AND.
struct Demand {
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;
  int num_gpu = 0;
  int gpu_milli = 0;
  /// Bit i set: the pod may use GPU model i of the cluster. All ones when the pod names none.
  uint64_t type_mask = ~uint64_t{0};
  /// Pods with equal shapes get the same id (Cluster::Resolve); policies cache scores by it.
  int shape = 0;

  bool IsShare() const { return num_gpu == 1 && gpu_milli < kMilliPerGpu; }
  /// GpuClustering's class of a GPU pod: 0 for a GPU-sharing pod, else the number of whole GPUs.
  int GpuClass() const { return IsShare() ? 0 : num_gpu; }
};

struct NodeState {
  int64_t cpu_left = 0;
  int64_t memory_left = 0;
  /// Free milli-GPU of each GPU.
  std::vector<int> gpu_left;
  /// Pods on each GPU (for the time-slicing interference penalty).
  std::vector<int> gpu_pods;
  /// Index of the node's GPU model in Cluster::gpu_types(), -1 for a CPU-only node.
  int gpu_type = -1;
  /// The GPU classes (GpuClass) of the pods on the node, with their counts: GpuClustering's
  /// "affinity" of a node.
  std::vector<std::pair<int, int>> gpu_classes;
  /// Bumped on every change, so cached scores know when they are stale.
  uint32_t version = 0;

  int64_t GpuMilliLeft() const;
  int FullyFreeGpus() const;
};

class Cluster {
 public:
  explicit Cluster(std::vector<NodeSpec> nodes);

  size_t size() const { return nodes_.size(); }
  const NodeSpec& spec(size_t node) const { return specs_[node]; }
  const NodeState& node(size_t node) const { return nodes_[node]; }
  const std::vector<std::string>& gpu_types() const { return gpu_types_; }
  int64_t total_gpu_milli() const { return total_gpu_milli_; }
  int64_t total_gpus() const { return total_gpu_milli_ / kMilliPerGpu; }
  int64_t allocated_gpu_milli() const { return allocated_gpu_milli_; }
  /// GPUs with any share allocated.
  int64_t gpus_in_use() const { return gpus_in_use_; }

  /// The pod's request against this cluster. Pods with equal requests get equal shape ids.
  Demand Resolve(const PodSpec& pod);

  /// The node has the pod's GPU model (always true for CPU-only pods).
  bool Accessible(size_t node, const Demand& pod) const;
  /// The pod fits on the node now: CPU, memory, GPU model, and num_gpu GPUs each with
  /// gpu_milli free (a whole-GPU pod needs fully free GPUs).
  bool Fits(size_t node, const Demand& pod) const;

  /// Books the pod on `gpus` of `node`. REQUIRES: Fits, and `gpus` holds num_gpu distinct GPUs
  /// each with gpu_milli free.
  void Bind(size_t node, const Demand& pod, const std::vector<int>& gpus);
  /// Returns what Bind booked.
  void Release(size_t node, const Demand& pod, const std::vector<int>& gpus);

 private:
  std::vector<NodeSpec> specs_;
  std::vector<NodeState> nodes_;
  std::vector<std::string> gpu_types_;
  std::map<std::vector<int64_t>, int> shapes_;
  int64_t total_gpu_milli_ = 0;
  int64_t allocated_gpu_milli_ = 0;
  int64_t gpus_in_use_ = 0;
};

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_CLUSTER_H_
