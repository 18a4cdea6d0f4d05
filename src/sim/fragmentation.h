// GPU fragmentation as the FGD paper defines it (Weng et al., ATC'23, §4; research:
// scheduling.md §1.3, cluster-and-service.md §4.1).
//
// Fragmentation is measured against a target workload: the "typical pods", the most popular pod
// shapes of the trace with their frequencies. For one typical pod m, a node's idle GPU capacity is
// a fragment when m cannot use it:
//   * m asks for no GPU, or the node lacks m's GPU model: all idle GPU capacity of the node;
//   * the node has at least m.num_gpu GPUs each with m.gpu_milli free and the CPU m asks for: only
//     the GPUs with less than m.gpu_milli free (m fits, but not on those);
//   * otherwise (too few GPUs, or too little CPU): all idle GPU capacity.
// A node's fragmentation is the frequency-weighted sum over the typical pods, in milli-GPU; the
// cluster's is the sum over nodes, and the fragmentation ratio divides it by the idle capacity.
#ifndef MIGKIT_SIM_FRAGMENTATION_H_
#define MIGKIT_SIM_FRAGMENTATION_H_

#include <cstdint>
#include <vector>

#include "sim/cluster.h"
#include "sim/pod.h"

namespace migkit::sim {

struct TypicalPod {
  Demand demand;
  /// Frequency among the typical pods; the weights sum to 1.
  double weight = 0;
};

/// The typical pods of `pods` as FGD builds them: pod shapes (CPU, GPU count, GPU share, GPU
/// models; CPU-only pods included) by decreasing popularity, the most popular first until they
/// cover `popularity_pct` % of the pods, then renormalised. Ties in popularity keep the order in
/// which shapes first appear in `pods`.
std::vector<TypicalPod> TypicalPods(Cluster& cluster, const std::vector<PodSpec>& pods,
                                    double popularity_pct = 95);

/// The fragmentation of one node (milli-GPU).
double NodeFragmentation(const Cluster& cluster, size_t node,
                         const std::vector<TypicalPod>& typical);

/// FGD's score for placing `pod` on `node`, as a Kubernetes score plugin (0..100): the node's
/// fragmentation before (`fragmentation_now`, NodeFragmentation's value) minus after, in whole
/// GPUs, through a sigmoid, times 100, truncated to an integer. Higher is better: the steepest
/// decrease of fragmentation wins. For a GPU-sharing pod every GPU with room is tried and the best
/// kept (the lowest index among equal scores); `gpu` is that GPU, -1 for pods taking whole GPUs or
/// none. REQUIRES: cluster.Fits(node, pod).
struct FgdChoice {
  int64_t score = 0;
  int gpu = -1;
};
FgdChoice ScoreFgd(const Cluster& cluster, size_t node, const Demand& pod,
                   const std::vector<TypicalPod>& typical, double fragmentation_now);

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_FRAGMENTATION_H_
