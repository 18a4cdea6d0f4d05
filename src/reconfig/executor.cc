#include "reconfig/executor.h"

#include <map>
#include <set>

#include "reconfig/solver.h"

namespace migkit {
namespace {

std::string GiText(const GpuModel& model, const GpuInstance& gi) {
  const GiProfile* p = model.FindProfileById(gi.profile_id);
  return "GI " + std::to_string(gi.id) + " (" + (p ? p->name : "?") + " at " +
         gi.placement.ToString() + ")";
}

// Runs one step. `gi_map` maps planned GI IDs of created GIs to the IDs the backend gave them.
Status RunStep(Backend* backend, const Step& step, std::map<std::pair<int, int>, int>* gi_map,
               std::vector<std::string>* notes) {
  auto actual_gi = [&](int planned) {
    auto it = gi_map->find({step.gpu, planned});
    return it == gi_map->end() ? planned : it->second;
  };
  switch (step.kind) {
    case StepKind::kSetMigMode: {
      Status activation;
      MIGKIT_RETURN_IF_ERROR(backend->SetMigMode(step.gpu, step.enable, &activation));
      if (!activation.ok()) {
        notes->push_back("GPU " + std::to_string(step.gpu) +
                         ": MIG mode change pending: " + activation.ToString());
      }
      return Status::Ok();
    }
    case StepKind::kResetGpu:
      return backend->ResetGpu(step.gpu);
    case StepKind::kDestroyComputeInstance:
      return backend->DestroyComputeInstance(step.gpu, actual_gi(step.gi_id), step.ci_id);
    case StepKind::kDestroyGpuInstance:
      return backend->DestroyGpuInstance(step.gpu, actual_gi(step.gi_id));
    case StepKind::kCreateGpuInstance: {
      StatusOr<GpuInstance> gi =
          backend->CreateGpuInstance(step.gpu, step.profile_id, step.placement.start);
      if (!gi.ok()) return gi.status();
      if (gi->id == Backend::kGoneId) {
        // The create took effect and was undone by someone else: the step did not fail, but the
        // layout can no longer be reached as planned. Say exactly that; rollback follows.
        return Status::NotFound("GPU " + std::to_string(step.gpu) + ": " + step.profile +
                                " was created, then destroyed by another process before it could "
                                "be read back");
      }
      if (gi->id != step.gi_id) {
        // Some boards number GIs differently (mig-facts.md §4.2, "swapped halves"); follow the
        // driver's numbering for the CIs that go into it.
        (*gi_map)[{step.gpu, step.gi_id}] = gi->id;
        notes->push_back("GPU " + std::to_string(step.gpu) + ": " + step.profile + " at " +
                         step.placement.ToString() + " got GI ID " + std::to_string(gi->id) +
                         " (planned " + std::to_string(step.gi_id) + ")");
      }
      return Status::Ok();
    }
    case StepKind::kCreateComputeInstance: {
      StatusOr<ComputeInstance> ci = backend->CreateComputeInstance(
          step.gpu, actual_gi(step.gi_id), step.profile_id, step.placement.start);
      if (!ci.ok()) return ci.status();
      if (ci->id == Backend::kGoneId) {
        return Status::NotFound("GPU " + std::to_string(step.gpu) + ": " + step.profile +
                                " in GI " + std::to_string(actual_gi(step.gi_id)) +
                                " was created, then destroyed by another process before it could "
                                "be read back");
      }
      if (step.ci_id >= 0 && ci->id != step.ci_id) {
        notes->push_back("GPU " + std::to_string(step.gpu) + ": " + step.profile + " in GI " +
                         std::to_string(actual_gi(step.gi_id)) + " got CI ID " +
                         std::to_string(ci->id) + " (had " + std::to_string(step.ci_id) + ")");
      }
      return Status::Ok();
    }
  }
  return Status::Unknown("unknown step kind");
}

void Log(const ExecuteOptions& options, const std::string& line) {
  if (options.log) options.log(line);
}

}  // namespace

std::vector<std::string> DescribeDifferences(const GpuModel& model, const GpuState& want,
                                             const GpuState& have) {
  std::vector<std::string> out;
  if (want.mig_current != have.mig_current || want.mig_pending != have.mig_pending) {
    out.push_back(std::string("MIG mode is ") + (have.mig_current ? "enabled" : "disabled") +
                  (have.mig_pending != have.mig_current ? " (change pending)" : "") + ", was " +
                  (want.mig_current ? "enabled" : "disabled"));
  }
  for (const GpuInstance& w : want.gpu_instances) {
    const GpuInstance* h = have.FindGpuInstance(w.id);
    if (h == nullptr || h->profile_id != w.profile_id || h->placement != w.placement) {
      out.push_back(GiText(model, w) + " is missing");
      continue;
    }
    if (h->compute_instances != w.compute_instances) {
      out.push_back(GiText(model, w) + " holds different compute instances");
    }
  }
  for (const GpuInstance& h : have.gpu_instances) {
    const GpuInstance* w = want.FindGpuInstance(h.id);
    if (w == nullptr || w->profile_id != h.profile_id || w->placement != h.placement) {
      out.push_back(GiText(model, h) + " was not there before");
    }
  }
  return out;
}

std::string ExecutionReport::Summary(const Plan& plan) const {
  if (ok)
    return "Applied " + std::to_string(steps_done) + " step" + (steps_done == 1 ? "" : "s") + ".\n";
  std::string s;
  if (failed_step.has_value()) {
    s += "Step " + std::to_string(*failed_step + 1) + " of " + std::to_string(plan.steps.size()) +
         " failed: " + plan.steps[*failed_step].Describe() + ": " + error.ToString() + "\n";
  } else {
    s += "The plan could not run: " + error.ToString() + "\n";
  }
  if (!rolled_back) return s;
  if (rollback_status.ok()) {
    s += "Rolled back with " + std::to_string(rollback_steps.size()) + " step" +
         (rollback_steps.size() == 1 ? "" : "s") + "; ";
  } else {
    s += "Rollback failed after " + std::to_string(rollback_steps.size()) + " step" +
         (rollback_steps.size() == 1 ? "" : "s") + ": " + rollback_status.ToString() + "\n";
  }
  if (restored) {
    s += "every GPU is back to its starting layout (same GI IDs, placements and MIG UUIDs).\n";
  } else {
    s += (rollback_status.ok() ? std::string("but ") : std::string()) +
         "the GPUs are NOT back to their starting layout:\n";
    for (const std::string& d : differences) s += "  " + d + "\n";
  }
  return s;
}

ExecutionReport ExecutePlan(Backend* backend, const Plan& plan, const std::vector<GpuInfo>& start,
                            const ExecuteOptions& options) {
  ExecutionReport report;
  std::map<std::pair<int, int>, int> gi_map;
  const size_t n = plan.steps.size();
  for (size_t i = 0; i < n; ++i) {
    const Step& step = plan.steps[i];
    Status s = RunStep(backend, step, &gi_map, &report.notes);
    const std::string prefix =
        "[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] " + step.Describe();
    if (s.ok()) {
      ++report.steps_done;
      Log(options, prefix + ": ok");
      continue;
    }
    Log(options, prefix + ": FAILED: " + s.ToString());
    report.failed_step = i;
    report.error = s;
    break;
  }
  if (!report.failed_step.has_value()) {
    report.ok = true;
    return report;
  }

  // Roll back every GPU the plan touched to its exact starting layout.
  report.rolled_back = true;
  std::set<int> touched;
  for (const Step& s : plan.steps) touched.insert(s.gpu);
  StatusOr<std::vector<GpuInfo>> now = backend->Gpus();
  if (!now.ok()) {
    report.rollback_status = now.status().WithContext("reading the GPUs for the rollback");
    return report;
  }
  std::vector<LayoutTarget> targets;
  for (int g : touched) targets.push_back(CurrentLayout(g, start[static_cast<size_t>(g)].state));
  PlanOptions rollback_options;
  rollback_options.allow_reset = options.allow_reset;
  StatusOr<Plan> rollback = PlanChanges(*now, targets, rollback_options);
  if (!rollback.ok()) {
    report.rollback_status = rollback.status().WithContext("planning the rollback");
  } else {
    std::map<std::pair<int, int>, int> rollback_map;
    for (size_t i = 0; i < rollback->steps.size(); ++i) {
      const Step& step = rollback->steps[i];
      Status s = RunStep(backend, step, &rollback_map, &report.notes);
      const std::string prefix = "[rollback " + std::to_string(i + 1) + "/" +
                                 std::to_string(rollback->steps.size()) + "] " + step.Describe();
      if (!s.ok()) {
        Log(options, prefix + ": FAILED: " + s.ToString());
        report.rollback_status = s.WithContext(step.Describe());
        break;
      }
      Log(options, prefix + ": ok");
      report.rollback_steps.push_back(step);
    }
  }
  StatusOr<std::vector<GpuInfo>> after = backend->Gpus();
  if (!after.ok()) {
    report.differences.push_back("cannot read the GPUs after the rollback: " +
                                 after.status().ToString());
    return report;
  }
  report.restored = true;
  for (int g : touched) {
    const GpuInfo& want = start[static_cast<size_t>(g)];
    const GpuInfo& have = (*after)[static_cast<size_t>(g)];
    std::vector<std::string> diffs = DescribeDifferences(*want.model, want.state, have.state);
    for (const std::string& d : diffs)
      report.differences.push_back("GPU " + std::to_string(g) + ": " + d);
    if (!(want.state == have.state) || want.mig_uuids != have.mig_uuids) {
      report.restored = false;
      if (diffs.empty())
        report.differences.push_back("GPU " + std::to_string(g) + ": IDs or MIG UUIDs differ");
    }
  }
  return report;
}

}  // namespace migkit
