#include "sim/workload.h"

#include "sim/rng.h"

namespace migkit::sim {

std::vector<PodSpec> InflateWorkload(const std::vector<PodSpec>& trace, int64_t cluster_gpu_milli,
                                     double ratio, uint64_t seed) {
  std::vector<PodSpec> out;
  int64_t trace_milli = 0;
  for (const PodSpec& p : trace) trace_milli += p.GpuMilliTotal();
  if (trace_milli == 0) return out;
  Rng rng(seed);
  double target = ratio * static_cast<double>(cluster_gpu_milli);
  double arrived = 0;
  while (arrived < target) {
    PodSpec pod = trace[rng.Below(trace.size())];
    pod.arrival = static_cast<double>(out.size());
    pod.duration = 0;
    arrived += static_cast<double>(pod.GpuMilliTotal());
    out.push_back(std::move(pod));
  }
  return out;
}

}  // namespace migkit::sim
