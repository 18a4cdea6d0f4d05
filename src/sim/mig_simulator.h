// The same pods on MIG GPUs instead of fractional shares (issue 13, part 3). Every GPU of the
// cluster is taken as one catalog model (the openb trace's models are not MIG-capable) and every
// GPU instance is created where core's geometry allows it, so each simulated layout is one the
// driver would accept.
//
// Modes:
//   kWholeGpu    no sharing: a GPU pod takes whole GPUs (a GPU-sharing pod one whole GPU).
//   kDynamicMig  a GPU-sharing pod gets the smallest profile with at least ceil(7 x gpu_milli /
//                1000) compute slices (the model's slice count in place of 7), created when the
//                pod arrives at the place core's ChooseCapacityPreservingPlacement picks on the
//                chosen node (or the driver's first fit, for comparison) and destroyed when it
//                leaves; whole-GPU pods take full-GPU instances. Only idle GPU space is ever
//                reconfigured: instances of running pods are never touched.
//   kStaticMig   every GPU keeps a fixed layout (MigOptions::static_layouts, e.g. from
//                PlanStaticLayouts); a pod takes the smallest idle instance with at least its
//                profile's slices and memory; nothing is ever reconfigured.
//   kScheduledMig static MIG whose layouts change at given times (a day/night schedule): at a
//                change each GPU whose instances are all idle is reconfigured at once, the others
//                when their last pod leaves (running instances are never touched).
//   kTimeSliced  no MIG: GPU-sharing pods share whole GPUs up to 1000 milli-GPU (FGD's
//                semantics), the GPU with the least room that fits on the best-fit node; every pod
//                on a GPU with n pods runs at 1 / (1 + penalty x (n - 1)) of its own speed,
//                recomputed whenever a pod joins or leaves (MISO's MPS model, scheduling.md §3.3).
// Run times (with departures): a pod runs `duration` seconds at speed 1. On a MIG instance of g
// compute slices a pod with a `job` runs at SpeedTable::Relative(job, g) (the fallback curve when
// the job was not measured there); pods without a job, and whole GPUs, run at speed 1.
// Node choice in the MIG modes: among the nodes with the pod's CPU, memory and room for its
// instances, the one left with the fewest free compute slices (best fit), the first in list order
// on ties. Reconfiguration cost: per GI created and destroyed, the driver's median times of
// scheduling.md §3.4 (0.1 s and 0.15 s by default).
#ifndef MIGKIT_SIM_MIG_SIMULATOR_H_
#define MIGKIT_SIM_MIG_SIMULATOR_H_

#include <array>
#include <cstdint>
#include <vector>

#include "core/gpu_model.h"
#include "core/layouts.h"
#include "sim/cluster.h"
#include "sim/pod.h"
#include "sim/speed_table.h"

namespace migkit::sim {

enum class MigMode { kWholeGpu, kDynamicMig, kStaticMig, kScheduledMig, kTimeSliced };

struct MigOptions {
  MigMode mode = MigMode::kDynamicMig;
  /// The model every GPU is taken as. REQUIRES: not null, MIG-capable.
  const GpuModel* model = nullptr;
  /// false: the driver's automatic placement on the first GPU with room (the baseline).
  bool capacity_preserving = true;
  bool departures = false;
  /// A pod that does not fit waits (first come, first served, smaller later pods may start
  /// first when they fit) instead of failing; waiting pods are retried whenever a pod leaves.
  bool queue = false;
  /// Seconds between the samples of MigResult::timeline; 0 for none.
  double sample_interval = 0;
  /// kStaticMig (and kScheduledMig's layouts at time 0): one layout per GPU, in node order then
  /// GPU order (missing: no instances).
  std::vector<Layout> static_layouts;
  /// kScheduledMig: layout changes in time order, each one layout per GPU as static_layouts.
  struct LayoutChange {
    double time = 0;
    std::vector<Layout> layouts;
  };
  std::vector<LayoutChange> layout_changes;
  /// Per-profile speeds of the pods' jobs; null: jobs run at the fallback curve's speed.
  const SpeedTable* speeds = nullptr;
  /// kTimeSliced: slowdown per extra pod on a GPU (MISO's 0.15, scheduling.md §3.3).
  double interference_penalty = 0.15;
  /// Driver time per GI created and destroyed, seconds (scheduling.md §3.4 medians).
  double create_seconds = 0.1;
  double destroy_seconds = 0.15;
};

struct MigSample {
  /// Seconds (timeline samples only).
  double time = 0;
  double arrived_pct = 0;
  /// The pods' own GPU requests (milli-GPU) that were placed, % of capacity: comparable with the
  /// fractional simulator's allocation ratio.
  double requested_pct = 0;
  /// Compute slices held by GPU instances, % of all slices: requests rounded up to profiles
  /// (kTimeSliced: the milli-GPU shares held, % of capacity).
  double slices_pct = 0;
  double gpus_in_use_pct = 0;
  /// core's FragmentationScore of the free MIG capacity, in percent: 0 when every GPU's free
  /// slices fit one instance. Idle instances of static and scheduled MIG count as free (they could
  /// be reconfigured); 0 for whole GPUs and time-slicing.
  double fragmentation_pct = 0;
  int64_t pods_failed = 0;
};

struct MigResult {
  /// One sample per whole percent of arrived demand, as SimResult's.
  std::vector<MigSample> samples;
  MigSample last;
  std::array<int64_t, kPodKindCount> failed_by_kind{};
  /// GPU instances created and destroyed (dynamic MIG only: whole GPUs need no reconfiguration).
  int64_t gis_created = 0;
  int64_t gis_destroyed = 0;
  double driver_seconds = 0;
  int64_t events = 0;
  std::vector<int> node_of_pod;
  /// When each pod started, -1 if it never did (failed, or still waiting at the end).
  std::vector<double> start_of_pod;
  /// When each pod ended, -1 if it did not (no duration, never started).
  std::vector<double> end_of_pod;
  /// One sample every sample_interval seconds from time 0 to the last event.
  std::vector<MigSample> timeline;
  double last_event_time = 0;
  /// Pods still waiting when the events ran out.
  int64_t still_waiting = 0;
};

/// The smallest profile of `model` for a GPU-sharing request of `gpu_milli` (see above); the full
/// profile for 1000. Only profiles without media-engine or graphics variants are used.
const GiProfile* ProfileForShare(const GpuModel& model, int gpu_milli);

MigResult SimulateMig(const std::vector<NodeSpec>& nodes, const std::vector<PodSpec>& pods,
                      const MigOptions& options);

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_MIG_SIMULATOR_H_
