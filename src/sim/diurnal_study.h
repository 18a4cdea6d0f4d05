// The diurnal study (docs/simulator.md): one generated day/night workload run under every way of
// sharing — whole GPUs, time-slicing, static, dynamic and scheduled MIG — with pods queueing until
// they fit, and what each mode does to waiting and completion times, GPUs busy over the day, and
// the GPUs needed to meet a delay target. Pure computation: migsim reads the files and writes the
// outputs.
#ifndef MIGKIT_SIM_DIURNAL_STUDY_H_
#define MIGKIT_SIM_DIURNAL_STUDY_H_

#include <functional>
#include <string>
#include <vector>

#include "core/gpu_model.h"
#include "core/status.h"
#include "sim/diurnal.h"
#include "sim/mig_simulator.h"
#include "sim/svg_chart.h"

namespace migkit::sim {

/// The value at quantile q (0..1) of `values` (nearest rank); 0 when empty.
double Quantile(std::vector<double> values, double q);

/// One way of sharing: its name and the simulator options for a cluster of `nodes` nodes (the
/// layouts of static and scheduled MIG depend on the cluster's size).
struct DiurnalMode {
  std::string name;
  std::function<StatusOr<MigOptions>(int nodes)> options;
};

/// What one class of pods saw under one mode. Delay: start - arrival of the pods that started;
/// completion: end - arrival of the pods that ended.
struct ClassOutcome {
  std::string name;
  int64_t started = 0;
  int64_t never_started = 0;
  std::vector<double> delays;
  std::vector<double> completions;
  double median_delay = 0, p99_delay = 0;
  double median_completion = 0, p99_completion = 0;
};

struct ModeOutcome {
  std::string name;
  MigResult result;
  std::vector<ClassOutcome> classes;
  /// Mean over the hourly samples of the scenario's days, by day (08:00-20:00) and by night.
  double gpus_busy_day_pct = 0;
  double gpus_busy_night_pct = 0;
};

/// Runs `mode` on the scenario with `nodes` nodes (departures, queueing, hourly samples).
StatusOr<ModeOutcome> RunDiurnalMode(const DiurnalScenario& scenario, int nodes,
                                     const DiurnalMode& mode);

/// Static MIG for the scenario: the planner's layouts (PlanStaticLayouts) for each class's mean
/// number of pods running at once (arrivals per hour x window hours / 24 x mean hours, rounded
/// up), on `nodes` x gpus_per_node GPUs.
StatusOr<std::vector<Layout>> PlanDiurnalStaticLayouts(const GpuModel& model,
                                                       const DiurnalScenario& scenario, int nodes);

/// The fewest nodes, from 1 to `max_nodes`, with which `mode` starts every pod and keeps every
/// class's p99 delay at or under `slo_seconds` (binary search: more nodes never make a mode
/// worse here); 0 if even `max_nodes` is not enough.
StatusOr<int> NodesNeeded(const DiurnalScenario& scenario, const DiurnalMode& mode,
                          double slo_seconds, int max_nodes);

/// Per mode, the percentage of GPUs busy at every hourly sample of the scenario's days.
LineChart GpusBusyChart(const std::vector<ModeOutcome>& modes, int days);

/// Per mode, the share of `class_name`'s pods (all pods when empty) whose delay (or completion
/// time) is at most x, for x from 0 to `x_max_seconds`, plotted in `unit_seconds` units.
LineChart DelayCdfChart(const std::vector<ModeOutcome>& modes, const std::string& class_name,
                        bool completion, double x_max_seconds, double unit_seconds,
                        const std::string& unit_name);

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_DIURNAL_STUDY_H_
