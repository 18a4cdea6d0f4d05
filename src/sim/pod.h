// A pod as the simulator sees it: what it asks for, where it may run, when it arrives and how long
// it runs. The fields are those of the Alibaba cluster-trace-gpu-v2023 (openb) pod lists
// (scheduling.md §2.1), in the same units, so a trace row maps onto a PodSpec one to one.
#ifndef MIGKIT_SIM_POD_H_
#define MIGKIT_SIM_POD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace migkit::sim {

/// One whole GPU in milli-GPU, the trace's unit for GPU shares.
inline constexpr int kMilliPerGpu = 1000;

struct PodSpec {
  std::string name;
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;
  /// GPUs asked for; 0 means a CPU-only pod.
  int num_gpu = 0;
  /// The share of each GPU in milli-GPU (1..1000). Below 1000 only with num_gpu == 1: a pod that
  /// shares one GPU with others (FGD's GPU-sharing semantics).
  int gpu_milli = 0;
  /// GPU models the pod may run on; empty means any.
  std::vector<std::string> gpu_types;
  /// Seconds from the start of the trace.
  double arrival = 0;
  /// Seconds the pod runs once placed; 0 when unknown (it then never leaves). For a pod with a
  /// `job`, the run time on a whole GPU.
  double duration = 0;
  /// A measured job ("<model>/<batch_size>", a SpeedTable key) whose speed on each MIG instance
  /// size sets its run time there; empty: the pod runs `duration` on whatever it is given.
  std::string job;

  bool IsShare() const { return num_gpu == 1 && gpu_milli < kMilliPerGpu; }
  /// The GPU capacity the pod occupies, in milli-GPU.
  int64_t GpuMilliTotal() const { return static_cast<int64_t>(num_gpu) * gpu_milli; }
};

/// The FGD paper's pod classes for "failed pods by type" (Fig. 9(c)).
enum class PodKind { kCpuOnly, kShareGpu, kOneGpu, kTwoGpu, kFourGpu, kEightGpu, kOther };
inline constexpr int kPodKindCount = 7;

PodKind KindOf(const PodSpec& pod);
std::string_view PodKindName(PodKind kind);

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_POD_H_
