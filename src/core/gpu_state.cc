#include "core/gpu_state.h"

#include <algorithm>
#include <string>

namespace migkit {
namespace {

constexpr int kMaxComputeInstancesPerGi = 8;  // CI IDs 0-7 (mig-facts.md §7)

Status MigNotUsable(const GpuState& state) {
  if (!state.mig_current && state.mig_pending) {
    return Status::NotSupported("MIG mode is pending enable; reset the GPU to make it effective");
  }
  if (state.mig_current && !state.mig_pending) {
    return Status::NotSupported("MIG mode is pending disable; reset the GPU first");
  }
  return Status::NotSupported("MIG mode is disabled on this GPU; enable it first");
}

Occupancy ComputeOccupancy(const GpuInstance& gi) {
  Occupancy occ = 0;
  for (const ComputeInstance& ci : gi.compute_instances) occ |= ci.placement.Mask();
  return occ;
}

}  // namespace

const GpuInstance* GpuState::FindGpuInstance(int gi_id) const {
  for (const GpuInstance& gi : gpu_instances) {
    if (gi.id == gi_id) return &gi;
  }
  return nullptr;
}

GpuInstance* GpuState::FindGpuInstance(int gi_id) {
  for (GpuInstance& gi : gpu_instances) {
    if (gi.id == gi_id) return &gi;
  }
  return nullptr;
}

std::vector<MigDeviceRef> MigDevices(const GpuState& state) {
  std::vector<MigDeviceRef> out;
  for (const GpuInstance& gi : state.gpu_instances) {  // already in GI ID order
    for (const ComputeInstance& ci : gi.compute_instances) out.push_back({gi.id, ci.id});
  }
  return out;
}

std::vector<PlacedProfile> PlacedProfilesOf(const GpuModel& model, const GpuState& state) {
  std::vector<PlacedProfile> out;
  for (const GpuInstance& gi : state.gpu_instances) {
    const GiProfile* p = model.FindProfileById(gi.profile_id);
    if (p != nullptr) out.push_back({p, gi.placement});
  }
  return out;
}

Status SetMigMode(const GpuModel& model, GpuState* state, bool enable, Status* activation) {
  *activation = Status::Ok();
  if (!enable && !state->gpu_instances.empty()) {
    return Status::InUse(std::to_string(state->gpu_instances.size()) +
                         " GPU instance(s) exist; destroy them before disabling MIG");
  }
  state->mig_pending = enable;
  if (model.mode_change == ModeChangeRule::kImmediate) {
    state->mig_current = enable;
  } else if (state->mig_current != enable) {
    *activation = Status::ResetRequired(std::string("MIG mode is pending ") +
                                        (enable ? "enable" : "disable") + " on this " + model.id +
                                        "; reset the GPU to make it effective");
  }
  return Status::Ok();
}

void ResetGpu(GpuState* state) {
  state->mig_current = state->mig_pending;
  state->gpu_instances.clear();
}

StatusOr<GpuInstance> CreateGpuInstance(const GpuModel& model, GpuState* state, int profile_id,
                                        std::optional<int> start) {
  if (!state->MigUsable()) return MigNotUsable(*state);
  const GiProfile* profile = model.FindProfileById(profile_id);
  if (profile == nullptr) {
    return Status::InvalidArgument("no GPU instance profile with ID " + std::to_string(profile_id) +
                                   " on " + model.id);
  }
  const std::vector<PlacedProfile> existing = PlacedProfilesOf(model, *state);
  Placement placement;
  if (start.has_value()) {
    placement = {*start, profile->placement_size};
    MIGKIT_RETURN_IF_ERROR(CheckPlacement(model, *profile, placement, existing));
  } else {
    StatusOr<Placement> chosen = AutoPlacement(model, *profile, existing);
    if (!chosen.ok()) return chosen.status();
    placement = *chosen;
  }
  GpuInstance gi;
  gi.id = GpuInstanceIdFor(model, placement);
  gi.profile_id = profile_id;
  gi.placement = placement;
  auto pos = std::lower_bound(state->gpu_instances.begin(), state->gpu_instances.end(), gi.id,
                              [](const GpuInstance& a, int id) { return a.id < id; });
  state->gpu_instances.insert(pos, gi);
  return gi;
}

Status DestroyGpuInstance(GpuState* state, int gi_id) {
  if (!state->MigUsable()) return MigNotUsable(*state);
  auto it = std::find_if(state->gpu_instances.begin(), state->gpu_instances.end(),
                         [&](const GpuInstance& gi) { return gi.id == gi_id; });
  if (it == state->gpu_instances.end()) {
    return Status::NotFound("no GPU instance with ID " + std::to_string(gi_id));
  }
  if (!it->compute_instances.empty()) {
    return Status::InUse("GPU instance " + std::to_string(gi_id) + " still has " +
                         std::to_string(it->compute_instances.size()) +
                         " compute instance(s); destroy them first");
  }
  state->gpu_instances.erase(it);
  return Status::Ok();
}

std::optional<CiProfile> FindCiProfile(const GpuModel& model, const GiProfile& gi,
                                       int ci_profile_id) {
  for (CiProfile& ci : model.ComputeProfilesFor(gi)) {
    if (ci.id == ci_profile_id) return ci;
  }
  return std::nullopt;
}

std::vector<Placement> FreeComputePlacements(const CiProfile& ci, const GpuInstance& gi) {
  std::vector<Placement> out;
  int same = 0;
  for (const ComputeInstance& c : gi.compute_instances) {
    if (c.profile_id == ci.id) ++same;
  }
  if (same >= ci.instance_count ||
      static_cast<int>(gi.compute_instances.size()) >= kMaxComputeInstancesPerGi) {
    return out;
  }
  const Occupancy occ = ComputeOccupancy(gi);
  for (int s : ci.placement_starts) {
    Placement p{s, ci.slices};
    if (!p.Overlaps(occ)) out.push_back(p);
  }
  return out;
}

int RemainingComputeCapacity(const CiProfile& ci, const GpuInstance& gi) {
  int same = 0;
  for (const ComputeInstance& c : gi.compute_instances) {
    if (c.profile_id == ci.id) ++same;
  }
  const int free = static_cast<int>(FreeComputePlacements(ci, gi).size());
  return std::max(0, std::min(free, ci.instance_count - same));
}

StatusOr<ComputeInstance> CreateComputeInstance(const GpuModel& model, GpuState* state, int gi_id,
                                                int ci_profile_id, std::optional<int> start) {
  if (!state->MigUsable()) return MigNotUsable(*state);
  GpuInstance* gi = state->FindGpuInstance(gi_id);
  if (gi == nullptr) return Status::NotFound("no GPU instance with ID " + std::to_string(gi_id));
  const GiProfile* gp = model.FindProfileById(gi->profile_id);
  if (gp == nullptr) return Status::Unknown("GPU instance has an unknown profile");
  std::optional<CiProfile> ci = FindCiProfile(model, *gp, ci_profile_id);
  if (!ci.has_value()) {
    std::vector<std::string> offered;
    for (const CiProfile& c : model.ComputeProfilesFor(*gp)) {
      offered.push_back(c.name + " (ID " + std::to_string(c.id) + ")");
    }
    std::string list;
    for (size_t i = 0; i < offered.size(); ++i) list += (i ? ", " : "") + offered[i];
    return Status::InvalidArgument("compute instance profile " + std::to_string(ci_profile_id) +
                                   " does not exist in a " + gp->name +
                                   " GPU instance; valid: " + list);
  }
  const std::vector<Placement> free = FreeComputePlacements(*ci, *gi);
  Placement placement;
  if (start.has_value()) {
    placement = {*start, ci->slices};
    if (std::find(ci->placement_starts.begin(), ci->placement_starts.end(), *start) ==
        ci->placement_starts.end()) {
      std::string starts;
      for (size_t i = 0; i < ci->placement_starts.size(); ++i) {
        starts += (i ? "," : "") + std::to_string(ci->placement_starts[i]);
      }
      return Status::InvalidArgument(ci->name + " cannot start at compute slice " +
                                     std::to_string(*start) + "; valid starts are {" + starts +
                                     "}");
    }
    if (std::find(free.begin(), free.end(), placement) == free.end()) {
      return Status::InsufficientResources(ci->name + " at " + placement.ToString() +
                                           " is taken or the GPU instance is full");
    }
  } else {
    if (free.empty()) {
      return Status::InsufficientResources("no room for " + ci->name + " in GPU instance " +
                                           std::to_string(gi_id) + " (" + gp->name + ")");
    }
    placement = free.front();
  }
  ComputeInstance created;
  created.profile_id = ci_profile_id;
  created.placement = placement;
  // Lowest free CI ID: gives 0, 1, 2 in creation order as the driver does (§5).
  for (int id = 0; id < kMaxComputeInstancesPerGi; ++id) {
    bool used = false;
    for (const ComputeInstance& c : gi->compute_instances) used |= (c.id == id);
    if (!used) {
      created.id = id;
      break;
    }
  }
  auto pos =
      std::lower_bound(gi->compute_instances.begin(), gi->compute_instances.end(), created.id,
                       [](const ComputeInstance& a, int id) { return a.id < id; });
  gi->compute_instances.insert(pos, created);
  return created;
}

Status DestroyComputeInstance(GpuState* state, int gi_id, int ci_id) {
  if (!state->MigUsable()) return MigNotUsable(*state);
  GpuInstance* gi = state->FindGpuInstance(gi_id);
  if (gi == nullptr) return Status::NotFound("no GPU instance with ID " + std::to_string(gi_id));
  auto it = std::find_if(gi->compute_instances.begin(), gi->compute_instances.end(),
                         [&](const ComputeInstance& c) { return c.id == ci_id; });
  if (it == gi->compute_instances.end()) {
    return Status::NotFound("no compute instance with ID " + std::to_string(ci_id) +
                            " in GPU instance " + std::to_string(gi_id));
  }
  gi->compute_instances.erase(it);
  return Status::Ok();
}

Status ValidateState(const GpuModel& model, const GpuState& state) {
  if (!state.mig_current && !state.gpu_instances.empty()) {
    return Status::Corruption("GPU instances exist while MIG mode is disabled");
  }
  std::vector<PlacedProfile> placed;
  int prev_id = -1;
  for (const GpuInstance& gi : state.gpu_instances) {
    const std::string where = "GPU instance " + std::to_string(gi.id);
    if (gi.id <= prev_id) return Status::Corruption("GPU instances are not in ID order");
    prev_id = gi.id;
    const GiProfile* p = model.FindProfileById(gi.profile_id);
    if (p == nullptr) {
      return Status::Corruption(where + ": unknown profile ID " + std::to_string(gi.profile_id));
    }
    Status fits = CheckPlacement(model, *p, gi.placement, placed);
    if (!fits.ok()) return Status::Corruption(where + ": " + fits.message());
    if (GpuInstanceIdFor(model, gi.placement) != gi.id) {
      return Status::Corruption(where + ": ID does not match placement " + gi.placement.ToString());
    }
    placed.push_back({p, gi.placement});
    Occupancy occ = 0;
    int prev_ci = -1;
    for (const ComputeInstance& ci : gi.compute_instances) {
      std::optional<CiProfile> cp = FindCiProfile(model, *p, ci.profile_id);
      if (!cp.has_value()) {
        return Status::Corruption(where + ": compute instance " + std::to_string(ci.id) +
                                  " has an unknown profile");
      }
      if (ci.id <= prev_ci || ci.id >= kMaxComputeInstancesPerGi) {
        return Status::Corruption(where + ": compute instance IDs out of order or range");
      }
      prev_ci = ci.id;
      if (ci.placement.size != cp->slices ||
          std::find(cp->placement_starts.begin(), cp->placement_starts.end(), ci.placement.start) ==
              cp->placement_starts.end() ||
          ci.placement.Overlaps(occ)) {
        return Status::Corruption(where + ": compute instance " + std::to_string(ci.id) +
                                  " has an invalid or overlapping placement");
      }
      occ |= ci.placement.Mask();
    }
  }
  return Status::Ok();
}

}  // namespace migkit
