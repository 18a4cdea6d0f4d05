// The six placement policies of the FGD paper's evaluation (Weng et al., ATC'23, §6.1), written as
// Kubernetes score plugins are: every node that fits gets an integer score, the highest wins and
// ties are broken uniformly at random (the engine does that, with the run's seed).
//
//   Random         every fitting node scores the same: a uniform choice; a random GPU on it.
//   DotProd        Tetris's alignment: the dot product of the node's free (CPU, GPU) vector and
//                  the pod's request, both normalised by the largest node (128 CPUs, 8 GPUs); the
//                  smaller the product, the higher the score.
//   GpuClustering  pods of the same class (GPU-sharing, 1 GPU, 2 GPUs, ...) together: nodes whose
//                  GPU pods are all of the pod's class first, then nodes that have it among others,
//                  then idle nodes, then the rest; within each group the fuller node first.
//   GpuPacking     shared GPUs already in use first (the fuller the better), then fully free GPUs
//                  on a node already in use, then an idle node (the fewer GPUs the better).
//   BestFit        the node with the least free resources left after the pod (CPU and GPU, each
//                  normalised by the largest node and weighted equally).
//   FGD            the steepest decrease of fragmentation (fragmentation.h).
// Except for FGD and Random, a GPU-sharing pod goes to the GPU with the least room that fits it,
// and a pod taking whole GPUs to the lowest-numbered fully free GPUs.
#ifndef MIGKIT_SIM_POLICIES_H_
#define MIGKIT_SIM_POLICIES_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "sim/cluster.h"
#include "sim/fragmentation.h"
#include "sim/rng.h"

namespace migkit::sim {

enum class Policy { kRandom, kDotProd, kGpuClustering, kGpuPacking, kBestFit, kFgd };

/// The six, in the paper's order.
const std::vector<Policy>& AllPolicies();
/// "Random", "DotProd", "GpuClustering", "GpuPacking", "BestFit", "FGD".
std::string_view PolicyName(Policy policy);
/// The policy named `name` (case-insensitive), or nullopt.
std::optional<Policy> ParsePolicy(std::string_view name);

/// The normalisers of DotProd and BestFit: the largest node of the openb cluster.
inline constexpr double kMaxSpecCpuMilli = 128000;
inline constexpr double kMaxSpecGpuMilli = 8 * kMilliPerGpu;

struct NodeScore {
  int64_t score = 0;
  /// The GPU a GPU-sharing pod should take, -1 to let ChooseGpus decide.
  int gpu = -1;
};

/// `policy`'s score for `pod` on `node`. FGD needs `typical` and the node's fragmentation now.
/// REQUIRES: cluster.Fits(node, pod).
NodeScore ScoreNode(Policy policy, const Cluster& cluster, size_t node, const Demand& pod,
                    const std::vector<TypicalPod>& typical, double node_fragmentation);

/// The GPUs of `node` the pod takes: `preferred` if the score named one, else the policy's GPU
/// choice (see above). REQUIRES: cluster.Fits(node, pod).
std::vector<int> ChooseGpus(Policy policy, const Cluster& cluster, size_t node, const Demand& pod,
                            int preferred, Rng& rng);

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_POLICIES_H_
