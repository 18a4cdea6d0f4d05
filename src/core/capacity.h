// Capacity-preserving placement: where a new GPU instance costs the node the least room for the
// instances that may be asked for next.
//
// The driver's automatic placement (§4.3) picks a fixed start per size and the first GPU that has
// one; on a node that keeps changing (leases come and go, the simulator's dynamic MIG) that leaves
// holes no large profile fits. Here every free placement on every GPU is scored by what the node
// could still create afterwards, largest instances first, so a 1g lands next to other small
// instances rather than in the middle of an empty GPU. migkitd and migsim share this one rule.
#ifndef MIGKIT_CORE_CAPACITY_H_
#define MIGKIT_CORE_CAPACITY_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/geometry.h"
#include "core/gpu_model.h"
#include "core/placement.h"

namespace migkit {

/// One GPU of a node as placement sees it.
struct NodeGpu {
  const GpuModel* model = nullptr;
  std::vector<PlacedProfile> instances;  // its GPU instances now
};

/// What a GPU can still take: for each compute-slice size the model offers (largest first), how
/// many more GIs of that size could be created now (the most over the profiles of that size, e.g.
/// 1g.10gb and 1g.10gb+me). Compared lexicographically: more room for large instances is better.
std::vector<std::pair<int, int>> FutureCapacity(const GpuModel& model,
                                                const std::vector<PlacedProfile>& instances);

/// The compute slices of the largest GI that could still be created on a GPU of `model` holding
/// `instances`; 0 when none could.
int LargestCreatableSlices(const GpuModel& model, const std::vector<PlacedProfile>& instances);

/// How scattered a node's free MIG capacity is: for each GPU, 1 - LargestCreatableSlices / its
/// free compute slices (those no instance holds), averaged over the GPUs weighted by their free
/// slices. 0 when nothing is free or each GPU's free slices fit one instance, towards 1 as free
/// slices scatter. migkitd's fragmentation metric and migsim's MIG fragmentation.
double FragmentationScore(const std::vector<NodeGpu>& gpus);

struct ChosenPlacement {
  size_t gpu = 0;                      // index into the node's GPUs
  const GiProfile* profile = nullptr;  // the profile on that GPU's model
  Placement placement;
};

/// Where a new GI of `profile_name` destroys the least future capacity of the node: over every GPU
/// whose model offers the profile and every free placement, the one whose FutureCapacity loss is
/// lexicographically smallest (largest sizes first), ties broken by the driver's auto-placement
/// rank, then lower GPU index. nullopt when it fits nowhere.
std::optional<ChosenPlacement> ChooseCapacityPreservingPlacement(const std::vector<NodeGpu>& gpus,
                                                                 const std::string& profile_name);

/// The baseline: first GPU (in index order) where the driver's automatic placement succeeds.
std::optional<ChosenPlacement> ChooseFirstFitPlacement(const std::vector<NodeGpu>& gpus,
                                                       const std::string& profile_name);

}  // namespace migkit

#endif  // MIGKIT_CORE_CAPACITY_H_
