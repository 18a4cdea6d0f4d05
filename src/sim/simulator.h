// The discrete-event engine: pods arrive in time order, a policy places each on a node and GPUs
// (the highest-scoring fitting node, the first in node-list order on ties; Random draws uniformly)
// or the pod fails (FGD's semantics: a pod that fits nowhere when it arrives is not retried), and
// pods with a duration leave when it ends. Deterministic: the same inputs and seed give the same
// run.
//
// Cost: one arrival scores every node, but a node's score for a pod shape is cached until the node
// changes, so a run costs about (nodes x arrivals) cache probes plus (placements x shapes seen)
// scorings -- well under a second for the openb trace at 130 % (docs/PERFORMANCE.md).
#ifndef MIGKIT_SIM_SIMULATOR_H_
#define MIGKIT_SIM_SIMULATOR_H_

#include <array>
#include <cstdint>
#include <vector>

#include "sim/cluster.h"
#include "sim/fragmentation.h"
#include "sim/pod.h"
#include "sim/policies.h"

namespace migkit::sim {

struct SimOptions {
  Policy policy = Policy::kFgd;
  /// Seeds Random's choices of node and GPU, and the node order that breaks ties.
  uint64_t seed = 42;
  /// Ties between equal scores go to the node earliest in a random order drawn from the seed
  /// (the FGD artifact ranks its nodes by a seeded permutation); false: earliest in list order.
  bool seeded_node_order = true;
  /// Pods with a duration leave when it ends. FGD's inflated workloads keep every pod (false).
  bool departures = false;
  /// FGD's typical pods cover this share of the pods (percent).
  double typical_popularity_pct = 95;
  /// Time-slicing/MPS interference: each extra pod on a GPU slows every pod on it by this
  /// fraction (MISO's MPS model, 15 % per co-runner; scheduling.md §3.3). Used only for
  /// SimResult::effective_pct.
  double interference_penalty = 0.15;
};

/// The cluster at one moment. Percentages are of the cluster's GPU capacity unless named otherwise.
struct Sample {
  double time = 0;
  /// GPU demand arrived so far (placed or not), the FGD paper's x axis.
  double arrived_pct = 0;
  /// milli-GPU allocated: FGD's "GPU allocation ratio".
  double allocated_pct = 0;
  /// GPUs with any share allocated.
  double gpus_in_use_pct = 0;
  /// Fragmentation amount (fragmentation.h), in GPUs.
  double fragmentation_gpus = 0;
  /// Fragmentation as a share of the idle GPU capacity (the fragmentation ratio), percent.
  double fragmentation_pct = 0;
  int64_t pods_arrived = 0;
  int64_t pods_failed = 0;
};

struct SimResult {
  /// One sample each time the arrived demand first reaches a whole percent (0, 1, 2, ...), taken
  /// after the pod that reached it.
  std::vector<Sample> samples;
  /// The cluster after the last event.
  Sample last;
  std::array<int64_t, kPodKindCount> arrived_by_kind{};
  std::array<int64_t, kPodKindCount> failed_by_kind{};
  /// Arrivals and departures processed.
  int64_t events = 0;
  /// The allocation at the end discounted for interference: each GPU's allocated share times
  /// max(0, 1 - interference_penalty x (pods on the GPU - 1)), % of capacity.
  double effective_pct = 0;
  /// The node each pod (in the order given to Simulate) was placed on, -1 if it failed.
  std::vector<int> node_of_pod;
};

/// Runs `pods` (any order; sorted by arrival, ties in the given order) on a cluster of `nodes`.
/// FGD's typical pods are taken from `typical_source` (normally the trace the pods were drawn
/// from).
SimResult Simulate(const std::vector<NodeSpec>& nodes, const std::vector<PodSpec>& pods,
                   const std::vector<PodSpec>& typical_source, const SimOptions& options);

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_SIMULATOR_H_
