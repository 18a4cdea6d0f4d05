#include "reconfig/plan.h"

#include <algorithm>
#include <map>
#include <optional>

#include "config/mig_profile.h"
#include "core/geometry.h"
#include "core/gpu_state.h"

namespace migkit {
namespace {

std::string GiName(const GpuModel& model, int profile_id) {
  const GiProfile* p = model.FindProfileById(profile_id);
  return p ? p->name : "GI profile " + std::to_string(profile_id);
}

std::string CiName(const GpuModel& model, int gi_profile_id, int ci_profile_id) {
  const GiProfile* p = model.FindProfileById(gi_profile_id);
  return p ? FormatMigDevice(model, *p, ci_profile_id)
           : "CI profile " + std::to_string(ci_profile_id);
}

// Applies one step to `state` with the core rules (what a Backend would do).
Status ApplyStep(const GpuModel& model, GpuState* state, const Step& step) {
  switch (step.kind) {
    case StepKind::kSetMigMode: {
      Status activation;
      return SetMigMode(model, state, step.enable, &activation);
    }
    case StepKind::kResetGpu:
      ResetGpu(state);
      return Status::Ok();
    case StepKind::kDestroyComputeInstance:
      return DestroyComputeInstance(state, step.gi_id, step.ci_id);
    case StepKind::kDestroyGpuInstance:
      return DestroyGpuInstance(state, step.gi_id);
    case StepKind::kCreateGpuInstance: {
      StatusOr<GpuInstance> gi =
          CreateGpuInstance(model, state, step.profile_id, step.placement.start);
      if (!gi.ok()) return gi.status();
      if (gi->id != step.gi_id) {
        return Status::Unknown("GI created with ID " + std::to_string(gi->id) + ", planned " +
                               std::to_string(step.gi_id));
      }
      return Status::Ok();
    }
    case StepKind::kCreateComputeInstance: {
      StatusOr<ComputeInstance> ci =
          CreateComputeInstance(model, state, step.gi_id, step.profile_id, step.placement.start);
      return ci.status();
    }
  }
  return Status::Unknown("unknown step kind");
}

// Checks that `t` is a valid layout for `model` (what a checkpoint from another tool may violate).
Status ValidateTarget(const GpuModel& model, const LayoutTarget& t) {
  const std::string where = "GPU " + std::to_string(t.gpu) + ": ";
  if (!t.mig_enabled) {
    if (!t.gis.empty())
      return Status::InvalidArgument(where + "instances requested with MIG disabled");
    return Status::Ok();
  }
  std::vector<PlacedProfile> placed;
  for (const TargetGi& gi : t.gis) {
    const GiProfile* p = model.FindProfileById(gi.profile_id);
    if (p == nullptr) {
      return Status::InvalidArgument(where + "no GPU instance profile with ID " +
                                     std::to_string(gi.profile_id) + " on " + model.id);
    }
    Status fits = CheckPlacement(model, *p, gi.placement, placed);
    if (!fits.ok()) return Status::InvalidArgument(where + fits.message());
    placed.push_back({p, gi.placement});
    GpuInstance shell;
    shell.profile_id = gi.profile_id;
    shell.placement = gi.placement;
    for (const TargetCi& ci : gi.cis) {
      std::optional<CiProfile> cp = FindCiProfile(model, *p, ci.profile_id);
      if (!cp.has_value()) {
        return Status::InvalidArgument(where + "a " + p->name +
                                       " GPU instance has no compute "
                                       "instance profile " +
                                       std::to_string(ci.profile_id));
      }
      const std::vector<Placement> free = FreeComputePlacements(*cp, shell);
      if (std::find(free.begin(), free.end(), ci.placement) == free.end()) {
        return Status::InvalidArgument(where + cp->name + " cannot be placed at " +
                                       ci.placement.ToString() + " in the " + p->name +
                                       " GPU instance at " + gi.placement.ToString());
      }
      ComputeInstance c;
      c.id = 100 + static_cast<int>(shell.compute_instances.size());
      c.profile_id = ci.profile_id;
      c.placement = ci.placement;
      shell.compute_instances.push_back(c);
    }
  }
  return Status::Ok();
}

// True when `state` has the layout `t` asks for (CI IDs compared only where `t` names them... and
// even then only as a preference: the driver chooses CI IDs).
bool Reached(const GpuState& state, const LayoutTarget& t) {
  if (state.mig_current != t.mig_enabled || state.mig_pending != t.mig_enabled) return false;
  if (state.gpu_instances.size() != t.gis.size()) return false;
  for (const TargetGi& tg : t.gis) {
    const GpuInstance* gi = nullptr;
    for (const GpuInstance& g : state.gpu_instances) {
      if (g.profile_id == tg.profile_id && g.placement == tg.placement) gi = &g;
    }
    if (gi == nullptr || gi->compute_instances.size() != tg.cis.size()) return false;
    for (const TargetCi& tc : tg.cis) {
      bool found = false;
      for (const ComputeInstance& c : gi->compute_instances) {
        found |= c.profile_id == tc.profile_id && c.placement == tc.placement;
      }
      if (!found) return false;
    }
  }
  return true;
}

class GpuPlanner {
 public:
  GpuPlanner(const GpuInfo& gpu, const LayoutTarget& target, const PlanOptions& options)
      : gpu_(gpu), model_(*gpu.model), target_(target), options_(options), sim_(gpu.state) {}

  Status Run(std::vector<Step>* steps, GpuChange* change) {
    MIGKIT_RETURN_IF_ERROR(ValidateTarget(model_, target_));
    const GpuState& state = gpu_.state;
    change->gpu = gpu_.index;
    change->model_id = model_.id;
    change->uuid = gpu_.uuid;
    change->mig_before = state.mig_current;
    change->mig_after = target_.mig_enabled;

    // Which existing GIs and CIs stay.
    std::map<int, const TargetGi*> kept_gi;  // existing GI ID -> target GI
    std::map<const TargetGi*, int> target_to_existing;
    std::map<std::pair<int, int>, const TargetCi*> kept_ci;  // (GI ID, CI ID) -> target CI
    std::map<const TargetCi*, bool> target_ci_kept;
    if (target_.mig_enabled && state.mig_current) {
      for (const TargetGi& tg : target_.gis) {
        for (const GpuInstance& gi : state.gpu_instances) {
          if (gi.profile_id != tg.profile_id || gi.placement != tg.placement) continue;
          kept_gi[gi.id] = &tg;
          target_to_existing[&tg] = gi.id;
          for (const TargetCi& tc : tg.cis) {
            for (const ComputeInstance& ci : gi.compute_instances) {
              if (kept_ci.count({gi.id, ci.id}) || ci.profile_id != tc.profile_id ||
                  ci.placement != tc.placement || (tc.id.has_value() && *tc.id != ci.id)) {
                continue;
              }
              kept_ci[{gi.id, ci.id}] = &tc;
              target_ci_kept[&tc] = true;
              break;
            }
          }
        }
      }
    }

    if (target_.mig_enabled) {
      if (state.mig_current && !state.mig_pending) MIGKIT_RETURN_IF_ERROR(Add(ModeStep(true)));
      // Surplus CIs in GIs that stay, then whole GIs that go.
      for (const GpuInstance& gi : state.gpu_instances) {
        if (!kept_gi.count(gi.id)) continue;
        for (const ComputeInstance& ci : gi.compute_instances) {
          if (!kept_ci.count({gi.id, ci.id})) MIGKIT_RETURN_IF_ERROR(Add(DestroyCi(gi, ci)));
        }
      }
      for (const GpuInstance& gi : state.gpu_instances) {
        if (kept_gi.count(gi.id)) continue;
        for (const ComputeInstance& ci : gi.compute_instances)
          MIGKIT_RETURN_IF_ERROR(Add(DestroyCi(gi, ci)));
        MIGKIT_RETURN_IF_ERROR(Add(DestroyGi(gi)));
      }
      if (!sim_.mig_current) {
        if (!sim_.mig_pending) MIGKIT_RETURN_IF_ERROR(Add(ModeStep(true)));
        if (!sim_.mig_current) MIGKIT_RETURN_IF_ERROR(AddReset("enabling"));
      }
      // Creations: new CIs in GIs that stay, then new GIs with their CIs.
      std::vector<const TargetGi*> order;
      for (const TargetGi& tg : target_.gis) order.push_back(&tg);
      std::sort(order.begin(), order.end(), [](const TargetGi* a, const TargetGi* b) {
        return a->placement.start < b->placement.start;
      });
      for (const TargetGi* tg : order) {
        auto existing = target_to_existing.find(tg);
        int gi_id;
        if (existing != target_to_existing.end()) {
          gi_id = existing->second;
        } else {
          gi_id = GpuInstanceIdFor(model_, tg->placement);
          Step s = NewStep(StepKind::kCreateGpuInstance);
          s.gi_id = gi_id;
          s.profile_id = tg->profile_id;
          s.placement = tg->placement;
          s.profile = GiName(model_, tg->profile_id);
          MIGKIT_RETURN_IF_ERROR(Add(s));
        }
        std::vector<const TargetCi*> cis;
        for (const TargetCi& tc : tg->cis) {
          if (!target_ci_kept.count(&tc)) cis.push_back(&tc);
        }
        // With IDs given (checkpoints), create in ID order: the driver hands out the lowest free CI
        // ID, so that reproduces them whenever the lower IDs are taken.
        std::stable_sort(cis.begin(), cis.end(), [](const TargetCi* a, const TargetCi* b) {
          return a->id.value_or(99) < b->id.value_or(99);
        });
        for (const TargetCi* tc : cis) {
          Step s = NewStep(StepKind::kCreateComputeInstance);
          s.gi_id = gi_id;
          s.ci_id = tc->id.value_or(-1);
          s.profile_id = tc->profile_id;
          s.placement = tc->placement;
          s.profile = CiName(model_, tg->profile_id, tc->profile_id);
          MIGKIT_RETURN_IF_ERROR(Add(s));
        }
      }
    } else {
      if (!state.gpu_instances.empty()) {
        if (state.MigUsable()) {
          for (const GpuInstance& gi : state.gpu_instances) {
            for (const ComputeInstance& ci : gi.compute_instances)
              MIGKIT_RETURN_IF_ERROR(Add(DestroyCi(gi, ci)));
            MIGKIT_RETURN_IF_ERROR(Add(DestroyGi(gi)));
          }
        } else {
          // MIG is pending disable with instances left: only a reset removes them.
          MIGKIT_RETURN_IF_ERROR(AddReset("finishing the pending MIG disable on"));
        }
      }
      if (sim_.mig_current || sim_.mig_pending) {
        if (sim_.mig_pending) MIGKIT_RETURN_IF_ERROR(Add(ModeStep(false)));
        if (sim_.mig_current) MIGKIT_RETURN_IF_ERROR(AddReset("disabling"));
      }
    }
    if (!Reached(sim_, target_)) {
      return Status::Unknown("internal error: the plan for GPU " + std::to_string(gpu_.index) +
                             " does not reach its target layout");
    }
    Describe(kept_gi, kept_ci, change);
    change->changes = !steps_.empty();
    steps->insert(steps->end(), steps_.begin(), steps_.end());
    return Status::Ok();
  }

 private:
  // A step of `kind` on this GPU; every step starts so.
  Step NewStep(StepKind kind) const {
    Step s;
    s.kind = kind;
    s.gpu = gpu_.index;
    return s;
  }
  Step ModeStep(bool enable) const {
    Step s = NewStep(StepKind::kSetMigMode);
    s.enable = enable;
    return s;
  }
  Step DestroyCi(const GpuInstance& gi, const ComputeInstance& ci) const {
    Step s = NewStep(StepKind::kDestroyComputeInstance);
    s.gi_id = gi.id;
    s.ci_id = ci.id;
    s.profile_id = ci.profile_id;
    s.placement = ci.placement;
    s.profile = CiName(model_, gi.profile_id, ci.profile_id);
    auto uuid = gpu_.mig_uuids.find({gi.id, ci.id});
    if (uuid != gpu_.mig_uuids.end()) s.mig_uuid = uuid->second;
    return s;
  }
  Step DestroyGi(const GpuInstance& gi) const {
    Step s = NewStep(StepKind::kDestroyGpuInstance);
    s.gi_id = gi.id;
    s.profile_id = gi.profile_id;
    s.placement = gi.placement;
    s.profile = GiName(model_, gi.profile_id);
    return s;
  }
  Status AddReset(const std::string& why) {
    if (!options_.allow_reset) {
      return Status::ResetRequired("GPU " + std::to_string(gpu_.index) + " (" + model_.id +
                                   "): " + why +
                                   " MIG takes effect only after a GPU reset, and "
                                   "resets are not allowed (--skip-reset)");
    }
    return Add(NewStep(StepKind::kResetGpu));
  }
  Status Add(const Step& s) {
    Status applied = ApplyStep(model_, &sim_, s);
    if (!applied.ok()) {
      return Status::Unknown("internal error: planned step '" + s.Describe() +
                             "' fails on the model: " + applied.ToString());
    }
    steps_.push_back(s);
    return Status::Ok();
  }

  void Describe(const std::map<int, const TargetGi*>& kept_gi,
                const std::map<std::pair<int, int>, const TargetCi*>& kept_ci, GpuChange* change) {
    for (const GpuInstance& gi : gpu_.state.gpu_instances) {
      GpuChange::Gi row;
      const bool kept = kept_gi.count(gi.id) > 0;
      row.op = kept ? '=' : '-';
      row.id = gi.id;
      row.profile = GiName(model_, gi.profile_id);
      row.placement = gi.placement;
      (kept ? change->kept : change->destroyed) += 1;
      for (const ComputeInstance& ci : gi.compute_instances) {
        GpuChange::Ci c;
        const bool ci_kept = kept_ci.count({gi.id, ci.id}) > 0;
        c.op = ci_kept ? '=' : '-';
        c.id = ci.id;
        c.profile = CiName(model_, gi.profile_id, ci.profile_id);
        c.placement = ci.placement;
        auto uuid = gpu_.mig_uuids.find({gi.id, ci.id});
        if (uuid != gpu_.mig_uuids.end()) c.mig_uuid = uuid->second;
        (ci_kept ? change->kept : change->destroyed) += 1;
        row.cis.push_back(std::move(c));
      }
      change->gis.push_back(std::move(row));
    }
    // Creations, from the steps (their GI IDs are the planned ones).
    for (const Step& s : steps_) {
      if (s.kind == StepKind::kCreateGpuInstance) {
        GpuChange::Gi row;
        row.op = '+';
        row.id = s.gi_id;
        row.profile = s.profile;
        row.placement = s.placement;
        change->gis.push_back(std::move(row));
        ++change->created;
      } else if (s.kind == StepKind::kCreateComputeInstance) {
        for (GpuChange::Gi& row : change->gis) {
          if (row.id != s.gi_id || row.op == '-') continue;
          GpuChange::Ci c;
          c.op = '+';
          c.id = s.ci_id;
          c.profile = s.profile;
          c.placement = s.placement;
          row.cis.push_back(std::move(c));
          ++change->created;
          break;
        }
      }
    }
    std::stable_sort(change->gis.begin(), change->gis.end(),
                     [](const GpuChange::Gi& a, const GpuChange::Gi& b) {
                       if (a.placement.start != b.placement.start)
                         return a.placement.start < b.placement.start;
                       return a.op == '-' && b.op != '-';  // what goes before what comes
                     });
  }

  const GpuInfo& gpu_;
  const GpuModel& model_;
  const LayoutTarget& target_;
  const PlanOptions& options_;
  GpuState sim_;
  std::vector<Step> steps_;
};

}  // namespace

std::string Step::Describe() const {
  const std::string on = " on GPU " + std::to_string(gpu);
  switch (kind) {
    case StepKind::kSetMigMode:
      return std::string(enable ? "enable" : "disable") + " MIG" + on;
    case StepKind::kResetGpu:
      return "reset GPU " + std::to_string(gpu) + " (makes the MIG mode change take effect)";
    case StepKind::kDestroyComputeInstance:
      return "destroy CI " + std::to_string(ci_id) + " (" + profile + ") of GI " +
             std::to_string(gi_id) + on;
    case StepKind::kDestroyGpuInstance:
      return "destroy GI " + std::to_string(gi_id) + " (" + profile + " at " +
             placement.ToString() + ")" + on;
    case StepKind::kCreateGpuInstance:
      return "create GI " + profile + " at " + placement.ToString() + on + " (GI " +
             std::to_string(gi_id) + ")";
    case StepKind::kCreateComputeInstance:
      return "create CI " + profile + " at " + placement.ToString() + " in GI " +
             std::to_string(gi_id) + on;
  }
  return "?";
}

StatusOr<Plan> PlanChanges(const std::vector<GpuInfo>& gpus,
                           const std::vector<LayoutTarget>& targets, const PlanOptions& options) {
  std::vector<const LayoutTarget*> ordered;
  for (const LayoutTarget& t : targets) {
    if (t.gpu < 0 || t.gpu >= static_cast<int>(gpus.size())) {
      return Status::InvalidArgument("GPU " + std::to_string(t.gpu) + " does not exist; valid: 0-" +
                                     std::to_string(static_cast<int>(gpus.size()) - 1));
    }
    for (const LayoutTarget* o : ordered) {
      if (o->gpu == t.gpu) {
        return Status::InvalidArgument("two targets for GPU " + std::to_string(t.gpu));
      }
    }
    ordered.push_back(&t);
  }
  std::sort(ordered.begin(), ordered.end(),
            [](const LayoutTarget* a, const LayoutTarget* b) { return a->gpu < b->gpu; });
  Plan plan;
  for (const LayoutTarget* t : ordered) {
    GpuChange change;
    MIGKIT_RETURN_IF_ERROR(
        GpuPlanner(gpus[static_cast<size_t>(t->gpu)], *t, options).Run(&plan.steps, &change));
    plan.gpus.push_back(std::move(change));
  }
  return plan;
}

StatusOr<std::vector<GpuState>> SimulatePlan(const std::vector<GpuInfo>& gpus,
                                             const std::vector<Step>& steps) {
  std::vector<GpuState> states;
  for (const GpuInfo& g : gpus) states.push_back(g.state);
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    if (s.gpu < 0 || s.gpu >= static_cast<int>(gpus.size())) {
      return Status::InvalidArgument("step " + std::to_string(i + 1) + ": no GPU " +
                                     std::to_string(s.gpu));
    }
    Status applied =
        ApplyStep(*gpus[static_cast<size_t>(s.gpu)].model, &states[static_cast<size_t>(s.gpu)], s);
    if (!applied.ok()) {
      return applied.WithContext("step " + std::to_string(i + 1) + " (" + s.Describe() + ")");
    }
  }
  return states;
}

}  // namespace migkit
