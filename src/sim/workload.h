// Workload inflation as in the FGD paper's evaluation (§6.1; research cluster-and-service.md §4.1):
// the trace's timestamps are not a faithful cluster timeline, so pods are drawn from the trace and
// submitted one after another, with no departures, until the GPU demand that has arrived reaches a
// target share of the cluster's GPU capacity (130 % in the paper).
#ifndef MIGKIT_SIM_WORKLOAD_H_
#define MIGKIT_SIM_WORKLOAD_H_

#include <cstdint>
#include <vector>

#include "sim/pod.h"

namespace migkit::sim {

/// Pods drawn uniformly at random, with replacement, from `trace` (seeded) until their GPU demand
/// reaches `ratio` x `cluster_gpu_milli`; the last pod drawn is the one that reaches it. Arrival
/// times are 0, 1, 2, ... seconds and durations 0. Empty when `trace` asks for no GPU at all.
std::vector<PodSpec> InflateWorkload(const std::vector<PodSpec>& trace, int64_t cluster_gpu_milli,
                                     double ratio, uint64_t seed);

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_WORKLOAD_H_
