#include "emu/topology.h"

#include <unistd.h>

#include <algorithm>

namespace migkit {

int EmulatedNumaNode(int index, int gpu_count) {
  if (gpu_count < 2) return 0;
  return index < (gpu_count + 1) / 2 ? 0 : 1;
}

std::vector<int> NumaNodeCpus(int numa_node, int numa_nodes, int online_cpus) {
  online_cpus = std::max(1, online_cpus);
  numa_nodes = std::max(1, numa_nodes);
  int first = online_cpus * numa_node / numa_nodes;
  int last = online_cpus * (numa_node + 1) / numa_nodes;  // exclusive
  if (first >= online_cpus) first = online_cpus - 1;
  if (last <= first) last = first + 1;
  std::vector<int> out;
  for (int c = first; c < last; ++c) out.push_back(c);
  return out;
}

std::vector<int> EmulatedGpuCpus(int index, int gpu_count) {
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  const int numa_nodes = gpu_count < 2 ? 1 : 2;
  return NumaNodeCpus(EmulatedNumaNode(index, gpu_count), numa_nodes,
                      online > 0 ? static_cast<int>(online) : 1);
}

}  // namespace migkit
