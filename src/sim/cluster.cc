#include "sim/cluster.h"

#include <algorithm>

namespace migkit::sim {

int64_t NodeState::GpuMilliLeft() const {
  int64_t sum = 0;
  for (int left : gpu_left) sum += left;
  return sum;
}

int NodeState::FullyFreeGpus() const {
  return static_cast<int>(std::count(gpu_left.begin(), gpu_left.end(), kMilliPerGpu));
}

Cluster::Cluster(std::vector<NodeSpec> nodes) : specs_(std::move(nodes)) {
  nodes_.reserve(specs_.size());
  for (const NodeSpec& spec : specs_) {
    NodeState state;
    state.cpu_left = spec.cpu_milli;
    state.memory_left = spec.memory_mib;
    state.gpu_left.assign(spec.num_gpu, kMilliPerGpu);
    state.gpu_pods.assign(spec.num_gpu, 0);
    if (spec.num_gpu > 0) {
      auto it = std::find(gpu_types_.begin(), gpu_types_.end(), spec.gpu_type);
      state.gpu_type = static_cast<int>(it - gpu_types_.begin());
      if (it == gpu_types_.end()) gpu_types_.push_back(spec.gpu_type);
    }
    total_gpu_milli_ += static_cast<int64_t>(spec.num_gpu) * kMilliPerGpu;
    nodes_.push_back(std::move(state));
  }
}

Demand Cluster::Resolve(const PodSpec& pod) {
  Demand d;
  d.cpu_milli = pod.cpu_milli;
  d.memory_mib = pod.memory_mib;
  d.num_gpu = pod.num_gpu;
  d.gpu_milli = pod.num_gpu > 0 ? pod.gpu_milli : 0;
  if (!pod.gpu_types.empty()) {
    d.type_mask = 0;
    for (const std::string& type : pod.gpu_types) {
      auto it = std::find(gpu_types_.begin(), gpu_types_.end(), type);
      // A model the cluster lacks adds nothing: a pod that names only such models fits nowhere.
      if (it != gpu_types_.end() && it - gpu_types_.begin() < 64) {
        d.type_mask |= uint64_t{1} << (it - gpu_types_.begin());
      }
    }
  }
  std::vector<int64_t> key = {d.cpu_milli, d.memory_mib, d.num_gpu, d.gpu_milli,
                              static_cast<int64_t>(d.type_mask)};
  auto it = shapes_.emplace(std::move(key), static_cast<int>(shapes_.size())).first;
  d.shape = it->second;
  return d;
}

bool Cluster::Accessible(size_t node, const Demand& pod) const {
  if (pod.num_gpu == 0) return true;
  int type = nodes_[node].gpu_type;
  return type >= 0 && type < 64 && (pod.type_mask >> type & 1) != 0;
}

bool Cluster::Fits(size_t node, const Demand& pod) const {
  const NodeState& n = nodes_[node];
  if (n.cpu_left < pod.cpu_milli || n.memory_left < pod.memory_mib) return false;
  if (pod.num_gpu == 0) return true;
  if (!Accessible(node, pod)) return false;
  int usable = 0;
  for (int left : n.gpu_left) usable += left >= pod.gpu_milli;
  return usable >= pod.num_gpu;
}

namespace {

void AddClass(std::vector<std::pair<int, int>>& classes, int gpu_class, int delta) {
  auto it = std::find_if(classes.begin(), classes.end(),
                         [&](const auto& c) { return c.first == gpu_class; });
  if (it == classes.end()) {
    classes.emplace_back(gpu_class, delta);
    return;
  }
  it->second += delta;
  if (it->second == 0) classes.erase(it);
}

}  // namespace

void Cluster::Bind(size_t node, const Demand& pod, const std::vector<int>& gpus) {
  NodeState& n = nodes_[node];
  n.cpu_left -= pod.cpu_milli;
  n.memory_left -= pod.memory_mib;
  for (int g : gpus) {
    if (n.gpu_left[g] == kMilliPerGpu) ++gpus_in_use_;
    n.gpu_left[g] -= pod.gpu_milli;
    ++n.gpu_pods[g];
    allocated_gpu_milli_ += pod.gpu_milli;
  }
  if (pod.num_gpu > 0) AddClass(n.gpu_classes, pod.GpuClass(), 1);
  ++n.version;
}

void Cluster::Release(size_t node, const Demand& pod, const std::vector<int>& gpus) {
  NodeState& n = nodes_[node];
  n.cpu_left += pod.cpu_milli;
  n.memory_left += pod.memory_mib;
  for (int g : gpus) {
    n.gpu_left[g] += pod.gpu_milli;
    --n.gpu_pods[g];
    allocated_gpu_milli_ -= pod.gpu_milli;
    if (n.gpu_left[g] == kMilliPerGpu) --gpus_in_use_;
  }
  if (pod.num_gpu > 0) AddClass(n.gpu_classes, pod.GpuClass(), -1);
  ++n.version;
}

}  // namespace migkit::sim
