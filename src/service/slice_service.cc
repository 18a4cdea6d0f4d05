#include "service/slice_service.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <utility>

#include "core/capacity.h"
#include "core/geometry.h"
#include "plan/demand.h"
#include "reconfig/busy.h"
#include "store/quota.h"

namespace migkit {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
// A lease longer than this many seconds (about 100 years) is a mistake, not a plan.
constexpr std::int64_t kLongestDuration = std::int64_t{100} * 365 * 24 * 3600;

using InstanceKey = std::pair<std::string, int>;  // GPU UUID, GI ID

bool LooksLikeNeed(const std::string& what) { return what.find(">=") != std::string::npos; }

// The profile serving `what` on each GPU (nullptr where MIG is not usable or no profile serves
// it), in GPU order.
StatusOr<std::vector<const GiProfile*>> ResolveProfiles(const std::vector<GpuInfo>& gpus,
                                                        const std::string& what) {
  std::optional<Need> need;
  if (LooksLikeNeed(what)) {
    if (what.find("count=") != std::string::npos) {
      return Status::InvalidArgument("'" + what + "': a lease is one instance; drop count=");
    }
    StatusOr<Demand> demand = ParseDemand(what + ",count=1");
    if (!demand.ok()) return demand.status();
    need = demand->items.at(0).need;
  }
  std::vector<const GiProfile*> profiles;
  bool any_usable = false;
  for (const GpuInfo& gpu : gpus) {
    const GiProfile* p = nullptr;
    if (gpu.state.MigUsable()) {
      any_usable = true;
      p = need ? SmallestFittingProfile(*gpu.model, *need) : gpu.model->FindProfileByName(what);
    }
    profiles.push_back(p);
  }
  if (std::all_of(profiles.begin(), profiles.end(), [](const GiProfile* p) { return !p; })) {
    if (!any_usable) {
      return Status::InsufficientResources("no GPU of this node has MIG enabled");
    }
    std::string valid;
    for (const GpuInfo& gpu : gpus) {
      if (!gpu.state.MigUsable() || valid.find(gpu.model->id + ":") != std::string::npos) continue;
      valid += (valid.empty() ? "" : "; ") + gpu.model->id + ":";
      for (const GiProfile& p : gpu.model->gi_profiles) valid += " " + p.name;
    }
    return Status::InvalidArgument("'" + what + "' is " +
                                   (need ? std::string("a need no profile of this node meets")
                                         : std::string("not a profile of any GPU of this node")) +
                                   " (valid: " + valid + ")");
  }
  return profiles;
}

// An idle GI can be leased as it is when it has no compute instance (the default one is then
// created) or exactly the default one, spanning the GI.
std::optional<int> DefaultCiProfileId(const GpuModel& model, const GiProfile& gi) {
  for (const CiProfile& ci : model.ComputeProfilesFor(gi)) {
    if (ci.is_default) return ci.id;
  }
  return std::nullopt;
}

bool Reusable(const GpuModel& model, const GiProfile& profile, const GpuInstance& gi) {
  if (gi.compute_instances.empty()) return true;
  return gi.compute_instances.size() == 1 &&
         gi.compute_instances[0].profile_id == DefaultCiProfileId(model, profile);
}

std::string Hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string BusyHolderOf(const std::string& lease_id) { return "migkitd:" + lease_id; }

SliceService::SliceService(Backend* backend, Store* store, Env* env, ServiceOptions options)
    : backend_(backend), store_(store), env_(env), options_(std::move(options)) {}

std::string SliceService::NewLeaseId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return "lease-" + Hex64(rng());
}

Status SliceService::Mark(const Lease& lease) {
  if (options_.busy_dir.empty()) return Status::Ok();
  BusyMark mark;
  mark.gpu_uuid = lease.gpu_uuid;
  mark.gi_id = lease.gi_id;
  mark.holder = BusyHolderOf(lease.id);
  mark.created_micros = lease.created_micros;
  mark.expires_micros = lease.expires_micros;
  return BusyStore(env_, options_.busy_dir).Add(mark, env_->NowMicros());
}

Status SliceService::Unmark(const Lease& lease) {
  if (options_.busy_dir.empty()) return Status::Ok();
  return BusyStore(env_, options_.busy_dir)
      .Remove(lease.gpu_uuid, lease.gi_id, std::nullopt, BusyHolderOf(lease.id), env_->NowMicros())
      .status();
}

StatusOr<std::optional<std::pair<size_t, int>>> SliceService::CreateInstance(
    const std::vector<GpuInfo>& gpus, const std::vector<const GiProfile*>& profiles) {
  // Group the GPUs by the profile name that serves the request on them, smallest first.
  std::map<std::pair<int, std::string>, std::vector<size_t>> by_profile;
  for (size_t g = 0; g < gpus.size(); ++g) {
    if (const GiProfile* p = profiles[g]) by_profile[{p->slices, p->name}].push_back(g);
  }
  for (const auto& [key, indexes] : by_profile) {
    std::vector<NodeGpu> node;
    for (size_t g : indexes) {
      node.push_back({gpus[g].model, PlacedProfilesOf(*gpus[g].model, gpus[g].state)});
    }
    std::optional<ChosenPlacement> place =
        options_.placement == PlacementPolicy::kFirstFit
            ? ChooseFirstFitPlacement(node, key.second)
            : ChooseCapacityPreservingPlacement(node, key.second);
    if (!place) continue;
    const size_t g = indexes[place->gpu];
    StatusOr<GpuInstance> gi =
        backend_->CreateGpuInstance(gpus[g].index, place->profile->id, place->placement.start);
    if (!gi.ok()) return gi.status().WithContext("creating " + key.second);
    if (gi->id == Backend::kGoneId) {
      return Status::InUse("the new " + key.second + " instance on GPU " +
                           std::to_string(gpus[g].index) +
                           " was destroyed by another process at once; try again");
    }
    return std::optional<std::pair<size_t, int>>(std::pair<size_t, int>{g, gi->id});
  }
  return std::optional<std::pair<size_t, int>>();
}

StatusOr<bool> SliceService::ReclaimIdleFor(const std::vector<GpuInfo>& gpus,
                                            const std::vector<const GiProfile*>& profiles,
                                            const std::set<std::pair<std::string, int>>& taken) {
  // On each GPU, where the wanted profile would go if only leased and busy instances existed;
  // the idle instances overlapping that place are the cost. The cheapest GPU (fewest slices
  // destroyed, then fewest instances) is cleared.
  struct Option {
    size_t gpu = 0;
    std::vector<const GpuInstance*> victims;
    int slices = 0;
  };
  std::optional<Option> best;
  for (size_t g = 0; g < gpus.size(); ++g) {
    const GiProfile* want = profiles[g];
    if (want == nullptr) continue;
    const GpuModel& model = *gpus[g].model;
    std::vector<PlacedProfile> fixed;
    for (const GpuInstance& gi : gpus[g].state.gpu_instances) {
      if (taken.count({gpus[g].uuid, gi.id})) {
        fixed.push_back({model.FindProfileById(gi.profile_id), gi.placement});
      }
    }
    for (const Placement& p : FreePlacements(model, *want, fixed)) {
      Option o;
      o.gpu = g;
      for (const GpuInstance& gi : gpus[g].state.gpu_instances) {
        if (!taken.count({gpus[g].uuid, gi.id}) && (gi.placement.Mask() & p.Mask())) {
          o.victims.push_back(&gi);
          o.slices += model.FindProfileById(gi.profile_id)->slices;
        }
      }
      if (!best || std::make_pair(o.slices, o.victims.size()) <
                       std::make_pair(best->slices, best->victims.size())) {
        best = std::move(o);
      }
    }
  }
  if (!best || best->victims.empty()) return false;
  const int index = gpus[best->gpu].index;
  for (const GpuInstance* gi : best->victims) {
    for (const ComputeInstance& ci : gi->compute_instances) {
      MIGKIT_RETURN_IF_ERROR(backend_->DestroyComputeInstance(index, gi->id, ci.id)
                                 .WithContext("reclaiming idle GI " + std::to_string(gi->id)));
    }
    MIGKIT_RETURN_IF_ERROR(backend_->DestroyGpuInstance(index, gi->id)
                               .WithContext("reclaiming idle GI " + std::to_string(gi->id)));
  }
  return true;
}

Status SliceService::CheckDuration(std::int64_t seconds) const {
  const std::int64_t longest =
      options_.max_duration_seconds > 0 ? options_.max_duration_seconds : kLongestDuration;
  if (seconds > 0 && seconds <= longest) return Status::Ok();
  return Status::InvalidArgument("duration " + std::to_string(seconds) +
                                 " s is out of range (valid: 1.." + std::to_string(longest) +
                                 " s)");
}

StatusOr<std::set<std::pair<std::string, int>>> SliceService::TakenInstances() {
  StatusOr<std::vector<Lease>> leases = store_->ListLeases(std::nullopt, options_.node);
  if (!leases.ok()) return leases.status();
  std::set<InstanceKey> taken;
  for (const Lease& l : *leases) taken.insert({l.gpu_uuid, l.gi_id});
  // Instances someone else marked busy (`migctl busy`) are not idle either.
  if (!options_.busy_dir.empty()) {
    StatusOr<std::vector<BusyMark>> marks =
        BusyStore(env_, options_.busy_dir).List(env_->NowMicros());
    if (!marks.ok()) return marks.status();
    for (const BusyMark& m : *marks) taken.insert({m.gpu_uuid, m.gi_id});
  }
  return taken;
}

StatusOr<Grant> SliceService::Create(const LeaseRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  if (request.duration_seconds) MIGKIT_RETURN_IF_ERROR(CheckDuration(*request.duration_seconds));
  StatusOr<Tenant> tenant = store_->GetTenant(request.tenant);
  if (!tenant.ok()) return tenant.status();
  if (StatusOr<int> expired = ExpireDueLocked(); !expired.ok()) return expired.status();

  StatusOr<std::vector<GpuInfo>> gpus = backend_->Gpus();
  if (!gpus.ok()) return gpus.status();
  StatusOr<std::vector<const GiProfile*>> profiles = ResolveProfiles(*gpus, request.what);
  if (!profiles.ok()) return profiles.status();

  StatusOr<std::set<InstanceKey>> taken_or = TakenInstances();
  if (!taken_or.ok()) return taken_or.status();
  const std::set<InstanceKey>& taken = *taken_or;

  // The smallest profile asked for decides the quota check before anything changes; the store
  // checks again, atomically, when the lease is recorded.
  Lease lease;
  lease.tenant = request.tenant;
  lease.node = options_.node;
  const GiProfile* smallest = nullptr;
  for (const GiProfile* p : *profiles) {
    if (p != nullptr && (smallest == nullptr || p->slices < smallest->slices)) smallest = p;
  }
  {
    Lease probe = lease;
    probe.profile = smallest->name;
    probe.slices = smallest->slices;
    probe.memory_mib = static_cast<std::int64_t>(smallest->memory_mib);
    StatusOr<QuotaUsage> usage = store_->Usage(request.tenant);
    if (!usage.ok()) return usage.status();
    MIGKIT_RETURN_IF_ERROR(CheckQuota(*tenant, *usage, probe));
  }

  Grant grant;
  std::optional<std::pair<size_t, int>> chosen;  // GPU index, GI ID
  if (options_.reuse_idle) {
    for (size_t g = 0; g < gpus->size() && !chosen; ++g) {
      const GiProfile* want = (*profiles)[g];
      if (want == nullptr) continue;
      for (const GpuInstance& gi : (*gpus)[g].state.gpu_instances) {
        if (gi.profile_id == want->id && !taken.count({(*gpus)[g].uuid, gi.id}) &&
            Reusable(*(*gpus)[g].model, *want, gi)) {
          chosen = {g, gi.id};
          grant.reused = true;
          break;
        }
      }
    }
  }
  // Create where the placement policy says; when nothing fits, destroy idle instances in the way
  // on the GPU where that costs least, and try once more.
  for (int attempt = 0; attempt < 2 && !chosen; ++attempt) {
    if (attempt == 1) {
      StatusOr<bool> reclaimed = ReclaimIdleFor(*gpus, *profiles, taken);
      if (!reclaimed.ok()) return reclaimed.status();
      if (!*reclaimed) break;
      gpus = backend_->Gpus();
      if (!gpus.ok()) return gpus.status();
    }
    StatusOr<std::optional<std::pair<size_t, int>>> created = CreateInstance(*gpus, *profiles);
    if (!created.ok()) return created.status();
    chosen = *created;
  }
  if (!chosen) {
    return Status::InsufficientResources("no room for '" + request.what + "' on this node (" +
                                         std::to_string(gpus->size()) +
                                         " GPUs); POST /v1/defrag shows whether moving idle "
                                         "instances would make room");
  }

  const GpuInfo& gpu = (*gpus)[chosen->first];
  const GiProfile* profile = (*profiles)[chosen->first];
  // Make sure the instance has its default compute instance (a reused GI may have none).
  int ci_id = -1;
  for (const GpuInstance& gi : gpu.state.gpu_instances) {
    if (gi.id == chosen->second && !gi.compute_instances.empty()) {
      ci_id = gi.compute_instances[0].id;
    }
  }
  if (ci_id < 0) {
    std::optional<int> ci_profile = DefaultCiProfileId(*gpu.model, *profile);
    if (!ci_profile) return Status::Unknown(profile->name + " has no default compute profile");
    StatusOr<ComputeInstance> ci =
        backend_->CreateComputeInstance(gpu.index, chosen->second, *ci_profile, std::nullopt);
    if (!ci.ok()) return ci.status().WithContext("creating the compute instance");
    ci_id = ci->id;
  }
  StatusOr<std::vector<GpuInfo>> after = backend_->Gpus();
  if (!after.ok()) return after.status();
  const GpuInfo& now_gpu = (*after)[chosen->first];
  auto uuid = now_gpu.mig_uuids.find({chosen->second, ci_id});
  if (ci_id == Backend::kGoneId || uuid == now_gpu.mig_uuids.end()) {
    return Status::InUse("the instance on GPU " + std::to_string(gpu.index) + " GI " +
                         std::to_string(chosen->second) +
                         " changed while it was being leased; try again");
  }

  lease.id = NewLeaseId();
  lease.gpu = gpu.index;
  lease.gpu_uuid = gpu.uuid;
  lease.gi_id = chosen->second;
  lease.ci_id = ci_id;
  lease.profile = profile->name;
  lease.slices = profile->slices;
  lease.memory_mib = static_cast<std::int64_t>(profile->memory_mib);
  lease.mig_uuid = uuid->second;
  lease.created_micros = env_->NowMicros();
  if (request.duration_seconds) {
    lease.expires_micros = lease.created_micros + *request.duration_seconds * kMicrosPerSecond;
  }
  // Busy first: from the moment the lease exists, `migctl apply` must leave the instance alone.
  MIGKIT_RETURN_IF_ERROR(Mark(lease));
  Status recorded = store_->InsertLease(lease);
  if (!recorded.ok()) {
    (void)Unmark(lease);  // a mark left behind is removed by the next Reconcile
    return recorded;
  }
  grant.lease = std::move(lease);
  return grant;
}

StatusOr<Lease> SliceService::GetLocked(const std::string& id,
                                        const std::optional<std::string>& tenant) {
  StatusOr<Lease> lease = store_->GetLease(id);
  if (!lease.ok()) return lease.status();
  if ((tenant.has_value() && lease->tenant != *tenant) || lease->node != options_.node) {
    return Status::NotFound("no active lease '" + id + "'");
  }
  return lease;
}

Status SliceService::Release(const std::string& id, const std::optional<std::string>& tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  StatusOr<Lease> lease = GetLocked(id, tenant);
  if (!lease.ok()) return lease.status();
  MIGKIT_RETURN_IF_ERROR(store_->RemoveLease(id, env_->NowMicros(), "released"));
  MIGKIT_RETURN_IF_ERROR(Unmark(*lease));
  if (options_.keep_idle) return Status::Ok();
  // The lease is over whatever happens next: a failure here leaves an idle instance, which
  // placement reclaims when it is in the way.
  MIGKIT_RETURN_IF_ERROR(backend_->DestroyComputeInstance(lease->gpu, lease->gi_id, lease->ci_id));
  return backend_->DestroyGpuInstance(lease->gpu, lease->gi_id);
}

StatusOr<Lease> SliceService::Renew(const std::string& id, const std::optional<std::string>& tenant,
                                    std::optional<std::int64_t> duration_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  if (StatusOr<int> expired = ExpireDueLocked(); !expired.ok()) return expired.status();
  StatusOr<Lease> lease = GetLocked(id, tenant);
  if (!lease.ok()) return lease.status();
  std::optional<std::int64_t> expires;
  if (duration_seconds) {
    MIGKIT_RETURN_IF_ERROR(CheckDuration(*duration_seconds));
    expires = env_->NowMicros() + *duration_seconds * kMicrosPerSecond;
  }
  MIGKIT_RETURN_IF_ERROR(store_->SetExpiry(id, expires));
  lease->expires_micros = expires;
  MIGKIT_RETURN_IF_ERROR(Mark(*lease));
  return lease;
}

StatusOr<Lease> SliceService::Get(const std::string& id, const std::optional<std::string>& tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  if (StatusOr<int> expired = ExpireDueLocked(); !expired.ok()) return expired.status();
  return GetLocked(id, tenant);
}

StatusOr<std::vector<Lease>> SliceService::List(const std::optional<std::string>& tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  if (StatusOr<int> expired = ExpireDueLocked(); !expired.ok()) return expired.status();
  return store_->ListLeases(tenant, options_.node);
}

StatusOr<int> SliceService::ExpireDue() {
  std::lock_guard<std::mutex> lock(mu_);
  return ExpireDueLocked();
}

StatusOr<int> SliceService::ExpireDueLocked() {
  StatusOr<std::vector<Lease>> leases = store_->ListLeases(std::nullopt, options_.node);
  if (!leases.ok()) return leases.status();
  const std::int64_t now = env_->NowMicros();
  int expired = 0;
  for (const Lease& l : *leases) {
    if (!l.expires_micros || *l.expires_micros > now) continue;
    // The stop is written at the expiry time, not when it was noticed: a tenant pays for what it
    // was granted.
    Status s = store_->RemoveLease(l.id, *l.expires_micros, "expired");
    if (s.code() == Code::kNotFound) continue;  // released meanwhile through another path
    MIGKIT_RETURN_IF_ERROR(s);
    MIGKIT_RETURN_IF_ERROR(Unmark(l));
    ++expired;
  }
  return expired;
}

StatusOr<NodeSnapshot> SliceService::Snapshot() {
  std::lock_guard<std::mutex> lock(mu_);
  if (StatusOr<int> expired = ExpireDueLocked(); !expired.ok()) return expired.status();
  StatusOr<std::vector<GpuInfo>> gpus = backend_->Gpus();
  if (!gpus.ok()) return gpus.status();
  StatusOr<std::vector<Lease>> leases = store_->ListLeases(std::nullopt, options_.node);
  if (!leases.ok()) return leases.status();
  return NodeSnapshot{std::move(*gpus), std::move(*leases)};
}

StatusOr<ReconcileReport> SliceService::Reconcile() {
  std::lock_guard<std::mutex> lock(mu_);
  ReconcileReport report;
  StatusOr<int> expired = ExpireDueLocked();
  if (!expired.ok()) return expired.status();
  report.expired = *expired;
  if (*expired > 0) report.actions.push_back(std::to_string(*expired) + " expired leases ended");

  StatusOr<std::vector<GpuInfo>> gpus = backend_->Gpus();
  if (!gpus.ok()) return gpus.status();
  StatusOr<std::vector<Lease>> leases = store_->ListLeases(std::nullopt, options_.node);
  if (!leases.ok()) return leases.status();

  std::set<InstanceKey> held;
  std::set<std::string> active;
  for (const Lease& l : *leases) {
    const GpuInfo* gpu = nullptr;
    for (const GpuInfo& g : *gpus) {
      if (g.uuid == l.gpu_uuid) gpu = &g;
    }
    const GpuInstance* gi = gpu ? gpu->state.FindGpuInstance(l.gi_id) : nullptr;
    const GiProfile* profile = gi ? gpu->model->FindProfileById(gi->profile_id) : nullptr;
    auto mig = gpu ? gpu->mig_uuids.find({l.gi_id, l.ci_id}) : decltype(gpu->mig_uuids.end()){};
    const bool intact = profile != nullptr && profile->name == l.profile &&
                        mig != gpu->mig_uuids.end() && mig->second == l.mig_uuid;
    if (intact) {
      held.insert({l.gpu_uuid, l.gi_id});
      active.insert(l.id);
      continue;
    }
    MIGKIT_RETURN_IF_ERROR(store_->RemoveLease(l.id, env_->NowMicros(), "instance vanished"));
    (void)Unmark(l);
    ++report.vanished;
    report.actions.push_back("lease " + l.id + " of " + l.tenant + " ended: its " + l.profile +
                             " instance (GPU " + std::to_string(l.gpu) + " GI " +
                             std::to_string(l.gi_id) + " CI " + std::to_string(l.ci_id) + ", " +
                             l.mig_uuid + ") no longer exists");
  }
  for (const GpuInfo& g : *gpus) {
    for (const GpuInstance& gi : g.state.gpu_instances) {
      if (held.count({g.uuid, gi.id})) continue;
      ++report.idle;
      const GiProfile* p = g.model->FindProfileById(gi.profile_id);
      report.actions.push_back("GPU " + std::to_string(g.index) + " GI " + std::to_string(gi.id) +
                               " (" + (p ? p->name : "profile " + std::to_string(gi.profile_id)) +
                               ") is held by no lease: kept as idle capacity");
    }
  }
  if (!options_.busy_dir.empty()) {
    BusyStore busy(env_, options_.busy_dir);
    StatusOr<std::vector<BusyMark>> marks = busy.List(env_->NowMicros());
    if (!marks.ok()) return marks.status();
    std::set<std::string> marked;
    for (const BusyMark& m : *marks) {
      if (m.holder.rfind("migkitd:", 0) != 0) continue;
      const std::string id = m.holder.substr(8);
      if (active.count(id)) {
        marked.insert(id);
        continue;
      }
      StatusOr<int> removed =
          busy.Remove(m.gpu_uuid, m.gi_id, m.ci_id, m.holder, env_->NowMicros());
      if (!removed.ok()) return removed.status();
      ++report.marks_removed;
      report.actions.push_back("busy mark of " + id + " removed: no such active lease");
    }
    for (const Lease& l : *leases) {
      if (!active.count(l.id) || marked.count(l.id)) continue;
      MIGKIT_RETURN_IF_ERROR(Mark(l));
      ++report.marks_added;
      report.actions.push_back("busy mark of " + l.id + " restored");
    }
  }
  return report;
}

StatusOr<DefragPlan> SliceService::PlanDefrag(const std::string& profile) {
  std::lock_guard<std::mutex> lock(mu_);
  return PlanDefragLocked(profile);
}

StatusOr<DefragPlan> SliceService::PlanDefragLocked(const std::string& profile_name) {
  StatusOr<std::vector<GpuInfo>> gpus = backend_->Gpus();
  if (!gpus.ok()) return gpus.status();
  StatusOr<std::vector<const GiProfile*>> profiles = ResolveProfiles(*gpus, profile_name);
  if (!profiles.ok()) return profiles.status();
  StatusOr<std::set<InstanceKey>> taken = TakenInstances();
  if (!taken.ok()) return taken.status();
  const std::set<InstanceKey>& fixed_keys = *taken;

  DefragPlan plan;
  plan.profile = profile_name;
  for (size_t g = 0; g < gpus->size(); ++g) {
    const GiProfile* want = (*profiles)[g];
    if (want == nullptr) continue;
    const GpuModel& model = *(*gpus)[g].model;
    if (!FreePlacements(model, *want, PlacedProfilesOf(model, (*gpus)[g].state)).empty()) {
      plan.fits_now = true;
      plan.gpu = (*gpus)[g].index;
      plan.moves.clear();
      return plan;
    }
  }
  // On each GPU, keep the leased (and busy) instances, put the wanted profile first and the idle
  // instances after it; an idle instance whose placement changes is destroyed and recreated.
  for (size_t g = 0; g < gpus->size(); ++g) {
    const GiProfile* want = (*profiles)[g];
    if (want == nullptr) continue;
    const GpuInfo& gpu = (*gpus)[g];
    const GpuModel& model = *gpu.model;
    std::vector<PlacedProfile> fixed;
    std::vector<const GpuInstance*> idle;
    for (const GpuInstance& gi : gpu.state.gpu_instances) {
      const GiProfile* p = model.FindProfileById(gi.profile_id);
      if (fixed_keys.count({gpu.uuid, gi.id})) {
        fixed.push_back({p, gi.placement});
      } else {
        idle.push_back(&gi);
      }
    }
    std::vector<DefragMove> moves;
    std::optional<Placement> target;
    std::vector<const GiProfile*> to_place = {want};
    for (const GpuInstance* gi : idle) to_place.push_back(model.FindProfileById(gi->profile_id));
    if (auto placed = PlaceGpuInstances(model, fixed, to_place)) {
      target = (*placed)[0];
      for (size_t i = 0; i < idle.size(); ++i) {
        if ((*placed)[i + 1] == idle[i]->placement) continue;
        moves.push_back(
            {gpu.index, idle[i]->id, to_place[i + 1]->name, idle[i]->placement, (*placed)[i + 1]});
      }
    } else if (auto alone = PlaceGpuInstances(model, fixed, {want})) {
      // Not every idle instance fits beside it: the ones in its way go.
      target = (*alone)[0];
      for (const GpuInstance* gi : idle) {
        if (gi->placement.Mask() & target->Mask()) {
          moves.push_back({gpu.index, gi->id, model.FindProfileById(gi->profile_id)->name,
                           gi->placement, std::nullopt});
        }
      }
    } else {
      continue;  // the leased instances alone leave no room on this GPU
    }
    if (!plan.gpu || moves.size() < plan.moves.size()) {
      plan.gpu = gpu.index;
      plan.placement = target;
      plan.moves = std::move(moves);
    }
  }
  return plan;
}

StatusOr<DefragPlan> SliceService::Defrag(const std::string& profile) {
  std::lock_guard<std::mutex> lock(mu_);
  StatusOr<DefragPlan> plan = PlanDefragLocked(profile);
  if (!plan.ok() || plan->fits_now || !plan->gpu) return plan;
  StatusOr<std::vector<GpuInfo>> gpus = backend_->Gpus();
  if (!gpus.ok()) return gpus.status();
  const GpuInfo* gpu = nullptr;
  for (const GpuInfo& g : *gpus) {
    if (g.index == *plan->gpu) gpu = &g;
  }
  if (gpu == nullptr) return Status::NotFound("GPU " + std::to_string(*plan->gpu) + " vanished");
  // Destroy every moved instance first (their new places may overlap each other's old ones).
  for (const DefragMove& m : plan->moves) {
    const GpuInstance* gi = gpu->state.FindGpuInstance(m.gi_id);
    if (gi == nullptr) continue;
    for (const ComputeInstance& ci : gi->compute_instances) {
      MIGKIT_RETURN_IF_ERROR(backend_->DestroyComputeInstance(gpu->index, gi->id, ci.id)
                                 .WithContext("defrag: destroying GI " + std::to_string(gi->id)));
    }
    MIGKIT_RETURN_IF_ERROR(backend_->DestroyGpuInstance(gpu->index, gi->id)
                               .WithContext("defrag: destroying GI " + std::to_string(gi->id)));
  }
  for (const DefragMove& m : plan->moves) {
    if (!m.to) continue;
    const GiProfile* p = gpu->model->FindProfileByName(m.profile);
    StatusOr<GpuInstance> gi = backend_->CreateGpuInstance(gpu->index, p->id, m.to->start);
    if (!gi.ok()) {
      return gi.status().WithContext("defrag: recreating " + m.profile + " at " + m.to->ToString());
    }
  }
  return plan;
}

}  // namespace migkit
