// A three-node cluster whose scores under every policy were worked out by hand (the numbers are in
// policies_test.cc). Shared by the policy and engine tests.
#ifndef MIGKIT_SIM_SIM_TEST_CLUSTER_H_
#define MIGKIT_SIM_SIM_TEST_CLUSTER_H_

#include <string>
#include <vector>

#include "sim/cluster.h"
#include "sim/pod.h"

namespace migkit::sim::testing {

/// n0: 64 CPUs, 2 T4; n1: 96 CPUs, 8 G2; n2: 32 CPUs, 4 V100M16.
inline std::vector<NodeSpec> ThreeNodes() {
  return {{"n0", 64000, 262144, 2, "T4"},
          {"n1", 96000, 393216, 8, "G2"},
          {"n2", 32000, 131072, 4, "V100M16"}};
}

inline PodSpec Pod(int64_t cpu_milli, int num_gpu, int gpu_milli, double arrival = 0,
                   double duration = 0) {
  PodSpec p;
  p.name = "p";
  p.cpu_milli = cpu_milli;
  p.memory_mib = 1000;
  p.num_gpu = num_gpu;
  p.gpu_milli = num_gpu > 0 ? gpu_milli : 0;
  p.arrival = arrival;
  p.duration = duration;
  return p;
}

}  // namespace migkit::sim::testing

#endif  // MIGKIT_SIM_SIM_TEST_CLUSTER_H_
