// A diurnal scenario for the seed's claim "seven inference instances by day, one training instance
// at night" (issue 13, part 4): inference pods (small GPU shares, short) arrive by day, training
// pods (whole GPUs, long) by night, as Poisson processes with the rates given. The parameters
// come from a YAML file (ParseDiurnalScenario), so the claim can be tested, not just stated.
#ifndef MIGKIT_SIM_DIURNAL_H_
#define MIGKIT_SIM_DIURNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sim/cluster.h"
#include "sim/pod.h"

namespace migkit::sim {

/// One class of pods arriving in a daily window.
struct PodClass {
  std::string name;
  /// The window, hours of the day [start_hour, end_hour); wraps past midnight when start > end.
  double start_hour = 0;
  double end_hour = 24;
  double arrivals_per_hour = 0;
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;
  int num_gpu = 1;
  int gpu_milli = kMilliPerGpu;
  /// Mean run time, seconds (exponentially distributed); with a `job`, on a whole GPU.
  double mean_duration_s = 0;
  /// Optional: a measured job ("resnet/128", a SpeedTable key) whose speed on each MIG instance
  /// size stretches its run time there.
  std::string job;
};

struct DiurnalScenario {
  int days = 1;
  uint64_t seed = 1;
  /// The cluster: `nodes` identical nodes.
  int nodes = 1;
  int gpus_per_node = 8;
  int64_t cpu_milli_per_node = 0;
  int64_t memory_mib_per_node = 0;
  std::vector<PodClass> classes;
};

/// Parses a scenario file:
///   days: 2
///   seed: 7
///   cluster: {nodes: 4, gpus_per_node: 8, cpu_milli: 96000, memory_mib: 393216}
///   classes:
///     - {name: inference, start_hour: 8, end_hour: 20, arrivals_per_hour: 120,
///        cpu_milli: 2000, memory_mib: 8192, gpu_milli: 140, mean_duration_s: 1800}
///     - {name: training, start_hour: 20, end_hour: 8, arrivals_per_hour: 3, num_gpu: 1,
///        cpu_milli: 12000, memory_mib: 65536, mean_duration_s: 14400}
///     - {name: finetune, arrivals_per_hour: 2, gpu_milli: 400, job: resnet/128,
///        mean_duration_s: 3600}
/// Errors are kParseError "<source>:<line>: what is wrong (what is valid)".
StatusOr<DiurnalScenario> ParseDiurnalScenario(std::string_view yaml_text, std::string_view source);

/// The scenario's nodes.
std::vector<NodeSpec> DiurnalNodes(const DiurnalScenario& scenario);

/// The scenario's pods, in arrival order; each pod's name is its class's name. Deterministic for
/// a given seed.
std::vector<PodSpec> GenerateDiurnalPods(const DiurnalScenario& scenario);

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_DIURNAL_H_
