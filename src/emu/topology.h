// The emulated node's CPU topology: which NUMA node, and so which CPUs, each GPU is close to.
//
// Slurm's gpu/nvml plugin binds jobs with nvmlDeviceGetCpuAffinity and aborts on an empty mask
// (cluster-and-service.md §1.2). The emulated GPUs sit, as on a two-socket DGX, half on NUMA
// node 0 and half on node 1 (a single GPU on node 0); the CPUs are this machine's online CPUs,
// split into as many equal NUMA nodes, so every mask is non-empty and names CPUs that exist.
#ifndef MIGKIT_EMU_TOPOLOGY_H_
#define MIGKIT_EMU_TOPOLOGY_H_

#include <vector>

namespace migkit {

/// NUMA node of GPU `index` on a node of `gpu_count` GPUs: the first half 0, the second half 1.
int EmulatedNumaNode(int index, int gpu_count);

/// The CPUs of NUMA node `numa_node` when `online_cpus` CPUs are split over `numa_nodes` nodes:
/// consecutive ranges, never empty (with fewer CPUs than nodes, a node gets the last CPU).
std::vector<int> NumaNodeCpus(int numa_node, int numa_nodes, int online_cpus);

/// The CPUs close to GPU `index` on this machine (from sysconf(_SC_NPROCESSORS_ONLN)).
std::vector<int> EmulatedGpuCpus(int index, int gpu_count);

}  // namespace migkit

#endif  // MIGKIT_EMU_TOPOLOGY_H_
